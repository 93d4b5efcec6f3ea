/**
 * ReturnStore's rules, once for both stores: recording a channel's return (which version wins, whether the order's
 * shipped units allow it, where its status starts or moves), a return's status move (compare-and-set against its
 * transition table, with its dispositions and refund), and the units returnable per order line. Procedures run by
 * the store inside one transaction (./tx.ts). The order is locked first, so two returns of one order recorded at
 * once are decided one after the other and never take the same unit twice.
 */
import { cleanForStore } from '../../order/storable';
import { stableStringify } from '../../order/json';
import { RETURN_CAUSES, RETURNING, canReturnTransition, type ReturnStatus } from '../../returns/status';
import type { CanonicalReturn, ReturnableLine, StoredReturn } from '../../returns/types';
import { returnableLines, returnUnitProblems, shippedUnits } from '../../returns/units';
import { InvalidReturnError, unstorableReturnIdentifiers, validateReturn } from '../../returns/validate';
import { compareReturnVersions } from '../../returns/versions';
import { returnColumns, ReturnNotFoundError } from '../rows';
import type { ReturnRecordResult, ReturnTransitionRequest, ReturnTransitionResult, StoredOrder } from '../types';
import { row, type Steps } from './tx';

/** A request that cannot be applied as asked (nothing is written). */
export class ReturnTransitionError extends Error {
	constructor(returnId: string, message: string) {
		super(`Transition of return ${returnId}: ${message}`);
		this.name = 'ReturnTransitionError';
	}
}

/** The return as the store keeps it: identifiers no store can keep are refused, free text cleaned. */
function storableReturn(ret: CanonicalReturn): CanonicalReturn {
	const problems = unstorableReturnIdentifiers(ret);
	if (problems.length) throw new InvalidReturnError(problems, typeof ret.returnId === 'string' ? ret.returnId : null);
	return cleanForStore(ret).value;
}

/** The order's lines: ordered, shipped (its packages), returned by its other returns, returnable. */
export function* returnableSteps(order: StoredOrder, exceptReturnId: string | null): Steps<ReturnableLine[]> {
	const packages = yield* row('readShipments', order.order.omsId);
	const shipped = shippedUnits(order.order, order.status, packages);
	const returned = new Map<string, number>();
	for (const r of yield* row('returnedUnits', order.order.omsId, RETURNING, exceptReturnId)) returned.set(r.lineId, r.units);
	return returnableLines(order.order, shipped, returned);
}

export function* returnableUnitsSteps(omsId: string): Steps<ReturnableLine[] | null> {
	const order = yield* row('readOrder', omsId);
	return order ? yield* returnableSteps(order, null) : null;
}

/** A newer channel version keeps what the OMS added: the refund, and each line's dispositions. */
function mergeOwn(incoming: CanonicalReturn, existing: CanonicalReturn): CanonicalReturn {
	const doc: CanonicalReturn = { ...incoming };
	if (incoming.refund === null && existing.refund !== null) doc.refund = existing.refund;
	const kept = new Map(existing.lines.map((l) => [l.lineId, l.dispositions]));
	doc.lines = incoming.lines.map((l) => (l.dispositions === undefined && kept.get(l.lineId) !== undefined ? { ...l, dispositions: kept.get(l.lineId) } : l));
	return doc;
}

function changedFields(before: CanonicalReturn, after: CanonicalReturn): string[] {
	const b = before as Record<string, unknown>;
	const a = after as Record<string, unknown>;
	const out: string[] = [];
	for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
		if (k === 'raw' || k === 'updatedAt') continue;
		if (stableStringify(b[k]) !== stableStringify(a[k])) out.push(k);
	}
	return out.sort();
}

/** recordReturn: idempotent intake of a channel return, refused (nothing written) when the order does not allow it. */
export function* recordReturnSteps(input: CanonicalReturn, cause: string | undefined, now: string): Steps<ReturnRecordResult> {
	const ret = storableReturn(input);
	const order = yield* row('lockOrder', ret.omsId);
	if (!order) {
		return {
			outcome: 'refused',
			stored: null,
			changes: [],
			reason: 'unknown_order',
			problems: [{ path: '$.omsId', message: `the OMS has no order ${JSON.stringify(ret.omsId)}: record the order first (a return is never guessed onto another order)` }],
		};
	}
	const existing = yield* row('lockReturn', ret.returnId);
	if (existing && existing.ret.omsId !== ret.omsId) {
		return {
			outcome: 'refused',
			stored: existing,
			changes: [],
			reason: 'other_order',
			problems: [{ path: '$.omsId', message: `return ${ret.returnId} is recorded for order ${JSON.stringify(existing.ret.omsId)}, not ${JSON.stringify(ret.omsId)}` }],
		};
	}
	if (existing) {
		const newer = compareReturnVersions(ret, existing.ret);
		if (newer === 0) return { outcome: 'duplicate', stored: existing, changes: ['same_version'], reason: 'same_version' };
		if (newer < 0) return { outcome: 'duplicate', stored: existing, changes: ['older_version'], reason: 'older_version' };
	}

	const doc = existing ? mergeOwn(ret, existing.ret) : ret;
	let status: ReturnStatus;
	if (!existing) status = ret.channelState;
	else if (ret.channelState !== existing.ret.channelState && canReturnTransition(existing.status, ret.channelState, 'channel_update')) status = ret.channelState;
	else status = existing.status;

	const lines = yield* returnableSteps(order, ret.returnId);
	if (RETURNING.includes(status)) {
		const problems = returnUnitProblems(doc, lines);
		if (problems.length) return { outcome: 'refused', stored: existing, changes: [], reason: 'units', problems, lines };
	}

	const cols = returnColumns(doc);
	yield* row('writeReturn', { isNew: !existing, cols, status, doc, now });
	yield* row('writeReturnLines', doc);
	const units = cols.units;
	if (!existing) {
		yield* row('insertReturnEvent', { returnId: ret.returnId, at: now, type: 'recorded', from: null, to: status, cause, detail: { channelStatus: ret.channelStatus, channelState: ret.channelState, units } });
		yield* row('insertEvent', { omsId: ret.omsId, at: now, type: 'return', from: null, to: null, cause, detail: { returnId: ret.returnId, status, units } });
		return { outcome: 'new', stored: (yield* row('readReturn', ret.returnId))!, changes: [], lines };
	}
	const changes = changedFields(existing.ret, doc);
	yield* row('insertReturnEvent', { returnId: ret.returnId, at: now, type: 'updated', from: existing.status, to: status, cause, detail: { changes, channelStatus: ret.channelStatus, channelUpdatedAt: ret.updatedAt } });
	if (status !== existing.status) {
		yield* row('insertReturnEvent', { returnId: ret.returnId, at: now, type: 'status', from: existing.status, to: status, cause, detail: { transition: 'channel_update' } });
		yield* row('insertEvent', { omsId: ret.omsId, at: now, type: 'return', from: null, to: null, cause, detail: { returnId: ret.returnId, status, transition: 'channel_update' } });
	}
	return { outcome: 'updated', stored: (yield* row('readReturn', ret.returnId))!, changes, lines };
}

