/**
 * lib/http/limiters.ts: client-side pacing so a client stays under a channel's rate limit instead of collecting 429s.
 *
 * API (stable):
 *   interface Clock { now(): number; sleep(ms: number): Promise<void> }      realClock uses Date.now/setTimeout
 *   scaleRate(ratePerSec, timeScale = 1): number       a rate for time scaled by timeScale (0.01 = 100x faster)
 *   class TokenBucket({ ratePerSec, burst, initial?, clock? })
 *       take(cost = 1): Promise<number>        waits (FIFO) until `cost` tokens are there, takes them, returns ms waited
 *       tryTake(cost = 1): boolean; available: number; ratePerSec; burst
 *       update({ ratePerSec?, burst?, available?, refillAt? })   re-sync from the server's own throttle signals
 *       drain(): void                          after a 429: the server says the bucket is empty
 *       static minimumTimeMs(calls, ratePerSec, burst, cost = 1): number   the floor a full bucket allows for N calls
 *   class SlidingWindowLimiter({ limit, windowMs, clock? })   N per window (e.g. ShipBob 150 per minute); take(): Promise<number>
 *   class LimiterRegistry { bucket(key, make): TokenBucket; window(key, make): SlidingWindowLimiter; clear() }
 *   sharedLimiters: LimiterRegistry            one per process, keyed `${channel}:${credential or seller}:${operation}`
 *   Header readers: applyAmazonRateHeaders(bucket, headers), applyWalmartTokenHeaders(bucket, headers, clock),
 *                   applyShopifyThrottleStatus(bucket, extensions)
 */

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
	now: () => performance.timeOrigin + performance.now(),
	sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A rate (per second of real time) for a world where every duration is multiplied by timeScale. */
export function scaleRate(ratePerSec: number, timeScale = 1): number {
	return ratePerSec / (timeScale > 0 ? timeScale : 1);
}

export interface TokenBucketOptions {
	ratePerSec: number;
	burst: number;
	/** Tokens at start (default: burst, a full bucket) */
	initial?: number;
	clock?: Clock;
	/**
	 * Safety margin: the client waits this fraction of one token's refill time longer than the bare arithmetic, so
	 * network jitter between client and server does not turn an exact schedule into a 429. Default 0.02.
	 */
	margin?: number;
}

export class TokenBucket {
	ratePerSec: number;
	burst: number;
	private tokens: number;
	private last: number;
	private readonly clock: Clock;
	private readonly margin: number;
	private queue: Promise<unknown> = Promise.resolve();

	constructor(opts: TokenBucketOptions) {
		if (!(opts.ratePerSec > 0)) throw new Error('TokenBucket: ratePerSec must be > 0');
		this.ratePerSec = opts.ratePerSec;
		this.burst = Math.max(1, opts.burst);
		this.clock = opts.clock ?? realClock;
		this.tokens = Math.min(this.burst, opts.initial ?? this.burst);
		this.last = this.clock.now();
		this.margin = opts.margin ?? 0.02;
	}

	private refill(): void {
		const now = this.clock.now();
		const elapsed = Math.max(0, now - this.last) / 1000;
		this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerSec);
		this.last = now;
	}

	get available(): number {
		this.refill();
		return this.tokens;
	}

	tryTake(cost = 1): boolean {
		this.refill();
		if (this.tokens + 1e-9 >= cost) {
			this.tokens -= cost;
			return true;
		}
		return false;
	}

	/** Waits until `cost` tokens are available, then takes them. Callers are served in order. Returns ms waited. */
	take(cost = 1): Promise<number> {
		const start = this.clock.now();
		const run = async (): Promise<number> => {
			// A cost above the bucket size can never be met at once: wait for a full bucket and go into debt.
			const need = Math.min(cost, this.burst);
			for (;;) {
				this.refill();
				if (this.tokens + 1e-9 >= need) {
					this.tokens -= cost;
					return this.clock.now() - start;
				}
				const missing = need - this.tokens;
				const waitMs = (missing / this.ratePerSec) * 1000 + (this.margin / this.ratePerSec) * 1000;
				await this.clock.sleep(Math.max(1, Math.ceil(waitMs)));
			}
		};
		const p = this.queue.then(run, run);
		this.queue = p.catch(() => undefined);
		return p;
	}

	/** Re-sync from the server's signals. `available` replaces the local count (the server knows best). */
	update(u: { ratePerSec?: number; burst?: number; available?: number }): void {
		this.refill();
		if (u.ratePerSec !== undefined && u.ratePerSec > 0) this.ratePerSec = u.ratePerSec;
		if (u.burst !== undefined && u.burst > 0) this.burst = u.burst;
		if (u.available !== undefined && Number.isFinite(u.available)) this.tokens = Math.min(this.burst, u.available);
		this.tokens = Math.min(this.tokens, this.burst);
	}

	/** The server answered 429: it has no tokens for us, whatever we thought. */
	drain(): void {
		this.refill();
		this.tokens = Math.min(this.tokens, 0);
	}

	/** The least time (ms) a bucket that starts full needs to allow `calls` calls of `cost`. */
	static minimumTimeMs(calls: number, ratePerSec: number, burst: number, cost = 1): number {
		return (Math.max(0, calls * cost - burst) / ratePerSec) * 1000;
	}
}

