/** The fraudGate node's parameters to a rule set (lib/fraud/parameters.ts), against the node's own description. */
import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';
import { DEFAULT_RULE_SET, resolveRuleSet, ruleSetVersion, validateRuleSet } from '../../lib/fraud';
import { ruleParameterPath, ruleSetFromParameters, textList, textMap } from '../../lib/fraud/parameters';
import { FraudGate } from '../../nodes/FraudGate/FraudGate.node';

const props = new FraudGate().description.properties;
const prop = (name: string) => props.find((p) => p.name === name) as INodeProperties;

/** Every rule group of the Rules parameter, filled with its displayed defaults (what the editor adds) */
function allGroupsWithDefaults(): Record<string, Record<string, unknown>> {
	const out: Record<string, Record<string, unknown>> = {};
	for (const group of prop('rules').options as INodePropertyCollection[]) {
		out[group.name] = Object.fromEntries(group.values.map((v) => [v.name, v.default]));
	}
	return out;
}

describe('fraudGate parameters -> rule set', () => {
	it('with nothing changed gives the default rule set (same version)', () => {
		const none = ruleSetFromParameters({ reviewThreshold: 50, rejectThreshold: 100, allowList: {}, denyList: {}, rules: {}, velocityRules: {} });
		expect(ruleSetVersion(resolveRuleSet(none))).toBe(ruleSetVersion(DEFAULT_RULE_SET));
	});

	it('every rule group added and left at its displayed defaults changes nothing', () => {
		const rules = allGroupsWithDefaults();
		expect(Object.keys(rules).sort()).toEqual(Object.keys(DEFAULT_RULE_SET.rules).filter((k) => k !== 'velocity').sort());
		const rs = resolveRuleSet(ruleSetFromParameters({ rules }));
		expect(validateRuleSet(rs)).toEqual([]);
		expect(rs).toEqual(JSON.parse(JSON.stringify(DEFAULT_RULE_SET)));
		expect(ruleSetVersion(rs)).toBe(ruleSetVersion(DEFAULT_RULE_SET));
	});

	it('maps lists, maps, switches, weights and velocity rules', () => {
		const partial = ruleSetFromParameters({
			reviewThreshold: '40',
			allowList: { emails: 'a@x.com, b@x.com\nc@x.com', phones: '' },
			denyList: { addresses: '1 Main St, Springfield; 2 Oak Ave', countries: 'kp, ir' },
			rules: {
				orderTotalAbove: { enabled: true, points: 35, block: false, amounts: 'usd 500; EUR=450, GBP: 1_000' },
				shipCountryHighRisk: { enabled: false, countries: 'ng' },
				channelRisk: { enabled: true, recommendation: 'cancel 80', riskLevel: '', blockOnCancel: true },
				externalScreener: { enabled: true, stripeScoreAtLeast: 0, nofraud: 'FAIL 90' },
			},
			velocityRules: { rule: [{ enabled: true, key: 'clientIp', windowHours: 2, maxOrders: 0, maxAmount: 'USD 2000', points: 40, block: true }] },
		});
		expect(partial).toEqual({
			thresholds: { review: 40 },
			allowList: { emails: ['a@x.com', 'b@x.com', 'c@x.com'], phones: [] },
			denyList: { addresses: ['1 Main St, Springfield', '2 Oak Ave'], countries: ['KP', 'IR'] },
			rules: {
				orderTotalAbove: { enabled: true, points: 35, amounts: { USD: 500, EUR: 450, GBP: 1000 } },
				shipCountryHighRisk: { enabled: false, countries: ['NG'] },
				channelRisk: { enabled: true, recommendation: { CANCEL: 80 }, riskLevel: {}, blockOnCancel: true },
				externalScreener: { enabled: true, stripeScoreAtLeast: null, nofraud: { fail: 90 } },
				velocity: [{ enabled: true, key: 'clientIp', windowHours: 2, maxOrders: null, maxAmount: { USD: 2000 }, points: 40, block: true }],
			},
		});
		const rs = resolveRuleSet(partial);
		expect(validateRuleSet(rs)).toEqual([]);
		// maps merge with the defaults: CAD stays
		expect(rs.rules.orderTotalAbove.amounts).toMatchObject({ USD: 500, CAD: 1300 });
	});

	it('lays Rule Set JSON over the parameters, and names unreadable JSON', () => {
		const partial = ruleSetFromParameters({ reviewThreshold: 50, ruleSetJson: '{"thresholds":{"reject":90},"denyList":{"emails":["x@y.com"]}}' });
		expect(partial).toEqual({ thresholds: { review: 50, reject: 90 }, denyList: { emails: ['x@y.com'] } });
		expect(() => ruleSetFromParameters({ ruleSetJson: '[1]' })).toThrow(/must be a JSON object/);
		expect(() => ruleSetFromParameters({ ruleSetJson: '{' })).toThrow(/Rule Set JSON is not valid JSON/);
	});

	it('passes unreadable entries on, so validation names them, and names the parameter of a path', () => {
		expect(textMap('USD, 100, EUR abc', 'upper')).toEqual({ USD: null, '100': null, EUR: 'abc' });
		expect(textList(' a ,, b ;\n c ')).toEqual(['a', 'b', 'c']);
		const rs = resolveRuleSet(ruleSetFromParameters({ rules: { orderTotalAbove: { amounts: 'USD abc' } } }));
		expect(validateRuleSet(rs).map((p) => [ruleParameterPath(p.path), p.path])).toEqual([
			['Rules › Order Total Above › Amounts', '$.rules.orderTotalAbove.amounts.USD'],
		]);
		expect(ruleParameterPath('$.thresholds.review')).toBe('Review Threshold');
		expect(ruleParameterPath('$.denyList.ips[2]')).toBe('Deny List › IP Addresses');
		expect(ruleParameterPath('$.allowList.customerIds[0]')).toBe('Allow List › Customer IDs');
		expect(ruleParameterPath('$.rules.velocity[0].maxAmount.XX')).toBe('Velocity Rules › rule 1 › Max Amount');
		expect(ruleParameterPath('$.rules.velocity[1]')).toBe('Velocity Rules › rule 2');
		expect(ruleParameterPath('$.rules.externalScreener.blockOn[0]')).toBe('Rules › External Screener › Block on Verdicts');
	});
});

describe('parameters an expression filled with the wrong shape (found by the parameters.fraud property)', () => {
	it('a velocity rule that is null is named by validation, not a TypeError', () => {
		const partial = ruleSetFromParameters({ velocityRules: { rule: [null as never, { key: 'email', windowHours: 24, maxOrders: 3, points: 20 }] } });
		const problems = validateRuleSet(resolveRuleSet(partial));
		expect(problems.map((p) => p.path)).toContain('$.rules.velocity[0]');
		expect(ruleParameterPath('$.rules.velocity[0]')).toBe('Velocity Rules › rule 1');
	});
});
