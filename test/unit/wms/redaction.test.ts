/**
 * WMS servers that echo the credentials: every provider against a loopback server that puts the API key, the token
 * it was given, the password or the Basic header into its error answers (in a message, a field error, at the place
 * where an error text is cut). No piece of a secret reaches the error message, the vendor message, the credential
 * test message, the outbox row or the order's timeline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWmsProvider, pushOrder, type WmsProvider, type WmsProviderName } from '../../../lib/wms';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../../lib/store/open';
import type { Store } from '../../../lib/store/types';
import { startEchoServer, type EchoRequest, type EchoServer } from '../../helpers/echo-server';
import { order, testDeps } from './fixtures';

// regex metacharacters, quotes and a backslash: nothing in it may be taken as a pattern
const KEY = 'k3y.*+?^${}()|[]\\/"q"ABCDEFGH';
const PASSWORD = 'pa$$ w0rd "quoted" \\ end';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvbXMifQ.c2lnbmF0dXJlLXBhcnQ';
const REFRESH = 'rt_0a1b2c3d4e5f6a7b8c9d';
const ALL = [KEY, PASSWORD, JWT, REFRESH];
/** "In part": any piece of 8 characters (the whole secret, when shorter) */
const PART = 8;

/** true when a PART-long piece (the whole, when shorter) of any secret, raw or base64, is in `text` */
function leaks(text: string): string | null {
	for (const s of ALL) {
		for (const form of [s, JSON.stringify(s).slice(1, -1), Buffer.from(s).toString('base64')]) {
			const k = Math.min(PART, form.length);
			for (let i = 0; i + k <= form.length; i++) if (text.includes(form.slice(i, i + k))) return form.slice(i, i + k);
		}
	}
	return null;
}

/** What the server says back: every header and the body it was sent, and the key once more where a cut falls */
function echo(req: EchoRequest): Record<string, unknown> {
	return {
		message: `${'x'.repeat(290)}${KEY} invalid credentials; you sent ${JSON.stringify(req.headers)}`,
		errors: [{ message: `body was ${req.body}` }],
		echo: { headers: req.headers, body: req.body },
	};
}

function answer(req: EchoRequest): { status: number; body: unknown } {
	if (req.path.startsWith('/auth/token')) return { status: 200, body: { access_token: JWT, refresh_token: REFRESH, expires_in: 3600 } };
	if (req.path.startsWith('/auth/refresh')) return { status: 200, body: { access_token: JWT, expires_in: 3600 } };
	if (req.path.startsWith('/AuthServer/api/Token')) return { status: 200, body: { access_token: JWT, expires_in: 1800 } };
	// ShipHero answers GraphQL errors inside a 200
	if (req.path.startsWith('/graphql')) return { status: 200, body: { errors: [{ message: `not allowed: ${JSON.stringify(req.headers)} ${req.body} password ${PASSWORD}` }] } };
	return { status: 400, body: echo(req) };
}

let server: EchoServer;
let store: Store;
const dir = mkdtempSync(join(tmpdir(), 'wms-redact-'));

beforeAll(async () => {
	server = await startEchoServer(answer);
	store = await openStore(storeConfigFromCredential({ storeType: 'sqlite', sqlitePath: join(dir, 'oms.sqlite') }));
});
afterAll(async () => {
	await server.close();
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

function provider(name: WmsProviderName): WmsProvider {
	const deps = testDeps({ rateLimit: false, retry: { maxAttempts: 1 } });
	switch (name) {
		case 'generic':
			return createWmsProvider('generic', { baseUrl: server.url, authHeaderName: 'Authorization', authHeaderValue: `Bearer ${KEY}` }, deps);
		case 'shipbob':
			return createWmsProvider('shipbob', { baseUrl: server.url, token: KEY, channelId: 1 }, deps);
		case 'shiphero':
			return createWmsProvider('shiphero', { baseUrl: server.url, username: 'ops@example.com', password: PASSWORD }, deps);
		case 'extensiv':
			return createWmsProvider('extensiv', { baseUrl: server.url, clientId: 'client-id', clientSecret: KEY, userLoginId: 'u1', customerId: 1, facilityId: 1 }, deps);
	}
}

let n = 0;
describe.each(['generic', 'shipbob', 'shiphero', 'extensiv'] as const)('%s answering with the credentials in its errors', (name) => {
	it('errors and their vendor message carry no piece of a secret, and say what the server answered', async () => {
		const p = provider(name);
		const err = (await p.getInventoryLevels().catch((e: unknown) => e)) as Error & { status?: number | null; vendorMessage?: string | null };
		expect(err).toBeInstanceOf(Error);
		expect(leaks(`${err.message}\n${err.stack}\n${err.vendorMessage ?? ''}`)).toBeNull();
		if (name === 'shiphero') expect(err.message).toMatch(/not allowed/);
		else {
			expect(err.status).toBe(400);
			expect(err.vendorMessage).toMatch(/^x+\*\*\* invali/);
		}
	});

	it('the credential test message carries none', async () => {
		const r = await provider(name).testCredentials();
		expect(leaks(r.message)).toBeNull();
	});

	it('the outbox row and the timeline of an order the WMS refused carry none', async () => {
		const o = order(`redact-${name}-${++n}`);
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'ready');
		const r = await pushOrder(store, provider(name), o);
		expect(['failed', 'retry_scheduled']).toContain(r.outcome);
		expect(r.error).toBeTruthy();
		const stored = JSON.stringify([r.error, await store.getDelivery(o.omsId, 1), await store.timeline(o.omsId)]);
		expect(leaks(stored)).toBeNull();
	});
});
