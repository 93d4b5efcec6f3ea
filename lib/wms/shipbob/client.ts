/**
 * ShipBob: REST at https://api.shipbob.com/{version}/ (sandbox: https://sandbox-api.shipbob.com), personal access
 * token as a bearer (never expires), shipbob_channel_id header on writes.
 *
 * Verified (developer.shipbob.com): POST /{ver}/order, reference_id unique per account, 422 "Duplicate reference
 * ID" for a second order with the same reference_id (errors page); GET /{ver}/order with ReferenceIds, Page,
 * Limit (max 250, default 50); GET /{ver}/inventory-level (on hand, committed, fulfillable, sellable; 2026-01 pages
 * with next/items and PageSize); 150 requests per minute, sliding window, 429 with x-retry-after.
 * Assumed [U] (marked where used): the LastUpdateStartDate filter; total-pages header; order status words
 * (Processing, Exception, OnHold, ImportReview, PartiallyFulfilled, Fulfilled, Cancelled); shipment
 * status_details names Picked / Packed; delivery_date on a shipment; per-location inventory under `locations`;
 * products[].external_line_id; POST /{ver}/order/{id}/cancel. The address update (✔ path and required fields): see updateAddress.
 *
 * Idempotency: reference_id = referenceFor(omsId, shipmentNo). A 422 on create is confirmed by fetching the order
 * by reference: found means 'exists' (success, linked); not found means a real refusal.
 */
import type { Address, CanonicalOrder, ShippingLevel } from '../../order/types';
import { SlidingWindowLimiter, sharedLimiters } from '../../http/limiters';
import { vendorMessageOf } from '../../http/errors';
import { bodyClip, isObject, joinUrl, malformed, num, redacting, send, str, withSecrets } from '../http';
import { clockOf, credentialKey } from '../auth';
import { byUpdatedAt, latestIso, sinceOf, linesFor, mergeLines, shipMethod } from '../map';
import { mapStatusWord, parseReference, type WmsStatus } from '../status';
import {
	WmsError,
	type AddressUpdateResult,
	type CancelResult,
	type CreateOrderOptions,
	type CreateOrderResult,
	type CredentialTestResult,
	type ExpectedReturn,
	type InventoryLevel,
	type ReturnCreateResult,
	type WmsReturnState,
	type WmsReturnStatus,
	type Pacer,
	type ProviderDeps,
	type ShipmentUpdatesPage,
	type WmsOrderState,
	type WmsPackage,
	type WmsProvider,
} from '../types';

export interface ShipBobConfig {
	/** Default https://api.shipbob.com (sandbox: https://sandbox-api.shipbob.com) */
	baseUrl?: string;
	/** Default 2026-01 */
	apiVersion?: string;
	/** Personal access token */
	token: string;
	channelId: string | number;
	shipMethods?: Partial<Record<ShippingLevel, string>>;
	/** First pull with no cursor looks back this far (days); default: no limit */
	lookbackDays?: number | null;
	/** Default 150 per 60 000 ms */
	rateLimit?: { limit: number; windowMs: number };
}

/** ShipBob order status words -> the OMS's [U: the order-level words; shipment words are documented] */
export const SHIPBOB_STATUS: Record<string, WmsStatus> = {
	Processing: 'at_wms',
	Exception: 'at_wms',
	OnHold: 'at_wms',
	'On Hold': 'at_wms',
	ImportReview: 'at_wms',
	PartiallyFulfilled: 'packed',
	Fulfilled: 'shipped',
	Completed: 'shipped',
	Cancelled: 'cancelled',
};

const NAME = 'shipbob';

/** ShipBob return status words ✔ (ReturnStatus) -> the OMS's */
export const SHIPBOB_RETURN_STATUS: Record<string, WmsReturnStatus> = {
	AwaitingArrival: 'expected',
	Arrived: 'arrived',
	Processing: 'arrived',
	Completed: 'completed',
	Cancelled: 'cancelled',
};

