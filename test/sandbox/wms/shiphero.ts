/**
 * ShipHero sandbox: POST /auth/token (username/password) -> JWT with expires_in and a refresh_token,
 * POST /auth/refresh, and the GraphQL endpoint POST /graphql.
 *
 * Verified (developer.shiphero.com getting-started, and public client code): token endpoint and refresh, GraphQL at
 * /graphql, order_create with order_number / partner_order_id / shop_name / shipping_address / line_items
 * [sku, partner_line_item_id, quantity, price], responses of the form { request_id, complexity, data | order }.
 * Assumed [U]: credit throttling as a 200 with errors[0].code 30 and time_remaining ("1.5 seconds") once the
 * per-user bucket (4 004 credits, 60 credits/s) runs dry; costs here are 5 per mutation and 1 + 1 per returned
 * node for queries; the orders query filters partner_order_id and updated_from; fulfillment_status words pending /
 * fulfilled / partially_fulfilled / canceled; a duplicate partner_order_id answered as an error naming it; field
 * names of warehouse_products (on_hand, allocated, available, backorder) and of shipments / shipping_labels;
 * 401 with { code: 401, Error: 'Token expired' } once the JWT is past its expiry.
 *
 * This is not a GraphQL server: it reads the operation's first root field and its variables, and answers with the
 * full node shape whatever the selection set. The client sends everything through variables.
 *
 * After intake and returns (issues 20, 21):
 * - order_cancel is refused from the world's cut-off (`cancelRefusedFrom`) with an error naming the stage ⚠.
 * - order_update(data: UpdateOrderInput { order_id, shipping_address }) ✔ (developer.shiphero.com update-order-input;
 *   shipping_address is a CreateOrderAddressInput, state and country as codes ✔): the fields sent replace the stored
 *   ones ⚠ (the client sends them all); refused once the order is picked ✔ (ShipHero does not update the address of an
 *   order with a lock or in a tote), as a GraphQL error naming the stage ⚠ (its wording); an unknown order_id is an
 *   error "Order not found" ⚠.
 * - return_create(data: CreateReturnInput) ✔ with order_id, warehouse_id, return_reason, label_type, label_cost,
 *   address, dimensions, shipping_carrier, shipping_method and line_items [{ sku, quantity, return_reason, condition }]
 *   required ✔ (developer.shiphero.com create-return-input); answers { request_id, complexity, return } ⚠.
 *   Return ✔: status, total_items_expected / received / restocked, line_items [{ sku, quantity, quantity_received,
 *   restock, condition, reason, warehouse_id }], return_history. Assumed ⚠: the status words pending → received →
 *   warehouse_completed (canceled), the `return(id)` and `returns(order_id, date_from, date_to)` queries (data
 *   connection like orders), created_at / updated_at, a quarantined or disposed unit counted as received, not restocked.
 */
import { randomBytes } from 'node:crypto';
import type { ReturnStage, SbOrder, SbReturn, World } from './world';
import { arr, bearer, json, obj, s, type SbRequest, type SbResponse } from './http';

export interface ShipHeroSandboxOptions {
	username: string;
	password: string;
	/** Token lifetime in seconds (virtual time); the real API gives 2 419 200 (28 days) */
	tokenTtlSec?: number;
	/** Credit bucket; default 4004 credits restoring 60/s (real time, or the sandbox's `clock`). false: no throttling */
	credits?: false | { bucket: number; restorePerSec: number };
	/** Where the credit restore reads the time (default Date.now) */
	now?: () => number;
}

interface Token {
	user: string;
	expiresAt: number;
}

