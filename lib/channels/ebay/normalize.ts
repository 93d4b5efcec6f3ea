/**
 * eBay Sell Fulfillment API order (an element of getOrders `orders[]`, or the getOrder body) -> CanonicalOrder.
 * Field names from the Fulfillment v1 OpenAPI spec (docs/architecture.md#vendor-api-facts, eBay). eBay publishes no example order body;
 * the tests use constructed fixtures under test/fixtures/channels/.
 *
 * Amounts are `{value: "12.34", currency: "USD"}` in the seller's currency (the `convertedFrom*` fields hold the
 * buyer's). `lineItemCost` is the price of the whole line (unit price x quantity, before discounts).
 *
 * A buyer's cancel request (cancelStatus.cancelState IN_PROGRESS) is `cancelRequest`: its id, date and reason from
 * `cancelRequests[]` (getOrder fills it; getOrders returns it empty ✔, so the id is then null and whoever answers reads
 * it from the Post-Order API: EbayClient.findCancelRequest).
 */
import type { CancelRequest, CanonicalOrder } from '../../order/types';
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
	levelFromWords,
	linesSubtotal,
	MinorLine,
	noRisk,
	obj,
	optCurrency,
	optId,
	optMinor,
	optTimestamp,
	reqId,
	reqQuantity,
	reqTimestamp,
	softTimestamp,
	statusKey,
	text,
	unitFromTotal,
	type Json,
	type NormalizeOptions,
	listAt,
} from '../normalize-common';
import { ebayReadiness } from './status';

