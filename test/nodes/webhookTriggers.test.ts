/**
 * Layer 2: the Shopify and WooCommerce order triggers' webhook() and webhook lifecycle (checkExists / create /
 * delete), against the channel sandboxes.
 *
 * A small loopback "webhook host" stands in for n8n's webhook server: it keeps the exact bytes of each request (as
 * n8n's body parser does in req.rawBody), calls the trigger's webhook() with a fake IWebhookFunctions, and answers
 * the way n8n does (the node's own 401, `webhookResponse` as a 200, "Workflow was started" when items are emitted).
 * The sandboxes register their webhooks on it and deliver signed (or forged) bodies to it, so registration and
 * delivery are the real HTTP exchanges; the nodes reach the sandboxes through n8n's outbound HTTP stack
 * (helpers.httpRequest), and dedupe in a SQLite OMS store selected by the omsStoreApi credential.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from '@n8n/di';
import { OutboundHttp } from '@n8n/backend-network';
import type { IDataObject, IHookFunctions, INodeType, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { ShopifyOrderTrigger } from '../../nodes/ShopifyOrderTrigger/ShopifyOrderTrigger.node';
import { WooCommerceOrderTrigger } from '../../nodes/WooCommerceOrderTrigger/WooCommerceOrderTrigger.node';
import { shopifyVerdict, wooVerdict } from '../../nodes/shared/webhooks';
import { shopifyApiTest, wooCommerceApiTest } from '../../nodes/shared/channel-client';
import { Marketplace } from '../../nodes/Marketplace/Marketplace.node';
import { OmsWooCommerceApi } from '../../credentials/OmsWooCommerceApi.credentials';
// n8n's legacy request helper (what ICredentialTestFunctions.helpers.request is in n8n 2.x); not re-exported by n8n-core's index
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { proxyRequestToAxios } = require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/legacy-request-adapter') as {
	proxyRequestToAxios: (wf: undefined, ad: undefined, node: undefined, o: unknown) => Promise<unknown>;
};
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { signBase64HmacSha256 } from '../../lib/channels/webhook-signature';
import { openStore, storeConfigFromCredential } from '../../lib/store/open';
import type { SeedOrder } from '../sandbox/generator';
import { shopifyReturns } from '../../lib/channels/shopify/returns';
import { shopifyFromNode } from '../../nodes/shared/channel-client';
import { validateReturn } from '../../lib/returns/validate';

/** A GraphQL call to the Shopify sandbox as the shop's admin would make it */
async function shopifyAdminCall(query: string, variables: Record<string, unknown>): Promise<unknown> {
	const c = sb.credentials.shopify as unknown as { accessToken: string };
	const res = await fetch(`${sb.urls.shopify}/admin/api/2026-01/graphql.json`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': c.accessToken }, body: JSON.stringify({ query, variables }) });
	return res.json();
}

const httpRequest = (o: unknown) => (Container.get(OutboundHttp) as { requests(): { request(o: unknown): Promise<unknown> } }).requests().request(o);

interface Setup {
	node: INodeType;
	type: 'omsShopifyApi' | 'omsWooCommerceApi';
	credentials: Record<string, Record<string, unknown>>;
	params: IDataObject;
	staticData: IDataObject;
	mode: 'webhook' | 'manual';
	nodeId: string;
}

interface Delivery {
	status: number;
	body: unknown;
}

const dir = mkdtempSync(join(tmpdir(), 'oms-webhook-triggers-'));
const storeCredential = { storeType: 'sqlite', sqlitePath: join(dir, 'oms.sqlite') };

function ctxFor(s: Setup, url: string, req?: unknown, res?: unknown): IWebhookFunctions & IHookFunctions {
	return {
		getNode: () => ({
			id: s.nodeId,
			name: 'Trigger',
			type: `n8n-nodes-oms-wms.${s.node.description.name}`,
			typeVersion: 1,
			position: [0, 0],
			parameters: s.params,
			credentials: { [s.type]: { id: '1', name: 'channel' }, omsStoreApi: { id: '2', name: 'store' } },
		}),
		getWorkflow: () => ({ id: 'wf-webhooks', name: 'webhooks', active: true }),
		getMode: () => s.mode,
		getNodeParameter: (name: string, fallback?: unknown) => (name in s.params ? s.params[name] : fallback),
		getCredentials: async (type: string) => {
			const c = s.credentials[type];
			if (!c) throw new Error(`no credential ${type}`);
			return c;
		},
		getWorkflowStaticData: () => s.staticData,
		getNodeWebhookUrl: () => url,
		getRequestObject: () => req,
		getResponseObject: () => res,
		helpers: { httpRequest },
		logger: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
	} as unknown as IWebhookFunctions & IHookFunctions;
}

/** Stands in for n8n's webhook server: one path per trigger setup. */
class WebhookHost {
	server: Server;
	url = '';
	readonly routes = new Map<string, Setup>();
	readonly emitted = new Map<string, IDataObject[]>();
	readonly answers: Array<{ path: string } & Delivery> = [];

	constructor() {
		this.server = createServer((req, res) => void this.handle(req, res));
	}

	async start(): Promise<void> {
		await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
		const a = this.server.address() as { port: number };
		this.url = `http://127.0.0.1:${a.port}`;
	}

	close(): Promise<void> {
		return new Promise((r) => this.server.close(() => r()));
	}

	route(path: string, s: Setup): string {
		this.routes.set(path, s);
		this.emitted.set(path, []);
		return `${this.url}${path}`;
	}

	private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const rawBody = Buffer.concat(chunks);
		const path = (req.url ?? '').split('?')[0];
		const s = this.routes.get(path);
		const send = (status: number, body: unknown) => {
			this.answers.push({ path, status, body });
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (!s) return send(404, { message: 'not registered' });
		let sent = false;
		const fakeRes = {
			status(code: number) {
				return {
					json(body: unknown) {
						sent = true;
						send(code, body);
					},
				};
			},
		};
		try {
			const out: IWebhookResponseData = await s.node.webhook!.call(ctxFor(s, `${this.url}${path}`, { headers: req.headers, rawBody }, fakeRes));
			if (out.noWebhookResponse) {
				if (!sent) send(500, { message: 'no response written' });
				return;
			}
			if (out.workflowData) {
				this.emitted.get(path)!.push(...out.workflowData[0].map((i) => i.json));
				return send(200, { message: 'Workflow was started' });
			}
			send(200, out.webhookResponse ?? { message: 'Webhook call received' });
		} catch (e) {
			send(500, { message: (e as Error).message });
		}
	}
}

async function postRaw(url: string, body: string, headers: Record<string, string>): Promise<Delivery> {
	const r = await fetch(url, { method: 'POST', body, headers });
	const text = await r.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		/* text */
	}
	return { status: r.status, body: parsed };
}

