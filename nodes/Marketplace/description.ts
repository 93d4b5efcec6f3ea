/**
 * The Marketplace node's description: name, version, inputs and outputs, parameters. The class (./Marketplace.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { CHANNEL_REGISTRY, channelDefinition, type ChannelName } from '../../lib/channels/registry';
import { CHANNEL_OPTIONS } from '../shared/channels';
import { STORE_NOTICE } from '../shared/store';

/** Every registered channel, in the order of its options (by name) */
export const CHANNELS = CHANNEL_OPTIONS.map((o) => o.value as ChannelName);

export const FROM_ITEM = { name: 'From Item', value: 'fromItem', description: "Each item's channel field (or its omsId prefix), with the credential of that channel" };

export const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' });

/** "A, B and C" */
function and(words: string[]): string {
	return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

const orderIdField = (ops: string[]): INodeProperties => ({
	displayName: 'Channel Order ID',
	name: 'channelOrderId',
	type: 'string',
	default: '={{ $json.channelOrderId }}',
	description: `The channel's order ID (${CHANNELS.map((c) => channelDefinition(c)!.words.orderId).join(', ')}). Empty: taken from the item's omsId.`,
	displayOptions: { show: { operation: ops } },
});

const linesField = (ops: string[], extra: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: 'Lines',
	name: 'lines',
	type: 'json',
	default: '={{ $json.lines }}',
	description: `JSON array of {lineId, sku, quantity}: the channel's line IDs (${CHANNELS.map((c) => channelDefinition(c)!.words.lineId).join(', ')})`,
	displayOptions: { show: { operation: ops } },
	...extra,
});

