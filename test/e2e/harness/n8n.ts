/**
 * End-to-end harness: a real n8n 2.x process with this package loaded, driven the way an operator would.
 *
 * - n8n comes from scripts/ensure-n8n.sh (cached under .cache/); scripts/run-e2e.sh passes its path in N8N_BIN.
 * - Every instance gets its own temporary user folder, free ports for the server and the task broker, and this
 *   repository linked as `n8n-nodes-oms-wms` under `<user folder>/.n8n/nodes/node_modules`, where n8n looks for
 *   installed community packages. The package must be built (`npm run build`) so that its dist/ exists.
 *   With `install: 'tarball'` the package is instead packed (`npm pack`) and installed into a fresh user folder with
 *   deploy/install-package.sh, as the install instructions tell a user to (packInstall()).
 * - Credentials and workflows are imported with n8n's own CLI (`import:credentials`, `import:workflow`,
 *   `publish:workflow`) before the server starts, so the server activates the workflows on start-up and their
 *   production webhooks are registered.
 * - stop() ends the whole process group and leaves n8n's log and the CLI output in artifacts/e2e/<name>/.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const packageName = 'n8n-nodes-oms-wms';
export const artifactsRoot = join(repoRoot, 'artifacts', 'e2e');

/** Fixed so that credentials imported by the CLI and read by the server decrypt with the same key. Test-only. */
const encryptionKey = 'oms-wms-e2e-fixed-encryption-key';

export function n8nBin(): string {
	const fromEnv = process.env.N8N_BIN;
	if (fromEnv && existsSync(fromEnv)) return fromEnv;
	const version = process.env.N8N_VERSION ?? '2.41.1';
	const cached = join(repoRoot, '.cache', `n8n-${version}`, 'node_modules', 'n8n', 'bin', 'n8n');
	if (existsSync(cached)) return cached;
	throw new Error(`No n8n found (N8N_BIN unset and ${cached} missing). Run "bash scripts/ensure-n8n.sh" or "npm run test:e2e".`);
}

export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			if (address === null || typeof address === 'string') {
				server.close();
				reject(new Error('could not read the port of a probe socket'));
				return;
			}
			server.close(() => resolvePort(address.port));
		});
	});
}

const delay = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

/** A workflow as n8n exports it; only the fields the harness touches are typed. */
export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; webhookId?: string; [k: string]: unknown }>;
	connections: Record<string, unknown>;
	[k: string]: unknown;
}

