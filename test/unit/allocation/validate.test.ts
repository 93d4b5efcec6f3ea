import {
	validateReserveLines,
	describeProblems,
	allocationFromReserveResult,
	allocationStatus,
} from '../../../lib/allocation';
import type { OrderLine } from '../../../lib/order/types';

const line = (lineId: string, sku: string, quantity: unknown): OrderLine =>
	({ lineId, sku, title: null, quantity, unitPrice: 1, lineTotal: 1 }) as OrderLine;

describe('validateReserveLines', () => {
	const known = new Set(['A', 'B']);
	const cases: Array<[string, OrderLine[], Array<[string, RegExp]>]> = [
		['good order', [line('1', 'A', 2), line('2', 'B', 0)], []],
		['unknown SKU', [line('1', 'ZZZ', 1)], [['$.lines[0].sku', /unknown SKU "ZZZ"/]]],
		['negative quantity', [line('1', 'A', -1)], [['$.lines[0].quantity', /must not be negative, got -1/]]],
		['fractional quantity', [line('1', 'A', 1.5)], [['$.lines[0].quantity', /whole number of units, got 1.5/]]],
		['string quantity', [line('1', 'A', '2')], [['$.lines[0].quantity', /whole number, got "2"/]]],
		['NaN quantity', [line('1', 'A', NaN)], [['$.lines[0].quantity', /whole number/]]],
		['missing SKU', [line('1', '', 1)], [['$.lines[0].sku', /no SKU/]]],
		['duplicate lineId', [line('1', 'A', 1), line('1', 'B', 1)], [['$.lines[1].lineId', /duplicate lineId "1"/]]],
		['no lines', [], [['$.lines', /no lines/]]],
		['several problems on several lines', [line('1', 'Q', 1), line('2', 'A', -3)], [['$.lines[0].sku', /unknown/], ['$.lines[1].quantity', /negative/]]],
	];
	test.each(cases)('%s', (_n, lines, expected) => {
		const problems = validateReserveLines({ lines }, known);
		expect(problems.map((p) => p.path)).toEqual(expected.map((e) => e[0]));
		problems.forEach((p, i) => expect(p.message).toMatch(expected[i][1]));
	});
	test('without a known-SKU set, SKUs are not checked; a predicate works too', () => {
		expect(validateReserveLines({ lines: [line('1', 'ZZZ', 1)] })).toEqual([]);
		expect(validateReserveLines({ lines: [line('1', 'ZZZ', 1)] }, (s) => s.startsWith('Z'))).toEqual([]);
	});
	test('not a lines list', () => {
		expect(validateReserveLines({ lines: null } as never)).toEqual([{ path: '$.lines', message: 'the order has no lines list' }]);
	});
	test('describeProblems', () => {
		expect(describeProblems([{ path: '$.lines[0].quantity', message: 'bad' }], 'shopify:1')).toBe('shopify:1: $.lines[0].quantity: bad');
	});
});

describe('allocation annotation from a reservation', () => {
	const result = {
		omsId: 'shopify:1',
		changed: true,
		touchedSkus: ['A', 'B'],
		lines: [
			{ lineId: '1', sku: 'A', requested: 2, allocated: 2, backordered: 0, parts: [{ sku: 'A', location: 'default', quantity: 2 }] },
			{ lineId: '2', sku: 'B', requested: 3, allocated: 1, backordered: 2, parts: [{ sku: 'B', location: 'default', quantity: 1 }] },
			{ lineId: '3', sku: 'Z', requested: 1, allocated: 0, backordered: 1, parts: [], unknownSku: true },
		],
	};
	test('lines and status', () => {
		const a = allocationFromReserveResult(result);
		expect(a.status).toBe('partial');
		expect(a.lines.map((l) => [l.sku, l.requested, l.allocated, l.backordered])).toEqual([
			['A', 2, 2, 0],
			['B', 3, 1, 2],
			['Z', 1, 0, 1],
		]);
		expect(a.lines[2].unknownSku).toBe(true);
		expect(a.lines[0].lineId).toBe('1');
	});
	test.each<[Array<[number, number]>, string]>([
		[[[2, 2], [1, 1]], 'allocated'],
		[[[2, 1], [1, 1]], 'partial'],
		[[[2, 0], [1, 0]], 'backordered'],
		[[[0, 0]], 'allocated'],
		[[], 'allocated'],
	])('status of %j is %s', (lines, status) => {
		expect(allocationStatus(lines.map(([requested, allocated]) => ({ requested, allocated })))).toBe(status);
	});
});
