/**
 * Walmart Marketplace (US) sandbox: POST /v3/token (client credentials, Basic, 900 s), GET /v3/orders with
 * lastModifiedStartDate/createdStartDate, limit ≤ 200 and nextCursor paging, GET /v3/orders/released,
 * GET /v3/orders/{po}, POST …/acknowledge, …/shipping, …/cancel, PUT /v3/inventory?sku=.
 * Facts: docs/architecture.md#vendor-api-facts (Walmart): the WM_SVC.NAME / WM_QOS.CORRELATION_ID / WM_SEC.ACCESS_TOKEN header set is
 * required (401 without); per-API token buckets reported in x-current-token-count and x-next-replenishment-time
 * (plus x-max-token-count ⚠) with 429 when empty; line-level statuses; auto-cancel of lines not shipped by
 * estimated ship date + 8 days. Bucket sizes are ⚠ (the same assumptions as the client).
 * Assumed ⚠: "no orders" is 404 CONTENT_NOT_FOUND; a quantity > 1 is split into one order line per unit.
 */
import { randomBytes } from 'node:crypto';
import { SandboxBase, basicAuth, header, type Req, type Res, type SandboxOptions } from '../common';
import { type SeedOrder, money } from '../generator';

export const WALMART_SANDBOX_CREDENTIALS = {
	clientId: 'walmart-sandbox-client-0001',
	clientSecret: 'walmart-sandbox-secret-0001-very-secret',
};

const LIMITS = {
	getAllOrders: { ratePerSec: 1, burst: 20 },
	getOrder: { ratePerSec: 2, burst: 20 },
	acknowledge: { ratePerSec: 2, burst: 20 },
	shipping: { ratePerSec: 2, burst: 20 },
	cancel: { ratePerSec: 2, burst: 20 },
	updateInventory: { ratePerSec: 2, burst: 20 },
};

const METHOD: Record<string, string> = { standard: 'Standard', economy: 'Value', expedited: 'Express', next_day: 'OneDay', priority: 'Express', same_day: 'OneDay', freight: 'Freight' };

interface LineState {
	status: string;
	tracking?: unknown;
	reason?: string;
}

export class WalmartSandbox extends SandboxBase {
	readonly name = 'walmart';
	readonly orders = new Map<string, SeedOrder>();
	/** line statuses by purchaseOrderId and lineNumber */
	readonly lineState = new Map<string, Map<string, LineState>>();
	readonly received = {
		acknowledgements: [] as string[],
		shipments: [] as Array<{ purchaseOrderId: string; body: unknown }>,
		cancellations: [] as Array<{ purchaseOrderId: string; body: unknown }>,
		inventory: [] as Array<{ sku: string; query: Record<string, string>; body: unknown }>,
	};
	constructor(
		opts: SandboxOptions = {},
		readonly creds = WALMART_SANDBOX_CREDENTIALS,
	) {
		super(opts);
	}

	protected limits() {
		return LIMITS;
	}

	addOrders(orders: SeedOrder[]): void {
		this.bump();
		for (const o of orders) {
			this.orders.set(o.id, o);
			const m = new Map<string, LineState>();
			let n = 0;
			for (const l of o.lines)
				for (let u = 0; u < l.quantity; u++)
					m.set(String(++n), { status: o.status === 'cancelled' ? 'Cancelled' : o.status === 'shipped' ? 'Shipped' : 'Created' });
			this.lineState.set(o.id, m);
		}
	}

	touch(id: string, patch: Partial<SeedOrder> = {}): void {
		this.bump();
		const o = this.orders.get(id);
		if (o) Object.assign(o, patch, { updatedAt: this.iso() });
	}

	private lastModified(o: SeedOrder): number {
		return Date.parse(o.updatedAt);
	}

