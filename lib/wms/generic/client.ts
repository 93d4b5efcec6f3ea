/**
 * Generic REST: for a WMS with no provider of its own. Everything is set in the node:
 *
 * - base URL and one auth header (name and value, e.g. `X-Api-Key` / `...` or `Authorization` / `Bearer ...`);
 * - paths (`{reference}` and `{id}` are filled in, URL-encoded): create (POST), get (GET), list updates (GET, with
 *   the cursor in a query parameter and page numbers), cancel (POST), inventory (GET);
 * - the order body, either as a JSON template or as target-field -> canonical-path pairs (see buildBody);
 * - where to read things in the answers (dotted paths) and a table from its status words to the OMS's.
 *
 * Address update (issue 20), this package's own contract (no vendor to confirm it): PATCH (or PUT) on the address
 * path (default `/orders/{reference}`) with the address body (default `{ "ship_to": { name, company, address1, address2,
 * city, region, postal_code, country, phone } }`, the create template's field names); 2xx: updated; 409 or 422: the
 * WMS refused (e.g. already picked), its words kept; 404: no such order, an error. Address Updates off: no call, the
 * OMS holds the order instead.
 *
 * Idempotency: the reference goes in the body (template `{{reference}}`); a duplicate answer (409 by default, or
 * any status listed in duplicateStatuses) is confirmed by GET on the reference, and then is 'exists'.
 */
import type { Address, CanonicalOrder, OrderLine } from '../../order/types';
import { TokenBucket, sharedLimiters } from '../../http/limiters';
import { vendorMessageOf } from '../../http/errors';
import { bodyClip, isObject, joinUrl, malformed, num, redacting, send, str, withSecrets } from '../http';
import { clockOf, credentialKey, headerSecrets } from '../auth';
import { byUpdatedAt, latestIso, linesFor, mergeLines, sinceOf } from '../map';
import { mapStatusWord, parseReference, type WmsStatus } from '../status';
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

export interface GenericPaths {
	create: string;
	get: string;
	updates: string;
	cancel: string;
	inventory: string;
	/** PATCH (or addressMethod) that replaces an order's ship-to address; default /orders/{reference} */
	address?: string;
	/** GET used by the credential test; default: the inventory path */
	test?: string;
}

/** Dotted paths into the WMS's answers ('' = the answer itself) */
export interface GenericFields {
	orderId: string;
	reference: string;
	status: string;
	updatedAt: string;
	/** In the list answer: the array of orders, and the next page number (null/absent: last page) */
	orders: string;
	nextPage: string;
	packages: string;
	packageId: string;
	carrier: string;
	trackingNumber: string;
	trackingUrl: string;
	shippedAt: string;
	packageItems: string;
	itemSku: string;
	itemQuantity: string;
	itemLineId: string;
	/** In the inventory answer */
	inventoryItems: string;
	inventorySku: string;
	inventoryLocation: string;
	inventoryOnHand: string;
	inventoryAvailable: string;
}

export interface GenericConfig {
	baseUrl: string;
	authHeaderName: string;
	authHeaderValue: string;
	paths?: Partial<GenericPaths>;
	/** Query parameter that carries the cursor (an ISO time) on the updates path, and the page parameter */
	sinceParam?: string;
	pageParam?: string;
	/**
	 * The order body. Either a template (object, or JSON text): every string "{{path}}" is replaced by the value at
	 * that path (keeping its type); "text {{path}}" interpolates; a key "{{#lines}}" holding an object makes one
	 * element per shipped line with that object as template (paths inside are relative to the line: sku, quantity,
	 * lineId, title, unitPrice). Or pairs { "target.field": "canonical.path" } with "lines[].sku"-style paths to
	 * build an array of lines. Paths start at: reference, shipmentNo, order (the canonical order), lines.
	 */
	template?: Record<string, unknown> | string;
	pairs?: Record<string, string>;
	fields?: Partial<GenericFields>;
	statusMap?: Record<string, WmsStatus>;
	/** Answers to a create that mean "this reference already exists"; default [409] */
	duplicateStatuses?: number[];
	/** Requests per second; default 5 (assumed) */
	ratePerSec?: number;
	/** false: the WMS has no address update, the OMS holds the order instead; default true */
	addressUpdates?: boolean;
	/** Method of the address update; default PATCH */
	addressMethod?: 'PATCH' | 'PUT';
	/** The address update's body, a template like the order's with paths from reference, id and address (the new
	 * ship-to: name, company, line1, line2, city, region, postalCode, country, phone); default DEFAULT_GENERIC_ADDRESS_TEMPLATE */
	addressTemplate?: Record<string, unknown> | string;
}

