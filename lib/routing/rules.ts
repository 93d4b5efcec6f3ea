/**
 * The routing rules an ops person orders (Shopify's order routing style; sources in the issue 23 notes):
 *
 * - `channels`: a filter, wherever it stands: a warehouse whose channel list is not empty serves only those channels.
 * - `sameCountry`: prefer warehouses in the ship-to country (`only`: never ship from another country).
 * - `fewestShipments`: prefer the plan with fewer shipments (ship complete from one warehouse when any can).
 * - `closest`: prefer the plan whose units travel the least (units-weighted distance, ./distance.ts).
 * - `priority`: prefer warehouses of higher priority (units-weighted).
 * - `cost`: prefer the plan whose shipments cost least by the zone/rate table (a shipment no rate matches costs
 *   more than any that one does).
 *
 * The ranking rules compare candidate plans in the order given; the first that tells two plans apart decides; a plan
 * tied on every rule loses to the one whose locations come first by name (deterministic). Rules not listed play no
 * part, except that fewer shipments still wins a tie of all of them before the names.
 */

export interface ZoneRate {
	/** The warehouse (its location); omitted or '*': any */
	from?: string;
	/** Ship-to country (ISO alpha-2); omitted or '*': any */
	country?: string;
	/** Ship-to postcode prefix (e.g. "9" or "941"); omitted: any */
	postcodePrefix?: string;
	/** What one shipment costs (any unit, the same in every row) */
	cost: number;
}

export type RoutingRule =
	| { rule: 'channels' }
	| { rule: 'sameCountry'; only?: boolean }
	| { rule: 'fewestShipments' }
	| { rule: 'closest' }
	| { rule: 'priority' }
	| { rule: 'cost'; rates: ZoneRate[] };

export type RuleName = RoutingRule['rule'];
export const RULE_NAMES: readonly RuleName[] = ['channels', 'sameCountry', 'fewestShipments', 'closest', 'priority', 'cost'];

/** Shopify's default order: channels as a filter, fewest shipments, stay in the country, closest, then priority. */
export const DEFAULT_RULES: readonly RoutingRule[] = Object.freeze([{ rule: 'channels' }, { rule: 'fewestShipments' }, { rule: 'sameCountry' }, { rule: 'closest' }, { rule: 'priority' }]);

/** Routing rules entered wrong: each problem names the rule (by position) and what was wrong. */
export class RoutingRulesError extends Error {
	constructor(readonly problems: string[]) {
		super(`Routing rules: ${problems.join('; ')}`);
		this.name = 'RoutingRulesError';
	}
}

/** The rules, checked (each rule once, known names, a rate table of numbers >= 0), or RoutingRulesError. */
export function checkRules(rules: readonly RoutingRule[]): RoutingRule[] {
	const problems: string[] = [];
	const seen = new Set<string>();
	if (!Array.isArray(rules)) throw new RoutingRulesError(['must be a list of rules']);
	rules.forEach((r, i) => {
		const at = `rule ${i + 1}`;
		const name = (r as { rule?: unknown })?.rule;
		if (typeof name !== 'string' || !RULE_NAMES.includes(name as RuleName)) {
			problems.push(`${at}: unknown rule ${JSON.stringify(name ?? null)} (one of ${RULE_NAMES.join(', ')})`);
			return;
		}
		if (seen.has(name)) problems.push(`${at}: ${name} is listed twice`);
		seen.add(name);
		if (r.rule === 'cost') {
			if (!Array.isArray(r.rates) || !r.rates.length) problems.push(`${at} (cost): the rate table is empty`);
			else
				r.rates.forEach((z: ZoneRate, j: number) => {
					if (typeof z?.cost !== 'number' || !Number.isFinite(z.cost) || z.cost < 0) problems.push(`${at} (cost), rate ${j + 1}: cost must be a number >= 0, got ${JSON.stringify(z?.cost ?? null)}`);
				});
		}
	});
	if (problems.length) throw new RoutingRulesError(problems);
	return [...rules];
}

const any = (v: string | undefined) => v === undefined || v === '' || v === '*';

/** The cost of one shipment from `location` to (country, postcode) by the table: the most specific matching row, or null. */
export function shipmentCost(rates: readonly ZoneRate[], location: string, country: string | null, postcode: string | null): number | null {
	let best: { score: number; cost: number } | null = null;
	const pc = (postcode ?? '').toUpperCase().replace(/[\s-]/g, '');
	for (const z of rates) {
		if (!any(z.from) && z.from !== location) continue;
		if (!any(z.country) && z.country!.toUpperCase() !== country) continue;
		const prefix = (z.postcodePrefix ?? '').toUpperCase().replace(/[\s-]/g, '');
		if (prefix && !pc.startsWith(prefix)) continue;
		// a row naming the warehouse beats any prefix length, a longer prefix beats a country, a country beats any
		const score = (any(z.from) ? 0 : 1000) + prefix.length * 10 + (any(z.country) ? 0 : 1);
		if (!best || score > best.score) best = { score, cost: z.cost };
	}
	return best ? best.cost : null;
}
