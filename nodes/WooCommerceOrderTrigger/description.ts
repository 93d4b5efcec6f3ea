/**
 * The WooCommerceOrderTrigger node's description: name, version, inputs and outputs, parameters. The class (./WooCommerceOrderTrigger.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'WooCommerce Order Trigger',
	name: 'wooCommerceOrderTrigger',
	// 1.1 behaves as 1. n8n evaluates an expression for every delivery to a version-1 webhook node (its
	// "binary data" option, which this trigger does not have), and that costs a sandboxed isolate per execution.
	version: [1, 1.1],
	defaultVersion: 1.1,
	description: 'Starts the workflow when a WooCommerce order is created or updated, with the order in canonical form',
	defaults: { name: 'WooCommerce Order Trigger' },
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
	properties: [
		{
			displayName:
				'Activating the workflow registers the webhooks at WooCommerce. Unsigned or wrongly signed deliveries are refused with 401; the same order version delivered again is dropped. WooCommerce never retries a failed delivery: reconcile with the Marketplace node’s Get Orders Since on a schedule.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Topics',
			name: 'topics',
			type: 'multiOptions',
			options: [
				{ name: 'Order Created', value: 'order.created' },
				{ name: 'Order Updated', value: 'order.updated' },
			],
			default: ['order.created', 'order.updated'],
			required: true,
			description: 'Order events to receive',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Include Raw Payload',
					name: 'keepRaw',
					type: 'boolean',
					default: true,
					description: 'Whether to keep WooCommerce’s payload in the order’s `raw` field (for audit)',
				},
			],
		},
	],
};
