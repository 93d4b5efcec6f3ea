/** The inventoryAllocator's parameters of the wrong shape (found by the parameters.allocation property). */
import { validateChannelRuleSet } from '../../../lib/allocation';
import { ruleSetFromParameters, type RuleSetParameters } from '../../../lib/allocation/parameters';

describe('allocation parameters an expression filled with the wrong shape', () => {
	it('a list that is not a list, or an entry that is null, is named by validation instead of throwing', () => {
		const odd = { channelRules: { rule: 'amazon' }, skuOverrides: { override: [null, { pattern: 'MUG-*', fields: { buffer: 2 } }] } } as unknown as RuleSetParameters;
		const rs = ruleSetFromParameters(odd);
		expect(validateChannelRuleSet(rs).filter((p) => p.severity === 'error').map((p) => p.path)).toEqual(['$.channels', '$.skuOverrides[0]']);
		expect(validateChannelRuleSet(ruleSetFromParameters({ channelRules: { rule: [null] } } as unknown as RuleSetParameters)).map((p) => p.path)).toEqual(['$.channels[0]']);
	});

	it('absent collections are no rules, as before', () => {
		expect(ruleSetFromParameters({})).toEqual({ channels: [] });
		expect(ruleSetFromParameters({ channelRules: {}, skuOverrides: {} })).toEqual({ channels: [] });
	});
});
