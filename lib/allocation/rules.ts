/**
 * Channel allocation rules: what operations staff edit in the inventoryAllocator node (fixed collections) and
 * what lib/allocation/publish.ts applies. A rule set is plain JSON, so it can be stored, diffed and previewed.
 *
 * Shape (every field except `channel`, `pattern` and `lowStock.level` is optional):
 *
 * ```
 * {
 *   "defaults": { "sharePercent": 100 },              // channels not listed below (default: 100 %, nothing else)
 *   "channels": [
 *     { "channel": "amazon", "sharePercent": 40, "buffer": 2, "maxListed": 50, "zeroAt": 3, "keepAliveMin": 1,
 *       "priority": true,                             // or a rank: 1 before 2 before true (= rank 1000)
 *       "lowStock": { "level": 20, "rule": { "sharePercent": 20, "maxListed": 5 } } },
 *     { "channel": "ebay", "sharePercent": 60 }
 *   ],
 *   "skuOverrides": [
 *     { "pattern": "MUG-*", "channel": "*", "maxListed": 10 },          // glob: * any run, ? one character
 *     { "pattern": "/^LAMP-\\d+$/i", "channel": "ebay", "sharePercent": 0 }   // regex: /source/flags
 *   ]
 * }
 * ```
 *
 * Meaning of the fields (units are whole units of the SKU; see publish.ts for the order they are applied in):
 * - `sharePercent` 0..100 (fractions allowed): the channel's share of the pool; the result is rounded DOWN.
 * - `buffer`: units held back from this channel (subtracted after the share).
 * - `maxListed`: never list more than this (`null` = no maximum).
 * - `zeroAt`: list 0 when the SKU's ATP is at or below this (Linnworks "End When Stock"; `null` = off).
 * - `keepAliveMin`: list at least this many while there is any stock this channel may draw on (Sellbrite
 *   "minimum"; for channels that end a listing at 0). Never more than the stock there is; `zeroAt` wins over it.
 * - `priority`: `true` or a rank (integer >= 1, lower first). Priority channels take their share of the whole
 *   pool before the other channels; the others share what is left ("protected before others").
 * - `lowStock`: the second tier (Extensiv "minimum rule"): when the SKU's ATP is strictly BELOW `level`, the
 *   fields given in `rule` replace the channel's normal ones (fields it omits are inherited; `null` clears).
 *
 * SKU overrides: the FIRST override (in list order) whose pattern matches the SKU and whose `channel` is that
 * channel or `*` applies to that (SKU, channel), and only that one. Its top-level fields replace the channel's
 * normal-tier fields; its `lowStock`, when given, replaces the channel's low-stock tier (the low tier then
 * inherits from the overridden normal tier). A pattern is a glob (`*`, `?`; anchored, case-sensitive) unless it
 * is written `/source/flags`, which is a JavaScript regular expression (not anchored unless it says so).
 */
import type { ValidationProblem } from '../order/types';

export interface TierRule {
	/** 0..100, share of the pool; result rounded down. Default 100. */
	sharePercent?: number;
	/** Units held back. Default 0. */
	buffer?: number;
	/** Cap on the listed quantity; null/undefined = none */
	maxListed?: number | null;
	/** List 0 when ATP <= zeroAt; null/undefined = off */
	zeroAt?: number | null;
	/** List at least this many while stock is there for the channel; null/undefined/0 = off */
	keepAliveMin?: number | null;
}

export interface LowStockTier {
	/** The tier applies when the SKU's ATP < level */
	level: number;
	rule: TierRule;
}

export interface ChannelRuleFields extends TierRule {
	/** true (rank 1000) or a rank >= 1 (lower first); false/undefined = not a priority channel */
	priority?: boolean | number;
	lowStock?: LowStockTier | null;
}

export interface ChannelRule extends ChannelRuleFields {
	channel: string;
}

