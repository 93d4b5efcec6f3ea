/**
 * From the store's reservation result to the order's `allocation` annotation (DESIGN.md), and the top-up request
 * for an order that is already partly reserved (Release Held).
 */
import type { AllocationAnnotation, AllocationLine, AllocationStatus } from '../order/types';
import type { ReserveLine, ReserveResult } from '../store/types';

/** allocated when every line is in full (or there is nothing to reserve), backordered when nothing is, else partial. */
export function allocationStatus(lines: Array<Pick<AllocationLine, 'requested' | 'allocated'>>): AllocationStatus {
	let got = 0;
	let allFull = true;
	for (const l of lines) {
		got += l.allocated;
		if (l.allocated < l.requested) allFull = false;
	}
	if (allFull) return 'allocated';
	return got === 0 ? 'backordered' : 'partial';
}

/** The `allocation` annotation of a reservation result; lines keep lineId, where the units came from, unknownSku. */
export function allocationFromReserveResult(result: ReserveResult): AllocationAnnotation {
	const lines: AllocationLine[] = result.lines.map((l) => {
		const line: AllocationLine = {
			sku: l.sku,
			requested: l.requested,
			allocated: l.allocated,
			backordered: l.requested - l.allocated,
			lineId: l.lineId,
			parts: l.parts,
		};
		if (l.unknownSku) line.unknownSku = true;
		return line;
	});
	return { status: allocationStatus(lines), lines };
}

/** What is still missing per line of an allocation: the lines to reserve on a re-allocation (Release Held). */
export function topUpLines(allocation: AllocationAnnotation, components?: Map<string, ReserveLine['components']>): ReserveLine[] {
	const out: ReserveLine[] = [];
	allocation.lines.forEach((l, i) => {
		const missing = l.requested - l.allocated;
		if (missing <= 0) return;
		const lineId = typeof l.lineId === 'string' ? l.lineId : String(i + 1);
		const line: ReserveLine = { lineId, sku: l.sku, quantity: missing };
		const comp = components?.get(l.sku);
		if (comp) line.components = comp;
		out.push(line);
	});
	return out;
}

/**
 * Lay a top-up reservation over the previous allocation: allocated adds up per lineId (falling back to SKU when the
 * result has no lineId match), backordered is what is still missing, and the status is recomputed.
 */
export function mergeTopUp(previous: AllocationAnnotation, topUp: ReserveResult): AllocationAnnotation {
	const byId = new Map(topUp.lines.map((l) => [l.lineId, l]));
	const used = new Set<string>();
	const lines: AllocationLine[] = previous.lines.map((l, i) => {
		const lineId = typeof l.lineId === 'string' ? l.lineId : String(i + 1);
		let add = byId.get(lineId);
		if (!add) add = topUp.lines.find((t) => t.sku === l.sku && !used.has(t.lineId));
		if (!add || used.has(add.lineId)) return { ...l };
		used.add(add.lineId);
		const allocated = Math.min(l.requested, l.allocated + add.allocated);
		const prevParts = Array.isArray(l.parts) ? (l.parts as unknown[]) : [];
		return { ...l, allocated, backordered: l.requested - allocated, parts: [...prevParts, ...add.parts] };
	});
	return { ...previous, status: allocationStatus(lines), lines };
}
