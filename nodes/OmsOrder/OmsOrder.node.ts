/**
 * The OMS Order node: parameters in, the order flows (lib/flows: record-orders.ts, cancel-order.ts, attention.ts,
 * recover-orders.ts, release-wms-hold.ts) or the store's order reads called, orders (or timeline events, or things to
 * act on) out.
 */
import { NodeHelpers, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { applyChannelChange, attentionDigest, cancelOrder, findStuckOrders, listAttention, recordOrder, releaseWmsHold, type AttentionThresholds, type ChannelChangeRoute } from '../../lib/flows';
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

const ROUTE_OUTPUT: Record<ChannelChangeRoute, number> = { fulfil: 0, republish: 1, wms: 2, held: 3, done: 4 };

/**
 * Apply Channel Change: each item (Record's Updated output) through lib/flows applyChannelChange, without a WMS (the
 * WMS node's Apply Channel Change makes the WMS's part): out on Fulfil, Republish, At the WMS, Held or Done, the
 * stored order with `channelChange` (what was done). An order the OMS never recorded, or lines it does not have: an
 * error of that item (on Done, or the error output), nothing written.
 */
async function applyChanges(ctx: IExecuteFunctions, store: Awaited<ReturnType<typeof getStore>>, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = [[], [], [], [], []];
	const by = `${ctx.getNode().name} (Apply Channel Change)`;
	for (let i = 0; i < items.length; i++) {
		try {
			const json = items[i].json;
			// Record's Updated output carries what changed in oms.changes (kept on the way out, for the WMS node)
			const recorded = (json.oms as IDataObject | undefined)?.changes;
			const changes = Array.isArray(recorded) ? (recorded as string[]) : undefined;
			const r = await applyChannelChange(store, json as never, { by, changes });
			const stored = (await store.getOrder(r.omsId))!;
			outputs[ROUTE_OUTPUT[r.route]].push({ json: toItem(stored, false, { channelChange: r as unknown as IDataObject, ...(changes ? { changes } : {}) }), pairedItem: { item: i } });
		} catch (error) {
			outputs[4].push(errorItem(ctx, error, i));
		}
	}
	return outputs;
}

/** Where Attention keeps the keys it listed (workflow static data of the node) for New Since Last Run Only */
const SEEN_KEY = 'attentionSeen';

/**
 * Attention: the queue as items (one per thing to act on) or one digest item. With New Since Last Run Only, what this
 * node listed last time (static data) is left out, and what it lists now is kept for the next run. Runs once, not per
 * input item (a schedule's one item starts it).
 */
async function attention(ctx: IExecuteFunctions, store: Awaited<ReturnType<typeof getStore>>): Promise<INodeExecutionData[]> {
	const newOnly = ctx.getNodeParameter('newOnly', 0, false) as boolean;
	const output = ctx.getNodeParameter('attentionOutput', 0, 'items') as string;
	const o = ctx.getNodeParameter('attentionOptions', 0, {}) as IDataObject;
	const thresholds: AttentionThresholds = {
		stuckMinutes: o.stuckMinutes as number | undefined,
		reviewOverdueHours: o.reviewOverdueHours as number | undefined,
		holdOverdueHours: o.holdOverdueHours as number | undefined,
		ediAckMinutes: o.ediAckMinutes as number | undefined,
		channelCallOverdueMinutes: o.channelCallOverdueMinutes as number | undefined,
	};
	const channels = Array.isArray(o.channels) && o.channels.length ? (o.channels as string[]) : undefined;
	const staticData = newOnly ? ctx.getWorkflowStaticData('node') : undefined;
	const seenKeys = staticData && Array.isArray(staticData[SEEN_KEY]) ? (staticData[SEEN_KEY] as string[]) : newOnly ? [] : undefined;
	const result = await listAttention(store, { ...thresholds, channels, seenKeys });
	if (staticData) staticData[SEEN_KEY] = result.keys;
	if (output === 'digest') {
		const digest = attentionDigest(result);
		return digest ? [{ json: digest as unknown as IDataObject, pairedItem: { item: 0 } }] : [];
	}
	return result.items.map((i) => ({ json: { ...i }, pairedItem: { item: 0 } }));
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
				applyChannelChange: 'Apply Channel Change',
				attention: 'Attention',
				cancel: 'Cancel',
				get: 'Get',
				record: 'Record',
				recover: 'Recover Stuck Orders',
				release: 'Release',
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

		if (operation === 'attention') return [await attention(this, store)];
		if (operation === 'recover') {
			const olderThanMinutes = this.getNodeParameter('olderThanMinutes', 0, 5) as number;
			const limit = this.getNodeParameter('recoverLimit', 0, 100) as number;
			const keepRaw = this.getNodeParameter('keepRaw', 0, false) as boolean;
			const stuck = await findStuckOrders(store, { olderThanMinutes, limit });
			const outputs: INodeExecutionData[][] = [[], []];
			for (const s of stuck) {
				outputs[s.stage === 'screen' ? 0 : 1].push({ json: toItem(s.stored, keepRaw, { recovered: s.why }), pairedItem: { item: 0 } });
			}
			return outputs;
		}

		if (operation === 'record') {
			const outputs: INodeExecutionData[][] = [[], [], []];
			for (let i = 0; i < items.length; i++) {
				try {
					const keepRaw = this.getNodeParameter('keepRaw', i, false) as boolean;
					const order = orderFromItem(items[i]);
					const resumeAfterMs = (this.getNodeParameter('resumeAfterSeconds', i, 120) as number) * 1000;
					const result = await recordOrder(store, order, { cause: `${this.getNode().name} (Record)`, resumeAfterMs, now: Date.now() });
					const resumed = result.resumed;
					// a new order with the buyer's cancel request open leaves on Updated: Apply Channel Change answers it
					const index = result.asChange ? 1 : result.outcome === 'new' || resumed ? 0 : result.outcome === 'updated' ? 1 : 2;
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

		if (operation === 'applyChannelChange') return applyChanges(this, store, items);

		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const keepRaw = ['get', 'search', 'updateStatus', 'cancel', 'release'].includes(operation)
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
				} else if (operation === 'release') {
					const result = await releaseWmsHold(store, omsId, { by: author, note });
					out.push({
						json: toItem(result.stored, keepRaw, { changed: result.changed, requeued: result.requeued.map((d) => d.reference) }),
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
