/**
 * Issue 3, layer 3: in a real n8n with this package installed, a published workflow "Shopify Order Trigger ->
 * OMS Order (Record)" registers its webhooks at the Shopify sandbox on activation (the sandbox runs in this test
 * process on loopback; the credential, imported through the CLI, points at it with the sandbox's app secret).
 * A webhook signed by the sandbox is then delivered three times to the trigger's production URL, as Shopify does
 * when it retries: the order is recorded in the OMS store exactly once, and only one execution runs. A forged
 * delivery gets 401 and records nothing. The store is read afterwards from the embedded SQLite file under the
 * n8n user folder (where omsOrder keeps it without a credential).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { N8n, repoRoot, type WorkflowJson } from './harness/n8n';
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { openSqliteStore, type SqliteStore } from '../../lib/store/sqlite';

jest.setTimeout(300_000);

const CREDENTIAL_ID = 'shopifyE2Ecred01';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe('real n8n: a Shopify webhook delivered three times is recorded once', () => {
	let n8n: N8n;
	let sb: Sandboxes;
	let workflowId: string;
	let productionUrl: string;
	let store: SqliteStore | undefined;

	beforeAll(async () => {
		for (const name of ['ShopifyOrderTrigger/ShopifyOrderTrigger.node.js', 'OmsOrder/OmsOrder.node.js']) {
			const built = join(repoRoot, 'dist', 'nodes', name);
			if (!existsSync(built)) throw new Error(`${built} is missing: build the package (npm run build)`);
		}
		sb = await startSandboxes({ ordersPerChannel: 5, seed: 31 });
		n8n = await N8n.create({ name: 'shopify-webhook' });
		const c = sb.credentials.shopify;
		await n8n.importCredentials([
			{
				id: CREDENTIAL_ID,
				name: 'Shopify sandbox (e2e)',
				type: 'shopifyApi',
				data: { shopDomain: c.shopDomain, authType: 'accessToken', accessToken: c.accessToken, webhookSecret: c.appSecret, apiVersion: c.apiVersion, baseUrl: c.baseUrl },
			},
		]);
		const workflow = await n8n.importWorkflow(join(__dirname, 'workflows', 'shopify-intake.json'));
		workflowId = workflow.id;
		const trigger = (workflow as WorkflowJson).nodes.find((n) => n.type === 'n8n-nodes-oms-wms.shopifyOrderTrigger');
		await n8n.start();
		productionUrl = n8n.webhookUrl(`${trigger!.webhookId}/webhook`);
		// activation runs in the background after start-up: it is done when the sandbox has the subscriptions
		await waitFor('the trigger to register its webhooks at the sandbox', () => {
			const subs = [...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === productionUrl);
			return subs.length === 3 ? subs : undefined;
		});
	});

	afterAll(async () => {
		await store?.close();
		await n8n?.stop();
		await sb?.close();
	});

	function openStoreFile(): Promise<SqliteStore> {
		return openSqliteStore(join(n8n.userFolder, '.n8n', 'oms-wms', 'oms.sqlite'));
	}

	it('registered orders/create, orders/updated and orders/cancelled at the production URL on activation', () => {
		const topics = [...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === productionUrl).map((w) => w.topic);
		expect(topics.sort()).toEqual(['ORDERS_CANCELLED', 'ORDERS_CREATE', 'ORDERS_UPDATED']);
		expect(n8n.serverOutput).not.toMatch(/There was a problem activating/);
	});

	it('records an order delivered three times exactly once', async () => {
		const order = sb.orders.shopify[0];
		const omsId = `shopify:${order.id}`;
		const deliveries = await sb.sandboxes.shopify.deliverWebhook(order.id, { url: productionUrl, times: 3 });
		expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
		expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);

		const executions = await n8n.settledExecutions(workflowId, 1);
		expect(executions).toHaveLength(1);
		expect(executions[0].status).toBe('success');

		store = await openStoreFile();
		const stored = await waitFor('the order in the store', async () => (await store!.getOrder(omsId)) ?? undefined);
		expect(stored.order).toMatchObject({ omsId, channel: 'shopify', channelOrderId: order.id, currency: order.currency });
		expect(stored.version).toBe(1);
		// one intake: one `recorded` event and no update in the order's timeline
		const events = await store.timeline(omsId);
		expect(events.filter((e) => e.type === 'recorded')).toHaveLength(1);
		expect(events.filter((e) => e.type === 'updated')).toHaveLength(0);
		const processed = await store.query<{ n: number }>(`SELECT count(*) AS n FROM processed WHERE source LIKE 'webhook:shopify:%'`);
		expect(Number(processed[0].n)).toBe(1);
	});

	it('answers a forged delivery with 401 and records nothing', async () => {
		const order = sb.orders.shopify[1];
		const before = (await n8n.executions(workflowId)).length;
		for (const forge of [true, 'unsigned', 'tampered'] as const) {
			const [d] = await sb.deliverWebhook('shopify', order.id, { url: productionUrl, forge });
			expect(d.status).toBe(401);
		}
		expect((await n8n.executions(workflowId)).length).toBe(before);
		store ??= await openStoreFile();
		expect(await store.getOrder(`shopify:${order.id}`)).toBeNull();
	});
});
