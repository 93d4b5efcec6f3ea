/**
 * The fraudGate node's parameters: the rule set as ops staff edit it on the canvas (lib/fraud/parameters.ts maps
 * them to a RuleSet), and each operation's own fields. Defaults are read from DEFAULT_RULE_SET, so a rule group
 * added and left as it is changes nothing (and the rule set's version stays the same).
 */
import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_RULE_SET, VELOCITY_KEYS } from '../../lib/fraud';
import { SHIPPING_LEVELS } from '../../lib/order/types';
import { CHANNEL_OPTIONS } from '../InventoryAllocator/description';

const R = DEFAULT_RULE_SET.rules;
const SCREEN_OR_BACKTEST = { show: { operation: ['screen', 'backtest'] } };

const mapText = (m: Record<string, number>) =>
	Object.entries(m)
		.map(([k, v]) => `${k} ${v}`)
		.join(', ');
const listText = (l: readonly string[]) => l.join(', ');

function base(points: number, what: string): INodeProperties[] {
	return [
		{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: `Whether the rule is checked: ${what}` },
		{ displayName: 'Points', name: 'points', type: 'number', typeOptions: { minValue: 0 }, default: points, description: 'Points added to the score when the rule fires' },
		{
			displayName: 'Block (Reject Outright)',
			name: 'block',
			type: 'boolean',
			default: false,
			description: 'Whether the rule rejects the order outright when it fires, whatever the score (a block rule)',
		},
	];
}

const AMOUNTS_HINT = 'Per currency, e.g. "USD 1000, EUR 900"; an order in a currency not listed is not checked';
const LIST_HINT = 'One per line, or separated by commas';

