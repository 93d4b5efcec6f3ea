/**
 * The WMS outbox's calls about orders a WMS already has (cancel, address update), once for both stores: which call a
 * new one is (its key: kind, order, shipment), what enqueueing it does to the one stored (a cancel is owed once; an
 * address update with another address is owed anew), and what an attempt leaves on it. The claim is one statement in
 * each store's SQL (the deliveries' conditions: pending, due, lease free).
 */
import { stableStringify } from '../../order/json';
import { refuseUnstorable, storableText } from '../../order/storable';
import { isoUtc } from '../rows';
import type { NewWmsCall, WmsCall, WmsCallAttempt, WmsCallEnqueueOutcome } from '../types';
import { row, type Steps, type WmsCallWrite } from './tx';

/** A new call checked: bad input is an error naming the field (nothing is written). */
export function checkWmsCall(c: NewWmsCall): NewWmsCall {
	const what = `WMS call (${String(c.kind)} of ${String(c.omsId)})`;
	if (c.kind !== 'cancel' && c.kind !== 'address_update' && c.kind !== 'return_create') throw new Error(`${what}: kind must be cancel, address_update or return_create, got ${JSON.stringify(c.kind)}`);
	for (const [field, v] of [['omsId', c.omsId], ['provider', c.provider], ['reference', c.reference]] as const) {
		if (typeof v !== 'string' || !v.trim()) throw new Error(`${what}: ${field} must be a non-empty string`);
		refuseUnstorable(`${what}: ${field}`, v);
	}
	if (!Number.isInteger(c.shipmentNo) || c.shipmentNo < 1) throw new Error(`${what}: shipmentNo must be a whole number from 1, got ${JSON.stringify(c.shipmentNo)}`);
	if (c.kind === 'address_update' && (!c.payload || typeof c.payload.shipTo !== 'object' || c.payload.shipTo === null)) throw new Error(`${what}: payload.shipTo (the new address) is missing`);
	if (c.kind === 'return_create' && (!c.payload || !Array.isArray(c.payload.lines) || !c.payload.lines.length)) throw new Error(`${what}: payload.lines (the units expected back) is missing`);
	return c;
}

/** Queue a call once (see WmsCallEnqueueOutcome). */
export function* enqueueWmsCallSteps(c: NewWmsCall, again: boolean, now: string): Steps<{ call: WmsCall; outcome: WmsCallEnqueueOutcome }> {
	checkWmsCall(c);
	const payload = c.payload ? stableStringify(c.payload) : null;
	if (c.kind === 'return_create') return yield* enqueueReturnCreateSteps(c, payload, again, now);
	let stored = yield* row('lockWmsCallByKey', c.kind, c.omsId, c.shipmentNo);
	if (!stored) {
		const inserted = yield* row('insertWmsCall', c, payload, now);
		if (inserted) return { call: inserted, outcome: 'created' };
		// a concurrent enqueue inserted it first (PostgreSQL waited for its commit): decide against that one
		stored = yield* row('lockWmsCallByKey', c.kind, c.omsId, c.shipmentNo);
		if (!stored) throw new Error(`WMS call ${c.kind} of ${c.omsId} #${c.shipmentNo}: neither inserted nor found`);
	}
	if (c.kind === 'address_update' && stableStringify(stored.payload) !== payload) return { call: yield* row('reoweWmsCall', stored.id, payload, now), outcome: 'superseded' };
	if (again && (stored.status === 'refused' || stored.status === 'failed')) return { call: yield* row('reoweWmsCall', stored.id, payload, now), outcome: 'requeued' };
	return { call: stored, outcome: 'exists' };
}

/**
 * A return told to a WMS is owed once per return (its reference, the OMS return id), whatever else is owed about the
 * order: the return's row is the order's first return_create slot (shipmentNo 1, 2, ..) holding this reference, or the
 * first free one. Asked again (`again`) only when refused or failed for good; its payload is the one first owed.
 */
function* enqueueReturnCreateSteps(c: NewWmsCall, payload: string | null, again: boolean, now: string): Steps<{ call: WmsCall; outcome: WmsCallEnqueueOutcome }> {
	for (let n = 1; n <= 1000; n++) {
		let stored = yield* row('lockWmsCallByKey', c.kind, c.omsId, n);
		if (!stored) {
			const inserted = yield* row('insertWmsCall', { ...c, shipmentNo: n }, payload, now);
			if (inserted) return { call: inserted, outcome: 'created' };
			// a concurrent enqueue took this slot first: it may be this very return
			stored = yield* row('lockWmsCallByKey', c.kind, c.omsId, n);
			if (!stored) throw new Error(`WMS call return_create of ${c.omsId} #${n}: neither inserted nor found`);
		}
		if (stored.reference !== c.reference) continue;
		if (again && (stored.status === 'refused' || stored.status === 'failed')) return { call: yield* row('reoweWmsCall', stored.id, stored.payload ? stableStringify(stored.payload) : payload, now), outcome: 'requeued' };
		return { call: stored, outcome: 'exists' };
	}
	throw new Error(`WMS call return_create of ${c.omsId}: the order has 1000 returns told to a WMS already`);
}

/** What an attempt writes: sent with the answer, refused with the WMS's words, pending again or failed for good. */
export function wmsCallWrite(a: WmsCallAttempt): WmsCallWrite {
	if ('sent' in a) return { status: 'sent', lastError: null, nextAttemptAt: null, answer: a.sent.answer ? JSON.stringify(a.sent.answer) : null };
	if ('refused' in a) return { status: 'refused', lastError: storableText(a.refused.error), nextAttemptAt: null, answer: a.refused.answer ? JSON.stringify(a.refused.answer) : null };
	const next = a.failed.nextAttemptAt;
	return { status: next ? 'pending' : 'failed', lastError: storableText(a.failed.error), nextAttemptAt: next ? isoUtc(next) : null, answer: null };
}

/**
 * Record an attempt on the version that was sent. When the call was owed anew meanwhile (a newer address), the attempt
 * says nothing about what is owed now: only the lease is released (recorded=false). An unknown call is an error.
 */
export function* wmsCallAttemptSteps(id: number, version: number, attempt: WmsCallAttempt, now: string): Steps<{ call: WmsCall; recorded: boolean }> {
	const stored = yield* row('lockWmsCall', id);
	if (!stored) throw new Error(`No WMS call ${id} in the OMS store`);
	if (stored.version !== version || stored.status !== 'pending') return { call: yield* row('releaseWmsCallLease', id, now), recorded: false };
	return { call: yield* row('writeWmsCallAttempt', id, wmsCallWrite(attempt), now), recorded: true };
}
