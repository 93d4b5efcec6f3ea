/**
 * Schema 4 turns the reservation ledger (one row per line and status, plus a processed('reserve') marker per order)
 * into one document per order. A store written by schema 3 must open with the same reservations, the same
 * 'reserved once' answers and the same stock, on both stores.
 */
import { LATEST_SCHEMA_VERSION } from '../../../lib/store/schema';
import type { Store } from '../../../lib/store/types';
import { postgresFrom, sqliteFrom } from './older-schema';

const T = '2026-05-01T10:00:00.000Z';
/** The ledger as schema 3 kept it for o:1 (line 1: 2 active + 1 shipped + 1 released; line 2: 1 active) and o:2 (reserved, nothing allocated) */
const V3_ROWS = [
	`INSERT INTO stock (sku, location, on_hand, reserved, safety_stock, updated_at) VALUES ('A', 'default', 10, 3, 0, '${T}')`,
	`INSERT INTO reservations (oms_id, line_id, sku, location, quantity, status, created_at, updated_at) VALUES
		('o:1', '1', 'A', 'default', 2, 'active', '${T}', '${T}'),
		('o:1', '1', 'A', 'default', 1, 'committed', '${T}', '${T}'),
		('o:1', '2', 'A', 'default', 1, 'active', '${T}', '${T}'),
		('o:1', '1', 'A', 'default', 1, 'released', '${T}', '${T}')`,
	`INSERT INTO processed (source, id, at) VALUES ('reserve', 'o:1', '${T}'), ('reserve', 'o:2', '${T}'), ('commit', 'o:1#pkg', '${T}')`,
];

async function expectMigrated(store: Store): Promise<void> {
	expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
	expect((await store.activeReservations('o:1')).map((r) => [r.lineId, r.sku, r.quantity])).toEqual([
		['1', 'A', 2],
		['2', 'A', 1],
	]);
	expect(await store.query("SELECT id FROM processed WHERE source = 'reserve'")).toEqual([]);
	// o:2 was reserved before (with nothing allocated): 'once' leaves it alone
	const [again] = await store.reserve([
		{
			omsId: 'o:2',
			allowPartial: true,
			lines: [{ lineId: '1', sku: 'A', quantity: 1 }],
		},
	]);
	expect(again).toMatchObject({
		changed: false,
		lines: [{ allocated: 0, backordered: 1 }],
	});
	// topping up o:1's line 1 to 4 units: 2 held + 1 shipped count, so one more is reserved
	const [topUp] = await store.reserve([
		{
			omsId: 'o:1',
			allowPartial: true,
			mode: 'topUp',
			lines: [{ lineId: '1', sku: 'A', quantity: 4 }],
		},
	]);
	expect(topUp.lines[0]).toMatchObject({ allocated: 4, backordered: 0 });
	expect((await store.getStock(['A']))[0]).toMatchObject({
		onHand: 10,
		reserved: 4,
	});
	// the shipped package is still known: committing it again changes nothing
	expect((await store.commitShipment('o:1', 'pkg', [{ sku: 'A', quantity: 1 }])).changed).toBe(false);
	expect((await store.release('o:1')).released.reduce((s, p) => s + p.quantity, 0)).toBe(4);
	expect((await store.getStock(['A']))[0]).toMatchObject({
		onHand: 10,
		reserved: 0,
	});
}

describe('schema 4: reservations become one document per order', () => {
	it('SQLite: a schema 3 store opens with the same reservations and markers', () => sqliteFrom(3, V3_ROWS, expectMigrated));
	it('PostgreSQL: a schema 3 store opens with the same reservations and markers', () => postgresFrom(3, V3_ROWS, expectMigrated));
});
