/**
 * Retry Pending claims the channel's due calls a batch at a time, each batch under its own lease: a large backlog on a
 * paced channel (Walmart: 2 calls a second) would otherwise outlast the lease of calls claimed all at once, and another
 * run could claim and send them again.
 */
import { retryChannelCalls } from '../../../lib/flows/channel-calls';
import type { ChannelClient, QuantityUpdate } from '../../../lib/channels/types';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';

const NOW = '2026-05-01T10:00:00.000Z';
let store: Store;

beforeEach(async () => {
	store = await openSqliteStore(':memory:');
	await store.enqueueChannelCalls(Array.from({ length: 7 }, (_, i) => ({ kind: 'quantity' as const, channel: 'walmart', sku: `SKU-${i}`, quantity: i + 1, basis: 1 })));
});
afterEach(() => store.close());

/** A channel that records, at each call, how many of the channel's calls were leased (status sending) */
function recordingClient(leasedAtEachCall: number[]): ChannelClient {
	return {
		channel: 'walmart',
		async setAvailableQuantities(items: QuantityUpdate[]) {
			leasedAtEachCall.push((await store.listChannelCalls({ channel: 'walmart', status: ['sending'] })).length);
			return items.map((u) => ({ sku: u.sku, ok: true, quantity: u.quantity, status: 200 }));
		},
	} as unknown as ChannelClient;
}

it('sends every due call, claiming at most a batch at a time', async () => {
	const leased: number[] = [];
	const summary = await retryChannelCalls(store, recordingClient(leased), { now: NOW, claimBatch: 3 });
	expect(summary.claimed).toBe(7);
	expect(summary.sent).toBe(7);
	// three batches (3, 3, 1): never more than a batch under lease while the channel is called
	expect(leased).toEqual([3, 3, 1]);
	expect((await store.listChannelCalls({ channel: 'walmart' })).map((c) => c.status)).toEqual(Array(7).fill('sent'));
});

it('stops at the limit, leaving the rest owed', async () => {
	const summary = await retryChannelCalls(store, recordingClient([]), { now: NOW, claimBatch: 3, limit: 4 });
	expect(summary.claimed).toBe(4);
	expect((await store.listChannelCalls({ channel: 'walmart' })).filter((c) => c.status === 'pending')).toHaveLength(3);
});
