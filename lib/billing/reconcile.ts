/**
 * Reconciliation (issue 22): what a person must look at in the money, from the ledger's sums. Pure decisions
 * (n8n-free, store-free): lib/flows/reconcile-billing.ts reads the sums and hands them here.
 *
 *   never_settled    an order shipped more than N days ago with no payment in any payout
 *   over_fee         a fee above the channel's fee table for the gross it was charged on
 *   double_refund    an order refunded more than it was paid (a refund charged twice)
 *   order_balance    an order the channel settled, but not to what it owes (expected - settled is not 0)
 *   payout_mismatch  a payout whose deposit is not the sum of the entries it settled
 *   unknown_order    payout lines for an order the ledger has no charges of (not recorded by the OMS, or recorded
 *                    before billing existed)
 * Each flag names the order and/or the payout and the amounts, in integer minor units of its currency.
 */
import { fromMinor, minorUnits } from '../order/money';
import { feeRate, maxFeeMinor, type FeeTable } from './fees';
import type { OrderBalance, PayoutTotal } from './types';

export const FLAG_KINDS = ['never_settled', 'over_fee', 'double_refund', 'order_balance', 'payout_mismatch', 'unknown_order'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export interface BillingFlag {
	kind: FlagKind;
	/** Stable: the same discrepancy has the same key run after run */
	key: string;
	channel: string;
	omsId: string | null;
	payoutId: string | null;
	currency: string;
	/** What it should be, what it is, and the difference (actual - expected) */
	expectedMinor: number;
	actualMinor: number;
	differenceMinor: number;
	/** What a person reads */
	message: string;
}

/** The ledger's sums per (order, currency, type, subtype) from the channels' data (not the order's own charges) */
export interface LedgerSum {
	omsId: string;
	channel: string;
	currency: string;
	type: string;
	subtype: string | null;
	amountMinor: number;
	entries: number;
	/** A payout the entries were settled in (the latest), if any */
	payoutId: string | null;
}

/** A shipped order with no payment settled */
export interface UnsettledOrder {
	omsId: string;
	channel: string;
	orderNumber: string | null;
	shippedAt: string;
	currency: string;
	totalMinor: number;
}

/** 12.50 USD, 1500 JPY, 1.250 KWD */
export function fmtMoney(minor: number, currency: string): string {
	return `${fromMinor(minor, currency).toFixed(minorUnits(currency))} ${currency}`;
}

export function neverSettledFlags(orders: UnsettledOrder[], days: number): BillingFlag[] {
	return orders.map((o) => ({
		kind: 'never_settled',
		key: `never_settled:${o.omsId}`,
		channel: o.channel,
		omsId: o.omsId,
		payoutId: null,
		currency: o.currency,
		expectedMinor: o.totalMinor,
		actualMinor: 0,
		differenceMinor: -o.totalMinor,
		message: `Order ${o.omsId}${o.orderNumber ? ` (${o.orderNumber})` : ''} shipped ${o.shippedAt} and no payout has paid it after ${days} days (total ${fmtMoney(o.totalMinor, o.currency)})`,
	}));
}

/** Fees above the table, refunds above what was paid, from the channels' sums per order */
export function orderFlags(sums: LedgerSum[], balances: OrderBalance[], table: FeeTable): BillingFlag[] {
	const flags: BillingFlag[] = [];
	const byOrder = new Map<string, LedgerSum[]>();
	for (const s of sums) {
		const k = `${s.omsId}\u0000${s.currency}`;
		const list = byOrder.get(k);
		if (list) list.push(s);
		else byOrder.set(k, [s]);
	}
	for (const list of byOrder.values()) {
		const { omsId, channel, currency } = list[0];
		const paid = list.filter((s) => s.type === 'payment').reduce((a, s) => a + s.amountMinor, 0);
		const payoutOf = (type: string) => list.find((s) => s.type === type && s.payoutId)?.payoutId ?? null;
		for (const fee of list.filter((s) => s.type === 'fee')) {
			const rate = feeRate(table, channel, fee.subtype);
			if (!rate) continue;
			const basis = list.filter((s) => s.type === 'payment' && (!rate.basis || (s.subtype !== null && rate.basis.includes(s.subtype))));
			const gross = basis.reduce((a, s) => a + s.amountMinor, 0);
			if (gross <= 0) continue;
			// the fixed part once per charge (payment entry)
			const charges = basis.reduce((a, s) => a + s.entries, 0) || 1;
			const max = maxFeeMinor(gross, currency, { percent: rate.percent, fixed: rate.fixed * charges });
			const actual = -fee.amountMinor;
			// channels round the fee per item (charge): up to one minor unit per charge above the rate on the sum
			if (actual > max + charges)
				flags.push({
					kind: 'over_fee',
					key: `over_fee:${omsId}:${fee.subtype}`,
					channel,
					omsId,
					payoutId: fee.payoutId,
					currency,
					expectedMinor: max,
					actualMinor: actual,
					differenceMinor: actual - max,
					message: `Order ${omsId}: ${fee.subtype} fee ${fmtMoney(actual, currency)} is above the fee table's ${fmtMoney(max, currency)} (${rate.percent}% of ${fmtMoney(gross, currency)}${rate.fixed ? ` + ${rate.fixed} per charge` : ''})${fee.payoutId ? `, in payout ${fee.payoutId}` : ''}`,
				});
		}
		const refunded = -list.filter((s) => s.type === 'refund').reduce((a, s) => a + s.amountMinor, 0);
		if (refunded > 0 && refunded > paid)
			flags.push({
				kind: 'double_refund',
				key: `double_refund:${omsId}`,
				channel,
				omsId,
				payoutId: payoutOf('refund'),
				currency,
				expectedMinor: paid,
				actualMinor: refunded,
				differenceMinor: refunded - paid,
				message: `Order ${omsId}: refunded ${fmtMoney(refunded, currency)}, more than the ${fmtMoney(paid, currency)} it was paid (a refund charged twice?)`,
			});
	}
	for (const b of balances) {
		if (b.settledMinor === 0 || b.balanceMinor === 0) continue;
		const channel = b.omsId.slice(0, Math.max(0, b.omsId.indexOf(':'))) || b.omsId;
		if (b.chargedMinor === 0) {
			flags.push({
				kind: 'unknown_order',
				key: `unknown_order:${b.omsId}:${b.currency}`,
				channel,
				omsId: b.omsId,
				payoutId: null,
				currency: b.currency,
				expectedMinor: 0,
				actualMinor: b.settledMinor,
				differenceMinor: b.settledMinor,
				message: `Order ${b.omsId}: payouts settled ${fmtMoney(b.settledMinor, b.currency)} for it, but the OMS has no charges of it (not recorded, or recorded before billing)`,
			});
			continue;
		}
		flags.push({
			kind: 'order_balance',
			key: `order_balance:${b.omsId}:${b.currency}`,
			channel,
			omsId: b.omsId,
			payoutId: null,
			currency: b.currency,
			expectedMinor: b.expectedMinor,
			actualMinor: b.settledMinor,
			differenceMinor: b.settledMinor - b.expectedMinor,
			message: `Order ${b.omsId}: the channel owes ${fmtMoney(b.expectedMinor, b.currency)} (charged ${fmtMoney(b.chargedMinor, b.currency)}, fees ${fmtMoney(b.feesMinor, b.currency)}, refunds ${fmtMoney(b.refundsMinor, b.currency)}) and its payouts settled ${fmtMoney(b.settledMinor, b.currency)}: ${b.balanceMinor > 0 ? `${fmtMoney(b.balanceMinor, b.currency)} still owed` : `${fmtMoney(-b.balanceMinor, b.currency)} paid over`}`,
		});
	}
	return flags;
}

/** Payouts paid by `now` whose deposit is not the sum of their entries */
export function payoutFlags(totals: PayoutTotal[], now: string): BillingFlag[] {
	const flags: BillingFlag[] = [];
	for (const t of totals) {
		if (t.amountMinor === null || t.paidAt === null || t.paidAt > now) continue;
		if (t.amountMinor === t.entriesMinor) continue;
		flags.push({
			kind: 'payout_mismatch',
			key: `payout_mismatch:${t.channel}:${t.payoutId}:${t.currency}`,
			channel: t.channel,
			omsId: null,
			payoutId: t.payoutId,
			currency: t.currency,
			expectedMinor: t.entriesMinor,
			actualMinor: t.amountMinor,
			differenceMinor: t.amountMinor - t.entriesMinor,
			message: `${t.channel} payout ${t.payoutId} (${t.paidAt}): deposited ${fmtMoney(t.amountMinor, t.currency)}, but its ${t.entries} entries add up to ${fmtMoney(t.entriesMinor, t.currency)}`,
		});
	}
	return flags;
}
