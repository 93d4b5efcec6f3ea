/**
 * The channels' return normalisers (lib/channels/<channel>/returns.ts) on hand-written bodies in each API's
 * documented shape (no vendor example body of a return could be had: the reference's payloads are orders only):
 * the canonical return they give (line ids as the order normalisers form them, the channel's reason kept beside the
 * normalised one, the state), and the error naming the return and the field when one cannot be normalised.
 * Get Returns Since's flow (lib/flows/get-returns.ts): a return that cannot be normalised is its own error, the
 * others of the listing go on, and the cursor is stored only after the listing.
 */
import { normalizeAmazonReturn, parseTabSeparated } from '../../../lib/channels/amazon/returns';
import { normalizeEbayReturn } from '../../../lib/channels/ebay/returns';
import { ReturnNormalizeError } from '../../../lib/channels/returns';
import { CHANNELS, channelReturns } from '../../../lib/channels/registry';
import { normalizeShopifyReturn } from '../../../lib/channels/shopify/returns';
import { normalizeWalmartReturn } from '../../../lib/channels/walmart/returns';
import { normalizeWooCommerceReturn } from '../../../lib/channels/woocommerce/returns';
import type { ChannelClient } from '../../../lib/channels/types';
import { getReturnsSince } from '../../../lib/flows/get-returns';
import { ItemError } from '../../../lib/flows/item-error';
import { validateReturn } from '../../../lib/returns/validate';
import { openSqliteStore } from '../../../lib/store/sqlite';

function refused(f: () => unknown): ReturnNormalizeError {
	try {
		f();
	} catch (e) {
		expect(e).toBeInstanceOf(ReturnNormalizeError);
		return e as ReturnNormalizeError;
	}
	throw new Error('expected a ReturnNormalizeError');
}

const walmartReturn = (over: Record<string, unknown> = {}) => ({
	returnOrderId: '77000000000001',
	customerOrderId: '200001',
	returnOrderDate: '2026-11-20T10:00:00.000Z',
	returnOrderLines: [
		{ returnOrderLineNumber: 1, returnReason: 'WRONG_SIZE/POOR_FIT', purchaseOrderId: 'PO-1', purchaseOrderLineNumber: 2, item: { sku: 'SKU-2' }, quantity: { unitOfMeasure: 'EACH', measurementValue: 1 }, status: 'INITIATED', currentDeliveryStatus: 'IN_TRANSIT', statusTime: '2026-11-21T10:00:00.000Z' },
		{ returnOrderLineNumber: 2, returnReason: 'DAMAGED', purchaseOrderId: 'PO-1', purchaseOrderLineNumber: 3, item: { sku: 'SKU-3' }, quantity: { unitOfMeasure: 'EACH', measurementValue: 2 }, status: 'DELIVERED', statusTime: '2026-11-22T10:00:00.000Z' },
	],
	...over,
});

describe('Walmart', () => {
	it('one return per purchase order, lines on the PO line numbers, least advanced state, latest status time', () => {
		const [r] = normalizeWalmartReturn(walmartReturn());
		expect(validateReturn(r)).toEqual([]);
		expect(r).toMatchObject({ returnId: 'walmart:77000000000001', omsId: 'walmart:PO-1', channelState: 'in_transit', updatedAt: '2026-11-22T10:00:00Z', requestedAt: '2026-11-20T10:00:00Z' });
		expect(r.lines).toEqual([
			{ lineId: '2', sku: 'SKU-2', quantity: 1, channelReason: 'WRONG_SIZE/POOR_FIT', reason: 'size_fit' },
			{ lineId: '3', sku: 'SKU-3', quantity: 2, channelReason: 'DAMAGED', reason: 'damaged' },
		]);
	});
	it('a return of two purchase orders gives two returns, each its own id', () => {
		const raw = walmartReturn();
		(raw.returnOrderLines[1] as Record<string, unknown>).purchaseOrderId = 'PO-2';
		const rets = normalizeWalmartReturn(raw);
		expect(rets.map((r) => [r.returnId, r.omsId])).toEqual([
			['walmart:77000000000001-PO-1', 'walmart:PO-1'],
			['walmart:77000000000001-PO-2', 'walmart:PO-2'],
		]);
	});
	it('names the return and the field it cannot read', () => {
		const raw = walmartReturn();
		delete (raw.returnOrderLines[1] as Record<string, unknown>).purchaseOrderId;
		expect(refused(() => normalizeWalmartReturn(raw)).message).toBe('walmart return 77000000000001: missing returnOrderLines[1].purchaseOrderId');
		expect(refused(() => normalizeWalmartReturn(walmartReturn({ returnOrderLines: [] }))).message).toBe('walmart return 77000000000001: missing returnOrderLines');
	});
});

