/** The AmazonOrderTrigger node's description: its parameters, inputs and outputs, and credentials. */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { pollingProperties } from '../shared/polling';

/** The node's description, all but what n8n's node review (its lint) reads in the class itself: icon, group, subtitle, usableAsTool, credentials */
export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'Amazon Order Trigger',
	name: 'amazonOrderTrigger',
	version: 1,
	description: 'Starts the workflow when Amazon orders are created or change (SP-API Orders searchOrders, polled with LWA auth; paced to the per-seller rate limits)',
	defaults: { name: 'Amazon Order Trigger' },
	polling: true,
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	properties: pollingProperties('amazon'),
};
