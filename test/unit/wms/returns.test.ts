/**
 * The providers' returns (issue 21) against the WMS sandbox: ShipBob and ShipHero create a return with the OMS return id
 * as its reference, find it again after a lost answer (one return at the warehouse), and read back its status, units
 * received and dispositions; Extensiv 3PL Warehouse Manager and Generic REST have no returns API (no createReturn).
 */
import { startWmsSandbox, type WmsSandbox } from '../../sandbox/wms';
import type { ExpectedReturn, WmsProvider } from '../../../lib/wms/types';
import { order, sandboxProviders, testDeps } from './fixtures';

const SHIPPED = 181_000;

describe('WMS providers: returns against the sandbox', () => {
	let sb: WmsSandbox;
	let providers: Record<'shipbob' | 'shiphero' | 'extensiv' | 'generic', WmsProvider>;
	beforeEach(async () => {
		sb = await startWmsSandbox({ shipbob: { rateLimit: false }, shiphero: { credits: false }, returnTiming: { arriveAfterMs: null } });
		const deps = testDeps({ rateLimit: false });
		providers = sandboxProviders(sb, deps);
	});
	afterEach(() => sb.close());

	/** An order shipped by the provider, and the return of `units` MUG and 1 TEE it expects */
	async function shippedWithReturn(name: 'shipbob' | 'shiphero', n: number, units = 1): Promise<{ ret: ExpectedReturn; wmsOrderId: string }> {
		sb.control.seedStock({ MUG: 10, TEE: 10 });
		const o = order(n, [{ sku: 'MUG', quantity: 2 }, { sku: 'TEE', quantity: 1 }]);
		const created = await providers[name].createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		sb.control.advance(SHIPPED);
		const ret: ExpectedReturn = {
			reference: `shopify:R${n}`,
			omsId: o.omsId,
			orderReference: o.omsId,
			wmsOrderId: created.wmsOrderId,
			lines: [{ lineId: '1', sku: 'MUG', quantity: units }, { lineId: '2', sku: 'TEE', quantity: 1 }],
			carrier: 'UPS',
			trackingNumber: '1ZRETURN',
			reason: 'damaged',
			from: o.shipTo,
		};
		return { ret, wmsOrderId: created.wmsOrderId };
	}

	it('ShipBob: POST /return with the OMS return id as reference_id, the fulfillment center, inventory ids and the original shipment', async () => {
		const { ret } = await shippedWithReturn('shipbob', 6100, 2);
		const r = await providers.shipbob.createReturn!(ret);
		expect(r.outcome).toBe('created');
		const held = sb.control.returnByReference('shipbob', 'shopify:R6100')!;
		expect(String(held.id)).toBe(r.wmsReturnId);
		expect(held.lines.map((l) => [l.sku, l.quantity])).toEqual([['MUG', 2], ['TEE', 1]]);
		const body = sb.control.calls({ provider: 'shipbob', method: 'POST' }).find((c) => c.path.endsWith('/return'))!.body as Record<string, unknown>;
		expect(body).toMatchObject({ reference_id: 'shopify:R6100', fulfillment_center: { id: 1 }, tracking_number: '1ZRETURN' });
		expect(body.original_shipment_id).toEqual(expect.any(Number));
		expect(Object.values(r.lineKeys!).sort()).toEqual(['MUG', 'TEE']);
	});

	it('ShipBob: a second create (the first answer lost) finds the return by reference_id: exists, one return at the warehouse', async () => {
		const { ret } = await shippedWithReturn('shipbob', 6101);
		const first = await providers.shipbob.createReturn!(ret);
		const again = await providers.shipbob.createReturn!(ret);
		expect(again).toMatchObject({ outcome: 'exists', wmsReturnId: first.wmsReturnId });
		expect(sb.control.returns('shipbob').filter((x) => x.reference === ret.reference)).toHaveLength(1);
	});

	it('ShipBob: the create answer lost in transit: the client finds the return made, one return at the warehouse', async () => {
		const { ret } = await shippedWithReturn('shipbob', 6102);
		sb.control.fault({ provider: 'shipbob', match: 'POST /2026-01/return', kind: 'timeout_after_commit', hangMs: 50 });
		const r = await providers.shipbob.createReturn!(ret);
		expect(r.outcome).toBe('exists');
		expect(sb.control.returns('shipbob').filter((x) => x.reference === ret.reference)).toHaveLength(1);
	});

	it('ShipBob: an unknown SKU is refused (not retryable) naming it; nothing is created', async () => {
		const { ret } = await shippedWithReturn('shipbob', 6103);
		await expect(providers.shipbob.createReturn!({ ...ret, lines: [{ lineId: '9', sku: 'NOPE', quantity: 1 }] })).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/NOPE/) });
		expect(sb.control.returns('shipbob')).toHaveLength(0);
	});

	it('ShipBob: getReturns reads status, units received and dispositions by SKU (expected, arrived, completed)', async () => {
		const { ret } = await shippedWithReturn('shipbob', 6104, 2);
		const r = await providers.shipbob.createReturn!(ret);
		const ref = { reference: ret.reference, wmsReturnId: r.wmsReturnId, lineKeys: r.lineKeys };
		expect((await providers.shipbob.getReturns!([ref]))[0]).toMatchObject({ status: 'expected', rawStatus: 'AwaitingArrival', reference: ret.reference });
		sb.control.arriveReturn('shipbob', ret.reference);
		expect((await providers.shipbob.getReturns!([ref]))[0].status).toBe('arrived');
		sb.control.processReturn('shipbob', ret.reference, { MUG: { restock: 1, dispose: 1 }, TEE: { quarantine: 1 } });
		const [done] = await providers.shipbob.getReturns!([ref]);
		expect(done.status).toBe('completed');
		expect(done.lines).toEqual([
			{ sku: 'MUG', expected: 2, received: 2, restock: 1, quarantine: 0, dispose: 1 },
			{ sku: 'TEE', expected: 1, received: 1, restock: 0, quarantine: 1, dispose: 0 },
		]);
	});

	it('ShipHero: return_create with partner_id = the OMS return id and every required field; a second create finds it (exists)', async () => {
		const { ret } = await shippedWithReturn('shiphero', 6200);
		const r = await providers.shiphero.createReturn!(ret);
		expect(r.outcome).toBe('created');
		const held = sb.control.returns('shiphero');
		expect(held).toHaveLength(1);
		expect(held[0].lines.map((l) => [l.sku, l.quantity])).toEqual([['MUG', 1], ['TEE', 1]]);
		expect((held[0].body as Record<string, unknown>).partner_id).toBe(ret.reference);
		expect(await providers.shiphero.createReturn!(ret)).toMatchObject({ outcome: 'exists', wmsReturnId: r.wmsReturnId });
		expect(sb.control.returns('shiphero')).toHaveLength(1);
	});

	it('ShipHero: getReturns reads quantity_received and restock; received units not restocked are quarantined (condition damaged)', async () => {
		const { ret } = await shippedWithReturn('shiphero', 6201);
		const r = await providers.shiphero.createReturn!(ret);
		const ref = { reference: ret.reference, wmsReturnId: r.wmsReturnId };
		expect((await providers.shiphero.getReturns!([ref]))[0]).toMatchObject({ status: 'expected', rawStatus: 'pending' });
		const wmsRef = sb.control.returns('shiphero')[0].reference;
		sb.control.processReturn('shiphero', wmsRef, { MUG: { restock: 1 }, TEE: { quarantine: 1 } });
		const [done] = await providers.shiphero.getReturns!([ref]);
		expect(done).toMatchObject({ status: 'completed', rawStatus: 'warehouse_completed', reference: ret.reference });
		expect(done.lines).toEqual([
			{ sku: 'MUG', expected: 1, received: 1, restock: 1, quarantine: 0, dispose: 0 },
			{ sku: 'TEE', expected: 1, received: 1, restock: 0, quarantine: 1, dispose: 0 },
		]);
	});

	it('Extensiv 3PL Warehouse Manager and Generic REST offer no returns API: no createReturn, no getReturns', () => {
		for (const p of [providers.extensiv, providers.generic]) {
			expect(p.createReturn).toBeUndefined();
			expect(p.getReturns).toBeUndefined();
		}
	});
});
