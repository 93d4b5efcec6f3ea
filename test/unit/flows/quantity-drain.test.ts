/**
 * Quantities published without waiting for the channel (lib/flows/channel-calls.ts, pushQuantitiesInBackground and
 * QuantityDrains; Publish Quantities with Wait for the Channel off, as Fulfil Order runs it): queued in the outbox and
 * returned at once, whatever the channel does; sent by the account's drain one call after another, the newest
 * quantity of a SKU replacing an older one still owed and the fewest units first; one account's slow channel never
 * holds another's. The channels here are stand-ins whose answers the test releases by hand: nothing depends on time.
 */
import { DRAIN_CALL_SKUS, pushQuantitiesInBackground, QuantityDrains, retryChannelCalls } from '../../../lib/flows/channel-calls';
import type { ChannelClient, QuantityResult, QuantityUpdate } from '../../../lib/channels/types';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';

const T0 = '2026-05-01T10:00:00.000Z';

/** A channel whose every quantity call waits until the test answers it; the calls in the order they came */
function heldChannel(channel: string, account = `${channel}:test`) {
	const calls: Array<{ updates: QuantityUpdate[]; answer(r?: (u: QuantityUpdate) => Partial<QuantityResult>): void; fail(e: Error): void }> = [];
	let arrived: (() => void) | null = null;
	const client = {
		channel,
		account,
		setAvailableQuantities: (updates: QuantityUpdate[]) =>
			new Promise<QuantityResult[]>((resolve, reject) => {
				calls.push({ updates, answer: (r) => resolve(updates.map((u) => ({ sku: u.sku, quantity: u.quantity, ok: true, ...(r ? r(u) : {}) }))), fail: reject });
				arrived?.();
			}),
	} as unknown as ChannelClient;
	/** Resolves once the channel has `n` calls */
	const untilCalls = async (n: number) => {
		while (calls.length < n) await new Promise<void>((r) => (arrived = r));
	};
	return { client, calls, untilCalls, sent: () => calls.map((c) => c.updates.map((u) => `${u.sku}=${u.quantity}`)) };
}

let store: Store;
beforeEach(async () => {
	store = await openSqliteStore(':memory:');
});
afterEach(async () => {
	await store.close();
});

