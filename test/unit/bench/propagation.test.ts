/**
 * bench:e2e's propagation figures (bench/e2e/propagation.ts): which quantity counts a sale, and the earliest a
 * channel's documented limit lets an ideal sender show it. Times are plain numbers (ms) given by the test.
 */
import { earliestLags, ranked, shownAt, STOCK, type QtySeen } from '../../../bench/e2e/propagation';

describe('bench:e2e quantity propagation', () => {
	it('ranks the sales of each SKU by webhook time, across the sets given in turn', () => {
		const sold = new Map<string, number>();
		const burst = ranked([{ at: 20, sku: 'A' }, { at: 10, sku: 'A' }, { at: 15, sku: 'B' }], sold);
		expect(burst).toEqual([
			{ at: 10, sku: 'A', rank: 1 },
			{ at: 15, sku: 'B', rank: 1 },
			{ at: 20, sku: 'A', rank: 2 },
		]);
		expect(ranked([{ at: 99, sku: 'A' }], sold)).toEqual([{ at: 99, sku: 'A', rank: 3 }]);
	});

	it('a sale is shown by the first quantity of its SKU after it that counts it (a newer one counts the older sales too)', () => {
		const sales = ranked([{ at: 0, sku: 'A' }, { at: 5, sku: 'A' }, { at: 6, sku: 'B' }], new Map());
		const seen: QtySeen[] = [
			{ channel: 'walmart', sku: 'A', quantity: STOCK - 1, at: 4 },
			{ channel: 'walmart', sku: 'A', quantity: STOCK - 1, at: 7 }, // before the second sale was reserved: counts only the first
			{ channel: 'walmart', sku: 'A', quantity: STOCK - 2, at: 9 },
			{ channel: 'amazon', sku: 'B', quantity: STOCK - 1, at: 8 },
		];
		expect(shownAt(sales, seen, 'walmart')).toEqual([4, 9, null]);
		expect(shownAt(sales, seen, 'amazon')).toEqual([null, null, 8]);
	});

	it('the earliest a limit allows: one SKU a call at 2 a second after a burst of 2; unpaced channels at once', () => {
		// five sales of five SKUs at once: two go in the burst, then one every 500 ms
		const sales = ranked(['A', 'B', 'C', 'D', 'E'].map((sku) => ({ at: 1000, sku })), new Map());
		expect(earliestLags(sales, { ratePerSec: 2, burst: 2, perCall: 1 })).toEqual([0, 0, 500, 1000, 1500]);
		// 25 SKUs a call: all in the first call
		expect(earliestLags(sales, { ratePerSec: 2, burst: 2, perCall: 25 })).toEqual([0, 0, 0, 0, 0]);
		expect(earliestLags(sales, { ratePerSec: Infinity, burst: Infinity, perCall: 100 })).toEqual([0, 0, 0, 0, 0]);
	});

	it('ends on times whose token arithmetic rounds (a token a fraction short of one never stalls it)', () => {
		const sales = ranked(Array.from({ length: 200 }, (_, i) => ({ at: 1_000_000.1 + i * 37.3, sku: `S${i % 23}` })), new Map());
		const lags = earliestLags(sales, { ratePerSec: 2, burst: 20, perCall: 1 });
		expect(lags).toHaveLength(200);
		expect(lags.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
	});

	it('two sales of one SKU owed together go in one call (the newest quantity counts both); a later sale waits for a token', () => {
		const sales = ranked([{ at: 0, sku: 'A' }, { at: 0, sku: 'B' }, { at: 100, sku: 'A' }, { at: 200, sku: 'C' }], new Map());
		// burst 1, 1 a second, one SKU a call: A at 0; B at 1000 (A's second sale owed meanwhile, since 100); A at 2000; C at 3000
		expect(earliestLags(sales, { ratePerSec: 1, burst: 1, perCall: 1 })).toEqual([0, 1000, 1900, 2800]);
	});
});
