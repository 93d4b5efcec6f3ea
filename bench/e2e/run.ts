/**
 * `npm run bench:e2e`: orders per second through the intake and fulfil templates in a real n8n, against n8n's own
 * ceiling on the same instance in the same run, in two deployments:
 *
 *   single   one `n8n start` on SQLite, the OMS store embedded (SQLite, no credential);
 *   queue    scripts/queue-mode.ts: main + webhook processor + two workers, PostgreSQL and Redis, the OMS store on
 *            PostgreSQL.
 *
 * For each: (1) the ceiling: BENCH_ORDERS POSTs to a trivial Webhook -> Respond to Webhook workflow, BENCH_CONCURRENCY
 * at a time, timed until the last answer (the answer comes after the execution ran), once answering from an
 * expression (the echo) and once with the webhook's own item (plain: no expression; the ceiling the share is taken
 * of); then the plain one through one sub-workflow call (Webhook -> Execute Workflow -> Respond: the shape of intake +
 * Fulfil Order with no work in it), and the same with a No Operation node in place of each node an order passes (the
 * *empty order path*: what the templates' shape allows with nodes that cost nothing);
 * (2) the OMS: as many signed Shopify orders/create webhooks (sandbox, one order each, stock plenty) at the same
 * concurrency, timed until the last order is at the WMS sandbox, with each order's latency from its webhook to its WMS
 * order (the WMS sandbox's order list is polled every 20 ms), then how long the rate-limited channels still receive
 * the burst's quantities (the drain; the next phase starts after it). Each of the burst's orders is a sale, and
 * BENCH_AFTER_SALES (15) more are posted over the minute after the burst (ShipBob's window still full): for both sets,
 * per channel, the p95 of when the channel first received a quantity of the sale's SKU that counts the sale, beside
 * the earliest that channel's documented limit allows (an ideal sender with no work of its own, pacing and batching
 * as the channel's API allows, newest quantity per SKU), and the after-burst sales' webhook-to-WMS p95; (3) quantity propagation: BENCH_SALES sales one after another, each a Shopify
 * order of a different SKU, timed from the webhook until the new quantity of that SKU has reached every other
 * channel's sandbox (Amazon listings, eBay bulk quantity, Walmart inventory, WooCommerce batch), through Reserve
 * Stock's Quantity Changes and Publish Quantities in Fulfil Order.
 *
 * Also the CPU time the n8n processes used per ceiling request and per OMS order (from /proc, every process of each
 * n8n's group): the ceiling is CPU-bound on this machine, so their ratio is the most the OMS could reach of it.
 *
 * (4) Bounds (BENCH_BOUNDS=0 skips them): what other shapes of the same work would cost n8n, to show where the
 * throughput target can and cannot be reached. *Intake alone*: a copy of the intake template whose Ready output calls
 * nothing (record, screen, route; fulfilment free), BENCH_ORDERS new orders, CPU per order until n8n is idle again.
 * *Fulfilment in batches*: those same orders, read back from the store, posted BENCH_BOUNDS_BATCH (50) at a time to
 * Webhook -> Split Out -> Execute Workflow (the unchanged Fulfil Order, once for all items), CPU per order until the
 * last is at the WMS and the channels have their quantities. The shipped templates do not batch (issue 8's intake
 * calls Fulfil Order for each order); the sum is what a batched release would cost at best.
 *
 * Prints a table; no figure is asserted anywhere. BENCH_MODES=single,queue (default both); BENCH_N8N_ENV (JSON) adds
 * environment to every n8n process.
 */
import { join } from 'node:path';
import { N8n, repoRoot, type WorkflowJson } from '../../test/e2e/harness/n8n';
import { forCliImport } from '../../test/e2e/harness/templates';
import { startQueueMode, sandboxCredentials, withStoreCredential, type QueueMode } from '../../scripts/queue-mode';
import { startSandboxes, type Sandboxes } from '../../test/sandbox/start';
import { CATALOG, generateOrders, type SeedOrder } from '../../test/sandbox/generator';
import { openSqliteStore } from '../../lib/store/sqlite';
import type { Store } from '../../lib/store/types';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fmt, groupCpuMs, table } from '../lib';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { monotonicMicros, packHotspots, packShare, packUrlTest, readProfiles } from './profile';
import { earliestLags, ranked, shownAt, STOCK, type QtyChannel, type QtySeen, type TimedSale } from './propagation';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 150);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SALES = Number(process.env.BENCH_SALES ?? 15);
/**
 * Wait, before the timed sales, until ShipBob's 150-requests-a-minute window that the burst's pushes filled has passed:
 * a minute after the last order reached it (BENCH_WMS_WINDOW=0: do not). Fulfil Order queues a sale's quantities
 * before its WMS push (issue 24), so they no longer wait for the window; the after-burst sales measure that.
 */
