/**
 * The state every WMS sandbox shares: a clock (virtual, advanced on demand, optionally running scaled with real
 * time), orders per provider, stock per SKU, the fault plan and the call log.
 *
 * Orders move received -> picked -> packed -> shipped (-> delivered) at fixed virtual delays after they were
 * created; the move is computed lazily on every request (tick), so `advance(ms)` is all a test needs.
 * At pick time units are set aside: a seeded SKU with too little free stock (on hand less units already picked for
 * orders not yet shipped) is short-picked (the order ships what there is). On hand falls when the order ships, as
 * in the warehouses these sandboxes copy (ShipBob's on_hand counts committed units until they leave the building),
 * so an inventory count between pick and ship still includes them. A SKU never seeded counts as unlimited, so tests
 * that do not care about stock need no set-up.
 */
export type SandboxProvider = 'shipbob' | 'shiphero' | 'extensiv' | 'generic';
export type Stage = 'received' | 'picked' | 'packed' | 'shipped' | 'delivered' | 'cancelled';

export interface SbLine {
	lineNo: number;
	sku: string;
	name: string | null;
	quantity: number;
	/** The client's own line id (partner_line_item_id, line_id), when it sent one */
	partnerLineId: string | null;
	price: number | null;
	/** Filled at pick time */
	picked: number;
}

export interface SbPackage {
	id: number;
	carrier: string;
	service: string;
	trackingNumber: string;
	trackingUrl: string;
	shippedAt: number;
	deliveredAt: number | null;
	lines: Array<{ lineNo: number; sku: string; quantity: number; partnerLineId: string | null }>;
}

export interface SbOrder {
	id: number;
	provider: SandboxProvider;
	reference: string;
	orderNumber: string | null;
	lines: SbLine[];
	shipTo: Record<string, unknown>;
	shippingMethod: string | null;
	createdAt: number;
	updatedAt: number;
	stage: Stage;
	/** Times each stage was reached (virtual ms) */
	stageAt: Partial<Record<Stage, number>>;
	shortPicked: boolean;
	packages: SbPackage[];
	/** The request body as received, for assertions */
	body: unknown;
}

export interface Timing {
	pickAfterMs: number;
	packAfterMs: number;
	shipAfterMs: number;
	/** null: orders are never delivered on their own (control.deliver does it) */
	deliverAfterMs: number | null;
}

export type PackagePlan = Array<Array<{ sku: string; quantity: number }>>;

export type FaultKind =
	| 'timeout' // hold the request, never answer, do nothing (the client times out, or the socket is dropped after hangMs)
	| 'timeout_after_commit' // do the work, then never answer (the classic ambiguous failure); dropped after hangMs
	| 'reset' // close the connection at once, do nothing
	| '500'
	| '502'
	| '503'
	| '429' // with Retry-After (and ShipBob's x-retry-after)
	| 'malformed' // 200 with a body that is not JSON
	| 'slow'; // answer normally after delayMs (real ms)

export interface FaultRule {
	provider?: SandboxProvider;
	/** Substring of `${METHOD} ${path}` (or of the GraphQL operation name for ShipHero, e.g. 'order_create') */
	match?: string;
	kind: FaultKind;
	/** How many matching requests it hits (default 1; Infinity for all) */
	times?: number;
	retryAfterSec?: number;
	/** How long a timeout holds the socket before destroying it (real ms, default 5 000) */
	hangMs?: number;
	/** For 'slow': the delay before the normal answer (real ms, default 500) */
	delayMs?: number;
	/**
	 * For 'slow': instead of a delay, answer when this settles. Called when the call arrives (after the work is
	 * done), so a test can act while the call is out and release it after, in that order on any machine.
	 */
	hold?: () => Promise<unknown>;
}

export interface CallRecord {
	provider: SandboxProvider;
	method: string;
	path: string;
	query: Record<string, string>;
	/** GraphQL root field for ShipHero, e.g. order_create */
	op: string | null;
	body: unknown;
	status: number;
	fault: FaultKind | 'down' | null;
	at: string;
}

