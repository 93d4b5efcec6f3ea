/**
 * The row operations of the shared store rules (lib/store/rules/tx.ts TxRows) in PostgreSQL's SQL, on one
 * transaction's client. Only SQL here: what to write is decided by the rules. Reads named `lock...` lock their rows
 * (FOR UPDATE) until the transaction ends; stock cells are locked in key order, so concurrent writers queue rather
 * than deadlock.
 */
import type { PoolClient } from 'pg';
import type { CanonicalOrder } from '../order/types';
import type { Hold, OmsStatus } from '../order/status';
import { activeUnits, partsFromJson, partsToJson, type ReservationPart } from '../stock/reservation';
import { locationOf, type BundleComponent, type StockLevelInput, type StockChange } from '../stock/types';
import { eventValues, fraudColumns, holdColumns, lineRows, returnEventValues, toChannelCall, toDelivery, toEvent, toFraudRecord, toShipment, toStoredOrder, toStoredReturn, toWmsCall, type OrderColumns, isoUtc, toPendingRestock, toWarehouse, warehouseValues, ledgerEntryValues, storableJsonText, LEDGER_BALANCE_COLUMNS, toLedgerEntry, toOrderBalance, toPayoutTotal, toStoredPayout, toLedgerSum, toUnsettledOrder, packedUnits } from './rows';
import type { ChargeSlot } from '../billing/charges';
import { storableText } from '../order/storable';
import type { BillingFlag, LedgerSum, UnsettledOrder } from '../billing/reconcile';
import type { EntryType, LedgerEntry, LedgerEntryInput, OrderBalance, PayoutInput, PayoutTotal, StoredPayout } from '../billing/types';
import type { CanonicalReturn, StoredReturn } from '../returns/types';
import type { ReturnStatus } from '../returns/status';
import { cellKey } from './rules/stock';
import type { AsyncTxRows, ChannelCallAttempt, ChannelCallRow, DeliveryAttempt, NewEvent, NewReturnEvent, OrderWrite, ReturnWrite, StockTake, WmsCallWrite } from './rules/tx';
import type { Warehouse } from '../stock/warehouse';
import type { ChannelCall, ChannelCallKind, Delivery, FraudRecord, NewDelivery, NewWmsCall, OmsEvent, StoredOrder, StoredShipment, WmsCall, WmsCallKind, PendingRestock } from './types';

export type Row = Record<string, unknown>;
export type Q = Pick<PoolClient, 'query'>;

export async function rowsOf(q: Q, sql: string, params: unknown[] = []): Promise<Row[]> {
	return (await q.query(sql, params)).rows as Row[];
}

/** Lock stock cells in key order (before changing them, so concurrent writers queue instead of deadlocking). */
export async function lockCells(q: Q, cells: Array<{ sku: string; location: string }>): Promise<void> {
	if (!cells.length) return;
	const keys = [...new Set(cells.map((c) => cellKey(c.sku, c.location)))].sort();
	await q.query(
		`SELECT 1 FROM stock WHERE (sku, location) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY sku, location FOR UPDATE`,
		[keys.map((k) => k.split('\u0000')[0]), keys.map((k) => k.split('\u0000')[1])],
	);
}

export class PostgresRows implements AsyncTxRows {
	constructor(private readonly c: Q) {}

	private rows(sql: string, params: unknown[] = []): Promise<Row[]> {
		return rowsOf(this.c, sql, params);
	}

	// ------------------------------------------------------------ orders

	async lockOrder(omsId: string): Promise<StoredOrder | null> {
		const row = (await this.rows('SELECT * FROM orders WHERE oms_id = $1 FOR UPDATE', [omsId]))[0];
		return row ? toStoredOrder(row) : null;
	}

	async readOrder(omsId: string): Promise<StoredOrder | null> {
		const row = (await this.rows('SELECT * FROM orders WHERE oms_id = $1', [omsId]))[0];
		return row ? toStoredOrder(row) : null;
	}

	async orderExists(omsId: string): Promise<boolean> {
		return (await this.rows('SELECT 1 FROM orders WHERE oms_id = $1', [omsId])).length > 0;
	}

	/** Claim the id first: a concurrent intake of the same order waits on this row, then finds it (version 0 until
	 * writeOrder fills it; readers skip such placeholders). */
	async claimOrder(cols: OrderColumns, now: string): Promise<StoredOrder | null> {
		const placeholder = await this.rows(
			`INSERT INTO orders (oms_id, channel, channel_order_id, order_number, placed_at, channel_updated_at, readiness, channel_status,
				status, currency, total_minor, units, doc, recorded_at, changed_at, version)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9, $10, $11, '{}'::jsonb, $12, $12, 0)
			 ON CONFLICT (oms_id) DO NOTHING RETURNING oms_id`,
			[cols.oms_id, cols.channel, cols.channel_order_id, cols.order_number, cols.placed_at, cols.channel_updated_at, cols.readiness,
				cols.channel_status, cols.currency, cols.total_minor, cols.units, now],
		);
		return placeholder.length ? null : this.lockOrder(cols.oms_id);
	}

