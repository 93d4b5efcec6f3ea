/**
 * From the inventoryAllocator node's parameters (what operations staff edit in the n8n editor) to a ChannelRuleSet
 * (rules.ts). Pure and n8n-free, so it is tested and reused (Preview, benchmarks) without n8n.
 *
 * Why the optional numbers live in collections: an n8n `number` parameter that the user never touched still comes
 * through as its default (0), and 0 means something for every rule field (buffer 0, max listed 0 = list nothing,
 * zero-at 0 = list 0 when sold out). In a `collection`, a field the user did not add is ABSENT, so "unset" stays
 * unset and the field inherits (from the channel rule, the defaults, or the documented default).
 *
 * Parameter shape (names as in nodes/InventoryAllocator/description.ts):
 *
 * ```
 * channelRules:  { rule: [ { channel: 'amazon', sharePercent: 40, options: { buffer, maxListed, zeroAt, keepAliveMin,
 *                  priorityRank, lowStockLevel, lowSharePercent, lowBuffer, lowMaxListed, lowZeroAt, lowKeepAliveMin } } ] }
 * defaultRule:   { sharePercent, buffer, maxListed, zeroAt, keepAliveMin, lowStockLevel, low... }   (every field optional)
 * skuOverrides:  { override: [ { pattern: 'MUG-*', channel: '*', fields: { sharePercent, buffer, ..., low... } } ] }
 * ```
 *
 * The result is NOT validated here: pass it to validateChannelRuleSet / assertValidChannelRuleSet, which name each
 * problem by its JSON path (`$.channels[0].sharePercent: share over 100 percent (120)`); ruleParameterPath turns such
 * a path back into the parameter the user has to fix.
 */
import type { ChannelRule, ChannelRuleFields, ChannelRuleSet, SkuOverride, TierRule } from './rules';

export interface RuleFieldParameters {
	sharePercent?: unknown;
	buffer?: unknown;
	maxListed?: unknown;
	zeroAt?: unknown;
	keepAliveMin?: unknown;
	priorityRank?: unknown;
	lowStockLevel?: unknown;
	lowSharePercent?: unknown;
	lowBuffer?: unknown;
	lowMaxListed?: unknown;
	lowZeroAt?: unknown;
	lowKeepAliveMin?: unknown;
}

export interface RuleSetParameters {
	channelRules?: { rule?: Array<{ channel?: unknown; sharePercent?: unknown; options?: RuleFieldParameters }> };
	defaultRule?: RuleFieldParameters;
	skuOverrides?: { override?: Array<{ pattern?: unknown; channel?: unknown; fields?: RuleFieldParameters }> };
}

/** A parameter value as a number when it was given: '' / null / undefined are "unset"; numeric strings are read. */
function given(v: unknown): unknown {
	if (v === undefined || v === null || v === '') return undefined;
	if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
	return v; // anything else is passed on for validation to name
}

const TIER: Array<keyof TierRule> = ['sharePercent', 'buffer', 'maxListed', 'zeroAt', 'keepAliveMin'];
const LOW: Record<keyof TierRule, keyof RuleFieldParameters> = {
	sharePercent: 'lowSharePercent',
	buffer: 'lowBuffer',
	maxListed: 'lowMaxListed',
	zeroAt: 'lowZeroAt',
	keepAliveMin: 'lowKeepAliveMin',
};

/** The rule fields of one collection (only the ones given). */
export function ruleFieldsFromParameters(p: RuleFieldParameters | undefined | null): ChannelRuleFields {
	const out: ChannelRuleFields = {};
	if (!p || typeof p !== 'object') return out;
	for (const k of TIER) {
		const v = given(p[k]);
		if (v !== undefined) (out as Record<string, unknown>)[k] = v;
	}
	const rank = given(p.priorityRank);
	if (rank !== undefined) out.priority = rank as number;
	const low: Record<string, unknown> = {};
	for (const k of TIER) {
		const v = given(p[LOW[k]]);
		if (v !== undefined) low[k] = v;
	}
	const level = given(p.lowStockLevel);
	if (level !== undefined || Object.keys(low).length) {
		// a low-stock rule without a level is passed on as such: validation says the level is required
		out.lowStock = { level: level as number, rule: low as TierRule };
		if (level === undefined) delete (out.lowStock as Partial<{ level: number }>).level;
	}
	return out;
}

