import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { createShipBobProvider } from '../../../lib/wms/shipbob';
import { applyUpdates, cancelAtWms, pullUpdates, pushOrder, retryPending, retryWmsCalls } from '../../../lib/flows';
import type { WmsOrderUpdate, WmsProvider } from '../../../lib/wms/types';
import { order, testDeps } from './fixtures';
import { pgSetup } from '../../helpers/store-credentials';

const T0 = '2026-05-01T00:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe('WMS outbox over the SQLite store', () => {
	let sb: WmsSandbox;
	let p: WmsProvider;
	let store: Store;
	let dir: string;
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'wms-outbox-'));
		store = await openSqliteStore(join(dir, 'oms.sqlite'));
		sb = await startWmsSandbox({ shipbob: { rateLimit: false } });
		p = createShipBobProvider({ baseUrl: sb.baseUrls.shipbob, ...SANDBOX_CREDENTIALS.shipbob }, testDeps({ rateLimit: false, retry: { maxAttempts: 1 } }));
	});
	afterEach(async () => {
		await sb.close();
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});

	async function ready(n: number | string, lines?: Parameters<typeof order>[1]) {
		const o = order(n, lines);
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'ready');
		return o;
	}

	it('writes the outbox, sends once, moves the order to at_wms; a second push sends nothing', async () => {
		const o = await ready(1);
		const r = await pushOrder(store, p, o, { now: T0 });
		expect(r).toMatchObject({ outcome: 'created', reference: o.omsId, error: null });
		expect(r.delivery).toMatchObject({ status: 'sent', attempts: 1, wmsOrderId: r.wmsOrderId });
		const stored = (await store.getOrder(o.omsId))!;
		expect(stored.status).toBe('at_wms');
		expect(stored.order.wms).toMatchObject({ provider: 'shipbob', reference: o.omsId, status: 'at_wms' });
		const again = await pushOrder(store, p, o, { now: T0 });
		expect(again.outcome).toBe('already_sent');
		expect(sb.control.calls({ provider: 'shipbob', method: 'POST' })).toHaveLength(1);
	});

	it('a delivery sent whose order never moved on (the process died between the two writes): a repeat push moves it, sends nothing', async () => {
		const o = await ready('died');
		const { delivery } = await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: 1, provider: 'shipbob', reference: o.omsId });
		await store.markDeliverySent(delivery.id, 'SB-1');
		expect((await store.getOrder(o.omsId))!.status).toBe('ready');
		const again = await pushOrder(store, p, o, { now: T0 });
		expect(again).toMatchObject({ outcome: 'already_sent', wmsOrderId: 'SB-1' });
		const stored = (await store.getOrder(o.omsId))!;
		expect(stored.status).toBe('at_wms');
		expect(stored.order.wms).toMatchObject({ provider: 'shipbob', reference: o.omsId, status: 'at_wms', references: { [o.omsId]: { wmsOrderId: 'SB-1' } } });
		expect(sb.control.calls({ provider: 'shipbob', method: 'POST' })).toHaveLength(0);
	});

	it('refuses an order that is not ready, before writing anything or calling the WMS', async () => {
		const o = order(2);
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'backordered');
		const r = await pushOrder(store, p, o, { now: T0 });
		expect(r.outcome).toBe('refused');
		expect(r.error).toMatch(/backordered/);
		expect(await store.getDelivery(o.omsId, 1)).toBeNull();
		expect(sb.control.calls({ provider: 'shipbob' })).toHaveLength(0);
		const missing = await pushOrder(store, p, order(999), { now: T0 });
		expect(missing).toMatchObject({ outcome: 'refused', error: expect.stringMatching(/not in the OMS store/) });
	});

	it('a WMS down for a window: every order reaches it exactly once after recovery', async () => {
		const orders = [];
		for (let i = 10; i < 16; i++) orders.push(await ready(i));
		sb.control.down('shipbob');
		for (const o of orders) {
			const r = await pushOrder(store, p, o, { now: T0, backoff: { random: () => 0 } });
			expect(r.outcome).toBe('retry_scheduled');
			expect(r.delivery).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: later(15_000) });
		}
		expect((await store.getOrder(orders[0].omsId))!.status).toBe('ready');
		// pushing again while it waits: it is already queued, nothing is sent now
		expect((await pushOrder(store, p, orders[0], { now: T0 })).outcome).toBe('queued');
		// still down at the first retry
		let s = await retryPending(store, { shipbob: p }, { now: later(20_000), backoff: { random: () => 0 } });
		expect(s).toMatchObject({ claimed: 6, sent: 0, retryScheduled: 6 });
		// nothing is due before its next attempt
		expect((await retryPending(store, { shipbob: p }, { now: later(21_000) })).claimed).toBe(0);
		sb.control.up();
		// the first push after recovery gets through but its answer is lost: the next try finds it (exists)
		sb.control.fault({ provider: 'shipbob', match: 'POST', kind: 'timeout_after_commit', hangMs: 2500 });
		s = await retryPending(store, { shipbob: p }, { now: later(3_600_000) });
		expect(s).toMatchObject({ claimed: 6, sent: 5, retryScheduled: 1 });
		s = await retryPending(store, { shipbob: p }, { now: later(7_200_000) });
		expect(s).toMatchObject({ claimed: 1, sent: 1 });
		expect(s.results[0].outcome).toBe('exists');
		for (const o of orders) {
			expect(sb.control.ordersByReference('shipbob', o.omsId)).toHaveLength(1);
			expect((await store.getOrder(o.omsId))!.status).toBe('at_wms');
			expect((await store.getDelivery(o.omsId, 1))!.status).toBe('sent');
		}
		expect(sb.control.orders('shipbob')).toHaveLength(6);
	});

	it('a refusal (4xx) fails the delivery with the WMS message; it is not retried', async () => {
		const o = await ready(3);
		o.shipTo = { ...o.shipTo!, city: null };
		await store.recordOrder({ ...o, updatedAt: '2026-05-01T15:00:00Z' });
		const r = await pushOrder(store, p, o, { now: T0 });
		expect(r.outcome).toBe('failed');
		expect(r.error).toMatch(/City/);
		expect(r.delivery).toMatchObject({ status: 'failed', attempts: 1 });
		expect((await store.getOrder(o.omsId))!).toMatchObject({ status: 'on_hold', hold: { reason: 'wms_failed', detail: r.error } });
		expect((await retryPending(store, { shipbob: p }, { now: later(86_400_000) })).claimed).toBe(0);
		expect((await store.listDeliveries({ status: ['failed'] })).map((d) => d.omsId)).toEqual([o.omsId]);
		const events = await store.timeline(o.omsId);
		expect(events.some((e) => e.type === 'wms' && /City/.test(JSON.stringify(e.detail)))).toBe(true);
	});

	it('a delivery that keeps failing is failed after the last attempt, with its last error', async () => {
		const o = await ready(4);
		sb.control.fault({ provider: 'shipbob', kind: '503', times: Infinity });
		const backoff = { maxAttempts: 3, random: () => 0 };
		let r = await pushOrder(store, p, o, { now: T0, backoff });
		expect(r.outcome).toBe('retry_scheduled');
		await retryPending(store, { shipbob: p }, { now: later(3_600_000), backoff });
		const s = await retryPending(store, { shipbob: p }, { now: later(7_200_000), backoff });
		r = s.results[0];
		expect(r.outcome).toBe('failed');
		expect(r.delivery).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, lastError: expect.stringMatching(/503/) });
		// failed for good: the order is held for a person with the WMS's words (not left ready, where nobody sees it)
		expect((await store.getOrder(o.omsId))!).toMatchObject({ status: 'on_hold', hold: { reason: 'wms_failed', detail: r.error } });
	});

	it('a retry does not send an order cancelled in the OMS meanwhile', async () => {
		const o = await ready(5);
		sb.control.down('shipbob');
		await pushOrder(store, p, o, { now: T0 });
		await store.setStatus(o.omsId, 'cancelled');
		sb.control.up();
		const s = await retryPending(store, { shipbob: p }, { now: later(3_600_000) });
		expect(s.results[0]).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/cancelled/) });
		expect(sb.control.orders('shipbob')).toHaveLength(0);
	});

	it('cancels at the WMS: every sent part cancelled, a pending one never sent, reservations released', async () => {
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 5 }, { sku: 'TEE', onHand: 5 }]);
		const o = await ready(7, [{ sku: 'MUG', quantity: 1, lineId: 'a' }, { sku: 'TEE', quantity: 1, lineId: 'b' }]);
		await store.reserve([{ omsId: o.omsId, lines: [{ lineId: 'a', sku: 'MUG', quantity: 1 }, { lineId: 'b', sku: 'TEE', quantity: 1 }], allowPartial: false }]);
		await pushOrder(store, p, o, { now: T0, lines: [o.lines[0]] });
		sb.control.down('shipbob');
		expect((await pushOrder(store, p, o, { now: T0, shipmentNo: 2, lines: [o.lines[1]] })).outcome).toBe('retry_scheduled');
		sb.control.up();
		const r = await cancelAtWms(store, p, o.omsId);
		expect(r).toMatchObject({ cancelled: true, statusChanged: true });
		expect(r.references.map((x) => x.outcome)).toEqual(['cancelled', 'not_sent']);
		expect((await store.getOrder(o.omsId))!.status).toBe('cancelled');
		expect(await store.activeReservations(o.omsId)).toHaveLength(0);
		expect((await retryPending(store, { shipbob: p }, { now: later(86_400_000) })).claimed).toBe(0);
		expect(sb.control.ordersByReference('shipbob', 'shopify:7#2')).toHaveLength(0);
	});

	it('cannot cancel once shipped: the order keeps its status', async () => {
		const o = await ready(8);
		await pushOrder(store, p, o, { now: T0 });
		sb.control.advance(200_000);
		await pullUpdates(store, p);
		const r = await cancelAtWms(store, p, o.omsId);
		expect(r).toMatchObject({ cancelled: false, statusChanged: false });
		expect((await store.getOrder(o.omsId))!.status).toBe('shipped');
	});

	it('a cancel the WMS does not answer (5xx) stays owed in the outbox, no wait in the run; Retry Pending cancels and releases it; never asked again after', async () => {
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 5 }]);
		const o = await ready('cancel-503', [{ sku: 'MUG', quantity: 2, lineId: 'a' }]);
		await store.reserve([{ omsId: o.omsId, lines: [{ lineId: 'a', sku: 'MUG', quantity: 2 }], allowPartial: false }]);
		await pushOrder(store, p, o, { now: T0 });
		const backoff = { baseMs: 60_000, random: () => 0 };
		sb.control.fault({ provider: 'shipbob', match: '/cancel', kind: '503', times: 2 });
		const r = await cancelAtWms(store, p, o.omsId, { now: later(1_000), backoff });
		expect(r).toMatchObject({ cancelled: false, owed: true, statusChanged: false });
		expect(r.references[0]).toMatchObject({ outcome: 'owed', callStatus: 'pending', error: expect.stringMatching(/503/), nextAttemptAt: later(31_000) });
		let stored = (await store.getOrder(o.omsId))!;
		expect([stored.status, stored.hold?.reason]).toEqual(['at_wms', 'cancel_owed']);
		expect(await store.activeReservations(o.omsId)).toHaveLength(1);
		// not due yet: nothing claimed; due: asked again (still 503), then answered
		expect((await retryWmsCalls(store, p, { now: later(30_000), backoff })).claimed).toBe(0);
		expect((await retryWmsCalls(store, p, { now: later(31_000), backoff })).retryScheduled).toBe(1);
		const done = await retryWmsCalls(store, p, { now: later(3_600_000), backoff });
		expect([done.claimed, done.sent]).toEqual([1, 1]);
		stored = (await store.getOrder(o.omsId))!;
		expect([stored.status, stored.hold]).toEqual(['cancelled', null]);
		expect(await store.activeReservations(o.omsId)).toHaveLength(0);
		expect(sb.control.ordersByReference('shipbob', o.omsId)[0].stage).toBe('cancelled');
		// answered: a repeat cancel and later retries ask the WMS nothing more
		const asked = sb.control.calls({ provider: 'shipbob' }).filter((c) => /cancel/.test(c.path)).length;
		expect(await cancelAtWms(store, p, o.omsId, { now: later(3_700_000) })).toMatchObject({ cancelled: true, owed: false, statusChanged: false });
		expect((await retryWmsCalls(store, p, { now: later(86_400_000) })).claimed).toBe(0);
		expect(sb.control.calls({ provider: 'shipbob' }).filter((c) => /cancel/.test(c.path))).toHaveLength(asked);
	});

	it('split order: shipment 2 goes as omsId#2 with its own lines; the order is as far as its least advanced part', async () => {
		const o = await ready(6, [{ sku: 'MUG', quantity: 1, lineId: 'a' }, { sku: 'TEE', quantity: 1, lineId: 'b' }]);
		await pushOrder(store, p, o, { now: T0, lines: [o.lines[0]] });
		sb.control.advance(10_000);
		const r2 = await pushOrder(store, p, o, { now: T0, shipmentNo: 2, lines: [o.lines[1]] });
		expect(r2).toMatchObject({ outcome: 'created', reference: 'shopify:6#2' });
		expect(sb.control.ordersByReference('shipbob', 'shopify:6#2')[0].lines.map((l) => l.sku)).toEqual(['TEE']);
		sb.control.advance(175_000); // the first has shipped, the second is packed
		let pulled = await pullUpdates(store, p);
		expect((await store.getOrder(o.omsId))!.status).toBe('packed');
		expect(pulled.newShipments.map((s) => s.lines)).toEqual([[{ sku: 'MUG', quantity: 1, lineId: 'a' }]]);
		sb.control.advance(10_000);
		pulled = await pullUpdates(store, p);
		expect((await store.getOrder(o.omsId))!.status).toBe('shipped');
		expect(pulled.newShipments.map((s) => s.lines)).toEqual([[{ sku: 'TEE', quantity: 1, lineId: 'b' }]]);
		const all = await store.getShipments(o.omsId);
		expect(all).toHaveLength(2);
		// pulling again emits nothing new
		expect((await pullUpdates(store, p)).newShipments).toHaveLength(0);
	});
});

