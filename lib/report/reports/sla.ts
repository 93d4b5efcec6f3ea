/**
 * Fulfilment SLA per channel, for orders placed in the period: how many shipped, placed-to-shipped p50 and p90
 * (hours; linear interpolation between the two nearest ranks, as PostgreSQL's percentile_cont), how many shipped
 * after their ship-by, and how many are past ship-by and still not shipped (as of the clock's now).
 *
 * Durations are whole seconds on both stores. PostgreSQL computes the percentiles with percentile_cont; SQLite
 * ranks each channel's durations with ROW_NUMBER() and picks the two ranks around p x (n - 1) in SQL, and the
 * interpolation between those two values is done here.
 *
 * Sold orders only unless `includeUnsold` (sql.ts UNSOLD_STATUSES). Overdue never counts cancelled or rejected
 * orders (they will not ship); with `includeUnsold` it counts orders held for fraud review past their ship-by.
 */
import { channelWhere, dialect, num, numOrNull, ordersCounted, Params, periodWhere, soldWhere, type Dialect } from '../sql';
import type { ReportDefinition, RunContext } from '../types';

const OPEN = `status NOT IN ('cancelled', 'rejected')`;

function sql(d: Dialect, p: Params, ctx: RunContext): string {
	const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${soldWhere('status', ctx)}`;
	if (d === 'sqlite') {
		const now = p.add(ctx.now);
		const pick = (q: number, hi: boolean) =>
			`MAX(CASE WHEN i = CAST(${q} * (n - 1) AS INTEGER)${hi ? ` + (${q} * (n - 1) > CAST(${q} * (n - 1) AS INTEGER))` : ''} THEN s END)`;
		return `WITH base AS (
				SELECT channel, status, placed_at, shipped_at, ship_by FROM orders WHERE ${where}
			), ranked AS (
				SELECT channel, s, ROW_NUMBER() OVER (PARTITION BY channel ORDER BY s) - 1 AS i, COUNT(*) OVER (PARTITION BY channel) AS n
				FROM (SELECT channel, unixepoch(shipped_at) - unixepoch(placed_at) AS s FROM base WHERE shipped_at IS NOT NULL)
			), pct AS (
				SELECT channel, n, ${pick(0.5, false)} AS p50_lo, ${pick(0.5, true)} AS p50_hi, ${pick(0.9, false)} AS p90_lo, ${pick(0.9, true)} AS p90_hi
				FROM ranked GROUP BY channel, n
			), counts AS (
				SELECT channel, COUNT(*) AS orders,
					SUM(CASE WHEN shipped_at IS NOT NULL THEN 1 ELSE 0 END) AS shipped,
					SUM(CASE WHEN shipped_at IS NOT NULL AND ship_by IS NOT NULL AND shipped_at > ship_by THEN 1 ELSE 0 END) AS shipped_late,
					SUM(CASE WHEN shipped_at IS NULL AND ship_by IS NOT NULL AND ship_by < ${now} AND ${OPEN} THEN 1 ELSE 0 END) AS overdue
				FROM base GROUP BY channel
			)
			SELECT c.channel, c.orders, c.shipped, c.shipped_late, c.overdue, pct.n, pct.p50_lo, pct.p50_hi, pct.p90_lo, pct.p90_hi
			FROM counts c LEFT JOIN pct ON pct.channel = c.channel ORDER BY c.channel`;
	}
	const now = p.add(ctx.now);
	return `SELECT channel, COUNT(*) AS orders,
			COUNT(shipped_at) AS shipped,
			COUNT(*) FILTER (WHERE shipped_at > ship_by) AS shipped_late,
			COUNT(*) FILTER (WHERE shipped_at IS NULL AND ship_by < ${now}::timestamptz AND ${OPEN}) AS overdue,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY (floor(extract(epoch FROM shipped_at)) - floor(extract(epoch FROM placed_at)))::float8) AS p50,
			percentile_cont(0.9) WITHIN GROUP (ORDER BY (floor(extract(epoch FROM shipped_at)) - floor(extract(epoch FROM placed_at)))::float8) AS p90
		FROM orders WHERE ${where}
		GROUP BY channel ORDER BY channel`;
}

function interpolate(q: number, n: unknown, lo: unknown, hi: unknown): number | null {
	const count = numOrNull(n);
	if (!count || lo === null || lo === undefined) return null;
	const pos = q * (count - 1);
	const frac = pos - Math.floor(pos);
	const a = num(lo);
	const b = hi === null || hi === undefined ? a : num(hi);
	return a + (b - a) * frac;
}

const hours = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / 3600) * 100) / 100);

export const sla: ReportDefinition = {
	name: 'sla',
	title: 'Fulfilment SLA per channel',
	periodic: true,
	keys: ['channel'],
	metrics: ['orders', 'shipped', 'p50Hours', 'p90Hours', 'shippedLate', 'overdue'],
	async run(ctx) {
		const d = dialect(ctx);
		const p = new Params();
		const rows = await ctx.store.query(sql(d, p, ctx), p.values);
		return rows.map((r) => {
			const p50 = d === 'postgres' ? numOrNull(r.p50) : interpolate(0.5, r.n, r.p50_lo, r.p50_hi);
			const p90 = d === 'postgres' ? numOrNull(r.p90) : interpolate(0.9, r.n, r.p90_lo, r.p90_hi);
			return {
				channel: String(r.channel),
				orders: num(r.orders),
				shipped: num(r.shipped),
				p50Hours: hours(p50),
				p90Hours: hours(p90),
				shippedLate: num(r.shipped_late),
				overdue: num(r.overdue),
			};
		});
	},
	columns: () => [
		{ key: 'channel', label: 'Channel', type: 'text' },
		{ key: 'orders', label: 'Orders', type: 'int', scoped: true },
		{ key: 'shipped', label: 'Shipped', type: 'int', scoped: true },
		{ key: 'p50Hours', label: 'Placed to shipped p50 (h)', type: 'number' },
		{ key: 'p90Hours', label: 'Placed to shipped p90 (h)', type: 'number' },
		{ key: 'shippedLate', label: 'Shipped after ship-by', type: 'int', scoped: true },
		{ key: 'overdue', label: 'Past ship-by, not shipped', type: 'int', scoped: true },
	],
	counts: (o) => `Counts ${ordersCounted(o)}; past ship-by never counts cancelled or rejected orders.`,
};