	/** A new order fills the placeholder claimOrder inserted: an UPDATE either way. */
	async writeOrder(w: OrderWrite): Promise<void> {
		const c = w.cols;
		const [hr, hs, hd] = holdColumns(w.hold);
		await this.c.query(
			`UPDATE orders SET channel = $2, channel_order_id = $3, order_number = $4, placed_at = $5, channel_updated_at = $6,
				readiness = $7, channel_status = $8, status = $9, hold_reason = $10, hold_since = $11, hold_detail = $12, currency = $13,
				total_minor = $14, units = $15, email = $16, ship_address_key = $17, phone = $18, client_ip = $19, ship_country = $20,
				ship_by = $21, doc = $22, changed_at = $23, version = version + 1,
				shipped_at = CASE WHEN $24 AND shipped_at IS NULL THEN $23::timestamptz ELSE shipped_at END
			 WHERE oms_id = $1`,
			[c.oms_id, c.channel, c.channel_order_id, c.order_number, c.placed_at, c.channel_updated_at, c.readiness, c.channel_status,
				w.status, hr, hs, hd, c.currency, c.total_minor, c.units, c.email, c.ship_address_key, c.phone, c.client_ip, c.ship_country,
				c.ship_by, JSON.stringify(w.doc), w.now, w.shipped],
		);
	}

	async writeLines(order: CanonicalOrder): Promise<void> {
		await this.c.query('DELETE FROM order_lines WHERE oms_id = $1', [order.omsId]);
		const rows = lineRows(order);
		if (!rows.length) return;
		await this.c.query(
			`INSERT INTO order_lines (oms_id, line_id, sku, title, quantity, unit_price_minor, line_total_minor)
			 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::bigint[])`,
			[
				order.omsId,
				rows.map((r) => r.line_id),
				rows.map((r) => r.sku),
				rows.map((r) => r.title),
				rows.map((r) => r.quantity),
				rows.map((r) => r.unit_price_minor),
				rows.map((r) => r.line_total_minor),
			],
		);
	}

	async setOrderStatus(omsId: string, status: OmsStatus, hold: Hold | null, now: string, shipped: boolean): Promise<void> {
		await this.c.query(
			`UPDATE orders SET status = $1, hold_reason = $2, hold_since = $3, hold_detail = $4, changed_at = $5, version = version + 1,
				shipped_at = CASE WHEN $7 AND shipped_at IS NULL THEN $5::timestamptz ELSE shipped_at END
			 WHERE oms_id = $6`,
			[status, ...holdColumns(hold), now, omsId, shipped],
		);
	}

	async setOrderDoc(omsId: string, doc: CanonicalOrder, now: string): Promise<void> {
		await this.c.query('UPDATE orders SET doc = $1, changed_at = $2, version = version + 1 WHERE oms_id = $3', [JSON.stringify(doc), now, omsId]);
	}

	async insertEvent(e: NewEvent): Promise<number> {
		const row = (await this.rows('INSERT INTO events (oms_id, at, type, from_status, to_status, cause, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id', eventValues(e)))[0];
		return Number(row.id);
	}

	async readEvent(id: number): Promise<OmsEvent> {
		return toEvent((await this.rows('SELECT * FROM events WHERE id = $1', [id]))[0]);
	}

	// ------------------------------------------------------------ stock

	async lockReservation(omsId: string): Promise<ReservationPart[] | null> {
		const row = (await this.rows('SELECT parts FROM reservations WHERE oms_id = $1 FOR UPDATE', [omsId]))[0];
		return row ? partsFromJson(row.parts) : null;
	}

	async writeReservation(omsId: string, parts: ReservationPart[], now: string): Promise<void> {
		await this.c.query('UPDATE reservations SET parts = $1::jsonb, active = $2, updated_at = $3 WHERE oms_id = $4', [partsToJson(parts), activeUnits(parts), now, omsId]);
	}

