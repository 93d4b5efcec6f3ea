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
 *
 * Cancel cut-off: a cancel is refused from `cancelRefusedFrom` on ('shipped' by default, per provider or for all).
 * ShipBob documents 'picked' ✔ ("The shipment must not be picked, packed, or shipped" to cancel it); the others are ⚠.
 * An address update is accepted only before pick ⚠ (every provider).
 *
 * Returns (issue 21): a return expected at the warehouse (awaiting) arrives after `returnTiming.arriveAfterMs`
 * (null: only when `arriveReturn` says), is processed and completed `processAfterMs` later. At completion each
 * received unit gets its disposition (the plan given by `planReturn`, else the line's requested action; 'default'
 * means restock ⚠): restocked units raise on hand once (a seeded SKU; an unseeded one is unlimited and only logged in
 * `restocks`), quarantined units are held apart (`quarantine`), disposed ones leave. Fewer units planned than
 * expected is a short receipt.
 */
export type SandboxProvider = 'shipbob' | 'shiphero' | 'extensiv' | 'generic';
export type Stage = 'received' | 'picked' | 'packed' | 'shipped' | 'delivered' | 'cancelled';
/** The first stage at which a cancel is refused */
export type CancelCutoff = 'picked' | 'packed' | 'shipped';
export type Disposition = 'restock' | 'quarantine' | 'dispose';
export type ReturnStage = 'awaiting' | 'arrived' | 'processing' | 'completed' | 'cancelled';
/** How the units received of each SKU are disposed (their sum is what arrives) */
export type ReturnPlan = Record<string, Partial<Record<Disposition, number>>>;

export interface SbReturnLine {
	lineNo: number;
	sku: string;
	/** expected */
	quantity: number;
	partnerLineId: string | null;
	requested: Disposition | 'default';
	received: number;
	restocked: number;
	quarantined: number;
	disposed: number;
}

export interface SbReturn {
	id: number;
	provider: SandboxProvider;
	reference: string;
	/** the outbound order's reference, when the return names it */
	orderReference: string | null;
	orderId: number | null;
	lines: SbReturnLine[];
	trackingNumber: string | null;
	reason: string | null;
	stage: ReturnStage;
	stageAt: Partial<Record<ReturnStage, number>>;
	createdAt: number;
	updatedAt: number;
	body: unknown;
}

export interface ReturnTiming {
	/** null: a return arrives only when control.arriveReturn says so */
	arriveAfterMs: number | null;
	processAfterMs: number;
}

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
	/** From which stage a cancel is refused (default 'shipped'); per provider or for all */
	cancelRefusedFrom?: CancelCutoff | Partial<Record<SandboxProvider, CancelCutoff>>;
	returnTiming?: Partial<ReturnTiming>;
}

