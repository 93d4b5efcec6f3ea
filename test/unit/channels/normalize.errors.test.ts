/** A payload that cannot be normalised gives a NormalizeError naming channel, order id and field path. */
import * as fs from 'fs';
import * as path from 'path';
import { extractOrders, NormalizeError, normalizeOrder } from '../../../lib/channels/normalize';
import { validateOrder } from '../../../lib/order/validate';
import { PAYLOADS_DIR, type Payload } from './payload-seeds';

const PAYLOADS = PAYLOADS_DIR;
const FIXTURES = path.resolve(__dirname, '../../fixtures/channels');
const vendor = (f: string): Payload => JSON.parse(fs.readFileSync(path.join(PAYLOADS, f), 'utf8'));
const fixture = (f: string): Payload => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'));

function error(fn: () => unknown): NormalizeError {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(NormalizeError);
		return e as NormalizeError;
	}
	throw new Error('expected a NormalizeError, got an order');
}

const amazon2026 = () => vendor('amazon-searchOrders-2026-01-01.json').orders[0];
const amazonV0 = () => ({ order: vendor('amazon-v0-getOrder-sandbox-1.json'), items: vendor('amazon-v0-getOrderItems-sandbox-1.json') });
const shopifyRest = () => vendor('shopify-rest-order-get.json').order;
const shopifyGql = () => fixture('shopify-graphql-order.json').data.order;
const ebay = () => fixture('ebay-getOrders.json').orders[0];
const woo = () => vendor('woocommerce-order.json');
const walmart = () => vendor('walmart-order.json').order;

