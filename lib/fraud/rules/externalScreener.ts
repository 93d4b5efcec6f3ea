/**
 * Verdicts of an external screener passed on the order (Stripe Radar risk level and score, Signifyd and NoFraud
 * decisions), scored per verdict; verdicts listed in blockOn reject outright.
 */
import { checkList, checkPoints, checkPointsMap, defineRule, listText, mapText, type Hit } from '../rule-kit';

export interface ExternalScreenerRule {
	enabled: boolean;
	/** Stripe Radar: points per risk_level (highest, elevated); lower case keys */
	stripeLevel: Record<string, number>;
	/** Stripe Radar: risk_score at least this (0-100) gives scorePoints; null = not checked */
	stripeScoreAtLeast: number | null;
	stripeScorePoints: number;
	/** Signifyd: points per decision (ACCEPT, REJECT, HOLD); upper case keys */
	signifyd: Record<string, number>;
	/** NoFraud: points per decision (pass, review, fail); lower case keys */
	nofraud: Record<string, number>;
	/** Verdicts that reject outright, as "provider:verdict": stripe:highest, signifyd:REJECT, nofraud:fail */
	blockOn: string[];
}

const DEFAULTS: ExternalScreenerRule = {
	enabled: true,
	stripeLevel: { highest: 75, elevated: 40 },
	stripeScoreAtLeast: null,
	stripeScorePoints: 50,
	signifyd: { REJECT: 100, HOLD: 50 },
	nofraud: { fail: 100, review: 50 },
	blockOn: ['signifyd:REJECT', 'nofraud:fail'],
};

const BLOCK_VERDICT = /^(stripe|signifyd|nofraud):[A-Za-z_]+$/;

export const externalScreener = defineRule({
	name: 'externalScreener',
	label: 'External Screener',
	stage: 'order',
	scored: false,
	defaults: DEFAULTS,
	fields: {
		stripeLevel: 'pointsLower',
		stripeScoreAtLeast: 'nullableNumber',
		stripeScorePoints: 'number',
		signifyd: 'pointsUpper',
		nofraud: 'pointsLower',
		blockOn: 'list',
	},
	properties: [
		{ displayName: 'Block on Verdicts', name: 'blockOn', type: 'string', default: listText(DEFAULTS.blockOn), description: 'Verdicts that reject outright, as provider:verdict (stripe:highest, signifyd:REJECT, nofraud:fail)' },
		{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether verdicts of Stripe Radar, Signifyd or NoFraud passed on the order are scored' },
		{ displayName: 'NoFraud Decision Points', name: 'nofraud', type: 'string', default: mapText(DEFAULTS.nofraud) },
		{ displayName: 'Signifyd Decision Points', name: 'signifyd', type: 'string', default: mapText(DEFAULTS.signifyd) },
		{ displayName: 'Stripe Risk Level Points', name: 'stripeLevel', type: 'string', default: mapText(DEFAULTS.stripeLevel), description: 'Points per Stripe Radar risk_level' },
		{ displayName: 'Stripe Risk Score At Least', name: 'stripeScoreAtLeast', type: 'number', typeOptions: { minValue: 0, maxValue: 100 }, default: 0, description: 'Score Stripe risk_score at or above this (0 = not checked)' },
		{ displayName: 'Stripe Risk Score Points', name: 'stripeScorePoints', type: 'number', typeOptions: { minValue: 0 }, default: DEFAULTS.stripeScorePoints },
	],
	validate(rule, path, problems) {
		checkPointsMap(problems, `${path}.stripeLevel`, rule.stripeLevel);
		checkPointsMap(problems, `${path}.signifyd`, rule.signifyd);
		checkPointsMap(problems, `${path}.nofraud`, rule.nofraud);
		if (rule.stripeScoreAtLeast !== null && rule.stripeScoreAtLeast !== undefined) {
			const s = rule.stripeScoreAtLeast;
			if (typeof s !== 'number' || !(s >= 0 && s <= 100))
				problems.push({ path: `${path}.stripeScoreAtLeast`, message: 'Stripe risk score threshold must be between 0 and 100, or empty' });
		}
		checkPoints(problems, `${path}.stripeScorePoints`, rule.stripeScorePoints);
		checkList(problems, `${path}.blockOn`, rule.blockOn, (s, bp) => {
			if (!BLOCK_VERDICT.test(s)) problems.push({ path: bp, message: `"${s}" is not "provider:verdict" with provider stripe, signifyd or nofraud` });
		});
	},
	evaluate(order, rule) {
		const verdicts = order.risk?.external;
		if (!verdicts || verdicts.length === 0) return null;
		const hits: Hit[] = [];
		const blockOn = new Set((rule.blockOn ?? []).map((b) => b.toLowerCase()));
		for (const v of verdicts) {
			if (!v || typeof v.provider !== 'string') continue;
			const provider = v.provider.toLowerCase().replace(/[^a-z]/g, '');
			if (provider === 'stripe' || provider === 'striperadar' || provider === 'radar') {
				const level = (v.level ?? '').trim().toLowerCase();
				const levelPoints = level ? (rule.stripeLevel?.[level] ?? 0) : 0;
				const scoreHit = typeof v.score === 'number' && typeof rule.stripeScoreAtLeast === 'number' && v.score >= rule.stripeScoreAtLeast;
				const points = Math.max(levelPoints, scoreHit ? rule.stripeScorePoints : 0);
				const block = level !== '' && blockOn.has(`stripe:${level}`);
				if (points > 0 || block) {
					const said: string[] = [];
					if (level) said.push(`risk level ${level}`);
					if (typeof v.score === 'number') said.push(`risk score ${v.score}${scoreHit ? ` (at least ${rule.stripeScoreAtLeast})` : ''}`);
					hits.push({ rule: 'externalScreener.stripe', points, detail: `Stripe Radar: ${said.join(', ')}`, block });
				}
			} else if (provider === 'signifyd' || provider === 'nofraud') {
				const raw = (v.decision ?? '').trim();
				if (!raw) continue;
				const decision = provider === 'signifyd' ? raw.toUpperCase() : raw.toLowerCase();
				const table = provider === 'signifyd' ? rule.signifyd : rule.nofraud;
				const points = table?.[decision] ?? 0;
				const block = blockOn.has(`${provider}:${decision.toLowerCase()}`);
				if (points > 0 || block)
					hits.push({ rule: `externalScreener.${provider}`, points, detail: `${provider === 'signifyd' ? 'Signifyd' : 'NoFraud'} decision ${decision}`, block });
			}
		}
		return hits;
	},
});
