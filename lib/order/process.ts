/**
 * Order process operations that combine several store steps (named after Vendure's OrderProcess): what an
 * operator's Cancel does. Pure rules live in status.ts (the transition table); this file applies them to a store.
 */
import { AT_OR_PAST_WMS } from './status';
import type { Store, StoredOrder } from '../store/types';
import { OrderNotFoundError } from '../store/rows';

export class OrderProcessError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'OrderProcessError';
	}
}

/**
 * Cancel an order in the OMS: its reserved stock goes back to available, and its status becomes cancelled with the
 * reason in the timeline. An order the warehouse already has must be cancelled at the WMS first (the WMS node's
 * Order > Cancel), so the OMS never says "cancelled" about an order the warehouse will still ship.
 */
export async function cancelOrder(
	store: Store,
	omsId: string,
	opts: { by: string; reason: string | null },
): Promise<{ changed: boolean; stored: StoredOrder; released: number }> {
	const current = await store.getOrder(omsId);
	if (!current) throw new OrderNotFoundError(omsId);
	if (current.status === 'cancelled') {
		// a cancel interrupted after the status change still gives its stock back when run again
		const { released } = await store.release(omsId, undefined, { cause: opts.by });
		return { changed: false, stored: current, released: released.reduce((s, r) => s + r.quantity, 0) };
	}
	if (AT_OR_PAST_WMS.includes(current.status)) {
		throw new OrderProcessError(
			`Order ${omsId} is ${current.status.replace('_', ' ')}: the warehouse has it, so cancel it at the WMS first (WMS node, Order > Cancel)`,
		);
	}
	const result = await store.setStatus(omsId, 'cancelled', {
		cause: opts.by,
		detail: { reason: opts.reason },
		hold: null,
		onlyFrom: [current.status],
	});
	if (!result.changed) {
		// someone else moved it meanwhile: decide again on the fresh state
		return cancelOrder(store, omsId, opts);
	}
	const { released } = await store.release(omsId, undefined, { cause: opts.by });
	return { changed: true, stored: result.stored, released: released.reduce((s, r) => s + r.quantity, 0) };
}
