/**
 * Each WMS stage is one store transition: a crash at any store write of the stage leaves all of it or none of it
 * (lib/flows push-to-wms, apply-wms-updates, cancel-at-wms, edi-warehouse). The store is wrapped so that its k-th write after the stage starts
 * throws (a process dying there), for every k until the stage runs through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import type { WmsOrderUpdate, WmsProvider } from '../../../lib/wms/types';
import type { FunctionalAck } from '../../../lib/edi';
import { applyUpdates, cancelAtWms, pushOrder, reconcile997, send940 } from '../../../lib/flows';
import { order } from '../wms/fixtures';
import { TO_WAREHOUSE } from '../edi/partners';

const WRITES = new Set(['transition', 'setStatus', 'annotate', 'addEvent', 'markDeliverySent', 'markDeliveryAttemptFailed', 'recordShipment', 'commitShipment', 'release']);

/** The store, with its `crashAt`-th write (counted from `arm()`) throwing before it runs */
function crashing(store: Store, crashAt: number): { store: Store; arm: () => void; crashed: () => boolean } {
	let armed = false;
	let n = 0;
	let crashed = false;
	const proxy = new Proxy(store, {
		get(target, key, receiver) {
			const value = Reflect.get(target, key, receiver);
			if (typeof value !== 'function') return value;
			return (...args: unknown[]) => {
				if (armed && WRITES.has(String(key)) && ++n === crashAt) {
					crashed = true;
					throw new Error(`crash at write ${n} (${String(key)})`);
				}
				return (value as (...a: unknown[]) => unknown).apply(target, args);
			};
		},
	});
	return { store: proxy, arm: () => (armed = true), crashed: () => crashed };
}

const accepting: WmsProvider = {
	name: 'shipbob',
	createOrder: async () => ({ outcome: 'created', wmsOrderId: 'W-1', raw: null }),
	cancelOrder: async () => ({ cancelled: true, rawStatus: 'Cancelled', raw: null }),
} as unknown as WmsProvider;

describe('WMS stages are atomic (a crash leaves all of a stage or none of it)', () => {
	let dir: string;
	beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'flows-atomic-'))));
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	async function readyOrder(file: string) {
		const store = await openSqliteStore(join(dir, file));
		const o = order(1);
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'ready');
		return { store, o };
	}

	it('the WMS accepted a push: delivery sent, order at_wms and its wms annotation together', async () => {
		for (let k = 1; ; k++) {
			const { store, o } = await readyOrder(`push-${k}.sqlite`);
			const c = crashing(store, k);
			c.arm();
			const run = pushOrder(c.store, accepting, o, { now: '2026-05-01T00:00:00.000Z' });
			await run.catch(() => undefined);
			const stored = (await store.getOrder(o.omsId))!;
			const delivery = (await store.getDelivery(o.omsId, 1))!;
			const all = delivery.status === 'sent' && stored.status === 'at_wms' && !!stored.order.wms?.references;
			const none = delivery.status === 'pending' && stored.status === 'ready' && !stored.order.wms;
			expect({ k, all, none }).toEqual({ k, all: !c.crashed(), none: c.crashed() });
			await store.close();
			if (!c.crashed()) break;
		}
	});

	it('a WMS update: package recorded, units committed, annotation and status together', async () => {
		const update = (omsId: string): WmsOrderUpdate =>
			({
				omsId,
				shipmentNo: 1,
				reference: omsId,
				wmsOrderId: 'W-1',
				status: 'shipped',
				rawStatus: 'Shipped',
				updatedAt: '2026-05-02T00:00:00.000Z',
				shipments: [{ packageKey: 'PK-1', carrier: 'UPS', trackingNumber: '1Z1', trackingUrl: null, shippedAt: '2026-05-02T00:00:00.000Z', lines: [{ lineId: null, sku: 'SKU-A', quantity: 1 }] }],
			}) as unknown as WmsOrderUpdate;
		for (let k = 1; ; k++) {
			const { store, o } = await readyOrder(`update-${k}.sqlite`);
			await store.setStatus(o.omsId, 'at_wms');
			const c = crashing(store, k);
			c.arm();
			await applyUpdates(c.store, [update(o.omsId)]).catch(() => undefined);
			const stored = (await store.getOrder(o.omsId))!;
			const shipments = await store.getShipments(o.omsId);
			const all = shipments.length === 1 && stored.status === 'shipped' && stored.order.wms?.status === 'shipped';
			const none = shipments.length === 0 && stored.status === 'at_wms' && !stored.order.wms;
			expect({ k, all, none }).toEqual({ k, all: !c.crashed(), none: c.crashed() });
			await store.close();
			if (!c.crashed()) break;
		}
	});

	it('a WMS cancel: the order cancelled and its reserved units released together', async () => {
		for (let k = 1; ; k++) {
			const { store, o } = await readyOrder(`cancel-${k}.sqlite`);
			await store.upsertStockLevels([{ sku: 'SKU-1', onHand: 5 }]);
			await store.reserve([{ omsId: o.omsId, lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2 }], allowPartial: false }]);
			await pushOrder(store, accepting, o, { now: '2026-05-01T00:00:00.000Z' });
			const c = crashing(store, k);
			c.arm();
			await cancelAtWms(c.store, accepting, o.omsId).catch(() => undefined);
			const stored = (await store.getOrder(o.omsId))!;
			const reserved = (await store.getStock(['SKU-1']))[0].reserved;
			const all = stored.status === 'cancelled' && reserved === 0;
			const none = stored.status === 'at_wms' && reserved === 2;
			expect({ k, all, none }).toEqual({ k, all: !c.crashed(), none: c.crashed() });
			await store.close();
			if (!c.crashed()) break;
		}
	});

	it("the warehouse's 997 rejects a 940: delivery failed, the annotation's words and the hold together", async () => {
		for (let k = 1; ; k++) {
			const { store, o } = await readyOrder(`997-${k}.sqlite`);
			const sent = await send940(store, TO_WAREHOUSE, o.omsId);
			const doc = sent.document!;
			const ack: FunctionalAck = {
				functionalId: 'OW',
				groupControl: doc.groupControl,
				version: null,
				sets: [{ setId: '940', controlNumber: doc.sets[0].controlNumber, status: 'R', codes: ['5'], errors: [] }],
				groupStatus: 'R',
				included: 1,
				received: 1,
				accepted: 0,
				groupCodes: [],
			} as unknown as FunctionalAck;
			const c = crashing(store, k);
			c.arm();
			await reconcile997(c.store, doc.scope, [ack]).catch(() => undefined);
			const stored = (await store.getOrder(o.omsId))!;
			const delivery = (await store.getDelivery(o.omsId, 1))!;
			const words = (stored.order.wms?.references as Record<string, { rawStatus: string }>)[o.omsId].rawStatus;
			const all = delivery.status === 'failed' && stored.status === 'on_hold' && words === '940 rejected (997)';
			const none = delivery.status === 'pending' && stored.status === 'at_wms' && words === '940 awaiting 997';
			expect({ k, all, none }).toEqual({ k, all: !c.crashed(), none: c.crashed() });
			await store.close();
			if (!c.crashed()) break;
		}
	});
});