export interface SlidingWindowOptions {
	limit: number;
	windowMs: number;
	clock?: Clock;
}

/** At most `limit` calls in any window of `windowMs` (log of start times). */
export class SlidingWindowLimiter {
	readonly limit: number;
	readonly windowMs: number;
	private readonly clock: Clock;
	private readonly starts: number[] = [];
	private queue: Promise<unknown> = Promise.resolve();

	constructor(opts: SlidingWindowOptions) {
		this.limit = Math.max(1, opts.limit);
		this.windowMs = opts.windowMs;
		this.clock = opts.clock ?? realClock;
	}

	private prune(now: number): void {
		while (this.starts.length && this.starts[0] <= now - this.windowMs) this.starts.shift();
	}

	get used(): number {
		this.prune(this.clock.now());
		return this.starts.length;
	}

	take(): Promise<number> {
		const start = this.clock.now();
		const run = async (): Promise<number> => {
			for (;;) {
				const now = this.clock.now();
				this.prune(now);
				if (this.starts.length < this.limit) {
					this.starts.push(now);
					return now - start;
				}
				await this.clock.sleep(Math.max(1, Math.ceil(this.starts[0] + this.windowMs - now)));
			}
		};
		const p = this.queue.then(run, run);
		this.queue = p.catch(() => undefined);
		return p;
	}

	/** The server said the window is full (429): treat every slot as used now. */
	fill(): void {
		const now = this.clock.now();
		while (this.starts.length < this.limit) this.starts.push(now);
	}
}

export class LimiterRegistry {
	private readonly buckets = new Map<string, TokenBucket>();
	private readonly windows = new Map<string, SlidingWindowLimiter>();

	bucket(key: string, make: () => TokenBucket): TokenBucket {
		let b = this.buckets.get(key);
		if (!b) {
			b = make();
			this.buckets.set(key, b);
		}
		return b;
	}

	window(key: string, make: () => SlidingWindowLimiter): SlidingWindowLimiter {
		let w = this.windows.get(key);
		if (!w) {
			w = make();
			this.windows.set(key, w);
		}
		return w;
	}

	clear(): void {
		this.buckets.clear();
		this.windows.clear();
	}
}

/** One registry per process: every request of one credential and operation shares one budget. */
export const sharedLimiters = new LimiterRegistry();

function header(headers: Record<string, string>, name: string): string | undefined {
	const v = headers[name] ?? headers[name.toLowerCase()];
	return v === undefined ? undefined : String(v);
}

/** Amazon SP-API: `x-amzn-RateLimit-Limit` is the rate (requests per second) applied to this operation. */
export function applyAmazonRateHeaders(bucket: TokenBucket, headers: Record<string, string>): void {
	const v = header(headers, 'x-amzn-ratelimit-limit');
	const rate = v === undefined ? NaN : Number(v);
	if (Number.isFinite(rate) && rate > 0) bucket.update({ ratePerSec: rate });
}

/**
 * Walmart: `x-current-token-count` (tokens left), `x-next-replenishment-time` (epoch ms of the next refill),
 * `x-max-token-count` (bucket size, seen in client code ⚠).
 */
export function applyWalmartTokenHeaders(bucket: TokenBucket, headers: Record<string, string>): void {
	const count = Number(header(headers, 'x-current-token-count'));
	const max = Number(header(headers, 'x-max-token-count'));
	const u: { available?: number; burst?: number } = {};
	if (Number.isFinite(max) && max > 0) u.burst = max;
	if (Number.isFinite(count) && header(headers, 'x-current-token-count') !== undefined) u.available = count;
	bucket.update(u);
}

export interface ShopifyThrottleStatus {
	maximumAvailable: number;
	currentlyAvailable: number;
	restoreRate: number;
}

/** Shopify GraphQL: `extensions.cost.throttleStatus` is the app+store leaky bucket, in query-cost points. */
export function applyShopifyThrottleStatus(bucket: TokenBucket, extensions: unknown): void {
	const ts = (extensions as { cost?: { throttleStatus?: ShopifyThrottleStatus } } | undefined)?.cost?.throttleStatus;
	if (!ts) return;
	bucket.update({ burst: ts.maximumAvailable, ratePerSec: ts.restoreRate, available: ts.currentlyAvailable });
}
