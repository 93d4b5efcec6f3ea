/**
 * Readiness from each channel's own status words (the vendors' status lists, docs/architecture.md#vendor-api-facts;
 * the table in docs/concepts.md#readiness).
 * `ready` = good to fulfil; `pending` = not yet (payment, hold, pre-order, cancel request open, unknown word);
 * `cancelled`; `shipped`. Unknown words are `pending` on purpose: an order is never sent to the warehouse on a
 * status this code does not understand.
 */
import type { Readiness } from '../order/types';
import { own } from './normalize-common';

/** Upper case, letters and digits only: `PENDING_AVAILABILITY`, `PendingAvailability` and `pending-availability` compare equal. */
export function statusKey(word: string | null | undefined): string {
	return typeof word === 'string' ? word.toUpperCase().replace(/[^A-Z0-9]/g, '') : '';
}

/**
 * Shopify: REST `financial_status`/`fulfillment_status` (lower case, fulfillment null = unfulfilled) or GraphQL
 * `displayFinancialStatus`/`displayFulfillmentStatus` (upper case), and `cancelled_at`/`cancelledAt`.
 * cancelled_at set -> cancelled; fulfilled -> shipped; restocked, refunded, voided, expired -> cancelled;
 * pending, partially_paid, fulfillment on hold/scheduled -> pending; paid, authorized (capture on ship),
 * partially_refunded -> ready; anything else pending.
 */
export function shopifyReadiness(financial: string | null, fulfillment: string | null, cancelled: boolean): Readiness {
	if (cancelled) return 'cancelled';
	const ful = statusKey(fulfillment);
	const fin = statusKey(financial);
	if (ful === 'FULFILLED') return 'shipped';
	if (ful === 'RESTOCKED') return 'cancelled';
	if (fin === 'REFUNDED' || fin === 'VOIDED' || fin === 'EXPIRED') return 'cancelled';
	if (ful === 'ONHOLD' || ful === 'SCHEDULED') return 'pending';
	if (fin === 'PAID' || fin === 'AUTHORIZED' || fin === 'PARTIALLYREFUNDED') return 'ready';
	return 'pending';
}

/**
 * Amazon: 2026-01-01 `fulfillment.fulfillmentStatus` or v0 `OrderStatus`.
 * UNSHIPPED, PARTIALLY_SHIPPED -> ready; PENDING, PENDING_AVAILABILITY -> pending; SHIPPED, InvoiceUnconfirmed
 * -> shipped; CANCELLED / Canceled, UNFULFILLABLE -> cancelled.
 */
export function amazonReadiness(status: string | null): Readiness {
	switch (statusKey(status)) {
		case 'UNSHIPPED':
		case 'PARTIALLYSHIPPED':
			return 'ready';
		case 'SHIPPED':
		case 'INVOICEUNCONFIRMED':
			return 'shipped';
		case 'CANCELLED':
		case 'CANCELED':
		case 'UNFULFILLABLE':
			return 'cancelled';
		default:
			return 'pending';
	}
}

/**
 * eBay: `orderPaymentStatus`, `orderFulfillmentStatus`, `cancelStatus.cancelState`.
 * cancelState CANCELED, payment FULLY_REFUNDED or FAILED -> cancelled; FULFILLED -> shipped; a cancel request
 * in progress -> pending (do not ship while the buyer is cancelling); PAID or PARTIALLY_REFUNDED with
 * NOT_STARTED/IN_PROGRESS and NONE_REQUESTED (or no cancel state) -> ready; PENDING and the rest -> pending.
 */
export function ebayReadiness(payment: string | null, fulfillment: string | null, cancelState: string | null): Readiness {
	const pay = statusKey(payment);
	const ful = statusKey(fulfillment);
	const cancel = statusKey(cancelState);
	if (cancel === 'CANCELED' || cancel === 'CANCELLED') return 'cancelled';
	if (pay === 'FULLYREFUNDED' || pay === 'FAILED') return 'cancelled';
	if (ful === 'FULFILLED') return 'shipped';
	if (cancel !== '' && cancel !== 'NONEREQUESTED') return 'pending';
	if ((pay === 'PAID' || pay === 'PARTIALLYREFUNDED') && (ful === 'NOTSTARTED' || ful === 'INPROGRESS')) return 'ready';
	return 'pending';
}

/**
 * WooCommerce `status`: processing -> ready; completed -> shipped; cancelled, failed, refunded, trash ->
 * cancelled; pending, on-hold, checkout-draft and custom statuses -> pending.
 */
export function wooCommerceReadiness(status: string | null): Readiness {
	switch (statusKey(status)) {
		case 'PROCESSING':
			return 'ready';
		case 'COMPLETED':
			return 'shipped';
		case 'CANCELLED':
		case 'FAILED':
		case 'REFUNDED':
		case 'TRASH':
			return 'cancelled';
		default:
			return 'pending';
	}
}

