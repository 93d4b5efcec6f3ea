/**
 * Per-channel publishable quantities from a channel rule set (rules.ts), and the ATP they start from.
 *
 * THE ORDER THE RULES ARE APPLIED IN (keep this comment in sync with computePublishable):
 *
 *  0. ATP is the SKU's available-to-promise (on hand - reserved - safety stock, summed over locations; bundles:
 *     see bundleAtp). It is floored to a whole number and never below 0. The pool is ATP.
 *  1. Rule: for each channel, the first SKU override matching (SKU, channel) is laid over the channel's rule
 *     (or over `defaults` for a channel with no rule). Then the tier: when the channel's low-stock tier exists
 *     and ATP < its level, the low-stock tier's fields are used, otherwise the normal ones.
 *  2. Zero-at: a channel whose zeroAt is set and ATP <= zeroAt lists 0. Nothing later raises it (not keep-alive).
 *  3. Priority channels (rank ascending; ties in rule-set order, then in the order of the `channels` argument):
 *     q = min(maxListed, floor(sharePercent% x pool) - buffer), at least 0. Their shares must sum to <= 100 %
 *     (a rule set where they do not is refused), so together they never take more than the pool.
 *     Then, in the same order, each priority channel with keepAliveMin > q is raised towards keepAliveMin out of
 *     the units no priority channel has taken yet.
 *  4. remaining = pool - what the priority channels got ("protected before others").
 *     Other channels (in the order of the `channels` argument):
 *     q = min(maxListed, floor(sharePercent% x remaining) - buffer), at least 0.
 *  5. Keep-alive for the other channels, same order: a channel with keepAliveMin > q is raised towards it, but only
 *     out of units it may draw on: when the other channels' shares are EXCLUSIVE (they sum to <= 100 %, in the
 *     tiers in effect for this SKU) out of `remaining` minus what the other channels already list; when they are
 *     SHARED (sum over 100 %, e.g. every channel 100 %: one pool sold everywhere, the store's atomic
 *     reservation stops the second sale of the last unit) out of `remaining`. maxListed >= keepAliveMin is
 *     enforced by validation, so keep-alive never breaks the maximum.
 *  6. Clamp to 0..ATP (a no-op given the steps above; kept as the last line of defence).
 *
 * THE INVARIANT ("never more than the rule set allows"), checked by a seeded randomized test:
 *  - every channel's quantity is an integer with 0 <= q <= ATP; zero when ATP <= its zeroAt;
 *  - the priority channels together never list more than ATP;
 *  - when the other channels are exclusive (`pool: 'exclusive'`), the sum over ALL channels is <= ATP;
 *  - when they are shared (`pool: 'shared'`), each other channel lists at most what the priority channels left.
 */
import {
	assertValidChannelRuleSet,
	resolveFields,
	compilePattern,
	RuleSetError,
	type ChannelRule,
	type ChannelRuleFields,
	type ChannelRuleSet,
	type ResolvedFields,
	type ResolvedTier,
	type SkuOverride,
} from './rules';

/** The application order above, one line a step, for the node's Preview output and parameter hints. */
export const RULE_APPLICATION_ORDER: readonly string[] = [
	'1. rule: first matching SKU override over the channel rule (or defaults); low-stock tier when ATP < its level',
	'2. zero-at: list 0 when ATP <= zeroAt (keep-alive does not raise it)',
	'3. priority channels (rank order): min(maxListed, floor(share% x ATP) - buffer), then their keep-alive from untaken units',
	'4. other channels: min(maxListed, floor(share% x what priority channels left) - buffer)',
	'5. keep-alive for the others: from unassigned units when their shares sum <= 100 % (exclusive), else from what is left',
	'6. clamp to 0..ATP',
];

export interface Publishable {
	channel: string;
	quantity: number;
	/** Which rule applied: `channel:amazon`, `defaults`, `override[2]:MUG-*` (+ ` low-stock` for the second tier) */
	rule: string;
	/** How the quantity was reached, for Preview and audit */
	explain: string;
	tier: 'normal' | 'low';
	/** priority: took its share of the whole pool first; exclusive/shared: see the header of this file */
	pool: 'priority' | 'exclusive' | 'shared';
}

export interface PublishOptions {
	/** Build the explain strings (default true; Sync Stock over 50,000 SKUs can switch them off) */
	explain?: boolean;
}

interface CompiledOverride {
	index: number;
	override: SkuOverride;
	match: (sku: string) => boolean;
	channel: string;
}

/** One (channel, override) combination, resolved once per compiled rule set. */
export interface ResolvedEntry {
	fields: ResolvedFields;
	/** Rule names for the normal and the low-stock tier */
	rule: string;
	ruleLow: string;
	/** Position of the channel's rule in the rule set (channels without one: after all of them) */
	order: number;
}