describe('applyUpdates: forward only, every package kept', () => {
	let store: Store;
	let dir: string;
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'wms-apply-'));
		store = await openSqliteStore(join(dir, 'oms.sqlite'));
	});
	afterEach(async () => {
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const pkg = (key: string, tracking: string, lines: Array<{ sku: string; quantity: number; lineId?: string }>) => ({
		packageKey: key,
		carrier: 'UPS',
		trackingNumber: tracking,
		trackingUrl: `https://ups.example/${tracking}`,
		shippedAt: '2026-05-02T10:00:00.000Z',
		lines,
	});
	const upd = (omsId: string, status: WmsOrderUpdate['status'], shipments: ReturnType<typeof pkg>[], updatedAt: string, rawStatus = status): WmsOrderUpdate => ({
		omsId,
		shipmentNo: 1,
		reference: omsId,
		wmsOrderId: '77',
		status,
		rawStatus,
		shipments,
		updatedAt,
	});

	it('moves forward, never back; a late update changes nothing and keeps the newer tracking', async () => {
		const o = order(50, [{ sku: 'MUG', quantity: 2 }]);
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'at_wms');
		const shipped = upd(o.omsId, 'shipped', [pkg('p1', 'TRACK-NEW', [{ sku: 'MUG', quantity: 2 }])], '2026-05-02T10:00:00Z');
		let s = await applyUpdates(store, [shipped], { provider: 'shipbob' });
		expect(s.results[0]).toMatchObject({ outcome: 'applied', from: 'at_wms', to: 'shipped', statusChanged: true });
		expect(s.newShipments).toHaveLength(1);
		// a late "picked" with a stale tracking number for the same package
		const late = upd(o.omsId, 'picked', [pkg('p1', 'TRACK-OLD', [{ sku: 'MUG', quantity: 2 }])], '2026-05-01T10:00:00Z');
		s = await applyUpdates(store, [late], { provider: 'shipbob' });
		expect(s.results[0]).toMatchObject({ statusChanged: false, to: 'shipped' });
		expect(s.newShipments).toHaveLength(0);
		const stored = (await store.getOrder(o.omsId))!;
		expect(stored.status).toBe('shipped');
		expect((await store.getShipments(o.omsId)).map((x) => x.trackingNumber)).toEqual(['TRACK-NEW']);
		expect(stored.order.wms!.shipments.map((x) => x.trackingNumber)).toEqual(['TRACK-NEW']);
		expect((stored.order.wms!.references as Record<string, { rawStatus: string }>)[o.omsId].rawStatus).toBe('shipped');
		// the same update twice: unchanged
		expect((await applyUpdates(store, [shipped], { provider: 'shipbob' })).results[0].outcome).toBe('unchanged');
		// delivered moves on; cancelled after shipping does not
		await applyUpdates(store, [upd(o.omsId, 'delivered', [], '2026-05-04T00:00:00Z')], { provider: 'shipbob' });
		await applyUpdates(store, [upd(o.omsId, 'cancelled', [], '2026-05-05T00:00:00Z')], { provider: 'shipbob' });
		expect((await store.getOrder(o.omsId))!.status).toBe('delivered');
	});

	it('an update holding a package key no store can keep is refused on its own (nothing of it written); the others in the batch apply', async () => {
		const a = order(60, [{ sku: 'MUG', quantity: 1 }]);
		const b = order(61, [{ sku: 'MUG', quantity: 1 }]);
		for (const o of [a, b]) {
			await store.recordOrder(o);
			await store.setStatus(o.omsId, 'at_wms');
		}
		const s = await applyUpdates(
			store,
			[upd(a.omsId, 'shipped', [pkg('p\u00001', 'T1', [{ sku: 'MUG', quantity: 1 }])], '2026-05-02T10:00:00Z'), upd(b.omsId, 'shipped', [pkg('p2', 'T2', [{ sku: 'MUG', quantity: 1 }])], '2026-05-02T10:00:00Z')],
			{ provider: 'shipbob' },
		);
		expect(s.results.map((r) => [r.omsId, r.outcome])).toEqual([
			[a.omsId, 'refused'],
			[b.omsId, 'applied'],
		]);
		expect(s.results[0].error).toMatch(/package key: must not contain a NUL character \(U\+0000\)/);
		expect((await store.getOrder(a.omsId))!.status).toBe('at_wms');
		expect(await store.getShipments(a.omsId)).toEqual([]);
		expect((await store.getOrder(b.omsId))!.status).toBe('shipped');
	});

	it('keeps every package of a multi-package order, emitting each once, and commits reserved stock once', async () => {
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 10 }, { sku: 'TEE', onHand: 10 }]);
		const o = order(51, [{ sku: 'MUG', quantity: 2, lineId: 'a' }, { sku: 'TEE', quantity: 1, lineId: 'b' }]);
		await store.recordOrder(o);
		await store.reserve([{ omsId: o.omsId, lines: [{ lineId: 'a', sku: 'MUG', quantity: 2 }, { lineId: 'b', sku: 'TEE', quantity: 1 }], allowPartial: false }]);
		await store.setStatus(o.omsId, 'at_wms');
		const first = upd(o.omsId, 'packed', [pkg('p1', 'T1', [{ sku: 'MUG', quantity: 2, lineId: 'a' }])], '2026-05-02T10:00:00Z');
		const both = upd(o.omsId, 'shipped', [pkg('p1', 'T1', [{ sku: 'MUG', quantity: 2, lineId: 'a' }]), pkg('p2', 'T2', [{ sku: 'TEE', quantity: 1, lineId: 'b' }])], '2026-05-02T11:00:00Z');
		const a = await applyUpdates(store, [first, both, both], { provider: 'shipbob' });
		expect(a.newShipments.map((x) => [x.trackingNumber, x.lines])).toEqual([
			['T1', [{ sku: 'MUG', quantity: 2, lineId: 'a' }]],
			['T2', [{ sku: 'TEE', quantity: 1, lineId: 'b' }]],
		]);
		expect((await store.getShipments(o.omsId)).map((x) => x.packageKey).sort()).toEqual(['p1', 'p2']);
		const stock = await store.getStock(['MUG', 'TEE']);
		expect(stock.map((r) => [r.sku, r.onHand, r.reserved])).toEqual([
			['MUG', 8, 0],
			['TEE', 9, 0],
		]);
		expect((await store.getOrder(o.omsId))!.status).toBe('shipped');
	});

	it('a cancellation by the warehouse cancels the order and releases its reservations', async () => {
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 3 }]);
		const o = order(52, [{ sku: 'MUG', quantity: 2 }]);
		await store.recordOrder(o);
		await store.reserve([{ omsId: o.omsId, lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }], allowPartial: false }]);
		await store.setStatus(o.omsId, 'at_wms');
		await applyUpdates(store, [upd(o.omsId, 'cancelled', [], '2026-05-02T10:00:00Z', 'Cancelled' as never)], { provider: 'shipbob' });
		expect((await store.getOrder(o.omsId))!.status).toBe('cancelled');
		expect((await store.getStock(['MUG']))[0]).toMatchObject({ onHand: 3, reserved: 0 });
	});

	it('an update for an order the OMS does not hold is reported, not applied', async () => {
		const s = await applyUpdates(store, [upd('shopify:404', 'shipped', [], '2026-05-02T10:00:00Z')]);
		expect(s.results[0].outcome).toBe('unknown');
	});
});