describe('Shopify', () => {
	const raw = (status = 'REQUESTED') => ({
		order: { id: 'gid://shopify/Order/450789469', updatedAt: '2026-11-21T09:00:00Z' },
		return: {
			id: 'gid://shopify/Return/8000000001',
			status,
			createdAt: '2026-11-20T09:00:00Z',
			closedAt: null,
			returnLineItems: {
				nodes: [
					{ id: 'gid://shopify/ReturnLineItem/1', quantity: 1, returnReason: 'SIZE_TOO_SMALL', returnReasonNote: 'runs small', customerNote: '', fulfillmentLineItem: { lineItem: { id: 'gid://shopify/LineItem/466157049', sku: 'IPOD2008GREEN' } } },
					{ id: 'gid://shopify/ReturnLineItem/2', quantity: 1, returnReason: 'COLOR', fulfillmentLineItem: { lineItem: { id: 'gid://shopify/LineItem/518995019', sku: null, name: 'Custom', variant: { id: 'gid://shopify/ProductVariant/49148385' } } } },
				],
			},
		},
	});
	it('lines on the LineItem id tails and the order normaliser SKUs; states by ReturnStatus', () => {
		const [r] = normalizeShopifyReturn(raw());
		expect(validateReturn(r)).toEqual([]);
		expect(r).toMatchObject({ returnId: 'shopify:8000000001', omsId: 'shopify:450789469', channelState: 'requested', updatedAt: '2026-11-21T09:00:00Z' });
		expect(r.lines).toEqual([
			{ lineId: '466157049', sku: 'IPOD2008GREEN', quantity: 1, channelReason: 'SIZE_TOO_SMALL', reason: 'size_fit', note: 'runs small' },
			{ lineId: '518995019', sku: 'shopify-variant:49148385', quantity: 1, channelReason: 'COLOR', reason: 'style' },
		]);
		expect(['OPEN', 'CLOSED', 'DECLINED', 'CANCELED'].map((s) => normalizeShopifyReturn(raw(s))[0].channelState)).toEqual(['authorised', 'closed', 'declined', 'cancelled']);
	});
	it('names the return and the field', () => {
		const bad = raw();
		delete (bad.return.returnLineItems.nodes[0] as Record<string, unknown>).fulfillmentLineItem;
		expect(refused(() => normalizeShopifyReturn(bad)).message).toBe('shopify return 8000000001: missing return.returnLineItems[0].fulfillmentLineItem.lineItem.id');
		const long = raw();
		(long.return.returnLineItems as Record<string, unknown>).pageInfo = { hasNextPage: true };
		expect(refused(() => normalizeShopifyReturn(long)).message).toBe('shopify return 8000000001: invalid return.returnLineItems (more than the 20 lines read)');
	});
});

describe('WooCommerce', () => {
	const refund = (lines: unknown[], amount = '21.50') => ({
		order: { id: 727, currency: 'USD' },
		refund: { id: 726, date_created_gmt: '2026-11-20T10:00:00', amount, reason: 'Arrived damaged', line_items: lines },
	});
	const line = { id: 314, name: 'Woo Single #1', product_id: 93, variation_id: 0, quantity: -1, total: '-20.00', total_tax: '-1.50', sku: 'WOO-1', meta_data: [{ id: 1, key: '_refunded_item_id', value: '315' }] };
	it('a refund with line items is a return, already refunded; extra money is shipping', () => {
		const [r] = normalizeWooCommerceReturn(refund([line], '25.00'));
		expect(validateReturn(r)).toEqual([]);
		expect(r).toMatchObject({ returnId: 'woocommerce:726', omsId: 'woocommerce:727', channelState: 'authorised', requestedAt: '2026-11-20T10:00:00Z' });
		expect(r.lines).toEqual([{ lineId: '315', sku: 'WOO-1', quantity: 1, channelReason: 'Arrived damaged', reason: 'damaged' }]);
		expect(r.refund).toEqual({ currency: 'USD', status: 'refunded', lines: [{ lineId: '315', amount: 20, tax: 1.5, restockingFee: 0 }], shipping: 3.5, returnShippingFee: 0, total: 25, channelRefundId: '726' });
		expect(normalizeWooCommerceReturn(refund([line], '20.00'))[0].refund).toMatchObject({ shipping: 0, returnShippingFee: 1.5, total: 20 });
	});
	it('a refund of money only is no return', () => {
		expect(normalizeWooCommerceReturn(refund([], '5.00'))).toEqual([]);
		expect(normalizeWooCommerceReturn(refund([{ ...line, quantity: 0 }], '5.00'))).toEqual([]);
	});
	it('names the refund and the field', () => {
		expect(refused(() => normalizeWooCommerceReturn(refund([{ ...line, meta_data: [] }]))).message).toBe('woocommerce return 726: missing refund.line_items[0].meta_data._refunded_item_id');
	});
});