/**
 * Walmart, from the line statuses of the order (`orderLineStatuses.orderLineStatus[].status`): any Created or
 * Acknowledged -> ready; otherwise, when every status is Shipped/Delivered/Cancelled: cancelled if all are
 * Cancelled, else shipped; any other mix or an unknown word -> pending.
 */
export function walmartReadiness(lineStatuses: readonly string[]): Readiness {
	const keys = lineStatuses.map(statusKey);
	if (keys.length === 0) return 'pending';
	if (keys.some((k) => k === 'CREATED' || k === 'ACKNOWLEDGED')) return 'ready';
	if (keys.every((k) => k === 'CANCELLED')) return 'cancelled';
	if (keys.every((k) => k === 'SHIPPED' || k === 'DELIVERED' || k === 'CANCELLED')) return 'shipped';
	return 'pending';
}

/**
 * How far each channel's status words are along its lifecycle, per dimension (Shopify: financial, fulfillment;
 * eBay: payment, fulfillment, cancellation; the others one). Used only to order two versions of an order that
 * carry the same update time (channels write whole seconds): the one further along is the newer.
 */
const PROGRESS: Record<string, Record<string, [number, number]>> = {
	shopify: {
		PENDING: [0, 0],
		AUTHORIZED: [0, 1],
		PARTIALLYPAID: [0, 2],
		PAID: [0, 3],
		PARTIALLYREFUNDED: [0, 4],
		REFUNDED: [0, 5],
		VOIDED: [0, 5],
		EXPIRED: [0, 5],
		UNFULFILLED: [1, 0],
		ONHOLD: [1, 0],
		SCHEDULED: [1, 0],
		INPROGRESS: [1, 1],
		PARTIAL: [1, 1],
		PARTIALLYFULFILLED: [1, 1],
		FULFILLED: [1, 2],
		RESTOCKED: [1, 3],
	},
	woocommerce: { CHECKOUTDRAFT: [0, 0], PENDING: [0, 1], ONHOLD: [0, 2], PROCESSING: [0, 3], COMPLETED: [0, 4], CANCELLED: [0, 5], REFUNDED: [0, 5], FAILED: [0, 5], TRASH: [0, 6] },
	amazon: {
		PENDING: [0, 0],
		PENDINGAVAILABILITY: [0, 0],
		UNSHIPPED: [0, 1],
		PARTIALLYSHIPPED: [0, 2],
		SHIPPED: [0, 3],
		INVOICEUNCONFIRMED: [0, 3],
		CANCELED: [0, 4],
		CANCELLED: [0, 4],
		UNFULFILLABLE: [0, 4],
	},
	ebay: {
		PENDING: [0, 0],
		PAID: [0, 1],
		PARTIALLYREFUNDED: [0, 2],
		FULLYREFUNDED: [0, 3],
		NOTSTARTED: [1, 0],
		INPROGRESS: [1, 1],
		FULFILLED: [1, 2],
		NONEREQUESTED: [2, 0],
		CANCELREQUESTED: [2, 1],
		CANCELPENDING: [2, 1],
		CANCELED: [2, 2],
		CANCELLED: [2, 2],
	},
	// Walmart's words are the set of its lines' statuses: compared by the least and the furthest line
	walmart: { CREATED: [0, 0], ACKNOWLEDGED: [0, 1], SHIPPED: [0, 2], DELIVERED: [0, 3], CANCELLED: [0, 4] },
};

function progressOf(channel: string, status: string): Array<number | undefined> {
	const table = own(PROGRESS, channel);
	if (!table) return [];
	const out: Array<number | undefined> = [];
	const ranks: number[] = [];
	for (const word of status.split('/')) {
		const key = statusKey(word);
		const hit = own(table, key);
		if (!hit) continue;
		if (channel === 'walmart') ranks.push(hit[1]);
		else out[hit[0]] = Math.max(out[hit[0]] ?? -1, hit[1]);
	}
	return channel === 'walmart' && ranks.length ? [Math.min(...ranks), Math.max(...ranks)] : out;
}

/**
 * 1 when channel status `a` is further along the channel's lifecycle than `b` (every known dimension at least as
 * far, one further), -1 when it is behind, 0 when the same or not comparable (unknown words, one dimension forward
 * and another back).
 */
export function statusProgress(channel: string, a: string, b: string): -1 | 0 | 1 {
	if (a === b) return 0;
	const pa = progressOf(channel, a);
	const pb = progressOf(channel, b);
	let ahead = false;
	let behind = false;
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		const x = pa[i];
		const y = pb[i];
		if (x === undefined || y === undefined) continue;
		if (x > y) ahead = true;
		else if (x < y) behind = true;
	}
	return ahead === behind ? 0 : ahead ? 1 : -1;
}
