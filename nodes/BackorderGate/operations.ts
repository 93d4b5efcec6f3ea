/**
 * The backorderGate's operations as plain functions of (store, orders, policy): the decisions are lib/backorder's
 * (routeOrder, planRelease, decideRelease); these functions read and write the store around them.
 */
import { allocationFromReserveResult } from '../../lib/allocation';
import { allocatedLines, decideRelease, planRelease, RESERVE_ALLOW_PARTIAL, routeOrder, type PolicyConfig, type RouteLine, type RouteResult } from '../../lib/backorder';
import { deliveriesOf, nextShipment } from '../../lib/wms';
import type { AllocationAnnotation, CanonicalOrder, OrderLine } from '../../lib/order/types';
import type { ReserveRequest, Store, StoredOrder } from '../../lib/store/types';
import { fromStatusesFor, ROUTABLE } from '../../lib/order/status';
import { lineIdOf, reserveLinesOf, sameAllocation } from '../InventoryAllocator/operations';

export class GateItemError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'GateItemError';
	}
}

/** Statuses Route may move an order from (lib/order/status.ts): after intake (received), re-routing (backordered, ready). */
export { ROUTABLE };

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
}

/**
 * The shipment that sends an order's allocated lines, given what its deliveries in the outbox already carry
 * (lib/wms nextShipment): shipment 1 the first time; the units no delivery carries yet as the next number; a repeat
 * (an intake resumed after a crash, Route run twice) answers the latest delivery again instead of a second WMS order.
 */
async function shipmentFor(store: Store, order: CanonicalOrder, lines: RouteLine[]): Promise<{ shipmentNo: number; lines: RouteLine[]; repeat: boolean }> {
	return nextShipment(order, lines, await deliveriesOf(store, order.omsId));
}

/** The allocated units of a held order that no delivery carries yet, as its next shipment; null when there are none */
async function unsentPart(store: Store, order: CanonicalOrder, allocation: AllocationAnnotation): Promise<{ shipmentNo: number; lines: RouteLine[] } | null> {
	const lines = allocatedLines({ omsId: order.omsId, lines: order.lines, allocation });
	if (!lines.length) return null;
	const shipment = await shipmentFor(store, order, lines);
	return shipment.repeat ? null : shipment;
}

function timelineDetail(route: RouteResult): Record<string, unknown> {
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

/**
 * Route one order: decide by policy, then set its OMS status (and the out_of_stock hold) compare-and-set from a
 * routable status, so a cancelled, rejected or fraud-held order is never made ready by a stale item.
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
	const result = await store.setStatus(order.omsId, route.status, {
		cause: opts.cause,
		onlyFrom: ROUTABLE,
		hold: route.hold,
		detail: timelineDetail(route),
	});
	if (!result.changed && result.from !== route.status) {
		throw new GateItemError(`Order ${order.omsId} changed meanwhile (now ${result.from}); route it again`);
	}
	if (!route.keepReservations) await store.release(order.omsId, undefined, { cause: opts.cause });
	if (!route.shipmentLines.length) return { output: route.output, route, stored: result.stored, changed: result.changed, shipmentNo: null, allocation: allocation! };
	const shipment = await shipmentFor(store, stored.order, route.shipmentLines);
	return { output: route.output, route: { ...route, shipmentLines: shipment.lines }, stored: result.stored, changed: result.changed, shipmentNo: shipment.shipmentNo, allocation: allocation! };
}

export interface ReleaseHeldOptions extends GateOptions {
	priorityChannels?: string[];
	limit?: number;
	/** Also answer the orders that stay held (for an overdue alert), output 'backorder' with released false */
	includeStillHeld?: boolean;
}

export interface ReleaseOutcome extends GateOutcome {
	released: boolean;
}

/**
 * Release Held: held (backordered, out_of_stock) orders in planRelease order get their missing units topped up
 * (one store call: the batch is reserved in that order), then each is decided (decideRelease) and released with a
 * compare-and-set from 'backordered'. Only an order whose compare-and-set changed it is answered as released, so
 * a second run, or a second worker racing this one, releases nothing twice.
 */
