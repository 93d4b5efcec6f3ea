/**
 * The fraud rule registry (lib/fraud/rules/): every rule is one entry that the rule set, the validation, the node
 * parameters and the screen iterate. What must not change when rules move into it: the rule set version for the same
 * settings (decisions recorded under a version must still match it), the node's parameters (saved workflows hold
 * their names and n8n saves no default values), and the order rules are checked and reasons are listed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_RULE_SET, FRAUD_RULES, memoryVelocity, resolveRuleSet, ruleSetVersion, screenOrder, validateRuleSet } from '../../../lib/fraud';
import { ruleParameterPath, ruleSetFromParameters, type FraudRuleParameters } from '../../../lib/fraud/parameters';
import { RULE_SET_PARAMETERS } from '../../../nodes/FraudGate/description';
import { NOW, order } from './helpers';

/** The rules there were before the registry (a rule added since is not part of those settings) */
const PRE_REGISTRY = ['orderTotalAbove', 'skuQuantityAbove', 'shipCountryHighRisk', 'shipCountryNotAllowed', 'billingShippingMismatch', 'shipToNameMismatch', 'disposableOrMalformedEmail', 'velocity', 'firstOrderExpedited', 'freightForwarderOrPoBox', 'channelRisk', 'externalScreener'];

/** The version of the rule set these parameters give, over the pre-registry rules (the same settings as then) */
function version(params: FraudRuleParameters): string {
	const rs = resolveRuleSet(ruleSetFromParameters(params));
	const rules = Object.fromEntries(Object.entries(rs.rules).filter(([name]) => PRE_REGISTRY.includes(name)));
	return ruleSetVersion({ ...rs, rules } as typeof rs);
}

type P = Record<string, unknown> & { options?: Array<Record<string, unknown>> };

/** What saved workflows depend on: names, order, types, defaults, option values (not the wording) */
function signature(p: P): P {
	const out: P = { name: p.name, type: p.type, default: p.default };
	if (p.type === 'options' || p.type === 'multiOptions') out.options = (p.options ?? []).map((o) => o.value as P);
	if (p.type === 'collection') out.options = (p.options ?? []).map((o) => signature(o as P));
	if (p.type === 'fixedCollection') out.options = (p.options ?? []).map((o) => ({ name: o.name, values: (o.values as P[]).map(signature) }));
	return out;
}

/**
 * `before`'s entries are all in `after`, unchanged and in the same relative order (lists of named entries: by name,
 * recursively; anything else equal). New entries (a rule added since) may sit anywhere. Returns what differs.
 */
