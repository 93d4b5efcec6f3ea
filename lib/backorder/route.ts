/**
 * Route: where an order goes after Reserve (backorderGate outputs Ready, Partial, Backorder), by backorder policy.
 *
 * Decision table (every line "allocated" means allocated === requested; lines asking for 0 are ignored):
 *
 * | allocation         | ship_complete                 | ship_available                      | cancel_unavailable                       |
 * |--------------------|-------------------------------|-------------------------------------|------------------------------------------|
 * | every line         | ready      / status ready     | ready      / status ready           | ready      / status ready                |
 * | some units         | backorder  / backordered+hold | partial    / backordered+hold (a)   | partial    / status ready, cancelLines   |
 * | nothing            | backorder  / backordered+hold | backorder  / backordered+hold       | backorder  / backordered+hold (b)        |
 *
 * (a) ship_available: the Partial output carries the shipment request for the allocated lines (the order's first
 *     shipment); the rest stays backordered IN THE OMS: the order's status is 'backordered' with an
 *     out_of_stock hold, so the backorder is visible and Release Held finds it. The WMS delivery of the first
 *     shipment goes through the outbox (shipment 1) whatever the order's status.
 * (b) cancel_unavailable with nothing allocated: by default the order is HELD, not cancelled (cancelling a whole
 *     marketplace order hurts the seller's cancellation rate and is better left to a person; the hold is flagged
 *     when overdue). With `cancelWholeOrder: true` it goes to Backorder with every missing unit in cancelLines and
 *     status 'cancelled', no hold.
 *
 * Reservations: a held ship_complete order KEEPS the units it already has (keepReservations: true), as HotWax and
 * OFBiz keep reservations for backorders: a later order cannot take them, so the oldest order completes first and
 * Release Held only has to find what is missing. Reserve should therefore run with allowPartial: true for every
 * policy (RESERVE_ALLOW_PARTIAL). For cancel_unavailable, the missing quantities were never reserved, so
 * nothing needs releasing; the allocated lines keep theirs for the shipment.
 *
 * Overdue: a hold is overdue when it has lasted MORE than `holdDays` days (since `heldSince`, or now for a new
 * hold). holdDays null/undefined: never overdue.
 */
import { DateTime } from 'luxon';
import type { AllocationAnnotation, CanonicalOrder } from '../order/types';
import type { Hold, OmsStatus } from '../order/status';

export const BACKORDER_POLICIES = ['ship_complete', 'ship_available', 'cancel_unavailable'] as const;
export type BackorderPolicy = (typeof BACKORDER_POLICIES)[number];

/** One policy for all, or a default with per-channel exceptions. */
export type PolicyConfig = BackorderPolicy | { default: BackorderPolicy; byChannel?: Record<string, BackorderPolicy> };

export interface RouteOptions {
	/** ISO timestamp or Date: the time of routing (no wall clock is read here) */
	now: string | Date;
	/** Flag holds longer than this many days; null/undefined = never */
	holdDays?: number | null;
	/** When the current hold began (from the stored order's hold.since); a new hold starts at `now` */
	heldSince?: string | null;
	/** cancel_unavailable only: cancel the whole order when nothing could be allocated (default false: hold it) */
	cancelWholeOrder?: boolean;
}

export interface RouteLine {
	lineId: string | null;
	sku: string;
	quantity: number;
}

export interface BackorderedLine {
	lineId: string | null;
	sku: string;
	requested: number;
	allocated: number;
	/** Units this line waits for */
	backordered: number;
}

export type RouteOutput = 'ready' | 'partial' | 'backorder';

export interface RouteResult {
	output: RouteOutput;
	policy: BackorderPolicy;
	/** What goes to the WMS now (Ready: every line; Partial: the allocated units); empty on Backorder */
	shipmentLines: RouteLine[];
	/** Lines still waiting for units in the OMS (empty when nothing waits) */
	backorderedLines: BackorderedLine[];
	/** cancel_unavailable: the missing quantities to cancel on the channel */
	cancelLines: RouteLine[];
	hold: Hold | null;
	holdOverdue: boolean;
	/** Days the hold has lasted (0 for a new hold), null when not held */
	heldDays: number | null;
	/** The OMS status to set */
	status: OmsStatus;
	/** Whether the order's existing reservations stay in place (false only when the whole order is cancelled) */
	keepReservations: boolean;
	/** One sentence for the timeline */
	reason: string;
}

/** Reserve with allowPartial: true under every policy: Route decides what to do with a partial allocation. */
export const RESERVE_ALLOW_PARTIAL = true;

export class RouteError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RouteError';
	}
}

export function isBackorderPolicy(p: unknown): p is BackorderPolicy {
	return typeof p === 'string' && (BACKORDER_POLICIES as readonly string[]).includes(p);
}

/** The policy for a channel: its exception, else the default. Throws on an unknown policy name. */
export function policyFor(channel: string, config: PolicyConfig): BackorderPolicy {
	const p = typeof config === 'string' ? config : (config.byChannel?.[channel] ?? config.default);
	if (!isBackorderPolicy(p)) {
		throw new RouteError(`unknown backorder policy ${JSON.stringify(p)} for channel "${channel}" (use ${BACKORDER_POLICIES.join(', ')})`);
	}
	return p;
}

function toDateTime(t: string | Date, what: string): DateTime {
	const d = t instanceof Date ? DateTime.fromJSDate(t, { zone: 'utc' }) : DateTime.fromISO(t, { zone: 'utc' });
	if (!d.isValid) throw new RouteError(`${what} is not a valid ISO timestamp: ${String(t)}`);
	return d;
}

