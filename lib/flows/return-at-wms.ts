/**
 * The warehouse's side of a return (issue 21), n8n-free:
 *
 * 1. expectReturnAtWms: a return authorised (or in transit) is told to the WMS that shipped its order (ShipBob return
 *    order, ShipHero RMA), through the WMS outbox's calls (kind return_create, lib/flows/wms-calls.ts): owed once per
 *    return, asked at once, asked again by WMS > Retry Pending while the WMS does not answer, failed for good (or
 *    refused) in the Attention queue. The provider finds a return it already has by its reference (the OMS return id),
 *    so a lost answer never makes a second one. A provider without a returns API (Generic REST, Extensiv 3PL Warehouse
 *    Manager) is owed nothing: the outcome says so.
 * 2. readReturnUpdates: the WMS's word on the returns told to it that the OMS still waits for (authorised, in transit,
 *    received): status, units received per SKU and their dispositions.
 * 3. applyWarehouseReceipt: one return moved by that word: arrived -> receiveReturn; completed (processed) ->
 *    received and inspected with the warehouse's dispositions, and its restock units restocked once
 *    (restock-return.ts), so the refund follows as for the hand form. More units received than the return authorised,
 *    a SKU it does not have, or (once processed) fewer units than authorised, is held for a person, never guessed.
 */
import { stableStringify } from '../order/json';
import { ReturnTransitionError } from '../store/rules/returns';
import type { ReturnRules } from '../returns/rules';
import type { ReturnStatus } from '../returns/status';
import type { StoredReturn } from '../returns/types';
import type { Store, WmsCall } from '../store/types';
import type { ExpectedReturn, WmsProvider, WmsReturnState } from '../wms/types';
import { ItemError } from './item-error';
import { inspectReturn, receiveReturn, type ReturnStepResult } from './move-return';
import { restockReturn, type RestockOutcome } from './restock-return';
import { dispositionsFor, type SkuDisposition } from './return-by-hand';
import { sendWmsCallsNow, type WmsCallOptions, type WmsCallOutcome } from './wms-calls';

/** Where a return waits for the warehouse: told to it, units not all processed yet */
const AWAITED: readonly ReturnStatus[] = ['authorised', 'in_transit', 'received'];
/** Where a return may be told to the warehouse */
const TELLABLE: readonly ReturnStatus[] = ['authorised', 'in_transit'];

export type ReturnAtWmsOutcome = WmsCallOutcome | 'not_supported' | 'not_at_wms' | 'not_authorised';

export interface ReturnAtWmsResult {
	returnId: string;
	omsId: string;
	/** sent (the WMS has it, now or before), refused, retry_scheduled (owed: Retry Pending asks again), failed (for
	 * good: Attention queue); not_supported (this WMS has no returns API: nothing owed); not_at_wms (no part of the
	 * order was sent to this WMS); not_authorised (the return is not authorised or in transit: nothing owed yet) */
	outcome: ReturnAtWmsOutcome;
	/** The outbox's call (null: none owed) */
	call: WmsCall | null;
	/** The WMS's id of the return, once it has it */
	wmsReturnId: string | null;
	/** The WMS's words (a refusal, the failure) or why nothing is owed */
	error: string | null;
	why?: string;
}

function resultOf(stored: StoredReturn, call: WmsCall | null, outcome: ReturnAtWmsOutcome, error: string | null, why?: string): ReturnAtWmsResult {
	const id = call?.answer?.wmsReturnId;
	return { returnId: stored.ret.returnId, omsId: stored.ret.omsId, outcome, call, wmsReturnId: typeof id === 'string' ? id : null, error, ...(why ? { why } : {}) };
}

/** The order's first part sent to this provider (its reference and id there), or null */
async function deliveryAt(store: Store, omsId: string, provider: string) {
	for (let n = 1; ; n++) {
		const d = await store.getDelivery(omsId, n);
		if (!d) return null;
		if (d.provider === provider && d.status === 'sent') return d;
	}
}

/**
 * Tell the WMS a return is coming (see the file's comment). `again`: a call refused or failed for good is owed anew
 * (a person asking again). A return the WMS has already is `sent` and not asked again.
 */
