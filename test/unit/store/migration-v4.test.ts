/**
 * Schema 4 turns the reservation ledger (one row per line and status, plus a processed('reserve') marker per order)
 * into one document per order. A store written by schema 3 must open with the same reservations, the same
 * 'reserved once' answers and the same stock, on both stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../lib/store/schema';
import { openSqliteStore } from '../../../lib/store/sqlite';
import { openPostgresStore } from '../../../lib/store/postgres';
import type { Store } from '../../../lib/store/types';

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
	const [again] = await store.reserve([{ omsId: 'o:2', allowPartial: true, lines: [{ lineId: '1', sku: 'A', quantity: 1 }] }]);
	expect(again).toMatchObject({ changed: false, lines: [{ allocated: 0, backordered: 1 }] });
	// topping up o:1's line 1 to 4 units: 2 held + 1 shipped count, so one more is reserved
	const [topUp] = await store.reserve([{ omsId: 'o:1', allowPartial: true, mode: 'topUp', lines: [{ lineId: '1', sku: 'A', quantity: 4 }] }]);
	expect(topUp.lines[0]).toMatchObject({ allocated: 4, backordered: 0 });
	expect((await store.getStock(['A']))[0]).toMatchObject({ onHand: 10, reserved: 4 });
	// the shipped package is still known: committing it again changes nothing
	expect((await store.commitShipment('o:1', 'pkg', [{ sku: 'A', quantity: 1 }])).changed).toBe(false);
	expect((await store.release('o:1')).released.reduce((s, p) => s + p.quantity, 0)).toBe(4);
	expect((await store.getStock(['A']))[0]).toMatchObject({ onHand: 10, reserved: 0 });
}

describe('schema 4: reservations become one document per order', () => {
	it('SQLite: a schema 3 store opens with the same reservations and markers', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'oms-mig4-'));
		try {
			const path = join(dir, 'oms.sqlite');
			const db = new DatabaseSync(path);
			db.exec('CREATE TABLE oms_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
			for (const m of MIGRATIONS.filter((x) => x.version <= 3)) for (const sql of m.sqlite) db.exec(sql);
			db.exec("INSERT INTO oms_meta (key, value) VALUES ('schema_version', '3')");
			for (const sql of V3_ROWS) db.exec(sql);
			db.close();
			const store = await openSqliteStore(path);
			try {
				await expectMigrated(store);
			} finally {
				await store.close();
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('PostgreSQL: a schema 3 store opens with the same reservations and markers', async () => {
		const url = process.env.OMS_TEST_PG_URL;
		if (!url) throw new Error('OMS_TEST_PG_URL is not set: run the tests with `npm test`, which starts PostgreSQL');
		const schema = `mig4_${process.pid}_${Date.now().toString(36)}`;
		const c = new Client({ connectionString: url });
		await c.connect();
		try {
			await c.query(`CREATE SCHEMA ${schema}`);
			await c.query(`SET search_path = ${schema}`);
			await c.query('CREATE TABLE oms_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
			for (const m of MIGRATIONS.filter((x) => x.version <= 3)) for (const sql of m.postgres) await c.query(sql);
			await c.query("INSERT INTO oms_meta (key, value) VALUES ('schema_version', '3')");
			for (const sql of V3_ROWS) await c.query(sql);
			const store = await openPostgresStore({ connectionString: url, options: `-c search_path=${schema}` });
			try {
				await expectMigrated(store);
			} finally {
				await store.close();
			}
		} finally {
			await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
			await c.end();
		}
	});
});
