/**
 * The eBay sandbox's after-intake APIs over HTTP, as eBay's OpenAPI specs document them: bulkUpdatePriceQuantity
 * (25 a call, 207, 250 revisions a day) and createOrReplaceInventoryItem; Fulfillment issueRefund (PENDING, one at a
 * time, the documented error ids); Post-Order returns (search paging, decide, mark_as_received, issue_refund once)
 * and cancellations (buyer request, approve, reject; seller cancel); Finances getTransactions / getPayouts; the
 * controls tests stage with. On a VirtualClock that moves only when the test advances it.
 */
import { EbaySandbox, EBAY_FEE_TABLE, EBAY_SANDBOX_CREDENTIALS, lineIdOf } from '../../sandbox/channels/ebay';
import { generateOrders, type SeedOrder } from '../../sandbox/generator';
import { VirtualClock } from '../../sandbox/testkit';
import { http } from './http';

const TS = 0.001;
const clock = new VirtualClock(Date.parse('2026-11-20T12:00:00Z'));
const sb = new EbaySandbox({ timeScale: TS, clock });
const orders = generateOrders({ seed: 21, perChannel: 300, channels: ['ebay'], to: '2026-11-20T11:00:00Z' }).byChannel.ebay;
const seeded = new Map(orders.map((o) => [o.id, o.status]));
const byStatus = (s: SeedOrder['status']) => orders.filter((o) => seeded.get(o.id) === s);
const fresh = (s: SeedOrder['status']) => byStatus(s).filter((o) => sb.orders.get(o.id)!.status === s && !sb.refunds.some((r) => r.orderId === o.id) && !sb.returns.some((r) => r.orderId === o.id));
let base = '';
let token = '';
const api = (path: string, opts: Parameters<typeof http>[1] = {}) => http(`${base}${path}`, { ...opts, headers: { authorization: `Bearer ${token}`, ...(opts.headers ?? {}) } });
const po = (path: string, opts: Parameters<typeof http>[1] = {}) => http(`${base}/post-order/v2${path}`, { ...opts, headers: { authorization: `IAF ${token}`, ...(opts.headers ?? {}) } });
const money = (value: string) => ({ value, currency: 'USD' });

beforeAll(async () => {
	base = await sb.start();
	sb.addOrders(orders);
	const t = await http(`${base}/identity/v1/oauth2/token`, {
		form: { grant_type: 'refresh_token', refresh_token: EBAY_SANDBOX_CREDENTIALS.refreshToken, scope: 'https://api.ebay.com/oauth/api_scope/sell.fulfillment https://api.ebay.com/oauth/api_scope/sell.finances' },
		headers: { authorization: `Basic ${Buffer.from(`${EBAY_SANDBOX_CREDENTIALS.appId}:${EBAY_SANDBOX_CREDENTIALS.certId}`).toString('base64')}` },
	});
	token = t.json.access_token;
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.resetLimits();
	sb.clearFaults();
});

async function ship(o: SeedOrder, tracking = `9400${o.id.replace(/\D/g, '')}`) {
	return api(`/sell/fulfillment/v1/order/${o.id}/shipping_fulfillment`, { json: { lineItems: o.lines.map((l, i) => ({ lineItemId: lineIdOf(o, i), quantity: l.quantity })), shippedDate: '2026-11-20T10:00:00.000Z', shippingCarrierCode: 'USPS', trackingNumber: tracking } });
}

