/**
 * bench/report/returns: the returns reports (by source, by SKU, by reason) over 1,000,000 orders and 100,000
 * returns, on SQLite and on PostgreSQL, against the report targets of issue 7 (issue 21: PostgreSQL <= 1 s, SQLite
 * <= 2 s, peak memory of this process under 300 MB).
 *
 * Seeded set-based (common.ts for the orders; the same generate_series / recursive CTE for the rest), as the
 * returns reports read them:
 * - one order line per order (i): SKU-(i * 7919 mod 2000), so 2,000 SKUs, quantity = the order's units (1-4);
 * - packages: every other shipped order has one package with all its units, the other shipped orders none (all
 *   their units count as shipped); one in three orders at the WMS has a package with one unit (partly shipped);
 * - returns: BENCH_RETURNS (default a tenth of the orders) of shipped orders (k-th return: order 7k + 2 + k mod 5),
 *   requested two days after their order, each with one line of 1 to all of the order's units; statuses spread over
 *   requested .. inspected (1 in 10 each), closed (3 in 10), declined and cancelled (1 in 10 each); refunds none,
 *   pending, sent or refunded (1 in 5, 1 in 5, 1 in 5, 2 in 5) in the order's currency, a refund line per return
 *   line in the document; the normalised reasons in turn over all twelve.
 *
 * Each report runs once to warm up, then BENCH_RUNS times (default 5): median and slowest, the rows, the returns.
 *
 *   npm run bench:report          (BENCH_ORDERS=200000 BENCH_RUNS=3 for a quicker run; OMS_BENCH_PG_URL to use a running server)
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Client } from 'pg';
import { RETURN_REASONS } from '../../lib/returns/types';
import { unitsPackedBackfill } from '../../lib/store/schema';
import { fmt } from '../lib';
import { batches, benchBothStores, CHANNELS, CURRENCY, N, RUNS, SPAN_S, START_S, seedOrdersPostgres, seedOrdersSqlite, type Case } from './common';

const R = Number(process.env.BENCH_RETURNS ?? Math.floor(N / 10));
if (7 * R + 6 >= N) throw new Error(`BENCH_RETURNS=${R} needs more than ${7 * R + 6} orders (BENCH_ORDERS=${N})`);

const periods = [
	['UTC', 'UTC'],
	['Los Angeles', 'America/Los_Angeles'],
] as const;
const CASES: Case[] = (
	[
		['returns by source', 'returns'],
		['returns by SKU (top 10)', 'returnsBySku'],
		['returns by reason', 'returnsByReason'],
	] as const
).flatMap(([name, report]) => periods.map(([zone, timeZone]): Case => ({ name: `${name}, last 30 days, ${zone}`, req: { report, period: { preset: 'lastNDays', days: 30, timeZone } } })));

const SKU = `'SKU-' || ((i * 7919) % 2000)`;
const SHIPPED_PACKAGES = `(i % 7 >= 2 AND i % 2 = 0) OR (i % 7 = 1 AND i % 3 = 0)`;
const PACKED = `CASE WHEN i % 7 = 1 THEN 1 ELSE 1 + i % 4 END`;
/** the k-th return's order: always a shipped one (i mod 7 in 2..6) */
const ORDER_OF = `7 * k + 2 + k % 5`;
const QUANTITY = `1 + k % (1 + i % 4)`;
const STATUS = `CASE k % 10 WHEN 0 THEN 'requested' WHEN 1 THEN 'authorised' WHEN 2 THEN 'in_transit' WHEN 3 THEN 'received' WHEN 4 THEN 'inspected' WHEN 8 THEN 'declined' WHEN 9 THEN 'cancelled' ELSE 'closed' END`;
const REFUND = `CASE (k / 10) % 5 WHEN 0 THEN NULL WHEN 1 THEN 'pending' WHEN 2 THEN 'sent' ELSE 'refunded' END`;
const REASON = `CASE (k * 7) % ${RETURN_REASONS.length} ${RETURN_REASONS.map((r, n) => `WHEN ${n} THEN '${r}'`).join(' ')} END`;
const T0 = `'2026-05-01T00:00:00.000Z'`;