export function createShipBobProvider(config: ShipBobConfig, given: ProviderDeps): WmsProvider {
	const deps = withSecrets(given, () => [config.token]);
	const base = joinUrl(config.baseUrl ?? 'https://api.shipbob.com', config.apiVersion ?? '2026-01');
	const rl = config.rateLimit ?? { limit: 150, windowMs: 60_000 };
	const clock = clockOf(deps);
	const pacer: Pacer = sharedLimiters.window(`shipbob:${credentialKey(config.token)}:${rl.limit}/${rl.windowMs}`, // a little wider than the server's window, so network jitter never lands a 6th call inside its window
		() => new SlidingWindowLimiter({ limit: rl.limit, windowMs: Math.ceil(rl.windowMs * 1.02) + 25, clock }),
	);
	const headers = (write = false): Record<string, string> => ({
		Authorization: `Bearer ${config.token}`,
		Accept: 'application/json',
		...(write || config.channelId ? { shipbob_channel_id: String(config.channelId) } : {}),
	});

	async function findRaw(reference: string): Promise<Record<string, unknown> | null> {
		const res = await send<unknown>(NAME, deps, { method: 'GET', url: joinUrl(base, 'order'), headers: headers(), qs: { ReferenceIds: reference, Limit: 250 } }, { pacer });
		if (!Array.isArray(res.body)) throw malformed(NAME, 'GET /order did not return a list');
		const found = (res.body as unknown[]).filter(isObject).filter((o) => String(o.reference_id) === reference);
		// a reference is unique in ShipBob; if a cancelled and a live one ever coexist, prefer the live one
		return found.find((o) => o.status !== 'Cancelled') ?? found[0] ?? null;
	}

	/** The return with this reference_id (GET /return?ReferenceIds ✔), or null */
	async function findReturnRaw(reference: string): Promise<Record<string, unknown> | null> {
		const res = await send<unknown>(NAME, deps, { method: 'GET', url: joinUrl(base, 'return'), headers: headers(), qs: { ReferenceIds: reference, Limit: 250 } }, { pacer });
		if (!Array.isArray(res.body)) throw malformed(NAME, 'GET /return did not return a list');
		return (res.body as unknown[]).filter(isObject).find((r) => String(r.reference_id) === reference) ?? null;
	}

	/** GET /inventory-level, page by page (2026-01: next/items and PageSize ✔), each page's items */
	async function* inventoryPages(): AsyncGenerator<Record<string, unknown>[]> {
		let url: string | null = joinUrl(base, 'inventory-level');
		let qs: Record<string, string | number> | undefined = { PageSize: 250 };
		for (let guard = 0; url && guard < 10_000; guard++) {
			const res: { body: unknown } = await send<unknown>(NAME, deps, { method: 'GET', url, headers: headers(), qs }, { pacer });
			const b: unknown = res.body;
			const items = Array.isArray(b) ? b : isObject(b) && Array.isArray(b.items) ? b.items : null;
			if (!items) throw malformed(NAME, 'inventory-level answer has no items');
			yield (items as unknown[]).filter(isObject);
			// `next` is absolute, or relative to the host with the version in it [U]; the base URL is the host
			const next: string | null = isObject(b) ? str(b.next) : null;
			url = next ? (/^https?:/i.test(next) ? next : joinUrl(config.baseUrl ?? 'https://api.shipbob.com', next)) : null;
			qs = undefined;
		}
	}

	/** ShipBob's inventory id of each SKU (inventory-level's inventory_id ✔), for a return's inventory lines */
	async function inventoryIds(skus: string[]): Promise<Map<string, number>> {
		const want = new Set(skus);
		const found = new Map<string, number>();
		for await (const items of inventoryPages()) {
			for (const it of items) {
				const sku = str(it.sku);
				if (sku && want.has(sku) && it.inventory_id != null) found.set(sku, Number(it.inventory_id));
			}
			if (found.size === want.size) break;
		}
		return found;
	}

	const provider: WmsProvider = {
		name: NAME,

		// ✔ POST /{ver}/return: reference_id (the OMS return id, unique), fulfillment_center { id } (the order's shipment's
		// location), inventory [{ id, quantity, requested_action }] (each inventory id once), original_shipment_id,
		// tracking_number. A 422 is confirmed by reading the return by reference: found means 'exists'.
		async createReturn(ret: ExpectedReturn): Promise<ReturnCreateResult> {
			const order = await findRaw(ret.orderReference);
			if (!order) throw new WmsError(NAME, `no order with reference ${ret.orderReference} to return units of`, { retryable: false, status: 404, code: 'NOT_FOUND' });
			const shipments = Array.isArray(order.shipments) ? (order.shipments as unknown[]).filter(isObject) : [];
			const shipment = shipments.find((x) => isObject(x.location) && x.location.id != null) ?? shipments[0];
			const fc = shipment && isObject(shipment.location) ? shipment.location.id : null;
			if (fc == null) throw new WmsError(NAME, `order ${ret.orderReference} names no fulfillment center to return to`, { retryable: false, code: 'NO_FULFILLMENT_CENTER' });
			const units = new Map<string, number>();
			for (const l of ret.lines) units.set(l.sku, (units.get(l.sku) ?? 0) + l.quantity);
			const ids = await inventoryIds([...units.keys()]);
			const unknown = [...units.keys()].filter((sku) => !ids.has(sku));
			if (unknown.length) throw new WmsError(NAME, `return ${ret.reference}: ShipBob has no inventory item for SKU ${unknown.join(', ')}`, { retryable: false, code: 'UNKNOWN_SKU' });
			// the return's inventory lines name ShipBob's inventory ids, not SKUs: kept with the call to read them back
			const lineKeys = Object.fromEntries([...ids].map(([sku, id]) => [String(id), sku]));
			const body = {
				reference_id: ret.reference,
				fulfillment_center: { id: fc },
				inventory: [...units].map(([sku, quantity]) => ({ id: ids.get(sku), quantity, requested_action: 'Default' })),
				original_shipment_id: shipment?.id ?? undefined,
				tracking_number: ret.trackingNumber ?? undefined,
			};
			const res = await send<unknown>(NAME, deps, { method: 'POST', url: joinUrl(base, 'return'), headers: headers(true), body }, { pacer, accept: [422] });
			if (res.status === 422) {
				const existing = await findReturnRaw(ret.reference);
				if (existing) return { outcome: 'exists', wmsReturnId: String(existing.id), raw: existing, lineKeys };
				throw new WmsError(NAME, `return ${ret.reference} refused (422): ${bodyClip(res.body, deps)}`, { retryable: false, status: 422, code: 'HTTP_422', vendorMessage: vendorMessageOf(res.body), secrets: deps.secrets?.() });
			}
			if (!isObject(res.body) || res.body.id == null) throw malformed(NAME, 'create return answer has no id');
			return { outcome: 'created', wmsReturnId: String(res.body.id), raw: res.body, lineKeys };
		},

		// ✔ GET /return?IDs=..: there is no last-updated filter, so the OMS re-reads the returns it still waits for
		async getReturns(refs): Promise<WmsReturnState[]> {
			const out: WmsReturnState[] = [];
			for (let i = 0; i < refs.length; i += 100) {
				const ids = refs.slice(i, i + 100).map((r) => r.wmsReturnId);
				const res = await send<unknown>(NAME, deps, { method: 'GET', url: joinUrl(base, 'return'), headers: headers(), qs: { IDs: ids.join(','), Limit: 250 } }, { pacer });
				if (!Array.isArray(res.body)) throw malformed(NAME, 'GET /return did not return a list');
				const keys = Object.assign({}, ...refs.slice(i, i + 100).map((r) => r.lineKeys ?? {})) as Record<string, string>;
				for (const r of (res.body as unknown[]).filter(isObject)) out.push(toReturnState(r, keys));
			}
			return out;
		},

		async createOrder(order: CanonicalOrder, opts: CreateOrderOptions): Promise<CreateOrderResult> {
			const lines = linesFor(NAME, order, opts);
			const ship = order.shipTo!;
			const body = {
				reference_id: opts.reference,
				order_number: order.orderNumber ?? order.channelOrderId,
				type: 'DTC',
				shipping_method: shipMethod(order, config.shipMethods),
				purchase_date: order.placedAt,
				recipient: {
					name: ship.name ?? order.customer.name ?? '',
					email: order.customer.email,
					phone_number: ship.phone ?? order.customer.phone,
					address: {
						address1: ship.line1,
						address2: ship.line2,
						company_name: ship.company,
						city: ship.city,
						state: ship.region,
						zip_code: ship.postalCode,
						country: ship.country,
					},
				},
				products: lines.map((l) => ({
					reference_id: l.sku,
					name: l.title ?? l.sku,
					quantity: l.quantity,
					unit_price: l.unitPrice,
					external_line_id: l.lineId, // [U] field name
				})),
				tags: [
					{ name: 'oms_id', value: order.omsId },
					{ name: 'channel', value: String(order.channel) },
					{ name: 'shipment_no', value: String(opts.shipmentNo) },
				],
			};
			const res = await send<unknown>(NAME, deps, { method: 'POST', url: joinUrl(base, 'order'), headers: headers(true), body }, { pacer, accept: [422] });
			if (res.status === 422) {
				const existing = await findRaw(opts.reference);
				if (existing) return { outcome: 'exists', wmsOrderId: String(existing.id), raw: existing };
				throw new WmsError(NAME, `order ${opts.reference} refused (422): ${bodyClip(res.body, deps)}`, { retryable: false, status: 422, code: 'HTTP_422', vendorMessage: vendorMessageOf(res.body), secrets: deps.secrets?.() });
			}
			if (!isObject(res.body) || res.body.id == null) throw malformed(NAME, 'create order answer has no id');
			return { outcome: 'created', wmsOrderId: String(res.body.id), raw: res.body };
		},

		async cancelOrder(ref): Promise<CancelResult> {
			let id = ref.wmsOrderId ?? null;
			if (!id && ref.reference) {
				const o = await findRaw(ref.reference);
				if (!o) throw new WmsError(NAME, `no order with reference ${ref.reference}`, { retryable: false, status: 404, code: 'NOT_FOUND' });
				id = String(o.id);
			}
			if (!id) throw new WmsError(NAME, 'cancelOrder needs a reference or a WMS order id', { retryable: false, code: 'BAD_INPUT' });
			// [U] path: /{ver}/order/{id}/cancel
			const res = await send<unknown>(NAME, deps, { method: 'POST', url: joinUrl(base, `order/${encodeURIComponent(id)}/cancel`), headers: headers(true) }, { pacer });
			const b = isObject(res.body) ? res.body : {};
			const results = Array.isArray(b.canceled_shipment_results) ? (b.canceled_shipment_results as unknown[]).filter(isObject) : [];
			const cancelled = results.length ? results.every((r) => r.is_success === true) : true;
			const rawStatus = isObject(b.order) ? str(b.order.status) : null;
			return { cancelled, rawStatus, raw: res.body };
		},

		// ✔ PUT /{ver}/shipment/{shipmentId}:updateAddress (city and street_address1 required); refused once picked
		// (422 ⚠). The shipment is the order's first one not yet shipped, as GET /order lists it.
		async updateAddress(ref: { reference: string; wmsOrderId?: string }, address: Address): Promise<AddressUpdateResult> {
			const o = await findRaw(ref.reference);
			if (!o) throw new WmsError(NAME, `no order with reference ${ref.reference}`, { retryable: false, status: 404, code: 'NOT_FOUND' });
			const shipment = (Array.isArray(o.shipments) ? (o.shipments as unknown[]).filter(isObject) : [])[0];
			if (!shipment || shipment.id == null) return { updated: false, message: `order ${ref.reference} has no shipment to update` };
			const body = {
				name: address.name,
				company_name: address.company,
				street_address1: address.line1,
				street_address2: address.line2,
				city: address.city,
				state: address.region,
				zip_code: address.postalCode,
				country_code: address.country,
				phone_number: address.phone,
			};
			const url = joinUrl(base, `shipment/${encodeURIComponent(String(shipment.id))}:updateAddress`);
			const res = await send<unknown>(NAME, deps, { method: 'PUT', url, headers: headers(true), body }, { pacer, accept: [400, 409, 422] });
			if (res.status >= 300) return { updated: false, message: `${res.status}: ${vendorMessageOf(res.body) ?? bodyClip(res.body, deps)}` };
			return { updated: true, message: null };
		},

		async getOrder(reference: string): Promise<WmsOrderState | null> {
			const o = await findRaw(reference);
			return o ? toState(o) : null;
		},

		async getShipmentUpdates(cursor: string | null): Promise<ShipmentUpdatesPage> {
			const since = sinceOf(cursor, { overlapMs: deps.cursorOverlapMs, lookbackDays: config.lookbackDays, now: clock.now });
			const states: WmsOrderState[] = [];
			for (let page = 1; ; page++) {
				const res = await send<unknown>(
					NAME,
					deps,
					{
						method: 'GET',
						url: joinUrl(base, 'order'),
						headers: headers(),
						// [U] LastUpdateStartDate: orders whose last update is at or after this time
						qs: { LastUpdateStartDate: since, SortOrder: 'Oldest', Page: page, Limit: 250 },
					},
					{ pacer },
				);
				if (!Array.isArray(res.body)) throw malformed(NAME, 'GET /order did not return a list');
				for (const o of res.body as unknown[]) if (isObject(o)) states.push(toState(o));
				const totalPages = num(res.headers['total-pages'], NaN); // [U] header name
				if ((Number.isFinite(totalPages) && page >= totalPages) || (res.body as unknown[]).length < 250) break;
			}
			states.sort(byUpdatedAt);
			const updates = states.map((s) => ({ ...s, ...parseReference(s.reference) }));
			const next = latestIso(cursor, ...states.map((s) => s.updatedAt)) ?? cursor;
			return { updates, cursor: next };
		},

		async getInventoryLevels(): Promise<InventoryLevel[]> {
			const out: InventoryLevel[] = [];
			for await (const items of inventoryPages()) {
				for (const it of items) {
					const sku = str(it.sku) ?? str(it.reference_id) ?? str(it.name);
					if (!sku) continue;
					const locs = Array.isArray(it.locations) ? it.locations.filter(isObject) : Array.isArray(it.fulfillable_quantity_by_fulfillment_center) ? it.fulfillable_quantity_by_fulfillment_center.filter(isObject) : [];
					if (locs.length) {
						for (const l of locs) {
							out.push({
								sku,
								location: str(l.location_name) ?? str(l.name) ?? String(l.location_id ?? l.id ?? 'default'),
								onHand: num(l.on_hand_quantity),
								available: num(l.fulfillable_quantity, num(l.on_hand_quantity) - num(l.committed_quantity)),
							});
						}
					} else {
						out.push({
							sku,
							location: 'default',
							onHand: num(it.on_hand_quantity ?? it.total_on_hand_quantity),
							available: num(it.fulfillable_quantity ?? it.total_fulfillable_quantity),
						});
					}
				}
			}
			return out;
		},

		async testCredentials(): Promise<CredentialTestResult> {
			try {
				const res = await send<unknown>(NAME, { ...deps, retry: { ...(deps.retry ?? {}), maxAttempts: 1 } }, { method: 'GET', url: joinUrl(base, 'channel'), headers: headers() }, { pacer, accept: [401, 403] });
				if (res.status === 401 || res.status === 403) return { ok: false, message: `ShipBob refused the token (${res.status})` };
				const channels = Array.isArray(res.body) ? res.body.filter(isObject) : [];
				const ours = channels.find((c) => String(c.id) === String(config.channelId));
				if (!ours) return { ok: false, message: `token works, but channel ${config.channelId} is not one of its channels (${channels.map((c) => c.id).join(', ') || 'none'})` };
				return { ok: true, message: `connected; channel ${config.channelId} (${String(ours.name ?? '')})` };
			} catch (err) {
				return { ok: false, message: (err as Error).message };
			}
		},
	};
	return redacting(provider, deps);
}

