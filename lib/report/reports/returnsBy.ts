/**
 * Returns by SKU and returns by reason: the returns requested in the period (by their requested time), per SKU or
 * per normalised reason of their lines, and per currency (the refund's, or the order's when the return has no refund
 * yet: amounts of two currencies are never added together). Per row: returns (every status, each return once),
 * units returned (lines of returns not declined or cancelled), units shipped, the return rate (units returned / units
 * shipped, %) and the refunds of those lines: owed (pending, sent or failed, on returns still returning) and refunded.
 *
 * Units shipped, as lib/returns/units.ts counts what a return may take, over the orders placed in the period:
 * - by SKU: per order and SKU, the units of the SKU in the order's packages (at most the units of it ordered), or
 *   every unit of the SKU ordered when the order is shipped or delivered without packages recorded;
 * - by reason: the units shipped in the row's currency (every SKU, per order as Returns by source counts them): the
 *   rate is the share of the units that left which came back for that reason.
 * A line's refund is its refund line (merchandise + tax - restocking fee, by order line); the shipping refunded and
 * the return shipping kept belong to no SKU or reason (they are in Returns by source's refund columns).
 *
 * The same SQL text on both stores but for the JSON functions (the period and channel terms differ as in every report).
 */
import { fromMinor, toMinor } from '../../order/money';
import { SELLER_FAULT_REASONS, type ReturnReason } from '../../returns/types';
import { RETURNING } from '../../returns/status';
import { channelWhere, dialect, num, Params, periodWhere, type Dialect } from '../sql';
import type { Column, ReportDefinition, ReportOptions, Row, RunContext } from '../types';
import { CURRENCY, least, list, OWED, returnsWhere, SHIPPED_ORDER_STATUSES, shippedSql } from './returns';

type By = 'sku' | 'reason';

/** A return line's refund (major units): its order line's refund line, merchandise + tax - restocking fee; 0 without. */
function lineRefund(d: Dialect): string {
	return d === 'sqlite'
		? `(SELECT SUM(json_extract(x.value, '$.amount') + json_extract(x.value, '$.tax') - json_extract(x.value, '$.restockingFee'))
			FROM json_each(r.doc, '$.refund.lines') x WHERE json_extract(x.value, '$.lineId') = l.line_id)`
		: `(SELECT SUM((x ->> 'amount')::numeric + (x ->> 'tax')::numeric - (x ->> 'restockingFee')::numeric)
			FROM jsonb_array_elements(r.doc -> 'refund' -> 'lines') x WHERE x ->> 'lineId' = l.line_id)`;
}

function linesSql(d: Dialect, p: Params, ctx: RunContext, by: By): string {
	// t materialised: each line's refund (JSON) is read once, not once per SUM that uses it
	return `WITH t AS MATERIALIZED (SELECT l.${by} AS k, ${CURRENCY} AS currency, r.return_id AS return_id, r.status AS status, r.refund_status AS refund_status,
				l.quantity AS quantity, CASE WHEN r.refund_status IS NULL THEN 0 ELSE COALESCE(${lineRefund(d)}, 0) END AS refund
			FROM return_lines l JOIN returns r ON r.return_id = l.return_id
			WHERE ${returnsWhere(d, p, ctx)})
		SELECT k, currency, COUNT(DISTINCT return_id) AS returns,
			SUM(CASE WHEN status IN (${list(RETURNING)}) THEN quantity ELSE 0 END) AS units_returned,
			SUM(CASE WHEN refund_status IN (${list(OWED)}) AND status IN (${list(RETURNING)}) THEN refund ELSE 0 END) AS owed,
			SUM(CASE WHEN refund_status = 'refunded' THEN refund ELSE 0 END) AS refunded
		FROM t
		GROUP BY k, currency`;
}

/**
 * Units shipped of these SKUs per SKU and currency, of the orders placed in the period: per order and SKU, the SKU's
 * units in the order's packages (at most those ordered), or, without packages, all of them once the order is shipped
 * or delivered. Only the SKUs the report shows (the Limit's, found first from the returns): their order lines come
 * by the order_lines_sku index, not every line of the period.
 */
