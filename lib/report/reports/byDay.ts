/**
 * Orders by local date x channel (day, ISO week or month buckets in the report's time zone), one row per date,
 * channel and currency.
 *
 * PostgreSQL groups by `(placed_at AT TIME ZONE $tz)` dates directly. SQLite has no time zones: it groups by UTC
 * hour (or quarter hour, for zones with :30/:45 offsets) in SQL, and the hours x channels rows (a few thousand at
 * most for a month) are folded into local dates with luxon here. Weeks and months are folded from days.
 */
import { DateTime } from 'luxon';
import { fromMinor } from '../../order/money';
import { cancelledWhere, channelWhere, dialect, num, Params, periodWhere, type Dialect } from '../sql';
import type { ReportDefinition, Row, RunContext } from '../types';

/** Whether every UTC offset the zone uses around the period is a whole hour (then UTC hours fold into local days). */
export function wholeHourZone(tz: string, fromIso: string, toIso: string): boolean {
	const probes = [DateTime.fromISO(fromIso, { zone: tz }), DateTime.fromISO(toIso, { zone: tz })];
	for (const y of new Set(probes.map((p) => p.year))) {
		probes.push(DateTime.fromObject({ year: y, month: 1, day: 15 }, { zone: tz }), DateTime.fromObject({ year: y, month: 7, day: 15 }, { zone: tz }));
	}
	return probes.every((p) => p.offset % 60 === 0);
}

function sql(d: Dialect, p: Params, ctx: RunContext, wholeHours: boolean): string {
	if (d === 'sqlite') {
		const bucket = wholeHours
			? `substr(placed_at, 1, 13)`
			: `substr(placed_at, 1, 14) || printf('%02d', (CAST(substr(placed_at, 15, 2) AS INTEGER) / 15) * 15)`;
		const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${cancelledWhere('status', ctx)}`;
		return `SELECT ${bucket} AS bucket, channel, currency, COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor
			FROM orders WHERE ${where} GROUP BY bucket, channel, currency`;
	}
	const tz = p.add(ctx.timeZone);
	const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${cancelledWhere('status', ctx)}`;
	return `SELECT to_char(placed_at AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS bucket, channel, currency, COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor
		FROM orders WHERE ${where} GROUP BY 1, channel, currency`;
}

/** The local date (YYYY-MM-DD) a bucket falls on, then the start of its week or month. */
function dateKey(bucket: string, d: Dialect, tz: string, interval: 'day' | 'week' | 'month'): string {
	let day: DateTime;
	if (d === 'postgres') day = DateTime.fromISO(bucket, { zone: tz });
	else {
		const text = bucket.length === 13 ? `${bucket}:00:00Z` : `${bucket}:00Z`;
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
		const wholeHours = wholeHourZone(ctx.timeZone, ctx.period.from, ctx.period.to);
		const p = new Params();
		const folded = new Map<string, { date: string; channel: string; currency: string; orders: number; units: number; minor: number }>();
		for (const r of await ctx.store.query(sql(d, p, ctx, wholeHours), p.values)) {
			const date = dateKey(String(r.bucket), d, ctx.timeZone, interval);
			const k = `${date}\u0000${String(r.channel)}\u0000${String(r.currency)}`;
			let acc = folded.get(k);
			if (!acc) folded.set(k, (acc = { date, channel: String(r.channel), currency: String(r.currency), orders: 0, units: 0, minor: 0 }));
			acc.orders += num(r.orders);
			acc.units += num(r.units);
			acc.minor += num(r.revenue_minor);
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
