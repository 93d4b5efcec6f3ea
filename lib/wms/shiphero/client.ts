/**
 * ShipHero: GraphQL at https://public-api.shiphero.com/graphql, JWT from POST /auth/token (username, password)
 * with a refresh_token for POST /auth/refresh.
 *
 * Verified (developer.shiphero.com getting-started; docs/architecture.md#vendor-api-facts): token and refresh endpoints; order_create with
 * order_number, partner_order_id, shop_name, shipping_address, line_items [sku, partner_line_item_id, quantity,
 * price]; answers { request_id, complexity, ... }; credit-based throttling (4 004-credit bucket, 60 credits/s).
 * Assumed [U]: throttling answered as a 200 with errors[].code 30 and time_remaining ("1.5 seconds"); the orders
 * query arguments partner_order_id / updated_from and its connection shape (data.edges.node, pageInfo);
 * fulfillment_status words pending / fulfilled / partially_fulfilled / canceled (accounts may add custom ones:
 * map them with `statusMap`); shipments[].shipping_labels[] with tracking_number / carrier / tracking_url;
 * shipments[].line_items with line_item { sku, partner_line_item_id }; order_cancel(data: { order_id, reason });
 * warehouse_products fields on_hand / available / warehouse_identifier; whether ShipHero refuses a second order with
 * the same partner_order_id (so the client looks the reference up before creating, and again after an ambiguous
 * failure: a create is only retried in-line when ShipHero surely did nothing, i.e. throttled).
 *
 * Returns (issue 21): ✔ return_create(data: CreateReturnInput) with order_id, warehouse_id, return_reason, label_type,
 * label_cost, address, dimensions, shipping_carrier, shipping_method, line_items [{ sku, quantity, return_reason,
 * condition }] required, partner_id optional (developer.shiphero.com create-return-input); ✔ Return: status,
 * line_items { sku, quantity, quantity_received, restock, condition }. The OMS buys no label (label_type FREE, cost 0:
 * the customer ships with the channel's label); ⚠ dimensions are not known to the OMS (1 x 1 x 1, weight 1 sent); ⚠ the
 * `returns(order_id)` and `return(id)` queries, and the status words pending -> received -> warehouse_completed /
 * canceled; ⚠ a received unit not restocked is quarantined unless its condition says it is unsellable (disposed).
 * Idempotency: partner_id = the OMS return id; the order's returns are read first, so a lost answer is found.
 *
 * Address update (issue 20): ✔ order_update(data: UpdateOrderInput!) with order_id and shipping_address
 * (CreateOrderAddressInput: first_name, last_name, company, address1, address2, city, state = the state code, zip,
 * country = the ISO code, email, phone; state_code / country_code deprecated) (developer.shiphero.com
 * schema/types/update-order-input and create-order-address-input); ✔ ShipHero does not change the address of an order
 * with a hold, a lock or in a tote, i.e. once picking has begun (help.shiphero.com "Updating Billing & Shipping
 * Addresses"). ⚠ how the API words that refusal (a GraphQL error is taken as the refusal, its message kept), and
 * whether shipping_address fields left out are kept (the whole address is sent).
 */
import type { Address, CanonicalOrder, ShippingLevel } from '../../order/types';
import type { HttpResponse } from '../../http/types';
import { TokenBucket, sharedLimiters } from '../../http/limiters';
import { isObject, joinUrl, malformed, num, redacting, send, str, withSecrets } from '../http';
import { redactText } from '../../http/errors';
import { clockOf, credentialKey, TokenCache } from '../auth';
import { byUpdatedAt, latestIso, sinceOf, linesFor, mergeLines, shipMethod, streetFields, splitName } from '../map';
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
	type ProviderDeps,
	type ShipmentUpdatesPage,
	type WmsOrderState,
	type WmsPackage,
	type WmsProvider,
} from '../types';

export interface ShipHeroConfig {
	/** Default https://public-api.shiphero.com (token at /auth/token, GraphQL at /graphql) */
	baseUrl?: string;
	username: string;
	password: string;
	/** A refresh token from ShipHero's /auth/token (used first; username and password are the fallback) */
	refreshToken?: string | null;
	/** The store name orders are filed under in ShipHero; default 'OMS' */
	shopName?: string;
	shipMethods?: Partial<Record<ShippingLevel, string>>;
	/** Extra or custom fulfillment_status words */
	statusMap?: Record<string, WmsStatus>;
	lookbackDays?: number | null;
	/** Credit bucket; default 4 004 credits, 60 per second */
	credits?: { bucket: number; restorePerSec: number };
}

