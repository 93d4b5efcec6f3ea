/** Mapping between the canonical order and the columns both stores keep beside its JSON. */
import type { CanonicalOrder } from '../order/types';
import { fromMinor, toMinor } from '../order/money';
import { rowAtp } from '../stock/atp';
import { identityKeys } from '../order/identity';
import type { ChannelCall, Delivery, WmsCall, VelocityQuery, VelocityResult, FraudRecord, Hold, HoldReason, OmsEvent, OmsStatus, PublishedQuantity, ReturnEvent, StockRow, StoredOrder, StoredShipment, PendingRestock } from './types';
import type { BundleComponent, StockCells } from '../stock/types';
import { cleanForStore, storableText } from '../order/storable';
import type { CanonicalReturn, StoredReturn } from '../returns/types';
import type { ReturnStatus } from '../returns/status';
import type { FulfilmentAccount, Warehouse } from '../stock/warehouse';
import type { LedgerSum, UnsettledOrder } from '../billing/reconcile';
import type { EntryType, LedgerEntry, LedgerEntryInput, OrderBalance, PayoutTotal, StoredPayout } from '../billing/types';

/** A timestamp as both stores write and return it: ISO 8601 in UTC with milliseconds. */
export function isoUtc(value: string | Date | number): string {
	const d = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(d.getTime())) throw new Error(`Not a valid timestamp: ${String(value)}`);
	return d.toISOString();
}

export interface OrderColumns {
	oms_id: string;
	channel: string;
	channel_order_id: string;
	order_number: string | null;
	placed_at: string;
	channel_updated_at: string;
	readiness: string;
	channel_status: string;
	currency: string;
	total_minor: number;
	units: number;
	email: string | null;
	ship_address_key: string | null;
	phone: string | null;
	client_ip: string | null;
	ship_country: string | null;
	ship_by: string | null;
}

export function orderColumns(order: CanonicalOrder): OrderColumns {
	const keys = identityKeys(order);
	return {
		oms_id: order.omsId,
		channel: order.channel,
		channel_order_id: order.channelOrderId,
		order_number: order.orderNumber ?? null,
		placed_at: isoUtc(order.placedAt),
		channel_updated_at: isoUtc(order.updatedAt),
		readiness: order.readiness,
		channel_status: order.channelStatus,
		currency: order.currency,
		total_minor: toMinor(order.totals.total, order.currency),
		units: order.lines.reduce((s, l) => s + l.quantity, 0),
		email: keys.email,
		ship_address_key: keys.shipAddress,
		phone: keys.phone,
		client_ip: keys.clientIp,
		ship_country: order.shipTo?.country ?? null,
		ship_by: order.shipBy ? isoUtc(order.shipBy) : null,
	};
}

export function lineRows(order: CanonicalOrder) {
	return order.lines.map((l) => ({
		oms_id: order.omsId,
		line_id: l.lineId,
		sku: l.sku,
		title: l.title ?? null,
		quantity: l.quantity,
		unit_price_minor: toMinor(l.unitPrice, order.currency),
		line_total_minor: toMinor(l.lineTotal, order.currency),
	}));
}

const t = (v: unknown): string | null => (v === null || v === undefined ? null : isoUtc(v as string | Date));
const j = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function toStoredOrder(row: Record<string, unknown>): StoredOrder {
	const hold: Hold | null = row.hold_reason
		? { reason: row.hold_reason as HoldReason, since: t(row.hold_since)!, detail: (row.hold_detail as string) ?? null }
		: null;
	return {
		order: j<CanonicalOrder>(row.doc),
		status: row.status as OmsStatus,
		hold,
		recordedAt: t(row.recorded_at)!,
		changedAt: t(row.changed_at)!,
		version: Number(row.version),
	};
}

/** An event row's fields but its key (the order's oms_id, or a return's return_id): both timelines have them. */
function eventFields<S>(row: Record<string, unknown>) {
	return {
		id: Number(row.id),
		at: t(row.at)!,
		type: row.type as string,
		fromStatus: (row.from_status as S) ?? null,
		toStatus: (row.to_status as S) ?? null,
		cause: (row.cause as string) ?? null,
		detail: row.detail === null || row.detail === undefined ? null : j<Record<string, unknown>>(row.detail),
	};
}

export function toEvent(row: Record<string, unknown>): OmsEvent {
	return { ...eventFields<OmsStatus>(row), omsId: row.oms_id as string };
}

