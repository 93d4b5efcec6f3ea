/**
 * The OMS store: the system of record. One interface, two implementations (SQLite through node:sqlite, and
 * PostgreSQL through pg), one conformance suite (test/unit/store/conformance.ts) that runs against both.
 *
 * Every write that comes from outside (webhook, poll, WMS feed) is idempotent: the same input twice changes
 * nothing the second time and says so. Later issues (allocator, gates, WMS, reports) use these methods and add
 * no second source of truth.
 */
import type { BillingFlag, LedgerSum, UnsettledOrder } from '../billing/reconcile';
import type { LedgerEntry, LedgerEntryInput, LedgerRecordResult, OrderBalance, PayoutInput, PayoutTotal, StoredPayout } from '../billing/types';
import type { CanonicalOrder, FraudAnnotation, WmsShipment } from '../order/types';

// The statuses and hold reasons live with the transition table in lib/order/status.ts (re-exported here for the
// store's callers until they import them from there).
export { OMS_STATUSES, HOLD_REASONS, type OmsStatus, type HoldReason, type Hold } from '../order/status';
import type { Hold, HoldReason, OmsStatus, TransitionCause } from '../order/status';

export interface StoredOrder {
	order: CanonicalOrder;
	status: OmsStatus;
	hold: Hold | null;
	/** When the OMS first recorded it, and last changed it (ISO UTC) */
	recordedAt: string;
	changedAt: string;
	/** Incremented on every change of the stored order or its status */
	version: number;
}

export type RecordOutcome = 'new' | 'updated' | 'duplicate';
export interface RecordResult {
	outcome: RecordOutcome;
	stored: StoredOrder;
	/** For 'updated': the top-level fields that changed. For 'duplicate': why nothing changed. */
	changes: string[];
	reason?: 'same_version' | 'older_version';
}

export interface OmsEvent {
	id: number;
	omsId: string;
	at: string;
	/** recorded | updated | status | note | fraud | allocation | reservation | release | shipment | wms | hold | ... */
	type: string;
	fromStatus: OmsStatus | null;
	toStatus: OmsStatus | null;
	/** Who or what caused it: a node and operation, a webhook, an operator's name */
	cause: string | null;
	detail: Record<string, unknown> | null;
}

export interface OrderSearch {
	channels?: string[];
	statuses?: OmsStatus[];
	placedFrom?: string;
	placedTo?: string;
	sku?: string;
	email?: string;
	holdReasons?: HoldReason[];
	limit?: number;
	offset?: number;
	/** placedAt ascending (oldest first) or descending (default) */
	order?: 'asc' | 'desc';
}

export interface StatusChange {
	cause?: string;
	detail?: Record<string, unknown>;
	/** Only change if the current status is one of these (compare-and-set); otherwise changed=false */
	onlyFrom?: readonly OmsStatus[];
	/** Set or clear the hold along with the status (undefined leaves it) */
	hold?: Hold | null;
}
export interface StatusChangeResult {
	changed: boolean;
	from: OmsStatus;
	to: OmsStatus;
	stored: StoredOrder;
}

/**
 * One transition of an order, applied with its side effects in ONE store transaction (OrderStore.transition), so no
 * crash can leave the status moved without them or them without the status. The move is checked against the
 * transition table (lib/order/status.ts) inside the transaction, as a compare-and-set: a move the table does not
 * allow from the order's current status (a stale caller, a race lost) changes nothing and says so.
 *
 * Side effects are applied in this order:
 *  1. gates: `resolveReview`, `enqueue`, `wmsCall`: when the review was resolved before, the delivery was queued
 *     before, or the WMS call's attempt is on a version owed anew since, NOTHING else of this transition is written;
 *  2. evidence, written whether or not the status moves: `fraudDecision`, `delivery` (a send attempt),
 *     `shipments` (each package once, its units committed once), `events`, `annotate` (those not `afterStatus`);
 *  3. the status move, with its `status` event;
 *  4. `release`, when the order is in `to` afterwards (moved now, or already there), or when no `to` is given;
 *     `requeue`, only when the status moved now (so a repeated or raced request re-queues nothing twice);
 *  5. `annotate` entries marked `afterStatus`.
 * Every event this writes has `by` as its cause.
 */
export interface TransitionRequest {
	/** The status to move to; omitted: only the side effects */
	to?: OmsStatus;
	/** Why (a cause of the transition table); required with `to` */
	cause?: TransitionCause;
	/** Who or what: a node and operation, an operator (the timeline events' cause) */
	by?: string;
	/** Detail of the status event */
	detail?: Record<string, unknown>;
	/** Set or clear the hold with the status (undefined leaves it) */
	hold?: Hold | null;
	/** Narrow the compare-and-set further than the table does (e.g. only from the status the caller decided on) */
	onlyFrom?: readonly OmsStatus[];