function kept(before: unknown, after: unknown, path = '$'): string[] {
	const named = (x: unknown): x is P[] => Array.isArray(x) && x.every((e) => typeof e === 'object' && e !== null && typeof (e as P).name === 'string');
	if (named(before) && named(after)) {
		const problems: string[] = [];
		let at = -1;
		for (const b of before) {
			const i = after.findIndex((a) => a.name === b.name);
			if (i < 0) problems.push(`${path}: ${String(b.name)} is gone`);
			else if (i < at) problems.push(`${path}: ${String(b.name)} moved`);
			else {
				at = i;
				problems.push(...kept(b, after[i], `${path}.${String(b.name)}`));
			}
		}
		return problems;
	}
	if (typeof before === 'object' && before !== null && !Array.isArray(before) && typeof after === 'object' && after !== null) {
		return Object.keys(before).flatMap((k) => kept((before as P)[k], (after as P)[k], `${path}.${k}`));
	}
	return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${path}: ${JSON.stringify(before)} is now ${JSON.stringify(after)}`];
}

describe('fraud rule registry', () => {
	it('keeps the rule set version of the same settings (versions as before the registry)', () => {
		// computed with the rules as they were before the registry (tag pre-19); a change here orphans recorded decisions
		expect(version({})).toBe('70450a518246');
		expect(
			version({
				reviewThreshold: 40,
				rejectThreshold: 90,
				rules: {
					orderTotalAbove: { enabled: true, points: 35, block: false, amounts: 'USD 500, EUR 450' },
					shipCountryHighRisk: { enabled: true, points: 30, countries: 'NG, RU' },
				},
			}),
		).toBe('15de13050752');
		expect(
			version({
				denyList: { emails: 'bad@x.com', ips: '203.0.113.0/24' },
				allowList: { domains: 'vip.example' },
				velocityRules: { rule: [{ enabled: true, key: 'clientIp', windowHours: 2, maxOrders: 0, maxAmount: 'USD 2000', points: 40, block: true }] },
			}),
		).toBe('80767826db22');
		expect(
			version({
				rules: {
					freightForwarderOrPoBox: { enabled: true, points: 60, block: true, keywords: 'forwarder, reship', addresses: '1 Main St Miami', poBox: false, poBoxPoints: 5 },
					externalScreener: { enabled: true, stripeScoreAtLeast: 70, stripeScorePoints: 45, blockOn: 'stripe:highest' },
					channelRisk: { enabled: false, recommendation: 'CANCEL 80', riskLevel: 'HIGH 40', blockOnCancel: true },
					firstOrderExpedited: { enabled: true, points: 25, levels: ['next_day'], minTotal: 'USD 200' },
					billingShippingMismatch: { enabled: true, points: 10, compare: 'address' },
				},
			}),
		).toBe('6bc96248d2e1');
		expect(version({ ruleSetJson: '{"rules":{"skuQuantityAbove":{"limit":5,"skus":["A1"]},"shipToNameMismatch":{"minSimilarity":0.3}}}' })).toBe('9010b232d971');
	});

	it('keeps the fraudGate node’s rule parameters: names, order, types, defaults and option values (as before the registry)', () => {
		const before = JSON.parse(readFileSync(join(__dirname, '../../fixtures/fraudGate-rule-parameters.json'), 'utf8'));
		expect(kept(before, (RULE_SET_PARAMETERS as unknown as P[]).map(signature))).toEqual([]);
	});

	it('the compatibility check above fails on a renamed, moved or changed parameter', () => {
		const now = (RULE_SET_PARAMETERS as unknown as P[]).map(signature);
		const rules = now.find((p) => p.name === 'rules') as P & { options: Array<{ name: string; values: P[] }> };
		const edit = (fn: (copy: typeof now) => void) => {
			const copy = JSON.parse(JSON.stringify(now)) as typeof now;
			fn(copy);
			return kept(now, copy);
		};
		const group = (copy: typeof now, name: string) => ((copy.find((p) => p.name === 'rules') as typeof rules).options.find((o) => o.name === name) as { values: P[] });
		expect(rules.options.length).toBeGreaterThan(2);
		expect(edit(() => undefined)).toEqual([]);
		expect(edit((c) => group(c, 'orderTotalAbove').values.push({ name: 'extra', type: 'string', default: '' }))).toEqual([]);
		expect(edit((c) => (group(c, 'orderTotalAbove').values[1].default = 21))).toEqual(['$.rules.options.orderTotalAbove.values.points.default: 20 is now 21']);
		expect(edit((c) => (group(c, 'skuQuantityAbove').values[4].name = 'skuList'))).toEqual(['$.rules.options.skuQuantityAbove.values: skus is gone']);
		expect(edit((c) => (c.find((p) => p.name === 'rules') as typeof rules).options.reverse())).not.toEqual([]);
	});

	it('is consistent: one entry per rule, its defaults valid and in the default rule set, its node fields the ones it maps', () => {
		const names = FRAUD_RULES.map((r) => r.name);
		expect(new Set(names).size).toBe(names.length);
		expect(Object.keys(DEFAULT_RULE_SET.rules)).toEqual(names);
		expect(validateRuleSet(DEFAULT_RULE_SET)).toEqual([]);
		for (const rule of FRAUD_RULES) {
			expect([rule.name, DEFAULT_RULE_SET.rules[rule.name]]).toEqual([rule.name, rule.defaults]);
			if (rule.list) {
				expect(rule.properties).toEqual([]);
				continue;
			}
			const shown = rule.properties.map((p: INodeProperties) => p.name).sort();
			const mapped = [...(rule.scored ? ['enabled', 'points', 'block'] : ['enabled']), ...Object.keys(rule.fields)].sort();
			expect([rule.name, shown]).toEqual([rule.name, mapped]);
			if (rule.scored) expect([rule.name, rule.properties.find((p) => p.name === 'points')?.default]).toEqual([rule.name, (rule.defaults as { points: number }).points]);
			// a validation path names the rule's group by its label
			expect(ruleParameterPath(`$.rules.${rule.name}.enabled`)).toBe(`Rules › ${rule.label} › Enabled`);
		}
	});

	it('checks the rules in the same order as before: order rules in registry order, then velocity and first order', async () => {
		const rs = resolveRuleSet({
			thresholds: { review: 1000, reject: 2000 },
			rules: {
				shipCountryHighRisk: { countries: ['US'] },
				shipCountryNotAllowed: { allowed: ['CA'] },
				externalScreener: { blockOn: [] },
				velocity: [{ enabled: true, points: 10, key: 'email', windowHours: 24, maxOrders: 1, maxAmount: {} }],
			},
		});
		const earlier = order({ customer: { email: 'x@mailinator.com' }, placedAt: '2026-05-01T13:00:00.000Z' });
		const o = order({
			customer: { email: 'x@mailinator.com', name: 'Ann Buyer' },
			totals: { subtotal: 1500, total: 1500 },
			lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 11, unitPrice: 100, lineTotal: 1100 }],
			shipTo: { name: 'Bob Other', company: 'MyUS Forwarding', line1: '1 Main St', line2: null, city: 'Miami', region: 'FL', postalCode: '33101', country: 'US', phone: null },
			billTo: { name: 'Ann Buyer', company: null, line1: '2 Oak Ave', line2: null, city: 'Ottawa', region: 'ON', postalCode: 'K1A 0B1', country: 'CA', phone: null },
			shipping: { level: 'next_day', label: 'Next day' },
			risk: { channelRecommendation: 'INVESTIGATE', channelRiskLevel: 'MEDIUM', external: [{ provider: 'stripe', level: 'elevated' }, { provider: 'signifyd', decision: 'HOLD' }] },
		});
		const r = await screenOrder(o, rs, { velocity: memoryVelocity([earlier]), now: NOW });
		expect(r.reasons.map((x) => x.rule)).toEqual([
			'orderTotalAbove',
			'skuQuantityAbove',
			'shipCountryHighRisk',
			'shipCountryNotAllowed',
			'billingShippingMismatch',
			'shipToNameMismatch',
			'disposableOrMalformedEmail',
			'freightForwarderOrPoBox',
			'channelRisk',
			'externalScreener.stripe',
			'externalScreener.signifyd',
			'velocity.email.24h',
		]);
		// first order with expedited shipping: only when the e-mail has no earlier order, after velocity
		const first = await screenOrder({ ...o, customer: { ...o.customer, email: 'new@mailinator.com' } }, rs, { velocity: memoryVelocity([earlier]), now: NOW });
		expect(first.reasons.map((x) => x.rule).slice(-1)).toEqual(['firstOrderExpedited']);
	});
});