export function toFraudRecord(row: Record<string, unknown>): FraudRecord {
	return {
		omsId: row.oms_id as string,
		fraud: j(row.doc),
		ruleSetVersion: row.rule_set_version as string,
		decidedAt: t(row.decided_at)!,
		resolution: row.resolution
			? {
					decision: row.resolution as 'approved' | 'rejected',
					by: row.resolved_by as string,
					note: (row.resolution_note as string) ?? null,
					at: t(row.resolved_at)!,
				}
			: null,
	};
}

/** A fraud record's columns: oms_id, decision, score, doc, rule_set_version, decided_at, resolution, resolved_by,
 * resolution_note, resolved_at */
export function fraudColumns(r: FraudRecord): [string, string, number, string, string, string, string | null, string | null, string | null, string | null] {
	return [
		r.omsId,
		r.fraud.decision,
		Math.round(r.fraud.score),
		JSON.stringify(r.fraud),
		r.ruleSetVersion,
		r.decidedAt,
		r.resolution?.decision ?? null,
		r.resolution?.by ?? null,
		r.resolution?.note ?? null,
		r.resolution?.at ?? null,
	];
}

export function toStockRow(r: Record<string, unknown>): StockRow {
	const onHand = Number(r.on_hand);
	const reserved = Number(r.reserved);
	const safetyStock = Number(r.safety_stock);
	return {
		sku: r.sku as string,
		location: r.location as string,
		onHand,
		reserved,
		safetyStock,
		atp: rowAtp({ onHand, reserved, safetyStock }),
		version: Number(r.version),
		updatedAt: isoUtc(r.updated_at as string),
	};
}

/** A lean stock row (see StockStore.getStockCells); pg gives bigint as text. */
export function toStockCells(r: Record<string, unknown>): StockCells {
	return { sku: r.sku as string, location: r.location as string, onHand: Number(r.on_hand), reserved: Number(r.reserved), safetyStock: Number(r.safety_stock), version: Number(r.version) };
}

export function toPublishedQuantity(r: Record<string, unknown>): Pick<PublishedQuantity, 'channel' | 'sku' | 'quantity'> {
	return { channel: r.channel as string, sku: r.sku as string, quantity: Number(r.quantity) };
}

export function toPublished(r: Record<string, unknown>): PublishedQuantity {
	return { channel: r.channel as string, sku: r.sku as string, quantity: Number(r.quantity), publishedAt: isoUtc(r.published_at as string) };
}

/** Bundle rows (bundle_sku, component_sku, quantity), ordered, to each bundle's components. */
export function bundlesFromRows(rows: Array<Record<string, unknown>>): Map<string, BundleComponent[]> {
	const out = new Map<string, BundleComponent[]>();
	for (const r of rows) {
		const list = out.get(r.bundle_sku as string) ?? [];
		list.push({ sku: r.component_sku as string, quantity: Number(r.quantity) });
		out.set(r.bundle_sku as string, list);
	}
	return out;
}

/** annotateMany's entries as both stores write them in one statement: id, JSON path key, value, event type, cause, detail. */
export function annotationRows(entries: Array<{ omsId: string; key: string; value: unknown; event?: { type?: string; cause?: string; detail?: Record<string, unknown> } }>) {
	return entries.map((e) => ({
		omsId: e.omsId,
		key: e.key,
		value: storableJsonText(e.value),
		type: e.event?.type ?? e.key,
		cause: e.event?.cause ? storableText(e.event.cause) : null,
		detail: storableJsonText(e.event?.detail ?? { [e.key]: e.value }),
	}));
}

export function toDelivery(row: Record<string, unknown>): Delivery {
	return {
		id: Number(row.id),
		omsId: row.oms_id as string,
		shipmentNo: Number(row.shipment_no),
		provider: row.provider as string,
		reference: row.reference as string,
		status: row.status as Delivery['status'],
		attempts: Number(row.attempts),
		nextAttemptAt: t(row.next_attempt_at),
		lastError: (row.last_error as string) ?? null,
		wmsOrderId: (row.wms_order_id as string) ?? null,
		payload: row.payload === null || row.payload === undefined ? null : j(row.payload),
		createdAt: t(row.created_at)!,
		updatedAt: t(row.updated_at)!,
	};
}

