/**
 * Sync Stock (the Inventory Allocator's first operation): the WMS's inventory levels in (idempotent: rows whose on
 * hand is unchanged are not touched), then the channel quantities that changed because of them published (or, with
 * `full`, every SKU recomputed). n8n-free: a Store and plain values in, plain results out.
 */
import type { CompiledRuleSet } from '../allocation';
import type { StockLevelInput, Store } from '../store/types';
import { publishChanges, type PublishOptions, type QuantityChange } from './publish-quantities';

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
