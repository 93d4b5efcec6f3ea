/**
 * The whole OMS-to-WMS flow in a real n8n, as one set of steps shared by `npm run demo` (scripts/demo.ts) and the
 * full-flow e2e test (test/e2e/full-flow.test.ts), so there is one way to drive it:
 *
 *   const flow = await startFlow({ name: 'full-flow', perChannel: 5, seed: 8, schedules: { ... }, wmsTimeScale: 12 });
 *       sandboxes (five channels + the WMS, stock seeded with one scarce SKU), a real n8n with credentials pointing
 *       at the sandboxes and the seven templates (schedules shortened in the imported copies only), published and
 *       active, the intake's webhooks registered at Shopify and WooCommerce, the first inventory sync in the store
 *   const burst = await flow.pushBurst();      orders placed on Amazon/eBay/Walmart (polled) and delivered as signed
 *                                              Shopify/WooCommerce webhooks with retries, plus one forged delivery
 *   flow.restock();                            stock of the scarce SKU arrives at the WMS
 *   await flow.approveFraudReview(omsId);      a reviewer's submission of the Fraud Review form
 *   await flow.close();
 *
 * The order set is a pure function of the seed (test/sandbox/generator.ts), so callers know every order's expected
 * fate from `flow.gen` (orders by channel and the planted-fraud ground truth) and `flow.scarce`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { N8n, repoRoot, type CredentialJson, type WorkflowJson } from './n8n';
import { forCliImport, fraudFormAuthorization, fraudFormCredential, returnsFormCredential } from './templates';
import { quickFeeds, startSandboxes, type Sandboxes } from '../../sandbox/start';
import { CATALOG, generateOrders, type GeneratedSet, type SeedChannel, type SeedOrder } from '../../sandbox/generator';
import { SANDBOX_CREDENTIALS as WMS_CREDENTIALS } from '../../sandbox/wms';
import { openSqliteStore, type SqliteStore } from '../../../lib/store/sqlite';

export const CHANNELS: SeedChannel[] = ['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart'];

/** The templates, in the order they are imported (Fulfil Order first: the others call it). */
export const TEMPLATE_FILES = ['fulfil-order.json', 'order-intake.json', 'wms-status-sync.json', 'inventory-sync.json', 'channel-reconciliation.json', 'fraud-review.json', 'daily-report.json'];

export interface FlowSchedules {
	/** OMS 3: WMS Status Sync, seconds between runs (template: 5 minutes) */
	wmsStatusSyncSec: number;
	/** OMS 4: Inventory Sync, seconds between runs (template: 15 minutes) */
	inventorySyncSec: number;
	/** OMS 5: Channel Reconciliation, minutes between runs (template: every hour) */
	reconciliationMin: number;
	/** OMS 10: Recovery and Attention, seconds between Attention digests (template: 15 minutes; the sweep keeps its 5) */
	attentionSec?: number;
	/** OMS 10: Recovery and Attention, seconds between Retry Channel Calls runs (template: 5 minutes) */
	channelCallsSec?: number;
	/** OMS 11: Returns, seconds between its Every Hour, Channel Returns runs (template: every hour) */
	channelReturnsSec?: number;
	/** OMS 11: Returns, seconds between its Every 15 Minutes, Warehouse Receipts runs (template: 15 minutes) */
	warehouseReceiptsSec?: number;
	/** The channel outbox's first retry (Backoff Base) on every Marketplace node that queues or retries channel calls
	 * (template: the node's default, 30 seconds, doubling each attempt) */
	channelCallBackoffSec?: number;
}

