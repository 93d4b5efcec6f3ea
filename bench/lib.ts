/** Small helpers the benchmarks share: timing, peak memory, tables, and a throwaway PostgreSQL. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');

export function nowMs(): number {
	return Number(process.hrtime.bigint()) / 1e6;
}

let peakRss = 0;
const sampler = setInterval(() => {
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
sampler.unref();
export function peakRssMb(): number {
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
	return Math.round(peakRss / 1048576);
}
export function resetPeak(): void {
	peakRss = process.memoryUsage().rss;
}

export function table(rows: Array<Record<string, string | number>>): string {
	const cols = Object.keys(rows[0] ?? {});
	const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
	const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i])).join('  ');
	return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}

export function fmt(n: number): string {
	return Math.round(n).toLocaleString('en-US');
}

/** A PostgreSQL for a benchmark: OMS_BENCH_PG_URL if set, else a throwaway server (fsync on) from scripts/pg.sh. */
export function benchPostgres(): { url: string; stop: () => void } {
	if (process.env.OMS_BENCH_PG_URL) return { url: process.env.OMS_BENCH_PG_URL, stop: () => undefined };
	const state = mkdtempSync(join(tmpdir(), 'oms-bench-pg-state-'));
	const env = { ...process.env, OMS_PG_STATE_DIR: state, OMS_PG_FSYNC: 'on' };
	execFileSync('bash', [join(ROOT, 'scripts/pg.sh'), 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
	const url = readFileSync(join(state, 'url'), 'utf8').trim();
	return {
		url,
		stop: () => {
			execFileSync('bash', [join(ROOT, 'scripts/pg.sh'), 'stop'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
			rmSync(state, { recursive: true, force: true });
		},
	};
}

/** A seeded PRNG (mulberry32) so benchmark data is the same on every run. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Units of work per second: `units` done in `ms` milliseconds. */
export function perSecond(units: number, ms: number): number {
	return ms > 0 ? (units * 1000) / ms : Infinity;
}

/** A fresh schema on a PostgreSQL server (benchmarks keep their tables apart); returns its name. */
export async function createBenchSchema(url: string, prefix = 'bench'): Promise<string> {
	const { Client } = await import('pg');
	const schema = `${prefix}_${Date.now().toString(36)}_${process.pid}`;
	const admin = new Client({ connectionString: url });
	await admin.connect();
	await admin.query(`CREATE SCHEMA ${schema}`);
	await admin.end();
	return schema;
}

/**
 * The store's own limit on SQLite for a reservation batch: the same number of plain single-row
 * `UPDATE stock SET reserved = reserved + 1` statements, one transaction per batch (as bench/store measures it).
 * `batches`: the SKUs each batch touches (one UPDATE each); the first `warmup` batches are not timed. Units/s.
 */
export async function sqliteUpdateLimit(path: string, batches: string[][], warmup = 2): Promise<number> {
	const { DatabaseSync } = await import('node:sqlite');
	const db = new DatabaseSync(path);
	db.exec('PRAGMA journal_mode = WAL');
	db.exec('PRAGMA synchronous = NORMAL');
	const upd = db.prepare("UPDATE stock SET reserved = reserved + 1 WHERE sku = ? AND location = 'default'");
	const once = (skus: string[]) => {
		db.exec('BEGIN IMMEDIATE');
		for (const s of skus) upd.run(s);
		db.exec('COMMIT');
	};
	batches.slice(0, warmup).forEach(once);
	const timed = batches.slice(warmup);
	const t0 = nowMs();
	timed.forEach(once);
	const ms = nowMs() - t0;
	db.close();
	return perSecond(timed.reduce((s, b) => s + b.length, 0), ms);
}

/** The same limit on PostgreSQL (one connection, a prepared UPDATE per row, one transaction per batch). Units/s. */
export async function postgresUpdateLimit(url: string, schema: string, batches: string[][], warmup = 2): Promise<number> {
	const { Client } = await import('pg');
	const c = new Client({ connectionString: url, options: `-c search_path=${schema}` });
	await c.connect();
	const once = async (skus: string[]) => {
		await c.query('BEGIN');
		for (const s of skus) await c.query({ name: 'upd', text: "UPDATE stock SET reserved = reserved + 1 WHERE sku = $1 AND location = 'default'", values: [s] });
		await c.query('COMMIT');
	};
	for (const b of batches.slice(0, warmup)) await once(b);
	const timed = batches.slice(warmup);
	const t0 = nowMs();
	for (const b of timed) await once(b);
	const ms = nowMs() - t0;
	await c.end();
	return perSecond(timed.reduce((s, b) => s + b.length, 0), ms);
}

/**
 * CPU time (user + system, ms) used so far by every live process in these process groups (Linux /proc; a process
 * that has exited no longer counts, so read it around a phase in which the processes stay up).
 */
export function groupCpuMs(pgids: number[]): number {
	const want = new Set(pgids);
	const tick = 1000 / 100; // USER_HZ is 100 on Linux
	let ms = 0;
	for (const pid of readdirSync('/proc')) {
		if (!/^\d+$/.test(pid)) continue;
		let stat: string;
		try {
			stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		} catch {
			continue;
		}
		// fields after the command name (which may hold spaces) closed by the last ')'
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// f[2] = pgrp, f[11] = utime, f[12] = stime
		if (!want.has(Number(f[2]))) continue;
		ms += (Number(f[11]) + Number(f[12])) * tick;
	}
	return ms;
}
