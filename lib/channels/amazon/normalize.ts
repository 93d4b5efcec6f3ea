/**
 * Amazon SP-API order -> CanonicalOrder. Shapes accepted (told apart by `orderId` vs `AmazonOrderId`):
 *
 * - Orders API 2026-01-01: an element of searchOrders `orders[]`, or getOrder's `{ "order": {...} }`. Items are
 *   embedded (`orderItems`).
 * - Orders API v0: the Order object (getOrders `payload.Orders[]`, or getOrder's `{ "payload": {...} }`). v0 keeps
 *   items, address and buyer in separate calls, so the Order must come with its items, in either form:
 *     a) `{ order: <v0 Order>, items: <OrderItem[] | getOrderItems payload | response>,
 *          address?: <getOrderAddress payload | response>, buyerInfo?: <getOrderBuyerInfo payload | response> }`
 *     b) the Order with an `OrderItems` array attached (and optionally `ShippingAddress` / `BuyerInfo` on it).
 *   When a part carries its own `AmazonOrderId` it must match the order's (else `invalid items.AmazonOrderId`):
 *   attaching another order's items is refused. A v0 Order without items gives `missing OrderItems`.
 *
 * A buyer's cancel request is `cancelRequest` (the same branch as eBay's answers it: lib/flows/apply-channel-change.ts):
 * v0 items' `BuyerRequestedCancel {IsBuyerRequestedCancel "true", BuyerCancelReason}` ✔ (ordersV0.json; Amazon's
 * changelog "Changes to Orders API … for buyer cancellation requests": set on getOrderItems when a buyer asks), and
 * 2026-01-01 items' `cancellation.cancellationRequest {requester BUYER, cancelReason}` ✔ (orders_2026-01-01.json)
 * while no `cancellationExecution` says it was carried out. Amazon gives the request no id and no date (both null:
 * AmazonClient.findCancelRequest stands the order id in for it) and no answer call: the seller cancels the order with
 * reason BuyerCanceled ✔ (Seller Central help "buyer-initiated order cancelation") or ships it.
 *
 * The ORDER_CHANGE notification is not an order: amazonOrderChange() reads it into {amazonOrderId, status, items}
 * so a trigger can decide to call getOrder.
 */
import type { CancelRequest, CanonicalOrder, Readiness, ShippingLevel } from '../../order/types';
import {
	addMinor,
	addressFrom,
	arr,
	buildOrder,
	Ctx,
	customerOf,
	dig,
	idText,
	isObj,
	levelFromTable,
	linesSubtotal,
	MinorLine,
	mulMinor,
	noRisk,
	obj,
	own,
	optCurrency,
	optId,
	optMinor,
	optTimestamp,
	reqId,
	reqQuantity,
	reqTimestamp,
	softTimestamp,
	text,
	unitFromTotal,
	type Json,
	type NormalizeOptions,
	listAt,
} from '../normalize-common';
import { amazonReadiness } from './status';

/**
 * Currency of each Amazon marketplace, used only when an order names no currency anywhere (v0 Pending orders
 * have no OrderTotal and their items may have no price yet).
 */
export const AMAZON_MARKETPLACE_CURRENCY: Record<string, string> = {
	ATVPDKIKX0DER: 'USD', // amazon.com
	A2EUQ1WTGCTBG2: 'CAD', // amazon.ca
	A1AM78C64UM0Y8: 'MXN', // amazon.com.mx
	A2Q3Y263D00KWC: 'BRL', // amazon.com.br
	A1F83G8C2ARO7P: 'GBP', // amazon.co.uk
	A1PA6795UKMFR9: 'EUR', // amazon.de
	A13V1IB3VIYZZH: 'EUR', // amazon.fr
	APJ6JRA9NG5V4: 'EUR', // amazon.it
	A1RKKUPIHCS9HS: 'EUR', // amazon.es
	A1805IZSGTT6HS: 'EUR', // amazon.nl
	AMEN7PMS3EDWL: 'EUR', // amazon.com.be
	A1C3SOZRARQ6R3: 'PLN', // amazon.pl
	A2NODRKZP88ZB9: 'SEK', // amazon.se
	A33AVAJ2PDY3EV: 'TRY', // amazon.com.tr
	A21TJRUUN4KGV: 'INR', // amazon.in
	A1VC38T7YXB528: 'JPY', // amazon.co.jp
	A39IBJ37TRP1C6: 'AUD', // amazon.com.au
	A19VAU5U5O7RUS: 'SGD', // amazon.sg
	A2VIGQ35RCS4UG: 'AED', // amazon.ae
	A17E79C6D8DWNP: 'SAR', // amazon.sa
	ARBP9OOSHTCHU: 'EGP', // amazon.eg
};

