/** The EbayOrderTrigger node's description: its parameters, inputs and outputs, and credentials. */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { pollingProperties } from '../shared/polling';

/** The node's description, all but what n8n's node review (its lint) reads in the class itself: icon, group, subtitle, usableAsTool, credentials */
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
