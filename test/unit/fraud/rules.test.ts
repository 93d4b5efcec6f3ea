import {
	DEFAULT_RULE_SET,
	canonicalJson,
	defaultRuleSet,
	isIpOrCidr,
	resolveRuleSet,
	ruleSetVersion,
	validateRuleSet,
} from '../../../lib/fraud';

describe('ruleSetVersion', () => {
	it('is a 12-digit hex hash, the same for equal rule sets whatever the key order', () => {
		const a = defaultRuleSet();
		const v = ruleSetVersion(a);
		expect(v).toMatch(/^[0-9a-f]{12}$/);
		expect(ruleSetVersion(defaultRuleSet())).toBe(v);
		expect(ruleSetVersion(DEFAULT_RULE_SET)).toBe(v);
		const reordered = JSON.parse(canonicalJson(a)); // keys sorted
		const reversed = Object.fromEntries(Object.entries(reordered).reverse());
		expect(ruleSetVersion(reversed as unknown as typeof a)).toBe(v);
	});

	it('changes when any value, list entry or weight changes', () => {
		const v = ruleSetVersion(DEFAULT_RULE_SET);
		const seen = new Set([v]);
		const edits: Array<(r: ReturnType<typeof defaultRuleSet>) => void> = [
			(r) => (r.thresholds.review = 51),
			(r) => (r.rules.orderTotalAbove.points = 21),
			(r) => (r.rules.orderTotalAbove.amounts.USD = 1001),
			(r) => r.denyList.emails.push('x@example.com'),
			(r) => (r.rules.velocity[0].windowHours = 12),
			(r) => (r.rules.channelRisk.blockOnCancel = true),
		];
		for (const edit of edits) {
			const r = defaultRuleSet();
			edit(r);
			const e = ruleSetVersion(r);
			expect(seen.has(e)).toBe(false);
			seen.add(e);
		}
	});

	it('is pinned for the default rule set, so a change of defaults is a visible decision', () => {
		// If this fails, the defaults changed: decisions recorded with the old version no longer match them.
		expect(ruleSetVersion(DEFAULT_RULE_SET)).toBe('70450a518246');
		expect(ruleSetVersion(JSON.parse(JSON.stringify(DEFAULT_RULE_SET)))).toBe('70450a518246');
	});
});

describe('DEFAULT_RULE_SET', () => {
	it('is valid and frozen', () => {
		expect(validateRuleSet(DEFAULT_RULE_SET)).toEqual([]);
		expect(Object.isFrozen(DEFAULT_RULE_SET.rules.velocity)).toBe(true);
		expect(() => {
			(DEFAULT_RULE_SET.thresholds as { review: number }).review = 1;
		}).toThrow();
	});

	it('defaultRuleSet() is an editable copy', () => {
		const r = defaultRuleSet();
		r.thresholds.review = 10;
		expect(DEFAULT_RULE_SET.thresholds.review).toBe(50);
	});
});

describe('resolveRuleSet', () => {
	it('lays a partial rule set over the defaults: maps merge, lists replace', () => {
		const r = resolveRuleSet({
			thresholds: { review: 30 },
			rules: { orderTotalAbove: { amounts: { USD: 500 } }, shipCountryHighRisk: { countries: ['NG'] } },
		});
		expect(r.thresholds).toEqual({ review: 30, reject: 100 });
		expect(r.rules.orderTotalAbove.amounts.USD).toBe(500);
		expect(r.rules.orderTotalAbove.amounts.EUR).toBe(900);
		expect(r.rules.orderTotalAbove.enabled).toBe(true);
		expect(r.rules.shipCountryHighRisk.countries).toEqual(['NG']);
		expect(r.rules.velocity).toHaveLength(4);
		expect(resolveRuleSet()).toEqual(defaultRuleSet());
	});
});

