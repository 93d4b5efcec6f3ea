import {
	computePublishable,
	computePublishableMany,
	compileRuleSet,
	shareOf,
	RULE_APPLICATION_ORDER,
	type ChannelRuleSet,
	type ChannelRule,
} from '../../../lib/allocation';
import { RuleSetError, validateChannelRuleSet } from '../../../lib/allocation/rules';

const one = (rule: Omit<ChannelRule, 'channel'>, atp: number, sku = 'SKU-1'): number => {
	const rs: ChannelRuleSet = { channels: [{ channel: 'c', ...rule }] };
	return computePublishable(sku, atp, rs, ['c'])[0].quantity;
};

describe('single-channel rule arithmetic', () => {
	// [name, rule, atp, expected]
	const cases: Array<[string, Omit<ChannelRule, 'channel'>, number, number]> = [
		['default is 100 %', {}, 100, 100],
		['share rounds down 33 % of 10', { sharePercent: 33 }, 10, 3],
		['share rounds down 99 % of 1', { sharePercent: 99 }, 1, 0],
		['share 100 % of 0', { sharePercent: 100 }, 0, 0],
		['share 0 %', { sharePercent: 0 }, 50, 0],
		['fractional percent 12.5 % of 8', { sharePercent: 12.5 }, 8, 1],
		['33.33 % of 300 is 99 (no float drift)', { sharePercent: 33.33 }, 300, 99],
		['29 % of 100 is 29', { sharePercent: 29 }, 100, 29],
		['buffer after share', { sharePercent: 50, buffer: 3 }, 10, 2],
		['buffer larger than share clamps to 0', { sharePercent: 50, buffer: 9 }, 10, 0],
		['buffer equal to ATP', { buffer: 10 }, 10, 0],
		['max caps', { maxListed: 5 }, 100, 5],
		['max above share is no-op', { sharePercent: 10, maxListed: 50 }, 100, 10],
		['max 0 lists nothing', { maxListed: 0 }, 100, 0],
		['max applied after buffer', { buffer: 2, maxListed: 5 }, 6, 4],
		['zeroAt: ATP below', { zeroAt: 3 }, 2, 0],
		['zeroAt: ATP equal (boundary) lists 0', { zeroAt: 3 }, 3, 0],
		['zeroAt: ATP one above lists it all', { zeroAt: 3 }, 4, 4],
		['zeroAt 0 with ATP 0', { zeroAt: 0 }, 0, 0],
		['zeroAt wins over keep-alive', { zeroAt: 5, keepAliveMin: 2 }, 5, 0],
		['keep-alive raises 0 to N', { sharePercent: 10, keepAliveMin: 2 }, 5, 2],
		['keep-alive never above ATP', { sharePercent: 10, keepAliveMin: 5 }, 3, 3],
		['keep-alive with ATP 0 stays 0', { keepAliveMin: 1 }, 0, 0],
		['keep-alive below share is no-op', { keepAliveMin: 2 }, 10, 10],
		['keep-alive overrides buffer while stock is there', { buffer: 5, keepAliveMin: 1 }, 3, 1],
		['keep-alive exactly at share', { sharePercent: 50, keepAliveMin: 5 }, 10, 5],
		['negative ATP treated as 0', {}, -4, 0],
		['fractional ATP floored', {}, 4.7, 4],
	];
	test.each(cases)('%s', (_name, rule, atp, expected) => {
		expect(one(rule, atp)).toBe(expected);
	});
});

