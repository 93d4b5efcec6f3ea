/**
 * Orders by local date x channel (day, ISO week or month buckets in the report's time zone), one row per date,
 * channel and currency.
 *
 * Both stores group by UTC hour in SQL and the hours are folded into local dates with luxon here (PostgreSQL:
 * see pgSql for why not `AT TIME ZONE $tz` directly). SQLite groups each
 * (channel, currency) pair's orders by UTC hour in SQL, over that pair's range of the covering index
 * orders_report_hour (schema version 2; see sqlite-pairs.ts), without reading the table or sorting; the
 * hours x channels rows (a few thousand for a month)
 * are folded into local dates with luxon here. For zones whose midnight is not on the UTC hour (Asia/Kolkata,
 * +05:30: midnight is hh:30 UTC) each hour row also carries the figures of its part from that minute on, so the
 * hour can be split at the local midnight. Weeks and months are folded from days on both stores.
 */
import { DateTime } from 'luxon';
import { fromMinor } from '../../order/money';
import { cancelledWhere, channelWhere, dialect, num, Params, periodWhere, type Dialect } from '../sql';
import { pairRangeWhere, REPORT_INDEX, sqlitePairs } from '../sqlite-pairs';
import type { ReportDefinition, Row, RunContext } from '../types';

/**
 * The UTC minute (0-59) at which local days start during the period, when it is not 0; 0 when every local midnight
 * is on a UTC hour; null when midnights fall on more than one non-zero minute (no real zone does; then SQLite
 * groups by quarter hour instead).
 */
export function midnightMinute(tz: string, fromIso: string, toIso: string): number | null {
	const minutes = new Set<number>();
	let day = DateTime.fromISO(fromIso, { zone: tz }).startOf('day');
	const end = DateTime.fromISO(toIso, { zone: tz });
	for (let i = 0; day <= end && i < 40000; i++) {
		minutes.add(day.toUTC().minute);
		day = day.plus({ days: 1 }).startOf('day');
	}
	minutes.delete(0);
	if (minutes.size > 1) return null;
	return minutes.size ? [...minutes][0] : 0;
}

/** SQLite: one pair's hours (or quarter hours) over its range of the covering index; parameters $1-$6 from pairRangeWhere. */
function sqliteSql(ctx: RunContext, minute: number | null): string {
	const where = `${pairRangeWhere(ctx.period.from, ctx.period.to).sql}${cancelledWhere('status', ctx)}`;
	if (minute === null) {
		const quarter = `substr(placed_at, 1, 14) || printf('%02d', (CAST(substr(placed_at, 15, 2) AS INTEGER) / 15) * 15)`;
		return `SELECT ${quarter} AS bucket, COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor
			FROM orders INDEXED BY ${REPORT_INDEX} WHERE ${where} GROUP BY bucket`;
	}
	// substr(placed_at, 1, 13) is the index's expression, so the groups come in index order (no sort)
	const late = !minute
		? ''
		: `, SUM(CASE WHEN substr(placed_at, 15, 2) >= $7 THEN 1 ELSE 0 END) AS late_orders,
			SUM(CASE WHEN substr(placed_at, 15, 2) >= $7 THEN units ELSE 0 END) AS late_units,
			SUM(CASE WHEN substr(placed_at, 15, 2) >= $7 THEN total_minor ELSE 0 END) AS late_revenue_minor`;
	return `SELECT substr(placed_at, 1, 13) AS bucket, COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor${late}
		FROM orders INDEXED BY ${REPORT_INDEX} WHERE ${where} GROUP BY substr(placed_at, 1, 13)`;
}

/** SQLite rows (bucket, channel, currency, figures) for every pair. */
async function sqliteRows(ctx: RunContext, minute: number | null): Promise<Array<Record<string, unknown>>> {
	const sql = sqliteSql(ctx, minute);
	const range = pairRangeWhere(ctx.period.from, ctx.period.to);
	const out: Array<Record<string, unknown>> = [];
	for (const { channel, currency } of await sqlitePairs(ctx.store, ctx.options.channels)) {
		const params = range.params(channel, currency);
		if (minute) params.push(String(minute).padStart(2, '0'));
		for (const r of await ctx.store.query(sql, params)) out.push({ ...r, channel, currency });
	}
	return out;
}

/**
 * PostgreSQL: UTC hours, like SQLite, grouped in parallel: the planner knows how many hours there are from the
 * statistics object orders_report_hour (schema version 2) on exactly this expression, where for
 * `(placed_at AT TIME ZONE $tz)::date` it guesses one group per order and gives up on a parallel aggregate (3 to
 * 4 times slower over 1M orders). Hours fold into local dates here, as on SQLite. Zones whose midnights fall on
 * more than one non-zero minute (none do) group by `placed_at AT TIME ZONE $tz` directly.
 */
