/**
 * `npm run demo` (scripts/demo.sh runs this on Node 24 after building the package and installing n8n once).
 *
 * 1. Starts the channel sandboxes (Shopify, WooCommerce, Amazon, eBay, Walmart) and the WMS sandbox (ShipBob here)
 *    on loopback. The WMS holds stock for the catalogue; the SKU the burst wants most gets too little, so it runs out.
 * 2. Starts a real n8n (test/e2e/harness/n8n.ts) with this package on the embedded OMS store, imports credentials
 *    pointing at the sandboxes (their accepted test values, made up at run time, never written to the repository)
 *    and the seven templates from workflows/ (with the error alert and OMS 10's Attention digest, which mail through a
 *    local SMTP sink, scripts/smtp-sink.ts), and publishes them. For the demo only, the schedules are shortened
 *    (WMS status sync every 10 s, inventory sync every 15 s, polled channels every minute, reconciliation every
 *    2 minutes); the JSON files are not changed.
 * 3. Pushes a burst of orders through every channel: signed Shopify and WooCommerce webhooks (some delivered two
 *    or three times, as the channels retry), orders placed on Amazon, eBay and Walmart that their triggers poll,
 *    planted fraud (a ring sharing an address, phone and IP; disposable emails; forwarders; big expedited first
 *    orders). The WMS picks, packs and ships over time; later, stock of the scarce SKU arrives and the held orders
 *    are released.
 * 4. Prints a short line per step and, while the orders flow, one line whenever the OMS store's figures change;
 *    then the results, every number with what it means (where each order ended up, what became of the planted
 *    fraud and why some of it went through, the report by source). The full progress goes to
 *    artifacts/demo/demo.log, n8n's own log to artifacts/e2e/demo/n8n.log. n8n stays up for a look around until
 *    Ctrl-C; with DEMO_EXIT=1 the demo stops after the results (for a run without a terminal).
 * Steps 1 to 3 (and the restock and the Fraud Review form) live in test/e2e/harness/flow.ts, which the full-flow
 * e2e test (test/e2e/full-flow.test.ts) drives too; this file adds the progress, the pacing and the report.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot, type WorkflowJson } from '../test/e2e/harness/n8n';
import { CHANNELS, startFlow, type BurstResult, type Flow } from '../test/e2e/harness/flow';
import type { GeneratedSet } from '../test/sandbox/generator';
import { and, gateSettings, PATTERN_WORDS, resultLines, type OrderFacts } from './demo-results';
import type { Sandboxes } from '../test/sandbox/start';
import type { SqliteStore } from '../lib/store/sqlite';
import { runReport, toHtml, toMarkdown, type ReportResult } from '../lib/report';

const PER_CHANNEL = Number(process.env.DEMO_ORDERS_PER_CHANNEL ?? 16);
const SEED = Number(process.env.DEMO_SEED ?? 20260501);
/** The WMS sandbox's clock runs this much faster than real time: received -> shipped (3 virtual minutes) in 30 s */
const WMS_TIME_SCALE = 6;
const outDir = join(repoRoot, 'artifacts', 'demo');
const logFile = join(outDir, 'demo.log');
const rel = (path: string) => (path.startsWith(`${repoRoot}/`) ? path.slice(repoRoot.length + 1) : path);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const stamp = () => `[${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s]`;
/** To the log file only */
const note = (s: string) => appendFileSync(logFile, `${new Date().toISOString()} ${s}\n`);
/** To the terminal and the log file */
const say = (s: string) => {
	note(s);
	console.log(`${stamp()} ${s}`);
};
/** A results line: to the terminal and the log file, without a time stamp */
const show = (s = '') => {
	note(s);
	console.log(s);
};

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