	async takeStock(takes: StockTake[], now: string): Promise<void> {
		await lockCells(this.c, takes);
		for (const t of takes) {
			if (t.onHand > 0 && t.reserved > 0) {
				await this.c.query(
					'UPDATE stock SET reserved = GREATEST(0, reserved - $1), on_hand = GREATEST(0, on_hand - $2), updated_at = $3, version = version + 1 WHERE sku = $4 AND location = $5',
					[t.reserved, t.onHand, now, t.sku, t.location],
				);
			} else if (t.onHand > 0) {
				await this.c.query('UPDATE stock SET on_hand = GREATEST(0, on_hand - $1), updated_at = $2, version = version + 1 WHERE sku = $3 AND location = $4', [
					t.onHand,
					now,
					t.sku,
					t.location,
				]);
			} else {
				await this.c.query('UPDATE stock SET reserved = GREATEST(0, reserved - $1), version = version + 1 WHERE sku = $2 AND location = $3', [t.reserved, t.sku, t.location]);
			}
		}
	}

	async lockOnHand(levels: StockLevelInput[]): Promise<Array<number | undefined>> {
		const rows = await this.rows(
			`SELECT t.n, s.on_hand FROM stock s
			 JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(sku, location, n) ON s.sku = t.sku AND s.location = t.location
			 ORDER BY s.sku, s.location FOR UPDATE OF s`,
			[levels.map((l) => l.sku), levels.map(locationOf)],
		);
		const out = new Array<number | undefined>(levels.length);
		for (const r of rows) out[Number(r.n) - 1] = Number(r.on_hand);
		return out;
	}

	async writeStockLevels(writes: Array<{ sku: string; location: string; onHand: number; isNew: boolean }>, now: string): Promise<void> {
		await this.c.query(
			`INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at)
			 SELECT sku, location, on_hand, 0, 0, $4 FROM unnest($1::text[], $2::text[], $3::int[]) AS t(sku, location, on_hand)
			 ON CONFLICT (sku, location) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at, version = stock.version + 1`,
			[writes.map((x) => x.sku), writes.map((x) => x.location), writes.map((x) => x.onHand), now],
		);
	}

	async replaceBundle(bundleSku: string, components: BundleComponent[]): Promise<void> {
		await this.c.query('DELETE FROM bundles WHERE bundle_sku = $1', [bundleSku]);
		for (const comp of components) {
			await this.c.query('INSERT INTO bundles (bundle_sku, component_sku, quantity) VALUES ($1, $2, $3)', [bundleSku, comp.sku, comp.quantity]);
		}
	}

	async forgetPublishedBasis(sku: string): Promise<void> {
		await this.c.query('UPDATE published SET basis = NULL WHERE sku = $1', [sku]);
	}

	async markProcessed(source: string, id: string, now: string): Promise<boolean> {
		return (await this.rows('INSERT INTO processed (source, id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id', [source, id, now])).length > 0;
	}

	// ------------------------------------------------------------ fraud

	async lockFraudDecision(omsId: string): Promise<FraudRecord | null> {
		const row = (await this.rows('SELECT * FROM fraud_decisions WHERE oms_id = $1 FOR UPDATE', [omsId]))[0];
		return row ? toFraudRecord(row) : null;
	}

	async writeFraudDecision(r: FraudRecord): Promise<FraudRecord> {
		const rows = await this.rows(
			`INSERT INTO fraud_decisions (oms_id, decision, score, doc, rule_set_version, decided_at, resolution, resolved_by, resolution_note, resolved_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			 ON CONFLICT (oms_id) DO UPDATE SET decision = EXCLUDED.decision, score = EXCLUDED.score, doc = EXCLUDED.doc,
			   rule_set_version = EXCLUDED.rule_set_version, decided_at = EXCLUDED.decided_at, resolution = EXCLUDED.resolution,
			   resolved_by = EXCLUDED.resolved_by, resolution_note = EXCLUDED.resolution_note, resolved_at = EXCLUDED.resolved_at
			 RETURNING *`,
			fraudColumns(r),
		);
		return toFraudRecord(rows[0]);
	}

	async writeResolution(omsId: string, res: NonNullable<FraudRecord['resolution']>): Promise<FraudRecord> {
		const rows = await this.rows(
			'UPDATE fraud_decisions SET resolution = $1, resolved_by = $2, resolution_note = $3, resolved_at = $4 WHERE oms_id = $5 RETURNING *',
			[res.decision, res.by, res.note, res.at, omsId],
		);
		return toFraudRecord(rows[0]);
	}

	// ------------------------------------------------------------ outbox

	async insertDelivery(d: NewDelivery, now: string): Promise<{ delivery: Delivery; created: boolean }> {
		const inserted = await this.rows(
			`INSERT INTO deliveries (oms_id, shipment_no, provider, reference, status, attempts, payload, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $6) ON CONFLICT (oms_id, shipment_no) DO NOTHING RETURNING *`,
			[d.omsId, d.shipmentNo, d.provider, d.reference, d.payload ? JSON.stringify(d.payload) : null, now],
		);
		if (inserted.length) return { delivery: toDelivery(inserted[0]), created: true };
		const row = (await this.rows('SELECT * FROM deliveries WHERE oms_id = $1 AND shipment_no = $2', [d.omsId, d.shipmentNo]))[0];
		return { delivery: toDelivery(row), created: false };
	}

