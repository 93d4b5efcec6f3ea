/**
 * Billing against the Amazon sandbox on both stores (issue 22): its orders recorded (charges in the ledger, the tax
 * Amazon remits left out of what it owes), a closed settlement's Flat File V2 report imported (idempotent: twice
 * records nothing new), and Reconcile finds exactly the discrepancies planted in the sandbox (a commission above the
 * fee table, a shipped order never settled, a deposit that is not the sum of its rows) and none other. A malformed
 * row is named by its line number and the rest of the report is kept.
 */
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from '../../sandbox/channels/amazon';
import { renderSettlementV2 } from '../../sandbox/channels/amazon-settlement';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { createChannelClient } from '../../../lib/channels/clients';
import { normalizeOrder } from '../../../lib/channels/normalize';
import { importPayoutFile } from '../../../lib/flows/import-payouts';
import { reconcileBilling } from '../../../lib/flows/reconcile-billing';
import type { Store } from '../../../lib/store/types';
import { closeStores, STORES } from '../report/stores';

const TS = 0.01;
const START = Date.parse('2026-05-20T00:00:00.000Z');

afterAll(() => closeStores());

describe.each(STORES.map((s) => [s.name, s] as const))('Amazon settlement and reconciliation (%s)', (_name, kind) => {
	const clock = new VirtualClock(START);
	const request = clock.track(realRequest);
	const sb = new AmazonSandbox({ timeScale: TS, clock, rateLimits: false } as never);
	const orders = generateOrders({ seed: 23, perChannel: 150, channels: ['amazon'], from: '2026-05-01T00:00:00Z', to: '2026-05-10T00:00:00Z' }).byChannel.amazon;
	const shipped = orders.filter((o) => o.status === 'shipped');
	const overFee = shipped[0];
	const unsettled = shipped[1];
	let store: Store;
	let report = '';
	let deposit = 0;

	beforeAll(async () => {
		const url = await sb.start();
		sb.addOrders(orders);
		sb.plantDiscrepancy('over_fee', { orderId: overFee.id });
		sb.plantDiscrepancy('missing_settlement', { orderId: unsettled.id });
		sb.plantDiscrepancy('payout_mismatch', { deltaCents: -1000 });
		const [s] = sb.closeSettlement();
		deposit = s.totalCents;
		report = renderSettlementV2(s, sb.events.filter((e) => s.eventIds.includes(e.id)));
		const client = createChannelClient('amazon', { ...AMAZON_SANDBOX_CREDENTIALS, baseUrl: url } as never, request, isolated(TS, { clock, now: () => clock.now() }));
		store = await kind.open(() => new Date(clock.now()));
		const listed = await client.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		for (const raw of listed.orders) await store.recordOrder(normalizeOrder('amazon', raw), { cause: 'test' });
	});
	afterAll(() => sb.close());

	it('imports the settlement report once: the deposit as the payout, each row an entry settled in it', async () => {
		expect(shipped.length).toBeGreaterThan(5);
		const first = await importPayoutFile(store, { kind: 'amazon_settlement_v2', account: 'amazon:test', text: report });
		expect(first.problems).toEqual([]);
		expect(first.payouts).toHaveLength(1);
		expect(first.payouts[0].amountMinor).toBe(deposit);
		expect(first.recorded).toBe(first.rows - 1);
		const again = await importPayoutFile(store, { kind: 'amazon_settlement_v2', account: 'amazon:test', text: report });
		expect([again.recorded, again.already]).toEqual([0, first.recorded]);
		const fee = (await store.orderLedger(`amazon:${shipped[2].id}`)).find((e) => e.type === 'fee')!;
		expect(fee).toMatchObject({ subtype: 'Commission', source: 'amazon_settlement', payoutId: first.payouts[0].payoutId });
		expect(fee.amountMinor).toBeLessThan(0);
	});

	it('Reconcile finds the planted over-fee, the order never settled and the deposit that does not add up, and nothing else', async () => {
		const r = await reconcileBilling(store, { channel: 'amazon', now: '2026-06-30T00:00:00.000Z', unsettledAfterDays: 14 });
		expect(r.flags.map((f) => [f.kind, f.omsId ?? f.payoutId]).sort()).toEqual(
			[
				['never_settled', `amazon:${unsettled.id}`],
				['over_fee', `amazon:${overFee.id}`],
				['payout_mismatch', r.flags.find((f) => f.kind === 'payout_mismatch')?.payoutId ?? 'missing'],
			].sort(),
		);
		const mismatch = r.flags.find((f) => f.kind === 'payout_mismatch')!;
		expect(mismatch.differenceMinor).toBe(-1000);
		// the tax Amazon remits is not owed to the seller: every settled order's balance is 0
		const settled = (await store.orderBalances({ channel: 'amazon' })).filter((b) => b.settledMinor !== 0);
		expect(settled.length).toBe(shipped.length - 1);
		expect(settled.filter((b) => b.balanceMinor !== 0)).toEqual([]);
	});

	it('a malformed row is named by its line number, and the rest of the report is kept', async () => {
		const lines = report.trimEnd().split('\n');
		const cells = lines[3].split('\t');
		cells[14] = 'twelve';
		lines[3] = cells.join('\t');
		const fresh = await kind.open(() => new Date(clock.now()));
		const r = await importPayoutFile(fresh, { kind: 'amazon_settlement_v2', account: 'amazon:test', text: lines.join('\n') });
		expect(r.problems).toEqual([{ ref: 'line 4', message: expect.stringMatching(/^amazon settlement report line 4: invalid amount/) }]);
		expect(r.recorded).toBe(r.rows - 2);
		await expect(importPayoutFile(fresh, { kind: 'amazon_settlement_v2', account: 'amazon:test', text: 'a\tb\n1\t2\n' })).rejects.toThrow(/Not an Amazon settlement report/);
	});
});
