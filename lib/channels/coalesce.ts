/**
 * lib/channels/coalesce.ts: available quantities for one seller account, sent newest-only across the executions of
 * this process.
 *
 *   sharedCoalescers: CoalescerRegistry           one per process, keyed by ChannelClient.account
 *   coalescer.submit(updates, send): Promise<CoalescedResult[]>
 *
 * A burst of sales makes every execution publish the new quantities of its SKUs to every other channel, and the
 * channels pace those calls (Walmart's inventory PUT: 2 a second after a burst of 20). Sent one execution at a time,
 * each execution waits behind every earlier one's calls, and most of those calls carry a quantity that is already
 * out of date. Here, while a call for the account is in flight, updates from other executions wait in one pending
 * set, one entry per SKU holding the newest quantity; when the call returns the whole set goes in the next call.
 * Every caller still waits until the channel has answered for its SKU, and gets that answer; a caller whose
 * quantity was replaced by a newer one before it was sent gets the newer one's answer with `superseded: true`.
 *
 * "Newer": of two quantities waiting for the same SKU, one with a higher `basis` (the sum of the stock versions it
 * was computed from, which Reserve and Sync Stock give their Quantity Changes) wins; without a basis, the later
 * submission. Bases are not remembered once sent: they only compare within one store, and a process may serve
 * workflows on different stores (or a store that was replaced), so nothing is skipped for being older than a past
 * call.
 *
 * The pending set is per process: in queue mode each worker coalesces its own executions.
 */
import type { QuantityResult, QuantityUpdate } from './types';

export interface CoalescedUpdate {
	update: QuantityUpdate;
	/** Sum of the stock versions the quantity was computed from; higher is newer */
	basis?: number;
}

export interface CoalescedResult extends QuantityResult {
	/** The quantity this caller asked for */
	requested: number;
	/** The channel was sent a newer quantity for the SKU instead of this one */
	superseded: boolean;
}

type Send = (updates: QuantityUpdate[]) => Promise<QuantityResult[]>;

interface Waiter {
	requested: number;
	resolve(r: CoalescedResult): void;
	reject(e: unknown): void;
}

interface Entry {
	update: QuantityUpdate;
	basis?: number;
	send: Send;
	waiters: Waiter[];
}

export class QuantityCoalescer {
	private pending = new Map<string, Entry>();
	private draining = false;
	/** Calls made and updates they carried, for tests and benchmarks */
	readonly stats = { calls: 0, sent: 0, submitted: 0, superseded: 0 };

	/** Results in the order of `updates`; resolves once the channel has answered for every one of them */
	submit(updates: CoalescedUpdate[], send: Send): Promise<CoalescedResult[]> {
		const out: Array<Promise<CoalescedResult>> = [];
		for (const { update, basis } of updates) {
			this.stats.submitted++;
			out.push(
				new Promise<CoalescedResult>((resolve, reject) => {
					const waiter: Waiter = { requested: update.quantity, resolve, reject };
					const e = this.pending.get(update.sku);
					if (!e) {
						this.pending.set(update.sku, { update, basis, send, waiters: [waiter] });
						return;
					}
					e.waiters.push(waiter);
					e.send = send;
					const older = basis !== undefined && e.basis !== undefined && basis < e.basis;
					if (!older) {
						e.update = update;
						e.basis = basis ?? e.basis;
					}
				}),
			);
		}
		if (!this.draining) void this.drain();
		return Promise.all(out);
	}

	private async drain(): Promise<void> {
		this.draining = true;
		try {
			while (this.pending.size) {
				const batch = [...this.pending.values()];
				this.pending = new Map();
				// the newest submitter's client: its execution is still waiting, so its context is alive
				const send = batch[batch.length - 1].send;
				this.stats.calls++;
				this.stats.sent += batch.length;
				let results: QuantityResult[];
				try {
					results = await send(batch.map((e) => e.update));
				} catch (error) {
					for (const e of batch) for (const w of e.waiters) w.reject(error);
					continue;
				}
				batch.forEach((e, k) => {
					const r = results[k] ?? { sku: e.update.sku, quantity: e.update.quantity, ok: false, error: 'no result' };
					for (const w of e.waiters) {
						const superseded = w.requested !== e.update.quantity;
						if (superseded) this.stats.superseded++;
						w.resolve({ ...r, requested: w.requested, superseded });
					}
				});
			}
		} finally {
			this.draining = false;
		}
	}
}

export class CoalescerRegistry {
	private readonly byAccount = new Map<string, QuantityCoalescer>();

	for(account: string): QuantityCoalescer {
		let c = this.byAccount.get(account);
		if (!c) this.byAccount.set(account, (c = new QuantityCoalescer()));
		return c;
	}

	clear(): void {
		this.byAccount.clear();
	}
}

export const sharedCoalescers = new CoalescerRegistry();
