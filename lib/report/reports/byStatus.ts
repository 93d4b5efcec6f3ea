/**
 * Orders by OMS status per channel: one row per channel, one column per status (current status of the orders placed
 * in the period). Sold orders only unless `includeUnsold`: the rejected, fraud-review and cancelled columns appear
 * only with it (sql.ts UNSOLD_STATUSES).
 */
import { OMS_STATUSES, type OmsStatus } from '../../order/status';
import { channelWhere, dialect, num, ordersCounted, Params, periodWhere, soldWhere, UNSOLD_STATUSES, type Dialect } from '../sql';
import type { ReportDefinition, ReportOptions, Row, RunContext } from '../types';

function sql(d: Dialect, p: Params, ctx: RunContext): string {
	const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}${soldWhere('status', ctx)}`;
	return `SELECT channel, status, COUNT(*) AS orders FROM orders WHERE ${where} GROUP BY channel, status ORDER BY channel, status`;
}

/** The status columns the report has with these options. */
function statuses(options: ReportOptions): OmsStatus[] {
	return options.includeUnsold ? [...OMS_STATUSES] : OMS_STATUSES.filter((s) => !UNSOLD_STATUSES.includes(s));
}

export const byStatus: ReportDefinition = {
	name: 'byStatus',
	title: 'Orders by status per channel',
	periodic: true,
	keys: ['channel'],
	metrics: ['orders', ...OMS_STATUSES],
	async run(ctx) {
		const p = new Params();
		const out = new Map<string, Row>();
		const columns = statuses(ctx.options);
		// channels x statuses rows: a handful, folded into one row per channel
		for (const r of await ctx.store.query(sql(dialect(ctx), p, ctx), p.values)) {
			const channel = String(r.channel);
			let row = out.get(channel);
			if (!row) {
				row = { channel, orders: 0 };
				for (const s of columns) row[s] = 0;
				out.set(channel, row);
			}
			const status = String(r.status);
			row[status] = ((row[status] as number) ?? 0) + num(r.orders);
			row.orders = (row.orders as number) + num(r.orders);
		}
		return [...out.values()];
	},
	columns: (_rows, options) => [
		{ key: 'channel', label: 'Channel', type: 'text' },
		{ key: 'orders', label: 'Orders', type: 'int', scoped: true },
		...statuses(options).map((s) => ({ key: s, label: s.replace(/_/g, ' '), type: 'int' as const })),
	],
	counts: (o) =>
		`Counts ${ordersCounted(o)}, by the status each is in now.${o.includeUnsold ? '' : ' The rejected, fraud review and cancelled columns appear when those orders are included.'}`,
};