/** Whole and fractional days a hold has lasted, and whether that is more than holdDays. */
export function holdAge(since: string, now: string | Date, holdDays?: number | null): { days: number; overdue: boolean } {
	const days = toDateTime(now, 'now').diff(toDateTime(since, 'hold since'), 'days').days;
	const overdue = holdDays !== null && holdDays !== undefined && days > holdDays;
	return { days: Math.max(0, days), overdue };
}

interface Line {
	lineId: string | null;
	sku: string;
	requested: number;
	allocated: number;
}

/** The allocation lines with their lineIds (from the allocation line, else the order line at the same place). */
export function allocationLines(order: Pick<CanonicalOrder, 'omsId' | 'lines'> & { allocation?: AllocationAnnotation }): Line[] {
	const a = order.allocation;
	if (!a || !Array.isArray(a.lines)) {
		throw new RouteError(`order ${order.omsId} has no allocation: run the inventoryAllocator's Reserve before routing`);
	}
	return a.lines.map((l, i) => {
		const ok = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
		if (!ok(l.requested) || !ok(l.allocated) || l.allocated > l.requested) {
			throw new RouteError(
				`order ${order.omsId}: allocation line ${i} (${l.sku}) is inconsistent: requested ${l.requested}, allocated ${l.allocated}`,
			);
		}
		const own = typeof l.lineId === 'string' ? l.lineId : null;
		const ol = order.lines?.[i];
		const lineId = own ?? (ol && ol.sku === l.sku ? ol.lineId : null);
		return { lineId, sku: l.sku, requested: l.requested, allocated: l.allocated };
	});
}

/** Every allocated unit of the order, line by line, as shipment lines */
export function allocatedLines(order: Pick<CanonicalOrder, 'omsId' | 'lines'> & { allocation?: AllocationAnnotation }): RouteLine[] {
	return shipmentOf(allocationLines(order));
}

function shipmentOf(lines: Line[]): RouteLine[] {
	return lines.filter((l) => l.allocated > 0).map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.allocated }));
}

/** Route one order (see the decision table at the top of this file). */
export function routeOrder(
	order: Pick<CanonicalOrder, 'omsId' | 'channel' | 'lines'> & { allocation?: AllocationAnnotation },
	policy: PolicyConfig,
	opts: RouteOptions,
): RouteResult {
	const pol = policyFor(order.channel, policy);
	if (opts.holdDays !== null && opts.holdDays !== undefined && !(typeof opts.holdDays === 'number' && opts.holdDays >= 0)) {
		throw new RouteError(`holdDays must be a number of days >= 0 (or empty for never), got ${JSON.stringify(opts.holdDays)}`);
	}
	const now = toDateTime(opts.now, 'now');
	const lines = allocationLines(order).filter((l) => l.requested > 0);
	const short = lines.filter((l) => l.allocated < l.requested);
	const got = lines.reduce((s, l) => s + l.allocated, 0);
	const shipment = (): RouteLine[] => shipmentOf(lines);
	const waiting = (): BackorderedLine[] =>
		short.map((l) => ({ lineId: l.lineId, sku: l.sku, requested: l.requested, allocated: l.allocated, backordered: l.requested - l.allocated }));
	const missing = (): RouteLine[] => short.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.requested - l.allocated }));
	const units = short.reduce((s, l) => s + l.requested - l.allocated, 0);
	const waitText = short.map((l) => `${l.sku} x${l.requested - l.allocated}`).join(', ');

	const base = { policy: pol, cancelLines: [] as RouteLine[], keepReservations: true };
	if (short.length === 0) {
		return {
			...base,
			output: 'ready',
			shipmentLines: shipment(),
			backorderedLines: [],
			hold: null,
			holdOverdue: false,
			heldDays: null,
			status: 'ready',
			reason: lines.length ? 'every line allocated' : 'nothing to allocate',
		};
	}
	const held = (output: RouteOutput, shipmentLines: RouteLine[], reason: string): RouteResult => {
		const since = opts.heldSince ?? now.toISO({ suppressMilliseconds: true }) ?? String(opts.now);
		const age = holdAge(since, now.toJSDate(), opts.holdDays);
		return {
			...base,
			output,
			shipmentLines,
			backorderedLines: waiting(),
			hold: { reason: 'out_of_stock', since, detail: `waiting for ${units} unit(s): ${waitText}` },
			holdOverdue: age.overdue,
			heldDays: age.days,
			status: 'backordered',
			reason,
		};
	};

	if (pol === 'cancel_unavailable') {
		if (got > 0) {
			return {
				...base,
				output: 'partial',
				shipmentLines: shipment(),
				backorderedLines: [],
				cancelLines: missing(),
				hold: null,
				holdOverdue: false,
				heldDays: null,
				status: 'ready',
				reason: `cancel unavailable: ship what is allocated, cancel ${units} unit(s) on the channel (${waitText})`,
			};
		}
		if (opts.cancelWholeOrder) {
			return {
				...base,
				output: 'backorder',
				shipmentLines: [],
				backorderedLines: [],
				cancelLines: missing(),
				keepReservations: false,
				hold: null,
				holdOverdue: false,
				heldDays: null,
				status: 'cancelled',
				reason: `cancel unavailable: nothing allocated, the whole order is cancelled (${waitText})`,
			};
		}
		return held('backorder', [], `cancel unavailable: nothing allocated; held rather than cancelling the whole order (${waitText})`);
	}
	if (got === 0) return held('backorder', [], `nothing allocated; held on backorder (${waitText})`);
	if (pol === 'ship_complete') {
		return held('backorder', [], `ship complete: held until every line is allocated; keeps its ${got} reserved unit(s) (${waitText} missing)`);
	}
	return held('partial', shipment(), `ship available: ships the allocated units now; ${waitText} stay backordered`);
}
