/**
 * The embedded OMS store: SQLite through Node's built-in node:sqlite (no native dependency).
 * WAL journal and a busy timeout make it safe for several processes on one host; every write runs in
 * BEGIN IMMEDIATE, which takes SQLite's single write lock up front, so read-then-write decisions (reservations,
 * idempotent intake) can never interleave with another writer. Queue mode with several hosts needs PostgreSQL.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync as DatabaseSyncT, StatementSync } from 'node:sqlite';
import type { CanonicalOrder, FraudAnnotation } from '../order/types';
import { cleanForStore, storableKey, storableText } from '../order/storable';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, StoreSchemaTooNewError } from './schema';
import { checkControlNumberRequest, CONTROL_NUMBER_MAX, firstOfBlock } from './types';
import { isoUtc, stableStringify, planRecord, storableOrder } from './plan';
import { planConsume, activeParts, activeUnits, partsFromJson, partsToJson, planReservations, type ReservationPart, type StockCell } from '../stock/reservation';
import {
	eventColumns,
	holdColumns,
	lineRows,
	orderColumns,
	storableJsonText,
	OrderNotFoundError,
	toDelivery,
	toEvent,
	toFraudRecord,
	toShipment,
	toStoredOrder,
	velocityFromRows,
} from './rows';
import {
	DEFAULT_LOCATION,
	type BundleComponent,
	type Delivery,
	type DeliveryStatus,
	type FraudRecord,
	type NewDelivery,
	type OmsEvent,
	type OmsStatus,
	type OrderSearch,
	type PublishedQuantity,
	type PublishInput,
	type RecordResult,
	type ReservedPart,
	type ReserveRequest,
	type ReserveResult,
	type StatusChange,
	type StatusChangeResult,
	type StockChange,
	type StockLevelInput,
	type StockRow,
	type Store,
	type StoredOrder,
	type StoredShipment,
	type VelocityQuery,
	type VelocityResult,
} from './types';

type Row = Record<string, unknown>;
type Param = string | number | bigint | null | Uint8Array;

export interface SqliteStoreOptions {
	/** How long a writer waits for another process's write lock before failing (ms) */
	busyTimeoutMs?: number;
	/** Clock for timestamps the store writes (tests inject one) */
	now?: () => Date;
}

function loadSqlite(): typeof import('node:sqlite') {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return require('node:sqlite');
	} catch {
		throw new Error(
			`The embedded OMS store needs Node.js 22.13 or later (node:sqlite); this process runs Node ${process.versions.node}. ` +
				`Run n8n on Node 22.16+ (n8n 2.x requires it), or configure a PostgreSQL OMS store credential.`,
		);
	}
}

export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
	return SqliteStore.open(path, options);
}

/** Reservation rows per multi-row INSERT in a reservation batch, and that statement (their updated_at is ?1) */
const RESERVATION_ROWS_PER_INSERT = 50;
const INSERT_RESERVATIONS = `INSERT INTO reservations (oms_id, parts, active, updated_at) VALUES ${Array.from(
	{ length: RESERVATION_ROWS_PER_INSERT },
	(_, i) => `(?${3 * i + 2}, ?${3 * i + 3}, ?${3 * i + 4}, ?1)`,
).join(', ')}`;

/** A stock row as the reservation cache keeps it: with its rowid, stable while the cache is valid. */
type CachedCell = StockCell & { rowid: number };

/**
 * Stock rows by SKU as reservation batches have read and left them (an empty list: no rows), for SqliteStore's
 * stockCache; `get` reads a SKU not seen yet, so it must be called inside the write transaction. (One class, so the
 * plan calls the same `get` batch after batch.)
 *
 * A SKU read on its own costs several times its share of one query for many; so while the cache is filling (it was
 * just made, or the last batch still found SKUs it had not seen), a batch first reads all the SKUs it names that
 * the cache lacks in one query (`prefetch`), and once the cache holds what batches ask for, it skips that pass.
 */
class StockRows {
	static readonly PREFETCH_MISS_RATIO = 20;
	private readonly bySku = new Map<string, CachedCell[]>();
	/** SKUs the last batch found missing (Infinity: none run yet), and SKUs it asked for */
	private missed = Infinity;
	private asked = 0;

	constructor(
		readonly version: number,
		private readonly readOne: StatementSync,
		private readonly readMany: StatementSync,
	) {}

	get(sku: string): CachedCell[] {
		this.asked++;
		let cells = this.bySku.get(sku);
		if (!cells) {
			this.missed++;
			cells = [];
			for (const r of this.readOne.all(sku) as Row[]) cells.push(cell(sku, r));
			this.bySku.set(sku, cells);
		}
		return cells;
	}

	/**
	 * Before a batch: read its missing SKUs in one query while the cache is filling, that is while the last batch
	 * missed more than one SKU in PREFETCH_MISS_RATIO of those it asked for. (A pass over the batch costs about one
	 * map lookup per line, a SKU read on its own a few dozen.)
	 */
	prefetch(requests: ReserveRequest[]): void {
		const asked = this.asked;
		this.asked = 0;
		if (this.missed * StockRows.PREFETCH_MISS_RATIO <= asked) {
			this.missed = 0;
			return;
		}
		const missing: string[] = [];
		const want = (sku: string) => {
			if (!this.bySku.has(sku)) {
				missing.push(sku);
				this.bySku.set(sku, []);
			}
		};
		for (const req of requests) {
			for (const l of req.lines) {
				if (l.components?.length) for (const c of l.components) want(c.sku);
				else want(l.sku);
			}
		}
		this.missed = missing.length;
		if (missing.length) {
			for (const r of this.readMany.all(JSON.stringify(missing)) as Row[]) this.bySku.get(r.sku as string)!.push(cell(r.sku as string, r));
		}
	}
}

