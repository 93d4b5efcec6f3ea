/**
 * The inventoryAllocator's operations as plain functions of (store, input, rule set): no n8n here, so the
 * benchmark (bench/allocation) and the node run exactly the same code. Every decision is lib/allocation's; these
 * functions only read from and write to the store around them.
 */
import {
	allocationFromReserveResult,
	atpBySku,
	bundleAtpByLocation,
	changedPublications,
	compileRuleSet,
	computePublishable,
	describeProblems,
	indexPublished,
	validateReserveLines,
	type ChangedQuantity,
	type CompiledRuleSet,
	type Publishable,
	type PublishedIndex,
} from '../../lib/allocation';
import type { AllocationAnnotation, CanonicalOrder, OrderLine } from '../../lib/order/types';
import { stableStringify } from '../../lib/order/json';
import { lineIdOf, reserveLinesOf } from '../../lib/stock/bundles';
import type { BundleComponent, ReserveRequest, ReserveResult, StockCells, StockLevelInput, Store, StoredOrder } from '../../lib/store/types';

export class ItemError extends Error {
	constructor(
		message: string,
		readonly problems: Array<{ path: string; message: string }> = [],
	) {
		super(message);
		this.name = 'ItemError';
	}
}

// ---------------------------------------------------------------- publishable quantities

export interface PublishOptions {
	/** Build the explanation of each emitted quantity (default true) */
	explain?: boolean;
	/** Write what is emitted as the channel's published quantity (default true) */
	record?: boolean;
}

export interface QuantityChange extends ChangedQuantity {
	atp: number;
	rule: string;
	tier: 'normal' | 'low';
	explain?: string;
	/** Sum of the stock versions the quantity was computed from (higher is newer); the Marketplace node sends the newest */
	basis?: number;
}

/** Bundle SKU -> components, and component SKU -> the bundles it is part of. */
export interface BundleIndex {
	bundles: Map<string, BundleComponent[]>;
	byComponent: Map<string, string[]>;
}

export async function bundleIndex(store: Store): Promise<BundleIndex> {
	const bundles = await store.getBundles();
	const byComponent = new Map<string, string[]>();
	for (const [bundle, comps] of bundles) {
		for (const c of comps) {
			const list = byComponent.get(c.sku);
			if (list) list.push(bundle);
			else byComponent.set(c.sku, [bundle]);
		}
	}
	return { bundles, byComponent };
}

/**
 * ATP of each SKU asked for (simple SKUs: summed over locations; bundles: bundleAtpByLocation over their
 * components), plus the bundles any of them is a component of. `skus: 'all'`: every stocked SKU and every bundle.
 * `basis`, when given, receives per SKU the sum of the versions of the stock rows its ATP was computed from (see
 * Store.setPublished): it grows with every change of those rows.
 */
export async function atpFor(
	store: Store,
	skus: Iterable<string> | 'all',
	bi: BundleIndex,
	basis?: Map<string, number>,
): Promise<Map<string, number>> {
	const want = new Set<string>();
	let rows: StockCells[];
	if (skus === 'all') {
		rows = await store.getStockCells();
		for (const r of rows) want.add(r.sku);
		for (const b of bi.bundles.keys()) want.add(b);
	} else {
		for (const s of skus) {
			want.add(s);
			for (const b of bi.byComponent.get(s) ?? []) want.add(b);
		}
		const read = new Set<string>();
		for (const s of want) {
			const comps = bi.bundles.get(s);
			if (comps) for (const c of comps) read.add(c.sku);
			else read.add(s);
		}
		rows = read.size ? await store.getStockCells([...read]) : [];
	}
	const simple = atpBySku(rows);
	const versions = new Map<string, number>();
	if (basis) for (const r of rows) versions.set(r.sku, (versions.get(r.sku) ?? 0) + r.version);
	const out = new Map<string, number>();
	let rowsBySku: Map<string, StockCells[]> | null = null;
	for (const sku of want) {
		const comps = bi.bundles.get(sku);
		if (!comps) {
			out.set(sku, simple.get(sku) ?? 0);
			basis?.set(sku, versions.get(sku) ?? 0);
			continue;
		}
		if (!rowsBySku) {
			rowsBySku = new Map();
			for (const r of rows) {
				const l = rowsBySku.get(r.sku);
				if (l) l.push(r);
				else rowsBySku.set(r.sku, [r]);
			}
		}
		const compRows: StockCells[] = [];
		for (const c of comps) for (const r of rowsBySku.get(c.sku) ?? []) compRows.push(r);
		out.set(sku, bundleAtpByLocation(comps, compRows).total);
		if (basis) {
			let b = 0;
			for (const c of comps) b += versions.get(c.sku) ?? 0;
			basis.set(sku, b);
		}
	}
	return out;
}

