/**
 * What a fraud rule is made of, and the pieces rules share. A rule is one file in lib/fraud/rules/ exporting a
 * FraudRuleDefinition (defineRule): its settings type and defaults, the node fields that edit it (with how their
 * text is read), its validation and its evaluation. lib/fraud/rules/index.ts lists them (FRAUD_RULES); the rule
 * set (rule-set.ts), the parameters (parameters.ts), the screen (screen.ts) and the fraudGate node's description
 * iterate that list, so adding a rule is its file plus one line there.
 *
 * Pure and n8n-free: n8n appears only as the type of the node fields (INodeProperties).
 */
import type { DateTime } from 'luxon';
import type { INodeProperties } from 'n8n-workflow';
import { isCountryCode } from '../order/address';
import type { IdentityKeys } from '../order/identity';
import { isValidCurrency } from '../order/money';
import type { CanonicalOrder, FraudReason, ValidationProblem } from '../order/types';
import type { VelocityQuery, VelocityResult } from '../store/types';

/** Per-currency amounts in major units, e.g. { USD: 1000, EUR: 900 }. A currency not listed is not checked. */
export type AmountByCurrency = Record<string, number>;

export interface RuleBase {
	enabled: boolean;
	/** Points added to the score when the rule fires (>= 0) */
	points: number;
	/** When true the rule is a block rule: firing rejects the order outright (Radar's "Block if ...") */
	block?: boolean;
}

/** A rule that fired: its reason, and whether it blocks (rejects outright) */
export interface Hit extends FraudReason {
	block: boolean;
}

/** What a rule evaluated against the order history sees (velocity, first order) */
export interface HistoryContext {
	/** The order's identity keys (lib/order/identity) */
	keys: IdentityKeys;
	/** Store.velocity (cached per screen: the same query is asked once) */
	lookup(query: VelocityQuery): Promise<VelocityResult & { channels?: string[] }>;
	/** The screen's clock */
	now: DateTime;
	/** Upper bound (ISO, exclusive) of the history looked at */
	until: string;
}

/** How the text of a node field becomes a setting (lib/fraud/parameters.ts mapField) */
export type FieldKind = 'list' | 'addressList' | 'countries' | 'amounts' | 'pointsUpper' | 'pointsLower' | 'number' | 'nullableNumber' | 'raw' | 'levels';

export type HitResult = Hit | Hit[] | null | undefined;

interface DefinitionBase<N extends string, C> {
	/** The rule's key: in RuleSet.rules, in the node's Rules collection, in validation paths ($.rules.<name>) and reasons */
	readonly name: N;
	/** Its name in the node's editor (the group in Rules) and in messages that point at a parameter */
	readonly label: string;
	/** Its settings when the operator changed nothing */
	readonly defaults: C;
	/**
	 * true: the rule has its own Enabled, Points and Block fields (checked and mapped for it). false: only Enabled;
	 * its points are per verdict and it blocks on its own settings (channelRisk, externalScreener).
	 */
	readonly scored: boolean;
	/** Its node fields besides enabled, points and block, and how their text is read */
	readonly fields: Readonly<Record<string, FieldKind>>;
	/** The node fields of its group in Rules (see baseProperties), in the order the editor shows them */
	readonly properties: INodeProperties[];
	/**
	 * A rule with many entries (velocity) has its own node parameter instead of a group in Rules: `property` (a
	 * multiple-value fixedCollection), `fromParameters` (its value -> the rule's entries, or undefined when none
	 * given: the defaults stay) and `noun` ("velocity rules", for "must be a list of ...").
	 */
	readonly list?: { property: INodeProperties; fromParameters(value: unknown): unknown[] | undefined; noun: string };
	/** Problems with its own fields (enabled, points and block are checked before it is called; per entry for a list) */
	validate(rule: Record<string, unknown>, path: string, problems: ValidationProblem[]): void;
}

/** A rule decided from the order alone: evaluated before the history, so its block hits reject without a lookup */
export interface OrderRuleDefinition<N extends string = string, C = unknown> extends DefinitionBase<N, C> {
	readonly stage: 'order';
	/** The hits of an enabled rule (or null); a disabled one is never called */
	evaluate(order: CanonicalOrder, rule: C): HitResult;
}

/** A rule that looks at earlier orders (through the injected velocity lookup) */
export interface HistoryRuleDefinition<N extends string = string, C = unknown> extends DefinitionBase<N, C> {
	readonly stage: 'history';
	evaluate(order: CanonicalOrder, rule: C, ctx: HistoryContext): Promise<HitResult>;
}

export type FraudRuleDefinition<N extends string = string, C = unknown> = OrderRuleDefinition<N, C> | HistoryRuleDefinition<N, C>;

