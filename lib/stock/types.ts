/**
 * Stock as the OMS counts it: rows per SKU and location (on hand, reserved, safety stock), bundles, reservations
 * and the quantities published to each channel. Types only; the rules are in this folder (atp.ts, location.ts,
 * reservation.ts) and the store (lib/store StockStore) keeps the rows.
 */

export const DEFAULT_LOCATION = 'default';

export interface StockLevelInput {
	sku: string;
	/** Omitted: the default location, so one location works with no setup */
	location?: string;
	onHand: number;
	/**
	 * When the WMS counted it (ISO 8601; omitted: when the store takes it in). A returned unit restocked after this
	 * time is not in the count: it stays on top of it until a later count absorbs it (lib/store/rules/restock.ts).
	 */
	countedAt?: string;
}
/** The location a stock level is for: its own, else the default one. */
export function locationOf(level: Pick<StockLevelInput, 'location'>): string {
	return level.location || DEFAULT_LOCATION;
}

export interface StockRow {
	sku: string;
	location: string;
	onHand: number;
	reserved: number;
	safetyStock: number;
	/** max(0, onHand - reserved - safetyStock) */
	atp: number;
	/** Changes of this row so far (any of on hand, reserved, safety stock); only ever grows */
	version: number;
	/** When on hand or safety stock last changed */
	updatedAt: string;
}
/** A stock row as ATP (and a published quantity's basis) needs it: no timestamps (the lean read for every SKU). */
export type StockCells = Pick<StockRow, 'sku' | 'location' | 'onHand' | 'reserved' | 'safetyStock' | 'version'>;

export interface PublishInput {
	channel: string;
	sku: string;
	quantity: number;
	basis?: number;
}
export interface StockChange {
	sku: string;
	location: string;
	before: number | null;
	after: number;
}

export interface BundleComponent {
	sku: string;
	quantity: number;
}

export interface ReserveLine {
	lineId: string;
	sku: string;
	quantity: number;
	/** For a bundle: its components per one bundle; the reservation is taken on the components. */
	components?: BundleComponent[];
}
export interface ReserveRequest {
	omsId: string;
	lines: ReserveLine[];
	/** true: take what is there (partial); false: all lines in full or nothing (ship complete) */
	allowPartial: boolean;
	/**
	 * once (default): an order reserved before is left as it is (idempotent intake).
	 * topUp: reserve only what each line still lacks (Release Held, when stock arrives).
	 */
	mode?: 'once' | 'topUp';
	cause?: string;
	/**
	 * Where each line's units are taken (issue 23: multi-warehouse routing, lib/routing). Asked once, inside the
	 * reservation's transaction, with the ATP every cell has at that moment (earlier orders of the batch included),
	 * so a unit it names is still there: a line it names takes exactly those units (never more than a cell's ATP; the
	 * rest is backordered), a line it leaves out (a bundle) takes by the default rule (./location.ts). Used for a new
	 * reservation only: a top-up takes by the default rule.
	 */
	router?: LineRouter;
}
/** See ReserveRequest.router: lineId -> the units to take per location. */
export type LineRouter = (atp: (location: string, sku: string) => number) => ReadonlyMap<string, ReadonlyArray<{ location: string; quantity: number }>>;
export interface ReservedPart {
	sku: string;
	location: string;
	quantity: number;
}
export interface ReserveLineResult {
	lineId: string;
	sku: string;
	requested: number;
	allocated: number;
	backordered: number;
	/** Where the units were taken (component SKUs for a bundle) */
	parts: ReservedPart[];
	/** The SKU has no stock row at all (never seen in any inventory feed) */
	unknownSku?: boolean;
}
export interface ReserveResult {
	omsId: string;
	/** false when the order already held reservations: nothing was changed (idempotent) */
	changed: boolean;
	lines: ReserveLineResult[];
	/** SKUs whose stock (reserved) moved in this call */
	touchedSkus: string[];
}

export interface PublishedQuantity {
	channel: string;
	sku: string;
	quantity: number;
	publishedAt: string;
}
