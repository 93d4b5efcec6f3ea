import {
	NodeConnectionTypes,
	NodeHelpers,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { cancelOrder } from '../../lib/order/process';
import { readyToFulfil } from '../../lib/order/lifecycle';
import { READINESS } from '../../lib/order/types';
import type { OrderSearch, StoredOrder } from '../../lib/store/types';
import { HOLD_LABELS, HOLD_REASONS, OMS_STATUSES, STATUS_LABELS, type HoldReason, type OmsStatus } from '../../lib/order/status';
import { OrderNotFoundError } from '../../lib/store/rows';
import { errorItem, orderFromItem, withoutRaw } from '../shared/items';
import { getStore, omsStoreConnectionTest, STORE_NOTICE } from '../shared/store';
import { subtitle } from '../shared/subtitle';
import { CHANNEL_OPTIONS } from '../shared/channels';


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

/**
 * Route by Readiness: each canonical order to Ready (0) or Not Ready (1) by its channel readiness. Reads no
 * parameter and no store. (An n8n If on `{{ $json.readiness }}` decides the same, but each execution that evaluates an
 * expression builds a sandboxed isolate for it, which costs more than the rest of an intake execution.) An item that
 * is not a canonical order is an error of that item; with Continue on Fail it leaves on Not Ready, never on Ready.
 */
function routeByReadiness(ctx: IExecuteFunctions, items: INodeExecutionData[]): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = [[], []];
	for (let i = 0; i < items.length; i++) {
		const readiness = items[i].json.readiness;
		const ready = readyToFulfil(readiness);
		if (ready !== undefined) {
			outputs[ready ? 0 : 1].push({ ...items[i], pairedItem: { item: i } });
			continue;
		}
		const error = new Error(
			`Item ${i} has no order readiness (readiness is ${JSON.stringify(readiness) ?? 'missing'}; one of ${READINESS.join(', ')} expected): Route by Readiness takes canonical orders, as Record, Get and the order triggers give them`,
		);
		outputs[1].push(errorItem(ctx, error, i));
	}
	return outputs;
}

/**
 * An order whose intake stopped half-way: still Received (not screened yet, or screened but not reserved) or Ready
 * (reserved but not sent to the WMS) at least `afterMs` after its last change. In n8n queue mode a worker that dies
 * (SIGKILL, out of memory) takes its running executions with it and n8n does not run them again; the order is in the
 * store but nothing moves it on, and a repeat of it would be a plain Duplicate. Sending it down New again is safe:
 * screening, reservation (per order and line) and the WMS outbox (claimed per delivery) are all idempotent.
 */
export function isUnfinishedIntake(stored: StoredOrder, afterMs: number, now: number): boolean {
	if (afterMs <= 0) return false;
	if (stored.status !== 'received' && stored.status !== 'ready') return false;
	if (stored.hold) return false;
	return now - Date.parse(stored.changedAt) >= afterMs;
}

