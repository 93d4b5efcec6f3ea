/**
 * `npm run demo` (scripts/demo.sh runs this on Node 24 after building the package and installing n8n once).
 *
 * 1. Starts the channel sandboxes (Shopify, WooCommerce, Amazon, eBay, Walmart) and the WMS sandbox (ShipBob here)
 *    on loopback. The WMS holds stock for the catalogue; the SKU the burst wants most gets too little, so it runs out.
 * 2. Starts a real n8n (test/e2e/harness/n8n.ts) with this package on the embedded OMS store, imports credentials
 *    pointing at the sandboxes (their accepted test values, made up at run time, never written to the repository)
 *    and the seven templates from workflows/, and publishes them. For the demo only, the schedules are shortened
 *    (WMS status sync every 10 s, inventory sync every 15 s, polled channels every minute, reconciliation every
 *    2 minutes); the JSON files are not changed.
 * 3. Pushes a burst of orders through every channel: signed Shopify and WooCommerce webhooks (some delivered two
 *    or three times, as the channels retry), orders placed on Amazon, eBay and Walmart that their triggers poll,
 *    planted fraud (a ring sharing an address, phone and IP; disposable emails; forwarders; big expedited first
 *    orders). The WMS picks, packs and ships over time; later, stock of the scarce SKU arrives and the held orders
 *    are released.
 * 4. Prints progress from the OMS store as it goes, then the report by source (lib/report) and the path of its
 *    HTML page. n8n stays up for a look around until Ctrl-C.
 * Steps 1 to 3 (and the restock and the Fraud Review form) live in test/e2e/harness/flow.ts, which the full-flow
 * e2e test (test/e2e/full-flow.test.ts) drives too; this file adds the progress, the pacing and the report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../test/e2e/harness/n8n';
import { CHANNELS, startFlow, type Flow } from '../test/e2e/harness/flow';
import type { Sandboxes } from '../test/sandbox/start';
import type { SqliteStore } from '../lib/store/sqlite';
import { runReport, toHtml, toMarkdown } from '../lib/report';

const PER_CHANNEL = Number(process.env.DEMO_ORDERS_PER_CHANNEL ?? 16);
const SEED = Number(process.env.DEMO_SEED ?? 20260501);
/** The WMS sandbox's clock runs this much faster than real time: received -> shipped (3 virtual minutes) in 30 s */
const WMS_TIME_SCALE = 6;
const outDir = join(repoRoot, 'artifacts', 'demo');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const stamp = () => `[${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s]`;
const say = (s: string) => console.log(`${stamp()} ${s}`);

async function portFree(port: number): Promise<boolean> {
	return await new Promise((r) => {
		const s = createServer();
		s.once('error', () => r(false));
		s.listen(port, '127.0.0.1', () => s.close(() => r(true)));
	});
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T | undefined> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v !== undefined) return v;
		if (Date.now() > deadline) {
			say(`(gave up waiting for ${what})`);
			return undefined;
		}
		await sleep(500);
	}
}

interface Counts {
	recorded: number;
	byChannel: Record<string, number>;
	byStatus: Record<string, number>;
}

async function counts(store: SqliteStore): Promise<Counts> {
	const byStatus: Record<string, number> = {};
	for (const r of await store.query<{ status: string; n: number }>('SELECT status, count(*) AS n FROM orders GROUP BY status')) byStatus[r.status] = Number(r.n);
	const byChannel: Record<string, number> = {};
	for (const r of await store.query<{ channel: string; n: number }>('SELECT channel, count(*) AS n FROM orders GROUP BY channel')) byChannel[r.channel] = Number(r.n);
	return { recorded: Object.values(byStatus).reduce((a, b) => a + b, 0), byChannel, byStatus };
}

function confirmedOnChannels(sb: Sandboxes): number {
	const s = sb.sandboxes;
	return s.amazon.received.shipments.length + s.ebay.received.fulfillments.length + s.shopify.received.fulfillments.length + s.walmart.received.shipments.length + s.woocommerce.received.trackings.length;
}

function progressLine(c: Counts, sb: Sandboxes, deliveries: number): string {
	const st = (k: string) => c.byStatus[k] ?? 0;
	const atWms = st('at_wms') + st('picked') + st('packed');
	const wmsOrders = sb.wms!.control.orders('shipbob').length;
	return (
		`recorded ${c.recorded} (${CHANNELS.map((ch) => `${ch} ${c.byChannel[ch] ?? 0}`).join(', ')}) | webhook deliveries ${deliveries} | ` +
		`fraud review ${st('fraud_review')}, rejected ${st('rejected')} | backordered ${st('backordered')} | at WMS ${atWms} (WMS has ${wmsOrders}) | ` +
		`shipped ${st('shipped') + st('delivered')} | tracking confirmed on channels ${confirmedOnChannels(sb)} | other: ${Object.entries(c.byStatus)
			.filter(([k]) => !['fraud_review', 'rejected', 'backordered', 'at_wms', 'picked', 'packed', 'shipped', 'delivered'].includes(k))
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`
	);
}