	async requeueDelivery(id: number, now: string): Promise<Delivery | null> {
		const rows = await this.rows(
			`UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, lease_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'failed' RETURNING *`,
			[now, id],
		);
		return rows.length ? toDelivery(rows[0]) : null;
	}

	async writeDeliveryAttempt(id: number, a: DeliveryAttempt, now: string): Promise<Delivery | null> {
		const rows = await this.rows(
			`UPDATE deliveries SET status = $1, attempts = attempts + 1, last_error = $2, next_attempt_at = $3, lease_until = NULL, updated_at = $4,
				wms_order_id = CASE WHEN $5 THEN $6 ELSE wms_order_id END
			 WHERE id = $7 RETURNING *`,
			[a.status, a.lastError, a.nextAttemptAt, now, a.wmsOrderId !== undefined, a.wmsOrderId ?? null, id],
		);
		return rows.length ? toDelivery(rows[0]) : null;
	}

	async insertShipment(s: Omit<StoredShipment, 'recordedAt'>, now: string): Promise<{ created: boolean; shipment: StoredShipment }> {
		const inserted = await this.rows(
			`INSERT INTO shipments (oms_id, package_key, provider, carrier, tracking_number, tracking_url, shipped_at, lines, recorded_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (oms_id, package_key) DO NOTHING RETURNING *`,
			[s.omsId, s.packageKey, s.provider, s.carrier, s.trackingNumber, s.trackingUrl, s.shippedAt, JSON.stringify(s.lines), now],
		);
		if (inserted.length) {
			// the order's units in packages (schema v13: what the returns reports count as shipped), once per package
			if (s.lines.length) await this.c.query('UPDATE orders SET units_packed = COALESCE(units_packed, 0) + $1 WHERE oms_id = $2', [packedUnits(s.lines), s.omsId]);
			return { created: true, shipment: toShipment(inserted[0]) };
		}
		const row = (await this.rows('SELECT * FROM shipments WHERE oms_id = $1 AND package_key = $2', [s.omsId, s.packageKey]))[0];
		return { created: false, shipment: toShipment(row) };
	}

	// ------------------------------------------------------------ channel outbox

	// ------------------------------------------------------------ WMS calls

	async lockWmsCall(id: number): Promise<WmsCall | null> {
		const row = (await this.rows('SELECT * FROM wms_calls WHERE id = $1 FOR UPDATE', [id]))[0];
		return row ? toWmsCall(row) : null;
	}

	async lockWmsCallByKey(kind: WmsCallKind, omsId: string, shipmentNo: number): Promise<WmsCall | null> {
		const row = (await this.rows('SELECT * FROM wms_calls WHERE kind = $1 AND oms_id = $2 AND shipment_no = $3 FOR UPDATE', [kind, omsId, shipmentNo]))[0];
		return row ? toWmsCall(row) : null;
	}

	async insertWmsCall(c: NewWmsCall, payload: string | null, now: string): Promise<WmsCall | null> {
		const row = (
			await this.rows(
				`INSERT INTO wms_calls (kind, oms_id, shipment_no, provider, reference, wms_order_id, status, payload, created_at, updated_at)
				 VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8) ON CONFLICT (kind, oms_id, shipment_no) DO NOTHING RETURNING *`,
				[c.kind, c.omsId, c.shipmentNo, c.provider, c.reference, c.wmsOrderId ?? null, payload, now],
			)
		)[0];
		return row ? toWmsCall(row) : null;
	}

	async reoweWmsCall(id: number, payload: string | null, now: string): Promise<WmsCall> {
		const rows = await this.rows(
			`UPDATE wms_calls SET payload = $1, status = 'pending', attempts = 0, next_attempt_at = NULL, last_error = NULL, answer = NULL, sent_at = NULL,
				version = version + 1, updated_at = $2 WHERE id = $3 RETURNING *`,
			[payload, now, id],
		);
		return toWmsCall(rows[0]);
	}

	async writeWmsCallAttempt(id: number, w: WmsCallWrite, now: string): Promise<WmsCall> {
		const rows = await this.rows(
			`UPDATE wms_calls SET status = $1, attempts = attempts + 1, last_error = $2, next_attempt_at = $3, lease_until = NULL, answer = $4,
				sent_at = CASE WHEN $1 = 'sent' THEN $5::timestamptz ELSE sent_at END, updated_at = $5 WHERE id = $6 RETURNING *`,
			[w.status, w.lastError, w.nextAttemptAt, w.answer, now, id],
		);
		return toWmsCall(rows[0]);
	}

