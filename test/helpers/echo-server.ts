/**
 * A tiny loopback HTTP server for the redaction tests: it answers every request with whatever `handler` says,
 * handing it the request as received (method, path, headers, raw body). A test makes it echo a credential back (in
 * the body, a header, any encoding), as a careless or hostile server would.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

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
