import { validateChannelRuleSet, assertValidChannelRuleSet, compilePattern, RuleSetError, priorityRank } from '../../../lib/allocation';

const errors = (rs: unknown) => validateChannelRuleSet(rs).filter((p) => p.severity === 'error');

describe('validateChannelRuleSet: errors with paths', () => {
	// [name, rule set, expected path, message pattern]
	const cases: Array<[string, unknown, string, RegExp]> = [
		['not an object', 42, '$', /must be an object/],
		['channels missing', {}, '$.channels', /must be a list/],
		['unknown top-level field', { channels: [], extra: 1 }, '$.extra', /unknown field "extra"/],
		['share over 100', { channels: [{ channel: 'a', sharePercent: 101 }] }, '$.channels[0].sharePercent', /share over 100 percent \(101\)/],
		['negative share', { channels: [{ channel: 'a', sharePercent: -1 }] }, '$.channels[0].sharePercent', /must not be negative/],
		['share not a number', { channels: [{ channel: 'a', sharePercent: '50' }] }, '$.channels[0].sharePercent', /from 0 to 100/],
		['negative buffer', { channels: [{ channel: 'a', buffer: -2 }] }, '$.channels[0].buffer', /must not be negative, got -2/],
		['fractional buffer', { channels: [{ channel: 'a', buffer: 1.5 }] }, '$.channels[0].buffer', /whole number of units, got 1.5/],
		['fractional max', { channels: [{ channel: 'a', maxListed: 2.5 }] }, '$.channels[0].maxListed', /whole number/],
		['negative zeroAt', { channels: [{ channel: 'a', zeroAt: -1 }] }, '$.channels[0].zeroAt', /negative/],
		['fractional keep-alive', { channels: [{ channel: 'a', keepAliveMin: 0.5 }] }, '$.channels[0].keepAliveMin', /whole number/],
		['infinite max', { channels: [{ channel: 'a', maxListed: Infinity }] }, '$.channels[0].maxListed', /whole number/],
		['unknown channel field', { channels: [{ channel: 'a', share: 50 }] }, '$.channels[0].share', /unknown field "share"/],
		['missing channel name', { channels: [{ sharePercent: 50 }] }, '$.channels[0].channel', /non-empty channel name/],
		['star as channel rule', { channels: [{ channel: '*' }] }, '$.channels[0].channel', /only for SKU overrides/],
		['duplicate channel', { channels: [{ channel: 'a' }, { channel: 'a' }] }, '$.channels[1].channel', /more than one rule/],
		['bad priority', { channels: [{ channel: 'a', priority: 0 }] }, '$.channels[0].priority', /rank >= 1/],
		['fractional priority', { channels: [{ channel: 'a', priority: 1.5 }] }, '$.channels[0].priority', /rank >= 1/],
		['low tier without level', { channels: [{ channel: 'a', lowStock: { rule: {} } }] }, '$.channels[0].lowStock.level', /required/],
		['low tier bad share', { channels: [{ channel: 'a', lowStock: { level: 5, rule: { sharePercent: 150 } } }] }, '$.channels[0].lowStock.rule.sharePercent', /over 100/],
		['low tier unknown field', { channels: [{ channel: 'a', lowStock: { level: 5, rule: { priority: true } } }] }, '$.channels[0].lowStock.rule.priority', /unknown field/],
		['low tier not an object', { channels: [{ channel: 'a', lowStock: 5 }] }, '$.channels[0].lowStock', /must be an object/],
		['priority shares over 100', { channels: [{ channel: 'a', sharePercent: 60, priority: true }, { channel: 'b', sharePercent: 50, priority: 2 }] }, '$.channels', /priority channel shares sum to 110 percent .*normal tier \(a 60%, b 50%\)/],
		['priority shares over 100 in the low tier only', { channels: [{ channel: 'a', sharePercent: 50, priority: true, lowStock: { level: 5, rule: { sharePercent: 80 } } }, { channel: 'b', sharePercent: 50, priority: true }] }, '$.channels', /130 percent .*low-stock tier/],
		['keep-alive above max', { channels: [{ channel: 'a', maxListed: 2, keepAliveMin: 3 }] }, '$.channels[0]', /cannot be satisfied: keepAliveMin 3 is above maxListed 2/],
		['keep-alive above max in the low tier', { channels: [{ channel: 'a', keepAliveMin: 3, lowStock: { level: 5, rule: { maxListed: 1 } } }] }, '$.channels[0].lowStock.rule', /low-stock tier/],
		['defaults bad', { defaults: { buffer: -1 }, channels: [] }, '$.defaults.buffer', /negative/],
		['defaults unknown field', { defaults: { channel: 'x' }, channels: [] }, '$.defaults.channel', /unknown field/],
		['overrides not a list', { channels: [], skuOverrides: {} }, '$.skuOverrides', /must be a list/],
		['override without pattern', { channels: [], skuOverrides: [{ channel: '*' }] }, '$.skuOverrides[0].pattern', /non-empty glob/],
		['override bad regex', { channels: [], skuOverrides: [{ pattern: '/[a-/', channel: '*' }] }, '$.skuOverrides[0].pattern', /invalid regular expression/],
		['override without channel', { channels: [], skuOverrides: [{ pattern: 'A*' }] }, '$.skuOverrides[0].channel', /channel name or "\*"/],
		['override share over 100', { channels: [{ channel: 'a' }], skuOverrides: [{ pattern: 'A*', channel: 'a', sharePercent: 200 }] }, '$.skuOverrides[0].sharePercent', /over 100/],
		['override unknown field', { channels: [], skuOverrides: [{ pattern: 'A*', channel: '*', sku: 'x' }] }, '$.skuOverrides[0].sku', /unknown field/],
		['override makes priority sum over 100', { channels: [{ channel: 'a', sharePercent: 60, priority: true }, { channel: 'b', sharePercent: 60 }], skuOverrides: [{ pattern: 'A*', channel: 'b', priority: 1 }] }, '$.skuOverrides[0]', /120 percent/],
		['star override raises every priority share', { channels: [{ channel: 'a', sharePercent: 50, priority: true }, { channel: 'b', sharePercent: 50, priority: true }], skuOverrides: [{ pattern: 'A*', channel: '*', sharePercent: 60 }] }, '$.skuOverrides[0]', /120 percent/],
		['override makes keep-alive exceed max', { channels: [{ channel: 'a', maxListed: 2 }], skuOverrides: [{ pattern: 'A*', channel: 'a', keepAliveMin: 5 }] }, '$.skuOverrides[0]', /keepAliveMin 5 is above maxListed 2/],
	];
	test.each(cases)('%s', (_name, rs, path, message) => {
		const errs = errors(rs);
		const hit = errs.find((p) => p.path === path && message.test(p.message));
		if (!hit) throw new Error(`expected ${path} ~ ${message}, got ${JSON.stringify(errs)}`);
	});

	test('every problem is reported, not just the first', () => {
		const errs = errors({ channels: [{ channel: 'a', sharePercent: 120, buffer: -1, maxListed: 0.5 }] });
		expect(errs.map((p) => p.path)).toEqual(['$.channels[0].sharePercent', '$.channels[0].buffer', '$.channels[0].maxListed']);
	});
});

