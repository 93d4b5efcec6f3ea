/**
 * Acknowledge the orders a channel still waits to have acknowledged (Walmart: a released order with a line still
 * Created; Walmart expects the acknowledgement within hours and may cancel what stays unacknowledged). Both ways an
 * order reaches the OMS use it: the Walmart Order Trigger on what it emits, and Marketplace > Get Orders Since
 * (OMS 5's reconciliation) on what it lists. An order already acknowledged is not asked again (its lines are no
 * longer Created), so a run that lists it again costs no call, and one whose acknowledgement failed is acknowledged
 * by the next run that lists it. A channel without acknowledgements (capabilities.acknowledge false) is never called.
 * n8n-free: a ChannelClient and plain orders in, one result per order out.
 */
import { channelDefinition } from '../channels/registry';
import { statusKey } from '../channels/status';
import type { ChannelClient } from '../channels/types';
import { errorText } from '../wms/outbox';

export interface AcknowledgementResult {
	ok: boolean;
	/** The channel's HTTP status (ok) */
	status?: number;
	/** Why it failed (redacted by the clients) */
	error?: string;
}

/** An order as the nodes hold it: a canonical order, or a trigger's item that failed to normalise */
export interface AcknowledgeCandidate {
	channelOrderId?: unknown;
	channelStatus?: unknown;
	_normalizationError?: unknown;
}

/** Whether the channel waits for this order's acknowledgement: a line still Created (Walmart's status words, "/"-joined) */
export function awaitsAcknowledgement(client: Pick<ChannelClient, 'channel'>, order: AcknowledgeCandidate): boolean {
	if (!channelDefinition(client.channel)?.capabilities.acknowledge) return false;
	if (order._normalizationError || typeof order.channelOrderId !== 'string' || !order.channelOrderId) return false;
	return String(order.channelStatus ?? '').split('/').map(statusKey).includes('CREATED');
}

/**
 * Acknowledge each order that awaits it, one call each (the client paces them); results in input order, null for an
 * order that needs none. A failed acknowledgement is that order's result (ok false, the error), never an exception.
 */
export async function acknowledgeReleased(client: ChannelClient, orders: AcknowledgeCandidate[]): Promise<Array<AcknowledgementResult | null>> {
	const out: Array<AcknowledgementResult | null> = [];
	for (const o of orders) {
		if (!awaitsAcknowledgement(client, o)) {
			out.push(null);
			continue;
		}
		try {
			const r = await client.acknowledge(o.channelOrderId as string);
			out.push({ ok: true, status: r.status });
		} catch (error) {
			out.push({ ok: false, error: errorText(error) });
		}
	}
	return out;
}
