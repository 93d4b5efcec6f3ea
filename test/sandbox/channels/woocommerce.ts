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
 */
import { randomBytes } from 'node:crypto';
import { SandboxBase, basicAuth, postRaw, type Req, type Res, type SandboxOptions } from '../common';
import { CATALOG, type SeedOrder, lineTotal, money, total } from '../generator';
import { signBase64HmacSha256 } from '../../../lib/channels/webhook-signature';

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
	};
	private webhookSeq = 0;
	constructor(
		opts: SandboxOptions = {},
		readonly creds = WOO_SANDBOX_CREDENTIALS,
	) {
		super(opts);
		CATALOG.forEach((c, i) => this.products.set(500 + i, { id: 500 + i, sku: c.sku, name: c.title, stock_quantity: null, manage_stock: false }));
	}

	addOrders(orders: SeedOrder[]): void {
		this.bump();
		for (const o of orders) this.orders.set(o.id, o);
	}

	touch(id: string, patch: Partial<SeedOrder> = {}): void {
		this.bump();
		const o = this.orders.get(id);
		if (o) Object.assign(o, patch, { updatedAt: this.iso() });
	}

	render(o: SeedOrder): Record<string, unknown> {
		const cur = o.currency;
		const m = (n: number) => money(n, cur);
		const status = this.statusOverride.get(o.id) ?? STATUS[o.status];
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
		const paid = status === 'processing' || status === 'completed';
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
			cart_tax: m(o.tax),
			total: m(total(o)),
			total_tax: m(o.tax),
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
			date_paid: paid ? local(o.createdAt) : null,
			cart_hash: randomKey(o.id + 'cart'),
			number: o.id,
			meta_data: [],
			line_items: o.lines.map((l, i) => ({
				id: Number(o.id) * 10 + i + 1,
				name: l.title,
				product_id: 500 + Math.max(0, CATALOG.findIndex((c) => c.sku === l.sku)),
				variation_id: 0,
				quantity: l.quantity,
				tax_class: '',
				subtotal: m(lineTotal(l)),
				subtotal_tax: '0.00',
				total: m(lineTotal(l)),
				total_tax: '0.00',
				taxes: [],
				meta_data: [],
				sku: l.sku,
				price: Number(money(l.unitPrice, cur)),
				image: { id: '', src: '' },
				parent_name: null,
			})),
			tax_lines: o.tax ? [{ id: Number(o.id) * 10 + 9, rate_code: `${o.shipTo.country}-TAX-1`, rate_id: 1, label: 'Tax', compound: false, tax_total: m(o.tax), shipping_tax_total: '0.00', rate_percent: 8, meta_data: [] }] : [],
			shipping_lines: [{ id: Number(o.id) * 10 + 8, method_title: methodTitle, method_id: methodId, instance_id: '1', total: m(o.shippingCost), total_tax: '0.00', taxes: [], meta_data: [] }],
			fee_lines: [],
			coupon_lines: o.discount ? [{ id: Number(o.id) * 10 + 7, code: 'save5', discount: m(o.discount), discount_tax: '0.00', meta_data: [] }] : [],
			refunds: [],
			payment_url: `${this.url}/checkout/order-pay/${o.id}/`,
			is_editable: status === 'pending',
			needs_payment: status === 'pending',
			needs_processing: true,
			date_created_gmt: gmt(o.createdAt),
			date_modified_gmt: gmt(o.updatedAt),
			date_completed_gmt: status === 'completed' ? gmt(o.updatedAt) : null,
			date_paid_gmt: paid ? gmt(o.createdAt) : null,
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
				this.bump();
				o.updatedAt = this.iso();
		this.bump();
				return { status: 200, body: this.render(o) };
			}
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
			return {
				status: 201,
				body: { tracking_id, tracking_provider: b.tracking_provider ?? b.custom_tracking_provider ?? '', tracking_link: b.custom_tracking_link ?? '', tracking_number: b.tracking_number, date_shipped: b.date_shipped ?? '' },
			};
		}
		if (p === '/wp-json/wc/v3/products' && req.method === 'GET') {
			const skus = (req.query.get('sku') ?? '').split(',').filter(Boolean);
			const perPage = Number(req.query.get('per_page') ?? 10);
			if (perPage > 100) return this.err(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
			const list = [...this.products.values()].filter((x) => !skus.length || skus.includes(x.sku)).slice(0, perPage);
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
