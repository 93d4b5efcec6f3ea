/**
 * Release Held: when stock arrives, re-allocate held orders in a fair, documented order and decide which of them
 * leave the Backorder queue.
 *
 * ORDER (planRelease): orders of the priority channels first, in the order the channels are listed; within a group
 * oldest placedAt first; ties by omsId. Orders whose placedAt cannot be parsed go last in their group.
 *
 * WHAT THE FLOW DOES FOR EACH ORDER (lib/flows/release-held.ts), in that order (the exactly-once part is the store's):
 *  1. Store.reserve with mode 'topUp' and every line at its full quantity: the store counts what is reserved or
 *     already shipped for a line as allocated and reserves only the rest (atomic per request);
 *     allocationFromReserveResult(result) -> the new allocation.
 *  2. decideRelease(...) -> whether the order leaves the queue, what to ship now, the status to set.
 *  3. When `release` is true: Store.transition(omsId, { to: decision.statusChange.to, cause: 'release_held',
 *     onlyFrom: ['backordered'], hold: decision.statusChange.hold }) - compare-and-set from 'backordered', with the
 *     new allocation (and, for a cancel, the release of the reservations) in the same transaction. Emit the order on Ready/Partial
 *     ONLY when that call answers changed: true. A second Release Held (or a second worker racing this one) finds
 *     the status no longer 'backordered' and emits nothing: released once, never twice.
 *     A ship_available order that gets some but not all of its missing units stays 'backordered' (to = from);
 *     for it the exactly-once guard is the outbox: the shipment is lib/wms nextShipment (the allocated units no
 *     delivery of the order carries yet, as the next shipment number; a repeat finds them all carried and answers
 *     the latest delivery again), enqueueDelivery(omsId, shipmentNo) is idempotent, and the outbox refuses a later
 *     shipment that would take the order past its allocation, so a repeat produces no second WMS order.
 *  4. When `release` is false: annotate the new allocation (units may have been added) and keep the hold.
 */
import type { AllocationAnnotation, CanonicalOrder } from '../order/types';
import { fromStatusesFor, type Hold, type OmsStatus } from '../order/status';
import { allocationLines, routeOrder, type PolicyConfig, type RouteLine, type RouteOptions, type RouteResult } from './route';

export interface HeldOrderRef {
	omsId: string;
	channel: string;
	placedAt: string;
}

export interface PlanOptions<T> {
	/** Channels whose held orders go first, in this order */
	priorityChannels?: string[];
	/** How to read omsId/channel/placedAt from an item (default: the item itself, or item.order for a StoredOrder) */
	ref?: (item: T) => HeldOrderRef;
	/** At most this many (after ordering) */
	limit?: number;
}

function defaultRef(item: unknown): HeldOrderRef {
	const o = item as { order?: HeldOrderRef } & HeldOrderRef;
	return o.order && typeof o.order === 'object' ? o.order : o;
}

/** Held orders in release order (a new array; the input is not changed). See ORDER above. */
export function planRelease<T>(held: T[], opts: PlanOptions<T> = {}): T[] {
	const ref = opts.ref ?? (defaultRef as (t: T) => HeldOrderRef);
	const rank = new Map<string, number>();
	(opts.priorityChannels ?? []).forEach((c, i) => {
		if (!rank.has(c)) rank.set(c, i);
	});
	const keyed = held.map((item) => {
		const r = ref(item);
		const t = Date.parse(r.placedAt);
		return { item, group: rank.get(r.channel) ?? rank.size, t: Number.isNaN(t) ? Infinity : t, omsId: r.omsId };
	});
	keyed.sort((a, b) => a.group - b.group || (a.t === b.t ? 0 : a.t < b.t ? -1 : 1) || (a.omsId < b.omsId ? -1 : a.omsId > b.omsId ? 1 : 0));
	const out = keyed.map((k) => k.item);
	return opts.limit !== undefined ? out.slice(0, Math.max(0, opts.limit)) : out;
}

export interface ReleaseDecision {
	/** true: the order leaves Backorder now (emit it on `route.output` once the compare-and-set succeeds) */
	release: boolean;
	/** The route with the new allocation; for ship_available its shipmentLines are only the NEW units */
	route: RouteResult;
	/** Units allocated by this re-allocation, per line */
	newlyAllocated: RouteLine[];
	/** What the node sets, compare-and-set from 'backordered' */
	statusChange: { to: OmsStatus; onlyFrom: OmsStatus[]; hold: Hold | null };
}

/**
 * Decide, after re-allocation, whether a held order is released and what ships now.
 * - ship_complete: released (Ready) only when every line is allocated; ships every line.
 * - ship_available: released to Ready when the last missing unit arrived, else to Partial when any new unit was
 *   allocated (the previous allocated units already went to the WMS), shipping only the new units; otherwise still
 *   held. A Partial release keeps status 'backordered' (see step 3 above).
 * - cancel_unavailable (held only when nothing could be allocated): released as Ready or Partial (with the
 *   missing quantities to cancel) once anything is allocated.
 * `previous` is the allocation before this re-allocation; `order.allocation` the new one.
 */
export function decideRelease(
	order: Pick<CanonicalOrder, 'omsId' | 'channel' | 'lines'> & { allocation?: AllocationAnnotation },
	previous: AllocationAnnotation,
	policy: PolicyConfig,
	opts: RouteOptions,
): ReleaseDecision {
	const route = routeOrder(order, policy, opts);
	const now = allocationLines(order);
	const before = allocationLines({ omsId: order.omsId, lines: order.lines, allocation: previous });
	const newlyAllocated: RouteLine[] = [];
	now.forEach((l, i) => {
		const b = before[i];
		const add = l.allocated - (b && b.sku === l.sku ? b.allocated : 0);
		if (add > 0) newlyAllocated.push({ lineId: l.lineId, sku: l.sku, quantity: add });
	});
	let release = route.output !== 'backorder';
	let r = route;
	if (route.policy === 'ship_available') {
		// What was allocated before has already been sent as an earlier shipment.
		const hadShipment = before.some((l) => l.allocated > 0);
		if (hadShipment) r = { ...route, shipmentLines: newlyAllocated };
		if (route.output === 'partial' && newlyAllocated.length === 0) {
			release = false;
			r = { ...r, output: 'backorder', shipmentLines: [], reason: `still waiting: no new units (${route.reason})` };
		}
	}
	if (route.output === 'backorder' && route.status === 'cancelled') release = true;
	return {
		release,
		route: r,
		newlyAllocated,
		statusChange: { to: r.status, onlyFrom: fromStatusesFor(r.status, 'release_held'), hold: r.hold },
	};
}
