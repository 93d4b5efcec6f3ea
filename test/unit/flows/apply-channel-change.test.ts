/**
 * Apply Channel Change (lib/flows/apply-channel-change.ts) on both stores: a channel's change recorded by Record is
 * carried out at the stage the order is in. The WMS is a fake provider here (what it answers is the point); the real
 * sandboxes are the e2e's. PostgreSQL: `npm test -- <this file>` starts one; without OMS_TEST_PG_URL this file fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { applyChannelChange, applyUpdates, ItemError, pushOrder } from '../../../lib/flows';
import type { CanonicalOrder } from '../../../lib/order/types';
import { openPostgresStore } from '../../../lib/store/postgres';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { WmsError, type CancelResult, type WmsProvider } from '../../../lib/wms/types';
import { makeOrder } from '../../helpers/orders';

const url = process.env.OMS_TEST_PG_URL;
if (!url) throw new Error('OMS_TEST_PG_URL is not set: run this file with `npm test -- <file>`, which starts PostgreSQL');

/** A WMS that cancels (or refuses, with its words) and may update addresses; it records what it was asked. */
function fakeWms(o: { cancel?: 'ok' | 'refuse'; address?: 'ok' | 'refuse' | 'none' } = {}): WmsProvider & { calls: string[] } {
	const calls: string[] = [];
	const p: WmsProvider & { calls: string[] } = {
		name: 'generic',
		calls,
		createOrder: () => Promise.reject(new Error('not used')),
		cancelOrder: (ref): Promise<CancelResult> => {
			calls.push(`cancel ${ref.reference}`);
			// a refusal as the providers report one: a 409 is an answer, not a failure to retry
			if (o.cancel === 'refuse') return Promise.reject(new WmsError('generic', '409 already_picked', { retryable: false, status: 409 }));
			return Promise.resolve({ cancelled: true, rawStatus: 'cancelled', raw: {} });
		},
		getOrder: () => Promise.resolve(null),
		getShipmentUpdates: () => Promise.resolve({ updates: [], cursor: null }),
		getInventoryLevels: () => Promise.resolve([]),
		testCredentials: () => Promise.resolve({ ok: true, message: 'ok' }),
	};
	if (o.address !== 'none') {
		p.updateAddress = (ref) => {
			calls.push(`address ${ref.reference}`);
			return Promise.resolve(o.address === 'refuse' ? { updated: false, message: 'already_picked' } : { updated: true, message: null });
		};
	}
	return p;
}

