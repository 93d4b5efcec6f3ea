/**
 * Warehouses (issue 23), in the store conformance suite (SQLite and PostgreSQL): a warehouse per stock location
 * with its address, fulfilment account, channels, priority and buffer, created then replaced by location; a wrong
 * input names itself and writes nothing of its batch.
 */
import type { Store } from '../../../lib/store/types';
import { WarehouseInputError } from '../../../lib/stock/warehouse';
import type { StoreFactory } from './conformance';
import type { LineRouter } from '../../../lib/stock/types';
import { routerFor } from '../../../lib/flows/warehouse-routing';

const NOW = '2026-05-21T00:00:00.000Z';

export function describeWarehousesConformance(factory: StoreFactory): void {
	describe('warehouses', () => {
		let store: Store;
		beforeEach(async () => {
			store = await factory.open({ now: () => new Date(NOW) });
		});
		afterEach(async () => {
			await store.close();
		});

		it('a new store has none; an upsert creates them, a second replaces by location; the list is by location', async () => {
			expect(await store.listWarehouses()).toEqual([]);
			const first = await store.upsertWarehouses([
				{ location: 'west', name: 'Reno 3PL', country: 'us', postcode: '89502', account: { kind: 'wms', provider: 'shipbob', credential: 'ShipBob West' }, channels: ['Amazon', 'shopify', 'amazon'], priority: 2, buffer: 3 },
				{ location: 'east', country: 'United States', postcode: '07001', account: { kind: 'edi', partner: 'ACME 3PL' } },
			]);
			expect(first.map((u) => [u.warehouse.location, u.created])).toEqual([
				['west', true],
				['east', true],
			]);
			expect(await store.listWarehouses()).toEqual([
				{ location: 'east', name: 'east', country: 'US', postcode: '07001', account: { kind: 'edi', partner: 'ACME 3PL' }, channels: [], priority: 0, buffer: 0, active: true, updatedAt: NOW },
				{
					location: 'west',
					name: 'Reno 3PL',
					country: 'US',
					postcode: '89502',
					account: { kind: 'wms', provider: 'shipbob', credential: 'ShipBob West' },
					channels: ['amazon', 'shopify'],
					priority: 2,
					buffer: 3,
					active: true,
					updatedAt: NOW,
				},
			]);
			// replaced whole: the account changes kind, the channels are cleared, it is switched off
			const second = await store.upsertWarehouses([{ location: 'west', country: 'US', postcode: '89502', account: { kind: 'edi', partner: 'P2' }, active: false }]);
			expect(second.map((u) => [u.warehouse.location, u.created])).toEqual([['west', false]]);
			const west = (await store.listWarehouses()).find((w) => w.location === 'west');
			expect(west).toEqual({ location: 'west', name: 'west', country: 'US', postcode: '89502', account: { kind: 'edi', partner: 'P2' }, channels: [], priority: 0, buffer: 0, active: false, updatedAt: NOW });
		});

		it('a wrong warehouse throws naming it and each wrong field; nothing of its batch is written', async () => {
			const attempt = store.upsertWarehouses([
				{ location: 'ok', country: 'DE', postcode: '10115' },
				{ location: 'bad', country: 'Atlantis', postcode: 'x', priority: 1.5, buffer: -1, account: { kind: 'wms', provider: 'shipbob', credential: '' } },
			]);
			await expect(attempt).rejects.toBeInstanceOf(WarehouseInputError);
			await expect(attempt).rejects.toThrow(/Warehouse "bad": country must be .*Atlantis.*; account.credential is required.*; priority must be a whole number, got 1.5; buffer must be a whole number >= 0, got -1/);
			await expect(store.upsertWarehouses([{ location: 'us', country: 'US', postcode: '1234' }])).rejects.toThrow('postcode must be a US ZIP code (12345 or 12345-6789), got "1234"');
			await expect(store.upsertWarehouses([{ location: 'a', country: 'US' }, { location: 'a', country: 'GB' }])).rejects.toThrow('Warehouse "a" is given twice');
			expect(await store.listWarehouses()).toEqual([]);
		});
	
		it("a reservation's router takes exactly the units it names (capped by the ATP then), in the store's transaction", async () => {
			await store.upsertStockLevels([
				{ sku: 'A', location: 'west', onHand: 2 },
				{ sku: 'A', location: 'east', onHand: 9 },
				{ sku: 'B', location: 'west', onHand: 5 },
			]);
			const seen: number[] = [];
			const router: LineRouter = (atp) => {
				seen.push(atp('west', 'A'), atp('east', 'A'), atp('nowhere', 'A'));
				return new Map([
					['1', [{ location: 'west', quantity: 3 }]], // west has 2: 2 taken, 1 backordered (never the default rule's east)
					['2', [{ location: 'west', quantity: 1 }]],
				]);
			};
			const [r] = await store.reserve([{ omsId: 'o1', lines: [{ lineId: '1', sku: 'A', quantity: 3 }, { lineId: '2', sku: 'B', quantity: 1 }], allowPartial: true, router }]);
			expect(seen).toEqual([2, 9, 0]);
			expect(r.lines.map((l) => [l.lineId, l.allocated, l.backordered, l.parts])).toEqual([
				['1', 2, 1, [{ sku: 'A', location: 'west', quantity: 2 }]],
				['2', 1, 0, [{ sku: 'B', location: 'west', quantity: 1 }]],
			]);
			const cells = await store.getStock(['A']);
			expect(cells.map((c) => [c.location, c.reserved]).sort()).toEqual([
				['east', 0],
				['west', 2],
			]);
		});

		it('concurrent routed reservations of the last units across two warehouses never oversell', async () => {
			await store.upsertWarehouses([
				{ location: 'west', country: 'US', postcode: '89502' },
				{ location: 'east', country: 'US', postcode: '07001' },
			]);
			await store.upsertStockLevels([
				{ sku: 'A', location: 'west', onHand: 3 },
				{ sku: 'A', location: 'east', onHand: 2 },
			]);
			const warehouses = await store.listWarehouses();
			const routed: string[][] = [];
			const results = await Promise.all(
				Array.from({ length: 8 }, (_, i) => {
					const lines = [{ lineId: '1', sku: 'A', quantity: 1 }];
					const router = routerFor({ channel: 'shopify', shipTo: { country: 'US', postalCode: '94103' } }, lines, warehouses, {}, (r) => routed.push(r.shipments.map((s) => s.location)));
					return store.reserve([{ omsId: `o${i}`, lines, allowPartial: true, router }]);
				}),
			);
			const allocated = results.map(([r]) => r.lines[0].allocated);
			expect(allocated.reduce((a, b) => a + b, 0)).toBe(5);
			const cells = await store.getStock(['A']);
			for (const c of cells) expect(c.reserved).toBeLessThanOrEqual(c.onHand);
			expect(cells.map((c) => [c.location, c.reserved]).sort()).toEqual([
				['east', 2],
				['west', 3],
			]);
			// the nearer warehouse (west, for San Francisco) went first: its 3 units to the first 3 orders served
			const places = results.flatMap(([r]) => r.lines[0].parts.map((p) => p.location));
			expect(places.filter((p) => p === 'west')).toHaveLength(3);
		});
	});
}
