/**
 * How the two stores share every rule: a store write is a procedure written ONCE here (lib/store/rules/*.ts), as a
 * generator that yields the row operations it needs ("lock this order", "write this status", "insert this event")
 * and receives their results. Each store runs it inside one transaction of its own and answers each operation with
 * its SQL: SQLite synchronously (its write lock is held for the whole procedure, and nothing else may run on the
 * connection meanwhile, so no await may come between two statements), PostgreSQL with awaits on one client.
 *
 *   function* setStatusSteps(...) {                       // lib/store/rules (the rule)
 *     const prev = yield* row('lockOrder', omsId);         // SQLite: SELECT ... ; PostgreSQL: SELECT ... FOR UPDATE
 *     if (!allowed(prev)) return unchanged(prev);
 *     yield* row('setOrderStatus', omsId, to, hold, now, shipped);
 *     ...
 *   }
 *
 * So the SQLite and PostgreSQL stores cannot disagree on a rule: only on how a row operation is written in SQL.
 */
import type { CanonicalOrder } from '../../order/types';
import type { Hold, OmsStatus } from '../../order/status';
import type { ReservationPart } from '../../stock/reservation';
import type { BundleComponent, StockChange, StockLevelInput } from '../../stock/types';
import type { OrderColumns, ReturnColumns } from '../rows';
import type { ChannelCall, ChannelCallKind, Delivery, FraudRecord, NewDelivery, NewWmsCall, OmsEvent, StoredOrder, StoredShipment, WmsCall, WmsCallKind, WmsCallStatus, PendingRestock } from '../types';
import type { CanonicalReturn, StoredReturn } from '../../returns/types';
import type { ReturnStatus } from '../../returns/status';
import type { Warehouse } from '../../stock/warehouse';
import type { LedgerEntryInput, PayoutInput } from '../../billing/types';
import type { ChargeSlot } from '../../billing/charges';
import type { BillingFlag } from '../../billing/reconcile';

/** An event row to write (the store turns cause and detail into storable text, lib/store/rows.ts eventColumns). */
export interface NewEvent {
	omsId: string;
	at: string;
	type: string;
	from: OmsStatus | null;
	to: OmsStatus | null;
	cause: string | null | undefined;
	detail: Record<string, unknown> | null | undefined;
}

/** A whole order row to write: recordOrder's insert or update. */
export interface OrderWrite {
	/** true: a new order (SQLite inserts it; PostgreSQL fills the placeholder claimOrder inserted) */
	isNew: boolean;
	cols: OrderColumns;
	status: OmsStatus;
	hold: Hold | null;
	doc: CanonicalOrder;
	now: string;
	/** Set shipped_at to `now` unless it is set already (the order is shipped now) */
	shipped: boolean;
}

/** Units leaving a stock cell: `reserved` from reserved, `onHand` from on hand (each never below 0). */
export interface StockTake {
	sku: string;
	location: string;
	reserved: number;
	onHand: number;
}

/** What an attempt to send a delivery leaves on it (lib/store/rules/outbox.ts decides it). */
export interface DeliveryAttempt {
	status: 'pending' | 'sent' | 'failed';
	lastError: string | null;
	nextAttemptAt: string | null;
	/** undefined: leave the WMS's id as it is */
	wmsOrderId?: string | null;
}

/** What an attempt writes on a WMS call (lib/store/rules/wms-calls.ts decides it) */
export interface WmsCallWrite {
	status: WmsCallStatus;
	lastError: string | null;
	nextAttemptAt: string | null;
	/** JSON text, or null (only with sent and refused) */
	answer: string | null;
}

/** A channel call's row to write (lib/store/rules/channel-outbox.ts builds it): its key and what it carries. */
export interface ChannelCallRow {
	channel: string;
	kind: ChannelCallKind;
	/** The unique key within (channel, kind): the JSON array [omsId, packageKey], the omsId (an acknowledgement), or the SKU */
	key: string;
	omsId: string | null;
	packageKey: string | null;
	sku: string | null;
	quantity: number | null;
	basis: number | null;
	/** JSON text, or null */
	payload: string | null;
}

/** What an attempt to send a channel call leaves on it (lib/store/rules/channel-outbox.ts decides it). */
export interface ChannelCallAttempt {
	status: 'pending' | 'sent' | 'failed';
	lastError: string | null;
	nextAttemptAt: string | null;
	outcomeUnknown: boolean;
	/** Only with sent */
	reference: string | null;
}

/**
 * The row operations a store answers inside a transaction. Reads named `lock...` keep the row locked until the
 * transaction ends (PostgreSQL: FOR UPDATE; SQLite: its write lock covers everything).
 */
