/**
 * The Amazon sandbox's after-intake APIs over HTTP, as the SP-API models document them: the Feeds API (documents
 * with pre-signed URLs, feed states, processing reports, rate limits) with JSON_LISTINGS_FEED,
 * POST_ORDER_ACKNOWLEDGEMENT_DATA and POST_PAYMENT_ADJUSTMENT_DATA; the Reports API (the MFN returns report, the
 * settlement report V2 found with getReports); the Finances API v0; and the controls tests stage with. The sandbox
 * runs on a VirtualClock that only moves when a test advances it, so every state change here is deterministic.
 */
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS, itemIdOf, RETURNS_REPORT_COLUMNS } from '../../sandbox/channels/amazon';
import { AMAZON_FEE_TABLE, generateSettlementV2, SETTLEMENT_V2_COLUMNS } from '../../sandbox/channels/amazon-settlement';
import { generateOrders, type SeedOrder } from '../../sandbox/generator';
import { VirtualClock } from '../../sandbox/testkit';
import { http, parseDelimited } from './http';

const TS = 0.001; // feeds wait 30 ms and run 120 ms; document URLs live 300 ms; createFeed refills one token every ~120 ms
const clock = new VirtualClock(Date.parse('2026-11-20T12:00:00Z'));
const sb = new AmazonSandbox({ timeScale: TS, clock });
const orders = generateOrders({ seed: 11, perChannel: 60, channels: ['amazon'], to: '2026-11-20T11:00:00Z' }).byChannel.amazon;
let base = '';
let token = '';
const H = () => ({ 'x-amz-access-token': token });
const api = (path: string, opts: Parameters<typeof http>[1] = {}) => http(`${base}${path}`, { ...opts, headers: { ...H(), ...(opts.headers ?? {}) } });

beforeAll(async () => {
	base = await sb.start();
	sb.addOrders(orders);
	const t = await http(`${base}/auth/o2/token`, { form: { grant_type: 'refresh_token', refresh_token: AMAZON_SANDBOX_CREDENTIALS.refreshToken, client_id: AMAZON_SANDBOX_CREDENTIALS.lwaClientId, client_secret: AMAZON_SANDBOX_CREDENTIALS.lwaClientSecret } });
	token = t.json.access_token;
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.resetLimits();
	sb.clearFaults();
});

// the sandbox changes the orders it holds: keep what each was when seeded
const seeded = new Map(orders.map((o) => [o.id, o.status]));
const byStatus = (s: SeedOrder['status']) => orders.filter((o) => seeded.get(o.id) === s);
const unshipped = () => orders.filter((o) => o.status === 'paid' && sb.orders.get(o.id)!.status === 'paid');

/** createFeedDocument, upload, createFeed: the three calls of a feed submission */
async function submitFeed(feedType: string, contentType: string, content: string): Promise<string> {
	const d = await api('/feeds/2021-06-30/documents', { json: { contentType } });
	expect(d.status).toBe(201);
	const up = await http(d.json.url, { method: 'PUT', headers: { 'content-type': contentType }, body: content });
	expect(up.status).toBe(200);
	const f = await api('/feeds/2021-06-30/feeds', { json: { feedType, marketplaceIds: ['ATVPDKIKX0DER'], inputFeedDocumentId: d.json.feedDocumentId } });
	expect(f.status).toBe(202);
	return f.json.feedId;
}
async function feedResult(feedId: string): Promise<{ feed: Record<string, unknown>; report: string }> {
	await clock.advance(200_000 * TS * 4);
	const f = await api(`/feeds/2021-06-30/feeds/${feedId}`);
	const doc = await api(`/feeds/2021-06-30/documents/${f.json.resultFeedDocumentId}`);
	const report = await http(doc.json.url);
	return { feed: f.json, report: report.text };
}
const envelope = (type: string, messages: string[]) =>
	`<?xml version="1.0"?><AmazonEnvelope xsi:noNamespaceSchemaLocation="amzn-envelope.xsd"><Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>M_SANDBOX</MerchantIdentifier></Header><MessageType>${type}</MessageType>${messages.join('')}</AmazonEnvelope>`;
const ackMessage = (n: number, orderId: string, status: 'Success' | 'Failure', items: Array<{ code: string; reason?: string }> = []) =>
	`<Message><MessageID>${n}</MessageID><OrderAcknowledgement><AmazonOrderID>${orderId}</AmazonOrderID><StatusCode>${status}</StatusCode>${items
		.map((i) => `<Item><AmazonOrderItemCode>${i.code}</AmazonOrderItemCode>${i.reason ? `<CancelReason>${i.reason}</CancelReason>` : ''}</Item>`)
		.join('')}</OrderAcknowledgement></Message>`;
