/** Orders by channel: order count, units and revenue, one row per channel and currency (currencies never summed together). */
import { cancelledWhere, channelWhere, dialect, money, num, Params, periodWhere, type Dialect } from '../sql';
import type { ReportDefinition, RunContext } from '../types';

function sql(d: Dialect, p: Params, ctx: RunContext): string {
	const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${cancelledWhere('status', ctx)}`;
	if (d === 'sqlite') {
		return `SELECT channel, currency, COUNT(*) AS orders, SUM(units) AS units, SUM(total_minor) AS revenue_minor
			FROM orders WHERE ${where} GROUP BY channel, currency ORDER BY channel, currency`;
	}
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
		{ key: 'orders', label: 'Orders', type: 'int' },
		{ key: 'units', label: 'Units', type: 'int' },
		{ key: 'revenue', label: 'Revenue', type: 'money' },
	],
};
