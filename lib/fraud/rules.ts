/**
 * The fraud gate's rule set: plain JSON (what the fraudGate node's parameters produce), its defaults, its version
 * (a short hash of the canonical JSON, recorded with every decision) and its validation.
 *
 * Evaluation order follows Stripe Radar (allow, then block, then review; the first that decides ends it):
 * see screen.ts. Every rule has its own switch (`enabled`) and weight (`points`); a rule with `block: true` is
 * a block rule: when it fires the order is rejected outright, whatever the score.
 *
 * Comparison words are meant literally: "above" and "more than" are strictly greater (an order of exactly the
 * amount, or exactly the limit of orders, does not fire); Stripe's score rule is "at least" (>=), as Radar's is.
 */
import { createHash } from 'node:crypto';
import { isCountryCode } from '../order/address';
import { isValidCurrency } from '../order/money';
import { SHIPPING_LEVELS, type ShippingLevel, type ValidationProblem } from '../order/types';

/** Per-currency amounts in major units, e.g. { USD: 1000, EUR: 900 }. A currency not listed is not checked. */
export type AmountByCurrency = Record<string, number>;

export interface RuleBase {
	enabled: boolean;
	/** Points added to the score when the rule fires (>= 0) */
	points: number;
	/** When true the rule is a block rule: firing rejects the order outright (Radar's "Block if ...") */
	block?: boolean;
}

export interface OrderTotalAboveRule extends RuleBase {
	/** Fires when order.totals.total > amounts[order.currency] */
	amounts: AmountByCurrency;
}
export interface SkuQuantityAboveRule extends RuleBase {
	/** Fires when the units of one SKU (summed over the order's lines) are more than this */
	limit: number;
	/** Only these SKUs (exact, case-insensitive); empty = every SKU */
	skus: string[];
}
export interface ShipCountryHighRiskRule extends RuleBase {
	/** ISO 3166-1 alpha-2 codes */
	countries: string[];
}
export interface ShipCountryNotAllowedRule extends RuleBase {
	/** ISO 3166-1 alpha-2 codes the seller ships to; empty = no restriction (the rule never fires) */
	allowed: string[];
}
export interface BillingShippingMismatchRule extends RuleBase {
	/** country: billing and ship-to countries differ. address: the street address (country, postal code, lines) differs. */
	compare: 'country' | 'address';
}
export interface ShipToNameMismatchRule extends RuleBase {
	/** 0..1: fires when the similarity of the ship-to name and the customer's name is below this */
	minSimilarity: number;
}
export interface DisposableOrMalformedEmailRule extends RuleBase {
	/** Disposable e-mail domains; a subdomain of a listed domain counts too */
	domains: string[];
}
export const VELOCITY_KEYS = ['email', 'shipAddress', 'phone', 'clientIp'] as const;
export type VelocityRuleKey = (typeof VELOCITY_KEYS)[number];
export interface VelocityRule extends RuleBase {
	key: VelocityRuleKey;
	windowHours: number;
	/** Fires when the orders in the window (this one included) are more than this; null = not checked */
	maxOrders: number | null;
	/** Fires when the amount ordered in the window (this one included) is above this, per currency */
	maxAmount: AmountByCurrency;
}
export interface FirstOrderExpeditedRule extends RuleBase {
	/** Shipping levels that count as expedited */
	levels: ShippingLevel[];
	/** Fires when the total is above this (per currency); an order in a currency not listed is not checked */
	minTotal: AmountByCurrency;
}
export interface FreightForwarderOrPoBoxRule extends RuleBase {
	/** Words that mark a freight forwarder or reshipper in the ship-to name, company or street lines */
	keywords: string[];
	/** Known forwarder addresses: every word of the entry found, in order, in the normalised ship-to address */
	addresses: string[];
	/** Also fire for a PO box (P.O. Box, Post Office Box, POB, Postfach, Apartado ...) */
	poBox: boolean;
	/** Points for a PO box alone (weaker than a forwarder: many rural customers have only a box); default `points` */
	poBoxPoints?: number;
}
export interface ChannelRiskRule {
	enabled: boolean;
	/** Points per channel recommendation (Shopify: CANCEL, INVESTIGATE); upper case keys */
	recommendation: Record<string, number>;
	/** Points per channel risk level (Shopify: HIGH, MEDIUM); upper case keys */
	riskLevel: Record<string, number>;
	/** A CANCEL recommendation rejects outright */
	blockOnCancel: boolean;
}
export interface ExternalScreenerRule {
	enabled: boolean;
	/** Stripe Radar: points per risk_level (highest, elevated); lower case keys */
	stripeLevel: Record<string, number>;
	/** Stripe Radar: risk_score at least this (0-100) gives scorePoints; null = not checked */
	stripeScoreAtLeast: number | null;
	stripeScorePoints: number;
	/** Signifyd: points per decision (ACCEPT, REJECT, HOLD); upper case keys */
	signifyd: Record<string, number>;
	/** NoFraud: points per decision (pass, review, fail); lower case keys */
	nofraud: Record<string, number>;
	/** Verdicts that reject outright, as "provider:verdict": stripe:highest, signifyd:REJECT, nofraud:fail */
	blockOn: string[];
}

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
	rules: {
		orderTotalAbove: OrderTotalAboveRule;
		skuQuantityAbove: SkuQuantityAboveRule;
		shipCountryHighRisk: ShipCountryHighRiskRule;
		shipCountryNotAllowed: ShipCountryNotAllowedRule;
		billingShippingMismatch: BillingShippingMismatchRule;
		shipToNameMismatch: ShipToNameMismatchRule;
		disposableOrMalformedEmail: DisposableOrMalformedEmailRule;
		velocity: VelocityRule[];
		firstOrderExpedited: FirstOrderExpeditedRule;
		freightForwarderOrPoBox: FreightForwarderOrPoBoxRule;
		channelRisk: ChannelRiskRule;
		externalScreener: ExternalScreenerRule;
	};
}

