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
 *        (one group per rule of the registry, lib/fraud/rules/: its `fields` say how each field's text is read)
 * velocityRules: { rule: [ { enabled, key, windowHours, maxOrders (0 = not checked), maxAmount, points, block } ] }
 *        (a list rule's own parameter: lib/fraud/rules/velocity.ts maps it)
 * ruleSetJson: '{ "rules": { ... } }'   (optional, a partial rule set laid over all of the above)
 * ```
 */
import type { INodeProperties } from 'n8n-workflow';
import { isPlainObject as isObject, mapField, num, type FieldKind } from './rule-kit';
import type { PartialRuleSet } from './rule-set';
import { FRAUD_RULES } from './rules';

export { textList, textMap } from './rule-kit';

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

function put(target: Params, key: string, value: unknown): void {
	if (value !== undefined) target[key] = value;
}

const BASE_FIELDS = ['enabled', 'points', 'block'] as const;

function listsOf(p: unknown, keys: string[], kinds: Record<string, FieldKind> = {}): Params | undefined {
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
	const groups = isObject(params.rules) ? params.rules : {};
	for (const def of FRAUD_RULES) {
		if (def.list) {
			const entries = def.list.fromParameters((params as Params)[def.list.property.name]);
			if (entries !== undefined) rules[def.name] = entries;
			continue;
		}
		const group = groups[def.name];
		if (!isObject(group)) continue;
		const rule: Params = {};
		for (const f of BASE_FIELDS) {
			if (!def.scored && f !== 'enabled') continue;
			// block off is the same as no block (the defaults have none), so a group left as added keeps the version
			if (f === 'block') put(rule, f, group[f] === false ? undefined : group[f]);
			else put(rule, f, f === 'points' ? num(group[f]) : group[f]);
		}
		for (const [f, kind] of Object.entries(def.fields)) put(rule, f, mapField(kind, group[f]));
		rules[def.name] = rule;
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

/** The allow and deny lists' fields (not rules: nodes/FraudGate/description.ts shows them) */
const LIST_LABELS: Record<string, string> = {
	emails: 'Emails',
	domains: 'Domains',
	phones: 'Phones',
	customerIds: 'Customer IDs',
	addresses: 'Addresses',
	ips: 'IP Addresses',
	countries: 'Countries',
};

/** The display name of the field `name` among `props` (and the values of their groups), if any */
function displayNameOf(props: readonly INodeProperties[], name: string): string | undefined {
	for (const p of props) {
		if (p.name === name) return p.displayName;
		for (const o of (p.options ?? []) as Array<{ values?: INodeProperties[] }>) {
			const hit = o.values ? displayNameOf(o.values, name) : undefined;
			if (hit) return hit;
		}
	}
	return undefined;
}

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
		return parts[1] ? `${list} › ${LIST_LABELS[strip(parts[1])] ?? strip(parts[1])}` : list;
	}
	if (head === 'rules') {
		const m = /^([^[]*)(?:\[(\d+)\])?$/.exec(parts[1] ?? '');
		const def = FRAUD_RULES.find((r) => r.name === m?.[1]);
		const field = strip(parts[2]);
		if (def?.list) {
			// a list rule: its own parameter, entry by entry ("Velocity Rules › rule 2 › Window (Hours)")
			const entry = (def.list.property.options?.[0] as { name?: string } | undefined)?.name ?? 'entry';
			const which = m?.[2] !== undefined ? ` › ${entry} ${Number(m[2]) + 1}` : '';
			return `${def.list.property.displayName}${which}${field ? ` › ${displayNameOf([def.list.property], field) ?? field}` : ''}`;
		}
		const label = def?.label ?? parts[1] ?? '';
		return field ? `Rules › ${label} › ${(def && displayNameOf(def.properties, field)) ?? field}` : `Rules › ${label}`;
	}
	return 'Rule Set';
}