export const SHIPHERO_STATUS: Record<string, WmsStatus> = {
	pending: 'at_wms',
	unfulfilled: 'at_wms',
	on_hold: 'at_wms',
	backorder: 'at_wms',
	picked: 'picked',
	packed: 'packed',
	partially_fulfilled: 'packed',
	fulfilled: 'shipped',
	shipped: 'shipped',
	delivered: 'delivered',
	canceled: 'cancelled',
	cancelled: 'cancelled',
};

const NAME = 'shiphero';

const ORDER_FIELDS = `id legacy_id order_number partner_order_id fulfillment_status order_date updated_at
  line_items(first: 100) { edges { node { id sku partner_line_item_id quantity quantity_shipped backorder_quantity } } }
  shipments { id legacy_id created_date delivered
    shipping_labels { id tracking_number carrier shipping_method tracking_url status created_date }
    line_items(first: 100) { edges { node { line_item_id quantity line_item { sku partner_line_item_id } } } } }`;

const Q_ORDERS = `query orders($partner_order_id: String, $updated_from: ISODateTime, $first: Int, $after: String) {
  orders(partner_order_id: $partner_order_id, updated_from: $updated_from) { request_id complexity
    data(first: $first, after: $after, sort: "updated_at") { pageInfo { hasNextPage endCursor } edges { node { ${ORDER_FIELDS} } } } } }`;

const M_CREATE = `mutation order_create($data: CreateOrderInput!) {
  order_create(data: $data) { request_id complexity order { ${ORDER_FIELDS} } } }`;

const M_CANCEL = `mutation order_cancel($data: CancelOrderInput!) {
  order_cancel(data: $data) { request_id complexity order { id fulfillment_status } } }`;

const M_UPDATE = `mutation order_update($data: UpdateOrderInput!) {
  order_update(data: $data) { request_id complexity order { id fulfillment_status } } }`;

const Q_PRODUCTS = `query warehouse_products($first: Int, $after: String) {
  warehouse_products { request_id complexity
    data(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id sku warehouse_id warehouse_identifier on_hand allocated available backorder } } } } }`;

const RETURN_FIELDS = `id legacy_id partner_id status updated_at created_at
  line_items(first: 100) { edges { node { id sku quantity quantity_received restock condition } } }`;

const Q_ORDER_RETURNS = `query returns($order_id: String, $first: Int, $after: String) {
  returns(order_id: $order_id) { request_id complexity
    data(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${RETURN_FIELDS} } } } } }`;

const Q_RETURN = `query return($id: String!) { return(id: $id) { request_id complexity data { ${RETURN_FIELDS} } } }`;

const M_RETURN_CREATE = `mutation return_create($data: CreateReturnInput!) {
  return_create(data: $data) { request_id complexity return { ${RETURN_FIELDS} } } }`;

/** ShipHero return status words [U] -> the OMS's */
export const SHIPHERO_RETURN_STATUS: Record<string, WmsReturnStatus> = {
	pending: 'expected',
	manual_approval: 'expected',
	received: 'arrived',
	partially_received: 'arrived',
	warehouse_completed: 'completed',
	completed: 'completed',
	canceled: 'cancelled',
	cancelled: 'cancelled',
};

const Q_ACCOUNT = `query account { account { request_id complexity data { id email username } } }`;

interface GqlError {
	message?: string;
	code?: number;
	time_remaining?: string;
}

function throttleWaitMs(res: HttpResponse): number | undefined {
	const errs = isObject(res.body) && Array.isArray(res.body.errors) ? (res.body.errors as GqlError[]) : [];
	const t = errs.find((e) => e?.code === 30);
	if (!t) return undefined;
	const secs = parseFloat(String(t.time_remaining ?? '1'));
	return Math.ceil((Number.isFinite(secs) ? secs : 1) * 1000) + 50;
}

