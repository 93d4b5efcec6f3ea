/**
 * The OMS Order node's description: its operations (and the read-only ones it offers as an AI agent's tool), outputs
 * per operation, and each operation's fields. Status and hold options come from lib/order/status.ts's labels.
 */
import { NodeConnectionTypes, type INodeProperties, type INodePropertyOptions, type INodeTypeDescription } from 'n8n-workflow';
import { HOLD_LABELS, HOLD_REASONS, OMS_STATUSES, STATUS_LABELS } from '../../lib/order/status';
import { CHANNEL_OPTIONS } from '../shared/channels';
import { STORE_NOTICE } from '../shared/store';

const STATUS_OPTIONS = OMS_STATUSES.map((s) => ({ name: STATUS_LABELS[s], value: s }));

/** What the node does as an AI agent's tool (OMS Order Tool): it reads, nothing else. */
export const TOOL_OPERATIONS = ['get', 'search', 'timeline'];

/** Record has three outputs (New, Updated, Duplicate), Route by Readiness two (Ready, Not Ready), every other operation one. */
function outputsFor(operation: string) {
	if (operation === 'record') {
		return [
			{ type: 'main', displayName: 'New' },
			{ type: 'main', displayName: 'Updated' },
			{ type: 'main', displayName: 'Duplicate' },
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
				'Record incoming canonical orders exactly once: new ones leave on New, newer versions on Updated, repeats on Duplicate',
			action: 'Record orders',
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
			displayOptions: { show: { operation: ['get', 'updateStatus', 'addNote', 'cancel', 'timeline'] } },
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
			displayOptions: { show: { operation: ['addNote', 'updateStatus', 'cancel'] } },
		},
		{
			displayName: 'By',
			name: 'author',
			type: 'string',
			default: 'n8n',
			description: 'Who made the change (a person’s name, or the workflow), shown in the timeline',
			displayOptions: { show: { operation: ['addNote', 'updateStatus', 'cancel'] } },
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
			displayOptions: { show: { operation: ['record', 'get', 'search', 'updateStatus', 'cancel'] } },
		},
	],
};