/** A page of a data(first, after) connection with arrayconnection cursors; costs one credit a node plus one */
function connection<T>(key: string, list: T[], vars: Record<string, unknown>, node: (x: T) => unknown): { key: string; value: unknown; cost: number } {
	const first = Math.max(1, Math.min(100, Number(vars.first ?? 25)));
	const after = s(vars.after);
	const start = after ? Number(Buffer.from(after, 'base64').toString().split(':')[1] ?? 0) : 0;
	const page = list.slice(start, start + first);
	const end = start + page.length;
	return {
		key,
		cost: page.length + 1,
		value: {
			data: {
				pageInfo: { hasNextPage: end < list.length, endCursor: page.length ? Buffer.from(`arrayconnection:${end}`).toString('base64') : null },
				edges: page.map((x, i) => ({ cursor: Buffer.from(`arrayconnection:${start + i + 1}`).toString('base64'), node: node(x) })),
			},
		},
	};
}

export class ShipHeroSandbox {
	private readonly tokens = new Map<string, Token>();
	private readonly refresh = new Map<string, string>();
	private creditsLeft: number;
	private creditsAt: number;
	readonly warehouseId = 'V2FyZWhvdXNlOjEyMzQ=';

	constructor(
		private readonly world: World,
		private readonly opts: ShipHeroSandboxOptions,
	) {
		this.creditsLeft = opts.credits === false ? Infinity : (opts.credits?.bucket ?? 4004);
		this.creditsAt = this.now();
	}

	private now(): number {
		return (this.opts.now ?? Date.now)();
	}