export function toWmsCall(row: Record<string, unknown>): WmsCall {
	const json = (v: unknown) => (v === null || v === undefined ? null : j<Record<string, unknown>>(v));
	return {
		id: Number(row.id),
		kind: row.kind as WmsCall['kind'],
		omsId: row.oms_id as string,
		shipmentNo: Number(row.shipment_no),
		provider: row.provider as string,
		reference: row.reference as string,
		wmsOrderId: (row.wms_order_id as string) ?? null,
		status: row.status as WmsCall['status'],
		attempts: Number(row.attempts),
		nextAttemptAt: t(row.next_attempt_at),
		leaseUntil: t(row.lease_until),
		lastError: (row.last_error as string) ?? null,
		payload: json(row.payload),
		answer: json(row.answer),
		version: Number(row.version),
		createdAt: t(row.created_at)!,
		updatedAt: t(row.updated_at)!,
		sentAt: t(row.sent_at),
	};
}

export function toChannelCall(row: Record<string, unknown>): ChannelCall {
	const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
	return {
		id: Number(row.id),
		channel: row.channel as string,
		kind: row.kind as ChannelCall['kind'],
		omsId: (row.oms_id as string) ?? null,
		packageKey: (row.package_key as string) ?? null,
		sku: (row.sku as string) ?? null,
		quantity: n(row.quantity),
		basis: n(row.basis),
		status: row.status as ChannelCall['status'],
		attempts: Number(row.attempts),
		nextAttemptAt: t(row.next_attempt_at),
		leaseUntil: t(row.lease_until),
		lastError: (row.last_error as string) ?? null,
		outcomeUnknown: Number(row.outcome_unknown) > 0,
		reference: (row.reference as string) ?? null,
		payload: row.payload === null || row.payload === undefined ? null : j(row.payload),
		version: Number(row.version),
		createdAt: t(row.created_at)!,
		updatedAt: t(row.updated_at)!,
		sentAt: t(row.sent_at),
	};
}

/** A package's units (its lines' quantities): what recording it adds to the order's units_packed (schema v13). */
export function packedUnits(lines: ReadonlyArray<{ quantity: number }>): number {
	return lines.reduce((n, l) => n + l.quantity, 0);
}

export function toShipment(row: Record<string, unknown>): StoredShipment {
	return {
		omsId: row.oms_id as string,
		packageKey: row.package_key as string,
		provider: row.provider as string,
		carrier: (row.carrier as string) ?? null,
		trackingNumber: (row.tracking_number as string) ?? null,
		trackingUrl: (row.tracking_url as string) ?? null,
		shippedAt: t(row.shipped_at),
		lines: j(row.lines),
		recordedAt: t(row.recorded_at)!,
	};
}

export function holdColumns(hold: Hold | null): [string | null, string | null, string | null] {
	return hold ? [hold.reason, isoUtc(hold.since), hold.detail === null || hold.detail === undefined ? null : storableText(hold.detail)] : [null, null, null];
}

/** An event's cause and detail as both stores write them: text they can keep (lib/order/storable.ts), detail as JSON. */
export function eventColumns(cause: string | null | undefined, detail: Record<string, unknown> | null | undefined): [string | null, string | null] {
	return [cause === null || cause === undefined ? null : storableText(cause), detail ? JSON.stringify(cleanForStore(detail).value) : null];
}

/** An event row's values in column order: oms_id, at, type, from_status, to_status, cause, detail. */
export function eventValues(e: { omsId: string; at: string; type: string; from: OmsStatus | null; to: OmsStatus | null; cause: string | null | undefined; detail: Record<string, unknown> | null | undefined }): [string, string, string, OmsStatus | null, OmsStatus | null, string | null, string | null] {
	return [e.omsId, e.at, e.type, e.from, e.to, ...eventColumns(e.cause, e.detail)];
}

/** A JSON document (annotation, event detail) as both stores write it: every string and key storable. */
export function storableJsonText(value: unknown): string {
	return JSON.stringify(cleanForStore(value ?? null).value);
}

export class OrderNotFoundError extends Error {
	constructor(omsId: string) {
		super(`No order ${omsId} in the OMS store`);
		this.name = 'OrderNotFoundError';
	}
}

/** The orders column each velocity key counts by */
export const VELOCITY_COLUMNS: Readonly<Record<VelocityQuery['key'], string>> = { email: 'email', shipAddress: 'ship_address_key', phone: 'phone', clientIp: 'client_ip' };

export function velocityFromRows(rows: Array<Record<string, unknown>>): VelocityResult {
	const minor: Record<string, number> = {};
	const channels = new Set<string>();
	let count = 0;
	for (const r of rows) {
		const currency = r.currency as string;
		count += Number(r.n);
		minor[currency] = (minor[currency] ?? 0) + Number(r.total);
		channels.add(r.channel as string);
	}
	const totals: Record<string, number> = {};
	for (const [currency, m] of Object.entries(minor)) totals[currency] = fromMinor(m, currency);
	return { count, totals, channels: [...channels].sort() };
}