function skuShippedSql(d: Dialect, p: Params, ctx: RunContext, skus: string[]): string {
	const packed =
		d === 'sqlite'
			? `SELECT SUM(json_extract(x.value, '$.quantity')) FROM shipments s, json_each(s.lines) x WHERE s.oms_id = o.oms_id AND json_extract(x.value, '$.sku') = l.sku`
			: `SELECT SUM((x ->> 'quantity')::bigint) FROM shipments s CROSS JOIN LATERAL jsonb_array_elements(s.lines) x WHERE s.oms_id = o.oms_id AND x ->> 'sku' = l.sku`;
	const these = d === 'postgres' ? `l.sku = ANY(${p.add(skus)}::text[])` : `l.sku IN (SELECT value FROM json_each(${p.add(JSON.stringify(skus))}))`;
	const shipped = `CASE WHEN packages THEN ${least(d)}(ordered, COALESCE(packed, 0)) WHEN status IN (${list(SHIPPED_ORDER_STATUSES)}) THEN ordered ELSE 0 END`;
	// t is grouped, so neither store flattens it: each order's package subqueries run once per order and SKU
	return `SELECT sku, currency, SUM(${shipped}) AS units_shipped
		FROM (SELECT l.sku AS sku, o.currency AS currency, o.status AS status, SUM(l.quantity) AS ordered,
				EXISTS (SELECT 1 FROM shipments s WHERE s.oms_id = o.oms_id) AS packages, (${packed}) AS packed
			FROM order_lines l JOIN orders o ON o.oms_id = l.oms_id
			WHERE ${these} AND ${periodWhere(d, p, 'o.placed_at', ctx)}${channelWhere(d, p, 'o.channel', ctx)}
			GROUP BY o.oms_id, l.sku, o.currency, o.status) t
		GROUP BY sku, currency
		HAVING SUM(${shipped}) > 0`;
}

/** Summed major units from SQL (float on SQLite, numeric on PostgreSQL) as the currency's exact amount. */
function amount(v: unknown, currency: string): number {
	return fromMinor(toMinor(num(v), currency), currency);
}

const rate = (returned: number, shipped: number) => (shipped > 0 ? Math.round((returned / shipped) * 10000) / 100 : null);

async function runBy(ctx: RunContext, by: By): Promise<Row[]> {
	const d = dialect(ctx);
	const p1 = new Params();
	const rows: Row[] = [];
	for (const r of await ctx.store.query(linesSql(d, p1, ctx, by), p1.values)) {
		const currency = String(r.currency);
		const row: Row = { [by]: String(r.k), currency };
		if (by === 'reason') row.fault = SELLER_FAULT_REASONS.includes(String(r.k) as ReturnReason) ? 'seller' : 'customer';
		Object.assign(row, {
			returns: num(r.returns),
			unitsReturned: num(r.units_returned),
			unitsShipped: 0,
			returnRatePct: null,
			refundOwed: amount(r.owed, currency),
			refundRefunded: amount(r.refunded, currency),
		});
		rows.push(row);
	}
	// a SKU's (reason's) rows together: the most units returned over every currency first, then the most returns,
	// then by name; its currencies in order. By SKU keeps the Limit's number of SKUs (with all of their currencies).
	const totals = new Map<string, { units: number; returns: number }>();
	for (const row of rows) {
		const t = totals.get(String(row[by])) ?? { units: 0, returns: 0 };
		t.units += row.unitsReturned as number;
		t.returns += row.returns as number;
		totals.set(String(row[by]), t);
	}
	const ranked = [...totals].sort((a, b) => b[1].units - a[1].units || b[1].returns - a[1].returns || a[0].localeCompare(b[0])).map(([k]) => k);
	const kept = by === 'sku' ? ranked.slice(0, skuLimit(ctx.options)) : ranked;
	const rank = new Map(kept.map((k, i) => [k, i]));

	const p2 = new Params();
	const shipped = new Map<string, number>();
	if (by === 'sku' && kept.length) for (const r of await ctx.store.query(skuShippedSql(d, p2, ctx, kept), p2.values)) shipped.set(`${String(r.sku)}\u0000${String(r.currency)}`, num(r.units_shipped));
	// by reason: every unit of the currency that left (as Returns by source counts them, per order)
	if (by === 'reason' && rows.length) for (const r of await ctx.store.query(shippedSql(d, p2, ctx, 'currency'), p2.values)) shipped.set(String(r.currency), num(r.units_shipped));
	for (const row of rows) {
		const units = shipped.get(by === 'sku' ? `${String(row.sku)}\u0000${String(row.currency)}` : String(row.currency)) ?? 0;
		row.unitsShipped = units;
		row.returnRatePct = rate(row.unitsReturned as number, units);
	}
	return rows
		.filter((row) => rank.has(String(row[by])))
		.sort((a, b) => rank.get(String(a[by]))! - rank.get(String(b[by]))! || String(a.currency).localeCompare(String(b.currency)));
}