export async function expectReturnAtWms(store: Store, provider: WmsProvider, returnId: string, opts: WmsCallOptions & { again?: boolean } = {}): Promise<ReturnAtWmsResult> {
	const stored = await store.getReturn(returnId);
	if (!stored) throw new ItemError(`No return ${returnId} in the OMS store: record it first`, [{ path: 'returnId', message: 'unknown return' }]);
	const omsId = stored.ret.omsId;
	const owed = (await store.listWmsCalls({ omsId, kind: 'return_create', provider: provider.name })).find((c) => c.reference === returnId) ?? null;
	if (typeof provider.createReturn !== 'function')
		return resultOf(stored, null, 'not_supported', null, `${provider.name} has no returns API the OMS can call: nothing is owed (the warehouse learns of the return from its label or a person; receive it with OMS Returns > Receive)`);
	if (!owed && !TELLABLE.includes(stored.status)) return resultOf(stored, null, 'not_authorised', null, `the return is ${stored.status}: only an authorised return (or one in transit) is told to the warehouse`);
	const delivery = await deliveryAt(store, omsId, provider.name);
	if (!delivery) return resultOf(stored, owed, 'not_at_wms', null, `no part of order ${omsId} was sent to ${provider.name}: the return is not told to it`);
	const order = await store.getOrder(omsId);
	const payload: ExpectedReturn = {
		reference: returnId,
		omsId,
		orderReference: delivery.reference,
		wmsOrderId: delivery.wmsOrderId,
		lines: stored.ret.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })),
		carrier: stored.ret.shipment?.carrier ?? null,
		trackingNumber: stored.ret.shipment?.trackingNumber ?? null,
		reason: stored.ret.lines[0]?.reason ?? 'unknown',
		from: order?.order.shipTo ?? null,
	};
	const { call } = await store.enqueueWmsCall(
		{ kind: 'return_create', omsId, shipmentNo: 1, provider: provider.name, reference: returnId, wmsOrderId: delivery.wmsOrderId, payload: payload as unknown as Record<string, unknown> },
		{ again: opts.again },
	);
	if (call.status !== 'pending') return resultOf(stored, call, call.status, call.lastError);
	const [sent] = await sendWmsCallsNow(store, provider, [call.id], opts);
	// another run holds the call's lease: it is being asked now
	if (!sent) return resultOf(stored, (await store.getWmsCall(call.id)) ?? call, 'retry_scheduled', null, 'another run is asking the WMS now');
	return resultOf(stored, sent.call, sent.outcome, sent.error);
}

export interface ReturnUpdate {
	returnId: string;
	omsId: string;
	/** The OMS's status of the return when read */
	status: ReturnStatus;
	/** What the WMS says of it */
	wms: WmsReturnState;
}

/**
 * The WMS's word on the returns told to it that the OMS still waits for (authorised, in transit or received: the
 * longest unchanged first, at most `limit`). Returns the WMS no longer has are left out.
 */
export async function readReturnUpdates(store: Store, provider: WmsProvider, opts: { limit?: number } = {}): Promise<ReturnUpdate[]> {
	if (typeof provider.getReturns !== 'function') return [];
	// only those told to this provider: returns of other WMSs (or of none) never crowd them out of the limit
	const waiting = await store.listReturnsByStatus(AWAITED, { limit: opts.limit ?? 500, toldTo: provider.name });
	const refs: Array<{ stored: StoredReturn; reference: string; wmsReturnId: string; lineKeys?: Record<string, string> }> = [];
	const callsOf = new Map<string, WmsCall[]>();
	for (const stored of waiting) {
		const omsId = stored.ret.omsId;
		if (!callsOf.has(omsId)) callsOf.set(omsId, await store.listWmsCalls({ omsId, kind: 'return_create', provider: provider.name, status: ['sent'] }));
		const call = callsOf.get(omsId)!.find((c) => c.reference === stored.ret.returnId);
		const id = call?.answer?.wmsReturnId;
		if (typeof id !== 'string' || !id) continue;
		const keys = call!.answer!.lineKeys;
		refs.push({ stored, reference: stored.ret.returnId, wmsReturnId: id, ...(keys && typeof keys === 'object' ? { lineKeys: keys as Record<string, string> } : {}) });
	}
	if (!refs.length) return [];
	const states = await provider.getReturns(refs);
	const byId = new Map(states.map((s) => [s.wmsReturnId, s]));
	const out: ReturnUpdate[] = [];
	for (const r of refs) {
		const wms = byId.get(r.wmsReturnId);
		if (wms) out.push({ returnId: r.reference, omsId: r.stored.ret.omsId, status: r.stored.status, wms: { ...wms, reference: r.reference } });
	}
	return out;
}

