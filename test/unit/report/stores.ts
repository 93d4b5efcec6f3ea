/**
 * Both stores for the report tests: SQLite in a temp folder and PostgreSQL in a fresh schema per store.
 * Without OMS_TEST_PG_URL the PostgreSQL opener fails (the tests fail, they never skip).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openPostgresStore } from '../../../lib/store/postgres';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';

export interface StoreKind {
	name: 'SQLite' | 'PostgreSQL';
	open(now: () => Date): Promise<Store>;
}

const dir = mkdtempSync(join(tmpdir(), 'oms-report-'));
let n = 0;
const schemas: string[] = [];
const opened: Store[] = [];

function pgUrl(): string {
	const url = process.env.OMS_TEST_PG_URL;
	if (!url) throw new Error('OMS_TEST_PG_URL is not set: run the tests with `npm test`, which starts PostgreSQL (scripts/pg.sh)');
	return url;
}

export const STORES: StoreKind[] = [
	{
		name: 'SQLite',
		async open(now) {
			const s = await openSqliteStore(join(dir, `r-${n++}.sqlite`), { now });
			opened.push(s);
			return s;
		},
	},
	{
		name: 'PostgreSQL',
		async open(now) {
			const url = pgUrl();
			const schema = `rep_${process.pid}_${Date.now().toString(36)}_${n++}`;
			const c = new Client({ connectionString: url });
			await c.connect();
			await c.query(`CREATE SCHEMA ${schema}`);
			await c.end();
			schemas.push(schema);
			const s = await openPostgresStore({ connectionString: url, options: `-c search_path=${schema}` }, { now });
			opened.push(s);
			return s;
		},
	},
];

export async function closeStores(): Promise<void> {
	for (const s of opened.splice(0)) await s.close().catch(() => undefined);
	if (schemas.length) {
		const c = new Client({ connectionString: pgUrl() });
		await c.connect();
		for (const s of schemas.splice(0)) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
		await c.end();
	}
	rmSync(dir, { recursive: true, force: true });
}
