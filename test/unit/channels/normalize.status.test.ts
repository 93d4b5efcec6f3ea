/** Readiness from each channel's status words (docs/concepts.md#readiness), and shipping-level mapping. */
import * as fs from 'fs';
import * as path from 'path';
import { normalizeOrder } from '../../../lib/channels/normalize';
import { amazonReadiness, ebayReadiness, shopifyReadiness, walmartReadiness, wooCommerceReadiness } from '../../../lib/channels/status';
import { levelFromWords, msToIso } from '../../../lib/channels/normalize-common';
import { validateOrder } from '../../../lib/order/validate';
import { PAYLOADS_DIR, type Payload } from './payload-seeds';

const PAYLOADS = PAYLOADS_DIR;
const vendor = (f: string): Payload => JSON.parse(fs.readFileSync(path.join(PAYLOADS, f), 'utf8'));

test.each([
	['paid', null, false, 'ready'],
	['PAID', 'UNFULFILLED', false, 'ready'],
	['authorized', null, false, 'ready'],
	['AUTHORIZED', 'PARTIALLY_FULFILLED', false, 'ready'],
	['partially_refunded', null, false, 'ready'],
	['pending', null, false, 'pending'],
	['PENDING', 'UNFULFILLED', false, 'pending'],
	['partially_paid', null, false, 'pending'],
	['PAID', 'ON_HOLD', false, 'pending'],
	['paid', 'fulfilled', false, 'shipped'],
	['PAID', 'FULFILLED', false, 'shipped'],
	['paid', null, true, 'cancelled'],
	['refunded', null, false, 'cancelled'],
	['VOIDED', null, false, 'cancelled'],
	['EXPIRED', null, false, 'cancelled'],
	['PAID', 'RESTOCKED', false, 'cancelled'],
	[null, null, false, 'pending'],
	['SOMETHING_NEW', null, false, 'pending'],
] as const)('shopify %s / %s cancelled=%s -> %s', (fin, ful, cancelled, expected) => {
	expect(shopifyReadiness(fin, ful, cancelled)).toBe(expected);
});

test.each([
	['UNSHIPPED', 'ready'],
	['Unshipped', 'ready'],
	['PARTIALLY_SHIPPED', 'ready'],
	['PartiallyShipped', 'ready'],
	['PENDING', 'pending'],
	['Pending', 'pending'],
	['PENDING_AVAILABILITY', 'pending'],
	['PendingAvailability', 'pending'],
	['SHIPPED', 'shipped'],
	['Shipped', 'shipped'],
	['InvoiceUnconfirmed', 'shipped'],
	['CANCELLED', 'cancelled'],
	['Canceled', 'cancelled'],
	['UNFULFILLABLE', 'cancelled'],
	[null, 'pending'],
] as const)('amazon %s -> %s', (status, expected) => {
	expect(amazonReadiness(status)).toBe(expected);
});

test.each([
	['PAID', 'NOT_STARTED', 'NONE_REQUESTED', 'ready'],
	['PAID', 'IN_PROGRESS', 'NONE_REQUESTED', 'ready'],
	['PARTIALLY_REFUNDED', 'IN_PROGRESS', null, 'ready'],
	['PAID', 'FULFILLED', 'NONE_REQUESTED', 'shipped'],
	['PAID', 'NOT_STARTED', 'CANCELED', 'cancelled'],
	['FULLY_REFUNDED', 'NOT_STARTED', 'NONE_REQUESTED', 'cancelled'],
	['FAILED', 'NOT_STARTED', null, 'cancelled'],
	['PAID', 'NOT_STARTED', 'IN_PROGRESS', 'pending'],
	['PENDING', 'NOT_STARTED', 'NONE_REQUESTED', 'pending'],
	[null, null, null, 'pending'],
] as const)('ebay %s / %s / %s -> %s', (pay, ful, cancel, expected) => {
	expect(ebayReadiness(pay, ful, cancel)).toBe(expected);
});

test.each([
	['processing', 'ready'],
	['pending', 'pending'],
	['on-hold', 'pending'],
	['checkout-draft', 'pending'],
	['completed', 'shipped'],
	['cancelled', 'cancelled'],
	['failed', 'cancelled'],
	['refunded', 'cancelled'],
	['trash', 'cancelled'],
	['custom-status', 'pending'],
] as const)('woocommerce %s -> %s', (status, expected) => {
	expect(wooCommerceReadiness(status)).toBe(expected);
});

test.each([
	[['Created'], 'ready'],
	[['Acknowledged'], 'ready'],
	[['Shipped', 'Created'], 'ready'],
	[['Acknowledged', 'Cancelled'], 'ready'],
	[['Shipped'], 'shipped'],
	[['Shipped', 'Delivered'], 'shipped'],
	[['Delivered', 'Cancelled'], 'shipped'],
	[['Cancelled'], 'cancelled'],
	[['Cancelled', 'Cancelled'], 'cancelled'],
	[[], 'pending'],
	[['Refunded'], 'pending'],
] as const)('walmart %j -> %s', (statuses, expected) => {
	expect(walmartReadiness(statuses)).toBe(expected);
});