describe('quantities published without waiting for the channel', () => {
	it('returns once they are queued, while the channel has not answered; the drain then sends them and the outbox shows them sent', async () => {
		const ch = heldChannel('walmart');
		const drains = new QuantityDrains();
		const r = await pushQuantitiesInBackground(store, ch.client, [{ sku: 'A', quantity: 3, basis: 1 }, { sku: 'B', quantity: 7, basis: 1 }], drains, { now: T0 });
		// returned with nothing answered (the call may or may not have gone out yet: it is not waited for)
		expect(r.map((x) => [x.sku, x.outcome])).toEqual([
			['A', 'queued'],
			['B', 'queued'],
		]);
		await ch.untilCalls(1);
		expect(ch.sent()).toEqual([['A=3', 'B=7']]);
		expect((await store.listChannelCalls({ channel: 'walmart' })).map((c) => c.status)).toEqual(['sending', 'sending']);
		ch.calls[0].answer();
		await drains.idle();
		expect((await store.listChannelCalls({ channel: 'walmart' })).map((c) => [c.sku, c.status])).toEqual([
			['A', 'sent'],
			['B', 'sent'],
		]);
	});

	it('while a call is out, a newer quantity of a SKU replaces the one owed, and the next call sends the fewest units first', async () => {
		const ch = heldChannel('walmart');
		const drains = new QuantityDrains();
		await pushQuantitiesInBackground(store, ch.client, [{ sku: 'FIRST', quantity: 20, basis: 1 }], drains, { now: T0 });
		await ch.untilCalls(1);
		// queued while FIRST is out: PLENTY, then ALMOST (nearly sold out), then PLENTY again and FIRST again (newer)
		await pushQuantitiesInBackground(store, ch.client, [{ sku: 'PLENTY', quantity: 90, basis: 2 }], drains, { now: T0 });
		await pushQuantitiesInBackground(store, ch.client, [{ sku: 'ALMOST', quantity: 1, basis: 3 }], drains, { now: T0 });
		await pushQuantitiesInBackground(store, ch.client, [{ sku: 'PLENTY', quantity: 80, basis: 4 }], drains, { now: T0 });
		await pushQuantitiesInBackground(store, ch.client, [{ sku: 'FIRST', quantity: 19, basis: 5 }], drains, { now: T0 });
		ch.calls[0].answer();
		await ch.untilCalls(2);
		// one call with the newest of each, lowest first; 90 never sent
		expect(ch.sent()).toEqual([['FIRST=20'], ['ALMOST=1', 'FIRST=19', 'PLENTY=80']]);
		ch.calls[1].answer();
		await drains.idle();
		expect(ch.calls).toHaveLength(2);
		expect((await store.listChannelCalls({ channel: 'walmart' })).map((c) => [c.sku, c.status, c.quantity])).toEqual([
			['FIRST', 'sent', 19],
			['PLENTY', 'sent', 80],
			['ALMOST', 'sent', 1],
		]);
	});

	it('a call carries at most DRAIN_CALL_SKUS quantities (below the channels’ feed thresholds), the fewest units first; the rest go in the next call', async () => {
		expect(DRAIN_CALL_SKUS).toBe(19);
		const ch = heldChannel('amazon');
		const drains = new QuantityDrains();
		const pushes = Array.from({ length: 25 }, (_, i) => ({ sku: `S${String(i).padStart(2, '0')}`, quantity: 100 - i }));
		await pushQuantitiesInBackground(store, ch.client, pushes, drains, { now: T0 });
		await ch.untilCalls(1);
		// the 19 with the fewest units (S24 = 76 ... S06 = 94)
		expect(ch.sent()[0]).toEqual(pushes.slice(6).reverse().map((p) => `${p.sku}=${p.quantity}`));
		ch.calls[0].answer();
		await ch.untilCalls(2);
		expect(ch.sent()[1]).toEqual(pushes.slice(0, 6).reverse().map((p) => `${p.sku}=${p.quantity}`));
		ch.calls[1].answer();
		await drains.idle();
		expect((await store.listChannelCalls({ channel: 'amazon' })).every((c) => c.status === 'sent')).toBe(true);
	});

	it('one account’s channel that never answers does not hold another account’s quantities', async () => {
		const slow = heldChannel('walmart');
		const fast = heldChannel('amazon');
		const drains = new QuantityDrains();
		await pushQuantitiesInBackground(store, slow.client, [{ sku: 'S', quantity: 4 }], drains, { now: T0 });
		await pushQuantitiesInBackground(store, fast.client, [{ sku: 'S', quantity: 4 }], drains, { now: T0 });
		await Promise.all([slow.untilCalls(1), fast.untilCalls(1)]);
		fast.calls[0].answer();
		// the fast account's quantity is sent although the slow one's call is still out
		for (;;) {
			const call = await store.findChannelCall({ channel: 'amazon', sku: 'S' });
			if (call!.status === 'sent') break;
			await new Promise((r) => setImmediate(r));
		}
		expect(await store.findChannelCall({ channel: 'walmart', sku: 'S' })).toMatchObject({ status: 'sending' });
		slow.calls[0].answer();
		await drains.idle();
	});

	it('a refusal fails the call for good (visible in the outbox); a channel error leaves it owed for Retry Pending, not sent again by the drain; bad input is its own item’s error', async () => {
		const ch = heldChannel('walmart');
		const drains = new QuantityDrains();
		const r = await pushQuantitiesInBackground(store, ch.client, [{ sku: 'UNLISTED', quantity: 2 }, { sku: '', quantity: 1 }, { sku: 'NEG', quantity: -1 }], drains, { now: T0, backoff: { random: () => 0 } });
		expect(r.map((x) => x.outcome)).toEqual(['queued', 'invalid', 'invalid']);
		await ch.untilCalls(1);
		ch.calls[0].answer(() => ({ ok: false, status: 404, error: 'SKU not found' }));
		await drains.idle();
		expect(await store.findChannelCall({ channel: 'walmart', sku: 'UNLISTED' })).toMatchObject({ status: 'failed', lastError: expect.stringContaining('SKU not found') });

		await pushQuantitiesInBackground(store, ch.client, [{ sku: 'DOWN', quantity: 5 }], drains, { now: T0, backoff: { random: () => 0 } });
		await ch.untilCalls(2);
		ch.calls[1].fail(Object.assign(new Error('Service Unavailable'), { status: 503 }));
		await drains.idle();
		expect(ch.calls).toHaveLength(2);
		expect(await store.findChannelCall({ channel: 'walmart', sku: 'DOWN' })).toMatchObject({ status: 'pending', attempts: 1 });
		// Retry Pending sends it when it is due
		const retry = retryChannelCalls(store, ch.client, { now: '2026-05-01T12:00:00.000Z' });
		await ch.untilCalls(3);
		expect(ch.sent()[2]).toEqual(['DOWN=5']);
		ch.calls[2].answer();
		expect((await retry).sent).toBe(1);
	});
});
