/**
 * Calls the OMS owes a sales channel, through the store's channel outbox (lib/store/rules/channel-outbox.ts): order
 * acknowledgements (Walmart), shipment confirmations and quantity pushes are written first, claimed under a lease,
 * then sent; the channel's answer decides:
 *   accepted                                                        -> sent
 *   no answer after the request went out (timeout, reset; a sender
 *   that died mid-call), or a confirmation or acknowledgement
 *   answered by a gateway's 502 or 504 (the channel behind it may
 *   have applied it)                                                -> pending, outcome unknown: the next attempt first
 *                                                                      asks the channel whether it has the confirmation
 *                                                                      (reads the order: no line still Created, for an
 *                                                                      acknowledgement) and marks it sent instead of
 *                                                                      sending twice
 *   retryable (429, 5xx, a connection refused)                      -> pending, next try by exponential backoff
 *   refusal (4xx: the channel will refuse it again)                 -> failed, with the channel's words (redacted)
 *   the last allowed attempt fails                                  -> failed
 * An acknowledgement is owed once per channel and order; a confirmation once per channel, order and package; a quantity push stays owed until it is sent or a newer
 * push of the same SKU supersedes it (an older one never overwrites a newer one: the basis, the stock versions it was
 * computed from). An answer to a buyer's cancel request (eBay approve / reject, queued by Apply Channel Change) is owed
 * once per channel and order; after a lost answer the request's state says whether it was applied. A return's refund
 * is owed once per channel and return (sendRefund: after a lost answer the channel is asked whether it shows the
 * refund; sent, the return's refund is refunded). retryChannelCalls sends one channel's due calls: acknowledgements,
 * then cancel answers, then refunds, then confirmations, then quantities lowest first.
 * n8n-free: a Store, a ChannelClient and plain values in, plain results out.
 */
import { normalizeOrder } from '../channels/normalize';
import type { ChannelClient, ConfirmShipmentInput, QuantityResult, QuantityUpdate, RefundInput, ShipmentLine } from '../channels/types';
import { apiFailureOf, type ApiFailure } from '../http/errors';
import { GATEWAY_AMBIGUOUS } from '../http/retry';
import { toMinor } from '../order/money';
import type { CanonicalOrder } from '../order/types';
import type { StoredReturn } from '../returns/types';
import type { CancelAnswerPayload, ChannelCall, RefundPayload, Store } from '../store/types';
import { errorText, isRetryable, nextAttemptAt, type BackoffPolicy } from '../wms/outbox';
import { awaitsAcknowledgement, type AcknowledgeCandidate } from './acknowledge-orders';
import { ItemError } from './item-error';

export interface ChannelCallOptions {
	/** ISO time of the outbox's schedule (default now) */
	now?: string;
	backoff?: BackoffPolicy;
	/** Lease taken on a call while the channel is called (seconds; default 120) */
	leaseSeconds?: number;
	/** The timeline events' cause (default channel.confirm / channel.retry) */
	cause?: string;
	/** How quantities reach the channel (default: the client's setAvailableQuantities); the node passes its "Send
	 * Newest Only" coalescer, which shares calls between executions running at once. Answers in the order given. */
	sendQuantities?: (updates: Array<{ update: QuantityUpdate; basis: number | null }>) => Promise<QuantityResult[]>;
}

/** What happened to a call: sent now, sent before, found at the channel (a lost answer), not sent yet, or failed */
export type ChannelCallOutcome =
	| 'sent'
	| 'already_sent'
	| 'found_at_channel'
	| 'queued'
	| 'retry_scheduled'
	| 'failed'
	| 'superseded'
	| 'older';

export interface ChannelCallResult {
	outcome: ChannelCallOutcome;
	channel: string;
	call: ChannelCall | null;
	/** The channel's reference of what it made (a fulfilment id, a submission id) */
	reference: string | null;
	/** The HTTP status the channel answered the call sent now with (null: no call now, or none given) */
	status?: number | null;
	/** Why it is not sent (never a secret: the clients redact) */
	error: string | null;
	/** When the channel refused or failed the call: its HTTP status and own words, for the node's NodeApiError */
	failure?: ApiFailure | null;
}

// ---------------------------------------------------------------- confirmations

export interface ConfirmRequest {
	/** The OMS order (channel:channelOrderId) */
	omsId: string;
	/** The package: confirmed once per channel (the WMS's package key, else carrier + tracking) */
	packageKey: string;
	confirmation: ConfirmShipmentInput;
}

/**
 * Confirm one package's shipment through the outbox: queued once, then sent unless it was sent, failed for good, or
 * is not due yet (its next attempt is scheduled, or another sender holds it). Bad input is an ItemError.
 */
export async function confirmShipment(store: Store, client: ChannelClient, req: ConfirmRequest, opts: ChannelCallOptions = {}): Promise<ChannelCallResult> {
	const c = req.confirmation;
	const problems: Array<{ path: string; message: string }> = [];
	const need = (path: string, v: unknown) => {
		if (typeof v !== 'string' || !v.trim()) problems.push({ path, message: `${path} is empty` });
	};
	need('omsId', req.omsId);
	need('packageKey', req.packageKey);
	need('channelOrderId', c?.channelOrderId);
	need('carrier', c?.carrier);
	need('trackingNumber', c?.trackingNumber);
	if (c && (typeof c.shippedAt !== 'string' || Number.isNaN(Date.parse(c.shippedAt)))) problems.push({ path: 'shippedAt', message: `shippedAt is not a date: ${JSON.stringify(c.shippedAt)}` });
	if (problems.length) throw new ItemError(`Shipment confirmation of ${String(req.omsId)}: ${problems.map((p) => p.message).join('; ')}`, problems);
	const now = opts.now ?? new Date().toISOString();
	// the buyer asked to cancel and the order ships anyway (the warehouse could not stop it): the shipment answers the
	// request, which Walmart needs said on the call (intentToCancelOverride); the order as the OMS recorded it decides
	const override = c.overrideCancelRequest ?? ((await store.getOrder(req.omsId))?.order.cancelRequest ? true : undefined);
	const payload = { ...c, ...(override ? { overrideCancelRequest: true } : {}) };
	const [{ call }] = await store.enqueueChannelCalls([
		{ kind: 'confirmation', channel: client.channel, omsId: req.omsId, packageKey: req.packageKey, payload: payload as unknown as Record<string, unknown> },
	]);
	if (call.status === 'sent') return result('already_sent', call);
	if (call.status === 'failed') return result('failed', call, call.lastError);
	const [claimed] = await store.claimChannelCalls(client.channel, now, { ids: [call.id], limit: 1, leaseSeconds: opts.leaseSeconds ?? 120 });
	if (!claimed) return result('queued', (await store.getChannelCall(call.id)) ?? call, call.lastError);
	return sendConfirmation(store, client, claimed, now, opts, opts.cause ?? 'channel.confirm');
}