describe('through the normalisers', () => {
	test('Walmart: a cancelled line of an open order is left out, with its charges', () => {
		const raw = vendor('walmart-order.json');
		const line = raw.order.orderLines.orderLine[0];
		line.orderLineStatuses.orderLineStatus[0].status = 'Created';
		const cancelled = JSON.parse(JSON.stringify(line));
		cancelled.lineNumber = '2';
		cancelled.item.sku = 'GONE-1';
		cancelled.orderLineStatuses.orderLineStatus[0].status = 'Cancelled';
		raw.order.orderLines.orderLine.push(cancelled);
		const o = normalizeOrder('walmart', raw);
		expect(validateOrder(o)).toEqual([]);
		expect(o.readiness).toBe('ready');
		expect(o.channelStatus).toBe('Created/Cancelled');
		expect(o.lines.map((l) => l.sku)).toEqual(['YHY-FN25200B2']);
		expect(o.totals.total).toBe(5.34);
	});

	test('Walmart: a WFS order (shipped by Walmart) is never ready for the 3PL', () => {
		const raw = vendor('walmart-order.json');
		raw.order.orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0].status = 'Acknowledged';
		expect(normalizeOrder('walmart', raw).readiness).toBe('ready');
		raw.order.shipNode.type = 'WFSFulfilled';
		expect(normalizeOrder('walmart', raw).readiness).toBe('pending');
	});

	test('Shopify REST: cancelled_at wins over paid', () => {
		const raw = vendor('shopify-rest-order-get.json');
		raw.order.cancelled_at = '2008-01-11T11:00:00-05:00';
		raw.order.financial_status = 'paid';
		expect(normalizeOrder('shopify', raw).readiness).toBe('cancelled');
	});

	test('WooCommerce on-hold is pending', () => {
		const raw = vendor('woocommerce-order.json');
		raw.status = 'on-hold';
		const o = normalizeOrder('woocommerce', raw);
		expect([o.readiness, o.channelStatus]).toEqual(['pending', 'on-hold']);
	});

	test.each([
		['STANDARD', 'standard'],
		['EXPEDITED', 'expedited'],
		['SECOND_DAY', 'expedited'],
		['PRIORITY', 'priority'],
		['NEXT_DAY', 'next_day'],
		['SAME_DAY', 'same_day'],
		['FREE_ECONOMY', 'economy'],
		['SCHEDULED', 'other'],
	] as const)('Amazon fulfillmentServiceLevel %s -> %s', (code, level) => {
		const raw = vendor('amazon-getOrder-2026-01-01.json');
		raw.order.fulfillment.fulfillmentServiceLevel = code;
		expect(normalizeOrder('amazon', raw).shipping).toEqual({ level, label: code });
	});

	test.each([
		['Standard', 'standard'],
		['Express', 'expedited'],
		['OneDay', 'next_day'],
		['WhiteGlove', 'freight'],
		['Value', 'economy'],
		['Freight', 'freight'],
		['Drone', 'other'],
	] as const)('Walmart methodCode %s -> %s', (code, level) => {
		const raw = vendor('walmart-order.json');
		raw.order.shippingInfo.methodCode = code;
		expect(normalizeOrder('walmart', raw).shipping).toEqual({ level, label: code });
	});

	test.each([
		['flat_rate', 'Flat Rate', 'standard'],
		['free_shipping', 'Free shipping', 'standard'],
		['local_pickup', 'Local pickup', 'other'],
		['flat_rate:3', 'Express (1-2 days)', 'expedited'],
		['table_rate', 'Next Day Delivery', 'next_day'],
		['ups_ground', 'UPS Ground', 'standard'],
	] as const)('WooCommerce method %s "%s" -> %s', (id, title, level) => {
		const raw = vendor('woocommerce-order.json');
		raw.shipping_lines[0].method_id = id;
		raw.shipping_lines[0].method_title = title;
		expect(normalizeOrder('woocommerce', raw).shipping).toEqual({ level, label: title });
	});
});

test.each([
	['USPSPriority', 'priority'],
	['USPSPriorityMailExpress', 'priority'],
	['UPSNextDay', 'next_day'],
	['FedExStandardOvernight', 'next_day'],
	['UPS2ndDay', 'expedited'],
	['FedEx2Day', 'expedited'],
	['USPSGroundAdvantage', 'standard'],
	['UK_RoyalMailFirstClassStandard', 'standard'],
	['USPSMedia', 'economy'],
	['USPSMediaMail', 'economy'],
	['EconomyShippingFromOutsideUS', 'economy'],
	['SameDayDelivery', 'same_day'],
	['FreightShipping', 'freight'],
	['Pickup', 'other'],
	[null, 'standard'],
] as const)('service words %s -> %s', (words, level) => {
	expect(levelFromWords(words)).toBe(level);
});

test('msToIso agrees with Date#toISOString (without a zero millisecond part) from 1970 to 9999', () => {
	const rnd = (() => {
		let a = 12345;
		return () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 4294967296);
	})();
	const cases = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 4_107_542_400_000, 253_402_300_799_999];
	for (let i = 0; i < 20_000; i++) cases.push(Math.floor(rnd() * 253_402_300_800_000));
	for (const ms of cases) {
		const iso = new Date(ms).toISOString();
		expect(msToIso(ms)).toBe(iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso);
	}
});
