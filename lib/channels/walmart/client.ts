/**
 * Walmart Marketplace (US) client.
 *
 * - listOrdersSince: GET /v3/orders?lastModifiedStartDate=<iso>&limit=200&productInfo=false, then
 *   GET /v3/orders<meta.nextCursor> (nextCursor is the whole query string ⚠) to the end ✔ (docs/architecture.md#vendor-api-facts, Walmart).
 *   Returns v3 Order objects (list.elements.order[]). Walmart orders carry no last-modified time, so the cursor is
 *   the time the listing began minus the overlap (stored only after the last page; pages before keep the start).
 * - Pacing: per-seller token buckets re-synced from x-current-token-count / x-max-token-count, and a 429 waits for
 *   x-next-replenishment-time ✔ (5.6). Bucket sizes are ⚠ (Walmart publishes no per-endpoint numbers for US
 *   Marketplace here): getAllOrders 20 burst at 1/s, getOrder 20 at 2/s, acknowledge/shipping/cancel 20 at 2/s,
 *   updateInventory 20 at 2/s.
 * - acknowledge: POST /v3/orders/{po}/acknowledge ✔; confirmShipment: POST /v3/orders/{po}/shipping with
 *   orderShipment.orderLines.orderLine[].orderLineStatuses.orderLineStatus[] status Shipped ✔ (5.5);
 *   cancelLines/cancelOrder: POST /v3/orders/{po}/cancel with orderCancellation … status Cancelled ⚠ (shape from the
 *   SDK models, reason CUSTOMER_REQUESTED_SELLER_TO_CANCEL).
 * - setAvailableQuantities: fewer than 20 SKUs (a sale's, or a few coalesced sales'): one PUT /v3/inventory?sku=…
 *   {"sku","quantity":{"unit":"EACH","amount"}} each ✔, 4 at a time. 20 or more (WALMART_FEED_MIN_SKUS, a resync):
 *   the bulk inventory feed (./feeds.ts) ✔, files of at most 5 MB (one for a 50,000-SKU catalogue),
 *   polled every 30 s (scaled ⚠) until PROCESSED or ERROR; when the counts show failed items, their errors are read
 *   page by page from includeDetails=true, so a refused SKU fails alone. reference = the feedId. Feeds are paced at
 *   10 an hour burst 10 ⚠ (429 with Retry-After is retried).
 * - refundReturn: a Walmart return is refunded by POST /v3/returns/{returnOrderId}/refund ✔ (returns-billing-routing
 *   A.2) {customerOrderId, refundLines [{returnOrderLineNumber, quantity}]}, the return read first (GET
 *   /v3/returns?returnOrderId=…) for its customer order id and the return lines of the purchase order's lines. Walmart
 *   refunds by units at its own prices ⚠: the OMS's amounts (fee, shipping) are not sent. Refunding more than was
 *   returned and not yet refunded is refused ⚠. findRefund: the same read, refunded when every unit the OMS refunds
 *   shows refunded (refundedQty). A return made in the OMS (not Walmart's) is refused for a person (the order-line
 *   refund is not built). The refund's reference is the return order id.
 * - testCredentials: fetching a token is the cheapest real call, then GET /v3/orders?limit=1.
 */
import { channelRefusal, mentions } from '../confirmation';
import { walmartIntentToCancel } from './normalize';
import type { HttpRequestFn } from '../../http/types';
import { ApiCaller } from '../../http/caller';
import { withRedaction } from '../../http/errors';
import { clientRetryPolicy } from '../../http/retry';
import { applyWalmartTokenHeaders, scaleRate, sharedLimiters, TokenBucket } from '../../http/limiters';
import { pollJob } from '../../http/poll';
import { sharedTokens } from '../../http/token-cache';
import { cursorAfter, startTime } from '../../http/cursor';
import type {
	CancelAnswerInput,
	CancelLineInput,
	CancelRequestInfo,
	CancelResult,
	ChannelClient,
	ClientOptions,
	ConfirmShipmentInput,
	ConfirmShipmentResult,
	ListOrdersOptions,
	ListOrdersResult,
	QuantityResult,
	QuantityUpdate,
	RateSpec,
	RefundInput,
	RefundResult,
	TestCredentialsResult,
	WalmartCredentials,
} from '../types';
import { WalmartAuth, walmartBaseUrl } from './auth';
import { inventoryFeedFiles, multipartFile, WALMART_FEED_DETAIL_PAGE } from './feeds';

