/**
 * bench/store: reservations per second for batches of 1,000 three-line orders, on SQLite and on PostgreSQL, beside
 * the store's own limit for the same work: the same number of plain single-row UPDATEs, batched the same way
 * (3,000 per transaction). Prints the figures and the ratio, and for SQLite (where both sides run in this process)
 * the ratio of CPU time too, which other work on the machine does not distort. Targets (issue 2): >= 50,000 reserved lines/s on
 * SQLite, >= 10,000 on PostgreSQL, and >= half of the store's limit on each.
 *
 * Both sides first run BENCH_WARMUP batches that are not timed (10 by default): V8 optimizes the reservation plan over the
 * first batches (on this machine the first two took 25-31 ms each, the next few 12-15 ms, then ~10 ms), and a store in
 * a long-running n8n process is past that; `BENCH_WARMUP=2 BENCH_BATCHES=20` gives the colder figure.
 *
 *   npm run bench:store            (BENCH_BATCHES=50 BENCH_WARMUP=10 BENCH_SKUS=5000 to change the size; BENCH_STORES=sqlite for one)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { openPostgresStore } from '../../lib/store/postgres';
import { openSqliteStore } from '../../lib/store/sqlite';
import type { ReserveRequest, Store } from '../../lib/store/types';
import { benchPostgres, fmt, nowMs, peakRssMb, prng, resetPeak, table } from '../lib';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const BATCH = 1000;
const LINES = 3;
const SKUS = Number(process.env.BENCH_SKUS ?? 5000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');

function makeBatches(seed: number, prefix: string): ReserveRequest[][] {
	const rand = prng(seed);
	const out: ReserveRequest[][] = [];
	let id = 0;
	for (let b = 0; b < BATCHES + WARMUP; b++) {
		const batch: ReserveRequest[] = [];
		for (let o = 0; o < BATCH; o++) {
			const skus = new Set<number>();
			while (skus.size < LINES) skus.add(Math.floor(rand() * SKUS));
			batch.push({
				omsId: `${prefix}:${id++}`,
				allowPartial: true,
				lines: [...skus].map((s, i) => ({ lineId: String(i + 1), sku: `SKU-${s}`, quantity: 1 + Math.floor(rand() * 3) })),
			});
		}
		out.push(batch);
	}
	return out;
}

async function seed(store: Store): Promise<void> {
	await store.upsertStockLevels(Array.from({ length: SKUS }, (_, i) => ({ sku: `SKU-${i}`, onHand: 1_000_000_000 })));
}

/** CPU time (user + system) of this process in ms: unlike wall time, not stretched by other processes on the machine. */
function cpuMs(): number {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
}

/** Reserve every batch (the first WARMUP not timed); returns reserved lines per second. */
async function reserveRun(
	store: Store,
	batches: ReserveRequest[][],
): Promise<{ linesPerSec: number; ordersPerSec: number; allocated: number; cpuLinesPerSec: number }> {
	for (const b of batches.slice(0, WARMUP)) await store.reserve(b);
	let allocated = 0;
	const c0 = cpuMs();
	const t0 = nowMs();
	for (const b of batches.slice(WARMUP)) {
		for (const r of await store.reserve(b)) for (const l of r.lines) allocated += l.allocated > 0 ? 1 : 0;
	}
	const secs = (nowMs() - t0) / 1000;
	const cpuSecs = (cpuMs() - c0) / 1000;
	return { linesPerSec: (BATCHES * BATCH * LINES) / secs, ordersPerSec: (BATCHES * BATCH) / secs, allocated, cpuLinesPerSec: (BATCHES * BATCH * LINES) / cpuSecs };
}

function updateTargets(batches: ReserveRequest[][]): string[][] {
	return batches.map((b) => b.flatMap((r) => r.lines.map((l) => l.sku)));
}

/**
 * SQLite: the store's reservation batches and the limit's UPDATE batches in turn (store batch k, then limit batch k),
 * each side timed on its own; the first WARMUP of each are not timed.
 */
