/**
 * Token caching for providers with short-lived tokens (ShipHero JWT, Extensiv client_credentials): one fetch at a
 * time (concurrent callers share it), refreshed a minute before it expires, and dropped on a 401 so the next call
 * fetches a new one.
 */
import type { Clock } from '../http/limiters';
import { realClock } from '../http/limiters';
import type { ProviderDeps } from './types';

export interface FetchedToken {
	token: string;
	/** Seconds from now; null: does not expire */
	expiresInSec: number | null;
	/** Optional refresh token (ShipHero) */
	refreshToken?: string | null;
}

export class TokenCache {
	private current: { token: string; expiresAt: number | null } | null = null;
	private inflight: Promise<string> | null = null;
	refreshToken: string | null = null;
	/** How many tokens were fetched (for tests and logs; never the token itself) */
	fetches = 0;

	constructor(
		private readonly fetchToken: (refreshToken: string | null) => Promise<FetchedToken>,
		private readonly now: () => number = Date.now,
		private readonly skewMs = 60_000,
	) {}

	async get(): Promise<string> {
		const c = this.current;
		if (c && (c.expiresAt == null || this.now() < c.expiresAt - this.skewMs)) return c.token;
		if (!this.inflight) {
			this.inflight = (async () => {
				try {
					const t = await this.fetchToken(this.refreshToken);
					this.fetches++;
					if (t.refreshToken) this.refreshToken = t.refreshToken;
					this.current = { token: t.token, expiresAt: t.expiresInSec == null ? null : this.now() + t.expiresInSec * 1000 };
					return t.token;
				} finally {
					this.inflight = null;
				}
			})();
		}
		return this.inflight;
	}

	/** The token and refresh token held now: values to keep out of messages (never logged or shown) */
	secrets(): string[] {
		return [this.current?.token, this.refreshToken].filter((s): s is string => typeof s === 'string' && s !== '');
	}

	/** The server refused the token (401): forget it */
	invalidate(token?: string): void {
		if (!token || this.current?.token === token) this.current = null;
	}
}

export function clockOf(deps: ProviderDeps): Clock {
	if (!deps.now && !deps.sleep) return realClock;
	return { now: deps.now ?? realClock.now, sleep: deps.sleep ?? realClock.sleep };
}

/**
 * The secret values of an auth header value: the value, and its credential without the scheme word
 * ("Bearer abc" -> "abc"), which a server may echo alone.
 */
export function headerSecrets(value: string | null | undefined): string[] {
	if (!value) return [];
	const bare = /^\s*(?:Bearer|Basic|Token|Bot|ApiKey|Api-Key|Key)\s+(.+)$/i.exec(value)?.[1];
	return bare ? [value, bare] : [value];
}

/** A short, non-reversible key for a credential (limiter registry keys never hold the secret itself) */
export function credentialKey(...parts: Array<string | number | null | undefined>): string {
	let h = 2166136261;
	const text = parts.map((p) => String(p ?? '')).join('\u0000');
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 16777619);
	}
	return (h >>> 0).toString(36);
}
