/**
 * A short Markdown summary for chat or email: one headline and a few bullets, e.g.
 * "**Orders yesterday (2026-05-01, America/Los_Angeles): 800** — Amazon 500, Shopify 300", and under it what the
 * report counts (ReportResult.counts: sold orders only, unless the report included rejected, held and cancelled ones).
 *
 * Text that comes from orders (SKUs, fraud rule names, channel and currency codes) lands in chat and e-mail, so it is
 * made inert (mdText): every Markdown punctuation character escaped with a backslash, `&`, `<` and `>` written as
 * entities, line breaks and control characters turned into blanks. No SKU becomes a link, an image, HTML, a heading,
 * a list or emphasis. The same lines make the HTML page's summary block (html.ts), escaped for HTML instead.
 */
import { fromMinor, toMinor } from '../../order/money';
import type { ReportResult, Row } from '../types';
import { channelName, formatInt, formatMoney } from './format';

/** How the summary writes text from the data and its bold headline (Markdown here, HTML in html.ts). */
export interface SummaryFormat {
	text(s: string): string;
	bold(s: string): string;
}

/** One line of the summary: its Markdown marker (`- `, `1. ` or none) and its body, already in the output format. */
export interface SummaryLine {
	marker: string;
	body: string;
}

/**
 * Text from the data as inert Markdown (CommonMark and GitHub's flavour): one line, the HTML characters as entities,
 * every other Markdown punctuation character backslash-escaped (links, images, autolinks, emphasis, code, tables,
 * strikethrough, math, mentions, list and heading markers), blanks collapsed so nothing turns into indented code.
 */