type Case = [string, string, () => Payload, (o: Payload) => void, string | null, string, RegExp?];
const cases: Case[] = [
	['amazon', '2026 item quantity', amazon2026, (o) => delete o.orderItems[0].quantityOrdered, '123-4567890-1234567', 'orderItems[0].quantityOrdered', /^amazon order 123-4567890-1234567: missing orderItems\[0\]\.quantityOrdered$/],
	['amazon', '2026 order id', amazon2026, (o) => delete o.orderId, null, 'orderId', /^amazon order unknown id: missing orderId$/],
	['amazon', '2026 no items', amazon2026, (o) => (o.orderItems = []), '123-4567890-1234567', 'orderItems'],
	['amazon', '2026 status', amazon2026, (o) => delete o.fulfillment, '123-4567890-1234567', 'fulfillment.fulfillmentStatus'],
	['amazon', '2026 created time', amazon2026, (o) => (o.createdTime = 'yesterday'), '123-4567890-1234567', 'createdTime', /invalid createdTime \(expected an ISO 8601 timestamp, got "yesterday"\)/],
	['amazon', '2026 item currency differs', amazon2026, (o) => (o.orderItems[1].product.price.unitPrice.currencyCode = 'EUR'), '123-4567890-1234567', 'orderItems[1].product.price.unitPrice.currencyCode'],
	['amazon', '2026 unknown currency', amazon2026, (o) => (o.proceeds.grandTotal.currencyCode = 'XYZ'), '123-4567890-1234567', 'proceeds.grandTotal.currencyCode'],
	['amazon', 'v0 item quantity', amazonV0, (o) => (o.items.payload.OrderItems[0].QuantityOrdered = 0), '902-1845936-5435065', 'items.OrderItems[0].QuantityOrdered'],
	['amazon', 'v0 item id', amazonV0, (o) => delete o.items.payload.OrderItems[0].OrderItemId, '902-1845936-5435065', 'items.OrderItems[0].OrderItemId'],
	['amazon', 'v0 purchase date', amazonV0, (o) => delete o.order.payload.PurchaseDate, '902-1845936-5435065', 'PurchaseDate'],
	['shopify', 'REST line quantity', shopifyRest, (o) => delete o.line_items[1].quantity, '450789469', 'line_items[1].quantity', /^shopify order 450789469: missing line_items\[1\]\.quantity$/],
	['shopify', 'REST line items', shopifyRest, (o) => delete o.line_items, '450789469', 'line_items'],
	['shopify', 'REST empty line items', shopifyRest, (o) => (o.line_items = []), '450789469', 'line_items'],
	['shopify', 'REST order id', shopifyRest, (o) => { delete o.id; delete o.admin_graphql_api_id; }, null, 'id', /^shopify order unknown id: missing id$/],
	['shopify', 'REST currency', shopifyRest, (o) => { delete o.currency; delete o.total_price_set; }, '450789469', 'currency'],
	['shopify', 'REST negative price', shopifyRest, (o) => (o.line_items[0].price = '-5.00'), '450789469', 'line_items[0].price'],
	['shopify', 'REST unknown ship-to country', shopifyRest, (o) => { o.shipping_address.country_code = 'Atlantis'; o.shipping_address.country = null; }, '450789469', 'shipping_address.country_code', /invalid shipping_address\.country_code \(unknown country "Atlantis"\)/],
	['shopify', 'REST created_at without zone', shopifyRest, (o) => { o.created_at = '2008-01-10T11:00:00'; delete o.processed_at; }, '450789469', 'created_at'],
	['shopify', 'GraphQL unit price', shopifyGql, (o) => delete o.lineItems.nodes[0].originalUnitPriceSet, '5550001001', 'lineItems.nodes[0].originalUnitPriceSet.shopMoney.amount'],
	['shopify', 'GraphQL line items', shopifyGql, (o) => delete o.lineItems, '5550001001', 'lineItems.nodes'],
	['ebay', 'line cost', ebay, (o) => delete o.lineItems[0].lineItemCost, '01-03955-36441', 'lineItems[0].lineItemCost', /^ebay order 01-03955-36441: missing lineItems\[0\]\.lineItemCost$/],
	['ebay', 'creation date', ebay, (o) => delete o.creationDate, '01-03955-36441', 'creationDate'],
	['ebay', 'quantity as text', ebay, (o) => (o.lineItems[1].quantity = 'two'), '01-03955-36441', 'lineItems[1].quantity', /invalid lineItems\[1\]\.quantity \(expected a whole number, got "two"\)/],
	['ebay', 'currency nowhere', ebay, (o) => { delete o.pricingSummary; delete o.lineItems[0].lineItemCost.currency; }, '01-03955-36441', 'pricingSummary.total.currency'],
	['woocommerce', 'gmt creation date', woo, (o) => delete o.date_created_gmt, '727', 'date_created_gmt'],
	['woocommerce', 'a date that does not exist', woo, (o) => (o.date_created_gmt = '2017-02-30T19:28:02'), '727', 'date_created_gmt', /invalid date_created_gmt \(expected an ISO 8601 timestamp, got "2017-02-30T19:28:02"\)/],
	['woocommerce', 'negative quantity', woo, (o) => (o.line_items[0].quantity = -2), '727', 'line_items[0].quantity'],
	['woocommerce', 'status', woo, (o) => (o.status = null), '727', 'status'],
	['woocommerce', 'total not a number', woo, (o) => (o.total = 'lots'), '727', 'total'],
	['walmart', 'order date', walmart, (o) => delete o.orderDate, '1815367951431', 'orderDate', /^walmart order 1815367951431: missing orderDate$/],
	['walmart', 'line quantity', walmart, (o) => (o.orderLines.orderLine[0].orderLineQuantity.amount = '1.5'), '1815367951431', 'orderLines.orderLine[0].orderLineQuantity.amount'],
	['walmart', 'sku', walmart, (o) => delete o.orderLines.orderLine[0].item.sku, '1815367951431', 'orderLines.orderLine[0].item.sku'],
	['walmart', 'purchase order id', walmart, (o) => delete o.purchaseOrderId, null, 'purchaseOrderId'],
	['walmart', 'order date out of range', walmart, (o) => (o.orderDate = 1e20), '1815367951431', 'orderDate'],
	// an amount in another currency than the order's is refused on every channel (issue 18: Shopify took it as the order's)
	['shopify', 'REST total in another currency', shopifyRest, (o) => (o.total_price_set.shop_money.currency_code = 'EUR'), '450789469', 'total_price_set.shop_money.currency_code', /invalid total_price_set\.shop_money\.currency_code \(EUR differs from the order currency USD\)/],
	['shopify', 'REST line price in another currency', shopifyRest, (o) => (o.line_items[0].price_set.shop_money.currency_code = 'CAD'), '450789469', 'line_items[0].price_set.shop_money.currency_code'],
	['shopify', 'REST shipping in another currency', shopifyRest, (o) => (o.total_shipping_price_set.shop_money.currency_code = 'GBP'), '450789469', 'total_shipping_price_set.shop_money.currency_code'],
	['shopify', 'GraphQL total in another currency', shopifyGql, (o) => (o.totalPriceSet.shopMoney.currencyCode = 'USD'), '5550001001', 'totalPriceSet.shopMoney.currencyCode', /USD differs from the order currency CAD/],
	['shopify', 'GraphQL line price in another currency', shopifyGql, (o) => (o.lineItems.nodes[0].originalUnitPriceSet.shopMoney.currencyCode = 'EUR'), '5550001001', 'lineItems.nodes[0].originalUnitPriceSet.shopMoney.currencyCode'],
	['shopify', 'GraphQL tax in another currency', shopifyGql, (o) => (o.totalTaxSet.shopMoney.currencyCode = 'EUR'), '5550001001', 'totalTaxSet.shopMoney.currencyCode'],
	['ebay', 'line cost in another currency', ebay, (o) => (o.lineItems[0].lineItemCost.currency = 'EUR'), '01-03955-36441', 'lineItems[0].lineItemCost.currency'],
	['walmart', 'charge tax in another currency', walmart, (o) => (o.orderLines.orderLine[0].charges.charge[0].tax.taxAmount.currency = 'CAD'), '1815367951431', 'orderLines.orderLine[0].charges.charge[0].tax.taxAmount.currency'],
	// an identifier no store can keep is refused; cleaning it could make it another one (issue 18)
	['shopify', 'REST SKU with NUL', shopifyRest, (o) => (o.line_items[0].sku = 'IPOD\u00002008'), '450789469', 'line_items[0].sku', /invalid line_items\[0\]\.sku \(identifier contains a NUL character \(U\+0000\), which the store cannot keep\)/],
	['shopify', 'GraphQL line id with a lone surrogate', shopifyGql, (o) => (o.lineItems.nodes[0].id = 'gid://shopify/LineItem/9001\ud800'), '5550001001', 'lineItems.nodes[0].id'],
	['amazon', '2026 SKU with NUL', amazon2026, (o) => (o.orderItems[0].product.sellerSku = 'S\u0000'), '123-4567890-1234567', 'orderItems[0].product.sellerSku'],
	['amazon', '2026 order id with NUL', amazon2026, (o) => (o.orderId = '123\u0000'), null, 'orderId'],
	['ebay', 'buyer username with NUL', ebay, (o) => (o.buyer.username = 'jane\u0000'), '01-03955-36441', 'buyer.username'],
	['woocommerce', 'SKU with a lone surrogate', woo, (o) => (o.line_items[0].sku = '\udc00'), '727', 'line_items[0].sku'],
	['woocommerce', 'customer id with NUL', woo, (o) => (o.customer_id = '5\u0000'), '727', 'customer_id'],
	['walmart', 'SKU with NUL', walmart, (o) => (o.orderLines.orderLine[0].item.sku = 'A\u0000B'), '1815367951431', 'orderLines.orderLine[0].item.sku'],
];

