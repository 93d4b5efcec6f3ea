/**
 * Amazon SP-API client.
 *
 * - listOrdersSince: searchOrders GET /orders/2026-01-01/orders with lastUpdatedAfter, marketplaceIds,
 *   maxResultsPerPage (1-100) and includedData; next pages pass pagination.nextToken as paginationToken with every
 *   other parameter unchanged ✔ (docs/architecture.md#vendor-api-facts, Amazon). Array parameters are sent comma-separated ⚠ (as v0 does).
 *   Returns 2026-01-01 Order objects. The API does not promise an order, so the cursor can only move to the newest
 *   lastUpdatedTime seen minus a 2-minute overlap (the API treats the last 2 minutes as unsettled ✔) on the last
 *   page. Every earlier page's cursor is a resumable `v2:` cursor (./cursor.ts): the listing's lastUpdatedAfter, the
 *   pending nextToken and the newest update seen so far, so a poll stopped by its budget goes on with the next page
 *   (a backlog of any size is walked to the end over several polls). A token older than 23 h (Amazon: 24 h ✔), or
 *   one the API refuses with 400, restarts the listing from its lastUpdatedAfter (duplicates, never a gap). A plain
 *   ISO cursor (the only form before) is still read. A manual sample cut short by maxOrders keeps the start.
 * - Pacing per seller and operation (token buckets ✔ 2.6): searchOrders 0.0056 rps burst 20, getOrder 0.5/30,
 *   confirmShipment 2/10, patchListingsItem 5/5; `x-amzn-RateLimit-Limit` re-syncs the rate; a 429 drains the bucket.
 * - confirmShipment: POST /orders/v0/orders/{id}/shipmentConfirmation → 204 ✔ (2.5).
 * - setAvailableQuantities: fewer than 20 SKUs (a sale's, or a few coalesced sales'): one PATCH
 *   /listings/2021-08-01/items/{sellerId}/{sku} each, replacing /attributes/fulfillment_availability at the 5 rps
 *   budget ✔ (2.5). 20 or more (AMAZON_FEED_MIN_SKUS, a resync): the JSON_LISTINGS_FEED ✔
 *   (2.5; ./feeds.ts), up to 10,000 messages a feed ✔, all submitted, then each waited for (createFeed is 0.0083 rps
 *   burst 15 ✔): each
 *   SKU's result is read from the processing report (an ERROR issue on its messageId fails that SKU only; a FATAL
 *   or CANCELLED feed fails its SKUs with the feed's words). reference = the feedId.
 * - cancelOrder/cancelLines: SP-API has no cancel operation for MFN orders; a seller cancels through the order
 *   acknowledgement feed POST_ORDER_ACKNOWLEDGEMENT_DATA ✔ ("acknowledges or cancels an order", order feed type
 *   values) with StatusCode Failure ⚠ (OrderAcknowledgement.xsd through integrators' docs) and the items to cancel
 *   (AmazonOrderItemCode), each with a CancelReason (./feeds.ts amazonCancelReason; the reason lives on the items,
 *   so cancelOrder lists every item with unshipped units). The item carries no quantity ⚠: the order is read first
 *   and cancelLines refuses a line asked for fewer units than it has unshipped.
 *   Both wait for the feed and throw the processing report's error (e.g. the order has shipped) naming the order.
 * - refundReturn: the payment adjustment feed POST_PAYMENT_ADJUSTMENT_DATA ✔ (returns-billing-routing A.5; the
 *   OrderAdjustment message ⚠, ./feeds.ts paymentAdjustmentFeed): per refunded item Principal, Tax and RestockingFee,
 *   the order's shipping on the first item, the return shipping kept taken off the first item's Principal ⚠ (no
 *   component deducts it), MerchantAdjustmentItemID `<OMS return id>:<item>`; then the feed is waited for and its
 *   processing report read: an error result is a refusal with Amazon's words, except that every item's id being
 *   "already used" ⚠ (Amazon refuses a MerchantAdjustmentItemID twice) means an earlier attempt made the refund.
 *   findRefund has no cheap read ⚠ (the Finances events do not carry the seller's adjustment id) and says unknown
 *   (null): sending again is safe by those ids. The reference is the feed id.
 * - testCredentials: GET /sellers/v1/marketplaceParticipations (cheap, 0.016 rps burst 15 ⚠).
 */
