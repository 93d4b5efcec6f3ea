/**
 * The routing rules as the Inventory Allocator's Reserve shows them on the canvas (a sortable list, one entry per
 * rule, in order) to lib/routing's rules. Pure: the node passes the parameter's value.
 */
import { checkRules, RoutingRulesError, type RoutingRule, type ZoneRate } from './rules';

/** The parameter's value: { rule: [{ rule, onlyInCountry?, rates? }, ...] } (n8n's fixedCollection). */
export interface RoutingRuleParameters {
	rule?: Array<{ rule?: string; onlyInCountry?: boolean; rates?: unknown }>;
}

/** The rules in the order shown, checked; none listed: undefined (the default rules). RoutingRulesError names each problem. */
export function routingRulesFromParameters(p: RoutingRuleParameters | undefined): RoutingRule[] | undefined {
	const entries = p?.rule ?? [];
	if (!entries.length) return undefined;
	const problems: string[] = [];
	const rules = entries.map((e, i): RoutingRule => {
		if (e.rule === 'sameCountry') return { rule: 'sameCountry', only: e.onlyInCountry === true };
		if (e.rule !== 'cost') return { rule: e.rule } as RoutingRule;
		let rates: unknown = e.rates;
		if (typeof rates === 'string') {
			try {
				rates = rates.trim() ? JSON.parse(rates) : [];
			} catch {
				problems.push(`rule ${i + 1} (cost): the rate table is not valid JSON: give a list like [{ "from": "west", "country": "US", "postcodePrefix": "9", "cost": 7.5 }]`);
				rates = [];
			}
		}
		if (!Array.isArray(rates)) {
			problems.push(`rule ${i + 1} (cost): the rate table must be a list of rates, got ${JSON.stringify(rates)}`);
			rates = [];
		}
		return { rule: 'cost', rates: rates as ZoneRate[] };
	});
	if (problems.length) throw new RoutingRulesError(problems);
	return checkRules(rules);
}