export function mdText(s: string): string {
	return s
		// eslint-disable-next-line no-control-regex -- control characters are what this removes from data
		.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ')
		.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
		.trim()
		.replace(/[\\`*_{}[\]()#+\-.!|~:@$^"']/g, (c) => `\\${c}`)
		.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

const MARKDOWN: SummaryFormat = { text: mdText, bold: (s) => `**${s}**` };

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

/** Revenue (or another money column) per currency, summed in minor units (a row whose currency is not a code is left out: no sum is possible). */
function revenueByCurrency(rows: Row[], metric = 'revenue'): Map<string, number> {
	const minor = new Map<string, number>();
	for (const r of rows) {
		const c = String(r.currency);
		let m: number;
		try {
			m = toMinor(Number(r[metric]) || 0, c);
		} catch {
			continue;
		}
		minor.set(c, (minor.get(c) ?? 0) + m);
	}
	return new Map([...minor].filter(([, m]) => Number.isSafeInteger(m)).map(([c, m]) => [c, fromMinor(m, c)]));
}

function total(rows: Row[], metric: string): number {
	return rows.reduce((s, r) => s + (Number(r[metric]) || 0), 0);
}

function change(now: number, before: number): string {
	if (before === 0) return now === 0 ? 'no change' : 'new';
	const pct = Math.round(((now - before) / before) * 1000) / 10;
	return `${pct >= 0 ? '+' : ''}${pct}%`;
}

/** The summary's lines, with data text written by `f` (Markdown for toMarkdown, HTML for the page's summary block). */
export function summaryLines(r: ReportResult, f: SummaryFormat): SummaryLine[] {
	const lines: SummaryLine[] = [];
	const head = (bold: string, rest = '') => lines.push({ marker: '', body: `${f.bold(bold)}${rest}` });
	const bullet = (body: string) => lines.push({ marker: '- ', body });
	const channel = (c: string) => f.text(channelName(c));
	const money = (v: number, c: string) => `${f.text(c)} ${formatMoney(v, c, false)}`;
	const byChannelList = (m: Map<string, number>) =>
		[...m]
			.filter(([, n]) => n !== 0)
			.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
			.map(([c, n]) => `${channel(c)} ${formatInt(n)}`)
			.join(', ');
	const refundLines = () => {
		for (const [label, metric] of [['Refund owed', 'refundOwed'], ['Refunded', 'refundRefunded']] as const) {
			const sums = [...revenueByCurrency(r.rows, metric)].filter(([, v]) => v !== 0).sort((a, b) => a[0].localeCompare(b[0]));
			if (sums.length) bullet(`${label}: ${sums.map(([c, v]) => money(v, c)).join('; ')}`);
		}
	};
	const compareLine = (metric: string, noun: string) => {
		if (!r.previousRows || !r.previousPeriod) return;
		const now = total(r.rows, metric);
		const before = total(r.previousRows, metric);
		const words = before === 1 ? noun.replace(/s$/, '') : noun;
		bullet(`Previous period (${r.previousPeriod.firstDay} – ${r.previousPeriod.lastDay}): ${formatInt(before)} ${words} (${change(now, before)})`);
	};
	const revenueLine = (rows: Row[]) => {
		const rev = revenueByCurrency(rows);
		if (rev.size) bullet(`Revenue: ${[...rev].sort((a, b) => a[0].localeCompare(b[0])).map(([c, v]) => money(v, c)).join('; ')}`);
	};
	const rows = r.rows;
	switch (r.report) {
		case 'byChannel':
		case 'byDay': {
			const orders = sumBy(rows, 'channel', 'orders');
			const n = total(rows, 'orders');
			head(`Orders ${when(r)}: ${formatInt(n)}`, n ? ` — ${byChannelList(orders)}` : '');
			if (n) {
				bullet(`Units: ${formatInt(total(rows, 'units'))}`);
				revenueLine(rows);
			}
			if (r.report === 'byDay' && n) {
				const days = sumBy(rows, 'date', 'orders');
				const [bestDay, best] = [...days].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
				bullet(`Busiest ${r.options.interval && r.options.interval !== 'day' ? r.options.interval : 'day'}: ${f.text(bestDay)} (${formatInt(best)} orders)`);
			}
			compareLine('orders', 'orders');
			break;
		}
		case 'byStatus': {
			const n = total(rows, 'orders');
			head(`Orders by status, ${when(r)}: ${formatInt(n)}`);
			const statuses = r.columns.filter((c) => c.key !== 'channel' && c.key !== 'orders' && !c.key.endsWith('Previous'));
			const parts = statuses.map((c) => [c.label, total(rows, c.key)] as const).filter(([, v]) => v > 0);
			if (parts.length) bullet(parts.map(([l, v]) => `${l} ${formatInt(v)}`).join(', '));
			for (const row of rows) {
				const st = statuses.filter((c) => Number(row[c.key]) > 0).map((c) => `${c.label} ${formatInt(Number(row[c.key]))}`);
				bullet(`${channel(String(row.channel))}: ${formatInt(Number(row.orders))} (${st.join(', ')})`);
			}
			compareLine('orders', 'orders');
			break;
		}
		case 'topSkus': {
			const skus = sumBy(rows, 'sku', 'units');
			head(`Top SKUs ${when(r)}`, skus.size ? '' : ': no sales');
			let i = 0;
			for (const [sku, units] of skus) {
				if (i++ >= 10) break;
				lines.push({ marker: `${i}. `, body: `${f.text(sku)}: ${formatInt(units)} units` });
			}
			break;
		}
		case 'backorders': {
			const units = total(rows, 'unitsWaiting');
			head(`Backorders ${when(r)}: ${formatInt(units)} units waiting on ${formatInt(rows.length)} SKU${rows.length === 1 ? '' : 's'}`);
			const oldest = [...rows].sort((a, b) => String(a.oldestPlacedAt).localeCompare(String(b.oldestPlacedAt)))[0];
			if (oldest) bullet(`Oldest: ${f.text(String(oldest.sku))}, waiting ${f.text(String(oldest.oldestAgeDays))} days`);
			for (const row of rows.slice(0, 5)) bullet(`${f.text(String(row.sku))}: ${formatInt(Number(row.unitsWaiting))} units, ${formatInt(Number(row.orders))} orders`);
			break;
		}
		case 'fraud': {
			const all = rows.filter((x) => x.rule === '(all)');
			const n = total(all, 'orders');
			head(
				`Fraud screening ${when(r)}: ${formatInt(n)} orders`,
				` — ${formatInt(total(all, 'pass'))} pass, ${formatInt(total(all, 'review'))} review, ${formatInt(total(all, 'reject'))} reject`,
			);
			const rules = sumBy(
				rows.filter((x) => x.rule !== '(all)'),
				'rule',
				'orders',
			);
			const top = [...rules].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
			if (top.length) bullet(`Rules that fired most: ${top.map(([k, v]) => `${f.text(k)} ${formatInt(v)}`).join(', ')}`);
			for (const row of all) bullet(`${channel(String(row.channel))}: ${formatInt(Number(row.pass))} pass, ${formatInt(Number(row.review))} review, ${formatInt(Number(row.reject))} reject`);
			break;
		}
		case 'sla': {
			head(`Fulfilment ${when(r)}: ${formatInt(total(rows, 'shipped'))} of ${formatInt(total(rows, 'orders'))} orders shipped`);
			for (const row of rows) {
				const p = row.p50Hours === null ? 'none shipped yet' : `p50 ${f.text(String(row.p50Hours))} h, p90 ${f.text(String(row.p90Hours))} h`;
				bullet(`${channel(String(row.channel))}: ${p}; ${formatInt(Number(row.shippedLate))} shipped late, ${formatInt(Number(row.overdue))} past ship-by`);
			}
			break;
		}
		case 'returns': {
			const n = total(rows, 'returns');
			head(`Returns ${when(r)}: ${formatInt(n)}`, n ? ` — ${byChannelList(sumBy(rows, 'channel', 'returns'))}` : '');
			if (n) {
				const returned = total(rows, 'unitsReturned');
				const shipped = total(rows, 'unitsShipped');
				bullet(`Units returned: ${formatInt(returned)}${shipped ? ` of ${formatInt(shipped)} shipped (${Math.round((returned / shipped) * 10000) / 100}%)` : ''}`);
				const reasons = r.columns.filter((c) => c.key.startsWith('reason_') && !c.key.endsWith('Previous')).map((c) => [c.key.slice('reason_'.length), total(rows, c.key)] as const);
				const top = reasons.filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3);
				if (top.length) bullet(`Top reasons: ${top.map(([k, v]) => `${f.text(k)} ${formatInt(v)}`).join(', ')}`);
				bullet(`Open ${formatInt(total(rows, 'open'))}, closed ${formatInt(total(rows, 'closed'))}, declined ${formatInt(total(rows, 'declined'))}, cancelled ${formatInt(total(rows, 'cancelled'))}`);
				refundLines();
			}
			compareLine('returns', 'returns');
			break;
		}
		case 'returnsBySku':
		case 'returnsByReason': {
			const by = r.report === 'returnsBySku' ? 'sku' : 'reason';
			const units = total(rows, 'unitsReturned');
			head(`Returns by ${by === 'sku' ? 'SKU' : 'Reason'} ${when(r)}: ${formatInt(units)} units returned`);
			if (by === 'reason' && units) {
				const seller = total(rows.filter((x) => x.fault === 'seller'), 'unitsReturned');
				bullet(`The seller's fault: ${formatInt(seller)} units (${Math.round((seller / units) * 1000) / 10}%)`);
			}
			// per SKU or reason over every currency: units returned, returns, and the rate where the units shipped are known
			const returned = sumBy(rows, by, 'unitsReturned');
			const returns = sumBy(rows, by, 'returns');
			const shipped = by === 'sku' ? sumBy(rows, 'sku', 'unitsShipped') : null;
			let i = 0;
			for (const [k, n] of [...returned].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
				if (n <= 0 || i++ >= 10) continue;
				const s = shipped?.get(k) ?? 0;
				const of = shipped ? (s ? ` of ${formatInt(s)} shipped (${Math.round((n / s) * 10000) / 100}%)` : ' (none shipped in the period)') : ` (${Math.round((n / units) * 1000) / 10}% of units returned)`;
				lines.push({ marker: `${i}. `, body: `${f.text(k)}: ${formatInt(n)} units${of}, ${formatInt(returns.get(k) ?? 0)} return${returns.get(k) === 1 ? '' : 's'}` });
			}
			refundLines();
			compareLine('unitsReturned', 'units returned');
			break;
		}
		case 'inventory': {
			const noAtp = rows.filter((x) => Number(x.atp) <= 0).length;
			head(`Inventory ${when(r)}: ${formatInt(rows.length)} SKUs`);
			bullet(`On hand ${formatInt(total(rows, 'onHand'))}, reserved ${formatInt(total(rows, 'reserved'))}, ATP ${formatInt(total(rows, 'atp'))}`);
			bullet(`SKUs with no ATP: ${formatInt(noAtp)}`);
			break;
		}
	}
	return lines;
}

/** The line under the headline that says what the figures count (ReportResult.counts: written by the report, not data). */
export function countsLine(r: ReportResult): string {
	return `- ${r.counts}`;
}

export function toMarkdown(r: ReportResult): string {
	const lines = summaryLines(r, MARKDOWN).map((l) => `${l.marker}${l.body}`);
	if (r.counts) lines.splice(1, 0, countsLine(r));
	return lines.join('\n') + '\n';
}
