/**
 * What the report benchmarks share (run.ts: the order reports; returns.ts: the returns reports): the orders seeded
 * set-based straight into the store's tables, the timing of report cases, and the run on SQLite then PostgreSQL.
 *
 * Orders: PostgreSQL `INSERT ... SELECT FROM generate_series`, SQLite a recursive CTE counting the batch, 100,000 a
 * batch. Only the columns the reports read are meaningful (channel over 5 channels, placed_at spread evenly over the
 * 30 days before the clock, status, currency 10% EUR, integer total_minor, units); the NOT NULL rest gets fixed
 * values and doc is '{}'.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Client } from "pg";
import { runReport, type ReportRequest } from "../../lib/report";
import { openPostgresStore } from "../../lib/store/postgres";
import { openSqliteStore } from "../../lib/store/sqlite";
import type { Store } from "../../lib/store/types";
import { benchPostgres, fmt, nowMs, peakRssMb, resetPeak, table } from "../lib";

export const N = Number(process.env.BENCH_ORDERS ?? 1_000_000);
export const RUNS = Number(process.env.BENCH_RUNS ?? 5);
export const NOW = new Date("2026-05-31T12:00:00.000Z");
export const SPAN_S = 30 * 86400; // placed over the 30 days before NOW's day
export const START_S = Date.parse("2026-05-01T00:00:00.000Z") / 1000;
export const BATCH = 100_000;

export const CHANNELS = `CASE i % 5 WHEN 0 THEN 'amazon' WHEN 1 THEN 'shopify' WHEN 2 THEN 'ebay' WHEN 3 THEN 'walmart' ELSE 'woocommerce' END`;
export const STATUS = `CASE i % 7 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'at_wms' ELSE 'shipped' END`;
export const CURRENCY = `CASE WHEN i % 10 = 0 THEN 'EUR' ELSE 'USD' END`;

export interface Case {
  name: string;
  req: ReportRequest;
}

/** Batches [from, to] (inclusive) of `n` numbers counted from 0. */
export function batches(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = 0; from < n; from += BATCH)
    out.push([from, Math.min(n, from + BATCH) - 1]);
  return out;
}

/** `n` orders, set-based, in an SQLite store file already at the latest schema. */
export function seedOrdersSqlite(db: DatabaseSync, n: number): void {
  const insert =
    db.prepare(`WITH RECURSIVE seq(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
		INSERT INTO orders (oms_id, channel, channel_order_id, placed_at, channel_updated_at, readiness, channel_status, status,
			currency, total_minor, units, doc, recorded_at, changed_at, version)
		SELECT 'bench:' || i, ${CHANNELS}, i, strftime('%Y-%m-%dT%H:%M:%fZ', ?3 + (i * ?4) / ?5, 'unixepoch') AS t, '2026-05-01T00:00:00.000Z', 'ready', 'paid', ${STATUS},
			${CURRENCY}, 1000 + (i * 7919) % 20000, 1 + i % 4, '{}', '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', 1
		FROM seq`);
  for (const [from, to] of batches(n)) {
    db.exec("BEGIN");
    insert.run(from, to, START_S, SPAN_S, n);
    db.exec("COMMIT");
  }
}

/** `n` orders, set-based, in the PostgreSQL schema the client's search_path names. */
export async function seedOrdersPostgres(c: Client, n: number): Promise<void> {
  for (const [from, to] of batches(n)) {
    await c.query(
      `INSERT INTO orders (oms_id, channel, channel_order_id, placed_at, channel_updated_at, readiness, channel_status, status,
				currency, total_minor, units, doc, recorded_at, changed_at, version)
			SELECT 'bench:' || i, ${CHANNELS}, i::text, to_timestamp($3 + (i::float8 * $4) / $5), now(), 'ready', 'paid', ${STATUS},
				${CURRENCY}, 1000 + (i * 7919) % 20000, 1 + i % 4, '{}'::jsonb, now(), now(), 1
			FROM generate_series($1::bigint, $2::bigint) AS i`,
      [from, to, START_S, SPAN_S, n],
    );
  }
}

/**
 * BENCH_EXPLAIN=1: the plan of every query a case runs, with its timings (PostgreSQL EXPLAIN ANALYZE; SQLite
 * EXPLAIN QUERY PLAN), printed before the case is measured.
 */
