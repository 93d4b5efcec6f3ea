import { DEFAULT_RULES, routingRulesFromParameters, RoutingRulesError } from '../../../lib/routing';

describe('routingRulesFromParameters (the Reserve canvas list)', () => {
	it('none listed: the default rules (undefined)', () => {
		expect(routingRulesFromParameters(undefined)).toBeUndefined();
		expect(routingRulesFromParameters({ rule: [] })).toBeUndefined();
		expect(DEFAULT_RULES.map((r) => r.rule)).toEqual(['channels', 'fewestShipments', 'sameCountry', 'closest', 'priority']);
	});

	it('the order shown is the order applied; Same Country carries Only, Cost its rate table (JSON text or a list)', () => {
		expect(
			routingRulesFromParameters({
				rule: [{ rule: 'closest' }, { rule: 'sameCountry', onlyInCountry: true }, { rule: 'cost', rates: '[{ "from": "west", "cost": 7.5 }]' }, { rule: 'priority' }],
			}),
		).toEqual([{ rule: 'closest' }, { rule: 'sameCountry', only: true }, { rule: 'cost', rates: [{ from: 'west', cost: 7.5 }] }, { rule: 'priority' }]);
		expect(routingRulesFromParameters({ rule: [{ rule: 'cost', rates: [{ cost: 1 }] }] })).toEqual([{ rule: 'cost', rates: [{ cost: 1 }] }]);
	});

	it.each([
		[{ rule: [{ rule: 'cost', rates: '[{ cost: 1 }' }] }, 'rule 1 (cost): the rate table is not valid JSON'],
		[{ rule: [{ rule: 'cost', rates: '{"cost": 1}' }] }, 'rule 1 (cost): the rate table must be a list of rates, got {"cost":1}'],
		[{ rule: [{ rule: 'closest' }, { rule: 'closest' }] }, 'rule 2: closest is listed twice'],
		[{ rule: [{ rule: 'cost', rates: '' }] }, 'rule 1 (cost): the rate table is empty'],
	])('wrong entries are named: %#', (p, message) => {
		expect(() => routingRulesFromParameters(p)).toThrow(RoutingRulesError);
		expect(() => routingRulesFromParameters(p)).toThrow(message);
	});
});
