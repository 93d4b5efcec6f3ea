/**
 * ShipBob sandbox: https://{env}.shipbob.com/{version}/... with a personal access token (bearer, never expires)
 * and the shipbob_channel_id header.
 *
 * Verified (developer.shipbob.com): POST /{ver}/order with reference_id unique per account; 422 "Duplicate
 * reference ID" for a second order with the same reference_id (errors page); GET /{ver}/order with Page, Limit
 * (max 250), ReferenceIds, StartDate; GET /{ver}/inventory-level (2026-01: cursor paging with first/next/items and
 * PageSize); 150 requests/min sliding window, 429 with x-retry-after; shipment statuses Processing / Exception /
 * OnHold / Completed / Cancelled.
 * Assumed [U]: the 422 body shape (a ProblemDetails-like object naming reference_id); the LastUpdateStartDate filter
 * and SortOrder=Oldest; paging headers total-pages / page-number; order status words Processing, Exception,
 * PartiallyFulfilled, Fulfilled, Cancelled; shipment status_details names Picked / Packed; shipment
 * last_update_at and delivery_date; inventory item field names (on_hand_quantity, committed_quantity,
 * fulfillable_quantity, sellable_quantity) and per-location breakdown `locations`; POST /{ver}/order/{id}/cancel.
 */
import type { SbOrder, World } from './world';
import { arr, bearer, json, obj, s, WindowCounter, type SbRequest, type SbResponse } from './http';

export interface ShipBobSandboxOptions {
	token: string;
	channelId: number;
	/** Enforce 150/min (real time, or the sandbox's `clock`); default true */
	rateLimit?: boolean | { limit: number; windowMs: number };
	/** Where the rate limit reads the time (default Date.now) */
	now?: () => number;
}

export class ShipBobSandbox {
	private readonly limiter: WindowCounter | null;
	constructor(
		private readonly world: World,
		private readonly opts: ShipBobSandboxOptions,
	) {
		const rl = opts.rateLimit ?? true;
		this.limiter = rl === false ? null : rl === true ? new WindowCounter(150, 60_000, opts.now) : new WindowCounter(rl.limit, rl.windowMs, opts.now);
	}

	handle(req: SbRequest): SbResponse {
		if (bearer(req) !== this.opts.token) return json(401, { message: 'Authorization has been denied for this request.' });
		if (this.limiter) {
			const wait = this.limiter.hit(this.opts.token);
			if (wait != null) return json(429, { message: 'Too many requests' }, { 'x-retry-after': String(wait) });
		}
		const m = /^\/([^/]+)\/(.*)$/.exec(req.path);
		if (!m) return json(404, { message: 'Not found' });
		const rest = '/' + m[2];
		if (req.method === 'POST' && rest === '/order') return this.create(req);
		if (req.method === 'GET' && rest === '/order') return this.list(req);
		let mm = /^\/order\/(\d+)$/.exec(rest);
		if (req.method === 'GET' && mm) {
			const o = this.world.byId('shipbob', Number(mm[1]));
			return o ? json(200, this.view(o)) : json(404, { message: 'Order not found' });
		}
		mm = /^\/order\/(\d+)(?:\/cancel|:cancel)$/.exec(rest);
		if (req.method === 'POST' && mm) return this.cancel(Number(mm[1]));
		if (req.method === 'GET' && rest === '/inventory-level') return this.inventory(req, m[1]);
		if (req.method === 'GET' && rest === '/channel') {
			return json(200, [{ id: this.opts.channelId, name: 'OMS', application_name: 'n8n-nodes-oms-wms', scopes: ['orders_read', 'orders_write', 'inventory_read'] }]);
		}
		return json(404, { message: `No route ${req.method} ${req.path}` });
	}

