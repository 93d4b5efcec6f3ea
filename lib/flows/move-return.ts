/**
 * The steps of a return after it is recorded (the future Returns node's Authorise, Receive, Inspect and Close): each
 * one store transition (lib/store transitionReturn: compare-and-set through the return's table, lib/returns/status.ts),
 * carrying what the step records with it: the units' dispositions and, when the rules say the refund is due at this
 * step, the refund computed from the order (lib/returns/rules.ts computeRefund, in integer minor units). The refund is
 * computed once: a return that has one keeps it. A refund pending after a step is owed to the order's channel through
 * the channel outbox (lib/flows/channel-calls.ts, kind refund, once per return) and, when the step is given the
 * channel's client, sent at once (as confirmations are); otherwise the channel's Retry Pending sends it. n8n-free.
 *
 * Outcomes: moved (or, for refundReturn, the refund written); held (the rule leaves it to a person: outside the authorisation window, no delivery time, a refund
 * not settled); unchanged (the return is there already, or past the step: a repeat); not_allowed (the table does not
 * allow the step from where the return is, e.g. receiving a return nobody authorised).
 */
import { computeRefund, refundDue, refundMoment, autoAuthorise, type ReturnRules } from '../returns/rules';
import { NOT_RETURNING, type ReturnStatus, type ReturnTransitionCause } from '../returns/status';
import type { ReturnDisposition, ReturnRefund, ReturnShipment, StoredReturn } from '../returns/types';
import type { ChannelClient } from '../channels/types';
import type { ChannelCall, Store } from '../store/types';
import { oweReturnRefund, refundReturnOnChannel, type ChannelCallOptions, type ChannelCallOutcome } from './channel-calls';
import { ItemError } from './item-error';

export type ReturnStepOutcome = 'moved' | 'held' | 'unchanged' | 'not_allowed';
export interface ReturnStepResult {
	outcome: ReturnStepOutcome;
	stored: StoredReturn;
	/** The refund computed and written with this step (null: none now) */
	refund: ReturnRefund | null;
	/** Why it was held, or not allowed */
	why?: string;
	/** The channel outbox's call of the return's refund, when one is owed or was (absent: none) */
	refundCall?: ChannelCall;
	/** What became of it now: owed (queued for the channel's Retry Pending), or the send's outcome */
	refundCallOutcome?: ChannelCallOutcome | 'owed';
}

/** The channel a step sends a refund it makes due through at once (absent: the refund is only owed) */
export interface RefundChannel {
	client: ChannelClient;
	opts?: ChannelCallOptions;
}

/**
 * After a step: a refund pending on the return is owed to its channel (once per return: a repeat finds the call owed
 * before) and sent now when the channel's client is given; the result carries the call and the return as it is now.
 */
async function withRefundCall(store: Store, r: ReturnStepResult, channel?: RefundChannel): Promise<ReturnStepResult> {
	if (r.stored.ret.refund?.status !== 'pending') return r;
	const returnId = r.stored.ret.returnId;
	if (!channel) {
		const call = await oweReturnRefund(store, returnId);
		return call ? { ...r, refundCall: call, refundCallOutcome: 'owed' } : r;
	}
	const sent = await refundReturnOnChannel(store, channel.client, returnId, channel.opts);
	if (!sent?.call) return r;
	return { ...r, stored: (await store.getReturn(returnId)) ?? r.stored, refundCall: sent.call, refundCallOutcome: sent.outcome };
}

async function load(store: Store, returnId: string): Promise<StoredReturn> {
	const stored = await store.getReturn(returnId);
	if (!stored) throw new ItemError(`No return ${returnId} in the OMS store: record it first`, [{ path: '$.returnId', message: 'unknown return' }]);
	return stored;
}

/** Units of each order line the order's other returns have had refunds computed for (the refund's cumulative base). */
async function refundedBefore(store: Store, stored: StoredReturn): Promise<Map<string, number>> {
	const before = new Map<string, number>();
	for (const other of await store.listReturns(stored.ret.omsId)) {
		if (other.ret.returnId === stored.ret.returnId || !other.ret.refund || NOT_RETURNING.includes(other.status)) continue;
		for (const l of other.ret.lines) before.set(l.lineId, (before.get(l.lineId) ?? 0) + l.quantity);
	}
	return before;
}

