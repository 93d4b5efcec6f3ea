/**
 * WooCommerce's status words: readiness (docs/concepts.md#readiness; unknown words are `pending` on purpose: an order is
 * never sent to the warehouse on a status this code does not understand) and how far each word is along its lifecycle
 * (one dimension; lib/channels/status.ts statusProgress).
 */
import type { Readiness } from '../../order/types';
import { statusKey } from '../normalize-common';

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