	private create(req: SbRequest): SbResponse {
		if (!req.headers['shipbob_channel_id']) return json(400, { title: 'shipbob_channel_id header is required', status: 400 });
		const b = obj(req.body);
		const errors: Record<string, string[]> = {};
		const ref = s(b.reference_id);
		if (!ref) errors['ReferenceId'] = ['The ReferenceId field is required.'];
		const recipient = obj(b.recipient);
		const address = obj(recipient.address);
		if (!s(recipient.name)) errors['Recipient.Name'] = ['The Name field is required.'];
		if (!s(address.address1)) errors['Recipient.Address.Address1'] = ['The Address1 field is required.'];
		if (!s(address.city)) errors['Recipient.Address.City'] = ['The City field is required.'];
		if (!s(address.country)) errors['Recipient.Address.Country'] = ['The Country field is required.'];
		if (!s(b.shipping_method)) errors['ShippingMethod'] = ['The ShippingMethod field is required.'];
		const products = arr(b.products).map(obj);
		if (!products.length) errors['Products'] = ['At least one product is required.'];
		for (const [i, p] of products.entries()) {
			if (!s(p.reference_id) && !s(p.sku) && p.id == null) errors[`Products[${i}].ReferenceId`] = ['A product reference_id is required.'];
			if (!(Number(p.quantity) > 0)) errors[`Products[${i}].Quantity`] = ['Quantity must be greater than 0.'];
		}
		if (Object.keys(errors).length) return json(400, { type: 'https://tools.ietf.org/html/rfc7231#section-6.5.1', title: 'One or more validation errors occurred.', status: 400, errors });
		if (this.world.find('shipbob', ref as string).length) {
			return json(422, {
				type: 'https://tools.ietf.org/html/rfc4918#section-11.2',
				title: 'Duplicate reference ID',
				status: 422,
				errors: { reference_id: [`An order with reference_id '${ref}' already exists`] },
			});
		}
		const o = this.world.create('shipbob', {
			reference: ref as string,
			orderNumber: s(b.order_number),
			lines: products.map((p) => ({
				sku: String(p.reference_id ?? p.sku),
				quantity: Number(p.quantity),
				name: s(p.name),
				partnerLineId: s(p.external_line_id),
				price: p.unit_price == null ? null : Number(p.unit_price),
			})),
			shipTo: recipient,
			shippingMethod: s(b.shipping_method),
			body: req.body,
		});
		return json(201, this.view(o));
	}

	private list(req: SbRequest): SbResponse {
		const q = req.query;
		let orders = q.ReferenceIds ? q.ReferenceIds.split(',').flatMap((r) => this.world.find('shipbob', r)) : this.world.list('shipbob');
		if (q.IDs) {
			const ids = new Set(q.IDs.split(',').map(Number));
			orders = orders.filter((o) => ids.has(o.id));
		}
		if (q.LastUpdateStartDate) {
			const since = Date.parse(q.LastUpdateStartDate);
			orders = orders.filter((o) => o.updatedAt >= since);
		}
		if (q.StartDate) {
			const since = Date.parse(q.StartDate);
			orders = orders.filter((o) => o.createdAt >= since);
		}
		if (q.HasTracking === 'true') orders = orders.filter((o) => o.packages.length > 0);
		orders = [...orders].sort((a, b) => a.id - b.id);
		if (q.SortOrder === 'Newest') orders.reverse();
		const limit = Math.min(250, Math.max(1, Number(q.Limit ?? 50)));
		const page = Math.max(1, Number(q.Page ?? 1));
		const totalPages = Math.max(1, Math.ceil(orders.length / limit));
		const slice = orders.slice((page - 1) * limit, page * limit);
		return json(200, slice.map((o) => this.view(o)), {
			'total-count': String(orders.length),
			'page-number': String(page),
			'total-pages': String(totalPages),
		});
	}

	private cancel(id: number): SbResponse {
		const o = this.world.byId('shipbob', id);
		if (!o) return json(404, { message: 'Order not found' });
		const ok = this.world.cancel(o);
		return json(200, {
			order_id: o.id,
			order: this.view(o),
			canceled_shipment_results: [{ action: 'Cancel', shipment_id: o.id * 10, is_success: ok, reason: ok ? null : 'Shipment already fulfilled' }],
		});
	}