const WMS_WINDOW = process.env.BENCH_WMS_WINDOW !== '0';
/** Sales posted in the minute after the burst (one every 60 s / AFTER_SALES, not waiting for each), while ShipBob's window is full */
const AFTER_SALES = Number(process.env.BENCH_AFTER_SALES ?? 15);
const MODES = (process.env.BENCH_MODES ?? 'single,queue').split(',');
const BOUNDS = process.env.BENCH_BOUNDS !== '0';
const BOUNDS_BATCH = Number(process.env.BENCH_BOUNDS_BATCH ?? 50);
/** Extra environment for every n8n process, as JSON: e.g. {"NODE_OPTIONS":"--cpu-prof --cpu-prof-dir=/tmp/prof"} to profile */
const N8N_ENV = process.env.BENCH_N8N_ENV ? (JSON.parse(process.env.BENCH_N8N_ENV) as Record<string, string>) : undefined;
/**
 * BENCH_PROFILE=1 (`npm run bench:e2e:profile`): V8 CPU profiles of every n8n process, sampled every
 * BENCH_PROFILE_INTERVAL_US (2,000), for the pack's share of n8n's CPU over the burst and its drain
 * (bench/e2e/profile.ts). Off by default, so the profiler (a few per cent more CPU per order in the runs of
 * 2026-12-05: 110 ms unprofiled, 102-115 profiled) never sits in the throughput figures; the share is read from its
 * own run.
 */
const PROFILE = process.env.BENCH_PROFILE === '1';
const PROFILE_INTERVAL_US = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 2000);
function n8nEnv(profileDir: string | undefined): Record<string, string> | undefined {
	if (!profileDir) return N8N_ENV;
	const prof = `--cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-interval=${PROFILE_INTERVAL_US}`;
	return { ...(N8N_ENV ?? {}), NODE_OPTIONS: [N8N_ENV?.NODE_OPTIONS, prof].filter(Boolean).join(' ') };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/**
 * Two ceilings, both a trivial Webhook -> Respond to Webhook: the echo answers `{ ok, n }` from an expression (n8n
 * evaluates it in an expression isolate), the plain one answers with the webhook's own item (Respond's default, First
 * Incoming Item: no expression at all). The plain one is the cheaper, so it is the ceiling the target is judged by.
 */
const ECHO_RESPOND = { respondWith: 'json', responseBody: '={{ { "ok": true, "n": $json.body.n } }}', options: {} };
const PLAIN_RESPOND = { respondWith: 'firstIncomingItem', options: {} };

/** A chain of nodes, each connected to the next: `main` connections for a WorkflowJson. */
function chain(names: string[]): WorkflowJson['connections'] {
	return Object.fromEntries(names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));
}
function ceilingFlow(id: string, path: string, respond: Record<string, unknown>): WorkflowJson {
	return {
		id,
		name: `Bench: webhook to respond (${path})`,
		nodes: [
			{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} } },
			{ name: 'Respond', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [220, 0], parameters: respond },
		],
		connections: chain(['Webhook', 'Respond']),
		settings: { executionOrder: 'v1' },
	};
}
const CEILING_ECHO = ceilingFlow('omsBenchCeiling1', 'bench-ceiling', ECHO_RESPOND);
const CEILING_PLAIN = ceilingFlow('omsBenchCeilingP', 'bench-ceiling-plain', PLAIN_RESPOND);

/** Execute Workflow calling `workflowId` once for all its items and waiting for it, as the templates call Fulfil Order. */
const executeWorkflowNode = (name: string, workflowId: string, x: number) => ({
	name,
	type: 'n8n-nodes-base.executeWorkflow',
	typeVersion: 1.2,
	position: [x, 0],
	parameters: {
		source: 'database',
		workflowId: { __rl: true, value: workflowId, mode: 'id' },
		workflowInputs: { mappingMode: 'defineBelow', value: {}, matchingColumns: [], schema: [], attemptToConvertTypes: false, convertFieldsToString: true },
		mode: 'once',
		options: { waitForSubWorkflow: true },
	},
});
const noOp = (name: string, x: number) => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [x, 0], parameters: {} });

/**
 * The same trivial request with one sub-workflow call in it, as Order Intake calls Fulfil Order: Webhook -> [No
 * Operation nodes] -> Execute Workflow (a sub-workflow of its trigger and [No Operation nodes], waited for) -> Respond.
 * Two executions per request, no work in them. With no No Operation nodes: the most any flow shaped like intake +
 * fulfil can reach on this n8n. With one in place of each node an order passes (Record Order, Screen for Fraud, Ready
 * to Fulfil?; Reserve Stock, Route Backorders, Send to WMS, Publish Quantities): the templates' order path with nodes
 * that cost nothing, the most any implementation of those nodes can reach.
 */
