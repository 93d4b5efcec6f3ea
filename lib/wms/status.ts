/**
 * The OMS's words for where an order is in the warehouse, and the rule that status only moves forward:
 * received/ready -> at_wms -> picked -> packed -> shipped -> delivered, or cancelled (before it ships).
 * An update that arrives late or out of order never moves an order back.
 */
import type { OmsStatus } from '../store/types';

export const WMS_STATUSES = ['at_wms', 'picked', 'packed', 'shipped', 'delivered', 'cancelled'] as const;
export type WmsStatus = (typeof WMS_STATUSES)[number];

/** Rank of an OMS status on the fulfilment path. Pre-WMS statuses are 0; cancelled/rejected are terminal (-1). */
export function statusRank(status: OmsStatus | WmsStatus): number {
	switch (status) {
		case 'at_wms':
			return 1;
		case 'picked':
			return 2;
		case 'packed':
			return 3;
		case 'shipped':
			return 4;
		case 'delivered':
			return 5;
		case 'cancelled':
		case 'rejected':
			return -1;
		default:
			// received, on_hold, fraud_review, backordered, ready
			return 0;
	}
}

/**
 * May an order in `from` move to `to` on a WMS update? Only forward. Cancelled only before it has shipped
 * (a WMS cancel after shipping is a return, not a cancellation); nothing moves a cancelled, rejected or
 * delivered order.
 */
export function canAdvance(from: OmsStatus, to: WmsStatus): boolean {
	if (from === to) return false;
	const f = statusRank(from);
	if (f < 0 || from === 'delivered') return false;
	if (to === 'cancelled') return f < statusRank('shipped');
	return statusRank(to) > f;
}

/** The later of two WMS statuses (cancelled wins only over pre-shipping statuses). */
export function laterStatus(a: WmsStatus, b: WmsStatus): WmsStatus {
	if (a === b) return a;
	if (a === 'cancelled') return statusRank(b) >= statusRank('shipped') ? b : a;
	if (b === 'cancelled') return statusRank(a) >= statusRank('shipped') ? a : b;
	return statusRank(a) >= statusRank(b) ? a : b;
}

/**
 * The idempotency key sent to the WMS as the order's external reference: the omsId for the first (or only)
 * shipment, `${omsId}#${shipmentNo}` for later shipments of a split order. Deterministic, so a retry of the same
 * shipment always carries the same reference.
 */
export function referenceFor(omsId: string, shipmentNo = 1): string {
	if (!Number.isInteger(shipmentNo) || shipmentNo < 1) throw new Error(`shipmentNo must be a positive integer, got ${shipmentNo}`);
	return shipmentNo === 1 ? omsId : `${omsId}#${shipmentNo}`;
}

/** The inverse of referenceFor. */
export function parseReference(reference: string): { omsId: string; shipmentNo: number } {
	const m = /^(.*)#(\d+)$/.exec(reference);
	if (m && Number(m[2]) >= 2) return { omsId: m[1], shipmentNo: Number(m[2]) };
	return { omsId: reference, shipmentNo: 1 };
}

/** Look a WMS status word up in a mapping table, case- and separator-insensitively. */
export function mapStatusWord(word: string | null | undefined, table: Record<string, WmsStatus>, fallback: WmsStatus = 'at_wms'): WmsStatus {
	if (word == null) return fallback;
	const key = normalizeWord(word);
	for (const [k, v] of Object.entries(table)) if (normalizeWord(k) === key) return v;
	return fallback;
}

function normalizeWord(w: string): string {
	return String(w).toLowerCase().replace(/[\s_-]+/g, '');
}
