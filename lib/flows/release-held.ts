/**
 * Release Held (the Backorder Gate's second use case): when stock arrives, held orders are topped up in release order
 * (lib/backorder planRelease, one store call), each is decided (decideRelease), and its status, hold, new allocation
 * and (for a cancel) the release of its reservations are written in one store transition, a compare-and-set from
 * backordered, so each is released once.
 */
import { allocationFromReserveResult, sameAllocation } from '../allocation';
import { allocatedLines, decideRelease, planRelease, RESERVE_ALLOW_PARTIAL, type PolicyConfig, type RouteLine } from '../backorder';
import type { AllocationAnnotation, CanonicalOrder, OrderLine } from '../order/types';
import { lineIdOf, reserveLinesOf } from '../stock/bundles';
import type { ReserveRequest, Store, StoredOrder, TransitionRequest } from '../store/types';
import { shipmentFor, timelineDetail, type GateOptions, type GateOutcome } from './route-orders';

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
		// One transition per order: the status move (compare-and-set from backordered), the release a cancel asks for,
		// then the new allocation when units came (written whether or not the status moves).
		const gotUnits = !sameAllocation(previous, allocation);
		const request: TransitionRequest = { by: opts.cause };
		if (decision.release) {
			const { to, onlyFrom, hold } = decision.statusChange;
			Object.assign(request, {
				to,
				cause: 'release_held',
				onlyFrom,
				hold,
				detail: { ...timelineDetail(decision.route), releasedBy: 'Release Held', newlyAllocated: decision.newlyAllocated },
				...(to === 'cancelled' ? { release: true } : {}),
			});
		} else if (decision.route.hold && gotUnits) {
			// still held, but some units came: the hold says what the order waits for now (status unchanged)
			Object.assign(request, { to: 'backordered', cause: 'release_held', hold: decision.route.hold, detail: { ...timelineDetail(decision.route), newlyAllocated: decision.newlyAllocated } });
		}
		if (gotUnits) {
			const lines = allocation.lines.map((l) => ({ sku: l.sku, requested: l.requested, allocated: l.allocated, backordered: l.backordered }));
			request.annotate = [{ key: 'allocation', value: allocation, afterStatus: true, event: { detail: { status: allocation.status, releaseHeld: true, lines } } }];
		}
		let stored = s;
		let changed = false;
		if (request.to !== undefined || request.annotate) {
			const result = await store.transition(order.omsId, request);
			stored = result.stored;
			changed = result.changed;
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

/** The allocated units of a held order that no delivery carries yet, as its next shipment; null when there are none */
async function unsentPart(store: Store, order: CanonicalOrder, allocation: AllocationAnnotation): Promise<{ shipmentNo: number; lines: RouteLine[] } | null> {
	const lines = allocatedLines({ omsId: order.omsId, lines: order.lines, allocation });
	if (!lines.length) return null;
	const shipment = await shipmentFor(store, order, lines);
	return shipment.repeat ? null : shipment;
}

function zeroAllocation(lines: OrderLine[]): AllocationAnnotation {
	return {
		status: 'backordered',
		lines: lines.map((l, i) => ({ lineId: lineIdOf(l, i), sku: l.sku, requested: l.quantity, allocated: 0, backordered: l.quantity })),
	};
}
