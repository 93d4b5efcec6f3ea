/** Helpers for tests and benchmarks that drive lib/ clients against the sandboxes. */
import { createAxiosRequest } from '../../lib/http/axios';
import { LimiterRegistry } from '../../lib/http/limiters';
import { TokenCache } from '../../lib/http/token-cache';
import type { ClientOptions } from '../../lib/channels/types';

export const request = createAxiosRequest({ timeoutMs: 3000 });

/** Client options with their own limiter registry and token cache, so tests do not share budgets. */
export function isolated(timeScale: number, extra: Partial<ClientOptions> = {}): ClientOptions {
	return {
		timeScale,
		limiters: new LimiterRegistry(),
		tokens: new TokenCache(),
		retry: { timeScale, maxAttempts: 6 },
		...extra,
	};
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const LONG_AGO = '2020-01-01T00:00:00Z';
