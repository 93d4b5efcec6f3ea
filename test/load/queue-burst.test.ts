/**
 * Issues 9 and 20: the pack in n8n queue mode (scripts/queue-mode.ts: PostgreSQL, Redis, main, webhook processor, two
 * workers) under one burst of 2,000 orders across the five channels, with faults injected inside the burst and the
 * daily work after intake (cancellations, late payments, a confirmation outage) after it:
 *
 *   - every order holds one unit of one SKU that has 100 units at the WMS; 30 % of the webhook orders are delivered
 *     two or three times (channel retries), and reconciliation (every 2 minutes here) lists every order again, so
 *     every order is seen at least twice by the end;
 *   - 429 storms from every channel while the pollers, reconciliation and quantity publishing call them;
 *   - the WMS sandbox down for 20 seconds a fifth of the way in;
 *   - a worker killed with SIGKILL two fifths in, and restarted;
 *   - PostgreSQL (n8n's database and the OMS store) restarted immediately (a crash) seven tenths in;
 *   - forged webhooks (bad signature, missing signature, a day-old delivery replayed, a body changed after signing);
 *   - 10 % of the orders cancelled on their channel (issue 20), chosen with the test's seed: most right after intake
 *     (as soon as the OMS has recorded them, while the burst and its faults go on), 10 at the WMS before pick and 10
 *     after pick (the WMS refuses those: ShipBob's rule);
 *   - 10 % created unpaid and paid later on their channel (Shopify, WooCommerce, Amazon, eBay: Walmart releases paid
 *     orders only), each as soon as the OMS holds it for its payment, while the burst and its faults go on;
 *   - a confirmation outage while the orders ship: every channel's shipment confirmation fails (503s, then one answer lost
 *     after the channel applied it), then recovers; OMS 10 (Recovery and Attention) runs as shipped, its clocks
 *     shortened: Retry Channel Calls, Recover Stuck Orders and the Attention digest (to the SMTP sink).
 *
 * The WMS's clock runs in real time but its stages are hours apart, so nothing is picked or shipped by itself: the
 * test moves the clock (pick, then ship) and the stage of every cancellation is the test's choice.
 *
 * Checked from the OMS store, n8n's executions and the sandboxes: one record per order; never more than 100 units of
 * the contested SKU held or shipped among live (not cancelled) orders, the rest backordered; never two WMS orders for
 * one order, every WMS order sent once through the outbox, after its outage; cancelled orders hold no units and have
 * no live WMS order (except those the WMS refused to cancel: held cancel_refused, or return_expected once shipped); no late-paid order
 * left waiting for its payment; every shipped package of a live order confirmed on its channel exactly once (the
 * channel's accepted calls, a lost answer counted); no order left half-way, with Recover Stuck Orders having run;
 * failed executions visible (summarised by workflow, node and message), none stuck running; every forged request
 * refused with nothing recorded; no credential secret in any log line or item.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startQueueMode, sandboxCredentials, type QueueMode } from '../../scripts/queue-mode';
import { repoRoot, type WorkflowJson } from '../e2e/harness/n8n';
import { forCliImport } from '../e2e/harness/templates';
import { quickFeeds, startSandboxes, type Sandboxes } from '../sandbox/start';
import { CATALOG, mulberry32, type SeedChannel, type SeedOrder } from '../sandbox/generator';
import { CHANNELS, contestedBurst, forgedRequests, pool, secretValues } from './driver';
import type { Store } from '../../lib/store/types';
import { partsFromJson } from '../../lib/stock/reservation';

/**
 * The whole run's budget, from the start of the file: a phase that has not settled by then is not waited for (its
 * test fails, and the rest of the run is not spent waiting on a run already failed). Jest's own timeout is longer, so
 * the run always ends through this budget, with its diagnostics printed, and never keeps going after Jest gave up.
 */
