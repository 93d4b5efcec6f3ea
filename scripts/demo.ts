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
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { N8n, repoRoot, type WorkflowJson } from '../test/e2e/harness/n8n';
import { startSandboxes, type Sandboxes } from '../test/sandbox/start';
import { CATALOG, generateOrders, type SeedChannel, type SeedOrder } from '../test/sandbox/generator';
import { SANDBOX_CREDENTIALS as WMS_CREDENTIALS } from '../test/sandbox/wms';
import { openSqliteStore, type SqliteStore } from '../lib/store/sqlite';
import { runReport, toHtml, toMarkdown } from '../lib/report';

const CHANNELS: SeedChannel[] = ['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart'];
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

function loadTemplate(file: string): WorkflowJson {
	return JSON.parse(readFileSync(join(repoRoot, 'workflows', file), 'utf8')) as WorkflowJson;
}

/** The demo's faster clocks, applied to in-memory copies of the templates. */
function speedUp(wf: WorkflowJson): WorkflowJson {
	for (const node of wf.nodes) {
		const p = node.parameters as Record<string, unknown>;
		if (node.type.endsWith('OrderTrigger') && p.pollTimes) p.pollTimes = { item: [{ mode: 'everyMinute' }] };
		if (node.type === 'n8n-nodes-base.scheduleTrigger') {
			if (wf.id === 'omsWmsStatusSync') p.rule = { interval: [{ field: 'seconds', secondsInterval: 10 }] };
			if (wf.id === 'omsInventorySync') p.rule = { interval: [{ field: 'seconds', secondsInterval: 15 }] };
			if (wf.id === 'omsChannelRecon1') p.rule = { interval: [{ field: 'minutes', minutesInterval: 2 }] };
		}
	}
	return wf;
}

