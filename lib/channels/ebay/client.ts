/**
 * eBay client (Sell Fulfillment v1, Sell Inventory v1).
 *
 * - listOrdersSince: GET /sell/fulfillment/v1/order?filter=lastmodifieddate:%5B<start>..%5D&limit=200&offset=N
 *   ✔ (docs/architecture.md#vendor-api-facts, eBay: the brackets percent-encoded; limit at most 200; offset paging with total/next).
 *   Returns getOrders Order objects. Cursor: the start until the last page, then the newest lastModifiedDate seen
 *   minus the overlap (offset paging over a changing set can shift orders between pages; the overlap and the
 *   idempotent intake make a re-read harmless).
 * - Pacing: eBay documents daily quotas, not a per-second rate ⚠; the client paces each operation with a bucket
 *   (default 5 rps burst 10 ⚠, override with opts.limits) and honours Retry-After on a 429.
 * - confirmShipment: POST /order/{orderId}/shipping_fulfillment → 201 + Location ✔ (3.5).
 * - setAvailableQuantities: POST /sell/inventory/v1/bulk_update_price_quantity, 25 requests a call ✔ (3.5),
 *   per-SKU statusCode in responses[].
 * - cancelOrder: Post-Order API POST /post-order/v2/cancellation {legacyOrderId, cancelReason} ⚠ (not in the
 *   reference; Authorization "IAF <token>" ⚠). cancelLines: eBay cancels whole orders only: throws.
 * - answerCancelRequest: a buyer's cancel request is answered, POST /post-order/v2/cancellation/{cancelId}/approve
 *   (no body; the order is cancelled and the buyer refunded) or /reject with {shipmentDate: {value}, trackingNumber}
 *   when it shipped, else {} ⚠ (eBay's Post-Order reference; the stored spec has paths only). Sent once per call.
 * - findCancelRequest: GET /post-order/v2/cancellation/search?legacy_order_id=… (the newest first) ⚠; the order list
 *   (getOrders) carries cancelState but an empty cancelRequests ✔ (3.5), so the cancelId is read here.
 * - refundReturn: an eBay return is refunded by Post-Order POST /post-order/v2/return/{returnId}/issue_refund ✔
 *   (returns-billing-routing A.3) with refundDetail {itemizedRefundDetail, totalAmount}: PURCHASE_PRICE (the lines'
 *   merchandise and tax, less the return shipping kept ⚠: the fee types have none for it), ORIGINAL_SHIPPING, and
 *   RESTOCKING_FEE negative, summing to the total; eBay refunds a return once (a second issue_refund is refused ⚠).
 *   findRefund: GET /post-order/v2/return/{returnId}, refunded when its summary shows an actual refund amount. A
 *   return made in the OMS (not eBay's) is refused for a person: the order refund (Fulfillment issue_refund) is not
 *   built. The refund's reference is the eBay return id (issue_refund answers only a status).
 * - testCredentials: GET /sell/fulfillment/v1/order?limit=1.
 */
import { channelRefusal, mentions } from '../confirmation';
import { minorText } from '../../order/money';
import type { HttpRequestFn } from '../../http/types';
import { ApiCaller } from '../../http/caller';
import { withRedaction } from '../../http/errors';
import { clientRetryPolicy } from '../../http/retry';
import { scaleRate, sharedLimiters, TokenBucket } from '../../http/limiters';
import { sharedTokens } from '../../http/token-cache';
import { cursorAfter, startTime, toMs } from '../../http/cursor';
import type {
	CancelAnswerInput,
	CancelRequestInfo,
	CancelResult,
	ChannelClient,
	ClientOptions,
	ConfirmShipmentInput,
	ConfirmShipmentResult,
	EbayCredentials,
	ListOrdersOptions,
	ListOrdersResult,
	QuantityResult,
	QuantityUpdate,
	RateSpec,
	RefundInput,
	RefundResult,
	TestCredentialsResult,
} from '../types';
import { EbayAuth, ebayBaseUrl } from './auth';

export const EBAY_LIMITS: Record<string, RateSpec> = {
	// ⚠ assumed: eBay publishes daily call quotas per API, not a rate; these keep a client polite.
	getOrders: { ratePerSec: 5, burst: 10 },
	getOrder: { ratePerSec: 5, burst: 10 },
	createShippingFulfillment: { ratePerSec: 5, burst: 10 },
	bulkUpdatePriceQuantity: { ratePerSec: 5, burst: 10 },
	cancellation: { ratePerSec: 5, burst: 10 },
};
export const EBAY_MAX_PAGE = 200;
export const EBAY_QTY_BATCH = 25;

