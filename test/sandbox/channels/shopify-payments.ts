/**
 * Shopify Payments for the Shopify sandbox: balance transactions and payouts generated from the sandbox's own money
 * events (charges when an order is paid, refunds, adjustments), so they always agree with the orders. Also the
 * money helpers (minor units per currency) the WooCommerce gateway export shares.
 *
 * Facts (returns-billing-routing B.4): shopifyPaymentsAccount { balance, payouts(transactionType), balanceTransactions }
 * ✔; ShopifyPaymentsBalanceTransaction fields amount, fee, net, type, sourceType (CHARGE, REFUND, ADJUSTMENT, …),
 * sourceId, sourceOrderTransactionId, associatedOrder, adjustmentReason, associatedPayout { id status }, transactionDate,
 * test ✔; payout status SCHEDULED / PAID / FAILED / CANCELED, transactionType DEPOSIT / WITHDRAWAL, summary with fees
 * and gross by type, legacyResourceId, issuedAt, net ✔; BalanceTransactionSortKeys (AMOUNT, FEE, ID, NET, ORDER_NAME,
 * PAYOUT_DATE, PAYOUT_STATUS, PROCESSED_AT, TRANSACTION_TYPE) ✔.
 * Assumed ⚠: the fee table (2.9% + 0.30 per charge, the Basic plan's US online card rate; no fixed part for
 * zero-decimal currencies), no fee on refunds and adjustments (Shopify keeps the charge's fee when you refund), one
 * payout per currency per day, two days after the transactions' day, issued at 00:00 UTC and PAID once issued;
 * the search syntax of balanceTransactions (payments_transfer_id:, payout_date:, processed_at:, payout_status:,
 * transaction_type:) and of payouts (issued_at:, status:); ids derived from the source so they are stable.
 */

/** Digits after the point per ISO 4217 currency (2 unless listed) */
const EXPONENT: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, VND: 0, ISK: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3 };
export function exponent(currency: string): number {
	return EXPONENT[currency.toUpperCase()] ?? 2;
}
/** A decimal amount (major units) to integer minor units */
export function toMinor(amount: number, currency: string): number {
	return Math.round(amount * 10 ** exponent(currency));
}
/** Integer minor units to the decimal string an API shows ("12.50", "1500", "1.250") */
export function fmtMinor(minor: number, currency: string): string {
	const e = exponent(currency);
	const neg = minor < 0;
	const abs = Math.abs(minor);
	const s = e === 0 ? String(abs) : `${Math.floor(abs / 10 ** e)}.${String(abs % 10 ** e).padStart(e, '0')}`;
	return neg ? `-${s}` : s;
}

export interface FeeRate {
	/** percent of the gross */
	percent: number;
	/** fixed part in minor units */
	fixedMinor: number;
}
/** Fee per charge ⚠ (Basic plan, US online card rate); zero-decimal currencies carry no fixed part */
export function defaultFee(currency: string): FeeRate {
	return { percent: 2.9, fixedMinor: exponent(currency) === 0 ? 0 : 30 * 10 ** (exponent(currency) - 2) };
}
export function feeFor(grossMinor: number, rate: FeeRate): number {
	return Math.round((grossMinor * rate.percent) / 100) + rate.fixedMinor;
}

/** A money event of the sandbox: what happened to an order's money on the channel */
export interface MoneyEvent {
	kind: 'charge' | 'refund' | 'adjustment';
	/** stable id of the source (order transaction, refund, adjustment) */
	sourceId: string;
	orderId: string | null;
	orderName: string | null;
	/** signed minor units: charges positive, refunds negative */
	amountMinor: number;
	currency: string;
	at: string;
	reason?: string | null;
}

/** Planted discrepancies (ground truth for the reconciliation tests) */
export interface PaymentPlants {
	/** orderId -> extra fee in minor units on its charge */
	overFee: Map<string, number>;
	/** orders whose charge never reaches a balance transaction or payout */
	missingSettlement: Set<string>;
}

export interface BalanceTx {
	id: string;
	type: 'CHARGE' | 'REFUND' | 'ADJUSTMENT';
	sourceType: 'CHARGE' | 'REFUND' | 'ADJUSTMENT';
	sourceId: string;
	orderId: string | null;
	orderName: string | null;
	currency: string;
	amountMinor: number;
	feeMinor: number;
	netMinor: number;
	at: string;
	reason: string | null;
	payoutId: number;
	payoutDate: string;
}

export interface Payout {
	legacyId: number;
	currency: string;
	date: string;
	issuedAt: string;
	status: 'SCHEDULED' | 'PAID';
	transactionType: 'DEPOSIT' | 'WITHDRAWAL';
	netMinor: number;
	summary: { chargesGross: number; chargesFee: number; refundsGross: number; refundsFee: number; adjustmentsGross: number; adjustmentsFee: number };
	transactionIds: string[];
}

const KNOWN = ['USD', 'CAD', 'GBP', 'EUR', 'AUD', 'JPY'];
const DAY = 86_400_000;

