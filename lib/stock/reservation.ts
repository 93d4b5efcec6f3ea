/**
 * Reservations: the plan of a batch (which order takes which units from which stock row, ship-complete or partial,
 * bundles on their components, top-ups of held orders), the release and shipment of reserved units, and the
 * document each order's reservation is stored as. Pure functions over rows the store has read (and locked) inside
 * its transaction: the SQLite and PostgreSQL stores only read and write around them.
 */
import { rowAtp } from './atp';
import { chooseBundleLocations, chooseLocations, takeAtOnlyLocation } from './location';
import { DEFAULT_LOCATION, type ReserveLineResult, type ReserveRequest, type ReserveResult, type ReservedPart } from './types';

export interface StockCell {
	sku: string;
	location: string;
	onHand: number;
	reserved: number;
	safetyStock: number;
	/** Which planReservations call last took units on the cell: each touched cell is listed once, without a Set
	 * (a store that keeps cells sets it to 0 when it reads them, so they all have one shape) */
	lastPlan?: number;
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

/** A reservation document to write: its parts, their stored JSON (partsToJson) and their active units. */
export interface ReservationDoc {
	omsId: string;
	parts: ReservationPart[];
	json: string;
	active: number;
	isNew: boolean;
}

export interface ReservePlan<C extends StockCell = StockCell> {
	results: ReserveResult[];
	/** Reservation documents to write, whole: `isNew` ones inserted (an order reserved for the first time, even
	 * with nothing allocated), the others updated (parts added by a top-up). */
	docs: ReservationDoc[];
	/** Stock cells whose `reserved` changed (the caller's own objects, updated in place), each once */
	touched: C[];
}

/** Sum of a document's active units (kept beside the parts, so "which orders hold stock" needs no JSON). */
export function activeUnits(parts: ReservationPart[]): number {
	let n = 0;
	for (const p of parts) n += p.active;
	return n;
}

/**
 * An order's reservation parts as stored, oldest first, compact since a batch writes one such document per order:
 * a part at the default location with nothing shipped or released is [line_id, sku, active]; any other part is
 * [line_id, sku, active, location, committed, released]. (Stores written by earlier builds hold the six-element form
 * [line_id, sku, location, active, committed, released]: partsFromJson tells them apart by the third element's type.)
 */
export function partsToJson(parts: ReservationPart[]): string {
	const rows = new Array<unknown[]>(parts.length);
	for (let i = 0; i < parts.length; i++) {
		const p = parts[i];
		rows[i] =
			p.location === DEFAULT_LOCATION && p.committed === 0 && p.released === 0
				? [p.line, p.sku, p.active]
				: [p.line, p.sku, p.active, p.location, p.committed, p.released];
	}
	return JSON.stringify(rows);
}

/** The parts of a stored document (JSON text, or what a jsonb column gives back), in either form partsToJson reads. */
export function partsFromJson(value: unknown): ReservationPart[] {
	const rows = (typeof value === 'string' ? JSON.parse(value) : value) as Array<Array<string | number>>;
	return rows.map((r) => {
		if (typeof r[2] === 'string') {
			// the earlier six-element form: [line, sku, location, active, committed, released]
			return { line: r[0] as string, sku: r[1] as string, location: r[2], active: r[3] as number, committed: r[4] as number, released: r[5] as number };
		}
		return r.length === 3
			? { line: r[0] as string, sku: r[1] as string, location: DEFAULT_LOCATION, active: r[2] as number, committed: 0, released: 0 }
			: { line: r[0] as string, sku: r[1] as string, location: r[3] as string, active: r[2] as number, committed: r[4] as number, released: r[5] as number };
	});
}

/** Stock rows grouped by SKU, as planReservations takes them. */
export function cellsBySku<C extends StockCell>(rows: Iterable<C>): Map<string, C[]> {
	const bySku = new Map<string, C[]>();
	for (const row of rows) {
		const list = bySku.get(row.sku);
		if (list) list.push(row);
		else bySku.set(row.sku, [row]);
	}
	return bySku;
}

/** planReservations calls so far (see StockCell.lastPlan) */
let plans = 0;

/** Stock rows by SKU for planReservations: a Map, or a store's reader of them (no rows: undefined or empty). */
export interface StockRowsBySku<C extends StockCell> {
	get(sku: string): C[] | undefined;
}

/**
 * Plan a batch of reservations against stock rows read (and locked) in the same transaction.
 * - `stock`: the stock rows of every SKU the batch names (cellsBySku). The cells are updated in place (`reserved`),
 *   in request order, so later orders in the batch see earlier ones' reservations, and are returned in `touched`:
 *   a caller that keeps cells beyond its transaction must drop them if that transaction fails.
 * - `docs`: the reservation documents of the batch's orders that have one (read in the same transaction). An order
 *   with a document was reserved before: in 'once' mode nothing changes and the result is rebuilt from it. Units
 *   shipped for a line (committed) count as allocated to it, so topping up a split order after its first shipment
 *   never reserves the shipped units again.
 * - Lines are taken in order, each from what the order's earlier lines left.
 * - allowPartial=false: every line in full, or nothing for the whole order.
 * - Bundles reserve their components, all from one location (availability of a bundle is per location).
 * An order named twice in one batch is reserved once (the second request sees the first one's document).
 */
export function planReservations<C extends StockCell>(
	requests: ReserveRequest[],
	stock: StockRowsBySku<C>,
	docs: ReadonlyMap<string, ReservationPart[]>,
): ReservePlan<C> {
	const batch = new BatchPlan(stock, docs);
	const results: ReserveResult[] = new Array(requests.length);
	for (let r = 0; r < requests.length; r++) results[r] = batch.order(requests[r]);
	return { results, docs: batch.toWrite, touched: batch.touched };
}

/**
 * planReservations' state over one batch, an order at a time. (This runs for every line of every batch: each SKU is
 * looked up once, loops index arrays sized up front, nothing is allocated that the results and documents do not
 * keep, and the work is in methods small enough for V8 to optimize within a first batch.)
 */
class BatchPlan<C extends StockCell> {
	/** Documents to write, by order (an order's later request in the batch reads its document here), and in order */
	private readonly writes = new Map<string, ReservationDoc>();
	readonly toWrite: ReservationDoc[] = [];
	/** Cells whose `reserved` changed, each once (marked with this plan's number) */
	readonly touched: C[] = [];
	private readonly plan = ++plans;
	/**
	 * What the current order's lines took and are not booked yet, as entries: a cell and the units taken there (one
	 * per location, one per component and location for a bundle); line i's entries are [ends[i - 1], ends[i]).
	 */
	private readonly cells: C[] = [];
	private readonly units: number[] = [];
	private readonly ends: number[] = [];
	private entries = 0;
	/** The current order's document parts and touched SKUs (sorted) as they are booked */
	private parts: ReservationPart[] = [];
	private nParts = 0;
	private skus: string[] = [];
	private nSkus = 0;

