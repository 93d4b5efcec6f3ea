/** The OMS Returns node's pure parts: dispositions per SKU, the rules from its parameters, a return made by hand. */
import { ItemError } from '../../lib/flows/item-error';
import { DEFAULT_RETURN_RULES, validateReturnRules } from '../../lib/returns/rules';
import { defaultReference, dispositionsFor, handMadeReturn } from '../../lib/flows/return-by-hand';
import { rulesFromParameters } from '../../nodes/OmsReturns/items';
import { makeReturn } from '../helpers/returns';

const ret = makeReturn('shopify:1', {
	lines: [
		{ lineId: '1', sku: 'MUG', quantity: 2, channelReason: null, reason: 'unwanted' },
		{ lineId: '3', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unwanted' },
		{ lineId: '2', sku: 'CUP', quantity: 1, channelReason: null, reason: 'defective' },
	],
});
const inspect = DEFAULT_RETURN_RULES.inspectReasons;

describe('dispositionsFor', () => {
	it('Per SKU fills the lines of its SKU in order; the rest of each line as the default says', () => {
		expect(dispositionsFor(ret, 'restockUnlessInspected', [{ sku: 'MUG', disposition: 'dispose', quantity: 3 }], inspect)).toEqual([
			{ lineId: '1', dispositions: [{ disposition: 'dispose', quantity: 2 }] },
			{ lineId: '3', dispositions: [{ disposition: 'dispose', quantity: 1 }] },
		]);
		expect(dispositionsFor(ret, 'quarantine', [{ sku: 'MUG', disposition: 'restock', quantity: 1 }], inspect)).toEqual([
			{ lineId: '1', dispositions: [{ disposition: 'restock', quantity: 1 }, { disposition: 'quarantine', quantity: 1 }] },
			{ lineId: '3', dispositions: [{ disposition: 'quarantine', quantity: 1 }] },
			{ lineId: '2', dispositions: [{ disposition: 'quarantine', quantity: 1 }] },
		]);
		expect(dispositionsFor(ret, 'atInspection', [], inspect)).toBeUndefined();
	});

	it('a SKU the return does not have, more units than it has, or a bad value: one ItemError naming each entry', () => {
		let err: unknown;
		try {
			dispositionsFor(ret, 'restock', [{ sku: 'PLATE', disposition: 'restock', quantity: 1 }, { sku: 'MUG', disposition: 'restock', quantity: 4 }, { sku: 'CUP', disposition: 'burn', quantity: 1 }, { sku: 'CUP', disposition: 'dispose', quantity: 0 }], inspect);
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(ItemError);
		expect((err as ItemError).problems.map((p) => p.path)).toEqual(['Per SKU[0].sku', 'Per SKU[1].quantity', 'Per SKU[2].disposition', 'Per SKU[3].quantity']);
		expect((err as ItemError).problems[1].message).toBe('4 units of MUG given a disposition, but the return has only 3 of them left without one');
		expect(() => dispositionsFor(ret, 'keep', [], inspect)).toThrow(/Disposition must be one of restockUnlessInspected, atInspection, restock, quarantine, dispose, return_to_vendor, got "keep"/);
	});
});

describe('rulesFromParameters', () => {
	it('no parameters: the library defaults; the rule off is a person deciding; fees by type', () => {
		expect(rulesFromParameters({})).toEqual(DEFAULT_RETURN_RULES);
		expect(rulesFromParameters({ autoAuthorise: false }).autoAuthoriseWithinDays).toBeNull();
		expect(rulesFromParameters({ restockingFee: 'fixed', restockingFeeAmount: 3, restockingFeePer: 'unit' }).restockingFee).toEqual({ type: 'fixed', amount: 3, per: 'unit' });
		expect(rulesFromParameters({ moreRules: { refundTax: false } }).refundTax).toBe(false);
		expect(validateReturnRules(rulesFromParameters({ restockingFee: 'percent', restockingFeePercent: 101 })).map((p) => p.path)).toEqual(['rules.restockingFee.percent']);
	});
});

describe('handMadeReturn', () => {
	const order = { omsId: 'shopify:9', lines: [{ lineId: '1', sku: 'MUG', quantity: 2, title: null, unitPrice: 5, lineTotal: 10 }, { lineId: '2', sku: 'MUG', quantity: 1, title: null, unitPrice: 5, lineTotal: 5 }] };
	const returnable = [
		{ lineId: '1', sku: 'MUG', ordered: 2, shipped: 2, returned: 1, returnable: 1 },
		{ lineId: '2', sku: 'MUG', ordered: 1, shipped: 1, returned: 0, returnable: 1 },
	];
	it('takes a SKU’s units from its lines that still have returnable units; the default reference is the order and its SKUs', () => {
		const r = handMadeReturn(order, returnable, { lines: [{ sku: 'MUG', quantity: 2, reason: 'size_fit' }], reference: '', requestedAt: '2026-05-01T00:00:00.000Z' });
		expect(r.lines.map((l) => [l.lineId, l.quantity, l.reason])).toEqual([['1', 1, 'size_fit'], ['2', 1, 'size_fit']]);
		expect(r.returnId).toBe('manual:shopify:9/MUGx2');
		expect(defaultReference('shopify:9', [{ sku: 'MUG', quantity: 1 }, { sku: 'CUP' }, { sku: 'MUG', quantity: 1 }])).toBe('shopify:9/CUPx1+MUGx2');
		expect(() => handMadeReturn(order, returnable, { lines: [], reference: 'R', requestedAt: '2026-05-01T00:00:00.000Z' })).toThrow(/Lines: add at least one line/);
		expect(() => handMadeReturn(order, returnable, { lines: [{ sku: 'MUG', quantity: 3, reason: 'unwanted' }], reference: 'R', requestedAt: '2026-05-01T00:00:00.000Z' })).toThrow(
			/Lines\[0\]\.quantity: returns 3 units of MUG, but only 2 can come back: line 1: 2 shipped of 2, 1 already returned; line 2: 1 shipped of 1, 0 already returned/,
		);
	});
});
