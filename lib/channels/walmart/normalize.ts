/**
 * Walmart Marketplace (US) v3 order -> CanonicalOrder: an element of `list.elements.order[]` (GET /v3/orders,
 * /v3/orders/released) or the getOrder body `{ "order": {...} }`.
 *
 * - Times are epoch milliseconds (`orderDate`, `statusDate`, `estimatedShipDate`).
 * - There is no order-level total in the base model: it is the sum of the line charges (PRODUCT -> subtotal,
 *   SHIPPING and other charge types -> shipping, each charge's `tax` -> tax, discounts -> discount), unless
 *   an `orderSummary.totalAmount` is present.
 * - A PRODUCT charge's `chargeAmount` is taken as the amount of the whole line (its orderLineQuantity); Walmart
 *   normally splits orders into lines of quantity 1, where both readings agree (⚠ assumed for quantity > 1).
 * - WFS orders (`shipNode.type: WFSFulfilled`) are shipped by Walmart: never `ready` (pending until shipped).
 * - Status lives on the lines. In an order that is not wholly cancelled, lines whose every status is Cancelled
 *   are left out (with their charges): the warehouse must not ship them.
 * - A customer's cancel request: an open line (Created or Acknowledged) with `intentToCancel` ✔ (OrderLineType; the
 *   INTENT_TO_CANCEL event: "a customer indicates they want to cancel an order or specific line before it ships") is
 *   `cancelRequest`, answered by the branch that answers eBay's (lib/flows/apply-channel-change.ts): the seller
 *   cancels the lines or ships them with intentToCancelOverride true ✔ (ShippingLineType: "Needs to be passed as true
 *   during shipping as an acknowledgment for orders which are intent to cancel by the customer"). The model types
 *   intentToCancel as a string and documents no values ⚠: "true", "Y" or "YES" (any case) is read as a request,
 *   anything else as none. Walmart gives the request no id (null: WalmartClient.findCancelRequest stands the purchase
 *   order id in for it); its reason is the line status's cancellationReason when one is given ⚠.
 */
import type { CanonicalOrder, ShippingLevel } from '../../order/types';
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
	MinorLine,
	noRisk,
	obj,
	optCurrency,
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
import { walmartReadiness } from './status';

/** shippingInfo.methodCode: Standard | Express | OneDay | WhiteGlove | Value | Freight (+ TwoDay, NextDay seen in the wild). */
const METHODS: Record<string, ShippingLevel> = {
	STANDARD: 'standard',
	EXPRESS: 'expedited',
	TWODAY: 'expedited',
	ONEDAY: 'next_day',
	NEXTDAY: 'next_day',
	WHITEGLOVE: 'freight',
	FREIGHT: 'freight',
	VALUE: 'economy',
};

interface WalmartLine {
	line: MinorLine;
	shipping: number;
	tax: number;
	discount: number;
	statuses: string[];
	/** The customer asked to cancel this line (intentToCancel) and it is still open: the reason, or '' when none given */
	cancelAsked: string | null;
}

/** intentToCancel read as a yes (the model gives a string without values ⚠) */
export function walmartIntentToCancel(v: unknown): boolean {
	if (v === true) return true;
	return typeof v === 'string' && ['TRUE', 'Y', 'YES'].includes(v.trim().toUpperCase());
}

