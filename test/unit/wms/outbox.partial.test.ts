import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { createShipBobProvider } from '../../../lib/wms/shipbob';
import { applyUpdates, pushOrder } from '../../../lib/wms/outbox';
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

	it('refuses a backordered order held for another reason than stock, even with lines', async () => {
		const o = await partial('p3');
		await store.setStatus(o.omsId, 'backordered', { hold: { reason: 'operator', since: T0, detail: null } });
		const r = await pushOrder(store, p, o, { now: T0, lines: [o.lines[0]] });
		expect(r.outcome).toBe('refused');
		expect(sb.control.calls({ provider: 'shipbob', method: 'POST' })).toHaveLength(0);
	});
});