export const DEFAULT_GENERIC_PATHS: GenericPaths = {
	create: '/orders',
	get: '/orders/{reference}',
	updates: '/orders',
	cancel: '/orders/{reference}/cancel',
	inventory: '/inventory',
	address: '/orders/{reference}',
};

export const DEFAULT_GENERIC_FIELDS: GenericFields = {
	orderId: 'id',
	reference: 'external_id',
	status: 'status',
	updatedAt: 'updated_at',
	orders: 'orders',
	nextPage: 'next_page',
	packages: 'packages',
	packageId: 'id',
	carrier: 'carrier',
	trackingNumber: 'tracking_number',
	trackingUrl: 'tracking_url',
	shippedAt: 'shipped_at',
	packageItems: 'items',
	itemSku: 'sku',
	itemQuantity: 'quantity',
	itemLineId: 'line_id',
	inventoryItems: 'items',
	inventorySku: 'sku',
	inventoryLocation: 'warehouse',
	inventoryOnHand: 'on_hand',
	inventoryAvailable: 'available',
};

export const DEFAULT_GENERIC_TEMPLATE: Record<string, unknown> = {
	external_id: '{{reference}}',
	order_number: '{{order.orderNumber}}',
	channel: '{{order.channel}}',
	placed_at: '{{order.placedAt}}',
	service_level: '{{order.shipping.level}}',
	ship_to: {
		name: '{{order.shipTo.name}}',
		company: '{{order.shipTo.company}}',
		address1: '{{order.shipTo.line1}}',
		address2: '{{order.shipTo.line2}}',
		city: '{{order.shipTo.city}}',
		region: '{{order.shipTo.region}}',
		postal_code: '{{order.shipTo.postalCode}}',
		country: '{{order.shipTo.country}}',
		phone: '{{order.shipTo.phone}}',
		email: '{{order.customer.email}}',
	},
	items: { '{{#lines}}': { sku: '{{sku}}', quantity: '{{quantity}}', line_id: '{{lineId}}', name: '{{title}}', unit_price: '{{unitPrice}}' } },
};

export const DEFAULT_GENERIC_ADDRESS_TEMPLATE: Record<string, unknown> = {
	ship_to: {
		name: '{{address.name}}',
		company: '{{address.company}}',
		address1: '{{address.line1}}',
		address2: '{{address.line2}}',
		city: '{{address.city}}',
		region: '{{address.region}}',
		postal_code: '{{address.postalCode}}',
		country: '{{address.country}}',
		phone: '{{address.phone}}',
	},
};

export const DEFAULT_GENERIC_STATUS: Record<string, WmsStatus> = {
	new: 'at_wms',
	received: 'at_wms',
	open: 'at_wms',
	accepted: 'at_wms',
	exception: 'at_wms',
	on_hold: 'at_wms',
	picking: 'picked',
	picked: 'picked',
	packing: 'picked',
	packed: 'packed',
	partially_shipped: 'packed',
	shipped: 'shipped',
	fulfilled: 'shipped',
	delivered: 'delivered',
	cancelled: 'cancelled',
	canceled: 'cancelled',
};

const NAME = 'generic';

/** Value at a dotted path ('a.b.0.c'); '' is the value itself */
export function getPath(obj: unknown, path: string): unknown {
	if (!path) return obj;
	let cur: unknown = obj;
	for (const part of path.split('.')) {
		if (cur == null || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string, unknown>)[part];
	}
	return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
	const parts = path.split('.');
	let cur = obj;
	for (const p of parts.slice(0, -1)) {
		if (!isObject(cur[p])) cur[p] = {};
		cur = cur[p] as Record<string, unknown>;
	}
	cur[parts[parts.length - 1]] = value;
}