/** A ShipBob return in the OMS's words: inventory[].action_taken [{ action Restock|Quarantine|Dispose, quantity_processed }] ✔ */
function toReturnState(r: Record<string, unknown>, lineKeys: Record<string, string>): WmsReturnState {
	const rawStatus = str(r.status) ?? 'AwaitingArrival';
	const status = SHIPBOB_RETURN_STATUS[rawStatus] ?? 'expected';
	const bySku = new Map<string, WmsReturnState['lines'][number]>();
	for (const it of Array.isArray(r.inventory) ? r.inventory.filter(isObject) : []) {
		const sku = lineKeys[String(it.id)] ?? str(it.sku) ?? String(it.id ?? '');
		const line = bySku.get(sku) ?? { sku, expected: 0, received: 0, restock: 0, quarantine: 0, dispose: 0 };
		line.expected += num(it.quantity);
		for (const t of Array.isArray(it.action_taken) ? it.action_taken.filter(isObject) : []) {
			const q = num(t.quantity_processed);
			const action = String(t.action ?? '').toLowerCase();
			line.received += q;
			if (action === 'restock' || action === 'default') line.restock += q;
			else if (action === 'quarantine') line.quarantine += q;
			else line.dispose += q;
		}
		bySku.set(sku, line);
	}
	return {
		reference: String(r.reference_id ?? ''),
		wmsReturnId: String(r.id ?? ''),
		status,
		rawStatus,
		lines: [...bySku.values()],
		arrivedAt: null,
		updatedAt: latestIso(str(r.completed_date), str(r.insert_date)) ?? new Date(0).toISOString(),
	};
}

