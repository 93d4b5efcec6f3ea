import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { buildBody, createWmsProvider } from '../../../lib/wms';
import type { WmsProvider } from '../../../lib/wms/types';
import { genericSettingsFrom } from '../../../lib/wms/generic/node';
import { order, testDeps } from './fixtures';

describe('Generic REST provider against the sandbox', () => {
	let sb: WmsSandbox;
	let p: WmsProvider;
	const creds = SANDBOX_CREDENTIALS.generic;
	beforeEach(async () => {
		sb = await startWmsSandbox();
		p = createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: creds.headerName, authHeaderValue: creds.apiKey }, testDeps({ rateLimit: false }));
	});
	afterEach(() => sb.close());

	it('builds the body from the default template and pushes it; 409 is answered as exists', async () => {
		const o = order(4001, [{ sku: 'MUG', quantity: 2, lineId: 'm' }]);
		const r = await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect(r.outcome).toBe('created');
		expect(sb.control.ordersByReference('generic', o.omsId)[0].body).toMatchObject({
			external_id: o.omsId,
			order_number: '#4001',
			ship_to: { city: 'Ottawa', country: 'CA' },
			items: [{ sku: 'MUG', quantity: 2, line_id: 'm', name: 'Item MUG', unit_price: 10 }],
		});
		expect(await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 })).toMatchObject({ outcome: 'exists', wmsOrderId: r.wmsOrderId });
		expect(sb.control.ordersByReference('generic', o.omsId)).toHaveLength(1);
	});

	it('maps its status words and packages through the tables; pulls by cursor with pages', async () => {
		sb.control.setPackaging('per_line');
		const orders = [];
		for (let i = 0; i < 55; i++) orders.push(order(4100 + i, [{ sku: 'A', quantity: 1, lineId: 'x' }, { sku: 'B', quantity: 1, lineId: 'y' }]));
		for (const o of orders) await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		sb.control.advance(61_000);
		expect((await p.getOrder(orders[0].omsId))!.status).toBe('picked');
		sb.control.advance(120_000);
		const page = await p.getShipmentUpdates(null);
		expect(page.updates).toHaveLength(55);
		expect(page.updates[0]).toMatchObject({ status: 'shipped', rawStatus: 'shipped' });
		expect(page.updates[0].shipments.map((s) => s.lines)).toEqual([[{ sku: 'A', quantity: 1, lineId: 'x' }], [{ sku: 'B', quantity: 1, lineId: 'y' }]]);
		expect(sb.control.calls({ provider: 'generic', method: 'GET', path: '/orders' })).toHaveLength(2);
		expect(page.cursor).toBe(page.updates[54].updatedAt);
	});

	it('accepts target-field -> canonical-path pairs instead of a template', () => {
		const o = order(4200, [{ sku: 'A', quantity: 3, lineId: '1' }]);
		const body = buildBody(
			{ pairs: { ref: 'reference', 'dest.zip': 'order.shipTo.postalCode', 'lines[].code': 'lines[].sku', 'lines[].qty': 'lines[].quantity' } },
			{ reference: o.omsId, shipmentNo: 1, order: o, lines: o.lines },
		);
		expect(body).toEqual({ ref: o.omsId, dest: { zip: 'K1A 0B1' }, lines: [{ code: 'A', qty: 3 }] });
		expect(() => buildBody({ template: '{not json' }, { reference: 'r', shipmentNo: 1, order: o, lines: o.lines })).toThrow(/not valid JSON/);
		expect(buildBody({ template: '{"note":"order {{order.orderNumber}} part {{shipmentNo}}"}' }, { reference: 'r', shipmentNo: 2, order: o, lines: o.lines })).toEqual({ note: 'order #4200 part 2' });
	});

	it('inventory, cancel, credentials', async () => {
		sb.control.seedStock({ A: 4 });
		expect(await p.getInventoryLevels()).toEqual([{ sku: 'A', location: 'MAIN', onHand: 4, available: 4 }]);
		const o = order(4300);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		expect((await p.cancelOrder({ reference: o.omsId })).cancelled).toBe(true);
		expect((await p.getOrder(o.omsId))!.status).toBe('cancelled');
		expect(await p.getOrder('nope')).toBeNull();
		expect((await p.testCredentials()).ok).toBe(true);
		const bad = createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: creds.headerName, authHeaderValue: 'secret-wrong' }, testDeps({ rateLimit: false }));
		const t = await bad.testCredentials();
		expect(t.ok).toBe(false);
		expect(t.message).not.toContain('secret-wrong');
	});
	it('updates the address of an unpicked order (PATCH /orders/{reference} { ship_to }); once picked the WMS refuses (409) with its words; an unknown order is an error', async () => {
		const a = order(4401);
		await p.createOrder(a, { reference: a.omsId, shipmentNo: 1 });
		const moved = { ...a.shipTo!, line1: '9 New Rd', city: 'Kingston', postalCode: 'K7L 1A1' };
		expect(await p.updateAddress!({ reference: a.omsId }, moved)).toEqual({ updated: true, message: null });
		expect(sb.control.ordersByReference('generic', a.omsId)[0].shipTo).toMatchObject({ name: 'Ada Byron', address1: '9 New Rd', city: 'Kingston', postal_code: 'K7L 1A1', country: 'CA' });
		const call = sb.control.calls({ provider: 'generic', method: 'PATCH' })[0];
		expect([call.path, call.body]).toEqual([`/orders/${encodeURIComponent(a.omsId)}`, { ship_to: { name: 'Ada Byron', company: null, address1: '9 New Rd', address2: null, city: 'Kingston', region: 'ON', postal_code: 'K7L 1A1', country: 'CA', phone: null } }]);

		const b = order(4402);
		await p.createOrder(b, { reference: b.omsId, shipmentNo: 1 });
		sb.control.advance(61_000); // picked
		expect(await p.updateAddress!({ reference: b.omsId }, moved)).toEqual({ updated: false, message: '409: already_picked' });
		expect(sb.control.addressUpdates()).toHaveLength(1);

		await expect(p.updateAddress!({ reference: 'shopify:nope' }, moved)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no order shopify:nope at the WMS (404)') });
	});

	it('address updates follow the node settings: PUT on another path with its own body; off: no update call (the OMS holds the order)', async () => {
		const o = order(4403);
		await p.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		const seen: Array<{ method: string; url: string; body: unknown }> = [];
		const deps = testDeps({ rateLimit: false });
		const spy = { ...deps, request: ((opts) => (seen.push({ method: opts.method, url: opts.url, body: opts.body }), deps.request(opts))) as typeof deps.request };
		const custom = createWmsProvider(
			'generic',
			{ baseUrl: sb.baseUrls.generic, authHeaderName: creds.headerName, authHeaderValue: creds.apiKey, addressMethod: 'PUT', paths: { address: '/v2/orders/{id}/address' }, addressTemplate: '{"street": "{{address.line1}}", "town": "{{address.city}}", "ref": "{{reference}}"}' },
			spy,
		);
		// the sandbox has no such route: 404, the clear error; what matters is the call made
		await expect(custom.updateAddress!({ reference: o.omsId, wmsOrderId: '77' }, { ...o.shipTo!, line1: '1 Elm', city: 'Hull' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
		expect(seen).toEqual([{ method: 'PUT', url: `${sb.baseUrls.generic}/v2/orders/77/address`, body: { street: '1 Elm', town: 'Hull', ref: o.omsId } }]);
		const bad = createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: creds.headerName, authHeaderValue: creds.apiKey, addressTemplate: '{"street": ' }, testDeps({ rateLimit: false }));
		await expect(bad.updateAddress!({ reference: o.omsId }, o.shipTo!)).rejects.toThrow(/the address body template is not valid JSON/);
		const off = createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: creds.headerName, authHeaderValue: creds.apiKey, addressUpdates: false }, testDeps({ rateLimit: false }));
		expect(off.updateAddress).toBeUndefined();
	});
	it('the Wms node’s address settings become the client’s: path, method, body, off; a body that is not JSON names the field', () => {
		const params = (options: Record<string, unknown>) => (name: string, fallback: unknown) =>
			(({ genericPaths: { address: ' /x/{reference} ' }, genericOptions: options }) as Record<string, unknown>)[name] ?? fallback;
		expect(genericSettingsFrom(params({ addressUpdates: false, addressMethod: 'PUT', addressTemplate: '{"town": "{{address.city}}"}' }), 'order', 'applyChannelChange')).toMatchObject({
			paths: { address: '/x/{reference}' },
			addressUpdates: false,
			addressMethod: 'PUT',
			addressTemplate: { town: '{{address.city}}' },
		});
		const defaults = genericSettingsFrom(params({}), 'order', 'applyChannelChange');
		expect([defaults.addressUpdates, defaults.addressMethod, defaults.addressTemplate]).toEqual([undefined, undefined, undefined]);
		expect(() => genericSettingsFrom(params({ addressTemplate: '{"town": ' }), 'order', 'applyChannelChange')).toThrow(/^Address Body \(JSON\) is not a JSON object/);
	});
});
