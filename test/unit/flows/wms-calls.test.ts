/**
 * Cancels and address updates owed to a WMS go through the WMS outbox (lib/flows/wms-calls.ts, cancel-at-wms.ts,
 * apply-channel-change.ts), on both stores: asked once at once; a WMS that does not answer leaves the call owed and the
 * outbox asks again (then cancels and releases in one transition); a refusal holds; failed for good is in the
 * Attention queue; a call answered is never sent again. The WMS is a scripted fake (what it answers is the point); no
 * test waits: every time is given. PostgreSQL: `npm test -- <this file>` starts one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { applyChannelChange, cancelAtWms, listAttention, retryWmsCalls } from '../../../lib/flows';
import type { CanonicalOrder } from '../../../lib/order/types';
import type { Store } from '../../../lib/store/types';
import { WmsError, type WmsProvider } from '../../../lib/wms/types';
import { makeOrder } from '../../helpers/orders';
import { pgSetup, sqliteSetup, type StoreSetup } from '../../helpers/store-credentials';

type Say = 'ok' | 'refuse' | 'down';

/** A WMS answering each cancel and address update as told, in turn (the last word repeats); it records every call. */
function scriptedWms(script: { cancel?: Say[]; address?: Say[] }): WmsProvider & { calls: string[] } {
	const calls: string[] = [];
	const next = (list: Say[] | undefined, n: number): Say => (list?.length ? list[Math.min(n, list.length - 1)] : 'ok');
	let c = 0;
	let a = 0;
	const answer = (say: Say) => {
		if (say === 'down') return Promise.reject(new WmsError('generic', '503 Service Unavailable', { retryable: true, status: 503 }));
		if (say === 'refuse') return Promise.reject(new WmsError('generic', '409 already_picked', { retryable: false, status: 409 }));
		return null;
	};
	return {
		name: 'generic',
		calls,
		createOrder: () => Promise.reject(new Error('not used')),
		cancelOrder: (ref) => {
			calls.push(`cancel ${ref.reference}`);
			return answer(next(script.cancel, c++)) ?? Promise.resolve({ cancelled: true, rawStatus: 'cancelled', raw: {} });
		},
		updateAddress: (ref, address) => {
			calls.push(`address ${ref.reference} ${address.line1}`);
			const say = next(script.address, a++);
			if (say === 'refuse') return Promise.resolve({ updated: false, message: '409: already_picked' });
			return answer(say) ?? Promise.resolve({ updated: true, message: null });
		},
		getOrder: () => Promise.resolve(null),
		getShipmentUpdates: () => Promise.resolve({ updates: [], cursor: null }),
		getInventoryLevels: () => Promise.resolve([]),
		testCredentials: () => Promise.resolve({ ok: true, message: 'ok' }),
	};
}