/** How many SKU rows the returns-by-SKU report keeps (the Limit option; default 10, as top SKUs) */
export function skuLimit(options: ReportOptions): number {
	return Math.max(1, Math.floor(options.limit ?? 10));
}

const FIGURES: Column[] = [
	{ key: 'returns', label: 'Returns', type: 'int' },
	{ key: 'unitsReturned', label: 'Units returned', type: 'int' },
	{ key: 'unitsShipped', label: 'Units shipped', type: 'int' },
	{ key: 'returnRatePct', label: 'Return rate (%)', type: 'number' },
	{ key: 'refundOwed', label: 'Refund owed', type: 'money' },
	{ key: 'refundRefunded', label: 'Refunded', type: 'money' },
];
const METRICS = FIGURES.map((c) => c.key);
const REFUNDS =
	"Refund owed: the refund lines (merchandise + tax - restocking fee) of pending, sent or failed refunds of returns not declined or cancelled; the shipping refunded and the return shipping kept belong to no line (see Returns by source).";

export const returnsBySku: ReportDefinition = {
	name: 'returnsBySku',
	title: 'Returns by SKU',
	periodic: true,
	keys: ['sku', 'currency'],
	metrics: METRICS,
	run: (ctx) => runBy(ctx, 'sku'),
	columns: () => [{ key: 'sku', label: 'SKU', type: 'text' }, { key: 'currency', label: 'Currency', type: 'text' }, ...FIGURES],
	counts: (o) =>
		`Counts the return lines requested in the period, by SKU and the currency of their refund (or of the order), the ${skuLimit(o)} SKUs with the most units returned; units returned leave out declined and cancelled returns; units shipped are the SKU's units that left in the packages of the orders placed in the period (all of them for an order shipped or delivered without packages recorded), and the return rate is units returned over them. ${REFUNDS}`,
};

export const returnsByReason: ReportDefinition = {
	name: 'returnsByReason',
	title: 'Returns by Reason',
	periodic: true,
	// fault follows from the reason: a key, so a row only the previous period had keeps it
	keys: ['reason', 'fault', 'currency'],
	metrics: METRICS,
	run: (ctx) => runBy(ctx, 'reason'),
	columns: () => [
		{ key: 'reason', label: 'Reason', type: 'text' },
		{ key: 'fault', label: 'Fault', type: 'text' },
		{ key: 'currency', label: 'Currency', type: 'text' },
		...FIGURES,
	],
	counts: () =>
		`Counts the return lines requested in the period, by their normalised reason and the currency of their refund (or of the order); fault: the seller's (${SELLER_FAULT_REASONS.join(', ')}) or the customer's; units returned leave out declined and cancelled returns; units shipped are all units that left in the packages of the orders placed in the period in that currency (all units of an order shipped or delivered without packages recorded), and the return rate is the reason's units returned over them. ${REFUNDS}`,
};
