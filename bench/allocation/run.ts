/**
 * bench/allocation: the inventoryAllocator's operations at size, on the code the node runs
 * (lib/flows: reserve-orders.ts, sync-stock.ts), printed as figures (not a timed test).
 *
 * 1. Reserve throughput: batches of 1,000 orders x 3 lines (recorded first, not timed), on SQLite and PostgreSQL:
 *    - the node's Reserve path: line checks, one store.reserve per batch, an `allocation` annotation (timeline entry)
 *      per order, and the Quantity Changes the batch caused (recomputed, diffed, recorded as published);
 *    - store.reserve alone on the same data (what bench/store measures);
 *    - the store's own limit: as many plain single-row UPDATEs, one transaction per batch.
 * 2. Sync Stock for 50,000 SKUs x 5 channels on SQLite (target: under 2 s) and PostgreSQL: the first feed (every
 *    quantity new), the same feed again (nothing changes, nothing emitted), a feed with 1 % of SKUs changed (emits
 *    only those), a Full Recompute; then the same 1 %-changed feed through the n8n node in WorkflowExecute (50,000
 *    items in and out of n8n).
 * 3. Peak RSS of each part.
 *
 *   npm run bench:allocation          (BENCH_BATCHES=10 BENCH_SKUS=5000 BENCH_SYNC_SKUS=50000 to change the size;
 *                                      BENCH_PARTS=reserve,sync BENCH_STORES=sqlite,postgres to run a part;
 *                                      OMS_BENCH_PG_URL=postgres://... to use a running PostgreSQL)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleSet, type ChannelRuleSet } from '../../lib/allocation';
import { closeAllStores, openStore, type StoreConfig } from '../../lib/store/open';
import type { CanonicalOrder } from '../../lib/order/types';
import type { ReserveRequest, StockLevelInput, Store } from '../../lib/store/types';
import { reserveOrders, syncStock } from '../../lib/flows';
import { reserveLinesOf } from '../../lib/stock/bundles';
import { benchPostgres, createBenchSchema, fmt, nowMs, peakRssMb, perSecond, postgresUpdateLimit, prng, resetPeak, sqliteUpdateLimit, table } from '../lib';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
const BATCH = 1000;
const LINES = 3;
const SKUS = Number(process.env.BENCH_SKUS ?? 5000);
const SYNC_SKUS = Number(process.env.BENCH_SYNC_SKUS ?? 50000);
const CHANNELS = ['amazon', 'ebay', 'shopify', 'walmart', 'woocommerce'];
/** BENCH_PARTS=reserve,sync and BENCH_STORES=sqlite,postgres pick what to run (default: everything). */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'reserve,sync').split(',').map((x) => x.trim()));
const STORES = new Set((process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((x) => x.trim()));

/** A rule set using every kind of rule, so the per-SKU arithmetic is the realistic worst case. */
const RULE_SET: ChannelRuleSet = {
	channels: [
		{ channel: 'amazon', sharePercent: 40, buffer: 2, priority: 1, lowStock: { level: 10, rule: { sharePercent: 60, keepAliveMin: 1 } } },
		{ channel: 'ebay', sharePercent: 50, maxListed: 50, keepAliveMin: 1 },
		{ channel: 'shopify', sharePercent: 100, zeroAt: 1 },
		{ channel: 'walmart', sharePercent: 30, buffer: 1, zeroAt: 2 },
		{ channel: 'woocommerce', sharePercent: 100 },
	],
	skuOverrides: [
		{ pattern: 'SKU-1*', channel: 'ebay', maxListed: 10 },
		{ pattern: '/^SKU-9\\d{3}$/', channel: '*', buffer: 3 },
	],
};

function order(id: number, lines: Array<{ sku: string; quantity: number }>): CanonicalOrder {
	const channel = CHANNELS[id % 5];
	const channelOrderId = String(id);
	return {
		omsId: `${channel}:${channelOrderId}`,
		channel,
		channelOrderId,
		orderNumber: `#${id}`,
		placedAt: '2026-05-01T14:00:00.000Z',
		updatedAt: '2026-05-01T14:00:00.000Z',
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal: 0, shipping: 0, tax: 0, discount: 0, total: 0 },
		customer: { email: `c${id % 997}@example.com`, name: 'C', phone: null, channelCustomerId: null },
		shipTo: { name: 'C', company: null, line1: '1 Main St', line2: null, city: 'Ottawa', region: 'ON', postalCode: 'K1A 0B1', country: 'CA', phone: null },
		billTo: null,
		shipping: { level: 'standard', label: 'Standard' },
		lines: lines.map((l, i) => ({ lineId: String(i + 1), sku: l.sku, title: null, quantity: l.quantity, unitPrice: 0, lineTotal: 0 })),
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
	};
}

