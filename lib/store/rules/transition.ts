/**
 * OrderStore.transition, once for both stores: a status move checked against the transition table
 * (lib/order/status.ts) inside the transaction, as a compare-and-set, together with its side effects (see
 * TransitionRequest in lib/store/types.ts for what each does and in which order).
 */
import { canTransition, TRANSITIONS, type OmsStatus, type TransitionCause } from '../../order/status';
import type { ReservedPart } from '../../stock/types';
import type { StatusChange, StoredOrder, StoredShipment, TransitionAnnotation, TransitionRequest, TransitionResult } from '../types';
import { fraudDecisionRecord, resolveReviewSteps } from './fraud';
import { annotateLockedSteps, lockOrderSteps, planStatus, writeStatusSteps } from './orders';
import { deliveryAttemptSteps, failedAttempt, recordShipmentSteps, sentAttempt } from './outbox';
import { commitShipmentSteps, releaseSteps } from './stock';
import { row, type Steps } from './tx';
import { wmsCallAttemptSteps } from './wms-calls';

const CAUSES = new Set<string>(TRANSITIONS.map((r) => r.cause));

/** A clear error for a request that cannot be applied as asked (nothing is written). */
export class TransitionRequestError extends Error {
	constructor(omsId: string, message: string) {
		super(`Transition of ${omsId}: ${message}`);
		this.name = 'TransitionRequestError';
	}
}

function checkRequest(omsId: string, t: TransitionRequest): void {
	if (t.to !== undefined && t.cause === undefined) throw new TransitionRequestError(omsId, `a move to ${t.to} needs its cause (a cause of lib/order/status.ts TRANSITIONS)`);
	if (t.cause !== undefined && !CAUSES.has(t.cause)) throw new TransitionRequestError(omsId, `unknown cause ${JSON.stringify(t.cause)}`);
	if (t.cause !== undefined && t.to === undefined) throw new TransitionRequestError(omsId, `cause ${t.cause} names a status move: give the status to move to`);
}

/** The status move, as far as the table and onlyFrom allow it: whether it moves, the hold after, or why not. */
function planMove(prev: StoredOrder, to: OmsStatus, cause: TransitionCause, t: Pick<TransitionRequest, 'onlyFrom' | 'hold'>): ReturnType<typeof planStatus> & { refused?: 'not_allowed' | 'only_from' } {
	if (t.onlyFrom && !t.onlyFrom.includes(prev.status)) return { move: false, hold: prev.hold, ...(prev.status === to ? {} : { refused: 'only_from' as const }) };
	if (!canTransition(prev.status, to, cause, prev.hold)) return { move: false, hold: prev.hold, ...(prev.status === to ? {} : { refused: 'not_allowed' as const }) };
	return planStatus(prev, to, t);
}

