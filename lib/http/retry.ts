/**
 * lib/http/retry.ts: one retry loop for every lib/ client.
 *
 * API (stable):
 *   requestWithRetry<T>(request: HttpRequestFn, options: HttpRequestOptions, policy?: RetryPolicy)
 *       : Promise<HttpResponse<T> & { attempts: number }>
 *     - 429, 5xx (and whatever policy.isRetryable says, e.g. Shopify's THROTTLED inside a 200) are retried;
 *       transport errors (err.code set: ETIMEDOUT, ECONNRESET...) are retried; any other 4xx is returned at once.
 *       A write that must not be repeated blindly (retryTransportErrors false) is not retried after a transport
 *       error nor after a gateway's 502 or 504 (GATEWAY_AMBIGUOUS: the server behind it may have applied it).
 *     - Wait: the server's hint when it gives one (Retry-After seconds or HTTP date, x-retry-after,
 *       x-next-replenishment-time epoch ms, or policy.delayHintMs), else exponential backoff with full jitter:
 *       random() * min(maxDelayMs, baseDelayMs * 2^(attempt-1)), multiplied by timeScale.
 *     - Gives up after maxAttempts or when the next wait would pass maxTotalWaitMs: returns the last response
 *       (the caller turns it into an HttpError) or rethrows the last transport error.
 *   clientRetryPolicy({ timeScale?, clock?, retry? }): RetryPolicy   a client's policy: its time scale, its clock's
 *       sleep and now, then its own retry settings
 *   retryDelayFromHeaders(headers, nowMs): number | undefined     the server's wait hint in ms
 *   isTransportError(err): boolean
 */
import type { HttpRequestFn, HttpRequestOptions, HttpResponse } from './types';
import type { Clock } from './limiters';

export interface RetryInfo {
	attempt: number;
	delayMs: number;
	status?: number;
	code?: string;
	reason: string;
}

export interface RetryPolicy {
	/** Attempts in all, the first included (default 6) */
	maxAttempts?: number;
	/** Backoff base (default 500 ms) and cap (default 30 s), before timeScale */
	baseDelayMs?: number;
	maxDelayMs?: number;
	/** Give up rather than wait more than this in total (default 5 min), after timeScale */
	maxTotalWaitMs?: number;
	/** Multiplies computed backoff (not server hints, which are real time already). 0.01 = 100x faster */
	timeScale?: number;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	now?: () => number;
	/** Default: status 429 or >= 500 */
	isRetryable?: (res: HttpResponse) => boolean;
	/** A channel-specific wait hint (ms) read from the response, e.g. Shopify's throttleStatus */
	delayHintMs?: (res: HttpResponse) => number | undefined;
	/** Called before every attempt (the limiter's take) */
	before?: (attempt: number) => Promise<void> | void;
	/** Called after every response (update the limiter from headers, drain it on 429) */
	after?: (res: HttpResponse, attempt: number) => void;
	onRetry?: (info: RetryInfo) => void;
	/** Retry transport failures (default true). Set false for calls that must not be repeated blindly: then a 502 or
	 * 504 is not retried either (its outcome is as unknown as a timeout's), and is returned to the caller. */
	retryTransportErrors?: boolean;
}

/**
 * A gateway's answer that says nothing about whether the server behind it applied the request: 502 Bad Gateway and
 * 504 Gateway Timeout come from a proxy or load balancer that lost the upstream's answer, possibly after it applied
 * the request. (503 and 500 are the server's own answer: taken as not applied, and retried.)
 */
export const GATEWAY_AMBIGUOUS: ReadonlySet<number> = new Set([502, 504]);

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** The retry policy of a client built with these options: its time scale and clock, then its own retry settings. */
export function clientRetryPolicy(o: { timeScale?: number; clock?: Clock; retry?: RetryPolicy }): RetryPolicy {
	return { timeScale: o.timeScale ?? 1, ...(o.clock ? { sleep: o.clock.sleep, now: o.clock.now } : {}), ...o.retry };
}

export function isTransportError(err: unknown): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === 'string' && code.length > 0;
}

export function retryDelayFromHeaders(headers: Record<string, string> | undefined, nowMs: number): number | undefined {
	if (!headers) return undefined;
	const ra = headers['retry-after'] ?? headers['x-retry-after'];
	if (ra !== undefined && ra !== '') {
		const secs = Number(ra);
		if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
		const at = Date.parse(ra);
		if (Number.isFinite(at)) return Math.max(0, at - nowMs);
	}
	const next = headers['x-next-replenishment-time'];
	if (next !== undefined && next !== '') {
		const at = Number(next);
		if (Number.isFinite(at) && at > 1e12) return Math.max(0, at - nowMs);
	}
	return undefined;
}

export async function requestWithRetry<T = unknown>(
	request: HttpRequestFn,
	options: HttpRequestOptions,
	policy: RetryPolicy = {},
): Promise<HttpResponse<T> & { attempts: number }> {
	const maxAttempts = Math.max(1, policy.maxAttempts ?? 6);
	const base = policy.baseDelayMs ?? 500;
	const cap = policy.maxDelayMs ?? 30_000;
	const scale = policy.timeScale ?? 1;
	const maxTotal = policy.maxTotalWaitMs ?? 300_000;
	const sleep = policy.sleep ?? defaultSleep;
	const random = policy.random ?? Math.random;
	const now = policy.now ?? Date.now;
	const isRetryable = policy.isRetryable ?? ((r: HttpResponse) => r.status === 429 || r.status >= 500);
	let waited = 0;

	for (let attempt = 1; ; attempt++) {
		if (policy.before) await policy.before(attempt);
		let res: HttpResponse<T> | undefined;
		let error: unknown;
		try {
			res = await request<T>(options);
		} catch (err) {
			// lib/ is n8n-free (docs/architecture.md#layers): the caller's node wraps this in NodeApiError
			if (!isTransportError(err) || policy.retryTransportErrors === false) throw err;
			error = err;
		}
		if (res) {
			policy.after?.(res, attempt);
			if (!isRetryable(res as HttpResponse)) return Object.assign(res, { attempts: attempt });
			// a write not to repeat blindly: a gateway error may come after it was applied (the caller resolves it)
			if (policy.retryTransportErrors === false && GATEWAY_AMBIGUOUS.has(res.status)) return Object.assign(res, { attempts: attempt });
		}
		if (attempt >= maxAttempts) {
			if (res) return Object.assign(res, { attempts: attempt });
			throw error;
		}
		const backoff = random() * Math.min(cap, base * 2 ** (attempt - 1)) * scale;
		let hint: number | undefined;
		if (res) hint = policy.delayHintMs?.(res as HttpResponse) ?? retryDelayFromHeaders(res.headers, now());
		// Honour the server's hint; a little jitter on top keeps many clients from waking at the same instant.
		const delay = hint !== undefined ? hint + random() * Math.min(hint * 0.1, 50 * scale + 1) : backoff;
		if (waited + delay > maxTotal) {
			if (res) return Object.assign(res, { attempts: attempt });
			throw error;
		}
		policy.onRetry?.({
			attempt,
			delayMs: delay,
			status: res?.status,
			code: (error as { code?: string } | undefined)?.code,
			reason: res ? `status ${res.status}` : `transport ${(error as { code?: string }).code}`,
		});
		waited += delay;
		await sleep(delay);
	}
}