function makeOrders(seed: number, first: number, batches: number): CanonicalOrder[][] {
	const rand = prng(seed);
	const out: CanonicalOrder[][] = [];
	let id = first;
	for (let b = 0; b < batches; b++) {
		const batch: CanonicalOrder[] = [];
		for (let o = 0; o < BATCH; o++) {
			const skus = new Set<number>();
			while (skus.size < LINES) skus.add(Math.floor(rand() * SKUS));
			batch.push(order(id++, [...skus].map((s) => ({ sku: `SKU-${s}`, quantity: 1 + Math.floor(rand() * 3) }))));
		}
		out.push(batch);
	}
	return out;
}

async function inParallel<T>(list: T[], width: number, fn: (t: T) => Promise<unknown>): Promise<void> {
	for (let i = 0; i < list.length; i += width) await Promise.all(list.slice(i, i + width).map(fn));
}

interface ReserveFigures {
	nodeLinesPerSec: number;
	nodeOrdersPerSec: number;
	storeLinesPerSec: number;
	limit: number;
	changesPerBatch: number;
	peak: number;
}

async function reserveBench(store: Store, limit: (skuBatches: string[][]) => Promise<number>): Promise<ReserveFigures> {
	await store.upsertStockLevels(Array.from({ length: SKUS }, (_, i) => ({ sku: `SKU-${i}`, onHand: 1_000_000_000 })));
	const rules = compileRuleSet(RULE_SET);
	const warm = 2;
	const batches = makeOrders(1, 0, BATCHES + warm);
	await inParallel(batches.flat(), store.kind === 'postgres' ? 8 : 1, (o) => store.recordOrder(o));
	// publish once so the Quantity Changes are the ones a batch causes, not every SKU's first publication
	await syncStock(store, [], rules, CHANNELS, { full: true, explain: false });
	resetPeak();
	let changes = 0;
	const runBatch = async (b: CanonicalOrder[]) => {
		const r = await reserveOrders(store, b.map((o, index) => ({ index, doc: o as unknown as Record<string, unknown> })), rules, CHANNELS, { cause: 'bench' });
		changes += r.changes.length;
		for (const o of r.outcomes) if (!o.ok) throw o.error;
	};
	for (const b of batches.slice(0, warm)) await runBatch(b);
	changes = 0;
	let t0 = nowMs();
	for (const b of batches.slice(warm)) await runBatch(b);
	const nodeMs = nowMs() - t0;
	const peak = peakRssMb();

	// store.reserve alone, same shape of data, other order ids
	const storeBatches: ReserveRequest[][] = makeOrders(1, 1_000_000, BATCHES + warm).map((b) =>
		b.map((o) => ({ omsId: o.omsId, lines: reserveLinesOf(o.lines, new Map()), allowPartial: true })),
	);
	for (const b of storeBatches.slice(0, warm)) await store.reserve(b);
	t0 = nowMs();
	for (const b of storeBatches.slice(warm)) await store.reserve(b);
	const storeMs = nowMs() - t0;
	const lines = BATCHES * BATCH * LINES;
	const lim = await limit(makeOrders(2, 2_000_000, BATCHES + warm).map((b) => b.flatMap((o) => o.lines.map((l) => l.sku))));
	return {
		nodeLinesPerSec: perSecond(lines, nodeMs),
		nodeOrdersPerSec: perSecond(BATCHES * BATCH, nodeMs),
		storeLinesPerSec: perSecond(lines, storeMs),
		limit: lim,
		changesPerBatch: changes / BATCHES,
		peak,
	};
}

