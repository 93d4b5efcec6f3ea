import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/shopify';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { ShopifyClient, SHOPIFY_MAX_PAGE, shopifyOrdersQueryCost } from '../../../lib/channels/shopify/client';
import { verifyShopifyHmac } from '../../../lib/channels/webhook-signature';
import { HttpError } from '../../../lib/http/errors';

const TS = 0.002; // 100 points/s becomes 50,000 points/s
describe('Shopify client against the GraphQL Admin API sandbox', () => {
	// client and sandbox on one virtual clock: pacing and token expiry do not depend on the machine's speed
	const clock = new VirtualClock();
	const request = clock.track(realRequest);
	const sb = new ShopifySandbox({ timeScale: TS, clock });
	const orders = generateOrders({ seed: 19, perChannel: 1500, channels: ['shopify'] }).byChannel.shopify;
	let creds: typeof SHOPIFY_SANDBOX_CREDENTIALS & { baseUrl: string };
	beforeAll(async () => {
		creds = { ...SHOPIFY_SANDBOX_CREDENTIALS, baseUrl: await sb.start() };
		sb.addOrders(orders);
	});
	afterAll(() => sb.close());
	beforeEach(() => {
		sb.resetCalls();
		sb.resetLimits();
		sb.clearFaults();
	});

	it('pages orders by UPDATED_AT with cursors to the last page, paced by query cost with few THROTTLED answers', async () => {
		const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
		const cursors: string[] = [];
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO, onPage: async (_o, next) => void cursors.push(next) });
		expect(r.orders.length).toBe(1500);
		expect(r.pages).toBe(Math.ceil(1500 / SHOPIFY_MAX_PAGE));
		const calls = sb.callsTo('/graphql.json');
		const vars = calls.map((x) => (x.body as { variables: { first: number; after: string | null; query: string } }).variables);
		expect(vars[0]).toEqual({ first: SHOPIFY_MAX_PAGE, after: null, query: "updated_at:>='2020-01-01T00:00:00.000Z'" });
		expect(shopifyOrdersQueryCost(SHOPIFY_MAX_PAGE)).toBeLessThanOrEqual(1000);
		expect(calls[0].headers['x-shopify-access-token']).toBe('***');
		// sorted ascending: every page's cursor is safe and never goes back
		expect([...cursors].sort()).toEqual(cursors);
		const newest = Math.max(...orders.map((o) => Date.parse(o.updatedAt.replace(/\.\d{3}Z$/, 'Z'))));
		expect(r.cursor).toBe(new Date(newest - 60_000).toISOString());
		expect(c.stats.failed).toBe(0);
		// 79 queries of ~990 requested points against a 2,000-point bucket: the client waits instead of being throttled
		expect(sb.throttledBy.graphql ?? 0).toBe(0);
		const node = r.orders[0] as Record<string, unknown>;
		expect(Object.keys(node)).toEqual(expect.arrayContaining(['id', 'legacyResourceId', 'lineItems', 'totalPriceSet', 'displayFinancialStatus', 'shippingAddress', 'clientIp']));
	});

	it('absorbs THROTTLED answers (HTTP 200) by waiting for the restore rate', async () => {
		const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
		// make the client believe it has a full bucket while the server's is empty
		(sb as unknown as { costBucket: { update(u: { available: number }): void } }).costBucket.update({ available: 0 });
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO, maxOrders: 40 });
		expect(r.orders.length).toBeGreaterThanOrEqual(40);
		expect(c.stats.throttled).toBeGreaterThanOrEqual(1);
		expect(c.stats.failed).toBe(0);
	});

	it('mints a client-credentials token, refreshes it after expiry (401 once), and keeps the secret out of errors', async () => {
		const c = new ShopifyClient({ ...creds, accessToken: undefined }, request, isolated(TS, { clock }));
		await c.getOrder(orders[0].id);
		sb.expireTokens();
		await c.getOrder(orders[1].id);
		const tokenCalls = sb.callsTo('/admin/oauth/access_token');
		expect(tokenCalls.length).toBe(2);
		expect(tokenCalls[0].body).toEqual({ client_id: creds.clientId, client_secret: '***', grant_type: 'client_credentials' });
		expect(c.stats.unauthorized).toBe(1);
		const bad = new ShopifyClient({ ...creds, accessToken: undefined, clientSecret: 'shpss_WRONG_secret_value' }, request, isolated(TS, { clock }));
		const e = (await bad.getOrder(orders[0].id).catch((x) => x)) as Error;
		expect(e).toBeInstanceOf(Error);
		expect(`${e.message} ${JSON.stringify(e)}`).not.toContain('shpss_WRONG_secret_value');
		const badStatic = new ShopifyClient({ ...creds, accessToken: 'shpat_not_a_real_token_1234' }, request, isolated(TS, { clock }));
		const e2 = (await badStatic.getOrder(orders[0].id).catch((x) => x)) as HttpError;
		expect(e2.status).toBe(401);
		expect(`${e2.message} ${JSON.stringify(e2)}`).not.toContain('shpat_not_a_real_token_1234');
	});

	it('creates a fulfillment against the FulfillmentOrder line items with tracking info', async () => {
		const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
		const o = orders.find((x) => x.status === 'paid' && x.lines.length >= 2)!;
		const raw = (await c.getOrder(o.id)) as { lineItems: { nodes: Array<{ id: string; quantity: number; sku: string }> } };
		const first = raw.lineItems.nodes[0];
		const r = await c.confirmShipment({ channelOrderId: o.id, carrier: 'UPS', trackingNumber: '1Z999AA10123456784', trackingUrl: 'https://ups.test/1Z', shippedAt: '2026-05-02T15:00:00Z', lines: [{ lineId: first.id.split('/').pop()!, quantity: first.quantity }] });
		expect(r.reference).toMatch(/^gid:\/\/shopify\/Fulfillment\//);
		expect(sb.received.fulfillments.at(-1)?.input).toEqual({
			lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: `gid://shopify/FulfillmentOrder/${o.id}`, fulfillmentOrderLineItems: [{ id: first.id.replace('LineItem', 'FulfillmentOrderLineItem'), quantity: first.quantity }] }],
			trackingInfo: { company: 'UPS', number: '1Z999AA10123456784', url: 'https://ups.test/1Z' },
			notifyCustomer: true,
		});
		// the same line again: nothing left to fulfil
		await expect(c.confirmShipment({ channelOrderId: o.id, carrier: 'UPS', trackingNumber: 'X', shippedAt: '2026-05-02T15:00:00Z', lines: [{ lineId: first.id, quantity: 1 }] })).rejects.toThrow(/no open fulfillment order line/);
	});

	it('looks SKUs up with inventoryItems(query: sku) and sends 600 quantities as 3 mutations of at most 250', async () => {
		const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
		const skus = Array.from({ length: 600 }, (_, i) => `SHQ-${i}`);
		sb.addCatalogItems(skus);
		const sets = sb.received.inventorySets.length;
		sb.resetCalls();
		const res = await c.setAvailableQuantities(skus.map((sku, i) => ({ sku, quantity: i % 17 })));
		expect(res.every((r) => r.ok)).toBe(true);
		const calls = sb.callsTo('/graphql.json');
		// 6 lookups of 100 SKUs (a THROTTLED answer is asked again with the same variables)
		const lookups = calls.filter((x) => /inventoryItems\(first: 100/.test(String((x.body as { query: string }).query)));
		expect(new Set(lookups.map((x) => (x.body as { variables: { q: string } }).variables.q)).size).toBe(6);
		expect(lookups.every((x) => (x.body as { variables: { q: string } }).variables.q.split(' OR ').length === 100)).toBe(true);
		expect(calls.some((x) => /productVariants/.test(String((x.body as { query: string }).query)))).toBe(false);
		const made = sb.received.inventorySets.slice(sets);
		expect(made.map((m) => (m.input as { quantities: unknown[] }).quantities.length)).toEqual([250, 250, 100]);
		expect(sb.quantitiesBySku()['SHQ-599']).toBe(599 % 17);
		expect(c.stats.failed).toBe(0);
	});

	it('paces SKU lookups on their requested cost: 3,000 SKUs (more than the 2,000-point bucket) meet at most one THROTTLED answer', async () => {
		const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
		const skus = Array.from({ length: 3000 }, (_, i) => `PACE-${i}`);
		sb.addCatalogItems(skus);
		sb.resetLimits();
		sb.resetCalls();
		const res = await c.setAvailableQuantities(skus.map((sku) => ({ sku, quantity: 1 })));
		expect(res.every((r) => r.ok)).toBe(true);
		// 30 lookups of 102 requested points against a 2,000-point bucket: paced on the requested cost, at most one meets
		// THROTTLED (the bucket is re-synced from the answers' whole-point currentlyAvailable); paced on the old 10-point
		// estimate, 11 did (same virtual clock, same order)
		expect(sb.throttledBy.graphql ?? 0).toBeLessThanOrEqual(1);
		expect(c.stats.throttled).toBeLessThanOrEqual(1);
	});

	it('a refused quantity fails alone: the rest of its all-or-nothing batch is sent again without it', async () => {
		const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
		sb.addCatalogItems(['AON-1', 'AON-2', 'AON-3']);
		sb.unstock('AON-2');
		try {
			const sets = sb.received.inventorySets.length;
			const res = await c.setAvailableQuantities([{ sku: 'AON-1', quantity: 4 }, { sku: 'AON-2', quantity: 5 }, { sku: 'AON-3', quantity: 6 }]);
			expect(res.map((r) => [r.sku, r.ok])).toEqual([['AON-1', true], ['AON-2', false], ['AON-3', true]]);
			expect(res[1].error).toMatch(/ITEM_NOT_STOCKED_AT_LOCATION/);
			// the refused call applied nothing; the resend applied the two others
			expect(sb.received.inventorySets.slice(sets).map((m) => (m.input as { quantities: unknown[] }).quantities.length)).toEqual([2]);
			expect(sb.quantitiesBySku()).toMatchObject({ 'AON-1': 4, 'AON-3': 6 });
			expect(sb.quantitiesBySku()['AON-2']).toBe(0);
		} finally {
			sb.unstock('AON-2', false);
		}
	});

	it('sets available quantities with inventorySetQuantities (@idempotent, changeFromQuantity null) in batches of 250', async () => {
		const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
		const res = await c.setAvailableQuantities([{ sku: 'MUG-CER-11', quantity: 7 }, { sku: 'CAP-NVY', quantity: 0 }, { sku: 'NOPE', quantity: 3 }]);
		expect(res.map((r) => [r.sku, r.ok])).toEqual([['MUG-CER-11', true], ['CAP-NVY', true], ['NOPE', false]]);
		const got = sb.received.inventorySets.at(-1)!;
		expect(got.key).toMatch(/^[0-9a-f-]{36}$/);
		expect(got.input).toEqual({
			name: 'available',
			reason: 'correction',
			referenceDocumentUri: expect.stringMatching(/^logistics:\/\/oms-wms\/sync\/\d+$/),
			quantities: [
				{ inventoryItemId: 'gid://shopify/InventoryItem/44000000', locationId: sb.locationId, quantity: 7, changeFromQuantity: null },
				{ inventoryItemId: 'gid://shopify/InventoryItem/44000006', locationId: sb.locationId, quantity: 0, changeFromQuantity: null },
			],
		});
		expect(sb.inventory.get('gid://shopify/InventoryItem/44000000')).toBe(7);
	});

	it('registers webhooks with webhookSubscriptionCreate and delivers signed ones: retries share the event id, duplicates too, forgeries fail the verifier', async () => {
		const got: Array<{ headers: http.IncomingHttpHeaders; raw: Buffer }> = [];
		let answer = 500;
		const receiver = http.createServer((rq, rs) => {
			const chunks: Buffer[] = [];
			rq.on('data', (x) => chunks.push(x));
			rq.on('end', () => {
				got.push({ headers: rq.headers, raw: Buffer.concat(chunks) });
				rs.writeHead(answer).end();
				answer = 200;
			});
		});
		await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
		const uri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
		try {
			const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
			const created = await c.graphql<{ webhookSubscriptionCreate: { webhookSubscription: { id: string }; userErrors: unknown[] } }>(
				`mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id topic uri } userErrors { field message } } }`.replace('$sub', '$webhookSubscription').replace('webhookSubscription: $sub', 'webhookSubscription: $webhookSubscription'),
				{ topic: 'ORDERS_CREATE', webhookSubscription: { callbackUrl: uri, format: 'JSON' } },
			);
			const id = created.data!.webhookSubscriptionCreate.webhookSubscription.id;
			expect(id).toMatch(/^gid:\/\/shopify\/WebhookSubscription\//);
			const o = orders[0];
			const d1 = await sb.deliverWebhook(o.id, { retryUntilOk: true }); // first attempt 500, retry 200
			expect(d1.map((d) => d.status)).toEqual([500, 200]);
			await sb.deliverWebhook(o.id, { duplicates: 1 });
			await sb.deliverWebhook(o.id, { forge: true });
			await sb.deliverWebhook(o.id, { forge: 'tampered' });
			await sb.deliverWebhook(o.id, { replayOf: d1[1].deliveryId });
			expect(got.length).toBe(7);
			const h = got.map((g) => g.headers);
			expect(h[0]['x-shopify-event-id']).toBe(h[1]['x-shopify-event-id']);
			expect(h[0]['x-shopify-webhook-id']).toBe(h[1]['x-shopify-webhook-id']);
			expect(h[2]['x-shopify-event-id']).toBe(h[3]['x-shopify-event-id']);
			expect(h[2]['x-shopify-webhook-id']).not.toBe(h[3]['x-shopify-webhook-id']);
			for (const k of ['x-shopify-topic', 'x-shopify-hmac-sha256', 'x-shopify-shop-domain', 'x-shopify-api-version', 'x-shopify-webhook-id', 'x-shopify-triggered-at', 'x-shopify-event-id']) expect(h[0][k]).toBeTruthy();
			expect(h[0]['x-shopify-topic']).toBe('orders/create');
			const valid = got.map((g) => verifyShopifyHmac(g.raw, g.headers['x-shopify-hmac-sha256'] as string, creds.appSecret));
			expect(valid).toEqual([true, true, true, true, false, false, true]);
			expect(h[6]['x-shopify-triggered-at']).toBe(h[1]['x-shopify-triggered-at']); // a replay is stale
			const body = JSON.parse(got[0].raw.toString());
			expect(body).toMatchObject({ id: Number(o.id), admin_graphql_api_id: `gid://shopify/Order/${o.id}`, name: o.number });
			const list = await c.graphql<{ webhookSubscriptions: { nodes: Array<{ id: string }> } }>(`query { webhookSubscriptions(first: 50) { nodes { id topic uri } } }`);
			expect(list.data!.webhookSubscriptions.nodes.map((n) => n.id)).toEqual([id]);
			const del = await c.graphql<{ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: string } }>(`mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }`, { id });
			expect(del.data!.webhookSubscriptionDelete.deletedWebhookSubscriptionId).toBe(id);
		} finally {
			receiver.closeAllConnections();
			await new Promise((r) => receiver.close(r));
		}
	});

	it('retries 5xx and 429, not 400, and cancels orders with orderCancel', async () => {
		const c = new ShopifyClient(creds, request, isolated(TS, { clock }));
		sb.inject({ kind: 'error', status: 503, path: '/graphql.json', times: 2 });
		sb.inject({ kind: 'throttle', path: '/graphql.json', times: 1 });
		expect((await c.testCredentials()).ok).toBe(true);
		expect(c.stats.retries).toBe(3);
		sb.inject({ kind: 'error', status: 400, path: '/graphql.json' });
		await expect(c.getOrder(orders[0].id)).rejects.toBeInstanceOf(HttpError);
		const o = orders.find((x) => x.status === 'paid')!;
		await c.cancelOrder(o.id);
		expect(sb.cancelled.has(o.id)).toBe(true);
		expect(sb.received.cancels.at(-1)?.variables).toEqual({ orderId: `gid://shopify/Order/${o.id}`, reason: 'OTHER' });
	});
});
