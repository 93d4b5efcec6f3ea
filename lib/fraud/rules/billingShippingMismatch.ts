/** Billing and ship-to country (or, with compare "address", street address) differ. A medium signal. */
import { addressKey } from '../../order/address';
import { baseProperties, defineRule, fired, type RuleBase } from '../rule-kit';

export interface BillingShippingMismatchRule extends RuleBase {
	/** country: billing and ship-to countries differ. address: the street address (country, postal code, lines) differs. */
	compare: 'country' | 'address';
}

const DEFAULTS: BillingShippingMismatchRule = { enabled: true, points: 25, compare: 'country' };

export const billingShippingMismatch = defineRule({
	name: 'billingShippingMismatch',
	label: 'Billing and Shipping Differ',
	stage: 'order',
	scored: true,
	defaults: DEFAULTS,
	fields: { compare: 'raw' },
	properties: [
		...baseProperties(DEFAULTS, 'billing and ship-to country or address differ'),
		{
			displayName: 'Compare',
			name: 'compare',
			type: 'options',
			options: [
				{ name: 'Country', value: 'country' },
				{ name: 'Address', value: 'address' },
			],
			default: DEFAULTS.compare,
		},
	],
	validate(rule, path, problems) {
		if (rule.compare !== 'country' && rule.compare !== 'address') problems.push({ path: `${path}.compare`, message: 'compare must be "country" or "address"' });
	},
	evaluate(order, rule) {
		const ship = order.shipTo ?? null;
		const bill = order.billTo ?? null;
		if (!ship || !bill) return null;
		if (bill.country && ship.country && bill.country !== ship.country)
			return fired('billingShippingMismatch', rule, `Billing country ${bill.country} differs from ship-to country ${ship.country}`);
		if (rule.compare === 'address' && (bill.line1 || bill.line2) && (ship.line1 || ship.line2) && addressKey(bill) !== addressKey(ship))
			return fired(
				'billingShippingMismatch',
				rule,
				`Billing address (${[bill.line1, bill.postalCode].filter(Boolean).join(', ')}) differs from the ship-to address (${[ship.line1, ship.postalCode].filter(Boolean).join(', ')})`,
			);
		return null;
	},
});
