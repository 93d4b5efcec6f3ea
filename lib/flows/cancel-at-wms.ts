/**
 * Cancel at the WMS (the WMS node's Cancel): every sent delivery of the order is cancelled at the warehouse, a pending
 * one is failed so the outbox never sends it, and only when the WMS cancelled all of it does the order move to
 * cancelled with its reservations released (one store transition). Cancelling in the OMS alone: cancel-order.ts.
 */
import type { Store } from '../store/types';
import { apiFailureOf, type ApiFailure } from '../http/errors';
import { errorText, isRetryable } from '../wms/outbox';
import type { WmsProvider } from '../wms/types';

export interface CancelAtWmsResult {
	omsId: string;
	/** every WMS order (reference) of the order said it is cancelled, or was never sent */
	cancelled: boolean;
	statusChanged: boolean;
	references: Array<{ reference: string; shipmentNo: number; outcome: 'cancelled' | 'not_cancelled' | 'not_sent'; rawStatus: string | null; error: string | null; failure?: ApiFailure | null }>;
}

export interface CancelAtWmsOptions {
	cause?: string;
	maxShipments?: number;
	/**
	 * Waits before each new try of a cancel the WMS did not answer (a 5xx, a 429, a timeout: not a refusal), on top of
	 * the client's own retries; default 5, 10, 20, 30 and 30 s (about a minute and a half). A WMS still unreachable
	 * after them is reported not_cancelled with its error, and the caller holds the order for a person.
	 */
	retryDelaysMs?: number[];
	sleep?: (ms: number) => Promise<void>;
}

export const CANCEL_RETRY_DELAYS_MS = [5_000, 10_000, 20_000, 30_000, 30_000];

/**
 * Cancel an order at the WMS: every sent delivery (shipment 1, 2, ...) is cancelled there; a pending one is failed
 * so the outbox never sends it. The order moves to cancelled (and its reservations are released) only when the
 * WMS cancelled all of it; a WMS order already shipped stays, and is reported as not_cancelled. A WMS that does not
 * answer (down, 5xx, 429) is asked again after each of `retryDelaysMs`: only its refusal, or its silence through all
 * of them, leaves the order not cancelled.
 */
export async function cancelAtWms(store: Store, provider: WmsProvider, omsId: string, opts: CancelAtWmsOptions = {}): Promise<CancelAtWmsResult> {
	const delays = opts.retryDelaysMs ?? CANCEL_RETRY_DELAYS_MS;
	const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
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
		const ask = () => provider.cancelOrder({ reference: d.reference, wmsOrderId: d.wmsOrderId ?? undefined }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
		let r = await ask();
		for (let k = 0; r instanceof Error && isRetryable(r) && k < delays.length; k++) {
			await sleep(delays[k]);
			r = await ask();
		}
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