function toState(o: Record<string, unknown>): WmsOrderState {
	const shipments = Array.isArray(o.shipments) ? o.shipments.filter(isObject) : [];
	const orderStatus = str(o.status) ?? 'Processing';
	let status = mapStatusWord(orderStatus, SHIPBOB_STATUS);
	// Refine from the shipments' status details [U: names Picked / Packed]
	const details = shipments.flatMap((s) => (Array.isArray(s.status_details) ? s.status_details.filter(isObject).map((d) => String(d.name ?? '')) : []));
	if (status === 'at_wms') {
		if (details.some((d) => /packed/i.test(d))) status = 'packed';
		else if (details.some((d) => /picked/i.test(d))) status = 'picked';
	}
	// lineId per SKU from the order's products (external_line_id [U]), when a SKU is on one line only
	const lineIdBySku = new Map<string, string | undefined>();
	for (const p of Array.isArray(o.products) ? o.products.filter(isObject) : []) {
		const sku = str(p.sku) ?? str(p.reference_id);
		if (!sku) continue;
		lineIdBySku.set(sku, lineIdBySku.has(sku) ? undefined : (str(p.external_line_id) ?? undefined));
	}
	const packages: WmsPackage[] = [];
	for (const s of shipments) {
		const t = isObject(s.tracking) ? s.tracking : null;
		if (!t || !str(t.tracking_number)) continue;
		const lines = (Array.isArray(s.products) ? s.products.filter(isObject) : []).map((p) => {
			const sku = str(p.sku) ?? str(p.reference_id) ?? '';
			const items = Array.isArray(p.inventory_items) ? p.inventory_items.filter(isObject) : [];
			const quantity = items.length ? items.reduce((n, i) => n + num(i.quantity), 0) : num(p.quantity);
			const lineId = lineIdBySku.get(sku);
			return lineId ? { sku, quantity, lineId } : { sku, quantity };
		});
		packages.push({
			packageKey: `shipbob:shipment:${s.id}`,
			carrier: str(t.carrier),
			trackingNumber: str(t.tracking_number),
			trackingUrl: str(t.tracking_url),
			shippedAt: str(t.shipping_date) ?? str(s.actual_fulfillment_date),
			lines: mergeLines(lines),
			deliveredAt: str(s.delivery_date), // [U]
		});
	}
	if (status === 'shipped' && packages.length && packages.every((p) => p.deliveredAt)) status = 'delivered';
	const detail = details.length ? `/${details[details.length - 1]}` : '';
	return {
		reference: String(o.reference_id ?? ''),
		wmsOrderId: String(o.id ?? ''),
		status,
		rawStatus: orderStatus + detail,
		shipments: packages,
		updatedAt:
			latestIso(str(o.last_updated_date), str(o.created_date), ...shipments.map((s) => str(s.last_update_at))) ?? new Date(0).toISOString(),
	};
}