interface SyncFigures {
	step: string;
	ms: number;
	emitted: number;
	stockChanged: number;
	peak: number;
}

function feed(seed: number, changedFraction: number, base?: StockLevelInput[]): StockLevelInput[] {
	const rand = prng(seed);
	if (!base) return Array.from({ length: SYNC_SKUS }, (_, i) => ({ sku: `SKU-${i}`, onHand: Math.floor(rand() * 200) }));
	const step = Math.round(1 / changedFraction);
	return base.map((l, i) => (i % step === 0 ? { ...l, onHand: l.onHand + 1 + Math.floor(rand() * 5) } : l));
}

async function syncBench(store: Store): Promise<SyncFigures[]> {
	const rules = compileRuleSet(RULE_SET);
	const out: SyncFigures[] = [];
	const step = async (name: string, levels: StockLevelInput[], full = false) => {
		resetPeak();
		const t0 = nowMs();
		const r = await syncStock(store, levels, rules, CHANNELS, { full, explain: true, cause: 'bench' });
		out.push({ step: name, ms: nowMs() - t0, emitted: r.changes.length, stockChanged: r.stockChanged, peak: peakRssMb() });
		return r;
	};
	const f0 = feed(7, 0);
	await step('first feed (all new)', f0);
	await step('same feed again', f0);
	const f1 = feed(8, 0.01, f0);
	await step('1 % of SKUs changed', f1);
	await step('Full Recompute, nothing changed', f1, true);
	return out;
}

/** The 1 %-changed feed through the n8n node (WorkflowExecute in-process): n8n's own per-item cost included. */
async function syncThroughNode(config: StoreConfig & { kind: 'sqlite' }): Promise<{ ms: number; emitted: number; peak: number }> {
	const { buildWorkflow, runWorkflow, outputOf } = await import('../../test/helpers/n8n-harness');
	const f0 = feed(7, 0);
	const f1 = feed(9, 0.01, f0);
	const params = { operation: 'syncStock', rulesSource: 'json', ruleSetJson: JSON.stringify(RULE_SET), channels: CHANNELS };
	const wf = (levels: StockLevelInput[]) =>
		buildWorkflow(
			[
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Inventory', type: 'test.itemsSource', parameters: { items: JSON.stringify(levels) } },
				{ name: 'Sync', type: 'n8n-nodes-oms-wms.inventoryAllocator', parameters: params, credentials: { omsStoreApi: { id: '1', name: 'OMS Store' } } },
			],
			[
				['Start', 'Inventory'],
				['Inventory', 'Sync'],
			],
		);
	const credentials = { omsStoreApi: { storeType: 'sqlite', sqlitePath: config.path! } };
	await runWorkflow(wf(f0), { credentials });
	resetPeak();
	const t0 = nowMs();
	const r = await runWorkflow(wf(f1), { credentials });
	const ms = nowMs() - t0;
	if (r.error) throw r.error;
	const syncMs = r.runData.Sync[0].executionTime;
	return { ms: syncMs ?? ms, emitted: outputOf(r, 'Sync').length, peak: peakRssMb() };
}

