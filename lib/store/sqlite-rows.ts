/**
 * The row operations of the shared store rules (lib/store/rules/tx.ts TxRows) in SQLite's SQL. Only SQL here: what
 * to write is decided by the rules. They run inside SqliteStore's transactions (BEGIN IMMEDIATE: the write lock is
 * held, so a read is as good as a lock).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CanonicalOrder } from '../order/types';
import type { Hold, OmsStatus } from '../order/status';
import { partsFromJson, partsToJson, activeUnits, type ReservationPart } from '../stock/reservation';
import { locationOf, type BundleComponent, type StockLevelInput, type StockChange } from '../stock/types';
import { eventValues, fraudColumns, holdColumns, lineRows, returnEventValues, toChannelCall, toDelivery, toEvent, toFraudRecord, toShipment, toStoredOrder, toStoredReturn, toWmsCall, type OrderColumns, isoUtc, toPendingRestock, toWarehouse, warehouseValues, ledgerEntryValues, storableJsonText, LEDGER_BALANCE_COLUMNS, toLedgerEntry, toOrderBalance, toPayoutTotal, toStoredPayout, toLedgerSum, toUnsettledOrder, packedUnits } from './rows';
import type { ChargeSlot } from '../billing/charges';
import { storableText } from '../order/storable';
import type { BillingFlag, LedgerSum, UnsettledOrder } from '../billing/reconcile';
import type { EntryType, LedgerEntry, LedgerEntryInput, OrderBalance, PayoutInput, PayoutTotal, StoredPayout } from '../billing/types';
import type { CanonicalReturn, StoredReturn } from '../returns/types';
import type { ReturnStatus } from '../returns/status';
import type { ChannelCallAttempt, ChannelCallRow, DeliveryAttempt, NewEvent, NewReturnEvent, OrderWrite, ReturnWrite, StockTake, TxRows, WmsCallWrite } from './rules/tx';
import type { Warehouse } from '../stock/warehouse';
import type { ChannelCall, ChannelCallKind, Delivery, FraudRecord, NewDelivery, NewWmsCall, OmsEvent, StoredOrder, StoredShipment, WmsCall, WmsCallKind, PendingRestock } from './types';

export type Row = Record<string, unknown>;
export type Param = string | number | bigint | null | Uint8Array;

/** A connection with its prepared statements, each prepared once. */
export class SqliteDb {
	private readonly stmts = new Map<string, StatementSync>();

	constructor(readonly db: DatabaseSync) {}

	stmt(sql: string): StatementSync {
		let s = this.stmts.get(sql);
		if (!s) {
			s = this.db.prepare(sql);
			this.stmts.set(sql, s);
		}
		return s;
	}
	all(sql: string, ...params: Param[]): Row[] {
		return this.stmt(sql).all(...params) as Row[];
	}
	get(sql: string, ...params: Param[]): Row | undefined {
		return this.stmt(sql).get(...params) as Row | undefined;
	}
	run(sql: string, ...params: Param[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
		return this.stmt(sql).run(...params);
	}
	close(): void {
		this.stmts.clear();
		if (this.db.isOpen) this.db.close();
	}
}

const ORDER_VALUES = `channel = ?, channel_order_id = ?, order_number = ?, placed_at = ?, channel_updated_at = ?, readiness = ?, channel_status = ?,
	status = ?, hold_reason = ?, hold_since = ?, hold_detail = ?, currency = ?, total_minor = ?, units = ?, email = ?, ship_address_key = ?,
	phone = ?, client_ip = ?, ship_country = ?, ship_by = ?, doc = ?, changed_at = ?`;

export class SqliteRows implements TxRows {
	constructor(private readonly q: SqliteDb) {}

	// ------------------------------------------------------------ orders

	lockOrder(omsId: string): StoredOrder | null {
		return this.readOrder(omsId);
	}

	readOrder(omsId: string): StoredOrder | null {
		const row = this.q.get('SELECT * FROM orders WHERE oms_id = ?', omsId);
		return row ? toStoredOrder(row) : null;
	}

	orderExists(omsId: string): boolean {
		return this.q.get('SELECT 1 AS x FROM orders WHERE oms_id = ?', omsId) !== undefined;
	}

