/**
 * Backorders by SKU (current state, not a period): orders waiting for stock (status backordered, or held with
 * reason out_of_stock), the units still waiting (line quantity less what is already reserved for the line), and
 * the oldest waiting order's age.
 */
import { DateTime } from 'luxon';
import { channelWhere, dialect, iso, num, Params, type Dialect } from '../sql';
import type { ReportDefinition, RunContext } from '../types';

function sql(d: Dialect, p: Params, ctx: RunContext): string {
	const channels = channelWhere(d, p, 'o.channel', ctx);
	// units reserved now per order line, from each order's reservation parts (lib/stock/reservation.ts partsToJson):
	// [line, sku, active] or [line, sku, active, location, committed, released]; documents from earlier builds hold
	// [line, sku, location, active, committed, released], told apart by the type of the third element
	const reserved =
		d === 'sqlite'
			? `SELECT r.oms_id AS oms_id, p.value ->> 0 AS line_id,
					SUM(CASE WHEN json_type(p.value, '$[2]') = 'text' THEN p.value ->> 3 ELSE p.value ->> 2 END) AS reserved
				FROM reservations r, json_each(r.parts) p WHERE r.active > 0 GROUP BY 1, 2`
			: `SELECT r.oms_id AS oms_id, p ->> 0 AS line_id,
					SUM(CASE WHEN jsonb_typeof(p -> 2) = 'string' THEN (p ->> 3)::int ELSE (p ->> 2)::int END) AS reserved
				FROM reservations r CROSS JOIN LATERAL jsonb_array_elements(r.parts) p WHERE r.active > 0 GROUP BY 1, 2`;
	return `SELECT l.sku AS sku, COUNT(DISTINCT o.oms_id) AS orders,
			SUM(l.quantity - COALESCE(r.reserved, 0)) AS units_waiting, MIN(o.placed_at) AS oldest_placed_at
		FROM orders o
		JOIN order_lines l ON l.oms_id = o.oms_id
		LEFT JOIN (${reserved}) r ON r.oms_id = l.oms_id AND r.line_id = l.line_id
		WHERE (o.status = 'backordered' OR (o.hold_reason = 'out_of_stock' AND o.status NOT IN ('cancelled', 'rejected', 'shipped', 'delivered')))
			AND l.quantity > COALESCE(r.reserved, 0)${channels}
		GROUP BY l.sku
		ORDER BY units_waiting DESC, sku`;
}

export const backorders: ReportDefinition = {
	name: 'backorders',
	title: 'Backorders by SKU',
	periodic: false,
	keys: ['sku'],
	metrics: [],
	async run(ctx) {
		const p = new Params();
		const now = DateTime.fromISO(ctx.now, { zone: 'utc' });
		const rows = await ctx.store.query(sql(dialect(ctx), p, ctx), p.values);
		return rows.map((r) => {
			const oldest = iso(r.oldest_placed_at);
			const hours = oldest ? now.diff(DateTime.fromISO(oldest, { zone: 'utc' }), 'hours').hours : null;
			return {
				sku: String(r.sku),
				orders: num(r.orders),
				unitsWaiting: num(r.units_waiting),
				oldestPlacedAt: oldest,
				oldestAgeDays: hours === null ? null : Math.round((hours / 24) * 10) / 10,
			};
		});
	},
	columns: () => [
		{ key: 'sku', label: 'SKU', type: 'text' },
		{ key: 'orders', label: 'Orders waiting', type: 'int' },
		{ key: 'unitsWaiting', label: 'Units waiting', type: 'int' },
		{ key: 'oldestPlacedAt', label: 'Oldest placed', type: 'datetime' },
		{ key: 'oldestAgeDays', label: 'Oldest age (days)', type: 'number' },
	],
	counts: () => 'Counts the orders waiting for stock now (backordered, or on hold for stock); cancelled, rejected and shipped orders never wait.',
};