const RULE_GROUPS: INodeProperties['options'] = [
	{
		displayName: 'Order Total Above',
		name: 'orderTotalAbove',
		values: [
			...base(R.orderTotalAbove.points, 'order total above an amount'),
			{ displayName: 'Amounts', name: 'amounts', type: 'string', default: mapText(R.orderTotalAbove.amounts), description: `Fires when the order total is above this. ${AMOUNTS_HINT}.` },
		],
	},
	{
		displayName: 'SKU Quantity Above',
		name: 'skuQuantityAbove',
		values: [
			...base(R.skuQuantityAbove.points, 'more units of one SKU than a limit'),
			{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: R.skuQuantityAbove.limit, description: 'Fires when the units of one SKU in the order are more than this' },
			{ displayName: 'SKUs', name: 'skus', type: 'string', default: '', description: `Only these SKUs; empty = every SKU. ${LIST_HINT}.` },
		],
	},
	{
		displayName: 'Ship Country High Risk',
		name: 'shipCountryHighRisk',
		values: [
			...base(R.shipCountryHighRisk.points, 'ship-to country on a high-risk list'),
			{ displayName: 'Countries', name: 'countries', type: 'string', default: '', placeholder: 'NG, RU', description: 'ISO 3166-1 alpha-2 codes' },
		],
	},
	{
		displayName: 'Ship Country Not Allowed',
		name: 'shipCountryNotAllowed',
		values: [
			...base(R.shipCountryNotAllowed.points, 'ship-to country outside the countries you ship to'),
			{ displayName: 'Allowed Countries', name: 'allowed', type: 'string', default: '', placeholder: 'US, CA', description: 'ISO 3166-1 alpha-2 codes you ship to; empty = no restriction' },
		],
	},
	{
		displayName: 'Billing and Shipping Differ',
		name: 'billingShippingMismatch',
		values: [
			...base(R.billingShippingMismatch.points, 'billing and ship-to country or address differ'),
			{
				displayName: 'Compare',
				name: 'compare',
				type: 'options',
				options: [
					{ name: 'Country', value: 'country' },
					{ name: 'Address', value: 'address' },
				],
				default: R.billingShippingMismatch.compare,
			},
		],
	},
	{
		displayName: 'Ship-To Name Unlike Customer',
		name: 'shipToNameMismatch',
		values: [
			...base(R.shipToNameMismatch.points, 'ship-to name unlike the customer’s name'),
			{
				displayName: 'Minimum Similarity',
				name: 'minSimilarity',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: R.shipToNameMismatch.minSimilarity,
				description: 'Fires when the names are less similar than this (0 = nothing alike, 1 = the same)',
			},
		],
	},
	{
		displayName: 'Disposable or Malformed Email',
		name: 'disposableOrMalformedEmail',
		values: [
			...base(R.disposableOrMalformedEmail.points, 'disposable or malformed e-mail domain'),
			{
				displayName: 'Domains',
				name: 'domains',
				type: 'string',
				typeOptions: { rows: 3 },
				default: listText(R.disposableOrMalformedEmail.domains),
				description: `Disposable e-mail domains (subdomains count too). ${LIST_HINT}.`,
			},
		],
	},
	{
		displayName: 'First Order With Expedited Shipping',
		name: 'firstOrderExpedited',
		values: [
			...base(R.firstOrderExpedited.points, 'first order of a customer with expedited shipping above an amount'),
			{
				displayName: 'Shipping Levels',
				name: 'levels',
				type: 'multiOptions',
				options: SHIPPING_LEVELS.map((l) => ({ name: l.replace(/_/g, ' '), value: l })),
				default: [...R.firstOrderExpedited.levels],
			},
			{ displayName: 'Minimum Total', name: 'minTotal', type: 'string', default: mapText(R.firstOrderExpedited.minTotal), description: `Fires above this total. ${AMOUNTS_HINT}.` },
		],
	},
	{
		displayName: 'Freight Forwarder or PO Box',
		name: 'freightForwarderOrPoBox',
		values: [
			...base(R.freightForwarderOrPoBox.points, 'freight-forwarder or PO-box ship-to'),
			{ displayName: 'Keywords', name: 'keywords', type: 'string', typeOptions: { rows: 2 }, default: listText(R.freightForwarderOrPoBox.keywords), description: `Words that mark a forwarder in the ship-to name, company or street. ${LIST_HINT}.` },
			{ displayName: 'Addresses', name: 'addresses', type: 'string', typeOptions: { rows: 2 }, default: '', description: 'Known forwarder addresses, one per line (every word found in order in the ship-to address)' },
			{ displayName: 'PO Boxes Too', name: 'poBox', type: 'boolean', default: R.freightForwarderOrPoBox.poBox, description: 'Whether a PO box ship-to fires the rule too' },
			{ displayName: 'PO Box Points', name: 'poBoxPoints', type: 'number', typeOptions: { minValue: 0 }, default: R.freightForwarderOrPoBox.poBoxPoints ?? 15, description: 'Points for a PO box alone' },
		],
	},
	{
		displayName: 'Channel Risk Signal',
		name: 'channelRisk',
		values: [
			{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether the channel’s own risk signal (Shopify) is scored' },
			{ displayName: 'Recommendation Points', name: 'recommendation', type: 'string', default: mapText(R.channelRisk.recommendation), description: 'Points per channel recommendation, e.g. "CANCEL 60, INVESTIGATE 30"' },
			{ displayName: 'Risk Level Points', name: 'riskLevel', type: 'string', default: mapText(R.channelRisk.riskLevel), description: 'Points per channel risk level, e.g. "HIGH 50, MEDIUM 20"' },
			{ displayName: 'Block on CANCEL', name: 'blockOnCancel', type: 'boolean', default: R.channelRisk.blockOnCancel, description: 'Whether a CANCEL recommendation rejects outright' },
		],
	},
	{
		displayName: 'External Screener',
		name: 'externalScreener',
		values: [
			{ displayName: 'Block on Verdicts', name: 'blockOn', type: 'string', default: listText(R.externalScreener.blockOn), description: 'Verdicts that reject outright, as provider:verdict (stripe:highest, signifyd:REJECT, nofraud:fail)' },
			{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether verdicts of Stripe Radar, Signifyd or NoFraud passed on the order are scored' },
			{ displayName: 'NoFraud Decision Points', name: 'nofraud', type: 'string', default: mapText(R.externalScreener.nofraud) },
			{ displayName: 'Signifyd Decision Points', name: 'signifyd', type: 'string', default: mapText(R.externalScreener.signifyd) },
			{ displayName: 'Stripe Risk Level Points', name: 'stripeLevel', type: 'string', default: mapText(R.externalScreener.stripeLevel), description: 'Points per Stripe Radar risk_level' },
			{ displayName: 'Stripe Risk Score At Least', name: 'stripeScoreAtLeast', type: 'number', typeOptions: { minValue: 0, maxValue: 100 }, default: 0, description: 'Score Stripe risk_score at or above this (0 = not checked)' },
			{ displayName: 'Stripe Risk Score Points', name: 'stripeScorePoints', type: 'number', typeOptions: { minValue: 0 }, default: R.externalScreener.stripeScorePoints },
		],
	},
];

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
	{
		displayName: 'Velocity Rules',
		name: 'velocityRules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Velocity Rule',
		default: {},
		description:
			'Orders counted from the OMS store across all channels. None added: the defaults (more than 3 orders in 24 h from one e-mail, ship-to address or phone; more than 3 in 1 h from one IP; e-mail over USD 3,000 in 24 h). Added rules replace all the defaults.',
		displayOptions: SCREEN_OR_BACKTEST,
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{ displayName: 'Block (Reject Outright)', name: 'block', type: 'boolean', default: false, description: 'Whether the rule rejects the order outright when it fires' },
					{
						displayName: 'Count By',
						name: 'key',
						type: 'options',
						options: VELOCITY_KEYS.map((k) => ({
							name: { email: 'Email', shipAddress: 'Ship-To Address', phone: 'Phone', clientIp: 'Client IP' }[k],
							value: k,
						})),
						default: 'email',
					},
					{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether the rule is checked' },
					{ displayName: 'Max Amount', name: 'maxAmount', type: 'string', default: '', placeholder: 'USD 3000', description: `Fires when the amount ordered in the window is above this. ${AMOUNTS_HINT}.` },
					{ displayName: 'Max Orders', name: 'maxOrders', type: 'number', typeOptions: { minValue: 0 }, default: 3, description: 'Fires when the orders in the window (this one included) are more than this; 0 = not checked' },
					{ displayName: 'Points', name: 'points', type: 'number', typeOptions: { minValue: 0 }, default: 50 },
					{ displayName: 'Window (Hours)', name: 'windowHours', type: 'number', typeOptions: { minValue: 0 }, default: 24 },
				],
			},
		],
	},
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
