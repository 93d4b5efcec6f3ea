/**
 * The OMS Billing node through n8n-core's WorkflowExecute, on SQLite and PostgreSQL: Import Payouts from the Shopify
 * sandbox (its credential, the stored cursor), Import Payout File (an Amazon settlement report; an empty file is that
 * item's error only), Reconcile (the sandbox's planted over-fee flagged; one item per flag, or one summary) and Get
 * Order Ledger (an order without entries is that item's error).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';
import { createChannelClient } from '../../lib/channels/clients';
import { normalizeOrder } from '../../lib/channels/normalize';
import { closeAllStores } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';
import { buildWorkflow, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { pgSetup as pgSetupFor, sqliteSetup as sqliteSetupFor, type StoreCredentials } from '../helpers/store-credentials';
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from '../sandbox/channels/shopify';
import { generateSettlementV2 } from '../sandbox/channels/amazon-settlement';
import { generateOrders } from '../sandbox/generator';
import { isolated, LONG_AGO, request } from '../sandbox/testkit';

const dir = mkdtempSync(join(tmpdir(), 'oms-billing-'));
const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' }, omsShopifyApi: { id: 'shop', name: 'Shopify sandbox' } };
const DAY = 86_400_000;

const sb = new ShopifySandbox({ rateLimits: false });
let shopCreds: Record<string, unknown>;
const orders = generateOrders({ seed: 5, perChannel: 20, channels: ['shopify'], from: new Date(Date.now() - 20 * DAY).toISOString(), to: new Date(Date.now() - 10 * DAY).toISOString() }).byChannel.shopify;
const charged = orders.filter((o) => o.status !== 'pending');

beforeAll(async () => {
	const url = await sb.start();
	shopCreds = { ...SHOPIFY_SANDBOX_CREDENTIALS, baseUrl: url };
	sb.addOrders(orders);
	sb.plantDiscrepancy({ kind: 'over_fee', orderId: charged[0].id, extra: 2 });
});
afterAll(async () => {
	await sb.close();
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

async function run(credentials: StoreCredentials, items: unknown[], parameters: INodeParameters) {
	const wf = buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			{ name: 'Billing', type: 'n8n-nodes-oms-wms.omsBilling', parameters, credentials: CRED, onError: 'continueErrorOutput' },
		],
		[
			['Start', 'Items'],
			['Items', 'Billing'],
		],
	);
	const r = await runWorkflow(wf, { credentials: { ...credentials, omsShopifyApi: shopCreds } });
	const out = outputsOf(r, 'Billing');
	while (out.length < 2) out.push([]);
	return { r, ok: out[0], errors: out[1] };
}

describe.each([
	['SQLite', sqliteSetupFor(dir, 'billing')],
	['PostgreSQL', pgSetupFor('billing')],
])('OMS Billing (%s)', (_name, setup) => {
	let credentials: StoreCredentials;
	let store: Store;
	beforeAll(async () => {
		({ credentials, store } = await setup());
		// the OMS has the sandbox's orders (their charges in the ledger)
		const client = createChannelClient('shopify', shopCreds as never, request, isolated(1));
		for (const raw of (await client.listOrdersSince(null, { lookbackFrom: LONG_AGO })).orders) await store.recordOrder(normalizeOrder('shopify', raw));
	});

	it('Import Payouts: the channel payouts into the ledger from the stored cursor; again: nothing new', async () => {
		const first = await run(credentials, [{}], { operation: 'importPayouts', channel: 'shopify', sinceMode: 'stored', since: LONG_AGO });
		expect(first.r.error).toBeUndefined();
		expect(first.errors).toEqual([]);
		expect(first.ok).toHaveLength(1);
		expect(first.ok[0]).toMatchObject({ operation: 'importPayouts', channel: 'shopify', problems: [], already: 0 });
		expect(first.ok[0].recorded).toBeGreaterThanOrEqual(2 * charged.length);
		expect(await store.getCursor(`payouts:${String(first.ok[0].account)}`)).toBe(first.ok[0].cursor);
		const again = await run(credentials, [{}], { operation: 'importPayouts', channel: 'shopify', sinceMode: 'time', since: LONG_AGO });
		expect(again.ok[0]).toMatchObject({ recorded: 0, already: first.ok[0].recorded });
	});

	it('Import Payout File: an Amazon settlement report recorded once; an empty file is that item only', async () => {
		const report = generateSettlementV2({ rows: 40, seed: 3 });
		const r = await run(credentials, [{ text: report.text }, { text: '' }], { operation: 'importFile', fileKind: 'amazon_settlement_v2', account: 'amazon:test' });
		expect(r.ok).toHaveLength(1);
		expect(r.ok[0]).toMatchObject({ kind: 'amazon_settlement_v2', problems: [], already: 0 });
		expect(r.ok[0].recorded).toBe(report.rows);
		expect((r.ok[0].payouts as Array<{ amountMinor: number }>)[0].amountMinor).toBe(report.totalCents);
		expect(r.errors).toHaveLength(1);
		expect(r.errors[0].error).toMatch(/payout file is empty/);
	});

	it('Reconcile: the planted over-fee is a flag naming the order, the payout and the amounts; Summary: one item', async () => {
		const r = await run(credentials, [{}], { operation: 'reconcile', reconcileChannel: 'shopify', unsettledAfterDays: 14 });
		expect(r.errors).toEqual([]);
		expect(r.ok.map((f) => [f.kind, f.omsId])).toEqual([['over_fee', `shopify:${charged[0].id}`]]);
		expect(r.ok[0]).toMatchObject({ differenceMinor: 200, currency: expect.any(String), payoutId: expect.any(String) });
		const s = await run(credentials, [{}], { operation: 'reconcile', reconcileChannel: 'shopify', unsettledAfterDays: 14, reconcileOutput: 'summary' });
		expect(s.ok).toHaveLength(1);
		expect(s.ok[0]).toMatchObject({ operation: 'reconcile', flagCount: 1 });
	});

	it('Get Order Ledger: the entries and balance of an order; an order without entries is that item only', async () => {
		const id = `shopify:${charged[1].id}`;
		const r = await run(credentials, [{ omsId: id }, { omsId: 'shopify:404' }], { operation: 'getOrderLedger' });
		expect(r.ok).toHaveLength(1);
		const entries = r.ok[0].entries as Array<{ type: string }>;
		expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['item_charge', 'payment', 'fee']));
		expect((r.ok[0].balances as Array<{ balanceMinor: number }>)[0].balanceMinor).toBe(0);
		expect(r.errors).toHaveLength(1);
		expect(r.errors[0].error).toMatch(/No ledger entries for order shopify:404/);
	});
});
