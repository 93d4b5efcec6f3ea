/**
 * A self-contained HTML page: inline CSS, inline SVG charts and a table; no scripts, fonts or images from
 * anywhere (a Content-Security-Policy of default-src 'none' says so to the browser). Charts:
 * - bars by channel (orders; for SKU reports, units by SKU; returns by reason, units by reason):
 *   `<rect class="bar" data-channel=... data-value=...>` (data-sku, data-reason);
 * - for the day x channel report, one line per channel over every date of the period (dates without orders are 0):
 *   `<polyline class="line" data-channel=...>` with a `<circle class="point">` per date.
 * Every text is escaped.
 */
import { periodDates } from '../reports/byDay';
import type { ReportResult, Row } from '../types';
import { channelName, displayCell, formatInt } from './format';
import { channelDefinition } from '../../channels/registry';
import { summaryLines } from './markdown';

const PALETTE = ['#2f6fd6', '#e07a1f', '#1f9d6b', '#c2417a', '#7a5cc7', '#8a8f2a', '#2aa3b8', '#a0522d'];

export function esc(text: unknown): string {
	return String(text ?? '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

function colorOf(key: string, i: number): string {
	return channelDefinition(key)?.color ?? PALETTE[i % PALETTE.length];
}

interface Bar {
	key: string;
	label: string;
	value: number;
	previous: number | null;
}

function niceMax(v: number): number {
	if (v <= 0) return 1;
	const p = 10 ** Math.floor(Math.log10(v));
	for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
	return 10 * p;
}

function barChart(title: string, attr: 'channel' | 'sku' | 'reason', bars: Bar[], unit: string): string {
	const W = 720;
	const rowH = 34;
	const left = 150;
	const right = 90;
	const top = 30;
	const H = top + bars.length * rowH + 10;
	const max = niceMax(Math.max(0, ...bars.map((b) => Math.max(b.value, b.previous ?? 0))));
	const scale = (v: number) => ((W - left - right) * v) / max;
	const parts: string[] = [];
	parts.push(`<text x="0" y="18" class="chart-title">${esc(title)}</text>`);
	bars.forEach((b, i) => {
		const y = top + i * rowH;
		const color = colorOf(b.key, i);
		parts.push(`<text x="${left - 8}" y="${y + 18}" text-anchor="end" class="label">${esc(b.label)}</text>`);
		parts.push(
			`<rect class="bar" data-${attr}="${esc(b.key)}" data-value="${b.value}" x="${left}" y="${y + 4}" width="${scale(b.value).toFixed(1)}" height="${b.previous === null ? 20 : 14}" fill="${color}"><title>${esc(`${b.label}: ${formatInt(b.value)} ${unit}`)}</title></rect>`,
		);
		if (b.previous !== null) {
			parts.push(
				`<rect class="bar-previous" data-${attr}="${esc(b.key)}" data-value="${b.previous}" x="${left}" y="${y + 19}" width="${scale(b.previous).toFixed(1)}" height="7" fill="${color}" fill-opacity="0.35"><title>${esc(`${b.label}, previous period: ${formatInt(b.previous)} ${unit}`)}</title></rect>`,
			);
		}
		parts.push(`<text x="${left + scale(b.value) + 6}" y="${y + 18}" class="value">${esc(formatInt(b.value))}</text>`);
	});
	if (!bars.length) parts.push(`<text x="0" y="${top + 18}" class="empty">No data in this period</text>`);
	return `<svg class="chart chart-bars" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${Math.max(H, 60)}" width="${W}" height="${Math.max(H, 60)}">${parts.join('')}</svg>`;
}

function lineChart(title: string, dates: string[], series: Array<{ key: string; values: number[] }>): string {
	const W = 720;
	const H = 300;
	const left = 50;
	const right = 120;
	const top = 30;
	const bottom = 40;
	const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
	const x = (i: number) => left + (dates.length <= 1 ? (W - left - right) / 2 : ((W - left - right) * i) / (dates.length - 1));
	const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
	const parts: string[] = [`<text x="0" y="18" class="chart-title">${esc(title)}</text>`];
	for (const t of [0, 0.5, 1]) {
		parts.push(`<line x1="${left}" x2="${W - right}" y1="${y(max * t).toFixed(1)}" y2="${y(max * t).toFixed(1)}" class="grid"/>`);
		parts.push(`<text x="${left - 6}" y="${(y(max * t) + 4).toFixed(1)}" text-anchor="end" class="axis">${esc(formatInt(max * t))}</text>`);
	}
	const every = Math.max(1, Math.ceil(dates.length / 8));
	dates.forEach((d, i) => {
		if (i % every === 0 || i === dates.length - 1) parts.push(`<text x="${x(i).toFixed(1)}" y="${H - bottom + 18}" text-anchor="middle" class="axis">${esc(d.slice(5))}</text>`);
	});
	series.forEach((s, si) => {
		const color = colorOf(s.key, si);
		const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
		parts.push(`<polyline class="line" data-channel="${esc(s.key)}" points="${pts}" fill="none" stroke="${color}" stroke-width="2"/>`);
		s.values.forEach((v, i) =>
			parts.push(
				`<circle class="point" data-channel="${esc(s.key)}" data-date="${esc(dates[i])}" data-value="${v}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${channelName(s.key)} ${dates[i]}: ${formatInt(v)}`)}</title></circle>`,
			),
		);
		parts.push(`<text x="${W - right + 10}" y="${top + 14 + si * 18}" class="legend" fill="${color}">${esc(channelName(s.key))}</text>`);
	});
	if (!series.length) parts.push(`<text x="${left}" y="${top + 40}" class="empty">No orders in this period</text>`);
	return `<svg class="chart chart-lines" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${parts.join('')}</svg>`;
}

function sumBy(rows: Row[], key: string, metric: string): Map<string, number> {
	const m = new Map<string, number>();
	for (const r of rows) {
		if (r[key] === null || r[key] === undefined) continue;
		m.set(String(r[key]), (m.get(String(r[key])) ?? 0) + (Number(r[metric]) || 0));
	}
	return m;
}

function charts(r: ReportResult): string[] {
	const out: string[] = [];
	const rows = r.rows;
	const channelBars = (metric: string, unit: string, title: string, keep: (row: Row) => boolean = () => true) => {
		const totals = sumBy(rows.filter(keep), 'channel', metric);
		const previous = r.previousRows ? sumBy(r.previousRows.filter(keep), 'channel', metric) : null;
		const bars = [...totals].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => ({ key: k, label: channelName(k), value: v, previous: previous ? (previous.get(k) ?? 0) : null }));
		return barChart(title, 'channel', bars, unit);
	};
	const skuBars = (metric: string, unit: string, title: string, attr: 'sku' | 'reason' = 'sku') => {
		const totals = sumBy(rows, attr, metric);
		const bars = [...totals].slice(0, 20).map(([k, v]) => ({ key: k, label: k, value: v, previous: null }));
		return barChart(title, attr, bars, unit);
	};
	switch (r.report) {
		case 'byChannel':
		case 'byStatus':
			out.push(channelBars('orders', 'orders', 'Orders by channel'));
			break;
		case 'byDay': {
			out.push(channelBars('orders', 'orders', 'Orders by channel'));
			const interval = r.options.interval ?? 'day';
			const dates = r.period ? periodDates(r.period.from, r.period.to, r.timeZone, interval) : [];
			const channels = [...new Set(rows.map((x) => String(x.channel)))].sort();
			const cell = new Map<string, number>();
			for (const x of rows) cell.set(`${String(x.date)}|${String(x.channel)}`, (cell.get(`${String(x.date)}|${String(x.channel)}`) ?? 0) + Number(x.orders));
			out.push(
				lineChart(
					`Orders per ${interval} by channel`,
					dates,
					channels.map((c) => ({ key: c, values: dates.map((d) => cell.get(`${d}|${c}`) ?? 0) })),
				),
			);
			break;
		}
		case 'sla':
			out.push(channelBars('shipped', 'orders shipped', 'Orders shipped by channel'));
			break;
		case 'fraud':
			out.push(channelBars('orders', 'orders screened', 'Orders screened by channel', (x) => x.rule === '(all)'));
			break;
		case 'topSkus':
			out.push(skuBars('units', 'units', 'Units by SKU'));
			break;
		case 'backorders':
			out.push(skuBars('unitsWaiting', 'units waiting', 'Units waiting by SKU'));
			break;
		case 'returns':
			out.push(channelBars('returns', 'returns', 'Returns by channel'));
			break;
		case 'returnsBySku':
			out.push(skuBars('unitsReturned', 'units returned', 'Units returned by SKU'));
			break;
		case 'returnsByReason':
			out.push(skuBars('unitsReturned', 'units returned', 'Units returned by reason', 'reason'));
			break;
		case 'inventory':
			out.push(skuBars('atp', 'ATP', 'Available to promise by SKU'));
			break;
	}
	return out;
}

function table(r: ReportResult): string {
	const head = r.columns.map((c) => `<th class="${c.type === 'text' || c.type === 'date' || c.type === 'datetime' ? 't' : 'n'}">${esc(c.label)}</th>`).join('');
	const body = r.rows
		.map((row) => `<tr>${r.columns.map((c) => `<td class="${c.type === 'text' || c.type === 'date' || c.type === 'datetime' ? 't' : 'n'}">${esc(displayCell(c, row))}</td>`).join('')}</tr>`)
		.join('\n');
	const empty = r.rows.length ? '' : `<tr><td colspan="${r.columns.length}" class="empty">No rows in this period</td></tr>`;
	const caption = r.counts ? `<caption>${esc(r.counts)}</caption>` : '';
	return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>${body}${empty}</tbody></table>`;
}

/**
 * The summary (markdown.ts's lines) as a few HTML lines: each line escaped whole, the headline in bold. The bold
 * part is marked with U+0001/U+0002 while the line is built (removed from the data first), so no text from the
 * data can open or close a tag.
 */
function summaryHtml(r: ReportResult): string {
	// eslint-disable-next-line no-control-regex -- U+0001/U+0002 mark the bold part while a line is built
	return summaryLines(r, { text: (s) => s.replace(/[\u0001\u0002]/g, ''), bold: (s) => `\u0001${s}\u0002` })
		// eslint-disable-next-line no-control-regex -- U+0001/U+0002 mark the bold part while a line is built
		.map((l) => `<p>${esc(l.body).replace(/\u0001/g, '<strong>').replace(/\u0002/g, '</strong>')}</p>`)
		.join('\n');
}

export function toHtml(r: ReportResult): string {
	const period = r.period ? `${r.period.label}, ${r.timeZone}` : `current state as of ${r.generatedAt}`;
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)} — ${esc(period)}</title>
<style>
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d2330; margin: 24px; max-width: 1000px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.meta { color: #5b6475; margin: 0 0 6px; font-size: 13px; }
.counts { margin: 0 0 16px; font-size: 13px; }
caption { caption-side: top; text-align: left; color: #5b6475; font-size: 12px; padding: 0 0 6px; }
.summary { background: #f4f6fa; border-radius: 6px; padding: 8px 14px; margin-bottom: 16px; }
.summary p { margin: 6px 0; }
svg.chart { display: block; margin: 8px 0 20px; max-width: 100%; height: auto; }
svg .chart-title { font-size: 14px; font-weight: 600; fill: #1d2330; }
svg .label, svg .value, svg .axis { font-size: 12px; fill: #3b4354; }
svg .legend { font-size: 12px; font-weight: 600; }
svg .grid { stroke: #e3e7ef; stroke-width: 1; }
svg .empty { font-size: 13px; fill: #8a93a6; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #e3e7ef; }
th { background: #f4f6fa; text-align: left; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
.t { text-align: left; }
td.empty { color: #8a93a6; text-align: center; }
</style>
</head>
<body>
<h1>${esc(r.title)}</h1>
<p class="meta">${esc(period)}${r.previousPeriod ? ` · compared with ${esc(r.previousPeriod.firstDay)} – ${esc(r.previousPeriod.lastDay)}` : ''} · generated ${esc(r.generatedAt)}</p>
${r.counts ? `<p class="counts">${esc(r.counts)}</p>` : ''}
<div class="summary">${summaryHtml(r)}</div>
${charts(r).join('\n')}
${table(r)}
</body>
</html>
`;
}
