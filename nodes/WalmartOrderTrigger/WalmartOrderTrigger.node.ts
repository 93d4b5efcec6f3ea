/**
 * Walmart Order Trigger (polling). The engine is nodes/shared/polling.ts (cursor in the node's static data, moved only
 * with the emission of the pages it covers; manual runs list a small sample; first activation starts from Look Back);
 * the client is lib/channels/walmart/client.ts (paging, pacing, token refresh). Emits canonical orders. With Acknowledge
 * Released Orders, the OMS store (the optional OMS Store credential) holds the acknowledgements owed (channel outbox).
 */
import { type IDataObject, type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';
import type { ChannelClient } from '../../lib/channels/types';
import { acknowledgeOrders, type ChannelCallResult } from '../../lib/flows/channel-calls';
import { statusKey } from '../../lib/channels/status';
import { channelCredentialTests } from '../shared/channels';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { errorText } from '../../lib/wms/outbox';
import { pollChannel, POLLING_SUBTITLE, readPollSettings } from '../shared/polling';
import { description } from './description';

/** Walmart's acknowledge budget is a burst of 20 (then 2 a second): what fits in it goes at once */
export const ACKNOWLEDGE_NOW_DEFAULT = 20;

/**
 * Acknowledge every emitted order that still has a Created line (Walmart releases orders as Created; a seller must
 * acknowledge them, or Walmart may cancel them: lib/flows/acknowledge-orders.ts) through the channel outbox: each owed
 * once per order, the first `sendNow` sent at once (what fits in Walmart's burst, so the emission is not held back),
 * the rest left owed for Retry Pending (OMS 10). Runs in poll() after the emission is built, so an order is only
 * acknowledged when it is handed to the workflow. A failure (a refusal, a store that cannot be reached) is logged and
 * recorded on the item, never fails the poll: the intake goes on, and OMS 5 queues what is still Created.
 * Returns the ids owed or sent (their own Created -> Acknowledged change is not emitted again).
 */
async function acknowledgeEmitted(ctx: IPollFunctions, client: ChannelClient, items: INodeExecutionData[], sendNow: number): Promise<string[]> {
	let results: Array<ChannelCallResult | null>;
	try {
		results = await acknowledgeOrders(await getStore(ctx), client, items.map((i) => i.json), { sendNow, cause: `${ctx.getNode().name} (acknowledge)` });
	} catch (error) {
		const message = errorText(error);
		ctx.logger.warn(`Walmart Order Trigger: acknowledgements not queued (the OMS 5 reconciliation queues them): ${message}`);
		return [];
	}
	const done: string[] = [];
	results.forEach((r, k) => {
		if (!r) return;
		const j = items[k].json as IDataObject;
		const ok = r.outcome === 'sent' || r.outcome === 'already_sent' || r.outcome === 'found_at_channel';
		j.acknowledgement = {
			ok,
			outcome: r.outcome,
			callId: r.call?.id ?? null,
			...(r.status ? { status: r.status } : {}),
			...(r.outcome === 'queued' || r.outcome === 'retry_scheduled' ? { owed: true, nextAttemptAt: r.call?.nextAttemptAt ?? null } : {}),
			...(r.error ? { error: r.error } : {}),
		};
		if (r.outcome === 'failed') ctx.logger.warn(`Walmart order ${String(j.channelOrderId)}: acknowledgement failed: ${r.error}`);
		else done.push(String(j.channelOrderId));
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
		credentials: [{ name: 'omsWalmartApi', required: true, testedBy: 'walmartApiTest' }, { name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
	};

	methods = { credentialTest: channelCredentialTests('walmart', { omsStoreConnectionTest }) };

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
				const n = Number(settings.options.acknowledgeNow ?? ACKNOWLEDGE_NOW_DEFAULT);
				const done = await acknowledgeEmitted(this, result.client, items, Number.isFinite(n) ? Math.max(0, Math.floor(n)) : ACKNOWLEDGE_NOW_DEFAULT);
				if (done.length) data.acked = [...acked, ...done].slice(-ACKED_CAP);
			}
		}
		return items.length ? [items] : null;
	}
}