/** A credential for `n8n import:credentials`: plain `data` is encrypted by the CLI on import. */
export interface CredentialJson {
	id?: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface ExecutionRow {
	id: number;
	workflowId: string;
	status: string;
	finished: boolean;
	mode: string;
	startedAt: string | null;
	stoppedAt: string | null;
}

export interface N8nOptions {
	/** Names the artifacts folder (artifacts/e2e/<name>). */
	name: string;
	/** Another artifacts folder instead of artifacts/e2e/<name> (queue mode writes under artifacts/queue/). */
	artifactsDir?: string;
	/** Extra environment for the server and the CLI. */
	env?: Record<string, string>;
	/** Set E2E_KEEP=1 to keep the temporary user folder for inspection. */
	keepUserFolder?: boolean;
	/**
	 * Fail start() as soon as n8n reports that it could not load this package (default true). The smoke test
	 * of the harness itself, which uses n8n's own nodes only, turns it off.
	 */
	requirePackage?: boolean;
	/** How long start-up may take before the harness gives up (a hang guard, not a measurement). */
	startupTimeoutMs?: number;
	/**
	 * How the package gets into the user folder: 'link' (default) links this repository into the nodes folder;
	 * 'tarball' packs it with `npm pack` and installs the tarball with deploy/install-package.sh, as a user would.
	 */
	install?: 'link' | 'tarball';
	/**
	 * Which n8n process this is (queue mode, scripts/queue-mode.ts): the main process (`n8n start`, the default), a
	 * webhook processor (`n8n webhook`) or a queue worker (`n8n worker`, whose health server listens on `port`).
	 * Webhook processors and workers are ready once /healthz answers.
	 */
	role?: 'main' | 'webhook' | 'worker';
	/** Extra arguments after the command, e.g. ['--concurrency=10'] for a worker. */
	args?: string[];
}

function newId(): string {
	// n8n workflow and credential ids are 16 alphanumeric characters.
	const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
	return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

export class N8n {
	readonly userFolder: string;
	readonly artifacts: string;
	private readonly env: NodeJS.ProcessEnv;
	private child: ChildProcess | undefined;
	private exited: Promise<number | null> | undefined;
	private log: WriteStream | undefined;
	private output = '';
	private cliLog: string[] = [];
	/** Production webhooks of the published workflows, awaited by start(). */
	private readonly webhooks: Array<{ method: string; path: string }> = [];
	port = 0;
	brokerPort = 0;
	/** What deploy/install-package.sh printed (install: 'tarball'). */
	installLog = '';
	/** Whether <user folder>/.n8n/nodes existed before the tarball install (a fresh n8n has none). */
	nodesFolderBeforeInstall: boolean | undefined;

	private constructor(private readonly options: N8nOptions) {
		this.userFolder = mkdtempSync(join(tmpdir(), 'oms-n8n-e2e-'));
		this.artifacts = options.artifactsDir ?? join(artifactsRoot, options.name);
		rmSync(this.artifacts, { recursive: true, force: true });
		mkdirSync(this.artifacts, { recursive: true });
		this.env = {};
	}

	/** Prepares a user folder with the package linked; call importCredentials/importWorkflow, then start(). */
	static async create(options: N8nOptions): Promise<N8n> {
		const n8n = new N8n(options);
		await n8n.prepare();
		return n8n;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	webhookUrl(path: string): string {
		return `${this.baseUrl}/webhook/${path}`;
	}

	private async prepare(): Promise<void> {
		const dist = join(repoRoot, 'dist');
		if (!existsSync(dist)) throw new Error(`${dist} is missing: run "npm run build" first (scripts/run-e2e.sh does).`);
		const nodesDir = join(this.userFolder, '.n8n', 'nodes');
		if (this.options.install === 'tarball') {
			this.nodesFolderBeforeInstall = existsSync(nodesDir);
			this.installLog = await installTarball(await packTarball(), join(this.userFolder, '.n8n'));
			writeFileSync(join(this.artifacts, 'install.log'), this.installLog);
		} else {
			mkdirSync(join(nodesDir, 'node_modules'), { recursive: true });
			// n8n's community package folder is itself an npm project that lists what is installed.
			writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [packageName]: '*' } }, null, 2));
			// E2E_PACKAGE_DIR links another folder instead (e.g. an unpacked `npm pack` of this package).
			symlinkSync(process.env.E2E_PACKAGE_DIR ?? repoRoot, join(nodesDir, 'node_modules', packageName), 'dir');
		}

		this.port = await freePort();
		this.brokerPort = await freePort();
		while (this.brokerPort === this.port) this.brokerPort = await freePort();

