/**
 * WooCommerce REST v3 client.
 *
 * - listOrdersSince: GET /wp-json/wc/v3/orders?modified_after=<gmt>&dates_are_gmt=true&per_page=100&page=N
 *   &orderby=modified&order=asc ✔ (docs/architecture.md#vendor-api-facts, WooCommerce; orderby=modified ⚠, WC 8+), pages to X-WP-TotalPages.
 *   Returns v3 Order objects. Cursor = min(newest date_modified_gmt seen, the time the listing began) minus the
 *   overlap: an order edited during the listing moves to the end of the sort and can push another one across a
 *   page boundary; that one was modified before the listing began, so it is re-read next time.
 * - Pacing: core WooCommerce has no rate limit ⚠ (hosts/WAFs may); a bucket is used only if opts.limits.rest is
 *   given; 429/5xx are retried honouring Retry-After.
 * - confirmShipment: Shipment Tracking extension POST /wp-json/wc-shipment-tracking/v3/orders/{id}/shipment-trackings
 *   (201, tracking_id ✔ 4.5) unless credentials.shipmentTracking === false (then an order note), then
 *   PUT /orders/{id} {"status":"completed"}.
 * - setAvailableQuantities: GET /products?sku=a,b,… (per_page 100) then POST /products/batch {"update":[{id,
 *   manage_stock:true, stock_quantity}]} in batches of 100 ✔. Variations are not looked up ⚠.
 * - cancelOrder: PUT /orders/{id} {"status":"cancelled"}. cancelLines: core has no line cancellation (only
 *   refunds): throws.
 * - refundReturn: POST /orders/{id}/refunds ✔ with amount (the whole refund), reason, line_items [{ id, quantity,
 *   refund_total, refund_tax }], api_refund true (the gateway moves the money) and api_restock false (the WMS owns the
 *   stock), and meta_data `_oms_return_id` (the OMS return): WooCommerce has no idempotency key, so findRefund
 *   (GET /orders/{id}/refunds, paged) finds the refund again by that meta after a lost answer, and the return intake
 *   (./returns.ts) skips the OMS's own refunds. refund_tax entries carry no tax rate id ⚠ (the OMS does not keep it).
 *   A refusal (400 invalid refund, 500 cannot create refund: more than is left, a gateway that declines) creates
 *   nothing ✔ and is a refusal with WooCommerce's words.
 * - testCredentials: GET /orders?per_page=1.
 */
import { channelRefusal, mentions } from '../confirmation';
import { minorText } from '../../order/money';
import type { HttpRequestFn } from '../../http/types';
import { ApiCaller } from '../../http/caller';
import { withRedaction } from '../../http/errors';
import { clientRetryPolicy } from '../../http/retry';
import { scaleRate, sharedLimiters, TokenBucket } from '../../http/limiters';
import { credentialKey } from '../../http/token-cache';
import { cursorAfter, startTime, toMs } from '../../http/cursor';
import type {
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
	TestCredentialsResult,
	WooCommerceCredentials,
} from '../types';
import { wooAuth, wooBaseUrl, wooSecrets } from './auth';

export const WOO_MAX_PAGE = 100;
export const WOO_BATCH = 100;
/** The refund meta naming the OMS return a refund was made for (the OMS's own refunds: found again, never a new return) */
export const OMS_RETURN_META = '_oms_return_id';

/** Woo wants zone-less timestamps when dates_are_gmt=true. */
function wooGmt(iso: string): string {
	return new Date(iso).toISOString().slice(0, 19);
}

export class WooCommerceClient implements ChannelClient {
	readonly channel = 'woocommerce' as const;

	get account(): string {
		return `woocommerce:${this.opts.credentialId ?? credentialKey(this.c.storeUrl, this.c.consumerKey)}`;
	}
	private readonly caller: ApiCaller;
	private readonly api: string;
	private readonly bucket?: TokenBucket;

