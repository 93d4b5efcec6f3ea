import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { BACKORDER_POLICIES, policyFor, type BackorderPolicy, type PolicyConfig } from '../../lib/backorder';
import type { AllocationAnnotation, CanonicalOrder } from '../../lib/order/types';
import { errorItem, withoutRaw } from '../shared/items';
import { getStore, omsStoreConnectionTest, STORE_NOTICE } from '../shared/store';
import { CHANNEL_OPTIONS } from '../shared/channels';
import { GateItemError, releaseHeld, routeOne, type GateOutcome } from './operations';
import { subtitle } from '../shared/subtitle';

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

const OUTPUT_INDEX = { ready: 0, partial: 1, backorder: 2 } as const;

/** An order leaving the gate: the canonical order as stored, its allocation, the route and the OMS state. */
function gateItem(o: GateOutcome, keepRaw: boolean, extra: IDataObject = {}): IDataObject {
	const r = o.route;
	return {
		...(withoutRaw(o.stored.order, keepRaw) as unknown as IDataObject),
		allocation: o.allocation as unknown as IDataObject,
		backorder: {
			output: r.output,
			policy: r.policy,
			reason: r.reason,
			shipmentNo: o.shipmentNo,
			shipmentLines: r.shipmentLines as unknown as IDataObject[],
			backorderedLines: r.backorderedLines as unknown as IDataObject[],
			cancelLines: r.cancelLines as unknown as IDataObject[],
			heldDays: r.heldDays === null ? null : Math.floor(r.heldDays * 100) / 100,
			...extra,
		},
		shipmentLines: r.shipmentLines as unknown as IDataObject[],
		shipmentNo: o.shipmentNo,
		cancelLines: r.cancelLines as unknown as IDataObject[],
		holdOverdue: r.holdOverdue,
		oms: {
			status: o.stored.status,
			hold: o.stored.hold as unknown as IDataObject,
			version: o.stored.version,
			changed: o.changed,
		},
	};
}

export class BackorderGate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Backorder Gate',
		name: 'backorderGate',
		icon: { light: 'file:backorderGate.svg', dark: 'file:backorderGate.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitle('{operation}', { operation: { route: 'Route', releaseHeld: 'Release Held' } }),
		description:
			'Send only orders that can be filled to the warehouse: Ready, Partial (split or cancel the missing units) or Backorder (held in the OMS), by policy per channel; release held orders when stock arrives',
		defaults: { name: 'Backorder Gate' },
		// Not offered to AI agents: its outputs route orders (Ready, Partial, Backorder) and Release Held re-allocates stock.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Ready' },
			{ type: NodeConnectionTypes.Main, displayName: 'Partial' },
			{ type: NodeConnectionTypes.Main, displayName: 'Backorder' },
		],
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
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

	methods = { credentialTest: { omsStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const holdDays = typeof options.holdDays === 'number' ? options.holdDays : null;
		const keepRaw = options.keepRaw === true;
		const cause = `${this.getNode().name} (${operation === 'route' ? 'Route' : 'Release Held'})`;
		const byChannel: Record<string, BackorderPolicy> = {};
		const cp = this.getNodeParameter('channelPolicies', 0, {}) as { policy?: Array<{ channel: string; policy: BackorderPolicy }> };
		for (const p of cp.policy ?? []) if (p.channel) byChannel[p.channel.trim()] = p.policy;
		const policy: PolicyConfig = { default: this.getNodeParameter('policy', 0) as BackorderPolicy, byChannel };
		try {
			policyFor('', policy);
			for (const c of Object.keys(byChannel)) policyFor(c, policy);
		} catch (e) {
			throw new NodeOperationError(this.getNode(), (e as Error).message, { description: `Policies: ${BACKORDER_POLICIES.join(', ')}` });
		}
		const store = await getStore(this);
		const outputs: INodeExecutionData[][] = [[], [], []];

		if (operation === 'route') {
			for (let i = 0; i < items.length; i++) {
				try {
					const json = items[i].json as unknown as Partial<CanonicalOrder> & { allocation?: AllocationAnnotation };
					if (typeof json.omsId !== 'string' || !json.omsId.trim()) {
						throw new GateItemError('Item has no omsId: Route takes the orders Inventory Allocator > Reserve emits');
					}
					const outcome = await routeOne(
						store,
						{ omsId: json.omsId.trim(), channel: json.channel ?? '', lines: json.lines ?? [], allocation: json.allocation },
						policy,
						{ now: new Date(), holdDays, cancelWholeOrder: options.cancelWholeOrder === true, cause },
					);
					outputs[OUTPUT_INDEX[outcome.output]].push({ json: gateItem(outcome, keepRaw), pairedItem: { item: i } });
				} catch (error) {
					outputs[0].push(errorItem(this, error, i));
				}
			}
			return outputs;
		}

		if (operation === 'releaseHeld') {
			const limit = typeof options.limit === 'number' && options.limit > 0 ? options.limit : undefined;
			const released = await releaseHeld(store, policy, {
				now: new Date(),
				holdDays,
				cancelWholeOrder: options.cancelWholeOrder === true,
				cause,
				priorityChannels: (options.priorityChannels as string[] | undefined) ?? [],
				limit,
				includeStillHeld: options.includeStillHeld === true,
			});
			for (const o of released) {
				outputs[OUTPUT_INDEX[o.output]].push({ json: gateItem(o, keepRaw, { released: o.released }), pairedItem: { item: 0 } });
			}
			return outputs;
		}

		throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`);
	}
}
