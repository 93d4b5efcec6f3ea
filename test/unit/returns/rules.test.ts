/**
 * The return rules (lib/returns/rules.ts) and the pure parts beside them: the authorisation window, inspection and
 * refund timing, the refund per line in integer minor units (restocking fee, tax, shipping, return shipping), reason
 * normalisation, shipped units per line, and which of two versions of a return is the newer.
 */
import type { CanonicalOrder } from '../../../lib/order/types';
import { normaliseReturnReason } from '../../../lib/returns/reasons';
import { autoAuthorise, computeRefund, DEFAULT_RETURN_RULES, needsInspection, refundDue, refundMoment, validateReturnRules, type ReturnRules } from '../../../lib/returns/rules';
import { RETURN_STATUSES } from '../../../lib/returns/status';
import type { CanonicalReturn, ReturnLine, ReturnReason } from '../../../lib/returns/types';
import { returnableLines, returnUnitProblems, shippedUnits } from '../../../lib/returns/units';
import { validateReturn } from '../../../lib/returns/validate';
import { compareReturnVersions } from '../../../lib/returns/versions';
import { makeOrder } from '../../helpers/orders';
import { makeReturn } from '../../helpers/returns';

const rules = (over: Partial<ReturnRules> = {}): ReturnRules => ({ ...DEFAULT_RETURN_RULES, ...over });
const line = (lineId: string, sku: string, quantity: number, reason: ReturnReason = 'unwanted'): ReturnLine => ({ lineId, sku, quantity, channelReason: null, reason });

/** 3 x SKU-1 for 10.00 (line 1), 1 x SKU-2 for 50.00 (line 2); tax 6.00, shipping 9.00. */
function order(currency = 'USD'): CanonicalOrder {
	return makeOrder({
		currency,
		lines: [
			{ lineId: '1', sku: 'SKU-1', title: null, quantity: 3, unitPrice: 3.33, lineTotal: 10 },
			{ lineId: '2', sku: 'SKU-2', title: null, quantity: 1, unitPrice: 50, lineTotal: 50 },
		],
		totals: { subtotal: 60, shipping: 9, tax: 6, discount: 0, total: 75 },
	});
}

describe('the authorisation window', () => {
	const delivered = '2026-05-01T12:00:00.000Z';
	it('authorises a request up to N days after delivery, not a minute later', () => {
		expect(autoAuthorise({ requestedAt: '2026-05-31T12:00:00.000Z' }, delivered, { autoAuthoriseWithinDays: 30 })).toEqual({ authorise: true, why: 'requested 30 days after delivery, within 30 days' });
		expect(autoAuthorise({ requestedAt: '2026-05-31T12:01:00.000Z' }, delivered, { autoAuthoriseWithinDays: 30 })).toEqual({ authorise: false, why: 'requested 30 days after delivery, later than 30 days: a person decides' });
		expect(autoAuthorise({ requestedAt: '2026-05-01T13:00:00.000Z' }, delivered, { autoAuthoriseWithinDays: 0 }).authorise).toBe(false);
		expect(autoAuthorise({ requestedAt: '2026-04-30T00:00:00.000Z' }, delivered, { autoAuthoriseWithinDays: 0 }).authorise).toBe(true);
	});
	it('leaves it to a person without a delivery time or without the rule', () => {
		expect(autoAuthorise({ requestedAt: '2026-05-02T00:00:00.000Z' }, null, { autoAuthoriseWithinDays: 30 })).toEqual({ authorise: false, why: 'the delivery time of the order is not known: a person decides' });
		expect(autoAuthorise({ requestedAt: '2026-05-02T00:00:00.000Z' }, delivered, { autoAuthoriseWithinDays: null }).authorise).toBe(false);
	});
});

