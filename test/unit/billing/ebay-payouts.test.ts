/**
 * Billing against the eBay sandbox on both stores (issue 22): its orders recorded (charges in the ledger, the tax eBay
 * collects and remits left out of what it owes), its payouts and their transactions imported through the Finances
 * API (Import Payouts, cursor `payouts:<account>`; twice records nothing new), and Reconcile finds exactly the
 * discrepancies planted in the sandbox (a shipped order never paid out, a deposit that is not the sum of its
 * transactions) and none other. (eBay's fees are not checked against a fee table: see lib/billing/fees.ts.)
 */
import { EbaySandbox, EBAY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/ebay';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { createChannelClient } from '../../../lib/channels/clients';
import { normalizeOrder } from '../../../lib/channels/normalize';
import type { ChannelClient } from '../../../lib/channels/types';
import { importPayoutsSince, payoutsCursorName } from '../../../lib/flows/import-payouts';
import { reconcileBilling } from '../../../lib/flows/reconcile-billing';
import type { Store } from '../../../lib/store/types';
import { closeStores, STORES } from '../report/stores';

const TS = 0.01;
const START = Date.parse('2026-05-20T00:00:00.000Z');

afterAll(() => closeStores());

describe.each(STORES.map((s) => [s.name, s] as const))('eBay payouts and reconciliation (%s)', (_name, kind) => {
	const clock = new VirtualClock(START);
	const request = clock.track(realRequest);
	const sb = new EbaySandbox({ timeScale: TS, clock } as never);
	const orders = generateOrders({ seed: 23, perChannel: 150, channels: ['ebay'], from: '2026-05-01T00:00:00Z', to: '2026-05-10T00:00:00Z' }).byChannel.ebay;
	const shipped = orders.filter((o) => o.status === 'shipped');
	const unsettled = shipped[1];
	let store: Store;
	let client: ChannelClient;
	let deposit = 0;

	beforeAll(async () => {
		const url = await sb.start();
		sb.addOrders(orders);
		sb.plantDiscrepancy('missing_settlement', { orderId: unsettled.id });
		sb.plantDiscrepancy('payout_mismatch', { deltaCents: -1000 });
		const [p] = sb.closePayout();
		deposit = p.amountCents;
		client = createChannelClient('ebay', { ...EBAY_SANDBOX_CREDENTIALS, baseUrl: url } as never, request, isolated(TS, { clock, now: () => clock.now() }));
		store = await kind.open(() => new Date(clock.now()));
		const listed = await client.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		for (const raw of listed.orders) await store.recordOrder(normalizeOrder('ebay', raw), { cause: 'test' });
	});
	afterAll(() => sb.close());

	it('imports the payout and its transactions once, keeps the cursor; again: nothing new', async () => {
		expect(shipped.length).toBeGreaterThan(5);
		const first = await importPayoutsSince(store, client, { from: 'stored', since: LONG_AGO, pageSize: 5 });
		expect(first.problems).toEqual([]);
		expect(first.payouts).toHaveLength(1);
		expect(first.payouts[0]).toMatchObject({ amountMinor: deposit, status: 'SUCCEEDED' });
		expect(first.recorded).toBeGreaterThan(3 * (shipped.length - 1));
		expect(await store.getCursor(payoutsCursorName(client))).toBe(first.cursor);
		const again = await importPayoutsSince(store, client, { from: 'time', since: LONG_AGO });
		expect([again.recorded, again.already]).toEqual([0, first.recorded]);
		const fees = (await store.orderLedger(`ebay:${shipped[2].id}`)).filter((e) => e.type === 'fee').map((e) => e.subtype);
		expect(fees).toEqual(expect.arrayContaining(['FINAL_VALUE_FEE', 'FINAL_VALUE_FEE_FIXED_PER_ORDER']));
	});

	it('Reconcile finds the order never paid out and the deposit that does not add up, and nothing else', async () => {
		const r = await reconcileBilling(store, { channel: 'ebay', now: '2026-06-30T00:00:00.000Z', unsettledAfterDays: 14 });
		const mismatch = r.flags.find((f) => f.kind === 'payout_mismatch');
		expect(r.flags.map((f) => [f.kind, f.omsId ?? f.payoutId]).sort()).toEqual(
			[
				['never_settled', `ebay:${unsettled.id}`],
				['payout_mismatch', mismatch?.payoutId ?? 'missing'],
			].sort(),
		);
		expect(mismatch!.differenceMinor).toBe(-1000);
		// the tax eBay remits is not owed to the seller: every paid-out order's balance is 0
		const settled = (await store.orderBalances({ channel: 'ebay' })).filter((b) => b.settledMinor !== 0);
		expect(settled.length).toBe(shipped.length - 1);
		expect(settled.filter((b) => b.balanceMinor !== 0)).toEqual([]);
	});
});
