/**
 * Marketplace > Resend Failed (lib/flows/channel-calls.ts resendFailedChannelCalls), on both stores against the
 * Amazon and Walmart sandboxes: a confirmation refused for good (or out of attempts) goes back to pending with its
 * attempts afresh once a person fixed the cause, reaches the channel exactly once, leaves the Attention queue, and the
 * order's timeline says who asked and why. A call whose last outcome was unknown asks the channel first. Bad input is
 * an error on that item, changing nothing. The store's clock and the outbox's `now` are test times, never the wall clock.
 */
import { confirmShipment, listAttention, resendFailedChannelCalls, retryChannelCalls } from '../../../lib/flows';
import { channelDefinition } from '../../../lib/channels/registry';
import { normalizeOrder } from '../../../lib/channels/normalize';
import type { ChannelClient } from '../../../lib/channels/types';
import type { Store } from '../../../lib/store/types';
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from '../../sandbox/channels/amazon';
import { WalmartSandbox, WALMART_SANDBOX_CREDENTIALS } from '../../sandbox/channels/walmart';
import { generateOrders, type SeedOrder } from '../../sandbox/generator';
import { isolated, request, VirtualClock } from '../../sandbox/testkit';
import { confirmationOfAll } from '../../helpers/confirmations';
import { TestClock } from '../report/seed';
import { closeStores, STORES } from '../report/stores';

const TS = 0.01;
const T0 = '2026-05-01T10:00:00.000Z';
const later = (hours: number) => new Date(Date.parse(T0) + hours * 3600_000).toISOString();
const BACKOFF = { random: () => 0 };

const clock = new VirtualClock();
const seeds = generateOrders({ seed: 47, perChannel: 40, channels: ['amazon', 'walmart'] }).byChannel;
const amazon = new AmazonSandbox({ timeScale: TS, clock });
const walmart = new WalmartSandbox({ timeScale: TS, clock });
let clients: { amazon: ChannelClient; walmart: ChannelClient };

beforeAll(async () => {
	const make = async (ch: 'amazon' | 'walmart', sb: AmazonSandbox | WalmartSandbox, credentials: object) => {
		const baseUrl = await sb.start();
		sb.addOrders(seeds[ch]);
		return channelDefinition(ch)!.createClient({ ...credentials, baseUrl } as never, clock.track(request), isolated(TS, { clock, retry: { timeScale: TS, maxAttempts: 1 } }));
	};
	clients = { amazon: await make('amazon', amazon, AMAZON_SANDBOX_CREDENTIALS), walmart: await make('walmart', walmart, WALMART_SANDBOX_CREDENTIALS) };
});
afterAll(async () => {
	await amazon.close();
	await walmart.close();
	await closeStores();
});

const used = new Set<string>();
function unshipped(ch: 'amazon' | 'walmart'): SeedOrder {
	const o = seeds[ch].find((x) => x.status === 'paid' && !used.has(`${ch}:${x.id}`));
	if (!o) throw new Error(`no unshipped ${ch} order left`);
	used.add(`${ch}:${o.id}`);
	return o;
}
const amazonConfirmations = (id: string) => amazon.received.shipments.filter((s) => s.orderId === id).length;
const walmartConfirmations = (id: string) => walmart.received.shipments.filter((s) => s.purchaseOrderId === id).length;

/** The Attention queue's channel-call items (the orders recorded here are also "stuck received": not this test's) */
async function owedCalls(store: Store, now: string) {
	return (await listAttention(store, { now })).items.filter((i) => i.kind.startsWith('channel_call'));
}

