/**
 * The channels' fee tables (issue 22): the most a fee of a type may be for a gross amount, so reconciliation flags a
 * fee above it. Defaults are assumptions ⚠ a seller replaces with their own plan's rates (Reconcile's Fee Table):
 * Shopify Payments 2.9% + 0.30 per charge (Basic plan, US online cards; no fixed part for zero-decimal currencies), the
 * same for Stripe behind WooCommerce (its US card rate);
 * Amazon's referral fee 15% of the item price, shipping and promotion (most categories; a 0.30 per-unit minimum is not
 * checked, the ledger has no units), its refund administration fee not checked. eBay's final value fee is not checked:
 * it is charged on the total including the tax eBay collects, which the ledger's payments leave out.
 */
import { minorUnits } from '../order/money';

export interface FeeRate {
	/** Percent of the gross */
	percent: number;
	/** Fixed part in major units of the currency (0.30), per charge */
	fixed: number;
	/** The payments the percentage is of, by subtype (default: every payment of the order) */
	basis?: string[];
}

/** channel -> fee type (the entry's subtype) -> rate */
export type FeeTable = Record<string, Record<string, FeeRate>>;

export const DEFAULT_FEE_TABLE: FeeTable = {
	shopify: { processing: { percent: 2.9, fixed: 0.3 } },
	woocommerce: { processing: { percent: 2.9, fixed: 0.3 } },
	amazon: { Commission: { percent: 15, fixed: 0, basis: ['ItemPrice/Principal', 'ItemPrice/Shipping', 'Promotion/Principal', 'Promotion/Shipping'] } },
};

/** The most a fee at `rate` may be on `grossMinor`, in minor units (rounded half up, as the channels round) */
export function maxFeeMinor(grossMinor: number, currency: string, rate: FeeRate): number {
	const d = minorUnits(currency);
	const fixed = d === 0 ? 0 : Math.round(rate.fixed * 10 ** d);
	return Math.round((Math.abs(grossMinor) * rate.percent) / 100) + fixed;
}

/** The rate of a channel's fee type in the table, if it has one */
export function feeRate(table: FeeTable, channel: string, feeType: string | null): FeeRate | undefined {
	const byType = Object.prototype.hasOwnProperty.call(table, channel) ? table[channel] : undefined;
	return byType && feeType !== null && Object.prototype.hasOwnProperty.call(byType, feeType) ? byType[feeType] : undefined;
}