	private inventory(req: SbRequest, version: string): SbResponse {
		const skus = new Set<string>([...this.world.stock.keys()]);
		for (const o of this.world.list('shipbob')) for (const l of o.lines) skus.add(l.sku);
		const all = [...skus].sort().map((sku, i) => {
			const onHand = this.world.stock.get(sku) ?? 0;
			const committed = this.world.committed('shipbob', sku);
			const fulfillable = Math.max(0, onHand - committed);
			return {
				inventory_id: 9000 + i,
				sku,
				name: sku,
				on_hand_quantity: onHand,
				committed_quantity: committed,
				fulfillable_quantity: fulfillable,
				sellable_quantity: fulfillable,
				backordered_quantity: 0,
				awaiting_quantity: 0,
				locations: [{ location_id: 1, location_name: 'Cicero (IL)', on_hand_quantity: onHand, committed_quantity: committed, fulfillable_quantity: fulfillable }],
			};
		});
		const size = Math.max(1, Number(req.query.PageSize ?? 100));
		const start = Number(req.query.Cursor ?? 0);
		const items = all.slice(start, start + size);
		const next = start + size < all.length ? `/${version}/inventory-level?PageSize=${size}&Cursor=${start + size}` : null;
		return json(200, { first: `/${version}/inventory-level?PageSize=${size}`, items, next, prev: null, last: null });
	}

	view(o: SbOrder): Record<string, unknown> {
		const iso = (ms: number | undefined | null) => (ms == null ? null : new Date(ms).toISOString());
		const status =
			o.stage === 'cancelled'
				? 'Cancelled'
				: o.stage === 'shipped' || o.stage === 'delivered'
					? o.shortPicked
						? 'PartiallyFulfilled'
						: 'Fulfilled'
					: o.shortPicked && o.stage === 'packed' && o.packages.length === 0
						? 'Exception'
						: 'Processing';
		let shipments: Array<Record<string, unknown>>;
		if (o.packages.length) {
			shipments = o.packages.map((p) => ({
				id: p.id,
				order_id: o.id,
				reference_id: o.reference,
				created_date: iso(o.createdAt),
				last_update_at: iso(p.deliveredAt ?? p.shippedAt),
				status: 'Completed',
				status_details: [{ name: p.deliveredAt ? 'Delivered' : 'Shipped' }],
				location: { id: 1, name: 'Cicero (IL)' },
				tracking: { carrier: p.carrier, carrier_service: p.service, tracking_number: p.trackingNumber, tracking_url: p.trackingUrl, shipping_date: iso(p.shippedAt) },
				actual_fulfillment_date: iso(p.shippedAt),
				delivery_date: iso(p.deliveredAt),
				products: p.lines.map((l) => ({ id: l.lineNo, reference_id: l.sku, sku: l.sku, inventory_items: [{ id: l.lineNo, name: l.sku, quantity: l.quantity }] })),
			}));
		} else {
			const detail = o.stage === 'picked' ? 'Picked' : o.stage === 'packed' ? (o.shortPicked ? 'OutOfStock' : 'Packed') : o.stage === 'cancelled' ? 'Cancelled' : 'Processing';
			shipments = [
				{
					id: o.id * 10,
					order_id: o.id,
					reference_id: o.reference,
					created_date: iso(o.createdAt),
					last_update_at: iso(o.updatedAt),
					status: o.stage === 'cancelled' ? 'Cancelled' : status === 'Exception' ? 'Exception' : 'Processing',
					status_details: [{ name: detail }],
					location: { id: 1, name: 'Cicero (IL)' },
					tracking: null,
					products: o.lines.map((l) => ({ id: l.lineNo, reference_id: l.sku, sku: l.sku, inventory_items: [{ id: l.lineNo, name: l.sku, quantity: l.quantity }] })),
				},
			];
		}
		return {
			id: o.id,
			created_date: iso(o.createdAt),
			purchase_date: iso(o.createdAt),
			reference_id: o.reference,
			order_number: o.orderNumber,
			status,
			type: 'DTC',
			channel: { id: this.opts.channelId, name: 'OMS' },
			shipping_method: o.shippingMethod,
			recipient: o.shipTo,
			products: o.lines.map((l) => ({ id: l.lineNo, reference_id: l.sku, sku: l.sku, name: l.name, quantity: l.quantity, external_line_id: l.partnerLineId })),
			shipments,
			last_updated_date: iso(o.updatedAt),
		};
	}
}
