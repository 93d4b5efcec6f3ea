/**
 * Orders by local date x channel (day, ISO week or month buckets in the report's time zone), one row per date,
 * channel and currency. Sold orders only unless `includeUnsold` (sql.ts UNSOLD_STATUSES).
 *
 * Both stores group by UTC hour in SQL, and the hours (hours x channels x currencies rows: a few thousand for a
 * month) are folded into local dates with luxon here; weeks and months are folded from days.
 * - SQLite has no time zones. It aggregates each (channel, currency) pair over exactly its range of the covering
 *   index orders_report_hour (schema version 2; see sqlite-pairs.ts), grouped by the index's own expression
 *   substr(placed_at, 1, 13): no table rows read, no sort.
 * - PostgreSQL groups by the UTC hour, date_bin('1 hour', placed_at, ...) (see pgHour), which has statistics (schema v2),
 *   so the planner expects ~24 groups a day and aggregates in parallel. `(placed_at AT TIME ZONE $tz)::date` looks
 *   like one group per order to it, and runs single-threaded, 3-4 times slower over 1M orders.
 *
 * Where a local midnight is not on a UTC hour (Asia/Kolkata, +05:30: midnight is 18:30Z), that one hour belongs to
 * two local days: a second, small query sums the orders from each such midnight (and from the period's start) to
 * the end of its UTC hour, and they are moved to the right day (splitHours). Everything else is whole hours.
 */
import { DateTime } from 'luxon';
import { fromMinor } from '../../order/money';
import { channelWhere, dialect, iso, num, ordersCounted, Params, periodWhere, soldWhere, type Dialect } from '../sql';
import { pairRangeWhere, REPORT_INDEX, sqlitePairs } from '../sqlite-pairs';
import type { ReportDefinition, Row, RunContext } from '../types';

/**
 * The parts of UTC hours that belong to another local day than the hour's start: from each local midnight inside
 * the period that is not on a UTC hour, and from the period's start when that is not on a UTC hour, to the end
 * of that hour (or the next such point, or the period's end). ISO UTC [from, to) pairs, in order, not overlapping.
 */
export function splitHours(tz: string, fromIso: string, toIso: string): Array<[string, string]> {
	const from = DateTime.fromISO(fromIso, { zone: tz });
	const to = DateTime.fromISO(toIso, { zone: tz });
	const onHour = (t: DateTime) => t.toUTC().equals(t.toUTC().startOf('hour'));
	const points: DateTime[] = [];
	if (!onHour(from)) points.push(from);
	let day = from.startOf('day').plus({ days: 1 }).startOf('day');
	for (let i = 0; day < to && i < 40000; i++) {
		if (!onHour(day)) points.push(day);
		day = day.plus({ days: 1 }).startOf('day');
	}
	return points.map((p, i) => {
		let end = p.toUTC().startOf('hour').plus({ hours: 1 });
		if (points[i + 1] && points[i + 1] < end) end = points[i + 1].toUTC();
		if (to < end) end = to.toUTC();
		return [p.toUTC().toISO()!, end.toISO()!];
	});
}

/** SQLite: one pair's UTC hours over its range of the covering index; parameters $1-$6 from pairRangeWhere. */
function sqliteHoursSql(ctx: RunContext): string {
	const where = `${pairRangeWhere(ctx.period.from, ctx.period.to).sql}${soldWhere('status', ctx)}`;
	// substr(placed_at, 1, 13) is the index's expression, so the groups come in index order (no sort)
	return `SELECT substr(placed_at, 1, 13) AS bucket, COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor
		FROM orders INDEXED BY ${REPORT_INDEX} WHERE ${where} GROUP BY substr(placed_at, 1, 13)`;
}

