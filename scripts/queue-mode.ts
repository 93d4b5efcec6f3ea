/**
 * The reference queue-mode deployment, on loopback, from Debian's packages and the cached n8n (docs/operations.md#queue-mode). The load test (test/load), the e2e benchmark (bench/e2e) and `bash scripts/queue-mode.sh` all start
 * it through startQueueMode():
 *
 *   - PostgreSQL (scripts/pg.sh, its own state folder): database `n8n` for n8n itself, `oms_test` for the OMS store;
 *   - Redis (redis-server on a free port, data in a temporary folder, no persistence);
 *   - n8n main (`n8n start`: editor, triggers, pollers, schedules), one webhook processor (`n8n webhook`) and two
 *     workers (`n8n worker`), each a separate process with its own user folder and this package linked into it
 *     (as on separate hosts), all with EXECUTIONS_MODE=queue, the same database, Redis and N8N_ENCRYPTION_KEY;
 *   - an OMS Store credential of type PostgreSQL, selected on every node of this package that uses the store
 *     (withStoreCredential): in queue mode the embedded SQLite store is refused;
 *   - the given credentials and workflows imported with n8n's CLI and published before main starts.
 *
 * Logs go to artifacts/queue/<name>/<process>/n8n.log. WEBHOOK_URL points at the webhook processor, so the
 * Shopify and WooCommerce triggers register it at the channels, as a load balancer's address would be in production.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { N8n, freePort, repoRoot, unflatten, type CredentialJson, type ExecutionRow, type WorkflowJson } from '../test/e2e/harness/n8n';
import { forCliImport, fraudFormCredential } from '../test/e2e/harness/templates';
import { openStore, storeConfigFromCredential } from '../lib/store/open';
import type { Store } from '../lib/store/types';

export const queueArtifactsRoot = join(repoRoot, 'artifacts', 'queue');

/** Node types of this package that read or write the OMS store (their `omsStoreApi` credential). */
export const STORE_NODE_TYPES = ['backorderGate', 'edi', 'fraudGate', 'inventoryAllocator', 'marketplace', 'omsBilling', 'omsOrder', 'omsReturns', 'reportBuilder', 'shopifyOrderTrigger', 'walmartOrderTrigger', 'wms', 'wooCommerceOrderTrigger'].map(
	(n) => `n8n-nodes-oms-wms.${n}`,
);

export const STORE_CREDENTIAL_ID = 'omsStorePgCred01';
export const STORE_CREDENTIAL_NAME = 'OMS Store (PostgreSQL)';

/** A copy of the workflow with the OMS Store credential selected on every node that uses the store. */
export function withStoreCredential(wf: WorkflowJson, id = STORE_CREDENTIAL_ID, name = STORE_CREDENTIAL_NAME): WorkflowJson {
	const copy = structuredClone(wf);
	for (const node of copy.nodes) {
		if (!STORE_NODE_TYPES.includes(node.type)) continue;
		node.credentials = { ...((node.credentials as Record<string, unknown>) ?? {}), omsStoreApi: { id, name } };
	}
	return copy;
}

/** The templates under workflows/, as JSON, ready for the CLI import (sub-workflows linked as a user links them). */
export function loadTemplates(): WorkflowJson[] {
	const dir = join(repoRoot, 'workflows');
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => forCliImport(JSON.parse(readFileSync(join(dir, f), 'utf8')) as WorkflowJson));
}

/** Production webhook paths of a workflow's webhook nodes (n8n's own and this package's triggers). */
export function webhookPaths(wf: WorkflowJson): Array<{ method: string; path: string }> {
	const out: Array<{ method: string; path: string }> = [];
	for (const node of wf.nodes) {
		if (node.disabled === true) continue;
		if (node.type === 'n8n-nodes-base.webhook' && typeof node.parameters.path === 'string') {
			out.push({ method: typeof node.parameters.httpMethod === 'string' ? node.parameters.httpMethod : 'GET', path: node.parameters.path });
		} else if ((node.type === 'n8n-nodes-oms-wms.shopifyOrderTrigger' || node.type === 'n8n-nodes-oms-wms.wooCommerceOrderTrigger') && node.webhookId) {
			out.push({ method: 'POST', path: `${node.webhookId}/webhook` });
		}
	}
	return out;
}

