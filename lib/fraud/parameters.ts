/**
 * From the fraudGate node's parameters (what operations staff edit on the n8n canvas) to a partial RuleSet
 * (rules.ts), laid over DEFAULT_RULE_SET with resolveRuleSet and checked with validateRuleSet. Pure and n8n-free.
 *
 * Only what the parameters give is returned: a rule whose group the operator did not add keeps its defaults.
 * Lists are typed as text (one entry per line, or separated by commas or semicolons; addresses by lines or
 * semicolons only, since addresses contain commas). Per-currency amounts and per-verdict points are typed as
 * "USD 1000, EUR 900" (a space, ":" or "=" between key and number). Country and currency codes are upper-cased.
 * What cannot be read is passed on as it is, so that validateRuleSet names it (e.g. "$.rules.orderTotalAbove.amounts.US
 * ... is not an ISO 4217 currency code"), and ruleParameterPath turns that path back into the parameter to fix.
 *
 * Parameter shape (names as in nodes/FraudGate/description.ts):
 * ```
 * reviewThreshold: 50, rejectThreshold: 100
 * allowList: { emails, domains, phones, customerIds }                       (text lists, every field optional)
 * denyList:  { emails, domains, phones, addresses, ips, countries }
 * rules: { orderTotalAbove: { enabled, points, block, amounts }, skuQuantityAbove: { ..., limit, skus }, ... }
 * velocityRules: { rule: [ { enabled, key, windowHours, maxOrders (0 = not checked), maxAmount, points, block } ] }
 * ruleSetJson: '{ "rules": { ... } }'   (optional, a partial rule set laid over all of the above)
 * ```
 */
import type { PartialRuleSet } from './rules';

type Params = Record<string, unknown>;

export interface FraudRuleParameters {
	reviewThreshold?: unknown;
	rejectThreshold?: unknown;
	allowList?: Params;
	denyList?: Params;
	rules?: Record<string, Params | undefined>;
	velocityRules?: { rule?: Params[] };
	/** A partial rule set as JSON text (or an object), laid over what the other parameters give */
	ruleSetJson?: unknown;
}

function isObject(v: unknown): v is Params {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A number when given: '' / null / undefined are unset; numeric text is read; anything else passed on for validation */
function num(v: unknown): unknown {
	if (v === undefined || v === null || v === '') return undefined;
	if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
	return v;
}

/** Text to a list of entries. Arrays pass through (trimmed). */
export function textList(v: unknown, separators: RegExp = /[\n,;]+/): string[] | undefined {
	if (v === undefined || v === null) return undefined;
	if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x.trim() : (x as string)));
	if (typeof v !== 'string') return [v as string];
	return v
		.split(separators)
		.map((s) => s.trim())
		.filter((s) => s !== '');
}

/**
 * "USD 1000, EUR 900" (or "USD=1000; EUR: 900", or an object) to { USD: 1000, EUR: 900 }. An entry that cannot be
 * read is kept so validation names it: a number without a key becomes the key itself, a key without a number gets null.
 */
export function textMap(v: unknown, keyCase: 'upper' | 'lower' | 'keep' = 'keep'): Record<string, unknown> | undefined {
	if (v === undefined || v === null) return undefined;
	const fix = (k: string) => (keyCase === 'upper' ? k.toUpperCase() : keyCase === 'lower' ? k.toLowerCase() : k);
	if (isObject(v)) {
		const out: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(v)) out[fix(k.trim())] = num(x) ?? null;
		return out;
	}
	if (typeof v !== 'string') return v as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	for (const entry of v.split(/[\n,;]+/)) {
		const e = entry.trim();
		if (!e) continue;
		const m = /^([^\s:=]+)\s*[:= ]\s*(.*)$/.exec(e);
		if (!m) {
			out[fix(e)] = null;
			continue;
		}
		const n = m[2].trim().replace(/_/g, '');
		out[fix(m[1])] = n !== '' && Number.isFinite(Number(n)) ? Number(n) : n === '' ? null : n;
	}
	return out;
}

function put(target: Params, key: string, value: unknown): void {
	if (value !== undefined) target[key] = value;
}

const BASE_FIELDS = ['enabled', 'points', 'block'] as const;

