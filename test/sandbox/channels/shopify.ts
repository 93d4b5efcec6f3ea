/**
 * Shopify sandbox: the GraphQL Admin API at /admin/api/{version}/graphql.json (orders with cursor paging, order,
 * fulfillmentOrders, fulfillmentCreate, productVariants, locations, inventorySetQuantities with @idempotent and
 * changeFromQuantity, orderCancel, refundCreate, returns (returnRequest, returnApproveRequest, returnDeclineRequest,
 * returnCreate, returnCancel, returnClose, returnReopen, returnProcess, reverseFulfillmentOrderDispose, the
 * return and returnableFulfillments queries, Order.returns), Shopify Payments (shopifyPaymentsAccount balance,
 * balanceTransactions, payouts), shop, webhookSubscriptionCreate/Delete and webhookSubscriptions), the
 * client-credentials token endpoint POST /admin/oauth/access_token, and webhook delivery.
 * Facts: docs/architecture.md#vendor-api-facts (Shopify) and the returns/billing facts cited beside each part.
 * Operations are recognised by their root field, not by a full GraphQL parser; arguments come from variables;
 * every Order node carries the full field set the client asks for, plus fulfillments / refunds / returns when the
 * query names them.
 * Query cost ⚠ (a simplified model of Shopify's calculator): a connection costs 2 + first × node cost; an Order node
 * costs 12 plus 2 per requested line item; a mutation 10; the actual cost counts returned nodes and lines; a query
 * above 1,000 points is refused (MAX_COST_EXCEEDED); the bucket holds 2,000 points ⚠ and restores 100 points/s
 * (Standard ✔), scaled by timeScale; when requested > currentlyAvailable the answer is HTTP 200 with
 * errors[].extensions.code THROTTLED ⚠ and extensions.cost.throttleStatus.
 * Webhook bodies are the REST Order JSON (snake_case) like shopify-rest-order-get.json's "order"; orders/edited,
 * returns/* and refunds/create carry their own resources.
 *
 * Money and quantities follow Shopify's model: a line's `quantity` is what was ordered (plus units an edit added),
 * `currentQuantity` subtracts units removed by an edit or refunded ✔; a refund moves money only through its
 * transactions ✔ and restocks with restockType CANCEL (unfulfilled units) or RETURN (fulfilled ones) ✔.
 * fulfillmentCreate is not idempotent ✔ (no @idempotent on it): every accepted call is one more fulfillment.
 * @idempotent(key:) is mandatory for inventorySetQuantities, refundCreate and returnProcess ⚠ (returnProcess counted
 * as a refund mutation) from API version 2026-04 ✔; older versions accept calls without a key (no replay then). The
 * same key with the same variables replays the first answer and changes nothing; with other variables it is an
 * error (IDEMPOTENCY_KEY_PARAMETER_MISMATCH ⚠); an answer with userErrors is not kept, so a refused call can be
 * retried with its key ⚠.
 */
import { randomUUID } from 'node:crypto';
import { SandboxBase, header, postRaw, type Req, type Res, type SandboxOptions } from '../common';
import { CATALOG, type SeedAddress, type SeedOrder, money, subtotal, total } from '../generator';
import { signBase64HmacSha256 } from '../../../lib/channels/webhook-signature';
import { TokenBucket } from '../../../lib/http/limiters';
import type { ConfirmationFailure } from './kit';
import { ShopifyPaymentsLedger, compare, fmtMinor, searchTerms, toMinor, type BalanceTx, type MoneyEvent, type Payout } from './shopify-payments';

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

export interface ShopifyFulfillment {
	id: number;
	orderId: string;
	status: 'SUCCESS';
	createdAt: string;
	trackingInfo: { company: string | null; number: string | null; url: string | null };
	notifyCustomer: boolean;
	/** id = the FulfillmentLineItem id */
	lines: Array<{ id: number; lineItemId: string; sku: string; quantity: number }>;
}

export interface ShopifyRefundLine {
	lineItemId: string;
	sku: string;
	quantity: number;
	restockType: 'CANCEL' | 'RETURN' | 'NO_RESTOCK';
	/** units this refund took off what is left to fulfil */
	removed: number;
	subtotal: number;
}

export interface ShopifyRefund {
	id: number;
	orderId: string;
	createdAt: string;
	note: string | null;
	lines: ShopifyRefundLine[];
	/** money refunded (sum of its transactions), major units */
	amount: number;
	shipping: number;
	currency: string;
	returnId: number | null;
	key: string | null;
}

export type ShopifyReturnStatus = 'REQUESTED' | 'OPEN' | 'CLOSED' | 'DECLINED' | 'CANCELED';
export interface ShopifyReturnLine {
	id: number;
	fulfillmentLineItemId: number;
	lineItemId: string;
	sku: string;
	quantity: number;
	returnReason: string;
	returnReasonNote: string;
	customerNote: string;
	processedQuantity: number;
	refundedQuantity: number;
	/** the reverse fulfillment order line (once approved) */
	rfoLineId: number | null;
	dispositions: Array<{ type: string; quantity: number; locationId: string | null }>;
}
export interface ShopifyReturn {
	id: number;
	orderId: string;
	name: string;
	status: ShopifyReturnStatus;
	createdAt: string;
	updatedAt: string;
	closedAt: string | null;
	decline: { reason: string; note: string | null } | null;
	lines: ShopifyReturnLine[];
	rfoId: number | null;
	refundIds: number[];
}

/** Identifies an order line in a control: by SKU (first line with it) or by line item id */
export interface LineRef {
	sku?: string;
	lineItemId?: string;
}

