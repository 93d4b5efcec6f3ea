/**
 * Every vendor-published example body in test/fixtures/vendor-payloads normalises (or, for bodies that are not
 * orders, is handled the documented way), and the canonical fields match the payload's own values.
 * The files are read in place, never copied into the project.
 */
import * as fs from 'fs';
import * as path from 'path';
import { amazonOrderChange, extractOrders, NormalizeError, normalizeOrder } from '../../../lib/channels/normalize';
import { validateOrder } from '../../../lib/order/validate';
import { PAYLOADS_DIR, type Payload } from './payload-seeds';
import type { CanonicalOrder } from '../../../lib/order/types';

const PAYLOADS = PAYLOADS_DIR;
const covered = new Set<string>();

function load(file: string): Payload {
	covered.add(file);
	return JSON.parse(fs.readFileSync(path.join(PAYLOADS, file), 'utf8'));
}

function valid(order: CanonicalOrder): CanonicalOrder {
	expect(validateOrder(order)).toEqual([]);
	expect(order.omsId).toBe(`${order.channel}:${order.channelOrderId}`);
	return order;
}

function skus(o: CanonicalOrder): string[] {
	return o.lines.map((l) => l.sku);
}

describe('Shopify REST payloads', () => {
	test('GET order 450789469 ({order} wrapper)', () => {
		const raw = load('shopify-rest-order-get.json');
		const o = valid(normalizeOrder('shopify', raw));
		expect(o.omsId).toBe('shopify:450789469');
		expect(o.orderNumber).toBe('#1001');
		expect(o.placedAt).toBe('2008-01-10T16:00:00Z');
		expect(o.channelStatus).toBe('partially_refunded/unfulfilled');
		expect(o.readiness).toBe('ready');
		expect(o.currency).toBe('USD');
		// Two of the three lines were refunded and restocked (current_quantity 0): what is left to ship is the red
		// one, and the totals are Shopify's current_* totals: 199 + tax 3.98 - discount 3.33 = 199.65.
		expect(o.totals).toEqual({ subtotal: 199, shipping: 0, tax: 3.98, discount: 3.33, total: 199.65 });
		expect(skus(o)).toEqual(['IPOD2008RED']);
		expect(o.lines).toEqual([{ lineId: '518995019', sku: 'IPOD2008RED', title: 'IPod Nano - 8gb - red', quantity: 1, unitPrice: 199, lineTotal: 199 }]);
		expect(o.shipTo).toMatchObject({ name: 'Bob Norman', line1: 'Chestnut Street 92', city: 'Louisville', region: 'KY', postalCode: '40202', country: 'US' });
		expect(o.billTo?.country).toBe('US');
		expect(o.customer).toMatchObject({ email: 'bob.norman@mail.example.com', name: 'Bob Norman', channelCustomerId: '207119551' });
		expect(o.shipping).toEqual({ level: 'standard', label: 'Free Shipping' });
		expect(o.risk.clientIp).toBe('0.0.0.0');
		expect(o.raw).toBe(raw);
	});

	test('before the refund (no current_quantity yet): all three lines and the original totals', () => {
		const raw = load('shopify-rest-order-get.json');
		for (const li of raw.order.line_items) delete li.current_quantity;
		const o = valid(normalizeOrder('shopify', raw));
		expect(o.totals).toEqual({ subtotal: 597, shipping: 0, tax: 11.94, discount: 10, total: 598.94 });
		expect(o.lines.map((l) => [l.lineId, l.sku, l.quantity, l.unitPrice, l.lineTotal])).toEqual([
			['466157049', 'IPOD2008GREEN', 1, 199, 199],
			['518995019', 'IPOD2008RED', 1, 199, 199],
			['703073504', 'IPOD2008BLACK', 1, 199, 199],
		]);
	});

	test('fully refunded (every current_quantity 0): original lines kept for the record, readiness cancelled', () => {
		const raw = load('shopify-rest-order-get.json');
		for (const li of raw.order.line_items) li.current_quantity = 0;
		raw.order.financial_status = 'refunded';
		const o = valid(normalizeOrder('shopify', raw));
		expect(o.readiness).toBe('cancelled');
		expect(o.lines).toHaveLength(3);
		expect(o.totals.total).toBe(598.94);
	});

	test('the bare webhook body (the same order without the wrapper) gives the same order', () => {
		const raw = load('shopify-rest-order-get.json');
		const a = normalizeOrder('shopify', raw, { keepRaw: false });
		const b = normalizeOrder('shopify', raw.order, { keepRaw: false });
		expect(b).toEqual(a);
		expect('raw' in a).toBe(false);
	});

	test('create response: partially paid order is pending, shipping and billing addresses kept apart', () => {
		const o = valid(normalizeOrder('shopify', load('shopify-rest-order-create-response.json')));
		expect(o.omsId).toBe('shopify:1073459980');
		expect(o.readiness).toBe('pending');
		expect(o.channelStatus).toBe('partially_paid/unfulfilled');
		expect(o.totals.total).toBe(199);
		expect(skus(o)).toEqual(['IPOD2009BLACK']);
		expect(o.shipTo).toMatchObject({ name: 'Jane Smith', country: 'CA', region: 'ON', postalCode: 'K2P 1L4' });
		expect(o.billTo).toMatchObject({ name: 'John Smith', country: 'CA' });
		expect(o.customer.email).toBe('jane@example.com');
	});

	test('EUR create response: custom line item without SKU falls back to its title; no address', () => {
		const o = valid(normalizeOrder('shopify', load('shopify-rest-order-create-response-eur.json')));
		expect(o.omsId).toBe('shopify:1073459976');
		expect(o.currency).toBe('EUR');
		expect(o.readiness).toBe('ready');
		expect(o.totals).toEqual({ subtotal: 224.97, shipping: 0, tax: 13.5, discount: 0, total: 238.47 });
		expect(o.lines).toEqual([{ lineId: '1071823188', sku: 'Big Brown Bear Boots', title: 'Big Brown Bear Boots', quantity: 3, unitPrice: 74.99, lineTotal: 224.97 }]);
		expect(o.shipTo).toBeNull();
		expect(o.customer.email).toBeNull(); // "" in the payload
	});
});