async function main(): Promise<void> {
	mkdirSync(outDir, { recursive: true });
	const port = (await portFree(5678)) ? 5678 : (await portFree(5679)) ? 5679 : 0;
	let teardown: (() => Promise<void>) | undefined;
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping n8n and the sandboxes ...');
		await teardown?.().catch(() => undefined);
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	let flow: Flow;
	try {
		// Sandboxes, n8n with the seven templates (schedules shortened in the imported copies only), the first inventory sync.
		flow = await startFlow({
			name: 'demo',
			perChannel: PER_CHANNEL,
			seed: SEED,
			fraudRate: 0.08,
			schedules: { wmsStatusSyncSec: 10, inventorySyncSec: 15, reconciliationMin: 2 },
			wmsTimeScale: WMS_TIME_SCALE,
			port,
			keepUserFolder: process.env.DEMO_KEEP === '1',
			log: say,
			onTeardown: (close) => (teardown = close),
		});
	} catch (e) {
		console.error(`\ndemo failed: ${(e as Error).message}\nn8n logs: ${join(repoRoot, 'artifacts', 'e2e', 'demo')}`);
		await shutdown(1);
		return;
	}
	const { sb, n8n, gen, store, storePath } = flow;
	const now = Date.now();

	try {
		// The burst.
		say(`burst: ${PER_CHANNEL} orders a channel; planted fraud: ${gen.groundTruth.length} orders (${[...new Set(gen.groundTruth.flatMap((g) => g.patterns))].join(', ')})`);
		const burst = await flow.pushBurst();
		const deliveries = burst.accepted;

		// Progress, the restock, and the end.
		const total = CHANNELS.reduce((a, ch) => a + (gen.byChannel[ch]?.length ?? 0), 0);
		let restocked = false;
		const burstAt = Date.now();
		let last = '';
		let stableSince = Date.now();
		const deadline = Date.now() + Number(process.env.DEMO_MAX_SECONDS ?? 420) * 1000;
		for (;;) {
			const c = await counts(store);
			const line = progressLine(c, sb, deliveries);
			if (line !== last) {
				say(line);
				last = line;
				stableSince = Date.now();
			}
			const st = (k: string) => c.byStatus[k] ?? 0;
			const inFlight = st('at_wms') + st('picked') + st('packed');
			const polledIn = Date.now() - burstAt > 75_000;
			if (!restocked && polledIn && st('backordered') > 0 && inFlight === 0) {
				flow.restock();
				restocked = true;
			}
			const settled = polledIn && c.recorded >= total * 0.9 && inFlight === 0 && (restocked || st('backordered') === 0) && Date.now() - stableSince > 25_000;
			if (settled || Date.now() > deadline) {
				if (!settled) say('(time limit reached: showing where things stand)');
				break;
			}
			await sleep(3000);
		}

		// A reviewer approves the oldest order held for fraud review through the form of "OMS 6: Fraud Review".
		const held = await store.query<{ oms_id: string }>("SELECT oms_id FROM orders WHERE status = 'fraud_review' ORDER BY placed_at LIMIT 1");
		if (held.length) {
			const omsId = held[0].oms_id;
			await flow.submitFraudReview(omsId, 'approved', 'demo reviewer', 'Known customer, address checked by phone');
			say(`${omsId} goes on to Fulfil Order`);
			const moved = await waitFor(`${omsId} to leave fraud review`, async () => {
				const r = await store.query<{ status: string }>('SELECT status FROM orders WHERE oms_id = ?', [omsId]);
				return r[0] && !['fraud_review', 'received', 'ready'].includes(r[0].status) ? r[0].status : undefined;
			}, 30_000);
			if (moved) say(`${omsId} is now ${moved}`);
			await sleep(1000);
			say(progressLine(await counts(store), sb, deliveries));
		}

		// The report by source.
		const period = { preset: 'custom' as const, from: new Date(now - 2 * 86400_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
		const report = await runReport(store, { report: 'byChannel', period });
		const htmlPath = join(outDir, 'orders-by-source.html');
		writeFileSync(htmlPath, toHtml(report));
		const md = toMarkdown(report);
		writeFileSync(join(outDir, 'orders-by-source.md'), md);
		const c = await counts(store);
		console.log('\n================ Orders by source (OMS store, lib/report) ================\n');
		console.log(md);
		// the rows of the report, one a channel, as a table
		const table = report.rows.map((r) => Object.fromEntries(report.columns.map((col) => [col.label, (r as Record<string, unknown>)[col.key] ?? ''])));
		console.table(table);
		console.log('Status of every order:', JSON.stringify(c.byStatus));
		const webhookOrders = (c.byChannel.shopify ?? 0) + (c.byChannel.woocommerce ?? 0);
		console.log(`Webhook deliveries accepted: ${deliveries}, for ${webhookOrders} Shopify + WooCommerce orders in the store (each recorded once)`);
		console.log(`WMS orders ${sb.wms!.control.orders('shipbob').length}, each reference once: ${new Set(sb.wms!.control.orders('shipbob').map((o) => o.reference)).size}`);
		console.log(`Tracking confirmed on the channels: ${confirmedOnChannels(sb)}`);
		console.log(`\nHTML report: ${htmlPath}`);
		console.log(`OMS store (SQLite): ${storePath}`);
		console.log(`n8n logs: ${n8n.artifacts}`);
		console.log(`\nn8n is up at ${n8n.baseUrl} (set up an owner account on first visit, then open the "OMS" workflows and their executions).`);
		console.log('Fraud review form: open "OMS 6: Fraud Review" and its form URL; held orders are listed above as "fraud review".');
		console.log('Ctrl-C stops n8n and the sandboxes.');
		await new Promise(() => undefined);
	} catch (e) {
		console.error(`\ndemo failed: ${(e as Error).message}\nn8n log: ${join(n8n.artifacts, 'n8n.log')}`);
		await shutdown(1);
	}
}

void main();