const adjMessage = (n: number, orderId: string, itemCode: string, comps: Record<string, string>, adjId?: string, reason = 'CustomerReturn') =>
	`<Message><MessageID>${n}</MessageID><OrderAdjustment><AmazonOrderID>${orderId}</AmazonOrderID><AdjustedItem><AmazonOrderItemCode>${itemCode}</AmazonOrderItemCode>${adjId ? `<MerchantAdjustmentItemID>${adjId}</MerchantAdjustmentItemID>` : ''}<AdjustmentReason>${reason}</AdjustmentReason><ItemPriceAdjustments>${Object.entries(
		comps,
	)
		.map(([t, a]) => `<Component><Type>${t}</Type><Amount currency="USD">${a}</Amount></Component>`)
		.join('')}</ItemPriceAdjustments></AdjustedItem></OrderAdjustment></Message>`;
async function ship(o: SeedOrder) {
	const r = await api(`/orders/v0/orders/${o.id}/shipmentConfirmation`, {
		json: { marketplaceId: 'ATVPDKIKX0DER', packageDetail: { packageReferenceId: '1', carrierCode: 'UPS', trackingNumber: `1Z${o.id.slice(-6)}`, shipDate: '2026-11-20T10:00:00Z', orderItems: o.lines.map((l, i) => ({ orderItemId: itemIdOf(o, i), quantity: l.quantity })) } },
	});
	expect(r.status).toBe(204);
}