/**
 * 2026 `fulfillmentServiceLevel` and v0 `ShipmentServiceLevelCategory` (compared without case or underscores).
 * SECOND_DAY is two-day delivery: expedited. SCHEDULED (a delivery appointment) has no canonical equivalent.
 */
const LEVELS: Record<string, ShippingLevel> = {
	STANDARD: 'standard',
	EXPEDITED: 'expedited',
	SECONDDAY: 'expedited',
	PRIORITY: 'priority',
	NEXTDAY: 'next_day',
	SAMEDAY: 'same_day',
	FREEECONOMY: 'economy',
	SCHEDULED: 'other',
};

function levelOf(code: string | null): ShippingLevel {
	if (code === null) return 'standard';
	return levelFromTable(LEVELS, code) ?? 'other';
}

/** Unwraps `{payload: X}` (every v0 response). */
function payloadOf(v: unknown): unknown {
	return isObj(v) && isObj(v.payload) ? v.payload : v;
}

interface V0Parts {
	order: Json;
	items?: unknown;
	address?: unknown;
	buyerInfo?: unknown;
}

export function normalizeAmazonOrder(raw: unknown, opts: NormalizeOptions = {}): CanonicalOrder {
	const ctx = new Ctx('amazon');
	let r = payloadOf(raw);
	if (!isObj(r)) return ctx.invalid('order', 'expected a JSON object');
	let parts: V0Parts | null = null;
	if (r.orderId === undefined && r.AmazonOrderId === undefined && r.order !== undefined) {
		const inner = payloadOf(r.order);
		if (!isObj(inner)) return ctx.invalid('order', 'expected a JSON object');
		if (inner.AmazonOrderId !== undefined || r.items !== undefined) {
			parts = { order: inner, items: r.items, address: r.address, buyerInfo: r.buyerInfo };
		} else {
			r = inner;
		}
	}
	if (parts === null && isObj(r) && r.orderId === undefined && r.AmazonOrderId !== undefined) parts = { order: r };
	if (parts !== null) return fromV0(ctx, parts, raw, opts);
	return from2026(ctx, r as Json, raw, opts);
}

/* ----------------------------------------------------------------------------------------- 2026-01-01 */