const BUDGET_MS = 25 * 60_000;
jest.setTimeout(BUDGET_MS + 5 * 60_000);

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
/** Issue 20: the share of orders cancelled on their channel, and of orders paid late */
const CANCEL_SHARE = 0.1;
const LATE_PAID_SHARE = 0.1;
/** Of the cancellations: this many at the WMS before pick, and as many after pick (the rest right after intake) */
const AT_STAGE = 10;
const HOUR = 3600_000;
/** The WMS's stages, hours apart on its clock (real time): only the test's advance() picks or ships */
const WMS_TIMING = { pickAfterMs: 2 * HOUR, packAfterMs: 3 * HOUR, shipAfterMs: 4 * HOUR };
/** Channels whose orders can be paid after they were placed (Walmart releases paid orders only) */
const PAYABLE_LATER: SeedChannel[] = ['shopify', 'woocommerce', 'amazon', 'ebay'];
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
		// OMS 10, one clock per trigger (by its name): recovery every 20 s, channel calls every 10 s, the digest every minute
		['recovery-attention.json', null],
		// OMS 0: the error workflow every other template names, so that a failed execution mails a person (the SMTP sink)
		['error-alert.json', null],
	] as const) {
		const wf = template(file);
		for (const n of wf.nodes) {
			const p = n.parameters as Record<string, unknown>;
			if (rule && n.type === 'n8n-nodes-base.scheduleTrigger') p.rule = rule;
			if (file === 'recovery-attention.json' && n.type === 'n8n-nodes-base.scheduleTrigger')
				p.rule = n.name.includes('Channel Calls') ? every('seconds', 10) : n.name.includes('15') ? every('minutes', 1) : every('seconds', 20);
			if (n.type.endsWith('OrderTrigger') && p.pollTimes) p.pollTimes = { item: [{ mode: 'everyMinute' }] };
			// the outbox's backoff from 30 s to 5 s, so the WMS outage is retried within the test
			if (n.type === 'n8n-nodes-oms-wms.wms') p.options = { ...((p.options as object) ?? {}), backoffBaseSeconds: 5 };
			// the same for the channel outbox: the confirmation outage is retried within the test
			if (n.type === 'n8n-nodes-oms-wms.marketplace' && ['confirmShipment', 'setQuantity', 'retryPending'].includes(String(p.operation)))
				p.outbox = { ...((p.outbox as object) ?? {}), backoffBaseSeconds: 5 };
			if (n.type === 'n8n-nodes-oms-wms.omsOrder' && p.operation === 'record') p.resumeAfterSeconds = 30;
			// orders left half-way for 2 minutes (not 5) are recovered
			if (n.type === 'n8n-nodes-oms-wms.omsOrder' && p.operation === 'recover') p.olderThanMinutes = 2;
		}
		out.push(wf);
	}
	return out;
}

/** How many times each value occurs */
function tally(values: string[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const v of [...values].sort()) out[v] = (out[v] ?? 0) + 1;
	return out;
}

/** Deterministic shuffle (Fisher-Yates on the seeded generator) */
function shuffled<T>(items: T[], rnd: () => number): T[] {
	const a = [...items];
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(rnd() * (i + 1));
		[a[i], a[j]] = [a[j], a[i]];
	}
	return a;
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

type Cancel = { ch: SeedChannel; id: string; stage: 'after intake' | 'at the WMS, before pick' | 'after pick'; omsStatus: string };

const CONFIRMED: Record<SeedChannel, (sb: Sandboxes) => unknown[]> = {
	// what each channel accepted as a shipment confirmation (a duplicate it accepted counts too)
	shopify: (sb) => sb.sandboxes.shopify.received.fulfillments,
	woocommerce: (sb) => sb.sandboxes.woocommerce.received.trackings,
	amazon: (sb) => sb.sandboxes.amazon.received.shipments,
	ebay: (sb) => sb.sandboxes.ebay.received.fulfillments,
	walmart: (sb) => sb.sandboxes.walmart.received.shipments,
};
/** A recorded call to a channel's shipment confirmation endpoint */
const CONFIRM_CALL: Record<SeedChannel, (c: { method: string; path: string; body: unknown }) => boolean> = {
	shopify: (c) => c.method === 'POST' && c.path.endsWith('/graphql.json') && JSON.stringify(c.body ?? '').includes('fulfillmentCreate'),
	woocommerce: (c) => c.method === 'POST' && /\/shipment-trackings$/.test(c.path),
	amazon: (c) => c.method === 'POST' && /\/shipmentConfirmation$/.test(c.path),
	ebay: (c) => c.method === 'POST' && /\/shipping_fulfillment$/.test(c.path),
	walmart: (c) => c.method === 'POST' && /^\/v3\/orders\/[^/]+\/shipping$/.test(c.path),
};
/** An order cancelled on its channel that the WMS would not cancel: held for a person, as cancel_refused, or as
 * return_expected once the WMS has shipped it and the OMS sees the channel's cancellation again */
const HELD_NOT_CANCELLED = ['cancel_refused', 'return_expected'];
const channelOf = (omsId: string) => omsId.slice(0, omsId.indexOf(':')) as SeedChannel;
const idOf = (omsId: string) => omsId.slice(omsId.indexOf(':') + 1);