describe('Feeds API 2021-06-30', () => {
	it('a JSON_LISTINGS_FEED goes IN_QUEUE, IN_PROGRESS, DONE and its report judges each message; accepted quantities apply', async () => {
		const messages = Array.from({ length: 1000 }, (_, i) => ({
			messageId: i + 1,
			sku: `BULK-${i}`,
			operationType: 'PATCH',
			productType: 'PRODUCT',
			patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: i === 7 ? -1 : i }] }],
		}));
		sb.invalidSkus.add('BULK-9');
		const feedId = await submitFeed('JSON_LISTINGS_FEED', 'application/json; charset=UTF-8', JSON.stringify({ header: { sellerId: AMAZON_SANDBOX_CREDENTIALS.sellerId, version: '2.0', issueLocale: 'en_US' }, messages }));
		expect((await api(`/feeds/2021-06-30/feeds/${feedId}`)).json).toMatchObject({ feedId, feedType: 'JSON_LISTINGS_FEED', processingStatus: 'IN_QUEUE' });
		await clock.advance(31_000 * TS);
		const running = (await api(`/feeds/2021-06-30/feeds/${feedId}`)).json;
		expect(running).toMatchObject({ processingStatus: 'IN_PROGRESS', processingStartTime: expect.any(String) });
		expect(running.resultFeedDocumentId).toBeUndefined();
		expect(sb.quantities.has('BULK-1')).toBe(false);
		const { feed, report } = await feedResult(feedId);
		expect(feed).toMatchObject({ processingStatus: 'DONE', processingEndTime: expect.any(String), resultFeedDocumentId: expect.any(String) });
		const r = JSON.parse(report);
		expect(r.header).toEqual({ sellerId: AMAZON_SANDBOX_CREDENTIALS.sellerId, version: '2.0', feedId });
		expect(r.summary).toEqual({ errors: 2, warnings: 0, messagesProcessed: 1000, messagesAccepted: 998, messagesInvalid: 2 });
		expect(r.issues.map((i: { messageId: number; sku: string; severity: string }) => [i.messageId, i.sku, i.severity])).toEqual([
			[8, 'BULK-7', 'ERROR'],
			[10, 'BULK-9', 'ERROR'],
		]);
		expect(sb.quantities.get('BULK-999')).toMatchObject({ quantity: 999, via: 'JSON_LISTINGS_FEED', feedId });
		expect(sb.quantities.has('BULK-7')).toBe(false);
		expect(sb.quantities.has('BULK-9')).toBe(false);
	});

	it('a feed document URL is pre-signed: it needs the content type it was signed for and expires after 5 minutes', async () => {
		const d = await api('/feeds/2021-06-30/documents', { json: { contentType: 'text/xml; charset=UTF-8' } });
		expect((await http(d.json.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);
		await clock.advance(301_000 * TS);
		const late = await http(d.json.url, { method: 'PUT', headers: { 'content-type': 'text/xml; charset=UTF-8' }, body: '<x/>' });
		expect(late.status).toBe(403);
		expect(late.text).toContain('Request has expired');
		// createFeed refuses a document that was never uploaded
		const f = await api('/feeds/2021-06-30/feeds', { json: { feedType: 'POST_ORDER_ACKNOWLEDGEMENT_DATA', marketplaceIds: ['ATVPDKIKX0DER'], inputFeedDocumentId: d.json.feedDocumentId } });
		expect(f.status).toBe(400);
		expect(f.json.errors[0].message).toMatch(/no contents/);
	});

	it('createFeed is limited to 0.0083 requests/s with a burst of 15 (429 QuotaExceeded, x-amzn-RateLimit-Limit)', async () => {
		const d = await api('/feeds/2021-06-30/documents', { json: { contentType: 'application/json' } });
		await http(d.json.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ header: { sellerId: AMAZON_SANDBOX_CREDENTIALS.sellerId, version: '2.0' }, messages: [{ messageId: 1, sku: 'X', operationType: 'DELETE' }] }) });
		const create = () => api('/feeds/2021-06-30/feeds', { json: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: ['ATVPDKIKX0DER'], inputFeedDocumentId: d.json.feedDocumentId } });
		const statuses: number[] = [];
		for (let i = 0; i < 16; i++) statuses.push((await create()).status);
		expect(statuses).toEqual([...new Array(15).fill(202), 429]);
		const refused = await create();
		expect(refused.json.errors[0].code).toBe('QuotaExceeded');
		expect(Number(refused.headers.get('x-amzn-ratelimit-limit'))).toBeCloseTo(0.0083 / TS, 6);
		await clock.advance(1000 / (0.0083 / TS) + 1);
		expect((await create()).status).toBe(202);
		sb.completeJobs();
	});

	it('only an IN_QUEUE feed can be cancelled; getFeeds pages with nextToken as its only parameter', async () => {
		const content = JSON.stringify({ header: { sellerId: AMAZON_SANDBOX_CREDENTIALS.sellerId, version: '2.0' }, messages: [{ messageId: 1, sku: 'C', operationType: 'DELETE' }] });
		const a = await submitFeed('JSON_LISTINGS_FEED', 'application/json', content);
		const b = await submitFeed('JSON_LISTINGS_FEED', 'application/json', content);
		expect((await api(`/feeds/2021-06-30/feeds/${b}`, { method: 'DELETE' })).status).toBe(200);
		expect((await api(`/feeds/2021-06-30/feeds/${b}`)).json.processingStatus).toBe('CANCELLED');
		await clock.advance(31_000 * TS);
		const refused = await api(`/feeds/2021-06-30/feeds/${a}`, { method: 'DELETE' });
		expect(refused.status).toBe(400);
		sb.completeJobs();
		const seen: string[] = [];
		let page = await api('/feeds/2021-06-30/feeds?feedTypes=JSON_LISTINGS_FEED&pageSize=5');
		seen.push(...page.json.feeds.map((f: { feedId: string }) => f.feedId));
		expect(page.json.feeds).toHaveLength(5);
		expect((await api(`/feeds/2021-06-30/feeds?nextToken=${page.json.nextToken}&pageSize=5`)).status).toBe(400);
		while (page.json.nextToken) {
			page = await api(`/feeds/2021-06-30/feeds?nextToken=${encodeURIComponent(page.json.nextToken)}`);
			seen.push(...page.json.feeds.map((f: { feedId: string }) => f.feedId));
		}
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen).toEqual(expect.arrayContaining([a, b]));
		expect((await api('/feeds/2021-06-30/feeds?pageSize=5')).status).toBe(400);
	});

	it('a staged FATAL feed applies nothing and says so', async () => {
		sb.failFeeds(1);
		const feedId = await submitFeed('JSON_LISTINGS_FEED', 'application/json', JSON.stringify({ header: { sellerId: AMAZON_SANDBOX_CREDENTIALS.sellerId, version: '2.0' }, messages: [{ messageId: 1, sku: 'FATAL-1', operationType: 'PATCH', productType: 'P', patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 3 }] }] }] }));
		const { feed, report } = await feedResult(feedId);
		expect(feed.processingStatus).toBe('FATAL');
		expect(JSON.parse(report).summary.messagesAccepted).toBe(0);
		expect(sb.quantities.has('FATAL-1')).toBe(false);
		// more than the schema's 25,000 messages in one feed
		const many = Array.from({ length: 25_001 }, (_, i) => ({ messageId: i + 1, sku: `MANY-${i}`, operationType: 'DELETE' }));
		const big = await feedResult(await submitFeed('JSON_LISTINGS_FEED', 'application/json', JSON.stringify({ header: { sellerId: AMAZON_SANDBOX_CREDENTIALS.sellerId, version: '2.0' }, messages: many })));
		expect(big.feed.processingStatus).toBe('FATAL');
		expect(JSON.parse(big.report).issues[0].message).toMatch(/25,000/);
	});
});

