/**
 * Shopify order -> CanonicalOrder. Two shapes, told apart by their fields:
 * - REST / webhook JSON (snake_case: `line_items`, `total_price`...), bare or wrapped as `{"order": {...}}` the way
 *   the REST GET and create responses return it (Shopify's published REST examples);
 * - GraphQL Admin API `Order` nodes (camelCase, `gid://shopify/Order/…` ids, `*Set { shopMoney }` money,
 *   `lineItems { nodes }` or `{ edges { node } }`), bare or as `{ data: { order } }`.
 * Both give the same channelOrderId (the numeric id: REST `id`, GraphQL `legacyResourceId` or the gid's tail),
 * so an order seen by webhook and by polling has one omsId.
 *
 * Amounts are the shop currency (`currency` / `currencyCode`, `shop_money` / `shopMoney`), not presentment.
 */
import type { CanonicalOrder, Risk } from '../../order/types';
import {
	addMinor,
	addressFrom,
	arr,
	buildOrder,
	connection,
	Ctx,
	customerOf,
	dig,
	idText,
	isObj,
	joinName,
	levelFromWords,
	linesSubtotal,
	MAX_QUANTITY,
	MinorLine,
	mulMinor,
	obj,
	own,
	optCurrency,
	optId,
	optNonNegMinor,
	optTimestamp,
	reqQuantity,
	reqTimestamp,
	text,
	type Json,
	type NormalizeOptions,
	connectionAt,
	listAt,
} from '../normalize-common';
import { shopifyReadiness } from './status';

/** `gid://shopify/Order/450789469` -> `450789469`; other text unchanged. */
export function shopifyGidTail(id: string): string {
	const m = /^gid:\/\/shopify\/[A-Za-z]+\/([^/?]+)/.exec(id);
	return m ? m[1] : id;
}

function unwrap(raw: unknown): unknown {
	if (!isObj(raw)) return raw;
	if (isObj(raw.order) && raw.id === undefined) return raw.order;
	const dataOrder = dig(raw, 'data', 'order');
	if (isObj(dataOrder)) return dataOrder;
	return raw;
}

/** True for a GraphQL Admin API order node (camelCase), false for REST/webhook JSON. */
export function isShopifyGraphql(order: Json): boolean {
	if ('line_items' in order || 'created_at' in order || 'total_price' in order) return false;
	if ('lineItems' in order || 'createdAt' in order || 'totalPriceSet' in order || 'legacyResourceId' in order) return true;
	return typeof order.id === 'string' && order.id.startsWith('gid://');
}

export function normalizeShopifyOrder(raw: unknown, opts: NormalizeOptions = {}): CanonicalOrder {
	const ctx = new Ctx('shopify');
	const order = unwrap(raw);
	if (!isObj(order)) return ctx.invalid('order', 'expected a JSON object');
	return isShopifyGraphql(order) ? fromGraphql(ctx, order, raw, opts) : fromRest(ctx, order, raw, opts);
}

/**
 * The amount of a MoneyV2 (`shop_money` / `shopMoney`), after checking its currency: Amazon, eBay and Walmart refuse
 * an amount in another currency than the order's, and so does Shopify (an amount is never taken as the order
 * currency's when it says otherwise). Undefined when there is no such money object.
 */
function shopAmount(ctx: Ctx, m: unknown, field: string, codeKey: 'currency_code' | 'currencyCode', currency: string): unknown {
	if (!isObj(m)) return undefined;
	const c = optCurrency(ctx, m[codeKey], `${field}.${codeKey}`);
	if (c !== null && c !== currency) ctx.invalid(`${field}.${codeKey}`, `${c} differs from the order currency ${currency}`);
	return m.amount;
}

/**
 * Every money set on `holder` (REST `*_set` with `shop_money`, GraphQL `*Set` with `shopMoney`) must be in the order
 * currency, whether or not this normaliser reads its amount: a payload that mixes currencies is refused as a whole.
 */
