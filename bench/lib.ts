/** Small helpers the benchmarks share: timing, peak memory, tables, and a throwaway PostgreSQL. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
