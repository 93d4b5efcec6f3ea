/**
 * Issue 3, layer 3: in a real n8n with this package installed, a published workflow "Shopify Order Trigger ->
 * OMS Order (Record)" registers its webhooks at the Shopify sandbox on activation (the sandbox runs in this test
 * process on loopback; the credential, imported through the CLI, points at it with the sandbox's app secret).
 * A webhook signed by the sandbox is then delivered three times to the trigger's production URL, as Shopify does
 * when it retries: the order is recorded in the OMS store exactly once, and only one execution runs. A forged
 * delivery gets 401 and records nothing. The store is read afterwards from the embedded SQLite file under the
 * n8n user folder (where omsOrder keeps it without a credential).
 * The same n8n also runs "WooCommerce Order Trigger -> OMS Order (Record)" (built inline): its activation registers
 * two webhooks with a random secret kept in the workflow's static data, answers WooCommerce's ping, and a signed
 * delivery sent twice (and once more as order.updated) is recorded once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { N8n, repoRoot, type WorkflowJson } from './harness/n8n';
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { openSqliteStore, type SqliteStore } from '../../lib/store/sqlite';

jest.setTimeout(300_000);

const CREDENTIAL_ID = 'shopifyE2Ecred01';
const WOO_CREDENTIAL_ID = 'wooE2Ecredent001';
const WOO_WEBHOOK_ID = '7a0c2b1e-3d4f-4a5b-8c6d-9e0f1a2b3c4d';

function wooWorkflow(): WorkflowJson {
	return {
		name: 'e2e: WooCommerce webhook intake recorded with omsOrder',
		nodes: [
			{
				parameters: { topics: ['order.created', 'order.updated'], options: {} },
				id: '7a0c0000-0000-4000-8000-000000000001',
				name: 'WooCommerce Order Trigger',
				type: 'n8n-nodes-oms-wms.wooCommerceOrderTrigger',
				typeVersion: 1,
				position: [0, 200],
				webhookId: WOO_WEBHOOK_ID,
				credentials: { omsWooCommerceApi: { id: WOO_CREDENTIAL_ID, name: 'WooCommerce sandbox (e2e)' } },
			},
			{
				parameters: { operation: 'record' },
				id: '7a0c0000-0000-4000-8000-000000000002',
				name: 'Record Order',
				type: 'n8n-nodes-oms-wms.omsOrder',
				typeVersion: 1,
				position: [260, 200],
			},
		],
		connections: { 'WooCommerce Order Trigger': { main: [[{ node: 'Record Order', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

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
	let wooWorkflowId: string;
	let productionUrl: string;
	let wooUrl: string;
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
				type: 'omsShopifyApi',
				data: { shopDomain: c.shopDomain, authType: 'accessToken', accessToken: c.accessToken, webhookSecret: c.appSecret, apiVersion: c.apiVersion, baseUrl: c.baseUrl },
			},
			{
				id: WOO_CREDENTIAL_ID,
				name: 'WooCommerce sandbox (e2e)',
				type: 'omsWooCommerceApi',
				data: { storeUrl: sb.credentials.woocommerce.storeUrl, consumerKey: sb.credentials.woocommerce.consumerKey, consumerSecret: sb.credentials.woocommerce.consumerSecret, baseUrl: sb.credentials.woocommerce.baseUrl },
			},
		]);
		wooWorkflowId = (await n8n.importWorkflow(wooWorkflow())).id;
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
		wooUrl = n8n.webhookUrl(`${WOO_WEBHOOK_ID}/webhook`);
		await waitFor('the WooCommerce trigger to register its webhooks and be pinged', () => {
			const hooks = [...sb.sandboxes.woocommerce.webhooks.values()].filter((w) => w.delivery_url === wooUrl);
			const pings = sb.sandboxes.woocommerce.pings.filter((p) => hooks.some((h) => h.id === p.webhookId));
			return hooks.length === 2 && pings.length === 2 ? hooks : undefined;
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

	it('WooCommerce: activation registers both topics with one secret and its ping is answered 200 without an execution', () => {
		const hooks = [...sb.sandboxes.woocommerce.webhooks.values()].filter((w) => w.delivery_url === wooUrl);
		expect(hooks.map((w) => w.topic).sort()).toEqual(['order.created', 'order.updated']);
		expect(hooks[0].secret.length).toBeGreaterThan(20);
		expect(hooks[1].secret).toBe(hooks[0].secret);
		const pings = sb.sandboxes.woocommerce.pings.filter((p) => hooks.some((h) => h.id === p.webhookId));
		expect(pings.map((p) => p.status)).toEqual([200, 200]);
	});

	it('WooCommerce: a signed order delivered twice, and again as order.updated, is recorded once', async () => {
		const order = sb.orders.woocommerce[0];
		const omsId = `woocommerce:${order.id}`;
		const a = await sb.sandboxes.woocommerce.deliverWebhook(order.id, { times: 2 });
		const b = await sb.sandboxes.woocommerce.deliverWebhook(order.id, { topic: 'order.updated' });
		expect([...a, ...b].map((d) => d.status)).toEqual([200, 200, 200]);
		const executions = await n8n.settledExecutions(wooWorkflowId, 1);
		expect(executions.map((e) => e.status)).toEqual(['success']);
		store ??= await openStoreFile();
		const stored = await waitFor('the WooCommerce order in the store', async () => (await store!.getOrder(omsId)) ?? undefined);
		expect(stored.order).toMatchObject({ omsId, channel: 'woocommerce', channelOrderId: order.id });
		expect((await store.timeline(omsId)).filter((e) => e.type === 'recorded')).toHaveLength(1);
		const [forged] = await sb.sandboxes.woocommerce.deliverWebhook(sb.orders.woocommerce[1].id, { forge: true });
		expect(forged.status).toBe(401);
		expect(await store.getOrder(`woocommerce:${sb.orders.woocommerce[1].id}`)).toBeNull();
	});
});
