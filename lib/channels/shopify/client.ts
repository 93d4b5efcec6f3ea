/**
 * Shopify client on the GraphQL Admin API: POST {base}/admin/api/{version}/graphql.json ✔ (docs/architecture.md#vendor-api-facts, Shopify).
 *
 * - listOrdersSince: `orders(first, after, sortKey: UPDATED_AT, query: "updated_at:>='…'")`, cursor paging on
 *   pageInfo.endCursor to the last page. Returns GraphQL Order nodes (the shape lib/channels/shopify/normalize.ts
 *   reads). Cursor = ISO time of the newest updatedAt seen minus the overlap (sorted ascending, so every page's
 *   cursor is safe to store).
 * - Pacing: one leaky bucket per shop in query-cost points, synced from every response's
 *   extensions.cost.throttleStatus; a THROTTLED error (HTTP 200 or 429 ⚠) waits (requested - available)/restoreRate.
 *   Defaults before the first answer: 100 points/s restore (Standard plan ✔), bucket 2000 points ⚠.
 * - confirmShipment: reads the order's fulfillmentOrders, maps the lines to FulfillmentOrderLineItem ids and runs
 *   fulfillmentCreate with trackingInfo {company, number, url} ✔ (1.5).
 * - setAvailableQuantities: inventoryItems(query: "sku:…" OR …) ✔ (the `sku` filter; one object per item, half the
 *   cost of productVariants → inventoryItem) to inventory item ids, 100 SKUs a query ⚠, then inventorySetQuantities
 *   (name "available", changeFromQuantity: null to opt out of compare-and-swap, @idempotent key) with up to 250
 *   quantities a mutation ✔. The mutation is all or nothing ⚠: the quantities its userErrors name fail, and the rest
 *   of the batch is sent again once without them.
 * - cancelOrder: orderCancel ⚠ (argument list of 2025+ versions); cancelLines: refundCreate with
 *   restockType CANCEL ⚠.
 * - refundReturn: the order's transactions (the captured SALE or CAPTURE to refund against: its id and gateway),
 *   then refundCreate ✔ (A.1) @idempotent(key: the OMS return id) with the returned lines (restockType NO_RESTOCK:
 *   the WMS owns the stock), the shipping refunded and one REFUND transaction of the whole amount; note
 *   "OMS return <id>". userErrors are a refusal with Shopify's words. A return that came from Shopify's returns and
 *   is OPEN there is processed instead: returnProcess ✔ (2025-07+, A.1: the path for return-linked refunds)
 *   @idempotent(key) with its return lines of the refunded order lines (no dispositions: the WMS owns the stock),
 *   the shipping refunded and the amount against the captured transaction; a Shopify return not open (still
 *   requested, or closed) is refunded by refundCreate. findRefund: the order's refunds, the one whose note names the
 *   return or that belongs to the Shopify return.
 */
import { channelRefusal, mentions } from '../confirmation';
import { minorText } from '../../order/money';
import { randomUUID } from 'node:crypto';
import type { HttpRequestFn, HttpResponse } from '../../http/types';
import { ApiCaller } from '../../http/caller';
import { withRedaction } from '../../http/errors';
import { clientRetryPolicy } from '../../http/retry';
import { applyShopifyThrottleStatus, scaleRate, sharedLimiters, TokenBucket } from '../../http/limiters';
import { sharedTokens } from '../../http/token-cache';
import { cursorAfter, startTime, toMs } from '../../http/cursor';
import type {
	CancelLineInput,
	CancelResult,
	ChannelClient,
	ClientOptions,
	ConfirmShipmentInput,
	ConfirmShipmentResult,
	ListOrdersOptions,
	ListOrdersResult,
	QuantityResult,
	QuantityUpdate,
	RefundInput,
	RefundResult,
	ShopifyCredentials,
	TestCredentialsResult,
} from '../types';
import { ShopifyAuth, shopifyBaseUrl } from './auth';

export const SHOPIFY_DEFAULT_API_VERSION = '2026-01';

