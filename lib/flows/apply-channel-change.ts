/**
 * Apply a channel's change after intake (OMS Order > Apply Channel Change, on Record's Updated output): the order was
 * recorded anew (Record), and this carries the change out at the stage the order is in. Decided from the stored order
 * alone, so a repeat (a retried execution, the same change twice) decides the same and writes nothing new:
 * - cancelled on the channel before the WMS has it: its reservation is released (the SKUs to republish returned);
 *   a delivery still pending in the outbox is failed so it is never sent;
 * - cancelled on the channel while the WMS has it (at_wms, picked, packed): cancelled at the WMS first (cancel-at-wms),
 *   then released; a refusal (already picked or shipped) holds the order for a person (hold cancel_refused, the WMS's
 *   words in the detail) and says what to tell the channel; a WMS that does not answer leaves the cancel owed in the
 *   WMS outbox (hold cancel_owed), which cancels and releases the order when the WMS answers;
 * - cancelled on the channel after shipping: nothing to cancel; held for the return it implies (hold return_expected);
 * - the buyer asked to cancel (order.cancelRequest: eBay's cancel request, Amazon's IsBuyerRequestedCancel, Walmart's
 *   intentToCancel): carried out as a cancel (released before the WMS; at the WMS cancelled there first, then
 *   released; a refusal held cancel_refused), and the answer queued in the channel outbox (kind cancel_answer, once
 *   per order; Retry Pending sends it): approve when the order was stopped (each channel's client says what approving
 *   is: eBay's approve, Amazon's cancellation with reason BuyerCanceled, Walmart's cancel of the open lines), reject
 *   when it was not (with its tracking number and ship date once it shipped) where the channel has a reject call
 *   (capabilities.rejectCancelRequest: eBay); where it has none shipping is the answer and nothing is queued (Walmart's
 *   confirmation then carries intentToCancelOverride: lib/flows/channel-calls.ts);
 * - paid later (channel_paid moved it back to received): it goes on to fulfilment now;
 * - a new address while the WMS has the order: the provider's address update where it has one (through the WMS
 *   outbox: asked now, asked again while the WMS does not answer), held (hold address) when refused or never
 *   answered, or when the provider has none;
 * - lines edited before the WMS has the order: the reservation follows the new lines (units no longer asked for
 *   released, units added reserved on top); after: held for a person (hold operator).
 * Every write of a stage is one Store.transition. n8n-free.
 */
import type { CanonicalOrder } from '../order/types';
import { AT_OR_PAST_WMS, fromStatusesFor, type Hold, type HoldReason, type OmsStatus } from '../order/status';
import type { Store, StoredOrder } from '../store/types';
import { reserveLinesOf } from '../stock/bundles';
import type { WmsProvider } from '../wms/types';
import type { BackoffPolicy } from '../wms/outbox';
import { cancelAtWms } from './cancel-at-wms';
import { channelChangeHold, sendWmsCallsNow } from './wms-calls';
import { ItemError } from './item-error';
import { queueCancelAnswer, rejectsByCall, shipmentOf, SHIPPING_ANSWERS, type QueuedCancelAnswer } from './cancel-answer';

export type ChannelChangeAction =
	| 'fulfil' // paid later (or otherwise back to received): on to the fraud gate, allocator, backorder gate, WMS
	| 'released' // cancelled before the WMS: reservation released
	| 'cancelled_at_wms' // cancelled at the WMS, then released
	| 'cancel_refused' // the WMS refused the cancel: held for a person
	| 'return_expected' // cancelled after shipping: held for the return
	| 'cancel_owed' // the WMS did not answer the cancel: held cancel_owed, the outbox asks again (then cancels and releases)
	| 'address_updated'
	| 'address_owed' // the WMS did not answer the address update: the outbox asks again
	| 'address_held'
	| 'lines_rereserved'
	| 'lines_held'
	| 'cancel_request_rejected' // the buyer asked to cancel after it shipped: the request is rejected (with its tracking)
	| 'needs_wms' // the change needs a call to the WMS and no provider was given (OMS Order node: the WMS node does it)
	| 'none';

/** Where the template sends the item next. */
export type ChannelChangeRoute = 'fulfil' | 'republish' | 'wms' | 'held' | 'done';

