/**
 * Available to promise (ATP): what can still be sold of a SKU, from its stock rows. The one rule for it, used by the
 * store's reservations (through location.ts), publishing (lib/allocation) and reports.
 */
import type { BundleComponent, StockRow } from './types';

/** ATP of one stock row: max(0, onHand - reserved - safetyStock), whole units (recomputed, not trusted). */
export function rowAtp(row: Pick<StockRow, 'onHand' | 'reserved' | 'safetyStock'>): number {
	return Math.max(0, Math.floor(row.onHand - row.reserved - row.safetyStock));
}

/** Whole-SKU ATP of simple SKUs: the sum over locations of each location's ATP. */
export function atpBySku(rows: Iterable<Pick<StockRow, 'sku' | 'onHand' | 'reserved' | 'safetyStock'>>): Map<string, number> {
	const m = new Map<string, number>();
	for (const r of rows) m.set(r.sku, (m.get(r.sku) ?? 0) + rowAtp(r));
	return m;
}

/**
 * Bundle (kit) ATP from component ATPs at ONE place: min over components of floor(atp / quantity).
 * A missing component counts as 0; a bundle without components, or with a component quantity that is not a
 * positive integer, has ATP 0 (it cannot be built).
 */
export function bundleAtp(components: BundleComponent[], atpBySkuMap: Map<string, number>): number {
	if (!components.length) return 0;
	let min = Infinity;
	for (const c of components) {
		if (!Number.isInteger(c.quantity) || c.quantity <= 0) return 0;
		const a = Math.max(0, Math.floor(atpBySkuMap.get(c.sku) ?? 0));
		const n = Math.floor(a / c.quantity);
		if (n < min) min = n;
	}
	return min;
}

/**
 * Bundle ATP when stock is per location (Brightpearl-style): a bundle is built from the components at one
 * location, so the bundle's ATP is the SUM over locations of the per-location bundleAtp - not bundleAtp of the
 * summed component ATPs (2 cups in A and 1 saucer in B do not make a cup-and-saucer set).
 */
export function bundleAtpByLocation(
	components: BundleComponent[],
	rows: Iterable<Pick<StockRow, 'sku' | 'location' | 'onHand' | 'reserved' | 'safetyStock'>>,
): { total: number; byLocation: Map<string, number> } {
	const byLocation = new Map<string, number>();
	let total = 0;
	for (const [loc, m] of atpByLocationAndSku(rows)) {
		const n = bundleAtp(components, m);
		byLocation.set(loc, n);
		total += n;
	}
	return { total, byLocation };
}

/** ATP per location, then per SKU at that location (the rows of several SKUs). */
export function atpByLocationAndSku(rows: Iterable<Pick<StockRow, 'sku' | 'location' | 'onHand' | 'reserved' | 'safetyStock'>>): Map<string, Map<string, number>> {
	const perLoc = new Map<string, Map<string, number>>();
	for (const r of rows) {
		let m = perLoc.get(r.location);
		if (!m) perLoc.set(r.location, (m = new Map()));
		m.set(r.sku, (m.get(r.sku) ?? 0) + rowAtp(r));
	}
	return perLoc;
}
