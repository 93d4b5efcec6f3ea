/**
 * The OMS Returns node's description: its operations, the return rules an ops person reads on the canvas (lib/returns
 * rules.ts, with its defaults), the fields of a return made by hand and of each step, and its three outputs. Reason and
 * status options come from lib/returns' label maps.
 */
import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { DEFAULT_RETURN_RULES } from '../../lib/returns/rules';
import { RETURN_STATUSES, RETURN_STATUS_LABELS } from '../../lib/returns/status';
import { RETURN_REASONS, type ReturnReason } from '../../lib/returns/types';
import { STORE_NOTICE } from '../shared/store';

/** What people read for each normalised reason (the node's options). */
export const REASON_LABELS: Readonly<Record<ReturnReason, string>> = {
	defective: 'Defective',
	damaged: 'Damaged',
	wrong_item: 'Wrong Item',
	not_as_described: 'Not as Described',
	missing_parts: 'Missing Parts',
	size_fit: 'Size or Fit',
	style: 'Style, Colour or Quality',
	unwanted: 'No Longer Wanted',
	arrived_late: 'Arrived Late',
	undeliverable: 'Undeliverable',
	other: 'Other',
	unknown: 'No Reason Given',
};
const REASON_OPTIONS = RETURN_REASONS.map((r) => ({ name: REASON_LABELS[r], value: r }));
const STATUS_OPTIONS = RETURN_STATUSES.map((s) => ({ name: RETURN_STATUS_LABELS[s], value: s }));

const DISPOSITION_OPTIONS = [
	{ name: 'Restock', value: 'restock', description: 'Back on the shelf: on hand rises once and the channels are told' },
	{ name: 'Quarantine', value: 'quarantine', description: 'Kept aside, not sellable' },
	{ name: 'Dispose', value: 'dispose', description: 'Thrown away' },
	{ name: 'Return to Vendor', value: 'return_to_vendor', description: 'Sent back to the supplier' },
];

/** The operations whose step may compute the refund: they read the rules. */
const RULE_OPS = ['authorise', 'receive', 'inspect', 'applyWarehouseReceipt'];
/** The operations that act on one stored return, named by its ID. */
const ONE_RETURN_OPS = ['authorise', 'receive', 'inspect', 'close', 'decline', 'cancel', 'exchange', 'get', 'applyWarehouseReceipt'];

const show = (operation: string[], more: Record<string, unknown[]> = {}) => ({ show: { operation, ...more } });