/** A Shopify return as read for its refund (the return query) */
interface ShopifyReturnInfo {
	id: string;
	status: string;
	returnLineItems: { nodes: Array<{ id: string; quantity: number; processedQuantity: number; refundedQuantity: number; fulfillmentLineItem?: { lineItem: { id: string } } }> };
	refunds: { nodes: Array<{ id: string }> };
}
/** ✔ inventorySetQuantities takes up to 250 quantities (input arrays are capped at 250) */
export const SHOPIFY_SET_QUANTITIES_MAX = 250;
/** SKUs per inventoryItems lookup ⚠ (Shopify documents no limit on search terms; 100 keeps the query short) */
export const SHOPIFY_SKU_LOOKUP = 100;
const LINE_ITEMS_FIRST = 20;
/**
 * Query cost ⚠ (a model of Shopify's calculator, shared with the sandbox): 2 + first × (12 + 2 × lineItems first).
 * Kept under the 1,000-point single-query cap ⚠, which with 20 line items allows 19 orders a page.
 */
export function shopifyOrdersQueryCost(first: number, lineItemsFirst = LINE_ITEMS_FIRST): number {
	return 2 + first * (12 + 2 * lineItemsFirst);
}
export const SHOPIFY_MAX_PAGE = Math.floor((1000 - 2) / (12 + 2 * LINE_ITEMS_FIRST));

const MONEY = 'shopMoney { amount currencyCode }';
const ADDRESS = 'name company address1 address2 city province provinceCode zip country countryCodeV2 phone';
export const SHOPIFY_ORDER_FIELDS = `id legacyResourceId name createdAt updatedAt processedAt cancelledAt cancelReason
 displayFinancialStatus displayFulfillmentStatus currencyCode presentmentCurrencyCode email phone clientIp tags
 subtotalPriceSet { ${MONEY} } totalShippingPriceSet { ${MONEY} } totalTaxSet { ${MONEY} } totalDiscountsSet { ${MONEY} } totalPriceSet { ${MONEY} }
 customer { id email phone firstName lastName }
 shippingAddress { ${ADDRESS} } billingAddress { ${ADDRESS} }
 shippingLine { title code carrierIdentifier }
 lineItems(first: ${LINE_ITEMS_FIRST}) { nodes { id sku name quantity originalUnitPriceSet { ${MONEY} } } }
 risk { recommendation assessments { riskLevel } }`;

export const SHOPIFY_ORDERS_QUERY = `query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { ${SHOPIFY_ORDER_FIELDS} }
  }
}`;

interface GqlBody<T> {
	data?: T;
	errors?: Array<{ message?: string; extensions?: { code?: string } }>;
	extensions?: {
		cost?: {
			requestedQueryCost?: number;
			actualQueryCost?: number | null;
			throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
		};
	};
}

function isThrottled(res: HttpResponse): boolean {
	const b = res.body as GqlBody<unknown> | undefined;
	return res.status === 429 || (typeof b === 'object' && b !== null && Array.isArray(b.errors) && b.errors.some((e) => e?.extensions?.code === 'THROTTLED'));
}

export function toGid(kind: string, id: string): string {
	return id.startsWith('gid://') ? id : `gid://shopify/${kind}/${id}`;
}
function gidTail(id: string): string {
	return String(id).split('/').pop() ?? String(id);
}

export class ShopifyClient implements ChannelClient {
	readonly channel = 'shopify' as const;

	get account(): string {
		return `shopify:${this.opts.credentialId ?? this.auth.key}`;
	}
	private readonly auth: ShopifyAuth;
	private readonly caller: ApiCaller;
	private readonly bucket: TokenBucket;
	private readonly base: string;
	private readonly version: string;
	private readonly overlap: number;
	private locationId?: string;

