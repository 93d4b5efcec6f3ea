/**
 * The order flows (lib/flows) write each stage in ONE store call, Store.transition, so no crash can leave half a
 * stage behind (a status without its release, a decision without its status...): every call the flow makes to the
 * store is watched, and the writes must be exactly one transition. And what each stage writes, on a real store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRuleSet, cancelOrder, releaseHeld, reserveOrders, resolveOne, routeOne, screenOne, type BuiltRuleSet } from '../../../lib/flows';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';

let dir: string;
let store: Store;
beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'oms-flows-'));
	store = await openSqliteStore(join(dir, 'oms.sqlite'));
	await store.upsertStockLevels([{ sku: 'SKU-1', onHand: 100 }]);
});
afterAll(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

/** The store, with the names of the writing methods the flow called, in order. */
function watched(): { store: Store; writes: string[] } {
	const writes: string[] = [];
	const reads = new Set(['getOrder', 'getOrders', 'searchOrders', 'timeline', 'getFraudDecision', 'velocity', 'getStock', 'getStockCells', 'getBundles', 'getDeliveries', 'getDelivery', 'listDeliveries', 'getShipments', 'activeReservations', 'getPublished', 'getPublishedQuantities', 'query']);
	const proxy = new Proxy(store, {
		get(target, key, receiver) {
			const value = Reflect.get(target, key, receiver) as unknown;
			if (typeof value !== 'function') return value;
			return (...args: unknown[]) => {
				if (!reads.has(String(key))) writes.push(String(key));
				return (value as (...a: unknown[]) => unknown).apply(target, args);
			};
		},
	});
	return { store: proxy, writes };
}

/** Review from 1 point: the default rules' order-total rule (over USD 1,000) sends the orders below to review */
const reviewAll = buildRuleSet({ reviewThreshold: 1, rejectThreshold: 100 }) as BuiltRuleSet;
const screenOpts = { now: '2026-05-02T10:00:00.000Z', reviewTimeLimitHours: 72, rescreenResolved: false, cause: 'test (Screen)' };

async function recorded(quantity = 2) {
	const o = makeOrder({ lines: [{ lineId: '1', sku: 'SKU-1', title: 'Lamp', quantity, unitPrice: 600, lineTotal: 600 * quantity }] });
	await store.recordOrder(o);
	return o;
}

it('the rule set is valid', () => {
	expect('error' in reviewAll).toBe(false);
});

it('Screen: the decision, the fraud annotation and the status in one transition', async () => {
	const o = await recorded();
	const w = watched();
	const r = await screenOne(w.store, o, reviewAll, screenOpts);
	expect(w.writes).toEqual(['transition']);
	expect([r.route, r.statusChanged, r.stored.status, r.stored.hold?.reason]).toEqual(['review', true, 'fraud_review', 'fraud_review']);
	expect((await store.getFraudDecision(o.omsId))!.fraud.decision).toBe('review');
	expect(r.stored.order.fraud?.decision).toBe('review');
});

it('Screen of an order further along (ready): the evidence is written, the status stays', async () => {
	const o = await recorded();
	await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
	const r = await screenOne(store, o, reviewAll, screenOpts);
	expect([r.route, r.statusChanged, r.stored.status]).toEqual(['review', false, 'ready']);
	expect((await store.getFraudDecision(o.omsId))!.fraud.decision).toBe('review');
});

it('Resolve Review: the resolution, the annotation carrying it, and the status in one transition; once', async () => {
	const o = await recorded();
	await screenOne(store, o, reviewAll, screenOpts);
	const w = watched();
	const r = await resolveOne(w.store, o.omsId, 'approved', 'ana', 'known customer');
	expect(w.writes).toEqual(['transition']);
	expect([r.route, r.alreadyResolved, r.statusChanged, r.stored.status, r.stored.hold]).toEqual(['pass', false, true, 'received', null]);
	const resolution = (await store.getFraudDecision(o.omsId))!.resolution!;
	expect(resolution).toMatchObject({ decision: 'approved', by: 'ana', note: 'known customer' });
	expect(r.stored.order.fraud?.resolution).toEqual(resolution);
	const again = await resolveOne(store, o.omsId, 'approved', 'bob', null);
	expect([again.alreadyResolved, again.statusChanged]).toEqual([true, false]);
	await expect(resolveOne(store, o.omsId, 'rejected', 'bob', null)).rejects.toThrow(/already resolved: approved by ana/);
});

