/**
 * Release an order held for a failed WMS delivery (OMS Order > Release): a person fixed the cause (the address, the SKU
 * at the warehouse, the credential), so the order goes back to ready and its failed deliveries are queued again, in
 * one store transition. The re-queue goes with the status move only, so a second Release (or two people at once)
 * queues nothing twice; the outbox (WMS > Retry Pending, under its lease) then sends each delivery once, with the same
 * reference as before, so a WMS that did get the first attempt answers "exists" instead of making a second order.
 */
import { HOLD_LABELS } from '../order/status';
import { OrderNotFoundError } from '../store/rows';
import type { Delivery, Store, StoredOrder } from '../store/types';
import { deliveriesOf } from '../wms/outbox';
import { OrderProcessError } from './cancel-order';

export interface ReleaseWmsHoldResult {
	changed: boolean;
	stored: StoredOrder;
	/** The deliveries queued again (pending, due now) */
	requeued: Delivery[];
}

export async function releaseWmsHold(store: Store, omsId: string, opts: { by: string; note: string | null }): Promise<ReleaseWmsHoldResult> {
	const current = await store.getOrder(omsId);
	if (!current) throw new OrderNotFoundError(omsId);
	if (current.status !== 'on_hold' || current.hold?.reason !== 'wms_failed') {
		const now = current.hold ? `${current.status.replace('_', ' ')} (held: ${HOLD_LABELS[current.hold.reason] ?? current.hold.reason})` : current.status.replace('_', ' ');
		throw new OrderProcessError(`Order ${omsId} is ${now}: Release moves only an order on hold because its WMS delivery failed (hold reason ${HOLD_LABELS.wms_failed})`);
	}
	const failed = (await deliveriesOf(store, omsId)).filter((d) => d.status === 'failed');
	const result = await store.transition(omsId, {
		to: 'ready',
		cause: 'wms_released',
		by: opts.by,
		onlyFrom: ['on_hold'],
		hold: null,
		detail: { ...(opts.note ? { note: opts.note } : {}), requeued: failed.map((d) => d.reference), failure: current.hold.detail },
		requeue: failed.map((d) => d.id),
	});
	return { changed: result.changed, stored: result.stored, requeued: result.requeued ?? [] };
}
