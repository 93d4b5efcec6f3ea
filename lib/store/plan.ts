/**
 * The decisions both stores make, as pure functions over rows they have read inside their transaction.
 * The SQLite and PostgreSQL stores only do I/O around these, so the two can never disagree on a rule.
 */
import type { CanonicalOrder } from '../order/types';
import { initialStatus, statusOnChannelUpdate } from '../order/lifecycle';
import { cleanForStore } from '../order/storable';
import { InvalidOrderError, unstorableIdentifiers } from '../order/validate';
import { stableStringify } from '../order/json';
import { compareVersions } from '../order/versions';
import type { Hold, OmsStatus, StoredOrder } from './types';

export { stableStringify, compareVersions };

export function isoUtc(value: string | Date | number): string {
	const d = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(d.getTime())) throw new Error(`Not a valid timestamp: ${String(value)}`);
	return d.toISOString();
}

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
	const statusChange = statusOnChannelUpdate(existing.status, existing.hold, incoming.readiness, now);
	return { kind: 'update', doc, changes, statusChange };
}
