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

export interface ReservePlan {
	results: Array<{ omsId: string; changed: boolean; lines: ReserveLineResult[]; touchedSkus: string[] }>;
	/** New reservation rows to insert */
	inserts: ExistingReservation[];
	/** Final reserved value per touched stock cell, keyed `${sku}\u0000${location}` */
	cells: Map<string, StockCell>;
	touched: Set<string>;
}

export function cellKey(sku: string, location: string): string {
	return `${sku}\u0000${location}`;
}

/**
 * Plan a batch of reservations against stock rows read (and locked) in the same transaction.
 * - `existing`: the orders' active AND committed reservation rows: units already shipped for a line count as
 *   allocated to it, so topping up a split order after its first shipment never reserves the shipped units again.
 * - `alreadyDone`: orders reserved before in 'once' mode: nothing changes, the result is rebuilt from `existing`.
 * - allowPartial=false: every line in full, or nothing for the whole order.
 * - Bundles reserve their components, all from one location (availability of a bundle is per location).
 * The cells map is mutated in request order, so later orders in the batch see earlier ones' reservations.
 */
export function planReservations(
	requests: ReserveRequest[],
	stock: StockCell[],
	existing: ExistingReservation[],
	alreadyDone: Set<string>,
): ReservePlan {
	const cells = new Map<string, StockCell>();
	const bySku = new Map<string, StockCell[]>();
	for (const row of stock) {
		const cell = { ...row };
		cells.set(cellKey(cell.sku, cell.location), cell);
		const list = bySku.get(cell.sku);
		if (list) list.push(cell);
		else bySku.set(cell.sku, [cell]);
	}
	const existingByOrder = new Map<string, ExistingReservation[]>();
	for (const r of existing) {
		const list = existingByOrder.get(r.omsId);
		if (list) list.push(r);
		else existingByOrder.set(r.omsId, [r]);
	}
	const inserts: ExistingReservation[] = [];
	const touched = new Set<string>();
	const results: ReservePlan['results'] = [];

	for (const req of requests) {
		const held = existingByOrder.get(req.omsId);
		const heldByLine = new Map<string, ExistingReservation[]>();
		if (held) for (const r of held) {
			const list = heldByLine.get(r.lineId);
			if (list) list.push(r);
			else heldByLine.set(r.lineId, [r]);
		}
		const heldUnits = (line: ReserveRequest['lines'][number]): number => {
			if (!held) return 0;
			const parts = heldByLine.get(line.lineId) ?? [];
			if (!line.components?.length) return parts.reduce((s, p) => s + p.quantity, 0);
			// bundle: units held = min over components of held component units / per-bundle quantity
			let units = Infinity;
			for (const c of line.components) {
				const got = parts.filter((p) => p.sku === c.sku).reduce((s, p) => s + p.quantity, 0);
				units = Math.min(units, Math.floor(got / c.quantity));
			}
			return units === Infinity ? 0 : units;
		};

		if (alreadyDone.has(req.omsId) && req.mode !== 'topUp') {
			results.push({
				omsId: req.omsId,
				changed: false,
				touchedSkus: [],
				lines: req.lines.map((line) => {
					const allocated = Math.min(line.quantity, heldUnits(line));
					return {
						lineId: line.lineId,
						sku: line.sku,
						requested: line.quantity,
						allocated,
						backordered: line.quantity - allocated,
						parts: (heldByLine.get(line.lineId) ?? []).map((p) => ({ sku: p.sku, location: p.location, quantity: p.quantity })),
						...(isUnknown(line, bySku) ? { unknownSku: true } : {}),
					};
				}),
			});
			continue;
		}

		// what each line still needs, and what can be taken now (without writing yet)
		const wants = req.lines.map((line) => {
			const have = Math.min(line.quantity, heldUnits(line));
			const need = line.quantity - have;
			const takes = need > 0 ? takeFor(line, need, bySku) : [];
			let units = 0;
			for (const t of takes) units += t.units;
			return { line, have, need, takes, units };
		});
		const complete = wants.every((w) => w.units >= w.need);
		const apply = req.allowPartial || complete;
		const touchedSkus = new Set<string>();
		const lines: ReserveLineResult[] = [];
		for (const w of wants) {
			const heldParts = heldByLine.get(w.line.lineId);
			const parts: ReservedPart[] = heldParts
				? heldParts.map((p) => ({ sku: p.sku, location: p.location, quantity: p.quantity }))
				: [];
			let got = 0;
			if (apply) {
				for (const t of w.takes) {
					for (const comp of t.components) {
						const cell = cells.get(cellKey(comp.sku, t.location))!;
						cell.reserved += comp.quantity;
						const key = cellKey(comp.sku, t.location);
						touched.add(key);
						touchedSkus.add(comp.sku);
						inserts.push({ omsId: req.omsId, lineId: w.line.lineId, sku: comp.sku, location: t.location, quantity: comp.quantity });
						parts.push({ sku: comp.sku, location: t.location, quantity: comp.quantity });
					}
					got += t.units;
				}
			}
			const allocated = w.have + got;
			lines.push({
				lineId: w.line.lineId,
				sku: w.line.sku,
				requested: w.line.quantity,
				allocated,
				backordered: w.line.quantity - allocated,
				parts,
				unknownSku: isUnknown(w.line, bySku) || undefined,
			});
		}
		results.push({ omsId: req.omsId, changed: touchedSkus.size > 0, lines, touchedSkus: [...touchedSkus].sort() });
	}
	return { results, inserts, cells, touched };
}

function isUnknown(line: ReserveRequest['lines'][number], bySku: Map<string, StockCell[]>): boolean {
	if (line.components?.length) return line.components.some((c) => !bySku.has(c.sku));
	return !bySku.has(line.sku);
}

/**
 * Units of a line that can be taken now, per location, with the component quantities to reserve. Where to take
 * them is lib/allocation/location.ts's rule (the one rule for every location choice in the pack).
 */
function takeFor(
	line: ReserveRequest['lines'][number],
	need: number,
	bySku: Map<string, StockCell[]>,
): Array<{ location: string; units: number; components: Array<{ sku: string; quantity: number }> }> {
	if (!line.components?.length) {
		return chooseLocations(need, bySku.get(line.sku) ?? []).map((c) => ({
			location: c.location,
			units: c.quantity,
			components: [{ sku: line.sku, quantity: c.quantity }],
		}));
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
 * Which active reservation rows to consume for a release or shipment of `lines` (sku, quantity), oldest row first.
 * Returns per row the quantity to take; rows not named keep their quantity.
 */
export function planConsume(
	active: Array<ExistingReservation & { id: number }>,
	lines: Array<{ sku: string; quantity: number }> | undefined,
): Array<{ id: number; sku: string; location: string; take: number; rowQuantity: number }> {
	const out: Array<{ id: number; sku: string; location: string; take: number; rowQuantity: number }> = [];
	if (!lines) {
		for (const r of active) out.push({ id: r.id, sku: r.sku, location: r.location, take: r.quantity, rowQuantity: r.quantity });
		return out;
	}
	const want = new Map<string, number>();
	for (const l of lines) want.set(l.sku, (want.get(l.sku) ?? 0) + l.quantity);
	for (const r of [...active].sort((a, b) => a.id - b.id)) {
		const left = want.get(r.sku) ?? 0;
		if (left <= 0) continue;
		const take = Math.min(left, r.quantity);
		want.set(r.sku, left - take);
		out.push({ id: r.id, sku: r.sku, location: r.location, take, rowQuantity: r.quantity });
	}
	return out;
}