function checkSets(ctx: Ctx, holder: unknown, field: string, graphql: boolean, currency: string): void {
	if (!isObj(holder)) return;
	for (const [k, v] of Object.entries(holder)) {
		if (!k.endsWith(graphql ? 'Set' : '_set')) continue;
		const money = graphql ? 'shopMoney' : 'shop_money';
		shopAmount(ctx, dig(v, money), `${field ? `${field}.` : ''}${k}.${money}`, graphql ? 'currencyCode' : 'currency_code', currency);
	}
}

/* ----------------------------------------------------------------------------------------------- REST */

function fromRest(ctx: Ctx, o: Json, raw: unknown, opts: NormalizeOptions): CanonicalOrder {
	let id = optId(ctx, o.id, 'id');
	if (id === null) {
		const gid = optId(ctx, o.admin_graphql_api_id, 'admin_graphql_api_id');
		id = gid === null ? null : shopifyGidTail(gid);
	}
	if (id === null) return ctx.missing('id');
	ctx.orderId = id;

	const currency =
		optCurrency(ctx, o.currency, 'currency') ??
		optCurrency(ctx, dig(o, 'total_price_set', 'shop_money', 'currency_code'), 'total_price_set.shop_money.currency_code') ??
		optCurrency(ctx, opts.currency, 'options.currency') ??
		ctx.missing('currency');
	const money = (v: unknown, field: string) => optNonNegMinor(ctx, v, field, currency);
	// a *_set's shop_money names its currency: one that is not the order's is refused (never taken as the order's),
	// also when the plain field beside it is the one read
	const shopMoney = (holder: unknown, set: string, field: string): unknown => shopAmount(ctx, dig(holder, set, 'shop_money'), `${field}.shop_money`, 'currency_code', currency);
	checkSets(ctx, o, '', false, currency);
	(arr(o.line_items) ?? []).forEach((li, i) => checkSets(ctx, li, `line_items[${i}]`, false, currency));
	(arr(o.shipping_lines) ?? []).forEach((sl, i) => checkSets(ctx, sl, `shipping_lines[${i}]`, false, currency));
	const setOr = (plain: string, set: string): number | null => {
		const fromSet = shopMoney(o, set, set);
		return money(o[plain], plain) ?? money(fromSet, `${set}.shop_money.amount`);
	};

	const items = arr(o.line_items) ?? ctx.missing('line_items');
	const current: Array<number | null> = [];
	const ordered: MinorLine[] = items.map((li, i) => {
		const f = `line_items[${i}]`;
		if (!isObj(li)) return ctx.invalid(f, 'expected an object');
		const lineId = optId(ctx, li.id, `${f}.id`) ?? String(i + 1);
		const quantity = reqQuantity(ctx, li.quantity, `${f}.quantity`);
		const setPrice = shopMoney(li, 'price_set', `${f}.price_set`);
		const unit = money(li.price, `${f}.price`) ?? money(setPrice, `${f}.price_set.shop_money.amount`) ?? ctx.missing(`${f}.price`);
		const title = text(li.name) ?? text(li.title);
		current.push(currentQuantity(li.current_quantity));
		return {
			lineId,
			sku: skuOf(ctx, li.sku, li.variant_id, title, lineId, `${f}.sku`),
			title,
			quantity,
			unit,
			total: mulMinor(ctx, `${f}.price`, unit, quantity),
		};
	});
	const edited = afterEdits(ctx, ordered, current);
	const lines = edited ?? ordered;
	const pick = (now: string, orig: string) => (edited ? setOr(now, `${now}_set`) ?? setOr(orig, `${orig}_set`) : setOr(orig, `${orig}_set`));

	const shippingLines = (arr(o.shipping_lines) ?? []).filter(isObj);
	let shipping = money(shopMoney(o, 'total_shipping_price_set', 'total_shipping_price_set'), 'total_shipping_price_set.shop_money.amount');
	if (shipping === null) {
		const parts = shippingLines.map((s, i) => {
			const setPrice = shopMoney(s, 'price_set', `shipping_lines[${i}].price_set`);
			return money(s.price, `shipping_lines[${i}].price`) ?? money(setPrice, `shipping_lines[${i}].price_set.shop_money.amount`) ?? 0;
		});
		shipping = addMinor(ctx, 'shipping_lines', ...parts);
	}
	const first = shippingLines[0];
	const label = first ? text(first.title) ?? text(first.code) : null;
	const words = first ? [text(first.code), text(first.title)].filter((w) => w !== null).join(' ') || null : null;

	const financial = text(o.financial_status);
	const fulfillment = text(o.fulfillment_status);
	const cancelled = o.cancelled_at !== null && o.cancelled_at !== undefined && o.cancelled_at !== '';
	// REST says fulfillment_status null for "nothing fulfilled yet"; Shopify's own word for that is "unfulfilled".
	const channelStatus = [financial ?? 'unknown', fulfillment ?? 'unfulfilled'].join('/');

	const cust = obj(o.customer);
	const ship = obj(o.shipping_address);
	const bill = obj(o.billing_address);
	const clientIp = text(o.browser_ip) ?? text(dig(o, 'client_details', 'browser_ip'));

	return buildOrder(ctx, {
		channelOrderId: id,
		orderNumber: text(o.name) ?? text(o.order_number),
		placedAt: reqTimestamp(ctx, o.created_at ?? o.processed_at, 'created_at'),
		updatedAt: optTimestamp(ctx, o.updated_at, 'updated_at'),
		channelStatus,
		readiness: shopifyReadiness(financial, fulfillment, cancelled),
		currency,
		totals: {
			subtotal: linesSubtotal(ctx, lines),
			shipping,
			tax: pick('current_total_tax', 'total_tax') ?? 0,
			discount: pick('current_total_discounts', 'total_discounts') ?? 0,
			total: pick('current_total_price', 'total_price'),
		},
		customer: customerOf(
			text(o.email) ?? text(o.contact_email) ?? text(cust?.email),
			joinName(cust?.first_name, cust?.last_name) ?? text(bill?.name) ?? text(ship?.name),
			text(o.phone) ?? text(cust?.phone),
			cust ? optId(ctx, cust.id, 'customer.id') : null,
		),
		shipTo: ship ? addressFrom(ctx, restAddress(ship), 'shipping_address', 'country_code', true) : null,
		billTo: bill ? addressFrom(ctx, restAddress(bill), 'billing_address', 'country_code', false) : null,
		shipping: { level: levelFromWords(words), label },
		lines,
		linesField: 'line_items',
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp },
		raw: opts.keepRaw === false ? undefined : raw,
	});
}