function pgSql(p: Params, ctx: RunContext, minute: number | null): string {
	const d: Dialect = 'postgres';
	if (minute === null) {
		const tz = p.add(ctx.timeZone);
		const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${cancelledWhere('status', ctx)}`;
		return `SELECT day::text AS bucket, channel, currency, orders, units, revenue_minor FROM (
				SELECT (placed_at AT TIME ZONE ${tz})::date AS day, channel, currency, COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor
				FROM orders WHERE ${where} GROUP BY 1, channel, currency
			) g`;
	}
	const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${cancelledWhere('status', ctx)}`;
	let late = '';
	let lateCols = '';
	if (minute) {
		const m = p.add(minute);
		const cond = `extract(minute FROM placed_at AT TIME ZONE 'UTC') >= ${m}`;
		late = `, SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END) AS late_orders, SUM(CASE WHEN ${cond} THEN units ELSE 0 END) AS late_units,
			SUM(CASE WHEN ${cond} THEN total_minor ELSE 0 END) AS late_revenue_minor`;
		lateCols = ', late_orders, late_units, late_revenue_minor';
	}
	// The date is made text after grouping (to_char on every row costs more than the grouping itself)
	return `SELECT to_char(h, 'YYYY-MM-DD"T"HH24') AS bucket, channel, currency, orders, units, revenue_minor${lateCols} FROM (
			SELECT channel, currency, date_trunc('hour', placed_at AT TIME ZONE 'UTC') AS h, COUNT(*) AS orders, SUM(units) AS units,
				SUM(total_minor) AS revenue_minor${late}
			FROM orders WHERE ${where} GROUP BY channel, currency, 3
		) g`;
}

/** The local date (YYYY-MM-DD) a bucket starting at this UTC text falls on, then the start of its week or month. */
function dateKey(bucketStart: string, tz: string, interval: 'day' | 'week' | 'month'): string {
	let day: DateTime;
	// a local date (PostgreSQL's AT TIME ZONE path), or the start of a UTC hour or part of one
	if (bucketStart.length === 10) day = DateTime.fromISO(bucketStart, { zone: tz });
	else {
		const text = bucketStart.length === 13 ? `${bucketStart}:00:00Z` : `${bucketStart}:00Z`;
		day = DateTime.fromISO(text, { zone: 'utc' }).setZone(tz);
	}
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
		const d = dialect(ctx);
		const interval = ctx.options.interval ?? 'day';
		const minute = midnightMinute(ctx.timeZone, ctx.period.from, ctx.period.to);
		const folded = new Map<string, { date: string; channel: string; currency: string; orders: number; units: number; minor: number }>();
		const dates = new Map<string, string>(); // the same hours come once per (channel, currency)
		const add = (bucketStart: string, r: Record<string, unknown>, orders: number, units: number, minor: number) => {
			if (!orders) return;
			let date = dates.get(bucketStart);
			if (date === undefined) dates.set(bucketStart, (date = dateKey(bucketStart, ctx.timeZone, interval)));
			const k = `${date}\u0000${String(r.channel)}\u0000${String(r.currency)}`;
			let acc = folded.get(k);
			if (!acc) folded.set(k, (acc = { date, channel: String(r.channel), currency: String(r.currency), orders: 0, units: 0, minor: 0 }));
			acc.orders += orders;
			acc.units += units;
			acc.minor += minor;
		};
		const p = new Params();
		const found = d === 'sqlite' ? await sqliteRows(ctx, minute) : await ctx.store.query(pgSql(p, ctx, minute), p.values);
		for (const r of found) {
			const bucket = String(r.bucket);
			if (minute) {
				// the hour before the local midnight minute, and the part from it on
				const lo = num(r.late_orders);
				const lu = num(r.late_units);
				const lm = num(r.late_revenue_minor);
				add(bucket, r, num(r.orders) - lo, num(r.units) - lu, num(r.revenue_minor) - lm);
				add(`${bucket}:${String(minute).padStart(2, '0')}`, r, lo, lu, lm);
			} else add(bucket, r, num(r.orders), num(r.units), num(r.revenue_minor));
		}
		const rows: Row[] = [...folded.values()].map((a) => ({
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
		{ key: 'orders', label: 'Orders', type: 'int' },
		{ key: 'units', label: 'Units', type: 'int' },
		{ key: 'revenue', label: 'Revenue', type: 'money' },
	],
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