export function normalizeEbayOrder(raw: unknown, opts: NormalizeOptions = {}): CanonicalOrder {
	const ctx = new Ctx('ebay');
	if (!isObj(raw)) return ctx.invalid('order', 'expected a JSON object');
	const o: Json = raw;
	const id = reqId(ctx, o.orderId, 'orderId');
	ctx.orderId = id;

	const items = arr(o.lineItems) ?? ctx.missing('lineItems');
	const currency =
		optCurrency(ctx, dig(o, 'pricingSummary', 'total', 'currency'), 'pricingSummary.total.currency') ??
		optCurrency(ctx, dig(items[0], 'lineItemCost', 'currency'), 'lineItems[0].lineItemCost.currency') ??
		optCurrency(ctx, opts.currency, 'options.currency') ??
		ctx.missing('pricingSummary.total.currency');
	const money = (m: unknown, field: string): number | null => {
		if (m === null || m === undefined) return null;
		if (!isObj(m)) return ctx.invalid(field, 'expected {value, currency}');
		const c = optCurrency(ctx, m.currency, `${field}.currency`);
		if (c !== null && c !== currency) ctx.invalid(`${field}.currency`, `${c} differs from the order currency ${currency}`);
		return optMinor(ctx, m.value, `${field}.value`, currency);
	};
	const nonNeg = (m: unknown, field: string): number | null => {
		const v = money(m, field);
		if (v !== null && v < 0) ctx.invalid(`${field}.value`, 'negative amount');
		return v;
	};

	let shipBy: string | null = null;
	const lines: MinorLine[] = items.map((li, i) => {
		const f = `lineItems[${i}]`;
		if (!isObj(li)) return ctx.invalid(f, 'expected an object');
		const lineId = reqId(ctx, li.lineItemId, `${f}.lineItemId`);
		const quantity = reqQuantity(ctx, li.quantity, `${f}.quantity`);
		const title = text(li.title);
		// Listings without a seller SKU: `ebay-item:<legacyItemId>[:<legacyVariationId>]`, else the title.
		const legacy = optId(ctx, li.legacyItemId, `${f}.legacyItemId`);
		const variation = optId(ctx, li.legacyVariationId, `${f}.legacyVariationId`);
		const sku = idText(ctx, li.sku, `${f}.sku`) ?? (legacy !== null ? `ebay-item:${legacy}${variation !== null ? `:${variation}` : ''}` : title ?? ctx.missing(`${f}.sku`));
		const total = nonNeg(li.lineItemCost, `${f}.lineItemCost`) ?? ctx.missing(`${f}.lineItemCost`);
		const by = softTimestamp(ctx, dig(li, 'lineItemFulfillmentInstructions', 'shipByDate'));
		if (by !== null && (shipBy === null || by < shipBy)) shipBy = by;
		return { lineId, sku, title, quantity, unit: unitFromTotal(total, quantity), total };
	});

	const ps = obj(o.pricingSummary);
	const discount = addMinor(
		ctx,
		'pricingSummary.priceDiscount',
		Math.abs(money(ps?.priceDiscount, 'pricingSummary.priceDiscount') ?? 0),
		Math.abs(money(ps?.deliveryDiscount, 'pricingSummary.deliveryDiscount') ?? 0),
	);

	const payment = text(o.orderPaymentStatus);
	const fulfillment = text(o.orderFulfillmentStatus);
	const cancelState = text(dig(o, 'cancelStatus', 'cancelState'));
	const channelStatus = [payment, fulfillment, cancelState].filter((s) => s !== null).join('/');
	const cancelRequest = statusKey(cancelState) === 'INPROGRESS' ? requestOf(ctx, dig(o, 'cancelStatus', 'cancelRequests')) : undefined;

	const step = obj(dig(arr(o.fulfillmentStartInstructions)?.[0], 'shippingStep'));
	const shipTo = obj(step?.shipTo);
	const contact = obj(shipTo?.contactAddress);
	const serviceCode = text(step?.shippingServiceCode);
	const buyer = obj(o.buyer);
	const reg = obj(buyer?.buyerRegistrationAddress);

	return buildOrder(
		ctx,
		{
			channelOrderId: id,
			orderNumber: text(o.salesRecordReference) ?? id,
			placedAt: reqTimestamp(ctx, o.creationDate, 'creationDate'),
			updatedAt: optTimestamp(ctx, o.lastModifiedDate, 'lastModifiedDate'),
			channelStatus,
			readiness: ebayReadiness(payment, fulfillment, cancelState),
			currency,
			totals: {
				subtotal: linesSubtotal(ctx, lines),
				shipping: nonNeg(ps?.deliveryCost, 'pricingSummary.deliveryCost') ?? 0,
				tax: nonNeg(ps?.tax, 'pricingSummary.tax') ?? 0,
				discount,
				total: nonNeg(ps?.total, 'pricingSummary.total'),
			},
			customer: customerOf(
				text(reg?.email) ?? text(shipTo?.email),
				text(reg?.fullName) ?? text(shipTo?.fullName),
				text(dig(reg, 'primaryPhone', 'phoneNumber')) ?? text(dig(shipTo, 'primaryPhone', 'phoneNumber')),
				idText(ctx, buyer?.username, 'buyer.username'),
			),
			shipTo: contact
				? addressFrom(
						ctx,
						{
							name: shipTo?.fullName,
							company: shipTo?.companyName,
							line1: contact.addressLine1,
							line2: contact.addressLine2,
							city: contact.city,
							region: contact.stateOrProvince,
							postalCode: contact.postalCode,
							country: contact.countryCode,
							phone: dig(shipTo, 'primaryPhone', 'phoneNumber'),
						},
						'fulfillmentStartInstructions[0].shippingStep.shipTo.contactAddress',
						'countryCode',
						true,
					)
				: null,
			billTo: null,
			shipping: { level: levelFromWords(serviceCode), label: serviceCode },
			lines,
			linesField: 'lineItems',
			risk: noRisk(),
			shipBy,
			...(cancelRequest ? { cancelRequest } : {}),
			raw: opts.keepRaw === false ? undefined : raw,
		},
		'pricingSummary.total.value',
	);
}

/**
 * The request the seller has to answer: the newest of cancelRequests[] still REQUESTED (any initiator: the state says
 * it waits for the seller), else the newest; none listed (getOrders): id null. Never fails the order: a request the
 * payload describes badly is still a request.
 */
function requestOf(ctx: Ctx, v: unknown): CancelRequest {
	const all = (arr(v) ?? []).filter(isObj).map((r) => ({
		id: optIdSoft(ctx, r.cancelRequestId),
		requestedAt: softTimestamp(ctx, r.cancelRequestedDate),
		reason: text(r.cancelReason),
		open: statusKey(text(r.cancelRequestState)) === 'REQUESTED',
	}));
	all.sort((a, b) => Number(b.open) - Number(a.open) || (b.requestedAt ?? '').localeCompare(a.requestedAt ?? ''));
	const r = all[0];
	return r ? { id: r.id, requestedAt: r.requestedAt, reason: r.reason } : { id: null, requestedAt: null, reason: null };
}

function optIdSoft(ctx: Ctx, v: unknown): string | null {
	try {
		return optId(ctx, v, 'cancelStatus.cancelRequests[].cancelRequestId');
	} catch {
		return null;
	}
}

/** The raw orders of an eBay list response: `orders`, or a single order */
export function extractEbayOrders(response: unknown): unknown[] | undefined {
	let found = listAt(response, 'orders');
	if (!found && isObj(response) && response.orderId !== undefined) found = [response];
	return found;
}