/** The operations that go through the channel outbox (and so the OMS store) */
const OUTBOX_OPS = ['confirmShipment', 'setQuantity', 'retryPending', 'resendFailed'];

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'Marketplace',
	name: 'marketplace',
	version: 1,
	description:
		`Send tracking and quantities back to ${and(CHANNEL_REGISTRY.map((c) => c.label))}, cancel or acknowledge orders, and read orders for reconciliation`,
	defaults: { name: 'Marketplace' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [
		{
			displayName: 'Channel',
			name: 'channel',
			type: 'options',
			noDataExpression: true,
			options: [...CHANNEL_OPTIONS, FROM_ITEM].sort(byName),
			default: 'shopify',
		},
		{
			displayName:
				'From Item: select the credential of every channel that can appear in the items; an item of a channel without one goes to the error output',
			name: 'fromItemNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { channel: ['fromItem'] } },
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Acknowledge', value: 'acknowledge', description: 'Acknowledge a released Walmart order (other channels: nothing to do)', action: 'Acknowledge an order' },
				{ name: 'Cancel Order or Lines', value: 'cancel', description: 'Cancel the whole order or some of its lines on the channel', action: 'Cancel an order or lines' },
				{
					name: 'Confirm Shipment',
					value: 'confirmShipment',
					description: 'Send carrier and tracking for shipped lines, once per package, through the outbox (retried until the channel has it)',
					action: 'Confirm a shipment',
				},
				{ name: 'Get Order', value: 'getOrder', description: 'Get one order as a canonical order', action: 'Get an order' },
				{
					name: 'Get Orders Since',
					value: 'getOrdersSince',
					description: 'Every order created or changed since a time or cursor, paged to the end, as canonical orders (reconciliation)',
					action: 'Get orders since',
				},
				{
					name: 'Get Returns Since',
					value: 'getReturnsSince',
					description:
						'Every customer return created or changed since the last run (cursor kept in the OMS store) or a time, as canonical returns ready for the Returns node\'s Record (idempotent: re-reads record once)',
					action: 'Get returns since',
				},
				{
					name: 'Resend Failed',
					value: 'resendFailed',
					description:
						'Send again an acknowledgement, confirmation or quantity that failed for good (refused, or out of attempts), once the cause is fixed: by call ID (Attention items carry it) or every failed acknowledgement and confirmation of an OMS order',
					action: 'Resend failed channel calls',
				},
				{
					name: 'Retry Pending',
					value: 'retryPending',
					description: 'Send the confirmations and quantities owed to the channel that are due (a schedule runs this)',
					action: 'Retry pending channel calls',
				},
				{
					name: 'Set Available Quantity',
					value: 'setQuantity',
					description: 'Publish available quantities per SKU, batched per channel, through the outbox (a failed one stays owed)',
					action: 'Set available quantities',
				},
			],
			default: 'confirmShipment',
		},
		{ ...STORE_NOTICE, displayOptions: { show: { operation: OUTBOX_OPS } } },
		// ---- Confirm Shipment
		orderIdField(['confirmShipment', 'cancel', 'acknowledge', 'getOrder']),
		{
			displayName: 'Carrier',
			name: 'carrier',
			type: 'string',
			default: '={{ $json.carrier }}',
			description: 'Carrier name, e.g. UPS, USPS, FedEx, DHL (mapped to each channel’s carrier codes; others are sent as free text)',
			displayOptions: { show: { operation: ['confirmShipment'] } },
		},
		{
			displayName: 'Tracking Number',
			name: 'trackingNumber',
			type: 'string',
			default: '={{ $json.trackingNumber }}',
			displayOptions: { show: { operation: ['confirmShipment'] } },
		},
		{
			displayName: 'Tracking URL',
			name: 'trackingUrl',
			type: 'string',
			default: '={{ $json.trackingUrl }}',
			displayOptions: { show: { operation: ['confirmShipment'] } },
		},
		{
			displayName: 'Shipped At',
			name: 'shippedAt',
			type: 'string',
			default: '={{ $json.shippedAt }}',
			description: 'ISO 8601 time the parcel left the warehouse (empty: now)',
			displayOptions: { show: { operation: ['confirmShipment'] } },
		},
		linesField(['confirmShipment']),
		{
			displayName: 'Package Key',
			name: 'packageKey',
			type: 'string',
			default: '={{ $json.packageKey }}',
			description: 'The package this confirms (the WMS node’s shipment items carry it): each package is confirmed once per channel. Empty: the tracking number.',
			displayOptions: { show: { operation: ['confirmShipment'] } },
		},
		{
			displayName: 'Shipment Options',
			name: 'shipmentOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { operation: ['confirmShipment'] } },
			options: [
				{
					displayName: 'Shipping Method',
					name: 'shippingMethod',
					type: 'string',
					default: '',
					description: 'Carrier service (Amazon shippingMethod, Walmart methodCode), e.g. Ground',
				},
				{ displayName: 'Notify Customer', name: 'notifyCustomer', type: 'boolean', default: true, description: 'Whether the channel should email the buyer (where it lets the seller choose)' },
			],
		},
		// ---- Set Available Quantity
		{
			displayName: 'SKU',
			name: 'sku',
			type: 'string',
			default: '={{ $json.sku }}',
			displayOptions: { show: { operation: ['setQuantity'] } },
		},
		{
			displayName: 'Quantity',
			name: 'quantity',
			type: 'string',
			default: '={{ $json.quantity }}',
			description: 'Available quantity to publish (a whole number, 0 or more)',
			displayOptions: { show: { operation: ['setQuantity'] } },
		},
		{
			displayName: 'Options',
			name: 'quantityOptions',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			displayOptions: { show: { operation: ['setQuantity'] } },
			options: [
				{
					displayName: 'Send Newest Only',
					name: 'coalesce',
					type: 'boolean',
					default: true,
					description:
						'Whether quantities for the same account from executions running at the same time share calls: while one call is out, later quantities wait and only the newest per SKU is sent next (each item still waits for the channel’s answer; a replaced one is marked superseded). Of two waiting quantities for a SKU, the one with the higher numeric "basis" (Reserve Stock and Sync Stock add it) wins, else the later one.',
				},
				{
					displayName: 'Wait for the Channel',
					name: 'waitForChannel',
					type: 'boolean',
					default: true,
					description:
						'Whether each item waits for the channel’s answer. Off: the quantities are queued in the OMS outbox and the node goes on at once (each item Queued, marked owed); the OMS sends each channel’s owed quantities in the background, one call after another at the pace the channel allows, the newest quantity of a SKU replacing an older one still owed, and the SKU with the fewest units first. A quantity the channel refuses is a failed call in the outbox (Attention), not an item on the error output; Retry Pending sends what a restart left owed.',
				},
			],
		},
		// ---- Retry Pending
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 500,
			typeOptions: { minValue: 1 },
			displayOptions: { show: { operation: ['retryPending'] } },
			description: 'Max number of due calls to send per channel in this run',
		},
		{
			displayName: 'Outbox',
			name: 'outbox',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			displayOptions: { show: { operation: OUTBOX_OPS } },
			options: [
				{
					displayName: 'Backoff Base (Seconds)',
					name: 'backoffBaseSeconds',
					type: 'number',
					default: 30,
					typeOptions: { minValue: 0 },
					description: 'First retry after about this long, doubling each attempt (capped at one hour)',
				},
				{
					displayName: 'Max Attempts',
					name: 'maxAttempts',
					type: 'number',
					default: 8,
					typeOptions: { minValue: 1 },
					description: 'Attempts in all before a call is failed for good (then it waits for a person)',
				},
			],
		},
		// ---- Resend Failed
		{
			displayName: 'Call ID',
			name: 'callId',
			type: 'string',
			default: '={{ $json.callId }}',
			description: 'The failed call to send again (the ID an Attention item or Retry Pending shows). Empty: every failed acknowledgement and confirmation of the OMS order below.',
			displayOptions: { show: { operation: ['resendFailed'] } },
		},
		{
			displayName: 'OMS Order ID',
			name: 'resendOmsId',
			type: 'string',
			default: '={{ $json.omsId }}',
			placeholder: 'walmart:1796277083022',
			description: 'Send again every failed acknowledgement and confirmation of this order to the channel (with a Call ID: that call, which must be this order’s)',
			displayOptions: { show: { operation: ['resendFailed'] } },
		},
		{
			displayName: 'Note',
			name: 'note',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'What was fixed, shown in the order’s timeline',
			displayOptions: { show: { operation: ['resendFailed'] } },
		},
		{
			displayName: 'By',
			name: 'author',
			type: 'string',
			default: 'n8n',
			description: 'Who asked to send it again (a person’s name, or the workflow), shown in the order’s timeline',
			displayOptions: { show: { operation: ['resendFailed'] } },
		},
		// ---- Cancel
		{
			displayName: 'Cancel',
			name: 'cancelScope',
			type: 'options',
			options: [
				{ name: 'Whole Order', value: 'order' },
				{ name: 'Some Lines', value: 'lines' },
			],
			default: 'order',
			displayOptions: { show: { operation: ['cancel'] } },
		},
		linesField(['cancel'], { displayOptions: { show: { operation: ['cancel'], cancelScope: ['lines'] } } }),
		{
			displayName: 'Reason',
			name: 'reason',
			type: 'string',
			default: '',
			description: "The channel's cancel reason code (empty: each channel's out-of-stock or seller reason)",
			displayOptions: { show: { operation: ['cancel'] } },
		},
		// ---- Get Orders Since
		{
			displayName: 'Since',
			name: 'sinceMode',
			type: 'options',
			options: [
				{ name: 'Time', value: 'time', description: 'Orders changed since a time (e.g. two hours ago, for an hourly reconciliation)' },
				{ name: 'Cursor', value: 'cursor', description: 'A cursor a previous run returned (Output: Page)' },
			],
			default: 'time',
			displayOptions: { show: { operation: ['getOrdersSince'] } },
		},
		{
			displayName: 'Since Time',
			name: 'since',
			type: 'string',
			default: '={{ $now.minus({ hours: 2 }).toISO() }}',
			description: 'ISO 8601 time',
			displayOptions: { show: { operation: ['getOrdersSince'], sinceMode: ['time'] } },
		},
		{
			displayName: 'Cursor',
			name: 'cursor',
			type: 'string',
			default: '',
			displayOptions: { show: { operation: ['getOrdersSince'], sinceMode: ['cursor'] } },
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{ name: 'One Item per Order', value: 'orders', description: 'Canonical orders, ready for OMS Order Record' },
				{ name: 'Page', value: 'page', description: 'One item: {channel, cursor, count, pages, orders}; store the cursor for the next run' },
			],
			default: 'orders',
			displayOptions: { show: { operation: ['getOrdersSince'] } },
		},
		{
			displayName: 'Acknowledge Released Orders',
			name: 'acknowledge',
			type: 'boolean',
			default: false,
			description:
				'Whether to acknowledge (POST /v3/orders/{purchaseOrderId}/acknowledge) each listed Walmart order that is still Created, through the channel outbox as the Walmart Order Trigger does (owed once per order, whichever queues it first): Walmart may cancel orders left unacknowledged. One that fails is retried by Retry Pending, or, failed for good, shows acknowledgement.ok false, is in the Attention queue and is sent again by Resend Failed. Other channels: nothing is sent.',
			displayOptions: { show: { operation: ['getOrdersSince'], channel: ['walmart', 'fromItem'] } },
		},
		// ---- Get Returns Since
		{
			displayName: 'Since',
			name: 'returnsSinceMode',
			type: 'options',
			options: [
				{
					name: 'Stored Cursor',
					value: 'stored',
					description: 'Where the last run of this channel account stopped (kept in the OMS store); the first run starts at Since Time',
				},
				{ name: 'Time', value: 'time', description: 'Returns created or changed since a time (nothing stored)' },
			],
			default: 'stored',
			displayOptions: { show: { operation: ['getReturnsSince'] } },
		},
		{
			displayName: 'Since Time',
			name: 'returnsSince',
			type: 'string',
			default: '={{ $now.minus({ days: 7 }).toISO() }}',
			description: 'ISO 8601 time: the start of a Time run, and of the first Stored Cursor run',
			displayOptions: { show: { operation: ['getReturnsSince'] } },
		},
		{
			displayName: 'Include Raw Payload',
			name: 'includeRaw',
			type: 'boolean',
			default: false,
			description: 'Whether to keep the channel’s order (or return) exactly as the API sent it in "raw"',
			displayOptions: { show: { operation: ['getOrder', 'getOrdersSince', 'getReturnsSince'] } },
		},
	],
};
