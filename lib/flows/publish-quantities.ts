/**
 * Publish per-channel quantities (the Inventory Allocator's publishing, after every stock change): the ATP of the
 * SKUs a change touched (and the bundles they are part of), each channel's quantity under the rule set
 * (lib/allocation), and only those that differ from what the channel was last published, recorded as published
 * with the stock versions they were computed from. Preview shows the same computation without writing.
 * n8n-free: a Store and plain values in, plain results out.
 */
import {
	atpBySku,
	bundleAtpByLocation,
	changedPublications,
	computePublishable,
	indexPublished,
	type ChangedQuantity,
	type CompiledRuleSet,
	type Publishable,
	type PublishedIndex,
} from '../allocation';
import type { BundleComponent, StockCells, Store } from '../store/types';

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

export interface PreviewRow {
	channel: string;
	sku: string;
	quantity: number;
	/** What the channel was last published (null: never) */
	published: number | null;
	changed: boolean;
	atp: number;
	rule: string;
	tier: 'normal' | 'low';
	pool: Publishable['pool'];
	bundle?: true;
	explain?: string;
}

/**
 * Preview: every (channel, SKU) with what it would list, what it was last published, and why, for these SKUs (empty:
 * every SKU and bundle). Writes nothing.
 */
export async function previewQuantities(
	store: Store,
	rules: CompiledRuleSet,
	channels: string[],
	skus: string[],
	opts: { explain?: boolean; onlyDifferences?: boolean } = {},
): Promise<PreviewRow[]> {
	const bi = await bundleIndex(store);
	const atp = await atpFor(store, skus.length ? skus : 'all', bi);
	const published = await publishedIndex(store, skus.length ? [...atp.keys()] : 'all', channels);
	const out: PreviewRow[] = [];
	const explain = opts.explain !== false;
	for (const [sku, a] of atp) {
		for (const p of computePublishable(sku, a, rules, channels, { explain })) {
			const prev = published.get(p.channel)?.get(sku);
			const previous = prev === undefined ? null : prev;
			if (opts.onlyDifferences === true && previous === p.quantity) continue;
			const row: PreviewRow = {
				channel: p.channel,
				sku,
				quantity: p.quantity,
				published: previous,
				changed: previous !== p.quantity,
				atp: a,
				rule: p.rule,
				tier: p.tier,
				pool: p.pool,
			};
			if (bi.bundles.has(sku)) row.bundle = true;
			if (explain) row.explain = p.explain;
			out.push(row);
		}
	}
	return out;
}