import { channelRefusal, mentions } from '../confirmation';
import { createHash } from 'node:crypto';
import type { HttpRequestFn, HttpResponse } from '../../http/types';
import { ApiCaller } from '../../http/caller';
import { withRedaction } from '../../http/errors';
import { clientRetryPolicy } from '../../http/retry';
import { applyAmazonRateHeaders, scaleRate, sharedLimiters, TokenBucket } from '../../http/limiters';
import { pollJob } from '../../http/poll';
import { sharedTokens } from '../../http/token-cache';
import { cursorAfter, startTime, toMs } from '../../http/cursor';
import type {
	AmazonCredentials,
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
} from '../types';
import { AmazonAuth, amazonBaseUrl } from './auth';
import { normalizeAmazonOrder } from './normalize';
import { AMAZON_CURSOR_OVERLAP_MS, decodeAmazonCursor, encodeResume, RESUME_MAX_AGE_MS } from './cursor';
import {
	amazonCancelReason,
	type FeedStatus,
	LISTINGS_FEED_MAX_MESSAGES,
	listingsQuantityFeed,
	orderCancellationFeed,
	paymentAdjustmentFeed,
	type AdjustmentItem,
	readListingsReport,
	readXmlProcessingReport,
} from './feeds';

export const AMAZON_LIMITS: Record<string, RateSpec> = {
	searchOrders: { ratePerSec: 0.0056, burst: 20 },
	getOrder: { ratePerSec: 0.5, burst: 30 },
	confirmShipment: { ratePerSec: 2, burst: 10 },
	patchListingsItem: { ratePerSec: 5, burst: 5 },
	getMarketplaceParticipations: { ratePerSec: 0.016, burst: 15 },
	// ✔ feeds_2021-06-30.json
	createFeedDocument: { ratePerSec: 0.5, burst: 15 },
	createFeed: { ratePerSec: 0.0083, burst: 15 },
	getFeed: { ratePerSec: 2, burst: 15 },
	getFeedDocument: { ratePerSec: 0.0222, burst: 10 },
	// ✔ reports_2021-06-30.json (the return intake, ./returns.ts)
	createReport: { ratePerSec: 0.0167, burst: 15 },
	getReport: { ratePerSec: 2, burst: 15 },
	getReportDocument: { ratePerSec: 0.0167, burst: 15 },
};
/**
 * From this many SKUs a call goes through the listings feed. Fewer (what one sale, or a few sales pushed together,
 * change) take one PATCH each: 5 rps burst 5 puts 20 SKUs through in 3 s and applies them at once, where a feed
 * takes minutes to process and createFeed allows one every 2 minutes after a burst of 15 ✔.
 */
export const AMAZON_FEED_MIN_SKUS = 20;
/** A feed is polled at most every 30 s (from 2 s, doubling) and for at most an hour, unscaled ⚠ (Amazon documents no processing time; getFeed allows 2 rps) */
export const AMAZON_FEED_POLL_MS = 30_000;
export const AMAZON_FEED_MAX_WAIT_MS = 60 * 60_000;
export const AMAZON_MAX_PAGE = 100;
export const AMAZON_INCLUDED_DATA = ['BUYER', 'RECIPIENT', 'PROCEEDS', 'FULFILLMENT', 'CANCELLATION', 'PACKAGES'];

/** Amazon CarrierCode values for common carriers ✔ (ordersV0 CarrierCode examples); anything else is "Other" + carrierName. */
const CARRIERS: Record<string, string> = {
	ups: 'UPS', usps: 'USPS', fedex: 'FedEx', dhl: 'DHL', 'dhl express': 'DHL', ontrac: 'OnTrac', 'canada post': 'Canada Post',
	'royal mail': 'Royal Mail', dpd: 'DPD', gls: 'GLS', hermes: 'Hermes', evri: 'Evri', 'amazon shipping': 'Amazon Shipping',
};

