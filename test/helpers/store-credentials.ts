/**
 * OMS Store credentials for node and workflow tests: a fresh SQLite file, or a fresh schema in the PostgreSQL that
 * `npm test` starts (OMS_TEST_PG_URL; without it the test fails rather than skipping). Each returns the credential
 * data to hand to the harness and the same store opened directly, for setup and checks.
 */
import { join } from 'node:path';
import { openStore, storeConfigFromCredential } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';

export type StoreCredentials = { omsStoreApi: Record<string, unknown> };
export type StoreSetup = () => Promise<{ credentials: StoreCredentials; store: Store }>;

let n = 0;

export function sqliteSetup(dir: string, prefix: string): StoreSetup {
	return async () => {
		const credentials = { omsStoreApi: { storeType: 'sqlite', sqlitePath: join(dir, `${prefix}-${n++}.sqlite`) } };
		return { credentials, store: await openStore(storeConfigFromCredential(credentials.omsStoreApi)) };
	};
}

export function pgSetup(prefix: string): StoreSetup {
	return async () => {
		const url = process.env.OMS_TEST_PG_URL;
		if (!url) throw new Error('OMS_TEST_PG_URL is not set: run with `npm test`, which starts PostgreSQL');
		const u = new URL(url);
		const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}_${n++}`;
		const { Client } = await import('pg');
		const c = new Client({ connectionString: url });
		await c.connect();
		await c.query(`CREATE SCHEMA ${schema}`);
		await c.end();
		const credentials = {
			omsStoreApi: {
				storeType: 'postgres',
				host: u.hostname,
				port: Number(u.port),
				database: u.pathname.slice(1),
				user: decodeURIComponent(u.username),
				password: decodeURIComponent(u.password),
				ssl: 'disable',
				schema,
			},
		};
		return { credentials, store: await openStore(storeConfigFromCredential(credentials.omsStoreApi)) };
	};
}
