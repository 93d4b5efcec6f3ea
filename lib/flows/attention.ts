/**
 * The Attention queue (OMS Order > Attention): everything a person must act on, oldest first, one item per thing,
 * from the same query as the Attention report (lib/report/reports/attention.ts). For digests, `newSince` keeps only
 * the items a previous run did not list, given the keys that run kept (n8n: the workflow's static data).
 */
import { attentionQueue, type AttentionItem, type AttentionThresholds } from '../report';
import type { Store } from '../store/types';

export type { AttentionItem, AttentionThresholds };

export interface AttentionOptions extends AttentionThresholds {
	/** ISO UTC; default now */
	now?: string;
	channels?: string[];
	/** Only the items not listed by the run that kept these keys (undefined: every item) */
	seenKeys?: readonly string[];
}

export interface AttentionResult {
	/** Every item owed now (or only the new ones when `seenKeys` was given) */
	items: AttentionItem[];
	/** Everything owed now, new or not */
	total: number;
	/** Keep these for the next run's `seenKeys`: the keys of everything owed now (a thing resolved and owed again is new again) */
	keys: string[];
}

export async function listAttention(store: Store, opts: AttentionOptions = {}): Promise<AttentionResult> {
	const all = await attentionQueue(store, opts.now ?? new Date().toISOString(), opts);
	const keys = all.map((i) => i.key);
	if (!opts.seenKeys) return { items: all, total: all.length, keys };
	const seen = new Set(opts.seenKeys);
	return { items: all.filter((i) => !seen.has(i.key)), total: all.length, keys };
}
