/**
 * StockStore's rules, once for both stores: stock levels from a feed, releasing and committing reserved units
 * (a shipment once per package), and what a bundle's redefinition does to published quantities. The reservation
 * plan itself is lib/stock/reservation.ts (below the store); the stores run it inside their own batches.
 */
import { DEFAULT_LOCATION, locationOf, type BundleComponent, type ReservedPart, type StockChange, type StockLevelInput } from '../../stock/types';
import type { PendingRestock } from '../types';
import { planConsume } from '../../stock/reservation';
import { refuseUnstorable } from '../../order/storable';
import { row, type Steps, type StockTake } from './tx';

/** A stock cell's key in maps (sku and location cannot hold NUL: the store refuses such keys) */
export function cellKey(sku: string, location: string): string {
	return `${sku}\u0000${location}`;
}

/** One on-hand write a stock feed asks for. */
export interface StockLevelWrite {
	sku: string;
	location: string;
	onHand: number;
	/** the cell has no row yet */
	isNew: boolean;
}

/**
 * A stock feed: each cell's on hand set to the feed's (a feed naming a cell twice counts once, with its last
 * value). Idempotent: a cell whose on hand is unchanged is neither written nor reported. Changes in feed order.
 *
 * (This runs for every level of a 50,000-SKU feed, most of them unchanged: the store reads each level's cell as it
 * comes, and only the levels whose value differs from their cell's are looked at again, for a later level of the
 * same cell, whose value is the one that counts.)
 */
export function* stockLevelsSteps(counted: StockLevelInput[], now: string): Steps<StockChange[]> {
	if (!counted.length) return [];
	for (let i = 0; i < counted.length; i++) {
		refuseUnstorable(`stock level ${i}: sku`, counted[i].sku);
		refuseUnstorable(`stock level ${i} (${counted[i].sku}): location`, counted[i].location);
		const at = counted[i].countedAt;
		if (at !== undefined && Number.isNaN(Date.parse(at))) throw new Error(`stock level ${i} (${counted[i].sku}): countedAt is not a date-time: ${JSON.stringify(at)}`);
	}
	const before = yield* row('lockOnHand', counted);
	// restock once: returned units restocked after the count stay on top of it; those before it are in it (./restock.ts, countWithRestocks)
	const { levels, absorbed } = countWithRestocks(counted, yield* row('pendingRestocks'), now);
	if (absorbed.length) yield* row('absorbRestocks', absorbed, now);
	const differs: number[] = [];
	for (let i = 0; i < levels.length; i++) if (before[i] !== levels[i].onHand) differs.push(i);
	if (!differs.length) return [];
	// the last level of each cell that differs somewhere in the feed
	const skus = new Set<string>();
	for (const i of differs) skus.add(levels[i].sku);
	const last = new Map<string, number>();
	for (let i = 0; i < levels.length; i++) if (skus.has(levels[i].sku)) last.set(cellKey(levels[i].sku, locationOf(levels[i])), i);
	const writes: StockLevelWrite[] = [];
	const changes: StockChange[] = [];
	for (const i of differs) {
		const sku = levels[i].sku;
		const location = locationOf(levels[i]);
		const key = cellKey(sku, location);
		const at = last.get(key);
		if (at === undefined) continue; // written already (an earlier level of the same cell)
		last.delete(key);
		const onHand = levels[at].onHand;
		const was = before[i];
		if (was === onHand) continue;
		writes.push({ sku, location, onHand, isNew: was === undefined });
		changes.push({ sku, location, before: was ?? null, after: onHand });
	}
	if (writes.length) yield* row('writeStockLevels', writes, now);
	return changes;
}

/** Active units of the order's reservation document go to released or committed (oldest part first). */
function* consumeSteps(omsId: string, lines: Array<{ sku: string; quantity: number }> | undefined, to: 'released' | 'committed', now: string): Steps<ReservedPart[]> {
	const parts = yield* row('lockReservation', omsId);
	if (!parts) return [];
	const { parts: next, taken } = planConsume(parts, lines, to);
	if (!taken.length) return [];
	yield* row('writeReservation', omsId, next, now);
	yield* row(
		'takeStock',
		taken.map((t) => ({ sku: t.sku, location: t.location, reserved: t.quantity, onHand: to === 'committed' ? t.quantity : 0 })),
		now,
	);
	return taken;
}

/** Release the order's active reservations (all, or these SKUs and quantities); a recorded order's timeline says so. */
export function* releaseSteps(omsId: string, lines: Array<{ sku: string; quantity: number }> | undefined, cause: string | undefined, now: string): Steps<{ released: ReservedPart[] }> {
	const released = yield* consumeSteps(omsId, lines, 'released', now);
	if (released.length && (yield* row('orderExists', omsId))) {
		yield* row('insertEvent', { omsId, at: now, type: 'release', from: null, to: null, cause, detail: { released } });
	}
	return { released };
}