export function* transitionSteps(omsId: string, t: TransitionRequest, now: string, opts: { nameCause: boolean } = { nameCause: true }): Steps<TransitionResult> {
	checkRequest(omsId, t);
	const prev = yield* lockOrderSteps(omsId);
	let current = prev;
	const result: TransitionResult = { changed: false, from: prev.status, to: t.to ?? prev.status, stored: prev, released: [] };

	// 1. gates: a step already taken is not taken again, and nothing of it is written
	if (t.resolveReview) {
		const r = t.resolveReview;
		result.review = yield* resolveReviewSteps(omsId, r.decision, r.by, r.note ?? null, now);
		if (!result.review.resolved) return result;
	}
	if (t.enqueue) {
		const { sent, ...delivery } = t.enqueue;
		result.enqueued = yield* row('insertDelivery', { ...delivery, omsId }, now);
		if (!result.enqueued.created) return result;
		if (sent) result.enqueued.delivery = yield* deliveryAttemptSteps(result.enqueued.delivery.id, sentAttempt(sent.wmsOrderId), now);
	}
	if (t.wmsCall) {
		result.wmsCall = yield* wmsCallAttemptSteps(t.wmsCall.id, t.wmsCall.version, t.wmsCall.attempt, now);
		if (result.wmsCall.call.omsId !== omsId) throw new TransitionRequestError(omsId, `WMS call ${t.wmsCall.id} belongs to ${result.wmsCall.call.omsId}`);
		if (!result.wmsCall.recorded) return result;
	}

	// 2. evidence
	if (t.fraudDecision) result.fraud = yield* row('writeFraudDecision', fraudDecisionRecord(omsId, t.fraudDecision.fraud, t.fraudDecision.ruleSetVersion, now));
	if (t.delivery) {
		const attempt = 'sent' in t.delivery ? sentAttempt(t.delivery.sent.wmsOrderId) : failedAttempt(t.delivery.failed.error, t.delivery.failed.nextAttemptAt);
		result.delivery = yield* deliveryAttemptSteps(t.delivery.id, attempt, now);
		if (result.delivery.omsId !== omsId) throw new TransitionRequestError(omsId, `delivery ${t.delivery.id} belongs to ${result.delivery.omsId}`);
	}
	if (t.shipments) {
		const created: StoredShipment[] = [];
		const committed: ReservedPart[] = [];
		for (const s of t.shipments) {
			const rec = yield* recordShipmentSteps({ ...s, omsId }, now);
			if (rec.created) created.push(rec.shipment);
			const lines = s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
			committed.push(...(yield* commitShipmentSteps(omsId, s.packageKey, lines, t.by, now)).committed);
		}
		result.shipments = { created, committed };
	}
	if (t.events) for (const e of t.events) yield* row('insertEvent', { omsId, at: now, type: e.type, from: current.status, to: current.status, cause: t.by, detail: e.detail });
	if (t.annotate) current = yield* annotateAll(current, t.annotate.filter((a) => !a.afterStatus), t.by, now, result);

	// 3. the status move (compare-and-set against the table)
	if (t.to !== undefined) {
		const plan = planMove(current, t.to, t.cause!, t);
		if (plan.refused) result.refused = plan.refused;
		if (plan.move) {
			const detail = opts.nameCause ? { ...(t.detail ?? {}), transition: t.cause } : t.detail;
			yield* writeStatusSteps(current, t.to, plan.hold, { cause: t.by, detail }, now);
			current = { ...current, status: t.to, hold: plan.hold };
			result.changed = true;
		}
	}

	// 4. what being in `to` asks for
	if (t.release && (t.to === undefined || current.status === t.to)) {
		result.released = (yield* releaseSteps(omsId, t.release === true ? undefined : t.release, t.by, now)).released;
	}

	if (t.requeue?.length && result.changed) {
		result.requeued = [];
		for (const id of t.requeue) {
			const d = yield* row('requeueDelivery', id, now);
			if (!d) continue; // not failed (any more): nothing to queue again
			if (d.omsId !== omsId) throw new TransitionRequestError(omsId, `delivery ${id} belongs to ${d.omsId}`);
			result.requeued.push(d);
		}
	}

	// 5. annotations that follow the move
	if (t.annotate) yield* annotateAll(current, t.annotate.filter((a) => a.afterStatus), t.by, now, result);

	result.stored = (yield* row('readOrder', omsId))!;
	return result;
}

/** Each annotation on the order as it is (an update function sees the value the earlier ones left). */
function* annotateAll(stored: StoredOrder, entries: TransitionAnnotation[], by: string | undefined, now: string, soFar: TransitionResult): Steps<StoredOrder> {
	let current = stored;
	for (const a of entries) {
		const value = 'update' in a ? a.update(current.order[a.key], current, soFar) : a.value;
		if (value === undefined) continue;
		current = yield* annotateLockedSteps(current, a.key, value, { ...a.event, cause: by }, now);
	}
	return current;
}

/** setStatus: the operator's move (cause operator_status, allowed from and to any status), a compare-and-set with onlyFrom. */
export function* setStatusSteps(omsId: string, to: OmsStatus, change: StatusChange, now: string): Steps<TransitionResult> {
	return yield* transitionSteps(omsId, { to, cause: 'operator_status', by: change.cause, detail: change.detail, hold: change.hold, onlyFrom: change.onlyFrom }, now, { nameCause: false });
}
