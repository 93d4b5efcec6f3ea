/**
 * The OMS Returns node: parameters in, the return flows (lib/flows: record-return.ts, move-return.ts,
 * restock-return.ts, exchange-return.ts) or the store's return reads called, returns out on Done, Held for a Person or No Change. An item
 * the OMS refuses (not a canonical return, an unknown order or return, more units than can come back) is that item's
 * error only.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import {
	applyWarehouseReceipt,
	authoriseReturn,
	cancelReturn,
	closeReturn,
	createReturnByHand,
	declineReturn,
	dispositionsFor,
	exchangeReturn,
	inspectReturn,
	ItemError,
	receiveReturn,
	recordReturn,
	restockReturn,
	type HandLine,
	type RestockOutcome,
	type ReturnStepResult,
	type SkuDisposition,
	warehouseReceiptOf,
} from '../../lib/flows';
import { validateReturnRules, type ReturnRules } from '../../lib/returns/rules';
import type { ReturnStatus } from '../../lib/returns/status';
import type { ReturnShipment } from '../../lib/returns/types';
import type { Store } from '../../lib/store/types';
import { errorItem, itemParameter } from '../shared/items';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { subtitle } from '../shared/subtitle';
import { description } from './description';
import { returnItem, RULE_PARAMETER_NAMES, rulesFromParameters, stepView, type RuleParameters } from './items';

const DONE = 0;
const HELD = 1;
const NO_CHANGE = 2;
const OUTPUT: Record<ReturnStepResult['outcome'], number> = { moved: DONE, held: HELD, not_allowed: HELD, unchanged: NO_CHANGE };

/** The rules of the node (one set for the batch): an invalid one fails the node, naming each parameter. */
function readRules(ctx: IExecuteFunctions): ReturnRules {
	const names = ['autoAuthorise', 'autoAuthoriseWithinDays', 'inspectReasons', 'refundOn', 'restockingFee', 'restockingFeePercent', 'restockingFeeAmount', 'restockingFeePer', 'deductReturnShipping', 'returnShippingCost', 'moreRules'];
	const p: Record<string, unknown> = {};
	for (const n of names) {
		// a rule hidden by another (Fee Amount while the fee is a percent) is not read
		const v = ctx.getNodeParameter(n, 0, null);
		if (v !== null) p[n] = v;
	}
	const rules = rulesFromParameters(p as RuleParameters);
	const problems = validateReturnRules(rules);
	if (problems.length) {
		throw new NodeOperationError(ctx.getNode(), `The return rules cannot be used: ${problems.map((x) => `${RULE_PARAMETER_NAMES[x.path] ?? x.path}: ${x.message}`).join('; ')}`);
	}
	return rules;
}

/** A date-time parameter (empty: now), as ISO 8601 UTC; not a date: the item's error. */
function timeParameter(ctx: IExecuteFunctions, name: string, label: string, i: number): string {
	const raw = ctx.getNodeParameter(name, i, '') as string | Date;
	if (raw === '' || raw === null || raw === undefined) return new Date().toISOString();
	const d = new Date(raw as string);
	if (Number.isNaN(d.getTime())) throw new ItemError(`${label} is not a date-time: ${JSON.stringify(raw)}`, [{ path: name, message: 'must be a date-time' }]);
	return d.toISOString();
}

function requiredId(ctx: IExecuteFunctions, name: string, label: string, i: number, items: INodeExecutionData[], example: string): string {
	const v = itemParameter(ctx, name, i, items);
	const id = typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
	if (!id) throw new ItemError(`${label} is empty: give it, e.g. ${example} (got ${JSON.stringify(v) ?? 'nothing'})`, [{ path: name, message: 'must not be empty' }]);
	return id;
}

