/**
 * bench/report: the by-channel and day x channel reports over 1,000,000 orders, on SQLite and on PostgreSQL.
 * Targets (issue 7): 1 s on PostgreSQL, 2 s on SQLite, peak memory of this process under 300 MB.
 *
 * The orders are inserted set-based straight into the orders table (common.ts), not through recordOrder (which
 * would take minutes and test intake, not reports). No order_lines are written.
 *
 * Each report runs once to warm up, then BENCH_RUNS times (default 5); the table shows the median and the
 * slowest run, and the row count (channels x currencies, or dates x channels x currencies). The reports count sold
 * orders by default (the 1 in 7 cancelled ones left out: `orders` is 857,142 of 1,000,000); the "every status" cases
 * count them all (includeUnsold).
 *
 *   npm run bench:report          (BENCH_ORDERS=200000 BENCH_RUNS=3 for a quicker run; OMS_BENCH_PG_URL to use a running server)
 */
import { fmt } from '../lib';
import { benchBothStores, type Case, N, RUNS, seedOrdersPostgres, seedOrdersSqlite } from './common';

const CASES: Case[] = [
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

async function main(): Promise<void> {
	console.log(`bench/report: ${fmt(N)} orders over 30 days, ${RUNS} timed runs per report after a warm-up, Node ${process.version}`);
	await benchBothStores({
		cases: CASES,
		count: 'orders',
		what: `${fmt(N)} orders`,
		seedSqlite: (db) => seedOrdersSqlite(db, N),
		seedPostgres: (c) => seedOrdersPostgres(c, N),
	});
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
