/**
 * The returns area of the store conformance suite (describeStoreConformance runs it on SQLite and PostgreSQL):
 * recording a return idempotently, refusing one the order does not allow (unknown order, more units than shipped
 * minus those already returned), its status moves through its transition table, and its timeline.
 */
import type { Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';
import { makeReturn } from '../../helpers/returns';

export function describeReturnsConformance(getStore: () => Store): void {
	describe('returns', () => {
		/** An order of 2 x SKU-1 (line 1) and 1 x SKU-2 (line 2), and the packages the WMS shipped of it. */
		async function shippedOrder(store: Store, packages: Array<Array<{ sku: string; quantity: number; lineId?: string }>>) {
			const order = makeOrder({
				lines: [
					{ lineId: '1', sku: 'SKU-1', title: 'Mug', quantity: 2, unitPrice: 25, lineTotal: 50 },
					{ lineId: '2', sku: 'SKU-2', title: 'Cup', quantity: 1, unitPrice: 10, lineTotal: 10 },
				],
			});
			await store.recordOrder(order);
			let n = 0;
			for (const lines of packages) {
				n++;
				await store.recordShipment({ omsId: order.omsId, packageKey: `P${n}`, provider: 'generic', carrier: 'UPS', trackingNumber: `1Z${n}`, trackingUrl: null, shippedAt: '2026-05-03T10:00:00.000Z', lines });
			}
			return order;
		}

		it('records a return once: the same return again is a duplicate; the order and the return each get their event', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const ret = makeReturn(order.omsId);
			const first = await store.recordReturn(ret, { cause: 'test' });
			expect(first.outcome).toBe('new');
			expect(first.stored?.status).toBe('requested');
			expect(first.stored?.ret).toEqual(ret);
			const again = await store.recordReturn(ret);
			expect(again.outcome).toBe('duplicate');
			expect(again.reason).toBe('same_version');
			expect(again.stored?.version).toBe(first.stored?.version);
			expect((await store.returnTimeline(ret.returnId)).map((e) => [e.type, e.toStatus, e.cause])).toEqual([['recorded', 'requested', 'test']]);
			const orderEvents = (await store.timeline(order.omsId)).filter((e) => e.type === 'return');
			expect(orderEvents.map((e) => e.detail)).toEqual([{ returnId: ret.returnId, status: 'requested', units: 1 }]);
			expect((await store.listReturns(order.omsId)).map((r) => r.ret.returnId)).toEqual([ret.returnId]);
		});

		it('refuses a return for an order the OMS does not know, naming the field, and writes nothing', async () => {
			const store = getStore();
			const ret = makeReturn('shopify:nope');
			const res = await store.recordReturn(ret);
			expect(res.outcome).toBe('refused');
			expect(res.reason).toBe('unknown_order');
			expect(res.problems).toEqual([{ path: '$.omsId', message: expect.stringContaining('no order "shopify:nope"') }]);
			expect(await store.getReturn(ret.returnId)).toBeNull();
			expect(await store.returnableUnits('shopify:nope')).toBeNull();
		});

		it('refuses more units than were shipped minus those already returned; a declined return gives its units back', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 1, lineId: '1' }]]);
			const tooMany = await store.recordReturn(makeReturn(order.omsId, { lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2, channelReason: null, reason: 'unknown' }] }));
			expect(tooMany.outcome).toBe('refused');
			expect(tooMany.reason).toBe('units');
			expect(tooMany.problems).toEqual([{ path: '$.lines[0].quantity', message: 'returns 2 units of order line "1" (SKU-1), but only 1 can be: 1 shipped of 2 ordered, 0 already returned' }]);
			const notShipped = await store.recordReturn(makeReturn(order.omsId, { lines: [{ lineId: '2', sku: 'SKU-2', quantity: 1, channelReason: null, reason: 'unknown' }] }));
			expect(notShipped.problems?.[0].message).toBe('returns 1 unit of order line "2" (SKU-2), but only 0 can be: 0 shipped of 1 ordered, 0 already returned');

			const first = await store.recordReturn(makeReturn(order.omsId));
			expect(first.outcome).toBe('new');
			const second = makeReturn(order.omsId);
			const refused = await store.recordReturn(second);
			expect(refused.outcome).toBe('refused');
			expect(refused.problems?.[0].message).toContain('1 shipped of 2 ordered, 1 already returned');
			expect(await store.getReturn(second.returnId)).toBeNull();

			const declined = await store.transitionReturn(first.stored!.ret.returnId, { to: 'declined', cause: 'operator_declined', by: 'ops' });
			expect(declined.changed).toBe(true);
			expect((await store.recordReturn(second)).outcome).toBe('new');
			expect(await store.returnableUnits(order.omsId)).toEqual([
				{ lineId: '1', sku: 'SKU-1', ordered: 2, shipped: 1, returned: 1, returnable: 0 },
				{ lineId: '2', sku: 'SKU-2', ordered: 1, shipped: 0, returned: 0, returnable: 0 },
			]);
		});

		it('names a line or SKU the order does not have', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const res = await store.recordReturn(makeReturn(order.omsId, { lines: [{ lineId: '9', sku: 'SKU-1', quantity: 1, channelReason: null, reason: 'unknown' }, { lineId: '1', sku: 'SKU-X', quantity: 1, channelReason: null, reason: 'unknown' }] }));
			expect(res.outcome).toBe('refused');
			expect(res.problems?.map((p) => p.path)).toEqual(['$.lines[0].lineId', '$.lines[1].sku']);
		});

		it('counts shipped units by SKU when the packages name no line, and a whole order shipped outside the OMS', async () => {
			const store = getStore();
			const bySku = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 1 }], [{ sku: 'SKU-1', quantity: 5 }, { sku: 'SKU-2', quantity: 1 }]]);
			expect((await store.returnableUnits(bySku.omsId))!.map((l) => [l.lineId, l.shipped])).toEqual([['1', 2], ['2', 1]]);

			const outside = makeOrder({ readiness: 'shipped', channelStatus: 'fulfilled' });
			expect((await store.recordOrder(outside)).stored.status).toBe('shipped');
			expect((await store.returnableUnits(outside.omsId))!.map((l) => l.returnable)).toEqual([2]);
			const received = makeOrder();
			await store.recordOrder(received);
			expect((await store.returnableUnits(received.omsId))!.map((l) => l.returnable)).toEqual([0]);
		});

		it('a newer version updates the return, moves it forward as the channel says, keeps the refund and dispositions; an older one changes nothing', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const ret = makeReturn(order.omsId);
			await store.recordReturn(ret);
			const refund = { currency: 'USD', status: 'pending' as const, lines: [{ lineId: '1', amount: 25, tax: 0, restockingFee: 0 }], shipping: 0, returnShippingFee: 0, total: 25 };
			await store.transitionReturn(ret.returnId, { to: 'authorised', cause: 'operator_authorised', by: 'ops', refund });
			await store.transitionReturn(ret.returnId, { to: 'received', cause: 'received', dispositions: [{ lineId: '1', dispositions: [{ disposition: 'restock', quantity: 1 }] }] });

			const newer = { ...ret, channelStatus: 'CLOSED', channelState: 'closed' as const, updatedAt: '2026-05-12T10:00:00.000Z', shipment: { carrier: 'UPS', trackingNumber: '1ZR', trackingUrl: null, labelCost: null } };
			const res = await store.recordReturn(newer);
			expect(res.outcome).toBe('updated');
			expect(res.changes).toEqual(['channelState', 'channelStatus', 'shipment']);
			expect(res.stored?.status).toBe('closed');
			expect(res.stored?.ret.refund).toEqual(refund);
			expect(res.stored?.ret.lines[0].dispositions).toEqual([{ disposition: 'restock', quantity: 1 }]);

			const older = await store.recordReturn({ ...ret, updatedAt: '2026-05-11T00:00:00.000Z' });
			expect(older.outcome).toBe('duplicate');
			expect(older.reason).toBe('older_version');
			const types = (await store.returnTimeline(ret.returnId)).map((e) => `${e.type}:${e.fromStatus ?? ''}>${e.toStatus ?? ''}`);
			expect(types).toEqual(['recorded:>requested', 'refund:requested>requested', 'status:requested>authorised', 'dispositions:authorised>authorised', 'status:authorised>received', 'updated:received>closed', 'status:received>closed']);
		});

		it('a channel word that would move a return back leaves its status; a newer version for more units than shipped is refused and the stored one stays', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const ret = makeReturn(order.omsId, { channelState: 'authorised' });
			expect((await store.recordReturn(ret)).stored?.status).toBe('authorised');
			await store.transitionReturn(ret.returnId, { to: 'received', cause: 'received' });
			const back = await store.recordReturn({ ...ret, channelState: 'in_transit', updatedAt: '2026-05-11T00:00:00.000Z' });
			expect(back.outcome).toBe('updated');
			expect(back.stored?.status).toBe('received');
			const more = await store.recordReturn({ ...ret, updatedAt: '2026-05-12T00:00:00.000Z', lines: [{ ...ret.lines[0], quantity: 3 }] });
			expect(more.outcome).toBe('refused');
			expect(more.problems?.[0].path).toBe('$.lines[0].quantity');
			expect((await store.getReturn(ret.returnId))?.ret.lines[0].quantity).toBe(1);
		});

		it('refuses a known return id for another order', async () => {
			const store = getStore();
			const a = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const b = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const ret = makeReturn(a.omsId);
			await store.recordReturn(ret);
			const res = await store.recordReturn({ ...ret, omsId: b.omsId, updatedAt: '2026-05-12T00:00:00.000Z' });
			expect(res.outcome).toBe('refused');
			expect(res.reason).toBe('other_order');
			expect((await store.getReturn(ret.returnId))?.ret.omsId).toBe(a.omsId);
		});

		it('moves a return only as its table allows (compare-and-set), writing nothing for a refused move', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const ret = makeReturn(order.omsId);
			const { stored } = await store.recordReturn(ret);
			const skip = await store.transitionReturn(ret.returnId, { to: 'received', cause: 'received' });
			expect(skip).toMatchObject({ changed: false, from: 'requested', to: 'received', refused: 'not_allowed' });
			expect(skip.stored.version).toBe(stored!.version);
			const narrowed = await store.transitionReturn(ret.returnId, { to: 'authorised', cause: 'operator_authorised', onlyFrom: ['in_transit'] });
			expect(narrowed.refused).toBe('only_from');
			const ok = await store.transitionReturn(ret.returnId, { to: 'authorised', cause: 'auto_authorised', by: 'rule', detail: { why: 'within 30 days' } });
			expect(ok).toMatchObject({ changed: true, from: 'requested', to: 'authorised' });
			expect(ok.stored.status).toBe('authorised');
			const repeat = await store.transitionReturn(ret.returnId, { to: 'authorised', cause: 'auto_authorised' });
			expect(repeat.changed).toBe(false);
			expect(repeat.refused).toBeUndefined();
			const events = await store.returnTimeline(ret.returnId);
			expect(events.map((e) => [e.type, e.cause, e.detail])).toEqual([
				['recorded', null, { channelStatus: 'REQUESTED', channelState: 'requested', units: 1 }],
				['status', 'rule', { why: 'within 30 days', transition: 'auto_authorised' }],
			]);
			expect((await store.timeline(order.omsId)).filter((e) => e.type === 'return').map((e) => e.detail?.status)).toEqual(['requested', 'authorised']);
		});

		it('refuses a bad request whole: unknown return or cause, dispositions for more units than returned, a refund that does not add up', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const ret = makeReturn(order.omsId, { channelState: 'authorised' });
			const { stored } = await store.recordReturn(ret);
			await expect(store.transitionReturn('shopify:none', { to: 'received', cause: 'received' })).rejects.toThrow('No return shopify:none in the OMS store');
			await expect(store.transitionReturn(ret.returnId, { to: 'received', cause: 'wms_said' as never })).rejects.toThrow(/unknown cause "wms_said"/);
			await expect(
				store.transitionReturn(ret.returnId, { to: 'received', cause: 'received', dispositions: [{ lineId: '1', dispositions: [{ disposition: 'restock', quantity: 2 }] }] }),
			).rejects.toThrow(/\$\.lines\[0\]\.dispositions: give a disposition to at most the 1 unit returned, got 2/);
			await expect(
				store.transitionReturn(ret.returnId, { to: 'received', cause: 'received', dispositions: [{ lineId: '7', dispositions: [] }] }),
			).rejects.toThrow(/order line "7", which the return does not have/);
			const bad = { currency: 'USD', status: 'pending' as const, lines: [{ lineId: '1', amount: 25, tax: 0, restockingFee: 0 }], shipping: 0, returnShippingFee: 0, total: 20 };
			await expect(store.transitionReturn(ret.returnId, { to: 'received', cause: 'received', refund: bad })).rejects.toThrow(/\$\.refund\.total: must equal/);
			const now = await store.getReturn(ret.returnId);
			expect(now?.status).toBe('authorised');
			expect(now?.version).toBe(stored!.version);
		});

		it('writes the refund alone, without a move, as a compare-and-set on the status', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const ret = makeReturn(order.omsId, { channelState: 'received' });
			const { stored } = await store.recordReturn(ret);
			const refund = { currency: 'USD', status: 'pending' as const, lines: [{ lineId: '1', amount: 25, tax: 0, restockingFee: 0 }], shipping: 0, returnShippingFee: 0, total: 25 };
			const stale = await store.transitionReturn(ret.returnId, { refund, onlyFrom: ['authorised'] });
			expect(stale).toMatchObject({ changed: false, refused: 'only_from' });
			expect((await store.getReturn(ret.returnId))?.ret.refund).toBeNull();
			const res = await store.transitionReturn(ret.returnId, { refund, by: 'flow', onlyFrom: ['received'] });
			expect(res).toMatchObject({ changed: false, from: 'received', to: 'received' });
			expect(res.refused).toBeUndefined();
			expect(res.stored.ret.refund).toEqual(refund);
			expect(res.stored.version).toBe(stored!.version + 1);
			expect((await store.returnTimeline(ret.returnId)).map((e) => e.type)).toEqual(['recorded', 'refund']);
			await expect(store.transitionReturn(ret.returnId, { to: 'closed' })).rejects.toThrow(/a move to closed needs its cause/);
			await expect(store.transitionReturn(ret.returnId, { cause: 'closed' })).rejects.toThrow(/cause closed names a status move/);
		});

		it('two returns of one order recorded at once never take the same unit twice', async () => {
			const store = getStore();
			const order = await shippedOrder(store, [[{ sku: 'SKU-1', quantity: 2, lineId: '1' }]]);
			const returns = Array.from({ length: 4 }, () => makeReturn(order.omsId, { lines: [{ lineId: '1', sku: 'SKU-1', quantity: 1, channelReason: null, reason: 'unknown' }] }));
			const results = await Promise.all(returns.map((r) => store.recordReturn(r)));
			expect(results.map((r) => r.outcome).sort()).toEqual(['new', 'new', 'refused', 'refused']);
			expect((await store.returnableUnits(order.omsId))![0]).toMatchObject({ shipped: 2, returned: 2, returnable: 0 });
		});
	});
}
