import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { createShipBobProvider } from '../../../lib/wms/shipbob';
import { nextShipment } from '../../../lib/wms/outbox';
import { applyUpdates, pushOrder } from '../../../lib/flows';
import type { Delivery } from '../../../lib/store/types';
import type { WmsProvider } from '../../../lib/wms/types';
import { order, testDeps } from './fixtures';

const T0 = '2026-05-01T00:00:00.000Z';

/**
 * Backorder Gate's Partial (ship available): the order is backordered in the OMS (out_of_stock hold, the rest
 * waiting) and its allocated units go to the WMS as shipment 1. The outbox sends that part, only within the
 * allocation, and leaves the order backordered so Release Held still finds it.
 */
describe('pushOrder: the allocated part of a backordered order', () => {
	let sb: WmsSandbox;
	let p: WmsProvider;
	let store: Store;
	let dir: string;
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'wms-partial-'));
		store = await openSqliteStore(join(dir, 'oms.sqlite'));
		sb = await startWmsSandbox({ shipbob: { rateLimit: false } });
		p = createShipBobProvider({ baseUrl: sb.baseUrls.shipbob, ...SANDBOX_CREDENTIALS.shipbob }, testDeps({ rateLimit: false, retry: { maxAttempts: 1 } }));
	});
	afterEach(async () => {
		await sb.close();
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});

	async function partial(n: string) {
		const o = order(n, [
			{ sku: 'A', quantity: 1, lineId: 'a' },
			{ sku: 'B', quantity: 5, lineId: 'b' },
		]);
		await store.recordOrder(o);
		await store.annotate(o.omsId, 'allocation', {
			status: 'partial',
			lines: [
				{ sku: 'A', requested: 1, allocated: 1, backordered: 0, lineId: 'a' },
				{ sku: 'B', requested: 5, allocated: 2, backordered: 3, lineId: 'b' },
			],
		});
		await store.setStatus(o.omsId, 'backordered', { hold: { reason: 'out_of_stock', since: T0, detail: 'waiting for 3 unit(s): B x3' } });
		return o;
	}

	it('sends the allocated lines as shipment 1 and keeps the order backordered, also when the part ships', async () => {
		const o = await partial('p1');
		const r = await pushOrder(store, p, o, { now: T0, lines: [o.lines[0], { ...o.lines[1], quantity: 2 }] });
		expect(r).toMatchObject({ outcome: 'created', reference: o.omsId });
		expect(sb.control.ordersByReference('shipbob', o.omsId)[0].lines.map((l) => [l.sku, l.quantity])).toEqual([
			['A', 1],
			['B', 2],
		]);
		let stored = (await store.getOrder(o.omsId))!;
		expect(stored).toMatchObject({ status: 'backordered', hold: { reason: 'out_of_stock' } });
		expect(stored.order.wms).toMatchObject({ reference: o.omsId, status: 'at_wms' });
		const u = {
			omsId: o.omsId,
			shipmentNo: 1,
			reference: o.omsId,
			wmsOrderId: r.wmsOrderId!,
			status: 'shipped' as const,
			rawStatus: 'Fulfilled',
			updatedAt: '2026-05-01T02:00:00.000Z',
			shipments: [{ packageKey: 'pk1', carrier: 'UPS', trackingNumber: '1Z1', trackingUrl: null, shippedAt: '2026-05-01T02:00:00.000Z', lines: [{ lineId: 'a', sku: 'A', quantity: 1 }, { lineId: 'b', sku: 'B', quantity: 2 }] }],
		};
		const applied = await applyUpdates(store, [u], { provider: 'shipbob' });
		expect(applied.newShipments).toHaveLength(1);
		stored = (await store.getOrder(o.omsId))!;
		expect(stored).toMatchObject({ status: 'backordered', hold: { reason: 'out_of_stock' } });
		expect(stored.order.wms).toMatchObject({ status: 'shipped' });
	});

	it('refuses a shipment beyond the allocation, or a backordered order pushed whole', async () => {
		const o = await partial('p2');
		const over = await pushOrder(store, p, o, { now: T0, lines: [{ ...o.lines[1], quantity: 3 }] });
		expect(over).toMatchObject({ outcome: 'refused', error: expect.stringMatching(/not been allocated \(B x3, allocated 2\)/) });
		const whole = await pushOrder(store, p, o, { now: T0 });
		expect(whole).toMatchObject({ outcome: 'refused', error: expect.stringMatching(/backordered \(held: out_of_stock\)/) });
		expect(sb.control.calls({ provider: 'shipbob', method: 'POST' })).toHaveLength(0);
		expect(await store.getDelivery(o.omsId, 1)).toBeNull();
	});

	it('a later shipment never takes the order past its allocation, counting the shipments before it', async () => {
		const o = await partial('p4');
		const part = [o.lines[0], { ...o.lines[1], quantity: 2 }];
		expect(await pushOrder(store, p, o, { now: T0, lines: part })).toMatchObject({ outcome: 'created' });
		// nothing more was allocated: a shipment 2, whole or of the same part, would be a second WMS order for the same units
		const whole = await pushOrder(store, p, o, { now: T0, shipmentNo: 2 });
		expect(whole).toMatchObject({
			outcome: 'refused',
			error: `shipment 2 would send more units than the order was allocated, counting its other shipments (${o.omsId}): A x1 with 1 in other shipments, allocated 1; B x5 with 2 in other shipments, allocated 2`,
		});
		expect(await pushOrder(store, p, o, { now: T0, shipmentNo: 2, lines: [{ ...o.lines[1], quantity: 1 }] })).toMatchObject({ outcome: 'refused' });
		expect(sb.control.ordersByReference('shipbob', `${o.omsId}#2`)).toHaveLength(0);
		expect(await store.getDelivery(o.omsId, 2)).toBeNull();
		// three more B allocated (Release Held): shipment 2 may carry them, and not one more
		await store.annotate(o.omsId, 'allocation', {
			status: 'allocated',
			lines: [
				{ sku: 'A', requested: 1, allocated: 1, backordered: 0, lineId: 'a' },
				{ sku: 'B', requested: 5, allocated: 5, backordered: 0, lineId: 'b' },
			],
		});
		await store.setStatus(o.omsId, 'ready', { onlyFrom: ['backordered'], hold: null });
		expect(await pushOrder(store, p, o, { now: T0, shipmentNo: 2, lines: [{ ...o.lines[1], quantity: 4 }] })).toMatchObject({ outcome: 'refused', error: expect.stringMatching(/B x4 with 2 in other shipments, allocated 5/) });
		expect(await pushOrder(store, p, o, { now: T0, shipmentNo: 2, lines: [{ ...o.lines[1], quantity: 3 }] })).toMatchObject({ outcome: 'created', reference: `${o.omsId}#2` });
		// a repeat of shipment 2 is answered from the outbox, not refused
		expect(await pushOrder(store, p, o, { now: T0, shipmentNo: 2, lines: [{ ...o.lines[1], quantity: 3 }] })).toMatchObject({ outcome: 'already_sent' });
		expect(sb.control.ordersByReference('shipbob', `${o.omsId}#2`)[0].lines.map((l) => [l.sku, l.quantity])).toEqual([['B', 3]]);
	});

	it('refuses a backordered order held for another reason than stock, even with lines', async () => {
		const o = await partial('p3');
		await store.setStatus(o.omsId, 'backordered', { hold: { reason: 'operator', since: T0, detail: null } });
		const r = await pushOrder(store, p, o, { now: T0, lines: [o.lines[0]] });
		expect(r.outcome).toBe('refused');
		expect(sb.control.calls({ provider: 'shipbob', method: 'POST' })).toHaveLength(0);
	});
});