export interface ChannelChangeResult {
	omsId: string;
	action: ChannelChangeAction;
	route: ChannelChangeRoute;
	status: OmsStatus;
	hold: Hold | null;
	/** SKUs whose stock moved (released or reserved): their channel quantities must be published again */
	republishSkus: string[];
	releasedUnits: number;
	/** What the channel should be told (a refused cancel), null when nothing */
	tellChannel: string | null;
	/** The WMS's words, when it refused */
	wmsMessage: string | null;
	/** A delivery of the cancelled order was being sent at that moment (leased): should it reach the WMS, the attempt
	 * cancels it there as soon as it is answered (push-to-wms) */
	deliveryInFlight?: boolean;
	/** The buyer asked to cancel: the answer queued for the channel (sent by the Marketplace node's Retry Pending) */
	cancelAnswer?: QueuedCancelAnswer;
}

export interface ApplyChannelChangeOptions {
	by: string;
	/** The WMS provider of a delivery (by provider name); omitted or undefined for that name: the change is routed to
	 * the WMS node (needs_wms) */
	wms?: (provider: string) => WmsProvider | undefined;
	/** The top-level fields Record said changed (its `changes`); omitted: only cancels and payments are looked at */
	changes?: readonly string[];
	now?: () => string;
	/** The WMS outbox's backoff for a cancel or address update the WMS does not answer */
	backoff?: BackoffPolicy;
}

const WMS_LEG_OPEN: readonly OmsStatus[] = ['at_wms', 'picked', 'packed'];
const AFTER_PICK: readonly OmsStatus[] = ['picked', 'packed', 'shipped', 'delivered'];

/**
 * Check the item against the store: an order the OMS never recorded, or an item whose lines the recorded order does
 * not have, is that item's error (ItemError), and nothing is written.
 */
export async function storedForChange(store: Store, item: Partial<CanonicalOrder> & Record<string, unknown>): Promise<StoredOrder> {
	const omsId = typeof item.omsId === 'string' ? item.omsId.trim() : '';
	if (!omsId) throw new ItemError('Item has no omsId: Apply Channel Change takes the orders OMS Order > Record sends on Updated', [{ path: '$.omsId', message: 'is required' }]);
	const stored = await store.getOrder(omsId);
	if (!stored) throw new ItemError(`No order ${omsId} in the OMS store: a change for an order the OMS never recorded is not applied (record it first)`, [{ path: '$.omsId', message: 'unknown order' }]);
	if (Array.isArray(item.lines)) {
		const known = new Set(stored.order.lines.map((l) => l.lineId));
		const problems = item.lines
			.map((l, i) => ({ l: l as { lineId?: unknown }, i }))
			.filter(({ l }) => typeof l?.lineId !== 'string' || !known.has(l.lineId))
			.map(({ l, i }) => ({ path: `$.lines[${i}].lineId`, message: `order ${omsId} has no line ${JSON.stringify(l?.lineId ?? null)}` }));
		if (problems.length) {
			throw new ItemError(`Order ${omsId} has no line ${problems.map((p) => p.message.split(' has no line ')[1]).join(', ')}: nothing applied (the item is not the recorded version; record it first)`, problems);
		}
	}
	return stored;
}

function result(stored: StoredOrder, action: ChannelChangeAction, route: ChannelChangeRoute, extra: Partial<ChannelChangeResult> = {}): ChannelChangeResult {
	return { omsId: stored.order.omsId, action, route, status: stored.status, hold: stored.hold, republishSkus: [], releasedUnits: 0, tellChannel: null, wmsMessage: null, ...extra };
}

function skusOf(parts: Array<{ sku: string }>): string[] {
	return [...new Set(parts.map((p) => p.sku))].sort();
}

/** Hold the order where it is (the table's channel_change_held: on the WMS leg only) with this reason. */
async function holdHere(store: Store, stored: StoredOrder, reason: HoldReason, detail: string, by: string, at: string): Promise<StoredOrder> {
	if (stored.hold?.reason === reason && stored.hold.detail === detail) return stored;
	const r = await store.transition(stored.order.omsId, { ...channelChangeHold(stored, reason, detail, at), by });
	return r.stored;
}

/**
 * Fail deliveries still pending (never sent) so the outbox does not send a cancelled order. Each is claimed first (the
 * outbox's lease), so an attempt in flight is never overwritten; one in flight is reported (`inFlight`): should it
 * reach the WMS, that attempt cancels it there itself (push-to-wms: an order that ended meanwhile). Returns the
 * provider of a sent one.
 */
