/**
 * The WalmartOrderTrigger node's description: name, version, inputs and outputs, parameters. The class (./WalmartOrderTrigger.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { pollingProperties } from '../shared/polling';

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'Walmart Order Trigger',
	name: 'walmartOrderTrigger',
	version: 1,
	description: 'Starts the workflow when Walmart Marketplace orders are created or change (v3 orders by lastModifiedStartDate, nextCursor paging), optionally acknowledging released orders',
	defaults: { name: 'Walmart Order Trigger' },
	polling: true,
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	properties: pollingProperties('walmart', {
		extra: [
			{
				displayName: 'Acknowledge Released Orders',
				name: 'acknowledge',
				type: 'boolean',
				default: false,
				description:
					'Whether to acknowledge (POST /v3/orders/{purchaseOrderId}/acknowledge) each emitted order that is still Created, through the OMS channel outbox: owed once per order, the first ones sent at once (Acknowledge Now), the rest by Marketplace > Retry Pending; a failed one is in the Attention queue and Marketplace > Resend Failed sends it again. Not done by a manual run. The outcome is shown in the item (acknowledgement). The change the acknowledgement itself causes is not emitted again.',
			},
			{
				displayName: 'Acknowledge Now (Max)',
				name: 'acknowledgeNow',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 20,
				description:
					"With Acknowledge Released Orders: how many of a poll's owed acknowledgements are sent before the emission (Walmart allows a burst of 20, then 2 a second); the rest stay owed for Marketplace > Retry Pending. 0: all left to Retry Pending.",
			},
		],
	}),
};