describe('low-stock tier', () => {
	const rule: Omit<ChannelRule, 'channel'> = {
		sharePercent: 50,
		maxListed: 40,
		lowStock: { level: 10, rule: { sharePercent: 20, keepAliveMin: 1 } },
	};
	const cases: Array<[number, number, string]> = [
		[100, 40, 'channel:c'], // normal: 50 % = 50, max 40
		[11, 5, 'channel:c'], // normal
		[10, 5, 'channel:c'], // at the level: still normal (tier applies strictly below)
		[9, 1, 'channel:c low-stock'], // 20 % of 9 = 1
		[4, 1, 'channel:c low-stock'], // 20 % of 4 = 0, keep-alive 1
		[0, 0, 'channel:c low-stock'],
	];
	test.each(cases)('ATP %d lists %d by %s', (atp, expected, ruleName) => {
		const [p] = computePublishable('X', atp, { channels: [{ channel: 'c', ...rule }] }, ['c']);
		expect(p.quantity).toBe(expected);
		expect(p.rule).toBe(ruleName);
		expect(p.tier).toBe(ruleName.endsWith('low-stock') ? 'low' : 'normal');
	});
	test('low tier inherits omitted fields (maxListed 40) and null clears them', () => {
		const rs: ChannelRuleSet = {
			channels: [
				{ channel: 'a', maxListed: 3, lowStock: { level: 50, rule: { sharePercent: 100 } } },
				{ channel: 'b', maxListed: 3, lowStock: { level: 50, rule: { maxListed: null } } },
			],
		};
		const r = computePublishable('X', 20, rs, ['a', 'b']);
		expect(r.map((p) => p.quantity)).toEqual([3, 20]);
	});
});

describe('priority channels are protected before others', () => {
	const rs: ChannelRuleSet = {
		channels: [
			{ channel: 'amazon', sharePercent: 50, priority: true },
			{ channel: 'shopify', sharePercent: 100 },
			{ channel: 'ebay', sharePercent: 50 },
		],
	};
	const cases: Array<[number, number[]]> = [
		// atp, [amazon, shopify, ebay]
		[100, [50, 50, 25]],
		[11, [5, 6, 3]],
		[1, [0, 1, 0]],
		[0, [0, 0, 0]],
	];
	test.each(cases)('ATP %d', (atp, expected) => {
		const r = computePublishable('S', atp, rs, ['amazon', 'shopify', 'ebay']);
		expect(r.map((p) => p.quantity)).toEqual(expected);
		expect(r.map((p) => p.pool)).toEqual(['priority', 'shared', 'shared']);
	});

	test('results come back in the order of the channels argument', () => {
		const r = computePublishable('S', 100, rs, ['ebay', 'amazon']);
		expect(r.map((p) => [p.channel, p.quantity])).toEqual([
			['ebay', 25],
			['amazon', 50],
		]);
	});

	test('priority share is taken from the whole pool; buffer and max of a priority channel leave units for others', () => {
		const r = computePublishable(
			'S',
			20,
			{ channels: [{ channel: 'p', sharePercent: 50, buffer: 2, maxListed: 5, priority: 1 }, { channel: 'o' }] },
			['p', 'o'],
		);
		expect(r.map((p) => p.quantity)).toEqual([5, 15]);
	});

	test('keep-alive of priority channels in rank order, out of units no priority channel has taken', () => {
		const rs2: ChannelRuleSet = {
			channels: [
				{ channel: 'p2', sharePercent: 10, keepAliveMin: 1, priority: 2 },
				{ channel: 'p1', sharePercent: 10, keepAliveMin: 1, priority: 1 },
				{ channel: 'o', sharePercent: 100, keepAliveMin: 1 },
			],
		};
		// ATP 1: p1 (rank 1) gets the unit by keep-alive; p2 and o have nothing left.
		expect(computePublishable('S', 1, rs2, ['p2', 'p1', 'o']).map((p) => p.quantity)).toEqual([0, 1, 0]);
		// ATP 2: p1 1, p2 1, others 0
		expect(computePublishable('S', 2, rs2, ['p2', 'p1', 'o']).map((p) => p.quantity)).toEqual([1, 1, 0]);
		// ATP 3: the other channel gets the last one
		expect(computePublishable('S', 3, rs2, ['p2', 'p1', 'o']).map((p) => p.quantity)).toEqual([1, 1, 1]);
	});

	test('priority: true ranks after numeric ranks', () => {
		const rs3: ChannelRuleSet = {
			channels: [
				{ channel: 't', sharePercent: 0, keepAliveMin: 1, priority: true },
				{ channel: 'n', sharePercent: 0, keepAliveMin: 1, priority: 5 },
			],
		};
		expect(computePublishable('S', 1, rs3, ['t', 'n']).map((p) => p.quantity)).toEqual([0, 1]);
	});
});

