/**
 * ChannelOutboxStore's rules, once for both stores: which call a new one is (the key), what enqueueing it does to
 * the one owed (a confirmation once per package; a quantity push superseding an older one, never a newer one), and
 * what an attempt leaves on it. The claims are single statements in each store's SQL (the same conditions as the
 * WMS outbox's, plus a `sending` call whose lease ran out, whose outcome is then unknown).
 */
import { refuseUnstorable, storableText } from '../../order/storable';
import { isoUtc } from '../rows';
import type { ChannelCall, ChannelEnqueueOutcome, NewChannelCall } from '../types';
import { row, type ChannelCallAttempt, type ChannelCallRow, type Steps } from './tx';

/** The unique key of a call within its channel and kind: [omsId, packageKey] as JSON, or the SKU. */
export function channelCallKey(call: { omsId: string; packageKey: string } | { sku: string }): string {
	return 'sku' in call ? call.sku : JSON.stringify([call.omsId, call.packageKey]);
}

/** The row of a new call; bad input is an error naming the field (nothing is written). */
export function channelCallRow(call: NewChannelCall): ChannelCallRow {
	const what =
		call.kind === 'quantity'
			? `quantity of ${String(call.sku)}`
			: call.kind === 'refund'
				? `refund of return ${String((call.payload as { returnId?: unknown } | null | undefined)?.returnId)}`
				: `${call.kind === 'acknowledgement' ? 'acknowledgement' : call.kind === 'cancel_answer' ? 'cancel answer' : 'confirmation'} of ${String(call.omsId)}`;
	if (typeof call.channel !== 'string' || !call.channel.trim()) throw new Error(`channel call (${what}): channel must be a non-empty string`);
	refuseUnstorable(`${what}: channel`, call.channel);
	if (call.kind === 'acknowledgement') {
		// owed once per order: the key is the order
		if (typeof call.omsId !== 'string' || !call.omsId.trim()) throw new Error(`channel call (${what}): omsId must be a non-empty string`);
		refuseUnstorable(`${what}: omsId`, call.omsId);
		const id = (call.payload as { channelOrderId?: unknown } | null | undefined)?.channelOrderId;
		if (typeof id !== 'string' || !id.trim()) throw new Error(`channel call (${what}): payload.channelOrderId must be a non-empty string`);
		refuseUnstorable(`${what}: channelOrderId`, id);
		return { channel: call.channel, kind: 'acknowledgement', key: call.omsId, omsId: call.omsId, packageKey: null, sku: null, quantity: null, basis: null, payload: JSON.stringify(call.payload) };
	}
	if (call.kind === 'cancel_answer') {
		// owed once per order: the key is the order
		if (typeof call.omsId !== 'string' || !call.omsId.trim()) throw new Error(`channel call (${what}): omsId must be a non-empty string`);
		refuseUnstorable(`${what}: omsId`, call.omsId);
		const p = (call.payload ?? {}) as Partial<Record<string, unknown>>;
		if (typeof p.channelOrderId !== 'string' || !p.channelOrderId.trim()) throw new Error(`channel call (${what}): payload.channelOrderId must be a non-empty string`);
		if (p.decision !== 'approve' && p.decision !== 'reject') throw new Error(`channel call (${what}): payload.decision must be approve or reject, got ${JSON.stringify(p.decision)}`);
		if (p.requestId !== null && (typeof p.requestId !== 'string' || !p.requestId.trim())) throw new Error(`channel call (${what}): payload.requestId must be a non-empty string or null`);
		for (const f of ['channelOrderId', 'requestId'] as const) if (typeof p[f] === 'string') refuseUnstorable(`${what}: ${f}`, p[f] as string);
		return { channel: call.channel, kind: 'cancel_answer', key: call.omsId, omsId: call.omsId, packageKey: null, sku: null, quantity: null, basis: null, payload: JSON.stringify(call.payload) };
	}
	if (call.kind === 'refund') {
		// owed once per return: the key is the return (the order may have several returns, each refunded once)
		if (typeof call.omsId !== 'string' || !call.omsId.trim()) throw new Error(`channel call (${what}): omsId must be a non-empty string`);
		refuseUnstorable(`${what}: omsId`, call.omsId);
		const p = (call.payload ?? {}) as Partial<Record<string, unknown>>;
		for (const f of ['returnId', 'channelOrderId', 'currency'] as const) {
			if (typeof p[f] !== 'string' || !(p[f] as string).trim()) throw new Error(`channel call (${what}): payload.${f} must be a non-empty string`);
			refuseUnstorable(`${what}: ${f}`, p[f] as string);
		}
		for (const f of ['totalMinor', 'shippingMinor', 'returnShippingFeeMinor'] as const) {
			if (!Number.isSafeInteger(p[f]) || (p[f] as number) < 0) throw new Error(`channel call (${what}): payload.${f} must be a whole number of minor units, 0 or more, got ${JSON.stringify(p[f])}`);
		}
		if (!Array.isArray(p.lines)) throw new Error(`channel call (${what}): payload.lines must be a list`);
		return { channel: call.channel, kind: 'refund', key: p.returnId as string, omsId: call.omsId, packageKey: null, sku: null, quantity: null, basis: null, payload: JSON.stringify(call.payload) };
	}
	if (call.kind === 'confirmation') {
		for (const [field, v] of [['omsId', call.omsId], ['packageKey', call.packageKey]] as const) {
			if (typeof v !== 'string' || !v.trim()) throw new Error(`channel call (${what}): ${field} must be a non-empty string`);
			refuseUnstorable(`${what}: ${field}`, v);
		}
		if (!call.payload || typeof call.payload !== 'object') throw new Error(`channel call (${what}): payload (what to confirm) is missing`);
		return {
			channel: call.channel,
			kind: 'confirmation',
			key: channelCallKey(call),
			omsId: call.omsId,
			packageKey: call.packageKey,
			sku: null,
			quantity: null,
			basis: null,
			payload: JSON.stringify(call.payload),
		};
	}
	if (call.kind !== 'quantity') throw new Error(`channel call: kind must be acknowledgement, confirmation, cancel_answer, refund or quantity, got ${JSON.stringify((call as { kind?: unknown }).kind)}`);
	if (typeof call.sku !== 'string' || !call.sku.trim()) throw new Error(`channel call (${what}): sku must be a non-empty string`);
	refuseUnstorable(`${what}: sku`, call.sku);
	if (!Number.isInteger(call.quantity) || call.quantity < 0) throw new Error(`channel call (${what}): quantity must be a whole number, 0 or more, got ${JSON.stringify(call.quantity)}`);
	const basis = call.basis ?? null;
	if (basis !== null && !Number.isSafeInteger(basis)) throw new Error(`channel call (${what}): basis must be a whole number, got ${JSON.stringify(basis)}`);
	return {
		channel: call.channel,
		kind: 'quantity',
		key: channelCallKey(call),
		omsId: null,
		packageKey: null,
		sku: call.sku,
		quantity: call.quantity,
		basis,
		payload: call.payload ? JSON.stringify(call.payload) : null,
	};
}

