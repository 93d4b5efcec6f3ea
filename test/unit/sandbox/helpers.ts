/** Small helpers for the sandbox tests: a webhook receiver and a GraphQL call to the Shopify sandbox. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from '../../sandbox/testkit';
import type { HttpResponse } from '../../../lib/http/types';

export interface Received {
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
	json: () => Record<string, unknown>;
}

/** A loopback server that records every POST and answers `status` (200 by default) */
export async function receiver(status = 200): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
	const got: Received[] = [];
	const server = http.createServer((rq, rs) => {
		const chunks: Buffer[] = [];
		rq.on('data', (c) => chunks.push(c));
		rq.on('end', () => {
			const raw = Buffer.concat(chunks);
			got.push({ headers: rq.headers, raw, json: () => JSON.parse(raw.toString('utf8')) as Record<string, unknown> });
			rs.writeHead(status).end();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		got,
		close: async () => {
			server.closeAllConnections();
			await new Promise((r) => server.close(r));
		},
	};
}

/** Picks seed orders so that each test gets ones no other test has touched */
export function picker<T extends { id: string }>(orders: T[]): (f: (o: T) => boolean) => T {
	const used = new Set<string>();
	return (f) => {
		const o = orders.find((x) => !used.has(x.id) && f(x));
		if (!o) throw new Error('no such order left in the seed');
		used.add(o.id);
		return o;
	};
}

export interface GqlBody<T> {
	data?: T;
	errors?: Array<{ message: string; extensions?: { code?: string } }>;
	extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null } };
}

/** POST a GraphQL document to the Shopify sandbox (static token), on `version` */
export async function gql<T = Record<string, unknown>>(base: string, query: string, variables: Record<string, unknown> = {}, version = '2026-01', timeoutMs?: number): Promise<GqlBody<T>> {
	const r: HttpResponse<GqlBody<T>> = await request<GqlBody<T>>({
		method: 'POST',
		url: `${base}/admin/api/${version}/graphql.json`,
		headers: { 'x-shopify-access-token': 'shpat_sandboxstatictoken00000000000001', 'content-type': 'application/json' },
		body: { query, variables },
		...(timeoutMs ? { timeoutMs } : {}),
	});
	if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
	return r.body;
}