/**
 * Throwaway-mailbox services. A starting list for the seller to edit, not a complete one: the public lists run
 * to thousands of domains.
 */
export const DEFAULT_DISPOSABLE_DOMAINS: readonly string[] = Object.freeze([
	'10minutemail.com',
	'20minutemail.com',
	'burnermail.io',
	'discard.email',
	'dispostable.com',
	'emailondeck.com',
	'fakeinbox.com',
	'getairmail.com',
	'getnada.com',
	'guerrillamail.biz',
	'guerrillamail.com',
	'guerrillamail.de',
	'guerrillamail.net',
	'guerrillamail.org',
	'guerrillamailblock.com',
	'grr.la',
	'mailcatch.com',
	'maildrop.cc',
	'mailinator.com',
	'mailnesia.com',
	'mintemail.com',
	'moakt.com',
	'mohmal.com',
	'sharklasers.com',
	'spamgourmet.com',
	'temp-mail.org',
	'tempail.com',
	'tempinbox.com',
	'tempmail.com',
	'tempmailo.com',
	'tempr.email',
	'throwawaymail.com',
	'trashmail.com',
	'trashmail.de',
	'yopmail.com',
	'yopmail.fr',
]);

/** Names of well-known package forwarders and reshippers, and the words forwarder addresses use. */
export const DEFAULT_FORWARDER_KEYWORDS: readonly string[] = Object.freeze([
	'freight forward',
	'forwarder',
	'forwarding',
	'reship',
	'shipito',
	'myus',
	'stackry',
	'planet express',
	'qwintry',
	'viabox',
	'usgobuy',
	'comgateway',
	'shop and ship',
	'shopandship',
	'borderlinx',
	'bongo',
	'skypostal',
	'ship7',
	'parcel forward',
]);

const EXPEDITED: ShippingLevel[] = ['expedited', 'priority', 'next_day', 'same_day'];