async function main(): Promise<void> {
	console.log(
		`bench/allocation: Reserve ${BATCHES} batches of ${BATCH} orders x ${LINES} lines over ${fmt(SKUS)} SKUs (+2 warm-up); ` +
			`Sync Stock ${fmt(SYNC_SKUS)} SKUs x ${CHANNELS.length} channels; Node ${process.version}`,
	);
	const reserveRows: Array<Record<string, string | number>> = [];
	const syncRows: Array<Record<string, string | number>> = [];
	const dir = mkdtempSync(join(tmpdir(), 'oms-bench-alloc-'));
	const pg = STORES.has('postgres') ? benchPostgres() : null;
	try {
		if (STORES.has('sqlite')) {
			if (PARTS.has('reserve')) {
				const path = join(dir, 'reserve.sqlite');
				const store = await openStore({ kind: 'sqlite', path });
				const r = await reserveBench(store, (b) => sqliteUpdateLimit(path, b));
				reserveRows.push(reserveRow('SQLite (node:sqlite, WAL)', r));
			}
			if (PARTS.has('sync')) {
				const syncStore = await openStore({ kind: 'sqlite', path: join(dir, 'sync.sqlite') });
				for (const s of await syncBench(syncStore)) syncRows.push(syncRow('SQLite', s));
				const n = await syncThroughNode({ kind: 'sqlite', path: join(dir, 'sync-node.sqlite') });
				syncRows.push(syncRow('SQLite', { step: '1 % changed, through the n8n node', ms: n.ms, emitted: n.emitted, stockChanged: Math.round(SYNC_SKUS / 100), peak: n.peak }));
			}
			await closeAllStores();
		}
		if (pg) {
			const u = new URL(pg.url);
			const config = async (prefix: string): Promise<StoreConfig> => ({
				kind: 'postgres',
				host: u.hostname,
				port: Number(u.port),
				database: u.pathname.slice(1),
				user: decodeURIComponent(u.username),
				password: decodeURIComponent(u.password),
				ssl: 'disable',
				schema: await createBenchSchema(pg.url, prefix),
			});
			if (PARTS.has('reserve')) {
				const c = await config('bench_alloc');
				const store = await openStore(c);
				const r = await reserveBench(store, (b) => postgresUpdateLimit(pg.url, (c as { schema: string }).schema, b));
				reserveRows.push(reserveRow('PostgreSQL (pg)', r));
			}
			if (PARTS.has('sync')) {
				const syncStore = await openStore(await config('bench_sync'));
				for (const s of await syncBench(syncStore)) syncRows.push(syncRow('PostgreSQL', s));
			}
			await closeAllStores();
		}
	} finally {
		pg?.stop();
		rmSync(dir, { recursive: true, force: true });
	}
	if (reserveRows.length) {
		console.log('\nReserve (3 lines an order, batches of 1,000)');
		console.log(table(reserveRows));
	}
	if (syncRows.length) {
		console.log(`\nSync Stock (${fmt(SYNC_SKUS)} SKUs x ${CHANNELS.length} channels; target on SQLite: under 2 s; with 1 % changed only those are emitted)`);
		console.log(table(syncRows));
	}
}

function reserveRow(store: string, r: ReserveFigures): Record<string, string | number> {
	return {
		store,
		'Reserve node path lines/s': fmt(r.nodeLinesPerSec),
		'orders/s': fmt(r.nodeOrdersPerSec),
		'store.reserve lines/s': fmt(r.storeLinesPerSec),
		'plain UPDATEs/s (limit)': fmt(r.limit),
		'node / limit': (r.nodeLinesPerSec / r.limit).toFixed(2),
		'store / limit': (r.storeLinesPerSec / r.limit).toFixed(2),
		'quantity changes / batch': fmt(r.changesPerBatch),
		'peak RSS MB': r.peak,
	};
}

function syncRow(store: string, s: SyncFigures): Record<string, string | number> {
	return {
		store,
		step: s.step,
		'stock rows changed': fmt(s.stockChanged),
		'items emitted': fmt(s.emitted),
		ms: fmt(s.ms),
		'peak RSS MB': s.peak,
	};
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