function subShape(id: string, path: string, subId: string, before: string[], after: string[]): WorkflowJson[] {
	const names = ['Webhook', ...before, 'Sub-workflow', 'Respond'];
	const subNames = ['When Executed by Another Workflow', ...after];
	return [
		{
			id,
			name: `Bench: webhook to respond, through a sub-workflow (${path})`,
			nodes: [
				{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} } },
				...before.map((n, i) => noOp(n, 220 * (i + 1))),
				executeWorkflowNode('Sub-workflow', subId, 220 * (before.length + 1)),
				{ name: 'Respond', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [220 * (before.length + 2), 0], parameters: PLAIN_RESPOND },
			],
			connections: chain(names),
			settings: { executionOrder: 'v1' },
		},
		{
			id: subId,
			name: `Bench: sub-workflow that does nothing (${path})`,
			nodes: [
				{ name: 'When Executed by Another Workflow', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: [0, 0], parameters: { inputSource: 'passthrough' } },
				...after.map((n, i) => noOp(n, 220 * (i + 1))),
			],
			connections: chain(subNames),
			settings: { executionOrder: 'v1' },
		},
	];
}
const CEILING_SUB = subShape('omsBenchCeilingS', 'bench-ceiling-sub', 'omsBenchSubFlow1', [], []);
const EMPTY_PATH = subShape('omsBenchEmptyPth', 'bench-empty-path', 'omsBenchSubFlow2', ['Record Order', 'Screen for Fraud', 'Ready to Fulfil?'], ['Reserve Stock', 'Route Backorders', 'Send to WMS', 'Publish Quantities']);

/** Fulfil Order for many orders in one execution: the orders posted as `{ orders: [...] }`, one item each. */
const BATCH_FULFIL: WorkflowJson = {
	id: 'omsBenchBatchFul',
	name: 'Bench: Fulfil Order for a batch of orders',
	nodes: [
		{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { httpMethod: 'POST', path: 'bench-batch-fulfil', responseMode: 'onReceived', options: {} } },
		{ name: 'Orders', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [220, 0], parameters: { fieldToSplitOut: 'body.orders', options: {} } },
		executeWorkflowNode('Fulfil Order', 'omsFulfilOrder01', 440),
	],
	connections: chain(['Webhook', 'Orders', 'Fulfil Order']),
	settings: { executionOrder: 'v1' },
};

/** The intake template with its Ready output calling nothing, on webhooks of its own: recording, screening and routing only. */
function intakeAlone(intake: WorkflowJson): WorkflowJson {
	const wf = structuredClone(intake);
	wf.id = 'omsBenchIntakeAl';
	wf.name = 'Bench: order intake without fulfilment';
	for (const n of wf.nodes) if (n.webhookId) n.webhookId = randomUUID();
	const conn = wf.connections as Record<string, { main: Array<Array<{ node: string }>> }>;
	const ready = conn['Ready to Fulfil?'];
	if (!ready || ready.main[0]?.[0]?.node !== 'Fulfil Order') throw new Error('bench: the intake template no longer calls Fulfil Order from Ready to Fulfil?');
	ready.main[0] = [];
	return wf;
}

function template(file: string): WorkflowJson {
	// sub-workflows linked as a user links them after an import (the CLI keeps the templates' ids)
	const wf = forCliImport(JSON.parse(readFileSync(join(repoRoot, 'workflows', file), 'utf8')) as WorkflowJson);
	// the pollers are not part of this benchmark: disabled, so they do not compete for the CPU
	for (const n of wf.nodes) if (['amazonOrderTrigger', 'ebayOrderTrigger', 'walmartOrderTrigger'].some((t) => n.type.endsWith(t))) n.disabled = true;
	return wf;
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) await fn(items[next++]);
		}),
	);
}

const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

interface Target {
	mode: string;
	webhookUrl(path: string): string;
	store: Store;
	/** Process groups of the n8n processes (each n8n runs in its own group, with its task runners) */
	pgids(): number[];
	stop(): Promise<void>;
}

async function ceiling(t: Target, count = ORDERS, path = 'bench-ceiling'): Promise<number> {
	const items = Array.from({ length: count }, (_, n) => n);
	const start = now();
	let failed = 0;
	await pool(items, CONCURRENCY, async (n) => {
		const res = await fetch(t.webhookUrl(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) });
		const body = (await res.json().catch(() => null)) as { n?: number; body?: { n?: number } } | null;
		// the echo answers { ok, n }; the plain ceilings answer with the webhook item, whose body is what was posted
		if (res.status !== 200 || (body?.n ?? body?.body?.n) !== n) failed++;
	});
	if (failed) throw new Error(`${t.mode}: ${failed} ceiling requests were not answered by their execution`);
	return count / ((now() - start) / 1000);
}

