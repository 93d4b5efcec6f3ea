/**
 * The OMS Order node: parameters in, the order flows (lib/flows: record-orders.ts, cancel-order.ts) or the store's
 * order reads called, orders (or timeline events) out.
 */
import { NodeHelpers, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { cancelOrder, recordOrder } from '../../lib/flows';
import { readyToFulfil } from '../../lib/order/lifecycle';
import type { HoldReason, OmsStatus } from '../../lib/order/status';
import { READINESS } from '../../lib/order/types';
import type { OrderSearch } from '../../lib/store/types';
import { OrderNotFoundError } from '../../lib/store/rows';
import { errorItem, orderFromItem } from '../shared/items';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { subtitle } from '../shared/subtitle';
import { description, TOOL_OPERATIONS } from './description';
import { toItem } from './items';

export { TOOL_OPERATIONS };

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

export class OmsOrder implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:omsOrder.svg', dark: 'file:omsOrder.dark.svg' },
		group: ['transform'],
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
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
		// As an AI agent's tool ("OMS Order Tool") the node only looks orders up: the Operation it offers there is Get,
		// Search or Timeline (TOOL_OPERATION), and execute() refuses any other. Recording, routing,
		// cancelling and status changes stay with the workflow.
		usableAsTool: true,
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
					const resumeAfterMs = (this.getNodeParameter('resumeAfterSeconds', i, 120) as number) * 1000;
					const result = await recordOrder(store, order, { cause: `${this.getNode().name} (Record)`, resumeAfterMs, now: Date.now() });
					const resumed = result.resumed;
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
