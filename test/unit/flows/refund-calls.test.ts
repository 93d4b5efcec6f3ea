/**
 * The channel outbox's refund kind (lib/flows/channel-calls.ts refundReturnOnChannel, sendRefund): a return's refund
 * owed once per channel and return, sent once, asked for first after a lost answer, retried by backoff, failed for a
 * person on a refusal (Attention), and the return's refund refunded once sent, so Close closes it. The channel here is
 * a fake that keeps the refunds it made by idempotency key, as Shopify does; the clients against the sandboxes are
 * tested in test/unit/channels. The outbox runs on the times the test passes, never on the wall clock.
 */
import { closeReturn, receiveReturn, recordReturn } from '../../../lib/flows';
import { refundReturnOnChannel, resendFailedChannelCalls, retryChannelCalls } from '../../../lib/flows/channel-calls';
import { attentionQueue } from '../../../lib/report/reports/attention';
import { DEFAULT_RETURN_RULES, type ReturnRules } from '../../../lib/returns/rules';
import type { ChannelClient } from '../../../lib/channels/types';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';
import { makeReturn } from '../../helpers/returns';
import { FakeRefunds } from '../../helpers/fake-refunds';
import { createChannelClient } from '../../../lib/channels/clients';
import { normalizeOrder } from '../../../lib/channels/normalize';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../sandbox/channels/woocommerce';
import { generateOrders, type SeedOrder } from '../../sandbox/generator';
import { isolated, request as realRequest, VirtualClock } from '../../sandbox/testkit';

const T0 = '2026-05-12T10:00:00.000Z';
const later = (hours: number) => new Date(Date.parse(T0) + hours * 3600_000).toISOString();
const BACKOFF = { random: () => 0 };
const rules = (over: Partial<ReturnRules> = {}): ReturnRules => ({ ...DEFAULT_RETURN_RULES, refundTax: false, ...over });

let store: Store;
let fake: FakeRefunds;
let clock = new Date(T0);
beforeEach(async () => {
	clock = new Date(T0);
	store = await openSqliteStore(':memory:', { now: () => clock });
	fake = new FakeRefunds();
});
afterEach(async () => store.close());

/** An order of 3 x SKU-1 for 30.00 (line 1), all shipped and delivered */
async function shippedOrder(channel = 'shopify') {
	const order = makeOrder({ channel, lines: [{ lineId: '1', sku: 'SKU-1', title: null, quantity: 3, unitPrice: 10, lineTotal: 30 }] });
	await store.recordOrder(order);
	await store.recordShipment({ omsId: order.omsId, packageKey: 'P1', provider: 'generic', carrier: 'UPS', trackingNumber: '1Z', trackingUrl: null, shippedAt: '2026-05-03T10:00:00.000Z', lines: [{ sku: 'SKU-1', quantity: 3, lineId: '1' }] });
	await store.setStatus(order.omsId, 'delivered', { cause: 'test' });
	return order;
}

/** A shipped order of 3 x SKU-1 for 30.00, and a return of 1 unit received with its refund pending (due on receipt),
 * owed to the channel by Receive (no client given: not sent) */
async function receivedReturn(channel = 'shopify', over: Partial<ReturnRules> = {}) {
	const order = await shippedOrder(channel);
	const ret = makeReturn(order.omsId, { channelState: 'authorised', channelStatus: 'OPEN' });
	await recordReturn(store, ret, { cause: 'test' });
	const got = await receiveReturn(store, ret.returnId, { rules: rules(over), by: 'test' });
	expect(got.refund).toMatchObject({ status: 'pending', total: 10 });
	return { order, ret };
}

const refundCalls = () => store.listChannelCalls({ kind: 'refund' });