	async releaseWmsCallLease(id: number, now: string): Promise<WmsCall> {
		const rows = await this.rows('UPDATE wms_calls SET lease_until = NULL, updated_at = $1 WHERE id = $2 RETURNING *', [now, id]);
		return toWmsCall(rows[0]);
	}

	// ------------------------------------------------------------ channel outbox

	async lockChannelCall(id: number): Promise<ChannelCall | null> {
		const row = (await this.rows('SELECT * FROM channel_calls WHERE id = $1 FOR UPDATE', [id]))[0];
		return row ? toChannelCall(row) : null;
	}

	async requeueChannelCall(id: number, now: string): Promise<ChannelCall | null> {
		const rows = await this.rows(
			`UPDATE channel_calls SET status = 'pending', attempts = 0, next_attempt_at = NULL, lease_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'failed' RETURNING *`,
			[now, id],
		);
		return rows.length ? toChannelCall(rows[0]) : null;
	}

	async lockChannelCallByKey(channel: string, kind: ChannelCallKind, key: string): Promise<ChannelCall | null> {
		const row = (await this.rows('SELECT * FROM channel_calls WHERE channel = $1 AND kind = $2 AND call_key = $3 FOR UPDATE', [channel, kind, key]))[0];
		return row ? toChannelCall(row) : null;
	}

	async insertChannelCall(c: ChannelCallRow, now: string): Promise<ChannelCall | null> {
		const row = (
			await this.rows(
				`INSERT INTO channel_calls (channel, kind, call_key, oms_id, package_key, sku, quantity, basis, status, payload, created_at, updated_at)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $10) ON CONFLICT (channel, kind, call_key) DO NOTHING RETURNING *`,
				[c.channel, c.kind, c.key, c.omsId, c.packageKey, c.sku, c.quantity, c.basis, c.payload, now],
			)
		)[0];
		return row ? toChannelCall(row) : null;
	}

	async supersedeChannelCall(id: number, c: ChannelCallRow, now: string): Promise<ChannelCall> {
		const rows = await this.rows(
			`UPDATE channel_calls SET quantity = $1, basis = $2, payload = $3, status = 'pending', attempts = 0, next_attempt_at = NULL, last_error = NULL,
				outcome_unknown = 0, reference = NULL, sent_at = NULL, version = version + 1, updated_at = $4,
				created_at = CASE WHEN status = 'sent' THEN $4::timestamptz ELSE created_at END
			 WHERE id = $5 RETURNING *`,
			[c.quantity, c.basis, c.payload, now, id],
		);
		return toChannelCall(rows[0]);
	}

	async writeChannelCallAttempt(id: number, a: ChannelCallAttempt, now: string): Promise<ChannelCall> {
		const rows = await this.rows(
			`UPDATE channel_calls SET status = $1, attempts = attempts + 1, last_error = $2, next_attempt_at = $3, lease_until = NULL, outcome_unknown = $4,
				reference = CASE WHEN $1 = 'sent' THEN $5 ELSE reference END, sent_at = CASE WHEN $1 = 'sent' THEN $6::timestamptz ELSE sent_at END, updated_at = $6
			 WHERE id = $7 RETURNING *`,
			[a.status, a.lastError, a.nextAttemptAt, a.outcomeUnknown ? 1 : 0, a.reference, now, id],
		);
		return toChannelCall(rows[0]);
	}

	async releaseChannelCallLease(id: number, now: string): Promise<ChannelCall> {
		const rows = await this.rows(`UPDATE channel_calls SET lease_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'pending' RETURNING *`, [now, id]);
		return rows.length ? toChannelCall(rows[0]) : (await this.lockChannelCall(id))!;
	}

	// ------------------------------------------------------------ control numbers

	async lockControlNumber(scope: string, now: string): Promise<number> {
		await this.c.query('INSERT INTO edi_control_numbers (scope, last_number, updated_at) VALUES ($1, 0, $2) ON CONFLICT (scope) DO NOTHING', [scope, now]);
		return Number((await this.rows('SELECT last_number FROM edi_control_numbers WHERE scope = $1 FOR UPDATE', [scope]))[0].last_number);
	}

	async writeControlNumber(scope: string, last: number, now: string): Promise<void> {
		await this.c.query('UPDATE edi_control_numbers SET last_number = $1, updated_at = $2 WHERE scope = $3', [last, now, scope]);
	}

	// ------------------------------------------------------------ returns

	async readShipments(omsId: string): Promise<StoredShipment[]> {
		return (await this.rows('SELECT * FROM shipments WHERE oms_id = $1 ORDER BY recorded_at, package_key', [omsId])).map(toShipment);
	}