const stores: Array<[string, () => Promise<{ store: Store; done: () => Promise<void> }>]> = [
	[
		'SQLite',
		async () => {
			const dir = mkdtempSync(join(tmpdir(), 'oms-acc-'));
			const store = await openSqliteStore(join(dir, 'oms.sqlite'));
			return { store, done: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
		},
	],
	[
		'PostgreSQL',
		async () => {
			const schema = `acc_${process.pid}_${Date.now().toString(36)}`;
			const c = new Client({ connectionString: url });
			await c.connect();
			await c.query(`CREATE SCHEMA ${schema}`);
			await c.end();
			const store = await openPostgresStore({ connectionString: url, options: `-c search_path=${schema}` });
			return {
				store,
				done: async () => {
					await store.close();
					const d = new Client({ connectionString: url });
					await d.connect();
					await d.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
					await d.end();
				},
			};
		},
	],
];

describe.each(stores)('Apply Channel Change (%s)', (_name, open) => {
	let store: Store;
	let done: () => Promise<void>;
	beforeAll(async () => {
		({ store, done } = await open());
		await store.upsertStockLevels([
			{ sku: 'SKU-1', onHand: 100 },
			{ sku: 'SKU-2', onHand: 100 },
		]);
	});
	afterAll(() => done());

	let t = 0;
	/** A newer version of the order from the channel, as Record stores it */
	const newer = (o: CanonicalOrder, patch: Partial<CanonicalOrder>) => ({ ...o, ...patch, updatedAt: new Date(Date.parse(o.updatedAt) + ++t * 60_000).toISOString() });

	/** An order recorded, reserved (ready) and, with `wms`, sent to the WMS and moved along its leg to `stage` */
	async function orderAt(stage: 'ready' | 'at_wms' | 'picked' | 'shipped', quantity = 2, channel = 'shopify'): Promise<CanonicalOrder> {
		const o = makeOrder({ channel, lines: [{ lineId: '1', sku: 'SKU-1', title: 'Mug', quantity, unitPrice: 25, lineTotal: 25 * quantity }] });
		await store.recordOrder(o);
		await store.reserve([{ omsId: o.omsId, lines: [{ lineId: '1', sku: 'SKU-1', quantity }], allowPartial: true }]);
		await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
		if (stage === 'ready') return o;
		const { delivery } = await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: 1, provider: 'generic', reference: o.omsId });
		await store.transition(o.omsId, { to: 'at_wms', cause: 'sent_to_wms', delivery: { id: delivery.id, sent: { wmsOrderId: 'W1' } } });
		if (stage !== 'at_wms') await store.transition(o.omsId, { to: stage, cause: 'wms_progress' });
		return o;
	}
	const reserved = async (omsId: string) => (await store.activeReservations(omsId)).reduce((s, r) => s + r.quantity, 0);

	it('cancelled before the WMS: released in the same run, the SKUs to republish returned; a repeat changes nothing', async () => {
		const o = await orderAt('ready');
		const rec = await store.recordOrder(newer(o, { readiness: 'cancelled', channelStatus: 'cancelled' }));
		expect([rec.outcome, rec.stored.status]).toEqual(['updated', 'cancelled']);
		expect(await reserved(o.omsId)).toBe(2);
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes });
		expect([r.action, r.route, r.status, r.republishSkus, r.releasedUnits]).toEqual(['released', 'republish', 'cancelled', ['SKU-1'], 2]);
		expect(await reserved(o.omsId)).toBe(0);
		const again = await applyChannelChange(store, rec.stored.order as never, { by: 'test' });
		expect([again.action, again.route, again.releasedUnits]).toEqual(['none', 'done', 0]);
	});

	it('cancelled before the WMS with a delivery still pending: the outbox never sends it', async () => {
		const o = await orderAt('ready');
		const { delivery } = await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: 1, provider: 'generic', reference: o.omsId });
		const rec = await store.recordOrder(newer(o, { readiness: 'cancelled' }));
		await applyChannelChange(store, rec.stored.order as never, { by: 'test' });
		expect((await store.getDelivery(o.omsId, 1))!.status).toBe('failed');
		expect((await store.claimDelivery(delivery.id, new Date().toISOString()))).toBeNull();
	});

	it('cancelled while its delivery is being sent (leased): the attempt is not overwritten, and when the WMS takes it, it is cancelled there at once', async () => {
		const o = await orderAt('ready');
		let answer: () => void = () => undefined;
		let asked: () => void = () => undefined;
		const gate = new Promise<void>((r) => (answer = r));
		const called = new Promise<void>((r) => (asked = r));
		const wms = fakeWms();
		wms.createOrder = async (order) => {
			wms.calls.push(`create ${order.omsId}`);
			asked();
			await gate;
			return { outcome: 'created', wmsOrderId: 'W9', raw: {} };
		};
		const push = pushOrder(store, wms, o);
		// the create is on its way (the delivery claimed under its lease) when the channel's cancel is applied
		await called;
		expect(wms.calls).toEqual([`create ${o.omsId}`]);
		const rec = await store.recordOrder(newer(o, { readiness: 'cancelled' }));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test' });
		expect([r.action, r.deliveryInFlight, (await store.getDelivery(o.omsId, 1))!.status]).toEqual(['released', true, 'pending']);
		answer();
		expect((await push).outcome).toBe('created');
		expect(wms.calls).toEqual([`create ${o.omsId}`, `cancel ${o.omsId}`]);
		expect([(await store.getOrder(o.omsId))!.status, await reserved(o.omsId)]).toEqual(['cancelled', 0]);
	});

	it('cancelled at the WMS (not picked): Record leaves it at_wms; the WMS cancels first, then it is cancelled and released', async () => {
		const o = await orderAt('at_wms');
		const rec = await store.recordOrder(newer(o, { readiness: 'cancelled' }));
		expect(rec.stored.status).toBe('at_wms'); // the OMS never says cancelled while the warehouse may ship it
		const noWms = await applyChannelChange(store, rec.stored.order as never, { by: 'test' });
		expect([noWms.action, noWms.route, noWms.status]).toEqual(['needs_wms', 'wms', 'at_wms']);
		expect(await reserved(o.omsId)).toBe(2);
		const wms = fakeWms({ cancel: 'ok' });
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', wms: () => wms });
		expect(wms.calls).toEqual([`cancel ${o.omsId}`]);
		expect([r.action, r.route, r.status, r.republishSkus, r.releasedUnits]).toEqual(['cancelled_at_wms', 'republish', 'cancelled', ['SKU-1'], 2]);
		expect(await reserved(o.omsId)).toBe(0);
	});

	it('cancelled after pick, the WMS refuses: held for a person with its words, still picked, units still held', async () => {
		const o = await orderAt('picked');
		const rec = await store.recordOrder(newer(o, { readiness: 'cancelled' }));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', wms: () => fakeWms({ cancel: 'refuse' }) });
		expect([r.action, r.route, r.status, r.hold?.reason]).toEqual(['cancel_refused', 'held', 'picked', 'cancel_refused']);
		expect(r.hold?.detail).toMatch(/already_picked/);
		expect(r.tellChannel).toMatch(/could not stop/);
		expect(await reserved(o.omsId)).toBe(2);
		// the hold stays as the WMS moves the order on
		const shipped = await store.transition(o.omsId, { to: 'shipped', cause: 'wms_progress' });
		expect(shipped.stored.hold?.reason).toBe('cancel_refused');
	});

	it('cancelled at the WMS, refused, then picked and shipped by the WMS status sync: the hold stays until a person acts', async () => {
		// the load test's case: the channel's cancel reaches an order the OMS still has at_wms, the WMS (already
		// picking) refuses, and the next Get Shipment Updates moves it on; that move cleared the hold
		const o = await orderAt('at_wms');
		const rec = await store.recordOrder(newer(o, { readiness: 'cancelled' }));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', wms: () => fakeWms({ cancel: 'refuse' }) });
		expect([r.action, r.status, r.hold?.reason]).toEqual(['cancel_refused', 'at_wms', 'cancel_refused']);
		const update = (status: 'picked' | 'shipped') => ({
			omsId: o.omsId,
			shipmentNo: 1,
			reference: o.omsId,
			wmsOrderId: 'W1',
			status,
			rawStatus: status,
			shipments: status === 'shipped' ? [{ packageKey: 'P1', carrier: 'UPS', trackingNumber: '1ZHELD', trackingUrl: null, shippedAt: new Date().toISOString(), lines: [{ sku: 'SKU-1', quantity: 2, lineId: '1' }] }] : [],
			updatedAt: new Date().toISOString(),
		});
		for (const status of ['picked', 'shipped'] as const) {
			const s = await applyUpdates(store, [update(status)], { provider: 'generic' });
			expect(s.results.map((x) => [x.outcome, x.to])).toEqual([['applied', status]]);
			expect((await store.getOrder(o.omsId))!.hold?.reason).toBe('cancel_refused');
		}
	});

	it('a hold from before the WMS (its delivery failed for good) ends when the WMS reports it has the order', async () => {
		const o = await orderAt('ready');
		await store.transition(o.omsId, { to: 'on_hold', cause: 'wms_failed', hold: { reason: 'wms_failed', since: new Date().toISOString(), detail: 'test' } });
		const s = await applyUpdates(store, [{ omsId: o.omsId, shipmentNo: 1, reference: o.omsId, wmsOrderId: 'W1', status: 'at_wms', rawStatus: 'received', shipments: [], updatedAt: new Date().toISOString() }], { provider: 'generic' });
		expect(s.results.map((x) => [x.outcome, x.to])).toEqual([['applied', 'at_wms']]);
		expect((await store.getOrder(o.omsId))!.hold).toBeNull();
	});

	it('cancelled after shipping: held for the return it implies', async () => {
		const o = await orderAt('shipped');
		const rec = await store.recordOrder(newer(o, { readiness: 'cancelled' }));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', wms: () => fakeWms() });
		expect([r.action, r.route, r.status, r.hold?.reason]).toEqual(['return_expected', 'held', 'shipped', 'return_expected']);
	});

	it('paid later: goes on to fulfilment', async () => {
		const o = makeOrder({ readiness: 'pending', channelStatus: 'pending' });
		await store.recordOrder(o);
		const rec = await store.recordOrder(newer(o, { readiness: 'ready', channelStatus: 'paid' }));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes });
		expect([r.action, r.route, r.status]).toEqual(['fulfil', 'fulfil', 'received']);
	});

	it('a new address at the WMS: the provider updates it; refused or no update call: held (address)', async () => {
		for (const [mode, action, hold] of [['ok', 'address_updated', null], ['refuse', 'address_held', 'address'], ['none', 'address_held', 'address']] as const) {
			const o = await orderAt('at_wms');
			const rec = await store.recordOrder(newer(o, { shipTo: { ...o.shipTo!, line1: '2 Other St' } }));
			expect(rec.changes).toContain('shipTo');
			const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes, wms: () => fakeWms({ address: mode }) });
			expect([mode, r.action, r.hold?.reason ?? null, r.status]).toEqual([mode, action, hold, 'at_wms']);
		}
	});

	it('a new address after pick: held without asking the WMS', async () => {
		const o = await orderAt('picked');
		const rec = await store.recordOrder(newer(o, { shipTo: { ...o.shipTo!, city: 'Toronto' } }));
		const wms = fakeWms({ address: 'ok' });
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes, wms: () => wms });
		expect([r.action, r.hold?.reason, wms.calls]).toEqual(['address_held', 'address', []]);
	});

	it('lines edited before the WMS: the reservation follows (fewer units released, new ones reserved)', async () => {
		const o = await orderAt('ready', 3);
		const lines = [
			{ lineId: '1', sku: 'SKU-1', title: 'Mug', quantity: 1, unitPrice: 25, lineTotal: 25 },
			{ lineId: '2', sku: 'SKU-2', title: 'Cup', quantity: 2, unitPrice: 10, lineTotal: 20 },
		];
		const rec = await store.recordOrder(newer(o, { lines }));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes });
		expect([r.action, r.route, r.republishSkus, r.releasedUnits]).toEqual(['lines_rereserved', 'republish', ['SKU-1', 'SKU-2'], 2]);
		const held = Object.fromEntries((await store.activeReservations(o.omsId)).map((x) => [x.sku, x.quantity]));
		expect(held).toEqual({ 'SKU-1': 1, 'SKU-2': 2 });
	});

	it('lines edited at the WMS: held for a person (operator)', async () => {
		const o = await orderAt('at_wms');
		const rec = await store.recordOrder(newer(o, { lines: [{ ...o.lines[0], quantity: 1, lineTotal: 25 }] }));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes });
		expect([r.action, r.hold?.reason]).toEqual(['lines_held', 'operator']);
	});

	describe('the buyer asked to cancel (eBay: the channel waits for the seller\'s answer, approve or reject)', () => {
		const asked = { id: '5000000001', requestedAt: '2026-05-01T12:00:00Z', reason: 'ORDER_MISTAKE' };
		/** What eBay's order looks like while the request is open: pending, with the request */
		const requested = (o: CanonicalOrder, id: string | null = asked.id) => newer(o, { readiness: 'pending', channelStatus: 'PAID/NOT_STARTED/IN_PROGRESS', cancelRequest: { ...asked, id } });
		const answers = async (omsId: string) => (await store.listChannelCalls({ omsId, kind: 'cancel_answer' })).map((c) => [c.channel, c.status, c.payload]);

		it('before the WMS: cancelled and released like a cancel, the approval queued once; a repeat queues nothing more', async () => {
			const o = await orderAt('ready', 2, 'ebay');
			const rec = await store.recordOrder(requested(o));
			expect([rec.outcome, rec.stored.status]).toEqual(['updated', 'ready']);
			const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes });
			expect([r.action, r.route, r.status, r.republishSkus, r.releasedUnits, r.cancelAnswer?.decision, r.cancelAnswer?.status]).toEqual(['released', 'republish', 'cancelled', ['SKU-1'], 2, 'approve', 'pending']);
			expect(await reserved(o.omsId)).toBe(0);
			expect(await answers(o.omsId)).toEqual([['ebay', 'pending', { channelOrderId: o.channelOrderId, requestId: asked.id, decision: 'approve' }]]);
			const again = await applyChannelChange(store, rec.stored.order as never, { by: 'test' });
			expect([again.action, again.route, again.releasedUnits, again.cancelAnswer?.callId]).toEqual(['none', 'done', 0, r.cancelAnswer?.callId]);
			expect((await answers(o.omsId)).length).toBe(1);
		});

		it('received and held for payment by the request (eBay lists it pending): cancelled; the id the list lacks stays null for the sender to read', async () => {
			const o = makeOrder({ channel: 'ebay' });
			await store.recordOrder(o);
			const rec = await store.recordOrder(requested(o, null));
			expect(rec.stored.status).toBe('on_hold');
			const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test' });
			expect([r.action, r.status, r.hold]).toEqual(['none', 'cancelled', null]);
			expect(await answers(o.omsId)).toEqual([['ebay', 'pending', { channelOrderId: o.channelOrderId, requestId: null, decision: 'approve' }]]);
		});

		it('at the WMS: cancelled there first, then released, the approval queued; with no WMS given it waits for the WMS node and queues nothing', async () => {
			const o = await orderAt('at_wms', 2, 'ebay');
			const rec = await store.recordOrder(requested(o));
			const noWms = await applyChannelChange(store, rec.stored.order as never, { by: 'test' });
			expect([noWms.action, noWms.route, noWms.cancelAnswer]).toEqual(['needs_wms', 'wms', undefined]);
			expect(await answers(o.omsId)).toEqual([]);
			const wms = fakeWms({ cancel: 'ok' });
			const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', wms: () => wms });
			expect(wms.calls).toEqual([`cancel ${o.omsId}`]);
			expect([r.action, r.status, r.releasedUnits, r.cancelAnswer?.decision]).toEqual(['cancelled_at_wms', 'cancelled', 2, 'approve']);
			expect((await answers(o.omsId)).map((a) => a[2])).toEqual([{ channelOrderId: o.channelOrderId, requestId: asked.id, decision: 'approve' }]);
		});

		it('the WMS refuses (picked): held cancel_refused with its words, the rejection queued', async () => {
			const o = await orderAt('picked', 2, 'ebay');
			const rec = await store.recordOrder(requested(o));
			const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', wms: () => fakeWms({ cancel: 'refuse' }) });
			expect([r.action, r.route, r.status, r.hold?.reason, r.cancelAnswer?.decision]).toEqual(['cancel_refused', 'held', 'picked', 'cancel_refused', 'reject']);
			expect(r.hold?.detail).toMatch(/already_picked/);
			expect(await reserved(o.omsId)).toBe(2);
			expect((await answers(o.omsId)).map((a) => a[2])).toEqual([{ channelOrderId: o.channelOrderId, requestId: asked.id, decision: 'reject' }]);
		});

		it('already shipped: the rejection queued with the tracking number and ship date confirmed to the channel', async () => {
			const o = await orderAt('shipped', 2, 'ebay');
			await store.enqueueChannelCalls([{ kind: 'confirmation', channel: 'ebay', omsId: o.omsId, packageKey: 'P1', payload: { channelOrderId: o.channelOrderId, carrier: 'USPS', trackingNumber: '9400111', shippedAt: '2026-05-02T09:00:00Z', lines: [] } }]);
			const rec = await store.recordOrder(requested(o));
			const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', wms: () => fakeWms() });
			expect([r.action, r.route, r.status, r.hold, r.cancelAnswer?.decision]).toEqual(['cancel_request_rejected', 'done', 'shipped', null, 'reject']);
			expect((await answers(o.omsId)).map((a) => a[2])).toEqual([{ channelOrderId: o.channelOrderId, requestId: asked.id, decision: 'reject', trackingNumber: '9400111', shippedAt: '2026-05-02T09:00:00Z' }]);
		});
	});

	describe('the buyer asked to cancel where the channel has no reject call (Amazon IsBuyerRequestedCancel, Walmart intentToCancel): the same branch, shipping the answer', () => {
		const asked = { id: null, requestedAt: null, reason: 'Found a better price' };
		const requested = (o: CanonicalOrder) => newer(o, { cancelRequest: asked });
		const answers = async (omsId: string) => (await store.listChannelCalls({ omsId, kind: 'cancel_answer' })).map((c) => [c.channel, c.status, c.payload]);

		it.each(['amazon', 'walmart'])('%s before the WMS and at the WMS: cancelled (the WMS first), the approval queued for the client to carry out', async (channel) => {
			const before = await orderAt('ready', 2, channel);
			const r1 = await applyChannelChange(store, (await store.recordOrder(requested(before))).stored.order as never, { by: 'test' });
			expect([r1.action, r1.status, r1.releasedUnits, r1.cancelAnswer?.decision]).toEqual(['released', 'cancelled', 2, 'approve']);
			const atWms = await orderAt('at_wms', 2, channel);
			const wms = fakeWms({ cancel: 'ok' });
			const r2 = await applyChannelChange(store, (await store.recordOrder(requested(atWms))).stored.order as never, { by: 'test', wms: () => wms });
			expect([wms.calls, r2.action, r2.status, r2.cancelAnswer?.decision]).toEqual([[`cancel ${atWms.omsId}`], 'cancelled_at_wms', 'cancelled', 'approve']);
			for (const o of [before, atWms]) expect(await answers(o.omsId)).toEqual([[channel, 'pending', { channelOrderId: o.channelOrderId, requestId: null, decision: 'approve' }]]);
		});

		it.each(['amazon', 'walmart'])('%s: the WMS refuses (picked): held cancel_refused, nothing queued (shipping is the answer), said so', async (channel) => {
			const o = await orderAt('picked', 2, channel);
			const r = await applyChannelChange(store, (await store.recordOrder(requested(o))).stored.order as never, { by: 'test', wms: () => fakeWms({ cancel: 'refuse' }) });
			expect([r.action, r.route, r.status, r.hold?.reason, r.cancelAnswer]).toEqual(['cancel_refused', 'held', 'picked', 'cancel_refused', undefined]);
			expect(r.tellChannel).toMatch(/no call to refuse .*shipping the order is the answer/);
			expect(await reserved(o.omsId)).toBe(2);
			expect(await answers(o.omsId)).toEqual([]);
		});

		it.each(['amazon', 'walmart'])('%s: already shipped: nothing queued, said so', async (channel) => {
			const o = await orderAt('shipped', 2, channel);
			const r = await applyChannelChange(store, (await store.recordOrder(requested(o))).stored.order as never, { by: 'test', wms: () => fakeWms() });
			expect([r.action, r.route, r.status, r.hold, r.cancelAnswer]).toEqual(['cancel_request_rejected', 'done', 'shipped', null, undefined]);
			expect(r.tellChannel).toMatch(/already shipped.*shipping the order is the answer/);
			expect(await answers(o.omsId)).toEqual([]);
		});
	});

	it('bad input: an order the OMS never saw, or lines it does not have, is an error of that item and writes nothing', async () => {
		const unknown = makeOrder({ readiness: 'cancelled' });
		await expect(applyChannelChange(store, unknown as never, { by: 'test' })).rejects.toThrow(ItemError);
		await expect(applyChannelChange(store, unknown as never, { by: 'test' })).rejects.toThrow(/never recorded/);
		expect(await store.getOrder(unknown.omsId)).toBeNull();

		const o = await orderAt('ready');
		const rec = await store.recordOrder(newer(o, { readiness: 'cancelled' }));
		const before = await store.timeline(o.omsId);
		const bad = { ...rec.stored.order, lines: [...rec.stored.order.lines, { ...o.lines[0], lineId: '99' }] };
		const err = await applyChannelChange(store, bad as never, { by: 'test' }).catch((e: unknown) => e as ItemError);
		expect(err).toBeInstanceOf(ItemError);
		expect((err as ItemError).problems).toEqual([{ path: '$.lines[1].lineId', message: `order ${o.omsId} has no line "99"` }]);
		expect(await store.timeline(o.omsId)).toEqual(before);
		expect(await reserved(o.omsId)).toBe(2);
	});
});