describe('the refund kind of the channel outbox', () => {
	it('is owed once per return, sent once, and the return refunded so Close closes it', async () => {
		const { order, ret } = await receivedReturn();
		const client = fake.client();
		const r = await refundReturnOnChannel(store, client, ret.returnId, { now: T0 });
		expect(r).toMatchObject({ outcome: 'sent', reference: 'RF1', call: { kind: 'refund', omsId: order.omsId, status: 'sent', attempts: 1 } });
		expect(fake.writes).toEqual([
			{
				channelOrderId: order.channelOrderId,
				channelReturnId: ret.channelReturnId,
				idempotencyKey: ret.returnId,
				currency: 'USD',
				lines: [{ lineId: '1', quantity: 1, amountMinor: 1000, taxMinor: 0, restockingFeeMinor: 0 }],
				shippingMinor: 0,
				returnShippingFeeMinor: 0,
				totalMinor: 1000,
				reason: `OMS return ${ret.returnId}`,
			},
		]);
		expect(fake.asked).toEqual([]); // nothing lost: not asked
		expect((await store.getReturn(ret.returnId))!.ret.refund).toMatchObject({ status: 'refunded', channelRefundId: 'RF1', total: 10 });
		// again (a re-run, Receive twice): the call owed before, not a second refund
		expect(await refundReturnOnChannel(store, client, ret.returnId, { now: later(1) })).toMatchObject({ outcome: 'already_sent' });
		expect(fake.writes).toHaveLength(1);
		expect(await refundCalls()).toHaveLength(1);
		expect((await closeReturn(store, ret.returnId, { by: 'ops' })).outcome).toBe('moved');
		const events = (await store.timeline(order.omsId)).filter((e) => (e.detail as { call?: string }).call === 'refund');
		expect(events.map((e) => e.detail)).toEqual([expect.objectContaining({ channel: 'shopify', call: 'refund', returnId: ret.returnId, outcome: 'refunded', refundId: 'RF1', totalMinor: 1000, currency: 'USD' })]);
	});

	it('after a lost answer asks the channel first and keeps the refund it shows, never refunding twice', async () => {
		const { ret } = await receivedReturn();
		const client = fake.client();
		fake.faults = ['lost'];
		const first = await refundReturnOnChannel(store, client, ret.returnId, { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'retry_scheduled', call: { status: 'pending', outcomeUnknown: true } });
		expect((await store.getReturn(ret.returnId))!.ret.refund?.status).toBe('pending');
		// the asking fails too: still unknown, still not sent again
		fake.faults = ['lost_ask'];
		expect((await retryChannelCalls(store, client, { now: later(2), backoff: BACKOFF })).results[0]).toMatchObject({ outcome: 'retry_scheduled', call: { outcomeUnknown: true } });
		const again = await retryChannelCalls(store, client, { now: later(4), backoff: BACKOFF });
		expect(again.results.map((x) => [x.call!.kind, x.outcome, x.reference])).toEqual([['refund', 'found_at_channel', 'RF1']]);
		expect(fake.writes).toHaveLength(1);
		expect(fake.asked).toEqual([ret.returnId, ret.returnId]);
		expect((await store.getReturn(ret.returnId))!.ret.refund).toMatchObject({ status: 'refunded', channelRefundId: 'RF1' });
	});

	it('a refund the channel did not make after an unavailable channel is retried by backoff, then sent', async () => {
		const { ret } = await receivedReturn();
		const client = fake.client();
		fake.faults = ['unavailable', 'unavailable'];
		const first = await refundReturnOnChannel(store, client, ret.returnId, { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'retry_scheduled', call: { status: 'pending', outcomeUnknown: false, attempts: 1 } });
		const next = first!.call!.nextAttemptAt!;
		expect(Date.parse(next)).toBeGreaterThan(Date.parse(T0));
		// not due before its time
		expect((await retryChannelCalls(store, client, { now: T0 })).claimed).toBe(0);
		expect((await retryChannelCalls(store, client, { now: next, backoff: BACKOFF })).results[0]).toMatchObject({ outcome: 'retry_scheduled', call: { attempts: 2 } });
		const done = await retryChannelCalls(store, client, { now: later(3), backoff: BACKOFF });
		expect(done.results.map((x) => x.outcome)).toEqual(['sent']);
		expect(fake.writes).toHaveLength(1);
		expect(fake.asked).toEqual([]); // a 503 says it was not applied: nothing to ask
		expect((await store.getReturn(ret.returnId))!.ret.refund?.status).toBe('refunded');
	});

	it('a refusal fails it for a person (Attention, the return refund failed with the words); Resend Failed sends it once', async () => {
		const { order, ret } = await receivedReturn();
		const client = fake.client();
		fake.faults = ['refused'];
		const r = await refundReturnOnChannel(store, client, ret.returnId, { now: T0, backoff: BACKOFF });
		expect(r).toMatchObject({ outcome: 'failed', call: { status: 'failed', nextAttemptAt: null }, failure: { status: 422 } });
		expect(r!.error).toMatch(/refund amount exceeds the refundable amount/);
		expect((await store.getReturn(ret.returnId))!.ret.refund).toMatchObject({ status: 'failed', error: expect.stringMatching(/exceeds the refundable amount/) });
		expect((await closeReturn(store, ret.returnId, { by: 'ops' })).outcome).toBe('held');
		const queue = await attentionQueue(store, later(1));
		expect(queue).toEqual([expect.objectContaining({ kind: 'channel_call_failed', reason: 'refund', reasonLabel: 'Refund of a return failed', omsId: order.omsId, callId: r!.call!.id })]);
		// retried by nobody: a failed call is not due
		expect((await retryChannelCalls(store, client, { now: later(5) })).claimed).toBe(0);
		const resent = await resendFailedChannelCalls(store, client, { callId: r!.call!.id }, { now: later(6), by: 'ops', note: 'fixed the amount' });
		expect(resent.map((x) => x.outcome)).toEqual(['sent']);
		expect(fake.writes).toHaveLength(1);
		expect((await store.getReturn(ret.returnId))!.ret.refund).toMatchObject({ status: 'refunded', channelRefundId: 'RF1', error: null });
		expect((await closeReturn(store, ret.returnId, { by: 'ops' })).outcome).toBe('moved');
	});

	it('a channel whose client has no refund API fails it for a person, once', async () => {
		const { ret } = await receivedReturn('amazon');
		const client = { channel: 'amazon', account: 'amazon:test' } as unknown as ChannelClient;
		const r = await refundReturnOnChannel(store, client, ret.returnId, { now: T0 });
		expect(r).toMatchObject({ outcome: 'failed', error: `amazon refunds are not sent by the OMS yet: refund return ${ret.returnId} in the seller account` });
		expect((await store.getReturn(ret.returnId))!.ret.refund?.status).toBe('failed');
	});

	it('owes nothing for a return without a pending refund (none yet, or refunded by the channel itself)', async () => {
		const order = await shippedOrder('woocommerce');
		const none = makeReturn(order.omsId);
		const refunded = makeReturn(order.omsId, {
			channelState: 'authorised',
			refund: { currency: 'USD', status: 'refunded', lines: [{ lineId: '1', amount: 10, tax: 0, restockingFee: 0 }], shipping: 0, returnShippingFee: 0, total: 10, channelRefundId: '9001' },
		});
		for (const r of [none, refunded]) await recordReturn(store, r, { cause: 'test' });
		const client = fake.client('woocommerce');
		expect(await refundReturnOnChannel(store, client, none.returnId, { now: T0 })).toBeNull();
		expect(await refundReturnOnChannel(store, client, refunded.returnId, { now: T0 })).toBeNull();
		expect(await refundCalls()).toEqual([]);
		expect(fake.writes).toEqual([]);
	});

	it('refuses a return of another channel, or one the OMS does not know, on that item', async () => {
		const { ret } = await receivedReturn();
		await expect(refundReturnOnChannel(store, fake.client('ebay'), ret.returnId, { now: T0 })).rejects.toThrow(`Return ${ret.returnId} is of ${ret.omsId}, a shopify order, not ebay's`);
		await expect(refundReturnOnChannel(store, fake.client(), 'shopify:NOPE', { now: T0 })).rejects.toThrow('No return shopify:NOPE in the OMS store: record it first');
		// only the call Receive owed to the order's channel, not sent
		expect((await refundCalls()).map((c) => [c.channel, c.status])).toEqual([['shopify', 'pending']]);
		expect(fake.writes).toEqual([]);
	});

	it('is claimed after cancel answers and before confirmations', async () => {
		const { order, ret } = await receivedReturn();
		await store.enqueueChannelCalls([
			{ kind: 'quantity', channel: 'shopify', sku: 'SKU-1', quantity: 0 },
			{ kind: 'confirmation', channel: 'shopify', omsId: order.omsId, packageKey: 'P9', payload: { channelOrderId: order.channelOrderId } },
			{ kind: 'refund', channel: 'shopify', omsId: order.omsId, payload: { returnId: ret.returnId, channelOrderId: order.channelOrderId, channelReturnId: ret.channelReturnId, currency: 'USD', lines: [], shippingMinor: 0, returnShippingFeeMinor: 0, totalMinor: 1000, reason: 'r' } },
			{ kind: 'cancel_answer', channel: 'shopify', omsId: order.omsId, payload: { channelOrderId: order.channelOrderId, requestId: null, decision: 'approve' } },
			{ kind: 'acknowledgement', channel: 'shopify', omsId: order.omsId, payload: { channelOrderId: order.channelOrderId } },
		]);
		expect((await store.claimChannelCalls('shopify', T0, { limit: 10 })).map((c) => c.kind)).toEqual(['acknowledgement', 'cancel_answer', 'refund', 'confirmation', 'quantity']);
	});

	it('refuses a refund call without its return, order or amounts, naming the field', async () => {
		const ok = { returnId: 'shopify:R1', channelOrderId: '1', channelReturnId: 'R1', currency: 'USD', lines: [], shippingMinor: 0, returnShippingFeeMinor: 0, totalMinor: 100, reason: 'r' };
		await expect(store.enqueueChannelCalls([{ kind: 'refund', channel: 'shopify', omsId: 'shopify:1', payload: { ...ok, returnId: ' ' } }])).rejects.toThrow(/payload\.returnId must be a non-empty string/);
		await expect(store.enqueueChannelCalls([{ kind: 'refund', channel: 'shopify', omsId: 'shopify:1', payload: { ...ok, totalMinor: 1.5 } }])).rejects.toThrow(/payload\.totalMinor must be a whole number of minor units, 0 or more, got 1.5/);
		await expect(store.enqueueChannelCalls([{ kind: 'refund', channel: 'shopify', omsId: '', payload: ok }])).rejects.toThrow(/omsId must be a non-empty string/);
		expect(await refundCalls()).toEqual([]);
	});
});