describe('inspection and when the refund is due', () => {
	it('inspects a return when one of its reasons needs it', () => {
		const r = rules({ inspectReasons: ['defective'] });
		expect(needsInspection({ lines: [line('1', 'A', 1, 'size_fit'), line('2', 'B', 1, 'defective')] }, r)).toBe(true);
		expect(needsInspection({ lines: [line('1', 'A', 1, 'size_fit')] }, r)).toBe(false);
	});

	it('refunds at the rule moment; a return that needs inspection waits for it, one that does not skips it', () => {
		const plain = { lines: [line('1', 'A', 1, 'size_fit')] };
		const inspected = { lines: [line('1', 'A', 1, 'defective')] };
		const moments = (['authorisation', 'receipt', 'inspection'] as const).map((refundOn) => [
			refundMoment(plain, rules({ refundOn, inspectReasons: ['defective'] })),
			refundMoment(inspected, rules({ refundOn, inspectReasons: ['defective'] })),
		]);
		expect(moments).toEqual([
			['authorisation', 'inspection'],
			['receipt', 'inspection'],
			['receipt', 'inspection'],
		]);
	});

	it('is due at or past the moment on the path, never for a declined or cancelled return', () => {
		const due = (m: 'authorisation' | 'receipt' | 'inspection') => RETURN_STATUSES.filter((s) => refundDue(s, m));
		expect(due('authorisation')).toEqual(['authorised', 'in_transit', 'received', 'inspected', 'closed']);
		expect(due('receipt')).toEqual(['received', 'inspected', 'closed']);
		expect(due('inspection')).toEqual(['inspected', 'closed']);
	});
});

