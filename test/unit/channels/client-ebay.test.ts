import { EbaySandbox, EBAY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/ebay';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { EbayClient } from '../../../lib/channels/ebay/client';
import { HttpError } from '../../../lib/http/errors';
import { normalizeOrder } from '../../../lib/channels/normalize';

const TS = 0.01; // 5 rps becomes 500 rps
describe('eBay client against the Sell APIs sandbox', () => {
	// client and sandbox on one virtual clock: pacing and token expiry do not depend on the machine's speed
	const clock = new VirtualClock();
	const request = clock.track(realRequest);
	const sb = new EbaySandbox({ timeScale: TS, clock });
	const orders = generateOrders({ seed: 11, perChannel: 1234, channels: ['ebay'] }).byChannel.ebay;
	let creds: typeof EBAY_SANDBOX_CREDENTIALS & { baseUrl: string };
	beforeAll(async () => {
		creds = { ...EBAY_SANDBOX_CREDENTIALS, baseUrl: await sb.start() };
		sb.addOrders(orders);
	});
	afterAll(() => sb.close());
	beforeEach(() => {
		sb.resetCalls();
		sb.resetLimits();
		sb.clearFaults();
	});

	it('pages getOrders with limit 200 and offset to the last page, filter percent-encoded, no failed call', async () => {
		const c = new EbayClient(creds, request, isolated(TS, { clock }));
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		expect(r.orders.length).toBe(1234);
		expect(r.pages).toBe(7);
		const calls = sb.callsTo('/sell/fulfillment/v1/order', 'GET');
		expect(calls.map((x) => x.query.offset)).toEqual(['0', '200', '400', '600', '800', '1000', '1200']);
		expect(calls[0].rawQuery).toContain('filter=lastmodifieddate:%5B2020-01-01T00:00:00.000Z..%5D');
		expect(calls.every((x) => x.query.limit === '200' && x.status === 200)).toBe(true);
		const newest = Math.max(...orders.map((o) => Date.parse(o.updatedAt)));
		expect(r.cursor).toBe(new Date(newest - 60_000).toISOString());
		expect(c.stats.failed).toBe(0);
		expect(sb.throttledBy.getOrders ?? 0).toBe(0);
	});

	it('the sandbox refuses limit above 200 and raw brackets in the filter', async () => {
		const c = new EbayClient(creds, request, isolated(TS, { clock }));
		await c.testCredentials();
		const auth = { Authorization: sb.callsTo('/sell/fulfillment/v1/order')[0].headers.authorization };
		expect(auth.Authorization).toBe('***'); // recorded without the secret
		const h = { Authorization: `Bearer ${[...(sb as unknown as { tokens: Map<string, number> }).tokens.keys()][0]}` };
		expect((await request({ method: 'GET', url: `${creds.baseUrl}/sell/fulfillment/v1/order?limit=201`, headers: h })).status).toBe(400);
		expect((await request({ method: 'GET', url: `${creds.baseUrl}/sell/fulfillment/v1/order?filter=lastmodifieddate:[2020-01-01T00:00:00.000Z..]`, headers: h })).status).toBe(400);
	});

	it('refreshes the user token with Basic appId:certId and the scopes, again after a 401', async () => {
		const c = new EbayClient(creds, request, isolated(TS, { clock }));
		await c.getOrder(orders[0].id);
		sb.expireTokens();
		await c.getOrder(orders[1].id);
		const tokenCalls = sb.callsTo('/identity/v1/oauth2/token');
		expect(tokenCalls.length).toBe(2);
		expect(tokenCalls[0].headers.authorization).toBe('***');
		expect(tokenCalls[0].body).toEqual({ grant_type: 'refresh_token', refresh_token: '***', scope: 'https://api.ebay.com/oauth/api_scope/sell.fulfillment https://api.ebay.com/oauth/api_scope/sell.inventory' });
		expect(c.stats.unauthorized).toBe(1);
	});

	it('creates a shipping fulfillment (201 + Location) in the documented shape', async () => {
		const c = new EbayClient(creds, request, isolated(TS, { clock }));
		const raw = (await c.getOrder(orders[9].id)) as { lineItems: Array<{ lineItemId: string; quantity: number }> };
		const r = await c.confirmShipment({ channelOrderId: orders[9].id, carrier: 'USPS', trackingNumber: '9400111899223197428490', shippedAt: '2026-05-02T15:00:00Z', lines: raw.lineItems.map((l) => ({ lineId: l.lineItemId, quantity: l.quantity })) });
		expect(r).toEqual({ channelOrderId: orders[9].id, status: 201, reference: '9400111899223197428490' });
		expect(sb.received.fulfillments.at(-1)?.body).toEqual({
			lineItems: raw.lineItems.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity })),
			shippedDate: '2026-05-02T15:00:00.000Z',
			shippingCarrierCode: 'USPS',
			trackingNumber: '9400111899223197428490',
		});
	});

	it('updates quantities 25 SKUs a call with per-SKU results', async () => {
		const c = new EbayClient(creds, request, isolated(TS, { clock }));
		const known = [...sb.skus];
		const items = Array.from({ length: 60 }, (_, i) => ({ sku: i === 59 ? 'NO-SUCH-SKU' : known[i % known.length], quantity: i }));
		const res = await c.setAvailableQuantities(items);
		expect(sb.received.quantities.slice(-3).map((q) => (q.body as { requests: unknown[] }).requests.length)).toEqual([25, 25, 10]);
		expect((sb.received.quantities.at(-3)?.body as { requests: unknown[] }).requests[1]).toEqual({ sku: known[1], shipToLocationAvailability: { quantity: 1 } });
		expect(res.filter((r) => !r.ok).map((r) => r.sku)).toEqual(['NO-SUCH-SKU']);
		expect(res[59].status).toBe(404);
	});

	it('retries 5xx and 429, not 400; keeps certId and refresh token out of errors', async () => {
		const c = new EbayClient(creds, request, isolated(TS, { clock }));
		sb.inject({ kind: 'error', status: 500, path: '/sell/fulfillment/v1/order/', times: 1 });
		sb.inject({ kind: 'throttle', path: '/sell/fulfillment/v1/order/', times: 2 });
		await expect(c.getOrder(orders[3].id)).resolves.toMatchObject({ orderId: orders[3].id });
		expect(c.stats.retries).toBe(3);
		sb.inject({ kind: 'error', status: 400, path: '/sell/fulfillment/v1/order/' });
		const before = sb.callsTo('/sell/fulfillment/v1/order/').length;
		await expect(c.getOrder(orders[3].id)).rejects.toBeInstanceOf(HttpError);
		expect(sb.callsTo('/sell/fulfillment/v1/order/').length).toBe(before + 1);
		const bad = new EbayClient({ ...creds, certId: 'SBX-WRONG-cert-id-000' }, request, isolated(TS, { clock }));
		const e = (await bad.getOrder(orders[0].id).catch((x) => x)) as Error;
		expect(`${e.message} ${JSON.stringify(e)}`).not.toMatch(/SBX-WRONG-cert-id-000|sandbox-refresh-token|U0JY/);
	});

	it('cancels a whole order through the Post-Order API and refuses line cancellation', async () => {
		const c = new EbayClient(creds, request, isolated(TS, { clock }));
		const r = await c.cancelOrder(orders[2].id);
		expect(r.status).toBe(201);
		expect(sb.received.cancellations.at(-1)?.body).toEqual({ legacyOrderId: orders[2].id, cancelReason: 'OUT_OF_STOCK_OR_CANNOT_FULFILL' });
		await expect(c.cancelLines(orders[2].id)).rejects.toThrow(/whole orders/);
	});

	describe('a buyer\'s cancel request', () => {
		// the last paid orders: the tests above cancel and ship some of the first
		const paid = orders.filter((o) => o.status === 'paid').slice(-3);

		it('finds the request by order (the list lacks its id) and approves it with no body: the order is cancelled', async () => {
			const c = new EbayClient(creds, request, isolated(TS, { clock }));
			const o = paid[0];
			expect(await c.findCancelRequest(o.id)).toBeNull();
			const req = sb.requestCancellation(o.id, 'BUYER_ASKED_CANCEL');
			// what the normaliser makes of getOrder's request (the list's has no id)
			const asked = normalizeOrder('ebay', await c.getOrder(o.id)).cancelRequest!;
			expect({ ...asked, requestedAt: Date.parse(asked.requestedAt!) }).toEqual({ id: req.cancelId, requestedAt: new Date(req.requestedAt).getTime(), reason: 'BUYER_ASKED_CANCEL' });
			const found = await c.findCancelRequest(o.id);
			expect(found).toEqual({ id: req.cancelId, state: 'requested', requestedAt: new Date(req.requestedAt).toISOString(), reason: 'BUYER_ASKED_CANCEL' });
			const search = sb.callsTo('/post-order/v2/cancellation/search').at(-1)!;
			expect(search.query.legacy_order_id).toBe(o.id);
			const r = await c.answerCancelRequest({ channelOrderId: o.id, requestId: req.cancelId, decision: 'approve' });
			expect(r).toEqual({ channelOrderId: o.id, status: 200, reference: req.cancelId });
			expect(sb.received.cancelDecisions.at(-1)).toEqual({ cancelId: req.cancelId, decision: 'approve', body: null });
			expect(sb.callsTo(`/post-order/v2/cancellation/${req.cancelId}/approve`)[0].headers.authorization).toBe('***');
			expect(((await c.getOrder(o.id)) as { orderFulfillmentStatus?: string; cancelStatus: { cancelState: string } }).cancelStatus.cancelState).toBe('CANCELED');
			expect((await c.findCancelRequest(o.id))?.state).toBe('approved');
		});

		it('rejects a shipped order\'s request with its tracking number and ship date as eBay documents them', async () => {
			const c = new EbayClient(creds, request, isolated(TS, { clock }));
			const o = paid[1];
			const req = sb.requestCancellation(o.id);
			const line = ((await c.getOrder(o.id)) as { lineItems: Array<{ lineItemId: string; quantity: number }> }).lineItems;
			await c.confirmShipment({ channelOrderId: o.id, carrier: 'USPS', trackingNumber: '9400100000000000000001', shippedAt: '2026-03-02T10:00:00Z', lines: line.map((l) => ({ lineId: l.lineItemId, quantity: l.quantity })) });
			// approving a shipped order is refused; the reject carries what shipped
			await expect(c.answerCancelRequest({ channelOrderId: o.id, requestId: req.cancelId, decision: 'approve' })).rejects.toMatchObject({ status: 400 });
			const r = await c.answerCancelRequest({ channelOrderId: o.id, requestId: req.cancelId, decision: 'reject', trackingNumber: '9400100000000000000001', shippedAt: '2026-03-02T10:00:00Z' });
			expect(r.status).toBe(200);
			expect(sb.received.cancelDecisions.at(-1)).toEqual({ cancelId: req.cancelId, decision: 'reject', body: { shipmentDate: { value: '2026-03-02T10:00:00.000Z' }, trackingNumber: '9400100000000000000001' } });
			expect((await c.findCancelRequest(o.id))?.state).toBe('rejected');
			// answered once: a second answer is refused (1604), not applied again
			await expect(c.answerCancelRequest({ channelOrderId: o.id, requestId: req.cancelId, decision: 'reject' })).rejects.toMatchObject({ status: 400 });
		});

		it('rejects an unshipped order\'s request with an empty body; the sandbox refuses a body eBay does not document', async () => {
			const c = new EbayClient(creds, request, isolated(TS, { clock }));
			const o = paid[2];
			const req = sb.requestCancellation(o.id);
			const h = { Authorization: `IAF ${[...(sb as unknown as { tokens: Map<string, number> }).tokens.keys()].at(-1)}`, 'Content-Type': 'application/json' };
			const bad = await request({ method: 'POST', url: `${creds.baseUrl}/post-order/v2/cancellation/${req.cancelId}/reject`, headers: h, body: { shipmentDate: '2026-03-02' } });
			expect(bad.status).toBe(400);
			expect(JSON.stringify(bad.body)).toContain('shipmentDate');
			await c.answerCancelRequest({ channelOrderId: o.id, requestId: req.cancelId, decision: 'reject' });
			expect(sb.received.cancelDecisions.at(-1)).toEqual({ cancelId: req.cancelId, decision: 'reject', body: {} });
			expect(((await c.getOrder(o.id)) as { cancelStatus: { cancelState: string } }).cancelStatus.cancelState).toBe('NONE_REQUESTED');
			await expect(c.answerCancelRequest({ channelOrderId: o.id, requestId: ' ', decision: 'approve' })).rejects.toThrow(/no cancel request id/);
		});
	});
});