export const WALMART_LIMITS: Record<string, RateSpec> = {
	getAllOrders: { ratePerSec: 1, burst: 20 },
	getOrder: { ratePerSec: 2, burst: 20 },
	acknowledge: { ratePerSec: 2, burst: 20 },
	shipping: { ratePerSec: 2, burst: 20 },
	cancel: { ratePerSec: 2, burst: 20 },
	updateInventory: { ratePerSec: 2, burst: 20 },
	// ✔ 10 calls an hour (cl-marketplace bulk inventory page); the burst of 10 ⚠
	bulkInventoryFeed: { ratePerSec: 10 / 3600, burst: 10 },
	getFeedStatus: { ratePerSec: 2, burst: 20 },
	getReturns: { ratePerSec: 2, burst: 20 },
	returnRefund: { ratePerSec: 2, burst: 20 },
};
/**
 * From this many SKUs a call goes through the bulk inventory feed. Fewer (what one sale, or a few sales pushed
 * together, change) take one PUT each: the burst of 20 at 2/s ⚠ applies them at once, where a feed takes minutes (up
 * to 30 ✔) and only 10 are allowed an hour ✔.
 */
export const WALMART_FEED_MIN_SKUS = 20;
/** A feed is polled at most every 30 s (from 2 s, doubling) and for at most an hour, unscaled ⚠ (Walmart: up to 30 minutes to process) */
export const WALMART_FEED_POLL_MS = 30_000;
export const WALMART_FEED_MAX_WAIT_MS = 60 * 60_000;
export const WALMART_MAX_PAGE = 200;
const okOr404 = (s: number) => (s >= 200 && s < 300) || s === 404;

/** Walmart carrier names (CarrierNameType ✔); others go as otherCarrier with the tracking URL. */
const CARRIERS = new Set(['UPS', 'USPS', 'FedEx', 'Airborne', 'OnTrac', 'DHL', 'LS', 'UDS', 'UPSMI', 'FDX', 'PILOT', 'ESTES', 'SAIA']);

export class WalmartClient implements ChannelClient {
	readonly channel = 'walmart' as const;

	get account(): string {
		return `walmart:${this.opts.credentialId ?? this.auth.key}`;
	}
	private readonly auth: WalmartAuth;
	private readonly caller: ApiCaller;
	/** public for the return intake (./returns.ts) */
	readonly base: string;
	private readonly buckets = new Map<string, TokenBucket>();

	constructor(
		c: WalmartCredentials,
		request: HttpRequestFn,
		readonly opts: ClientOptions = {},
	) {
		this.auth = new WalmartAuth(c, request, opts.tokens ?? sharedTokens);
		this.caller = new ApiCaller({ request, retry: clientRetryPolicy(opts), secrets: () => this.auth.secrets(), label: 'Walmart' });
		this.base = walmartBaseUrl(c);
		// whatever a method throws (GraphQL and user errors included) leaves without this client's secrets
		return withRedaction(this, () => this.caller.secrets());
	}

	get stats() {
		return this.caller.stats;
	}

	bucket(op: string): TokenBucket {
		let b = this.buckets.get(op);
		if (!b) {
			const spec = this.opts.limits?.[op] ?? WALMART_LIMITS[op] ?? { ratePerSec: 1, burst: 10 };
			b = (this.opts.limiters ?? sharedLimiters).bucket(
				`${this.account}:${op}`,
				() => new TokenBucket({ ratePerSec: scaleRate(spec.ratePerSec, this.opts.timeScale ?? 1), burst: spec.burst, clock: this.opts.clock }),
			);
			this.buckets.set(op, b);
		}
		return b;
	}