async function explain(store: Store, c: Case): Promise<void> {
  const seen: Array<[string, unknown[]]> = [];
  const spy = {
    kind: store.kind,
    query: async (sql: string, params?: unknown[]) => (
      seen.push([sql, params ?? []]),
      store.query(sql, params)
    ),
  } as unknown as Store;
  await runReport(spy, c.req, () => NOW);
  for (const [sql, params] of seen) {
    const t0 = nowMs();
    await store.query(sql, params);
    console.log(`--- ${store.kind} ${c.name}: ${fmt(nowMs() - t0)} ms`);
    const plan = await store.query(
      `${store.kind === "postgres" ? "EXPLAIN (ANALYZE, BUFFERS)" : "EXPLAIN QUERY PLAN"} ${sql}`,
      params,
    );
    console.log(
      `--- ${store.kind} ${c.name}\n${sql}\n${plan.map((r) => (store.kind === "postgres" ? r["QUERY PLAN"] : r.detail)).join("\n")}`,
    );
  }
}

/** Each case once to warm up, then RUNS times: median and slowest, the rows and `count` summed over them. */
async function measure(
  store: Store,
  label: string,
  cases: Case[],
  count: string,
): Promise<Array<Record<string, string | number>>> {
  const out: Array<Record<string, string | number>> = [];
  for (const c of cases) {
    if (process.env.BENCH_EXPLAIN) await explain(store, c);
    const warm = await runReport(store, c.req, () => NOW);
    const counted = warm.rows.reduce((s, r) => s + Number(r[count]), 0);
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
      [count]: fmt(counted),
      rows: warm.rows.length,
      "median ms": Math.round(times[Math.floor(times.length / 2)]),
      "max ms": Math.round(times[times.length - 1]),
      "peak RSS MB": peakRssMb(),
    });
  }
  return out;
}

/**
 * Seed an SQLite store and a PostgreSQL schema with `seed`, run the cases on each and print the table with the
 * targets (issue 7): PostgreSQL <= 1 s, SQLite <= 2 s, peak RSS of this process < 300 MB.
 */
export async function benchBothStores(opts: {
  cases: Case[];
  /** The column summed over a report's rows to show what it counted */
  count: string;
  seedSqlite(db: DatabaseSync): void;
  seedPostgres(c: Client): Promise<void>;
  /** What was seeded, for the log */
  what: string;
}): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  // BENCH_STORES=postgres (or sqlite): one store only, e.g. with BENCH_EXPLAIN to read its plans sooner
  const only = process.env.BENCH_STORES;
  const dir = mkdtempSync(join(tmpdir(), "oms-bench-report-"));
  try {
    if (only !== "postgres")
      await benchSqlite(join(dir, "oms.sqlite"), opts, rows);
    if (only !== "sqlite") await benchPg(opts, rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(table(rows));
  console.log(
    "Targets: PostgreSQL <= 1000 ms, SQLite <= 2000 ms, peak RSS < 300 MB.",
  );
}

type Opts = Parameters<typeof benchBothStores>[0];

async function benchSqlite(
  path: string,
  opts: Opts,
  rows: Array<Record<string, string | number>>,
): Promise<void> {
  (await openSqliteStore(path)).close();
  const t0 = nowMs();
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = OFF");
  opts.seedSqlite(db);
  // No ANALYZE: a store is not normally analysed, and the report SQL does not depend on statistics on SQLite
  db.close();
  console.log(`SQLite: inserted ${opts.what} in ${fmt(nowMs() - t0)} ms`);
  const store = await openSqliteStore(path);
  resetPeak();
  rows.push(...(await measure(store, "SQLite", opts.cases, opts.count)));
  await store.close();
}

async function benchPg(
  opts: Opts,
  rows: Array<Record<string, string | number>>,
): Promise<void> {
  const pg = benchPostgres();
  try {
    const schema = `bench_report_${process.pid}`;
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const pgStore = await openPostgresStore({
      connectionString: pg.url,
      options: `-c search_path=${schema}`,
    });
    const t0 = nowMs();
    const c = new Client({
      connectionString: pg.url,
      options: `-c search_path=${schema}`,
    });
    await c.connect();
    await opts.seedPostgres(c);
    // What autovacuum does after a bulk load (it would analyse the tables on its own within a minute)
    for (const t of [
      "orders",
      "order_lines",
      "shipments",
      "returns",
      "return_lines",
    ])
      await c.query(`VACUUM ANALYZE ${t}`);
    await c.end();
    console.log(`PostgreSQL: inserted ${opts.what} in ${fmt(nowMs() - t0)} ms`);
    resetPeak();
    rows.push(
      ...(await measure(pgStore, "PostgreSQL", opts.cases, opts.count)),
    );
    await pgStore.close();
    const drop = new Client({ connectionString: pg.url });
    await drop.connect();
    await drop.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await drop.end();
  } finally {
    pg.stop();
  }
}