function fill(t: unknown, ctx: unknown): unknown {
	if (typeof t === 'string') {
		const whole = /^\{\{\s*([^}]+?)\s*\}\}$/.exec(t);
		if (whole) {
			const v = getPath(ctx, whole[1]);
			return v === undefined ? null : v;
		}
		return t.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, p: string) => {
			const v = getPath(ctx, p);
			return v == null ? '' : String(v);
		});
	}
	if (Array.isArray(t)) return t.map((x) => fill(x, ctx));
	if (isObject(t)) {
		const keys = Object.keys(t);
		if (keys.length === 1 && keys[0] === '{{#lines}}') {
			const lines = (getPath(ctx, 'lines') as unknown[]) ?? [];
			return lines.map((l) => fill(t[keys[0]], l));
		}
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(t)) out[k] = fill(v, ctx);
		return out;
	}
	return t;
}

/** The order body from the template or the pairs (pairs win when both are set) */
export function buildBody(config: Pick<GenericConfig, 'template' | 'pairs'>, ctx: { reference: string; shipmentNo: number; order: CanonicalOrder; lines: OrderLine[] }): Record<string, unknown> {
	if (config.pairs && Object.keys(config.pairs).length) {
		const out: Record<string, unknown> = {};
		const lineFields: Array<[string, string, string]> = [];
		for (const [target, source] of Object.entries(config.pairs)) {
			const t = /^(.+)\[\]\.(.+)$/.exec(target);
			const s = /^lines\[\]\.(.+)$/.exec(source);
			if (t && s) lineFields.push([t[1], t[2], s[1]]);
			else setPath(out, target, getPath(ctx, source) ?? null);
		}
		const arrays = new Map<string, Array<Record<string, unknown>>>();
		for (const [arr, field, src] of lineFields) {
			const list = arrays.get(arr) ?? ctx.lines.map(() => ({}));
			ctx.lines.forEach((l, i) => setPath(list[i], field, getPath(l, src) ?? null));
			arrays.set(arr, list);
		}
		for (const [arr, list] of arrays) setPath(out, arr, list);
		return out;
	}
	return fillTemplate(config.template ?? DEFAULT_GENERIC_TEMPLATE, ctx, 'the body template');
}

/** A JSON template (object, or JSON text) filled from ctx; `what` names it in the error when it is not a JSON object */
function fillTemplate(given: Record<string, unknown> | string, ctx: unknown, what: string): Record<string, unknown> {
	let template: unknown = given;
	if (typeof template === 'string') {
		let parseError: string | null = null;
		try {
			template = JSON.parse(template);
		} catch (err) {
			parseError = (err as Error).message;
		}
		if (parseError) throw new WmsError(NAME, `${what} is not valid JSON: ${parseError}`, { retryable: false, code: 'BAD_TEMPLATE' });
	}
	const out = fill(template, ctx);
	if (!isObject(out)) throw new WmsError(NAME, `${what} must be a JSON object`, { retryable: false, code: 'BAD_TEMPLATE' });
	return out;
}

/** The address update's body from config.addressTemplate (default DEFAULT_GENERIC_ADDRESS_TEMPLATE) */
export function buildAddressBody(config: Pick<GenericConfig, 'addressTemplate'>, ctx: { reference: string; id: string; address: Address }): Record<string, unknown> {
	return fillTemplate(config.addressTemplate ?? DEFAULT_GENERIC_ADDRESS_TEMPLATE, ctx, 'the address body template');
}

