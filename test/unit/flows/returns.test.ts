/**
 * The return flows (lib/flows/record-return.ts, move-return.ts): a return refused on its item with every problem
 * named, recorded once, authorised by the window rule or held for a person, received, inspected and closed, the
 * refund computed once at the step the rules say. The store's part runs on both stores in the conformance suite;
 * here the embedded store, with a clock the test sets.
 */
import { authoriseReturn, closeReturn, inspectReturn, receiveReturn, recordReturn, refundReturn, restockReturn } from '../../../lib/flows';
import { DEFAULT_RETURN_RULES, type ReturnRules } from '../../../lib/returns/rules';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';
import { makeReturn } from '../../helpers/returns';
import { itemError } from '../../helpers/item-error';

let store: Store;
let clock = new Date('2026-05-05T12:00:00.000Z');
beforeEach(async () => {
	clock = new Date('2026-05-05T12:00:00.000Z');
	store = await openSqliteStore(':memory:', { now: () => clock });
});
afterEach(async () => store.close());

const rules = (over: Partial<ReturnRules> = {}): ReturnRules => ({ ...DEFAULT_RETURN_RULES, refundTax: false, ...over });

/** 3 x SKU-1 for 10.00 (line 1), shipped and delivered on 2026-05-05. */
async function deliveredOrder() {
	const order = makeOrder({ lines: [{ lineId: '1', sku: 'SKU-1', title: null, quantity: 3, unitPrice: 3.33, lineTotal: 10 }] });
	await store.recordOrder(order);
	await store.recordShipment({ omsId: order.omsId, packageKey: 'P1', provider: 'generic', carrier: 'UPS', trackingNumber: '1Z', trackingUrl: null, shippedAt: '2026-05-03T10:00:00.000Z', lines: [{ sku: 'SKU-1', quantity: 3, lineId: '1' }] });
	await store.setStatus(order.omsId, 'delivered', { cause: 'test' });
	return order;
}

describe('recordReturn', () => {
	it('records once, idempotent', async () => {
		const order = await deliveredOrder();
		const ret = makeReturn(order.omsId);
		expect((await recordReturn(store, ret, { cause: 'test' })).outcome).toBe('new');
		expect((await recordReturn(store, ret, { cause: 'test' })).outcome).toBe('duplicate');
		expect(await store.listReturns(order.omsId)).toHaveLength(1);
	});

	it('refuses an invalid return, naming each field', async () => {
		const order = await deliveredOrder();
		const e = await itemError(recordReturn(store, { ...makeReturn(order.omsId), channelState: 'open', lines: [] }, { cause: 'test' }));
		expect(e.problems.map((p) => p.path)).toEqual(['$.channelState', '$.lines']);
		expect(e.message).toMatch(/^Invalid return shopify:R\d+: 2 problems\n\$\.channelState: must be one of/);
	});

	it('refuses a return for an order the OMS does not know', async () => {
		const e = await itemError(recordReturn(store, makeReturn('shopify:404'), { cause: 'test' }));
		expect(e.message).toMatch(/^Return shopify:R\d+ of order shopify:404 refused: the OMS has no such order \(record the order first\)\n\$\.omsId: the OMS has no order "shopify:404"/);
		expect(e.problems).toEqual([{ path: '$.omsId', message: expect.any(String) }]);
	});

	it('refuses more units than shipped minus already returned, and records nothing', async () => {
		const order = await deliveredOrder();
		await recordReturn(store, makeReturn(order.omsId, { lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2, channelReason: null, reason: 'unknown' }] }), { cause: 'test' });
		const second = makeReturn(order.omsId, { lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2, channelReason: null, reason: 'unknown' }] });
		const e = await itemError(recordReturn(store, second, { cause: 'test' }));
		expect(e.problems).toEqual([{ path: '$.lines[0].quantity', message: 'returns 2 units of order line "1" (SKU-1), but only 1 can be: 3 shipped of 3 ordered, 2 already returned' }]);
		expect(await store.getReturn(second.returnId)).toBeNull();
	});
});