describe('Amazon Orders API 2026-01-01 payloads', () => {
	test('searchOrders example: two items, tax and a delivery tip, to the cent', () => {
		const page = load('amazon-searchOrders-2026-01-01.json');
		const orders = extractOrders('amazon', page);
		expect(orders).toHaveLength(1);
		const o = valid(normalizeOrder('amazon', orders[0]));
		expect(o.omsId).toBe('amazon:123-4567890-1234567');
		expect(o.channelStatus).toBe('SHIPPED');
		expect(o.readiness).toBe('shipped');
		expect(o.currency).toBe('USD');
		// grandTotal 154.99 = items 149.97 + tax 0.02 + DELIVERY_TIP 5.00 (an "other charge": folded into shipping)
		expect(o.totals).toEqual({ subtotal: 149.97, shipping: 5, tax: 0.02, discount: 0, total: 154.99 });
		expect(o.lines.map((l) => [l.lineId, l.sku, l.quantity, l.unitPrice, l.lineTotal])).toEqual([
			['12345678901234', 'ECHO-DOT-4-CHARCOAL', 2, 49.99, 99.98],
			['12345678901235', 'FIRE-TV-4K-2021', 1, 49.99, 49.99],
		]);
		expect(o.shipTo).toMatchObject({ name: 'John Smith', company: 'Smith Industries LLC', city: 'Seattle', region: 'WA', country: 'US' });
		expect(o.customer.email).toBe('buyer-email@marketplace.amazon.com');
		expect(o.shipping).toEqual({ level: 'standard', label: 'STANDARD' });
		expect(o.shipBy).toBe('2024-12-27T23:59:59Z');
	});

	test.each([
		// fulfilledBy AMAZON (FBA): shipped by Amazon
		['amazon-searchOrders-2026-01-01-sandbox-1.json', '250-1234567-8901234', 'JPY', 19940, ['ECHO-DOT-4-JP-CHARCOAL', 'FIRE-TV-4K-MAX-JP'], 'JP', 'shipped'],
		['amazon-searchOrders-2026-01-01-sandbox-2.json', '202-7654321-1098765', 'GBP', 34.99, ['ECHO-DOT-4-UK-CHARCOAL-SINGLE'], 'GB', 'shipped'],
		['amazon-searchOrders-2026-01-01-sandbox-3.json', '171-2345678-9012345', 'BRL', 1599.9, ['DELL-I15-BR-001'], 'BR', 'ready'],
	])('%s', (file, id, currency, total, expectedSkus, country, readiness) => {
		const orders = extractOrders('amazon', load(file));
		expect(orders).toHaveLength(1);
		const o = valid(normalizeOrder('amazon', orders[0]));
		expect(o.channelOrderId).toBe(id);
		expect(o.currency).toBe(currency);
		expect(o.totals.total).toBe(total);
		expect(skus(o)).toEqual(expectedSkus);
		expect(o.shipTo?.country).toBe(country);
		expect(o.readiness).toBe(readiness);
	});

	test('Fulfilled by Amazon: the status carries AMAZON, and an unshipped FBA order is never ready for the 3PL', () => {
		const raw = extractOrders('amazon', load('amazon-searchOrders-2026-01-01-sandbox-1.json'))[0] as Payload;
		expect(normalizeOrder('amazon', raw).channelStatus).toBe('SHIPPED/AMAZON');
		raw.fulfillment.fulfillmentStatus = 'UNSHIPPED';
		const o = valid(normalizeOrder('amazon', raw));
		expect([o.channelStatus, o.readiness]).toEqual(['UNSHIPPED/AMAZON', 'pending']);
		const v0 = { order: load('amazon-v0-getOrder-sandbox-2.json'), items: [{ OrderItemId: '1', SellerSKU: 'S', QuantityOrdered: 1, ItemPrice: { CurrencyCode: 'EUR', Amount: '100.00' } }] };
		v0.order.payload.OrderStatus = 'Unshipped';
		expect(normalizeOrder('amazon', v0)).toMatchObject({ channelStatus: 'Unshipped/AFN', readiness: 'pending' });
	});

	test('JPY amounts stay whole', () => {
		const o = valid(normalizeOrder('amazon', extractOrders('amazon', load('amazon-searchOrders-2026-01-01-sandbox-1.json'))[0]));
		expect(o.lines.map((l) => [l.quantity, l.unitPrice, l.lineTotal])).toEqual([
			[1, 5980, 5980],
			[2, 6980, 13960],
		]);
	});

	test('getOrder example ({order} wrapper): item, shipping and tax breakdowns', () => {
		const o = valid(normalizeOrder('amazon', load('amazon-getOrder-2026-01-01.json')));
		expect(o.omsId).toBe('amazon:202-1234567-8901234');
		expect(o.currency).toBe('GBP');
		expect(o.totals).toEqual({ subtotal: 89.97, shipping: 10, tax: 4, discount: 0, total: 103.97 });
		expect(o.lines).toEqual([
			{ lineId: '20212345678901', sku: 'ECHO-DOT-4-UK-CHARCOAL-3PACK', title: 'Echo Dot (4th Gen) | Smart speaker with Alexa | Charcoal', quantity: 3, unitPrice: 29.99, lineTotal: 89.97 },
		]);
		expect(o.shipTo).toMatchObject({ company: 'Wilson Electronics Ltd', line2: 'Unit 4B', postalCode: 'M1 2AB', country: 'GB', phone: '+441611234567' });
		expect(o.readiness).toBe('shipped');
		expect(o.shipBy).toBe('2024-12-26T23:59:59Z');
	});

	test.each([
		['amazon-getOrder-2026-01-01-sandbox-1.json', '171-9876543-2109876', 'BRL', { subtotal: 299.9, shipping: 0, tax: 0, discount: 0, total: 299.9 }, 'ready', 'BR'],
		['amazon-getOrder-2026-01-01-sandbox-2.json', '028-1234567-8901234', 'TRY', { subtotal: 125, shipping: 0, tax: 0, discount: 0, total: 125 }, 'shipped', 'TR'],
		// no order-level breakdowns: the item's TAX breakdown (10.00) makes up grandTotal 49.99
		['amazon-getOrder-2026-01-01-sandbox-3.json', '114-9876543-1234567', 'USD', { subtotal: 39.99, shipping: 0, tax: 10, discount: 0, total: 49.99 }, 'ready', 'US'],
	])('%s', (file, id, currency, totals, readiness, country) => {
		const o = valid(normalizeOrder('amazon', load(file)));
		expect(o.channelOrderId).toBe(id);
		expect(o.currency).toBe(currency);
		expect(o.totals).toEqual(totals);
		expect(o.readiness).toBe(readiness);
		expect(o.shipTo?.country).toBe(country);
	});

	test('getOrder sandbox-3 has no buyer: customer fields are null, shipBy null', () => {
		const o = valid(normalizeOrder('amazon', load('amazon-getOrder-2026-01-01-sandbox-3.json')));
		expect(o.customer).toEqual({ email: null, name: null, phone: null, channelCustomerId: null });
		expect(o.shipBy).toBeNull();
	});
});

