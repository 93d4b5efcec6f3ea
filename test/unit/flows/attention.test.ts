/**
 * After intake, on both stores: the Attention queue (what a person must act on, oldest first; empty when nothing is
 * owed; new since a previous run), the recovery sweep (orders left half-way, found by one query), and a WMS delivery
 * failed for good (the order held with the WMS's words in the same transaction; Release queues it again once, and the
 * outbox sends it once). The store's clock is a test clock: no wall-clock time.
 */
import { attentionDigest, findStuckOrders, listAttention, pushOrder, releaseWmsHold, retryPending } from '../../../lib/flows';
import { runReport } from '../../../lib/report';
import type { Hold } from '../../../lib/order/status';
import type { Store } from '../../../lib/store/types';
import { createShipBobProvider } from '../../../lib/wms/shipbob';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { closeStores, STORES } from '../report/stores';
import { TestClock } from '../report/seed';
import { order, testDeps } from '../wms/fixtures';

afterAll(closeStores);

const T0 = Date.parse('2026-05-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const H = 60;
/** "Now" for the queue: 73 hours after T0 */
const NOW = at(73 * H);
const hold = (reason: Hold['reason'], since: string, detail: string | null = null): Hold => ({ reason, since, detail });

describe.each(STORES)('after intake on $name', (kind) => {
	let store: Store;
	const clock = new TestClock();
	const when = (iso: string) => clock.set(iso);

	async function recordAt(minutes: number, id: string) {
		when(at(minutes));
		const o = order(id);
		await store.recordOrder(o);
		return o;
	}

	beforeEach(async () => {
		when(at(0));
		store = await kind.open(clock.now);
	});

	it('an empty store owes nothing: the queue, the report and the digest are empty', async () => {
		expect((await listAttention(store, { now: NOW })).items).toEqual([]);
		expect((await runReport(store, { report: 'attention', period: { preset: 'today' } }, () => new Date(NOW))).rows).toEqual([]);
		expect(attentionDigest(await listAttention(store, { now: NOW }))).toBeNull();
		expect(await findStuckOrders(store, { now: NOW })).toEqual([]);
	});

	it('lists every kind of thing owed, oldest first with age and reason, and leaves out what is not owed', async () => {
		// owed
		const review = await recordAt(1, 'review');
		await store.setStatus(review.omsId, 'fraud_review', { hold: hold('fraud_review', at(1)) });
		const address = await recordAt(2, 'address');
		await store.setStatus(address.omsId, 'on_hold', { hold: hold('address', at(2), 'no street number') });
		const unpaidOld = await recordAt(3, 'unpaid-old');
		await store.setStatus(unpaidOld.omsId, 'on_hold', { hold: hold('awaiting_payment', at(3)) });
		await recordAt(4, 'stuck-received');
		const stuckReady = await recordAt(5, 'stuck-ready');
		await store.setStatus(stuckReady.omsId, 'ready');
		const split = await recordAt(6, 'split');
		await store.setStatus(split.omsId, 'at_wms');
		const second = await store.enqueueDelivery({ omsId: split.omsId, shipmentNo: 2, provider: 'shipbob', reference: `${split.omsId}#2` });
		when(at(7));
		await store.markDeliveryAttemptFailed(second.delivery.id, '422: SKU-9 is not set up at the warehouse', null);
		const held = await recordAt(8, 'wms-held');
		await store.setStatus(held.omsId, 'on_hold', { hold: hold('wms_failed', at(8), '422: City is required') });
		const edi = await recordAt(9, 'edi-old');
		await store.setStatus(edi.omsId, 'at_wms');
		await store.enqueueDelivery({ omsId: edi.omsId, shipmentNo: 1, provider: 'edi', reference: edi.omsId });
		const back = await recordAt(10, 'backordered-old');
		await store.setStatus(back.omsId, 'backordered', { hold: hold('out_of_stock', at(10)) });
		const reviewYoung = await recordAt(72 * H, 'review-young');
		await store.setStatus(reviewYoung.omsId, 'fraud_review', { hold: hold('fraud_review', at(72 * H)) });

		// not owed (yet): a young unpaid or backordered order, a ready order its pending delivery owes, a young
		// received order, a young 940, a cancelled order with a failed delivery, a shipped order
		const unpaidYoung = await recordAt(70 * H, 'unpaid-young');
		await store.setStatus(unpaidYoung.omsId, 'on_hold', { hold: hold('awaiting_payment', at(70 * H)) });
		const backYoung = await recordAt(70 * H, 'backordered-young');
		await store.setStatus(backYoung.omsId, 'backordered', { hold: hold('out_of_stock', at(70 * H)) });
		const queued = await recordAt(11, 'queued');
		await store.setStatus(queued.omsId, 'ready');
		await store.enqueueDelivery({ omsId: queued.omsId, shipmentNo: 1, provider: 'shipbob', reference: queued.omsId });
		await recordAt(73 * H - 5, 'received-young');
		const ediYoung = await recordAt(73 * H - 30, 'edi-young');
		await store.setStatus(ediYoung.omsId, 'at_wms');
		await store.enqueueDelivery({ omsId: ediYoung.omsId, shipmentNo: 1, provider: 'edi', reference: ediYoung.omsId });
		const cancelled = await recordAt(12, 'cancelled');
		const c = await store.enqueueDelivery({ omsId: cancelled.omsId, shipmentNo: 1, provider: 'shipbob', reference: cancelled.omsId });
		await store.markDeliveryAttemptFailed(c.delivery.id, 'refused', null);
		await store.setStatus(cancelled.omsId, 'cancelled');
		const shipped = await recordAt(13, 'shipped');
		await store.setStatus(shipped.omsId, 'shipped');

		const { items, total } = await listAttention(store, { now: NOW });
		expect(total).toBe(items.length);
		expect(items.map((i) => [i.kind, i.omsId, i.reason, i.reasonLabel, i.ageMinutes])).toEqual([
			['fraud_review', 'shopify:review', 'fraud_review', 'Fraud review (overdue)', 73 * H - 1],
			['held', 'shopify:address', 'address', 'Address Problem', 73 * H - 2],
			['held', 'shopify:unpaid-old', 'awaiting_payment', 'Awaiting Payment', 73 * H - 3],
			['stuck', 'shopify:stuck-received', 'received', 'Stuck received, not screened or routed', 73 * H - 4],
			['stuck', 'shopify:stuck-ready', 'ready', 'Stuck ready, not sent to the WMS', 73 * H - 5],
			['wms_failed', 'shopify:split', 'wms_failed', 'WMS delivery failed', 73 * H - 7],
			['held', 'shopify:wms-held', 'wms_failed', 'WMS Delivery Failed', 73 * H - 8],
			['edi_997', 'shopify:edi-old', 'edi_997', 'EDI 940 without a 997', 73 * H - 9],
			['held', 'shopify:backordered-old', 'out_of_stock', 'Backordered past its time', 73 * H - 10],
			['fraud_review', 'shopify:review-young', 'fraud_review', 'Fraud review', 60],
		]);
		expect(items.find((i) => i.kind === 'wms_failed')).toMatchObject({ reference: 'shopify:split#2', detail: '422: SKU-9 is not set up at the warehouse', status: 'at_wms', since: at(7) });
		expect(items.find((i) => i.omsId === 'shopify:wms-held')).toMatchObject({ detail: '422: City is required', status: 'on_hold' });

		// the report is the same rows
		const report = await runReport(store, { report: 'attention', period: { preset: 'today' } }, () => new Date(NOW));
		expect(report.rows.map((r) => [r.omsId, r.reason])).toEqual(items.map((i) => [i.omsId, i.reasonLabel]));
		expect(report.rows[0]).toMatchObject({ since: at(1), ageHours: 73 });

		// new since last run: nothing the first time again; a new thing alone; a review that becomes overdue is new again
		const seen = (await listAttention(store, { now: NOW })).keys;
		expect((await listAttention(store, { now: NOW, seenKeys: seen })).items).toEqual([]);
		const fresh = await recordAt(73 * H - 1, 'fresh');
		await store.setStatus(fresh.omsId, 'on_hold', { hold: hold('operator', at(73 * H - 1), 'call the buyer') });
		const next = await listAttention(store, { now: NOW, seenKeys: seen });
		expect(next.items.map((i) => i.omsId)).toEqual(['shopify:fresh']);
		expect(next.total).toBe(items.length + 1);
		const later = await listAttention(store, { now: at(97 * H), seenKeys: next.keys });
		// a day later: the young review is overdue, the young 940 and the young received order are owed now
		expect(later.items.map((i) => [i.omsId, i.reasonLabel])).toEqual([
			['shopify:review-young', 'Fraud review (overdue)'],
			['shopify:edi-young', 'EDI 940 without a 997'],
			['shopify:received-young', 'Stuck received, not screened or routed'],
		]);

		// the digest: one message of the new items, oldest first
		const digest = attentionDigest(next)!;
		expect(digest).toMatchObject({ count: 1, total: items.length + 1, subject: `OMS: 1 new thing needs attention (${items.length + 1} open)` });
		expect(digest.text).toContain('Held by an Operator: shopify:fresh, order #fresh, 1 min - call the buyer');
		expect(digest.html).toContain('<td>shopify:fresh</td>');

		// limited to channels; a bad threshold is a clear error
		expect((await listAttention(store, { now: NOW, channels: ['amazon'] })).items).toEqual([]);
		await expect(listAttention(store, { now: NOW, stuckMinutes: -1 })).rejects.toThrow(/stuckMinutes must be a number of at least 0, not -1/);
	});

	it('lists calls owed to a channel that failed for good or are overdue, and drops each once it is sent', async () => {
		const confirm = (omsId: string, packageKey: string) => ({ kind: 'confirmation' as const, channel: 'shopify', omsId, packageKey, payload: { trackingNumber: packageKey } });
		const push = (channel: string, sku: string, quantity: number) => ({ kind: 'quantity' as const, channel, sku, quantity });
		const enqueue = async (minutes: number, call: Parameters<Store['enqueueChannelCalls']>[0][number]) => {
			when(at(minutes));
			return (await store.enqueueChannelCalls([call]))[0].call;
		};
		const fail = async (minutes: number, call: { id: number; version: number }, error: string, retryAt: string | null) => {
			when(at(minutes));
			return store.markChannelCallFailed(call.id, call.version, { error, nextAttemptAt: retryAt });
		};
		const send = async (minutes: number, call: { id: number; version: number }) => {
			when(at(minutes));
			return store.markChannelCallSent(call.id, call.version, 'ref');
		};
		for (const id of ['conf-failed', 'conf-late', 'conf-young']) await store.setStatus((await recordAt(0, id)).omsId, 'shipped');
		// owed: a confirmation refused for good, a quantity push failed for good, a confirmation still retrying after 2 h
		const refused = await fail(1, await enqueue(0, confirm('shopify:conf-failed', 'PKG-1')), '422: tracking number is not valid', null);
		const pushFailed = await fail(3, await enqueue(2, push('amazon', 'SKU-1', 5)), '400: SKU-1 is not listed', null);
		const late = await fail(5, await enqueue(4, confirm('shopify:conf-late', 'PKG-2')), '503: Service Unavailable', at(200));
		// not owed: a young confirmation; a push sent, then superseded 10 min ago (owed anew since then); a sent one
		await enqueue(73 * H - 30, confirm('shopify:conf-young', 'PKG-3'));
		await send(11, await enqueue(10, push('amazon', 'SKU-2', 7)));
		const resent = await enqueue(73 * H - 10, push('amazon', 'SKU-2', 6));
		expect(resent).toMatchObject({ status: 'pending', createdAt: at(73 * H - 10) });
		await send(13, await enqueue(12, push('ebay', 'SKU-3', 1)));

		const { items } = await listAttention(store, { now: NOW });
		expect(items.map((i) => [i.kind, i.reason, i.reasonLabel, i.channel, i.omsId, i.reference, i.sku, i.quantity, i.ageMinutes, i.detail])).toEqual([
			['channel_call_failed', 'confirmation', 'Shipment confirmation failed', 'shopify', 'shopify:conf-failed', 'PKG-1', null, null, 73 * H - 1, '422: tracking number is not valid'],
			['channel_call_failed', 'quantity', 'Quantity push failed', 'amazon', null, null, 'SKU-1', 5, 73 * H - 3, '400: SKU-1 is not listed'],
			['channel_call_overdue', 'confirmation', 'Shipment confirmation not sent past its time', 'shopify', 'shopify:conf-late', 'PKG-2', null, null, 73 * H - 4, '503: Service Unavailable'],
		]);
		expect(items[0]).toMatchObject({ orderNumber: '#conf-failed', status: 'shipped' });
		expect(items[1]).toMatchObject({ orderNumber: null, status: null });
		// the overdue threshold is an option; channels filter on the call's channel
		expect((await listAttention(store, { now: NOW, channelCallOverdueMinutes: 5 })).items.map((i) => i.sku ?? i.omsId)).toEqual(['shopify:conf-failed', 'SKU-1', 'shopify:conf-late', 'shopify:conf-young', 'SKU-2']);
		expect((await listAttention(store, { now: NOW, channels: ['amazon'] })).items.map((i) => [i.kind, i.sku])).toEqual([['channel_call_failed', 'SKU-1']]);
		await expect(listAttention(store, { now: NOW, channelCallOverdueMinutes: -5 })).rejects.toThrow(/channelCallOverdueMinutes must be a number of at least 0, not -5/);
		// the report and the digest show them
		const report = await runReport(store, { report: 'attention', period: { preset: 'today' } }, () => new Date(NOW));
		expect(report.rows.map((r) => [r.reason, r.omsId, r.sku, r.quantity])).toEqual(items.map((i) => [i.reasonLabel, i.omsId, i.sku, i.quantity]));
		const digest = attentionDigest({ items, total: items.length })!;
		expect(digest.text).toContain('Quantity push failed: amazon SKU-1 (quantity 5), 3 d - 400: SKU-1 is not listed');
		expect(digest.text).toContain('Shipment confirmation failed: shopify:conf-failed (PKG-1), order #conf-failed, 3 d - 422: tracking number is not valid');

		// a newer push of the failed SKU supersedes it: owed since the failed one (the channel has been stale since), then sent
		const newer = await enqueue(73 * H, push('amazon', 'SKU-1', 4));
		expect(newer).toMatchObject({ id: pushFailed.id, status: 'pending', createdAt: at(2) });
		expect((await listAttention(store, { now: NOW })).items.filter((i) => i.sku === 'SKU-1').map((i) => i.kind)).toEqual(['channel_call_overdue']);
		await send(73 * H, newer);
		await send(73 * H, late);
		await send(73 * H, refused);
		expect((await listAttention(store, { now: NOW })).items).toEqual([]);
	});

	it('the recovery sweep finds orders left half-way and says where each goes on; held, queued and young ones stay', async () => {
		await recordAt(0, 'never-screened');
		const screened = await recordAt(1, 'screened');
		await store.recordFraudDecision(screened.omsId, { decision: 'pass', score: 0, reasons: [] }, 'v1');
		const ready = await recordAt(2, 'ready');
		await store.setStatus(ready.omsId, 'ready');
		// sent, but the order never moved to at_wms (the process died between the two writes)
		const sent = await recordAt(3, 'sent-not-moved');
		await store.setStatus(sent.omsId, 'ready');
		const d = await store.enqueueDelivery({ omsId: sent.omsId, shipmentNo: 1, provider: 'shipbob', reference: sent.omsId });
		await store.markDeliverySent(d.delivery.id, 'SB-1');
		// left alone
		const queued = await recordAt(4, 'queued');
		await store.setStatus(queued.omsId, 'ready');
		await store.enqueueDelivery({ omsId: queued.omsId, shipmentNo: 1, provider: 'shipbob', reference: queued.omsId });
		const held = await recordAt(5, 'held');
		await store.setStatus(held.omsId, 'on_hold', { hold: hold('wms_failed', at(5), 'refused') });
		const atWms = await recordAt(6, 'at-wms');
		await store.setStatus(atWms.omsId, 'at_wms');
		await recordAt(58, 'young');

		const stuck = await findStuckOrders(store, { now: at(60), olderThanMinutes: 5 });
		expect(stuck.map((s) => [s.stored.order.omsId, s.stage, s.why])).toEqual([
			['shopify:never-screened', 'screen', 'recorded but never screened'],
			['shopify:screened', 'fulfil', 'screened but never reserved and routed'],
			['shopify:ready', 'fulfil', 'ready but never sent to the WMS'],
			['shopify:sent-not-moved', 'fulfil', 'ready but never sent to the WMS'],
		]);
		expect((await findStuckOrders(store, { now: at(60), olderThanMinutes: 5, limit: 2 })).length).toBe(2);
		// the young one once it is old enough
		expect((await findStuckOrders(store, { now: at(64), olderThanMinutes: 5 })).map((s) => s.stored.order.omsId)).toContain('shopify:young');
		await expect(findStuckOrders(store, { now: at(60), limit: 0 })).rejects.toThrow(/Limit must be a whole number of at least 1, not 0/);
	});

	describe('a WMS delivery failed for good', () => {
		let sb: WmsSandbox;
		beforeEach(async () => {
			sb = await startWmsSandbox({ shipbob: { rateLimit: false } });
		});
		afterEach(async () => {
			await sb.close();
		});

		it('holds the order with the WMS words in the same transaction; Release queues it once; the outbox sends it once', async () => {
			const p = createShipBobProvider({ baseUrl: sb.baseUrls.shipbob, ...SANDBOX_CREDENTIALS.shipbob }, testDeps({ rateLimit: false, retry: { maxAttempts: 1 } }));
			const bad = { ...order('no-city'), shipTo: { ...order('no-city').shipTo!, city: null } };
			when(at(0));
			await store.recordOrder(bad);
			await store.setStatus(bad.omsId, 'ready');
			when(at(1));
			const r = await pushOrder(store, p, bad, { now: at(1) });
			expect(r).toMatchObject({ outcome: 'failed', delivery: { status: 'failed' } });
			const heldOrder = (await store.getOrder(bad.omsId))!;
			expect(heldOrder).toMatchObject({ status: 'on_hold', hold: { reason: 'wms_failed', since: at(1), detail: r.error } });
			expect(r.error).toMatch(/City/);
			const statusEvent = (await store.timeline(bad.omsId)).filter((e) => e.type === 'status').at(-1)!;
				expect(statusEvent).toMatchObject({ fromStatus: 'ready', toStatus: 'on_hold', detail: { transition: 'wms_failed', hold: 'wms_failed', reference: bad.omsId } });
			// in the queue, with the WMS's words
			const queue = await listAttention(store, { now: at(10) });
			expect(queue.items.map((i) => [i.kind, i.omsId, i.reason, i.detail])).toEqual([['held', bad.omsId, 'wms_failed', r.error]]);
			// nothing sends it while it is held
			expect((await retryPending(store, { shipbob: p }, { now: at(20) })).claimed).toBe(0);

			// a person fixes the address on the channel (a newer version) and releases it; two at once release once
			when(at(30));
			await store.recordOrder({ ...order('no-city'), updatedAt: '2026-05-01T15:00:00Z' });
			const both = await Promise.allSettled([
				releaseWmsHold(store, bad.omsId, { by: 'ops', note: 'city added' }),
				releaseWmsHold(store, bad.omsId, { by: 'ops2', note: null }),
			]);
			const done = both.filter((x) => x.status === 'fulfilled').map((x) => (x as PromiseFulfilledResult<Awaited<ReturnType<typeof releaseWmsHold>>>).value);
			expect(done.filter((x) => x.changed)).toHaveLength(1);
			expect(done.flatMap((x) => x.requeued).map((d) => [d.reference, d.status, d.attempts])).toEqual([[bad.omsId, 'pending', 0]]);
			for (const x of both) if (x.status === 'rejected') expect(String(x.reason)).toMatch(/is ready: Release moves only an order on hold because its WMS delivery failed/);
			expect((await store.getOrder(bad.omsId))!).toMatchObject({ status: 'ready', hold: null });
			expect((await listAttention(store, { now: at(31) })).items).toEqual([]);

			// sent once: the outbox claims it, a second run finds nothing
			const first = await retryPending(store, { shipbob: p }, { now: at(31) });
			expect(first).toMatchObject({ claimed: 1, sent: 1 });
			expect((await retryPending(store, { shipbob: p }, { now: at(60) })).claimed).toBe(0);
			expect(sb.control.orders('shipbob')).toHaveLength(1);
			expect((await store.getOrder(bad.omsId))!.status).toBe('at_wms');
			// a release now is a clear error that changes nothing
			await expect(releaseWmsHold(store, bad.omsId, { by: 'ops', note: null })).rejects.toThrow(/is at wms: Release moves only/);
			await expect(releaseWmsHold(store, 'shopify:never-seen', { by: 'ops', note: null })).rejects.toThrow(/shopify:never-seen/);
		});

		it('a later shipment failing leaves an order at the WMS where it is (the failed delivery shows in the queue)', async () => {
			const p = createShipBobProvider({ baseUrl: sb.baseUrls.shipbob, ...SANDBOX_CREDENTIALS.shipbob }, testDeps({ rateLimit: false, retry: { maxAttempts: 1 } }));
			const o = order('later', [{ sku: 'SKU-1', quantity: 1 }]);
			await store.recordOrder(o);
			await store.setStatus(o.omsId, 'at_wms');
			sb.control.fault({ provider: 'shipbob', kind: '503', times: Infinity });
			const r = await pushOrder(store, p, o, { now: at(1), shipmentNo: 2, requireReady: false, backoff: { maxAttempts: 1 } });
			expect(r.outcome).toBe('failed');
			expect((await store.getOrder(o.omsId))!).toMatchObject({ status: 'at_wms', hold: null });
			expect((await listAttention(store, { now: at(2) })).items.map((i) => [i.kind, i.reference])).toEqual([['wms_failed', `${o.omsId}#2`]]);
		});
	});
});
