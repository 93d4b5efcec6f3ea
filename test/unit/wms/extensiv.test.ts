import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { createExtensivProvider } from '../../../lib/wms/extensiv';
import { order, testDeps } from './fixtures';

describe('Extensiv 3PL Warehouse Manager provider against the sandbox', () => {
	let sb: WmsSandbox;
	let p: ReturnType<typeof createExtensivProvider>;
	const creds = SANDBOX_CREDENTIALS.extensiv;
	const make = (extra = {}) =>
		createExtensivProvider({ baseUrl: sb.baseUrls.extensiv, ...creds, customerId: 1, facilityId: 1, ...extra }, testDeps({ rateLimit: false }));
	beforeEach(async () => {
		sb = await startWmsSandbox();
		p = make();
	});
	afterEach(() => sb.close());

	it('gets a client_credentials token (Basic + user_login_id) and creates with referenceNum', async () => {
		const o = order(3001, [{ sku: 'MUG', quantity: 2 }]);
		const r = await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect(r.outcome).toBe('created');
		const held = sb.control.ordersByReference('extensiv', o.omsId);
		expect(held).toHaveLength(1);
		expect(held[0].body).toMatchObject({ customerIdentifier: { id: 1 }, facilityIdentifier: { id: 1 }, orderItems: [{ itemIdentifier: { sku: 'MUG' }, qty: 2 }] });
		const tokenCall = sb.control.calls({ provider: 'extensiv', path: '/AuthServer/api/Token' });
		expect(tokenCall).toHaveLength(1);
		// looked up before creating, because POST /orders is not idempotent
		expect(sb.control.calls({ provider: 'extensiv' }).map((c) => `${c.method} ${c.path}`)).toEqual(['POST /AuthServer/api/Token', 'GET /orders', 'POST /orders']);
	});

	it('never makes a second order for a reference: a retry after a lost answer finds it (exists)', async () => {
		const o = order(3002);
		sb.control.fault({ provider: 'extensiv', match: 'POST /orders', kind: 'timeout_after_commit', hangMs: 3000 });
		await expect(p.createOrder(o, { reference: o.omsId, shipmentNo: 1 })).rejects.toMatchObject({ retryable: true });
		expect(sb.control.calls({ provider: 'extensiv', method: 'POST', path: '/orders' })).toHaveLength(1);
		const again = await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect(again.outcome).toBe('exists');
		expect(sb.control.ordersByReference('extensiv', o.omsId)).toHaveLength(1);
	});

	it('a 5xx on create is not retried in-line (the outbox retries with a look-up first)', async () => {
		const o = order(3003);
		sb.control.fault({ provider: 'extensiv', match: 'POST /orders', kind: '503' });
		await expect(p.createOrder(o, { reference: o.omsId, shipmentNo: 1 })).rejects.toMatchObject({ retryable: true, status: 503 });
		expect((await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 })).outcome).toBe('created');
		expect(sb.control.ordersByReference('extensiv', o.omsId)).toHaveLength(1);
	});

	it('maps picked, packed, closed and packages with contents to line ids', async () => {
		sb.control.setPackaging('per_line');
		const o = order(3004, [{ sku: 'MUG', quantity: 2, lineId: 'x1' }, { sku: 'TEE', quantity: 1, lineId: 'x2' }]);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		sb.control.advance(61_000);
		expect(await p.getOrder(o.omsId)).toMatchObject({ status: 'picked', rawStatus: 'Open/Picked' });
		sb.control.advance(60_000);
		expect(await p.getOrder(o.omsId)).toMatchObject({ status: 'packed', rawStatus: 'Open/Packed' });
		sb.control.advance(60_000);
		const page = await p.getShipmentUpdates(null);
		expect(page.updates).toHaveLength(1);
		const u = page.updates[0];
		expect(u).toMatchObject({ status: 'shipped', rawStatus: 'Closed', omsId: o.omsId });
		expect(u.shipments.map((s) => s.lines)).toEqual([[{ sku: 'MUG', quantity: 2, lineId: 'x1' }], [{ sku: 'TEE', quantity: 1, lineId: 'x2' }]]);
		expect(u.shipments.every((s) => s.trackingNumber && s.carrier)).toBe(true);
	});

	it('gets a new token when the old one expires (401) and carries on', async () => {
		const o = order(3005);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		sb.control.advance(31 * 60_000);
		expect((await p.getOrder(o.omsId))!.status).toBe('shipped');
		expect(p.tokens.fetches).toBe(2);
	});

	it('reads stock summaries and cancels with If-Match', async () => {
		sb.control.seedStock({ MUG: 5 });
		expect(await p.getInventoryLevels()).toEqual([{ sku: 'MUG', location: 'facility:1', onHand: 5, available: 5 }]);
		const o = order(3006);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect((await p.cancelOrder({ reference: o.omsId })).cancelled).toBe(true);
		expect((await p.getOrder(o.omsId))!.status).toBe('cancelled');
		const bad = make({ clientSecret: 'wrong-secret' });
		const t = await bad.testCredentials();
		expect(t.ok).toBe(false);
		expect(t.message).not.toContain('wrong-secret');
		expect((await p.testCredentials()).ok).toBe(true);
	});
	it('updates the address of an unpicked order (PUT /orders/{id} with If-Match, the order sent whole); once picked it is refused, naming the state; an unknown order is an error', async () => {
		const a = order(3301);
		const created = await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		const moved = { ...a.shipTo!, line1: '9 New Rd', city: 'Kingston', postalCode: 'K7L 1A1' };
		expect(await p.updateAddress!({ reference: a.omsId }, moved)).toEqual({ updated: true, message: null });
		const held = sb.control.ordersByReference('extensiv', a.omsId)[0];
		// the email the order was created with is kept; the rest is the new address
		expect(held.shipTo).toMatchObject({ name: 'Ada Byron', address1: '9 New Rd', city: 'Kingston', zip: 'K7L 1A1', country: 'CA', emailAddress: 'b@example.com' });
		const put = sb.control.calls({ provider: 'extensiv', method: 'PUT' });
		expect(put.map((c) => [c.path, c.status])).toEqual([[`/orders/${created.wmsOrderId}`, 200]]);
		expect(put[0].body).toMatchObject({ referenceNum: a.omsId, orderItems: [{ itemIdentifier: { sku: 'SKU-1' }, qty: 2 }] });

		const b = order(3302);
		const bId = (await p.createOrder(b, { reference: b.omsId, shipmentNo: 1 })).wmsOrderId;
		sb.control.advance(61_000); // picked
		const refused = await p.updateAddress!({ reference: b.omsId, wmsOrderId: bId }, moved);
		expect(refused.updated).toBe(false);
		expect(refused.message).toMatch(/^Extensiv has the order picked \(pickDoneDate \d{4}-.*\): its address is not changed any more$/);
		expect(sb.control.calls({ provider: 'extensiv', method: 'PUT' })).toHaveLength(1); // no PUT for it
		expect(sb.control.addressUpdates()).toHaveLength(1);

		await expect(p.updateAddress!({ reference: 'shopify:nope' }, moved)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no order with referenceNum shopify:nope') });
		await expect(p.updateAddress!({ reference: 'shopify:nope', wmsOrderId: '99999' }, moved)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('Order not found') });
	});

	it('an address update whose ETag went stale between read and write reads the order again and writes once more', async () => {
		const a = order(3303);
		const id = (await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 })).wmsOrderId;
		// the order changes at the warehouse while the client holds its ETag: the first PUT is 412
		let changed = false;
		sb.control.fault({ provider: 'extensiv', match: `GET /orders/${id}`, kind: 'slow', times: 1, hold: async () => {
			sb.control.ordersByReference('extensiv', a.omsId)[0].updatedAt += 1000;
			changed = true;
		} });
		expect(await p.updateAddress!({ reference: a.omsId, wmsOrderId: id }, { ...a.shipTo!, city: 'Kingston' })).toEqual({ updated: true, message: null });
		expect(changed).toBe(true);
		expect(sb.control.calls({ provider: 'extensiv', method: 'PUT' }).map((c) => c.status)).toEqual([412, 200]);
		expect(sb.control.ordersByReference('extensiv', a.omsId)[0].shipTo).toMatchObject({ city: 'Kingston' });
	});

	it('an order that keeps changing under the update (412 twice): not updated, with Extensiv’s words', async () => {
		const a = order(3304);
		const id = (await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 })).wmsOrderId;
		sb.control.fault({ provider: 'extensiv', match: `GET /orders/${id}`, kind: 'slow', times: 2, hold: async () => {
			sb.control.ordersByReference('extensiv', a.omsId)[0].updatedAt += 1000;
		} });
		expect(await p.updateAddress!({ reference: a.omsId, wmsOrderId: id }, { ...a.shipTo!, city: 'Kingston' })).toEqual({ updated: false, message: '412: The order has changed since it was read' });
		expect(sb.control.calls({ provider: 'extensiv', method: 'PUT' }).map((c) => c.status)).toEqual([412, 412]);
		expect(sb.control.ordersByReference('extensiv', a.omsId)[0].shipTo).toMatchObject({ city: 'Ottawa' });
	});
});