export class OmsReturns implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:omsReturns.svg', dark: 'file:omsReturns.dark.svg' },
		group: ['transform'],
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
		subtitle: subtitle('{operation}', {
			operation: {
				applyWarehouseReceipt: 'Apply Warehouse Receipt',
				authorise: 'Authorise',
				cancel: 'Cancel',
				close: 'Close',
				createByHand: 'Create by Hand',
				decline: 'Decline',
				exchange: 'Exchange',
				get: 'Get',
				inspect: 'Inspect',
				list: 'List',
				receive: 'Receive',
				record: 'Record',
			},
		}),
		// Not offered to AI agents: it authorises, declines and closes returns, restocks units and computes refunds.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
	};

	methods = { credentialTest: { omsStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const keepRaw = this.getNodeParameter('keepRaw', 0, false) as boolean;
		const by = `${this.getNode().name} (${String(description.properties.find((p) => p.name === 'operation')?.options?.find((o) => 'value' in o && o.value === operation)?.name ?? operation)})`;
		const rules = ['authorise', 'receive', 'inspect', 'applyWarehouseReceipt'].includes(operation) ? readRules(this) : null;
		const store = await getStore(this);
		const outputs: INodeExecutionData[][] = [[], [], []];
		const push = (output: number, json: IDataObject, i: number) => outputs[output].push({ json, pairedItem: { item: i } });

		for (let i = 0; i < items.length; i++) {
			try {
				if (operation === 'record') {
					const r = await recordReturn(store, items[i].json, { cause: by });
					push(r.outcome === 'duplicate' ? NO_CHANGE : DONE, returnItem(r.stored!, keepRaw, { outcome: r.outcome, changes: r.changes, ...(r.reason ? { reason: r.reason } : {}) }), i);
				} else if (operation === 'createByHand') {
					await createByHand(this, store, items, i, by, keepRaw, push);
				} else if (operation === 'list') {
					const listBy = this.getNodeParameter('listBy', i, 'status') as string;
					const found =
						listBy === 'order'
							? await store.listReturns(requiredId(this, 'listOmsId', 'OMS ID', i, items, 'shopify:450789469'))
							: await store.listReturnsByStatus(this.getNodeParameter('statuses', i, []) as ReturnStatus[], { limit: this.getNodeParameter('limit', i, 50) as number });
					for (const s of found) push(DONE, returnItem(s, keepRaw), i);
				} else {
					const returnId = requiredId(this, 'returnId', 'Return ID', i, items, 'shopify:123456');
					if (operation === 'get') {
						const stored = await store.getReturn(returnId);
						if (!stored) throw new ItemError(`No return ${returnId} in the OMS store`, [{ path: 'returnId', message: 'unknown return' }]);
						push(DONE, returnItem(stored, keepRaw), i);
						continue;
					}
					if (operation === 'exchange') {
						// the replacement order goes out for OMS Order Record (the normal intake); made before: No Change
						const replace = ((this.getNodeParameter('replace', i, {}) as { swap?: Array<{ sku: string; withSku: string }> }).swap ?? []) as Array<{ sku: string; withSku: string }>;
						const x = await exchangeReturn(store, returnId, { by, replace });
						push(x.outcome === 'created' ? DONE : NO_CHANGE, { ...(x.order as unknown as IDataObject), exchange: { returnId, outcome: x.outcome } }, i);
						continue;
					}
					if (operation === 'applyWarehouseReceipt') {
						const wms = warehouseReceiptOf(items[i].json.wmsReturn, returnId);
						const location = (this.getNodeParameter('location', i, '') as string).trim() || undefined;
						const w = await applyWarehouseReceipt(store, returnId, wms, { rules: rules!, by, location });
						const last = w.steps[w.steps.length - 1];
						const view = stepView(last ?? { outcome: 'unchanged', stored: w.stored, refund: null }, w.restock ?? undefined);
						view.outcome = w.outcome;
						view.steps = w.steps.map((s) => s.outcome);
						if (w.why) view.why = w.why;
						view.wmsReturn = { wmsReturnId: wms.wmsReturnId, status: wms.status, rawStatus: wms.rawStatus };
						push(w.outcome === 'moved' ? DONE : w.outcome === 'held' ? HELD : NO_CHANGE, returnItem(w.stored, keepRaw, view), i);
						continue;
					}
					let r: ReturnStepResult;
					let restock: RestockOutcome | undefined;
					if (operation === 'authorise') {
						const auto = this.getNodeParameter('autoAuthorise', i, true) as boolean;
						r = await authoriseReturn(store, returnId, { decision: auto ? 'auto' : 'approve', rules: rules!, by });
						if (!auto && r.outcome === 'moved') r = { ...r, why: 'approved by a person (Authorise Automatically is off)' };
					} else if (operation === 'decline' || operation === 'cancel') {
						const note = (this.getNodeParameter('note', i, '') as string) || null;
						r = operation === 'decline' ? await declineReturn(store, returnId, { by, note }) : await cancelReturn(store, returnId, { by, note });
					} else if (operation === 'close') {
						r = await closeReturn(store, returnId, { by });
					} else if (operation === 'receive' || operation === 'inspect') {
						const at = timeParameter(this, 'at', operation === 'receive' ? 'Received At' : 'Inspected At', i);
						const current = await store.getReturn(returnId);
						if (!current) throw new ItemError(`No return ${returnId} in the OMS store: record it first`, [{ path: 'returnId', message: 'unknown return' }]);
						const all = this.getNodeParameter('disposition', i) as string;
						const perSku = ((this.getNodeParameter('lineDispositions', i, {}) as { line?: SkuDisposition[] }).line ?? []) as SkuDisposition[];
						const dispositions = dispositionsFor(current.ret, all, perSku, rules!.inspectReasons);
						if (operation === 'receive') {
							const carrier = (this.getNodeParameter('carrier', i, '') as string).trim();
							const trackingNumber = (this.getNodeParameter('trackingNumber', i, '') as string).trim();
							const shipment: ReturnShipment | undefined =
								carrier || trackingNumber ? { carrier: carrier || null, trackingNumber: trackingNumber || null, trackingUrl: current.ret.shipment?.trackingUrl ?? null, labelCost: current.ret.shipment?.labelCost ?? null } : undefined;
							r = await receiveReturn(store, returnId, { rules: rules!, by, dispositions, shipment });
						} else {
							if (!dispositions) throw new ItemError(`Return ${returnId}: Inspect needs a disposition for the units`, [{ path: 'disposition', message: 'must be given' }]);
							r = await inspectReturn(store, returnId, { rules: rules!, by, dispositions });
						}
						// restock once: after the move, or again on a repeat (a restock the last run did not finish)
						if (r.outcome === 'moved' || r.outcome === 'unchanged') {
							const location = (this.getNodeParameter('location', i, '') as string).trim() || undefined;
							restock = await restockReturn(store, r.stored, { receivedAt: at, location, by });
						}
					} else {
						throw new Error(`Unknown operation "${operation}"`);
					}
					// units restocked now are news even when the status stood (the channel said received first; a run cut short)
					const output = r.outcome === 'unchanged' && restock?.restocked.length ? DONE : OUTPUT[r.outcome];
					push(output, returnItem(r.stored, keepRaw, stepView(r, restock)), i);
				}
			} catch (error) {
				outputs[DONE].push(errorItem(this, error, i));
			}
		}
		return outputs;
	}
}

/** Create by Hand: the parameters read, the return made and recorded once by lib/flows (createReturnByHand). */
async function createByHand(
	ctx: IExecuteFunctions,
	store: Store,
	items: INodeExecutionData[],
	i: number,
	by: string,
	keepRaw: boolean,
	push: (output: number, json: IDataObject, i: number) => void,
): Promise<void> {
	const omsId = requiredId(ctx, 'omsId', 'OMS ID', i, items, 'shopify:450789469');
	const lines = ((ctx.getNodeParameter('lines', i, {}) as { line?: HandLine[] }).line ?? []) as HandLine[];
	const reference = String(ctx.getNodeParameter('reference', i, '') ?? '').trim();
	const requestedAt = timeParameter(ctx, 'requestedAt', 'Requested At', i);
	const r = await createReturnByHand(store, { omsId, lines, reference, requestedAt }, { cause: by });
	push(r.outcome === 'duplicate' ? NO_CHANGE : DONE, returnItem(r.stored, keepRaw, r.why ? { outcome: r.outcome, why: r.why } : { outcome: r.outcome, changes: r.changes }), i);
}
