import {
	atpBySku,
	bundleAtp,
	bundleAtpByLocation,
	chooseLocations,
	chooseBundleLocations,
	changedPublications,
	indexPublished,
	rowAtp,
} from '../../../lib/allocation';

const row = (sku: string, location: string, onHand: number, reserved = 0, safetyStock = 0) => ({ sku, location, onHand, reserved, safetyStock });

describe('ATP of simple SKUs', () => {
	test.each([
		[10, 0, 0, 10],
		[10, 3, 2, 5],
		[10, 8, 5, 0], // never below zero
		[0, 0, 0, 0],
	])('onHand %d reserved %d safety %d -> %d', (onHand, reserved, safetyStock, atp) => {
		expect(rowAtp({ onHand, reserved, safetyStock })).toBe(atp);
	});
	test('whole-SKU ATP is the sum of per-location ATP (a short location does not subtract)', () => {
		const m = atpBySku([row('A', 'east', 10, 2), row('A', 'west', 1, 3), row('B', 'east', 4)]);
		expect(m).toEqual(new Map([['A', 8], ['B', 4]]));
	});
});

describe('bundle ATP', () => {
	const kit = [
		{ sku: 'CUP', quantity: 2 },
		{ sku: 'SAUCER', quantity: 1 },
	];
	test.each<[string, Array<[string, number]>, number]>([
		['min over components of floor(atp/qty)', [['CUP', 7], ['SAUCER', 5]], 3],
		['limited by the single component', [['CUP', 20], ['SAUCER', 2]], 2],
		['missing component -> 0', [['CUP', 20]], 0],
		['exactly divisible', [['CUP', 6], ['SAUCER', 3]], 3],
		['one short', [['CUP', 5], ['SAUCER', 3]], 2],
	])('%s', (_n, atps, expected) => {
		expect(bundleAtp(kit, new Map(atps))).toBe(expected);
	});
	test('no components or a bad component quantity -> 0', () => {
		expect(bundleAtp([], new Map())).toBe(0);
		expect(bundleAtp([{ sku: 'A', quantity: 0 }], new Map([['A', 5]]))).toBe(0);
		expect(bundleAtp([{ sku: 'A', quantity: 1.5 }], new Map([['A', 5]]))).toBe(0);
	});
	test('per location (Brightpearl): components in different warehouses do not make a bundle', () => {
		const rows = [row('CUP', 'A', 2), row('SAUCER', 'B', 1), row('CUP', 'C', 4), row('SAUCER', 'C', 5, 1)];
		const r = bundleAtpByLocation(kit, rows);
		expect(r.total).toBe(2); // A 0, B 0, C min(4/2, 4) = 2
		expect(r.byLocation).toEqual(new Map([['A', 0], ['B', 0], ['C', 2]]));
		// the naive whole-SKU figure would be min(6/2, 5) = 3
		expect(bundleAtp(kit, atpBySku(rows))).toBe(3);
	});
});