export class ShopifyPaymentsLedger {
	readonly plants: PaymentPlants = { overFee: new Map(), missingSettlement: new Set() };
	fees: (currency: string) => FeeRate = defaultFee;
	/** Days from a transaction's day to its payout ⚠ */
	payoutDelayDays = 2;

	private cache: { key: string; all: BalanceTx[] } | null = null;

	/** `revision` changes whenever the events may have (so the sorted list is built once per change) */
	constructor(
		private readonly events: () => MoneyEvent[],
		private readonly revision: () => string = () => String(Math.random()),
	) {}

	/** Every balance transaction processed by `now`, oldest first (ties by id) */
	transactions(now: number): BalanceTx[] {
		const plantKey = `${[...this.plants.overFee].join(';')}|${[...this.plants.missingSettlement].join(';')}|${this.payoutDelayDays}|${this.fees === defaultFee}`;
		const key = `${this.revision()}|${plantKey}`;
		if (this.cache?.key !== key) this.cache = { key, all: this.build() };
		const all = this.cache.all;
		let lo = 0;
		let hi = all.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (Date.parse(all[mid].at) <= now) lo = mid + 1;
			else hi = mid;
		}
		return all.slice(0, lo);
	}

	private build(): BalanceTx[] {
		const out: BalanceTx[] = [];
		for (const e of this.events()) {
			if (e.kind === 'charge' && e.orderId && this.plants.missingSettlement.has(e.orderId)) continue;
			const type = e.kind === 'charge' ? 'CHARGE' : e.kind === 'refund' ? 'REFUND' : 'ADJUSTMENT';
			const fee = e.kind === 'charge' ? feeFor(e.amountMinor, this.fees(e.currency)) + (e.orderId ? (this.plants.overFee.get(e.orderId) ?? 0) : 0) : 0;
			const day = Math.floor(Date.parse(e.at) / DAY);
			const payoutDay = day + this.payoutDelayDays;
			out.push({
				id: `${e.sourceId}${type === 'CHARGE' ? 1 : type === 'REFUND' ? 2 : 3}`,
				type,
				sourceType: type,
				sourceId: e.sourceId,
				orderId: e.orderId,
				orderName: e.orderName,
				currency: e.currency,
				amountMinor: e.amountMinor,
				feeMinor: fee,
				netMinor: e.amountMinor - fee,
				at: e.at,
				reason: e.reason ?? null,
				payoutId: payoutDay * 100 + (KNOWN.indexOf(e.currency) + 1 || 99),
				payoutDate: new Date(payoutDay * DAY).toISOString().slice(0, 10),
			});
		}
		return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	}

	/** Payouts for the transactions processed by `now` (scheduled ones included), oldest first */
	payouts(now: number, txs = this.transactions(now)): Payout[] {
		const by = new Map<number, Payout>();
		for (const t of txs) {
			let p = by.get(t.payoutId);
			if (!p) {
				const issuedAt = `${t.payoutDate}T00:00:00Z`;
				p = {
					legacyId: t.payoutId,
					currency: t.currency,
					date: t.payoutDate,
					issuedAt,
					status: Date.parse(issuedAt) <= now ? 'PAID' : 'SCHEDULED',
					transactionType: 'DEPOSIT',
					netMinor: 0,
					summary: { chargesGross: 0, chargesFee: 0, refundsGross: 0, refundsFee: 0, adjustmentsGross: 0, adjustmentsFee: 0 },
					transactionIds: [],
				};
				by.set(t.payoutId, p);
			}
			p.netMinor += t.netMinor;
			p.transactionIds.push(t.id);
			const s = p.summary;
			if (t.type === 'CHARGE') {
				s.chargesGross += t.amountMinor;
				s.chargesFee += t.feeMinor;
			} else if (t.type === 'REFUND') {
				s.refundsGross += t.amountMinor;
				s.refundsFee += t.feeMinor;
			} else {
				s.adjustmentsGross += t.amountMinor;
				s.adjustmentsFee += t.feeMinor;
			}
		}
		for (const p of by.values()) p.transactionType = p.netMinor >= 0 ? 'DEPOSIT' : 'WITHDRAWAL';
		return [...by.values()].sort((a, b) => a.legacyId - b.legacyId);
	}
}

/** Parses Shopify search syntax terms `key:value`, `key:>=value` (space-separated, AND) */
export function searchTerms(q: string): Array<{ key: string; op: '=' | '>' | '>=' | '<' | '<='; value: string }> {
	const out: Array<{ key: string; op: '=' | '>' | '>=' | '<' | '<='; value: string }> = [];
	for (const m of q.matchAll(/(\w+)\s*:\s*(>=|<=|>|<)?\s*'?("[^"]*"|[^'\s]+)'?/g)) out.push({ key: m[1], op: (m[2] as '>' | '>=' | '<' | '<=') ?? '=', value: m[3].replace(/^"|"$/g, '') });
	return out;
}

export function compare(a: string | number, op: '=' | '>' | '>=' | '<' | '<=', b: string | number): boolean {
	switch (op) {
		case '>':
			return a > b;
		case '>=':
			return a >= b;
		case '<':
			return a < b;
		case '<=':
			return a <= b;
		default:
			return String(a).toUpperCase() === String(b).toUpperCase();
	}
}
