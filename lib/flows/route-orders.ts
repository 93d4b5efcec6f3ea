/**
 * Route orders after Reserve (the Backorder Gate's Route): the policy decides (lib/backorder routeOrder), and the
 * order's status, its out_of_stock hold and the release of its reservations (a cancel_unavailable cancel) are written
 * in one store transition, a compare-and-set from a routable status, so a cancelled, rejected or fraud-held order is
 * never made ready by a stale item. The shipment to send is numbered from the order's deliveries in the outbox.
 */
import { routeOrder, type PolicyConfig, type RouteLine, type RouteResult } from '../backorder';
import { deliveriesOf, nextShipment } from '../wms';
import type { AllocationAnnotation, CanonicalOrder } from '../order/types';
import type { Store, StoredOrder } from '../store/types';
import { ROUTABLE, type OmsStatus, type TransitionCause } from '../order/status';
import type { FulfilmentAccount } from '../stock/warehouse';
import { routingWarehouses } from './warehouse-routing';

export class GateItemError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'GateItemError';
	}
}

export interface GateOptions {
	now: Date;
	holdDays?: number | null;
	cancelWholeOrder?: boolean;
	cause?: string;
}

export interface GateOutcome {
	output: 'ready' | 'partial' | 'backorder';
	route: RouteResult;
	stored: StoredOrder;
	/** The OMS status changed in this call (false: it already was so) */
	changed: boolean;
	/** The WMS shipment number this shipment request is for (outbox key with omsId) */
	shipmentNo: number | null;
	allocation: AllocationAnnotation;
	/**
	 * With two or more warehouses (issue 23): the shipment per warehouse its allocated units are reserved at, numbered
	 * from shipmentNo on in location order, each with the account that serves it (the WMS node for it is chosen
	 * by `location` or `account`). Absent with fewer than two warehouses, and for a repeat (answered as before).
	 */
	shipments?: WarehouseShipment[];
}

export interface WarehouseShipment {
	shipmentNo: number;
	location: string;
	account: FulfilmentAccount | null;
	lines: RouteLine[];
}

/**
 * The shipment that sends an order's allocated lines, given what its deliveries in the outbox already carry
 * (lib/wms nextShipment): shipment 1 the first time; the units no delivery carries yet as the next number; a repeat
 * (an intake resumed after a crash, Route run twice) answers the latest delivery again instead of a second WMS order.
 */
export async function shipmentFor(store: Store, order: CanonicalOrder, lines: RouteLine[]): Promise<{ shipmentNo: number; lines: RouteLine[]; repeat: boolean }> {
	return nextShipment(order, lines, await deliveriesOf(store, order.omsId));
}

/** What a route's status event says */
export function timelineDetail(route: RouteResult): Record<string, unknown> {
	return {
		output: route.output,
		policy: route.policy,
		reason: route.reason,
		...(route.backorderedLines.length
			? { waiting: route.backorderedLines.map((l) => ({ lineId: l.lineId, sku: l.sku, backordered: l.backordered })) }
			: {}),
		...(route.cancelLines.length ? { cancelLines: route.cancelLines } : {}),
		...(route.holdOverdue ? { holdOverdue: true } : {}),
	};
}

/** The transition (lib/order/status.ts) each status Route decides on is: */
const ROUTE_CAUSE: Partial<Record<OmsStatus, TransitionCause>> = { ready: 'allocated', backordered: 'backordered', cancelled: 'cancel_unavailable' };

/**
 * Route one order: decide by policy, then set its OMS status (and the out_of_stock hold) compare-and-set from a
 * routable status, with the release of its reservations when the policy cancels it, in one transition.
 */
