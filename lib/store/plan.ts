/**
 * The decisions both stores make, as pure functions over rows they have read inside their transaction.
 * The SQLite and PostgreSQL stores only do I/O around these, so the two can never disagree on a rule.
 */
import type { CanonicalOrder } from '../order/types';
import { initialStatus, statusOnChannelUpdate } from '../order/lifecycle';
import { chooseBundleLocations, chooseLocations } from '../allocation/location';
import type { Hold, OmsStatus, ReserveLineResult, ReserveRequest, ReservedPart, StoredOrder } from './types';

export function isoUtc(value: string | Date | number): string {
	const d = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(d.getTime())) throw new Error(`Not a valid timestamp: ${String(value)}`);
	return d.toISOString();
}

/** JSON with object keys sorted, so a document read back from PostgreSQL's jsonb compares equal to the original. */
export function stableStringify(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
	if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
	const obj = value as Record<string, unknown>;
	return `{${Object.keys(obj)
		.filter((k) => obj[k] !== undefined)
		.sort()
		.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`)
		.join(',')}}`;
}

// ------------------------------------------------------------------ record

export type RecordPlan =
	| { kind: 'insert'; status: OmsStatus; hold: Hold | null; doc: CanonicalOrder }
	| { kind: 'duplicate'; reason: 'same_version' | 'older_version' }
	| {
			kind: 'update';
			doc: CanonicalOrder;
			changes: string[];
			statusChange: { status: OmsStatus; hold: Hold | null } | null;
	  };

const DOWNSTREAM_KEYS = ['fraud', 'allocation', 'wms'] as const;

/** Compare an incoming channel order with what is stored (if anything). */
export function planRecord(existing: StoredOrder | null, incoming: CanonicalOrder, now: string): RecordPlan {
	if (!existing) {
		const { status, hold } = initialStatus(incoming.readiness, now);
		return { kind: 'insert', status, hold, doc: incoming };
	}
	const storedAt = Date.parse(existing.order.updatedAt);
	const incomingAt = Date.parse(incoming.updatedAt);
	if (incomingAt === storedAt) return { kind: 'duplicate', reason: 'same_version' };
	if (incomingAt < storedAt) return { kind: 'duplicate', reason: 'older_version' };

	// Downstream nodes add, never rewrite: a newer channel version keeps the OMS's own annotations.
	const doc: CanonicalOrder = { ...incoming };
	for (const key of DOWNSTREAM_KEYS) {
		if (existing.order[key] !== undefined && incoming[key] === undefined) {
			(doc as unknown as Record<string, unknown>)[key] = existing.order[key];
		}
	}
	const changes: string[] = [];
	const before = existing.order as unknown as Record<string, unknown>;
	const after = doc as unknown as Record<string, unknown>;
	const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
	for (const key of keys) {
		if (key === 'raw' || key === 'updatedAt') continue;
		if (stableStringify(before[key]) !== stableStringify(after[key])) changes.push(key);
	}
	changes.sort();
	const statusChange = statusOnChannelUpdate(existing.status, existing.hold, incoming.readiness, now);
	return { kind: 'update', doc, changes, statusChange };
}

// ------------------------------------------------------------------ reserve

export interface StockCell {
	sku: string;
	location: string;
	onHand: number;
	reserved: number;
	safetyStock: number;
}

export interface ExistingReservation extends ReservedPart {
	omsId: string;
	lineId: string;
}

/**
 * One (line, SKU, location) share of an order's reservation. Each order keeps ONE reservation document (its parts,
 * oldest first): a batch of orders writes one row per order, not one per line, and the row's existence is what
 * makes a 'once' reservation idempotent.
 */
export interface ReservationPart {
	line: string;
	sku: string;
	location: string;
	/** Units held now (counted in stock.reserved) */
	active: number;
	/** Units shipped (left on hand) */
	committed: number;
	/** Units given back */
	released: number;
}

export interface ReservePlan {
	results: Array<{ omsId: string; changed: boolean; lines: ReserveLineResult[]; touchedSkus: string[] }>;
	/** Reservation documents to write, whole: `isNew` ones inserted (an order reserved for the first time, even
	 * with nothing allocated), the others updated (parts added by a top-up). */
	docs: Array<{ omsId: string; parts: ReservationPart[]; isNew: boolean }>;
	/** Stock cells whose `reserved` changed, with the final value */
	touched: StockCell[];
}

/** Sum of a document's active units (kept beside the parts, so "which orders hold stock" needs no JSON). */
export function activeUnits(parts: ReservationPart[]): number {
	let n = 0;
	for (const p of parts) n += p.active;
	return n;
}

/**
 * Plan a batch of reservations against stock rows read (and locked) in the same transaction.
 * - `docs`: the reservation documents of the batch's orders that have one (read in the same transaction). An order
 *   with a document was reserved before: in 'once' mode nothing changes and the result is rebuilt from it. Units
 *   shipped for a line (committed) count as allocated to it, so topping up a split order after its first shipment
 *   never reserves the shipped units again.
 * - allowPartial=false: every line in full, or nothing for the whole order.
 * - Bundles reserve their components, all from one location (availability of a bundle is per location).
 * Cells are mutated in request order, so later orders in the batch see earlier ones' reservations; an order named
 * twice in one batch is reserved once (the second request sees the first one's document).
 */
export function planReservations(
	requests: ReserveRequest[],
	stock: StockCell[],
	docs: Map<string, ReservationPart[]>,
): ReservePlan {
	const bySku = new Map<string, StockCell[]>();
	for (const row of stock) {
		const cell: StockCell = {
			sku: row.sku,
			location: row.location,
			onHand: row.onHand,
			reserved: row.reserved,
			safetyStock: row.safetyStock,
		};
		const list = bySku.get(cell.sku);
		if (list) list.push(cell);
		else bySku.set(cell.sku, [cell]);
	}
	const known = new Map(docs);
	const writes = new Map<string, { omsId: string; parts: ReservationPart[]; isNew: boolean }>();
	const touched = new Set<StockCell>();
	const results: ReservePlan['results'] = [];

	for (const req of requests) {
		const doc = known.get(req.omsId);
		if (doc && req.mode !== 'topUp') {
			results.push({
				omsId: req.omsId,
				changed: false,
				touchedSkus: [],
				lines: req.lines.map((line) => {
					const allocated = Math.min(line.quantity, heldUnits(doc, line));
					return {
						lineId: line.lineId,
						sku: line.sku,
						requested: line.quantity,
						allocated,
						backordered: line.quantity - allocated,
						parts: heldParts(doc, line.lineId),
						...(isUnknown(line, bySku) ? { unknownSku: true } : {}),
					};
				}),
			});
			continue;
		}

		// what each line still needs, and what can be taken now: taken from the cells at once, so that a later line
		// of the same SKU (or a bundle sharing a component) sees what this one took; given back below if the order
		// is not to be reserved after all (ship complete and short)
		const n = req.lines.length;
		const haves: number[] = new Array(n);
		const takes: Take[][] = new Array(n);
		let complete = true;
		for (let i = 0; i < n; i++) {
			const line = req.lines[i];
			const have = doc ? Math.min(line.quantity, heldUnits(doc, line)) : 0;
			const need = line.quantity - have;
			const t = need > 0 ? takeFor(line, need, bySku) : NO_TAKES;
			let units = 0;
			for (const x of t) {
				units += x.units;
				for (const comp of x.components ?? [{ sku: line.sku, quantity: x.units }]) cellAt(bySku, comp.sku, x.location).reserved += comp.quantity;
			}
			if (units < need) complete = false;
			haves[i] = have;
			takes[i] = t;
		}
		const apply = req.allowPartial || complete;
		if (!apply) {
			for (let i = 0; i < n; i++) {
				for (const x of takes[i]) {
					for (const comp of x.components ?? [{ sku: req.lines[i].sku, quantity: x.units }]) cellAt(bySku, comp.sku, x.location).reserved -= comp.quantity;
				}
			}
		}
		const parts: ReservationPart[] = doc ? doc.map((p) => ({ ...p })) : [];
		const touchedSkus: string[] = [];
		const lines: ReserveLineResult[] = new Array(n);
		for (let i = 0; i < n; i++) {
			const line = req.lines[i];
			const lineParts = doc ? heldParts(doc, line.lineId) : [];
			let got = 0;
			if (apply) {
				for (const t of takes[i]) {
					const comps = t.components ?? [{ sku: line.sku, quantity: t.units }];
					for (const comp of comps) {
						touched.add(cellAt(bySku, comp.sku, t.location));
						if (!touchedSkus.includes(comp.sku)) touchedSkus.push(comp.sku);
						const part = doc ? parts.find((p) => p.line === line.lineId && p.sku === comp.sku && p.location === t.location) : undefined;
						if (part) part.active += comp.quantity;
						else parts.push({ line: line.lineId, sku: comp.sku, location: t.location, active: comp.quantity, committed: 0, released: 0 });
						lineParts.push({ sku: comp.sku, location: t.location, quantity: comp.quantity });
					}
					got += t.units;
				}
			}
			const allocated = haves[i] + got;
			const result: ReserveLineResult = {
				lineId: line.lineId,
				sku: line.sku,
				requested: line.quantity,
				allocated,
				backordered: line.quantity - allocated,
				parts: lineParts,
			};
			if (isUnknown(line, bySku)) result.unknownSku = true;
			lines[i] = result;
		}
		const changed = touchedSkus.length > 0;
		if (!doc || changed) {
			const prior = writes.get(req.omsId);
			writes.set(req.omsId, { omsId: req.omsId, parts, isNew: prior ? prior.isNew : !docs.has(req.omsId) });
		}
		known.set(req.omsId, parts);
		results.push({ omsId: req.omsId, changed, lines, touchedSkus: touchedSkus.sort() });
	}
	return { results, docs: [...writes.values()], touched: [...touched] };
}

/** Units of a line the order's document already covers (active or shipped); a bundle counts whole bundles. */
function heldUnits(doc: ReservationPart[], line: ReserveRequest['lines'][number]): number {
	if (!line.components?.length) {
		let units = 0;
		for (const p of doc) if (p.line === line.lineId) units += p.active + p.committed;
		return units;
	}
	// bundle: units held = min over components of held component units / per-bundle quantity
	let units = Infinity;
	for (const c of line.components) {
		let got = 0;
		for (const p of doc) if (p.line === line.lineId && p.sku === c.sku) got += p.active + p.committed;
		units = Math.min(units, Math.floor(got / c.quantity));
	}
	return units === Infinity ? 0 : units;
}

function heldParts(doc: ReservationPart[], lineId: string): ReservedPart[] {
	const out: ReservedPart[] = [];
	for (const p of doc) if (p.line === lineId && p.active + p.committed > 0) out.push({ sku: p.sku, location: p.location, quantity: p.active + p.committed });
	return out;
}

function cellAt(bySku: Map<string, StockCell[]>, sku: string, location: string): StockCell {
	for (const c of bySku.get(sku) ?? []) if (c.location === location) return c;
	throw new Error(`no stock row read for ${sku} at ${location}`);
}

function isUnknown(line: ReserveRequest['lines'][number], bySku: Map<string, StockCell[]>): boolean {
	if (line.components?.length) return line.components.some((c) => !bySku.has(c.sku));
	return !bySku.has(line.sku);
}

/** Units to take at one location; `components` only for a bundle (a plain line takes `units` of its own SKU). */
interface Take {
	location: string;
	units: number;
	components?: Array<{ sku: string; quantity: number }>;
}
const NO_TAKES: Take[] = [];

/**
 * Units of a line that can be taken now, per location. Where to take them is lib/allocation/location.ts's rule
 * (the one rule for every location choice in the pack).
 */
function takeFor(line: ReserveRequest['lines'][number], need: number, bySku: Map<string, StockCell[]>): Take[] {
	if (!line.components?.length) {
		const out: Take[] = [];
		for (const c of chooseLocations(need, bySku.get(line.sku) ?? [])) out.push({ location: c.location, units: c.quantity });
		return out;
	}
	const rows: StockCell[] = [];
	for (const c of line.components) rows.push(...(bySku.get(c.sku) ?? []));
	return chooseBundleLocations(need, line.components, rows).map((t) => ({
		location: t.location,
		units: t.bundles,
		components: t.components,
	}));
}

// ------------------------------------------------------------------ release / commit

/**
 * A release or shipment of `lines` (sku, quantity) against an order's reservation document: active units are taken
 * from the oldest part first (all of them when `lines` is omitted) and moved to `to`. Returns the new parts (a
 * copy) and what was taken, per part, in order.
 */
export function planConsume(
	parts: ReservationPart[],
	lines: Array<{ sku: string; quantity: number }> | undefined,
	to: 'released' | 'committed',
): { parts: ReservationPart[]; taken: ReservedPart[] } {
	const next = parts.map((p) => ({ ...p }));
	const taken: ReservedPart[] = [];
	const want = lines ? new Map<string, number>() : null;
	if (lines) for (const l of lines) want!.set(l.sku, (want!.get(l.sku) ?? 0) + l.quantity);
	for (const p of next) {
		if (p.active <= 0) continue;
		const take = want ? Math.min(want.get(p.sku) ?? 0, p.active) : p.active;
		if (take <= 0) continue;
		if (want) want.set(p.sku, want.get(p.sku)! - take);
		p.active -= take;
		p[to] += take;
		taken.push({ sku: p.sku, location: p.location, quantity: take });
	}
	return { parts: next, taken };
}

/** Active reservation rows of one order's document, as activeReservations lists them. */
export function activeParts(omsId: string, parts: ReservationPart[]): ExistingReservation[] {
	const out: ExistingReservation[] = [];
	for (const p of parts) if (p.active > 0) out.push({ omsId, lineId: p.line, sku: p.sku, location: p.location, quantity: p.active });
	return out;
}
