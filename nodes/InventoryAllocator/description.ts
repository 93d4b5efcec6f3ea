/**
 * The Inventory Allocator's description: operations, outputs, credentials, and the channel-rule parameters (what ops
 * staff edit); the channel options come from the
 * channel registry (nodes/shared/channels.ts). Optional numbers sit in collections so a field nobody added is
 * absent, not 0 (lib/allocation/parameters.ts explains why and turns these into a ChannelRuleSet).
 */
import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { CHANNEL_OPTIONS } from '../shared/channels';
import { STORE_NOTICE } from '../shared/store';

const units = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description,
});

/** The tier fields and the low-stock tier, for a channel rule, the defaults and an override. */
function ruleFields(withShare: boolean): INodeProperties[] {
	const fields: INodeProperties[] = [
		units('Buffer', 'buffer', 'Units held back from this channel (subtracted after the share)'),
		units('Keep-Alive Minimum', 'keepAliveMin', 'List at least this many while there is any stock (for channels that end a listing at 0); never more than there is'),
		units('Low-Stock Buffer', 'lowBuffer', 'Buffer below the low-stock level'),
		units('Low-Stock Keep-Alive Minimum', 'lowKeepAliveMin', 'Keep-alive minimum below the low-stock level'),
		units('Low-Stock Level', 'lowStockLevel', 'Below this ATP the low-stock fields replace the normal ones (the second tier)'),
		units('Low-Stock Max Listed', 'lowMaxListed', 'Max listed below the low-stock level'),
		{
			displayName: 'Low-Stock Share %',
			name: 'lowSharePercent',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 100,
			description: 'Share of ATP below the low-stock level (rounded down)',
		},
		units('Low-Stock Zero At', 'lowZeroAt', 'Zero-at below the low-stock level'),
		units('Max Listed', 'maxListed', 'Never list more than this many'),
		{
			displayName: 'Priority Rank',
			name: 'priorityRank',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 1,
			description: 'Priority channels (1 before 2) take their share of the whole ATP before the other channels share what is left',
		},
		units('Zero At', 'zeroAt', 'List 0 when the SKU’s ATP is at or below this (ends the listing before the last units sell twice)'),
	];
	if (withShare) {
		fields.push({
			displayName: 'Share %',
			name: 'sharePercent',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 100,
			description: 'Share of ATP this channel may list (rounded down)',
		});
		fields.sort((a, b) => a.displayName.localeCompare(b.displayName));
	}
	return fields;
}

