/**
 * A plain REST WMS for the Generic REST provider (the shape most small WMS APIs have): an API key header,
 * POST /orders (409 for a reference it already has), GET /orders/{reference}, GET /orders?updated_since=&page=,
 * POST /orders/{reference}/cancel, GET /inventory. Its status words are its own: new, picking, packed, shipped,
 * delivered, cancelled, exception; the Generic provider maps them through its status table.
 *
 * After intake and returns (issues 20, 21), this API's own shape (⚠: no vendor to copy; what a small WMS offers):
 * - POST /orders/{reference}/cancel answers 409 { error: 'already_picked' | 'already_shipped' } from the cut-off.
 * - PATCH /orders/{reference} { ship_to } replaces the address before pick; 409 { error: 'already_picked' } after.
 * - POST /returns { external_id, order_reference, tracking_number, reason, items [{ sku, quantity, line_id,
 *   disposition }] } (409 for a reference it already has), GET /returns/{reference}, GET /returns?updated_since=&page=
 *   ({ returns, next_page }, the update feed), POST /returns/{reference}/cancel (409 once arrived). Status words
 *   expected, received, processing, completed, cancelled; per item received, restocked, quarantined, disposed.
 */
import type { Disposition, ReturnStage, SbOrder, SbReturn, World } from './world';
import { arr, json, obj, s, type SbRequest, type SbResponse } from './http';

export interface GenericSandboxOptions {
	headerName: string;
	apiKey: string;
}

/** The checks an order and a return share: an external_id, and items with a SKU and a quantity */
function checkDocument(b: Record<string, unknown>): { ref: string; items: Array<Record<string, unknown>>; invalid: null } | { ref: null; items: never[]; invalid: SbResponse } {
	const ref = s(b.external_id) ?? s(b.reference);
	const items = arr(b.items).map(obj);
	if (!ref) return { ref: null, items: [], invalid: json(400, { error: 'validation', message: 'external_id is required' }) };
	if (!items.length || items.some((i) => !s(i.sku) || !(Number(i.quantity) > 0))) return { ref: null, items: [], invalid: json(400, { error: 'validation', message: 'items need sku and quantity > 0' }) };
	return { ref, items, invalid: null };
}

export class GenericSandbox {
	constructor(
		private readonly world: World,
		private readonly opts: GenericSandboxOptions,
	) {}

	handle(req: SbRequest): SbResponse {
		if (req.headers[this.opts.headerName.toLowerCase()] !== this.opts.apiKey) return json(401, { error: 'unauthorized' });
		if (req.method === 'POST' && req.path === '/orders') return this.create(req);
		if (req.method === 'GET' && req.path === '/orders') return this.list(req);
		let m = /^\/orders\/([^/]+)$/.exec(req.path);
		if (req.method === 'GET' && m) {
			const o = this.world.find('generic', decodeURIComponent(m[1]))[0];
			return o ? json(200, this.view(o)) : json(404, { error: 'not_found' });
		}
		if (req.method === 'PATCH' && m) {
			const o = this.world.find('generic', decodeURIComponent(m[1]))[0];
			if (!o) return json(404, { error: 'not_found' });
			const shipTo = obj(obj(req.body).ship_to);
			if (!Object.keys(shipTo).length) return json(400, { error: 'validation', message: 'ship_to is required' });
			if (!this.world.updateAddress(o, { ...obj(o.shipTo), ...shipTo })) return json(409, { error: o.stage === 'shipped' || o.stage === 'delivered' ? 'already_shipped' : 'already_picked', order: this.view(o) });
			return json(200, this.view(o));
		}
		m = /^\/orders\/([^/]+)\/cancel$/.exec(req.path);
		if (req.method === 'POST' && m) {
			const o = this.world.find('generic', decodeURIComponent(m[1]))[0];
			if (!o) return json(404, { error: 'not_found' });
			const blocker = this.world.cancelBlocker(o);
			if (!this.world.cancel(o)) return json(409, { error: blocker === 'shipped' || blocker === 'delivered' ? 'already_shipped' : 'already_picked', order: this.view(o) });
			return json(200, this.view(o));
		}
		if (req.method === 'POST' && req.path === '/returns') return this.createReturn(req);
		if (req.method === 'GET' && req.path === '/returns') {
			let list = this.world.returnsOf('generic');
			if (req.query.updated_since) list = list.filter((r) => r.updatedAt >= Date.parse(req.query.updated_since));
			list = [...list].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
			const page = Math.max(1, Number(req.query.page ?? 1));
			return json(200, { returns: list.slice((page - 1) * 50, page * 50).map((r) => this.returnView(r)), next_page: page * 50 < list.length ? page + 1 : null });
		}
		m = /^\/returns\/([^/]+?)(\/cancel)?$/.exec(req.path);
		if (m) {
			const r = this.world.findReturn('generic', decodeURIComponent(m[1]));
			if (!r) return json(404, { error: 'not_found' });
			if (req.method === 'GET' && !m[2]) return json(200, this.returnView(r));
			if (req.method === 'POST' && m[2]) {
				if (!this.world.cancelReturn(r)) return json(409, { error: 'already_received', return: this.returnView(r) });
				return json(200, this.returnView(r));
			}
		}
		if (req.method === 'GET' && req.path === '/inventory') {
			const skus = new Set<string>([...this.world.stock.keys()]);
			for (const o of this.world.list('generic')) for (const l of o.lines) skus.add(l.sku);
			return json(200, { items: [...skus].sort().map((sku) => ({ sku, warehouse: 'MAIN', on_hand: this.world.stock.get(sku) ?? 0, available: this.world.stock.get(sku) ?? 0, quarantined: this.world.quarantine.get(sku) ?? 0 })) });
		}
		if (req.method === 'GET' && req.path === '/ping') return json(200, { ok: true });
		return json(404, { error: 'no_route' });
	}

