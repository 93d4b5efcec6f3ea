import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from '../../sandbox/channels/amazon';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { AMAZON_FEED_MIN_SKUS, AmazonClient } from '../../../lib/channels/amazon/client';
import { decodeAmazonCursor, encodeResume } from '../../../lib/channels/amazon/cursor';
import { HttpError } from '../../../lib/http/errors';
import { scaleRate, TokenBucket } from '../../../lib/http/limiters';

const TS = 0.0002; // 0.0056 rps becomes 28 rps: one token every ~36 ms
describe('Amazon client against the SP-API sandbox', () => {
	// client and sandbox on one virtual clock: pacing and token expiry do not depend on the machine's speed
	const clock = new VirtualClock();
	const request = clock.track(realRequest);
	const sb = new AmazonSandbox({ timeScale: TS, clock });
	const orders = generateOrders({ seed: 7, perChannel: 2500, channels: ['amazon'] }).byChannel.amazon;
	let creds: typeof AMAZON_SANDBOX_CREDENTIALS & { baseUrl: string };
	beforeAll(async () => {
		creds = { ...AMAZON_SANDBOX_CREDENTIALS, baseUrl: await sb.start() };
		sb.addOrders(orders);
	});
	afterAll(() => sb.close());
	beforeEach(() => {
		sb.resetCalls();
		sb.resetLimits();
		sb.clearFaults();
	});

	it('lists to the last page with paginationToken, pacing searchOrders (0.0056 rps, burst 20) with no failed call', async () => {
		const c = new AmazonClient(creds, request, isolated(TS, { clock }));
		const cursors: string[] = [];
		const began = clock.now();
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO, onPage: async (_o, next) => void cursors.push(next) });
		expect(r.orders.length).toBe(2500);
		expect(new Set(r.orders.map((o) => (o as { orderId: string }).orderId)).size).toBe(2500);
		expect(r.pages).toBe(25);
		const searches = sb.callsTo('/orders/2026-01-01/orders', 'GET');
		expect(searches.length).toBe(25);
		expect(searches[0].query).toMatchObject({ lastUpdatedAfter: '2020-01-01T00:00:00.000Z', marketplaceIds: 'ATVPDKIKX0DER', maxResultsPerPage: '100' });
		expect(searches.slice(1).every((s) => typeof s.query.paginationToken === 'string' && s.query.lastUpdatedAfter === searches[0].query.lastUpdatedAfter)).toBe(true);
		// cursor: resumable (the start and the next page's token) until the last page, then the newest lastUpdatedTime minus 2 minutes
		expect(cursors.slice(0, -1).map((x) => decodeAmazonCursor(x))).toEqual(searches.slice(1).map((s) => expect.objectContaining({ kind: 'resume', after: '2020-01-01T00:00:00.000Z', token: s.query.paginationToken })));
		const newest = Math.max(...orders.map((o) => Date.parse(o.updatedAt.replace(/\.\d{3}Z$/, 'Z'))));
		expect(r.cursor).toBe(new Date(newest - 120_000).toISOString());
		expect(cursors[cursors.length - 1]).toBe(r.cursor);
		expect(c.stats.failed).toBe(0);
		// 25 calls against a burst of 20: the client paced the last 5 itself (it waited at least the refill of 5
		// tokens), so the sandbox, on the same clock, never had to throttle it
		expect(clock.now() - began).toBeGreaterThanOrEqual(TokenBucket.minimumTimeMs(25, scaleRate(0.0056, TS), 20));
		expect(sb.throttledBy.searchOrders ?? 0).toBe(0);
		expect(c.stats.throttled).toBe(0);
	});

	describe('resumable cursor (a listing larger than one poll)', () => {
		const idOf = (o: unknown) => (o as { orderId: string }).orderId;
		const SEARCH = '/orders/2026-01-01/orders';
		class Stop extends Error {}
		/** Lists from `cursor` and stops (as a poll's budget does) after `pages` pages; returns the orders and the last page's cursor */
		async function listPages(c: AmazonClient, cursor: string | null, pages: number) {
			const got: unknown[] = [];
			let next = '';
			let n = 0;
			await c
				.listOrdersSince(cursor, {
					lookbackFrom: LONG_AGO,
					onPage: async (o, cur) => {
						got.push(...o);
						next = cur;
						if (++n === pages) throw new Stop();
					},
				})
				.catch((e) => {
					if (!(e instanceof Stop)) throw e;
				});
			return { got, next };
		}

		it('a listing stopped after 3 pages resumes with the 4th page (same parameters + paginationToken): no repeats, no gaps', async () => {
			const c = new AmazonClient(creds, request, isolated(TS, { clock }));
			const first = await listPages(c, null, 3);
			expect(first.got).toHaveLength(300);
			const state = decodeAmazonCursor(first.next);
			expect(state).toMatchObject({ kind: 'resume', after: '2020-01-01T00:00:00.000Z', token: expect.any(String) });
			const firstCalls = sb.callsTo(SEARCH, 'GET');
			expect(firstCalls).toHaveLength(3);
			const tokenOfPage3 = firstCalls[2];

			sb.resetCalls();
			// a new client (the next poll), same seller
			const c2 = new AmazonClient(creds, request, isolated(TS, { clock }));
			const cursors: string[] = [];
			const rest = await c2.listOrdersSince(first.next, { lookbackFrom: '2026-01-01T00:00:00Z', onPage: async (_o, n) => void cursors.push(n) });
			expect(rest.pages).toBe(22);
			const ids = [...first.got, ...rest.orders].map(idOf);
			expect(ids).toHaveLength(2500);
			expect(new Set(ids).size).toBe(2500);
			expect(new Set(ids)).toEqual(new Set(orders.map((o) => o.id)));

			const resumed = sb.callsTo(SEARCH, 'GET').filter((x) => x.status === 200);
			expect(resumed).toHaveLength(22);
			// the first call of the new poll carries the stored token and exactly the listing's other parameters
			const { paginationToken, ...others } = resumed[0].query;
			expect(paginationToken).toBe((state as { token: string }).token);
			const originalOthers = { ...tokenOfPage3.query };
			delete originalOthers.paginationToken;
			expect(others).toEqual(originalOthers);
			expect(others.lastUpdatedAfter).toBe('2020-01-01T00:00:00.000Z');
			// the finished listing's cursor is the plain form and covers the pages of the earlier poll too
			const newest = Math.max(...orders.map((o) => Date.parse(o.updatedAt.replace(/\.\d{3}Z$/, 'Z'))));
			expect(rest.cursor).toBe(new Date(newest - 120_000).toISOString());
			expect(cursors.at(-1)).toBe(rest.cursor);
			expect(cursors.slice(0, -1).every((x) => x.startsWith('v2:'))).toBe(true);
			expect(c2.stats.failed).toBe(0);
		});

		it('a token the API refuses (already used, unknown) restarts the listing from its lastUpdatedAfter', async () => {
			const c = new AmazonClient(creds, request, isolated(TS, { clock }));
			const first = await listPages(c, null, 2);
			// the sandbox's tokens are single-use: list the next page with it, then store the old cursor again (as after a crash)
			await listPages(c, first.next, 1);
			for (const cursor of [first.next, encodeResume({ after: '2020-01-01T00:00:00.000Z', token: 'not-a-token', at: new Date().toISOString() })]) {
				sb.resetCalls();
				const r = await c.listOrdersSince(cursor, { lookbackFrom: '2026-01-01T00:00:00Z' });
				expect(r.orders).toHaveLength(2500);
				expect(new Set(r.orders.map(idOf)).size).toBe(2500);
				const calls = sb.callsTo(SEARCH, 'GET');
				expect(calls[0].status).toBe(400);
				expect(typeof calls[0].query.paginationToken).toBe('string');
				expect(calls[1].query.paginationToken).toBeUndefined();
				expect(calls[1].query.lastUpdatedAfter).toBe('2020-01-01T00:00:00.000Z');
				// one refused call, then the whole listing again (a 429 on the way would be paced and retried, not counted)
				expect(calls.filter((x) => x.status === 400)).toHaveLength(1);
				expect(calls.filter((x) => x.status === 200)).toHaveLength(25);
			}
		});

		it('a token older than 23 h is not tried: the listing restarts from its lastUpdatedAfter', async () => {
			const c = new AmazonClient(creds, request, isolated(TS, { clock }));
			const first = await listPages(c, null, 2);
			sb.resetCalls();
			const later = new AmazonClient(creds, request, isolated(TS, { clock, now: () => Date.now() + 23.5 * 3600_000 }));
			const r = await later.listOrdersSince(first.next, { lookbackFrom: '2026-01-01T00:00:00Z' });
			expect(r.orders).toHaveLength(2500);
			const calls = sb.callsTo(SEARCH, 'GET').filter((x) => x.status === 200);
			expect(calls).toHaveLength(25);
			expect(calls[0].query.paginationToken).toBeUndefined();
			expect(calls[0].query.lastUpdatedAfter).toBe('2020-01-01T00:00:00.000Z');
		});

		it('an old plain ISO cursor still works (and an unreadable one falls back to the look-back)', async () => {
			const c = new AmazonClient(creds, request, isolated(TS, { clock }));
			const r = await c.listOrdersSince('2020-01-01T00:00:00Z', { lookbackFrom: '2026-01-01T00:00:00Z' });
			expect(r.orders).toHaveLength(2500);
			const calls = sb.callsTo(SEARCH, 'GET');
			expect(calls[0].query.lastUpdatedAfter).toBe('2020-01-01T00:00:00.000Z');
			expect(calls[0].query.paginationToken).toBeUndefined();
			expect(decodeAmazonCursor(r.cursor)).toEqual({ kind: 'plain', after: r.cursor });
			sb.resetCalls();
			const bad = await c.listOrdersSince('v2:{not json', { lookbackFrom: LONG_AGO });
			expect(bad.orders).toHaveLength(2500);
			expect(sb.callsTo(SEARCH, 'GET')[0].query.lastUpdatedAfter).toBe('2020-01-01T00:00:00.000Z');
		});
	});

	it('two clients of one seller in one process share the searchOrders budget (limiter registry)', async () => {
		const shared = isolated(TS, { clock });
		const a = new AmazonClient(creds, request, shared);
		const b = new AmazonClient(creds, request, { ...shared, retry: { timeScale: TS } });
		const began = clock.now();
		const [ra, rb] = await Promise.all([a.listOrdersSince(null, { lookbackFrom: LONG_AGO }), b.listOrdersSince(null, { lookbackFrom: LONG_AGO })]);
		expect(ra.orders.length + rb.orders.length).toBe(5000);
		expect(a.stats.failed + b.stats.failed).toBe(0);
		// 50 calls against one burst of 20: paced together (the floor of 50 calls on one bucket, not of 25 on each of
		// two), so the sandbox never throttled either
		expect(clock.now() - began).toBeGreaterThanOrEqual(TokenBucket.minimumTimeMs(50, scaleRate(0.0056, TS), 20));
		expect(sb.throttledBy.searchOrders ?? 0).toBe(0);
		expect(a.stats.throttled + b.stats.throttled).toBe(0);
	});

	it('a paginationToken with any other parameter changed is refused (sandbox rule)', async () => {
		const c = new AmazonClient(creds, request, isolated(TS, { clock }));
		const tokenRes = await request<{ access_token: string }>({ method: 'POST', url: `${creds.baseUrl}/auth/o2/token`, bodyType: 'form', body: { grant_type: 'refresh_token', refresh_token: creds.refreshToken, client_id: creds.lwaClientId, client_secret: creds.lwaClientSecret } });
		const h = { 'x-amz-access-token': tokenRes.body.access_token };
		const first = await request<{ pagination: { nextToken: string } }>({ method: 'GET', url: `${creds.baseUrl}/orders/2026-01-01/orders`, headers: h, qs: { lastUpdatedAfter: LONG_AGO, marketplaceIds: 'ATVPDKIKX0DER' } });
		const changed = await request<{ errors: Array<{ code: string }> }>({ method: 'GET', url: `${creds.baseUrl}/orders/2026-01-01/orders`, headers: h, qs: { lastUpdatedAfter: '2021-01-01T00:00:00Z', marketplaceIds: 'ATVPDKIKX0DER', paginationToken: first.body.pagination.nextToken } });
		expect(changed.status).toBe(400);
		expect(changed.body.errors[0].code).toBe('InvalidInput');
		const tooFresh = await request({ method: 'GET', url: `${creds.baseUrl}/orders/2026-01-01/orders`, headers: h, qs: { lastUpdatedAfter: LONG_AGO, lastUpdatedBefore: new Date(sb.now()).toISOString(), marketplaceIds: 'ATVPDKIKX0DER' } });
		expect(tooFresh.status).toBe(400);
		expect(c.stats.failed).toBe(0);
	});

	it('refreshes the LWA token after expiry (403 Unauthorized) and before expiry (cached lifetime)', async () => {
		const c = new AmazonClient(creds, request, isolated(TS, { clock }));
		await c.getOrder(orders[0].id);
		sb.expireTokens();
		await c.getOrder(orders[1].id);
		expect(sb.callsTo('/auth/o2/token').length).toBe(2);
		expect(c.stats.unauthorized).toBe(1);

		const short = new AmazonSandbox({ timeScale: TS, tokenLifetimeSec: 0.3, clock });
		const url = await short.start();
		short.addOrders(orders.slice(0, 3));
		try {
			const c2 = new AmazonClient({ ...creds, baseUrl: url }, request, isolated(TS, { clock }));
			await c2.getOrder(orders[0].id);
			await clock.advance(300);
			await c2.getOrder(orders[1].id);
			expect(short.callsTo('/auth/o2/token').length).toBe(2);
			expect(c2.stats.unauthorized).toBe(0);
			const tokenCall = short.callsTo('/auth/o2/token')[0];
			expect(tokenCall.body).toMatchObject({ grant_type: 'refresh_token', client_id: creds.lwaClientId, client_secret: '***', refresh_token: '***' });
		} finally {
			await short.close();
		}
	});

	it('confirms a shipment in the documented v0 shape (204)', async () => {
		const c = new AmazonClient(creds, request, isolated(TS, { clock }));
		const raw = (await c.getOrder(orders[5].id)) as { orderItems: Array<{ orderItemId: string; quantityOrdered: number }> };
		const r = await c.confirmShipment({
			channelOrderId: orders[5].id,
			carrier: 'UPS',
			trackingNumber: '1Z999AA10123456784',
			shippedAt: '2026-05-02T15:00:00Z',
			shippingMethod: 'UPS Ground',
			lines: raw.orderItems.map((i) => ({ lineId: i.orderItemId, quantity: i.quantityOrdered })),
		});
		expect(r.status).toBe(204);
		const got = sb.received.shipments.at(-1);
		expect(got?.orderId).toBe(orders[5].id);
		expect(got?.body).toEqual({
			marketplaceId: 'ATVPDKIKX0DER',
			packageDetail: {
				packageReferenceId: r.reference,
				carrierCode: 'UPS',
				carrierName: 'UPS',
				shippingMethod: 'UPS Ground',
				trackingNumber: '1Z999AA10123456784',
				shipDate: '2026-05-02T15:00:00.000Z',
				orderItems: raw.orderItems.map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantityOrdered })),
			},
		});
		// an unknown carrier goes as Other with carrierName
		await c.confirmShipment({ channelOrderId: orders[6].id, carrier: 'Acme Freight', trackingNumber: 'AF1', shippedAt: '2026-05-02T15:00:00Z', lines: [{ lineId: ((await c.getOrder(orders[6].id)) as { orderItems: Array<{ orderItemId: string }> }).orderItems[0].orderItemId, quantity: 1 }] });
		expect((sb.received.shipments.at(-1)?.body as { packageDetail: { carrierCode: string; carrierName: string } }).packageDetail).toMatchObject({ carrierCode: 'Other', carrierName: 'Acme Freight' });
	});

	it('sets a lone SKU with one patchListingsItem, in the documented shape', async () => {
		const c = new AmazonClient(creds, request, isolated(0.01, { clock }));
		const [r] = await c.setAvailableQuantities([{ sku: 'SKU-3', quantity: 9 }]);
		expect(r).toMatchObject({ sku: 'SKU-3', quantity: 9, ok: true });
		expect(sb.received.listings.at(-1)).toEqual({
			sellerId: creds.sellerId,
			sku: 'SKU-3',
			query: { marketplaceIds: 'ATVPDKIKX0DER', issueLocale: 'en_US' },
			body: { productType: 'PRODUCT', patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 9 }] }] },
		});
		expect(sb.callsTo('/feeds/2021-06-30/feeds', 'POST').length).toBe(0);
		expect(sb.quantities.get('SKU-3')).toMatchObject({ quantity: 9, via: 'patchListingsItem' });
	});

	describe('quantities of many SKUs through the JSON listings feed', () => {
		it('a few SKUs (fewer than 20: a sale, or sales pushed together) take one PATCH each, no feed', async () => {
			const c = new AmazonClient(creds, request, isolated(TS, { clock }));
			const feeds = sb.received.feeds.length;
			const items = Array.from({ length: AMAZON_FEED_MIN_SKUS - 1 }, (_, i) => ({ sku: `FEW-${i}`, quantity: i }));
			const res = await c.setAvailableQuantities(items);
			expect(res.every((r) => r.ok)).toBe(true);
			expect(sb.received.feeds.length).toBe(feeds);
			expect(sb.received.listings.slice(-items.length).map((l) => l.sku).sort()).toEqual(items.map((i) => i.sku).sort());
			expect(sb.quantities.get('FEW-18')).toMatchObject({ quantity: 18, via: 'patchListingsItem' });
		});

		const FEED_TS = TS;
		it('sends one JSON_LISTINGS_FEED, waits for it, and reports a refused SKU for that SKU only', async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			const items = Array.from({ length: 40 }, (_, i) => ({ sku: `BULKQ-${i}`, quantity: i }));
			sb.invalidSkus.add('BULKQ-7');
			try {
				const res = await c.setAvailableQuantities(items);
				expect(res.map((r) => r.sku)).toEqual(items.map((i) => i.sku));
				expect(res.filter((r) => !r.ok).map((r) => [r.sku, r.error])).toEqual([['BULKQ-7', expect.stringContaining('does not match any listing')]]);
				expect(res.filter((r) => r.ok).length).toBe(39);
				// no PATCH per SKU: one document, one upload, one feed
				expect(sb.callsTo('/listings/2021-08-01/items/').length).toBe(0);
				expect(sb.callsTo('/feeds/2021-06-30/documents', 'POST').length).toBe(1);
				expect(sb.callsTo('/feeds/2021-06-30/feeds', 'POST').length).toBe(1);
				const feed = sb.received.feeds.at(-1)!;
				expect(feed.feedType).toBe('JSON_LISTINGS_FEED');
				const doc = JSON.parse(feed.content);
				expect(doc.header).toEqual({ sellerId: creds.sellerId, version: '2.0', issueLocale: 'en_US' });
				expect(doc.messages[3]).toEqual({
					messageId: 4,
					sku: 'BULKQ-3',
					operationType: 'PATCH',
					productType: 'PRODUCT',
					patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 3 }] }],
				});
				expect(res[3].reference).toBe(feed.feedId);
				// what the channel now shows: every good SKU at its quantity, the refused one untouched
				expect(sb.quantities.get('BULKQ-39')).toMatchObject({ quantity: 39, via: 'JSON_LISTINGS_FEED' });
				expect(sb.quantities.has('BULKQ-7')).toBe(false);
				expect(c.stats.failed).toBe(0);
			} finally {
				sb.invalidSkus.delete('BULKQ-7');
			}
		});

		it('splits a catalogue into feeds of 10,000 messages, submitted before the first is waited for', async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			const before = sb.received.feeds.length;
			sb.resetCalls();
			const items = Array.from({ length: 10_005 }, (_, i) => ({ sku: `CAT-${i}`, quantity: i % 9 }));
			const res = await c.setAvailableQuantities(items);
			expect(res.every((r) => r.ok)).toBe(true);
			const feeds = sb.received.feeds.slice(before);
			expect(feeds.map((f) => JSON.parse(f.content).messages.length)).toEqual([10_000, 5]);
			expect(res[10_004].reference).toBe(feeds[1].feedId);
			// both createFeed calls come before the first getFeed
			const order = sb.calls.filter((x) => x.path.startsWith('/feeds/2021-06-30/feeds')).map((x) => x.method);
			expect(order.slice(0, 2)).toEqual(['POST', 'POST']);
			expect(sb.quantities.get('CAT-10004')).toMatchObject({ quantity: 10_004 % 9, via: 'JSON_LISTINGS_FEED' });
		});

		it('fails every SKU of a feed that ends FATAL, naming the feed', async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			sb.failFeeds(1, 'FATAL');
			const res = await c.setAvailableQuantities(Array.from({ length: AMAZON_FEED_MIN_SKUS }, (_, i) => ({ sku: `FATAL-${i + 1}`, quantity: i })));
			expect(res.every((r) => !r.ok)).toBe(true);
			expect(res[0].error).toMatch(/listings feed \d+ ended FATAL: .*staged failure/);
			expect(sb.quantities.has('FATAL-1')).toBe(false);
		});

		it('keeps the last quantity of a SKU given twice', async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			const others = Array.from({ length: AMAZON_FEED_MIN_SKUS - 1 }, (_, i) => ({ sku: `OTHER-${i}`, quantity: 2 }));
			const res = await c.setAvailableQuantities([{ sku: 'TWICE', quantity: 1 }, ...others, { sku: 'TWICE', quantity: 5 }]);
			expect(res.every((r) => r.ok)).toBe(true);
			expect(JSON.parse(sb.received.feeds.at(-1)!.content).messages.map((m: { sku: string }) => m.sku)).toEqual(['TWICE', ...others.map((o) => o.sku)]);
			expect(sb.quantities.get('TWICE')).toMatchObject({ quantity: 5 });
		});
	});

	it('retries 5xx and 429 (QuotaExceeded) and then succeeds; does not retry a 400', async () => {
		const c = new AmazonClient(creds, request, isolated(TS, { clock }));
		await c.getOrder(orders[0].id); // token
		sb.resetCalls();
		sb.inject({ kind: 'error', status: 503, path: '/orders/2026-01-01/orders/', times: 2 });
		sb.inject({ kind: 'throttle', path: '/orders/2026-01-01/orders/', times: 1 });
		await expect(c.getOrder(orders[2].id)).resolves.toMatchObject({ orderId: orders[2].id });
		expect(c.stats.retries).toBe(3);
		expect(c.stats.throttled).toBe(1);
		sb.resetCalls();
		sb.inject({ kind: 'error', status: 400, path: '/orders/2026-01-01/orders/' });
		const err = (await c.getOrder(orders[3].id).catch((e) => e)) as HttpError;
		expect(err).toBeInstanceOf(HttpError);
		expect(err.status).toBe(400);
		expect(sb.callsTo('/orders/2026-01-01/orders/').length).toBe(1);
	});

	it('survives a timeout, a reset connection and a malformed body by retrying or failing clearly', async () => {
		// only the call the sandbox leaves unanswered gets a short timeout: on a slow machine an answered call never
		// turns into a timeout
		let unanswered = 0;
		const c = new AmazonClient(creds, (o) => request(unanswered-- > 0 ? { ...o, timeoutMs: 200 } : o), isolated(TS, { clock }));
		await c.getOrder(orders[0].id);
		sb.inject({ kind: 'timeout', path: '/orders/2026-01-01/orders/' });
		sb.inject({ kind: 'reset', path: '/orders/2026-01-01/orders/' });
		unanswered = 1;
		await expect(c.getOrder(orders[4].id)).resolves.toMatchObject({ orderId: orders[4].id });
		expect(c.stats.transportErrors).toBe(2);
		sb.inject({ kind: 'malformed', path: '/orders/2026-01-01/orders' });
		await expect(c.listOrdersSince(null, { lookbackFrom: LONG_AGO })).rejects.toThrow(/unexpected body/);
	});

	it('keeps secrets out of errors (bad client secret, bad refresh token)', async () => {
		const bad = { ...creds, lwaClientSecret: 'amzn1.oa2-cs.v1.WRONGSECRETvalue123' };
		const c = new AmazonClient(bad, request, isolated(TS, { clock }));
		const e1 = (await c.getOrder(orders[0].id).catch((e) => e)) as Error;
		expect(e1).toBeInstanceOf(Error);
		const e2 = (await new AmazonClient({ ...creds, refreshToken: 'Atzr|WRONG-refresh-token-zzz' }, request, isolated(TS, { clock })).getOrder(orders[0].id).catch((e) => e)) as Error;
		for (const e of [e1, e2]) {
			const text = `${e.message} ${JSON.stringify(e)}`;
			expect(text).not.toContain('WRONGSECRETvalue123');
			expect(text).not.toContain('WRONG-refresh-token-zzz');
			expect(text).not.toContain(creds.lwaClientSecret);
			expect(text).not.toContain(creds.refreshToken);
		}
		expect((await c.testCredentials()).ok).toBe(false);
		expect((await new AmazonClient(creds, request, isolated(TS, { clock })).testCredentials()).ok).toBe(true);
	});

	describe('cancellations through the order acknowledgement feed', () => {
		const FEED_TS = TS;
		type Raw = { orderItems: Array<{ orderItemId: string; quantityOrdered: number }>; fulfillment: { fulfillmentStatus: string } };
		const unshipped = () => orders.filter((o) => o.status === 'paid');

		it('cancels a whole order: POST_ORDER_ACKNOWLEDGEMENT_DATA with StatusCode Failure and the reason', async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			const o = unshipped()[0];
			const r = await c.cancelOrder(o.id, 'fraud');
			const feed = sb.received.feeds.at(-1)!;
			expect(feed.feedType).toBe('POST_ORDER_ACKNOWLEDGEMENT_DATA');
			expect(r).toEqual({ channelOrderId: o.id, status: 200, reference: feed.feedId });
			expect(feed.content).toContain(`<MessageType>OrderAcknowledgement</MessageType>`);
			expect(feed.content).toContain(`<AmazonOrderID>${o.id}</AmazonOrderID><StatusCode>Failure</StatusCode>`);
			// every item, with the fraud reason (the reason travels on the items)
			const raw = (await c.getOrder(o.id)) as Raw;
			for (const it of raw.orderItems) expect(feed.content).toContain(`<Item><AmazonOrderItemCode>${it.orderItemId}</AmazonOrderItemCode><CancelReason>RiskAssessmentInformationNotValid</CancelReason></Item>`);
			expect(sb.received.cancellations.at(-1)).toMatchObject({ orderId: o.id, feedId: feed.feedId });
			expect(((await c.getOrder(o.id)) as Raw).fulfillment.fulfillmentStatus).toBe('CANCELLED');
		});

		it('cancels the listed items with their CancelReason (out of stock: NoInventory); the rest stays open', async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			const o = unshipped().find((x) => x.lines.length >= 2)!;
			const raw = (await c.getOrder(o.id)) as Raw;
			const item = raw.orderItems[0];
			await c.cancelLines(o.id, [{ lineId: item.orderItemId, quantity: item.quantityOrdered }], 'out_of_stock');
			expect(sb.received.feeds.at(-1)!.content).toContain(`<Item><AmazonOrderItemCode>${item.orderItemId}</AmazonOrderItemCode><CancelReason>NoInventory</CancelReason></Item>`);
			expect(sb.received.cancellations.at(-1)?.items).toEqual([{ orderItemId: item.orderItemId, quantity: item.quantityOrdered, reason: 'NoInventory' }]);
			expect(((await c.getOrder(o.id)) as Raw).fulfillment.fulfillmentStatus).not.toBe('CANCELLED');
		});

		it('refuses, before sending anything, a line it cannot express (fewer units than open) or an unknown line', async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			const o = unshipped().find((x) => x.lines.some((l) => l.quantity >= 2))!;
			const raw = (await c.getOrder(o.id)) as Raw;
			const item = raw.orderItems.find((i) => i.quantityOrdered >= 2)!;
			const feeds = sb.received.feeds.length;
			await expect(c.cancelLines(o.id, [{ lineId: item.orderItemId, quantity: 1 }])).rejects.toThrow(new RegExp(`${o.id}: item ${item.orderItemId}: Amazon cancels all ${item.quantityOrdered} unshipped units`));
			await expect(c.cancelLines(o.id, [{ lineId: 'NOPE', quantity: 1 }])).rejects.toThrow(/item NOPE is not in the order/);
			expect(sb.received.feeds.length).toBe(feeds);
		});

		it("throws Amazon's refusal (a shipped order) naming the order and the feed", async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			const o = unshipped()[7];
			const raw = (await c.getOrder(o.id)) as Raw;
			const all = raw.orderItems.map((i) => ({ lineId: i.orderItemId, quantity: i.quantityOrdered }));
			// the order ships while the cancellation is on its way (after the client read the order): Amazon's
			// processing report refuses it
			sb.inject({ kind: 'slow', path: '/feeds/2021-06-30/documents', method: 'POST', hold: () => c.confirmShipment({ channelOrderId: o.id, carrier: 'UPS', trackingNumber: '1ZRACE', shippedAt: '2026-05-02T15:00:00Z', lines: all }) });
			await expect(c.cancelOrder(o.id, 'customer')).rejects.toThrow(new RegExp(`Amazon order ${o.id}: cancellation refused: .*has shipped and cannot be cancelled.*\\(feed \\d+\\)`));
			// once the OMS can see it shipped, nothing is sent
			const feeds = sb.received.feeds.length;
			await expect(c.cancelLines(o.id, all)).rejects.toThrow(/has no unshipped units/);
			await expect(c.cancelOrder(orders.find((x) => x.status === 'shipped')!.id)).rejects.toThrow(/no unshipped units to cancel/);
			expect(sb.received.feeds.length).toBe(feeds);
			expect(sb.received.cancellations.some((x) => x.orderId === o.id)).toBe(false);
		});

		it('throws when the feed ends FATAL', async () => {
			const c = new AmazonClient(creds, request, isolated(FEED_TS, { clock }));
			sb.failFeeds(1, 'FATAL');
			await expect(c.cancelOrder(unshipped()[5].id)).rejects.toThrow(/cancellation feed \d+ ended FATAL/);
		});
	});
});