export const RULE_PARAMETERS: INodeProperties[] = [
	{
		displayName: 'Rules From',
		name: 'rulesSource',
		type: 'options',
		options: [
			{ name: 'These Parameters', value: 'parameters', description: 'Channel rules edited below' },
			{ name: 'JSON', value: 'json', description: 'A channel rule set as JSON (e.g. kept in a file or a data table)' },
		],
		default: 'parameters',
		description:
			'Rules are applied in this order: SKU override and low-stock tier; zero-at; priority channels (rank order) take their share of ATP; the others share what is left; keep-alive minimums; never more than ATP',
	},
	{
		displayName: 'Channel Rules',
		name: 'channelRules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Channel Rule',
		default: {},
		displayOptions: { show: { rulesSource: ['parameters'] } },
		description: 'How much of each SKU’s available-to-promise each channel may list',
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{
						displayName: 'Channel',
						name: 'channel',
						type: 'options',
						options: CHANNEL_OPTIONS,
						default: 'amazon',
					},
					{
						displayName: 'Share %',
						name: 'sharePercent',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 100 },
						default: 100,
						description: 'Share of ATP this channel may list (rounded down)',
					},
					{
						displayName: 'Options',
						name: 'options',
						type: 'collection',
						placeholder: 'Add Option',
						default: {},
						options: ruleFields(false),
					},
				],
			},
		],
	},
	{
		displayName: 'Default Rule (Other Channels)',
		name: 'defaultRule',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { rulesSource: ['parameters'] } },
		description: 'Rule for channels without a channel rule (default: 100% of ATP)',
		options: ruleFields(true),
	},
	{
		displayName: 'SKU Overrides',
		name: 'skuOverrides',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add SKU Override',
		default: {},
		displayOptions: { show: { rulesSource: ['parameters'] } },
		description: 'The first override whose pattern matches the SKU (and whose channel matches) replaces the fields it sets',
		options: [
			{
				displayName: 'Override',
				name: 'override',
				values: [
					{
						displayName: 'SKU Pattern',
						name: 'pattern',
						type: 'string',
						default: '',
						placeholder: 'MUG-*',
						description: 'A glob (* any run, ? one character; whole SKU, case-sensitive) or /regex/flags',
					},
					{
						displayName: 'Channel',
						name: 'channel',
						type: 'options',
						options: [{ name: 'All Channels', value: '*' }, ...CHANNEL_OPTIONS],
						default: '*',
					},
					{
						displayName: 'Fields',
						name: 'fields',
						type: 'collection',
						placeholder: 'Add Field',
						default: {},
						options: ruleFields(true),
					},
				],
			},
		],
	},
	{
		displayName: 'Rule Set (JSON)',
		name: 'ruleSetJson',
		type: 'json',
		default: '{\n  "channels": [\n    { "channel": "amazon", "sharePercent": 50 },\n    { "channel": "ebay", "sharePercent": 50 }\n  ]\n}',
		displayOptions: { show: { rulesSource: ['json'] } },
		description: 'A channel rule set: { channels: [{ channel, sharePercent, buffer, maxListed, zeroAt, keepAliveMin, priority, lowStock: { level, rule } }], skuOverrides: [{ pattern, channel, ... }], defaults: {...} }.',
	},
	{
		displayName: 'Publish To',
		name: 'channels',
		type: 'multiOptions',
		options: CHANNEL_OPTIONS,
		// every registered channel (sorted as the options are)
		default: [...CHANNEL_OPTIONS.map((o) => o.value)],
		description: 'Channels to compute quantities for (channels with a rule are always included)',
	},
];