export interface FlowOptions {
	/** Names the artifacts folder artifacts/e2e/<name> (n8n log, CLI log, the imported workflow copies) */
	name: string;
	perChannel: number;
	seed: number;
	/** Share of orders carrying each planted fraud pattern (generator option) */
	fraudRate?: number;
	schedules: FlowSchedules;
	/** The WMS sandbox's clock runs this much faster than real time (received -> shipped is 3 virtual minutes) */
	wmsTimeScale: number;
	/** Fixed n8n port (the demo asks for 5678); 0 or absent: a free one */
	port?: number;
	keepUserFolder?: boolean;
	/** Progress messages (the demo prints them) */
	log?: (message: string) => void;
	/** Called as soon as there is something to tear down, with what tears it down (for a Ctrl-C during start-up) */
	onTeardown?: (close: () => Promise<void>) => void;
	/** Templates imported besides TEMPLATE_FILES (the demo adds the error alert and the Attention digest) */
	extraTemplates?: string[];
}

export interface BurstResult {
	/** Webhook deliveries answered 2xx (retries included) */
	accepted: number;
	/** Status codes of deliveries that were refused, forged one excluded */
	refused: number[];
	/** What the forged Shopify delivery was answered */
	forgedStatus: number[];
	/** How many times each Shopify / WooCommerce order was delivered */
	deliveriesPerOrder: Record<string, number>;
}

