/**
 * Amazon's status words: readiness (docs/concepts.md#readiness; unknown words are `pending` on purpose: an order is
 * never sent to the warehouse on a status this code does not understand) and how far each word is along its lifecycle
 * (one dimension; lib/channels/status.ts statusProgress).
 */
import type { Readiness } from '../../order/types';
import { statusKey } from '../normalize-common';

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

