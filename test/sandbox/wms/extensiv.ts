/**
 * Extensiv 3PL Warehouse Manager (3PL Central) sandbox: https://secure-wms.com/...
 *
 * Verified (docs/architecture.md#vendor-api-facts, public client code): OAuth2 client_credentials at POST /AuthServer/api/Token with
 * Basic client_id:client_secret plus user_login_id (and the 3PL key, tpl) in the body; short-lived bearer token;
 * POST /orders with customerIdentifier, facilityIdentifier, referenceNum, routingInfo, shipTo, orderItems
 * [{ itemIdentifier: { sku }, qty }]; not idempotent (a second POST with the same referenceNum makes a second
 * order); GET /orders?rql=...&detail=All; GET /inventory/stocksummaries.
 * Assumed [U]: the HAL list shape { totalResults, _embedded: { 'http://api.3plCentral.com/rels/orders/order': [] } }
 * and pgsiz/pgnum paging; readOnly.status 0 Open / 1 Closed / 2 Cancelled with pickDoneDate, packDoneDate,
 * processDate, lastModifiedDate; packages [{ packageId, trackingNumber, packageContents [{ orderItemId, qty }] }];
 * routingInfo.carrier; POST /orders/{id}/canceler (the real API also wants If-Match with the order's ETag);
 * stocksummaries field names (onHand, allocated, available, onHold, itemIdentifier.sku, facilityId); token
 * expires_in 1800 s. The rate limit is not published: this sandbox answers 429 + Retry-After only when one is set.
 *
 * After intake and returns (issues 20, 21), all ⚠ beyond what wms.md / returns-billing-routing A.6 say:
 * - The canceler is refused from the world's cut-off (`cancelRefusedFrom`) with 400 InvalidState naming the stage.
 * - PUT /orders/{id} with If-Match (the ETag of GET /orders/{id}) updates the order ✔ (public client code against
 *   secure-wms.com); the body is the whole order and only its shipTo is applied here ⚠; 428 without If-Match, 412 when
 *   the ETag is stale ⚠, 400 InvalidState once picked ⚠ (the cut-off and the words), 404 NotFound for an unknown id.
 * - Returns come in through receivers ✔ (inbound goods, returns included, go through /inventory/receivers; no RMA
 *   endpoint was found [U]): POST /inventory/receivers { customerIdentifier, facilityIdentifier, referenceNum,
 *   poNum (the order's reference), receiveItems [{ itemIdentifier { sku }, qty }] }, not idempotent like orders;
 *   GET /inventory/receivers?rql=referenceNum==…;readOnly.lastModifiedDate=ge=…&pgsiz&pgnum (HAL list),
 *   GET /inventory/receivers/{id}. readOnly.status 0 Open / 1 Complete / 2 Cancelled, arrivalDate when at the dock;
 *   per item readOnly.qtyReceived, qtyOnHold (quarantined), qtyDisposed; a receipt adds the restocked units to
 *   onHand and the quarantined to onHold in stocksummaries. POST /inventory/receivers/{id}/canceler while open.
 */
import { randomBytes } from 'node:crypto';
import type { ReturnStage, SbOrder, SbReturn, World } from './world';
import { arr, bearer, json, obj, s, WindowCounter, type SbRequest, type SbResponse } from './http';

export interface ExtensivSandboxOptions {
	clientId: string;
	clientSecret: string;
	tpl: string;
	userLoginId: string;
	tokenTtlSec?: number;
	/** Assumed limit (real time, or the sandbox's `clock`); default none (not published) */
	rateLimit?: { limit: number; windowMs: number };
	/** Where the rate limit reads the time (default Date.now) */
	now?: () => number;
	/** Reject a second order with the same referenceNum (an account setting [U]); default false (the API's default) */
	rejectDuplicates?: boolean;
}