function from2026(ctx: Ctx, o: Json, raw: unknown, opts: NormalizeOptions): CanonicalOrder {
	const id = reqId(ctx, o.orderId, 'orderId');
	ctx.orderId = id;
	const items = arr(o.orderItems) ?? ctx.missing('orderItems');
	const firstItem = obj(items[0]);
	const currency =
		optCurrency(ctx, dig(o, 'proceeds', 'grandTotal', 'currencyCode'), 'proceeds.grandTotal.currencyCode') ??
		optCurrency(ctx, dig(firstItem, 'product', 'price', 'unitPrice', 'currencyCode'), 'orderItems[0].product.price.unitPrice.currencyCode') ??
		optCurrency(ctx, opts.currency, 'options.currency') ??
		own(AMAZON_MARKETPLACE_CURRENCY, text(dig(o, 'salesChannel', 'marketplaceId')) ?? '') ??
		ctx.missing('proceeds.grandTotal.currencyCode');
	const money = (m: unknown, field: string): number | null => {
		if (m === null || m === undefined) return null;
		if (!isObj(m)) return ctx.invalid(field, 'expected {amount, currencyCode}');
		const c = optCurrency(ctx, m.currencyCode, `${field}.currencyCode`);
		if (c !== null && c !== currency) ctx.invalid(`${field}.currencyCode`, `${c} differs from the order currency ${currency}`);
		return optMinor(ctx, m.amount, `${field}.amount`, currency);
	};

	const lines: MinorLine[] = items.map((it, i) => {
		const f = `orderItems[${i}]`;
		if (!isObj(it)) return ctx.invalid(f, 'expected an object');
		const lineId = reqId(ctx, it.orderItemId, `${f}.orderItemId`);
		const quantity = reqQuantity(ctx, it.quantityOrdered, `${f}.quantityOrdered`);
		const product = obj(it.product);
		const asin = optId(ctx, product?.asin, `${f}.product.asin`);
		// No seller SKU (should not happen for a seller's own listing): fall back to the ASIN, prefixed.
		const sku = idText(ctx, product?.sellerSku, `${f}.product.sellerSku`) ?? (asin !== null ? `amazon-asin:${asin}` : ctx.missing(`${f}.product.sellerSku`));
		const unitField = `${f}.product.price.unitPrice`;
		let unit = money(dig(product, 'price', 'unitPrice'), unitField);
		if (unit === null) {
			// Pending orders may carry no price yet: take the item's ITEM proceeds, else 0 (⚠ assumed).
			const itemBreak = breakdowns(it, 'ITEM', `${f}.proceeds`, money);
			unit = itemBreak === null ? 0 : unitFromTotal(itemBreak, quantity);
		}
		if (unit < 0) ctx.invalid(`${unitField}.amount`, 'negative price');
		return { lineId, sku, title: text(product?.title), quantity, unit, total: mulMinor(ctx, unitField, unit, quantity) };
	});

	// Order-level proceeds breakdowns when given; otherwise the items' own breakdowns, summed.
	const orderLevel = Array.isArray(dig(o, 'proceeds', 'breakdowns'));
	const sumType = (type: string): number => {
		if (orderLevel) return breakdowns(o, type, 'proceeds', money) ?? 0;
		let s = 0;
		items.forEach((it, i) => {
			s = addMinor(ctx, `orderItems[${i}].proceeds`, s, breakdowns(it, type, `orderItems[${i}].proceeds`, money) ?? 0);
		});
		return s;
	};
	const shipping = sumType('SHIPPING');
	const tax = sumType('TAX');
	const discount = Math.abs(sumType('DISCOUNT'));

	const status = text(dig(o, 'fulfillment', 'fulfillmentStatus')) ?? ctx.missing('fulfillment.fulfillmentStatus');
	const byAmazon = text(dig(o, 'fulfillment', 'fulfilledBy'))?.toUpperCase() === 'AMAZON';
	const serviceLevel = text(dig(o, 'fulfillment', 'fulfillmentServiceLevel'));
	const addr = obj(dig(o, 'recipient', 'deliveryAddress'));
	const buyer = obj(o.buyer);

	return buildOrder(
		ctx,
		{
			channelOrderId: id,
			orderNumber: id,
			placedAt: reqTimestamp(ctx, o.createdTime, 'createdTime'),
			updatedAt: optTimestamp(ctx, o.lastUpdatedTime, 'lastUpdatedTime'),
			channelStatus: byAmazon ? `${status}/AMAZON` : status,
			readiness: amazonFulfilled(amazonReadiness(status), byAmazon),
			currency,
			totals: {
				subtotal: linesSubtotal(ctx, lines),
				shipping: nonNeg(ctx, shipping, 'proceeds.breakdowns[SHIPPING]'),
				tax: nonNeg(ctx, tax, 'proceeds.breakdowns[TAX]'),
				discount,
				total: nonNegOrNull(ctx, money(dig(o, 'proceeds', 'grandTotal'), 'proceeds.grandTotal'), 'proceeds.grandTotal.amount'),
			},
			customer: customerOf(buyer?.buyerEmail, buyer?.buyerName, null, null),
			shipTo: addr
				? addressFrom(
						ctx,
						{
							name: addr.name,
							company: addr.companyName,
							line1: addr.addressLine1,
							line2: joinLines(addr.addressLine2, addr.addressLine3),
							city: addr.city,
							region: addr.stateOrRegion,
							postalCode: addr.postalCode,
							country: addr.countryCode,
							phone: addr.phone,
						},
						'recipient.deliveryAddress',
						'countryCode',
						true,
					)
				: null,
			billTo: null,
			shipping: { level: levelOf(serviceLevel), label: serviceLevel },
			lines,
			linesField: 'orderItems',
			risk: noRisk(),
			shipBy: softTimestamp(ctx, dig(o, 'fulfillment', 'shipByWindow', 'latestDateTime')),
			...buyerCancel(
				items.map((it) => {
					const c = obj(dig(it, 'cancellation'));
					const req = obj(c?.cancellationRequest);
					return req && !isObj(c?.cancellationExecution) ? { reason: text(req.cancelReason) } : null;
				}),
			),
			raw: opts.keepRaw === false ? undefined : raw,
		},
		'proceeds.grandTotal.amount',
	);
}

