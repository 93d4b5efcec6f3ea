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
					'Whether to acknowledge (POST /v3/orders/{purchaseOrderId}/acknowledge) each emitted order that is still Created, right after building the emission. Not done by a manual run. A failed acknowledgement is logged and shown in the item (acknowledgement.ok false). The change the acknowledgement itself causes is not emitted again.',
			},
		],
	}),
};