// ---------------------------------------------------------------- returns

/** The columns both stores keep beside a return's document (reports and the units check read them). */
export interface ReturnColumns {
	return_id: string;
	oms_id: string;
	channel: string;
	channel_return_id: string;
	channel_status: string;
	channel_updated_at: string;
	requested_at: string;
	units: number;
	refund_status: string | null;
	refund_currency: string | null;
	refund_total_minor: number | null;
}

export function returnColumns(ret: CanonicalReturn): ReturnColumns {
	return {
		return_id: ret.returnId,
		oms_id: ret.omsId,
		channel: ret.channel,
		channel_return_id: ret.channelReturnId,
		channel_status: ret.channelStatus,
		channel_updated_at: isoUtc(ret.updatedAt),
		requested_at: isoUtc(ret.requestedAt),
		units: ret.lines.reduce((s, l) => s + l.quantity, 0),
		refund_status: ret.refund?.status ?? null,
		refund_currency: ret.refund?.currency ?? null,
		refund_total_minor: ret.refund ? toMinor(ret.refund.total, ret.refund.currency) : null,
	};
}

export function toStoredReturn(row: Record<string, unknown>): StoredReturn {
	return { ret: j<CanonicalReturn>(row.doc), status: row.status as ReturnStatus, recordedAt: t(row.recorded_at)!, changedAt: t(row.changed_at)!, version: Number(row.version) };
}

export function toReturnEvent(row: Record<string, unknown>): ReturnEvent {
	return { ...eventFields<ReturnStatus>(row), returnId: row.return_id as string };
}

/** A return event row's values in column order: return_id, at, type, from_status, to_status, cause, detail. */
export function returnEventValues(e: { returnId: string; at: string; type: string; from: ReturnStatus | null; to: ReturnStatus | null; cause: string | null | undefined; detail: Record<string, unknown> | null | undefined }): [string, string, string, ReturnStatus | null, ReturnStatus | null, string | null, string | null] {
	return [e.returnId, e.at, e.type, e.from, e.to, ...eventColumns(e.cause, e.detail)];
}

export class ReturnNotFoundError extends Error {
	constructor(returnId: string) {
		super(`No return ${returnId} in the OMS store`);
		this.name = 'ReturnNotFoundError';
	}
}

export function toPendingRestock(r: Record<string, unknown>): PendingRestock {
	return {
		returnId: r.return_id as string,
		lineId: r.line_id as string,
		sku: r.sku as string,
		location: r.location as string,
		quantity: Number(r.quantity),
		receivedAt: isoUtc(r.received_at as string | Date),
		restockedAt: isoUtc(r.restocked_at as string | Date),
	};
}

/** A warehouses row as lib/stock/warehouse.ts reads it. */
export function toWarehouse(r: Record<string, unknown>): Warehouse {
	const kind = r.account_kind as string | null;
	const account: FulfilmentAccount | null =
		kind === 'wms' ? { kind: 'wms', provider: r.provider as string, credential: r.credential as string } : kind === 'edi' ? { kind: 'edi', partner: r.edi_partner as string } : null;
	return {
		location: r.location as string,
		name: r.name as string,
		country: r.country as string,
		postcode: (r.postcode as string | null) ?? null,
		account,
		channels: j<string[]>(r.channels),
		priority: Number(r.priority),
		buffer: Number(r.buffer),
		active: Number(r.active) === 1 || r.active === true,
		updatedAt: isoUtc(r.updated_at as string | Date),
	};
}

/** The columns of a warehouse's row, in the order both stores' upserts bind them (after location). */
export function warehouseValues(w: Omit<Warehouse, 'updatedAt'>): Array<string | number | null> {
	const a = w.account;
	return [
		w.name,
		w.country,
		w.postcode,
		a?.kind ?? null,
		a?.kind === 'wms' ? a.provider : null,
		a?.kind === 'wms' ? a.credential : null,
		a?.kind === 'edi' ? a.partner : null,
		JSON.stringify(w.channels),
		w.priority,
		w.buffer,
		w.active ? 1 : 0,
	];
}

// ------------------------------------------------------------------ the order's ledger (issue 22)

export function toLedgerEntry(r: Record<string, unknown>): LedgerEntry {
	return {
		id: Number(r.id),
		key: r.entry_key as string,
		omsId: (r.oms_id as string | null) ?? null,
		channel: r.channel as string,
		currency: r.currency as string,
		type: r.type as EntryType,
		subtype: (r.subtype as string | null) ?? null,
		lineId: (r.line_id as string | null) ?? null,
		amountMinor: Number(r.amount_minor),
		payoutId: (r.payout_id as string | null) ?? null,
		occurredAt: t(r.occurred_at)!,
		source: r.source as string,
		detail: r.detail === null || r.detail === undefined ? null : j<Record<string, unknown>>(r.detail),
		recordedAt: t(r.recorded_at)!,
	};
}