async function stopPending(store: Store, omsId: string, now: string): Promise<{ sentProvider: string | null; inFlight: boolean }> {
	let sentProvider: string | null = null;
	let inFlight = false;
	for (let n = 1; n <= 50; n++) {
		const d = await store.getDelivery(omsId, n);
		if (!d) break;
		if (d.status === 'pending') {
			const claimed = await store.claimDelivery(d.id, now);
			if (claimed) await store.markDeliveryAttemptFailed(claimed.id, 'cancelled on the channel before it was sent', null);
			else {
				const after = await store.getDelivery(omsId, n);
				if (after?.status === 'sent') sentProvider = after.provider;
				else if (after?.status === 'pending') inFlight = true;
			}
		}
		if (d.status === 'sent') sentProvider = d.provider;
	}
	return { sentProvider, inFlight };
}

/** Apply the channel's change recorded for `omsId` at the stage the order is in (see the file's comment). */
export async function applyChannelChange(store: Store, item: Partial<CanonicalOrder> & Record<string, unknown>, opts: ApplyChannelChangeOptions): Promise<ChannelChangeResult> {
	const now = opts.now ?? (() => new Date().toISOString());
	let stored = await storedForChange(store, item);
	const omsId = stored.order.omsId;
	const readiness = stored.order.readiness;

	if (readiness === 'cancelled') {
		if (stored.status === 'cancelled' || stored.status === 'rejected') {
			const { sentProvider, inFlight } = await stopPending(store, omsId, now());
			if (sentProvider) return cancelAtTheWms(store, stored, sentProvider, opts, now);
			// the status is already cancelled (Record moved it): the release goes with being there, in one transition
			const r = await store.transition(omsId, { to: 'cancelled', cause: 'channel_cancelled', by: opts.by, release: true, detail: { reason: 'cancelled on the channel' } });
			const units = r.released.reduce((s, p) => s + p.quantity, 0);
			return result(r.stored, units ? 'released' : 'none', units ? 'republish' : 'done', { republishSkus: skusOf(r.released), releasedUnits: units, deliveryInFlight: inFlight });
		}
		if (WMS_LEG_OPEN.includes(stored.status)) {
			const d = await store.getDelivery(omsId, 1);
			return cancelAtTheWms(store, stored, d?.provider ?? null, opts, now);
		}
		if (stored.status === 'shipped' || stored.status === 'delivered') {
			stored = await holdHere(store, stored, 'return_expected', 'cancelled on the channel after it shipped: expect the parcel back as a return', opts.by, now());
			return result(stored, 'return_expected', 'held', { tellChannel: 'The order had already shipped when it was cancelled: it comes back as a return' });
		}
	}

	if (stored.order.cancelRequest) return buyerAskedToCancel(store, stored, opts, now);

	if (stored.status === 'received' && !stored.hold && readiness === 'ready') return result(stored, 'fulfil', 'fulfil');

	const changes = new Set(opts.changes ?? []);
	if (changes.has('shipTo') && stored.order.shipTo && AT_OR_PAST_WMS.includes(stored.status)) return changeAddress(store, stored, opts, now);
	if (changes.has('lines')) return changeLines(store, stored, opts, now);
	return result(stored, 'none', 'done');
}