const MAX_QUERY_COST = 1000;
const MAX_INPUT_ARRAY = 250;
const LEVEL_TITLE: Record<string, [string, string]> = {
	standard: ['Standard', 'STANDARD'], economy: ['Economy', 'ECONOMY'], expedited: ['Express', 'EXPRESS'], next_day: ['Next Day Air', 'NEXT_DAY'],
	priority: ['Priority', 'PRIORITY'], same_day: ['Same Day Delivery', 'SAME_DAY'], freight: ['Freight', 'FREIGHT'],
};
const RETURN_REASONS = ['COLOR', 'DEFECTIVE', 'NOT_AS_DESCRIBED', 'OTHER', 'SIZE_TOO_LARGE', 'SIZE_TOO_SMALL', 'STYLE', 'UNKNOWN', 'UNWANTED', 'WRONG_ITEM'];
const DISPOSITIONS = ['RESTOCKED', 'PROCESSING_REQUIRED', 'NOT_RESTOCKED', 'MISSING'];
const ROOTS = new Set([
	'webhookSubscriptionCreate', 'webhookSubscriptionDelete', 'webhookSubscriptions', 'fulfillmentCreate', 'inventorySetQuantities', 'orderCancel', 'refundCreate',
	'productVariants', 'inventoryItems', 'locations', 'orders', 'order', 'shop', 'returnRequest', 'returnApproveRequest', 'returnDeclineRequest', 'returnCreate', 'returnCancel',
	'returnClose', 'returnReopen', 'returnProcess', 'reverseFulfillmentOrderDispose', 'return', 'returnableFulfillments', 'shopifyPaymentsAccount',
]);

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
function gidTail(v: unknown): string {
	return String(v ?? '').split('/').pop() ?? '';
}
function noMs(iso: string): string {
	return iso.replace(/\.\d{3}Z$/, 'Z');
}
/** The root field of the operation: the first field of its selection set (fragments skipped) */
export function rootField(query: string): string | undefined {
	const src = query.replace(/#[^\n]*/g, '');
	let i = 0;
	for (;;) {
		const fm = /^\s*fragment\b/.exec(src.slice(i));
		if (!fm) break;
		let depth = 0;
		let j = src.indexOf('{', i);
		if (j < 0) return undefined;
		for (; j < src.length; j++) {
			if (src[j] === '{') depth++;
			else if (src[j] === '}' && --depth === 0) break;
		}
		i = j + 1;
	}
	const open = src.indexOf('{', i);
	if (open < 0) return undefined;
	const m = /^\s*(?:\w+\s*:\s*)?(\w+)/.exec(src.slice(open + 1));
	return m?.[1];
}
function stableJson(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
	if (v && typeof v === 'object') return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
	return JSON.stringify(v);
}

export class ShopifySandbox extends SandboxBase {
	readonly name = 'shopify';
	readonly orders = new Map<string, SeedOrder>();
	readonly webhooks = new Map<string, ShopifyWebhookSubscription>();
	readonly deliveries: ShopifyDelivery[] = [];
	/** inventory "available" by inventory item gid at the one location */
	readonly inventory = new Map<string, number>();
	/** units fulfilled per line item id */
	readonly fulfilled = new Map<string, number>();
	readonly cancelled = new Set<string>();
	readonly received = {
		/** every fulfillmentCreate that created a fulfillment (a second call is a second fulfillment) */
		fulfillments: [] as Array<{ input: unknown }>,
		inventorySets: [] as Array<{ input: unknown; key: string | undefined }>,
		cancels: [] as Array<{ variables: unknown }>,
		/** every refundCreate / returnProcess refund that created a refund (a replayed key is not another one) */
		refunds: [] as Array<{ input: unknown; key?: string }>,
		/** every return mutation that changed a return */
		returns: [] as Array<{ op: string; input: unknown }>,
	};
	/** Fulfillments per order id, in creation order */
	readonly fulfillments = new Map<string, ShopifyFulfillment[]>();
	/** Refunds per order id, in creation order */
	readonly refunds = new Map<string, ShopifyRefund[]>();
	readonly returns = new Map<number, ShopifyReturn>();
	/** Shopify Payments: balance transactions and payouts from this sandbox's charges, refunds and adjustments */
	readonly payments: ShopifyPaymentsLedger;
	/** Query cost of every orders query answered: requested and actual */
	readonly costLog: Array<{ requested: number; actual: number }> = [];
	readonly locationId = 'gid://shopify/Location/76543210';
	/** Deliver webhooks for changes the API makes (orderCancel, refundCreate, fulfillmentCreate, returns); off by default */
	webhooksOnApiWrites: boolean;
	private readonly idempotency = new Map<string, { vars: string; data: unknown }>();
	private readonly editRemoved = new Map<string, number>();
	private readonly editedOrders = new Set<string>();
	private readonly charges = new Map<string, { amount: number; at: string }>();
	private readonly cancelInfo = new Map<string, { at: string; reason: string }>();
	private readonly adjustments: MoneyEvent[] = [];
	private readonly pending = new Set<Promise<unknown>>();
	private refundFailures = { left: 0, message: '' };
	private readonly seq = { fulfillment: 4_000_000_000, fli: 6_000_000_000, refund: 7_000_000_000, ret: 8_000_000_000, retLine: 8_100_000_000, rfo: 8_200_000_000, rfoLine: 8_300_000_000, edit: 9_100_000_000, adj: 9_500_000_000 };
	private webhookSeq = 0;
	private costBucket?: TokenBucket;

	constructor(
		opts: SandboxOptions & { bucketSize?: number; restoreRate?: number; webhooksOnApiWrites?: boolean } = {},
		readonly creds = SHOPIFY_SANDBOX_CREDENTIALS,
	) {
		super(opts);
		this.webhooksOnApiWrites = opts.webhooksOnApiWrites ?? false;
		CATALOG.forEach((c, i) => this.inventory.set(`gid://shopify/InventoryItem/${44000000 + i}`, 10));
		const limits = this.limitFor('graphql');
		if (limits) this.costBucket = new TokenBucket({ ratePerSec: limits.ratePerSec / this.timeScale, burst: limits.burst, margin: 0, clock: this.clock });
		this.payments = new ShopifyPaymentsLedger(
			() => this.moneyEvents(),
			() => `${this.version}|${this.adjustments.length}`,
		);
	}

	protected limits() {
		return { graphql: { ratePerSec: 100, burst: 2000 } };
	}

	/**
	 * Adds orders. A paid, shipped or cancelled seed order was charged when it was created; a shipped one has one
	 * fulfillment of every unit (at its update time); a cancelled one was refunded in full with its lines cancelled.
	 */
	addOrders(orders: SeedOrder[]): void {
		this.bump();
		for (const o of orders) {
			const known = this.orders.has(o.id);
			this.orders.set(o.id, o);
			if (known) continue;
			if (o.status !== 'pending') this.charges.set(o.id, { amount: total(o), at: o.createdAt });
			if (o.status === 'shipped') {
				const fid = Number(o.id) * 100 + 99;
				const lines = o.lines.map((l, i) => ({ id: fid * 100 + i + 1, lineItemId: this.lineItemId(o, i), sku: l.sku, quantity: l.quantity }));
				for (const l of lines) this.fulfilled.set(l.lineItemId, l.quantity);
				this.fulfillments.set(o.id, [{ id: fid, orderId: o.id, status: 'SUCCESS', createdAt: o.updatedAt, trackingInfo: { company: 'USPS', number: `9400${o.id}`, url: null }, notifyCustomer: true, lines }]);
			}
			if (o.status === 'cancelled') {
				this.cancelInfo.set(o.id, { at: o.updatedAt, reason: 'CUSTOMER' });
				const lines: ShopifyRefundLine[] = o.lines.map((l, i) => ({ lineItemId: this.lineItemId(o, i), sku: l.sku, quantity: l.quantity, restockType: 'CANCEL', removed: l.quantity, subtotal: l.quantity * l.unitPrice }));
				this.refunds.set(o.id, [{ id: Number(o.id) * 100 + 98, orderId: o.id, createdAt: o.updatedAt, note: 'Order cancelled', lines, amount: total(o), shipping: o.shippingCost, currency: o.currency, returnId: null, key: null }]);
			}
		}
	}

	touch(id: string, patch: Partial<SeedOrder> = {}): void {
		this.bump();
		const o = this.orders.get(id);
		if (o) Object.assign(o, patch, { updatedAt: this.iso() });
	}

	lineItemId(o: SeedOrder, i: number): string {
		return String(Number(o.id) * 100 + i + 1);
	}

	// ---- the order's state ----------------------------------------------------------------------------------
	private isCancelled(o: SeedOrder): boolean {
		return o.status === 'cancelled' || this.cancelled.has(o.id);
	}
	private refundsOf(id: string): ShopifyRefund[] {
		return this.refunds.get(id) ?? [];
	}
	private refundedQty(lid: string): { all: number; removed: number; returned: number } {
		const out = { all: 0, removed: 0, returned: 0 };
		const orderId = String(Math.floor(Number(lid) / 100));
		for (const r of this.refundsOf(orderId))
			for (const l of r.lines)
				if (l.lineItemId === lid) {
					out.all += l.quantity;
					out.removed += l.removed;
					if (l.restockType !== 'CANCEL') out.returned += l.quantity - l.removed;
				}
		return out;
	}
	/** Whether an edit or a refund changed the order's lines (most orders: no, and their figures are the seed's) */
	private changed(o: SeedOrder): boolean {
		return this.refunds.has(o.id) || this.editedOrders.has(o.id);
	}
	/** Units of the line still to fulfil: ordered, minus removed by edits or refunds, minus fulfilled */
	private unfulfilled(o: SeedOrder, i: number): number {
		const lid = this.lineItemId(o, i);
		if (!this.changed(o)) return Math.max(0, o.lines[i].quantity - (this.fulfilled.get(lid) ?? 0));
		return Math.max(0, o.lines[i].quantity - (this.editRemoved.get(lid) ?? 0) - this.refundedQty(lid).removed - (this.fulfilled.get(lid) ?? 0));
	}
	/** `currentQuantity` ✔: the ordered quantity minus removed (edited out) and refunded units */
	private currentQty(o: SeedOrder, i: number): number {
		if (!this.changed(o)) return o.lines[i].quantity;
		const lid = this.lineItemId(o, i);
		return Math.max(0, o.lines[i].quantity - (this.editRemoved.get(lid) ?? 0) - this.refundedQty(lid).all);
	}
	private currentTotals(o: SeedOrder): { subtotal: number; tax: number; discount: number; shipping: number; total: number } {
		if (!this.changed(o)) return { subtotal: subtotal(o), tax: o.tax, discount: o.discount, shipping: o.shippingCost, total: total(o) };
		const cur = o.currency;
		const sub = o.lines.reduce((s, l, i) => s + toMinor(l.unitPrice, cur) * this.currentQty(o, i), 0);
		const orig = toMinor(subtotal(o), cur);
		const tax = orig ? Math.round((toMinor(o.tax, cur) * sub) / orig) : 0;
		const discount = sub ? Math.min(toMinor(o.discount, cur), sub) : 0;
		const shipping = Math.max(0, toMinor(o.shippingCost, cur) - this.refundsOf(o.id).reduce((s, r) => s + toMinor(r.shipping, cur), 0));
		const m = (x: number) => Number(fmtMinor(x, cur));
		return { subtotal: m(sub), tax: m(tax), discount: m(discount), shipping: m(shipping), total: m(sub + tax - discount + shipping) };
	}
	private refundedMoney(id: string): number {
		return this.refundsOf(id).reduce((s, r) => s + r.amount, 0);
	}

	private financial(o: SeedOrder): string {
		const charge = this.charges.get(o.id);
		if (!charge) return this.isCancelled(o) ? 'VOIDED' : 'PENDING';
		if (!this.refunds.has(o.id)) return 'PAID';
		const refunded = toMinor(this.refundedMoney(o.id), o.currency);
		const charged = toMinor(charge.amount, o.currency);
		if (refunded >= charged && charged > 0) return 'REFUNDED';
		if (refunded > 0) return 'PARTIALLY_REFUNDED';
		return 'PAID';
	}

	private fulfillment(o: SeedOrder): string {
		const shipped = o.lines.reduce((s, _l, i) => s + (this.fulfilled.get(this.lineItemId(o, i)) ?? 0), 0);
		const left = o.lines.reduce((s, _l, i) => s + this.unfulfilled(o, i), 0);
		if (o.status === 'shipped' || (shipped > 0 && left === 0)) return 'FULFILLED';
		if (o.status === 'partially_shipped' || shipped > 0) return 'PARTIALLY_FULFILLED';
		return 'UNFULFILLED';
	}

	private cancelledAt(o: SeedOrder): string | null {
		if (!this.isCancelled(o)) return null;
		return this.cancelInfo.get(o.id)?.at ?? o.updatedAt;
	}

	/** GraphQL Order node (the field set of lib/channels/shopify/client.ts SHOPIFY_ORDER_FIELDS, plus what `query` names) */
	renderGraphql(o: SeedOrder, lineFirst = 50, query = ''): Record<string, unknown> {
		const cur = o.currency;
		const set = (n: number) => ({ shopMoney: { amount: money(n, cur), currencyCode: cur } });
		const addr = (a: SeedOrder['shipTo']) => ({
			name: a.name, company: a.company, address1: a.line1, address2: a.line2, city: a.city, province: a.region, provinceCode: a.region,
			zip: a.postalCode, country: a.country, countryCodeV2: a.country, phone: a.phone,
		});
		const cancelledAt = this.cancelledAt(o);
		const [title, code] = LEVEL_TITLE[o.shippingLevel] ?? LEVEL_TITLE.standard;
		const riskHigh = o.fraud.length > 0 && o.fraud.includes('fraud_ring');
		const changed = this.changed(o);
		const now = this.currentTotals(o);
		const sub = set(subtotal(o));
		const tax = set(o.tax);
		const disc = set(o.discount);
		const ship = set(o.shippingCost);
		const tot = set(total(o));
		const node: Record<string, unknown> = {
			id: `gid://shopify/Order/${o.id}`,
			legacyResourceId: o.id,
			name: o.number,
			createdAt: noMs(o.createdAt),
			updatedAt: noMs(o.updatedAt),
			processedAt: noMs(o.createdAt),
			cancelledAt: cancelledAt ? noMs(cancelledAt) : null,
			cancelReason: cancelledAt ? (this.cancelInfo.get(o.id)?.reason ?? 'CUSTOMER') : null,
			displayFinancialStatus: this.financial(o),
			displayFulfillmentStatus: this.fulfillment(o),
			currencyCode: cur,
			presentmentCurrencyCode: cur,
			email: o.customer.email,
			phone: o.customer.phone,
			clientIp: o.clientIp,
			tags: [],
			subtotalPriceSet: sub,
			totalShippingPriceSet: ship,
			totalTaxSet: tax,
			totalDiscountsSet: disc,
			totalPriceSet: tot,
			currentSubtotalPriceSet: changed ? set(now.subtotal) : sub,
			currentTotalTaxSet: changed ? set(now.tax) : tax,
			currentTotalDiscountsSet: changed ? set(now.discount) : disc,
			currentShippingPriceSet: changed ? set(now.shipping) : ship,
			currentTotalPriceSet: changed ? set(now.total) : tot,
			totalRefundedSet: set(changed ? this.refundedMoney(o.id) : 0),
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
					currentQuantity: this.currentQty(o, i),
					unfulfilledQuantity: this.unfulfilled(o, i),
					originalUnitPriceSet: set(l.unitPrice),
				})),
			},
			risk: { recommendation: riskHigh ? 'INVESTIGATE' : 'ACCEPT', assessments: [{ riskLevel: riskHigh ? 'HIGH' : 'LOW' }] },
		};
		if (/\bfulfillments\b/.test(query)) node.fulfillments = (this.fulfillments.get(o.id) ?? []).map((f) => this.fulfillmentNode(f));
		if (/\brefunds\b/.test(query)) node.refunds = this.refundsOf(o.id).map((r) => this.refundNode(r));
		// Order.transactions ✔ ([OrderTransaction!]!): the charge as a captured sale (what a refund's parentId names)
		if (/\btransactions\s*\(/.test(query)) node.transactions = this.charges.has(o.id) ? [{ id: `gid://shopify/OrderTransaction/${o.id}0`, kind: 'SALE', status: 'SUCCESS', gateway: 'shopify_payments' }] : [];
		if (/\breturns\s*\(/.test(query)) node.returns = { nodes: [...this.returns.values()].filter((r) => r.orderId === o.id).map((r) => this.returnNode(r)), pageInfo: { hasNextPage: false, endCursor: null } };
		return node;
	}

	private fulfillmentNode(f: ShopifyFulfillment): Record<string, unknown> {
		return {
			id: `gid://shopify/Fulfillment/${f.id}`,
			legacyResourceId: String(f.id),
			status: f.status,
			createdAt: noMs(f.createdAt),
			trackingInfo: [{ company: f.trackingInfo.company, number: f.trackingInfo.number, url: f.trackingInfo.url }],
			fulfillmentLineItems: { nodes: f.lines.map((l) => ({ id: `gid://shopify/FulfillmentLineItem/${l.id}`, quantity: l.quantity, lineItem: { id: `gid://shopify/LineItem/${l.lineItemId}`, sku: l.sku } })) },
		};
	}

	private refundNode(r: ShopifyRefund): Record<string, unknown> {
		const set = (n: number) => ({ shopMoney: { amount: money(n, r.currency), currencyCode: r.currency } });
		return {
			id: `gid://shopify/Refund/${r.id}`,
			legacyResourceId: String(r.id),
			createdAt: noMs(r.createdAt),
			note: r.note,
			totalRefundedSet: set(r.amount),
			refundLineItems: { nodes: r.lines.map((l) => ({ lineItem: { id: `gid://shopify/LineItem/${l.lineItemId}`, sku: l.sku }, quantity: l.quantity, restockType: l.restockType, subtotalSet: set(l.subtotal) })) },
			transactions: { nodes: r.amount > 0 ? [{ id: `gid://shopify/OrderTransaction/${r.id}1`, kind: 'REFUND', status: 'SUCCESS', gateway: 'shopify_payments', amountSet: set(r.amount) }] : [] },
			return: r.returnId ? { id: `gid://shopify/Return/${r.returnId}` } : null,
		};
	}

	private returnNode(r: ShopifyReturn): Record<string, unknown> {
		return {
			id: `gid://shopify/Return/${r.id}`,
			name: r.name,
			status: r.status,
			createdAt: noMs(r.createdAt),
			closedAt: r.closedAt ? noMs(r.closedAt) : null,
			totalQuantity: r.lines.reduce((s, l) => s + l.quantity, 0),
			order: { id: `gid://shopify/Order/${r.orderId}` },
			decline: r.decline ? { reason: r.decline.reason, note: r.decline.note } : null,
			returnLineItems: {
				nodes: r.lines.map((l) => ({
					id: `gid://shopify/ReturnLineItem/${l.id}`,
					quantity: l.quantity,
					returnReason: l.returnReason,
					returnReasonNote: l.returnReasonNote,
					customerNote: l.customerNote,
					processedQuantity: l.processedQuantity,
					unprocessedQuantity: l.quantity - l.processedQuantity,
					refundedQuantity: l.refundedQuantity,
					refundableQuantity: l.quantity - l.refundedQuantity,
					fulfillmentLineItem: { id: `gid://shopify/FulfillmentLineItem/${l.fulfillmentLineItemId}`, lineItem: { id: `gid://shopify/LineItem/${l.lineItemId}`, sku: l.sku } },
				})),
				pageInfo: { hasNextPage: false, endCursor: null },
			},
			reverseFulfillmentOrders: {
				nodes: r.rfoId
					? [
							{
								id: `gid://shopify/ReverseFulfillmentOrder/${r.rfoId}`,
								status: r.status === 'CLOSED' ? 'CLOSED' : r.status === 'CANCELED' ? 'CANCELED' : 'OPEN',
								lineItems: {
									nodes: r.lines.map((l) => ({
										id: `gid://shopify/ReverseFulfillmentOrderLineItem/${l.rfoLineId}`,
										totalQuantity: l.quantity,
										fulfillmentLineItem: { id: `gid://shopify/FulfillmentLineItem/${l.fulfillmentLineItemId}`, lineItem: { id: `gid://shopify/LineItem/${l.lineItemId}`, sku: l.sku } },
										dispositions: l.dispositions.map((d) => ({ type: d.type, quantity: d.quantity, location: d.locationId ? { id: d.locationId } : null })),
									})),
								},
							},
						]
					: [],
			},
			refunds: { nodes: r.refundIds.map((id) => ({ id: `gid://shopify/Refund/${id}` })) },
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
		const cancelledAt = this.cancelledAt(o);
		const [title, code] = LEVEL_TITLE[o.shippingLevel] ?? LEVEL_TITLE.standard;
		const fin = this.financial(o).toLowerCase();
		const ful = this.fulfillment(o);
		const now = this.currentTotals(o);
		const lineRest = (i: number) => {
			const l = o.lines[i];
			const id = this.lineItemId(o, i);
			const done = this.fulfilled.get(id) ?? 0;
			return {
				id: Number(id), admin_graphql_api_id: `gid://shopify/LineItem/${id}`, current_quantity: this.currentQty(o, i), fulfillable_quantity: this.unfulfilled(o, i),
				fulfillment_service: 'manual', fulfillment_status: done > 0 && this.unfulfilled(o, i) === 0 ? 'fulfilled' : done > 0 ? 'partial' : null, gift_card: false, grams: 250, name: l.title,
				price: s(l.unitPrice), price_set: set(l.unitPrice), product_exists: true, product_id: 7000000 + CATALOG.findIndex((c) => c.sku === l.sku),
				properties: [], quantity: l.quantity, requires_shipping: true, sku: l.sku, taxable: true, title: l.title, total_discount: '0.00',
				total_discount_set: set(0), variant_id: 39000000 + CATALOG.findIndex((c) => c.sku === l.sku), variant_inventory_management: 'shopify',
				variant_title: null, vendor: 'OMS WMS Demo', tax_lines: [], duties: [], discount_allocations: [],
			};
		};
		const lineIndex = (lid: string) => o.lines.findIndex((_l, i) => this.lineItemId(o, i) === lid);
		return {
			id: Number(o.id),
			admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
			app_id: 580111,
			browser_ip: o.clientIp,
			buyer_accepts_marketing: false,
			cancel_reason: cancelledAt ? (this.cancelInfo.get(o.id)?.reason ?? 'CUSTOMER').toLowerCase() : null,
			cancelled_at: cancelledAt ? offsetTime(cancelledAt) : null,
			client_details: { accept_language: 'en-US', browser_height: null, browser_ip: o.clientIp, browser_width: null, session_hash: null, user_agent: 'Mozilla/5.0' },
			closed_at: null,
			confirmation_number: o.id.slice(-9),
			confirmed: true,
			contact_email: o.customer.email,
			created_at: offsetTime(o.createdAt),
			currency: cur,
			current_subtotal_price: s(now.subtotal),
			current_subtotal_price_set: set(now.subtotal),
			current_total_discounts: s(now.discount),
			current_total_discounts_set: set(now.discount),
			current_total_price: s(now.total),
			current_total_price_set: set(now.total),
			current_total_tax: s(now.tax),
			current_total_tax_set: set(now.tax),
			customer_locale: 'en',
			discount_codes: o.discount ? [{ code: 'SAVE5', amount: s(o.discount), type: 'fixed_amount' }] : [],
			email: o.customer.email,
			estimated_taxes: false,
			financial_status: fin,
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
			fulfillments: (this.fulfillments.get(o.id) ?? []).map((f) => ({
				id: f.id, admin_graphql_api_id: `gid://shopify/Fulfillment/${f.id}`, created_at: offsetTime(f.createdAt), location_id: Number(gidTail(this.locationId)),
				name: `${o.number}.${(this.fulfillments.get(o.id) ?? []).indexOf(f) + 1}`, order_id: Number(o.id), origin_address: {}, receipt: {}, service: 'manual', shipment_status: null,
				status: 'success', tracking_company: f.trackingInfo.company, tracking_number: f.trackingInfo.number, tracking_numbers: f.trackingInfo.number ? [f.trackingInfo.number] : [],
				tracking_url: f.trackingInfo.url, tracking_urls: f.trackingInfo.url ? [f.trackingInfo.url] : [], updated_at: offsetTime(f.createdAt),
				line_items: f.lines.map((l) => ({ ...lineRest(lineIndex(l.lineItemId)), quantity: l.quantity })),
			})),
			line_items: o.lines.map((_l, i) => lineRest(i)),
			payment_terms: null,
			refunds: this.refundsOf(o.id).map((r) => this.refundRest(o, r)),
			shipping_address: addr(o.shipTo),
			shipping_lines: [{ id: Number(o.id) + 1, carrier_identifier: null, code, discounted_price: s(o.shippingCost), discounted_price_set: set(o.shippingCost), is_removed: false, phone: null, price: s(o.shippingCost), price_set: set(o.shippingCost), requested_fulfillment_service_id: null, source: 'shopify', title, tax_lines: [], discount_allocations: [] }],
		};
	}

	/** REST Refund (order.refunds[] and the refunds/create body), the shape of the vendor example's refunds[0] */
	private refundRest(o: SeedOrder, r: ShopifyRefund): Record<string, unknown> {
		const cur = r.currency;
		const set = (n: number) => ({ shop_money: { amount: money(n, cur), currency_code: cur }, presentment_money: { amount: money(n, cur), currency_code: cur } });
		return {
			id: r.id,
			admin_graphql_api_id: `gid://shopify/Refund/${r.id}`,
			created_at: offsetTime(r.createdAt),
			note: r.note,
			order_id: Number(o.id),
			processed_at: offsetTime(r.createdAt),
			restock: r.lines.some((l) => l.restockType !== 'NO_RESTOCK'),
			total_additional_fees_set: set(0),
			total_duties_set: set(0),
			user_id: null,
			order_adjustments: [],
			transactions:
				r.amount > 0
					? [{ id: Number(`${r.id}1`), admin_graphql_api_id: `gid://shopify/OrderTransaction/${r.id}1`, amount: money(r.amount, cur), currency: cur, gateway: 'shopify_payments', kind: 'refund', order_id: Number(o.id), parent_id: Number(`${o.id}1`), status: 'success', created_at: offsetTime(r.createdAt), processed_at: offsetTime(r.createdAt), test: false }]
					: [],
			refund_line_items: r.lines.map((l, i) => ({ id: Number(`${r.id}${i + 1}`), line_item_id: Number(l.lineItemId), location_id: Number(gidTail(this.locationId)), quantity: l.quantity, restock_type: l.restockType.toLowerCase(), subtotal: Number(money(l.subtotal, cur)), subtotal_set: set(l.subtotal), total_tax: 0, total_tax_set: set(0) })),
			refund_shipping_lines: r.shipping ? [{ id: Number(`${r.id}9`), amount: money(r.shipping, cur), amount_set: set(r.shipping) }] : [],
			duties: [],
			return: r.returnId ? { id: r.returnId, admin_graphql_api_id: `gid://shopify/Return/${r.returnId}` } : null,
		};
	}

	/** REST Return (returns/* webhook body) ⚠ shape from public webhook typings */
	private returnRest(r: ShopifyReturn, short = false): Record<string, unknown> {
		const base = { id: r.id, admin_graphql_api_id: `gid://shopify/Return/${r.id}`, status: r.status.toLowerCase() };
		if (short) return { ...base, order_id: Number(r.orderId) };
		return {
			...base,
			order: { id: Number(r.orderId), admin_graphql_api_id: `gid://shopify/Order/${r.orderId}` },
			total_return_line_items: r.lines.length,
			name: r.name,
			return_line_items: r.lines.map((l) => ({
				id: l.id,
				admin_graphql_api_id: `gid://shopify/ReturnLineItem/${l.id}`,
				fulfillment_line_item: { id: l.fulfillmentLineItemId, admin_graphql_api_id: `gid://shopify/FulfillmentLineItem/${l.fulfillmentLineItemId}`, line_item: { id: Number(l.lineItemId), admin_graphql_api_id: `gid://shopify/LineItem/${l.lineItemId}` } },
				quantity: l.quantity,
				return_reason: l.returnReason.toLowerCase(),
				return_reason_note: l.returnReasonNote,
				customer_note: l.customerNote,
			})),
			return_shipping_fees: [],
			exchange_line_items: [],
			total_exchange_line_items: 0,
			...(r.decline ? { decline: { reason: r.decline.reason.toLowerCase(), note: r.decline.note } } : {}),
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
		return this.graphql(b.query, b.variables ?? {}, m[1]);
	}

	private token(req: Req): Res {
		const b = (req.body ?? {}) as Record<string, string>;
		if (b.client_id !== this.creds.clientId || b.client_secret !== this.creds.clientSecret) return { status: 400, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
		if (b.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
		const t = this.issueToken('shpat_', 86400);
		return { status: 200, body: { access_token: t.token, scope: 'read_orders,write_orders,write_fulfillments,write_inventory,write_returns,read_shopify_payments_payouts', expires_in: t.expiresIn } };
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

	private graphql(query: string, vars: Record<string, unknown>, version = this.creds.apiVersion): Res {
		const intArg = (name: string, fallback: number) => {
			const re = new RegExp(`${name}\\s*\\(\\s*first\\s*:\\s*(\\$?\\w+)`);
			const mm = re.exec(query);
			if (!mm) return fallback;
			return mm[1].startsWith('$') ? Number(vars[mm[1].slice(1)] ?? fallback) : Number(mm[1]);
		};
		const parsed = rootField(query);
		const root = parsed && ROOTS.has(parsed) ? parsed : /\b(webhookSubscriptionCreate|webhookSubscriptionDelete|webhookSubscriptions|fulfillmentCreate|inventorySetQuantities|orderCancel|refundCreate|productVariants|inventoryItems|locations|orders|order|shop)\b/.exec(query)?.[1];
		const isMutation = /^\s*mutation\b/.test(query);
		let requested = isMutation ? 10 : 1;
		const lineFirst = intArg('lineItems', 0);
		const ordersFirst = root === 'orders' ? intArg('orders', 0) : 0;
		const connFirst = (name: string) => intArg(name, 0);
		if (root === 'orders') {
			if (!ordersFirst || ordersFirst > 250) return { status: 200, body: { errors: [{ message: 'The first argument must be between 1 and 250', extensions: { code: 'ARGUMENT_ERROR' } }] } };
			requested = 2 + ordersFirst * (12 + 2 * lineFirst);
		} else if (root === 'order') requested = 12 + 2 * lineFirst + (query.includes('fulfillmentOrders') ? 2 + 20 * (2 + 2 * 100) : 0) / 10;
		else if (root === 'productVariants') requested = 2 + intArg('productVariants', 10) * 2;
		// ⚠ one object per InventoryItem node, as the model prices every object
		else if (root === 'inventoryItems') requested = 2 + intArg('inventoryItems', 10);
		else if (root === 'shopifyPaymentsAccount') {
			const f = Math.max(connFirst('balanceTransactions'), connFirst('payouts'));
			if (f > 250) return { status: 200, body: { errors: [{ message: 'The first argument must be between 1 and 250', extensions: { code: 'ARGUMENT_ERROR' } }] } };
			requested = 2 + f * 3;
		} else if (root === 'return') requested = 2 + 2 * Math.max(1, connFirst('returnLineItems'));
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
				const nodes = this.skusOfQuery(query, vars, intArg('productVariants', 10)).map((x) => ({ sku: x.sku, id: `gid://shopify/ProductVariant/${39000000 + x.n}`, inventoryItem: { id: x.itemId } }));
				return this.answer({ productVariants: { nodes } }, requested, 2 + nodes.length * 2);
			}
			case 'inventoryItems': {
				// ✔ inventoryItems(first, query: "sku:…") with the `sku` filter (InventoryItemConnection filters)
				const nodes = this.skusOfQuery(query, vars, intArg('inventoryItems', 10)).map((x) => ({ id: x.itemId, sku: x.sku }));
				return this.answer({ inventoryItems: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } }, requested, 2 + nodes.length);
			}
			case 'inventorySetQuantities':
				return this.idempotent('inventorySetQuantities', query, vars, version, requested, () => this.inventorySet(vars));
			case 'orderCancel':
				return this.orderCancelApi(query, vars, requested);
			case 'refundCreate':
				return this.idempotent('refundCreate', query, vars, version, requested, () => this.refundCreateApi(vars));
			case 'returnRequest':
			case 'returnCreate':
				return this.returnOpen(root, vars, requested);
			case 'returnApproveRequest':
			case 'returnDeclineRequest':
			case 'returnCancel':
			case 'returnClose':
			case 'returnReopen':
				return this.returnMove(root, vars, requested);
			case 'returnProcess':
				return this.idempotent('returnProcess', query, vars, version, requested, () => this.returnProcessApi(vars));
			case 'reverseFulfillmentOrderDispose':
				return this.disposeApi(vars, requested);
			case 'return': {
				const r = this.returns.get(Number(gidTail(vars.id ?? /return\s*\(\s*id\s*:\s*"([^"]+)"/.exec(query)?.[1])));
				return this.answer({ return: r ? this.returnNode(r) : null }, requested, r ? 2 + r.lines.length : 1);
			}
			case 'returnableFulfillments':
				return this.returnableFulfillments(vars, requested);
			case 'shopifyPaymentsAccount':
				return this.paymentsAccount(query, vars, requested);
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

	/**
	 * @idempotent(key:) handling: mandatory from 2026-04 ✔ (and on unstable); the same key and variables replay the
	 * first answer; other variables with a used key are refused ⚠; answers with userErrors are not kept ⚠.
	 */
	private idempotent(op: string, query: string, vars: Record<string, unknown>, version: string, requested: number, run: () => { data: Record<string, unknown>; ok: boolean }): Res {
		const keyVar = /@idempotent\s*\(\s*key\s*:\s*(\$\w+|"[^"]*")/.exec(query)?.[1];
		const mandatory = version === 'unstable' || version >= '2026-04';
		if (!keyVar && mandatory) return this.answer(null, requested, 10, [{ message: 'The @idempotent directive is required for this mutation.', extensions: { code: 'BAD_REQUEST' } }]);
		const key = keyVar ? (keyVar.startsWith('$') ? String(vars[keyVar.slice(1)] ?? '') : keyVar.slice(1, -1)) : undefined;
		if (keyVar && !key) return this.answer(null, requested, 10, [{ message: 'The idempotency key must not be empty.', extensions: { code: 'BAD_REQUEST' } }]);
		const keyName = keyVar?.startsWith('$') ? keyVar.slice(1) : undefined;
		const payload = stableJson(Object.fromEntries(Object.entries(vars).filter(([k]) => k !== keyName)));
		if (key) {
			const prior = this.idempotency.get(`${op}|${key}`);
			if (prior && prior.vars !== payload)
				return this.answer(null, requested, 10, [{ message: 'The idempotency key was already used with different parameters.', extensions: { code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' } }]);
			if (prior) return this.answer(prior.data, requested, 10);
		}
		this.currentKey = key;
		const out = run();
		this.currentKey = undefined;
		if (key && out.ok) this.idempotency.set(`${op}|${key}`, { vars: payload, data: out.data });
		return this.answer(out.data, requested, 10);
	}
	private currentKey: string | undefined;

	private listOrders(vars: Record<string, unknown>, query: string, first: number, lineFirst: number, requested: number): Res {
		// the orders field's `query:` argument: a variable (`query: $q`) or a literal string
		const qArg = /orders\s*\([^)]*?\bquery\s*:\s*(\$\w+|"((?:[^"\\]|\\.)*)")/.exec(query);
		const search = String((qArg?.[1]?.startsWith('$') ? vars[qArg[1].slice(1)] : qArg?.[2]) ?? vars.query ?? '');
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
		const nodes = page.map((o) => this.renderGraphql(o, lineFirst || 0, query));
		const last = page[page.length - 1];
		const endCursor = last ? Buffer.from(JSON.stringify({ last_id: last.id, last_value: key(last) })).toString('base64') : null;
		if (endCursor) cursorIndex.set(endCursor, start + page.length);
		const actual = 2 + page.reduce((s, o) => s + 12 + 2 * Math.min(o.lines.length, lineFirst), 0);
		this.costLog.push({ requested, actual });
		return this.answer({ orders: { pageInfo: { hasNextPage: start + first < list.length, endCursor, hasPreviousPage: start > 0, startCursor: null }, nodes } }, requested, actual);
	}

	private fulfillmentOrders(o: SeedOrder): unknown {
		const open = !(this.isCancelled(o) || o.status === 'shipped');
		const lines = o.lines.map((l, i) => {
			const id = this.lineItemId(o, i);
			return { id: `gid://shopify/FulfillmentOrderLineItem/${id}`, remainingQuantity: open ? this.unfulfilled(o, i) : 0, totalQuantity: l.quantity, lineItem: { id: `gid://shopify/LineItem/${id}`, sku: l.sku } };
		});
		const remaining = lines.some((l) => l.remainingQuantity > 0);
		return { nodes: [{ id: `gid://shopify/FulfillmentOrder/${o.id}`, status: !open ? (o.status === 'shipped' ? 'CLOSED' : 'CANCELLED') : remaining ? 'OPEN' : 'CLOSED', lineItems: { nodes: lines } }] };
	}

	private getOrder(query: string, vars: Record<string, unknown>, lineFirst: number, requested: number): Res {
		const id = gidTail(vars.id ?? /order\s*\(\s*id\s*:\s*"([^"]+)"/.exec(query)?.[1] ?? '');
		const o = this.orders.get(id);
		if (!o) return this.answer({ order: null }, requested, 1);
		const node: Record<string, unknown> = this.renderGraphql(o, lineFirst || 50, query);
		if (query.includes('fulfillmentOrders')) node.fulfillmentOrders = this.fulfillmentOrders(o);
		return this.answer({ order: node }, requested, Math.min(requested, 20));
	}

	/** fulfillmentCreate ✔ (1.5): not idempotent; omitted line items mean everything still to fulfil in that fulfillment order */
	private fulfillmentCreate(vars: Record<string, unknown>, requested: number): Res {
		const f = (vars.fulfillment ?? vars.input) as
			| { lineItemsByFulfillmentOrder?: Array<{ fulfillmentOrderId?: string; fulfillmentOrderLineItems?: Array<{ id?: string; quantity?: number }> }>; trackingInfo?: { company?: string; number?: string; url?: string }; notifyCustomer?: boolean }
			| undefined;
		const fail = (message: string, field: string[] = ['fulfillment']) => this.answer({ fulfillmentCreate: { fulfillment: null, userErrors: [{ field, message }] } }, requested, 10);
		if (!f?.lineItemsByFulfillmentOrder?.length) return fail('lineItemsByFulfillmentOrder is required', ['fulfillment', 'lineItemsByFulfillmentOrder']);
		const changes: Array<[SeedOrder, number, number]> = [];
		for (const g of f.lineItemsByFulfillmentOrder) {
			const oid = String(g.fulfillmentOrderId ?? '').replace('gid://shopify/FulfillmentOrder/', '');
			const o = this.orders.get(oid);
			if (!o || !String(g.fulfillmentOrderId).startsWith('gid://shopify/FulfillmentOrder/')) return fail(`Fulfillment order ${g.fulfillmentOrderId} does not exist.`);
			if (this.isCancelled(o)) return fail('Fulfillment order is cancelled.');
			const items = g.fulfillmentOrderLineItems ?? o.lines.map((_l, i) => ({ id: `gid://shopify/FulfillmentOrderLineItem/${this.lineItemId(o, i)}`, quantity: this.unfulfilled(o, i) })).filter((x) => x.quantity > 0);
			if (!items.length) return fail('Fulfillment order has no remaining items to fulfill.');
			for (const it of items) {
				const lid = String(it.id ?? '').replace('gid://shopify/FulfillmentOrderLineItem/', '');
				const idx = o.lines.findIndex((_l, i) => this.lineItemId(o, i) === lid);
				if (idx < 0) return fail(`Fulfillment order line item ${it.id} does not exist.`);
				const left = this.unfulfilled(o, idx) - changes.filter(([x, i]) => x === o && i === idx).reduce((s, c) => s + c[2], 0);
				if (!it.quantity || it.quantity > left) return fail(`Quantity ${it.quantity} exceeds the remaining ${left}.`);
				changes.push([o, idx, it.quantity]);
			}
		}
		const byOrder = new Map<SeedOrder, Array<[number, number]>>();
		for (const [o, idx, q] of changes) byOrder.set(o, [...(byOrder.get(o) ?? []), [idx, q]]);
		let created: ShopifyFulfillment | undefined;
		for (const [o, list] of byOrder) {
			const ful: ShopifyFulfillment = {
				id: ++this.seq.fulfillment,
				orderId: o.id,
				status: 'SUCCESS',
				createdAt: this.iso(),
				trackingInfo: { company: f.trackingInfo?.company ?? null, number: f.trackingInfo?.number ?? null, url: f.trackingInfo?.url ?? null },
				notifyCustomer: !!f.notifyCustomer,
				lines: list.map(([idx, q]) => ({ id: ++this.seq.fli, lineItemId: this.lineItemId(o, idx), sku: o.lines[idx].sku, quantity: q })),
			};
			for (const l of ful.lines) this.fulfilled.set(l.lineItemId, (this.fulfilled.get(l.lineItemId) ?? 0) + l.quantity);
			this.fulfillments.set(o.id, [...(this.fulfillments.get(o.id) ?? []), ful]);
			o.updatedAt = this.iso();
			created ??= ful;
			if (this.webhooksOnApiWrites) this.later(o, [this.fulfillment(o) === 'FULFILLED' ? 'orders/fulfilled' : 'orders/partially_fulfilled', 'orders/updated']);
		}
		this.bump();
		this.received.fulfillments.push({ input: f });
		return this.answer({ fulfillmentCreate: { fulfillment: { id: `gid://shopify/Fulfillment/${created!.id}`, status: 'SUCCESS' }, userErrors: [] } }, requested, 10);
	}

	/** inventorySetQuantities ✔ (1.5): up to 250 quantities a call ✔ (input arrays are capped at 250), all or nothing ⚠ */
	private inventorySet(vars: Record<string, unknown>): { data: Record<string, unknown>; ok: boolean } {
		const input = vars.input as { name?: string; reason?: string; quantities?: Array<{ inventoryItemId?: string; locationId?: string; quantity?: number; changeFromQuantity?: number | null }> } | undefined;
		const userErrors: Array<{ code: string; field: string[]; message: string }> = [];
		if (!input || !['available', 'on_hand'].includes(String(input.name))) userErrors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: 'name must be available or on_hand' });
		if (!input?.reason) userErrors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'reason is required' });
		const qs = input?.quantities ?? [];
		if (qs.length > MAX_INPUT_ARRAY) userErrors.push({ code: 'INVALID_QUANTITIES', field: ['input', 'quantities'], message: `at most ${MAX_INPUT_ARRAY} quantities` });
		qs.forEach((q, i) => {
			if (!('changeFromQuantity' in q)) userErrors.push({ code: 'INVALID', field: ['input', 'quantities', String(i), 'changeFromQuantity'], message: 'changeFromQuantity is required (pass null to opt out)' });
			else if (q.changeFromQuantity !== null && q.changeFromQuantity !== this.inventory.get(String(q.inventoryItemId)))
				userErrors.push({ code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', String(i), 'changeFromQuantity'], message: 'The changeFromQuantity is stale' });
			if (!this.inventory.has(String(q.inventoryItemId))) userErrors.push({ code: 'INVALID_INVENTORY_ITEM', field: ['input', 'quantities', String(i), 'inventoryItemId'], message: 'The specified inventory item could not be found.' });
			if (q.locationId !== this.locationId) userErrors.push({ code: 'INVALID_LOCATION', field: ['input', 'quantities', String(i), 'locationId'], message: 'The specified location could not be found.' });
			else if (this.unstockedItems.has(String(q.inventoryItemId)))
				userErrors.push({ code: 'ITEM_NOT_STOCKED_AT_LOCATION', field: ['input', 'quantities', String(i), 'locationId'], message: 'The specified inventory item is not stocked at the location.' });
		});
		if (userErrors.length) return { data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } }, ok: false };
		const changes = qs.map((q) => {
			const before = this.inventory.get(String(q.inventoryItemId)) ?? 0;
			this.inventory.set(String(q.inventoryItemId), Number(q.quantity));
			return { name: input?.name, delta: Number(q.quantity) - before, quantityAfterChange: Number(q.quantity) };
		});
		this.received.inventorySets.push({ input, key: this.currentKey });
		return { data: { inventorySetQuantities: { inventoryAdjustmentGroup: { id: `gid://shopify/InventoryAdjustmentGroup/${this.now()}`, changes }, userErrors: [] } }, ok: true };
	}

	private orderCancelApi(query: string, vars: Record<string, unknown>, requested: number): Res {
		// an argument from the variables, or written in the query (`refund: true`)
		const arg = (name: string): unknown => {
			if (name in vars) return vars[name];
			const lit = new RegExp(`orderCancel\\s*\\([^)]*\\b${name}\\s*:\\s*(true|false|[A-Z_]+)`).exec(query)?.[1];
			return lit === undefined ? undefined : lit === 'true' ? true : lit === 'false' ? false : lit;
		};
		const id = gidTail(arg('orderId'));
		if (!this.orders.has(id)) return this.answer({ orderCancel: { job: null, orderCancelUserErrors: [{ field: ['orderId'], message: 'Order does not exist', code: 'NOT_FOUND' }] } }, requested, 10);
		const o = this.orders.get(id)!;
		this.received.cancels.push({ variables: vars });
		const refunded = this.applyCancel(o, { reason: String(arg('reason') ?? 'OTHER'), refund: arg('refund') !== false, restock: arg('restock') !== false });
		if (this.webhooksOnApiWrites) this.later(o, ['orders/cancelled', 'orders/updated', ...(refunded ? ['refunds/create'] : [])], refunded ? { 'refunds/create': this.refundRest(o, refunded) } : {});
		return this.answer({ orderCancel: { job: { id: `gid://shopify/Job/${randomUUID()}` }, orderCancelUserErrors: [] } }, requested, 10);
	}

	/** Cancels the order: refund of what was paid (unfulfilled lines cancelled, restocked when asked) or a void */
	private applyCancel(o: SeedOrder, opts: { reason: string; refund: boolean; restock: boolean }): ShopifyRefund | undefined {
		if (this.isCancelled(o)) return undefined;
		this.cancelled.add(o.id);
		this.cancelInfo.set(o.id, { at: this.iso(), reason: opts.reason });
		const lines: ShopifyRefundLine[] = [];
		o.lines.forEach((l, i) => {
			const q = this.unfulfilled(o, i);
			if (q > 0) lines.push({ lineItemId: this.lineItemId(o, i), sku: l.sku, quantity: q, restockType: opts.restock ? 'CANCEL' : 'NO_RESTOCK', removed: q, subtotal: q * l.unitPrice });
		});
		const charge = this.charges.get(o.id);
		const owedMinor = charge && opts.refund ? Math.max(0, toMinor(charge.amount, o.currency) - toMinor(this.refundedMoney(o.id), o.currency)) : 0;
		const owed = Number(fmtMinor(owedMinor, o.currency));
		let refund: ShopifyRefund | undefined;
		if (lines.length || owed > 0) {
			refund = { id: ++this.seq.refund, orderId: o.id, createdAt: this.iso(), note: 'Order cancelled', lines, amount: owed, shipping: owed > 0 ? this.currentTotals(o).shipping : 0, currency: o.currency, returnId: null, key: null };
			this.refunds.set(o.id, [...this.refundsOf(o.id), refund]);
			if (opts.restock) for (const l of lines) this.restock(l.sku, l.quantity);
		}
		this.touch(o.id);
		return refund;
	}

	private restock(sku: string, quantity: number): void {
		const key = this.itemIdOfSku(sku);
		if (!key) return;
		this.inventory.set(key, (this.inventory.get(key) ?? 0) + quantity);
	}

	/**
	 * More products (a catalogue of any size, e.g. a benchmark's 50,000 SKUs): one variant and inventory item per SKU
	 * at the one location, available `available`. Orders' lines still come from the generator's catalogue.
	 */
	addCatalogItems(skus: string[], available = 0): void {
		for (const sku of skus) {
			if (this.itemIdOfSku(sku)) continue;
			const n = CATALOG.length + this.extraSkus.size;
			this.extraSkus.set(sku, n);
			this.inventory.set(`gid://shopify/InventoryItem/${44000000 + n}`, available);
		}
	}
	private readonly extraSkus = new Map<string, number>();
	private readonly unstockedItems = new Set<string>();
	/**
	 * The SKU's item is no longer stocked at the location: inventorySetQuantities refuses its quantity with
	 * ITEM_NOT_STOCKED_AT_LOCATION ⚠ (the code's name from InventorySetQuantitiesUserErrorCode, through public code), and
	 * with it the whole call (all or nothing ⚠). `false` stocks it again.
	 */
	unstock(sku: string, unstocked = true): void {
		const id = this.itemIdOfSku(sku);
		if (!id) throw new Error(`unknown SKU ${sku}`);
		if (unstocked) this.unstockedItems.add(id);
		else this.unstockedItems.delete(id);
	}
	private catalogIndex?: Map<string, number>;
	/** The SKU's InventoryItem gid (the generator's catalogue, then added items), or undefined */
	private itemIdOfSku(sku: string): string | undefined {
		this.catalogIndex ??= new Map(CATALOG.map((c, i) => [c.sku, i]));
		const n = this.catalogIndex.get(sku) ?? this.extraSkus.get(sku);
		return n === undefined ? undefined : `gid://shopify/InventoryItem/${44000000 + n}`;
	}
	/** The known SKUs a search query names (sku:"…" terms joined by OR), at most `first` */
	private skusOfQuery(query: string, vars: Record<string, unknown>, first: number): Array<{ sku: string; n: number; itemId: string }> {
		const q = String(vars.q ?? vars.query ?? /query\s*:\s*"([^"]*)"/.exec(query)?.[1] ?? '');
		const out: Array<{ sku: string; n: number; itemId: string }> = [];
		for (const m of q.matchAll(/sku:"?([^"\s)]+)"?/g)) {
			const itemId = this.itemIdOfSku(m[1]);
			if (itemId && !out.some((x) => x.sku === m[1])) out.push({ sku: m[1], n: Number(itemId.split('/').pop()) - 44000000, itemId });
			if (out.length >= first) break;
		}
		return out;
	}

	/** refundCreate ✔ (A.1): lines with restockType, shipping, transactions (the money); no over-refund unless allowOverRefunding */
	private refundCreateApi(vars: Record<string, unknown>): { data: Record<string, unknown>; ok: boolean } {
		const input = (vars.input ?? {}) as {
			orderId?: string; note?: string; notify?: boolean; allowOverRefunding?: boolean;
			refundLineItems?: Array<{ lineItemId?: string; quantity?: number; restockType?: string; locationId?: string }>;
			shipping?: { amount?: string | number; fullRefund?: boolean };
			transactions?: Array<{ amount?: string | number; gateway?: string; kind?: string; orderId?: string; parentId?: string }>;
		};
		const fail = (message: string, field: string[]) => ({ data: { refundCreate: { refund: null, order: null, userErrors: [{ field, message }] } }, ok: false });
		const o = this.orders.get(gidTail(input.orderId));
		if (!o) return fail('Order does not exist', ['input', 'orderId']);
		const made = this.makeRefund(o, {
			lines: (input.refundLineItems ?? []).map((l) => ({ lineItemId: gidTail(l.lineItemId), quantity: Number(l.quantity), restockType: String(l.restockType ?? 'NO_RESTOCK') })),
			shipping: input.shipping?.fullRefund ? this.currentTotals(o).shipping : Number(input.shipping?.amount ?? 0),
			amount: (input.transactions ?? []).reduce((s, t) => s + Number(t.amount ?? 0), 0),
			allowOver: !!input.allowOverRefunding,
			note: input.note ?? null,
			returnId: null,
			field: ['input'],
		});
		if ('error' in made) return fail(made.error, made.field);
		this.received.refunds.push({ input: vars.input, key: this.currentKey });
		if (this.webhooksOnApiWrites) this.later(o, ['refunds/create', 'orders/updated'], { 'refunds/create': this.refundRest(o, made.refund) });
		return { data: { refundCreate: { refund: this.refundNode(made.refund), order: { id: `gid://shopify/Order/${o.id}` }, userErrors: [] } }, ok: true };
	}

	/** Validates and records a refund: quantities against what is refundable, money against what was paid */
	private makeRefund(
		o: SeedOrder,
		r: { lines: Array<{ lineItemId: string; quantity: number; restockType: string }>; shipping: number; amount: number; allowOver: boolean; note: string | null; returnId: number | null; field: string[] },
	): { refund: ShopifyRefund } | { error: string; field: string[] } {
		if (this.refundFailures.left > 0) {
			this.refundFailures.left--;
			return { error: this.refundFailures.message, field: [...r.field, 'transactions'] };
		}
		const lines: ShopifyRefundLine[] = [];
		for (const [n, l] of r.lines.entries()) {
			const idx = o.lines.findIndex((_x, i) => this.lineItemId(o, i) === l.lineItemId);
			const field = [...r.field, 'refundLineItems', String(n)];
			if (idx < 0) return { error: `Line item ${l.lineItemId} does not belong to the order.`, field: [...field, 'lineItemId'] };
			if (!['CANCEL', 'RETURN', 'NO_RESTOCK'].includes(l.restockType)) return { error: `Restock type ${l.restockType} is not valid.`, field: [...field, 'restockType'] };
			if (!Number.isInteger(l.quantity) || l.quantity < 1) return { error: 'Quantity must be greater than 0.', field: [...field, 'quantity'] };
			const already = lines.filter((x) => x.lineItemId === l.lineItemId).reduce((s, x) => s + x.quantity, 0);
			if (l.quantity + already > this.currentQty(o, idx)) return { error: `Quantity cannot refund more items than were purchased.`, field: [...field, 'quantity'] };
			const unfulfilled = this.unfulfilled(o, idx) - lines.filter((x) => x.lineItemId === l.lineItemId).reduce((s, x) => s + x.removed, 0);
			if (l.restockType === 'CANCEL' && l.quantity > unfulfilled) return { error: 'Restock type CANCEL is only valid for unfulfilled items.', field: [...field, 'restockType'] };
			const returnable = (this.fulfilled.get(l.lineItemId) ?? 0) - this.refundedQty(l.lineItemId).returned;
			if (l.restockType === 'RETURN' && l.quantity > returnable) return { error: 'Restock type RETURN is only valid for fulfilled items.', field: [...field, 'restockType'] };
			const removed = l.restockType === 'RETURN' ? 0 : Math.min(l.quantity, Math.max(0, unfulfilled));
			lines.push({ lineItemId: l.lineItemId, sku: o.lines[idx].sku, quantity: l.quantity, restockType: l.restockType as ShopifyRefundLine['restockType'], removed, subtotal: l.quantity * o.lines[idx].unitPrice });
		}
		const charge = this.charges.get(o.id);
		const cur = o.currency;
		const paidMinor = charge ? toMinor(charge.amount, cur) : 0;
		const leftMinor = paidMinor - toMinor(this.refundedMoney(o.id), cur);
		const amountMinor = toMinor(r.amount, cur);
		if (amountMinor < 0) return { error: 'Amount must be greater than or equal to 0.', field: [...r.field, 'transactions'] };
		if (amountMinor > 0 && !charge) return { error: 'The order has no captured payment to refund.', field: [...r.field, 'transactions'] };
		if (amountMinor > leftMinor && !r.allowOver) return { error: `Refund amount ${fmtMinor(amountMinor, cur)} is greater than the refundable amount ${fmtMinor(Math.max(0, leftMinor), cur)}.`, field: [...r.field, 'transactions'] };
		if (toMinor(r.shipping, cur) > toMinor(this.currentTotals(o).shipping, cur)) return { error: 'Shipping refund amount is greater than the refundable shipping.', field: [...r.field, 'shipping'] };
		if (!lines.length && amountMinor === 0 && !r.shipping) return { error: 'A refund needs line items, shipping or an amount.', field: r.field };
		const refund: ShopifyRefund = { id: ++this.seq.refund, orderId: o.id, createdAt: this.iso(), note: r.note, lines, amount: Number(fmtMinor(amountMinor, cur)), shipping: r.shipping, currency: cur, returnId: r.returnId, key: this.currentKey ?? null };
		this.refunds.set(o.id, [...this.refundsOf(o.id), refund]);
		for (const l of lines) if (l.restockType !== 'NO_RESTOCK') this.restock(l.sku, l.quantity);
		this.touch(o.id);
		return { refund };
	}

	// ---- returns ------------------------------------------------------------------------------------------
	private fulfillmentLine(o: SeedOrder, fliId: number): { f: ShopifyFulfillment; line: ShopifyFulfillment['lines'][number] } | undefined {
		for (const f of this.fulfillments.get(o.id) ?? []) for (const line of f.lines) if (line.id === fliId) return { f, line };
		return undefined;
	}
	/** Units of a fulfillment line not yet in a requested, open or closed return */
	private returnableQty(fliId: number, qty: number): number {
		let used = 0;
		for (const r of this.returns.values()) if (r.status !== 'DECLINED' && r.status !== 'CANCELED') for (const l of r.lines) if (l.fulfillmentLineItemId === fliId) used += l.quantity;
		return qty - used;
	}

	private returnableFulfillments(vars: Record<string, unknown>, requested: number): Res {
		const o = this.orders.get(gidTail(vars.orderId));
		if (!o) return this.answer(null, requested, 1, [{ message: 'Order does not exist', extensions: { code: 'NOT_FOUND' } }]);
		const nodes = (this.fulfillments.get(o.id) ?? [])
			.map((f) => ({
				id: `gid://shopify/ReturnableFulfillment/${f.id}`,
				fulfillment: { id: `gid://shopify/Fulfillment/${f.id}` },
				returnableFulfillmentLineItems: {
					nodes: f.lines
						.map((l) => ({ quantity: this.returnableQty(l.id, l.quantity), fulfillmentLineItem: { id: `gid://shopify/FulfillmentLineItem/${l.id}`, lineItem: { id: `gid://shopify/LineItem/${l.lineItemId}`, sku: l.sku } } }))
						.filter((x) => x.quantity > 0),
				},
			}))
			.filter((n) => n.returnableFulfillmentLineItems.nodes.length > 0);
		return this.answer({ returnableFulfillments: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } }, requested, 2 + nodes.length * 2);
	}

	/** Creates a return (REQUESTED for returnRequest, OPEN for returnCreate) after checking the lines are returnable */
	private createReturn(o: SeedOrder, lines: Array<{ fulfillmentLineItemId?: string; quantity?: number; returnReason?: string; returnReasonNote?: string; customerNote?: string }>, status: ShopifyReturnStatus, fieldBase: string[]): { ret: ShopifyReturn } | { error: string; field: string[]; code: string } {
		if (!lines.length) return { error: 'A return needs at least one line item.', field: [...fieldBase, 'returnLineItems'], code: 'BLANK' };
		const out: ShopifyReturnLine[] = [];
		for (const [n, l] of lines.entries()) {
			const field = [...fieldBase, 'returnLineItems', String(n)];
			const hit = this.fulfillmentLine(o, Number(gidTail(l.fulfillmentLineItemId)));
			if (!hit) return { error: `Fulfillment line item ${l.fulfillmentLineItemId} does not exist on the order.`, field: [...field, 'fulfillmentLineItemId'], code: 'NOT_FOUND' };
			const reason = String(l.returnReason ?? 'UNKNOWN');
			if (!RETURN_REASONS.includes(reason)) return { error: `Return reason ${reason} is not valid.`, field: [...field, 'returnReason'], code: 'INVALID' };
			const left = this.returnableQty(hit.line.id, hit.line.quantity) - out.filter((x) => x.fulfillmentLineItemId === hit.line.id).reduce((s, x) => s + x.quantity, 0);
			if (!Number.isInteger(l.quantity) || Number(l.quantity) < 1 || Number(l.quantity) > left) return { error: `Quantity ${l.quantity} is more than the ${left} returnable.`, field: [...field, 'quantity'], code: 'INVALID' };
			out.push({ id: ++this.seq.retLine, fulfillmentLineItemId: hit.line.id, lineItemId: hit.line.lineItemId, sku: hit.line.sku, quantity: Number(l.quantity), returnReason: reason, returnReasonNote: l.returnReasonNote ?? '', customerNote: l.customerNote ?? '', processedQuantity: 0, refundedQuantity: 0, rfoLineId: null, dispositions: [] });
		}
		const n = [...this.returns.values()].filter((r) => r.orderId === o.id).length + 1;
		const ret: ShopifyReturn = { id: ++this.seq.ret, orderId: o.id, name: `${o.number}-R${n}`, status, createdAt: this.iso(), updatedAt: this.iso(), closedAt: null, decline: null, lines: out, rfoId: null, refundIds: [] };
		if (status === 'OPEN') this.openReverse(ret);
		this.returns.set(ret.id, ret);
		this.touch(o.id);
		return { ret };
	}

	/** Approval creates the reverse fulfillment order ✔ (returnCreate / returnApproveRequest) */
	private openReverse(r: ShopifyReturn): void {
		r.rfoId = ++this.seq.rfo;
		for (const l of r.lines) l.rfoLineId = ++this.seq.rfoLine;
	}

	private returnOpen(op: 'returnRequest' | 'returnCreate', vars: Record<string, unknown>, requested: number): Res {
		const input = ((op === 'returnRequest' ? vars.input : vars.returnInput ?? vars.input) ?? {}) as { orderId?: string; returnLineItems?: Array<Record<string, string | number>> };
		const fieldBase = [op === 'returnRequest' ? 'input' : 'returnInput'];
		const o = this.orders.get(gidTail(input.orderId));
		if (!o) return this.answer({ [op]: { return: null, userErrors: [{ field: [...fieldBase, 'orderId'], message: 'Order does not exist.', code: 'NOT_FOUND' }] } }, requested, 10);
		const made = this.createReturn(o, (input.returnLineItems ?? []) as never, op === 'returnRequest' ? 'REQUESTED' : 'OPEN', fieldBase);
		if ('error' in made) return this.answer({ [op]: { return: null, userErrors: [{ field: made.field, message: made.error, code: made.code }] } }, requested, 10);
		this.received.returns.push({ op, input });
		// returnCreate makes an approved return; Shopify's topic for it is ⚠ (returns/approve here)
		if (this.webhooksOnApiWrites) this.later(o, [op === 'returnRequest' ? 'returns/request' : 'returns/approve'], { [op === 'returnRequest' ? 'returns/request' : 'returns/approve']: this.returnRest(made.ret) });
		return this.answer({ [op]: { return: this.returnNode(made.ret), userErrors: [] } }, requested, 10);
	}

	/** Status moves ✔: approve/decline only REQUESTED; cancel only before any processing or refund ✔; close OPEN; reopen CLOSED */
	private moveReturn(op: string, r: ShopifyReturn, input: Record<string, unknown>): string | null {
		switch (op) {
			case 'returnApproveRequest':
				if (r.status !== 'REQUESTED') return `Return is ${r.status}; only a REQUESTED return can be approved.`;
				r.status = 'OPEN';
				this.openReverse(r);
				return null;
			case 'returnDeclineRequest': {
				if (r.status !== 'REQUESTED') return `Return is ${r.status}; only a REQUESTED return can be declined.`;
				const reason = String(input.declineReason ?? 'OTHER');
				if (!['RETURN_PERIOD_ENDED', 'FINAL_SALE', 'OTHER'].includes(reason)) return `Decline reason ${reason} is not valid.`;
				r.status = 'DECLINED';
				r.decline = { reason, note: (input.declineNote as string | undefined) ?? null };
				return null;
			}
			case 'returnCancel':
				if (r.status !== 'OPEN' && r.status !== 'REQUESTED') return `Return is ${r.status} and cannot be canceled.`;
				if (r.refundIds.length || r.lines.some((l) => l.processedQuantity > 0 || l.dispositions.length)) return 'Return cannot be canceled after work has been done on it.';
				r.status = 'CANCELED';
				return null;
			case 'returnClose':
				if (r.status !== 'OPEN') return `Return is ${r.status}; only an OPEN return can be closed.`;
				r.status = 'CLOSED';
				r.closedAt = this.iso();
				return null;
			case 'returnReopen':
				if (r.status !== 'CLOSED') return `Return is ${r.status}; only a CLOSED return can be reopened.`;
				r.status = 'OPEN';
				r.closedAt = null;
				return null;
		}
		return `Unknown operation ${op}`;
	}

	private returnMove(op: string, vars: Record<string, unknown>, requested: number): Res {
		const input = (vars.input ?? vars) as Record<string, unknown>;
		const r = this.returns.get(Number(gidTail(input.id ?? vars.returnId)));
		if (!r) return this.answer({ [op]: { return: null, userErrors: [{ field: ['id'], message: 'Return does not exist.', code: 'NOT_FOUND' }] } }, requested, 10);
		const err = this.moveReturn(op, r, input);
		if (err) return this.answer({ [op]: { return: this.returnNode(r), userErrors: [{ field: ['id'], message: err, code: 'INVALID_STATE' }] } }, requested, 10);
		r.updatedAt = this.iso();
		this.touch(r.orderId);
		this.received.returns.push({ op, input });
		const topic = { returnApproveRequest: 'returns/approve', returnDeclineRequest: 'returns/decline', returnCancel: 'returns/cancel', returnClose: 'returns/close', returnReopen: 'returns/reopen' }[op]!;
		if (this.webhooksOnApiWrites) this.later(this.orders.get(r.orderId)!, [topic], { [topic]: this.returnRest(r, ['returns/cancel', 'returns/close', 'returns/reopen'].includes(topic)) });
		return this.answer({ [op]: { return: this.returnNode(r), userErrors: [] } }, requested, 10);
	}

	/**
	 * returnProcess ✔ (2025-07+): confirms processed quantities, records dispositions (RESTOCKED adds to available at
	 * its location), and with financialTransfer.issueRefund creates the refund (its orderTransactions are the money).
	 * The return closes when every unit is processed ⚠.
	 */
	private returnProcessApi(vars: Record<string, unknown>): { data: Record<string, unknown>; ok: boolean } {
		const input = (vars.input ?? {}) as {
			returnId?: string;
			returnLineItems?: Array<{ id?: string; quantity?: number; dispositions?: Array<{ reverseFulfillmentOrderLineItemId?: string; quantity?: number; dispositionType?: string; locationId?: string }> }>;
			refundShipping?: { fullRefund?: boolean; shippingRefundAmount?: { amount?: string | number } };
			financialTransfer?: { issueRefund?: { allowOverRefunding?: boolean; orderTransactions?: Array<{ transactionAmount?: { amount?: string | number }; parentId?: string }> } };
			note?: string;
		};
		const fail = (message: string, field: string[], code = 'INVALID') => ({ data: { returnProcess: { return: null, userErrors: [{ field, message, code }] } }, ok: false });
		const r = this.returns.get(Number(gidTail(input.returnId)));
		if (!r) return fail('Return does not exist.', ['input', 'returnId'], 'NOT_FOUND');
		if (r.status !== 'OPEN') return fail(`Return is ${r.status}; only an OPEN return can be processed.`, ['input', 'returnId'], 'INVALID_STATE');
		const o = this.orders.get(r.orderId)!;
		const items = input.returnLineItems ?? [];
		if (!items.length) return fail('returnLineItems is required.', ['input', 'returnLineItems'], 'BLANK');
		const plan: Array<{ line: ShopifyReturnLine; quantity: number; dispositions: Array<{ type: string; quantity: number; locationId: string | null }> }> = [];
		for (const [n, it] of items.entries()) {
			const line = r.lines.find((l) => l.id === Number(gidTail(it.id)));
			const field = ['input', 'returnLineItems', String(n)];
			if (!line) return fail(`Return line item ${it.id} does not exist on the return.`, [...field, 'id'], 'NOT_FOUND');
			const q = Number(it.quantity);
			if (!Number.isInteger(q) || q < 1 || q > line.quantity - line.processedQuantity) return fail(`Quantity ${it.quantity} is more than the ${line.quantity - line.processedQuantity} left to process.`, [...field, 'quantity']);
			const ds = (it.dispositions ?? []).map((d) => ({ type: String(d.dispositionType), quantity: Number(d.quantity), locationId: d.locationId ?? null }));
			for (const d of ds) {
				if (!DISPOSITIONS.includes(d.type)) return fail(`Disposition type ${d.type} is not valid.`, [...field, 'dispositions']);
				if (d.type === 'RESTOCKED' && d.locationId !== this.locationId) return fail('A location is required to restock.', [...field, 'dispositions']);
			}
			if (ds.reduce((s, d) => s + d.quantity, 0) > q) return fail('Dispositions are more than the processed quantity.', [...field, 'dispositions']);
			plan.push({ line, quantity: q, dispositions: ds });
		}
		const money = input.financialTransfer?.issueRefund;
		let refund: ShopifyRefund | undefined;
		if (money) {
			const made = this.makeRefund(o, {
				lines: plan.map((p) => ({ lineItemId: p.line.lineItemId, quantity: p.quantity, restockType: 'NO_RESTOCK' })),
				shipping: input.refundShipping?.fullRefund ? this.currentTotals(o).shipping : Number(input.refundShipping?.shippingRefundAmount?.amount ?? 0),
				amount: (money.orderTransactions ?? []).reduce((s, t) => s + Number(t.transactionAmount?.amount ?? 0), 0),
				allowOver: !!money.allowOverRefunding,
				note: input.note ?? null,
				returnId: r.id,
				field: ['input', 'financialTransfer', 'issueRefund'],
			});
			if ('error' in made) return fail(made.error, made.field);
			refund = made.refund;
			// a return's refund does not restock by itself: dispositions do ⚠
			r.refundIds.push(refund.id);
			this.received.refunds.push({ input: vars.input, key: this.currentKey });
		}
		for (const p of plan) {
			p.line.processedQuantity += p.quantity;
			if (refund) p.line.refundedQuantity += p.quantity;
			for (const d of p.dispositions) {
				p.line.dispositions.push(d);
				if (d.type === 'RESTOCKED') this.restock(p.line.sku, d.quantity);
			}
		}
		if (r.lines.every((l) => l.processedQuantity >= l.quantity)) {
			r.status = 'CLOSED';
			r.closedAt = this.iso();
		}
		r.updatedAt = this.iso();
		this.touch(o.id);
		this.received.returns.push({ op: 'returnProcess', input });
		if (this.webhooksOnApiWrites) this.later(o, ['returns/process', ...(refund ? ['refunds/create'] : []), 'orders/updated'], { 'returns/process': this.returnRest(r), ...(refund ? { 'refunds/create': this.refundRest(o, refund) } : {}) });
		return { data: { returnProcess: { return: this.returnNode(r), userErrors: [] } }, ok: true };
	}

	/** reverseFulfillmentOrderDispose ✔: dispositions on reverse fulfillment order lines (RESTOCKED needs a location) */
	private disposeApi(vars: Record<string, unknown>, requested: number): Res {
		const inputs = (vars.dispositionInputs ?? []) as Array<{ reverseFulfillmentOrderLineItemId?: string; quantity?: number; dispositionType?: string; locationId?: string }>;
		const fail = (message: string, n: number) => this.answer({ reverseFulfillmentOrderDispose: { reverseFulfillmentOrderLineItems: null, userErrors: [{ field: ['dispositionInputs', String(n)], message, code: 'INVALID' }] } }, requested, 10);
		const done: Array<{ line: ShopifyReturnLine; r: ShopifyReturn; d: { type: string; quantity: number; locationId: string | null } }> = [];
		for (const [n, inp] of inputs.entries()) {
			let hit: { line: ShopifyReturnLine; r: ShopifyReturn } | undefined;
			for (const r of this.returns.values()) for (const line of r.lines) if (line.rfoLineId === Number(gidTail(inp.reverseFulfillmentOrderLineItemId))) hit = { line, r };
			if (!hit) return fail('Reverse fulfillment order line item does not exist.', n);
			const type = String(inp.dispositionType);
			if (!DISPOSITIONS.includes(type)) return fail(`Disposition type ${type} is not valid.`, n);
			if (type === 'RESTOCKED' && inp.locationId !== this.locationId) return fail('A location is required to restock.', n);
			const disposed = hit.line.dispositions.reduce((s, d) => s + d.quantity, 0);
			if (!Number(inp.quantity) || disposed + Number(inp.quantity) > hit.line.quantity) return fail('Quantity is more than the line has left to dispose.', n);
			done.push({ ...hit, d: { type, quantity: Number(inp.quantity), locationId: inp.locationId ?? null } });
		}
		for (const x of done) {
			x.line.dispositions.push(x.d);
			if (x.d.type === 'RESTOCKED') this.restock(x.line.sku, x.d.quantity);
			x.r.updatedAt = this.iso();
			this.touch(x.r.orderId);
		}
		return this.answer({ reverseFulfillmentOrderDispose: { reverseFulfillmentOrderLineItems: done.map((x) => ({ id: `gid://shopify/ReverseFulfillmentOrderLineItem/${x.line.rfoLineId}`, dispositions: x.line.dispositions.map((d) => ({ type: d.type, quantity: d.quantity })) })), userErrors: [] } }, requested, 10);
	}

	// ---- Shopify Payments -----------------------------------------------------------------------------------
	/** The channel's money events: one charge per paid order, one per refund with money, the planted adjustments */
	moneyEvents(): MoneyEvent[] {
		const out: MoneyEvent[] = [];
		for (const [id, c] of this.charges) {
			const o = this.orders.get(id);
			if (!o) continue;
			out.push({ kind: 'charge', sourceId: `${id}1`, orderId: id, orderName: o.number, amountMinor: toMinor(c.amount, o.currency), currency: o.currency, at: c.at });
		}
		for (const [id, list] of this.refunds) {
			const o = this.orders.get(id);
			if (!o) continue;
			for (const r of list) if (r.amount > 0) out.push({ kind: 'refund', sourceId: String(r.id), orderId: id, orderName: o.number, amountMinor: -toMinor(r.amount, r.currency), currency: r.currency, at: r.createdAt });
		}
		return out.concat(this.adjustments);
	}

	private paymentsAccount(query: string, vars: Record<string, unknown>, requested: number): Res {
		const now = this.now();
		const txs = this.payments.transactions(now);
		const payouts = this.payments.payouts(now, txs);
		const byId = new Map(payouts.map((p) => [p.legacyId, p]));
		const m = (minor: number, cur: string) => ({ amount: fmtMinor(minor, cur), currencyCode: cur });
		const account: Record<string, unknown> = { id: 'gid://shopify/ShopifyPaymentsAccount/1', activated: true, country: 'US', defaultCurrency: 'USD' };
		let actual = 1;
		if (/\bbalance\b/.test(query)) {
			const bal = new Map<string, number>();
			for (const t of txs) if (byId.get(t.payoutId)?.status !== 'PAID') bal.set(t.currency, (bal.get(t.currency) ?? 0) + t.netMinor);
			account.balance = [...bal].map(([cur, v]) => m(v, cur));
		}
		const argOf = (conn: string, name: string): unknown => {
			const mm = new RegExp(`${conn}\\s*\\(([^)]*)\\)`).exec(query)?.[1] ?? '';
			const a = new RegExp(`\\b${name}\\s*:\\s*(\\$\\w+|"[^"]*"|\\w+)`).exec(mm)?.[1];
			if (a === undefined) return undefined;
			if (a.startsWith('$')) return vars[a.slice(1)];
			if (a.startsWith('"')) return a.slice(1, -1);
			return /^\d+$/.test(a) ? Number(a) : a === 'true' ? true : a === 'false' ? false : a;
		};
		const page = <T>(conn: string, list: T[], keyOf: (x: T) => [number, string]): { nodes: T[]; pageInfo: Record<string, unknown> } | { error: string } => {
			const first = Number(argOf(conn, 'first') ?? 0);
			if (!first || first > 250) return { error: 'The first argument must be between 1 and 250' };
			const reverse = argOf(conn, 'reverse') === true;
			const sorted = reverse ? [...list].reverse() : list;
			const after = argOf(conn, 'after') as string | undefined;
			let start = 0;
			if (after) {
				try {
					const c = JSON.parse(Buffer.from(after, 'base64').toString('utf8')) as { last_value: number; last_id: string };
					const i = sorted.findIndex((x) => keyOf(x)[0] === c.last_value && keyOf(x)[1] === c.last_id);
					start = i < 0 ? sorted.length : i + 1;
				} catch {
					return { error: 'Invalid cursor' };
				}
			}
			const nodes = sorted.slice(start, start + first);
			const last = nodes[nodes.length - 1];
			const endCursor = last ? Buffer.from(JSON.stringify({ last_value: keyOf(last)[0], last_id: keyOf(last)[1] })).toString('base64') : null;
			return { nodes, pageInfo: { hasNextPage: start + first < sorted.length, hasPreviousPage: start > 0, endCursor, startCursor: null } };
		};
		const filter = <T>(list: T[], q: unknown, fields: Record<string, (x: T) => string | number>): T[] | { error: string } => {
			for (const t of searchTerms(String(q ?? ''))) {
				const f = fields[t.key];
				if (!f) return { error: `Unsupported search field ${t.key}` };
				list = list.filter((x) => compare(f(x), t.op, typeof f(x) === 'number' ? Number(t.value) : t.value));
			}
			return list;
		};
		if (/\bbalanceTransactions\b/.test(query)) {
			const sortKey = String(argOf('balanceTransactions', 'sortKey') ?? 'PROCESSED_AT');
			let list = filter(txs, argOf('balanceTransactions', 'query'), {
				payments_transfer_id: (t) => t.payoutId,
				payout_date: (t) => t.payoutDate,
				processed_at: (t) => t.at,
				payout_status: (t) => byId.get(t.payoutId)?.status ?? 'PENDING',
				transaction_type: (t) => t.type,
			});
			if ('error' in list) return this.answer(null, requested, 1, [{ message: list.error, extensions: { code: 'BAD_REQUEST' } }]);
			if (sortKey === 'ID') list = [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
			else if (sortKey !== 'PROCESSED_AT') return this.answer(null, requested, 1, [{ message: `Sort key ${sortKey} is not supported by the sandbox`, extensions: { code: 'UNSUPPORTED' } }]);
			const p = page('balanceTransactions', list, (t) => [Date.parse(t.at), t.id]);
			if ('error' in p) return this.answer(null, requested, 1, [{ message: p.error, extensions: { code: 'BAD_REQUEST' } }]);
			account.balanceTransactions = { nodes: p.nodes.map((t) => this.balanceTxNode(t, byId.get(t.payoutId))), pageInfo: p.pageInfo };
			actual += 2 + p.nodes.length * 3;
		}
		if (/\bpayouts\b/.test(query)) {
			const kind = argOf('payouts', 'transactionType') as string | undefined;
			let list = filter(kind ? payouts.filter((p) => p.transactionType === kind) : payouts, argOf('payouts', 'query'), { issued_at: (p) => p.issuedAt, status: (p) => p.status, id: (p) => p.legacyId });
			if ('error' in list) return this.answer(null, requested, 1, [{ message: list.error, extensions: { code: 'BAD_REQUEST' } }]);
			list = [...list];
			const p = page('payouts', list, (x) => [Date.parse(x.issuedAt), String(x.legacyId)]);
			if ('error' in p) return this.answer(null, requested, 1, [{ message: p.error, extensions: { code: 'BAD_REQUEST' } }]);
			account.payouts = { nodes: p.nodes.map((x) => this.payoutNode(x)), pageInfo: p.pageInfo };
			actual += 2 + p.nodes.length * 3;
		}
		return this.answer({ shopifyPaymentsAccount: account }, requested, Math.min(actual, requested));
	}

	private balanceTxNode(t: BalanceTx, p: Payout | undefined): Record<string, unknown> {
		const m = (minor: number) => ({ amount: fmtMinor(minor, t.currency), currencyCode: t.currency });
		return {
			id: `gid://shopify/ShopifyPaymentsBalanceTransaction/${t.id}`,
			type: t.type,
			test: false,
			amount: m(t.amountMinor),
			fee: m(t.feeMinor),
			net: m(t.netMinor),
			sourceType: t.sourceType,
			sourceId: t.sourceId,
			sourceOrderTransactionId: t.type === 'ADJUSTMENT' ? null : t.type === 'CHARGE' ? t.sourceId : `${t.sourceId}1`,
			associatedOrder: t.orderId ? { id: `gid://shopify/Order/${t.orderId}`, name: t.orderName } : null,
			adjustmentReason: t.reason,
			adjustmentsOrders: [],
			associatedPayout: { id: `gid://shopify/ShopifyPaymentsPayout/${t.payoutId}`, status: p?.status ?? 'PENDING' },
			transactionDate: noMs(t.at),
		};
	}

	private payoutNode(p: Payout): Record<string, unknown> {
		const m = (minor: number) => ({ amount: fmtMinor(minor, p.currency), currencyCode: p.currency });
		const s = p.summary;
		return {
			id: `gid://shopify/ShopifyPaymentsPayout/${p.legacyId}`,
			legacyResourceId: String(p.legacyId),
			issuedAt: p.issuedAt,
			status: p.status,
			transactionType: p.transactionType,
			net: m(p.netMinor),
			externalTraceId: null,
			summary: {
				chargesGross: m(s.chargesGross), chargesFee: m(s.chargesFee), refundsFeeGross: m(s.refundsGross), refundsFee: m(s.refundsFee),
				adjustmentsGross: m(s.adjustmentsGross), adjustmentsFee: m(s.adjustmentsFee), reservedFundsGross: m(0), reservedFundsFee: m(0), retriedPayoutsGross: m(0), retriedPayoutsFee: m(0),
			},
		};
	}

	// ---- webhook subscriptions ------------------------------------------------------------------------------
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

	// ---- controls: what the channel does on its own (a customer, the merchant, the payment) ---------------------
	private orderOf(id: string): SeedOrder {
		const o = this.orders.get(id);
		if (!o) throw new Error(`shopify sandbox: no order ${id}`);
		return o;
	}
	private lineIndexOf(o: SeedOrder, ref: LineRef): number {
		const i = o.lines.findIndex((l, k) => (ref.lineItemId ? this.lineItemId(o, k) === gidTail(ref.lineItemId) : l.sku === ref.sku));
		if (i < 0) throw new Error(`shopify sandbox: order ${o.id} has no line ${ref.lineItemId ?? ref.sku}`);
		return i;
	}

	/** Delivers topics (with their bodies; the order's REST JSON by default) to their subscriptions, one after the other */
	private async emit(o: SeedOrder, topics: string[], bodies: Record<string, unknown> = {}): Promise<ShopifyDelivery[]> {
		const out: ShopifyDelivery[] = [];
		for (const t of topics) out.push(...(await this.deliverWebhook(o, { topic: t, ...(bodies[t] !== undefined ? { body: bodies[t] } : {}) })));
		return out;
	}
	/** emit() after the current answer has gone (changes made through the API, when webhooksOnApiWrites) */
	private later(o: SeedOrder, topics: string[], bodies: Record<string, unknown> = {}): void {
		const p: Promise<unknown> = new Promise((r) => setImmediate(r)).then(() => this.emit(o, topics, bodies)).catch(() => undefined);
		this.pending.add(p);
		void p.finally(() => this.pending.delete(p));
	}
	/** Resolves when every webhook the API's writes queued has been delivered */
	async settled(): Promise<void> {
		while (this.pending.size) await Promise.all([...this.pending]);
	}

	/**
	 * The customer (or the merchant) cancels the order on Shopify: orders/cancelled then orders/updated ✔ (and
	 * refunds/create when money goes back). `refund` (default true) refunds what was paid; `restock` (default true)
	 * puts the unfulfilled units back on the shelf. An unpaid order is voided.
	 */
	async cancelOrder(id: string, o: { reason?: string; refund?: boolean; restock?: boolean } = {}): Promise<ShopifyDelivery[]> {
		const order = this.orderOf(id);
		if (this.isCancelled(order)) throw new Error(`shopify sandbox: order ${id} is already cancelled`);
		const refund = this.applyCancel(order, { reason: o.reason ?? 'CUSTOMER', refund: o.refund ?? true, restock: o.restock ?? true });
		return this.emit(order, ['orders/cancelled', ...(refund ? ['refunds/create'] : []), 'orders/updated'], refund ? { 'refunds/create': this.refundRest(order, refund) } : {});
	}

	/**
	 * Cancels some lines the way Shopify does it (the order stays open): a refund of those units with restockType
	 * CANCEL ✔, money back for them when `amount` says so. refunds/create then orders/updated.
	 */
	async cancelLines(id: string, lines: Array<LineRef & { quantity: number }>, o: { amount?: number; note?: string } = {}): Promise<ShopifyDelivery[]> {
		const order = this.orderOf(id);
		const made = this.makeRefund(order, {
			lines: lines.map((l) => ({ lineItemId: this.lineItemId(order, this.lineIndexOf(order, l)), quantity: l.quantity, restockType: 'CANCEL' })),
			shipping: 0,
			amount: o.amount ?? 0,
			allowOver: false,
			note: o.note ?? 'Cancelled lines',
			returnId: null,
			field: ['input'],
		});
		if ('error' in made) throw new Error(`shopify sandbox: ${made.error}`);
		return this.emit(order, ['refunds/create', 'orders/updated'], { 'refunds/create': this.refundRest(order, made.refund) });
	}

	/**
	 * Fail the next shipment confirmation(s) (fulfillmentCreate on the GraphQL endpoint; other queries answer as
	 * usual): 5xx (`status`), timeout, a throttle, a reset, or applied-but-lost, as the marketplaces' (kit.ts)
	 */
	failConfirmations(kind: ConfirmationFailure, times = 1, status = 503): void {
		this.inject({ kind: kind === 'lost' ? 'reset_after_commit' : kind === 'gateway' ? 'error_after_commit' : kind, path: /\/graphql\.json$/, body: /\bfulfillmentCreate\b/, method: 'POST', times, status });
	}

	/** A pending order is paid now: orders/paid then orders/updated ✔ */
	async markPaid(id: string): Promise<ShopifyDelivery[]> {
		const o = this.orderOf(id);
		if (this.charges.has(id) || this.isCancelled(o)) throw new Error(`shopify sandbox: order ${id} is not awaiting payment`);
		this.charges.set(id, { amount: this.currentTotals(o).total, at: this.iso() });
		this.touch(id, { status: 'paid' });
		return this.emit(o, ['orders/paid', 'orders/updated']);
	}

	/** The shipping address changes: orders/updated */
	async changeAddress(id: string, patch: Partial<SeedAddress>): Promise<ShopifyDelivery[]> {
		const o = this.orderOf(id);
		this.touch(id, { shipTo: { ...o.shipTo, ...patch } });
		return this.emit(o, ['orders/updated']);
	}

	/**
	 * An order edit ✔: each change sets a line's quantity (0 removes it; more adds units), `add` appends new lines.
	 * orders/edited (its order_edit body ⚠ from public typings) then orders/updated.
	 */
	async editLines(id: string, changes: Array<LineRef & { quantity: number }>, add: Array<{ sku: string; quantity: number }> = []): Promise<ShopifyDelivery[]> {
		const o = this.orderOf(id);
		const additions: Array<{ id: number; delta: number }> = [];
		const removals: Array<{ id: number; delta: number }> = [];
		for (const c of changes) {
			const i = this.lineIndexOf(o, c);
			const lid = this.lineItemId(o, i);
			const now = this.currentQty(o, i);
			if (c.quantity < (this.fulfilled.get(lid) ?? 0)) throw new Error(`shopify sandbox: line ${lid} has ${this.fulfilled.get(lid)} units fulfilled`);
			if (c.quantity < now) {
				this.editRemoved.set(lid, (this.editRemoved.get(lid) ?? 0) + now - c.quantity);
				removals.push({ id: Number(lid), delta: now - c.quantity });
			} else if (c.quantity > now) {
				o.lines[i].quantity += c.quantity - now;
				additions.push({ id: Number(lid), delta: c.quantity - now });
			}
		}
		for (const a of add) {
			const c = CATALOG.find((x) => x.sku === a.sku);
			if (!c) throw new Error(`shopify sandbox: unknown SKU ${a.sku}`);
			o.lines.push({ lineId: String(o.lines.length + 1), sku: c.sku, title: c.title, quantity: a.quantity, unitPrice: c.price });
			additions.push({ id: Number(this.lineItemId(o, o.lines.length - 1)), delta: a.quantity });
		}
		this.editedOrders.add(id);
		this.touch(id);
		const at = offsetTime(this.iso());
		const body = {
			order_edit: {
				id: ++this.seq.edit, app_id: null, created_at: at, committed_at: at, notify_customer: false, order_id: Number(id), staff_note: '', user_id: null,
				line_items: { additions, removals }, discounts: { line_item: { additions: [], removals: [] } }, shipping_lines: { additions: [], removals: [] },
			},
		};
		return this.emit(o, ['orders/edited', 'orders/updated'], { 'orders/edited': body });
	}

	/** The customer asks to return units (returnRequest as a customer account does it): returns/request ✔ */
	async requestReturn(id: string, lines: Array<LineRef & { quantity: number; reason?: string; note?: string }>): Promise<{ ret: ShopifyReturn; deliveries: ShopifyDelivery[] }> {
		const o = this.orderOf(id);
		const input = lines.map((l) => {
			const i = this.lineIndexOf(o, l);
			const lid = this.lineItemId(o, i);
			const fli = (this.fulfillments.get(id) ?? []).flatMap((f) => f.lines).find((x) => x.lineItemId === lid && this.returnableQty(x.id, x.quantity) >= l.quantity);
			if (!fli) throw new Error(`shopify sandbox: ${l.quantity} unit(s) of line ${lid} are not fulfilled and returnable`);
			return { fulfillmentLineItemId: `gid://shopify/FulfillmentLineItem/${fli.id}`, quantity: l.quantity, returnReason: l.reason ?? 'UNWANTED', customerNote: l.note ?? '' };
		});
		const made = this.createReturn(o, input, 'REQUESTED', ['input']);
		if ('error' in made) throw new Error(`shopify sandbox: ${made.error}`);
		return { ret: made.ret, deliveries: await this.emit(o, ['returns/request'], { 'returns/request': this.returnRest(made.ret) }) };
	}

	/** The next `times` refunds (refundCreate, returnProcess) are refused with `message` as a userError; then they work */
	failRefunds(times = 1, message = 'Refund failed: the payment provider declined the refund.'): void {
		this.refundFailures = { left: times, message };
	}

	/** A Shopify Payments adjustment (fee reversal, chargeback fee …) of `amount` (signed, major units) ⚠ */
	addAdjustment(a: { amount: number; currency?: string; reason?: string; orderId?: string; at?: string }): void {
		const o = a.orderId ? this.orderOf(a.orderId) : undefined;
		const cur = a.currency ?? o?.currency ?? 'USD';
		this.adjustments.push({ kind: 'adjustment', sourceId: String(++this.seq.adj), orderId: o?.id ?? null, orderName: o?.number ?? null, amountMinor: toMinor(a.amount, cur), currency: cur, at: a.at ?? this.iso(), reason: a.reason ?? 'other' });
	}

	/** Plants a discrepancy for the reconciliation: an over-fee on an order's charge, or a charge never settled */
	plantDiscrepancy(p: { kind: 'over_fee'; orderId: string; extra?: number } | { kind: 'missing_settlement'; orderId: string }): void {
		const o = this.orderOf(p.orderId);
		if (!this.charges.has(o.id)) throw new Error(`shopify sandbox: order ${o.id} was never charged`);
		if (p.kind === 'over_fee') this.payments.plants.overFee.set(o.id, toMinor(p.extra ?? 1, o.currency));
		else this.payments.plants.missingSettlement.add(o.id);
	}

	/** What the channel shows for an order now: statuses, fulfillments (with tracking), refunds, returns, lines */
	shows(id: string): {
		financialStatus: string; fulfillmentStatus: string; cancelled: boolean; updatedAt: string;
		fulfillments: ShopifyFulfillment[]; refunds: ShopifyRefund[]; returns: ShopifyReturn[];
		lines: Array<{ lineItemId: string; sku: string; quantity: number; currentQuantity: number; fulfilled: number; unfulfilled: number; refunded: number }>;
	} {
		const o = this.orderOf(id);
		return {
			financialStatus: this.financial(o),
			fulfillmentStatus: this.fulfillment(o),
			cancelled: this.isCancelled(o),
			updatedAt: o.updatedAt,
			fulfillments: this.fulfillments.get(id) ?? [],
			refunds: this.refundsOf(id),
			returns: [...this.returns.values()].filter((r) => r.orderId === id),
			lines: o.lines.map((l, i) => {
				const lid = this.lineItemId(o, i);
				return { lineItemId: lid, sku: l.sku, quantity: l.quantity, currentQuantity: this.currentQty(o, i), fulfilled: this.fulfilled.get(lid) ?? 0, unfulfilled: this.unfulfilled(o, i), refunded: this.refundedQty(lid).all };
			}),
		};
	}

	/** Available quantity per SKU at the one location, as the channel shows it now */
	quantitiesBySku(): Record<string, number> {
		return Object.fromEntries([...CATALOG.map((c) => c.sku), ...this.extraSkus.keys()].map((sku) => [sku, this.inventory.get(this.itemIdOfSku(sku) as string) ?? 0]));
	}

	/**
	 * Deliver an order webhook to every subscription of the topic (or to opts.url).
	 *   times:      attempts of the same delivery (retries: same X-Shopify-Webhook-Id, Event-Id and Triggered-At)
	 *   duplicates: extra deliveries of the same event with a new webhook id (Shopify's "may send twice")
	 *   forge:      true | 'wrong-secret' | 'unsigned' | 'tampered'
	 *   replayOf:   deliveryId of an earlier delivery to send again byte for byte (stale Triggered-At)
	 *   retryUntilOk: retry (up to 8 more times ✔, after 1, 2, 4 … 128 minutes ⚠, scaled) while the receiver answers non-2xx
	 *   style:      'webhooks' (X-Shopify-*) or 'events' (shopify-* headers ✔)
	 *   body:       the resource to send instead of the order's REST JSON (orders/edited, returns/*, refunds/create)
	 */
	async deliverWebhook(
		orderOrId: SeedOrder | string,
		o: { topic?: string; times?: number; duplicates?: number; forge?: boolean | 'wrong-secret' | 'unsigned' | 'tampered'; replayOf?: string; url?: string; secret?: string; retryUntilOk?: boolean; style?: 'webhooks' | 'events'; body?: unknown } = {},
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
		const resource = o.body as { id?: unknown; order_edit?: { id?: unknown } } | undefined;
		const resourceId = String(resource?.order_edit?.id ?? resource?.id ?? order.id);
		const out: ShopifyDelivery[] = [];
		for (const url of targets) {
			const eventId = randomUUID();
			const triggeredAt = this.iso();
			for (let d = 0; d <= (o.duplicates ?? 0); d++) {
				const webhookId = randomUUID();
				let body = JSON.stringify(o.body !== undefined ? o.body : this.renderRest(order));
				const forge = o.forge === true ? 'wrong-secret' : o.forge;
				let hmac: string | undefined = signBase64HmacSha256(body, forge === 'wrong-secret' ? 'shpss_forged_secret' : secret);
				if (forge === 'unsigned') hmac = undefined;
				if (forge === 'tampered') {
					const t = body.replace(/"total_price":"[^"]*"/, '"total_price":"0.01"');
					body = t !== body ? t : `${body} `;
				}
				const h =
					o.style === 'events'
						? {
								'shopify-topic': topic, 'shopify-shop-domain': this.creds.shopDomain, 'shopify-api-version': this.creds.apiVersion, 'shopify-webhook-id': webhookId,
								'shopify-event-id': eventId, 'shopify-triggered-at': triggeredAt, 'shopify-handle': 'oms-wms', 'shopify-action': topic.split('/')[1] ?? '', 'shopify-resource-id': resourceId,
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
