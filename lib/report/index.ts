/**
 * The report builder: report definitions whose aggregation runs in the store's SQL (SQLite or PostgreSQL), a
 * period in a time zone, an optional comparison with the previous period, and renderers (CSV, a self-contained
 * HTML page with SVG charts, a short Markdown summary). Imports nothing from n8n.
 */
import type { Store } from '../store/types';
import { checkTimeZone, describeValue, PERIOD_PRESETS, previousPeriod, resolvePeriod, type Period, type PeriodInput } from './period';
import { attention } from './reports/attention';
import { backorders } from './reports/backorders';
import { byChannel } from './reports/byChannel';
import { byDay } from './reports/byDay';
import { byStatus } from './reports/byStatus';
import { fraud } from './reports/fraud';
import { inventory } from './reports/inventory';
import { returnsBySource } from './reports/returns';
import { returnsByReason, returnsBySku } from './reports/returnsBy';
import { sla } from './reports/sla';
import { topSkus } from './reports/topSkus';
import { REPORT_NAMES, type ReportDefinition, type ReportName, type ReportOptions, type ReportResult, type Row } from './types';

export * from './types';
export * from './period';
export { toCsv } from './render/csv';
export { toHtml } from './render/html';
export { toMarkdown } from './render/markdown';
export { attentionQueue, ATTENTION_DEFAULTS, ATTENTION_KINDS, ATTENTION_SOURCES, type AttentionItem, type AttentionKind, type AttentionThresholds } from './reports/attention';

export const REPORTS: Record<ReportName, ReportDefinition> = { byChannel, byStatus, byDay, topSkus, backorders, fraud, sla, inventory, attention, returns: returnsBySource, returnsBySku, returnsByReason };

export interface ReportRequest {
	report: ReportName;
	period: PeriodInput;
	/** Also run the previous period of the same length and join its figures in as `<metric>Previous` */
	compare?: boolean;
	options?: ReportOptions;
}

export class ReportError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ReportError';
	}
}

/** Run a report against the store as of the clock's now. */
export async function runReport(store: Store, request: ReportRequest, clock: () => Date = () => new Date()): Promise<ReportResult> {
	const def = typeof request.report === 'string' && Object.prototype.hasOwnProperty.call(REPORTS, request.report) ? REPORTS[request.report] : undefined;
	if (!def) throw new ReportError(`Unknown report ${describeValue(request.report)}: use one of ${REPORT_NAMES.join(', ')}`);
	const now = clock();
	if (typeof request.period !== 'object' || request.period === null) throw new ReportError(`The period must name a preset (${PERIOD_PRESETS.join(', ')}), not ${describeValue(request.period)}`);
	const timeZone = checkTimeZone(request.period.timeZone);
	const options = checkOptions(request.options);
	if (request.compare !== undefined && typeof request.compare !== 'boolean') throw new ReportError(`Compare must be true or false, not ${describeValue(request.compare)}`);
	const period = resolvePeriod({ ...request.period, timeZone }, now);
	const ctx = { store, period, timeZone, now: now.toISOString(), options };
	const rows = await def.run(ctx);
	const columns = def.columns(rows, options);
	// only the metrics the report has columns for with these options (by status: no unsold statuses by default)
	const metrics = def.metrics.filter((m) => columns.some((c) => c.key === m));
	let previous: Period | null = null;
	let previousRows: Row[] | null = null;
	if (request.compare && def.periodic) {
		previous = previousPeriod(period);
		previousRows = await def.run({ ...ctx, period: previous });
		if (metrics.length) joinPrevious(def.keys, metrics, rows, previousRows);
	}
	if (previousRows && metrics.length) {
		for (const m of metrics) {
			const at = columns.findIndex((c) => c.key === m);
			const base = columns[at];
			columns.splice(at + 1, 0, { key: `${m}Previous`, label: `${base.label} (previous)`, type: base.type, ...(base.scoped ? { scoped: true } : {}) });
		}
	}
	return {
		report: def.name,
		title: def.title,
		timeZone,
		generatedAt: now.toISOString(),
		period: def.periodic ? period : null,
		previousPeriod: previous,
		columns,
		rows,
		previousRows,
		options,
		counts: def.counts(options),
	};
}

/**
 * The options as a report reads them, or a ReportError naming the one that is wrong (node parameters can be
 * expressions, so any value can arrive here).
 */
function checkOptions(given: unknown): ReportOptions {
	if (given === undefined || given === null) return {};
	if (typeof given !== 'object' || Array.isArray(given)) throw new ReportError(`Options must be an object, not ${describeValue(given)}`);
	const options = { ...(given as ReportOptions) };
	const { channels, includeUnsold, interval, limit } = options;
	if (channels !== undefined && (!Array.isArray(channels) || channels.some((c) => typeof c !== 'string'))) {
		throw new ReportError(`Channels must be a list of channel names, not ${describeValue(channels)}`);
	}
	if (includeUnsold !== undefined && typeof includeUnsold !== 'boolean') throw new ReportError(`Include Rejected, Cancelled and Fraud-Review Orders must be true or false, not ${describeValue(includeUnsold)}`);
	if (interval !== undefined && !['day', 'week', 'month'].includes(interval as string)) throw new ReportError(`Interval must be day, week or month, not ${describeValue(interval)}`);
	if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
		throw new ReportError(`Limit must be a whole number of at least 1, not ${describeValue(limit)}`);
	}
	return options;
}

/**
 * `<metric>Previous` on every row, from the previous period's row with the same keys (0 when it had none). Rows
 * only the previous period had are added with zero current figures, so nothing that went away is hidden.
 */
function joinPrevious(keys: string[], metrics: string[], rows: Row[], previousRows: Row[]): void {
	const key = (r: Row) => keys.map((k) => String(r[k])).join('\u0000');
	// a period without the row counted none, but had no duration (`...Hours`) or rate (`...Pct`) to show
	const zeroWhenAbsent = (m: string) => !m.endsWith('Hours') && !m.endsWith('Pct');
	const prev = new Map(previousRows.map((r) => [key(r), r]));
	const seen = new Set<string>();
	for (const r of rows) {
		const k = key(r);
		seen.add(k);
		const p = prev.get(k);
		for (const m of metrics) r[`${m}Previous`] = p ? (p[m] ?? null) : typeof r[m] === 'number' && zeroWhenAbsent(m) ? 0 : null;
	}
	for (const p of previousRows) {
		if (seen.has(key(p))) continue;
		const r: Row = {};
		// the current period has none of this row: its counts are 0, its text (a returns row's top reasons) empty
		for (const [k, v] of Object.entries(p)) r[k] = keys.includes(k) ? v : typeof v === 'number' ? 0 : typeof v === 'string' ? '' : null;
		for (const m of metrics) {
			r[m] = typeof p[m] === 'number' && zeroWhenAbsent(m) ? 0 : null;
			r[`${m}Previous`] = p[m] ?? null;
		}
		rows.push(r);
	}
}
