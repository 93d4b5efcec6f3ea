import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import type { Delivery, Store } from '../../lib/store/types';
import { referenceFor, wmsProviderDefinition, type BackoffPolicy, type WmsProvider, type WmsStatus } from '../../lib/wms';
import { applyChannelChange, cancelAtWms, expectReturnAtWms, pullUpdates, pushOrder, readReturnUpdates, retryPending, retryWmsCalls, type PushResult, type WmsCallResult } from '../../lib/flows';
import { errorItem, InvalidItemError, itemParameter, orderFromItem, withoutRaw } from '../shared/items';
import { apiError } from '../shared/errors';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { cursorName, isWmsProvider, shipmentItems, splitOf, warehouseRefusal, WMS_LABEL, WMS_PROVIDERS, wmsCredentialTests, wmsProvider } from '../shared/wms';
import { subtitle } from '../shared/subtitle';
import { description, PROVIDER_OPTIONS } from './description';

export class Wms implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:wms.svg', dark: 'file:wms.dark.svg' },
		group: ['transform'],
		subtitle: subtitle('{operation}: {resource} ({provider})', {
			operation: { applyChannelChange: 'Apply Channel Change', cancel: 'Cancel', create: 'Create', get: 'Get', retryPending: 'Retry Pending', getUpdates: 'Get Updates', getLevels: 'Get Levels' },
			resource: { inventory: 'Inventory', order: 'Order', return: 'Return', shipment: 'Shipment' },
			provider: Object.fromEntries(PROVIDER_OPTIONS.map((o) => [o.value, o.name])),
		}),
		// Not offered to AI agents: it creates and cancels orders at the warehouse.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
		// one per provider of the registry (lib/wms/registry.ts; test/nodes/wms.registry.test.ts holds the two together),
		// written out so n8n's lint sees that each credential is tested by this node
		credentials: [
			{ name: 'omsShipBobApi', required: true, testedBy: 'shipBobApiTest', displayOptions: { show: { provider: ['shipbob'] } } },
			{ name: 'omsShipHeroApi', required: true, testedBy: 'shipHeroApiTest', displayOptions: { show: { provider: ['shiphero'] } } },
			{ name: 'omsExtensivApi', required: true, testedBy: 'extensivApiTest', displayOptions: { show: { provider: ['extensiv'] } } },
			{ name: 'omsGenericWmsApi', required: true, testedBy: 'genericWmsApiTest', displayOptions: { show: { provider: ['generic'] } } },
			{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' },
		],
	};

	methods = { credentialTest: wmsCredentialTests({ omsStoreConnectionTest }) };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const name = this.getNodeParameter('provider', 0) as string;
		if (!isWmsProvider(name)) throw new NodeOperationError(this.getNode(), `Unknown provider "${name}" (one of ${WMS_PROVIDERS.join(', ')})`);
		const opts = this.getNodeParameter('options', 0, {}) as IDataObject;
		const own = wmsProviderDefinition(name)?.node;
		let settings: Record<string, unknown> = {};
		try {
			if (own) settings = own.settingsFrom((field, fallback) => this.getNodeParameter(field, 0, fallback), resource, operation);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), (error as Error).message);
		}
		const { provider, credentialId } = await wmsProvider(this, name, settings, {
			retry: { maxAttempts: Number(opts.attempts ?? 3) },
			timeoutMs: Number(opts.timeoutMs ?? 30_000),
			rateLimit: opts.rateLimit !== false,
		});
		const store = await getStore(this);
		const cause = (op: string) => `${this.getNode().name} (${op})`;
		const backoff = {
			baseMs: Math.max(0, Number(opts.backoffBaseSeconds ?? 30)) * 1000,
			maxAttempts: Math.max(1, Math.floor(Number(opts.maxAttempts ?? 8))),
		};

		if (resource === 'order' && operation === 'create') return [await create.call(this, store, provider, items, cause('Create'), backoff)];
		if (resource === 'return' && operation === 'create') {
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < items.length; i++) {
				try {
					const raw = itemParameter(this, 'returnId', i, items);
					const returnId = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
					if (!returnId) throw new InvalidItemError('Return ID is empty: give the OMS return ID, e.g. shopify:123456');
					// a person's (or the template's) Create: a call refused or failed for good before is asked again
					const r = await expectReturnAtWms(store, provider, returnId, { cause: cause('Create Return'), backoff, again: true });
					if (r.outcome === 'refused') throw new Error(`Return ${returnId} was refused by ${WMS_LABEL[name]}: ${r.error}`);
					if (r.outcome === 'failed') throw new Error(`Return ${returnId} never reached ${WMS_LABEL[name]} (${r.call?.attempts ?? 0} attempts): ${r.error}`);
					out.push({ json: { returnId, omsId: r.omsId, provider: name, wmsReturn: { outcome: r.outcome, wmsReturnId: r.wmsReturnId, why: r.why ?? null, error: r.error, attempts: r.call?.attempts ?? 0, nextAttemptAt: r.call?.nextAttemptAt ?? null } }, pairedItem: { item: i } });
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			return [out];
		}
		if (resource === 'order' && operation === 'applyChannelChange') {
			// items: OMS Order > Apply Channel Change's At the WMS output (stored orders with channelChange)
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < items.length; i++) {
				try {
					const json = items[i].json;
					const recorded = (json.oms as IDataObject | undefined)?.changes;
					const changes = Array.isArray(recorded) ? (recorded as string[]) : undefined;
					const r = await applyChannelChange(store, json as never, { by: cause('Apply Channel Change'), changes, backoff, wms: (p) => (p === provider.name ? provider : undefined) });
					const stored = await store.getOrder(r.omsId);
					out.push({ json: { ...(withoutRaw(stored!.order, false) as unknown as IDataObject), oms: { status: r.status, hold: r.hold as unknown as IDataObject, channelChange: r as unknown as IDataObject }, provider: name }, pairedItem: { item: i } });
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			return [out];
		}
		if (resource === 'order' && (operation === 'cancel' || operation === 'get')) {
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < items.length; i++) {
				try {
					const omsId = String(this.getNodeParameter('omsId', i) ?? '').trim();
					if (!omsId) throw new InvalidItemError('OMS ID is empty: give the order’s OMS ID, e.g. shopify:450789469');
					if (operation === 'cancel') {
						// a person's Cancel: a cancel refused or failed for good before is asked again; one the WMS does not
						// answer now stays owed (the order held cancel owed) and is not an error: Retry Pending asks again
						const r = await cancelAtWms(store, provider, omsId, { cause: cause('Cancel'), again: true, backoff });
						const failed = r.references.filter((x) => x.outcome === 'not_cancelled' && x.error);
						if (failed.length) throw apiError(`${omsId}: the ${WMS_LABEL[name]} cancel failed for ${failed.map((x) => `${x.reference} (${x.error})`).join('; ')}`, failed.find((x) => x.failure)?.failure);
						const stored = await store.getOrder(omsId);
						out.push({ json: { ...(r as unknown as IDataObject), provider: name, oms: { status: stored?.status ?? null } }, pairedItem: { item: i } });
					} else {
						const keepRaw = this.getNodeParameter('keepRaw', i, false) as boolean;
						const shipmentNo = Number(this.getNodeParameter('shipmentNo', i, 1)) || 1;
						const reference = referenceFor(omsId, shipmentNo);
						const [state, stored] = await Promise.all([provider.getOrder(reference), store.getOrder(omsId)]);
						if (!state && !stored) throw new Error(`${omsId}: neither the OMS store nor ${WMS_LABEL[name]} has this order (reference ${reference})`);
						const json: IDataObject = stored ? { ...(withoutRaw(stored.order, keepRaw) as unknown as IDataObject) } : { omsId };
						json.oms = stored ? { status: stored.status, hold: stored.hold as unknown as IDataObject, version: stored.version } : null;
						json.wmsOrder = state ? ({ provider: name, found: true, ...state } as unknown as IDataObject) : { provider: name, found: false, reference };
						out.push({ json, pairedItem: { item: i } });
					}
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			return [out];
		}

		// the rest run once per execution (not per input item): they read the outbox, the feed or the stock
		const out: INodeExecutionData[] = [];
		const paired = { item: 0 };
		try {
			if (resource === 'order' && operation === 'retryPending') {
				const limit = Number(this.getNodeParameter('limit', 0, 100)) || 100;
				const s = await retryPending(store, (p) => (p === provider.name ? provider : undefined), {
					limit,
					backoff,
					cause: cause('Retry Pending'),
					// another WMS node's deliveries (another provider, or EDI 940s waiting for their 997) are not claimed
					only: [provider.name],
				});
				// deliveries of another provider (another WMS node's) are left pending for that node: not emitted
				for (const r of s.results) if (r.outcome !== 'queued') out.push({ json: resultJson(r, name), pairedItem: paired });
				// then the cancels and address updates owed to this WMS (the first attempt was made when they were owed)
				const calls = await retryWmsCalls(store, provider, { limit, backoff, cause: cause('Retry Pending') });
				for (const r of calls.results) out.push({ json: callJson(r, name), pairedItem: paired });
			} else if (resource === 'return' && operation === 'getUpdates') {
				const limit = Number(this.getNodeParameter('limit', 0, 100)) || 100;
				for (const u of await readReturnUpdates(store, provider, { limit })) {
					// news only: the warehouse has the units (and the OMS has not received them), processed them, or cancelled
					if (u.wms.status === 'expected' || (u.wms.status === 'arrived' && u.status === 'received')) continue;
					out.push({ json: { returnId: u.returnId, omsId: u.omsId, status: u.status, provider: name, wmsReturn: u.wms as unknown as IDataObject }, pairedItem: paired });
				}
			} else if (resource === 'shipment' && operation === 'getUpdates') {
				const r = await pullUpdates(store, provider, { cursorName: cursorName(name, credentialId), cause: cause('Get Updates') });
				for (const p of await shipmentItems(store, r.newShipments, name)) out.push({ json: p, pairedItem: paired });
			} else if (resource === 'inventory' && operation === 'getLevels') {
				for (const l of await provider.getInventoryLevels()) {
					out.push({ json: { sku: l.sku, location: l.location, onHand: l.onHand, available: l.available ?? l.onHand, provider: name }, pairedItem: paired });
				}
			} else {
				throw new NodeOperationError(this.getNode(), `Unknown operation ${resource} ${operation}`);
			}
		} catch (error) {
			out.push(errorItem(this, error, 0));
		}
		return [out];
	}
}

/** Order: Create. Outbox first (pushOrder); sent and pending on the main output, refused and failed as errors. */
async function create(
	this: IExecuteFunctions,
	store: Store,
	provider: WmsProvider,
	items: INodeExecutionData[],
	cause: string,
	backoff: BackoffPolicy,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const order = orderFromItem(items[i]);
			const keepRaw = this.getNodeParameter('keepRaw', i, false) as boolean;
			const useShipment = this.getNodeParameter('useShipmentFields', i, true) as boolean;
			const elsewhere = useShipment ? warehouseRefusal(items[i].json, provider.name) : null;
			if (elsewhere) throw new InvalidItemError(elsewhere);
			const split = useShipment ? splitOf(items[i].json, order) : {};
			const r = await pushOrder(store, provider, order, { ...split, cause, backoff });
			if (r.outcome === 'refused') throw new Error(`${order.omsId} was not sent to ${WMS_LABEL[provider.name]}: ${r.error}`);
			if (r.outcome === 'failed') throw apiError(`${order.omsId} failed at ${WMS_LABEL[provider.name]} (reference ${r.reference}): ${r.error}`, r.failure);
			const stored = await store.getOrder(order.omsId);
			const base = withoutRaw(stored?.order ?? order, keepRaw) as unknown as IDataObject;
			const prev = (base.wms ?? {}) as IDataObject;
			out.push({
				json: {
					...base,
					wms: { ...prev, ...resultJson(r, provider.name, (prev.references as Record<string, { status?: WmsStatus }> | undefined)?.[r.reference]?.status) },
					oms: { status: stored?.status ?? null },
				},
				pairedItem: { item: i },
			});
		} catch (error) {
			out.push(errorItem(this, error, i));
		}
	}
	return out;
}

