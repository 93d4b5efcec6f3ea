/** Ship-to country on the seller's high-risk list (empty by default: which countries are a risk depends on the seller). */
import { baseProperties, checkCountries, defineRule, fired, type RuleBase } from '../rule-kit';

export interface ShipCountryHighRiskRule extends RuleBase {
	/** ISO 3166-1 alpha-2 codes */
	countries: string[];
}

const DEFAULTS: ShipCountryHighRiskRule = { enabled: true, points: 30, countries: [] };

export const shipCountryHighRisk = defineRule({
	name: 'shipCountryHighRisk',
	label: 'Ship Country High Risk',
	stage: 'order',
	scored: true,
	defaults: DEFAULTS,
	fields: { countries: 'countries' },
	properties: [
		...baseProperties(DEFAULTS, 'ship-to country on a high-risk list'),
		{ displayName: 'Countries', name: 'countries', type: 'string', default: '', placeholder: 'NG, RU', description: 'ISO 3166-1 alpha-2 codes' },
	],
	validate(rule, path, problems) {
		checkCountries(problems, `${path}.countries`, rule.countries);
	},
	evaluate(order, rule) {
		const country = order.shipTo?.country || null;
		if (country && (rule.countries ?? []).includes(country)) return fired('shipCountryHighRisk', rule, `Ship-to country ${country} is on the high-risk list`);
		return null;
	},
});
