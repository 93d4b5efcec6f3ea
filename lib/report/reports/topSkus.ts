/**
 * Top SKUs by units sold in the period. The ranking is by a SKU's units over every currency; its revenue stays
 * one row per currency. Lines of sold orders only unless `includeUnsold` (sql.ts UNSOLD_STATUSES).
 */
import { channelWhere, dialect, money, num, ordersCounted, Params, periodWhere, soldWhere, type Dialect } from '../sql';
import type { ReportDefinition, RunContext } from '../types';

function sql(d: Dialect, p: Params, ctx: RunContext): string {
	const where = `${periodWhere(d, p, 'o.placed_at', ctx)}${channelWhere(d, p, 'o.channel', ctx)}${soldWhere('o.status', ctx)}`;
	const limit = p.add(Math.max(1, Math.floor(ctx.options.limit ?? 10)));
	const body = `WITH g AS (
			SELECT l.sku AS sku, o.currency AS currency, SUM(l.quantity) AS units, COUNT(DISTINCT o.oms_id) AS orders,
				SUM(l.line_total_minor) AS revenue_minor
			FROM orders o JOIN order_lines l ON l.oms_id = o.oms_id
			WHERE ${where}
			GROUP BY l.sku, o.currency
		), s AS (
			SELECT sku, SUM(units) AS sku_units FROM g GROUP BY sku ORDER BY sku_units DESC, sku LIMIT ${limit}
		)
		SELECT g.sku, g.currency, g.units, g.orders, g.revenue_minor, s.sku_units
		FROM g JOIN s ON s.sku = g.sku
		ORDER BY s.sku_units DESC, g.sku, g.currency`;
	// The same text on both: standard SQL (CTEs, COUNT DISTINCT, LIMIT) that SQLite and PostgreSQL share.
	return d === 'sqlite' ? body : body;
}

export const topSkus: ReportDefinition = {
	name: 'topSkus',
	title: 'Top SKUs',
	periodic: true,
	keys: ['sku', 'currency'],
	metrics: ['units', 'orders', 'revenue'],
	async run(ctx) {
		const p = new Params();
		const rows = await ctx.store.query(sql(dialect(ctx), p, ctx), p.values);
		return rows.map((r) => ({
			sku: String(r.sku),
			currency: String(r.currency),
			units: num(r.units),
			orders: num(r.orders),
			revenue: money(r.revenue_minor, String(r.currency)),
			skuUnits: num(r.sku_units),
		}));
	},
	columns: () => [
		{ key: 'sku', label: 'SKU', type: 'text' },
		{ key: 'currency', label: 'Currency', type: 'text' },
		{ key: 'units', label: 'Units', type: 'int', scoped: true },
		{ key: 'orders', label: 'Orders', type: 'int', scoped: true },
		{ key: 'revenue', label: 'Revenue', type: 'money', scoped: true },
		{ key: 'skuUnits', label: 'SKU units (all currencies)', type: 'int', scoped: true },
	],
	counts: (o) => `Counts the lines of ${ordersCounted(o)}. Revenue: the line totals, without shipping and tax, per currency.`,
};