/** eBay's filter grammar: [ ] { } | must be percent-encoded ✔; the time itself goes as is. */
export function ebayLastModifiedFilter(startIso: string): string {
	return `lastmodifieddate:%5B${startIso}..%5D`;
}

export class EbayClient implements ChannelClient {
	readonly channel = 'ebay' as const;

	get account(): string {
		return `ebay:${this.opts.credentialId ?? this.auth.key}`;
	}
	private readonly auth: EbayAuth;
	private readonly caller: ApiCaller;
	/** public for the return intake (./returns.ts) */
	readonly base: string;
	private readonly buckets = new Map<string, TokenBucket>();

	constructor(
		c: EbayCredentials,
		request: HttpRequestFn,
		readonly opts: ClientOptions = {},
	) {
		this.auth = new EbayAuth(c, request, opts.tokens ?? sharedTokens);
		this.caller = new ApiCaller({ request, retry: clientRetryPolicy(opts), secrets: () => this.auth.secrets(), label: 'eBay' });
		this.base = ebayBaseUrl(c);
		// whatever a method throws (GraphQL and user errors included) leaves without this client's secrets
		return withRedaction(this, () => this.caller.secrets());
	}

	get stats() {
		return this.caller.stats;
	}

	bucket(op: string): TokenBucket {
		let b = this.buckets.get(op);
		if (!b) {
			const spec = this.opts.limits?.[op] ?? EBAY_LIMITS[op] ?? { ratePerSec: 5, burst: 10 };
			b = (this.opts.limiters ?? sharedLimiters).bucket(
				`${this.account}:${op}`,
				() => new TokenBucket({ ratePerSec: scaleRate(spec.ratePerSec, this.opts.timeScale ?? 1), burst: spec.burst, clock: this.opts.clock }),
			);
			this.buckets.set(op, b);
		}
		return b;
	}