/**
 * What a quantity push does to the one stored for its SKU: an older basis is refused; the same quantity still owed
 * (pending or sending) is not queued twice; anything else supersedes it (a push after one sent or failed is a new push
 * to send: a resync sends what the channel may have lost).
 */
export function quantityDecision(stored: ChannelCall, incoming: ChannelCallRow): Exclude<ChannelEnqueueOutcome, 'created' | 'exists'> {
	if (incoming.basis !== null && stored.basis !== null && incoming.basis < stored.basis) return 'older';
	if (stored.quantity === incoming.quantity && (stored.status === 'pending' || stored.status === 'sending')) return 'unchanged';
	return 'superseded';
}

/** Queue calls, each once (see ChannelEnqueueOutcome). */
export function* enqueueChannelCallsSteps(calls: NewChannelCall[], now: string): Steps<Array<{ call: ChannelCall; outcome: ChannelEnqueueOutcome }>> {
	const rows = calls.map(channelCallRow);
	const out: Array<{ call: ChannelCall; outcome: ChannelEnqueueOutcome }> = [];
	for (const r of rows) {
		let stored = yield* row('lockChannelCallByKey', r.channel, r.kind, r.key);
		if (!stored) {
			const inserted = yield* row('insertChannelCall', r, now);
			if (inserted) {
				out.push({ call: inserted, outcome: 'created' });
				continue;
			}
			// a concurrent enqueue inserted it first (PostgreSQL waited for its commit): decide against that one
			stored = yield* row('lockChannelCallByKey', r.channel, r.kind, r.key);
			if (!stored) throw new Error(`channel call ${r.channel} ${r.kind} ${r.key}: neither inserted nor found`);
		}
		if (r.kind !== 'quantity') {
			// a confirmation, an acknowledgement, a cancel answer or a refund is owed once, whatever became of the first
			out.push({ call: stored, outcome: 'exists' });
			continue;
		}
		const outcome = quantityDecision(stored, r);
		out.push({ call: outcome === 'superseded' ? yield* row('supersedeChannelCall', stored.id, r, now) : stored, outcome });
	}
	return out;
}