/** An address as ShipHero's CreateOrderAddressInput (state and country as codes) */
function shipHeroAddress(a: Address, fallbackName: string | null, contact: { email?: string | null; phone?: string | null } = {}): Record<string, string> {
	const { first, last } = splitName(a.name ?? fallbackName);
	return {
		first_name: first,
		last_name: last,
		company: a.company ?? '',
		...streetFields(a),
		phone: a.phone ?? contact.phone ?? '',
		// left out when not given: an update keeps the email the order has
		...(contact.email !== undefined ? { email: contact.email ?? '' } : {}),
	};
}

export function createShipHeroProvider(config: ShipHeroConfig, given: ProviderDeps): WmsProvider & { tokens: TokenCache } {
	// the tokens are read when a message is built: the JWT and refresh token minted after the login count too
	const deps = withSecrets(given, () => [config.password, config.refreshToken, ...tokens.secrets()]);
	const base = config.baseUrl ?? 'https://public-api.shiphero.com';
	const clock = clockOf(deps);
	const credits = config.credits ?? { bucket: 4004, restorePerSec: 60 };
	const bucket = sharedLimiters.bucket(`shiphero:${credentialKey(config.username)}:${credits.bucket}/${credits.restorePerSec}`, () => new TokenBucket({ ratePerSec: credits.restorePerSec, burst: credits.bucket, clock }));
	const statusTable = { ...SHIPHERO_STATUS, ...(config.statusMap ?? {}) };

	const tokens = new TokenCache(async (refreshToken) => {
		if (refreshToken) {
			const r = await send<unknown>(NAME, deps, { method: 'POST', url: joinUrl(base, 'auth/refresh'), headers: { 'Content-Type': 'application/json' }, body: { refresh_token: refreshToken } }, { accept: [400, 401, 403] });
			if (r.status < 300 && isObject(r.body) && str(r.body.access_token)) return { token: String(r.body.access_token), expiresInSec: num(r.body.expires_in, 3600) };
			// refresh refused: log in again below
		}
		const r = await send<unknown>(NAME, deps, { method: 'POST', url: joinUrl(base, 'auth/token'), headers: { 'Content-Type': 'application/json' }, body: { username: config.username, password: config.password } }, { accept: [400, 401, 403] });
		if (r.status >= 300) throw new WmsError(NAME, `login refused (${r.status}): check the username and password`, { retryable: false, status: r.status, code: 'AUTH' });
		if (!isObject(r.body) || !str(r.body.access_token)) throw malformed(NAME, 'token answer has no access_token');
		return { token: String(r.body.access_token), expiresInSec: num(r.body.expires_in, 3600), refreshToken: str(r.body.refresh_token) };
	}, clock.now);
	if (config.refreshToken) tokens.refreshToken = config.refreshToken;

	/** One GraphQL call: token (refreshed once on 401), credit pacing, throttle waits, errors as WmsError */
	async function gql(query: string, variables: Record<string, unknown>, opts: { cost: number; mutation?: boolean; key: string }): Promise<Record<string, unknown>> {
		for (let authTry = 0; ; authTry++) {
			const token = await tokens.get();
			const res = await send<unknown>(
				NAME,
				// a create is retried in-line only when ShipHero surely did nothing (throttled, 429); anything
				// ambiguous (5xx, timeout) goes back to the outbox, whose next try looks the reference up first
				opts.mutation ? { ...deps, retry: { ...(deps.retry ?? {}), retryTransportErrors: false } } : deps,
				{ method: 'POST', url: joinUrl(base, 'graphql'), headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' }, body: { query, variables } },
				{
					pacer: bucket,
					cost: opts.cost,
					accept: [401],
					policy: {
						isRetryable: (r) => r.status === 429 || (!opts.mutation && r.status >= 500) || throttleWaitMs(r) !== undefined,
						delayHintMs: (r) => throttleWaitMs(r),
						after: (r) => {
							if (throttleWaitMs(r) !== undefined) bucket.drain();
						},
					},
				},
			);
			if (res.status === 401) {
				tokens.invalidate(token);
				if (authTry === 0) continue;
				throw new WmsError(NAME, 'token refused twice (401)', { retryable: false, status: 401, code: 'AUTH' });
			}
			if (!isObject(res.body)) throw malformed(NAME, 'GraphQL answer is not JSON');
			const errs = Array.isArray(res.body.errors) ? (res.body.errors as GqlError[]) : [];
			if (errs.length) {
				const throttled = errs.some((e) => e?.code === 30);
				const words = errs.map((e) => e?.message ?? 'error').join('; ');
				const msg = redactText(words, deps.secrets?.() ?? [], 300);
				throw new WmsError(NAME, `${opts.key}: ${msg}`, { retryable: throttled, code: throttled ? 'THROTTLED' : 'GRAPHQL', vendorMessage: words, secrets: deps.secrets?.() });
			}
			const data = isObject(res.body.data) ? res.body.data[opts.key] : null;
			if (!isObject(data)) throw malformed(NAME, `${opts.key} missing in GraphQL answer`);
			if (typeof data.complexity === 'number' && data.complexity > opts.cost) {
				// charged more than we paced for: take the difference now so the bucket stays honest
				bucket.tryTake(data.complexity - opts.cost);
			}
			return data;
		}
	}

	async function findNode(reference: string): Promise<Record<string, unknown> | null> {
		const d = await gql(Q_ORDERS, { partner_order_id: reference, first: 5 }, { cost: 6, key: 'orders' });
		const edges = isObject(d.data) && Array.isArray(d.data.edges) ? d.data.edges : null;
		if (!edges) throw malformed(NAME, 'orders answer has no edges');
		const nodes = edges.filter(isObject).map((e) => e.node).filter(isObject).filter((n) => String(n.partner_order_id) === reference);
		return nodes.find((n) => !/cancel/i.test(String(n.fulfillment_status))) ?? nodes[0] ?? null;
	}

	function toReturnState(n: Record<string, unknown>, reference: string): WmsReturnState {
		const rawStatus = str(n.status) ?? 'pending';
		const status = SHIPHERO_RETURN_STATUS[rawStatus.toLowerCase()] ?? 'expected';
		const edges = isObject(n.line_items) && Array.isArray(n.line_items.edges) ? n.line_items.edges.filter(isObject) : [];
		const bySku = new Map<string, WmsReturnState['lines'][number]>();
		for (const li of edges.map((e) => (isObject(e.node) ? e.node : {}))) {
			const sku = str(li.sku) ?? '';
			const line = bySku.get(sku) ?? { sku, expected: 0, received: 0, restock: 0, quarantine: 0, dispose: 0 };
			const received = num(li.quantity_received);
			const restock = Math.min(received, num(li.restock));
			line.expected += num(li.quantity);
			line.received += received;
			if (status === 'completed') {
				line.restock += restock;
				if (/unsellable|dispos|destroy/i.test(String(li.condition ?? ''))) line.dispose += received - restock;
				else line.quarantine += received - restock;
			}
			bySku.set(sku, line);
		}
		return { reference, wmsReturnId: String(n.id ?? ''), status, rawStatus, lines: [...bySku.values()], arrivedAt: null, updatedAt: latestIso(str(n.updated_at), str(n.created_at)) ?? new Date(0).toISOString() };
	}

	function toState(n: Record<string, unknown>): WmsOrderState {
		const raw = str(n.fulfillment_status) ?? 'pending';
		let status = mapStatusWord(raw, statusTable);
		const shipments = Array.isArray(n.shipments) ? n.shipments.filter(isObject) : [];
		const packages: WmsPackage[] = [];
		for (const s of shipments) {
			const labels = Array.isArray(s.shipping_labels) ? s.shipping_labels.filter(isObject) : [];
			const label = labels.find((l) => str(l.tracking_number)) ?? labels[0] ?? {};
			const edges = isObject(s.line_items) && Array.isArray(s.line_items.edges) ? s.line_items.edges.filter(isObject) : [];
			const lines = edges
				.map((e) => (isObject(e.node) ? e.node : {}))
				.map((li) => {
					const item = isObject(li.line_item) ? li.line_item : {};
					const lineId = str(item.partner_line_item_id);
					return { sku: str(item.sku) ?? '', quantity: num(li.quantity), ...(lineId ? { lineId } : {}) };
				});
			packages.push({
				packageKey: `shiphero:shipment:${s.id}`,
				carrier: str(label.carrier),
				trackingNumber: str(label.tracking_number),
				trackingUrl: str(label.tracking_url),
				shippedAt: str(label.created_date) ?? str(s.created_date),
				lines: mergeLines(lines),
				deliveredAt: s.delivered === true ? (str(n.updated_at) ?? null) : null,
			});
		}
		// shipments out while the order still reads pending: partly shipped
		if (status === 'at_wms' && packages.length) status = 'packed';
		if (status === 'shipped' && packages.length && packages.every((p) => p.deliveredAt)) status = 'delivered';
		return {
			reference: String(n.partner_order_id ?? ''),
			wmsOrderId: String(n.id ?? ''),
			status,
			rawStatus: raw,
			shipments: packages,
			updatedAt: latestIso(str(n.updated_at), str(n.order_date)) ?? new Date(0).toISOString(),
		};
	}

	/** The order's return with this partner_id (the OMS return id), or null */
	async function findReturnNode(orderId: string, reference: string): Promise<Record<string, unknown> | null> {
		let after: string | null = null;
		for (let guard = 0; guard < 100; guard++) {
			const d = await gql(Q_ORDER_RETURNS, { order_id: orderId, first: 25, after }, { cost: 26, key: 'returns' });
			const conn = isObject(d.data) ? d.data : null;
			if (!conn || !Array.isArray(conn.edges)) throw malformed(NAME, 'returns answer has no edges');
			const hit = conn.edges.filter(isObject).map((e) => e.node).filter(isObject).find((n) => String(n.partner_id) === reference);
			if (hit) return hit;
			const info = isObject(conn.pageInfo) ? conn.pageInfo : {};
			if (info.hasNextPage !== true || !str(info.endCursor)) return null;
			after = str(info.endCursor);
		}
		return null;
	}

	/** The warehouse holding this SKU (warehouse_products' warehouse_id), else the first one listed */
	async function warehouseOf(sku: string): Promise<string | null> {
		let first: string | null = null;
		let after: string | null = null;
		for (let guard = 0; guard < 1000; guard++) {
			const d = await gql(Q_PRODUCTS, { first: 100, after }, { cost: 101, key: 'warehouse_products' });
			const conn = isObject(d.data) ? d.data : null;
			if (!conn || !Array.isArray(conn.edges)) throw malformed(NAME, 'warehouse_products answer has no edges');
			for (const n of conn.edges.filter(isObject).map((e) => e.node).filter(isObject)) {
				first ??= str(n.warehouse_id);
				if (str(n.sku) === sku && str(n.warehouse_id)) return str(n.warehouse_id);
			}
			const info = isObject(conn.pageInfo) ? conn.pageInfo : {};
			if (info.hasNextPage !== true || !str(info.endCursor)) break;
			after = str(info.endCursor);
		}
		return first;
	}

	const provider: WmsProvider & { tokens: TokenCache } = {
		name: NAME,
		tokens,

		async createReturn(ret: ExpectedReturn): Promise<ReturnCreateResult> {
			let orderId = ret.wmsOrderId;
			if (!orderId) {
				const n = await findNode(ret.orderReference);
				if (!n) throw new WmsError(NAME, `no order with partner_order_id ${ret.orderReference} to return units of`, { retryable: false, status: 404, code: 'NOT_FOUND' });
				orderId = String(n.id);
			}
			const existing = await findReturnNode(orderId, ret.reference);
			if (existing) return { outcome: 'exists', wmsReturnId: String(existing.id), raw: existing };
			const warehouse = await warehouseOf(ret.lines[0].sku);
			if (!warehouse) throw new WmsError(NAME, `return ${ret.reference}: ShipHero lists no warehouse to return to`, { retryable: false, code: 'NO_WAREHOUSE' });
			const address = ret.from ? shipHeroAddress(ret.from, null) : null;
			if (!address) throw new WmsError(NAME, `return ${ret.reference}: the order has no address to return from`, { retryable: false, code: 'BAD_INPUT' });
			const data = {
				order_id: orderId,
				warehouse_id: warehouse,
				partner_id: ret.reference,
				return_reason: ret.reason,
				label_type: 'FREE',
				label_cost: '0',
				address,
				dimensions: { weight: '1', height: '1', width: '1', length: '1' },
				shipping_carrier: ret.carrier ?? 'customer',
				shipping_method: 'customer',
				tracking_number: ret.trackingNumber ?? undefined,
				line_items: ret.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, return_reason: ret.reason, condition: 'unknown' })),
			};
			const d = await gql(M_RETURN_CREATE, { data }, { cost: 5, mutation: true, key: 'return_create' });
			const node = isObject(d.return) ? d.return : null;
			if (!node || node.id == null) throw malformed(NAME, 'return_create answer has no return id');
			return { outcome: 'created', wmsReturnId: String(node.id), raw: node };
		},

		async getReturns(refs): Promise<WmsReturnState[]> {
			const out: WmsReturnState[] = [];
			for (const r of refs) {
				const d = await gql(Q_RETURN, { id: r.wmsReturnId }, { cost: 2, key: 'return' });
				if (isObject(d.data)) out.push(toReturnState(d.data, r.reference));
			}
			return out;
		},

		async createOrder(order: CanonicalOrder, opts: CreateOrderOptions): Promise<CreateOrderResult> {
			const lines = linesFor(NAME, order, opts);
			const existing = await findNode(opts.reference);
			if (existing) return { outcome: 'exists', wmsOrderId: String(existing.id), raw: existing };
			const ship = shipHeroAddress(order.shipTo!, order.customer.name, { email: order.customer.email, phone: order.customer.phone });
			// state_code and country_code are deprecated but still read; sent too, as before
			const address = { ...ship, state_code: ship.state, country_code: ship.country };
			const data = {
				order_number: opts.shipmentNo > 1 ? `${order.orderNumber ?? order.channelOrderId}-${opts.shipmentNo}` : (order.orderNumber ?? order.channelOrderId),
				partner_order_id: opts.reference,
				shop_name: config.shopName ?? 'OMS',
				fulfillment_status: 'pending',
				order_date: order.placedAt,
				total_price: String(order.totals.total),
				subtotal: String(order.totals.subtotal),
				total_tax: String(order.totals.tax),
				total_discounts: String(order.totals.discount),
				email: order.customer.email ?? '',
				shipping_lines: { title: shipMethod(order, config.shipMethods), price: String(order.totals.shipping), carrier: '', method: order.shipping.level },
				shipping_address: address,
				billing_address: address,
				// [U] partner_line_item_id is expected unique per order: the canonical lineId is
				line_items: lines.map((l) => ({ sku: l.sku, partner_line_item_id: l.lineId, quantity: l.quantity, price: String(l.unitPrice), product_name: l.title ?? l.sku })),
				tags: [`oms:${order.channel}`],
			};
			const d = await gql(M_CREATE, { data }, { cost: 5, mutation: true, key: 'order_create' }).catch((err: unknown) => err as Error);
			if (d instanceof Error) {
				// another worker created it between our look-up and our create [U: the duplicate error's wording]
				const again = d instanceof WmsError && d.code === 'GRAPHQL' && /already exists|duplicate/i.test(d.message) ? await findNode(opts.reference) : null;
				if (again) return { outcome: 'exists', wmsOrderId: String(again.id), raw: again };
				return Promise.reject(d);
			}
			const node = isObject(d.order) ? d.order : null;
			if (!node || node.id == null) throw malformed(NAME, 'order_create answer has no order id');
			return { outcome: 'created', wmsOrderId: String(node.id), raw: node };
		},

		async cancelOrder(ref: { reference?: string; wmsOrderId?: string }): Promise<CancelResult> {
			let id = ref.wmsOrderId ?? null;
			if (!id && ref.reference) {
				const n = await findNode(ref.reference);
				if (!n) throw new WmsError(NAME, `no order with partner_order_id ${ref.reference}`, { retryable: false, status: 404, code: 'NOT_FOUND' });
				id = String(n.id);
			}
			if (!id) throw new WmsError(NAME, 'cancelOrder needs a reference or a WMS order id', { retryable: false, code: 'BAD_INPUT' });
			const d = await gql(M_CANCEL, { data: { order_id: id, reason: 'Cancelled in the OMS' } }, { cost: 5, mutation: true, key: 'order_cancel' }).catch((err: unknown) => err as Error);
			if (d instanceof Error) {
				if (d instanceof WmsError && d.code === 'GRAPHQL' && /fulfilled|shipped|cannot/i.test(d.message)) return { cancelled: false, rawStatus: 'fulfilled', raw: d.message };
				return Promise.reject(d);
			}
			return { cancelled: true, rawStatus: isObject(d.order) ? str(d.order.fulfillment_status) : null, raw: d };
		},

		// ✔ order_update with shipping_address (see the file's comment); ShipHero refuses it once the order is locked or
		// in a tote (picking begun): that refusal comes back with ShipHero's words, updated false
		async updateAddress(ref: { reference: string; wmsOrderId?: string }, address: Address): Promise<AddressUpdateResult> {
			let id = ref.wmsOrderId ?? null;
			if (!id) {
				const n = await findNode(ref.reference);
				if (!n) throw new WmsError(NAME, `no order with partner_order_id ${ref.reference}: the address was not updated`, { retryable: false, status: 404, code: 'NOT_FOUND' });
				id = String(n.id);
			}
			// setting the same address twice changes nothing: retried like a query
			const d = await gql(M_UPDATE, { data: { order_id: id, shipping_address: shipHeroAddress(address, null) } }, { cost: 5, key: 'order_update' }).catch((err: unknown) => err as Error);
			if (!(d instanceof Error)) return { updated: true, message: null };
			if (!(d instanceof WmsError) || d.code !== 'GRAPHQL') return Promise.reject(d);
			if (/not found/i.test(d.message)) return Promise.reject(new WmsError(NAME, `no order ${id} (reference ${ref.reference}): ${d.vendorMessage ?? 'not found'}`, { retryable: false, status: 404, code: 'NOT_FOUND', vendorMessage: d.vendorMessage }));
			return { updated: false, message: d.vendorMessage ?? d.message };
		},

		async getOrder(reference: string): Promise<WmsOrderState | null> {
			const n = await findNode(reference);
			return n ? toState(n) : null;
		},

		async getShipmentUpdates(cursor: string | null): Promise<ShipmentUpdatesPage> {
			const since = sinceOf(cursor, { overlapMs: deps.cursorOverlapMs, lookbackDays: config.lookbackDays, now: clock.now });
			const states: WmsOrderState[] = [];
			let after: string | null = null;
			for (let guard = 0; guard < 10_000; guard++) {
				const d = await gql(Q_ORDERS, { updated_from: since, first: 50, after }, { cost: 51, key: 'orders' });
				const conn = isObject(d.data) ? d.data : null;
				if (!conn || !Array.isArray(conn.edges)) throw malformed(NAME, 'orders answer has no edges');
				for (const e of conn.edges) if (isObject(e) && isObject(e.node)) states.push(toState(e.node));
				const pi = isObject(conn.pageInfo) ? conn.pageInfo : {};
				if (pi.hasNextPage !== true || !str(pi.endCursor)) break;
				after = String(pi.endCursor);
			}
			states.sort(byUpdatedAt);
			return { updates: states.map((s) => ({ ...s, ...parseReference(s.reference) })), cursor: latestIso(cursor, ...states.map((s) => s.updatedAt)) ?? cursor };
		},

		async getInventoryLevels(): Promise<InventoryLevel[]> {
			const out: InventoryLevel[] = [];
			let after: string | null = null;
			for (let guard = 0; guard < 10_000; guard++) {
				const d = await gql(Q_PRODUCTS, { first: 100, after }, { cost: 101, key: 'warehouse_products' });
				const conn = isObject(d.data) ? d.data : null;
				if (!conn || !Array.isArray(conn.edges)) throw malformed(NAME, 'warehouse_products answer has no edges');
				for (const e of conn.edges) {
					const n = isObject(e) && isObject(e.node) ? e.node : null;
					if (!n || !str(n.sku)) continue;
					out.push({ sku: String(n.sku), location: str(n.warehouse_identifier) ?? str(n.warehouse_id) ?? 'default', onHand: num(n.on_hand), available: num(n.available, num(n.on_hand) - num(n.allocated)) });
				}
				const pi = isObject(conn.pageInfo) ? conn.pageInfo : {};
				if (pi.hasNextPage !== true || !str(pi.endCursor)) break;
				after = String(pi.endCursor);
			}
			return out;
		},

		async testCredentials(): Promise<CredentialTestResult> {
			try {
				const d = await gql(Q_ACCOUNT, {}, { cost: 1, key: 'account' });
				const acct = isObject(d.data) ? d.data : {};
				return { ok: true, message: `connected as ${String(acct.username ?? acct.email ?? 'ShipHero user')}` };
			} catch (err) {
				return { ok: false, message: (err as Error).message };
			}
		},
	};
	return redacting(provider, deps) as typeof provider;
}