	async returnedUnits(omsId: string, statuses: readonly ReturnStatus[], exceptReturnId: string | null): Promise<Array<{ lineId: string; units: number }>> {
		const rows = await this.rows(
			`SELECT l.line_id, SUM(l.quantity)::int AS units FROM return_lines l JOIN returns r ON r.return_id = l.return_id
			 WHERE l.oms_id = $1 AND r.status = ANY($2::text[]) AND ($3::text IS NULL OR l.return_id <> $3)
			 GROUP BY l.line_id`,
			[omsId, statuses, exceptReturnId],
		);
		return rows.map((r) => ({ lineId: r.line_id as string, units: Number(r.units) }));
	}

	async lockReturn(returnId: string): Promise<StoredReturn | null> {
		const row = (await this.rows('SELECT * FROM returns WHERE return_id = $1 FOR UPDATE', [returnId]))[0];
		return row ? toStoredReturn(row) : null;
	}

	async readReturn(returnId: string): Promise<StoredReturn | null> {
		const row = (await this.rows('SELECT * FROM returns WHERE return_id = $1', [returnId]))[0];
		return row ? toStoredReturn(row) : null;
	}

	async writeReturn(w: ReturnWrite): Promise<void> {
		const c = w.cols;
		const values = [c.return_id, c.oms_id, c.channel, c.channel_return_id, c.channel_status, c.channel_updated_at, c.requested_at, w.status, c.units, c.refund_status, c.refund_currency, c.refund_total_minor, JSON.stringify(w.doc), w.now];
		if (w.isNew) {
			await this.c.query(
				`INSERT INTO returns (return_id, oms_id, channel, channel_return_id, channel_status, channel_updated_at, requested_at, status, units,
					refund_status, refund_currency, refund_total_minor, doc, changed_at, recorded_at, version)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)`,
				values,
			);
		} else {
			await this.c.query(
				`UPDATE returns SET oms_id = $2, channel = $3, channel_return_id = $4, channel_status = $5, channel_updated_at = $6, requested_at = $7,
					status = $8, units = $9, refund_status = $10, refund_currency = $11, refund_total_minor = $12, doc = $13, changed_at = $14, version = version + 1
				 WHERE return_id = $1`,
				values,
			);
		}
	}

	async writeReturnLines(ret: CanonicalReturn): Promise<void> {
		await this.c.query('DELETE FROM return_lines WHERE return_id = $1', [ret.returnId]);
		await this.c.query(
			`INSERT INTO return_lines (return_id, line_id, oms_id, sku, quantity, reason)
			 SELECT $1, line_id, $2, sku, quantity, reason FROM unnest($3::text[], $4::text[], $5::int[], $6::text[]) AS l(line_id, sku, quantity, reason)`,
			[ret.returnId, ret.omsId, ret.lines.map((l) => l.lineId), ret.lines.map((l) => l.sku), ret.lines.map((l) => l.quantity), ret.lines.map((l) => l.reason)],
		);
	}

	async insertReturnEvent(e: NewReturnEvent): Promise<number> {
		const row = (await this.rows('INSERT INTO return_events (return_id, at, type, from_status, to_status, cause, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id', returnEventValues(e)))[0];
		return Number(row.id);
	}

	// ------------------------------------------------------------ restock once

	async insertRestocks(returnId: string, lines: Array<{ lineId: string; sku: string; location: string; quantity: number }>, receivedAt: string, now: string): Promise<string[]> {
		// the cells first, in key order, as every stock writer locks them (a WMS count waits here, then sees the restock)
		await lockCells(this.c, lines);
		const rows = await this.rows(
			`INSERT INTO return_restocks (return_id, line_id, sku, location, quantity, received_at, restocked_at)
			 SELECT $1, line_id, sku, location, quantity, $6, $7 FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS l(line_id, sku, location, quantity)
			 ON CONFLICT (return_id, line_id) DO NOTHING RETURNING line_id`,
			[returnId, lines.map((l) => l.lineId), lines.map((l) => l.sku), lines.map((l) => l.location), lines.map((l) => l.quantity), isoUtc(receivedAt), now],
		);
		return rows.map((r) => r.line_id as string);
	}

	async addStock(adds: Array<{ sku: string; location: string; units: number }>, now: string): Promise<StockChange[]> {
		const changes: StockChange[] = [];
		for (const a of adds) {
			const row = (
				await this.rows(
					`INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at) VALUES ($1, $2, $3, 0, 0, $4)
					 ON CONFLICT (sku, location) DO UPDATE SET on_hand = stock.on_hand + EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at, version = stock.version + 1
					 RETURNING on_hand, (xmax = 0) AS inserted`,
					[a.sku, a.location, a.units, now],
				)
			)[0];
			const after = Number(row.on_hand);
			// a new cell reports null before, as a count does
			changes.push({ sku: a.sku, location: a.location, before: row.inserted ? null : after - a.units, after });
		}
		return changes;
	}

