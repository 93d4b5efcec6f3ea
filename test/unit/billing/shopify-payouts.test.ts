/**
 * Billing against the Shopify sandbox on both stores (issue 22): the sandbox's orders recorded (their charges enter
 * the ledger), Shopify Payments balance transactions and payouts imported (Import Payouts, cursor `payouts:<account>`),
 * a second import records nothing twice, and Reconcile finds exactly the discrepancies planted in the sandbox (a fee
 * above the table, a shipped order never settled) and invents none: every other order settles to 0 and every payout
 * adds up. Client and sandbox share one virtual clock; the store's clock is that clock.
 */
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/shopify';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { createChannelClient } from '../../../lib/channels/clients';
import { normalizeOrder } from '../../../lib/channels/normalize';
import type { ChannelClient } from '../../../lib/channels/types';
import { importPayoutsSince, payoutsCursorName } from '../../../lib/flows/import-payouts';
import { reconcileBilling } from '../../../lib/flows/reconcile-billing';
import { listAttention } from '../../../lib/flows/attention';
import type { Store } from '../../../lib/store/types';
import { closeStores, STORES } from '../report/stores';

const TS = 0.01;
const START = Date.parse('2026-05-20T00:00:00.000Z');

afterAll(() => closeStores());

describe.each(STORES.map((s) => [s.name, s] as const))('Shopify payouts and reconciliation (%s)', (_name, kind) => {
	const clock = new VirtualClock(START);
	const request = clock.track(realRequest);
	const sb = new ShopifySandbox({ timeScale: TS, clock, rateLimits: false });
	const orders = generateOrders({ seed: 22, perChannel: 40, channels: ['shopify'], from: '2026-05-01T00:00:00Z', to: '2026-05-10T00:00:00Z' }).byChannel.shopify;
	const charged = orders.filter((o) => o.status !== 'pending');
	const overFee = charged[0];
	const unsettled = charged[1];
	let client: ChannelClient;
	let store: Store;

	beforeAll(async () => {
		const url = await sb.start();
		sb.addOrders(orders);
		sb.plantDiscrepancy({ kind: 'over_fee', orderId: overFee.id, extra: 1 });
		sb.plantDiscrepancy({ kind: 'missing_settlement', orderId: unsettled.id });
		client = createChannelClient('shopify', { ...SHOPIFY_SANDBOX_CREDENTIALS, baseUrl: url } as never, request, isolated(TS, { clock, now: () => clock.now() }));
		store = await kind.open(() => new Date(clock.now()));
		const listed = await client.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		for (const raw of listed.orders) await store.recordOrder(normalizeOrder('shopify', raw), { cause: 'test' });
		for (const o of [overFee, unsettled]) expect((await store.setStatus(`shopify:${o.id}`, 'shipped')).changed).toBe(true);
	});
	afterAll(() => sb.close());

	it('imports every balance transaction and payout once, keeps the cursor, and a second import records nothing', async () => {
		expect(charged.length).toBeGreaterThan(20);
		const first = await importPayoutsSince(store, client, { from: 'stored', since: LONG_AGO, pageSize: 7 });
		expect(first.problems).toEqual([]);
		expect(first.pages).toBeGreaterThan(2);
		// a charge is a payment and a fee: two entries per charged order, none for the one never settled; a refund one
		const refunds = sb.moneyEvents().filter((e) => e.kind === 'refund').length;
		expect(refunds).toBeGreaterThan(0);
		expect(first.recorded).toBe(2 * (charged.length - 1) + refunds);
		expect(first.payouts.length).toBeGreaterThan(1);
		expect(first.payouts.every((p) => p.status === 'PAID')).toBe(true);
		expect(await store.getCursor(payoutsCursorName(client))).toBe(first.cursor);
		const again = await importPayoutsSince(store, client, { from: 'time', since: LONG_AGO });
		expect([again.recorded, again.already]).toEqual([0, first.recorded]);
		const ledger = await store.orderLedger(`shopify:${overFee.id}`);
		const fee = ledger.find((e) => e.type === 'fee')!;
		expect(fee).toMatchObject({ subtype: 'processing', source: 'shopify_payments', channel: 'shopify' });
		expect(fee.payoutId).toBe(ledger.find((e) => e.type === 'payment')!.payoutId);
	});

	it('Reconcile finds the planted over-fee and the order never settled, and nothing else', async () => {
		const r = await reconcileBilling(store, { now: '2026-06-10T00:00:00.000Z', unsettledAfterDays: 14 });
		expect(r.flags.map((f) => [f.kind, f.omsId]).sort()).toEqual([
			['never_settled', `shopify:${unsettled.id}`],
			['over_fee', `shopify:${overFee.id}`],
		]);
		const over = r.flags.find((f) => f.kind === 'over_fee')!;
		expect(over.differenceMinor).toBe(100);
		expect(over.payoutId).not.toBeNull();
		expect(over.message).toContain(`shopify:${overFee.id}`);
		expect(r.payouts).toBeGreaterThan(1);
		// every other charged order settled to 0
		const balances = await store.orderBalances({ channel: 'shopify' });
		const open = balances.filter((b) => b.balanceMinor !== 0).map((b) => b.omsId);
		// open: the order never settled, and the orders the buyer never paid (pending: charged, nothing to settle yet)
		const pending = orders.filter((o) => o.status === 'pending').map((o) => `shopify:${o.id}`);
		expect(pending.length).toBeGreaterThan(0);
		expect(open).toEqual([`shopify:${unsettled.id}`, ...pending].sort());
		// for a person: the Attention queue lists both, with the amounts and the payout
		const queue = (await listAttention(store, { now: '2026-06-10T00:00:00.000Z' })).items.filter((i) => i.kind === 'billing');
		expect(queue.map((i) => [i.reason, i.omsId, i.reasonLabel]).sort()).toEqual([
			['never_settled', `shopify:${unsettled.id}`, 'Shipped, never paid by the channel'],
			['over_fee', `shopify:${overFee.id}`, "Fee above the channel's fee table"],
		]);
		expect(queue.find((i) => i.reason === 'over_fee')).toMatchObject({ reference: over.payoutId, detail: over.message });
		// not yet N days: the unsettled order is not flagged, and leaves the queue; the over-fee stays
		const early = await reconcileBilling(store, { now: '2026-05-25T00:00:00.000Z', unsettledAfterDays: 14 });
		expect(early.flags.map((f) => f.kind)).toEqual(['over_fee']);
		expect((await listAttention(store, { now: '2026-06-10T00:00:00.000Z' })).items.filter((i) => i.kind === 'billing').map((i) => i.reason)).toEqual(['over_fee']);
	});
});
