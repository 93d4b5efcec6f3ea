/**
 * Where to take units from when a SKU is stocked at several locations. The store's reservation plan
 * (./reservation.ts) calls chooseLocations inside its transaction, with the SKU's rows as they are in it.
 *
 * THE RULE:
 *  1. Only locations with ATP > 0 count (ATP recomputed as max(0, onHand - reserved - safetyStock), whole units).
 *  2. When `preferred` locations are given (a ranked list, e.g. the channel's warehouses in order), the first of
 *     them, in that order, that can fill the whole line takes it.
 *  3. Otherwise the location that can fill the whole line and has the MOST ATP takes it (ties: location name, by
 *     code unit order), so one order ships from one place whenever any one place can ship it.
 *  4. When no single location can fill the line, it is split: locations in descending ATP order (ties by name)
 *     each give all they have until the line is filled or the stock runs out. The caller backorders the rest
 *     (requested - sum of the parts).
 * The answer never takes more than a location's ATP, never lists a location twice and never has a zero part.
 */
import type { BundleComponent, StockRow } from './types';
import { atpByLocationAndSku, bundleAtp, rowAtp } from './atp';

export interface LocationTake {
	location: string;
	quantity: number;
}

type Row = Pick<StockRow, 'location' | 'onHand' | 'reserved' | 'safetyStock'>;

function byAtpThenName(a: { location: string; atp: number }, b: { location: string; atp: number }): number {
	return b.atp - a.atp || (a.location < b.location ? -1 : a.location > b.location ? 1 : 0);
}

function checkQuantity(quantity: number): void {
	if (!Number.isInteger(quantity) || quantity < 0) {
		throw new RangeError(`quantity to reserve must be a whole number >= 0, got ${quantity}`);
	}
}

/**
 * The rule when a SKU is stocked at ONE location (the common case): the units of `quantity` it gives, 0 when it has
 * no ATP. chooseLocations(quantity, [row]) is this as a list; the store's reservation plan calls it directly, per
 * line, without building one.
 */
export function takeAtOnlyLocation(quantity: number, row: Row): number {
	checkQuantity(quantity);
	return Math.min(quantity, rowAtp(row));
}

/** Units to take per location for one line of one SKU (rows: that SKU's stock rows). See the rule above. */
export function chooseLocations(quantity: number, rows: Row[], opts: { preferred?: string[] } = {}): LocationTake[] {
	checkQuantity(quantity);
	if (quantity === 0) return [];
	if (rows.length === 1) {
		const units = takeAtOnlyLocation(quantity, rows[0]);
		return units > 0 ? [{ location: rows[0].location, quantity: units }] : [];
	}
	const atpByLoc = new Map<string, number>();
	for (const r of rows) atpByLoc.set(r.location, (atpByLoc.get(r.location) ?? 0) + rowAtp(r));
	const cands = [...atpByLoc].map(([location, atp]) => ({ location, atp })).filter((c) => c.atp > 0);
	if (!cands.length) return [];
	for (const loc of opts.preferred ?? []) {
		const a = atpByLoc.get(loc) ?? 0;
		if (a >= quantity) return [{ location: loc, quantity }];
	}
	cands.sort(byAtpThenName);
	if (cands[0].atp >= quantity) return [{ location: cands[0].location, quantity }];
	const out: LocationTake[] = [];
	let left = quantity;
	for (const c of cands) {
		if (left === 0) break;
		const take = Math.min(left, c.atp);
		out.push({ location: c.location, quantity: take });
		left -= take;
	}
	return out;
}

export interface BundleLocationTake {
	location: string;
	/** Bundles built at this location */
	bundles: number;
	/** Component units to reserve there */
	components: Array<{ sku: string; quantity: number }>;
}

/**
 * The same rule for a bundle: each location's bundle ATP (min over components of floor(ATP / quantity) at that
 * location - bundles are built per location, Brightpearl-style) is treated as that location's ATP, and the chosen
 * bundle counts are turned into component units. rows: the stock rows of every component SKU.
 */
export function chooseBundleLocations(
	quantity: number,
	components: BundleComponent[],
	rows: Array<Row & Pick<StockRow, 'sku'>>,
	opts: { preferred?: string[] } = {},
): BundleLocationTake[] {
	const pseudo: Row[] = [];
	for (const [location, m] of atpByLocationAndSku(rows)) pseudo.push({ location, onHand: bundleAtp(components, m), reserved: 0, safetyStock: 0 });
	return chooseLocations(quantity, pseudo, opts).map((t) => ({
		location: t.location,
		bundles: t.quantity,
		components: components.map((c) => ({ sku: c.sku, quantity: c.quantity * t.quantity })),
	}));
}

/**
 * Where returned units of a SKU go back on hand when nobody says: the location that holds the most of it (ties: by
 * name), the one whose WMS counts it, so that count absorbs the restock; none stocked: undefined (the default location).
 */
export function restockLocation(rows: ReadonlyArray<Pick<StockRow, 'location' | 'onHand'>>): string | undefined {
	let best: Pick<StockRow, 'location' | 'onHand'> | undefined;
	for (const r of rows) if (!best || r.onHand > best.onHand || (r.onHand === best.onHand && r.location < best.location)) best = r;
	return best?.location;
}
