/**
 * Returns by source: per channel (order source) and currency, the returns the customers asked for in the period
 * (by their requested time) and what they come to: returns recorded (every status), units returned (returns not
 * declined or cancelled: those bring nothing back), units shipped of the orders placed in the period (their
 * packages' units, or every unit of an order shipped or delivered without packages recorded), the return rate
 * (units returned / units shipped, %), the units per normalised reason (a column per reason that occurs, the most
 * returned first, and the row's top three in words), the returns by OMS
 * status (open: requested to inspected; closed; declined; cancelled), and the refunds: owed (pending, sent or
 * failed, on returns still returning) and refunded, summed in minor units of the row's currency.
 *
 * A row's currency is the refund's currency, or the order's when the return has no refund yet, so amounts of two
 * currencies are never added together. The same SQL text on both stores (the period and channel terms differ).
 */
import type { ReturnReason } from '../../returns/types';
import { NOT_RETURNING, RETURN_STATUSES, RETURNING, type ReturnStatus } from '../../returns/status';
import { channelWhere, dialect, money, num, Params, periodWhere, type Dialect } from '../sql';
import type { Column, ReportDefinition, Row, RunContext } from '../types';

/** The statuses of a return still under way (not closed, declined or cancelled) */
const OPEN: readonly ReturnStatus[] = RETURN_STATUSES.filter((s) => s !== 'closed' && !NOT_RETURNING.includes(s));
/** Refund states that are owed, not yet refunded */
export const OWED = ['pending', 'sent', 'failed'];
/** Orders whose every unit has shipped when no package was recorded (as lib/returns/units.ts counts them) */
export const SHIPPED_ORDER_STATUSES = ['shipped', 'delivered'];

export const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
/**
 * A return's row currency: its refund's, or its order's when it has no refund yet. The order is looked up only then
 * (COALESCE stops at the refund's): joining orders made PostgreSQL hash all 1,000,000 orders of bench/report/returns.ts
 * for the returns' currencies. Queries group by its output position.
 */
export const CURRENCY = 'COALESCE(r.refund_currency, (SELECT o.currency FROM orders o WHERE o.oms_id = r.oms_id))';

export function returnsWhere(d: Dialect, p: Params, ctx: RunContext): string {
	return `${periodWhere(d, p, 'r.requested_at', ctx)}${channelWhere(d, p, 'r.channel', ctx)}`;
}

function returnsSql(d: Dialect, p: Params, ctx: RunContext): string {
	return `SELECT r.channel AS channel, ${CURRENCY} AS currency, COUNT(*) AS returns,
			SUM(CASE WHEN r.status IN (${list(RETURNING)}) THEN r.units ELSE 0 END) AS units_returned,
			SUM(CASE WHEN r.status IN (${list(OPEN)}) THEN 1 ELSE 0 END) AS open_returns,
			SUM(CASE WHEN r.status = 'closed' THEN 1 ELSE 0 END) AS closed_returns,
			SUM(CASE WHEN r.status = 'declined' THEN 1 ELSE 0 END) AS declined_returns,
			SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled_returns,
			SUM(CASE WHEN r.refund_status IN (${list(OWED)}) AND r.status IN (${list(RETURNING)}) THEN r.refund_total_minor ELSE 0 END) AS owed_minor,
			SUM(CASE WHEN r.refund_status = 'refunded' THEN r.refund_total_minor ELSE 0 END) AS refunded_minor
		FROM returns r
		WHERE ${returnsWhere(d, p, ctx)}
		GROUP BY 1, 2`;
}

function reasonsSql(d: Dialect, p: Params, ctx: RunContext): string {
	return `SELECT r.channel AS channel, ${CURRENCY} AS currency, l.reason AS reason, SUM(l.quantity) AS units
		FROM return_lines l JOIN returns r ON r.return_id = l.return_id
		WHERE ${returnsWhere(d, p, ctx)} AND r.status IN (${list(RETURNING)})
		GROUP BY 1, 2, 3`;
}

/** LEAST of two on this store */
export const least = (d: Dialect) => (d === 'sqlite' ? 'min' : 'LEAST');

/**
 * Units shipped of the orders placed in the period, as lib/returns/units.ts counts them for the units a return may
 * take: an order with packages recorded, the units in its packages (at most the units ordered; a partial shipment
 * counts what left); an order without, all of its units once it is shipped or delivered. Per channel and currency
 * (by source) or per currency (by reason).
 *
 * The packages' units come from orders.units_packed, which the store keeps as it records packages (schema v13): one
 * pass over the period's orders (on SQLite from the covering index orders_report_shipped alone). Reading each
 * order's packages' JSON instead took 6-7 s over 1,000,000 orders (bench/report/returns.ts).
 */
export function shippedSql(d: Dialect, p: Params, ctx: RunContext, by: 'channel' | 'currency' = 'channel'): string {
	const shipped = `CASE WHEN o.units_packed IS NOT NULL THEN ${least(d)}(o.units, o.units_packed) WHEN o.status IN (${list(SHIPPED_ORDER_STATUSES)}) THEN o.units ELSE 0 END`;
	const keys = by === 'channel' ? 'o.channel, o.currency' : 'o.currency';
	return `SELECT ${by === 'channel' ? 'o.channel AS channel, ' : ''}o.currency AS currency, SUM(${shipped}) AS units_shipped
		FROM orders o WHERE ${periodWhere(d, p, 'o.placed_at', ctx)}${channelWhere(d, p, 'o.channel', ctx)}
		GROUP BY ${keys}
		HAVING SUM(${shipped}) > 0`;
}