describe('quantities', () => {
	it('bulkUpdatePriceQuantity takes at most 25 requests, answers 207 with one result per SKU when some fail, and refuses a 251st revision of a listing in a day', async () => {
		sb.addSkus(Array.from({ length: 30 }, (_, i) => `BULK-${i}`));
		const reqs = (n: number, q = 1) => Array.from({ length: n }, (_, i) => ({ sku: `BULK-${i}`, shipToLocationAvailability: { quantity: q + i } }));
		expect((await api('/sell/inventory/v1/bulk_update_price_quantity', { json: { requests: reqs(26) } })).status).toBe(400);
		const ok = await api('/sell/inventory/v1/bulk_update_price_quantity', { json: { requests: reqs(25) } });
		expect(ok.status).toBe(200);
		expect(ok.json.responses).toHaveLength(25);
		expect(sb.quantities.get('BULK-24')).toMatchObject({ quantity: 25, via: 'bulkUpdatePriceQuantity' });
		const mixed = await api('/sell/inventory/v1/bulk_update_price_quantity', { json: { requests: [{ sku: 'BULK-1', shipToLocationAvailability: { quantity: 3 } }, { sku: 'NOPE', shipToLocationAvailability: { quantity: 3 } }] } });
		expect(mixed.status).toBe(207);
		expect(mixed.json.responses.map((r: { sku: string; statusCode: number }) => [r.sku, r.statusCode])).toEqual([
			['BULK-1', 200],
			['NOPE', 404],
		]);
		// BULK-0 was revised once; 249 more are allowed today, the 251st is not
		const one = { requests: [{ sku: 'BULK-0', shipToLocationAvailability: { quantity: 1 } }] };
		for (let i = 0; i < 249; i++) {
			await clock.advance(1); // 5 requests/s scaled: 5 tokens a millisecond
			expect((await api('/sell/inventory/v1/bulk_update_price_quantity', { json: one })).status).toBe(200);
		}
		await clock.advance(1);
		const refused = await api('/sell/inventory/v1/bulk_update_price_quantity', { json: one });
		expect(refused.status).toBe(207);
		expect(refused.json.responses[0].statusCode).toBe(400);
		expect(refused.json.responses[0].errors[0].message).toMatch(/250 times/);
	});

	it('createOrReplaceInventoryItem is the single call: PUT with Content-Language, 204', async () => {
		const body = { availability: { shipToLocationAvailability: { quantity: 7 } }, condition: 'NEW', product: { title: 'x' } };
		expect((await api('/sell/inventory/v1/inventory_item/SINGLE-1', { method: 'PUT', json: body })).status).toBe(400);
		const r = await api('/sell/inventory/v1/inventory_item/SINGLE-1', { method: 'PUT', json: body, headers: { 'content-language': 'en-US' } });
		expect(r.status).toBe(204);
		expect(sb.quantities.get('SINGLE-1')).toMatchObject({ quantity: 7, via: 'createOrReplaceInventoryItem' });
	});
});