export interface Flow {
	sb: Sandboxes;
	n8n: N8n;
	gen: GeneratedSet;
	/** The workflows as imported (speeded-up copies), with their ids and webhook ids */
	imported: WorkflowJson[];
	/** The SKU the burst wants most, given a third of the demand at the WMS, so orders for it are backordered */
	scarce: { sku: string; demand: number; stock: number };
	/** Units of the scarce SKU the WMS has ever been given (initial stock plus every restock) */
	scarceUnitsEverStocked(): number;
	storePath: string;
	/** The OMS store n8n writes (SQLite under its user folder), opened read/write by the caller's process */
	store: SqliteStore;
	shopifyUrl: string;
	wooUrl: string;
	pushBurst(): Promise<BurstResult>;
	/** Stock of the scarce SKU arrives at the WMS (level set to the whole demand + 20); returns the new level */
	restock(): number;
	/** Submits the Fraud Review form (OMS 6) approving or rejecting a held order; returns the HTTP status */
	submitFraudReview(omsId: string, decision: 'approved' | 'rejected', reviewer: string, note: string): Promise<number>;
	close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A template as the CLI import gets it: its sub-workflow links picked and its webhook ids given, as a user's would be. */
export function loadTemplate(file: string): WorkflowJson {
	return forCliImport(JSON.parse(readFileSync(join(repoRoot, 'workflows', file), 'utf8')) as WorkflowJson);
}

/**
 * A Schedule Trigger rule that fires every `seconds`. n8n turns a seconds interval into the cron `*\/n * * * * *` (every n seconds),
 * which for n above 59 fires at second 0 of every minute (an "every 3600 seconds" ran every minute): a longer interval
 * is given in minutes or hours, as a user would.
 */
export function everySeconds(seconds: number): { interval: Array<Record<string, unknown>> } {
	if (Number.isInteger(seconds) && seconds >= 1 && seconds <= 59) return { interval: [{ field: 'seconds', secondsInterval: seconds }] };
	if (Number.isInteger(seconds / 60) && seconds / 60 >= 1 && seconds / 60 <= 59) return { interval: [{ field: 'minutes', minutesInterval: seconds / 60 }] };
	if (Number.isInteger(seconds / 3600) && seconds / 3600 >= 1 && seconds / 3600 <= 23) return { interval: [{ field: 'hours', hoursInterval: seconds / 3600 }] };
	throw new Error(`no Schedule Trigger interval of ${seconds} s: 1-59 seconds, whole minutes up to 59, or whole hours up to 23`);
}

/** Shortened schedules, applied to an in-memory copy of a template (the JSON files are not changed). */
export function speedUp(wf: WorkflowJson, s: FlowSchedules): WorkflowJson {
	for (const node of wf.nodes) {
		const p = node.parameters as Record<string, unknown>;
		// n8n's shortest poll interval
		if (node.type.endsWith('OrderTrigger') && p.pollTimes) p.pollTimes = { item: [{ mode: 'everyMinute' }] };
		if (node.type === 'n8n-nodes-base.scheduleTrigger') {
			if (wf.id === 'omsWmsStatusSync') p.rule = everySeconds(s.wmsStatusSyncSec);
			if (wf.id === 'omsInventorySync') p.rule = everySeconds(s.inventorySyncSec);
			if (wf.id === 'omsChannelRecon1') p.rule = everySeconds(s.reconciliationMin * 60);
			if (wf.id === 'omsRecoverAttn01' && node.name === 'Every 15 Minutes' && s.attentionSec) p.rule = everySeconds(s.attentionSec);
			if (wf.id === 'omsRecoverAttn01' && node.name === 'Every 5 Minutes, Channel Calls' && s.channelCallsSec) p.rule = everySeconds(s.channelCallsSec);
			if (wf.id === 'omsReturns000011' && node.name === 'Every Hour, Channel Returns' && s.channelReturnsSec) p.rule = everySeconds(s.channelReturnsSec);
			if (wf.id === 'omsReturns000011' && node.name === 'Every 15 Minutes, Warehouse Receipts' && s.warehouseReceiptsSec) p.rule = everySeconds(s.warehouseReceiptsSec);
		}
		if (node.type === 'n8n-nodes-oms-wms.marketplace' && s.channelCallBackoffSec !== undefined && ['confirmShipment', 'setQuantity', 'retryPending'].includes(String(p.operation))) {
			p.outbox = { ...((p.outbox as Record<string, unknown> | undefined) ?? {}), backoffBaseSeconds: s.channelCallBackoffSec };
		}
	}
	return wf;
}

/** Credentials named as the templates expect, pointing at the sandboxes (their accepted test values, made up at run time). */
export function sandboxCredentials(sb: Sandboxes): CredentialJson[] {
	const c = sb.credentials;
	return [
		{ id: 'omsShopifyCred01', name: 'Shopify', type: 'omsShopifyApi', data: { shopDomain: c.shopify.shopDomain, authType: 'accessToken', accessToken: c.shopify.accessToken, webhookSecret: c.shopify.appSecret, apiVersion: c.shopify.apiVersion, baseUrl: c.shopify.baseUrl } },
		{ id: 'omsWooCommCred01', name: 'WooCommerce', type: 'omsWooCommerceApi', data: { storeUrl: c.woocommerce.storeUrl, consumerKey: c.woocommerce.consumerKey, consumerSecret: c.woocommerce.consumerSecret, baseUrl: c.woocommerce.baseUrl } },
		{ id: 'omsAmazonCred001', name: 'Amazon SP-API', type: 'omsAmazonSpApi', data: { ...c.amazon, marketplaceIds: c.amazon.marketplaceIds.join(',') } as Record<string, unknown> },
		{ id: 'omsEbayCred00001', name: 'eBay', type: 'omsEbayApi', data: { ...c.ebay } as Record<string, unknown> },
		{ id: 'omsWalmartCred01', name: 'Walmart', type: 'omsWalmartApi', data: { ...c.walmart } as Record<string, unknown> },
		{
			id: 'omsShipBobCred01',
			name: 'ShipBob',
			type: 'omsShipBobApi',
			data: { authType: 'token', token: WMS_CREDENTIALS.shipbob.token, channelId: String(WMS_CREDENTIALS.shipbob.channelId), apiVersion: '2026-01', baseUrl: sb.wmsUrls!.shipbob },
		},
		// the templates' Send Email nodes, pointed at the sandboxes' SMTP sink
		{ id: 'omsSmtpCred00001', name: 'OMS SMTP', type: 'smtp', data: { ...c.smtp } },
		// the Fraud Review form's login (n8n's form Basic Auth), and OMS 11's returns forms'
		fraudFormCredential(),
		returnsFormCredential(),
	];
}

/** Polls until probe returns a value; throws naming what was missing (the probe's last description) at the deadline. */
export async function waitUntil<T>(what: string | (() => string | Promise<string>), probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 500): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : await what()}`);
		await sleep(everyMs);
	}
}

/** Every execution that ended in error or crashed, as `workflow #id: last node: message` (none: []). */
export async function failedExecutions(n8n: N8n): Promise<string[]> {
	const runs = await n8n.executions();
	const failed: string[] = [];
	for (const r of runs.filter((x) => x.status === 'error' || x.status === 'crashed')) {
		const data = (await n8n.executionData(r.id)) as { resultData?: { error?: { message?: string }; lastNodeExecuted?: string } };
		failed.push(`${r.workflowId} #${r.id}: ${data.resultData?.lastNodeExecuted}: ${data.resultData?.error?.message}`);
	}
	return failed;
}

