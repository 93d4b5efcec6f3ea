/**
 * Warehouses (issue 23), in the store conformance suite (SQLite and PostgreSQL): a warehouse per stock location
 * with its address, fulfilment account, channels, priority and buffer, created then replaced by location; a wrong
 * input names itself and writes nothing of its batch.
 */
import type { Store } from '../../../lib/store/types';
import { WarehouseInputError } from '../../../lib/stock/warehouse';
import type { StoreFactory } from './conformance';

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
	});
}
