/**
 * Reserve with several warehouses (issue 23): lib/flows reserveOrders routes each order's lines to the warehouses
 * lib/routing chooses, inside the store's reservation transaction, and writes the reason into the order's timeline;
 * with fewer than two active warehouses it reserves exactly as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyUpdates, pushOrder, reserveOrders, routeOne, upsertWarehouses } from '../../../lib/flows';
import type { WmsProvider } from '../../../lib/wms/types';
import { referenceFor } from '../../../lib/wms/status';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import type { CanonicalOrder } from '../../../lib/order/types';
import { makeOrder } from '../../helpers/orders';

let dir: string;
let store: Store;
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'oms-routing-'));
	store = await openSqliteStore(join(dir, 'oms.sqlite'));
	await store.upsertStockLevels([
		{ sku: 'A', location: 'west', onHand: 5 },
		{ sku: 'A', location: 'east', onHand: 9 },
		{ sku: 'B', location: 'east', onHand: 9 },
	]);
});
afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

const to = (postalCode: string, country = 'US') => ({ name: 'A B', company: null, line1: '1 Main St', line2: null, city: 'X', region: null, postalCode, country, phone: null });
async function order(shipTo: ReturnType<typeof to>, lines: Array<[string, number]>, channel = 'shopify'): Promise<CanonicalOrder> {
	const o = makeOrder({ channel, shipTo, lines: lines.map(([sku, quantity], i) => ({ lineId: String(i + 1), sku, title: sku, quantity, unitPrice: 10, lineTotal: 10 * quantity })) });
	await store.recordOrder(o);
	return o;
}
const reserve = (o: CanonicalOrder, routing = {}) => reserveOrders(store, [{ index: 0, doc: o as unknown as Record<string, unknown> }], null, [], { routing });
const places = (r: Awaited<ReturnType<typeof reserve>>) => {
	const out = r.outcomes[0];
	if (!out.ok) throw out.error;
	return out.result.lines.map((l) => [l.lineId, l.parts.map((p) => `${p.location}:${p.quantity}`)]);
};
const WAREHOUSES = [
	{ location: 'west', country: 'US', postcode: '89502', account: { kind: 'wms' as const, provider: 'shipbob', credential: 'ShipBob West' } },
	{ location: 'east', country: 'US', postcode: '07001', account: { kind: 'wms' as const, provider: 'shiphero', credential: 'ShipHero East' } },
];

it('no warehouses, or one: reserved as before (the location with the most stock), nothing routed', async () => {
	const o = await order(to('94103'), [['A', 1]]);
	const r = await reserve(o);
	expect(places(r)).toEqual([['1', ['east:1']]]);
	expect(r.outcomes[0].ok && r.outcomes[0].routing).toBeUndefined();
	await store.upsertWarehouses([WAREHOUSES[0]]);
	const o2 = await order(to('94103'), [['A', 1]]);
	expect(places(await reserve(o2))).toEqual([['1', ['east:1']]]);
});

it('two warehouses: a west-coast order is reserved in the west, an east-coast one in the east; the reason is in the timeline', async () => {
	await store.upsertWarehouses(WAREHOUSES);
	const west = await order(to('94103'), [['A', 2]]);
	const r = await reserve(west);
	expect(places(r)).toEqual([['1', ['west:2']]]);
	const out = r.outcomes[0];
	expect(out.ok && out.routing?.reason).toMatch(/^west ships all lines \(\d+ km\): closest with all lines: \d+ km; the next best \(east\) [\d,]+ km$/);
	const event = (await store.timeline(west.omsId)).find((e) => e.type === 'annotation' || (e.detail as { routing?: string } | null)?.routing);
	expect((event?.detail as { routing?: string; warehouses?: string[] }).warehouses).toEqual(['west']);
	expect((event?.detail as { routing?: string }).routing).toMatch(/closest with all lines/);
	const east = await order(to('10001'), [['A', 2]]);
	expect(places(await reserve(east))).toEqual([['1', ['east:2']]]);
});

it('fewest shipments: an order the near warehouse cannot fill whole goes to the one that can; with a split allowed only when none can', async () => {
	await store.upsertWarehouses(WAREHOUSES);
	const both = await order(to('94103'), [['A', 1], ['B', 1]]);
	expect(places(await reserve(both))).toEqual([
		['1', ['east:1']],
		['2', ['east:1']],
	]);
	const big = await order(to('94103'), [['A', 12]]);
	const r = await reserve(big);
	// no warehouse has 12 A (west 5, east 8): split across the two
	expect(places(r)).toEqual([['1', ['east:7', 'west:5']]]);
	expect(r.outcomes[0].ok && r.outcomes[0].routing?.reason).toMatch(/^2 shipments: /);
});

it('routing rules from the node: closest first splits rather than ship from afar; channel restrictions hold', async () => {
	await store.upsertWarehouses(WAREHOUSES);
	const o = await order(to('94103'), [['A', 1], ['B', 1]]);
	expect(places(await reserve(o, { rules: [{ rule: 'closest' }, { rule: 'fewestShipments' }] }))).toEqual([
		['1', ['west:1']],
		['2', ['east:1']],
	]);
	await store.upsertWarehouses([{ ...WAREHOUSES[0], channels: ['amazon'] }]);
	const shopify = await order(to('94103'), [['A', 1]]);
	const r = await reserve(shopify);
	expect(places(r)).toEqual([['1', ['east:1']]]);
	expect(r.outcomes[0].ok && r.outcomes[0].routing?.reason).toContain('not eligible: west (serves amazon only)');
});

it('a reserved order is not routed again (reserve once)', async () => {
	await store.upsertWarehouses(WAREHOUSES);
	const o = await order(to('94103'), [['A', 1]]);
	expect(places(await reserve(o))).toEqual([['1', ['west:1']]]);
	await store.upsertWarehouses([{ ...WAREHOUSES[0], active: false }, { location: 'third', country: 'US', postcode: '94107' }]);
	expect(places(await reserve(o))).toEqual([['1', ['west:1']]]);
});

it('Warehouses upsert: each item checked alone (an unknown WMS provider is that item\'s error), the rest written', async () => {
	const out = await upsertWarehouses(store, [
		{ index: 0, input: WAREHOUSES[0] },
		{ index: 1, input: { location: 'x', country: 'US', account: { kind: 'wms', provider: 'nope', credential: 'c' } } },
		{ index: 2, input: { location: '', country: 'Narnia' } },
	]);
	expect(out.map((o) => (o.ok ? ['ok', o.upsert.warehouse.location, o.upsert.created] : ['error', o.error.message]))).toEqual([
		['ok', 'west', true],
		['error', 'Warehouse "x": account.provider must be one of shipbob, shiphero, extensiv, generic, got "nope"'],
		['error', 'Warehouse (no location): location is required (the stock location this warehouse is); country must be an ISO 3166-1 country code or name, got "Narnia"'],
	]);
	expect((await store.listWarehouses()).map((w) => w.location)).toEqual(['west']);
});

/** A WMS that accepts every order, counting what it was sent */
function fakeWms(name: string, sent: string[]): WmsProvider {
	return {
		name,
		createOrder: async (_o: CanonicalOrder, opts: { reference: string }) => {
			sent.push(`${name}:${opts.reference}`);
			return { outcome: 'created', wmsOrderId: `${name}-${sent.length}`, raw: null };
		},
	} as unknown as WmsProvider;
}

