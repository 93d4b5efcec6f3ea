/**
 * Calls the OMS owes a WMS about an order it already has (cancel a WMS order, update its address, tell it a return of
 * the order is coming: lib/flows/return-at-wms.ts), through the WMS
 * outbox's calls (the store's wms_calls; rules: lib/store/rules/wms-calls.ts). The use cases that owe them
 * (cancel-at-wms, apply-channel-change) queue the call and send it at once in the same run; the WMS's answer decides,
 * in ONE store transition with what it means for the order:
 *   did it (cancelled, address updated)         -> sent; a cancel: when every sent part of the order is cancelled, the
 *                                                  order moves to cancelled and its units are released
 *   refused (already picked or shipped, a 4xx)  -> refused, held for a person with the WMS's words (cancel_refused,
 *                                                  address)
 *   no answer (5xx, 429, timeout, transport)    -> pending, next try by the outbox's backoff (a cancel: the order held
 *                                                  cancel_owed meanwhile); the last allowed attempt -> failed, in the
 *                                                  Attention queue
 * retryWmsCalls claims due calls under a lease (WMS > Retry Pending, with the deliveries), so two workers never send
 * the same one at once, and a call answered is never sent again.
 */
import { apiFailureOf, type ApiFailure } from '../http/errors';
import { AT_OR_PAST_WMS, type HoldReason } from '../order/status';
import type { Address } from '../order/types';
import type { StoredOrder, Store, TransitionRequest, WmsCall, WmsCallAttempt } from '../store/types';
import { errorText, isRetryable, nextAttemptAt, type BackoffPolicy } from '../wms/outbox';
import type { ExpectedReturn, WmsProvider } from '../wms/types';
import { answerAfterWmsCancel } from './cancel-answer';

export interface WmsCallOptions {
	/** ISO time of the attempt (the backoff's start); default now */
	now?: string;
	backoff?: BackoffPolicy;
	/** Lease taken on a call while the WMS is asked (seconds); default 120 */
	leaseSeconds?: number;
	/** Who or what (the timeline events' cause) */
	cause?: string;
}

export type WmsCallOutcome = 'sent' | 'refused' | 'retry_scheduled' | 'failed';

export interface WmsCallResult {
	omsId: string;
	kind: WmsCall['kind'];
	reference: string;
	outcome: WmsCallOutcome;
	/** The call after the attempt */
	call: WmsCall;
	/** The WMS's words (a refusal, the failure) */
	error: string | null;
	/** When the WMS call itself failed: its HTTP status and own words */
	failure?: ApiFailure | null;
}

/** What a cancel asks for, for a person reading the hold (the payload's `why`) */
const DEFAULT_WHY = 'cancel asked at the WMS';

/** Hold the order where it is on the WMS leg (the table's channel_change_held), keeping the start of a hold of the same reason. */
/** The move that holds an order where it is for a person after a channel change (a refused cancel, an address the WMS cannot take) */
export function channelChangeHold(stored: StoredOrder, reason: HoldReason, detail: string, since: string): Pick<TransitionRequest, 'to' | 'cause' | 'hold' | 'onlyFrom' | 'detail'> {
	return { to: stored.status, cause: 'channel_change_held', hold: { reason, since, detail }, onlyFrom: [stored.status], detail: { reason: detail } };
}

function holdOn(stored: StoredOrder | null, reason: HoldReason, detail: string, now: string): Pick<TransitionRequest, 'to' | 'cause' | 'hold' | 'onlyFrom' | 'detail'> {
	if (!stored || !AT_OR_PAST_WMS.includes(stored.status)) return {};
	return channelChangeHold(stored, reason, detail, stored.hold?.reason === reason ? stored.hold.since : now);
}

type Answer = { ok: true; done: boolean; words: string | null; answer: Record<string, unknown> } | { ok: false; error: unknown };

