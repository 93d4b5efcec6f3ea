/**
 * Shapes no vendor published an example of: Shopify GraphQL Admin orders and eBay getOrders. The fixtures in
 * test/fixtures/channels/ are constructed from the vendors' documented field lists (see their README).
 */
import * as fs from 'fs';
import * as path from 'path';
import { extractOrders, normalizeOrder } from '../../../lib/channels/normalize';
import { validateOrder } from '../../../lib/order/validate';
import type { Payload } from './payload-seeds';
import type { CanonicalOrder } from '../../../lib/order/types';

const FIXTURES = path.resolve(__dirname, '../../fixtures/channels');
const load = (f: string): Payload => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'));

function valid(order: CanonicalOrder): CanonicalOrder {
	expect(validateOrder(order)).toEqual([]);
	return order;
}

describe('Shopify GraphQL (constructed)', () => {
	test('order node via {data:{order}}: gid ids, shop money, risk, client IP, custom line item', () => {
		const raw = load('shopify-graphql-order.json');
		const o = valid(normalizeOrder('shopify', raw));
		expect(o.omsId).toBe('shopify:5550001001');
		expect(o.orderNumber).toBe('#2001');
		expect(o.placedAt).toBe('2026-05-01T14:00:00Z');
		expect(o.updatedAt).toBe('2026-05-01T14:05:30Z');
		expect(o.channelStatus).toBe('PAID/UNFULFILLED');
		expect(o.readiness).toBe('ready');
		expect(o.currency).toBe('CAD'); // shop currency, not the USD presentment currency
		expect(o.totals).toEqual({ subtotal: 65.5, shipping: 12, tax: 10.07, discount: 5, total: 82.57 });
		expect(o.lines).toEqual([
			{ lineId: '9001', sku: 'MUG-RED', title: 'Mug - Red', quantity: 2, unitPrice: 25, lineTotal: 50 },
			{ lineId: '9002', sku: 'Gift wrapping (custom item)', title: 'Gift wrapping (custom item)', quantity: 1, unitPrice: 15.5, lineTotal: 15.5 },
		]);
		expect(o.customer).toEqual({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace', phone: '+16135550100', channelCustomerId: '777' });
		expect(o.shipTo).toEqual({
			name: 'Ada Lovelace',
			company: 'Analytical Ltd',
			line1: '1 Wellington St',
			line2: 'Suite 2',
			city: 'Ottawa',
			region: 'ON',
			postalCode: 'K1A 0A9',
			country: 'CA',
			phone: '6135550100',
		});
		expect(o.shipping).toEqual({ level: 'expedited', label: 'Express Shipping' });
		expect(o.risk).toEqual({
			channelRecommendation: 'INVESTIGATE',
			channelRiskLevel: 'MEDIUM', // the highest of the assessments
			clientIp: '203.0.113.7',
			facts: [
				{ description: 'Billing address matches shipping address', sentiment: 'POSITIVE' },
				{ description: 'IP address is 3,000 km from the shipping address', sentiment: 'NEGATIVE' },
			],
		});
		expect(o.raw).toBe(raw);
	});

	test('an edited order (currentQuantity): the removed line is left out, current totals used', () => {
		const node = load('shopify-graphql-order.json').data.order;
		node.lineItems.nodes[0].currentQuantity = 2;
		node.lineItems.nodes[1].currentQuantity = 0; // gift wrapping removed
		node.currentTotalPriceSet = { shopMoney: { amount: '63.43', currencyCode: 'CAD' } };
		node.currentTotalTaxSet = { shopMoney: { amount: '6.43', currencyCode: 'CAD' } };
		node.currentTotalDiscountsSet = { shopMoney: { amount: '5.00', currencyCode: 'CAD' } };
		const o = valid(normalizeOrder('shopify', node));
		expect(o.lines.map((l) => [l.sku, l.quantity])).toEqual([['MUG-RED', 2]]);
		expect(o.totals).toEqual({ subtotal: 50, shipping: 12, tax: 6.43, discount: 5, total: 63.43 });
	});

	test('a webhook (REST) body and a GraphQL node of the same order share the omsId', () => {
		const node = load('shopify-graphql-order.json').data.order;
		const rest = { id: 5550001001, created_at: '2026-05-01T10:00:00-04:00', currency: 'CAD', financial_status: 'paid', line_items: [{ id: 9001, sku: 'MUG-RED', quantity: 2, price: '25.00' }] };
		expect(normalizeOrder('shopify', rest).omsId).toBe(normalizeOrder('shopify', node).omsId);
	});

	test('orders page in edges form: pending, cancelled, variant-id SKU fallback, id from the gid', () => {
		const page = load('shopify-graphql-orders-page.json');
		const nodes = extractOrders('shopify', page);
		expect(nodes).toHaveLength(2);
		const [a, b] = nodes.map((n) => valid(normalizeOrder('shopify', n)));
		expect(a.omsId).toBe('shopify:5550001002');
		expect(a.readiness).toBe('pending');
		expect(a.totals).toEqual({ subtotal: 30, shipping: 5, tax: 0, discount: 0, total: 35 });
		expect(a.lines[0]).toEqual({ lineId: '9101', sku: 'BOOK-COBOL', title: 'COBOL Handbook', quantity: 1, unitPrice: 30, lineTotal: 30 });
		expect(a.shipTo).toMatchObject({ name: 'Grace Hopper', country: 'US', region: 'VA' });
		expect(a.shipping.level).toBe('standard');
		expect(b.omsId).toBe('shopify:5550001003');
		expect(b.readiness).toBe('cancelled');
		expect(b.channelStatus).toBe('REFUNDED/UNFULFILLED');
		expect(b.placedAt).toBe('2026-05-02T07:00:00Z');
		expect(b.lines[0].sku).toBe('shopify-variant:4501');
		expect(b.totals.total).toBe(19.9);
		expect(b.shipTo?.country).toBe('AT');
		expect(b.risk).toEqual({ channelRecommendation: null, channelRiskLevel: null, clientIp: null });
	});

	test('extractOrders reads the nodes form too', () => {
		const node = load('shopify-graphql-order.json').data.order;
		expect(extractOrders('shopify', { data: { orders: { nodes: [node] } } })).toEqual([node]);
	});
});

describe('eBay getOrders (constructed)', () => {
	const page = load('ebay-getOrders.json');
	const orders = extractOrders('ebay', page).map((r) => valid(normalizeOrder('ebay', r)));

	test('four orders from the page', () => {
		expect(orders.map((o) => [o.omsId, o.readiness, o.channelStatus])).toEqual([
			['ebay:01-03955-36441', 'ready', 'PAID/NOT_STARTED/NONE_REQUESTED'],
			['ebay:12-34567-89012', 'shipped', 'PAID/FULFILLED/NONE_REQUESTED'],
			['ebay:23-45678-90123', 'cancelled', 'FULLY_REFUNDED/NOT_STARTED/CANCELED'],
			['ebay:34-56789-01234', 'pending', 'PENDING/NOT_STARTED/NONE_REQUESTED'],
		]);
	});

	test('paid order: lines, totals to the cent (negative priceDiscount read as a discount), ship-by, priority mail', () => {
		const o = orders[0];
		expect(o.orderNumber).toBe('1001');
		expect(o.placedAt).toBe('2026-05-01T10:00:00Z');
		expect(o.updatedAt).toBe('2026-05-01T10:30:00Z');
		expect(o.totals).toEqual({ subtotal: 25.98, shipping: 5, tax: 2.5, discount: 1, total: 32.48 });
		expect(o.lines).toEqual([
			{ lineId: '10000000001', sku: 'SKU1', title: 'Enamel mug', quantity: 2, unitPrice: 10.99, lineTotal: 21.98 },
			{ lineId: '10000000002', sku: 'ebay-item:110000000002:7', title: 'Coaster (listing without SKU)', quantity: 1, unitPrice: 4, lineTotal: 4 },
		]);
		expect(o.shipTo).toMatchObject({ name: 'Jane Buyer', line1: '1 Main St', line2: 'Apt 3', city: 'San Jose', region: 'CA', postalCode: '95125', country: 'US', phone: '4085550101' });
		expect(o.customer).toEqual({ email: 'jane.buyer@members.ebay.com', name: 'Jane Buyer', phone: '4085550101', channelCustomerId: 'buyer_jane' });
		expect(o.shipping).toEqual({ level: 'priority', label: 'USPSPriority' });
		expect(o.shipBy).toBe('2026-05-02T06:59:59Z'); // the earliest line ship-by date
	});

	test('a buyer\'s cancel request: the id, date and reason from getOrder; id null from the list; none when not requested', () => {
		const raw = JSON.parse(JSON.stringify(page.orders[0]));
		expect(orders[0]).not.toHaveProperty('cancelRequest');
		raw.cancelStatus = { cancelState: 'IN_PROGRESS', cancelRequests: [] }; // getOrders: always empty
		const listed = valid(normalizeOrder('ebay', raw));
		expect(listed.readiness).toBe('pending'); // never shipped while the buyer is cancelling
		expect(listed.cancelRequest).toEqual({ id: null, requestedAt: null, reason: null });
		raw.cancelStatus.cancelRequests = [
			{ cancelRequestId: '5000000007', cancelInitiator: 'Buyer', cancelReason: 'ORDER_MISTAKE', cancelRequestedDate: '2026-05-01T11:00:00.000Z', cancelRequestState: 'REJECTED' },
			{ cancelRequestId: '5000000009', cancelInitiator: 'Buyer', cancelReason: 'BUYER_ASKED_CANCEL', cancelRequestedDate: '2026-05-01T12:00:00.000Z', cancelRequestState: 'REQUESTED' },
		];
		expect(valid(normalizeOrder('ebay', raw)).cancelRequest).toEqual({ id: '5000000009', requestedAt: '2026-05-01T12:00:00Z', reason: 'BUYER_ASKED_CANCEL' });
		// a request described badly is still a request (its id read again when answering); the order is not refused
		raw.cancelStatus.cancelRequests = [{ cancelRequestId: { bad: true }, cancelRequestedDate: 'yesterday', cancelRequestState: 'REQUESTED' }];
		expect(valid(normalizeOrder('ebay', raw)).cancelRequest).toEqual({ id: null, requestedAt: null, reason: null });
		raw.cancelStatus = { cancelState: 'NONE_REQUESTED', cancelRequests: [{ cancelRequestId: '5000000007', cancelRequestState: 'REJECTED' }] };
		expect(normalizeOrder('ebay', raw)).not.toHaveProperty('cancelRequest');
	});

	test('service codes map to levels; GBP and EUR orders', () => {
		expect(orders[1].shipping).toEqual({ level: 'standard', label: 'UK_RoyalMailFirstClassStandard' });
		expect(orders[1].totals).toEqual({ subtotal: 12.5, shipping: 2.85, tax: 0, discount: 0, total: 15.35 });
		expect(orders[2].currency).toBe('EUR');
		expect(orders[2].shipTo?.country).toBe('DE');
		expect(orders[2].lines[0]).toMatchObject({ sku: 'LAMP-1', quantity: 2, unitPrice: 20, lineTotal: 40 });
		expect(orders[3].shipping).toEqual({ level: 'next_day', label: 'UPSNextDay' });
	});
});
