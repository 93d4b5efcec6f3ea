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
 *
 * After intake and returns (issues 20, 21):
 * - Cancel ✔: "The shipment must not be picked, packed, or shipped" (cancel shipment docs); the order cancel answers 200
 *   with canceled_shipment_results[].is_success and a reason ✔ (shape from the 2.0 reference). The sandbox refuses
 *   from the world's cut-off (`cancelRefusedFrom`, 'shipped' unless set; ShipBob's documented one is 'picked').
 * - Address ✔: PUT /{ver}/shipment/{shipmentId}:updateAddress with city and street_address1 required, company_name,
 *   country_code, email, override_verification; street_address2, state, zip_code, phone_number and name are ⚠; refused
 *   once the shipment is picked with 422 ⚠. The shipment id of an unshipped order is the one GET /order shows.
 * - Returns ✔ (stryd/shipbob-go ReturnsApi, developer.shipbob.com returns): POST /{ver}/return (reference_id required
 *   and unique, fulfillment_center { id }, inventory [{ id, quantity, requested_action }] each inventory id once,
 *   original_shipment_id, tracking_number); GET /return (Page, Limit, SortOrder, StartDate/EndDate on the insert date,
 *   IDs, ReferenceIds, Status, InventoryIds, TrackingNumbers, OriginalShipmentIds: there is no last-updated filter, so
 *   a client re-reads open returns by Status or IDs); GET /return/{id}; GET /return/{id}/statushistory; PUT /return/{id}
 *   and POST /return/{id}/cancel only while AwaitingArrival ✔. Status AwaitingArrival → Arrived → Processing →
 *   Completed / Cancelled ✔; inventory[].action_requested { action Default|Restock|Quarantine|Dispose, action_type }
 *   and action_taken [{ action, quantity_processed }] ✔; transactions [{ amount, transaction_type
 *   ReturnProcessingFee }] and invoice_amount once completed (3.00 a return ⚠). Assumed ⚠: 201 on create, 422 for a
 *   duplicate reference or a change after arrival, the status history's shape, the paging headers (as orders).
 */
import type { Disposition, ReturnStage, SbOrder, SbReturn, World } from './world';

