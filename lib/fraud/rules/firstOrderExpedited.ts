/** A customer's first order, with expedited shipping, above an amount. A medium signal. */
import { SHIPPING_LEVELS, type ShippingLevel } from '../../order/types';
import { above, money } from '../match';
import { AMOUNTS_HINT, baseProperties, checkAmounts, checkList, defineRule, fired, mapText, type AmountByCurrency, type RuleBase } from '../rule-kit';

export interface FirstOrderExpeditedRule extends RuleBase {
	/** Shipping levels that count as expedited */
	levels: ShippingLevel[];
	/** Fires when the total is above this (per currency); an order in a currency not listed is not checked */
	minTotal: AmountByCurrency;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

const DEFAULTS: FirstOrderExpeditedRule = {
	enabled: true,
	points: 30,
	levels: ['expedited', 'priority', 'next_day', 'same_day'],
	minTotal: { USD: 300, CAD: 400, EUR: 275, GBP: 240, AUD: 450, JPY: 45000 },
};

export const firstOrderExpedited = defineRule({
	name: 'firstOrderExpedited',
	label: 'First Order With Expedited Shipping',
	stage: 'history',
	scored: true,
	defaults: DEFAULTS,
	fields: { levels: 'levels', minTotal: 'amounts' },
	properties: [
		...baseProperties(DEFAULTS, 'first order of a customer with expedited shipping above an amount'),
		{
			displayName: 'Shipping Levels',
			name: 'levels',
			type: 'multiOptions',
			options: SHIPPING_LEVELS.map((l) => ({ name: l.replace(/_/g, ' '), value: l })),
			default: [...DEFAULTS.levels],
		},
		{ displayName: 'Minimum Total', name: 'minTotal', type: 'string', default: mapText(DEFAULTS.minTotal), description: `Fires above this total. ${AMOUNTS_HINT}.` },
	],
	validate(rule, path, problems) {
		checkList(problems, `${path}.levels`, rule.levels, (s, p) => {
			if (!(SHIPPING_LEVELS as readonly string[]).includes(s)) problems.push({ path: p, message: `"${s}" is not a shipping level (${SHIPPING_LEVELS.join(', ')})` });
		});
		checkAmounts(problems, `${path}.minTotal`, rule.minTotal);
	},
	async evaluate(order, rule, ctx) {
		const currency = order.currency;
		const total = typeof order.totals?.total === 'number' ? order.totals.total : 0;
		if (!ctx.keys.email || !(rule.levels ?? []).includes(order.shipping?.level)) return null;
		const min = rule.minTotal?.[currency];
		if (typeof min !== 'number' || !above(total, min, currency)) return null;
		const res = await ctx.lookup({ key: 'email', value: ctx.keys.email, since: EPOCH, until: ctx.until, excludeOmsId: order.omsId });
		if ((res?.count ?? 0) !== 0) return null;
		return fired(
			'firstOrderExpedited',
			rule,
			`First order from this e-mail address, with ${order.shipping.level.replace(/_/g, '-')} shipping and a total of ${money(total, currency)} (above ${money(min, currency)})`,
		);
	},
});