export async function releaseHeld(store: Store, policy: PolicyConfig, opts: ReleaseHeldOptions): Promise<ReleaseOutcome[]> {
	const held: StoredOrder[] = [];
	const page = 500;
	for (let offset = 0; ; offset += page) {
		const rows = await store.searchOrders({ statuses: ['backordered'], holdReasons: ['out_of_stock'], order: 'asc', limit: page, offset });
		held.push(...rows);
		if (rows.length < page) break;
	}
	const plan = planRelease(held, { priorityChannels: opts.priorityChannels, limit: opts.limit });
	if (!plan.length) return [];
	const skus = new Set<string>();
	for (const s of plan) for (const l of s.order.lines) skus.add(l.sku);
	const bundles = await store.getBundles([...skus]);
	const requests: ReserveRequest[] = plan.map((s) => ({
		omsId: s.order.omsId,
		// every line at its requested quantity: the store's topUp counts what is reserved or already shipped for a
		// line as allocated, and reserves only the rest
		lines: reserveLinesOf(s.order.lines, bundles),
		allowPartial: RESERVE_ALLOW_PARTIAL,
		mode: 'topUp',
		cause: opts.cause,
	}));
	const results = await store.reserve(requests);
	const out: ReleaseOutcome[] = [];
	for (let i = 0; i < plan.length; i++) {
		const s = plan[i];
		const order = s.order;
		const result = results[i];
		const allocation = allocationFromReserveResult(result);
		const previous = order.allocation ?? zeroAllocation(order.lines);
		const decision = decideRelease({ omsId: order.omsId, channel: order.channel, lines: order.lines, allocation }, previous, policy, {
			now: opts.now,
			holdDays: opts.holdDays,
			heldSince: s.hold?.since ?? null,
			cancelWholeOrder: opts.cancelWholeOrder,
		});
		let stored = s;
		let changed = false;
		if (decision.release) {
			const cas = await store.setStatus(order.omsId, decision.statusChange.to, {
				cause: opts.cause,
				onlyFrom: decision.statusChange.onlyFrom,
				hold: decision.statusChange.hold,
				detail: { ...timelineDetail(decision.route), releasedBy: 'Release Held', newlyAllocated: decision.newlyAllocated },
			});
			changed = cas.changed;
			stored = cas.stored;
			if (changed && decision.statusChange.to === 'cancelled') await store.release(order.omsId, undefined, { cause: opts.cause });
		} else if (decision.route.hold && !sameAllocation(previous, allocation)) {
			// still held, but some units came: the hold says what the order waits for now (status unchanged)
			const upd = await store.setStatus(order.omsId, 'backordered', {
				cause: opts.cause,
				onlyFrom: fromStatusesFor('backordered', 'release_held'),
				hold: decision.route.hold,
				detail: { ...timelineDetail(decision.route), newlyAllocated: decision.newlyAllocated },
			});
			stored = upd.stored;
		}
		if (!sameAllocation(previous, allocation)) {
			stored = await store.annotate(order.omsId, 'allocation', allocation, {
				cause: opts.cause,
				detail: { status: allocation.status, releaseHeld: true, lines: allocation.lines.map((l) => ({ sku: l.sku, requested: l.requested, allocated: l.allocated, backordered: l.backordered })) },
			});
		}
		const released = decision.release && changed;
		if (!decision.release && decision.route.policy === 'ship_available') {
			// Still held, but units it was allocated earlier never reached the WMS outbox (the execution that routed it
			// died before Create, or Create refused the item): they go now, as the shipment nextShipment makes of them.
			// Once they are in a delivery this finds nothing, so they are answered until they are sent, and never twice.
			const unsent = await unsentPart(store, order, allocation);
			if (unsent) {
				const route = { ...decision.route, output: 'partial' as const, shipmentLines: unsent.lines, reason: `allocated units not yet sent to the WMS (${decision.route.reason})` };
				out.push({ output: 'partial', route, stored, changed, shipmentNo: unsent.shipmentNo, allocation, released: false });
				continue;
			}
		}
		if (!released && !opts.includeStillHeld) continue;
		if (!released && decision.release) continue; // someone else released it: never answered twice
		let route = released ? decision.route : { ...decision.route, output: 'backorder' as const, shipmentLines: [] };
		let shipmentNo: number | null = null;
		if (released && route.shipmentLines.length) {
			// every allocated unit, less what the order's earlier shipments carry (for a split order: the new units)
			const shipment = await shipmentFor(store, order, allocatedLines({ omsId: order.omsId, lines: order.lines, allocation }));
			route = { ...route, shipmentLines: shipment.lines };
			shipmentNo = shipment.shipmentNo;
		}
		out.push({ output: route.output, route, stored, changed, shipmentNo, allocation, released });
	}
	return out;
}

function zeroAllocation(lines: OrderLine[]): AllocationAnnotation {
	return {
		status: 'backordered',
		lines: lines.map((l, i) => ({ lineId: lineIdOf(l, i), sku: l.sku, requested: l.quantity, allocated: 0, backordered: l.quantity })),
	};
}
