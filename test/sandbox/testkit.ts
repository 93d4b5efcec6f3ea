/** Helpers for tests and benchmarks that drive lib/ clients against the sandboxes. */
import { createAxiosRequest } from '../../lib/http/axios';
import { LimiterRegistry, type Clock } from '../../lib/http/limiters';
import { TokenCache } from '../../lib/http/token-cache';
import type { HttpRequestFn } from '../../lib/http/types';
import type { ClientOptions } from '../../lib/channels/types';

/** Real HTTP with n8n's default 30 s timeout: a test that wants a timeout sets a short one on the call the sandbox leaves unanswered */
export const request = createAxiosRequest({ timeoutMs: 30_000 });

/**
 * Client options with their own limiter registry and token cache, so tests do not share budgets. With
 * `extra.clock` the client paces, backs off and expires tokens on that clock (give the sandbox the same one).
 */
export function isolated(timeScale: number, extra: Partial<ClientOptions> = {}): ClientOptions {
	return {
		timeScale,
		limiters: new LimiterRegistry(),
		tokens: new TokenCache({ now: extra.clock?.now }),
		retry: { timeScale, maxAttempts: 6 },
		...extra,
	};
}

/**
 * A virtual clock for a client and the sandbox it talks to, so that pacing and expiry do not depend on how fast
 * the machine is. Time stands still while any request made through `track(request)` is out, and otherwise jumps
 * to the earliest sleeper's wake-up time once everything else is waiting. The sandbox therefore reads the same
 * time at which the client's limiter let the call go, whatever the machine's load: a client that paces right
 * is never throttled, and one that does not is throttled every time.
 */
export class VirtualClock implements Clock {
	private t: number;
	private seq = 0;
	private out = 0;
	private stepping = false;
	private readonly sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];

	constructor(start = Date.now()) {
		this.t = start;
	}

	readonly now = (): number => this.t;

	readonly sleep = (ms: number): Promise<void> =>
		new Promise<void>((wake) => {
			this.sleepers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, wake });
			this.schedule();
		});

	/** Lets `ms` of virtual time pass (for the test itself, e.g. until a token has expired) */
	readonly advance = (ms: number): Promise<void> => this.sleep(ms);

	/**
	 * The request function, counting the requests that are out: time does not move while one is. `oneAtATime`
	 * also sends concurrent requests one after the other in the order they were made, so that a client's
	 * concurrent calls reach the sandbox, and their answers come back, in the same order on every run.
	 */
	track(request: HttpRequestFn, opts: { oneAtATime?: boolean } = {}): HttpRequestFn {
		let turn: Promise<unknown> = Promise.resolve();
		return async <T>(o: Parameters<HttpRequestFn>[0]) => {
			this.out++;
			try {
				if (!opts.oneAtATime) return await request<T>(o);
				const mine = turn.then(() => request<T>(o));
				turn = mine.catch(() => undefined);
				return await mine;
			} finally {
				this.out--;
				this.schedule();
			}
		};
	}

	/** After the current callbacks and their promise continuations: wake the earliest sleeper if nothing is out */
	private schedule(): void {
		if (this.stepping) return;
		this.stepping = true;
		setImmediate(() => {
			this.stepping = false;
			if (this.out > 0 || this.sleepers.length === 0) return;
			this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.sleepers.shift()!;
			this.t = Math.max(this.t, next.at);
			next.wake();
			this.schedule();
		});
	}
}

export const LONG_AGO = '2020-01-01T00:00:00Z';
