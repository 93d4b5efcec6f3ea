/**
 * Shopify's status words: readiness (docs/concepts.md#readiness; unknown words are `pending` on purpose: an order is
 * never sent to the warehouse on a status this code does not understand) and how far each word is along its lifecycle
 * (financial, fulfillment: each compared on its own; lib/channels/status.ts statusProgress).
 */
import type { Readiness } from '../../order/types';
import { statusKey } from '../normalize-common';

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

