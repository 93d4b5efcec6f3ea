/**
 * Shopify sandbox: the GraphQL Admin API at /admin/api/{version}/graphql.json (orders with cursor paging, order,
 * fulfillmentOrders, fulfillmentCreate, productVariants, locations, inventorySetQuantities with @idempotent and
 * changeFromQuantity, orderCancel, refundCreate, shop, webhookSubscriptionCreate/Delete and webhookSubscriptions),
 * the client-credentials token endpoint POST /admin/oauth/access_token, and webhook delivery.
 * Facts: docs/architecture.md#vendor-api-facts (Shopify). Operations are recognised by their root field, not by a full GraphQL parser;
 * every Order node carries the full field set the client asks for.
 * Query cost ⚠ (a simplified model of Shopify's calculator): a connection costs 2 + first × node cost; an Order node
 * costs 12 plus 2 per requested line item; the actual cost counts returned nodes and lines; a query above 1,000
 * points is refused (MAX_COST_EXCEEDED); the bucket holds 2,000 points ⚠ and restores 100 points/s (Standard ✔),
 * scaled by timeScale; when requested > currentlyAvailable the answer is HTTP 200 with errors[].extensions.code
 * THROTTLED ⚠ and extensions.cost.throttleStatus.
 * Webhook bodies are the REST Order JSON (snake_case) like shopify-rest-order-get.json's "order".
 */
import { randomUUID } from 'node:crypto';
import { SandboxBase, header, postRaw, type Req, type Res, type SandboxOptions } from '../common';
import { CATALOG, type SeedOrder, money, subtotal, total } from '../generator';
import { signBase64HmacSha256 } from '../../../lib/channels/webhook-signature';
import { TokenBucket } from '../../../lib/http/limiters';

export const SHOPIFY_SANDBOX_CREDENTIALS = {
	shopDomain: 'oms-wms-sandbox.myshopify.com',
	accessToken: 'shpat_sandboxstatictoken00000000000001',
	clientId: 'shopify-sandbox-client-id-0001',
	clientSecret: 'shpss_sandboxclientsecret0000000001',
	appSecret: 'shpss_sandboxclientsecret0000000001',
	apiVersion: '2026-01',
};

export interface ShopifyWebhookSubscription {
	id: string;
	topic: string;
	uri: string;
	format: string;
	createdAt: string;
}

export interface ShopifyDelivery {
	deliveryId: string;
	eventId: string;
	webhookId: string;
	url: string;
	topic: string;
	headers: Record<string, string>;
	body: string;
	status: number;
}

const MAX_QUERY_COST = 1000;
const LEVEL_TITLE: Record<string, [string, string]> = {
	standard: ['Standard', 'STANDARD'], economy: ['Economy', 'ECONOMY'], expedited: ['Express', 'EXPRESS'], next_day: ['Next Day Air', 'NEXT_DAY'],
	priority: ['Priority', 'PRIORITY'], same_day: ['Same Day Delivery', 'SAME_DAY'], freight: ['Freight', 'FREIGHT'],
};

