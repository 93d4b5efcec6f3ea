/** Small mapping helpers shared by the providers. */
import type { Address, CanonicalOrder, OrderLine, ShippingLevel } from '../order/types';
import { WmsError, type CreateOrderOptions, type WmsPackage } from './types';

/** The lines this shipment carries: opts.lines (a split shipment) or all of the order's lines. */
export function linesFor(provider: string, order: CanonicalOrder, opts: CreateOrderOptions): OrderLine[] {
	const lines = opts.lines ?? order.lines;
	if (!lines.length) throw new WmsError(provider, `order ${order.omsId} has no lines to send`, { retryable: false, code: 'NO_LINES' });
	for (const l of lines) {
		if (!l.sku) throw new WmsError(provider, `order ${order.omsId} line ${l.lineId} has no SKU`, { retryable: false, code: 'NO_SKU' });
		if (!(l.quantity > 0)) throw new WmsError(provider, `order ${order.omsId} line ${l.lineId} has quantity ${l.quantity}`, { retryable: false, code: 'BAD_QUANTITY' });
	}
	if (!order.shipTo) throw new WmsError(provider, `order ${order.omsId} has no ship-to address`, { retryable: false, code: 'NO_SHIP_TO' });
	return lines;
}

/** What the shipping level is called when a WMS wants a free-text ship method, overridable per provider. */
export const DEFAULT_SHIP_METHODS: Record<ShippingLevel, string> = {
	standard: 'Standard',
	expedited: 'Expedited',
	priority: 'Priority',
	next_day: 'Overnight',
	same_day: 'Same Day',
	economy: 'Economy',
	freight: 'Freight',
	other: 'Standard',
};

export function shipMethod(order: CanonicalOrder, map?: Partial<Record<ShippingLevel, string>>): string {
	return map?.[order.shipping.level] ?? DEFAULT_SHIP_METHODS[order.shipping.level] ?? 'Standard';
}

export function splitName(name: string | null | undefined): { first: string; last: string } {
	const n = (name ?? '').trim();
	if (!n) return { first: '', last: '' };
	const i = n.lastIndexOf(' ');
	return i < 0 ? { first: n, last: '' } : { first: n.slice(0, i), last: n.slice(i + 1) };
}

/** The address fields ShipHero and Extensiv name alike: address1, address2, city, state (the region), zip, country */
export function streetFields(a: Address): { address1: string; address2: string; city: string; state: string; zip: string; country: string } {
	return { address1: a.line1 ?? '', address2: a.line2 ?? '', city: a.city ?? '', state: a.region ?? '', zip: a.postalCode ?? '', country: a.country };
}

/** Latest of some ISO timestamps (null-safe) */
export function latestIso(...values: Array<string | null | undefined>): string | null {
	let best: number | null = null;
	for (const v of values) {
		if (!v) continue;
		const t = Date.parse(v);
		if (Number.isFinite(t) && (best == null || t > best)) best = t;
	}
	return best == null ? null : new Date(best).toISOString();
}

/** Sum a package's lines per (sku, lineId), so one line shipped in two parts of a box reads as one */
export function mergeLines(lines: WmsPackage['lines']): WmsPackage['lines'] {
	const out = new Map<string, WmsPackage['lines'][number]>();
	for (const l of lines) {
		const key = `${l.sku}\u0000${l.lineId ?? ''}`;
		const prev = out.get(key);
		if (prev) prev.quantity += l.quantity;
		else out.set(key, { ...l });
	}
	return [...out.values()];
}

/** Ascending by updatedAt, then reference, so a cursor over updatedAt never skips */
export function byUpdatedAt<T extends { updatedAt: string; reference: string }>(a: T, b: T): number {
	return Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.reference.localeCompare(b.reference);
}

/**
 * Where a pull starts: the cursor minus an overlap (so an order the WMS indexed a little late is not skipped; the
 * overlap comes back again, which applyUpdates makes harmless), or, with no cursor, now minus the look-back
 * (undefined: from the beginning).
 */
export function sinceOf(cursor: string | null, opts: { overlapMs?: number; lookbackDays?: number | null; now: () => number }): string | undefined {
	if (cursor) {
		const t = Date.parse(cursor);
		return Number.isFinite(t) ? new Date(t - Math.max(0, opts.overlapMs ?? 0)).toISOString() : cursor;
	}
	return opts.lookbackDays ? new Date(opts.now() - opts.lookbackDays * 86_400_000).toISOString() : undefined;
}
