/**
 * Amazon Order Trigger (polling). The engine is nodes/shared/polling.ts (cursor in the node's static data, moved only
 * with the emission of the pages it covers; manual runs list a small sample; first activation starts from Look Back);
 * the client is lib/channels/amazon/client.ts (paging, pacing, token refresh). Emits canonical orders.
 */
import { type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';
import { channelCredentialTests } from '../shared/channels';
import { pollChannel, POLLING_SUBTITLE, readPollSettings } from '../shared/polling';
import { description } from './description';

export class AmazonOrderTrigger implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:amazonOrderTrigger.svg', dark: 'file:amazonOrderTrigger.dark.svg' },
		group: ['trigger'],
		subtitle: POLLING_SUBTITLE,
		credentials: [{ name: 'omsAmazonSpApi', required: true, testedBy: 'amazonSpApiTest' }],
	};

	methods = { credentialTest: channelCredentialTests('amazon') };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readPollSettings(this);
		const result = await pollChannel(this, 'amazon', settings);
		return result.items.length ? [result.items] : null;
	}
}
