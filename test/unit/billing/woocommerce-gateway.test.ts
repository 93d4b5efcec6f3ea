/**
 * Billing for WooCommerce on both stores (issue 22): WooCommerce core has no payout data, so the gateway's export
 * (Stripe's itemized balance CSV, the sandbox's gatewayExport) is imported as a file; the same file twice records
 * nothing new, and Reconcile finds exactly the discrepancies planted in the export (a fee above the table, a shipped
 * order never settled) and invents none. A row that cannot be read is named by its line, the rest kept.
 */
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../sandbox/channels/woocommerce';
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

describe.each(STORES.map((s) => [s.name, s] as const))('WooCommerce gateway export and reconciliation (%s)', (_name, kind) => {
	const clock = new VirtualClock(START);
	const request = clock.track(realRequest);
	const sb = new WooCommerceSandbox({ timeScale: TS, clock } as never);
	const orders = generateOrders({ seed: 22, perChannel: 40, channels: ['woocommerce'], from: '2026-05-01T00:00:00Z', to: '2026-05-10T00:00:00Z' }).byChannel.woocommerce;
	const charged = orders.filter((o) => o.status === 'paid');
	const overFee = charged[0];
	const unsettled = charged[1];
	let csv = '';
	let store: Store;

	beforeAll(async () => {
		const url = await sb.start();
		sb.addOrders(orders);
		sb.plantDiscrepancy({ kind: 'over_fee', orderId: overFee.id, extra: 1 });
		sb.plantDiscrepancy({ kind: 'missing_settlement', orderId: unsettled.id });
		csv = sb.gatewayExport();
		const client = createChannelClient('woocommerce', { ...WOO_SANDBOX_CREDENTIALS, storeUrl: url, baseUrl: url } as never, request, isolated(TS, { clock, now: () => clock.now() }));
		store = await kind.open(() => new Date(clock.now()));
		const listed = await client.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		for (const raw of listed.orders) await store.recordOrder(normalizeOrder('woocommerce', raw), { cause: 'test' });
		for (const o of [overFee, unsettled]) expect((await store.setStatus(`woocommerce:${o.id}`, 'shipped')).changed).toBe(true);
	});
	afterAll(() => sb.close());

	it('imports the export once: each charge a payment and its fee, each refund a refund, in its payout', async () => {
		expect(charged.length).toBeGreaterThan(20);
		const first = await importPayoutFile(store, { kind: 'stripe_balance_csv', account: 'woocommerce:stripe', text: csv });
		expect(first.problems).toEqual([]);
		const events = sb.moneyEvents();
		const refunds = events.filter((e) => e.kind === 'refund').length;
		expect(first.recorded).toBe(2 * (events.filter((e) => e.kind === 'charge').length - 1) + refunds);
		const again = await importPayoutFile(store, { kind: 'stripe_balance_csv', account: 'woocommerce:stripe', text: csv });
		expect([again.recorded, again.already]).toEqual([0, first.recorded]);
		const ledger = await store.orderLedger(`woocommerce:${overFee.id}`);
		expect(ledger.find((e) => e.type === 'fee')).toMatchObject({ subtype: 'processing', source: 'stripe_export', payoutId: expect.stringMatching(/^po_/) });
	});

	it('Reconcile finds the planted over-fee and the order never settled, and nothing else', async () => {
		const r = await reconcileBilling(store, { channel: 'woocommerce', now: '2026-06-10T00:00:00.000Z', unsettledAfterDays: 14 });
		expect(r.flags.map((f) => [f.kind, f.omsId]).sort()).toEqual([
			['never_settled', `woocommerce:${unsettled.id}`],
			['over_fee', `woocommerce:${overFee.id}`],
		]);
		expect(r.flags.find((f) => f.kind === 'over_fee')!.differenceMinor).toBe(100);
	});

	it('a row that cannot be read is named by its line, the rest kept; a file that is not the export is refused', async () => {
		const lines = csv.trimEnd().split('\n');
		lines[2] = lines[2].replace(/,(charge|refund|adjustment),/, ',$1,').replace(/^([^,]*),([^,]*),/, '$1,not a date,');
		const fresh = await kind.open(() => new Date(clock.now()));
		const r = await importPayoutFile(fresh, { kind: 'stripe_balance_csv', account: 'woocommerce:stripe', text: lines.join('\n') });
		expect(r.problems).toEqual([{ ref: 'line 3', message: expect.stringMatching(/^woocommerce gateway export line 3: invalid created_utc/) }]);
		expect(r.rows).toBe(lines.length - 1);
		await expect(importPayoutFile(fresh, { kind: 'stripe_balance_csv', account: 'x', text: 'a,b\n1,2\n' })).rejects.toThrow(/Not a Stripe itemized balance export/);
	});
});