/**
 * The channel quantities that differ from what was last published for these SKUs (and their bundles), in SKU then
 * channel order; recorded as published unless `record` is false.
 */
export async function publishChanges(
	store: Store,
	skus: Iterable<string> | 'all',
	rules: CompiledRuleSet,
	channels: string[],
	opts: PublishOptions & { bundles?: BundleIndex } = {},
): Promise<QuantityChange[]> {
	const bi = opts.bundles ?? (await bundleIndex(store));
	const basis = new Map<string, number>();
	const atp = await atpFor(store, skus, bi, basis);
	if (atp.size === 0) return [];
	const computed: Array<{ channel: string; sku: string; quantity: number }> = [];
	const meta = new Map<string, Publishable[]>();
	for (const [sku, a] of atp) {
		const pubs = computePublishable(sku, a, rules, channels, { explain: false });
		meta.set(sku, pubs);
		for (const p of pubs) computed.push({ channel: p.channel, sku, quantity: p.quantity });
	}
	let changed = changedPublications(computed, await publishedIndex(store, skus === 'all' ? 'all' : [...atp.keys()], channels));
	if (!changed.length) return [];
	if (opts.record !== false) {
		// Recorded first, each with the basis it was computed from: an execution that computed from older stock than
		// one already recorded (two reservations of the last units racing) has its quantity refused, and does not
		// emit it, so a channel is never told a stale quantity after the newer one.
		const written = await store.setPublished(changed.map((c) => ({ channel: c.channel, sku: c.sku, quantity: c.quantity, basis: basis.get(c.sku) ?? 0 })));
		if (written.length !== changed.length) {
			const ok = new Set(written.map((w) => `${w.channel}\u0000${w.sku}`));
			changed = changed.filter((c) => ok.has(`${c.channel}\u0000${c.sku}`));
		}
	}
	const explain = opts.explain !== false;
	const explained = new Map<string, Publishable[]>();
	const out: QuantityChange[] = changed.map((c) => {
		const a = atp.get(c.sku) ?? 0;
		let pubs = meta.get(c.sku)!;
		if (explain) {
			let e = explained.get(c.sku);
			if (!e) explained.set(c.sku, (e = computePublishable(c.sku, a, rules, channels, { explain: true })));
			pubs = e;
		}
		const p = pubs.find((x) => x.channel === c.channel)!;
		const q: QuantityChange = { ...c, atp: a, rule: p.rule, tier: p.tier };
		if (explain) q.explain = p.explain;
		const b = basis.get(c.sku);
		if (b !== undefined) q.basis = b;
		return q;
	});
	return out;
}

/**
 * What each channel was last published for these SKUs. Asked per channel, so the store can use its
 * (channel, sku) key rather than scan every channel's rows for the SKUs.
 */
export async function publishedIndex(store: Store, skus: string[] | 'all', channels: string[]): Promise<PublishedIndex> {
	if (skus === 'all') return indexPublished(await store.getPublishedQuantities());
	if (!skus.length) return new Map();
	return indexPublished((await Promise.all(channels.map((c) => store.getPublishedQuantities(c, skus)))).flat());
}

/** Channels to compute for: the rule set's channels in their order, then the other selected ones. */
export function channelList(rules: CompiledRuleSet, selected: string[]): string[] {
	const out: string[] = [];
	for (const c of rules.ruleSet.channels) if (c.channel && !out.includes(c.channel)) out.push(c.channel);
	for (const c of selected) {
		const t = typeof c === 'string' ? c.trim() : '';
		if (t && !out.includes(t)) out.push(t);
	}
	return out;
}

/** Lines given as a JSON string or an array: [{ sku, quantity }] */
export function parseLines(value: unknown, what: string): Array<{ sku: string; quantity: number }> {
	let v = value;
	if (typeof v === 'string') {
		if (v.trim() === '') return [];
		let parsed: unknown = undefined;
		try {
			parsed = JSON.parse(v);
		} catch {
			parsed = undefined;
		}
		if (parsed === undefined) throw new ItemError(`${what} is not valid JSON: give a list like [{ "sku": "MUG-1", "quantity": 2 }]`);
		v = parsed;
	}
	if (!Array.isArray(v)) throw new ItemError(`${what} must be a list like [{ "sku": "MUG-1", "quantity": 2 }], got ${JSON.stringify(v)}`);
	return v.map((l: unknown, i: number) => {
		const line = l as { sku?: unknown; quantity?: unknown };
		if (!line || typeof line.sku !== 'string' || !line.sku.trim()) throw new ItemError(`${what}[${i}] has no SKU`, [{ path: `$[${i}].sku`, message: 'is required' }]);
		const q = typeof line.quantity === 'string' ? Number(line.quantity) : line.quantity;
		if (typeof q !== 'number' || !Number.isInteger(q) || q < 0) {
			throw new ItemError(`${what}[${i}] (${line.sku}): quantity must be a whole number >= 0, got ${JSON.stringify(line.quantity)}`, [
				{ path: `$[${i}].quantity`, message: 'must be a whole number >= 0' },
			]);
		}
		return { sku: line.sku.trim(), quantity: q };
	});
}

