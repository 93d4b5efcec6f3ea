/**
 * CSV (RFC 4180): a header of column keys, one line per row, CRLF line ends, fields quoted when they hold a comma,
 * quote or line break. Text that a spreadsheet would run as a formula (=, +, -, @ at the start) is prefixed with
 * an apostrophe (OWASP's CSV injection advice); numbers are written plainly.
 *
 * A column that counts or sums orders says which orders in its header: `orders_sold` (the default: no rejected,
 * fraud-review or cancelled orders) or `orders_all_statuses` (the report included them), so a file opened on
 * its own still says what it counts.
 */
import type { ReportResult } from '../types';
import { csvCell } from './format';

function quote(text: string): string {
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function defuse(text: string): string {
	return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function toCsv(result: ReportResult): string {
	const cols = result.columns;
	const scope = result.options.includeUnsold ? 'all_statuses' : 'sold';
	const lines = [cols.map((c) => quote(c.scoped ? `${c.key}_${scope}` : c.key)).join(',')];
	for (const row of result.rows) {
		lines.push(
			cols
				.map((c) => {
					const text = csvCell(c, row);
					return quote(typeof row[c.key] === 'number' ? text : defuse(text));
				})
				.join(','),
		);
	}
	return lines.join('\r\n') + '\r\n';
}
