import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAxiosRequest } from '../../../lib/http/axios';

describe('createAxiosRequest', () => {
	let server: http.Server;
	let url = '';
	beforeAll(async () => {
		server = http.createServer((req, res) => {
			if (req.url?.startsWith('/slow')) return undefined; // never answers
			const chunks: Buffer[] = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => {
				if (req.url?.startsWith('/text')) {
					res.writeHead(500, { 'content-type': 'text/plain', 'X-Custom': 'A' });
					res.end('boom');
					return;
				}
				res.writeHead(201, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ method: req.method, url: req.url, ct: req.headers['content-type'], body: Buffer.concat(chunks).toString() }));
			});
			return undefined;
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((r) => server.close(r));
	});

	it('sends JSON and form bodies, repeats array query keys, parses JSON answers', async () => {
		const rq = createAxiosRequest();
		const r = await rq<{ url: string; body: string; ct: string }>({ method: 'POST', url: `${url}/a?x=1`, qs: { ids: ['a', 'b'], skip: undefined, n: 2 }, body: { k: 'v' } });
		expect(r.status).toBe(201);
		expect(r.body.url).toBe('/a?x=1&ids=a&ids=b&n=2');
		expect(JSON.parse(r.body.body)).toEqual({ k: 'v' });
		const f = await rq<{ body: string; ct: string }>({ method: 'POST', url, bodyType: 'form', body: { grant_type: 'refresh_token', a: 'b c' } });
		expect(f.body.ct).toBe('application/x-www-form-urlencoded');
		expect(f.body.body).toBe('grant_type=refresh_token&a=b+c');
	});

	it('never throws for an HTTP status; lower-cases headers; returns text bodies as text', async () => {
		const r = await createAxiosRequest()({ method: 'GET', url: `${url}/text` });
		expect(r.status).toBe(500);
		expect(r.body).toBe('boom');
		expect(r.headers['x-custom']).toBe('A');
	});

	it('throws transport errors with a code (ETIMEDOUT, ECONNREFUSED)', async () => {
		await expect(createAxiosRequest()({ method: 'GET', url: `${url}/slow`, timeoutMs: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
		await expect(createAxiosRequest()({ method: 'GET', url: 'http://127.0.0.1:1/x' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
	});
});
