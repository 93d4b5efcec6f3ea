/**
 * Readiness from each channel's own status words (the vendors' status lists, docs/architecture.md#vendor-api-facts;
 * the table in docs/concepts.md#readiness).
 * `ready` = good to fulfil; `pending` = not yet (payment, hold, pre-order, cancel request open, unknown word);
 * `cancelled`; `shipped`. Unknown words are `pending` on purpose: an order is never sent to the warehouse on a
 * status this code does not understand.
 */
import type { Readiness } from '../order/types';
import { statusKey } from '../order/versions';

/** How a channel's status word is compared (lib/order/versions.ts, beside the channels' status lifecycles) */
export { statusKey };

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