describe('POST_ORDER_ACKNOWLEDGEMENT_DATA', () => {
	it('StatusCode Failure cancels an unshipped MFN order with its reason; a shipped order or an unknown item is an error result', async () => {
		const [toCancel, partly] = unshipped().filter((o) => o.lines.length >= 1);
		const shipped = byStatus('shipped')[0];
		const multi = unshipped().find((o) => o.lines.length > 1 && o.id !== toCancel.id)!;
		const feedId = await submitFeed(
			'POST_ORDER_ACKNOWLEDGEMENT_DATA',
			'text/xml; charset=UTF-8',
			envelope('OrderAcknowledgement', [
				ackMessage(1, toCancel.id, 'Failure', [{ code: itemIdOf(toCancel, 0), reason: 'NoInventory' }, ...toCancel.lines.slice(1).map((_, i) => ({ code: itemIdOf(toCancel, i + 1), reason: 'NoInventory' }))]),
				ackMessage(2, shipped.id, 'Failure'),
				ackMessage(3, partly.id, 'Failure', [{ code: '99999999999999', reason: 'NoInventory' }]),
				ackMessage(4, multi.id, 'Failure', [{ code: itemIdOf(multi, 0), reason: 'BuyerCanceled' }]),
				ackMessage(5, partly.id, 'Success'),
			]),
		);
		const { feed, report } = await feedResult(feedId);
		expect(feed.processingStatus).toBe('DONE');
		expect(report).toContain('<MessagesProcessed>5</MessagesProcessed><MessagesSuccessful>3</MessagesSuccessful><MessagesWithError>2</MessagesWithError>');
		expect([...report.matchAll(/<Result><MessageID>(\d+)<\/MessageID><ResultCode>Error<\/ResultCode>/g)].map((m) => m[1])).toEqual(['2', '3']);
		const cancelled = (await api(`/orders/2026-01-01/orders/${toCancel.id}`)).json.order;
		expect(cancelled.fulfillment.fulfillmentStatus).toBe('CANCELLED');
		expect(cancelled.orderItems[0].cancellation).toEqual({ cancellationExecution: { cancelledBy: 'MERCHANT', cancelReason: 'NoInventory' } });
		const one = (await api(`/orders/2026-01-01/orders/${multi.id}`)).json.order;
		expect(one.fulfillment.fulfillmentStatus).toBe('UNSHIPPED');
		expect(one.orderItems[0]).toMatchObject({ cancellation: { cancellationExecution: { cancelledBy: 'MERCHANT', cancelReason: 'BuyerCanceled' } }, fulfillment: { quantityUnfulfilled: 0 } });
		expect(one.orderItems[1].cancellation).toBeUndefined();
		expect((await api(`/orders/2026-01-01/orders/${shipped.id}`)).json.order.fulfillment.fulfillmentStatus).toBe('SHIPPED');
		expect(sb.received.cancellations.map((c) => c.orderId)).toEqual([toCancel.id, multi.id]);
		expect(sb.received.acknowledgements.map((a) => a.orderId)).toEqual([partly.id]);
	});
});

