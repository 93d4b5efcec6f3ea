/**
 * WooCommerce has no payout, settlement or fee data in its core REST API ✔ (returns-billing-routing B.5): the money
 * is in the payment gateway's ledger. This reads Stripe's itemized balance-change export
 * (balance_change_from_activity.itemized ⚠ its column names) as ledger entries (issue 22): a `charge` row its gross
 * as a payment and its fee (type `processing`), a `refund` row a refund, anything else an adjustment; each settled in
 * its `automatic_payout_id`, for the order in `payment_metadata[order_id]` (where the WooCommerce Stripe gateway puts
 * it ⚠). The export carries no payout totals, so its payouts are not checked against a deposit. Keys: the balance
 * transaction id, so the same export twice records nothing new. A row that cannot be read is named by its line.
 */
import type { LedgerEntryInput } from '../../billing/types';
import { optCurrency, optMinor } from '../normalize-common';
import { payoutEntry, PayoutCtx, payoutProblem } from '../payouts';
import type { PayoutProblem } from '../types';

export const STRIPE_EXPORT_SOURCE = 'stripe_export';
const REQUIRED = ['balance_transaction_id', 'created_utc', 'currency', 'gross', 'fee', 'reporting_category'] as const;

/** RFC 4180 rows (quoted fields, doubled quotes, line breaks inside quotes), each with the line it starts on */
export function csvRows(text: string): Array<{ line: number; cells: string[] }> {
	const out: Array<{ line: number; cells: string[] }> = [];
	let cells: string[] = [];
	let cell = '';
	let quoted = false;
	let line = 1;
	let start = 1;
	const endRow = () => {
		cells.push(cell);
		if (!(cells.length === 1 && cells[0] === '')) out.push({ line: start, cells });
		cells = [];
		cell = '';
	};
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else {
				if (ch === '\n') line++;
				cell += ch;
			}
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			cells.push(cell);
			cell = '';
		}
		else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			endRow();
			start = ++line;
		} else cell += ch;
	}
	if (cell !== '' || cells.length) endRow();
	return out;
}

export function parseStripeExport(text: string): { entries: LedgerEntryInput[]; problems: PayoutProblem[]; rows: number } {
	const rows = csvRows(text);
	const header = (rows[0]?.cells ?? []).map((h) => h.trim().toLowerCase());
	const col = new Map(header.map((h, i) => [h, i]));
	const missing = REQUIRED.filter((c) => !col.has(c));
	if (missing.length) throw new Error(`Not a Stripe itemized balance export: the header lacks ${missing.join(', ')}`);
	const entries: LedgerEntryInput[] = [];
	const problems: PayoutProblem[] = [];
	for (const r of rows.slice(1)) {
		const get = (c: string) => (col.has(c) ? (r.cells[col.get(c)!] ?? '').trim() : '');
		const ctx = new PayoutCtx('woocommerce', `gateway export line ${r.line}`);
		try {
			const id = get('balance_transaction_id') || ctx.missing('balance_transaction_id');
			const currency = optCurrency(ctx, get('currency'), 'currency') ?? ctx.missing('currency');
			const gross = optMinor(ctx, get('gross'), 'gross', currency) ?? ctx.missing('gross');
			const fee = optMinor(ctx, get('fee'), 'fee', currency) ?? 0;
			const createdText = get('created_utc') || ctx.missing('created_utc');
			const created = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(createdText) ? createdText : `${createdText.replace(' ', 'T')}Z`);
			if (Number.isNaN(created)) ctx.invalid('created_utc', `expected YYYY-MM-DD HH:MM:SS, got ${JSON.stringify(createdText)}`);
			const category = get('reporting_category').toLowerCase() || ctx.missing('reporting_category');
			const orderId = get('payment_metadata[order_id]');
			const type = category === 'charge' ? 'payment' : category === 'refund' ? 'refund' : 'adjustment';
			const base = { channel: 'woocommerce', omsId: orderId ? `woocommerce:${orderId}` : null, currency, payoutId: get('automatic_payout_id') || null, occurredAt: new Date(created).toISOString(), source: STRIPE_EXPORT_SOURCE };
			const detail = { line: r.line, balanceTransaction: id, category, ...(get('source_id') ? { sourceId: get('source_id') } : {}) };
			payoutEntry(entries, { ...base, key: `stripe:${id}:${type}`, type, subtype: type === 'adjustment' ? category : null, amountMinor: gross, detail });
			// Stripe reports the fee positive, taken from the gross (net = gross - fee)
			payoutEntry(entries, { ...base, key: `stripe:${id}:fee`, type: 'fee', subtype: 'processing', amountMinor: -fee, detail });
		} catch (error) {
			problems.push(payoutProblem(`line ${r.line}`, error));
		}
	}
	return { entries, problems, rows: rows.length - 1 };
}