/** Build the rule set from the node's parameters (see the shape above). Channel names are trimmed. */
export function ruleSetFromParameters(params: RuleSetParameters): ChannelRuleSet {
	// A parameter an expression filled with the wrong shape (a text where a list goes, null for an entry) is passed
	// on as it is, so that validateChannelRuleSet names it with its path instead of this failing on it.
	const p = (isRecord(params) ? params : {}) as RuleSetParameters;
	const rules = listIn(p.channelRules, 'rule');
	const channels = Array.isArray(rules)
		? rules.map((r): ChannelRule => {
				if (!isRecord(r)) return r as ChannelRule;
				const fields = ruleFieldsFromParameters(r.options as RuleFieldParameters);
				const share = given(r.sharePercent);
				const rule: ChannelRule = { channel: typeof r.channel === 'string' ? r.channel.trim() : (r.channel as string), ...fields };
				if (share !== undefined) rule.sharePercent = share as number;
				return rule;
			})
		: (rules as ChannelRule[]);
	const rs: ChannelRuleSet = { channels };
	const defaults = ruleFieldsFromParameters(p.defaultRule);
	if (Object.keys(defaults).length) rs.defaults = defaults;
	const list = listIn(p.skuOverrides, 'override');
	const overrides = Array.isArray(list)
		? list.map((o): SkuOverride => {
				if (!isRecord(o)) return o as SkuOverride;
				return {
					pattern: typeof o.pattern === 'string' ? o.pattern.trim() : (o.pattern as string),
					channel: typeof o.channel === 'string' && o.channel.trim() ? o.channel.trim() : '*',
					...ruleFieldsFromParameters(o.fields as RuleFieldParameters),
				};
			})
		: (list as SkuOverride[]);
	if (!Array.isArray(overrides) || overrides.length) rs.skuOverrides = overrides;
	return rs;
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `collection[key]` of a fixed collection parameter: [] when the collection or its list is absent, else as given */
function listIn(collection: unknown, key: string): unknown {
	if (collection === undefined || collection === null) return [];
	if (!isRecord(collection)) return collection;
	const v = (collection as Record<string, unknown>)[key];
	return v === undefined || v === null ? [] : v;
}

/**
 * Where in the node's parameters a rule-set problem path points, for error messages ops staff can act on:
 * `$.channels[1].lowStock.rule.sharePercent` -> `Channel Rules #2 (ebay) > Low-Stock Share %`.
 */
export function ruleParameterPath(path: string, rs?: ChannelRuleSet): string {
	const label: Record<string, string> = {
		sharePercent: 'Share %',
		buffer: 'Buffer',
		maxListed: 'Max Listed',
		zeroAt: 'Zero At',
		keepAliveMin: 'Keep-Alive Minimum',
		priority: 'Priority Rank',
		level: 'Low-Stock Level',
		pattern: 'SKU Pattern',
		channel: 'Channel',
	};
	const m = /^\$\.(channels|skuOverrides|defaults)(?:\[(\d+)\])?(?:\.(.*))?$/.exec(path);
	if (!m) return path;
	const [, group, idx, rest] = m;
	let where: string;
	if (group === 'defaults') where = 'Default Rule (Other Channels)';
	else if (group === 'channels') {
		const i = idx === undefined ? null : Number(idx);
		const name = i !== null ? rs?.channels[i]?.channel : undefined;
		where = i === null ? 'Channel Rules' : `Channel Rules #${i + 1}${name ? ` (${name})` : ''}`;
	} else {
		const i = idx === undefined ? null : Number(idx);
		const pat = i !== null ? rs?.skuOverrides?.[i]?.pattern : undefined;
		where = i === null ? 'SKU Overrides' : `SKU Overrides #${i + 1}${pat ? ` (${pat})` : ''}`;
	}
	if (!rest) return where;
	const low = rest.startsWith('lowStock.rule.');
	const field = low ? rest.slice('lowStock.rule.'.length) : rest.replace(/^lowStock\./, '');
	const name = label[field] ?? field;
	return `${where} > ${low ? `Low-Stock ${name}` : name}`;
}
