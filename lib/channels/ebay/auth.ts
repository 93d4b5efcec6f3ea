/**
 * eBay auth: OAuth2 user token from a refresh token ✔ (docs/architecture.md#vendor-api-facts, eBay):
 * POST {api}/identity/v1/oauth2/token, Authorization: Basic base64(appId:certId), form body
 * grant_type=refresh_token&refresh_token=…&scope=<space-separated scopes>; expires_in 7200 s. Calls send
 * Authorization: Bearer <token>. Cached per credential, refreshed before expiry and once after a 401.
 */
import type { HttpRequestFn } from '../../http/types';
import { httpErrorFrom } from '../../http/errors';
import { credentialKey, type TokenCache } from '../../http/token-cache';
import type { EbayCredentials } from '../types';

export const EBAY_DEFAULT_SCOPES = [
	'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
	'https://api.ebay.com/oauth/api_scope/sell.inventory',
];

export function ebayBaseUrl(c: EbayCredentials): string {
	if (c.baseUrl) return c.baseUrl.replace(/\/+$/, '');
	return c.environment === 'sandbox' ? 'https://api.sandbox.ebay.com' : 'https://api.ebay.com';
}

export class EbayAuth {
	readonly key: string;
	fetches = 0;
	private current?: string;
	constructor(
		private readonly c: EbayCredentials,
		private readonly request: HttpRequestFn,
		private readonly tokens: TokenCache,
	) {
		this.key = `ebay:${credentialKey(c.appId, c.refreshToken)}`;
	}

	scopes(): string {
		const s = this.c.scopes;
		if (!s || (Array.isArray(s) && !s.length)) return EBAY_DEFAULT_SCOPES.join(' ');
		return Array.isArray(s) ? s.join(' ') : s.split(/[\s,]+/).filter(Boolean).join(' ');
	}

	async token(): Promise<string> {
		const token = await this.tokens.get(this.key, async () => {
			this.fetches++;
			const url = this.c.tokenUrl || `${ebayBaseUrl(this.c)}/identity/v1/oauth2/token`;
			const res = await this.request<{ access_token?: string; expires_in?: number }>({
				method: 'POST',
				url,
				headers: {
					Authorization: `Basic ${Buffer.from(`${this.c.appId}:${this.c.certId}`).toString('base64')}`,
					Accept: 'application/json',
				},
				bodyType: 'form',
				body: { grant_type: 'refresh_token', refresh_token: this.c.refreshToken, scope: this.scopes() },
			});
			if (res.status !== 200 || !res.body?.access_token) throw httpErrorFrom('POST', url, res, this.secrets(), 1, 'eBay OAuth token');
			return { token: res.body.access_token, expiresInSec: Number(res.body.expires_in ?? 7200) };
		});
		this.current = token;
		return token;
	}

	async headers(): Promise<Record<string, string>> {
		return { Authorization: `Bearer ${await this.token()}` };
	}

	invalidate(): void {
		this.tokens.invalidate(this.key);
	}

	secrets(): Array<string | undefined> {
		return [this.c.certId, this.c.refreshToken, this.current, Buffer.from(`${this.c.appId}:${this.c.certId}`).toString('base64')];
	}
}