/** A rule definition, typed: its name as a literal, its settings as C */
export function defineRule<N extends string, C>(def: OrderRuleDefinition<N, C>): OrderRuleDefinition<N, C>;
export function defineRule<N extends string, C>(def: HistoryRuleDefinition<N, C>): HistoryRuleDefinition<N, C>;
export function defineRule<N extends string, C>(def: FraudRuleDefinition<N, C>): FraudRuleDefinition<N, C> {
	return def;
}

/** The hit of a scored rule with its own points and block switch */
export function fired(rule: string, cfg: { points: number; block?: boolean }, detail: string): Hit {
	return { rule, points: cfg.points, detail, block: cfg.block === true };
}

// ---------------------------------------------------------------- validation

export function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkPoints(problems: ValidationProblem[], path: string, v: unknown): void {
	if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ path, message: 'points must be a number' });
	else if (v < 0) problems.push({ path, message: `points must not be negative (got ${v})` });
}

export function checkList(problems: ValidationProblem[], path: string, v: unknown, each?: (s: string, p: string) => void): void {
	if (!Array.isArray(v)) {
		problems.push({ path, message: 'must be a list' });
		return;
	}
	v.forEach((s, i) => {
		if (typeof s !== 'string' || s.trim() === '') problems.push({ path: `${path}[${i}]`, message: 'must be a non-empty text' });
		else if (each) each(s, `${path}[${i}]`);
	});
}

export function checkCountries(problems: ValidationProblem[], path: string, v: unknown): void {
	checkList(problems, path, v, (s, p) => {
		if (!isCountryCode(s)) problems.push({ path: p, message: `"${s}" is not an ISO 3166-1 alpha-2 country code (upper case, e.g. "US")` });
	});
}

export function checkAmounts(problems: ValidationProblem[], path: string, v: unknown): void {
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

export function checkPointsMap(problems: ValidationProblem[], path: string, v: unknown): void {
	if (!isPlainObject(v)) {
		problems.push({ path, message: 'must be a map of verdict to points' });
		return;
	}
	for (const [k, p] of Object.entries(v)) checkPoints(problems, `${path}.${k}`, p);
}

/** enabled, points (when `hasPoints`) and block of one rule; false when the rule is not an object at all */
export function checkRuleBase(problems: ValidationProblem[], path: string, r: unknown, hasPoints = true): r is Record<string, unknown> {
	if (!isPlainObject(r)) {
		problems.push({ path, message: 'missing rule' });
		return false;
	}
	if (typeof r.enabled !== 'boolean') problems.push({ path: `${path}.enabled`, message: 'must be true or false' });
	if (hasPoints) checkPoints(problems, `${path}.points`, r.points);
	if (r.block !== undefined && typeof r.block !== 'boolean') problems.push({ path: `${path}.block`, message: 'must be true or false' });
	return true;
}

export function checkBoolean(problems: ValidationProblem[], path: string, v: unknown): void {
	if (typeof v !== 'boolean') problems.push({ path, message: 'must be true or false' });
}

// ---------------------------------------------------------------- node text -> settings

/** A number when given: '' / null / undefined are unset; numeric text is read; anything else passed on for validation */
export function num(v: unknown): unknown {
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
	if (isPlainObject(v)) {
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

/** One node field's value as the setting its kind says */
export function mapField(kind: FieldKind, v: unknown): unknown {
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

// ---------------------------------------------------------------- node fields

export const AMOUNTS_HINT = 'Per currency, e.g. "USD 1000, EUR 900"; an order in a currency not listed is not checked';
export const LIST_HINT = 'One per line, or separated by commas';

/** A per-currency (or per-verdict) map as the text a node field shows: "USD 1000, EUR 900" */
export const mapText = (m: Record<string, number>): string =>
	Object.entries(m)
		.map(([k, v]) => `${k} ${v}`)
		.join(', ');
export const listText = (l: readonly string[]): string => l.join(', ');

/**
 * Enabled, Points and Block (Reject Outright): the first fields of every scored rule's group, showing the rule's
 * defaults (so a group added and left as it is changes nothing).
 */
export function baseProperties(defaults: RuleBase, what: string): INodeProperties[] {
	return [
		{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: defaults.enabled, description: `Whether the rule is checked: ${what}` },
		{ displayName: 'Points', name: 'points', type: 'number', typeOptions: { minValue: 0 }, default: defaults.points, description: 'Points added to the score when the rule fires' },
		{
			displayName: 'Block (Reject Outright)',
			name: 'block',
			type: 'boolean',
			default: false,
			description: 'Whether the rule rejects the order outright when it fires, whatever the score (a block rule)',
		},
	];
}
