/**
 * Issue 9: the pack in n8n queue mode (scripts/queue-mode.ts: PostgreSQL, Redis, main, webhook processor, two
 * workers) under one burst of 2,000 orders across the five channels, with faults injected inside the burst:
 *
 *   - every order holds one unit of one SKU that has 100 units at the WMS; 30 % of the webhook orders are delivered
 *     two or three times (channel retries), and reconciliation (every 2 minutes here) lists every order again, so
 *     every order is seen at least twice by the end;
 *   - 429 storms from every channel while the pollers, reconciliation and quantity publishing call them;
 *   - the WMS sandbox down for 20 seconds a fifth of the way in;
 *   - a worker killed with SIGKILL two fifths in, and restarted;
 *   - PostgreSQL (n8n's database and the OMS store) restarted immediately (a crash) seven tenths in;
 *   - forged webhooks (bad signature, missing signature, a day-old delivery replayed, a body changed after signing).
 *
 * Checked from the OMS store, n8n's executions and the sandboxes: one record per order, exactly 100 units allocated
 * and the rest backordered, every allocated order at the WMS exactly once, no order left half-way, failed executions
 * visible, every forged request refused with nothing recorded, and no credential secret in any log line or item.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startQueueMode, sandboxCredentials, type QueueMode } from '../../scripts/queue-mode';
import { repoRoot, type WorkflowJson } from '../e2e/harness/n8n';
import { forCliImport } from '../e2e/harness/templates';
import { quickFeeds, startSandboxes, type Sandboxes } from '../sandbox/start';
import { CATALOG, type SeedOrder } from '../sandbox/generator';
import { CHANNELS, contestedBurst, forgedRequests, pool, secretValues } from './driver';
import type { Store } from '../../lib/store/types';
import { partsFromJson } from '../../lib/stock/reservation';

jest.setTimeout(1_500_000);

/**
 * 2,000 orders: 150 each from the webhook channels (every delivery is one execution, the expensive path) and 1,700
 * from the polled ones (hundreds an execution). LOAD_SCALE shrinks it while developing.
 */
