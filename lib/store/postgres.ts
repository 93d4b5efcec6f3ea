/**
 * The OMS store on PostgreSQL (pg): what n8n queue mode with several workers and hosts needs.
 * Every decision runs in one transaction; reservations lock the stock rows they read (SELECT ... FOR UPDATE,
 * in sku/location order, so concurrent batches queue rather than deadlock) and idempotency markers are unique keys,
 * so two executions racing for the last unit never both get it. Deadlocks and serialization failures are retried.
 */
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { CanonicalOrder, FraudAnnotation } from '../order/types';
import { cleanForStore, storableKey, storableText } from '../order/storable';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, StoreSchemaTooNewError } from './schema';
import { checkControlNumberRequest, CONTROL_NUMBER_MAX, firstOfBlock } from './types';
import { isoUtc, planRecord, storableOrder, stableStringify } from './plan';
import { activeParts, activeUnits, partsFromJson, partsToJson, cellsBySku, planConsume, planReservations, type ReservationPart, type StockCell } from '../stock/reservation';
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
type Q = Pick<PoolClient, 'query'>;

export interface PostgresStoreOptions {
	now?: () => Date;
	/** Identifies the store in messages (never the password) */
	label?: string;
}

const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure
const MIGRATION_LOCK = 724_311_001; // advisory lock key: one process migrates at a time

