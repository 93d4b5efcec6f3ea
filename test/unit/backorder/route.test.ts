import { routeOrder, policyFor, holdAge, RouteError, RESERVE_ALLOW_PARTIAL, type BackorderPolicy, type RouteOutput } from '../../../lib/backorder';
import type { AllocationAnnotation, OrderLine } from '../../../lib/order/types';
import type { OmsStatus } from '../../../lib/store/types';

const NOW = '2026-05-10T12:00:00Z';

function order(alloc: Array<[string, number, number]>, channel = 'shopify') {
	const lines: OrderLine[] = alloc.map(([sku, requested], i) => ({ lineId: String(i + 1), sku, title: null, quantity: requested, unitPrice: 1, lineTotal: requested }));
	const allocation: AllocationAnnotation = {
		status: 'partial',
		lines: alloc.map(([sku, requested, allocated]) => ({ sku, requested, allocated, backordered: requested - allocated })),
	};
	return { omsId: `${channel}:1`, channel, lines, allocation };
}

const FULL: Array<[string, number, number]> = [['A', 2, 2], ['B', 1, 1]];
const SOME: Array<[string, number, number]> = [['A', 2, 2], ['B', 3, 1], ['C', 1, 0]];
const NONE: Array<[string, number, number]> = [['A', 2, 0], ['B', 1, 0]];

describe('routeOrder: every policy x allocation', () => {
	// policy, allocation, output, status, shipment, waiting, cancel, held
	const cases: Array<[BackorderPolicy, string, Array<[string, number, number]>, RouteOutput, OmsStatus, Array<[string, number]>, Array<[string, number]>, Array<[string, number]>, boolean]> = [
		['ship_complete', 'full', FULL, 'ready', 'ready', [['A', 2], ['B', 1]], [], [], false],
		['ship_available', 'full', FULL, 'ready', 'ready', [['A', 2], ['B', 1]], [], [], false],
		['cancel_unavailable', 'full', FULL, 'ready', 'ready', [['A', 2], ['B', 1]], [], [], false],
		['ship_complete', 'some', SOME, 'backorder', 'backordered', [], [['B', 2], ['C', 1]], [], true],
		['ship_available', 'some', SOME, 'partial', 'backordered', [['A', 2], ['B', 1]], [['B', 2], ['C', 1]], [], true],
		['cancel_unavailable', 'some', SOME, 'partial', 'ready', [['A', 2], ['B', 1]], [], [['B', 2], ['C', 1]], false],
		['ship_complete', 'none', NONE, 'backorder', 'backordered', [], [['A', 2], ['B', 1]], [], true],
		['ship_available', 'none', NONE, 'backorder', 'backordered', [], [['A', 2], ['B', 1]], [], true],
		['cancel_unavailable', 'none', NONE, 'backorder', 'backordered', [], [['A', 2], ['B', 1]], [], true],
	];
	test.each(cases)('%s with %s allocation', (policy, _n, alloc, output, status, ship, waiting, cancel, held) => {
		const r = routeOrder(order(alloc), policy, { now: NOW });
		expect(r.output).toBe(output);
		expect(r.status).toBe(status);
		expect(r.policy).toBe(policy);
		expect(r.shipmentLines.map((l) => [l.sku, l.quantity])).toEqual(ship);
		expect(r.backorderedLines.map((l) => [l.sku, l.backordered])).toEqual(waiting);
		expect(r.cancelLines.map((l) => [l.sku, l.quantity])).toEqual(cancel);
		expect(r.hold !== null).toBe(held);
		if (r.hold) {
			expect(r.hold.reason).toBe('out_of_stock');
			expect(r.hold.since).toBe(NOW);
			expect(r.hold.detail).toMatch(/waiting for \d+ unit/);
		}
		expect(r.keepReservations).toBe(true);
		expect(r.holdOverdue).toBe(false);
		expect(r.reason.length).toBeGreaterThan(5);
	});

	test('ship_complete keeps the partial reservations and says so', () => {
		const r = routeOrder(order(SOME), 'ship_complete', { now: NOW });
		expect(r.keepReservations).toBe(true);
		expect(r.reason).toMatch(/keeps its 3 reserved unit/);
		expect(RESERVE_ALLOW_PARTIAL).toBe(true);
	});

	test('cancel_unavailable with nothing allocated and cancelWholeOrder: Backorder, everything to cancel, status cancelled', () => {
		const r = routeOrder(order(NONE), 'cancel_unavailable', { now: NOW, cancelWholeOrder: true });
		expect(r.output).toBe('backorder');
		expect(r.status).toBe('cancelled');
		expect(r.cancelLines).toEqual([
			{ lineId: '1', sku: 'A', quantity: 2 },
			{ lineId: '2', sku: 'B', quantity: 1 },
		]);
		expect(r.hold).toBeNull();
		expect(r.backorderedLines).toEqual([]);
		expect(r.keepReservations).toBe(false);
	});
	test('cancelWholeOrder does not change a partial allocation', () => {
		expect(routeOrder(order(SOME), 'cancel_unavailable', { now: NOW, cancelWholeOrder: true }).output).toBe('partial');
	});

	test('lines carry lineIds and requested/allocated', () => {
		const r = routeOrder(order(SOME), 'ship_available', { now: NOW });
		expect(r.backorderedLines[0]).toEqual({ lineId: '2', sku: 'B', requested: 3, allocated: 1, backordered: 2 });
		expect(r.shipmentLines[1]).toEqual({ lineId: '2', sku: 'B', quantity: 1 });
	});
	test('lineId from the allocation line wins; a line asking for 0 is ignored', () => {
		const o = order([['A', 1, 1], ['Z', 0, 0]]);
		o.allocation.lines[0].lineId = 'L-9';
		const r = routeOrder(o, 'ship_complete', { now: NOW });
		expect(r.output).toBe('ready');
		expect(r.shipmentLines).toEqual([{ lineId: 'L-9', sku: 'A', quantity: 1 }]);
	});
	test('an order with no lines to allocate is ready', () => {
		expect(routeOrder(order([]), 'ship_complete', { now: NOW }).output).toBe('ready');
	});
});

