/** Orders by OMS status per channel: one row per channel, one column per status (current status of the orders placed in the period). */
import { OMS_STATUSES } from '../../store/types';
import { channelWhere, dialect, num, Params, periodWhere, type Dialect } from '../sql';
import type { ReportDefinition, Row, RunContext } from '../types';

function sql(d: Dialect, p: Params, ctx: RunContext): string {
	const where = `${periodWhere(d, p, 'placed_at', ctx)}${channelWhere(d, p, 'channel', ctx)}`;
	if (d === 'sqlite') {
		return `SELECT channel, status, COUNT(*) AS orders FROM orders WHERE ${where} GROUP BY channel, status ORDER BY channel, status`;
	}
	return `SELECT channel, status, COUNT(*) AS orders FROM orders WHERE ${where} GROUP BY channel, status ORDER BY channel, status`;
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
		// channels x statuses rows: a handful, folded into one row per channel
		for (const r of await ctx.store.query(sql(dialect(ctx), p, ctx), p.values)) {
			const channel = String(r.channel);
			let row = out.get(channel);
			if (!row) {
				row = { channel, orders: 0 };
				for (const s of OMS_STATUSES) row[s] = 0;
				out.set(channel, row);
			}
			const status = String(r.status);
			row[status] = ((row[status] as number) ?? 0) + num(r.orders);
			row.orders = (row.orders as number) + num(r.orders);
		}
		return [...out.values()];
	},
	columns: () => [
		{ key: 'channel', label: 'Channel', type: 'text' },
		{ key: 'orders', label: 'Orders', type: 'int' },
		...OMS_STATUSES.map((s) => ({ key: s, label: s.replace(/_/g, ' '), type: 'int' as const })),
	],
};
