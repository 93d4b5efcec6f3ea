/**
 * WMS servers that echo the credentials: every provider against a loopback server that puts the API key, the token
 * it was given, the password or the Basic header into its error answers (in a message, a field error, at the place
 * where an error text is cut). No piece of a secret reaches the error message, the vendor message, the credential
 * test message, the outbox row or the order's timeline.
 */
import { createWmsProvider, type WmsProvider, type WmsProviderName } from '../../../lib/wms';
import { pushOrder } from '../../../lib/flows';
import { useEchoServerAndStore, type EchoRequest } from '../../helpers/echo-server';
import { expectNoLeak, leak } from '../../helpers/secrets';
import { order, testDeps } from './fixtures';

// regex metacharacters, quotes and a backslash: nothing in it may be taken as a pattern
const KEY = 'k3y.*+?^${}()|[]\\/"q"ABCDEFGH';
const PASSWORD = 'pa$$ w0rd "quoted" \\ end';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvbXMifQ.c2lnbmF0dXJlLXBhcnQ';
const REFRESH = 'rt_0a1b2c3d4e5f6a7b8c9d';
const ALL = [KEY, PASSWORD, JWT, REFRESH];
const leaks = (text: string) => leak(text, ALL);

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

const env = useEchoServerAndStore(answer, 'wms-redact');

function provider(name: WmsProviderName): WmsProvider {
	const deps = testDeps({ rateLimit: false, retry: { maxAttempts: 1 } });
	switch (name) {
		case 'generic':
			return createWmsProvider('generic', { baseUrl: env.server.url, authHeaderName: 'Authorization', authHeaderValue: `Bearer ${KEY}` }, deps);
		case 'shipbob':
			return createWmsProvider('shipbob', { baseUrl: env.server.url, token: KEY, channelId: 1 }, deps);
		case 'shiphero':
			return createWmsProvider('shiphero', { baseUrl: env.server.url, username: 'ops@example.com', password: PASSWORD }, deps);
		case 'extensiv':
			return createWmsProvider('extensiv', { baseUrl: env.server.url, clientId: 'client-id', clientSecret: KEY, userLoginId: 'u1', customerId: 1, facilityId: 1 }, deps);
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
		await env.store.recordOrder(o);
		await env.store.setStatus(o.omsId, 'ready');
		const r = await pushOrder(env.store, provider(name), o);
		expect(['failed', 'retry_scheduled']).toContain(r.outcome);
		expect(r.error).toBeTruthy();
		expectNoLeak('outbox row and timeline', [r.error, await env.store.getDelivery(o.omsId, 1), await env.store.timeline(o.omsId)], ALL);
	});
});