function restAddress(a: Json) {
	return {
		name: text(a.name) ?? joinName(a.first_name, a.last_name),
		company: a.company,
		line1: a.address1,
		line2: a.address2,
		city: a.city,
		region: text(a.province_code) ?? a.province,
		postalCode: a.zip,
		country: text(a.country_code) ?? a.country,
		phone: a.phone,
	};
}

/**
 * SKU fallback for lines without one (custom line items, products without SKUs): `shopify-variant:<variant id>`
 * when the line has a variant, else the line title, else `shopify-line:<line id>`. The WMS then sees a stable
 * key instead of an empty SKU; ops map it in the WMS item master if it should ever be stocked.
 */
export function skuOf(ctx: Ctx, sku: unknown, variantId: unknown, title: string | null, lineId: string, field: string): string {
	const s = idText(ctx, sku, field);
	if (s !== null) return s;
	const v = optId(ctx, variantId, field.replace(/sku$/, 'variant_id'));
	if (v !== null) return `shopify-variant:${shopifyGidTail(v)}`;
	return title ?? `shopify-line:${lineId}`;
}

/** `current_quantity` / `currentQuantity` when it is a usable whole number, else null (ignored). */
function currentQuantity(v: unknown): number | null {
	return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_QUANTITY ? v : null;
}

/**
 * Orders edited or refunded after checkout: Shopify keeps the ordered `quantity` and gives what is left as
 * `current_quantity` (GraphQL `currentQuantity`), with `current_total_*` totals to match. What the warehouse
 * must ship is what is left, so when any line's current quantity differs, the lines are the current ones
 * (lines at 0 dropped) and the totals the current totals. When nothing is left at all (fully refunded or
 * cancelled) the order keeps its original lines for the record; its readiness already says cancelled.
 * Returns null when the original lines stand.
 */