/**
 * Fulfilled by Amazon (2026 `fulfilledBy: AMAZON`, v0 `FulfillmentChannel: AFN`): Amazon ships it from its own
 * warehouses, so it must never go to the 3PL. Such an order is never `ready`: it waits as `pending` until
 * Amazon reports it shipped (or cancelled). channelStatus carries the second word (`UNSHIPPED/AMAZON`,
 * `Shipped/AFN`) so ops can see why.
 */
function amazonFulfilled(readiness: Readiness, byAmazon: boolean): Readiness {
	return byAmazon && readiness === 'ready' ? 'pending' : readiness;
}

function nonNeg(ctx: Ctx, v: number, field: string): number {
	if (v < 0) ctx.invalid(field, 'negative amount');
	return v;
}

function nonNegOrNull(ctx: Ctx, v: number | null, field: string): number | null {
	return v === null ? null : nonNeg(ctx, v, field);
}

/** Sum of the `subtotal` of every `proceeds.breakdowns[]` entry of `type` on `holder`; null when there is none. */
function breakdowns(
	holder: unknown,
	type: string,
	field: string,
	money: (m: unknown, field: string) => number | null,
): number | null {
	const list = dig(holder, 'proceeds', 'breakdowns');
	if (!Array.isArray(list)) return null;
	let sum: number | null = null;
	list.forEach((b, i) => {
		if (!isObj(b) || text(b.type)?.toUpperCase() !== type) return;
		const m = money(b.subtotal, `${field}.breakdowns[${i}].subtotal`);
		if (m !== null) sum = (sum ?? 0) + m;
	});
	if (sum !== null && !Number.isSafeInteger(sum)) return null;
	return sum;
}

function joinLines(...parts: unknown[]): string | null {
	const t = parts.map(text).filter((p): p is string => p !== null);
	return t.length ? t.join(', ') : null;
}

/* ------------------------------------------------------------------------------------------------ v0 */

/** The part's own AmazonOrderId must be the order's. */
function checkSameOrder(ctx: Ctx, part: unknown, field: string, id: string): void {
	if (!isObj(part) || part.AmazonOrderId === undefined) return;
	const other = optId(ctx, part.AmazonOrderId, `${field}.AmazonOrderId`);
	if (other !== null && other !== id) ctx.invalid(`${field}.AmazonOrderId`, `belongs to order ${other}, not ${id}`);
}