	private create(req: SbRequest): SbResponse {
		const b = obj(req.body);
		const { ref, items, invalid } = checkDocument(b);
		if (invalid) return invalid;
		const existing = this.world.find('generic', ref)[0];
		if (existing) return json(409, { error: 'duplicate', message: `order ${ref} exists`, id: String(existing.id) });
		const o = this.world.create('generic', {
			reference: ref,
			orderNumber: s(b.order_number),
			lines: items.map((i) => ({ sku: String(i.sku), quantity: Number(i.quantity), partnerLineId: s(i.line_id), name: s(i.name) })),
			shipTo: obj(b.ship_to),
			shippingMethod: s(b.service_level),
			body: req.body,
		});
		return json(201, this.view(o));
	}

	private createReturn(req: SbRequest): SbResponse {
		const b = obj(req.body);
		const { ref, items, invalid } = checkDocument(b);
		if (invalid) return invalid;
		const bad = items.find((i) => i.disposition != null && !['restock', 'quarantine', 'dispose', 'default'].includes(String(i.disposition)));
		if (bad) return json(400, { error: 'validation', message: `disposition ${bad.disposition} is not one of restock, quarantine, dispose, default` });
		const existing = this.world.findReturn('generic', ref);
		if (existing) return json(409, { error: 'duplicate', message: `return ${ref} exists`, id: String(existing.id) });
		const order = s(b.order_reference) ? this.world.find('generic', s(b.order_reference) as string)[0] : undefined;
		const r = this.world.createReturn('generic', {
			reference: ref,
			orderReference: s(b.order_reference),
			orderId: order?.id ?? null,
			lines: items.map((i) => ({ sku: String(i.sku), quantity: Number(i.quantity), partnerLineId: s(i.line_id), requested: (s(i.disposition) ?? 'default') as Disposition | 'default' })),
			trackingNumber: s(b.tracking_number),
			reason: s(b.reason),
			body: req.body,
		});
		return json(201, this.returnView(r));
	}

	returnView(r: SbReturn): Record<string, unknown> {
		const status: Record<ReturnStage, string> = { awaiting: 'expected', arrived: 'received', processing: 'processing', completed: 'completed', cancelled: 'cancelled' };
		return {
			id: String(r.id),
			external_id: r.reference,
			order_reference: r.orderReference,
			status: status[r.stage],
			tracking_number: r.trackingNumber,
			reason: r.reason,
			updated_at: new Date(r.updatedAt).toISOString(),
			items: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, line_id: l.partnerLineId, received: l.received, restocked: l.restocked, quarantined: l.quarantined, disposed: l.disposed })),
		};
	}

	private list(req: SbRequest): SbResponse {
		let list = this.world.list('generic');
		if (req.query.updated_since) list = list.filter((o) => o.updatedAt >= Date.parse(req.query.updated_since));
		list = [...list].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
		const size = 50;
		const page = Math.max(1, Number(req.query.page ?? 1));
		const slice = list.slice((page - 1) * size, page * size);
		return json(200, { orders: slice.map((o) => this.view(o)), next_page: page * size < list.length ? page + 1 : null });
	}

	view(o: SbOrder): Record<string, unknown> {
		const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
		const status: Record<string, string> = { received: 'new', picked: 'picking', packed: 'packed', shipped: 'shipped', delivered: 'delivered', cancelled: 'cancelled' };
		return {
			id: String(o.id),
			external_id: o.reference,
			status: o.shortPicked && o.stage === 'packed' && !o.packages.length ? 'exception' : status[o.stage],
			updated_at: iso(o.updatedAt),
			packages: o.packages.map((p) => ({
				id: String(p.id),
				carrier: p.carrier,
				tracking_number: p.trackingNumber,
				tracking_url: p.trackingUrl,
				shipped_at: iso(p.shippedAt),
				items: p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, line_id: l.partnerLineId })),
			})),
		};
	}
}
