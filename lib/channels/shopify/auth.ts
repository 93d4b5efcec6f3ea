/**
 * Shopify auth: a static X-Shopify-Access-Token, or the client-credentials grant
 * POST https://{shop}/admin/oauth/access_token {client_id, client_secret, grant_type:"client_credentials"} ✔
 * (docs/architecture.md#vendor-api-facts, Shopify); the token's life is read from `expires_in` (24 h ⚠), cached per credential and re-minted
 * before expiry or after a 401.
 */
import type { HttpRequestFn } from '../../http/types';
import { httpErrorFrom } from '../../http/errors';
import { credentialKey, type TokenCache } from '../../http/token-cache';
import type { ShopifyCredentials } from '../types';

export function shopifyBaseUrl(c: ShopifyCredentials): string {
	if (c.baseUrl) return c.baseUrl.replace(/\/+$/, '');
	const shop = c.shopDomain.replace(/^https?:\/\//, '').replace(/\/+$/, '');
	return `https://${shop.includes('.') ? shop : shop + '.myshopify.com'}`;
}

export class ShopifyAuth {
	readonly key: string;
	fetches = 0;
	/** The token minted by the client-credentials grant, held to keep it out of messages */
	private current?: string;
	constructor(
		private readonly c: ShopifyCredentials,
		private readonly request: HttpRequestFn,
		private readonly tokens: TokenCache,
	) {
		this.key = `shopify:${credentialKey(c.shopDomain, c.clientId, c.accessToken)}`;
	}

	async headers(): Promise<Record<string, string>> {
		if (this.c.accessToken) return { 'X-Shopify-Access-Token': this.c.accessToken };
		if (!this.c.clientId || !this.c.clientSecret)
			throw new Error('Shopify credential needs an access token, or a client id and client secret');
		const token = await this.tokens.get(this.key, async () => {
			this.fetches++;
			const url = `${shopifyBaseUrl(this.c)}/admin/oauth/access_token`;
			const res = await this.request<{ access_token?: string; expires_in?: number }>({
				method: 'POST',
				url,
				headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
				body: { client_id: this.c.clientId, client_secret: this.c.clientSecret, grant_type: 'client_credentials' },
			});
			if (res.status !== 200 || !res.body?.access_token)
				throw httpErrorFrom('POST', url, res, this.secrets(), 1, 'Shopify access token');
			return { token: res.body.access_token, expiresInSec: Number(res.body.expires_in ?? 86400) };
		});
		this.current = token;
		return { 'X-Shopify-Access-Token': token };
	}

	invalidate(): void {
		if (!this.c.accessToken) this.tokens.invalidate(this.key);
	}

	secrets(): Array<string | undefined> {
		return [this.c.accessToken, this.c.clientSecret, this.c.appSecret, this.current];
	}
}
