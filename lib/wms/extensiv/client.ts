/**
 * Extensiv 3PL Warehouse Manager (formerly 3PL Central): REST at https://secure-wms.com.
 *
 * Verified (docs/architecture.md#vendor-api-facts; public client code): OAuth2 client_credentials at POST /AuthServer/api/Token with
 * Authorization: Basic base64(client_id:client_secret) and { grant_type, tpl, user_login_id } in the body; a
 * short-lived bearer token; POST /orders (customerIdentifier, facilityIdentifier, referenceNum, routingInfo, shipTo,
 * orderItems [{ itemIdentifier: { sku }, qty }]) is NOT idempotent; GET /orders?rql=...&detail=All;
 * GET /inventory/stocksummaries.
 * Assumed [U]: token lifetime from expires_in (about 30-60 min); the HAL list shape (_embedded with the
 * 'http://api.3plCentral.com/rels/orders/order' relation) and pgsiz / pgnum / sort paging; RQL with quoted values
 * (referenceNum=="..." and readOnly.lastModifiedDate=ge=...); readOnly.status 0 Open / 1 Closed / 2 Cancelled with
 * pickDoneDate / packDoneDate / processDate; packages [{ packageId, trackingNumber, packageContents [{ orderItemId,
 * qty }] }]; orderItems[].externalId; POST /orders/{id}/canceler with If-Match; stocksummaries fields (onHand,
 * available, facilityId, itemIdentifier.sku). The rate limit is not published: paced at 10 requests/s (assumed).
 *
 * Address update (issue 20): ✔ PUT /orders/{id} with If-Match carrying the ETag of GET /orders/{id} (public client code
 * against secure-wms.com; the same If-Match rule as the canceler's). Assumed ⚠: the body is the order as read with
 * shipTo replaced (sent whole, so nothing left out is cleared); a stale ETag is 412 (read again, once); the refusal of
 * a picked or closed order and its words (kept as they come). The client does not ask for a change the order's own
 * state already rules out: with pickDoneDate / packDoneDate set, or closed or cancelled, it answers refused, naming that
 * state, without a PUT.
 *
 * Idempotency: the reference is sent as referenceNum and looked up before every create (GET by rql). The create
 * itself is never retried in-line (a lost answer may mean the order exists): the outbox's next attempt looks again.
 */
import type { Address, CanonicalOrder, ShippingLevel } from '../../order/types';
import { TokenBucket, sharedLimiters } from '../../http/limiters';
import type { HttpRequestOptions } from '../../http/types';
import { vendorMessageOf } from '../../http/errors';
import { bodyClip, isObject, joinUrl, malformed, num, redacting, send, str, withSecrets } from '../http';
import { clockOf, credentialKey, TokenCache } from '../auth';
import { byUpdatedAt, latestIso, sinceOf, linesFor, mergeLines, shipMethod, streetFields } from '../map';
import { parseReference, type WmsStatus } from '../status';
import {
	WmsError,
	type AddressUpdateResult,
	type CancelResult,
	type CreateOrderOptions,
	type CreateOrderResult,
	type CredentialTestResult,
	type InventoryLevel,
	type ProviderDeps,
	type ShipmentUpdatesPage,
	type WmsOrderState,
	type WmsPackage,
	type WmsProvider,
} from '../types';

export interface ExtensivConfig {
	/** Default https://secure-wms.com */
	baseUrl?: string;
	/** Default <baseUrl>/AuthServer/api/Token */
	tokenUrl?: string;
	clientId: string;
	clientSecret: string;
	/** The 3PL's key (a GUID in braces) */
	tpl?: string | null;
	userLoginId: string;
	customerId: number;
	facilityId: number;
	/** routingInfo.carrier per shipping level (e.g. { standard: 'UPS' }); omitted: left to the warehouse's rules */
	carriers?: Partial<Record<ShippingLevel, string>>;
	/** routingInfo.mode (the service) per shipping level */
	shipMethods?: Partial<Record<ShippingLevel, string>>;
	lookbackDays?: number | null;
	/** Assumed pacing; default 10 requests per second */
	rateLimit?: { ratePerSec: number; burst: number };
}

const NAME = 'extensiv';
const REL = 'http://api.3plCentral.com/rels/orders/order';
const STATUS_WORDS = ['Open', 'Closed', 'Cancelled'];