	constructor(
		creds: ShopifyCredentials,
		request: HttpRequestFn,
		readonly opts: ClientOptions = {},
	) {
		const scale = opts.timeScale ?? 1;
		this.auth = new ShopifyAuth(creds, request, opts.tokens ?? sharedTokens);
		this.caller = new ApiCaller({
			request,
			retry: clientRetryPolicy(opts),
			secrets: () => this.auth.secrets(),
			label: 'Shopify',
		});
		this.base = shopifyBaseUrl(creds);
		this.version = creds.apiVersion || SHOPIFY_DEFAULT_API_VERSION;
		const lim = opts.limits?.graphql ?? { ratePerSec: 100, burst: 2000 };
		this.bucket = (opts.limiters ?? sharedLimiters).bucket(
			`${this.account}:graphql`,
			() => new TokenBucket({ ratePerSec: scaleRate(lim.ratePerSec, scale), burst: lim.burst, clock: opts.clock }),
		);
		this.overlap = opts.cursorOverlapMs ?? 60_000;
		this.locationId = creds.locationId ? toGid('Location', creds.locationId) : undefined;
		// whatever a method throws (GraphQL and user errors included) leaves without this client's secrets
		return withRedaction(this, () => this.caller.secrets());
	}

	get stats() {
		return this.caller.stats;
	}

