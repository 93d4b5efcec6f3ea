import { WalmartSandbox, WALMART_SANDBOX_CREDENTIALS } from '../../sandbox/channels/walmart';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { WALMART_FEED_MIN_SKUS, WalmartClient } from '../../../lib/channels/walmart/client';
import { inventoryFeedFiles } from '../../../lib/channels/walmart/feeds';
import { HttpError } from '../../../lib/http/errors';

const TS = 0.02; // getAllOrders 1 rps burst 20 becomes 50 rps
describe('Walmart client against the Marketplace sandbox', () => {
	// client and sandbox on one virtual clock: pacing and token expiry do not depend on the machine's speed
	const clock = new VirtualClock();
	const request = clock.track(realRequest);
	const sb = new WalmartSandbox({ timeScale: TS, clock });
	const orders = generateOrders({ seed: 13, perChannel: 5000, channels: ['walmart'] }).byChannel.walmart;
	let creds: typeof WALMART_SANDBOX_CREDENTIALS & { baseUrl: string };
	beforeAll(async () => {
		creds = { ...WALMART_SANDBOX_CREDENTIALS, baseUrl: await sb.start() };
		sb.addOrders(orders);
	});
	afterAll(() => sb.close());
	beforeEach(() => {
		sb.resetCalls();
		sb.resetLimits();
		sb.clearFaults();
	});

	it('pages /v3/orders with nextCursor to the end under the token bucket, with the WM_* headers, no failed call', async () => {
		const c = new WalmartClient(creds, request, isolated(TS, { clock }));
		const began = Date.now();
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		expect(r.orders.length).toBe(5000);
		expect(r.pages).toBe(25);
		const calls = sb.callsTo('/v3/orders', 'GET');
		expect(calls[0].query).toMatchObject({ lastModifiedStartDate: '2020-01-01T00:00:00.000Z', limit: '200', productInfo: 'false' });
		expect(calls.slice(1).every((x) => x.query.hasMoreElements === 'true')).toBe(true);
		for (const h of ['wm_svc.name', 'wm_qos.correlation_id', 'wm_sec.access_token', 'accept']) expect(calls[0].headers[h]).toBeDefined();
		expect(calls[0].headers['wm_sec.access_token']).toBe('***');
		expect(Date.parse(r.cursor)).toBeGreaterThanOrEqual(began - 60_000 - 5);
		expect(c.stats.failed).toBe(0);
		expect(sb.throttledBy.getAllOrders ?? 0).toBe(0);
	});

	it('treats 404 "no orders" as an empty result and keeps the cursor moving', async () => {
		const c = new WalmartClient(creds, request, isolated(TS, { clock }));
		const r = await c.listOrdersSince(new Date(Date.now() + 3600_000).toISOString());
		expect(r.orders).toEqual([]);
		expect(c.stats.failed).toBe(0);
	});

	it('gets tokens with Basic client credentials and the WM headers; 401 without them; refreshes after expiry', async () => {
		const c = new WalmartClient(creds, request, isolated(TS, { clock }));
		await c.getOrder(orders[0].id);
		sb.expireTokens();
		await c.getOrder(orders[1].id);
		const t = sb.callsTo('/v3/token');
		expect(t.length).toBe(2);
		expect(t[0].body).toEqual({ grant_type: 'client_credentials' });
		expect(t[0].headers['wm_svc.name']).toBe('Walmart Marketplace');
		expect(c.stats.unauthorized).toBe(1);
		const bare = await request({ method: 'GET', url: `${creds.baseUrl}/v3/orders` });
		expect(bare.status).toBe(401);
	});

	it('acknowledges, ships and cancels lines in the documented shapes', async () => {
		const c = new WalmartClient(creds, request, isolated(TS, { clock }));
		const po = orders.find((o) => o.status === 'paid' && o.lines.length >= 1 && o.lines.reduce((s, l) => s + l.quantity, 0) >= 2)!;
		expect((await c.acknowledge(po.id)).status).toBe(200);
		expect(sb.received.acknowledgements).toContain(po.id);
		await c.confirmShipment({ channelOrderId: po.id, carrier: 'UPS', trackingNumber: '1Z12345E0205271688', trackingUrl: 'https://www.ups.com/track?tracknum=1Z12345E0205271688', shippedAt: '2026-05-02T15:00:00Z', lines: [{ lineId: '1', quantity: 1 }] });
		expect(sb.received.shipments.at(-1)?.body).toEqual({
			orderShipment: {
				orderLines: {
					orderLine: [
						{
							lineNumber: '1',
							intentToCancelOverride: false,
							orderLineStatuses: {
								orderLineStatus: [
									{
										status: 'Shipped',
										statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' },
										trackingInfo: { shipDateTime: Date.parse('2026-05-02T15:00:00Z'), carrierName: { carrier: 'UPS' }, methodCode: 'Standard', trackingNumber: '1Z12345E0205271688', trackingURL: 'https://www.ups.com/track?tracknum=1Z12345E0205271688' },
									},
								],
							},
						},
					],
				},
			},
		});
		await c.cancelLines(po.id, [{ lineId: '2', quantity: 1 }]);
		expect(sb.received.cancellations.at(-1)?.body).toEqual({
			orderCancellation: { orderLines: { orderLine: [{ lineNumber: '2', orderLineStatuses: { orderLineStatus: [{ status: 'Cancelled', cancellationReason: 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL', statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' } }] } }] } },
		});
		const after = (await c.getOrder(po.id)) as { orderLines: { orderLine: Array<{ lineNumber: string; orderLineStatuses: { orderLineStatus: Array<{ status: string }> } }> } };
		expect(after.orderLines.orderLine.slice(0, 2).map((l) => l.orderLineStatuses.orderLineStatus[0].status)).toEqual(['Shipped', 'Cancelled']);
		// other carriers go as otherCarrier
		const po2 = orders.find((o) => o.status === 'paid' && o.id !== po.id)!;
		await c.confirmShipment({ channelOrderId: po2.id, carrier: 'Acme Freight', trackingNumber: 'AF-1', shippedAt: '2026-05-02T15:00:00Z', lines: [{ lineId: '1', quantity: 1 }] });
		expect(JSON.stringify(sb.received.shipments.at(-1)?.body)).toContain('"carrierName":{"otherCarrier":"Acme Freight"}');
	});

	it('puts a lone SKU with one PUT /v3/inventory, in the documented shape', async () => {
		const c = new WalmartClient(creds, request, isolated(TS, { clock }));
		const [r] = await c.setAvailableQuantities([{ sku: 'WM-7', quantity: 7 }]);
		expect(r).toMatchObject({ sku: 'WM-7', quantity: 7, ok: true });
		expect(sb.received.inventory.at(-1)).toEqual({ sku: 'WM-7', query: { sku: 'WM-7' }, body: { sku: 'WM-7', quantity: { unit: 'EACH', amount: 7 } } });
		expect(sb.callsTo('/v3/feeds', 'POST').length).toBe(0);
	});

	describe('quantities of many SKUs through the bulk inventory feed', () => {
		it('a few SKUs (fewer than 20: a sale, or sales pushed together) take one PUT each, no feed', async () => {
			const c = new WalmartClient(creds, request, isolated(TS, { clock }));
			const items = Array.from({ length: WALMART_FEED_MIN_SKUS - 1 }, (_, i) => ({ sku: `FEWW-${i}`, quantity: i }));
			const res = await c.setAvailableQuantities(items);
			expect(res.every((r) => r.ok)).toBe(true);
			expect(sb.callsTo('/v3/feeds', 'POST').length).toBe(0);
			expect(sb.quantities.get('FEWW-18')).toMatchObject({ quantity: 18, via: 'updateInventory' });
		});

		// the sandbox's scale: the client's polling and patience match its processing times
		const FEED_TS = TS;
		it('uploads one multipart spec 1.4 file, waits for PROCESSED, and fails a refused SKU alone', async () => {
			const c = new WalmartClient(creds, request, isolated(FEED_TS, { clock }));
			const items = Array.from({ length: 120 }, (_, i) => ({ sku: `WMB-${i}`, quantity: i }));
			sb.invalidSkus.add('WMB-77');
			try {
				const res = await c.setAvailableQuantities(items);
				expect(res.map((r) => r.sku)).toEqual(items.map((i) => i.sku));
				expect(res.filter((r) => !r.ok).map((r) => [r.sku, r.error])).toEqual([['WMB-77', expect.stringContaining('not a published item')]]);
				expect(sb.callsTo('/v3/inventory').length).toBe(0);
				const posts = sb.callsTo('/v3/feeds', 'POST');
				expect(posts.length).toBe(1);
				expect(posts[0].query).toEqual({ feedType: 'inventory' });
				expect(String(posts[0].headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
				const feed = sb.received.feeds.at(-1)!;
				expect(JSON.parse(feed.content)).toEqual({ InventoryHeader: { version: '1.4' }, Inventory: items.map((i) => ({ sku: i.sku, quantity: { unit: 'EACH', amount: i.quantity } })) });
				expect(res[0].reference).toBe(feed.feedId);
				// the failed count sent the client to the item details: 120 items, 50 a page
				expect(sb.callsTo(`/v3/feeds/${encodeURIComponent(feed.feedId)}`).filter((x) => x.query.includeDetails === 'true').length).toBe(3);
				expect(sb.quantities.get('WMB-119')).toMatchObject({ quantity: 119, via: 'inventoryFeed' });
				expect(sb.quantities.has('WMB-77')).toBe(false);
				expect(c.stats.failed).toBe(0);
			} finally {
				sb.invalidSkus.delete('WMB-77');
			}
		});

		it('reads no item details when every item succeeded', async () => {
			const c = new WalmartClient(creds, request, isolated(FEED_TS, { clock }));
			const res = await c.setAvailableQuantities(Array.from({ length: WALMART_FEED_MIN_SKUS }, (_, i) => ({ sku: `OK-${i}`, quantity: i })));
			expect(res.every((r) => r.ok)).toBe(true);
			expect(sb.calls.filter((x) => x.path.startsWith('/v3/feeds/') && x.query.includeDetails === 'true').length).toBe(0);
		});

		it('fails every SKU of a feed that ends ERROR, with its words', async () => {
			const c = new WalmartClient(creds, request, isolated(FEED_TS, { clock }));
			sb.failFeeds(1, 'Feed file rejected');
			const res = await c.setAvailableQuantities(Array.from({ length: WALMART_FEED_MIN_SKUS }, (_, i) => ({ sku: `E-${i + 1}`, quantity: i })));
			expect(res.every((r) => !r.ok)).toBe(true);
			expect(res[1].error).toMatch(/Walmart inventory feed \S+@\S+ ended ERROR: .*Feed file rejected/);
			expect(sb.quantities.has('E-1')).toBe(false);
		});

		it('splits a catalogue into files of at most 5 MB', () => {
			const files = inventoryFeedFiles(Array.from({ length: 1000 }, (_, i) => ({ sku: `S-${i}`, quantity: i })), 10_000);
			expect(files.length).toBeGreaterThan(1);
			expect(files.every((f) => Buffer.byteLength(f.json) <= 10_000)).toBe(true);
			expect(files.flatMap((f) => f.items.map((i) => i.sku))).toEqual(Array.from({ length: 1000 }, (_, i) => `S-${i}`));
			for (const f of files) expect(JSON.parse(f.json).Inventory.length).toBe(f.items.length);
		});
	});

	it('waits for x-next-replenishment-time on a 429, retries 5xx, does not retry 400, and hides the client secret', async () => {
		const c = new WalmartClient(creds, request, isolated(TS, { clock }));
		sb.inject({ kind: 'throttle', path: /^\/v3\/orders\/\d+$/, times: 2 });
		sb.inject({ kind: 'error', status: 502, path: /^\/v3\/orders\/\d+$/, times: 1 });
		await expect(c.getOrder(orders[4].id)).resolves.toMatchObject({ purchaseOrderId: orders[4].id });
		expect(c.stats.retries).toBe(3);
		sb.inject({ kind: 'error', status: 400, path: /^\/v3\/orders\/\d+$/ });
		await expect(c.getOrder(orders[4].id)).rejects.toBeInstanceOf(HttpError);
		const bad = new WalmartClient({ ...creds, clientSecret: 'totally-wrong-secret-42' }, request, isolated(TS, { clock }));
		const e = (await bad.getOrder(orders[0].id).catch((x) => x)) as Error;
		expect(e).toBeInstanceOf(Error);
		expect(`${e.message} ${JSON.stringify(e)}`).not.toMatch(/totally-wrong-secret-42|walmart-sandbox-secret/);
	});
});
