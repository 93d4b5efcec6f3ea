/**
 * Amazon SP-API auth: Login with Amazon (LWA). POST https://api.amazon.com/auth/o2/token, form body
 * grant_type=refresh_token&refresh_token&client_id&client_secret ✔; the access token lives 3600 s ✔ and goes in
 * `x-amz-access-token` ✔; no SigV4 since Oct 2023 ✔ (docs/architecture.md#vendor-api-facts, Amazon). Cached per credential, refreshed
 * before expiry and once after a 401.
 */
import type { HttpRequestFn } from '../../http/types';
import { httpErrorFrom } from '../../http/errors';
import { credentialKey, type TokenCache } from '../../http/token-cache';
import type { AmazonCredentials } from '../types';

const HOSTS: Record<string, string> = {
	na: 'https://sellingpartnerapi-na.amazon.com',
	eu: 'https://sellingpartnerapi-eu.amazon.com',
	fe: 'https://sellingpartnerapi-fe.amazon.com',
};

export function amazonBaseUrl(c: AmazonCredentials): string {
	return (c.baseUrl || HOSTS[c.region ?? 'na'] || HOSTS.na).replace(/\/+$/, '');
}

export function amazonLwaUrl(c: AmazonCredentials): string {
	if (c.lwaUrl) return c.lwaUrl;
	if (c.baseUrl) return `${c.baseUrl.replace(/\/+$/, '')}/auth/o2/token`;
	return 'https://api.amazon.com/auth/o2/token';
}

export class AmazonAuth {
	readonly key: string;
	fetches = 0;
	private current?: string;
	constructor(
		private readonly c: AmazonCredentials,
		private readonly request: HttpRequestFn,
		private readonly tokens: TokenCache,
	) {
		this.key = `amazon:${credentialKey(c.lwaClientId, c.refreshToken)}`;
	}

	async headers(): Promise<Record<string, string>> {
		const token = await this.tokens.get(this.key, async () => {
			this.fetches++;
			const url = amazonLwaUrl(this.c);
			const res = await this.request<{ access_token?: string; expires_in?: number }>({
				method: 'POST',
				url,
				headers: { Accept: 'application/json' },
				bodyType: 'form',
				body: {
					grant_type: 'refresh_token',
					refresh_token: this.c.refreshToken,
					client_id: this.c.lwaClientId,
					client_secret: this.c.lwaClientSecret,
				},
			});
			if (res.status !== 200 || !res.body?.access_token)
				throw httpErrorFrom('POST', url, res, this.secrets(), 1, 'Amazon LWA token');
			return { token: res.body.access_token, expiresInSec: Number(res.body.expires_in ?? 3600) };
		});
		this.current = token;
		return { 'x-amz-access-token': token };
	}

	invalidate(): void {
		this.tokens.invalidate(this.key);
	}

	secrets(): Array<string | undefined> {
		return [this.c.lwaClientSecret, this.c.refreshToken, this.current];
	}
}
