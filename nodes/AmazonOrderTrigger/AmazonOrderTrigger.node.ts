/**
 * Amazon Order Trigger (polling). The engine is nodes/shared/polling.ts (cursor in the node's static data, moved only
 * with the emission of the pages it covers; manual runs list a small sample; first activation starts from Look Back);
 * the client is lib/channels/amazon/client.ts (paging, pacing, token refresh). Emits canonical orders.
 */
import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { channelCredentialTests } from '../shared/channels';
import { pollChannel, pollingProperties, POLLING_SUBTITLE, readPollSettings } from '../shared/polling';

export class AmazonOrderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Amazon Order Trigger',
		name: 'amazonOrderTrigger',
		icon: { light: 'file:amazonOrderTrigger.svg', dark: 'file:amazonOrderTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: POLLING_SUBTITLE,
		description: 'Starts the workflow when Amazon orders are created or change (SP-API Orders searchOrders, polled with LWA auth; paced to the per-seller rate limits)',
		defaults: { name: 'Amazon Order Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omsAmazonSpApi', required: true, testedBy: 'amazonSpApiTest' }],
		properties: pollingProperties('amazon'),
	};

	methods = { credentialTest: channelCredentialTests('amazon') };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readPollSettings(this);
		const result = await pollChannel(this, 'amazon', settings);
		return result.items.length ? [result.items] : null;
	}
}