/** The hours after a local midnight that is not on the hour: [[from, to], ...] ranges as one JSON or two arrays. */
function splitSql(d: Dialect, p: Params, ctx: RunContext, ranges: Array<[string, string]>): string {
	if (d === 'sqlite') {
		const r = p.add(JSON.stringify(ranges));
		return `SELECT json_extract(r.value, '$[0]') AS start, o.channel AS channel, o.currency AS currency, substr(o.placed_at, 1, 13) AS bucket, COUNT(*) AS orders,
				SUM(o.units) AS units, SUM(o.total_minor) AS revenue_minor
			FROM json_each(${r}) AS r JOIN orders o ON o.placed_at >= json_extract(r.value, '$[0]') AND o.placed_at < json_extract(r.value, '$[1]')
			WHERE 1 = 1${channelWhere(d, p, 'o.channel', ctx)}${soldWhere('o.status', ctx)}
			GROUP BY 1, 2, 3, 4`;
	}
	// One UNION ALL arm per range, each with its own bounds as parameters: the planner sees each range's real size
	// (a few hundred orders) and scans orders_placed for it. (A join to unnest(...) of the ranges gets a generic
	// estimate of millions of rows, and then JIT-compiles the query, which alone takes longer than the report.)
	const filters = `${channelWhere(d, p, 'channel', ctx)}${soldWhere('status', ctx)}`;
	const arms = ranges.map(([from, to]) => {
		const a = p.add(from);
		const b = p.add(to);
		return `SELECT ${a}::timestamptz AS start, channel, currency, date_trunc('hour', placed_at AT TIME ZONE 'UTC') AS h, COUNT(*) AS orders,
				SUM(units) AS units, SUM(total_minor) AS revenue_minor
			FROM orders WHERE placed_at >= ${a}::timestamptz AND placed_at < ${b}::timestamptz${filters}
			GROUP BY channel, currency, 4`;
	});
	return `SELECT start, channel, currency, to_char(h, 'YYYY-MM-DD"T"HH24') AS bucket, orders, units, revenue_minor FROM (
			${arms.join('\n\t\t\tUNION ALL\n\t\t\t')}
		) g`;
}

/**
 * PostgreSQL's UTC hour of placed_at. date_bin (PostgreSQL 14+) is integer arithmetic on the instant, about 20%
 * cheaper over 1M rows than date_trunc('hour', placed_at AT TIME ZONE 'UTC'), which older servers get. Schema
 * version 2 keeps statistics on exactly the date_bin expression.
 */