async function processedCount(): Promise<number> {
	const store = await openStore(storeConfigFromCredential(storeCredential));
	const rows = await store.query<{ n: number }>(`SELECT count(*) AS n FROM processed WHERE source LIKE 'webhook:%'`);
	return Number(rows[0].n);
}

let sb: Sandboxes;
const host = new WebhookHost();

beforeAll(async () => {
	sb = await startSandboxes({ ordersPerChannel: 12, seed: 7 });
	await host.start();
});

afterAll(async () => {
	await host.close();
	await sb.close();
	rmSync(dir, { recursive: true, force: true });
});

function shopifySetup(over: Partial<Setup> = {}): Setup {
	const c = sb.credentials.shopify;
	return {
		node: new ShopifyOrderTrigger(),
		type: 'omsShopifyApi',
		credentials: {
			omsShopifyApi: { shopDomain: c.shopDomain, authType: 'accessToken', accessToken: c.accessToken, webhookSecret: c.appSecret, apiVersion: c.apiVersion, baseUrl: c.baseUrl },
			omsStoreApi: storeCredential,
		},
		params: { topics: ['orders/create', 'orders/updated', 'orders/cancelled'], options: {} },
		staticData: {},
		mode: 'webhook',
		nodeId: 'shopify-node',
		...over,
	};
}

