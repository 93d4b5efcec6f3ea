/**
 * Channel APIs that echo the credentials in what the clients build messages from besides an HTTP error: Shopify's
 * GraphQL errors (inside a 200), WooCommerce's per-product batch errors and an unexpected body cut to 100
 * characters. No piece of a secret reaches the error, the per-SKU result or the credential test message.
 */
import { createAxiosRequest } from '../../../lib/http/axios';
import { ShopifyClient, WooCommerceClient } from '../../../lib/channels/clients';
import { LimiterRegistry } from '../../../lib/http/limiters';
import { TokenCache } from '../../../lib/http/token-cache';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server';
import { leak } from '../../helpers/secrets';

const TOKEN = 'shpat_0123456789abcdef0123456789abcdef';
const KEY = 'ConsumerKey0123456789';
const SECRET = 'S3cretConsumerValue0123';
const leaks = (text: string, secrets: string[]) => leak(text, secrets);

let server: EchoServer;
beforeAll(async () => {
	server = await startEchoServer(() => ({ status: 500, body: 'unset' }));
});
afterAll(() => server.close());

const opts = () => ({ retry: { maxAttempts: 1 }, limiters: new LimiterRegistry(), tokens: new TokenCache(), credentialId: `t${Math.random()}` });

describe('Shopify GraphQL errors that quote the access token', () => {
	const client = () => new ShopifyClient({ shopDomain: 'shop.example', accessToken: TOKEN, baseUrl: server.url, apiVersion: '2026-01' }, createAxiosRequest({ timeoutMs: 2000 }), opts());
	beforeEach(() => {
		server.handler = (req) => ({ status: 200, body: { errors: [{ message: `Invalid API key or access token (unrecognized login or wrong password): ${String(req.headers['x-shopify-access-token'])}`, extensions: { code: 'ACCESS_DENIED' } }] } });
	});
	it('the error of a call carries none of it', async () => {
		const err = (await client().getOrder('1').catch((e: unknown) => e)) as Error;
		expect(err.message).toMatch(/Shopify GraphQL error: ACCESS_DENIED Invalid API key/);
		expect(leaks(`${err.message}\n${err.stack}`, [TOKEN])).toBeNull();
	});
	it('the credential test message carries none of it', async () => {
		const r = await client().testCredentials();
		expect(r.ok).toBe(false);
		expect(leaks(r.message, [TOKEN])).toBeNull();
	});
});

describe('WooCommerce answers that quote the keys', () => {
	const client = () => new WooCommerceClient({ storeUrl: server.url, consumerKey: KEY, consumerSecret: SECRET }, createAxiosRequest({ timeoutMs: 2000 }), opts());
	it('an unexpected body cut at 100 characters keeps no first characters of a secret that straddled the cut', async () => {
		server.handler = () => ({ status: 200, body: `${'<'.repeat(90)}${SECRET} and more` });
		const err = (await client().listOrdersSince(null).catch((e: unknown) => e)) as Error;
		expect(err.message).toMatch(/unexpected body/);
		expect(leaks(err.message, [KEY, SECRET])).toBeNull();
	});
	it('a per-product batch error that quotes the keys comes back without them', async () => {
		server.handler = (req) =>
			req.path.startsWith('/wp-json/wc/v3/products/batch')
				? { status: 200, body: { update: [{ id: 7, error: { code: 'woocommerce_rest_cannot_edit', message: `Sorry, ${KEY}:${SECRET} cannot edit this resource (${String(req.headers.authorization)})` } }] } }
				: { status: 200, body: [{ id: 7, sku: 'MUG' }] };
		const [r] = await client().setAvailableQuantities([{ sku: 'MUG', quantity: 3 }]);
		expect(r.ok).toBe(false);
		expect(r.error).toMatch(/cannot edit this resource/);
		expect(leaks(r.error ?? '', [KEY, SECRET, Buffer.from(`${KEY}:${SECRET}`).toString('base64')])).toBeNull();
	});
});