describe('queue mode: 2,000 orders in a burst with faults, then cancellations, late payments and a confirmation outage: nothing lost, nothing twice', () => {
	let sb: Sandboxes;
	let qm: QueueMode;
	let store: Store;
	let burst: Record<string, SeedOrder[]>;
	let shopifyUrl = '';
	const expected = new Set<string>();
	const forged: Array<{ what: string; status: number; omsId: string }> = [];
	const faults: string[] = [];
	let deliveries = 0;
	let duplicateDeliveries = 0;
	/** every settle, by phase: true when it settled */
	const settled: Record<string, boolean> = {};
	/** orders cancelled on their channel, by omsId */
	const cancels = new Map<string, Cancel>();
	const cancelErrors: string[] = [];
	const payErrors: string[] = [];
	/** orders placed unpaid, paid on their channel as soon as the OMS holds them for their payment (during the burst) */
	const latePaid = new Set<string>();
	const paidOnChannel = new Set<string>();
	/** orders placed paid and open (the ones a buyer can cancel: not pending, cancelled or (partly) shipped already) */
	const placedPaid = new Set<string>();
	/** the confirmation outage injected, per channel: answers lost after being applied, and 503s */
	const outage: Partial<Record<SeedChannel, { lost: number; errors: number }>> = {};
	let shipPhaseStartedAt = 0;
	const rnd = mulberry32(2020);

	const count = async (sql: string, params: unknown[] = []) => Number((await store.query<{ n: number }>(sql, params))[0].n);
	const wms = () => sb.wms!.control;

	/** Delivers a Shopify webhook until it is answered 2xx (Shopify retries), as the burst does */
	async function shopifyUntilOk(id: string, topic: string): Promise<void> {
		for (let attempt = 0; attempt < 20; attempt++) {
			const res = await sb.deliverWebhook('shopify', id, { url: shopifyUrl, topic });
			if (res.some((r) => r.status >= 200 && r.status < 300)) return;
			await sleep(1000);
		}
	}

	/** The buyer cancels on the channel: Shopify and WooCommerce send webhooks, the others show it to the pollers */
	async function cancelOnChannel(omsId: string): Promise<void> {
		const ch = channelOf(omsId);
		const id = idOf(omsId);
		if (ch === 'shopify') {
			const res = await sb.sandboxes.shopify.cancelOrder(id);
			if (!res.some((r) => r.status >= 200 && r.status < 300)) await shopifyUntilOk(id, 'orders/cancelled');
		} else if (ch === 'woocommerce') await sb.sandboxes.woocommerce.cancelOrder(id); // a lost delivery: reconciliation
		else if (ch === 'amazon') sb.sandboxes.amazon.cancelOrder(id);
		else if (ch === 'ebay') sb.sandboxes.ebay.cancelOrder(id);
		else sb.sandboxes.walmart.cancelOrder(id);
	}

	async function payOnChannel(omsId: string): Promise<void> {
		const ch = channelOf(omsId);
		const id = idOf(omsId);
		if (ch === 'shopify') {
			const res = await sb.sandboxes.shopify.markPaid(id);
			if (!res.some((r) => r.status >= 200 && r.status < 300)) await shopifyUntilOk(id, 'orders/updated');
		} else if (ch === 'woocommerce') await sb.sandboxes.woocommerce.markPaid(id);
		else if (ch === 'amazon') sb.sandboxes.amazon.markPaid(id);
		else if (ch === 'ebay') sb.sandboxes.ebay.markPaid(id);
		else throw new Error(`${omsId}: Walmart orders are never paid late`);
	}

	/** Channel-cancelled orders the OMS has not cancelled (nor held because the WMS refused) yet, by channel and OMS state */
	const openCancels = async () =>
		cancels.size
			? await store.query<{ oms_id: string; status: string; hold_reason: string | null }>(
					"SELECT oms_id, status, hold_reason FROM orders WHERE oms_id = ANY($1) AND status <> 'cancelled' AND coalesce(hold_reason, '') NOT IN ('cancel_refused', 'return_expected') ORDER BY oms_id",
					[[...cancels.keys()]],
				)
			: [];
	const cancelsOpen = async () => {
		const open = await openCancels();
		return open.length ? `${open.length} cancelled on the channel, not in the OMS yet ${JSON.stringify(tally(open.map((r) => `${channelOf(r.oms_id)} ${r.hold_reason ?? r.status}`)))}` : null;
	};
	/** Late-paid orders still held for their payment, by channel */
	const paymentsOpen = async () => {
		const open = await store.query<{ oms_id: string }>("SELECT oms_id FROM orders WHERE oms_id = ANY($1) AND status = 'on_hold' AND hold_reason = 'awaiting_payment'", [[...paidOnChannel]]);
		const unpaid = latePaid.size - paidOnChannel.size;
		return open.length || unpaid ? `paid late: ${unpaid} not yet paid on their channel, ${open.length} paid but still awaiting payment in the OMS ${JSON.stringify(tally(open.map((r) => channelOf(r.oms_id))))}` : null;
	};
	/** The timeline of some orders, to see where they stopped (printed when a phase does not settle) */
	async function timelines(ids: string[]): Promise<void> {
		for (const id of ids.slice(0, 5)) {
			const events = await store
				.query<{ at: string; type: string; from_status: string | null; to_status: string | null; cause: string | null; detail: unknown }>('SELECT at, type, from_status, to_status, cause, detail FROM events WHERE oms_id = $1 ORDER BY id', [id])
				.catch(() => []);
			say(`timeline of ${id}:\n${events.map((e) => `  ${new Date(e.at).toISOString()} ${e.type} ${e.from_status ?? ''}->${e.to_status ?? ''} ${e.cause ?? ''} ${JSON.stringify(e.detail).slice(0, 300)}`).join('\n')}`);
		}
	}

	/**
	 * Settle: every order recorded and none left half-way, the WMS outbox empty, nothing `more` awaits, and that state
	 * held for 30 s (the schedules run every 10 to 30 s).
	 */
	async function settle(phase: string, more: () => Promise<string | null> = async () => null): Promise<void> {
		const deadline = Math.min(Date.now() + 10 * 60_000, t0 + BUDGET_MS);
		let last = '';
		let stableSince = Date.now();
		settled[phase] = false;
		while (Date.now() < deadline) {
			let line: string;
			let done = false;
			try {
				const recorded = await count('SELECT count(*) AS n FROM orders');
				const halfway = await count("SELECT count(*) AS n FROM orders WHERE status IN ('received', 'ready')");
				const pending = await count("SELECT count(*) AS n FROM deliveries WHERE status = 'pending'");
				// schedules start short executions every few seconds: only one running for over a minute is in the way
				const running = (await qm.executions()).filter((e) => ['new', 'running', 'waiting'].includes(e.status) && Date.now() - Date.parse(String(e.startedAt ?? new Date().toISOString())) > 60_000).length;
				const waiting = await more();
				line = `${phase}: recorded ${recorded}/${TOTAL}, half-way ${halfway}, outbox pending ${pending}, executions running over a minute ${running}, WMS orders ${wms().orders('shipbob').length}${waiting ? `, ${waiting}` : ''}`;
				done = recorded >= TOTAL && halfway === 0 && pending === 0 && running === 0 && !waiting;
			} catch (e) {
				line = `${phase}: store not answering (${(e as Error).message})`;
			}
			if (line !== last) {
				say(line);
				last = line;
				stableSince = Date.now();
			}
			if (done && Date.now() - stableSince > 30_000) {
				settled[phase] = true;
				return;
			}
			await sleep(3000);
		}
		say(`${phase}: NOT settled (${Date.now() >= t0 + BUDGET_MS ? 'the run is out of its budget' : 'ten minutes'}); last: ${last}`);
		await timelines((await openCancels().catch(() => [])).map((r) => r.oms_id));
	}

	/** Shipped packages at the WMS (tracking number, order), of orders not cancelled there */
	const shippedPackages = () =>
		wms()
			.orders('shipbob')
			.filter((o) => o.stage === 'shipped' || o.stage === 'delivered')
			.flatMap((o) => o.packages.map((p) => ({ omsId: o.reference, trackingNumber: p.trackingNumber })));
	/** Confirmations each channel accepted for a tracking number */
	const acceptedFor = (omsId: string, trackingNumber: string) => CONFIRMED[channelOf(omsId)](sb).filter((x) => JSON.stringify(x).includes(trackingNumber)).length;

	beforeAll(async () => {
		// the WMS clock runs in real time (its default is a frozen clock): the outage ends; its stages are hours apart
		// Amazon's documented searchOrders quota (one call every 3 minutes after a burst of 20) would make each
		// reconciliation run take many minutes here; this seller has a larger quota, which the sandbox advertises in
		// x-amzn-RateLimit-Limit and the client follows. Every other limit is as documented.
		sb = await startSandboxes({
			ordersPerChannel: 0,
			seed: 9,
			wms: { timeScale: 1, timing: WMS_TIMING },
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
		shopifyUrl = hook('n8n-nodes-oms-wms.shopifyOrderTrigger');
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
		// Issue 20, chosen with the seed among the orders placed paid: 10 % placed unpaid instead (paid after the burst),
		// and the cancellations right after intake (the rest of the 10 % cancelled at the WMS and after pick, below)
		const paid = shuffled(
			// (not the generator's planted fraud-ring order: the fraud gate rejects it and cancels it on its channel)
			CHANNELS.flatMap((ch) => burst[ch].filter((o) => o.status === 'paid' && o.fraud.length === 0).map((o) => ({ ch, o }))),
			rnd,
		);
		for (const { ch, o } of paid.filter((x) => PAYABLE_LATER.includes(x.ch)).slice(0, Math.round(LATE_PAID_SHARE * TOTAL))) {
			o.status = 'pending';
			latePaid.add(`${ch}:${o.id}`);
		}
		for (const { ch, o } of paid) if (!latePaid.has(`${ch}:${o.id}`)) placedPaid.add(`${ch}:${o.id}`);
		const intakeCancels = paid.filter((x) => !latePaid.has(`${x.ch}:${x.o.id}`)).slice(0, Math.round(CANCEL_SHARE * TOTAL) - 2 * AT_STAGE).map((x) => `${x.ch}:${x.o.id}`);
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

		// Cancelled right after intake: as soon as the OMS has recorded the order, while the burst and its faults go on
		const intakeLeft = new Set(intakeCancels);
		const watcher = (async () => {
			const deadline = Date.now() + 15 * 60_000;
			while (intakeLeft.size && Date.now() < deadline) {
				let rows: Array<{ oms_id: string; status: string }> = [];
				try {
					rows = await store.query<{ oms_id: string; status: string }>('SELECT oms_id, status FROM orders WHERE oms_id = ANY($1)', [[...intakeLeft]]);
				} catch {
					// PostgreSQL restarting: next round
				}
				for (const r of rows) {
					intakeLeft.delete(r.oms_id);
					try {
						await cancelOnChannel(r.oms_id);
						cancels.set(r.oms_id, { ch: channelOf(r.oms_id), id: idOf(r.oms_id), stage: 'after intake', omsStatus: r.status });
					} catch (e) {
						cancelErrors.push(`${r.oms_id}: ${(e as Error).message}`);
					}
				}
				await sleep(1000);
			}
			for (const id of intakeLeft) cancelErrors.push(`${id}: never recorded, so never cancelled`);
		})();
		// Paid late: each unpaid order is paid on its channel as soon as the OMS holds it for its payment, while the burst
		// and its faults go on; it goes on to fulfilment (or waits for stock)
		const unpaidLeft = new Set(latePaid);
		const payer = (async () => {
			const deadline = Date.now() + 15 * 60_000;
			while (unpaidLeft.size && Date.now() < deadline) {
				let rows: Array<{ oms_id: string }> = [];
				try {
					rows = await store.query<{ oms_id: string }>("SELECT oms_id FROM orders WHERE oms_id = ANY($1) AND status = 'on_hold' AND hold_reason = 'awaiting_payment'", [[...unpaidLeft]]);
				} catch {
					// PostgreSQL restarting: next round
				}
				for (const r of rows) {
					unpaidLeft.delete(r.oms_id);
					try {
						await payOnChannel(r.oms_id);
						paidOnChannel.add(r.oms_id);
					} catch (e) {
						payErrors.push(`${r.oms_id}: ${(e as Error).message}`);
					}
				}
				await sleep(1000);
			}
			for (const id of unpaidLeft) payErrors.push(`${id}: never held for its payment, so never paid`);
		})();

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
		await watcher;
		say(`cancelled right after intake: ${cancels.size} (OMS status when cancelled: ${JSON.stringify(tally([...cancels.values()].map((c) => c.omsStatus)))})`);
		await payer;
		say(`paid late on their channel: ${paidOnChannel.size} of ${latePaid.size}`);

		// Settle: every order recorded and none left half-way, the outbox empty, the cancellations and payments applied.
		await settle('burst', async () => (await cancelsOpen()) ?? (await paymentsOpen()));

		// Cancelled at the WMS before pick: chosen with the seed among the orders there (nothing is picked yet)
		const atWms = (await store.query<{ oms_id: string }>("SELECT oms_id FROM orders WHERE status = 'at_wms' AND hold_reason IS NULL ORDER BY oms_id")).map((r) => r.oms_id);
		const received = atWms.filter((id) => !cancels.has(id) && placedPaid.has(id) && wms().ordersByReference('shipbob', id).filter((o) => o.stage !== 'cancelled').map((o) => o.stage).join() === 'received');
		for (const id of shuffled(received, rnd).slice(0, AT_STAGE)) {
			await cancelOnChannel(id).catch((e: Error) => cancelErrors.push(`${id}: ${e.message}`));
			cancels.set(id, { ch: channelOf(id), id: idOf(id), stage: 'at the WMS, before pick', omsStatus: 'at_wms' });
		}
		say(`cancelled at the WMS before pick: ${[...cancels.values()].filter((c) => c.stage === 'at the WMS, before pick').length}`);
		await settle('cancelled at the WMS', cancelsOpen);

		// Cancelled after pick: the WMS refuses (ShipBob's documented rule); the order is held for a person
		wms().setCancelRefusedFrom('shipbob', 'picked');
		wms().advance(WMS_TIMING.pickAfterMs);
		const picked = wms()
			.orders('shipbob')
			.filter((o) => o.stage === 'picked' && !cancels.has(o.reference) && placedPaid.has(o.reference))
			.map((o) => o.reference)
			.sort();
		for (const id of shuffled(picked, rnd).slice(0, AT_STAGE)) {
			await cancelOnChannel(id).catch((e: Error) => cancelErrors.push(`${id}: ${e.message}`));
			cancels.set(id, { ch: channelOf(id), id: idOf(id), stage: 'after pick', omsStatus: 'picked at the WMS' });
		}
		say(`cancelled after pick: ${[...cancels.values()].filter((c) => c.stage === 'after pick').length}`);
		await settle('cancelled after pick', cancelsOpen);

		// Ship everything, while every channel's confirmations fail: as many 503s as the channel has orders to ship, then
		// one answer lost after the channel applied it; the outage ends when they are used up. The 503s come first: every
		// package is still owed while they last, so they are always used up (lost first, a channel with one package to
		// ship had nothing left to retry once the client found the lost confirmation applied, and its 503 went unused).
		const toShip = wms().orders('shipbob').filter((o) => o.stage !== 'cancelled');
		for (const ch of CHANNELS) {
			const n = toShip.filter((o) => channelOf(o.reference) === ch).length;
			if (!n) continue;
			sb.sandboxes[ch].failConfirmations('error', n, 503);
			sb.sandboxes[ch].failConfirmations('lost', 1);
			outage[ch] = { lost: 1, errors: n };
		}
		say(`confirmation outage: ${JSON.stringify(outage)}`);
		shipPhaseStartedAt = Date.now();
		wms().advance(WMS_TIMING.shipAfterMs);
		// (the packages of orders the channel cancelled, shipped because the WMS refused the cancel, are not awaited: the
		// channel may refuse to confirm them)
		const refused = [...cancels].filter(([, c]) => c.stage === 'after pick').map(([id]) => id);
		await settle('shipped and confirmed', async () => {
			const packages = shippedPackages().filter((p) => !refused.includes(p.omsId)).length;
			const notShipped = wms().orders('shipbob').filter((o) => o.stage !== 'cancelled' && o.stage !== 'shipped' && o.stage !== 'delivered').length;
			const owed = await count("SELECT count(*) AS n FROM channel_calls WHERE kind = 'confirmation' AND status = 'pending' AND NOT (oms_id = ANY($1))", [refused]);
			const calls = await count("SELECT count(*) AS n FROM channel_calls WHERE kind = 'confirmation' AND NOT (oms_id = ANY($1))", [refused]);
			const atWmsLeft = await count("SELECT count(*) AS n FROM orders WHERE status IN ('at_wms', 'picked', 'packed')");
			if (notShipped || owed || calls < packages || atWmsLeft) return `WMS not shipped ${notShipped}, OMS at the WMS ${atWmsLeft}, packages ${packages}, confirmations queued ${calls}, owed ${owed}`;
			return cancelsOpen();
		});
	});

	afterAll(async () => {
		await qm?.stop();
		await sb?.close();
	});

	it('settled after every phase: every order recorded, none left half-way, the outbox empty', () => {
		expect(settled).toEqual({ burst: true, 'cancelled at the WMS': true, 'cancelled after pick': true, 'shipped and confirmed': true });
	});

	it('recorded every order exactly once, and only those', async () => {
		const ids = (await store.query<{ oms_id: string }>('SELECT oms_id FROM orders')).map((r) => r.oms_id);
		expect(ids.length).toBe(new Set(ids).size);
		expect(new Set(ids)).toEqual(expected);
		// every order was seen at least twice: a third of the webhooks repeated, and reconciliation lists them all
		expect(duplicateDeliveries).toBeGreaterThanOrEqual(Math.floor(0.3 * WEBHOOK_ORDERS));
	});

	it('held or shipped at most 100 units of the contested SKU among live orders, one each, and backordered the rest', async () => {
		// units of the SKU each order holds or shipped, from its reservation parts (decoded as the store does)
		const held = new Map<string, number>();
		for (const r of await store.query<{ oms_id: string; parts: unknown }>('SELECT oms_id, parts FROM reservations')) {
			for (const p of partsFromJson(r.parts)) if (p.sku === SKU) held.set(r.oms_id, (held.get(r.oms_id) ?? 0) + p.active + p.committed);
		}
		const cancelled = new Set((await store.query<{ oms_id: string }>("SELECT oms_id FROM orders WHERE status = 'cancelled'")).map((r) => r.oms_id));
		const live = [...held].filter(([id, units]) => !cancelled.has(id) && units > 0);
		const units = live.reduce((a, [, u]) => a + u, 0);
		say(`units of ${SKU} held or shipped among live orders: ${units} (by ${live.length} orders) of ${UNITS}`);
		// cancellations give units back and backordered orders take them: the total never passes the 100 units, and
		// every holder holds exactly the one unit it ordered
		expect(units).toBeLessThanOrEqual(UNITS);
		expect(live.filter(([, u]) => u !== 1)).toEqual([]);
		const stock = await store.query<{ reserved: number; on_hand: number }>('SELECT reserved, on_hand FROM stock WHERE sku = $1', [SKU]);
		expect(stock).toHaveLength(1);
		expect(Number(stock[0].reserved)).toBeLessThanOrEqual(UNITS);
		// the orders sent to the WMS (not those that arrived already shipped on their channel) are the ones that got a unit
		const sent = await store.query<{ oms_id: string; status: string }>("SELECT DISTINCT o.oms_id, o.status FROM orders o JOIN deliveries d ON d.oms_id = o.oms_id WHERE d.status = 'sent'");
		expect(sent.filter((o) => !cancelled.has(o.oms_id) && (!AT_WMS.includes(o.status) || held.get(o.oms_id) !== 1))).toEqual([]);
		const backordered = await count("SELECT count(*) AS n FROM orders WHERE status = 'backordered'");
		// the contest was real: more orders wanted the SKU than there were units
		expect(backordered).toBeGreaterThan(0);
	});

	it('sent every allocated order to the WMS exactly once, after its outage; never two WMS orders for one order', async () => {
		const all = wms().orders('shipbob');
		const refs = all.map((o) => o.reference);
		expect(refs.length).toBe(new Set(refs).size);
		const atWms = (await store.query<{ oms_id: string }>("SELECT DISTINCT oms_id FROM deliveries WHERE status = 'sent'")).map((r) => r.oms_id);
		expect(new Set(refs)).toEqual(new Set(atWms));
		expect(await count("SELECT count(*) AS n FROM deliveries WHERE status = 'sent'")).toBe(refs.length);
		// the units the WMS ships (its orders not cancelled) never pass the 100
		const liveUnits = all.filter((o) => o.stage !== 'cancelled').reduce((a, o) => a + o.lines.filter((l) => l.sku === SKU).reduce((b, l) => b + l.quantity, 0), 0);
		say(`WMS orders: ${all.length} (${all.filter((o) => o.stage === 'cancelled').length} cancelled there), units of ${SKU} on live ones ${liveUnits}`);
		expect(liveUnits).toBeLessThanOrEqual(UNITS);
		// the outage was felt: some pushes were answered 503 by the WMS sandbox while it was down
		expect(faults).toContain('WMS down for 20 s');
	});

	it('cancelled 10 % of the orders on their channel: no units held, no live WMS order, except those the WMS refused (held)', async () => {
		const ids = [...cancels.keys()];
		const byStage = tally([...cancels.values()].map((c) => c.stage));
		const rows = await store.query<{ oms_id: string; status: string; hold_reason: string | null }>('SELECT oms_id, status, hold_reason FROM orders WHERE oms_id = ANY($1)', [ids]);
		// the WMS would not cancel them: held cancel_refused, or return_expected once the WMS shipped them and the channel's
		// cancellation was seen again (a polled channel lists the order once more after its confirmation)
		const refused = rows.filter((r) => HELD_NOT_CANCELLED.includes(r.hold_reason ?? '')).map((r) => r.oms_id);
		let reserved = 0;
		for (const r of await store.query<{ oms_id: string; parts: unknown }>('SELECT oms_id, parts FROM reservations WHERE oms_id = ANY($1)', [rows.filter((x) => x.status === 'cancelled').map((x) => x.oms_id)])) {
			for (const p of partsFromJson(r.parts)) reserved += p.active + p.committed;
		}
		const liveAtWms = ids.filter((id) => !refused.includes(id) && wms().ordersByReference('shipbob', id).some((o) => o.stage !== 'cancelled'));
		say(`cancelled on their channel: ${ids.length} ${JSON.stringify(byStage)}; OMS: ${JSON.stringify(tally(rows.map((r) => r.hold_reason ?? r.status)))}; reserved units on cancelled orders ${reserved}; live WMS orders for them ${liveAtWms.length} (+ ${refused.length} held: ${JSON.stringify(tally(rows.filter((r) => refused.includes(r.oms_id)).map((r) => String(r.hold_reason))))})`);
		expect(cancelErrors).toEqual([]);
		expect(ids.length).toBe(Math.round(CANCEL_SHARE * TOTAL));
		expect(byStage).toEqual({ 'after intake': Math.round(CANCEL_SHARE * TOTAL) - 2 * AT_STAGE, 'at the WMS, before pick': AT_STAGE, 'after pick': AT_STAGE });
		// each is cancelled in the OMS, or held for a person because the WMS refused the cancel
		expect(rows.filter((r) => r.status !== 'cancelled' && !HELD_NOT_CANCELLED.includes(r.hold_reason ?? ''))).toEqual([]);
		expect(reserved).toBe(0);
		expect(liveAtWms).toEqual([]);
		// the refusals are exactly the orders cancelled after pick (any other: its stage and timeline, to see why)
		for (const id of refused.filter((x) => cancels.get(x)!.stage !== 'after pick')) {
			const events = await store.query<{ at: string; type: string; from_status: string | null; to_status: string | null; cause: string | null; detail: unknown }>(
				'SELECT at, type, from_status, to_status, cause, detail FROM events WHERE oms_id = $1 ORDER BY id',
				[id],
			);
			say(`held ${rows.find((r) => r.oms_id === id)?.hold_reason}, cancelled ${cancels.get(id)!.stage} (OMS status then ${cancels.get(id)!.omsStatus}): ${id}\n${events.map((e) => `  ${new Date(e.at).toISOString()} ${e.type} ${e.from_status ?? ''}->${e.to_status ?? ''} ${e.cause ?? ''} ${JSON.stringify(e.detail).slice(0, 300)}`).join('\n')}`);
		}
		expect(new Set(refused)).toEqual(new Set(ids.filter((id) => cancels.get(id)!.stage === 'after pick')));
		// cancelled at the WMS before pick: cancelled there
		for (const id of ids.filter((x) => cancels.get(x)!.stage === 'at the WMS, before pick')) expect([id, wms().ordersByReference('shipbob', id).map((o) => o.stage)]).toEqual([id, ['cancelled']]);
	});

	it('sent every late-paid order on: none left awaiting its payment', async () => {
		const rows = await store.query<{ status: string; hold_reason: string | null }>('SELECT status, hold_reason FROM orders WHERE oms_id = ANY($1)', [[...latePaid]]);
		say(`paid late: ${latePaid.size}; OMS now ${JSON.stringify(tally(rows.map((r) => r.hold_reason ?? r.status)))}`);
		expect(payErrors).toEqual([]);
		expect(latePaid.size).toBe(Math.round(LATE_PAID_SHARE * TOTAL));
		expect(rows).toHaveLength(latePaid.size);
		expect(rows.filter((r) => r.hold_reason === 'awaiting_payment' || r.status === 'received' || r.status === 'ready')).toEqual([]);
	});

	it('confirmed every shipped package of a live order exactly once on its channel, through the confirmation outage', async () => {
		const packages = shippedPackages();
		const refused = new Set([...cancels].filter(([, c]) => c.stage === 'after pick').map(([id]) => id));
		const live = packages.filter((p) => !refused.has(p.omsId));
		const per = (list: typeof packages) => tally(list.map((p) => `${channelOf(p.omsId)} ${acceptedFor(p.omsId, p.trackingNumber)}`));
		say(`shipped packages ${packages.length}; confirmations accepted per package, by channel (live orders): ${JSON.stringify(per(live))}; cancel refused, shipped anyway: ${JSON.stringify(per(packages.filter((p) => refused.has(p.omsId))))}`);
		expect(live.length).toBeGreaterThan(0);
		expect(live.filter((p) => acceptedFor(p.omsId, p.trackingNumber) !== 1)).toEqual([]);
		// the channel cancelled those: never confirmed twice
		expect(packages.filter((p) => refused.has(p.omsId) && acceptedFor(p.omsId, p.trackingNumber) > 1)).toEqual([]);
		// the outage happened: every 503 injected was answered, on every channel with something to ship
		const failed = Object.fromEntries(
			(Object.keys(outage) as SeedChannel[]).map((ch) => [ch, sb.sandboxes[ch].calls.filter((c) => CONFIRM_CALL[ch](c) && c.status === 503).length]),
		);
		say(`confirmation calls answered 503 in the outage: ${JSON.stringify(failed)}`);
		expect(failed).toEqual(Object.fromEntries(Object.entries(outage).map(([ch, o]) => [ch, o!.errors])));
		const rows = await store.query<{ oms_id: string; status: string; last_error: string | null }>("SELECT oms_id, status, last_error FROM channel_calls WHERE kind = 'confirmation'");
		const calls = tally(rows.filter((r) => !refused.has(r.oms_id)).map((r) => r.status));
		const ofRefused = tally(rows.filter((r) => refused.has(r.oms_id)).map((r) => `${r.status}: ${String(r.last_error ?? '').replace(/[0-9]+/g, 'N').slice(0, 100)}`));
		say(`confirmation calls in the channel outbox: live orders ${JSON.stringify(calls)}; cancel refused ${JSON.stringify(ofRefused)}`);
		expect(calls).toEqual({ sent: live.length });
	});

	it('left no order half-way, and Recover Stuck Orders ran after the burst', async () => {
		expect(await count("SELECT count(*) AS n FROM orders WHERE status IN ('received', 'ready')")).toBe(0);
		let runs: number[] = [];
		for (let i = 0; i < 60 && runs.length === 0; i++) {
			const execs = (await qm.executions('omsRecoverAttn01')).filter((e) => e.status === 'success' && Date.parse(String(e.startedAt)) >= shipPhaseStartedAt);
			runs = [];
			for (const e of execs) {
				const data = (await qm.executionData(e.id)) as { resultData?: { runData?: Record<string, unknown> } };
				if (data.resultData?.runData?.['Recover Stuck Orders']) runs.push(e.id);
			}
			if (!runs.length) await sleep(2000);
		}
		const mails = sb.smtp.mails.map((m) => m.subject);
		say(`Recover Stuck Orders runs since the ship phase: ${runs.length}; mails caught: ${mails.length} (${JSON.stringify(tally(mails.map((m) => m.replace(/[0-9]+/g, 'N'))))})`);
		expect(runs.length).toBeGreaterThan(0);
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
		// what failed, by workflow, node and message (the figure to read when it changes)
		const failures: string[] = [];
		for (const e of all.filter((x) => x.status === 'error')) {
			const data = (await qm.executionData(e.id).catch(() => ({}))) as { resultData?: { lastNodeExecuted?: string; error?: { message?: string } } };
			failures.push(`${e.workflowId} | ${data.resultData?.lastNodeExecuted ?? '-'} | ${String(data.resultData?.error?.message ?? '-').replace(/[0-9]+/g, 'N').slice(0, 160)}`);
		}
		say(`error executions by workflow | node | message: ${JSON.stringify(tally(failures), null, 1)}`);
		// the executions the dead worker held, and those PostgreSQL's crash broke, are there as failed or crashed. The
		// 'error' ones are the injected faults' (a full run: 15 of 831, and 11 before issue 20 at c39b6c3 too):
		// - "This execution failed to be processed too many times and will no longer retry" (Order Intake, Inventory
		//   Sync; no node ran): jobs the SIGKILLed worker held; their Bull lock lapsed twice (stalled) and n8n gave up;
		// - "the database system is not yet accepting connections" (Order Intake, no node ran): n8n could not load or
		//   save the execution while PostgreSQL restarted;
		// - "GET /shipbob/.../order answered 503" at Get Shipment Updates (WMS Status Sync): a status pull during the
		//   WMS outage; the cursor is kept and the next run (10 s later) pulls the same updates.
		// None is an order lost: every order is recorded, settled and at the WMS once (above).
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