export async function startFlow(opts: FlowOptions): Promise<Flow> {
	const log = opts.log ?? (() => undefined);
	// The burst, fixed by the seed: placed over the last 20 hours (up to 3 minutes ago: Amazon's API hides the last 2).
	const now = Date.now();
	const gen = generateOrders({ seed: opts.seed, perChannel: opts.perChannel, fraudRate: opts.fraudRate ?? 0.08, from: new Date(now - 20 * 3600_000).toISOString(), to: new Date(now - 3 * 60_000).toISOString() });
	const demand = new Map<string, number>();
	for (const ch of CHANNELS) for (const o of gen.byChannel[ch] ?? []) for (const l of o.lines) demand.set(l.sku, (demand.get(l.sku) ?? 0) + l.quantity);
	const [scarceSku, scarceDemand] = [...demand.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
	const scarce = { sku: scarceSku, demand: scarceDemand, stock: Math.max(1, Math.floor(scarceDemand / 3)) };

	log('starting the channel sandboxes and the WMS sandbox on loopback');
	const sb = await startSandboxes({ ordersPerChannel: 0, seed: opts.seed, timeScale: 1, wms: { timeScale: opts.wmsTimeScale } });
	// feeds in seconds: a catalogue push or an Amazon cancellation would otherwise hold its execution for minutes here
	quickFeeds(sb);
	const stock: Record<string, number> = Object.fromEntries(CATALOG.map((c) => [c.sku, 250]));
	stock[scarce.sku] = scarce.stock;
	sb.wms!.control.seedStock(stock);
	let everStocked = scarce.stock;
	log(`WMS stock: ${CATALOG.length} SKUs at 250 units; ${scarce.sku} only ${scarce.stock} (the burst wants ${scarce.demand}): it will run out`);

	const env: Record<string, string> = {};
	if (opts.port) Object.assign(env, { N8N_PORT: String(opts.port), WEBHOOK_URL: `http://127.0.0.1:${opts.port}/` });
	let n8n: N8n | undefined;
	let store: SqliteStore | undefined;
	const closeAll = async () => {
		await store?.close().catch(() => undefined);
		await n8n?.stop().catch(() => undefined);
		await sb.close().catch(() => undefined);
	};
	opts.onTeardown?.(closeAll);
	try {
		n8n = await N8n.create({ name: opts.name, keepUserFolder: opts.keepUserFolder, env });
		if (opts.port) n8n.port = opts.port;
		const storePath = join(n8n.userFolder, '.n8n', 'oms-wms', 'oms.sqlite');

		log('importing credentials (pointing at the sandboxes) and the seven templates into n8n');
		await n8n.importCredentials(sandboxCredentials(sb));
		const imported: WorkflowJson[] = [...TEMPLATE_FILES, ...(opts.extraTemplates ?? [])].map((f) => ({ ...speedUp(loadTemplate(f), opts.schedules), active: false }));
		// The daily report runs at 06:00 in n8n's time zone (America/New_York by default: 11:00 UTC), whenever a run
		// crosses that minute: its HTML goes where this n8n may write, as the template's sticky note tells a user to set
		// (n8n 2.x allows ~/.n8n-files, and the folder must exist)
		mkdirSync(join(n8n.userFolder, '.n8n-files'), { recursive: true });
		for (const wf of imported) {
			for (const n of wf.nodes) {
				const p = n.parameters as Record<string, unknown>;
				if (n.type === 'n8n-nodes-base.readWriteFile' && typeof p.fileName === 'string') p.fileName = p.fileName.replace('/home/node/.n8n-files/', `${join(n8n.userFolder, '.n8n-files')}/`);
			}
		}
		// One import for all seven (each CLI call starts n8n's CLI, several seconds), then one publish each.
		const wfDir = join(n8n.artifacts, 'workflows');
		mkdirSync(wfDir, { recursive: true });
		for (const wf of imported) writeFileSync(join(wfDir, `${wf.id}.json`), JSON.stringify(wf, null, 2));
		await n8n.cli(['import:workflow', '--separate', `--input=${wfDir}`]);
		for (const wf of imported) await n8n.cli(['publish:workflow', `--id=${wf.id}`]);
		log(`starting n8n on ${n8n.baseUrl} (log: ${join(n8n.artifacts, 'n8n.log')})`);
		await n8n.start();

		const intake = imported.find((w) => w.id === 'omsOrderIntake01')!;
		const hookId = (type: string) => intake.nodes.find((n) => n.type === type)!.webhookId!;
		const shopifyUrl = n8n.webhookUrl(`${hookId('n8n-nodes-oms-wms.shopifyOrderTrigger')}/webhook`);
		const wooUrl = n8n.webhookUrl(`${hookId('n8n-nodes-oms-wms.wooCommerceOrderTrigger')}/webhook`);
		await waitUntil('the intake triggers to register their webhooks at Shopify and WooCommerce', () => {
			const s = [...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === shopifyUrl).length;
			const w = [...sb.sandboxes.woocommerce.webhooks.values()].filter((x) => x.delivery_url === wooUrl).length;
			return s >= 1 && w >= 1 ? true : undefined;
		}, 60_000);
		log('workflows active; Shopify and WooCommerce webhooks registered at the sandboxes by the triggers');

		log('waiting for the first inventory sync (WMS stock levels -> OMS store)');
		const inventoryWait = Math.max(90_000, opts.schedules.inventorySyncSec * 3000);
		store = await waitUntil(`the OMS store file ${storePath} (written by "OMS 4: Inventory Sync"; see ${n8n.artifacts}/n8n.log)`, async () => (existsSync(storePath) ? await openSqliteStore(storePath) : undefined), inventoryWait);
		const st = store;
		await waitUntil('stock in the OMS store after the first inventory sync', async () => {
			const r = await st.query<{ n: number }>('SELECT count(*) AS n FROM stock');
			return Number(r[0].n) > 0 ? true : undefined;
		}, inventoryWait);

		const n = n8n;
		const flow: Flow = {
			sb,
			n8n: n,
			gen,
			imported,
			scarce,
			scarceUnitsEverStocked: () => everStocked,
			storePath,
			store: st,
			shopifyUrl,
			wooUrl,
			async pushBurst() {
				for (const ch of ['amazon', 'ebay', 'walmart'] as const) {
					sb.sandboxes[ch].addOrders(gen.byChannel[ch] ?? []);
					// Walmart's trigger moves its cursor to the time of its first (empty) poll, so orders placed "earlier"
					// would never be seen: they appear on the channel now (last-modified moved to now), as new orders would.
					// Amazon is left alone: its API hides the last 2 minutes of changes, and its cursor stays at the
					// look-back start until it sees an order.
					if (ch === 'walmart') for (const o of gen.byChannel[ch] ?? []) sb.sandboxes[ch].touch(o.id);
				}
				log('Amazon, eBay and Walmart orders placed at the sandboxes: their triggers pick them up on the next poll (every minute)');
				sb.sandboxes.shopify.addOrders(gen.byChannel.shopify ?? []);
				sb.sandboxes.woocommerce.addOrders(gen.byChannel.woocommerce ?? []);
				const result: BurstResult = { accepted: 0, refused: [], forgedStatus: [], deliveriesPerOrder: {} };
				const count = (omsId: string, ds: Array<{ status: number }>) => {
					result.deliveriesPerOrder[omsId] = (result.deliveriesPerOrder[omsId] ?? 0) + ds.length;
					for (const d of ds) {
						if (d.status >= 200 && d.status < 300) result.accepted++;
						else result.refused.push(d.status);
					}
				};
				const shop: SeedOrder[] = gen.byChannel.shopify ?? [];
				const woo: SeedOrder[] = gen.byChannel.woocommerce ?? [];
				for (let i = 0; i < Math.max(shop.length, woo.length); i++) {
					// every fifth Shopify order three times and every fourth WooCommerce order twice, as the channels retry
					if (shop[i]) count(`shopify:${shop[i].id}`, await sb.sandboxes.shopify.deliverWebhook(shop[i].id, { url: shopifyUrl, times: i % 5 === 0 ? 3 : 1 }));
					// no url: the sandbox delivers to the subscription the trigger registered, signed with the secret it chose
					if (woo[i]) count(`woocommerce:${woo[i].id}`, await sb.sandboxes.woocommerce.deliverWebhook(woo[i].id, { topic: 'order.created', times: i % 4 === 0 ? 2 : 1 }));
					await sleep(150);
				}
				log(`Shopify and WooCommerce: ${result.accepted} signed webhook deliveries accepted (every 5th Shopify order three times, every 4th WooCommerce order twice)${result.refused.length ? `; ${result.refused.length} refused (${[...new Set(result.refused)].join(', ')})` : ''}`);
				if (shop.length > 1) {
					const forged = await sb.sandboxes.shopify.deliverWebhook(shop[1].id, { url: shopifyUrl, forge: 'wrong-secret' });
					result.forgedStatus = forged.map((d) => d.status);
					log(`a forged Shopify webhook was answered ${result.forgedStatus.join(',')} (refused before any work)`);
				}
				return result;
			},
			restock() {
				const before = sb.wms!.control.stock(scarce.sku) ?? 0;
				const level = scarce.demand + 20;
				sb.wms!.control.seedStock({ [scarce.sku]: level });
				everStocked += Math.max(0, level - before);
				log(`stock arrives at the WMS: ${scarce.sku} now ${level}. The next inventory sync publishes it and releases the held orders, oldest first`);
				return level;
			},
			async submitFraudReview(omsId, decision, reviewer, note) {
				const review = imported.find((w) => w.id === 'omsFraudReview01')!;
				const formId = review.nodes.find((x) => x.type === 'n8n-nodes-base.formTrigger')?.webhookId;
				if (!formId) throw new Error('the Fraud Review template has no form trigger with a webhook id');
				const form = new FormData();
				form.append('field-0', omsId);
				form.append('field-1', decision);
				form.append('field-2', reviewer);
				form.append('field-3', note);
				// the form asks for the reviewers' login (Basic Auth), as a browser sends it once it is entered
				const res = await fetch(`${n.baseUrl}/form/${formId}`, { method: 'POST', body: form, headers: { authorization: fraudFormAuthorization() } });
				await res.arrayBuffer();
				log(`a reviewer ${decision === 'approved' ? 'approves' : 'rejects'} ${omsId} in the Fraud Review form (HTTP ${res.status})`);
				return res.status;
			},
			close: closeAll,
		};
		return flow;
	} catch (e) {
		await closeAll();
		throw e;
	}
}