	/** `once`: a write that is not repeated after a transport failure (its outcome is then unknown; the outbox resolves it) (public: also the channel's return intake, ./returns.ts) */
	call<T>(
		op: string,
		method: 'GET' | 'POST' | 'PUT',
		url: string,
		qs?: Record<string, string | number | boolean | undefined>,
		body?: unknown,
		ok?: (s: number) => boolean,
		raw?: { contentType: string },
		once = false,
	) {
		const limiter = this.bucket(op);
		return this.caller.call<T>(
			{ method, url, qs, headers: raw ? { 'Content-Type': raw.contentType } : body !== undefined ? { 'Content-Type': 'application/json' } : {}, body, ...(raw ? { bodyType: 'raw' as const } : {}) },
			{
				what: op,
				auth: () => this.auth.headers(),
				onUnauthorized: () => this.auth.invalidate(),
				limiter,
				after: (r) => applyWalmartTokenHeaders(limiter, r.headers),
				ok,
				...(once ? { retryTransportErrors: false } : {}),
			},
		);
	}

	async listOrdersSince(cursor: string | null, opts: ListOrdersOptions = {}): Promise<ListOrdersResult> {
		const began = this.opts.now?.() ?? Date.now();
		const start = startTime(cursor, opts.lookbackFrom, began);
		const limit = Math.max(1, Math.min(WALMART_MAX_PAGE, opts.pageSize ?? WALMART_MAX_PAGE));
		const overlap = this.opts.cursorOverlapMs ?? 60_000;
		const all: unknown[] = [];
		let pages = 0;
		let nextCursor: string | undefined;
		for (;;) {
			const res = nextCursor
				? await this.call<WalmartList>('getAllOrders', 'GET', `${this.base}/v3/orders${nextCursor.startsWith('?') ? nextCursor : '?' + nextCursor}`, undefined, undefined, okOr404)
				: await this.call<WalmartList>('getAllOrders', 'GET', `${this.base}/v3/orders`, { lastModifiedStartDate: start, limit, productInfo: false }, undefined, okOr404);
			// Walmart answers "no orders" with 404 CONTENT_NOT_FOUND ⚠ rather than an empty list
			if (res.status === 404) res.body = { list: { meta: { totalCount: 0 }, elements: { order: [] } } };
			if (typeof res.body !== 'object' || res.body === null || !res.body.list) throw new Error(`Walmart orders: unexpected body (${this.caller.redact(String(res.body), 100)})`);
			const orders = res.body.list.elements?.order ?? [];
			pages++;
			all.push(...orders);
			nextCursor = res.body.list.meta?.nextCursor || undefined;
			const natural = !nextCursor || orders.length === 0;
			const truncated = !natural && opts.maxOrders !== undefined && all.length >= opts.maxOrders;
			const last = natural || truncated;
			// a listing cut short by maxOrders (a manual sample) keeps the start: unsorted pages may hold older changes
			const next = last && !truncated ? cursorAfter(began, start, overlap) : start;
			if (opts.onPage) await opts.onPage(orders, next);
			if (last) return { orders: all, cursor: next, pages };
		}
	}

	async getOrder(channelOrderId: string): Promise<unknown> {
		const res = await this.call<{ order?: unknown }>('getOrder', 'GET', `${this.base}/v3/orders/${encodeURIComponent(channelOrderId)}`);
		return res.body?.order ?? res.body;
	}

	async acknowledge(channelOrderId: string): Promise<CancelResult> {
		const res = await this.call('acknowledge', 'POST', `${this.base}/v3/orders/${encodeURIComponent(channelOrderId)}/acknowledge`);
		return { channelOrderId, status: res.status };
	}

	/** Whether the order shows a confirmation with this tracking number (lib/channels/confirmation.ts) */
	async findShipmentConfirmation(input: { channelOrderId: string; trackingNumber: string }): Promise<{ found: boolean }> {
		// each shipped line status carries its trackingInfo ✔
		return { found: mentions(await this.getOrder(input.channelOrderId), input.trackingNumber) };
	}

