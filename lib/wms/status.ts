/**
 * The OMS's words for where an order is in the warehouse, and the rule that status only moves forward:
 * received/ready -> at_wms -> picked -> packed -> shipped -> delivered, or cancelled (before it ships).
 * An update that arrives late or out of order never moves an order back. The rule is the transition table's
 * (lib/order/status.ts, causes wms_progress and wms_cancelled); these are its WMS-side views.
 */
import { canTransition, wmsRank, type OmsStatus, type WmsStatus } from '../order/status';

export { WMS_STATUSES, type WmsStatus } from '../order/status';

/** Rank of an OMS status on the fulfilment path. Pre-WMS statuses are 0; cancelled/rejected are terminal (-1). */
export function statusRank(status: OmsStatus | WmsStatus): number {
	return wmsRank(status);
}

/**
 * May an order in `from` move to `to` on a WMS update? Only forward. Cancelled only before it has shipped
 * (a WMS cancel after shipping is a return, not a cancellation); nothing moves a cancelled, rejected or
 * delivered order, and a backordered order (its allocated part at the WMS, the rest waiting in the OMS) moves only
 * to cancelled.
 */
export function canAdvance(from: OmsStatus, to: WmsStatus): boolean {
	return canTransition(from, to, to === 'cancelled' ? 'wms_cancelled' : 'wms_progress');
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
