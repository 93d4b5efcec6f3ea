/**
 * The seller's answer to a buyer's cancel request (the canonical order's cancelRequest), queued in the channel outbox
 * (kind cancel_answer, sent once by lib/flows/channel-calls.ts): approve once the order is stopped, reject where the
 * channel has a call for it (eBay) once it cannot be; where it has none (Amazon, Walmart) shipping is the answer and
 * nothing is queued. Used by Apply Channel Change (the request seen) and by the WMS outbox (a cancel owed to the WMS
 * answered later). n8n-free.
 */
import { channelDefinition } from '../channels/registry';
import type { Store, StoredOrder } from '../store/types';

export interface QueuedCancelAnswer {
	decision: 'approve' | 'reject';
	callId: number;
	status: string;
}

/** The channel has a call to refuse a buyer's cancel request (eBay); else shipping is the answer (Amazon, Walmart):
 * the channel's own declaration (lib/channels/<name>/index.ts capabilities), never its name */
export function rejectsByCall(stored: StoredOrder): boolean {
	return channelDefinition(stored.order.channel)?.capabilities.rejectCancelRequest === true;
}

export const SHIPPING_ANSWERS = "The channel has no call to refuse a buyer's cancel request: shipping the order is the answer (Walmart: its shipment is confirmed with intentToCancelOverride). Nothing is queued";

/** The first shipment the OMS confirmed to the channel (its tracking and date), else the WMS's on the order */
export async function shipmentOf(store: Store, stored: StoredOrder): Promise<{ trackingNumber: string | null; shippedAt: string | null }> {
	const confirmed = (await store.listChannelCalls({ channel: stored.order.channel, omsId: stored.order.omsId, kind: 'confirmation' }))[0]?.payload;
	const s = stored.order.wms?.shipments?.find((x) => x.trackingNumber);
	const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
	return {
		trackingNumber: text(confirmed?.trackingNumber) ?? text(s?.trackingNumber),
		shippedAt: text(confirmed?.shippedAt) ?? text(s?.shippedAt),
	};
}

export async function queueCancelAnswer(store: Store, stored: StoredOrder, decision: 'approve' | 'reject', shipped: { trackingNumber: string | null; shippedAt: string | null } = { trackingNumber: null, shippedAt: null }): Promise<QueuedCancelAnswer> {
	const { order } = stored;
	const [{ call }] = await store.enqueueChannelCalls([
		{
			kind: 'cancel_answer',
			channel: order.channel,
			omsId: order.omsId,
			payload: { channelOrderId: order.channelOrderId, requestId: order.cancelRequest?.id ?? null, decision, ...(shipped.trackingNumber ? { trackingNumber: shipped.trackingNumber } : {}), ...(shipped.shippedAt ? { shippedAt: shipped.shippedAt } : {}) },
		},
	]);
	return { decision: call.payload?.decision === 'reject' ? 'reject' : 'approve', callId: call.id, status: call.status };
}

/**
 * A cancel owed to the WMS was answered after the request was seen (WMS > Retry Pending): the order stopped there is
 * approved; refused by the WMS, it is rejected where the channel has a call for it. Nothing for an order without an
 * open request.
 */
export async function answerAfterWmsCancel(store: Store, stored: StoredOrder | null, stopped: boolean): Promise<QueuedCancelAnswer | null> {
	if (!stored?.order.cancelRequest) return null;
	if (stopped) return queueCancelAnswer(store, stored, 'approve');
	return rejectsByCall(stored) ? queueCancelAnswer(store, stored, 'reject') : null;
}
