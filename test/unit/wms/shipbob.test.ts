import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { createShipBobProvider } from '../../../lib/wms/shipbob';
import { referenceFor } from '../../../lib/wms/status';
import type { WmsProvider } from '../../../lib/wms/types';
import { VirtualClock } from '../../sandbox/testkit';
import { order, testDeps } from './fixtures';

describe('ShipBob provider against the sandbox', () => {
	let sb: WmsSandbox;
	let p: WmsProvider;
	beforeEach(async () => {
		sb = await startWmsSandbox({ shipbob: { rateLimit: false } });
		p = createShipBobProvider({ baseUrl: sb.baseUrls.shipbob, token: SANDBOX_CREDENTIALS.shipbob.token, channelId: SANDBOX_CREDENTIALS.shipbob.channelId }, testDeps({ rateLimit: false }));
	});
	afterEach(() => sb.close());

	it('creates an order with the omsId as reference_id and the channel header', async () => {
		const o = order(1001, [{ sku: 'MUG', quantity: 2 }, { sku: 'TEE', quantity: 1 }]);
		const r = await p.createOrder(o, { reference: referenceFor(o.omsId), shipmentNo: 1 });
		expect(r.outcome).toBe('created');
		const held = sb.control.ordersByReference('shipbob', 'shopify:1001');
		expect(held).toHaveLength(1);
		expect(String(held[0].id)).toBe(r.wmsOrderId);
		expect(held[0].lines.map((l) => [l.sku, l.quantity])).toEqual([['MUG', 2], ['TEE', 1]]);
		const call = sb.control.calls({ provider: 'shipbob', method: 'POST' })[0];
		expect(call.path).toBe('/2026-01/order');
	});

	it('answers a duplicate reference_id (422) as exists, linking the existing order, without a second order', async () => {
		const o = order(1002);
		const first = await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		const again = await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect(again).toMatchObject({ outcome: 'exists', wmsOrderId: first.wmsOrderId });
		expect(sb.control.calls({ provider: 'shipbob', method: 'POST' }).map((c) => c.status)).toEqual([201, 422]);
		expect(sb.control.ordersByReference('shipbob', o.omsId)).toHaveLength(1);
	});

	it('refuses an invalid order as a non-retryable error naming the field', async () => {
		const o = order(1003);
		o.shipTo = { ...o.shipTo!, line1: null };
		await expect(p.createOrder(o, { reference: o.omsId, shipmentNo: 1 })).rejects.toMatchObject({ retryable: false, status: 400 });
		const err = await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 }).catch((e) => e);
		expect(err.message).toMatch(/Address1/);
	});

	it('pulls status forward and tracking per package, mapped to the right lines, with a cursor', async () => {
		sb.control.setPackaging('per_line');
		const o = order(1004, [{ sku: 'MUG', quantity: 2, lineId: 'L-a' }, { sku: 'TEE', quantity: 1, lineId: 'L-b' }]);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		let page = await p.getShipmentUpdates(null);
		expect(page.updates).toHaveLength(1);
		expect(page.updates[0]).toMatchObject({ omsId: o.omsId, shipmentNo: 1, status: 'at_wms', shipments: [] });
		sb.control.advance(61_000);
		expect((await p.getOrder(o.omsId))!.status).toBe('picked');
		sb.control.advance(60_000);
		expect((await p.getOrder(o.omsId))!.status).toBe('packed');
		sb.control.advance(60_000);
		page = await p.getShipmentUpdates(page.cursor);
		expect(page.updates).toHaveLength(1);
		const u = page.updates[0];
		expect(u.status).toBe('shipped');
		expect(u.rawStatus).toMatch(/^Fulfilled/);
		expect(u.shipments).toHaveLength(2);
		const byTracking = Object.fromEntries(u.shipments.map((s) => [s.trackingNumber, s.lines]));
		expect(Object.values(byTracking)).toEqual(expect.arrayContaining([[{ sku: 'MUG', quantity: 2, lineId: 'L-a' }], [{ sku: 'TEE', quantity: 1, lineId: 'L-b' }]]));
		expect(new Set(u.shipments.map((s) => s.packageKey)).size).toBe(2);
		for (const s of u.shipments) expect(s.carrier && s.trackingUrl && s.shippedAt).toBeTruthy();
		// nothing changed since: the cursor (inclusive) returns at most the same order again, never older ones
		const again = await p.getShipmentUpdates(page.cursor);
		expect(again.updates.map((x) => x.reference)).toEqual([o.omsId]);
		sb.control.deliver('shipbob', o.omsId);
		expect((await p.getOrder(o.omsId))!.status).toBe('delivered');
	});

	it('reports a short pick as partially shipped (packed) with only the shipped units', async () => {
		sb.control.seedStock({ MUG: 1 });
		const o = order(1005, [{ sku: 'MUG', quantity: 3 }]);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		sb.control.advance(200_000);
		const s = (await p.getOrder(o.omsId))!;
		expect(s.rawStatus).toMatch(/^PartiallyFulfilled/);
		expect(s.status).toBe('packed');
		expect(s.shipments[0].lines).toEqual([{ sku: 'MUG', quantity: 1, lineId: '1' }]);
	});

	it('keeps picked units on hand (committed) until they ship, and lets a second order pick only what is free', async () => {
		sb.control.seedStock({ MUG: 3 });
		const a = order(1010, [{ sku: 'MUG', quantity: 2 }]);
		await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		const mug = async () => (await p.getInventoryLevels()).find((l) => l.sku === 'MUG');
		expect(await mug()).toMatchObject({ onHand: 3, available: 1 });
		sb.control.advance(61_000); // picked, not shipped
		expect((await p.getOrder(a.omsId))!.status).toBe('picked');
		expect(await mug()).toMatchObject({ onHand: 3, available: 1 });
		const b = order(1011, [{ sku: 'MUG', quantity: 2 }]);
		await p.createOrder(b, { reference: b.omsId, shipmentNo: 1 });
		sb.control.advance(200_000); // a ships 2; b picks the 1 left free and ships it (short)
		expect((await p.getOrder(a.omsId))!.status).toBe('shipped');
		expect((await p.getOrder(b.omsId))!.shipments[0].lines).toEqual([{ sku: 'MUG', quantity: 1, lineId: '1' }]);
		expect(await mug()).toMatchObject({ onHand: 0, available: 0 });
	});

	it('puts the units of an order cancelled after picking back as free stock', async () => {
		sb.control.seedStock({ MUG: 2 });
		const a = order(1012, [{ sku: 'MUG', quantity: 2 }]);
		await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		sb.control.advance(61_000);
		expect((await p.cancelOrder({ reference: a.omsId })).cancelled).toBe(true);
		expect((await p.getInventoryLevels()).find((l) => l.sku === 'MUG')).toMatchObject({ onHand: 2, available: 2 });
		const b = order(1013, [{ sku: 'MUG', quantity: 2 }]);
		await p.createOrder(b, { reference: b.omsId, shipmentNo: 1 });
		sb.control.advance(200_000);
		expect((await p.getOrder(b.omsId))!.status).toBe('shipped');
		expect((await p.getInventoryLevels()).find((l) => l.sku === 'MUG')).toMatchObject({ onHand: 0, available: 0 });
	});

	it('updates the address of an unpicked order (PUT shipment/{id}:updateAddress); once picked it is refused with the WMS’s words', async () => {
		const a = order(1201);
		await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		const moved = { ...a.shipTo!, line1: '9 New Rd', city: 'Kingston' };
		expect(await p.updateAddress!({ reference: a.omsId }, moved)).toEqual({ updated: true, message: null });
		expect(sb.control.addressUpdates().length).toBe(1);
		expect(sb.control.ordersByReference('shipbob', a.omsId)[0].shipTo).toMatchObject({ address: { address1: '9 New Rd', city: 'Kingston' } });
		const call = sb.control.calls({ provider: 'shipbob', method: 'PUT' })[0];
		expect(call.path).toMatch(/^\/2026-01\/shipment\/\d+:updateAddress$/);

		const b = order(1202);
		await p.createOrder(b, { reference: b.omsId, shipmentNo: 1 });
		sb.control.advance(61_000); // picked
		const refused = await p.updateAddress!({ reference: b.omsId }, moved);
		expect(refused.updated).toBe(false);
		expect(refused.message).toMatch(/^422: .*already picked/);
		expect(sb.control.addressUpdates().length).toBe(1);
	});

	it('reads inventory levels per location across pages', async () => {
		sb.control.seedStock(Object.fromEntries(Array.from({ length: 260 }, (_, i) => [`S-${String(i).padStart(3, '0')}`, i])));
		const levels = await p.getInventoryLevels();
		expect(levels).toHaveLength(260);
		expect(levels.find((l) => l.sku === 'S-007')).toEqual({ sku: 'S-007', location: 'Cicero (IL)', onHand: 7, available: 7 });
		expect(sb.control.calls({ provider: 'shipbob', path: '/2026-01/inventory-level' }).length).toBe(2);
	});

	it('cancels before shipping, and says not cancelled after', async () => {
		const a = order(1006);
		await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		expect((await p.cancelOrder({ reference: a.omsId })).cancelled).toBe(true);
		expect((await p.getOrder(a.omsId))!.status).toBe('cancelled');
		const b = order(1007);
		await p.createOrder(b, { reference: b.omsId, shipmentNo: 1 });
		sb.control.advance(200_000);
		expect((await p.cancelOrder({ reference: b.omsId })).cancelled).toBe(false);
	});

	it('retries 503 and 429 (x-retry-after) and then succeeds; a malformed body is a retryable error', async () => {
		sb.control.fault({ provider: 'shipbob', match: 'POST', kind: '503' });
		sb.control.fault({ provider: 'shipbob', match: 'POST', kind: '429', retryAfterSec: 1 });
		const o = order(1008);
		expect((await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 })).outcome).toBe('created');
		expect(sb.control.calls({ provider: 'shipbob', method: 'POST' }).map((c) => c.status)).toEqual([503, 429, 201]);
		sb.control.fault({ provider: 'shipbob', match: 'GET', kind: 'malformed' });
		await expect(p.getOrder(o.omsId)).rejects.toMatchObject({ retryable: true });
	});

	it('a create whose answer was lost (timeout after commit) is retried and answered as exists', async () => {
		sb.control.fault({ provider: 'shipbob', match: 'POST', kind: 'timeout_after_commit', hangMs: 3000 });
		const o = order(1009);
		const r = await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect(r.outcome).toBe('exists');
		expect(sb.control.ordersByReference('shipbob', o.omsId)).toHaveLength(1);
	});

	it('tests credentials without leaking the token', async () => {
		expect(await p.testCredentials()).toMatchObject({ ok: true });
		const bad = createShipBobProvider({ baseUrl: sb.baseUrls.shipbob, token: 'wrong-secret-token', channelId: 1 }, testDeps({ rateLimit: false }));
		const r = await bad.testCredentials();
		expect(r.ok).toBe(false);
		expect(r.message).not.toContain('wrong-secret-token');
	});

	it('paces itself under the sliding window so the server never answers 429', async () => {
		await sb.close();
		// the provider's window and the sandbox's on one virtual clock: the same pacing on any machine
		const clock = new VirtualClock();
		sb = await startWmsSandbox({ clock, shipbob: { rateLimit: { limit: 5, windowMs: 400 } } });
		const paced = createShipBobProvider(
			{ baseUrl: sb.baseUrls.shipbob, token: SANDBOX_CREDENTIALS.shipbob.token, channelId: 4321, rateLimit: { limit: 5, windowMs: 400 } },
			testDeps({ request: clock.track(testDeps().request), now: clock.now, sleep: clock.sleep }),
		);
		const began = clock.now();
		for (let i = 0; i < 12; i++) await paced.getOrder(`x${i}`);
		expect(sb.control.calls({ provider: 'shipbob' }).filter((c) => c.status === 429)).toHaveLength(0);
		expect(sb.control.calls({ provider: 'shipbob' })).toHaveLength(12);
		// 5 calls a window: the 6th and the 11th call each waited for a window to pass
		expect(clock.now() - began).toBeGreaterThanOrEqual(2 * 400);
	});
});
