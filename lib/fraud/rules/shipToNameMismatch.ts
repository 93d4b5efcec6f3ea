/** A ship-to name unlike the customer's (and the billing) name. A weak signal. */
import { nameSimilarity, nameTokens } from '../match';
import { baseProperties, defineRule, fired, type RuleBase } from '../rule-kit';

export interface ShipToNameMismatchRule extends RuleBase {
	/** 0..1: fires when the similarity of the ship-to name and the customer's name is below this */
	minSimilarity: number;
}

const DEFAULTS: ShipToNameMismatchRule = { enabled: true, points: 15, minSimilarity: 0.5 };

export const shipToNameMismatch = defineRule({
	name: 'shipToNameMismatch',
	label: 'Ship-To Name Unlike Customer',
	stage: 'order',
	scored: true,
	defaults: DEFAULTS,
	fields: { minSimilarity: 'number' },
	properties: [
		...baseProperties(DEFAULTS, 'ship-to name unlike the customer’s name'),
		{
			displayName: 'Minimum Similarity',
			name: 'minSimilarity',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: DEFAULTS.minSimilarity,
			description: 'Fires when the names are less similar than this (0 = nothing alike, 1 = the same)',
		},
	],
	validate(rule, path, problems) {
		if (typeof rule.minSimilarity !== 'number' || !(rule.minSimilarity >= 0 && rule.minSimilarity <= 1))
			problems.push({ path: `${path}.minSimilarity`, message: 'minSimilarity must be between 0 and 1' });
	},
	evaluate(order, rule) {
		const ship = order.shipTo ?? null;
		if (!ship?.name) return null;
		const others = [order.customer?.name, order.billTo?.name].filter((n): n is string => typeof n === 'string' && nameTokens(n).length > 0);
		if (others.length === 0 || nameTokens(ship.name).length === 0) return null;
		let best = 0;
		for (const o of others) best = Math.max(best, nameSimilarity(ship.name, o));
		if (best < rule.minSimilarity)
			return fired('shipToNameMismatch', rule, `Ship-to name "${ship.name}" is unlike the customer's name "${others[0]}" (similarity ${best}, minimum ${rule.minSimilarity})`);
		return null;
	},
});