function afterEdits(ctx: Ctx, ordered: MinorLine[], current: Array<number | null>): MinorLine[] | null {
	const changed = ordered.some((l, i) => current[i] !== null && current[i] !== l.quantity);
	if (!changed) return null;
	const left = ordered
		.map((l, i) => {
			const q = current[i] ?? l.quantity;
			return { ...l, quantity: q, total: mulMinor(ctx, 'line items', l.unit, q) };
		})
		.filter((l) => l.quantity > 0);
	return left.length > 0 ? left : null;
}

/* -------------------------------------------------------------------------------------------- GraphQL */

const RISK_RANK: Record<string, number> = { HIGH: 4, MEDIUM: 3, LOW: 2, NONE: 1, PENDING: 0 };

function graphqlRisk(o: Json): Risk {
	const risk = obj(o.risk);
	const clientIp = text(o.clientIp) ?? text(o.browserIp);
	if (!risk) return { channelRecommendation: null, channelRiskLevel: null, clientIp };
	let level: string | null = null;
	const facts: Array<{ description: string; sentiment?: string | null }> = [];
	for (const a of connection(risk.assessments) ?? []) {
		if (!isObj(a)) continue;
		const l = text(a.riskLevel);
		if (l !== null && (level === null || (own(RISK_RANK, l.toUpperCase()) ?? -1) > (own(RISK_RANK, level.toUpperCase()) ?? -1))) level = l;
		for (const f of connection(a.facts) ?? []) {
			const d = isObj(f) ? text(f.description) : null;
			if (d !== null) facts.push({ description: d, sentiment: isObj(f) ? text(f.sentiment) : null });
		}
	}
	const out: Risk = { channelRecommendation: text(risk.recommendation), channelRiskLevel: level, clientIp };
	if (facts.length) out.facts = facts;
	return out;
}

