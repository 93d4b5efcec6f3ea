/**
 * The Walmart sandbox's after-intake APIs over HTTP, as Walmart's models and pages document them: the bulk
 * inventory feed (multipart upload, RECEIVED/INPROGRESS/PROCESSED, item details paged by 50, 10 feeds an hour),
 * intent to cancel and acknowledgement deadlines, the Returns API (paging, refund by return once), order-line
 * refunds, the v1 reconciliation report, and the controls tests stage with. On a VirtualClock moved by the test.
 */
import { WalmartSandbox, WALMART_FEE_TABLE, WALMART_SANDBOX_CREDENTIALS, RECON_COLUMNS } from '../../sandbox/channels/walmart';
import { generateOrders, type SeedOrder } from '../../sandbox/generator';
import { VirtualClock } from '../../sandbox/testkit';
import { http, multipart, parseDelimited } from './http';

const TS = 0.001;
const clock = new VirtualClock(Date.parse('2026-11-20T12:00:00Z'));
const sb = new WalmartSandbox({ timeScale: TS, clock });
const orders = generateOrders({ seed: 31, perChannel: 300, channels: ['walmart'], to: '2026-11-20T11:00:00Z' }).byChannel.walmart;
const seeded = new Map(orders.map((o) => [o.id, o.status]));
const used = new Set<string>();
/** an order seeded with status `s` that no other test has touched */
const take = (s: SeedOrder['status'], pred: (o: SeedOrder) => boolean = () => true) => {
	const o = orders.find((x) => seeded.get(x.id) === s && !used.has(x.id) && pred(x))!;
	used.add(o.id);
	return o;
};
let base = '';
let token = '';
const H = () => ({ 'wm_svc.name': 'Walmart Marketplace', 'wm_qos.correlation_id': `t-${Math.random()}`, 'wm_sec.access_token': token, accept: 'application/json' });
const api = (path: string, opts: Parameters<typeof http>[1] = {}) => http(`${base}${path}`, { ...opts, headers: { ...H(), ...(opts.headers ?? {}) } });
const units = (o: SeedOrder) => o.lines.reduce((s, l) => s + l.quantity, 0);
async function ship(o: SeedOrder, lineNumbers = Array.from({ length: units(o) }, (_, i) => String(i + 1)), override?: boolean) {
	return api(`/v3/orders/${o.id}/shipping`, {
		json: {
			orderShipment: {
				orderLines: {
					orderLine: lineNumbers.map((n) => ({
						lineNumber: n,
						...(override === undefined ? {} : { intentToCancelOverride: override }),
						orderLineStatuses: { orderLineStatus: [{ status: 'Shipped', statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' }, trackingInfo: { shipDateTime: clock.now(), carrierName: { carrier: 'UPS' }, methodCode: 'Standard', trackingNumber: `1Z${o.id.slice(-8)}` } }] },
					})),
				},
			},
		},
	});
}

beforeAll(async () => {
	base = await sb.start();
	sb.addOrders(orders);
	const t = await http(`${base}/v3/token`, { form: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${Buffer.from(`${WALMART_SANDBOX_CREDENTIALS.clientId}:${WALMART_SANDBOX_CREDENTIALS.clientSecret}`).toString('base64')}`, 'wm_svc.name': 'Walmart Marketplace', 'wm_qos.correlation_id': 'tok' } });
	token = t.json.access_token;
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.resetLimits();
	sb.clearFaults();
});

describe('bulk inventory feed', () => {
	it('a feedType=inventory file of 2,000 SKUs goes RECEIVED, INPROGRESS, PROCESSED; item details page by 50 and say which SKUs failed', async () => {
		const inventory = Array.from({ length: 2000 }, (_, i) => ({ sku: `WM-${i}`, quantity: { unit: 'EACH', amount: i === 5 ? -2 : i } }));
		sb.invalidSkus.add('WM-7');
		const m = multipart('file', 'inventory.json', 'application/json', JSON.stringify({ InventoryHeader: { version: '1.4' }, Inventory: inventory }));
		const c = await api('/v3/feeds?feedType=inventory', { body: m.body, headers: { 'content-type': m.contentType } });
		expect(c.status).toBe(200);
		const feedId: string = c.json.feedId;
		expect(feedId).toContain('@');
		const status = (q = '') => api(`/v3/feeds/${encodeURIComponent(feedId)}${q}`);
		expect((await status()).json).toMatchObject({ feedId, feedStatus: 'RECEIVED', itemsReceived: 2000, itemsProcessing: 2000 });
		await clock.advance(61_000 * TS);
		expect((await status()).json.feedStatus).toBe('INPROGRESS');
		expect(sb.quantities.has('WM-1')).toBe(false);
		await clock.advance(300_000 * TS);
		expect((await status()).json).toMatchObject({ feedStatus: 'PROCESSED', itemsReceived: 2000, itemsSucceeded: 1998, itemsFailed: 2, itemsProcessing: 0 });
		const page = (await status('?includeDetails=true&offset=0&limit=50')).json;
		expect(page.itemDetails.itemIngestionStatus).toHaveLength(50);
		expect(page.itemDetails.itemIngestionStatus.filter((i: { ingestionStatus: string }) => i.ingestionStatus !== 'SUCCESS').map((i: { sku: string; index: number; ingestionStatus: string }) => [i.sku, i.index, i.ingestionStatus])).toEqual([
			['WM-5', 5, 'DATA_ERROR'],
			['WM-7', 7, 'DATA_ERROR'],
		]);
		expect((await status('?includeDetails=true&offset=1950&limit=50')).json.itemDetails.itemIngestionStatus.at(-1)).toMatchObject({ sku: 'WM-1999', index: 1999, ingestionStatus: 'SUCCESS' });
		expect((await status('?includeDetails=true&limit=51')).status).toBe(400);
		expect(sb.quantities.get('WM-1999')).toMatchObject({ quantity: 1999, via: 'inventoryFeed', feedId });
		expect(sb.quantities.has('WM-5')).toBe(false);
		const all = await api('/v3/feeds');
		expect(all.json.results.feed[0]).toMatchObject({ feedId, feedType: 'inventory', feedStatus: 'PROCESSED', itemsSucceeded: 1998 });
	});

	it('a file that is not spec 1.4 ends ERROR; feeds are limited to 10 an hour (429 with Retry-After)', async () => {
		const bad = multipart('file', 'x.json', 'application/json', '{"nope":true}');
		const c = await api('/v3/feeds?feedType=inventory', { body: bad.body, headers: { 'content-type': bad.contentType } });
		sb.completeJobs();
		const st = (await api(`/v3/feeds/${encodeURIComponent(c.json.feedId)}`)).json;
		expect(st.feedStatus).toBe('ERROR');
		expect(st.ingestionErrors.ingestionError[0].description).toMatch(/InventoryHeader/);
		const good = multipart('file', 'y.json', 'application/json', JSON.stringify({ InventoryHeader: { version: '1.4' }, Inventory: [{ sku: 'ONE', quantity: { unit: 'EACH', amount: 1 } }] }));
		const statuses: number[] = [];
		// the bad file was the first of the hour's 10
		for (let i = 0; i < 10; i++) statuses.push((await api('/v3/feeds?feedType=inventory', { body: good.body, headers: { 'content-type': good.contentType } })).status);
		expect(statuses).toEqual([...new Array(9).fill(200), 429]);
		const refused = await api('/v3/feeds?feedType=inventory', { body: good.body, headers: { 'content-type': good.contentType } });
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(refused.headers.get('x-current-token-count')).toBe('0');
		await clock.advance((3600_000 / 10) * TS + 1);
		expect((await api('/v3/feeds?feedType=inventory', { body: good.body, headers: { 'content-type': good.contentType } })).status).toBe(200);
		await clock.advance((3600_000 / 10) * TS + 1);
		expect((await api('/v3/feeds?feedType=price', { body: good.body, headers: { 'content-type': good.contentType } })).status).toBe(400);
		sb.completeJobs();
	});

	it('failFeeds: the next feed ends ERROR with the staged words and applies nothing', async () => {
		sb.resetLimits();
		sb.failFeeds(1, 'Staged: feed rejected');
		const good = multipart('file', 'z.json', 'application/json', JSON.stringify({ InventoryHeader: { version: '1.4' }, Inventory: [{ sku: 'STAGED-1', quantity: { unit: 'EACH', amount: 4 } }] }));
		const c = await api('/v3/feeds?feedType=inventory', { body: good.body, headers: { 'content-type': good.contentType } });
		sb.completeJobs();
		const st = (await api(`/v3/feeds/${encodeURIComponent(c.json.feedId)}`)).json;
		expect(st.feedStatus).toBe('ERROR');
		expect(st.ingestionErrors.ingestionError[0].description).toBe('Staged: feed rejected');
		expect(sb.quantities.has('STAGED-1')).toBe(false);
		// only the next one
		const again = await api('/v3/feeds?feedType=inventory', { body: good.body, headers: { 'content-type': good.contentType } });
		sb.completeJobs();
		expect((await api(`/v3/feeds/${encodeURIComponent(again.json.feedId)}`)).json.feedStatus).toBe('PROCESSED');
		expect(sb.quantities.get('STAGED-1')).toMatchObject({ quantity: 4 });
	});
});

describe('issue 20: cancellations, acknowledgement and confirmations', () => {
	it('a customer intent to cancel shows on the line; shipping it needs intentToCancelOverride', async () => {
		const o = take('paid');
		sb.requestCancellation(o.id);
		const got = (await api(`/v3/orders/${o.id}`)).json.order;
		expect(got.orderLines.orderLine[0].intentToCancel).toBe('Y');
		const refused = await ship(o);
		expect(refused.status).toBe(400);
		expect(refused.json.errors.error[0].description).toMatch(/intentToCancelOverride/);
		expect((await ship(o, undefined, true)).status).toBe(200);
	});

	it('orders left unacknowledged are auto-cancelled after the (scaled) deadline when enabled; acknowledged ones are not', async () => {
		const late = new WalmartSandbox({ timeScale: TS, clock });
		const url = await late.start();
		const [ackd, left] = generateOrders({ seed: 32, perChannel: 40, channels: ['walmart'], to: '2026-11-20T11:00:00Z' }).byChannel.walmart.filter((o) => o.status === 'paid');
		late.addOrders([ackd, left]);
		late.autoCancelUnacknowledged({ afterHours: 4 });
		const lapi = (path: string, opts: Parameters<typeof http>[1] = {}) => http(`${url}${path}`, { ...opts, headers: { ...H(), ...(opts.headers ?? {}) } });
		const t = await http(`${url}/v3/token`, { form: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${Buffer.from(`${WALMART_SANDBOX_CREDENTIALS.clientId}:${WALMART_SANDBOX_CREDENTIALS.clientSecret}`).toString('base64')}`, 'wm_svc.name': 'W', 'wm_qos.correlation_id': 'x' } });
		const auth = { 'wm_sec.access_token': t.json.access_token };
		expect((await lapi(`/v3/orders/${ackd.id}/acknowledge`, { method: 'POST', headers: auth })).status).toBe(200);
		await clock.advance(3.9 * 3600_000 * TS);
		expect((await lapi(`/v3/orders/${left.id}`, { headers: auth })).json.order.orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0].status).toBe('Created');
		await clock.advance(0.2 * 3600_000 * TS);
		const gone = (await lapi(`/v3/orders/${left.id}`, { headers: auth })).json.order.orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0];
		expect(gone).toMatchObject({ status: 'Cancelled', cancellationReason: 'SELLER_CANCEL_AUTO' });
		expect((await lapi(`/v3/orders/${ackd.id}`, { headers: auth })).json.order.orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0].status).toBe('Acknowledged');
		await late.close();
	});

	it('Walmart cancels lines; an address changes; there is no paid-later state; a lost confirmation is applied once', async () => {
		const o = take('paid');
		sb.cancelOrder(o.id, { reason: 'CUSTOMER_CANCELLED' });
		expect((await api(`/v3/orders/${o.id}`)).json.order.orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0]).toMatchObject({ status: 'Cancelled', cancellationReason: 'CUSTOMER_CANCELLED' });
		expect(() => sb.markPaid(o.id)).toThrow(/only after payment/);
		const p = take('paid');
		sb.changeAddress(p.id, { line1: '3 Elm St', city: 'Bentonville' });
		expect((await api(`/v3/orders/${p.id}`)).json.order.shippingInfo.postalAddress).toMatchObject({ address1: '3 Elm St', city: 'Bentonville' });
		const sales = sb.events.length;
		sb.failConfirmations('lost');
		await expect(ship(p)).rejects.toThrow();
		expect((await ship(p)).status).toBe(200);
		expect(sb.received.shipments.filter((s) => s.purchaseOrderId === p.id).map((s) => !!s.duplicate)).toEqual([false, true]);
		expect(sb.events.length).toBe(sales + units(p));
	});
});