/** The confirmation a call carries (as queued) */
function confirmationOf(call: ChannelCall): ConfirmShipmentInput {
	const p = (call.payload ?? {}) as Record<string, unknown>;
	return {
		channelOrderId: String(p.channelOrderId ?? ''),
		carrier: String(p.carrier ?? ''),
		trackingNumber: String(p.trackingNumber ?? ''),
		...(typeof p.trackingUrl === 'string' ? { trackingUrl: p.trackingUrl } : {}),
		shippedAt: String(p.shippedAt ?? ''),
		lines: Array.isArray(p.lines) ? (p.lines as ShipmentLine[]) : [],
		...(typeof p.shippingMethod === 'string' ? { shippingMethod: p.shippingMethod } : {}),
		...(typeof p.notifyCustomer === 'boolean' ? { notifyCustomer: p.notifyCustomer } : {}),
		...(p.overrideCancelRequest === true ? { overrideCancelRequest: true } : {}),
	};
}

async function sendConfirmation(store: Store, client: ChannelClient, call: ChannelCall, now: string, opts: ChannelCallOptions, cause: string): Promise<ChannelCallResult> {
	const input = confirmationOf(call);
	return sendOnce(store, call, now, opts, cause, {
		// the channel shows a confirmation with this tracking number: the lost attempt was applied
		ask: async () => ((await client.findShipmentConfirmation({ channelOrderId: input.channelOrderId, trackingNumber: input.trackingNumber })).found ? { found: true, reference: call.reference, detail: { trackingNumber: input.trackingNumber } } : { found: false }),
		send: async () => {
			const answer = await client.confirmShipment(input);
			const reference = answer.reference ?? null;
			return { reference, status: answer.status ?? null, detail: { outcome: 'confirmed', trackingNumber: input.trackingNumber, reference } };
		},
	});
}

/** Transport failures after which the request may have been applied (not a connection that never opened) */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a failed call may still have been applied: a transport failure once the request could have gone out
 * (timeout, reset), a failure that is not the channel's answer at all (then nothing says it was not applied), or,
 * for a confirmation or an acknowledgement, a gateway's 502 or 504 (a proxy that lost the channel's answer, maybe after the channel applied
 * it). Any other HTTP answer (a 4xx refusal, a 429, a 500 or 503) says it was not. A quantity is a value, not an
 * increment: sending it again is harmless, so a gateway error on one is simply retried.
 */
export function outcomeUnknownAfter(err: unknown, kind: ChannelCall['kind']): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	const status = (err as { status?: unknown } | null)?.status;
	if (typeof status === 'number' && status > 0) return kind !== 'quantity' && GATEWAY_AMBIGUOUS.has(status);
	if (typeof code === 'string' && code) return !NOT_SENT.has(code);
	return apiFailureOf(err) === null;
}

async function failedAttempt(store: Store, call: ChannelCall, err: unknown, now: string, opts: ChannelCallOptions, cause: string, outcomeUnknown: boolean, forGood = false): Promise<ChannelCallResult> {
	const error = errorText(err);
	const next = !forGood && (outcomeUnknown || isRetryable(err)) ? nextAttemptAt(now, call.attempts + 1, opts.backoff) : null;
	const failed = await store.markChannelCallFailed(call.id, call.version, { error, nextAttemptAt: next, outcomeUnknown });
	await orderEvent(store, call, cause, { outcome: next ? 'retry_scheduled' : 'failed', error, attempts: failed.attempts, nextAttemptAt: next, outcomeUnknown });
	return { ...result(next ? 'retry_scheduled' : 'failed', failed, error), failure: apiFailureOf(err) };
}

/** What one kind of call does in sendOnce: ask the channel whether a lost attempt was applied, and send it */
interface CallParts {
	/** Ask the channel before sending (default: when the last attempt's outcome is unknown) */
	askFirst?: boolean;
	/** What the channel shows now: found (applied: the call is sent, with the reference kept and the event's words),
	 * not found (send it), or the call's end (`fail`: it can never be sent, failed for good with these words) */
	ask(): Promise<{ found: true; reference: string | null; detail: Record<string, unknown> } | { found: false } | { fail: Error }>;
	/** Send it once: the channel's reference and status, and the event's words */
	send(): Promise<{ reference: string | null; status: number | null; detail: Record<string, unknown> }>;
}

/**
 * The step every owed call but a quantity takes: sent once; after an attempt whose answer was lost, the channel is
 * asked first and what it shows is kept instead of sending again. A failure to ask keeps the outcome as it was
 * (unknown stays unknown); a failed send is unknown only when the request may have been applied (outcomeUnknownAfter).
 */
