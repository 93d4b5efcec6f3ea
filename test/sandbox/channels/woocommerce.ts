/**
 * WooCommerce sandbox: REST v3 under /wp-json/wc/v3 (orders list/get/update/notes, products by SKU and batch,
 * webhooks CRUD), the Shipment Tracking extension endpoint, and webhook delivery.
 * Facts: docs/architecture.md#vendor-api-facts (WooCommerce): Basic consumer key/secret (or query-string keys); modified_after +
 * dates_are_gmt; per_page ≤ 100 (400 above ⚠ WordPress core); X-WP-Total, X-WP-TotalPages and Link headers;
 * webhooks signed X-WC-Webhook-Signature = base64 HMAC-SHA256(secret, exact body) with the X-WC-Webhook-* headers;
 * a ping with form body webhook_id=<id> and no signature when a webhook is created; no retries of failed
 * deliveries; disabled after more than 5 consecutive failures. Core has no rate limit; pass
 * rateLimits: { rest: {...} } to act like a host/WAF limit with 429 + Retry-After ⚠.
 * Bodies follow woocommerce-order.json in shape.
 *
 * Refunds ✔ (returns-billing-routing A.4, woocommerce-rest-api-docs _order-refunds.md, the v3 refunds controller):
 * POST /orders/<id>/refunds with amount, reason, line_items [{ id, quantity, refund_total, refund_tax }], api_refund
 * (default true: the gateway refunds the money; refunded_payment says whether it did) and api_restock (default
 * true: managed stock goes back up); 201 with the refund; a negative amount is 400 woocommerce_rest_invalid_order_refund;
 * more than is left to refund, or a gateway that refuses, is 500 woocommerce_rest_cannot_create_order_refund with
 * the reason and nothing is created; no idempotency: a second POST is a second refund. GET /orders/<id>/refunds[/<id>],
 * DELETE …/refunds/<id>?force=true, GET /refunds (every order's, with parent_id). Refund lines come back with
 * negative quantity and totals and the meta _refunded_item_id ✔, the refund keeps the meta_data sent ✔; a fully refunded order turns `refunded` ✔ and lists
 * its refunds as { id, reason, total: "-x" } ✔. Assumed ⚠: an amount left out is the lines' refund_total plus
 * their refund_tax; a line refunded beyond its quantity is refused like an amount (wc_create_refund's message).
 * Shipment Tracking ✔: GET lists an order's tracking items, DELETE …/shipment-trackings/<tracking_id> removes one;
 * POST adds one every time (not idempotent).
 * Core has no return object and no refund webhook topic [U]: a return shows as a refund with line items, and
 * order.updated fires when the order is saved ⚠. Core has no payout data ✔ (B.5): `gatewayExport()` writes the
 * gateway's CSV (woocommerce-stripe.ts).
 */
import { randomBytes } from 'node:crypto';
import { SandboxBase, basicAuth, postRaw, type Req, type Res, type SandboxOptions } from '../common';
import { CATALOG, type SeedAddress, type SeedOrder, lineTotal, money, total } from '../generator';
import { signBase64HmacSha256 } from '../../../lib/channels/webhook-signature';
import type { ConfirmationFailure } from './kit';
import { fmtMinor, toMinor, type MoneyEvent } from './shopify-payments';
import { stripeItemizedCsv, type StripeExportOptions } from './woocommerce-stripe';

export const WOO_SANDBOX_CREDENTIALS = {
	consumerKey: 'ck_0123456789abcdef0123456789abcdef01234567',
	consumerSecret: 'cs_76543210fedcba9876543210fedcba9876543210',
};

export interface WooWebhook {
	id: number;
	name: string;
	status: 'active' | 'paused' | 'disabled';
	topic: string;
	resource: string;
	event: string;
	hooks: string[];
	delivery_url: string;
	secret: string;
	date_created: string;
	date_created_gmt: string;
	date_modified: string;
	date_modified_gmt: string;
	failure_count: number;
}

export interface WooRefund {
	id: number;
	orderId: string;
	createdAt: string;
	amount: number;
	reason: string;
	refundedPayment: boolean;
	restocked: boolean;
	/** the meta_data sent with it (a client's own key finds the refund again after a lost answer) */
	meta: Array<{ id: number; key: string; value: unknown }>;
	lines: Array<{ lineId: number; sku: string; name: string; productId: number; quantity: number; total: number; tax: number; unitPrice: number }>;
}

export interface WooTracking {
	tracking_id: string;
	tracking_provider: string;
	tracking_link: string;
	tracking_number: string;
	date_shipped: string;
}

export interface WooDelivery {
	deliveryId: string;
	webhookId: number;
	url: string;
	headers: Record<string, string>;
	body: string;
	status: number;
}

const STATUS: Record<string, string> = { paid: 'processing', pending: 'pending', cancelled: 'cancelled', shipped: 'completed', partially_shipped: 'processing' };
const SHIP: Record<string, [string, string]> = {
	standard: ['flat_rate', 'Flat rate'], economy: ['free_shipping', 'Free shipping'], expedited: ['flat_rate', 'Express'],
	next_day: ['flat_rate', 'Next Day'], priority: ['flat_rate', 'Priority'], same_day: ['local_pickup', 'Same day courier'], freight: ['flat_rate', 'Freight'],
};

function gmt(iso: string): string {
	return new Date(iso).toISOString().slice(0, 19);
}