describe('issue 21: returns and refunds', () => {
	it('GET /v3/returns pages with nextCursor and filters by status; refund by return refunds returned units once', async () => {
		const shipped = Array.from({ length: 7 }, () => take('shipped'));
		const rets = shipped.map((o) => sb.createReturn(o.id, { lineNumbers: ['1'], reason: 'DEFECTIVE' }));
		expect(() => sb.createReturn(shipped[0].id, { lineNumbers: ['1'] })).toThrow(/not already returned/);
		expect(() => sb.createReturn(take('paid').id)).toThrow(/must be shipped/);
		const seen: string[] = [];
		let q = '?limit=3';
		for (;;) {
			const r = await api(`/v3/returns${q}`);
			expect(r.json.meta).toMatchObject({ totalCount: 7, limit: 3 });
			seen.push(...r.json.returnOrders.map((x: { returnOrderId: string }) => x.returnOrderId));
			if (!r.json.meta.nextCursor) break;
			q = r.json.meta.nextCursor;
		}
		expect(seen).toEqual(rets.map((r) => r.returnOrderId));
		expect((await api('/v3/returns?limit=201')).status).toBe(400);
		sb.advanceReturn(rets[0].returnOrderId, 'DELIVERED');
		const delivered = await api('/v3/returns?status=DELIVERED');
		expect(delivered.json.returnOrders.map((x: { returnOrderId: string }) => x.returnOrderId)).toEqual([rets[0].returnOrderId]);
		expect(delivered.json.returnOrders[0].returnOrderLines[0]).toMatchObject({ returnReason: 'DEFECTIVE', purchaseOrderId: shipped[0].id, purchaseOrderLineNumber: 1, quantity: { unitOfMeasure: 'EACH', measurementValue: 1 }, refundedQty: 0, status: 'DELIVERED' });

		const r = rets[0];
		const refund = (body: unknown) => api(`/v3/returns/${r.returnOrderId}/refund`, { json: body });
		expect((await refund({ customerOrderId: 'other', refundLines: [{ returnOrderLineNumber: 1 }] })).status).toBe(400);
		expect((await refund({ customerOrderId: r.customerOrderId, refundLines: [{ quantity: { unitOfMeasure: 'EACH', measurementValue: 2 } }] })).status).toBe(400);
		sb.failRefunds(1);
		expect((await refund({ customerOrderId: r.customerOrderId, refundLines: [{ quantity: { unitOfMeasure: 'EACH', measurementValue: 1 } }] })).status).toBe(500);
		const ok = await refund({ customerOrderId: r.customerOrderId, refundLines: [{ quantity: { unitOfMeasure: 'EACH', measurementValue: 1 } }] });
		expect(ok.json).toEqual({ returnOrderId: r.returnOrderId, customerOrderId: r.customerOrderId, refundLines: [{ returnOrderLineNumber: 1, quantity: { unitOfMeasure: 'EACH', measurementValue: 1 } }] });
		expect((await refund({ customerOrderId: r.customerOrderId, refundLines: [{ returnOrderLineNumber: 1 }] })).status).toBe(400);
		const mine = sb.refunds.filter((x) => x.returnId === r.returnOrderId);
		expect(mine).toHaveLength(1);
		expect(mine[0].amount).toBe((r.lines[0].unitPriceCents + r.lines[0].unitTaxCents) / 100);
		expect((await api(`/v3/returns?returnOrderId=${r.returnOrderId}`)).json.returnOrders[0].returnOrderLines[0]).toMatchObject({ refundedQty: 1, currentRefundStatus: 'REFUND_COMPLETED' });
	});

	it('refunds order lines: shipped lines only, negative amounts, full and partial apart, never above the charges', async () => {
		const o = take('shipped', (x) => units(x) >= 2);
		const paid = take('paid');
		const charge = (amount: number, tax = 0) => ({ refundReason: 'Merchandise not received', charge: { chargeType: 'PRODUCT', chargeName: 'Item Price', chargeAmount: { currency: 'USD', amount }, tax: { taxName: 'Item Price Tax', taxAmount: { currency: 'USD', amount: tax } } } });
		const line = (lineNumber: string, full: boolean, ...charges: unknown[]) => ({ lineNumber, isFullRefund: full, refunds: { refund: [{ refundComments: 'sandbox', refundCharges: { refundCharge: charges } }] } });
		const refund = (po: string, ...lines: unknown[]) => api(`/v3/orders/${po}/refund`, { json: { orderRefund: { purchaseOrderId: po, orderLines: { orderLine: lines } } } });
		expect((await refund(paid.id, line('1', false, charge(-1)))).status).toBe(400);
		expect((await refund(o.id, line('1', false, charge(1)))).status).toBe(400);
		expect((await refund(o.id, line('1', true, charge(-1)), line('2', false, charge(-1)))).status).toBe(400);
		expect((await refund(o.id, line('1', false, charge(-99999)))).status).toBe(400);
		const part = await refund(o.id, line('1', false, charge(-1.5, -0.12)));
		expect(part.status).toBe(200);
		expect(part.json.order.orderLines.orderLine[0].refund).toMatchObject({ refundId: expect.any(String), refundComments: 'sandbox', refundCharges: { refundCharge: [charge(-1.5, -0.12)] } });
		const full = await refund(o.id, line('2', true, charge(-0.01)));
		expect(full.status).toBe(200);
		const l2 = o.lines[0].quantity >= 2 ? o.lines[0] : o.lines[1];
		const amounts = sb.refunds.filter((r) => r.orderId === o.id).map((r) => r.amount);
		expect(amounts[0]).toBe(1.62);
		expect(amounts[1]).toBeGreaterThanOrEqual(l2.unitPrice);
		expect((await refund(o.id, line('2', false, charge(-0.01)))).status).toBe(400);
	});
});