const ebayOrder = {
	orderId: '12-34567-89012',
	creationDate: '2026-11-01T10:00:00.000Z',
	lastModifiedDate: '2026-11-02T10:00:00.000Z',
	orderFulfillmentStatus: 'FULFILLED',
	orderPaymentStatus: 'PAID',
	pricingSummary: { total: { value: '30.00', currency: 'USD' } },
	buyer: { username: 'b' },
	lineItems: [
		{ lineItemId: '10001', legacyItemId: '110001', sku: 'EB-1', title: 'One', quantity: 1, lineItemCost: { value: '10.00', currency: 'USD' } },
		{ lineItemId: '10002', legacyItemId: '110002', sku: 'EB-2', title: 'Two', quantity: 2, lineItemCost: { value: '20.00', currency: 'USD' } },
	],
};
describe('eBay', () => {
	const ret = (itemId = '110002', state = 'ITEM_SHIPPED') => ({
		return: { returnId: '5100000001', orderId: '12-34567-89012', state, status: 'ITEM_SHIPPED', creationInfo: { item: { itemId, transactionId: 't', returnQuantity: 1 }, reason: 'NO_LONGER_NEED_ITEM', reasonType: 'REMORSE', comments: { content: 'too many' }, creationDate: { value: '2026-11-20T10:00:00.000Z' } } },
		order: ebayOrder,
	});
	it('the line is the order line of the returned item; state by summary.state', () => {
		const [r] = normalizeEbayReturn(ret());
		expect(validateReturn(r)).toEqual([]);
		expect(r).toMatchObject({ returnId: 'ebay:5100000001', omsId: 'ebay:12-34567-89012', channelState: 'in_transit' });
		expect(r.lines).toEqual([{ lineId: '10002', sku: 'EB-2', quantity: 1, channelReason: 'NO_LONGER_NEED_ITEM', reason: 'unwanted', note: 'too many' }]);
		expect(['INITIAL', 'ITEM_READY_TO_SHIP', 'ITEM_DELIVERED', 'CLOSED', 'PARTIAL_REFUND_INITIATED'].map((s) => normalizeEbayReturn(ret('110002', s))[0].channelState)).toEqual(['requested', 'authorised', 'received', 'closed', 'received']);
	});
	it('refuses an item the order does not have, or an order it could not read, naming the return', () => {
		expect(refused(() => normalizeEbayReturn(ret('999'))).message).toBe('ebay return 5100000001: invalid creationInfo.item.itemId (order 12-34567-89012 has no line of item 999)');
		expect(refused(() => normalizeEbayReturn({ ...ret(), order: { error: 'eBay getOrder: 404' } })).message).toBe('ebay return 5100000001: invalid order (eBay order 12-34567-89012 could not be read: eBay getOrder: 404)');
	});
});

