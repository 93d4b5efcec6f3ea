/**
 * From the store's reservation result to the order's `allocation` annotation (docs/nodes/inventoryAllocator.md#what-each-operation-does).
 */
import type { AllocationAnnotation, AllocationLine, AllocationStatus } from '../order/types';
import type { ReserveResult } from '../stock/types';
import { stableStringify } from '../order/json';

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

/** Same allocation: status and per-line quantities (and the units' places, in any order). */
export function sameAllocation(a: AllocationAnnotation, b: AllocationAnnotation): boolean {
	const norm = (x: AllocationAnnotation) =>
		stableStringify({
			status: x.status,
			lines: (x.lines ?? []).map((l) => ({
				lineId: l.lineId,
				sku: l.sku,
				requested: l.requested,
				allocated: l.allocated,
				backordered: l.backordered,
				parts: Array.isArray(l.parts) ? (l.parts as unknown[]).map((p) => stableStringify(p)).sort() : null,
			})),
		});
	return norm(a) === norm(b);
}