describe('per-channel policy', () => {
	const config = { default: 'ship_complete' as const, byChannel: { amazon: 'cancel_unavailable' as const, ebay: 'ship_available' as const } };
	test.each<[string, RouteOutput]>([
		['shopify', 'backorder'],
		['amazon', 'partial'],
		['ebay', 'partial'],
	])('%s -> %s', (channel, output) => {
		expect(routeOrder(order(SOME, channel), config, { now: NOW }).output).toBe(output);
	});
	test('policyFor and an unknown policy', () => {
		expect(policyFor('amazon', config)).toBe('cancel_unavailable');
		expect(policyFor('walmart', config)).toBe('ship_complete');
		expect(() => policyFor('x', 'hold_forever' as never)).toThrow(/unknown backorder policy "hold_forever" for channel "x"/);
	});
});

describe('hold overdue', () => {
	test.each<[string, number | null | undefined, boolean, number]>([
		['2026-05-10T12:00:00Z', 3, false, 0],
		['2026-05-07T12:00:00Z', 3, false, 3], // exactly 3 days: not MORE than 3
		['2026-05-07T11:59:59Z', 3, true, 3],
		['2026-05-01T00:00:00Z', 3, true, 9.5],
		['2026-05-01T00:00:00Z', null, false, 9.5],
		['2026-05-01T00:00:00Z', undefined, false, 9.5],
		['2026-05-10T11:00:00Z', 0, true, 1 / 24],
	])('held since %s, holdDays %s -> overdue %s', (since, holdDays, overdue, days) => {
		const r = routeOrder(order(NONE), 'ship_complete', { now: NOW, holdDays, heldSince: since });
		expect(r.holdOverdue).toBe(overdue);
		expect(r.heldDays).toBeCloseTo(days, 3);
		expect(r.hold?.since).toBe(since);
	});
	test('a Date works for now; a hold in the future is 0 days', () => {
		expect(holdAge('2026-05-11T00:00:00Z', new Date(NOW), 1)).toEqual({ days: 0, overdue: false });
	});
	test('ready orders are never overdue', () => {
		const r = routeOrder(order(FULL), 'ship_complete', { now: NOW, holdDays: 0, heldSince: '2020-01-01T00:00:00Z' });
		expect(r.holdOverdue).toBe(false);
		expect(r.heldDays).toBeNull();
	});
});

describe('bad input', () => {
	test('no allocation', () => {
		const { allocation: _dropped, ...o } = order(FULL);
		expect(_dropped).toBeDefined();
		expect(() => routeOrder(o, 'ship_complete', { now: NOW })).toThrow(RouteError);
		expect(() => routeOrder(o, 'ship_complete', { now: NOW })).toThrow(/shopify:1 has no allocation: run the inventoryAllocator's Reserve/);
	});
	test.each<[string, number, number]>([
		['allocated over requested', 1, 2],
		['negative', -1, 0],
		['fractional', 1.5, 1],
	])('inconsistent allocation line: %s', (_n, requested, allocated) => {
		expect(() => routeOrder(order([['A', requested, allocated]]), 'ship_complete', { now: NOW })).toThrow(/allocation line 0 \(A\) is inconsistent/);
	});
	test.each([-1, NaN, '3'])('invalid holdDays %p', (holdDays) => {
		expect(() => routeOrder(order(NONE), 'ship_complete', { now: NOW, holdDays: holdDays as number })).toThrow(/holdDays must be a number of days >= 0/);
	});
	test('invalid now', () => {
		expect(() => routeOrder(order(FULL), 'ship_complete', { now: 'yesterday' })).toThrow(/now is not a valid ISO timestamp/);
	});
});