const dir = mkdtempSync(`${tmpdir()}/oms-wmscalls-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stores: Array<[string, StoreSetup]> = [
	['SQLite', sqliteSetup(dir, 'wmscalls')],
	['PostgreSQL', pgSetup('wmscalls')],
];

const T0 = '2026-05-01T00:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
/** First retry 60 s after the first attempt (no jitter), doubling; 3 attempts in all */
const backoff = { baseMs: 60_000, random: () => 1, maxAttempts: 3 };

describe.each(stores)('WMS calls through the outbox (%s)', (_name, setup) => {
	let store: Store;
	beforeAll(async () => {
		({ store } = await setup());
		await store.upsertStockLevels([{ sku: 'SKU-1', onHand: 100 }]);
	});
	afterAll(() => store.close());

	let t = 0;
	const newer = (o: CanonicalOrder, patch: Partial<CanonicalOrder>) => ({ ...o, ...patch, updatedAt: new Date(Date.parse(o.updatedAt) + ++t * 60_000).toISOString() });

	/** An order reserved and at the WMS as `shipments` WMS orders (shipment n: reference omsId#n) */
	async function atWms(shipments = 1): Promise<CanonicalOrder> {
		const o = makeOrder({ lines: [{ lineId: '1', sku: 'SKU-1', title: 'Mug', quantity: 2, unitPrice: 25, lineTotal: 50 }] });
		await store.recordOrder(o);
		await store.reserve([{ omsId: o.omsId, lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2 }], allowPartial: true }]);
		await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
		for (let n = 1; n <= shipments; n++) {
			const { delivery } = await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: n, provider: 'generic', reference: n > 1 ? `${o.omsId}#${n}` : o.omsId });
			await store.transition(o.omsId, { ...(n === 1 ? { to: 'at_wms' as const, cause: 'sent_to_wms' as const } : {}), delivery: { id: delivery.id, sent: { wmsOrderId: `W${n}` } } });
		}
		return o;
	}
	const reserved = async (omsId: string) => (await store.activeReservations(omsId)).reduce((s, r) => s + r.quantity, 0);
	const cancelOnChannel = async (o: CanonicalOrder, wms: WmsProvider, now: string) =>
		applyChannelChange(store, (await store.recordOrder(newer(o, { readiness: 'cancelled' }))).stored.order as never, { by: 'test', wms: () => wms, now: () => now, backoff });

	it('a cancel the WMS does not answer: owed (held cancel_owed, units kept), asked again by the outbox when due, then cancelled and released in one go; never asked again', async () => {
		const o = await atWms();
		const wms = scriptedWms({ cancel: ['down', 'down', 'ok'] });
		const r = await cancelOnChannel(o, wms, T0);
		expect([r.action, r.route, r.status, r.hold?.reason]).toEqual(['cancel_owed', 'held', 'at_wms', 'cancel_owed']);
		expect(r.wmsMessage).toMatch(/503/);
		expect(await reserved(o.omsId)).toBe(2);
		const [call] = await store.listWmsCalls({ omsId: o.omsId });
		expect([call.kind, call.status, call.attempts, call.nextAttemptAt]).toEqual(['cancel', 'pending', 1, at(60)]);
		// not due: not asked
		expect((await retryWmsCalls(store, wms, { now: at(59), backoff })).claimed).toBe(0);
		expect(await retryWmsCalls(store, wms, { now: at(60), backoff })).toMatchObject({ claimed: 1, retryScheduled: 1 });
		expect((await store.getOrder(o.omsId))!.hold?.reason).toBe('cancel_owed');
		const done = await retryWmsCalls(store, wms, { now: at(600), backoff });
		expect(done).toMatchObject({ claimed: 1, sent: 1 });
		const after = (await store.getOrder(o.omsId))!;
		expect([after.status, after.hold, await reserved(o.omsId)]).toEqual(['cancelled', null, 0]);
		const statusEvents = (await store.timeline(o.omsId)).filter((e) => e.type === 'status' && e.toStatus === 'cancelled');
		expect(statusEvents).toHaveLength(1);
		// answered: the channel's change applied again, a person's Cancel, later retries: the WMS is asked nothing more
		expect(wms.calls).toEqual([`cancel ${o.omsId}`, `cancel ${o.omsId}`, `cancel ${o.omsId}`]);
		await cancelOnChannel(o, wms, at(700));
		expect(await cancelAtWms(store, wms, o.omsId, { again: true, now: at(800) })).toMatchObject({ cancelled: true, owed: false, statusChanged: false });
		expect((await retryWmsCalls(store, wms, { now: at(86_400), backoff })).claimed).toBe(0);
		expect(wms.calls).toHaveLength(3);
	});

	it('two runs retrying at once send an owed cancel once (the lease)', async () => {
		const o = await atWms();
		const wms = scriptedWms({ cancel: ['down', 'ok'] });
		await cancelOnChannel(o, wms, T0);
		const both = await Promise.all([retryWmsCalls(store, wms, { now: at(60), backoff }), retryWmsCalls(store, wms, { now: at(60), backoff })]);
		expect(both.map((s) => s.claimed).sort()).toEqual([0, 1]);
		expect(wms.calls).toEqual([`cancel ${o.omsId}`, `cancel ${o.omsId}`]);
		expect((await store.getOrder(o.omsId))!.status).toBe('cancelled');
	});

	it('a refusal (after a silence) is an answer: held cancel_refused with the WMS words, units kept, nothing more asked; in the Attention queue', async () => {
		const o = await atWms();
		const wms = scriptedWms({ cancel: ['down', 'refuse'] });
		await cancelOnChannel(o, wms, T0);
		expect(await retryWmsCalls(store, wms, { now: at(60), backoff })).toMatchObject({ claimed: 1, refused: 1 });
		const held = (await store.getOrder(o.omsId))!;
		expect([held.status, held.hold?.reason, await reserved(o.omsId)]).toEqual(['at_wms', 'cancel_refused', 2]);
		expect(held.hold?.detail).toMatch(/cancelled on the channel, but the WMS refused the cancel \(.*409 already_picked\)/);
		expect((await store.listWmsCalls({ omsId: o.omsId }))[0]).toMatchObject({ status: 'refused', attempts: 2 });
		expect((await retryWmsCalls(store, wms, { now: at(86_400), backoff })).claimed).toBe(0);
		const items = (await listAttention(store, { now: at(90_000) })).items.filter((i) => i.omsId === o.omsId);
		expect(items.map((i) => [i.kind, i.reason, i.reasonLabel, i.reference])).toEqual([['wms_call_failed', 'cancel_refused', 'Cancel refused by the WMS', o.omsId]]);
		expect(items[0].detail).toMatch(/409 already_picked/);
	});

	it('never answered through every attempt: failed for good, in the Attention queue, the order still held cancel_owed; a person asks again (WMS > Cancel) and it is cancelled', async () => {
		const o = await atWms();
		const wms = scriptedWms({ cancel: ['down', 'down', 'down', 'ok'] });
		await cancelOnChannel(o, wms, T0);
		await retryWmsCalls(store, wms, { now: at(60), backoff });
		expect(await retryWmsCalls(store, wms, { now: at(600), backoff })).toMatchObject({ claimed: 1, failed: 1 });
		const [call] = await store.listWmsCalls({ omsId: o.omsId });
		expect([call.status, call.attempts, call.nextAttemptAt]).toEqual(['failed', 3, null]);
		const held = (await store.getOrder(o.omsId))!;
		expect([held.status, held.hold?.reason, await reserved(o.omsId)]).toEqual(['at_wms', 'cancel_owed', 2]);
		expect(held.hold?.detail).toMatch(/never answered the cancel .*3 attempts/);
		const items = (await listAttention(store, { now: at(3600) })).items.filter((i) => i.omsId === o.omsId);
		expect(items.map((i) => [i.kind, i.reason, i.reasonLabel])).toEqual([['wms_call_failed', 'cancel_failed', 'Cancel at the WMS never answered']]);
		expect((await retryWmsCalls(store, wms, { now: at(86_400), backoff })).claimed).toBe(0);
		const again = await cancelAtWms(store, wms, o.omsId, { again: true, now: at(90_000) });
		expect(again).toMatchObject({ cancelled: true, statusChanged: true });
		expect([(await store.getOrder(o.omsId))!.status, await reserved(o.omsId)]).toEqual(['cancelled', 0]);
		expect((await listAttention(store, { now: at(90_000) })).items.filter((i) => i.omsId === o.omsId)).toEqual([]);
	});

	it('a split order: cancelled and released only when the last WMS order is cancelled', async () => {
		const o = await atWms(2);
		const wms = scriptedWms({ cancel: ['ok', 'down', 'ok'] });
		const r = await cancelOnChannel(o, wms, T0);
		expect(r.action).toBe('cancel_owed');
		expect((await store.listWmsCalls({ omsId: o.omsId })).map((c) => [c.reference, c.status])).toEqual([
			[o.omsId, 'sent'],
			[`${o.omsId}#2`, 'pending'],
		]);
		expect([(await store.getOrder(o.omsId))!.status, await reserved(o.omsId)]).toEqual(['at_wms', 2]);
		await retryWmsCalls(store, wms, { now: at(60), backoff });
		expect([(await store.getOrder(o.omsId))!.status, await reserved(o.omsId)]).toEqual(['cancelled', 0]);
		expect(wms.calls).toEqual([`cancel ${o.omsId}`, `cancel ${o.omsId}#2`, `cancel ${o.omsId}#2`]);
	});

	it('an address update the WMS does not answer: owed (no hold), asked again; a newer address replaces the owed one; sent once', async () => {
		const o = await atWms();
		const wms = scriptedWms({ address: ['down', 'down', 'ok'] });
		const change = async (line1: string, now: string) => {
			const rec = await store.recordOrder(newer(o, { shipTo: { ...o.shipTo!, line1 } }));
			return applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes, wms: () => wms, now: () => now, backoff });
		};
		const r = await change('2 Other St', T0);
		expect([r.action, r.route, r.status, r.hold]).toEqual(['address_owed', 'done', 'at_wms', null]);
		expect(r.wmsMessage).toMatch(/503/);
		// a newer address while owed: asked now with it (still no answer), the older one never sent again
		const r2 = await change('3 Third St', at(10));
		expect(r2.action).toBe('address_owed');
		expect((await store.listWmsCalls({ omsId: o.omsId }))[0]).toMatchObject({ kind: 'address_update', status: 'pending', version: 2, payload: { shipTo: expect.objectContaining({ line1: '3 Third St' }) } });
		expect(await retryWmsCalls(store, wms, { now: at(600), backoff })).toMatchObject({ claimed: 1, sent: 1 });
		expect(wms.calls).toEqual([`address ${o.omsId} 2 Other St`, `address ${o.omsId} 3 Third St`, `address ${o.omsId} 3 Third St`]);
		expect((await store.timeline(o.omsId)).some((e) => e.type === 'wms' && (e.detail as { addressUpdated?: string } | null)?.addressUpdated === o.omsId)).toBe(true);
		expect((await store.getOrder(o.omsId))!.hold).toBeNull();
		expect((await retryWmsCalls(store, wms, { now: at(86_400), backoff })).claimed).toBe(0);
		expect(wms.calls).toHaveLength(3);
	});

	it('an address update refused is held (address) with the WMS words; never answered: held too, and both in the Attention queue', async () => {
		const refused = await atWms();
		const no = scriptedWms({ address: ['refuse'] });
		const rec = await store.recordOrder(newer(refused, { shipTo: { ...refused.shipTo!, line1: '9 Late St' } }));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes, wms: () => no, now: () => T0, backoff });
		expect([r.action, r.route, r.hold?.reason]).toEqual(['address_held', 'held', 'address']);
		expect(r.hold?.detail).toBe('the channel changed the shipping address; the WMS refused the update (409: already_picked)');

		const silent = await atWms();
		const down = scriptedWms({ address: ['down'] });
		const rec2 = await store.recordOrder(newer(silent, { shipTo: { ...silent.shipTo!, line1: '8 Quiet St' } }));
		await applyChannelChange(store, rec2.stored.order as never, { by: 'test', changes: rec2.changes, wms: () => down, now: () => T0, backoff });
		await retryWmsCalls(store, down, { now: at(60), backoff });
		await retryWmsCalls(store, down, { now: at(600), backoff });
		const held = (await store.getOrder(silent.omsId))!;
		expect([held.hold?.reason, down.calls.length]).toEqual(['address', 3]);
		expect(held.hold?.detail).toMatch(/never answered the update \(3 attempts/);
		const items = (await listAttention(store, { now: at(3600) })).items.filter((i) => i.omsId === refused.omsId || i.omsId === silent.omsId);
		expect(items.map((i) => [i.omsId, i.reason])).toEqual(
			expect.arrayContaining([
				[refused.omsId, 'address_update_refused'],
				[silent.omsId, 'address_update_failed'],
			]),
		);
		expect(items).toHaveLength(2);
	});
});
