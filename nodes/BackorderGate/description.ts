/**
 * The Backorder Gate's description: operations, the backorder policy (per channel), options; three outputs.
 */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import type { BackorderPolicy } from '../../lib/backorder';
import { CHANNEL_OPTIONS } from '../shared/channels';
import { STORE_NOTICE } from '../shared/store';

const POLICY_OPTIONS = [
	{
		name: 'Ship Complete',
		value: 'ship_complete',
		description: 'Hold the whole order on Backorder until every line can be allocated (it keeps the units it has)',
	},
	{
		name: 'Ship Available',
		value: 'ship_available',
		description: 'Split: Partial carries a shipment request for the allocated units; the rest stays backordered in the OMS',
	},
	{
		name: 'Cancel Unavailable',
		value: 'cancel_unavailable',
		description: 'Partial with the allocated units, and the missing quantities listed for cancellation on the channel',
	},
] satisfies Array<{ name: string; value: BackorderPolicy; description: string }>;

/** The node's description, all but what n8n's node review reads in the class itself (icon, subtitle, usableAsTool) */
export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'Backorder Gate',
	name: 'backorderGate',
	version: 1,
	description:
		'Send only orders that can be filled to the warehouse: Ready, Partial (split or cancel the missing units) or Backorder (held in the OMS), by policy per channel; release held orders when stock arrives',
	defaults: { name: 'Backorder Gate' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [
		{ type: NodeConnectionTypes.Main, displayName: 'Ready' },
		{ type: NodeConnectionTypes.Main, displayName: 'Partial' },
		{ type: NodeConnectionTypes.Main, displayName: 'Backorder' },
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
					name: 'Route',
					value: 'route',
					description: 'After Reserve: Ready when every line is allocated, otherwise by the backorder policy',
					action: 'Route orders by allocation',
				},
				{
					name: 'Release Held',
					value: 'releaseHeld',
					description: 'Re-allocate backordered orders (oldest first) and emit the ones that became Ready or Partial, each once',
					action: 'Release held orders',
				},
			],
			default: 'route',
		},
		{
			displayName: 'Backorder Policy',
			name: 'policy',
			type: 'options',
			options: POLICY_OPTIONS,
			default: 'ship_complete',
			description: 'What to do with an order that could not be allocated in full (channels without their own policy below)',
		},
		{
			displayName: 'Channel Policies',
			name: 'channelPolicies',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Channel Policy',
			default: {},
			description: 'A different policy for some channels',
			options: [
				{
					displayName: 'Channel Policy',
					name: 'policy',
					values: [
						{
							displayName: 'Channel',
							name: 'channel',
							type: 'options',
							options: CHANNEL_OPTIONS,
							default: 'amazon',
						},
						{ displayName: 'Policy', name: 'policy', type: 'options', options: POLICY_OPTIONS, default: 'ship_available' },
					],
				},
			],
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Cancel Whole Order When Nothing Allocated',
					name: 'cancelWholeOrder',
					type: 'boolean',
					default: false,
					description:
						'Whether Cancel Unavailable cancels an order of which nothing could be allocated (Backorder output, status cancelled, every unit in cancelLines) instead of holding it',
				},
				{
					displayName: 'Emit Still-Held Orders',
					name: 'includeStillHeld',
					type: 'boolean',
					default: false,
					displayOptions: { show: { '/operation': ['releaseHeld'] } },
					description: 'Whether orders that stay held go to the Backorder output (e.g. to alert on overdue holds); by default only released orders are emitted',
				},
				{
					displayName: 'Flag Holds Longer Than (Days)',
					name: 'holdDays',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 3,
					description: 'A backorder held longer than this many days has holdOverdue: true',
				},
				{
					displayName: 'Include Raw Channel Payload',
					name: 'keepRaw',
					type: 'boolean',
					default: false,
					description: 'Whether output items carry the channel’s original payload',
				},
				{
					displayName: 'Max Orders',
					name: 'limit',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: 1000,
					displayOptions: { show: { '/operation': ['releaseHeld'] } },
					description: 'Max number of held orders to re-allocate in one run (the first in release order)',
				},
				{
					displayName: 'Priority Channels',
					name: 'priorityChannels',
					type: 'multiOptions',
					options: CHANNEL_OPTIONS,
					default: [],
					displayOptions: { show: { '/operation': ['releaseHeld'] } },
					description: 'Held orders of these channels are released first (in this order), each group oldest first',
				},
			],
		},
	],
};