export class WooCommerceSandbox extends SandboxBase {
	readonly name = 'woocommerce';
	readonly orders = new Map<string, SeedOrder>();
	readonly statusOverride = new Map<string, string>();
	readonly products = new Map<number, { id: number; sku: string; name: string; stock_quantity: number | null; manage_stock: boolean }>();
	readonly webhooks = new Map<number, WooWebhook>();
	readonly deliveries: WooDelivery[] = [];
	readonly pings: Array<{ webhookId: number; status: number }> = [];
	readonly received = {
		trackings: [] as Array<{ orderId: string; body: unknown }>,
		orderUpdates: [] as Array<{ orderId: string; body: unknown }>,
		notes: [] as Array<{ orderId: string; body: unknown }>,
		batches: [] as Array<{ body: unknown }>,
		/** every POST …/refunds that created a refund (a second POST is a second refund) */
		refunds: [] as Array<{ orderId: string; body: unknown }>,
	};
	/** Refunds per order id */
	readonly refunds = new Map<string, WooRefund[]>();
	/** Shipment Tracking items per order id */
	readonly trackings = new Map<string, WooTracking[]>();
	/** Planted discrepancies in the gateway export */
	readonly plants = { overFee: new Map<string, number>(), missingSettlement: new Set<string>() };
	/** Deliver order.updated for changes the API makes (refunds, status); off by default */
	webhooksOnApiWrites: boolean;
	private readonly paidAt = new Map<string, string>();
	/** what the gateway charged per order: seed orders paid at creation, later payments when they happen */
	private readonly charges = new Map<string, { amount: number; at: string }>();
	/** quantity per line id once an edit changed it (0: removed) */
	private readonly qty = new Map<number, number>();
	private readonly edited = new Set<string>();
	private readonly pending = new Set<Promise<unknown>>();
	private refundFailures = { left: 0, message: '' };
	private refundSeq = 9000;
	private webhookSeq = 0;
	constructor(
		opts: SandboxOptions & { webhooksOnApiWrites?: boolean } = {},
		readonly creds = WOO_SANDBOX_CREDENTIALS,
	) {
		super(opts);
		this.webhooksOnApiWrites = opts.webhooksOnApiWrites ?? false;
		CATALOG.forEach((c, i) => this.products.set(500 + i, { id: 500 + i, sku: c.sku, name: c.title, stock_quantity: null, manage_stock: false }));
	}

	addOrders(orders: SeedOrder[]): void {
		this.bump();
		for (const o of orders) {
			if (!this.orders.has(o.id) && (STATUS[o.status] === 'processing' || STATUS[o.status] === 'completed')) this.charges.set(o.id, { amount: total(o), at: o.createdAt });
			this.orders.set(o.id, o);
		}
	}

	touch(id: string, patch: Partial<SeedOrder> = {}): void {
		this.bump();
		const o = this.orders.get(id);
		if (o) Object.assign(o, patch, { updatedAt: this.iso() });
	}

	private lineQty(o: SeedOrder, i: number): number {
		return this.qty.get(Number(o.id) * 10 + i + 1) ?? o.lines[i].quantity;
	}

	/** Subtotal, tax and total now: the seed's own figures, recalculated after an edit (tax in proportion ⚠) */
	private sums(o: SeedOrder): { subtotal: number; tax: number; total: number } {
		if (!this.edited.has(o.id)) return { subtotal: o.lines.reduce((s, l) => s + lineTotal(l), 0), tax: o.tax, total: total(o) };
		const cur = o.currency;
		const sub = o.lines.reduce((s, l, i) => s + toMinor(l.unitPrice, cur) * this.lineQty(o, i), 0);
		const orig = o.lines.reduce((s, l) => s + toMinor(lineTotal(l), cur), 0) || 1;
		const tax = Math.round((toMinor(o.tax, cur) * sub) / orig);
		const n = (x: number) => Number(fmtMinor(x, cur));
		return { subtotal: n(sub), tax: n(tax), total: n(sub + tax + toMinor(o.shippingCost, cur) - (sub ? toMinor(o.discount, cur) : 0)) };
	}

	private statusOf(o: SeedOrder): string {
		return this.statusOverride.get(o.id) ?? STATUS[o.status];
	}

	render(o: SeedOrder): Record<string, unknown> {
		const cur = o.currency;
		const m = (n: number) => money(n, cur);
		const status = this.statusOf(o);
		const sums = this.sums(o);
		const addr = (a: SeedOrder['shipTo'], withEmail: boolean) => ({
			first_name: a.name.split(' ')[0] ?? '',
			last_name: a.name.split(' ').slice(1).join(' '),
			company: a.company ?? '',
			address_1: a.line1,
			address_2: a.line2 ?? '',
			city: a.city,
			state: a.region ?? '',
			postcode: a.postalCode,
			country: a.country,
			...(withEmail ? { email: o.customer.email } : {}),
			phone: a.phone ?? '',
		});
		const paid = status === 'processing' || status === 'completed' || this.charges.has(o.id);
		const [methodId, methodTitle] = SHIP[o.shippingLevel] ?? SHIP.standard;
		const local = (iso: string) => gmt(iso);
		return {
			id: Number(o.id),
			parent_id: 0,
			status,
			currency: cur,
			version: '9.8.5',
			prices_include_tax: false,
			date_created: local(o.createdAt),
			date_modified: local(o.updatedAt),
			discount_total: m(o.discount),
			discount_tax: '0.00',
			shipping_total: m(o.shippingCost),
			shipping_tax: '0.00',
			cart_tax: m(sums.tax),
			total: m(sums.total),
			total_tax: m(sums.tax),
			customer_id: o.customer.firstOrder ? 0 : Number(o.customer.id),
			order_key: `wc_order_${o.id}${randomKey(o.id)}`,
			billing: addr(o.billTo, true),
			shipping: addr(o.shipTo, false),
			payment_method: 'stripe',
			payment_method_title: 'Credit Card (Stripe)',
			transaction_id: paid ? `pi_${o.id}` : '',
			customer_ip_address: o.clientIp,
			customer_user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
			created_via: 'checkout',
			customer_note: '',
			date_completed: status === 'completed' ? local(o.updatedAt) : null,
			date_paid: paid ? local(this.paidAt.get(o.id) ?? o.createdAt) : null,
			cart_hash: randomKey(o.id + 'cart'),
			number: o.id,
			meta_data: [],
			line_items: o.lines.flatMap((l, i) => {
				const q = this.lineQty(o, i);
				return q > 0 ? [{ l, i, q }] : [];
			}).map(({ l, i, q }) => ({
				id: Number(o.id) * 10 + i + 1,
				name: l.title,
				product_id: 500 + Math.max(0, CATALOG.findIndex((c) => c.sku === l.sku)),
				variation_id: 0,
				quantity: q,
				tax_class: '',
				subtotal: m(lineTotal({ ...l, quantity: q })),
				subtotal_tax: '0.00',
				total: m(lineTotal({ ...l, quantity: q })),
				total_tax: '0.00',
				taxes: [],
				meta_data: [],
				sku: l.sku,
				price: Number(money(l.unitPrice, cur)),
				image: { id: '', src: '' },
				parent_name: null,
			})),
			tax_lines: o.tax ? [{ id: Number(o.id) * 10 + 9, rate_code: `${o.shipTo.country}-TAX-1`, rate_id: 1, label: 'Tax', compound: false, tax_total: m(sums.tax), shipping_tax_total: '0.00', rate_percent: 8, meta_data: [] }] : [],
			shipping_lines: [{ id: Number(o.id) * 10 + 8, method_title: methodTitle, method_id: methodId, instance_id: '1', total: m(o.shippingCost), total_tax: '0.00', taxes: [], meta_data: [] }],
			fee_lines: [],
			coupon_lines: o.discount ? [{ id: Number(o.id) * 10 + 7, code: 'save5', discount: m(o.discount), discount_tax: '0.00', meta_data: [] }] : [],
			refunds: (this.refunds.get(o.id) ?? []).map((r) => ({ id: r.id, reason: r.reason, total: `-${m(r.amount)}` })),
			payment_url: `${this.url}/checkout/order-pay/${o.id}/`,
			is_editable: status === 'pending',
			needs_payment: status === 'pending',
			needs_processing: true,
			date_created_gmt: gmt(o.createdAt),
			date_modified_gmt: gmt(o.updatedAt),
			date_completed_gmt: status === 'completed' ? gmt(o.updatedAt) : null,
			date_paid_gmt: paid ? gmt(this.paidAt.get(o.id) ?? o.createdAt) : null,
			currency_symbol: cur === 'USD' ? '$' : cur,
			_links: { self: [{ href: `${this.url}/wp-json/wc/v3/orders/${o.id}` }], collection: [{ href: `${this.url}/wp-json/wc/v3/orders` }] },
		};
	}