async function ask(provider: WmsProvider, call: WmsCall): Promise<Answer> {
	const ref = { reference: call.reference, wmsOrderId: call.wmsOrderId ?? undefined };
	try {
		if (call.kind === 'cancel') {
			const r = await provider.cancelOrder(ref);
			return { ok: true, done: r.cancelled, words: r.cancelled ? null : `the WMS says ${r.rawStatus ?? 'it cannot be cancelled'}`, answer: { cancelled: r.cancelled, rawStatus: r.rawStatus } };
		}
		if (call.kind === 'return_create') {
			if (typeof provider.createReturn !== 'function') return { ok: true, done: false, words: `${provider.name} offers no returns through its API`, answer: { created: false } };
			const r = await provider.createReturn(call.payload as unknown as ExpectedReturn);
			return { ok: true, done: true, words: null, answer: { outcome: r.outcome, wmsReturnId: r.wmsReturnId, ...(r.lineKeys ? { lineKeys: r.lineKeys } : {}) } };
		}
		if (typeof provider.updateAddress !== 'function') return { ok: true, done: false, words: `${provider.name} offers no address update through its API`, answer: { updated: false } };
		const r = await provider.updateAddress(ref, call.payload?.shipTo as Address);
		return { ok: true, done: r.updated, words: r.updated ? null : (r.message ?? 'no reason given'), answer: { updated: r.updated, message: r.message } };
	} catch (error) {
		return { ok: false, error };
	}
}

/**
 * One attempt of a call claimed under its lease: the WMS asked, its answer recorded with what it means for the order
 * in one transition (see the file's comment).
 */
export async function attemptWmsCall(store: Store, provider: WmsProvider, call: WmsCall, opts: WmsCallOptions = {}): Promise<WmsCallResult> {
	const now = opts.now ?? new Date().toISOString();
	const by = opts.cause ?? 'wms.call';
	const a = await ask(provider, call);
	const stored = await store.getOrder(call.omsId);
	const base = { omsId: call.omsId, kind: call.kind, reference: call.reference };
	const cancel = call.kind === 'cancel';
	const address = call.kind === 'address_update';
	const why = typeof call.payload?.why === 'string' ? call.payload.why : cancel ? DEFAULT_WHY : 'the channel changed the shipping address';

	let attempt: WmsCallAttempt;
	let outcome: WmsCallOutcome;
	let error: string | null = null;
	let failure: ApiFailure | null = null;
	let request: Omit<TransitionRequest, 'wmsCall'> = {};
	if (a.ok && a.done) {
		attempt = { sent: { answer: a.answer } };
		outcome = 'sent';
		if (cancel) {
			const rawStatus = (a.answer.rawStatus as string | null) ?? null;
			const event = { type: 'wms', detail: { cancel: [{ reference: call.reference, shipmentNo: call.shipmentNo, outcome: 'cancelled', rawStatus, error: null }] } };
			// the last part cancelled: the order moves to cancelled and its units are released, with this answer
			request = (await othersCancelled(store, call)) ? { events: [event], to: 'cancelled', cause: 'wms_cancelled', release: true, hold: null } : { events: [event] };
		} else if (address) request = { events: [{ type: 'wms', detail: { addressUpdated: call.reference } }] };
		else request = { events: [{ type: 'wms', detail: { returnCreated: call.reference, wmsReturnId: a.answer.wmsReturnId ?? null } }] };
	} else if (a.ok || !isRetryable(a.error)) {
		// an answer: the WMS will not do it (already picked or shipped; a 4xx)
		error = a.ok ? a.words : errorText(a.error);
		failure = a.ok ? null : apiFailureOf(a.error);
		attempt = { refused: { error: error ?? 'refused', answer: a.ok ? a.answer : null } };
		outcome = 'refused';
		const event = cancel
			? { type: 'wms', detail: { cancel: [{ reference: call.reference, shipmentNo: call.shipmentNo, outcome: 'not_cancelled', rawStatus: a.ok ? ((a.answer.rawStatus as string | null) ?? null) : null, error }] } }
			: address
				? { type: 'wms', detail: { addressRefused: call.reference, error } }
				: { type: 'wms', detail: { returnRefused: call.reference, error } };
		// a return the WMS refused holds nothing: the order is done; the call is in the Attention queue
		const hold = cancel
			? holdOn(stored, 'cancel_refused', `${why}, but the WMS refused the cancel (${call.reference}: ${error})`, now)
			: address
				? holdOn(stored, 'address', `${why}; the WMS refused the update (${error})`, now)
				: {};
		request = { events: [event], ...hold };
	} else {
		// no answer: asked again by the outbox's backoff, or failed for good after the last attempt
		error = errorText(a.error);
		failure = apiFailureOf(a.error);
		const attempts = call.attempts + 1;
		const next = nextAttemptAt(now, attempts, opts.backoff);
		attempt = { failed: { error, nextAttemptAt: next } };
		outcome = next ? 'retry_scheduled' : 'failed';
		const event = { type: 'wms', detail: { call: call.kind, reference: call.reference, error, attempts, nextAttemptAt: next, retryable: true } };
		let hold: ReturnType<typeof holdOn> = {};
		if (cancel && stored?.hold?.reason !== 'cancel_refused') {
			hold = next
				? holdOn(stored, 'cancel_owed', `${why}; the WMS has not answered the cancel yet (${call.reference}: ${error}); the outbox asks again (WMS > Retry Pending)`, now)
				: holdOn(stored, 'cancel_owed', `${why}; the WMS never answered the cancel (${call.reference}, ${attempts} attempts, last: ${error}): cancel it at the warehouse, or ask again (WMS > Cancel)`, now);
		} else if (address && !next) {
			hold = holdOn(stored, 'address', `${why}; the WMS never answered the update (${attempts} attempts, last: ${error}): change it at the warehouse`, now);
		}
		request = { events: [event], ...hold };
	}
	const wmsCall = { id: call.id, version: call.version, attempt };
	const moved = stored ? await store.transition(call.omsId, { by, ...request, wmsCall }) : null;
	const after = moved ? moved.wmsCall! : await store.markWmsCall(call.id, call.version, attempt);
	// a buyer's cancel request waits for this answer: approved when the order is now cancelled, rejected when refused
	// (where the channel has a call for it). A run that stops between the two is mended by the next Apply Channel Change
	// of the same request (it answers an order already cancelled).
	if (cancel && moved?.wmsCall?.recorded && ((request.to === 'cancelled' && moved.changed) || outcome === 'refused')) await answerAfterWmsCancel(store, moved.stored, outcome === 'sent');
	return { ...base, outcome, call: after.call, error, failure };
}

