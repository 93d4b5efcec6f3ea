/**
 * Which of two versions of one channel order is the newer (the store keeps the newer, whichever arrives first).
 * A rule of the canonical order, so it lives here, below the store that applies it: it reads only the order's own
 * fields (update time, readiness, channel and channel status words, content).
 *
 * The channels' status lifecycles (PROGRESS) are here too, not in lib/channels: the store compares the stored
 * version (written by any build, from a normaliser, an EDI 850 or an operator's canonical JSON) with the incoming
 * one by these words alone, and the store may not import a channel module. A channel without an entry is
 * compared by readiness and content only.
 */
import type { CanonicalOrder, Readiness } from './types';
import { createHash } from 'node:crypto';
import { stableStringify } from './json';

/** Upper case, letters and digits only: `PENDING_AVAILABILITY`, `PendingAvailability` and `pending-availability` compare equal. */
export function statusKey(word: string | null | undefined): string {
	return typeof word === 'string' ? word.toUpperCase().replace(/[^A-Z0-9]/g, '') : '';
}

/** Readiness along the lifecycle: a version that is further along is the newer one when the times tie. */
const READINESS_RANK: Record<Readiness, number> = { pending: 0, ready: 1, shipped: 2, cancelled: 3 };

/** What makes a version of a channel order: everything the channel said, without the OMS's own annotations. */
const NOT_CONTENT = new Set(['raw', 'fraud', 'allocation', 'wms', 'updatedAt']);
function channelContent(order: CanonicalOrder): string {
	const content: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(order)) if (!NOT_CONTENT.has(k)) content[k] = v;
	return stableStringify(content);
}

/**
 * Which of two versions of one channel order is the newer: 1 when `a` is, -1 when `b` is, 0 when they are the same
 * version. By update time first. Channels write it in whole seconds (WooCommerce date_modified_gmt, Shopify
 * updated_at, Amazon, EDI), so two saves in one second (created pending, then paid) tie; then, in turn:
 * - the readiness further along the lifecycle wins (pending < ready < shipped < cancelled): a payment is never
 *   undone by the pending version arriving late;
 * - the channel status further along the channel's own lifecycle wins (statusProgress below:
 *   pending < on-hold < processing on WooCommerce, UNSHIPPED < PARTIALLY_SHIPPED on Amazon...);
 * - otherwise a fixed order over the content (its canonical JSON): either version may be the later one, but the
 *   store settles on the same one whichever arrives first, so the two never take turns.
 * Same time and same content (the raw payload and the OMS's annotations aside) is the same version.
 */
export function compareVersions(a: CanonicalOrder, b: CanonicalOrder): -1 | 0 | 1 {
	const ta = Date.parse(a.updatedAt);
	const tb = Date.parse(b.updatedAt);
	if (ta !== tb) return ta > tb ? 1 : -1;
	const ra = READINESS_RANK[a.readiness] ?? -1;
	const rb = READINESS_RANK[b.readiness] ?? -1;
	if (ra !== rb) return ra > rb ? 1 : -1;
	const progress = statusProgress(a.channel, a.channelStatus, b.channelStatus);
	if (progress !== 0) return progress;
	const ca = channelContent(a);
	const cb = channelContent(b);
	return ca === cb ? 0 : ca > cb ? 1 : -1;
}

/**
 * Status words the OMS's own call produces, per channel, mapped to the word they stand in for: Walmart's order moves
 * Created -> Acknowledged because the OMS acknowledged it, which is not a change for the OMS to act on.
 */
const OWN_STEPS: Record<string, Record<string, string>> = { walmart: { ACKNOWLEDGED: 'CREATED' } };

/**
 * A short digest of what the channel said in this version (its content and status words, without the update time,
 * the raw payload and the OMS's annotations), for telling two listings of one order apart when the update times
 * tie: a second save within the same second changes it; listing the same version again does not; neither does a
 * status step the OMS itself caused (OWN_STEPS).
 */
export function versionDigest(order: CanonicalOrder): string {
	const own = Object.hasOwn(OWN_STEPS, order.channel) ? OWN_STEPS[order.channel] : null;
	const status = String(order.channelStatus ?? '')
		.split('/')
		.map((w) => {
			const k = statusKey(w);
			return own && Object.hasOwn(own, k) ? own[k] : k;
		})
		.join('/');
	const content = channelContent({ ...order, channelStatus: status });
	return createHash('sha256').update(content).digest('base64url').slice(0, 16);
}

