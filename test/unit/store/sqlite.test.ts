import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { LATEST_SCHEMA_VERSION } from '../../../lib/store/schema';
import { openSqliteStore } from '../../../lib/store/sqlite';
import { describeStoreConformance } from './conformance';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempPath(): string {
	const dir = mkdtempSync(join(tmpdir(), 'oms-sqlite-'));
	dirs.push(dir);
	return join(dir, 'oms.sqlite');
}

describeStoreConformance('SQLite (node:sqlite)', { open: (opts) => openSqliteStore(tempPath(), opts ?? {}) });

describe('SQLite store specifics', () => {
	it('uses WAL and refuses a store whose schema is newer than the code', async () => {
		const path = tempPath();
		const store = await openSqliteStore(path);
		expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
		await store.close();
		const db = new DatabaseSync(path);
		expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
		db.prepare("UPDATE oms_meta SET value = '999' WHERE key = 'schema_version'").run();
		db.close();
		await expect(openSqliteStore(path)).rejects.toThrow(/schema version 999, newer than this n8n-nodes-oms-wms supports \(\d+\)/);
	});

	it('migrates once when opened again', async () => {
		const path = tempPath();
		const a = await openSqliteStore(path);
		await a.upsertStockLevels([{ sku: 'A', onHand: 1 }]);
		await a.close();
		const b = await openSqliteStore(path);
		expect((await b.getStock())[0].onHand).toBe(1);
		await b.close();
	});
});
