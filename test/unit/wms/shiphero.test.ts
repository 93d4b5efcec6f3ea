import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { createShipHeroProvider } from '../../../lib/wms/shiphero';
import { referenceFor } from '../../../lib/wms/status';
import { VirtualClock } from '../../sandbox/testkit';
import { order, testDeps } from './fixtures';

describe('ShipHero provider against the sandbox', () => {
	let sb: WmsSandbox;
	let p: ReturnType<typeof createShipHeroProvider>;
	const make = (extra = {}) =>
		createShipHeroProvider({ baseUrl: sb.baseUrls.shiphero, ...SANDBOX_CREDENTIALS.shiphero, ...extra }, testDeps({ rateLimit: false }));
	beforeEach(async () => {
		sb = await startWmsSandbox({ shiphero: { credits: false } });
		p = make();
	});
	afterEach(() => sb.close());

	it('logs in, creates with partner_order_id = reference, and a second create is exists (looked up first)', async () => {
		const o = order(2001, [{ sku: 'MUG', quantity: 2, lineId: 'a' }]);
		const r = await p.createOrder(o, { reference: referenceFor(o.omsId), shipmentNo: 1 });
		expect(r.outcome).toBe('created');
		const again = await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect(again).toMatchObject({ outcome: 'exists', wmsOrderId: r.wmsOrderId });
		expect(sb.control.ordersByReference('shiphero', o.omsId)).toHaveLength(1);
		expect(sb.control.calls({ provider: 'shiphero', op: 'order_create' })).toHaveLength(1);
		expect(sb.control.calls({ provider: 'shiphero', path: '/auth/token' })).toHaveLength(1);
		const body = sb.control.calls({ provider: 'shiphero', path: '/auth/token' })[0].body as Record<string, unknown>;
		expect(body.password).toBe('***');
	});

	it('a create whose answer was lost is not re-sent blindly; the next try looks the reference up and finds it (exists)', async () => {
		const o = order(2002);
		sb.control.fault({ provider: 'shiphero', match: 'order_create', kind: 'timeout_after_commit', hangMs: 3000 });
		await expect(p.createOrder(o, { reference: o.omsId, shipmentNo: 1 })).rejects.toMatchObject({ retryable: true });
		// the outbox's next try: the look-up finds it
		expect((await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 })).outcome).toBe('exists');
		expect(sb.control.ordersByReference('shiphero', o.omsId)).toHaveLength(1);
	});

	it('two workers racing on one reference: one creates, the other gets the duplicate error and links it (exists)', async () => {
		const o = order(2009);
		const both = await Promise.all([p.createOrder(o, { reference: o.omsId, shipmentNo: 1 }), make().createOrder(o, { reference: o.omsId, shipmentNo: 1 })]);
		expect(both.map((r) => r.outcome).sort()).toEqual(['created', 'exists']);
		expect(both[0].wmsOrderId).toBe(both[1].wmsOrderId);
		expect(sb.control.ordersByReference('shiphero', o.omsId)).toHaveLength(1);
		expect(sb.control.calls({ provider: 'shiphero', op: 'order_create' }).length).toBe(2);
	});

	it('cannot cancel a shipped order: says so without throwing', async () => {
		const o = order(2010);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		sb.control.advance(200_000);
		expect(await p.cancelOrder({ reference: o.omsId })).toMatchObject({ cancelled: false });
	});

	it('split shipment: reference omsId#2 and only the given lines; tracking maps back to line ids', async () => {
		const o = order(2003, [{ sku: 'MUG', quantity: 2, lineId: 'L1' }, { sku: 'TEE', quantity: 1, lineId: 'L2' }]);
		await p.createOrder(o, { reference: referenceFor(o.omsId, 1), shipmentNo: 1, lines: [o.lines[0]] });
		await p.createOrder(o, { reference: referenceFor(o.omsId, 2), shipmentNo: 2, lines: [o.lines[1]] });
		expect(sb.control.ordersByReference('shiphero', 'shopify:2003#2')[0].lines.map((l) => l.sku)).toEqual(['TEE']);
		sb.control.advance(181_000);
		const page = await p.getShipmentUpdates(null);
		const two = page.updates.find((u) => u.shipmentNo === 2)!;
		expect(two).toMatchObject({ omsId: o.omsId, reference: 'shopify:2003#2', status: 'shipped' });
		expect(two.shipments[0].lines).toEqual([{ sku: 'TEE', quantity: 1, lineId: 'L2' }]);
		const one = page.updates.find((u) => u.shipmentNo === 1)!;
		expect(one.shipments[0].lines).toEqual([{ sku: 'MUG', quantity: 2, lineId: 'L1' }]);
		expect(one.shipments[0].trackingNumber).not.toBe(two.shipments[0].trackingNumber);
	});

	it('pulls only what changed since the cursor', async () => {
		const a = order(2004);
		await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		const first = await p.getShipmentUpdates(null);
		expect(first.updates.map((u) => u.status)).toEqual(['at_wms']);
		sb.control.advance(10_000);
		const b = order(2005);
		await p.createOrder(b, { reference: b.omsId, shipmentNo: 1 });
		const second = await p.getShipmentUpdates(first.cursor);
		expect(second.updates.map((u) => u.reference)).toContain(b.omsId);
		expect(Date.parse(second.cursor!)).toBeGreaterThan(Date.parse(first.cursor!));
		const third = await p.getShipmentUpdates(second.cursor);
		expect(third.updates.map((u) => u.reference)).toEqual([b.omsId]);
	});

	it('with a cursor overlap, orders updated just before the cursor come back too (late indexing is not skipped)', async () => {
		const lap = createShipHeroProvider({ baseUrl: sb.baseUrls.shiphero, ...SANDBOX_CREDENTIALS.shiphero }, testDeps({ rateLimit: false, cursorOverlapMs: 60_000 }));
		const a = order(2011);
		await lap.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		sb.control.advance(10_000);
		const b = order(2012);
		await lap.createOrder(b, { reference: b.omsId, shipmentNo: 1 });
		const first = await lap.getShipmentUpdates(null);
		const again = await lap.getShipmentUpdates(first.cursor);
		expect(again.updates.map((u) => u.reference)).toEqual([a.omsId, b.omsId]);
		expect(again.cursor).toBe(first.cursor);
	});

	it('refreshes an expired JWT with the refresh token and carries on', async () => {
		await sb.close();
		sb = await startWmsSandbox({ shiphero: { credits: false, tokenTtlSec: 3600 } });
		p = make();
		const o = order(2006);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		sb.control.advance(2 * 3600_000);
		expect((await p.getOrder(o.omsId))!.status).toBe('shipped');
		expect(sb.control.calls({ provider: 'shiphero', path: '/auth/refresh' })).toHaveLength(1);
		expect(sb.control.calls({ provider: 'shiphero', path: '/graphql' }).filter((c) => c.status === 401)).toHaveLength(1);
		expect(p.tokens.fetches).toBe(2);
	});

	it('waits out credit throttling (code 30) and succeeds', async () => {
		await sb.close();
		// the sandbox restores credits on a virtual clock that only the provider's waits move, so this client really
		// waits the hint it is given, and the same calls are throttled on any machine
		const clock = new VirtualClock();
		sb = await startWmsSandbox({ clock, shiphero: { credits: { bucket: 12, restorePerSec: 1000 } } });
		p = createShipHeroProvider(
			{ baseUrl: sb.baseUrls.shiphero, ...SANDBOX_CREDENTIALS.shiphero },
			testDeps({ rateLimit: false, request: clock.track(testDeps().request), now: clock.now, sleep: clock.sleep, retry: { maxAttempts: 8, random: () => 0 } }),
		);
		const began = clock.now();
		const o = order(2007);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		for (let i = 0; i < 3; i++) expect(await p.getOrder(o.omsId)).not.toBeNull();
		// 12 credits: the look-up (6) and the create (5) leave 1; the first read (6) is throttled and waits the hint
		// (0.01 s, +50 ms), the second takes the last 6, the third is throttled and waits again
		const calls = sb.control.calls({ provider: 'shiphero', path: '/graphql' });
		expect(calls.map((c) => c.op)).toEqual(['orders', 'order_create', 'orders', 'orders', 'orders', 'orders', 'orders']);
		expect(clock.now() - began).toBe(2 * 60);
	});

	it('reads inventory and cancels', async () => {
		sb.control.seedStock({ MUG: 12, TEE: 3 });
		const levels = await p.getInventoryLevels();
		expect(levels).toEqual(expect.arrayContaining([{ sku: 'MUG', location: 'Primary', onHand: 12, available: 12 }]));
		const o = order(2008);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect((await p.cancelOrder({ reference: o.omsId })).cancelled).toBe(true);
		expect((await p.getOrder(o.omsId))!.status).toBe('cancelled');
		expect(await p.testCredentials()).toMatchObject({ ok: true });
		const bad = make({ password: 'nope-secret' });
		const t = await bad.testCredentials();
		expect(t.ok).toBe(false);
		expect(t.message).not.toContain('nope-secret');
	});
	it('updates the address of an unpicked order (order_update shipping_address); once picked ShipHero refuses with its words; an unknown order is an error', async () => {
		const a = order(2301);
		const created = await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		const moved = { ...a.shipTo!, name: 'Grace Hopper', line1: '9 New Rd', city: 'Kingston', region: 'ON', postalCode: 'K7L 1A1' };
		expect(await p.updateAddress!({ reference: a.omsId }, moved)).toEqual({ updated: true, message: null });
		// the email the order was created with is kept (not sent: the new address has none)
		expect(sb.control.ordersByReference('shiphero', a.omsId)[0].shipTo).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', address1: '9 New Rd', city: 'Kingston', state: 'ON', zip: 'K7L 1A1', country: 'CA', email: 'b@example.com' });
		const call = sb.control.calls({ provider: 'shiphero', op: 'order_update' })[0];
		expect((call.body as { variables: { data: { order_id: string } } }).variables.data.order_id).toBe(created.wmsOrderId);
		// with the WMS order id known, no look-up first
		const before = sb.control.calls({ provider: 'shiphero', op: 'orders' }).length;
		expect(await p.updateAddress!({ reference: a.omsId, wmsOrderId: created.wmsOrderId }, { ...moved, line2: 'Unit 4' })).toEqual({ updated: true, message: null });
		expect(sb.control.calls({ provider: 'shiphero', op: 'orders' }).length).toBe(before);
		expect(sb.control.addressUpdates().map((u) => u.reference)).toEqual([a.omsId, a.omsId]);

		const b = order(2302);
		await p.createOrder(b, { reference: b.omsId, shipmentNo: 1 });
		sb.control.advance(61_000); // picked: in a tote
		const refused = await p.updateAddress!({ reference: b.omsId }, moved);
		expect(refused).toEqual({ updated: false, message: 'Order is locked (already picked): its shipping address cannot be updated' });
		expect(sb.control.ordersByReference('shiphero', b.omsId)[0].shipTo).toMatchObject({ address1: '1 Main St', city: 'Ottawa' });
		expect(sb.control.addressUpdates()).toHaveLength(2);

		await expect(p.updateAddress!({ reference: 'shopify:nope' }, moved)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no order with partner_order_id shopify:nope') });
		await expect(p.updateAddress!({ reference: 'shopify:nope', wmsOrderId: Buffer.from('Order:99999').toString('base64') }, moved)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('Order not found') });
	});
});