describe.each(cases)('%s: %s', (channel, _what, make, mutate, orderId, field, message) => {
	test('NormalizeError with channel, order id and field', () => {
		const raw = make();
		mutate(raw);
		const e = error(() => normalizeOrder(channel, raw));
		expect(e.channel).toBe(channel);
		expect(e.orderId).toBe(orderId);
		expect(e.field).toBe(field);
		expect(e.message).toContain(`${channel} order ${orderId ?? 'unknown id'}: `);
		expect(e.message).toContain(field);
		if (message) expect(e.message).toMatch(message);
		expect(e.name).toBe('NormalizeError');
	});
});

describe('other failures', () => {
	test('unknown channel', () => {
		const e = error(() => normalizeOrder('etsy', {}));
		expect(e.field).toBe('channel');
		expect(e.message).toMatch(/no normaliser for channel "etsy"/);
	});

	test.each(['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart'])('%s: not an object', (channel) => {
		for (const raw of [null, undefined, 42, 'order', [], true]) {
			const e = error(() => normalizeOrder(channel, raw));
			expect(e.channel).toBe(channel);
			expect(e.orderId).toBeNull();
		}
	});

	test('extractOrders: a response without a list names where it was expected', () => {
		expect(error(() => extractOrders('walmart', { list: {} })).field).toBe('list.elements.order');
		expect(error(() => extractOrders('shopify', { data: {} })).field).toBe('data.orders.nodes');
		expect(error(() => extractOrders('amazon', { errors: [] })).field).toBe('orders');
		expect(error(() => extractOrders('ebay', {})).field).toBe('orders');
		expect(error(() => extractOrders('nope', {})).field).toBe('channel');
	});

	test('the fallback currency option fills a payload that names none', () => {
		const raw = shopifyRest();
		delete raw.currency;
		delete raw.total_price_set;
		const o = normalizeOrder('shopify', raw, { currency: 'USD' });
		expect(o.currency).toBe('USD');
		expect(validateOrder(o)).toEqual([]);
	});

	test('Amazon v0 Pending order with no prices and no currency: currency from the marketplace, amounts 0', () => {
		const order = vendor('amazon-v0-getOrders-sandbox-3.json').payload.Orders[0];
		const o = normalizeOrder('amazon', { order, items: [{ OrderItemId: '1', SellerSKU: 'S1', QuantityOrdered: 2 }] });
		expect(o.currency).toBe('USD'); // ATVPDKIKX0DER
		expect(o.lines[0]).toMatchObject({ quantity: 2, unitPrice: 0, lineTotal: 0 });
		expect(validateOrder(o)).toEqual([]);
	});

	test('status and code words that name Object.prototype members are just unknown words', () => {
		const w = woo();
		w.shipping_lines[0].method_id = '__proto__';
		w.shipping_lines[0].method_title = 'constructor';
		w.line_items[0].name = 'A &constructor; B';
		const o = normalizeOrder('woocommerce', w);
		expect(o.shipping).toEqual({ level: 'other', label: 'constructor' });
		expect(o.lines[0].title).toBe('A &constructor; B');
		const a = { order: vendor('amazon-v0-getOrders-sandbox-3.json').payload.Orders[0], items: [{ OrderItemId: '1', SellerSKU: 'S1', QuantityOrdered: 1 }] };
		a.order.MarketplaceId = '__proto__';
		expect(error(() => normalizeOrder('amazon', a)).field).toBe('OrderTotal.CurrencyCode');
		const wm = walmart();
		wm.shippingInfo.methodCode = 'toString';
		expect(normalizeOrder('walmart', wm).shipping).toEqual({ level: 'other', label: 'toString' });
		const g = shopifyGql();
		g.risk.assessments[0].riskLevel = '__proto__';
		expect(normalizeOrder('shopify', g).risk.channelRiskLevel).toBe('MEDIUM');
	});

	test('WooCommerce: an empty shipping block on an order with a shipping line ships to the billing address', () => {
		const raw = woo();
		for (const k of Object.keys(raw.shipping)) raw.shipping[k] = '';
		const o = normalizeOrder('woocommerce', raw);
		expect(validateOrder(o)).toEqual([]);
		expect(o.shipTo).toEqual(o.billTo);
		expect(o.shipTo?.country).toBe('US');
		raw.shipping_lines = [];
		expect(normalizeOrder('woocommerce', raw).shipTo).toBeNull(); // nothing to ship (virtual goods)
	});

	test('an address with lines but no country is refused for shipping, dropped for billing', () => {
		const raw = shopifyRest();
		raw.billing_address.country_code = null;
		raw.billing_address.country = null;
		const o = normalizeOrder('shopify', raw);
		expect(o.billTo).toBeNull();
		raw.shipping_address.country_code = '';
		raw.shipping_address.country = '';
		expect(error(() => normalizeOrder('shopify', raw)).message).toBe('shopify order 450789469: missing shipping_address.country_code');
	});

	test('unknown extra fields are ignored', () => {
		const raw = woo();
		raw.some_plugin_field = { deep: [1, 2, { x: null }] };
		raw.line_items[0].unexpected = 'ok';
		const o = normalizeOrder('woocommerce', raw, { keepRaw: false });
		const plain = normalizeOrder('woocommerce', woo(), { keepRaw: false });
		expect(o).toEqual(plain);
	});
});