export interface SkuOverride extends ChannelRuleFields {
	/** Glob (`MUG-*`, `A?C`) or `/regex/flags` */
	pattern: string;
	/** A channel name, or `*` for every channel */
	channel: string;
}

export interface ChannelRuleSet {
	/** Rule for channels that have no entry in `channels` (default: `{ sharePercent: 100 }`) */
	defaults?: ChannelRuleFields;
	channels: ChannelRule[];
	skuOverrides?: SkuOverride[];
}

/** A problem in a rule set: a JSON path (`$.channels[1].sharePercent`), what is wrong, and how bad. */
export interface RuleProblem extends ValidationProblem {
	severity: 'error' | 'warning';
}

export class RuleSetError extends Error {
	constructor(
		message: string,
		readonly problems: RuleProblem[] = [],
	) {
		super(message);
		this.name = 'RuleSetError';
	}
}

/** Rank given to `priority: true` (numeric ranks below it come first). */
export const PRIORITY_TRUE_RANK = 1000;

const TIER_FIELDS = ['sharePercent', 'buffer', 'maxListed', 'zeroAt', 'keepAliveMin'] as const;
const RULE_FIELDS = [...TIER_FIELDS, 'priority', 'lowStock'] as const;
const CHANNEL_FIELDS = new Set<string>(['channel', ...RULE_FIELDS]);
const OVERRIDE_FIELDS = new Set<string>(['pattern', 'channel', ...RULE_FIELDS]);
const DEFAULT_FIELDS = new Set<string>(RULE_FIELDS);
const TIER_FIELD_SET = new Set<string>(TIER_FIELDS);
const LOW_FIELDS = new Set<string>(['level', 'rule']);
const SET_FIELDS = new Set<string>(['defaults', 'channels', 'skuOverrides']);

// ---------------------------------------------------------------- patterns

/** Compile an override pattern: `/source/flags` is a regex; anything else a glob (`*`, `?`), anchored. */
export function compilePattern(pattern: string): (sku: string) => boolean {
	const re = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
	if (re && pattern.length >= 2) {
		const rx = new RegExp(re[1], re[2].replace(/[gy]/g, ''));
		return (sku) => rx.test(sku);
	}
	if (!/[*?]/.test(pattern)) return (sku) => sku === pattern;
	const source = pattern
		.split('')
		.map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
		.join('');
	const rx = new RegExp(`^${source}$`, 's');
	return (sku) => rx.test(sku);
}

/** Numeric rank of a priority value, or null when the channel is not a priority channel. */
export function priorityRank(p: boolean | number | undefined | null): number | null {
	if (p === true) return PRIORITY_TRUE_RANK;
	if (typeof p === 'number' && p > 0) return p;
	return null;
}

// ---------------------------------------------------------------- validation