	async pendingRestocks(): Promise<PendingRestock[]> {
		return (await this.rows('SELECT * FROM return_restocks WHERE absorbed_at IS NULL ORDER BY received_at, return_id, line_id')).map(toPendingRestock);
	}

	async absorbRestocks(keys: Array<{ returnId: string; lineId: string }>, now: string): Promise<void> {
		await this.c.query(
			`UPDATE return_restocks r SET absorbed_at = $3 FROM unnest($1::text[], $2::text[]) AS k(return_id, line_id)
			 WHERE r.return_id = k.return_id AND r.line_id = k.line_id AND r.absorbed_at IS NULL`,
			[keys.map((k) => k.returnId), keys.map((k) => k.lineId), now],
		);
	}

	// ------------------------------------------------------------ warehouses

	async upsertWarehouse(w: Omit<Warehouse, 'updatedAt'>, now: string): Promise<boolean> {
		const rows = await this.rows(
			`INSERT INTO warehouses (location, name, country, postcode, account_kind, provider, credential, edi_partner, channels, priority, buffer, active, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $13)
			 ON CONFLICT (location) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, postcode = EXCLUDED.postcode,
				account_kind = EXCLUDED.account_kind, provider = EXCLUDED.provider, credential = EXCLUDED.credential, edi_partner = EXCLUDED.edi_partner,
				channels = EXCLUDED.channels, priority = EXCLUDED.priority, buffer = EXCLUDED.buffer, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at
			 RETURNING (xmax = 0) AS inserted`,
			[w.location, ...warehouseValues(w), now],
		);
		return rows[0].inserted === true;
	}

	async listWarehouses(): Promise<Warehouse[]> {
		return (await this.rows('SELECT * FROM warehouses ORDER BY location COLLATE "C"')).map(toWarehouse);
	}

	// ------------------------------------------------------------ the order's ledger

	async insertLedgerEntries(entries: LedgerEntryInput[], now: string): Promise<string[]> {
		if (!entries.length) return [];
		const cols = entries.map(ledgerEntryValues);
		const rows = await this.rows(
			`INSERT INTO ledger_entries (entry_key, oms_id, channel, currency, type, subtype, line_id, amount_minor, payout_id, occurred_at, source, detail, recorded_at)
			 SELECT k, o, ch, cu, ty, st, li, am, pa, oc, so, de::jsonb, $13 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::bigint[], $9::text[], $10::timestamptz[], $11::text[], $12::text[]) AS e(k, o, ch, cu, ty, st, li, am, pa, oc, so, de)
			 ON CONFLICT (entry_key) DO NOTHING RETURNING entry_key`,
			[...Array.from({ length: 12 }, (_, i) => cols.map((c) => c[i])), now],
		);
		return rows.map((r) => r.entry_key as string);
	}

	async ledgerCharges(omsId: string, currency: string): Promise<ChargeSlot[]> {
		return (
			await this.rows(
				`SELECT type, subtype, line_id, SUM(amount_minor) AS amount FROM ledger_entries
				 WHERE oms_id = $1 AND currency = $2 AND source = 'order' GROUP BY type, subtype, line_id`,
				[omsId, currency],
			)
		).map((r) => ({ type: r.type as EntryType, subtype: (r.subtype as string | null) ?? null, lineId: (r.line_id as string | null) ?? null, amountMinor: Number(r.amount) }));
	}

	async upsertPayout(p: PayoutInput, now: string): Promise<void> {
		await this.c.query(
			`INSERT INTO payouts (channel, payout_id, account, currency, amount_minor, status, paid_at, detail, recorded_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
			 ON CONFLICT (channel, payout_id) DO UPDATE SET account = EXCLUDED.account, currency = EXCLUDED.currency, amount_minor = EXCLUDED.amount_minor,
				status = EXCLUDED.status, paid_at = EXCLUDED.paid_at, detail = EXCLUDED.detail, updated_at = EXCLUDED.updated_at`,
			[p.channel, p.payoutId, p.account, p.currency, p.amountMinor, p.status, p.paidAt === null ? null : isoUtc(p.paidAt), p.detail ? storableJsonText(p.detail) : null, now],
		);
	}

	async orderLedger(omsId: string): Promise<LedgerEntry[]> {
		return (await this.rows('SELECT * FROM ledger_entries WHERE oms_id = $1 ORDER BY id', [omsId])).map(toLedgerEntry);
	}