	/** Resolve the order's held fraud review, once (a gate, see above) */
	resolveReview?: { decision: 'approved' | 'rejected'; by: string; note?: string | null };
	/** Record an attempt of one of this order's WMS calls, a gate like `enqueue`: only on the version claimed (see
	 * WmsCall.version); when the call was owed anew meanwhile, only its lease is released and NOTHING else of this
	 * transition is written (the answer was to an older request) */
	wmsCall?: { id: number; version: number; attempt: WmsCallAttempt };
	/** Queue a delivery of this order in the outbox, once per shipment (a gate, see above); with `sent`, recorded as
	 * delivered at once (one that waits for no answer: a 940 whose partner sends no 997) */
	enqueue?: Omit<NewDelivery, 'omsId'> & { sent?: { wmsOrderId: string | null } };
	/** Record the order's fraud decision (it replaces an earlier one and that one's resolution) */
	fraudDecision?: { fraud: FraudAnnotation; ruleSetVersion: string };

	/** Record an attempt to send one of this order's deliveries */
	delivery?: { id: number; sent: { wmsOrderId: string | null } } | { id: number; failed: { error: string; nextAttemptAt: string | null } };
	/** Packages the WMS shipped: each recorded once, its units committed once (they leave reserved and on hand) */
	shipments?: Array<Omit<StoredShipment, 'omsId' | 'recordedAt'>>;
	/** Timeline events (written before the status event) */
	events?: Array<{ type: string; detail?: Record<string, unknown> }>;
	/** Annotations merged into the stored order, each with its event */
	annotate?: TransitionAnnotation[];
	/** Release the order's reservations: all of them (true) or these units */
	release?: true | SkuQuantity[];
	/** Failed deliveries of this order to queue again (pending, due now, attempts afresh), only if the status moved now */
	requeue?: number[];
}

export type TransitionAnnotation = {
	key: AnnotationKey;
	/** The event's type and detail (default: the key, and the value) */
	event?: { type?: string; detail?: Record<string, unknown> };
	/** Written after the status event (default: before it, as the evidence the move rests on) */
	afterStatus?: boolean;
} & (
	| { value: unknown }
	/** The new value from the stored one, inside the transaction; undefined leaves it (and writes no event). `soFar`:
	 * what the transition's earlier steps gave (e.g. `review`, the resolution just recorded) */
	| { update: (current: unknown, stored: StoredOrder, soFar: Readonly<TransitionResult>) => unknown }
);

export interface TransitionResult extends StatusChangeResult {
	/** Why the status did not move although `to` differs from the status: the table does not allow it from there
	 * (not_allowed), or `onlyFrom` does not name the status (only_from) */
	refused?: 'not_allowed' | 'only_from';
	/** resolveReview's outcome (resolved=false: resolved before; nothing else was written) */
	review?: { resolved: boolean; record: FraudRecord };
	/** enqueue's outcome (created=false: queued before; nothing else was written) */
	enqueued?: { delivery: Delivery; created: boolean };
	fraud?: FraudRecord;
	/** The delivery after the send attempt */
	delivery?: Delivery;
	/** The WMS call after the attempt (unchanged but its lease when it was owed anew meanwhile: recorded=false) */
	wmsCall?: { call: WmsCall; recorded: boolean };
	/** The deliveries queued again (requeue) */
	requeued?: Delivery[];
	/** Packages recorded for the first time, and the units their shipment committed */
	shipments?: { created: StoredShipment[]; committed: ReservedPart[] };
	released: ReservedPart[];
}

// ---------------------------------------------------------------- stock, reservations, published quantities

// Their types live with the stock rules below the store (lib/stock/types.ts); re-exported for the store's callers.
export {
	DEFAULT_LOCATION,
	type StockLevelInput,
	type StockRow,
	type StockCells,
	type PublishInput,
	type StockChange,
	type BundleComponent,
	type ReserveLine,
	type ReserveRequest,
	type ReservedPart,
	type ReserveLineResult,
	type ReserveResult,
	type PublishedQuantity,
} from '../stock/types';
import type {
	BundleComponent,
	PublishedQuantity,
	PublishInput,
	ReservedPart,
	ReserveRequest,
	ReserveResult,
	StockChange,
	StockCells,
	StockLevelInput,
	StockRow,
} from '../stock/types';

// ---------------------------------------------------------------- fraud

export interface FraudRecord {
	omsId: string;
	fraud: FraudAnnotation;
	ruleSetVersion: string;
	decidedAt: string;
	resolution: null | { decision: 'approved' | 'rejected'; by: string; note: string | null; at: string };
}

export type VelocityKey = 'email' | 'shipAddress' | 'phone' | 'clientIp';
export interface VelocityQuery {
	key: VelocityKey;
	/** already normalised by lib/order (see identityKeys) */
	value: string;
	since: string;
	until?: string;
	/** leave this order itself out of the count */
	excludeOmsId?: string;
}
export interface VelocityResult {
	count: number;
	/** summed totals per currency, in major units */
	totals: Record<string, number>;
	/** the channels those orders came from, sorted */
	channels?: string[];
}