async function sendOnce(store: Store, call: ChannelCall, now: string, opts: ChannelCallOptions, cause: string, parts: CallParts): Promise<ChannelCallResult> {
	if (parts.askFirst ?? call.outcomeUnknown) {
		let seen: Awaited<ReturnType<CallParts['ask']>>;
		try {
			seen = await parts.ask();
		} catch (err) {
			return failedAttempt(store, call, err, now, opts, cause, call.outcomeUnknown);
		}
		if ('fail' in seen) return failedAttempt(store, call, seen.fail, now, opts, cause, false, true);
		if (seen.found) {
			const sent = await store.markChannelCallSent(call.id, call.version, seen.reference);
			await orderEvent(store, call, cause, { outcome: 'found_at_channel', ...seen.detail, attempts: sent.attempts });
			return result('found_at_channel', sent);
		}
	}
	let answer: Awaited<ReturnType<CallParts['send']>>;
	try {
		answer = await parts.send();
	} catch (err) {
		return failedAttempt(store, call, err, now, opts, cause, outcomeUnknownAfter(err, call.kind));
	}
	const sent = await store.markChannelCallSent(call.id, call.version, answer.reference);
	await orderEvent(store, call, cause, { ...answer.detail, attempts: sent.attempts });
	return { ...result('sent', sent), status: answer.status };
}

/** A confirmation's or acknowledgement's step on its order's timeline (when the store has the order: an
 * acknowledgement sent by the trigger comes before the order is recorded) */
async function orderEvent(store: Store, call: ChannelCall, cause: string, detail: Record<string, unknown>): Promise<void> {
	if (call.kind === 'quantity' || !call.omsId || !(await store.getOrder(call.omsId))) return;
	await store.addEvent(call.omsId, 'channel', { cause, detail: { channel: call.channel, call: call.kind, ...(call.kind === 'confirmation' ? { packageKey: call.packageKey } : {}), ...(call.kind === 'refund' ? { returnId: call.payload?.returnId } : {}), ...detail } });
}

/** A call in words: "the quantity of SKU-1", "the acknowledgement of walmart:1", "a confirmation of ebay:1" */
function channelCallWords(call: Pick<ChannelCall, 'kind' | 'omsId' | 'sku' | 'payload'>): string {
	if (call.kind === 'quantity') return `the quantity of ${call.sku}`;
	if (call.kind === 'acknowledgement') return `the acknowledgement of ${call.omsId}`;
	if (call.kind === 'cancel_answer') return `the answer to the buyer's cancel request of ${call.omsId}`;
	if (call.kind === 'refund') return `the refund of return ${String(call.payload?.returnId)}`;
	return `a confirmation of ${call.omsId}`;
}

function result(outcome: ChannelCallOutcome, call: ChannelCall, error: string | null = null): ChannelCallResult {
	return { outcome, channel: call.channel, call, reference: call.reference, error };
}

// ---------------------------------------------------------------- acknowledgements

export interface AcknowledgeOptions extends ChannelCallOptions {
	/** How many of the owed acknowledgements to send now (the rest stay owed for Retry Pending); default all */
	sendNow?: number;
}

/**
 * Acknowledge through the outbox the orders the channel waits to have acknowledged (Walmart: a line still Created;
 * lib/flows/acknowledge-orders.ts): each queued once per order, in one store transaction, then up to `sendNow` of
 * those owed sent now, in input order; the rest stay owed for Retry Pending (queued). An order queued before is not
 * queued or sent twice (already_sent, or failed: Resend Failed sends it again). Results in input order, null for an
 * order that needs none. A failed send is that order's result, never an exception.
 */
export async function acknowledgeOrders(store: Store, client: ChannelClient, orders: AcknowledgeCandidate[], opts: AcknowledgeOptions = {}): Promise<Array<ChannelCallResult | null>> {
	const out: Array<ChannelCallResult | null> = orders.map(() => null);
	const owed = orders.flatMap((o, i) => (awaitsAcknowledgement(client, o) ? [{ i, id: String(o.channelOrderId) }] : []));
	if (!owed.length) return out;
	const now = opts.now ?? new Date().toISOString();
	const queued = await store.enqueueChannelCalls(
		owed.map((x) => ({ kind: 'acknowledgement' as const, channel: client.channel, omsId: `${client.channel}:${x.id}`, payload: { channelOrderId: x.id } })),
	);
	// the calls to send now: still owed, each once (an order listed twice is one call), the first `sendNow`
	const toSend: number[] = [];
	for (const { call } of queued) if (call.status !== 'sent' && call.status !== 'failed' && !toSend.includes(call.id)) toSend.push(call.id);
	const limit = Math.max(0, Math.floor(opts.sendNow ?? toSend.length));
	const claimed = limit && toSend.length ? await store.claimChannelCalls(client.channel, now, { ids: toSend.slice(0, limit), limit, leaseSeconds: opts.leaseSeconds ?? 120 }) : [];
	const sent = new Map<number, ChannelCallResult>();
	for (const c of claimed.sort((a, b) => toSend.indexOf(a.id) - toSend.indexOf(b.id))) sent.set(c.id, await sendAcknowledgement(store, client, c, now, opts, opts.cause ?? 'channel.acknowledge'));
	queued.forEach(({ call }, k) => {
		const i = owed[k].i;
		const r = sent.get(call.id);
		if (r) out[i] = r;
		else if (call.status === 'sent') out[i] = result('already_sent', call);
		else if (call.status === 'failed') out[i] = result('failed', call, call.lastError);
		else out[i] = result('queued', call, call.lastError);
	});
	return out;
}

async function sendAcknowledgement(store: Store, client: ChannelClient, call: ChannelCall, now: string, opts: ChannelCallOptions, cause: string): Promise<ChannelCallResult> {
	const channelOrderId = String(call.payload?.channelOrderId ?? '');
	return sendOnce(store, call, now, opts, cause, {
		// the order's line statuses say whether any is still Created: none, the lost attempt was applied
		ask: async () => (awaitsAcknowledgement(client, normalizeOrder(client.channel, await client.getOrder(channelOrderId))) ? { found: false } : { found: true, reference: call.reference, detail: {} }),
		send: async () => ({ reference: null, status: (await client.acknowledge(channelOrderId)).status ?? null, detail: { outcome: 'acknowledged' } }),
	});
}

// ---------------------------------------------------------------- answers to buyers' cancel requests

/**
 * Send a queued answer to a buyer's cancel request (queued by Apply Channel Change: approve when the order was
 * stopped, reject when it was not). The request's id is read from the channel when the order's payload lacked it;
 * after a lost answer the request's state says whether it was applied (answered the same way: sent; answered
 * otherwise or closed: failed, for a person to see). A channel whose API has no such answer fails it for good.
 */