/**
 * Defaults: review at 50 points, reject at 100.
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
	rules: {
		orderTotalAbove: {
			enabled: true,
			points: 20,
			amounts: { USD: 1000, CAD: 1300, EUR: 900, GBP: 800, AUD: 1500, JPY: 150000, MXN: 18000 },
		},
		skuQuantityAbove: { enabled: true, points: 20, limit: 10, skus: [] },
		shipCountryHighRisk: { enabled: true, points: 30, countries: [] },
		shipCountryNotAllowed: { enabled: true, points: 50, allowed: [] },
		billingShippingMismatch: { enabled: true, points: 25, compare: 'country' },
		shipToNameMismatch: { enabled: true, points: 15, minSimilarity: 0.5 },
		disposableOrMalformedEmail: { enabled: true, points: 50, domains: [...DEFAULT_DISPOSABLE_DOMAINS] },
		velocity: [
			{ enabled: true, points: 50, key: 'email', windowHours: 24, maxOrders: 3, maxAmount: { USD: 3000, CAD: 4000, EUR: 2750, GBP: 2400 } },
			{ enabled: true, points: 50, key: 'shipAddress', windowHours: 24, maxOrders: 3, maxAmount: {} },
			{ enabled: true, points: 25, key: 'phone', windowHours: 24, maxOrders: 3, maxAmount: {} },
			{ enabled: true, points: 50, key: 'clientIp', windowHours: 1, maxOrders: 3, maxAmount: {} },
		],
		firstOrderExpedited: {
			enabled: true,
			points: 30,
			levels: EXPEDITED,
			minTotal: { USD: 300, CAD: 400, EUR: 275, GBP: 240, AUD: 450, JPY: 45000 },
		},
		freightForwarderOrPoBox: {
			enabled: true,
			points: 50,
			keywords: [...DEFAULT_FORWARDER_KEYWORDS],
			addresses: [],
			poBox: true,
			poBoxPoints: 15,
		},
		channelRisk: {
			enabled: true,
			recommendation: { CANCEL: 60, INVESTIGATE: 30 },
			riskLevel: { HIGH: 50, MEDIUM: 20 },
			blockOnCancel: false,
		},
		externalScreener: {
			enabled: true,
			stripeLevel: { highest: 75, elevated: 40 },
			stripeScoreAtLeast: null,
			stripeScorePoints: 50,
			signifyd: { REJECT: 100, HOLD: 50 },
			nofraud: { fail: 100, review: 50 },
			blockOn: ['signifyd:REJECT', 'nofraud:fail'],
		},
	},
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for an IPv4 or IPv6 address, optionally with a /prefix. */
export function isIpOrCidr(text: string): boolean {
	if (typeof text !== 'string') return false;
	const [addr, prefix, extra] = text.trim().split('/');
	if (extra !== undefined) return false;
	const v4 = IPV4.test(addr);
	const v6 = !v4 && parseIpv6(addr) !== null;
	if (!v4 && !v6) return false;
	if (prefix === undefined) return true;
	if (!/^\d{1,3}$/.test(prefix)) return false;
	return Number(prefix) <= (v4 ? 32 : 128);
}