/**
 * How far each channel's status words are along its lifecycle, per dimension (Shopify: financial, fulfillment;
 * eBay: payment, fulfillment, cancellation; the others one). Used only to order two versions of an order that
 * carry the same update time (channels write whole seconds): the one further along is the newer.
 */
const PROGRESS: Record<string, Record<string, [number, number]>> = {
	shopify: {
		PENDING: [0, 0],
		AUTHORIZED: [0, 1],
		PARTIALLYPAID: [0, 2],
		PAID: [0, 3],
		PARTIALLYREFUNDED: [0, 4],
		REFUNDED: [0, 5],
		VOIDED: [0, 5],
		EXPIRED: [0, 5],
		UNFULFILLED: [1, 0],
		ONHOLD: [1, 0],
		SCHEDULED: [1, 0],
		INPROGRESS: [1, 1],
		PARTIAL: [1, 1],
		PARTIALLYFULFILLED: [1, 1],
		FULFILLED: [1, 2],
		RESTOCKED: [1, 3],
	},
	woocommerce: { CHECKOUTDRAFT: [0, 0], PENDING: [0, 1], ONHOLD: [0, 2], PROCESSING: [0, 3], COMPLETED: [0, 4], CANCELLED: [0, 5], REFUNDED: [0, 5], FAILED: [0, 5], TRASH: [0, 6] },
	amazon: {
		PENDING: [0, 0],
		PENDINGAVAILABILITY: [0, 0],
		UNSHIPPED: [0, 1],
		PARTIALLYSHIPPED: [0, 2],
		SHIPPED: [0, 3],
		INVOICEUNCONFIRMED: [0, 3],
		CANCELED: [0, 4],
		CANCELLED: [0, 4],
		UNFULFILLABLE: [0, 4],
	},
	ebay: {
		PENDING: [0, 0],
		PAID: [0, 1],
		PARTIALLYREFUNDED: [0, 2],
		FULLYREFUNDED: [0, 3],
		NOTSTARTED: [1, 0],
		INPROGRESS: [1, 1],
		FULFILLED: [1, 2],
		NONEREQUESTED: [2, 0],
		CANCELREQUESTED: [2, 1],
		CANCELPENDING: [2, 1],
		CANCELED: [2, 2],
		CANCELLED: [2, 2],
	},
	// Walmart's words are the set of its lines' statuses: compared by the least and the furthest line
	walmart: { CREATED: [0, 0], ACKNOWLEDGED: [0, 1], SHIPPED: [0, 2], DELIVERED: [0, 3], CANCELLED: [0, 4] },
};

function progressOf(channel: string, status: string): Array<number | undefined> {
	if (!Object.hasOwn(PROGRESS, channel)) return [];
	const table = PROGRESS[channel];
	const out: Array<number | undefined> = [];
	const ranks: number[] = [];
	for (const word of status.split('/')) {
		const key = statusKey(word);
		if (!Object.hasOwn(table, key)) continue;
		const hit = table[key];
		if (channel === 'walmart') ranks.push(hit[1]);
		else out[hit[0]] = Math.max(out[hit[0]] ?? -1, hit[1]);
	}
	return channel === 'walmart' && ranks.length ? [Math.min(...ranks), Math.max(...ranks)] : out;
}

/**
 * 1 when channel status `a` is further along the channel's lifecycle than `b` (every known dimension at least as
 * far, one further), -1 when it is behind, 0 when the same or not comparable (unknown words, one dimension forward
 * and another back).
 */
export function statusProgress(channel: string, a: string, b: string): -1 | 0 | 1 {
	if (a === b) return 0;
	const pa = progressOf(channel, a);
	const pb = progressOf(channel, b);
	let ahead = false;
	let behind = false;
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		const x = pa[i];
		const y = pb[i];
		if (x === undefined || y === undefined) continue;
		if (x > y) ahead = true;
		else if (x < y) behind = true;
	}
	return ahead === behind ? 0 : ahead ? 1 : -1;
}
