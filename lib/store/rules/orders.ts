/**
 * OrderStore's rules, once for both stores: recording a channel order (which version wins, what its status
 * becomes, what the timeline says), changing its status (compare-and-set), annotating it, adding an event.
 * Procedures run by the store inside one transaction (./tx.ts).
 */
import type { CanonicalOrder } from '../../order/types';
import { initialStatus, statusOnChannelUpdate } from '../../order/lifecycle';
import { cleanForStore } from '../../order/storable';
import { InvalidOrderError, unstorableIdentifiers } from '../../order/validate';
import { stableStringify } from '../../order/json';
import { compareVersions } from '../../order/versions';
import type { Hold, OmsStatus } from '../../order/status';
import { orderColumns, OrderNotFoundError } from '../rows';
import type { AnnotationKey, OmsEvent, RecordResult, StatusChange, StoredOrder } from '../types';
import { row, type NewEvent, type Steps } from './tx';
import { recordChargesSteps } from './ledger';

// ------------------------------------------------------------------ record

/** At most this many cleaned paths are named in a timeline event; the count says how many there were. */
const CLEANED_NAMED = 20;

/**
 * The order as both stores keep it (lib/order/storable.ts): an identifier holding NUL or an unpaired surrogate is
 * refused (InvalidOrderError, with the paths), free text and the raw payload are cleaned. `note` is what the
 * timeline event says about the cleaning (null when nothing was cleaned).
 */
export function storableOrder(order: CanonicalOrder): { order: CanonicalOrder; note: Record<string, unknown> | null } {
	const problems = unstorableIdentifiers(order);
	if (problems.length) throw new InvalidOrderError(problems, typeof order.omsId === 'string' ? order.omsId : null);
	const { value, cleaned } = cleanForStore(order);
	if (!cleaned.length) return { order, note: null };
	return {
		order: value,
		note: {
			count: cleaned.length,
			paths: cleaned.length > CLEANED_NAMED ? [...cleaned.slice(0, CLEANED_NAMED), `… and ${cleaned.length - CLEANED_NAMED} more`] : cleaned,
			why: 'NUL characters removed and unpaired UTF-16 surrogates replaced by U+FFFD: the store cannot keep them',
		},
	};
}

export type RecordPlan =
	| { kind: 'insert'; status: OmsStatus; hold: Hold | null; doc: CanonicalOrder }
	| { kind: 'duplicate'; reason: 'same_version' | 'older_version' }
	| {
			kind: 'update';
			doc: CanonicalOrder;
			changes: string[];
			statusChange: { status: OmsStatus; hold: Hold | null } | null;
	  };

const DOWNSTREAM_KEYS = ['fraud', 'allocation', 'wms'] as const;

/** Compare an incoming channel order with what is stored (if anything). */
export function planRecord(existing: StoredOrder | null, incoming: CanonicalOrder, now: string): RecordPlan {
	if (!existing) {
		const { status, hold } = initialStatus(incoming.readiness, now);
		return { kind: 'insert', status, hold, doc: incoming };
	}
	const newer = compareVersions(incoming, existing.order);
	if (newer === 0) return { kind: 'duplicate', reason: 'same_version' };
	if (newer < 0) return { kind: 'duplicate', reason: 'older_version' };

	// Downstream nodes add, never rewrite: a newer channel version keeps the OMS's own annotations.
	const doc: CanonicalOrder = { ...incoming };
	for (const key of DOWNSTREAM_KEYS) {
		if (existing.order[key] !== undefined && incoming[key] === undefined) {
			(doc as unknown as Record<string, unknown>)[key] = existing.order[key];
		}
	}
	const changes: string[] = [];
	const before = existing.order as unknown as Record<string, unknown>;
	const after = doc as unknown as Record<string, unknown>;
	const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
	for (const key of keys) {
		if (key === 'raw' || key === 'updatedAt') continue;
		if (stableStringify(before[key]) !== stableStringify(after[key])) changes.push(key);
	}
	changes.sort();
	const next = statusOnChannelUpdate(existing.status, existing.hold, incoming.readiness, now);
	return { kind: 'update', doc, changes, statusChange: next && { status: next.status, hold: next.hold } };
}

