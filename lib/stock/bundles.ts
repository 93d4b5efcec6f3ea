/**
 * An order's lines as the store reserves them: each line under its lineId, a bundle (kit) line with its
 * components, whose units are what is reserved (from one location: see location.ts chooseBundleLocations).
 */
import type { OrderLine } from '../order/types';
import type { BundleComponent, ReserveLine } from './types';

/** The lineId a line is reserved under: its own, else its 1-based position (Release Held uses the same rule). */
export function lineIdOf(line: Pick<OrderLine, 'lineId'>, i: number): string {
	return line.lineId !== undefined && line.lineId !== null && String(line.lineId) !== '' ? String(line.lineId) : String(i + 1);
}

/** The reservation lines of an order: every line at its requested quantity, bundles with their components. */
export function reserveLinesOf(lines: OrderLine[], bundles: Map<string, BundleComponent[]>): ReserveLine[] {
	return lines.map((l, i) => {
		const r: ReserveLine = { lineId: lineIdOf(l, i), sku: l.sku, quantity: l.quantity };
		const comps = bundles.get(l.sku);
		if (comps?.length) r.components = comps;
		return r;
	});
}
