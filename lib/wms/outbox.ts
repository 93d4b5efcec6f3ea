/**
 * Pushing orders to the WMS through the store's outbox, and applying what the WMS says back, forward only.
 *
 * pushOrder: the delivery is written to the outbox first (one per omsId + shipment number, so a second push is the
 * same delivery), then the WMS is called with the delivery's reference. Its answer decides:
 *   created / exists (the WMS already had the reference: a retry after a lost answer)  -> sent, order at_wms
 *   retryable failure (timeout, transport, 5xx, 429, throttled, malformed)              -> pending, next try by backoff
 *   refusal (4xx: the WMS will refuse it again)                                          -> failed, with the error
 *   the last allowed attempt fails                                                       -> failed, with the error
 * retryPending claims due deliveries (with a lease, so two workers never send the same one at once) and does the
 * same. Nothing is lost: a crash between the outbox write and the call leaves a pending delivery a later run sends,
 * and the reference makes that send a no-op on the WMS side if the first one got through.
 *
 * applyUpdates: every package is recorded once (its packageKey is unique), shipped units are committed once, and
 * the order's status only moves forward; an update that arrives late never downgrades the order nor replaces a
 * package already recorded. For a split order the order moves as far as its least advanced WMS order.
 */
import type { CanonicalOrder, OrderLine, WmsAnnotation } from '../order/types';
import type { Delivery, Store, StoredOrder, StoredShipment } from '../store/types';
import { fromStatusesFor, PRE_WMS, PUSHABLE_FIRST, PUSHABLE_LATER, WMS_CANCELLABLE, type OmsStatus } from '../order/status';
import { canAdvance, laterStatus, referenceFor, statusRank, type WmsStatus } from './status';
import { WmsError, type CreateOrderResult, type WmsOrderUpdate, type WmsProvider } from './types';
import { apiFailureOf, type ApiFailure } from '../http/errors';
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

export interface PushOptions {
	shipmentNo?: number;
	/** A split shipment: only these lines go in this WMS order */
	lines?: OrderLine[];
	/** ISO time used for the outbox's schedule; default now */
	now?: string;
	backoff?: BackoffPolicy;
	/** Check the stored order is ready before anything is written; default true */
	requireReady?: boolean;
	/** A delivery already queued (pending) is left to retryPending unless this is set; default false */
	sendQueued?: boolean;
	/** Lease taken on the delivery while the WMS is called (seconds); default 120 */
	leaseSeconds?: number;
	cause?: string;
}

export type PushOutcome = 'created' | 'exists' | 'already_sent' | 'queued' | 'retry_scheduled' | 'failed' | 'refused';

