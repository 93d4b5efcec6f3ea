/**
 * A plain REST WMS for the Generic REST provider (the shape most small WMS APIs have): an API key header,
 * POST /orders (409 for a reference it already has), GET /orders/{reference}, GET /orders?updated_since=&page=,
 * POST /orders/{reference}/cancel, GET /inventory. Its status words are its own: new, picking, packed, shipped,
 * delivered, cancelled, exception; the Generic provider maps them through its status table.
 */
import type { SbOrder, World } from './world';
import { arr, json, obj, s, type SbRequest, type SbResponse } from './http';

export interface GenericSandboxOptions {
	headerName: string;
	apiKey: string;
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
		m = /^\/orders\/([^/]+)\/cancel$/.exec(req.path);
		if (req.method === 'POST' && m) {
			const o = this.world.find('generic', decodeURIComponent(m[1]))[0];
			if (!o) return json(404, { error: 'not_found' });
			if (!this.world.cancel(o)) return json(409, { error: 'already_shipped', order: this.view(o) });
			return json(200, this.view(o));
		}
		if (req.method === 'GET' && req.path === '/inventory') {
			const skus = new Set<string>([...this.world.stock.keys()]);
			for (const o of this.world.list('generic')) for (const l of o.lines) skus.add(l.sku);
			return json(200, { items: [...skus].sort().map((sku) => ({ sku, warehouse: 'MAIN', on_hand: this.world.stock.get(sku) ?? 0, available: this.world.stock.get(sku) ?? 0 })) });
		}
		if (req.method === 'GET' && req.path === '/ping') return json(200, { ok: true });
		return json(404, { error: 'no_route' });
	}

	private create(req: SbRequest): SbResponse {
		const b = obj(req.body);
		const ref = s(b.external_id) ?? s(b.reference);
		const items = arr(b.items).map(obj);
		if (!ref) return json(400, { error: 'validation', message: 'external_id is required' });
		if (!items.length || items.some((i) => !s(i.sku) || !(Number(i.quantity) > 0))) return json(400, { error: 'validation', message: 'items need sku and quantity > 0' });
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
