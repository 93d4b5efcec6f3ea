/**
 * The outbox's rules for WMS deliveries, pure (the use cases that write them: lib/flows push-to-wms, apply-wms-updates,
 * cancel-at-wms, edi-warehouse):
 *
 * - whyNotSendable: whether an order may go to a warehouse now as shipment n (ready for a first shipment; a later one
 *   of a split order once the first went, never more units than were allocated);
 * - nextShipment / unitsInDeliveries: which units a new shipment carries, given the deliveries the order has;
 * - nextAttemptAt / isRetryable: the backoff after a failed attempt, and which failures are worth another;
 * - mergeAnnotation: the order's wms annotation with one WMS order's state moved forward and new packages added
 *   (never replaced); the order is as far along as its least advanced live WMS order.
 */
import type { CanonicalOrder, OrderLine, WmsAnnotation } from '../order/types';
import type { Delivery, Store, StoredOrder } from '../store/types';
import { PUSHABLE_FIRST, PUSHABLE_LATER } from '../order/status';
import { laterStatus, statusRank, type WmsStatus } from './status';
import { WmsError } from './types';
import { stableStringify } from '../order/json';

export interface BackoffPolicy {
	/** First retry after this (ms); default 30 s */
	baseMs?: number;
	/** Cap (ms); default 1 h */
	maxMs?: number;
	/** Attempts in all before the delivery is failed; default 8 */
	maxAttempts?: number;
	/** 0..1; default Math.random. Delay = base * 2^(attempts-1) * (0.5 + random/2), capped */
	random?: () => number;
}

/**
 * Why an order may not go to a warehouse now as shipment `shipmentNo` (null: it may). Ready for a first shipment; a
 * later shipment of a split order once the first went. Backorder Gate's Partial (ship available): the order stays
 * backordered in the OMS for the units it waits for, and the allocated part goes as a split shipment, but only units
 * the allocation covers. Shared by every way an order leaves for a warehouse (API providers and EDI 940s).
 */
export function whyNotSendable(stored: StoredOrder | null, shipmentNo: number, lines?: OrderLine[], deliveries: Delivery[] = []): string | null {
	if (!stored) return 'the order is not in the OMS store';
	if (stored.order.readiness === 'cancelled') return 'the order is cancelled on its channel';
	const allocatedPart = shipmentNo === 1 && stored.status === 'backordered' && stored.hold?.reason === 'out_of_stock' && !!lines?.length;
	if (allocatedPart) {
		const over = beyondAllocation(stored.order, lines!, [], false);
		return over ? `the order is backordered and the shipment asks for units it has not been allocated (${over.map((x) => `${x.sku} x${x.asked}, allocated ${x.allocated}`).join('; ')})` : null;
	}
	const allowed = shipmentNo > 1 ? PUSHABLE_LATER : PUSHABLE_FIRST;
	if (!allowed.includes(stored.status)) return `the order is ${stored.status}${stored.hold ? ` (held: ${stored.hold.reason})` : ''}, not ready for the warehouse`;
	if (shipmentNo > 1) {
		const earlier = deliveries.filter((d) => d.shipmentNo !== shipmentNo);
		const over = beyondAllocation(stored.order, lines ?? stored.order.lines, earlier, true);
		if (over) {
			const what = over.map((x) => `${x.sku} x${x.asked} with ${x.earlier} in other shipments, allocated ${x.allocated}`).join('; ');
			return `shipment ${shipmentNo} would send more units than the order was allocated, counting its other shipments (${earlier.map((d) => d.reference).join(', ') || 'none'}): ${what}`;
		}
	}
	return null;
}

/** The order's deliveries in the outbox, shipment 1 upwards (shipment numbers are given in turn, without gaps). */
export async function deliveriesOf(store: Store, omsId: string): Promise<Delivery[]> {
	const out: Delivery[] = [];
	for (let n = 1; ; n++) {
		const d = await store.getDelivery(omsId, n);
		if (!d) return out;
		out.push(d);
	}
}

/**
 * Units per SKU that the order's deliveries carry, cancelled ones aside: a delivery's own lines (a split shipment),
 * or the whole order when it has none. A failed delivery counts: its units are the operator's to resolve, and
 * sending them again under a new shipment number would be a second WMS order for the same units.
 */
export function unitsInDeliveries(order: CanonicalOrder, deliveries: Delivery[]): Map<string, number> {
	const units = new Map<string, number>();
	for (const d of deliveries) {
		if (d.status === 'cancelled') continue;
		const own = d.payload?.lines;
		const lines = Array.isArray(own) ? (own as Array<{ sku?: unknown; quantity?: unknown }>) : order.lines;
		for (const l of lines) units.set(String(l.sku), (units.get(String(l.sku)) ?? 0) + (Number(l.quantity) || 0));
	}
	return units;
}

/**
 * The SKUs for which `lines`, with what the `earlier` deliveries carry, come to more units than the order was
 * allocated (its allocation annotation; without one, none, or its lines when `unallocatedMeansLines`), or null.
 */
function beyondAllocation(
	order: CanonicalOrder,
	lines: Array<{ sku: string; quantity: number }>,
	earlier: Delivery[],
	unallocatedMeansLines: boolean,
): Array<{ sku: string; asked: number; earlier: number; allocated: number }> | null {
	const allocated = new Map<string, number>();
	if (order.allocation?.lines) for (const l of order.allocation.lines) allocated.set(l.sku, (allocated.get(l.sku) ?? 0) + Number(l.allocated ?? 0));
	else if (unallocatedMeansLines) for (const l of order.lines) allocated.set(l.sku, (allocated.get(l.sku) ?? 0) + l.quantity);
	const sent = unitsInDeliveries(order, earlier);
	const asked = new Map<string, number>();
	for (const l of lines) asked.set(l.sku, (asked.get(l.sku) ?? 0) + l.quantity);
	const over = [...asked]
		.map(([sku, q]) => ({ sku, asked: q, earlier: sent.get(sku) ?? 0, allocated: allocated.get(sku) ?? 0 }))
		.filter((x) => x.asked + x.earlier > x.allocated);
	return over.length ? over : null;
}