// ---------------------------------------------------------------- Sync Stock

export interface StockFieldNames {
	sku: string;
	location: string;
	onHand: string;
}

/** One WMS inventory item as a stock level, or an ItemError naming the field. */
export function stockLevelFromItem(json: Record<string, unknown>, f: StockFieldNames): StockLevelInput {
	const rawSku = json[f.sku];
	const sku = typeof rawSku === 'number' ? String(rawSku) : rawSku;
	if (typeof sku !== 'string' || sku.trim() === '') {
		throw new ItemError(`Inventory item has no SKU in field "${f.sku}" (got ${JSON.stringify(rawSku) ?? 'nothing'})`, [
			{ path: `$.${f.sku}`, message: 'must be a non-empty SKU' },
		]);
	}
	let onHand = json[f.onHand];
	if (typeof onHand === 'string' && onHand.trim() !== '') onHand = Number(onHand);
	if (typeof onHand !== 'number' || !Number.isFinite(onHand) || onHand < 0 || !Number.isInteger(onHand)) {
		throw new ItemError(
			`Inventory item ${sku}: on hand in field "${f.onHand}" must be a whole number of units >= 0, got ${JSON.stringify(json[f.onHand]) ?? 'nothing'}`,
			[{ path: `$.${f.onHand}`, message: 'must be a whole number >= 0' }],
		);
	}
	const loc = json[f.location];
	const level: StockLevelInput = { sku: sku.trim(), onHand };
	if (loc !== undefined && loc !== null && loc !== '') {
		if (typeof loc !== 'string' && typeof loc !== 'number') {
			throw new ItemError(`Inventory item ${sku}: location in field "${f.location}" must be text, got ${JSON.stringify(loc)}`, [
				{ path: `$.${f.location}`, message: 'must be text' },
			]);
		}
		level.location = String(loc).trim();
	}
	return level;
}

export interface SyncResult {
	changes: QuantityChange[];
	/** Stock rows whose on hand changed */
	stockChanged: number;
}

/** Sync Stock: upsert the levels (idempotent), then publish what changed (or, with full, recompute every SKU). */
export async function syncStock(
	store: Store,
	levels: StockLevelInput[],
	rules: CompiledRuleSet,
	channels: string[],
	opts: PublishOptions & { full?: boolean; cause?: string } = {},
): Promise<SyncResult> {
	const changes = levels.length ? await store.upsertStockLevels(levels, { cause: opts.cause }) : [];
	const skus = opts.full ? 'all' : new Set(changes.map((c) => c.sku));
	if (skus !== 'all' && skus.size === 0) return { changes: [], stockChanged: 0 };
	return { changes: await publishChanges(store, skus, rules, channels, opts), stockChanged: changes.length };
}

// ---------------------------------------------------------------- Reserve

export interface ReserveInput {
	/** The item's index (pairedItem) */
	index: number;
	/** The item's JSON: a canonical order */
	doc: Record<string, unknown>;
}

export type ReserveOutcome =
	| { index: number; ok: true; order: Record<string, unknown>; allocation: AllocationAnnotation; result: ReserveResult; annotated: boolean }
	| { index: number; ok: false; error: ItemError };

/** An order's lines as reservation lines (lib/stock/bundles.ts) */
export { lineIdOf, reserveLinesOf };

/** Same allocation: status and per-line quantities (and the units' places, in any order). */
export function sameAllocation(a: AllocationAnnotation, b: AllocationAnnotation): boolean {
	const norm = (x: AllocationAnnotation) =>
		stableStringify({
			status: x.status,
			lines: (x.lines ?? []).map((l) => ({
				lineId: l.lineId,
				sku: l.sku,
				requested: l.requested,
				allocated: l.allocated,
				backordered: l.backordered,
				parts: Array.isArray(l.parts) ? (l.parts as unknown[]).map((p) => stableStringify(p)).sort() : null,
			})),
		});
	return norm(a) === norm(b);
}


/**
 * Reserve: check each order's lines (unknown SKU, negative or fractional quantity: an error on that order only),
 * reserve every valid order in one store call (atomic per order, allowPartial: lib/backorder decides what a
 * partial allocation means), annotate the ones whose allocation is new or changed, and publish what changed.
 */
