/**
 * A payment gateway's export for the WooCommerce sandbox's orders. WooCommerce core has no payout or fee data ✔
 * (returns-billing-routing B.5): the money is in the gateway's ledger, so the OMS imports the gateway's CSV. This
 * writes the layout of Stripe's itemized balance-change report (balance_change_from_activity.itemized) ⚠: columns
 * balance_transaction_id, created_utc, available_on_utc, currency (lower case), gross, fee, net (major units),
 * reporting_category (charge, refund, adjustment), source_id, description, customer_facing_amount,
 * customer_facing_currency, automatic_payout_id, automatic_payout_effective_at_utc, payment_intent_id and
 * payment_metadata[order_id] (the WooCommerce Stripe gateway puts the order id in the payment's metadata ⚠).
 * Assumed ⚠: 2.9% + 0.30 a charge (Stripe's US card rate; no fixed part in zero-decimal currencies), refunds
 * return no fee, funds available two days after the charge and paid out that day (one payout per currency per
 * day), ids derived from the order and refund ids.
 */
import { defaultFee, feeFor, fmtMinor, type FeeRate, type MoneyEvent } from './shopify-payments';

export const STRIPE_COLUMNS = [
	'balance_transaction_id', 'created_utc', 'available_on_utc', 'currency', 'gross', 'fee', 'net', 'reporting_category', 'source_id', 'description',
	'customer_facing_amount', 'customer_facing_currency', 'automatic_payout_id', 'automatic_payout_effective_at_utc', 'payment_intent_id', 'payment_metadata[order_id]',
] as const;

export interface StripeExportOptions {
	/** rows created at or after (ISO) */
	from?: string;
	/** rows created before (ISO) */
	to?: string;
	fees?: (currency: string) => FeeRate;
	/** orderId -> extra fee in minor units */
	overFee?: Map<string, number>;
	/** orders whose charge is missing from the export */
	missingSettlement?: Set<string>;
	availableAfterDays?: number;
}

const DAY = 86_400_000;

function csvCell(v: string): string {
	return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV row per money event (a header row first), oldest first */
export function stripeItemizedCsv(events: MoneyEvent[], o: StripeExportOptions = {}): string {
	const fees = o.fees ?? defaultFee;
	const delay = o.availableAfterDays ?? 2;
	const rows = events
		.filter((e) => (!o.from || e.at >= o.from) && (!o.to || e.at < o.to))
		.filter((e) => !(e.kind === 'charge' && e.orderId && o.missingSettlement?.has(e.orderId)))
		.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.sourceId < b.sourceId ? -1 : 1))
		.map((e) => {
			const fee = e.kind === 'charge' ? feeFor(e.amountMinor, fees(e.currency)) + (e.orderId ? (o.overFee?.get(e.orderId) ?? 0) : 0) : 0;
			const day = Math.floor(Date.parse(e.at) / DAY) + delay;
			const available = new Date(day * DAY).toISOString().replace('T', ' ').slice(0, 19);
			const cur = e.currency.toLowerCase();
			const idBase = e.sourceId.replace(/\D/g, '');
			const category = e.kind === 'charge' ? 'charge' : e.kind === 'refund' ? 'refund' : 'adjustment';
			const source = e.kind === 'charge' ? `ch_${e.orderId}` : e.kind === 'refund' ? `re_${idBase}` : `adj_${idBase}`;
			const cells: Record<(typeof STRIPE_COLUMNS)[number], string> = {
				balance_transaction_id: `txn_${category.slice(0, 2)}${idBase}`,
				created_utc: e.at.replace('T', ' ').slice(0, 19),
				available_on_utc: available,
				currency: cur,
				gross: fmtMinor(e.amountMinor, e.currency),
				fee: fmtMinor(fee, e.currency),
				net: fmtMinor(e.amountMinor - fee, e.currency),
				reporting_category: category,
				source_id: source,
				description: e.orderId ? `WooCommerce order ${e.orderId}${e.kind === 'refund' ? ' (refund)' : ''}` : (e.reason ?? ''),
				customer_facing_amount: fmtMinor(Math.abs(e.amountMinor), e.currency),
				customer_facing_currency: cur,
				automatic_payout_id: `po_${day}${cur}`,
				automatic_payout_effective_at_utc: available,
				payment_intent_id: e.orderId && e.kind !== 'adjustment' ? `pi_${e.orderId}` : '',
				'payment_metadata[order_id]': e.orderId ?? '',
			};
			return STRIPE_COLUMNS.map((c) => csvCell(cells[c])).join(',');
		});
	return [STRIPE_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