	constructor(
		private readonly stock: StockRowsBySku<C>,
		private readonly docs: ReadonlyMap<string, ReservationPart[]>,
	) {}

	order(req: ReserveRequest): ReserveResult {
		const written = this.writes.get(req.omsId);
		const doc = written ? written.parts : this.docs.size ? this.docs.get(req.omsId) : undefined;
		if (doc && req.mode !== 'topUp') return heldResult(req, doc, this.stock);

		// each line takes what it still needs from the cells at once (a later line of the same SKU, or a bundle
		// sharing a component, sees what it took); when the order may be partial nothing is given back, so a line is
		// booked as soon as it is taken; a ship-complete order is booked once all its lines are, or given back
		const n = req.lines.length;
		const lines: ReserveLineResult[] = new Array(n);
		// sized for one part and SKU a line (they grow if a line takes from several places)
		this.parts = doc ? doc.map((p) => ({ ...p })) : new Array(n);
		this.nParts = doc ? doc.length : 0;
		this.skus = new Array(n);
		this.nSkus = 0;
		this.entries = 0;
		let complete = true;
		const routed = req.router && !doc ? req.router(this.atp) : undefined;
		for (let i = 0; i < n; i++) {
			const result = this.line(req.lines[i], doc, routed?.get(req.lines[i].lineId));
			if (result.allocated < result.requested) complete = false;
			lines[i] = result;
			if (req.allowPartial) {
				this.book(req.lines[i].lineId, result.parts, doc, 0);
				this.entries = 0;
			} else this.ends[i] = this.entries;
		}
		if (!req.allowPartial && complete) {
			for (let i = 0, from = 0; i < n; from = this.ends[i++]) {
				this.entries = this.ends[i];
				this.book(req.lines[i].lineId, lines[i].parts, doc, from);
			}
		} else if (!req.allowPartial && this.entries > 0) {
			for (let k = 0; k < this.entries; k++) this.cells[k].reserved -= this.units[k];
			for (let i = 0; i < n; i++) {
				const result = lines[i];
				result.backordered += result.allocated;
				result.allocated = doc ? Math.min(req.lines[i].quantity, heldUnits(doc, req.lines[i])) : 0;
				result.backordered -= result.allocated;
				if (!doc) result.parts = [];
			}
		}
		const { parts, nParts, skus: touchedSkus, nSkus } = this;
		// (setting length costs a runtime call: only when shorter than sized)
		if (parts.length !== nParts) parts.length = nParts;
		if (touchedSkus.length !== nSkus) touchedSkus.length = nSkus;
		const changed = nSkus > 0;
		// (encoded here, while the parts' strings are still in the processor's caches: after the whole batch, that
		// is where most of encoding's time went)
		if (written && changed) {
			written.parts = parts;
			written.json = partsToJson(parts);
			written.active = activeUnits(parts);
		} else if (!doc || changed) {
			const d = { omsId: req.omsId, parts, json: partsToJson(parts), active: activeUnits(parts), isNew: !doc };
			this.writes.set(req.omsId, d);
			this.toWrite.push(d);
		}
		return { omsId: req.omsId, changed, lines, touchedSkus };
	}

