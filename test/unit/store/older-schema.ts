/**
 * A store written by an older schema, on both stores, for the migration tests: the migrations up to `version` run by
 * hand, `rows` inserted as that schema kept them, then the store opened (which migrates it) and `check`ed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { MIGRATIONS } from '../../../lib/store/schema';
import { openPostgresStore } from '../../../lib/store/postgres';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';

async function checked(store: Store, check: (store: Store) => Promise<void>): Promise<void> {
	try {
		await check(store);
	} finally {
		await store.close();
	}
}

export async function sqliteFrom(version: number, rows: string[], check: (store: Store) => Promise<void>): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), `oms-mig${version}-`));
	try {
		const path = join(dir, 'oms.sqlite');
		const db = new DatabaseSync(path);
		db.exec('CREATE TABLE oms_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
		for (const m of MIGRATIONS.filter((x) => x.version <= version)) for (const sql of m.sqlite) db.exec(sql);
		db.exec(`INSERT INTO oms_meta (key, value) VALUES ('schema_version', '${version}')`);
		for (const sql of rows) db.exec(sql);
		db.close();
		await checked(await openSqliteStore(path), check);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function postgresFrom(version: number, rows: string[], check: (store: Store) => Promise<void>): Promise<void> {
	const url = process.env.OMS_TEST_PG_URL;
	if (!url) throw new Error('OMS_TEST_PG_URL is not set: run the tests with `npm test`, which starts PostgreSQL');
	const schema = `mig${version}_${process.pid}_${Date.now().toString(36)}`;
	const c = new Client({ connectionString: url });
	await c.connect();
	try {
		await c.query(`CREATE SCHEMA ${schema}`);
		await c.query(`SET search_path = ${schema}`);
		await c.query('CREATE TABLE oms_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
		for (const m of MIGRATIONS.filter((x) => x.version <= version)) for (const sql of m.postgres) await c.query(sql);
		await c.query(`INSERT INTO oms_meta (key, value) VALUES ('schema_version', '${version}')`);
		for (const sql of rows) await c.query(sql);
		await checked(
			await openPostgresStore({
				connectionString: url,
				options: `-c search_path=${schema}`,
			}),
			check,
		);
	} finally {
		await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
		await c.end();
	}
}
