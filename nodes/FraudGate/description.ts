/**
 * The Fraud Gate's description (operations, outputs, credentials) and its parameters: the rule set as ops staff edit it on the canvas (lib/fraud/parameters.ts maps
 * them to a RuleSet), and each operation's own fields. Each rule's fields come from its file in lib/fraud/rules/
 * (the registry), with defaults read from the rule's defaults, so a rule group added and left as it is changes
 * nothing (and the rule set's version stays the same).
 */
import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { DEFAULT_RULE_SET, FRAUD_RULES } from '../../lib/fraud';
import { LIST_HINT } from '../../lib/fraud/rule-kit';
import { CHANNEL_OPTIONS } from '../shared/channels';
import { STORE_NOTICE } from '../shared/store';

const SCREEN_OR_BACKTEST = { show: { operation: ['screen', 'backtest'] } };

/** One group per rule of the registry (lib/fraud/rules/), with the fields the rule declares */
const RULE_GROUPS: INodeProperties['options'] = FRAUD_RULES.filter((r) => !r.list).map((r) => ({ displayName: r.label, name: r.name, values: r.properties }));

/** The rules with a parameter of their own (velocity: Velocity Rules), after Rules */
const LIST_RULE_PARAMETERS: INodeProperties[] = FRAUD_RULES.flatMap((r) => (r.list ? [{ ...r.list.property, displayOptions: SCREEN_OR_BACKTEST }] : []));

const LIST_FIELD = (displayName: string, name: string, placeholder: string, extra = ''): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	typeOptions: { rows: 2 },
	default: '',
	placeholder,
	description: `${LIST_HINT}${extra}`,
});

export const RULE_SET_PARAMETERS: INodeProperties[] = [
	{
		displayName: 'Review Threshold',
		name: 'reviewThreshold',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_RULE_SET.thresholds.review,
		description: 'A score at or above this sends the order to Review',
		displayOptions: SCREEN_OR_BACKTEST,
	},
	{
		displayName: 'Reject Threshold',
		name: 'rejectThreshold',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_RULE_SET.thresholds.reject,
		description: 'A score at or above this rejects the order',
		displayOptions: SCREEN_OR_BACKTEST,
	},
	{
		displayName: 'Allow List (Trusted Customers)',
		name: 'allowList',
		type: 'collection',
		placeholder: 'Add List',
		default: {},
		description: 'A customer on the allow list passes outright, before any other rule (the deny list included)',
		displayOptions: SCREEN_OR_BACKTEST,
		options: [
			LIST_FIELD('Customer IDs', 'customerIds', '7390123'),
			LIST_FIELD('Domains', 'domains', 'bigcustomer.com'),
			LIST_FIELD('Emails', 'emails', 'name@email.com'),
			LIST_FIELD('Phones', 'phones', '+1 613 555 0100'),
		],
	},
	{
		displayName: 'Deny List (Reject Outright)',
		name: 'denyList',
		type: 'collection',
		placeholder: 'Add List',
		default: {},
		description: 'A hit on the deny list rejects the order outright',
		displayOptions: SCREEN_OR_BACKTEST,
		options: [
			LIST_FIELD('Addresses', 'addresses', '123 Main St Apt 4 Springfield', ' (addresses: one per line)'),
			LIST_FIELD('Countries', 'countries', 'KP', ' (ISO 3166-1 alpha-2 ship-to countries)'),
			LIST_FIELD('Domains', 'domains', 'fraud.example'),
			LIST_FIELD('Emails', 'emails', 'name@email.com'),
			LIST_FIELD('IP Addresses', 'ips', '203.0.113.0/24', ' (addresses or CIDR ranges)'),
			LIST_FIELD('Phones', 'phones', '+1 613 555 0100'),
		],
	},
	{
		displayName: 'Rules',
		name: 'rules',
		type: 'fixedCollection',
		placeholder: 'Change a Rule',
		default: {},
		description: 'Every rule is on with its default settings; add a rule here to switch it off or change its points, block toggle and settings',
		displayOptions: SCREEN_OR_BACKTEST,
		options: RULE_GROUPS,
	},
	...LIST_RULE_PARAMETERS,
];

