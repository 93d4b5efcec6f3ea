import type { CanonicalOrder } from '../../../lib/order/types';
import { defaultRuleSet, type RuleSet, type VelocityLookup } from '../../../lib/fraud';

type Over = Partial<Omit<CanonicalOrder, 'customer' | 'totals' | 'risk'>> & {
	customer?: Partial<CanonicalOrder['customer']>;
	totals?: Partial<CanonicalOrder['totals']>;
	risk?: Partial<CanonicalOrder['risk']>;
};

let seq = 0;

/** A plain, unremarkable order that the default rule set passes with 0 points. */
export function order(over: Over = {}): CanonicalOrder {
	seq++;
	const channel = over.channel ?? 'shopify';
	const id = over.channelOrderId ?? `o${seq}`;
	const base: CanonicalOrder = {
		omsId: `${channel}:${id}`,
		channel,
		channelOrderId: id,
		orderNumber: `#${seq}`,
		placedAt: '2026-05-01T14:00:00.000Z',
		updatedAt: '2026-05-01T14:00:00.000Z',
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal: 50, shipping: 9, tax: 0, discount: 0, total: 59 },
		customer: { email: 'ann.buyer@example.com', name: 'Ann Buyer', phone: '+1 613 555 0100', channelCustomerId: null },
		shipTo: {
			name: 'Ann Buyer',
			company: null,
			line1: '1 Main St',
			line2: null,
			city: 'Ottawa',
			region: 'ON',
			postalCode: 'K1A 0B1',
			country: 'CA',
			phone: null,
		},
		billTo: null,
		shipping: { level: 'standard', label: 'Standard' },
		lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 25, lineTotal: 50 }],
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
	};
	const { customer, totals, risk, ...rest } = over;
	return {
		...base,
		...rest,
		omsId: over.omsId ?? `${channel}:${id}`,
		customer: { ...base.customer, ...customer },
		totals: { ...base.totals, ...totals },
		risk: { ...base.risk, ...risk },
	};
}

/** The default rule set with every rule switched off except the ones named (lists left empty). */
export function only(...names: Array<keyof RuleSet['rules']>): RuleSet {
	const rs = defaultRuleSet();
	for (const [name, rule] of Object.entries(rs.rules)) {
		if (name === 'velocity') for (const v of rule as RuleSet['rules']['velocity']) v.enabled = names.includes('velocity');
		else (rule as { enabled: boolean }).enabled = names.includes(name as keyof RuleSet['rules']);
	}
	return rs;
}

export const NOW = '2026-05-01T15:00:00.000Z';

/** A velocity lookup with no history */
export const noHistory: VelocityLookup = async () => ({ count: 0, totals: {} });
