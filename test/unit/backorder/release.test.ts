import { planRelease, decideRelease } from '../../../lib/backorder';
import type { AllocationAnnotation, OrderLine } from '../../../lib/order/types';

const NOW = '2026-05-10T12:00:00Z';

describe('planRelease', () => {
	const held = [
		{ omsId: 'shopify:3', channel: 'shopify', placedAt: '2026-05-03T00:00:00Z' },
		{ omsId: 'amazon:2', channel: 'amazon', placedAt: '2026-05-02T00:00:00Z' },
		{ omsId: 'ebay:1', channel: 'ebay', placedAt: '2026-05-01T00:00:00Z' },
		{ omsId: 'amazon:5', channel: 'amazon', placedAt: '2026-05-05T00:00:00Z' },
		{ omsId: 'walmart:4', channel: 'walmart', placedAt: '2026-05-04T00:00:00+02:00' }, // 2026-05-03T22:00Z: after shopify's 00:00Z
		{ omsId: 'shopify:0', channel: 'shopify', placedAt: '2026-05-03T00:00:00Z' }, // same time: by omsId
		{ omsId: 'ebay:bad', channel: 'ebay', placedAt: 'not a date' },
	];
	const ids = (xs: typeof held) => xs.map((x) => x.omsId);
	test('oldest first (true instants, ties by omsId, unparseable last)', () => {
		expect(ids(planRelease(held))).toEqual(['ebay:1', 'amazon:2', 'shopify:0', 'shopify:3', 'walmart:4', 'amazon:5', 'ebay:bad']);
	});
	test('priority channels first, in their listed order, each oldest first', () => {
		expect(ids(planRelease(held, { priorityChannels: ['walmart', 'amazon'] }))).toEqual([
			'walmart:4',
			'amazon:2',
			'amazon:5',
			'ebay:1',
			'shopify:0',
			'shopify:3',
			'ebay:bad',
		]);
	});
	test('limit, and the input is not changed', () => {
		const copy = [...held];
		expect(ids(planRelease(held, { limit: 2 }))).toEqual(['ebay:1', 'amazon:2']);
		expect(held).toEqual(copy);
	});
	test('stored orders ({ order }) and a custom ref', () => {
		const stored = held.map((order) => ({ order, status: 'backordered' }));
		expect(planRelease(stored)[0].order.omsId).toBe('ebay:1');
		const custom = held.map((h) => ({ id: h.omsId, ch: h.channel, at: h.placedAt }));
		expect(planRelease(custom, { ref: (c) => ({ omsId: c.id, channel: c.ch, placedAt: c.at }) })[0].id).toBe('ebay:1');
	});
});

function withAlloc(alloc: Array<[string, number, number]>, channel = 'shopify') {
	const lines: OrderLine[] = alloc.map(([sku, requested], i) => ({ lineId: String(i + 1), sku, title: null, quantity: requested, unitPrice: 1, lineTotal: requested }));
	const allocation: AllocationAnnotation = {
		status: 'partial',
		lines: alloc.map(([sku, requested, allocated]) => ({ sku, requested, allocated, backordered: requested - allocated })),
	};
	return { omsId: `${channel}:1`, channel, lines, allocation };
}