export function createGenericProvider(config: GenericConfig, given: ProviderDeps): WmsProvider {
	if (!config.baseUrl) throw new WmsError(NAME, 'base URL is required', { retryable: false, code: 'BAD_CONFIG' });
	const deps = withSecrets(given, () => headerSecrets(config.authHeaderValue));
	const paths = { ...DEFAULT_GENERIC_PATHS, ...(config.paths ?? {}) };
	const f = { ...DEFAULT_GENERIC_FIELDS, ...(config.fields ?? {}) };
	const statusTable = config.statusMap ?? DEFAULT_GENERIC_STATUS;
	const clock = clockOf(deps);
	const rate = config.ratePerSec ?? 5;
	const pacer = sharedLimiters.bucket(`generic:${credentialKey(config.baseUrl, config.authHeaderValue)}:${rate}`, () => new TokenBucket({ ratePerSec: rate, burst: Math.max(1, Math.ceil(rate)), clock }));
	const headers = () => ({ [config.authHeaderName]: config.authHeaderValue, Accept: 'application/json' });
	const url = (path: string, vars: Record<string, string> = {}) => joinUrl(config.baseUrl, path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(vars[k] ?? '')));

	function toState(o: unknown): WmsOrderState {
		const raw = str(getPath(o, f.status)) ?? 'unknown';
		let status = mapStatusWord(raw, statusTable);
		const pkgs = getPath(o, f.packages);
		const packages: WmsPackage[] = (Array.isArray(pkgs) ? pkgs : []).map((p, i) => {
			const items = getPath(p, f.packageItems);
			const lines = (Array.isArray(items) ? items : []).map((it) => {
				const lineId = str(getPath(it, f.itemLineId));
				return { sku: str(getPath(it, f.itemSku)) ?? '', quantity: num(getPath(it, f.itemQuantity)), ...(lineId ? { lineId } : {}) };
			});
			const tracking = str(getPath(p, f.trackingNumber));
			const carrier = str(getPath(p, f.carrier));
			const id = str(getPath(p, f.packageId));
			return {
				packageKey: id ? `generic:package:${id}` : `generic:tracking:${carrier ?? ''}:${tracking ?? i}`,
				carrier,
				trackingNumber: tracking,
				trackingUrl: str(getPath(p, f.trackingUrl)),
				shippedAt: str(getPath(p, f.shippedAt)),
				lines: mergeLines(lines),
			};
		});
		if (status === 'at_wms' && packages.length) status = 'packed';
		return {
			reference: str(getPath(o, f.reference)) ?? '',
			wmsOrderId: str(getPath(o, f.orderId)) ?? '',
			status,
			rawStatus: raw,
			shipments: packages,
			updatedAt: latestIso(str(getPath(o, f.updatedAt))) ?? new Date(0).toISOString(),
		};
	}

	async function getRaw(reference: string): Promise<unknown | null> {
		const res = await send<unknown>(NAME, deps, { method: 'GET', url: url(paths.get, { reference }), headers: headers() }, { pacer, accept: [404] });
		if (res.status === 404) return null;
		if (!isObject(res.body)) throw malformed(NAME, 'GET order is not a JSON object');
		return res.body;
	}

	// this package's contract (see the file's comment): 2xx updated; 409 / 422 refused with the WMS's words; 404 an error
	async function updateAddress(ref: { reference: string; wmsOrderId?: string }, address: Address): Promise<AddressUpdateResult> {
		const vars = { reference: ref.reference, id: ref.wmsOrderId ?? '' };
		const body = buildAddressBody(config, { ...vars, address });
		const res = await send<unknown>(NAME, deps, { method: config.addressMethod ?? 'PATCH', url: url(paths.address ?? DEFAULT_GENERIC_PATHS.address!, vars), headers: { ...headers(), 'Content-Type': 'application/json' }, body }, { pacer, accept: [404, 409, 422] });
		if (res.status === 404) throw new WmsError(NAME, `no order ${ref.reference} at the WMS (404): the address was not updated`, { retryable: false, status: 404, code: 'NOT_FOUND', vendorMessage: vendorMessageOf(res.body), secrets: deps.secrets?.() });
		if (res.status >= 300) return { updated: false, message: `${res.status}: ${vendorMessageOf(res.body) ?? bodyClip(res.body, deps)}` };
		return { updated: true, message: null };
	}

	return redacting({
		name: NAME,

		async createOrder(order: CanonicalOrder, opts: CreateOrderOptions): Promise<CreateOrderResult> {
			const lines = linesFor(NAME, order, opts);
			const body = buildBody(config, { reference: opts.reference, shipmentNo: opts.shipmentNo, order, lines });
			const dup = config.duplicateStatuses ?? [409];
			const res = await send<unknown>(NAME, deps, { method: 'POST', url: url(paths.create, { reference: opts.reference }), headers: { ...headers(), 'Content-Type': 'application/json' }, body }, { pacer, accept: dup });
			if (dup.includes(res.status)) {
				const existing = await getRaw(opts.reference);
				if (existing) return { outcome: 'exists', wmsOrderId: str(getPath(existing, f.orderId)) ?? '', raw: existing };
				throw new WmsError(NAME, `order ${opts.reference} refused (${res.status}): ${bodyClip(res.body, deps)}`, { retryable: false, status: res.status, code: `HTTP_${res.status}`, vendorMessage: vendorMessageOf(res.body), secrets: deps.secrets?.() });
			}
			const id = str(getPath(res.body, f.orderId));
			if (!id) throw malformed(NAME, `create answer has no ${f.orderId}`);
			return { outcome: 'created', wmsOrderId: id, raw: res.body };
		},

		async cancelOrder(ref: { reference?: string; wmsOrderId?: string }): Promise<CancelResult> {
			const res = await send<unknown>(NAME, deps, { method: 'POST', url: url(paths.cancel, { reference: ref.reference ?? '', id: ref.wmsOrderId ?? '' }), headers: headers() }, { pacer, accept: [409, 422] });
			if (res.status >= 300) return { cancelled: false, rawStatus: str(getPath(getPath(res.body, 'order'), f.status)), raw: res.body };
			return { cancelled: true, rawStatus: str(getPath(res.body, f.status)), raw: res.body };
		},

		...(config.addressUpdates === false ? {} : { updateAddress }),

		async getOrder(reference: string): Promise<WmsOrderState | null> {
			const o = await getRaw(reference);
			return o ? toState(o) : null;
		},

		async getShipmentUpdates(cursor: string | null): Promise<ShipmentUpdatesPage> {
			const states: WmsOrderState[] = [];
			let page: string | number | null = 1;
			for (let guard = 0; page != null && guard < 10_000; guard++) {
				const res = await send<unknown>(
					NAME,
					deps,
					{ method: 'GET', url: url(paths.updates), headers: headers(), qs: { [config.sinceParam ?? 'updated_since']: sinceOf(cursor, { overlapMs: deps.cursorOverlapMs, now: clock.now }), [config.pageParam ?? 'page']: page } },
					{ pacer },
				);
				const list = getPath(res.body, f.orders);
				if (!Array.isArray(list)) throw malformed(NAME, `updates answer has no ${f.orders || 'list'}`);
				for (const o of list) states.push(toState(o));
				const next = getPath(res.body, f.nextPage);
				page = next == null || next === '' || next === false ? null : (next as string | number);
			}
			states.sort(byUpdatedAt);
			return { updates: states.map((s) => ({ ...s, ...parseReference(s.reference) })), cursor: latestIso(cursor, ...states.map((s) => s.updatedAt)) ?? cursor };
		},

		async getInventoryLevels(): Promise<InventoryLevel[]> {
			const res = await send<unknown>(NAME, deps, { method: 'GET', url: url(paths.inventory), headers: headers() }, { pacer });
			const items = getPath(res.body, f.inventoryItems);
			if (!Array.isArray(items)) throw malformed(NAME, `inventory answer has no ${f.inventoryItems || 'list'}`);
			return items
				.filter((it) => str(getPath(it, f.inventorySku)))
				.map((it) => {
					const avail = getPath(it, f.inventoryAvailable);
					return {
						sku: String(getPath(it, f.inventorySku)),
						location: str(getPath(it, f.inventoryLocation)) ?? 'default',
						onHand: num(getPath(it, f.inventoryOnHand)),
						...(avail == null ? {} : { available: num(avail) }),
					};
				});
		},

		async testCredentials(): Promise<CredentialTestResult> {
			try {
				const res = await send<unknown>(NAME, { ...deps, retry: { ...(deps.retry ?? {}), maxAttempts: 1 } }, { method: 'GET', url: url(paths.test ?? paths.inventory), headers: headers() }, { pacer, accept: [401, 403] });
				if (res.status === 401 || res.status === 403) return { ok: false, message: `the WMS refused the ${config.authHeaderName} header (${res.status})` };
				return { ok: true, message: 'connected' };
			} catch (err) {
				return { ok: false, message: (err as Error).message };
			}
		},
	}, deps);
}
