/**
 * The OMS Returns node through n8n-core's WorkflowExecute, on SQLite and PostgreSQL: every operation (Record, Create by
 * Hand, Authorise, Receive, Inspect, Close, Decline, Cancel, Exchange, Get, List), its outputs (Done, Held for a Person, No
 * Change), bad input on that item only (the error output), the rules as parameters, and restock once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { INodeParameters } from 'n8n-workflow';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllStores } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';
import type { OrderLine } from '../../lib/order/types';
import { buildWorkflow, nodeError, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';
import { makeReturn } from '../helpers/returns';
import { FakeRefunds } from '../helpers/fake-refunds';
import { retryChannelCalls } from '../../lib/flows/channel-calls';
import { pgSetup as pgSetupFor, sqliteSetup as sqliteSetupFor, type StoreCredentials } from '../helpers/store-credentials';

const dir = mkdtempSync(join(tmpdir(), 'oms-returns-'));
const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };

afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const line = (lineId: string, sku: string, quantity: number, unitPrice: number): OrderLine => ({ lineId, sku, title: null, quantity, unitPrice, lineTotal: quantity * unitPrice });
const DAY = 86_400_000;

/** Run the Returns node once on these items; its four outputs (Done, Held for a Person, No Change, errors). */
async function run(credentials: StoreCredentials, items: unknown[], parameters: INodeParameters) {
	const wf = buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			{ name: 'Returns', type: 'n8n-nodes-oms-wms.omsReturns', parameters, credentials: CRED, onError: 'continueErrorOutput' },
		],
		[
			['Start', 'Items'],
			['Items', 'Returns'],
		],
	);
	const r = await runWorkflow(wf, { credentials });
	const out = outputsOf(r, 'Returns');
	while (out.length < 4) out.push([]);
	return { r, out };
}

/** A delivered order of 2 x MUG at 20 (line 1) and 1 x CUP at 10 (line 2), and when it was delivered. */
async function deliveredOrder(store: Store, id: string) {
	const order = makeOrder({ channelOrderId: id, lines: [line('1', 'MUG', 2, 20), line('2', 'CUP', 1, 10)] });
	await store.recordOrder(order);
	await store.setStatus(order.omsId, 'delivered');
	const deliveredAt = (await store.timeline(order.omsId)).find((e) => e.toStatus === 'delivered')!.at;
	return { order, deliveredAt, after: (days: number) => new Date(Date.parse(deliveredAt) + days * DAY).toISOString() };
}

const onHand = async (store: Store, sku: string) => (await store.getStock([sku]))[0]?.onHand;