/** An entry's values in column order: entry_key, oms_id, channel, currency, type, subtype, line_id, amount_minor, payout_id, occurred_at, source, detail */
export function ledgerEntryValues(e: LedgerEntryInput): [string, string | null, string, string, string, string | null, string | null, number, string | null, string, string, string | null] {
	return [
		storableText(e.key),
		e.omsId,
		e.channel,
		e.currency,
		e.type,
		e.subtype === null || e.subtype === undefined ? null : storableText(e.subtype),
		e.lineId ?? null,
		e.amountMinor,
		e.payoutId,
		isoUtc(e.occurredAt),
		e.source,
		e.detail ? storableJsonText(e.detail) : null,
	];
}

/**
 * The sums an order's balance is made of, per (order, currency), in one pass over its entries (the CASEs are the
 * rule of lib/billing/types.ts: taxes the marketplace remits are not charged to the seller's account; what a payout
 * holds is settled). Both stores select these columns; toOrderBalance derives the rest.
 */
export const LEDGER_BALANCE_COLUMNS = `oms_id, currency,
	SUM(CASE WHEN type IN ('item_charge', 'discount', 'shipping') OR (type = 'tax' AND COALESCE(subtype, '') <> 'marketplace') THEN amount_minor ELSE 0 END) AS charged,
	SUM(CASE WHEN type = 'fee' THEN amount_minor ELSE 0 END) AS fees,
	SUM(CASE WHEN type = 'refund' THEN amount_minor ELSE 0 END) AS refunds,
	SUM(CASE WHEN type = 'adjustment' THEN amount_minor ELSE 0 END) AS adjustments,
	SUM(CASE WHEN payout_id IS NOT NULL AND type IN ('payment', 'fee', 'refund', 'adjustment') THEN amount_minor ELSE 0 END) AS settled,
	COUNT(*) AS entries`;

export function toOrderBalance(r: Record<string, unknown>): OrderBalance {
	const charged = Number(r.charged);
	const fees = Number(r.fees);
	const refunds = Number(r.refunds);
	const expected = charged + fees + refunds + Number(r.adjustments);
	const settled = Number(r.settled);
	return { omsId: r.oms_id as string, currency: r.currency as string, chargedMinor: charged, expectedMinor: expected, settledMinor: settled, balanceMinor: expected - settled, feesMinor: fees, refundsMinor: refunds, entries: Number(r.entries) };
}

export function toStoredPayout(r: Record<string, unknown>): StoredPayout {
	return {
		channel: r.channel as string,
		account: r.account as string,
		payoutId: r.payout_id as string,
		currency: r.currency as string,
		amountMinor: Number(r.amount_minor),
		status: r.status as string,
		paidAt: t(r.paid_at),
		detail: r.detail === null || r.detail === undefined ? null : j<Record<string, unknown>>(r.detail),
		recordedAt: t(r.recorded_at)!,
		updatedAt: t(r.updated_at)!,
	};
}

export function toPayoutTotal(r: Record<string, unknown>): PayoutTotal {
	return {
		channel: r.channel as string,
		payoutId: r.payout_id as string,
		currency: r.currency as string,
		amountMinor: r.amount_minor === null || r.amount_minor === undefined ? null : Number(r.amount_minor),
		entriesMinor: Number(r.entries_minor ?? 0),
		entries: Number(r.entries ?? 0),
		status: (r.status as string | null) ?? null,
		paidAt: t(r.paid_at),
	};
}

export function toLedgerSum(r: Record<string, unknown>): LedgerSum {
	return {
		omsId: r.oms_id as string,
		channel: r.channel as string,
		currency: r.currency as string,
		type: r.type as string,
		subtype: (r.subtype as string | null) ?? null,
		amountMinor: Number(r.amount),
		entries: Number(r.entries),
		payoutId: (r.payout_id as string | null) ?? null,
	};
}

export function toUnsettledOrder(r: Record<string, unknown>): UnsettledOrder {
	return {
		omsId: r.oms_id as string,
		channel: r.channel as string,
		orderNumber: (r.order_number as string | null) ?? null,
		shippedAt: t(r.shipped_at)!,
		currency: r.currency as string,
		totalMinor: Number(r.total_minor),
	};
}
