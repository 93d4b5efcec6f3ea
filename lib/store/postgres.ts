/**
 * The OMS store on PostgreSQL (pg): what n8n queue mode with several workers and hosts needs.
 * Every decision runs in one transaction; reservations lock the stock rows they read (SELECT ... FOR UPDATE,
 * in sku/location order, so concurrent batches queue rather than deadlock) and idempotency markers are unique keys,
 * so two executions racing for the last unit never both get it. Deadlocks and serialization failures are retried.
 *
 * The rules are lib/store/rules' (shared with the SQLite store): this file and postgres-rows.ts say how PostgreSQL's
 * SQL does them.
 */
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { CanonicalOrder, FraudAnnotation } from '../order/types';
import type { CanonicalReturn } from '../returns/types';
import { refuseUnstorable, storableKey } from '../order/storable';
import type { OmsStatus } from '../order/status';
import { activeParts, cellsBySku, partsFromJson, planReservations, type ReservationPart, type StockCell } from '../stock/reservation';
import { DEFAULT_LOCATION } from '../stock/types';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, StoreSchemaTooNewError } from './schema';
import { annotationRows, bundlesFromRows, isoUtc, toReturnEvent, toStoredReturn, toChannelCall, toDelivery, toEvent, toFraudRecord, toPublished, toPublishedQuantity, toShipment, toStockCells, toStockRow, toStoredOrder, toWmsCall, velocityFromRows, VELOCITY_COLUMNS } from './rows';
import { runStepsAsync, type Steps } from './rules/tx';
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
import { PostgresRows, rowsOf, type Q, type Row } from './postgres-rows';
import type * as T from './types';
import type { BillingFlag, LedgerSum, UnsettledOrder } from '../billing/reconcile';
import type { LedgerEntry, LedgerEntryInput, LedgerRecordResult, OrderBalance, PayoutInput, PayoutTotal, StoredPayout } from '../billing/types';

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

export class PostgresStore implements T.Store {
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

	private rows(q: Q, sql: string, params: unknown[] = []): Promise<Row[]> {
		return rowsOf(q, sql, params);
	}