// ---------------------------------------------------------------- WMS outbox and shipments

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'cancelled';
export interface Delivery {
	id: number;
	omsId: string;
	/** 1 for the first (or only) shipment of an order; 2.. for later ones of a split order */
	shipmentNo: number;
	provider: string;
	/** The idempotency key sent to the WMS as the order's external reference */
	reference: string;
	status: DeliveryStatus;
	attempts: number;
	nextAttemptAt: string | null;
	lastError: string | null;
	wmsOrderId: string | null;
	payload: Record<string, unknown> | null;
	createdAt: string;
	updatedAt: string;
}
export interface NewDelivery {
	omsId: string;
	shipmentNo: number;
	provider: string;
	reference: string;
	payload?: Record<string, unknown> | null;
}

/**
 * A call the OMS owes a WMS about an order it already sent (the WMS outbox's second table, beside the deliveries):
 * cancel a WMS order, update its shipping address, or tell it a return of the order is coming (return_create). One
 * per kind, order and shipment (its delivery's reference); a return_create is one per return: its reference is the
 * OMS return id and its shipmentNo the return's number among the order's returns told to a WMS (1, 2, ..);
 * claimed under a lease, retried with backoff while the WMS does not answer, and kept:
 * pending: owed (due at nextAttemptAt, or now when null); sent: the WMS did it (its answer kept); refused: the WMS
 * answered no (already picked or shipped: its words in lastError); failed: the WMS never answered through every
 * attempt (visible in the Attention queue until a person acts).
 */
export type WmsCallKind = 'cancel' | 'address_update' | 'return_create';
export type WmsCallStatus = 'pending' | 'sent' | 'refused' | 'failed';
export interface WmsCall {
	id: number;
	kind: WmsCallKind;
	omsId: string;
	shipmentNo: number;
	provider: string;
	/** The delivery's reference at the WMS (omsId or omsId#n), or a return_create's OMS return id; wmsOrderId: the WMS's own id of the order */
	reference: string;
	wmsOrderId: string | null;
	status: WmsCallStatus;
	attempts: number;
	nextAttemptAt: string | null;
	leaseUntil: string | null;
	/** Redacted, storable text of the last failure or the refusal */
	lastError: string | null;
	/** What to send: an address update's shipTo; a cancel's `why` (what asked for it); a return_create's ExpectedReturn (lib/wms/types.ts) */
	payload: Record<string, unknown> | null;
	/** What the WMS answered (its raw status words) */
	answer: Record<string, unknown> | null;
	/** Incremented when the call is owed anew (a newer address, a cancel asked again): an attempt is recorded only on the version it sent */
	version: number;
	createdAt: string;
	updatedAt: string;
	sentAt: string | null;
}
export interface NewWmsCall {
	kind: WmsCallKind;
	omsId: string;
	shipmentNo: number;
	provider: string;
	reference: string;
	wmsOrderId?: string | null;
	payload?: Record<string, unknown> | null;
}
/**
 * What enqueueing did: created; exists (owed or answered before, with the same payload: not owed twice);
 * superseded (an address update with another address: owed anew); requeued (`again`: a cancel refused or failed for
 * good asked again by a person: owed anew, attempts afresh).
 */
export type WmsCallEnqueueOutcome = 'created' | 'exists' | 'superseded' | 'requeued';
/** What an attempt leaves on a WMS call */
export type WmsCallAttempt =
	| { sent: { answer: Record<string, unknown> | null } }
	| { refused: { error: string; answer?: Record<string, unknown> | null } }
	| { failed: { error: string; nextAttemptAt: string | null } };

export interface StoredShipment extends WmsShipment {
	omsId: string;
	/** Unique per package: provider's shipment id or carrier+tracking */
	packageKey: string;
	provider: string;
	recordedAt: string;
}

// ---------------------------------------------------------------- channel outbox (calls owed to the sales channels)

/** What the OMS owes a channel: an order's acknowledgement (Walmart: once per order), a shipment confirmation (once
 * per package) or a quantity push (the newest per SKU). */
/** What a cancel_answer call carries: the decision, and for a reject of a shipped order what shipped */
export interface CancelAnswerPayload extends Record<string, unknown> {
	channelOrderId: string;
	/** The request's id; null when the order's payload lacked it (the sender reads it from the channel) */
	requestId: string | null;
	decision: 'approve' | 'reject';
	trackingNumber?: string | null;
	shippedAt?: string | null;
}

/**
 * What a refund call carries: a return's refund as the channel is to make it, every amount in integer minor units of
 * `currency` (lib/order/money.ts), so the client never rounds. `returnId` is the OMS return (the call's key and the
 * idempotency key the channel is given where it takes one).
 */
export interface RefundPayload extends Record<string, unknown>, RefundMinor {
	returnId: string;
	channelOrderId: string;
	/** The channel's own return id (a Shopify return, an eBay return); null for a return the channel does not have
	 * (made by hand in the OMS): refunded on the order */
	channelReturnId: string | null;
	reason: string;
}