function seedSqlite(db: DatabaseSync): void {
	seedOrdersSqlite(db, N);
	const seq = `WITH RECURSIVE seq(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)`;
	const lines = db.prepare(`${seq} INSERT INTO order_lines (oms_id, line_id, sku, title, quantity, unit_price_minor, line_total_minor)
		SELECT 'bench:' || i, '1', ${SKU}, NULL, 1 + i % 4, 1000, (1 + i % 4) * 1000 FROM seq`);
	const packages = db.prepare(`${seq} INSERT INTO shipments (oms_id, package_key, provider, carrier, tracking_number, tracking_url, shipped_at, lines, recorded_at)
		SELECT 'bench:' || i, 'PKG-' || i, 'shipbob', 'UPS', 'T' || i, NULL, ${T0},
			json_array(json_object('sku', ${SKU}, 'quantity', ${PACKED}, 'lineId', '1')), ${T0}
		FROM seq WHERE ${SHIPPED_PACKAGES}`);
	for (const [from, to] of batches(N)) {
		db.exec('BEGIN');
		lines.run(from, to);
		packages.run(from, to);
		db.exec('COMMIT');
	}
	// what the store adds to an order as it records a package (schema v13), here all at once
	db.exec(unitsPackedBackfill('sqlite'));
	const ret = `WITH RECURSIVE seq(k) AS (SELECT ?1 UNION ALL SELECT k + 1 FROM seq WHERE k < ?2), r AS (SELECT k, ${ORDER_OF} AS i FROM seq)`;
	const returns = db.prepare(`${ret} INSERT INTO returns (return_id, oms_id, channel, channel_return_id, channel_status, channel_updated_at, requested_at,
			status, units, refund_status, refund_currency, refund_total_minor, doc, recorded_at, changed_at, version)
		SELECT 'bench:R' || k, 'bench:' || i, ${CHANNELS}, 'R' || k, 'x', ${T0}, strftime('%Y-%m-%dT%H:%M:%fZ', ?3 + (i * ?4) / ?5 + 172800, 'unixepoch'),
			${STATUS}, ${QUANTITY}, ${REFUND}, CASE WHEN ${REFUND} IS NULL THEN NULL ELSE ${CURRENCY} END, CASE WHEN ${REFUND} IS NULL THEN NULL ELSE (${QUANTITY}) * 1000 END,
			CASE WHEN ${REFUND} IS NULL THEN '{}' ELSE json_object('refund', json_object('currency', ${CURRENCY}, 'status', ${REFUND},
				'lines', json_array(json_object('lineId', '1', 'amount', (${QUANTITY}) * 10.0, 'tax', 0, 'restockingFee', 0)), 'shipping', 0, 'returnShippingFee', 0, 'total', (${QUANTITY}) * 10.0)) END,
			${T0}, ${T0}, 1
		FROM r`);
	const returnLines = db.prepare(`${ret} INSERT INTO return_lines (return_id, line_id, oms_id, sku, quantity, reason)
		SELECT 'bench:R' || k, '1', 'bench:' || i, ${SKU}, ${QUANTITY}, ${REASON} FROM r`);
	for (const [from, to] of batches(R)) {
		db.exec('BEGIN');
		returns.run(from, to, START_S, SPAN_S, N);
		returnLines.run(from, to);
		db.exec('COMMIT');
	}
}

async function seedPostgres(c: Client): Promise<void> {
	await seedOrdersPostgres(c, N);
	for (const [from, to] of batches(N)) {
		await c.query(
			`INSERT INTO order_lines (oms_id, line_id, sku, title, quantity, unit_price_minor, line_total_minor)
			SELECT 'bench:' || i, '1', ${SKU}, NULL, 1 + i % 4, 1000, (1 + i % 4) * 1000 FROM generate_series($1::bigint, $2::bigint) AS i`,
			[from, to],
		);
		await c.query(
			`INSERT INTO shipments (oms_id, package_key, provider, carrier, tracking_number, tracking_url, shipped_at, lines, recorded_at)
			SELECT 'bench:' || i, 'PKG-' || i, 'shipbob', 'UPS', 'T' || i, NULL, ${T0}::timestamptz,
				jsonb_build_array(jsonb_build_object('sku', ${SKU}, 'quantity', ${PACKED}, 'lineId', '1')), now()
			FROM generate_series($1::bigint, $2::bigint) AS i WHERE ${SHIPPED_PACKAGES}`,
			[from, to],
		);
	}
	await c.query(unitsPackedBackfill('postgres'));
	const r = `FROM generate_series($1::bigint, $2::bigint) AS k CROSS JOIN LATERAL (SELECT ${ORDER_OF} AS i) o`;
	for (const [from, to] of batches(R)) {
		await c.query(
			`INSERT INTO returns (return_id, oms_id, channel, channel_return_id, channel_status, channel_updated_at, requested_at,
				status, units, refund_status, refund_currency, refund_total_minor, doc, recorded_at, changed_at, version)
			SELECT 'bench:R' || k, 'bench:' || i, ${CHANNELS}, 'R' || k, 'x', now(), to_timestamp($3 + (i::float8 * $4) / $5 + 172800),
				${STATUS}, ${QUANTITY}, ${REFUND}, CASE WHEN ${REFUND} IS NULL THEN NULL ELSE ${CURRENCY} END, CASE WHEN ${REFUND} IS NULL THEN NULL ELSE (${QUANTITY}) * 1000 END,
				CASE WHEN ${REFUND} IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('refund', jsonb_build_object('currency', ${CURRENCY}, 'status', ${REFUND},
					'lines', jsonb_build_array(jsonb_build_object('lineId', '1', 'amount', (${QUANTITY}) * 10.0, 'tax', 0, 'restockingFee', 0)), 'shipping', 0, 'returnShippingFee', 0, 'total', (${QUANTITY}) * 10.0)) END,
				now(), now(), 1
			${r}`,
			[from, to, START_S, SPAN_S, N],
		);
		await c.query(`INSERT INTO return_lines (return_id, line_id, oms_id, sku, quantity, reason) SELECT 'bench:R' || k, '1', 'bench:' || i, ${SKU}, ${QUANTITY}, ${REASON} ${r}`, [from, to]);
	}
}

async function main(): Promise<void> {
	console.log(`bench/report/returns: ${fmt(N)} orders over 30 days, ${fmt(R)} returns, ${RUNS} timed runs per report after a warm-up, Node ${process.version}`);
	await benchBothStores({ cases: CASES, count: 'returns', what: `${fmt(N)} orders with their lines and packages, ${fmt(R)} returns with lines`, seedSqlite, seedPostgres });
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
