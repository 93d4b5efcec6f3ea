/**
 * Inventory position per SKU (current state): on hand, reserved and safety stock summed over locations, ATP
 * (each location's max(0, on hand - reserved - safety stock), summed), and the quantity published to each channel.
 * Stock is summed per SKU in SQL; the published quantities (SKUs x channels) are joined here.
 */
import { dialect, num, Params, type Dialect } from '../sql';
import type { Column, ReportDefinition, Row, RunContext } from '../types';

function stockSql(d: Dialect): string {
	if (d === 'sqlite') {
		return `SELECT sku, SUM(on_hand) AS on_hand, SUM(reserved) AS reserved, SUM(safety_stock) AS safety_stock,
				SUM(MAX(0, on_hand - reserved - safety_stock)) AS atp, COUNT(*) AS locations
			FROM stock GROUP BY sku ORDER BY sku`;
	}
	return `SELECT sku, SUM(on_hand) AS on_hand, SUM(reserved) AS reserved, SUM(safety_stock) AS safety_stock,
			SUM(GREATEST(0, on_hand - reserved - safety_stock)) AS atp, COUNT(*) AS locations
		FROM stock GROUP BY sku ORDER BY sku`;
}

function publishedSql(d: Dialect, p: Params, ctx: RunContext): string {
	const channels = ctx.options.channels?.filter((c) => c.trim()) ?? [];
	const filter = !channels.length
		? ''
		: d === 'postgres'
			? ` WHERE channel = ANY(${p.add(channels)}::text[])`
			: ` WHERE channel IN (SELECT value FROM json_each(${p.add(JSON.stringify(channels))}))`;
	return `SELECT sku, channel, quantity FROM published${filter} ORDER BY sku, channel`;
}

export const inventory: ReportDefinition = {
	name: 'inventory',
	title: 'Inventory position per SKU',
	periodic: false,
	keys: ['sku'],
	metrics: [],
	async run(ctx) {
		const d = dialect(ctx);
		const bySku = new Map<string, Row>();
		const blank = (sku: string): Row => ({ sku, onHand: 0, reserved: 0, safetyStock: 0, atp: 0, locations: 0 });
		for (const r of await ctx.store.query(stockSql(d))) {
			bySku.set(String(r.sku), {
				sku: String(r.sku),
				onHand: num(r.on_hand),
				reserved: num(r.reserved),
				safetyStock: num(r.safety_stock),
				atp: num(r.atp),
				locations: num(r.locations),
			});
		}
		const p = new Params();
		const pub = await ctx.store.query(publishedSql(d, p, ctx), p.values);
		const channels = [...new Set(pub.map((r) => String(r.channel)))].sort();
		for (const row of bySku.values()) for (const c of channels) row[`published_${c}`] = null;
		for (const r of pub) {
			const sku = String(r.sku);
			let row = bySku.get(sku);
			if (!row) {
				bySku.set(sku, (row = blank(sku)));
				for (const c of channels) row[`published_${c}`] = null;
			}
			row[`published_${String(r.channel)}`] = num(r.quantity);
		}
		return [...bySku.values()].sort((a, b) => (String(a.sku) < String(b.sku) ? -1 : String(a.sku) > String(b.sku) ? 1 : 0));
	},
	counts: () => 'Counts stock units per SKU now, over every location, and the quantity last published to each channel; no orders.',
	columns(rows) {
		const published = new Set<string>();
		for (const r of rows) for (const k of Object.keys(r)) if (k.startsWith('published_')) published.add(k);
		const cols: Column[] = [
			{ key: 'sku', label: 'SKU', type: 'text' },
			{ key: 'onHand', label: 'On hand', type: 'int' },
			{ key: 'reserved', label: 'Reserved', type: 'int' },
			{ key: 'safetyStock', label: 'Safety stock', type: 'int' },
			{ key: 'atp', label: 'ATP', type: 'int' },
			{ key: 'locations', label: 'Locations', type: 'int' },
		];
		for (const k of [...published].sort()) cols.push({ key: k, label: `Published ${k.slice('published_'.length)}`, type: 'int' });
		return cols;
	},
};
