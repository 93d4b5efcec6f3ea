import type { Store } from '../store/types';
import type { Period } from './period';

export const REPORT_NAMES = ['byChannel', 'byStatus', 'byDay', 'topSkus', 'backorders', 'fraud', 'sla', 'inventory'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** How a column is shown in CSV, HTML and Markdown. money: major units of the row's `currency`. */
export type ColumnType = 'text' | 'int' | 'money' | 'number' | 'datetime' | 'date';
export interface Column {
	key: string;
	label: string;
	type: ColumnType;
}

export interface ReportOptions {
	/** Only these channels (empty or undefined: all) */
	channels?: string[];
	/** Leave cancelled and rejected orders out of order counts and revenue */
	excludeCancelled?: boolean;
	/** byDay: bucket size */
	interval?: 'day' | 'week' | 'month';
	/** topSkus: how many SKUs */
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
	columns(rows: Row[]): Column[];
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
}