type SearchOrdersBody = { orders?: Array<Record<string, unknown>>; pagination?: { nextToken?: string } };

export class AmazonClient implements ChannelClient {
	readonly channel = 'amazon' as const;

	get account(): string {
		return `amazon:${this.opts.credentialId ?? this.c.sellerId + ':' + this.auth.key}`;
	}
	private readonly auth: AmazonAuth;
	/** public for the return intake (./returns.ts: the report document's pre-signed URL) */
	readonly caller: ApiCaller;
	private readonly base: string;
	private readonly buckets = new Map<string, TokenBucket>();

	constructor(
		private readonly c: AmazonCredentials,
		request: HttpRequestFn,
		readonly opts: ClientOptions = {},
	) {
		if (!c.marketplaceIds?.length) throw new Error('Amazon credential needs at least one marketplace id');
		this.auth = new AmazonAuth(c, request, opts.tokens ?? sharedTokens);
		this.caller = new ApiCaller({
			request,
			retry: clientRetryPolicy(opts),
			secrets: () => this.auth.secrets(),
			label: 'Amazon',
		});
		this.base = amazonBaseUrl(c);
		// whatever a method throws (GraphQL and user errors included) leaves without this client's secrets
		return withRedaction(this, () => this.caller.secrets());
	}

	get stats() {
		return this.caller.stats;
	}

	/** The credential's marketplaces (the return intake's report asks for them) */
	get marketplaceIds(): string[] {
		return [...this.c.marketplaceIds];
	}

	bucket(op: string): TokenBucket {
		let b = this.buckets.get(op);
		if (!b) {
			const spec = this.opts.limits?.[op] ?? AMAZON_LIMITS[op] ?? { ratePerSec: 1, burst: 1 };
			const scale = this.opts.timeScale ?? 1;
			b = (this.opts.limiters ?? sharedLimiters).bucket(
				`${this.account}:${op}`,
				() => new TokenBucket({ ratePerSec: scaleRate(spec.ratePerSec, scale), burst: spec.burst, clock: this.opts.clock }),
			);
			this.buckets.set(op, b);
		}
		return b;
	}

	/** `once`: a write that is not repeated after a transport failure (its outcome is then unknown; the outbox resolves it) (public: also the channel's return intake, ./returns.ts) */
	call<T>(op: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, qs?: Record<string, string | number | undefined>, body?: unknown, ok?: (s: number) => boolean, once = false) {
		const limiter = this.bucket(op);
		return this.caller.call<T>(
			{
				method,
				url: `${this.base}${path}`,
				qs,
				headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
				body,
			},
			{
				what: op,
				auth: () => this.auth.headers(),
				onUnauthorized: () => this.auth.invalidate(),
				// SP-API answers an expired or revoked token with 403 "Unauthorized" ⚠ (as well as 401)
				isUnauthorized: (r) => r.status === 401 || (r.status === 403 && JSON.stringify(r.body ?? '').includes('Unauthorized')),
				limiter,
				after: (r) => applyAmazonRateHeaders(limiter, r.headers),
				ok,
				...(once ? { retryTransportErrors: false } : {}),
			},
		);
	}