describe('nextShipment: the allocated units no delivery of the order carries yet', () => {
	const o = order('n1', [
		{ sku: 'A', quantity: 1, lineId: 'a' },
		{ sku: 'B', quantity: 5, lineId: 'b' },
	]);
	const delivery = (shipmentNo: number, lines: Array<{ lineId: string; sku: string; quantity: number }> | null, status: Delivery['status'] = 'pending'): Delivery =>
		({ id: shipmentNo, omsId: o.omsId, shipmentNo, provider: 'shipbob', reference: shipmentNo === 1 ? o.omsId : `${o.omsId}#${shipmentNo}`, status, attempts: 0, payload: lines ? { lines } : null }) as unknown as Delivery;
	const all = [
		{ lineId: 'a', sku: 'A', quantity: 1 },
		{ lineId: 'b', sku: 'B', quantity: 5 },
	];

	it('shipment 1 with every line when the order has no delivery', () => {
		expect(nextShipment(o, all, [])).toEqual({ shipmentNo: 1, lines: all, repeat: false });
	});
	it('the rest as the next shipment after a split part', () => {
		const first = delivery(1, [{ lineId: 'a', sku: 'A', quantity: 1 }, { lineId: 'b', sku: 'B', quantity: 2 }]);
		expect(nextShipment(o, all, [first])).toEqual({ shipmentNo: 2, lines: [{ lineId: 'b', sku: 'B', quantity: 3 }], repeat: false });
	});
	it('a repeat when every unit is in a delivery: the latest one again, with its own lines', () => {
		const first = delivery(1, [{ lineId: 'a', sku: 'A', quantity: 1 }, { lineId: 'b', sku: 'B', quantity: 2 }]);
		const second = delivery(2, [{ lineId: 'b', sku: 'B', quantity: 3 }], 'sent');
		expect(nextShipment(o, all, [first, second])).toEqual({ shipmentNo: 2, lines: [{ lineId: 'b', sku: 'B', quantity: 3 }], repeat: true });
		// a whole-order delivery (no lines of its own) carries every unit
		expect(nextShipment(o, all, [delivery(1, null)])).toEqual({ shipmentNo: 1, lines: all, repeat: true });
	});
	it('a cancelled delivery carries nothing; a failed one still does', () => {
		expect(nextShipment(o, all, [delivery(1, null, 'cancelled')])).toEqual({ shipmentNo: 2, lines: all, repeat: false });
		expect(nextShipment(o, all, [delivery(1, null, 'failed')])).toMatchObject({ shipmentNo: 1, repeat: true });
	});
});