export interface CompiledRuleSet {
	readonly ruleSet: ChannelRuleSet;
	channelRule(channel: string): { rule: ChannelRuleFields; name: string; order: number };
	overrides: CompiledOverride[];
	resolved(channel: string, override: CompiledOverride | null): ResolvedEntry;
}

const compiledCache = new WeakMap<object, CompiledRuleSet>();

/** Validate (throws RuleSetError on errors) and compile a rule set once; computePublishable caches this per object. */
export function compileRuleSet(ruleSet: ChannelRuleSet): CompiledRuleSet {
	const hit = compiledCache.get(ruleSet);
	if (hit) return hit;
	assertValidChannelRuleSet(ruleSet);
	const byChannel = new Map<string, { rule: ChannelRule; order: number }>();
	ruleSet.channels.forEach((rule, order) => byChannel.set(rule.channel, { rule, order }));
	const defaults: ChannelRuleFields = ruleSet.defaults ?? {};
	const overrides: CompiledOverride[] = (ruleSet.skuOverrides ?? []).map((override, index) => ({
		index,
		override,
		match: compilePattern(override.pattern),
		channel: override.channel,
	}));
	const channelRules = new Map<string, { rule: ChannelRuleFields; name: string; order: number }>();
	const memoBase = new Map<string, ResolvedEntry>();
	const memoOv = new Map<CompiledOverride, Map<string, ResolvedEntry>>();
	const compiled: CompiledRuleSet = {
		ruleSet,
		overrides,
		channelRule(channel) {
			let r = channelRules.get(channel);
			if (!r) {
				const c = byChannel.get(channel);
				r = c
					? { rule: c.rule, name: `channel:${channel}`, order: c.order }
					: { rule: defaults, name: 'defaults', order: ruleSet.channels.length };
				channelRules.set(channel, r);
			}
			return r;
		},
		resolved(channel, override) {
			let memo = memoBase;
			if (override) {
				let m = memoOv.get(override);
				if (!m) memoOv.set(override, (m = new Map()));
				memo = m;
			}
			let r = memo.get(channel);
			if (!r) {
				const base = compiled.channelRule(channel);
				const rule = override ? `override[${override.index}]:${override.override.pattern}` : base.name;
				r = { fields: resolveFields(base.rule, override?.override), rule, ruleLow: `${rule} low-stock`, order: base.order };
				memo.set(channel, r);
			}
			return r;
		},
	};
	compiledCache.set(ruleSet, compiled);
	return compiled;
}

function isCompiled(x: ChannelRuleSet | CompiledRuleSet): x is CompiledRuleSet {
	return typeof (x as CompiledRuleSet).resolved === 'function';
}

/** floor(pct% x n), robust to binary fractions (33.33 % of 300 is 99, not 98) */
export function shareOf(pct: number, n: number): number {
	return Math.floor((pct * n) / 100 + 1e-9);
}

const NO_NOTES: string[] = [];

interface Work {
	channel: string;
	idx: number;
	rank: number | null;
	order: number;
	tier: ResolvedTier;
	tierName: 'normal' | 'low';
	rule: string;
	q: number;
	zeroed: boolean;
	notes: string[];
}

/**
 * The quantity each channel may list for one SKU at the given ATP, in the order of `channels` (duplicates
 * dropped). Rule application order and the invariant: see the header of this file.
 */
