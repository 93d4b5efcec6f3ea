/**
 * The conformance suite on PostgreSQL. `npm test` (scripts/run-tests.sh) starts a throwaway server and sets
 * OMS_TEST_PG_URL; without it this file fails rather than skipping, so a green run always covered PostgreSQL.
 */
import { Client } from 'pg';
import { openPostgresStore } from '../../../lib/store/postgres';
import { LATEST_SCHEMA_VERSION } from '../../../lib/store/schema';
import { describeStoreConformance } from './conformance';

const url = process.env.OMS_TEST_PG_URL;
if (!url) {
	throw new Error('OMS_TEST_PG_URL is not set: run the tests with `npm test`, which starts PostgreSQL (scripts/pg.sh)');
}

let n = 0;
const schemas: string[] = [];
async function freshSchema(): Promise<string> {
	const name = `t_${process.pid}_${Date.now().toString(36)}_${n++}`;
	const c = new Client({ connectionString: url });
	await c.connect();
	await c.query(`CREATE SCHEMA ${name}`);
	await c.end();
	schemas.push(name);
	return name;
}
afterAll(async () => {
	const c = new Client({ connectionString: url });
	await c.connect();
	for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
	await c.end();
});

export async function openTestPostgres(opts: { now?: () => Date } = {}, schema?: string) {
	const name = schema ?? (await freshSchema());
	return openPostgresStore({ connectionString: url, options: `-c search_path=${name}` }, { now: opts.now });
}

describeStoreConformance('PostgreSQL (pg)', { open: (opts) => openTestPostgres(opts) });

describe('PostgreSQL store specifics', () => {
	it('refuses a store whose schema is newer than the code', async () => {
		const schema = await freshSchema();
		const store = await openTestPostgres({}, schema);
		await store.query(`UPDATE oms_meta SET value = '999' WHERE key = 'schema_version'`);
		await store.close();
		await expect(openTestPostgres({}, schema)).rejects.toThrow(/schema version 999, newer than this n8n-nodes-oms-wms supports/);
	});

	it('two processes migrating at once leave one schema', async () => {
		const schema = await freshSchema();
		const stores = await Promise.all([openTestPostgres({}, schema), openTestPostgres({}, schema), openTestPostgres({}, schema)]);
		expect(await Promise.all(stores.map((s) => s.schemaVersion()))).toEqual([LATEST_SCHEMA_VERSION, LATEST_SCHEMA_VERSION, LATEST_SCHEMA_VERSION]);
		await Promise.all(stores.map((s) => s.close()));
	});

	it('several connections racing for the last units never oversell', async () => {
		const schema = await freshSchema();
		const stores = await Promise.all(Array.from({ length: 6 }, () => openTestPostgres({}, schema)));
		await stores[0].upsertStockLevels([{ sku: 'HOT', onHand: 100 }]);
		// 6 stores x 10 connections each, 300 one-unit orders in batches of 5, all at once
		const jobs: Promise<unknown>[] = [];
		let id = 0;
		for (const s of stores) {
			for (let b = 0; b < 10; b++) {
				const batch = Array.from({ length: 5 }, () => ({
					omsId: `race:${id++}`,
					allowPartial: true,
					lines: [{ lineId: '1', sku: 'HOT', quantity: 1 }],
				}));
				jobs.push(s.reserve(batch));
			}
		}
		const results = (await Promise.all(jobs)).flat() as Array<{ lines: Array<{ allocated: number }> }>;
		expect(results).toHaveLength(300);
		expect(results.reduce((sum, r) => sum + r.lines[0].allocated, 0)).toBe(100);
		const [row] = await stores[0].getStock(['HOT']);
		expect(row).toMatchObject({ onHand: 100, reserved: 100, atp: 0 });
		expect((await stores[0].activeReservations()).length).toBe(100);
		await Promise.all(stores.map((s) => s.close()));
	});
});
