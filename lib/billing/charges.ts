/**
 * The order's charges as ledger entries (issue 22): what the buyer was charged, line by line, with the discount,
 * shipping and tax, in integer minor units. Intake records them with the order (lib/store/rules/orders.ts): a new
 * order's charges in full, a newer version's only the difference from what the ledger holds, so the ledger stays
 * append-only and its charges always add up to the order's latest total.
 */
import { toMinor } from '../order/money';
import type { CanonicalOrder } from '../order/types';
import type { EntryType, LedgerEntryInput, TaxRemitter } from './types';

/**
 * Who remits the order's tax, by channel (returns-billing-routing B.6): Amazon (US marketplace facilitator; EU VAT
 * for the sales Amazon is deemed supplier of ⚠), eBay (Collect and Remit: US, CA, AU/NZ, UK/EU) and Walmart (US
 * marketplace facilitator for MFL taxes; its order data does not say which ⚠) collect and remit; Shopify and
 * WooCommerce leave it to the seller.
 */
export function taxRemitter(channel: string): TaxRemitter {
	return channel === 'amazon' || channel === 'ebay' || channel === 'walmart' ? 'marketplace' : 'seller';
}

/** One charge of an order: its type, subtype (the tax's remitter, or why an adjustment) and line */
export interface ChargeSlot {
	type: EntryType;
	subtype: string | null;
	lineId: string | null;
	amountMinor: number;
}

/** The subtype of the entry that makes the charges add up to the order's total when its parts do not */
export const TOTAL_DIFFERENCE = 'order_total_difference';

function slotKey(s: { type: string; subtype: string | null; lineId: string | null }): string {
	return JSON.stringify([s.type, s.subtype, s.lineId]);
}

/**
 * The order's charges: each line's total, the discount (negative), shipping and tax (with who remits it), and, when
 * those do not add up to the order's total, an adjustment of the difference (so the charges are the total the buyer
 * paid). Zero amounts are left out.
 */
export function orderCharges(order: CanonicalOrder): ChargeSlot[] {
	const c = order.currency;
	const slots: ChargeSlot[] = order.lines.map((l) => ({ type: 'item_charge', subtype: null, lineId: l.lineId, amountMinor: toMinor(l.lineTotal, c) }));
	slots.push({ type: 'discount', subtype: null, lineId: null, amountMinor: -Math.abs(toMinor(order.totals.discount, c)) });
	slots.push({ type: 'shipping', subtype: null, lineId: null, amountMinor: toMinor(order.totals.shipping, c) });
	slots.push({ type: 'tax', subtype: taxRemitter(order.channel), lineId: null, amountMinor: toMinor(order.totals.tax, c) });
	const parts = slots.reduce((s, x) => s + x.amountMinor, 0);
	slots.push({ type: 'adjustment', subtype: TOTAL_DIFFERENCE, lineId: null, amountMinor: toMinor(order.totals.total, c) - parts });
	return slots.filter((s) => s.amountMinor !== 0);
}

/**
 * The entries that bring the ledger's charges for the order (`recorded`: the sums per slot so far, in the order's
 * currency) to this version's: the difference per slot, keyed by the version (the channel's updatedAt), so the same
 * version recorded twice adds nothing.
 */
export function chargeEntries(order: CanonicalOrder, recorded: ChargeSlot[]): LedgerEntryInput[] {
	const want = new Map<string, ChargeSlot>();
	for (const s of orderCharges(order)) want.set(slotKey(s), s);
	const have = new Map<string, number>();
	for (const s of recorded) have.set(slotKey(s), (have.get(slotKey(s)) ?? 0) + s.amountMinor);
	const out: LedgerEntryInput[] = [];
	const add = (s: Omit<ChargeSlot, 'amountMinor'>, amountMinor: number) => {
		if (amountMinor === 0) return;
		out.push({
			key: `order|${order.omsId}|${order.updatedAt}|${s.type}|${s.subtype ?? ''}|${s.lineId ?? ''}`,
			omsId: order.omsId,
			channel: order.channel,
			currency: order.currency,
			type: s.type,
			subtype: s.subtype,
			lineId: s.lineId,
			amountMinor,
			payoutId: null,
			occurredAt: order.updatedAt,
			source: 'order',
		});
	};
	for (const [k, s] of want) add(s, s.amountMinor - (have.get(k) ?? 0));
	for (const [k, amount] of have) {
		if (!want.has(k)) {
			const [type, subtype, lineId] = JSON.parse(k) as [EntryType, string | null, string | null];
			add({ type, subtype, lineId }, -amount);
		}
	}
	return out;
}