/** The item's split shipment (Backorder Gate: shipmentNo + shipmentLines), as order lines with those quantities */
function deliveryJson(d: Delivery | null): IDataObject | null {
	if (!d) return null;
	return { id: d.id, status: d.status, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, lastError: d.lastError, shipmentNo: d.shipmentNo };
}

const SENT = new Set(['created', 'exists', 'already_sent']);

/** One WMS call's retry: { omsId, provider, reference, call (cancel / address_update), outcome, status, callId, ... } */
function callJson(r: WmsCallResult, provider: string): IDataObject {
	const c = r.call;
	return {
		omsId: r.omsId,
		provider,
		reference: r.reference,
		call: r.kind,
		outcome: r.outcome,
		status: c.status,
		callId: c.id,
		attempts: c.attempts,
		nextAttemptAt: c.nextAttemptAt,
		...(r.error ? { error: r.error } : {}),
	};
}

/** One push / retry outcome: { provider, reference, outcome, status, wmsOrderId, delivery } */
function resultJson(r: PushResult, provider: string, known?: WmsStatus): IDataObject {
	const sent = SENT.has(r.outcome);
	return {
		omsId: r.omsId,
		provider,
		reference: r.reference,
		outcome: r.outcome,
		status: sent ? (known ?? 'at_wms') : r.outcome === 'failed' ? 'failed' : 'pending',
		wmsOrderId: r.wmsOrderId ?? r.delivery?.wmsOrderId ?? null,
		delivery: deliveryJson(r.delivery),
		...(r.error ? { error: r.error } : {}),
	};
}