function fromV0(ctx: Ctx, p: V0Parts, raw: unknown, opts: NormalizeOptions): CanonicalOrder {
	const o = p.order;
	const id = reqId(ctx, o.AmazonOrderId, 'AmazonOrderId');
	ctx.orderId = id;

	let items: unknown[] | undefined;
	let itemsField = 'OrderItems';
	if (p.items !== undefined && p.items !== null) {
		const its = payloadOf(p.items);
		checkSameOrder(ctx, its, 'items', id);
		items = Array.isArray(its) ? its : arr(dig(its, 'OrderItems'));
		itemsField = Array.isArray(its) ? 'items' : 'items.OrderItems';
		if (items === undefined) return ctx.invalid('items', 'expected an OrderItems array or a getOrderItems payload');
	} else {
		items = arr(o.OrderItems);
	}
	if (items === undefined) return ctx.missing('OrderItems');

	const address = payloadOf(p.address);
	checkSameOrder(ctx, address, 'address', id);
	const shipAddr = obj(dig(address, 'ShippingAddress')) ?? (isObj(address) && address.AddressLine1 !== undefined ? address : undefined) ?? obj(o.ShippingAddress);
	const buyerPart = payloadOf(p.buyerInfo);
	checkSameOrder(ctx, buyerPart, 'buyerInfo', id);
	const buyer = obj(buyerPart) ?? obj(o.BuyerInfo);

	const firstItem = obj(items[0]);
	const currency =
		optCurrency(ctx, dig(o, 'OrderTotal', 'CurrencyCode'), 'OrderTotal.CurrencyCode') ??
		optCurrency(ctx, dig(firstItem, 'ItemPrice', 'CurrencyCode'), `${itemsField}[0].ItemPrice.CurrencyCode`) ??
		optCurrency(ctx, opts.currency, 'options.currency') ??
		own(AMAZON_MARKETPLACE_CURRENCY, text(o.MarketplaceId) ?? '') ??
		ctx.missing('OrderTotal.CurrencyCode');
	const money = (m: unknown, field: string): number | null => {
		if (m === null || m === undefined) return null;
		if (!isObj(m)) return ctx.invalid(field, 'expected {CurrencyCode, Amount}');
		const c = optCurrency(ctx, m.CurrencyCode, `${field}.CurrencyCode`);
		if (c !== null && c !== currency) ctx.invalid(`${field}.CurrencyCode`, `${c} differs from the order currency ${currency}`);
		return optMinor(ctx, m.Amount, `${field}.Amount`, currency);
	};

	let shipping = 0;
	let tax = 0;
	let discount = 0;
	const lines: MinorLine[] = items.map((it, i) => {
		const f = `${itemsField}[${i}]`;
		if (!isObj(it)) return ctx.invalid(f, 'expected an object');
		const lineId = reqId(ctx, it.OrderItemId, `${f}.OrderItemId`);
		const quantity = reqQuantity(ctx, it.QuantityOrdered, `${f}.QuantityOrdered`);
		const asin = optId(ctx, it.ASIN, `${f}.ASIN`);
		const sku = idText(ctx, it.SellerSKU, `${f}.SellerSKU`) ?? (asin !== null ? `amazon-asin:${asin}` : ctx.missing(`${f}.SellerSKU`));
		// v0 ItemPrice is the price of the whole line (unit price x quantity); absent on some Pending orders.
		const total = money(it.ItemPrice, `${f}.ItemPrice`) ?? 0;
		if (total < 0) ctx.invalid(`${f}.ItemPrice.Amount`, 'negative price');
		const pos = (name: string) => Math.abs(money(it[name], `${f}.${name}`) ?? 0);
		shipping = addMinor(ctx, `${f}.ShippingPrice`, shipping, pos('ShippingPrice'), pos('CODFee'));
		tax = addMinor(ctx, `${f}.ItemTax`, tax, pos('ItemTax'), pos('ShippingTax'));
		discount = addMinor(ctx, `${f}.PromotionDiscount`, discount, pos('PromotionDiscount'), pos('ShippingDiscount'), pos('CODFeeDiscount'));
		return { lineId, sku, title: text(it.Title), quantity, unit: unitFromTotal(total, quantity), total };
	});

	const status = text(o.OrderStatus) ?? ctx.missing('OrderStatus');
	const byAmazon = text(o.FulfillmentChannel)?.toUpperCase() === 'AFN';
	const category = text(o.ShipmentServiceLevelCategory);
	const total = money(o.OrderTotal, 'OrderTotal');

	return buildOrder(
		ctx,
		{
			channelOrderId: id,
			orderNumber: id,
			placedAt: reqTimestamp(ctx, o.PurchaseDate, 'PurchaseDate'),
			updatedAt: optTimestamp(ctx, o.LastUpdateDate, 'LastUpdateDate'),
			channelStatus: byAmazon ? `${status}/AFN` : status,
			readiness: amazonFulfilled(amazonReadiness(status), byAmazon),
			currency,
			totals: { subtotal: linesSubtotal(ctx, lines), shipping, tax, discount, total: nonNegOrNull(ctx, total, 'OrderTotal.Amount') },
			customer: customerOf(buyer?.BuyerEmail, buyer?.BuyerName, null, null),
			shipTo: shipAddr
				? addressFrom(
						ctx,
						{
							name: shipAddr.Name,
							company: shipAddr.CompanyName,
							line1: shipAddr.AddressLine1,
							line2: joinLines(shipAddr.AddressLine2, shipAddr.AddressLine3),
							city: shipAddr.City,
							region: shipAddr.StateOrRegion,
							postalCode: shipAddr.PostalCode,
							country: shipAddr.CountryCode,
							phone: shipAddr.Phone,
						},
						'ShippingAddress',
						'CountryCode',
						true,
					)
				: null,
			billTo: null,
			shipping: { level: levelOf(category), label: text(o.ShipServiceLevel) ?? category },
			lines,
			linesField: itemsField,
			risk: noRisk(),
			shipBy: softTimestamp(ctx, o.LatestShipDate),
			...buyerCancel(
				items.map((it) => {
					const b = obj(dig(it, 'BuyerRequestedCancel'));
					return b && isYes(b.IsBuyerRequestedCancel) ? { reason: text(b.BuyerCancelReason) } : null;
				}),
			),
			raw: opts.keepRaw === false ? undefined : raw,
		},
		'OrderTotal.Amount',
	);
}

