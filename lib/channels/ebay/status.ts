/**
 * eBay's status words: readiness (docs/concepts.md#readiness; unknown words are `pending` on purpose: an order is
 * never sent to the warehouse on a status this code does not understand) and how far each word is along its lifecycle
 * (payment, fulfillment, cancellation: each compared on its own; lib/channels/status.ts statusProgress).
 */
import type { Readiness } from '../../order/types';
import { statusKey } from '../normalize-common';

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

