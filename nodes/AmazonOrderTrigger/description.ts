/**
 * The AmazonOrderTrigger node's description: name, version, inputs and outputs, parameters. The class (./AmazonOrderTrigger.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { pollingProperties } from '../shared/polling';

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
