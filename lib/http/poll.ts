/**
 * Waiting for a channel's asynchronous job (an Amazon feed, a Walmart feed) by polling its status.
 *
 *   const v = await pollJob({ what: 'Amazon feed 123', clock, timeScale, check: async () => … });
 *
 * `check` answers { done: true, value } or { done: false, status }. The first check comes after `firstMs`, then the
 * wait doubles up to `maxIntervalMs` (a job that finishes in seconds is seen in seconds, a long one costs a call every
 * 30 s); after `maxWaitMs` it throws, naming the job and its last status. Every duration is multiplied by timeScale
 * and measured on `clock` (a test's virtual clock).
 */
import { realClock, type Clock } from './limiters';

export interface PollOptions<T> {
	what: string;
	check: () => Promise<{ done: true; value: T } | { done: false; status: string }>;
	clock?: Clock;
	timeScale?: number;
	/** unscaled ms; defaults 2 s, 30 s, 1 h ⚠ (no channel documents a polling interval) */
	firstMs?: number;
	maxIntervalMs?: number;
	maxWaitMs?: number;
}

export async function pollJob<T>(o: PollOptions<T>): Promise<T> {
	const clock = o.clock ?? realClock;
	const scale = o.timeScale ?? 1;
	const maxWait = (o.maxWaitMs ?? 3_600_000) * scale;
	const deadline = clock.now() + maxWait;
	let wait = (o.firstMs ?? 2_000) * scale;
	const cap = (o.maxIntervalMs ?? 30_000) * scale;
	for (;;) {
		await clock.sleep(wait);
		const r = await o.check();
		if (r.done) return r.value;
		if (clock.now() >= deadline) throw new Error(`${o.what} is still ${r.status} after ${Math.round(maxWait / 60_000)} min; its result is not known yet`);
		wait = Math.min(cap, wait * 2);
	}
}