	render(o: SeedOrder): Record<string, unknown> {
		const created = Date.parse(o.createdAt);
		const estShip = created + 2 * 86400_000;
		const states = this.lineState.get(o.id) ?? new Map<string, LineState>();
		const lines: unknown[] = [];
		let n = 0;
		// the order's tax spread over its unit lines in cents, the remainder on the last one
		const units = Math.max(1, o.lines.reduce((s, x) => s + x.quantity, 0));
		const taxCents = Math.round(o.tax * 100);
		const baseTax = Math.floor(taxCents / units);
		for (const l of o.lines) {
			for (let u = 0; u < l.quantity; u++) {
				const num = String(++n);
				const unitTax = (baseTax + (n === units ? taxCents - baseTax * units : 0)) / 100;
				const st = states.get(num) ?? { status: 'Created' };
				// auto-cancel: a line not Shipped by estimated ship date + 8 days ✔ (§5.4)
				if ((st.status === 'Created' || st.status === 'Acknowledged') && this.now() > estShip + 8 * 86400_000) {
					st.status = 'Cancelled';
					st.reason = 'SELLER_CANCEL_AUTO';
				}
				const charges: unknown[] = [
					{ chargeType: 'PRODUCT', chargeName: 'ItemPrice', chargeAmount: { currency: 'USD', amount: Number(money(l.unitPrice)) }, tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: unitTax } } },
				];
				if (n === 1 && o.shippingCost) charges.push({ chargeType: 'SHIPPING', chargeName: 'Shipping', chargeAmount: { currency: 'USD', amount: o.shippingCost }, tax: null });
				lines.push({
					lineNumber: num,
					item: { productName: l.title, sku: l.sku },
					charges: { charge: charges },
					orderLineQuantity: { unitOfMeasurement: 'EACH', amount: '1' },
					statusDate: Date.parse(o.updatedAt),
					orderLineStatuses: {
						orderLineStatus: [
							{
								status: st.status,
								statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' },
								...(st.reason ? { cancellationReason: st.reason } : {}),
								...(st.tracking ? { trackingInfo: st.tracking } : {}),
							},
						],
					},
					fulfillment: { fulfillmentOption: 'S2H', shipMethod: (METHOD[o.shippingLevel] ?? 'Standard').toUpperCase(), pickUpDateTime: estShip },
				});
			}
		}
		const a = o.shipTo;
		return {
			purchaseOrderId: o.id,
			customerOrderId: String(5_200_000_000_000 + Number(o.id.slice(-6))),
			customerEmailId: `${randomHex(o.customer.email)}@relay.walmart.com`,
			orderDate: created,
			shippingInfo: {
				phone: (a.phone ?? '0000000000').replace(/^\+1/, ''),
				estimatedDeliveryDate: created + 6 * 86400_000,
				estimatedShipDate: estShip,
				methodCode: METHOD[o.shippingLevel] ?? 'Standard',
				postalAddress: { name: a.name, address1: a.line1, ...(a.line2 ? { address2: a.line2 } : {}), city: a.city, state: a.region, postalCode: a.postalCode, country: 'USA', addressType: a.company ? 'COMMERCIAL' : 'RESIDENTIAL' },
			},
			orderLines: { orderLine: lines },
			shipNode: { type: 'SellerFulfilled' },
		};
	}

	private tokenHeaders(op: string): Record<string, string> {
		const b = this.bucket(op);
		if (!b) return {};
		const avail = Math.floor(b.available);
		const next = this.now() + Math.ceil(((1 - (b.available - avail)) / b.ratePerSec) * 1000);
		return { 'x-current-token-count': String(avail), 'x-next-replenishment-time': String(next), 'x-max-token-count': String(b.burst) };
	}

	private err(status: number, code: string, description: string, headers: Record<string, string> = {}): Res {
		return { status, headers, body: { errors: { error: [{ code, field: 'data', description, info: description, severity: 'ERROR', category: 'DATA', causes: [], errorIdentifiers: {} }] } } };
	}

	protected throttleResponse(op: string): Res {
		return this.err(429, 'REQUEST_THRESHOLD_VIOLATED.GMP_ORDER_API', 'Too many requests', this.tokenHeaders(op));
	}

	protected opOf(req: Req): string {
		const p = req.path;
		if (p === '/v3/token') return 'token';
		if (p === '/v3/orders' || p === '/v3/orders/released') return 'getAllOrders';
		if (/^\/v3\/orders\/[^/]+\/acknowledge$/.test(p)) return 'acknowledge';
		if (/^\/v3\/orders\/[^/]+\/shipping$/.test(p)) return 'shipping';
		if (/^\/v3\/orders\/[^/]+\/cancel$/.test(p)) return 'cancel';
		if (/^\/v3\/orders\/[^/]+$/.test(p)) return 'getOrder';
		if (p === '/v3/inventory') return 'updateInventory';
		return 'other';
	}

	protected route(req: Req): Res {
		const op = this.opOf(req);
		if (!header(req, 'wm_svc.name') || !header(req, 'wm_qos.correlation_id'))
			return this.err(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'WM_SVC.NAME and WM_QOS.CORRELATION_ID headers are required');
		if (op === 'token') return this.token(req);
		const state = this.checkToken(header(req, 'wm_sec.access_token'));
		if (state !== 'ok') return this.err(401, 'UNAUTHORIZED.GMP_GATEWAY_API', state === 'expired' ? 'Token expired' : 'Unauthorized');
		if (op !== 'other' && !this.admit(op)) return this.throttleResponse(op);
		const th = this.tokenHeaders(op);
		const wrap = (r: Res): Res => ({ ...r, headers: { ...th, ...(r.headers ?? {}) } });
		const po = decodeURIComponent(req.path.split('/')[3] ?? '');
		switch (op) {
			case 'getAllOrders':
				return wrap(this.list(req));
			case 'getOrder': {
				const o = this.orders.get(po);
				return wrap(o ? { status: 200, body: { order: this.render(o) } } : this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`));
			}
			case 'acknowledge': {
				const o = this.orders.get(po);
				if (!o) return wrap(this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`));
				for (const st of this.lineState.get(po)?.values() ?? []) if (st.status === 'Created') st.status = 'Acknowledged';
				this.received.acknowledgements.push(po);
				o.updatedAt = this.iso();
		this.bump();
				return wrap({ status: 200, body: { order: this.render(o) } });
			}
			case 'shipping':
				return wrap(this.ship(po, req));
			case 'cancel':
				return wrap(this.cancel(po, req));
			case 'updateInventory': {
				const sku = req.query.get('sku');
				const b = req.body as { sku?: string; quantity?: { unit?: string; amount?: number } } | undefined;
				if (req.method !== 'PUT') return wrap(this.err(405, 'METHOD_NOT_ALLOWED', 'PUT only'));
				if (!sku || !b?.sku || b.sku !== sku || b.quantity?.unit !== 'EACH' || typeof b.quantity.amount !== 'number')
					return wrap(this.err(400, 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API', 'sku query parameter and body {sku, quantity:{unit:"EACH", amount}} are required'));
				this.received.inventory.push({ sku, query: Object.fromEntries(req.query), body: b });
				return wrap({ status: 200, body: { sku, quantity: b.quantity } });
			}
		}
		return this.err(404, 'CONTENT_NOT_FOUND', `No route ${req.method} ${req.path}`);
	}

	private token(req: Req): Res {
		const ba = basicAuth(req);
		if (!ba || ba.user !== this.creds.clientId || ba.pass !== this.creds.clientSecret) return this.err(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'Invalid client credentials');
		const b = (req.body ?? {}) as Record<string, string>;
		if (b.grant_type !== 'client_credentials') return this.err(400, 'INVALID_REQUEST_PARAM', 'grant_type must be client_credentials');
		const t = this.issueToken('eyJraWQiOiJ', 900);
		return { status: 200, body: { access_token: t.token, token_type: 'Bearer', expires_in: t.expiresIn } };
	}

	private readonly cursors = new Map<string, string[]>();

	private list(req: Req): Res {
		const q = req.query;
		const limit = q.get('limit') ? Number(q.get('limit')) : 100;
		if (!Number.isInteger(limit) || limit < 1 || limit > 200) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'limit must be between 1 and 200');
		let ids: string[];
		let offset = 0;
		const cursorId = q.get('cursorId');
		if (q.get('hasMoreElements') === 'true' && cursorId) {
			const snap = this.cursors.get(cursorId);
			if (!snap) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'nextCursor is invalid or expired');
			ids = snap;
			offset = Number(q.get('poIndex') ?? 0);
		} else {
			const released = req.path.endsWith('/released');
			const lm = q.get('lastModifiedStartDate');
			const cs = q.get('createdStartDate') ?? (lm ? undefined : new Date(this.now() - 7 * 86400_000).toISOString());
			const from = lm ? Date.parse(lm) : Date.parse(cs as string);
			const lmEnd = q.get('lastModifiedEndDate');
			const csEnd = q.get('createdEndDate');
			if (Number.isNaN(from)) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'invalid date');
			const statusFilter = q.get('status');
			ids = [...this.orders.values()]
				.filter((o) => {
					const t = lm ? this.lastModified(o) : Date.parse(o.createdAt);
					if (t < from) return false;
					if (lmEnd && this.lastModified(o) > Date.parse(lmEnd)) return false;
					if (csEnd && Date.parse(o.createdAt) > Date.parse(csEnd)) return false;
					const sts = [...(this.lineState.get(o.id)?.values() ?? [])].map((s) => s.status);
					if (released && !sts.includes('Created')) return false;
					if (statusFilter && !sts.includes(statusFilter)) return false;
					return true;
				})
				.sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt) || x.id.localeCompare(y.id))
				.map((o) => o.id);
			if (!ids.length) return this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', 'No orders found for the given search criteria');
		}
		const page = ids.slice(offset, offset + limit);
		let nextCursor: string | null = null;
		if (offset + limit < ids.length) {
			const id = cursorId ?? randomBytes(8).toString('hex');
			this.cursors.set(id, ids);
			nextCursor = `?limit=${limit}&hasMoreElements=true&soIndex=${ids.length}&poIndex=${offset + limit}&sellerId=8&cursorId=${id}`;
		}
		return {
			status: 200,
			body: { list: { meta: { totalCount: ids.length, limit, nextCursor }, elements: { order: page.map((id) => this.render(this.orders.get(id) as SeedOrder)) } } },
		};
	}

	private ship(po: string, req: Req): Res {
		const o = this.orders.get(po);
		if (!o) return this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`);
		const lines = (req.body as { orderShipment?: { orderLines?: { orderLine?: Array<Record<string, unknown>> } } } | undefined)?.orderShipment?.orderLines?.orderLine;
		if (!Array.isArray(lines) || !lines.length) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'orderShipment.orderLines.orderLine is required');
		const states = this.lineState.get(po) as Map<string, LineState>;
		for (const l of lines) {
			const st = states.get(String(l.lineNumber));
			const s = (l.orderLineStatuses as { orderLineStatus?: Array<Record<string, unknown>> } | undefined)?.orderLineStatus?.[0];
			if (!st) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `lineNumber ${String(l.lineNumber)} is not in ${po}`);
			const ti = s?.trackingInfo as Record<string, unknown> | undefined;
			if (s?.status !== 'Shipped' || !ti?.trackingNumber || !ti.carrierName || typeof ti.shipDateTime !== 'number')
				return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'orderLineStatus needs status Shipped, statusQuantity and trackingInfo {shipDateTime (epoch ms), carrierName, methodCode, trackingNumber}');
			if (st.status === 'Cancelled') return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${String(l.lineNumber)} is cancelled`);
		}
		for (const l of lines) {
			const st = states.get(String(l.lineNumber)) as LineState;
			st.status = 'Shipped';
			st.tracking = (l.orderLineStatuses as { orderLineStatus: Array<{ trackingInfo: unknown }> }).orderLineStatus[0].trackingInfo;
		}
		this.received.shipments.push({ purchaseOrderId: po, body: req.body });
		o.updatedAt = this.iso();
		this.bump();
		return { status: 200, body: { order: this.render(o) } };
	}

	private cancel(po: string, req: Req): Res {
		const o = this.orders.get(po);
		if (!o) return this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`);
		const lines = (req.body as { orderCancellation?: { orderLines?: { orderLine?: Array<Record<string, unknown>> } } } | undefined)?.orderCancellation?.orderLines?.orderLine;
		if (!Array.isArray(lines) || !lines.length) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'orderCancellation.orderLines.orderLine is required');
		const states = this.lineState.get(po) as Map<string, LineState>;
		for (const l of lines) {
			const st = states.get(String(l.lineNumber));
			if (!st) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `lineNumber ${String(l.lineNumber)} is not in ${po}`);
			if (st.status === 'Shipped') return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${String(l.lineNumber)} is already shipped`);
		}
		for (const l of lines) {
			const st = states.get(String(l.lineNumber)) as LineState;
			this.bump();
			st.status = 'Cancelled';
			st.reason = String((l.orderLineStatuses as { orderLineStatus?: Array<{ cancellationReason?: string }> })?.orderLineStatus?.[0]?.cancellationReason ?? 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL');
		}
		this.received.cancellations.push({ purchaseOrderId: po, body: req.body });
		o.updatedAt = this.iso();
		this.bump();
		return { status: 200, body: { order: this.render(o) } };
	}
}

function randomHex(seed: string): string {
	let h = 0;
	for (const ch of seed) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
	return (h.toString(16).toUpperCase() + '0'.repeat(32)).slice(0, 32);
}
