/**
 * Walmart Order Trigger (polling). The engine is nodes/shared/polling.ts (cursor in the node's static data, moved only
 * with the emission of the pages it covers; manual runs list a small sample; first activation starts from Look Back);
 * the client is lib/channels/walmart/client.ts (paging, pacing, token refresh). Emits canonical orders.
 */
import { type IDataObject, type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';
import type { ChannelClient } from '../../lib/channels/types';
import { acknowledgeReleased } from '../../lib/flows/acknowledge-orders';
import { statusKey } from '../../lib/channels/status';
import { channelCredentialTests } from '../shared/channels';
import { pollChannel, POLLING_SUBTITLE, readPollSettings } from '../shared/polling';
import { description } from './description';

/**
 * Acknowledge every emitted order that still has a Created line (Walmart releases orders as Created; a seller must
 * acknowledge them, or Walmart may cancel them: lib/flows/acknowledge-orders.ts). Runs in poll() after the emission is
 * built, so an order is only acknowledged when it is handed to the workflow. Failures are logged and recorded on the
 * item, never fail the poll.
 */
async function acknowledgeEmitted(ctx: IPollFunctions, client: ChannelClient, items: INodeExecutionData[]): Promise<string[]> {
	const done: string[] = [];
	const results = await acknowledgeReleased(client, items.map((i) => i.json));
	results.forEach((r, k) => {
		if (!r) return;
		const j = items[k].json as IDataObject;
		j.acknowledgement = { ...r };
		if (r.ok) done.push(String(j.channelOrderId));
		else ctx.logger.warn(`Walmart order ${String(j.channelOrderId)}: acknowledgement failed: ${r.error}`);
	});
	return done;
}

/** How many acknowledged purchase order ids are remembered (bounded static data) */
const ACKED_CAP = 5000;

/** Still ready and every line just Acknowledged: what our acknowledgement alone produces */
function onlyAcknowledged(j: IDataObject): boolean {
	if (j.readiness !== 'ready') return false;
	const words = String(j.channelStatus ?? '').split('/').map(statusKey);
	return words.length > 0 && words.every((w) => w === 'ACKNOWLEDGED');
}

export class WalmartOrderTrigger implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:walmartOrderTrigger.svg', dark: 'file:walmartOrderTrigger.dark.svg' },
		group: ['trigger'],
		subtitle: POLLING_SUBTITLE,
		credentials: [{ name: 'omsWalmartApi', required: true, testedBy: 'walmartApiTest' }],
	};

	methods = { credentialTest: channelCredentialTests('walmart') };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readPollSettings(this);
		const result = await pollChannel(this, 'walmart', settings);
		let items = result.items;
		if (!result.manual) {
			// Our own acknowledgement moves the order's status date: it is not a change the workflow needs again
			const data = this.getWorkflowStaticData('node');
			const acked = new Set(Array.isArray(data.acked) ? (data.acked as string[]) : []);
			items = items.filter((i) => !(acked.has(String(i.json.channelOrderId)) && onlyAcknowledged(i.json)));
			if (settings.options.acknowledge === true) {
				const done = await acknowledgeEmitted(this, result.client, items);
				if (done.length) data.acked = [...acked, ...done].slice(-ACKED_CAP);
			}
		}
		return items.length ? [items] : null;
	}
}