describe('the refund, in integer minor units', () => {
	const none = new Map<string, number>();
	const noTax = rules({ refundTax: false });

	it("refunds a line's share for the units returned; returns of every unit in turn refund exactly its total", () => {
		const o = order();
		const first = computeRefund(o, { lines: [line('1', 'SKU-1', 1)], shipment: null }, none, noTax);
		const second = computeRefund(o, { lines: [line('1', 'SKU-1', 2)], shipment: null }, new Map([['1', 1]]), noTax);
		expect(first.lines[0].amount).toBe(3.33);
		expect(second.lines[0].amount).toBe(6.67);
		expect(first).toEqual({ currency: 'USD', status: 'pending', lines: [{ lineId: '1', amount: 3.33, tax: 0, restockingFee: 0 }], shipping: 0, returnShippingFee: 0, total: 3.33 });
		expect(second.total).toBe(6.67);
	});

	it("refunds the order's tax pro rata of the merchandise", () => {
		const r = computeRefund(order(), { lines: [line('2', 'SKU-2', 1)], shipment: null }, none, rules());
		expect(r.lines).toEqual([{ lineId: '2', amount: 50, tax: 5, restockingFee: 0 }]);
		expect(r.total).toBe(55);
	});

	it('keeps a restocking fee: a percent rounded half up, or fixed per line or per unit, never more than the line; none for a seller-fault reason', () => {
		const o = order();
		const pct = computeRefund(o, { lines: [line('1', 'SKU-1', 3), line('2', 'SKU-2', 1, 'defective')], shipment: null }, none, rules({ refundTax: false, restockingFee: { type: 'percent', percent: 12.5 } }));
		// 12.5% of 10.00 = 1.25; the defective line is exempt
		expect(pct.lines.map((l) => l.restockingFee)).toEqual([1.25, 0]);
		expect(pct.total).toBe(58.75);
		const half = computeRefund(o, { lines: [line('1', 'SKU-1', 1)], shipment: null }, none, rules({ refundTax: false, restockingFee: { type: 'percent', percent: 15 } }));
		// 15% of 3.33 = 0.4995 -> 0.50
		expect(half.lines[0].restockingFee).toBe(0.5);
		const perUnit = computeRefund(o, { lines: [line('1', 'SKU-1', 2)], shipment: null }, none, rules({ refundTax: false, restockingFee: { type: 'fixed', amount: 1.5, per: 'unit' } }));
		expect(perUnit.lines[0]).toEqual({ lineId: '1', amount: 6.66, tax: 0, restockingFee: 3 });
		const perLine = computeRefund(o, { lines: [line('1', 'SKU-1', 2)], shipment: null }, none, rules({ refundTax: false, restockingFee: { type: 'fixed', amount: 1.5, per: 'line' } }));
		expect(perLine.lines[0].restockingFee).toBe(1.5);
		const capped = computeRefund(o, { lines: [line('1', 'SKU-1', 1)], shipment: null }, none, rules({ refundTax: false, restockingFee: { type: 'fixed', amount: 100, per: 'line' } }));
		expect(capped.lines[0].restockingFee).toBe(3.33);
		expect(capped.total).toBe(0);
	});

	it("deducts the return shipping (the label's cost, else the rule's), not for a seller-fault return, never below zero", () => {
		const o = order();
		const deduct = rules({ refundTax: false, deductReturnShipping: true, returnShippingCost: 4 });
		const label = { carrier: 'UPS', trackingNumber: '1Z', trackingUrl: null, labelCost: 6.5 };
		expect(computeRefund(o, { lines: [line('2', 'SKU-2', 1)], shipment: label }, none, deduct)).toMatchObject({ returnShippingFee: 6.5, total: 43.5 });
		expect(computeRefund(o, { lines: [line('2', 'SKU-2', 1)], shipment: null }, none, deduct)).toMatchObject({ returnShippingFee: 4, total: 46 });
		expect(computeRefund(o, { lines: [line('2', 'SKU-2', 1, 'wrong_item')], shipment: label }, none, deduct)).toMatchObject({ returnShippingFee: 0, total: 50 });
		expect(computeRefund(o, { lines: [line('1', 'SKU-1', 1)], shipment: null }, none, rules({ refundTax: false, deductReturnShipping: true, returnShippingCost: 20 }))).toMatchObject({ returnShippingFee: 3.33, total: 0 });
		expect(computeRefund(o, { lines: [line('2', 'SKU-2', 1)], shipment: label }, none, noTax).returnShippingFee).toBe(0);
	});

	it("refunds the order's shipping only with the return that brings back its last units", () => {
		const o = order();
		const r = rules({ refundTax: false, refundOriginalShipping: true });
		expect(computeRefund(o, { lines: [line('1', 'SKU-1', 3)], shipment: null }, none, r).shipping).toBe(0);
		expect(computeRefund(o, { lines: [line('2', 'SKU-2', 1)], shipment: null }, new Map([['1', 3]]), r)).toMatchObject({ shipping: 9, total: 59 });
	});

	it('keeps each currency exact: three decimals in KWD, none in JPY', () => {
		const kwd = order('KWD');
		kwd.lines[0].lineTotal = 1.001;
		kwd.totals = { subtotal: 51.001, shipping: 0, tax: 0, discount: 0, total: 51.001 };
		expect(computeRefund(kwd, { lines: [line('1', 'SKU-1', 1)], shipment: null }, none, rules()).lines[0].amount).toBe(0.333);
		const jpy = order('JPY');
		jpy.lines[0].lineTotal = 1000;
		jpy.totals = { subtotal: 1050, shipping: 0, tax: 105, discount: 0, total: 1155 };
		expect(computeRefund(jpy, { lines: [line('1', 'SKU-1', 1)], shipment: null }, none, rules()).lines[0]).toEqual({ lineId: '1', amount: 333, tax: 33, restockingFee: 0 });
	});

	it('gives a refund the canonical return accepts', () => {
		const o = order();
		const ret = makeReturn(o.omsId, { lines: [line('1', 'SKU-1', 2, 'size_fit'), line('2', 'SKU-2', 1, 'damaged')], shipment: { carrier: null, trackingNumber: null, trackingUrl: null, labelCost: 5.55 } });
		ret.refund = computeRefund(o, ret, none, rules({ restockingFee: { type: 'percent', percent: 10 }, deductReturnShipping: true }));
		expect(validateReturn(ret)).toEqual([]);
		expect(ret.refund).toEqual({
			currency: 'USD',
			status: 'pending',
			lines: [
				{ lineId: '1', amount: 6.66, tax: 0.66, restockingFee: 0.67 },
				{ lineId: '2', amount: 50, tax: 5, restockingFee: 0 },
			],
			shipping: 0,
			returnShippingFee: 5.55,
			// 6.66 + 0.66 - 0.67 + 50 + 5 - 5.55
			total: 56.1,
		});
	});
});