it('Route: one shipment per warehouse, numbered in location order, each with its account; each goes to its own WMS once', async () => {
	await store.upsertWarehouses(WAREHOUSES);
	const o = await order(to('94103'), [['A', 1], ['B', 2]]);
	const reserved = await reserveOrders(store, [{ index: 0, doc: o as unknown as Record<string, unknown> }], null, [], { routing: { rules: [{ rule: 'closest' }, { rule: 'fewestShipments' }] } });
	const out = reserved.outcomes[0];
	if (!out.ok) throw out.error;
	const routed = await routeOne(store, { ...o, allocation: out.allocation }, { default: 'ship_complete', byChannel: {} }, { now: new Date('2026-05-02T10:00:00.000Z'), cause: 'test (Route)' });
	expect(routed.output).toBe('ready');
	expect(routed.shipments).toEqual([
		{ shipmentNo: 1, location: 'east', account: { kind: 'wms', provider: 'shiphero', credential: 'ShipHero East' }, lines: [{ lineId: '2', sku: 'B', quantity: 2 }] },
		{ shipmentNo: 2, location: 'west', account: { kind: 'wms', provider: 'shipbob', credential: 'ShipBob West' }, lines: [{ lineId: '1', sku: 'A', quantity: 1 }] },
	]);
	// each shipment to its warehouse's provider; a second push of each is the same delivery (idempotent)
	const sent: string[] = [];
	const wms = { shiphero: fakeWms('shiphero', sent), shipbob: fakeWms('shipbob', sent) };
	for (let round = 0; round < 2; round++) {
		for (const s of routed.shipments!) {
			const provider = wms[(s.account as { provider: 'shiphero' | 'shipbob' }).provider];
			const stored = (await store.getOrder(o.omsId))!.order;
			const lines = s.lines.map((l) => ({ ...stored.lines.find((x) => x.lineId === l.lineId)!, quantity: l.quantity }));
			const r = await pushOrder(store, provider, stored, { shipmentNo: s.shipmentNo, lines, cause: 'test (push)' });
			expect(r.outcome).toBe(round === 0 ? 'created' : 'already_sent');
		}
	}
	// sent once each, to its own provider
	expect(sent).toEqual([`shiphero:${referenceFor(o.omsId, 1)}`, `shipbob:${referenceFor(o.omsId, 2)}`]);
	const deliveries = [await store.getDelivery(o.omsId, 1), await store.getDelivery(o.omsId, 2)];
	expect(deliveries.map((d) => [d?.provider, d?.status])).toEqual([
		['shiphero', 'sent'],
		['shipbob', 'sent'],
	]);
	expect((await store.getOrder(o.omsId))?.status).toBe('at_wms');

	// the order is as far along as its least advanced shipment, whichever provider tells
	const update = (provider: string, n: number, lines: Array<{ lineId: string; sku: string; quantity: number }>) =>
		applyUpdates(
			store,
			[
				{
					omsId: o.omsId,
					shipmentNo: n,
					reference: referenceFor(o.omsId, n),
					wmsOrderId: `${provider}-${n}`,
					status: 'shipped',
					rawStatus: 'Shipped',
					shipments: [{ packageKey: `${provider}-pkg-${n}`, carrier: 'UPS', trackingNumber: `1Z${n}`, trackingUrl: null, shippedAt: '2026-05-03T10:00:00.000Z', lines }],
					updatedAt: '2026-05-03T10:00:00.000Z',
				},
			],
			{ provider, cause: 'test (updates)' },
		);
	await update('shipbob', 2, [{ lineId: '1', sku: 'A', quantity: 1 }]);
	expect((await store.getOrder(o.omsId))?.status).toBe('at_wms');
	await update('shiphero', 1, [{ lineId: '2', sku: 'B', quantity: 2 }]);
	expect((await store.getOrder(o.omsId))?.status).toBe('shipped');
	// each warehouse's shipped units left its own stock
	const stock = await store.getStock(['A', 'B']);
	expect(stock.map((c) => [c.sku, c.location, c.onHand, c.reserved]).sort()).toEqual([
		['A', 'east', 9, 0],
		['A', 'west', 4, 0],
		['B', 'east', 7, 0],
	]);
});

it('Route with one warehouse (or none): one shipment, no per-warehouse split, as before', async () => {
	const o = await order(to('94103'), [['A', 1], ['B', 2]]);
	const reserved = await reserve(o);
	const out = reserved.outcomes[0];
	if (!out.ok) throw out.error;
	const routed = await routeOne(store, { ...o, allocation: out.allocation }, { default: 'ship_complete', byChannel: {} }, { now: new Date('2026-05-02T10:00:00.000Z'), cause: 'test (Route)' });
	expect(routed.shipmentNo).toBe(1);
	expect(routed.shipments).toBeUndefined();
	expect(routed.route.shipmentLines.map((l) => [l.sku, l.quantity])).toEqual([
		['A', 1],
		['B', 2],
	]);
});