export type ChannelCallKind = 'acknowledgement' | 'confirmation' | 'quantity' | 'cancel_answer' | 'refund';
/**
 * pending: owed (due at nextAttemptAt, or now when null); sending: claimed under a lease while the channel is called
 * (a lease that runs out means the sender died mid-call: the call's outcome is unknown); sent; failed: for good (a
 * refusal, or the attempts ran out), visible until a person acts.
 */
export type ChannelCallStatus = 'pending' | 'sending' | 'sent' | 'failed';
export interface ChannelCall {
	id: number;
	channel: string;
	kind: ChannelCallKind;
	/** Confirmations: the order and its package (the key: channel + omsId + packageKey); acknowledgements: the order
	 * (the key: channel + omsId; packageKey null) */
	omsId: string | null;
	packageKey: string | null;
	/** Quantity pushes: the SKU (the key: channel + sku), the quantity owed and the basis it was computed from */
	sku: string | null;
	quantity: number | null;
	/** Sum of the stock versions the quantity came from (higher is newer; null: unknown, the later push wins) */
	basis: number | null;
	status: ChannelCallStatus;
	attempts: number;
	nextAttemptAt: string | null;
	leaseUntil: string | null;
	/** Redacted, storable text of the last failure */
	lastError: string | null;
	/** The last attempt ended without an answer after the request went out (timeout, reset, a sender that died): the
	 * next attempt first asks the channel whether it took the call */
	outcomeUnknown: boolean;
	/** The channel's reference of what it made (a fulfilment id), when it gave one */
	reference: string | null;
	/** What to send (a confirmation's carrier, tracking and lines) */
	payload: Record<string, unknown> | null;
	/** Incremented whenever a newer push supersedes the owed one: an attempt is recorded only on the version it sent */
	version: number;
	/** Since when the call owed now is owed: its first enqueue, or the push that superseded a sent one (a push that
	 * supersedes one still owed or failed keeps it: the channel has been owed since then). The Attention queue's age. */
	createdAt: string;
	updatedAt: string;
	sentAt: string | null;
}
export type NewChannelCall =
	| { kind: 'acknowledgement'; channel: string; omsId: string; payload: { channelOrderId: string } & Record<string, unknown> }
	/** The seller's answer to a buyer's cancel request (eBay): owed once per channel and order */
	| { kind: 'cancel_answer'; channel: string; omsId: string; payload: CancelAnswerPayload }
	| { kind: 'confirmation'; channel: string; omsId: string; packageKey: string; payload: Record<string, unknown> }
	/** A return's refund: owed once per channel and return (the key: payload.returnId); omsId is the return's order */
	| { kind: 'refund'; channel: string; omsId: string; payload: RefundPayload }
	| { kind: 'quantity'; channel: string; sku: string; quantity: number; basis?: number | null; payload?: Record<string, unknown> | null };
/**
 * What enqueueing did: created (new); exists (a confirmation of this package, or an acknowledgement of this order,
 * was queued before: it is not queued twice, whatever its status); superseded (a newer push replaced the one owed, sent or failed: it is owed now);
 * unchanged (the same quantity is still owed); older (refused: its basis is older than the one stored, which stays).
 */
export type ChannelEnqueueOutcome = 'created' | 'exists' | 'superseded' | 'unchanged' | 'older';
export interface ChannelCallFilter {
	channel?: string;
	kind?: ChannelCallKind;
	/** Only the calls of this order (its acknowledgement and confirmations) */
	omsId?: string;
	status?: ChannelCallStatus[];
	limit?: number;
}

// ---------------------------------------------------------------- returns

// The canonical return, its statuses and units live in lib/returns (below the store); re-exported for the store's callers.
export type { CanonicalReturn, StoredReturn, ReturnableLine } from '../returns/types';
export type { ReturnStatus, ReturnTransitionCause } from '../returns/status';
import type { CanonicalReturn, RefundMinor, ReturnableLine, ReturnDisposition, ReturnRefund, ReturnShipment, StoredReturn } from '../returns/types';
import type { ReturnStatus, ReturnTransitionCause } from '../returns/status';
import type { Warehouse, WarehouseInput } from '../stock/warehouse';
export type { FulfilmentAccount, Warehouse, WarehouseInput } from '../stock/warehouse';

/**
 * What recording a return did: new; updated (a newer version from the channel); duplicate (the same or an older
 * version: nothing changed); refused (nothing written): the order is not in the OMS (unknown_order), the return
 * names another order than the one recorded for it (other_order), or it takes back more units of a line than were
 * shipped minus those other returns take, or a line or SKU the order does not have (units). `problems` name each
 * field, with the return's JSON paths.
 */