export interface QueueModeOptions {
	/** artifacts/queue/<name> */
	name: string;
	/** Channel and WMS credentials (plain data; the OMS Store credential is added). */
	credentials: CredentialJson[];
	/** Workflows to import and publish; the OMS Store credential is selected on their store nodes. */
	workflows: WorkflowJson[];
	/** Workflows imported and published as they are (no OMS Store credential added), e.g. to see the refusal. */
	workflowsAsIs?: WorkflowJson[];
	workers?: number;
	/**
	 * Jobs a worker runs at once (n8n's --concurrency; default 50 here, n8n's own is 10). An order's execution spends
	 * most of its time waiting for the WMS and the channels, whose rate limits pace it (Walmart's inventory API: 2
	 * SKUs a second), and it holds its slot while it waits: with 10 a burst of sales left the workers' 20 slots
	 * waiting on Walmart while new orders queued (bench:e2e: 3.0 orders/s against 8.5 with 50).
	 */
	concurrency?: number;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	/** The encryption key every process shares (random per run by default). */
	encryptionKey?: string;
	/** How long each process may take to start (a hang guard). */
	startupTimeoutMs?: number;
}

export interface QueueMode {
	main: N8n;
	webhook: N8n;
	workers: N8n[];
	/** The OMS store's PostgreSQL URL (database oms_test) and n8n's (database n8n). */
	storeUrl: string;
	n8nDbUrl: string;
	redisPort: number;
	storeCredential: CredentialJson;
	artifacts: string;
	/** Production webhook URL on the webhook processor. */
	webhookUrl(path: string): string;
	/** The OMS store, opened in this process (same credential data as the nodes use). */
	store(): Promise<Store>;
	/** Executions in n8n's PostgreSQL database, newest first. */
	executions(workflowId?: string): Promise<ExecutionRow[]>;
	/** The decoded run data of one execution. */
	executionData(executionId: number): Promise<Record<string, unknown>>;
	/** Restarts PostgreSQL in place (an immediate stop, as a crash). */
	restartPostgres(): Promise<void>;
	/** Every log line every n8n process printed so far (for the secret scan). */
	logs(): string;
	stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ensureRedis(): string {
	const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
	if (process.getuid?.() === 0) {
		console.error('queue-mode: installing redis-server from Debian');
		spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		const again = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
		if (again.status === 0 && again.stdout.trim()) return again.stdout.trim();
	}
	throw new Error('redis-server is not installed: apt-get install -y redis-server');
}

function pgScript(stateDir: string, command: 'start' | 'stop' | 'restart'): void {
	const r = spawnSync('bash', [join(repoRoot, 'scripts', 'pg.sh'), command], { env: { ...process.env, OMS_PG_STATE_DIR: stateDir }, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`scripts/pg.sh ${command} failed:\n${r.stdout}\n${r.stderr}`);
}

async function startRedis(dir: string, logFile: string): Promise<{ port: number; child: ChildProcess }> {
	const bin = ensureRedis();
	const port = await freePort();
	const log = createWriteStream(logFile, { flags: 'a' });
	const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout?.pipe(log);
	child.stderr?.pipe(log);
	const deadline = Date.now() + 20_000;
	for (;;) {
		const ping = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8' });
		if (ping.stdout?.trim() === 'PONG') return { port, child };
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start; log in ${logFile}`);
		await sleep(100);
	}
}

async function waitForWebhooks(baseUrl: string, hooks: Array<{ method: string; path: string }>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		let missing: string | undefined;
		for (const { method, path } of hooks) {
			try {
				const res = await fetch(`${baseUrl}/webhook/${path}`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1', 'access-control-request-method': method } });
				await res.arrayBuffer();
				if (res.status !== 204) missing = path;
			} catch {
				missing = path;
			}
			if (missing) break;
		}
		if (!missing) return;
		if (Date.now() > deadline) throw new Error(`the webhook processor at ${baseUrl} never served /webhook/${missing}`);
		await sleep(500);
	}
}

export async function startQueueMode(opts: QueueModeOptions): Promise<QueueMode> {
	const artifacts = join(queueArtifactsRoot, opts.name);
	rmSync(artifacts, { recursive: true, force: true });
	mkdirSync(artifacts, { recursive: true });
	const tmp = mkdtempSync(join(tmpdir(), 'oms-queue-'));
	const pgState = join(tmp, 'pg-state');
	const cleanups: Array<() => Promise<void> | void> = [];
	const stopAll = async () => {
		for (const c of cleanups.splice(0).reverse()) {
			try {
				await c();
			} catch (e) {
				console.error(`queue-mode: cleanup: ${(e as Error).message}`);
			}
		}
		rmSync(tmp, { recursive: true, force: true });
	};
	try {
		// PostgreSQL: the OMS store in oms_test (created by pg.sh), n8n in its own database
		pgScript(pgState, 'start');
		cleanups.push(() => pgScript(pgState, 'stop'));
		const storeUrl = readFileSync(join(pgState, 'url'), 'utf8').trim();
		const n8nDbUrl = storeUrl.replace(/\/[^/]+$/, '/n8n');
		const admin = new Client({ connectionString: storeUrl });
		await admin.connect();
		await admin.query('CREATE DATABASE n8n');
		await admin.end();
		const u = new URL(storeUrl);

		const redisDir = join(tmp, 'redis');
		mkdirSync(redisDir);
		const redis = await startRedis(redisDir, join(artifacts, 'redis.log'));
		cleanups.push(async () => {
			if (redis.child.exitCode === null && redis.child.pid) {
				process.kill(-redis.child.pid, 'SIGTERM');
				await new Promise((r) => redis.child.once('exit', r));
			}
		});

		const webhookPort = await freePort();
		const env: Record<string, string> = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: u.hostname,
			DB_POSTGRESDB_PORT: u.port,
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: decodeURIComponent(u.username),
			DB_POSTGRESDB_PASSWORD: decodeURIComponent(u.password),
			// n8n's default pool is 2 connections a process: a webhook processor under a burst queues on it
			DB_POSTGRESDB_POOL_SIZE: '10',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_ENCRYPTION_KEY: opts.encryptionKey ?? randomBytes(24).toString('hex'),
			WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			// how often main marks executions whose worker died as crashed (n8n's default is every 180 minutes)
			N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
			...(opts.env ?? {}),
		};
		const storeCredential: CredentialJson = {
			id: STORE_CREDENTIAL_ID,
			name: STORE_CREDENTIAL_NAME,
			type: 'omsStoreApi',
			data: { storeType: 'postgres', host: u.hostname, port: Number(u.port), database: u.pathname.slice(1), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), ssl: 'disable' },
		};
		const timeout = opts.startupTimeoutMs ?? 240_000;
		const proc = (name: string, role: 'main' | 'webhook' | 'worker', extra: Record<string, string> = {}, args: string[] = []) =>
			N8n.create({ name: `queue-${opts.name}-${name}`, artifactsDir: join(artifacts, name), role, args, env: { ...env, ...extra }, startupTimeoutMs: timeout });

		const main = await proc('main', 'main');
		cleanups.push(() => main.stop());
		await main.importCredentials([storeCredential, ...opts.credentials]);
		const workflows = [...opts.workflows.map((w) => withStoreCredential(w)), ...(opts.workflowsAsIs ?? [])];
		for (const wf of workflows) await main.importWorkflow(wf);
		await main.start();

		const webhook = await proc('webhook', 'webhook', { N8N_PORT: String(webhookPort) });
		webhook.port = webhookPort;
		cleanups.push(() => webhook.stop());
		const workers: N8n[] = [];
		for (let i = 0; i < (opts.workers ?? 2); i++) {
			const w = await proc(`worker-${i + 1}`, 'worker', {}, [`--concurrency=${opts.concurrency ?? 50}`]);
			cleanups.push(() => w.stop());
			workers.push(w);
		}
		await Promise.all([webhook.start(), ...workers.map((w) => w.start())]);
		await waitForWebhooks(webhook.baseUrl, workflows.flatMap(webhookPaths), timeout);

		// a pool, so that queries reconnect after a PostgreSQL restart
		const n8nDb = new Pool({ connectionString: n8nDbUrl, max: 3 });
		n8nDb.on('error', () => undefined);
		cleanups.push(() => n8nDb.end());
		const query = async (sql: string, params: unknown[]) => {
			for (let attempt = 0; ; attempt++) {
				try {
					return (await n8nDb.query(sql, params)).rows as Array<Record<string, unknown>>;
				} catch (e) {
					if (attempt >= 30) throw e;
					await sleep(500);
				}
			}
		};
		let store: Promise<Store> | undefined;
		cleanups.push(async () => {
			if (store) await (await store).close();
		});

		return {
			main,
			webhook,
			workers,
			storeUrl,
			n8nDbUrl,
			redisPort: redis.port,
			storeCredential,
			artifacts,
			webhookUrl: (path) => `${webhook.baseUrl}/webhook/${path}`,
			store: () => (store ??= openStore(storeConfigFromCredential(storeCredential.data))),
			async executions(workflowId) {
				const rows = await query(
					`SELECT id, "workflowId", status, finished, mode, "startedAt", "stoppedAt" FROM execution_entity ${workflowId ? 'WHERE "workflowId" = $1' : ''} ORDER BY id DESC`,
					workflowId ? [workflowId] : [],
				);
				return rows.map((r) => ({ ...(r as unknown as ExecutionRow), id: Number(r.id), finished: Boolean(r.finished) }));
			},
			async executionData(executionId) {
				const rows = await query('SELECT data FROM execution_data WHERE "executionId" = $1', [executionId]);
				if (rows.length === 0) throw new Error(`no data for execution ${executionId}`);
				return unflatten(String(rows[0].data)) as Record<string, unknown>;
			},
			async restartPostgres() {
				pgScript(pgState, 'restart');
			},
			logs() {
				return [main, webhook, ...workers].map((p) => (existsSync(join(p.artifacts, 'n8n.log')) ? readFileSync(join(p.artifacts, 'n8n.log'), 'utf8') : '')).join('\n');
			},
			stop: stopAll,
		};
	} catch (e) {
		await stopAll();
		throw e;
	}
}

/** Credentials for the templates that point at the local sandboxes (their accepted test values, made at run time). */
export function sandboxCredentials(sb: import('../test/sandbox/start').Sandboxes): CredentialJson[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SANDBOX_CREDENTIALS: wms } = require('../test/sandbox/wms') as typeof import('../test/sandbox/wms');
	const c = sb.credentials;
	return [
		{ id: 'omsShopifyCred01', name: 'Shopify', type: 'omsShopifyApi', data: { shopDomain: c.shopify.shopDomain, authType: 'accessToken', accessToken: c.shopify.accessToken, webhookSecret: c.shopify.appSecret, apiVersion: c.shopify.apiVersion, baseUrl: c.shopify.baseUrl } },
		{ id: 'omsWooCommCred01', name: 'WooCommerce', type: 'omsWooCommerceApi', data: { storeUrl: c.woocommerce.storeUrl, consumerKey: c.woocommerce.consumerKey, consumerSecret: c.woocommerce.consumerSecret, baseUrl: c.woocommerce.baseUrl } },
		{ id: 'omsAmazonCred001', name: 'Amazon SP-API', type: 'omsAmazonSpApi', data: { ...c.amazon, marketplaceIds: c.amazon.marketplaceIds.join(',') } as Record<string, unknown> },
		{ id: 'omsEbayCred00001', name: 'eBay', type: 'omsEbayApi', data: { ...c.ebay } as Record<string, unknown> },
		{ id: 'omsWalmartCred01', name: 'Walmart', type: 'omsWalmartApi', data: { ...c.walmart } as Record<string, unknown> },
		{ id: 'omsShipBobCred01', name: 'ShipBob', type: 'omsShipBobApi', data: { authType: 'token', token: wms.shipbob.token, channelId: String(wms.shipbob.channelId), apiVersion: '2026-01', baseUrl: sb.wmsUrls!.shipbob } },
		// the templates' Send Email nodes, pointed at the sandboxes' SMTP sink
		{ id: 'omsSmtpCred00001', name: 'OMS SMTP', type: 'smtp', data: { ...c.smtp } },
		fraudFormCredential(),
	];
}

/**
 * `bash scripts/queue-mode.sh`: the reference deployment with every template, its credentials pointing at the local
 * sandboxes (started here too), until Ctrl-C.
 */
async function cli(): Promise<void> {
	const { quickFeeds, startSandboxes } = await import('../test/sandbox/start');
	const sb = await startSandboxes({ ordersPerChannel: 0, wms: true });
	quickFeeds(sb);
	let qm: QueueMode | undefined;
	const shutdown = async (code: number) => {
		console.log('\nqueue-mode: stopping n8n, Redis, PostgreSQL and the sandboxes ...');
		await qm?.stop().catch(() => undefined);
		await sb.close().catch(() => undefined);
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	try {
		const t0 = Date.now();
		qm = await startQueueMode({ name: 'reference', credentials: sandboxCredentials(sb), workflows: loadTemplates(), workers: Number(process.env.QUEUE_WORKERS ?? 2) });
		console.log(`queue-mode: up in ${Math.round((Date.now() - t0) / 1000)} s`);
		console.log(`  n8n main (editor, triggers, schedules)  ${qm.main.baseUrl}`);
		console.log(`  webhook processor                      ${qm.webhook.baseUrl}/webhook/...`);
		qm.workers.forEach((w, i) => console.log(`  worker ${i + 1} (health)                     ${w.baseUrl}/healthz`));
		console.log(`  Redis                                  127.0.0.1:${qm.redisPort}`);
		console.log(`  PostgreSQL                             n8n database "n8n", OMS store "oms_test" on ${new URL(qm.storeUrl).host}`);
		console.log(`  sandboxes                              ${Object.entries(sb.urls).map(([k, v]) => `${k} ${v}`).join(', ')}, WMS ${sb.wmsUrls!.shipbob}`);
		console.log(`  logs                                   ${qm.artifacts}`);
		console.log('Ctrl-C stops everything.');
		await new Promise(() => undefined);
	} catch (e) {
		console.error(`queue-mode failed: ${(e as Error).message}`);
		await shutdown(1);
	}
}

if (require.main === module) void cli();
