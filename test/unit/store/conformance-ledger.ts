/**
 * The order's ledger (issue 22) in the store conformance suite (SQLite and PostgreSQL): an order's charges enter the
 * ledger when it is recorded (a newer version: only the difference), channel events recorded twice change nothing,
 * an order's balance and a payout's total come out of one query each, a bad entry is refused with nothing written, and
 * reconciliation's flags stay open until a reconciliation of their scope no longer finds them.
 */
import type { LedgerEntryInput, PayoutInput } from '../../../lib/billing/types';
import type { Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';

const AT = '2026-05-03T10:00:00.000Z';

function entry(over: Partial<LedgerEntryInput> & Pick<LedgerEntryInput, 'key' | 'type' | 'amountMinor'>): LedgerEntryInput {
	return { omsId: 'shopify:1', channel: 'shopify', currency: 'USD', subtype: null, lineId: null, payoutId: 'P1', occurredAt: AT, source: 'test', ...over };
}
const payout = (over: Partial<PayoutInput> = {}): PayoutInput => ({ channel: 'shopify', account: 'shop', payoutId: 'P1', currency: 'USD', amountMinor: 0, status: 'PAID', paidAt: AT, ...over });

export function describeLedgerConformance(getStore: () => Store): void {
	describe("the order's ledger", () => {
		const lines = [
			{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 25, lineTotal: 50 },
			{ lineId: '2', sku: 'CUP', title: 'Cup', quantity: 1, unitPrice: 10.5, lineTotal: 10.5 },
		];
		const charged = (store: Store, omsId: string) => store.orderLedger(omsId).then((es) => es.map((e) => [e.type, e.subtype, e.lineId, e.amountMinor]));

		it("records a new order's charges with it: each line, the discount, shipping, and tax with who remits it", async () => {
			const store = getStore();
			const order = makeOrder({ channelOrderId: '1', lines, totals: { subtotal: 60.5, shipping: 9, tax: 5.25, discount: 4, total: 70.75 } });
			await store.recordOrder(order);
			expect(await charged(store, order.omsId)).toEqual([
				['item_charge', null, '1', 5000],
				['item_charge', null, '2', 1050],
				['discount', null, null, -400],
				['shipping', null, null, 900],
				['tax', 'seller', null, 525],
			]);
			expect(await store.orderBalances({ omsIds: [order.omsId] })).toEqual([
				{ omsId: order.omsId, currency: 'USD', chargedMinor: 7075, expectedMinor: 7075, settledMinor: 0, balanceMinor: 7075, feesMinor: 0, refundsMinor: 0, entries: 5 },
			]);
			// the same version again adds nothing
			await store.recordOrder(order);
			expect(await store.orderLedger(order.omsId)).toHaveLength(5);
		});

		it('a newer version appends only the difference, so the charges follow the latest total (append-only)', async () => {
			const store = getStore();
			const order = makeOrder({ channelOrderId: '1', lines, totals: { subtotal: 60.5, shipping: 9, tax: 0, discount: 0, total: 69.5 } });
			await store.recordOrder(order);
			const before = await store.orderLedger(order.omsId);
			// line 2 removed, shipping made free
			const newer = { ...order, updatedAt: '2026-05-01T15:00:00.000Z', lines: [lines[0]], totals: { subtotal: 50, shipping: 0, tax: 0, discount: 0, total: 50 } };
			expect((await store.recordOrder(newer)).outcome).toBe('updated');
			const after = await store.orderLedger(order.omsId);
			expect(after.slice(0, before.length)).toEqual(before);
			expect(after.slice(before.length).map((e) => [e.type, e.lineId, e.amountMinor]).sort()).toEqual([
				['item_charge', '2', -1050],
				['shipping', null, -900],
			]);
			expect((await store.orderBalances({ omsIds: [order.omsId] }))[0].chargedMinor).toBe(5000);
		});

		it("a tax the marketplace remits is recorded but is not owed to the seller; parts that do not add up get the difference", async () => {
			const store = getStore();
			const order = makeOrder({ channel: 'amazon', channelOrderId: '111-1', lines: [lines[0]], totals: { subtotal: 50, shipping: 0, tax: 4, discount: 0, total: 54.01 } });
			await store.recordOrder(order);
			expect(await charged(store, order.omsId)).toEqual([
				['item_charge', null, '1', 5000],
				['tax', 'marketplace', null, 400],
				['adjustment', 'order_total_difference', null, 1],
			]);
			const [b] = await store.orderBalances({ omsIds: [order.omsId] });
			expect([b.chargedMinor, b.expectedMinor]).toEqual([5000, 5001]);
		});

		it('a payout settles the order: balance 0; the same channel events and payout recorded twice change nothing', async () => {
			const store = getStore();
			const order = makeOrder({ channelOrderId: '1', lines: [lines[0]], totals: { subtotal: 50, shipping: 0, tax: 0, discount: 0, total: 50 } });
			await store.recordOrder(order);
			const events = [
				entry({ key: 'tx-1:payment', type: 'payment', amountMinor: 5000 }),
				entry({ key: 'tx-1:fee', type: 'fee', subtype: 'processing', amountMinor: -175 }),
				entry({ key: 'tx-2:refund', type: 'refund', amountMinor: -1000, payoutId: 'P2' }),
			];
			const first = await store.recordLedger(events, [payout({ amountMinor: 4825 }), payout({ payoutId: 'P2', amountMinor: -1000, status: 'SCHEDULED' })]);
			expect(first).toEqual({ recorded: ['tx-1:payment', 'tx-1:fee', 'tx-2:refund'], already: [] });
			const again = await store.recordLedger(events, [payout({ amountMinor: 4825 }), payout({ payoutId: 'P2', amountMinor: -1000, status: 'PAID' })]);
			expect(again).toEqual({ recorded: [], already: ['tx-1:payment', 'tx-1:fee', 'tx-2:refund'] });
			expect(await store.orderLedger(order.omsId)).toHaveLength(4);
			expect(await store.orderBalances({ omsIds: [order.omsId] })).toEqual([
				{ omsId: order.omsId, currency: 'USD', chargedMinor: 5000, expectedMinor: 3825, settledMinor: 3825, balanceMinor: 0, feesMinor: -175, refundsMinor: -1000, entries: 4 },
			]);
			const totals = await store.payoutTotals({ channel: 'shopify' });
			expect(totals.map((t) => [t.payoutId, t.currency, t.amountMinor, t.entriesMinor, t.entries, t.status])).toEqual([
				['P1', 'USD', 4825, 4825, 2, 'PAID'],
				['P2', 'USD', -1000, -1000, 1, 'PAID'],
			]);
			expect((await store.listPayouts()).map((p) => p.payoutId)).toEqual(['P1', 'P2']);
		});

		it('a payout with no entries and entries naming an unrecorded payout both show; currencies are kept apart (JPY, KWD)', async () => {
			const store = getStore();
			await store.recordLedger(
				[
					entry({ key: 'a', omsId: 'amazon:1', channel: 'amazon', currency: 'JPY', type: 'payment', amountMinor: 1500, payoutId: 'S1' }),
					entry({ key: 'b', omsId: 'amazon:1', channel: 'amazon', currency: 'KWD', type: 'payment', amountMinor: 1250, payoutId: 'S1' }),
				],
				[payout({ channel: 'amazon', payoutId: 'S1', currency: 'JPY', amountMinor: 1500 }), payout({ channel: 'amazon', payoutId: 'S9', currency: 'JPY', amountMinor: 700 })],
			);
			expect((await store.payoutTotals({ channel: 'amazon' })).map((t) => [t.payoutId, t.currency, t.amountMinor, t.entriesMinor])).toEqual([
				['S1', 'JPY', 1500, 1500],
				['S1', 'KWD', null, 1250],
				['S9', 'JPY', 700, 0],
			]);
			expect((await store.orderBalances({ channel: 'amazon' })).map((b) => [b.currency, b.settledMinor])).toEqual([
				['JPY', 1500],
				['KWD', 1250],
			]);
		});

		it('a bad entry is refused naming the entry and field, and nothing of the call is written', async () => {
			const store = getStore();
			const bad = [entry({ key: 'good', type: 'payment', amountMinor: 100 }), entry({ key: 'bad', type: 'fee', amountMinor: 1.5, currency: 'usd' })];
			await expect(store.recordLedger(bad, [payout()])).rejects.toThrow(/entry bad: currency "usd" is not an ISO 4217 code; entry bad: amountMinor 1.5 is not a whole number/);
			expect(await store.orderLedger('shopify:1')).toEqual([]);
			expect(await store.listPayouts()).toEqual([]);
		});

		it('keeps reconciliation flags open until a reconciliation of their scope no longer finds them; found again, they keep when first seen', async () => {
			const store = getStore();
			const flag = (key: string, channel: string) => ({ kind: 'over_fee' as const, key, channel, omsId: `${channel}:1`, payoutId: 'P1', currency: 'USD', expectedMinor: 320, actualMinor: 420, differenceMinor: 100, message: key });
			const open = async () => (await store.query<{ flag_key: string }>('SELECT flag_key FROM billing_flags WHERE resolved_at IS NULL ORDER BY flag_key')).map((r) => r.flag_key);
			await store.recordBillingFlags([flag('a', 'shopify'), flag('b', 'amazon')]);
			const first = (await store.query<{ first_seen: unknown }>("SELECT first_seen FROM billing_flags WHERE flag_key = 'a'"))[0].first_seen;
			// a reconciliation of shopify only: amazon's flag is not its to resolve
			await store.recordBillingFlags([flag('a', 'shopify')], { channel: 'shopify' });
			expect(await open()).toEqual(['a', 'b']);
			expect((await store.query<{ first_seen: unknown }>("SELECT first_seen FROM billing_flags WHERE flag_key = 'a'"))[0].first_seen).toEqual(first);
			await store.recordBillingFlags([], { channel: 'amazon' });
			expect(await open()).toEqual(['a']);
			await store.recordBillingFlags([]);
			expect(await open()).toEqual([]);
		});
	});
}
