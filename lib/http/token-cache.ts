/**
 * lib/http/token-cache.ts: access tokens cached per credential in-process, refreshed before they expire.
 *
 * API (stable):
 *   class TokenCache({ now? })
 *     get(key, fetch: () => Promise<{ token: string; expiresInSec: number }>): Promise<string>
 *        returns the cached token unless it is within the refresh skew of its expiry (10% of its life, at most
 *        60 s); concurrent callers share one fetch.
 *     invalidate(key): void            after a 401: the next get() fetches a new token
 *     expiresAt(key): number | undefined
 *   sharedTokens: TokenCache           one per process
 * Keys are `${channel}:${credential identity}`; never the secret itself in clear (callers hash it).
 */
import { createHash } from 'node:crypto';

interface Entry {
	token: string;
	expiresAt: number;
	refreshAt: number;
}

export class TokenCache {
	private readonly entries = new Map<string, Entry>();
	private readonly inflight = new Map<string, Promise<string>>();
	private readonly now: () => number;

	constructor(opts: { now?: () => number } = {}) {
		this.now = opts.now ?? Date.now;
	}

	async get(key: string, fetch: () => Promise<{ token: string; expiresInSec: number }>): Promise<string> {
		const e = this.entries.get(key);
		if (e && this.now() < e.refreshAt) return e.token;
		const running = this.inflight.get(key);
		if (running) return running;
		const p = (async () => {
			try {
				const { token, expiresInSec } = await fetch();
				const lifeMs = Math.max(0, expiresInSec * 1000);
				const skew = Math.min(60_000, lifeMs * 0.1);
				const t = this.now();
				this.entries.set(key, { token, expiresAt: t + lifeMs, refreshAt: t + lifeMs - skew });
				return token;
			} finally {
				this.inflight.delete(key);
			}
		})();
		this.inflight.set(key, p);
		return p;
	}

	invalidate(key: string): void {
		this.entries.delete(key);
	}

	expiresAt(key: string): number | undefined {
		return this.entries.get(key)?.expiresAt;
	}

	clear(): void {
		this.entries.clear();
	}
}

export const sharedTokens = new TokenCache();

/** A stable, non-reversible key part for a credential (so a cache key never holds a secret). */
export function credentialKey(...parts: Array<string | undefined>): string {
	return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 16);
}