export type WarehouseReceiptOutcome = 'moved' | 'held' | 'unchanged' | 'waiting';

export interface WarehouseReceiptResult {
	returnId: string;
	/** moved (received, or received and inspected); held (for a person: `why`, once per word of the warehouse);
	 * unchanged (the return is there already, or past it, or was held before for the same word); waiting (the
	 * warehouse has not received the units yet) */
	outcome: WarehouseReceiptOutcome;
	why: string | null;
	stored: StoredReturn;
	/** The steps taken, in order (receive, inspect) */
	steps: ReturnStepResult[];
	restock: RestockOutcome | null;
}

const WMS_RETURN_STATUSES = ['expected', 'arrived', 'completed', 'cancelled'];

/**
 * The warehouse's word on a return as an item carries it (WMS > Return > Get Updates' `wmsReturn`), checked: anything
 * else is that item's error, naming the field.
 */
export function warehouseReceiptOf(value: unknown, returnId: string): WmsReturnState {
	const problems: Array<{ path: string; message: string }> = [];
	const v = (value && typeof value === 'object' ? value : null) as Record<string, unknown> | null;
	if (!v) throw new ItemError(`Return ${returnId}: the item has no wmsReturn (the warehouse's word, from WMS > Return > Get Updates)`, [{ path: 'wmsReturn', message: 'is missing' }]);
	if (!WMS_RETURN_STATUSES.includes(String(v.status))) problems.push({ path: 'wmsReturn.status', message: `must be one of ${WMS_RETURN_STATUSES.join(', ')}, got ${JSON.stringify(v.status)}` });
	if (!Array.isArray(v.lines)) problems.push({ path: 'wmsReturn.lines', message: 'must be a list of { sku, expected, received, restock, quarantine, dispose }' });
	const lines: WmsReturnState['lines'] = [];
	(Array.isArray(v.lines) ? v.lines : []).forEach((l: unknown, i: number) => {
		const line = (l && typeof l === 'object' ? l : {}) as Record<string, unknown>;
		if (typeof line.sku !== 'string' || !line.sku) problems.push({ path: `wmsReturn.lines[${i}].sku`, message: 'must be a SKU' });
		const count = (k: string) => {
			const n = line[k] ?? 0;
			if (!Number.isInteger(n) || (n as number) < 0) problems.push({ path: `wmsReturn.lines[${i}].${k}`, message: `must be a whole number of units, got ${JSON.stringify(line[k])}` });
			return Number(n) || 0;
		};
		lines.push({ sku: String(line.sku ?? ''), expected: count('expected'), received: count('received'), restock: count('restock'), quarantine: count('quarantine'), dispose: count('dispose') });
	});
	if (problems.length) throw new ItemError(`Return ${returnId}: the warehouse's word cannot be read\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`, problems);
	const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : null);
	return {
		reference: text('reference') ?? returnId,
		wmsReturnId: text('wmsReturnId') ?? '',
		status: v.status as WmsReturnState['status'],
		rawStatus: text('rawStatus') ?? String(v.status),
		lines,
		arrivedAt: text('arrivedAt'),
		updatedAt: text('updatedAt') ?? new Date().toISOString(),
	};
}

/** What the warehouse's counts say is wrong with them for this return (null: they fit) */
function misfit(stored: StoredReturn, wms: WmsReturnState): string | null {
	const authorised = new Map<string, number>();
	for (const l of stored.ret.lines) authorised.set(l.sku, (authorised.get(l.sku) ?? 0) + l.quantity);
	const problems: string[] = [];
	const received = new Map<string, number>();
	for (const l of wms.lines) {
		received.set(l.sku, (received.get(l.sku) ?? 0) + l.received);
		if (l.received <= 0) continue;
		const may = authorised.get(l.sku);
		if (may === undefined) problems.push(`${l.received} unit(s) of ${l.sku}, which the return does not have`);
		else if (l.received > may) problems.push(`${l.received} unit(s) of ${l.sku}, ${may} authorised`);
		if (l.restock + l.quarantine + l.dispose > l.received) problems.push(`${l.sku}: more units disposed than received`);
	}
	// processed with fewer units than authorised: the refund and the return's lines are for units that never came
	if (wms.status === 'completed')
		for (const [sku, may] of authorised) if ((received.get(sku) ?? 0) < may) problems.push(`only ${received.get(sku) ?? 0} of the ${may} unit(s) of ${sku} authorised`);
	return problems.length ? `the warehouse received ${problems.join('; ')}: held for a person (count at the warehouse, then receive or inspect by hand)` : null;
}