export function computePublishable(
	sku: string,
	atp: number,
	ruleSet: ChannelRuleSet | CompiledRuleSet,
	channels: string[],
	opts: PublishOptions = {},
): Publishable[] {
	const rs = isCompiled(ruleSet) ? ruleSet : compileRuleSet(ruleSet);
	const explain = opts.explain !== false;
	if (typeof atp !== 'number' || Number.isNaN(atp)) throw new TypeError(`ATP of ${sku} must be a number, got ${String(atp)}`);
	const pool = Math.max(0, Math.floor(atp));

	// Overrides matching this SKU, once per SKU rather than once per channel.
	const matching: CompiledOverride[] = [];
	for (const o of rs.overrides) if (o.match(sku)) matching.push(o);

	const work: Work[] = [];
	for (let idx = 0; idx < channels.length; idx++) {
		const channel = channels[idx];
		if (channels.indexOf(channel) !== idx) continue; // listed once
		let ov: CompiledOverride | null = null;
		for (const o of matching) {
			if (o.channel === '*' || o.channel === channel) {
				ov = o;
				break;
			}
		}
		const entry = rs.resolved(channel, ov);
		const f = entry.fields;
		const low = f.low !== null && f.lowLevel !== null && pool < f.lowLevel;
		const notes: string[] = explain ? [`ATP ${pool}`] : NO_NOTES;
		if (explain && low) notes.push(`below low-stock level ${f.lowLevel}: low-stock tier`);
		work.push({
			channel,
			idx,
			rank: f.rank,
			order: entry.order,
			tier: low ? (f.low as ResolvedTier) : f.normal,
			tierName: low ? 'low' : 'normal',
			rule: low ? entry.ruleLow : entry.rule,
			q: 0,
			zeroed: false,
			notes,
		});
	}

	// 2. zero-at
	for (const w of work) {
		const z = w.tier.zeroAt;
		if (z !== null && z !== undefined && pool <= z) {
			w.zeroed = true;
			if (explain) w.notes.push(`ATP ${pool} <= zeroAt ${z}: 0`);
		}
	}

	const prio: Work[] = [];
	const others: Work[] = [];
	for (const w of work) (w.rank !== null ? prio : others).push(w);
	if (prio.length > 1) prio.sort((a, b) => (a.rank as number) - (b.rank as number) || a.order - b.order || a.idx - b.idx);

	let prioShare = 0;
	for (const w of prio) prioShare += w.tier.sharePercent;
	if (prioShare > 100 + 1e-9) {
		throw new RuleSetError(
			`Channel rule set cannot be satisfied for SKU ${sku}: priority channel shares sum to ${prioShare} percent (${prio
				.map((w) => `${w.channel} ${w.tier.sharePercent}% by ${w.rule}`)
				.join(', ')})`,
		);
	}

	const base = (w: Work, from: number, label: string): void => {
		if (w.zeroed) return;
		const t = w.tier;
		const share = shareOf(t.sharePercent, from);
		let q = share - t.buffer;
		if (explain) {
			w.notes.push(`${t.sharePercent}% of ${label} ${from} = ${share}`);
			if (t.buffer) w.notes.push(`- buffer ${t.buffer} = ${q}`);
		}
		if (t.maxListed !== null && t.maxListed !== undefined && q > t.maxListed) {
			q = t.maxListed;
			if (explain) w.notes.push(`capped at maxListed ${t.maxListed}`);
		}
		if (q < 0) {
			q = 0;
			if (explain) w.notes.push('raised to 0');
		}
		w.q = q;
	};
	const keepAlive = (w: Work, available: number): number => {
		const ka = w.tier.keepAliveMin;
		if (w.zeroed || !ka || w.q >= ka) return 0;
		const raise = Math.max(0, Math.min(ka - w.q, available));
		if (explain) {
			w.notes.push(
				raise === ka - w.q
					? `keep-alive: raised to ${w.q + raise}`
					: raise > 0
						? `keep-alive ${ka}: raised to ${w.q + raise} (all there is for this channel)`
						: `keep-alive ${ka}: no units left for this channel`,
			);
		}
		w.q += raise;
		return raise;
	};

	// 3. priority channels
	let taken = 0;
	for (const w of prio) {
		base(w, pool, 'pool');
		taken += w.q;
	}
	for (const w of prio) taken += keepAlive(w, pool - taken);

	// 4. the others share what is left
	const remaining = pool - taken;
	let otherShare = 0;
	for (const w of others) otherShare += w.tier.sharePercent;
	const exclusive = otherShare <= 100 + 1e-9;
	const label = prio.length ? 'remaining' : 'pool';
	let listed = 0;
	for (const w of others) {
		base(w, remaining, label);
		listed += w.q;
	}
	// 5. keep-alive for the others
	for (const w of others) {
		const available = exclusive ? remaining - listed : remaining - w.q;
		listed += keepAlive(w, available);
	}

	// 6. clamp, and answer in the order of `channels`
	return work.map((w) => {
		const q = Math.min(pool, Math.max(0, w.q));
		return {
			channel: w.channel,
			quantity: q,
			rule: w.rule,
			explain: explain ? `${w.notes.join('; ')} => ${q}` : '',
			tier: w.tierName,
			pool: w.rank !== null ? 'priority' : exclusive ? 'exclusive' : 'shared',
		};
	});
}

export interface SkuChannelQuantity {
	channel: string;
	sku: string;
	quantity: number;
}

/** computePublishable for many SKUs at once (Sync Stock, Preview): a flat list of (channel, sku, quantity). */
export function computePublishableMany(
	atpBySku: Map<string, number> | Iterable<[string, number]>,
	ruleSet: ChannelRuleSet | CompiledRuleSet,
	channels: string[],
): SkuChannelQuantity[] {
	const rs = isCompiled(ruleSet) ? ruleSet : compileRuleSet(ruleSet);
	const out: SkuChannelQuantity[] = [];
	for (const [sku, atp] of atpBySku) {
		for (const p of computePublishable(sku, atp, rs, channels, { explain: false })) {
			out.push({ channel: p.channel, sku, quantity: p.quantity });
		}
	}
	return out;
}