describe('validateRuleSet', () => {
	const paths = (r: unknown) => validateRuleSet(r).map((p) => p.path);

	it('reports a reject threshold below the review threshold', () => {
		const r = defaultRuleSet();
		r.thresholds = { review: 60, reject: 40 };
		expect(validateRuleSet(r)).toEqual([
			{ path: '$.thresholds.reject', message: 'reject threshold (40) is below the review threshold (60)' },
		]);
		r.thresholds = { review: 60, reject: 60 };
		expect(validateRuleSet(r)).toEqual([]);
	});

	it('reports negative points, with the path of the rule', () => {
		const r = defaultRuleSet();
		r.rules.orderTotalAbove.points = -5;
		r.rules.velocity[2].points = -1;
		r.rules.channelRisk.recommendation.CANCEL = -10;
		expect(paths(r)).toEqual([
			'$.rules.orderTotalAbove.points',
			'$.rules.velocity[2].points',
			'$.rules.channelRisk.recommendation.CANCEL',
		]);
		expect(validateRuleSet(r)[0].message).toBe('points must not be negative (got -5)');
	});

	it('reports bad country and currency codes', () => {
		const r = defaultRuleSet();
		r.rules.shipCountryHighRisk.countries = ['NG', 'ng', 'XX', 'USA'];
		r.denyList.countries = ['UK'];
		r.rules.orderTotalAbove.amounts = { USD: 1000, usd: 5, US$: 3 } as Record<string, number>;
		expect(paths(r)).toEqual([
			'$.denyList.countries[0]',
			'$.rules.orderTotalAbove.amounts.usd',
			'$.rules.orderTotalAbove.amounts.US$',
			'$.rules.shipCountryHighRisk.countries[1]',
			'$.rules.shipCountryHighRisk.countries[2]',
			'$.rules.shipCountryHighRisk.countries[3]',
		]);
		expect(validateRuleSet(r)[0].message).toMatch(/"UK" is not an ISO 3166-1 alpha-2 country code/);
	});

	it('reports velocity rules without a limit, bad windows and bad keys', () => {
		const r = defaultRuleSet();
		r.rules.velocity.push({ enabled: true, points: 10, key: 'card' as 'email', windowHours: 0, maxOrders: null, maxAmount: {} });
		r.rules.velocity[0].maxOrders = 2.5;
		expect(paths(r)).toEqual([
			'$.rules.velocity[0].maxOrders',
			'$.rules.velocity[4].key',
			'$.rules.velocity[4].windowHours',
			'$.rules.velocity[4]',
		]);
	});

	it('reports bad IPs, shipping levels, similarity, limits and block verdicts', () => {
		const r = defaultRuleSet();
		r.denyList.ips = ['203.0.113.7', '198.51.100.0/24', '2001:db8::/32', '::ffff:10.0.0.1', '300.1.1.1', '10.0.0.0/33', 'nonsense'];
		r.rules.firstOrderExpedited.levels = ['next_day', 'overnight' as 'next_day'];
		r.rules.shipToNameMismatch.minSimilarity = 1.5;
		r.rules.skuQuantityAbove.limit = 0;
		r.rules.externalScreener.blockOn = ['signifyd:REJECT', 'riskified:decline'];
		r.rules.externalScreener.stripeScoreAtLeast = 120;
		expect(paths(r)).toEqual([
			'$.denyList.ips[4]',
			'$.denyList.ips[5]',
			'$.denyList.ips[6]',
			'$.rules.skuQuantityAbove.limit',
			'$.rules.shipToNameMismatch.minSimilarity',
			'$.rules.firstOrderExpedited.levels[1]',
			'$.rules.externalScreener.stripeScoreAtLeast',
			'$.rules.externalScreener.blockOn[1]',
		]);
	});

	it('reports missing parts instead of throwing', () => {
		expect(validateRuleSet(null)).toEqual([{ path: '$', message: 'rule set must be an object' }]);
		expect(paths({})).toEqual(['$.thresholds', '$.allowList', '$.denyList', '$.rules']);
		const r = defaultRuleSet() as unknown as { rules: Record<string, unknown> };
		delete r.rules.freightForwarderOrPoBox;
		expect(paths(r)).toEqual(['$.rules.freightForwarderOrPoBox']);
	});
});

describe('isIpOrCidr', () => {
	it.each([
		['203.0.113.7', true],
		['203.0.113.0/24', true],
		['0.0.0.0/0', true],
		['2001:db8::1', true],
		['2001:db8::/32', true],
		['::1', true],
		['::ffff:192.0.2.1', true],
		['1:2:3:4:5:6:7:8', true],
		['256.0.0.1', false],
		['1.2.3', false],
		['1:2:3:4:5:6:7:8:9', false],
		['2001:db8::1::2', false],
		['2001:db8::/129', false],
		['example.com', false],
	])('%s -> %s', (ip, ok) => {
		expect(isIpOrCidr(ip)).toBe(ok);
	});
});