async function sqliteInTurn(
	store: Store,
	limitPath: string,
	batches: ReserveRequest[][],
	limitBatches: ReserveRequest[][],
): Promise<{ r: { linesPerSec: number; ordersPerSec: number; cpuLinesPerSec: number }; limit: { perSec: number; cpuPerSec: number } }> {
	const db = new DatabaseSync(limitPath);
	db.exec('PRAGMA journal_mode = WAL');
	db.exec('PRAGMA synchronous = NORMAL');
	const upd = db.prepare("UPDATE stock SET reserved = reserved + 1 WHERE sku = ? AND location = 'default'");
	const targets = updateTargets(limitBatches);
	const limitOnce = (skus: string[]) => {
		db.exec('BEGIN IMMEDIATE');
		// get(), as the store's own stock UPDATEs: the same statement without the {changes, lastInsertRowid} object run() builds
		for (const s of skus) upd.get(s);
		db.exec('COMMIT');
	};
	let storeMs = 0;
	let storeCpu = 0;
	let limitMs = 0;
	let limitCpu = 0;
	for (let k = 0; k < batches.length; k++) {
		const timed = k >= WARMUP;
		let c0 = cpuMs();
		let t0 = nowMs();
		await store.reserve(batches[k]);
		if (timed) {
			storeMs += nowMs() - t0;
			storeCpu += cpuMs() - c0;
		}
		c0 = cpuMs();
		t0 = nowMs();
		limitOnce(targets[k]);
		if (timed) {
			limitMs += nowMs() - t0;
			limitCpu += cpuMs() - c0;
		}
	}
	db.close();
	const lines = BATCHES * BATCH * LINES;
	return {
		r: { linesPerSec: lines / (storeMs / 1000), ordersPerSec: (BATCHES * BATCH) / (storeMs / 1000), cpuLinesPerSec: lines / (storeCpu / 1000) },
		limit: { perSec: lines / (limitMs / 1000), cpuPerSec: lines / (limitCpu / 1000) },
	};
}

async function postgresLimit(url: string, schema: string, batches: ReserveRequest[][]): Promise<number> {
	const c = new Client({ connectionString: url, options: `-c search_path=${schema}` });
	await c.connect();
	const targets = updateTargets(batches);
	const once = async (skus: string[]) => {
		await c.query('BEGIN');
		for (const s of skus) await c.query({ name: 'upd', text: "UPDATE stock SET reserved = reserved + 1 WHERE sku = $1 AND location = 'default'", values: [s] });
		await c.query('COMMIT');
	};
	for (const t of targets.slice(0, WARMUP)) await once(t);
	const t0 = nowMs();
	for (const t of targets.slice(WARMUP)) await once(t);
	const secs = (nowMs() - t0) / 1000;
	await c.end();
	return (BATCHES * BATCH * LINES) / secs;
}

async function main(): Promise<void> {
	console.log(`bench/store: ${BATCHES} batches of ${BATCH} orders x ${LINES} lines over ${SKUS} SKUs (after ${WARMUP} warm-up batches), Node ${process.version}`);
	const rows: Array<Record<string, string | number>> = [];

	// SQLite
	if (STORES.includes('sqlite')) {
	const dir = mkdtempSync(join(tmpdir(), 'oms-bench-store-'));
	try {
		resetPeak();
		// each side on its own copy of the same stock, batch by batch in turn, so that whatever else the machine does
		// (a checkpoint's fsync, another process) falls on both alike
		const storePath = join(dir, 'oms.sqlite');
		const limitPath = join(dir, 'limit.sqlite');
		const seeded = await openSqliteStore(limitPath);
		await seed(seeded);
		await seeded.close();
		const store = await openSqliteStore(storePath);
		await seed(store);
		const { r, limit } = await sqliteInTurn(store, limitPath, makeBatches(1, 'a'), makeBatches(2, 'b'));
		await store.close();
		rows.push({
			store: 'SQLite (node:sqlite, WAL)',
			'reserved lines/s': fmt(r.linesPerSec),
			'orders/s': fmt(r.ordersPerSec),
			'plain UPDATEs/s (limit)': fmt(limit.perSec),
			ratio: (r.linesPerSec / limit.perSec).toFixed(2),
			'ratio (CPU time)': (r.cpuLinesPerSec / limit.cpuPerSec).toFixed(2),
			target: '>= 50,000 lines/s, ratio >= 0.5',
			'peak RSS MB': peakRssMb(),
		});
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	}

	// PostgreSQL
	if (STORES.includes('postgres')) {
	const pg = benchPostgres();
	try {
		resetPeak();
		const schema = `bench_${Date.now().toString(36)}`;
		const admin = new Client({ connectionString: pg.url });
		await admin.connect();
		await admin.query(`CREATE SCHEMA ${schema}`);
		await admin.end();
		const store = await openPostgresStore({ connectionString: pg.url, options: `-c search_path=${schema}` });
		await seed(store);
		const r = await reserveRun(store, makeBatches(1, 'a'));
		await store.close();
		const limit = await postgresLimit(pg.url, schema, makeBatches(2, 'b'));
		rows.push({
			store: 'PostgreSQL (pg, fsync on)',
			'reserved lines/s': fmt(r.linesPerSec),
			'orders/s': fmt(r.ordersPerSec),
			'plain UPDATEs/s (limit)': fmt(limit),
			ratio: (r.linesPerSec / limit).toFixed(2),
			'ratio (CPU time)': '-',
			target: '>= 10,000 lines/s, ratio >= 0.5',
			'peak RSS MB': peakRssMb(),
		});
	} finally {
		pg.stop();
	}
	}
	console.log(table(rows));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