	async orderBalances(omsIds: string[] | null, channel: string | null): Promise<OrderBalance[]> {
		return (
			await this.rows(
				`SELECT ${LEDGER_BALANCE_COLUMNS} FROM ledger_entries
				 WHERE oms_id IS NOT NULL AND ($1::text[] IS NULL OR oms_id = ANY($1::text[])) AND ($2::text IS NULL OR channel = $2)
				 GROUP BY oms_id, currency ORDER BY oms_id, currency`,
				[omsIds, channel],
			)
		).map(toOrderBalance);
	}

	async payoutTotals(channel: string | null, payoutIds: string[] | null): Promise<PayoutTotal[]> {
		return (
			await this.rows(
				`WITH e AS (
					SELECT channel, payout_id, currency, SUM(amount_minor) AS entries_minor, COUNT(*) AS entries FROM ledger_entries
					WHERE payout_id IS NOT NULL AND ($1::text IS NULL OR channel = $1) AND ($2::text[] IS NULL OR payout_id = ANY($2::text[]))
					GROUP BY channel, payout_id, currency
				), p AS (
					SELECT * FROM payouts WHERE ($1::text IS NULL OR channel = $1) AND ($2::text[] IS NULL OR payout_id = ANY($2::text[]))
				)
				SELECT COALESCE(p.channel, e.channel) AS channel, COALESCE(p.payout_id, e.payout_id) AS payout_id, COALESCE(p.currency, e.currency) AS currency,
					p.amount_minor, p.status, p.paid_at, e.entries_minor, e.entries
				FROM p FULL OUTER JOIN e ON e.channel = p.channel AND e.payout_id = p.payout_id AND e.currency = p.currency
				ORDER BY 1, 2, 3`,
				[channel, payoutIds],
			)
		).map(toPayoutTotal);
	}

	async payouts(channel: string | null): Promise<StoredPayout[]> {
		return (await this.rows('SELECT * FROM payouts WHERE ($1::text IS NULL OR channel = $1) ORDER BY paid_at, channel, payout_id', [channel])).map(toStoredPayout);
	}

	async ledgerSums(channel: string | null): Promise<LedgerSum[]> {
		return (
			await this.rows(
				`SELECT oms_id, channel, currency, type, subtype, SUM(amount_minor) AS amount, COUNT(*) AS entries, MAX(payout_id) AS payout_id FROM ledger_entries
				 WHERE oms_id IS NOT NULL AND source <> 'order' AND ($1::text IS NULL OR channel = $1)
				 GROUP BY oms_id, channel, currency, type, subtype ORDER BY oms_id, currency, type, subtype`,
				[channel],
			)
		).map(toLedgerSum);
	}

	async unsettledShippedOrders(shippedBefore: string, channel: string | null): Promise<UnsettledOrder[]> {
		return (
			await this.rows(
				`SELECT o.oms_id, o.channel, o.order_number, o.shipped_at, o.currency, o.total_minor FROM orders o
				 WHERE o.shipped_at IS NOT NULL AND o.shipped_at < $1 AND o.status <> 'cancelled' AND ($2::text IS NULL OR o.channel = $2)
					AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.oms_id = o.oms_id AND e.type = 'payment' AND e.payout_id IS NOT NULL)
				 ORDER BY o.shipped_at, o.oms_id`,
				[isoUtc(shippedBefore), channel],
			)
		).map(toUnsettledOrder);
	}

	async upsertBillingFlags(flags: BillingFlag[], now: string): Promise<void> {
		for (const f of flags) {
			await this.c.query(
				`INSERT INTO billing_flags (flag_key, kind, channel, oms_id, payout_id, currency, expected_minor, actual_minor, difference_minor, message, first_seen, last_seen, resolved_at)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, NULL)
				 ON CONFLICT (flag_key) DO UPDATE SET expected_minor = EXCLUDED.expected_minor, actual_minor = EXCLUDED.actual_minor, difference_minor = EXCLUDED.difference_minor,
					message = EXCLUDED.message, last_seen = EXCLUDED.last_seen, resolved_at = NULL,
					first_seen = CASE WHEN billing_flags.resolved_at IS NULL THEN billing_flags.first_seen ELSE EXCLUDED.first_seen END`,
				[storableText(f.key), f.kind, f.channel, f.omsId, f.payoutId, f.currency, f.expectedMinor, f.actualMinor, f.differenceMinor, storableText(f.message), now],
			);
		}
	}

	async resolveBillingFlagsExcept(keys: string[], channel: string | null, now: string): Promise<void> {
		await this.c.query(
			`UPDATE billing_flags SET resolved_at = $1 WHERE resolved_at IS NULL AND ($2::text IS NULL OR channel = $2) AND NOT (flag_key = ANY($3::text[]))`,
			[now, channel, keys.map(storableText)],
		);
	}
}