/** An order as an output item: the canonical order (what downstream nodes accept) plus `oms`, the store's view. */
function toItem(stored: StoredOrder, keepRaw: boolean, extra: IDataObject = {}): IDataObject {
	return {
		...(withoutRaw(stored.order, keepRaw) as unknown as IDataObject),
		oms: {
			status: stored.status,
			hold: stored.hold as unknown as IDataObject,
			version: stored.version,
			recordedAt: stored.recordedAt,
			changedAt: stored.changedAt,
			...extra,
		},
	};
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

export class OmsOrder implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMS Order',
		name: 'omsOrder',
		icon: { light: 'file:omsOrder.svg', dark: 'file:omsOrder.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitle('{operation}', {
			operation: {
				addNote: 'Add Note',
				cancel: 'Cancel',
				get: 'Get',
				record: 'Record',
				routeReadiness: 'Route by Readiness',
				search: 'Search',
				timeline: 'Timeline',
				updateStatus: 'Update Status',
			},
		}),
		description:
			'The order management system of record: record channel orders exactly once, look them up, change their status and read their timeline',
		defaults: { name: 'OMS Order' },
		// As an AI agent's tool ("OMS Order Tool") the node only looks orders up: the Operation it offers there is Get,
		// Search or Timeline (TOOL_OPERATION), and execute() refuses any other. Recording, routing,
		// cancelling and status changes stay with the workflow.
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${outputsFor})($parameter.operation)}}`,
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
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

	methods = { credentialTest: { omsStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		if (NodeHelpers.isToolType(this.getNode().type) && !TOOL_OPERATIONS.includes(operation)) {
			throw new NodeOperationError(this.getNode(), `OMS Order Tool only looks orders up (Get, Search, Timeline); "${operation}" is not available to an AI agent`);
		}
		if (operation === 'routeReadiness') return routeByReadiness(this, items);
		const store = await getStore(this);

		if (operation === 'record') {
			const outputs: INodeExecutionData[][] = [[], [], []];
			for (let i = 0; i < items.length; i++) {
				try {
					const keepRaw = this.getNodeParameter('keepRaw', i, false) as boolean;
					const order = orderFromItem(items[i]);
					const result = await store.recordOrder(order, { cause: `${this.getNode().name} (Record)` });
					const resumeAfterMs = (this.getNodeParameter('resumeAfterSeconds', i, 120) as number) * 1000;
					const resumed = result.outcome === 'duplicate' && isUnfinishedIntake(result.stored, resumeAfterMs, Date.now());
					const index = result.outcome === 'new' || resumed ? 0 : result.outcome === 'updated' ? 1 : 2;
					outputs[index].push({
						json: toItem(result.stored, keepRaw, {
							outcome: resumed ? 'resumed' : result.outcome,
							changes: result.changes,
							...(result.reason ? { reason: result.reason } : {}),
						}),
						pairedItem: { item: i },
					});
				} catch (error) {
					outputs[0].push(errorItem(this, error, i));
				}
			}
			return outputs;
		}

		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const keepRaw = ['get', 'search', 'updateStatus', 'cancel'].includes(operation)
					? (this.getNodeParameter('keepRaw', i, false) as boolean)
					: false;
				if (operation === 'search') {
					const f = this.getNodeParameter('filters', i, {}) as IDataObject;
					const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
					const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
					const search: OrderSearch = {
						channels: (f.channels as string[]) || undefined,
						statuses: (f.statuses as OmsStatus[]) || undefined,
						holdReasons: (f.holdReasons as HoldReason[]) || undefined,
						placedFrom: (f.placedFrom as string) || undefined,
						placedTo: (f.placedTo as string) || undefined,
						sku: (f.sku as string) || undefined,
						email: (f.email as string) || undefined,
						order: this.getNodeParameter('oldestFirst', i, false) ? 'asc' : 'desc',
					};
					const page = 500;
					for (let offset = 0; offset < limit; offset += page) {
						const rows = await store.searchOrders({ ...search, limit: Math.min(page, limit - offset), offset });
						for (const r of rows) out.push({ json: toItem(r, keepRaw), pairedItem: { item: i } });
						if (rows.length < page) break;
					}
					continue;
				}
				const omsId = String(this.getNodeParameter('omsId', i)).trim();
				if (!omsId) throw new Error('OMS ID is empty: give the order’s OMS ID, e.g. shopify:450789469');
				const author = (this.getNodeParameter('author', i, 'n8n') as string) || 'n8n';
				const note = (this.getNodeParameter('note', i, '') as string) || null;
				if (operation === 'get') {
					const stored = await store.getOrder(omsId);
					if (!stored) throw new OrderNotFoundError(omsId);
					out.push({ json: toItem(stored, keepRaw), pairedItem: { item: i } });
				} else if (operation === 'timeline') {
					if (!(await store.getOrder(omsId))) throw new OrderNotFoundError(omsId);
					for (const e of await store.timeline(omsId)) {
						out.push({ json: e as unknown as IDataObject, pairedItem: { item: i } });
					}
				} else if (operation === 'addNote') {
					if (!note) throw new Error('Note is empty: write what to add to the timeline');
					const event = await store.addEvent(omsId, 'note', { cause: author, detail: { note } });
					out.push({ json: event as unknown as IDataObject, pairedItem: { item: i } });
				} else if (operation === 'updateStatus') {
					const status = this.getNodeParameter('status', i) as OmsStatus;
					const hold =
						status === 'on_hold'
							? { reason: this.getNodeParameter('holdReason', i) as HoldReason, since: new Date().toISOString(), detail: note }
							: null;
					const result = await store.setStatus(omsId, status, { cause: author, detail: note ? { note } : undefined, hold });
					out.push({ json: toItem(result.stored, keepRaw, { changed: result.changed, from: result.from }), pairedItem: { item: i } });
				} else if (operation === 'cancel') {
					const result = await cancelOrder(store, omsId, { by: author, reason: note });
					out.push({
						json: toItem(result.stored, keepRaw, { changed: result.changed, releasedUnits: result.released }),
						pairedItem: { item: i },
					});
				} else {
					throw new Error(`Unknown operation "${operation}"`);
				}
			} catch (error) {
				out.push(errorItem(this, error, i));
			}
		}
		return [out];
	}
}