export type ReturnRecordOutcome = 'new' | 'updated' | 'duplicate' | 'refused';
export interface ReturnRecordResult {
	outcome: ReturnRecordOutcome;
	/** The return as stored (null when refused and never recorded) */
	stored: StoredReturn | null;
	/** For 'updated': the top-level fields that changed; for 'duplicate': why nothing changed */
	changes: string[];
	reason?: 'same_version' | 'older_version' | 'unknown_order' | 'other_order' | 'units';
	problems?: Array<{ path: string; message: string }>;
	/** The order's lines as the decision saw them (not for unknown_order) */
	lines?: ReturnableLine[];
}

/** One event on a return's timeline (recorded, updated, status, and what the flows add). */
export interface ReturnEvent {
	id: number;
	returnId: string;
	at: string;
	type: string;
	fromStatus: ReturnStatus | null;
	toStatus: ReturnStatus | null;
	cause: string | null;
	detail: Record<string, unknown> | null;
}

/**
 * A return's status move, checked against its transition table (lib/returns/status.ts) inside the transaction as a
 * compare-and-set, with what it records in the same transaction: the units' dispositions and the refund. A move the
 * table does not allow from the return's current status (a stale caller, a race lost) changes nothing and says so.
 */
export interface ReturnTransitionRequest {
	/** The status to move to; omitted (with `cause`): only the dispositions and refund are written */
	to?: ReturnStatus;
	/** Why (a cause of the return's transition table); required with `to` */
	cause?: ReturnTransitionCause;
	/** Who or what (the timeline events' cause) */
	by?: string;
	detail?: Record<string, unknown>;
	/** Narrow the compare-and-set further than the table does */
	onlyFrom?: readonly ReturnStatus[];
	/** The units' dispositions per return line (replacing the line's), written with the move */
	dispositions?: Array<{ lineId: string; dispositions: ReturnDisposition[] }>;
	/** The refund, written with the move */
	refund?: ReturnRefund;
	/** The return shipment (carrier, tracking), written with the move */
	shipment?: ReturnShipment;
}
export interface ReturnTransitionResult {
	changed: boolean;
	from: ReturnStatus;
	to: ReturnStatus;
	/** Why the status did not move: the table does not allow it from there, or onlyFrom does not name the status */
	refused?: 'not_allowed' | 'only_from';
	stored: StoredReturn;
}

// ---------------------------------------------------------------- EDI control numbers

/** Control numbers run 1..CONTROL_NUMBER_MAX and wrap (the rule: lib/store/rules/sync.ts). */
export { CONTROL_NUMBER_MAX } from './rules/sync';

// ---------------------------------------------------------------- the interface, by area

/** The OMS's own annotations on a stored order (downstream stages add them; a newer channel version keeps them). */
export type AnnotationKey = 'fraud' | 'allocation' | 'wms';

export interface AnnotationEventInput {
	type?: string;
	cause?: string;
	detail?: Record<string, unknown>;
}

/** Units of a SKU (a release, a shipment's lines) */
export interface SkuQuantity {
	sku: string;
	quantity: number;
}

/** Orders, their status and their timeline. */
export interface OrderStore {
	recordOrder(order: CanonicalOrder, opts?: { cause?: string }): Promise<RecordResult>;
	getOrder(omsId: string): Promise<StoredOrder | null>;
	getOrders(omsIds: string[]): Promise<StoredOrder[]>;
	searchOrders(search: OrderSearch): Promise<StoredOrder[]>;
	/**
	 * Move an order's status as the transition table allows, with its side effects, in one transaction (see
	 * TransitionRequest). A refused or raced move returns changed=false with the current state; it never throws for
	 * that (an unknown order, a bad request or a failing side effect throws, and nothing is written).
	 */
	transition(omsId: string, request: TransitionRequest): Promise<TransitionResult>;
	/**
	 * The operator's status change (OMS Order > Update Status): transition() with the operator_status cause, which the
	 * table allows from and to any status; `onlyFrom` makes it a compare-and-set.
	 */
	setStatus(omsId: string, to: OmsStatus, change?: StatusChange): Promise<StatusChangeResult>;
	/** Merge a downstream annotation (fraud, allocation, wms...) into the stored canonical order, with an event */
	annotate(omsId: string, key: AnnotationKey, value: unknown, event?: AnnotationEventInput): Promise<StoredOrder>;
	/**
	 * annotate() for many orders in one transaction (a Reserve batch, a screening batch): each entry sets its key
	 * on the stored order and adds its timeline event. Returns the omsIds that are not in the store (nothing written
	 * for them).
	 */
	annotateMany(entries: Array<{ omsId: string; key: AnnotationKey; value: unknown; event?: AnnotationEventInput }>): Promise<{ missing: string[] }>;
	addEvent(omsId: string, type: string, opts?: { cause?: string; detail?: Record<string, unknown> }): Promise<OmsEvent>;
	timeline(omsId: string): Promise<OmsEvent[]>;
}

