/**
 * Amazon's settlement report, Flat File V2 (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2; returns-billing-routing
 * B.1), as ledger entries and a payout (issue 22). Tab-delimited with a header row; columns found by name ✔.
 *
 * - The summary row (settlement-id with total-amount and deposit-date, no transaction-type) is the payout: its id
 *   the settlement-id, its amount total-amount, paid at deposit-date.
 * - Every amount row is an entry settled in that payout, for the order `amazon:<order-id>` (none when order-id is
 *   empty, as on some other-transaction rows ⚠): ItemFees/* a fee of that type (Commission, RefundCommission,
 *   FBAPerUnitFulfillmentFee…); ItemPrice, Promotion and ItemWithheldTax rows a payment on an Order and a refund on a
 *   Refund (the withheld marketplace-facilitator tax cancels the tax Amazon collected); anything else an adjustment
 *   typed `<amount-type>/<amount-description>`.
 * - Keys: the settlement, the row's identity (transaction type, order, adjustment, item, amount type and description)
 *   and its occurrence in the file, so importing the same report twice records nothing new, while a row written twice
 *   in one settlement (a refund charged twice) is kept twice for reconciliation to find.
 * - Amounts in local format (95,00 in the EU ✔); posted-date-time `YYYY-MM-DD HH:MM:SS UTC` ✔; the dates of the
 *   summary row are read the same way ⚠ (also ISO 8601 and `DD.MM.YYYY`-free forms Date.parse accepts).
 * - A row that cannot be read is named by its line number; the rest of the file is kept.
 */
import type { EntryType, LedgerEntryInput, PayoutInput } from '../../billing/types';
import { optCurrency, optMinor } from '../normalize-common';
import { payoutEntry, PayoutCtx, payoutProblem } from '../payouts';
import type { PayoutProblem } from '../types';

export const AMAZON_SETTLEMENT_SOURCE = 'amazon_settlement';
const REQUIRED = ['settlement-id', 'currency', 'transaction-type', 'order-id', 'amount-type', 'amount-description', 'amount'] as const;

export interface SettlementImport {
	entries: LedgerEntryInput[];
	payouts: PayoutInput[];
	problems: PayoutProblem[];
	/** Data rows read (the summary included) */
	rows: number;
}

/** 95,00 / 1.234,56 (EU) and 95.00 / 1,234.56 (US) as a decimal string */
export function localAmount(s: string): string {
	const t = s.trim();
	if (/^-?\d{1,3}(\.\d{3})*,\d+$/.test(t) || /^-?\d+,\d+$/.test(t)) return t.replace(/\./g, '').replace(',', '.');
	return t.replace(/,/g, '');
}

/** `2026-05-01 10:00:00 UTC` (or ISO 8601) as ISO UTC; null when empty or unreadable */
function settlementTime(s: string | undefined): string | null {
	const t = (s ?? '').trim();
	if (!t) return null;
	const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(UTC|Z|[+-]\d{2}:?\d{2})?$/.exec(t);
	const ms = m ? Date.parse(`${m[1]}T${m[2]}${!m[3] || m[3] === 'UTC' ? 'Z' : m[3]}`) : Date.parse(t);
	return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function entryTypeOf(txType: string, amountType: string, desc: string): { type: EntryType; subtype: string } {
	if (amountType === 'ItemFees') return { type: 'fee', subtype: desc };
	if (amountType === 'ItemPrice' || amountType === 'Promotion' || amountType === 'ItemWithheldTax') return { type: /refund/i.test(txType) ? 'refund' : 'payment', subtype: `${amountType}/${desc}` };
	return { type: 'adjustment', subtype: `${amountType}/${desc}` };
}

/** The report's text -> entries, payouts and the rows that could not be read (by line number) */
export function parseSettlementV2(text: string, account: string): SettlementImport {
	const lines = text.split(/\r?\n/);
	const header = (lines[0] ?? '').split('\t').map((h) => h.trim().toLowerCase());
	const col = new Map(header.map((h, i) => [h, i]));
	const missing = REQUIRED.filter((c) => !col.has(c));
	if (missing.length) throw new Error(`Not an Amazon settlement report (Flat File V2): the header lacks ${missing.join(', ')}`);
	const out: SettlementImport = { entries: [], payouts: [], problems: [], rows: 0 };
	const seen = new Map<string, number>();
	// the rows of one event repeat its time: each text read once
	const times = new Map<string, string | null>();
	const timeOf = (t: string) => {
		let v = times.get(t);
		if (v === undefined) times.set(t, (v = settlementTime(t)));
		return v;
	};
	for (let n = 1; n < lines.length; n++) {
		if (lines[n].trim() === '') continue;
		out.rows++;
		const lineNo = n + 1;
		const cells = lines[n].split('\t');
		const get = (c: string) => (col.has(c) ? (cells[col.get(c)!] ?? '').trim() : '');
		const ctx = new PayoutCtx('amazon', `settlement report line ${lineNo}`);
		try {
			const settlementId = get('settlement-id') || ctx.missing('settlement-id');
			const currency = optCurrency(ctx, get('currency'), 'currency') ?? ctx.missing('currency');
			const txType = get('transaction-type');
			if (!txType && get('total-amount')) {
				out.payouts.push({
					channel: 'amazon',
					account,
					payoutId: settlementId,
					currency,
					amountMinor: optMinor(ctx, localAmount(get('total-amount')), 'total-amount', currency) ?? ctx.missing('total-amount'),
					status: 'Closed',
					paidAt: settlementTime(get('deposit-date')) ?? settlementTime(get('settlement-end-date')),
					detail: { start: settlementTime(get('settlement-start-date')), end: settlementTime(get('settlement-end-date')) },
				});
				continue;
			}
			if (!txType) ctx.missing('transaction-type');
			const amountType = get('amount-type') || ctx.missing('amount-type');
			const desc = get('amount-description') || ctx.missing('amount-description');
			const amount = optMinor(ctx, localAmount(get('amount')), 'amount', currency) ?? ctx.missing('amount');
			const at = timeOf(get('posted-date-time')) ?? ctx.invalid('posted-date-time', `expected YYYY-MM-DD HH:MM:SS UTC, got ${JSON.stringify(get('posted-date-time'))}`);
			const orderId = get('order-id');
			const item = get('order-item-code') || get('merchant-adjustment-item-id');
			const identity = [settlementId, txType, orderId, get('adjustment-id'), get('shipment-id'), item, amountType, desc].join('|');
			const occurrence = (seen.get(identity) ?? 0) + 1;
			seen.set(identity, occurrence);
			const { type, subtype } = entryTypeOf(txType, amountType, desc);
			payoutEntry(out.entries, {
				key: `amazon:settlement:${identity}#${occurrence}`,
				channel: 'amazon',
				omsId: orderId ? `amazon:${orderId}` : null,
				currency,
				type,
				subtype,
				lineId: item || null,
				amountMinor: amount,
				payoutId: settlementId,
				occurredAt: at,
				source: AMAZON_SETTLEMENT_SOURCE,
				detail: { line: lineNo, transactionType: txType, ...(get('adjustment-id') ? { adjustmentId: get('adjustment-id') } : {}), ...(get('sku') ? { sku: get('sku') } : {}) },
			});
		} catch (error) {
			out.problems.push(payoutProblem(`line ${lineNo}`, error));
		}
	}
	return out;
}
