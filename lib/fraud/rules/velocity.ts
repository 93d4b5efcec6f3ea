/**
 * Velocity: more orders (or more money) from one e-mail, ship-to address, phone or client IP within a window,
 * counted from the OMS store across all channels. A list of rules with its own node parameter (Velocity Rules):
 * added rules replace all the defaults.
 */
import type { VelocityKey } from '../../store/types';
import { sumMoney } from '../../order/money';
import { above, money } from '../match';
import { AMOUNTS_HINT, checkAmounts, defineRule, isPlainObject, num, textMap, type AmountByCurrency, type Hit, type RuleBase } from '../rule-kit';

export const VELOCITY_KEYS = ['email', 'shipAddress', 'phone', 'clientIp'] as const;
export type VelocityRuleKey = (typeof VELOCITY_KEYS)[number];

export interface VelocityRule extends RuleBase {
	key: VelocityRuleKey;
	windowHours: number;
	/** Fires when the orders in the window (this one included) are more than this; null = not checked */
	maxOrders: number | null;
	/** Fires when the amount ordered in the window (this one included) is above this, per currency */
	maxAmount: AmountByCurrency;
}

const DEFAULTS: VelocityRule[] = [
	{ enabled: true, points: 50, key: 'email', windowHours: 24, maxOrders: 3, maxAmount: { USD: 3000, CAD: 4000, EUR: 2750, GBP: 2400 } },
	{ enabled: true, points: 50, key: 'shipAddress', windowHours: 24, maxOrders: 3, maxAmount: {} },
	{ enabled: true, points: 25, key: 'phone', windowHours: 24, maxOrders: 3, maxAmount: {} },
	{ enabled: true, points: 50, key: 'clientIp', windowHours: 1, maxOrders: 3, maxAmount: {} },
];

const KEY_WORDS: Record<VelocityKey, string> = {
	email: 'this e-mail address',
	shipAddress: 'this shipping address',
	phone: 'this phone number',
	clientIp: 'this IP address',
};

const KEY_LABELS: Record<VelocityRuleKey, string> = { email: 'Email', shipAddress: 'Ship-To Address', phone: 'Phone', clientIp: 'Client IP' };

function windowWords(hours: number): string {
	return hours === 1 ? 'the last hour' : `the last ${hours} hours`;
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
	if (value !== undefined) target[key] = value;
}

/** The reason name of one velocity rule: velocity.<key>.<window>h */
export function velocityRuleName(v: VelocityRule): string {
	return `velocity.${v.key}.${v.windowHours}h`;
}

