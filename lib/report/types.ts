import type { Store } from '../store/types';
import type { Period } from './period';

export const REPORT_NAMES = ['byChannel', 'byStatus', 'byDay', 'topSkus', 'backorders', 'fraud', 'sla', 'inventory', 'attention', 'returns', 'returnsBySku', 'returnsByReason'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** How a column is shown in CSV, HTML and Markdown. money: major units of the row's `currency`. */
export type ColumnType = 'text' | 'int' | 'money' | 'number' | 'datetime' | 'date';
export interface Column {
	key: string;
	label: string;
	type: ColumnType;
	/**
	 * The column counts or sums orders under the report's order scope (sold orders unless `includeUnsold`): CSV
	 * names it `<key>_sold` or `<key>_all_statuses`, so a spreadsheet says which it holds.
	 */
	scoped?: boolean;
}

export interface ReportOptions {
	/** Only these channels (empty or undefined: all) */
	channels?: string[];
	/**
	 * Also count the orders that are not sales: rejected by the fraud gate, held for fraud review, and cancelled.
	 * Default (false): the order reports (by channel, by status, by day, top SKUs, SLA) count sold orders only,
	 * every other status: received, on hold (awaiting payment, address, operator), backordered, ready, at the WMS,
	 * picked, packed, shipped, delivered. See UNSOLD_STATUSES in sql.ts.
	 */
	includeUnsold?: boolean;
	/** byDay: bucket size */
	interval?: 'day' | 'week' | 'month';
	/** topSkus, returnsBySku: how many SKUs */
	limit?: number;
}

export interface RunContext {
	store: Store;
	/** The resolved period (the current-state reports, backorders and inventory, do not use it) */
	period: Period;
	timeZone: string;
	/** The injected clock's now, ISO UTC */
	now: string;
	options: ReportOptions;
}

export interface ReportDefinition {
	name: ReportName;
	title: string;
	/** false: the report shows the store's current state (the period is not used) */
	periodic: boolean;
	/** Columns that identify a row (joined on for the comparison) */
	keys: string[];
	/** Numeric columns compared with the previous period */
	metrics: string[];
	run(ctx: RunContext): Promise<Row[]>;
	columns(rows: Row[], options: ReportOptions): Column[];
	/** One plain sentence: what the report counts with these options (shown in the HTML caption and the Markdown) */
	counts(options: ReportOptions): string;
}

export interface ReportResult {
	report: ReportName;
	title: string;
	timeZone: string;
	generatedAt: string;
	/** null for current-state reports */
	period: Period | null;
	previousPeriod: Period | null;
	columns: Column[];
	rows: Row[];
	/** The previous period's rows, when compared (also joined into `rows` as `<metric>Previous`) */
	previousRows: Row[] | null;
	options: ReportOptions;
	/** What the report counts, in one plain sentence (ReportDefinition.counts) */
	counts: string;
}