/** Stock levels, bundles, reservations, and the quantities published to each channel. */
export interface StockStore {
	/** Idempotent: rows whose on hand is unchanged are not touched and not reported */
	upsertStockLevels(levels: StockLevelInput[], opts?: { cause?: string }): Promise<StockChange[]>;
	setSafetyStock(sku: string, quantity: number, location?: string): Promise<void>;
	getStock(skus?: string[]): Promise<StockRow[]>;
	/**
	 * getStock without the timestamps, for reads of every SKU (Sync Stock, a Full Recompute): a full StockRow per row,
	 * with an ISO timestamp each, was most of a Full Recompute's time at 50,000 SKUs.
	 */
	getStockCells(skus?: string[]): Promise<StockCells[]>;
	setBundle(bundleSku: string, components: BundleComponent[]): Promise<void>;
	getBundles(skus?: string[]): Promise<Map<string, BundleComponent[]>>;
	/** Atomic: each request in one transaction; concurrent callers never reserve the same unit twice */
	reserve(requests: ReserveRequest[]): Promise<ReserveResult[]>;
	/** Release the order's active reservations (all, or only these SKUs and quantities) */
	release(omsId: string, lines?: SkuQuantity[], opts?: { cause?: string }): Promise<{ released: ReservedPart[] }>;
	/** Shipped units leave on hand and reserved; idempotent per (omsId, packageKey) */
	commitShipment(omsId: string, packageKey: string, lines: SkuQuantity[], opts?: { cause?: string }): Promise<{ committed: ReservedPart[]; changed: boolean }>;
	activeReservations(omsId?: string): Promise<Array<ReservedPart & { omsId: string; lineId: string }>>;
	getPublished(channel?: string, skus?: string[]): Promise<PublishedQuantity[]>;
	/** getPublished without the timestamps (the lean read of what every channel lists; 250,000 rows at 50,000 SKUs) */
	getPublishedQuantities(channel?: string, skus?: string[]): Promise<Array<Pick<PublishedQuantity, 'channel' | 'sku' | 'quantity'>>>;
	/**
	 * Record published quantities. A row with a `basis` (the sum of the stock versions it was computed from)
	 * replaces the stored one only when that basis is at least the stored one's: a quantity computed from older
	 * stock is never written over a newer one. Returns the rows written.
	 */
	setPublished(rows: PublishInput[]): Promise<PublishInput[]>;
}

/** The WMS outbox (deliveries owed to the warehouse) and the packages it shipped. */
export interface OutboxStore {
	/** Insert if (omsId, shipmentNo) is new; otherwise return the existing delivery (created=false) */
	enqueueDelivery(d: NewDelivery): Promise<{ delivery: Delivery; created: boolean }>;
	getDelivery(omsId: string, shipmentNo?: number): Promise<Delivery | null>;
	/** Lease due pending deliveries (only these providers' when `providers` is given), oldest first, so two workers
	 * do not send the same one at once */
	claimDueDeliveries(now: string, limit: number, leaseSeconds?: number, providers?: string[]): Promise<Delivery[]>;
	/** Claim one pending delivery by id with a lease (null when it is sent, failed, or leased by someone else) */
	claimDelivery(id: number, now: string, leaseSeconds?: number): Promise<Delivery | null>;
	markDeliverySent(id: number, wmsOrderId: string | null): Promise<Delivery>;
	markDeliveryAttemptFailed(id: number, error: string, nextAttemptAt: string | null): Promise<Delivery>;
	listDeliveries(filter?: { status?: DeliveryStatus[]; provider?: string; limit?: number }): Promise<Delivery[]>;
	/**
	 * Queue a call owed to a WMS about an order it has (cancel, address update), once per kind, order and shipment
	 * (see WmsCallEnqueueOutcome); `again`: a refused or failed one is owed anew. Rules: lib/store/rules/wms-calls.ts.
	 */
	enqueueWmsCall(call: NewWmsCall, opts?: { again?: boolean }): Promise<{ call: WmsCall; outcome: WmsCallEnqueueOutcome }>;
	getWmsCall(id: number): Promise<WmsCall | null>;
	/** Lease due pending WMS calls (only these providers', only these ids), oldest first */
	claimWmsCalls(now: string, opts?: { limit?: number; leaseSeconds?: number; providers?: string[]; ids?: number[] }): Promise<WmsCall[]>;
	/** Record an attempt (only on the version claimed; recorded=false: owed anew meanwhile, only the lease released) */
	markWmsCall(id: number, version: number, attempt: WmsCallAttempt): Promise<{ call: WmsCall; recorded: boolean }>;
	/** Oldest first */
	listWmsCalls(filter?: { omsId?: string; kind?: WmsCallKind; provider?: string; status?: WmsCallStatus[]; limit?: number }): Promise<WmsCall[]>;
	/** Insert if the package is new; created=false when it was already recorded (every package kept) */
	recordShipment(s: Omit<StoredShipment, 'recordedAt'>): Promise<{ created: boolean; shipment: StoredShipment }>;
	getShipments(omsId: string): Promise<StoredShipment[]>;
}

/**
 * The channel outbox: every call the OMS owes a sales channel, with the same guarantees as the WMS outbox (written
 * first, claimed under a lease, retried with backoff, failed visibly). Rules: lib/store/rules/channel-outbox.ts.
 */