async function sendCancelAnswer(store: Store, client: ChannelClient, call: ChannelCall, now: string, opts: ChannelCallOptions, cause: string): Promise<ChannelCallResult> {
	const p = (call.payload ?? {}) as Partial<CancelAnswerPayload>;
	const channelOrderId = String(p.channelOrderId ?? '');
	const decision = p.decision === 'reject' ? 'reject' : 'approve';
	if (typeof client.answerCancelRequest !== 'function' || typeof client.findCancelRequest !== 'function') {
		return failedAttempt(store, call, new Error(`${client.channel} has no API to answer a buyer's cancel request: answer it in the seller account`), now, { ...opts, backoff: undefined }, cause, false, true);
	}
	const answerCancelRequest = client.answerCancelRequest.bind(client);
	const findCancelRequest = client.findCancelRequest.bind(client);
	let requestId = typeof p.requestId === 'string' && p.requestId ? p.requestId : null;
	return sendOnce(store, call, now, opts, cause, {
		// the request's id, when the order's payload lacked it, is read from the channel first too
		askFirst: !requestId || call.outcomeUnknown,
		ask: async () => {
			const found = await findCancelRequest(channelOrderId);
			if (!found || (requestId && found.id !== requestId)) return { fail: new Error(`${client.channel} order ${channelOrderId}: no cancel request ${requestId ?? ''} to ${decision} any more`.replace('  ', ' ')) };
			requestId = found.id;
			if (found.state === 'requested') return { found: false };
			// answered the same way: the lost attempt (or someone) applied it; otherwise it is not to answer any more
			if ((decision === 'approve' && found.state === 'approved') || (decision === 'reject' && found.state === 'rejected')) return { found: true, reference: requestId, detail: { decision, requestId } };
			return { fail: new Error(`${client.channel} order ${channelOrderId}: the buyer's cancel request ${requestId} is ${found.state}, not to ${decision} any more`) };
		},
		send: async () => {
			const answer = await answerCancelRequest({
				channelOrderId,
				requestId: requestId as string,
				decision,
				...(decision === 'reject' && p.trackingNumber ? { trackingNumber: p.trackingNumber } : {}),
				...(decision === 'reject' && p.shippedAt ? { shippedAt: p.shippedAt } : {}),
			});
			return { reference: requestId, status: answer.status ?? null, detail: { outcome: decision === 'approve' ? 'cancel_approved' : 'cancel_rejected', requestId } };
		},
	});
}

// ---------------------------------------------------------------- refunds of returns

/** The refund call a return is owed: its refund in minor units (null when it owes none: no refund, nothing to pay, or
 * one the channel made or took already, as a WooCommerce return recorded from the channel's own refund) */
export function refundPayloadOf(stored: StoredReturn, order: Pick<CanonicalOrder, 'channel' | 'channelOrderId'>): RefundPayload | null {
	const r = stored.ret.refund;
	if (!r || r.status !== 'pending') return null;
	const m = (v: number) => toMinor(v, r.currency);
	const qty = new Map(stored.ret.lines.map((l) => [l.lineId, l.quantity]));
	const payload: RefundPayload = {
		returnId: stored.ret.returnId,
		channelOrderId: order.channelOrderId,
		channelReturnId: stored.ret.channel === order.channel ? stored.ret.channelReturnId : null,
		currency: r.currency,
		lines: r.lines.map((l) => ({ lineId: l.lineId, quantity: qty.get(l.lineId) ?? 0, amountMinor: m(l.amount), taxMinor: m(l.tax), restockingFeeMinor: m(l.restockingFee) })),
		shippingMinor: m(r.shipping),
		returnShippingFeeMinor: m(r.returnShippingFee),
		totalMinor: m(r.total),
		reason: `OMS return ${stored.ret.returnId}`,
	};
	return payload.totalMinor > 0 ? payload : null;
}

function refundInputOf(call: ChannelCall): RefundInput {
	const p = (call.payload ?? {}) as Partial<RefundPayload>;
	return {
		channelOrderId: String(p.channelOrderId ?? ''),
		channelReturnId: typeof p.channelReturnId === 'string' && p.channelReturnId ? p.channelReturnId : null,
		idempotencyKey: String(p.returnId ?? ''),
		currency: String(p.currency ?? ''),
		lines: Array.isArray(p.lines) ? p.lines : [],
		shippingMinor: Number(p.shippingMinor ?? 0),
		returnShippingFeeMinor: Number(p.returnShippingFeeMinor ?? 0),
		totalMinor: Number(p.totalMinor ?? 0),
		reason: String(p.reason ?? ''),
	};
}

/**
 * Owe a return's refund to its order's channel through the outbox (a return made by hand is refunded on its order's
 * channel too): queued once per channel and return, or the call owed before (null: the return owes no refund call,
 * see refundPayloadOf, and none was queued for it). Sent by refundReturnOnChannel, or by the channel's Retry Pending.
 * An unknown return, or one whose order is gone, is an ItemError.
 */
export async function oweReturnRefund(store: Store, returnId: string): Promise<ChannelCall | null> {
	const stored = await store.getReturn(returnId);
	if (!stored) throw new ItemError(`No return ${returnId} in the OMS store: record it first`, [{ path: '$.returnId', message: 'unknown return' }]);
	const order = await store.getOrder(stored.ret.omsId);
	if (!order) throw new ItemError(`Return ${returnId}: its order ${stored.ret.omsId} is no longer in the OMS store`, [{ path: '$.omsId', message: 'unknown order' }]);
	const channel = order.order.channel;
	const payload = refundPayloadOf(stored, order.order);
	// a refund no longer pending (sent, or failed for a person) was owed before: its call says what became of it
	if (!payload) return (await store.listChannelCalls({ channel, kind: 'refund', omsId: stored.ret.omsId })).find((c) => c.payload?.returnId === returnId) ?? null;
	const [{ call }] = await store.enqueueChannelCalls([{ kind: 'refund', channel, omsId: stored.ret.omsId, payload }]);
	return call;
}