/** "true" (v0 sends the word ✔), or a JSON true (the ORDER_CHANGE summary ✔) */
function isYes(v: unknown): boolean {
	return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}

/** The order's open buyer cancel request from its items' (null: that item has none): the reasons, joined */
function buyerCancel(items: Array<{ reason: string | null } | null>): { cancelRequest?: CancelRequest } {
	const asked = items.filter((x): x is { reason: string | null } => x !== null);
	if (!asked.length) return {};
	const reasons = [...new Set(asked.map((x) => x.reason).filter((r): r is string => r !== null))];
	return { cancelRequest: { id: null, requestedAt: null, reason: reasons.length ? reasons.join('; ') : null } };
}

/* ------------------------------------------------------------------------------------ ORDER_CHANGE */

export interface AmazonOrderChange {
	amazonOrderId: string;
	/** v0 order status word from the notification summary (e.g. "Unshipped"), or null */
	status: string | null;
	/** OrderStatusChange | BuyerRequestedChange | DeliveryTipChange */
	changeType: string | null;
	changeReason: string | null;
	notificationId: string | null;
	eventTime: string | null;
	items: Array<{ orderItemId: string | null; sku: string | null; quantity: number | null; quantityShipped: number | null; buyerRequestedCancel: boolean }>;
}

/**
 * Reads an ORDER_CHANGE notification (SQS/EventBridge body) into what a trigger needs to decide whether to call
 * getOrder: it is a summary, not an order, so it is never normalised into a CanonicalOrder.
 */
export function amazonOrderChange(raw: unknown): AmazonOrderChange {
	const ctx = new Ctx('amazon');
	const n = obj(dig(raw, 'Payload', 'OrderChangeNotification')) ?? ctx.missing('Payload.OrderChangeNotification');
	const id = reqId(ctx, n.AmazonOrderId, 'Payload.OrderChangeNotification.AmazonOrderId');
	ctx.orderId = id;
	const summary = obj(n.Summary);
	const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
	const items = (arr(summary?.OrderItems) ?? []).filter(isObj).map((it) => ({
		orderItemId: text(it.OrderItemId),
		sku: text(it.SellerSKU),
		quantity: num(it.Quantity),
		quantityShipped: num(it.QuantityShipped),
		buyerRequestedCancel: isYes(it.IsBuyerRequestedCancel),
	}));
	return {
		amazonOrderId: id,
		status: text(summary?.OrderStatus),
		changeType: text(n.OrderChangeType),
		changeReason: text(dig(n, 'OrderChangeTrigger', 'ChangeReason')),
		notificationId: text(dig(raw, 'NotificationMetadata', 'NotificationId')),
		eventTime: softTimestamp(ctx, dig(raw, 'EventTime')),
		items,
	};
}

/** The raw orders of an Amazon list response: 2026-01-01 `orders`, v0 `payload.Orders` (v0 orders still need their items), or getOrder's `{order}` */
export function extractAmazonOrders(response: unknown): unknown[] | undefined {
	let found = listAt(response, 'orders') ?? listAt(response, 'payload', 'Orders') ?? listAt(response, 'Orders');
	if (!found && isObj(response) && isObj(response.order)) found = [response.order];
	return found;
}