	async listOrdersSince(cursor: string | null, opts: ListOrdersOptions = {}): Promise<ListOrdersResult> {
		const now = this.opts.now?.() ?? Date.now();
		const pageSize = Math.max(1, Math.min(AMAZON_MAX_PAGE, opts.pageSize ?? AMAZON_MAX_PAGE));
		const overlap = this.opts.cursorOverlapMs ?? AMAZON_CURSOR_OVERLAP_MS;
		const parsed = decodeAmazonCursor(cursor);
		// a resumable cursor: go on with its token unless it is close to its 24 h expiry (then restart from `after`)
		let resume = parsed?.kind === 'resume' && now - (toMs(parsed.at) as number) < RESUME_MAX_AGE_MS ? parsed : undefined;
		// the exact string the listing was started with: a token is only valid with identical parameters
		const start = parsed ? (parsed.kind === 'resume' ? parsed.after : startTime(parsed.after)) : startTime(null, opts.lookbackFrom, now);
		const params = {
			lastUpdatedAfter: start,
			marketplaceIds: this.c.marketplaceIds.join(','),
			maxResultsPerPage: pageSize,
			includedData: AMAZON_INCLUDED_DATA.join(','),
		};
		const all: unknown[] = [];
		let token: string | undefined = resume?.token;
		let maxUpdated: number | undefined = resume?.max ? toMs(resume.max) : undefined;
		let pages = 0;
		let restarted = false;
		for (;;) {
			const before = resume?.before;
			let res: HttpResponse<SearchOrdersBody>;
			try {
				res = await this.call<SearchOrdersBody>('searchOrders', 'GET', '/orders/2026-01-01/orders', {
					...params,
					...(before ? { lastUpdatedBefore: before } : {}),
					...(token ? { paginationToken: token } : {}),
				});
			} catch (err) {
				// the stored token was refused (expired, unknown, or the parameters no longer match, e.g. the credential's
				// marketplaces changed): 400 InvalidInput ✔. Restart the listing from its lastUpdatedAfter: the pages
				// listed by earlier polls come again (duplicates, which intake drops), never a gap.
				if (resume && pages === 0 && !restarted && (err as { status?: number }).status === 400) {
					restarted = true;
					resume = undefined;
					token = undefined;
					maxUpdated = undefined;
					continue;
				}
				throw err;
			}
			if (typeof res.body !== 'object' || !Array.isArray(res.body?.orders)) throw new Error(`Amazon searchOrders: unexpected body (${this.caller.redact(String(res.body), 100)})`);
			const orders = res.body.orders;
			pages++;
			for (const o of orders) {
				const t = toMs(o.lastUpdatedTime);
				if (t !== undefined && (maxUpdated === undefined || t > maxUpdated)) maxUpdated = t;
			}
			all.push(...orders);
			token = res.body.pagination?.nextToken;
			const truncated = !!token && opts.maxOrders !== undefined && all.length >= opts.maxOrders;
			const last = !token || truncated;
			let next: string;
			if (!token) next = cursorAfter(maxUpdated, start, overlap);
			// a listing cut short by maxOrders (a manual sample) keeps the start: unsorted pages may hold older changes
			else if (truncated) next = start;
			// not the last page: a cursor that resumes with the page after this one
			else
				next = encodeResume({
					after: start,
					token,
					at: new Date(this.opts.now?.() ?? Date.now()).toISOString(),
					...(maxUpdated !== undefined ? { max: new Date(maxUpdated).toISOString() } : {}),
					...(before ? { before } : {}),
				});
			if (opts.onPage) await opts.onPage(orders, next);
			if (last) return { orders: all, cursor: next, pages };
		}
	}

	async getOrder(channelOrderId: string): Promise<unknown> {
		const res = await this.call<{ order?: unknown }>('getOrder', 'GET', `/orders/2026-01-01/orders/${encodeURIComponent(channelOrderId)}`, {
			includedData: AMAZON_INCLUDED_DATA.join(','),
		});
		return res.body?.order ?? res.body;
	}

	/** Whether the order shows a confirmation with this tracking number (lib/channels/confirmation.ts) */
	async findShipmentConfirmation(input: { channelOrderId: string; trackingNumber: string }): Promise<{ found: boolean }> {
		// the order's packages (includedData PACKAGES) carry each confirmed package's tracking number ✔
		const order = (await this.getOrder(input.channelOrderId)) as { packages?: unknown } | null;
		return { found: mentions(order?.packages, input.trackingNumber) };
	}

	async confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult> {
		const code = CARRIERS[input.carrier.trim().toLowerCase()];
		const packageReferenceId = String((parseInt(createHash('sha1').update(input.trackingNumber).digest('hex').slice(0, 8), 16) % 1_000_000_000) + 1);
		const body = {
			marketplaceId: this.c.marketplaceIds[0],
			packageDetail: {
				packageReferenceId,
				carrierCode: code ?? 'Other',
				carrierName: input.carrier,
				...(input.shippingMethod ? { shippingMethod: input.shippingMethod } : {}),
				trackingNumber: input.trackingNumber,
				shipDate: new Date(input.shippedAt).toISOString(),
				orderItems: input.lines.map((l) => ({ orderItemId: l.lineId, quantity: l.quantity })),
			},
		};
		const res = await this.call('confirmShipment', 'POST', `/orders/v0/orders/${encodeURIComponent(input.channelOrderId)}/shipmentConfirmation`, undefined, body, undefined, true);
		return { channelOrderId: input.channelOrderId, status: res.status, reference: packageReferenceId };
	}

