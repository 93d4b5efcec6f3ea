import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../sandbox/channels/woocommerce';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { WooCommerceClient } from '../../../lib/channels/woocommerce/client';
import { verifyWooSignature } from '../../../lib/channels/webhook-signature';
import { HttpError } from '../../../lib/http/errors';

const TS = 0.01;
describe('WooCommerce client against the REST v3 sandbox', () => {
	// client and sandbox on one virtual clock: pacing and token expiry do not depend on the machine's speed
	const clock = new VirtualClock();
	const request = clock.track(realRequest);
	const sb = new WooCommerceSandbox({ timeScale: TS, rateLimits: { rest: { ratePerSec: 10, burst: 10 } }, clock });
	const orders = generateOrders({ seed: 17, perChannel: 1050, channels: ['woocommerce'] }).byChannel.woocommerce;
	let creds: typeof WOO_SANDBOX_CREDENTIALS & { storeUrl: string };
	beforeAll(async () => {
		creds = { ...WOO_SANDBOX_CREDENTIALS, storeUrl: await sb.start() };
		sb.addOrders(orders);
	});
	afterAll(() => sb.close());
	beforeEach(() => {
		sb.resetCalls();
		sb.resetLimits();
		sb.clearFaults();
	});

	it('pages orders by modified date with X-WP-TotalPages to the last page, paced under a host limit', async () => {
		const c = new WooCommerceClient(creds, request, isolated(TS, { clock, limits: { rest: { ratePerSec: 10, burst: 10 } } }));
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		expect(r.orders.length).toBe(1050);
		expect(r.pages).toBe(11);
		const calls = sb.callsTo('/wp-json/wc/v3/orders', 'GET');
		expect(calls[0].query).toMatchObject({ modified_after: '2020-01-01T00:00:00', dates_are_gmt: 'true', per_page: '100', page: '1', orderby: 'modified', order: 'asc' });
		expect(calls[0].headers.authorization).toBe('***');
		const mods = r.orders.map((o) => (o as { date_modified_gmt: string }).date_modified_gmt);
		expect([...mods].sort()).toEqual(mods);
		expect(c.stats.failed).toBe(0);
		expect(sb.throttledBy.rest ?? 0).toBe(0);
	});

	it('sends the Link and X-WP-Total headers, and query-string keys when asked', async () => {
		const res = await request({ method: 'GET', url: `${creds.storeUrl}/wp-json/wc/v3/orders`, qs: { per_page: 100, page: 2, consumer_key: creds.consumerKey, consumer_secret: creds.consumerSecret } });
		expect(res.headers['x-wp-total']).toBe('1050');
		expect(res.headers['x-wp-totalpages']).toBe('11');
		expect(res.headers.link).toMatch(/rel="prev".*rel="next"/);
		const c = new WooCommerceClient({ ...creds, queryStringAuth: true }, request, isolated(TS, { clock }));
		expect((await c.testCredentials()).ok).toBe(true);
		expect(sb.calls.at(-1)?.query.consumer_secret).toBe('***');
		expect((await request({ method: 'GET', url: `${creds.storeUrl}/wp-json/wc/v3/orders`, qs: { per_page: 101 }, headers: { Authorization: `Basic ${Buffer.from(`${creds.consumerKey}:${creds.consumerSecret}`).toString('base64')}` } })).status).toBe(400);
	});

	it('confirms a shipment through the Shipment Tracking extension then completes the order', async () => {
		const c = new WooCommerceClient(creds, request, isolated(TS, { clock }));
		const r = await c.confirmShipment({ channelOrderId: orders[1].id, carrier: 'USPS', trackingNumber: '9400111899223197428490', shippedAt: '2026-07-10T18:00:00Z', lines: [] });
		expect(r.reference).toMatch(/^[0-9a-f]{32}$/);
		expect(sb.received.trackings.at(-1)).toEqual({ orderId: orders[1].id, body: { tracking_provider: 'USPS', tracking_number: '9400111899223197428490', date_shipped: '2026-07-10' } });
		expect(sb.received.orderUpdates.at(-1)).toEqual({ orderId: orders[1].id, body: { status: 'completed' } });
		await c.confirmShipment({ channelOrderId: orders[2].id, carrier: 'Acme', trackingNumber: 'A1', trackingUrl: 'https://acme.test/t/A1', shippedAt: '2026-07-10T18:00:00Z', lines: [] });
		expect(sb.received.trackings.at(-1)?.body).toEqual({ custom_tracking_provider: 'Acme', custom_tracking_link: 'https://acme.test/t/A1', tracking_number: 'A1', date_shipped: '2026-07-10' });
		const noExt = new WooCommerceClient({ ...creds, shipmentTracking: false }, request, isolated(TS, { clock }));
		await noExt.confirmShipment({ channelOrderId: orders[3].id, carrier: 'UPS', trackingNumber: '1Z', shippedAt: '2026-07-10T18:00:00Z', lines: [] });
		expect(sb.received.notes.at(-1)).toEqual({ orderId: orders[3].id, body: { note: 'Shipped with UPS, tracking 1Z', customer_note: true } });
	});

	it('finds products by SKU then updates stock in batches of 100', async () => {
		const c = new WooCommerceClient(creds, request, isolated(TS, { clock }));
		const skus = [...sb.products.values()].map((p) => p.sku);
		const items = [...skus.map((sku, i) => ({ sku, quantity: i })), { sku: 'GHOST', quantity: 1 }];
		const res = await c.setAvailableQuantities(items);
		expect(res.find((r) => r.sku === 'GHOST')).toMatchObject({ ok: false, error: 'SKU not found on WooCommerce' });
		expect(res.filter((r) => r.ok).length).toBe(skus.length);
		const lookup = sb.callsTo('/wp-json/wc/v3/products', 'GET')[0];
		expect(lookup.query.sku).toBe([...skus, 'GHOST'].join(','));
		expect((sb.received.batches.at(-1)?.body as { update: unknown[] }).update[2]).toEqual({ id: 502, manage_stock: true, stock_quantity: 2 });
		expect(sb.products.get(502)?.stock_quantity).toBe(2);
	});

	it('a catalogue of 250 added products: 3 lookups of 100 SKUs and 3 batches of at most 100', async () => {
		const c = new WooCommerceClient(creds, request, isolated(TS, { clock }));
		const skus = Array.from({ length: 250 }, (_, i) => `WCQ-${i}`);
		sb.addProducts(skus);
		sb.resetCalls();
		const batches = sb.received.batches.length;
		const res = await c.setAvailableQuantities(skus.map((sku, i) => ({ sku, quantity: i })));
		expect(res.every((r) => r.ok)).toBe(true);
		expect(sb.callsTo('/wp-json/wc/v3/products', 'GET').length).toBe(3);
		expect(sb.received.batches.slice(batches).map((b) => (b.body as { update: unknown[] }).update.length)).toEqual([100, 100, 50]);
		expect(sb.quantitiesBySku()['WCQ-249']).toBe(249);
	});

	it('registers a webhook (answering the ping), receives signed deliveries, and refuses forged ones with the verifier', async () => {
		const received: Array<{ headers: http.IncomingHttpHeaders; raw: Buffer }> = [];
		const receiver = http.createServer((rq, rs) => {
			const chunks: Buffer[] = [];
			rq.on('data', (x) => chunks.push(x));
			rq.on('end', () => {
				received.push({ headers: rq.headers, raw: Buffer.concat(chunks) });
				rs.writeHead(200).end();
			});
		});
		await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
		const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
		try {
			const auth = { Authorization: `Basic ${Buffer.from(`${creds.consumerKey}:${creds.consumerSecret}`).toString('base64')}` };
			const created = await request<{ id: number; secret?: string }>({ method: 'POST', url: `${creds.storeUrl}/wp-json/wc/v3/webhooks`, headers: auth, body: { name: 'n8n', topic: 'order.created', delivery_url: hook, secret: 'wc-hook-secret' } });
			expect(created.status).toBe(201);
			expect(created.body.secret).toBeUndefined();
			expect(received[0].raw.toString()).toBe(`webhook_id=${created.body.id}`);
			expect(received[0].headers['x-wc-webhook-signature']).toBeUndefined();
			await sb.deliverWebhook(orders[0].id, { times: 2 });
			await sb.deliverWebhook(orders[0].id, { forge: true });
			await sb.deliverWebhook(orders[0].id, { forge: 'unsigned' });
			await sb.deliverWebhook(orders[0].id, { forge: 'tampered' });
			const d = received.slice(1);
			expect(d.length).toBe(5);
			expect(d[0].headers).toMatchObject({ 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-resource': 'order', 'x-wc-webhook-event': 'created', 'x-wc-webhook-id': String(created.body.id) });
			expect(d[0].headers['x-wc-webhook-delivery-id']).not.toBe(d[1].headers['x-wc-webhook-delivery-id']);
			const ok = d.map((x) => verifyWooSignature(x.raw, x.headers['x-wc-webhook-signature'] as string | undefined, 'wc-hook-secret'));
			expect(ok).toEqual([true, true, false, false, false]);
			expect(JSON.parse(d[0].raw.toString()).id).toBe(Number(orders[0].id));
			const list = await request<unknown[]>({ method: 'GET', url: `${creds.storeUrl}/wp-json/wc/v3/webhooks`, headers: auth });
			expect(list.body.length).toBe(1);
			expect((await request({ method: 'DELETE', url: `${creds.storeUrl}/wp-json/wc/v3/webhooks/${created.body.id}`, qs: { force: true }, headers: auth })).status).toBe(200);
			expect(sb.webhooks.size).toBe(0);
		} finally {
			receiver.closeAllConnections();
			await new Promise((r) => receiver.close(r));
		}
	});

	it('never retries a failed delivery and disables a webhook after more than 5 consecutive failures', async () => {
		const failing = http.createServer((_rq, rs) => rs.writeHead(500).end());
		await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
		const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`;
		try {
			const auth = { Authorization: `Basic ${Buffer.from(`${creds.consumerKey}:${creds.consumerSecret}`).toString('base64')}` };
			const created = await request<{ id: number }>({ method: 'POST', url: `${creds.storeUrl}/wp-json/wc/v3/webhooks`, headers: auth, body: { topic: 'order.updated', delivery_url: url, secret: 's' } });
			for (let i = 0; i < 6; i++) expect((await sb.deliverWebhook(orders[0].id, { topic: 'order.updated' })).length).toBe(1);
			expect(sb.webhooks.get(created.body.id)?.status).toBe('disabled');
			expect(await sb.deliverWebhook(orders[0].id, { topic: 'order.updated' })).toEqual([]);
			await request({ method: 'DELETE', url: `${creds.storeUrl}/wp-json/wc/v3/webhooks/${created.body.id}`, qs: { force: true }, headers: auth });
		} finally {
			failing.closeAllConnections();
			await new Promise((r) => failing.close(r));
		}
	});

	it('retries 429 (Retry-After) and 5xx, not 400; the consumer secret stays out of errors', async () => {
		const c = new WooCommerceClient(creds, request, isolated(TS, { clock }));
		sb.inject({ kind: 'throttle', path: '/wp-json/wc/v3/orders/', times: 2 });
		sb.inject({ kind: 'error', status: 503, path: '/wp-json/wc/v3/orders/' });
		await expect(c.getOrder(orders[5].id)).resolves.toMatchObject({ id: Number(orders[5].id) });
		expect(c.stats.retries).toBe(3);
		sb.inject({ kind: 'error', status: 400, path: '/wp-json/wc/v3/orders/' });
		await expect(c.getOrder(orders[5].id)).rejects.toBeInstanceOf(HttpError);
		for (const qsAuth of [false, true]) {
			const bad = new WooCommerceClient({ ...creds, consumerSecret: 'cs_wrongwrongwrong', queryStringAuth: qsAuth }, request, isolated(TS, { clock }));
			const e = (await bad.getOrder(orders[0].id).catch((x) => x)) as HttpError;
			expect(e.status).toBe(401);
			expect(`${e.message} ${e.url} ${JSON.stringify(e)}`).not.toMatch(/cs_wrongwrongwrong|Y2tf/);
		}
	});
});
