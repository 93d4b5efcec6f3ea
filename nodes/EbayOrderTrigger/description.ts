/**
 * The EbayOrderTrigger node's description: name, version, inputs and outputs, parameters. The class (./EbayOrderTrigger.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { pollingProperties } from '../shared/polling';

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'eBay Order Trigger',
	name: 'ebayOrderTrigger',
	version: 1,
	description: 'Starts the workflow when eBay orders are created or change (Sell Fulfillment getOrders by lastmodifieddate, polled with OAuth refresh)',
	defaults: { name: 'eBay Order Trigger' },
	polling: true,
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	properties: pollingProperties('ebay'),
};