		const inherited: NodeJS.ProcessEnv = {};
		for (const key of ['PATH', 'LANG', 'TZ', 'TMPDIR']) if (process.env[key] !== undefined) inherited[key] = process.env[key];
		Object.assign(this.env, inherited, {
			// Isolation: everything n8n (and the pack's embedded store) writes goes under the temporary folder.
			HOME: this.userFolder,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: encryptionKey,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `http://127.0.0.1:${this.port}/`,
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			DB_TYPE: 'sqlite',
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_LOG_LEVEL: process.env.E2E_N8N_LOG_LEVEL ?? 'info',
			N8N_LOG_OUTPUT: 'console',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			// as the deployments in docs/operations.md set it: an execution builds an expression isolate only when it evaluates an
			// expression, and the order path of the templates evaluates none (test/workflows/templates.test.ts)
			N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
			NODE_ENV: 'production',
		});
		if (this.options.role === 'worker') {
			// a worker serves /healthz on its own server, not on N8N_PORT
			Object.assign(this.env, { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(this.port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' });
		}
		Object.assign(this.env, this.options.env ?? {});
	}

	/** Runs an n8n CLI command against this instance's user folder and database. Throws on a non-zero exit. */
	async cli(args: string[], { allowFailure = false } = {}): Promise<CliResult> {
		const bin = n8nBin();
		const result = await new Promise<CliResult>((resolveCli, reject) => {
			const child = spawn(process.execPath, [bin, ...args], { env: this.env, cwd: this.userFolder, stdio: ['ignore', 'pipe', 'pipe'] });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
			child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
			child.on('error', reject);
			child.on('close', (code) => resolveCli({ code, stdout, stderr }));
		});
		this.cliLog.push(`$ n8n ${args.join(' ')}\n[exit ${result.code}]\n${result.stdout}${result.stderr}`);
		writeFileSync(join(this.artifacts, 'cli.log'), this.cliLog.join('\n'));
		if (result.code !== 0 && !allowFailure) {
			throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
		}
		return result;
	}

	/** Imports credentials (plain data, encrypted on import). Returns them with the ids they were given. */
	async importCredentials(credentials: CredentialJson[]): Promise<CredentialJson[]> {
		if (this.child) throw new Error('import credentials before start(): the running server does not reload them');
		const withIds = credentials.map((c) => ({ ...c, id: c.id ?? newId() }));
		const file = join(this.userFolder, `credentials-${randomUUID()}.json`);
		writeFileSync(file, JSON.stringify(withIds));
		try {
			await this.cli(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
		return withIds;
	}

	/**
	 * Imports a workflow (a file path or the JSON itself) and publishes it, so that the server activates it on
	 * start. Returns the workflow with its id.
	 */
	async importWorkflow(source: string | WorkflowJson, { publish = true } = {}): Promise<WorkflowJson & { id: string }> {
		if (this.child) throw new Error('import workflows before start(): the server activates published workflows on start-up');
		const json: WorkflowJson = typeof source === 'string' ? (JSON.parse(readFileSync(source, 'utf8')) as WorkflowJson) : structuredClone(source);
		const workflow = { ...json, id: json.id ?? newId(), active: false };
		for (const node of workflow.nodes) {
			if (node.type === 'n8n-nodes-base.webhook' && !node.webhookId) node.webhookId = randomUUID();
		}
		const file = join(this.artifacts, `workflow-${workflow.id}.json`);
		writeFileSync(file, JSON.stringify(workflow, null, 2));
		await this.cli(['import:workflow', `--input=${file}`]);
		if (publish) {
			await this.cli(['publish:workflow', `--id=${workflow.id}`]);
			for (const node of workflow.nodes) {
				if (node.type !== 'n8n-nodes-base.webhook' || node.disabled === true) continue;
				const method = typeof node.parameters.httpMethod === 'string' ? node.parameters.httpMethod : 'GET';
				if (typeof node.parameters.path === 'string') this.webhooks.push({ method, path: node.parameters.path });
			}
		}
		return workflow;
	}

	/**
	 * Starts the server and resolves once it answers /healthz and the production webhooks of every published
	 * workflow are registered. n8n activates published workflows in the background after start-up, so the
	 * harness asks the webhook route itself: a CORS preflight (OPTIONS) for a path answers 204 once a webhook
	 * is registered there and 404 before, without running the workflow.
	 */
	async start(): Promise<void> {
		if (this.child) throw new Error('already started');
		const bin = n8nBin();
		// appended to, so that a process restarted after kill() keeps the log of its earlier life
		this.log = createWriteStream(join(this.artifacts, 'n8n.log'), { flags: 'a' });
		const role = this.options.role ?? 'main';
		const command = role === 'main' ? 'start' : role;
		// detached: n8n gets its own process group (with its task runner), so stop() can end all of it.
		const child = spawn(process.execPath, [bin, command, ...(this.options.args ?? [])], { env: this.env, cwd: this.userFolder, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		this.child = child;
		const onData = (d: Buffer) => {
			this.output += d.toString();
			this.log?.write(d);
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		this.exited = new Promise((r) => child.on('exit', (code) => r(code)));

		const deadline = Date.now() + (this.options.startupTimeoutMs ?? 180_000);
		let healthy = false;
		for (;;) {
			if (child.exitCode !== null) {
				throw new Error(`n8n exited with ${child.exitCode} during start-up; log in ${this.artifacts}/n8n.log:\n${this.output.slice(-4000)}`);
			}
			if (!healthy) {
				try {
					const res = await fetch(`${this.baseUrl}/healthz`);
					healthy = res.ok;
				} catch {
					// not listening yet
				}
			}
			const fatal = this.fatalStartupProblem();
			if (fatal) throw new Error(`${fatal}; log in ${this.artifacts}/n8n.log:\n${this.output.slice(-4000)}`);
			if (healthy && role !== 'main') return;
			if (healthy && this.output.includes('Editor is now accessible via') && (await this.webhooksRegistered())) return;
			if (Date.now() > deadline) {
				throw new Error(`n8n did not become ready; log in ${this.artifacts}/n8n.log:\n${this.output.slice(-4000)}`);
			}
			await delay(250);
		}
	}

	/** What n8n printed that means the instance will never serve the imported workflows. */
	private fatalStartupProblem(): string | undefined {
		const failed = new RegExp(`Failed to load package "${packageName}"\\n([^\\n]*)`).exec(this.output);
		if ((this.options.requirePackage ?? true) && failed) {
			return `n8n could not load ${packageName}: ${failed[1]} (is dist/ built, and does every path in package.json "n8n" exist?)`;
		}
		const activation = /(Workflow cannot run on this instance:[^\n]*|There was a problem activating[^\n]*)/.exec(this.output);
		if (activation) return `n8n could not activate a published workflow: ${activation[1]}`;
		return undefined;
	}

	private async webhooksRegistered(): Promise<boolean> {
		for (const { method, path } of this.webhooks) {
			try {
				const res = await fetch(this.webhookUrl(path), {
					method: 'OPTIONS',
					headers: { origin: 'http://127.0.0.1', 'access-control-request-method': method },
				});
				await res.arrayBuffer();
				if (res.status !== 204) return false;
			} catch {
				return false;
			}
		}
		return true;
	}

	/** Everything the server printed so far. */
	get serverOutput(): string {
		return this.output;
	}

	/** POSTs JSON to a production webhook and returns the status and the parsed body (text when not JSON). */
	async postWebhook(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; text: string }> {
		const res = await fetch(this.webhookUrl(path), {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
		});
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: res.status, body: parsed, text };
	}

	/** The executions n8n saved, newest first (read from its SQLite database). */
	async executions(workflowId?: string): Promise<ExecutionRow[]> {
		const rows = this.query(
			`SELECT id, workflowId, status, finished, mode, startedAt, stoppedAt FROM execution_entity ${workflowId ? 'WHERE workflowId = ?' : ''} ORDER BY id DESC`,
			workflowId ? [workflowId] : [],
		);
		return rows.map((r) => ({ ...(r as unknown as ExecutionRow), finished: Boolean(r.finished) }));
	}

	/**
	 * Waits until the workflow has at least `count` executions and none is still going, and returns them (newest
	 * first). A workflow that answers from a Respond to Webhook node finishes (and is saved) after the answer.
	 */
	async settledExecutions(workflowId: string, count: number, timeoutMs = 60_000): Promise<ExecutionRow[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const rows = await this.executions(workflowId);
			if (rows.length >= count && rows.every((r) => !['new', 'running', 'waiting'].includes(r.status))) return rows;
			if (Date.now() > deadline) {
				throw new Error(`workflow ${workflowId}: expected ${count} settled executions, have ${JSON.stringify(rows)}`);
			}
			await delay(200);
		}
	}

	/**
	 * The run data of one execution, decoded: { resultData: { runData, error?, lastNodeExecuted } }.
	 * n8n stores it in its "flatted" form (every object and string hoisted into one array); decoded here.
	 */
	async executionData(executionId: number): Promise<Record<string, unknown>> {
		const rows = this.query('SELECT data FROM execution_data WHERE executionId = ?', [executionId]);
		if (rows.length === 0) throw new Error(`no data for execution ${executionId}`);
		return unflatten(String(rows[0].data)) as Record<string, unknown>;
	}

	private query(sql: string, params: Array<string | number>): Array<Record<string, unknown>> {
		// node:sqlite is built into Node 24 (the e2e project runs on it); required lazily so older Nodes can load this file.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
		const db = new DatabaseSync(join(this.userFolder, '.n8n', 'database.sqlite'), { readOnly: true });
		try {
			return db.prepare(sql).all(...params) as Array<Record<string, unknown>>;
		} finally {
			db.close();
		}
	}

	/** The pid of the running n8n process (undefined when not started). */
	get pid(): number | undefined {
		return this.child?.exitCode === null ? this.child.pid : undefined;
	}

	/**
	 * Sends a signal to the whole process group (n8n and its task runner) and waits for n8n to exit, keeping the user
	 * folder, so that start() can bring the same instance back (a crash and restart).
	 */
	async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
		const child = this.child;
		if (!child || child.pid === undefined) return;
		if (child.exitCode === null && child.signalCode === null) {
			try {
				process.kill(-child.pid, signal);
			} catch {
				// already gone
			}
			await this.exited;
		}
		this.child = undefined;
		await new Promise<void>((r) => (this.log ? this.log.end(r) : r()));
		this.log = undefined;
	}

	/** Stops the server (SIGTERM to the process group, SIGKILL if it lingers) and tidies up. */
	async stop(): Promise<void> {
		const child = this.child;
		if (child && child.exitCode === null && child.pid !== undefined) {
			const group = -child.pid;
			try {
				process.kill(group, 'SIGTERM');
			} catch {
				// already gone
			}
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 30_000)));
			const stopped = await Promise.race([this.exited, timeout]);
			clearTimeout(timer);
			if (stopped === 'timeout') {
				try {
					process.kill(group, 'SIGKILL');
				} catch {
					// already gone
				}
				await this.exited;
			}
		}
		await new Promise<void>((r) => (this.log ? this.log.end(r) : r()));
		this.child = undefined;
		const keep = this.options.keepUserFolder ?? process.env.E2E_KEEP === '1';
		if (!keep) rmSync(this.userFolder, { recursive: true, force: true });
	}
}

const execFileAsync = promisify(execFile);
let packed: Promise<string> | undefined;

/**
 * `npm pack` of this repository (built dist/ and the workflow templates, as package.json's "files" say), once per
 * test process, into a temporary folder. Returns the tarball's path.
 */
export async function packTarball(): Promise<string> {
	packed ??= (async () => {
		const dest = mkdtempSync(join(tmpdir(), 'oms-pack-'));
		const { stdout } = await execFileAsync('npm', ['pack', '--pack-destination', dest, '--loglevel=error'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
		const file = stdout.trim().split('\n').pop()!;
		return join(dest, file);
	})();
	return await packed;
}

/** Installs a package tarball into an n8n folder (e.g. `<user folder>/.n8n`) with deploy/install-package.sh. */
export async function installTarball(tarball: string, n8nFolder: string): Promise<string> {
	const { stdout, stderr } = await execFileAsync('sh', [join(repoRoot, 'deploy', 'install-package.sh'), tarball, n8nFolder], { cwd: tmpdir(), maxBuffer: 16 * 1024 * 1024 });
	return `${stdout}${stderr}`;
}

/** Decodes n8n's "flatted" serialisation (the format of execution_data.data). */
export function unflatten(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const seen = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		if (seen.has(index)) return seen.get(index);
		const value = table[index];
		if (typeof value === 'string' || value === null || typeof value !== 'object') {
			seen.set(index, value);
			return value;
		}
		const out: unknown = Array.isArray(value) ? [] : {};
		seen.set(index, out);
		for (const [key, ref] of Object.entries(value as Record<string, unknown>)) {
			const v = typeof ref === 'string' && /^\d+$/.test(ref) ? revive(Number(ref)) : ref;
			(out as Record<string, unknown>)[key] = v;
		}
		return out;
	};
	return revive(0);
}
