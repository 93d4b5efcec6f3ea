/**
 * The allocator's Reserve path (record -> reserve -> annotate -> publish) and the gate's Route, run by several OS
 * processes at once (bench/allocation/reserve-worker.ts): 1,000 one-unit orders for 100 units leave exactly 100
 * allocated (Ready) and 900 backordered, and ATP is never negative while they run - on one SQLite file, and on
 * PostgreSQL (every process with its own connections).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { closeAllStores, openStore, type StoreConfig } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const WORKERS = 4;
const ORDERS = 250;
const UNITS = 100;

const dir = mkdtempSync(join(tmpdir(), 'oms-alloc-procs-'));
afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

async function pgConfig(): Promise<StoreConfig> {
	const url = process.env.OMS_TEST_PG_URL;
	if (!url) throw new Error('OMS_TEST_PG_URL is not set: run with `npm test`, which starts PostgreSQL');
	const u = new URL(url);
	const schema = `alloc_procs_${process.pid}_${Date.now().toString(36)}`;
	const { Client } = await import('pg');
	const c = new Client({ connectionString: url });
	await c.connect();
	await c.query(`CREATE SCHEMA ${schema}`);
	await c.end();
	return {
		kind: 'postgres',
		host: u.hostname,
		port: Number(u.port),
		database: u.pathname.slice(1),
		user: decodeURIComponent(u.username),
		password: decodeURIComponent(u.password),
		ssl: 'disable',
		schema,
		maxConnections: 4,
	};
}

async function race(config: StoreConfig): Promise<void> {
	const store: Store = await openStore(config);
	await store.upsertStockLevels([{ sku: 'HOT', onHand: UNITS }]);
	let samples = 0;
	let minAtp = Infinity;
	let maxReserved = 0;
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			const rows = await store.getStock(['HOT']);
			for (const r of rows) {
				minAtp = Math.min(minAtp, r.onHand - r.reserved - r.safetyStock);
				maxReserved = Math.max(maxReserved, r.reserved);
			}
			samples++;
			await new Promise((res) => setTimeout(res, 5));
		}
	})();
	const outputs = await Promise.all(
		Array.from({ length: WORKERS }, (_, w) =>
			run(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'bench/allocation/reserve-worker.ts'), JSON.stringify(config), String(w), String(ORDERS), '10', 'HOT'], {
				cwd: root,
				env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json') },
				maxBuffer: 1 << 20,
			}),
		),
	);
	sampling = false;
	await sampler;
	const got = outputs.map((o) => JSON.parse(o.stdout) as { allocated: number; backordered: number; ready: number; held: number });
	const sum = (k: keyof (typeof got)[number]) => got.reduce((s, g) => s + g[k], 0);
	expect(sum('allocated')).toBe(UNITS);
	expect(sum('backordered')).toBe(WORKERS * ORDERS - UNITS);
	expect(sum('ready')).toBe(UNITS);
	expect(sum('held')).toBe(WORKERS * ORDERS - UNITS);
	expect(samples).toBeGreaterThan(0);
	expect(minAtp).toBeGreaterThanOrEqual(0);
	expect(maxReserved).toBeLessThanOrEqual(UNITS);
	const [row] = await store.getStock(['HOT']);
	expect(row).toMatchObject({ onHand: UNITS, reserved: UNITS, atp: 0 });
	const active = await store.activeReservations();
	expect(active).toHaveLength(UNITS);
	expect(new Set(active.map((a) => a.omsId)).size).toBe(UNITS);
	const ready = await store.searchOrders({ statuses: ['ready'], limit: 10000 });
	const held = await store.searchOrders({ statuses: ['backordered'], holdReasons: ['out_of_stock'], limit: 10000 });
	expect(ready).toHaveLength(UNITS);
	expect(held).toHaveLength(WORKERS * ORDERS - UNITS);
	for (const o of ready) expect(o.order.allocation).toMatchObject({ status: 'allocated' });
	// every channel was last published 0: the last sale reached every channel
	expect((await store.getPublished(undefined, ['HOT'])).map((p) => p.quantity)).toEqual([0, 0, 0]);
}

describe('Reserve from several processes: exactly the stock there is, never more', () => {
	it('SQLite: 1,000 orders from 4 processes for 100 units leave 100 allocated and 900 backordered', async () => {
		await race({ kind: 'sqlite', path: join(dir, 'oms.sqlite') });
	});

	it('PostgreSQL: 1,000 orders from 4 processes (own connections each) for 100 units leave 100 allocated and 900 backordered', async () => {
		await race(await pgConfig());
	});
});