export interface TxRows {
	// orders
	lockOrder(omsId: string): StoredOrder | null;
	readOrder(omsId: string): StoredOrder | null;
	orderExists(omsId: string): boolean;
	/** recordOrder's first step: the stored version, locked, or null when the id is new (PostgreSQL claims a new id
	 * with a placeholder row, so a concurrent intake of the same order waits here and then finds it) */
	claimOrder(cols: OrderColumns, now: string): StoredOrder | null;
	writeOrder(write: OrderWrite): void;
	writeLines(order: CanonicalOrder): void;
	setOrderStatus(omsId: string, status: OmsStatus, hold: Hold | null, now: string, shipped: boolean): void;
	setOrderDoc(omsId: string, doc: CanonicalOrder, now: string): void;
	insertEvent(event: NewEvent): number;
	readEvent(id: number): OmsEvent;

	// stock and reservations
	lockReservation(omsId: string): ReservationPart[] | null;
	writeReservation(omsId: string, parts: ReservationPart[], now: string): void;
	/** In this order (PostgreSQL locks the cells in key order first) */
	takeStock(takes: StockTake[], now: string): void;
	/** On hand of each level's cell (lib/stock locationOf), locked: undefined where the cell has no row */
	lockOnHand(levels: StockLevelInput[]): Array<number | undefined>;
	/** Set on hand (a new cell: a new row with nothing reserved and no safety stock) */
	writeStockLevels(writes: Array<{ sku: string; location: string; onHand: number; isNew: boolean }>, now: string): void;
	replaceBundle(bundleSku: string, components: BundleComponent[]): void;
	/** The published quantities of this SKU no longer compare with new ones by their basis */
	forgetPublishedBasis(sku: string): void;
	/** true the first time (source, id) is seen */
	markProcessed(source: string, id: string, now: string): boolean;

	// fraud
	lockFraudDecision(omsId: string): FraudRecord | null;
	writeFraudDecision(record: FraudRecord): FraudRecord;
	writeResolution(omsId: string, resolution: NonNullable<FraudRecord['resolution']>): FraudRecord;

	// outbox and shipments
	insertDelivery(d: NewDelivery, now: string): { delivery: Delivery; created: boolean };
	writeDeliveryAttempt(id: number, attempt: DeliveryAttempt, now: string): Delivery | null;
	/** A failed delivery pending again, due `now`, with its attempts counted afresh (null: not failed, or no such id) */
	requeueDelivery(id: number, now: string): Delivery | null;
	insertShipment(s: Omit<StoredShipment, 'recordedAt'>, now: string): { created: boolean; shipment: StoredShipment };

	// WMS calls (cancels, address updates)
	lockWmsCall(id: number): WmsCall | null;
	lockWmsCallByKey(kind: WmsCallKind, omsId: string, shipmentNo: number): WmsCall | null;
	/** Insert a pending call (payload: JSON text); null when its key exists (a concurrent enqueue inserted it first) */
	insertWmsCall(call: NewWmsCall, payload: string | null, now: string): WmsCall | null;
	/** Owed anew: this payload, pending, due now, no attempts, no error or answer, version + 1 (a lease held stays) */
	reoweWmsCall(id: number, payload: string | null, now: string): WmsCall;
	/** Record an attempt (attempts + 1, the lease released; sent_at with sent) */
	writeWmsCallAttempt(id: number, write: WmsCallWrite, now: string): WmsCall;
	/** Release the lease only */
	releaseWmsCallLease(id: number, now: string): WmsCall;

	// channel outbox
	lockChannelCall(id: number): ChannelCall | null;
	lockChannelCallByKey(channel: string, kind: ChannelCallKind, key: string): ChannelCall | null;
	/** Insert a pending call; null when its key exists (a concurrent enqueue inserted it first) */
	insertChannelCall(call: ChannelCallRow, now: string): ChannelCall | null;
	/** A newer push replaces the owed one: pending, due now, no attempts, version + 1 (a lease held stays, so the
	 * call in flight ends before the newer one is claimed) */
	supersedeChannelCall(id: number, call: ChannelCallRow, now: string): ChannelCall;
	/** Record an attempt (attempts + 1, the lease released) */
	writeChannelCallAttempt(id: number, attempt: ChannelCallAttempt, now: string): ChannelCall;
	/** Release the lease only (an attempt on a version since superseded) */
	releaseChannelCallLease(id: number, now: string): ChannelCall;
	/** A failed call pending again, due now, its attempts counted afresh (its last error and unknown outcome kept);
	 * null when it is not failed */
	requeueChannelCall(id: number, now: string): ChannelCall | null;