	/** One GraphQL call, paced by query cost; THROTTLED is retried after the time the bucket needs. */
	/** `once`: a mutation that is not repeated after a transport failure (its outcome is then unknown; the outbox resolves it) */
	async graphql<T>(query: string, variables: Record<string, unknown> = {}, estimatedCost?: number, once = false): Promise<GqlBody<T>> {
		const cost = Math.min(estimatedCost ?? 10, this.bucket.burst);
		const res = await this.caller.call<GqlBody<T>>(
			{
				method: 'POST',
				url: `${this.base}/admin/api/${this.version}/graphql.json`,
				headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
				body: { query, variables },
			},
			{
				what: 'GraphQL',
				auth: () => this.auth.headers(),
				onUnauthorized: () => this.auth.invalidate(),
				limiter: this.bucket,
				cost,
				isRetryable: (r) => isThrottled(r) || r.status >= 500,
				...(once ? { retryTransportErrors: false } : {}),
				delayHintMs: (r) => {
					const c = (r.body as GqlBody<T>)?.extensions?.cost;
					const ts = c?.throttleStatus;
					if (!ts || !isThrottled(r)) return undefined;
					const need = (c?.requestedQueryCost ?? cost) - ts.currentlyAvailable;
					return Math.max(0, (need / ts.restoreRate) * 1000);
				},
				after: (r) => {
					const b = r.body as GqlBody<T>;
					if (b && typeof b === 'object') applyShopifyThrottleStatus(this.bucket, b.extensions);
					if (isThrottled(r)) {
						this.caller.stats.throttled += r.status === 429 ? 0 : 1;
					}
				},
			},
		);
		const body = res.body;
		if (typeof body !== 'object' || body === null) throw new Error(`Shopify GraphQL: response is not JSON (${this.caller.redact(String(body), 100)})`);
		if (Array.isArray(body.errors) && body.errors.length) {
			throw new Error(`Shopify GraphQL error: ${body.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message ?? ''}`.trim()).join('; ')}`);
		}
		return body;
	}

	async listOrdersSince(cursor: string | null, opts: ListOrdersOptions = {}): Promise<ListOrdersResult> {
		const start = startTime(cursor, opts.lookbackFrom, this.opts.now?.() ?? Date.now());
		const first = Math.max(1, Math.min(SHOPIFY_MAX_PAGE, opts.pageSize ?? SHOPIFY_MAX_PAGE));
		const all: unknown[] = [];
		let after: string | null = null;
		let maxUpdated: number | undefined;
		let pages = 0;
		let next = start;
		for (;;) {
			const body: GqlBody<{ orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<Record<string, unknown>> } }> =
				await this.graphql(SHOPIFY_ORDERS_QUERY, { first, after, query: `updated_at:>='${start}'` }, shopifyOrdersQueryCost(first));
			const conn = body.data?.orders;
			if (!conn) throw new Error('Shopify GraphQL: orders missing from the response');
			pages++;
			for (const n of conn.nodes) {
				const t = toMs(n.updatedAt);
				if (t !== undefined && (maxUpdated === undefined || t > maxUpdated)) maxUpdated = t;
			}
			all.push(...conn.nodes);
			next = cursorAfter(maxUpdated, start, this.overlap);
			if (opts.onPage) await opts.onPage(conn.nodes, next);
			if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) break;
			if (opts.maxOrders !== undefined && all.length >= opts.maxOrders) break;
			after = conn.pageInfo.endCursor;
		}
		return { orders: all, cursor: next, pages };
	}

	async getOrder(channelOrderId: string): Promise<unknown> {
		const body = await this.graphql<{ order: unknown }>(`query Order($id: ID!) { order(id: $id) { ${SHOPIFY_ORDER_FIELDS} } }`, {
			id: toGid('Order', channelOrderId),
		});
		if (!body.data?.order) throw new Error(`Shopify order ${channelOrderId} not found`);
		return body.data.order;
	}

	/** Whether the order shows a confirmation with this tracking number (lib/channels/confirmation.ts) */
	async findShipmentConfirmation(input: { channelOrderId: string; trackingNumber: string }): Promise<{ found: boolean }> {
		// every fulfillment of the order with its tracking ✔
		const body = await this.graphql<{ order: { fulfillments: unknown } | null }>(
			`query Fulfillments($id: ID!) { order(id: $id) { fulfillments(first: 250) { id trackingInfo(first: 10) { number } } } }`,
			{ id: toGid('Order', input.channelOrderId) },
		);
		if (!body.data?.order) throw new Error(`Shopify order ${input.channelOrderId} not found`);
		return { found: mentions(body.data.order.fulfillments, input.trackingNumber) };
	}

	async confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult> {
		type FoNode = { id: string; status: string; lineItems: { nodes: Array<{ id: string; remainingQuantity: number; lineItem: { id: string; sku: string | null } }> } };
		const fo = await this.graphql<{ order: { fulfillmentOrders: { nodes: FoNode[] } } | null }>(
			`query FO($id: ID!) { order(id: $id) { fulfillmentOrders(first: 20) { nodes { id status lineItems(first: 100) { nodes { id remainingQuantity lineItem { id sku } } } } } } }`,
			{ id: toGid('Order', input.channelOrderId) },
		);
		const nodes = fo.data?.order?.fulfillmentOrders.nodes;
		// an order that is not there, or a line with nothing left to fulfil (the order was cancelled or fulfilled on
		// Shopify), is refused for good: sending it again would be refused again, so it goes to a person
		if (!nodes) throw channelRefusal(`Shopify order ${input.channelOrderId} not found`, 'order not found', 404);
		const open = nodes.filter((n) => ['OPEN', 'IN_PROGRESS'].includes(n.status));
		const groups = new Map<string, Array<{ id: string; quantity: number }>>();
		for (const line of input.lines) {
			const want = gidTail(line.lineId);
			let hit: { fo: FoNode; li: FoNode['lineItems']['nodes'][number] } | undefined;
			for (const n of open) {
				for (const li of n.lineItems.nodes) {
					if (gidTail(li.id) === want || gidTail(li.lineItem.id) === want || (line.sku && li.lineItem.sku === line.sku)) {
						if (li.remainingQuantity > 0) hit = { fo: n, li };
					}
				}
				if (hit) break;
			}
			if (!hit) {
				const why = `line ${line.lineId}${line.sku ? ` (${line.sku})` : ''} has no open fulfillment order line`;
				throw channelRefusal(`Shopify order ${input.channelOrderId}: ${why}${nodes.length && !open.length ? ` (its fulfillment orders are ${[...new Set(nodes.map((n) => n.status))].join(', ')})` : ''}`, why);
			}
			const g = groups.get(hit.fo.id) ?? [];
			g.push({ id: hit.li.id, quantity: Math.min(line.quantity, hit.li.remainingQuantity) });
			groups.set(hit.fo.id, g);
		}
		const fulfillment = {
			lineItemsByFulfillmentOrder: [...groups].map(([fulfillmentOrderId, items]) => ({ fulfillmentOrderId, fulfillmentOrderLineItems: items })),
			trackingInfo: { company: input.carrier, number: input.trackingNumber, ...(input.trackingUrl ? { url: input.trackingUrl } : {}) },
			notifyCustomer: input.notifyCustomer ?? true,
		};
		const body = await this.graphql<{ fulfillmentCreate: { fulfillment: { id: string; status: string } | null; userErrors: Array<{ field: string[]; message: string }> } }>(
			`mutation FulfillmentCreate($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } } }`,
			{ fulfillment },
			undefined,
			true,
		);
		const r = body.data?.fulfillmentCreate;
		// userErrors: Shopify answered and refused it (a cancelled or closed fulfillment order, a quantity over what is
		// left): refused for good, with its words. No fulfillment and no userErrors says nothing of what happened: unknown
		if (r?.userErrors.length) {
			const words = r.userErrors.map((e) => e.message).join('; ');
			throw channelRefusal(`Shopify fulfillmentCreate for ${input.channelOrderId}: ${words}`, words);
		}
		if (!r?.fulfillment) throw new Error(`Shopify fulfillmentCreate for ${input.channelOrderId}: no fulfillment returned`);
		return { channelOrderId: input.channelOrderId, status: 200, reference: r.fulfillment.id };
	}

	private async location(): Promise<string> {
		if (this.locationId) return this.locationId;
		const b = await this.graphql<{ locations: { nodes: Array<{ id: string }> } }>(`query { locations(first: 1) { nodes { id } } }`);
		const id = b.data?.locations.nodes[0]?.id;
		if (!id) throw new Error('Shopify: the shop has no location');
		this.locationId = id;
		return id;
	}

	async setAvailableQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		const results = new Map<string, QuantityResult>();
		const last = new Map<string, QuantityUpdate>();
		for (const it of items) last.set(it.sku, it);
		const itemIds = await this.inventoryItemIds([...last.keys()]);
		const known = [...last.values()].filter((i) => {
			if (itemIds.has(i.sku)) return true;
			results.set(i.sku, { sku: i.sku, ok: false, quantity: i.quantity, error: 'SKU not found on Shopify' });
			return false;
		});
		const locationId = known.length ? await this.location() : '';
		for (let i = 0; i < known.length; i += SHOPIFY_SET_QUANTITIES_MAX) {
			let batch = known.slice(i, i + SHOPIFY_SET_QUANTITIES_MAX);
			// all or nothing ⚠: when some quantities are refused, none is applied; those are reported and the rest is
			// sent again once without them
			for (let attempt = 0; batch.length && attempt < 2; attempt++) {
				const refused = await this.setQuantitiesBatch(batch, itemIds, locationId, results, attempt === 1);
				batch = batch.filter((_, j) => !refused.has(j) && !results.has(batch[j].sku));
			}
		}
		return items.map((i) => ({ ...(results.get(i.sku) as QuantityResult), quantity: i.quantity }));
	}

	/** SKU → InventoryItem id: inventoryItems(query: "sku:…" OR …) ✔ (the `sku` filter), 100 SKUs a query ⚠ (search length) */
	private async inventoryItemIds(skus: string[]): Promise<Map<string, string>> {
		const itemIds = new Map<string, string>();
		for (let i = 0; i < skus.length; i += SHOPIFY_SKU_LOOKUP) {
			const chunk = skus.slice(i, i + SHOPIFY_SKU_LOOKUP);
			const wanted = new Set(chunk);
			const q = chunk.map((s) => `sku:"${s.replace(/"/g, '\\"')}"`).join(' OR ');
			const b = await this.graphql<{ inventoryItems: { nodes: Array<{ id: string; sku: string | null }> } }>(
				`query Items($q: String!) { inventoryItems(first: ${SHOPIFY_SKU_LOOKUP}, query: $q) { nodes { id sku } } }`,
				{ q },
				// the requested cost is taken before the query runs ⚠ (2 + 1 per item asked for): paced on it, not on 10
				2 + SHOPIFY_SKU_LOOKUP,
			);
			for (const v of b.data?.inventoryItems.nodes ?? []) if (v.sku && wanted.has(v.sku)) itemIds.set(v.sku, v.id);
		}
		return itemIds;
	}

	/**
	 * One inventorySetQuantities of up to 250 quantities ✔. Applied (the group came back): every SKU ok. Refused with
	 * userErrors naming quantities (field input.quantities.N…): those SKUs fail and the others get no result yet (the
	 * caller sends them again), unless `final`. Refused as a whole: every SKU fails. Returns the indexes named.
	 */
	private async setQuantitiesBatch(batch: QuantityUpdate[], itemIds: Map<string, string>, locationId: string, results: Map<string, QuantityResult>, final: boolean): Promise<Set<number>> {
		const input = {
			name: 'available',
			reason: 'correction',
			referenceDocumentUri: `logistics://oms-wms/sync/${Date.now()}`,
			quantities: batch.map((b) => ({ inventoryItemId: itemIds.get(b.sku), locationId, quantity: b.quantity, changeFromQuantity: null })),
		};
		const body = await this.graphql<{
			inventorySetQuantities: { inventoryAdjustmentGroup: { id?: string } | null; userErrors: Array<{ code?: string; field?: string[]; message: string }> };
		}>(
			`mutation SetQty($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } } userErrors { code field message } } }`,
			{ input, key: randomUUID() },
		);
		const r = body.data?.inventorySetQuantities;
		const failed = new Map<number, string>();
		let whole: string | undefined;
		for (const e of r?.userErrors ?? []) {
			const idx = e.field?.[1] === 'quantities' ? Number(e.field?.[2]) : NaN;
			const text = `${e.code ?? ''} ${e.message}`.trim();
			if (Number.isInteger(idx) && idx >= 0 && idx < batch.length) failed.set(idx, failed.has(idx) ? `${failed.get(idx)}; ${text}` : text);
			else whole = whole ? `${whole}; ${text}` : text;
		}
		const set = (b: QuantityUpdate, error?: string) =>
			results.set(b.sku, { sku: b.sku, quantity: b.quantity, ok: !error, status: 200, reference: r?.inventoryAdjustmentGroup?.id, ...(error ? { error } : {}) });
		if (r?.inventoryAdjustmentGroup && !failed.size && !whole) batch.forEach((b) => set(b));
		else if (failed.size && !whole && !final) batch.forEach((b, j) => failed.has(j) && set(b, failed.get(j)));
		// refused as a whole, or again after the resend: every quantity of the batch fails with the words given
		else batch.forEach((b, j) => set(b, failed.get(j) ?? whole ?? 'inventorySetQuantities applied nothing (another quantity of the batch was refused)'));
		return new Set(failed.keys());
	}

	async cancelOrder(channelOrderId: string, reason = 'OTHER'): Promise<CancelResult> {
		const body = await this.graphql<{ orderCancel: { job: { id: string } | null; orderCancelUserErrors: Array<{ message: string }> } }>(
			`mutation Cancel($orderId: ID!, $reason: OrderCancelReason!) { orderCancel(orderId: $orderId, reason: $reason, refund: true, restock: true, notifyCustomer: true) { job { id } orderCancelUserErrors { field message code } } }`,
			{ orderId: toGid('Order', channelOrderId), reason: /^[A-Z_]+$/.test(reason) ? reason : 'OTHER' },
		);
		const r = body.data?.orderCancel;
		if (r?.orderCancelUserErrors?.length) {
			const words = r.orderCancelUserErrors.map((e) => e.message).join('; ');
			throw channelRefusal(`Shopify orderCancel ${channelOrderId}: ${words}`, words);
		}
		if (!r) throw new Error(`Shopify orderCancel ${channelOrderId}: no answer`);
		return { channelOrderId, status: 200, reference: r.job?.id };
	}

	async cancelLines(channelOrderId: string, lines: CancelLineInput[], reason?: string): Promise<CancelResult> {
		const body = await this.graphql<{ refundCreate: { refund: { id: string } | null; userErrors: Array<{ message: string }> } }>(
			`mutation Refund($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } } }`,
			{
				input: {
					orderId: toGid('Order', channelOrderId),
					note: reason ?? 'Cancelled lines',
					notify: true,
					refundLineItems: lines.map((l) => ({ lineItemId: toGid('LineItem', l.lineId), quantity: l.quantity, restockType: 'CANCEL' })),
				},
				key: randomUUID(),
			},
		);
		const r = body.data?.refundCreate;
		if (!r || r.userErrors?.length || !r.refund) throw new Error(`Shopify refundCreate ${channelOrderId}: ${r?.userErrors.map((e) => e.message).join('; ')}`);
		return { channelOrderId, status: 200, reference: r.refund.id };
	}

	/** A Shopify return as refundReturn needs it: its status, lines (their order line) and refunds; null when none */
	private async shopifyReturn(channelReturnId: string): Promise<ShopifyReturnInfo | null> {
		const body = await this.graphql<{ return: ShopifyReturnInfo | null }>(
			`query Ret($id: ID!) { return(id: $id) { id status returnLineItems(first: 100) { nodes { id quantity processedQuantity refundedQuantity ... on ReturnLineItem { fulfillmentLineItem { lineItem { id } } } } } refunds(first: 20) { nodes { id } } } }`,
			{ id: toGid('Return', channelReturnId) },
		);
		return body.data?.return ?? null;
	}

	async refundReturn(input: RefundInput): Promise<RefundResult> {
		const cur = input.currency;
		const orderId = toGid('Order', input.channelOrderId);
		type Tx = { id: string; kind: string; status: string; gateway: string | null };
		const read = await this.graphql<{ order: { id: string; transactions: Tx[] } | null }>(`query Tx($id: ID!) { order(id: $id) { id transactions(first: 20) { id kind status gateway } } }`, { id: orderId });
		if (!read.data?.order) throw channelRefusal(`Shopify order ${input.channelOrderId} not found`, 'order not found', 404);
		const parent = read.data.order.transactions.find((t) => (t.kind === 'SALE' || t.kind === 'CAPTURE') && t.status === 'SUCCESS');
		if (!parent && input.totalMinor > 0) throw channelRefusal(`Shopify order ${input.channelOrderId}: no captured payment to refund return ${input.idempotencyKey} against`, 'no captured payment');
		const refused = (op: string, errors: Array<{ message: string }>) => {
			const words = errors.map((e) => e.message).join('; ');
			return channelRefusal(`Shopify ${op} for return ${input.idempotencyKey}: ${words}`, words);
		};
		// Shopify's own return, open: processed with its refund (returnProcess links the refund to the return)
		const ret = input.channelReturnId ? await this.shopifyReturn(input.channelReturnId) : null;
		if (ret?.status === 'OPEN') {
			const returnLineItems: Array<{ id: string; quantity: number }> = [];
			for (const l of input.lines.filter((x) => x.quantity > 0)) {
				let left = l.quantity;
				for (const rl of ret.returnLineItems.nodes.filter((x) => gidTail(x.fulfillmentLineItem?.lineItem.id ?? '') === gidTail(l.lineId))) {
					const take = Math.min(left, rl.quantity - rl.processedQuantity);
					if (take > 0) returnLineItems.push({ id: rl.id, quantity: take });
					left -= Math.max(0, take);
				}
				if (left > 0) throw channelRefusal(`Shopify return ${input.channelReturnId}: ${left} unit(s) of line ${l.lineId} are not on it or were processed`, 'units not on the return', 422);
			}
			const money = (minor: number) => ({ amount: minorText(minor, cur), currencyCode: cur });
			const body = await this.graphql<{ returnProcess: { return: { id: string; refunds?: { nodes: Array<{ id: string }> } } | null; userErrors: Array<{ field: string[] | null; message: string }> } }>(
				`mutation ProcessReturn($input: ReturnProcessInput!, $key: String!) { returnProcess(input: $input) @idempotent(key: $key) { return { id refunds(first: 20) { nodes { id } } } userErrors { field message code } } }`,
				{
					input: {
						returnId: ret.id,
						returnLineItems,
						...(input.shippingMinor > 0 ? { refundShipping: { shippingRefundAmount: money(input.shippingMinor) } } : {}),
						...(input.totalMinor > 0 && parent ? { financialTransfer: { issueRefund: { orderTransactions: [{ transactionAmount: money(input.totalMinor), parentId: parent.id }] } } } : {}),
						note: input.reason,
					},
					key: input.idempotencyKey,
				},
				undefined,
				true,
			);
			const r = body.data?.returnProcess;
			if (r?.userErrors.length) throw refused('returnProcess', r.userErrors);
			if (!r?.return) throw new Error(`Shopify returnProcess for return ${input.idempotencyKey}: no return returned`);
			const known = new Set(ret.refunds.nodes.map((x) => x.id));
			return { refundId: r.return.refunds?.nodes.find((x) => !known.has(x.id))?.id ?? null, status: 200 };
		}
		const refundInput = {
			orderId,
			note: input.reason,
			notify: true,
			refundLineItems: input.lines.filter((l) => l.quantity > 0).map((l) => ({ lineItemId: toGid('LineItem', l.lineId), quantity: l.quantity, restockType: 'NO_RESTOCK' })),
			...(input.shippingMinor > 0 ? { shipping: { amount: minorText(input.shippingMinor, cur) } } : {}),
			transactions: input.totalMinor > 0 && parent ? [{ orderId, parentId: parent.id, gateway: parent.gateway, kind: 'REFUND', amount: minorText(input.totalMinor, cur) }] : [],
		};
		const body = await this.graphql<{ refundCreate: { refund: { id: string } | null; userErrors: Array<{ field: string[] | null; message: string }> } }>(
			`mutation RefundReturn($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } } }`,
			{ input: refundInput, key: input.idempotencyKey },
			undefined,
			true,
		);
		const r = body.data?.refundCreate;
		if (r?.userErrors.length) throw refused('refundCreate', r.userErrors);
		if (!r?.refund) throw new Error(`Shopify refundCreate for return ${input.idempotencyKey}: no refund returned`);
		return { refundId: r.refund.id, status: 200 };
	}

	async findRefund(input: RefundInput): Promise<{ refundId: string | null } | null> {
		const body = await this.graphql<{ order: { refunds: Array<{ id: string; note: string | null; return?: { id: string } | null }> } | null }>(
			`query Refunds($id: ID!) { order(id: $id) { refunds(first: 100) { id note return { id } } } }`,
			{ id: toGid('Order', input.channelOrderId) },
		);
		const refunds = body.data?.order?.refunds ?? [];
		// its note names the return; or (a Shopify return processed with its refund) it is that return's
		const hit = refunds.find((r) => r.note === input.reason) ?? (input.channelReturnId ? refunds.find((r) => r.return && gidTail(r.return.id) === gidTail(input.channelReturnId!)) : undefined);
		return hit ? { refundId: hit.id } : null;
	}

	async acknowledge(channelOrderId: string): Promise<CancelResult> {
		return { channelOrderId, status: 0 };
	}

	/** `text` without this client's secrets (what a caller outside its methods builds from an answer) */
	redact(text: string, max?: number): string {
		return this.caller.redact(text, max);
	}

	async testCredentials(): Promise<TestCredentialsResult> {
		try {
			const b = await this.graphql<{ shop: { name: string } }>(`query { shop { name } }`, {}, 1);
			return { ok: true, message: `Connected to ${b.data?.shop.name ?? 'shop'}` };
		} catch (err) {
			return { ok: false, message: (err as Error).message };
		}
	}
}