/**
 * Owe a return's refund (oweReturnRefund), then send it now unless it was sent, failed for good, or is not due yet
 * (null: the return owes none). Owed once per channel and return: a second call finds the first (already_sent,
 * failed, queued). A return whose order is another channel's is an ItemError.
 */
export async function refundReturnOnChannel(store: Store, client: ChannelClient, returnId: string, opts: ChannelCallOptions = {}): Promise<ChannelCallResult | null> {
	const order = await store.getOrder((await store.getReturn(returnId))?.ret.omsId ?? '');
	if (order && order.order.channel !== client.channel) throw new ItemError(`Return ${returnId} is of ${order.order.omsId}, a ${order.order.channel} order, not ${client.channel}'s`, [{ path: '$.channel', message: 'another channel' }]);
	const call = await oweReturnRefund(store, returnId);
	if (!call) return null;
	if (call.status === 'sent') return result('already_sent', call);
	if (call.status === 'failed') return result('failed', call, call.lastError);
	const now = opts.now ?? new Date().toISOString();
	const [claimed] = await store.claimChannelCalls(client.channel, now, { ids: [call.id], limit: 1, leaseSeconds: opts.leaseSeconds ?? 120 });
	if (!claimed) return result('queued', (await store.getChannelCall(call.id)) ?? call, call.lastError);
	return sendRefund(store, client, claimed, now, opts, opts.cause ?? 'channel.refund');
}

/**
 * Send a queued refund once: after a lost answer the channel is asked first whether it shows a refund for this
 * return (findRefund: Shopify by the idempotency key, WooCommerce by the OMS return id its refund carries), and one
 * found is kept instead of refunding twice. Sent (or found), the return's refund becomes `refunded` with the channel's
 * refund id, so Close can close it; failed for good (a refusal, or out of attempts), it becomes `failed` with the
 * channel's words and the call waits in the Attention queue for a person. A channel without a refund API fails it
 * for good: refund it in the seller account.
 */
async function sendRefund(store: Store, client: ChannelClient, call: ChannelCall, now: string, opts: ChannelCallOptions, cause: string): Promise<ChannelCallResult> {
	const input = refundInputOf(call);
	let res: ChannelCallResult;
	if (typeof client.refundReturn !== 'function' || typeof client.findRefund !== 'function') {
		res = await failedAttempt(store, call, new Error(`${client.channel} refunds are not sent by the OMS yet: refund return ${input.idempotencyKey} in the seller account`), now, { ...opts, backoff: undefined }, cause, false, true);
	} else {
		const refundReturn = client.refundReturn.bind(client);
		const findRefund = client.findRefund.bind(client);
		res = await sendOnce(store, call, now, opts, cause, {
			ask: async () => {
				const found = await findRefund(input);
				return found ? { found: true, reference: found.refundId, detail: { returnId: input.idempotencyKey, refundId: found.refundId } } : { found: false };
			},
			send: async () => {
				const answer = await refundReturn(input);
				return { reference: answer.refundId, status: answer.status ?? null, detail: { outcome: 'refunded', returnId: input.idempotencyKey, refundId: answer.refundId, totalMinor: input.totalMinor, currency: input.currency } };
			},
		});
	}
	await settleReturnRefund(store, input.idempotencyKey, res, cause);
	return res;
}

/** What the refund call's end says of the return's refund: refunded (sent or found at the channel) or failed (for a
 * person, with the channel's words); a call still owed leaves it as it is. One store transition of the return. */
async function settleReturnRefund(store: Store, returnId: string, res: ChannelCallResult, cause: string): Promise<void> {
	const status = res.call?.status === 'sent' ? 'refunded' : res.call?.status === 'failed' ? 'failed' : null;
	if (!status) return;
	const stored = await store.getReturn(returnId);
	const refund = stored?.ret.refund;
	if (!stored || !refund || refund.status === status) return;
	// the refund only, wherever the return is now (it may have moved meanwhile): no status move
	await store.transitionReturn(returnId, {
		by: cause,
		refund: { ...refund, status, ...(status === 'refunded' ? { channelRefundId: res.reference, error: null } : { error: res.error }) },
	});
}

// ---------------------------------------------------------------- quantities

export interface QuantityPush {
	sku: string;
	quantity: number;
	/** The stock versions the quantity was computed from (Inventory Allocator's `basis`); absent: the later push wins */
	basis?: number | null;
}

/** A quantity push's result; `invalid` carries the ItemError of a bad push (that push only) */
export type QuantityPushResult = (ChannelCallResult & { sku: string; quantity: number }) | { outcome: 'invalid'; sku: string; quantity: unknown; error: ItemError };

/**
 * Push quantities through the outbox: each queued (a newer push of a SKU supersedes the owed one; an older basis is
 * refused), then those due sent in one call to the channel (the client batches the way its API allows). Results in
 * input order; a SKU given twice: the newer one goes, the other is `superseded`.
 */
export async function pushQuantities(store: Store, client: ChannelClient, pushes: QuantityPush[], opts: ChannelCallOptions = {}): Promise<QuantityPushResult[]> {
	const now = opts.now ?? new Date().toISOString();
	const { out, byId } = await queueQuantities(store, client, pushes);
	const lease = { leaseSeconds: opts.leaseSeconds ?? 120 };
	let claimed = byId.size ? await store.claimChannelCalls(client.channel, now, { ids: [...byId.keys()], limit: byId.size, ...lease }) : [];
	// A push superseded while this one was out (another execution's newer quantity) waited for it: this sender sends
	// the newer one next, rather than leave it to the next Retry Pending
	for (let round = 0; claimed.length && round < 10; round++) {
		const sent = await sendQuantities(store, client, claimed, now, opts);
		for (const r of sent) {
			const i = byId.get(r.call!.id);
			if (i === undefined) continue;
			byId.delete(r.call!.id);
			out[i] = { ...r, sku: pushes[i].sku, quantity: pushes[i].quantity };
		}
		claimed = await claimNewer(store, client, claimed, sent, now, lease);
	}
	// not claimed: another sender holds it, or its next attempt is later
	for (const [id, i] of byId) out[i] = await owedResult(store, id, pushes[i]);
	return out;
}