/** IPv6 text to 8 16-bit groups, or null. Accepts "::" compression and a trailing dotted IPv4 ("::ffff:1.2.3.4"). */
export function parseIpv6(text: string): number[] | null {
	let s = text.trim().toLowerCase();
	if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
	const zone = s.indexOf('%');
	if (zone >= 0) s = s.slice(0, zone);
	if (!/^[0-9a-f:.]+$/.test(s) || !s.includes(':')) return null;
	const lastColon = s.lastIndexOf(':');
	const last = s.slice(lastColon + 1);
	if (last.includes('.')) {
		if (!IPV4.test(last)) return null;
		const b = last.split('.').map(Number);
		s = `${s.slice(0, lastColon + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
	}
	const parts = s.split('::');
	if (parts.length > 2) return null;
	const parse = (p: string): number[] | null => {
		if (p === '') return [];
		const out: number[] = [];
		for (const g of p.split(':')) {
			if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
			out.push(parseInt(g, 16));
		}
		return out;
	};
	const head = parse(parts[0]);
	const rest = parts.length === 2 ? parse(parts[1]) : [];
	if (head === null || rest === null) return null;
	if (parts.length === 1) return head.length === 8 ? head : null;
	const fill = 8 - head.length - rest.length;
	if (fill < 1) return null;
	return [...head, ...new Array<number>(fill).fill(0), ...rest];
}

function checkPoints(problems: ValidationProblem[], path: string, v: unknown): void {
	if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ path, message: 'points must be a number' });
	else if (v < 0) problems.push({ path, message: `points must not be negative (got ${v})` });
}

function checkList(problems: ValidationProblem[], path: string, v: unknown, each?: (s: string, p: string) => void): void {
	if (!Array.isArray(v)) {
		problems.push({ path, message: 'must be a list' });
		return;
	}
	v.forEach((s, i) => {
		if (typeof s !== 'string' || s.trim() === '') problems.push({ path: `${path}[${i}]`, message: 'must be a non-empty text' });
		else if (each) each(s, `${path}[${i}]`);
	});
}

function checkCountries(problems: ValidationProblem[], path: string, v: unknown): void {
	checkList(problems, path, v, (s, p) => {
		if (!isCountryCode(s)) problems.push({ path: p, message: `"${s}" is not an ISO 3166-1 alpha-2 country code (upper case, e.g. "US")` });
	});
}

function checkAmounts(problems: ValidationProblem[], path: string, v: unknown): void {
	if (!isPlainObject(v)) {
		problems.push({ path, message: 'must be a map of currency code to amount, e.g. { "USD": 1000 }' });
		return;
	}
	for (const [cur, amount] of Object.entries(v)) {
		if (!isValidCurrency(cur)) problems.push({ path: `${path}.${cur}`, message: `"${cur}" is not an ISO 4217 currency code (upper case, e.g. "USD")` });
		if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)
			problems.push({ path: `${path}.${cur}`, message: `amount must be a number of 0 or more (got ${JSON.stringify(amount)})` });
	}
}

function checkPointsMap(problems: ValidationProblem[], path: string, v: unknown): void {
	if (!isPlainObject(v)) {
		problems.push({ path, message: 'must be a map of verdict to points' });
		return;
	}
	for (const [k, p] of Object.entries(v)) checkPoints(problems, `${path}.${k}`, p);
}

function checkRuleBase(problems: ValidationProblem[], path: string, r: unknown, hasPoints = true): r is Record<string, unknown> {
	if (!isPlainObject(r)) {
		problems.push({ path, message: 'missing rule' });
		return false;
	}
	if (typeof r.enabled !== 'boolean') problems.push({ path: `${path}.enabled`, message: 'must be true or false' });
	if (hasPoints) checkPoints(problems, `${path}.points`, r.points);
	if (r.block !== undefined && typeof r.block !== 'boolean') problems.push({ path: `${path}.block`, message: 'must be true or false' });
	return true;
}

const BLOCK_VERDICT = /^(stripe|signifyd|nofraud):[A-Za-z_]+$/;

/**
 * Problems with a rule set, each with a JSON path ($.thresholds.reject) and what is wrong; empty when it is
 * usable. Checks thresholds (reject not below review), negative points, country and currency codes, windows,
 * limits, IPs and shipping levels.
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
	const p = (name: string) => `$.rules.${name}`;

	const total = rules.orderTotalAbove;
	if (checkRuleBase(problems, p('orderTotalAbove'), total)) checkAmounts(problems, `${p('orderTotalAbove')}.amounts`, total.amounts);

	const sku = rules.skuQuantityAbove;
	if (checkRuleBase(problems, p('skuQuantityAbove'), sku)) {
		if (typeof sku.limit !== 'number' || !Number.isInteger(sku.limit) || sku.limit < 1)
			problems.push({ path: `${p('skuQuantityAbove')}.limit`, message: `limit must be a whole number of 1 or more (got ${JSON.stringify(sku.limit)})` });
		checkList(problems, `${p('skuQuantityAbove')}.skus`, sku.skus);
	}

	const hr = rules.shipCountryHighRisk;
	if (checkRuleBase(problems, p('shipCountryHighRisk'), hr)) checkCountries(problems, `${p('shipCountryHighRisk')}.countries`, hr.countries);

	const na = rules.shipCountryNotAllowed;
	if (checkRuleBase(problems, p('shipCountryNotAllowed'), na)) checkCountries(problems, `${p('shipCountryNotAllowed')}.allowed`, na.allowed);

	const bs = rules.billingShippingMismatch;
	if (checkRuleBase(problems, p('billingShippingMismatch'), bs) && bs.compare !== 'country' && bs.compare !== 'address')
		problems.push({ path: `${p('billingShippingMismatch')}.compare`, message: 'compare must be "country" or "address"' });

	const nm = rules.shipToNameMismatch;
	if (checkRuleBase(problems, p('shipToNameMismatch'), nm)) {
		if (typeof nm.minSimilarity !== 'number' || !(nm.minSimilarity >= 0 && nm.minSimilarity <= 1))
			problems.push({ path: `${p('shipToNameMismatch')}.minSimilarity`, message: 'minSimilarity must be between 0 and 1' });
	}

	const de = rules.disposableOrMalformedEmail;
	if (checkRuleBase(problems, p('disposableOrMalformedEmail'), de)) checkList(problems, `${p('disposableOrMalformedEmail')}.domains`, de.domains);

	if (!Array.isArray(rules.velocity)) problems.push({ path: p('velocity'), message: 'must be a list of velocity rules' });
	else
		rules.velocity.forEach((v: unknown, i: number) => {
			const path = `${p('velocity')}[${i}]`;
			if (!checkRuleBase(problems, path, v)) return;
			if (!(VELOCITY_KEYS as readonly unknown[]).includes(v.key))
				problems.push({ path: `${path}.key`, message: `key must be one of ${VELOCITY_KEYS.join(', ')} (got ${JSON.stringify(v.key)})` });
			if (typeof v.windowHours !== 'number' || !(v.windowHours > 0) || !Number.isFinite(v.windowHours))
				problems.push({ path: `${path}.windowHours`, message: `window must be a number of hours above 0 (got ${JSON.stringify(v.windowHours)})` });
			if (v.maxOrders !== null && v.maxOrders !== undefined && (typeof v.maxOrders !== 'number' || !Number.isInteger(v.maxOrders) || v.maxOrders < 1))
				problems.push({ path: `${path}.maxOrders`, message: `maxOrders must be a whole number of 1 or more, or empty (got ${JSON.stringify(v.maxOrders)})` });
			if (v.maxAmount !== undefined) checkAmounts(problems, `${path}.maxAmount`, v.maxAmount);
			const hasAmount = isPlainObject(v.maxAmount) && Object.keys(v.maxAmount).length > 0;
			if ((v.maxOrders === null || v.maxOrders === undefined) && !hasAmount)
				problems.push({ path, message: 'a velocity rule needs maxOrders, maxAmount, or both' });
		});

	const fo = rules.firstOrderExpedited;
	if (checkRuleBase(problems, p('firstOrderExpedited'), fo)) {
		checkList(problems, `${p('firstOrderExpedited')}.levels`, fo.levels, (s, path) => {
			if (!(SHIPPING_LEVELS as readonly string[]).includes(s))
				problems.push({ path, message: `"${s}" is not a shipping level (${SHIPPING_LEVELS.join(', ')})` });
		});
		checkAmounts(problems, `${p('firstOrderExpedited')}.minTotal`, fo.minTotal);
	}

	const ff = rules.freightForwarderOrPoBox;
	if (checkRuleBase(problems, p('freightForwarderOrPoBox'), ff)) {
		checkList(problems, `${p('freightForwarderOrPoBox')}.keywords`, ff.keywords);
		checkList(problems, `${p('freightForwarderOrPoBox')}.addresses`, ff.addresses);
		if (typeof ff.poBox !== 'boolean') problems.push({ path: `${p('freightForwarderOrPoBox')}.poBox`, message: 'must be true or false' });
		if (ff.poBoxPoints !== undefined && ff.poBoxPoints !== null) checkPoints(problems, `${p('freightForwarderOrPoBox')}.poBoxPoints`, ff.poBoxPoints);
	}

	const cr = rules.channelRisk;
	if (checkRuleBase(problems, p('channelRisk'), cr, false)) {
		checkPointsMap(problems, `${p('channelRisk')}.recommendation`, cr.recommendation);
		checkPointsMap(problems, `${p('channelRisk')}.riskLevel`, cr.riskLevel);
		if (typeof cr.blockOnCancel !== 'boolean') problems.push({ path: `${p('channelRisk')}.blockOnCancel`, message: 'must be true or false' });
	}

	const ex = rules.externalScreener;
	if (checkRuleBase(problems, p('externalScreener'), ex, false)) {
		const path = p('externalScreener');
		checkPointsMap(problems, `${path}.stripeLevel`, ex.stripeLevel);
		checkPointsMap(problems, `${path}.signifyd`, ex.signifyd);
		checkPointsMap(problems, `${path}.nofraud`, ex.nofraud);
		if (ex.stripeScoreAtLeast !== null && ex.stripeScoreAtLeast !== undefined) {
			const s = ex.stripeScoreAtLeast;
			if (typeof s !== 'number' || !(s >= 0 && s <= 100))
				problems.push({ path: `${path}.stripeScoreAtLeast`, message: 'Stripe risk score threshold must be between 0 and 100, or empty' });
		}
		checkPoints(problems, `${path}.stripeScorePoints`, ex.stripeScorePoints);
		checkList(problems, `${path}.blockOn`, ex.blockOn, (s, bp) => {
			if (!BLOCK_VERDICT.test(s)) problems.push({ path: bp, message: `"${s}" is not "provider:verdict" with provider stripe, signifyd or nofraud` });
		});
	}
	return problems;
}