	async confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult> {
		const known = [...CARRIERS].find((c) => c.toLowerCase() === input.carrier.trim().toLowerCase());
		const body = {
			orderShipment: {
				orderLines: {
					orderLine: input.lines.map((l) => ({
						lineNumber: String(l.lineId),
						// true acknowledges a customer's intent to cancel: the seller ships anyway ✔ (ShippingLineType); set
						// from the order the OMS recorded (ConfirmShipmentInput.overrideCancelRequest), false otherwise
						intentToCancelOverride: input.overrideCancelRequest === true,
						orderLineStatuses: {
							orderLineStatus: [
								{
									status: 'Shipped',
									statusQuantity: { unitOfMeasurement: 'EACH', amount: String(l.quantity) },
									trackingInfo: {
										shipDateTime: new Date(input.shippedAt).getTime(),
										carrierName: known ? { carrier: known } : { otherCarrier: input.carrier },
										methodCode: input.shippingMethod ?? 'Standard',
										trackingNumber: input.trackingNumber,
										...(input.trackingUrl ? { trackingURL: input.trackingUrl } : {}),
									},
								},
							],
						},
					})),
				},
			},
		};
		const res = await this.call('shipping', 'POST', `${this.base}/v3/orders/${encodeURIComponent(input.channelOrderId)}/shipping`, undefined, body, undefined, undefined, true);
		return { channelOrderId: input.channelOrderId, status: res.status };
	}

	/** The Walmart return of a refund (its id without the `-<purchaseOrderId>` a return of several orders carries in the
	 * OMS) and its lines of this purchase order */
	private async walmartReturn(input: RefundInput): Promise<{ returnOrderId: string; customerOrderId: string; lines: Array<{ returnOrderLineNumber: number; po: string; quantity: number; refunded: number }> } | null> {
		const id = input.channelReturnId;
		if (!id) return null;
		const returnOrderId = id.endsWith(`-${input.channelOrderId}`) ? id.slice(0, -(input.channelOrderId.length + 1)) : id;
		const res = await this.call<{ returnOrders?: Array<Record<string, unknown>> }>('getReturns', 'GET', `${this.base}/v3/returns`, { returnOrderId });
		const r = (res.body?.returnOrders ?? []).find((x) => String(x.returnOrderId) === returnOrderId);
		if (!r) throw channelRefusal(`Walmart return ${returnOrderId} not found`, 'return not found', 404);
		const lines = ((r.returnOrderLines as Array<Record<string, unknown>> | undefined) ?? [])
			.filter((l) => l.purchaseOrderId === undefined || String(l.purchaseOrderId) === input.channelOrderId)
			.map((l) => ({
				returnOrderLineNumber: Number(l.returnOrderLineNumber),
				po: String(l.purchaseOrderLineNumber),
				quantity: Number((l.quantity as { measurementValue?: unknown } | undefined)?.measurementValue ?? 0),
				refunded: Number(l.refundedQty ?? 0),
			}));
		return { returnOrderId, customerOrderId: String(r.customerOrderId ?? ''), lines };
	}

	async refundReturn(input: RefundInput): Promise<RefundResult> {
		const r = await this.walmartReturn(input);
		if (!r) throw channelRefusal(`Walmart order ${input.channelOrderId}: return ${input.idempotencyKey} is not a Walmart return; refund it in Seller Center (the OMS refunds Walmart's own returns only)`, 'not a Walmart return', 422);
		// each OMS line's units over the return's lines of that purchase order line, units not refunded yet first
		const refundLines: Array<{ returnOrderLineNumber: number; quantity: { unitOfMeasure: string; measurementValue: number } }> = [];
		for (const l of input.lines) {
			let left = l.quantity;
			for (const rl of r.lines.filter((x) => x.po === l.lineId)) {
				const take = Math.min(left, rl.quantity - rl.refunded);
				if (take > 0) refundLines.push({ returnOrderLineNumber: rl.returnOrderLineNumber, quantity: { unitOfMeasure: 'EACH', measurementValue: take } });
				left -= Math.max(0, take);
			}
			if (left > 0) throw channelRefusal(`Walmart return ${r.returnOrderId}: ${left} unit(s) of purchase order line ${l.lineId} are not on the return or were refunded`, 'units not on the return', 422);
		}
		const res = await this.call('returnRefund', 'POST', `${this.base}/v3/returns/${encodeURIComponent(r.returnOrderId)}/refund`, undefined, { customerOrderId: r.customerOrderId, refundLines }, undefined, undefined, true);
		return { refundId: r.returnOrderId, status: res.status };
	}