/**
 * Publish quantities without waiting for the channel (Publish Quantities' *Wait for the Channel* off): each queued in
 * the outbox as pushQuantities does (a newer push of a SKU supersedes the owed one; bad input is that push's
 * `invalid`), then handed to `drains`, which sends the channel's owed quantities one call after another, lowest
 * quantity first (the outbox's claim order), for as long as any are owed. Returns once they are queued: `queued` for
 * each one the drain will send. What the drain cannot send stays owed in the outbox for Retry Pending, failed for
 * good visible as any failed call.
 */
export async function pushQuantitiesInBackground(store: Store, client: ChannelClient, pushes: QuantityPush[], drains: QuantityDrains, opts: ChannelCallOptions = {}): Promise<QuantityPushResult[]> {
	const { out, byId } = await queueQuantities(store, client, pushes);
	for (const [id, i] of byId) out[i] = await owedResult(store, id, pushes[i]);
	if (byId.size) drains.add(store, client, [...byId.keys()], opts);
	return out;
}

/** Each push queued (see pushQuantities); the results known without sending, and the owed calls' ids by input index */
async function queueQuantities(store: Store, client: ChannelClient, pushes: QuantityPush[]): Promise<{ out: QuantityPushResult[]; byId: Map<number, number> }> {
	const out: QuantityPushResult[] = new Array(pushes.length);
	// the winner per SKU within the batch (higher basis, else the later one)
	const winner = new Map<string, number>();
	pushes.forEach((p, i) => {
		const problem = quantityProblem(p);
		if (problem) {
			const path = problem === 'SKU is empty' ? 'sku' : problem.includes('basis') ? 'basis' : 'quantity';
			out[i] = { outcome: 'invalid', sku: String(p?.sku ?? ''), quantity: p?.quantity, error: new ItemError(problem, [{ path, message: problem }]) };
			return;
		}
		const w = winner.get(p.sku);
		if (w === undefined || (pushes[w].basis ?? null) === null || (p.basis ?? null) === null || (p.basis as number) >= (pushes[w].basis as number)) winner.set(p.sku, i);
	});
	const order = [...winner.values()].sort((a, b) => a - b);
	const queued = await store.enqueueChannelCalls(order.map((i) => ({ kind: 'quantity' as const, channel: client.channel, sku: pushes[i].sku, quantity: pushes[i].quantity, basis: pushes[i].basis ?? null })));
	const byId = new Map<number, number>();
	queued.forEach(({ call, outcome }, k) => {
		const i = order[k];
		if (outcome === 'older') out[i] = { ...result('older', call, `an owed or sent quantity of ${call.sku} was computed from newer stock (basis ${call.basis})`), sku: pushes[i].sku, quantity: pushes[i].quantity };
		else byId.set(call.id, i);
	});
	pushes.forEach((p, i) => {
		if (!out[i] && winner.get(p?.sku) !== i) {
			const w = winner.get(p.sku)!;
			const call = queued[order.indexOf(w)].call;
			out[i] = { ...result('superseded', call, `a newer quantity of ${p.sku} in the same batch replaced it`), sku: p.sku, quantity: p.quantity };
		}
	});
	return { out, byId };
}

/** Calls of `claimed` that a newer quantity replaced while they were out (pending again, another version): claimed to send next */
async function claimNewer(store: Store, client: ChannelClient, claimed: ChannelCall[], sent: ChannelCallResult[], now: string, lease: { leaseSeconds: number }): Promise<ChannelCall[]> {
	const newer = sent.filter((r, k) => r.call!.status === 'pending' && r.call!.version !== claimed[k].version).map((r) => r.call!.id);
	return newer.length ? store.claimChannelCalls(client.channel, now, { ids: newer, limit: newer.length, ...lease }) : [];
}

/** A queued push's result as the outbox holds it now */
async function owedResult(store: Store, id: number, push: QuantityPush): Promise<QuantityPushResult> {
	const call = (await store.getChannelCall(id))!;
	return { ...result(call.status === 'sent' ? 'already_sent' : call.status === 'failed' ? 'failed' : 'queued', call, call.lastError), sku: push.sku, quantity: push.quantity };
}

/**
 * The quantities each channel account is owed, sent continuously in the background of this process: one drain per
 * store and account (two nodes on one seller account share it and its rate limit), one call at a time, each call
 * claiming every owed quantity the drain was handed (the outbox's claim order: lowest quantity first, so a SKU about
 * to sell out goes before one with plenty; the channel's client paces and batches as its API allows). A quantity
 * queued again while its call is out replaces the owed one and is sent next. The newest caller's client and options
 * are used (its credential is the account's). Nothing is lost if the process stops: what was owed stays in the
 * outbox, a call out when it stopped becomes pending again when its lease runs out, and Retry Pending sends both.
 *
 * The registry is per process (`sharedQuantityDrains`); tests make their own and wait for `idle()`.
 */
export class QuantityDrains {
	private readonly byStore = new Map<Store, Map<string, QuantityDrain>>();

	add(store: Store, client: ChannelClient, ids: number[], opts: ChannelCallOptions = {}): void {
		let accounts = this.byStore.get(store);
		if (!accounts) this.byStore.set(store, (accounts = new Map()));
		let d = accounts.get(client.account);
		if (!d) accounts.set(client.account, (d = new QuantityDrain(store)));
		d.add(client, ids, opts);
	}

	/** Resolves when no drain of this registry has anything left to send (for tests and benchmarks) */
	async idle(): Promise<void> {
		for (;;) {
			const running = [...this.byStore.values()].flatMap((m) => [...m.values()]).map((d) => d.running).filter((p): p is Promise<void> => p !== null);
			if (!running.length) return;
			await Promise.all(running);
		}
	}
}