	claimOrder(cols: OrderColumns): StoredOrder | null {
		return this.readOrder(cols.oms_id);
	}

	writeOrder(w: OrderWrite): void {
		const c = w.cols;
		const values: Param[] = [
			c.channel, c.channel_order_id, c.order_number, c.placed_at, c.channel_updated_at, c.readiness, c.channel_status,
			w.status, ...holdColumns(w.hold), c.currency, c.total_minor, c.units, c.email, c.ship_address_key,
			c.phone, c.client_ip, c.ship_country, c.ship_by, JSON.stringify(w.doc), w.now,
		];
		if (w.isNew) {
			this.q.run(
				`INSERT INTO orders (channel, channel_order_id, order_number, placed_at, channel_updated_at, readiness, channel_status,
					status, hold_reason, hold_since, hold_detail, currency, total_minor, units, email, ship_address_key,
					phone, client_ip, ship_country, ship_by, doc, changed_at, oms_id, recorded_at, shipped_at, version)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				...values,
				c.oms_id,
				w.now,
				w.shipped ? w.now : null,
			);
		} else {
			this.q.run(
				`UPDATE orders SET ${ORDER_VALUES}, version = version + 1,
					shipped_at = CASE WHEN ? AND shipped_at IS NULL THEN ? ELSE shipped_at END
				 WHERE oms_id = ?`,
				...values,
				w.shipped ? 1 : 0,
				w.now,
				c.oms_id,
			);
		}
	}

	writeLines(order: CanonicalOrder): void {
		this.q.run('DELETE FROM order_lines WHERE oms_id = ?', order.omsId);
		for (const l of lineRows(order)) {
			this.q.run(
				'INSERT INTO order_lines (oms_id, line_id, sku, title, quantity, unit_price_minor, line_total_minor) VALUES (?, ?, ?, ?, ?, ?, ?)',
				l.oms_id,
				l.line_id,
				l.sku,
				l.title,
				l.quantity,
				l.unit_price_minor,
				l.line_total_minor,
			);
		}
	}

	setOrderStatus(omsId: string, status: OmsStatus, hold: Hold | null, now: string, shipped: boolean): void {
		this.q.run(
			`UPDATE orders SET status = ?, hold_reason = ?, hold_since = ?, hold_detail = ?, changed_at = ?, version = version + 1,
				shipped_at = CASE WHEN ? AND shipped_at IS NULL THEN ? ELSE shipped_at END
			 WHERE oms_id = ?`,
			status,
			...holdColumns(hold),
			now,
			shipped ? 1 : 0,
			now,
			omsId,
		);
	}

	setOrderDoc(omsId: string, doc: CanonicalOrder, now: string): void {
		this.q.run('UPDATE orders SET doc = ?, changed_at = ?, version = version + 1 WHERE oms_id = ?', JSON.stringify(doc), now, omsId);
	}

	insertEvent(e: NewEvent): number {
		const r = this.q.run('INSERT INTO events (oms_id, at, type, from_status, to_status, cause, detail) VALUES (?, ?, ?, ?, ?, ?, ?)', ...eventValues(e));
		return Number(r.lastInsertRowid);
	}

	readEvent(id: number): OmsEvent {
		return toEvent(this.q.get('SELECT * FROM events WHERE id = ?', id)!);
	}

	// ------------------------------------------------------------ stock

	lockReservation(omsId: string): ReservationPart[] | null {
		const row = this.q.get('SELECT parts FROM reservations WHERE oms_id = ?', omsId);
		return row ? partsFromJson(row.parts) : null;
	}

	writeReservation(omsId: string, parts: ReservationPart[], now: string): void {
		this.q.run('UPDATE reservations SET parts = ?, active = ?, updated_at = ? WHERE oms_id = ?', partsToJson(parts), activeUnits(parts), now, omsId);
	}

	takeStock(takes: StockTake[], now: string): void {
		for (const t of takes) {
			if (t.onHand > 0 && t.reserved > 0) {
				this.q.run(
					'UPDATE stock SET reserved = MAX(0, reserved - ?), on_hand = MAX(0, on_hand - ?), updated_at = ?, version = version + 1 WHERE sku = ? AND location = ?',
					t.reserved,
					t.onHand,
					now,
					t.sku,
					t.location,
				);
			} else if (t.onHand > 0) {
				this.q.run('UPDATE stock SET on_hand = MAX(0, on_hand - ?), updated_at = ?, version = version + 1 WHERE sku = ? AND location = ?', t.onHand, now, t.sku, t.location);
			} else {
				this.q.run('UPDATE stock SET reserved = MAX(0, reserved - ?), version = version + 1 WHERE sku = ? AND location = ?', t.reserved, t.sku, t.location);
			}
		}
	}

	lockOnHand(levels: StockLevelInput[]): Array<number | undefined> {
		const read = this.q.stmt('SELECT on_hand FROM stock WHERE sku = ? AND location = ?');
		const out = new Array<number | undefined>(levels.length);
		for (let i = 0; i < levels.length; i++) {
			const row = read.get(levels[i].sku, locationOf(levels[i])) as Row | undefined;
			out[i] = row ? Number(row.on_hand) : undefined;
		}
		return out;
	}

	writeStockLevels(writes: Array<{ sku: string; location: string; onHand: number; isNew: boolean }>, now: string): void {
		const insert = this.q.stmt('INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at) VALUES (?, ?, ?, 0, 0, ?)');
		const update = this.q.stmt('UPDATE stock SET on_hand = ?, updated_at = ?, version = version + 1 WHERE sku = ? AND location = ?');
		for (const w of writes) {
			if (w.isNew) insert.run(w.sku, w.location, w.onHand, now);
			else update.run(w.onHand, now, w.sku, w.location);
		}
	}

	replaceBundle(bundleSku: string, components: BundleComponent[]): void {
		this.q.run('DELETE FROM bundles WHERE bundle_sku = ?', bundleSku);
		for (const c of components) this.q.run('INSERT INTO bundles (bundle_sku, component_sku, quantity) VALUES (?, ?, ?)', bundleSku, c.sku, c.quantity);
	}

	forgetPublishedBasis(sku: string): void {
		this.q.run('UPDATE published SET basis = NULL WHERE sku = ?', sku);
	}

	markProcessed(source: string, id: string, now: string): boolean {
		return Number(this.q.run('INSERT INTO processed (source, id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', source, id, now).changes) > 0;
	}

	// ------------------------------------------------------------ fraud

	lockFraudDecision(omsId: string): FraudRecord | null {
		const row = this.q.get('SELECT * FROM fraud_decisions WHERE oms_id = ?', omsId);
		return row ? toFraudRecord(row) : null;
	}

	writeFraudDecision(r: FraudRecord): FraudRecord {
		const row = this.q.get(
			`INSERT INTO fraud_decisions (oms_id, decision, score, doc, rule_set_version, decided_at, resolution, resolved_by, resolution_note, resolved_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (oms_id) DO UPDATE SET decision = excluded.decision, score = excluded.score, doc = excluded.doc,
			   rule_set_version = excluded.rule_set_version, decided_at = excluded.decided_at, resolution = excluded.resolution,
			   resolved_by = excluded.resolved_by, resolution_note = excluded.resolution_note, resolved_at = excluded.resolved_at
			 RETURNING *`,
			...fraudColumns(r),
		);
		return toFraudRecord(row!);
	}

	writeResolution(omsId: string, res: NonNullable<FraudRecord['resolution']>): FraudRecord {
		const row = this.q.get(
			'UPDATE fraud_decisions SET resolution = ?, resolved_by = ?, resolution_note = ?, resolved_at = ? WHERE oms_id = ? RETURNING *',
			res.decision,
			res.by,
			res.note,
			res.at,
			omsId,
		);
		return toFraudRecord(row!);
	}

	// ------------------------------------------------------------ outbox

	insertDelivery(d: NewDelivery, now: string): { delivery: Delivery; created: boolean } {
		const r = this.q.run(
			`INSERT INTO deliveries (oms_id, shipment_no, provider, reference, status, attempts, payload, created_at, updated_at)
			 VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (oms_id, shipment_no) DO NOTHING`,
			d.omsId,
			d.shipmentNo,
			d.provider,
			d.reference,
			d.payload ? JSON.stringify(d.payload) : null,
			now,
			now,
		);
		const row = this.q.get('SELECT * FROM deliveries WHERE oms_id = ? AND shipment_no = ?', d.omsId, d.shipmentNo)!;
		return { delivery: toDelivery(row), created: Number(r.changes) > 0 };
	}

	requeueDelivery(id: number, now: string): Delivery | null {
		const row = this.q.get(
			`UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'failed' RETURNING *`,
			now,
			now,
			id,
		);
		return row ? toDelivery(row) : null;
	}

	writeDeliveryAttempt(id: number, a: DeliveryAttempt, now: string): Delivery | null {
		const row = this.q.get(
			`UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ?,
				wms_order_id = CASE WHEN ? THEN ? ELSE wms_order_id END
			 WHERE id = ? RETURNING *`,
			a.status,
			a.lastError,
			a.nextAttemptAt,
			now,
			a.wmsOrderId === undefined ? 0 : 1,
			a.wmsOrderId ?? null,
			id,
		);
		return row ? toDelivery(row) : null;
	}

	insertShipment(s: Omit<StoredShipment, 'recordedAt'>, now: string): { created: boolean; shipment: StoredShipment } {
		const r = this.q.run(
			`INSERT INTO shipments (oms_id, package_key, provider, carrier, tracking_number, tracking_url, shipped_at, lines, recorded_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (oms_id, package_key) DO NOTHING`,
			s.omsId,
			s.packageKey,
			s.provider,
			s.carrier,
			s.trackingNumber,
			s.trackingUrl,
			s.shippedAt,
			JSON.stringify(s.lines),
			now,
		);
		// the order's units in packages (schema v13: what the returns reports count as shipped), once per package
		if (Number(r.changes) > 0 && s.lines.length) this.q.run('UPDATE orders SET units_packed = COALESCE(units_packed, 0) + ? WHERE oms_id = ?', packedUnits(s.lines), s.omsId);
		const row = this.q.get('SELECT * FROM shipments WHERE oms_id = ? AND package_key = ?', s.omsId, s.packageKey)!;
		return { created: Number(r.changes) > 0, shipment: toShipment(row) };
	}

	// ------------------------------------------------------------ WMS calls

	lockWmsCall(id: number): WmsCall | null {
		const row = this.q.get('SELECT * FROM wms_calls WHERE id = ?', id);
		return row ? toWmsCall(row) : null;
	}

	lockWmsCallByKey(kind: WmsCallKind, omsId: string, shipmentNo: number): WmsCall | null {
		const row = this.q.get('SELECT * FROM wms_calls WHERE kind = ? AND oms_id = ? AND shipment_no = ?', kind, omsId, shipmentNo);
		return row ? toWmsCall(row) : null;
	}

	insertWmsCall(c: NewWmsCall, payload: string | null, now: string): WmsCall | null {
		const row = this.q.get(
			`INSERT INTO wms_calls (kind, oms_id, shipment_no, provider, reference, wms_order_id, status, payload, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (kind, oms_id, shipment_no) DO NOTHING RETURNING *`,
			c.kind,
			c.omsId,
			c.shipmentNo,
			c.provider,
			c.reference,
			c.wmsOrderId ?? null,
			payload,
			now,
			now,
		);
		return row ? toWmsCall(row) : null;
	}

	reoweWmsCall(id: number, payload: string | null, now: string): WmsCall {
		return toWmsCall(
			this.q.get(
				`UPDATE wms_calls SET payload = ?, status = 'pending', attempts = 0, next_attempt_at = NULL, last_error = NULL, answer = NULL, sent_at = NULL,
					version = version + 1, updated_at = ? WHERE id = ? RETURNING *`,
				payload,
				now,
				id,
			)!,
		);
	}

	writeWmsCallAttempt(id: number, w: WmsCallWrite, now: string): WmsCall {
		return toWmsCall(
			this.q.get(
				`UPDATE wms_calls SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL, answer = ?,
					sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, updated_at = ? WHERE id = ? RETURNING *`,
				w.status,
				w.lastError,
				w.nextAttemptAt,
				w.answer,
				w.status,
				now,
				now,
				id,
			)!,
		);
	}

	releaseWmsCallLease(id: number, now: string): WmsCall {
		return toWmsCall(this.q.get('UPDATE wms_calls SET lease_until = NULL, updated_at = ? WHERE id = ? RETURNING *', now, id)!);
	}

	// ------------------------------------------------------------ channel outbox

	lockChannelCall(id: number): ChannelCall | null {
		const row = this.q.get('SELECT * FROM channel_calls WHERE id = ?', id);
		return row ? toChannelCall(row) : null;
	}

	requeueChannelCall(id: number, now: string): ChannelCall | null {
		const row = this.q.get(
			`UPDATE channel_calls SET status = 'pending', attempts = 0, next_attempt_at = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'failed' RETURNING *`,
			now,
			id,
		);
		return row ? toChannelCall(row) : null;
	}

	lockChannelCallByKey(channel: string, kind: ChannelCallKind, key: string): ChannelCall | null {
		const row = this.q.get('SELECT * FROM channel_calls WHERE channel = ? AND kind = ? AND call_key = ?', channel, kind, key);
		return row ? toChannelCall(row) : null;
	}

	insertChannelCall(c: ChannelCallRow, now: string): ChannelCall | null {
		const row = this.q.get(
			`INSERT INTO channel_calls (channel, kind, call_key, oms_id, package_key, sku, quantity, basis, status, payload, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (channel, kind, call_key) DO NOTHING RETURNING *`,
			c.channel,
			c.kind,
			c.key,
			c.omsId,
			c.packageKey,
			c.sku,
			c.quantity,
			c.basis,
			c.payload,
			now,
			now,
		);
		return row ? toChannelCall(row) : null;
	}

	supersedeChannelCall(id: number, c: ChannelCallRow, now: string): ChannelCall {
		return toChannelCall(
			this.q.get(
				`UPDATE channel_calls SET quantity = ?, basis = ?, payload = ?, status = 'pending', attempts = 0, next_attempt_at = NULL, last_error = NULL,
					outcome_unknown = 0, reference = NULL, sent_at = NULL, version = version + 1, updated_at = ?,
					created_at = CASE WHEN status = 'sent' THEN ? ELSE created_at END
				 WHERE id = ? RETURNING *`,
				c.quantity,
				c.basis,
				c.payload,
				now,
				now,
				id,
			)!,
		);
	}

	writeChannelCallAttempt(id: number, a: ChannelCallAttempt, now: string): ChannelCall {
		return toChannelCall(
			this.q.get(
				`UPDATE channel_calls SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL, outcome_unknown = ?,
					reference = CASE WHEN ? = 'sent' THEN ? ELSE reference END, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, updated_at = ?
				 WHERE id = ? RETURNING *`,
				a.status,
				a.lastError,
				a.nextAttemptAt,
				a.outcomeUnknown ? 1 : 0,
				a.status,
				a.reference,
				a.status,
				now,
				now,
				id,
			)!,
		);
	}

	releaseChannelCallLease(id: number, now: string): ChannelCall {
		const row = this.q.get(`UPDATE channel_calls SET lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'pending' RETURNING *`, now, id);
		return row ? toChannelCall(row) : this.lockChannelCall(id)!;
	}

	// ------------------------------------------------------------ control numbers

	lockControlNumber(scope: string, now: string): number {
		this.q.run('INSERT INTO edi_control_numbers (scope, last_number, updated_at) VALUES (?, 0, ?) ON CONFLICT (scope) DO NOTHING', scope, now);
		return Number(this.q.get('SELECT last_number FROM edi_control_numbers WHERE scope = ?', scope)!.last_number);
	}

	writeControlNumber(scope: string, last: number, now: string): void {
		this.q.run('UPDATE edi_control_numbers SET last_number = ?, updated_at = ? WHERE scope = ?', last, now, scope);
	}

	// ------------------------------------------------------------ returns

	readShipments(omsId: string): StoredShipment[] {
		return this.q.all('SELECT * FROM shipments WHERE oms_id = ? ORDER BY recorded_at, package_key', omsId).map(toShipment);
	}

	returnedUnits(omsId: string, statuses: readonly ReturnStatus[], exceptReturnId: string | null): Array<{ lineId: string; units: number }> {
		return this.q
			.all(
				`SELECT l.line_id, SUM(l.quantity) AS units FROM return_lines l JOIN returns r ON r.return_id = l.return_id
				 WHERE l.oms_id = ? AND r.status IN (SELECT value FROM json_each(?)) AND (? IS NULL OR l.return_id <> ?)
				 GROUP BY l.line_id`,
				omsId,
				JSON.stringify(statuses),
				exceptReturnId,
				exceptReturnId,
			)
			.map((r) => ({ lineId: r.line_id as string, units: Number(r.units) }));
	}

	lockReturn(returnId: string): StoredReturn | null {
		return this.readReturn(returnId);
	}

	readReturn(returnId: string): StoredReturn | null {
		const row = this.q.get('SELECT * FROM returns WHERE return_id = ?', returnId);
		return row ? toStoredReturn(row) : null;
	}

	writeReturn(w: ReturnWrite): void {
		const c = w.cols;
		const values: Param[] = [c.oms_id, c.channel, c.channel_return_id, c.channel_status, c.channel_updated_at, c.requested_at, w.status, c.units, c.refund_status, c.refund_currency, c.refund_total_minor, JSON.stringify(w.doc), w.now];
		if (w.isNew) {
			this.q.run(
				`INSERT INTO returns (oms_id, channel, channel_return_id, channel_status, channel_updated_at, requested_at, status, units,
					refund_status, refund_currency, refund_total_minor, doc, changed_at, return_id, recorded_at, version)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				...values,
				c.return_id,
				w.now,
			);
		} else {
			this.q.run(
				`UPDATE returns SET oms_id = ?, channel = ?, channel_return_id = ?, channel_status = ?, channel_updated_at = ?, requested_at = ?,
					status = ?, units = ?, refund_status = ?, refund_currency = ?, refund_total_minor = ?, doc = ?, changed_at = ?, version = version + 1
				 WHERE return_id = ?`,
				...values,
				c.return_id,
			);
		}
	}

	writeReturnLines(ret: CanonicalReturn): void {
		this.q.run('DELETE FROM return_lines WHERE return_id = ?', ret.returnId);
		for (const l of ret.lines) {
			this.q.run('INSERT INTO return_lines (return_id, line_id, oms_id, sku, quantity, reason) VALUES (?, ?, ?, ?, ?, ?)', ret.returnId, l.lineId, ret.omsId, l.sku, l.quantity, l.reason);
		}
	}

	insertReturnEvent(e: NewReturnEvent): number {
		const r = this.q.run('INSERT INTO return_events (return_id, at, type, from_status, to_status, cause, detail) VALUES (?, ?, ?, ?, ?, ?, ?)', ...returnEventValues(e));
		return Number(r.lastInsertRowid);
	}

	// ------------------------------------------------------------ restock once

	insertRestocks(returnId: string, lines: Array<{ lineId: string; sku: string; location: string; quantity: number }>, receivedAt: string, now: string): string[] {
		const insert = this.q.stmt(
			'INSERT INTO return_restocks (return_id, line_id, sku, location, quantity, received_at, restocked_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (return_id, line_id) DO NOTHING',
		);
		const out: string[] = [];
		for (const l of lines) if (Number(insert.run(returnId, l.lineId, l.sku, l.location, l.quantity, isoUtc(receivedAt), now).changes) > 0) out.push(l.lineId);
		return out;
	}

	addStock(adds: Array<{ sku: string; location: string; units: number }>, now: string): StockChange[] {
		const read = this.q.stmt('SELECT on_hand FROM stock WHERE sku = ? AND location = ?');
		const insert = this.q.stmt('INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at) VALUES (?, ?, ?, 0, 0, ?)');
		const update = this.q.stmt('UPDATE stock SET on_hand = on_hand + ?, updated_at = ?, version = version + 1 WHERE sku = ? AND location = ?');
		const changes: StockChange[] = [];
		for (const a of adds) {
			const row = read.get(a.sku, a.location) as Row | undefined;
			const before = row ? Number(row.on_hand) : null;
			if (row) update.run(a.units, now, a.sku, a.location);
			else insert.run(a.sku, a.location, a.units, now);
			changes.push({ sku: a.sku, location: a.location, before, after: (before ?? 0) + a.units });
		}
		return changes;
	}

	pendingRestocks(): PendingRestock[] {
		return this.q.all('SELECT * FROM return_restocks WHERE absorbed_at IS NULL ORDER BY received_at, return_id, line_id').map(toPendingRestock);
	}

	absorbRestocks(keys: Array<{ returnId: string; lineId: string }>, now: string): void {
		const update = this.q.stmt('UPDATE return_restocks SET absorbed_at = ? WHERE return_id = ? AND line_id = ? AND absorbed_at IS NULL');
		for (const k of keys) update.run(now, k.returnId, k.lineId);
	}

	// ------------------------------------------------------------ warehouses

	upsertWarehouse(w: Omit<Warehouse, 'updatedAt'>, now: string): boolean {
		const existed = this.q.stmt('SELECT 1 FROM warehouses WHERE location = ?').get(w.location) !== undefined;
		this.q
			.stmt(
				`INSERT INTO warehouses (location, name, country, postcode, account_kind, provider, credential, edi_partner, channels, priority, buffer, active, created_at, updated_at)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				 ON CONFLICT (location) DO UPDATE SET name = excluded.name, country = excluded.country, postcode = excluded.postcode,
					account_kind = excluded.account_kind, provider = excluded.provider, credential = excluded.credential, edi_partner = excluded.edi_partner,
					channels = excluded.channels, priority = excluded.priority, buffer = excluded.buffer, active = excluded.active, updated_at = excluded.updated_at`,
			)
			.run(w.location, ...warehouseValues(w), now, now);
		return !existed;
	}

	listWarehouses(): Warehouse[] {
		return this.q.all('SELECT * FROM warehouses ORDER BY location').map(toWarehouse);
	}

	// ------------------------------------------------------------ the order's ledger

	insertLedgerEntries(entries: LedgerEntryInput[], now: string): string[] {
		const insert = this.q.stmt(
			`INSERT INTO ledger_entries (entry_key, oms_id, channel, currency, type, subtype, line_id, amount_minor, payout_id, occurred_at, source, detail, recorded_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entry_key) DO NOTHING`,
		);
		const out: string[] = [];
		for (const e of entries) if (Number(insert.run(...ledgerEntryValues(e), now).changes) > 0) out.push(e.key);
		return out;
	}

	ledgerCharges(omsId: string, currency: string): ChargeSlot[] {
		return this.q
			.all(
				`SELECT type, subtype, line_id, SUM(amount_minor) AS amount FROM ledger_entries
				 WHERE oms_id = ? AND currency = ? AND source = 'order' GROUP BY type, subtype, line_id`,
				omsId,
				currency,
			)
			.map((r) => ({ type: r.type as EntryType, subtype: (r.subtype as string | null) ?? null, lineId: (r.line_id as string | null) ?? null, amountMinor: Number(r.amount) }));
	}

	upsertPayout(p: PayoutInput, now: string): void {
		this.q.run(
			`INSERT INTO payouts (channel, payout_id, account, currency, amount_minor, status, paid_at, detail, recorded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (channel, payout_id) DO UPDATE SET account = excluded.account, currency = excluded.currency, amount_minor = excluded.amount_minor,
				status = excluded.status, paid_at = excluded.paid_at, detail = excluded.detail, updated_at = excluded.updated_at`,
			p.channel, p.payoutId, p.account, p.currency, p.amountMinor, p.status, p.paidAt === null ? null : isoUtc(p.paidAt), p.detail ? storableJsonText(p.detail) : null, now, now,
		);
	}

	orderLedger(omsId: string): LedgerEntry[] {
		return this.q.all('SELECT * FROM ledger_entries WHERE oms_id = ? ORDER BY id', omsId).map(toLedgerEntry);
	}

	orderBalances(omsIds: string[] | null, channel: string | null): OrderBalance[] {
		return this.q
			.all(
				`SELECT ${LEDGER_BALANCE_COLUMNS} FROM ledger_entries
				 WHERE oms_id IS NOT NULL AND (?1 IS NULL OR oms_id IN (SELECT value FROM json_each(?1))) AND (?2 IS NULL OR channel = ?2)
				 GROUP BY oms_id, currency ORDER BY oms_id, currency`,
				omsIds === null ? null : JSON.stringify(omsIds),
				channel,
			)
			.map(toOrderBalance);
	}

	payoutTotals(channel: string | null, payoutIds: string[] | null): PayoutTotal[] {
		return this.q
			.all(
				`WITH e AS (
					SELECT channel, payout_id, currency, SUM(amount_minor) AS entries_minor, COUNT(*) AS entries FROM ledger_entries
					WHERE payout_id IS NOT NULL AND (?1 IS NULL OR channel = ?1) AND (?2 IS NULL OR payout_id IN (SELECT value FROM json_each(?2)))
					GROUP BY channel, payout_id, currency
				), p AS (
					SELECT * FROM payouts WHERE (?1 IS NULL OR channel = ?1) AND (?2 IS NULL OR payout_id IN (SELECT value FROM json_each(?2)))
				)
				SELECT COALESCE(p.channel, e.channel) AS channel, COALESCE(p.payout_id, e.payout_id) AS payout_id, COALESCE(p.currency, e.currency) AS currency,
					p.amount_minor, p.status, p.paid_at, e.entries_minor, e.entries
				FROM p FULL OUTER JOIN e ON e.channel = p.channel AND e.payout_id = p.payout_id AND e.currency = p.currency
				ORDER BY 1, 2, 3`,
				channel,
				payoutIds === null ? null : JSON.stringify(payoutIds),
			)
			.map(toPayoutTotal);
	}

	payouts(channel: string | null): StoredPayout[] {
		return this.q.all('SELECT * FROM payouts WHERE (?1 IS NULL OR channel = ?1) ORDER BY paid_at, channel, payout_id', channel).map(toStoredPayout);
	}

	ledgerSums(channel: string | null): LedgerSum[] {
		return this.q
			.all(
				`SELECT oms_id, channel, currency, type, subtype, SUM(amount_minor) AS amount, COUNT(*) AS entries, MAX(payout_id) AS payout_id FROM ledger_entries
				 WHERE oms_id IS NOT NULL AND source <> 'order' AND (?1 IS NULL OR channel = ?1)
				 GROUP BY oms_id, channel, currency, type, subtype ORDER BY oms_id, currency, type, subtype`,
				channel,
			)
			.map(toLedgerSum);
	}

	unsettledShippedOrders(shippedBefore: string, channel: string | null): UnsettledOrder[] {
		return this.q
			.all(
				`SELECT o.oms_id, o.channel, o.order_number, o.shipped_at, o.currency, o.total_minor FROM orders o
				 WHERE o.shipped_at IS NOT NULL AND o.shipped_at < ?1 AND o.status <> 'cancelled' AND (?2 IS NULL OR o.channel = ?2)
					AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.oms_id = o.oms_id AND e.type = 'payment' AND e.payout_id IS NOT NULL)
				 ORDER BY o.shipped_at, o.oms_id`,
				isoUtc(shippedBefore),
				channel,
			)
			.map(toUnsettledOrder);
	}

	upsertBillingFlags(flags: BillingFlag[], now: string): void {
		const upsert = this.q.stmt(
			`INSERT INTO billing_flags (flag_key, kind, channel, oms_id, payout_id, currency, expected_minor, actual_minor, difference_minor, message, first_seen, last_seen, resolved_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
			 ON CONFLICT (flag_key) DO UPDATE SET expected_minor = excluded.expected_minor, actual_minor = excluded.actual_minor, difference_minor = excluded.difference_minor,
				message = excluded.message, last_seen = excluded.last_seen, resolved_at = NULL,
				first_seen = CASE WHEN billing_flags.resolved_at IS NULL THEN billing_flags.first_seen ELSE excluded.first_seen END`,
		);
		for (const f of flags) upsert.run(storableText(f.key), f.kind, f.channel, f.omsId, f.payoutId, f.currency, f.expectedMinor, f.actualMinor, f.differenceMinor, storableText(f.message), now, now);
	}

	resolveBillingFlagsExcept(keys: string[], channel: string | null, now: string): void {
		this.q.run(
			`UPDATE billing_flags SET resolved_at = ?1 WHERE resolved_at IS NULL AND (?2 IS NULL OR channel = ?2) AND flag_key NOT IN (SELECT value FROM json_each(?3))`,
			now,
			channel,
			JSON.stringify(keys.map(storableText)),
		);
	}
}