export function normalizeWalmartOrder(raw: unknown, opts: NormalizeOptions = {}): CanonicalOrder {
	const ctx = new Ctx('walmart');
	let o: unknown = raw;
	if (isObj(o) && o.purchaseOrderId === undefined && isObj(o.order)) o = o.order;
	if (!isObj(o)) return ctx.invalid('order', 'expected a JSON object');
	const order: Json = o;
	const id = reqId(ctx, order.purchaseOrderId, 'purchaseOrderId');
	ctx.orderId = id;

	const lineList = arr(dig(order, 'orderLines', 'orderLine')) ?? arr(order.orderLines) ?? ctx.missing('orderLines.orderLine');
	let currency: string | null = optCurrency(ctx, dig(order, 'orderSummary', 'totalAmount', 'currency'), 'orderSummary.totalAmount.currency');
	if (currency === null) {
		// The first charge that names a currency.
		for (const l of lineList) {
			for (const c of arr(dig(l, 'charges', 'charge')) ?? []) {
				const cur = dig(c, 'chargeAmount', 'currency');
				if (typeof cur === 'string' && cur.trim() !== '') {
					currency = optCurrency(ctx, cur, 'orderLines.orderLine[].charges.charge[].chargeAmount.currency');
					break;
				}
			}
			if (currency !== null) break;
		}
	}
	const cur: string = currency ?? optCurrency(ctx, opts.currency, 'options.currency') ?? ctx.missing('orderLines.orderLine[0].charges.charge[0].chargeAmount.currency');
	const money = (m: unknown, field: string): number | null => {
		if (m === null || m === undefined) return null;
		if (!isObj(m)) return ctx.invalid(field, 'expected {currency, amount}');
		const c = optCurrency(ctx, m.currency, `${field}.currency`);
		if (c !== null && c !== cur) ctx.invalid(`${field}.currency`, `${c} differs from the order currency ${cur}`);
		return optMinor(ctx, m.amount, `${field}.amount`, cur);
	};

	let updatedMs: string | null = null;
	const parsed: WalmartLine[] = lineList.map((l, i) => {
		const f = `orderLines.orderLine[${i}]`;
		if (!isObj(l)) return ctx.invalid(f, 'expected an object');
		const lineId = reqId(ctx, l.lineNumber, `${f}.lineNumber`);
		const sku = idText(ctx, dig(l, 'item', 'sku'), `${f}.item.sku`) ?? ctx.missing(`${f}.item.sku`);
		const quantity = reqQuantity(ctx, dig(l, 'orderLineQuantity', 'amount'), `${f}.orderLineQuantity.amount`);
		let product = 0;
		let shipping = 0;
		let tax = 0;
		let discount = 0;
		(arr(dig(l, 'charges', 'charge')) ?? []).forEach((c, j) => {
			const cf = `${f}.charges.charge[${j}]`;
			if (!isObj(c)) return ctx.invalid(cf, 'expected an object');
			const amount = money(c.chargeAmount, `${cf}.chargeAmount`) ?? 0;
			const t = Math.abs(money(dig(c, 'tax', 'taxAmount'), `${cf}.tax.taxAmount`) ?? 0);
			tax = addMinor(ctx, `${cf}.tax.taxAmount`, tax, t);
			const type = (text(c.chargeType) ?? '').toUpperCase();
			const isDiscount = c.isDiscount === true || c.isDiscount === 'true' || type.includes('DISCOUNT') || amount < 0;
			if (isDiscount) discount = addMinor(ctx, `${cf}.chargeAmount`, discount, Math.abs(amount));
			else if (type === 'PRODUCT') product = addMinor(ctx, `${cf}.chargeAmount`, product, amount);
			else shipping = addMinor(ctx, `${cf}.chargeAmount`, shipping, amount); // SHIPPING, fees and other charges
		});
		const statuses: string[] = [];
		let reason: string | null = null;
		(arr(dig(l, 'orderLineStatuses', 'orderLineStatus')) ?? []).forEach((s) => {
			const st = text(dig(s, 'status'));
			if (st !== null) statuses.push(st);
			reason ??= text(dig(s, 'cancellationReason'));
		});
		const open = statuses.some((x) => ['CREATED', 'ACKNOWLEDGED'].includes(x.toUpperCase()));
		const sd = softTimestamp(ctx, l.statusDate, { epochMs: true });
		if (sd !== null && (updatedMs === null || sd > updatedMs)) updatedMs = sd;
		return {
			line: { lineId, sku, title: text(dig(l, 'item', 'productName')), quantity, unit: unitFromTotal(product, quantity), total: product },
			shipping,
			tax,
			discount,
			statuses,
			cancelAsked: open && walmartIntentToCancel(l.intentToCancel) ? (reason ?? '') : null,
		};
	});
	const asked = parsed.filter((p) => p.cancelAsked !== null);
	const askedReasons = [...new Set(asked.map((p) => p.cancelAsked).filter((r): r is string => !!r))];

	const allStatuses = parsed.flatMap((p) => p.statuses);
	let readiness = walmartReadiness(allStatuses);
	// Walmart Fulfillment Services orders ship from Walmart's warehouses, never from the 3PL: not `ready`.
	const wfs = text(dig(order, 'shipNode', 'type'))?.toUpperCase() === 'WFSFULFILLED';
	if (wfs && readiness === 'ready') readiness = 'pending';
	const cancelledOnly = (p: WalmartLine) => p.statuses.length > 0 && p.statuses.every((s) => s.toUpperCase() === 'CANCELLED');
	const kept = readiness === 'cancelled' ? parsed : parsed.filter((p) => !cancelledOnly(p));
	const sum = (pick: (p: WalmartLine) => number, field: string) => addMinor(ctx, field, ...kept.map(pick));
	const channelStatus = [...new Set(allStatuses)].join('/');

	const info = obj(order.shippingInfo);
	const pa = obj(info?.postalAddress);
	const method = text(info?.methodCode);
	const summaryTotal = money(dig(order, 'orderSummary', 'totalAmount'), 'orderSummary.totalAmount');
	const partial = kept.length !== parsed.length;

	return buildOrder(
		ctx,
		{
			channelOrderId: id,
			orderNumber: text(order.customerOrderId) ?? id,
			placedAt: reqTimestamp(ctx, order.orderDate, 'orderDate', { epochMs: true }),
			updatedAt: updatedMs ?? optTimestamp(ctx, order.orderDate, 'orderDate', { epochMs: true }),
			channelStatus: channelStatus === '' ? 'unknown' : channelStatus,
			readiness,
			currency: cur,
			totals: {
				subtotal: sum((p) => p.line.total, 'orderLines'),
				shipping: sum((p) => p.shipping, 'orderLines'),
				tax: sum((p) => p.tax, 'orderLines'),
				discount: sum((p) => p.discount, 'orderLines'),
				// A summary total covers every line, cancelled ones included: only usable when none were left out.
				total: partial || summaryTotal === null || summaryTotal < 0 ? null : summaryTotal,
			},
			customer: customerOf(order.customerEmailId, pa?.name, info?.phone, null),
			shipTo: pa
				? addressFrom(
						ctx,
						{
							name: pa.name,
							company: null,
							line1: pa.address1,
							line2: pa.address2,
							city: pa.city,
							region: pa.state,
							postalCode: pa.postalCode,
							country: pa.country,
							phone: info?.phone,
						},
						'shippingInfo.postalAddress',
						'country',
						true,
					)
				: null,
			billTo: null,
			shipping: { level: method === null ? 'standard' : levelFromTable(METHODS, method) ?? 'other', label: method },
			lines: kept.map((p) => p.line),
			linesField: 'orderLines.orderLine',
			risk: noRisk(),
			shipBy: softTimestamp(ctx, info?.estimatedShipDate, { epochMs: true }),
			...(asked.length && readiness !== 'cancelled' ? { cancelRequest: { id: null, requestedAt: null, reason: askedReasons.length ? askedReasons.join('; ') : null } } : {}),
			raw: opts.keepRaw === false ? undefined : raw,
		},
		'orderSummary.totalAmount.amount',
	);
}

/** The raw orders of a Walmart list response: `list.elements.order`, or getOrder's `{order}` */
export function extractWalmartOrders(response: unknown): unknown[] | undefined {
	let found = listAt(response, 'list', 'elements', 'order') ?? listAt(response, 'elements', 'order');
	if (!found && isObj(response) && isObj(response.order)) found = [response.order];
	return found;
}