describe('applyUpdates on PostgreSQL', () => {
	// jsonb stores the annotation with its keys reordered: an update already applied must still read as unchanged,
	// not add a 'wms' timeline event on every poll
	it('the same update twice is unchanged and adds no timeline event', async () => {
		const { store } = await pgSetup('wms_apply')();
		try {
			const o = order(60, [{ sku: 'MUG', quantity: 1 }]);
			await store.recordOrder(o);
			await store.setStatus(o.omsId, 'at_wms');
			const update: WmsOrderUpdate = {
				omsId: o.omsId,
				shipmentNo: 1,
				reference: o.omsId,
				wmsOrderId: '88',
				status: 'shipped',
				rawStatus: 'Fulfilled',
				shipments: [{ packageKey: 'p1', carrier: 'UPS', trackingNumber: 'T-1', trackingUrl: null, shippedAt: '2026-05-02T10:00:00.000Z', lines: [{ sku: 'MUG', quantity: 1 }] }],
				updatedAt: '2026-05-02T10:00:00.000Z',
			};
			expect((await applyUpdates(store, [update], { provider: 'shipbob' })).results[0].outcome).toBe('applied');
			const events = (await store.timeline(o.omsId)).length;
			expect((await applyUpdates(store, [update], { provider: 'shipbob' })).results[0].outcome).toBe('unchanged');
			expect((await store.timeline(o.omsId)).length).toBe(events);
		} finally {
			await store.close();
		}
	});
});