	/** A shared store procedure (lib/store/rules), in one transaction (again from the start after a deadlock). */
	private write<T>(steps: () => Steps<T>): Promise<T> {
		return this.tx((c) => runStepsAsync(steps(), new PostgresRows(c)));
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

	async recordOrder(order: CanonicalOrder, opts: { cause?: string } = {}): Promise<T.RecordResult> {
		return this.write(() => recordSteps(order, opts.cause, this.now()));
	}

	async getOrder(omsId: string): Promise<T.StoredOrder | null> {
		return new PostgresRows(this.pool).readOrder(omsId);
	}

	async getOrders(omsIds: string[]): Promise<T.StoredOrder[]> {
		if (!omsIds.length) return [];
		return (await this.rows(this.pool, 'SELECT * FROM orders WHERE oms_id = ANY($1::text[])', [omsIds])).map(toStoredOrder);
	}

	async searchOrders(search: T.OrderSearch): Promise<T.StoredOrder[]> {
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

	async transition(omsId: string, request: T.TransitionRequest): Promise<T.TransitionResult> {
		return this.write(() => transitionSteps(omsId, request, this.now()));
	}

	async setStatus(omsId: string, to: OmsStatus, change: T.StatusChange = {}): Promise<T.StatusChangeResult> {
		return this.write(() => setStatusSteps(omsId, to, change, this.now()));
	}

	async annotate(omsId: string, key: T.AnnotationKey, value: unknown, event: AnnotationEvent = {}): Promise<T.StoredOrder> {
		return this.write(() => annotateSteps(omsId, key, value, event, this.now()));
	}

	async annotateMany(entries: Parameters<T.Store['annotateMany']>[0]): Promise<{ missing: string[] }> {
		if (!entries.length) return { missing: [] };
		const rows = annotationRows(entries);
		const ids = rows.map((e) => e.omsId);
		const keys = rows.map((e) => e.key);
		const values = rows.map((e) => e.value);
		const types = rows.map((e) => e.type);
		const causes = rows.map((e) => e.cause);
		const details = rows.map((e) => e.detail);
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

	async addEvent(omsId: string, type: string, opts: { cause?: string; detail?: Record<string, unknown> } = {}): Promise<T.OmsEvent> {
		return this.write(() => addEventSteps(omsId, type, opts, this.now()));
	}

	async timeline(omsId: string): Promise<T.OmsEvent[]> {
		return (await this.rows(this.pool, 'SELECT * FROM events WHERE oms_id = $1 ORDER BY id', [omsId])).map(toEvent);
	}

	// ------------------------------------------------------------ stock

	async upsertStockLevels(levels: T.StockLevelInput[]): Promise<T.StockChange[]> {
		if (!levels.length) return [];
		return this.write(() => stockLevelsSteps(levels, this.now()));
	}

	async setSafetyStock(sku: string, quantity: number, location: string = DEFAULT_LOCATION): Promise<void> {
		refuseUnstorable('safety stock: sku', sku);
		refuseUnstorable(`safety stock ${sku}: location`, location);
		await this.pool.query(
			`INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at) VALUES ($1, $2, 0, 0, $3, $4)
			 ON CONFLICT (sku, location) DO UPDATE SET safety_stock = EXCLUDED.safety_stock, updated_at = EXCLUDED.updated_at, version = stock.version + 1`,
			[sku, location, quantity, this.now()],
		);
	}

	async getStock(skus?: string[]): Promise<T.StockRow[]> {
		const rows = skus
			? await this.rows(this.pool, 'SELECT * FROM stock WHERE sku = ANY($1::text[]) ORDER BY sku, location', [skus])
			: await this.rows(this.pool, 'SELECT * FROM stock ORDER BY sku, location');
		return rows.map(toStockRow);
	}

	async getStockCells(skus?: string[]): Promise<T.StockCells[]> {
		const rows = skus
			? await this.rows(this.pool, 'SELECT sku, location, on_hand, reserved, safety_stock, version FROM stock WHERE sku = ANY($1::text[])', [skus])
			: await this.rows(this.pool, 'SELECT sku, location, on_hand, reserved, safety_stock, version FROM stock');
		return rows.map(toStockCells);
	}

	async setBundle(bundleSku: string, components: T.BundleComponent[]): Promise<void> {
		await this.write(() => setBundleSteps(bundleSku, components));
	}

	async getBundles(skus?: string[]): Promise<Map<string, T.BundleComponent[]>> {
		const rows = skus
			? await this.rows(this.pool, 'SELECT * FROM bundles WHERE bundle_sku = ANY($1::text[]) ORDER BY bundle_sku, component_sku', [skus])
			: await this.rows(this.pool, 'SELECT * FROM bundles ORDER BY bundle_sku, component_sku');
		return bundlesFromRows(rows);
	}

	async reserve(requests: T.ReserveRequest[]): Promise<T.ReserveResult[]> {
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

	async release(omsId: string, lines?: T.SkuQuantity[], opts: { cause?: string } = {}): Promise<{ released: T.ReservedPart[] }> {
		return this.write(() => releaseSteps(omsId, lines, opts.cause, this.now()));
	}

	async commitShipment(omsId: string, packageKey: string, lines: T.SkuQuantity[], opts: { cause?: string } = {}): Promise<{ committed: T.ReservedPart[]; changed: boolean }> {
		return this.write(() => commitShipmentSteps(omsId, packageKey, lines, opts.cause, this.now()));
	}

	async activeReservations(omsId?: string): Promise<Array<T.ReservedPart & { omsId: string; lineId: string }>> {
		const rows = omsId
			? await this.rows(this.pool, 'SELECT oms_id, parts FROM reservations WHERE oms_id = $1 AND active > 0', [omsId])
			: await this.rows(this.pool, 'SELECT oms_id, parts FROM reservations WHERE active > 0 ORDER BY oms_id');
		return rows.flatMap((r) => activeParts(r.oms_id as string, partsFromJson(r.parts)));
	}

	// ------------------------------------------------------------ published

	/** The published rows of a channel (all when omitted) and SKUs (all when omitted): `columns`, in key order when `ordered` */
	private published(columns: string, channel: string | undefined, skus: string[] | undefined, ordered: boolean): Promise<Row[]> {
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
		return this.rows(this.pool, `SELECT ${columns} FROM published${where.length ? ' WHERE ' + where.join(' AND ') : ''}${ordered ? ' ORDER BY channel, sku' : ''}`, params);
	}

	async getPublished(channel?: string, skus?: string[]): Promise<T.PublishedQuantity[]> {
		return (await this.published('*', channel, skus, true)).map(toPublished);
	}

	async getPublishedQuantities(channel?: string, skus?: string[]): Promise<Array<Pick<T.PublishedQuantity, 'channel' | 'sku' | 'quantity'>>> {
		return (await this.published('channel, sku, quantity', channel, skus, false)).map(toPublishedQuantity);
	}

	async setPublished(rows: T.PublishInput[]): Promise<T.PublishInput[]> {
		if (!rows.length) return [];
		const byKey = new Map(rows.map((r) => [`${r.channel}\u0000${r.sku}`, r]));
		const list = [...byKey.values()];
		const written = await this.rows(
			this.pool,
			`INSERT INTO published (channel, sku, quantity, published_at, basis)
			 SELECT channel, sku, quantity, $4, basis FROM unnest($1::text[], $2::text[], $3::int[], $5::bigint[]) AS t(channel, sku, quantity, basis)
			 ON CONFLICT (channel, sku) DO UPDATE SET quantity = EXCLUDED.quantity, published_at = EXCLUDED.published_at, basis = EXCLUDED.basis
			 WHERE ${PUBLISH_UNLESS_OLDER}
			 RETURNING channel, sku`,
			[list.map((r) => r.channel), list.map((r) => r.sku), list.map((r) => r.quantity), this.now(), list.map((r) => r.basis ?? null)],
		);
		const ok = new Set(written.map((w) => `${w.channel as string}\u0000${w.sku as string}`));
		return rows.filter((r) => ok.has(`${r.channel}\u0000${r.sku}`));
	}

	// ------------------------------------------------------------ fraud

	async recordFraudDecision(omsId: string, fraud: FraudAnnotation, ruleSetVersion: string): Promise<T.FraudRecord> {
		return this.write(() => recordFraudDecisionSteps(omsId, fraud, ruleSetVersion, this.now()));
	}

	async getFraudDecision(omsId: string): Promise<T.FraudRecord | null> {
		const row = (await this.rows(this.pool, 'SELECT * FROM fraud_decisions WHERE oms_id = $1', [omsId]))[0];
		return row ? toFraudRecord(row) : null;
	}

	async resolveFraudReview(omsId: string, decision: 'approved' | 'rejected', by: string, note: string | null = null): Promise<{ resolved: boolean; record: T.FraudRecord }> {
		return this.write(() => resolveReviewSteps(omsId, decision, by, note, this.now()));
	}

	async velocity(q: T.VelocityQuery): Promise<T.VelocityResult> {
		const column = VELOCITY_COLUMNS[q.key];
		const rows = await this.rows(
			this.pool,
			`SELECT currency, channel, COUNT(*) AS n, SUM(total_minor) AS total FROM orders
			 WHERE ${column} = $1 AND placed_at >= $2 AND ($3::timestamptz IS NULL OR placed_at < $3) AND oms_id <> $4 AND version > 0
			 GROUP BY currency, channel`,
			[q.value, isoUtc(q.since), q.until ? isoUtc(q.until) : null, q.excludeOmsId ?? ''],
		);
		return velocityFromRows(rows);
	}

	// ------------------------------------------------------------ outbox and shipments

	async enqueueDelivery(d: T.NewDelivery): Promise<{ delivery: T.Delivery; created: boolean }> {
		return new PostgresRows(this.pool).insertDelivery(d, this.now());
	}

	async getDelivery(omsId: string, shipmentNo = 1): Promise<T.Delivery | null> {
		const row = (await this.rows(this.pool, 'SELECT * FROM deliveries WHERE oms_id = $1 AND shipment_no = $2', [omsId, shipmentNo]))[0];
		return row ? toDelivery(row) : null;
	}

	async claimDueDeliveries(now: string, limit: number, leaseSeconds = 60, providers?: string[]): Promise<T.Delivery[]> {
		const { at, until } = leaseUntil(now, leaseSeconds);
		const rows = await this.rows(
			this.pool,
			`UPDATE deliveries SET lease_until = $1 WHERE id IN (
				SELECT id FROM deliveries WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
				  AND (lease_until IS NULL OR lease_until <= $2) AND ($4::text[] IS NULL OR provider = ANY($4::text[]))
				ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
			 RETURNING *`,
			[until, at, limit, providers ?? null],
		);
		return rows.map(toDelivery).sort((a, b) => a.id - b.id);
	}

	async claimDelivery(id: number, now: string, leaseSeconds = 60): Promise<T.Delivery | null> {
		const { at, until } = leaseUntil(now, leaseSeconds);
		const rows = await this.rows(
			this.pool,
			`UPDATE deliveries SET lease_until = $1 WHERE id = $2 AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $3) RETURNING *`,
			[until, id, at],
		);
		return rows.length ? toDelivery(rows[0]) : null;
	}

	async markDeliverySent(id: number, wmsOrderId: string | null): Promise<T.Delivery> {
		return this.write(() => deliveryAttemptSteps(id, sentAttempt(wmsOrderId), this.now()));
	}

	async markDeliveryAttemptFailed(id: number, error: string, nextAttemptAt: string | null): Promise<T.Delivery> {
		return this.write(() => deliveryAttemptSteps(id, failedAttempt(error, nextAttemptAt), this.now()));
	}

	async listDeliveries(filter: { status?: T.DeliveryStatus[]; provider?: string; limit?: number } = {}): Promise<T.Delivery[]> {
		return (await this.outboxRows('deliveries', { provider: filter.provider }, filter.status, filter.limit)).map(toDelivery);
	}

	async enqueueWmsCall(c: T.NewWmsCall, opts: { again?: boolean } = {}): Promise<{ call: T.WmsCall; outcome: T.WmsCallEnqueueOutcome }> {
		return this.write(() => enqueueWmsCallSteps(c, opts.again === true, this.now()));
	}

	async getWmsCall(id: number): Promise<T.WmsCall | null> {
		const row = (await this.rows(this.pool, 'SELECT * FROM wms_calls WHERE id = $1', [id]))[0];
		return row ? toWmsCall(row) : null;
	}

	async claimWmsCalls(now: string, opts: { limit?: number; leaseSeconds?: number; providers?: string[]; ids?: number[] } = {}): Promise<T.WmsCall[]> {
		const { at, until } = leaseUntil(now, opts.leaseSeconds ?? 120);
		const rows = await this.rows(
			this.pool,
			`UPDATE wms_calls SET lease_until = $1 WHERE id IN (
				SELECT id FROM wms_calls WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
				  AND (lease_until IS NULL OR lease_until <= $2) AND ($4::text[] IS NULL OR provider = ANY($4::text[]))
				  AND ($5::bigint[] IS NULL OR id = ANY($5::bigint[]))
				ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
			 RETURNING *`,
			[until, at, opts.limit ?? 100, opts.providers ?? null, opts.ids ?? null],
		);
		return rows.map(toWmsCall).sort((a, b) => a.id - b.id);
	}

	async markWmsCall(id: number, version: number, attempt: T.WmsCallAttempt): Promise<{ call: T.WmsCall; recorded: boolean }> {
		return this.write(() => wmsCallAttemptSteps(id, version, attempt, this.now()));
	}

	async listWmsCalls(filter: { omsId?: string; kind?: T.WmsCallKind; provider?: string; status?: T.WmsCallStatus[]; limit?: number } = {}): Promise<T.WmsCall[]> {
		return (await this.outboxRows('wms_calls', { oms_id: filter.omsId, kind: filter.kind, provider: filter.provider }, filter.status, filter.limit)).map(toWmsCall);
	}

	/** An outbox table's rows, oldest first: these columns equal (undefined: any), the status one of these (empty: any) */
	private outboxRows(table: 'deliveries' | 'channel_calls' | 'wms_calls', equal: Record<string, string | undefined>, status: string[] | undefined, limit = 1000): Promise<Row[]> {
		const where: string[] = [];
		const params: unknown[] = [];
		for (const [column, value] of Object.entries(equal)) {
			if (value === undefined) continue;
			params.push(value);
			where.push(`${column} = $${params.length}`);
		}
		if (status?.length) {
			params.push(status);
			where.push(`status = ANY($${params.length}::text[])`);
		}
		params.push(limit);
		return this.rows(this.pool, `SELECT * FROM ${table}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT $${params.length}`, params);
	}

	async recordShipment(s: Omit<T.StoredShipment, 'recordedAt'>): Promise<{ created: boolean; shipment: T.StoredShipment }> {
		return this.write(() => recordShipmentSteps(s, this.now()));
	}

	async getShipments(omsId: string): Promise<T.StoredShipment[]> {
		return (await this.rows(this.pool, 'SELECT * FROM shipments WHERE oms_id = $1 ORDER BY recorded_at, package_key', [omsId])).map(toShipment);
	}

	// ------------------------------------------------------------ channel outbox

	async enqueueChannelCalls(calls: T.NewChannelCall[]): Promise<Array<{ call: T.ChannelCall; outcome: T.ChannelEnqueueOutcome }>> {
		if (!calls.length) return [];
		return this.write(() => enqueueChannelCallsSteps(calls, this.now()));
	}

	async getChannelCall(id: number): Promise<T.ChannelCall | null> {
		const row = (await this.rows(this.pool, 'SELECT * FROM channel_calls WHERE id = $1', [id]))[0];
		return row ? toChannelCall(row) : null;
	}

	async findChannelCall(key: Parameters<T.Store['findChannelCall']>[0]): Promise<T.ChannelCall | null> {
		const row = (
			await this.rows(this.pool, 'SELECT * FROM channel_calls WHERE channel = $1 AND kind = $2 AND call_key = $3', [
				key.channel,
				'sku' in key ? 'quantity' : 'confirmation',
				channelCallKey(key),
			])
		)[0];
		return row ? toChannelCall(row) : null;
	}

	async claimChannelCalls(channel: string, now: string, opts: { limit?: number; leaseSeconds?: number; ids?: number[] } = {}): Promise<T.ChannelCall[]> {
		const { at, until } = leaseUntil(now, opts.leaseSeconds ?? 120);
		const rows = await this.rows(
			this.pool,
			`UPDATE channel_calls SET status = 'sending', lease_until = $1, updated_at = $2,
				outcome_unknown = CASE WHEN status = 'sending' THEN 1 ELSE outcome_unknown END
			 WHERE id IN (
				SELECT id FROM channel_calls WHERE channel = $3
				  AND ((status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)) OR status = 'sending')
				  AND (lease_until IS NULL OR lease_until <= $2)
				  AND ($4::bigint[] IS NULL OR id = ANY($4::bigint[]))
				ORDER BY CASE kind WHEN 'acknowledgement' THEN 0 WHEN 'cancel_answer' THEN 1 WHEN 'refund' THEN 2 WHEN 'confirmation' THEN 3 ELSE 4 END, quantity, id LIMIT $5 FOR UPDATE SKIP LOCKED)
			 RETURNING *`,
			[until, at, channel, opts.ids ?? null, opts.limit ?? 100],
		);
		return rows.map(toChannelCall).sort(claimOrder);
	}

	async markChannelCallSent(id: number, version: number, reference: string | null): Promise<T.ChannelCall> {
		return this.write(() => channelCallAttemptSteps(id, version, sentCall(reference), this.now()));
	}

	async markChannelCallFailed(id: number, version: number, f: { error: string; nextAttemptAt: string | null; outcomeUnknown?: boolean }): Promise<T.ChannelCall> {
		return this.write(() => channelCallAttemptSteps(id, version, failedCall(f.error, f.nextAttemptAt, f.outcomeUnknown), this.now()));
	}

	async listChannelCalls(filter: T.ChannelCallFilter = {}): Promise<T.ChannelCall[]> {
		return (await this.outboxRows('channel_calls', { channel: filter.channel, kind: filter.kind, oms_id: filter.omsId }, filter.status, filter.limit)).map(toChannelCall);
	}

	async requeueChannelCall(id: number, who: { by: string; note: string | null }): Promise<{ call: T.ChannelCall; requeued: boolean }> {
		return this.write(() => requeueChannelCallSteps(id, who, this.now()));
	}

	// ------------------------------------------------------------ returns

	async recordReturn(ret: CanonicalReturn, opts: { cause?: string } = {}): Promise<T.ReturnRecordResult> {
		return this.write(() => recordReturnSteps(ret, opts.cause, this.now()));
	}

	async getReturn(returnId: string): Promise<T.StoredReturn | null> {
		return new PostgresRows(this.pool).readReturn(returnId);
	}

	async listReturns(omsId: string): Promise<T.StoredReturn[]> {
		return (await this.rows(this.pool, 'SELECT * FROM returns WHERE oms_id = $1 ORDER BY requested_at, return_id', [omsId])).map(toStoredReturn);
	}

	async transitionReturn(returnId: string, request: T.ReturnTransitionRequest): Promise<T.ReturnTransitionResult> {
		return this.write(() => transitionReturnSteps(returnId, request, this.now()));
	}

	async returnableUnits(omsId: string): Promise<T.ReturnableLine[] | null> {
		return this.tx((c) => runStepsAsync(returnableUnitsSteps(omsId), new PostgresRows(c)));
	}

	async returnTimeline(returnId: string): Promise<T.ReturnEvent[]> {
		return (await this.rows(this.pool, 'SELECT * FROM return_events WHERE return_id = $1 ORDER BY id', [returnId])).map(toReturnEvent);
	}

	async listReturnsByStatus(statuses: readonly T.ReturnStatus[], opts: { limit?: number; toldTo?: string } = {}): Promise<T.StoredReturn[]> {
		const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : null;
		if (opts.toldTo !== undefined) {
			const sql = `SELECT * FROM returns WHERE status = ANY($1::text[]) AND EXISTS (SELECT 1 FROM wms_calls wc WHERE wc.oms_id = returns.oms_id AND wc.kind = 'return_create' AND wc.reference = returns.return_id AND wc.status = 'sent' AND wc.provider = $3) ORDER BY changed_at, return_id LIMIT $2`;
			return (await this.rows(this.pool, sql, [statuses, limit, opts.toldTo])).map(toStoredReturn);
		}
		return (await this.rows(this.pool, 'SELECT * FROM returns WHERE status = ANY($1::text[]) ORDER BY changed_at, return_id LIMIT $2', [statuses, limit])).map(toStoredReturn);
	}

	// ------------------------------------------------------------ warehouses

	async upsertWarehouses(inputs: T.WarehouseInput[]): Promise<T.WarehouseUpsert[]> {
		return this.write(() => upsertWarehousesSteps(inputs, this.now()));
	}

	async listWarehouses(): Promise<T.Warehouse[]> {
		return new PostgresRows(this.pool).listWarehouses();
	}

	// ------------------------------------------------------------ restock once

	async restockReturnLines(returnId: string, lines: T.RestockLine[], opts: { receivedAt: string; cause?: string }): Promise<T.RestockResult> {
		return this.write(() => restockSteps(returnId, lines, opts.receivedAt, opts.cause, this.now()));
	}

	async pendingRestocks(skus?: string[]): Promise<T.PendingRestock[]> {
		const all = await new PostgresRows(this.pool).pendingRestocks();
		return skus ? all.filter((p) => skus.includes(p.sku)) : all;
	}

	// ------------------------------------------------------------ the order's ledger

	async recordLedger(entries: LedgerEntryInput[], payouts: PayoutInput[] = []): Promise<LedgerRecordResult> {
		return this.write(() => recordLedgerSteps(entries, payouts, this.now()));
	}

	async orderLedger(omsId: string): Promise<LedgerEntry[]> {
		return new PostgresRows(this.pool).orderLedger(omsId);
	}

	async orderBalances(opts: { omsIds?: string[]; channel?: string } = {}): Promise<OrderBalance[]> {
		return new PostgresRows(this.pool).orderBalances(opts.omsIds ?? null, opts.channel ?? null);
	}

	async payoutTotals(opts: { channel?: string; payoutIds?: string[] } = {}): Promise<PayoutTotal[]> {
		return new PostgresRows(this.pool).payoutTotals(opts.channel ?? null, opts.payoutIds ?? null);
	}

	async listPayouts(opts: { channel?: string } = {}): Promise<StoredPayout[]> {
		return new PostgresRows(this.pool).payouts(opts.channel ?? null);
	}

	async ledgerSums(opts: { channel?: string } = {}): Promise<LedgerSum[]> {
		return new PostgresRows(this.pool).ledgerSums(opts.channel ?? null);
	}

	async unsettledShippedOrders(shippedBefore: string, opts: { channel?: string } = {}): Promise<UnsettledOrder[]> {
		return new PostgresRows(this.pool).unsettledShippedOrders(shippedBefore, opts.channel ?? null);
	}

	async recordBillingFlags(flags: BillingFlag[], opts: { channel?: string } = {}): Promise<void> {
		return this.write(() => recordFlagsSteps(flags, opts.channel ?? null, this.now()));
	}

	// ------------------------------------------------------------ idempotency, cursors, control numbers, reports

	async nextControlNumbers(scope: string, count: number): Promise<number> {
		return this.write(() => controlNumbersSteps(scope, count, this.now()));
	}

	async markProcessed(source: string, id: string): Promise<boolean> {
		return new PostgresRows(this.pool).markProcessed(storableKey(source), storableKey(id), this.now());
	}

	async getCursor(name: string): Promise<string | null> {
		const row = (await this.rows(this.pool, 'SELECT value FROM cursors WHERE name = $1', [name]))[0];
		return row ? (row.value as string) : null;
	}

	async setCursor(name: string, value: string): Promise<void> {
		// a cursor is handed back to the API as it came: never cleaned, refused when no store can keep it
		refuseUnstorable('cursor name', name);
		refuseUnstorable(`cursor ${name}`, value);
		await this.pool.query(
			'INSERT INTO cursors (name, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at',
			[name, value, this.now()],
		);
	}

	async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
		return (await this.pool.query(sql, params)).rows as T[];
	}
}