export async function routeOne(
	store: Store,
	order: Pick<CanonicalOrder, 'omsId' | 'channel' | 'lines'> & { allocation?: AllocationAnnotation },
	policy: PolicyConfig,
	opts: GateOptions,
): Promise<GateOutcome> {
	const stored = await store.getOrder(order.omsId);
	if (!stored) throw new GateItemError(`No order ${order.omsId} in the OMS store: record it with OMS Order > Record, then Reserve, before routing`);
	if (!ROUTABLE.includes(stored.status)) {
		throw new GateItemError(
			`Order ${order.omsId} is ${stored.status.replace('_', ' ')}: Route only moves orders that are ${ROUTABLE.join(', ')} (resolve the fraud review or hold first)`,
		);
	}
	const allocation = order.allocation ?? stored.order.allocation;
	const subject = { omsId: order.omsId, channel: stored.order.channel, lines: stored.order.lines, allocation };
	const heldSince = stored.hold?.reason === 'out_of_stock' ? stored.hold.since : null;
	const route = routeOrder(subject, policy, { now: opts.now, holdDays: opts.holdDays, heldSince, cancelWholeOrder: opts.cancelWholeOrder });
	const cause = ROUTE_CAUSE[route.status];
	if (!cause) throw new GateItemError(`Route decided on status ${route.status}, which is not a route of the transition table`);
	const result = await store.transition(order.omsId, {
		to: route.status,
		cause,
		by: opts.cause,
		hold: route.hold,
		detail: timelineDetail(route),
		// the release goes with the status: only when the order is (now, or already) in the routed status
		...(route.keepReservations ? {} : { release: true as const }),
	});
	if (result.refused) {
		throw new GateItemError(`Order ${order.omsId} changed meanwhile (now ${result.from}); route it again`);
	}
	if (!route.shipmentLines.length) return { output: route.output, route, stored: result.stored, changed: result.changed, shipmentNo: null, allocation: allocation! };
	const shipment = await shipmentFor(store, stored.order, route.shipmentLines);
	const shipments = shipment.repeat ? null : await byWarehouse(store, allocation, shipment.shipmentNo, shipment.lines);
	const first = shipments?.[0];
	return {
		output: route.output,
		route: { ...route, shipmentLines: first ? first.lines : shipment.lines },
		stored: result.stored,
		changed: result.changed,
		shipmentNo: shipment.shipmentNo,
		allocation: allocation!,
		...(shipments ? { shipments } : {}),
	};
}

/**
 * The lines to ship, split by the warehouse their units are reserved at (the allocation's parts), in location order
 * and numbered from `from` on; null with fewer than two warehouses. A line reserved at two warehouses is split
 * between them by its parts.
 */
export async function byWarehouse(store: Store, allocation: AllocationAnnotation | undefined, from: number, lines: RouteLine[]): Promise<WarehouseShipment[] | null> {
	const warehouses = await routingWarehouses(store);
	if (!warehouses) return null;
	const partsOf = new Map<string, Array<{ location: string; quantity: number }>>();
	for (const l of allocation?.lines ?? []) {
		const parts = (l.parts as Array<{ sku: string; location: string; quantity: number }> | undefined) ?? [];
		// a bundle's parts are its components' units (not the line's): the line goes whole, below
		if (parts.some((p) => p.sku !== l.sku)) continue;
		const key = `${String(l.lineId ?? '')}\u0000${l.sku}`;
		const byLoc = new Map<string, number>();
		for (const p of parts) byLoc.set(p.location, (byLoc.get(p.location) ?? 0) + p.quantity);
		partsOf.set(key, [...byLoc].map(([location, quantity]) => ({ location, quantity })).sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0)));
	}
	const groups = new Map<string, RouteLine[]>();
	const add = (location: string, line: RouteLine) => {
		const g = groups.get(location);
		if (g) g.push(line);
		else groups.set(location, [line]);
	};
	for (const line of lines) {
		const parts = partsOf.get(`${String(line.lineId ?? '')}\u0000${line.sku}`) ?? [];
		let left = line.quantity;
		for (const p of parts) {
			const q = Math.min(left, p.quantity);
			if (q > 0) add(p.location, { ...line, quantity: q });
			left -= q;
		}
		// units with no part (a bundle line: its parts are its components') go with the line's first warehouse
		if (left > 0) add(parts[0]?.location ?? firstLocationOfBundle(allocation, line) ?? warehouses[0].location, { ...line, quantity: left });
	}
	const accounts = new Map(warehouses.map((w) => [w.location, w.account]));
	return [...groups.keys()].sort().map((location, i) => ({ shipmentNo: from + i, location, account: accounts.get(location) ?? null, lines: groups.get(location)! }));
}

/** A bundle line's warehouse: where its components are reserved (all at one location). */
function firstLocationOfBundle(allocation: AllocationAnnotation | undefined, line: RouteLine): string | undefined {
	const a = allocation?.lines.find((l) => l.lineId === line.lineId);
	return (a?.parts as Array<{ location: string }> | undefined)?.[0]?.location;
}