describe('free text no store can keep is cleaned, identifiers are checked (issue 18)', () => {
	test.each([
		['shopify', shopifyRest, (o: Payload) => {
			o.line_items[0].name = 'IPod\u0000 Nano \ud800';
			o.shipping_address.city = 'Ottawa\u0000';
			o.customer.first_name = '\udfffBob';
		}],
		['woocommerce', woo, (o: Payload) => {
			o.line_items[0].name = 'Woo\u0000 Single';
			o.billing.first_name = 'John\ud83d';
			o.status = 'processing\u0000';
		}],
		['walmart', walmart, (o: Payload) => {
			o.orderLines.orderLine[0].item.productName = 'Garmin\u0000';
			o.shippingInfo.postalAddress.name = 'Joe\u0000 Doe';
		}],
	] as Array<[string, () => Payload, (o: Payload) => void]>)('%s: NUL removed, unpaired surrogates replaced by U+FFFD, the order valid', (channel, make, mutate) => {
		const raw = make();
		mutate(raw);
		const o = normalizeOrder(channel, raw, { keepRaw: false });
		expect(validateOrder(o)).toEqual([]);
		const text = JSON.stringify(o);
		expect(text).not.toMatch(/\\u0000|\\ud[89a-f]/i);
	});

	test('the raw payload is kept as the channel sent it (the store cleans its copy and says so)', () => {
		const raw = woo();
		raw.customer_note = 'leave at door\u0000';
		expect((normalizeOrder('woocommerce', raw).raw as Payload).customer_note).toBe('leave at door\u0000');
	});

	test('a surrogate pair is a character like any other', () => {
		const raw = woo();
		raw.line_items[0].sku = 'MUG-\ud83d\ude00';
		expect(normalizeOrder('woocommerce', raw).lines[0].sku).toBe('MUG-\ud83d\ude00');
	});
});