export interface PushResult {
	outcome: PushOutcome;
	omsId: string;
	reference: string;
	delivery: Delivery | null;
	wmsOrderId: string | null;
	/** For retry_scheduled / failed / refused: why (never a secret) */
	error: string | null;
	/** When the WMS call itself failed: its HTTP status and own words (lib/http/errors apiFailureOf), for the node's NodeApiError */
	failure?: ApiFailure | null;
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

/** Sent: the order moves to at_wms from these (lib/order/status.ts, cause sent_to_wms) */
export { PRE_WMS };


export function nextAttemptAt(now: string, attempts: number, policy: BackoffPolicy = {}): string | null {
	const max = policy.maxAttempts ?? 8;
	if (attempts >= max) return null;
	const base = policy.baseMs ?? 30_000;
	const cap = policy.maxMs ?? 3_600_000;
	const r = (policy.random ?? Math.random)();
	const delay = Math.min(cap, base * 2 ** Math.max(0, attempts - 1) * (0.5 + r / 2));
	return new Date(Date.parse(now) + Math.round(delay)).toISOString();
}

function errorText(err: unknown): string {
	if (err instanceof Error) return err.message.slice(0, 1000);
	return String(err).slice(0, 1000);
}

function isRetryable(err: unknown): boolean {
	if (err instanceof WmsError) return err.retryable;
	const e = err as { retryable?: unknown; code?: unknown };
	if (typeof e?.retryable === 'boolean') return e.retryable;
	// unknown failures (a bug, a transport error without our wrapper): try again later rather than lose the order
	return true;
}

export async function pushOrder(store: Store, provider: WmsProvider, order: CanonicalOrder, opts: PushOptions = {}): Promise<PushResult> {
	const shipmentNo = opts.shipmentNo ?? 1;
	const reference = referenceFor(order.omsId, shipmentNo);
	const now = opts.now ?? new Date().toISOString();
	const base = { omsId: order.omsId, reference };
	// the stored order is the system of record: it is what goes to the WMS when the store has it
	let toSend = order;
	let stored: StoredOrder | null = null;
	if (opts.requireReady !== false) {
		stored = await store.getOrder(order.omsId);
		if (stored) toSend = stored.order;
		// a later shipment is checked against the order's other shipments: never more units than were allocated
		const others = shipmentNo > 1 && stored ? await deliveriesOf(store, order.omsId) : [];
		const why = order.readiness === 'cancelled' && stored ? 'the order is cancelled on its channel' : whyNotSendable(stored, shipmentNo, opts.lines, others);
		if (why) {
			// a delivery already sent stays sent (a repeat push after at_wms is not an error)
			const existing = await store.getDelivery(order.omsId, shipmentNo);
			if (existing?.status === 'sent') return { ...base, outcome: 'already_sent', delivery: existing, wmsOrderId: existing.wmsOrderId, error: null };
			return { ...base, outcome: 'refused', delivery: null, wmsOrderId: null, error: why };
		}
	}
	const { delivery, created } = await store.enqueueDelivery({
		omsId: order.omsId,
		shipmentNo,
		provider: provider.name,
		reference,
		payload: opts.lines ? { lines: opts.lines as unknown as Record<string, unknown>[] } : null,
	});
	if (delivery.status === 'sent') {
		// sent, but the order never moved on (the process died between the two writes): finish that now
		if (stored && PRE_WMS.includes(stored.status)) await movedToWms(store, provider.name, order.omsId, delivery.reference, delivery.wmsOrderId, 'already_sent', opts.cause ?? 'wms.push');
		return { ...base, reference: delivery.reference, outcome: 'already_sent', delivery, wmsOrderId: delivery.wmsOrderId, error: null };
	}
	if (delivery.status === 'failed' || delivery.status === 'cancelled') {
		return { ...base, reference: delivery.reference, outcome: 'failed', delivery, wmsOrderId: null, error: delivery.lastError ?? `delivery is ${delivery.status}` };
	}
	if (!created && !opts.sendQueued) {
		// already in the outbox and not sent: retryPending sends it when due (under a lease, so two workers never send
		// the same delivery at once; a WMS without server-side dedup, like Extensiv, must not get two racing creates)
		return { ...base, reference: delivery.reference, outcome: 'queued', delivery, wmsOrderId: null, error: delivery.lastError };
	}
	// Claim it under the outbox lease before calling the WMS: a retryPending running meanwhile (another worker, a
	// schedule) could otherwise claim this brand-new delivery and send it too (Extensiv would make two orders)
	const claimed = await store.claimDelivery(delivery.id, now, opts.leaseSeconds ?? 120);
	if (!claimed) {
		const current = (await store.getDelivery(order.omsId, shipmentNo)) ?? delivery;
		if (current.status === 'sent') return { ...base, reference: current.reference, outcome: 'already_sent', delivery: current, wmsOrderId: current.wmsOrderId, error: null };
		if (current.status === 'failed' || current.status === 'cancelled') {
			return { ...base, reference: current.reference, outcome: 'failed', delivery: current, wmsOrderId: null, error: current.lastError ?? `delivery is ${current.status}` };
		}
		return { ...base, reference: current.reference, outcome: 'queued', delivery: current, wmsOrderId: null, error: current.lastError };
	}
	return attempt(store, provider, toSend, claimed, opts.lines, now, opts.backoff, opts.cause ?? 'wms.push', opts.requireReady !== false);
}

async function attempt(
	store: Store,
	provider: WmsProvider,
	order: CanonicalOrder,
	delivery: Delivery,
	lines: OrderLine[] | undefined,
	now: string,
	backoff: BackoffPolicy | undefined,
	cause: string,
	/** the order is known to be in the store (saves a read) */
	known = false,
): Promise<PushResult> {
	const base = { omsId: order.omsId, reference: delivery.reference };
	let r: CreateOrderResult;
	try {
		r = await provider.createOrder(order, { reference: delivery.reference, shipmentNo: delivery.shipmentNo, lines });
	} catch (err) {
		const message = errorText(err);
		const attempts = delivery.attempts + 1;
		const retryable = isRetryable(err);
		const next = retryable ? nextAttemptAt(now, attempts, backoff) : null;
		const failed = await store.markDeliveryAttemptFailed(delivery.id, message, next);
		if (known || (await store.getOrder(order.omsId))) {
			await store.addEvent(order.omsId, 'wms', {
				cause,
				detail: { provider: provider.name, reference: delivery.reference, error: message, attempts, nextAttemptAt: next, retryable },
			});
		}
		return { ...base, outcome: next ? 'retry_scheduled' : 'failed', delivery: failed, wmsOrderId: null, error: message, failure: apiFailureOf(err) };
	}
	// The WMS has it: record that first, so nothing after this can make the outbox send it again
	const sent = await store.markDeliverySent(delivery.id, r.wmsOrderId);
	if (known || (await store.getOrder(order.omsId))) await movedToWms(store, provider.name, order.omsId, delivery.reference, r.wmsOrderId, r.outcome, cause);
	return { ...base, outcome: r.outcome, delivery: sent, wmsOrderId: r.wmsOrderId, error: null };
}

/** A delivery went: the order moves to at_wms (from a pre-WMS status only) and its wms annotation gets the reference */
async function movedToWms(store: Store, provider: string, omsId: string, reference: string, wmsOrderId: string | null, outcome: PushOutcome, cause: string): Promise<void> {
	const moved = await store.setStatus(omsId, 'at_wms', { onlyFrom: PRE_WMS, cause, detail: { provider, reference, wmsOrderId, outcome } });
	const wms = mergeAnnotation(moved.stored.order.wms, provider, reference, { status: 'at_wms', rawStatus: null, wmsOrderId }, []);
	if (wms.changed) await store.annotate(omsId, 'wms', wms.value, { type: 'wms', cause, detail: { reference, outcome } });
}

export interface RetrySummary {
	claimed: number;
	sent: number;
	retryScheduled: number;
	failed: number;
	/** Claimed but left pending: deliveries of a provider this run has no client for */
	skipped: number;
	results: PushResult[];
}

/** Send every due pending delivery (oldest first); providers by name */
export async function retryPending(
	store: Store,
	providers: Record<string, WmsProvider> | ((name: string) => WmsProvider | undefined),
	opts: {
		now?: string;
		limit?: number;
		leaseSeconds?: number;
		backoff?: BackoffPolicy;
		cause?: string;
		/** Claim only these providers' deliveries (default: the keys of `providers` when it is a record) */
		only?: string[];
	} = {},
): Promise<RetrySummary> {
	const now = opts.now ?? new Date().toISOString();
	const only = opts.only ?? (typeof providers === 'function' ? undefined : Object.keys(providers));
	const due = await store.claimDueDeliveries(now, opts.limit ?? 100, opts.leaseSeconds ?? 120, only);
	const summary: RetrySummary = { claimed: due.length, sent: 0, retryScheduled: 0, failed: 0, skipped: 0, results: [] };
	const lookup = typeof providers === 'function' ? providers : (n: string) => providers[n];
	for (const d of due) {
		const base = { omsId: d.omsId, reference: d.reference, wmsOrderId: null };
		const provider = lookup(d.provider);
		const stored = await store.getOrder(d.omsId);
		let result: PushResult;
		if (!provider) {
			// no client for it in this run (another WMS node's delivery): not an attempt, so it costs none of its
			// attempts; it stays pending and is claimable again when this run's lease ends
			summary.skipped++;
			summary.results.push({ ...base, outcome: 'queued', delivery: d, error: `no ${d.provider} provider in this run; left pending` });
			continue;
		} else if (!stored || stored.status === 'cancelled' || stored.status === 'rejected' || stored.order.readiness === 'cancelled') {
			const why = !stored ? 'the order is no longer in the OMS store' : `the order is ${stored.status === 'rejected' ? 'rejected' : 'cancelled'}; not sent`;
			const next = await store.markDeliveryAttemptFailed(d.id, why, null);
			result = { ...base, outcome: 'failed', delivery: next, error: why };
		} else {
			const lines = Array.isArray(d.payload?.lines) ? (d.payload!.lines as unknown as OrderLine[]) : undefined;
			result = await attempt(store, provider, stored.order, d, lines, now, opts.backoff, opts.cause ?? 'wms.retry', true);
		}
		if (result.outcome === 'created' || result.outcome === 'exists') summary.sent++;
		else if (result.outcome === 'retry_scheduled') summary.retryScheduled++;
		else summary.failed++;
		summary.results.push(result);
	}
	return summary;
}

// ---------------------------------------------------------------- updates

function latest(a: string | null | undefined, b: string | null | undefined): string | null {
	if (!a) return b ?? null;
	if (!b) return a;
	return Date.parse(b) > Date.parse(a) ? b : a;
}

interface RefState {
	status: WmsStatus;
	rawStatus: string | null;
	wmsOrderId: string | null;
	updatedAt?: string | null;
}

/** The wms annotation with this reference's state moved forward and new packages added (never replaced) */
function mergeAnnotation(
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

export interface ApplyResult {
	omsId: string;
	reference: string;
	/** unknown: no such order in the store (not ours); skipped: nothing new */
	outcome: 'applied' | 'unchanged' | 'unknown';
	from: OmsStatus | null;
	to: OmsStatus | null;
	statusChanged: boolean;
	newShipments: StoredShipment[];
}

export interface ApplySummary {
	results: ApplyResult[];
	/** Packages seen for the first time, oldest update first: each one once, for the marketplace's Confirm Shipment */
	newShipments: StoredShipment[];
}

export async function applyUpdates(store: Store, updates: WmsOrderUpdate[], opts: { provider?: string; cause?: string } = {}): Promise<ApplySummary> {
	const cause = opts.cause ?? 'wms.updates';
	const summary: ApplySummary = { results: [], newShipments: [] };
	for (const u of updates) {
		const stored = await store.getOrder(u.omsId);
		if (!stored) {
			summary.results.push({ omsId: u.omsId, reference: u.reference, outcome: 'unknown', from: null, to: null, statusChanged: false, newShipments: [] });
			continue;
		}
		const provider = opts.provider ?? stored.order.wms?.provider ?? 'wms';
		const fresh: StoredShipment[] = [];
		for (const p of u.shipments) {
			const lines = p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, ...(l.lineId ? { lineId: l.lineId } : {}) }));
			const rec = await store.recordShipment({
				omsId: u.omsId,
				packageKey: p.packageKey,
				provider,
				carrier: p.carrier,
				trackingNumber: p.trackingNumber,
				trackingUrl: p.trackingUrl,
				shippedAt: p.shippedAt,
				lines,
			});
			// reservations become shipped stock once per package (idempotent in the store as well)
			await store.commitShipment(u.omsId, p.packageKey, lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), { cause });
			if (rec.created) fresh.push(rec.shipment);
		}
		const merged = mergeAnnotation(
			stored.order.wms,
			provider,
			u.reference,
			{ status: u.status, rawStatus: u.rawStatus, wmsOrderId: u.wmsOrderId, updatedAt: u.updatedAt },
			u.shipments.map((p) => ({ packageKey: p.packageKey, carrier: p.carrier, trackingNumber: p.trackingNumber, trackingUrl: p.trackingUrl, shippedAt: p.shippedAt, lines: p.lines })),
		);
		if (merged.changed) await store.annotate(u.omsId, 'wms', merged.value, { type: 'wms', cause, detail: { reference: u.reference, status: u.status, rawStatus: u.rawStatus } });
		let statusChanged = false;
		let from: OmsStatus = stored.status;
		let to: OmsStatus = stored.status;
		if (canAdvance(stored.status, merged.orderStatus)) {
			// compare-and-set: only from a status that is still behind the target (the transition table's wms_progress and
			// wms_cancelled rows: a backordered order, its allocated part at the WMS and the rest waiting in the OMS, keeps
			// waiting; only a cancellation moves it from there, and Release Held moves it on when its units come)
			const behind = fromStatusesFor(merged.orderStatus, merged.orderStatus === 'cancelled' ? 'wms_cancelled' : 'wms_progress');
			const r = await store.setStatus(u.omsId, merged.orderStatus, {
				onlyFrom: behind,
				cause,
				detail: { reference: u.reference, rawStatus: u.rawStatus },
				...(merged.orderStatus !== 'cancelled' && stored.hold ? { hold: null } : {}),
			});
			statusChanged = r.changed;
			from = r.from;
			to = r.changed ? r.to : r.from;
			// the warehouse cancelled it: its reserved units go back to available-to-promise
			if (r.changed && r.to === 'cancelled') await store.release(u.omsId, undefined, { cause });
		}
		summary.results.push({ omsId: u.omsId, reference: u.reference, outcome: statusChanged || fresh.length || merged.changed ? 'applied' : 'unchanged', from, to, statusChanged, newShipments: fresh });
		summary.newShipments.push(...fresh);
	}
	return summary;
}