function isObj(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkUnknown(o: Record<string, unknown>, allowed: Set<string>, path: string, out: RuleProblem[]): void {
	for (const k of Object.keys(o)) {
		if (!allowed.has(k)) out.push({ path: `${path}.${k}`, message: `unknown field "${k}"`, severity: 'error' });
	}
}

function checkUnits(v: unknown, path: string, out: RuleProblem[], nullable: boolean): void {
	if (v === undefined || (nullable && v === null)) return;
	if (typeof v !== 'number' || !Number.isFinite(v)) {
		out.push({ path, message: `must be a whole number of units${nullable ? ' or empty' : ''}, got ${JSON.stringify(v)}`, severity: 'error' });
	} else if (v < 0) {
		out.push({ path, message: `must not be negative, got ${v}`, severity: 'error' });
	} else if (!Number.isInteger(v)) {
		out.push({ path, message: `must be a whole number of units, got ${v}`, severity: 'error' });
	}
}

function checkTier(t: Record<string, unknown>, path: string, out: RuleProblem[]): void {
	const s = t.sharePercent;
	if (s !== undefined) {
		if (typeof s !== 'number' || !Number.isFinite(s)) {
			out.push({ path: `${path}.sharePercent`, message: `must be a number from 0 to 100, got ${JSON.stringify(s)}`, severity: 'error' });
		} else if (s < 0) {
			out.push({ path: `${path}.sharePercent`, message: `must not be negative, got ${s}`, severity: 'error' });
		} else if (s > 100) {
			out.push({ path: `${path}.sharePercent`, message: `share over 100 percent (${s})`, severity: 'error' });
		}
	}
	checkUnits(t.buffer, `${path}.buffer`, out, false);
	checkUnits(t.maxListed, `${path}.maxListed`, out, true);
	checkUnits(t.zeroAt, `${path}.zeroAt`, out, true);
	checkUnits(t.keepAliveMin, `${path}.keepAliveMin`, out, true);
}

function checkRuleFields(r: Record<string, unknown>, path: string, out: RuleProblem[]): void {
	checkTier(r, path, out);
	const p = r.priority;
	if (p !== undefined && p !== null && typeof p !== 'boolean') {
		if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) {
			out.push({ path: `${path}.priority`, message: `must be true/false or a whole rank >= 1, got ${JSON.stringify(p)}`, severity: 'error' });
		}
	}
	const low = r.lowStock;
	if (low !== undefined && low !== null) {
		if (!isObj(low)) {
			out.push({ path: `${path}.lowStock`, message: 'must be an object { level, rule }', severity: 'error' });
		} else {
			checkUnknown(low, LOW_FIELDS, `${path}.lowStock`, out);
			if (low.level === undefined) out.push({ path: `${path}.lowStock.level`, message: 'is required', severity: 'error' });
			else checkUnits(low.level, `${path}.lowStock.level`, out, false);
			if (!isObj(low.rule)) {
				out.push({ path: `${path}.lowStock.rule`, message: 'must be an object of rule fields', severity: 'error' });
			} else {
				checkUnknown(low.rule, TIER_FIELD_SET, `${path}.lowStock.rule`, out);
				checkTier(low.rule, `${path}.lowStock.rule`, out);
			}
		}
	}
}

/** keepAliveMin above maxListed cannot both hold: a clear error. Checks the merged view of a rule. */
function checkSatisfiable(r: ResolvedFields, path: string, out: RuleProblem[]): void {
	for (const [tier, t, p] of [
		['normal', r.normal, path],
		['low-stock', r.low, `${path}.lowStock.rule`],
	] as const) {
		if (!t) continue;
		const max = t.maxListed;
		const ka = t.keepAliveMin;
		if (typeof max === 'number' && typeof ka === 'number' && ka > max) {
			out.push({
				path: p,
				message: `cannot be satisfied: keepAliveMin ${ka} is above maxListed ${max} (${tier} tier)`,
				severity: 'error',
			});
		}
	}
}

/** Fully resolved tiers of one (channel, override) combination. */
export interface ResolvedTier {
	sharePercent: number;
	buffer: number;
	maxListed: number | null;
	zeroAt: number | null;
	keepAliveMin: number | null;
}
export interface ResolvedFields {
	normal: ResolvedTier;
	low: ResolvedTier | null;
	lowLevel: number | null;
	rank: number | null;
}

function pick<T>(v: T | undefined, fallback: T): T {
	return v === undefined ? fallback : v;
}

function mergeTier(base: ResolvedTier, over: TierRule | undefined): ResolvedTier {
	if (!over) return base;
	return {
		sharePercent: pick(over.sharePercent, base.sharePercent),
		buffer: pick(over.buffer, base.buffer),
		maxListed: pick(over.maxListed, base.maxListed),
		zeroAt: pick(over.zeroAt, base.zeroAt),
		keepAliveMin: pick(over.keepAliveMin, base.keepAliveMin),
	};
}

const BASE_TIER: ResolvedTier = { sharePercent: 100, buffer: 0, maxListed: null, zeroAt: null, keepAliveMin: null };

/**
 * Resolve a channel's rule (or the defaults) with an optional override on top, into both tiers.
 * Exported for publish.ts and for Preview; missing fields take the documented defaults.
 */