/** Each rule group: how its extra fields map (list, map, number, upper-cased list, as-is). */
type Kind = 'list' | 'addressList' | 'countries' | 'amounts' | 'pointsUpper' | 'pointsLower' | 'number' | 'nullableNumber' | 'raw' | 'levels';
const RULE_FIELDS: Record<string, Record<string, Kind>> = {
	orderTotalAbove: { amounts: 'amounts' },
	skuQuantityAbove: { limit: 'number', skus: 'list' },
	shipCountryHighRisk: { countries: 'countries' },
	shipCountryNotAllowed: { allowed: 'countries' },
	billingShippingMismatch: { compare: 'raw' },
	shipToNameMismatch: { minSimilarity: 'number' },
	disposableOrMalformedEmail: { domains: 'list' },
	firstOrderExpedited: { levels: 'levels', minTotal: 'amounts' },
	freightForwarderOrPoBox: { keywords: 'list', addresses: 'addressList', poBox: 'raw', poBoxPoints: 'number' },
	channelRisk: { recommendation: 'pointsUpper', riskLevel: 'pointsUpper', blockOnCancel: 'raw' },
	externalScreener: {
		stripeLevel: 'pointsLower',
		stripeScoreAtLeast: 'nullableNumber',
		stripeScorePoints: 'number',
		signifyd: 'pointsUpper',
		nofraud: 'pointsLower',
		blockOn: 'list',
	},
};
/** Rules without points or block of their own (their points are per verdict) */
const NO_POINTS = new Set(['channelRisk', 'externalScreener']);

function mapField(kind: Kind, v: unknown): unknown {
	switch (kind) {
		case 'list':
			return textList(v);
		case 'addressList':
			return textList(v, /[\n;]+/);
		case 'countries':
			return textList(v)?.map((c) => (typeof c === 'string' ? c.toUpperCase() : c));
		case 'levels':
			return Array.isArray(v) ? v : textList(v);
		case 'amounts':
			return textMap(v, 'upper');
		case 'pointsUpper':
			return textMap(v, 'upper');
		case 'pointsLower':
			return textMap(v, 'lower');
		case 'number':
			return num(v);
		case 'nullableNumber': {
			// 0 or empty: not checked (a Stripe score of "at least 0" would fire on every order)
			const n = num(v);
			return n === undefined || n === 0 ? null : n;
		}
		case 'raw':
			return v === '' ? undefined : v;
	}
}

function listsOf(p: unknown, keys: string[], kinds: Record<string, Kind> = {}): Params | undefined {
	if (!isObject(p)) return undefined;
	const out: Params = {};
	for (const k of keys) put(out, k, mapField(kinds[k] ?? 'list', p[k]));
	return Object.keys(out).length ? out : undefined;
}

/** The node's parameters as a partial rule set (not validated; see the file header). Throws only for unreadable JSON. */
export function ruleSetFromParameters(params: FraudRuleParameters): PartialRuleSet {
	const out: Params = {};
	const thresholds: Params = {};
	put(thresholds, 'review', num(params.reviewThreshold));
	put(thresholds, 'reject', num(params.rejectThreshold));
	if (Object.keys(thresholds).length) out.thresholds = thresholds;

	put(out, 'allowList', listsOf(params.allowList, ['emails', 'domains', 'phones', 'customerIds']));
	put(out, 'denyList', listsOf(params.denyList, ['emails', 'domains', 'phones', 'addresses', 'ips', 'countries'], { addresses: 'addressList', countries: 'countries' }));

	const rules: Params = {};
	if (isObject(params.rules)) {
		for (const [name, fields] of Object.entries(RULE_FIELDS)) {
			const group = params.rules[name];
			if (!isObject(group)) continue;
			const rule: Params = {};
			for (const f of BASE_FIELDS) {
				if (NO_POINTS.has(name) && f !== 'enabled') continue;
				// block off is the same as no block (the defaults have none), so a group left as added keeps the version
				if (f === 'block') put(rule, f, group[f] === false ? undefined : group[f]);
				else put(rule, f, f === 'points' ? num(group[f]) : group[f]);
			}
			for (const [f, kind] of Object.entries(fields)) put(rule, f, mapField(kind, group[f]));
			rules[name] = rule;
		}
	}
	const velocity = isObject(params.velocityRules) ? params.velocityRules.rule : undefined;
	if (Array.isArray(velocity) && velocity.length > 0) {
		rules.velocity = velocity.map((v: unknown) => {
			// an entry of the wrong shape (an expression's null) is passed on for validateRuleSet to name
			if (!isObject(v)) return v;
			const rule: Params = {};
			put(rule, 'enabled', v.enabled ?? true);
			put(rule, 'key', v.key);
			put(rule, 'windowHours', num(v.windowHours));
			const max = num(v.maxOrders);
			rule.maxOrders = max === undefined || max === 0 ? null : max;
			rule.maxAmount = textMap(v.maxAmount, 'upper') ?? {};
			put(rule, 'points', num(v.points));
			put(rule, 'block', v.block === false ? undefined : v.block);
			return rule;
		});
	}
	if (Object.keys(rules).length) out.rules = rules;

	const json = params.ruleSetJson;
	if (json !== undefined && json !== null && !(typeof json === 'string' && json.trim() === '')) {
		let extra: unknown = json;
		if (typeof json === 'string') {
			try {
				extra = JSON.parse(json);
			} catch (error) {
				throw new Error(`Rule Set JSON is not valid JSON: ${(error as Error).message}`);
			}
		}
		if (!isObject(extra)) throw new Error('Rule Set JSON must be a JSON object (a partial rule set, e.g. { "thresholds": { "review": 40 } })');
		return deepMerge(out, extra) as PartialRuleSet;
	}
	return out as PartialRuleSet;
}