function rqlQuote(v: string): string {
	return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function createExtensivProvider(config: ExtensivConfig, given: ProviderDeps): WmsProvider & { tokens: TokenCache } {
	// the Basic value is base64(client id:secret): redactText also finds the secret inside any base64 text
	const deps = withSecrets(given, () => [config.clientSecret, ...tokens.secrets()]);
	const base = config.baseUrl ?? 'https://secure-wms.com';
	const clock = clockOf(deps);
	const rl = config.rateLimit ?? { ratePerSec: 10, burst: 10 };
	const pacer = sharedLimiters.bucket(`extensiv:${credentialKey(config.clientId, config.userLoginId)}:${rl.ratePerSec}/${rl.burst}`, () => new TokenBucket({ ...rl, clock }));

	const tokens = new TokenCache(async () => {
		const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
		const r = await send<unknown>(
			NAME,
			deps,
			{
				method: 'POST',
				url: config.tokenUrl || joinUrl(base, 'AuthServer/api/Token'),
				headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/json', Accept: 'application/json' },
				body: { grant_type: 'client_credentials', ...(config.tpl ? { tpl: config.tpl } : {}), user_login_id: String(config.userLoginId) },
			},
			{ pacer, accept: [400, 401, 403] },
		);
		if (r.status >= 300) throw new WmsError(NAME, `token request refused (${r.status}): check client id, secret, user login id and 3PL key`, { retryable: false, status: r.status, code: 'AUTH' });
		if (!isObject(r.body) || !str(r.body.access_token)) throw malformed(NAME, 'token answer has no access_token');
		return { token: String(r.body.access_token), expiresInSec: num(r.body.expires_in, 1800) };
	}, clock.now);

	/** A call with the bearer token; one new token on a 401 */
	async function call<T = unknown>(options: Omit<HttpRequestOptions, 'headers'> & { headers?: Record<string, string> }, opts: { accept?: number[]; noRetry?: boolean } = {}) {
		for (let authTry = 0; ; authTry++) {
			const token = await tokens.get();
			const d = opts.noRetry ? { ...deps, retry: { ...(deps.retry ?? {}), maxAttempts: 1 } } : deps;
			const res = await send<T>(
				NAME,
				d,
				{ ...options, headers: { Authorization: `Bearer ${token}`, Accept: 'application/hal+json', 'Content-Type': 'application/hal+json; charset=utf-8', ...(options.headers ?? {}) } },
				{ pacer, accept: [401, ...(opts.accept ?? [])] },
			);
			if (res.status === 401) {
				tokens.invalidate(token);
				if (authTry === 0) continue;
				throw new WmsError(NAME, 'token refused twice (401)', { retryable: false, status: 401, code: 'AUTH' });
			}
			return res;
		}
	}

	async function listOrders(rql: string, page: number, size: number): Promise<{ orders: Record<string, unknown>[]; total: number }> {
		const res = await call({ method: 'GET', url: joinUrl(base, 'orders'), qs: { detail: 'All', rql, pgsiz: size, pgnum: page, sort: 'readOnly.lastModifiedDate' } });
		const b = res.body;
		if (!isObject(b)) throw malformed(NAME, 'GET /orders is not an object');
		const emb = isObject(b._embedded) ? b._embedded : {};
		const list = Array.isArray(emb[REL]) ? (emb[REL] as unknown[]).filter(isObject) : Array.isArray(b.ResourceList) ? (b.ResourceList as unknown[]).filter(isObject) : [];
		return { orders: list, total: num(b.totalResults, list.length) };
	}

	async function findRaw(reference: string): Promise<Record<string, unknown> | null> {
		const { orders } = await listOrders(`referenceNum==${rqlQuote(reference)}`, 1, 100);
		const found = orders.filter((o) => String(o.referenceNum) === reference);
		// a live order wins over a cancelled one with the same reference
		return found.find((o) => num(isObject(o.readOnly) ? o.readOnly.status : 0) !== 2) ?? found[0] ?? null;
	}

	const provider: WmsProvider & { tokens: TokenCache } = {
		name: NAME,
		tokens,

		async createOrder(order: CanonicalOrder, opts: CreateOrderOptions): Promise<CreateOrderResult> {
			const lines = linesFor(NAME, order, opts);
			const existing = await findRaw(opts.reference);
			if (existing) return { outcome: 'exists', wmsOrderId: String((existing.readOnly as Record<string, unknown>)?.orderId ?? ''), raw: existing };
			const ship = order.shipTo!;
			const carrier = config.carriers?.[order.shipping.level];
			const body = {
				customerIdentifier: { id: config.customerId },
				facilityIdentifier: { id: config.facilityId },
				referenceNum: opts.reference,
				poNum: order.orderNumber ?? order.channelOrderId,
				notes: `OMS ${order.omsId}${opts.shipmentNo > 1 ? ` shipment ${opts.shipmentNo}` : ''}`,
				billingCode: 'Prepaid',
				routingInfo: { ...(carrier ? { carrier } : {}), mode: shipMethod(order, config.shipMethods) },
				shipTo: extensivShipTo(ship, { name: order.customer.name, phone: order.customer.phone, email: order.customer.email }),
				orderItems: lines.map((l) => ({ itemIdentifier: { sku: l.sku }, qty: l.quantity, externalId: l.lineId })),
			};
			// never retried in-line: POST /orders is not idempotent
			const res = await call({ method: 'POST', url: joinUrl(base, 'orders'), body }, { noRetry: true });
			const ro = isObject(res.body) && isObject(res.body.readOnly) ? res.body.readOnly : null;
			if (!ro || ro.orderId == null) throw malformed(NAME, 'create order answer has no readOnly.orderId');
			return { outcome: 'created', wmsOrderId: String(ro.orderId), raw: res.body };
		},

		async cancelOrder(ref: { reference?: string; wmsOrderId?: string }): Promise<CancelResult> {
			let id = ref.wmsOrderId ?? null;
			if (!id && ref.reference) {
				const o = await findRaw(ref.reference);
				if (!o) throw new WmsError(NAME, `no order with referenceNum ${ref.reference}`, { retryable: false, status: 404, code: 'NOT_FOUND' });
				id = String((o.readOnly as Record<string, unknown>)?.orderId);
			}
			if (!id) throw new WmsError(NAME, 'cancelOrder needs a reference or a WMS order id', { retryable: false, code: 'BAD_INPUT' });
			const current = await call({ method: 'GET', url: joinUrl(base, `orders/${encodeURIComponent(id)}`) });
			const etag = current.headers['etag'];
			const res = await call(
				{ method: 'POST', url: joinUrl(base, `orders/${encodeURIComponent(id)}/canceler`), headers: etag ? { 'If-Match': etag } : {}, body: { reason: 'Cancelled in the OMS' } },
				{ accept: [400, 409, 412] },
			);
			if (res.status >= 300) return { cancelled: false, rawStatus: 'Closed', raw: res.body };
			return { cancelled: true, rawStatus: 'Cancelled', raw: res.body };
		},

		// ✔ PUT /orders/{id} with If-Match (see the file's comment); refused with Extensiv's words
		async updateAddress(ref: { reference: string; wmsOrderId?: string }, address: Address): Promise<AddressUpdateResult> {
			let id = ref.wmsOrderId ?? null;
			if (!id) {
				const o = await findRaw(ref.reference);
				if (!o) throw new WmsError(NAME, `no order with referenceNum ${ref.reference}: the address was not updated`, { retryable: false, status: 404, code: 'NOT_FOUND' });
				id = String((o.readOnly as Record<string, unknown>)?.orderId);
			}
			const url = joinUrl(base, `orders/${encodeURIComponent(id)}`);
			for (let attempt = 1; ; attempt++) {
				const current = await call({ method: 'GET', url }, { accept: [404] });
				if (current.status === 404) throw new WmsError(NAME, `no order ${id} (referenceNum ${ref.reference}): ${vendorMessageOf(current.body) ?? 'not found'}`, { retryable: false, status: 404, code: 'NOT_FOUND', vendorMessage: vendorMessageOf(current.body) });
				if (!isObject(current.body)) throw malformed(NAME, `GET /orders/${id} is not an object`);
				const order = current.body;
				const ro = isObject(order.readOnly) ? order.readOnly : {};
				const past = num(ro.status, 0) !== 0 ? `${STATUS_WORDS[num(ro.status)] ?? `status ${String(ro.status)}`}` : str(ro.packDoneDate) ? `packed (packDoneDate ${String(ro.packDoneDate)})` : str(ro.pickDoneDate) ? `picked (pickDoneDate ${String(ro.pickDoneDate)})` : null;
				if (past) return { updated: false, message: `Extensiv has the order ${past}: its address is not changed any more` };
				const etag = current.headers['etag'];
				const body = { ...order, shipTo: { ...(isObject(order.shipTo) ? order.shipTo : {}), ...extensivShipTo(address) } };
				const res = await call({ method: 'PUT', url, headers: etag ? { 'If-Match': etag } : {}, body }, { accept: [400, 404, 409, 412, 422, 428] });
				if (res.status === 412 && attempt < 2) continue; // changed since it was read: read it again
				if (res.status >= 300) return { updated: false, message: `${res.status}: ${vendorMessageOf(res.body) ?? bodyClip(res.body, deps)}` };
				return { updated: true, message: null };
			}
		},

		async getOrder(reference: string): Promise<WmsOrderState | null> {
			const o = await findRaw(reference);
			return o ? toState(o) : null;
		},

		async getShipmentUpdates(cursor: string | null): Promise<ShipmentUpdatesPage> {
			const since = sinceOf(cursor, { overlapMs: deps.cursorOverlapMs, lookbackDays: config.lookbackDays, now: clock.now });
			const rql = since ? `readOnly.lastModifiedDate=ge=${rqlQuote(since)}` : '';
			const states: WmsOrderState[] = [];
			const size = 100;
			for (let page = 1; page < 10_000; page++) {
				const { orders, total } = await listOrders(rql, page, size);
				for (const o of orders) states.push(toState(o));
				if (orders.length < size || page * size >= total) break;
			}
			states.sort(byUpdatedAt);
			return { updates: states.map((s) => ({ ...s, ...parseReference(s.reference) })), cursor: latestIso(cursor, ...states.map((s) => s.updatedAt)) ?? cursor };
		},

		async getInventoryLevels(): Promise<InventoryLevel[]> {
			const out: InventoryLevel[] = [];
			const size = 500;
			for (let page = 1; page < 10_000; page++) {
				const res = await call({ method: 'GET', url: joinUrl(base, 'inventory/stocksummaries'), qs: { pgsiz: size, pgnum: page } });
				const b = res.body;
				if (!isObject(b)) throw malformed(NAME, 'stocksummaries is not an object');
				const rows = Array.isArray(b.summaries) ? b.summaries.filter(isObject) : [];
				for (const r of rows) {
					const sku = isObject(r.itemIdentifier) ? str(r.itemIdentifier.sku) : null;
					if (!sku) continue;
					out.push({ sku, location: r.facilityId != null ? `facility:${r.facilityId}` : 'default', onHand: num(r.onHand), available: num(r.available) });
				}
				if (rows.length < size || page * size >= num(b.totalResults, 0)) break;
			}
			return out;
		},

		async testCredentials(): Promise<CredentialTestResult> {
			try {
				tokens.invalidate();
				await tokens.get();
				return { ok: true, message: `token issued for user login ${config.userLoginId}` };
			} catch (err) {
				return { ok: false, message: (err as Error).message };
			}
		},
	};
	return redacting(provider, deps) as typeof provider;
}

/** An address as Extensiv's shipTo */
function extensivShipTo(a: Address, fallback: { name?: string | null; phone?: string | null; email?: string | null } = {}): Record<string, string> {
	return {
		companyName: a.company ?? a.name ?? '',
		name: a.name ?? fallback.name ?? '',
		...streetFields(a),
		phoneNumber: a.phone ?? fallback.phone ?? '',
		// left out when not given: an update keeps the email the order has
		...(fallback.email !== undefined ? { emailAddress: fallback.email ?? '' } : {}),
	};
}

function toState(o: Record<string, unknown>): WmsOrderState {
	const ro = isObject(o.readOnly) ? o.readOnly : {};
	const code = num(ro.status, 0);
	let status: WmsStatus = code === 2 ? 'cancelled' : code === 1 ? 'shipped' : 'at_wms';
	let stage = STATUS_WORDS[code] ?? String(ro.status);
	if (code === 0) {
		if (str(ro.packDoneDate)) {
			status = 'packed';
			stage += '/Packed';
		} else if (str(ro.pickDoneDate)) {
			status = 'picked';
			stage += '/Picked';
		}
	}
	const items = Array.isArray(o.orderItems) ? o.orderItems.filter(isObject) : [];
	const byItemId = new Map<string, { sku: string; lineId: string | null }>();
	for (const it of items) {
		const id = isObject(it.readOnly) ? str(it.readOnly.orderItemId) : null;
		const sku = isObject(it.itemIdentifier) ? str(it.itemIdentifier.sku) : null;
		if (id && sku) byItemId.set(id, { sku, lineId: str(it.externalId) });
	}
	const routing = isObject(o.routingInfo) ? o.routingInfo : {};
	const packages: WmsPackage[] = [];
	for (const p of Array.isArray(o.packages) ? o.packages.filter(isObject) : []) {
		const tracking = str(p.trackingNumber) ?? str(routing.trackingNumber);
		if (!tracking && code !== 1) continue;
		const lines = (Array.isArray(p.packageContents) ? p.packageContents.filter(isObject) : []).map((c) => {
			const item = byItemId.get(String(c.orderItemId));
			return { sku: item?.sku ?? '', quantity: num(c.qty), ...(item?.lineId ? { lineId: item.lineId } : {}) };
		});
		packages.push({
			packageKey: `extensiv:package:${p.packageId}`,
			carrier: str(p.carrier) ?? str(routing.carrier),
			trackingNumber: tracking,
			trackingUrl: null, // Extensiv gives no tracking URL
			shippedAt: str(ro.processDate) ?? str(p.createDate),
			lines: mergeLines(lines),
		});
	}
	return {
		reference: String(o.referenceNum ?? ''),
		wmsOrderId: String(ro.orderId ?? ''),
		status,
		rawStatus: stage,
		shipments: packages,
		updatedAt: latestIso(str(ro.lastModifiedDate), str(ro.creationDate)) ?? new Date(0).toISOString(),
	};
}