describe('the steps of a return', () => {
	it('authorises within the window of the delivery, with the refund when it is due on authorisation', async () => {
		const order = await deliveredOrder();
		const ret = makeReturn(order.omsId, { requestedAt: '2026-05-20T00:00:00.000Z' });
		await recordReturn(store, ret, { cause: 'test' });
		const res = await authoriseReturn(store, ret.returnId, { decision: 'auto', rules: rules({ refundOn: 'authorisation' }), by: 'rule' });
		expect(res.outcome).toBe('moved');
		expect(res.why).toBe('requested 14.5 days after delivery, within 30 days');
		expect(res.stored.status).toBe('authorised');
		expect(res.refund?.total).toBe(3.33);
		expect(res.stored.ret.refund).toEqual(res.refund);
		expect((await authoriseReturn(store, ret.returnId, { decision: 'auto', rules: rules(), by: 'rule' })).outcome).toBe('unchanged');
	});

	it('holds for a person a request after the window, or for an order never delivered', async () => {
		const order = await deliveredOrder();
		const late = makeReturn(order.omsId, { requestedAt: '2026-07-01T00:00:00.000Z' });
		await recordReturn(store, late, { cause: 'test' });
		const held = await authoriseReturn(store, late.returnId, { decision: 'auto', rules: rules(), by: 'rule' });
		expect(held).toMatchObject({ outcome: 'held', why: 'requested 56.5 days after delivery, later than 30 days: a person decides' });
		expect((await store.getReturn(late.returnId))?.status).toBe('requested');
		const undelivered = await authoriseReturn(store, late.returnId, { decision: 'auto', rules: rules(), by: 'rule', deliveredAt: null });
		expect(undelivered.why).toBe('the delivery time of the order is not known: a person decides');
		const approved = await authoriseReturn(store, late.returnId, { decision: 'approve', rules: rules(), by: 'ops' });
		expect(approved.outcome).toBe('moved');
		expect(approved.refund).toBeNull(); // due on receipt (the default)
	});

	it('refunds on receipt; a reason that needs inspection waits for it; close waits for the refund', async () => {
		const order = await deliveredOrder();
		const plain = makeReturn(order.omsId, { channelState: 'authorised' });
		const broken = makeReturn(order.omsId, { channelState: 'authorised', lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2, channelReason: 'DEFECTIVE', reason: 'defective' }] });
		await recordReturn(store, plain, { cause: 'test' });
		await recordReturn(store, broken, { cause: 'test' });

		const got = await receiveReturn(store, plain.returnId, { rules: rules(), by: 'wms' });
		expect(got.outcome).toBe('moved');
		expect(got.refund).toMatchObject({ status: 'pending', total: 3.33 });

		const waits = await receiveReturn(store, broken.returnId, { rules: rules(), by: 'wms' });
		expect(waits.refund).toBeNull();
		const inspected = await inspectReturn(store, broken.returnId, { rules: rules(), by: 'ops', dispositions: [{ lineId: '1', dispositions: [{ disposition: 'quarantine', quantity: 1 }, { disposition: 'dispose', quantity: 1 }] }] });
		expect(inspected.outcome).toBe('moved');
		// the units after the 1 refunded before: 10.00 - 3.33
		expect(inspected.refund?.lines).toEqual([{ lineId: '1', amount: 6.67, tax: 0, restockingFee: 0 }]);
		expect(inspected.stored.ret.lines[0].dispositions).toEqual([{ disposition: 'quarantine', quantity: 1 }, { disposition: 'dispose', quantity: 1 }]);

		const held = await closeReturn(store, plain.returnId, { by: 'ops' });
		expect(held).toMatchObject({ outcome: 'held', why: 'the refund is pending, not refunded yet' });
		await store.transitionReturn(plain.returnId, { to: 'received', cause: 'received', refund: { ...got.refund!, status: 'refunded', channelRefundId: 'RF1' } });
		expect((await closeReturn(store, plain.returnId, { by: 'ops' })).outcome).toBe('moved');
		expect((await store.getReturn(plain.returnId))?.status).toBe('closed');
	});

	it("a return the channel moved to received gets its refund from refundReturn; close holds until there is one", async () => {
		const order = await deliveredOrder();
		const ret = makeReturn(order.omsId, { channelState: 'authorised' });
		await recordReturn(store, ret, { cause: 'test' });
		await recordReturn(store, { ...ret, channelState: 'received', channelStatus: 'DELIVERED', updatedAt: '2026-05-12T00:00:00.000Z' }, { cause: 'test' });
		expect((await store.getReturn(ret.returnId))?.status).toBe('received');
		expect(await closeReturn(store, ret.returnId, { by: 'ops' })).toMatchObject({ outcome: 'held', why: 'no refund is recorded yet (refundReturn computes it)' });
		const early = await refundReturn(store, ret.returnId, { rules: rules({ inspectReasons: ['size_fit'] }), by: 'flow' });
		expect(early).toMatchObject({ outcome: 'unchanged', why: 'no refund is due for a return that is received' });
		const res = await refundReturn(store, ret.returnId, { rules: rules(), by: 'flow' });
		expect(res.outcome).toBe('moved');
		expect(res.stored.status).toBe('received');
		expect(res.stored.ret.refund).toMatchObject({ status: 'pending', total: 3.33 });
		expect((await refundReturn(store, ret.returnId, { rules: rules(), by: 'flow' })).why).toBe('the refund was computed before');
	});

	it('does not move a step the table does not allow, and says so', async () => {
		const order = await deliveredOrder();
		const ret = makeReturn(order.omsId);
		await recordReturn(store, ret, { cause: 'test' });
		expect(await receiveReturn(store, ret.returnId, { rules: rules(), by: 'wms' })).toMatchObject({ outcome: 'not_allowed', why: 'a return that is requested cannot move to received (received)' });
		await itemError(receiveReturn(store, 'shopify:none', { rules: rules(), by: 'wms' }));
	});
});

