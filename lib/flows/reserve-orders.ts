/**
 * Reserve orders against available-to-promise (the Inventory Allocator's Reserve), give reserved units back
 * (Release), take shipped units out of stock (Commit Shipment); after each, the channel quantities that changed are
 * published (publish-quantities.ts). Every decision is lib/allocation's and lib/stock's; these read and write the
 * store around them. n8n-free: a Store and plain values in, plain results out.
 */
import { allocationFromReserveResult, describeProblems, sameAllocation, validateReserveLines, type CompiledRuleSet } from '../allocation';
import type { AllocationAnnotation, CanonicalOrder, OrderLine } from '../order/types';
import { ENDED } from '../order/status';
import { reserveLinesOf } from '../stock/bundles';
import { OrderNotFoundError } from '../store/rows';
import type { BundleComponent, ReservedPart, ReserveRequest, ReserveResult, SkuQuantity, StockCells, Store, StoredOrder } from '../store/types';
import { ItemError } from './item-error';
import { publishChanges, type PublishOptions, type QuantityChange } from './publish-quantities';
import { routerFor, routingWarehouses, type OrderRouting, type RoutingOptions } from './warehouse-routing';


export interface ReserveInput {
	/** The item's index (pairedItem) */
	index: number;
	/** The item's JSON: a canonical order */
	doc: Record<string, unknown>;
}

export type ReserveOutcome =
	| { index: number; ok: true; order: Record<string, unknown>; allocation: AllocationAnnotation; result: ReserveResult; annotated: boolean; routing?: OrderRouting }
	| { index: number; ok: false; error: ItemError };




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
	opts: PublishOptions & { cause?: string; routing?: RoutingOptions } = {},
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
	const [stock, bundles, stored, warehouses] = await Promise.all([
		skuList.length ? store.getStockCells(skuList) : Promise.resolve([] as StockCells[]),
		skuList.length ? store.getBundles(skuList) : Promise.resolve(new Map<string, BundleComponent[]>()),
		pending.length ? store.getOrders(pending.map((p) => p.omsId)) : Promise.resolve([] as StoredOrder[]),
		pending.length ? routingWarehouses(store) : Promise.resolve(null),
	]);
	// what routing decided per order (several warehouses only), filled in inside the store's transaction
	const routings = new Map<string, OrderRouting>();
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
		const lines = reserveLinesOf(p.lines, bundles);
		const router = warehouses ? routerFor(st.order, lines, warehouses, opts.routing ?? {}, (r) => routings.set(p.omsId, r)) : undefined;
		requests.push({ omsId: p.omsId, lines, allowPartial: true, mode: 'once', cause: opts.cause, ...(router ? { router } : {}) });
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
		const routing = routings.get(p.omsId);
		outcomes.push({ index: p.index, ok: true, order: { ...p.json, allocation }, allocation, result, annotated: annotate, ...(routing ? { routing } : {}) });
	}
	// every changed allocation of the batch, with its timeline entry, in one store transaction
	await store.annotateMany(
		toAnnotate.map((a) => ({
			omsId: a.omsId,
			key: 'allocation' as const,
			value: a.allocation,
			event: {
				cause: opts.cause,
				detail: {
					status: a.allocation.status,
					lines: a.allocation.lines.map((l) => ({ sku: l.sku, requested: l.requested, allocated: l.allocated, backordered: l.backordered })),
					...(routings.has(a.omsId) ? { routing: routings.get(a.omsId)!.reason, warehouses: routings.get(a.omsId)!.shipments.map((s) => s.location) } : {}),
				},
			},
		})),
	);
	outcomes.sort((a, b) => a.index - b.index);
	const changes = rules && touched.size ? await publishChanges(store, touched, rules, channels, opts) : [];
	return { outcomes, changes };
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

function orderId(omsId: string): string {
	const id = omsId.trim();
	if (!id) throw new ItemError('OMS ID is empty: give the order’s OMS ID, e.g. shopify:450789469');
	return id;
}

/**
 * Release: the order's reserved units go back to available: all of them (`lines` undefined), or these SKUs and
 * quantities (a list, or its JSON, as parseLines reads it).
 */
export async function releaseStock(
	store: Store,
	omsId: string,
	lines: unknown,
	/** onlyEnded: release nothing of an order that is not cancelled or rejected (it may still ship: a cancel the WMS
	 * refused), and say so in `kept` */
	opts: { cause?: string; onlyEnded?: boolean } = {},
): Promise<{ omsId: string; released: ReservedPart[]; releasedUnits: number; orderSkus: string[]; kept?: string }> {
	const id = orderId(omsId);
	const stored = await store.getOrder(id);
	if (!stored) throw new OrderNotFoundError(id);
	const some = lines === undefined ? undefined : parseLines(lines, 'Lines');
	const orderSkus = [...new Set(stored.order.lines.map((l) => l.sku))];
	if (opts.onlyEnded && !ENDED.includes(stored.status)) {
		return { omsId: id, released: [], releasedUnits: 0, orderSkus, kept: `the order is ${stored.status.replace('_', ' ')}, not cancelled: its units stay reserved` };
	}
	const { released } = await store.release(id, some, { cause: opts.cause });
	// the order's own SKUs too (orderSkus): a release made earlier (a cancel's transition) still has its quantities published
	return { omsId: id, released, releasedUnits: released.reduce((s, r) => s + r.quantity, 0), orderSkus };
}

/** Commit Shipment: the package's units leave on hand and reserved, once per package (the same key again changes nothing). */
export async function commitShipment(
	store: Store,
	omsId: string,
	packageKey: string,
	/** The shipped units: a list, or its JSON (parseLines) */
	lines: unknown,
	opts: { cause?: string } = {},
): Promise<{ omsId: string; packageKey: string; changed: boolean; committed: ReservedPart[]; committedUnits: number; lines: SkuQuantity[] }> {
	const id = orderId(omsId);
	if (!(await store.getOrder(id))) throw new OrderNotFoundError(id);
	const key = packageKey.trim();
	if (!key) throw new ItemError('Package Key is empty: give the WMS shipment ID or carrier + tracking number');
	const shipped = parseLines(lines, 'Shipped Lines');
	const { committed, changed } = await store.commitShipment(id, key, shipped, { cause: opts.cause });
	return { omsId: id, packageKey: key, changed, committed, committedUnits: committed.reduce((s, r) => s + r.quantity, 0), lines: shipped };
}