describe.each(STORES)('Resend Failed on $name', (kind) => {
	let store: Store;
	const storeClock = new TestClock();

	beforeEach(async () => {
		storeClock.set(T0);
		store = await kind.open(storeClock.now);
		amazon.clearFaults();
		walmart.clearFaults();
	});

	/** The order recorded in the OMS, and the confirmation of all its lines */
	async function shipped(ch: 'amazon' | 'walmart', o: SeedOrder, trackingNumber: string) {
		const order = normalizeOrder(ch, await clients[ch].getOrder(o.id));
		await store.recordOrder(order);
		return confirmationOfAll(order, trackingNumber);
	}

	it('a refused confirmation is sent again once after a person fixed it: pending afresh, at the channel once, out of the Attention queue, who and why on the timeline', async () => {
		const o = unshipped('amazon');
		const req = await shipped('amazon', o, `1ZRSND${o.id.replace(/\D/g, '').slice(-6)}`);
		amazon.inject({ kind: 'error', path: /shipmentConfirmation$/, method: 'POST', status: 400 });
		const refused = await confirmShipment(store, clients.amazon, req, { now: T0 });
		expect(refused).toMatchObject({ outcome: 'failed', call: { status: 'failed', attempts: 1 } });
		expect(amazonConfirmations(o.id)).toBe(0);
		const callId = refused.call!.id;
		expect((await owedCalls(store, later(1))).map((i) => [i.kind, i.omsId, i.callId])).toEqual([['channel_call_failed', req.omsId, callId]]);
		// Retry Pending leaves a call failed for good alone
		expect((await retryChannelCalls(store, clients.amazon, { now: later(1) })).claimed).toBe(0);

		storeClock.set(later(2));
		const [resent] = await resendFailedChannelCalls(store, clients.amazon, { omsId: req.omsId }, { now: later(2), by: 'Dana (support)', note: 'carrier code fixed' });
		expect(resent).toMatchObject({ outcome: 'sent', call: { id: callId, status: 'sent', attempts: 1, lastError: null } });
		expect(amazonConfirmations(o.id)).toBe(1);
		expect(await owedCalls(store, later(3))).toEqual([]);
		const events = (await store.timeline(req.omsId)).filter((e) => e.type === 'channel');
		expect(events.map((e) => [e.cause, e.detail?.outcome])).toEqual([
			['channel.confirm', 'failed'],
			['Dana (support)', 'resend'],
			['channel.resend', 'confirmed'],
		]);
		expect(events[1].detail).toMatchObject({ channel: 'amazon', callId, packageKey: req.packageKey, note: 'carrier code fixed', attemptsBefore: 1, failure: expect.stringMatching(/400/) });

		// sent: nothing failed is left to resend (an error on that item), and nothing reaches the channel again
		await expect(resendFailedChannelCalls(store, clients.amazon, { omsId: req.omsId }, { now: later(4), by: 'Dana' })).rejects.toMatchObject({
			name: 'ItemError',
			message: `${req.omsId} has no failed call to amazon (package ${req.packageKey}: sent)`,
		});
		await expect(resendFailedChannelCalls(store, clients.amazon, { callId }, { now: later(4), by: 'Dana' })).rejects.toThrow(`Channel call ${callId} is sent: Resend Failed sends only a call that failed for good`);
		expect((await retryChannelCalls(store, clients.amazon, { now: later(5) })).claimed).toBe(0);
		expect(amazonConfirmations(o.id)).toBe(1);
	});

	it('a confirmation out of attempts after a lost answer asks the channel first when resent: found there, never confirmed twice', async () => {
		const o = unshipped('walmart');
		const req = await shipped('walmart', o, `1ZRLOST${o.id.replace(/\D/g, '').slice(-6)}`);
		walmart.failConfirmations('lost');
		const lost = await confirmShipment(store, clients.walmart, req, { now: T0, backoff: { ...BACKOFF, maxAttempts: 1 } });
		expect(lost).toMatchObject({ outcome: 'failed', call: { status: 'failed', outcomeUnknown: true } });
		expect(walmartConfirmations(o.id)).toBe(1);
		const [resent] = await resendFailedChannelCalls(store, clients.walmart, { callId: lost.call!.id }, { now: later(1), by: 'ops' });
		expect(resent).toMatchObject({ outcome: 'found_at_channel', call: { status: 'sent', outcomeUnknown: false } });
		expect(walmartConfirmations(o.id)).toBe(1);
	});

	it('a resend that fails again is failed (or owed) again, visible, and can be resent once more', async () => {
		const o = unshipped('amazon');
		const req = await shipped('amazon', o, `1ZRTWICE${o.id.replace(/\D/g, '').slice(-6)}`);
		amazon.inject({ kind: 'error', path: /shipmentConfirmation$/, method: 'POST', status: 400, times: 2 });
		const first = await confirmShipment(store, clients.amazon, req, { now: T0 });
		const [again] = await resendFailedChannelCalls(store, clients.amazon, { callId: first.call!.id }, { now: later(1), by: 'ops' });
		expect(again).toMatchObject({ outcome: 'failed', call: { status: 'failed', attempts: 1 }, failure: { status: 400 } });
		expect((await owedCalls(store, later(2))).map((i) => i.callId)).toEqual([first.call!.id]);
		const [third] = await resendFailedChannelCalls(store, clients.amazon, { callId: first.call!.id, omsId: req.omsId }, { now: later(2), by: 'ops' });
		expect(third.outcome).toBe('sent');
		expect(amazonConfirmations(o.id)).toBe(1);
	});

	it('bad input is an error on that item naming what is wrong, and changes nothing', async () => {
		const o = unshipped('amazon');
		const req = await shipped('amazon', o, `1ZRBAD${o.id.replace(/\D/g, '').slice(-6)}`);
		amazon.inject({ kind: 'error', path: /shipmentConfirmation$/, method: 'POST', status: 400 });
		const failed = await confirmShipment(store, clients.amazon, req, { now: T0 });
		const id = failed.call!.id;
		const resend = (target: Parameters<typeof resendFailedChannelCalls>[2], client = clients.amazon) => resendFailedChannelCalls(store, client, target, { now: later(1), by: 'ops' });
		await expect(resend({})).rejects.toMatchObject({ name: 'ItemError', message: 'Resend Failed needs a call ID or an OMS order ID' });
		await expect(resend({ callId: 987654 })).rejects.toMatchObject({ name: 'ItemError', message: 'No channel call 987654 in the OMS store' });
		await expect(resend({ callId: 1.5 })).rejects.toMatchObject({ name: 'ItemError', message: 'Call ID must be a whole number above 0, got 1.5' });
		await expect(resend({ callId: id }, clients.walmart)).rejects.toMatchObject({ message: `Channel call ${id} is owed to amazon, not walmart` });
		await expect(resend({ callId: id, omsId: 'amazon:other' })).rejects.toMatchObject({ message: `Channel call ${id} is a confirmation of ${req.omsId}, not of amazon:other` });
		await expect(resend({ omsId: 'amazon:never-seen' })).rejects.toMatchObject({ message: 'No confirmation or acknowledgement of amazon:never-seen to amazon in the OMS store' });
		expect(await store.getChannelCall(id)).toMatchObject({ status: 'failed', attempts: 1 });
		expect(amazonConfirmations(o.id)).toBe(0);
		expect((await store.timeline(req.omsId)).filter((e) => e.detail?.outcome === 'resend')).toEqual([]);
	});
});