	private err(status: number, code: string, message: string, extra: Record<string, string> = {}): Res {
		return { status, headers: extra, body: { code, message, data: { status } } };
	}

	protected limits() {
		return {};
	}

	protected throttleResponse(op: string): Res {
		return this.err(429, 'too_many_requests', 'Too many requests', { 'retry-after': String(this.secsToNextToken(op)) });
	}

	protected opOf(): string {
		return 'rest';
	}

	private authorised(req: Req): boolean {
		const ba = basicAuth(req);
		const ck = ba?.user ?? req.query.get('consumer_key');
		const cs = ba?.pass ?? req.query.get('consumer_secret');
		return ck === this.creds.consumerKey && cs === this.creds.consumerSecret;
	}

	protected route(req: Req): Res | Promise<Res> {
		if (!req.path.startsWith('/wp-json/')) return this.err(404, 'rest_no_route', 'No route was found matching the URL and request method.');
		if (!this.authorised(req)) return this.err(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
		if (!this.admit('rest')) return this.throttleResponse('rest');
		const p = req.path;
		let m: RegExpExecArray | null;
		if (p === '/wp-json/wc/v3/orders' && req.method === 'GET') return this.listOrders(req);
		if ((m = /^\/wp-json\/wc\/v3\/orders\/(\d+)$/.exec(p))) {
			const o = this.orders.get(m[1]);
			if (!o) return this.err(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
			if (req.method === 'GET') return { status: 200, body: this.render(o) };
			if (req.method === 'PUT' || req.method === 'POST') {
				const b = (req.body ?? {}) as { status?: string };
				const allowed = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'trash'];
				if (b.status !== undefined && !allowed.includes(b.status)) return this.err(400, 'rest_invalid_param', 'Invalid parameter(s): status');
				this.received.orderUpdates.push({ orderId: m[1], body: b });
				if (b.status) this.statusOverride.set(o.id, b.status);
				o.updatedAt = this.iso();
				this.bump();
				if (this.webhooksOnApiWrites) this.later(o);
				return { status: 200, body: this.render(o) };
			}
		}
		if ((m = /^\/wp-json\/wc\/v3\/orders\/(\d+)\/refunds$/.exec(p))) {
			const o = this.orders.get(m[1]);
			if (!o) return this.err(404, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.');
			if (req.method === 'POST') return this.createRefund(o, (req.body ?? {}) as Record<string, unknown>);
			if (req.method === 'GET') return this.pageOf(req, this.refunds.get(o.id) ?? [], (r) => this.renderRefund(r));
		}
		if ((m = /^\/wp-json\/wc\/v3\/orders\/(\d+)\/refunds\/(\d+)$/.exec(p))) {
			const list = this.refunds.get(m[1]) ?? [];
			const r = list.find((x) => x.id === Number(m![2]));
			if (!this.orders.has(m[1])) return this.err(404, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.');
			if (!r) return this.err(404, 'woocommerce_rest_invalid_id', 'Invalid ID.');
			if (req.method === 'GET') return { status: 200, body: this.renderRefund(r) };
			if (req.method === 'DELETE') {
				if (req.query.get('force') !== 'true') return this.err(501, 'woocommerce_rest_trash_not_supported', 'Refunds do not support trashing.');
				this.refunds.set(m[1], list.filter((x) => x !== r));
				return { status: 200, body: this.renderRefund(r) };
			}
		}
		if (p === '/wp-json/wc/v3/refunds' && req.method === 'GET') {
			const parents = (req.query.get('parent') ?? '').split(',').filter(Boolean);
			const after = req.query.get('after');
			const before = req.query.get('before');
			const all = [...this.refunds.values()]
				.flat()
				.filter((r) => (!parents.length || parents.includes(r.orderId)) && (!after || gmt(r.createdAt) > after) && (!before || gmt(r.createdAt) < before))
				.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id) * (req.query.get('order') === 'asc' ? -1 : 1));
			return this.pageOf(req, all, (r) => ({ ...this.renderRefund(r), parent_id: Number(r.orderId) }));
		}
		if ((m = /^\/wp-json\/wc-shipment-tracking\/v3\/orders\/(\d+)\/shipment-trackings$/.exec(p)) && req.method === 'GET') {
			if (!this.orders.has(m[1])) return this.err(404, 'woocommerce_rest_order_invalid_id', 'Invalid order ID.');
			return { status: 200, body: this.trackings.get(m[1]) ?? [] };
		}
		if ((m = /^\/wp-json\/wc-shipment-tracking\/v3\/orders\/(\d+)\/shipment-trackings\/([0-9a-f]+)$/.exec(p)) && req.method === 'DELETE') {
			const list = this.trackings.get(m[1]) ?? [];
			const t = list.find((x) => x.tracking_id === m![2]);
			if (!t) return this.err(404, 'woocommerce_rest_invalid_id', 'Invalid tracking ID.');
			this.trackings.set(m[1], list.filter((x) => x !== t));
			return { status: 200, body: { message: 'Successfully deleted the tracking item.' } };
		}
		if ((m = /^\/wp-json\/wc\/v3\/orders\/(\d+)\/notes$/.exec(p)) && req.method === 'POST') {
			const b = (req.body ?? {}) as { note?: string; customer_note?: boolean };
			if (!this.orders.has(m[1])) return this.err(404, 'woocommerce_rest_order_invalid_id', 'Invalid order ID.');
			if (!b.note) return this.err(400, 'rest_missing_callback_param', 'Missing parameter(s): note');
			this.received.notes.push({ orderId: m[1], body: b });
			return { status: 201, body: { id: this.received.notes.length, author: 'WooCommerce', date_created: gmt(this.iso()), note: b.note, customer_note: !!b.customer_note } };
		}
		if ((m = /^\/wp-json\/wc-shipment-tracking\/v3\/orders\/(\d+)\/shipment-trackings$/.exec(p)) && req.method === 'POST') {
			const b = (req.body ?? {}) as Record<string, string>;
			if (!this.orders.has(m[1])) return this.err(404, 'woocommerce_rest_order_invalid_id', 'Invalid order ID.');
			if (!b.tracking_number) return this.err(400, 'rest_missing_callback_param', 'Missing parameter(s): tracking_number');
			const tracking_id = randomBytes(16).toString('hex');
			this.received.trackings.push({ orderId: m[1], body: b });
			const item: WooTracking = { tracking_id, tracking_provider: b.tracking_provider ?? b.custom_tracking_provider ?? '', tracking_link: b.custom_tracking_link ?? '', tracking_number: b.tracking_number, date_shipped: b.date_shipped ?? '' };
			this.trackings.set(m[1], [...(this.trackings.get(m[1]) ?? []), item]);
			return { status: 201, body: item };
		}
		if (p === '/wp-json/wc/v3/products' && req.method === 'GET') {
			const skus = new Set((req.query.get('sku') ?? '').split(',').filter(Boolean));
			const perPage = Number(req.query.get('per_page') ?? 10);
			if (perPage > 100) return this.err(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
			const list = [...this.products.values()].filter((x) => !skus.size || skus.has(x.sku)).slice(0, perPage);
			return { status: 200, headers: { 'x-wp-total': String(list.length), 'x-wp-totalpages': '1' }, body: list.map((x) => ({ ...x, type: 'simple', status: 'publish' })) };
		}
		if (p === '/wp-json/wc/v3/products/batch' && req.method === 'POST') {
			const b = (req.body ?? {}) as { update?: Array<{ id?: number; stock_quantity?: number; manage_stock?: boolean }> };
			if ((b.update?.length ?? 0) > 100) return this.err(413, 'woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.');
			this.received.batches.push({ body: b });
			return {
				status: 200,
				body: {
					update: (b.update ?? []).map((u) => {
						const prod = u.id !== undefined ? this.products.get(u.id) : undefined;
						if (!prod) return { id: u.id ?? 0, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } };
						if (u.manage_stock !== undefined) prod.manage_stock = u.manage_stock;
						if (u.stock_quantity !== undefined) prod.stock_quantity = u.stock_quantity;
						return { ...prod, type: 'simple' };
					}),
				},
			};
		}
		if (p === '/wp-json/wc/v3/webhooks') {
			if (req.method === 'GET') return { status: 200, headers: { 'x-wp-total': String(this.webhooks.size), 'x-wp-totalpages': '1' }, body: [...this.webhooks.values()].map(hideSecret) };
			if (req.method === 'POST') return this.createWebhook(req);
		}
		if ((m = /^\/wp-json\/wc\/v3\/webhooks\/(\d+)$/.exec(p))) {
			const w = this.webhooks.get(Number(m[1]));
			if (!w) return this.err(404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
			if (req.method === 'GET') return { status: 200, body: hideSecret(w) };
			if (req.method === 'DELETE') {
				if (req.query.get('force') !== 'true') return this.err(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
				this.webhooks.delete(w.id);
				return { status: 200, body: hideSecret(w) };
			}
			if (req.method === 'PUT') {
				Object.assign(w, req.body ?? {});
				return { status: 200, body: hideSecret(w) };
			}
		}
		return this.err(404, 'rest_no_route', 'No route was found matching the URL and request method.');
	}

	// ---- refunds -----------------------------------------------------------------------------------------
	private refundedOf(id: string): WooRefund[] {
		return this.refunds.get(id) ?? [];
	}

	renderRefund(r: WooRefund): Record<string, unknown> {
		const o = this.orders.get(r.orderId)!;
		const m = (n: number) => money(n, o.currency);
		return {
			id: r.id,
			date_created: gmt(r.createdAt),
			date_created_gmt: gmt(r.createdAt),
			amount: m(r.amount),
			reason: r.reason,
			refunded_by: 1,
			refunded_payment: r.refundedPayment,
			meta_data: r.meta,
			line_items: r.lines.map((l, i) => ({
				id: r.id * 100 + i + 1,
				name: l.name,
				product_id: l.productId,
				variation_id: 0,
				quantity: -l.quantity,
				tax_class: '',
				subtotal: `-${m(l.total)}`,
				subtotal_tax: `-${m(l.tax)}`,
				total: `-${m(l.total)}`,
				total_tax: `-${m(l.tax)}`,
				taxes: [],
				meta_data: [{ id: r.id * 100 + 50 + i, key: '_refunded_item_id', value: String(l.lineId) }],
				sku: l.sku,
				price: -l.unitPrice,
			})),
			_links: {
				self: [{ href: `${this.url}/wp-json/wc/v3/orders/${r.orderId}/refunds/${r.id}` }],
				collection: [{ href: `${this.url}/wp-json/wc/v3/orders/${r.orderId}/refunds` }],
				up: [{ href: `${this.url}/wp-json/wc/v3/orders/${r.orderId}` }],
			},
		};
	}

	/** A list with WordPress paging: per_page (≤ 100, default 10), page, X-WP-Total, X-WP-TotalPages, Link */
	private pageOf<T>(req: Req, list: T[], render: (x: T) => unknown): Res {
		const perPage = Number(req.query.get('per_page') ?? 10);
		const page = Number(req.query.get('page') ?? 1);
		if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return this.err(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
		if (!Number.isInteger(page) || page < 1) return this.err(400, 'rest_invalid_param', 'Invalid parameter(s): page');
		const totalPages = Math.max(1, Math.ceil(list.length / perPage));
		const link = (pg: number) => {
			const u = new URLSearchParams(req.rawQuery);
			u.set('page', String(pg));
			u.delete('consumer_key');
			u.delete('consumer_secret');
			return `<${this.url}${req.path}?${u.toString()}>`;
		};
		const links = [...(page > 1 ? [`${link(page - 1)}; rel="prev"`] : []), ...(page < totalPages ? [`${link(page + 1)}; rel="next"`] : [])];
		return {
			status: 200,
			headers: { 'x-wp-total': String(list.length), 'x-wp-totalpages': String(totalPages), ...(links.length ? { link: links.join(', ') } : {}) },
			body: list.slice((page - 1) * perPage, page * perPage).map(render),
		};
	}

	private createRefund(o: SeedOrder, b: Record<string, unknown>): Res {
		const made = this.makeRefund(o, b);
		if ('res' in made) return made.res;
		this.received.refunds.push({ orderId: o.id, body: b });
		if (this.webhooksOnApiWrites) this.later(o);
		return { status: 201, body: this.renderRefund(made.refund) };
	}

	/** wc_create_refund as the v3 controller calls it (see the header): checks, the gateway, restock, status */
	private makeRefund(o: SeedOrder, b: Record<string, unknown>): { refund: WooRefund } | { res: Res } {
		const cur = o.currency;
		const cannot = (message: string) => ({ res: this.err(500, 'woocommerce_rest_cannot_create_order_refund', message) });
		if (b.amount !== undefined && b.amount !== null && b.amount !== '' && Number(b.amount) < 0) return { res: this.err(400, 'woocommerce_rest_invalid_order_refund', 'Refund amount must be greater than zero.') };
		const items = Array.isArray(b.line_items) ? (b.line_items as Array<Record<string, unknown>>) : [];
		const lines: WooRefund['lines'] = [];
		let fromLines = 0;
		for (const it of items) {
			const i = o.lines.findIndex((_l, k) => Number(o.id) * 10 + k + 1 === Number(it.id));
			if (i < 0 || this.lineQty(o, i) === 0) return cannot('Invalid line item.');
			const l = o.lines[i];
			const quantity = Number(it.quantity ?? 0);
			const already = this.refundedOf(o.id).reduce((s, r) => s + r.lines.filter((x) => x.lineId === Number(it.id)).reduce((t, x) => t + x.quantity, 0), 0);
			if (!Number.isInteger(quantity) || quantity < 0 || quantity + already > this.lineQty(o, i)) return cannot('Invalid refund quantity.');
			const lineTotalRefund = Number(it.refund_total ?? 0);
			const tax = (Array.isArray(it.refund_tax) ? (it.refund_tax as Array<{ refund_total?: number }>) : []).reduce((s, t) => s + Number(t.refund_total ?? 0), 0);
			fromLines += toMinor(lineTotalRefund, cur) + toMinor(tax, cur);
			lines.push({ lineId: Number(it.id), sku: l.sku, name: l.title, productId: 500 + Math.max(0, CATALOG.findIndex((c) => c.sku === l.sku)), quantity, total: lineTotalRefund, tax, unitPrice: l.unitPrice });
		}
		const amountMinor = b.amount !== undefined && b.amount !== null && b.amount !== '' ? toMinor(Number(b.amount), cur) : fromLines;
		const refundedMinor = this.refundedOf(o.id).reduce((s, r) => s + toMinor(r.amount, cur), 0);
		const totalMinor = toMinor(this.sums(o).total, cur);
		if (amountMinor > totalMinor - refundedMinor) return cannot('Invalid refund amount.');
		const apiRefund = b.api_refund === undefined ? true : b.api_refund === true || b.api_refund === 'true';
		const apiRestock = b.api_restock === undefined ? true : b.api_restock === true || b.api_restock === 'true';
		if (apiRefund && amountMinor > 0) {
			if (!this.charges.has(o.id)) return cannot('The payment gateway for this order does not support automatic refunds.');
			if (this.refundFailures.left > 0) {
				this.refundFailures.left--;
				return cannot(this.refundFailures.message);
			}
		}
		const id = ++this.refundSeq;
		const meta = (Array.isArray(b.meta_data) ? (b.meta_data as Array<{ key?: unknown; value?: unknown }>) : []).filter((x) => typeof x?.key === 'string').map((x, i) => ({ id: id * 100 + 90 + i, key: String(x.key), value: x.value }));
		const refund: WooRefund = { id, orderId: o.id, createdAt: this.iso(), amount: Number(fmtMinor(amountMinor, cur)), reason: String(b.reason ?? ''), refundedPayment: apiRefund && amountMinor > 0, restocked: apiRestock, lines, meta };
		this.refunds.set(o.id, [...this.refundedOf(o.id), refund]);
		if (apiRestock) for (const l of lines) this.restock(l.sku, l.quantity);
		if (amountMinor > 0 && amountMinor === totalMinor - refundedMinor) this.statusOverride.set(o.id, 'refunded');
		o.updatedAt = this.iso();
		this.bump();
		return { refund };
	}

	/** Managed stock goes back up (a product whose stock WooCommerce does not manage is left alone) */
	private restock(sku: string, quantity: number): void {
		for (const p of this.products.values()) if (p.sku === sku && p.manage_stock && p.stock_quantity !== null) p.stock_quantity += quantity;
	}

	// ---- controls: what happens on the store on its own -------------------------------------------------------
	private orderOf(id: string): SeedOrder {
		const o = this.orders.get(id);
		if (!o) throw new Error(`woocommerce sandbox: no order ${id}`);
		return o;
	}

	/** order.updated to every active webhook of the topic (WooCommerce fires it on each save ✔) */
	private emit(o: SeedOrder): Promise<WooDelivery[]> {
		return this.deliverWebhook(o, { topic: 'order.updated' });
	}
	private later(o: SeedOrder): void {
		const p: Promise<unknown> = new Promise((r) => setImmediate(r)).then(() => this.emit(o)).catch(() => undefined);
		this.pending.add(p);
		void p.finally(() => this.pending.delete(p));
	}
	/** Resolves when every webhook the API's writes queued has been delivered */
	async settled(): Promise<void> {
		while (this.pending.size) await Promise.all([...this.pending]);
	}
	private saved(o: SeedOrder, patch: Partial<SeedOrder> = {}): Promise<WooDelivery[]> {
		this.touch(o.id, patch);
		return this.emit(o);
	}

	/**
	 * The order is cancelled on the store (the customer or the shop manager): status cancelled, managed stock of
	 * its lines back ✔ (WooCommerce restores stock on cancellation), order.updated. Money is not refunded by a
	 * cancellation: that is a refund of its own. WooCommerce cannot cancel single lines ✔ (refund them instead).
	 */
	async cancelOrder(id: string): Promise<WooDelivery[]> {
		const o = this.orderOf(id);
		if (this.statusOf(o) === 'cancelled') throw new Error(`woocommerce sandbox: order ${id} is already cancelled`);
		this.statusOverride.set(o.id, 'cancelled');
		o.lines.forEach((l, i) => this.restock(l.sku, this.lineQty(o, i)));
		return this.saved(o);
	}

	/**
	 * Fail the next shipment confirmation(s) (the Shipment Tracking POST the OMS confirms with): 5xx (`status`),
	 * timeout, a throttle, a reset, or applied-but-lost, as the marketplaces' (kit.ts)
	 */
	failConfirmations(kind: ConfirmationFailure, times = 1, status = 503): void {
		this.inject({ kind: kind === 'lost' ? 'reset_after_commit' : kind === 'gateway' ? 'error_after_commit' : kind, path: /^\/wp-json\/wc-shipment-tracking\/v3\/orders\/\d+\/shipment-trackings$/, method: 'POST', times, status });
	}

	/** A pending order is paid: processing, date_paid and the gateway's transaction id set, order.updated */
	async markPaid(id: string): Promise<WooDelivery[]> {
		const o = this.orderOf(id);
		if (this.statusOf(o) !== 'pending') throw new Error(`woocommerce sandbox: order ${id} is ${this.statusOf(o)}, not pending`);
		this.statusOverride.set(o.id, 'processing');
		this.paidAt.set(o.id, this.iso());
		this.charges.set(o.id, { amount: this.sums(o).total, at: this.iso() });
		return this.saved(o, { status: 'paid' });
	}

	/** The shipping address changes: order.updated */
	async changeAddress(id: string, patch: Partial<SeedAddress>): Promise<WooDelivery[]> {
		const o = this.orderOf(id);
		return this.saved(o, { shipTo: { ...o.shipTo, ...patch } });
	}

	/** Line items edited in the admin ⚠ (quantity 0 removes the line; totals recalculated): order.updated */
	async editLines(id: string, changes: Array<{ sku: string; quantity: number }>, add: Array<{ sku: string; quantity: number }> = []): Promise<WooDelivery[]> {
		const o = this.orderOf(id);
		for (const c of changes) {
			const i = o.lines.findIndex((l, k) => l.sku === c.sku && this.lineQty(o, k) > 0);
			if (i < 0) throw new Error(`woocommerce sandbox: order ${id} has no line ${c.sku}`);
			this.qty.set(Number(o.id) * 10 + i + 1, c.quantity);
		}
		for (const a of add) {
			const c = CATALOG.find((x) => x.sku === a.sku);
			if (!c) throw new Error(`woocommerce sandbox: unknown SKU ${a.sku}`);
			if (o.lines.length >= 6) throw new Error('woocommerce sandbox: at most 6 lines an order');
			o.lines.push({ lineId: String(o.lines.length + 1), sku: c.sku, title: c.title, quantity: a.quantity, unitPrice: c.price });
		}
		this.edited.add(o.id);
		return this.saved(o);
	}

	/**
	 * The shop manager refunds in the admin (how a return shows on WooCommerce): `lines` by SKU, money from
	 * `amount` (default: the lines' value), through the gateway unless `refundPayment` is false, restocked only
	 * when `restock` is true (default false). order.updated.
	 */
	async refund(id: string, r: { lines?: Array<{ sku: string; quantity: number }>; amount?: number; reason?: string; refundPayment?: boolean; restock?: boolean } = {}): Promise<WooDelivery[]> {
		const o = this.orderOf(id);
		const lineItems = (r.lines ?? []).map((x) => {
			const i = o.lines.findIndex((l) => l.sku === x.sku);
			if (i < 0) throw new Error(`woocommerce sandbox: order ${id} has no line ${x.sku}`);
			return { id: Number(o.id) * 10 + i + 1, quantity: x.quantity, refund_total: Math.round(x.quantity * o.lines[i].unitPrice * 100) / 100 };
		});
		const made = this.makeRefund(o, { amount: r.amount, reason: r.reason ?? '', line_items: lineItems, api_refund: r.refundPayment ?? true, api_restock: r.restock ?? false });
		if ('res' in made) throw new Error(`woocommerce sandbox: ${(made.res.body as { message: string }).message}`);
		return this.emit(o);
	}

	/** The next `times` refunds through the gateway fail with `message` (500, nothing created); then they work */
	failRefunds(times = 1, message = 'Refund failed: the card issuer declined the refund.'): void {
		this.refundFailures = { left: times, message };
	}

	/** The gateway's money events: a charge per paid order, one per refund the gateway made */
	moneyEvents(): MoneyEvent[] {
		const out: MoneyEvent[] = [];
		for (const [id, c] of this.charges) {
			const o = this.orders.get(id);
			if (o) out.push({ kind: 'charge', sourceId: `${id}1`, orderId: id, orderName: o.id, amountMinor: toMinor(c.amount, o.currency), currency: o.currency, at: c.at });
		}
		for (const [id, list] of this.refunds) {
			const o = this.orders.get(id);
			if (o) for (const r of list) if (r.refundedPayment) out.push({ kind: 'refund', sourceId: String(r.id), orderId: id, orderName: o.id, amountMinor: -toMinor(r.amount, o.currency), currency: o.currency, at: r.createdAt });
		}
		return out;
	}

	/** The gateway's CSV export (Stripe's itemized balance-change layout ⚠) of what happened by now */
	gatewayExport(o: Omit<StripeExportOptions, 'overFee' | 'missingSettlement'> = {}): string {
		const now = this.iso();
		return stripeItemizedCsv(this.moneyEvents().filter((e) => e.at <= now), { ...o, overFee: this.plants.overFee, missingSettlement: this.plants.missingSettlement });
	}

	/** Plants a discrepancy in the gateway export: an over-fee on an order's charge, or a charge never settled */
	plantDiscrepancy(p: { kind: 'over_fee'; orderId: string; extra?: number } | { kind: 'missing_settlement'; orderId: string }): void {
		const o = this.orderOf(p.orderId);
		if (!this.charges.has(o.id)) throw new Error(`woocommerce sandbox: order ${o.id} was never paid`);
		if (p.kind === 'over_fee') this.plants.overFee.set(o.id, toMinor(p.extra ?? 1, o.currency));
		else this.plants.missingSettlement.add(o.id);
	}

	/** What the store shows for an order now */
	shows(id: string): { status: string; dateModified: string; trackings: WooTracking[]; refunds: WooRefund[]; lines: Array<{ lineId: number; sku: string; quantity: number; refunded: number }> } {
		const o = this.orderOf(id);
		return {
			status: this.statusOf(o),
			dateModified: o.updatedAt,
			trackings: this.trackings.get(id) ?? [],
			refunds: this.refundedOf(id),
			lines: o.lines.map((l, i) => {
				const lineId = Number(o.id) * 10 + i + 1;
				return { lineId, sku: l.sku, quantity: this.lineQty(o, i), refunded: this.refundedOf(id).reduce((s, r) => s + r.lines.filter((x) => x.lineId === lineId).reduce((t, x) => t + x.quantity, 0), 0) };
			}),
		};
	}

	/** stock_quantity per SKU (null: stock not managed) */
	/** More simple products (a catalogue of any size, e.g. a benchmark's 50,000 SKUs), stock not managed until a quantity is set */
	addProducts(skus: string[]): void {
		const have = new Set([...this.products.values()].map((p) => p.sku));
		let id = [...this.products.keys()].reduce((m, k) => Math.max(m, k), 499);
		for (const sku of skus) if (!have.has(sku)) this.products.set(++id, { id, sku, name: sku, stock_quantity: null, manage_stock: false });
	}

	quantitiesBySku(): Record<string, number | null> {
		return Object.fromEntries([...this.products.values()].map((p) => [p.sku, p.manage_stock ? p.stock_quantity : null]));
	}

	private listOrders(req: Req): Res {
		const q = req.query;
		const perPage = Number(q.get('per_page') ?? 10);
		const page = Number(q.get('page') ?? 1);
		if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return this.err(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
		if (!Number.isInteger(page) || page < 1) return this.err(400, 'rest_invalid_param', 'Invalid parameter(s): page');
		const gmtDates = q.get('dates_are_gmt') === 'true' || q.get('dates_are_gmt') === '1';
		const parse = (v: string | null) => (v ? Date.parse(gmtDates || /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? (/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : v + 'Z') : v + 'Z') : undefined);
		const ma = parse(q.get('modified_after'));
		const mb = parse(q.get('modified_before'));
		const af = parse(q.get('after'));
		const bf = parse(q.get('before'));
		const statuses = q.get('status')?.split(',').filter((s) => s && s !== 'any');
		const orderby = q.get('orderby') ?? 'date';
		const dir = (q.get('order') ?? 'desc') === 'asc' ? 1 : -1;
		const key = (o: SeedOrder) => (orderby === 'modified' ? Date.parse(o.updatedAt) : orderby === 'id' ? Number(o.id) : Date.parse(o.createdAt));
		const list = this.memo(`orders|${ma}|${mb}|${af}|${bf}|${statuses?.join(',')}|${orderby}|${dir}`, () => [...this.orders.values()]
			.filter((o) => {
				const u = Date.parse(o.updatedAt);
				const c = Date.parse(o.createdAt);
				if (ma !== undefined && u <= ma) return false;
				if (mb !== undefined && u >= mb) return false;
				if (af !== undefined && c <= af) return false;
				if (bf !== undefined && c >= bf) return false;
				if (statuses?.length && !statuses.includes(this.statusOverride.get(o.id) ?? STATUS[o.status])) return false;
				return true;
			})
			.sort((x, y) => (key(x) - key(y)) * dir || (Number(x.id) - Number(y.id)) * dir));
		const totalPages = Math.max(1, Math.ceil(list.length / perPage));
		const slice = list.slice((page - 1) * perPage, page * perPage);
		const base = `${this.url}${req.path}`;
		const link = (pg: number) => {
			const u = new URLSearchParams(req.rawQuery);
			u.set('page', String(pg));
			u.delete('consumer_key');
			u.delete('consumer_secret');
			return `<${base}?${u.toString()}>`;
		};
		const links: string[] = [];
		if (page > 1) links.push(`${link(page - 1)}; rel="prev"`);
		if (page < totalPages) links.push(`${link(page + 1)}; rel="next"`);
		return {
			status: 200,
			headers: { 'x-wp-total': String(list.length), 'x-wp-totalpages': String(totalPages), ...(links.length ? { link: links.join(', ') } : {}) },
			body: slice.map((o) => this.render(o)),
		};
	}

	private async createWebhook(req: Req): Promise<Res> {
		const b = (req.body ?? {}) as Partial<WooWebhook>;
		if (!b.topic || !b.delivery_url) return this.err(400, 'rest_missing_callback_param', 'Missing parameter(s): topic, delivery_url');
		if (!/^(order|product|customer|coupon)\.(created|updated|deleted|restored)$|^action\./.test(b.topic)) return this.err(400, 'rest_invalid_param', 'Invalid parameter(s): topic');
		const now = this.iso();
		const [resource, event] = b.topic.split('.');
		const w: WooWebhook = {
			id: ++this.webhookSeq,
			name: b.name ?? `Webhook created on ${now}`,
			status: (b.status as WooWebhook['status']) ?? 'active',
			topic: b.topic,
			resource,
			event,
			hooks: [`woocommerce_${event === 'created' ? 'new' : 'update'}_${resource}`],
			delivery_url: b.delivery_url,
			secret: b.secret || randomBytes(24).toString('base64'),
			date_created: gmt(now),
			date_created_gmt: gmt(now),
			date_modified: gmt(now),
			date_modified_gmt: gmt(now),
			failure_count: 0,
		};
		this.webhooks.set(w.id, w);
		// WooCommerce pings a new active webhook with a form body and no signature ✔ (§4.2)
		if (w.status === 'active') {
			const ping = await postRaw(w.delivery_url, `webhook_id=${w.id}`, { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent() });
			this.pings.push({ webhookId: w.id, status: ping.status });
		}
		return { status: 201, body: hideSecret(w) };
	}

	/**
	 * Deliver an order event to every active webhook of the topic (or to `url` with `secret`).
	 * times: separate saves (WooCommerce has no retries); forge: 'wrong-secret' | 'unsigned' | 'tampered';
	 * replayOf: send an earlier delivery again, byte for byte.
	 */
	async deliverWebhook(
		orderOrId: SeedOrder | string,
		o: { topic?: string; times?: number; forge?: boolean | 'wrong-secret' | 'unsigned' | 'tampered'; replayOf?: string; url?: string; secret?: string } = {},
	): Promise<WooDelivery[]> {
		if (o.replayOf) {
			const d = this.deliveries.find((x) => x.deliveryId === o.replayOf);
			if (!d) throw new Error(`no delivery ${o.replayOf}`);
			const r = await postRaw(d.url, d.body, d.headers);
			const copy = { ...d, status: r.status };
			this.deliveries.push(copy);
			return [copy];
		}
		const order = typeof orderOrId === 'string' ? this.orders.get(orderOrId) : orderOrId;
		if (!order) throw new Error('unknown order');
		if (!this.orders.has(order.id)) this.orders.set(order.id, order);
		const topic = o.topic ?? 'order.created';
		const targets: Array<{ id: number; url: string; secret: string }> = o.url
			? [{ id: 0, url: o.url, secret: o.secret ?? '' }]
			: [...this.webhooks.values()].filter((w) => w.topic === topic && w.status === 'active').map((w) => ({ id: w.id, url: w.delivery_url, secret: w.secret }));
		const out: WooDelivery[] = [];
		for (const t of targets) {
			for (let i = 0; i < (o.times ?? 1); i++) {
				let body = JSON.stringify(topic.endsWith('.deleted') ? { id: Number(order.id) } : this.render(order));
				const forge = o.forge === true ? 'wrong-secret' : o.forge;
				let signature: string | undefined = signBase64HmacSha256(body, forge === 'wrong-secret' ? 'not-the-secret' : t.secret);
				if (forge === 'unsigned') signature = undefined;
				if (forge === 'tampered') body = body.replace(/"total":"[^"]*"/, '"total":"0.01"');
				const [resource, event] = topic.split('.');
				const headers: Record<string, string> = {
					'content-type': 'application/json',
					'user-agent': userAgent(),
					'x-wc-webhook-source': `${this.url}/`,
					'x-wc-webhook-topic': topic,
					'x-wc-webhook-resource': resource,
					'x-wc-webhook-event': event,
					'x-wc-webhook-id': String(t.id),
					'x-wc-webhook-delivery-id': randomBytes(16).toString('hex'),
					...(signature ? { 'x-wc-webhook-signature': signature } : {}),
				};
				const r = await postRaw(t.url, body, headers);
				const w = this.webhooks.get(t.id);
				if (w) {
					// No retry ✔; more than 5 consecutive failures disable the webhook ✔ (§4.7)
					w.failure_count = r.status >= 200 && r.status < 303 ? 0 : w.failure_count + 1;
					if (w.failure_count > 5) w.status = 'disabled';
				}
				const d: WooDelivery = { deliveryId: headers['x-wc-webhook-delivery-id'], webhookId: t.id, url: t.url, headers, body, status: r.status };
				this.deliveries.push(d);
				out.push(d);
			}
		}
		return out;
	}
}

/** `secret` is write-only in the REST API ✔ (webhooks docs) */
function hideSecret(w: WooWebhook): Omit<WooWebhook, 'failure_count' | 'secret'> {
	const rest: Partial<WooWebhook> = { ...w };
	delete rest.failure_count;
	delete rest.secret;
	return rest as Omit<WooWebhook, 'failure_count' | 'secret'>;
}

function userAgent(): string {
	return 'WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)';
}

function randomKey(seed: string): string {
	let h = 2166136261;
	for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
	return h.toString(36);
}