function deepMerge(base: unknown, over: unknown): unknown {
	if (isObject(base) && isObject(over)) {
		const out: Params = { ...base };
		for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
		return out;
	}
	return over === undefined ? base : over;
}

// ---------------------------------------------------------------- from a validation path back to the parameter

const RULE_LABELS: Record<string, string> = {
	orderTotalAbove: 'Order Total Above',
	skuQuantityAbove: 'SKU Quantity Above',
	shipCountryHighRisk: 'Ship Country High Risk',
	shipCountryNotAllowed: 'Ship Country Not Allowed',
	billingShippingMismatch: 'Billing and Shipping Differ',
	shipToNameMismatch: 'Ship-To Name Unlike Customer',
	disposableOrMalformedEmail: 'Disposable or Malformed Email',
	firstOrderExpedited: 'First Order With Expedited Shipping',
	freightForwarderOrPoBox: 'Freight Forwarder or PO Box',
	channelRisk: 'Channel Risk Signal',
	externalScreener: 'External Screener',
};

const FIELD_LABELS: Record<string, string> = {
	enabled: 'Enabled',
	points: 'Points',
	block: 'Block (Reject Outright)',
	amounts: 'Amounts',
	limit: 'Limit',
	skus: 'SKUs',
	countries: 'Countries',
	allowed: 'Allowed Countries',
	compare: 'Compare',
	minSimilarity: 'Minimum Similarity',
	domains: 'Domains',
	levels: 'Shipping Levels',
	minTotal: 'Minimum Total',
	keywords: 'Keywords',
	addresses: 'Addresses',
	poBox: 'PO Boxes Too',
	poBoxPoints: 'PO Box Points',
	recommendation: 'Recommendation Points',
	riskLevel: 'Risk Level Points',
	blockOnCancel: 'Block on CANCEL',
	stripeLevel: 'Stripe Risk Level Points',
	stripeScoreAtLeast: 'Stripe Risk Score At Least',
	stripeScorePoints: 'Stripe Risk Score Points',
	signifyd: 'Signifyd Decision Points',
	nofraud: 'NoFraud Decision Points',
	blockOn: 'Block on Verdicts',
	key: 'Count By',
	windowHours: 'Window (Hours)',
	maxOrders: 'Max Orders',
	maxAmount: 'Max Amount',
	emails: 'Emails',
	phones: 'Phones',
	customerIds: 'Customer IDs',
	ips: 'IP Addresses',
};

/**
 * The parameter a validation path points at, as the editor shows it: "$.rules.orderTotalAbove.amounts.XX" ->
 * "Rules › Order Total Above › Amounts"; "$.rules.velocity[1].windowHours" -> "Velocity Rules › rule 2 › Window (Hours)".
 */
export function ruleParameterPath(path: string): string {
	const parts = path.replace(/^\$\.?/, '').split('.').filter(Boolean);
	const head = parts[0] ?? '';
	const strip = (s: string | undefined) => (s ?? '').replace(/\[\d+\]$/, '');
	if (head === 'thresholds') return parts[1] === 'reject' ? 'Reject Threshold' : 'Review Threshold';
	if (head.startsWith('allowList') || head.startsWith('denyList')) {
		const list = head.startsWith('allow') ? 'Allow List' : 'Deny List';
		return parts[1] ? `${list} › ${FIELD_LABELS[strip(parts[1])] ?? strip(parts[1])}` : list;
	}
	if (head === 'rules') {
		const rule = parts[1] ?? '';
		const v = /^velocity(?:\[(\d+)\])?$/.exec(rule);
		if (v) {
			const which = v[1] !== undefined ? ` › rule ${Number(v[1]) + 1}` : '';
			const field = parts[2] ? ` › ${FIELD_LABELS[strip(parts[2])] ?? strip(parts[2])}` : '';
			return `Velocity Rules${which}${field}`;
		}
		const label = RULE_LABELS[rule] ?? rule;
		return parts[2] ? `Rules › ${label} › ${FIELD_LABELS[strip(parts[2])] ?? strip(parts[2])}` : `Rules › ${label}`;
	}
	return 'Rule Set';
}