	/** The GraphQL root field of a request (for fault matching and the call log) */
	static op(req: SbRequest): string | null {
		const q = s(obj(req.body).query);
		if (!q) return null;
		const m = /^\s*(?:(?:query|mutation)\b[^{]*)?\{\s*([A-Za-z_]\w*)/.exec(q);
		return m ? m[1] : null;
	}

	handle(req: SbRequest): SbResponse {
		if (req.method === 'POST' && req.path === '/auth/token') return this.login(req);
		if (req.method === 'POST' && req.path === '/auth/refresh') return this.doRefresh(req);
		if (req.method !== 'POST' || req.path !== '/graphql') return json(404, { message: 'Not found' });
		const t = this.tokens.get(bearer(req) ?? '');
		if (!t) return json(401, { code: 401, Error: 'Invalid token' });
		if (this.world.now() >= t.expiresAt) return json(401, { code: 401, Error: 'Token expired' });
		const op = ShipHeroSandbox.op(req);
		const vars = obj(obj(req.body).variables);
		const requestId = randomBytes(12).toString('hex');
		const isMutation = /^\s*mutation\b/.test(String(obj(req.body).query ?? ''));
		// the cost is known before running for mutations; queries are charged on their result size
		const run = (): { key: string; value: unknown; cost: number } | SbResponse => {
			switch (op) {
				case 'order_create':
					return this.orderCreate(vars);
				case 'order_cancel':
					return this.orderCancel(vars);
				case 'order_update':
					return this.orderUpdate(vars);
				case 'return_create':
					return this.returnCreate(vars);
				case 'return':
					return this.returnOne(vars);
				case 'returns':
					return this.returnList(vars);
				case 'orders':
					return this.orders(vars);
				case 'order':
					return this.order(vars);
				case 'warehouse_products':
					return this.products(vars);
				case 'account':
					return { key: 'account', value: { data: { id: 'QWNjb3VudDox', email: `${this.opts.username}`, username: this.opts.username } }, cost: 1 };
				default:
					return json(200, { errors: [{ message: `Cannot query field "${op}" on type "${isMutation ? 'Mutation' : 'Query'}".`, locations: [{ line: 1, column: 1 }] }] });
			}
		};
		const estimated = isMutation ? 5 : Number(vars.first ?? 1) + 1;
		const throttled = this.charge(estimated, op ?? 'unknown', requestId);
		if (throttled) return { ...throttled, op };
		const out = run();
		if ('status' in out) return { ...out, op };
		if ((out as { error?: string }).error) return { ...json(200, { errors: [{ message: (out as { error?: string }).error, operation: op, request_id: requestId, code: 22 }], data: { [out.key]: null } }), op };
		return { ...json(200, { data: { [out.key]: { request_id: requestId, complexity: out.cost, ...(out.value as object) } } }), op };
	}

	private charge(cost: number, op: string, requestId: string): SbResponse | null {
		if (this.opts.credits === false) return null;
		const c = this.opts.credits ?? { bucket: 4004, restorePerSec: 60 };
		const now = this.now();
		this.creditsLeft = Math.min(c.bucket, this.creditsLeft + ((now - this.creditsAt) / 1000) * c.restorePerSec);
		this.creditsAt = now;
		if (this.creditsLeft >= cost) {
			this.creditsLeft -= cost;
			return null;
		}
		const secs = (cost - this.creditsLeft) / c.restorePerSec;
		const left = Math.floor(this.creditsLeft);
		return json(200, {
			errors: [
				{
					message: `There are not enough credits to perform the requested operation, which requires ${cost} credits. The current user has ${left} left. ${secs.toFixed(2)} seconds left until enough credits are available.`,
					operation: op,
					request_id: requestId,
					code: 30,
					required_credits: cost,
					remaining_credits: left,
					time_remaining: `${secs.toFixed(2)} seconds`,
				},
			],
			data: { [op]: null },
		});
	}

	private login(req: SbRequest): SbResponse {
		const b = obj(req.body);
		if (b.username !== this.opts.username || b.password !== this.opts.password) return json(401, { error: 'invalid_grant', error_description: 'Wrong email or password.' });
		return json(200, this.issue(this.opts.username));
	}

	private doRefresh(req: SbRequest): SbResponse {
		const user = this.refresh.get(String(obj(req.body).refresh_token ?? ''));
		if (!user) return json(403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
		const t = this.issue(user);
		return json(200, { access_token: t.access_token, expires_in: t.expires_in, scope: t.scope, token_type: t.token_type });
	}

	private issue(user: string): Record<string, unknown> {
		const ttl = this.opts.tokenTtlSec ?? 2_419_200;
		const access = `eyJ${randomBytes(24).toString('base64url')}`;
		const refreshToken = randomBytes(16).toString('hex');
		this.tokens.set(access, { user, expiresAt: this.world.now() + ttl * 1000 });
		this.refresh.set(refreshToken, user);
		return { access_token: access, expires_in: ttl, scope: 'openid profile offline_access', token_type: 'Bearer', refresh_token: refreshToken };
	}

	private orderCreate(vars: Record<string, unknown>): { key: string; value: unknown; cost: number; error?: string } {
		const d = obj(vars.data);
		const ref = s(d.partner_order_id);
		if (!ref || !s(d.order_number) || !s(d.shop_name)) return { key: 'order_create', value: null, cost: 5, error: 'order_number, partner_order_id and shop_name are required' };
		const items = arr(d.line_items).map(obj);
		if (!items.length) return { key: 'order_create', value: null, cost: 5, error: 'line_items: at least one line item is required' };
		if (this.world.find('shiphero', ref).length) return { key: 'order_create', value: null, cost: 5, error: `An order with partner_order_id ${ref} already exists` };
		const o = this.world.create('shiphero', {
			reference: ref,
			orderNumber: s(d.order_number),
			lines: items.map((i) => ({ sku: String(i.sku), quantity: Number(i.quantity), name: s(i.product_name), partnerLineId: s(i.partner_line_item_id), price: i.price == null ? null : Number(i.price) })),
			shipTo: obj(d.shipping_address),
			shippingMethod: s(obj(d.shipping_lines).title),
			body: d,
		});
		return { key: 'order_create', value: { order: this.view(o) }, cost: 5 };
	}

	private orderCancel(vars: Record<string, unknown>): { key: string; value: unknown; cost: number; error?: string } {
		const d = obj(vars.data);
		const o = this.findById(s(d.order_id));
		if (!o) return { key: 'order_cancel', value: null, cost: 5, error: 'Order not found' };
		const blocker = this.world.cancelBlocker(o);
		if (!this.world.cancel(o))
			return { key: 'order_cancel', value: null, cost: 5, error: blocker === 'shipped' || blocker === 'delivered' ? 'Order already fulfilled, cannot be canceled' : `Order is already ${blocker}, it cannot be canceled` };
		return { key: 'order_cancel', value: { order: this.view(o) }, cost: 5 };
	}

	private orderUpdate(vars: Record<string, unknown>): { key: string; value: unknown; cost: number; error?: string } {
		const d = obj(vars.data);
		const o = this.findById(s(d.order_id));
		if (!o) return { key: 'order_update', value: null, cost: 5, error: 'Order not found' };
		const addr = obj(d.shipping_address);
		if (!Object.keys(addr).length) return { key: 'order_update', value: null, cost: 5, error: 'shipping_address: nothing to update' };
		if (!this.world.updateAddress(o, { ...obj(o.shipTo), ...addr })) return { key: 'order_update', value: null, cost: 5, error: `Order is locked (already ${o.stage}): its shipping address cannot be updated` };
		return { key: 'order_update', value: { order: this.view(o) }, cost: 5 };
	}

	// ---- returns ------------------------------------------------------------------------------------------
	private returnCreate(vars: Record<string, unknown>): { key: string; value: unknown; cost: number; error?: string } {
		const d = obj(vars.data);
		const missing = ['order_id', 'warehouse_id', 'return_reason', 'label_type', 'label_cost', 'address', 'dimensions', 'shipping_carrier', 'shipping_method', 'line_items'].filter((k) => d[k] == null || d[k] === '');
		if (missing.length) return { key: 'return_create', value: null, cost: 5, error: `Missing required fields: ${missing.join(', ')}` };
		const o = this.findById(s(d.order_id));
		if (!o) return { key: 'return_create', value: null, cost: 5, error: 'Order not found' };
		const items = arr(d.line_items).map(obj);
		if (!items.length) return { key: 'return_create', value: null, cost: 5, error: 'line_items: at least one line item is required' };
		for (const it of items) {
			const shipped = o.packages.reduce((n, p) => n + p.lines.filter((l) => l.sku === it.sku).reduce((m, l) => m + l.quantity, 0), 0);
			const already = this.world.returnsOf('shiphero').filter((r) => r.orderId === o.id && r.stage !== 'cancelled').reduce((n, r) => n + r.lines.filter((l) => l.sku === it.sku).reduce((m, l) => m + l.quantity, 0), 0);
			if (!(Number(it.quantity) > 0) || Number(it.quantity) + already > shipped) return { key: 'return_create', value: null, cost: 5, error: `line_items: ${it.sku} has ${Math.max(0, shipped - already)} shipped unit(s) left to return` };
		}
		const r = this.world.createReturn('shiphero', {
			reference: `RMA-${o.reference}-${this.world.returnsOf('shiphero').filter((x) => x.orderId === o.id).length + 1}`,
			orderReference: o.reference,
			orderId: o.id,
			lines: items.map((it) => ({ sku: String(it.sku), quantity: Number(it.quantity), partnerLineId: o.lines.find((l) => l.sku === it.sku)?.partnerLineId ?? null, requested: 'default' })),
			trackingNumber: s(d.tracking_number),
			reason: s(d.return_reason),
			body: d,
		});
		return { key: 'return_create', value: { return: this.returnView(r) }, cost: 5 };
	}

	private findReturnById(id: string | null): SbReturn | undefined {
		if (!id) return undefined;
		const decoded = Buffer.from(id, 'base64').toString();
		return this.world.returnById('shiphero', Number(decoded.startsWith('Return:') ? decoded.slice(7) : id));
	}

	private returnOne(vars: Record<string, unknown>): { key: string; value: unknown; cost: number } {
		const r = this.findReturnById(s(vars.id));
		return { key: 'return', cost: 1, value: { data: r ? this.returnView(r) : null } };
	}

	private returnList(vars: Record<string, unknown>): { key: string; value: unknown; cost: number } {
		let list = this.world.returnsOf('shiphero');
		const order = s(vars.order_id) ? this.findById(s(vars.order_id)) : undefined;
		if (s(vars.order_id)) list = list.filter((r) => r.orderId === order?.id);
		if (s(vars.date_from)) list = list.filter((r) => r.createdAt >= Date.parse(s(vars.date_from) as string));
		if (s(vars.date_to)) list = list.filter((r) => r.createdAt <= Date.parse(s(vars.date_to) as string));
		list = [...list].sort((a, b) => a.id - b.id);
		return connection('returns', list, vars, (r) => this.returnView(r));
	}

	returnView(r: SbReturn): Record<string, unknown> {
		const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
		const status: Record<ReturnStage, string> = { awaiting: 'pending', arrived: 'received', processing: 'received', completed: 'warehouse_completed', cancelled: 'canceled' };
		const body = obj(r.body);
		return {
			id: Buffer.from(`Return:${r.id}`).toString('base64'),
			legacy_id: r.id,
			order_id: r.orderId ? Buffer.from(`Order:${r.orderId}`).toString('base64') : null,
			partner_id: s(body.partner_id),
			reason: r.reason,
			status: status[r.stage],
			label_type: s(body.label_type),
			label_cost: s(body.label_cost),
			shipping_carrier: s(body.shipping_carrier),
			shipping_method: s(body.shipping_method),
			tracking_number: r.trackingNumber,
			created_at: iso(r.createdAt),
			updated_at: iso(r.updatedAt),
			total_items_expected: r.lines.reduce((n, l) => n + l.quantity, 0),
			total_items_received: r.lines.reduce((n, l) => n + l.received, 0),
			total_items_restocked: r.lines.reduce((n, l) => n + l.restocked, 0),
			line_items: {
				edges: r.lines.map((l) => ({
					node: {
						id: Buffer.from(`ReturnLineItem:${r.id * 100 + l.lineNo}`).toString('base64'),
						sku: l.sku,
						quantity: l.quantity,
						quantity_received: l.received,
						restock: l.restocked,
						condition: l.quarantined ? 'damaged' : l.disposed ? 'unsellable' : 'good',
						reason: r.reason,
						warehouse_id: this.warehouseId,
						line_item: { partner_line_item_id: l.partnerLineId },
					},
				})),
			},
			return_history: (['awaiting', 'arrived', 'completed', 'cancelled'] as ReturnStage[])
				.filter((st) => r.stageAt[st] != null)
				.map((st, i) => ({ id: Buffer.from(`ReturnHistory:${r.id * 10 + i}`).toString('base64'), created_at: iso(r.stageAt[st]), body: status[st] })),
		};
	}

	private orders(vars: Record<string, unknown>): { key: string; value: unknown; cost: number } {
		const ref = s(vars.partner_order_id);
		let list = ref ? this.world.find('shiphero', ref) : this.world.list('shiphero');
		const from = s(vars.updated_from);
		if (from) list = list.filter((o) => o.updatedAt >= Date.parse(from));
		list = [...list].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
		return connection('orders', list, vars, (o) => this.view(o));
	}

	private order(vars: Record<string, unknown>): { key: string; value: unknown; cost: number } {
		const o = this.findById(s(vars.id));
		return { key: 'order', cost: 1, value: { data: o ? this.view(o) : null } };
	}

	private products(vars: Record<string, unknown>): { key: string; value: unknown; cost: number } {
		const skus = new Set<string>([...this.world.stock.keys()]);
		for (const o of this.world.list('shiphero')) for (const l of o.lines) skus.add(l.sku);
		const all = [...skus].sort();
		const first = Math.max(1, Math.min(100, Number(vars.first ?? 25)));
		const after = s(vars.after);
		const start = after ? Number(Buffer.from(after, 'base64').toString().split(':')[1] ?? 0) : 0;
		const page = all.slice(start, start + first);
		const end = start + page.length;
		return {
			key: 'warehouse_products',
			cost: page.length + 1,
			value: {
				data: {
					pageInfo: { hasNextPage: end < all.length, endCursor: page.length ? Buffer.from(`arrayconnection:${end}`).toString('base64') : null },
					edges: page.map((sku, i) => {
						const onHand = this.world.stock.get(sku) ?? 0;
						const allocated = this.world.committed('shiphero', sku);
						return {
							cursor: Buffer.from(`arrayconnection:${start + i + 1}`).toString('base64'),
							node: {
								id: Buffer.from(`WarehouseProduct:${start + i + 1}`).toString('base64'),
								sku,
								warehouse_id: this.warehouseId,
								warehouse_identifier: 'Primary',
								on_hand: onHand,
								allocated,
								available: Math.max(0, onHand - allocated),
								backorder: 0,
							},
						};
					}),
				},
			},
		};
	}

	private findById(id: string | null): SbOrder | undefined {
		if (!id) return undefined;
		const decoded = Buffer.from(id, 'base64').toString();
		const n = Number(decoded.startsWith('Order:') ? decoded.slice(6) : id);
		return this.world.byId('shiphero', n);
	}

	view(o: SbOrder): Record<string, unknown> {
		const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
		const status =
			o.stage === 'cancelled'
				? 'canceled'
				: o.stage === 'shipped' || o.stage === 'delivered'
					? o.shortPicked
						? 'partially_fulfilled'
						: 'fulfilled'
					: 'pending';
		const lineId = (lineNo: number) => Buffer.from(`LineItem:${o.id * 100 + lineNo}`).toString('base64');
		return {
			id: Buffer.from(`Order:${o.id}`).toString('base64'),
			legacy_id: o.id,
			order_number: o.orderNumber,
			partner_order_id: o.reference,
			shop_name: 'OMS',
			fulfillment_status: status,
			order_date: iso(o.createdAt),
			updated_at: iso(o.updatedAt),
			shipping_address: o.shipTo,
			line_items: {
				edges: o.lines.map((l) => ({
					node: {
						id: lineId(l.lineNo),
						sku: l.sku,
						partner_line_item_id: l.partnerLineId,
						quantity: l.quantity,
						quantity_allocated: o.stage === 'received' ? 0 : l.picked,
						quantity_shipped: o.packages.reduce((n, p) => n + p.lines.filter((x) => x.lineNo === l.lineNo).reduce((m, x) => m + x.quantity, 0), 0),
						backorder_quantity: o.stage === 'received' ? 0 : l.quantity - l.picked,
						fulfillment_status: status,
					},
				})),
			},
			shipments: o.packages.map((p) => ({
				id: Buffer.from(`Shipment:${p.id}`).toString('base64'),
				legacy_id: p.id,
				order_id: Buffer.from(`Order:${o.id}`).toString('base64'),
				created_date: iso(p.shippedAt),
				shipped_off_shiphero: false,
				delivered: p.deliveredAt != null,
				shipping_labels: [
					{
						id: Buffer.from(`ShippingLabel:${p.id}`).toString('base64'),
						tracking_number: p.trackingNumber,
						carrier: p.carrier,
						shipping_name: p.service,
						shipping_method: p.service,
						tracking_url: p.trackingUrl,
						status: p.deliveredAt ? 'delivered' : 'valid',
						created_date: iso(p.shippedAt),
					},
				],
				line_items: {
					edges: p.lines.map((l) => ({ node: { line_item_id: lineId(l.lineNo), quantity: l.quantity, line_item: { sku: l.sku, partner_line_item_id: l.partnerLineId } } })),
				},
			})),
		};
	}
}