const REL = 'http://api.3plCentral.com/rels/orders/order';
const RECEIVER_REL = 'http://api.3plCentral.com/rels/inventory/receiver';
const RECEIVER_STATUS: Record<ReturnStage, number> = { awaiting: 0, arrived: 0, processing: 0, completed: 1, cancelled: 2 };

/** The checks an order and a receiver share: referenceNum, customer, facility, and items with a SKU and a quantity */
function checkDocument(b: Record<string, unknown>, itemsKey: 'orderItems' | 'receiveItems', what: string): { ref: string | null; items: Array<Record<string, unknown>>; problems: string[] } {
	const ref = s(b.referenceNum);
	const items = arr(b[itemsKey]).map(obj);
	const problems: string[] = [];
	if (!ref) problems.push('referenceNum is required');
	if (obj(b.customerIdentifier).id == null && !s(obj(b.customerIdentifier).name)) problems.push('customerIdentifier is required');
	if (obj(b.facilityIdentifier).id == null && !s(obj(b.facilityIdentifier).name)) problems.push('facilityIdentifier is required');
	if (!items.length) problems.push(`${itemsKey} must not be empty`);
	for (const i of items) if (!s(obj(i.itemIdentifier).sku) || !(Number(i.qty) > 0)) problems.push(`each ${what} needs itemIdentifier.sku and qty > 0`);
	return { ref, items, problems };
}

/**
 * The RQL clauses the sandbox understands (referenceNum==, readOnly.lastModifiedDate=ge=|gt=, and `more`), applied in
 * turn; the list comes back sorted by last change, or the first clause it does not understand
 */