function topicEnum(t: string): string {
	return t.toUpperCase().replace(/\//g, '_');
}
function topicPath(t: string): string {
	return t.includes('/') ? t : t.toLowerCase().replace(/_/, '/');
}
function offsetTime(iso: string): string {
	// the shop's zone is UTC-05:00 ⚠, as in the vendor example bodies
	const d = new Date(Date.parse(iso) - 5 * 3600_000);
	return d.toISOString().slice(0, 19) + '-05:00';
}

export class ShopifySandbox extends SandboxBase {
	readonly name = 'shopify';
	readonly orders = new Map<string, SeedOrder>();
	readonly webhooks = new Map<string, ShopifyWebhookSubscription>();
	readonly deliveries: ShopifyDelivery[] = [];
	/** inventory "available" by inventory item gid at the one location */
	readonly inventory = new Map<string, number>();
	readonly fulfilled = new Map<string, number>();
	readonly cancelled = new Set<string>();
	readonly received = {
		fulfillments: [] as Array<{ input: unknown }>,
		inventorySets: [] as Array<{ input: unknown; key: string | undefined }>,
		cancels: [] as Array<{ variables: unknown }>,
		refunds: [] as Array<{ input: unknown }>,
	};
	/** Query cost of every orders query answered: requested and actual */
	readonly costLog: Array<{ requested: number; actual: number }> = [];
	readonly locationId = 'gid://shopify/Location/76543210';
	private readonly idempotency = new Map<string, unknown>();
	private webhookSeq = 0;
	private costBucket?: TokenBucket;

	constructor(
		opts: SandboxOptions & { bucketSize?: number; restoreRate?: number } = {},
		readonly creds = SHOPIFY_SANDBOX_CREDENTIALS,
	) {
		super(opts);
		CATALOG.forEach((c, i) => this.inventory.set(`gid://shopify/InventoryItem/${44000000 + i}`, 10));
		const limits = this.limitFor('graphql');
		if (limits) this.costBucket = new TokenBucket({ ratePerSec: limits.ratePerSec / this.timeScale, burst: limits.burst, margin: 0, clock: this.clock });
	}

	protected limits() {
		return { graphql: { ratePerSec: 100, burst: 2000 } };
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

	lineItemId(o: SeedOrder, i: number): string {
		return String(Number(o.id) * 100 + i + 1);
	}

	private financial(o: SeedOrder): string {
		return o.status === 'pending' ? 'PENDING' : o.status === 'cancelled' ? 'REFUNDED' : 'PAID';
	}

	private fulfillment(o: SeedOrder): string {
		const shipped = o.lines.reduce((s, _l, i) => s + (this.fulfilled.get(this.lineItemId(o, i)) ?? 0), 0);
		const qty = o.lines.reduce((s, l) => s + l.quantity, 0);
		if (o.status === 'shipped' || shipped >= qty) return 'FULFILLED';
		if (o.status === 'partially_shipped' || shipped > 0) return 'PARTIALLY_FULFILLED';
		return 'UNFULFILLED';
	}

	/** GraphQL Order node (the field set of lib/channels/shopify/client.ts SHOPIFY_ORDER_FIELDS) */
	renderGraphql(o: SeedOrder, lineFirst = 50): Record<string, unknown> {
		const cur = o.currency;
		const set = (n: number) => ({ shopMoney: { amount: money(n, cur), currencyCode: cur } });
		const addr = (a: SeedOrder['shipTo']) => ({
			name: a.name, company: a.company, address1: a.line1, address2: a.line2, city: a.city, province: a.region, provinceCode: a.region,
			zip: a.postalCode, country: a.country, countryCodeV2: a.country, phone: a.phone,
		});
		const cancelled = o.status === 'cancelled' || this.cancelled.has(o.id);
		const [title, code] = LEVEL_TITLE[o.shippingLevel] ?? LEVEL_TITLE.standard;
		const riskHigh = o.fraud.length > 0 && o.fraud.includes('fraud_ring');
		return {
			id: `gid://shopify/Order/${o.id}`,
			legacyResourceId: o.id,
			name: o.number,
			createdAt: o.createdAt.replace(/\.\d{3}Z$/, 'Z'),
			updatedAt: o.updatedAt.replace(/\.\d{3}Z$/, 'Z'),
			processedAt: o.createdAt.replace(/\.\d{3}Z$/, 'Z'),
			cancelledAt: cancelled ? o.updatedAt.replace(/\.\d{3}Z$/, 'Z') : null,
			cancelReason: cancelled ? 'CUSTOMER' : null,
			displayFinancialStatus: this.financial(o),
			displayFulfillmentStatus: this.fulfillment(o),
			currencyCode: cur,
			presentmentCurrencyCode: cur,
			email: o.customer.email,
			phone: o.customer.phone,
			clientIp: o.clientIp,
			tags: [],
			subtotalPriceSet: set(subtotal(o)),
			totalShippingPriceSet: set(o.shippingCost),
			totalTaxSet: set(o.tax),
			totalDiscountsSet: set(o.discount),
			totalPriceSet: set(total(o)),
			customer: { id: `gid://shopify/Customer/${o.customer.id}`, email: o.customer.email, phone: o.customer.phone, firstName: o.customer.firstName, lastName: o.customer.lastName },
			shippingAddress: addr(o.shipTo),
			billingAddress: addr(o.billTo),
			shippingLine: { title, code, carrierIdentifier: null },
			lineItems: {
				nodes: o.lines.slice(0, lineFirst).map((l, i) => ({
					id: `gid://shopify/LineItem/${this.lineItemId(o, i)}`,
					sku: l.sku,
					name: l.title,
					quantity: l.quantity,
					originalUnitPriceSet: set(l.unitPrice),
				})),
			},
			risk: { recommendation: riskHigh ? 'INVESTIGATE' : 'ACCEPT', assessments: [{ riskLevel: riskHigh ? 'HIGH' : 'LOW' }] },
		};
	}

	/** REST Order (webhook body), the shape of shopify-rest-order-get.json's "order" */
	renderRest(o: SeedOrder): Record<string, unknown> {
		const cur = o.currency;
		const s = (n: number) => money(n, cur);
		const set = (n: number) => ({ shop_money: { amount: s(n), currency_code: cur }, presentment_money: { amount: s(n), currency_code: cur } });
		const addr = (a: SeedOrder['shipTo']) => ({
			first_name: a.name.split(' ')[0] ?? null, address1: a.line1, phone: a.phone, city: a.city, zip: a.postalCode, province: a.region,
			country: a.country, last_name: a.name.split(' ').slice(1).join(' ') || null, address2: a.line2, company: a.company, latitude: null, longitude: null,
			name: a.name, country_code: a.country, province_code: a.region,
		});
		const cancelled = o.status === 'cancelled' || this.cancelled.has(o.id);
		const [title, code] = LEVEL_TITLE[o.shippingLevel] ?? LEVEL_TITLE.standard;
		const fin = this.financial(o).toLowerCase();
		const ful = this.fulfillment(o);
		return {
			id: Number(o.id),
			admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
			app_id: 580111,
			browser_ip: o.clientIp,
			buyer_accepts_marketing: false,
			cancel_reason: cancelled ? 'customer' : null,
			cancelled_at: cancelled ? offsetTime(o.updatedAt) : null,
			client_details: { accept_language: 'en-US', browser_height: null, browser_ip: o.clientIp, browser_width: null, session_hash: null, user_agent: 'Mozilla/5.0' },
			closed_at: null,
			confirmation_number: o.id.slice(-9),
			confirmed: true,
			contact_email: o.customer.email,
			created_at: offsetTime(o.createdAt),
			currency: cur,
			current_subtotal_price: s(subtotal(o)),
			current_subtotal_price_set: set(subtotal(o)),
			current_total_discounts: s(o.discount),
			current_total_discounts_set: set(o.discount),
			current_total_price: s(total(o)),
			current_total_price_set: set(total(o)),
			current_total_tax: s(o.tax),
			current_total_tax_set: set(o.tax),
			customer_locale: 'en',
			discount_codes: o.discount ? [{ code: 'SAVE5', amount: s(o.discount), type: 'fixed_amount' }] : [],
			email: o.customer.email,
			estimated_taxes: false,
			financial_status: fin === 'paid' ? 'paid' : fin,
			fulfillment_status: ful === 'FULFILLED' ? 'fulfilled' : ful === 'PARTIALLY_FULFILLED' ? 'partial' : null,
			name: o.number,
			note: null,
			note_attributes: [],
			number: Number(o.number.replace(/\D/g, '')) - 1000,
			order_number: Number(o.number.replace(/\D/g, '')),
			phone: o.customer.phone,
			presentment_currency: cur,
			processed_at: offsetTime(o.createdAt),
			source_name: 'web',
			subtotal_price: s(subtotal(o)),
			subtotal_price_set: set(subtotal(o)),
			tags: '',
			tax_lines: o.tax ? [{ price: s(o.tax), rate: 0.08, title: 'State Tax', price_set: set(o.tax), channel_liable: null }] : [],
			taxes_included: false,
			test: false,
			token: randomUUID().replace(/-/g, ''),
			total_discounts: s(o.discount),
			total_discounts_set: set(o.discount),
			total_line_items_price: s(subtotal(o)),
			total_line_items_price_set: set(subtotal(o)),
			total_outstanding: fin === 'pending' ? s(total(o)) : '0.00',
			total_price: s(total(o)),
			total_price_set: set(total(o)),
			total_shipping_price_set: set(o.shippingCost),
			total_tax: s(o.tax),
			total_tax_set: set(o.tax),
			total_tip_received: '0.00',
			total_weight: 0,
			updated_at: offsetTime(o.updatedAt),
			user_id: null,
			billing_address: addr(o.billTo),
			customer: {
				id: Number(o.customer.id), email: o.customer.email, first_name: o.customer.firstName, last_name: o.customer.lastName, phone: o.customer.phone,
				state: 'enabled', verified_email: true, currency: cur, admin_graphql_api_id: `gid://shopify/Customer/${o.customer.id}`,
			},
			discount_applications: [],
			fulfillments: [],
			line_items: o.lines.map((l, i) => {
				const id = this.lineItemId(o, i);
				const done = this.fulfilled.get(id) ?? 0;
				return {
					id: Number(id), admin_graphql_api_id: `gid://shopify/LineItem/${id}`, current_quantity: l.quantity, fulfillable_quantity: Math.max(0, l.quantity - done),
					fulfillment_service: 'manual', fulfillment_status: done >= l.quantity ? 'fulfilled' : null, gift_card: false, grams: 250, name: l.title,
					price: s(l.unitPrice), price_set: set(l.unitPrice), product_exists: true, product_id: 7000000 + CATALOG.findIndex((c) => c.sku === l.sku),
					properties: [], quantity: l.quantity, requires_shipping: true, sku: l.sku, taxable: true, title: l.title, total_discount: '0.00',
					total_discount_set: set(0), variant_id: 39000000 + CATALOG.findIndex((c) => c.sku === l.sku), variant_inventory_management: 'shopify',
					variant_title: null, vendor: 'OMS WMS Demo', tax_lines: [], duties: [], discount_allocations: [],
				};
			}),
			payment_terms: null,
			refunds: [],
			shipping_address: addr(o.shipTo),
			shipping_lines: [{ id: Number(o.id) + 1, carrier_identifier: null, code, discounted_price: s(o.shippingCost), discounted_price_set: set(o.shippingCost), is_removed: false, phone: null, price: s(o.shippingCost), price_set: set(o.shippingCost), requested_fulfillment_service_id: null, source: 'shopify', title, tax_lines: [], discount_allocations: [] }],
		};
	}

	// ---- HTTP ---------------------------------------------------------------------------------------------
	protected opOf(req: Req): string {
		return req.path.endsWith('/graphql.json') ? 'graphql' : 'other';
	}

	protected throttleResponse(): Res {
		return { status: 429, headers: { 'retry-after': String(1 * this.timeScale) }, body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] } };
	}

	protected route(req: Req): Res {
		if (req.path === '/admin/oauth/access_token' && req.method === 'POST') return this.token(req);
		const m = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(req.path);
		if (!m) return { status: 404, body: { errors: 'Not Found' } };
		if (req.method !== 'POST') return { status: 405, body: { errors: 'Method Not Allowed' } };
		const token = header(req, 'x-shopify-access-token');
		if (!token || (token !== this.creds.accessToken && this.checkToken(token) !== 'ok'))
			return { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } };
		const b = req.body as { query?: string; variables?: Record<string, unknown> } | undefined;
		if (!b?.query || typeof b.query !== 'string') return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
		return this.graphql(b.query, b.variables ?? {});
	}

	private token(req: Req): Res {
		const b = (req.body ?? {}) as Record<string, string>;
		if (b.client_id !== this.creds.clientId || b.client_secret !== this.creds.clientSecret) return { status: 400, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
		if (b.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
		const t = this.issueToken('shpat_', 86400);
		return { status: 200, body: { access_token: t.token, scope: 'read_orders,write_orders,write_fulfillments,write_inventory', expires_in: t.expiresIn } };
	}

	private throttleStatus(): { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } {
		const b = this.costBucket;
		if (!b) return { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 };
		return { maximumAvailable: b.burst, currentlyAvailable: Math.floor(b.available), restoreRate: Math.round(b.ratePerSec * 1000) / 1000 };
	}

	private answer(data: unknown, requested: number, actual: number, errors?: unknown[]): Res {
		// take the requested cost, refund the difference ✔ (Shopify's documented behaviour)
		if (this.costBucket) this.costBucket.update({ available: this.costBucket.available + (requested - actual) });
		return { status: 200, body: { ...(errors ? { errors } : {}), data, extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: this.throttleStatus() } } } };
	}

	private graphql(query: string, vars: Record<string, unknown>): Res {
		const intArg = (name: string, fallback: number) => {
			const re = new RegExp(`${name}\\s*\\(\\s*first\\s*:\\s*(\\$?\\w+)`);
			const mm = re.exec(query);
			if (!mm) return fallback;
			return mm[1].startsWith('$') ? Number(vars[mm[1].slice(1)] ?? fallback) : Number(mm[1]);
		};
		const root = /\b(webhookSubscriptionCreate|webhookSubscriptionDelete|webhookSubscriptions|fulfillmentCreate|inventorySetQuantities|orderCancel|refundCreate|productVariants|locations|orders|order|shop)\b/.exec(query)?.[1];
		const isMutation = /^\s*mutation\b/.test(query);
		let requested = isMutation ? 10 : 1;
		const lineFirst = intArg('lineItems', 0);
		const ordersFirst = root === 'orders' ? intArg('orders', 0) : 0;
		if (root === 'orders') {
			if (!ordersFirst || ordersFirst > 250) return { status: 200, body: { errors: [{ message: 'The first argument must be between 1 and 250', extensions: { code: 'ARGUMENT_ERROR' } }] } };
			requested = 2 + ordersFirst * (12 + 2 * lineFirst);
		} else if (root === 'order') requested = 12 + 2 * lineFirst + (query.includes('fulfillmentOrders') ? 2 + 20 * (2 + 2 * 100) : 0) / 10;
		else if (root === 'productVariants') requested = 2 + intArg('productVariants', 10) * 2;
		requested = Math.ceil(requested);
		if (requested > MAX_QUERY_COST)
			return { status: 200, body: { errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST } }] } };
		if (this.costBucket && !this.costBucket.tryTake(requested)) {
			this.throttledBy.graphql = (this.throttledBy.graphql ?? 0) + 1;
			return {
				status: 200,
				body: {
					errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
					extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: this.throttleStatus() } },
				},
			};
		}
		switch (root) {
			case 'shop':
				return this.answer({ shop: { name: 'OMS WMS Sandbox', myshopifyDomain: this.creds.shopDomain, currencyCode: 'USD' } }, requested, 1);
			case 'locations':
				return this.answer({ locations: { nodes: [{ id: this.locationId, name: 'Main warehouse' }] } }, requested, 2);
			case 'orders':
				return this.listOrders(vars, query, ordersFirst, lineFirst, requested);
			case 'order':
				return this.getOrder(query, vars, lineFirst, requested);
			case 'fulfillmentCreate':
				return this.fulfillmentCreate(vars, requested);
			case 'productVariants': {
				const q = String(vars.q ?? vars.query ?? /query\s*:\s*"([^"]*)"/.exec(query)?.[1] ?? '');
				const skus = [...q.matchAll(/sku:"?([^"\s)]+)"?/g)].map((x) => x[1]);
				const nodes = CATALOG.map((c, i) => ({ sku: c.sku, id: `gid://shopify/ProductVariant/${39000000 + i}`, inventoryItem: { id: `gid://shopify/InventoryItem/${44000000 + i}` } })).filter((v) => skus.includes(v.sku));
				return this.answer({ productVariants: { nodes } }, requested, 2 + nodes.length * 2);
			}
			case 'inventorySetQuantities':
				return this.inventorySet(query, vars, requested);
			case 'orderCancel': {
				const id = String(vars.orderId ?? '').split('/').pop() ?? '';
				if (!this.orders.has(id)) return this.answer({ orderCancel: { job: null, orderCancelUserErrors: [{ field: ['orderId'], message: 'Order does not exist', code: 'NOT_FOUND' }] } }, requested, 10);
				this.cancelled.add(id);
				this.bump();
				this.touch(id);
				this.received.cancels.push({ variables: vars });
				return this.answer({ orderCancel: { job: { id: `gid://shopify/Job/${randomUUID()}` }, orderCancelUserErrors: [] } }, requested, 10);
			}
			case 'refundCreate': {
				if (!/@idempotent\s*\(\s*key\s*:/.test(query)) return this.answer(null, requested, 10, [{ message: 'The @idempotent directive is required for this mutation.', extensions: { code: 'BAD_REQUEST' } }]);
				this.received.refunds.push({ input: vars.input });
				return this.answer({ refundCreate: { refund: { id: `gid://shopify/Refund/${this.now()}` }, userErrors: [] } }, requested, 10);
			}
			case 'webhookSubscriptionCreate':
				return this.webhookCreate(query, vars, requested);
			case 'webhookSubscriptionDelete': {
				const id = String(vars.id ?? /id\s*:\s*"([^"]+)"/.exec(query)?.[1] ?? '');
				if (!this.webhooks.delete(id)) return this.answer({ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] } }, requested, 10);
				return this.answer({ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: id, userErrors: [] } }, requested, 10);
			}
			case 'webhookSubscriptions': {
				const topics = (vars.topics as string[] | undefined)?.map(topicEnum);
				const nodes = [...this.webhooks.values()]
					.filter((w) => !topics || topics.includes(w.topic))
					.map((w) => ({ id: w.id, topic: w.topic, uri: w.uri, format: w.format, createdAt: w.createdAt, endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: w.uri } }));
				return this.answer({ webhookSubscriptions: { nodes, edges: nodes.map((node) => ({ node })), pageInfo: { hasNextPage: false, endCursor: null } } }, requested, 2 + nodes.length);
			}
		}
		return this.answer(null, requested, 1, [{ message: 'Unsupported operation in the sandbox', extensions: { code: 'UNSUPPORTED' } }]);
	}

	private listOrders(vars: Record<string, unknown>, query: string, first: number, lineFirst: number, requested: number): Res {
		const search = String(vars.query ?? /query\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(query)?.[1] ?? '');
		const mm = /updated_at\s*:\s*(>=|>)\s*'?([^'\s]+)'?/.exec(search);
		const cm = /created_at\s*:\s*(>=|>)\s*'?([^'\s]+)'?/.exec(search);
		const sortKey = /sortKey\s*:\s*(\w+)/.exec(query)?.[1] ?? 'ID';
		const reverse = /reverse\s*:\s*true/.test(query);
		const after = vars.after as string | null | undefined;
		const cond = (m: RegExpExecArray | null, v: string) => !m || (m[1] === '>' ? Date.parse(v) > Date.parse(m[2]) : Date.parse(v) >= Date.parse(m[2]));
		const key = (o: SeedOrder) => (sortKey === 'UPDATED_AT' ? Date.parse(o.updatedAt) : sortKey === 'CREATED_AT' || sortKey === 'PROCESSED_AT' ? Date.parse(o.createdAt) : Number(o.id));
		const list = this.memo(`orders|${search}|${sortKey}|${reverse}`, () =>
			[...this.orders.values()]
				.filter((o) => cond(mm, o.updatedAt) && cond(cm, o.createdAt))
				.map((o) => ({ o, k: key(o), id: Number(o.id) }))
				.sort((a, b) => (a.k - b.k || a.id - b.id) * (reverse ? -1 : 1))
				.map((x) => x.o),
		);
		let start = 0;
		const cursorIndex = this.memo(`idx|${search}|${sortKey}|${reverse}`, () => new Map<string, number>());
		if (after && cursorIndex.has(after)) start = cursorIndex.get(after) as number;
		else if (after) {
			// opaque cursor: base64 of {last_id, last_value} like Shopify's
			try {
				const c = JSON.parse(Buffer.from(after, 'base64').toString('utf8')) as { last_id: string; last_value: number };
				start = list.findIndex((o) => (key(o) - c.last_value) * (reverse ? -1 : 1) > 0 || (key(o) === c.last_value && (Number(o.id) - Number(c.last_id)) * (reverse ? -1 : 1) > 0));
				if (start < 0) start = list.length;
			} catch {
				return this.answer(null, requested, 1, [{ message: 'Invalid cursor', extensions: { code: 'BAD_REQUEST' } }]);
			}
		}
		if (start + 25_000 < 0) start = 0;
		const page = list.slice(start, start + first);
		const nodes = page.map((o) => this.renderGraphql(o, lineFirst || 0));
		const last = page[page.length - 1];
		const endCursor = last ? Buffer.from(JSON.stringify({ last_id: last.id, last_value: key(last) })).toString('base64') : null;
		if (endCursor) cursorIndex.set(endCursor, start + page.length);
		const actual = 2 + page.reduce((s, o) => s + 12 + 2 * Math.min(o.lines.length, lineFirst), 0);
		this.costLog.push({ requested, actual });
		return this.answer({ orders: { pageInfo: { hasNextPage: start + first < list.length, endCursor, hasPreviousPage: start > 0, startCursor: null }, nodes } }, requested, actual);
	}

	private fulfillmentOrders(o: SeedOrder): unknown {
		const open = !(o.status === 'cancelled' || this.cancelled.has(o.id) || o.status === 'shipped');
		const lines = o.lines.map((l, i) => {
			const id = this.lineItemId(o, i);
			return { id: `gid://shopify/FulfillmentOrderLineItem/${id}`, remainingQuantity: open ? l.quantity - (this.fulfilled.get(id) ?? 0) : 0, totalQuantity: l.quantity, lineItem: { id: `gid://shopify/LineItem/${id}`, sku: l.sku } };
		});
		const remaining = lines.some((l) => l.remainingQuantity > 0);
		return { nodes: [{ id: `gid://shopify/FulfillmentOrder/${o.id}`, status: !open ? (o.status === 'shipped' ? 'CLOSED' : 'CANCELLED') : remaining ? 'OPEN' : 'CLOSED', lineItems: { nodes: lines } }] };
	}

	private getOrder(query: string, vars: Record<string, unknown>, lineFirst: number, requested: number): Res {
		const id = String(vars.id ?? /order\s*\(\s*id\s*:\s*"([^"]+)"/.exec(query)?.[1] ?? '').split('/').pop() ?? '';
		const o = this.orders.get(id);
		if (!o) return this.answer({ order: null }, requested, 1);
		const node: Record<string, unknown> = this.renderGraphql(o, lineFirst || 50);
		if (query.includes('fulfillmentOrders')) node.fulfillmentOrders = this.fulfillmentOrders(o);
		return this.answer({ order: node }, requested, Math.min(requested, 20));
	}

	private fulfillmentCreate(vars: Record<string, unknown>, requested: number): Res {
		const f = (vars.fulfillment ?? vars.input) as
			| { lineItemsByFulfillmentOrder?: Array<{ fulfillmentOrderId?: string; fulfillmentOrderLineItems?: Array<{ id?: string; quantity?: number }> }>; trackingInfo?: { company?: string; number?: string; url?: string }; notifyCustomer?: boolean }
			| undefined;
		const fail = (message: string, field: string[] = ['fulfillment']) => this.answer({ fulfillmentCreate: { fulfillment: null, userErrors: [{ field, message }] } }, requested, 10);
		if (!f?.lineItemsByFulfillmentOrder?.length) return fail('lineItemsByFulfillmentOrder is required', ['fulfillment', 'lineItemsByFulfillmentOrder']);
		const changes: Array<[string, number]> = [];
		for (const g of f.lineItemsByFulfillmentOrder) {
			const oid = String(g.fulfillmentOrderId ?? '').replace('gid://shopify/FulfillmentOrder/', '');
			const o = this.orders.get(oid);
			if (!o || !String(g.fulfillmentOrderId).startsWith('gid://shopify/FulfillmentOrder/')) return fail(`Fulfillment order ${g.fulfillmentOrderId} does not exist.`);
			if (o.status === 'cancelled' || this.cancelled.has(o.id)) return fail('Fulfillment order is cancelled.');
			const items = g.fulfillmentOrderLineItems ?? o.lines.map((l, i) => ({ id: `gid://shopify/FulfillmentOrderLineItem/${this.lineItemId(o, i)}`, quantity: l.quantity }));
			for (const it of items) {
				const lid = String(it.id ?? '').replace('gid://shopify/FulfillmentOrderLineItem/', '');
				const idx = o.lines.findIndex((_l, i) => this.lineItemId(o, i) === lid);
				if (idx < 0) return fail(`Fulfillment order line item ${it.id} does not exist.`);
				const left = o.lines[idx].quantity - (this.fulfilled.get(lid) ?? 0);
				if (!it.quantity || it.quantity > left) return fail(`Quantity ${it.quantity} exceeds the remaining ${left}.`);
				changes.push([lid, it.quantity]);
			}
			o.updatedAt = this.iso();
		this.bump();
		}
		for (const [lid, q] of changes) this.fulfilled.set(lid, (this.fulfilled.get(lid) ?? 0) + q);
		this.bump();
		this.received.fulfillments.push({ input: f });
		return this.answer({ fulfillmentCreate: { fulfillment: { id: `gid://shopify/Fulfillment/${4000000000 + this.received.fulfillments.length}`, status: 'SUCCESS' }, userErrors: [] } }, requested, 10);
	}

	private inventorySet(query: string, vars: Record<string, unknown>, requested: number): Res {
		const keyVar = /@idempotent\s*\(\s*key\s*:\s*(\$\w+|"[^"]*")/.exec(query)?.[1];
		if (!keyVar) return this.answer(null, requested, 10, [{ message: 'The @idempotent directive is required for this mutation.', extensions: { code: 'BAD_REQUEST' } }]);
		const key = keyVar.startsWith('$') ? String(vars[keyVar.slice(1)] ?? '') : keyVar.slice(1, -1);
		const prior = this.idempotency.get(key);
		if (prior) return this.answer(prior, requested, 10);
		const input = vars.input as { name?: string; reason?: string; quantities?: Array<{ inventoryItemId?: string; locationId?: string; quantity?: number; changeFromQuantity?: number | null }> } | undefined;
		const userErrors: Array<{ code: string; field: string[]; message: string }> = [];
		if (!input || !['available', 'on_hand'].includes(String(input.name))) userErrors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: 'name must be available or on_hand' });
		if (!input?.reason) userErrors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'reason is required' });
		const qs = input?.quantities ?? [];
		if (qs.length > 250) userErrors.push({ code: 'INVALID_QUANTITIES', field: ['input', 'quantities'], message: 'at most 250 quantities' });
		qs.forEach((q, i) => {
			if (!('changeFromQuantity' in q)) userErrors.push({ code: 'INVALID', field: ['input', 'quantities', String(i), 'changeFromQuantity'], message: 'changeFromQuantity is required (pass null to opt out)' });
			else if (q.changeFromQuantity !== null && q.changeFromQuantity !== this.inventory.get(String(q.inventoryItemId)))
				userErrors.push({ code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', String(i), 'changeFromQuantity'], message: 'The changeFromQuantity is stale' });
			if (!this.inventory.has(String(q.inventoryItemId))) userErrors.push({ code: 'INVALID_INVENTORY_ITEM', field: ['input', 'quantities', String(i), 'inventoryItemId'], message: 'The specified inventory item could not be found.' });
			if (q.locationId !== this.locationId) userErrors.push({ code: 'INVALID_LOCATION', field: ['input', 'quantities', String(i), 'locationId'], message: 'The specified location could not be found.' });
		});
		let data: unknown;
		if (userErrors.length) data = { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } };
		else {
			const changes = qs.map((q) => {
				const before = this.inventory.get(String(q.inventoryItemId)) ?? 0;
				this.inventory.set(String(q.inventoryItemId), Number(q.quantity));
				return { name: input?.name, delta: Number(q.quantity) - before, quantityAfterChange: Number(q.quantity) };
			});
			this.received.inventorySets.push({ input, key });
			data = { inventorySetQuantities: { inventoryAdjustmentGroup: { id: `gid://shopify/InventoryAdjustmentGroup/${this.now()}`, changes }, userErrors: [] } };
		}
		this.idempotency.set(key, data);
		return this.answer(data, requested, 10);
	}

	private webhookCreate(query: string, vars: Record<string, unknown>, requested: number): Res {
		const topic = String(vars.topic ?? /topic\s*:\s*(\w+)/.exec(query)?.[1] ?? '');
		const sub = (vars.webhookSubscription ?? {}) as { callbackUrl?: string; uri?: string; format?: string };
		const uri = sub.uri ?? sub.callbackUrl ?? /(?:callbackUrl|uri)\s*:\s*"([^"]+)"/.exec(query)?.[1];
		if (!/^[A-Z_]+$/.test(topic)) return this.answer({ webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [{ field: ['topic'], message: 'Topic is invalid' }] } }, requested, 10);
		if (!uri || !/^https?:\/\//.test(uri)) return this.answer({ webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address is invalid' }] } }, requested, 10);
		if ([...this.webhooks.values()].some((w) => w.topic === topic && w.uri === uri))
			return this.answer({ webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' }] } }, requested, 10);
		const w: ShopifyWebhookSubscription = { id: `gid://shopify/WebhookSubscription/${1000 + ++this.webhookSeq}`, topic, uri, format: sub.format ?? 'JSON', createdAt: this.iso() };
		this.webhooks.set(w.id, w);
		return this.answer({ webhookSubscriptionCreate: { webhookSubscription: { ...w, endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: uri } }, userErrors: [] } }, requested, 10);
	}

	/**
	 * Deliver an order webhook to every subscription of the topic (or to opts.url).
	 *   times:      attempts of the same delivery (retries: same X-Shopify-Webhook-Id, Event-Id and Triggered-At)
	 *   duplicates: extra deliveries of the same event with a new webhook id (Shopify's "may send twice")
	 *   forge:      true | 'wrong-secret' | 'unsigned' | 'tampered'
	 *   replayOf:   deliveryId of an earlier delivery to send again byte for byte (stale Triggered-At)
	 *   retryUntilOk: retry (up to 8 more times ✔, after 1, 2, 4 … 128 minutes ⚠, scaled) while the receiver answers non-2xx
	 *   style:      'webhooks' (X-Shopify-*) or 'events' (shopify-* headers ✔)
	 */
	async deliverWebhook(
		orderOrId: SeedOrder | string,
		o: { topic?: string; times?: number; duplicates?: number; forge?: boolean | 'wrong-secret' | 'unsigned' | 'tampered'; replayOf?: string; url?: string; secret?: string; retryUntilOk?: boolean; style?: 'webhooks' | 'events' } = {},
	): Promise<ShopifyDelivery[]> {
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
		const topic = topicPath(o.topic ?? 'orders/create');
		const targets = o.url ? [o.url] : [...this.webhooks.values()].filter((w) => w.topic === topicEnum(topic)).map((w) => w.uri);
		const secret = o.secret ?? this.creds.appSecret;
		const out: ShopifyDelivery[] = [];
		for (const url of targets) {
			const eventId = randomUUID();
			const triggeredAt = this.iso();
			for (let d = 0; d <= (o.duplicates ?? 0); d++) {
				const webhookId = randomUUID();
				let body = JSON.stringify(this.renderRest(order));
				const forge = o.forge === true ? 'wrong-secret' : o.forge;
				let hmac: string | undefined = signBase64HmacSha256(body, forge === 'wrong-secret' ? 'shpss_forged_secret' : secret);
				if (forge === 'unsigned') hmac = undefined;
				if (forge === 'tampered') body = body.replace(/"total_price":"[^"]*"/, '"total_price":"0.01"');
				const h =
					o.style === 'events'
						? {
								'shopify-topic': topic, 'shopify-shop-domain': this.creds.shopDomain, 'shopify-api-version': this.creds.apiVersion, 'shopify-webhook-id': webhookId,
								'shopify-event-id': eventId, 'shopify-triggered-at': triggeredAt, 'shopify-handle': 'oms-wms', 'shopify-action': topic.split('/')[1] ?? '', 'shopify-resource-id': order.id,
								...(hmac ? { 'shopify-hmac-sha256': hmac } : {}),
							}
						: {
								'x-shopify-topic': topic, 'x-shopify-shop-domain': this.creds.shopDomain, 'x-shopify-api-version': this.creds.apiVersion, 'x-shopify-webhook-id': webhookId,
								'x-shopify-event-id': eventId, 'x-shopify-triggered-at': triggeredAt, 'x-shopify-name': 'oms-wms',
								...(hmac ? { 'x-shopify-hmac-sha256': hmac } : {}),
							};
				const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Shopify-Captain-Hook', ...h };
				const attempts = o.retryUntilOk ? 9 : (o.times ?? 1);
				for (let i = 0; i < attempts; i++) {
					const r = await postRaw(url, body, headers);
					const rec: ShopifyDelivery = { deliveryId: `${webhookId}#${i + 1}`, eventId, webhookId, url, topic, headers, body, status: r.status };
					this.deliveries.push(rec);
					out.push(rec);
					if (o.retryUntilOk && r.status >= 200 && r.status < 300) break;
					// 8 retries over about 4 hours ✔ (§1.7); the exponential schedule 1, 2, 4 … 128 minutes is ⚠; scaled in time
					if (o.retryUntilOk && i < attempts - 1) await this.clock.sleep(2 ** i * 60_000 * this.timeScale);
				}
			}
		}
		return out;
	}
}
