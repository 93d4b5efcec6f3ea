/**
 * Walmart's status words: readiness (docs/concepts.md#readiness; unknown words are `pending` on purpose: an order is
 * never sent to the warehouse on a status this code does not understand) and how far each word is along its lifecycle
 * (the lines' statuses: compared by the least and the furthest line; lib/channels/status.ts statusProgress).
 */
import type { Readiness } from '../../order/types';
import { statusKey } from '../normalize-common';

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

