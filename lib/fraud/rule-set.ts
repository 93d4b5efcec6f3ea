/**
 * The fraud gate's rule set: plain JSON (what the fraudGate node's parameters produce), its defaults, its version
 * (a short hash of the canonical JSON, recorded with every decision) and its validation. The rules themselves are
 * the registry in lib/fraud/rules/ (one file each, see rule-kit.ts); this file adds what is not a rule: the
 * thresholds, the allow list and the deny list.
 *
 * Evaluation order follows Stripe Radar (allow, then block, then review; the first that decides ends it):
 * see screen.ts. Every rule has its own switch (`enabled`) and weight (`points`); a rule with `block: true` is
 * a block rule: when it fires the order is rejected outright, whatever the score.
 *
 * Comparison words are meant literally: "above" and "more than" are strictly greater (an order of exactly the
 * amount, or exactly the limit of orders, does not fire); Stripe's score rule is "at least" (>=), as Radar's is.
 */
import { createHash } from 'node:crypto';
import type { ValidationProblem } from '../order/types';
import { isIpOrCidr } from './match';
import { checkCountries, checkList, checkRuleBase, isPlainObject } from './rule-kit';
import { FRAUD_RULES } from './rules';

export type { AmountByCurrency, RuleBase } from './rule-kit';
export type { OrderTotalAboveRule } from './rules/orderTotalAbove';
export type { SkuQuantityAboveRule } from './rules/skuQuantityAbove';
export type { ShipCountryHighRiskRule } from './rules/shipCountryHighRisk';
export type { ShipCountryNotAllowedRule } from './rules/shipCountryNotAllowed';
export type { BillingShippingMismatchRule } from './rules/billingShippingMismatch';
export type { ShipToNameMismatchRule } from './rules/shipToNameMismatch';
export type { DisposableOrMalformedEmailRule } from './rules/disposableOrMalformedEmail';
export type { VelocityRule, VelocityRuleKey } from './rules/velocity';
export type { FirstOrderExpeditedRule } from './rules/firstOrderExpedited';
export type { FreightForwarderOrPoBoxRule } from './rules/freightForwarderOrPoBox';
export type { ChannelRiskRule } from './rules/channelRisk';
export type { ExternalScreenerRule } from './rules/externalScreener';
export { DEFAULT_DISPOSABLE_DOMAINS } from './rules/disposableOrMalformedEmail';
export { DEFAULT_FORWARDER_KEYWORDS } from './rules/freightForwarderOrPoBox';
export { VELOCITY_KEYS } from './rules/velocity';
export { isIpOrCidr, parseIpv6 } from './match';

type Registered = (typeof FRAUD_RULES)[number];

/** Every rule's settings by its name, as the registry declares them */
export type RuleSettings = { [R in Registered as R['name']]: R['defaults'] };

export interface RuleSet {
	/** Score at or above review -> review; at or above reject -> reject */
	thresholds: { review: number; reject: number };
	/** Trusted customers: a hit passes the order outright (evaluated first, before the deny list) */
	allowList: { emails: string[]; domains: string[]; phones: string[]; customerIds: string[] };
	/** Hard rules: a hit rejects the order outright */
	denyList: {
		emails: string[];
		domains: string[];
		phones: string[];
		/** Addresses matched word by word, in order, in the normalised ship-to (or billing) address, e.g. "123 main st apt 4 springfield" */
		addresses: string[];
		/** Exact addresses or CIDR ranges (IPv4 "203.0.113.0/24", IPv6 "2001:db8::/32") */
		ips: string[];
		/** Ship-to countries, ISO 3166-1 alpha-2 */
		countries: string[];
	};
	rules: RuleSettings;
}

/**
 * Defaults: review at 50 points, reject at 100; each rule's defaults are in its file.
 *  - Strong signals weigh 50 or more, so one alone sends the order to review and two reject it: a disposable
 *    e-mail, a freight-forwarder ship-to, more than 3 orders in 24 hours from one e-mail or address (or more than
 *    3 in an hour from one IP), Shopify's CANCEL or HIGH, Stripe's "highest", Signifyd HOLD / NoFraud review.
 *    Signifyd REJECT and NoFraud fail (paid, guaranteed screeners) block outright.
 *  - Medium signals (20-30) need company: first order with expedited shipping above an amount, billing and
 *    ship-to countries differ, a high-risk ship-to country, phone velocity, Shopify INVESTIGATE, Stripe
 *    "elevated" (40). Together, "first order + expedited + above USD 1,000" reaches review (30 + 20).
 *  - Weak signals (15-20): order total above an amount, many units of one SKU, a ship-to name unlike the
 *    customer's, a PO box.
 * The country lists are empty because which countries are a risk, and where the seller ships, depend on the
 * seller: fill them in.
 */