describe('validateChannelRuleSet: valid sets and warnings', () => {
	test('a full valid rule set has no problems', () => {
		const rs = {
			defaults: { sharePercent: 100 },
			channels: [
				{ channel: 'amazon', sharePercent: 40, buffer: 2, maxListed: 50, zeroAt: 3, keepAliveMin: 1, priority: true, lowStock: { level: 20, rule: { sharePercent: 20, maxListed: 5 } } },
				{ channel: 'walmart', sharePercent: 60, priority: 1 },
				{ channel: 'ebay', sharePercent: 100, maxListed: null, zeroAt: null, keepAliveMin: null, lowStock: null },
			],
			skuOverrides: [
				{ pattern: 'MUG-*', channel: '*', maxListed: 10 },
				{ pattern: '/^LAMP-\\d+$/i', channel: 'ebay', sharePercent: 0 },
			],
		};
		expect(validateChannelRuleSet(rs)).toEqual([]);
		expect(assertValidChannelRuleSet(rs)).toEqual([]);
		expect(JSON.parse(JSON.stringify(rs))).toEqual(rs);
	});
	test('shares of non-priority channels may sum over 100 (shared pool)', () => {
		expect(errors({ channels: [{ channel: 'a' }, { channel: 'b' }, { channel: 'c' }] })).toEqual([]);
	});
	test('priority shares summing to exactly 100 are fine', () => {
		expect(errors({ channels: [{ channel: 'a', sharePercent: 50, priority: true }, { channel: 'b', sharePercent: 50, priority: 3 }] })).toEqual([]);
	});
	test('keep-alive equal to max is fine', () => {
		expect(errors({ channels: [{ channel: 'a', maxListed: 2, keepAliveMin: 2 }] })).toEqual([]);
	});
	test('warnings: override for an unlisted channel; shadowed override', () => {
		const w = validateChannelRuleSet({
			channels: [{ channel: 'a' }],
			skuOverrides: [
				{ pattern: 'A*', channel: '*', maxListed: 1 },
				{ pattern: 'A*', channel: 'a', maxListed: 2 },
				{ pattern: 'B*', channel: 'zz', maxListed: 2 },
			],
		});
		expect(w).toEqual([
			{ path: '$.skuOverrides[1]', message: expect.stringMatching(/never applies/), severity: 'warning' },
			{ path: '$.skuOverrides[2].channel', message: expect.stringMatching(/channel "zz" has no channel rule/), severity: 'warning' },
		]);
	});
	test('assertValidChannelRuleSet throws RuleSetError with every error', () => {
		try {
			assertValidChannelRuleSet({ channels: [{ channel: 'a', sharePercent: 120 }, { channel: 'b', buffer: -1 }] });
			throw new Error('should have thrown');
		} catch (e) {
			expect(e).toBeInstanceOf(RuleSetError);
			expect((e as RuleSetError).problems).toHaveLength(2);
			expect((e as Error).message).toMatch(/^Invalid channel rule set: \$\.channels\[0\]\.sharePercent: share over 100 percent \(120\); \$\.channels\[1\]\.buffer/);
		}
	});
});

describe('patterns', () => {
	const cases: Array<[string, string, boolean]> = [
		['MUG-*', 'MUG-RED', true],
		['MUG-*', 'MUG-', true],
		['MUG-*', 'XMUG-1', false],
		['MUG-*', 'mug-1', false],
		['A?C', 'ABC', true],
		['A?C', 'AC', false],
		['A.C', 'ABC', false],
		['A.C', 'A.C', true],
		['*(1)', 'X(1)', true],
		['/^lamp/i', 'LAMP-1', true],
		['/\\d{3}$/', 'SKU-123', true],
		['/\\d{3}$/', 'SKU-12', false],
		['PLAIN', 'PLAIN', true],
		['PLAIN', 'PLAIN2', false],
	];
	test.each(cases)('%s matches %s: %s', (pattern, sku, expected) => {
		expect(compilePattern(pattern)(sku)).toBe(expected);
	});
	test('global flag does not make matching stateful', () => {
		const m = compilePattern('/A/g');
		expect([m('A'), m('A'), m('A')]).toEqual([true, true, true]);
	});
	test('priorityRank', () => {
		expect([priorityRank(true), priorityRank(false), priorityRank(undefined), priorityRank(2)]).toEqual([1000, null, null, 2]);
	});
});