	constructor(
		private readonly c: WooCommerceCredentials,
		request: HttpRequestFn,
		readonly opts: ClientOptions = {},
	) {
		this.caller = new ApiCaller({ request, retry: clientRetryPolicy(opts), secrets: () => wooSecrets(c), label: 'WooCommerce' });
		this.api = `${wooBaseUrl(c)}/wp-json`;
		const lim = opts.limits?.rest;
		if (lim)
			this.bucket = (opts.limiters ?? sharedLimiters).bucket(
				`${this.account}:rest`,
				() => new TokenBucket({ ratePerSec: scaleRate(lim.ratePerSec, opts.timeScale ?? 1), burst: lim.burst, clock: opts.clock }),
			);
		// whatever a method throws (GraphQL and user errors included) leaves without this client's secrets
		return withRedaction(this, () => this.caller.secrets());
	}

	get stats() {
		return this.caller.stats;
	}

	/** `once`: a write that is not repeated after a transport failure (its outcome is then unknown; the outbox resolves it) (public: also the channel's return intake, ./returns.ts) */
	call<T>(method: 'GET' | 'POST' | 'PUT', path: string, qs?: Record<string, string | number | boolean | undefined>, body?: unknown, what?: string, once = false) {
		const a = wooAuth(this.c);
		return this.caller.call<T>(
			{
				method,
				url: `${this.api}${path}`,
				qs: { ...qs, ...a.qs },
				headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...a.headers },
				body,
			},
			{ what, limiter: this.bucket, ...(once ? { retryTransportErrors: false } : {}) },
		);
	}

	async listOrdersSince(cursor: string | null, opts: ListOrdersOptions = {}): Promise<ListOrdersResult> {
		const began = this.opts.now?.() ?? Date.now();
		const start = startTime(cursor, opts.lookbackFrom, began);
		const perPage = Math.max(1, Math.min(WOO_MAX_PAGE, opts.pageSize ?? WOO_MAX_PAGE));
		const overlap = this.opts.cursorOverlapMs ?? 60_000;
		const all: unknown[] = [];
		let maxUpdated: number | undefined;
		let pages = 0;
		for (let page = 1; ; page++) {
			const res = await this.call<Array<Record<string, unknown>>>(
				'GET',
				'/wc/v3/orders',
				{ modified_after: wooGmt(start), dates_are_gmt: true, per_page: perPage, page, orderby: 'modified', order: 'asc' },
				undefined,
				'list orders',
			);
			if (!Array.isArray(res.body)) throw new Error(`WooCommerce orders: unexpected body (${this.caller.redact(String(res.body), 100)})`);
			pages++;
			for (const o of res.body) {
				const t = toMs(o.date_modified_gmt);
				if (t !== undefined && (maxUpdated === undefined || t > maxUpdated)) maxUpdated = t;
			}
			all.push(...res.body);
			const totalPages = Number(res.headers['x-wp-totalpages'] ?? 1);
			const next = cursorAfter(maxUpdated === undefined ? undefined : Math.min(maxUpdated, began), start, overlap);
			if (opts.onPage) await opts.onPage(res.body, next);
			if (page >= totalPages || res.body.length === 0 || (opts.maxOrders !== undefined && all.length >= opts.maxOrders))
				return { orders: all, cursor: next, pages };
		}
	}

	async getOrder(channelOrderId: string): Promise<unknown> {
		return (await this.call('GET', `/wc/v3/orders/${encodeURIComponent(channelOrderId)}`, undefined, undefined, 'get order')).body;
	}

	/** Whether the order shows a confirmation with this tracking number (lib/channels/confirmation.ts) */
	async findShipmentConfirmation(input: { channelOrderId: string; trackingNumber: string }): Promise<{ found: boolean }> {
		// the order's tracking items (Shipment Tracking ✔), or its notes where the extension is not used
		const id = encodeURIComponent(input.channelOrderId);
		const res =
			this.c.shipmentTracking !== false
				? await this.call('GET', `/wc-shipment-tracking/v3/orders/${id}/shipment-trackings`, undefined, undefined, 'get trackings')
				: await this.call('GET', `/wc/v3/orders/${id}/notes`, undefined, undefined, 'get notes');
		return { found: mentions(res.body, input.trackingNumber) };
	}

	async confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult> {
		const id = encodeURIComponent(input.channelOrderId);
		// WooCommerce refuses nothing here: it would add the tracking to an order cancelled or refunded in the store and
		// mark it completed. Such an order cannot be confirmed: read first, and refuse it for good with its status
		const status = String(((await this.getOrder(input.channelOrderId)) as { status?: unknown } | null)?.status ?? '');
		if (['cancelled', 'refunded', 'failed', 'trash'].includes(status)) {
			throw channelRefusal(`WooCommerce order ${input.channelOrderId} is ${status}: a shipment cannot be confirmed on it`, `order status ${status}`, 409);
		}
		let reference: string | undefined;
		if (this.c.shipmentTracking !== false) {
			const body: Record<string, unknown> = {
				tracking_number: input.trackingNumber,
				date_shipped: new Date(input.shippedAt).toISOString().slice(0, 10),
			};
			if (input.trackingUrl) {
				body.custom_tracking_provider = input.carrier;
				body.custom_tracking_link = input.trackingUrl;
			} else body.tracking_provider = input.carrier;
			const res = await this.call<{ tracking_id?: string }>('POST', `/wc-shipment-tracking/v3/orders/${id}/shipment-trackings`, undefined, body, 'add tracking', true);
			reference = res.body?.tracking_id;
		} else {
			await this.call('POST', `/wc/v3/orders/${id}/notes`, undefined, {
				note: `Shipped with ${input.carrier}, tracking ${input.trackingNumber}${input.trackingUrl ? ` (${input.trackingUrl})` : ''}`,
				customer_note: true,
			}, 'add note', true);
		}
		const res = await this.call('PUT', `/wc/v3/orders/${id}`, undefined, { status: 'completed' }, 'complete order');
		return { channelOrderId: input.channelOrderId, status: res.status, reference };
	}

	async setAvailableQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]> {
		const ids = new Map<string, number>();
		const skus = [...new Set(items.map((i) => i.sku))];
		for (let i = 0; i < skus.length; i += WOO_MAX_PAGE) {
			const chunk = skus.slice(i, i + WOO_MAX_PAGE);
			const res = await this.call<Array<{ id: number; sku: string }>>('GET', '/wc/v3/products', { sku: chunk.join(','), per_page: WOO_MAX_PAGE }, undefined, 'find products');
			for (const p of Array.isArray(res.body) ? res.body : []) if (chunk.includes(p.sku)) ids.set(p.sku, p.id);
		}
		const results = new Map<string, QuantityResult>();
		const known = items.filter((i) => {
			if (ids.has(i.sku)) return true;
			results.set(i.sku, { sku: i.sku, quantity: i.quantity, ok: false, error: 'SKU not found on WooCommerce' });
			return false;
		});
		for (let i = 0; i < known.length; i += WOO_BATCH) {
			const batch = known.slice(i, i + WOO_BATCH);
			try {
				const res = await this.call<{ update?: Array<{ id: number; sku?: string; stock_quantity?: number; error?: { message?: string } }> }>(
					'POST',
					'/wc/v3/products/batch',
					undefined,
					{ update: batch.map((b) => ({ id: ids.get(b.sku), manage_stock: true, stock_quantity: b.quantity })) },
					'batch update products',
				);
				const byId = new Map((res.body?.update ?? []).map((u) => [u.id, u]));
				for (const b of batch) {
					const u = byId.get(ids.get(b.sku) as number);
					const ok = !!u && !u.error;
					results.set(b.sku, { sku: b.sku, quantity: b.quantity, ok, status: res.status, reference: String(ids.get(b.sku)), ...(ok ? {} : { error: u?.error?.message ?? 'no result for this product' }) });
				}
			} catch (err) {
				for (const b of batch) results.set(b.sku, { sku: b.sku, quantity: b.quantity, ok: false, status: (err as { status?: number }).status, error: (err as Error).message });
			}
		}
		return items.map((i) => results.get(i.sku) as QuantityResult);
	}

	async refundReturn(input: RefundInput): Promise<RefundResult> {
		const cur = input.currency;
		const body = {
			amount: minorText(input.totalMinor, cur),
			reason: input.reason,
			api_refund: true,
			api_restock: false,
			line_items: input.lines.map((l) => ({
				id: l.lineId,
				quantity: l.quantity,
				refund_total: minorText(Math.max(0, l.amountMinor - l.restockingFeeMinor), cur),
				...(l.taxMinor > 0 ? { refund_tax: [{ refund_total: minorText(l.taxMinor, cur) }] } : {}),
			})),
			meta_data: [{ key: OMS_RETURN_META, value: input.idempotencyKey }],
		};
		let res: { status: number; body: { id?: unknown } | null };
		try {
			res = await this.call<{ id?: unknown }>('POST', `/wc/v3/orders/${encodeURIComponent(input.channelOrderId)}/refunds`, undefined, body, 'create refund', true);
		} catch (err) {
			// WooCommerce answers a refund it will not make with 400 or 500 and its reason; a 500 of that kind created
			// nothing ✔ and would be refused again: refused for good, with its words (other 5xx stay retryable)
			const e = err as { status?: number; vendorMessage?: string | null; bodySnippet?: string | null; message?: string };
			if (e.status && /woocommerce_rest_(cannot_create|invalid)_order_refund/.test(`${e.bodySnippet ?? ''} ${e.message ?? ''}`)) {
				throw channelRefusal(`WooCommerce refund of order ${input.channelOrderId} for return ${input.idempotencyKey}: ${e.vendorMessage ?? e.message}`, e.vendorMessage ?? null, e.status);
			}
			throw err;
		}
		return { refundId: res.body?.id === undefined || res.body?.id === null ? null : String(res.body.id), status: res.status };
	}

	async findRefund(input: RefundInput): Promise<{ refundId: string | null } | null> {
		for (let page = 1; ; page++) {
			const res = await this.call<Array<{ id?: unknown; meta_data?: Array<{ key?: unknown; value?: unknown }> }>>(
				'GET',
				`/wc/v3/orders/${encodeURIComponent(input.channelOrderId)}/refunds`,
				{ per_page: WOO_MAX_PAGE, page },
				undefined,
				'list refunds',
			);
			const list = Array.isArray(res.body) ? res.body : [];
			const hit = list.find((r) => (r.meta_data ?? []).some((m) => m?.key === OMS_RETURN_META && m.value === input.idempotencyKey));
			if (hit) return { refundId: String(hit.id) };
			if (page >= Number(res.headers['x-wp-totalpages'] ?? 1) || list.length === 0) return null;
		}
	}

	async cancelOrder(channelOrderId: string): Promise<CancelResult> {
		const res = await this.call('PUT', `/wc/v3/orders/${encodeURIComponent(channelOrderId)}`, undefined, { status: 'cancelled' }, 'cancel order');
		return { channelOrderId, status: res.status };
	}

	async cancelLines(channelOrderId: string): Promise<CancelResult> {
		throw channelRefusal(`WooCommerce order ${channelOrderId}: WooCommerce has no line cancellation (only refunds); use Cancel Order`, 'no line cancellation', 400);
	}

	async acknowledge(channelOrderId: string): Promise<CancelResult> {
		return { channelOrderId, status: 0 };
	}

	async testCredentials(): Promise<TestCredentialsResult> {
		try {
			const res = await this.call<unknown[]>('GET', '/wc/v3/orders', { per_page: 1 }, undefined, 'test');
			return { ok: true, message: `Connected; ${res.headers['x-wp-total'] ?? '?'} orders` };
		} catch (err) {
			return { ok: false, message: (err as Error).message };
		}
	}
}