describe('decideRelease', () => {
	const opts = { now: NOW, heldSince: '2026-05-05T00:00:00Z', holdDays: 3 };
	test('ship_complete: released to Ready only when complete, shipping every line', () => {
		const prev = withAlloc([['A', 2, 2], ['B', 3, 1]]).allocation;
		const still = decideRelease(withAlloc([['A', 2, 2], ['B', 3, 2]]), prev, 'ship_complete', opts);
		expect(still.release).toBe(false);
		expect(still.route.output).toBe('backorder');
		expect(still.route.holdOverdue).toBe(true);
		expect(still.newlyAllocated).toEqual([{ lineId: '2', sku: 'B', quantity: 1 }]);
		const done = decideRelease(withAlloc([['A', 2, 2], ['B', 3, 3]]), prev, 'ship_complete', opts);
		expect(done.release).toBe(true);
		expect(done.route.output).toBe('ready');
		expect(done.route.shipmentLines.map((l) => [l.sku, l.quantity])).toEqual([['A', 2], ['B', 3]]);
		expect(done.statusChange).toEqual({ to: 'ready', onlyFrom: ['backordered'], hold: null });
	});
	test('ship_available: ships only the new units; Ready when the last unit came', () => {
		const prev = withAlloc([['A', 2, 2], ['B', 3, 1], ['C', 2, 0]]).allocation;
		const some = decideRelease(withAlloc([['A', 2, 2], ['B', 3, 2], ['C', 2, 0]]), prev, 'ship_available', opts);
		expect(some.release).toBe(true);
		expect(some.route.output).toBe('partial');
		expect(some.route.shipmentLines).toEqual([{ lineId: '2', sku: 'B', quantity: 1 }]);
		expect(some.statusChange.to).toBe('backordered');
		expect(some.route.backorderedLines.map((l) => [l.sku, l.backordered])).toEqual([['B', 1], ['C', 2]]);
		const none = decideRelease(withAlloc([['A', 2, 2], ['B', 3, 1], ['C', 2, 0]]), prev, 'ship_available', opts);
		expect(none.release).toBe(false);
		expect(none.route.output).toBe('backorder');
		expect(none.route.shipmentLines).toEqual([]);
		const all = decideRelease(withAlloc([['A', 2, 2], ['B', 3, 3], ['C', 2, 2]]), prev, 'ship_available', opts);
		expect(all.release).toBe(true);
		expect(all.route.output).toBe('ready');
		expect(all.route.shipmentLines).toEqual([
			{ lineId: '2', sku: 'B', quantity: 2 },
			{ lineId: '3', sku: 'C', quantity: 2 },
		]);
		expect(all.statusChange).toEqual({ to: 'ready', onlyFrom: ['backordered'], hold: null });
	});
	test('ship_available held with nothing allocated before: the first shipment is everything allocated', () => {
		const prev = withAlloc([['A', 2, 0], ['B', 1, 0]]).allocation;
		const d = decideRelease(withAlloc([['A', 2, 1], ['B', 1, 0]]), prev, 'ship_available', opts);
		expect(d.release).toBe(true);
		expect(d.route.output).toBe('partial');
		expect(d.route.shipmentLines).toEqual([{ lineId: '1', sku: 'A', quantity: 1 }]);
	});
	test('cancel_unavailable (held with nothing): released as Partial with the rest to cancel', () => {
		const prev = withAlloc([['A', 2, 0], ['B', 1, 0]]).allocation;
		const d = decideRelease(withAlloc([['A', 2, 2], ['B', 1, 0]]), prev, 'cancel_unavailable', opts);
		expect(d.release).toBe(true);
		expect(d.route.output).toBe('partial');
		expect(d.route.cancelLines).toEqual([{ lineId: '2', sku: 'B', quantity: 1 }]);
		expect(d.statusChange).toEqual({ to: 'ready', onlyFrom: ['backordered'], hold: null });
		const none = decideRelease(withAlloc([['A', 2, 0], ['B', 1, 0]]), prev, 'cancel_unavailable', opts);
		expect(none.release).toBe(false);
		expect(none.statusChange.hold?.since).toBe('2026-05-05T00:00:00Z');
		const cancel = decideRelease(withAlloc([['A', 2, 0], ['B', 1, 0]]), prev, 'cancel_unavailable', { ...opts, cancelWholeOrder: true });
		expect(cancel.release).toBe(true);
		expect(cancel.statusChange.to).toBe('cancelled');
	});
	test('exactly once: a second decision from the same state is the same; the node guards with compare-and-set', () => {
		const prev = withAlloc([['A', 1, 0]]).allocation;
		const a = decideRelease(withAlloc([['A', 1, 1]]), prev, 'ship_complete', opts);
		const b = decideRelease(withAlloc([['A', 1, 1]]), prev, 'ship_complete', opts);
		expect(a).toEqual(b);
		expect(a.statusChange.onlyFrom).toEqual(['backordered']);
		// Simulated store: the first compare-and-set wins, the second changes nothing and emits nothing.
		let status = 'backordered';
		const cas = (to: string) => (status === 'backordered' ? ((status = to), true) : false);
		expect([cas(a.statusChange.to), cas(b.statusChange.to)]).toEqual([true, false]);
	});
});