	/**
	 * A line's entries [from, this.entries): on the touched cells and SKUs, the order's document parts and the
	 * line's result parts (sized for them, unless the order had a document).
	 */
	private book(lineId: string, lineParts: ReservedPart[], doc: ReservationPart[] | undefined, from: number): void {
		for (let k = from; k < this.entries; k++) {
			const cell = this.cells[k];
			const sku = cell.sku;
			const quantity = this.units[k];
			if (cell.lastPlan !== this.plan) {
				cell.lastPlan = this.plan;
				this.touched.push(cell);
			}
			// touched SKUs, kept sorted as they come (a few per order)
			const skus = this.skus;
			let at = this.nSkus;
			while (at > 0 && skus[at - 1] > sku) at--;
			if (at === 0 || skus[at - 1] !== sku) {
				for (let m = this.nSkus; m > at; m--) skus[m] = skus[m - 1];
				skus[at] = sku;
				this.nSkus++;
			}
			const part = doc ? this.parts.find((p) => p.line === lineId && p.sku === sku && p.location === cell.location) : undefined;
			if (part) part.active += quantity;
			else this.parts[this.nParts++] = { line: lineId, sku, location: cell.location, active: quantity, committed: 0, released: 0 };
			const reserved: ReservedPart = { sku, location: cell.location, quantity };
			if (doc) lineParts.push(reserved);
			else lineParts[k - from] = reserved;
		}
	}

