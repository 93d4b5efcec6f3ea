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
 * - setAvailableQuantities: PATCH /listings/2021-08-01/items/{sellerId}/{sku} replacing
 *   /attributes/fulfillment_availability, one SKU per call at the 5 rps budget ✔ (2.5).
 * - cancelOrder/cancelLines: SP-API has no cancel call; sellers cancel through the order-acknowledgement feed ⚠,
 *   which this client does not implement: both throw a clear error.
 * - testCredentials: GET /sellers/v1/marketplaceParticipations (cheap, 0.016 rps burst 15 ⚠).
 */
import { mentions } from '../confirmation';
import { createHash } from 'node:crypto';
import type { HttpRequestFn, HttpResponse } from '../../http/types';
import { ApiCaller } from '../../http/caller';
import { withRedaction } from '../../http/errors';
import { clientRetryPolicy } from '../../http/retry';
import { applyAmazonRateHeaders, scaleRate, sharedLimiters, TokenBucket } from '../../http/limiters';
import { sharedTokens } from '../../http/token-cache';
import { cursorAfter, startTime, toMs } from '../../http/cursor';
import type {
	AmazonCredentials,
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
	TestCredentialsResult,
} from '../types';
import { AmazonAuth, amazonBaseUrl } from './auth';
import { AMAZON_CURSOR_OVERLAP_MS, decodeAmazonCursor, encodeResume, RESUME_MAX_AGE_MS } from './cursor';

export const AMAZON_LIMITS: Record<string, RateSpec> = {
	searchOrders: { ratePerSec: 0.0056, burst: 20 },
	getOrder: { ratePerSec: 0.5, burst: 30 },
	confirmShipment: { ratePerSec: 2, burst: 10 },
	patchListingsItem: { ratePerSec: 5, burst: 5 },
	getMarketplaceParticipations: { ratePerSec: 0.016, burst: 15 },
};
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
	private readonly caller: ApiCaller;
	private readonly base: string;
	private readonly buckets = new Map<string, TokenBucket>();

	constructor(
		private readonly c: AmazonCredentials,
		request: HttpRequestFn,
		private readonly opts: ClientOptions = {},
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

	/** `once`: a write that is not repeated after a transport failure (its outcome is then unknown; the outbox resolves it) */
	private call<T>(op: string, method: 'GET' | 'POST' | 'PATCH', path: string, qs?: Record<string, string | number | undefined>, body?: unknown, ok?: (s: number) => boolean, once = false) {
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

	async cancelOrder(channelOrderId: string): Promise<CancelResult> {
		throw new Error(`Amazon order ${channelOrderId}: SP-API has no cancel call; cancel in Seller Central or through the order acknowledgement feed (not supported here)`);
	}

	async cancelLines(channelOrderId: string): Promise<CancelResult> {
		return this.cancelOrder(channelOrderId);
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