describe('Amazon Orders API v0 payloads', () => {
	test('getOrders: every order normalises once combined with its items (form a: {order, items})', () => {
		const items = load('amazon-v0-getOrderItems-sandbox-1.json');
		const orders = extractOrders('amazon', load('amazon-v0-getOrders-sandbox-1.json'));
		expect(orders).toHaveLength(2);
		for (const order of orders as Payload[]) {
			// the vendor's items example belongs to 902-1845936-5435065; reuse its item list for the second order
			const o = valid(normalizeOrder('amazon', { order, items: items.payload.OrderItems }));
			expect(o.channelStatus).toBe('Unshipped');
			expect(o.readiness).toBe('ready');
			expect(o.totals).toEqual({ subtotal: 10, shipping: 0, tax: 1.01, discount: 0, total: 11.01 });
			expect(skus(o)).toEqual(['NABetaASINB00551Q3CS']);
			expect(o.shipping).toEqual({ level: 'standard', label: 'Std US D2D Dom' });
			expect(o.shipBy).toBe('1970-01-19T04:05:13Z');
		}
	});

	test('getOrder sandbox-1 + getOrderItems + getOrderAddress + getOrderBuyerInfo (all order 902-1845936-5435065)', () => {
		const o = valid(
			normalizeOrder('amazon', {
				order: load('amazon-v0-getOrder-sandbox-1.json'),
				items: load('amazon-v0-getOrderItems-sandbox-1.json'),
				address: load('amazon-v0-getOrderAddress-sandbox-1.json'),
				buyerInfo: load('amazon-v0-getOrderBuyerInfo-sandbox-1.json'),
			}),
		);
		expect(o.omsId).toBe('amazon:902-1845936-5435065');
		expect(o.totals.total).toBe(11.01);
		expect(o.shipTo).toMatchObject({ name: 'MFNIntegrationTestMerchant', line1: '2201 WESTLAKE AVE', city: 'SEATTLE', postalCode: '98121-2778', country: 'US' });
		expect(o.customer).toMatchObject({ email: 'fzyrv6gwkhbb15c@example.com', name: 'MFNIntegrationTestMerchant' });
	});

	test('form b: the Order with OrderItems attached gives the same order', () => {
		const order = load('amazon-v0-getOrder-sandbox-1.json').payload;
		const items = load('amazon-v0-getOrderItems-sandbox-1.json').payload.OrderItems;
		const a = normalizeOrder('amazon', { ...order, OrderItems: items }, { keepRaw: false });
		const b = normalizeOrder('amazon', { order, items }, { keepRaw: false });
		expect(a).toEqual(b);
	});

	test('getOrder example (Pending, no OrderTotal): currency from the items, total computed; address and buyer merged', () => {
		const items = load('amazon-v0-getOrderItems.json');
		const o = valid(
			normalizeOrder('amazon', {
				order: load('amazon-v0-getOrder.json'),
				// the vendor's items example is of another order (903-...): passed as a bare list it is not id-checked
				items: items.payload.OrderItems,
				address: load('amazon-v0-getOrderAddress.json'),
				buyerInfo: load('amazon-v0-getOrderBuyerInfo.json'),
			}),
		);
		expect(o.omsId).toBe('amazon:902-3159896-1390916');
		expect(o.readiness).toBe('pending');
		expect(o.currency).toBe('JPY');
		// ItemPrice is the line total; JPY has no minor unit: 25.99 -> 26, 17.95 -> 18 (unit 9)
		expect(o.lines.map((l) => [l.sku, l.quantity, l.unitPrice, l.lineTotal])).toEqual([
			['CBA_OTF_1', 1, 26, 26],
			['CBA_OTF_5', 2, 9, 18],
		]);
		// shipping 1.26 -> 1 plus COD fee 10; COD fee discount 1
		expect(o.totals).toEqual({ subtotal: 44, shipping: 11, tax: 0, discount: 1, total: 54 });
		expect(o.shipTo).toMatchObject({ line1: '1 cross st', city: 'Canton', country: 'US' });
		expect(o.customer).toMatchObject({ email: 'user@example.com', name: 'John Smith' });
	});

	test("another order's items (getOrderItems payload with its own AmazonOrderId) are refused", () => {
		expect(() => normalizeOrder('amazon', { order: load('amazon-v0-getOrder.json'), items: load('amazon-v0-getOrderItems.json') })).toThrow(
			/amazon order 902-3159896-1390916: invalid items\.AmazonOrderId \(belongs to order 903-1671087-0812628/,
		);
		expect(() =>
			normalizeOrder('amazon', {
				order: load('amazon-v0-getOrder-sandbox-1.json'),
				items: load('amazon-v0-getOrderItems-sandbox-1.json'),
				address: load('amazon-v0-getOrderAddress.json'),
			}),
		).toThrow(/invalid address\.AmazonOrderId/);
	});

	test('a v0 Order alone (no items) is a NormalizeError naming OrderItems', () => {
		for (const file of ['amazon-v0-getOrder.json', 'amazon-v0-getOrder-sandbox-1.json', 'amazon-v0-getOrder-sandbox-2.json']) {
			const err = catchErr(() => normalizeOrder('amazon', load(file)));
			expect(err).toBeInstanceOf(NormalizeError);
			expect(err.field).toBe('OrderItems');
		}
		for (const file of ['amazon-v0-getOrders.json', 'amazon-v0-getOrders-sandbox-2.json', 'amazon-v0-getOrders-sandbox-3.json']) {
			for (const order of extractOrders('amazon', load(file))) {
				expect(() => normalizeOrder('amazon', order)).toThrow(/amazon order 902-3159896-1390916: missing OrderItems/);
			}
		}
	});

	test('getOrders examples (Pending, with ShippingAddress and BuyerInfo inline) with items', () => {
		const items = load('amazon-v0-getOrderItems-sandbox-1.json').payload.OrderItems;
		for (const file of ['amazon-v0-getOrders.json', 'amazon-v0-getOrders-sandbox-2.json', 'amazon-v0-getOrders-sandbox-3.json']) {
			const [order] = extractOrders('amazon', load(file)) as Payload[];
			const o = valid(normalizeOrder('amazon', { order, items }));
			expect(o.omsId).toBe('amazon:902-3159896-1390916');
			expect(o.channelStatus).toBe('Pending');
			expect(o.readiness).toBe('pending');
			expect(o.shipBy).toBe('2017-01-25T19:49:35Z');
			if (file === 'amazon-v0-getOrders.json') {
				expect(o.shipTo).toMatchObject({ name: 'Michigan address', region: 'MI', country: 'US' });
				expect(o.customer.email).toBe('user@example.com');
			} else {
				expect(o.shipTo).toBeNull();
			}
		}
	});

	test('getOrder sandbox-2 (Shipped, EUR, AFN) with items constructed for it', () => {
		// No vendor items exist for 921-3175655-0452641: this item list is constructed to match its EUR 100.00 total.
		const items = [{ ASIN: 'B000000001', OrderItemId: '1', SellerSKU: 'DE-SKU-1', Title: 'Constructed item', QuantityOrdered: 1, ItemPrice: { CurrencyCode: 'EUR', Amount: '100.00' } }];
		const o = valid(normalizeOrder('amazon', { order: load('amazon-v0-getOrder-sandbox-2.json'), items }));
		expect(o.omsId).toBe('amazon:921-3175655-0452641');
		expect(o.readiness).toBe('shipped');
		expect(o.currency).toBe('EUR');
		expect(o.totals.total).toBe(100);
		expect(o.placedAt).toBe('2019-05-07T15:42:57.058Z');
	});

	test('ORDER_CHANGE notification is read by amazonOrderChange, not normalised', () => {
		const raw = load('amazon-ORDER_CHANGE-notification.json');
		expect(amazonOrderChange(raw)).toEqual({
			amazonOrderId: '903-8868176-2219830',
			status: 'Unshipped',
			changeType: 'BuyerRequestedChange',
			changeReason: 'Buyer Requested Cancel',
			notificationId: 'd0e9e693-c3ad-4373-979f-ed4ec98dd746',
			eventTime: '2020-01-11T00:09:53.109Z',
			items: [{ orderItemId: 'OIID34853450', sku: 'SellerSKUID1', quantity: 10, quantityShipped: 0, buyerRequestedCancel: true }],
		});
		expect(() => normalizeOrder('amazon', raw)).toThrow(NormalizeError);
	});
});

describe('WooCommerce payloads', () => {
	test('retrieve an order: processing is ready, *_gmt read as UTC, products without SKU fall back to the product id', () => {
		const raw = load('woocommerce-order.json');
		const o = valid(normalizeOrder('woocommerce', raw));
		expect(o.omsId).toBe('woocommerce:727');
		expect(o.orderNumber).toBe('727');
		expect(o.placedAt).toBe('2017-03-22T19:28:02Z');
		expect(o.updatedAt).toBe('2017-03-22T19:28:08Z');
		expect(o.readiness).toBe('ready');
		expect(o.channelStatus).toBe('processing');
		expect(o.totals).toEqual({ subtotal: 18, shipping: 10, tax: 1.35, discount: 0, total: 29.35 });
		expect(o.lines).toEqual([
			{ lineId: '315', sku: 'woocommerce-product:93', title: 'Woo Single #1', quantity: 2, unitPrice: 3, lineTotal: 6 },
			{ lineId: '316', sku: 'Bar3', title: 'Ship Your Idea – Color: Black, Size: M Test', quantity: 1, unitPrice: 12, lineTotal: 12 },
		]);
		expect(o.shipTo).toMatchObject({ name: 'John Doe', line1: '969 Market', city: 'San Francisco', region: 'CA', postalCode: '94103', country: 'US' });
		expect(o.customer).toMatchObject({ email: 'john.doe@example.com', name: 'John Doe', channelCustomerId: null });
		expect(o.shipping).toEqual({ level: 'standard', label: 'Flat Rate' });
		expect(o.risk.clientIp).toBeNull();
	});

	test('list all orders: both orders, completed is shipped, client IP kept', () => {
		const list = load('woocommerce-orders-list.json');
		const orders = extractOrders('woocommerce', list).map((r) => valid(normalizeOrder('woocommerce', r)));
		expect(orders.map((o) => [o.omsId, o.readiness, o.totals.total])).toEqual([
			['woocommerce:727', 'ready', 29.35],
			['woocommerce:723', 'shipped', 39],
		]);
		const o = orders[1];
		expect(skus(o)).toEqual(['woocommerce-product:87', 'woocommerce-product:34']);
		expect(o.shipTo).toMatchObject({ name: 'João Silva', city: 'Rio de Janeiro', country: 'BR' });
		expect(o.risk.clientIp).toBe('127.0.0.1');
		expect(o.customer.channelCustomerId).toBe('26');
	});
});

describe('Walmart payloads', () => {
	test('getOrder ({order}): epoch ms to ISO, shipped line, economy (Value)', () => {
		const o = valid(normalizeOrder('walmart', load('walmart-order.json')));
		expect(o.omsId).toBe('walmart:1815367951431');
		expect(o.orderNumber).toBe('4372135469400');
		expect(o.placedAt).toBe('2021-06-15T22:33:27Z');
		expect(o.updatedAt).toBe('2021-06-16T09:30:55.623Z');
		expect(o.channelStatus).toBe('Shipped');
		expect(o.readiness).toBe('shipped');
		expect(o.totals).toEqual({ subtotal: 5, shipping: 0, tax: 0.34, discount: 0, total: 5.34 });
		expect(o.lines).toEqual([{ lineId: '1', sku: 'YHY-FN25200B2', title: 'Mac Sports Heavy Duty Steel Double Decker Collapsible Yard Cart Wagon, Purple', quantity: 1, unitPrice: 5, lineTotal: 5 }]);
		expect(o.shipTo).toMatchObject({ name: 'Donald Ashley', city: 'Cedar hill', region: 'MO', postalCode: '63016', country: 'US' });
		expect(o.shipping).toEqual({ level: 'economy', label: 'Value' });
		expect(o.shipBy).toBe('2021-06-17T05:00:00Z');
	});

	test('getOrder with attributes (3PL ship node)', () => {
		const o = valid(normalizeOrder('walmart', load('walmart-order-attributes.json')));
		expect(o.omsId).toBe('walmart:1796277083022');
		expect(o.readiness).toBe('ready');
		expect(o.totals.total).toBe(10.8);
		expect(skus(o)).toEqual(['test1']);
	});

	test('GET /v3/orders: all 10 orders; Created ready, Cancelled cancelled, Shipped shipped', () => {
		const page = load('walmart-orders.json');
		const orders = extractOrders('walmart', page).map((r) => valid(normalizeOrder('walmart', r)));
		expect(orders).toHaveLength(10);
		expect(orders.map((o) => o.readiness)).toEqual(['ready', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'shipped', 'shipped', 'shipped', 'cancelled']);
		expect(orders[0].totals).toEqual({ subtotal: 10, shipping: 0, tax: 0.8, discount: 0, total: 10.8 });
		expect(orders[6].totals.total).toBe(10.84);
		expect(orders[8].totals).toEqual({ subtotal: 9.99, shipping: 0, tax: 0.62, discount: 0, total: 10.61 });
		for (const o of orders) expect(o.shipTo?.country).toBe('US'); // "USA" in the payload
	});

	test('GET /v3/orders/released: Express with a SHIPPING charge, sums in minor units', () => {
		const orders = extractOrders('walmart', load('walmart-orders-released.json')).map((r) => valid(normalizeOrder('walmart', r)));
		expect(orders).toHaveLength(10);
		for (const o of orders) {
			expect(o.readiness).toBe('ready');
			expect(o.shipping).toEqual({ level: 'expedited', label: 'Express' });
			expect(o.totals.subtotal).toBe(99);
			expect(o.totals.shipping).toBe(60);
		}
		expect(orders[0].omsId).toBe('walmart:4792982839409');
		expect(orders[0].totals).toEqual({ subtotal: 99, shipping: 60, tax: 7.92, discount: 0, total: 166.92 });
		expect(orders[1].totals.tax).toBe(0); // tax: null in the payload
	});
});

test('every file in the reference payloads folder is covered above', () => {
	const all = fs.readdirSync(PAYLOADS).filter((f) => f.endsWith('.json')).sort();
	expect(all.length).toBeGreaterThanOrEqual(31);
	expect(all.filter((f) => !covered.has(f))).toEqual([]);
});

function catchErr(fn: () => unknown): NormalizeError {
	try {
		fn();
	} catch (e) {
		return e as NormalizeError;
	}
	throw new Error('expected a NormalizeError');
}