	/** One line: what it still needs, taken from the cells now (as entries), and its result (parts to fill in). */
	private line(line: ReserveRequest['lines'][number], doc: ReservationPart[] | undefined, routed?: ReadonlyArray<{ location: string; quantity: number }>): ReserveLineResult {
		const have = doc ? Math.min(line.quantity, heldUnits(doc, line)) : 0;
		const need = line.quantity - have;
		const start = this.entries;
		let got = 0;
		let known: boolean;
		if (!line.components?.length) {
			const rows = this.stock.get(line.sku);
			known = rows !== undefined && rows.length > 0;
			if (routed) {
				// the router's takes, each capped by the cell's ATP now and by what the line still needs
				for (const t of routed) {
					const cell = rows?.find((r) => r.location === t.location);
					const units = cell ? Math.min(t.quantity, need - got, rowAtp(cell)) : 0;
					if (units > 0) {
						this.take(cell!, units);
						got += units;
					}
				}
			} else if (need > 0 && rows?.length === 1) {
				got = takeAtOnlyLocation(need, rows[0]);
				if (got > 0) this.take(rows[0], got);
			} else if (need > 0) {
				for (const t of chooseLocations(need, rows ?? NO_CELLS)) {
					this.take(cellAt(rows!, line.sku, t.location), t.quantity);
					got += t.quantity;
				}
			}
		} else {
			known = line.components.every((c) => !!this.stock.get(c.sku)?.length);
			if (need > 0) {
				const rows: C[] = [];
				for (const c of line.components) rows.push(...(this.stock.get(c.sku) ?? []));
				for (const t of chooseBundleLocations(need, line.components, rows)) {
					for (const c of t.components) this.take(cellAt(this.stock.get(c.sku)!, c.sku, t.location), c.quantity);
					got += t.bundles;
				}
			}
		}
		const taken = this.entries - start;
		const result: ReserveLineResult = {
			lineId: line.lineId,
			sku: line.sku,
			requested: line.quantity,
			allocated: have + got,
			backordered: need - got,
			parts: doc ? heldParts(doc, line.lineId) : taken > 0 ? new Array(taken) : [],
		};
		if (!known) result.unknownSku = true;
		return result;
	}

	/** A cell's ATP as the batch has left it (ReserveRequest.router reads it) */
	private readonly atp = (location: string, sku: string): number => {
		const rows = this.stock.get(sku);
		const cell = rows?.find((r) => r.location === location);
		return cell ? rowAtp(cell) : 0;
	};

	private take(cell: C, units: number): void {
		cell.reserved += units;
		this.cells[this.entries] = cell;
		this.units[this.entries++] = units;
	}
}

const NO_CELLS: StockCell[] = [];

/** The result of an order reserved before, from its document (nothing changes). */
function heldResult(req: ReserveRequest, doc: ReservationPart[], stock: StockRowsBySku<StockCell>): ReserveResult {
	return {
		omsId: req.omsId,
		changed: false,
		touchedSkus: [],
		lines: req.lines.map((line) => {
			const allocated = Math.min(line.quantity, heldUnits(doc, line));
			const result: ReserveLineResult = {
				lineId: line.lineId,
				sku: line.sku,
				requested: line.quantity,
				allocated,
				backordered: line.quantity - allocated,
				parts: heldParts(doc, line.lineId),
			};
			if (!hasRows(line, stock)) result.unknownSku = true;
			return result;
		}),
	};
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

/** The cell of `rows` (one SKU's) at a location. */
function cellAt<C extends StockCell>(rows: C[], sku: string, location: string): C {
	for (let i = 0; i < rows.length; i++) if (rows[i].location === location) return rows[i];
	throw new Error(`no stock row read for ${sku} at ${location}`);
}

/** The SKU (each component, for a bundle) has stock rows; a line without is reported as an unknown SKU. */
function hasRows(line: ReserveRequest['lines'][number], stock: StockRowsBySku<StockCell>): boolean {
	if (line.components?.length) return line.components.every((c) => !!stock.get(c.sku)?.length);
	return !!stock.get(line.sku)?.length;
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
