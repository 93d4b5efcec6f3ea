/**
 * The channel's own risk signal (Shopify's recommendation and risk level), scored per word; a CANCEL
 * recommendation may reject outright (blockOnCancel).
 */
import { channelLabel } from '../../channels/registry';
import { checkBoolean, checkPointsMap, defineRule, mapText } from '../rule-kit';

export interface ChannelRiskRule {
	enabled: boolean;
	/** Points per channel recommendation (Shopify: CANCEL, INVESTIGATE); upper case keys */
	recommendation: Record<string, number>;
	/** Points per channel risk level (Shopify: HIGH, MEDIUM); upper case keys */
	riskLevel: Record<string, number>;
	/** A CANCEL recommendation rejects outright */
	blockOnCancel: boolean;
}

const DEFAULTS: ChannelRiskRule = {
	enabled: true,
	recommendation: { CANCEL: 60, INVESTIGATE: 30 },
	riskLevel: { HIGH: 50, MEDIUM: 20 },
	blockOnCancel: false,
};

export const channelRisk = defineRule({
	name: 'channelRisk',
	label: 'Channel Risk Signal',
	stage: 'order',
	scored: false,
	defaults: DEFAULTS,
	fields: { recommendation: 'pointsUpper', riskLevel: 'pointsUpper', blockOnCancel: 'raw' },
	properties: [
		{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether the channel’s own risk signal (Shopify) is scored' },
		{ displayName: 'Recommendation Points', name: 'recommendation', type: 'string', default: mapText(DEFAULTS.recommendation), description: 'Points per channel recommendation, e.g. "CANCEL 60, INVESTIGATE 30"' },
		{ displayName: 'Risk Level Points', name: 'riskLevel', type: 'string', default: mapText(DEFAULTS.riskLevel), description: 'Points per channel risk level, e.g. "HIGH 50, MEDIUM 20"' },
		{ displayName: 'Block on CANCEL', name: 'blockOnCancel', type: 'boolean', default: DEFAULTS.blockOnCancel, description: 'Whether a CANCEL recommendation rejects outright' },
	],
	validate(rule, path, problems) {
		checkPointsMap(problems, `${path}.recommendation`, rule.recommendation);
		checkPointsMap(problems, `${path}.riskLevel`, rule.riskLevel);
		checkBoolean(problems, `${path}.blockOnCancel`, rule.blockOnCancel);
	},
	evaluate(order, rule) {
		const rec = (order.risk?.channelRecommendation ?? '').trim().toUpperCase();
		const lvl = (order.risk?.channelRiskLevel ?? '').trim().toUpperCase();
		const recPoints = rec ? (rule.recommendation?.[rec] ?? 0) : 0;
		const lvlPoints = lvl ? (rule.riskLevel?.[lvl] ?? 0) : 0;
		const block = rule.blockOnCancel === true && rec === 'CANCEL';
		if (!(recPoints > 0 || lvlPoints > 0 || block)) return null;
		const parts: string[] = [];
		if (rec) parts.push(`recommends ${rec}`);
		if (lvl) parts.push(`rates the risk ${lvl}`);
		const negative = (order.risk?.facts ?? [])
			.filter((f) => f && typeof f.description === 'string' && (f.sentiment ?? '').toUpperCase() === 'NEGATIVE')
			.map((f) => f.description);
		const facts = negative.length > 0 ? `; negative facts: ${negative.join('; ')}` : '';
		return { rule: 'channelRisk', points: Math.max(recPoints, lvlPoints), detail: `${channelLabel(order.channel)} ${parts.join(' and ')}${facts}`, block };
	},
});
