/** Order total above an amount (per currency). A weak signal on its own. */
import { above, money } from '../match';
import { AMOUNTS_HINT, baseProperties, checkAmounts, defineRule, fired, mapText, type AmountByCurrency, type RuleBase } from '../rule-kit';

export interface OrderTotalAboveRule extends RuleBase {
	/** Fires when order.totals.total > amounts[order.currency] */
	amounts: AmountByCurrency;
}

const DEFAULTS: OrderTotalAboveRule = {
	enabled: true,
	points: 20,
	amounts: { USD: 1000, CAD: 1300, EUR: 900, GBP: 800, AUD: 1500, JPY: 150000, MXN: 18000 },
};

export const orderTotalAbove = defineRule({
	name: 'orderTotalAbove',
	label: 'Order Total Above',
	stage: 'order',
	scored: true,
	defaults: DEFAULTS,
	fields: { amounts: 'amounts' },
	properties: [
		...baseProperties(DEFAULTS, 'order total above an amount'),
		{ displayName: 'Amounts', name: 'amounts', type: 'string', default: mapText(DEFAULTS.amounts), description: `Fires when the order total is above this. ${AMOUNTS_HINT}.` },
	],
	validate(rule, path, problems) {
		checkAmounts(problems, `${path}.amounts`, rule.amounts);
	},
	evaluate(order, rule) {
		const currency = order.currency;
		const total = order.totals?.total;
		if (typeof total !== 'number') return null;
		const limit = rule.amounts?.[currency];
		if (typeof limit === 'number' && above(total, limit, currency))
			return fired('orderTotalAbove', rule, `Order total ${money(total, currency)} is above ${money(limit, currency)}`);
		return null;
	},
});