const SCALE = Number(process.env.LOAD_SCALE ?? 1);
const MIX = { shopify: 150, woocommerce: 150, amazon: 600, ebay: 550, walmart: 550 };
const PER: Record<(typeof CHANNELS)[number], number> = Object.fromEntries(CHANNELS.map((c) => [c, Math.round(MIX[c] * SCALE)])) as never;
const TOTAL = CHANNELS.reduce((a, c) => a + PER[c], 0);
const WEBHOOK_ORDERS = PER.shopify + PER.woocommerce;
const SKU = 'MUG-CER-11';
const UNITS = 100;
const AT_WMS = ['at_wms', 'picked', 'packed', 'shipped', 'delivered'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const say = (s: string) => console.log(`[load ${Math.round((Date.now() - t0) / 1000)} s] ${s}`);

function template(file: string): WorkflowJson {
	// sub-workflows linked as a user links them after an import (the CLI keeps the templates' ids)
	return forCliImport(JSON.parse(readFileSync(join(repoRoot, 'workflows', file), 'utf8')) as WorkflowJson);
}

/** The templates, with shorter clocks for the test (the JSON files are unchanged). */
function workflows(): WorkflowJson[] {
	const every = (field: string, n: number) => ({ interval: [{ field, [`${field}Interval`]: n }] });
	const out: WorkflowJson[] = [];
	for (const [file, rule] of [
		['order-intake.json', null],
		['fulfil-order.json', null],
		['wms-status-sync.json', every('seconds', 10)],
		['inventory-sync.json', every('seconds', 30)],
		['channel-reconciliation.json', every('minutes', 2)],
	] as const) {
		const wf = template(file);
		for (const n of wf.nodes) {
			const p = n.parameters as Record<string, unknown>;
			if (rule && n.type === 'n8n-nodes-base.scheduleTrigger') p.rule = rule;
			if (n.type.endsWith('OrderTrigger') && p.pollTimes) p.pollTimes = { item: [{ mode: 'everyMinute' }] };
			// the outbox's backoff from 30 s to 5 s, so the WMS outage is retried within the test
			if (n.type === 'n8n-nodes-oms-wms.wms') p.options = { ...((p.options as object) ?? {}), backoffBaseSeconds: 5 };
			if (n.type === 'n8n-nodes-oms-wms.omsOrder' && p.operation === 'record') p.resumeAfterSeconds = 30;
		}
		out.push(wf);
	}
	return out;
}

/** A workflow whose OMS node has no OMS Store credential: in queue mode it must be refused, with the message. */
const EMBEDDED: WorkflowJson = {
	id: 'omsLoadEmbedded1',
	name: 'Load: OMS node on the embedded store',
	nodes: [
		{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'b9c1e0f2-5d4a-4e37-9d1b-0a6c2f3e4d51', parameters: { httpMethod: 'POST', path: 'load-embedded-store', options: {} } },
		{ name: 'Get Order', type: 'n8n-nodes-oms-wms.omsOrder', typeVersion: 1, position: [220, 0], parameters: { operation: 'get', omsId: 'shopify:1' } },
	],
	connections: { Webhook: { main: [[{ node: 'Get Order', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

describe('queue mode: 2,000 orders in a burst with faults, nothing lost, nothing twice', () => {
	let sb: Sandboxes;
	let qm: QueueMode;
	let store: Store;
	let burst: Record<string, SeedOrder[]>;
	const expected = new Set<string>();
	const forged: Array<{ what: string; status: number; omsId: string }> = [];
	const faults: string[] = [];
	let deliveries = 0;
	let duplicateDeliveries = 0;
	let settled = false;

	const count = async (sql: string, params: unknown[] = []) => Number((await store.query<{ n: number }>(sql, params))[0].n);

	beforeAll(async () => {
		// the WMS clock runs in real time (its default is a frozen clock): the outage ends, and orders move on
		// Amazon's documented searchOrders quota (one call every 3 minutes after a burst of 20) would make each
		// reconciliation run take many minutes here; this seller has a larger quota, which the sandbox advertises in
		// x-amzn-RateLimit-Limit and the client follows. Every other limit is as documented.
		sb = await startSandboxes({
			ordersPerChannel: 0,
			seed: 9,
			wms: { timeScale: 1 },
			perChannel: { amazon: { rateLimits: { searchOrders: { ratePerSec: 0.5, burst: 20 } } } },
		});
		// catalogue pushes (by feed on Amazon and Walmart) and Amazon cancellations: feeds in seconds, not minutes
		quickFeeds(sb);
		sb.wms!.control.seedStock({ ...Object.fromEntries(CATALOG.map((c) => [c.sku, 100_000])), [SKU]: UNITS });
		qm = await startQueueMode({ name: 'load', credentials: sandboxCredentials(sb), workflows: workflows(), workflowsAsIs: [EMBEDDED], workers: 2, concurrency: 10 });
		store = await qm.store();
		say('queue mode up');
		const intake = workflows()[0];
		const hook = (type: string) => qm.webhookUrl(`${intake.nodes.find((n) => n.type === type)!.webhookId}/webhook`);
		const shopifyUrl = hook('n8n-nodes-oms-wms.shopifyOrderTrigger');
		const wooUrl = hook('n8n-nodes-oms-wms.wooCommerceOrderTrigger');
		// the triggers registered the webhook processor's URL at the channels on activation
		for (let i = 0; ; i++) {
			const s = [...sb.sandboxes.shopify.webhooks.values()].some((w) => w.uri === shopifyUrl);
			const w = [...sb.sandboxes.woocommerce.webhooks.values()].some((x) => x.delivery_url === wooUrl);
			if (s && w) break;
			if (i > 120) throw new Error('the intake triggers never registered their webhooks at Shopify and WooCommerce');
			await sleep(500);
		}
		// the inventory sync brings the WMS stock into the OMS before the burst
		for (let i = 0; ; i++) {
			const rows = await store.query<{ on_hand: number }>('SELECT on_hand FROM stock WHERE sku = $1', [SKU]);
			if (rows.length && Number(rows[0].on_hand) === UNITS) break;
			if (i > 240) throw new Error(`no stock for ${SKU} in the OMS store: did "OMS 4: Inventory Sync" run? logs in ${qm.artifacts}`);
			await sleep(500);
		}
		say('stock synced; webhooks registered');

		// Forged webhooks, for orders that exist nowhere else.
		const spare = contestedBurst({ seed: 99, perChannel: 1, sku: SKU });
		const so = spare.shopify[0];
		const wo = spare.woocommerce[0];
		so.id = '990000000001';
		wo.id = '990000001';
		const requests = forgedRequests({
			shopifyUrl,
			wooUrl,
			shopifyBody: JSON.stringify(sb.sandboxes.shopify.renderRest(so)),
			wooBody: JSON.stringify(sb.sandboxes.woocommerce.render(wo)),
			shopDomain: sb.credentials.shopify.shopDomain,
			shopifySecret: sb.credentials.shopify.appSecret,
			wooSource: `${sb.urls.woocommerce}/`,
		});
		for (const r of requests) {
			const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
			await res.arrayBuffer();
			forged.push({ what: r.what, status: res.status, omsId: r.url === shopifyUrl ? `shopify:${so.id}` : `woocommerce:${wo.id}` });
		}

		// The burst.
		burst = contestedBurst({ seed: 9, perChannel: PER, sku: SKU });
		for (const ch of CHANNELS) for (const o of burst[ch]) expected.add(`${ch}:${o.id}`);
		for (const ch of CHANNELS) sb.sandboxes[ch].inject({ kind: 'throttle', times: 6 });
		faults.push('429 storm: 6 throttled answers in a row queued on every channel');
		for (const ch of ['amazon', 'ebay', 'walmart'] as const) {
			sb.sandboxes[ch].addOrders(burst[ch]);
			// Walmart's trigger starts its cursor at its first poll: orders appear as changed now (as in the demo)
			if (ch === 'walmart') for (const o of burst[ch]) sb.sandboxes[ch].touch(o.id);
		}
		sb.sandboxes.shopify.addOrders(burst.shopify);
		sb.sandboxes.woocommerce.addOrders(burst.woocommerce);
		const pushes: Array<{ channel: 'shopify' | 'woocommerce'; order: SeedOrder; times: number }> = [];
		for (const channel of ['shopify', 'woocommerce'] as const) {
			burst[channel].forEach((order, i) => pushes.push({ channel, order, times: i % 10 < 3 ? 2 + (i % 2) : 1 }));
		}
		pushes.sort((a, b) => Number(a.order.id) - Number(b.order.id) || a.channel.localeCompare(b.channel));
		let restarting: Promise<void> | undefined;
		const marks = [
			{ at: 0.2, run: async () => {
				sb.wms!.control.down('all', 20_000);
				faults.push('WMS down for 20 s');
			} },
			{ at: 0.4, run: async () => {
				const w = qm.workers[0];
				await w.kill('SIGKILL');
				faults.push('worker 1 killed with SIGKILL');
				// as a process supervisor would (Docker's restart policy, systemd): start it again until it stays up
				restarting = (async () => {
					for (let attempt = 1; ; attempt++) {
						try {
							await w.start();
							faults.push('worker 1 restarted');
							return;
						} catch (e) {
							await w.kill('SIGKILL');
							if (attempt >= 5) throw e;
							await sleep(2000);
						}
					}
				})();
			} },
			{ at: 0.7, run: async () => {
				await qm.restartPostgres();
				faults.push('PostgreSQL restarted (immediate stop)');
			} },
		];
		let done = 0;
		await pool(pushes, 8, async (p) => {
			while (marks.length && done >= marks[0].at * pushes.length) {
				const m = marks.shift()!;
				say(`fault at ${done} of ${pushes.length} deliveries`);
				await m.run();
			}
			// Shopify retries a delivery that was not answered 2xx (here within seconds, not hours); WooCommerce does
			// not, so a Woo delivery lost during the PostgreSQL restart is left to reconciliation.
			for (let attempt = 0; attempt < (p.channel === 'shopify' ? 20 : 1); attempt++) {
				const res = await sb.deliverWebhook(p.channel, p.order, p.channel === 'shopify' ? { url: shopifyUrl, times: p.times } : { times: p.times });
				deliveries += res.length;
				duplicateDeliveries += res.length - 1;
				if (res.some((r) => r.status >= 200 && r.status < 300)) break;
				await sleep(1000);
			}
			done++;
		});
		say(`burst delivered: ${deliveries} webhook deliveries (${duplicateDeliveries} repeats); faults: ${faults.join('; ')}`);
		await restarting;

		// Settle: every order recorded and none left half-way, the outbox empty, and that state held for 30 s.
		const deadline = Date.now() + 10 * 60_000;
		let last = '';
		let stableSince = Date.now();
		while (Date.now() < deadline) {
			const recorded = await count('SELECT count(*) AS n FROM orders');
			const halfway = await count("SELECT count(*) AS n FROM orders WHERE status IN ('received', 'ready')");
			const pending = await count("SELECT count(*) AS n FROM deliveries WHERE status = 'pending'");
			// schedules start short executions every few seconds: only one running for over a minute is in the way
			const running = (await qm.executions()).filter((e) => ['new', 'running', 'waiting'].includes(e.status) && Date.now() - Date.parse(String(e.startedAt ?? new Date().toISOString())) > 60_000).length;
			const line = `recorded ${recorded}/${TOTAL}, half-way ${halfway}, outbox pending ${pending}, executions running over a minute ${running}, WMS orders ${sb.wms!.control.orders('shipbob').length}`;
			if (line !== last) {
				say(line);
				last = line;
				stableSince = Date.now();
			}
			if (recorded >= TOTAL && halfway === 0 && pending === 0 && running === 0 && Date.now() - stableSince > 30_000) {
				settled = true;
				break;
			}
			await sleep(3000);
		}
	});

	afterAll(async () => {
		await qm?.stop();
		await sb?.close();
	});

	it('settled: every order recorded, none left half-way, the outbox empty', () => {
		expect(settled).toBe(true);
	});

	it('recorded every order exactly once, and only those', async () => {
		const ids = (await store.query<{ oms_id: string }>('SELECT oms_id FROM orders')).map((r) => r.oms_id);
		expect(ids.length).toBe(new Set(ids).size);
		expect(new Set(ids)).toEqual(expected);
		// every order was seen at least twice: a third of the webhooks repeated, and reconciliation lists them all
		expect(duplicateDeliveries).toBeGreaterThanOrEqual(Math.floor(0.3 * WEBHOOK_ORDERS));
	});

	it('allocated exactly 100 units of the contested SKU, backordered the rest', async () => {
		// units of the SKU each order holds or shipped, from its reservation parts (decoded as the store does)
		const held = new Map<string, number>();
		for (const r of await store.query<{ oms_id: string; parts: unknown }>('SELECT oms_id, parts FROM reservations')) {
			for (const p of partsFromJson(r.parts)) if (p.sku === SKU) held.set(r.oms_id, (held.get(r.oms_id) ?? 0) + p.active + p.committed);
		}
		const reserved = [...held.values()].reduce((a, b) => a + b, 0);
		expect(reserved).toBe(UNITS);
		// what is reserved now plus what has shipped (committed) never exceeds the 100 units
		const stock = await store.query<{ reserved: number; on_hand: number }>('SELECT reserved, on_hand FROM stock WHERE sku = $1', [SKU]);
		expect(stock).toHaveLength(1);
		expect(Number(stock[0].reserved)).toBeLessThanOrEqual(UNITS);
		// the orders sent to the WMS (not those that arrived already shipped on their channel) are the 100 that got a unit
		const sent = await store.query<{ oms_id: string; status: string }>("SELECT o.oms_id, o.status FROM orders o JOIN deliveries d ON d.oms_id = o.oms_id WHERE d.status = 'sent'");
		expect(sent).toHaveLength(UNITS);
		expect(sent.filter((o) => !AT_WMS.includes(o.status))).toEqual([]);
		const holding = [...held.values()].filter((units) => units > 0).length;
		expect(holding).toBe(UNITS);
		const backordered = await count("SELECT count(*) AS n FROM orders WHERE status = 'backordered'");
		// the contest was real: more orders wanted the SKU than there were units
		expect(backordered).toBeGreaterThan(0);
	});

	it('sent every allocated order to the WMS exactly once, after its outage', async () => {
		const wms = sb.wms!.control.orders('shipbob');
		const refs = wms.map((o) => o.reference);
		expect(refs.length).toBe(new Set(refs).size);
		const atWms = (await store.query<{ oms_id: string }>("SELECT DISTINCT oms_id FROM deliveries WHERE status = 'sent'")).map((r) => r.oms_id);
		expect(new Set(refs)).toEqual(new Set(atWms));
		const units = wms.reduce((a, o) => a + o.lines.filter((l) => l.sku === SKU).reduce((b, l) => b + l.quantity, 0), 0);
		expect(units).toBe(UNITS);
		const sent = await count("SELECT count(*) AS n FROM deliveries WHERE status = 'sent'");
		expect(sent).toBe(UNITS);
		// the outage was felt: some pushes were answered 503 by the WMS sandbox while it was down
		expect(faults).toContain('WMS down for 20 s');
	});

	it('the faults happened: worker killed and back, PostgreSQL restarted, 429 storms answered', () => {
		expect(faults).toEqual(expect.arrayContaining(['worker 1 killed with SIGKILL', 'worker 1 restarted', 'PostgreSQL restarted (immediate stop)']));
		// every channel answered 429s (the injected storm, and its own limits), and the work still got done (above)
		// (Shopify's GraphQL answers THROTTLED inside a 200, counted in throttledBy)
		const throttled = (ch: (typeof CHANNELS)[number]) =>
			sb.sandboxes[ch].calls.filter((c) => c.status === 429).length + Object.values(sb.sandboxes[ch].throttledBy).reduce((a, b) => a + b, 0);
		for (const ch of CHANNELS) expect([ch, throttled(ch) > 0]).toEqual([ch, true]);
	});

	it('left failed executions visible, none stuck running', async () => {
		const all = await qm.executions();
		const byStatus: Record<string, number> = {};
		for (const e of all) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
		say(`executions by status: ${JSON.stringify(byStatus)}`);
		// the executions the dead worker held, and those PostgreSQL's crash broke, are there as failed or crashed
		expect((byStatus.error ?? 0) + (byStatus.crashed ?? 0)).toBeGreaterThan(0);
		const stuck = all.filter((e) => ['new', 'running', 'waiting'].includes(e.status) && Date.now() - Date.parse(String(e.startedAt ?? new Date().toISOString())) > 60_000);
		expect(stuck).toEqual([]);
	});

	it('refuses the embedded SQLite store on a worker, with the message that says what to do', async () => {
		const res = await fetch(qm.webhookUrl('load-embedded-store'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		await res.arrayBuffer();
		let runs = await qm.executions(EMBEDDED.id);
		for (let i = 0; i < 120 && !runs.some((r) => r.status === 'error'); i++) {
			await sleep(500);
			runs = await qm.executions(EMBEDDED.id);
		}
		expect(runs.map((r) => r.status)).toEqual(['error']);
		const data = (await qm.executionData(runs[0].id)) as { resultData: { error?: { message?: string }; lastNodeExecuted?: string } };
		expect(data.resultData.lastNodeExecuted).toBe('Get Order');
		expect(data.resultData.error?.message).toMatch(/embedded SQLite OMS store cannot be used in n8n queue mode.*PostgreSQL/s);
	});

	it('refused every forged webhook, and recorded nothing for them', async () => {
		expect(forged.map((f) => [f.what, f.status])).toEqual(forged.map((f) => [f.what, 401]));
		for (const f of forged) expect(await count('SELECT count(*) AS n FROM orders WHERE oms_id = $1', [f.omsId])).toBe(0);
	});

	it('printed no credential secret in any log line or item output', async () => {
		const secrets = [...secretValues(sandboxCredentials(sb)), String(qm.storeCredential.data.password)];
		expect(secrets.length).toBeGreaterThan(5);
		const logs = qm.logs();
		expect(logs.length).toBeGreaterThan(1000);
		for (const s of secrets) expect(logs.includes(s) ? s : null).toBeNull();
		const executions = await qm.executions();
		expect(executions.length).toBeGreaterThan(10);
		for (const e of executions) {
			const data = JSON.stringify(await qm.executionData(e.id).catch(() => ({})));
			for (const s of secrets) if (data.includes(s)) throw new Error(`execution ${e.id} carries a credential secret`);
		}
	});
});
