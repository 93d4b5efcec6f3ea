/** Several OS processes reserving against one SQLite file: exactly the stock there is, never more. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openSqliteStore } from '../../../lib/store/sqlite';

const run = promisify(execFile);
const root = resolve(__dirname, '../../..');

describe('SQLite store across processes', () => {
	const dir = mkdtempSync(join(tmpdir(), 'oms-procs-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('1,000 orders from 4 processes for 100 units leave exactly 100 allocated and 900 backordered', async () => {
		const path = join(dir, 'oms.sqlite');
		const store = await openSqliteStore(path);
		await store.upsertStockLevels([{ sku: 'HOT', onHand: 100 }]);
		await store.close();
		const workers = Array.from({ length: 4 }, (_, w) =>
			run(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'reserve-worker.ts'), path, String(w), '250', '5', 'HOT'], {
				cwd: root,
				env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json') },
			}),
		);
		const outputs = await Promise.all(workers);
		const got = outputs.map((o) => JSON.parse(o.stdout).got as number);
		expect(got.reduce((a, b) => a + b, 0)).toBe(100);
		const check = await openSqliteStore(path);
		const [row] = await check.getStock(['HOT']);
		expect(row).toMatchObject({ onHand: 100, reserved: 100, atp: 0 });
		const active = await check.activeReservations();
		expect(active).toHaveLength(100);
		expect(new Set(active.map((a) => a.omsId)).size).toBe(100);
		await check.close();
	});
});