describe('restock without a location', () => {
	it("goes back where the SKU is stocked, so that location's WMS count absorbs it: on hand rises once, whichever comes first", async () => {
		const order = await deliveredOrder();
		// the WMS counts SKU-1 at its fulfilment centre (ShipBob names the location), not at the default location
		await store.upsertStockLevels([{ sku: 'SKU-1', location: 'Cicero (IL)', onHand: 10 }]);
		const ret = makeReturn(order.omsId, { channelState: 'authorised', lines: [{ lineId: '1', sku: 'SKU-1', quantity: 1, channelReason: null, reason: 'unwanted' }] });
		await recordReturn(store, ret, { cause: 'test' });
		// the WMS's count with the unit arrives first (taken after the receipt), then the receipt
		clock = new Date('2026-05-05T13:00:00.000Z');
		await store.upsertStockLevels([{ sku: 'SKU-1', location: 'Cicero (IL)', onHand: 11 }]);
		const received = await receiveReturn(store, ret.returnId, { rules: rules(), by: 'wms', dispositions: [{ lineId: '1', dispositions: [{ disposition: 'restock', quantity: 1 }] }] });
		const r = await restockReturn(store, received.stored, { receivedAt: '2026-05-05T12:30:00.000Z', by: 'wms' });
		expect(r.restocked).toEqual([expect.objectContaining({ sku: 'SKU-1', location: 'Cicero (IL)', quantity: 1 })]);
		// the next count (unchanged: 11) absorbs it: on hand is the WMS's, at one location
		clock = new Date('2026-05-05T13:05:00.000Z');
		await store.upsertStockLevels([{ sku: 'SKU-1', location: 'Cicero (IL)', onHand: 11 }]);
		expect((await store.getStock(['SKU-1'])).map((s) => [s.location, s.onHand])).toEqual([['Cicero (IL)', 11]]);
	});
});
