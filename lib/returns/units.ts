/**
 * Units per order line: ordered, shipped, already returned, and so returnable. A return may take back at most the
 * units that were shipped minus those other returns already take (returns declined or cancelled take none). The
 * store applies it inside the transaction that records a return (lib/store/rules/returns.ts), so two returns of one
 * order recorded at once cannot take the same unit twice.
 *
 * Shipped units come from the packages the store recorded for the order (its shipments: each line by its lineId,
 * or by SKU when the WMS gave none, filling the order's lines with that SKU in turn). An order that is shipped or
 * delivered with no package recorded shipped outside the OMS (the channel said so): all its units count as shipped.
 */
import type { OmsStatus } from '../order/status';
import type { CanonicalOrder } from '../order/types';
import type { CanonicalReturn, ReturnableLine } from './types';

export interface ShippedPackage {
	lines: Array<{ sku: string; quantity: number; lineId?: string }>;
}

const SHIPPED_WHOLE: readonly OmsStatus[] = ['shipped', 'delivered'];

/** Units shipped per order line (never more than ordered). */
export function shippedUnits(order: Pick<CanonicalOrder, 'lines'>, status: OmsStatus, packages: readonly ShippedPackage[]): Map<string, number> {
	const shipped = new Map<string, number>();
	if (!packages.length) {
		const whole = SHIPPED_WHOLE.includes(status);
		for (const l of order.lines) shipped.set(l.lineId, whole ? l.quantity : 0);
		return shipped;
	}
	const ordered = new Map(order.lines.map((l) => [l.lineId, l.quantity]));
	for (const l of order.lines) shipped.set(l.lineId, 0);
	const take = (lineId: string, units: number): number => {
		const room = (ordered.get(lineId) ?? 0) - (shipped.get(lineId) ?? 0);
		const n = Math.max(0, Math.min(room, units));
		shipped.set(lineId, (shipped.get(lineId) ?? 0) + n);
		return n;
	};
	for (const p of packages) {
		for (const pl of p.lines) {
			if (pl.lineId !== undefined && ordered.has(pl.lineId)) {
				take(pl.lineId, pl.quantity);
				continue;
			}
			let left = pl.quantity;
			for (const l of order.lines) {
				if (left <= 0) break;
				if (l.sku === pl.sku) left -= take(l.lineId, left);
			}
		}
	}
	return shipped;
}

/** Each order line's units: ordered, shipped, returned (by `returned`, per lineId), returnable. */
export function returnableLines(order: Pick<CanonicalOrder, 'lines'>, shipped: ReadonlyMap<string, number>, returned: ReadonlyMap<string, number>): ReturnableLine[] {
	return order.lines.map((l) => {
		const s = shipped.get(l.lineId) ?? 0;
		const r = returned.get(l.lineId) ?? 0;
		return { lineId: l.lineId, sku: l.sku, ordered: l.quantity, shipped: s, returned: r, returnable: Math.max(0, s - r) };
	});
}

/** A return's problems against its order's lines: a line the order does not have, a SKU that is not the line's,
 * more units than the line has returnable. Paths are the return's (`$.lines[0].quantity`). */
export function returnUnitProblems(ret: Pick<CanonicalReturn, 'omsId' | 'lines'>, lines: readonly ReturnableLine[]): Array<{ path: string; message: string }> {
	const byId = new Map(lines.map((l) => [l.lineId, l]));
	const problems: Array<{ path: string; message: string }> = [];
	ret.lines.forEach((rl, i) => {
		const l = byId.get(rl.lineId);
		if (!l) {
			problems.push({ path: `$.lines[${i}].lineId`, message: `order ${ret.omsId} has no line ${JSON.stringify(rl.lineId)} (its lines: ${lines.map((x) => x.lineId).join(', ')})` });
			return;
		}
		if (rl.sku !== l.sku) problems.push({ path: `$.lines[${i}].sku`, message: `must be ${JSON.stringify(l.sku)}, the SKU of order line ${JSON.stringify(l.lineId)}, got ${JSON.stringify(rl.sku)}` });
		if (rl.quantity > l.returnable) {
			problems.push({
				path: `$.lines[${i}].quantity`,
				message: `returns ${rl.quantity} unit${rl.quantity === 1 ? '' : 's'} of order line ${JSON.stringify(l.lineId)} (${l.sku}), but only ${l.returnable} can be: ${l.shipped} shipped of ${l.ordered} ordered, ${l.returned} already returned`,
			});
		}
	});
	return problems;
}