export interface CancelAtWmsResult {
	omsId: string;
	/** every WMS order (reference) of the order said it is cancelled, or was never sent */
	cancelled: boolean;
	statusChanged: boolean;
	references: Array<{ reference: string; shipmentNo: number; outcome: 'cancelled' | 'not_cancelled' | 'not_sent'; rawStatus: string | null; error: string | null; failure?: ApiFailure | null }>;
}

/**
 * Cancel an order at the WMS: every sent delivery (shipment 1, 2, ...) is cancelled there; a pending one is failed
 * so the outbox never sends it. The order moves to cancelled (and its reservations are released) only when the
 * WMS cancelled all of it; a WMS order already shipped stays, and is reported as not_cancelled.
 */
export async function cancelAtWms(store: Store, provider: WmsProvider, omsId: string, opts: { cause?: string; maxShipments?: number } = {}): Promise<CancelAtWmsResult> {
	const cause = opts.cause ?? 'wms.cancel';
	const out: CancelAtWmsResult = { omsId, cancelled: true, statusChanged: false, references: [] };
	for (let n = 1; n <= (opts.maxShipments ?? 50); n++) {
		const d = await store.getDelivery(omsId, n);
		if (!d) break;
		if (d.status !== 'sent') {
			if (d.status === 'pending') await store.markDeliveryAttemptFailed(d.id, 'cancelled in the OMS before it was sent', null);
			out.references.push({ reference: d.reference, shipmentNo: n, outcome: 'not_sent', rawStatus: null, error: null });
			continue;
		}
		const r = await provider.cancelOrder({ reference: d.reference, wmsOrderId: d.wmsOrderId ?? undefined }).catch((err: unknown) => err as Error);
		if (r instanceof Error) {
			out.cancelled = false;
			out.references.push({ reference: d.reference, shipmentNo: n, outcome: 'not_cancelled', rawStatus: null, error: errorText(r), failure: apiFailureOf(r) });
		} else {
			if (!r.cancelled) out.cancelled = false;
			out.references.push({ reference: d.reference, shipmentNo: n, outcome: r.cancelled ? 'cancelled' : 'not_cancelled', rawStatus: r.rawStatus, error: null });
		}
	}
	if (await store.getOrder(omsId)) {
		// the timeline keeps what it always did (the failure's words are in `error`)
		await store.addEvent(omsId, 'wms', { cause, detail: { cancel: out.references.map((r) => ({ reference: r.reference, shipmentNo: r.shipmentNo, outcome: r.outcome, rawStatus: r.rawStatus, error: r.error })) } });
		if (out.cancelled) {
			const r = await store.setStatus(omsId, 'cancelled', { onlyFrom: WMS_CANCELLABLE, cause });
			out.statusChanged = r.changed;
			if (r.changed) await store.release(omsId, undefined, { cause });
		}
	}
	return out;
}

/** Get Updates as one step: read the cursor, pull, apply, store the new cursor (after applying, so a crash re-pulls) */
export async function pullUpdates(store: Store, provider: WmsProvider, opts: { cursorName?: string; cause?: string } = {}): Promise<ApplySummary & { cursor: string | null }> {
	const name = opts.cursorName ?? `wms:${provider.name}:updates`;
	const cursor = await store.getCursor(name);
	const page = await provider.getShipmentUpdates(cursor);
	const applied = await applyUpdates(store, page.updates, { provider: provider.name, cause: opts.cause });
	if (page.cursor && page.cursor !== cursor) await store.setCursor(name, page.cursor);
	return { ...applied, cursor: page.cursor };
}
