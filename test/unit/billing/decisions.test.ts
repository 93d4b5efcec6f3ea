/**
 * lib/billing's decisions without a store (issue 22): an order's charges in minor units (JPY with none, KWD with
 * three, a total its parts do not reach), the difference a newer version appends, the fee table's ceiling, the flags
 * (a payout that does not add up per currency, a refund above the payment, an order settled to the wrong amount, payout
 * lines for an order the OMS never charged), and Amazon's local amount formats.
 */
import { chargeEntries, orderCharges, taxRemitter } from '../../../lib/billing/charges';
import { maxFeeMinor } from '../../../lib/billing/fees';
import { entryProblems } from '../../../lib/billing/ledger';
import { fmtMoney, orderFlags, payoutFlags, type LedgerSum } from '../../../lib/billing/reconcile';
import type { OrderBalance } from '../../../lib/billing/types';
import { localAmount } from '../../../lib/channels/amazon/settlement';
import { makeOrder } from '../../helpers/orders';

const charges = (o: Parameters<typeof orderCharges>[0]) => orderCharges(o).map((c) => [c.type, c.subtype, c.lineId, c.amountMinor]);

describe("an order's charges", () => {
	it('JPY has no minor unit, KWD three: amounts are whole minor units of the order currency', () => {
		const jpy = makeOrder({ currency: 'JPY', lines: [{ lineId: '1', sku: 'A', title: null, quantity: 3, unitPrice: 1500, lineTotal: 4500 }], totals: { subtotal: 4500, shipping: 500, tax: 450, discount: 0, total: 5450 } });
		expect(charges(jpy)).toEqual([
			['item_charge', null, '1', 4500],
			['shipping', null, null, 500],
			['tax', 'seller', null, 450],
		]);
		const kwd = makeOrder({ currency: 'KWD', lines: [{ lineId: '1', sku: 'A', title: null, quantity: 1, unitPrice: 1.255, lineTotal: 1.255 }], totals: { subtotal: 1.255, shipping: 0.5, tax: 0, discount: 0.1, total: 1.655 } });
		expect(charges(kwd)).toEqual([
			['item_charge', null, '1', 1255],
			['discount', null, null, -100],
			['shipping', null, null, 500],
		]);
	});

	it('tax rounded per line against per order: the difference from the total is an adjustment, so the charges are the total', () => {
		// three lines of 0.10 tax-inclusive-rounded each (0.033 x 3 rounds to 0.10 per order, 0.03 x 3 = 0.09 per line)
		const o = makeOrder({
			lines: ['1', '2', '3'].map((id) => ({ lineId: id, sku: id, title: null, quantity: 1, unitPrice: 1, lineTotal: 1 })),
			totals: { subtotal: 3, shipping: 0, tax: 0.09, discount: 0, total: 3.1 },
		});
		const c = orderCharges(o);
		expect(c.reduce((s, x) => s + x.amountMinor, 0)).toBe(310);
		expect(c.at(-1)).toEqual({ type: 'adjustment', subtype: 'order_total_difference', lineId: null, amountMinor: 1 });
	});

	it('the marketplaces remit their tax, Shopify and WooCommerce leave it to the seller', () => {
		expect(['amazon', 'ebay', 'walmart', 'shopify', 'woocommerce'].map(taxRemitter)).toEqual(['marketplace', 'marketplace', 'marketplace', 'seller', 'seller']);
	});

	it('a newer version appends only the differences (a line removed is its charge taken back), keyed by the version', () => {
		const o = makeOrder({ channelOrderId: '7' });
		const before = orderCharges(o);
		const newer = { ...o, updatedAt: '2026-05-02T00:00:00.000Z', lines: [{ ...o.lines[0], lineId: '9' }] };
		const e = chargeEntries(newer, before);
		expect(e.map((x) => [x.type, x.lineId, x.amountMinor])).toEqual([
			['item_charge', '9', 5000],
			['item_charge', '1', -5000],
		]);
		expect(new Set(e.map((x) => x.key)).size).toBe(2);
		expect(e.every((x) => x.key.includes('2026-05-02T00:00:00.000Z'))).toBe(true);
		expect(chargeEntries(o, before)).toEqual([]);
	});
});

describe('entries refused', () => {
	it('names the entry and each field', () => {
		const p = entryProblems({ key: 'k1', omsId: null, channel: '', currency: 'EURO', type: 'tip' as never, subtype: null, lineId: null, amountMinor: 1.5, payoutId: null, occurredAt: 'yesterday', source: 'x' });
		expect(p).toEqual([
			'entry k1: type "tip" is not one of item_charge, discount, shipping, tax, payment, refund, fee, adjustment',
			'entry k1: channel is missing',
			'entry k1: currency "EURO" is not an ISO 4217 code',
			'entry k1: amountMinor 1.5 is not a whole number of minor units',
			'entry k1: occurredAt "yesterday" is not a timestamp',
		]);
	});
});