/**
 * Move one return by the warehouse's word (see the file's comment). `rules` are the Returns node's (when the refund is
 * due); `location` where restocked units go on hand (default: the store's).
 */
export async function applyWarehouseReceipt(
	store: Store,
	returnId: string,
	wms: WmsReturnState,
	opts: { rules: ReturnRules; by: string; location?: string; now?: string },
): Promise<WarehouseReceiptResult> {
	let stored = await store.getReturn(returnId);
	if (!stored) throw new ItemError(`No return ${returnId} in the OMS store`, [{ path: 'returnId', message: 'unknown return' }]);
	const base = { returnId, steps: [] as ReturnStepResult[], restock: null };
	if (wms.status === 'expected') return { ...base, outcome: 'waiting', why: `the warehouse has not received it yet (${wms.rawStatus})`, stored };
	const wrong =
		wms.status === 'cancelled' ? `the warehouse cancelled its return ${wms.wmsReturnId} (${wms.rawStatus}): a person decides (cancel the return in the OMS, or tell the warehouse again)` : misfit(stored, wms);
	if (wrong) {
		// held once per word of the warehouse: the same word read again (every poll) is no news for the person told
		const name = `wms-return-held:${returnId}`;
		const word = stableStringify({ status: wms.status, rawStatus: wms.rawStatus, lines: wms.lines });
		if ((await store.getCursor(name)) === word) return { ...base, outcome: 'unchanged', why: `held before, for the same word of the warehouse: ${wrong}`, stored };
		await store.setCursor(name, word);
		return { ...base, outcome: 'held', why: wrong, stored };
	}
	const steps: ReturnStepResult[] = [];
	const by = opts.by;
	const done = wms.status === 'completed';
	let dispositions: ReturnType<typeof dispositionsFor> = undefined;
	if (done) {
		const perSku: SkuDisposition[] = [];
		for (const l of wms.lines)
			for (const [disposition, quantity] of [['restock', l.restock], ['quarantine', l.quarantine], ['dispose', l.dispose]] as const) if (quantity > 0) perSku.push({ sku: l.sku, disposition, quantity });
		try {
			dispositions = dispositionsFor(stored.ret, 'atInspection', perSku, []);
		} catch (error) {
			if (error instanceof ItemError) return { ...base, outcome: 'held', why: `the warehouse's dispositions do not fit the return: ${error.message}`, stored };
			throw error;
		}
	}
	if (stored.status === 'authorised' || stored.status === 'in_transit') {
		const r = await receiveReturn(store, returnId, { rules: opts.rules, by, ...(dispositions ? { dispositions } : {}) });
		steps.push(r);
		stored = r.stored;
	}
	if (done && stored.status === 'received') {
		if (!dispositions) return { ...base, steps, outcome: steps.some((s) => s.outcome === 'moved') ? 'moved' : 'held', why: 'the warehouse processed the return but reported no units received: held for a person', stored };
		try {
			const r = await inspectReturn(store, returnId, { rules: opts.rules, by, dispositions });
			steps.push(r);
			stored = r.stored;
		} catch (error) {
			if (error instanceof ReturnTransitionError) return { ...base, steps, outcome: 'held', why: `the warehouse's dispositions were refused: ${error.message}`, stored };
			throw error;
		}
	}
	// restock once: after the moves, or again on a repeat (a restock a run cut short did not finish)
	const restock = done ? await restockReturn(store, stored, { receivedAt: wms.arrivedAt ?? wms.updatedAt, location: opts.location, by }) : null;
	const moved = steps.some((s) => s.outcome === 'moved') || (restock?.restocked.length ?? 0) > 0;
	const refused = steps.find((s) => s.outcome === 'not_allowed' || s.outcome === 'held');
	if (!moved && refused) return { returnId, outcome: 'held', why: refused.why ?? null, stored, steps, restock };
	return { returnId, outcome: moved ? 'moved' : 'unchanged', why: null, stored, steps, restock };
}