describe('Fulfillment issueRefund', () => {
	it('is asynchronous (PENDING, then REFUNDED in getOrder), one at a time, never above what is left, with the documented error ids', async () => {
		const o = fresh('shipped').find((x) => x.lines.length >= 2 && x.lines[0].unitPrice > 10)!;
		const lid = lineIdOf(o, 0);
		const refund = (body: unknown) => api(`/sell/fulfillment/v1/order/${o.id}/issue_refund`, { json: body });
		expect((await refund({ refundItems: [{ lineItemId: lid, refundAmount: money('1.00') }] })).json.errors[0].errorId).toBe(34903);
		expect((await refund({ reasonForRefund: 'BUYER_RETURN' })).json.errors[0].errorId).toBe(34905);
		expect((await refund({ reasonForRefund: 'BUYER_RETURN', refundItems: [{ lineItemId: lid, refundAmount: { value: '1.005', currency: 'USD' } }] })).json.errors[0].errorId).toBe(34907);
		expect((await refund({ reasonForRefund: 'BUYER_RETURN', refundItems: [{ lineItemId: 'nope', refundAmount: money('1.00') }] })).json.errors[0].errorId).toBe(34914);
		const over = await refund({ reasonForRefund: 'BUYER_RETURN', refundItems: [{ lineItemId: lid, refundAmount: money('99999.00') }] });
		expect([over.status, over.json.errors[0].errorId]).toEqual([409, 34924]);
		const first = await refund({ reasonForRefund: 'BUYER_RETURN', comment: 'one unit back', refundItems: [{ lineItemId: lid, refundAmount: money('5.00') }] });
		expect(first.status).toBe(200);
		expect(first.json).toEqual({ refundId: expect.any(String), refundStatus: 'PENDING' });
		const busy = await refund({ reasonForRefund: 'BUYER_RETURN', refundItems: [{ lineItemId: lid, refundAmount: money('1.00') }] });
		expect([busy.status, busy.json.errors[0].errorId]).toEqual([400, 34922]);
		let order = (await api(`/sell/fulfillment/v1/order/${o.id}`)).json;
		expect(order.lineItems[0].refunds).toEqual([{ refundId: first.json.refundId, amount: money('5.00') }]);
		expect(order.orderPaymentStatus).toBe('PAID');
		await clock.advance(60_000 * TS + 1);
		order = (await api(`/sell/fulfillment/v1/order/${o.id}`)).json;
		expect(order.lineItems[0].refunds[0]).toMatchObject({ refundId: first.json.refundId, refundDate: expect.any(String) });
		expect(order.orderPaymentStatus).toBe('PARTIALLY_REFUNDED');
		// the rest of the order, then nothing more
		const gross = Math.round((o.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0) + o.shippingCost - o.discount) * 100);
		const rest = await refund({ reasonForRefund: 'OTHER_ADJUSTMENT', orderLevelRefundAmount: money(((gross - 500) / 100).toFixed(2)) });
		expect(rest.status).toBe(200);
		sb.completeRefunds();
		expect((await api(`/sell/fulfillment/v1/order/${o.id}`)).json.orderPaymentStatus).toBe('FULLY_REFUNDED');
		expect((await refund({ reasonForRefund: 'OTHER_ADJUSTMENT', orderLevelRefundAmount: money('0.01') })).json.errors[0].errorId).toBe(34917);
		expect(sb.refunds.filter((r) => r.orderId === o.id).map((r) => r.amount)).toEqual([5, (gross - 500) / 100]);
		const pending = fresh('pending')[0];
		const unpaid = await api(`/sell/fulfillment/v1/order/${pending.id}/issue_refund`, { json: { reasonForRefund: 'BUYER_CANCEL', orderLevelRefundAmount: money('1.00') } });
		expect([unpaid.status, unpaid.json.errors[0].errorId]).toEqual([409, 34929]);
	});

	it('a refund failed on demand refunds nothing; the retry refunds once', async () => {
		const o = fresh('shipped')[0];
		sb.failRefunds(2);
		const body = { reasonForRefund: 'ITEM_NOT_AS_DESCRIBED', orderLevelRefundAmount: money('2.00') };
		expect((await api(`/sell/fulfillment/v1/order/${o.id}/issue_refund`, { json: body })).status).toBe(500);
		expect((await api(`/sell/fulfillment/v1/order/${o.id}/issue_refund`, { json: body })).status).toBe(500);
		expect((await api(`/sell/fulfillment/v1/order/${o.id}/issue_refund`, { json: body })).status).toBe(200);
		expect(sb.refunds.filter((r) => r.orderId === o.id)).toHaveLength(1);
	});
});

