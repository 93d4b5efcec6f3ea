import {
	applyAmazonRateHeaders,
	applyShopifyThrottleStatus,
	applyWalmartTokenHeaders,
	LimiterRegistry,
	scaleRate,
	SlidingWindowLimiter,
	TokenBucket,
	type Clock,
} from '../../../lib/http/limiters';

/** A virtual clock: sleep advances time instantly, so limits can be checked without waiting. */
function fakeClock(): Clock & { t: number; slept: number[] } {
	const c = {
		t: 0,
		slept: [] as number[],
		now: () => c.t,
		sleep: async (ms: number) => {
			c.slept.push(ms);
			c.t += ms;
		},
	};
	return c;
}

describe('TokenBucket', () => {
	it('lets a full burst through, then paces at the rate', async () => {
		const clock = fakeClock();
		const b = new TokenBucket({ ratePerSec: 2, burst: 3, clock, margin: 0 });
		for (let i = 0; i < 3; i++) expect(await b.take()).toBe(0);
		await b.take();
		expect(clock.t).toBe(500);
		await b.take();
		expect(clock.t).toBe(1000);
	});

	it('takes N calls no faster than its own minimum time (Amazon searchOrders, scaled 1000x)', async () => {
		const clock = fakeClock();
		const rate = scaleRate(0.0056, 0.001);
		const b = new TokenBucket({ ratePerSec: rate, burst: 20, clock, margin: 0 });
		for (let i = 0; i < 100; i++) await b.take();
		const floor = TokenBucket.minimumTimeMs(100, rate, 20);
		expect(clock.t).toBeGreaterThanOrEqual(floor - 80);
		expect(clock.t).toBeLessThanOrEqual(floor + 80);
	});

	it('serves concurrent takers in order without overshooting', async () => {
		const clock = fakeClock();
		const b = new TokenBucket({ ratePerSec: 10, burst: 1, clock, margin: 0 });
		const order: number[] = [];
		await Promise.all([0, 1, 2, 3].map(async (i) => { await b.take(); order.push(i); }));
		expect(order).toEqual([0, 1, 2, 3]);
		expect(clock.t).toBe(300);
	});

	it('re-syncs from server signals and drains on a 429', async () => {
		const clock = fakeClock();
		const b = new TokenBucket({ ratePerSec: 1, burst: 10, clock });
		applyAmazonRateHeaders(b, { 'x-amzn-ratelimit-limit': '0.5' });
		expect(b.ratePerSec).toBe(0.5);
		applyWalmartTokenHeaders(b, { 'x-current-token-count': '3', 'x-max-token-count': '20' });
		expect(b.burst).toBe(20);
		expect(Math.round(b.available)).toBe(3);
		applyShopifyThrottleStatus(b, { cost: { throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 150, restoreRate: 100 } } });
		expect([b.burst, b.ratePerSec, Math.round(b.available)]).toEqual([2000, 100, 150]);
		b.drain();
		expect(b.available).toBeLessThanOrEqual(0);
		expect(b.tryTake()).toBe(false);
	});

	it('a cost above the bucket size waits for a full bucket instead of forever', async () => {
		const clock = fakeClock();
		const b = new TokenBucket({ ratePerSec: 100, burst: 50, initial: 0, clock, margin: 0 });
		await b.take(80);
		expect(clock.t).toBe(500);
	});
});

describe('SlidingWindowLimiter', () => {
	it('allows N per window (ShipBob 150/min) and waits for the oldest to leave', async () => {
		const clock = fakeClock();
		const w = new SlidingWindowLimiter({ limit: 150, windowMs: 60_000, clock });
		for (let i = 0; i < 150; i++) await w.take();
		expect(clock.t).toBe(0);
		await w.take();
		expect(clock.t).toBe(60_000);
		expect(w.used).toBe(1);
	});
});

describe('LimiterRegistry', () => {
	it('shares one bucket per key', () => {
		const r = new LimiterRegistry();
		const a = r.bucket('amazon:S1:searchOrders', () => new TokenBucket({ ratePerSec: 1, burst: 1 }));
		const b = r.bucket('amazon:S1:searchOrders', () => new TokenBucket({ ratePerSec: 9, burst: 9 }));
		expect(a).toBe(b);
		expect(r.bucket('amazon:S2:searchOrders', () => new TokenBucket({ ratePerSec: 9, burst: 9 }))).not.toBe(a);
	});
});
