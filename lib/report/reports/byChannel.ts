/**
 * Orders by channel: order count, units and revenue, one row per channel and currency (currencies never summed
 * together). Sold orders only unless `includeUnsold` (sql.ts UNSOLD_STATUSES). PostgreSQL: one GROUP BY (parallel over the table). SQLite: one aggregate per (channel, currency)
 * pair over its range of the covering index orders_report_hour (see sqlite-pairs.ts).
 */
import { channelWhere, dialect, money, num, ordersCounted, Params, periodWhere, soldWhere, type Dialect } from '../sql';
import { pairRangeWhere, REPORT_INDEX, sqlitePairs } from '../sqlite-pairs';
import type { ReportDefinition, Row, RunContext } from '../types';

async function runSqlite(ctx: RunContext): Promise<Row[]> {
	const range = pairRangeWhere(ctx.period.from, ctx.period.to);
	const sql = `SELECT COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor
		FROM orders INDEXED BY ${REPORT_INDEX} WHERE ${range.sql}${soldWhere('status', ctx)}`;
	const rows: Row[] = [];
	for (const { channel, currency } of await sqlitePairs(ctx.store, ctx.options.channels)) {
		const [r] = await ctx.store.query(sql, range.params(channel, currency));
		if (!r || !num(r.orders)) continue;
		rows.push({ channel, currency, orders: num(r.orders), units: num(r.units), revenue: money(r.revenue_minor, currency) });
	}
	return rows;
}

function sql(d: Dialect, p: Params, ctx: RunContext): string {
	const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${soldWhere('status', ctx)}`;
	// PostgreSQL (SQLite: runSqlite above)
	return `SELECT channel, currency, COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor
		FROM orders WHERE ${where} GROUP BY channel, currency ORDER BY channel, currency`;
}

export const byChannel: ReportDefinition = {
	name: 'byChannel',
	title: 'Orders by channel',
	periodic: true,
	keys: ['channel', 'currency'],
	metrics: ['orders', 'units', 'revenue'],
	async run(ctx) {
		if (dialect(ctx) === 'sqlite') return runSqlite(ctx);
		const p = new Params();
		const rows = await ctx.store.query(sql(dialect(ctx), p, ctx), p.values);
		return rows.map((r) => ({
			channel: String(r.channel),
			currency: String(r.currency),
			orders: num(r.orders),
			units: num(r.units),
			revenue: money(r.revenue_minor, String(r.currency)),
		}));
	},
	columns: () => [
		{ key: 'channel', label: 'Channel', type: 'text' },
		{ key: 'currency', label: 'Currency', type: 'text' },
		{ key: 'orders', label: 'Orders', type: 'int', scoped: true },
		{ key: 'units', label: 'Units', type: 'int', scoped: true },
		{ key: 'revenue', label: 'Revenue', type: 'money', scoped: true },
	],
	counts: (o) => `Counts ${ordersCounted(o)}. Revenue: their order totals with shipping and tax, per currency.`,
};