const STAGE_ORDER: Stage[] = ['received', 'picked', 'packed', 'shipped', 'delivered'];

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
	private nextReturnId = 700001;
	readonly returnTiming: ReturnTiming;
	cancelRefusedFrom: Partial<Record<SandboxProvider, CancelCutoff>>;
	readonly returns: SbReturn[] = [];
	/** Returns not completed or cancelled, so a tick stays cheap with many */
	private openReturns: SbReturn[] = [];
	private readonly returnPlans = new Map<string, ReturnPlan>();
	/** Units held apart after a return (quarantine), per SKU */
	readonly quarantine = new Map<string, number>();
	/** Every restock a return made (the proof that it happened once) */
	readonly restocks: Array<{ provider: SandboxProvider; reference: string; sku: string; quantity: number; at: string }> = [];
	/** Every accepted address update */
	readonly addressUpdates: Array<{ provider: SandboxProvider; reference: string; shipTo: Record<string, unknown>; at: string }> = [];
	/** Stable inventory item ids per SKU (ShipBob's returns name units by inventory id) */
	private readonly inventoryIds = new Map<string, number>();
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
		this.returnTiming = { arriveAfterMs: 2 * 86_400_000, processAfterMs: 2 * 3_600_000, ...(opts.returnTiming ?? {}) };
		const c = opts.cancelRefusedFrom ?? 'shipped';
		this.cancelRefusedFrom = typeof c === 'string' ? { shipbob: c, shiphero: c, extensiv: c, generic: c } : { ...c };
	}

	/** The stable inventory id of a SKU (given on first sight) */
	inventoryId(sku: string): number {
		let id = this.inventoryIds.get(sku);
		if (id === undefined) {
			id = 9001 + this.inventoryIds.size;
			this.inventoryIds.set(sku, id);
		}
		return id;
	}

	skuOfInventoryId(id: number): string | undefined {
		for (const [sku, v] of this.inventoryIds) if (v === id) return sku;
		return undefined;
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

	/** The stage that stops a cancel now (null: it can be cancelled) */
	cancelBlocker(o: SbOrder): Stage | null {
		this.tick();
		if (o.stage === 'cancelled') return null;
		const cutoff = this.cancelRefusedFrom[o.provider] ?? 'shipped';
		return STAGE_ORDER.indexOf(o.stage) >= STAGE_ORDER.indexOf(cutoff) ? o.stage : null;
	}

	/** Cancel if the cut-off (default: shipped) is not reached; returns whether it was cancelled */
	cancel(o: SbOrder): boolean {
		this.tick();
		if (o.stage === 'cancelled') return true;
		if (this.cancelBlocker(o)) return false;
		// picked units go back on the shelf (they never left on hand)
		if (o.stage === 'picked' || o.stage === 'packed') this.unpick(o);
		o.stage = 'cancelled';
		o.stageAt.cancelled = this.now();
		o.updatedAt = this.now();
		return true;
	}

	/** Replace the ship-to while the order is not picked yet ⚠; returns whether it was accepted */
	updateAddress(o: SbOrder, shipTo: Record<string, unknown>): boolean {
		this.tick();
		if (o.stage !== 'received') return false;
		o.shipTo = shipTo;
		o.updatedAt = this.now();
		this.addressUpdates.push({ provider: o.provider, reference: o.reference, shipTo, at: this.iso() });
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

	// ---- returns ------------------------------------------------------------------------------------------
	createReturn(
		provider: SandboxProvider,
		input: { reference: string; orderReference?: string | null; orderId?: number | null; lines: Array<{ sku: string; quantity: number; partnerLineId?: string | null; requested?: Disposition | 'default' }>; trackingNumber?: string | null; reason?: string | null; body: unknown },
	): SbReturn {
		const now = this.now();
		const r: SbReturn = {
			id: this.nextReturnId++,
			provider,
			reference: input.reference,
			orderReference: input.orderReference ?? null,
			orderId: input.orderId ?? null,
			lines: input.lines.map((l, i) => ({ lineNo: i + 1, sku: l.sku, quantity: l.quantity, partnerLineId: l.partnerLineId ?? null, requested: l.requested ?? 'default', received: 0, restocked: 0, quarantined: 0, disposed: 0 })),
			trackingNumber: input.trackingNumber ?? null,
			reason: input.reason ?? null,
			stage: 'awaiting',
			stageAt: { awaiting: now },
			createdAt: now,
			updatedAt: now,
			body: input.body,
		};
		for (const l of r.lines) this.inventoryId(l.sku);
		this.returns.push(r);
		this.openReturns.push(r);
		return r;
	}

	returnsOf(provider: SandboxProvider): SbReturn[] {
		this.tick();
		return this.returns.filter((r) => r.provider === provider);
	}

	findReturn(provider: SandboxProvider, reference: string): SbReturn | undefined {
		this.tick();
		return this.returns.find((r) => r.provider === provider && r.reference === reference);
	}

	returnById(provider: SandboxProvider, id: number): SbReturn | undefined {
		this.tick();
		return this.returns.find((r) => r.provider === provider && r.id === id);
	}

	/** How the return with this reference will be disposed (received units per SKU and disposition) */
	planReturn(reference: string, plan: ReturnPlan): void {
		this.returnPlans.set(reference, plan);
	}

	private setReturnStage(r: SbReturn, stage: ReturnStage, at: number): void {
		r.stage = stage;
		r.stageAt[stage] = at;
		r.updatedAt = Math.max(r.updatedAt, at);
	}

	/** The parcel is at the dock now (received, not yet processed) */
	arriveReturn(r: SbReturn): void {
		this.tick();
		if (r.stage !== 'awaiting') return;
		this.setReturnStage(r, 'arrived', this.now());
	}

	/** Processes and completes the return now (arriving first if it had not) */
	processReturn(r: SbReturn): void {
		this.tick();
		if (r.stage === 'awaiting') this.arriveReturn(r);
		if (r.stage === 'arrived' || r.stage === 'processing') this.completeReturn(r, this.now());
	}

	/** Only a return still awaited can be cancelled ✔ (ShipBob: while AwaitingArrival) */
	cancelReturn(r: SbReturn): boolean {
		this.tick();
		if (r.stage === 'cancelled') return true;
		if (r.stage !== 'awaiting') return false;
		this.setReturnStage(r, 'cancelled', this.now());
		return true;
	}

	private completeReturn(r: SbReturn, at: number): void {
		const plan = this.returnPlans.get(r.reference);
		const left = new Map<string, Partial<Record<Disposition, number>>>(plan ? Object.entries(plan).map(([k, v]) => [k, { ...v }]) : []);
		for (const l of r.lines) {
			if (plan) {
				const p = left.get(l.sku) ?? {};
				for (const d of ['restock', 'quarantine', 'dispose'] as const) {
					const q = Math.min(p[d] ?? 0, l.quantity - l.received);
					p[d] = (p[d] ?? 0) - q;
					l.received += q;
					if (d === 'restock') l.restocked += q;
					else if (d === 'quarantine') l.quarantined += q;
					else l.disposed += q;
				}
			} else {
				l.received = l.quantity;
				const d = l.requested === 'default' ? 'restock' : l.requested;
				if (d === 'restock') l.restocked = l.quantity;
				else if (d === 'quarantine') l.quarantined = l.quantity;
				else l.disposed = l.quantity;
			}
			if (l.restocked) {
				if (this.stock.has(l.sku)) this.stock.set(l.sku, (this.stock.get(l.sku) ?? 0) + l.restocked);
				this.restocks.push({ provider: r.provider, reference: r.reference, sku: l.sku, quantity: l.restocked, at: this.iso(at) });
			}
			if (l.quarantined) this.quarantine.set(l.sku, (this.quarantine.get(l.sku) ?? 0) + l.quarantined);
		}
		this.setReturnStage(r, 'completed', at);
	}

	private tickReturns(now: number): void {
		const t = this.returnTiming;
		let done = 0;
		for (const r of this.openReturns) {
			if (r.stage === 'completed' || r.stage === 'cancelled') {
				done++;
				continue;
			}
			if (r.stage === 'awaiting' && t.arriveAfterMs != null && now >= r.createdAt + t.arriveAfterMs) this.setReturnStage(r, 'arrived', r.createdAt + t.arriveAfterMs);
			const arrived = r.stageAt.arrived;
			if (arrived == null) continue;
			if (r.stage === 'arrived' && now >= arrived + t.processAfterMs / 2) this.setReturnStage(r, 'processing', arrived + t.processAfterMs / 2);
			if (r.stage === 'processing' && now >= arrived + t.processAfterMs) this.completeReturn(r, arrived + t.processAfterMs);
		}
		if (done > 32 && done > this.openReturns.length / 4) this.openReturns = this.openReturns.filter((r) => r.stage !== 'completed' && r.stage !== 'cancelled');
	}

	/** Apply every stage change that is due by now */
	tick(): void {
		const now = this.now();
		if (this.openReturns.length) this.tickReturns(now);
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