export async function reserveOrders(
	store: Store,
	inputs: ReserveInput[],
	rules: CompiledRuleSet | null,
	channels: string[],
	opts: PublishOptions & { cause?: string } = {},
): Promise<{ outcomes: ReserveOutcome[]; changes: QuantityChange[] }> {
	const outcomes: ReserveOutcome[] = [];
	const pending: Array<{ index: number; json: Record<string, unknown>; omsId: string; lines: OrderLine[] }> = [];
	const skus = new Set<string>();
	for (const { index, doc: json } of inputs) {
		const omsId = json.omsId;
		if (typeof omsId !== 'string' || omsId.trim() === '') {
			outcomes.push({ index, ok: false, error: new ItemError('Item has no omsId: Reserve takes canonical orders (run OMS Order > Record first)', [{ path: '$.omsId', message: 'is required' }]) });
			continue;
		}
		const shape = validateReserveLines(json as unknown as CanonicalOrder);
		if (shape.length) {
			outcomes.push({ index, ok: false, error: new ItemError(`Cannot reserve ${describeProblems(shape, omsId)}`, shape) });
			continue;
		}
		const lines = json.lines as OrderLine[];
		for (const l of lines) skus.add(l.sku);
		pending.push({ index, json, omsId, lines });
	}
	const skuList = [...skus];
	const [stock, bundles, stored] = await Promise.all([
		skuList.length ? store.getStockCells(skuList) : Promise.resolve([] as StockCells[]),
		skuList.length ? store.getBundles(skuList) : Promise.resolve(new Map<string, BundleComponent[]>()),
		pending.length ? store.getOrders(pending.map((p) => p.omsId)) : Promise.resolve([] as StoredOrder[]),
	]);
	const stocked = new Set(stock.map((r) => r.sku));
	const known = (s: string) => stocked.has(s) || bundles.has(s);
	const storedById = new Map(stored.map((s) => [s.order.omsId, s]));
	const requests: ReserveRequest[] = [];
	const valid: typeof pending = [];
	const seen = new Set<string>();
	for (const p of pending) {
		const problems = validateReserveLines({ lines: p.lines }, known);
		if (problems.length) {
			outcomes.push({ index: p.index, ok: false, error: new ItemError(`Cannot reserve ${describeProblems(problems, p.omsId)}`, problems) });
			continue;
		}
		const st = storedById.get(p.omsId);
		if (!st) {
			outcomes.push({ index: p.index, ok: false, error: new ItemError(`No order ${p.omsId} in the OMS store: record it with OMS Order > Record before reserving`) });
			continue;
		}
		if (st.status === 'cancelled' || st.status === 'rejected') {
			outcomes.push({ index: p.index, ok: false, error: new ItemError(`Order ${p.omsId} is ${st.status} in the OMS: nothing is reserved for it`) });
			continue;
		}
		valid.push(p);
		if (seen.has(p.omsId)) continue; // the same order twice in one batch: reserved once, answered twice
		seen.add(p.omsId);
		requests.push({ omsId: p.omsId, lines: reserveLinesOf(p.lines, bundles), allowPartial: true, mode: 'once', cause: opts.cause });
	}
	const results = requests.length ? await store.reserve(requests) : [];
	const byId = new Map(results.map((r) => [r.omsId, r]));
	const touched = new Set<string>();
	for (const r of results) for (const s of r.touchedSkus) touched.add(s);

	const toAnnotate: Array<{ omsId: string; allocation: AllocationAnnotation }> = [];
	const annotatedIds = new Set<string>();
	for (const p of valid) {
		const result = byId.get(p.omsId)!;
		const allocation = allocationFromReserveResult(result);
		const before = storedById.get(p.omsId)?.order.allocation;
		const annotate = !annotatedIds.has(p.omsId) && (before === undefined || sameAllocation(before, allocation) === false);
		if (annotate) {
			annotatedIds.add(p.omsId);
			toAnnotate.push({ omsId: p.omsId, allocation });
		}
		outcomes.push({ index: p.index, ok: true, order: { ...p.json, allocation }, allocation, result, annotated: annotate });
	}
	// every changed allocation of the batch, with its timeline entry, in one store transaction
	await store.annotateMany(
		toAnnotate.map((a) => ({
			omsId: a.omsId,
			key: 'allocation' as const,
			value: a.allocation,
			event: {
				cause: opts.cause,
				detail: { status: a.allocation.status, lines: a.allocation.lines.map((l) => ({ sku: l.sku, requested: l.requested, allocated: l.allocated, backordered: l.backordered })) },
			},
		})),
	);
	outcomes.sort((a, b) => a.index - b.index);
	const changes = rules && touched.size ? await publishChanges(store, touched, rules, channels, opts) : [];
	return { outcomes, changes };
}

/** Compile (validate) a rule set, for callers outside the node. */
export { compileRuleSet };