const HOUR_PG14 = `date_bin('1 hour', placed_at, '2000-01-01 00:00:00+00'::timestamptz)`;
const HOUR_OLD = `date_trunc('hour', placed_at AT TIME ZONE 'UTC')`;
const pgVersions = new WeakMap<object, Promise<number>>();
async function pgHour(ctx: RunContext): Promise<{ expr: string; text: string }> {
	let v = pgVersions.get(ctx.store);
	if (!v) {
		v = ctx.store.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`).then((r) => Number(r[0]?.v ?? 0));
		pgVersions.set(ctx.store, v);
	}
	return (await v) >= 140000
		? { expr: HOUR_PG14, text: `to_char(h AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')` }
		: { expr: HOUR_OLD, text: `to_char(h, 'YYYY-MM-DD"T"HH24')` };
}

/** PostgreSQL: every (channel, currency, UTC hour) of the period. */
function pgHoursSql(p: Params, ctx: RunContext, hour: { expr: string; text: string }): string {
	const d: Dialect = 'postgres';
	const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${soldWhere('status', ctx)}`;
	// The hour is made text after grouping (to_char on every row costs more than the grouping itself)
	return `SELECT ${hour.text} AS bucket, channel, currency, orders, units, revenue_minor FROM (
			SELECT channel, currency, ${hour.expr} AS h, COUNT(*) AS orders, SUM(units) AS units,
				SUM(total_minor) AS revenue_minor
			FROM orders WHERE ${where} GROUP BY channel, currency, 3
		) g`;
}

async function hourRows(ctx: RunContext): Promise<Array<Record<string, unknown>>> {
	if (dialect(ctx) === 'postgres') {
		const p = new Params();
		return ctx.store.query(pgHoursSql(p, ctx, await pgHour(ctx)), p.values);
	}
	const sql = sqliteHoursSql(ctx);
	const range = pairRangeWhere(ctx.period.from, ctx.period.to);
	const out: Array<Record<string, unknown>> = [];
	for (const { channel, currency } of await sqlitePairs(ctx.store, ctx.options.channels)) {
		for (const r of await ctx.store.query(sql, range.params(channel, currency))) out.push({ ...r, channel, currency });
	}
	return out;
}

/** The local date of an instant (ISO UTC), then the start of its week or month. */
function dateKey(instant: string, tz: string, interval: 'day' | 'week' | 'month'): string {
	let day = DateTime.fromISO(instant, { zone: 'utc' }).setZone(tz);
	if (interval === 'week') day = day.startOf('week');
	if (interval === 'month') day = day.startOf('month');
	return day.toISODate()!;
}

export const byDay: ReportDefinition = {
	name: 'byDay',
	title: 'Orders by day and channel',
	periodic: true,
	keys: ['date', 'channel', 'currency'],
	// dates never match across periods: the previous period's rows are kept apart (ReportResult.previousRows)
	metrics: [],
	async run(ctx) {
		const interval = ctx.options.interval ?? 'day';
		const folded = new Map<string, { date: string; channel: string; currency: string; orders: number; units: number; minor: number }>();
		const dates = new Map<string, string>(); // the same hours come once per (channel, currency)
		const add = (instant: string, r: Record<string, unknown>, sign: 1 | -1) => {
			let date = dates.get(instant);
			if (date === undefined) dates.set(instant, (date = dateKey(instant, ctx.timeZone, interval)));
			const k = `${date}\u0000${String(r.channel)}\u0000${String(r.currency)}`;
			let acc = folded.get(k);
			if (!acc) folded.set(k, (acc = { date, channel: String(r.channel), currency: String(r.currency), orders: 0, units: 0, minor: 0 }));
			acc.orders += sign * num(r.orders);
			acc.units += sign * num(r.units);
			acc.minor += sign * num(r.revenue_minor);
		};
		for (const r of await hourRows(ctx)) add(`${String(r.bucket)}:00:00.000Z`, r, 1);
		const ranges = splitHours(ctx.timeZone, ctx.period.from, ctx.period.to);
		if (ranges.length) {
			const p = new Params();
			for (const r of await ctx.store.query(splitSql(dialect(ctx), p, ctx, ranges), p.values)) {
				// move that part of the hour from the day of the hour's start to the day of the part's start
				add(`${String(r.bucket)}:00:00.000Z`, r, -1);
				add(iso(r.start)!, r, 1);
			}
		}
		const rows: Row[] = [...folded.values()]
			.filter((a) => a.orders !== 0)
			.map((a) => ({
				date: a.date,
				channel: a.channel,
				currency: a.currency,
				orders: a.orders,
				units: a.units,
				revenue: fromMinor(a.minor, a.currency),
			}));
		return rows.sort((a, b) => cmp(a.date, b.date) || cmp(a.channel, b.channel) || cmp(a.currency, b.currency));
	},
	columns: () => [
		{ key: 'date', label: 'Date', type: 'date' },
		{ key: 'channel', label: 'Channel', type: 'text' },
		{ key: 'currency', label: 'Currency', type: 'text' },
		{ key: 'orders', label: 'Orders', type: 'int', scoped: true },
		{ key: 'units', label: 'Units', type: 'int', scoped: true },
		{ key: 'revenue', label: 'Revenue', type: 'money', scoped: true },
	],
	counts: (o) => `Counts ${ordersCounted(o)}, by the local date it was placed. Revenue: their order totals with shipping and tax, per currency.`,
};

function cmp(a: unknown, b: unknown): number {
	const x = String(a);
	const y = String(b);
	return x < y ? -1 : x > y ? 1 : 0;
}

/** Every bucket date of the period (for charts: days with no orders are zero, not missing). */
export function periodDates(fromIso: string, toIso: string, tz: string, interval: 'day' | 'week' | 'month'): string[] {
	const unit = interval;
	let cur = DateTime.fromISO(fromIso, { zone: tz }).startOf(unit);
	const end = DateTime.fromISO(toIso, { zone: tz });
	const out: string[] = [];
	while (cur < end && out.length < 4000) {
		out.push(cur.toISODate()!);
		cur = cur.plus({ [`${unit}s`]: 1 });
	}
	return out;
}
