/**
 * bench/report: the by-channel and day x channel reports over 1,000,000 orders, on SQLite and on PostgreSQL.
 * Targets (issue 7): 1 s on PostgreSQL, 2 s on SQLite, peak memory of this process under 300 MB.
 *
 * The orders are inserted set-based straight into the orders table, not through recordOrder (which would take
 * minutes and test intake, not reports): PostgreSQL `INSERT ... SELECT FROM generate_series(1, N)`, SQLite a
 * recursive CTE counting 1..N, in batches of 100,000. Only the columns the reports read are meaningful (channel
 * over 5 channels, placed_at spread evenly over the 30 days before the clock, status, currency 10% EUR, integer
 * total_minor, units); the NOT NULL rest gets fixed values and doc is '{}'. No order_lines are written.
 *
 * Each report runs once to warm up, then BENCH_RUNS times (default 5); the table shows the median and the
 * slowest run, and the row count (channels x currencies, or dates x channels x currencies). The reports count sold
 * orders by default (the 1 in 7 cancelled ones left out: `orders` is 857,142 of 1,000,000); the "every status" cases
 * count them all (includeUnsold).
 *
 *   npm run bench:report          (BENCH_ORDERS=200000 BENCH_RUNS=3 for a quicker run; OMS_BENCH_PG_URL to use a running server)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { runReport, type ReportRequest } from '../../lib/report';
import { openPostgresStore } from '../../lib/store/postgres';
import { openSqliteStore } from '../../lib/store/sqlite';
import type { Store } from '../../lib/store/types';
import { benchPostgres, fmt, nowMs, peakRssMb, resetPeak, table } from '../lib';

const N = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NOW = new Date('2026-05-31T12:00:00.000Z');
const SPAN_S = 30 * 86400; // placed over the 30 days before NOW's day
const START_S = Date.parse('2026-05-01T00:00:00.000Z') / 1000;
const BATCH = 100_000;

const CASES: Array<{ name: string; req: ReportRequest }> = [
	{ name: 'by channel, last 30 days, UTC', req: { report: 'byChannel', period: { preset: 'lastNDays', days: 30, timeZone: 'UTC' } } },
	{ name: 'by channel, last 30 days, Los Angeles', req: { report: 'byChannel', period: { preset: 'lastNDays', days: 30, timeZone: 'America/Los_Angeles' } } },
	{ name: 'day x channel, last 30 days, UTC', req: { report: 'byDay', period: { preset: 'lastNDays', days: 30, timeZone: 'UTC' } } },
	{ name: 'day x channel, last 30 days, Los Angeles', req: { report: 'byDay', period: { preset: 'lastNDays', days: 30, timeZone: 'America/Los_Angeles' } } },
	{ name: 'day x channel, last 30 days, Kolkata (+05:30)', req: { report: 'byDay', period: { preset: 'lastNDays', days: 30, timeZone: 'Asia/Kolkata' } } },
	{ name: 'by channel, yesterday, UTC', req: { report: 'byChannel', period: { preset: 'yesterday', timeZone: 'UTC' } } },
	// with the cancelled orders (1 in 7 here) that the default leaves out: the cost of the status filter is the difference
	{ name: 'by channel, last 30 days, UTC, every status', req: { report: 'byChannel', period: { preset: 'lastNDays', days: 30, timeZone: 'UTC' }, options: { includeUnsold: true } } },
	{ name: 'day x channel, last 30 days, UTC, every status', req: { report: 'byDay', period: { preset: 'lastNDays', days: 30, timeZone: 'UTC' }, options: { includeUnsold: true } } },
];

const CHANNELS = `CASE i % 5 WHEN 0 THEN 'amazon' WHEN 1 THEN 'shopify' WHEN 2 THEN 'ebay' WHEN 3 THEN 'walmart' ELSE 'woocommerce' END`;
const STATUS = `CASE i % 7 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'at_wms' ELSE 'shipped' END`;

function seedSqlite(path: string): void {
	const db = new DatabaseSync(path);
	db.exec('PRAGMA journal_mode = WAL');
	db.exec('PRAGMA synchronous = OFF');
	const insert = db.prepare(`WITH RECURSIVE seq(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
		INSERT INTO orders (oms_id, channel, channel_order_id, placed_at, channel_updated_at, readiness, channel_status, status,
			currency, total_minor, units, doc, recorded_at, changed_at, version)
		SELECT 'bench:' || i, ${CHANNELS}, i, strftime('%Y-%m-%dT%H:%M:%fZ', ?3 + (i * ?4) / ?5, 'unixepoch') AS t, '2026-05-01T00:00:00.000Z', 'ready', 'paid', ${STATUS},
			CASE WHEN i % 10 = 0 THEN 'EUR' ELSE 'USD' END, 1000 + (i * 7919) % 20000, 1 + i % 4, '{}', '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', 1
		FROM seq`);
	for (let from = 0; from < N; from += BATCH) {
		db.exec('BEGIN');
		insert.run(from, Math.min(N, from + BATCH) - 1, START_S, SPAN_S, N);
		db.exec('COMMIT');
	}
	// No ANALYZE: a store is not normally analysed, and the report SQL does not depend on statistics on SQLite
	db.close();
}

async function seedPostgres(url: string, schema: string): Promise<void> {
	const c = new Client({ connectionString: url, options: `-c search_path=${schema}` });
	await c.connect();
	for (let from = 0; from < N; from += BATCH) {
		await c.query(
			`INSERT INTO orders (oms_id, channel, channel_order_id, placed_at, channel_updated_at, readiness, channel_status, status,
				currency, total_minor, units, doc, recorded_at, changed_at, version)
			SELECT 'bench:' || i, ${CHANNELS}, i::text, to_timestamp($3 + (i::float8 * $4) / $5), now(), 'ready', 'paid', ${STATUS},
				CASE WHEN i % 10 = 0 THEN 'EUR' ELSE 'USD' END, 1000 + (i * 7919) % 20000, 1 + i % 4, '{}'::jsonb, now(), now(), 1
			FROM generate_series($1::bigint, $2::bigint) AS i`,
			[from, Math.min(N, from + BATCH) - 1, START_S, SPAN_S, N],
		);
	}
	// What autovacuum does after a bulk load (it would analyse the table on its own within a minute)
	await c.query('VACUUM ANALYZE orders');
	await c.end();
}

async function measure(store: Store, label: string): Promise<Array<Record<string, string | number>>> {
	const out: Array<Record<string, string | number>> = [];
	for (const c of CASES) {
		const warm = await runReport(store, c.req, () => NOW);
		const orders = warm.rows.reduce((s, r) => s + Number(r.orders), 0);
		const times: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const t0 = nowMs();
			await runReport(store, c.req, () => NOW);
			times.push(nowMs() - t0);
		}
		times.sort((a, b) => a - b);
		out.push({
			store: label,
			report: c.name,
			orders: fmt(orders),
			rows: warm.rows.length,
			'median ms': Math.round(times[Math.floor(times.length / 2)]),
			'max ms': Math.round(times[times.length - 1]),
			'peak RSS MB': peakRssMb(),
		});
	}
	return out;
}

async function main(): Promise<void> {
	console.log(`bench/report: ${fmt(N)} orders over 30 days, ${RUNS} timed runs per report after a warm-up, Node ${process.version}`);
	const rows: Array<Record<string, string | number>> = [];

	const dir = mkdtempSync(join(tmpdir(), 'oms-bench-report-'));
	try {
		const path = join(dir, 'oms.sqlite');
		(await openSqliteStore(path)).close();
		let t0 = nowMs();
		seedSqlite(path);
		console.log(`SQLite: inserted ${fmt(N)} orders in ${fmt(nowMs() - t0)} ms`);
		const store = await openSqliteStore(path);
		resetPeak();
		rows.push(...(await measure(store, 'SQLite')));
		await store.close();

		const pg = benchPostgres();
		try {
			const schema = `bench_report_${process.pid}`;
			const admin = new Client({ connectionString: pg.url });
			await admin.connect();
			await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
			await admin.query(`CREATE SCHEMA ${schema}`);
			await admin.end();
			const pgStore = await openPostgresStore({ connectionString: pg.url, options: `-c search_path=${schema}` });
			t0 = nowMs();
			await seedPostgres(pg.url, schema);
			console.log(`PostgreSQL: inserted ${fmt(N)} orders in ${fmt(nowMs() - t0)} ms`);
			resetPeak();
			rows.push(...(await measure(pgStore, 'PostgreSQL')));
			await pgStore.close();
			const drop = new Client({ connectionString: pg.url });
			await drop.connect();
			await drop.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
			await drop.end();
		} finally {
			pg.stop();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	console.log(table(rows));
	console.log('Targets: PostgreSQL <= 1000 ms, SQLite <= 2000 ms, peak RSS < 300 MB.');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