export async function openPostgresStore(config: PoolConfig, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const pg = require('pg') as typeof import('pg');
	const pool = new pg.Pool({ max: 10, ...config });
	// an idle client that loses its server (PostgreSQL restart) must not crash the process
	pool.on('error', () => undefined);
	const label = options.label ?? `postgres://${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;
	const store = new PostgresStore(pool, label, options);
	try {
		await store.migrate();
	} catch (error) {
		await pool.end().catch(() => undefined);
		throw error;
	}
	return store;
}

export class PostgresStore implements Store {
	readonly kind = 'postgres' as const;
	private readonly clock: () => Date;

	constructor(
		readonly pool: Pool,
		readonly label: string,
		options: PostgresStoreOptions = {},
	) {
		this.clock = options.now ?? (() => new Date());
	}

	private now(): string {
		return this.clock().toISOString();
	}

	private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			const client = await this.pool.connect();
			try {
				await client.query('BEGIN');
				const out = await fn(client);
				await client.query('COMMIT');
				client.release();
				return out;
			} catch (error) {
				await client.query('ROLLBACK').catch(() => undefined);
				client.release();
				if (RETRYABLE.has((error as { code?: string }).code ?? '') && attempt < 8) {
					await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
					continue;
				}
				throw error;
			}
		}
	}

	private async rows(q: Q, sql: string, params: unknown[] = []): Promise<Row[]> {
		return (await q.query(sql, params)).rows as Row[];
	}

	async migrate(): Promise<void> {
		await this.tx(async (c) => {
			await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
			await c.query('CREATE TABLE IF NOT EXISTS oms_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
			const row = (await this.rows(c, "SELECT value FROM oms_meta WHERE key = 'schema_version'"))[0];
			const current = row ? Number(row.value) : 0;
			if (current > LATEST_SCHEMA_VERSION) throw new StoreSchemaTooNewError(this.label, current, LATEST_SCHEMA_VERSION);
			for (const m of MIGRATIONS) {
				if (m.version <= current) continue;
				for (const sql of m.postgres) await c.query(sql);
				await c.query(
					"INSERT INTO oms_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
					[String(m.version)],
				);
			}
		});
	}

	async schemaVersion(): Promise<number> {
		const row = (await this.rows(this.pool, "SELECT value FROM oms_meta WHERE key = 'schema_version'"))[0];
		return row ? Number(row.value) : 0;
	}

	async close(): Promise<void> {
		await this.pool.end();
	}

	// ------------------------------------------------------------ orders

	private async readOrder(q: Q, omsId: string, lock = false): Promise<StoredOrder | null> {
		const row = (await this.rows(q, `SELECT * FROM orders WHERE oms_id = $1${lock ? ' FOR UPDATE' : ''}`, [omsId]))[0];
		return row ? toStoredOrder(row) : null;
	}
	private async mustReadOrder(q: Q, omsId: string, lock = false): Promise<StoredOrder> {
		const o = await this.readOrder(q, omsId, lock);
		if (!o) throw new OrderNotFoundError(omsId);
		return o;
	}

	private async insertEvent(
		q: Q,
		omsId: string,
		at: string,
		type: string,
		from: OmsStatus | null,
		to: OmsStatus | null,
		cause: string | null | undefined,
		detail: Record<string, unknown> | null | undefined,
	): Promise<Row> {
		return (
			await this.rows(
				q,
				'INSERT INTO events (oms_id, at, type, from_status, to_status, cause, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
				[omsId, at, type, from, to, ...eventColumns(cause, detail)],
			)
		)[0];
	}

	private async writeLines(q: Q, order: CanonicalOrder): Promise<void> {
		await q.query('DELETE FROM order_lines WHERE oms_id = $1', [order.omsId]);
		const rows = lineRows(order);
		if (!rows.length) return;
		await q.query(
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

	async recordOrder(input: CanonicalOrder, opts: { cause?: string } = {}): Promise<RecordResult> {
		const { order, note } = storableOrder(input);
		const cols = orderColumns(order);
		return this.tx(async (c) => {
			const now = this.now();
			// Claim the id first: a concurrent intake of the same order waits here, then sees it as existing.
			const placeholder = await this.rows(
				c,
				`INSERT INTO orders (oms_id, channel, channel_order_id, order_number, placed_at, channel_updated_at, readiness, channel_status,
					status, currency, total_minor, units, doc, recorded_at, changed_at, version)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9, $10, $11, '{}'::jsonb, $12, $12, 0)
				 ON CONFLICT (oms_id) DO NOTHING RETURNING oms_id`,
				[cols.oms_id, cols.channel, cols.channel_order_id, cols.order_number, cols.placed_at, cols.channel_updated_at, cols.readiness,
					cols.channel_status, cols.currency, cols.total_minor, cols.units, now],
			);
			const existing = placeholder.length ? null : await this.readOrder(c, order.omsId, true);
			const plan = planRecord(existing, order, now);
			if (plan.kind === 'duplicate') {
				return { outcome: 'duplicate', stored: existing!, changes: [plan.reason], reason: plan.reason };
			}
			const status = plan.kind === 'insert' ? plan.status : (plan.statusChange?.status ?? existing!.status);
			const hold = plan.kind === 'insert' ? plan.hold : plan.statusChange ? plan.statusChange.hold : existing!.hold;
			const [hr, hs, hd] = holdColumns(hold);
			await c.query(
				`UPDATE orders SET channel = $2, channel_order_id = $3, order_number = $4, placed_at = $5, channel_updated_at = $6,
					readiness = $7, channel_status = $8, status = $9, hold_reason = $10, hold_since = $11, hold_detail = $12, currency = $13,
					total_minor = $14, units = $15, email = $16, ship_address_key = $17, phone = $18, client_ip = $19, ship_country = $20,
					ship_by = $21, doc = $22, changed_at = $23, version = version + 1,
					shipped_at = CASE WHEN $9 = 'shipped' AND shipped_at IS NULL THEN $23::timestamptz ELSE shipped_at END
				 WHERE oms_id = $1`,
				[cols.oms_id, cols.channel, cols.channel_order_id, cols.order_number, cols.placed_at, cols.channel_updated_at, cols.readiness,
					cols.channel_status, status, hr, hs, hd, cols.currency, cols.total_minor, cols.units, cols.email, cols.ship_address_key,
					cols.phone, cols.client_ip, cols.ship_country, cols.ship_by, JSON.stringify(plan.doc), now],
			);
			await this.writeLines(c, order);
			if (plan.kind === 'insert') {
				await this.insertEvent(c, order.omsId, now, 'recorded', null, status, opts.cause, {
					channelStatus: order.channelStatus,
					readiness: order.readiness,
					...(hold ? { hold: hold.reason } : {}),
					...(note ? { cleaned: note } : {}),
				});
				return { outcome: 'new', stored: await this.mustReadOrder(c, order.omsId), changes: [] };
			}
			await this.insertEvent(c, order.omsId, now, 'updated', existing!.status, status, opts.cause, {
				changes: plan.changes,
				channelStatus: order.channelStatus,
				channelUpdatedAt: order.updatedAt,
				...(note ? { cleaned: note } : {}),
			});
			return { outcome: 'updated', stored: await this.mustReadOrder(c, order.omsId), changes: plan.changes };
		});
	}

	async getOrder(omsId: string): Promise<StoredOrder | null> {
		return this.readOrder(this.pool, omsId);
	}

	async getOrders(omsIds: string[]): Promise<StoredOrder[]> {
		if (!omsIds.length) return [];
		return (await this.rows(this.pool, 'SELECT * FROM orders WHERE oms_id = ANY($1::text[])', [omsIds])).map(toStoredOrder);
	}

	async searchOrders(search: OrderSearch): Promise<StoredOrder[]> {
		const where: string[] = ['version > 0'];
		const params: unknown[] = [];
		const p = (v: unknown) => {
			params.push(v);
			return `$${params.length}`;
		};
		if (search.channels?.length) where.push(`channel = ANY(${p(search.channels)}::text[])`);
		if (search.statuses?.length) where.push(`status = ANY(${p(search.statuses)}::text[])`);
		if (search.holdReasons?.length) where.push(`hold_reason = ANY(${p(search.holdReasons)}::text[])`);
		if (search.placedFrom) where.push(`placed_at >= ${p(isoUtc(search.placedFrom))}`);
		if (search.placedTo) where.push(`placed_at < ${p(isoUtc(search.placedTo))}`);
		if (search.email) where.push(`email = ${p(search.email.trim().toLowerCase())}`);
		if (search.sku) where.push(`oms_id IN (SELECT oms_id FROM order_lines WHERE sku = ${p(search.sku)})`);
		const sql = `SELECT * FROM orders WHERE ${where.join(' AND ')} ORDER BY placed_at ${search.order === 'asc' ? 'ASC' : 'DESC'}, oms_id
			LIMIT ${p(search.limit ?? 100)} OFFSET ${p(search.offset ?? 0)}`;
		return (await this.rows(this.pool, sql, params)).map(toStoredOrder);
	}

	async setStatus(omsId: string, to: OmsStatus, change: StatusChange = {}): Promise<StatusChangeResult> {
		return this.tx(async (c) => {
			const prev = await this.mustReadOrder(c, omsId, true);
			const from = prev.status;
			if (change.onlyFrom && !change.onlyFrom.includes(from)) return { changed: false, from, to, stored: prev };
			const hold = change.hold === undefined ? prev.hold : change.hold;
			if (from === to && stableStringify(hold) === stableStringify(prev.hold)) return { changed: false, from, to, stored: prev };
			const now = this.now();
			const [hr, hs, hd] = holdColumns(hold);
			await c.query(
				`UPDATE orders SET status = $1, hold_reason = $2, hold_since = $3, hold_detail = $4, changed_at = $5, version = version + 1,
					shipped_at = CASE WHEN $1 = 'shipped' AND shipped_at IS NULL THEN $5::timestamptz ELSE shipped_at END
				 WHERE oms_id = $6`,
				[to, hr, hs, hd, now, omsId],
			);
			await this.insertEvent(c, omsId, now, 'status', from, to, change.cause, {
				...(change.detail ?? {}),
				...(hold ? { hold: hold.reason } : {}),
			});
			return { changed: true, from, to, stored: await this.mustReadOrder(c, omsId) };
		});
	}

	async annotate(
		omsId: string,
		key: 'fraud' | 'allocation' | 'wms',
		value: unknown,
		event: { type?: string; cause?: string; detail?: Record<string, unknown> } = {},
	): Promise<StoredOrder> {
		return this.tx(async (c) => {
			const prev = await this.mustReadOrder(c, omsId, true);
			const doc = { ...prev.order, [key]: cleanForStore(value).value };
			const now = this.now();
			await c.query('UPDATE orders SET doc = $1, changed_at = $2, version = version + 1 WHERE oms_id = $3', [JSON.stringify(doc), now, omsId]);
			await this.insertEvent(c, omsId, now, event.type ?? key, prev.status, prev.status, event.cause, event.detail ?? { [key]: value as never });
			return this.mustReadOrder(c, omsId);
		});
	}

	async annotateMany(entries: Parameters<Store['annotateMany']>[0]): Promise<{ missing: string[] }> {
		if (!entries.length) return { missing: [] };
		const ids = entries.map((e) => e.omsId);
		const keys = entries.map((e) => e.key);
		const values = entries.map((e) => storableJsonText(e.value));
		const types = entries.map((e) => e.event?.type ?? e.key);
		const causes = entries.map((e) => (e.event?.cause ? storableText(e.event.cause) : null));
		const details = entries.map((e) => storableJsonText(e.event?.detail ?? { [e.key]: e.value }));
		return this.tx(async (c) => {
			const now = this.now();
			// lock in a fixed order, then merge each key into the stored JSON in one statement (entries for the same
			// order apply in input order)
			const present = new Set(
				(await this.rows(c, 'SELECT oms_id FROM orders WHERE oms_id = ANY($1::text[]) ORDER BY oms_id FOR UPDATE', [ids])).map(
					(r) => r.oms_id as string,
				),
			);
			for (let start = 0; start < entries.length; ) {
				// one UPDATE can touch a row once: take a run of entries with distinct orders
				const seen = new Set<string>();
				let end = start;
				while (end < entries.length && !seen.has(ids[end])) seen.add(ids[end++]);
				await c.query(
					`UPDATE orders o SET doc = jsonb_set(o.doc, ARRAY[t.key], t.value::jsonb), changed_at = $4, version = o.version + 1
					 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(oms_id, key, value) WHERE o.oms_id = t.oms_id`,
					[ids.slice(start, end), keys.slice(start, end), values.slice(start, end), now],
				);
				start = end;
			}
			await c.query(
				`INSERT INTO events (oms_id, at, type, from_status, to_status, cause, detail)
				 SELECT o.oms_id, $6, t.type, o.status, o.status, t.cause, t.detail::jsonb
				 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS t(oms_id, type, cause, detail, n, ord)
				 JOIN orders o ON o.oms_id = t.oms_id ORDER BY t.ord`,
				[ids, types, causes, details, ids.map((_, i) => i), now],
			);
			return { missing: [...new Set(ids)].filter((id) => !present.has(id)) };
		});
	}

	async addEvent(omsId: string, type: string, opts: { cause?: string; detail?: Record<string, unknown> } = {}): Promise<OmsEvent> {
		return this.tx(async (c) => {
			const prev = await this.mustReadOrder(c, omsId);
			return toEvent(await this.insertEvent(c, omsId, this.now(), type, prev.status, prev.status, opts.cause, opts.detail));
		});
	}

	async timeline(omsId: string): Promise<OmsEvent[]> {
		return (await this.rows(this.pool, 'SELECT * FROM events WHERE oms_id = $1 ORDER BY id', [omsId])).map(toEvent);
	}

	// ------------------------------------------------------------ stock

	async upsertStockLevels(levels: StockLevelInput[]): Promise<StockChange[]> {
		if (!levels.length) return [];
		// last one wins when a feed names the same cell twice
		const byCell = new Map<string, { sku: string; location: string; onHand: number }>();
		for (const l of levels) {
			const location = l.location || DEFAULT_LOCATION;
			byCell.set(`${l.sku}\u0000${location}`, { sku: l.sku, location, onHand: l.onHand });
		}
		const cells = [...byCell.values()].sort((a, b) => (a.sku + '\u0000' + a.location < b.sku + '\u0000' + b.location ? -1 : 1));
		return this.tx(async (c) => {
			const now = this.now();
			const sku = cells.map((x) => x.sku);
			const location = cells.map((x) => x.location);
			const before = new Map(
				(
					await this.rows(
						c,
						`SELECT s.sku, s.location, s.on_hand FROM stock s
						 JOIN unnest($1::text[], $2::text[]) AS t(sku, location) ON s.sku = t.sku AND s.location = t.location
						 ORDER BY s.sku, s.location FOR UPDATE OF s`,
						[sku, location],
					)
				).map((r) => [`${r.sku as string}\u0000${r.location as string}`, Number(r.on_hand)]),
			);
			const changed = cells.filter((x) => before.get(`${x.sku}\u0000${x.location}`) !== x.onHand);
			if (changed.length) {
				await c.query(
					`INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at)
					 SELECT sku, location, on_hand, 0, 0, $4 FROM unnest($1::text[], $2::text[], $3::int[]) AS t(sku, location, on_hand)
					 ON CONFLICT (sku, location) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at, version = stock.version + 1`,
					[changed.map((x) => x.sku), changed.map((x) => x.location), changed.map((x) => x.onHand), now],
				);
			}
			return changed.map((x) => ({
				sku: x.sku,
				location: x.location,
				before: before.get(`${x.sku}\u0000${x.location}`) ?? null,
				after: x.onHand,
			}));
		});
	}

	async setSafetyStock(sku: string, quantity: number, location: string = DEFAULT_LOCATION): Promise<void> {
		await this.pool.query(
			`INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at) VALUES ($1, $2, 0, 0, $3, $4)
			 ON CONFLICT (sku, location) DO UPDATE SET safety_stock = EXCLUDED.safety_stock, updated_at = EXCLUDED.updated_at, version = stock.version + 1`,
			[sku, location, quantity, this.now()],
		);
	}

	async getStock(skus?: string[]): Promise<StockRow[]> {
		const rows = skus
			? await this.rows(this.pool, 'SELECT * FROM stock WHERE sku = ANY($1::text[]) ORDER BY sku, location', [skus])
			: await this.rows(this.pool, 'SELECT * FROM stock ORDER BY sku, location');
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
				updatedAt: isoUtc(r.updated_at as Date),
			};
		});
	}

	async setBundle(bundleSku: string, components: BundleComponent[]): Promise<void> {
		await this.tx(async (c) => {
			await c.query('DELETE FROM bundles WHERE bundle_sku = $1', [bundleSku]);
			// its published quantities were computed from other rows: their bases no longer compare
			await c.query('UPDATE published SET basis = NULL WHERE sku = $1', [bundleSku]);
			for (const comp of components) {
				await c.query('INSERT INTO bundles (bundle_sku, component_sku, quantity) VALUES ($1, $2, $3)', [bundleSku, comp.sku, comp.quantity]);
			}
		});
	}

	async getBundles(skus?: string[]): Promise<Map<string, BundleComponent[]>> {
		const rows = skus
			? await this.rows(this.pool, 'SELECT * FROM bundles WHERE bundle_sku = ANY($1::text[]) ORDER BY bundle_sku, component_sku', [skus])
			: await this.rows(this.pool, 'SELECT * FROM bundles ORDER BY bundle_sku, component_sku');
		const out = new Map<string, BundleComponent[]>();
		for (const r of rows) {
			const list = out.get(r.bundle_sku as string) ?? [];
			list.push({ sku: r.component_sku as string, quantity: Number(r.quantity) });
			out.set(r.bundle_sku as string, list);
		}
		return out;
	}

	async reserve(requests: ReserveRequest[]): Promise<ReserveResult[]> {
		if (!requests.length) return [];
		return this.tx(async (c) => {
			const now = this.now();
			const ids = [...new Set(requests.map((r) => r.omsId))].sort();
			// 1. each order's reservation row, created empty if it has none, in id order: a concurrent batch with the
			//    same order waits here, then finds the row (reserved before). Rows of orders reserved before are locked.
			const fresh = new Set(
				(
					await this.rows(
						c,
						`INSERT INTO reservations (oms_id, parts, active, updated_at) SELECT id, '[]'::jsonb, 0, $2 FROM unnest($1::text[]) AS id
						 ORDER BY id ON CONFLICT DO NOTHING RETURNING oms_id`,
						[ids, now],
					)
				).map((r) => r.oms_id as string),
			);
			const again = ids.filter((id) => !fresh.has(id));
			const docs = new Map<string, ReservationPart[]>();
			if (again.length) {
				for (const r of await this.rows(c, 'SELECT oms_id, parts FROM reservations WHERE oms_id = ANY($1::text[]) ORDER BY oms_id FOR UPDATE', [again])) {
					docs.set(r.oms_id as string, partsFromJson(r.parts));
				}
			}
			// 2. lock the stock rows involved, in a fixed order (a repeat order's too: its result says whether a SKU
			//    has stock rows at all)
			const skus = new Set<string>();
			for (const req of requests) {
				for (const l of req.lines) {
					if (l.components?.length) for (const comp of l.components) skus.add(comp.sku);
					else skus.add(l.sku);
				}
			}
			const stock: StockCell[] = skus.size
				? (
						await this.rows(
							c,
							'SELECT sku, location, on_hand, reserved, safety_stock FROM stock WHERE sku = ANY($1::text[]) ORDER BY sku, location FOR UPDATE',
							[[...skus].sort()],
						)
					).map((r) => ({
						sku: r.sku as string,
						location: r.location as string,
						onHand: Number(r.on_hand),
						reserved: Number(r.reserved),
						safetyStock: Number(r.safety_stock),
						lastPlan: 0,
					}))
				: [];
			const plan = planReservations(requests, cellsBySku(stock), docs);
			// 3. write: one statement for stock, one for the reservation rows, one for events
			const touched = plan.touched;
			if (touched.length) {
				await c.query(
					`UPDATE stock s SET reserved = t.reserved, version = s.version + 1
					 FROM unnest($1::text[], $2::text[], $3::int[]) AS t(sku, location, reserved)
					 WHERE s.sku = t.sku AND s.location = t.location`,
					[touched.map((x) => x.sku), touched.map((x) => x.location), touched.map((x) => x.reserved)],
				);
			}
			// new rows were inserted empty in step 1; every document with parts is written whole
			const docsToWrite = plan.docs.filter((d) => !d.isNew || d.parts.length);
			if (docsToWrite.length) {
				await c.query(
					`UPDATE reservations r SET parts = t.parts::jsonb, active = t.active, updated_at = $4
					 FROM unnest($1::text[], $2::text[], $3::int[]) AS t(oms_id, parts, active)
					 WHERE r.oms_id = t.oms_id`,
					[docsToWrite.map((d) => d.omsId), docsToWrite.map((d) => d.json), docsToWrite.map((d) => d.active), now],
				);
			}
			// (results are in request order: each changed one's event takes its own request's cause)
			const changed = plan.results.map((r, i) => ({ ...r, cause: requests[i].cause ?? null })).filter((r) => r.changed);
			if (changed.length) {
				await c.query(
					`INSERT INTO events (oms_id, at, type, cause, detail)
					 SELECT t.oms_id, $4, 'reservation', t.cause, t.detail::jsonb
					 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(oms_id, cause, detail)
					 WHERE EXISTS (SELECT 1 FROM orders o WHERE o.oms_id = t.oms_id)`,
					[
						changed.map((r) => r.omsId),
						changed.map((r) => r.cause),
						changed.map((r) =>
							JSON.stringify({ lines: r.lines.map((l) => ({ sku: l.sku, requested: l.requested, allocated: l.allocated })) }),
						),
						now,
					],
				);
			}
			return plan.results;
		});
	}

	private async consume(
		c: Q,
		omsId: string,
		lines: Array<{ sku: string; quantity: number }> | undefined,
		to: 'released' | 'committed',
		now: string,
	): Promise<ReservedPart[]> {
		const row = (await this.rows(c, 'SELECT parts FROM reservations WHERE oms_id = $1 FOR UPDATE', [omsId]))[0];
		if (!row) return [];
		const { parts, taken } = planConsume(partsFromJson(row.parts), lines, to);
		if (!taken.length) return [];
		// lock stock cells in a fixed order before changing them
		const cells = [...new Set(taken.map((t) => `${t.sku}\u0000${t.location}`))].sort();
		await c.query(
			`SELECT 1 FROM stock WHERE (sku, location) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY sku, location FOR UPDATE`,
			[cells.map((k) => k.split('\u0000')[0]), cells.map((k) => k.split('\u0000')[1])],
		);
		await c.query('UPDATE reservations SET parts = $1::jsonb, active = $2, updated_at = $3 WHERE oms_id = $4', [partsToJson(parts), activeUnits(parts), now, omsId]);
		for (const t of taken) {
			if (to === 'committed') {
				await c.query(
					'UPDATE stock SET reserved = GREATEST(0, reserved - $1), on_hand = GREATEST(0, on_hand - $1), updated_at = $2, version = version + 1 WHERE sku = $3 AND location = $4',
					[t.quantity, now, t.sku, t.location],
				);
			} else {
				await c.query('UPDATE stock SET reserved = GREATEST(0, reserved - $1), version = version + 1 WHERE sku = $2 AND location = $3', [t.quantity, t.sku, t.location]);
			}
		}
		return taken;
	}

	async release(
		omsId: string,
		lines?: Array<{ sku: string; quantity: number }>,
		opts: { cause?: string } = {},
	): Promise<{ released: ReservedPart[] }> {
		return this.tx(async (c) => {
			const now = this.now();
			const released = await this.consume(c, omsId, lines, 'released', now);
			if (released.length && (await this.readOrder(c, omsId))) {
				await this.insertEvent(c, omsId, now, 'release', null, null, opts.cause, { released });
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
		return this.tx(async (c) => {
			const now = this.now();
			const first = await this.rows(
				c,
				"INSERT INTO processed (source, id, at) VALUES ('commit', $1, $2) ON CONFLICT DO NOTHING RETURNING id",
				[`${omsId}#${packageKey}`, now],
			);
			if (!first.length) return { committed: [], changed: false };
			const committed = await this.consume(c, omsId, lines, 'committed', now);
			const short = new Map<string, number>();
			for (const l of lines) short.set(l.sku, (short.get(l.sku) ?? 0) + l.quantity);
			for (const x of committed) short.set(x.sku, (short.get(x.sku) ?? 0) - x.quantity);
			for (const [sku, qty] of short) {
				if (qty > 0) {
					await c.query('UPDATE stock SET on_hand = GREATEST(0, on_hand - $1), updated_at = $2, version = version + 1 WHERE sku = $3 AND location = $4', [
						qty,
						now,
						sku,
						DEFAULT_LOCATION,
					]);
				}
			}
			if (await this.readOrder(c, omsId)) await this.insertEvent(c, omsId, now, 'commit', null, null, opts.cause, { packageKey, committed });
			return { committed, changed: true };
		});
	}

	async activeReservations(omsId?: string): Promise<Array<ReservedPart & { omsId: string; lineId: string }>> {
		const rows = omsId
			? await this.rows(this.pool, 'SELECT oms_id, parts FROM reservations WHERE oms_id = $1 AND active > 0', [omsId])
			: await this.rows(this.pool, 'SELECT oms_id, parts FROM reservations WHERE active > 0 ORDER BY oms_id');
		return rows.flatMap((r) => activeParts(r.oms_id as string, partsFromJson(r.parts)));
	}

	// ------------------------------------------------------------ published

	async getPublished(channel?: string, skus?: string[]): Promise<PublishedQuantity[]> {
		const where: string[] = [];
		const params: unknown[] = [];
		if (channel) {
			params.push(channel);
			where.push(`channel = $${params.length}`);
		}
		if (skus) {
			params.push(skus);
			where.push(`sku = ANY($${params.length}::text[])`);
		}
		const rows = await this.rows(this.pool, `SELECT * FROM published${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY channel, sku`, params);
		return rows.map((r) => ({
			channel: r.channel as string,
			sku: r.sku as string,
			quantity: Number(r.quantity),
			publishedAt: isoUtc(r.published_at as Date),
		}));
	}

	async setPublished(rows: PublishInput[]): Promise<PublishInput[]> {
		if (!rows.length) return [];
		const byKey = new Map(rows.map((r) => [`${r.channel}\u0000${r.sku}`, r]));
		const list = [...byKey.values()];
		const written = await this.rows(
			this.pool,
			`INSERT INTO published (channel, sku, quantity, published_at, basis)
			 SELECT channel, sku, quantity, $4, basis FROM unnest($1::text[], $2::text[], $3::int[], $5::bigint[]) AS t(channel, sku, quantity, basis)
			 ON CONFLICT (channel, sku) DO UPDATE SET quantity = EXCLUDED.quantity, published_at = EXCLUDED.published_at, basis = EXCLUDED.basis
			 WHERE EXCLUDED.basis IS NULL OR published.basis IS NULL OR EXCLUDED.basis >= published.basis
			 RETURNING channel, sku`,
			[list.map((r) => r.channel), list.map((r) => r.sku), list.map((r) => r.quantity), this.now(), list.map((r) => r.basis ?? null)],
		);
		const ok = new Set(written.map((w) => `${w.channel as string}\u0000${w.sku as string}`));
		return rows.filter((r) => ok.has(`${r.channel}\u0000${r.sku}`));
	}

	// ------------------------------------------------------------ fraud

	async recordFraudDecision(omsId: string, fraud: FraudAnnotation, ruleSetVersion: string): Promise<FraudRecord> {
		const rows = await this.rows(
			this.pool,
			`INSERT INTO fraud_decisions (oms_id, decision, score, doc, rule_set_version, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
			 ON CONFLICT (oms_id) DO UPDATE SET decision = EXCLUDED.decision, score = EXCLUDED.score, doc = EXCLUDED.doc,
			   rule_set_version = EXCLUDED.rule_set_version, decided_at = EXCLUDED.decided_at,
			   resolution = NULL, resolved_by = NULL, resolution_note = NULL, resolved_at = NULL
			 RETURNING *`,
			[omsId, fraud.decision, Math.round(fraud.score), JSON.stringify(fraud), ruleSetVersion, this.now()],
		);
		return toFraudRecord(rows[0]);
	}

	async getFraudDecision(omsId: string): Promise<FraudRecord | null> {
		const row = (await this.rows(this.pool, 'SELECT * FROM fraud_decisions WHERE oms_id = $1', [omsId]))[0];
		return row ? toFraudRecord(row) : null;
	}

	async resolveFraudReview(
		omsId: string,
		decision: 'approved' | 'rejected',
		by: string,
		note: string | null = null,
	): Promise<{ resolved: boolean; record: FraudRecord }> {
		return this.tx(async (c) => {
			const row = (await this.rows(c, 'SELECT * FROM fraud_decisions WHERE oms_id = $1 FOR UPDATE', [omsId]))[0];
			if (!row) throw new Error(`Order ${omsId} has no fraud decision to resolve`);
			if (row.resolution) return { resolved: false, record: toFraudRecord(row) };
			if (row.decision !== 'review') throw new Error(`Order ${omsId} is not held for fraud review (its decision was ${String(row.decision)})`);
			const updated = await this.rows(
				c,
				'UPDATE fraud_decisions SET resolution = $1, resolved_by = $2, resolution_note = $3, resolved_at = $4 WHERE oms_id = $5 RETURNING *',
				[decision, by, note, this.now(), omsId],
			);
			return { resolved: true, record: toFraudRecord(updated[0]) };
		});
	}

	async velocity(q: VelocityQuery): Promise<VelocityResult> {
		const column = { email: 'email', shipAddress: 'ship_address_key', phone: 'phone', clientIp: 'client_ip' }[q.key];
		const rows = await this.rows(
			this.pool,
			`SELECT currency, channel, COUNT(*) AS n, SUM(total_minor) AS total FROM orders
			 WHERE ${column} = $1 AND placed_at >= $2 AND ($3::timestamptz IS NULL OR placed_at < $3) AND oms_id <> $4 AND version > 0
			 GROUP BY currency, channel`,
			[q.value, isoUtc(q.since), q.until ? isoUtc(q.until) : null, q.excludeOmsId ?? ''],
		);
		return velocityFromRows(rows);
	}

	// ------------------------------------------------------------ outbox

	async enqueueDelivery(d: NewDelivery): Promise<{ delivery: Delivery; created: boolean }> {
		const now = this.now();
		const inserted = await this.rows(
			this.pool,
			`INSERT INTO deliveries (oms_id, shipment_no, provider, reference, status, attempts, payload, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $6) ON CONFLICT (oms_id, shipment_no) DO NOTHING RETURNING *`,
			[d.omsId, d.shipmentNo, d.provider, d.reference, d.payload ? JSON.stringify(d.payload) : null, now],
		);
		if (inserted.length) return { delivery: toDelivery(inserted[0]), created: true };
		const row = (await this.rows(this.pool, 'SELECT * FROM deliveries WHERE oms_id = $1 AND shipment_no = $2', [d.omsId, d.shipmentNo]))[0];
		return { delivery: toDelivery(row), created: false };
	}

	async getDelivery(omsId: string, shipmentNo = 1): Promise<Delivery | null> {
		const row = (await this.rows(this.pool, 'SELECT * FROM deliveries WHERE oms_id = $1 AND shipment_no = $2', [omsId, shipmentNo]))[0];
		return row ? toDelivery(row) : null;
	}

	async claimDueDeliveries(now: string, limit: number, leaseSeconds = 60, providers?: string[]): Promise<Delivery[]> {
		const at = isoUtc(now);
		const lease = new Date(Date.parse(at) + leaseSeconds * 1000).toISOString();
		const rows = await this.rows(
			this.pool,
			`UPDATE deliveries SET lease_until = $1 WHERE id IN (
				SELECT id FROM deliveries WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
				  AND (lease_until IS NULL OR lease_until <= $2) AND ($4::text[] IS NULL OR provider = ANY($4::text[]))
				ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
			 RETURNING *`,
			[lease, at, limit, providers ?? null],
		);
		return rows.map(toDelivery).sort((a, b) => a.id - b.id);
	}

	async claimDelivery(id: number, now: string, leaseSeconds = 60): Promise<Delivery | null> {
		const at = isoUtc(now);
		const lease = new Date(Date.parse(at) + leaseSeconds * 1000).toISOString();
		const rows = await this.rows(
			this.pool,
			`UPDATE deliveries SET lease_until = $1 WHERE id = $2 AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $3) RETURNING *`,
			[lease, id, at],
		);
		return rows.length ? toDelivery(rows[0]) : null;
	}

	async markDeliverySent(id: number, wmsOrderId: string | null): Promise<Delivery> {
		const rows = await this.rows(
			this.pool,
			`UPDATE deliveries SET status = 'sent', wms_order_id = $1, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL,
			   lease_until = NULL, updated_at = $2 WHERE id = $3 RETURNING *`,
			[wmsOrderId, this.now(), id],
		);
		return toDelivery(rows[0]);
	}

	async markDeliveryAttemptFailed(id: number, error: string, nextAttemptAt: string | null): Promise<Delivery> {
		const rows = await this.rows(
			this.pool,
			`UPDATE deliveries SET status = $1, attempts = attempts + 1, last_error = $2, next_attempt_at = $3, lease_until = NULL, updated_at = $4
			 WHERE id = $5 RETURNING *`,
			[nextAttemptAt ? 'pending' : 'failed', storableText(error), nextAttemptAt ? isoUtc(nextAttemptAt) : null, this.now(), id],
		);
		return toDelivery(rows[0]);
	}

	async listDeliveries(filter: { status?: DeliveryStatus[]; provider?: string; limit?: number } = {}): Promise<Delivery[]> {
		const where: string[] = [];
		const params: unknown[] = [];
		if (filter.status?.length) {
			params.push(filter.status);
			where.push(`status = ANY($${params.length}::text[])`);
		}
		if (filter.provider) {
			params.push(filter.provider);
			where.push(`provider = $${params.length}`);
		}
		params.push(filter.limit ?? 1000);
		const rows = await this.rows(
			this.pool,
			`SELECT * FROM deliveries${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT $${params.length}`,
			params,
		);
		return rows.map(toDelivery);
	}

	// ------------------------------------------------------------ shipments

	async recordShipment(s: Omit<StoredShipment, 'recordedAt'>): Promise<{ created: boolean; shipment: StoredShipment }> {
		const inserted = await this.rows(
			this.pool,
			`INSERT INTO shipments (oms_id, package_key, provider, carrier, tracking_number, tracking_url, shipped_at, lines, recorded_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (oms_id, package_key) DO NOTHING RETURNING *`,
			[s.omsId, s.packageKey, s.provider, s.carrier, s.trackingNumber, s.trackingUrl, s.shippedAt ? isoUtc(s.shippedAt) : null,
				JSON.stringify(s.lines), this.now()],
		);
		if (inserted.length) return { created: true, shipment: toShipment(inserted[0]) };
		const row = (await this.rows(this.pool, 'SELECT * FROM shipments WHERE oms_id = $1 AND package_key = $2', [s.omsId, s.packageKey]))[0];
		return { created: false, shipment: toShipment(row) };
	}

	async getShipments(omsId: string): Promise<StoredShipment[]> {
		return (await this.rows(this.pool, 'SELECT * FROM shipments WHERE oms_id = $1 ORDER BY recorded_at, package_key', [omsId])).map(toShipment);
	}

	// ------------------------------------------------------------ idempotency, cursors, reports

	async nextControlNumbers(scope: string, count: number): Promise<number> {
		checkControlNumberRequest(scope, count);
		// one statement: the row lock of ON CONFLICT DO UPDATE serialises concurrent callers
		const rows = await this.rows(
			this.pool,
			`INSERT INTO edi_control_numbers (scope, last_number, updated_at) VALUES ($1, $2, $3)
			 ON CONFLICT (scope) DO UPDATE SET last_number = ((edi_control_numbers.last_number + $2 - 1) % ${CONTROL_NUMBER_MAX}) + 1,
			   updated_at = EXCLUDED.updated_at
			 RETURNING last_number`,
			[scope, count, this.now()],
		);
		return firstOfBlock(Number(rows[0].last_number), count);
	}

	async markProcessed(source: string, id: string): Promise<boolean> {
		const rows = await this.rows(
			this.pool,
			'INSERT INTO processed (source, id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id',
			[storableKey(source), storableKey(id), this.now()],
		);
		return rows.length > 0;
	}

	async getCursor(name: string): Promise<string | null> {
		const row = (await this.rows(this.pool, 'SELECT value FROM cursors WHERE name = $1', [name]))[0];
		return row ? (row.value as string) : null;
	}

	async setCursor(name: string, value: string): Promise<void> {
		await this.pool.query(
			'INSERT INTO cursors (name, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at',
			[name, value, this.now()],
		);
	}

	async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
		return (await this.pool.query(sql, params)).rows as T[];
	}
}