async function omsThroughput(t: Target, sb: Sandboxes, shopifyUrl: string, orders: SeedOrder[]): Promise<{ rate: number; p50: number; p95: number; sent: Array<{ at: number; sku: string }> }> {
	const sent = new Map<string, number>();
	const seen = new Map<string, number>();
	let watching = true;
	const watcher = (async () => {
		while (watching) {
			for (const o of sb.wms!.control.orders('shipbob')) if (!seen.has(o.reference)) seen.set(o.reference, now());
			await sleep(20);
		}
	})();
	sb.sandboxes.shopify.addOrders(orders);
	let retried = 0;
	const start = now();
	await pool(orders, CONCURRENCY, async (o) => {
		sent.set(`shopify:${o.id}`, now());
		// a delivery not answered within the sandbox's 10 s is retried, as Shopify would; the latency counts from the first
		for (let attempt = 1; ; attempt++) {
			const res = await sb.deliverWebhook('shopify', o, { url: shopifyUrl });
			if (res.some((r) => r.status === 200)) break;
			retried++;
			if (attempt >= 10) throw new Error(`${t.mode}: webhook for ${o.id} answered ${res.map((r) => r.status)}`);
		}
	});
	const deadline = Date.now() + 15 * 60_000;
	while ([...sent.keys()].some((k) => !seen.has(k))) {
		if (Date.now() > deadline) throw new Error(`${t.mode}: only ${[...sent.keys()].filter((k) => seen.has(k)).length} of ${sent.size} orders reached the WMS`);
		await sleep(50);
	}
	const end = Math.max(...[...sent.keys()].map((k) => seen.get(k)!));
	watching = false;
	await watcher;
	const lat = [...sent.entries()].map(([k, at]) => seen.get(k)! - at);
	if (retried) console.log(`${t.mode}: ${retried} webhook deliveries were not answered within 10 s and were sent again`);
	const skuOf = new Map(orders.map((o) => [`shopify:${o.id}`, o.lines[0].sku]));
	return { rate: orders.length / ((end - start) / 1000), p50: pct(lat, 50), p95: pct(lat, 95), sent: [...sent.entries()].map(([k, at]) => ({ at, sku: skuOf.get(k)! })) };
}

/** Quantity-update calls each other channel's sandbox has received. */
function published(sb: Sandboxes): Record<string, number> {
	const s = sb.sandboxes;
	return { amazon: s.amazon.received.listings.length, ebay: s.ebay.received.quantities.length, walmart: s.walmart.received.inventory.length, woocommerce: s.woocommerce.received.batches.length };
}

const QTY_CHANNELS: QtyChannel[] = ['amazon', 'ebay', 'walmart', 'woocommerce'];
/**
 * Each channel's documented limit on its quantity calls, as the clients pace them (lib/channels/<ch>/client.ts):
 * calls a second, burst, SKUs a call. WooCommerce (self-hosted) documents none: 100 SKUs a batch, unpaced.
 */
const QTY_LIMITS: Record<QtyChannel, { ratePerSec: number; burst: number; perCall: number }> = {
	amazon: { ratePerSec: 5, burst: 5, perCall: 1 }, // patchListingsItem, one SKU a PATCH (a feed from 20 SKUs)
	ebay: { ratePerSec: 5, burst: 10, perCall: 25 }, // bulk_update_price_quantity
	walmart: { ratePerSec: 2, burst: 20, perCall: 1 }, // PUT /v3/inventory, one SKU a call (a feed from 20 SKUs)
	woocommerce: { ratePerSec: Infinity, burst: Infinity, perCall: 100 }, // products/batch
};

function quantityWatcher(sb: Sandboxes): { seen: QtySeen[]; stop(): Promise<void> } {
	const s = sb.sandboxes;
	const wooSku = (id: unknown) => s.woocommerce.products.get(Number(id))?.sku;
	const read: Record<QtyChannel, (from: number) => { n: number; out: Array<{ sku: string; quantity: number }> }> = {
		amazon: (from) => ({ n: s.amazon.received.listings.length, out: s.amazon.received.listings.slice(from).flatMap((l) => { const m = JSON.stringify(l.body).match(/"quantity":(\d+)/); return m ? [{ sku: l.sku, quantity: Number(m[1]) }] : []; }) }),
		ebay: (from) => ({ n: s.ebay.received.quantities.length, out: s.ebay.received.quantities.slice(from).flatMap((q) => ((q.body as { requests?: Array<{ sku?: string; shipToLocationAvailability?: { quantity?: number } }> }).requests ?? []).flatMap((r) => (r.sku && typeof r.shipToLocationAvailability?.quantity === 'number' ? [{ sku: r.sku, quantity: r.shipToLocationAvailability.quantity }] : []))) }),
		walmart: (from) => ({ n: s.walmart.received.inventory.length, out: s.walmart.received.inventory.slice(from).flatMap((q) => { const a = (q.body as { quantity?: { amount?: number } }).quantity?.amount; return typeof a === 'number' ? [{ sku: q.sku, quantity: a }] : []; }) }),
		woocommerce: (from) => ({ n: s.woocommerce.received.batches.length, out: s.woocommerce.received.batches.slice(from).flatMap((b) => ((b.body as { update?: Array<{ id?: number; stock_quantity?: number }> }).update ?? []).flatMap((u) => { const sku = wooSku(u.id); return sku && typeof u.stock_quantity === 'number' ? [{ sku, quantity: u.stock_quantity }] : []; })) }),
	};
	const seen: QtySeen[] = [];
	const from = Object.fromEntries(QTY_CHANNELS.map((ch) => [ch, read[ch](0).n])) as Record<QtyChannel, number>;
	let watching = true;
	const loop = (async () => {
		while (watching) {
			const at = now();
			for (const ch of QTY_CHANNELS) {
				const r = read[ch](from[ch]);
				from[ch] = r.n;
				for (const x of r.out) seen.push({ channel: ch, ...x, at });
			}
			await sleep(20);
		}
	})();
	return { seen, stop: async () => ((watching = false), await loop) };
}

