/**
 * The OMS Order node's description: its operations (and the read-only ones it offers as an AI agent's tool), outputs
 * per operation, and each operation's fields. Status and hold options come from lib/order/status.ts's labels.
 */
import { NodeConnectionTypes, type INodeProperties, type INodePropertyOptions, type INodeTypeDescription } from 'n8n-workflow';
import { HOLD_LABELS, HOLD_REASONS, OMS_STATUSES, STATUS_LABELS } from '../../lib/order/status';
import { ATTENTION_DEFAULTS } from '../../lib/flows';
import { CHANNEL_OPTIONS } from '../shared/channels';
import { STORE_NOTICE } from '../shared/store';

const STATUS_OPTIONS = OMS_STATUSES.map((s) => ({ name: STATUS_LABELS[s], value: s }));

/** What the node does as an AI agent's tool (OMS Order Tool): it reads, nothing else. */
export const TOOL_OPERATIONS = ['get', 'search', 'timeline'];

/** Record has three outputs (New, Updated, Duplicate), Route by Readiness two (Ready, Not Ready), Apply Channel Change
 * five (lib/flows ChannelChangeRoute, in OmsOrder.node.ts's order), Recover Stuck Orders two (To Screen, To Fulfil),
 * every other operation one. */
function outputsFor(operation: string) {
	if (operation === 'record') {
		return [
			{ type: 'main', displayName: 'New' },
			{ type: 'main', displayName: 'Updated' },
			{ type: 'main', displayName: 'Duplicate' },
		];
	}
	// written out: this function runs as an expression's text, where no constant of this module exists
	if (operation === 'applyChannelChange') {
		return [
			{ type: 'main', displayName: 'Fulfil' },
			{ type: 'main', displayName: 'Republish' },
			{ type: 'main', displayName: 'At the WMS' },
			{ type: 'main', displayName: 'Held' },
			{ type: 'main', displayName: 'Done' },
		];
	}
	if (operation === 'recover') {
		return [
			{ type: 'main', displayName: 'To Screen' },
			{ type: 'main', displayName: 'To Fulfil' },
		];
	}
	return operation === 'routeReadiness'
		? [
				{ type: 'main', displayName: 'Ready' },
				{ type: 'main', displayName: 'Not Ready' },
			]
		: [{ type: 'main' }];
}

/** The node's Operation (its tool's is TOOL_OPERATION). */
const OPERATION: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { '@tool': [false] } },
	options: [
		{
			name: 'Add Note',
			value: 'addNote',
			description: 'Add a note to the order’s timeline',
			action: 'Add a note to an order',
		},
		{
			name: 'Apply Channel Change',
			value: 'applyChannelChange',
			description:
				'Carry out a newer channel version (Record’s Updated output) at the order’s stage: paid later to Fulfil, cancelled before the WMS released to Republish, changes the warehouse must make to At the WMS, what a person must decide to Held',
			action: 'Apply a channel change to an order',
		},
		{
			name: 'Attention',
			value: 'attention',
			description:
				'Everything a person must act on, oldest first, one item each: fraud reviews, held orders, failed WMS deliveries, stuck orders, EDI 940s without a 997. No items: nothing is owed.',
			action: 'List what needs attention',
		},
		{
			name: 'Cancel',
			value: 'cancel',
			description: 'Cancel the order in the OMS and give its reserved stock back',
			action: 'Cancel an order',
		},
		{ name: 'Get', value: 'get', description: 'Get one order by its OMS ID', action: 'Get an order' },
		{
			name: 'Record',
			value: 'record',
			description:
				'Record incoming canonical orders exactly once: new ones leave on New, newer versions (and new ones the buyer already asked to cancel) on Updated, repeats on Duplicate',
			action: 'Record orders',
		},
		{
			name: 'Recover Stuck Orders',
			value: 'recover',
			description:
				'Find orders an execution left half-way (recorded but never screened, screened but never routed, ready but never sent) and send them on: To Screen to the Fraud Gate, To Fulfil to Fulfil Order',
			action: 'Recover stuck orders',
		},
		{
			name: 'Release',
			value: 'release',
			description:
				'Release an order held because its WMS delivery failed, once the cause is fixed: back to Ready, its delivery queued to be sent again (once, by WMS Retry Pending)',
			action: 'Release an order held for a failed WMS delivery',
		},
		{
			name: 'Route by Readiness',
			value: 'routeReadiness',
			description:
				'Send each order to Ready (paid and open on its channel) or Not Ready (awaiting payment, cancelled or shipped on the channel); reads nothing from the store',
			action: 'Route orders by readiness',
		},
		{
			name: 'Search',
			value: 'search',
			description: 'Find orders by channel, status, date, SKU or email',
			action: 'Search orders',
		},
		{
			name: 'Timeline',
			value: 'timeline',
			description: 'Every change of the order, with time and cause, one item per event',
			action: 'Get the timeline of an order',
		},
		{
			name: 'Update Status',
			value: 'updateStatus',
			description: 'Set the order’s OMS status (and hold reason), recorded in its timeline',
			action: 'Update the status of an order',
		},
	],
	default: 'record',
};

