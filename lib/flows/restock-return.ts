/**
 * Restock a received return's units (the Returns node's Receive and Inspect): each line's units whose disposition is
 * restock go back on hand at the location, once per return line, whichever comes first of this and the WMS's next
 * count (the rule: lib/store/rules/restock.ts). Returns the SKUs whose channel quantities must be published again
 * (as other flows return theirs, e.g. apply-channel-change's republishSkus). n8n-free.
 */
import type { StoredReturn } from '../returns/types';
import { restockLocation } from '../stock/location';
import type { RestockLine, RestockResult, Store } from '../store/types';

export interface RestockOutcome extends RestockResult {
	returnId: string;
	/** SKUs whose on hand rose: publish their channel quantities again */
	republishSkus: string[];
}

/**
 * The units of each line whose disposition is restock (lines without dispositions restock nothing yet), at `location`,
 * else where `locationOf` says the SKU's units go back.
 */
export function restockLinesOf(stored: StoredReturn, location?: string, locationOf: (sku: string) => string | undefined = () => undefined): RestockLine[] {
	const out: RestockLine[] = [];
	for (const l of stored.ret.lines) {
		const units = (l.dispositions ?? []).filter((d) => d.disposition === 'restock').reduce((s, d) => s + d.quantity, 0);
		const at = location ?? locationOf(l.sku);
		if (units > 0) out.push({ lineId: l.lineId, sku: l.sku, quantity: units, ...(at ? { location: at } : {}) });
	}
	return out;
}

/**
 * Restock a return that was received (or inspected, or closed after either): its restock units on hand once. A return
 * not received yet restocks nothing (an empty result); `receivedAt` is when the warehouse received the units (a WMS
 * count taken before it cannot include them).
 */
export async function restockReturn(store: Store, stored: StoredReturn, opts: { receivedAt: string; location?: string; by: string }): Promise<RestockOutcome> {
	const received = stored.status === 'received' || stored.status === 'inspected' || stored.status === 'closed';
	// without a location, each SKU goes back where it is stocked (the location its WMS counts: lib/stock restockLocation),
	// so that count, not a second cell, absorbs the restock
	const rows = received && !opts.location ? await store.getStock([...new Set(stored.ret.lines.map((l) => l.sku))]) : [];
	const lines = received ? restockLinesOf(stored, opts.location, (sku) => restockLocation(rows.filter((r) => r.sku === sku))) : [];
	const r = lines.length ? await store.restockReturnLines(stored.ret.returnId, lines, { receivedAt: opts.receivedAt, cause: opts.by }) : { restocked: [], already: [], changes: [] };
	return { ...r, returnId: stored.ret.returnId, republishSkus: [...new Set(r.restocked.map((l) => l.sku))].sort() };
}
