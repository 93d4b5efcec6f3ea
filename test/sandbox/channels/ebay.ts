/**
 * eBay sandbox: OAuth token endpoint (refresh_token grant, Basic appId:certId, 7200 s), Sell Fulfillment getOrders
 * / getOrder / createShippingFulfillment (201 + Location), Sell Inventory bulk_update_price_quantity (≤25),
 * Post-Order cancellation ⚠. Facts: docs/architecture.md#vendor-api-facts (eBay): limit max 200 (400 above), offset paging with
 * href/next/prev/total, the filter's [ ] { } | percent-encoded (a raw bracket is refused ⚠ as a strict reading).
 * eBay documents daily quotas, not rates ⚠: per-operation buckets (default 5 rps burst 10) answer 429.
 */
import { SandboxBase, basicAuth, header, type Req, type Res, type SandboxOptions } from '../common';
import { type SeedOrder, lineTotal, money, subtotal, total } from '../generator';

export const EBAY_SANDBOX_CREDENTIALS = {
	appId: 'SandboxA-omswms-SBX-0a1b2c3d4-5e6f7a8b',
	certId: 'SBX-0a1b2c3d4e5f-6a7b-8c9d-0e1f-2a3b',
	refreshToken: 'v^1.1#i^1#r^1#sandbox-refresh-token-0001',
};

const LIMITS = {
	getOrders: { ratePerSec: 5, burst: 10 },
	getOrder: { ratePerSec: 5, burst: 10 },
	createShippingFulfillment: { ratePerSec: 5, burst: 10 },
	bulkUpdatePriceQuantity: { ratePerSec: 5, burst: 10 },
	cancellation: { ratePerSec: 5, burst: 10 },
};

const SERVICE: Record<string, string> = { standard: 'USPSPriority', economy: 'USPSParcel', expedited: 'UPS2ndDay', next_day: 'UPSNextDay', priority: 'USPSPriorityExpress', same_day: 'UPSNextDayAir', freight: 'FreightShipping' };