/**
 * Per channel: p95 of the sales' propagation (s), the earliest the channel's limit allows in brackets, and sales never
 * shown. `before`: the sales ahead of these (the burst, for the sales after it), whose quantities the ideal sender
 * owes too.
 */
function propagationByChannel(sales: TimedSale[], seen: QtySeen[], before: TimedSale[] = []): string {
	return QTY_CHANNELS.map((ch) => {
		const shown = shownAt(sales, seen, ch);
		const lags = shown.flatMap((at, i) => (at === null ? [] : [at - sales[i].at]));
		const missing = shown.filter((x) => x === null).length;
		const earliest = pct(earliestLags([...before, ...sales], QTY_LIMITS[ch]).slice(before.length), 95);
		return `${(pct(lags, 95) / 1000).toFixed(1)} (${(earliest / 1000).toFixed(1)})${missing ? ` ${missing} not shown` : ''}`;
	}).join(' / ');
}
/**
 * Sales in the minute after the burst: posted one every 60 s / count, each not waiting for the one before, while
 * ShipBob's window is still full of the burst's pushes. Webhook times, and each order's latency to the WMS.
 */
async function afterBurst(t: Target, sb: Sandboxes, shopifyUrl: string, sales: SeedOrder[]): Promise<{ sent: Array<{ at: number; sku: string }>; wmsMs: number[] }> {
	sb.sandboxes.shopify.addOrders(sales);
	const sent: Array<{ id: string; at: number; sku: string }> = [];
	const posts: Array<Promise<unknown>> = [];
	const start = now();
	for (let i = 0; i < sales.length; i++) {
		await sleep(Math.max(0, start + (i * 60_000) / sales.length - now()));
		sent.push({ id: `shopify:${sales[i].id}`, at: now(), sku: sales[i].lines[0].sku });
		posts.push(sb.deliverWebhook('shopify', sales[i], { url: shopifyUrl }).catch(() => undefined));
	}
	await Promise.all(posts);
	const seen = new Map<string, number>();
	const ids = new Set(sent.map((x) => x.id));
	for (const deadline = Date.now() + 5 * 60_000; seen.size < sent.length; await sleep(20)) {
		for (const o of sb.wms!.control.orders('shipbob')) if (ids.has(o.reference) && !seen.has(o.reference)) seen.set(o.reference, now());
		if (Date.now() > deadline) throw new Error(`${t.mode}: only ${seen.size} of ${sent.length} sales after the burst reached the WMS`);
	}
	return { sent: sent.map(({ at, sku }) => ({ at, sku })), wmsMs: sent.map((x) => seen.get(x.id)! - x.at) };
}

/**
 * After the burst: how long the channels' quantity calls go on (the rate-limited channels work off what the burst
 * left pending, e.g. Walmart's inventory API takes one SKU a call at 2 calls/s), until no call came for `quietMs`.
 * Returns the time from `since` to the last call.
 */
async function drain(sb: Sandboxes, since: number, quietMs = 2000, maxMs = 180_000): Promise<number> {
	let last = JSON.stringify(published(sb));
	let lastChange = now();
	while (now() - lastChange < quietMs) {
		if (now() - since > maxMs) throw new Error(`the channels still received quantity calls ${maxMs / 1000} s after the burst`);
		await sleep(50);
		const cur = JSON.stringify(published(sb));
		if (cur !== last) {
			last = cur;
			lastChange = now();
		}
	}
	return Math.max(0, lastChange - since);
}

/** Latencies of the sales whose new quantity reached all four other channels, and the misses (channel -> count). */
async function propagation(t: Target, sb: Sandboxes, shopifyUrl: string, sales: SeedOrder[]): Promise<{ ms: number[]; missed: Record<string, number> }> {
	const ms: number[] = [];
	const missed: Record<string, number> = {};
	sb.sandboxes.shopify.addOrders(sales);
	for (const o of sales) {
		const before = published(sb);
		const start = now();
		await sb.deliverWebhook('shopify', o, { url: shopifyUrl });
		const deadline = Date.now() + 20_000;
		for (;;) {
			const after = published(sb);
			if (Object.keys(before).every((ch) => after[ch] > before[ch])) {
				ms.push(now() - start);
				break;
			}
			if (Date.now() > deadline) {
				for (const ch of Object.keys(before).filter((c) => after[c] <= before[c])) missed[ch] = (missed[ch] ?? 0) + 1;
				console.log(`${t.mode}: the quantity of ${o.lines[0].sku} did not reach every channel within 20 s (${JSON.stringify(missed)})`);
				break;
			}
			await sleep(10);
		}
		await sleep(300);
	}
	return { ms, missed };
}