export function resolveFields(channelRule: ChannelRuleFields, override?: ChannelRuleFields): ResolvedFields {
	let normal = mergeTier(BASE_TIER, channelRule);
	let lowStock = channelRule.lowStock ?? null;
	let priority = channelRule.priority;
	if (override) {
		normal = mergeTier(normal, override);
		if (override.lowStock !== undefined) lowStock = override.lowStock;
		if (override.priority !== undefined) priority = override.priority;
	}
	return {
		normal,
		low: lowStock ? mergeTier(normal, lowStock.rule) : null,
		lowLevel: lowStock ? lowStock.level : null,
		rank: priorityRank(priority),
	};
}

/**
 * Check a rule set and say everything that is wrong with it, each problem with a JSON path. Errors make the rule
 * set unusable (computePublishable refuses it); warnings are worth showing to the operator.
 *
 * Errors: not an object; unknown fields; missing/empty/duplicate channel names; share over 100 percent or below 0;
 * negative or fractional units; priority not true/false/rank; a low-stock tier without a level; invalid patterns;
 * keepAliveMin above maxListed; the shares of the priority channels summing over 100 percent (in either tier, also
 * with each override applied) - then the protected shares cannot all be given.
 * Warnings: an override naming a channel that is not in `channels`, an override no SKU can reach because an
 * earlier one has the same pattern and channel.
 */