export class EbaySandbox extends SandboxBase {
	readonly name = 'ebay';
	readonly orders = new Map<string, SeedOrder>();
	readonly skus = new Set<string>();
	readonly received = {
		fulfillments: [] as Array<{ orderId: string; fulfillmentId: string; body: unknown }>,
		quantities: [] as Array<{ body: unknown }>,
		cancellations: [] as Array<{ body: unknown }>,
	};
	constructor(
		opts: SandboxOptions = {},
		readonly creds = EBAY_SANDBOX_CREDENTIALS,
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
			for (const l of o.lines) this.skus.add(l.sku);
		}
	}

	touch(id: string, patch: Partial<SeedOrder> = {}): void {
		this.bump();
		const o = this.orders.get(id);
		if (o) Object.assign(o, patch, { updatedAt: this.iso() });
	}

	render(o: SeedOrder): Record<string, unknown> {
		const cur = o.currency;
		const m = (n: number) => ({ value: money(n, cur), currency: cur });
		const ful = o.status === 'shipped' ? 'FULFILLED' : o.status === 'partially_shipped' ? 'IN_PROGRESS' : 'NOT_STARTED';
		const pay = o.status === 'pending' ? 'PENDING' : o.status === 'cancelled' ? 'FULLY_REFUNDED' : 'PAID';
		const a = o.shipTo;
		const created = Date.parse(o.createdAt);
		const addr = {
			addressLine1: a.line1,
			...(a.line2 ? { addressLine2: a.line2 } : {}),
			city: a.city,
			...(a.region ? { stateOrProvince: a.region } : {}),
			postalCode: a.postalCode,
			countryCode: a.country,
		};
		return {
			orderId: o.id,
			legacyOrderId: o.id,
			creationDate: o.createdAt,
			lastModifiedDate: o.updatedAt,
			orderFulfillmentStatus: ful,
			orderPaymentStatus: pay,
			sellerId: 'oms_wms_seller',
			buyer: {
				username: `${o.customer.firstName.toLowerCase()}_${o.customer.id}`,
				buyerRegistrationAddress: { fullName: o.customer.name, contactAddress: addr, ...(o.customer.phone ? { primaryPhone: { phoneNumber: o.customer.phone } } : {}), email: o.customer.email },
			},
			pricingSummary: { priceSubtotal: m(subtotal(o)), deliveryCost: m(o.shippingCost), ...(o.discount ? { priceDiscount: m(-o.discount) } : {}), tax: m(o.tax), total: m(total(o)) },
			cancelStatus: o.status === 'cancelled' ? { cancelState: 'CANCELED', cancelledDate: o.updatedAt, cancelRequests: [] } : { cancelState: 'NONE_REQUESTED', cancelRequests: [] },
			paymentSummary: {
				totalDueSeller: m(total(o)),
				payments: [{ paymentMethod: 'EBAY', paymentReferenceId: randomId(o.id), paymentStatus: pay === 'PENDING' ? 'PENDING' : 'PAID', amount: m(total(o)) }],
				refunds: [],
			},
			fulfillmentStartInstructions: [
				{
					fulfillmentInstructionsType: 'SHIP_TO',
					minEstimatedDeliveryDate: new Date(created + 3 * 86400_000).toISOString(),
					maxEstimatedDeliveryDate: new Date(created + 7 * 86400_000).toISOString(),
					ebaySupportedFulfillment: false,
					shippingStep: {
						shippingCarrierCode: SERVICE[o.shippingLevel].startsWith('UPS') ? 'UPS' : 'USPS',
						shippingServiceCode: SERVICE[o.shippingLevel] ?? 'USPSPriority',
						shipTo: { fullName: a.name, ...(a.company ? { companyName: a.company } : {}), contactAddress: addr, ...(a.phone ? { primaryPhone: { phoneNumber: a.phone } } : {}), email: o.customer.email },
					},
				},
			],
			fulfillmentHrefs: [],
			lineItems: o.lines.map((l, i) => ({
				lineItemId: `${o.id.replace(/\D/g, '').slice(-8)}${String(i + 1).padStart(3, '0')}`,
				legacyItemId: String(110000000000 + (l.sku.length * 7919 + i)),
				sku: l.sku,
				title: l.title,
				lineItemCost: m(lineTotal(l)),
				quantity: l.quantity,
				soldFormat: 'FIXED_PRICE',
				listingMarketplaceId: 'EBAY_US',
				purchaseMarketplaceId: 'EBAY_US',
				lineItemFulfillmentStatus: ful,
				total: m(lineTotal(l)),
				deliveryCost: { shippingCost: m(i === 0 ? o.shippingCost : 0) },
				appliedPromotions: [],
				taxes: [],
				properties: { buyerProtection: true },
				lineItemFulfillmentInstructions: { shipByDate: new Date(created + 2 * 86400_000).toISOString(), guaranteedDelivery: false },
			})),
			salesRecordReference: String(10000 + Number(o.id.replace(/\D/g, '').slice(-4))),
			totalFeeBasisAmount: m(total(o)),
		};
	}

	private err(status: number, errorId: number, message: string, extra: Record<string, string> = {}): Res {
		return { status, headers: extra, body: { errors: [{ errorId, domain: 'API_FULFILLMENT', category: 'REQUEST', message }] } };
	}

	protected throttleResponse(): Res {
		return { status: 429, body: { errors: [{ errorId: 2001, domain: 'ACCESS', category: 'REQUEST', message: 'Too many requests. The request limit has been reached for the resource.' }] } };
	}

	protected opOf(req: Req): string {
		const p = req.path;
		if (p === '/identity/v1/oauth2/token') return 'token';
		if (p === '/sell/fulfillment/v1/order') return 'getOrders';
		if (/\/shipping_fulfillment$/.test(p)) return 'createShippingFulfillment';
		if (p.startsWith('/sell/fulfillment/v1/order/')) return 'getOrder';
		if (p === '/sell/inventory/v1/bulk_update_price_quantity') return 'bulkUpdatePriceQuantity';
		if (p === '/post-order/v2/cancellation') return 'cancellation';
		return 'other';
	}

	protected route(req: Req): Res {
		const op = this.opOf(req);
		if (op === 'token') return this.token(req);
		const auth = header(req, 'authorization') ?? '';
		const scheme = op === 'cancellation' ? 'IAF ' : 'Bearer ';
		const state = auth.startsWith(scheme) ? this.checkToken(auth.slice(scheme.length)) : 'missing';
		if (state !== 'ok') return { status: 401, body: { errors: [{ errorId: 1001, domain: 'OAuth', category: 'REQUEST', message: 'Invalid access token', longMessage: 'Invalid access token. Check the value of the Authorization HTTP request header.' }] } };
		if (op !== 'other' && !this.admit(op)) return this.throttleResponse();
		switch (op) {
			case 'getOrders':
				return this.getOrders(req);
			case 'getOrder': {
				const id = decodeURIComponent(req.path.split('/').pop() ?? '');
				const o = this.orders.get(id);
				return o ? { status: 200, body: this.render(o) } : this.err(404, 32100, `Order ${id} not found`);
			}
			case 'createShippingFulfillment':
				return this.fulfil(req);
			case 'bulkUpdatePriceQuantity':
				return this.bulk(req);
			case 'cancellation': {
				const b = req.body as { legacyOrderId?: string; cancelReason?: string } | undefined;
				if (!b?.legacyOrderId || !this.orders.has(b.legacyOrderId)) return { status: 400, body: { error: [{ errorId: 1617, message: 'Invalid order id' }] } };
				this.received.cancellations.push({ body: b });
				return { status: 201, body: { cancelId: 5000000000 + this.received.cancellations.length, cancelStatus: 'CANCEL_REQUESTED' } };
			}
		}
		return this.err(404, 2002, `Resource not found: ${req.path}`);
	}

	private token(req: Req): Res {
		const ba = basicAuth(req);
		const b = (req.body ?? {}) as Record<string, string>;
		if (!ba || ba.user !== this.creds.appId || ba.pass !== this.creds.certId) return { status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } };
		if (b.grant_type !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type in request is not supported by the authorization server' } };
		if (b.refresh_token !== this.creds.refreshToken) return { status: 400, body: { error: 'invalid_grant', error_description: 'the provided authorization refresh token is invalid or was issued to another client' } };
		if (!b.scope || !/sell\.fulfillment/.test(b.scope)) return { status: 400, body: { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client' } };
		const t = this.issueToken('v^1.1#i^1#p^3#f^0#I^3#r^0#t^', 7200);
		return { status: 200, body: { access_token: t.token, expires_in: t.expiresIn, token_type: 'User Access Token' } };
	}

	private getOrders(req: Req): Res {
		const q = req.query;
		const limit = q.get('limit') ? Number(q.get('limit')) : 50;
		const offset = q.get('offset') ? Number(q.get('offset')) : 0;
		if (!Number.isInteger(limit) || limit < 1 || limit > 200) return this.err(400, 30700, 'Invalid limit. Supported ranges 1 - 200.');
		if (!Number.isInteger(offset) || offset < 0) return this.err(400, 30700, 'Invalid offset.');
		const rawFilter = /(?:^|&)filter=([^&]*)/.exec(req.rawQuery)?.[1];
		let from = -Infinity;
		let to = Infinity;
		let field: 'createdAt' | 'updatedAt' = 'createdAt';
		if (rawFilter !== undefined) {
			if (/[[\]{}|]/.test(rawFilter)) return this.err(400, 30800, 'Invalid filter. The characters [ ] { } | must be URL encoded.');
			const f = decodeURIComponent(rawFilter);
			const cd = /creationdate:\[([^\]]*)\]/.exec(f);
			const lm = /lastmodifieddate:\[([^\]]*)\]/.exec(f);
			const range = cd ?? lm;
			if (!range && !/orderfulfillmentstatus/.test(f)) return this.err(400, 30800, `Invalid filter: ${f}`);
			if (range) {
				field = cd ? 'createdAt' : 'updatedAt';
				const [a, b] = range[1].split('..');
				if (a) from = Date.parse(a);
				if (b) to = Date.parse(b);
				if (Number.isNaN(from) || Number.isNaN(to)) return this.err(400, 30800, 'Invalid date in filter.');
			}
		} else from = this.now() - 90 * 86400_000;
		const list = this.memo(`getOrders|${field}|${from}|${to}`, () =>
			[...this.orders.values()]
				.map((o) => ({ o, t: Date.parse(o[field]) }))
				.filter((x) => x.t >= from && x.t <= to)
				.sort((x, y) => x.t - y.t || x.o.id.localeCompare(y.o.id))
				.map((x) => x.o),
		);
		const href = `${this.url}/sell/fulfillment/v1/order?${req.rawQuery}`;
		const mk = (off: number) => `${this.url}/sell/fulfillment/v1/order?${req.rawQuery.replace(/(^|&)offset=\d+/, '')}&offset=${off}`.replace('?&', '?');
		const page = list.slice(offset, offset + limit);
		return {
			status: 200,
			body: {
				href,
				total: list.length,
				limit,
				offset,
				...(offset + limit < list.length ? { next: mk(offset + limit) } : {}),
				...(offset > 0 ? { prev: mk(Math.max(0, offset - limit)) } : {}),
				orders: page.map((o) => this.render(o)),
				warnings: [],
			},
		};
	}

	private fulfil(req: Req): Res {
		const orderId = decodeURIComponent(req.path.split('/')[5] ?? '');
		const o = this.orders.get(orderId);
		if (!o) return this.err(404, 32100, `Order ${orderId} not found`);
		const b = req.body as { lineItems?: Array<{ lineItemId?: string; quantity?: number }>; shippedDate?: string; shippingCarrierCode?: string; trackingNumber?: string } | undefined;
		if (!b?.lineItems?.length) return this.err(400, 32200, 'lineItems is required');
		if (!b.shippingCarrierCode || !b.trackingNumber) return this.err(400, 32200, 'shippingCarrierCode and trackingNumber are required');
		if (b.shippedDate && Number.isNaN(Date.parse(b.shippedDate))) return this.err(400, 32200, 'Invalid shippedDate');
		const ids = new Set((this.render(o).lineItems as Array<{ lineItemId: string }>).map((l) => l.lineItemId));
		for (const li of b.lineItems) if (!li.lineItemId || !ids.has(li.lineItemId)) return this.err(400, 32100, `Invalid lineItemId ${li.lineItemId}`);
		const fulfillmentId = b.trackingNumber;
		this.received.fulfillments.push({ orderId, fulfillmentId, body: b });
		o.status = 'shipped';
		o.updatedAt = this.iso();
		this.bump();
		return { status: 201, headers: { location: `${this.url}/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/${encodeURIComponent(fulfillmentId)}` } };
	}

	private bulk(req: Req): Res {
		const b = req.body as { requests?: Array<{ sku?: string; shipToLocationAvailability?: { quantity?: number }; offers?: unknown[] }> } | undefined;
		if (!b?.requests?.length) return { status: 400, body: { errors: [{ errorId: 25709, domain: 'API_INVENTORY', message: 'requests is required' }] } };
		if (b.requests.length > 25) return { status: 400, body: { errors: [{ errorId: 25709, domain: 'API_INVENTORY', message: 'Maximum 25 requests per call' }] } };
		this.received.quantities.push({ body: b });
		return {
			status: 200,
			body: {
				responses: b.requests.map((r) =>
					r.sku && this.skus.has(r.sku)
						? { statusCode: 200, sku: r.sku, offerId: `${5000000 + [...this.skus].indexOf(r.sku)}`, errors: [], warnings: [] }
						: { statusCode: 404, sku: r.sku, errors: [{ errorId: 25702, message: `SKU ${r.sku} is not available` }], warnings: [] },
				),
			},
		};
	}
}

function randomId(seed: string): string {
	return `${seed.replace(/\D/g, '')}PAY`;
}