async function cancelAtTheWms(store: Store, stored: StoredOrder, providerName: string | null, opts: ApplyChannelChangeOptions, now: () => string): Promise<ChannelChangeResult> {
	const omsId = stored.order.omsId;
	const provider = providerName ? opts.wms?.(providerName) : undefined;
	if (!provider) return result(stored, 'needs_wms', 'wms');
	// what the order holds now is what cancel-at-wms releases with its move to cancelled (one transition)
	const holding = await store.activeReservations(omsId);
	// the cancel goes through the WMS outbox: asked once now; a refusal holds the order cancel_refused, silence leaves it
	// owed (held cancel_owed) for WMS > Retry Pending, which cancels and releases it when the WMS answers
	const r = await cancelAtWms(store, provider, omsId, { cause: opts.by, why: 'cancelled on the channel', now: now(), backoff: opts.backoff });
	if (r.cancelled) {
		const after = (await store.getOrder(omsId))!;
		const left = await store.activeReservations(omsId);
		const units = holding.reduce((s, p) => s + p.quantity, 0) - left.reduce((s, p) => s + p.quantity, 0);
		return result(after, 'cancelled_at_wms', 'republish', { republishSkus: skusOf(holding), releasedUnits: units });
	}
	const words = r.references.filter((x) => x.outcome === 'not_cancelled' || x.outcome === 'owed').map((x) => `${x.reference}: ${x.error ?? `the WMS says ${x.rawStatus ?? 'it cannot be cancelled'}`}`).join('; ');
	const current = (await store.getOrder(omsId))!;
	if (!WMS_LEG_OPEN.includes(current.status) && current.status !== 'shipped' && current.status !== 'delivered') return result(current, 'none', 'done', { wmsMessage: words });
	if (current.hold?.reason !== 'cancel_refused') {
		// not answered yet (or never, through every attempt): held cancel_owed by the outbox's attempt
		return result(current, 'cancel_owed', 'held', { wmsMessage: words });
	}
	return result(current, 'cancel_refused', 'held', {
		wmsMessage: words,
		tellChannel: 'The warehouse could not stop the order any more (already picked or shipped): it ships, and comes back as a return',
	});
}

/**
 * The buyer asked to cancel and the channel waits for the seller's answer: stopped wherever it can be (as a cancel),
 * then the answer queued: approve when it was stopped, reject when it was not. Needing the WMS node (no provider
 * here), or ended meanwhile: nothing queued yet.
 */
async function buyerAskedToCancel(store: Store, stored: StoredOrder, opts: ApplyChannelChangeOptions, now: () => string): Promise<ChannelChangeResult> {
	const omsId = stored.order.omsId;
	if (stored.status === 'shipped' || stored.status === 'delivered') {
		if (!rejectsByCall(stored)) return result(stored, 'cancel_request_rejected', 'done', { tellChannel: `The order had already shipped when the buyer asked to cancel. ${SHIPPING_ANSWERS}` });
		const answer = await queueCancelAnswer(store, stored, 'reject', await shipmentOf(store, stored));
		return result(stored, 'cancel_request_rejected', 'done', { cancelAnswer: answer, tellChannel: 'The order had already shipped when the buyer asked to cancel: the request is rejected with its tracking' });
	}
	if (stored.status === 'cancelled') return result(stored, 'none', 'done', { cancelAnswer: await queueCancelAnswer(store, stored, 'approve') });
	let r: ChannelChangeResult;
	if (WMS_LEG_OPEN.includes(stored.status)) {
		const d = await store.getDelivery(omsId, 1);
		r = await cancelAtTheWms(store, stored, d?.provider ?? null, opts, now);
	} else if (CHANNEL_CANCELLABLE.includes(stored.status)) {
		const { sentProvider, inFlight } = await stopPending(store, omsId, now());
		if (sentProvider) r = await cancelAtTheWms(store, stored, sentProvider, opts, now);
		else {
			const t = await store.transition(omsId, { to: 'cancelled', cause: 'channel_cancelled', by: opts.by, release: true, hold: null, onlyFrom: [stored.status], detail: { reason: 'the buyer asked to cancel on the channel', cancelRequest: stored.order.cancelRequest?.id ?? null } });
			const units = t.released.reduce((s, p) => s + p.quantity, 0);
			r = result(t.stored, units ? 'released' : 'none', units ? 'republish' : 'done', { republishSkus: skusOf(t.released), releasedUnits: units, deliveryInFlight: inFlight });
		}
	} else return result(stored, 'none', 'done');
	if (r.status === 'cancelled') return { ...r, cancelAnswer: await queueCancelAnswer(store, stored, 'approve') };
	if (r.action === 'cancel_refused') {
		if (!rejectsByCall(stored)) return { ...r, tellChannel: SHIPPING_ANSWERS };
		return { ...r, cancelAnswer: await queueCancelAnswer(store, stored, 'reject'), tellChannel: 'The warehouse could not stop the order any more (already picked): the buyer\'s cancel request is rejected' };
	}
	return r;
}

const CHANNEL_CANCELLABLE: readonly OmsStatus[] = fromStatusesFor('cancelled', 'channel_cancelled');