/** recordOrder: idempotent intake of a channel order (a duplicate or older version changes nothing). */
export function* recordSteps(input: CanonicalOrder, cause: string | undefined, now: string): Steps<RecordResult> {
	const { order, note } = storableOrder(input);
	const cols = orderColumns(order);
	const existing = yield* row('claimOrder', cols, now);
	const plan = planRecord(existing, order, now);
	if (plan.kind === 'duplicate') return { outcome: 'duplicate', stored: existing!, changes: [plan.reason], reason: plan.reason };
	const cleaned = note ? { cleaned: note } : {};
	if (plan.kind === 'insert') {
		yield* row('writeOrder', { isNew: true, cols, status: plan.status, hold: plan.hold, doc: plan.doc, now, shipped: plan.status === 'shipped' });
		yield* row('writeLines', order);
		yield* recordChargesSteps(order, true, now);
		yield* row('insertEvent', {
			omsId: order.omsId,
			at: now,
			type: 'recorded',
			from: null,
			to: plan.status,
			cause,
			detail: { channelStatus: order.channelStatus, readiness: order.readiness, ...(plan.hold ? { hold: plan.hold.reason } : {}), ...cleaned },
		});
		return { outcome: 'new', stored: (yield* row('readOrder', order.omsId))!, changes: [] };
	}
	const prev = existing!;
	const status = plan.statusChange?.status ?? prev.status;
	const hold = plan.statusChange ? plan.statusChange.hold : prev.hold;
	yield* row('writeOrder', { isNew: false, cols, status, hold, doc: plan.doc, now, shipped: status === 'shipped' });
	yield* row('writeLines', order);
	yield* recordChargesSteps(order, false, now);
	yield* row('insertEvent', {
		omsId: order.omsId,
		at: now,
		type: 'updated',
		from: prev.status,
		to: status,
		cause,
		detail: { changes: plan.changes, channelStatus: order.channelStatus, channelUpdatedAt: order.updatedAt, ...cleaned },
	});
	return { outcome: 'updated', stored: (yield* row('readOrder', order.omsId))!, changes: plan.changes };
}

// ------------------------------------------------------------------ status

/**
 * The status compare-and-set: whether the order moves, and its hold after. Refused (changed=false) when its status
 * is not one of `onlyFrom`, or when nothing would change (same status and hold).
 */
export function planStatus(prev: StoredOrder, to: OmsStatus, change: Pick<StatusChange, 'onlyFrom' | 'hold'>): { move: boolean; hold: Hold | null } {
	const hold = change.hold === undefined ? prev.hold : change.hold;
	if (change.onlyFrom && !change.onlyFrom.includes(prev.status)) return { move: false, hold: prev.hold };
	if (prev.status === to && stableStringify(hold) === stableStringify(prev.hold)) return { move: false, hold: prev.hold };
	return { move: true, hold };
}

/** The order row's status write and its timeline event (type status, the hold's reason in the detail). */
export function* writeStatusSteps(
	prev: StoredOrder,
	to: OmsStatus,
	hold: Hold | null,
	event: { cause: string | null | undefined; detail: Record<string, unknown> | undefined },
	now: string,
): Steps<void> {
	const omsId = prev.order.omsId;
	yield* row('setOrderStatus', omsId, to, hold, now, to === 'shipped');
	yield* row('insertEvent', { omsId, at: now, type: 'status', from: prev.status, to, cause: event.cause, detail: { ...(event.detail ?? {}), ...(hold ? { hold: hold.reason } : {}) } });
}

export function* lockOrderSteps(omsId: string): Steps<StoredOrder> {
	const stored = yield* row('lockOrder', omsId);
	if (!stored) throw new OrderNotFoundError(omsId);
	return stored;
}

// ------------------------------------------------------------------ annotations and events

export interface AnnotationEvent {
	type?: string;
	cause?: string;
	detail?: Record<string, unknown>;
}

/** The event an annotation writes: its key as the type, the value as the detail, unless the caller says otherwise. */
export function annotationEvent(
	stored: StoredOrder,
	key: AnnotationKey,
	value: unknown,
	event: AnnotationEvent,
	now: string,
): NewEvent {
	return { omsId: stored.order.omsId, at: now, type: event.type ?? key, from: stored.status, to: stored.status, cause: event.cause, detail: event.detail ?? { [key]: value as never } };
}

/** Merge one annotation into the stored order (locked by the caller) with its event; the order as it is now. */
export function* annotateLockedSteps(stored: StoredOrder, key: AnnotationKey, value: unknown, event: AnnotationEvent, now: string): Steps<StoredOrder> {
	const doc = { ...stored.order, [key]: cleanForStore(value).value } as CanonicalOrder;
	yield* row('setOrderDoc', stored.order.omsId, doc, now);
	yield* row('insertEvent', annotationEvent(stored, key, value, event, now));
	return { ...stored, order: doc };
}

export function* annotateSteps(omsId: string, key: AnnotationKey, value: unknown, event: AnnotationEvent, now: string): Steps<StoredOrder> {
	const prev = yield* lockOrderSteps(omsId);
	yield* annotateLockedSteps(prev, key, value, event, now);
	return (yield* row('readOrder', omsId))!;
}

export function* addEventSteps(omsId: string, type: string, opts: { cause?: string; detail?: Record<string, unknown> }, now: string): Steps<OmsEvent> {
	const prev = yield* row('readOrder', omsId);
	if (!prev) throw new OrderNotFoundError(omsId);
	const id = yield* row('insertEvent', { omsId, at: now, type, from: prev.status, to: prev.status, cause: opts.cause, detail: opts.detail });
	return yield* row('readEvent', id);
}
