/**
 * Restock once (issue 21), once for both stores. The OMS's on hand at a location is the WMS's count
 * (upsertStockLevels); a returned unit restocked by the return must reach what the channels see before the next
 * count, and the count that includes it must not add it again. So a restock raises on hand at once and is kept as
 * *pending* per (return, line); a WMS count of the cell sets on hand to the count plus the pending restocks received
 * after it was taken (the count cannot include them), and absorbs those received at or before it (the count
 * includes them). Hence: restock then a newer count: +1, not +2; a count older than the receipt: the unit stays; the
 * same return line restocked twice: once.
 *
 * The count's side is countWithRestocks (./stock.ts, in every stock feed).
 *
 * (Not covered: a count taken after the receipt but taken in by the OMS *before* the restock is recorded; the
 * restock then adds the unit on top of a count that has it until the next count settles it. Restock from the
 * warehouse's receipt as it comes, with its receivedAt.)
 */
import { refuseUnstorable } from '../../order/storable';
import { locationOf } from '../../stock/types';
import type { RestockLine, RestockResult } from '../types';
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
