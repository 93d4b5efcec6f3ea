/**
 * One conformance suite for every Store behaviour, run against SQLite (sqlite.test.ts) and PostgreSQL
 * (postgres.test.ts). A store implementation is correct when this whole file passes against it.
 */
import type { Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';
import { describeReturnsConformance } from './conformance-returns';
import { describeWmsCallsConformance } from './conformance-wms-calls';
import { describeRestockConformance } from './conformance-restock';
import { describeWarehousesConformance } from './conformance-warehouses';
import { describeLedgerConformance } from './conformance-ledger';

export interface StoreFactory {
	/** A fresh, empty store (own database/schema), with an optional clock */
	open(opts?: { now?: () => Date }): Promise<Store>;
}

export function describeStoreConformance(name: string, factory: StoreFactory): void {
	describe(`Store conformance: ${name}`, () => {
		let store: Store;
		beforeEach(async () => {
			store = await factory.open();
		});
		afterEach(async () => {
			await store.close();
		});

		describe('intake', () => {
			it('records a new order once; the same order again is a duplicate that changes nothing', async () => {
				const order = makeOrder({ channelOrderId: '450789469' });
				const first = await store.recordOrder(order, { cause: 'test' });
				expect(first.outcome).toBe('new');
				expect(first.stored.status).toBe('received');
				expect(first.stored.order.omsId).toBe('shopify:450789469');
				const second = await store.recordOrder(order);
				expect(second.outcome).toBe('duplicate');
				expect(second.reason).toBe('same_version');
				expect(second.stored.version).toBe(first.stored.version);
				const events = await store.timeline(order.omsId);
				expect(events.map((e) => e.type)).toEqual(['recorded']);
				expect(events[0].cause).toBe('test');
			});

			it('a newer version updates the order, keeps downstream annotations, and says what changed', async () => {
				const order = makeOrder();
				await store.recordOrder(order);
				await store.annotate(order.omsId, 'fraud', { decision: 'pass', score: 0, reasons: [] });
				const newer = makeOrder({
					channelOrderId: order.channelOrderId,
					updatedAt: '2026-05-01T15:00:00.000Z',
					channelStatus: 'paid/partially_refunded',
					shipTo: { ...order.shipTo!, city: 'Toronto' },
				});
				const res = await store.recordOrder(newer);
				expect(res.outcome).toBe('updated');
				expect(res.changes).toEqual(['channelStatus', 'shipTo']);
				expect(res.stored.order.shipTo?.city).toBe('Toronto');
				expect(res.stored.order.fraud).toEqual({ decision: 'pass', score: 0, reasons: [] });
				const older = await store.recordOrder(makeOrder({ channelOrderId: order.channelOrderId, updatedAt: '2026-05-01T14:01:00.000Z' }));
				expect(older.outcome).toBe('duplicate');
				expect(older.reason).toBe('older_version');
				const types = (await store.timeline(order.omsId)).map((e) => e.type);
				expect(types).toEqual(['recorded', 'fraud', 'updated']);
			});

			it('pending orders are held for payment and released when the channel marks them paid; channel cancellation cancels', async () => {
				const order = makeOrder({ readiness: 'pending', channelStatus: 'pending' });
				const first = await store.recordOrder(order);
				expect(first.stored.status).toBe('on_hold');
				expect(first.stored.hold?.reason).toBe('awaiting_payment');
				const paid = await store.recordOrder({ ...order, readiness: 'ready', channelStatus: 'paid', updatedAt: '2026-05-01T16:00:00.000Z' });
				expect(paid.stored.status).toBe('received');
				expect(paid.stored.hold).toBeNull();
				const cancelled = await store.recordOrder({ ...order, readiness: 'cancelled', channelStatus: 'cancelled', updatedAt: '2026-05-01T17:00:00.000Z' });
				expect(cancelled.stored.status).toBe('cancelled');
			});

			it('two saves within one second (created pending, then paid) settle on the paid one, whichever arrives first', async () => {
				// WooCommerce's date_modified_gmt has whole seconds: both versions carry the same update time
				const at = '2026-05-01T14:05:07.000Z';
				const pending = makeOrder({ channel: 'woocommerce', channelOrderId: '727', readiness: 'pending', channelStatus: 'pending', updatedAt: at });
				const paid = { ...pending, readiness: 'ready' as const, channelStatus: 'processing' };

				expect((await store.recordOrder(pending)).stored.status).toBe('on_hold');
				const res = await store.recordOrder(paid);
				expect([res.outcome, res.changes]).toEqual(['updated', ['channelStatus', 'readiness']]);
				expect(res.stored.status).toBe('received');
				expect(res.stored.hold).toBeNull();
				// the pending delivery again (a retry, the poll's overlap) is older: the order is not held again
				const late = await store.recordOrder(pending);
				expect([late.outcome, late.reason, late.stored.status]).toEqual(['duplicate', 'older_version', 'received']);

				// the other order of arrival ends in the same place
				const first = await store.recordOrder({ ...paid, channelOrderId: '728', omsId: 'woocommerce:728' });
				const second = await store.recordOrder({ ...pending, channelOrderId: '728', omsId: 'woocommerce:728' });
				expect([first.stored.status, second.outcome, second.reason, second.stored.status]).toEqual(['received', 'duplicate', 'older_version', 'received']);
				expect(second.stored.order.channelStatus).toBe('processing');
			});

			it('a tie in time and readiness goes by the channel lifecycle, then by content, never back and forth', async () => {
				const at = '2026-05-01T14:05:07.000Z';
				const pending = makeOrder({ channel: 'woocommerce', channelOrderId: '730', readiness: 'pending', channelStatus: 'pending', updatedAt: at });
				const onHold = { ...pending, channelStatus: 'on-hold' };
				await store.recordOrder(onHold);
				expect((await store.recordOrder(pending)).reason).toBe('older_version');
				// same time, same status, other content (an address edited in the same second): one of the two wins, the
				// same one whichever order they come in, and the loser never replaces it
				const a = makeOrder({ channelOrderId: '731', updatedAt: at });
				const b = { ...a, shipTo: { ...a.shipTo!, city: 'Toronto' } };
				await store.recordOrder(a);
				await store.recordOrder(b);
				const afterAB = (await store.getOrder(a.omsId))!;
				for (let i = 0; i < 2; i++) {
					await store.recordOrder(a);
					await store.recordOrder(b);
				}
				const again = (await store.getOrder(a.omsId))!;
				expect(again.version).toBe(afterAB.version);
				const c = makeOrder({ channelOrderId: '732', updatedAt: at });
				const d = { ...c, shipTo: { ...c.shipTo!, city: 'Toronto' } };
				await store.recordOrder(d);
				await store.recordOrder(c);
				expect((await store.getOrder(c.omsId))!.order.shipTo?.city).toBe(afterAB.order.shipTo?.city);
			});

			it('stamps shipped_at when a newer channel version says the order shipped (SQLite used to leave it empty)', async () => {
				const order = makeOrder({ channelOrderId: 'ship-1' });
				await store.recordOrder(order);
				const shipped = await store.recordOrder({ ...order, readiness: 'shipped', channelStatus: 'fulfilled', updatedAt: '2026-05-01T18:00:00.000Z' });
				expect(shipped.stored.status).toBe('shipped');
				const [row] = await store.query<{ shipped_at: unknown }>('SELECT shipped_at FROM orders WHERE oms_id = $1', [order.omsId]);
				expect(row.shipped_at).not.toBeNull();
			});

			it('concurrent intake of the same order records it exactly once', async () => {
				const order = makeOrder();
				const results = await Promise.all(Array.from({ length: 8 }, () => store.recordOrder(order)));
				expect(results.filter((r) => r.outcome === 'new')).toHaveLength(1);
				expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(7);
				expect(await store.timeline(order.omsId)).toHaveLength(1);
			});

			it('free text and the raw payload holding NUL or an unpaired surrogate are cleaned, with a note in the timeline', async () => {
				// PostgreSQL refuses NUL in text and jsonb, and the \ud800 escape in jsonb; SQLite took them: an order
				// recorded on one store was lost on the other. Both now keep the same cleaned order.
				const order = makeOrder({
					orderNumber: '#10\u000001',
					channelStatus: 'paid\u0000',
					customer: { email: 'b@example.com', name: 'A\u0000B \ud800', phone: null, channelCustomerId: null },
					lines: [{ lineId: '1', sku: 'SKU-1', title: 'Mug\u0000 \udc00', quantity: 2, unitPrice: 25, lineTotal: 50 }],
					raw: { note: 'x\u0000y', ['k\u0000']: ['\ud83d', '\ud83d\ude00'], nested: { ok: 'fine' } },
				});
				const res = await store.recordOrder(order);
				expect(res.outcome).toBe('new');
				const stored = (await store.getOrder(order.omsId))!.order;
				expect(stored.orderNumber).toBe('#1001');
				expect(stored.channelStatus).toBe('paid');
				expect(stored.customer.name).toBe('AB \uFFFD');
				expect(stored.lines[0].title).toBe('Mug \uFFFD');
				expect(stored.raw).toEqual({ note: 'xy', ['k\uFFFD']: ['\uFFFD', '\ud83d\ude00'], nested: { ok: 'fine' } });
				const [recorded] = await store.timeline(order.omsId);
				expect(recorded.detail?.cleaned).toMatchObject({
					count: 7,
					paths: ['$.orderNumber', '$.channelStatus', '$.customer.name', '$.lines[0].title', '$.raw.note', '$.raw["k\uFFFD"]', '$.raw["k\uFFFD"][0]'],
				});
				// the same delivery again is the same version: nothing changes
				expect((await store.recordOrder(order)).outcome).toBe('duplicate');
			});

			it('an identifier holding NUL or an unpaired surrogate is refused, naming its path, and nothing is recorded', async () => {
				const bad = makeOrder({ lines: [{ lineId: '1', sku: 'SKU\u00001', title: null, quantity: 2, unitPrice: 25, lineTotal: 50 }] });
				await expect(store.recordOrder(bad)).rejects.toThrow(/\$\.lines\[0\]\.sku: must not contain a NUL character \(U\+0000\)/);
				expect(await store.getOrder(bad.omsId)).toBeNull();
				const lone = makeOrder({ customer: { email: null, name: null, phone: null, channelCustomerId: 'c\udfff' } });
				await expect(store.recordOrder(lone)).rejects.toThrow(/\$\.customer\.channelCustomerId: must not contain an unpaired UTF-16 surrogate \(U\+DFFF\)/);
			});

			it('annotations, event details and delivery errors holding NUL are cleaned the same way', async () => {
				const order = makeOrder();
				await store.recordOrder(order);
				await store.annotate(order.omsId, 'fraud', { decision: 'pass', score: 0, reasons: [{ rule: 'r', points: 0, detail: 'name A\u0000B' }] });
				await store.annotateMany([{ omsId: order.omsId, key: 'wms', value: { provider: 'generic', reference: 'R', status: 'at\u0000wms', shipments: [] } }]);
				await store.addEvent(order.omsId, 'note', { cause: 'op\u0000', detail: { note: 'hi\u0000\ud800' } });
				const stored = (await store.getOrder(order.omsId))!.order;
				expect(stored.fraud?.reasons[0].detail).toBe('name AB');
				expect(stored.wms?.status).toBe('atwms');
				const note = (await store.timeline(order.omsId)).find((e) => e.type === 'note')!;
				expect([note.cause, note.detail]).toEqual(['op', { note: 'hi\uFFFD' }]);
				const { delivery } = await store.enqueueDelivery({ omsId: order.omsId, shipmentNo: 1, provider: 'generic', reference: 'R' });
				const failed = await store.markDeliveryAttemptFailed(delivery.id, 'HTTP 400: bad\u0000body', null);
				expect(failed.lastError).toBe('HTTP 400: badbody');
			});

			it('outside orders too: identifiers (SKUs, locations, package keys, cursors) holding NUL or a lone surrogate are refused by name, nothing written; shipment text and the WMS id are cleaned', async () => {
				await store.upsertStockLevels([{ sku: 'OK-1', onHand: 5 }]);
				await expect(store.upsertStockLevels([{ sku: 'OK-1', onHand: 7 }, { sku: 'BAD\u00001', onHand: 3 }])).rejects.toThrow(/stock level 1: sku: must not contain a NUL character \(U\+0000\)/);
				await expect(store.upsertStockLevels([{ sku: 'OK-2', onHand: 3, location: 'wh\ud800' }])).rejects.toThrow(/stock level 0 \(OK-2\): location: must not contain an unpaired UTF-16 surrogate \(U\+D800\)/);
				expect((await store.getStock()).map((r) => [r.sku, r.onHand])).toEqual([['OK-1', 5]]);
				await expect(store.setSafetyStock('S\u0000', 1)).rejects.toThrow(/safety stock: sku: must not contain a NUL/);
				await expect(store.setBundle('BUN\u0000', [{ sku: 'OK-1', quantity: 1 }])).rejects.toThrow(/bundle sku: must not contain a NUL/);
				await expect(store.setCursor('wms:x', 'next\u0000token')).rejects.toThrow(/cursor wms:x: must not contain a NUL/);
				expect(await store.getCursor('wms:x')).toBeNull();

				const order = makeOrder();
				await store.recordOrder(order);
				const base = { omsId: order.omsId, provider: 'generic', shippedAt: '2026-05-01T10:00:00Z', lines: [{ sku: 'SKU-1', quantity: 1 }] };
				await expect(store.recordShipment({ ...base, packageKey: 'P\u00001', carrier: 'UPS', trackingNumber: '1Z', trackingUrl: null })).rejects.toThrow(/package key: must not contain a NUL/);
				await expect(store.commitShipment(order.omsId, 'P\u00001', [{ sku: 'SKU-1', quantity: 1 }])).rejects.toThrow(/package key: must not contain a NUL/);
				const rec = await store.recordShipment({ ...base, packageKey: 'P1', carrier: 'U\u0000PS', trackingNumber: '1Z\u00009', trackingUrl: 'https://t.example/\udc00' });
				expect([rec.shipment.carrier, rec.shipment.trackingNumber, rec.shipment.trackingUrl]).toEqual(['UPS', '1Z9', 'https://t.example/\uFFFD']);
				expect((await store.getShipments(order.omsId)).map((x) => x.trackingNumber)).toEqual(['1Z9']);
				const { delivery } = await store.enqueueDelivery({ omsId: order.omsId, shipmentNo: 1, provider: 'generic', reference: 'R' });
				expect((await store.markDeliverySent(delivery.id, 'W\u00009')).wmsOrderId).toBe('W9');
			});
		});

		describe('orders', () => {
			it('gets, searches by channel, status, date, SKU and email', async () => {
				await store.recordOrder(makeOrder({ channel: 'amazon', channelOrderId: 'A1', placedAt: '2026-05-01T10:00:00.000Z' }));
				await store.recordOrder(
					makeOrder({
						channel: 'ebay',
						channelOrderId: 'E1',
						placedAt: '2026-05-02T10:00:00.000Z',
						customer: { email: 'Other@Example.com', name: 'O', phone: null, channelCustomerId: null },
						lines: [{ lineId: '1', sku: 'SKU-9', title: null, quantity: 1, unitPrice: 5, lineTotal: 5 }],
					}),
				);
				await store.recordOrder(makeOrder({ channel: 'amazon', channelOrderId: 'A2', placedAt: '2026-05-03T10:00:00.000Z' }));
				expect((await store.getOrder('amazon:A1'))?.order.channelOrderId).toBe('A1');
				expect(await store.getOrder('amazon:nope')).toBeNull();
				expect((await store.getOrders(['amazon:A1', 'ebay:E1', 'x:y'])).map((o) => o.order.omsId).sort()).toEqual(['amazon:A1', 'ebay:E1']);
				expect((await store.searchOrders({ channels: ['amazon'] })).map((o) => o.order.omsId)).toEqual(['amazon:A2', 'amazon:A1']);
				expect((await store.searchOrders({ channels: ['amazon'], order: 'asc' })).map((o) => o.order.omsId)).toEqual(['amazon:A1', 'amazon:A2']);
				expect((await store.searchOrders({ sku: 'SKU-9' })).map((o) => o.order.omsId)).toEqual(['ebay:E1']);
				expect((await store.searchOrders({ email: 'other@example.com' })).map((o) => o.order.omsId)).toEqual(['ebay:E1']);
				expect(
					(await store.searchOrders({ placedFrom: '2026-05-02T00:00:00Z', placedTo: '2026-05-03T00:00:00Z' })).map((o) => o.order.omsId),
				).toEqual(['ebay:E1']);
				expect((await store.searchOrders({ statuses: ['received'], limit: 2 })).length).toBe(2);
				expect((await store.searchOrders({ statuses: ['shipped'] })).length).toBe(0);
			});

			it('annotates many orders in one call, in input order, and names the ones it does not have', async () => {
				const a = makeOrder({ channelOrderId: 'm1' });
				const b = makeOrder({ channelOrderId: 'm2' });
				await store.recordOrder(a);
				await store.recordOrder(b);
				const alloc = { status: 'allocated', lines: [{ sku: 'SKU-1', requested: 2, allocated: 2, backordered: 0 }] };
				const res = await store.annotateMany([
					{ omsId: a.omsId, key: 'allocation', value: { ...alloc, status: 'partial' }, event: { cause: 'Reserve', detail: { first: true } } },
					{ omsId: b.omsId, key: 'fraud', value: { decision: 'pass', score: 3, reasons: [] } },
					{ omsId: 'shopify:nope', key: 'allocation', value: alloc },
					{ omsId: a.omsId, key: 'allocation', value: alloc, event: { cause: 'Reserve' } },
				]);
				expect(res.missing).toEqual(['shopify:nope']);
				const [sa, sb] = [await store.getOrder(a.omsId), await store.getOrder(b.omsId)];
				expect(sa!.order.allocation).toEqual(alloc);
				expect(sa!.order.lines).toEqual(a.lines);
				expect(sb!.order.fraud).toEqual({ decision: 'pass', score: 3, reasons: [] });
				const ta = await store.timeline(a.omsId);
				expect(ta.map((e) => [e.type, e.cause])).toEqual([
					['recorded', null],
					['allocation', 'Reserve'],
					['allocation', 'Reserve'],
				]);
				expect(ta[1].detail).toEqual({ first: true });
				expect(sa!.version).toBe(3);
				expect(await store.annotateMany([])).toEqual({ missing: [] });
			});

			it('changes status with a timeline entry, supports compare-and-set and holds', async () => {
				const order = makeOrder();
				await store.recordOrder(order);
				const r1 = await store.setStatus(order.omsId, 'backordered', {
					cause: 'backorderGate',
					hold: { reason: 'out_of_stock', since: '2026-05-01T14:10:00.000Z', detail: 'SKU-1 waits for 2' },
				});
				expect(r1).toMatchObject({ changed: true, from: 'received', to: 'backordered' });
				expect(r1.stored.hold?.reason).toBe('out_of_stock');
				const r2 = await store.setStatus(order.omsId, 'ready', { onlyFrom: ['received'] });
				expect(r2.changed).toBe(false);
				const r3 = await store.setStatus(order.omsId, 'ready', { onlyFrom: ['backordered'], hold: null });
				expect(r3.changed).toBe(true);
				expect(r3.stored.hold).toBeNull();
				await store.addEvent(order.omsId, 'note', { cause: 'ops: Ana', detail: { note: 'customer called' } });
				const tl = await store.timeline(order.omsId);
				expect(tl.map((e) => e.type)).toEqual(['recorded', 'status', 'status', 'note']);
				expect(tl[1]).toMatchObject({ fromStatus: 'received', toStatus: 'backordered', cause: 'backorderGate' });
				expect(tl[3].detail).toEqual({ note: 'customer called' });
				await expect(store.setStatus('shopify:missing', 'ready')).rejects.toThrow(/No order shopify:missing/);
			});
		});

		describe('stock and reservations', () => {
			it('upserts stock levels idempotently and reports only changes', async () => {
				const first = await store.upsertStockLevels([{ sku: 'A', onHand: 10 }, { sku: 'B', location: 'east', onHand: 5 }]);
				expect(first).toEqual([
					{ sku: 'A', location: 'default', before: null, after: 10 },
					{ sku: 'B', location: 'east', before: null, after: 5 },
				]);
				expect(await store.upsertStockLevels([{ sku: 'A', onHand: 10 }, { sku: 'B', location: 'east', onHand: 5 }])).toEqual([]);
				expect(await store.upsertStockLevels([{ sku: 'A', onHand: 7 }])).toEqual([{ sku: 'A', location: 'default', before: 10, after: 7 }]);
				await store.setSafetyStock('A', 2);
				const [a] = await store.getStock(['A']);
				expect(a).toMatchObject({ sku: 'A', onHand: 7, reserved: 0, safetyStock: 2, atp: 5 });
				// the lean read: the same numbers, no timestamps
				expect(await store.getStockCells(['A', 'B'])).toEqual(
					expect.arrayContaining([
						{ sku: 'A', location: 'default', onHand: 7, reserved: 0, safetyStock: 2, version: a.version },
						{ sku: 'B', location: 'east', onHand: 5, reserved: 0, safetyStock: 0, version: expect.any(Number) },
					]),
				);
				expect((await store.getStockCells()).map((c) => c.sku).sort()).toEqual(['A', 'B']);
			});

			it('counts a cell a feed names twice once, with its last value, on both stores alike', async () => {
				await store.upsertStockLevels([{ sku: 'D', onHand: 1 }]);
				expect(
					await store.upsertStockLevels([
						{ sku: 'D', onHand: 4 },
						{ sku: 'E', onHand: 2 },
						{ sku: 'D', onHand: 6 },
					]),
				).toEqual([
					{ sku: 'D', location: 'default', before: 1, after: 6 },
					{ sku: 'E', location: 'default', before: null, after: 2 },
				]);
				expect((await store.getStock(['D']))[0].onHand).toBe(6);
				expect(await store.upsertStockLevels([{ sku: 'D', onHand: 6 }, { sku: 'D', onHand: 6 }])).toEqual([]);
				// only the last value counts: an earlier different one changes nothing
				expect(await store.upsertStockLevels([{ sku: 'D', onHand: 9 }, { sku: 'D', onHand: 6 }])).toEqual([]);
				expect((await store.getStock(['D']))[0]).toMatchObject({ onHand: 6 });
				// a new cell named twice is created once
				expect(await store.upsertStockLevels([{ sku: 'F', location: 'east', onHand: 1 }, { sku: 'F', onHand: 2 }, { sku: 'F', location: 'east', onHand: 3 }])).toEqual([
					{ sku: 'F', location: 'east', before: null, after: 3 },
					{ sku: 'F', location: 'default', before: null, after: 2 },
				]);
			});

			it('reserves against ATP, partially when allowed, all-or-nothing when not, and once per order', async () => {
				await store.upsertStockLevels([{ sku: 'A', onHand: 5 }, { sku: 'B', onHand: 1 }]);
				const o1 = makeOrder();
				await store.recordOrder(o1);
				const [r1] = await store.reserve([
					{ omsId: o1.omsId, allowPartial: true, lines: [{ lineId: '1', sku: 'A', quantity: 3 }, { lineId: '2', sku: 'B', quantity: 2 }] },
				]);
				expect(r1.changed).toBe(true);
				expect(r1.lines.map((l) => [l.sku, l.allocated, l.backordered])).toEqual([
					['A', 3, 0],
					['B', 1, 1],
				]);
				const again = await store.reserve([
					{ omsId: o1.omsId, allowPartial: true, lines: [{ lineId: '1', sku: 'A', quantity: 3 }, { lineId: '2', sku: 'B', quantity: 2 }] },
				]);
				expect(again[0].changed).toBe(false);
				expect(again[0].lines.map((l) => l.allocated)).toEqual([3, 1]);
				const [complete] = await store.reserve([
					{ omsId: 'x:2', allowPartial: false, lines: [{ lineId: '1', sku: 'A', quantity: 2 }, { lineId: '2', sku: 'B', quantity: 1 }] },
				]);
				expect(complete.lines.map((l) => l.allocated)).toEqual([0, 0]);
				const stock = await store.getStock();
				expect(stock.map((s) => [s.sku, s.reserved, s.atp])).toEqual([
					['A', 3, 2],
					['B', 1, 0],
				]);
				const [unknown] = await store.reserve([{ omsId: 'x:3', allowPartial: true, lines: [{ lineId: '1', sku: 'NOPE', quantity: 1 }] }]);
				expect(unknown.lines[0]).toMatchObject({ allocated: 0, backordered: 1, unknownSku: true });
				expect((await store.timeline(o1.omsId)).map((e) => e.type)).toEqual(['recorded', 'reservation']);
			});

			it('tops up a backordered order when stock arrives, and takes from the location that can fill the line', async () => {
				await store.upsertStockLevels([{ sku: 'A', location: 'east', onHand: 1 }, { sku: 'A', location: 'west', onHand: 2 }]);
				const [r] = await store.reserve([{ omsId: 'o:1', allowPartial: true, lines: [{ lineId: '1', sku: 'A', quantity: 2 }] }]);
				expect(r.lines[0].parts).toEqual([{ sku: 'A', location: 'west', quantity: 2 }]);
				const [r2] = await store.reserve([{ omsId: 'o:2', allowPartial: true, lines: [{ lineId: '1', sku: 'A', quantity: 3 }] }]);
				expect(r2.lines[0]).toMatchObject({ allocated: 1, backordered: 2 });
				await store.upsertStockLevels([{ sku: 'A', location: 'east', onHand: 5 }]);
				const [same] = await store.reserve([{ omsId: 'o:2', allowPartial: true, lines: [{ lineId: '1', sku: 'A', quantity: 3 }] }]);
				expect(same.changed).toBe(false);
				const [topped] = await store.reserve([{ omsId: 'o:2', allowPartial: true, mode: 'topUp', lines: [{ lineId: '1', sku: 'A', quantity: 3 }] }]);
				expect(topped.changed).toBe(true);
				expect(topped.lines[0]).toMatchObject({ allocated: 3, backordered: 0 });
				const [toppedAgain] = await store.reserve([{ omsId: 'o:2', allowPartial: true, mode: 'topUp', lines: [{ lineId: '1', sku: 'A', quantity: 3 }] }]);
				expect(toppedAgain.changed).toBe(false);
				const reserved = (await store.getStock(['A'])).reduce((s, x) => s + x.reserved, 0);
				expect(reserved).toBe(5);
			});

			it('counts shipped units as allocated when topping up a split order', async () => {
				await store.upsertStockLevels([{ sku: 'A', onHand: 1 }]);
				const line = [{ lineId: '1', sku: 'A', quantity: 3 }];
				const [first] = await store.reserve([{ omsId: 's:1', allowPartial: true, lines: line }]);
				expect(first.lines[0]).toMatchObject({ allocated: 1, backordered: 2 });
				await store.commitShipment('s:1', 'PKG-1', [{ sku: 'A', quantity: 1 }]);
				await store.upsertStockLevels([{ sku: 'A', onHand: 5 }]);
				const [topped] = await store.reserve([{ omsId: 's:1', allowPartial: true, mode: 'topUp', lines: line }]);
				expect(topped.lines[0]).toMatchObject({ requested: 3, allocated: 3, backordered: 0 });
				expect((await store.getStock(['A']))[0]).toMatchObject({ onHand: 5, reserved: 2 });
			});

			it('reserves bundles on their components, from one location', async () => {
				await store.upsertStockLevels([{ sku: 'CUP', onHand: 7 }, { sku: 'LID', onHand: 3 }]);
				await store.setBundle('CUP-SET', [{ sku: 'CUP', quantity: 2 }, { sku: 'LID', quantity: 1 }]);
				expect((await store.getBundles()).get('CUP-SET')).toEqual([{ sku: 'CUP', quantity: 2 }, { sku: 'LID', quantity: 1 }]);
				const [r] = await store.reserve([
					{ omsId: 'b:1', allowPartial: true, lines: [{ lineId: '1', sku: 'CUP-SET', quantity: 4, components: [{ sku: 'CUP', quantity: 2 }, { sku: 'LID', quantity: 1 }] }] },
				]);
				expect(r.lines[0]).toMatchObject({ allocated: 3, backordered: 1 });
				const stock = await store.getStock();
				expect(stock.map((s) => [s.sku, s.reserved])).toEqual([
					['CUP', 6],
					['LID', 3],
				]);
			});

			it('releases and commits shipments: shipped units leave on hand and reserved, once per package', async () => {
				await store.upsertStockLevels([{ sku: 'A', onHand: 10 }, { sku: 'B', onHand: 10 }]);
				await store.reserve([{ omsId: 'o:1', allowPartial: true, lines: [{ lineId: '1', sku: 'A', quantity: 4 }, { lineId: '2', sku: 'B', quantity: 2 }] }]);
				const rel = await store.release('o:1', [{ sku: 'A', quantity: 1 }]);
				expect(rel.released).toEqual([{ sku: 'A', location: 'default', quantity: 1 }]);
				const c1 = await store.commitShipment('o:1', 'PKG-1', [{ sku: 'A', quantity: 3 }]);
				expect(c1).toEqual({ changed: true, committed: [{ sku: 'A', location: 'default', quantity: 3 }] });
				expect((await store.commitShipment('o:1', 'PKG-1', [{ sku: 'A', quantity: 3 }])).changed).toBe(false);
				const stock = await store.getStock();
				expect(stock.map((s) => [s.sku, s.onHand, s.reserved])).toEqual([
					['A', 7, 0],
					['B', 10, 2],
				]);
				expect((await store.activeReservations('o:1')).map((r) => [r.sku, r.quantity])).toEqual([['B', 2]]);
				await store.release('o:1');
				expect(await store.activeReservations('o:1')).toEqual([]);
				expect((await store.getStock(['B']))[0].reserved).toBe(0);
			});

			it('reserves an order named twice in one batch once, and sees stock changed between batches', async () => {
				await store.upsertStockLevels([{ sku: 'TWICE', onHand: 5 }]);
				const req = { omsId: 'd:1', allowPartial: true, lines: [{ lineId: '1', sku: 'TWICE', quantity: 2 }] };
				const [first, second] = await store.reserve([req, { ...req }]);
				expect(first).toMatchObject({ changed: true, lines: [{ allocated: 2 }] });
				expect(second).toMatchObject({ changed: false, lines: [{ allocated: 2 }] });
				expect((await store.getStock(['TWICE']))[0]).toMatchObject({ reserved: 2, atp: 3 });
				// the WMS count drops to 3 between two batches: the next batch reserves against 3, not 5
				await store.upsertStockLevels([{ sku: 'TWICE', onHand: 3 }]);
				const [next] = await store.reserve([{ omsId: 'd:2', allowPartial: true, lines: [{ lineId: '1', sku: 'TWICE', quantity: 3 }] }]);
				expect(next.lines[0]).toMatchObject({ allocated: 1, backordered: 2 });
				expect((await store.getStock(['TWICE']))[0]).toMatchObject({ onHand: 3, reserved: 3, atp: 0 });
			});

			it('reserves two lines of one SKU in one order against the same stock, never past it', async () => {
				await store.upsertStockLevels([{ sku: 'SAME', onHand: 3 }, { sku: 'CUP', onHand: 4 }, { sku: 'LID', onHand: 10 }]);
				const [partial] = await store.reserve([
					{ omsId: 'm:1', allowPartial: true, lines: [{ lineId: '1', sku: 'SAME', quantity: 2 }, { lineId: '2', sku: 'SAME', quantity: 2 }] },
				]);
				expect(partial.lines.map((l) => [l.allocated, l.backordered])).toEqual([
					[2, 0],
					[1, 1],
				]);
				expect((await store.getStock(['SAME']))[0]).toMatchObject({ reserved: 3, atp: 0 });
				// ship complete: the second line is short once the first has taken its units, so nothing is reserved
				const cups = [{ sku: 'CUP', quantity: 2 }];
				const [complete] = await store.reserve([
					{
						omsId: 'm:2',
						allowPartial: false,
						lines: [
							{ lineId: '1', sku: 'CUP', quantity: 3 },
							{ lineId: '2', sku: 'CUP-PAIR', quantity: 1, components: cups },
						],
					},
				]);
				expect(complete.lines.map((l) => l.allocated)).toEqual([0, 0]);
				expect(complete.changed).toBe(false);
				expect((await store.getStock(['CUP']))[0]).toMatchObject({ reserved: 0, atp: 4 });
				expect(await store.activeReservations('m:2')).toEqual([]);
			});

			it('says a repeat order\'s SKUs are known when they have stock rows', async () => {
				await store.upsertStockLevels([{ sku: 'KNOWN', onHand: 3 }]);
				const req = { omsId: 'k:1', allowPartial: true, lines: [{ lineId: '1', sku: 'KNOWN', quantity: 1 }, { lineId: '2', sku: 'NOPE', quantity: 1 }] };
				const [first] = await store.reserve([req]);
				const [again] = await store.reserve([req]);
				expect(again.changed).toBe(false);
				expect(again.lines).toEqual(first.lines);
				expect(again.lines.map((l) => l.unknownSku ?? false)).toEqual([false, true]);
			});

			it('reserves a batch of many orders as each alone would: every order its row, stock and results', async () => {
				await store.upsertStockLevels([{ sku: 'M1', onHand: 500 }, { sku: 'M2', onHand: 60 }, { sku: 'M3', location: 'east', onHand: 40 }, { sku: 'M3', location: 'west', onHand: 40 }]);
				const order = (i: number) => ({
					omsId: `many:${i}`,
					allowPartial: i % 7 !== 0,
					lines: [
						{ lineId: 'a', sku: 'M1', quantity: 1 + (i % 3) },
						{ lineId: 'b', sku: i % 2 ? 'M2' : 'M3', quantity: 1 + (i % 2) },
					],
				});
				await store.reserve([order(0)]);
				// 130 orders (more than one multi-row statement's worth), one of them reserved before and one named twice
				const batch = [...Array.from({ length: 130 }, (_, i) => order(i)), order(5)];
				const results = await store.reserve(batch);
				expect(results).toHaveLength(131);
				expect(results[0].changed).toBe(false);
				expect(results[130]).toMatchObject({ omsId: 'many:5', changed: false, lines: results[5].lines });
				const held = await store.activeReservations();
				const byOrder = new Map<string, number>();
				for (const r of held) byOrder.set(r.omsId, (byOrder.get(r.omsId) ?? 0) + r.quantity);
				for (const r of results.slice(0, 130)) {
					const units = r.lines.reduce((s, l) => s + l.allocated, 0);
					expect(byOrder.get(r.omsId) ?? 0).toBe(units);
				}
				const stock = await store.getStock();
				const reserved = stock.reduce((s, x) => s + x.reserved, 0);
				expect(reserved).toBe(held.reduce((s, r) => s + r.quantity, 0));
				expect(stock.find((s) => s.sku === 'M2')).toMatchObject({ onHand: 60, reserved: 60, atp: 0 });
				// the ship-complete orders that could not be filled hold nothing
				for (const r of results.slice(0, 130)) {
					if (r.lines.some((l) => l.backordered > 0) && Number(r.omsId.split(':')[1]) % 7 === 0) expect(byOrder.get(r.omsId)).toBeUndefined();
				}
			});

			it('never oversells under concurrent reservations in one process', async () => {
				await store.upsertStockLevels([{ sku: 'LAST', onHand: 10 }]);
				const results = await Promise.all(
					Array.from({ length: 40 }, (_, i) =>
						store.reserve([{ omsId: `c:${i}`, allowPartial: true, lines: [{ lineId: '1', sku: 'LAST', quantity: 1 }] }]),
					),
				);
				const allocated = results.flat().reduce((s, r) => s + r.lines[0].allocated, 0);
				expect(allocated).toBe(10);
				expect((await store.getStock(['LAST']))[0]).toMatchObject({ reserved: 10, atp: 0 });
			});
		});

		describe('published quantities, fraud, velocity', () => {
			it('keeps per-channel published quantities', async () => {
				await store.setPublished([{ channel: 'amazon', sku: 'A', quantity: 5 }, { channel: 'ebay', sku: 'A', quantity: 3 }]);
				await store.setPublished([{ channel: 'amazon', sku: 'A', quantity: 4 }]);
				const rows = await store.getPublished();
				expect(rows.map((r) => [r.channel, r.sku, r.quantity])).toEqual([
					['amazon', 'A', 4],
					['ebay', 'A', 3],
				]);
				expect((await store.getPublished('ebay')).length).toBe(1);
				expect((await store.getPublished(undefined, ['Z'])).length).toBe(0);
				// the lean read
				expect(await store.getPublishedQuantities('amazon', ['A', 'Z'])).toEqual([{ channel: 'amazon', sku: 'A', quantity: 4 }]);
				expect((await store.getPublishedQuantities()).map((r) => [r.channel, r.sku, r.quantity]).sort()).toEqual([
					['amazon', 'A', 4],
					['ebay', 'A', 3],
				]);
			});

			it('counts every change of a stock row, and never writes a published quantity computed from older stock', async () => {
				await store.upsertStockLevels([{ sku: 'V', onHand: 10 }]);
				const v0 = (await store.getStock(['V']))[0].version;
				await store.reserve([{ omsId: 'v:1', allowPartial: true, lines: [{ lineId: '1', sku: 'V', quantity: 2 }] }]);
				await store.setSafetyStock('V', 1);
				await store.commitShipment('v:1', 'p1', [{ sku: 'V', quantity: 2 }]);
				expect((await store.getStock(['V']))[0].version).toBe(v0 + 3);
				// two computations race: the newer (basis 7) is written first; the older (basis 5) must not replace it
				expect(await store.setPublished([{ channel: 'ebay', sku: 'V', quantity: 0, basis: 7 }])).toHaveLength(1);
				expect(await store.setPublished([{ channel: 'ebay', sku: 'V', quantity: 5, basis: 5 }, { channel: 'amazon', sku: 'V', quantity: 5, basis: 5 }])).toEqual([
					{ channel: 'amazon', sku: 'V', quantity: 5, basis: 5 },
				]);
				expect((await store.getPublished(undefined, ['V'])).map((r) => [r.channel, r.quantity])).toEqual([
					['amazon', 5],
					['ebay', 0],
				]);
				// the same or a newer basis is written; a row without a basis (a manual correction) always is
				expect(await store.setPublished([{ channel: 'ebay', sku: 'V', quantity: 1, basis: 7 }])).toHaveLength(1);
				expect(await store.setPublished([{ channel: 'ebay', sku: 'V', quantity: 2 }])).toHaveLength(1);
				expect((await store.getPublished('ebay', ['V']))[0].quantity).toBe(2);
			});

			it('records fraud decisions and resolves a review exactly once', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await store.recordFraudDecision(o.omsId, { decision: 'review', score: 55, reasons: [{ rule: 'velocity', points: 55, detail: 'x' }] }, 'v1');
				const first = await store.resolveFraudReview(o.omsId, 'approved', 'ana', 'looks fine');
				expect(first.resolved).toBe(true);
				expect(first.record.resolution).toMatchObject({ decision: 'approved', by: 'ana', note: 'looks fine' });
				const second = await store.resolveFraudReview(o.omsId, 'rejected', 'bob');
				expect(second.resolved).toBe(false);
				expect(second.record.resolution?.decision).toBe('approved');
				expect((await store.getFraudDecision(o.omsId))?.ruleSetVersion).toBe('v1');
				await store.recordFraudDecision('p:1', { decision: 'pass', score: 0, reasons: [] }, 'v1');
				await expect(store.resolveFraudReview('p:1', 'approved', 'ana')).rejects.toThrow(/not held for fraud review/);
			});

			it('counts velocity across channels within a window, per currency', async () => {
				const shared = { email: 'Ring@Example.com', name: 'R', phone: '+1 (555) 010-0000', channelCustomerId: null };
				await store.recordOrder(makeOrder({ channel: 'shopify', channelOrderId: '1', customer: shared, placedAt: '2026-05-01T10:00:00.000Z' }));
				await store.recordOrder(makeOrder({ channel: 'amazon', channelOrderId: '2', customer: shared, placedAt: '2026-05-01T11:00:00.000Z' }));
				await store.recordOrder(
					makeOrder({ channel: 'ebay', channelOrderId: '3', customer: shared, placedAt: '2026-05-01T12:00:00.000Z', currency: 'EUR' }),
				);
				await store.recordOrder(makeOrder({ channel: 'ebay', channelOrderId: '4', customer: shared, placedAt: '2026-04-20T12:00:00.000Z' }));
				const v = await store.velocity({ key: 'email', value: 'ring@example.com', since: '2026-05-01T00:00:00Z', excludeOmsId: 'ebay:3' });
				expect(v.count).toBe(2);
				expect(v.totals).toEqual({ USD: 118 });
				expect(v.channels).toEqual(['amazon', 'shopify']);
				const all = await store.velocity({ key: 'email', value: 'ring@example.com', since: '2026-05-01T00:00:00Z', until: '2026-05-01T12:00:00Z' });
				expect(all.count).toBe(2);
				const none = await store.velocity({ key: 'clientIp', value: '1.2.3.4', since: '2026-01-01T00:00:00Z' });
				expect(none).toEqual({ count: 0, totals: {}, channels: [] });
			});
		});

		describe('WMS outbox and shipments', () => {
			it('enqueues a delivery once per order and shipment, claims due ones with a lease, and records attempts', async () => {
				const a = await store.enqueueDelivery({ omsId: 'o:1', shipmentNo: 1, provider: 'shipbob', reference: 'o:1' });
				expect(a.created).toBe(true);
				const b = await store.enqueueDelivery({ omsId: 'o:1', shipmentNo: 1, provider: 'shipbob', reference: 'o:1' });
				expect(b.created).toBe(false);
				expect(b.delivery.id).toBe(a.delivery.id);
				await store.enqueueDelivery({ omsId: 'o:2', shipmentNo: 1, provider: 'shipbob', reference: 'o:2' });
				const now = '2026-05-01T10:00:00.000Z';
				const claimed = await store.claimDueDeliveries(now, 10, 120);
				expect(claimed.map((d) => d.omsId)).toEqual(['o:1', 'o:2']);
				expect(await store.claimDueDeliveries(now, 10, 120)).toEqual([]);
				const failed = await store.markDeliveryAttemptFailed(claimed[0].id, 'HTTP 503', '2026-05-01T10:01:00.000Z');
				expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503', nextAttemptAt: '2026-05-01T10:01:00.000Z' });
				expect(await store.claimDueDeliveries('2026-05-01T10:00:30.000Z', 10)).toEqual([]);
				const due = await store.claimDueDeliveries('2026-05-01T10:01:00.000Z', 10);
				expect(due.map((d) => d.omsId)).toEqual(['o:1']);
				const sent = await store.markDeliverySent(due[0].id, 'WMS-77');
				expect(sent).toMatchObject({ status: 'sent', attempts: 2, wmsOrderId: 'WMS-77', lastError: null });
				const dead = await store.markDeliveryAttemptFailed(claimed[1].id, 'HTTP 400 bad address', null);
				expect(dead.status).toBe('failed');
				expect((await store.listDeliveries({ status: ['failed'] })).map((d) => d.omsId)).toEqual(['o:2']);
				expect((await store.getDelivery('o:1'))?.wmsOrderId).toBe('WMS-77');
				// a failed attempt leaves the WMS's id as it was
				const again = await store.markDeliveryAttemptFailed(due[0].id, 'late duplicate', null);
				expect(again).toMatchObject({ status: 'failed', wmsOrderId: 'WMS-77', lastError: 'late duplicate' });
				await expect(store.markDeliverySent(987654, 'X')).rejects.toThrow(/No delivery 987654 in the OMS store/);
				await expect(store.markDeliveryAttemptFailed(987654, 'x', null)).rejects.toThrow(/No delivery 987654/);
			});

			it("claims only the named providers' due deliveries when asked", async () => {
				await store.enqueueDelivery({ omsId: 'p:1', shipmentNo: 1, provider: 'shipbob', reference: 'p:1' });
				await store.enqueueDelivery({ omsId: 'p:2', shipmentNo: 1, provider: 'edi', reference: 'p:2' });
				await store.enqueueDelivery({ omsId: 'p:3', shipmentNo: 1, provider: 'shiphero', reference: 'p:3' });
				const now = '2026-05-01T10:00:00.000Z';
				expect((await store.claimDueDeliveries(now, 10, 60, ['shipbob', 'shiphero'])).map((d) => d.omsId)).toEqual(['p:1', 'p:3']);
				expect(await store.claimDueDeliveries(now, 10, 60, ['shipbob'])).toEqual([]);
				expect((await store.claimDueDeliveries(now, 10, 60)).map((d) => d.omsId)).toEqual(['p:2']);
			});

			it('claims one delivery by id once until its lease runs out', async () => {
				const { delivery } = await store.enqueueDelivery({ omsId: 'o:9', shipmentNo: 1, provider: 'extensiv', reference: 'o:9' });
				const now = '2026-05-01T10:00:00.000Z';
				const results = await Promise.all([1, 2, 3].map(() => store.claimDelivery(delivery.id, now, 30)));
				expect(results.filter(Boolean)).toHaveLength(1);
				expect(await store.claimDueDeliveries(now, 10)).toEqual([]);
				expect(await store.claimDelivery(delivery.id, '2026-05-01T10:00:31.000Z', 30)).not.toBeNull();
				await store.markDeliverySent(delivery.id, 'X-1');
				expect(await store.claimDelivery(delivery.id, '2026-05-01T11:00:00.000Z', 30)).toBeNull();
			});

			it('keeps every package of a multi-package order, once each', async () => {
				const base = { omsId: 'o:1', provider: 'shipbob', carrier: 'UPS', trackingUrl: null, shippedAt: '2026-05-02T10:00:00Z' };
				const p1 = await store.recordShipment({ ...base, packageKey: 'P1', trackingNumber: '1Z1', lines: [{ sku: 'A', quantity: 1 }] });
				const p2 = await store.recordShipment({ ...base, packageKey: 'P2', trackingNumber: '1Z2', lines: [{ sku: 'B', quantity: 2 }] });
				const again = await store.recordShipment({ ...base, packageKey: 'P1', trackingNumber: '1Z1', lines: [{ sku: 'A', quantity: 1 }] });
				expect([p1.created, p2.created, again.created]).toEqual([true, true, false]);
				const all = await store.getShipments('o:1');
				expect(all.map((s) => [s.packageKey, s.trackingNumber, s.lines])).toEqual([
					['P1', '1Z1', [{ sku: 'A', quantity: 1 }]],
					['P2', '1Z2', [{ sku: 'B', quantity: 2 }]],
				]);
			});
		});

		describe('channel outbox', () => {
			const confirmation = (omsId: string, packageKey: string, channel = 'shopify') => ({
				kind: 'confirmation' as const,
				channel,
				omsId,
				packageKey,
				payload: { channelOrderId: omsId.split(':')[1], carrier: 'UPS', trackingNumber: `1Z-${packageKey}`, lines: [] },
			});
			const quantity = (sku: string, q: number, basis: number | null = null, channel = 'amazon') => ({ kind: 'quantity' as const, channel, sku, quantity: q, basis });
			const t0 = '2026-05-01T10:00:00.000Z';

			it('queues a confirmation once per channel, order and package, whatever became of the first', async () => {
				const [a, b] = await store.enqueueChannelCalls([confirmation('shopify:1', 'P1'), confirmation('shopify:1', 'P2')]);
				expect([a.outcome, b.outcome]).toEqual(['created', 'created']);
				expect(a.call).toMatchObject({ channel: 'shopify', kind: 'confirmation', omsId: 'shopify:1', packageKey: 'P1', status: 'pending', attempts: 0, version: 1, outcomeUnknown: false });
				expect(a.call.payload).toMatchObject({ trackingNumber: '1Z-P1' });
				const [again] = await store.enqueueChannelCalls([confirmation('shopify:1', 'P1')]);
				expect([again.outcome, again.call.id]).toEqual(['exists', a.call.id]);
				const [claimed] = await store.claimChannelCalls('shopify', t0, { ids: [a.call.id] });
				await store.markChannelCallSent(claimed.id, claimed.version, 'F-1');
				const [afterSent] = await store.enqueueChannelCalls([confirmation('shopify:1', 'P1')]);
				expect([afterSent.outcome, afterSent.call.status, afterSent.call.reference]).toEqual(['exists', 'sent', 'F-1']);
				// the same package on another channel is another call
				expect((await store.enqueueChannelCalls([confirmation('shopify:1', 'P1', 'ebay')]))[0].outcome).toBe('created');
				expect(await store.findChannelCall({ channel: 'shopify', omsId: 'shopify:1', packageKey: 'P1' })).toMatchObject({ id: a.call.id, status: 'sent', sentAt: expect.any(String) });
				expect(await store.findChannelCall({ channel: 'shopify', omsId: 'shopify:1', packageKey: 'P9' })).toBeNull();
			});

			it('a newer quantity push supersedes the owed one; an older basis never overwrites a newer one; the same quantity is not owed twice', async () => {
				const [first] = await store.enqueueChannelCalls([quantity('A', 5, 10)]);
				expect(first.outcome).toBe('created');
				const [same] = await store.enqueueChannelCalls([quantity('A', 5, 11)]);
				expect([same.outcome, same.call.id, same.call.version]).toEqual(['unchanged', first.call.id, 1]);
				const [newer] = await store.enqueueChannelCalls([quantity('A', 3, 12)]);
				expect(newer).toMatchObject({ outcome: 'superseded', call: { id: first.call.id, quantity: 3, basis: 12, version: 2, status: 'pending' } });
				const [older] = await store.enqueueChannelCalls([quantity('A', 9, 11)]);
				expect(older).toMatchObject({ outcome: 'older', call: { quantity: 3, basis: 12, version: 2 } });
				// without a basis, the later push wins
				const [plain] = await store.enqueueChannelCalls([quantity('B', 1), quantity('B', 2)]).then((r) => [r[1]]);
				expect(plain).toMatchObject({ outcome: 'superseded', call: { sku: 'B', quantity: 2 } });
				// the same quantity after it was sent is a new push (a resync sends what the channel may have lost)
				const [sending] = await store.claimChannelCalls('amazon', t0, { ids: [first.call.id] });
				await store.markChannelCallSent(sending.id, sending.version, 'S-1');
				const [resync] = await store.enqueueChannelCalls([quantity('A', 3, 12)]);
				expect(resync).toMatchObject({ outcome: 'superseded', call: { status: 'pending', quantity: 3, version: 3, reference: null, sentAt: null } });
				// a failed push of the same quantity is owed again
				const [claimed] = await store.claimChannelCalls('amazon', t0, { ids: [plain.call.id] });
				const failed = await store.markChannelCallFailed(claimed.id, claimed.version, { error: 'HTTP 400 bad sku', nextAttemptAt: null });
				expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 400 bad sku' });
				const [retried] = await store.enqueueChannelCalls([quantity('B', 2)]);
				expect(retried).toMatchObject({ outcome: 'superseded', call: { status: 'pending', attempts: 0, lastError: null, version: 3 } });
			});

			it('a push superseded while in flight: the old attempt is not recorded on the new one, which is sent once the lease is released', async () => {
				const [q] = await store.enqueueChannelCalls([quantity('S', 4, 1)]);
				const [inFlight] = await store.claimChannelCalls('amazon', t0, { leaseSeconds: 60 });
				expect(inFlight).toMatchObject({ id: q.call.id, status: 'sending', leaseUntil: '2026-05-01T10:01:00.000Z' });
				const [newer] = await store.enqueueChannelCalls([quantity('S', 2, 2)]);
				expect(newer.outcome).toBe('superseded');
				// the newer push waits for the call in flight (no two pushes of one SKU out at once)
				expect(await store.claimChannelCalls('amazon', t0)).toEqual([]);
				const after = await store.markChannelCallSent(inFlight.id, inFlight.version, 'SUB-1');
				expect(after).toMatchObject({ status: 'pending', quantity: 2, attempts: 0, leaseUntil: null, reference: null });
				const [next] = await store.claimChannelCalls('amazon', t0);
				expect([next.quantity, next.version]).toEqual([2, 2]);
				expect(await store.markChannelCallSent(next.id, next.version, 'SUB-2')).toMatchObject({ status: 'sent', attempts: 1, reference: 'SUB-2' });
			});

			it("claims only that channel's due calls under a lease, confirmations first and lowest quantities first; retries with backoff; fails for good", async () => {
				await store.enqueueChannelCalls([quantity('HI', 50), quantity('LOW', 1), quantity('MID', 7), confirmation('amazon:1', 'P', 'amazon'), quantity('X', 0, null, 'ebay')]);
				const claimed = await store.claimChannelCalls('amazon', t0, { limit: 3, leaseSeconds: 3600 });
				expect(claimed.map((c) => c.sku ?? c.packageKey)).toEqual(['P', 'LOW', 'MID']);
				expect(claimed.every((c) => c.status === 'sending')).toBe(true);
				expect((await store.claimChannelCalls('amazon', t0, { leaseSeconds: 3600 })).map((c) => c.sku)).toEqual(['HI']);
				expect(await store.claimChannelCalls('amazon', t0)).toEqual([]);
				const retry = await store.markChannelCallFailed(claimed[0].id, claimed[0].version, { error: 'HTTP 503', nextAttemptAt: '2026-05-01T10:05:00.000Z' });
				expect(retry).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503', nextAttemptAt: '2026-05-01T10:05:00.000Z', leaseUntil: null, outcomeUnknown: false });
				expect(await store.claimChannelCalls('amazon', '2026-05-01T10:04:59.000Z')).toEqual([]);
				const [due, ...others] = await store.claimChannelCalls('amazon', '2026-05-01T10:05:00.000Z');
				expect(others).toEqual([]);
				expect(due.id).toBe(claimed[0].id);
				const dead = await store.markChannelCallFailed(due.id, due.version, { error: 'HTTP 400 no such order', nextAttemptAt: null });
				expect(dead).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: null });
				expect((await store.listChannelCalls({ status: ['failed'] })).map((c) => c.id)).toEqual([due.id]);
				expect((await store.listChannelCalls({ channel: 'ebay' })).map((c) => c.sku)).toEqual(['X']);
				expect((await store.listChannelCalls({ channel: 'amazon', kind: 'quantity', status: ['sending'] })).map((c) => c.sku)).toEqual(['HI', 'LOW', 'MID']);
				await expect(store.markChannelCallSent(987654, 1, null)).rejects.toThrow(/No channel call 987654 in the OMS store/);
			});

			it('a call whose sender died mid-call is claimed again when its lease runs out, with its outcome unknown', async () => {
				const [c] = await store.enqueueChannelCalls([confirmation('walmart:7', 'P', 'walmart')]);
				const results = await Promise.all([1, 2, 3].map(() => store.claimChannelCalls('walmart', t0, { leaseSeconds: 30 })));
				expect(results.flat()).toHaveLength(1);
				expect(results.flat()[0].outcomeUnknown).toBe(false);
				expect(await store.claimChannelCalls('walmart', '2026-05-01T10:00:29.000Z')).toEqual([]);
				const [again] = await store.claimChannelCalls('walmart', '2026-05-01T10:00:30.000Z');
				expect(again).toMatchObject({ id: c.call.id, status: 'sending', outcomeUnknown: true });
				// a failed attempt keeps what the flow says about the outcome; a sent one clears it
				const failed = await store.markChannelCallFailed(again.id, again.version, { error: 'ETIMEDOUT', nextAttemptAt: '2026-05-01T10:01:00.000Z', outcomeUnknown: true });
				expect(failed.outcomeUnknown).toBe(true);
				const [third] = await store.claimChannelCalls('walmart', '2026-05-01T10:01:00.000Z');
				expect((await store.markChannelCallSent(third.id, third.version, null)).outcomeUnknown).toBe(false);
			});

			it('a failed call is queued again once, due now with its attempts afresh, with who and why on its order in the same transaction', async () => {
				const o = makeOrder({ channel: 'walmart', channelOrderId: 'RQ1' });
				await store.recordOrder(o);
				const [c] = await store.enqueueChannelCalls([confirmation(o.omsId, 'P', 'walmart'), quantity('RQ-SKU', 4, null, 'walmart')]);
				const [claimed] = await store.claimChannelCalls('walmart', t0, { ids: [c.call.id] });
				await store.markChannelCallFailed(claimed.id, claimed.version, { error: 'ETIMEDOUT', nextAttemptAt: '2026-05-01T10:01:00.000Z', outcomeUnknown: true });
				const [again] = await store.claimChannelCalls('walmart', '2026-05-01T10:01:00.000Z', { ids: [c.call.id] });
				const failed = await store.markChannelCallFailed(again.id, again.version, { error: 'HTTP 400 bad carrier', nextAttemptAt: null });
				expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
				// not failed: nothing moves, no event
				const [q] = await store.listChannelCalls({ channel: 'walmart', kind: 'quantity' });
				expect(await store.requeueChannelCall(q.id, { by: 'ops', note: null })).toMatchObject({ requeued: false, call: { id: q.id, status: 'pending' } });
				const before = (await store.timeline(o.omsId)).length;
				const r = await store.requeueChannelCall(c.call.id, { by: 'Dana', note: 'carrier fixed' });
				expect(r).toMatchObject({ requeued: true, call: { status: 'pending', attempts: 0, nextAttemptAt: null, leaseUntil: null, lastError: 'HTTP 400 bad carrier', outcomeUnknown: false, version: 1 } });
				const events = await store.timeline(o.omsId);
				expect(events).toHaveLength(before + 1);
				expect(events[events.length - 1]).toMatchObject({ type: 'channel', cause: 'Dana', detail: { outcome: 'resend', callId: c.call.id, note: 'carrier fixed', failure: 'HTTP 400 bad carrier', attemptsBefore: 2 } });
				// due now; a second resend (two people at once) queues nothing twice and writes no event
				const again2 = await store.requeueChannelCall(c.call.id, { by: 'Lee', note: null });
				expect(again2.requeued).toBe(false);
				expect(await store.timeline(o.omsId)).toHaveLength(before + 1);
				expect((await store.claimChannelCalls('walmart', t0, { ids: [c.call.id] })).map((x) => x.id)).toEqual([c.call.id]);
				await expect(store.requeueChannelCall(987654, { by: 'ops', note: null })).rejects.toThrow(/No channel call 987654 in the OMS store/);
				// the order filter of listChannelCalls
				expect((await store.listChannelCalls({ omsId: o.omsId })).map((x) => x.id)).toEqual([c.call.id]);
				expect(await store.listChannelCalls({ omsId: 'walmart:none' })).toEqual([]);
			});

			it('a failed call whose outcome is unknown keeps it when queued again (the resend asks the channel first); a quantity push has no order to write to', async () => {
				const [c, q] = await store.enqueueChannelCalls([confirmation('ebay:9', 'P', 'ebay'), quantity('RQ-Q', 2, 1, 'ebay')]);
				for (const call of [c.call, q.call]) {
					const [claimed] = await store.claimChannelCalls('ebay', t0, { ids: [call.id] });
					await store.markChannelCallFailed(claimed.id, claimed.version, { error: 'ECONNRESET', nextAttemptAt: null, outcomeUnknown: true });
				}
				expect(await store.requeueChannelCall(c.call.id, { by: 'ops', note: null })).toMatchObject({ requeued: true, call: { status: 'pending', outcomeUnknown: true } });
				expect(await store.requeueChannelCall(q.call.id, { by: 'ops', note: null })).toMatchObject({ requeued: true, call: { status: 'pending', sku: 'RQ-Q', attempts: 0 } });
			});

			it('queues an acknowledgement once per channel and order, whatever became of the first; claims it before confirmations; a resend writes who and why on its order', async () => {
				const ack = (omsId: string, channel = 'walmart') => ({ kind: 'acknowledgement' as const, channel, omsId, payload: { channelOrderId: omsId.split(':')[1] } });
				const o = makeOrder({ channel: 'walmart', channelOrderId: 'AK1' });
				await store.recordOrder(o);
				await store.enqueueChannelCalls([quantity('AK-SKU', 0, null, 'walmart'), confirmation(o.omsId, 'P', 'walmart')]);
				const [a, b, twice] = await store.enqueueChannelCalls([ack(o.omsId), ack('walmart:AK2'), ack(o.omsId)]);
				expect([a.outcome, b.outcome, twice.outcome]).toEqual(['created', 'created', 'exists']);
				expect(twice.call.id).toBe(a.call.id);
				expect(a.call).toMatchObject({ channel: 'walmart', kind: 'acknowledgement', omsId: o.omsId, packageKey: null, sku: null, status: 'pending', payload: { channelOrderId: 'AK1' } });
				// the same order's confirmation is another call; another channel's acknowledgement of that id too
				expect((await store.enqueueChannelCalls([ack(o.omsId, 'shopify')]))[0].outcome).toBe('created');
				// acknowledgements first (Walmart ships nothing on a line still Created), then confirmations, then quantities
				const claimed = await store.claimChannelCalls('walmart', t0, { leaseSeconds: 3600 });
				expect(claimed.map((c) => c.kind)).toEqual(['acknowledgement', 'acknowledgement', 'confirmation', 'quantity']);
				const failed = await store.markChannelCallFailed(claimed[0].id, claimed[0].version, { error: 'HTTP 400 bad order', nextAttemptAt: null });
				expect(failed).toMatchObject({ id: a.call.id, status: 'failed' });
				const [after] = await store.enqueueChannelCalls([ack(o.omsId)]);
				expect([after.outcome, after.call.status]).toEqual(['exists', 'failed']);
				expect((await store.listChannelCalls({ channel: 'walmart', omsId: o.omsId })).map((c) => c.kind).sort()).toEqual(['acknowledgement', 'confirmation']);
				const before = (await store.timeline(o.omsId)).length;
				expect(await store.requeueChannelCall(a.call.id, { by: 'Dana', note: 'order fixed' })).toMatchObject({ requeued: true, call: { status: 'pending', attempts: 0 } });
				const events = await store.timeline(o.omsId);
				expect(events).toHaveLength(before + 1);
				expect(events[events.length - 1]).toMatchObject({ type: 'channel', cause: 'Dana', detail: { call: 'acknowledgement', outcome: 'resend', callId: a.call.id, failure: 'HTTP 400 bad order' } });
				expect(events[events.length - 1].detail).not.toHaveProperty('packageKey');
				await expect(store.enqueueChannelCalls([{ ...ack('walmart:AK3'), payload: { channelOrderId: '' } }])).rejects.toThrow(/acknowledgement of walmart:AK3\): payload\.channelOrderId must be a non-empty string/);
				await expect(store.enqueueChannelCalls([ack('')])).rejects.toThrow(/omsId must be a non-empty string/);
			});

			it('queues an answer to a buyer\'s cancel request once per channel and order; claims it after acknowledgements, before confirmations', async () => {
				const answer = (omsId: string, decision: 'approve' | 'reject', channel = 'ebay') => ({ kind: 'cancel_answer' as const, channel, omsId, payload: { channelOrderId: omsId.split(':')[1], requestId: null, decision } });
				const o = makeOrder({ channel: 'ebay', channelOrderId: 'CA1' });
				await store.recordOrder(o);
				await store.enqueueChannelCalls([quantity('CA-SKU', 0, null, 'ebay'), confirmation('ebay:CA0', 'P', 'ebay'), { kind: 'acknowledgement', channel: 'ebay', omsId: 'ebay:CA0', payload: { channelOrderId: 'CA0' } }]);
				const [a, twice] = await store.enqueueChannelCalls([answer(o.omsId, 'approve'), answer(o.omsId, 'reject')]);
				expect([a.outcome, twice.outcome, twice.call.id]).toEqual(['created', 'exists', a.call.id]);
				expect(a.call).toMatchObject({ channel: 'ebay', kind: 'cancel_answer', omsId: o.omsId, packageKey: null, sku: null, status: 'pending', payload: { channelOrderId: 'CA1', requestId: null, decision: 'approve' } });
				const claimed = await store.claimChannelCalls('ebay', t0, { leaseSeconds: 3600 });
				expect(claimed.map((c) => c.kind)).toEqual(['acknowledgement', 'cancel_answer', 'confirmation', 'quantity']);
				await expect(store.enqueueChannelCalls([{ ...answer('ebay:CA2', 'approve'), payload: { channelOrderId: 'CA2', requestId: '', decision: 'approve' } }])).rejects.toThrow(/cancel answer of ebay:CA2\): payload\.requestId must be a non-empty string or null/);
				expect(await store.listChannelCalls({ omsId: 'ebay:CA2' })).toEqual([]);
			});

			it('queues a refund once per channel and return (two returns of one order: two calls); claims it after cancel answers, before confirmations', async () => {
				const refund = (returnId: string, totalMinor = 1000) => ({
					kind: 'refund' as const,
					channel: 'ebay',
					omsId: 'ebay:RF1',
					payload: { returnId, channelOrderId: 'RF1', channelReturnId: returnId.split(':')[1], currency: 'USD', lines: [{ lineId: '1', quantity: 1, amountMinor: totalMinor, taxMinor: 0, restockingFeeMinor: 0 }], shippingMinor: 0, returnShippingFeeMinor: 0, totalMinor, reason: 'r' },
				});
				await store.enqueueChannelCalls([quantity('RF-SKU', 0, null, 'ebay'), confirmation('ebay:RF0', 'P', 'ebay'), { kind: 'cancel_answer', channel: 'ebay', omsId: 'ebay:RF0', payload: { channelOrderId: 'RF0', requestId: null, decision: 'approve' } }]);
				const [a, twice, other] = await store.enqueueChannelCalls([refund('ebay:R1'), refund('ebay:R1', 500), refund('ebay:R2')]);
				expect([a.outcome, twice.outcome, twice.call.id, other.outcome]).toEqual(['created', 'exists', a.call.id, 'created']);
				expect(twice.call.payload).toMatchObject({ totalMinor: 1000 });
				expect(a.call).toMatchObject({ channel: 'ebay', kind: 'refund', omsId: 'ebay:RF1', packageKey: null, sku: null, status: 'pending', payload: { returnId: 'ebay:R1' } });
				const claimed = await store.claimChannelCalls('ebay', t0, { leaseSeconds: 3600 });
				expect(claimed.map((c) => c.kind)).toEqual(['cancel_answer', 'refund', 'refund', 'confirmation', 'quantity']);
				await expect(store.enqueueChannelCalls([{ ...refund('ebay:R3'), payload: { ...refund('ebay:R3').payload, currency: '' } }])).rejects.toThrow(/refund of return ebay:R3\): payload\.currency must be a non-empty string/);
				expect((await store.listChannelCalls({ kind: 'refund' })).length).toBe(2);
			});

			it('refuses bad calls naming the field, writing none of the batch; keeps error text storable', async () => {
				await expect(store.enqueueChannelCalls([quantity('OK', 1), quantity('BAD', -1)])).rejects.toThrow(/quantity of BAD.*quantity must be a whole number/);
				await expect(store.enqueueChannelCalls([{ ...confirmation('shopify:2', 'P'), packageKey: '' }])).rejects.toThrow(/packageKey must be a non-empty string/);
				await expect(store.enqueueChannelCalls([quantity('A\u0000B', 1)])).rejects.toThrow(/sku/);
				expect(await store.listChannelCalls()).toEqual([]);
				const [q] = await store.enqueueChannelCalls([quantity('OK', 1)]);
				const [c] = await store.claimChannelCalls('amazon', t0);
				expect((await store.markChannelCallFailed(c.id, c.version, { error: 'HTTP 500: bad\u0000body', nextAttemptAt: null })).lastError).toBe('HTTP 500: badbody');
				expect(q.call.id).toBe(c.id);
			});
		});

		describe('transitions (one transaction with their side effects)', () => {
			const review = { decision: 'review' as const, score: 55, reasons: [{ rule: 'velocity', points: 55, detail: 'x' }] };
			const types = async (omsId: string) => (await store.timeline(omsId)).map((e) => e.type);
			/** An order of `quantity` units of `sku` (stocked `onHand`), recorded and reserved */
			const reservedOrder = async (sku: string, onHand: number, quantity: number) => {
				await store.upsertStockLevels([{ sku, onHand }]);
				const o = makeOrder({ lines: [{ lineId: '1', sku, title: null, quantity, unitPrice: 1, lineTotal: quantity }] });
				await store.recordOrder(o);
				await store.reserve([{ omsId: o.omsId, allowPartial: true, lines: [{ lineId: '1', sku, quantity }] }]);
				return o;
			};
			const sendToWms = async (omsId: string) => {
				await store.transition(omsId, { to: 'ready', cause: 'allocated' });
				await store.transition(omsId, { to: 'at_wms', cause: 'sent_to_wms' });
			};

			it('a failed delivery holds its ready order (wms_failed) in the same transaction; release re-queues it with the move only', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
				const { delivery } = await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: 1, provider: 'shipbob', reference: o.omsId });
				const hold = { reason: 'wms_failed' as const, since: '2026-05-01T15:00:00.000Z', detail: '422: City is required' };
				const failed = await store.transition(o.omsId, { to: 'on_hold', cause: 'wms_failed', hold, delivery: { id: delivery.id, failed: { error: '422: City is required', nextAttemptAt: null } } });
				expect(failed).toMatchObject({ changed: true, to: 'on_hold', delivery: { status: 'failed', attempts: 1, lastError: '422: City is required' }, stored: { hold } });
				// another order's delivery in the request: an error, and nothing of it is written
				const other = makeOrder();
				await store.recordOrder(other);
				await expect(store.transition(other.omsId, { to: 'ready', cause: 'operator_status', requeue: [delivery.id] })).rejects.toThrow(/belongs to/);
				expect((await store.getOrder(other.omsId))!.status).toBe('received');
				expect((await store.getDelivery(o.omsId, 1))!.status).toBe('failed');
				// released: ready, the delivery pending again with its attempts afresh, in one transaction
				const released = await store.transition(o.omsId, { to: 'ready', cause: 'wms_released', hold: null, onlyFrom: ['on_hold'], requeue: [delivery.id] });
				expect(released).toMatchObject({ changed: true, stored: { status: 'ready', hold: null } });
				expect(released.requeued!.map((d) => [d.id, d.status, d.attempts, d.lastError])).toEqual([[delivery.id, 'pending', 0, '422: City is required']]);
				// a repeat moves nothing and re-queues nothing (the delivery is pending, not failed, and the status did not move)
				const repeat = await store.transition(o.omsId, { to: 'ready', cause: 'wms_released', hold: null, onlyFrom: ['on_hold'], requeue: [delivery.id] });
				expect(repeat).toMatchObject({ changed: false });
				expect(repeat.requeued).toBeUndefined();
				// the table: only an order held for a failed delivery is released this way
				await store.transition(o.omsId, { to: 'on_hold', cause: 'operator_status', hold: { ...hold, reason: 'address' } });
				expect((await store.transition(o.omsId, { to: 'ready', cause: 'wms_released', requeue: [delivery.id] })).refused).toBe('not_allowed');
			});

			it('moves the status as the table allows, naming the cause and who; a move it does not allow changes nothing', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				const hold = { reason: 'fraud_review' as const, since: '2026-05-01T15:00:00.000Z', detail: 'score 55' };
				const r = await store.transition(o.omsId, { to: 'fraud_review', cause: 'fraud_review', by: 'Fraud Gate (Screen)', hold, detail: { score: 55 } });
				expect(r).toMatchObject({ changed: true, from: 'received', to: 'fraud_review', released: [] });
				expect(r.refused).toBeUndefined();
				expect(r.stored).toMatchObject({ status: 'fraud_review', hold });
				const [, status] = await store.timeline(o.omsId);
				expect(status).toMatchObject({ type: 'status', fromStatus: 'received', toStatus: 'fraud_review', cause: 'Fraud Gate (Screen)', detail: { score: 55, transition: 'fraud_review', hold: 'fraud_review' } });

				// fraud_review -> ready is no row of the table: refused, the order as it was, no event
				const refused = await store.transition(o.omsId, { to: 'ready', cause: 'allocated', by: 'Route' });
				expect(refused).toMatchObject({ changed: false, from: 'fraud_review', to: 'ready', refused: 'not_allowed' });
				expect(refused.stored).toEqual(r.stored);
				// onlyFrom narrows what the table allows
				const narrowed = await store.transition(o.omsId, { to: 'rejected', cause: 'fraud_reject', onlyFrom: ['received'] });
				expect(narrowed).toMatchObject({ changed: false, refused: 'only_from' });
				// already there with the same hold: unchanged, not refused
				const again = await store.transition(o.omsId, { to: 'fraud_review', cause: 'fraud_review', hold });
				expect([again.changed, again.refused]).toEqual([false, undefined]);
				expect(await types(o.omsId)).toEqual(['recorded', 'status']);
				// a paid channel releases only an order held for payment (the table's hold guard)
				await store.transition(o.omsId, { to: 'on_hold', cause: 'operator_status', hold: { reason: 'operator', since: hold.since, detail: null } });
				expect((await store.transition(o.omsId, { to: 'received', cause: 'channel_paid' })).refused).toBe('not_allowed');
			});

			it('lets exactly one of two racing moves from one status through', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await store.transition(o.omsId, { to: 'fraud_review', cause: 'fraud_review' });
				const [a, b] = await Promise.all([
					store.transition(o.omsId, { to: 'received', cause: 'review_approved', by: 'ana' }),
					store.transition(o.omsId, { to: 'rejected', cause: 'review_rejected', by: 'bob' }),
				]);
				expect([a.changed, b.changed].filter(Boolean)).toHaveLength(1);
				const loser = a.changed ? b : a;
				expect(loser.refused).toBe('not_allowed');
				expect(loser.stored.status).toBe((a.changed ? a : b).to);
				expect((await types(o.omsId)).filter((t) => t === 'status')).toHaveLength(2);
			});

			it('screens: the annotation and the decision with the status, in that order; both kept when the move is refused', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				const r = await store.transition(o.omsId, {
					to: 'fraud_review',
					cause: 'fraud_review',
					by: 'screen',
					fraudDecision: { fraud: review, ruleSetVersion: 'v1' },
					annotate: [{ key: 'fraud', value: review }],
				});
				expect(r.fraud).toMatchObject({ omsId: o.omsId, ruleSetVersion: 'v1', resolution: null });
				expect(r.stored.order.fraud).toEqual(review);
				expect(await types(o.omsId)).toEqual(['recorded', 'fraud', 'status']);
				// a ready order is screened again: the evidence is recorded, the status stays
				const p = makeOrder();
				await store.recordOrder(p);
				await store.transition(p.omsId, { to: 'ready', cause: 'allocated' });
				const late = await store.transition(p.omsId, { to: 'fraud_review', cause: 'fraud_review', fraudDecision: { fraud: review, ruleSetVersion: 'v2' }, annotate: [{ key: 'fraud', value: review }] });
				expect([late.changed, late.refused, late.stored.status]).toEqual([false, 'not_allowed', 'ready']);
				expect((await store.getFraudDecision(p.omsId))?.ruleSetVersion).toBe('v2');
				expect(late.stored.order.fraud).toEqual(review);
				// no `to`: only the side effects
				const only = await store.transition(p.omsId, { annotate: [{ key: 'fraud', value: { ...review, score: 60 } }] });
				expect([only.changed, only.from, only.to, only.stored.order.fraud?.score]).toEqual([false, 'ready', 'ready', 60]);
			});

			it('resolves a review once with its status move; the second resolution writes nothing', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await store.transition(o.omsId, { to: 'fraud_review', cause: 'fraud_review', fraudDecision: { fraud: review, ruleSetVersion: 'v1' } });
				const approve = (by: string) => ({
					to: 'received' as const,
					cause: 'review_approved' as const,
					by,
					hold: null,
					resolveReview: { decision: 'approved' as const, by, note: 'known customer' },
					annotate: [{ key: 'fraud' as const, update: (current: unknown) => ({ ...(current as object), resolved: true }) }],
				});
				const first = await store.transition(o.omsId, approve('ana'));
				expect(first.review).toMatchObject({ resolved: true, record: { resolution: { decision: 'approved', by: 'ana', note: 'known customer' } } });
				expect([first.changed, first.stored.status, first.stored.hold]).toEqual([true, 'received', null]);
				const before = await store.timeline(o.omsId);
				const second = await store.transition(o.omsId, approve('bob'));
				expect(second.review).toMatchObject({ resolved: false, record: { resolution: { by: 'ana' } } });
				expect(second.changed).toBe(false);
				expect(await store.timeline(o.omsId)).toEqual(before);
			});

			it('an annotation update sees what the earlier steps gave: the resolution just recorded, with its time', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await store.transition(o.omsId, { to: 'fraud_review', cause: 'fraud_review', fraudDecision: { fraud: review, ruleSetVersion: 'v1' } });
				const r = await store.transition(o.omsId, {
					to: 'rejected',
					cause: 'review_rejected',
					by: 'ana',
					hold: null,
					resolveReview: { decision: 'rejected', by: 'ana', note: null },
					annotate: [{ key: 'fraud', update: (_current, _stored, soFar) => ({ ...soFar.review!.record.fraud, resolution: soFar.review!.record.resolution }) }],
				});
				const resolution = r.review!.record.resolution!;
				expect(resolution).toMatchObject({ decision: 'rejected', by: 'ana' });
				expect(r.stored.order.fraud).toEqual({ ...review, resolution });
				expect((await store.getFraudDecision(o.omsId))!.resolution).toEqual(resolution);
			});

			it('releases reservations with a cancel, only when the order ends in the status asked for', async () => {
				const o = await reservedOrder('T1', 5, 3);
				await sendToWms(o.omsId);
				// the warehouse has it: an operator's cancel is refused, and its release does not happen
				const refused = await store.transition(o.omsId, { to: 'cancelled', cause: 'operator_cancel', release: true });
				expect([refused.changed, refused.refused, refused.released]).toEqual([false, 'not_allowed', []]);
				expect((await store.getStock(['T1']))[0].reserved).toBe(3);
				// the WMS cancels it: status and release together
				const cancelled = await store.transition(o.omsId, { to: 'cancelled', cause: 'wms_cancelled', by: 'wms', release: true });
				expect(cancelled.changed).toBe(true);
				expect(cancelled.released).toEqual([{ sku: 'T1', location: 'default', quantity: 3 }]);
				expect((await store.getStock(['T1']))[0]).toMatchObject({ reserved: 0, atp: 5 });
				expect((await types(o.omsId)).slice(-2)).toEqual(['status', 'release']);
			});

			it('queues a delivery once with the move to at_wms; the annotation that follows the move comes after it', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
				const send = {
					to: 'at_wms' as const,
					cause: 'sent_to_wms' as const,
					by: 'edi',
					enqueue: { shipmentNo: 1, provider: 'edi', reference: o.omsId, payload: { set: '940' } },
					annotate: [{ key: 'wms' as const, afterStatus: true, update: (current: unknown, stored: { status: string }) => ({ ...((current as object) ?? {}), status: stored.status }) }],
				};
				const first = await store.transition(o.omsId, send);
				expect(first.enqueued).toMatchObject({ created: true, delivery: { status: 'pending', provider: 'edi', payload: { set: '940' } } });
				expect([first.changed, first.stored.status, first.stored.order.wms]).toEqual([true, 'at_wms', { status: 'at_wms' }]);
				expect((await types(o.omsId)).slice(-2)).toEqual(['status', 'wms']);
				const before = await store.timeline(o.omsId);
				const second = await store.transition(o.omsId, send);
				expect([second.enqueued?.created, second.enqueued?.delivery.id, second.changed]).toEqual([false, first.enqueued!.delivery.id, false]);
				expect(await store.timeline(o.omsId)).toEqual(before);
			});

			it('queues a delivery already sent (one that waits for no answer) with the move, once', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
				const send = {
					to: 'at_wms' as const,
					cause: 'sent_to_wms' as const,
					enqueue: { shipmentNo: 1, provider: 'edi', reference: o.omsId, payload: { set: '940' }, sent: { wmsOrderId: '1/1/1' } },
				};
				const first = await store.transition(o.omsId, send);
				expect(first.enqueued).toMatchObject({ created: true, delivery: { status: 'sent', wmsOrderId: '1/1/1', attempts: 1, nextAttemptAt: null } });
				expect(await store.getDelivery(o.omsId, 1)).toMatchObject({ status: 'sent', wmsOrderId: '1/1/1', attempts: 1 });
				expect([first.changed, first.stored.status]).toEqual([true, 'at_wms']);
				const second = await store.transition(o.omsId, send);
				expect([second.enqueued?.created, second.enqueued?.delivery.attempts, second.changed]).toEqual([false, 1, false]);
			});

			it('records a send attempt with the move; an update that leaves the annotation writes no event', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
				const { delivery } = await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: 1, provider: 'shipbob', reference: o.omsId });
				const r = await store.transition(o.omsId, {
					to: 'at_wms',
					cause: 'sent_to_wms',
					delivery: { id: delivery.id, sent: { wmsOrderId: 'SB-1' } },
					annotate: [{ key: 'wms', afterStatus: true, update: () => undefined }],
				});
				expect(r.delivery).toMatchObject({ status: 'sent', attempts: 1, wmsOrderId: 'SB-1' });
				expect([r.changed, r.stored.order.wms]).toEqual([true, undefined]);
				expect((await types(o.omsId)).slice(-1)).toEqual(['status']);
				const failed = await store.transition(o.omsId, { delivery: { id: delivery.id, failed: { error: 'HTTP 503', nextAttemptAt: '2026-05-01T16:00:00.000Z' } }, events: [{ type: 'wms', detail: { error: 'HTTP 503' } }] });
				expect(failed.delivery).toMatchObject({ status: 'pending', attempts: 2, lastError: 'HTTP 503', wmsOrderId: 'SB-1' });
				expect((await store.timeline(o.omsId)).slice(-1)[0]).toMatchObject({ type: 'wms', detail: { error: 'HTTP 503' } });
			});

			it('applies shipped packages once: recorded, committed, annotated and moved, in one call', async () => {
				const o = await reservedOrder('T2', 10, 2);
				await sendToWms(o.omsId);
				const pkg = { packageKey: 'P1', provider: 'shipbob', carrier: 'UPS', trackingNumber: '1Z', trackingUrl: null, shippedAt: '2026-05-02T10:00:00Z', lines: [{ sku: 'T2', quantity: 2 }] };
				const update = { to: 'shipped' as const, cause: 'wms_progress' as const, by: 'wms', shipments: [pkg], annotate: [{ key: 'wms' as const, value: { status: 'shipped' } }] };
				const r = await store.transition(o.omsId, update);
				expect(r.shipments?.created.map((s) => [s.packageKey, s.shippedAt])).toEqual([['P1', '2026-05-02T10:00:00.000Z']]);
				expect(r.shipments?.committed).toEqual([{ sku: 'T2', location: 'default', quantity: 2 }]);
				expect([r.changed, r.stored.status]).toEqual([true, 'shipped']);
				expect((await store.getStock(['T2']))[0]).toMatchObject({ onHand: 8, reserved: 0 });
				expect((await types(o.omsId)).slice(-3)).toEqual(['commit', 'wms', 'status']);
				// the same update again: nothing recorded or committed twice, no move
				const again = await store.transition(o.omsId, update);
				expect([again.shipments, again.changed]).toEqual([{ created: [], committed: [] }, false]);
				expect((await store.getStock(['T2']))[0]).toMatchObject({ onHand: 8, reserved: 0 });
			});

			it('writes nothing at all when a side effect fails: the status, events, annotations and reservations stay', async () => {
				const o = await reservedOrder('T3', 4, 4);
				const before = { order: await store.getOrder(o.omsId), timeline: await store.timeline(o.omsId), stock: await store.getStock(['T3']) };
				const unchanged = async () => {
					expect(await store.getOrder(o.omsId)).toEqual(before.order);
					expect(await store.timeline(o.omsId)).toEqual(before.timeline);
					expect(await store.getStock(['T3'])).toEqual(before.stock);
					expect(await store.activeReservations(o.omsId)).toEqual([{ omsId: o.omsId, lineId: '1', sku: 'T3', location: 'default', quantity: 4 }]);
				};
				// the last side effect throws after the status moved and the stock was released
				await expect(
					store.transition(o.omsId, {
						to: 'cancelled',
						cause: 'operator_cancel',
						release: true,
						annotate: [
							{ key: 'allocation', value: { status: 'backordered', lines: [] } },
							{ key: 'wms', afterStatus: true, update: () => { throw new Error('annotation failed'); } },
						],
					}),
				).rejects.toThrow('annotation failed');
				await unchanged();
				// a review to resolve that is not there
				await expect(store.transition(o.omsId, { to: 'received', cause: 'review_approved', resolveReview: { decision: 'approved', by: 'ana' } })).rejects.toThrow(/no fraud decision to resolve/);
				// another order's delivery
				const { delivery } = await store.enqueueDelivery({ omsId: 'other:1', shipmentNo: 1, provider: 'shipbob', reference: 'other:1' });
				await expect(store.transition(o.omsId, { to: 'cancelled', cause: 'operator_cancel', delivery: { id: delivery.id, sent: { wmsOrderId: null } } })).rejects.toThrow(/belongs to other:1/);
				expect((await store.getDelivery('other:1'))?.status).toBe('pending');
				await unchanged();
			});

			it('refuses a request it cannot apply as asked, naming what is wrong', async () => {
				const o = makeOrder();
				await store.recordOrder(o);
				await expect(store.transition(o.omsId, { to: 'ready' })).rejects.toThrow(/move to ready needs its cause/);
				await expect(store.transition(o.omsId, { to: 'ready', cause: 'because' as never })).rejects.toThrow(/unknown cause "because"/);
				await expect(store.transition(o.omsId, { cause: 'allocated' })).rejects.toThrow(/names a status move/);
				await expect(store.transition('shopify:missing', { to: 'ready', cause: 'allocated' })).rejects.toThrow(/No order shopify:missing/);
				expect((await store.timeline(o.omsId)).map((e) => e.type)).toEqual(['recorded']);
			});
		});

		describeReturnsConformance(() => store);
		describeWmsCallsConformance(() => store);
		describeRestockConformance(factory);
		describeWarehousesConformance(factory);
		describeLedgerConformance(() => store);

		describe('EDI control numbers', () => {
			it('hands out consecutive blocks per scope, never the same number twice', async () => {
				expect(await store.nextControlNumbers('isa:ZZ/ME>ZZ/WH', 1)).toBe(1);
				expect(await store.nextControlNumbers('isa:ZZ/ME>ZZ/WH', 3)).toBe(2);
				expect(await store.nextControlNumbers('isa:ZZ/ME>ZZ/WH', 1)).toBe(5);
				// another partner has its own sequence
				expect(await store.nextControlNumbers('isa:ZZ/ME>ZZ/RETAILER', 2)).toBe(1);
				expect(await store.nextControlNumbers('isa:ZZ/ME>ZZ/WH', 1)).toBe(6);
			});

			it('concurrent callers get disjoint blocks', async () => {
				const firsts = await Promise.all(Array.from({ length: 20 }, () => store.nextControlNumbers('race', 3)));
				const taken = firsts.flatMap((f) => [f, f + 1, f + 2]).sort((a, b) => a - b);
				expect(taken).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
			});

			it('wraps after 999,999,999 to 1 (ISA13 has 9 digits)', async () => {
				expect(await store.nextControlNumbers('wrap', 999_999_997)).toBe(1);
				expect(await store.nextControlNumbers('wrap', 3)).toBe(999_999_998); // 999999998, 999999999, 1
				expect(await store.nextControlNumbers('wrap', 1)).toBe(2);
			});

			it('refuses a bad scope or count, naming it', async () => {
				await expect(store.nextControlNumbers('', 1)).rejects.toThrow(/scope must be a non-empty string/);
				await expect(store.nextControlNumbers('s', 0)).rejects.toThrow(/count must be a whole number from 1 to 999999998, got 0/);
				await expect(store.nextControlNumbers('s', 1.5)).rejects.toThrow(/got 1.5/);
			});
		});

		describe('idempotency markers, cursors, queries, schema', () => {
			it('marks outside input as processed once', async () => {
				expect(await store.markProcessed('shopify-webhook', 'evt-1')).toBe(true);
				expect(await store.markProcessed('shopify-webhook', 'evt-1')).toBe(false);
				expect(await store.markProcessed('woocommerce-webhook', 'evt-1')).toBe(true);
			});

			it('marks keys holding NUL or unpaired surrogates (a webhook body field) once each, on both stores alike', async () => {
				// the WooCommerce delivery key takes date_modified_gmt from the body: PostgreSQL refused a NUL in it
				expect(await store.markProcessed('webhook:woo', 'src|727|2026\u0000|ab')).toBe(true);
				expect(await store.markProcessed('webhook:woo', 'src|727|2026\u0000|ab')).toBe(false);
				expect(await store.markProcessed('webhook:woo', 'src|727|2026|ab')).toBe(true);
				expect(await store.markProcessed('webhook:woo', '\ud800')).toBe(true);
				expect(await store.markProcessed('webhook:woo', '\ud801')).toBe(true);
				expect(await store.markProcessed('webhook:woo', '\ud800')).toBe(false);
			});

			it('keeps sync cursors', async () => {
				expect(await store.getCursor('wms:shipbob:shipments')).toBeNull();
				await store.setCursor('wms:shipbob:shipments', '2026-05-01T00:00:00Z');
				await store.setCursor('wms:shipbob:shipments', '2026-05-02T00:00:00Z');
				expect(await store.getCursor('wms:shipbob:shipments')).toBe('2026-05-02T00:00:00Z');
			});

			it('answers read-only SQL with $n parameters and is at the latest schema version', async () => {
				await store.recordOrder(makeOrder({ channel: 'amazon', channelOrderId: '1' }));
				await store.recordOrder(makeOrder({ channel: 'amazon', channelOrderId: '2' }));
				const rows = await store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM orders WHERE channel = $1', ['amazon']);
				expect(Number(rows[0].n)).toBe(2);
				expect(await store.schemaVersion()).toBeGreaterThanOrEqual(1);
			});
		});
	});
}
