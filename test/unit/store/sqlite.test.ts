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

	it('a reservation sees what another connection to the same file committed since its last batch', async () => {
		// the store keeps the stock rows its last reservation left (see stockCache in lib/store/sqlite.ts); another
		// connection's commit (another n8n process, another credential) must make it read them again
		const path = tempPath();
		const a = await openSqliteStore(path);
		const b = await openSqliteStore(path);
		try {
			await a.upsertStockLevels([{ sku: 'S', onHand: 10 }]);
			expect((await a.reserve([{ omsId: 'x:1', allowPartial: true, lines: [{ lineId: '1', sku: 'S', quantity: 4 }] }]))[0].lines[0].allocated).toBe(4);
			// b takes 5 of the 6 left, then the WMS count (through b) drops on hand to 9
			expect((await b.reserve([{ omsId: 'x:2', allowPartial: true, lines: [{ lineId: '1', sku: 'S', quantity: 5 }] }]))[0].lines[0].allocated).toBe(5);
			await b.upsertStockLevels([{ sku: 'S', onHand: 9 }]);
			// a must see reserved 9 of 9: nothing left
			const [late] = await a.reserve([{ omsId: 'x:3', allowPartial: true, lines: [{ lineId: '1', sku: 'S', quantity: 1 }] }]);
			expect(late.lines[0]).toMatchObject({ allocated: 0, backordered: 1 });
			expect((await a.getStock(['S']))[0]).toMatchObject({ onHand: 9, reserved: 9, atp: 0 });
			// and a release through b is seen by a's next batch
			await b.release('x:2');
			expect((await a.reserve([{ omsId: 'x:4', allowPartial: true, lines: [{ lineId: '1', sku: 'S', quantity: 5 }] }]))[0].lines[0].allocated).toBe(5);
		} finally {
			await a.close();
			await b.close();
		}
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