describe('POST_PAYMENT_ADJUSTMENT_DATA (refunds)', () => {
	it('refunds a shipped item once: a repeated MerchantAdjustmentItemID, an over-refund or an unshipped item is an error result', async () => {
		const o = unshipped().find((x) => x.lines[0].unitPrice > 20)!;
		const never = unshipped().find((x) => x.id !== o.id)!;
		await ship(o);
		const code = itemIdOf(o, 0);
		const feedId = await submitFeed(
			'POST_PAYMENT_ADJUSTMENT_DATA',
			'text/xml',
			envelope('OrderAdjustment', [
				adjMessage(1, o.id, code, { Principal: '10.00', Tax: '0.80' }, 'RMA-1-A'),
				adjMessage(2, o.id, code, { Principal: '5.00' }, 'RMA-1-A'),
				adjMessage(3, o.id, code, { Principal: '99999.00' }, 'RMA-1-B'),
				adjMessage(4, never.id, itemIdOf(never, 0), { Principal: '1.00' }, 'RMA-2'),
				adjMessage(5, o.id, code, { Principal: '1.00' }, 'RMA-1-C', 'NotAReason'),
			]),
		);
		const { report } = await feedResult(feedId);
		expect(report).toContain('<MessagesProcessed>5</MessagesProcessed><MessagesSuccessful>1</MessagesSuccessful><MessagesWithError>4</MessagesWithError>');
		expect(report).toMatch(/MerchantAdjustmentItemID RMA-1-A was already used/);
		expect(report).toMatch(/exceeds the .* charged/);
		expect(report).toMatch(/has not shipped/);
		const mine = sb.refunds.filter((r) => r.orderId === o.id);
		expect(mine).toEqual([expect.objectContaining({ refundId: 'RMA-1-A', via: 'POST_PAYMENT_ADJUSTMENT_DATA', amount: 10.8, currency: 'USD', reason: 'CustomerReturn' })]);
		const ev = await api(`/finances/v0/orders/${o.id}/financialEvents`);
		const refund = ev.json.payload.FinancialEvents.RefundEventList[0];
		expect(refund.ShipmentItemAdjustmentList[0]).toMatchObject({ OrderItemId: code, OrderAdjustmentItemId: 'RMA-1-A', ItemChargeAdjustmentList: [{ ChargeType: 'Principal', ChargeAmount: { CurrencyCode: 'USD', CurrencyAmount: -10 } }, { ChargeType: 'Tax', ChargeAmount: { CurrencyCode: 'USD', CurrencyAmount: -0.8 } }] });
	});

	it('a refund failed on demand is refused, then the same message succeeds: exactly one refund', async () => {
		const o = unshipped()[0];
		await ship(o);
		const msg = envelope('OrderAdjustment', [adjMessage(1, o.id, itemIdOf(o, 0), { Principal: '1.00' }, 'RETRY-1')]);
		sb.failRefunds(1);
		const first = await feedResult(await submitFeed('POST_PAYMENT_ADJUSTMENT_DATA', 'text/xml', msg));
		expect(first.report).toContain('<MessagesWithError>1</MessagesWithError>');
		sb.failRefunds(1, { http: true, status: 503 });
		const d = await api('/feeds/2021-06-30/documents', { json: { contentType: 'text/xml' } });
		await http(d.json.url, { method: 'PUT', headers: { 'content-type': 'text/xml' }, body: msg });
		expect((await api('/feeds/2021-06-30/feeds', { json: { feedType: 'POST_PAYMENT_ADJUSTMENT_DATA', marketplaceIds: ['ATVPDKIKX0DER'], inputFeedDocumentId: d.json.feedDocumentId } })).status).toBe(503);
		const second = await feedResult(await submitFeed('POST_PAYMENT_ADJUSTMENT_DATA', 'text/xml', msg));
		expect(second.report).toContain('<MessagesWithError>0</MessagesWithError>');
		expect(sb.refunds.filter((r) => r.orderId === o.id)).toHaveLength(1);
	});
});