export const velocity = defineRule({
	name: 'velocity',
	label: 'Velocity Rules',
	stage: 'history',
	scored: true,
	defaults: DEFAULTS,
	fields: {},
	properties: [],
	list: {
		noun: 'velocity rules',
		property: {
			displayName: 'Velocity Rules',
			name: 'velocityRules',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Velocity Rule',
			default: {},
			description:
				'Orders counted from the OMS store across all channels. None added: the defaults (more than 3 orders in 24 h from one e-mail, ship-to address or phone; more than 3 in 1 h from one IP; e-mail over USD 3,000 in 24 h). Added rules replace all the defaults.',
			options: [
				{
					displayName: 'Rule',
					name: 'rule',
					values: [
						{ displayName: 'Block (Reject Outright)', name: 'block', type: 'boolean', default: false, description: 'Whether the rule rejects the order outright when it fires' },
						{
							displayName: 'Count By',
							name: 'key',
							type: 'options',
							options: VELOCITY_KEYS.map((k) => ({ name: KEY_LABELS[k], value: k })),
							default: 'email',
						},
						{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether the rule is checked' },
						{ displayName: 'Max Amount', name: 'maxAmount', type: 'string', default: '', placeholder: 'USD 3000', description: `Fires when the amount ordered in the window is above this. ${AMOUNTS_HINT}.` },
						{ displayName: 'Max Orders', name: 'maxOrders', type: 'number', typeOptions: { minValue: 0 }, default: 3, description: 'Fires when the orders in the window (this one included) are more than this; 0 = not checked' },
						{ displayName: 'Points', name: 'points', type: 'number', typeOptions: { minValue: 0 }, default: 50 },
						{ displayName: 'Window (Hours)', name: 'windowHours', type: 'number', typeOptions: { minValue: 0 }, default: 24 },
					],
				},
			],
		},
		fromParameters(value) {
			const entries = isPlainObject(value) ? value.rule : undefined;
			if (!Array.isArray(entries) || entries.length === 0) return undefined;
			return entries.map((v: unknown) => {
				// an entry of the wrong shape (an expression's null) is passed on for validateRuleSet to name
				if (!isPlainObject(v)) return v;
				const rule: Record<string, unknown> = {};
				put(rule, 'enabled', v.enabled ?? true);
				put(rule, 'key', v.key);
				put(rule, 'windowHours', num(v.windowHours));
				const max = num(v.maxOrders);
				rule.maxOrders = max === undefined || max === 0 ? null : max;
				rule.maxAmount = textMap(v.maxAmount, 'upper') ?? {};
				put(rule, 'points', num(v.points));
				put(rule, 'block', v.block === false ? undefined : v.block);
				return rule;
			});
		},
	},
	validate(v, path, problems) {
		if (!(VELOCITY_KEYS as readonly unknown[]).includes(v.key))
			problems.push({ path: `${path}.key`, message: `key must be one of ${VELOCITY_KEYS.join(', ')} (got ${JSON.stringify(v.key)})` });
		if (typeof v.windowHours !== 'number' || !(v.windowHours > 0) || !Number.isFinite(v.windowHours))
			problems.push({ path: `${path}.windowHours`, message: `window must be a number of hours above 0 (got ${JSON.stringify(v.windowHours)})` });
		if (v.maxOrders !== null && v.maxOrders !== undefined && (typeof v.maxOrders !== 'number' || !Number.isInteger(v.maxOrders) || v.maxOrders < 1))
			problems.push({ path: `${path}.maxOrders`, message: `maxOrders must be a whole number of 1 or more, or empty (got ${JSON.stringify(v.maxOrders)})` });
		if (v.maxAmount !== undefined) checkAmounts(problems, `${path}.maxAmount`, v.maxAmount);
		const hasAmount = isPlainObject(v.maxAmount) && Object.keys(v.maxAmount).length > 0;
		if ((v.maxOrders === null || v.maxOrders === undefined) && !hasAmount) problems.push({ path, message: 'a velocity rule needs maxOrders, maxAmount, or both' });
	},
	async evaluate(order, rules, ctx) {
		const hits: Hit[] = [];
		const currency = order.currency;
		const total = typeof order.totals?.total === 'number' ? order.totals.total : 0;
		for (const v of rules ?? []) {
			if (!v?.enabled) continue;
			const value = ctx.keys[v.key];
			if (!value) continue;
			// epoch arithmetic, not luxon's minus(): a window is a fixed number of milliseconds, and this runs per rule per order
			const since = new Date(ctx.now.toMillis() - Math.round(v.windowHours * 3600_000)).toISOString();
			const res = await ctx.lookup({ key: v.key, value, since, until: ctx.until, excludeOmsId: order.omsId });
			const count = (res?.count ?? 0) + 1;
			const amounts: Record<string, number> = {};
			for (const [cur, amt] of Object.entries(res?.totals ?? {})) amounts[cur] = amt;
			try {
				amounts[currency] = sumMoney([amounts[currency] ?? 0, total], currency);
			} catch {
				/* unreadable currency: leave amounts as the store gave them */
			}
			const parts: string[] = [];
			if (typeof v.maxOrders === 'number' && count > v.maxOrders) parts.push(`${plural(count, 'order')} from ${KEY_WORDS[v.key]} in ${windowWords(v.windowHours)} (limit ${v.maxOrders})`);
			for (const cur of Object.keys(v.maxAmount ?? {}).sort()) {
				const max = v.maxAmount[cur];
				const amt = amounts[cur];
				if (typeof amt === 'number' && typeof max === 'number' && above(amt, max, cur))
					parts.push(`${money(amt, cur)} ordered from ${KEY_WORDS[v.key]} in ${windowWords(v.windowHours)} (limit ${money(max, cur)})`);
			}
			if (parts.length === 0) continue;
			let across = '';
			if (Array.isArray(res?.channels)) {
				const channels = [...new Set([...res.channels, order.channel])].sort();
				across = `, across ${channels.join(', ')}`;
			}
			hits.push({ rule: velocityRuleName(v), points: v.points, detail: `${parts.join('; ')}${across}`, block: v.block === true });
		}
		return hits;
	},
});