describe('Amazon', () => {
	const header = 'Order ID\tOrder date\tReturn request date\tReturn request status\tAmazon RMA ID\tMerchant RMA ID\tLabel type\tLabel cost\tCurrency code\tReturn carrier\tTracking ID\tLabel to be paid by\tA-to-Z Claim\tIs prime\tASIN\tMerchant SKU\tItem Name\tReturn quantity\tReturn Reason\tIn policy\tReturn type\tResolution\tInvoice number\tReturn delivery date\tOrder Amount\tOrder quantity\tSafeT Action reason\tSafeT claim id\tSafeT claim state\tSafeT claim creation time\tSafeT claim reimbursement amount\tRefunded Amount';
	const row = (sku: string, delivered = '') => `902-1845936-5435065\t2026-11-01\t2026-11-20\tApproved\tDXYZ123\t\tAmazonUnPaidLabel\t0.00\tUSD\tUPS\t1ZRET1\tCustomer\tN\tN\tB0001\t${sku}\tItem\t1\tCR-DEFECTIVE\tY\tC-Returns\tStandardRefund\t\t${delivered}\t20.00\t2\t\t\t\t\t\t`;
	const order = {
		orderId: '902-1845936-5435065',
		createdTime: '2026-11-01T10:00:00Z',
		lastUpdatedTime: '2026-11-02T10:00:00Z',
		salesChannel: { marketplaceId: 'ATVPDKIKX0DER' },
		fulfillment: { fulfillmentStatus: 'SHIPPED' },
		orderItems: [
			{ orderItemId: '111', quantityOrdered: 1, product: { sellerSku: 'AMZ-1', title: 'One', price: { unitPrice: { amount: '10.00', currencyCode: 'USD' } } } },
			{ orderItemId: '222', quantityOrdered: 1, product: { sellerSku: 'AMZ-2', title: 'Two', price: { unitPrice: { amount: '10.00', currencyCode: 'USD' } } } },
		],
	};
	it('the flat file parses by its header; rows of one RMA make one return, lines found by SKU on the order', () => {
		const rows = parseTabSeparated(`${header}\n${row('AMZ-2')}\n${row('AMZ-1', '2026-11-25')}\n`);
		expect(rows).toHaveLength(2);
		const [r] = normalizeAmazonReturn({ rows, order });
		expect(validateReturn(r)).toEqual([]);
		expect(r).toMatchObject({ returnId: 'amazon:DXYZ123', omsId: 'amazon:902-1845936-5435065', channelState: 'authorised', requestedAt: '2026-11-20T00:00:00.000Z', updatedAt: '2026-11-25T00:00:00.000Z' });
		expect(r.lines.map((l) => [l.lineId, l.sku, l.reason])).toEqual([
			['222', 'AMZ-2', 'defective'],
			['111', 'AMZ-1', 'defective'],
		]);
		expect(r.shipment).toEqual({ carrier: 'UPS', trackingNumber: '1ZRET1', trackingUrl: null, labelCost: 0 });
	});
	it('refuses a SKU the order does not have, naming the return', () => {
		const rows = parseTabSeparated(`${header}\n${row('NOPE')}`);
		expect(refused(() => normalizeAmazonReturn({ rows, order })).message).toBe('amazon return DXYZ123: invalid rows[0].Merchant SKU (order 902-1845936-5435065 has no line with SKU NOPE)');
	});
});

describe('registry', () => {
	it('every registered channel has its return intake; other names none', () => {
		for (const ch of CHANNELS) expect(typeof channelReturns(ch)?.listReturnsSince).toBe('function');
		expect(channelReturns('edi-acme')).toBeUndefined();
		expect(channelReturns('constructor')).toBeUndefined();
	});
});

describe('Get Returns Since (flow)', () => {
	/** A Walmart client stand-in: one page of returns as the API gives it */
	const fake = (page: unknown): ChannelClient =>
		({ channel: 'walmart', account: 'walmart:test', opts: { now: () => Date.parse('2026-11-23T00:00:00Z') }, base: 'http://x', call: async () => ({ status: 200, headers: {}, body: page }) }) as unknown as ChannelClient;

	it('a return it cannot normalise is its own error; the others go on; the cursor is stored after the listing', async () => {
		const store = await openSqliteStore(':memory:');
		try {
			const bad = walmartReturn({ returnOrderId: '77000000000002', returnOrderLines: [{ purchaseOrderId: 'PO-9' }] });
			const r = await getReturnsSince(store, fake({ meta: { totalCount: 2 }, returnOrders: [walmartReturn(), bad] }), { from: 'stored', since: '2026-11-01T00:00:00Z' });
			expect(r.results.map((x) => x.ok)).toEqual([true, false]);
			const err = r.results[1] as { ok: false; error: ItemError; channelReturnId: string | null };
			expect(err.error).toBeInstanceOf(ItemError);
			expect(err.error.message).toBe('walmart return 77000000000002: missing returnOrderLines[0].purchaseOrderLineNumber');
			expect(err.error.problems).toEqual([{ path: '$.returnOrderLines[0].purchaseOrderLineNumber', message: 'missing' }]);
			expect(err.channelReturnId).toBe('77000000000002');
			expect(r.previousCursor).toBeNull();
			expect(await store.getCursor('returns:walmart:test')).toBe(r.cursor);
			// the next run starts from it
			const again = await getReturnsSince(store, fake({ meta: { totalCount: 0 }, returnOrders: [] }), { from: 'stored' });
			expect(again.previousCursor).toBe(r.cursor);
		} finally {
			await store.close();
		}
	});
});
