/**
 * The order's lifecycle in the OMS, in one place (after Vendure's order process): every status, every hold reason,
 * and THE transition table: which status an order may move to from which, and why (the cause). Every writer of a
 * status asks this module (canTransition, or the compare-and-set list fromStatusesFor), and the store checks it
 * inside the transaction that applies a transition (lib/store Store.transition). No other file lists statuses:
 * the named sets below (PRE_WMS, ROUTABLE, AT_OR_PAST_WMS...) are derived from the table.
 *
 * Pure and dependency-free: lib/order is the ground floor, everything else imports it.
 */

/** The OMS's own lifecycle of an order (not the channel's status words, which stay in order.channelStatus). */
export const OMS_STATUSES = [
	'received', // recorded, not yet screened
	'on_hold', // held for a typed reason other than fraud or stock (awaiting payment, address, operator)
	'fraud_review', // held by the fraud gate for a person
	'rejected', // refused by the fraud gate
	'backordered', // screened, waiting for stock (some or all lines)
	'ready', // screened and allocated: good to go to the WMS
	'at_wms', // accepted by the WMS
	'picked',
	'packed',
	'shipped',
	'delivered',
	'cancelled',
] as const;
export type OmsStatus = (typeof OMS_STATUSES)[number];

/** One taxonomy of hold reasons, shared by the fraud gate and the backorder gate (after Shopify's FulfillmentHoldReason). */
export const HOLD_REASONS = ['out_of_stock', 'awaiting_payment', 'fraud_review', 'address', 'operator', 'wms_failed', 'cancel_refused', 'cancel_owed', 'return_expected'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export interface Hold {
	reason: HoldReason;
	since: string;
	detail: string | null;
}

/** What people read for each status (node options, reports): the one map of labels. */
export const STATUS_LABELS: Readonly<Record<OmsStatus, string>> = {
	received: 'Received (Not Yet Screened)',
	on_hold: 'On Hold',
	fraud_review: 'Fraud Review',
	rejected: 'Rejected',
	backordered: 'Backordered',
	ready: 'Ready for the WMS',
	at_wms: 'At the WMS',
	picked: 'Picked',
	packed: 'Packed',
	shipped: 'Shipped',
	delivered: 'Delivered',
	cancelled: 'Cancelled',
};

export const HOLD_LABELS: Readonly<Record<HoldReason, string>> = {
	out_of_stock: 'Out of Stock',
	awaiting_payment: 'Awaiting Payment',
	fraud_review: 'Fraud Review',
	address: 'Address Problem',
	operator: 'Held by an Operator',
	wms_failed: 'WMS Delivery Failed',
	cancel_refused: 'Cancel Refused by the WMS',
	cancel_owed: 'Cancel Owed to the WMS (Not Answered Yet)',
	return_expected: 'Return Expected',
};

// ------------------------------------------------------------------ the transition table

/** Why an order moves: one name per kind of event that moves it (the `cause` of a transition). */
export type TransitionCause =
	| 'intake'
	| 'channel_paid'
	| 'channel_unpaid'
	| 'channel_cancelled'
	| 'channel_shipped'
	| 'channel_change_held'
	| 'fraud_review'
	| 'fraud_reject'
	| 'review_approved'
	| 'review_rejected'
	| 'allocated'
	| 'backordered'
	| 'cancel_unavailable'
	| 'release_held'
	| 'sent_to_wms'
	| 'wms_progress'
	| 'wms_cancelled'
	| 'edi_rejected'
	| 'wms_failed'
	| 'wms_released'
	| 'operator_cancel'
	| 'operator_status';

export interface TransitionRule {
	/** The statuses the order may be in (empty: a new order, at intake). `to` among them: the order may stay in
	 * `to` with a new hold or detail (a re-route, a partial release). */
	from: readonly OmsStatus[];
	to: OmsStatus;
	cause: TransitionCause;
	/** Only while the order is held for this reason */
	hold?: HoldReason;
	/** What moves the order this way (docs/concepts.md's table is written from these) */
	when: string;
}

/** The WMS leg: past `ready`, an order moves only forward along it (a late or repeated WMS update never moves it back). */
const WMS_LEG = ['at_wms', 'picked', 'packed', 'shipped', 'delivered'] as const satisfies readonly OmsStatus[];
/** Not yet at the WMS, and not waiting for stock: a sent delivery (or the WMS's first word) moves these to at_wms */
const BEFORE_WMS = ['received', 'on_hold', 'fraud_review', 'ready'] as const satisfies readonly OmsStatus[];
/** Route moves an order from these: after intake (received), or again (backordered, ready) */
const ROUTE_FROM = ['received', 'backordered', 'ready'] as const satisfies readonly OmsStatus[];
/** The channel may still cancel (or ship) an order in any of these */
const NOT_FINISHED = ['received', 'on_hold', 'fraud_review', 'rejected', 'backordered', 'ready', 'at_wms', 'picked', 'packed'] as const satisfies readonly OmsStatus[];

/** The channel's cancel moves these to cancelled by itself; from the WMS leg it waits for the WMS's cancel
 * (wms_cancelled, lib/flows/apply-channel-change), so the OMS never says cancelled about an order the warehouse ships */
const CHANNEL_CANCELLABLE = ['received', 'on_hold', 'fraud_review', 'rejected', 'backordered', 'ready'] as const satisfies readonly OmsStatus[];

/** A WMS may still cancel these: anything not ended, up to packed (after shipping, a cancel is a return) */
const CANCELLABLE_AT_WMS = [...BEFORE_WMS, 'backordered', 'at_wms', 'picked', 'packed'] as const satisfies readonly OmsStatus[];
/** The order has left the process without shipping: nothing sends it to the WMS any more. */
const ENDED_STATUSES = ['cancelled', 'rejected'] as const satisfies readonly OmsStatus[];

/** A WMS update to step `i` of the leg: from before the WMS (not backordered: a backordered order's allocated part went,
 * the rest still waits in the OMS for Release Held) or from an earlier step. */
function wmsProgressRows(): TransitionRule[] {
	return WMS_LEG.map((to, i) => ({
		from: [...BEFORE_WMS, ...WMS_LEG.slice(0, i)],
		to,
		cause: 'wms_progress' as const,
		when: `the WMS reports the order ${to === 'at_wms' ? 'received' : to.replace('_', ' ')}`,
	}));
}

/** A channel change the OMS cannot carry out alone once the warehouse has the order (a cancel the WMS refused, a cancel
 * after shipping, an address or line change too late): the order stays where it is, held for a person. */
function channelChangeHeldRows(): TransitionRule[] {
	return WMS_LEG.map((s) => ({
		from: [s],
		to: s,
		cause: 'channel_change_held' as const,
		when: 'a channel change the warehouse cannot take any more, or not yet (hold: cancel refused, cancel owed, return expected, address, operator)',
	}));
}

function operatorRows(): TransitionRule[] {
	return OMS_STATUSES.map((to) => ({ from: OMS_STATUSES, to, cause: 'operator_status' as const, when: "an operator sets the status (OMS Order > Update Status)" }));
}

/**
 * THE transition table. A status change that no row allows is refused (by the store's transition: changed=false
 * with the current state). Rows with an empty `from` are where a new order starts.
 */
export const TRANSITIONS: readonly TransitionRule[] = [
	// intake (lib/order/lifecycle initialStatus: by the channel's readiness)
	{ from: [], to: 'received', cause: 'intake', when: 'a new order the channel says is ready (paid, open)' },
	{ from: [], to: 'on_hold', cause: 'intake', when: 'a new order the channel has not marked paid (hold: awaiting payment)' },
	{ from: [], to: 'cancelled', cause: 'intake', when: 'a new order already cancelled on the channel' },
	{ from: [], to: 'shipped', cause: 'intake', when: 'a new order already shipped on the channel' },
	// a newer version from the channel (lib/order/lifecycle statusOnChannelUpdate)
	{ from: ['on_hold'], to: 'received', cause: 'channel_paid', hold: 'awaiting_payment', when: 'the channel marks a held order paid' },
	{ from: ['received'], to: 'on_hold', cause: 'channel_unpaid', when: 'the channel says a received order is not paid (hold: awaiting payment)' },
	{ from: CHANNEL_CANCELLABLE, to: 'cancelled', cause: 'channel_cancelled', when: 'the channel cancels the order before the WMS has it (at the WMS: the WMS cancels it first, wms_cancelled)' },
	{ from: NOT_FINISHED, to: 'shipped', cause: 'channel_shipped', when: 'the channel says the order shipped (e.g. outside the OMS)' },
	...channelChangeHeldRows(),
	// fraud gate
	{ from: ['received', 'on_hold'], to: 'fraud_review', cause: 'fraud_review', when: 'Screen decides review (hold: fraud review)' },
	{ from: ['received', 'on_hold', 'fraud_review'], to: 'rejected', cause: 'fraud_reject', when: 'Screen decides reject' },
	{ from: ['fraud_review'], to: 'received', cause: 'review_approved', when: 'a person approves a held review (Resolve Review)' },
	{ from: ['fraud_review'], to: 'rejected', cause: 'review_rejected', when: 'a person rejects a held review (Resolve Review)' },
	// backorder gate: Route
	{ from: ROUTE_FROM, to: 'ready', cause: 'allocated', when: 'Route: every line allocated (or the policy ships what there is)' },
	{ from: ROUTE_FROM, to: 'backordered', cause: 'backordered', when: 'Route: units missing, the order waits for stock (hold: out of stock)' },
	{ from: ROUTE_FROM, to: 'cancelled', cause: 'cancel_unavailable', when: 'Route: cancel_unavailable with nothing allocated and Cancel Whole Order on' },
	// backorder gate: Release Held
	{ from: ['backordered'], to: 'ready', cause: 'release_held', when: 'Release Held: the missing units arrived' },
	{ from: ['backordered'], to: 'backordered', cause: 'release_held', when: 'Release Held: some units arrived (partial release, or the hold says what it waits for now)' },
	{ from: ['backordered'], to: 'cancelled', cause: 'release_held', when: 'Release Held: cancel_unavailable with Cancel Whole Order on, nothing allocated' },
	// WMS
	{ from: BEFORE_WMS, to: 'at_wms', cause: 'sent_to_wms', when: 'the WMS (or the EDI partner) accepted the order' },
	...wmsProgressRows(),
	{ from: CANCELLABLE_AT_WMS, to: 'cancelled', cause: 'wms_cancelled', when: 'the WMS cancelled the order (its update, or WMS > Cancel), before it shipped' },
	{ from: ['at_wms'], to: 'on_hold', cause: 'edi_rejected', when: 'the EDI partner rejected the 940 in its 997 (hold: operator)' },
	{ from: ['ready'], to: 'on_hold', cause: 'wms_failed', when: "the order's delivery to the WMS failed for good (hold: WMS delivery failed, the WMS's words as its detail)" },
	{ from: ['on_hold'], to: 'ready', cause: 'wms_released', hold: 'wms_failed', when: 'a person fixed the cause of a failed WMS delivery (OMS Order > Release); the delivery is queued again' },
	// operator
	{ from: ['received', 'on_hold', 'fraud_review', 'rejected', 'backordered', 'ready'], to: 'cancelled', cause: 'operator_cancel', when: 'OMS Order > Cancel, before the warehouse has the order' },
	...operatorRows(),
];

/** The rows of each cause, by target: the index canTransition and fromStatusesFor read (the store asks it on every
 * status write). */
const BY_CAUSE = new Map<TransitionCause, Map<OmsStatus, TransitionRule[]>>();
for (const row of TRANSITIONS) {
	let byTo = BY_CAUSE.get(row.cause);
	if (!byTo) BY_CAUSE.set(row.cause, (byTo = new Map()));
	const list = byTo.get(row.to);
	if (list) list.push(row);
	else byTo.set(row.to, [row]);
}
const NO_ROWS: readonly TransitionRule[] = [];
function rowsFor(to: OmsStatus, cause: TransitionCause): readonly TransitionRule[] {
	return BY_CAUSE.get(cause)?.get(to) ?? NO_ROWS;
}

/** Whether `cause` may move an order from `from` to `to` (with `hold` its current hold, for rows that ask for one). */
export function canTransition(from: OmsStatus, to: OmsStatus, cause: TransitionCause, hold?: Pick<Hold, 'reason'> | null): boolean {
	for (const row of rowsFor(to, cause)) {
		if (row.from.includes(from) && (row.hold === undefined || hold?.reason === row.hold)) return true;
	}
	return false;
}

/** The statuses `cause` may move an order to `to` from: the compare-and-set list of a writer. */
export function fromStatusesFor(to: OmsStatus, cause: TransitionCause): OmsStatus[] {
	const out = new Set<OmsStatus>();
	for (const row of rowsFor(to, cause)) for (const s of row.from) out.add(s);
	return OMS_STATUSES.filter((s) => out.has(s));
}

/** Where a new order may start. */
export function initialStatuses(): OmsStatus[] {
	return OMS_STATUSES.filter((s) => TRANSITIONS.some((r) => r.from.length === 0 && r.to === s));
}

/** Causes that are a person's override, not a step of the process (the operator's Update Status). */
export const OVERRIDE_CAUSES: readonly TransitionCause[] = ['operator_status'];

// ------------------------------------------------------------------ named sets, derived from the table

/** A delivery went to the WMS: the order moves to at_wms from these (not from backordered: a split part went, the
 * rest still waits in the OMS, where Release Held finds it). */
export const PRE_WMS: readonly OmsStatus[] = fromStatusesFor('at_wms', 'sent_to_wms');
/** Route moves an order from these. */
export const ROUTABLE: readonly OmsStatus[] = fromStatusesFor('ready', 'allocated');
/** The warehouse has the order (or has shipped it): the WMS leg. An operator's Cancel must go to the WMS first. */
export const AT_OR_PAST_WMS: readonly OmsStatus[] = OMS_STATUSES.filter((s) => wmsRank(s) > 0);
/** A WMS may still cancel an order in these (and so may the WMS node's Cancel). */
export const WMS_CANCELLABLE: readonly OmsStatus[] = fromStatusesFor('cancelled', 'wms_cancelled');
/** Statuses a WMS update can report for an order: the WMS leg, or cancelled */
export const WMS_STATUSES = [...WMS_LEG, 'cancelled'] as const;
export type WmsStatus = (typeof WMS_STATUSES)[number];
/** Statuses from which a first shipment may go to the WMS (a later one of a split order: see PUSHABLE_LATER). */
export const PUSHABLE_FIRST: readonly OmsStatus[] = ['ready'];
/** A later shipment of a split order may follow once the first went: from ready, waiting for more stock, or on the
 * WMS leg until shipped. */
export const PUSHABLE_LATER: readonly OmsStatus[] = ['ready', 'backordered', 'at_wms', 'picked', 'packed', 'shipped'];
/**
 * Orders that are not sales, left out of the order reports unless `includeUnsold` (lib/report): refused by the fraud
 * gate, held for its review (not yet accepted; approved ones go back to received and count), and cancelled. Orders on
 * hold for payment, an address or an operator, and backordered ones count: they are sold and expected to ship, as the
 * channels' own sales reports count an order when it is placed; one that is cancelled later leaves the figures.
 */
export const UNSOLD_STATUSES: readonly OmsStatus[] = ['rejected', 'fraud_review', 'cancelled'];
/** The order has left the process without shipping: nothing sends it to the WMS any more. */
export const ENDED: readonly OmsStatus[] = ENDED_STATUSES;

/**
 * Rank on the WMS leg, the forward-only rule's measure: 0 before the WMS, 1 at_wms, 2 picked, 3 packed, 4 shipped,
 * 5 delivered; -1 for an order that ended without shipping (cancelled, rejected).
 */
export function wmsRank(status: OmsStatus): number {
	if ((ENDED_STATUSES as readonly string[]).includes(status)) return -1;
	return (WMS_LEG as readonly string[]).indexOf(status) + 1;
}