async function changeAddress(store: Store, stored: StoredOrder, opts: ApplyChannelChangeOptions, now: () => string): Promise<ChannelChangeResult> {
	const omsId = stored.order.omsId;
	if (AFTER_PICK.includes(stored.status)) {
		const held = await holdHere(store, stored, 'address', `the channel changed the shipping address after the warehouse ${stored.status} the order: check where it goes`, opts.by, now());
		return result(held, 'address_held', 'held', { tellChannel: 'The order was already picked at the warehouse: the new address may not be used' });
	}
	const d = await store.getDelivery(omsId, 1);
	const provider = d?.provider ? opts.wms?.(d.provider) : undefined;
	if (!provider) return result(stored, 'needs_wms', 'wms');
	if (typeof provider.updateAddress !== 'function') {
		const held = await holdHere(store, stored, 'address', `the channel changed the shipping address; ${provider.name} offers no address update through its API: change it at the warehouse`, opts.by, now());
		return result(held, 'address_held', 'held');
	}
	// the update goes through the WMS outbox: owed once per address, asked now; a refusal (or no answer through every
	// attempt) holds the order (address) with the WMS's words; no answer yet leaves it owed for WMS > Retry Pending
	const { call } = await store.enqueueWmsCall({ kind: 'address_update', omsId, shipmentNo: d!.shipmentNo, provider: d!.provider, reference: d!.reference, wmsOrderId: d!.wmsOrderId, payload: { shipTo: stored.order.shipTo } });
	const [sent] = call.status === 'pending' ? await sendWmsCallsNow(store, provider, [call.id], { cause: opts.by, now: now(), backoff: opts.backoff }) : [];
	const after = sent?.call ?? (await store.getWmsCall(call.id)) ?? call;
	const current = (await store.getOrder(omsId))!;
	if (after.status === 'sent') return result(current, 'address_updated', 'done');
	if (after.status === 'pending') return result(current, 'address_owed', 'done', { wmsMessage: after.lastError });
	return result(current, 'address_held', 'held', { wmsMessage: after.lastError });
}

async function changeLines(store: Store, stored: StoredOrder, opts: ApplyChannelChangeOptions, now: () => string): Promise<ChannelChangeResult> {
	const omsId = stored.order.omsId;
	if (AT_OR_PAST_WMS.includes(stored.status)) {
		const held = await holdHere(store, stored, 'operator', 'the channel edited the lines after the warehouse had the order: change it at the warehouse', opts.by, now());
		return result(held, 'lines_held', 'held');
	}
	if (stored.status !== 'ready' && stored.status !== 'backordered') return result(stored, 'none', 'done');
	// units held beyond what the new lines ask for go back (one transition), then what they ask for more is reserved on top
	const wanted = new Map<string, number>();
	const bundles = await store.getBundles(stored.order.lines.map((l) => l.sku));
	for (const l of reserveLinesOf(stored.order.lines, bundles)) {
		if (l.components?.length) for (const c of l.components) wanted.set(c.sku, (wanted.get(c.sku) ?? 0) + c.quantity * l.quantity);
		else wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
	}
	const held = new Map<string, number>();
	for (const r of await store.activeReservations(omsId)) held.set(r.sku, (held.get(r.sku) ?? 0) + r.quantity);
	const excess = [...held].filter(([sku, q]) => q > (wanted.get(sku) ?? 0)).map(([sku, q]) => ({ sku, quantity: q - (wanted.get(sku) ?? 0) }));
	const touched = new Set<string>();
	let releasedUnits = 0;
	if (excess.length) {
		const r = await store.transition(omsId, { by: opts.by, release: excess, events: [{ type: 'lines', detail: { edited: 'on the channel', released: excess } }] });
		for (const p of r.released) touched.add(p.sku);
		releasedUnits = r.released.reduce((s, p) => s + p.quantity, 0);
	}
	const [top] = await store.reserve([{ omsId, lines: reserveLinesOf(stored.order.lines, bundles), allowPartial: true, mode: 'topUp', cause: opts.by }]);
	for (const s of top?.touchedSkus ?? []) touched.add(s);
	const after = (await store.getOrder(omsId))!;
	return result(after, touched.size ? 'lines_rereserved' : 'none', touched.size ? 'republish' : 'done', { republishSkus: [...touched].sort(), releasedUnits });
}
