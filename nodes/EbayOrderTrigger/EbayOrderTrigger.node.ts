/**
 * eBay Order Trigger (polling). The engine is nodes/shared/polling.ts (cursor in the node's static data, moved only
 * with the emission of the pages it covers; manual runs list a small sample; first activation starts from Look Back);
 * the client is lib/channels/ebay/client.ts (paging, pacing, token refresh). Emits canonical orders.
 */
import { type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';
import { channelCredentialTests } from '../shared/channels';
import { pollChannel, POLLING_SUBTITLE, readPollSettings } from '../shared/polling';
import { description } from './description';

export class EbayOrderTrigger implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:ebayOrderTrigger.svg', dark: 'file:ebayOrderTrigger.dark.svg' },
		group: ['trigger'],
		subtitle: POLLING_SUBTITLE,
		credentials: [{ name: 'omsEbayApi', required: true, testedBy: 'ebayApiTest' }],
	};

	methods = { credentialTest: channelCredentialTests('ebay') };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readPollSettings(this);
		const result = await pollChannel(this, 'ebay', settings);
		return result.items.length ? [result.items] : null;
	}
}