function rqlFilter<T extends { id: number; reference: string; updatedAt: number }>(list: T[], clauses: string[], more?: (clause: string, list: T[]) => T[] | null): T[] | string {
	const unquote = (v: string) => v.replace(/^["']|["']$/g, '');
	for (const clause of clauses) {
		let m = /^referenceNum==(.+)$/.exec(clause);
		if (m) {
			const ref = unquote(m[1]);
			list = list.filter((x) => x.reference === ref);
			continue;
		}
		m = /^readOnly\.lastModifiedDate=(ge|gt)=(.+)$/.exec(clause);
		if (m) {
			const since = Date.parse(unquote(m[2]));
			const ge = m[1] === 'ge';
			list = list.filter((x) => (ge ? x.updatedAt >= since : x.updatedAt > since));
			continue;
		}
		const other = more?.(clause, list);
		if (!other) return clause;
		list = other;
	}
	return [...list].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
}

export class ExtensivSandbox {
	private readonly tokens = new Map<string, number>();
	private readonly limiter: WindowCounter | null;
	constructor(
		private readonly world: World,
		private readonly opts: ExtensivSandboxOptions,
	) {
		this.limiter = opts.rateLimit ? new WindowCounter(opts.rateLimit.limit, opts.rateLimit.windowMs, opts.now) : null;
	}

	handle(req: SbRequest): SbResponse {
		if (req.method === 'POST' && /^\/AuthServer\/api\/Token$/i.test(req.path)) return this.token(req);
		const t = bearer(req);
		const exp = t ? this.tokens.get(t) : undefined;
		if (exp === undefined) return json(401, { ErrorCode: 'Unauthorized', Message: 'Authorization has been denied for this request.' });
		if (this.world.now() >= exp) return json(401, { ErrorCode: 'Unauthorized', Message: 'The access token has expired.' });
		if (this.limiter) {
			const wait = this.limiter.hit('all');
			if (wait != null) return json(429, { ErrorCode: 'TooManyRequests', Message: 'Too many requests' }, { 'retry-after': String(wait) });
		}
		if (req.method === 'POST' && req.path === '/orders') return this.create(req);
		if (req.method === 'GET' && req.path === '/orders') return this.list(req);
		let m = /^\/orders\/(\d+)$/.exec(req.path);
		if (req.method === 'GET' && m) {
			const o = this.world.byId('extensiv', Number(m[1]));
			return o ? json(200, this.view(o, true), { etag: `"${o.updatedAt}"` }) : json(404, { ErrorCode: 'NotFound', Message: 'Order not found' });
		}
		m = /^\/orders\/(\d+)\/canceler$/.exec(req.path);
		if (req.method === 'POST' && m) {
			const o = this.world.byId('extensiv', Number(m[1]));
			if (!o) return json(404, { ErrorCode: 'NotFound', Message: 'Order not found' });
			const blocker = this.world.cancelBlocker(o);
			if (!this.world.cancel(o)) return json(400, { ErrorCode: 'InvalidState', Message: blocker === 'shipped' || blocker === 'delivered' ? 'A closed order cannot be canceled' : `The order is already ${blocker} and cannot be canceled` });
			return json(200, this.view(o, true));
		}
		m = /^\/orders\/(\d+)$/.exec(req.path);
		if (req.method === 'PUT' && m) return this.update(Number(m[1]), req);
		if (req.method === 'GET' && req.path === '/inventory/stocksummaries') return this.stock(req);
		if (req.method === 'POST' && req.path === '/inventory/receivers') return this.createReceiver(req);
		if (req.method === 'GET' && req.path === '/inventory/receivers') return this.listReceivers(req);
		m = /^\/inventory\/receivers\/(\d+)(\/canceler)?$/.exec(req.path);
		if (m) {
			const r = this.world.returnById('extensiv', Number(m[1]));
			if (!r) return json(404, { ErrorCode: 'NotFound', Message: 'Receiver not found' });
			if (req.method === 'GET' && !m[2]) return json(200, this.receiverView(r), { etag: `"${r.updatedAt}"` });
			if (req.method === 'POST' && m[2]) {
				if (!this.world.cancelReturn(r)) return json(400, { ErrorCode: 'InvalidState', Message: 'A receiver with received items cannot be canceled' });
				return json(200, this.receiverView(r));
			}
		}
		if (req.method === 'GET' && req.path === '/customers') return json(200, { totalResults: 1, _embedded: { 'http://api.3plCentral.com/rels/customers/customer': [{ readOnly: { customerId: 1 }, companyInfo: { companyName: 'Seller' } }] } });
		return json(404, { ErrorCode: 'NotFound', Message: `No route ${req.method} ${req.path}` });
	}

	private token(req: SbRequest): SbResponse {
		const basic = /^Basic\s+(.+)$/i.exec(req.headers['authorization'] ?? '');
		const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString().split(':') : [];
		const b = obj(req.body);
		if (id !== this.opts.clientId || secret !== this.opts.clientSecret) return json(401, { error: 'invalid_client' });
		if (s(b.grant_type) !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
		if (s(b.user_login_id) !== this.opts.userLoginId || (b.tpl != null && s(b.tpl) !== this.opts.tpl)) return json(400, { error: 'invalid_grant' });
		const ttl = this.opts.tokenTtlSec ?? 1800;
		const access = randomBytes(24).toString('base64url');
		this.tokens.set(access, this.world.now() + ttl * 1000);
		return json(200, { access_token: access, token_type: 'Bearer', expires_in: ttl, refresh_token: null, scope: null });
	}

	private create(req: SbRequest): SbResponse {
		const b = obj(req.body);
		const { ref, items, problems } = checkDocument(b, 'orderItems', 'order item');
		if (problems.length) return json(400, { ErrorCode: 'InvalidModel', Message: problems.join('; ') });
		if (this.opts.rejectDuplicates && this.world.find('extensiv', ref as string).length) {
			return json(400, { ErrorCode: 'DuplicateReferenceNum', Message: `Reference number ${ref} already exists for this customer` });
		}
		const o = this.world.create('extensiv', {
			reference: ref as string,
			orderNumber: s(b.poNum),
			lines: items.map((i) => ({ sku: String(obj(i.itemIdentifier).sku), quantity: Number(i.qty), partnerLineId: s(i.externalId), name: s(i.notes) })),
			shipTo: obj(b.shipTo),
			shippingMethod: s(obj(b.routingInfo).mode),
			body: req.body,
		});
		return json(201, this.view(o, true), { location: `/orders/${o.id}` });
	}

	private update(id: number, req: SbRequest): SbResponse {
		const o = this.world.byId('extensiv', id);
		if (!o) return json(404, { ErrorCode: 'NotFound', Message: 'Order not found' });
		const ifMatch = req.headers['if-match'];
		if (!ifMatch) return json(428, { ErrorCode: 'PreconditionRequired', Message: 'If-Match header is required' });
		if (ifMatch !== `"${o.updatedAt}"`) return json(412, { ErrorCode: 'PreconditionFailed', Message: 'The order has changed since it was read' });
		const shipTo = obj(obj(req.body).shipTo);
		if (!Object.keys(shipTo).length) return json(400, { ErrorCode: 'InvalidModel', Message: 'shipTo is required' });
		if (!this.world.updateAddress(o, shipTo)) return json(400, { ErrorCode: 'InvalidState', Message: `The order is already ${o.stage} and cannot be changed` });
		return json(200, this.view(o, true), { etag: `"${o.updatedAt}"` });
	}

	// ---- returns through receivers ⚠ ------------------------------------------------------------------------
	private createReceiver(req: SbRequest): SbResponse {
		const b = obj(req.body);
		const { ref, items, problems } = checkDocument(b, 'receiveItems', 'receive item');
		if (problems.length) return json(400, { ErrorCode: 'InvalidModel', Message: problems.join('; ') });
		if (this.opts.rejectDuplicates && this.world.findReturn('extensiv', ref as string)) return json(400, { ErrorCode: 'DuplicateReferenceNum', Message: `Reference number ${ref} already exists for this customer` });
		const order = s(b.poNum) ? this.world.find('extensiv', s(b.poNum) as string)[0] : undefined;
		const r = this.world.createReturn('extensiv', {
			reference: ref as string,
			orderReference: s(b.poNum),
			orderId: order?.id ?? null,
			lines: items.map((i) => ({ sku: String(obj(i.itemIdentifier).sku), quantity: Number(i.qty), partnerLineId: s(i.externalId) })),
			trackingNumber: s(obj(b.routingInfo).trackingNumber),
			reason: s(b.notes),
			body: req.body,
		});
		return json(201, this.receiverView(r), { location: `/inventory/receivers/${r.id}` });
	}

	private listReceivers(req: SbRequest): SbResponse {
		const filtered = rqlFilter(this.world.returnsOf('extensiv'), (req.query.rql ?? '').split(';').filter(Boolean), (clause, list) => {
			const m = /^readOnly\.status==(\d)$/.exec(clause);
			return m ? list.filter((r) => String(RECEIVER_STATUS[r.stage]) === m[1]) : null;
		});
		if (typeof filtered === 'string') return json(400, { ErrorCode: 'InvalidRql', Message: `Unsupported rql clause: ${filtered}` });
		const list = filtered;
		const size = Math.max(1, Math.min(1000, Number(req.query.pgsiz ?? 100)));
		const pg = Math.max(1, Number(req.query.pgnum ?? 1));
		return json(200, { totalResults: list.length, _embedded: { [RECEIVER_REL]: list.slice((pg - 1) * size, pg * size).map((r) => this.receiverView(r)) } });
	}

	receiverView(r: SbReturn): Record<string, unknown> {
		const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
		return {
			readOnly: {
				receiverId: r.id,
				status: RECEIVER_STATUS[r.stage],
				isClosed: r.stage === 'completed' || r.stage === 'cancelled',
				creationDate: iso(r.createdAt),
				lastModifiedDate: iso(r.updatedAt),
				arrivalDate: iso(r.stageAt.arrived),
				completeDate: iso(r.stageAt.completed),
			},
			referenceNum: r.reference,
			poNum: r.orderReference,
			notes: r.reason,
			receiveItems: r.lines.map((l) => ({
				readOnly: { receiveItemId: r.id * 100 + l.lineNo, qtyReceived: l.received, qtyOnHold: l.quarantined, qtyDisposed: l.disposed },
				itemIdentifier: { sku: l.sku },
				qty: l.quantity,
				externalId: l.partnerLineId,
			})),
		};
	}

	private list(req: SbRequest): SbResponse {
		const clauses = (req.query.rql ?? '').split(';').filter(Boolean);
		const refClause = clauses.map((c) => /^referenceNum==(.+)$/.exec(c)).find(Boolean);
		const filtered = rqlFilter(refClause ? this.world.find('extensiv', refClause[1].replace(/^["']|["']$/g, '')) : this.world.list('extensiv'), clauses);
		if (typeof filtered === 'string') return json(400, { ErrorCode: 'InvalidRql', Message: `Unsupported rql clause: ${filtered}` });
		const list = filtered;
		const size = Math.max(1, Math.min(1000, Number(req.query.pgsiz ?? 100)));
		const pg = Math.max(1, Number(req.query.pgnum ?? 1));
		const detail = /all|packages/i.test(req.query.detail ?? '');
		return json(200, { totalResults: list.length, _embedded: { [REL]: list.slice((pg - 1) * size, pg * size).map((o) => this.view(o, detail)) } });
	}

	private stock(req: SbRequest): SbResponse {
		const skus = new Set<string>([...this.world.stock.keys()]);
		for (const o of this.world.list('extensiv')) for (const l of o.lines) skus.add(l.sku);
		const all = [...skus].sort().map((sku, i) => {
			const onHand = this.world.stock.get(sku) ?? 0;
			const allocated = this.world.committed('extensiv', sku);
			return { facilityId: 1, itemIdentifier: { id: 700 + i, sku }, totalReceived: onHand, allocated, available: Math.max(0, onHand - allocated), onHold: this.world.quarantine.get(sku) ?? 0, onHand };
		});
		const size = Math.max(1, Number(req.query.pgsiz ?? 100));
		const pg = Math.max(1, Number(req.query.pgnum ?? 1));
		return json(200, { totalResults: all.length, summaries: all.slice((pg - 1) * size, pg * size) });
	}

	view(o: SbOrder, detail: boolean): Record<string, unknown> {
		const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
		const status = o.stage === 'cancelled' ? 2 : o.stage === 'shipped' || o.stage === 'delivered' ? 1 : 0;
		const itemId = (lineNo: number) => o.id * 100 + lineNo;
		const out: Record<string, unknown> = {
			readOnly: {
				orderId: o.id,
				status,
				isClosed: status !== 0,
				fullyAllocated: o.stage !== 'received' && !o.shortPicked,
				creationDate: iso(o.createdAt),
				lastModifiedDate: iso(o.updatedAt),
				pickDoneDate: iso(o.stageAt.picked),
				packDoneDate: iso(o.stageAt.packed),
				processDate: iso(o.stageAt.shipped),
			},
			referenceNum: o.reference,
			poNum: o.orderNumber,
			shipTo: o.shipTo,
			routingInfo: { carrier: o.packages[0]?.carrier ?? null, mode: o.shippingMethod, trackingNumber: o.packages[0]?.trackingNumber ?? null },
			orderItems: o.lines.map((l) => ({ readOnly: { orderItemId: itemId(l.lineNo) }, itemIdentifier: { sku: l.sku }, qty: l.quantity, externalId: l.partnerLineId })),
		};
		if (detail) {
			out.packages = o.packages.map((p) => ({
				packageId: p.id,
				trackingNumber: p.trackingNumber,
				carrier: p.carrier,
				createDate: iso(p.shippedAt),
				packageContents: p.lines.map((l) => ({ orderItemId: itemId(l.lineNo), qty: l.quantity })),
			}));
		}
		return out;
	}
}