function wooSetup(over: Partial<Setup> = {}, credOver: Record<string, unknown> = {}): Setup {
	const c = sb.credentials.woocommerce;
	return {
		node: new WooCommerceOrderTrigger(),
		type: 'omsWooCommerceApi',
		credentials: {
			omsWooCommerceApi: { storeUrl: c.storeUrl, consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, baseUrl: c.baseUrl, ...credOver },
			omsStoreApi: storeCredential,
		},
		params: { topics: ['order.created', 'order.updated'], options: {} },
		staticData: {},
		mode: 'webhook',
		nodeId: 'woo-node',
		...over,
	};
}

const lifecycle = (s: Setup, url: string) => {
	const m = s.node.webhookMethods!.default!;
	const ctx = ctxFor(s, url);
	return {
		checkExists: () => m.checkExists.call(ctx),
		create: () => m.create.call(ctx),
		delete: () => m.delete.call(ctx),
	};
};

describe('Shopify Order Trigger', () => {
	let s: Setup;
	let url = '';
	let orders: SeedOrder[];
	beforeAll(() => {
		s = shopifySetup();
		url = host.route('/shopify', s);
		orders = sb.orders.shopify;
	});

	it('registers one subscription per topic on activation, and finds them again', async () => {
		const life = lifecycle(s, url);
		expect(await life.checkExists()).toBe(false);
		expect(await life.create()).toBe(true);
		const subs = [...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === url);
		expect(subs.map((w) => w.topic).sort()).toEqual(['ORDERS_CANCELLED', 'ORDERS_CREATE', 'ORDERS_UPDATED']);
		expect(Object.keys(s.staticData.webhookIds as object).sort()).toEqual(['orders/cancelled', 'orders/create', 'orders/updated']);
		const creates = sb.sandboxes.shopify.calls.filter((c) => JSON.stringify(c.body ?? '').includes('webhookSubscriptionCreate'));
		expect(creates).toHaveLength(3);
		expect(creates[0].body).toMatchObject({ variables: { webhookSubscription: { uri: url, format: 'JSON' } } });
		expect(await life.checkExists()).toBe(true);
		// a second create (n8n calls it when checkExists said no) reuses what is there
		expect(await life.create()).toBe(true);
		expect([...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === url)).toHaveLength(3);
	});

	it('emits a canonical order for a validly signed delivery', async () => {
		const [d] = await sb.deliverWebhook('shopify', orders[0].id);
		expect(d.status).toBe(200);
		const out = host.emitted.get('/shopify')!;
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({ omsId: `shopify:${orders[0].id}`, channel: 'shopify', channelOrderId: orders[0].id, currency: orders[0].currency });
		expect(out[0].raw).toBeDefined();
		expect(JSON.stringify(out[0])).not.toContain(sb.credentials.shopify.appSecret);
	});

	it('emits a delivery retried three times and sent twice by Shopify exactly once (both header styles)', async () => {
		const before = host.emitted.get('/shopify')!.length;
		const ds = await sb.deliverWebhook('shopify', orders[1].id, { topic: 'orders/updated', times: 3, duplicates: 1 });
		expect(ds).toHaveLength(6);
		expect(ds.map((d) => d.status)).toEqual([200, 200, 200, 200, 200, 200]);
		const ev = await sb.deliverWebhook('shopify', orders[2].id, { times: 2, style: 'events' });
		expect(ev.map((d) => d.status)).toEqual([200, 200]);
		const out = host.emitted.get('/shopify')!.slice(before);
		expect(out.map((o) => o.omsId)).toEqual([`shopify:${orders[1].id}`, `shopify:${orders[2].id}`]);
		// a byte-for-byte replay of an earlier delivery is a duplicate too
		const [replay] = await sb.deliverWebhook('shopify', '', { replayOf: ds[0].deliveryId });
		expect(replay.status).toBe(200);
		expect(host.emitted.get('/shopify')!.length).toBe(before + 2);
	});

	it('refuses forged, unsigned and tampered deliveries with 401, before any work', async () => {
		const before = host.emitted.get('/shopify')!.length;
		const processed = await processedCount();
		for (const forge of [true, 'unsigned', 'tampered'] as const) {
			const [d] = await sb.deliverWebhook('shopify', orders[3].id, { forge });
			expect(d.status).toBe(401);
		}
		expect(host.emitted.get('/shopify')!.length).toBe(before);
		expect(await processedCount()).toBe(processed);
	});

	it('refuses stale deliveries and deliveries without X-Shopify-Triggered-At with 401; accepts a retry within Max Age', async () => {
		const before = host.emitted.get('/shopify')!.length;
		const processed = await processedCount();
		const body = JSON.stringify(sb.sandboxes.shopify.renderRest(orders[4]));
		const hmac = signBase64HmacSha256(body, sb.credentials.shopify.appSecret);
		const base = { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': sb.credentials.shopify.shopDomain, 'x-shopify-hmac-sha256': hmac };
		const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
		const stale = await postRaw(url, body, { ...base, 'x-shopify-event-id': 'ev-stale', 'x-shopify-triggered-at': hoursAgo(25) });
		expect(stale.status).toBe(401);
		expect(JSON.stringify(stale.body)).toMatch(/stale/);
		const noTime = await postRaw(url, body, { ...base, 'x-shopify-event-id': 'ev-no-time' });
		expect(noTime.status).toBe(401);
		const future = await postRaw(url, body, { ...base, 'x-shopify-event-id': 'ev-future', 'x-shopify-triggered-at': hoursAgo(-1) });
		expect(future.status).toBe(401);
		expect(host.emitted.get('/shopify')!.length).toBe(before);
		expect(await processedCount()).toBe(processed);
		// Shopify retries with the original time for about 4 hours: a 4-hour-old retry is still taken
		const retry = await postRaw(url, body, { ...base, 'x-shopify-event-id': 'ev-retry', 'x-shopify-triggered-at': hoursAgo(4) });
		expect(retry.status).toBe(200);
		expect(host.emitted.get('/shopify')!.slice(before).map((o) => o.omsId)).toEqual([`shopify:${orders[4].id}`]);
	});

	it('answers 200 and emits an item flagged _normalizationError for a signed body that is not an order', async () => {
		const before = host.emitted.get('/shopify')!.length;
		const body = JSON.stringify({ id: 123456, line_items: 'nope' });
		const r = await postRaw(url, body, {
			'content-type': 'application/json',
			'x-shopify-topic': 'orders/create',
			'x-shopify-hmac-sha256': signBase64HmacSha256(body, sb.credentials.shopify.appSecret),
			'x-shopify-event-id': 'ev-malformed',
			'x-shopify-triggered-at': new Date().toISOString(),
		});
		expect(r.status).toBe(200);
		const out = host.emitted.get('/shopify')!.slice(before);
		expect(out).toHaveLength(1);
		expect(out[0]._normalizationError).toMatchObject({ channel: 'shopify', topic: 'orders/create' });
		expect(out[0].omsId).toBeUndefined();
	});

	it('answers 200 and emits nothing for a topic it was not set to receive', async () => {
		const only = shopifySetup({ params: { topics: ['orders/create'], options: {} }, nodeId: 'shopify-create-only' });
		const u = host.route('/shopify-create-only', only);
		const [d] = await sb.deliverWebhook('shopify', orders[5].id, { topic: 'orders/cancelled', url: u });
		expect(d.status).toBe(200);
		expect(host.emitted.get('/shopify-create-only')).toEqual([]);
	});

	it('keeps test-mode deliveries apart from production ones (a test event does not hide the live one)', async () => {
		const test = shopifySetup({ mode: 'manual' });
		const u = host.route('/shopify-test', test);
		const [d] = await sb.deliverWebhook('shopify', orders[6].id, { url: u, times: 2 });
		expect(d.status).toBe(200);
		expect(host.emitted.get('/shopify-test')).toHaveLength(1);
		// the same event (same X-Shopify-Event-Id) then reaches the production URL: emitted there
		const before = host.emitted.get('/shopify')!.length;
		const r = await postRaw(url, d.body, { ...d.headers, 'x-shopify-triggered-at': new Date().toISOString() });
		expect(r.status).toBe(200);
		expect(host.emitted.get('/shopify')!.length).toBe(before + 1);
	});

	it('removes its subscriptions on deactivation', async () => {
		const life = lifecycle(s, url);
		expect(await life.delete()).toBe(true);
		expect([...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === url)).toHaveLength(0);
		expect(s.staticData.webhookIds).toBeUndefined();
		expect(await life.checkExists()).toBe(false);
		// deleting again (nothing left) still succeeds
		expect(await life.delete()).toBe(true);
	});
});

describe('Shopify Order Trigger: return topics (issue 21)', () => {
	let s: Setup;
	let url = '';
	let order: SeedOrder;
	const emitted = () => host.emitted.get('/shopify-returns')!;
	beforeAll(() => {
		s = shopifySetup({ params: { topics: ['returns/request', 'returns/approve', 'returns/close'], options: { keepRaw: false } }, nodeId: 'shopify-returns-node' });
		url = host.route('/shopify-returns', s);
		order = sb.orders.shopify.find((o) => o.status === 'shipped')!;
	});

	it('registers the return topics, and refuses a trigger that mixes order and return topics, naming why', async () => {
		expect(await lifecycle(s, url).create()).toBe(true);
		const subs = [...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === url);
		expect(subs.map((w) => w.topic).sort()).toEqual(['RETURNS_APPROVE', 'RETURNS_CLOSE', 'RETURNS_REQUEST']);
		const mixed = shopifySetup({ params: { topics: ['orders/create', 'returns/request'], options: {} }, nodeId: 'shopify-mixed' });
		const mixedUrl = host.route('/shopify-mixed', mixed);
		await expect(lifecycle(mixed, mixedUrl).create()).rejects.toThrow(/mixes order and return events/);
		expect([...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === mixedUrl)).toEqual([]);
	});

	it('a requested return comes out as the canonical return read from Shopify (SKU, reason, dates), the same the hourly listing gives', async () => {
		const { ret, deliveries } = await sb.sandboxes.shopify.requestReturn(order.id, [{ sku: order.lines[0].sku, quantity: 1, reason: 'SIZE_TOO_SMALL', note: 'runs small' }]);
		expect(deliveries.filter((d) => d.url === url).map((d) => d.status)).toEqual([200]);
		expect(emitted()).toHaveLength(1);
		const item = emitted()[0];
		expect(validateReturn(item)).toEqual([]);
		expect(item).toMatchObject({ returnId: `shopify:${ret.id}`, channel: 'shopify', omsId: `shopify:${order.id}`, channelState: 'requested' });
		expect(item.lines).toEqual([expect.objectContaining({ sku: order.lines[0].sku, quantity: 1, channelReason: 'SIZE_TOO_SMALL' })]);
		expect(item.raw).toBeUndefined();
		// the body named the return; the trigger read it with return(id:)
		const reads = sb.sandboxes.shopify.calls.filter((c) => JSON.stringify(c.body ?? '').includes('query Return('));
		expect(reads.length).toBeGreaterThan(0);
		// what the hourly Get Returns Since lists for it (orders updated since, their returns) is the same return
		const { client } = await shopifyFromNode(ctxFor(s, url));
		const listing = await shopifyReturns.listReturnsSince(client, null, { lookbackFrom: new Date(Date.now() - 86_400_000).toISOString() });
		const listed = listing.returns.flatMap((r) => shopifyReturns.normalize(r)).find((r) => r.returnId === item.returnId);
		const { raw: _raw, ...listedWithoutRaw } = listed!;
		void _raw;
		expect(item).toEqual(JSON.parse(JSON.stringify(listedWithoutRaw)));
	});

	it("a return's later events come out as the return as it is then; a delivery repeated comes out once", async () => {
		const ret = [...sb.sandboxes.shopify.returns.values()].find((r) => r.orderId === order.id)!;
		const before = emitted().length;
		const approve = await shopifyAdminCall('mutation Approve($input: ReturnApproveRequestInput!) { returnApproveRequest(input: $input) { return { id status } userErrors { field message } } }', { input: { id: `gid://shopify/Return/${ret.id}` } });
		expect(approve).toMatchObject({ data: { returnApproveRequest: { return: { status: 'OPEN' }, userErrors: [] } } });
		// Shopify's body for the event (the short form): the return's ids and status, no lines
		const body = { id: Number(ret.id), admin_graphql_api_id: `gid://shopify/Return/${ret.id}`, status: 'open', order_id: Number(order.id) };
		const ds = await sb.deliverWebhook('shopify', order.id, { topic: 'returns/approve', body, url, times: 2, duplicates: 1 });
		expect(ds.map((d) => d.status)).toEqual([200, 200, 200, 200]);
		const out = emitted().slice(before);
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({ returnId: `shopify:${ret.id}`, channelState: 'authorised', channelStatus: 'OPEN' });
	});

	it('a return Shopify does not know, or a body naming none, is an item flagged _normalizationError naming it, answered 200', async () => {
		const before = emitted().length;
		const [unknown] = await sb.deliverWebhook('shopify', order.id, { topic: 'returns/close', body: { id: 999999991, admin_graphql_api_id: 'gid://shopify/Return/999999991', status: 'closed' }, url });
		const [nameless] = await sb.deliverWebhook('shopify', order.id, { topic: 'returns/close', body: { status: 'closed' }, url });
		expect([unknown.status, nameless.status]).toEqual([200, 200]);
		const out = emitted().slice(before);
		expect(out.map((o) => o._normalizationError)).toEqual([
			expect.objectContaining({ channel: 'shopify', topic: 'returns/close', message: expect.stringContaining('999999991') }),
			expect.objectContaining({ channel: 'shopify', topic: 'returns/close', message: expect.stringMatching(/names no return/), field: '$.id' }),
		]);
		expect(out.every((o) => o.returnId === undefined)).toBe(true);
	});
});

describe('WooCommerce Order Trigger', () => {
	let orders: SeedOrder[];
	beforeAll(() => {
		orders = sb.orders.woocommerce;
	});

	it('registers order.created and order.updated with a secret, answers the ping, and finds them again', async () => {
		const s = wooSetup();
		const url = host.route('/woo', s);
		const life = lifecycle(s, url);
		expect(await life.checkExists()).toBe(false);
		expect(await life.create()).toBe(true);
		const hooks = [...sb.sandboxes.woocommerce.webhooks.values()].filter((w) => w.delivery_url === url);
		expect(hooks.map((w) => w.topic).sort()).toEqual(['order.created', 'order.updated']);
		expect(typeof s.staticData.secret).toBe('string');
		expect(hooks.every((w) => w.secret === s.staticData.secret)).toBe(true);
		// WooCommerce pinged each new webhook (form body, unsigned): 200, nothing emitted
		const pings = sb.sandboxes.woocommerce.pings.filter((p) => hooks.some((h) => h.id === p.webhookId));
		expect(pings.map((p) => p.status)).toEqual([200, 200]);
		expect(host.emitted.get('/woo')).toEqual([]);
		expect(await life.checkExists()).toBe(true);
	});

	it('emits each order version once: the same save delivered twice, or as created and updated, is one item', async () => {
		const before = host.emitted.get('/woo')!.length;
		const a = await sb.deliverWebhook('woocommerce', orders[0].id, { times: 2 });
		const b = await sb.deliverWebhook('woocommerce', orders[0].id, { topic: 'order.updated' });
		expect([...a, ...b].map((d) => d.status)).toEqual([200, 200, 200]);
		let out = host.emitted.get('/woo')!.slice(before);
		expect(out.map((o) => o.omsId)).toEqual([`woocommerce:${orders[0].id}`]);
		expect(out[0]).toMatchObject({ channel: 'woocommerce', channelOrderId: orders[0].id });
		// a later save (new date_modified_gmt) is a new version
		const o = sb.sandboxes.woocommerce.orders.get(orders[0].id)!;
		o.updatedAt = new Date(Date.parse(o.updatedAt) + 60_000).toISOString();
		await sb.deliverWebhook('woocommerce', orders[0].id, { topic: 'order.updated' });
		out = host.emitted.get('/woo')!.slice(before);
		expect(out).toHaveLength(2);
	});

	it('emits two saves within the same second (same date_modified_gmt, different content) both', async () => {
		const before = host.emitted.get('/woo')!.length;
		const woo = sb.sandboxes.woocommerce;
		const id = orders[3].id;
		await sb.deliverWebhook('woocommerce', id, { topic: 'order.updated' });
		woo.statusOverride.set(id, 'on-hold');
		await sb.deliverWebhook('woocommerce', id, { topic: 'order.updated' });
		const out = host.emitted.get('/woo')!.slice(before);
		expect(out.map((o) => o.channelStatus)).toEqual([expect.any(String), 'on-hold']);
		expect(out[0].updatedAt).toBe(out[1].updatedAt);
	});

	it('refuses forged, unsigned and tampered deliveries with 401 and records nothing', async () => {
		const before = host.emitted.get('/woo')!.length;
		const processed = await processedCount();
		for (const forge of [true, 'unsigned', 'tampered'] as const) {
			const [d] = await sb.deliverWebhook('woocommerce', orders[1].id, { forge });
			expect(d.status).toBe(401);
		}
		expect(host.emitted.get('/woo')!.length).toBe(before);
		expect(await processedCount()).toBe(processed);
	});

	it('answers a ping posted at any time with 200 and emits nothing', async () => {
		const before = host.emitted.get('/woo')!.length;
		const r = await postRaw(`${host.url}/woo`, 'webhook_id=42', { 'content-type': 'application/x-www-form-urlencoded' });
		expect(r.status).toBe(200);
		expect(host.emitted.get('/woo')!.length).toBe(before);
	});

	it('uses the credential’s Webhook Secret when set, and re-registers when the secret changes', async () => {
		const s = wooSetup({ nodeId: 'woo-secret' }, { webhookSecret: 'first-secret-0001' });
		const url = host.route('/woo-secret', s);
		const life = lifecycle(s, url);
		expect(await life.create()).toBe(true);
		let hooks = [...sb.sandboxes.woocommerce.webhooks.values()].filter((w) => w.delivery_url === url);
		expect(hooks.map((w) => w.secret)).toEqual(['first-secret-0001', 'first-secret-0001']);
		expect(s.staticData.secret).toBeUndefined();
		const [d] = await sb.deliverWebhook('woocommerce', orders[2].id);
		expect(d.status).toBe(200);
		expect(host.emitted.get('/woo-secret')).toHaveLength(1);
		(s.credentials.omsWooCommerceApi as Record<string, unknown>).webhookSecret = 'second-secret-0002';
		expect(await life.checkExists()).toBe(false);
		expect(await life.create()).toBe(true);
		hooks = [...sb.sandboxes.woocommerce.webhooks.values()].filter((w) => w.delivery_url === url);
		expect(hooks.map((w) => w.secret)).toEqual(['second-secret-0002', 'second-secret-0002']);
		expect(await life.checkExists()).toBe(true);
		expect(await life.delete()).toBe(true);
	});

	it('removes its webhooks on deactivation', async () => {
		const s = host.routes.get('/woo')!;
		const url = `${host.url}/woo`;
		const life = lifecycle(s, url);
		expect(await life.delete()).toBe(true);
		expect([...sb.sandboxes.woocommerce.webhooks.values()].filter((w) => w.delivery_url === url)).toHaveLength(0);
		expect(s.staticData.webhookIds).toBeUndefined();
		expect(s.staticData.secret).toBeUndefined();
		expect(await life.checkExists()).toBe(false);
	});
});

describe('credential tests', () => {
	const testCtx = { helpers: { request: (o: unknown) => proxyRequestToAxios(undefined, undefined, undefined, o) }, logger: {} } as never;
	const shopifyData = () => {
		const c = sb.credentials.shopify;
		return { shopDomain: c.shopDomain, authType: 'accessToken', accessToken: c.accessToken, apiVersion: c.apiVersion, baseUrl: c.baseUrl } as Record<string, unknown>;
	};
	it('Shopify: a shop { name } query through n8n’s credential-test request helper, with a token or client credentials', async () => {
		const ok = await shopifyApiTest.call(testCtx, { id: '1', name: 's', type: 'omsShopifyApi', data: shopifyData() } as never);
		expect(ok).toEqual({ status: 'OK', message: 'Connected to OMS WMS Sandbox' });
		const c = sb.credentials.shopify;
		const cc = await shopifyApiTest.call(testCtx, {
			id: '1', name: 's', type: 'omsShopifyApi',
			data: { ...shopifyData(), authType: 'clientCredentials', accessToken: '', clientId: c.clientId, clientSecret: c.clientSecret },
		} as never);
		expect(cc.status).toBe('OK');
		expect(sb.sandboxes.shopify.callsTo('/admin/oauth/access_token', 'POST').length).toBeGreaterThan(0);
	});
	it('Shopify: a wrong token is an error that does not contain the token', async () => {
		const bad = await shopifyApiTest.call(testCtx, { id: '1', name: 's', type: 'omsShopifyApi', data: { ...shopifyData(), accessToken: 'shpat_wrong_token_0123456789' } } as never);
		expect(bad.status).toBe('Error');
		expect(bad.message).not.toContain('shpat_wrong_token_0123456789');
	});
	it('WooCommerce: Basic auth from the keys; tested node-side (one order through the client), a wrong secret is an error without it', async () => {
		const w = new OmsWooCommerceApi();
		expect(w.authenticate).toEqual({ type: 'generic', properties: { auth: { username: '={{$credentials.consumerKey}}', password: '={{$credentials.consumerSecret}}' } } });
		// no declarative test: n8n would show whatever the server put in its status line
		expect((w as unknown as { test?: unknown }).test).toBeUndefined();
		for (const node of [new WooCommerceOrderTrigger(), new Marketplace()]) {
			expect(node.description.credentials?.find((c) => c.name === 'omsWooCommerceApi')?.testedBy).toBe('wooCommerceApiTest');
			expect(node.methods?.credentialTest?.wooCommerceApiTest).toBe(wooCommerceApiTest);
		}
		const c = sb.credentials.woocommerce;
		const data = { storeUrl: c.baseUrl, consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, baseUrl: c.baseUrl };
		const ok = await wooCommerceApiTest.call(testCtx, { id: '1', name: 'w', type: 'omsWooCommerceApi', data } as never);
		expect(ok.status).toBe('OK');
		const wrong = 'cs_wrong_secret_0123456789abcdef';
		const bad = await wooCommerceApiTest.call(testCtx, { id: '1', name: 'w', type: 'omsWooCommerceApi', data: { ...data, consumerSecret: wrong } } as never);
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/401/);
		expect(bad.message).not.toContain(wrong);
	});
});

