/**
 * A short Markdown summary for chat or email: one headline and a few bullets, e.g.
 * "**Orders yesterday (2026-05-01, America/Los_Angeles): 800** — Amazon 500, Shopify 300", and under it what the
 * report counts (ReportResult.counts: sold orders only, unless the report included rejected, held and cancelled ones).
 */
import { fromMinor, toMinor } from '../../order/money';
import type { ReportResult, Row } from '../types';
import { channelName, formatInt, formatMoney } from './format';

function when(r: ReportResult): string {
	if (!r.period) return `as of ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
	const span = r.period.firstDay === r.period.lastDay ? r.period.firstDay : `${r.period.firstDay} – ${r.period.lastDay}`;
	const words = r.period.label.replace(/ \(.*\)$/, '');
	return `${words} (${span}, ${r.timeZone})`;
}

function sumBy(rows: Row[], key: string, metric: string): Map<string, number> {
	const m = new Map<string, number>();
	for (const r of rows) m.set(String(r[key]), (m.get(String(r[key])) ?? 0) + (Number(r[metric]) || 0));
	return m;
}

/** Revenue per currency, summed in minor units. */
function revenueByCurrency(rows: Row[]): Map<string, number> {
	const minor = new Map<string, number>();
	for (const r of rows) {
		const c = String(r.currency);
		minor.set(c, (minor.get(c) ?? 0) + toMinor(Number(r.revenue) || 0, c));
	}
	return new Map([...minor].map(([c, m]) => [c, fromMinor(m, c)]));
}

function total(rows: Row[], metric: string): number {
	return rows.reduce((s, r) => s + (Number(r[metric]) || 0), 0);
}

function change(now: number, before: number): string {
	if (before === 0) return now === 0 ? 'no change' : 'new';
	const pct = Math.round(((now - before) / before) * 1000) / 10;
	return `${pct >= 0 ? '+' : ''}${pct}%`;
}

function byChannelList(m: Map<string, number>): string {
	return [...m]
		.filter(([, n]) => n !== 0)
		.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.map(([c, n]) => `${channelName(c)} ${formatInt(n)}`)
		.join(', ');
}

function compareLine(r: ReportResult, metric: string, noun: string): string[] {
	if (!r.previousRows || !r.previousPeriod) return [];
	const now = total(r.rows, metric);
	const before = total(r.previousRows, metric);
	const words = before === 1 ? noun.replace(/s$/, '') : noun;
	return [`- Previous period (${r.previousPeriod.firstDay} – ${r.previousPeriod.lastDay}): ${formatInt(before)} ${words} (${change(now, before)})`];
}

function revenueLine(rows: Row[]): string[] {
	const rev = revenueByCurrency(rows);
	if (!rev.size) return [];
	return [`- Revenue: ${[...rev].sort((a, b) => a[0].localeCompare(b[0])).map(([c, v]) => formatMoney(v, c)).join('; ')}`];
}

/** The line under the headline that says what the figures count. */
export function countsLine(r: ReportResult): string {
	return `- ${r.counts}`;
}

export function toMarkdown(r: ReportResult): string {
	const lines: string[] = [];
	const rows = r.rows;
	switch (r.report) {
		case 'byChannel':
		case 'byDay': {
			const orders = sumBy(rows, 'channel', 'orders');
			const n = total(rows, 'orders');
			lines.push(`**Orders ${when(r)}: ${formatInt(n)}**${n ? ` — ${byChannelList(orders)}` : ''}`);
			if (n) {
				lines.push(`- Units: ${formatInt(total(rows, 'units'))}`);
				lines.push(...revenueLine(rows));
			}
			if (r.report === 'byDay' && n) {
				const days = sumBy(rows, 'date', 'orders');
				const [bestDay, best] = [...days].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
				lines.push(`- Busiest ${r.options.interval && r.options.interval !== 'day' ? r.options.interval : 'day'}: ${bestDay} (${formatInt(best)} orders)`);
			}
			lines.push(...compareLine(r, 'orders', 'orders'));
			break;
		}
		case 'byStatus': {
			const n = total(rows, 'orders');
			lines.push(`**Orders by status, ${when(r)}: ${formatInt(n)}**`);
			const statuses = r.columns.filter((c) => c.key !== 'channel' && c.key !== 'orders' && !c.key.endsWith('Previous'));
			const parts = statuses.map((c) => [c.label, total(rows, c.key)] as const).filter(([, v]) => v > 0);
			if (parts.length) lines.push(`- ${parts.map(([l, v]) => `${l} ${formatInt(v)}`).join(', ')}`);
			for (const row of rows) {
				const s = statuses.filter((c) => Number(row[c.key]) > 0).map((c) => `${c.label} ${formatInt(Number(row[c.key]))}`);
				lines.push(`- ${channelName(String(row.channel))}: ${formatInt(Number(row.orders))} (${s.join(', ')})`);
			}
			lines.push(...compareLine(r, 'orders', 'orders'));
			break;
		}
		case 'topSkus': {
			const skus = sumBy(rows, 'sku', 'units');
			lines.push(`**Top SKUs ${when(r)}**${skus.size ? '' : ': no sales'}`);
			let i = 0;
			for (const [sku, units] of skus) {
				if (i++ >= 10) break;
				lines.push(`${i}. ${sku}: ${formatInt(units)} units`);
			}
			break;
		}
		case 'backorders': {
			const units = total(rows, 'unitsWaiting');
			lines.push(`**Backorders ${when(r)}: ${formatInt(units)} units waiting on ${formatInt(rows.length)} SKU${rows.length === 1 ? '' : 's'}**`);
			const oldest = [...rows].sort((a, b) => String(a.oldestPlacedAt).localeCompare(String(b.oldestPlacedAt)))[0];
			if (oldest) lines.push(`- Oldest: ${String(oldest.sku)}, waiting ${String(oldest.oldestAgeDays)} days`);
			for (const row of rows.slice(0, 5)) lines.push(`- ${String(row.sku)}: ${formatInt(Number(row.unitsWaiting))} units, ${formatInt(Number(row.orders))} orders`);
			break;
		}
		case 'fraud': {
			const all = rows.filter((x) => x.rule === '(all)');
			const n = total(all, 'orders');
			lines.push(
				`**Fraud screening ${when(r)}: ${formatInt(n)} orders** — ${formatInt(total(all, 'pass'))} pass, ${formatInt(total(all, 'review'))} review, ${formatInt(total(all, 'reject'))} reject`,
			);
			const rules = sumBy(
				rows.filter((x) => x.rule !== '(all)'),
				'rule',
				'orders',
			);
			const top = [...rules].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
			if (top.length) lines.push(`- Rules that fired most: ${top.map(([k, v]) => `${k} ${formatInt(v)}`).join(', ')}`);
			for (const row of all) lines.push(`- ${channelName(String(row.channel))}: ${formatInt(Number(row.pass))} pass, ${formatInt(Number(row.review))} review, ${formatInt(Number(row.reject))} reject`);
			break;
		}
		case 'sla': {
			lines.push(`**Fulfilment ${when(r)}: ${formatInt(total(rows, 'shipped'))} of ${formatInt(total(rows, 'orders'))} orders shipped**`);
			for (const row of rows) {
				const p = row.p50Hours === null ? 'none shipped yet' : `p50 ${String(row.p50Hours)} h, p90 ${String(row.p90Hours)} h`;
				lines.push(`- ${channelName(String(row.channel))}: ${p}; ${formatInt(Number(row.shippedLate))} shipped late, ${formatInt(Number(row.overdue))} past ship-by`);
			}
			break;
		}
		case 'inventory': {
			const noAtp = rows.filter((x) => Number(x.atp) <= 0).length;
			lines.push(`**Inventory ${when(r)}: ${formatInt(rows.length)} SKUs**`);
			lines.push(`- On hand ${formatInt(total(rows, 'onHand'))}, reserved ${formatInt(total(rows, 'reserved'))}, ATP ${formatInt(total(rows, 'atp'))}`);
			lines.push(`- SKUs with no ATP: ${formatInt(noAtp)}`);
			break;
		}
	}
	if (r.counts) lines.splice(1, 0, countsLine(r));
	return lines.join('\n') + '\n';
}