export const REASON_PREFIX = 'reason_';

function blank(channel: string, currency: string): Row {
	return {
		channel,
		currency,
		returns: 0,
		unitsReturned: 0,
		unitsShipped: 0,
		returnRatePct: null,
		topReasons: '',
		open: 0,
		closed: 0,
		declined: 0,
		cancelled: 0,
		refundOwed: 0,
		refundRefunded: 0,
	};
}

/** "size_fit 3, defective 1": a row's most returned reasons (units), at most three, ties by name */
function topReasons(units: Map<string, number>): string {
	return [...units]
		.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.slice(0, 3)
		.map(([reason, n]) => `${reason} ${n}`)
		.join(', ');
}

/** The reason columns of these rows: every reason that occurs, the most returned units first, ties by name */
function reasonKeys(rows: Row[]): string[] {
	const total = new Map<string, number>();
	for (const r of rows) for (const [k, v] of Object.entries(r)) if (k.startsWith(REASON_PREFIX) && !k.endsWith('Previous') && typeof v === 'number') total.set(k, (total.get(k) ?? 0) + v);
	return [...total]
		.filter(([, n]) => n > 0)
		.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.map(([k]) => k);
}

export const returnsBySource: ReportDefinition = {
	name: 'returns',
	title: 'Returns by source',
	periodic: true,
	keys: ['channel', 'currency'],
	metrics: ['returns', 'unitsReturned', 'unitsShipped', 'returnRatePct', 'open', 'closed', 'declined', 'cancelled', 'refundOwed', 'refundRefunded'],
	async run(ctx) {
		const d = dialect(ctx);
		const out = new Map<string, Row>();
		const get = (channel: unknown, currency: unknown) => {
			const k = `${String(channel)}\u0000${String(currency)}`;
			let row = out.get(k);
			if (!row) out.set(k, (row = blank(String(channel), String(currency))));
			return row;
		};
		const p1 = new Params();
		for (const r of await ctx.store.query(returnsSql(d, p1, ctx), p1.values)) {
			const row = get(r.channel, r.currency);
			const currency = String(r.currency);
			Object.assign(row, {
				returns: num(r.returns),
				unitsReturned: num(r.units_returned),
				open: num(r.open_returns),
				closed: num(r.closed_returns),
				declined: num(r.declined_returns),
				cancelled: num(r.cancelled_returns),
				refundOwed: money(r.owed_minor, currency),
				refundRefunded: money(r.refunded_minor, currency),
			});
		}
		const p2 = new Params();
		const reasons = new Map<Row, Map<string, number>>();
		for (const r of await ctx.store.query(reasonsSql(d, p2, ctx), p2.values)) {
			const row = get(r.channel, r.currency);
			const reason = String(r.reason) as ReturnReason;
			let m = reasons.get(row);
			if (!m) reasons.set(row, (m = new Map()));
			m.set(reason, num(r.units));
		}
		const p3 = new Params();
		for (const r of await ctx.store.query(shippedSql(d, p3, ctx), p3.values)) get(r.channel, r.currency).unitsShipped = num(r.units_shipped);

		const seen = new Set<string>();
		for (const m of reasons.values()) for (const k of m.keys()) seen.add(k);
		const rows = [...out.values()].sort((a, b) => String(a.channel).localeCompare(String(b.channel)) || String(a.currency).localeCompare(String(b.currency)));
		for (const row of rows) {
			const m = reasons.get(row) ?? new Map<string, number>();
			row.topReasons = topReasons(m);
			for (const reason of [...seen].sort()) row[`${REASON_PREFIX}${reason}`] = m.get(reason) ?? 0;
			const shipped = row.unitsShipped as number;
			row.returnRatePct = shipped > 0 ? Math.round(((row.unitsReturned as number) / shipped) * 10000) / 100 : null;
		}
		return rows;
	},
	columns(rows): Column[] {
		return [
			{ key: 'channel', label: 'Channel', type: 'text' },
			{ key: 'currency', label: 'Currency', type: 'text' },
			{ key: 'returns', label: 'Returns', type: 'int' },
			{ key: 'unitsReturned', label: 'Units returned', type: 'int' },
			{ key: 'unitsShipped', label: 'Units shipped', type: 'int' },
			{ key: 'returnRatePct', label: 'Return rate (%)', type: 'number' },
			{ key: 'topReasons', label: 'Top reasons (units)', type: 'text' },
			...reasonKeys(rows).map((key): Column => ({ key, label: `Reason: ${key.slice(REASON_PREFIX.length)}`, type: 'int' })),
			{ key: 'open', label: 'Open', type: 'int' },
			{ key: 'closed', label: 'Closed', type: 'int' },
			{ key: 'declined', label: 'Declined', type: 'int' },
			{ key: 'cancelled', label: 'Cancelled', type: 'int' },
			{ key: 'refundOwed', label: 'Refund owed', type: 'money' },
			{ key: 'refundRefunded', label: 'Refunded', type: 'money' },
		];
	},
	// the option to include unsold orders does not apply: a return is of an order that shipped
	counts: () =>
		'Counts the returns requested in the period, by the channel of their order and the currency of their refund (or of the order); units returned and reasons leave out declined and cancelled returns; units shipped are the units that left in the packages of the orders placed in the period (all units of an order shipped or delivered without packages recorded), and the return rate is units returned over them. Refund owed: pending, sent or failed refunds of returns not declined or cancelled.',
};