describe('the steps of a return owe its refund to the channel', () => {
	it('Receive with the channel sends the refund due on receipt at once; the return is refunded and Close closes it', async () => {
		const order = await shippedOrder();
		const ret = makeReturn(order.omsId, { channelState: 'authorised', channelStatus: 'OPEN' });
		await recordReturn(store, ret, { cause: 'test' });
		const got = await receiveReturn(store, ret.returnId, { rules: rules(), by: 'test', channel: { client: fake.client(), opts: { now: T0 } } });
		expect(got).toMatchObject({ outcome: 'moved', refundCallOutcome: 'sent', refundCall: { kind: 'refund', status: 'sent', reference: 'RF1' } });
		expect(got.stored.ret.refund).toMatchObject({ status: 'refunded', channelRefundId: 'RF1' });
		// Receive again (a re-run): nothing owed twice, nothing sent twice
		const again = await receiveReturn(store, ret.returnId, { rules: rules(), by: 'test', channel: { client: fake.client(), opts: { now: T0 } } });
		expect(again).toMatchObject({ outcome: 'unchanged' });
		expect(fake.writes).toHaveLength(1);
		expect((await closeReturn(store, ret.returnId, { by: 'ops' })).outcome).toBe('moved');
	});

	it("Receive without the channel owes it; the channel's Retry Pending sends it, and Close closes the return", async () => {
		const { ret } = await (async () => {
			const order = await shippedOrder('woocommerce');
			const r = makeReturn(order.omsId, { channel: 'manual', channelReturnId: 'hand-1', channelState: 'authorised' });
			await recordReturn(store, r, { cause: 'test' });
			return { ret: r };
		})();
		const got = await receiveReturn(store, ret.returnId, { rules: rules(), by: 'test' });
		// a return made by hand is refunded on its order's channel
		expect(got).toMatchObject({ outcome: 'moved', refundCallOutcome: 'owed', refundCall: { kind: 'refund', channel: 'woocommerce', status: 'pending', payload: { returnId: 'manual:hand-1', channelReturnId: null } } });
		expect((await closeReturn(store, ret.returnId, { by: 'ops' })).outcome).toBe('held');
		const retry = await retryChannelCalls(store, fake.client('woocommerce'), { now: T0 });
		expect(retry.results.map((x) => [x.call!.kind, x.outcome])).toEqual([['refund', 'sent']]);
		expect((await store.getReturn(ret.returnId))!.ret.refund?.status).toBe('refunded');
		expect((await closeReturn(store, ret.returnId, { by: 'ops' })).outcome).toBe('moved');
		expect(fake.writes.map((w) => w.idempotencyKey)).toEqual(['manual:hand-1']);
	});

	it('a WooCommerce return that arrived refunded (the channel refunded it) is never refunded again', async () => {
		const order = await shippedOrder('woocommerce');
		const ret = makeReturn(order.omsId, {
			channelReturnId: '9001',
			channelStatus: 'refunded',
			channelState: 'authorised',
			refund: { currency: 'USD', status: 'refunded', lines: [{ lineId: '1', amount: 10, tax: 0, restockingFee: 0 }], shipping: 0, returnShippingFee: 0, total: 10, channelRefundId: '9001' },
		});
		await recordReturn(store, ret, { cause: 'test' });
		const client = fake.client('woocommerce');
		const got = await receiveReturn(store, ret.returnId, { rules: rules(), by: 'test', channel: { client, opts: { now: T0 } } });
		expect(got.outcome).toBe('moved');
		expect(got.refundCall).toBeUndefined();
		expect(await refundReturnOnChannel(store, client, ret.returnId, { now: T0 })).toBeNull();
		expect((await retryChannelCalls(store, client, { now: later(1) })).claimed).toBe(0);
		expect(await refundCalls()).toEqual([]);
		expect(fake.writes).toEqual([]);
		expect((await closeReturn(store, ret.returnId, { by: 'ops' })).outcome).toBe('moved');
	});
});