/** The refund to write with a move to `to`, when the rules make it due there and the return has none yet. */
async function refundIfDue(store: Store, stored: StoredReturn, to: ReturnStatus, rules: ReturnRules): Promise<ReturnRefund | undefined> {
	if (stored.ret.refund || !refundDue(to, refundMoment(stored.ret, rules))) return undefined;
	const order = await store.getOrder(stored.ret.omsId);
	if (!order) throw new ItemError(`Return ${stored.ret.returnId}: its order ${stored.ret.omsId} is no longer in the OMS store`, [{ path: '$.omsId', message: 'unknown order' }]);
	return computeRefund(order.order, stored.ret, await refundedBefore(store, stored), rules);
}

async function move(
	store: Store,
	stored: StoredReturn,
	to: ReturnStatus,
	cause: ReturnTransitionCause,
	opts: { by: string; rules?: ReturnRules; dispositions?: Array<{ lineId: string; dispositions: ReturnDisposition[] }>; shipment?: ReturnShipment; detail?: Record<string, unknown> },
): Promise<ReturnStepResult> {
	const refund = opts.rules ? await refundIfDue(store, stored, to, opts.rules) : undefined;
	const res = await store.transitionReturn(stored.ret.returnId, {
		to,
		cause,
		by: opts.by,
		detail: opts.detail,
		dispositions: opts.dispositions,
		shipment: opts.shipment,
		refund,
		onlyFrom: [stored.status],
	});
	if (res.changed) return { outcome: 'moved', stored: res.stored, refund: refund ?? null, ...(opts.detail?.why ? { why: String(opts.detail.why) } : {}) };
	if (res.refused === 'not_allowed') return { outcome: 'not_allowed', stored: res.stored, refund: null, why: `a return that is ${res.from} cannot move to ${to} (${cause})` };
	// only_from: another execution moved it meanwhile; or already there
	return { outcome: 'unchanged', stored: (await store.getReturn(stored.ret.returnId)) ?? res.stored, refund: null };
}

/** When the order was delivered: its move to delivered on its timeline (null when it never was). */
export async function orderDeliveredAt(store: Store, omsId: string): Promise<string | null> {
	const events = await store.timeline(omsId);
	for (let i = events.length - 1; i >= 0; i--) if (events[i].type === 'status' && events[i].toStatus === 'delivered') return events[i].at;
	return null;
}

/**
 * Decide a requested return: `auto` authorises it when the rule allows (requested within N days of the order's
 * delivery: `deliveredAt`, or the order's move to delivered), else holds it for a person; `approve` and `decline`
 * are a person's decision. With the refund, when it is due on authorisation.
 */
export async function authoriseReturn(
	store: Store,
	returnId: string,
	opts: { decision: 'auto' | 'approve' | 'decline'; rules: ReturnRules; by: string; deliveredAt?: string | null; channel?: RefundChannel },
): Promise<ReturnStepResult> {
	return withRefundCall(store, await authorise(store, returnId, opts), opts.channel);
}

async function authorise(store: Store, returnId: string, opts: { decision: 'auto' | 'approve' | 'decline'; rules: ReturnRules; by: string; deliveredAt?: string | null }): Promise<ReturnStepResult> {
	const stored = await load(store, returnId);
	if (stored.status !== 'requested') return { outcome: 'unchanged', stored, refund: null, why: `the return is ${stored.status}: decided before` };
	if (opts.decision === 'decline') return move(store, stored, 'declined', 'operator_declined', { by: opts.by });
	if (opts.decision === 'approve') return move(store, stored, 'authorised', 'operator_authorised', { by: opts.by, rules: opts.rules });
	const delivered = opts.deliveredAt !== undefined ? opts.deliveredAt : await orderDeliveredAt(store, stored.ret.omsId);
	const verdict = autoAuthorise(stored.ret, delivered, opts.rules);
	if (!verdict.authorise) return { outcome: 'held', stored, refund: null, why: verdict.why };
	return move(store, stored, 'authorised', 'auto_authorised', { by: opts.by, rules: opts.rules, detail: { why: verdict.why } });
}