export interface WorldOptions {
	/** Virtual start time (ms since epoch); default 2026-05-01T00:00:00Z */
	startTime?: number;
	/** 0 (default): the clock moves only by advance(). >0: virtual ms per real ms on top */
	timeScale?: number;
	timing?: Partial<Timing>;
	/** 'single' (default): one package per order. 'per_line': one package per line (multi-package) */
	packaging?: 'single' | 'per_line';
}

const CARRIERS = [
	{ carrier: 'USPS', service: 'Priority', url: (t: string) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${t}` },
	{ carrier: 'UPS', service: 'Ground', url: (t: string) => `https://www.ups.com/track?tracknum=${t}` },
	{ carrier: 'FedEx', service: 'Home Delivery', url: (t: string) => `https://www.fedex.com/fedextrack/?trknbr=${t}` },
];

export class World {
	readonly timing: Timing;
	packaging: 'single' | 'per_line';
	readonly orders: SbOrder[] = [];
	/** stock[sku] = on hand (only seeded SKUs are enforced) */
	readonly stock = new Map<string, number>();
	/** Units picked for orders not yet shipped (set aside from on hand), per seeded SKU */
	readonly pickedOut = new Map<string, number>();
	readonly calls: CallRecord[] = [];
	readonly faults: FaultRule[] = [];
	private readonly plans = new Map<string, PackagePlan>();
	private offset = 0;
	private readonly start: number;
	private readonly realStart = Date.now();
	private readonly timeScale: number;
	private nextOrderId = 100001;
	private nextPackageId = 500001;
	private downUntil: { provider: SandboxProvider | 'all'; until: number | null } | null = null;
	/** Indexes, so lookups stay O(1) with many orders (benchmarks) */
	private readonly byRef = new Map<string, SbOrder[]>();
	private readonly byIdx = new Map<string, SbOrder>();
	private readonly byProvider = new Map<SandboxProvider, SbOrder[]>();
	/** Orders not yet delivered or cancelled */
	private active: SbOrder[] = [];
	private lastTick = -Infinity;
	/** Orders created since the last tick: with the clock unmoved, only these can have something due */
	private fresh: SbOrder[] = [];

	constructor(opts: WorldOptions = {}) {
		this.start = opts.startTime ?? Date.parse('2026-05-01T00:00:00Z');
		this.timeScale = opts.timeScale ?? 0;
		this.timing = { pickAfterMs: 60_000, packAfterMs: 120_000, shipAfterMs: 180_000, deliverAfterMs: null, ...(opts.timing ?? {}) };
		this.packaging = opts.packaging ?? 'single';
	}

	now(): number {
		return this.start + this.offset + (this.timeScale > 0 ? (Date.now() - this.realStart) * this.timeScale : 0);
	}

	iso(ms = this.now()): string {
		return new Date(ms).toISOString();
	}

	advance(ms: number): void {
		this.offset += ms;
		this.tick();
	}

	/** Down for `forMs` virtual ms (null: until up()) */
	down(provider: SandboxProvider | 'all' = 'all', forMs: number | null = null): void {
		this.downUntil = { provider, until: forMs == null ? null : this.now() + forMs };
	}

	up(): void {
		this.downUntil = null;
	}

	isDown(provider: SandboxProvider): boolean {
		const d = this.downUntil;
		if (!d) return false;
		if (d.until != null && this.now() >= d.until) {
			this.downUntil = null;
			return false;
		}
		return d.provider === 'all' || d.provider === provider;
	}

	/** The first fault rule matching this request, used up by one */
	takeFault(provider: SandboxProvider, what: string): FaultRule | null {
		for (let i = 0; i < this.faults.length; i++) {
			const f = this.faults[i];
			if (f.provider && f.provider !== provider) continue;
			if (f.match && !what.includes(f.match)) continue;
			const left = (f.times ?? 1) - 1;
			if (left <= 0) this.faults.splice(i, 1);
			else f.times = left;
			return f;
		}
		return null;
	}

	seedStock(levels: Record<string, number>): void {
		for (const [sku, q] of Object.entries(levels)) this.stock.set(sku, q);
	}

	/** How the order with this reference will be packed (overrides `packaging`) */
	planPackages(reference: string, plan: PackagePlan): void {
		this.plans.set(reference, plan);
	}

	find(provider: SandboxProvider, reference: string): SbOrder[] {
		this.tick();
		return [...(this.byRef.get(`${provider}\u0000${reference}`) ?? [])];
	}

	byId(provider: SandboxProvider, id: number): SbOrder | undefined {
		this.tick();
		return this.byIdx.get(`${provider}\u0000${id}`);
	}

	list(provider: SandboxProvider): SbOrder[] {
		this.tick();
		return this.byProvider.get(provider) ?? [];
	}

	create(
		provider: SandboxProvider,
		input: {
			reference: string;
			orderNumber?: string | null;
			lines: Array<{ sku: string; quantity: number; name?: string | null; partnerLineId?: string | null; price?: number | null }>;
			shipTo?: Record<string, unknown>;
			shippingMethod?: string | null;
			body: unknown;
		},
	): SbOrder {
		const now = this.now();
		const o: SbOrder = {
			id: this.nextOrderId++,
			provider,
			reference: input.reference,
			orderNumber: input.orderNumber ?? null,
			lines: input.lines.map((l, i) => ({
				lineNo: i + 1,
				sku: l.sku,
				name: l.name ?? null,
				quantity: l.quantity,
				partnerLineId: l.partnerLineId ?? null,
				price: l.price ?? null,
				picked: 0,
			})),
			shipTo: input.shipTo ?? {},
			shippingMethod: input.shippingMethod ?? null,
			createdAt: now,
			updatedAt: now,
			stage: 'received',
			stageAt: { received: now },
			shortPicked: false,
			packages: [],
			body: input.body,
		};
		this.orders.push(o);
		const rk = `${provider}\u0000${o.reference}`;
		this.byRef.set(rk, [...(this.byRef.get(rk) ?? []), o]);
		this.byIdx.set(`${provider}\u0000${o.id}`, o);
		if (!this.byProvider.has(provider)) this.byProvider.set(provider, []);
		this.byProvider.get(provider)!.push(o);
		this.active.push(o);
		this.fresh.push(o);
		return o;
	}

	/** Cancel if not yet shipped; returns whether it was cancelled */
	cancel(o: SbOrder): boolean {
		this.tick();
		if (o.stage === 'cancelled') return true;
		if (o.stage === 'shipped' || o.stage === 'delivered') return false;
		// picked units go back on the shelf (they never left on hand)
		if (o.stage === 'picked' || o.stage === 'packed') this.unpick(o);
		o.stage = 'cancelled';
		o.stageAt.cancelled = this.now();
		o.updatedAt = this.now();
		return true;
	}

	/** Mark every shipped package of the order delivered now */
	deliver(o: SbOrder): void {
		this.tick();
		if (o.stage !== 'shipped') return;
		const now = this.now();
		for (const p of o.packages) p.deliveredAt ??= now;
		o.stage = 'delivered';
		o.stageAt.delivered = now;
		o.updatedAt = now;
	}

	/** Apply every stage change that is due by now */
	tick(): void {
		const now = this.now();
		// with the clock unmoved since the last tick, only orders created since can have something due
		const list = now === this.lastTick ? this.fresh : this.active;
		this.lastTick = now;
		this.fresh = [];
		const t = this.timing;
		let done = 0;
		for (const o of list) {
			if (o.stage === 'cancelled' || o.stage === 'delivered') {
				done++;
				continue;
			}
			if (o.stage === 'received' && now >= o.createdAt + t.pickAfterMs) this.pick(o, o.createdAt + t.pickAfterMs);
			if (o.stage === 'picked' && now >= o.createdAt + t.packAfterMs) this.setStage(o, 'packed', o.createdAt + t.packAfterMs);
			if (o.stage === 'packed' && now >= o.createdAt + t.shipAfterMs) this.ship(o, o.createdAt + t.shipAfterMs);
			if (o.stage === 'shipped' && t.deliverAfterMs != null && now >= o.createdAt + t.deliverAfterMs) {
				const at = o.createdAt + t.deliverAfterMs;
				for (const p of o.packages) p.deliveredAt ??= at;
				this.setStage(o, 'delivered', at);
			}
		}
		if (list === this.active && done > 64 && done > this.active.length / 4) this.active = this.active.filter((o) => o.stage !== 'cancelled' && o.stage !== 'delivered');
	}

	private setStage(o: SbOrder, stage: Stage, at: number): void {
		o.stage = stage;
		o.stageAt[stage] = at;
		o.updatedAt = Math.max(o.updatedAt, at);
	}

	private pick(o: SbOrder, at: number): void {
		for (const l of o.lines) {
			if (!this.stock.has(l.sku)) {
				l.picked = l.quantity;
				continue;
			}
			const free = Math.max(0, (this.stock.get(l.sku) ?? 0) - (this.pickedOut.get(l.sku) ?? 0));
			l.picked = Math.min(free, l.quantity);
			this.pickedOut.set(l.sku, (this.pickedOut.get(l.sku) ?? 0) + l.picked);
			if (l.picked < l.quantity) o.shortPicked = true;
		}
		this.setStage(o, 'picked', at);
	}

	/** Units of this provider's orders not shipped yet: all of a received order's, the picked units of one picked or packed */
	committed(provider: SandboxProvider, sku: string): number {
		let n = 0;
		for (const o of this.list(provider)) {
			if (o.stage === 'received') {
				for (const l of o.lines) if (l.sku === sku) n += l.quantity;
			} else if (o.stage === 'picked' || o.stage === 'packed') {
				for (const l of o.lines) if (l.sku === sku) n += l.picked;
			}
		}
		return n;
	}

	private unpick(o: SbOrder): void {
		for (const l of o.lines) if (l.picked && this.pickedOut.has(l.sku)) this.pickedOut.set(l.sku, (this.pickedOut.get(l.sku) ?? 0) - l.picked);
	}

	private ship(o: SbOrder, at: number): void {
		const plan = this.plans.get(o.reference);
		const groups: Array<Array<{ line: SbLine; quantity: number }>> = [];
		if (plan) {
			const left = new Map(o.lines.map((l) => [l.lineNo, l.picked]));
			for (const box of plan) {
				const g: Array<{ line: SbLine; quantity: number }> = [];
				for (const item of box) {
					let want = item.quantity;
					for (const l of o.lines) {
						if (l.sku !== item.sku || want <= 0) continue;
						const q = Math.min(want, left.get(l.lineNo) ?? 0);
						if (q > 0) {
							g.push({ line: l, quantity: q });
							left.set(l.lineNo, (left.get(l.lineNo) ?? 0) - q);
							want -= q;
						}
					}
				}
				if (g.length) groups.push(g);
			}
			// anything the plan left out goes in a last box
			const rest = o.lines.filter((l) => (left.get(l.lineNo) ?? 0) > 0).map((l) => ({ line: l, quantity: left.get(l.lineNo) ?? 0 }));
			if (rest.length) groups.push(rest);
		} else if (this.packaging === 'per_line') {
			for (const l of o.lines) if (l.picked > 0) groups.push([{ line: l, quantity: l.picked }]);
		} else {
			const g = o.lines.filter((l) => l.picked > 0).map((l) => ({ line: l, quantity: l.picked }));
			if (g.length) groups.push(g);
		}
		for (const g of groups) {
			const id = this.nextPackageId++;
			const c = CARRIERS[id % CARRIERS.length];
			const tracking = `${c.carrier.toUpperCase()}${String(id).padStart(12, '0')}`;
			o.packages.push({
				id,
				carrier: c.carrier,
				service: c.service,
				trackingNumber: tracking,
				trackingUrl: c.url(tracking),
				shippedAt: at,
				deliveredAt: null,
				lines: g.map(({ line, quantity }) => ({ lineNo: line.lineNo, sku: line.sku, quantity, partnerLineId: line.partnerLineId })),
			});
		}
		if (groups.length === 0) {
			// nothing at all could be picked: the order stays in exception at the packed stage (no shipment)
			o.shortPicked = true;
			o.updatedAt = Math.max(o.updatedAt, at);
			return;
		}
		// the units leave the building: on hand falls now
		this.unpick(o);
		for (const l of o.lines) if (l.picked && this.stock.has(l.sku)) this.stock.set(l.sku, (this.stock.get(l.sku) ?? 0) - l.picked);
		this.setStage(o, 'shipped', at);
	}

	record(c: Omit<CallRecord, 'at'>): void {
		this.calls.push({ ...c, at: this.iso() });
	}
}