describe('exclusive and shared pools', () => {
	test('exclusive shares: keep-alive draws only from unassigned units, first channel first', () => {
		const rs: ChannelRuleSet = {
			channels: ['a', 'b', 'c', 'd'].map((channel) => ({ channel, sharePercent: 25, keepAliveMin: 1 })),
		};
		const r = computePublishable('S', 2, rs, ['a', 'b', 'c', 'd']);
		expect(r.map((p) => p.quantity)).toEqual([1, 1, 0, 0]);
		expect(r[0].pool).toBe('exclusive');
		expect(r[2].explain).toMatch(/no units left/);
		expect(computePublishable('S', 7, rs, ['a', 'b', 'c', 'd']).map((p) => p.quantity)).toEqual([1, 1, 1, 1]);
		// 25 % of 9 = 2 each = 8; one left over; nobody needs keep-alive
		expect(computePublishable('S', 9, rs, ['a', 'b', 'c', 'd']).map((p) => p.quantity)).toEqual([2, 2, 2, 2]);
	});
	test('shared pool (100 % each): every channel lists the pool', () => {
		const rs: ChannelRuleSet = { channels: [{ channel: 'a' }, { channel: 'b' }] };
		const r = computePublishable('S', 7, rs, ['a', 'b', 'x']);
		expect(r.map((p) => p.quantity)).toEqual([7, 7, 7]);
		expect(r.map((p) => p.pool)).toEqual(['shared', 'shared', 'shared']);
		expect(r[2].rule).toBe('defaults');
	});
	test('defaults apply to channels without a rule', () => {
		const rs: ChannelRuleSet = { defaults: { sharePercent: 10 }, channels: [{ channel: 'a', sharePercent: 50 }] };
		expect(computePublishable('S', 100, rs, ['a', 'z']).map((p) => p.quantity)).toEqual([50, 10]);
	});
	test('duplicate channels in the argument are listed once', () => {
		expect(computePublishable('S', 5, { channels: [] }, ['a', 'a'])).toHaveLength(1);
	});
});

describe('SKU overrides', () => {
	const rs: ChannelRuleSet = {
		channels: [
			{ channel: 'amazon', sharePercent: 50, lowStock: { level: 5, rule: { sharePercent: 0 } } },
			{ channel: 'ebay', sharePercent: 50 },
		],
		skuOverrides: [
			{ pattern: 'MUG-*', channel: 'ebay', maxListed: 2 },
			{ pattern: 'MUG-?', channel: '*', sharePercent: 10 },
			{ pattern: '/^LAMP-\\d+$/i', channel: '*', sharePercent: 100, lowStock: null },
			{ pattern: 'EXACT.SKU', channel: 'amazon', zeroAt: 1000 },
		],
	};
	// sku, atp, [amazon, ebay], [amazon rule, ebay rule]
	const cases: Array<[string, number, number[], string[]]> = [
		['PLAIN', 100, [50, 50], ['channel:amazon', 'channel:ebay']],
		['MUG-RED', 100, [50, 2], ['channel:amazon', 'override[0]:MUG-*']],
		// first match wins: MUG-1 matches override 0 for ebay, override 1 for amazon
		['MUG-1', 100, [10, 2], ['override[1]:MUG-?', 'override[0]:MUG-*']],
		['lamp-12', 3, [3, 3], ['override[2]:/^LAMP-\\d+$/i', 'override[2]:/^LAMP-\\d+$/i']],
		['LAMP-x', 3, [0, 1], ['channel:amazon low-stock', 'channel:ebay']],
		['EXACT.SKU', 100, [0, 50], ['override[3]:EXACT.SKU', 'channel:ebay']],
		['EXACTxSKU', 100, [50, 50], ['channel:amazon', 'channel:ebay']], // glob dot is literal
		['MUG-1', 4, [0, 2], ['override[1]:MUG-? low-stock', 'override[0]:MUG-*']],
	];
	test.each(cases)('%s at ATP %d', (sku, atp, qty, rules) => {
		const r = computePublishable(sku, atp, rs, ['amazon', 'ebay']);
		expect(r.map((p) => p.quantity)).toEqual(qty);
		expect(r.map((p) => p.rule)).toEqual(rules);
	});
});