/** The node's description, all but what n8n's node review reads in the class itself (icon, subtitle, usableAsTool) */
export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'Inventory Allocator',
	name: 'inventoryAllocator',
	version: 1,
	description:
		'Keep stock and channel listings honest: sync WMS inventory, publish per-channel quantities from allocation rules, reserve orders atomically against available-to-promise',
	defaults: { name: 'Inventory Allocator' },
	inputs: [NodeConnectionTypes.Main],
	// The same two outputs for every operation, so that n8n never evaluates an expression to find them: it does so
	// for a node with outputs computed from its parameters whenever that node has an error output (On Error:
	// Continue (using error output)), and each execution that evaluates one builds a sandboxed isolate, which
	// costs more than the rest of a fulfilment execution.
	outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
	outputNames: ['Result', 'Quantity Changes'],
	properties: [
		STORE_NOTICE,
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Commit Shipment',
					value: 'commitShipment',
					description: 'Shipped units leave on hand and reserved (once per package)',
					action: 'Commit a shipment',
				},
				{
					name: 'Preview',
					value: 'preview',
					description: 'What each channel would be published under these rules, without writing anything',
					action: 'Preview channel quantities',
				},
				{
					name: 'Release',
					value: 'release',
					description: 'Give a cancelled order’s (or some lines’) reserved units back to available',
					action: 'Release reserved stock',
				},
				{
					name: 'Reserve',
					value: 'reserve',
					description: 'Reserve every line of each order against available-to-promise, atomically; annotates the order’s allocation',
					action: 'Reserve stock for orders',
				},
				{
					name: 'Sync Stock',
					value: 'syncStock',
					description: 'Take WMS inventory levels in; emit one item per channel and SKU whose listed quantity changed',
					action: 'Sync stock from the WMS',
				},
				{
					name: 'Warehouses',
					value: 'warehouses',
					description: 'Add or change the warehouses (one per stock location: address, fulfilment account, channels, priority, buffer), or list them',
					action: 'Manage warehouses',
				},
			],
			default: 'syncStock',
		},
		// Warehouses
		{
			displayName: 'Action',
			name: 'warehouseAction',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Create or Update', value: 'upsert', description: 'Create a new record, or update the current one if it already exists (upsert)' },
				{ name: 'List', value: 'list', description: 'One item per warehouse, by location' },
			],
			default: 'list',
			displayOptions: { show: { operation: ['warehouses'] } },
		},
		{
			displayName:
				'Each input item is a warehouse, keyed by its location (replaced whole when it exists): location (the stock location), country, postcode, and optionally name, provider + credential (a WMS: shipbob, shiphero, extensiv, generic; the credential’s name) or ediPartner, channels (list or comma-separated; empty: all), priority (higher first), buffer (units per SKU held back), active',
			name: 'warehouseNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { operation: ['warehouses'], warehouseAction: ['upsert'] } },
		},
		// Reserve: routing over several warehouses
		{
			displayName: 'Warehouse Routing Rules',
			name: 'routingRules',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Rule',
			default: {},
			description:
				'With two or more warehouses: which warehouse ships each order, rule by rule in this order (the first rule that tells two choices apart decides; a full tie goes to the first location by name). None listed: Channel Restrictions, Fewest Shipments, Same Country, Closest, Priority.',
			displayOptions: { show: { operation: ['reserve'] } },
			options: [
				{
					displayName: 'Rule',
					name: 'rule',
					values: [
						{
							displayName: 'Rule',
							name: 'rule',
							type: 'options',
							options: [
								{ name: 'Channel Restrictions', value: 'channels', description: 'A warehouse with channels set serves only those channels (wherever this rule stands)' },
								{ name: 'Closest', value: 'closest', description: 'The least distance to the ship-to address (US: ZIP3 centroids in km; elsewhere the country and postcode prefix)' },
								{ name: 'Cost', value: 'cost', description: 'The cheapest shipments by a zone/rate table' },
								{ name: 'Fewest Shipments', value: 'fewestShipments', description: 'Ship complete from one warehouse when any can; otherwise the fewest' },
								{ name: 'Priority', value: 'priority', description: 'The warehouses of higher priority' },
								{ name: 'Same Country', value: 'sameCountry', description: 'Warehouses in the destination’s country' },
							],
							default: 'fewestShipments',
						},
						{
							displayName: 'Only in That Country',
							name: 'onlyInCountry',
							type: 'boolean',
							default: false,
							description: 'Whether to never ship from another country (the units wait instead)',
							displayOptions: { show: { rule: ['sameCountry'] } },
						},
						{
							displayName: 'Rates',
							name: 'rates',
							type: 'json',
							default: '[{ "from": "*", "country": "US", "cost": 8 }]',
							description:
								'The cost of one shipment: [{ "from": location or "*", "country": "US" or "*", "postcodePrefix": "9", "cost": 7.5 }]; the most specific row that matches counts (a warehouse named beats a longer postcode prefix, which beats a country)',
							displayOptions: { show: { rule: ['cost'] } },
						},
					],
				},
			],
		},
		{
			displayName: 'Max Shipments per Order',
			name: 'maxShipments',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'With two or more warehouses: at most this many shipments per order (1: never split; the rest waits as backordered); 0 for no limit',
			displayOptions: { show: { operation: ['reserve'] } },
		},
		// Sync Stock
		{
			displayName: 'Input Fields',
			name: 'fields',
			type: 'collection',
			placeholder: 'Rename Field',
			default: {},
			displayOptions: { show: { operation: ['syncStock'] } },
			description: 'Field names of the WMS inventory items (defaults: sku, location, onHand)',
			options: [
				{ displayName: 'Location Field', name: 'location', type: 'string', default: 'location', description: 'Empty or missing location: the default location' },
				{ displayName: 'On Hand Field', name: 'onHand', type: 'string', default: 'onHand' },
				{ displayName: 'SKU Field', name: 'sku', type: 'string', default: 'sku' },
			],
		},
		// Release / Commit Shipment
		{
			displayName: 'OMS ID',
			name: 'omsId',
			type: 'string',
			default: '={{ $json.omsId }}',
			required: true,
			placeholder: 'shopify:450789469',
			description: 'The order’s OMS ID',
			displayOptions: { show: { operation: ['release', 'commitShipment'] } },
		},
		{
			displayName: 'Release',
			name: 'releaseScope',
			type: 'options',
			options: [
				{ name: 'Whole Order', value: 'all', description: 'Every unit reserved for the order' },
				{ name: 'Some Lines', value: 'lines', description: 'Only the SKUs and quantities given' },
			],
			default: 'all',
			displayOptions: { show: { operation: ['release'] } },
		},
		{
			displayName: 'Only Cancelled or Rejected Orders',
			name: 'onlyEnded',
			type: 'boolean',
			default: false,
			description:
				'Whether to leave the units of an order that is not cancelled or rejected reserved (e.g. a cancel the WMS refused: the order still ships); its SKUs are still published again where their quantity changed',
			displayOptions: { show: { operation: ['release'] } },
		},
		{
			displayName: 'Lines',
			name: 'releaseLines',
			type: 'json',
			default: '={{ $json.cancelLines }}',
			description: 'Units to release, as a list: [{ "sku": "MUG-1", "quantity": 2 }]',
			displayOptions: { show: { operation: ['release'], releaseScope: ['lines'] } },
		},
		{
			displayName: 'Package Key',
			name: 'packageKey',
			type: 'string',
			default: '={{ $json.packageKey }}',
			required: true,
			description: 'Unique per package (the WMS’s shipment ID or carrier + tracking number): committing the same package twice changes nothing',
			displayOptions: { show: { operation: ['commitShipment'] } },
		},
		{
			displayName: 'Shipped Lines',
			name: 'shippedLines',
			type: 'json',
			default: '={{ $json.lines }}',
			description: 'Units shipped in this package: [{ "sku": "MUG-1", "quantity": 2 }]',
			displayOptions: { show: { operation: ['commitShipment'] } },
		},
		// Preview
		{
			displayName: 'SKUs',
			name: 'previewSkus',
			type: 'string',
			default: '',
			placeholder: 'MUG-1, MUG-2',
			description: 'SKUs to preview, separated by commas; empty for every SKU',
			displayOptions: { show: { operation: ['preview'] } },
		},
		...RULE_PARAMETERS,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Explain',
					name: 'explain',
					type: 'boolean',
					default: true,
					description: 'Whether each quantity carries how it was reached (ATP, share, buffer, caps)',
				},
				{
					displayName: 'Full Recompute',
					name: 'fullRecompute',
					type: 'boolean',
					default: false,
					displayOptions: { show: { '/operation': ['syncStock'] } },
					description:
						'Whether to recompute every SKU, not only those whose stock changed (after editing the rules, or to re-send quantities a marketplace push failed to apply)',
				},
				{
					displayName: 'Only Differences',
					name: 'onlyDifferences',
					type: 'boolean',
					default: false,
					displayOptions: { show: { '/operation': ['preview'] } },
					description: 'Whether to list only the quantities that differ from what each channel was last published',
				},
				{
					displayName: 'Record as Published',
					name: 'recordPublished',
					type: 'boolean',
					default: true,
					displayOptions: { show: { '/operation': ['syncStock', 'reserve', 'release', 'commitShipment'] } },
					description:
						'Whether emitted quantities are recorded as published at once. Turn off when a later node confirms the marketplace push; then the next run emits them again until recorded (Full Recompute compares against what was recorded).',
				},
			],
		},
	],
};