describe('issue 22: the reconciliation report', () => {
	const sum = (rows: string[][], col: number) => rows.reduce((s, r) => s + Math.round(Number(r[col] || 0) * 100), 0);

	it('closeSettlement publishes a v1 report: PaymentSummary first, its Total Payable the sum of the amounts; fees follow the table; JSON agrees', async () => {
		expect((await api('/v3/report/reconreport/availableReconFiles')).status).toBe(400);
		const s = sb.closeSettlement()!;
		const dates = (await api('/v3/report/reconreport/availableReconFiles?reportVersion=v1')).json.availableApReportDates;
		expect(dates).toEqual([s.reportDate]);
		const file = await api(`/v3/report/reconreport/reconFile?reportDate=${s.reportDate}&reportVersion=v1`);
		expect(file.headers.get('content-type')).toBe('application/octet-stream');
		const rows = parseDelimited(file.text, ',');
		expect(rows[0]).toEqual(RECON_COLUMNS);
		const col = (name: string) => RECON_COLUMNS.indexOf(name);
		const [summary, ...lines] = rows.slice(1);
		expect(summary[col('Transaction Type')]).toBe('PaymentSummary');
		expect(summary[col('Transaction Description')]).toBe('Deposited in account');
		expect(Math.round(Number(summary[col('Total Payable')]) * 100)).toBe(sum(lines, col('Amount')));
		expect(lines.every((r) => r.length === RECON_COLUMNS.length)).toBe(true);
		for (const o of orders.filter((x) => seeded.get(x.id) === 'shipped').slice(0, 5)) {
			const mine = lines.filter((r) => r[col('Purchase Order #')] === o.id && r[col('Transaction Type')] === 'Sale');
			const price = sum(mine.filter((r) => r[col('Amount Type')] === 'Product Price'), col('Amount'));
			const commission = -sum(mine.filter((r) => r[col('Amount Type')] === 'Commission on Product'), col('Amount'));
			expect(price).toBe(Math.round(o.lines.reduce((t, l) => t + l.quantity * l.unitPrice, 0) * 100));
			expect(Math.abs(commission - Math.round(price * WALMART_FEE_TABLE.commissionRate))).toBeLessThanOrEqual(units(o));
		}
		expect(lines.some((r) => r[col('Transaction Type')] === 'Refund')).toBe(true);
		const json = (await api(`/v3/report/reconreport/reconFileJson?reportDate=${s.reportDate}&reportVersion=v1`)).json.reportData;
		expect(json).toHaveLength(rows.length - 1);
		expect(json[0]).toMatchObject({ 'Transaction Type': 'PaymentSummary', 'Total Payable': summary[col('Total Payable')], Currency: 'USD' });
		expect((await api('/v3/report/reconreport/reconFile?reportDate=01012020&reportVersion=v1')).status).toBe(404);
	});

	it('planted discrepancies land in the next report', async () => {
		const [a, b, c] = [take('paid'), take('paid'), take('shipped')];
		const overFee = sb.plantDiscrepancy('over_fee', { orderId: a.id });
		const missing = sb.plantDiscrepancy('missing_settlement', { orderId: b.id });
		const double = sb.plantDiscrepancy('double_refund', { orderId: c.id });
		const mismatch = sb.plantDiscrepancy('payout_mismatch', { deltaCents: -777 });
		for (const o of [a, b]) expect((await ship(o)).status).toBe(200);
		const charge = { refundReason: 'Damaged', charge: { chargeType: 'PRODUCT', chargeName: 'Item Price', chargeAmount: { currency: 'USD', amount: -2 } } };
		expect((await api(`/v3/orders/${c.id}/refund`, { json: { orderRefund: { orderLines: { orderLine: [{ lineNumber: '1', refunds: { refund: [{ refundCharges: { refundCharge: [charge] } }] } }] } } } })).status).toBe(200);
		await clock.advance(1000);
		const s = sb.closeSettlement()!;
		const rows = parseDelimited((await api(`/v3/report/reconreport/reconFile?reportDate=${s.reportDate}&reportVersion=v1`)).text, ',').slice(2);
		const col = (name: string) => RECON_COLUMNS.indexOf(name);
		const of = (po: string, type: string) => rows.filter((r) => r[col('Purchase Order #')] === po && r[col('Amount Type')] === type);
		expect(overFee).toMatchObject({ applied: true, settlementId: s.reportDate });
		expect(-sum(of(a.id, 'Commission on Product'), col('Amount'))).toBe(overFee.actualCents);
		expect(overFee.actualCents!).toBeGreaterThan(overFee.expectedCents!);
		expect(missing).toMatchObject({ applied: true, orderId: b.id });
		expect(rows.some((r) => r[col('Purchase Order #')] === b.id)).toBe(false);
		expect(double).toMatchObject({ applied: true, settlementId: s.reportDate });
		expect(of(c.id, 'Product Price').filter((r) => r[col('Transaction Type')] === 'Refund').map((r) => r[col('Amount')])).toEqual(['-2.00', '-2.00']);
		expect(mismatch).toMatchObject({ applied: true, settlementId: s.reportDate });
		expect(s.totalPayableCents - s.rowsCents).toBe(-777);
		expect(s.rowsCents).toBe(sum(rows, col('Amount')));
	});
});
