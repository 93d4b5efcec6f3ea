/**
 * Walmart Marketplace auth ✔ (docs/architecture.md#vendor-api-facts, Walmart): POST {api}/v3/token with Authorization: Basic
 * base64(clientId:clientSecret), form body grant_type=client_credentials, headers WM_SVC.NAME,
 * WM_QOS.CORRELATION_ID, Accept: application/json. The access token lives 900 s; every call sends
 * WM_SEC.ACCESS_TOKEN, WM_SVC.NAME, WM_QOS.CORRELATION_ID and Accept. Cached per credential, refreshed before
 * expiry and once after a 401.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequestFn } from '../../http/types';
import { httpErrorFrom } from '../../http/errors';
import { credentialKey, type TokenCache } from '../../http/token-cache';
import type { WalmartCredentials } from '../types';

export function walmartBaseUrl(c: WalmartCredentials): string {
	if (c.baseUrl) return c.baseUrl.replace(/\/+$/, '');
	return c.environment === 'sandbox' ? 'https://sandbox.walmartapis.com' : 'https://marketplace.walmartapis.com';
}

export class WalmartAuth {
	readonly key: string;
	fetches = 0;
	private current?: string;
	constructor(
		private readonly c: WalmartCredentials,
		private readonly request: HttpRequestFn,
		private readonly tokens: TokenCache,
	) {
		this.key = `walmart:${credentialKey(c.clientId, c.clientSecret)}`;
	}

	serviceHeaders(): Record<string, string> {
		return { 'WM_SVC.NAME': this.c.serviceName || 'Walmart Marketplace', 'WM_QOS.CORRELATION_ID': randomUUID(), Accept: 'application/json' };
	}

	async headers(): Promise<Record<string, string>> {
		const token = await this.tokens.get(this.key, async () => {
			this.fetches++;
			const url = `${walmartBaseUrl(this.c)}/v3/token`;
			const res = await this.request<{ access_token?: string; expires_in?: number }>({
				method: 'POST',
				url,
				headers: { Authorization: `Basic ${Buffer.from(`${this.c.clientId}:${this.c.clientSecret}`).toString('base64')}`, ...this.serviceHeaders() },
				bodyType: 'form',
				body: { grant_type: 'client_credentials' },
			});
			if (res.status !== 200 || !res.body?.access_token) throw httpErrorFrom('POST', url, res, this.secrets(), 1, 'Walmart token');
			return { token: res.body.access_token, expiresInSec: Number(res.body.expires_in ?? 900) };
		});
		this.current = token;
		return { 'WM_SEC.ACCESS_TOKEN': token, ...this.serviceHeaders() };
	}

	invalidate(): void {
		this.tokens.invalidate(this.key);
	}

	secrets(): Array<string | undefined> {
		return [this.c.clientSecret, this.current, Buffer.from(`${this.c.clientId}:${this.c.clientSecret}`).toString('base64')];
	}
}