describe('Post-Order returns', () => {
	it('search pages with limit and offset and filters by return_state; decide, mark_as_received, issue_refund once', async () => {
		const shipped = fresh('shipped').slice(0, 12);
		const returns = shipped.map((o, i) => sb.createReturn(o.id, { quantity: 1, approved: i % 2 === 1 }));
		expect(() => sb.createReturn(fresh('paid')[0].id)).toThrow(/shipped and not returned/);
		expect((await http(`${base}/post-order/v2/return/search`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
		const seen: string[] = [];
		for (let offset = 0; ; offset += 5) {
			const r = await po(`/return/search?limit=5&offset=${offset}&sort=FILED_DATE_ASC`);
			expect(r.json.paginationOutput).toEqual({ limit: 5, offset, totalEntries: 12, totalPages: 3 });
			seen.push(...r.json.members.map((m: { returnId: string }) => m.returnId));
			if (r.json.members.length < 5) break;
		}
		expect(seen).toEqual(returns.map((r) => r.returnId));
		const started = await po('/return/search?return_state=RETURN_STARTED&limit=200');
		expect(started.json.members).toHaveLength(12);
		expect(started.json.countSummary).toEqual([{ type: 'RETURN_STARTED', count: 12 }]);
		expect((await po('/return/search?return_state=ALL_OPEN_REPLACEMENT')).status).toBe(400);
		expect((await po('/return/search?limit=201')).status).toBe(400);

		const r = returns[0];
		expect(r.state).toBe('INITIAL');
		const refundBody = (value: string) => ({ refundDetail: { itemizedRefundDetail: [{ refundAmount: money(value), refundFeeType: 'PURCHASE_PRICE' }], totalAmount: money(value) } });
		expect((await po(`/return/${r.returnId}/issue_refund`, { json: refundBody('1.00') })).status).toBe(400);
		expect((await po(`/return/${r.returnId}/decide`, { json: { decision: 'APPROVE' } })).status).toBe(200);
		sb.advanceReturn(r.returnId, 'ITEM_SHIPPED');
		expect((await po(`/return/${r.returnId}/mark_as_received`, { json: {} })).status).toBe(200);
		const got = (await po(`/return/${r.returnId}`)).json;
		expect(got.summary).toMatchObject({ returnId: r.returnId, orderId: r.orderId, state: 'ITEM_DELIVERED', status: 'ITEM_DELIVERED', creationInfo: { item: { returnQuantity: 1 } } });
		const est = got.summary.sellerTotalRefund.estimatedRefundAmount.value as number;
		const mismatched = { refundDetail: { itemizedRefundDetail: [{ refundAmount: money(est.toFixed(2)), refundFeeType: 'PURCHASE_PRICE' }, { refundAmount: money('-1.00'), refundFeeType: 'RESTOCKING_FEE' }], totalAmount: money(est.toFixed(2)) } };
		expect((await po(`/return/${r.returnId}/issue_refund`, { json: mismatched })).status).toBe(400);
		expect((await po(`/return/${r.returnId}/issue_refund`, { json: refundBody((est + 1).toFixed(2)) })).status).toBe(400);
		sb.failRefunds(1);
		expect((await po(`/return/${r.returnId}/issue_refund`, { json: refundBody(est.toFixed(2)) })).status).toBe(500);
		const ok = await po(`/return/${r.returnId}/issue_refund`, { json: refundBody(est.toFixed(2)) });
		expect(ok.json).toEqual({ refundStatus: 'SUCCESS' });
		expect((await po(`/return/${r.returnId}/issue_refund`, { json: refundBody(est.toFixed(2)) })).status).toBe(400);
		expect(sb.refunds.filter((x) => x.returnId === r.returnId)).toEqual([expect.objectContaining({ via: 'post-order issue_refund', amount: est })]);
		expect((await po(`/return/${r.returnId}`)).json.summary).toMatchObject({ state: 'CLOSED', sellerTotalRefund: { actualRefundAmount: { value: est } } });
		const closed = await po('/return/search?return_state=CLOSED');
		expect(closed.json.members.map((m: { returnId: string }) => m.returnId)).toEqual([r.returnId]);
	});
});

describe('cancellations and the issue 20 controls', () => {
	it('a buyer request shows in getOrder (not in getOrders); approve cancels and refunds; reject keeps the order', async () => {
		const [a, b] = fresh('paid');
		const c = sb.requestCancellation(a.id);
		const got = (await api(`/sell/fulfillment/v1/order/${a.id}`)).json;
		expect(got.cancelStatus).toEqual({ cancelState: 'IN_PROGRESS', cancelRequests: [expect.objectContaining({ cancelRequestId: c.cancelId, cancelInitiator: 'Buyer', cancelRequestState: 'REQUESTED' })] });
		const list = (await api(`/sell/fulfillment/v1/order?filter=${encodeURIComponent('creationdate:[2026-01-01T00:00:00.000Z..]')}&limit=200`)).json;
		expect(list.orders.find((x: { orderId: string }) => x.orderId === a.id).cancelStatus.cancelRequests).toEqual([]);
		expect((await po(`/cancellation/${c.cancelId}`)).json.cancelDetail).toMatchObject({ cancelId: c.cancelId, legacyOrderId: a.id, cancelState: 'CANCEL_REQUESTED' });
		expect((await po(`/cancellation/${c.cancelId}/approve`, { json: {} })).status).toBe(200);
		const cancelled = (await api(`/sell/fulfillment/v1/order/${a.id}`)).json;
		expect(cancelled).toMatchObject({ orderPaymentStatus: 'FULLY_REFUNDED', cancelStatus: { cancelState: 'CANCELED' } });
		expect(sb.refunds.filter((r) => r.orderId === a.id)).toHaveLength(1);
		expect((await po(`/cancellation/${c.cancelId}/approve`, { json: {} })).status).toBe(400);
		const d = sb.requestCancellation(b.id);
		expect((await po(`/cancellation/${d.cancelId}/reject`, { json: {} })).status).toBe(200);
		expect((await api(`/sell/fulfillment/v1/order/${b.id}`)).json.cancelStatus.cancelState).toBe('NONE_REQUESTED');
		const search = await po(`/cancellation/search?legacy_order_id=${b.id}`);
		expect(search.json.cancellations).toEqual([expect.objectContaining({ cancelId: d.cancelId, cancelStatus: 'CANCEL_REJECTED' })]);
		// a seller cancellation of a shipped order is refused
		expect((await po('/cancellation', { json: { legacyOrderId: fresh('shipped')[0].id, cancelReason: 'OUT_OF_STOCK_OR_CANNOT_FULFILL' } })).status).toBe(400);
	});

	it('markPaid turns PENDING into PAID with a SALE in Finances; changeAddress moves the ship-to; a lost confirmation is applied once', async () => {
		const p = fresh('pending')[0];
		expect((await api(`/sell/fulfillment/v1/order/${p.id}`)).json.orderPaymentStatus).toBe('PENDING');
		expect((await api(`/sell/finances/v1/transaction?filter=orderId:{${p.id}}`)).status).toBe(204);
		sb.markPaid(p.id);
		expect((await api(`/sell/fulfillment/v1/order/${p.id}`)).json.orderPaymentStatus).toBe('PAID');
		const sale = (await api(`/sell/finances/v1/transaction?filter=orderId:{${p.id}}`)).json.transactions;
		expect(sale).toEqual([expect.objectContaining({ transactionType: 'SALE', bookingEntry: 'CREDIT', transactionStatus: 'FUNDS_PROCESSING' })]);
		sb.changeAddress(p.id, { line1: '9 Moved Ave' });
		expect((await api(`/sell/fulfillment/v1/order/${p.id}`)).json.fulfillmentStartInstructions[0].shippingStep.shipTo.contactAddress.addressLine1).toBe('9 Moved Ave');
		sb.failConfirmations('lost');
		await expect(ship(p)).rejects.toThrow();
		expect((await ship(p)).status).toBe(201);
		expect(sb.received.fulfillments.filter((f) => f.orderId === p.id).map((f) => !!f.duplicate)).toEqual([false, true]);
		expect((await api(`/sell/finances/v1/transaction?filter=orderId:{${p.id}}`)).json.transactions[0].transactionStatus).toBe('FUNDS_AVAILABLE_FOR_PAYOUT');
	});
});

describe('Finances', () => {
	const cents = (a: { value: string }) => Math.round(Number(a.value) * 100);

	it('getTransactions: newest first, limit and offset, 204 when nothing matches, the documented filter errors; a SALE is its fee basis less tax less fees', async () => {
		const all: Array<Record<string, { value: string } & string>> = [];
		let offset = 0;
		for (;;) {
			await clock.advance(1);
			const r = await api(`/sell/finances/v1/transaction?filter=${encodeURIComponent('transactionDate:[2026-10-01T00:00:00.000Z..2026-12-01T00:00:00.000Z]')}&limit=50&offset=${offset}`);
			expect(r.status).toBe(200);
			all.push(...r.json.transactions);
			if (!r.json.next) break;
			offset += 50;
		}
		expect(all.length).toBe(sb.transactions.length);
		const dates = all.map((t) => Date.parse(t.transactionDate as string));
		expect(dates).toEqual([...dates].sort((x, y) => y - x));
		for (const t of all.filter((x) => x.transactionType === 'SALE')) {
			const fees = (t.orderLineItems as unknown as Array<{ marketplaceFees: Array<{ amount: { value: string } }> }>).flatMap((l) => l.marketplaceFees).reduce((s, f) => s + cents(f.amount), 0);
			expect(fees).toBe(cents(t.totalFeeAmount));
			expect(cents(t.amount)).toBe(cents(t.totalFeeBasisAmount) - cents((t.eBayCollectedTaxAmount as unknown as { value: string }) ?? { value: '0' }) - fees);
		}
		const o = byStatus('shipped')[0];
		const sale = all.find((t) => t.orderId === o.id && t.transactionType === 'SALE')!;
		const lines = sale.orderLineItems as unknown as Array<{ feeBasisAmount: { value: string }; marketplaceFees: Array<{ feeType: string; amount: { value: string } }> }>;
		expect(cents(lines[0].marketplaceFees[0].amount)).toBe(Math.round(cents(lines[0].feeBasisAmount) * EBAY_FEE_TABLE.finalValueRate));
		expect(lines[0].marketplaceFees.map((f) => f.feeType)).toEqual(['FINAL_VALUE_FEE', 'FINAL_VALUE_FEE_FIXED_PER_ORDER']);
		await clock.advance(2); // the bucket refills (5 requests/s scaled by 0.001)
		expect((await api('/sell/finances/v1/transaction?filter=transactionType:{SALE}&limit=1001')).json.errors[0].errorId).toBe(135003);
		expect((await api('/sell/finances/v1/transaction?filter=transactionType:{NOPE}')).json.errors[0].errorId).toBe(135006);
		expect((await api('/sell/finances/v1/transaction?filter=transactionId:{123}')).json.errors[0].errorId).toBe(135009);
		expect((await api('/sell/finances/v1/transaction?filter=transactionDate:[2020-01-01T00:00:00.000Z..2020-01-02T00:00:00.000Z]')).status).toBe(204);
	});

	it('closePayout pays available funds once: a payout is the sum of its transactions; planted discrepancies show', async () => {
		const [a, b, c] = fresh('paid');
		const overFee = sb.plantDiscrepancy('over_fee', { orderId: a.id });
		const missing = sb.plantDiscrepancy('missing_settlement', { orderId: b.id });
		const double = sb.plantDiscrepancy('double_refund', { orderId: c.id });
		for (const o of [a, b, c]) expect((await ship(o)).status).toBe(201);
		expect((await api(`/sell/fulfillment/v1/order/${c.id}/issue_refund`, { json: { reasonForRefund: 'BUYER_RETURN', orderLevelRefundAmount: money('1.00') } })).status).toBe(200);
		const [first] = sb.closePayout();
		const mismatch = sb.plantDiscrepancy('payout_mismatch', { deltaCents: -500 });
		const list = await api('/sell/finances/v1/payout');
		expect(list.json.payouts).toEqual([expect.objectContaining({ payoutId: first.payoutId, payoutStatus: 'SUCCEEDED', amount: { value: (first.amountCents / 100).toFixed(2), currency: 'USD' }, transactionCount: first.transactionIds.length })]);
		const txs = (await api(`/sell/finances/v1/transaction?filter=payoutId:{${first.payoutId}}`)).json.transactions as Array<{ bookingEntry: string; amount: { value: string }; orderId: string; transactionType: string; transactionStatus: string }>;
		expect(txs).toHaveLength(first.transactionIds.length);
		expect(txs.every((t) => t.transactionStatus === 'PAYOUT')).toBe(true);
		expect(txs.reduce((s, t) => s + (t.bookingEntry === 'CREDIT' ? 1 : -1) * cents(t.amount), 0)).toBe(first.amountCents);
		expect(overFee).toMatchObject({ applied: true, settlementId: first.payoutId });
		expect(overFee.actualCents!).toBeGreaterThan(overFee.expectedCents!);
		expect(missing).toMatchObject({ applied: true, orderId: b.id });
		expect(txs.some((t) => t.orderId === b.id)).toBe(false);
		expect(double).toMatchObject({ applied: true, settlementId: first.payoutId });
		expect(txs.filter((t) => t.orderId === c.id && t.transactionType === 'REFUND').map((t) => t.amount.value)).toEqual(['1.00', '1.00']);
		expect(sb.refunds.filter((r) => r.orderId === c.id)).toHaveLength(1);
		// nothing is paid out twice; the next payout carries the mismatch
		expect(sb.closePayout()).toEqual([]);
		await clock.advance(1000);
		await api(`/sell/fulfillment/v1/order/${a.id}/issue_refund`, { json: { reasonForRefund: 'BUYER_RETURN', orderLevelRefundAmount: money('1.00') } });
		const [second] = sb.closePayout();
		expect(mismatch).toMatchObject({ applied: true, settlementId: second.payoutId, expectedCents: -100, actualCents: -600 });
		expect(second.amountCents - second.transactionsCents).toBe(-500);
		expect((await api(`/sell/finances/v1/payout/${second.payoutId}`)).json.amount.value).toBe('-6.00');
		expect((await api('/sell/finances/v1/payout?filter=payoutStatus:{NOPE}')).json.errors[0].errorId).toBe(135002);
		expect((await api('/sell/finances/v1/payout?sort=-payoutDate')).json.payouts.map((p: { payoutId: string }) => p.payoutId)).toEqual([second.payoutId, first.payoutId]);
	});
});
