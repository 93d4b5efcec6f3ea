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

const version = (params: FraudRuleParameters) => ruleSetVersion(resolveRuleSet(ruleSetFromParameters(params)));

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
		type P = Record<string, unknown> & { options?: Array<Record<string, unknown>> };
		const signature = (p: P): unknown => {
			const out: Record<string, unknown> = { name: p.name, type: p.type, default: p.default };
			if (p.type === 'options' || p.type === 'multiOptions') out.options = (p.options ?? []).map((o) => o.value);
			if (p.type === 'collection') out.options = (p.options ?? []).map((o) => signature(o as P));
			if (p.type === 'fixedCollection') out.options = (p.options ?? []).map((o) => ({ name: o.name, values: (o.values as P[]).map(signature) }));
			return out;
		};
		const before = JSON.parse(readFileSync(join(__dirname, '../../fixtures/fraudGate-rule-parameters.json'), 'utf8'));
		expect((RULE_SET_PARAMETERS as unknown as P[]).map(signature)).toEqual(before);
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