describe('verdicts (pure)', () => {
	const secret = 'shpss_unit_secret';
	const raw = Buffer.from('{"id":1}');
	it('refuses when no secret is configured, even for a well-formed delivery', () => {
		expect(shopifyVerdict({ headers: { 'x-shopify-hmac-sha256': signBase64HmacSha256(raw, secret) }, rawBody: raw, secret: undefined, maxAgeMs: 0, now: 0, topics: [] }).action).toBe('refuse');
		expect(wooVerdict({ headers: { 'x-wc-webhook-signature': signBase64HmacSha256(raw, secret) }, rawBody: raw, secret: undefined, topics: [] }).action).toBe('refuse');
	});
	it('refuses when the raw body is unavailable (never verifies re-serialised JSON)', () => {
		expect(shopifyVerdict({ headers: { 'x-shopify-hmac-sha256': 'x' }, rawBody: undefined, secret, maxAgeMs: 0, now: 0, topics: [] })).toMatchObject({ action: 'refuse' });
	});
	it('an unsigned body that is not the ping is refused', () => {
		expect(wooVerdict({ headers: {}, rawBody: Buffer.from('webhook_id=1&x=2'), secret, topics: [] }).action).toBe('refuse');
		expect(wooVerdict({ headers: {}, rawBody: Buffer.from('webhook_id=7'), secret: undefined, topics: [] })).toEqual({ action: 'ignore', reason: 'ping' });
	});
});
