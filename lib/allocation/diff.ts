/**
 * Changed-only publication: of the quantities just computed, keep those that differ from what each channel was
 * last sent. One pass over `published` to index it, one pass over `computed`: O(n), no sorting, no per-item
 * allocation beyond the output (50,000 SKUs x 5 channels is 250,000 map look-ups).
 */
import type { PublishedQuantity } from '../stock/types';

export interface ComputedQuantity {
	channel: string;
	sku: string;
	quantity: number;
}

export interface ChangedQuantity extends ComputedQuantity {
	/** What the channel was last sent, or null when this (channel, SKU) was never published */
	previous: number | null;
}

/** Published quantities indexed by channel, then SKU (nested maps: no key strings to build per look-up). */
export type PublishedIndex = Map<string, Map<string, number>>;

/** Index published rows by channel and SKU -> quantity (the last row wins for a repeated pair). */
export function indexPublished(rows: Iterable<Pick<PublishedQuantity, 'channel' | 'sku' | 'quantity'>>): PublishedIndex {
	const m: PublishedIndex = new Map();
	for (const r of rows) {
		let c = m.get(r.channel);
		if (!c) m.set(r.channel, (c = new Map()));
		c.set(r.sku, r.quantity);
	}
	return m;
}

/**
 * The computed quantities whose value differs from the published one, in input order. A pair never published
 * counts as changed (previous: null), so a new SKU or a new channel gets its first quantity. A pair computed
 * twice is compared each time against the published value (callers pass each pair once).
 * `published` is either the rows from Store.getPublished or an index from indexPublished (reuse it across calls).
 */
export function changedPublications(
	computed: Iterable<ComputedQuantity>,
	published: PublishedIndex | Iterable<Pick<PublishedQuantity, 'channel' | 'sku' | 'quantity'>>,
): ChangedQuantity[] {
	const index = published instanceof Map ? published : indexPublished(published);
	const out: ChangedQuantity[] = [];
	let lastChannel: string | undefined;
	let bySku: Map<string, number> | undefined;
	for (const c of computed) {
		if (c.channel !== lastChannel) {
			lastChannel = c.channel;
			bySku = index.get(c.channel);
		}
		const prev = bySku === undefined ? undefined : bySku.get(c.sku);
		if (prev === undefined) out.push({ channel: c.channel, sku: c.sku, quantity: c.quantity, previous: null });
		else if (prev !== c.quantity) out.push({ channel: c.channel, sku: c.sku, quantity: c.quantity, previous: prev });
	}
	return out;
}