	async findRefund(input: RefundInput): Promise<{ refundId: string | null } | null> {
		const r = await this.walmartReturn(input);
		if (!r) return null;
		const refunded = (lineId: string) => r.lines.filter((x) => x.po === lineId).reduce((t, x) => t + Math.min(x.refunded, x.quantity), 0);
		return input.lines.every((l) => refunded(l.lineId) >= l.quantity) ? { refundId: r.returnOrderId } : null;
	}

	async cancelLines(channelOrderId: string, lines: CancelLineInput[], reason = 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL'): Promise<CancelResult> {
		const body = {
			orderCancellation: {
				orderLines: {
					orderLine: lines.map((l) => ({
						lineNumber: String(l.lineId),
						orderLineStatuses: {
							orderLineStatus: [
								{
									status: 'Cancelled',
									cancellationReason: /^[A-Z_]+$/.test(reason) ? reason : 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL',
									statusQuantity: { unitOfMeasurement: 'EACH', amount: String(l.quantity) },
								},
							],
						},
					})),
				},
			},
		};
		const res = await this.call('cancel', 'POST', `${this.base}/v3/orders/${encodeURIComponent(channelOrderId)}/cancel`, undefined, body);
		return { channelOrderId, status: res.status };
	}

	async cancelOrder(channelOrderId: string, reason?: string): Promise<CancelResult> {
		const order = (await this.getOrder(channelOrderId)) as WalmartOrder;
		const lines = (order?.orderLines?.orderLine ?? []).map((l) => ({
			lineId: String(l.lineNumber),
			quantity: Number(l.orderLineQuantity?.amount ?? 1),
		}));
		if (!lines.length) throw channelRefusal(`Walmart order ${channelOrderId} has no lines to cancel`, 'no lines to cancel');
		return this.cancelLines(channelOrderId, lines, reason);
	}

	/**
	 * A customer's intent to cancel (a line's intentToCancel, normalize.ts) has no answer call: approving it is
	 * cancelling the lines still open (Created or Acknowledged) with reason CUSTOMER_REQUESTED_SELLER_TO_CANCEL ✔
	 * (cancel order lines: "Use this code if the customer requested the cancellation"). The OMS stopped the whole order at
	 * the warehouse, so every open line goes, not only those the customer named. Refusing it is shipping with
	 * intentToCancelOverride true (confirmShipment): no call here (capabilities.rejectCancelRequest false), so a reject
	 * is refused.
	 */
	async answerCancelRequest(input: CancelAnswerInput): Promise<CancelResult> {
		if (input.decision === 'reject') throw channelRefusal(`Walmart order ${input.channelOrderId}: Walmart has no call to refuse a customer's intent to cancel; shipping with intentToCancelOverride is the answer`, 'no reject call', 400);
		const lines = openLines((await this.getOrder(input.channelOrderId)) as WalmartOrder);
		if (!lines.length) throw channelRefusal(`Walmart order ${input.channelOrderId}: no open line left to cancel`, 'no open line left to cancel');
		return this.cancelLines(input.channelOrderId, lines, 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL');
	}

	/**
	 * The customer's intent to cancel as Walmart shows it now (getOrder): a line asked for still open -> requested; a
	 * line asked for and every such line Cancelled -> approved; asked for and shipped -> rejected; none asked -> null.
	 * Walmart gives the request no id: the purchase order id stands for it.
	 */
	async findCancelRequest(channelOrderId: string): Promise<CancelRequestInfo | null> {
		const order = (await this.getOrder(channelOrderId)) as WalmartOrder;
		const asked = (order?.orderLines?.orderLine ?? []).filter((l) => walmartIntentToCancel(l.intentToCancel));
		if (!asked.length) return null;
		const statuses = (l: WalmartLine) => (l.orderLineStatuses?.orderLineStatus ?? []).map((x) => String(x.status ?? '').toUpperCase());
		const state: CancelRequestInfo['state'] = asked.some((l) => statuses(l).some((x) => x === 'CREATED' || x === 'ACKNOWLEDGED'))
			? 'requested'
			: asked.every((l) => statuses(l).every((x) => x === 'CANCELLED'))
				? 'approved'
				: 'rejected';
		const reason = asked.flatMap((l) => (l.orderLineStatuses?.orderLineStatus ?? []).map((x) => x.cancellationReason)).find((r): r is string => typeof r === 'string' && r !== '') ?? null;
		return { id: channelOrderId, state, requestedAt: null, reason };
	}

	async setAvailableQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		if (new Set(items.map((i) => i.sku)).size >= WALMART_FEED_MIN_SKUS) return this.setQuantitiesByFeed(items);
		return this.putQuantities(items);
	}

