import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { buildBody, createWmsProvider } from '../../../lib/wms';
import type { WmsProvider } from '../../../lib/wms/types';
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
});