/** The channel took the call. */
export function sentCall(reference: string | null): ChannelCallAttempt {
	return { status: 'sent', lastError: null, nextAttemptAt: null, outcomeUnknown: false, reference: reference === null ? null : storableText(reference) };
}

/** An attempt failed: pending again at `nextAttemptAt`, or failed for good when there is none. */
export function failedCall(error: string, nextAttemptAt: string | null, outcomeUnknown = false): ChannelCallAttempt {
	return nextAttemptAt
		? { status: 'pending', lastError: storableText(error), nextAttemptAt: isoUtc(nextAttemptAt), outcomeUnknown, reference: null }
		: { status: 'failed', lastError: storableText(error), nextAttemptAt: null, outcomeUnknown, reference: null };
}

/**
 * Record an attempt on the version that was sent. When a newer push superseded it meanwhile, the attempt says nothing
 * about what is owed now: only the lease is released, and the newer push stays pending. An unknown call is an error.
 */
export function* channelCallAttemptSteps(id: number, version: number, attempt: ChannelCallAttempt, now: string): Steps<ChannelCall> {
	const stored = yield* row('lockChannelCall', id);
	if (!stored) throw new Error(`No channel call ${id} in the OMS store`);
	if (stored.version !== version) return yield* row('releaseChannelCallLease', id, now);
	return yield* row('writeChannelCallAttempt', id, attempt, now);
}

/**
 * Send again a call that failed for good, once a person fixed the cause (Marketplace > Resend Failed): pending, due
 * now, its attempts counted afresh, and on its order's timeline (a confirmation of an order the store has) who asked
 * and why, in one transaction. Its last error stays until the next attempt, and so does an unknown outcome (the
 * resend then asks the channel first). Only a failed call moves: a second resend, or two people at once, queue nothing
 * twice (requeued false, the call as it is). An unknown id is an error.
 */
export function* requeueChannelCallSteps(id: number, who: { by: string; note: string | null }, now: string): Steps<{ call: ChannelCall; requeued: boolean }> {
	const stored = yield* row('lockChannelCall', id);
	if (!stored) throw new Error(`No channel call ${id} in the OMS store`);
	const call = stored.status === 'failed' ? yield* row('requeueChannelCall', id, now) : null;
	if (!call) return { call: stored, requeued: false };
	const order = call.kind !== 'quantity' && call.omsId ? yield* row('readOrder', call.omsId) : null;
	if (order) {
		yield* row('insertEvent', {
			omsId: order.order.omsId,
			at: now,
			type: 'channel',
			from: order.status,
			to: order.status,
			cause: who.by,
			detail: {
				channel: call.channel,
				call: call.kind,
				...(call.kind === 'confirmation' ? { packageKey: call.packageKey } : {}),
				outcome: 'resend',
				callId: call.id,
				...(who.note ? { note: who.note } : {}),
				failure: stored.lastError,
				attemptsBefore: stored.attempts,
			},
		});
	}
	return { call, requeued: true };
}

const CLAIM_RANK: Partial<Record<ChannelCall['kind'], number>> = { acknowledgement: 0, cancel_answer: 1, refund: 2, confirmation: 3 };

/** The order claims hand calls out in: acknowledgements first (Walmart may cancel an order left unacknowledged, and
 * ships nothing on a line still Created), then answers to buyers' cancel requests (the buyer waits for one), then
 * refunds (a customer who sent the units back waits for the money, and the channels time it: Amazon and eBay expect
 * the refund within two business days of receipt, and a refund is a single call per return, so it delays the many
 * confirmations behind it little), then confirmations (a late one costs the seller most), then quantities
 * lowest first (a SKU about to sell out is the one a stale quantity oversells), then oldest first. Both stores' claim
 * SQL orders by the same columns (kind, quantity, id). */
export function claimOrder(a: ChannelCall, b: ChannelCall): number {
	const k = (c: ChannelCall) => CLAIM_RANK[c.kind] ?? 4;
	return k(a) - k(b) || (a.quantity ?? 0) - (b.quantity ?? 0) || a.id - b.id;
}