export interface ChannelOutboxStore {
	/** Queue calls in one transaction (see ChannelEnqueueOutcome), each result in input order */
	enqueueChannelCalls(calls: NewChannelCall[]): Promise<Array<{ call: ChannelCall; outcome: ChannelEnqueueOutcome }>>;
	getChannelCall(id: number): Promise<ChannelCall | null>;
	findChannelCall(key: { channel: string; omsId: string; packageKey: string } | { channel: string; sku: string }): Promise<ChannelCall | null>;
	/**
	 * Lease this channel's due calls (pending and due, or sending with a lease run out: outcome unknown), so two
	 * workers never send the same one at once: acknowledgements first, then confirmations, then quantities lowest
	 * first, oldest first.
	 * `ids`: only these (the immediate send after enqueueing).
	 */
	claimChannelCalls(channel: string, now: string, opts?: { limit?: number; leaseSeconds?: number; ids?: number[] }): Promise<ChannelCall[]>;
	/** Record the channel took the call (only on the version claimed: a superseded push leaves the newer one owed) */
	markChannelCallSent(id: number, version: number, reference: string | null): Promise<ChannelCall>;
	/** Record a failed attempt: pending again at `nextAttemptAt`, or failed for good when null */
	markChannelCallFailed(id: number, version: number, failure: { error: string; nextAttemptAt: string | null; outcomeUnknown?: boolean }): Promise<ChannelCall>;
	/** Oldest first */
	listChannelCalls(filter?: ChannelCallFilter): Promise<ChannelCall[]>;
	/**
	 * A call that failed for good, pending again (due now, attempts afresh) after a person fixed the cause, with an
	 * event on its order's timeline naming who and why, in one transaction; requeued false (nothing changed) when the
	 * call is not failed. An unknown id is an error. Rules: lib/store/rules/channel-outbox.ts requeueChannelCallSteps.
	 */
	requeueChannelCall(id: number, who: { by: string; note: string | null }): Promise<{ call: ChannelCall; requeued: boolean }>;
}

/** Fraud decisions, their resolution, and velocity over stored orders. */
export interface FraudStore {
	recordFraudDecision(omsId: string, fraud: FraudAnnotation, ruleSetVersion: string): Promise<FraudRecord>;
	getFraudDecision(omsId: string): Promise<FraudRecord | null>;
	/** Resolve a held review once: the second call returns resolved=false and the first resolution */
	resolveFraudReview(omsId: string, decision: 'approved' | 'rejected', by: string, note?: string | null): Promise<{ resolved: boolean; record: FraudRecord }>;
	velocity(query: VelocityQuery): Promise<VelocityResult>;
}

/** Idempotency of outside input, sync cursors, EDI control numbers. */
export interface SyncStore {
	/** true the first time (source, id) is seen; false for a repeat */
	markProcessed(source: string, id: string): Promise<boolean>;
	getCursor(name: string): Promise<string | null>;
	setCursor(name: string, value: string): Promise<void>;
	/**
	 * Take `count` consecutive control numbers in `scope` (for example an ISA sender/receiver pair) atomically: two
	 * callers never get the same number. Returns the first; the numbers run 1..999,999,999 and wrap to 1 (ISA13 has
	 * 9 digits), so the block is first, first+1, ... wrapping after 999,999,999 (see lib/edi controlSequence).
	 */
	nextControlNumbers(scope: string, count: number): Promise<number>;
}

/** Returns: recorded idempotently per channel return, their status (one transition table) and timeline. */
export interface ReturnStore {
	/**
	 * Record a channel's return (idempotent like recordOrder: the same version twice records once, a newer one
	 * updates, and moves the status forward to what the channel says when the table allows it). Checked in the same
	 * transaction against the order's shipped units and the other returns' units (see ReturnRecordResult): a refused
	 * return writes nothing and never throws for that. The order's timeline gets a `return` event.
	 */
	recordReturn(ret: CanonicalReturn, opts?: { cause?: string }): Promise<ReturnRecordResult>;
	getReturn(returnId: string): Promise<StoredReturn | null>;
	/** The order's returns, oldest request first */
	listReturns(omsId: string): Promise<StoredReturn[]>;
	/** Move a return's status as its table allows (see ReturnTransitionRequest); an unknown return throws */
	transitionReturn(returnId: string, request: ReturnTransitionRequest): Promise<ReturnTransitionResult>;
	/** The order's lines: ordered, shipped, already returned (returns not declined or cancelled), returnable; null for an unknown order */
	returnableUnits(omsId: string): Promise<ReturnableLine[] | null>;
	returnTimeline(returnId: string): Promise<ReturnEvent[]>;
	/**
	 * Returns in these statuses, the longest unchanged first (the List operation, a person's queue); `toldTo`: only
	 * those a WMS of this provider has (their return_create call sent), for reading them back there.
	 */
	listReturnsByStatus(statuses: readonly ReturnStatus[], opts?: { limit?: number; toldTo?: string }): Promise<StoredReturn[]>;
}