export const DEFAULT_RULE_SET: RuleSet = deepFreeze<RuleSet>({
	thresholds: { review: 50, reject: 100 },
	allowList: { emails: [], domains: [], phones: [], customerIds: [] },
	denyList: { emails: [], domains: [], phones: [], addresses: [], ips: [], countries: [] },
	rules: JSON.parse(JSON.stringify(Object.fromEntries(FRAUD_RULES.map((r) => [r.name, r.defaults])))) as RuleSettings,
});

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object') {
		for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
		Object.freeze(value);
	}
	return value;
}

/** A deep, mutable copy of the default rule set, to edit. */
export function defaultRuleSet(): RuleSet {
	return JSON.parse(JSON.stringify(DEFAULT_RULE_SET)) as RuleSet;
}

type DeepPartial<T> = T extends Array<infer U>
	? Array<U>
	: T extends object
		? { [K in keyof T]?: DeepPartial<T[K]> }
		: T;
export type PartialRuleSet = DeepPartial<RuleSet>;

function merge(base: unknown, over: unknown): unknown {
	if (over === undefined) return base;
	if (isPlainObject(base) && isPlainObject(over)) {
		const out: Record<string, unknown> = { ...base };
		for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
		return out;
	}
	// arrays and scalars replace
	return over;
}

/**
 * The default rule set with `partial` laid over it: objects merge key by key, arrays and values replace.
 * Amount and points maps (amounts, recommendation, ...) merge too, so { amounts: { USD: 500 } } keeps EUR.
 * For the node: its parameters give only what the operator changed.
 */
export function resolveRuleSet(partial?: PartialRuleSet | null, base: RuleSet = DEFAULT_RULE_SET): RuleSet {
	return JSON.parse(JSON.stringify(merge(base, partial ?? undefined))) as RuleSet;
}

/** JSON with object keys sorted at every level (arrays keep their order); undefined values are dropped. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') {
		if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
		return JSON.stringify(value) ?? 'null';
	}
	if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
	const obj = value as Record<string, unknown>;
	const keys = Object.keys(obj)
		.filter((k) => obj[k] !== undefined)
		.sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * A stable short version of a rule set: the first 12 hex digits of the SHA-256 of its canonical JSON. Key order
 * does not change it; any change of a value, a list entry or its position does.
 */
export function ruleSetVersion(ruleSet: RuleSet): string {
	return createHash('sha256').update(canonicalJson(ruleSet)).digest('hex').slice(0, 12);
}

// ---------------------------------------------------------------- validation

/**
 * Problems with a rule set, each with a JSON path ($.thresholds.reject) and what is wrong; empty when it is
 * usable. Checks thresholds (reject not below review), the allow and deny lists, and every rule of the registry
 * (enabled, points and block, then the rule's own checks: country and currency codes, windows, limits, levels ...).
 */
export function validateRuleSet(rs: unknown): ValidationProblem[] {
	const problems: ValidationProblem[] = [];
	if (!isPlainObject(rs)) return [{ path: '$', message: 'rule set must be an object' }];

	const t = rs.thresholds;
	if (!isPlainObject(t)) problems.push({ path: '$.thresholds', message: 'missing thresholds { review, reject }' });
	else {
		for (const k of ['review', 'reject'] as const) {
			const v = t[k];
			if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
				problems.push({ path: `$.thresholds.${k}`, message: `${k} threshold must be a number above 0 (got ${JSON.stringify(v)})` });
		}
		if (typeof t.review === 'number' && typeof t.reject === 'number' && t.reject < t.review)
			problems.push({ path: '$.thresholds.reject', message: `reject threshold (${t.reject}) is below the review threshold (${t.review})` });
	}

	const allow = rs.allowList;
	if (!isPlainObject(allow)) problems.push({ path: '$.allowList', message: 'missing allow list' });
	else for (const k of ['emails', 'domains', 'phones', 'customerIds']) checkList(problems, `$.allowList.${k}`, allow[k]);

	const deny = rs.denyList;
	if (!isPlainObject(deny)) problems.push({ path: '$.denyList', message: 'missing deny list' });
	else {
		for (const k of ['emails', 'domains', 'phones', 'addresses']) checkList(problems, `$.denyList.${k}`, deny[k]);
		checkList(problems, '$.denyList.ips', deny.ips, (s, p) => {
			if (!isIpOrCidr(s)) problems.push({ path: p, message: `"${s}" is not an IP address or CIDR range` });
		});
		checkCountries(problems, '$.denyList.countries', deny.countries);
	}

	const rules = rs.rules;
	if (!isPlainObject(rules)) {
		problems.push({ path: '$.rules', message: 'missing rules' });
		return problems;
	}
	for (const def of FRAUD_RULES) {
		const path = `$.rules.${def.name}`;
		const value = rules[def.name];
		if (def.list) {
			if (!Array.isArray(value)) problems.push({ path, message: `must be a list of ${def.list.noun}` });
			else
				value.forEach((entry: unknown, i: number) => {
					if (checkRuleBase(problems, `${path}[${i}]`, entry, def.scored)) def.validate(entry, `${path}[${i}]`, problems);
				});
		} else if (checkRuleBase(problems, path, value, def.scored)) def.validate(value, path, problems);
	}
	return problems;
}