describe('fees and flags', () => {
	it('the fee ceiling: percent of the gross plus the fixed part in minor units (none for JPY)', () => {
		expect(maxFeeMinor(10_000, 'USD', { percent: 2.9, fixed: 0.3 })).toBe(320);
		expect(maxFeeMinor(10_000, 'JPY', { percent: 2.9, fixed: 0.3 })).toBe(290);
		expect(maxFeeMinor(10_000, 'KWD', { percent: 2.9, fixed: 0.3 })).toBe(590);
	});

	const sum = (o: Partial<LedgerSum> & Pick<LedgerSum, 'type' | 'amountMinor'>): LedgerSum => ({ omsId: 'shopify:1', channel: 'shopify', currency: 'USD', subtype: null, entries: 1, payoutId: 'P1', ...o });
	const bal = (o: Partial<OrderBalance>): OrderBalance => ({ omsId: 'shopify:1', currency: 'USD', chargedMinor: 0, expectedMinor: 0, settledMinor: 0, balanceMinor: 0, feesMinor: 0, refundsMinor: 0, entries: 1, ...o });

	it('a fee within the table (one minor unit of rounding per charge) is no flag; one above is, with the amounts', () => {
		const table = { shopify: { processing: { percent: 2.9, fixed: 0.3 } } };
		expect(orderFlags([sum({ type: 'payment', amountMinor: 10_000 }), sum({ type: 'fee', subtype: 'processing', amountMinor: -321 })], [], table)).toEqual([]);
		const [f] = orderFlags([sum({ type: 'payment', amountMinor: 10_000 }), sum({ type: 'fee', subtype: 'processing', amountMinor: -322 })], [], table);
		expect(f).toMatchObject({ kind: 'over_fee', omsId: 'shopify:1', payoutId: 'P1', expectedMinor: 320, actualMinor: 322, differenceMinor: 2 });
		expect(f.message).toBe('Order shopify:1: processing fee 3.22 USD is above the fee table\'s 3.20 USD (2.9% of 100.00 USD + 0.3 per charge), in payout P1');
	});

	it('a refund above what was paid is a double refund; an order settled short or over, and lines of an order never charged', () => {
		const flags = orderFlags(
			[sum({ type: 'payment', amountMinor: 1000 }), sum({ type: 'refund', amountMinor: -1500, payoutId: 'P2' })],
			[bal({ omsId: 'shopify:2', chargedMinor: 1000, expectedMinor: 1000, settledMinor: 900, balanceMinor: 100 }), bal({ omsId: 'amazon:3', chargedMinor: 0, expectedMinor: 0, settledMinor: 700, balanceMinor: -700 })],
			{},
		);
		expect(flags.map((f) => [f.kind, f.omsId, f.channel, f.differenceMinor])).toEqual([
			['double_refund', 'shopify:1', 'shopify', 500],
			['order_balance', 'shopify:2', 'shopify', -100],
			['unknown_order', 'amazon:3', 'amazon', 700],
		]);
		expect(flags[0].payoutId).toBe('P2');
	});

	it('a payout is checked per currency once paid: a deposit unlike its entries is flagged, a scheduled one not yet', () => {
		const t = (o: object) => ({ channel: 'amazon', payoutId: 'S1', currency: 'USD', amountMinor: 1000, entriesMinor: 1000, entries: 3, status: 'Closed', paidAt: '2026-05-10T00:00:00.000Z', ...o });
		const flags = payoutFlags([t({}), t({ currency: 'CAD', amountMinor: 500, entriesMinor: 400 }), t({ payoutId: 'S2', amountMinor: 1, entriesMinor: 2, paidAt: '2026-07-01T00:00:00.000Z' }), t({ payoutId: 'S3', amountMinor: null })], '2026-06-01T00:00:00.000Z');
		expect(flags.map((f) => [f.payoutId, f.currency, f.expectedMinor, f.actualMinor])).toEqual([['S1', 'CAD', 400, 500]]);
		expect(flags[0].message).toBe('amazon payout S1 (2026-05-10T00:00:00.000Z): deposited 5.00 CAD, but its 3 entries add up to 4.00 CAD');
		expect([fmtMoney(1500, 'JPY'), fmtMoney(1250, 'KWD'), fmtMoney(-5, 'USD')]).toEqual(['1500 JPY', '1.250 KWD', '-0.05 USD']);
	});
});

describe("Amazon's amounts", () => {
	it('reads local formats: 95,00 and 1.234,56 (EU), 1,234.56 (US)', () => {
		expect(['95,00', '-1.234,56', '1,234.56', '-12.5', '0'].map(localAmount)).toEqual(['95.00', '-1234.56', '1234.56', '-12.5', '0']);
	});
});