function fromGraphql(ctx: Ctx, o: Json, raw: unknown, opts: NormalizeOptions): CanonicalOrder {
	const legacy = optId(ctx, o.legacyResourceId, 'legacyResourceId');
	const gid = optId(ctx, o.id, 'id');
	const id = legacy ?? (gid === null ? null : shopifyGidTail(gid)) ?? ctx.missing('id');
	ctx.orderId = id;

	const currency =
		optCurrency(ctx, o.currencyCode, 'currencyCode') ??
		optCurrency(ctx, dig(o, 'totalPriceSet', 'shopMoney', 'currencyCode'), 'totalPriceSet.shopMoney.currencyCode') ??
		optCurrency(ctx, opts.currency, 'options.currency') ??
		ctx.missing('currencyCode');
	checkSets(ctx, o, '', true, currency);
	(connection(o.lineItems) ?? []).forEach((li, i) => checkSets(ctx, li, `lineItems.nodes[${i}]`, true, currency));
	checkSets(ctx, o.shippingLine, 'shippingLine', true, currency);
	const setMoney = (name: string): number | null =>
		optNonNegMinor(ctx, shopAmount(ctx, dig(o, name, 'shopMoney'), `${name}.shopMoney`, 'currencyCode', currency), `${name}.shopMoney.amount`, currency);

	const items = connection(o.lineItems) ?? ctx.missing('lineItems.nodes');
	const current: Array<number | null> = [];
	const ordered: MinorLine[] = items.map((li, i) => {
		const f = `lineItems.nodes[${i}]`;
		if (!isObj(li)) return ctx.invalid(f, 'expected an object');
		const rawId = optId(ctx, li.id, `${f}.id`);
		const lineId = rawId === null ? String(i + 1) : shopifyGidTail(rawId);
		const quantity = reqQuantity(ctx, li.quantity, `${f}.quantity`);
		const unitField = `${f}.originalUnitPriceSet.shopMoney.amount`;
		const lineMoney = (set: string) => shopAmount(ctx, dig(li, set, 'shopMoney'), `${f}.${set}.shopMoney`, 'currencyCode', currency);
		const original = lineMoney('originalUnitPriceSet');
		const discounted = lineMoney('discountedUnitPriceSet');
		const unit =
			optNonNegMinor(ctx, original, unitField, currency) ??
			optNonNegMinor(ctx, discounted, `${f}.discountedUnitPriceSet.shopMoney.amount`, currency) ??
			ctx.missing(unitField);
		const title = text(li.name) ?? text(li.title);
		current.push(currentQuantity(li.currentQuantity));
		return {
			lineId,
			sku: skuOf(ctx, li.sku, dig(li, 'variant', 'id'), title, lineId, `${f}.sku`),
			title,
			quantity,
			unit,
			total: mulMinor(ctx, unitField, unit, quantity),
		};
	});

	const edited = afterEdits(ctx, ordered, current);
	const lines = edited ?? ordered;
	const pick = (now: string, orig: string) => (edited ? setMoney(now) ?? setMoney(orig) : setMoney(orig));

	const shippingLine = obj(o.shippingLine);
	const label = shippingLine ? text(shippingLine.title) ?? text(shippingLine.code) : null;
	const words = shippingLine ? [text(shippingLine.code), text(shippingLine.title)].filter((w) => w !== null).join(' ') || null : null;

	const financial = text(o.displayFinancialStatus);
	const fulfillment = text(o.displayFulfillmentStatus);
	const cancelled = o.cancelledAt !== null && o.cancelledAt !== undefined && o.cancelledAt !== '';
	const channelStatus = [financial ?? 'UNKNOWN', fulfillment ?? 'UNFULFILLED'].join('/');

	const cust = obj(o.customer);
	const ship = obj(o.shippingAddress);
	const bill = obj(o.billingAddress);
	const custId = cust ? optId(ctx, cust.legacyResourceId ?? cust.id, 'customer.id') : null;

	return buildOrder(ctx, {
		channelOrderId: id,
		orderNumber: text(o.name),
		placedAt: reqTimestamp(ctx, o.createdAt ?? o.processedAt, 'createdAt'),
		updatedAt: optTimestamp(ctx, o.updatedAt, 'updatedAt'),
		channelStatus,
		readiness: shopifyReadiness(financial, fulfillment, cancelled),
		currency,
		totals: {
			subtotal: linesSubtotal(ctx, lines),
			shipping: setMoney('totalShippingPriceSet') ?? 0,
			tax: pick('currentTotalTaxSet', 'totalTaxSet') ?? 0,
			discount: pick('currentTotalDiscountsSet', 'totalDiscountsSet') ?? 0,
			total: pick('currentTotalPriceSet', 'totalPriceSet'),
		},
		customer: customerOf(
			text(o.email) ?? text(cust?.email),
			text(cust?.displayName) ?? joinName(cust?.firstName, cust?.lastName) ?? text(bill?.name) ?? text(ship?.name),
			text(o.phone) ?? text(cust?.phone),
			custId === null ? null : shopifyGidTail(custId),
		),
		shipTo: ship ? addressFrom(ctx, gqlAddress(ship), 'shippingAddress', 'countryCodeV2', true) : null,
		billTo: bill ? addressFrom(ctx, gqlAddress(bill), 'billingAddress', 'countryCodeV2', false) : null,
		shipping: { level: levelFromWords(words), label },
		lines,
		linesField: 'lineItems.nodes',
		risk: graphqlRisk(o),
		raw: opts.keepRaw === false ? undefined : raw,
	});
}

function gqlAddress(a: Json) {
	return {
		name: text(a.name) ?? joinName(a.firstName, a.lastName),
		company: a.company,
		line1: a.address1,
		line2: a.address2,
		city: a.city,
		region: text(a.provinceCode) ?? a.province,
		postalCode: a.zip,
		country: text(a.countryCodeV2) ?? text(a.countryCode) ?? a.country,
		phone: a.phone,
	};
}

/**
 * The raw orders of a Shopify list response: GraphQL `data.orders.nodes` / `data.orders.edges[].node` (or `orders`
 * without `data`), REST `{orders: [...]}`, a single `{order}` or webhook order.
 */
export function extractShopifyOrders(response: unknown): unknown[] | undefined {
	let found = connectionAt(response, 'data', 'orders') ?? connectionAt(response, 'orders') ?? listAt(response, 'orders');
	if (!found && isObj(response) && isObj(response.order)) found = [response.order];
	if (!found && isObj(response) && response.id !== undefined && (response.line_items !== undefined || response.lineItems !== undefined)) found = [response];
	return found;
}