it('Cancel: the status and the release of the reserved units in one transition; a second cancel changes nothing', async () => {
	const o = await recorded(3);
	await reserveOrders(store, [{ index: 0, doc: o as unknown as Record<string, unknown> }], null, []);
	expect((await store.activeReservations(o.omsId)).reduce((s, r) => s + r.quantity, 0)).toBe(3);
	const w = watched();
	const r = await cancelOrder(w.store, o.omsId, { by: 'ana', reason: 'customer asked' });
	expect(w.writes).toEqual(['transition']);
	expect([r.changed, r.stored.status, r.released]).toEqual([true, 'cancelled', 3]);
	expect(await store.activeReservations(o.omsId)).toEqual([]);
	const again = await cancelOrder(store, o.omsId, { by: 'ana', reason: null });
	expect([again.changed, again.released]).toEqual([false, 0]);
});

it('Route (cancel_unavailable, nothing allocated, Cancel Whole Order): status and release in one transition', async () => {
	await store.upsertStockLevels([{ sku: 'SKU-NONE', onHand: 0 }]);
	const o = makeOrder({ lines: [{ lineId: '1', sku: 'SKU-NONE', title: 'Gone', quantity: 1, unitPrice: 5, lineTotal: 5 }] });
	await store.recordOrder(o);
	const { outcomes } = await reserveOrders(store, [{ index: 0, doc: o as unknown as Record<string, unknown> }], null, []);
	const reserved = outcomes[0];
	if (!reserved.ok) throw reserved.error;
	const w = watched();
	const r = await routeOne(w.store, { ...o, allocation: reserved.allocation }, { default: 'cancel_unavailable', byChannel: {} }, {
		now: new Date('2026-05-02T10:00:00.000Z'),
		cancelWholeOrder: true,
		cause: 'test (Route)',
	});
	expect(w.writes).toEqual(['transition']);
	expect([r.output, r.changed, r.stored.status]).toEqual(['backorder', true, 'cancelled']);
});

it('Release Held: the top-up is one store call, then status, hold and new allocation in one transition per order', async () => {
	await store.upsertStockLevels([{ sku: 'SKU-LATE', onHand: 0 }]);
	const o = makeOrder({ lines: [{ lineId: '1', sku: 'SKU-LATE', title: 'Late', quantity: 2, unitPrice: 5, lineTotal: 10 }] });
	await store.recordOrder(o);
	const { outcomes } = await reserveOrders(store, [{ index: 0, doc: o as unknown as Record<string, unknown> }], null, []);
	const reserved = outcomes[0];
	if (!reserved.ok) throw reserved.error;
	const policy = { default: 'ship_complete' as const, byChannel: {} };
	const now = new Date('2026-05-02T10:00:00.000Z');
	const routed = await routeOne(store, { ...o, allocation: reserved.allocation }, policy, { now, cause: 'test (Route)' });
	expect(routed.stored.status).toBe('backordered');
	await store.upsertStockLevels([{ sku: 'SKU-LATE', onHand: 5 }]);
	const w = watched();
	const released = await releaseHeld(w.store, policy, { now, cause: 'test (Release Held)' });
	expect(w.writes).toEqual(['reserve', 'transition']);
	expect(released.map((r) => [r.output, r.released, r.stored.status, r.stored.hold, r.stored.order.allocation?.status])).toEqual([['ready', true, 'ready', null, 'allocated']]);
	expect(await releaseHeld(store, policy, { now, cause: 'test (Release Held)' })).toEqual([]);
});
