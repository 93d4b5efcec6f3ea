/**
 * Restock once (issue 21), once for both stores. The OMS's on hand at a location is the WMS's count
 * (upsertStockLevels); a returned unit restocked by the return must reach what the channels see before the next
 * count, and the count that includes it must not add it again. So a restock raises on hand at once and is kept as
 * *pending* per (return, line); a WMS count of the cell sets on hand to the count plus the pending restocks received
 * after it was taken (the count cannot include them), and absorbs those received at or before it (the count
 * includes them). Hence: restock then a newer count: +1, not +2; a count older than the receipt: the unit stays; the
 * same return line restocked twice: once.
 *
 * (Not covered: a count taken after the receipt but taken in by the OMS *before* the restock is recorded; the
 * restock then adds the unit on top of a count that has it until the next count settles it. Restock from the
 * warehouse's receipt as it comes, with its receivedAt.)
 */
import { refuseUnstorable } from '../../order/storable';
import { locationOf, type StockLevelInput } from '../../stock/types';
import type { PendingRestock, RestockLine, RestockResult } from '../types';
import { cellKey } from './stock';
import { row, type Steps } from './tx';

/** Restock a return's lines: once per line, on hand raised, pending until a count absorbs them; a `restock` event on the return. */
export function* restockSteps(returnId: string, lines: RestockLine[], receivedAt: string, cause: string | undefined, now: string): Steps<RestockResult> {
	const wanted = lines
		.filter((l) => l.quantity > 0)
		.map((l) => {
			refuseUnstorable(`restock of return ${returnId}: sku`, l.sku);
			refuseUnstorable(`restock of return ${returnId} (${l.sku}): location`, l.location);
			return { lineId: l.lineId, sku: l.sku, location: locationOf(l), quantity: l.quantity };
		});
	if (!wanted.length) return { restocked: [], already: [], changes: [] };
	const inserted = new Set(yield* row('insertRestocks', returnId, wanted, receivedAt, now));
	const restocked = wanted.filter((l) => inserted.has(l.lineId));
	const already = wanted.filter((l) => !inserted.has(l.lineId)).map((l) => l.lineId);
	const changes = restocked.length ? yield* row('addStock', restocked.map((l) => ({ sku: l.sku, location: l.location, units: l.quantity })), now) : [];
	if (restocked.length) {
		yield* row('insertReturnEvent', { returnId, at: now, type: 'restock', from: null, to: null, cause, detail: { receivedAt, lines: restocked } });
	}
	return { restocked, already, changes };
}

/**
 * A WMS count's levels as they are written: each level's on hand plus the pending restocks of its cell received
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