	/** The bulk inventory feed: a file of at most 5 MB per feed, each SKU's result from the feed's item details */
	private async setQuantitiesByFeed(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		const last = new Map<string, QuantityUpdate>();
		for (const it of items) last.set(it.sku, it);
		const bySku = new Map<string, QuantityResult>();
		for (const file of inventoryFeedFiles([...last.values()])) {
			let feedId: string | undefined;
			const fail = (error: string, status?: number) =>
				file.items.forEach((it) => bySku.set(it.sku, { sku: it.sku, quantity: it.quantity, ok: false, ...(status ? { status } : {}), ...(feedId ? { reference: feedId } : {}), error }));
			try {
				const mp = multipartFile(file.json);
				const res = await this.call<{ feedId?: string }>('bulkInventoryFeed', 'POST', `${this.base}/v3/feeds`, { feedType: 'inventory' }, mp.body, undefined, { contentType: mp.contentType });
				feedId = res.body?.feedId;
				if (!feedId) throw new Error('Walmart inventory feed: no feedId in the answer');
				const st = await this.waitForFeed(feedId);
				if (st.feedStatus !== 'PROCESSED') {
					fail(`Walmart inventory feed ${feedId} ended ${st.feedStatus}: ${st.errors || 'no reason given'}`);
					continue;
				}
				const failed = st.itemsFailed > 0 || st.itemsSucceeded < file.items.length ? await this.failedItems(feedId, file.items.map((x) => x.sku)) : new Map<string, string>();
				file.items.forEach((it) => {
					const err = failed.get(it.sku);
					bySku.set(it.sku, { sku: it.sku, quantity: it.quantity, ok: !err, status: 200, reference: feedId, ...(err ? { error: err } : {}) });
				});
			} catch (err) {
				fail((err as Error).message, (err as { status?: number }).status);
			}
		}
		return items.map((it) => ({ ...(bySku.get(it.sku) as QuantityResult), quantity: it.quantity }));
	}

	/** Polls GET /v3/feeds/{feedId} until PROCESSED or ERROR (after 2 s, doubling to every 30 s, at most an hour, all scaled ⚠) */
	private waitForFeed(feedId: string): Promise<{ feedStatus: string; itemsFailed: number; itemsSucceeded: number; errors: string }> {
		return pollJob({
			what: `Walmart inventory feed ${feedId}`,
			clock: this.opts.clock,
			timeScale: this.opts.timeScale,
			maxIntervalMs: WALMART_FEED_POLL_MS,
			maxWaitMs: WALMART_FEED_MAX_WAIT_MS,
			check: async () => {
				const res = await this.call<FeedStatusBody>('getFeedStatus', 'GET', `${this.base}/v3/feeds/${encodeURIComponent(feedId)}`);
				const b = res.body ?? {};
				if (b.feedStatus !== 'PROCESSED' && b.feedStatus !== 'ERROR') return { done: false as const, status: b.feedStatus ?? 'unknown' };
				return {
					done: true as const,
					value: {
						feedStatus: b.feedStatus,
						itemsFailed: b.itemsFailed ?? 0,
						itemsSucceeded: b.itemsSucceeded ?? 0,
						errors: (b.ingestionErrors?.ingestionError ?? []).map((e) => `${e.code ?? ''} ${e.description ?? ''}`.trim()).join('; '),
					},
				};
			},
		});
	}