describe('refusals and explain', () => {
	test('an invalid rule set throws a RuleSetError naming the path', () => {
		expect(() => computePublishable('S', 1, { channels: [{ channel: 'a', sharePercent: 120 }] }, ['a'])).toThrow(
			/\$\.channels\[0\]\.sharePercent: share over 100 percent/,
		);
	});
	test('priority shares over 100 reached only by two overrides together are refused at compute time', () => {
		const rs: ChannelRuleSet = {
			channels: [
				{ channel: 'a', sharePercent: 40, priority: true },
				{ channel: 'b', sharePercent: 40, priority: true },
			],
			skuOverrides: [
				{ pattern: 'X*', channel: 'b', sharePercent: 60 },
				{ pattern: 'XY', channel: 'a', sharePercent: 60 },
			],
		};
		// Each override alone keeps the sum at 100, so the static check passes ...
		expect(validateChannelRuleSet(rs).filter((p) => p.severity === 'error')).toEqual([]);
		expect(computePublishable('X1', 10, rs, ['a', 'b']).map((p) => p.quantity)).toEqual([4, 6]);
		// ... but SKU XY gets both: 60 + 60 percent cannot be protected.
		expect(() => computePublishable('XY', 10, rs, ['a', 'b'])).toThrow(RuleSetError);
		expect(() => computePublishable('XY', 10, rs, ['a', 'b'])).toThrow(/SKU XY: priority channel shares sum to 120 percent/);
		// Without both channels in the computation it is fine.
		expect(computePublishable('XY', 10, rs, ['a'])[0].quantity).toBe(6);
	});
	test('explain tells the steps', () => {
		const [p] = computePublishable(
			'S',
			20,
			{ channels: [{ channel: 'a', sharePercent: 50, buffer: 2, maxListed: 5 }] },
			['a'],
		);
		expect(p.explain).toBe('ATP 20; 50% of pool 20 = 10; - buffer 2 = 8; capped at maxListed 5 => 5');
	});
	test('explain can be switched off', () => {
		expect(computePublishable('S', 3, { channels: [] }, ['a'], { explain: false })[0].explain).toBe('');
	});
	test('NaN ATP is refused', () => {
		expect(() => computePublishable('S', NaN, { channels: [] }, ['a'])).toThrow(/ATP of S/);
	});
	test('compileRuleSet is cached per object and reusable', () => {
		const rs: ChannelRuleSet = { channels: [{ channel: 'a', sharePercent: 50 }] };
		const c = compileRuleSet(rs);
		expect(compileRuleSet(rs)).toBe(c);
		expect(computePublishable('S', 10, c, ['a'])[0].quantity).toBe(5);
	});
	test('computePublishableMany flattens', () => {
		const rs: ChannelRuleSet = { channels: [{ channel: 'a', sharePercent: 50 }] };
		expect(
			computePublishableMany(
				new Map([
					['X', 10],
					['Y', 3],
				]),
				rs,
				['a', 'b'],
			),
		).toEqual([
			{ channel: 'a', sku: 'X', quantity: 5 },
			{ channel: 'b', sku: 'X', quantity: 10 },
			{ channel: 'a', sku: 'Y', quantity: 1 },
			{ channel: 'b', sku: 'Y', quantity: 3 },
		]);
	});
	test('the documented order has six steps', () => {
		expect(RULE_APPLICATION_ORDER).toHaveLength(6);
	});
	test('shareOf', () => {
		expect(shareOf(33.33, 300)).toBe(99);
		expect(shareOf(14.35, 100)).toBe(14);
		expect(shareOf(100, 7)).toBe(7);
	});
});
