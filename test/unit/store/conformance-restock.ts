/**
 * Restock once (issue 21), in the store conformance suite (SQLite and PostgreSQL): a returned unit reaches on hand
 * once, whether the WMS count that includes it comes after the restock or not at all yet, a count older than the
 * receipt never takes it away, and a return line restocked twice counts once. The store's clock is fixed, so "when
 * the count is taken in" never depends on the machine's.
 */
import type { Store } from '../../../lib/store/types';
import type { StoreFactory } from './conformance';

const RECEIVED = '2026-05-20T12:00:00.000Z';
const BEFORE = '2026-05-20T11:00:00.000Z';
const AFTER = '2026-05-20T13:00:00.000Z';

export function describeRestockConformance(factory: StoreFactory): void {
	describe('restock once', () => {
		let store: Store;
		beforeEach(async () => {
			// the store's own time (a count with no countedAt is taken at it): after the receipt
			store = await factory.open({ now: () => new Date('2026-05-21T00:00:00.000Z') });
		});
		afterEach(async () => {
			await store.close();
		});
		const onHand = async (sku: string) => (await store.getStock([sku])).find((r) => r.location === 'default')?.onHand;

		it('restocked 1, then a WMS count that includes it: on hand +1, not +2; the restock is absorbed', async () => {
			await store.upsertStockLevels([{ sku: 'MUG', onHand: 5, countedAt: BEFORE }]);
			const r = await store.restockReturnLines('shopify:R1', [{ lineId: '1', sku: 'MUG', quantity: 1 }], { receivedAt: RECEIVED, cause: 'test' });
			expect(r.restocked).toEqual([{ lineId: '1', sku: 'MUG', location: 'default', quantity: 1 }]);
			expect(r.changes).toEqual([{ sku: 'MUG', location: 'default', before: 5, after: 6 }]);
			expect(await onHand('MUG')).toBe(6);
			expect((await store.pendingRestocks()).map((p) => [p.returnId, p.lineId, p.quantity, p.receivedAt])).toEqual([['shopify:R1', '1', 1, RECEIVED]]);
			// the warehouse's next count has the unit: 6, and nothing is added on top
			const changes = await store.upsertStockLevels([{ sku: 'MUG', onHand: 6, countedAt: AFTER }]);
			expect(changes).toEqual([]);
			expect(await onHand('MUG')).toBe(6);
			expect(await store.pendingRestocks()).toEqual([]);
			// and a later count is the count again (the restock is not carried any more)
			await store.upsertStockLevels([{ sku: 'MUG', onHand: 4, countedAt: '2026-05-20T14:00:00.000Z' }]);
			expect(await onHand('MUG')).toBe(4);
		});

		it('a count older than the receipt does not erase the restocked unit; the first count after it absorbs it', async () => {
			await store.upsertStockLevels([{ sku: 'MUG', onHand: 5, countedAt: BEFORE }]);
			await store.restockReturnLines('shopify:R1', [{ lineId: '1', sku: 'MUG', quantity: 2 }], { receivedAt: RECEIVED });
			expect(await onHand('MUG')).toBe(7);
			// a count taken before the receipt (a sale meanwhile: 4) arrives late: 4 + the 2 restocked after it
			expect(await store.upsertStockLevels([{ sku: 'MUG', onHand: 4, countedAt: BEFORE }])).toEqual([{ sku: 'MUG', location: 'default', before: 7, after: 6 }]);
			expect(await onHand('MUG')).toBe(6);
			expect(await store.pendingRestocks(['MUG'])).toHaveLength(1);
			// a count with no time is taken when the store takes it in (after the receipt): it has the units
			await store.upsertStockLevels([{ sku: 'MUG', onHand: 6 }]);
			expect(await onHand('MUG')).toBe(6);
			expect(await store.pendingRestocks()).toEqual([]);
		});

		it('restocking the same return line twice changes nothing; another line of the return still restocks once', async () => {
			await store.upsertStockLevels([{ sku: 'MUG', onHand: 5, countedAt: BEFORE }]);
			await store.restockReturnLines('shopify:R1', [{ lineId: '1', sku: 'MUG', quantity: 1 }], { receivedAt: RECEIVED });
			const again = await store.restockReturnLines('shopify:R1', [{ lineId: '1', sku: 'MUG', quantity: 1 }], { receivedAt: RECEIVED });
			expect(again).toEqual({ restocked: [], already: ['1'], changes: [] });
			expect(await onHand('MUG')).toBe(6);
			const both = await store.restockReturnLines('shopify:R1', [{ lineId: '1', sku: 'MUG', quantity: 1 }, { lineId: '2', sku: 'CUP', quantity: 1 }], { receivedAt: RECEIVED });
			expect(both.restocked.map((l) => l.lineId)).toEqual(['2']);
			expect(both.already).toEqual(['1']);
			// CUP had no stock row: the restock creates it
			expect(both.changes).toEqual([{ sku: 'CUP', location: 'default', before: null, after: 1 }]);
			expect(await onHand('MUG')).toBe(6);
			expect(await onHand('CUP')).toBe(1);
			// restocked twice at once: still once
			const [a, b] = await Promise.all([
				store.restockReturnLines('shopify:R2', [{ lineId: '1', sku: 'MUG', quantity: 1 }], { receivedAt: RECEIVED }),
				store.restockReturnLines('shopify:R2', [{ lineId: '1', sku: 'MUG', quantity: 1 }], { receivedAt: RECEIVED }),
			]);
			expect([a.restocked.length, b.restocked.length].sort()).toEqual([0, 1]);
			expect(await onHand('MUG')).toBe(7);
		});

		it('a restock at another location is counted there only; a count of another SKU or location absorbs nothing', async () => {
			await store.upsertStockLevels([
				{ sku: 'MUG', onHand: 5, countedAt: BEFORE },
				{ sku: 'MUG', location: 'east', onHand: 1, countedAt: BEFORE },
			]);
			await store.restockReturnLines('shopify:R1', [{ lineId: '1', sku: 'MUG', location: 'east', quantity: 1 }], { receivedAt: RECEIVED });
			await store.upsertStockLevels([{ sku: 'MUG', onHand: 5, countedAt: AFTER }, { sku: 'PLATE', location: 'east', onHand: 3, countedAt: AFTER }]);
			expect((await store.getStock(['MUG'])).map((r) => [r.location, r.onHand]).sort()).toEqual([['default', 5], ['east', 2]]);
			expect(await store.pendingRestocks()).toHaveLength(1);
			await store.upsertStockLevels([{ sku: 'MUG', location: 'east', onHand: 2, countedAt: AFTER }]);
			expect(await store.pendingRestocks()).toEqual([]);
			expect((await store.getStock(['MUG'])).find((r) => r.location === 'east')?.onHand).toBe(2);
		});

		it('refuses a count time that is not a date-time, writing nothing', async () => {
			await expect(store.upsertStockLevels([{ sku: 'MUG', onHand: 5, countedAt: 'yesterday' }])).rejects.toThrow(/countedAt is not a date-time: "yesterday"/);
			expect(await store.getStock(['MUG'])).toEqual([]);
		});
	});
}