function cell(sku: string, r: Row): CachedCell {
	return {
		rowid: Number(r.rowid),
		sku,
		location: r.location as string,
		onHand: Number(r.on_hand),
		reserved: Number(r.reserved),
		safetyStock: Number(r.safety_stock),
		lastPlan: 0,
	};
}

export class SqliteStore implements Store {
	readonly kind = 'sqlite' as const;
	private readonly stmts = new Map<string, StatementSync>();
	private readonly clock: () => Date;

	private constructor(
		private readonly db: DatabaseSyncT,
		readonly path: string,
		options: SqliteStoreOptions,
	) {
		this.clock = options.now ?? (() => new Date());
	}

	static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
		const { DatabaseSync } = loadSqlite();
		if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
		const db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? 15000 } as never);
		db.exec(`PRAGMA busy_timeout = ${Math.floor(options.busyTimeoutMs ?? 15000)}`);
		if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
		db.exec('PRAGMA synchronous = NORMAL');
		db.exec('PRAGMA foreign_keys = ON');
		const store = new SqliteStore(db, path, options);
		store.migrate();
		return store;
	}

	private now(): string {
		return this.clock().toISOString();
	}

	/**
	 * Stock rows as the last reservation left them, by SKU (an empty list: no rows), so that a reservation batch
	 * reads from SQLite only the SKUs it has not seen. Valid only while this connection has run no other transaction
	 * (tx() drops it) and no other connection has committed anything: PRAGMA data_version, read under the write lock,
	 * is SQLite's own counter of other connections' commits (it does not move for this connection's own).
	 */
	private stockCache: StockRows | null = null;

	private stmt(sql: string): StatementSync {
		let s = this.stmts.get(sql);
		if (!s) {
			s = this.db.prepare(sql);
			this.stmts.set(sql, s);
		}
		return s;
	}
	private all(sql: string, ...params: Param[]): Row[] {
		return this.stmt(sql).all(...params) as Row[];
	}
	private get(sql: string, ...params: Param[]): Row | undefined {
		return this.stmt(sql).get(...params) as Row | undefined;
	}
	private run(sql: string, ...params: Param[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
		return this.stmt(sql).run(...params);
	}

	/**
	 * Run fn inside BEGIN IMMEDIATE (the write lock), committing on success and rolling back on error.
	 * Every transaction but a reservation's drops the stock cache (see stockCache); so does any failure.
	 */
	private tx<T>(fn: () => T, opts: { keepsStockCache?: boolean } = {}): T {
		if (!opts.keepsStockCache) this.stockCache = null;
		this.db.exec('BEGIN IMMEDIATE');
		try {
			const out = fn();
			this.db.exec('COMMIT');
			return out;
		} catch (error) {
			this.stockCache = null;
			try {
				this.db.exec('ROLLBACK');
			} catch {
				// the transaction may already be gone
			}
			throw error;
		}
	}

	private migrate(): void {
		this.tx(() => {
			this.db.exec('CREATE TABLE IF NOT EXISTS oms_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
			const row = this.db.prepare("SELECT value FROM oms_meta WHERE key = 'schema_version'").get() as Row | undefined;
			const current = row ? Number(row.value) : 0;
			if (current > LATEST_SCHEMA_VERSION) throw new StoreSchemaTooNewError(this.path, current, LATEST_SCHEMA_VERSION);
			for (const m of MIGRATIONS) {
				if (m.version <= current) continue;
				for (const sql of m.sqlite) this.db.exec(sql);
				this.db
					.prepare("INSERT INTO oms_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
					.run(String(m.version));
			}
		});
	}

	async schemaVersion(): Promise<number> {
		const row = this.get("SELECT value FROM oms_meta WHERE key = 'schema_version'");
		return row ? Number(row.value) : 0;
	}

	async close(): Promise<void> {
		this.stmts.clear();
		if (this.db.isOpen) this.db.close();
	}

	// ------------------------------------------------------------ orders

	private readOrder(omsId: string): StoredOrder | null {
		const row = this.get('SELECT * FROM orders WHERE oms_id = ?', omsId);
		return row ? toStoredOrder(row) : null;
	}
	private mustReadOrder(omsId: string): StoredOrder {
		const o = this.readOrder(omsId);
		if (!o) throw new OrderNotFoundError(omsId);
		return o;
	}

	private insertEvent(
		omsId: string,
		at: string,
		type: string,
		from: OmsStatus | null,
		to: OmsStatus | null,
		cause: string | null | undefined,
		detail: Record<string, unknown> | null | undefined,
	): number {
		const r = this.run(
			'INSERT INTO events (oms_id, at, type, from_status, to_status, cause, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
			omsId,
			at,
			type,
			from,
			to,
			...eventColumns(cause, detail),
		);
		return Number(r.lastInsertRowid);
	}

	private writeLines(order: CanonicalOrder): void {
		this.run('DELETE FROM order_lines WHERE oms_id = ?', order.omsId);
		for (const l of lineRows(order)) {
			this.run(
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

	async recordOrder(input: CanonicalOrder, opts: { cause?: string } = {}): Promise<RecordResult> {
		const { order, note } = storableOrder(input);
		const cols = orderColumns(order);
		return this.tx(() => {
			const now = this.now();
			const existing = this.readOrder(order.omsId);
			const plan = planRecord(existing, order, now);
			if (plan.kind === 'duplicate') {
				return { outcome: 'duplicate', stored: existing!, changes: [plan.reason], reason: plan.reason };
			}
			if (plan.kind === 'insert') {
				const [hr, hs, hd] = holdColumns(plan.hold);
				this.run(
					`INSERT INTO orders (oms_id, channel, channel_order_id, order_number, placed_at, channel_updated_at, readiness,
						channel_status, status, hold_reason, hold_since, hold_detail, currency, total_minor, units, email, ship_address_key,
						phone, client_ip, ship_country, ship_by, shipped_at, doc, recorded_at, changed_at, version)
					 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
					cols.oms_id,
					cols.channel,
					cols.channel_order_id,
					cols.order_number,
					cols.placed_at,
					cols.channel_updated_at,
					cols.readiness,
					cols.channel_status,
					plan.status,
					hr,
					hs,
					hd,
					cols.currency,
					cols.total_minor,
					cols.units,
					cols.email,
					cols.ship_address_key,
					cols.phone,
					cols.client_ip,
					cols.ship_country,
					cols.ship_by,
					plan.status === 'shipped' ? now : null,
					JSON.stringify(plan.doc),
					now,
					now,
				);
				this.writeLines(order);
				this.insertEvent(order.omsId, now, 'recorded', null, plan.status, opts.cause, {
					channelStatus: order.channelStatus,
					readiness: order.readiness,
					...(plan.hold ? { hold: plan.hold.reason } : {}),
					...(note ? { cleaned: note } : {}),
				});
				return { outcome: 'new', stored: this.mustReadOrder(order.omsId), changes: [] };
			}
			const prev = existing!;
			const status = plan.statusChange?.status ?? prev.status;
			const hold = plan.statusChange ? plan.statusChange.hold : prev.hold;
			const [hr, hs, hd] = holdColumns(hold);
			this.run(
				`UPDATE orders SET channel = ?, channel_order_id = ?, order_number = ?, placed_at = ?, channel_updated_at = ?,
					readiness = ?, channel_status = ?, status = ?, hold_reason = ?, hold_since = ?, hold_detail = ?, currency = ?,
					total_minor = ?, units = ?, email = ?, ship_address_key = ?, phone = ?, client_ip = ?, ship_country = ?, ship_by = ?,
					doc = ?, changed_at = ?, version = version + 1
				 WHERE oms_id = ?`,
				cols.channel,
				cols.channel_order_id,
				cols.order_number,
				cols.placed_at,
				cols.channel_updated_at,
				cols.readiness,
				cols.channel_status,
				status,
				hr,
				hs,
				hd,
				cols.currency,
				cols.total_minor,
				cols.units,
				cols.email,
				cols.ship_address_key,
				cols.phone,
				cols.client_ip,
				cols.ship_country,
				cols.ship_by,
				JSON.stringify(plan.doc),
				now,
				order.omsId,
			);
			this.writeLines(order);
			this.insertEvent(order.omsId, now, 'updated', prev.status, status, opts.cause, {
				changes: plan.changes,
				channelStatus: order.channelStatus,
				channelUpdatedAt: order.updatedAt,
				...(note ? { cleaned: note } : {}),
			});
			return { outcome: 'updated', stored: this.mustReadOrder(order.omsId), changes: plan.changes };
		});
	}

	async getOrder(omsId: string): Promise<StoredOrder | null> {
		return this.readOrder(omsId);
	}

	async getOrders(omsIds: string[]): Promise<StoredOrder[]> {
		if (omsIds.length === 0) return [];
		return this.all('SELECT * FROM orders WHERE oms_id IN (SELECT value FROM json_each(?))', JSON.stringify(omsIds)).map(
			toStoredOrder,
		);
	}

	async searchOrders(search: OrderSearch): Promise<StoredOrder[]> {
		const where: string[] = [];
		const params: Param[] = [];
		if (search.channels?.length) {
			where.push('channel IN (SELECT value FROM json_each(?))');
			params.push(JSON.stringify(search.channels));
		}
		if (search.statuses?.length) {
			where.push('status IN (SELECT value FROM json_each(?))');
			params.push(JSON.stringify(search.statuses));
		}
		if (search.holdReasons?.length) {
			where.push('hold_reason IN (SELECT value FROM json_each(?))');
			params.push(JSON.stringify(search.holdReasons));
		}
		if (search.placedFrom) {
			where.push('placed_at >= ?');
			params.push(isoUtc(search.placedFrom));
		}
		if (search.placedTo) {
			where.push('placed_at < ?');
			params.push(isoUtc(search.placedTo));
		}
		if (search.email) {
			where.push('email = ?');
			params.push(search.email.trim().toLowerCase());
		}
		if (search.sku) {
			where.push('oms_id IN (SELECT oms_id FROM order_lines WHERE sku = ?)');
			params.push(search.sku);
		}
		const sql =
			`SELECT * FROM orders${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY placed_at ${search.order === 'asc' ? 'ASC' : 'DESC'}, oms_id LIMIT ? OFFSET ?`;
		params.push(search.limit ?? 100, search.offset ?? 0);
		return this.db.prepare(sql).all(...params).map((r) => toStoredOrder(r as Row));
	}

	async setStatus(omsId: string, to: OmsStatus, change: StatusChange = {}): Promise<StatusChangeResult> {
		return this.tx(() => {
			const prev = this.mustReadOrder(omsId);
			const from = prev.status;
			if (change.onlyFrom && !change.onlyFrom.includes(from)) return { changed: false, from, to, stored: prev };
			const hold = change.hold === undefined ? prev.hold : change.hold;
			if (from === to && stableStringify(hold) === stableStringify(prev.hold)) return { changed: false, from, to, stored: prev };
			const now = this.now();
			const [hr, hs, hd] = holdColumns(hold);
			this.run(
				`UPDATE orders SET status = ?, hold_reason = ?, hold_since = ?, hold_detail = ?, changed_at = ?, version = version + 1,
					shipped_at = CASE WHEN ? = 'shipped' AND shipped_at IS NULL THEN ? ELSE shipped_at END
				 WHERE oms_id = ?`,
				to,
				hr,
				hs,
				hd,
				now,
				to,
				now,
				omsId,
			);
			this.insertEvent(omsId, now, 'status', from, to, change.cause, {
				...(change.detail ?? {}),
				...(hold ? { hold: hold.reason } : {}),
			});
			return { changed: true, from, to, stored: this.mustReadOrder(omsId) };
		});
	}

	async annotate(
		omsId: string,
		key: 'fraud' | 'allocation' | 'wms',
		value: unknown,
		event: { type?: string; cause?: string; detail?: Record<string, unknown> } = {},
	): Promise<StoredOrder> {
		return this.tx(() => {
			const prev = this.mustReadOrder(omsId);
			const doc = { ...prev.order, [key]: cleanForStore(value).value };
			const now = this.now();
			this.run('UPDATE orders SET doc = ?, changed_at = ?, version = version + 1 WHERE oms_id = ?', JSON.stringify(doc), now, omsId);
			this.insertEvent(omsId, now, event.type ?? key, prev.status, prev.status, event.cause, event.detail ?? { [key]: value as never });
			return this.mustReadOrder(omsId);
		});
	}

	async annotateMany(entries: Parameters<Store['annotateMany']>[0]): Promise<{ missing: string[] }> {
		if (!entries.length) return { missing: [] };
		const tuples = entries.map((e) => [
			e.omsId,
			`$.${e.key}`,
			storableJsonText(e.value),
			e.event?.type ?? e.key,
			e.event?.cause ? storableText(e.event.cause) : null,
			storableJsonText(e.event?.detail ?? { [e.key]: e.value }),
		]);
		const rows = JSON.stringify(tuples);
		return this.tx(() => {
			const now = this.now();
			const present = new Set(
				this.all('SELECT oms_id FROM orders WHERE oms_id IN (SELECT value ->> 0 FROM json_each(?))', rows).map((r) => r.oms_id as string),
			);
			// set-based: the key is merged into the stored JSON by SQLite itself, no read-modify-write per order.
			// An UPDATE touches a row once, so entries for the same order go in successive runs, in input order.
			for (let start = 0; start < tuples.length; ) {
				const seen = new Set<unknown>();
				let end = start;
				while (end < tuples.length && !seen.has(tuples[end][0])) seen.add(tuples[end++][0]);
				this.run(
					`UPDATE orders SET doc = json_set(doc, v.value ->> 1, json(v.value ->> 2)), changed_at = ?, version = version + 1
					 FROM json_each(?) AS v WHERE orders.oms_id = v.value ->> 0`,
					now,
					JSON.stringify(tuples.slice(start, end)),
				);
				start = end;
			}
			this.run(
				`INSERT INTO events (oms_id, at, type, from_status, to_status, cause, detail)
				 SELECT o.oms_id, ?, v.value ->> 3, o.status, o.status, v.value ->> 4, v.value ->> 5
				 FROM json_each(?) AS v JOIN orders o ON o.oms_id = v.value ->> 0 ORDER BY v.key`,
				now,
				rows,
			);
			return { missing: [...new Set(entries.map((e) => e.omsId))].filter((id) => !present.has(id)) };
		});
	}

	async addEvent(omsId: string, type: string, opts: { cause?: string; detail?: Record<string, unknown> } = {}): Promise<OmsEvent> {
		return this.tx(() => {
			const prev = this.mustReadOrder(omsId);
			const id = this.insertEvent(omsId, this.now(), type, prev.status, prev.status, opts.cause, opts.detail);
			return toEvent(this.get('SELECT * FROM events WHERE id = ?', id)!);
		});
	}

	async timeline(omsId: string): Promise<OmsEvent[]> {
		return this.all('SELECT * FROM events WHERE oms_id = ? ORDER BY id', omsId).map(toEvent);
	}

	// ------------------------------------------------------------ stock

	async upsertStockLevels(levels: StockLevelInput[], opts: { cause?: string } = {}): Promise<StockChange[]> {
		void opts;
		return this.tx(() => {
			const now = this.now();
			const changes: StockChange[] = [];
			const read = this.stmt('SELECT on_hand FROM stock WHERE sku = ? AND location = ?');
			const insert = this.stmt('INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at) VALUES (?, ?, ?, 0, 0, ?)');
			const update = this.stmt('UPDATE stock SET on_hand = ?, updated_at = ?, version = version + 1 WHERE sku = ? AND location = ?');
			for (const l of levels) {
				const location = l.location || DEFAULT_LOCATION;
				const row = read.get(l.sku, location) as Row | undefined;
				if (!row) {
					insert.run(l.sku, location, l.onHand, now);
					changes.push({ sku: l.sku, location, before: null, after: l.onHand });
				} else if (Number(row.on_hand) !== l.onHand) {
					update.run(l.onHand, now, l.sku, location);
					changes.push({ sku: l.sku, location, before: Number(row.on_hand), after: l.onHand });
				}
			}
			return changes;
		});
	}

	async setSafetyStock(sku: string, quantity: number, location: string = DEFAULT_LOCATION): Promise<void> {
		this.tx(() => {
			this.run(
				`INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at) VALUES (?, ?, 0, 0, ?, ?)
				 ON CONFLICT (sku, location) DO UPDATE SET safety_stock = excluded.safety_stock, updated_at = excluded.updated_at, version = stock.version + 1`,
				sku,
				location,
				quantity,
				this.now(),
			);
		});
	}

	async getStock(skus?: string[]): Promise<StockRow[]> {
		const rows = skus
			? this.all('SELECT * FROM stock WHERE sku IN (SELECT value FROM json_each(?)) ORDER BY sku, location', JSON.stringify(skus))
			: this.all('SELECT * FROM stock ORDER BY sku, location');
		return rows.map((r) => {
			const onHand = Number(r.on_hand);
			const reserved = Number(r.reserved);
			const safetyStock = Number(r.safety_stock);
			return {
				sku: r.sku as string,
				location: r.location as string,
				onHand,
				reserved,
				safetyStock,
				atp: Math.max(0, onHand - reserved - safetyStock),
				version: Number(r.version),
				updatedAt: isoUtc(r.updated_at as string),
			};
		});
	}

	async setBundle(bundleSku: string, components: BundleComponent[]): Promise<void> {
		this.tx(() => {
			this.run('DELETE FROM bundles WHERE bundle_sku = ?', bundleSku);
			// its published quantities were computed from other rows: their bases no longer compare
			this.run('UPDATE published SET basis = NULL WHERE sku = ?', bundleSku);
			for (const c of components) this.run('INSERT INTO bundles (bundle_sku, component_sku, quantity) VALUES (?, ?, ?)', bundleSku, c.sku, c.quantity);
		});
	}

	async getBundles(skus?: string[]): Promise<Map<string, BundleComponent[]>> {
		const rows = skus
			? this.all('SELECT * FROM bundles WHERE bundle_sku IN (SELECT value FROM json_each(?)) ORDER BY bundle_sku, component_sku', JSON.stringify(skus))
			: this.all('SELECT * FROM bundles ORDER BY bundle_sku, component_sku');
		const out = new Map<string, BundleComponent[]>();
		for (const r of rows) {
			const list = out.get(r.bundle_sku as string) ?? [];
			list.push({ sku: r.component_sku as string, quantity: Number(r.quantity) });
			out.set(r.bundle_sku as string, list);
		}
		return out;
	}

	async reserve(requests: ReserveRequest[]): Promise<ReserveResult[]> {
		if (requests.length === 0) return [];
		return this.tx(() => {
			const now = this.now();
			// the batch's orders that were reserved before (their documents; the write lock is held, so this is current)
			// and those the store holds (their events are written below), in one pass over the batch's ids
			const ids = new Array<string>(requests.length);
			for (let i = 0; i < requests.length; i++) ids[i] = requests[i].omsId;
			const docs = new Map<string, ReservationPart[]>();
			const recorded = new Set<string>();
			for (const r of this.all(
				`SELECT j.value AS oms_id, r.parts, o.oms_id IS NOT NULL AS recorded
				 FROM json_each(?) j LEFT JOIN reservations r ON r.oms_id = j.value LEFT JOIN orders o ON o.oms_id = j.value
				 WHERE r.oms_id IS NOT NULL OR o.oms_id IS NOT NULL`,
				JSON.stringify(ids),
			)) {
				if (r.parts !== null) docs.set(r.oms_id as string, partsFromJson(r.parts));
				if (r.recorded) recorded.add(r.oms_id as string);
			}
			// Stock rows as the plan asks for them, SKU by SKU (a repeat order's too: its result says whether a SKU has
			// rows at all), from the cache or else read now (see StockRows): the write lock is held, so they are current
			const version = Number((this.get('PRAGMA data_version') as Row).data_version);
			if (!this.stockCache || this.stockCache.version !== version) {
				this.stockCache = new StockRows(
					version,
					this.stmt('SELECT rowid, location, on_hand, reserved, safety_stock FROM stock WHERE sku = ?'),
					this.stmt('SELECT rowid, sku, location, on_hand, reserved, safety_stock FROM stock WHERE sku IN (SELECT value FROM json_each(?))'),
				);
			}
			const stock = this.stockCache;
			stock.prefetch(requests);
			// the plan takes units on the cached cells themselves; if anything below fails, tx() drops the cache
			const plan = planReservations(requests, stock, docs);
			// Stock rows are written with prepared single-row UPDATEs by the rowid read with them (one b-tree seek, no
			// index; a VALUES join costs more per row than the call it saves), called with get() rather than run():
			// the same statement, executed the same way, without the {changes, lastInsertRowid} object run() builds
			// per call (~15 % of a call's cost), which nothing here reads. stock.updated_at is when on hand or safety
			// stock last changed; reservations keep their own time.
			const upd = this.stmt('UPDATE stock SET reserved = ?, version = version + 1 WHERE rowid = ?');
			const touched = plan.touched;
			for (let i = 0; i < touched.length; i++) upd.get(touched[i].reserved, touched[i].rowid);
			// New reservation rows go in RESERVATION_ROWS_PER_INSERT at a time (one statement call and one result
			// object instead of fifty; their common updated_at bound once, as ?1), the rest one by one; documents of
			// orders reserved before are updated.
			const insMany = this.stmt(INSERT_RESERVATIONS);
			const ins = this.stmt('INSERT INTO reservations (oms_id, parts, active, updated_at) VALUES (?, ?, ?, ?)');
			const put = this.stmt('UPDATE reservations SET parts = ?, active = ?, updated_at = ? WHERE oms_id = ?');
			const rows: Param[] = new Array(1 + 3 * RESERVATION_ROWS_PER_INSERT);
			rows[0] = now;
			let n = 1;
			for (let i = 0; i < plan.docs.length; i++) {
				const d = plan.docs[i];
				if (!d.isNew) {
					put.run(d.json, d.active, now, d.omsId);
					continue;
				}
				rows[n++] = d.omsId;
				rows[n++] = d.json;
				rows[n++] = d.active;
				if (n === rows.length) {
					insMany.run(...rows);
					n = 1;
				}
			}
			for (let i = 1; i < n; i += 3) ins.run(rows[i], rows[i + 1], rows[i + 2], now);
			// a timeline event for each changed order the store holds (stock can be reserved for ids it does not)
			const ev = this.stmt("INSERT INTO events (oms_id, at, type, cause, detail) VALUES (?, ?, 'reservation', ?, ?)");
			for (let i = 0; recorded.size && i < plan.results.length; i++) {
				const r = plan.results[i];
				if (!r.changed || !recorded.has(r.omsId)) continue;
				ev.run(
					r.omsId,
					now,
					requests[i].cause ?? null,
					JSON.stringify({ lines: r.lines.map((l) => ({ sku: l.sku, requested: l.requested, allocated: l.allocated })) }),
				);
			}
			return plan.results;
		}, { keepsStockCache: true });
	}

	private reservationDoc(omsId: string): ReservationPart[] | null {
		const row = this.get('SELECT parts FROM reservations WHERE oms_id = ?', omsId);
		return row ? partsFromJson(row.parts) : null;
	}

	private consume(
		omsId: string,
		lines: Array<{ sku: string; quantity: number }> | undefined,
		to: 'released' | 'committed',
		now: string,
	): ReservedPart[] {
		const doc = this.reservationDoc(omsId);
		if (!doc) return [];
		const { parts, taken } = planConsume(doc, lines, to);
		if (!taken.length) return [];
		this.run('UPDATE reservations SET parts = ?, active = ?, updated_at = ? WHERE oms_id = ?', partsToJson(parts), activeUnits(parts), now, omsId);
		for (const t of taken) {
			if (to === 'committed') {
				this.run('UPDATE stock SET reserved = MAX(0, reserved - ?), on_hand = MAX(0, on_hand - ?), updated_at = ?, version = version + 1 WHERE sku = ? AND location = ?', t.quantity, t.quantity, now, t.sku, t.location);
			} else {
				this.run('UPDATE stock SET reserved = MAX(0, reserved - ?), version = version + 1 WHERE sku = ? AND location = ?', t.quantity, t.sku, t.location);
			}
		}
		return taken;
	}

	async release(
		omsId: string,
		lines?: Array<{ sku: string; quantity: number }>,
		opts: { cause?: string } = {},
	): Promise<{ released: ReservedPart[] }> {
		return this.tx(() => {
			const now = this.now();
			const released = this.consume(omsId, lines, 'released', now);
			if (released.length && this.get('SELECT 1 AS x FROM orders WHERE oms_id = ?', omsId)) {
				this.insertEvent(omsId, now, 'release', null, null, opts.cause, { released });
			}
			return { released };
		});
	}

	async commitShipment(
		omsId: string,
		packageKey: string,
		lines: Array<{ sku: string; quantity: number }>,
		opts: { cause?: string } = {},
	): Promise<{ committed: ReservedPart[]; changed: boolean }> {
		return this.tx(() => {
			const now = this.now();
			const first = this.run("INSERT INTO processed (source, id, at) VALUES ('commit', ?, ?) ON CONFLICT DO NOTHING", `${omsId}#${packageKey}`, now);
			if (Number(first.changes) === 0) return { committed: [], changed: false };
			const committed = this.consume(omsId, lines, 'committed', now);
			// shipped units that had no reservation (e.g. shipped before the OMS reserved) still leave on hand
			const short = new Map<string, number>();
			for (const l of lines) short.set(l.sku, (short.get(l.sku) ?? 0) + l.quantity);
			for (const c of committed) short.set(c.sku, (short.get(c.sku) ?? 0) - c.quantity);
			for (const [sku, qty] of short) {
				if (qty > 0) this.run('UPDATE stock SET on_hand = MAX(0, on_hand - ?), updated_at = ?, version = version + 1 WHERE sku = ? AND location = ?', qty, now, sku, DEFAULT_LOCATION);
			}
			if (this.get('SELECT 1 AS x FROM orders WHERE oms_id = ?', omsId)) {
				this.insertEvent(omsId, now, 'commit', null, null, opts.cause, { packageKey, committed });
			}
			return { committed, changed: true };
		});
	}

	async activeReservations(omsId?: string): Promise<Array<ReservedPart & { omsId: string; lineId: string }>> {
		const rows = omsId
			? this.all('SELECT oms_id, parts FROM reservations WHERE oms_id = ? AND active > 0', omsId)
			: this.all('SELECT oms_id, parts FROM reservations WHERE active > 0 ORDER BY oms_id');
		return rows.flatMap((r) => activeParts(r.oms_id as string, partsFromJson(r.parts)));
	}

	// ------------------------------------------------------------ published

	async getPublished(channel?: string, skus?: string[]): Promise<PublishedQuantity[]> {
		const where: string[] = [];
		const params: Param[] = [];
		if (channel) {
			where.push('channel = ?');
			params.push(channel);
		}
		if (skus) {
			where.push('sku IN (SELECT value FROM json_each(?))');
			params.push(JSON.stringify(skus));
		}
		return this.db
			.prepare(`SELECT * FROM published${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY channel, sku`)
			.all(...params)
			.map((r) => {
				const row = r as Row;
				return {
					channel: row.channel as string,
					sku: row.sku as string,
					quantity: Number(row.quantity),
					publishedAt: isoUtc(row.published_at as string),
				};
			});
	}

	async setPublished(rows: PublishInput[]): Promise<PublishInput[]> {
		return this.tx(() => {
			const now = this.now();
			const s = this.stmt(
				`INSERT INTO published (channel, sku, quantity, published_at, basis) VALUES (?, ?, ?, ?, ?)
				 ON CONFLICT (channel, sku) DO UPDATE SET quantity = excluded.quantity, published_at = excluded.published_at, basis = excluded.basis
				 WHERE excluded.basis IS NULL OR published.basis IS NULL OR excluded.basis >= published.basis
				 RETURNING channel`,
			);
			return rows.filter((r) => s.all(r.channel, r.sku, r.quantity, now, r.basis ?? null).length > 0);
		});
	}

	// ------------------------------------------------------------ fraud

	async recordFraudDecision(omsId: string, fraud: FraudAnnotation, ruleSetVersion: string): Promise<FraudRecord> {
		return this.tx(() => {
			const now = this.now();
			this.run(
				`INSERT INTO fraud_decisions (oms_id, decision, score, doc, rule_set_version, decided_at) VALUES (?, ?, ?, ?, ?, ?)
				 ON CONFLICT (oms_id) DO UPDATE SET decision = excluded.decision, score = excluded.score, doc = excluded.doc,
				   rule_set_version = excluded.rule_set_version, decided_at = excluded.decided_at,
				   resolution = NULL, resolved_by = NULL, resolution_note = NULL, resolved_at = NULL`,
				omsId,
				fraud.decision,
				Math.round(fraud.score),
				JSON.stringify(fraud),
				ruleSetVersion,
				now,
			);
			return toFraudRecord(this.get('SELECT * FROM fraud_decisions WHERE oms_id = ?', omsId)!);
		});
	}

	async getFraudDecision(omsId: string): Promise<FraudRecord | null> {
		const row = this.get('SELECT * FROM fraud_decisions WHERE oms_id = ?', omsId);
		return row ? toFraudRecord(row) : null;
	}

	async resolveFraudReview(
		omsId: string,
		decision: 'approved' | 'rejected',
		by: string,
		note: string | null = null,
	): Promise<{ resolved: boolean; record: FraudRecord }> {
		return this.tx(() => {
			const row = this.get('SELECT * FROM fraud_decisions WHERE oms_id = ?', omsId);
			if (!row) throw new Error(`Order ${omsId} has no fraud decision to resolve`);
			if (row.resolution) return { resolved: false, record: toFraudRecord(row) };
			if (row.decision !== 'review') throw new Error(`Order ${omsId} is not held for fraud review (its decision was ${String(row.decision)})`);
			this.run(
				'UPDATE fraud_decisions SET resolution = ?, resolved_by = ?, resolution_note = ?, resolved_at = ? WHERE oms_id = ?',
				decision,
				by,
				note,
				this.now(),
				omsId,
			);
			return { resolved: true, record: toFraudRecord(this.get('SELECT * FROM fraud_decisions WHERE oms_id = ?', omsId)!) };
		});
	}

	async velocity(q: VelocityQuery): Promise<VelocityResult> {
		const column = { email: 'email', shipAddress: 'ship_address_key', phone: 'phone', clientIp: 'client_ip' }[q.key];
		const rows = this.all(
			`SELECT currency, channel, COUNT(*) AS n, SUM(total_minor) AS total FROM orders
			 WHERE ${column} = ? AND placed_at >= ? AND placed_at < ? AND oms_id <> ? GROUP BY currency, channel`,
			q.value,
			isoUtc(q.since),
			q.until ? isoUtc(q.until) : '9999-12-31T23:59:59.999Z',
			q.excludeOmsId ?? '',
		);
		return velocityFromRows(rows);
	}

	// ------------------------------------------------------------ outbox

	async enqueueDelivery(d: NewDelivery): Promise<{ delivery: Delivery; created: boolean }> {
		return this.tx(() => {
			const now = this.now();
			const r = this.run(
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
			const row = this.get('SELECT * FROM deliveries WHERE oms_id = ? AND shipment_no = ?', d.omsId, d.shipmentNo)!;
			return { delivery: toDelivery(row), created: Number(r.changes) > 0 };
		});
	}

	async getDelivery(omsId: string, shipmentNo = 1): Promise<Delivery | null> {
		const row = this.get('SELECT * FROM deliveries WHERE oms_id = ? AND shipment_no = ?', omsId, shipmentNo);
		return row ? toDelivery(row) : null;
	}

	async claimDueDeliveries(now: string, limit: number, leaseSeconds = 60, providers?: string[]): Promise<Delivery[]> {
		return this.tx(() => {
			const at = isoUtc(now);
			const lease = new Date(Date.parse(at) + leaseSeconds * 1000).toISOString();
			return this.all(
				`UPDATE deliveries SET lease_until = ? WHERE id IN (
					SELECT id FROM deliveries WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
					  AND (lease_until IS NULL OR lease_until <= ?)
					  AND (? IS NULL OR provider IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT ?)
				 RETURNING *`,
				lease,
				at,
				at,
				providers ? 1 : null,
				JSON.stringify(providers ?? []),
				limit,
			)
				.map(toDelivery)
				.sort((a, b) => a.id - b.id);
		});
	}

	async claimDelivery(id: number, now: string, leaseSeconds = 60): Promise<Delivery | null> {
		return this.tx(() => {
			const at = isoUtc(now);
			const lease = new Date(Date.parse(at) + leaseSeconds * 1000).toISOString();
			const row = this.get(
				`UPDATE deliveries SET lease_until = ? WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?) RETURNING *`,
				lease,
				id,
				at,
			);
			return row ? toDelivery(row) : null;
		});
	}

	async markDeliverySent(id: number, wmsOrderId: string | null): Promise<Delivery> {
		return this.tx(() => {
			this.run(
				"UPDATE deliveries SET status = 'sent', wms_order_id = ?, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL, lease_until = NULL, updated_at = ? WHERE id = ?",
				wmsOrderId,
				this.now(),
				id,
			);
			return toDelivery(this.get('SELECT * FROM deliveries WHERE id = ?', id)!);
		});
	}

	async markDeliveryAttemptFailed(id: number, error: string, nextAttemptAt: string | null): Promise<Delivery> {
		return this.tx(() => {
			this.run(
				`UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE id = ?`,
				nextAttemptAt ? 'pending' : 'failed',
				storableText(error),
				nextAttemptAt ? isoUtc(nextAttemptAt) : null,
				this.now(),
				id,
			);
			return toDelivery(this.get('SELECT * FROM deliveries WHERE id = ?', id)!);
		});
	}

	async listDeliveries(filter: { status?: DeliveryStatus[]; provider?: string; limit?: number } = {}): Promise<Delivery[]> {
		const where: string[] = [];
		const params: Param[] = [];
		if (filter.status?.length) {
			where.push('status IN (SELECT value FROM json_each(?))');
			params.push(JSON.stringify(filter.status));
		}
		if (filter.provider) {
			where.push('provider = ?');
			params.push(filter.provider);
		}
		params.push(filter.limit ?? 1000);
		return this.db
			.prepare(`SELECT * FROM deliveries${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT ?`)
			.all(...params)
			.map((r) => toDelivery(r as Row));
	}

	// ------------------------------------------------------------ shipments

	async recordShipment(s: Omit<StoredShipment, 'recordedAt'>): Promise<{ created: boolean; shipment: StoredShipment }> {
		return this.tx(() => {
			const r = this.run(
				`INSERT INTO shipments (oms_id, package_key, provider, carrier, tracking_number, tracking_url, shipped_at, lines, recorded_at)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (oms_id, package_key) DO NOTHING`,
				s.omsId,
				s.packageKey,
				s.provider,
				s.carrier,
				s.trackingNumber,
				s.trackingUrl,
				s.shippedAt ? isoUtc(s.shippedAt) : null,
				JSON.stringify(s.lines),
				this.now(),
			);
			const row = this.get('SELECT * FROM shipments WHERE oms_id = ? AND package_key = ?', s.omsId, s.packageKey)!;
			return { created: Number(r.changes) > 0, shipment: toShipment(row) };
		});
	}

	async getShipments(omsId: string): Promise<StoredShipment[]> {
		return this.all('SELECT * FROM shipments WHERE oms_id = ? ORDER BY recorded_at, package_key', omsId).map(toShipment);
	}

	// ------------------------------------------------------------ idempotency, cursors, reports

	async nextControlNumbers(scope: string, count: number): Promise<number> {
		checkControlNumberRequest(scope, count);
		// one statement: SQLite's write lock makes it atomic across connections and processes
		const row = this.get(
			`INSERT INTO edi_control_numbers (scope, last_number, updated_at) VALUES (?, ?, ?)
			 ON CONFLICT (scope) DO UPDATE SET last_number = ((edi_control_numbers.last_number + ? - 1) % ${CONTROL_NUMBER_MAX}) + 1,
			   updated_at = excluded.updated_at
			 RETURNING last_number`,
			scope,
			count,
			this.now(),
			count,
		);
		return firstOfBlock(Number(row!.last_number), count);
	}

	async markProcessed(source: string, id: string): Promise<boolean> {
		const r = this.run('INSERT INTO processed (source, id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', storableKey(source), storableKey(id), this.now());
		return Number(r.changes) > 0;
	}

	async getCursor(name: string): Promise<string | null> {
		const row = this.get('SELECT value FROM cursors WHERE name = ?', name);
		return row ? (row.value as string) : null;
	}

	async setCursor(name: string, value: string): Promise<void> {
		this.run(
			'INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
			name,
			value,
			this.now(),
		);
	}

	async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
		this.stockCache = null; // meant for reads, but nothing stops a caller from writing stock through it
		// $1-style placeholders become SQLite's numbered ?1, so report SQL is written once per dialect with the same parameters
		const text = sql.replace(/\$(\d+)/g, '?$1');
		return this.db.prepare(text).all(...(params as Param[])) as T[];
	}
}