/** The short line the terminal gets while the orders flow (progressLine has the detail, in the log). */
function shortProgress(c: Counts, total: number): string {
	const st = (k: string) => c.byStatus[k] ?? 0;
	const parts = [
		`in the OMS ${c.recorded} of ${total}`,
		`at the WMS ${st('at_wms') + st('picked') + st('packed')}`,
		`shipped ${st('shipped') + st('delivered')}`,
		`waiting for stock ${st('backordered')}`,
		`held for fraud review ${st('fraud_review')}`,
	];
	return `orders: ${parts.join(', ')}`;
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
	writeFileSync(logFile, '');
	const port = (await portFree(5678)) ? 5678 : (await portFree(5679)) ? 5679 : 0;
	let teardown: (() => Promise<void>) | undefined;
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping n8n and the sandboxes ...');
		note('stopping n8n and the sandboxes');
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
			schedules: { wmsStatusSyncSec: 10, inventorySyncSec: 15, reconciliationMin: 2, attentionSec: 30 },
			// the error alert (OMS 0) and recovery and attention (OMS 10) mail through the "OMS SMTP" credential, which
			// points at the local SMTP sink started with the sandboxes: the mails it catches are printed at the end
			extraTemplates: ['error-alert.json', 'recovery-attention.json'],
			wmsTimeScale: WMS_TIME_SCALE,
			port,
			keepUserFolder: process.env.DEMO_KEEP === '1',
			log: say,
			onTeardown: (close) => (teardown = close),
		});
	} catch (e) {
		note(`demo failed: ${(e as Error).stack ?? (e as Error).message}`);
		console.error(`\ndemo failed: ${(e as Error).message}\nn8n logs: ${rel(join(repoRoot, 'artifacts', 'e2e', 'demo'))}; the demo's own: ${rel(logFile)}`);
		await shutdown(1);
		return;
	}
	const { sb, n8n, gen, store, storePath } = flow;
	const now = Date.now();

	try {
		// The burst.
		say(`sending orders: ${PER_CHANNEL} on each of the ${CHANNELS.length} channels, ${gen.groundTruth.length} of them with planted fraud (${and([...new Set(gen.groundTruth.flatMap((g) => g.patterns))].map((p) => PATTERN_WORDS[p]))})`);
		const burst = await flow.pushBurst();
		const deliveries = burst.accepted;

		// Progress, the restock, and the end.
		const total = CHANNELS.reduce((a, ch) => a + (gen.byChannel[ch]?.length ?? 0), 0);
		let restocked = false;
		const burstAt = Date.now();
		let last = '';
		let lastShort = '';
		let stableSince = Date.now();
		say('waiting for the orders to go through screening, the WMS and back to their channels (a few minutes)');
		const deadline = Date.now() + Number(process.env.DEMO_MAX_SECONDS ?? 420) * 1000;
		for (;;) {
			const c = await counts(store);
			const line = progressLine(c, sb, deliveries);
			if (line !== last) {
				note(line);
				last = line;
				stableSince = Date.now();
			}
			const short = shortProgress(c, total);
			if (short !== lastShort) {
				say(short);
				lastShort = short;
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
			note(progressLine(await counts(store), sb, deliveries));
		}

		// The report by source.
		const period = { preset: 'custom' as const, from: new Date(now - 2 * 86400_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
		const report = await runReport(store, { report: 'byChannel', period });
		const htmlPath = join(outDir, 'orders-by-source.html');
		writeFileSync(htmlPath, toHtml(report));
		const md = toMarkdown(report);
		writeFileSync(join(outDir, 'orders-by-source.md'), md);
		say('done');
		await printResults({ store, gen, sb, burst, report, total, imported: flow.imported });
		printMails(sb);
		show();
		show(`Report by source: ${rel(htmlPath)} (and orders-by-source.md beside it)`);
		show(`Logs: ${rel(logFile)} (this run in full), ${rel(join(n8n.artifacts, 'n8n.log'))} (n8n), artifacts/demo/install.log and build.log (npm, tsc)`);
		show(`OMS store (SQLite): ${storePath}${process.env.DEMO_KEEP === '1' ? '' : ' (removed when the demo stops; DEMO_KEEP=1 keeps it)'}`);
		if (process.env.DEMO_EXIT === '1') {
			await shutdown(0);
			return;
		}
		show(`\nn8n is up at ${n8n.baseUrl}: set up an owner account on first visit, then open the "OMS" workflows and their executions.`);
		show('Fraud review form: open "OMS 6: Fraud Review" and its form URL; the orders held for review are counted above.');
		show('Ctrl-C stops n8n and the sandboxes.');
		await new Promise(() => undefined);
	} catch (e) {
		note(`demo failed: ${(e as Error).stack ?? (e as Error).message}`);
		console.error(`\ndemo failed: ${(e as Error).message}\nn8n log: ${rel(join(n8n.artifacts, 'n8n.log'))}; the demo's own: ${rel(logFile)}`);
		await shutdown(1);
	}
}

/** The mails the local SMTP sink caught (the templates' Send Email nodes: OMS 0's alerts, OMS 10's Attention digest). */
function printMails(sb: Sandboxes): void {
	const mails = sb.smtp.mails;
	show(`\n================ Mail (caught by the local SMTP sink, credential "OMS SMTP") ================`);
	if (!mails.length) {
		show('No mail: nothing needed a person during this run (the Attention digest is sent only when something new is owed).');
		return;
	}
	const file = join(outDir, 'mail.txt');
	writeFileSync(file, mails.map((m) => `From: ${m.from}\nTo: ${m.to.join(', ')}\nSubject: ${m.subject}\n\n${m.text}\n`).join('\n----------------\n'));
	for (const m of mails.slice(-5)) {
		show(`\nTo ${m.to.join(', ')}: ${m.subject}`);
		const lines = m.text.split(/\r?\n/).filter((l) => l.trim());
		for (const l of lines.slice(1, 7)) show(`  ${l}`);
		if (lines.length > 7) show(`  ... (${lines.length - 7} more lines)`);
	}
	show(`\n${mails.length} mail${mails.length === 1 ? '' : 's'} in all: ${rel(file)}`);
}

/** Every number of the run, each with what it means (scripts/demo-results.ts). */
async function printResults(r: { store: SqliteStore; gen: GeneratedSet; sb: Sandboxes; burst: BurstResult; report: ReportResult; total: number; imported: WorkflowJson[] }): Promise<void> {
	const { store, gen, sb, burst, report, total } = r;
	const facts = await store.query<OrderFacts>(
		`SELECT o.oms_id, o.status, o.hold_reason, f.decision, f.resolution,
			(SELECT COUNT(*) FROM deliveries d WHERE d.oms_id = o.oms_id) AS sent,
			(SELECT COUNT(*) FROM shipments s WHERE s.oms_id = o.oms_id) AS packages
		FROM orders o LEFT JOIN fraud_decisions f ON f.oms_id = o.oms_id`,
	);
	// every order placed in the report's period, by status, to show what the report left out
	const all = await runReport(store, { report: 'byStatus', period: { preset: 'custom', from: report.period!.from, to: report.period!.to }, options: { includeUnsold: true } });
	const sum = (key: string) => all.rows.reduce((n, row) => n + Number(row[key] ?? 0), 0);
	const wms = sb.wms!.control.orders('shipbob');
	show('\n================ Results ================');
	for (const line of resultLines({
		facts,
		groundTruth: gen.groundTruth,
		placed: total,
		perChannel: PER_CHANNEL,
		channels: CHANNELS.filter((ch) => gen.byChannel[ch]?.length).length,
		webhookDeliveries: burst.accepted,
		webhookOrders: (gen.byChannel.shopify?.length ?? 0) + (gen.byChannel.woocommerce?.length ?? 0),
		forgedStatus: burst.forgedStatus,
		wmsOrders: wms.length,
		wmsReferences: new Set(wms.map((o) => o.reference)).size,
		confirmations: confirmedOnChannels(sb),
		settings: gateSettings(r.imported),
		report: {
			sold: report.rows.reduce((n, row) => n + Number(row.orders), 0),
			placed: sum('orders'),
			cancelled: sum('cancelled'),
			rejected: sum('rejected'),
			fraudReview: sum('fraud_review'),
			markdown: toMarkdown(report),
		},
	}))
		show(line);
}

void main();
