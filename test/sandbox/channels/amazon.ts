/**
 * Amazon SP-API sandbox: LWA token endpoint, Orders API 2026-01-01 searchOrders/getOrder, Orders v0
 * confirmShipment, Listings Items patchListingsItem, Sellers marketplaceParticipations.
 * Facts: docs/architecture.md#vendor-api-facts (Amazon) — per-operation token buckets with x-amzn-RateLimit-Limit
 * and 429 QuotaExceeded; paginationToken valid only with identical other parameters (maxResultsPerPage and
 * includedData may change), expiring after 24 h; createdBefore/lastUpdatedBefore at least 2 minutes old;
 * expired tokens answered 403 Unauthorized ⚠; confirmShipment 204.
 * Bodies follow amazon-searchOrders-2026-01-01.json / amazon-getOrder-2026-01-01.json in shape.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SandboxBase, header, type Req, type Res, type SandboxOptions } from '../common';
import { type SeedOrder, lineTotal, money, subtotal, total } from '../generator';

export const AMAZON_SANDBOX_CREDENTIALS = {
	lwaClientId: 'amzn1.application-oa2-client.sandbox0001',
	lwaClientSecret: 'amzn1.oa2-cs.v1.sandboxsecret0001',
	refreshToken: 'Atzr|IwEBIsandboxrefreshtoken0001',
	sellerId: 'A3SANDBOXSELLER',
	marketplaceIds: ['ATVPDKIKX0DER'],
};

const LIMITS = {
	searchOrders: { ratePerSec: 0.0056, burst: 20 },
	getOrder: { ratePerSec: 0.5, burst: 30 },
	confirmShipment: { ratePerSec: 2, burst: 10 },
	patchListingsItem: { ratePerSec: 5, burst: 5 },
	getMarketplaceParticipations: { ratePerSec: 0.016, burst: 15 },
};

const LEVEL: Record<string, string> = { standard: 'STANDARD', expedited: 'EXPEDITED', next_day: 'NEXT_DAY', economy: 'FREE_ECONOMY', priority: 'PRIORITY', same_day: 'SAME_DAY', freight: 'SCHEDULED' };
const STATUS: Record<string, string> = { paid: 'UNSHIPPED', pending: 'PENDING', cancelled: 'CANCELLED', shipped: 'SHIPPED', partially_shipped: 'PARTIALLY_SHIPPED' };

interface PageToken {
	sig: string;
	ids: string[];
	offset: number;
	expires: number;
	bound: { key: string; value: string };
}

export class AmazonSandbox extends SandboxBase {
	readonly name = 'amazon';
	readonly orders = new Map<string, SeedOrder>();
	readonly received = {
		shipments: [] as Array<{ orderId: string; body: unknown }>,
		listings: [] as Array<{ sellerId: string; sku: string; query: Record<string, string>; body: unknown }>,
	};
	private readonly pageTokens = new Map<string, PageToken>();
	constructor(
		opts: SandboxOptions = {},
		readonly creds = AMAZON_SANDBOX_CREDENTIALS,
	) {
		super(opts);
	}

	protected limits() {
		return LIMITS;
	}

	addOrders(orders: SeedOrder[]): void {
		this.bump();
		for (const o of orders) this.orders.set(o.id, o);
	}

	/** Change an order now (e.g. to test cursors) */
	touch(id: string, patch: Partial<SeedOrder> = {}): void {
		this.bump();
		const o = this.orders.get(id);
		if (o) Object.assign(o, patch, { updatedAt: this.iso() });
	}

	/** The 2026-01-01 Order object */
	render(o: SeedOrder): Record<string, unknown> {
		const cur = o.currency;
		const m = (n: number) => ({ amount: money(n, cur), currencyCode: cur });
		const status = STATUS[o.status];
		const shipped = o.status === 'shipped';
		const a = o.shipTo;
		const created = Date.parse(o.createdAt);
		return {
			orderId: o.id,
			orderAliases: [{ aliasId: `SO-${o.id.slice(-7)}`, aliasType: 'SELLER_ORDER_ID' }],
			createdTime: o.createdAt.replace(/\.\d{3}Z$/, 'Z'),
			lastUpdatedTime: o.updatedAt.replace(/\.\d{3}Z$/, 'Z'),
			programs: o.shippingLevel === 'next_day' ? ['PRIME'] : [],
			salesChannel: { channelName: 'AMAZON', marketplaceId: this.creds.marketplaceIds[0], marketplaceName: 'Amazon.com' },
			buyer: {
				buyerName: o.customer.name,
				buyerEmail: `${createHash('sha1').update(o.customer.email).digest('hex').slice(0, 16)}@marketplace.amazon.com`,
			},
			...(status === 'PENDING'
				? {}
				: {
						recipient: {
							deliveryAddress: {
								name: a.name,
								...(a.company ? { companyName: a.company } : {}),
								addressLine1: a.line1,
								...(a.line2 ? { addressLine2: a.line2 } : {}),
								city: a.city,
								...(a.region ? { stateOrRegion: a.region } : {}),
								postalCode: a.postalCode,
								countryCode: a.country,
								...(a.phone ? { phone: a.phone } : {}),
								addressType: a.company ? 'COMMERCIAL' : 'RESIDENTIAL',
							},
						},
					}),
			proceeds: {
				grandTotal: m(total(o)),
				breakdowns: [
					{ type: 'ITEM', subtotal: m(subtotal(o)) },
					{ type: 'SHIPPING', subtotal: m(o.shippingCost) },
					{ type: 'TAX', subtotal: m(o.tax) },
					...(o.discount ? [{ type: 'DISCOUNT', subtotal: m(-o.discount) }] : []),
				],
			},
			fulfillment: {
				fulfillmentStatus: status,
				fulfilledBy: 'MERCHANT',
				fulfillmentServiceLevel: LEVEL[o.shippingLevel] ?? 'STANDARD',
				shipByWindow: { earliestDateTime: new Date(created).toISOString().replace(/\.\d{3}Z$/, 'Z'), latestDateTime: new Date(created + 2 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
				deliverByWindow: { earliestDateTime: new Date(created + 3 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), latestDateTime: new Date(created + 7 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
			},
			orderItems: o.lines.map((l, i) => ({
				orderItemId: `${o.id.replace(/\D/g, '').slice(-8)}${String(i + 1).padStart(6, '0')}`,
				quantityOrdered: l.quantity,
				product: {
					asin: `B0${createHash('md5').update(l.sku).digest('hex').slice(0, 8).toUpperCase()}`,
					title: l.title,
					sellerSku: l.sku,
					condition: { conditionType: 'NEW', conditionSubtype: 'NEW' },
					price: { unitPrice: m(l.unitPrice) },
				},
				proceeds: { proceedsTotal: m(lineTotal(l)), breakdowns: [{ type: 'ITEM', subtotal: m(lineTotal(l)) }] },
				fulfillment: { quantityFulfilled: shipped ? l.quantity : 0, quantityUnfulfilled: shipped ? 0 : l.quantity },
			})),
			...(shipped ? { packages: [{ packageReferenceId: '1', carrier: 'UPS', trackingNumber: `1Z${o.id.replace(/\D/g, '').slice(-10)}`, shippingService: 'UPS Ground', shipTime: o.updatedAt, packageStatus: { status: 'IN_TRANSIT' } }] } : {}),
		};
	}

	private err(status: number, code: string, message: string, extra: Record<string, string> = {}): Res {
		return { status, headers: { 'x-amzn-requestid': randomBytes(8).toString('hex'), ...extra }, body: { errors: [{ code, message, details: '' }] } };
	}

	protected throttleResponse(op: string): Res {
		return this.err(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.', this.rateHeaders(op));
	}

	private rateHeaders(op: string): Record<string, string> {
		const spec = this.limitFor(op) ?? LIMITS[op as keyof typeof LIMITS];
		return spec ? { 'x-amzn-ratelimit-limit': String(spec.ratePerSec / this.timeScale) } : {};
	}

	protected opOf(req: Req): string {
		const p = req.path;
		if (p === '/auth/o2/token') return 'lwa';
		if (p === '/orders/2026-01-01/orders') return 'searchOrders';
		if (p.startsWith('/orders/2026-01-01/orders/')) return 'getOrder';
		if (p.endsWith('/shipmentConfirmation')) return 'confirmShipment';
		if (p.startsWith('/listings/2021-08-01/items/')) return 'patchListingsItem';
		if (p.startsWith('/sellers/v1/marketplaceParticipations')) return 'getMarketplaceParticipations';
		return 'other';
	}

	protected route(req: Req): Res {
		const op = this.opOf(req);
		if (op === 'lwa') return this.lwa(req);
		const auth = this.checkToken(header(req, 'x-amz-access-token'));
		if (auth !== 'ok')
			return this.err(403, 'Unauthorized', 'Access to requested resource is denied.', {}) as Res & { body: unknown };
		if (op !== 'other' && !this.admit(op)) return this.throttleResponse(op);
		const rh = this.rateHeaders(op);
		const withRate = (r: Res): Res => ({ ...r, headers: { 'x-amzn-requestid': randomBytes(8).toString('hex'), ...rh, ...(r.headers ?? {}) } });
		switch (op) {
			case 'searchOrders':
				return withRate(this.search(req));
			case 'getOrder': {
				const id = decodeURIComponent(req.path.split('/').pop() ?? '');
				const o = this.orders.get(id);
				return withRate(o ? { status: 200, body: { order: this.render(o) } } : this.err(404, 'NotFound', `Order ${id} not found`));
			}
			case 'confirmShipment':
				return withRate(this.confirm(req));
			case 'patchListingsItem':
				return withRate(this.patchListing(req));
			case 'getMarketplaceParticipations':
				return withRate({
					status: 200,
					body: { payload: [{ marketplace: { id: this.creds.marketplaceIds[0], name: 'Amazon.com', countryCode: 'US', defaultCurrencyCode: 'USD', defaultLanguageCode: 'en_US', domainName: 'www.amazon.com' }, participation: { isParticipating: true, hasSuspendedListings: false } }] },
				});
		}
		return this.err(404, 'NotFound', `No route ${req.method} ${req.path}`);
	}

	private lwa(req: Req): Res {
		const b = (req.body ?? {}) as Record<string, string>;
		if (req.method !== 'POST') return { status: 405, body: { error: 'invalid_request' } };
		if (b.client_id !== this.creds.lwaClientId || b.client_secret !== this.creds.lwaClientSecret)
			return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
		if (b.grant_type !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type' } };
		if (b.refresh_token !== this.creds.refreshToken) return { status: 400, body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' } };
		const t = this.issueToken('Atza|', 3600);
		return { status: 200, body: { access_token: t.token, refresh_token: this.creds.refreshToken, token_type: 'bearer', expires_in: t.expiresIn } };
	}

	private search(req: Req): Res {
		const q = req.query;
		const max = q.get('maxResultsPerPage') ? Number(q.get('maxResultsPerPage')) : 100;
		if (!Number.isInteger(max) || max < 1 || max > 100) return this.err(400, 'InvalidInput', 'maxResultsPerPage must be between 1 and 100');
		const sigParams = [...new Set(q.keys())].filter((k) => !['paginationToken', 'maxResultsPerPage', 'includedData'].includes(k)).sort().map((k) => `${k}=${q.getAll(k).join(',')}`).join('&');
		const token = q.get('paginationToken');
		let page: PageToken;
		if (token) {
			const t = this.pageTokens.get(token);
			if (!t) return this.err(400, 'InvalidInput', 'Invalid paginationToken');
			if (this.now() > t.expires) return this.err(400, 'InvalidInput', 'paginationToken has expired');
			if (t.sig !== sigParams) return this.err(400, 'InvalidInput', 'Parameters other than maxResultsPerPage and includedData must not change when paginationToken is used');
			this.pageTokens.delete(token);
			page = t;
		} else {
			if (!q.get('marketplaceIds')) return this.err(400, 'InvalidInput', 'marketplaceIds is required');
			const ca = q.get('createdAfter');
			const ua = q.get('lastUpdatedAfter');
			if ((ca ? 1 : 0) + (ua ? 1 : 0) !== 1) return this.err(400, 'InvalidInput', 'Exactly one of createdAfter and lastUpdatedAfter is required');
			const settle = this.now() - 120_000 * this.timeScale;
			const beforeKey = ca ? 'createdBefore' : 'lastUpdatedBefore';
			const beforeParam = q.get(beforeKey);
			if (beforeParam && Date.parse(beforeParam) > settle) return this.err(400, 'InvalidInput', `${beforeKey} must be at least 2 minutes before the time of the request`);
			const after = Date.parse((ca ?? ua) as string);
			if (!Number.isFinite(after)) return this.err(400, 'InvalidInput', `${ca ? 'createdAfter' : 'lastUpdatedAfter'} is not an ISO 8601 date`);
			const before = beforeParam ? Date.parse(beforeParam) : settle;
			const field = ca ? 'createdAt' : 'updatedAt';
			const statuses = q.get('fulfillmentStatuses')?.split(',');
			const ids = [...this.orders.values()]
				.filter((o) => {
					const t = Date.parse(o[field]);
					return t >= after && t <= before && (!statuses || statuses.includes(STATUS[o.status]));
				})
				.sort((x, y) => Date.parse(x[field]) - Date.parse(y[field]) || x.id.localeCompare(y.id))
				.map((o) => o.id);
			page = { sig: sigParams, ids, offset: 0, expires: this.now() + 24 * 3600_000 * this.timeScale, bound: { key: beforeKey, value: new Date(before).toISOString().replace(/\.\d{3}Z$/, 'Z') } };
		}
		const slice = page.ids.slice(page.offset, page.offset + max);
		const body: Record<string, unknown> = { orders: slice.map((id) => this.render(this.orders.get(id) as SeedOrder)) };
		if (page.offset + max < page.ids.length) {
			const nt = randomBytes(16).toString('base64url');
			this.pageTokens.set(nt, { ...page, offset: page.offset + max });
			body.pagination = { nextToken: nt };
		}
		body[page.bound.key] = page.bound.value;
		return { status: 200, body };
	}

	private confirm(req: Req): Res {
		const orderId = decodeURIComponent(req.path.split('/')[4] ?? '');
		const o = this.orders.get(orderId);
		if (!o) return this.err(404, 'NotFound', `Order ${orderId} not found`);
		const b = req.body as { marketplaceId?: string; packageDetail?: Record<string, unknown> } | undefined;
		const pd = b?.packageDetail;
		if (!b?.marketplaceId) return this.err(400, 'InvalidInput', 'marketplaceId is required');
		if (!pd) return this.err(400, 'InvalidInput', 'packageDetail is required');
		for (const f of ['packageReferenceId', 'carrierCode', 'trackingNumber', 'shipDate', 'orderItems'])
			if (pd[f] === undefined || pd[f] === '') return this.err(400, 'InvalidInput', `packageDetail.${f} is required`);
		if (pd.carrierCode === 'Other' && !pd.carrierName) return this.err(400, 'InvalidInput', 'carrierName is required when carrierCode is Other');
		const known = new Set((this.render(o).orderItems as Array<{ orderItemId: string }>).map((i) => i.orderItemId));
		for (const it of pd.orderItems as Array<{ orderItemId?: string; quantity?: number }>)
			if (!it.orderItemId || !known.has(it.orderItemId)) return this.err(400, 'InvalidInput', `orderItemId ${it.orderItemId} is not in order ${orderId}`);
		this.received.shipments.push({ orderId, body: b });
		o.status = 'shipped';
		o.updatedAt = this.iso();
		this.bump();
		return { status: 204 };
	}

	private patchListing(req: Req): Res {
		const [, , , , sellerId, sku] = req.path.split('/').map(decodeURIComponent);
		if (req.method !== 'PATCH') return this.err(405, 'InvalidInput', 'method');
		if (sellerId !== this.creds.sellerId) return this.err(403, 'Unauthorized', 'Access to requested resource is denied.');
		if (!req.query.get('marketplaceIds')) return this.err(400, 'InvalidInput', 'marketplaceIds is required');
		const b = req.body as { productType?: string; patches?: Array<{ op?: string; path?: string; value?: unknown }> } | undefined;
		if (!b?.productType || !Array.isArray(b.patches) || !b.patches.length) return this.err(400, 'InvalidInput', 'productType and patches are required');
		this.received.listings.push({ sellerId, sku, query: Object.fromEntries(req.query), body: b });
		return { status: 200, body: { sku, status: 'ACCEPTED', submissionId: randomBytes(16).toString('hex'), issues: [] } };
	}
}