/**
 * SKUs a drain sends in one call: below the 20 from which Amazon's and Walmart's clients switch to a feed that takes
 * minutes (AMAZON_FEED_MIN_SKUS, WALMART_FEED_MIN_SKUS), so a burst's quantities go by the fast per-SKU calls, the
 * fewest units first; the rest wait for the next call (a newer quantity replacing theirs meanwhile).
 */
export const DRAIN_CALL_SKUS = 19;

class QuantityDrain {
	private readonly owed = new Set<number>();
	private client: ChannelClient | null = null;
	private opts: ChannelCallOptions = {};
	running: Promise<void> | null = null;

	constructor(private readonly store: Store) {}

	add(client: ChannelClient, ids: number[], opts: ChannelCallOptions): void {
		this.client = client;
		this.opts = opts;
		for (const id of ids) this.owed.add(id);
		this.running ??= this.run().finally(() => {
			this.running = null;
			// handed more after the last claim came back empty
			if (this.owed.size && this.client) this.add(this.client, [], this.opts);
		});
	}

	private async run(): Promise<void> {
		while (this.owed.size) {
			const client = this.client!;
			const opts = this.opts;
			const now = opts.now ?? new Date().toISOString();
			const ids = [...this.owed];
			let claimed: ChannelCall[];
			try {
				claimed = await this.store.claimChannelCalls(client.channel, now, { ids, limit: Math.min(ids.length, DRAIN_CALL_SKUS), leaseSeconds: opts.leaseSeconds ?? 120 });
			} catch {
				// the store is unreachable: what is owed stays in the outbox for Retry Pending
				this.owed.clear();
				return;
			}
			if (!claimed.length) {
				// none claimable: sent, failed for good, another sender holds them, or their next attempt is later (Retry Pending's)
				this.owed.clear();
				continue;
			}
			for (const c of claimed) this.owed.delete(c.id);
			let sent: ChannelCallResult[];
			try {
				sent = await sendQuantities(this.store, client, claimed, now, opts);
			} catch {
				// recording an answer failed: the leases run out and Retry Pending sends them
				continue;
			}
			// replaced while out: owed again, sent in the next call
			sent.forEach((r, k) => {
				if (r.call && r.call.status === 'pending' && r.call.version !== claimed[k].version) this.owed.add(r.call.id);
			});
		}
	}
}

/** The process's drains (Publish Quantities with Wait for the Channel off) */
export const sharedQuantityDrains = new QuantityDrains();

function quantityProblem(p: QuantityPush): string | null {
	if (!p || typeof p.sku !== 'string' || !p.sku.trim()) return 'SKU is empty';
	if (!Number.isInteger(p.quantity) || p.quantity < 0) return `SKU ${p.sku}: quantity must be a whole number, 0 or more, got ${JSON.stringify(p.quantity)}`;
	if (p.basis !== undefined && p.basis !== null && !Number.isSafeInteger(p.basis)) return `SKU ${p.sku}: basis must be a whole number, got ${JSON.stringify(p.basis)}`;
	return null;
}

/** Send claimed quantity calls in one call to the channel; each SKU's answer recorded on its call */
async function sendQuantities(store: Store, client: ChannelClient, calls: ChannelCall[], now: string, opts: ChannelCallOptions): Promise<ChannelCallResult[]> {
	if (!calls.length) return [];
	let answers: QuantityResult[];
	try {
		const updates = calls.map((c) => ({ update: { sku: c.sku!, quantity: c.quantity! }, basis: c.basis }));
		answers = opts.sendQuantities ? await opts.sendQuantities(updates) : await client.setAvailableQuantities(updates.map((u) => u.update));
	} catch (err) {
		// a quantity is a value, not an increment: sending it again is harmless, so no outcome is "unknown" here
		const out: ChannelCallResult[] = [];
		for (const c of calls) out.push(await failedAttempt(store, c, err, now, opts, 'channel.quantity', false));
		return out;
	}
	const out: ChannelCallResult[] = [];
	for (let k = 0; k < calls.length; k++) {
		const c = calls[k];
		const a = answers[k]?.sku === c.sku ? answers[k] : answers.find((x) => x.sku === c.sku);
		if (a?.ok) {
			out.push({ ...result('sent', await store.markChannelCallSent(c.id, c.version, a.reference ?? null)), status: a.status ?? null });
			continue;
		}
		const status = a?.status && a.status >= 400 ? a.status : null;
		const retryable = status === null || status === 429 || status >= 500;
		const error = `quantity not accepted: ${a?.error ?? 'no result for this SKU'}`;
		const next = retryable ? nextAttemptAt(now, c.attempts + 1, opts.backoff) : null;
		const failed = await store.markChannelCallFailed(c.id, c.version, { error, nextAttemptAt: next });
		out.push({
			...result(next ? 'retry_scheduled' : 'failed', failed, error),
			failure: status ? { status, vendorMessage: a?.error ?? null, code: `HTTP_${status}`, retryable } : null,
		});
	}
	return out;
}

// ---------------------------------------------------------------- resend (a person fixed the cause)

/** Which failed calls to send again: one by its id, or every failed call of an order (its acknowledgement and
 * confirmations; both: that call, which must be the order's) */
export interface ResendTarget {
	callId?: number | null;
	omsId?: string | null;
}

export interface ResendOptions extends ChannelCallOptions {
	/** Who asked (a person's name, or the workflow): on the order's timeline */
	by: string;
	/** Why: what was fixed */
	note?: string | null;
}

/**
 * Send again calls that failed for good (a refusal, or out of attempts), once a person fixed the cause (the tracking
 * number, the channel's listing, the credential): each goes back to pending with its attempts counted afresh and an
 * event naming who and why on its order's timeline (one store transaction: lib/store/rules/channel-outbox.ts), then is
 * sent now under the outbox's lease, so it reaches the channel once (a call whose last outcome was unknown asks the
 * channel first). Once sent it leaves the Attention queue; a call that fails again is owed as any other. A call that
 * is not failed moves nothing (two people at once: one resend). Bad input, an unknown call or order, a call of
 * another channel or order: an ItemError, nothing changed. Results in the order of the calls (oldest first).
 */