/**
 * Shipped units leave reserved and on hand, once per (order, package): the second call for a package changes
 * nothing (changed=false). Shipped units the order had not reserved (shipped before the OMS reserved them) still
 * leave on hand, at the default location.
 */
export function* commitShipmentSteps(
	omsId: string,
	packageKey: string,
	lines: Array<{ sku: string; quantity: number }>,
	cause: string | undefined,
	now: string,
): Steps<{ committed: ReservedPart[]; changed: boolean }> {
	refuseUnstorable(`shipment of ${omsId}: package key`, packageKey);
	for (const l of lines) refuseUnstorable(`shipment ${packageKey} of ${omsId}: line sku`, l.sku);
	if (!(yield* row('markProcessed', 'commit', `${omsId}#${packageKey}`, now))) return { committed: [], changed: false };
	const committed = yield* consumeSteps(omsId, lines, 'committed', now);
	const short = unreservedUnits(lines, committed);
	if (short.length) yield* row('takeStock', short, now);
	if (yield* row('orderExists', omsId)) {
		yield* row('insertEvent', { omsId, at: now, type: 'commit', from: null, to: null, cause, detail: { packageKey, committed } });
	}
	return { committed, changed: true };
}

/** Shipped units beyond what the reservation covered, per SKU: they leave on hand at the default location. */
function unreservedUnits(lines: Array<{ sku: string; quantity: number }>, committed: ReservedPart[]): StockTake[] {
	const short = new Map<string, number>();
	for (const l of lines) short.set(l.sku, (short.get(l.sku) ?? 0) + l.quantity);
	for (const c of committed) short.set(c.sku, (short.get(c.sku) ?? 0) - c.quantity);
	const out: StockTake[] = [];
	for (const [sku, units] of short) if (units > 0) out.push({ sku, location: DEFAULT_LOCATION, reserved: 0, onHand: units });
	return out;
}

/**
 * Which published quantities a store keeps: a row computed from stock (`basis`, the sum of the stock versions it
 * came from) replaces the stored one only when its basis is at least the stored one's, so a quantity computed from
 * older stock never overwrites a newer one. Both stores put this condition on their upsert (`excluded` is the row
 * offered, `published` the stored one).
 */
export const PUBLISH_UNLESS_OLDER = 'excluded.basis IS NULL OR published.basis IS NULL OR excluded.basis >= published.basis';

/** A bundle's definition, replaced whole; its published quantities were computed from other rows, so their bases no
 * longer compare with new ones (forgotten). */
export function* setBundleSteps(bundleSku: string, components: BundleComponent[]): Steps<void> {
	refuseUnstorable('bundle sku', bundleSku);
	for (const c of components) refuseUnstorable(`bundle ${bundleSku}: component sku`, c.sku);
	yield* row('replaceBundle', bundleSku, components);
	yield* row('forgetPublishedBasis', bundleSku);
}

/**
 * Restock once, the count's side (the rule: ./restock.ts). A WMS count's levels as they are written: each level's on hand plus the pending restocks of its cell received
 * after the count was taken; and the pending restocks the count absorbs (received at or before it; for a cell named
 * twice, by its last level, the one that counts).
 */
export function countWithRestocks(levels: StockLevelInput[], pending: PendingRestock[], now: string): { levels: StockLevelInput[]; absorbed: Array<{ returnId: string; lineId: string }> } {
	if (!pending.length) return { levels, absorbed: [] };
	const byCell = new Map<string, PendingRestock[]>();
	for (const p of pending) {
		const k = cellKey(p.sku, p.location);
		const list = byCell.get(k);
		if (list) list.push(p);
		else byCell.set(k, [p]);
	}
	const nowMs = Date.parse(now);
	const takenAt = (l: StockLevelInput) => (l.countedAt === undefined ? nowMs : Date.parse(l.countedAt));
	const last = new Map<string, StockLevelInput>();
	const out = levels.map((l) => {
		const k = cellKey(l.sku, locationOf(l));
		const ps = byCell.get(k);
		if (!ps) return l;
		last.set(k, l);
		const at = takenAt(l);
		const after = ps.reduce((s, p) => s + (Date.parse(p.receivedAt) > at ? p.quantity : 0), 0);
		return after ? { ...l, onHand: l.onHand + after } : l;
	});
	const absorbed: Array<{ returnId: string; lineId: string }> = [];
	for (const [k, l] of last) {
		const at = takenAt(l);
		for (const p of byCell.get(k)!) if (Date.parse(p.receivedAt) <= at) absorbed.push({ returnId: p.returnId, lineId: p.lineId });
	}
	return { levels: out, absorbed };
}
