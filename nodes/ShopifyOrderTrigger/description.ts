/**
 * The ShopifyOrderTrigger node's description: name, version, inputs and outputs, parameters. The class (./ShopifyOrderTrigger.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

/** Shopify's return webhook topics ✔ (WebhookSubscriptionTopic): each names a return, read with return(id:) */
export const RETURN_TOPICS = ['returns/request', 'returns/approve', 'returns/decline', 'returns/cancel', 'returns/close', 'returns/reopen', 'returns/process'];

/** Every topic's name on the canvas */
export const TOPIC_LABELS: Record<string, string> = {
	'orders/cancelled': 'Order Cancelled',
	'orders/create': 'Order Created',
	'orders/updated': 'Order Updated',
	'returns/approve': 'Return Approved',
	'returns/cancel': 'Return Cancelled',
	'returns/close': 'Return Closed',
	'returns/decline': 'Return Declined',
	'returns/process': 'Return Processed',
	'returns/reopen': 'Return Reopened',
	'returns/request': 'Return Requested',
};

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'Shopify Order Trigger',
	name: 'shopifyOrderTrigger',
	// 1.1 behaves as 1. n8n evaluates an expression for every delivery to a version-1 webhook node (its
	// "binary data" option, which this trigger does not have), and that costs a sandboxed isolate per execution.
	version: [1, 1.1],
	defaultVersion: 1.1,
	description: 'Starts the workflow when Shopify creates, updates or cancels an order (the order in canonical form), or when a return is requested or changes (the return in canonical form)',
	defaults: { name: 'Shopify Order Trigger' },
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
	properties: [
		{
			displayName:
				'Activating the workflow registers the webhooks at Shopify. Deliveries that are unsigned, wrongly signed or older than Max Age are refused with 401; repeats are dropped.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Topics',
			name: 'topics',
			type: 'multiOptions',
			options: Object.entries(TOPIC_LABELS)
				.map(([value, name]) => ({ name, value }))
				.sort((a, b) => a.name.localeCompare(b.name)),
			default: ['orders/create', 'orders/updated', 'orders/cancelled'],
			required: true,
			description:
				'Order events (each emits the order in canonical form, for Record) or return events (each emits the return it names, read from Shopify, in canonical form, for OMS Returns > Record); not both in one trigger',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Max Age (Hours)',
					name: 'maxAgeHours',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 24,
					description:
						'Refuse deliveries whose X-Shopify-Triggered-At is older than this. Shopify retries a failed delivery with the same time for about 4 hours, so keep it above 5. 0 turns the check off.',
				},
				{
					displayName: 'Include Raw Payload',
					name: 'keepRaw',
					type: 'boolean',
					default: true,
					description: 'Whether to keep Shopify’s payload in the order’s `raw` field (for audit)',
				},
			],
		},
	],
};
