import { clientRetryPolicy, requestWithRetry, retryDelayFromHeaders } from '../../../lib/http/retry';
import type { HttpRequestFn, HttpResponse } from '../../../lib/http/types';

function scripted(answers: Array<Partial<HttpResponse> | Error>) {
	const calls: number[] = [];
	const fn = (async () => {
		calls.push(calls.length);
		const a = answers[Math.min(calls.length - 1, answers.length - 1)];
		if (a instanceof Error) throw a;
		return { status: 200, headers: {}, body: '', ...a };
	}) as HttpRequestFn;
	return { fn, calls };
}
const opts = { method: 'GET' as const, url: 'http://x.test/a' };

describe('requestWithRetry', () => {
	const sleeps: number[] = [];
	const policy = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, now: () => 1_000_000 };
	beforeEach(() => (sleeps.length = 0));

	it('retries 5xx with exponential backoff and full jitter, then returns the success', async () => {
		const s = scripted([{ status: 503 }, { status: 502 }, { status: 200, body: 'ok' }]);
		const r = await requestWithRetry(s.fn, opts, { ...policy, baseDelayMs: 100 });
		expect(r.status).toBe(200);
		expect(r.attempts).toBe(3);
		expect(sleeps).toEqual([50, 100]); // 0.5 * 100 * 2^0, 0.5 * 100 * 2^1
	});

	it('a write not to repeat blindly (retryTransportErrors false) returns a 502 or 504 at once: it may have been applied; a 503 is retried', async () => {
		for (const status of [502, 504]) {
			const s = scripted([{ status }, { status: 201 }]);
			const r = await requestWithRetry(s.fn, { ...opts, method: 'POST' }, { ...policy, retryTransportErrors: false });
			expect([r.status, r.attempts, s.calls.length]).toEqual([status, 1, 1]);
		}
		const s = scripted([{ status: 503 }, { status: 201 }]);
		const r = await requestWithRetry(s.fn, { ...opts, method: 'POST' }, { ...policy, retryTransportErrors: false });
		expect([r.status, r.attempts]).toEqual([201, 2]);
	});

	it('honours Retry-After on a 429 (seconds and HTTP date)', async () => {
		const s = scripted([{ status: 429, headers: { 'retry-after': '2' } }, { status: 200 }]);
		await requestWithRetry(s.fn, opts, { ...policy, random: () => 0 });
		expect(sleeps).toEqual([2000]);
		expect(retryDelayFromHeaders({ 'retry-after': new Date(1_003_000).toUTCString() }, 1_000_000)).toBe(3000);
	});

	it('honours x-next-replenishment-time (epoch ms) and x-retry-after', async () => {
		expect(retryDelayFromHeaders({ 'x-next-replenishment-time': String(1_700_000_001_500) }, 1_700_000_000_000)).toBe(1500);
		expect(retryDelayFromHeaders({ 'x-retry-after': '0.25' }, 0)).toBe(250);
		expect(retryDelayFromHeaders({}, 0)).toBeUndefined();
	});

	it('does not retry a 4xx other than 429', async () => {
		const s = scripted([{ status: 400 }, { status: 200 }]);
		const r = await requestWithRetry(s.fn, opts, policy);
		expect(r.status).toBe(400);
		expect(s.calls.length).toBe(1);
		expect(sleeps).toEqual([]);
	});

	it('retries transport errors with a code and rethrows after maxAttempts', async () => {
		const e = Object.assign(new Error('boom'), { code: 'ECONNRESET' });
		const s = scripted([e]);
		await expect(requestWithRetry(s.fn, opts, { ...policy, maxAttempts: 3 })).rejects.toThrow('boom');
		expect(s.calls.length).toBe(3);
		const plain = scripted([new Error('not transport')]);
		await expect(requestWithRetry(plain.fn, opts, policy)).rejects.toThrow('not transport');
		expect(plain.calls.length).toBe(1);
	});

	it('stops when the next wait would pass maxTotalWaitMs and returns the last response', async () => {
		const s = scripted([{ status: 429, headers: { 'retry-after': '60' } }]);
		const r = await requestWithRetry(s.fn, opts, { ...policy, maxTotalWaitMs: 10_000 });
		expect(r.status).toBe(429);
		expect(s.calls.length).toBe(1);
	});

	it('scales computed backoff by timeScale and calls before/after hooks each attempt', async () => {
		const s = scripted([{ status: 500 }, { status: 200 }]);
		const seen: string[] = [];
		await requestWithRetry(s.fn, opts, { ...policy, timeScale: 0.01, baseDelayMs: 1000, before: (a) => void seen.push(`before${a}`), after: (r, a) => void seen.push(`after${a}:${r.status}`) });
		expect(sleeps).toEqual([5]);
		expect(seen).toEqual(['before1', 'after1:500', 'before2', 'after2:200']);
	});

	it('uses a channel-specific retry predicate and delay hint (Shopify THROTTLED in a 200)', async () => {
		const throttled = { status: 200, body: { errors: [{ extensions: { code: 'THROTTLED' } }] } };
		const s = scripted([throttled, { status: 200, body: { data: 1 } }]);
		const r = await requestWithRetry(s.fn, opts, {
			...policy,
			random: () => 0,
			isRetryable: (x) => JSON.stringify(x.body).includes('THROTTLED'),
			delayHintMs: () => 700,
		});
		expect(r.body).toEqual({ data: 1 });
		expect(sleeps).toEqual([700]);
	});

	it("a client's policy waits on the client's clock (its time scale applied), unless its retry settings bring their own sleep", async () => {
		const waited: number[] = [];
		const clock = { now: () => 1_000_000, sleep: async (ms: number) => void waited.push(ms) };
		const s = scripted([{ status: 503 }, { status: 429, headers: { 'retry-after': new Date(1_002_000).toUTCString() } }, { status: 200 }]);
		const r = await requestWithRetry(s.fn, opts, clientRetryPolicy({ timeScale: 0.5, clock, retry: { random: () => 0.5, baseDelayMs: 100 } }));
		expect(r.attempts).toBe(3);
		// backoff 0.5 * 100 * 0.5; the HTTP date read against the clock's now (2 s), jitter 0.5 * min(200, 50 * 0.5 + 1)
		expect(waited).toEqual([25, 2013]);
		expect(sleeps).toEqual([]);
		const own = scripted([{ status: 503 }, { status: 200 }]);
		await requestWithRetry(own.fn, opts, clientRetryPolicy({ clock, retry: { ...policy, baseDelayMs: 100 } }));
		expect(sleeps).toEqual([50]);
		expect(waited).toEqual([25, 2013]);
		expect(clientRetryPolicy({})).toEqual({ timeScale: 1 });
	});
});
