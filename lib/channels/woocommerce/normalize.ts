/**
 * WooCommerce REST API v3 order (GET /wc/v3/orders[/{id}], and the order.created / order.updated webhook body,
 * which is the same JSON) -> CanonicalOrder.
 *
 * Times: `date_created_gmt` / `date_modified_gmt` are UTC written without a zone; the non-`_gmt` twins are the
 * site's local time with no offset, so they are never used. Amounts are decimal strings in the store currency
 * (line `price` is a number). Line `subtotal` is before coupons, `total` after; both exclude tax.
 */
import type { CanonicalOrder, ShippingLevel } from '../../order/types';
import {
	addressFrom,
	arr,
	buildOrder,
	Ctx,
	customerOf,
	idText,
	isObj,
	joinName,
	levelFromWords,
	linesSubtotal,
	MinorLine,
	mulMinor,
	obj,
	own,
	optCurrency,
	optId,
	optNonNegMinor,
	optTimestamp,
	reqId,
	reqQuantity,
	reqTimestamp,
	text,
	unitFromTotal,
	type Json,
	type NormalizeOptions,
} from '../normalize-common';
import { wooCommerceReadiness } from './status';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…' };

/** WooCommerce HTML-escapes product names (`Ship Your Idea &ndash; Color: Black`): decode the common entities. */
export function decodeEntities(s: string): string {
	if (!s.includes('&')) return s;
	return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, e: string) => {
		if (e[0] === '#') {
			const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
			return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
		}
		return own(ENTITIES, e.toLowerCase()) ?? m;
	});
}

/** Core shipping method ids; anything else (table rates, carrier plugins) goes through the word heuristics. */
const METHODS: Record<string, ShippingLevel> = {
	flat_rate: 'standard',
	free_shipping: 'standard',
	local_pickup: 'other',
	pickup_location: 'other',
};

function levelOf(methodId: string | null, title: string | null): ShippingLevel {
	const base = methodId === null ? null : methodId.split(':')[0];
	// A title that names a speed ("Express", "Next Day") wins over a generic method id such as flat_rate.
	const fromTitle = title === null ? 'other' : levelFromWords(title);
	if (fromTitle !== 'other' && fromTitle !== 'standard') return fromTitle;
	const known = base === null ? undefined : own(METHODS, base);
	if (known !== undefined) return known;
	if (methodId === null && title === null) return 'standard';
	const fromId = levelFromWords(methodId);
	return fromId !== 'other' ? fromId : fromTitle;
}

export function normalizeWooCommerceOrder(raw: unknown, opts: NormalizeOptions = {}): CanonicalOrder {
	const ctx = new Ctx('woocommerce');
	if (!isObj(raw)) return ctx.invalid('order', 'expected a JSON object');
	const o: Json = raw;
	const id = reqId(ctx, o.id, 'id');
	ctx.orderId = id;
	const currency = optCurrency(ctx, o.currency, 'currency') ?? optCurrency(ctx, opts.currency, 'options.currency') ?? ctx.missing('currency');
	const money = (v: unknown, field: string) => optNonNegMinor(ctx, v, field, currency);

	const items = arr(o.line_items) ?? ctx.missing('line_items');
	const lines: MinorLine[] = items.map((li, i) => {
		const f = `line_items[${i}]`;
		if (!isObj(li)) return ctx.invalid(f, 'expected an object');
		const lineId = optId(ctx, li.id, `${f}.id`) ?? String(i + 1);
		const quantity = reqQuantity(ctx, li.quantity, `${f}.quantity`);
		const name = text(li.name);
		const title = name === null ? null : decodeEntities(name);
		// Products without a SKU: `woocommerce-variation:<id>` or `woocommerce-product:<id>`, else the title.
		const variation = optId(ctx, li.variation_id, `${f}.variation_id`);
		const product = optId(ctx, li.product_id, `${f}.product_id`);
		const sku =
			idText(ctx, li.sku, `${f}.sku`) ??
			(variation !== null && variation !== '0'
				? `woocommerce-variation:${variation}`
				: product !== null && product !== '0'
					? `woocommerce-product:${product}`
					: title ?? `woocommerce-line:${lineId}`);
		let total = money(li.subtotal, `${f}.subtotal`);
		let unit: number;
		if (total !== null) {
			unit = unitFromTotal(total, quantity);
		} else {
			unit = money(li.price, `${f}.price`) ?? ctx.missing(`${f}.subtotal`);
			total = mulMinor(ctx, `${f}.price`, unit, quantity);
		}
		return { lineId, sku, title, quantity, unit, total };
	});

	const status = text(o.status) ?? ctx.missing('status');
	const shippingLine = (arr(o.shipping_lines) ?? []).find(isObj);
	const methodId = shippingLine ? text(shippingLine.method_id) : null;
	const methodTitle = shippingLine ? text(shippingLine.method_title) : null;
	const billing = obj(o.billing);
	const shipping = obj(o.shipping);
	const customerId = optId(ctx, o.customer_id, 'customer_id');
	const wooAddress = (a: Json) => ({
		name: joinName(a.first_name, a.last_name),
		company: a.company,
		line1: a.address_1,
		line2: a.address_2,
		city: a.city,
		region: a.state,
		postalCode: a.postcode,
		country: a.country,
		phone: a.phone,
	});

	const billTo = billing ? addressFrom(ctx, wooAddress(billing), 'billing', 'country', false) : null;
	let shipTo = shipping ? addressFrom(ctx, wooAddress(shipping), 'shipping', 'country', true) : null;
	// An empty shipping block on an order that has a shipping line: WooCommerce ships to the billing address.
	if (shipTo === null && shippingLine !== undefined) shipTo = billTo;

	return buildOrder(ctx, {
		channelOrderId: id,
		orderNumber: text(o.number) ?? id,
		placedAt: reqTimestamp(ctx, o.date_created_gmt, 'date_created_gmt', { naiveIsUtc: true }),
		updatedAt: optTimestamp(ctx, o.date_modified_gmt, 'date_modified_gmt', { naiveIsUtc: true }),
		channelStatus: status,
		readiness: wooCommerceReadiness(status),
		currency,
		totals: {
			subtotal: linesSubtotal(ctx, lines),
			shipping: money(o.shipping_total, 'shipping_total') ?? 0,
			tax: money(o.total_tax, 'total_tax') ?? 0,
			discount: money(o.discount_total, 'discount_total') ?? 0,
			total: money(o.total, 'total'),
		},
		customer: customerOf(
			billing?.email,
			joinName(billing?.first_name, billing?.last_name) ?? joinName(shipping?.first_name, shipping?.last_name),
			text(billing?.phone) ?? text(shipping?.phone),
			customerId === '0' ? null : customerId, // 0 = guest checkout
		),
		shipTo,
		billTo,
		shipping: { level: levelOf(methodId, methodTitle), label: methodTitle ?? methodId },
		lines,
		linesField: 'line_items',
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: text(o.customer_ip_address) },
		raw: opts.keepRaw === false ? undefined : raw,
	});
}

/** The raw orders of a WooCommerce list response: the array itself (handled by extractOrders), or a single order object */
export function extractWooCommerceOrders(response: unknown): unknown[] | undefined {
	return isObj(response) && response.id !== undefined ? [response] : undefined;
}