/** OMS Order Tool's Operation (the node as an AI agent's tool): the read operations of OPERATION, Get by default. */
const TOOL_OPERATION: INodeProperties = {
	...OPERATION,
	displayOptions: { show: { '@tool': [true] } },
	options: OPERATION.options!.filter((o) => TOOL_OPERATIONS.includes((o as INodePropertyOptions).value as string)),
	default: 'get',
};

/** The node's description, all but what n8n's node review reads in the class itself (icon, subtitle, usableAsTool) */
export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'OMS Order',
	name: 'omsOrder',
	version: 1,
	description:
		'The order management system of record: record channel orders exactly once, look them up, change their status and read their timeline',
	defaults: { name: 'OMS Order' },
	inputs: [NodeConnectionTypes.Main],
	outputs: `={{(${outputsFor})($parameter.operation)}}`,
	properties: [
		STORE_NOTICE,
		OPERATION,
		TOOL_OPERATION,
		{
			displayName: 'OMS ID',
			name: 'omsId',
			type: 'string',
			default: '={{ $json.omsId }}',
			required: true,
			placeholder: 'shopify:450789469',
			description: 'The order’s OMS ID: channel, a colon, and the channel’s order ID',
			displayOptions: { show: { operation: ['get', 'updateStatus', 'addNote', 'cancel', 'timeline', 'release'] } },
		},
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: STATUS_OPTIONS,
			default: 'on_hold',
			description: 'The OMS status to set',
			displayOptions: { show: { operation: ['updateStatus'] } },
		},
		{
			displayName: 'Hold Reason',
			name: 'holdReason',
			type: 'options',
			options: HOLD_REASONS.map((r) => ({ name: HOLD_LABELS[r], value: r })),
			default: 'operator',
			description: 'Why the order is held',
			displayOptions: { show: { operation: ['updateStatus'], status: ['on_hold'] } },
		},
		{
			displayName: 'Note',
			name: 'note',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description: 'What to write in the timeline',
			displayOptions: { show: { operation: ['addNote', 'updateStatus', 'cancel', 'release'] } },
		},
		{
			displayName: 'By',
			name: 'author',
			type: 'string',
			default: 'n8n',
			description: 'Who made the change (a person’s name, or the workflow), shown in the timeline',
			displayOptions: { show: { operation: ['addNote', 'updateStatus', 'cancel', 'release'] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show: { operation: ['search'] } },
			options: [
				{ displayName: 'Channels', name: 'channels', type: 'multiOptions', options: CHANNEL_OPTIONS, default: [] },
				{ displayName: 'Customer Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
				{ displayName: 'Hold Reasons', name: 'holdReasons', type: 'multiOptions', options: HOLD_REASONS.map((r) => ({ name: HOLD_LABELS[r], value: r })), default: [] },
				{ displayName: 'Placed After', name: 'placedFrom', type: 'dateTime', default: '' },
				{ displayName: 'Placed Before', name: 'placedTo', type: 'dateTime', default: '' },
				{ displayName: 'SKU', name: 'sku', type: 'string', default: '', description: 'Orders with a line of this SKU' },
				{ displayName: 'Statuses', name: 'statuses', type: 'multiOptions', options: STATUS_OPTIONS, default: [] },
			],
		},
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show: { operation: ['search'] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { operation: ['search'], returnAll: [false] } },
		},
		{
			displayName: 'Oldest First',
			name: 'oldestFirst',
			type: 'boolean',
			default: false,
			description: 'Whether to list the oldest orders first (for work queues) instead of the newest',
			displayOptions: { show: { operation: ['search'] } },
		},
		{
			displayName: 'Resume Unfinished Intake After (Seconds)',
			name: 'resumeAfterSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 120,
			description:
				'A repeat of an order that is still Received or Ready this long after its last change (its intake stopped half-way, e.g. a queue-mode worker crashed) leaves on New again with outcome "resumed", so a channel retry or reconciliation finishes it. 0 turns this off.',
			displayOptions: { show: { operation: ['record'] } },
		},
		{
			displayName: 'Include Raw Channel Payload',
			name: 'keepRaw',
			type: 'boolean',
			default: false,
			description: 'Whether output items carry the channel’s original payload (the store always keeps it for audit)',
			displayOptions: { show: { operation: ['record', 'get', 'search', 'updateStatus', 'cancel', 'release', 'recover'] } },
		},
		{
			displayName: 'New Since Last Run Only',
			name: 'newOnly',
			type: 'boolean',
			default: false,
			description:
				'Whether to list only what the previous run of this node did not list (for a digest); the node keeps what it listed in the workflow’s static data, which n8n saves for production runs (not for manual test runs)',
			displayOptions: { show: { operation: ['attention'] } },
		},
		{
			displayName: 'Output',
			name: 'attentionOutput',
			type: 'options',
			options: [
				{ name: 'One Item per Thing to Act On', value: 'items' },
				{ name: 'One Digest Item', value: 'digest', description: 'Subject, text and HTML of every item together, for one email or message; no item when nothing is listed' },
			],
			default: 'items',
			displayOptions: { show: { operation: ['attention'] } },
		},
		{
			displayName: 'Options',
			name: 'attentionOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { operation: ['attention'] } },
			options: [
				{ displayName: 'Channel Call Overdue After (Minutes)', name: 'channelCallOverdueMinutes', type: 'number', typeOptions: { minValue: 0 }, default: ATTENTION_DEFAULTS.channelCallOverdueMinutes, description: 'A shipment confirmation or quantity push owed to a channel and not sent this long is listed (failed ones at once)' },
				{ displayName: 'Channels', name: 'channels', type: 'multiOptions', options: CHANNEL_OPTIONS, default: [], description: 'Only orders of these channels (none: every channel)' },
				{ displayName: 'EDI 997 Due After (Minutes)', name: 'ediAckMinutes', type: 'number', typeOptions: { minValue: 0 }, default: ATTENTION_DEFAULTS.ediAckMinutes, description: 'A 940 without its 997 this long is listed' },
				{ displayName: 'Hold Overdue After (Hours)', name: 'holdOverdueHours', type: 'number', typeOptions: { minValue: 0 }, default: ATTENTION_DEFAULTS.holdOverdueHours, description: 'Orders awaiting payment or backordered this long are listed (other holds at once)' },
				{ displayName: 'Review Overdue After (Hours)', name: 'reviewOverdueHours', type: 'number', typeOptions: { minValue: 0 }, default: ATTENTION_DEFAULTS.reviewOverdueHours, description: 'A fraud review open this long is marked overdue' },
				{ displayName: 'Stuck After (Minutes)', name: 'stuckMinutes', type: 'number', typeOptions: { minValue: 0 }, default: ATTENTION_DEFAULTS.stuckMinutes, description: 'A received or ready order that has not moved this long (and that no pending WMS delivery owes) is listed' },
			],
		},
		{
			displayName: 'Older Than (Minutes)',
			name: 'olderThanMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 5,
			description: 'Only orders that have not changed for this long (an execution still running is not stuck)',
			displayOptions: { show: { operation: ['recover'] } },
		},
		{
			displayName: 'Limit',
			name: 'recoverLimit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 100,
			description: 'Max number of results to return',
			displayOptions: { show: { operation: ['recover'] } },
		},
	],
};