describe('a refund through the WooCommerce sandbox (no idempotency key: the refund meta finds it again)', () => {
	const clock = new VirtualClock();
	const sb = new WooCommerceSandbox({ timeScale: 0.01, clock });
	const seeds = generateOrders({ seed: 43, perChannel: 40, channels: ['woocommerce'] }).byChannel.woocommerce.filter((o) => o.status === 'shipped' && o.lines[0].unitPrice > 0);
	let client: ChannelClient;
	beforeAll(async () => {
		const url = await sb.start();
		sb.addOrders(seeds);
		client = createChannelClient('woocommerce', { ...WOO_SANDBOX_CREDENTIALS, storeUrl: url, baseUrl: url } as never, clock.track(realRequest), isolated(0.01, { clock, retry: { timeScale: 0.01, maxAttempts: 1 } }));
	});
	afterAll(() => sb.close());
	beforeEach(() => sb.clearFaults());

	/** The seed order recorded in the OMS, shipped, and a return of one unit of its first line made by hand, received */
	async function received(seed: SeedOrder) {
		const order = normalizeOrder('woocommerce', await client.getOrder(seed.id));
		await store.recordOrder(order);
		const line = order.lines[0];
		await store.recordShipment({ omsId: order.omsId, packageKey: 'P1', provider: 'generic', carrier: 'UPS', trackingNumber: `1Z${seed.id}`, trackingUrl: null, shippedAt: '2026-05-03T10:00:00.000Z', lines: [{ sku: line.sku, quantity: line.quantity, lineId: line.lineId }] });
		const ret = makeReturn(order.omsId, { channel: 'manual', channelReturnId: `hand-${seed.id}`, channelState: 'authorised', lines: [{ lineId: line.lineId, sku: line.sku, quantity: 1, channelReason: null, reason: 'size_fit' }] });
		await recordReturn(store, ret, { cause: 'test' });
		await receiveReturn(store, ret.returnId, { rules: rules(), by: 'test' });
		return { order, ret };
	}

	it('a lost answer (refund made, then the connection reset) is found by the return id in its meta, never refunded twice', async () => {
		const seed = seeds[0];
		const { ret } = await received(seed);
		sb.inject({ kind: 'reset_after_commit', path: /\/refunds$/, method: 'POST' });
		const first = await refundReturnOnChannel(store, client, ret.returnId, { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'retry_scheduled', call: { status: 'pending', outcomeUnknown: true } });
		expect(sb.shows(seed.id).refunds).toHaveLength(1);
		const again = await retryChannelCalls(store, client, { now: later(2), backoff: BACKOFF });
		const made = sb.shows(seed.id).refunds;
		expect(again.results.map((x) => [x.outcome, x.reference])).toEqual([['found_at_channel', String(made[0].id)]]);
		expect(made).toHaveLength(1);
		expect((await store.getReturn(ret.returnId))!.ret.refund).toMatchObject({ status: 'refunded', channelRefundId: String(made[0].id) });
		expect((await closeReturn(store, ret.returnId, { by: 'ops' })).outcome).toBe('moved');
	});

	it('a refund the gateway declines fails for a person with its words; Resend Failed refunds it once when it works', async () => {
		const seed = seeds[1];
		const { ret } = await received(seed);
		sb.failRefunds(1, 'Refund failed: the card issuer declined the refund.');
		const first = await refundReturnOnChannel(store, client, ret.returnId, { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'failed', call: { status: 'failed' } });
		expect(first!.error).toMatch(/the card issuer declined the refund/);
		expect((await store.getReturn(ret.returnId))!.ret.refund?.status).toBe('failed');
		const resent = await resendFailedChannelCalls(store, client, { callId: first!.call!.id }, { now: later(1), by: 'ops' });
		expect(resent.map((x) => x.outcome)).toEqual(['sent']);
		expect(sb.shows(seed.id).refunds).toHaveLength(1);
		expect((await store.getReturn(ret.returnId))!.ret.refund?.status).toBe('refunded');
	});
});
