/**
 * Which orders a channel still waits to have acknowledged (Walmart: a released order with a line still Created;
 * Walmart expects the acknowledgement within hours and may cancel what stays unacknowledged). Both ways an order
 * reaches the OMS use it: the Walmart Order Trigger on what it emits, and Marketplace > Get Orders Since (OMS 5's
 * reconciliation) on what it lists; both queue the acknowledgement in the channel outbox (lib/flows/channel-calls.ts
 * acknowledgeOrders), owed once per order whichever asks first. The outbox reads the same rule on the order as the
 * channel has it now, before sending again an acknowledgement whose answer was lost. A channel without
 * acknowledgements (capabilities.acknowledge false) is never called.
 * n8n-free: plain orders in.
 */
import { channelDefinition } from '../channels/registry';
import { statusKey } from '../channels/status';
import type { ChannelClient } from '../channels/types';

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