describe('Reports API: the MFN returns report', () => {
	it('a created return is in GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE (tab-separated, the documented columns); no data ends CANCELLED; over 60 days is refused', async () => {
		const o = byStatus('shipped').find((x) => x.lines[0].quantity >= 1)!;
		const [ret] = sb.createReturn(o.id, { items: [{ orderItemId: itemIdOf(o, 0), quantity: 1 }], reason: 'CR-DEFECTIVE' });
		expect(() => sb.createReturn(o.id, { items: [{ orderItemId: itemIdOf(o, 0), quantity: o.lines[0].quantity }] })).toThrow(/shipped and not returned/);
		expect(() => sb.createReturn(unshipped()[0].id)).toThrow();
		const start = new Date(clock.now() - 86400_000).toISOString();
		const c = await api('/reports/2021-06-30/reports', { json: { reportType: 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE', marketplaceIds: ['ATVPDKIKX0DER'], dataStartTime: start } });
		expect(c.status).toBe(202);
		expect((await api(`/reports/2021-06-30/reports/${c.json.reportId}`)).json.processingStatus).toBe('IN_QUEUE');
		await clock.advance(16_000 * TS);
		expect((await api(`/reports/2021-06-30/reports/${c.json.reportId}`)).json.processingStatus).toBe('IN_PROGRESS');
		await clock.advance(50_000 * TS);
		const done = (await api(`/reports/2021-06-30/reports/${c.json.reportId}`)).json;
		expect(done).toMatchObject({ processingStatus: 'DONE', reportDocumentId: expect.any(String) });
		const doc = await api(`/reports/2021-06-30/documents/${done.reportDocumentId}`);
		const rows = parseDelimited((await http(doc.json.url)).text, '\t');
		expect(rows[0]).toEqual(RETURNS_REPORT_COLUMNS);
		expect(rows[0]).toHaveLength(32);
		const row = Object.fromEntries(rows[0].map((k, i) => [k, rows[1][i]]));
		expect(row).toMatchObject({ 'Order ID': o.id, 'Amazon RMA ID': ret.amazonRmaId, 'Merchant SKU': o.lines[0].sku, 'Return quantity': '1', 'Return Reason': 'CR-DEFECTIVE', 'Currency code': 'USD' });
		// a range with no returns
		const empty = await api('/reports/2021-06-30/reports', { json: { reportType: 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE', marketplaceIds: ['ATVPDKIKX0DER'], dataStartTime: '2026-01-01T00:00:00Z', dataEndTime: '2026-01-02T00:00:00Z' } });
		await clock.advance(70_000 * TS);
		expect((await api(`/reports/2021-06-30/reports/${empty.json.reportId}`)).json).toMatchObject({ processingStatus: 'CANCELLED' });
		const tooLong = await api('/reports/2021-06-30/reports', { json: { reportType: 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE', marketplaceIds: ['ATVPDKIKX0DER'], dataStartTime: '2026-08-01T00:00:00Z', dataEndTime: '2026-10-15T00:00:00Z' } });
		expect(tooLong.status).toBe(400);
		const settlement = await api('/reports/2021-06-30/reports', { json: { reportType: 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2', marketplaceIds: ['ATVPDKIKX0DER'] } });
		expect(settlement.status).toBe(400);
		expect(settlement.json.errors[0].message).toMatch(/cannot be requested/);
	});
});

describe('settlement report V2 and Finances v0', () => {
	const sum = (rows: string[][], col: number) => rows.reduce((s, r) => s + Math.round(Number(r[col]) * 100), 0);

	it('closeSettlement publishes a Flat File V2 report getReports finds; the deposit is the sum of its rows and matches the financial event group', async () => {
		const refunded = sb.refunds.length;
		expect(refunded).toBeGreaterThan(0);
		sb.closeSettlement();
		const list = await api('/reports/2021-06-30/reports?reportTypes=GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2');
		expect(list.json.reports).toHaveLength(1);
		const rep = list.json.reports[0];
		expect(rep).toMatchObject({ reportType: 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2', processingStatus: 'DONE', reportDocumentId: expect.any(String) });
		const doc = await api(`/reports/2021-06-30/documents/${rep.reportDocumentId}`);
		const rows = parseDelimited((await http(doc.json.url)).text, '\t');
		expect(rows[0]).toEqual([...SETTLEMENT_V2_COLUMNS]);
		const [summary, ...lines] = rows.slice(1);
		const s = sb.settlements[0];
		expect(summary.slice(0, 6)).toEqual([s.settlementId, expect.stringMatching(/UTC$/), expect.stringMatching(/UTC$/), expect.stringMatching(/UTC$/), (s.totalCents / 100).toFixed(2), 'USD']);
		expect(sum(lines, 14)).toBe(s.totalCents);
		expect(lines.every((r) => r.length === 23 && r[0] === s.settlementId && /^\d\d\/\d\d\/\d\d$/.test(r[16]) && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/.test(r[17]))).toBe(true);
		// every seeded shipped order and every order shipped here is in it; the refunds too, with the referral fee given back
		const inReport = new Set(lines.filter((r) => r[6] === 'Order').map((r) => r[7]));
		for (const o of byStatus('shipped')) expect(inReport.has(o.id)).toBe(true);
		expect(lines.filter((r) => r[6] === 'Refund' && r[12] === 'ItemFees' && r[13] === 'RefundCommission').length).toBe(refunded);
		// commissions follow the fee table
		for (const o of byStatus('shipped')) {
			const of = lines.filter((r) => r[7] === o.id && r[6] === 'Order');
			const principal = sum(of.filter((r) => r[13] === 'Principal' && r[12] === 'ItemPrice'), 14);
			const shipping = sum(of.filter((r) => r[13] === 'Shipping'), 14);
			const promo = sum(of.filter((r) => r[12] === 'Promotion'), 14);
			const fee = -sum(of.filter((r) => r[13] === 'Commission'), 14);
			// per item: 15% of price and shipping less promotion, rounded, at least 0.30 a unit
			expect(Math.abs(fee - Math.max(Math.round((principal + shipping + promo) * AMAZON_FEE_TABLE.referralRate), 30))).toBeLessThanOrEqual(o.lines.length);
		}
		const groups = await api('/finances/v0/financialEventGroups');
		const closed = groups.json.payload.FinancialEventGroupList.find((g: { ProcessingStatus: string }) => g.ProcessingStatus === 'Closed');
		expect(closed).toMatchObject({ FinancialEventGroupId: s.financialEventGroupId, OriginalTotal: { CurrencyCode: 'USD', CurrencyAmount: s.totalCents / 100 } });
		const byGroup = await api(`/finances/v0/financialEventGroups/${s.financialEventGroupId}/financialEvents`);
		expect(byGroup.json.payload.FinancialEvents.ShipmentEventList.length).toBe(inReport.size);
	});

	it('listFinancialEvents pages with NextToken (same arguments) and refuses a PostedAfter less than two minutes old', async () => {
		const after = '2026-10-01T00:00:00Z';
		const ids: string[] = [];
		let token: string | undefined;
		do {
			const r = await api(`/finances/v0/financialEvents?PostedAfter=${after}&MaxResultsPerPage=7${token ? `&NextToken=${encodeURIComponent(token)}` : ''}`);
			expect(r.status).toBe(200);
			const fe = r.json.payload.FinancialEvents;
			expect(fe.ShipmentEventList.length + fe.RefundEventList.length).toBeLessThanOrEqual(7);
			ids.push(...fe.ShipmentEventList.map((e: { AmazonOrderId: string }) => `S${e.AmazonOrderId}`), ...fe.RefundEventList.map((e: { AmazonOrderId: string }) => `R${e.AmazonOrderId}`));
			token = r.json.payload.NextToken;
		} while (token);
		// everything posted more than two minutes ago (the default PostedBefore)
		expect(ids.length).toBe(sb.events.filter((e) => e.postedAt < clock.now() - 120_000 * TS).length);
		expect(ids.length).toBeGreaterThan(7);
		// more than 180 days between PostedAfter and PostedBefore: an empty answer
		const far = await api('/finances/v0/financialEvents?PostedAfter=2026-01-01T00:00:00Z');
		expect(far.json.payload.FinancialEvents.ShipmentEventList).toEqual([]);
		const first = await api(`/finances/v0/financialEvents?PostedAfter=${after}&MaxResultsPerPage=7`);
		expect((await api(`/finances/v0/financialEvents?PostedAfter=2026-10-02T00:00:00Z&MaxResultsPerPage=7&NextToken=${encodeURIComponent(first.json.payload.NextToken)}`)).status).toBe(400);
		expect((await api(`/finances/v0/financialEvents?PostedAfter=${new Date(clock.now() - 60_000 * TS).toISOString()}`)).status).toBe(400);
		expect((await api('/finances/v0/financialEvents?PostedBefore=2026-11-01T00:00:00Z')).status).toBe(400);
	});

	it('planted discrepancies: an over-fee, a missing settlement, a double-charged refund and a deposit that does not add up', async () => {
		const [a, b, c] = unshipped();
		const overFee = sb.plantDiscrepancy('over_fee', { orderId: a.id });
		const missing = sb.plantDiscrepancy('missing_settlement', { orderId: b.id });
		const double = sb.plantDiscrepancy('double_refund', { orderId: c.id });
		const mismatch = sb.plantDiscrepancy('payout_mismatch', { deltaCents: -1234 });
		for (const o of [a, b, c]) await ship(o);
		await feedResult(await submitFeed('POST_PAYMENT_ADJUSTMENT_DATA', 'text/xml', envelope('OrderAdjustment', [adjMessage(1, c.id, itemIdOf(c, 0), { Principal: '2.00' }, 'DBL-1')])));
		const [s] = sb.closeSettlement();
		const doc = await api(`/reports/2021-06-30/documents/${s.reportDocumentId}`);
		const rows = parseDelimited((await http(doc.json.url)).text, '\t').slice(2);
		expect(overFee).toMatchObject({ applied: true, orderId: a.id, settlementId: s.settlementId });
		expect(overFee.actualCents! - overFee.expectedCents!).toBeGreaterThan(0);
		expect(-sum(rows.filter((r) => r[7] === a.id && r[13] === 'Commission'), 14)).toBe(overFee.actualCents);
		expect(missing).toMatchObject({ applied: true, orderId: b.id });
		expect(rows.some((r) => r[7] === b.id)).toBe(false);
		expect(double).toMatchObject({ applied: true, orderId: c.id, settlementId: s.settlementId });
		expect(rows.filter((r) => r[6] === 'Refund' && r[7] === c.id && r[13] === 'Principal').map((r) => r[14])).toEqual(['-2.00', '-2.00']);
		expect(sb.refunds.filter((r) => r.orderId === c.id)).toHaveLength(1);
		expect(mismatch).toMatchObject({ applied: true, settlementId: s.settlementId });
		expect(s.totalCents - sum(rows, 14)).toBe(-1234);
		expect(s.rowsTotalCents).toBe(sum(rows, 14));
	});
});

describe('issue 20 controls', () => {
	it('a buyer cancellation request, a cancelled order, a late payment and an address change show in getOrder', async () => {
		const [req, cancel] = unshipped();
		sb.requestCancellation(req.id, 'Found a better price');
		expect((await api(`/orders/2026-01-01/orders/${req.id}`)).json.order.orderItems[0].cancellation).toEqual({ cancellationRequest: { requester: 'BUYER', cancelReason: 'Found a better price' } });
		sb.cancelOrder(cancel.id, { by: 'AMAZON', reason: 'PaymentFailed' });
		const c = (await api(`/orders/2026-01-01/orders/${cancel.id}`)).json.order;
		expect(c.fulfillment.fulfillmentStatus).toBe('CANCELLED');
		expect(c.orderItems[0].cancellation.cancellationExecution).toEqual({ cancelledBy: 'AMAZON', cancelReason: 'PaymentFailed' });
		const pending = byStatus('pending')[0];
		expect((await api(`/orders/2026-01-01/orders/${pending.id}`)).json.order.recipient).toBeUndefined();
		const before = sb.orders.get(pending.id)!.updatedAt;
		await clock.advance(1000);
		sb.markPaid(pending.id);
		const paid = (await api(`/orders/2026-01-01/orders/${pending.id}`)).json.order;
		expect(paid.fulfillment.fulfillmentStatus).toBe('UNSHIPPED');
		expect(paid.recipient.deliveryAddress).toBeDefined();
		expect(Date.parse(paid.lastUpdatedTime)).toBeGreaterThan(Date.parse(before.replace(/\.\d{3}Z$/, 'Z')));
		expect(() => sb.markPaid(pending.id)).toThrow(/not pending/);
		sb.changeAddress(pending.id, { line1: '1 New Street', city: 'Portland' });
		expect((await api(`/orders/2026-01-01/orders/${pending.id}`)).json.order.recipient.deliveryAddress).toMatchObject({ addressLine1: '1 New Street', city: 'Portland' });
	});

	it('a confirmation applied but whose answer is lost: the retry is accepted as a duplicate, the order ships once', async () => {
		const o = unshipped().find((x) => !sb.received.shipments.some((s) => s.orderId === x.id))!;
		const events = sb.events.length;
		sb.failConfirmations('lost');
		await expect(ship(o)).rejects.toThrow();
		expect(sb.orders.get(o.id)!.status).toBe('shipped');
		await ship(o);
		expect(sb.received.shipments.filter((s) => s.orderId === o.id).map((s) => !!s.duplicate)).toEqual([false, true]);
		expect(sb.events.length).toBe(events + 1);
		for (const kind of ['error', 'throttle'] as const) {
			sb.failConfirmations(kind, 3);
			const statuses: number[] = [];
			for (let i = 0; i < 4; i++)
				statuses.push(
					(
						await api(`/orders/v0/orders/${o.id}/shipmentConfirmation`, {
							json: { marketplaceId: 'ATVPDKIKX0DER', packageDetail: { packageReferenceId: '1', carrierCode: 'UPS', trackingNumber: '1Z', shipDate: '2026-11-20T10:00:00Z', orderItems: [{ orderItemId: itemIdOf(o, 0), quantity: 1 }] } },
						})
					).status,
				);
			expect(statuses).toEqual(kind === 'error' ? [503, 503, 503, 204] : [429, 429, 429, 204]);
		}
	});
});

describe('settlement report generator (benchmarks)', () => {
	it('writes exactly 200,000 amount rows whose sum is the total-amount of the summary row', () => {
		const g = generateSettlementV2({ rows: 200_000, seed: 3 });
		const lines = g.text.split('\n').filter(Boolean);
		expect(lines).toHaveLength(200_002);
		expect(lines[0].split('\t')).toEqual([...SETTLEMENT_V2_COLUMNS]);
		const summary = lines[1].split('\t');
		let total = 0;
		for (let i = 2; i < lines.length; i++) total += Math.round(Number(lines[i].split('\t')[14]) * 100);
		expect(total).toBe(g.totalCents);
		expect(Math.round(Number(summary[4]) * 100)).toBe(g.totalCents);
		expect(g.orders).toBeGreaterThan(20_000);
		expect(g.refunds).toBeGreaterThan(0);
		expect(generateSettlementV2({ rows: 5000, seed: 3 }).text).toBe(generateSettlementV2({ rows: 5000, seed: 3 }).text);
	});
});
