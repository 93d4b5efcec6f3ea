/**
 * The WMS calls area of the store conformance suite (describeStoreConformance runs it on SQLite and PostgreSQL): a
 * cancel or address update owed to a WMS is queued once per kind, order and shipment, claimed under a lease, its
 * attempts recorded only on the version claimed, and an answer recorded with the order's transition in one
 * transaction.
 */
import type { NewWmsCall, Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';

export function describeWmsCallsConformance(getStore: () => Store): void {
	describe('WMS calls (cancels, address updates)', () => {
		const T = '2026-05-01T10:00:00.000Z';
		const at = (s: number) => new Date(Date.parse(T) + s * 1000).toISOString();
		const cancel = (omsId: string, shipmentNo = 1, provider = 'shipbob'): NewWmsCall => ({ kind: 'cancel', omsId, shipmentNo, provider, reference: shipmentNo > 1 ? `${omsId}#${shipmentNo}` : omsId, wmsOrderId: 'W1', payload: { why: 'test' } });
		const address = (omsId: string, line1: string): NewWmsCall => ({ kind: 'address_update', omsId, shipmentNo: 1, provider: 'generic', reference: omsId, payload: { shipTo: { line1, city: 'Leeds' } } });

		it('a cancel is queued once whatever became of it; asked again (again) only once refused or failed for good', async () => {
			const store = getStore();
			const a = await store.enqueueWmsCall(cancel('c:1'));
			expect([a.outcome, a.call.status, a.call.attempts, a.call.version, a.call.wmsOrderId, a.call.payload]).toEqual(['created', 'pending', 0, 1, 'W1', { why: 'test' }]);
			const b = await store.enqueueWmsCall(cancel('c:1'), { again: true });
			expect([b.outcome, b.call.id]).toEqual(['exists', a.call.id]);
			const [claimed] = await store.claimWmsCalls(T, { leaseSeconds: 60 });
			const sent = await store.markWmsCall(claimed.id, claimed.version, { sent: { answer: { cancelled: true, rawStatus: 'Cancelled' } } });
			expect([sent.recorded, sent.call.status, sent.call.attempts, sent.call.answer, sent.call.leaseUntil]).toEqual([true, 'sent', 1, { cancelled: true, rawStatus: 'Cancelled' }, null]);
			expect(sent.call.sentAt).not.toBeNull();
			// sent: never owed again, even asked again
			expect((await store.enqueueWmsCall(cancel('c:1'), { again: true })).outcome).toBe('exists');
			expect(await store.claimWmsCalls(at(3600))).toEqual([]);
			// refused: owed anew only when asked again
			const r = (await store.enqueueWmsCall(cancel('c:2'))).call;
			await store.claimWmsCalls(T, { ids: [r.id] });
			const refused = await store.markWmsCall(r.id, r.version, { refused: { error: '409 already_picked', answer: null } });
			expect([refused.call.status, refused.call.lastError]).toEqual(['refused', '409 already_picked']);
			expect((await store.enqueueWmsCall(cancel('c:2'))).outcome).toBe('exists');
			const again = await store.enqueueWmsCall(cancel('c:2'), { again: true });
			expect([again.outcome, again.call.status, again.call.attempts, again.call.version, again.call.lastError]).toEqual(['requeued', 'pending', 0, 2, null]);
		});

		it('claims due calls under a lease (only the named providers or ids), backs off, fails for good', async () => {
			const store = getStore();
			const one = (await store.enqueueWmsCall(cancel('d:1'))).call;
			const two = (await store.enqueueWmsCall(cancel('d:2', 1, 'shiphero'))).call;
			const three = (await store.enqueueWmsCall(cancel('d:1', 2))).call;
			expect((await store.claimWmsCalls(T, { providers: ['shiphero'] })).map((c) => c.id)).toEqual([two.id]);
			expect((await store.claimWmsCalls(T, { ids: [three.id] })).map((c) => c.id)).toEqual([three.id]);
			const all = await store.claimWmsCalls(T, { leaseSeconds: 30 });
			expect(all.map((c) => c.id)).toEqual([one.id]);
			expect(await store.claimWmsCalls(at(10))).toEqual([]);
			const pending = await store.markWmsCall(one.id, one.version, { failed: { error: 'HTTP 503', nextAttemptAt: at(60) } });
			expect([pending.call.status, pending.call.attempts, pending.call.nextAttemptAt, pending.call.lastError]).toEqual(['pending', 1, at(60), 'HTTP 503']);
			// the other leases (30 s, and 120 s by default) run out; the retried one is due only at its time
			expect((await store.claimWmsCalls(at(59))).map((c) => c.id)).toEqual([]);
			expect((await store.claimWmsCalls(at(121))).map((c) => c.id)).toEqual([one.id, two.id, three.id]);
			const dead = await store.markWmsCall(one.id, one.version, { failed: { error: 'HTTP 503 again', nextAttemptAt: null } });
			expect([dead.call.status, dead.call.attempts, dead.call.nextAttemptAt]).toEqual(['failed', 2, null]);
			expect((await store.listWmsCalls({ status: ['failed'] })).map((c) => c.id)).toEqual([one.id]);
			expect((await store.listWmsCalls({ omsId: 'd:1', kind: 'cancel' })).map((c) => c.shipmentNo)).toEqual([1, 2]);
			await expect(store.markWmsCall(987654, 1, { sent: { answer: null } })).rejects.toThrow(/No WMS call 987654/);
		});

		it('an address update is owed anew for another address (an attempt on the older one is not recorded), once for the same', async () => {
			const store = getStore();
			const a = (await store.enqueueWmsCall(address('e:1', '1 Old St'))).call;
			const [claimed] = await store.claimWmsCalls(T, { ids: [a.id] });
			const same = await store.enqueueWmsCall(address('e:1', '1 Old St'));
			expect([same.outcome, same.call.version]).toEqual(['exists', 1]);
			const newer = await store.enqueueWmsCall(address('e:1', '2 New St'));
			expect([newer.outcome, newer.call.version, newer.call.payload]).toEqual(['superseded', 2, { shipTo: { line1: '2 New St', city: 'Leeds' } }]);
			// the attempt in flight sent the old address: it does not mark the new one sent
			const stale = await store.markWmsCall(claimed.id, claimed.version, { sent: { answer: { updated: true } } });
			expect([stale.recorded, stale.call.status, stale.call.attempts, stale.call.leaseUntil]).toEqual([false, 'pending', 0, null]);
			const [next] = await store.claimWmsCalls(T, { ids: [a.id] });
			expect(next.payload).toEqual({ shipTo: { line1: '2 New St', city: 'Leeds' } });
			expect((await store.markWmsCall(next.id, next.version, { sent: { answer: { updated: true } } })).call.status).toBe('sent');
			expect((await store.enqueueWmsCall(address('e:1', '2 New St'))).outcome).toBe('exists');
		});

		it('bad input is an error naming the field, and writes nothing', async () => {
			const store = getStore();
			await expect(store.enqueueWmsCall({ ...cancel('f:1'), kind: 'refund' as never })).rejects.toThrow(/kind must be cancel, address_update or return_create/);
			await expect(store.enqueueWmsCall({ ...cancel('f:1'), reference: ' ' })).rejects.toThrow(/reference must be a non-empty string/);
			await expect(store.enqueueWmsCall({ ...cancel('f:1'), shipmentNo: 0 })).rejects.toThrow(/shipmentNo must be a whole number/);
			await expect(store.enqueueWmsCall({ ...address('f:1', 'x'), payload: {} })).rejects.toThrow(/payload.shipTo/);
			expect(await store.listWmsCalls({ omsId: 'f:1' })).toEqual([]);
		});

		it("an answer is recorded with the order's transition in one transaction; a failing transition writes neither", async () => {
			const store = getStore();
			const o = makeOrder();
			await store.recordOrder(o);
			await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
			await store.transition(o.omsId, { to: 'at_wms', cause: 'sent_to_wms' });
			const c = (await store.enqueueWmsCall(cancel(o.omsId))).call;
			await store.claimWmsCalls(T, { ids: [c.id] });
			await expect(store.transition('nope:1', { wmsCall: { id: c.id, version: c.version, attempt: { sent: { answer: null } } } })).rejects.toThrow();
			await expect(store.transition(o.omsId, { to: 'cancelled', cause: 'not_a_cause' as never, wmsCall: { id: c.id, version: c.version, attempt: { sent: { answer: null } } } })).rejects.toThrow(/unknown cause/);
			expect((await store.getWmsCall(c.id))!.status).toBe('pending');
			const other = makeOrder();
			await store.recordOrder(other);
			await expect(store.transition(other.omsId, { wmsCall: { id: c.id, version: c.version, attempt: { sent: { answer: null } } } })).rejects.toThrow(/belongs to/);
			expect((await store.getWmsCall(c.id))!.status).toBe('pending');
			// an answer to an address since replaced (owed anew): only the lease goes; nothing else of the transition is written
			const addr = (await store.enqueueWmsCall({ ...address(o.omsId, '1 Old St'), reference: o.omsId })).call;
			await store.claimWmsCalls(T, { ids: [addr.id] });
			await store.enqueueWmsCall({ ...address(o.omsId, '2 New St'), reference: o.omsId });
			const hold = { reason: 'address' as const, since: T, detail: 'refused' };
			const stale = await store.transition(o.omsId, { to: 'at_wms', cause: 'channel_change_held', hold, onlyFrom: ['at_wms'], events: [{ type: 'wms' }], wmsCall: { id: addr.id, version: addr.version, attempt: { refused: { error: 'no' } } } });
			expect([stale.changed, stale.wmsCall?.recorded, stale.wmsCall?.call.status, stale.stored.hold]).toEqual([false, false, 'pending', null]);
			expect((await store.timeline(o.omsId)).filter((e) => e.type === 'wms')).toEqual([]);
			const r = await store.transition(o.omsId, { to: 'cancelled', cause: 'wms_cancelled', release: true, wmsCall: { id: c.id, version: c.version, attempt: { sent: { answer: { cancelled: true } } } } });
			expect([r.changed, r.stored.status, r.wmsCall?.recorded, r.wmsCall?.call.status]).toEqual([true, 'cancelled', true, 'sent']);
		});
	});
}