/** The units arrived (the warehouse or the channel says so), with their dispositions when known, the return shipment
 * when given, and the refund when due on receipt. */
export async function receiveReturn(
	store: Store,
	returnId: string,
	opts: { rules: ReturnRules; by: string; dispositions?: Array<{ lineId: string; dispositions: ReturnDisposition[] }>; shipment?: ReturnShipment; channel?: RefundChannel },
): Promise<ReturnStepResult> {
	const stored = await load(store, returnId);
	return withRefundCall(store, await move(store, stored, 'received', 'received', opts), opts.channel);
}

/** The units were inspected: each line's dispositions, and the refund when due on inspection. */
export async function inspectReturn(
	store: Store,
	returnId: string,
	opts: { rules: ReturnRules; by: string; dispositions: Array<{ lineId: string; dispositions: ReturnDisposition[] }>; channel?: RefundChannel },
): Promise<ReturnStepResult> {
	const stored = await load(store, returnId);
	return withRefundCall(store, await move(store, stored, 'inspected', 'inspected', opts), opts.channel);
}

/**
 * Compute and record the refund of a return that reached its refund moment without one (moved there by the channel's
 * own word, say), without moving it, and owe it to the channel (sent now with `channel`). unchanged: it has one, or
 * none is due yet where it is.
 */
export async function refundReturn(store: Store, returnId: string, opts: { rules: ReturnRules; by: string; channel?: RefundChannel }): Promise<ReturnStepResult> {
	return withRefundCall(store, await computeReturnRefund(store, returnId, opts), opts.channel);
}

async function computeReturnRefund(store: Store, returnId: string, opts: { rules: ReturnRules; by: string }): Promise<ReturnStepResult> {
	const stored = await load(store, returnId);
	const refund = await refundIfDue(store, stored, stored.status, opts.rules);
	if (!refund) return { outcome: 'unchanged', stored, refund: null, why: stored.ret.refund ? 'the refund was computed before' : `no refund is due for a return that is ${stored.status}` };
	const res = await store.transitionReturn(returnId, { by: opts.by, refund, onlyFrom: [stored.status] });
	if (res.refused) return { outcome: 'unchanged', stored: (await store.getReturn(returnId)) ?? res.stored, refund: null, why: 'the return moved meanwhile' };
	return { outcome: 'moved', stored: res.stored, refund };
}

/** Close a return whose units are dealt with; held while no refund is recorded, or its refund is not refunded yet. */
export async function closeReturn(store: Store, returnId: string, opts: { by: string }): Promise<ReturnStepResult> {
	const stored = await load(store, returnId);
	const refund = stored.ret.refund;
	if (stored.status !== 'closed' && !refund) return { outcome: 'held', stored, refund: null, why: 'no refund is recorded yet (refundReturn computes it)' };
	if (stored.status !== 'closed' && refund && refund.status !== 'refunded' && refund.total > 0) {
		return { outcome: 'held', stored, refund: null, why: `the refund is ${refund.status}, not refunded yet` };
	}
	return move(store, stored, 'closed', 'closed', opts);
}

/** A person withdraws a return before its units arrive (requested, authorised or in transit); unchanged once cancelled. */
export async function cancelReturn(store: Store, returnId: string, opts: { by: string; note?: string | null }): Promise<ReturnStepResult> {
	const stored = await load(store, returnId);
	if (stored.status === 'cancelled') return { outcome: 'unchanged', stored, refund: null, why: 'the return was cancelled before' };
	return move(store, stored, 'cancelled', 'operator_cancel', { by: opts.by, detail: opts.note ? { note: opts.note } : undefined });
}

/** A person declines a requested return (authoriseReturn's decline, named for the node). */
export async function declineReturn(store: Store, returnId: string, opts: { by: string; note?: string | null }): Promise<ReturnStepResult> {
	const stored = await load(store, returnId);
	if (stored.status === 'declined') return { outcome: 'unchanged', stored, refund: null, why: 'the return was declined before' };
	if (stored.status !== 'requested') return { outcome: 'not_allowed', stored, refund: null, why: `a return that is ${stored.status} cannot be declined (only a requested one)` };
	return move(store, stored, 'declined', 'operator_declined', { by: opts.by, detail: opts.note ? { note: opts.note } : undefined });
}