/** Every other sent part of the order has its cancel answered as done (so this one's makes the whole order cancelled). */
async function othersCancelled(store: Store, call: WmsCall): Promise<boolean> {
	const calls = await store.listWmsCalls({ omsId: call.omsId, kind: 'cancel' });
	for (let n = 1; ; n++) {
		const d = await store.getDelivery(call.omsId, n);
		if (!d) return true;
		if (d.status !== 'sent' || n === call.shipmentNo) continue;
		if (calls.find((c) => c.shipmentNo === n)?.status !== 'sent') return false;
	}
}

/** Claim these calls (those still owed and not leased by another run) and attempt each now. */
export async function sendWmsCallsNow(store: Store, provider: WmsProvider, ids: number[], opts: WmsCallOptions = {}): Promise<WmsCallResult[]> {
	if (!ids.length) return [];
	const now = opts.now ?? new Date().toISOString();
	const claimed = await store.claimWmsCalls(now, { ids, providers: [provider.name], leaseSeconds: opts.leaseSeconds, limit: ids.length });
	const out: WmsCallResult[] = [];
	for (const c of claimed) out.push(await attemptWmsCall(store, provider, c, { ...opts, now }));
	return out;
}

export interface WmsCallRetrySummary {
	claimed: number;
	sent: number;
	refused: number;
	retryScheduled: number;
	failed: number;
	results: WmsCallResult[];
}

/** Send every due WMS call of these providers (oldest first), each under a lease. */
export async function retryWmsCalls(
	store: Store,
	provider: WmsProvider,
	opts: WmsCallOptions & { limit?: number } = {},
): Promise<WmsCallRetrySummary> {
	const now = opts.now ?? new Date().toISOString();
	const due = await store.claimWmsCalls(now, { limit: opts.limit ?? 100, leaseSeconds: opts.leaseSeconds, providers: [provider.name] });
	const s: WmsCallRetrySummary = { claimed: due.length, sent: 0, refused: 0, retryScheduled: 0, failed: 0, results: [] };
	for (const c of due) {
		const r = await attemptWmsCall(store, provider, c, { ...opts, now });
		if (r.outcome === 'sent') s.sent++;
		else if (r.outcome === 'refused') s.refused++;
		else if (r.outcome === 'retry_scheduled') s.retryScheduled++;
		else s.failed++;
		s.results.push(r);
	}
	return s;
}
