/** Ship-to country outside the countries the seller ships to (empty list: no restriction, the rule never fires). */
import { baseProperties, checkCountries, defineRule, fired, type RuleBase } from '../rule-kit';

export interface ShipCountryNotAllowedRule extends RuleBase {
	/** ISO 3166-1 alpha-2 codes the seller ships to; empty = no restriction (the rule never fires) */
	allowed: string[];
}

const DEFAULTS: ShipCountryNotAllowedRule = { enabled: true, points: 50, allowed: [] };

export const shipCountryNotAllowed = defineRule({
	name: 'shipCountryNotAllowed',
	label: 'Ship Country Not Allowed',
	stage: 'order',
	scored: true,
	defaults: DEFAULTS,
	fields: { allowed: 'countries' },
	properties: [
		...baseProperties(DEFAULTS, 'ship-to country outside the countries you ship to'),
		{ displayName: 'Allowed Countries', name: 'allowed', type: 'string', default: '', placeholder: 'US, CA', description: 'ISO 3166-1 alpha-2 codes you ship to; empty = no restriction' },
	],
	validate(rule, path, problems) {
		checkCountries(problems, `${path}.allowed`, rule.allowed);
	},
	evaluate(order, rule) {
		const country = order.shipTo?.country || null;
		if (country && (rule.allowed ?? []).length > 0 && !rule.allowed.includes(country))
			return fired('shipCountryNotAllowed', rule, `Ship-to country ${country} is outside the countries shipped to (${rule.allowed.join(', ')})`);
		return null;
	},
});