	// returns
	/** The order's recorded packages (what was shipped) */
	readShipments(omsId: string): StoredShipment[];
	/** Units per order line that the order's returns in `statuses` take, but `exceptReturnId`'s */
	returnedUnits(omsId: string, statuses: readonly ReturnStatus[], exceptReturnId: string | null): Array<{ lineId: string; units: number }>;
	lockReturn(returnId: string): StoredReturn | null;
	readReturn(returnId: string): StoredReturn | null;
	/** Insert (isNew) or update the return row (version + 1) */
	writeReturn(write: ReturnWrite): void;
	/** Replace the return's lines */
	writeReturnLines(ret: CanonicalReturn): void;
	insertReturnEvent(event: NewReturnEvent): number;

	// restock once (./restock.ts)
	/** Insert each line's restock row unless (returnId, lineId) has one: the lineIds inserted (PostgreSQL locks the cells first) */
	insertRestocks(returnId: string, lines: Array<{ lineId: string; sku: string; location: string; quantity: number }>, receivedAt: string, now: string): string[];
	/** Raise on hand (a new cell: a new row), version + 1: each cell's change */
	addStock(adds: Array<{ sku: string; location: string; units: number }>, now: string): StockChange[];
	/** Every restock no count absorbed yet */
	pendingRestocks(): PendingRestock[];
	absorbRestocks(keys: Array<{ returnId: string; lineId: string }>, now: string): void;

	// warehouses (./warehouses.ts)
	/** Create or replace the warehouse of this location: true when it was new */
	upsertWarehouse(w: Omit<Warehouse, 'updatedAt'>, now: string): boolean;
	// the order's ledger (./ledger.ts)
	/** Insert each entry unless its key is recorded: the keys inserted */
	insertLedgerEntries(entries: LedgerEntryInput[], now: string): string[];
	/** The order's charges recorded so far in this currency, summed per (type, subtype, line) */
	ledgerCharges(omsId: string, currency: string): ChargeSlot[];
	/** Insert the payout, or update its amount, status, date and detail */
	upsertPayout(payout: PayoutInput, now: string): void;
	/** Insert each flag open, or update it (amounts, message, last seen) and open it again */
	upsertBillingFlags(flags: BillingFlag[], now: string): void;
	/** Resolve the open flags of this channel (null: all) whose keys are not these */
	resolveBillingFlagsExcept(keys: string[], channel: string | null, now: string): void;

	// control numbers
	/** The scope's last number, locked (a new scope's row is created at 0 first) */
	lockControlNumber(scope: string, now: string): number;
	writeControlNumber(scope: string, last: number, now: string): void;
}

/** A return event row to write (the store turns cause and detail into storable text). */
export interface NewReturnEvent {
	returnId: string;
	at: string;
	type: string;
	from: ReturnStatus | null;
	to: ReturnStatus | null;
	cause: string | null | undefined;
	detail: Record<string, unknown> | null | undefined;
}

/** A whole return row to write: recordReturn's insert or update, or a transition's. */
export interface ReturnWrite {
	isNew: boolean;
	cols: ReturnColumns;
	status: ReturnStatus;
	doc: CanonicalReturn;
	now: string;
}

/** TxRows as PostgreSQL answers them: the same operations, each a promise. */
export type AsyncTxRows = { [K in keyof TxRows]: (...args: Parameters<TxRows[K]>) => Promise<ReturnType<TxRows[K]>> };

/** One row operation asked for by a procedure. */
export type RowOp = { [K in keyof TxRows]: { name: K; args: Parameters<TxRows[K]> } }[keyof TxRows];

/** A store procedure: yields row operations, returns its result. */
export type Steps<T> = Generator<RowOp, T, unknown>;

/** Ask the store for a row operation: `const order = yield* row('lockOrder', omsId)`. */
export function* row<K extends keyof TxRows>(name: K, ...args: Parameters<TxRows[K]>): Generator<RowOp, ReturnType<TxRows[K]>, unknown> {
	return (yield { name, args } as RowOp) as ReturnType<TxRows[K]>;
}

type AnyOp = (...args: unknown[]) => unknown;

/** Run a procedure against a store answering synchronously (SQLite, inside its transaction). */
export function runSteps<T>(steps: Steps<T>, rows: TxRows): T {
	let next = steps.next();
	while (!next.done) {
		const op = next.value;
		next = steps.next((rows[op.name] as AnyOp).apply(rows, op.args));
	}
	return next.value;
}

/** Run a procedure against a store answering with promises (PostgreSQL, on the transaction's client). */
export async function runStepsAsync<T>(steps: Steps<T>, rows: AsyncTxRows): Promise<T> {
	let next = steps.next();
	while (!next.done) {
		const op = next.value;
		next = steps.next(await (rows[op.name] as AnyOp).apply(rows, op.args));
	}
	return next.value;
}
