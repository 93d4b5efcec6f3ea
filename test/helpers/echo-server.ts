/**
 * A tiny loopback HTTP server for the redaction tests: it answers every request with whatever `handler` says,
 * handing it the request as received (method, path, headers, raw body). A test makes it echo a credential back (in
 * the body, a header, any encoding), as a careless or hostile server would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';

export interface EchoRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export interface EchoAnswer {
	status: number;
	/** An object is sent as JSON, a string as text/plain */
	body?: unknown;
	headers?: Record<string, string>;
}

export type EchoHandler = (req: EchoRequest) => EchoAnswer;

export interface EchoServer {
	url: string;
	handler: EchoHandler;
	requests: EchoRequest[];
	close(): Promise<void>;
}

export async function startEchoServer(handler: EchoHandler): Promise<EchoServer> {
	const state: EchoServer = { url: '', handler, requests: [], close: async () => undefined };
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const r: EchoRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
			state.requests.push(r);
			let a: EchoAnswer;
			try {
				a = state.handler(r);
			} catch (err) {
				a = { status: 500, body: `handler failed: ${(err as Error).message}` };
			}
			const json = typeof a.body !== 'string';
			const text = a.body === undefined ? '' : json ? JSON.stringify(a.body) : (a.body as string);
			res.writeHead(a.status, { 'content-type': json ? 'application/json' : 'text/plain; charset=utf-8', ...(a.headers ?? {}) });
			res.end(text);
		});
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	state.close = () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return state;
}

/**
 * A loopback "PostgreSQL server" that asks for the password in clear text and refuses the login with an error whose
 * message quotes the password it received (what a careless proxy or pooler in front of PostgreSQL could do).
 */
export async function startEchoPostgres(message: (password: string) => string = (p) => `password authentication failed: got "${p}"`): Promise<{ port: number; close(): Promise<void> }> {
	const { createServer: createTcpServer } = await import('node:net');
	const field = (code: string, value: string) => Buffer.concat([Buffer.from(code), Buffer.from(value, 'utf8'), Buffer.from([0])]);
	const server = createTcpServer((sock) => {
		let buf = Buffer.alloc(0);
		let started = false;
		sock.on('error', () => undefined);
		sock.on('data', (d: Buffer) => {
			buf = Buffer.concat([buf, d]);
			if (!started) {
				if (buf.length < 8 || buf.length < buf.readInt32BE(0)) return;
				const len = buf.readInt32BE(0);
				const code = buf.readInt32BE(4);
				buf = buf.subarray(len);
				if (code === 80877103) {
					sock.write('N'); // no SSL; the startup message follows
					return;
				}
				started = true;
				const auth = Buffer.alloc(9);
				auth.write('R', 0);
				auth.writeInt32BE(8, 1);
				auth.writeInt32BE(3, 5); // AuthenticationCleartextPassword
				sock.write(auth);
				return;
			}
			if (buf.length < 5 || buf.length < 1 + buf.readInt32BE(1)) return;
			const len = buf.readInt32BE(1);
			const password = buf.subarray(5, 1 + len - 1).toString('utf8');
			const fields = Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', '28P01'), field('M', message(password)), Buffer.from([0])]);
			const head = Buffer.alloc(5);
			head.write('E', 0);
			head.writeInt32BE(4 + fields.length, 1);
			sock.end(Buffer.concat([head, fields]));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/**
 * An echo server and a fresh SQLite store for one test file: started before its tests, closed (and the folder
 * removed) after them. The fields are set once beforeAll has run.
 */
export function useEchoServerAndStore(handler: EchoHandler, name: string): { server: EchoServer; store: Store; sqlitePath: string } {
	const dir = mkdtempSync(join(tmpdir(), `${name}-`));
	const env = { server: undefined as unknown as EchoServer, store: undefined as unknown as Store, sqlitePath: join(dir, 'oms.sqlite') };
	beforeAll(async () => {
		env.server = await startEchoServer(handler);
		env.store = await openStore(storeConfigFromCredential({ storeType: 'sqlite', sqlitePath: env.sqlitePath }));
	});
	afterAll(async () => {
		await env.server.close();
		await closeAllStores();
		rmSync(dir, { recursive: true, force: true });
	});
	return env;
}