describe('the rules as parameters', () => {
	it('accepts the defaults and names each bad value', () => {
		expect(validateReturnRules(rules())).toEqual([]);
		const bad = validateReturnRules({
			...rules(),
			autoAuthoriseWithinDays: -1,
			inspectReasons: ['broken' as ReturnReason],
			refundOn: 'shipping' as never,
			restockingFee: { type: 'percent', percent: 12.345 },
			returnShippingCost: -2,
		});
		expect(bad.map((p) => p.path)).toEqual(['rules.autoAuthoriseWithinDays', 'rules.inspectReasons', 'rules.refundOn', 'rules.restockingFee.percent', 'rules.returnShippingCost']);
		expect(validateReturnRules({ ...rules(), restockingFee: { type: 'fixed', amount: 1, per: 'box' as never } }).map((p) => p.message)).toEqual(['must be line or unit, got "box"']);
	});
});

describe('reasons', () => {
	it.each([
		['SIZE_TOO_SMALL', 'size_fit'],
		['NOT_AS_DESCRIBED', 'not_as_described'],
		['WRONG_SIZE/POOR_FIT', 'size_fit'],
		['SHIPPING_BOX_DAMAGED', 'damaged'],
		['NO_LONGER_WANTED', 'unwanted'],
		['SNAD', 'not_as_described'],
		['REMORSE', 'unwanted'],
		['CR-DEFECTIVE', 'defective'],
		['AMZ-PG-APP-TOO-SMALL', 'size_fit'],
		['Item arrived damaged', 'damaged'],
		['gift', 'other'],
		['', 'unknown'],
		[null, 'unknown'],
	])('%s is %s', (word, reason) => {
		expect(normaliseReturnReason(word)).toBe(reason);
	});
});

describe('units per order line', () => {
	const o = order();
	it('counts packages by line id, else by SKU across the lines in turn, never more than ordered', () => {
		const shipped = shippedUnits(o, 'at_wms', [{ lines: [{ sku: 'SKU-1', quantity: 2, lineId: '1' }] }, { lines: [{ sku: 'SKU-1', quantity: 4 }, { sku: 'SKU-9', quantity: 1 }] }]);
		expect([...shipped]).toEqual([['1', 3], ['2', 0]]);
	});
	it('counts a whole order shipped or delivered without packages as shipped, else nothing', () => {
		expect([...shippedUnits(o, 'delivered', [])]).toEqual([['1', 3], ['2', 1]]);
		expect([...shippedUnits(o, 'packed', [])]).toEqual([['1', 0], ['2', 0]]);
	});
	it('names each line of a return that takes more than is returnable', () => {
		const lines = returnableLines(o, new Map([['1', 3], ['2', 1]]), new Map([['1', 2]]));
		expect(lines.map((l) => l.returnable)).toEqual([1, 1]);
		expect(returnUnitProblems({ omsId: o.omsId, lines: [line('1', 'SKU-1', 2), line('2', 'SKU-2', 1)] }, lines)).toEqual([
			{ path: '$.lines[0].quantity', message: 'returns 2 units of order line "1" (SKU-1), but only 1 can be: 3 shipped of 3 ordered, 2 already returned' },
		]);
	});
});

describe('which version of a return is the newer', () => {
	const base = makeReturn('shopify:1');
	const at = (r: CanonicalReturn, updatedAt: string) => ({ ...r, updatedAt });
	it('by update time, then by how far the channel says it is, then a fixed order over the content; the OMS parts are not content', () => {
		expect(compareReturnVersions(at(base, '2026-05-11T00:00:00.000Z'), base)).toBe(1);
		expect(compareReturnVersions(base, { ...base, channelState: 'authorised' })).toBe(-1);
		const a = { ...base, channelStatus: 'A' };
		const b = { ...base, channelStatus: 'B' };
		expect(compareReturnVersions(a, b)).toBe(-compareReturnVersions(b, a));
		expect(compareReturnVersions(base, { ...base, raw: { x: 1 }, refund: { currency: 'USD', status: 'pending', lines: [], shipping: 0, returnShippingFee: 0, total: 0 } })).toBe(0);
		expect(compareReturnVersions(base, { ...base, lines: [{ ...base.lines[0], dispositions: [{ disposition: 'restock', quantity: 1 }] }] })).toBe(0);
	});
});