	/** `once`: a write that is not repeated after a transport failure (its outcome is then unknown; the outbox resolves it) (public: also the channel's return intake, ./returns.ts) */
	call<T>(op: string, method: 'GET' | 'POST', url: string, body?: unknown, extraHeaders: Record<string, string> = {}, authScheme = 'Bearer', once = false) {
		return this.caller.call<T>(
			{
				method,
				url,
				headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...extraHeaders },
				body,
			},
			{
				what: op,
				auth: async () => ({ Authorization: `${authScheme} ${await this.auth.token()}` }),
				onUnauthorized: () => this.auth.invalidate(),
				limiter: this.bucket(op),
				...(once ? { retryTransportErrors: false } : {}),
			},
		);
	}

	async listOrdersSince(cursor: string | null, opts: ListOrdersOptions = {}): Promise<ListOrdersResult> {
		const start = startTime(cursor, opts.lookbackFrom, this.opts.now?.() ?? Date.now());
		const limit = Math.max(1, Math.min(EBAY_MAX_PAGE, opts.pageSize ?? EBAY_MAX_PAGE));
		const overlap = this.opts.cursorOverlapMs ?? 60_000;
		const all: unknown[] = [];
		let offset = 0;
		let pages = 0;
		let maxUpdated: number | undefined;
		for (;;) {
			const url = `${this.base}/sell/fulfillment/v1/order?filter=${ebayLastModifiedFilter(start)}&limit=${limit}&offset=${offset}`;
			const res = await this.call<{ orders?: Array<Record<string, unknown>>; total?: number; next?: string }>('getOrders', 'GET', url);
			if (typeof res.body !== 'object' || res.body === null) throw new Error(`eBay getOrders: unexpected body (${this.caller.redact(String(res.body), 100)})`);
			const orders = res.body.orders ?? [];
			pages++;
			for (const o of orders) {
				const t = toMs(o.lastModifiedDate);
				if (t !== undefined && (maxUpdated === undefined || t > maxUpdated)) maxUpdated = t;
			}
			all.push(...orders);
			offset += orders.length;
			const total = Number(res.body.total ?? 0);
			const natural = orders.length === 0 || !res.body.next || offset >= total;
			const truncated = !natural && opts.maxOrders !== undefined && all.length >= opts.maxOrders;
			const last = natural || truncated;
			// a listing cut short by maxOrders (a manual sample) keeps the start: unsorted pages may hold older changes
			const next = last && !truncated ? cursorAfter(maxUpdated, start, overlap) : start;
			if (opts.onPage) await opts.onPage(orders, next);
			if (last) return { orders: all, cursor: next, pages };
		}
	}

	async getOrder(channelOrderId: string): Promise<unknown> {
		const res = await this.call('getOrder', 'GET', `${this.base}/sell/fulfillment/v1/order/${encodeURIComponent(channelOrderId)}`);
		return res.body;
	}

	/** Whether the order shows a confirmation with this tracking number (lib/channels/confirmation.ts) */
	async findShipmentConfirmation(input: { channelOrderId: string; trackingNumber: string }): Promise<{ found: boolean }> {
		// fulfillmentHrefs link each shipping fulfillment; its id is the tracking number ⚠ (eBay's examples show it so)
		const order = (await this.getOrder(input.channelOrderId)) as { fulfillmentHrefs?: unknown } | null;
		return { found: mentions(order?.fulfillmentHrefs, input.trackingNumber) };
	}

	async confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult> {
		const res = await this.call('createShippingFulfillment', 'POST', `${this.base}/sell/fulfillment/v1/order/${encodeURIComponent(input.channelOrderId)}/shipping_fulfillment`, {
			lineItems: input.lines.map((l) => ({ lineItemId: l.lineId, quantity: l.quantity })),
			shippedDate: new Date(input.shippedAt).toISOString(),
			shippingCarrierCode: input.carrier,
			trackingNumber: input.trackingNumber,
		}, {}, 'Bearer', true);
		const loc = res.headers['location'] ?? '';
		return { channelOrderId: input.channelOrderId, status: res.status, reference: loc.split('/').pop() || undefined };
	}

	async setAvailableQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		const out: QuantityResult[] = [];
		for (let i = 0; i < items.length; i += EBAY_QTY_BATCH) {
			const batch = items.slice(i, i + EBAY_QTY_BATCH);
			try {
				const res = await this.call<{ responses?: Array<{ sku?: string; offerId?: string; statusCode?: number; errors?: Array<{ message?: string }> }> }>(
					'bulkUpdatePriceQuantity',
					'POST',
					`${this.base}/sell/inventory/v1/bulk_update_price_quantity`,
					{ requests: batch.map((b) => ({ sku: b.sku, shipToLocationAvailability: { quantity: b.quantity } })) },
				);
				const bySku = new Map((res.body?.responses ?? []).map((r) => [r.sku, r]));
				for (const b of batch) {
					const r = bySku.get(b.sku);
					const ok = !!r && (r.statusCode ?? 200) >= 200 && (r.statusCode ?? 200) < 300;
					out.push({
						sku: b.sku,
						quantity: b.quantity,
						ok,
						status: r?.statusCode ?? res.status,
						reference: r?.offerId,
						...(ok ? {} : { error: r ? (r.errors ?? []).map((e) => e.message).join('; ') || `status ${r.statusCode}` : 'no response for this SKU' }),
					});
				}
			} catch (err) {
				for (const b of batch) out.push({ sku: b.sku, quantity: b.quantity, ok: false, status: (err as { status?: number }).status, error: (err as Error).message });
			}
		}
		return out;
	}

	async cancelOrder(channelOrderId: string, reason = 'OUT_OF_STOCK_OR_CANNOT_FULFILL'): Promise<CancelResult> {
		const res = await this.call<{ cancelId?: string | number }>(
			'cancellation',
			'POST',
			`${this.base}/post-order/v2/cancellation`,
			{ legacyOrderId: channelOrderId, cancelReason: /^[A-Z_]+$/.test(reason) ? reason : 'OUT_OF_STOCK_OR_CANNOT_FULFILL' },
			{},
			'IAF',
		);
		return { channelOrderId, status: res.status, reference: res.body?.cancelId !== undefined ? String(res.body.cancelId) : undefined };
	}

	async answerCancelRequest(input: CancelAnswerInput): Promise<CancelResult> {
		const id = String(input.requestId ?? '').trim();
		if (!id) throw channelRefusal(`eBay order ${input.channelOrderId}: no cancel request id to ${input.decision}`, 'no cancel request id', 400);
		if (input.decision !== 'approve' && input.decision !== 'reject') throw channelRefusal(`eBay order ${input.channelOrderId}: decision must be approve or reject, got ${JSON.stringify(input.decision)}`, 'bad decision', 400);
		let body: Record<string, unknown> | undefined;
		if (input.decision === 'reject') {
			body = {};
			if (input.shippedAt) {
				const t = Date.parse(input.shippedAt);
				if (Number.isNaN(t)) throw channelRefusal(`eBay order ${input.channelOrderId}: shippedAt ${JSON.stringify(input.shippedAt)} is not a date`, 'shippedAt is not a date', 400);
				body.shipmentDate = { value: new Date(t).toISOString() };
			}
			if (input.trackingNumber?.trim()) body.trackingNumber = input.trackingNumber.trim();
		}
		const res = await this.call('cancellation', 'POST', `${this.base}/post-order/v2/cancellation/${encodeURIComponent(id)}/${input.decision}`, body, {}, 'IAF', true);
		return { channelOrderId: input.channelOrderId, status: res.status, reference: id };
	}

	async findCancelRequest(channelOrderId: string): Promise<CancelRequestInfo | null> {
		const res = await this.call<{ cancellations?: Array<Record<string, unknown>> }>(
			'cancellation',
			'GET',
			`${this.base}/post-order/v2/cancellation/search?legacy_order_id=${encodeURIComponent(channelOrderId)}&limit=10`,
			undefined,
			{},
			'IAF',
		);
		const all = (res.body?.cancellations ?? []).filter((c) => String(c.legacyOrderId ?? channelOrderId) === channelOrderId && c.cancelId !== undefined);
		const date = (c: Record<string, unknown>) => {
			const v = (c.cancelRequestDate as { value?: unknown } | undefined)?.value;
			return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null;
		};
		all.sort((a, b) => (date(b) ?? '').localeCompare(date(a) ?? ''));
		const c = all[0];
		if (!c) return null;
		const status = String(c.cancelStatus ?? '');
		const state: CancelRequestInfo['state'] =
			c.cancelState === 'CANCEL_REQUESTED' || status === 'CANCEL_REQUESTED' || status === 'CANCEL_PENDING'
				? 'requested'
				: status === 'CANCEL_REJECTED'
					? 'rejected'
					: status.startsWith('CANCEL_CLOSED_WITH_REFUND') || status === 'CANCEL_CLOSED_UNKNOWN_REFUND' || status === 'CANCEL_CLOSED_NO_REFUND'
						? 'approved'
						: 'closed';
		return { id: String(c.cancelId), state, requestedAt: date(c), reason: typeof c.cancelReason === 'string' ? c.cancelReason : null };
	}

	async refundReturn(input: RefundInput): Promise<RefundResult> {
		const id = input.channelReturnId;
		if (!id) throw channelRefusal(`eBay order ${input.channelOrderId}: return ${input.idempotencyKey} is not an eBay return; refund it in Seller Hub (the OMS refunds eBay's own returns only)`, 'not an eBay return', 422);
		const cur = input.currency;
		const amount = (minor: number) => ({ value: minorText(minor, cur), currency: cur });
		const sum = (f: (l: RefundInput['lines'][number]) => number) => input.lines.reduce((t, l) => t + f(l), 0);
		const purchase = sum((l) => l.amountMinor + l.taxMinor) - input.returnShippingFeeMinor;
		const fee = sum((l) => l.restockingFeeMinor);
		const itemizedRefundDetail = [
			{ refundFeeType: 'PURCHASE_PRICE', refundAmount: amount(purchase) },
			...(input.shippingMinor > 0 ? [{ refundFeeType: 'ORIGINAL_SHIPPING', refundAmount: amount(input.shippingMinor) }] : []),
			...(fee > 0 ? [{ refundFeeType: 'RESTOCKING_FEE', refundAmount: amount(-fee) }] : []),
		];
		const res = await this.call<{ refundStatus?: string }>(
			'returnRefund',
			'POST',
			`${this.base}/post-order/v2/return/${encodeURIComponent(id)}/issue_refund`,
			{ refundDetail: { itemizedRefundDetail, totalAmount: amount(input.totalMinor) }, comments: { content: input.reason.slice(0, 100) } },
			{},
			'IAF',
			true,
		);
		return { refundId: id, status: res.status };
	}

	async findRefund(input: RefundInput): Promise<{ refundId: string | null } | null> {
		const id = input.channelReturnId;
		if (!id) return null;
		const res = await this.call<{ summary?: { sellerTotalRefund?: { actualRefundAmount?: unknown } } }>('returnSearch', 'GET', `${this.base}/post-order/v2/return/${encodeURIComponent(id)}`, undefined, {}, 'IAF');
		return res.body?.summary?.sellerTotalRefund?.actualRefundAmount ? { refundId: id } : null;
	}

	async cancelLines(channelOrderId: string): Promise<CancelResult> {
		throw channelRefusal(`eBay order ${channelOrderId}: eBay cancels whole orders only; use Cancel Order`, 'whole orders only', 400);
	}

	async acknowledge(channelOrderId: string): Promise<CancelResult> {
		return { channelOrderId, status: 0 };
	}

	async testCredentials(): Promise<TestCredentialsResult> {
		try {
			const res = await this.call<{ total?: number }>('getOrders', 'GET', `${this.base}/sell/fulfillment/v1/order?limit=1`);
			return { ok: true, message: `Connected; ${res.body?.total ?? 0} orders visible` };
		} catch (err) {
			return { ok: false, message: (err as Error).message };
		}
	}
}