export function validateChannelRuleSet(rs: unknown): RuleProblem[] {
	const out: RuleProblem[] = [];
	if (!isObj(rs)) {
		return [{ path: '$', message: 'a channel rule set must be an object { channels, skuOverrides?, defaults? }', severity: 'error' }];
	}
	checkUnknown(rs, SET_FIELDS, '$', out);
	if (rs.defaults !== undefined) {
		if (!isObj(rs.defaults)) out.push({ path: '$.defaults', message: 'must be an object of rule fields', severity: 'error' });
		else {
			checkUnknown(rs.defaults, DEFAULT_FIELDS, '$.defaults', out);
			checkRuleFields(rs.defaults, '$.defaults', out);
		}
	}
	const names = new Set<string>();
	const channels: ChannelRule[] = [];
	if (!Array.isArray(rs.channels)) {
		out.push({ path: '$.channels', message: 'must be a list of channel rules', severity: 'error' });
	} else {
		rs.channels.forEach((c: unknown, i: number) => {
			const path = `$.channels[${i}]`;
			if (!isObj(c)) {
				out.push({ path, message: 'must be an object with at least "channel"', severity: 'error' });
				return;
			}
			checkUnknown(c, CHANNEL_FIELDS, path, out);
			if (typeof c.channel !== 'string' || c.channel.trim() === '') {
				out.push({ path: `${path}.channel`, message: 'must be a non-empty channel name', severity: 'error' });
			} else if (c.channel === '*') {
				out.push({ path: `${path}.channel`, message: '"*" is only for SKU overrides; use "defaults" for every other channel', severity: 'error' });
			} else if (names.has(c.channel)) {
				out.push({ path: `${path}.channel`, message: `channel "${c.channel}" has more than one rule`, severity: 'error' });
			} else {
				names.add(c.channel);
			}
			checkRuleFields(c, path, out);
			channels.push(c as unknown as ChannelRule);
		});
	}
	const overrides: SkuOverride[] = [];
	if (rs.skuOverrides !== undefined) {
		if (!Array.isArray(rs.skuOverrides)) {
			out.push({ path: '$.skuOverrides', message: 'must be a list of SKU overrides', severity: 'error' });
		} else {
			const seen = new Set<string>();
			rs.skuOverrides.forEach((o: unknown, i: number) => {
				const path = `$.skuOverrides[${i}]`;
				if (!isObj(o)) {
					out.push({ path, message: 'must be an object with "pattern" and "channel"', severity: 'error' });
					return;
				}
				checkUnknown(o, OVERRIDE_FIELDS, path, out);
				let ok = true;
				if (typeof o.pattern !== 'string' || o.pattern === '') {
					out.push({ path: `${path}.pattern`, message: 'must be a non-empty glob (MUG-*) or /regex/', severity: 'error' });
					ok = false;
				} else {
					try {
						compilePattern(o.pattern);
					} catch (e) {
						out.push({ path: `${path}.pattern`, message: `invalid regular expression: ${(e as Error).message}`, severity: 'error' });
						ok = false;
					}
				}
				if (typeof o.channel !== 'string' || o.channel.trim() === '') {
					out.push({ path: `${path}.channel`, message: 'must be a channel name or "*"', severity: 'error' });
					ok = false;
				} else if (o.channel !== '*' && Array.isArray(rs.channels) && !names.has(o.channel)) {
					out.push({
						path: `${path}.channel`,
						message: `channel "${o.channel}" has no channel rule; the override applies on top of the defaults`,
						severity: 'warning',
					});
				}
				checkRuleFields(o, path, out);
				if (ok) {
					const key = `${o.channel}\u0000${o.pattern}`;
					const keyAll = `*\u0000${o.pattern}`;
					if (seen.has(key) || seen.has(keyAll)) {
						out.push({ path, message: 'never applies: an earlier override has the same pattern for this channel (first match wins)', severity: 'warning' });
					}
					seen.add(key);
					overrides.push(o as unknown as SkuOverride);
				}
			});
		}
	}
	if (out.some((p) => p.severity === 'error')) return out;

	// Satisfiability, on the merged view of each channel and each override.
	const defaults: ChannelRuleFields = (rs.defaults as ChannelRuleFields | undefined) ?? {};
	const resolved = channels.map((c) => resolveFields(c));
	channels.forEach((c, i) => checkSatisfiable(resolved[i], `$.channels[${i}]`, out));
	checkSatisfiable(resolveFields(defaults), '$.defaults', out);
	checkPrioritySum(resolved, channels.map((c) => c.channel), '$.channels', out);
	overrides.forEach((o, i) => {
		const path = `$.skuOverrides[${i}]`;
		const targets = o.channel === '*' ? channels.map((c) => c.channel) : [o.channel];
		const all = channels.map((c, j) => (targets.includes(c.channel) ? resolveFields(c, o) : resolved[j]));
		const names2 = channels.map((c) => c.channel);
		if (o.channel !== '*' && !names.has(o.channel)) {
			all.push(resolveFields(defaults, o));
			names2.push(o.channel);
		}
		for (const t of all) checkSatisfiable(t, path, out);
		checkPrioritySum(all, names2, path, out);
	});
	return out;
}

function checkPrioritySum(resolved: ResolvedFields[], names: string[], path: string, out: RuleProblem[]): void {
	for (const tier of ['normal', 'low'] as const) {
		let sum = 0;
		const who: string[] = [];
		resolved.forEach((r, i) => {
			if (r.rank === null) return;
			const t = tier === 'normal' ? r.normal : (r.low ?? r.normal);
			sum += t.sharePercent;
			who.push(`${names[i]} ${t.sharePercent}%`);
		});
		if (sum > 100 + 1e-9) {
			out.push({
				path,
				message: `cannot be satisfied: priority channel shares sum to ${sum} percent (over 100) in the ${tier === 'normal' ? 'normal' : 'low-stock'} tier (${who.join(', ')})`,
				severity: 'error',
			});
			return;
		}
	}
}

/** Throw a RuleSetError listing every error (warnings are returned). */
export function assertValidChannelRuleSet(rs: unknown): RuleProblem[] {
	const problems = validateChannelRuleSet(rs);
	const errors = problems.filter((p) => p.severity === 'error');
	if (errors.length) {
		throw new RuleSetError(
			`Invalid channel rule set: ${errors.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
			errors,
		);
	}
	return problems;
}
