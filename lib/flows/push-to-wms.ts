/**
 * Push to WMS: orders go to the warehouse through the store's outbox (the rules: lib/wms/outbox.ts).
 *
 * pushOrder: the delivery is written to the outbox first (one per omsId + shipment number, so a second push is the
 * same delivery), then the WMS is called with the delivery's reference. Its answer decides:
 *   created / exists (the WMS already had the reference: a retry after a lost answer)  -> sent, order at_wms
 *   retryable failure (timeout, transport, 5xx, 429, throttled, malformed)              -> pending, next try by backoff
 *   refusal (4xx: the WMS will refuse it again)                                          -> failed, with the error
 *   the last allowed attempt fails                                                       -> failed, with the error
 * An answer is recorded in ONE store transition: sent + at_wms + the wms annotation, or the failed attempt + its
 * timeline event. retryPending claims due deliveries (with a lease, so two workers never send the same one at once)
 * and does the same. Nothing is lost: a crash between the outbox write and the call leaves a pending delivery a later
 * run sends, and the reference makes that send a no-op on the WMS side if the first one got through.
 */
import type { CanonicalOrder, OrderLine } from '../order/types';
import { ENDED, PRE_WMS } from '../order/status';
import type { Delivery, Store, StoredOrder, TransitionRequest, TransitionResult } from '../store/types';
import { apiFailureOf, type ApiFailure } from '../http/errors';
import { referenceFor } from '../wms/status';
import type { CreateOrderResult, WmsProvider } from '../wms/types';
import { cancelAtWms } from './cancel-at-wms';
import { deliveriesOf, errorText, isRetryable, mergeAnnotation, nextAttemptAt, whyNotSendable, type BackoffPolicy } from '../wms/outbox';

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
			// failed for good, the order held for it (wms_failed): the delivery's own failure, not "not ready" (OMS Order >
			// Release queues it again once the cause is fixed)
			if (existing?.status === 'failed' && stored?.hold?.reason === 'wms_failed') {
				return { ...base, outcome: 'failed', delivery: existing, wmsOrderId: null, error: `${existing.lastError ?? 'delivery failed'} (the order is held until OMS Order > Release)` };
			}
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
		// the attempt and its timeline event in one transaction (an order not in the store: only the attempt). Failed for
		// good: in the same transaction the order goes on hold (wms_failed, the WMS's words as the detail) for a person to
		// fix and release (OMS Order > Release); the table allows it only from ready, so a later shipment of an order
		// already at the WMS leaves the order where it is (the failed delivery shows in the Attention queue)
		const failedAttempt = { id: delivery.id, failed: { error: message, nextAttemptAt: next } };
		const failed =
			known || (await store.getOrder(order.omsId))
				? (await store.transition(order.omsId, {
						by: cause,
						delivery: failedAttempt,
						events: [{ type: 'wms', detail: { provider: provider.name, reference: delivery.reference, error: message, attempts, nextAttemptAt: next, retryable } }],
						...(next === null ? wmsFailedHold(delivery.reference, message, now) : {}),
					})).delivery!
				: await store.markDeliveryAttemptFailed(delivery.id, message, next);
		return { ...base, outcome: next ? 'retry_scheduled' : 'failed', delivery: failed, wmsOrderId: null, error: message, failure: apiFailureOf(err) };
	}
	// The WMS has it: the delivery is sent, the order at_wms and its wms annotation names the reference, in one
	// transaction (an order not in the store: only the delivery), so nothing after this can make the outbox send it again
	const moved = known || (await store.getOrder(order.omsId)) ? await movedToWms(store, provider.name, order.omsId, delivery.reference, r.wmsOrderId, r.outcome, cause, delivery.id) : null;
	const sent = moved ? moved.delivery! : await store.markDeliverySent(delivery.id, r.wmsOrderId);
	// the order ended while this attempt was on its way (a channel's cancel found the delivery leased, Apply Channel
	// Change): the warehouse must not keep it, so its cancel is owed now and asked at once (the WMS outbox asks again
	// while the WMS does not answer; never answered: in the Attention queue)
	if (moved && ENDED.includes(moved.stored.status)) await cancelAtWms(store, provider, order.omsId, { cause, now, backoff, why: 'the order ended while it was being sent to the WMS' });
	return { ...base, outcome: r.outcome, delivery: sent, wmsOrderId: r.wmsOrderId, error: null };
}

/** The hold a delivery failed for good puts its (ready) order on: reason wms_failed, the WMS's words as the detail. */
function wmsFailedHold(reference: string, message: string, now: string): Pick<TransitionRequest, 'to' | 'cause' | 'hold' | 'onlyFrom' | 'detail'> {
	return {
		to: 'on_hold',
		cause: 'wms_failed',
		onlyFrom: ['ready'],
		hold: { reason: 'wms_failed', since: now, detail: message },
		detail: { reference, error: message },
	};
}

/**
 * A delivery went: the order moves to at_wms (from a pre-WMS status only: the transition table's sent_to_wms) and its
 * wms annotation gets the reference, with the delivery marked sent when `deliveryId` is given; one transaction.
 */
function movedToWms(store: Store, provider: string, omsId: string, reference: string, wmsOrderId: string | null, outcome: PushOutcome, cause: string, deliveryId?: number): Promise<TransitionResult> {
	return store.transition(omsId, {
		to: 'at_wms',
		cause: 'sent_to_wms',
		by: cause,
		detail: { provider, reference, wmsOrderId, outcome },
		...(deliveryId === undefined ? {} : { delivery: { id: deliveryId, sent: { wmsOrderId } } }),
		annotate: [
			{
				key: 'wms',
				afterStatus: true,
				event: { type: 'wms', detail: { reference, outcome } },
				update: (_current, stored) => {
					const wms = mergeAnnotation(stored.order.wms, provider, reference, { status: 'at_wms', rawStatus: null, wmsOrderId }, []);
					return wms.changed ? wms.value : undefined;
				},
			},
		],
	});
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