describe.each([
	['SQLite', sqliteSetupFor(dir, 'returns')],
	['PostgreSQL', pgSetupFor('returns')],
])('OMS Returns on %s', (_name, setup) => {
	it('Record: new to Done, a repeat to No Change; an invalid return, an unknown order or too many units are that item’s error', async () => {
		const { credentials, store } = await setup();
		const { order } = await deliveredOrder(store, 'rec');
		const ret = makeReturn(order.omsId, { lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: 'SIZE_TOO_SMALL', reason: 'size_fit' }] });
		const bad = { ...makeReturn(order.omsId), lines: [] };
		const unknown = makeReturn('shopify:nope', { lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unknown' }] });
		const tooMany = makeReturn(order.omsId, { lines: [{ lineId: '2', sku: 'CUP', quantity: 2, channelReason: null, reason: 'unknown' }] });
		const { out } = await run(credentials, [ret, bad, unknown, tooMany, ret], { operation: 'record' });
		const [done, held, same, errors] = out;
		expect(done.map((x) => [x.returnId, (x.oms as { outcome: string }).outcome, (x.oms as { status: string }).status])).toEqual([[ret.returnId, 'new', 'requested']]);
		expect(held).toEqual([]);
		expect(same.map((x) => [x.returnId, (x.oms as { outcome: string }).outcome])).toEqual([[ret.returnId, 'duplicate']]);
		expect(errors.map((e) => e.error)).toEqual([
			expect.stringMatching(/^Invalid return shopify:R\d+: 1 problem\n\$\.lines: must have at least one line$/),
			expect.stringMatching(/refused: the OMS has no such order/),
			expect.stringMatching(/refused: it takes back more units.*returns 2 units of order line "2" \(CUP\), but only 1 can be/s),
		]);
		expect((errors[0].details as { problems: unknown[] }).problems).toEqual([{ path: '$.lines', message: 'must have at least one line' }]);
		expect((await store.listReturns(order.omsId)).map((r) => r.ret.returnId)).toEqual([ret.returnId]);
	});

	it('Create by Hand: SKU, units and reason from fields, no JSON; run again without a reference it is found, not made twice; bad lines name the field', async () => {
		const { credentials, store } = await setup();
		const { order, after } = await deliveredOrder(store, 'hand');
		const params = {
			operation: 'createByHand',
			omsId: order.omsId,
			lines: { line: [{ sku: 'MUG', quantity: 2, reason: 'defective', note: 'cracked' }, { sku: 'CUP', quantity: 1, reason: 'unwanted' }] },
			requestedAt: after(3),
		};
		const first = await run(credentials, [{}], params);
		expect(first.out[3]).toEqual([]);
		const made = first.out[0][0];
		expect(made).toMatchObject({
			returnId: `manual:${order.omsId}/CUPx1+MUGx2`,
			omsId: order.omsId,
			channel: 'manual',
			channelState: 'requested',
			requestedAt: after(3),
			lines: [
				{ lineId: '1', sku: 'MUG', quantity: 2, channelReason: null, reason: 'defective', note: 'cracked' },
				{ lineId: '2', sku: 'CUP', quantity: 1, channelReason: null, reason: 'unwanted' },
			],
			oms: { status: 'requested', outcome: 'new' },
		});
		const again = await run(credentials, [{}], params);
		expect(again.out[0]).toEqual([]);
		expect(again.out[2]).toEqual([expect.objectContaining({ returnId: made.returnId, oms: expect.objectContaining({ outcome: 'duplicate', why: expect.stringContaining('give a Return Reference') }) })]);
		// every unit is taken now: another return (with a reference) of the same units is refused, naming the line
		const more = await run(credentials, [{}], { ...params, reference: 'RMA-2', lines: { line: [{ sku: 'MUG', quantity: 1, reason: 'unwanted' }, { sku: 'PLATE', quantity: 1, reason: 'unwanted' }] } });
		expect(more.out[0]).toEqual([]);
		expect(more.out[3][0].error).toMatch(/Lines\[0\]\.quantity: returns 1 units of MUG, but only 0 can come back/);
		expect(more.out[3][0].error).toMatch(/Lines\[1\]\.sku: order shopify:hand has no line of SKU "PLATE"/);
		// the order from the item ({{ $json.omsId }}, read directly), unknown: that item's error
		const fromItem = await run(credentials, [{ omsId: 'shopify:missing' }], { ...params, omsId: '={{ $json.omsId }}' });
		expect(fromItem.out[3][0].error).toMatch(/No order shopify:missing in the OMS store/);
		expect(await store.listReturns(order.omsId)).toHaveLength(1);
	});

	it('Authorise: within N days of delivery to Done, later (or rule off is a person’s approval) as set; the refund when due on authorisation, with the restocking fee', async () => {
		const { credentials, store } = await setup();
		const { order, after } = await deliveredOrder(store, 'auth');
		const soon = makeReturn(order.omsId, { requestedAt: after(5), updatedAt: after(5), lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		const late = makeReturn(order.omsId, { requestedAt: after(45), updatedAt: after(45), lines: [{ lineId: '2', sku: 'CUP', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		for (const r of [soon, late]) await store.recordReturn(r);
		const rules = { autoAuthoriseWithinDays: 30, refundOn: 'authorisation', restockingFee: 'percent', restockingFeePercent: 10 };
		const { out } = await run(credentials, [{ returnId: soon.returnId }, { returnId: late.returnId }, { returnId: 'shopify:none' }], { operation: 'authorise', ...rules });
		const [done, held, same, errors] = out;
		expect(done.map((x) => [x.returnId, (x.oms as { status: string }).status])).toEqual([[soon.returnId, 'authorised']]);
		expect(done[0].refund).toEqual({ currency: 'USD', status: 'pending', lines: [{ lineId: '1', amount: 20, tax: 0, restockingFee: 2 }], shipping: 0, returnShippingFee: 0, total: 18 });
		expect(done[0].oms).toMatchObject({ outcome: 'moved', refundComputed: true, why: expect.stringMatching(/^requested 5 days after delivery, within 30 days/), refundCall: { channel: 'shopify', status: 'pending', outcome: 'owed' } });
		expect((await store.listChannelCalls({ kind: 'refund' })).map((c) => [c.payload?.returnId, c.payload?.totalMinor])).toEqual([[soon.returnId, 1800]]);
		expect(held.map((x) => [x.returnId, (x.oms as { status: string }).status, (x.oms as { why: string }).why])).toEqual([[late.returnId, 'requested', expect.stringMatching(/later than 30 days: a person decides/)]]);
		expect(same).toEqual([]);
		expect(errors.map((e) => e.error)).toEqual([expect.stringMatching(/No return shopify:none in the OMS store/)]);
		// a person approves the late one: Authorise Automatically off
		const person = await run(credentials, [{ returnId: late.returnId }, { returnId: soon.returnId }], { operation: 'authorise', autoAuthorise: false });
		expect(person.out[0].map((x) => [x.returnId, (x.oms as { status: string }).status])).toEqual([[late.returnId, 'authorised']]);
		expect(person.out[2].map((x) => x.returnId)).toEqual([soon.returnId]);
		// the default refund moment is receipt: none yet
		expect(person.out[0][0].refund).toBeNull();
		expect((await store.returnTimeline(late.returnId)).map((e) => [e.type, e.toStatus])).toEqual([['recorded', 'requested'], ['status', 'authorised']]);
	});

	it('Receive: carrier and tracking kept, dispositions by rule and per SKU, restocked units on hand once (a repeat and the next WMS count add nothing), republished SKUs; not authorised: Held', async () => {
		const { credentials, store } = await setup();
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 10, countedAt: '2026-01-01T00:00:00.000Z' }, { sku: 'CUP', onHand: 3, countedAt: '2026-01-01T00:00:00.000Z' }]);
		const { order, after } = await deliveredOrder(store, 'recv');
		const ret = makeReturn(order.omsId, {
			channelState: 'authorised',
			requestedAt: after(2),
			updatedAt: after(2),
			lines: [
				{ lineId: '1', sku: 'MUG', quantity: 2, channelReason: null, reason: 'unwanted' },
				{ lineId: '2', sku: 'CUP', quantity: 1, channelReason: null, reason: 'defective' },
			],
		});
		await store.recordReturn(ret);
		const receivedAt = '2026-06-01T10:00:00.000Z';
		const params = {
			operation: 'receive',
			carrier: 'UPS',
			trackingNumber: '1ZRET',
			at: receivedAt,
			lineDispositions: { line: [{ sku: 'MUG', disposition: 'quarantine', quantity: 1 }] },
		};
		const first = await run(credentials, [{ returnId: ret.returnId }], params);
		expect(first.out[3]).toEqual([]);
		const got = first.out[0][0];
		expect(got.shipment).toEqual({ carrier: 'UPS', trackingNumber: '1ZRET', trackingUrl: null, labelCost: null });
		// MUG: 1 quarantined (per SKU), 1 restocked (the rule); CUP is defective: it needs inspection, no disposition yet
		expect(got.lines).toEqual([
			expect.objectContaining({ lineId: '1', dispositions: [{ disposition: 'quarantine', quantity: 1 }, { disposition: 'restock', quantity: 1 }] }),
			expect.not.objectContaining({ dispositions: expect.anything() }),
		]);
		expect(got.oms).toMatchObject({ status: 'received', outcome: 'moved', restocked: [{ lineId: '1', sku: 'MUG', location: 'default', quantity: 1 }], republishSkus: ['MUG'] });
		// a return that needs inspection computes no refund on receipt
		expect(got.refund).toBeNull();
		expect(await onHand(store, 'MUG')).toBe(11);
		// Receive again: No Change, nothing restocked a second time
		const again = await run(credentials, [{ returnId: ret.returnId }], params);
		expect(again.out[2][0].oms).toMatchObject({ outcome: 'unchanged', restocked: [], restockedBefore: ['1'], republishSkus: [] });
		expect(await onHand(store, 'MUG')).toBe(11);
		// the WMS's next count has the unit: on hand +1 in all, not +2
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 11, countedAt: '2026-06-01T12:00:00.000Z' }]);
		expect(await onHand(store, 'MUG')).toBe(11);
		expect(await store.pendingRestocks()).toEqual([]);
		// a return nobody authorised is not received: Held for a Person, with why
		const cupOrder = await deliveredOrder(store, 'recv2');
		const req2 = makeReturn(cupOrder.order.omsId, { lines: [{ lineId: '2', sku: 'CUP', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		await store.recordReturn(req2);
		const notYet = await run(credentials, [{ returnId: req2.returnId }, { returnId: ret.returnId }], { operation: 'receive', disposition: 'bogus' });
		// a disposition that is none of the options: each item's error, nothing written
		expect(notYet.out[1]).toEqual([]);
		expect(notYet.out[3].map((e) => e.error)).toEqual([expect.stringMatching(/Disposition must be one of .*got "bogus"/), expect.stringMatching(/Disposition must be one of .*got "bogus"/)]);
		const held = await run(credentials, [{ returnId: req2.returnId }], { operation: 'receive' });
		expect(held.out[1].map((x) => [x.returnId, (x.oms as { why: string }).why])).toEqual([[req2.returnId, 'a return that is requested cannot move to received (received)']]);
		expect(await onHand(store, 'CUP')).toBe(3);
	});
});

describe.each([
	['SQLite', sqliteSetupFor(dir, 'returns2')],
	['PostgreSQL', pgSetupFor('returns2')],
])('OMS Returns steps on %s', (_name, setup) => {
	it('Inspect: each unit’s disposition, restocked ones on hand once, the refund due on inspection; Close held until the refund is refunded', async () => {
		const { credentials, store } = await setup();
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 4, countedAt: '2026-01-01T00:00:00.000Z' }]);
		const { order } = await deliveredOrder(store, 'insp');
		const ret = makeReturn(order.omsId, { channelState: 'received', lines: [{ lineId: '1', sku: 'MUG', quantity: 2, channelReason: null, reason: 'damaged' }] });
		await store.recordReturn(ret);
		// received by the channel's word: the refund waits for inspection (damaged needs it)
		const closeEarly = await run(credentials, [{ returnId: ret.returnId }], { operation: 'close' });
		expect(closeEarly.out[1][0].oms).toMatchObject({ outcome: 'held', why: expect.stringMatching(/no refund is recorded yet/) });
		const inspected = await run(credentials, [{ returnId: ret.returnId }], {
			operation: 'inspect',
			disposition: 'restock',
			lineDispositions: { line: [{ sku: 'MUG', disposition: 'dispose', quantity: 1 }] },
			at: '2026-06-02T09:00:00.000Z',
		});
		expect(inspected.out[3]).toEqual([]);
		const got = inspected.out[0][0];
		expect(got.lines).toEqual([expect.objectContaining({ dispositions: [{ disposition: 'dispose', quantity: 1 }, { disposition: 'restock', quantity: 1 }] })]);
		expect(got.oms).toMatchObject({ status: 'inspected', outcome: 'moved', refundComputed: true, republishSkus: ['MUG'] });
		// the refund is owed to the order's channel in the channel outbox (the Marketplace node's Retry Pending sends it)
		const [owed] = await store.listChannelCalls({ kind: 'refund' });
		expect((got.oms as { refundCall: unknown }).refundCall).toEqual({ id: owed.id, channel: 'shopify', status: 'pending', outcome: 'owed', error: null });
		// damaged is the seller's fault: no fee; 1 of 2 units... both units returned: 2 x 20
		expect(got.refund).toMatchObject({ status: 'pending', total: 40 });
		expect(await onHand(store, 'MUG')).toBe(5);
		// a WMS count taken before the inspection does not take the unit away
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 4, countedAt: '2026-06-02T08:00:00.000Z' }]);
		expect(await onHand(store, 'MUG')).toBe(5);
		// Close: held while the refund is pending, Done once the channel refunded it
		const held = await run(credentials, [{ returnId: ret.returnId }], { operation: 'close' });
		expect(held.out[1][0].oms).toMatchObject({ outcome: 'held', why: 'the refund is pending, not refunded yet' });
		// the channel's outbox drained (what Retry Pending runs): sent once, the return's refund refunded
		const channel = new FakeRefunds();
		const retry = await retryChannelCalls(store, channel.client('shopify'));
		expect(retry.results.map((x) => [x.call!.id, x.outcome])).toEqual([[owed.id, 'sent']]);
		expect(channel.writes.map((w) => [w.idempotencyKey, w.totalMinor])).toEqual([[ret.returnId, 4000]]);
		expect((await store.getReturn(ret.returnId))!.ret.refund).toMatchObject({ status: 'refunded', channelRefundId: 'RF1' });
		const closed = await run(credentials, [{ returnId: ret.returnId }], { operation: 'close' });
		expect(closed.out[0][0].oms).toMatchObject({ status: 'closed', outcome: 'moved' });
		const closedAgain = await run(credentials, [{ returnId: ret.returnId }], { operation: 'close' });
		expect(closedAgain.out[2][0].oms).toMatchObject({ status: 'closed', outcome: 'unchanged' });
	});

	it('Decline, Cancel, Get and List: Done, No Change on a repeat, Held when the step does not apply; an unknown return is that item’s error', async () => {
		const { credentials, store } = await setup();
		const { order } = await deliveredOrder(store, 'dc');
		const a = makeReturn(order.omsId, { lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		const b = makeReturn(order.omsId, { channelState: 'authorised', lines: [{ lineId: '2', sku: 'CUP', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		for (const r of [a, b]) await store.recordReturn(r);
		const declined = await run(credentials, [{ returnId: a.returnId }, { returnId: b.returnId }, { returnId: 'x:1' }], { operation: 'decline', note: 'past the window' });
		expect(declined.out[0].map((x) => [x.returnId, (x.oms as { status: string }).status])).toEqual([[a.returnId, 'declined']]);
		expect(declined.out[1].map((x) => [x.returnId, (x.oms as { why: string }).why])).toEqual([[b.returnId, 'a return that is authorised cannot be declined (only a requested one)']]);
		expect(declined.out[3].map((e) => e.error)).toEqual([expect.stringMatching(/No return x:1/)]);
		expect((await store.returnTimeline(a.returnId)).at(-1)).toMatchObject({ toStatus: 'declined', detail: { note: 'past the window', transition: 'operator_declined' } });
		const cancelled = await run(credentials, [{ returnId: b.returnId }, { returnId: a.returnId }], { operation: 'cancel' });
		expect(cancelled.out[0].map((x) => [x.returnId, (x.oms as { status: string }).status])).toEqual([[b.returnId, 'cancelled']]);
		expect(cancelled.out[1].map((x) => x.returnId)).toEqual([a.returnId]);
		const again = await run(credentials, [{ returnId: b.returnId }], { operation: 'cancel' });
		expect(again.out[2].map((x) => x.returnId)).toEqual([b.returnId]);

		const c = makeReturn(order.omsId, { lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		await store.recordReturn(c);
		const got = await run(credentials, [{ returnId: c.returnId }, { returnId: '' }], { operation: 'get' });
		expect(got.out[0].map((x) => [x.returnId, (x.oms as { status: string }).status])).toEqual([[c.returnId, 'requested']]);
		expect(got.out[3].map((e) => e.error)).toEqual([expect.stringMatching(/^Return ID is empty/)]);
		const byOrder = await run(credentials, [{ omsId: order.omsId }], { operation: 'list', listBy: 'order', listOmsId: '={{ $json.omsId }}' });
		expect(byOrder.out[0].map((x) => x.returnId).sort()).toEqual([a.returnId, b.returnId, c.returnId].sort());
		const byStatus = await run(credentials, [{}], { operation: 'list', listBy: 'status', statuses: ['requested', 'cancelled'] });
		expect(byStatus.out[0].map((x) => x.returnId)).toEqual([b.returnId, c.returnId]);
		const limited = await run(credentials, [{}], { operation: 'list', listBy: 'status', statuses: ['requested', 'cancelled'], limit: 1 });
		expect(limited.out[0]).toHaveLength(1);
	});

	it('Exchange: the replacement order (swaps from fields, no charge) to Done for OMS Order Record; a repeat to No Change; a return owed money is that item’s error', async () => {
		const { credentials, store } = await setup();
		const { order } = await deliveredOrder(store, 'ex');
		const a = makeReturn(order.omsId, { channelState: 'authorised', lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'size_fit' }] });
		const b = makeReturn(order.omsId, { channelState: 'authorised', lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		for (const r of [a, b]) await store.recordReturn(r);
		// b is owed money already: its refund was computed on authorisation
		await store.transitionReturn(b.returnId, { by: 'test', refund: { currency: 'USD', status: 'pending', lines: [{ lineId: '1', amount: 10, tax: 0, restockingFee: 0 }], shipping: 0, returnShippingFee: 0, total: 10 } });
		const params = { operation: 'exchange', replace: { swap: [{ sku: 'MUG', withSku: 'MUG-BLUE' }] } };
		const first = await run(credentials, [{ returnId: a.returnId }, { returnId: b.returnId }], params);
		expect(first.out[0].map((x) => [x.omsId, x.channel, (x.lines as Array<{ sku: string; quantity: number; unitPrice: number }>).map((l) => [l.sku, l.quantity, l.unitPrice]), (x.totals as { total: number }).total])).toEqual([
			[`exchange:${a.returnId}`, 'exchange', [['MUG-BLUE', 1, 0]], 0],
		]);
		expect(first.out[3].map((e) => e.error)).toEqual([expect.stringMatching(/its refund of 10 USD is pending already, so an exchange would give the customer both/)]);
		expect((await store.getReturn(a.returnId))?.ret.refund).toMatchObject({ total: 0, status: 'refunded', exchangeOmsId: `exchange:${a.returnId}` });
		const again = await run(credentials, [{ returnId: a.returnId }], params);
		expect(again.out[2].map((x) => [x.omsId, (x.exchange as { outcome: string }).outcome])).toEqual([[`exchange:${a.returnId}`, 'unchanged']]);
	});

	it('rules a person cannot have meant fail the node, naming the parameter; nothing is written', async () => {
		const { credentials, store } = await setup();
		const { order } = await deliveredOrder(store, 'bad');
		const a = makeReturn(order.omsId, { lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		await store.recordReturn(a);
		const { r } = await run(credentials, [{ returnId: a.returnId }], { operation: 'authorise', restockingFee: 'percent', restockingFeePercent: 12.345 });
		expect(nodeError(r, 'Returns')?.message).toMatch(/The return rules cannot be used: Fee Percent: must be a percent from 0 to 100 with at most two decimals, got 12.345/);
		expect((await store.getReturn(a.returnId))!.status).toBe('requested');
	});
});

describe.each([
	['SQLite', sqliteSetupFor(dir, 'returns3')],
	['PostgreSQL', pgSetupFor('returns3')],
])('OMS Returns to the channels on %s', (_name, setup) => {
	it('Receive -> Inventory Allocator > Release (as in OMS 11): the restocked unit reaches the channel quantity once; a repeat goes to No Change and publishes nothing', async () => {
		const { credentials, store } = await setup();
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 3, countedAt: '2026-01-01T00:00:00.000Z' }, { sku: 'CUP', onHand: 2, countedAt: '2026-01-01T00:00:00.000Z' }]);
		const { order } = await deliveredOrder(store, 'pub');
		const ret = makeReturn(order.omsId, { channelState: 'authorised', lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		await store.recordReturn(ret);
		const chain = () =>
			runWorkflow(
				buildWorkflow(
					[
						{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
						{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify([{ returnId: ret.returnId }]) } },
						{ name: 'Receive', type: 'n8n-nodes-oms-wms.omsReturns', parameters: { operation: 'receive', at: '2026-06-01T10:00:00.000Z' }, credentials: CRED, onError: 'continueErrorOutput' },
						{
							name: 'Republish Stock',
							type: 'n8n-nodes-oms-wms.inventoryAllocator',
							parameters: { operation: 'release', channels: ['shopify'], omsId: '={{ $json.omsId }}', onlyEnded: true, channelRules: { rule: [{ channel: 'shopify', sharePercent: 100, options: {} }] } },
							credentials: CRED,
						},
					],
					[
						['Start', 'Items'],
						['Items', 'Receive'],
						['Receive', 'Republish Stock', 0],
					],
				),
				{ credentials },
			);
		const first = await chain();
		expect(first.error).toBeUndefined();
		expect(outputsOf(first, 'Receive')[0]).toHaveLength(1);
		const [result, changes] = outputsOf(first, 'Republish Stock');
		// a shipped order gives nothing back: only the republish of its SKUs, MUG now 4 (3 + the restocked unit)
		expect(result).toEqual([expect.objectContaining({ omsId: order.omsId, released: [], kept: expect.stringContaining('not cancelled') })]);
		expect(changes.filter((c) => c.sku === 'MUG').map((c) => [c.channel, c.quantity])).toEqual([['shopify', 4]]);
		expect((await store.getPublished('shopify', ['MUG']))[0].quantity).toBe(4);
		// Receive again: No Change (nothing restocked), so nothing goes on to republish
		const again = await chain();
		expect(outputsOf(again, 'Receive')[2]).toEqual([expect.objectContaining({ oms: expect.objectContaining({ outcome: 'unchanged', restocked: [], republishSkus: [] }) })]);
		expect(again.executionOrder).not.toContain('Republish Stock');
		expect((await store.getPublished('shopify', ['MUG']))[0].quantity).toBe(4);
		expect(await onHand(store, 'MUG')).toBe(4);

		// the channel said received first: the warehouse's Receive restocks (Done, republished) though the status stands
		const told = makeReturn(order.omsId, { channelState: 'received', lines: [{ lineId: '2', sku: 'CUP', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		await store.recordReturn(told);
		const r = await run(credentials, [{ returnId: told.returnId }], { operation: 'receive', at: '2026-06-01T11:00:00.000Z' });
		expect(r.out[0].map((x) => x.oms)).toEqual([expect.objectContaining({ status: 'received', outcome: 'unchanged', restocked: [{ lineId: '2', sku: 'CUP', location: 'default', quantity: 1 }], republishSkus: ['CUP'] })]);
		expect(await onHand(store, 'CUP')).toBe(3);
	});
});