/** Wait until n8n's processes are idle (less than 20 ms of CPU in half a second). */
async function settle(t: Target): Promise<void> {
	let last = groupCpuMs(t.pgids());
	for (;;) {
		await sleep(500);
		const cur = groupCpuMs(t.pgids());
		if (cur - last < 20) return;
		last = cur;
	}
}

/** n8n CPU per order of the intake alone and of Fulfil Order run in batches (see the header). */
async function bounds(t: Target, sb: Sandboxes, alone: WorkflowJson, orders: SeedOrder[]): Promise<{ intakeMs: number; batchMs: number }> {
	const url = t.webhookUrl(`${alone.nodes.find((n) => n.type === 'n8n-nodes-oms-wms.shopifyOrderTrigger')!.webhookId}/webhook`);
	const ids = orders.map((o) => `shopify:${o.id}`);
	sb.sandboxes.shopify.addOrders(orders);
	await settle(t);
	const c0 = groupCpuMs(t.pgids());
	await pool(orders, CONCURRENCY, async (o) => {
		const res = await sb.deliverWebhook('shopify', o, { url });
		if (!res.some((r) => r.status === 200)) throw new Error(`${t.mode}: intake alone answered ${res.map((r) => r.status)}`);
	});
	for (const deadline = Date.now() + 5 * 60_000; (await t.store.getOrders(ids)).length < ids.length; await sleep(100)) {
		if (Date.now() > deadline) throw new Error(`${t.mode}: intake alone did not record every order`);
	}
	await settle(t);
	const c1 = groupCpuMs(t.pgids());
	const stored = (await t.store.getOrders(ids)).map((s) => s.order);
	const atWms = () => new Set(sb.wms!.control.orders('shipbob').map((o) => o.reference));
	for (let i = 0; i < stored.length; i += BOUNDS_BATCH) {
		const res = await fetch(t.webhookUrl('bench-batch-fulfil'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orders: stored.slice(i, i + BOUNDS_BATCH) }) });
		if (res.status !== 200) throw new Error(`${t.mode}: the batch webhook answered ${res.status}`);
	}
	// ShipBob's window is full after the sales: the pushes wait for it (waiting costs no CPU)
	for (const deadline = Date.now() + 5 * 60_000; ; await sleep(100)) {
		const seen = atWms();
		if (ids.every((id) => seen.has(id))) break;
		if (Date.now() > deadline) throw new Error(`${t.mode}: only ${ids.filter((id) => seen.has(id)).length} of ${ids.length} batched orders reached the WMS`);
	}
	await drain(sb, now());
	await settle(t);
	const c2 = groupCpuMs(t.pgids());
	return { intakeMs: (c1 - c0) / orders.length, batchMs: (c2 - c1) / orders.length };
}