export const OPERATION_PARAMETERS: INodeProperties[] = [
	// ---------------------------------------------------------------- screen
	{
		displayName: 'Review Time Limit (Hours)',
		name: 'reviewTimeLimitHours',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 72,
		description:
			'An order held for review longer than this is flagged on Review with fraud.reviewOverdue = true (re-screen the review queue on a schedule to see it)',
		displayOptions: { show: { operation: ['screen'] } },
	},
	{
		displayName: 'Options',
		name: 'screenOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['screen'] } },
		options: [
			{
				displayName: 'Evaluate At',
				name: 'evaluateAt',
				type: 'dateTime',
				default: '',
				description: 'The time the rules are evaluated at (velocity windows end here, review time limits count to here). Empty: now.',
			},
			{
				displayName: 'Include Raw Channel Payload',
				name: 'keepRaw',
				type: 'boolean',
				default: false,
				description: 'Whether output items carry the channel’s original payload',
			},
			{
				displayName: 'Re-Screen Resolved Orders',
				name: 'rescreenResolved',
				type: 'boolean',
				default: false,
				description:
					'Whether an order whose review a person already resolved is screened again. Off: a person’s decision stands, and the order leaves on Pass (approved) or Reject (rejected) unchanged.',
			},
			{
				displayName: 'Rule Set JSON',
				name: 'ruleSetJson',
				type: 'json',
				default: '',
				description: 'A partial rule set as JSON, laid over the parameters above (e.g. kept in a file or a data table)',
			},
		],
	},
	// ---------------------------------------------------------------- resolve review
	{
		displayName: 'OMS ID',
		name: 'omsId',
		type: 'string',
		default: '={{ $json.omsId }}',
		required: true,
		placeholder: 'shopify:450789469',
		description: 'The held order’s OMS ID',
		displayOptions: { show: { operation: ['resolveReview'] } },
	},
	{
		displayName: 'Decision',
		name: 'decision',
		type: 'options',
		options: [
			{ name: 'Approve', value: 'approved', description: 'Release the order: status back to Received, and it leaves on Pass' },
			{ name: 'Reject', value: 'rejected', description: 'Reject the order: status Rejected, and it leaves on Reject' },
		],
		default: 'approved',
		displayOptions: { show: { operation: ['resolveReview'] } },
	},
	{
		displayName: 'By',
		name: 'by',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Ana',
		description: 'Who decided (shown in the timeline)',
		displayOptions: { show: { operation: ['resolveReview'] } },
	},
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'Called the customer; card holder confirmed',
		description: 'Why (shown in the timeline)',
		displayOptions: { show: { operation: ['resolveReview'] } },
	},
	// ---------------------------------------------------------------- back-test
	{
		displayName: 'Orders',
		name: 'backtestFilters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Which past orders to screen again (all by default)',
		displayOptions: { show: { operation: ['backtest'] } },
		options: [
			{ displayName: 'Channels', name: 'channels', type: 'multiOptions', options: CHANNEL_OPTIONS, default: [] },
			{ displayName: 'Placed After', name: 'placedFrom', type: 'dateTime', default: '' },
			{ displayName: 'Placed Before', name: 'placedTo', type: 'dateTime', default: '' },
		],
	},
	{
		displayName: 'Options',
		name: 'backtestOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['backtest'] } },
		options: [
			{
				displayName: 'Max Changed Orders Listed',
				name: 'maxChanges',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 100,
				description: 'How many orders whose decision would change are listed in the report (all are counted)',
			},
			{
				displayName: 'Rule Set JSON',
				name: 'ruleSetJson',
				type: 'json',
				default: '',
				description: 'A partial rule set as JSON, laid over the parameters above: try an edited rule set without changing the node',
			},
		],
	},
];

/** Screen and Resolve Review route orders to Pass, Review, Reject; Back-test gives one report. */
function outputsFor(operation: string) {
	return operation === 'backtest'
		? [{ type: 'main', displayName: 'Report' }]
		: [
				{ type: 'main', displayName: 'Pass' },
				{ type: 'main', displayName: 'Review' },
				{ type: 'main', displayName: 'Reject' },
			];
}

/** The node's description, all but what n8n's node review reads in the class itself (icon, subtitle, usableAsTool) */
export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'Fraud Gate',
	name: 'fraudGate',
	version: 1,
	description:
		'Screen orders for fraud before they reach the warehouse: rules score each order, which leaves on Pass, Review or Reject with its reasons',
	defaults: { name: 'Fraud Gate' },
	inputs: [NodeConnectionTypes.Main],
	outputs: `={{(${outputsFor})($parameter.operation)}}`,
	properties: [
		STORE_NOTICE,
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Back-Test',
					value: 'backtest',
					description: 'Run these rules over past orders in the store and report what they would pass, hold and reject, changing nothing',
					action: 'Back test the fraud rules',
				},
				{
					name: 'Resolve Review',
					value: 'resolveReview',
					description: 'Approve (leaves on Pass) or reject (leaves on Reject) an order held for fraud review, once',
					action: 'Resolve a fraud review',
				},
				{
					name: 'Screen',
					value: 'screen',
					description: 'Score each recorded order with the rules and route it to Pass, Review or Reject',
					action: 'Screen orders for fraud',
				},
			],
			default: 'screen',
		},
		{
			displayName:
				'The review queue is an OMS Order Search with the status Fraud Review (oldest first). Re-screening it on a schedule flags orders held longer than the review time limit.',
			name: 'reviewQueueNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { operation: ['screen', 'resolveReview'] } },
		},
		...RULE_SET_PARAMETERS,
		...OPERATION_PARAMETERS,
	],
};
