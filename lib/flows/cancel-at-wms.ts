/**
 * Cancel at the WMS (the WMS node's Cancel; Apply Channel Change at the WMS): every sent delivery of the order owes the
 * WMS a cancel, through the WMS outbox's calls (lib/flows/wms-calls.ts), sent at once in this run; a pending delivery
 * is failed so the outbox never sends it. Only when the WMS cancelled every part does the order move to cancelled
 * with its reservations released (one store transition, with the last answer). A refusal holds the order
 * cancel_refused with the WMS's words; a WMS that does not answer leaves the cancel owed (the order held cancel_owed)
 * for the outbox to ask again (WMS > Retry Pending), and nothing here waits. Cancelling in the OMS alone: cancel-order.ts.
 */
import type { Store, WmsCall } from '../store/types';
import type { ApiFailure } from '../http/errors';
import type { BackoffPolicy } from '../wms/outbox';
import type { WmsProvider } from '../wms/types';
import { sendWmsCallsNow } from './wms-calls';

export interface CancelAtWmsResult {
	omsId: string;
	/** every WMS order (reference) of the order said it is cancelled, or was never sent */
	cancelled: boolean;
	/** a WMS order's cancel is still owed: the WMS did not answer, the outbox asks again */
	owed: boolean;
	statusChanged: boolean;
	references: Array<{
		reference: string;
		shipmentNo: number;
		/** owed: not answered yet (see nextAttemptAt); not_cancelled: refused, or never answered through every attempt */
		outcome: 'cancelled' | 'not_cancelled' | 'not_sent' | 'owed';
		rawStatus: string | null;
		error: string | null;
		failure?: ApiFailure | null;
		/** The cancel's call in the WMS outbox, and when it is asked again (owed) */
		callId?: number;
		callStatus?: WmsCall['status'];
		nextAttemptAt?: string | null;
	}>;
}

export interface CancelAtWmsOptions {
	cause?: string;
	maxShipments?: number;
	/** What asked for the cancel, for the person reading a hold (default: cancel asked at the WMS) */
	why?: string;
	/** Ask again a cancel the WMS refused or never answered (a person's WMS > Cancel); default false */
	again?: boolean;
	/** ISO time of the attempt; default now */
	now?: string;
	backoff?: BackoffPolicy;
	leaseSeconds?: number;
}

/**
 * Cancel an order at the WMS: every sent delivery (shipment 1, 2, ...) owes a cancel, asked at once; a pending one is
 * failed so the outbox never sends it. A cancel answered before is not asked again.
 */
export async function cancelAtWms(store: Store, provider: WmsProvider, omsId: string, opts: CancelAtWmsOptions = {}): Promise<CancelAtWmsResult> {
	const cause = opts.cause ?? 'wms.cancel';
	const before = (await store.getOrder(omsId))?.status ?? null;
	const out: CancelAtWmsResult = { omsId, cancelled: true, owed: false, statusChanged: false, references: [] };
	const calls: WmsCall[] = [];
	for (let n = 1; n <= (opts.maxShipments ?? 50); n++) {
		const d = await store.getDelivery(omsId, n);
		if (!d) break;
		if (d.status !== 'sent') {
			if (d.status === 'pending') await store.markDeliveryAttemptFailed(d.id, 'cancelled in the OMS before it was sent', null);
			out.references.push({ reference: d.reference, shipmentNo: n, outcome: 'not_sent', rawStatus: null, error: null });
			continue;
		}
		const { call } = await store.enqueueWmsCall(
			{ kind: 'cancel', omsId, shipmentNo: n, provider: d.provider, reference: d.reference, wmsOrderId: d.wmsOrderId, payload: { why: opts.why ?? 'cancel asked at the WMS' } },
			{ again: opts.again === true },
		);
		calls.push(call);
	}
	// the first attempt now, in this run (a call of another provider's WMS stays owed to that WMS node)
	const owedHere = calls.filter((c) => c.status === 'pending' && c.provider === provider.name).map((c) => c.id);
	const attempts = new Map((await sendWmsCallsNow(store, provider, owedHere, { cause, now: opts.now, backoff: opts.backoff, leaseSeconds: opts.leaseSeconds })).map((r) => [r.call.id, r]));
	for (const c of calls) {
		const now = attempts.get(c.id)?.call ?? (await store.getWmsCall(c.id)) ?? c;
		const rawStatus = typeof now.answer?.rawStatus === 'string' ? now.answer.rawStatus : null;
		const outcome = now.status === 'sent' ? 'cancelled' : now.status === 'pending' ? 'owed' : 'not_cancelled';
		if (outcome !== 'cancelled') out.cancelled = false;
		if (outcome === 'owed') out.owed = true;
		out.references.push({
			reference: now.reference,
			shipmentNo: now.shipmentNo,
			outcome,
			rawStatus,
			error: outcome === 'cancelled' ? null : now.lastError,
			failure: attempts.get(c.id)?.failure ?? null,
			callId: now.id,
			callStatus: now.status,
			nextAttemptAt: now.nextAttemptAt,
		});
	}
	out.references.sort((a, b) => a.shipmentNo - b.shipmentNo);
	const stored = await store.getOrder(omsId);
	if (stored && !calls.length) {
		// nothing was at the WMS: the order moves to cancelled and its units are released, in one transition
		const event = { type: 'wms', detail: { cancel: out.references.map((r) => ({ reference: r.reference, shipmentNo: r.shipmentNo, outcome: r.outcome, rawStatus: null, error: null })) } };
		out.statusChanged = (await store.transition(omsId, { by: cause, events: [event], to: 'cancelled', cause: 'wms_cancelled', release: true })).changed;
	} else out.statusChanged = !!stored && stored.status !== before;
	return out;
}
