/**
 * eBay Order Trigger (polling). The engine is nodes/shared/polling.ts (cursor in the node's static data, moved only
 * with the emission of the pages it covers; manual runs list a small sample; first activation starts from Look Back);
 * the client is lib/channels/ebay/client.ts (paging, pacing, token refresh). Emits canonical orders.
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

export class EbayOrderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'eBay Order Trigger',
		name: 'ebayOrderTrigger',
		icon: { light: 'file:ebayOrderTrigger.svg', dark: 'file:ebayOrderTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: POLLING_SUBTITLE,
		description: 'Starts the workflow when eBay orders are created or change (Sell Fulfillment getOrders by lastmodifieddate, polled with OAuth refresh)',
		defaults: { name: 'eBay Order Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omsEbayApi', required: true, testedBy: 'ebayApiTest' }],
		properties: pollingProperties('ebay'),
	};

	methods = { credentialTest: channelCredentialTests('ebay') };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readPollSettings(this);
		const result = await pollChannel(this, 'ebay', settings);
		return result.items.length ? [result.items] : null;
	}
}
