/** More units of one SKU than a limit (optionally only for watched SKUs). A weak signal on its own. */
import { baseProperties, checkList, defineRule, fired, LIST_HINT, type RuleBase } from '../rule-kit';

export interface SkuQuantityAboveRule extends RuleBase {
	/** Fires when the units of one SKU (summed over the order's lines) are more than this */
	limit: number;
	/** Only these SKUs (exact, case-insensitive); empty = every SKU */
	skus: string[];
}

const DEFAULTS: SkuQuantityAboveRule = { enabled: true, points: 20, limit: 10, skus: [] };

export const skuQuantityAbove = defineRule({
	name: 'skuQuantityAbove',
	label: 'SKU Quantity Above',
	stage: 'order',
	scored: true,
	defaults: DEFAULTS,
	fields: { limit: 'number', skus: 'list' },
	properties: [
		...baseProperties(DEFAULTS, 'more units of one SKU than a limit'),
		{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: DEFAULTS.limit, description: 'Fires when the units of one SKU in the order are more than this' },
		{ displayName: 'SKUs', name: 'skus', type: 'string', default: '', description: `Only these SKUs; empty = every SKU. ${LIST_HINT}.` },
	],
	validate(rule, path, problems) {
		if (typeof rule.limit !== 'number' || !Number.isInteger(rule.limit) || rule.limit < 1)
			problems.push({ path: `${path}.limit`, message: `limit must be a whole number of 1 or more (got ${JSON.stringify(rule.limit)})` });
		checkList(problems, `${path}.skus`, rule.skus);
	},
	evaluate(order, rule) {
		const only = new Set((rule.skus ?? []).map((s) => s.trim().toLowerCase()));
		const units = new Map<string, number>();
		for (const l of order.lines ?? []) {
			if (!l || typeof l.sku !== 'string' || typeof l.quantity !== 'number') continue;
			if (only.size > 0 && !only.has(l.sku.trim().toLowerCase())) continue;
			units.set(l.sku, (units.get(l.sku) ?? 0) + l.quantity);
		}
		const over = [...units.entries()].filter(([, q]) => q > rule.limit).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		if (over.length === 0) return null;
		return fired(
			'skuQuantityAbove',
			rule,
			`${over.map(([s, q]) => `${q} units of ${s}`).join(', ')} (limit ${rule.limit} of one SKU${only.size > 0 ? ' on the watched list' : ''})`,
		);
	},
});