const RULES: INodeProperties[] = [
	{
		displayName: 'Authorise Automatically',
		name: 'autoAuthorise',
		type: 'boolean',
		default: DEFAULT_RETURN_RULES.autoAuthoriseWithinDays !== null,
		description: 'Whether a request made soon enough after delivery is authorised without a person; otherwise every request is held for a person',
		displayOptions: show(['authorise']),
	},
	{
		displayName: 'Within Days of Delivery',
		name: 'autoAuthoriseWithinDays',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: DEFAULT_RETURN_RULES.autoAuthoriseWithinDays ?? 30,
		description: 'A request made at most this many days after the order was delivered is authorised; a later one, or one for an order with no delivery time, is held for a person',
		displayOptions: show(['authorise'], { autoAuthorise: [true] }),
	},
	{
		displayName: 'Reasons That Need Inspection',
		name: 'inspectReasons',
		type: 'multiOptions',
		options: REASON_OPTIONS,
		default: [...DEFAULT_RETURN_RULES.inspectReasons],
		description: 'A return with a line for one of these reasons is inspected before its refund and before it closes',
		displayOptions: show(RULE_OPS),
	},
	{
		displayName: 'Refund When',
		name: 'refundOn',
		type: 'options',
		options: [
			{ name: 'Authorised', value: 'authorisation', description: 'As soon as the return is authorised' },
			{ name: 'Received', value: 'receipt', description: 'When the warehouse has the units' },
			{ name: 'Inspected', value: 'inspection', description: 'After inspection (a return that needs none: on receipt)' },
		],
		default: DEFAULT_RETURN_RULES.refundOn,
		description: 'When the refund is computed and owed; a return that needs inspection always waits for it',
		displayOptions: show(RULE_OPS),
	},
	{
		displayName: 'Restocking Fee',
		name: 'restockingFee',
		type: 'options',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'Percent of the Line', value: 'percent' },
			{ name: 'Fixed Amount', value: 'fixed' },
		],
		default: 'none',
		description: 'Kept from the refund of lines returned by the customer’s choice (never for the seller’s fault: defective, damaged, wrong item...)',
		displayOptions: show(RULE_OPS),
	},
	{
		displayName: 'Fee Percent',
		name: 'restockingFeePercent',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 2 },
		default: 15,
		description: 'Percent of the merchandise refunded on the line',
		displayOptions: show(RULE_OPS, { restockingFee: ['percent'] }),
	},
	{
		displayName: 'Fee Amount',
		name: 'restockingFeeAmount',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 5,
		description: 'In the order’s currency',
		displayOptions: show(RULE_OPS, { restockingFee: ['fixed'] }),
	},
	{
		displayName: 'Fee Per',
		name: 'restockingFeePer',
		type: 'options',
		options: [
			{ name: 'Line', value: 'line' },
			{ name: 'Unit', value: 'unit' },
		],
		default: 'line',
		displayOptions: show(RULE_OPS, { restockingFee: ['fixed'] }),
	},
	{
		displayName: 'Deduct Return Shipping',
		name: 'deductReturnShipping',
		type: 'boolean',
		default: DEFAULT_RETURN_RULES.deductReturnShipping,
		description: 'Whether the return label’s cost is kept from the refund when the customer returns by choice (never for the seller’s fault)',
		displayOptions: show(RULE_OPS),
	},
	{
		displayName: 'Return Shipping Cost',
		name: 'returnShippingCost',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: DEFAULT_RETURN_RULES.returnShippingCost,
		description: 'Deducted when the return has no label cost of its own, in the order’s currency',
		displayOptions: show(RULE_OPS, { deductReturnShipping: [true] }),
	},
	{
		displayName: 'More Rules',
		name: 'moreRules',
		type: 'collection',
		placeholder: 'Add Rule',
		default: {},
		displayOptions: show(RULE_OPS),
		options: [
			{
				displayName: 'Fee-Exempt Reasons',
				name: 'feeExemptReasons',
				type: 'multiOptions',
				options: REASON_OPTIONS,
				default: [...DEFAULT_RETURN_RULES.feeExemptReasons],
				description: 'Reasons never charged a restocking fee nor the return shipping (default: the seller’s fault)',
			},
			{
				displayName: 'Refund Original Shipping',
				name: 'refundOriginalShipping',
				type: 'boolean',
				default: DEFAULT_RETURN_RULES.refundOriginalShipping,
				description: 'Whether the order’s shipping is refunded when the return brings back the last of its units',
			},
			{
				displayName: 'Refund Tax',
				name: 'refundTax',
				type: 'boolean',
				default: DEFAULT_RETURN_RULES.refundTax,
				description: 'Whether the tax charged on the returned units is refunded with them',
			},
		],
	},
];

/** Where restocked units go back on hand (Receive, Inspect, Apply Warehouse Receipt) */
function restockLocation(operations: string[]): INodeProperties {
	return {
		displayName: 'Restock Location',
		name: 'location',
		type: 'string',
		default: '',
		placeholder: 'Cicero (IL)',
		description: 'The stock location restocked units go back to. Empty: where the SKU is stocked (the location with the most on hand, the one its WMS counts), so that count does not add them again.',
		displayOptions: show(operations),
	};
}

/** Dispositions of a step (Receive, Inspect): one for every unit, and per SKU where it differs. */
function dispositionFields(operation: 'receive' | 'inspect'): INodeProperties[] {
	const base =
		operation === 'receive'
			? [
					{ name: 'Restock Unless It Needs Inspection', value: 'restockUnlessInspected', description: 'Restock, except lines whose reason needs inspection (decided at Inspect)' },
					...DISPOSITION_OPTIONS,
					{ name: 'Decide at Inspection', value: 'atInspection', description: 'Record none now: Inspect says' },
				]
			: DISPOSITION_OPTIONS;
	return [
		{
			displayName: 'Disposition',
			name: 'disposition',
			type: 'options',
			options: base,
			default: operation === 'receive' ? 'restockUnlessInspected' : 'restock',
			description: 'What becomes of every unit of the return (per SKU below where it differs)',
			displayOptions: show([operation]),
		},
		{
			displayName: 'Per SKU',
			name: 'lineDispositions',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add SKU',
			default: {},
			description: 'Units of a SKU whose disposition differs from the one above (e.g. 1 restocked, 1 quarantined)',
			displayOptions: show([operation]),
			options: [
				{
					displayName: 'SKU',
					name: 'line',
					values: [
						{ displayName: 'SKU', name: 'sku', type: 'string', default: '', required: true },
						{ displayName: 'Disposition', name: 'disposition', type: 'options', options: DISPOSITION_OPTIONS, default: 'restock' },
						{ displayName: 'Units', name: 'quantity', type: 'number', typeOptions: { minValue: 1, numberPrecision: 0 }, default: 1 },
					],
				},
			],
		},
		restockLocation([operation]),
		{
			displayName: operation === 'receive' ? 'Received At' : 'Inspected At',
			name: 'at',
			type: 'dateTime',
			default: '',
			description:
				'When the warehouse did it (empty: now). A WMS count taken before this time cannot include the restocked units, so it never takes them away; the first count after it does include them, so it never adds them twice.',
			displayOptions: show([operation]),
		},
	];
}