/** The dispositions and refund a transition writes, on the stored document (checked whole: validateReturn). */
function applyRequest(returnId: string, prev: CanonicalReturn, req: ReturnTransitionRequest): CanonicalReturn | null {
	if (!req.dispositions && !req.refund && !req.shipment) return null;
	let doc: CanonicalReturn = { ...prev };
	if (req.dispositions) {
		const byLine = new Map(req.dispositions.map((d) => [d.lineId, d.dispositions]));
		for (const lineId of byLine.keys()) {
			if (!prev.lines.some((l) => l.lineId === lineId)) throw new ReturnTransitionError(returnId, `dispositions name order line ${JSON.stringify(lineId)}, which the return does not have`);
		}
		doc.lines = prev.lines.map((l) => (byLine.has(l.lineId) ? { ...l, dispositions: byLine.get(l.lineId) } : l));
	}
	if (req.refund) doc.refund = req.refund;
	if (req.shipment) doc.shipment = req.shipment;
	doc = cleanForStore(doc).value;
	const problems = validateReturn(doc);
	if (problems.length) throw new InvalidReturnError(problems, returnId);
	return doc;
}

/** transitionReturn: the move as the table allows it (compare-and-set), with what it records, in one transaction. */
export function* transitionReturnSteps(returnId: string, req: ReturnTransitionRequest, now: string): Steps<ReturnTransitionResult> {
	if ((req.to === undefined) !== (req.cause === undefined)) throw new ReturnTransitionError(returnId, req.to === undefined ? `cause ${req.cause} names a status move: give the status to move to` : `a move to ${req.to} needs its cause`);
	if (req.cause !== undefined && !RETURN_CAUSES.has(req.cause)) throw new ReturnTransitionError(returnId, `unknown cause ${JSON.stringify(req.cause)} (a cause of lib/returns/status.ts RETURN_TRANSITIONS)`);
	const prev = yield* row('lockReturn', returnId);
	if (!prev) throw new ReturnNotFoundError(returnId);
	const to = req.to ?? prev.status;
	const result: ReturnTransitionResult = { changed: false, from: prev.status, to, stored: prev };
	const stays = prev.status === to;
	if (req.onlyFrom && !req.onlyFrom.includes(prev.status)) {
		if (!stays || req.to === undefined) result.refused = 'only_from';
		return result;
	}
	if (!stays && !canReturnTransition(prev.status, to, req.cause!)) {
		result.refused = 'not_allowed';
		return result;
	}
	const doc = applyRequest(returnId, prev.ret, req);
	if (!doc && stays) return result;
	const next: StoredReturn = { ...prev, ret: doc ?? prev.ret, status: to };
	yield* row('writeReturn', { isNew: false, cols: returnColumns(next.ret), status: to, doc: next.ret, now });
	if (req.dispositions) {
		yield* row('insertReturnEvent', { returnId, at: now, type: 'dispositions', from: prev.status, to: prev.status, cause: req.by, detail: { lines: req.dispositions } });
	}
	if (req.refund) {
		yield* row('insertReturnEvent', { returnId, at: now, type: 'refund', from: prev.status, to: prev.status, cause: req.by, detail: { refund: req.refund } });
	}
	if (!stays) {
		yield* row('insertReturnEvent', { returnId, at: now, type: 'status', from: prev.status, to, cause: req.by, detail: { ...(req.detail ?? {}), transition: req.cause } });
		yield* row('insertEvent', { omsId: prev.ret.omsId, at: now, type: 'return', from: null, to: null, cause: req.by, detail: { returnId, status: to, transition: req.cause } });
		result.changed = true;
	}
	result.stored = (yield* row('readReturn', returnId))!;
	return result;
}
