/**
 * Cancel an order in the OMS (OMS Order > Cancel): the status and the release of its reserved stock in one store
 * transition. The transition table (lib/order/status.ts, cause operator_cancel) says from where; an order the
 * warehouse already has is cancelled at the WMS instead.
 */
import { AT_OR_PAST_WMS } from '../order/status';
import type { Store, StoredOrder } from '../store/types';
import { OrderNotFoundError } from '../store/rows';

export class OrderProcessError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'OrderProcessError';
	}
}

/**
 * Cancel an order in the OMS: its status becomes cancelled with the reason in the timeline and its reserved stock goes
 * back to available, together. An order already cancelled (on its channel, by an operator's status change) is not
 * changed, but gives back what it still holds. An order the warehouse already has must be cancelled at the WMS first
 * (the WMS node's Order > Cancel), so the OMS never says "cancelled" about an order the warehouse will still ship.
 */
export async function cancelOrder(
	store: Store,
	omsId: string,
	opts: { by: string; reason: string | null },
): Promise<{ changed: boolean; stored: StoredOrder; released: number }> {
	const current = await store.getOrder(omsId);
	if (!current) throw new OrderNotFoundError(omsId);
	if (AT_OR_PAST_WMS.includes(current.status)) {
		throw new OrderProcessError(
			`Order ${omsId} is ${current.status.replace('_', ' ')}: the warehouse has it, so cancel it at the WMS first (WMS node, Order > Cancel)`,
		);
	}
	// only from the status decided on: the release goes with the move, or with an order already cancelled
	const result = await store.transition(omsId, {
		to: 'cancelled',
		cause: 'operator_cancel',
		by: opts.by,
		detail: { reason: opts.reason },
		hold: null,
		onlyFrom: [current.status],
		release: true,
	});
	// someone else moved it meanwhile: decide again on the fresh state
	if (result.refused) return cancelOrder(store, omsId, opts);
	return { changed: result.changed, stored: result.stored, released: result.released.reduce((s, r) => s + r.quantity, 0) };
}