	async setAvailableQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		if (new Set(items.map((i) => i.sku)).size >= AMAZON_FEED_MIN_SKUS) return this.setQuantitiesByFeed(items);
		return this.patchQuantities(items);
	}

	/** One PATCH per SKU (a lone sale's quantity: accepted at once, no feed to wait for) */
	private async patchQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		const out: QuantityResult[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const i = next++;
				const it = items[i];
				try {
					const res = await this.call<{ sku?: string; status?: string; submissionId?: string; issues?: Array<{ message?: string; severity?: string }> }>(
						'patchListingsItem',
						'PATCH',
						`/listings/2021-08-01/items/${encodeURIComponent(this.c.sellerId)}/${encodeURIComponent(it.sku)}`,
						{ marketplaceIds: this.c.marketplaceIds.join(','), issueLocale: 'en_US' },
						{
							productType: this.c.productType ?? 'PRODUCT',
							patches: [
								{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: it.quantity }] },
							],
						},
					);
					const accepted = res.body?.status === 'ACCEPTED' || res.body?.status === 'VALID';
					out[i] = {
						sku: it.sku,
						quantity: it.quantity,
						ok: accepted,
						status: res.status,
						reference: res.body?.submissionId,
						...(accepted ? {} : { error: (res.body?.issues ?? []).map((x) => x.message).join('; ') || String(res.body?.status) }),
					};
				} catch (err) {
					out[i] = { sku: it.sku, quantity: it.quantity, ok: false, status: (err as { status?: number }).status, error: (err as Error).message };
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(5, items.length) }, worker));
		return out;
	}

	/**
	 * The JSON listings feed: 10,000 SKUs a feed, every feed submitted first and then waited for (Amazon processes
	 * them in turn ⚠, so waiting for each before sending the next would add its queue time again); each SKU's result
	 * from its feed's processing report. A SKU given twice keeps its last quantity (one message each would race).
	 */
	private async setQuantitiesByFeed(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		const last = new Map<string, QuantityUpdate>();
		for (const it of items) last.set(it.sku, it);
		const unique = [...last.values()];
		const bySku = new Map<string, QuantityResult>();
		const chunks: Array<{ items: QuantityUpdate[]; feedId?: string; error?: Error }> = [];
		for (let i = 0; i < unique.length; i += LISTINGS_FEED_MAX_MESSAGES) chunks.push({ items: unique.slice(i, i + LISTINGS_FEED_MAX_MESSAGES) });
		for (const ch of chunks)
			try {
				ch.feedId = await this.submitFeed('JSON_LISTINGS_FEED', 'application/json; charset=UTF-8', listingsQuantityFeed(this.c.sellerId, this.c.productType ?? 'PRODUCT', ch.items));
			} catch (err) {
				ch.error = err as Error;
			}
		for (const ch of chunks) {
			const feedId = ch.feedId;
			const fail = (error: string, status?: number) =>
				ch.items.forEach((it) => bySku.set(it.sku, { sku: it.sku, quantity: it.quantity, ok: false, ...(status ? { status } : {}), ...(feedId ? { reference: feedId } : {}), error }));
			try {
				if (!feedId) throw ch.error ?? new Error('Amazon listings feed: not submitted');
				const done = await this.waitForFeed(feedId);
				if (!done.resultFeedDocumentId) {
					fail(`Amazon listings feed ${feedId} ended ${done.processingStatus} without a processing report`);
					continue;
				}
				const report = readListingsReport(await this.readFeedDocument(done.resultFeedDocumentId));
				if (done.processingStatus !== 'DONE') {
					fail(`Amazon listings feed ${feedId} ended ${done.processingStatus}: ${report.feedErrors.join('; ') || 'no reason given'}`);
					continue;
				}
				ch.items.forEach((it, k) => {
					const err = report.errors.get(k + 1);
					bySku.set(it.sku, { sku: it.sku, quantity: it.quantity, ok: !err, status: 200, reference: feedId, ...(err ? { error: err } : {}) });
				});
			} catch (err) {
				fail((err as Error).message, (err as { status?: number }).status);
			}
		}
		return items.map((it) => ({ ...(bySku.get(it.sku) as QuantityResult), quantity: it.quantity }));
	}

	/** createFeedDocument, upload to its pre-signed URL, createFeed → the feedId ✔ */
	private async submitFeed(feedType: string, contentType: string, content: string): Promise<string> {
		const doc = await this.call<{ feedDocumentId?: string; url?: string }>('createFeedDocument', 'POST', '/feeds/2021-06-30/documents', undefined, { contentType });
		if (!doc.body?.feedDocumentId || !doc.body.url) throw new Error(`Amazon createFeedDocument: unexpected body (${this.caller.redact(JSON.stringify(doc.body ?? ''), 200)})`);
		// the URL is the credential (pre-signed S3): no SP-API token, the Content-Type it was signed for ✔
		await this.caller.call({ method: 'PUT', url: doc.body.url, headers: { 'Content-Type': contentType }, body: content, bodyType: 'raw' }, { what: 'uploadFeedDocument' });
		const feed = await this.call<{ feedId?: string }>('createFeed', 'POST', '/feeds/2021-06-30/feeds', undefined, {
			feedType,
			marketplaceIds: this.c.marketplaceIds,
			inputFeedDocumentId: doc.body.feedDocumentId,
		});
		if (!feed.body?.feedId) throw new Error(`Amazon createFeed ${feedType}: no feedId in the answer`);
		return feed.body.feedId;
	}

	/** Polls getFeed until DONE, FATAL or CANCELLED (after 2 s, doubling to every 30 s, at most an hour, all scaled ⚠) */
	private waitForFeed(feedId: string): Promise<{ processingStatus: FeedStatus; resultFeedDocumentId?: string }> {
		return pollJob({
			what: `Amazon feed ${feedId}`,
			clock: this.opts.clock,
			timeScale: this.opts.timeScale,
			maxIntervalMs: AMAZON_FEED_POLL_MS,
			maxWaitMs: AMAZON_FEED_MAX_WAIT_MS,
			check: async () => {
				const res = await this.call<{ processingStatus?: FeedStatus; resultFeedDocumentId?: string }>('getFeed', 'GET', `/feeds/2021-06-30/feeds/${encodeURIComponent(feedId)}`);
				const st = res.body?.processingStatus;
				return st === 'DONE' || st === 'FATAL' || st === 'CANCELLED'
					? { done: true as const, value: { processingStatus: st, resultFeedDocumentId: res.body?.resultFeedDocumentId } }
					: { done: false as const, status: st ?? 'unknown' };
			},
		});
	}

	/** getFeedDocument, then the document from its pre-signed URL (parsed JSON, or the text) */
	private async readFeedDocument(documentId: string): Promise<unknown> {
		const d = await this.call<{ url?: string }>('getFeedDocument', 'GET', `/feeds/2021-06-30/documents/${encodeURIComponent(documentId)}`);
		if (!d.body?.url) throw new Error(`Amazon getFeedDocument ${documentId}: no url`);
		const res = await this.caller.call<unknown>({ method: 'GET', url: d.body.url }, { what: 'downloadFeedDocument' });
		return res.body;
	}

	/**
	 * Cancels the whole order: the order acknowledgement feed with StatusCode Failure and every item that still has
	 * unshipped units, each with the CancelReason (the XSD carries the reason on the items only ⚠, so the order is read
	 * first; an order with nothing unshipped is refused before anything is sent).
	 */
	async cancelOrder(channelOrderId: string, reason?: string): Promise<CancelResult> {
		const items = (await this.orderItems(channelOrderId)).filter((it) => it.open > 0);
		if (!items.length) throw channelRefusal(`Amazon order ${channelOrderId}: no unshipped units to cancel`, 'no unshipped units to cancel');
		return this.cancelByFeed(channelOrderId, items, reason);
	}

	/**
	 * Cancels the listed items. An acknowledgement item names no quantity ⚠ (it cancels what is left of the item), so
	 * the order is read first: a line asked for fewer units than it has unshipped, or one the order does not have, is
	 * refused before anything is sent.
	 */
	async cancelLines(channelOrderId: string, lines: CancelLineInput[], reason?: string): Promise<CancelResult> {
		if (!lines.length) throw channelRefusal(`Amazon order ${channelOrderId}: no lines to cancel`, 'no lines to cancel', 400);
		const have = new Map((await this.orderItems(channelOrderId)).map((it) => [it.orderItemId, it]));
		const problems: string[] = [];
		for (const l of lines) {
			const it = have.get(l.lineId);
			if (!it) problems.push(`item ${l.lineId} is not in the order`);
			else if (it.open <= 0) problems.push(`item ${l.lineId} has no unshipped units`);
			else if (l.quantity !== it.open) problems.push(`item ${l.lineId}: Amazon cancels all ${it.open} unshipped units of an item, not ${l.quantity}`);
		}
		if (problems.length) throw channelRefusal(`Amazon order ${channelOrderId}: ${problems.join('; ')}`, problems.join('; '), 400);
		return this.cancelByFeed(channelOrderId, lines.map((l) => ({ orderItemId: l.lineId })), reason);
	}

	/** The order's items and their unshipped units (fulfillment.quantityUnfulfilled ✔ 2026-01-01) */
	private async orderItems(channelOrderId: string): Promise<Array<{ orderItemId: string; open: number }>> {
		const order = (await this.getOrder(channelOrderId)) as { orderItems?: Array<{ orderItemId?: string; quantityOrdered?: number; fulfillment?: { quantityUnfulfilled?: number } }> } | undefined;
		return (order?.orderItems ?? []).map((it) => ({ orderItemId: String(it.orderItemId), open: it.fulfillment?.quantityUnfulfilled ?? it.quantityOrdered ?? 0 }));
	}

	private async cancelByFeed(channelOrderId: string, items: Array<{ orderItemId: string }>, reason?: string): Promise<CancelResult> {
		const feedId = await this.submitFeed('POST_ORDER_ACKNOWLEDGEMENT_DATA', 'text/xml; charset=UTF-8', orderCancellationFeed(this.c.sellerId, channelOrderId, items, amazonCancelReason(reason)));
		const done = await this.waitForFeed(feedId);
		const report = done.resultFeedDocumentId ? readXmlProcessingReport(String(await this.readFeedDocument(done.resultFeedDocumentId))) : undefined;
		if (done.processingStatus !== 'DONE' || !report)
			throw new Error(`Amazon order ${channelOrderId}: cancellation feed ${feedId} ended ${done.processingStatus}${report?.errors.length ? `: ${report.errors.map((e) => e.description).join('; ')}` : ''}`);
		if (report.errors.length) {
			const words = report.errors.map((e) => `${e.code ?? ''} ${e.description}`.trim()).join('; ');
			throw channelRefusal(`Amazon order ${channelOrderId}: cancellation refused: ${words} (feed ${feedId})`, words, 400);
		}
		return { channelOrderId, status: 200, reference: feedId };
	}

	async refundReturn(input: RefundInput): Promise<RefundResult> {
		const items: AdjustmentItem[] = input.lines
			.map((l, i) => {
				const principal = l.amountMinor - (i === 0 ? input.returnShippingFeeMinor : 0);
				const components = [
					{ type: 'Principal', amountMinor: principal },
					...(l.taxMinor > 0 ? [{ type: 'Tax', amountMinor: l.taxMinor }] : []),
					...(i === 0 && input.shippingMinor > 0 ? [{ type: 'Shipping', amountMinor: input.shippingMinor }] : []),
					...(l.restockingFeeMinor > 0 ? [{ type: 'RestockingFee', amountMinor: l.restockingFeeMinor }] : []),
				];
				return { orderItemId: l.lineId, adjustmentId: `${input.idempotencyKey}:${l.lineId}`, components };
			})
			.filter((it) => it.components.some((c) => c.amountMinor > 0));
		if (items.some((it) => it.components.some((c) => c.amountMinor < 0))) {
			throw channelRefusal(`Amazon order ${input.channelOrderId}: the return shipping kept exceeds what return ${input.idempotencyKey} refunds of its first item`, 'negative adjustment', 422);
		}
		const feedId = await this.submitFeed('POST_PAYMENT_ADJUSTMENT_DATA', 'text/xml; charset=UTF-8', paymentAdjustmentFeed(this.c.sellerId, input.channelOrderId, input.currency, items));
		const done = await this.waitForFeed(feedId);
		const report = done.resultFeedDocumentId ? readXmlProcessingReport(String(await this.readFeedDocument(done.resultFeedDocumentId))) : undefined;
		if (done.processingStatus !== 'DONE' || !report) throw new Error(`Amazon order ${input.channelOrderId}: payment adjustment feed ${feedId} ended ${done.processingStatus}`);
		// an adjustment id already used: the refund an earlier attempt made (its answer lost) ⚠
		if (report.errors.length && !report.errors.every((e) => /MerchantAdjustmentItemID .* already used/i.test(e.description))) {
			const words = report.errors.map((e) => `${e.code ?? ''} ${e.description}`.trim()).join('; ');
			throw channelRefusal(`Amazon order ${input.channelOrderId}: refund of return ${input.idempotencyKey} refused: ${words} (feed ${feedId})`, words, 400);
		}
		return { refundId: feedId, status: 200 };
	}

	async findRefund(): Promise<{ refundId: string | null } | null> {
		return null;
	}

	/**
	 * A buyer's cancel request (IsBuyerRequestedCancel) has no answer call on Amazon: approving it is cancelling the
	 * order as the seller, reason BuyerCanceled ✔ (Seller Central: "select the cancelation reason as Buyer Canceled",
	 * which keeps it out of the seller's cancellation rate; the feed's value BuyerCanceled ⚠ OrderAcknowledgement.xsd),
	 * through the order acknowledgement feed (cancelOrder). There is nothing to send to refuse it: shipping the order is
	 * the answer (capabilities.rejectCancelRequest false: the OMS queues no reject), so a reject is refused here.
	 */
	async answerCancelRequest(input: CancelAnswerInput): Promise<CancelResult> {
		if (input.decision === 'reject') throw channelRefusal(`Amazon order ${input.channelOrderId}: Amazon has no call to refuse a buyer's cancel request; shipping the order is the answer`, 'no reject call', 400);
		return this.cancelOrder(input.channelOrderId, 'BuyerCanceled');
	}

	/**
	 * The order's buyer cancel request as Amazon shows it now (getOrder): cancelled -> approved; shipped -> rejected (it
	 * went out); an item still flagged (normalize.ts) -> requested; else none. Amazon gives a request no id: the order id
	 * stands for it.
	 */
	async findCancelRequest(channelOrderId: string): Promise<CancelRequestInfo | null> {
		const o = normalizeAmazonOrder(await this.getOrder(channelOrderId), { keepRaw: false });
		const state: CancelRequestInfo['state'] | null = o.readiness === 'cancelled' ? 'approved' : o.readiness === 'shipped' ? 'rejected' : o.cancelRequest ? 'requested' : null;
		return state ? { id: channelOrderId, state, requestedAt: o.cancelRequest?.requestedAt ?? null, reason: o.cancelRequest?.reason ?? null } : null;
	}

	async acknowledge(channelOrderId: string): Promise<CancelResult> {
		return { channelOrderId, status: 0 };
	}

	async testCredentials(): Promise<TestCredentialsResult> {
		try {
			const res = await this.call<{ payload?: unknown[] }>('getMarketplaceParticipations', 'GET', '/sellers/v1/marketplaceParticipations');
			return { ok: true, message: `Connected; ${Array.isArray(res.body?.payload) ? res.body.payload.length : 0} marketplace participations` };
		} catch (err) {
			return { ok: false, message: (err as Error).message };
		}
	}
}
