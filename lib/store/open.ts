/**
 * Which store a node uses, and one open store per configuration per process.
 *
 * No credential: the embedded SQLite store at `<n8n user folder>/.n8n/oms-wms/oms.sqlite` (the n8n user folder is
 * N8N_USER_FOLDER, else the home directory, as n8n itself does). With the `omsStoreApi` credential: the SQLite
 * file it names, or PostgreSQL. In n8n queue mode (EXECUTIONS_MODE=queue) the embedded store is refused: workers
 * on several hosts cannot share one SQLite file, and silently using one per worker would split the OMS.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Store } from './types';

export type StoreConfig =
	| { kind: 'sqlite'; path?: string }
	| {
			kind: 'postgres';
			host: string;
			port: number;
			database: string;
			user: string;
			password: string;
			ssl: 'disable' | 'require' | 'verify-full';
			schema?: string;
			maxConnections?: number;
	  };

export function defaultSqlitePath(env: NodeJS.ProcessEnv = process.env): string {
	if (env.OMS_STORE_SQLITE_PATH) return env.OMS_STORE_SQLITE_PATH;
	return join(env.N8N_USER_FOLDER || homedir(), '.n8n', 'oms-wms', 'oms.sqlite');
}

/** The omsStoreApi credential's data (see credentials/OmsStoreApi.credentials.ts) as a StoreConfig. */
export function storeConfigFromCredential(data: Record<string, unknown> | undefined | null): StoreConfig {
	if (!data || data.storeType === undefined || data.storeType === 'sqlite') {
		const path = typeof data?.sqlitePath === 'string' && data.sqlitePath.trim() ? data.sqlitePath.trim() : undefined;
		return { kind: 'sqlite', path };
	}
	if (data.storeType !== 'postgres') throw new Error(`Unknown OMS store type "${String(data.storeType)}": use sqlite or postgres`);
	const need = (key: string): string => {
		const v = data[key];
		if (typeof v !== 'string' || !v.trim()) throw new Error(`The OMS Store credential needs "${key}" for PostgreSQL`);
		return v.trim();
	};
	const ssl = (data.ssl as string) || 'disable';
	if (!['disable', 'require', 'verify-full'].includes(ssl)) throw new Error(`Unknown SSL mode "${ssl}": use disable, require or verify-full`);
	return {
		kind: 'postgres',
		host: need('host'),
		port: Number(data.port ?? 5432),
		database: need('database'),
		user: need('user'),
		password: typeof data.password === 'string' ? data.password : '',
		ssl: ssl as 'disable' | 'require' | 'verify-full',
		schema: typeof data.schema === 'string' && data.schema.trim() ? data.schema.trim() : undefined,
		maxConnections: data.maxConnections ? Number(data.maxConnections) : undefined,
	};
}

export class EmbeddedStoreInQueueModeError extends Error {
	constructor() {
		super(
			'The embedded SQLite OMS store cannot be used in n8n queue mode (EXECUTIONS_MODE=queue): workers on several hosts ' +
				'would each keep their own orders and stock. Create an "OMS Store" credential of type PostgreSQL and select it on ' +
				'every OMS node (the same credential on every process).',
		);
		this.name = 'EmbeddedStoreInQueueModeError';
	}
}

const open = new Map<string, Promise<Store>>();

function cacheKey(config: StoreConfig): string {
	// the key never leaves memory, but hash it anyway so no password sits in a map key
	return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/** The store for this configuration, opened (and migrated) once per process and shared by every node. */
export async function openStore(config: StoreConfig, env: NodeJS.ProcessEnv = process.env): Promise<Store> {
	if (config.kind === 'sqlite' && env.EXECUTIONS_MODE === 'queue') throw new EmbeddedStoreInQueueModeError();
	const resolved: StoreConfig = config.kind === 'sqlite' ? { kind: 'sqlite', path: config.path ?? defaultSqlitePath(env) } : config;
	const key = cacheKey(resolved);
	let store = open.get(key);
	if (!store) {
		store = connect(resolved);
		open.set(key, store);
		store.catch(() => open.delete(key));
	}
	return store;
}

async function connect(config: StoreConfig): Promise<Store> {
	if (config.kind === 'sqlite') {
		const { openSqliteStore } = await import('./sqlite');
		return openSqliteStore(config.path!);
	}
	const { openPostgresStore } = await import('./postgres');
	const ssl =
		config.ssl === 'disable' ? false : config.ssl === 'require' ? { rejectUnauthorized: false } : { rejectUnauthorized: true };
	return openPostgresStore(
		{
			host: config.host,
			port: config.port,
			database: config.database,
			user: config.user,
			password: config.password,
			ssl,
			max: config.maxConnections ?? 10,
			...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
		},
		{ label: `postgres://${config.user}@${config.host}:${config.port}/${config.database}` },
	);
}

/** Close every store this process opened (tests, demo shutdown). */
export async function closeAllStores(): Promise<void> {
	const all = [...open.values()];
	open.clear();
	await Promise.all(all.map(async (p) => (await p.catch(() => null))?.close()));
}