/** A return line's units going back on the shelf (its restock disposition), at a stock cell. */
export interface RestockLine {
	lineId: string;
	sku: string;
	/** Omitted: the default location */
	location?: string;
	quantity: number;
}
/**
 * A restock not yet in a WMS count: its units sit on top of the WMS's on hand until the first count of the cell taken
 * at or after `receivedAt` (which includes them) absorbs it.
 */
export interface PendingRestock {
	returnId: string;
	lineId: string;
	sku: string;
	location: string;
	quantity: number;
	receivedAt: string;
	restockedAt: string;
}
/** What restocking a return's lines did: the lines restocked now, those restocked before (nothing changed), and the stock cells raised. */
export interface RestockResult {
	restocked: Array<Required<RestockLine>>;
	already: string[];
	changes: StockChange[];
}

/** Restock once (issue 21): a returned unit reaches on hand once, whichever comes first of the receipt and the WMS count. */
export interface RestockStore {
	/**
	 * Raise on hand by each return line's restocked units, once per (return, line): a line restocked before changes
	 * nothing (its lineId in `already`). The units stay pending on top of the WMS's count until a count of the cell
	 * taken at or after `receivedAt` absorbs them (upsertStockLevels), so the count never adds them a second time and
	 * a count older than the receipt never takes them away. One transaction, with a `restock` event on the return.
	 */
	restockReturnLines(returnId: string, lines: RestockLine[], opts: { receivedAt: string; cause?: string }): Promise<RestockResult>;
	/** Restocks no WMS count has absorbed yet (these SKUs only, when given), oldest first */
	pendingRestocks(skus?: string[]): Promise<PendingRestock[]>;
}

/** What an upsert of warehouses did: each warehouse as stored now, and whether it was new. */
export interface WarehouseUpsert {
	warehouse: Warehouse;
	created: boolean;
}

/** Warehouses (issue 23): a stock location's address, fulfilment account, channels, priority and buffer. */
export interface WarehouseStore {
	/**
	 * Create or replace each warehouse (keyed by location), in one transaction. Every input is checked first
	 * (lib/stock/warehouse.ts checkWarehouse): a wrong one throws WarehouseInputError naming it and what was wrong, and
	 * nothing is written.
	 */
	upsertWarehouses(inputs: WarehouseInput[]): Promise<WarehouseUpsert[]>;
	/** Every warehouse, by location */
	listWarehouses(): Promise<Warehouse[]>;
}

/** The order's ledger and the channels' payouts (issue 22; lib/billing/types.ts says what the entries mean). */
export interface LedgerStore {
	/**
	 * Append entries and record (or update) payouts in one transaction. An entry whose key is recorded already
	 * changes nothing (its key in `already`); an invalid entry or payout refuses the whole call
	 * (InvalidLedgerEntryError naming each problem) and nothing is written.
	 */
	recordLedger(entries: LedgerEntryInput[], payouts?: PayoutInput[]): Promise<LedgerRecordResult>;
	/** The order's entries, in the order they were recorded */
	orderLedger(omsId: string): Promise<LedgerEntry[]>;
	/** Each order's balance per currency, from one query (these orders only, or this channel's, when given) */
	orderBalances(opts?: { omsIds?: string[]; channel?: string }): Promise<OrderBalance[]>;
	/** Each payout against the sum of the entries naming it, per currency (a payout with no entries, or entries naming a payout not recorded, too) */
	payoutTotals(opts?: { channel?: string; payoutIds?: string[] }): Promise<PayoutTotal[]>;
	/** The recorded payouts, by date */
	listPayouts(opts?: { channel?: string }): Promise<StoredPayout[]>;
	/** The channels' entries (not the orders' own charges) summed per (order, currency, type, subtype) */
	ledgerSums(opts?: { channel?: string }): Promise<LedgerSum[]>;
	/**
	 * Keep reconciliation's flags for a person (the Attention queue): these open (one that was open keeps when it was
	 * first seen), and the open flags of the channel (of every channel when none is given) not among them resolved.
	 */
	recordBillingFlags(flags: BillingFlag[], opts?: { channel?: string }): Promise<void>;
	/** Orders shipped before this time (not cancelled) with no payment settled in any payout, oldest shipment first */
	unsettledShippedOrders(shippedBefore: string, opts?: { channel?: string }): Promise<UnsettledOrder[]>;
}

/** Read-only SQL for reports (lib/report). */
export interface ReportStore {
	/** `$1`-style parameters on both stores */
	query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** The whole store: every area, one database. */
export interface Store extends OrderStore, StockStore, OutboxStore, ChannelOutboxStore, FraudStore, SyncStore, ReturnStore, RestockStore, WarehouseStore, LedgerStore, ReportStore {
	readonly kind: 'sqlite' | 'postgres';
	/** Schema version of the open store */
	schemaVersion(): Promise<number>;
	close(): Promise<void>;
}
