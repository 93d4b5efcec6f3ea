/**
 * Cancel at the WMS (the WMS node's Cancel): every sent delivery of the order is cancelled at the warehouse, a pending
 * one is failed so the outbox never sends it, and only when the WMS cancelled all of it does the order move to
 * cancelled with its reservations released (one store transition). Cancelling in the OMS alone: cancel-order.ts.
 */
import type { Store } from '../store/types';
import { apiFailureOf, type ApiFailure } from '../http/errors';
import { errorText } from '../wms/outbox';
import type { WmsProvider } from '../wms/types';

export interface CancelAtWmsResult {
	omsId: string;
	/** every WMS order (reference) of the order said it is cancelled, or was never sent */
	cancelled: boolean;
	statusChanged: boolean;
	references: Array<{ reference: string; shipmentNo: number; outcome: 'cancelled' | 'not_cancelled' | 'not_sent'; rawStatus: string | null; error: string | null; failure?: ApiFailure | null }>;
}

/**
 * Cancel an order at the WMS: every sent delivery (shipment 1, 2, ...) is cancelled there; a pending one is failed
 * so the outbox never sends it. The order moves to cancelled (and its reservations are released) only when the
 * WMS cancelled all of it; a WMS order already shipped stays, and is reported as not_cancelled.
 */
export async function cancelAtWms(store: Store, provider: WmsProvider, omsId: string, opts: { cause?: string; maxShipments?: number } = {}): Promise<CancelAtWmsResult> {
	const cause = opts.cause ?? 'wms.cancel';
	const out: CancelAtWmsResult = { omsId, cancelled: true, statusChanged: false, references: [] };
	for (let n = 1; n <= (opts.maxShipments ?? 50); n++) {
		const d = await store.getDelivery(omsId, n);
		if (!d) break;
		if (d.status !== 'sent') {
			if (d.status === 'pending') await store.markDeliveryAttemptFailed(d.id, 'cancelled in the OMS before it was sent', null);
			out.references.push({ reference: d.reference, shipmentNo: n, outcome: 'not_sent', rawStatus: null, error: null });
			continue;
		}
		const r = await provider.cancelOrder({ reference: d.reference, wmsOrderId: d.wmsOrderId ?? undefined }).catch((err: unknown) => err as Error);
		if (r instanceof Error) {
			out.cancelled = false;
			out.references.push({ reference: d.reference, shipmentNo: n, outcome: 'not_cancelled', rawStatus: null, error: errorText(r), failure: apiFailureOf(r) });
		} else {
			if (!r.cancelled) out.cancelled = false;
			out.references.push({ reference: d.reference, shipmentNo: n, outcome: r.cancelled ? 'cancelled' : 'not_cancelled', rawStatus: r.rawStatus, error: null });
		}
	}
	if (await store.getOrder(omsId)) {
		// what the WMS said, the move to cancelled (the table's wms_cancelled) and the release of the order's reserved
		// units, in one transaction; the timeline keeps what it always did (the failure's words are in `error`)
		const event = { type: 'wms', detail: { cancel: out.references.map((r) => ({ reference: r.reference, shipmentNo: r.shipmentNo, outcome: r.outcome, rawStatus: r.rawStatus, error: r.error })) } };
		const r = await store.transition(omsId, { by: cause, events: [event], ...(out.cancelled ? { to: 'cancelled' as const, cause: 'wms_cancelled' as const, release: true as const } : {}) });
		out.statusChanged = r.changed;
	}
	return out;
}
