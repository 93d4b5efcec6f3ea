/**
 * The embedded OMS store: SQLite through Node's built-in node:sqlite (no native dependency).
 * WAL journal and a busy timeout make it safe for several processes on one host; every write runs in
 * BEGIN IMMEDIATE, which takes SQLite's single write lock up front, so read-then-write decisions (reservations,
 * idempotent intake) can never interleave with another writer. Queue mode with several hosts needs PostgreSQL.
 *
 * The rules are lib/store/rules' (shared with the PostgreSQL store): this file and sqlite-rows.ts say how SQLite's
 * SQL does them. The reservation batch (reserve) is the hot path and keeps its own tuned I/O around the shared plan.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync as DatabaseSyncT, StatementSync } from 'node:sqlite';
import type { CanonicalOrder, FraudAnnotation } from '../order/types';
import type { CanonicalReturn } from '../returns/types';
import { refuseUnstorable, storableKey } from '../order/storable';
import type { OmsStatus } from '../order/status';
import { activeParts, partsFromJson, planReservations, type ReservationPart, type StockCell } from '../stock/reservation';
import { DEFAULT_LOCATION } from '../stock/types';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, StoreSchemaTooNewError } from './schema';
import { annotationRows, bundlesFromRows, isoUtc, toReturnEvent, toStoredReturn, toChannelCall, toDelivery, toEvent, toPublished, toPublishedQuantity, toShipment, toStockCells, toStockRow, toStoredOrder, toWmsCall, velocityFromRows, VELOCITY_COLUMNS } from './rows';
import { runSteps, type Steps } from './rules/tx';
import { addEventSteps, annotateSteps, recordSteps, type AnnotationEvent } from './rules/orders';
import { setStatusSteps, transitionSteps } from './rules/transition';
import { commitShipmentSteps, PUBLISH_UNLESS_OLDER, releaseSteps, setBundleSteps, stockLevelsSteps } from './rules/stock';
import { recordFraudDecisionSteps, resolveReviewSteps } from './rules/fraud';
import { deliveryAttemptSteps, failedAttempt, leaseUntil, recordShipmentSteps, sentAttempt } from './rules/outbox';
import { controlNumbersSteps } from './rules/sync';
import { enqueueWmsCallSteps, wmsCallAttemptSteps } from './rules/wms-calls';
import { recordReturnSteps, returnableUnitsSteps, transitionReturnSteps } from './rules/returns';
import { restockSteps } from './rules/restock';
import { upsertWarehousesSteps } from './rules/warehouses';
import { recordFlagsSteps, recordLedgerSteps } from './rules/ledger';
import { channelCallAttemptSteps, channelCallKey, claimOrder, enqueueChannelCallsSteps, failedCall, requeueChannelCallSteps, sentCall } from './rules/channel-outbox';
import { SqliteDb, SqliteRows, type Param, type Row } from './sqlite-rows';
import type * as T from './types';
import type { BillingFlag, LedgerSum, UnsettledOrder } from '../billing/reconcile';
import type { LedgerEntry, LedgerEntryInput, LedgerRecordResult, OrderBalance, PayoutInput, PayoutTotal, StoredPayout } from '../billing/types';

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
	prefetch(requests: T.ReserveRequest[]): void {
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

export class SqliteStore implements T.Store {
	readonly kind = 'sqlite' as const;
	private readonly clock: () => Date;
	private readonly q: SqliteDb;
	/** The row operations the shared rules (lib/store/rules) ask for, in SQLite's SQL */
	private readonly rows: SqliteRows;

	private constructor(
		private readonly db: DatabaseSyncT,
		readonly path: string,
		options: SqliteStoreOptions,
	) {
		this.clock = options.now ?? (() => new Date());
		this.q = new SqliteDb(db);
		this.rows = new SqliteRows(this.q);
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
		return this.q.stmt(sql);
	}
	private all(sql: string, ...params: Param[]): Row[] {
		return this.q.all(sql, ...params);
	}
	private get(sql: string, ...params: Param[]): Row | undefined {
		return this.q.get(sql, ...params);
	}
	private run(sql: string, ...params: Param[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
		return this.q.run(sql, ...params);
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

	/** A shared store procedure (lib/store/rules), in one transaction. */
	private write<T>(steps: Steps<T>): T {
		return this.tx(() => runSteps(steps, this.rows));
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
		this.q.close();
	}

	// ------------------------------------------------------------ orders

	async recordOrder(order: CanonicalOrder, opts: { cause?: string } = {}): Promise<T.RecordResult> {
		return this.write(recordSteps(order, opts.cause, this.now()));
	}

	async getOrder(omsId: string): Promise<T.StoredOrder | null> {
		return this.rows.readOrder(omsId);
	}

	async getOrders(omsIds: string[]): Promise<T.StoredOrder[]> {
		if (omsIds.length === 0) return [];
		return this.all('SELECT * FROM orders WHERE oms_id IN (SELECT value FROM json_each(?))', JSON.stringify(omsIds)).map(
			toStoredOrder,
		);
	}

	async searchOrders(search: T.OrderSearch): Promise<T.StoredOrder[]> {
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

	async transition(omsId: string, request: T.TransitionRequest): Promise<T.TransitionResult> {
		return this.write(transitionSteps(omsId, request, this.now()));
	}

	async setStatus(omsId: string, to: OmsStatus, change: T.StatusChange = {}): Promise<T.StatusChangeResult> {
		return this.write(setStatusSteps(omsId, to, change, this.now()));
	}

	async annotate(omsId: string, key: T.AnnotationKey, value: unknown, event: AnnotationEvent = {}): Promise<T.StoredOrder> {
		return this.write(annotateSteps(omsId, key, value, event, this.now()));
	}

	async annotateMany(entries: Parameters<T.Store['annotateMany']>[0]): Promise<{ missing: string[] }> {
		if (!entries.length) return { missing: [] };
		const tuples = annotationRows(entries).map((e) => [e.omsId, `$.${e.key}`, e.value, e.type, e.cause, e.detail]);
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

	async addEvent(omsId: string, type: string, opts: { cause?: string; detail?: Record<string, unknown> } = {}): Promise<T.OmsEvent> {
		return this.write(addEventSteps(omsId, type, opts, this.now()));
	}

	async timeline(omsId: string): Promise<T.OmsEvent[]> {
		return this.all('SELECT * FROM events WHERE oms_id = ? ORDER BY id', omsId).map(toEvent);
	}

	// ------------------------------------------------------------ stock

	async upsertStockLevels(levels: T.StockLevelInput[]): Promise<T.StockChange[]> {
		return this.write(stockLevelsSteps(levels, this.now()));
	}

	async setSafetyStock(sku: string, quantity: number, location: string = DEFAULT_LOCATION): Promise<void> {
		refuseUnstorable('safety stock: sku', sku);
		refuseUnstorable(`safety stock ${sku}: location`, location);
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

	async getStock(skus?: string[]): Promise<T.StockRow[]> {
		const rows = skus
			? this.all('SELECT * FROM stock WHERE sku IN (SELECT value FROM json_each(?)) ORDER BY sku, location', JSON.stringify(skus))
			: this.all('SELECT * FROM stock ORDER BY sku, location');
		return rows.map(toStockRow);
	}

	async getStockCells(skus?: string[]): Promise<T.StockCells[]> {
		const rows = skus
			? this.all('SELECT sku, location, on_hand, reserved, safety_stock, version FROM stock WHERE sku IN (SELECT value FROM json_each(?))', JSON.stringify(skus))
			: this.all('SELECT sku, location, on_hand, reserved, safety_stock, version FROM stock');
		return rows.map(toStockCells);
	}

	async setBundle(bundleSku: string, components: T.BundleComponent[]): Promise<void> {
		this.write(setBundleSteps(bundleSku, components));
	}

	async getBundles(skus?: string[]): Promise<Map<string, T.BundleComponent[]>> {
		const rows = skus
			? this.all('SELECT * FROM bundles WHERE bundle_sku IN (SELECT value FROM json_each(?)) ORDER BY bundle_sku, component_sku', JSON.stringify(skus))
			: this.all('SELECT * FROM bundles ORDER BY bundle_sku, component_sku');
		return bundlesFromRows(rows);
	}

	async reserve(requests: T.ReserveRequest[]): Promise<T.ReserveResult[]> {
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

	async release(omsId: string, lines?: T.SkuQuantity[], opts: { cause?: string } = {}): Promise<{ released: T.ReservedPart[] }> {
		return this.write(releaseSteps(omsId, lines, opts.cause, this.now()));
	}

	async commitShipment(omsId: string, packageKey: string, lines: T.SkuQuantity[], opts: { cause?: string } = {}): Promise<{ committed: T.ReservedPart[]; changed: boolean }> {
		return this.write(commitShipmentSteps(omsId, packageKey, lines, opts.cause, this.now()));
	}

	async activeReservations(omsId?: string): Promise<Array<T.ReservedPart & { omsId: string; lineId: string }>> {
		const rows = omsId
			? this.all('SELECT oms_id, parts FROM reservations WHERE oms_id = ? AND active > 0', omsId)
			: this.all('SELECT oms_id, parts FROM reservations WHERE active > 0 ORDER BY oms_id');
		return rows.flatMap((r) => activeParts(r.oms_id as string, partsFromJson(r.parts)));
	}

	// ------------------------------------------------------------ published

	/** The published rows of a channel (all when omitted) and SKUs (all when omitted): `columns`, in key order when `ordered` */
	private published(columns: string, channel: string | undefined, skus: string[] | undefined, ordered: boolean): Row[] {
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
		return this.all(`SELECT ${columns} FROM published${where.length ? ' WHERE ' + where.join(' AND ') : ''}${ordered ? ' ORDER BY channel, sku' : ''}`, ...params);
	}

	async getPublished(channel?: string, skus?: string[]): Promise<T.PublishedQuantity[]> {
		return this.published('*', channel, skus, true).map(toPublished);
	}

	async getPublishedQuantities(channel?: string, skus?: string[]): Promise<Array<Pick<T.PublishedQuantity, 'channel' | 'sku' | 'quantity'>>> {
		return this.published('channel, sku, quantity', channel, skus, false).map(toPublishedQuantity);
	}

	async setPublished(rows: T.PublishInput[]): Promise<T.PublishInput[]> {
		return this.tx(() => {
			const now = this.now();
			const s = this.stmt(
				`INSERT INTO published (channel, sku, quantity, published_at, basis) VALUES (?, ?, ?, ?, ?)
				 ON CONFLICT (channel, sku) DO UPDATE SET quantity = excluded.quantity, published_at = excluded.published_at, basis = excluded.basis
				 WHERE ${PUBLISH_UNLESS_OLDER}
				 RETURNING channel`,
			);
			return rows.filter((r) => s.all(r.channel, r.sku, r.quantity, now, r.basis ?? null).length > 0);
		});
	}

	// ------------------------------------------------------------ fraud

	async recordFraudDecision(omsId: string, fraud: FraudAnnotation, ruleSetVersion: string): Promise<T.FraudRecord> {
		return this.write(recordFraudDecisionSteps(omsId, fraud, ruleSetVersion, this.now()));
	}

	async getFraudDecision(omsId: string): Promise<T.FraudRecord | null> {
		return this.rows.lockFraudDecision(omsId);
	}

	async resolveFraudReview(omsId: string, decision: 'approved' | 'rejected', by: string, note: string | null = null): Promise<{ resolved: boolean; record: T.FraudRecord }> {
		return this.write(resolveReviewSteps(omsId, decision, by, note, this.now()));
	}

	async velocity(q: T.VelocityQuery): Promise<T.VelocityResult> {
		const column = VELOCITY_COLUMNS[q.key];
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

	// ------------------------------------------------------------ outbox and shipments

	async enqueueDelivery(d: T.NewDelivery): Promise<{ delivery: T.Delivery; created: boolean }> {
		return this.tx(() => this.rows.insertDelivery(d, this.now()));
	}

	async getDelivery(omsId: string, shipmentNo = 1): Promise<T.Delivery | null> {
		const row = this.get('SELECT * FROM deliveries WHERE oms_id = ? AND shipment_no = ?', omsId, shipmentNo);
		return row ? toDelivery(row) : null;
	}

	async claimDueDeliveries(now: string, limit: number, leaseSeconds = 60, providers?: string[]): Promise<T.Delivery[]> {
		return this.tx(() => {
			const { at, until } = leaseUntil(now, leaseSeconds);
			return this.all(
				`UPDATE deliveries SET lease_until = ? WHERE id IN (
					SELECT id FROM deliveries WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
					  AND (lease_until IS NULL OR lease_until <= ?)
					  AND (? IS NULL OR provider IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT ?)
				 RETURNING *`,
				until,
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

	async claimDelivery(id: number, now: string, leaseSeconds = 60): Promise<T.Delivery | null> {
		return this.tx(() => {
			const { at, until } = leaseUntil(now, leaseSeconds);
			const row = this.get(
				`UPDATE deliveries SET lease_until = ? WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?) RETURNING *`,
				until,
				id,
				at,
			);
			return row ? toDelivery(row) : null;
		});
	}

	async markDeliverySent(id: number, wmsOrderId: string | null): Promise<T.Delivery> {
		return this.write(deliveryAttemptSteps(id, sentAttempt(wmsOrderId), this.now()));
	}

	async markDeliveryAttemptFailed(id: number, error: string, nextAttemptAt: string | null): Promise<T.Delivery> {
		return this.write(deliveryAttemptSteps(id, failedAttempt(error, nextAttemptAt), this.now()));
	}

	async listDeliveries(filter: { status?: T.DeliveryStatus[]; provider?: string; limit?: number } = {}): Promise<T.Delivery[]> {
		return this.outboxRows('deliveries', { provider: filter.provider }, filter.status, filter.limit).map(toDelivery);
	}

	async enqueueWmsCall(c: T.NewWmsCall, opts: { again?: boolean } = {}): Promise<{ call: T.WmsCall; outcome: T.WmsCallEnqueueOutcome }> {
		return this.write(enqueueWmsCallSteps(c, opts.again === true, this.now()));
	}

	async getWmsCall(id: number): Promise<T.WmsCall | null> {
		return this.rows.lockWmsCall(id);
	}

	async claimWmsCalls(now: string, opts: { limit?: number; leaseSeconds?: number; providers?: string[]; ids?: number[] } = {}): Promise<T.WmsCall[]> {
		return this.tx(() => {
			const { at, until } = leaseUntil(now, opts.leaseSeconds ?? 120);
			return this.all(
				`UPDATE wms_calls SET lease_until = ? WHERE id IN (
					SELECT id FROM wms_calls WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
					  AND (lease_until IS NULL OR lease_until <= ?)
					  AND (? IS NULL OR provider IN (SELECT value FROM json_each(?)))
					  AND (? IS NULL OR id IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT ?)
				 RETURNING *`,
				until,
				at,
				at,
				opts.providers ? 1 : null,
				JSON.stringify(opts.providers ?? []),
				opts.ids ? 1 : null,
				JSON.stringify(opts.ids ?? []),
				opts.limit ?? 100,
			)
				.map(toWmsCall)
				.sort((a, b) => a.id - b.id);
		});
	}

	async markWmsCall(id: number, version: number, attempt: T.WmsCallAttempt): Promise<{ call: T.WmsCall; recorded: boolean }> {
		return this.write(wmsCallAttemptSteps(id, version, attempt, this.now()));
	}

	async listWmsCalls(filter: { omsId?: string; kind?: T.WmsCallKind; provider?: string; status?: T.WmsCallStatus[]; limit?: number } = {}): Promise<T.WmsCall[]> {
		return this.outboxRows('wms_calls', { oms_id: filter.omsId, kind: filter.kind, provider: filter.provider }, filter.status, filter.limit).map(toWmsCall);
	}

	/** An outbox table's rows, oldest first: these columns equal (undefined: any), the status one of these (empty: any) */
	private outboxRows(table: 'deliveries' | 'channel_calls' | 'wms_calls', equal: Record<string, string | undefined>, status: string[] | undefined, limit = 1000): Row[] {
		const where: string[] = [];
		const params: Param[] = [];
		for (const [column, value] of Object.entries(equal)) {
			if (value === undefined) continue;
			where.push(`${column} = ?`);
			params.push(value);
		}
		if (status?.length) {
			where.push('status IN (SELECT value FROM json_each(?))');
			params.push(JSON.stringify(status));
		}
		params.push(limit);
		return this.db
			.prepare(`SELECT * FROM ${table}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT ?`)
			.all(...params) as Row[];
	}

	async recordShipment(s: Omit<T.StoredShipment, 'recordedAt'>): Promise<{ created: boolean; shipment: T.StoredShipment }> {
		return this.write(recordShipmentSteps(s, this.now()));
	}

	async getShipments(omsId: string): Promise<T.StoredShipment[]> {
		return this.all('SELECT * FROM shipments WHERE oms_id = ? ORDER BY recorded_at, package_key', omsId).map(toShipment);
	}

	// ------------------------------------------------------------ channel outbox

	async enqueueChannelCalls(calls: T.NewChannelCall[]): Promise<Array<{ call: T.ChannelCall; outcome: T.ChannelEnqueueOutcome }>> {
		if (!calls.length) return [];
		return this.write(enqueueChannelCallsSteps(calls, this.now()));
	}

	async getChannelCall(id: number): Promise<T.ChannelCall | null> {
		return this.rows.lockChannelCall(id);
	}

	async findChannelCall(key: Parameters<T.Store['findChannelCall']>[0]): Promise<T.ChannelCall | null> {
		return this.rows.lockChannelCallByKey(key.channel, 'sku' in key ? 'quantity' : 'confirmation', channelCallKey(key));
	}

	async claimChannelCalls(channel: string, now: string, opts: { limit?: number; leaseSeconds?: number; ids?: number[] } = {}): Promise<T.ChannelCall[]> {
		return this.tx(() => {
			const { at, until } = leaseUntil(now, opts.leaseSeconds ?? 120);
			return this.all(
				`UPDATE channel_calls SET status = 'sending', lease_until = ?, updated_at = ?,
					outcome_unknown = CASE WHEN status = 'sending' THEN 1 ELSE outcome_unknown END
				 WHERE id IN (
					SELECT id FROM channel_calls WHERE channel = ?
					  AND ((status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) OR status = 'sending')
					  AND (lease_until IS NULL OR lease_until <= ?)
					  AND (? IS NULL OR id IN (SELECT value FROM json_each(?)))
					ORDER BY CASE kind WHEN 'acknowledgement' THEN 0 WHEN 'cancel_answer' THEN 1 WHEN 'refund' THEN 2 WHEN 'confirmation' THEN 3 ELSE 4 END, quantity, id LIMIT ?)
				 RETURNING *`,
				until,
				at,
				channel,
				at,
				at,
				opts.ids ? 1 : null,
				JSON.stringify(opts.ids ?? []),
				opts.limit ?? 100,
			)
				.map(toChannelCall)
				.sort(claimOrder);
		});
	}

	async markChannelCallSent(id: number, version: number, reference: string | null): Promise<T.ChannelCall> {
		return this.write(channelCallAttemptSteps(id, version, sentCall(reference), this.now()));
	}

	async markChannelCallFailed(id: number, version: number, f: { error: string; nextAttemptAt: string | null; outcomeUnknown?: boolean }): Promise<T.ChannelCall> {
		return this.write(channelCallAttemptSteps(id, version, failedCall(f.error, f.nextAttemptAt, f.outcomeUnknown), this.now()));
	}

	async listChannelCalls(filter: T.ChannelCallFilter = {}): Promise<T.ChannelCall[]> {
		return this.outboxRows('channel_calls', { channel: filter.channel, kind: filter.kind, oms_id: filter.omsId }, filter.status, filter.limit).map(toChannelCall);
	}

	async requeueChannelCall(id: number, who: { by: string; note: string | null }): Promise<{ call: T.ChannelCall; requeued: boolean }> {
		return this.write(requeueChannelCallSteps(id, who, this.now()));
	}

	// ------------------------------------------------------------ returns

	async recordReturn(ret: CanonicalReturn, opts: { cause?: string } = {}): Promise<T.ReturnRecordResult> {
		return this.write(recordReturnSteps(ret, opts.cause, this.now()));
	}

	async getReturn(returnId: string): Promise<T.StoredReturn | null> {
		return this.rows.readReturn(returnId);
	}

	async listReturns(omsId: string): Promise<T.StoredReturn[]> {
		return this.all('SELECT * FROM returns WHERE oms_id = ? ORDER BY requested_at, return_id', omsId).map(toStoredReturn);
	}

	async transitionReturn(returnId: string, request: T.ReturnTransitionRequest): Promise<T.ReturnTransitionResult> {
		return this.write(transitionReturnSteps(returnId, request, this.now()));
	}

	async returnableUnits(omsId: string): Promise<T.ReturnableLine[] | null> {
		return this.write(returnableUnitsSteps(omsId));
	}

	async returnTimeline(returnId: string): Promise<T.ReturnEvent[]> {
		return this.all('SELECT * FROM return_events WHERE return_id = ? ORDER BY id', returnId).map(toReturnEvent);
	}

	async listReturnsByStatus(statuses: readonly T.ReturnStatus[], opts: { limit?: number; toldTo?: string } = {}): Promise<T.StoredReturn[]> {
		const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : -1;
		if (opts.toldTo !== undefined) {
			return this.all(
				`SELECT * FROM returns WHERE status IN (SELECT value FROM json_each(?)) AND EXISTS (SELECT 1 FROM wms_calls wc WHERE wc.oms_id = returns.oms_id AND wc.kind = 'return_create' AND wc.reference = returns.return_id AND wc.status = 'sent' AND wc.provider = ?) ORDER BY changed_at, return_id LIMIT ?`,
				JSON.stringify(statuses),
				opts.toldTo,
				limit,
			).map(toStoredReturn);
		}
		return this.all('SELECT * FROM returns WHERE status IN (SELECT value FROM json_each(?)) ORDER BY changed_at, return_id LIMIT ?', JSON.stringify(statuses), limit).map(toStoredReturn);
	}

	// ------------------------------------------------------------ warehouses

	async upsertWarehouses(inputs: T.WarehouseInput[]): Promise<T.WarehouseUpsert[]> {
		return this.write(upsertWarehousesSteps(inputs, this.now()));
	}

	async listWarehouses(): Promise<T.Warehouse[]> {
		return this.rows.listWarehouses();
	}

	// ------------------------------------------------------------ restock once

	async restockReturnLines(returnId: string, lines: T.RestockLine[], opts: { receivedAt: string; cause?: string }): Promise<T.RestockResult> {
		return this.write(restockSteps(returnId, lines, opts.receivedAt, opts.cause, this.now()));
	}

	async pendingRestocks(skus?: string[]): Promise<T.PendingRestock[]> {
		const all = this.rows.pendingRestocks();
		return skus ? all.filter((p) => skus.includes(p.sku)) : all;
	}

	// ------------------------------------------------------------ the order's ledger

	async recordLedger(entries: LedgerEntryInput[], payouts: PayoutInput[] = []): Promise<LedgerRecordResult> {
		return this.write(recordLedgerSteps(entries, payouts, this.now()));
	}

	async orderLedger(omsId: string): Promise<LedgerEntry[]> {
		return this.rows.orderLedger(omsId);
	}

	async orderBalances(opts: { omsIds?: string[]; channel?: string } = {}): Promise<OrderBalance[]> {
		return this.rows.orderBalances(opts.omsIds ?? null, opts.channel ?? null);
	}

	async payoutTotals(opts: { channel?: string; payoutIds?: string[] } = {}): Promise<PayoutTotal[]> {
		return this.rows.payoutTotals(opts.channel ?? null, opts.payoutIds ?? null);
	}

	async listPayouts(opts: { channel?: string } = {}): Promise<StoredPayout[]> {
		return this.rows.payouts(opts.channel ?? null);
	}

	async ledgerSums(opts: { channel?: string } = {}): Promise<LedgerSum[]> {
		return this.rows.ledgerSums(opts.channel ?? null);
	}

	async unsettledShippedOrders(shippedBefore: string, opts: { channel?: string } = {}): Promise<UnsettledOrder[]> {
		return this.rows.unsettledShippedOrders(shippedBefore, opts.channel ?? null);
	}

	async recordBillingFlags(flags: BillingFlag[], opts: { channel?: string } = {}): Promise<void> {
		return this.write(recordFlagsSteps(flags, opts.channel ?? null, this.now()));
	}

	// ------------------------------------------------------------ idempotency, cursors, control numbers, reports

	async nextControlNumbers(scope: string, count: number): Promise<number> {
		return this.write(controlNumbersSteps(scope, count, this.now()));
	}

	async markProcessed(source: string, id: string): Promise<boolean> {
		return this.rows.markProcessed(storableKey(source), storableKey(id), this.now());
	}

	async getCursor(name: string): Promise<string | null> {
		const row = this.get('SELECT value FROM cursors WHERE name = ?', name);
		return row ? (row.value as string) : null;
	}

	async setCursor(name: string, value: string): Promise<void> {
		// a cursor is handed back to the API as it came: never cleaned, refused when no store can keep it
		refuseUnstorable('cursor name', name);
		refuseUnstorable(`cursor ${name}`, value);
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