	/** The feed's items that did not succeed, by SKU (or by their index in the file), with their errors (includeDetails=true, paged) */
	private async failedItems(feedId: string, skus: string[]): Promise<Map<string, string>> {
		const failed = new Map<string, string>();
		for (let offset = 0; offset < skus.length; offset += WALMART_FEED_DETAIL_PAGE) {
			const res = await this.call<FeedStatusBody>('getFeedStatus', 'GET', `${this.base}/v3/feeds/${encodeURIComponent(feedId)}`, { includeDetails: 'true', offset, limit: WALMART_FEED_DETAIL_PAGE });
			const page = res.body?.itemDetails?.itemIngestionStatus ?? [];
			for (const it of page) {
				if (it.ingestionStatus === 'SUCCESS') continue;
				const sku = it.sku || (typeof it.index === 'number' ? skus[it.index] : undefined);
				if (!sku) continue;
				const why = (it.ingestionErrors?.ingestionError ?? []).map((e) => `${e.code ?? ''} ${e.description ?? ''}`.trim()).join('; ');
				failed.set(sku, why || String(it.ingestionStatus));
			}
			if (page.length < WALMART_FEED_DETAIL_PAGE) break;
		}
		return failed;
	}

	/** One PUT per SKU (a lone sale's quantity: applied at once, no feed to wait for) */
	private async putQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		const out: QuantityResult[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const i = next++;
				const it = items[i];
				try {
					const res = await this.call('updateInventory', 'PUT', `${this.base}/v3/inventory`, { sku: it.sku }, { sku: it.sku, quantity: { unit: 'EACH', amount: it.quantity } });
					out[i] = { sku: it.sku, quantity: it.quantity, ok: true, status: res.status };
				} catch (err) {
					out[i] = { sku: it.sku, quantity: it.quantity, ok: false, status: (err as { status?: number }).status, error: (err as Error).message };
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(4, items.length) }, worker));
		return out;
	}

	async testCredentials(): Promise<TestCredentialsResult> {
		try {
			const res = await this.call<WalmartList>('getAllOrders', 'GET', `${this.base}/v3/orders`, { limit: 1 });
			return { ok: true, message: `Connected; ${res.body?.list?.meta?.totalCount ?? 0} orders in the default window` };
		} catch (err) {
			return { ok: false, message: (err as Error).message };
		}
	}
}

interface WalmartLine {
	lineNumber?: string | number;
	orderLineQuantity?: { amount?: string | number };
	intentToCancel?: unknown;
	orderLineStatuses?: { orderLineStatus?: Array<{ status?: string; statusQuantity?: { amount?: string | number }; cancellationReason?: unknown }> };
}
interface WalmartOrder {
	purchaseOrderId?: string;
	orderLines?: { orderLine?: WalmartLine[] };
}

/** The lines with units still Created or Acknowledged, and those units */
function openLines(order: WalmartOrder): CancelLineInput[] {
	return (order?.orderLines?.orderLine ?? []).flatMap((l) => {
		const open = (l.orderLineStatuses?.orderLineStatus ?? []).filter((x) => ['CREATED', 'ACKNOWLEDGED'].includes(String(x.status ?? '').toUpperCase()));
		const units = open.reduce((n, x) => n + Number(x.statusQuantity?.amount ?? l.orderLineQuantity?.amount ?? 1), 0);
		return open.length && units > 0 ? [{ lineId: String(l.lineNumber), quantity: units }] : [];
	});
}
interface FeedStatusBody {
	feedStatus?: string;
	itemsSucceeded?: number;
	itemsFailed?: number;
	ingestionErrors?: { ingestionError?: Array<{ code?: string; description?: string }> };
	itemDetails?: { itemIngestionStatus?: Array<{ sku?: string; index?: number; ingestionStatus?: string; ingestionErrors?: { ingestionError?: Array<{ code?: string; description?: string }> } }> };
}
interface WalmartList {
	list?: { meta?: { totalCount?: number; limit?: number; nextCursor?: string | null }; elements?: { order?: WalmartOrder[] } };
}
