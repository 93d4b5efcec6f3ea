/**
 * Record orders (OMS Order > Record): each canonical order into the store (new, updated, or a duplicate), and a
 * duplicate whose intake stopped half-way sent on again as resumed. n8n-free: a Store and plain values in.
 */
import type { CanonicalOrder } from '../order/types';
import type { RecordResult, Store, StoredOrder } from '../store/types';

/**
 * An order whose intake stopped half-way: still Received (not screened yet, or screened but not reserved) or Ready
 * (reserved but not sent to the WMS) at least `afterMs` after its last change. In n8n queue mode a worker that dies
 * (SIGKILL, out of memory) takes its running executions with it and n8n does not run them again; the order is in the
 * store but nothing moves it on, and a repeat of it would be a plain Duplicate. Sending it down New again is safe:
 * screening, reservation (per order and line) and the WMS outbox (claimed per delivery) are all idempotent.
 */
export function isUnfinishedIntake(stored: StoredOrder, afterMs: number, now: number): boolean {
	if (afterMs <= 0) return false;
	if (stored.status !== 'received' && stored.status !== 'ready') return false;
	if (stored.hold) return false;
	return now - Date.parse(stored.changedAt) >= afterMs;
}

export interface RecordedOrder extends RecordResult {
	/** A duplicate whose intake stopped half-way (isUnfinishedIntake): it goes on as a new order would */
	resumed: boolean;
	/**
	 * A new order that arrives with the buyer's cancel request already open (eBay's cancelRequests, Amazon's
	 * IsBuyerRequestedCancel, Walmart's intentToCancel): it is a change to carry out, not an order to fulfil, so Record
	 * sends it where it sends updates (Apply Channel Change decides and queues the answer, as for an update)
	 */
	asChange: boolean;
}

/** Record one order; `resumeAfterMs` (0: never) and `now` (ms) decide whether a duplicate is resumed. */
export async function recordOrder(store: Store, order: CanonicalOrder, opts: { cause: string; resumeAfterMs: number; now: number }): Promise<RecordedOrder> {
	const result = await store.recordOrder(order, { cause: opts.cause });
	const resumed = result.outcome === 'duplicate' && isUnfinishedIntake(result.stored, opts.resumeAfterMs, opts.now);
	const asChange = (result.outcome === 'new' || resumed) && !!result.stored.order.cancelRequest;
	return { ...result, resumed: resumed && !asChange, asChange };
}