describe('chooseLocations', () => {
	const cases: Array<[string, number, ReturnType<typeof row>[], Array<{ location: string; quantity: number }>]> = [
		['one location (default)', 3, [row('A', 'default', 10)], [{ location: 'default', quantity: 3 }]],
		['most ATP among those that fill the line', 3, [row('A', 'east', 5), row('A', 'west', 9), row('A', 'north', 2)], [{ location: 'west', quantity: 3 }]],
		['a single location beats a split', 5, [row('A', 'east', 5), row('A', 'west', 4)], [{ location: 'east', quantity: 5 }]],
		['tie broken by location name', 2, [row('A', 'west', 5), row('A', 'east', 5)], [{ location: 'east', quantity: 2 }]],
		['split in descending ATP order', 8, [row('A', 'a', 3), row('A', 'b', 4), row('A', 'c', 2)], [{ location: 'b', quantity: 4 }, { location: 'a', quantity: 3 }, { location: 'c', quantity: 1 }]],
		['split tie by name', 4, [row('A', 'z', 2), row('A', 'y', 2), row('A', 'x', 1)], [{ location: 'y', quantity: 2 }, { location: 'z', quantity: 2 }]],
		['short: take everything, caller backorders the rest', 10, [row('A', 'a', 3), row('A', 'b', 2)], [{ location: 'a', quantity: 3 }, { location: 'b', quantity: 2 }]],
		['reserved and safety stock count', 3, [row('A', 'a', 10, 8), row('A', 'b', 5, 0, 1)], [{ location: 'b', quantity: 3 }]],
		['no stock', 3, [row('A', 'a', 2, 2)], []],
		['no rows', 3, [], []],
		['zero quantity', 0, [row('A', 'a', 5)], []],
	];
	test.each(cases)('%s', (_n, q, rows, expected) => {
		expect(chooseLocations(q, rows)).toEqual(expected);
	});
	test('preferred locations first, when one can fill the line', () => {
		const rows = [row('A', 'east', 5), row('A', 'west', 9)];
		expect(chooseLocations(3, rows, { preferred: ['east', 'west'] })).toEqual([{ location: 'east', quantity: 3 }]);
		expect(chooseLocations(6, rows, { preferred: ['east', 'west'] })).toEqual([{ location: 'west', quantity: 6 }]);
		expect(chooseLocations(6, rows, { preferred: ['east'] })).toEqual([{ location: 'west', quantity: 6 }]);
	});
	test('negative or fractional quantity is refused', () => {
		expect(() => chooseLocations(-1, [])).toThrow(/whole number >= 0, got -1/);
		expect(() => chooseLocations(1.5, [])).toThrow(/got 1.5/);
	});
	test('never takes more than a location has, never a location twice', () => {
		for (let q = 0; q < 30; q++) {
			const rows = [row('A', 'a', 7, 1), row('A', 'b', 4), row('A', 'c', 9, 2, 1)];
			const r = chooseLocations(q, rows);
			const total = r.reduce((s, t) => s + t.quantity, 0);
			expect(total).toBe(Math.min(q, 6 + 4 + 6));
			expect(new Set(r.map((t) => t.location)).size).toBe(r.length);
			for (const t of r) expect(t.quantity).toBeGreaterThan(0);
		}
	});
	test('bundles: chosen by per-location bundle ATP, turned into component units', () => {
		const kit = [
			{ sku: 'CUP', quantity: 2 },
			{ sku: 'SAUCER', quantity: 1 },
		];
		const rows = [row('CUP', 'A', 10), row('SAUCER', 'A', 1), row('CUP', 'B', 4), row('SAUCER', 'B', 4)];
		// A builds 1, B builds 2
		expect(chooseBundleLocations(2, kit, rows)).toEqual([
			{ location: 'B', bundles: 2, components: [{ sku: 'CUP', quantity: 4 }, { sku: 'SAUCER', quantity: 2 }] },
		]);
		expect(chooseBundleLocations(3, kit, rows)).toEqual([
			{ location: 'B', bundles: 2, components: [{ sku: 'CUP', quantity: 4 }, { sku: 'SAUCER', quantity: 2 }] },
			{ location: 'A', bundles: 1, components: [{ sku: 'CUP', quantity: 2 }, { sku: 'SAUCER', quantity: 1 }] },
		]);
		expect(chooseBundleLocations(1, [], rows)).toEqual([]);
	});
});

describe('changedPublications', () => {
	const published = [
		{ channel: 'amazon', sku: 'A', quantity: 5, publishedAt: '2026-01-01T00:00:00Z' },
		{ channel: 'amazon', sku: 'B', quantity: 0, publishedAt: '2026-01-01T00:00:00Z' },
		{ channel: 'ebay', sku: 'A', quantity: 5, publishedAt: '2026-01-01T00:00:00Z' },
	];
	test('only changed or never-published pairs, in input order, with the previous value', () => {
		const computed = [
			{ channel: 'amazon', sku: 'A', quantity: 5 },
			{ channel: 'amazon', sku: 'B', quantity: 2 },
			{ channel: 'ebay', sku: 'A', quantity: 0 },
			{ channel: 'ebay', sku: 'B', quantity: 0 },
			{ channel: 'walmart', sku: 'A', quantity: 5 },
		];
		const expected = [
			{ channel: 'amazon', sku: 'B', quantity: 2, previous: 0 },
			{ channel: 'ebay', sku: 'A', quantity: 0, previous: 5 },
			{ channel: 'ebay', sku: 'B', quantity: 0, previous: null },
			{ channel: 'walmart', sku: 'A', quantity: 5, previous: null },
		];
		expect(changedPublications(computed, published)).toEqual(expected);
		expect(changedPublications(computed, indexPublished(published))).toEqual(expected);
	});
	test('interleaved channels', () => {
		const computed = [
			{ channel: 'ebay', sku: 'A', quantity: 5 },
			{ channel: 'amazon', sku: 'A', quantity: 4 },
			{ channel: 'ebay', sku: 'A', quantity: 6 },
		];
		expect(changedPublications(computed, published).map((c) => c.quantity)).toEqual([4, 6]);
	});
	test('50,000 SKUs x 5 channels with 1 % changed emits exactly those', () => {
		const channels = ['amazon', 'ebay', 'shopify', 'walmart', 'woocommerce'];
		const computed: Array<{ channel: string; sku: string; quantity: number }> = [];
		const pub: Array<{ channel: string; sku: string; quantity: number }> = [];
		for (let i = 0; i < 50000; i++) {
			for (const channel of channels) {
				computed.push({ channel, sku: `SKU-${i}`, quantity: i % 97 });
				pub.push({ channel, sku: `SKU-${i}`, quantity: i % 100 === 0 ? (i % 97) + 1 : i % 97 });
			}
		}
		const changed = changedPublications(computed, pub);
		expect(changed).toHaveLength(500 * 5);
		expect(changed.every((c) => Number(c.sku.slice(4)) % 100 === 0 && c.previous === c.quantity + 1)).toBe(true);
	});
});
