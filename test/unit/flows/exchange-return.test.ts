/**
 * Exchanges (lib/flows/exchange-return.ts): the replacement order of a return goes through the normal intake (Record
 * takes it as a new order of source `exchange`, at no charge, to the original ship-to), is made once per return, and
 * the return is refunded 0 (no refund ever owed to the channel) so Close closes it; a return already owed money, or
 * not on its way back, is refused on its item.
 */
import { authoriseReturn, closeReturn, EXCHANGE_CHANNEL, exchangeReturn, receiveReturn, recordOrder, recordReturn } from '../../../lib/flows';
import { DEFAULT_RETURN_RULES, type ReturnRules } from '../../../lib/returns/rules';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { validateOrder } from '../../../lib/order/validate';
import { makeOrder } from '../../helpers/orders';
import { makeReturn } from '../../helpers/returns';
import { itemError } from '../../helpers/item-error';

let store: Store;
beforeEach(async () => {
	store = await openSqliteStore(':memory:', { now: () => new Date('2026-05-05T12:00:00.000Z') });
});
afterEach(async () => store.close());

const rules = (over: Partial<ReturnRules> = {}): ReturnRules => ({ ...DEFAULT_RETURN_RULES, refundTax: false, ...over });

/** 3 x TEE-M (line 1) and 1 x MUG (line 2), shipped and delivered; a return of 1 TEE-M, authorised */
async function authorisedReturn(refundOn: ReturnRules['refundOn'] = 'receipt') {
	const order = makeOrder({
		lines: [
			{ lineId: '1', sku: 'TEE-M', title: 'Tee, M', quantity: 3, unitPrice: 10, lineTotal: 30 },
			{ lineId: '2', sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 8, lineTotal: 8 },
		],
	});
	await store.recordOrder(order);
	await store.recordShipment({ omsId: order.omsId, packageKey: 'P1', provider: 'generic', carrier: 'UPS', trackingNumber: '1Z', trackingUrl: null, shippedAt: '2026-05-03T10:00:00.000Z', lines: [{ sku: 'TEE-M', quantity: 3, lineId: '1' }, { sku: 'MUG', quantity: 1, lineId: '2' }] });
	await store.setStatus(order.omsId, 'delivered', { cause: 'test' });
	const ret = makeReturn(order.omsId, { requestedAt: '2026-05-04T00:00:00.000Z', lines: [{ lineId: '1', sku: 'TEE-M', quantity: 1, channelReason: 'SIZE_TOO_SMALL', reason: 'size_fit' }] });
	await recordReturn(store, ret, { cause: 'test' });
	const a = await authoriseReturn(store, ret.returnId, { decision: 'approve', rules: rules({ refundOn }), by: 'test' });
	expect(a.outcome).toBe('moved');
	return { order, ret };
}

describe('exchangeReturn', () => {
	it('makes the replacement order: the returned units (or their swap) at no charge, to the same customer, for the normal intake', async () => {
		const { order, ret } = await authorisedReturn();
		const x = await exchangeReturn(store, ret.returnId, { by: 'test', replace: [{ sku: 'TEE-M', withSku: 'TEE-L' }], now: '2026-05-06T09:00:00.000Z' });
		expect(x.outcome).toBe('created');
		expect(x.order).toMatchObject({
			omsId: `${EXCHANGE_CHANNEL}:${ret.returnId}`,
			channel: 'exchange',
			channelOrderId: ret.returnId,
			placedAt: '2026-05-06T09:00:00.000Z',
			readiness: 'ready',
			currency: order.currency,
			totals: { subtotal: 0, shipping: 0, tax: 0, discount: 0, total: 0 },
			customer: order.customer,
			shipTo: order.shipTo,
			lines: [{ lineId: '1', sku: 'TEE-L', title: null, quantity: 1, unitPrice: 0, lineTotal: 0 }],
		});
		expect(validateOrder(x.order)).toEqual([]);
		// the normal intake records it as a new order of its own source
		expect((await recordOrder(store, x.order, { cause: 'test', resumeAfterMs: 0, now: 0 })).outcome).toBe('new');
		expect((await store.getOrder(x.order.omsId))?.order.channel).toBe('exchange');
		// the return is refunded 0, naming the replacement: nothing is owed to the channel
		expect(x.stored.ret.refund).toEqual({ currency: order.currency, status: 'refunded', lines: [], shipping: 0, returnShippingFee: 0, total: 0, exchangeOmsId: x.order.omsId });
		expect(await store.query('SELECT * FROM channel_calls')).toEqual([]);
	});

	it('is made once per return: run again, the recorded replacement comes back unchanged', async () => {
		const { ret } = await authorisedReturn();
		const first = await exchangeReturn(store, ret.returnId, { by: 'test', now: '2026-05-06T09:00:00.000Z' });
		await recordOrder(store, first.order, { cause: 'test', resumeAfterMs: 0, now: 0 });
		const again = await exchangeReturn(store, ret.returnId, { by: 'test', replace: [{ sku: 'TEE-M', withSku: 'TEE-XL' }], now: '2026-05-07T09:00:00.000Z' });
		expect(again.outcome).toBe('unchanged');
		expect(again.order.lines.map((l) => l.sku)).toEqual(['TEE-M']);
		expect(again.order.placedAt).toBe('2026-05-06T09:00:00.000Z');
		expect((await recordOrder(store, again.order, { cause: 'test', resumeAfterMs: 0, now: 0 })).outcome).toBe('duplicate');
	});

	it('no refund follows at receipt, and Close closes the exchanged return', async () => {
		const { ret } = await authorisedReturn('receipt');
		await exchangeReturn(store, ret.returnId, { by: 'test' });
		const received = await receiveReturn(store, ret.returnId, { rules: rules({ refundOn: 'receipt' }), by: 'test', dispositions: [{ lineId: '1', dispositions: [{ disposition: 'restock', quantity: 1 }] }] });
		expect(received.outcome).toBe('moved');
		expect(received.refund).toBeNull();
		expect(received.refundCall).toBeUndefined();
		expect((await closeReturn(store, ret.returnId, { by: 'test' })).outcome).toBe('moved');
	});

	it('refuses a return whose refund is computed already (the customer would get both), naming it', async () => {
		const { ret } = await authorisedReturn('authorisation');
		const e = await itemError(exchangeReturn(store, ret.returnId, { by: 'test' }));
		expect(e.message).toMatch(/its refund of 10 USD is pending already, so an exchange would give the customer both/);
		expect(e.problems).toEqual([{ path: '$.refund', message: 'already pending' }]);
	});

	it('refuses a requested return, an unknown return, and a swap of a SKU the return does not have', async () => {
		const { order } = await authorisedReturn();
		const requested = makeReturn(order.omsId, { lines: [{ lineId: '2', sku: 'MUG', quantity: 1, channelReason: null, reason: 'unknown' }] });
		await recordReturn(store, requested, { cause: 'test' });
		expect((await itemError(exchangeReturn(store, requested.returnId, { by: 'test' }))).message).toMatch(/is requested: only a return authorised, in transit, received or inspected/);
		expect((await itemError(exchangeReturn(store, 'shopify:nope', { by: 'test' }))).message).toMatch(/No return shopify:nope/);
		const e = await itemError(exchangeReturn(store, requested.returnId, { by: 'test', replace: [{ sku: 'TEE-M', withSku: 'TEE-L' }] }));
		expect(e.problems).toEqual([{ path: 'Replace[0].sku', message: `return ${requested.returnId} has no line of SKU "TEE-M" (its SKUs: MUG)` }]);
		expect((await store.getReturn(requested.returnId))?.ret.refund).toBeNull();
	});
});