export async function resendFailedChannelCalls(store: Store, client: ChannelClient, target: ResendTarget, opts: ResendOptions): Promise<ChannelCallResult[]> {
	const omsId = typeof target.omsId === 'string' ? target.omsId.trim() : '';
	const callId = target.callId ?? null;
	if (callId === null && !omsId) throw new ItemError('Resend Failed needs a call ID or an OMS order ID', [{ path: 'callId', message: 'call ID and OMS order ID are both empty' }]);
	if (callId !== null && (!Number.isSafeInteger(callId) || callId <= 0)) {
		throw new ItemError(`Call ID must be a whole number above 0, got ${JSON.stringify(callId)}`, [{ path: 'callId', message: 'not a whole number above 0' }]);
	}
	let calls: ChannelCall[];
	if (callId !== null) {
		const call = await store.getChannelCall(callId);
		const refuse = (message: string): never => {
			throw new ItemError(message, [{ path: 'callId', message }]);
		};
		if (!call) refuse(`No channel call ${callId} in the OMS store`);
		else if (call.channel !== client.channel) refuse(`Channel call ${callId} is owed to ${call.channel}, not ${client.channel}`);
		else if (omsId && call.omsId !== omsId) refuse(`Channel call ${callId} is ${channelCallWords(call)}, not of ${omsId}`);
		else if (call.status !== 'failed') refuse(`Channel call ${callId} is ${call.status}: Resend Failed sends only a call that failed for good`);
		calls = [call!];
	} else {
		const mine = (await store.listChannelCalls({ channel: client.channel, omsId })).filter((c) => c.kind !== 'quantity');
		calls = mine.filter((c) => c.status === 'failed');
		if (!calls.length) {
			const message = mine.length
				? `${omsId} has no failed call to ${client.channel} (${mine.map((c) => `${c.kind === 'acknowledgement' ? 'acknowledgement' : c.kind === 'cancel_answer' ? 'cancel answer' : c.kind === 'refund' ? `refund of return ${String(c.payload?.returnId)}` : `package ${c.packageKey}`}: ${c.status}`).join(', ')})`
				: `No confirmation or acknowledgement of ${omsId} to ${client.channel} in the OMS store`;
			throw new ItemError(message, [{ path: 'omsId', message }]);
		}
	}
	const now = opts.now ?? new Date().toISOString();
	const cause = opts.cause ?? 'channel.resend';
	const out: ChannelCallResult[] = [];
	for (const c of calls) {
		const { call, requeued } = await store.requeueChannelCall(c.id, { by: opts.by, note: opts.note ?? null });
		const [claimed] = requeued ? await store.claimChannelCalls(client.channel, now, { ids: [call.id], limit: 1, leaseSeconds: opts.leaseSeconds ?? 120 }) : [];
		if (!claimed) {
			// another resend (or Retry Pending) took it first: it is sent once, by that one
			const current = (await store.getChannelCall(call.id)) ?? call;
			out.push(result(current.status === 'sent' ? 'already_sent' : current.status === 'failed' ? 'failed' : 'queued', current, current.lastError));
			continue;
		}
		if (claimed.kind === 'confirmation') out.push(await sendConfirmation(store, client, claimed, now, opts, cause));
		else if (claimed.kind === 'acknowledgement') out.push(await sendAcknowledgement(store, client, claimed, now, opts, cause));
		else if (claimed.kind === 'cancel_answer') out.push(await sendCancelAnswer(store, client, claimed, now, opts, cause));
		else if (claimed.kind === 'refund') out.push(await sendRefund(store, client, claimed, now, opts, cause));
		else out.push(...(await sendQuantities(store, client, [claimed], now, opts)));
	}
	return out;
}

// ---------------------------------------------------------------- retry

export interface ChannelRetrySummary {
	channel: string;
	claimed: number;
	sent: number;
	retryScheduled: number;
	failed: number;
	results: ChannelCallResult[];
}

/**
 * Send one channel's due calls (only that channel's: each Marketplace credential retries its own), acknowledgements
 * first, then answers to buyers' cancel requests, then refunds of returns, then confirmations, then quantity pushes lowest first in one call
 * to the channel.
 */
export async function retryChannelCalls(store: Store, client: ChannelClient, opts: ChannelCallOptions & { limit?: number; claimBatch?: number } = {}): Promise<ChannelRetrySummary> {
	const limit = opts.limit ?? 500;
	// claimed a batch at a time, each under its own lease: a channel paced at 2 calls a second sends 100 in under a
	// minute, well inside the lease, where 500 claimed at once would outlast it and let another run claim them again
	const batch = Math.max(1, Math.min(opts.claimBatch ?? 100, limit));
	const results: ChannelCallResult[] = [];
	const cause = opts.cause ?? 'channel.retry';
	let claimed = 0;
	while (claimed < limit) {
		const now = opts.now ?? new Date().toISOString();
		const due = await store.claimChannelCalls(client.channel, now, { limit: Math.min(batch, limit - claimed), leaseSeconds: opts.leaseSeconds ?? 120 });
		claimed += due.length;
		for (const c of due) if (c.kind === 'acknowledgement') results.push(await sendAcknowledgement(store, client, c, now, opts, cause));
		for (const c of due) if (c.kind === 'cancel_answer') results.push(await sendCancelAnswer(store, client, c, now, opts, cause));
		for (const c of due) if (c.kind === 'refund') results.push(await sendRefund(store, client, c, now, opts, cause));
		for (const c of due) if (c.kind === 'confirmation') results.push(await sendConfirmation(store, client, c, now, opts, cause));
		results.push(...(await sendQuantities(store, client, due.filter((c) => c.kind === 'quantity'), now, opts)));
		if (due.length < batch) break;
	}
	const count = (o: ChannelCallOutcome[]) => results.filter((r) => o.includes(r.outcome)).length;
	return { channel: client.channel, claimed, sent: count(['sent', 'found_at_channel']), retryScheduled: count(['retry_scheduled']), failed: count(['failed']), results };
}