function credentials(sb: Sandboxes) {
	const c = sb.credentials;
	return [
		{ id: 'omsShopifyCred01', name: 'Shopify', type: 'shopifyApi', data: { shopDomain: c.shopify.shopDomain, authType: 'accessToken', accessToken: c.shopify.accessToken, webhookSecret: c.shopify.appSecret, apiVersion: c.shopify.apiVersion, baseUrl: c.shopify.baseUrl } },
		{ id: 'omsWooCommCred01', name: 'WooCommerce', type: 'wooCommerceApi', data: { storeUrl: c.woocommerce.storeUrl, consumerKey: c.woocommerce.consumerKey, consumerSecret: c.woocommerce.consumerSecret, baseUrl: c.woocommerce.baseUrl } },
		{ id: 'omsAmazonCred001', name: 'Amazon SP-API', type: 'amazonSpApi', data: { ...c.amazon, marketplaceIds: c.amazon.marketplaceIds.join(',') } as Record<string, unknown> },
		{ id: 'omsEbayCred00001', name: 'eBay', type: 'ebayApi', data: { ...c.ebay } as Record<string, unknown> },
		{ id: 'omsWalmartCred01', name: 'Walmart', type: 'walmartApi', data: { ...c.walmart } as Record<string, unknown> },
		{
			id: 'omsShipBobCred01',
			name: 'ShipBob',
			type: 'shipBobApi',
			data: { authType: 'token', token: WMS_CREDENTIALS.shipbob.token, channelId: String(WMS_CREDENTIALS.shipbob.channelId), apiVersion: '2026-01', baseUrl: sb.wmsUrls!.shipbob },
		},
	];
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
	// The burst, fixed by the seed: placed over the last 20 hours, about 8 % planted fraud.
	const now = Date.now();
	const gen = generateOrders({ seed: SEED, perChannel: PER_CHANNEL, fraudRate: 0.08, from: new Date(now - 20 * 3600_000).toISOString(), to: new Date(now - 3 * 60_000).toISOString() });
	const demand = new Map<string, number>();
	for (const ch of CHANNELS) for (const o of gen.byChannel[ch] ?? []) for (const l of o.lines) demand.set(l.sku, (demand.get(l.sku) ?? 0) + l.quantity);
	const [scarceSku, scarceDemand] = [...demand.entries()].sort((a, b) => b[1] - a[1])[0];
	const scarceStock = Math.max(1, Math.floor(scarceDemand / 3));

	say('starting the channel sandboxes and the WMS sandbox on loopback');
	const sb = await startSandboxes({ ordersPerChannel: 0, seed: SEED, timeScale: 1, wms: { timeScale: WMS_TIME_SCALE } });
	const stock: Record<string, number> = Object.fromEntries(CATALOG.map((c) => [c.sku, 250]));
	stock[scarceSku] = scarceStock;
	sb.wms!.control.seedStock(stock);
	say(`WMS stock: ${CATALOG.length} SKUs at 250 units; ${scarceSku} only ${scarceStock} (the burst wants ${scarceDemand}): it will run out`);

	const port = (await portFree(5678)) ? 5678 : (await portFree(5679)) ? 5679 : 0;
	const env: Record<string, string> = {};
	if (port) Object.assign(env, { N8N_PORT: String(port), WEBHOOK_URL: `http://127.0.0.1:${port}/` });
	const n8n = await N8n.create({ name: 'demo', keepUserFolder: process.env.DEMO_KEEP === '1', env });
	if (port) n8n.port = port;
	const storePath = join(n8n.userFolder, '.n8n', 'oms-wms', 'oms.sqlite');
	let store: SqliteStore | undefined;

	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping n8n and the sandboxes ...');
		await store?.close().catch(() => undefined);
		await n8n.stop().catch(() => undefined);
		await sb.close().catch(() => undefined);
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		say('importing credentials (pointing at the sandboxes) and the seven templates into n8n');
		await n8n.importCredentials(credentials(sb));
		const files = ['fulfil-order.json', 'order-intake.json', 'wms-status-sync.json', 'inventory-sync.json', 'channel-reconciliation.json', 'fraud-review.json', 'daily-report.json'];
		const imported: WorkflowJson[] = files.map((f) => ({ ...speedUp(loadTemplate(f)), active: false }));
		// One import for all seven (each CLI call starts n8n's CLI, several seconds), then one publish each.
		const wfDir = join(n8n.artifacts, 'workflows');
		mkdirSync(wfDir, { recursive: true });
		for (const wf of imported) writeFileSync(join(wfDir, `${wf.id}.json`), JSON.stringify(wf, null, 2));
		await n8n.cli(['import:workflow', '--separate', `--input=${wfDir}`]);
		for (const wf of imported) await n8n.cli(['publish:workflow', `--id=${wf.id}`]);
		say(`starting n8n on ${n8n.baseUrl} (log: ${join(n8n.artifacts, 'n8n.log')})`);
		await n8n.start();
		const intake = imported.find((w) => w.id === 'omsOrderIntake01')!;
		const hookId = (type: string) => intake.nodes.find((n) => n.type === type)!.webhookId!;
		const shopifyUrl = n8n.webhookUrl(`${hookId('n8n-nodes-oms-wms.shopifyOrderTrigger')}/webhook`);
		const wooUrl = n8n.webhookUrl(`${hookId('n8n-nodes-oms-wms.wooCommerceOrderTrigger')}/webhook`);
		await waitFor('Shopify and WooCommerce webhook registration', () => {
			const s = [...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === shopifyUrl).length;
			const w = [...sb.sandboxes.woocommerce.webhooks.values()].filter((x) => x.delivery_url === wooUrl).length;
			return s >= 1 && w >= 1 ? true : undefined;
		}, 60_000);
		say('workflows active; Shopify and WooCommerce webhooks registered at the sandboxes by the triggers');

		say('waiting for the first inventory sync (WMS stock levels -> OMS store)');
		store = await waitFor('the OMS store file', async () => (existsSync(storePath) ? await openSqliteStore(storePath) : undefined), 90_000);
		if (!store) throw new Error(`the OMS store ${storePath} never appeared: did "OMS 4: Inventory Sync" run? see ${n8n.artifacts}/n8n.log`);
		await waitFor('stock in the OMS', async () => {
			const r = await store!.query<{ n: number }>('SELECT count(*) AS n FROM stock');
			return Number(r[0].n) > 0 ? true : undefined;
		}, 90_000);

		// The burst.
		say(`burst: ${PER_CHANNEL} orders a channel; planted fraud: ${gen.groundTruth.length} orders (${[...new Set(gen.groundTruth.flatMap((g) => g.patterns))].join(', ')})`);
		for (const ch of ['amazon', 'ebay', 'walmart'] as const) {
			sb.sandboxes[ch].addOrders(gen.byChannel[ch] ?? []);
			// Walmart's trigger moves its cursor to the time of its first (empty) poll, so orders placed "earlier"
			// would never be seen: they appear on the channel now (last-modified moved to now), as new orders would.
			// Amazon is left alone: its API hides the last 2 minutes of changes, and its cursor stays at the
			// look-back start until it sees an order.
			if (ch === 'walmart') for (const o of gen.byChannel[ch] ?? []) sb.sandboxes[ch].touch(o.id);
		}
		say('Amazon, eBay and Walmart orders placed at the sandboxes: their triggers pick them up on the next poll (every minute)');
		sb.sandboxes.shopify.addOrders(gen.byChannel.shopify ?? []);
		sb.sandboxes.woocommerce.addOrders(gen.byChannel.woocommerce ?? []);
		let deliveries = 0;
		const refused: number[] = [];
		const count = (ds: Array<{ status: number }>) => {
			for (const d of ds) {
				if (d.status >= 200 && d.status < 300) deliveries++;
				else refused.push(d.status);
			}
		};
		const pushWebhooks = async () => {
			const shop: SeedOrder[] = gen.byChannel.shopify ?? [];
			const woo: SeedOrder[] = gen.byChannel.woocommerce ?? [];
			for (let i = 0; i < Math.max(shop.length, woo.length); i++) {
				if (shop[i]) count(await sb.sandboxes.shopify.deliverWebhook(shop[i].id, { url: shopifyUrl, times: i % 5 === 0 ? 3 : 1 }));
				// no url: the sandbox delivers to the subscription the trigger registered, signed with the secret it chose
				if (woo[i]) count(await sb.sandboxes.woocommerce.deliverWebhook(woo[i].id, { topic: 'order.created', times: i % 4 === 0 ? 2 : 1 }));
				await sleep(150);
			}
		};
		await pushWebhooks();
		say(`Shopify and WooCommerce: ${deliveries} signed webhook deliveries accepted (every 5th Shopify order three times, every 4th WooCommerce order twice)${refused.length ? `; ${refused.length} refused (${[...new Set(refused)].join(', ')})` : ''}`);
		const forged = await sb.sandboxes.shopify.deliverWebhook((gen.byChannel.shopify ?? [])[1].id, { url: shopifyUrl, forge: 'wrong-secret' });
		say(`a forged Shopify webhook was answered ${forged.map((d) => d.status).join(',')} (refused before any work)`);

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
				sb.wms!.control.seedStock({ [scarceSku]: scarceDemand + 20 });
				restocked = true;
				say(`stock arrives at the WMS: ${scarceSku} now ${scarceDemand + 20}. The next inventory sync publishes it and releases the held orders, oldest first`);
			}
			const settled = polledIn && c.recorded >= total * 0.9 && inFlight === 0 && (restocked || st('backordered') === 0) && Date.now() - stableSince > 25_000;
			if (settled || Date.now() > deadline) {
				if (!settled) say('(time limit reached: showing where things stand)');
				break;
			}
			await sleep(3000);
		}

		// A reviewer approves the oldest order held for fraud review through the form of "OMS 6: Fraud Review".
		const review = imported.find((w) => w.id === 'omsFraudReview01')!;
		const formId = review.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger')?.webhookId;
		const held = await store.query<{ oms_id: string }>("SELECT oms_id FROM orders WHERE status = 'fraud_review' ORDER BY placed_at LIMIT 1");
		if (formId && held.length) {
			const omsId = held[0].oms_id;
			const form = new FormData();
			form.append('field-0', omsId);
			form.append('field-1', 'approved');
			form.append('field-2', 'demo reviewer');
			form.append('field-3', 'Known customer, address checked by phone');
			const res = await fetch(`${n8n.baseUrl}/form/${formId}`, { method: 'POST', body: form });
			await res.arrayBuffer();
			say(`a reviewer approves ${omsId} in the Fraud Review form (HTTP ${res.status}); it goes on to Fulfil Order`);
			const moved = await waitFor(`${omsId} to leave fraud review`, async () => {
				const r = await store!.query<{ status: string }>('SELECT status FROM orders WHERE oms_id = ?', [omsId]);
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