const RETURN_STATUS: Record<ReturnStage, string> = { awaiting: 'AwaitingArrival', arrived: 'Arrived', processing: 'Processing', completed: 'Completed', cancelled: 'Cancelled' };
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
		mm = /^\/shipment\/(\d+):updateAddress$/.exec(rest);
		if (req.method === 'PUT' && mm) return this.updateAddress(Number(mm[1]), req);
		if (req.method === 'POST' && rest === '/return') return this.createReturn(req);
		if (req.method === 'GET' && rest === '/return') return this.listReturns(req);
		mm = /^\/return\/(\d+)(\/statushistory|\/cancel|:cancel)?$/.exec(rest);
		if (mm) {
			const r = this.world.returnById('shipbob', Number(mm[1]));
			if (!r) return json(404, { message: 'Return order not found' });
			if (req.method === 'GET' && !mm[2]) return json(200, this.returnView(r));
			if (req.method === 'GET' && mm[2] === '/statushistory') return json(200, { id: r.id, reference_id: r.reference, status_history: this.history(r) });
			if (req.method === 'POST' && (mm[2] === '/cancel' || mm[2] === ':cancel')) {
				if (!this.world.cancelReturn(r)) return json(422, { title: 'Return cannot be cancelled', status: 422, errors: { status: [`A return in status ${RETURN_STATUS[r.stage]} cannot be cancelled`] } });
				return json(200, this.returnView(r));
			}
			if (req.method === 'PUT' && !mm[2]) return this.modifyReturn(r, req);
		}
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
		const blocker = this.world.cancelBlocker(o);
		const ok = this.world.cancel(o);
		const reason = ok ? null : blocker === 'shipped' || blocker === 'delivered' ? 'Shipment already fulfilled' : `Shipment is already ${blocker}`;
		return json(200, {
			order_id: o.id,
			order: this.view(o),
			canceled_shipment_results: [{ action: 'Cancel', shipment_id: o.packages[0]?.id ?? o.id * 10, is_success: ok, reason }],
		});
	}

	private updateAddress(shipmentId: number, req: SbRequest): SbResponse {
		const o = this.world.byId('shipbob', Math.floor(shipmentId / 10));
		if (!o || shipmentId % 10 !== 0) return json(404, { message: 'Shipment not found' });
		const b = obj(req.body);
		const errors: Record<string, string[]> = {};
		if (!s(b.street_address1)) errors['StreetAddress1'] = ['The StreetAddress1 field is required.'];
		if (!s(b.city)) errors['City'] = ['The City field is required.'];
		if (Object.keys(errors).length) return json(400, { title: 'One or more validation errors occurred.', status: 400, errors });
		const old = obj(o.shipTo);
		const shipTo = {
			...old,
			name: s(b.name) ?? old.name,
			email: s(b.email) ?? old.email ?? null,
			phone_number: s(b.phone_number) ?? old.phone_number ?? null,
			address: {
				...obj(old.address),
				address1: s(b.street_address1),
				address2: s(b.street_address2),
				company_name: s(b.company_name),
				city: s(b.city),
				state: s(b.state) ?? obj(old.address).state ?? null,
				zip_code: s(b.zip_code) ?? obj(old.address).zip_code ?? null,
				country: s(b.country_code) ?? obj(old.address).country,
			},
		};
		if (!this.world.updateAddress(o, shipTo)) return json(422, { title: 'Shipment address cannot be updated', status: 422, errors: { shipment: [`The shipment is already ${o.stage}`] } });
		return json(200, (this.view(o).shipments as unknown[])[0]);
	}

	// ---- returns ------------------------------------------------------------------------------------------
	private returnInput(b: Record<string, unknown>): { errors: Record<string, string[]>; lines: Array<{ sku: string; quantity: number; requested: Disposition | 'default' }> } {
		const errors: Record<string, string[]> = {};
		if (obj(b.fulfillment_center).id == null) errors['FulfillmentCenter.Id'] = ['The Id field is required.'];
		const inv = arr(b.inventory).map(obj);
		if (!inv.length) errors['Inventory'] = ['At least one inventory item is required.'];
		const seen = new Set<number>();
		const lines: Array<{ sku: string; quantity: number; requested: Disposition | 'default' }> = [];
		for (const [i, it] of inv.entries()) {
			const id = Number(it.id);
			const sku = this.world.skuOfInventoryId(id);
			if (!sku) errors[`Inventory[${i}].Id`] = [`Inventory ${it.id} does not exist`];
			else if (seen.has(id)) errors[`Inventory[${i}].Id`] = [`Inventory ${id} appears more than once`];
			if (!(Number(it.quantity) > 0)) errors[`Inventory[${i}].Quantity`] = ['Quantity must be greater than 0.'];
			const action = String(it.requested_action ?? 'Default');
			if (!['Default', 'Restock', 'Quarantine', 'Dispose'].includes(action)) errors[`Inventory[${i}].RequestedAction`] = [`${action} is not a valid action`];
			seen.add(id);
			if (sku) lines.push({ sku, quantity: Number(it.quantity), requested: action === 'Default' ? 'default' : (action.toLowerCase() as Disposition) });
		}
		return { errors, lines };
	}

	private createReturn(req: SbRequest): SbResponse {
		if (!req.headers['shipbob_channel_id']) return json(400, { title: 'shipbob_channel_id header is required', status: 400 });
		const b = obj(req.body);
		const ref = s(b.reference_id);
		const { errors, lines } = this.returnInput(b);
		if (!ref) errors['ReferenceId'] = ['The ReferenceId field is required.'];
		let order: SbOrder | undefined;
		if (b.original_shipment_id != null) {
			order = this.world.list('shipbob').find((o) => o.packages.some((p) => p.id === Number(b.original_shipment_id)));
			if (!order) errors['OriginalShipmentId'] = [`Shipment ${b.original_shipment_id} does not exist`];
		}
		if (Object.keys(errors).length) return json(400, { type: 'https://tools.ietf.org/html/rfc7231#section-6.5.1', title: 'One or more validation errors occurred.', status: 400, errors });
		if (this.world.findReturn('shipbob', ref as string)) return json(422, { title: 'Duplicate reference ID', status: 422, errors: { reference_id: [`A return with reference_id '${ref}' already exists`] } });
		const r = this.world.createReturn('shipbob', { reference: ref as string, orderReference: order?.reference ?? null, orderId: order?.id ?? null, lines, trackingNumber: s(b.tracking_number), body: req.body });
		return json(201, this.returnView(r));
	}

	private modifyReturn(r: SbReturn, req: SbRequest): SbResponse {
		if (r.stage !== 'awaiting') return json(422, { title: 'Return cannot be modified', status: 422, errors: { status: [`A return in status ${RETURN_STATUS[r.stage]} cannot be modified`] } });
		const b = obj(req.body);
		const { errors, lines } = this.returnInput(b);
		if (Object.keys(errors).length) return json(400, { title: 'One or more validation errors occurred.', status: 400, errors });
		r.lines = lines.map((l, i) => ({ lineNo: i + 1, sku: l.sku, quantity: l.quantity, partnerLineId: null, requested: l.requested, received: 0, restocked: 0, quarantined: 0, disposed: 0 }));
		r.trackingNumber = s(b.tracking_number) ?? r.trackingNumber;
		r.updatedAt = this.world.now();
		return json(200, this.returnView(r));
	}

	private listReturns(req: SbRequest): SbResponse {
		const q = req.query;
		const csv = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : null);
		let list = this.world.returnsOf('shipbob');
		const ids = csv(q.IDs);
		if (ids) list = list.filter((r) => ids.includes(String(r.id)));
		const refs = csv(q.ReferenceIds);
		if (refs) list = list.filter((r) => refs.includes(r.reference));
		const statuses = csv(q.Status);
		if (statuses) list = list.filter((r) => statuses.includes(RETURN_STATUS[r.stage]));
		const inv = csv(q.InventoryIds);
		if (inv) list = list.filter((r) => r.lines.some((l) => inv.includes(String(this.world.inventoryId(l.sku)))));
		const tn = csv(q.TrackingNumbers);
		if (tn) list = list.filter((r) => r.trackingNumber != null && tn.includes(r.trackingNumber));
		const osi = csv(q.OriginalShipmentIds);
		if (osi) list = list.filter((r) => r.orderId != null && (this.world.byId('shipbob', r.orderId)?.packages ?? []).some((p) => osi.includes(String(p.id))));
		if (q.StartDate) list = list.filter((r) => r.createdAt >= Date.parse(q.StartDate));
		if (q.EndDate) list = list.filter((r) => r.createdAt <= Date.parse(q.EndDate));
		list = [...list].sort((a, b) => a.id - b.id);
		if (q.SortOrder === 'Newest') list.reverse();
		const limit = Math.min(250, Math.max(1, Number(q.Limit ?? 50)));
		const page = Math.max(1, Number(q.Page ?? 1));
		return json(200, list.slice((page - 1) * limit, page * limit).map((r) => this.returnView(r)), {
			'total-count': String(list.length),
			'page-number': String(page),
			'total-pages': String(Math.max(1, Math.ceil(list.length / limit))),
		});
	}

	private history(r: SbReturn): Array<{ status: string; timestamp: string }> {
		return (['awaiting', 'arrived', 'processing', 'completed', 'cancelled'] as ReturnStage[]).filter((st) => r.stageAt[st] != null).map((st) => ({ status: RETURN_STATUS[st], timestamp: new Date(r.stageAt[st] as number).toISOString() }));
	}

	returnView(r: SbReturn): Record<string, unknown> {
		const done = r.stage === 'completed';
		const action = (d: string) => d.charAt(0).toUpperCase() + d.slice(1);
		return {
			id: r.id,
			reference_id: r.reference,
			status: RETURN_STATUS[r.stage],
			return_type: 'Regular',
			insert_date: new Date(r.createdAt).toISOString(),
			completed_date: done ? new Date(r.stageAt.completed as number).toISOString() : null,
			tracking_number: r.trackingNumber,
			original_shipment_id: r.orderId ? (this.world.byId('shipbob', r.orderId)?.packages[0]?.id ?? null) : null,
			store_order_id: r.orderReference,
			channel: { id: this.opts.channelId, name: 'OMS' },
			fulfillment_center: { id: 1, name: 'Cicero (IL)' },
			inventory: r.lines.map((l) => ({
				id: this.world.inventoryId(l.sku),
				name: l.sku,
				quantity: l.quantity,
				action_requested: { action: l.requested === 'default' ? 'Default' : action(l.requested), action_type: l.requested === 'default' ? 'InventoryDefault' : 'Override', instructions: null },
				action_taken: done
					? ([['Restock', l.restocked], ['Quarantine', l.quarantined], ['Dispose', l.disposed]] as Array<[string, number]>).filter(([, q]) => q > 0).map(([a, q]) => ({ action: a, action_reason: null, quantity_processed: q, image_url: null }))
					: [],
			})),
			invoice_amount: done ? 3 : null,
			transactions: done ? [{ amount: 3, transaction_type: 'ReturnProcessingFee' }] : [],
		};
	}

	private inventory(req: SbRequest, version: string): SbResponse {
		const skus = new Set<string>([...this.world.stock.keys()]);
		for (const o of this.world.list('shipbob')) for (const l of o.lines) skus.add(l.sku);
		const all = [...skus].sort().map((sku) => {
			const onHand = this.world.stock.get(sku) ?? 0;
			const committed = this.world.committed('shipbob', sku);
			const fulfillable = Math.max(0, onHand - committed);
			return {
				inventory_id: this.world.inventoryId(sku),
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