/** The node's description, all but what n8n's node review reads in the class itself (icon, subtitle, usableAsTool) */
export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'OMS Returns',
	name: 'omsReturns',
	version: 1,
	description:
		'Customer returns in the OMS: record them once (from a channel or by hand), authorise, receive, inspect and close them by the return rules, with the refund owed and returned units restocked exactly once',
	defaults: { name: 'OMS Returns' },
	inputs: [NodeConnectionTypes.Main],
	// the same three outputs for every operation: n8n never evaluates an expression to find them
	outputs: [
		{ type: NodeConnectionTypes.Main, displayName: 'Done' },
		{ type: NodeConnectionTypes.Main, displayName: 'Held for a Person' },
		{ type: NodeConnectionTypes.Main, displayName: 'No Change' },
	],
	properties: [
		STORE_NOTICE,
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Apply Warehouse Receipt',
					value: 'applyWarehouseReceipt',
					description:
						'Move a return by what the warehouse says (WMS > Return > Get Updates items): arrived to Received; processed to Received and Inspected with the warehouse’s dispositions, restocked units back on hand once, the refund when due. More units than authorised, a SKU the return does not have, fewer units than authorised processed, more units disposed than received, or a cancel at the warehouse: Held for a Person.',
					action: 'Apply a warehouse receipt to a return',
				},
				{
					name: 'Authorise',
					value: 'authorise',
					description: 'Decide a requested return: by the rule (within N days of delivery) to Done, else to Held for a Person; or a person approves it',
					action: 'Authorise a return',
				},
				{ name: 'Cancel', value: 'cancel', description: 'Withdraw a return before its units arrive', action: 'Cancel a return' },
				{
					name: 'Close',
					value: 'close',
					description: 'Close a return whose units are dealt with and whose refund is settled; otherwise Held for a Person with why',
					action: 'Close a return',
				},
				{
					name: 'Create by Hand',
					value: 'createByHand',
					description: 'Record a return a person takes (by phone, in the shop): the order, and each SKU with units and reason',
					action: 'Create a return by hand',
				},
				{ name: 'Decline', value: 'decline', description: 'Refuse a requested return', action: 'Decline a return' },
				{
					name: 'Exchange',
					value: 'exchange',
					description: 'Send replacement units instead of money: a replacement order (at no charge) for OMS Order Record and the normal fulfilment; the return is refunded 0',
					action: 'Exchange a return',
				},
				{ name: 'Get', value: 'get', description: 'Get one return by its return ID', action: 'Get a return' },
				{
					name: 'Inspect',
					value: 'inspect',
					description: 'Record what the inspection decided for each unit; restocked units go back on hand once; the refund when due',
					action: 'Inspect a return',
				},
				{ name: 'List', value: 'list', description: 'The returns of an order, or every return in some statuses', action: 'List returns' },
				{
					name: 'Receive',
					value: 'receive',
					description: 'The warehouse has the units: their dispositions, restocked units back on hand once, the refund when due',
					action: 'Receive a return',
				},
				{
					name: 'Record',
					value: 'record',
					description: 'Record canonical returns from a channel’s returns feed exactly once: new and newer versions to Done, repeats to No Change',
					action: 'Record returns',
				},
			],
			default: 'record',
		},
		{
			displayName: 'Return ID',
			name: 'returnId',
			type: 'string',
			default: '={{ $json.returnId }}',
			required: true,
			placeholder: 'shopify:123456',
			description: 'The return’s ID in the OMS (channel:channel return ID; by hand: manual:reference)',
			displayOptions: show(ONE_RETURN_OPS),
		},
		// Exchange
		{
			displayName: 'Replace',
			name: 'replace',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Swap',
			default: {},
			description: 'Another SKU in place of a returned one (a size or colour swap). A returned SKU not listed is sent again as it is.',
			displayOptions: show(['exchange']),
			options: [
				{
					displayName: 'Swap',
					name: 'swap',
					values: [
						{ displayName: 'Returned SKU', name: 'sku', type: 'string', default: '', placeholder: 'TEE-M', description: 'A SKU of the return' },
						{ displayName: 'Send SKU', name: 'withSku', type: 'string', default: '', placeholder: 'TEE-L', description: 'The SKU sent in its place' },
					],
				},
			],
		},
		// Create by Hand
		{
			displayName: 'OMS ID',
			name: 'omsId',
			type: 'string',
			default: '={{ $json.omsId }}',
			required: true,
			placeholder: 'shopify:450789469',
			description: 'The order the units come back from',
			displayOptions: show(['createByHand']),
		},
		{
			displayName: 'Lines',
			name: 'lines',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Line',
			default: {},
			description: 'Each SKU returned, its units and why',
			displayOptions: show(['createByHand']),
			options: [
				{
					displayName: 'Line',
					name: 'line',
					values: [
						{ displayName: 'SKU', name: 'sku', type: 'string', default: '', required: true },
						{ displayName: 'Units', name: 'quantity', type: 'number', typeOptions: { minValue: 1, numberPrecision: 0 }, default: 1 },
						{ displayName: 'Reason', name: 'reason', type: 'options', options: REASON_OPTIONS, default: 'unwanted' },
						{ displayName: 'Note', name: 'note', type: 'string', default: '', description: 'What the customer said' },
					],
				},
			],
		},
		{
			displayName: 'Return Reference',
			name: 'reference',
			type: 'string',
			default: '',
			placeholder: 'RMA-1042',
			description:
				'Your reference for the return (its ID is manual:reference). Empty: made from the order and its lines, so running the same return twice records it once; give a reference to record a second return of the same units.',
			displayOptions: show(['createByHand']),
		},
		{
			displayName: 'Requested At',
			name: 'requestedAt',
			type: 'dateTime',
			default: '',
			description: 'When the customer asked (empty: now); Authorise counts the days from delivery to it',
			displayOptions: show(['createByHand']),
		},
		...RULES,
		// Receive
		{
			displayName: 'Carrier',
			name: 'carrier',
			type: 'string',
			default: '',
			placeholder: 'UPS',
			description: 'The carrier of the return shipment, if known',
			displayOptions: show(['receive']),
		},
		{
			displayName: 'Tracking Number',
			name: 'trackingNumber',
			type: 'string',
			default: '',
			description: 'The return shipment’s tracking number, if known',
			displayOptions: show(['receive']),
		},
		restockLocation(['applyWarehouseReceipt']),
		...dispositionFields('receive'),
		...dispositionFields('inspect'),
		{
			displayName: 'Note',
			name: 'note',
			type: 'string',
			default: '',
			description: 'Why, for the return’s timeline',
			displayOptions: show(['decline', 'cancel']),
		},
		// List
		{
			displayName: 'List By',
			name: 'listBy',
			type: 'options',
			options: [
				{ name: 'Order', value: 'order', description: 'Every return of one order' },
				{ name: 'Status', value: 'status', description: 'Every return in these statuses, the longest unchanged first' },
			],
			default: 'status',
			displayOptions: show(['list']),
		},
		{
			displayName: 'OMS ID',
			name: 'listOmsId',
			type: 'string',
			default: '={{ $json.omsId }}',
			required: true,
			displayOptions: show(['list'], { listBy: ['order'] }),
		},
		{
			displayName: 'Statuses',
			name: 'statuses',
			type: 'multiOptions',
			options: STATUS_OPTIONS,
			default: ['requested'],
			displayOptions: show(['list'], { listBy: ['status'] }),
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: show(['list'], { listBy: ['status'] }),
		},
		{
			displayName: 'Keep Raw Payload',
			name: 'keepRaw',
			type: 'boolean',
			default: false,
			description: 'Whether the channel’s payload stays on the output items',
		},
	],
};