async function main(): Promise<void> {
	const rows: Array<Record<string, string | number>> = [];
	for (const mode of MODES) {
		const sb = await startSandboxes({ ordersPerChannel: 0, seed: 11, wms: true });
		const stock = Object.fromEntries(CATALOG.map((c) => [c.sku, STOCK]));
		sb.wms!.control.seedStock(stock);
		const workflows = [template('order-intake.json'), template('fulfil-order.json'), CEILING_ECHO, CEILING_PLAIN, ...CEILING_SUB, ...EMPTY_PATH];
		if (BOUNDS) workflows.push(intakeAlone(workflows[0]), BATCH_FULFIL);
		let target: Target;
		const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), `oms-bench-prof-${mode}-`)) : undefined;
		const env = n8nEnv(profileDir);
		console.log(`bench:e2e ${mode}: starting n8n ...`);
		if (mode === 'single') {
			const n8n = await N8n.create({ name: 'bench-single', env });
			await n8n.importCredentials(sandboxCredentials(sb));
			for (const wf of workflows) await n8n.importWorkflow(wf);
			const store = await openSqliteStore(join(n8n.userFolder, '.n8n', 'oms-wms', 'oms.sqlite'));
			await n8n.start();
			target = { mode, webhookUrl: (p) => n8n.webhookUrl(p), store, pgids: () => [n8n.pid!], stop: async () => (await store.close(), await n8n.stop()) };
		} else {
			const qm: QueueMode = await startQueueMode({ name: 'bench', credentials: sandboxCredentials(sb), workflows: workflows.map((w) => withStoreCredential(w)), workers: 2, concurrency: process.env.BENCH_WORKER_CONCURRENCY ? Number(process.env.BENCH_WORKER_CONCURRENCY) : undefined, env });
			target = { mode, webhookUrl: (p) => qm.webhookUrl(p), store: await qm.store(), pgids: () => [qm.main, qm.webhook, ...qm.workers].map((x) => x.pid!), stop: () => qm.stop() };
		}
		let row: Record<string, string | number> | undefined;
		let window: [number, number] | undefined;
		try {
			await target.store.upsertStockLevels(CATALOG.map((c) => ({ sku: c.sku, onHand: STOCK })), { cause: 'bench' });
			const intake = workflows[0];
			const shopifyUrl = target.webhookUrl(`${intake.nodes.find((n) => n.type === 'n8n-nodes-oms-wms.shopifyOrderTrigger')!.webhookId}/webhook`);
			const gen = generateOrders({ seed: 11, perChannel: 2 * ORDERS + SALES + AFTER_SALES, fraudRate: 0, channels: ['shopify'] }).byChannel.shopify!;
			// plain, ready, low-risk orders: paid, one line, standard shipping, distinct buyers
			const clean = gen.map((o, i) => ({ ...o, status: 'paid' as SeedOrder['status'], shippingLevel: 'standard' as SeedOrder['shippingLevel'], lines: [{ ...o.lines[0], quantity: 1 }], fraud: [], customer: { ...o.customer, email: `buyer${i}@example.com`, firstOrder: false } }));
			await ceiling(target, 20); // warm-up: n8n compiles and caches on first use
			const cpu0 = groupCpuMs(target.pgids());
			const echo = await ceiling(target);
			const cpuE = groupCpuMs(target.pgids());
			await ceiling(target, 20, 'bench-ceiling-plain');
			const cpuP0 = groupCpuMs(target.pgids());
			const ceil = await ceiling(target, ORDERS, 'bench-ceiling-plain');
			const cpu1 = groupCpuMs(target.pgids());
			await ceiling(target, 20, 'bench-ceiling-sub');
			const cpu1s = groupCpuMs(target.pgids());
			const ceilSub = await ceiling(target, ORDERS, 'bench-ceiling-sub');
			const cpu1e = groupCpuMs(target.pgids());
			await ceiling(target, 20, 'bench-empty-path');
			const cpu1p = groupCpuMs(target.pgids());
			const ceilPath = await ceiling(target, ORDERS, 'bench-empty-path');
			const cpu1q = groupCpuMs(target.pgids());
			const calls0 = published(sb);
			const windowFrom = monotonicMicros();
			const watcher = quantityWatcher(sb);
			const oms = await omsThroughput(target, sb, shopifyUrl, clean.slice(0, ORDERS));
			const wmsDone = now();
			// sales in the minute after the burst (ShipBob's window still full), each of the burst's SKUs in turn
			const after = AFTER_SALES ? await afterBurst(target, sb, shopifyUrl, clean.slice(2 * ORDERS + SALES, 2 * ORDERS + SALES + AFTER_SALES).map((o, i) => ({ ...o, lines: [{ ...o.lines[0], sku: CATALOG[i % CATALOG.length].sku }] }))) : { sent: [], wmsMs: [] };
			// the sales below are timed one by one, so first let the channels finish what the burst left pending
			// (n8n's CPU per order counts this too: it is the orders' work)
			const drained = await drain(sb, wmsDone);
			const cpu2 = groupCpuMs(target.pgids());
			await watcher.stop();
			const sold = new Map<string, number>();
			const burstSales = ranked(oms.sent, sold);
			const afterSales = ranked(after.sent, sold);
			window = [windowFrom, monotonicMicros()];
			const calls1 = published(sb);
			const windowWait = WMS_WINDOW ? Math.max(0, wmsDone + 61_000 - now()) : 0;
			await sleep(windowWait);
			const cpuEcho = (cpuE - cpu0) / ORDERS;
			const cpuCeil = (cpu1 - cpuP0) / ORDERS;
			const cpuCeilSub = (cpu1e - cpu1s) / ORDERS;
			const cpuEmptyPath = (cpu1q - cpu1p) / ORDERS;
			// the burst's orders and the sales after it
			const cpuOrder = (cpu2 - cpu1q) / (ORDERS + after.sent.length);
			const sales = clean.slice(ORDERS, ORDERS + SALES).map((o, i) => ({ ...o, lines: [{ ...o.lines[0], sku: CATALOG[i % CATALOG.length].sku }] }));
			const prop = await propagation(target, sb, shopifyUrl, sales);
			const bound = BOUNDS ? await bounds(target, sb, workflows[workflows.length - 2], clean.slice(ORDERS + SALES, 2 * ORDERS + SALES)) : undefined;
			row = {
				deployment: mode === 'single' ? 'single process, SQLite' : 'queue mode (main, webhook, 2 workers), PostgreSQL',
				'ceiling req/s': ceil.toFixed(1),
				// the same with an expression in the answer: what one expression isolate an execution costs
				'echo ceiling req/s': `${echo.toFixed(1)} (${(oms.rate / echo).toFixed(2)})`,
				'OMS orders/s': oms.rate.toFixed(1),
				'share of ceiling': (oms.rate / ceil).toFixed(2),
				// the trivial request through one sub-workflow call: what the intake + fulfil shape allows at most
				'via sub-workflow req/s': `${ceilSub.toFixed(1)} (${(ceilSub / ceil).toFixed(2)})`,
				// the templates' order path with No Operation nodes in place of ours: the most any implementation of them reaches
				'empty order path req/s': `${ceilPath.toFixed(1)} (${(ceilPath / ceil).toFixed(2)})`,
				'n8n CPU ms/req plain/echo/sub/empty path': `${fmt(cpuCeil)} / ${fmt(cpuEcho)} / ${fmt(cpuCeilSub)} / ${fmt(cpuEmptyPath)}`,
				'n8n CPU ms/order': fmt(cpuOrder),
				// quantity calls the burst made to Amazon / eBay / Walmart / WooCommerce (one per SKU and sale without coalescing)
				'qty calls a/e/w/wc': Object.keys(calls0).map((ch) => calls1[ch] - calls0[ch]).join('/'),
				// how long after the last order reached the WMS the channels still received the burst's quantities
				'qty drain s': (drained / 1000).toFixed(1),
				'then waited s': (windowWait / 1000).toFixed(1),
				'webhook->WMS p50 ms': fmt(oms.p50),
				'p95 ms': fmt(oms.p95),
				// quantity propagation p95 per channel (a / e / w / wc) of the burst's sales and of the sales in the minute
				// after it, in s, and in brackets the earliest each channel's documented limit allows
				'burst sales qty p95 s a/e/w/wc (earliest)': propagationByChannel(burstSales, watcher.seen),
				'after-burst sales qty p95 s (earliest)': after.sent.length ? propagationByChannel(afterSales, watcher.seen, burstSales) : 'n/a',
				// the after-burst sales' pushes wait for ShipBob's window (150 a minute), which the burst filled
				'after-burst webhook->WMS p95 ms': after.wmsMs.length ? fmt(pct(after.wmsMs, 95)) : 'n/a',
				'qty propagation p50 ms': prop.ms.length ? fmt(pct(prop.ms, 50)) : 'n/a',
				'p95 ms ': prop.ms.length ? fmt(pct(prop.ms, 95)) : 'n/a',
				'sales timed': `${prop.ms.length}/${SALES}`,
				...(bound && {
					// n8n CPU of a plain ceiling request over n8n CPU of an order as the templates run it
					'CPU share now': (cpuCeil / cpuOrder).toFixed(2),
					// n8n CPU per order of the intake with fulfilment free, and of Fulfil Order run BOUNDS_BATCH orders at a time
					'intake alone ms/order (share)': `${fmt(bound.intakeMs)} (${(cpuCeil / bound.intakeMs).toFixed(2)})`,
					[`fulfil in ${BOUNDS_BATCH}s ms/order`]: fmt(bound.batchMs),
					// the share of the plain ceiling's CPU an order would cost with intake per order and fulfilment batched
					'batched bound': (cpuCeil / (bound.intakeMs + bound.batchMs)).toFixed(2),
				}),
			};
		} finally {
			// the profiles are written as each n8n process exits
			await target.stop();
			await sb.close();
		}
		if (profileDir) {
			const profiles = readProfiles(profileDir);
			const share = window && profiles.length ? packShare(profiles, packUrlTest(realpathSync(repoRoot)), window[0], window[1]) : undefined;
			// the pack's code (and what it calls synchronously) in n8n's CPU over the burst and its drain; its top-of-stack share after the slash
			row['pack CPU share (self)'] = share && share.samples ? `${(100 * share.inclusive).toFixed(1)} % (${(100 * share.self).toFixed(1)} %)` : 'n/a';
			if (window && profiles.length && process.env.BENCH_PROFILE_TOP) {
				console.log(`${mode}: the pack's costliest functions over the burst, % of n8n's busy samples (self, total)`);
				for (const h of packHotspots(profiles, packUrlTest(realpathSync(repoRoot)), window[0], window[1], Number(process.env.BENCH_PROFILE_TOP))) console.log(`  ${h.self.toFixed(1).padStart(5)} ${h.total.toFixed(1).padStart(5)}  ${h.fn}`);
			}
			if (process.env.BENCH_PROFILE_KEEP !== '1') rmSync(profileDir, { recursive: true, force: true });
			else console.log(`${mode}: profiles kept in ${profileDir}`);
		}
		rows.push(row);
		console.log(table(rows.slice(-1)));
	}
	console.log(`\nbench:e2e: ${ORDERS} orders (and ${ORDERS} ceiling requests) at ${CONCURRENCY} in flight, ${SALES} sales one at a time\n`);
	console.log(table(rows));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
