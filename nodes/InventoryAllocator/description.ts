/**
 * The channel-rule parameters of the inventoryAllocator (what ops staff edit); the channel options come from the
 * channel registry (nodes/shared/channels.ts). Optional numbers sit in collections so a field nobody added is
 * absent, not 0 (lib/allocation/parameters.ts explains why and turns these into a ChannelRuleSet).
 */
import type { INodeProperties } from 'n8n-workflow';
import { CHANNEL_OPTIONS } from '../shared/channels';

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