/**
 * The shipment that sends `lines` (the allocated units an order is routed with) given the deliveries it already has:
 * - none yet: shipment 1 with every line;
 * - some: the units no delivery carries yet go as the next shipment number;
 * - every unit is in a delivery already (a repeat: the intake ran again after a crash, a channel retried, Route was
 *   run twice): the latest delivery again, with its own lines, which the outbox answers from what it has.
 * Never a second WMS order for units already on their way.
 */
export function nextShipment(order: CanonicalOrder, lines: ShipmentLine[], deliveries: Delivery[]): { shipmentNo: number; lines: ShipmentLine[]; repeat: boolean } {
	if (!deliveries.length) return { shipmentNo: 1, lines, repeat: false };
	const left = unitsInDeliveries(order, deliveries);
	const rest: ShipmentLine[] = [];
	for (const l of lines) {
		const covered = Math.min(l.quantity, left.get(l.sku) ?? 0);
		left.set(l.sku, (left.get(l.sku) ?? 0) - covered);
		if (l.quantity > covered) rest.push({ ...l, quantity: l.quantity - covered });
	}
	const last = deliveries.reduce((a, d) => (d.shipmentNo > a.shipmentNo ? d : a));
	if (rest.length) return { shipmentNo: last.shipmentNo + 1, lines: rest, repeat: false };
	const own = last.payload?.lines;
	const again = Array.isArray(own)
		? (own as Array<{ lineId?: unknown; sku?: unknown; quantity?: unknown }>).map((l) => ({ lineId: l.lineId == null ? null : String(l.lineId), sku: String(l.sku), quantity: Number(l.quantity) }))
		: lines;
	return { shipmentNo: last.shipmentNo, lines: again, repeat: true };
}

/** A line of a shipment: which order line, and how many of its units */
export interface ShipmentLine {
	lineId: string | null;
	sku: string;
	quantity: number;
}



export function nextAttemptAt(now: string, attempts: number, policy: BackoffPolicy = {}): string | null {
	const max = policy.maxAttempts ?? 8;
	if (attempts >= max) return null;
	const base = policy.baseMs ?? 30_000;
	const cap = policy.maxMs ?? 3_600_000;
	const r = (policy.random ?? Math.random)();
	const delay = Math.min(cap, base * 2 ** Math.max(0, attempts - 1) * (0.5 + r / 2));
	return new Date(Date.parse(now) + Math.round(delay)).toISOString();
}

export function errorText(err: unknown): string {
	if (err instanceof Error) return err.message.slice(0, 1000);
	return String(err).slice(0, 1000);
}

export function isRetryable(err: unknown): boolean {
	if (err instanceof WmsError) return err.retryable;
	const e = err as { retryable?: unknown; code?: unknown };
	if (typeof e?.retryable === 'boolean') return e.retryable;
	// unknown failures (a bug, a transport error without our wrapper): try again later rather than lose the order
	return true;
}

// ---------------------------------------------------------------- the wms annotation

function latest(a: string | null | undefined, b: string | null | undefined): string | null {
	if (!a) return b ?? null;
	if (!b) return a;
	return Date.parse(b) > Date.parse(a) ? b : a;
}

export interface RefState {
	status: WmsStatus;
	rawStatus: string | null;
	wmsOrderId: string | null;
	updatedAt?: string | null;
}

/** The wms annotation with this reference's state moved forward and new packages added (never replaced) */
export function mergeAnnotation(
	prev: WmsAnnotation | undefined,
	provider: string,
	reference: string,
	state: RefState,
	packages: Array<{ packageKey: string } & Record<string, unknown>>,
): { value: WmsAnnotation; changed: boolean; orderStatus: WmsStatus } {
	const refs: Record<string, RefState> = { ...((prev?.references as Record<string, RefState> | undefined) ?? {}) };
	const before = refs[reference];
	const status = before ? laterStatus(before.status, state.status) : state.status;
	refs[reference] = {
		status,
		// the raw words go with the status kept: a late update's words do not replace a newer one's
		rawStatus: status === state.status ? (state.rawStatus ?? before?.rawStatus ?? null) : (before?.rawStatus ?? null),
		wmsOrderId: state.wmsOrderId ?? before?.wmsOrderId ?? null,
		updatedAt: latest(before?.updatedAt, state.updatedAt),
	};
	const shipments = [...((prev?.shipments as unknown as Array<{ packageKey?: string } & Record<string, unknown>>) ?? [])];
	const known = new Set(shipments.map((s) => s.packageKey));
	for (const p of packages) if (!known.has(p.packageKey)) shipments.push({ ...p, reference });
	// the order is as far along as its least advanced live WMS order
	const live = Object.values(refs).filter((r) => r.status !== 'cancelled');
	const orderStatus: WmsStatus = live.length ? live.reduce<WmsStatus>((m, r) => (statusRank(r.status) < statusRank(m) ? r.status : m), 'delivered') : 'cancelled';
	const value: WmsAnnotation = {
		...(prev ?? {}),
		provider,
		reference: prev?.reference ?? reference,
		status: orderStatus,
		shipments: shipments as unknown as WmsAnnotation['shipments'],
		references: refs,
	};
	// key order differs once PostgreSQL's jsonb has stored the annotation: compare with keys sorted
	const changed = stableStringify(prev ?? null) !== stableStringify(value);
	return { value, changed, orderStatus };
}

