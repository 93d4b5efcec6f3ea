/**
 * Property: whatever secret value a credential holds, no piece of it leaves in an error, a credential test message
 * or a stored row, however a server echoes it back.
 *
 * For arbitrary secrets (any Unicode, short and long, regex metacharacters, quotes, base64-like tokens) in the
 * credential of every API client of the pack (5 channels, 4 WMSs), the real client is driven against a loopback
 * server that answers with the secret echoed: raw, JSON-escaped (also \uXXXX), URL- and form-encoded,
 * HTML-escaped, base64/base64url, inside a Basic header's base64(user:secret), or cut by the server; in a JSON
 * message, an errors list, a nested error, a GraphQL error or a text body; after padding that moves it across the
 * places where texts are cut; with a 4xx/5xx status (or a 200 with GraphQL errors), at the API or at the token
 * endpoint. Checked:
 *   - the client's error (message, vendor message, body snippet, url) and n8n's error built from it by the node
 *     edge (nodes/shared/errors nodeError: message, description, messages);
 *   - the client's testCredentials message and the node-side credential test's message (through n8n's
 *     credential-test request helper);
 *   - for a WMS, the outbox row and the order's timeline after a push the WMS refused;
 *   - for the OMS Store credential, a PostgreSQL server that quotes the password: the credential test and the node.
 * "In part" means: no piece of min(8, length) characters of the secret, nor of its JSON-escaped, URL-encoded,
 * HTML-escaped or base64 forms (nor of the secret-only groups of base64(user:secret)). Secrets shorter than 4
 * characters are out of scope (lib/http/errors MIN_SECRET: they cannot be told from ordinary text).
 *
 * Also: for any EDI security password (ISA04) the stored 940 is the written one with ISA04 blanked.
 *
 * Seeded and bounded: SEED and RUNS below (a failure prints the seed and path to replay it).
 */
import fc from 'fast-check';
import type { ICredentialsDecrypted, INode, INodeCredentialTestResult, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { CredentialTestContext } from 'n8n-core';
import { createAxiosRequest } from '../../lib/http/axios';
import { LimiterRegistry } from '../../lib/http/limiters';
import { TokenCache } from '../../lib/http/token-cache';
import { createChannelClient } from '../../lib/channels/clients';
import type { ChannelName } from '../../lib/channels/registry';
import type { ChannelClient } from '../../lib/channels/types';
import { createWmsProvider, type WmsProvider, type WmsProviderName } from '../../lib/wms';
import { parseInterchange, type PartnerSettings } from '../../lib/edi';
import { pushOrder, send940 } from '../../lib/flows';
import { credentialSecrets, nodeError, rememberSecrets } from '../../nodes/shared/errors';
import { clientCredentials, amazonSpApiTest, ebayApiTest, walmartApiTest } from '../../nodes/shared/channels';
import { shopifyApiTest, wooCommerceApiTest } from '../../nodes/shared/channel-client';
import { extensivApiTest, genericWmsApiTest, shipBobApiTest, shipHeroApiTest, wmsConfig } from '../../nodes/shared/wms';
import { getStore, omsStoreConnectionTest } from '../../nodes/shared/store';
import { makeOrder } from '../helpers/orders';
import { asciiEscaped, b64, BASIC_USER, expectNoLeak, formEncoded, htmlEscaped, jsonEscaped, tryEncode } from '../helpers/secrets';
import { startEchoPostgres, useEchoServerAndStore, type EchoAnswer, type EchoRequest } from '../helpers/echo-server';

const SEED = 20260518;
const RUNS = 300;
const EDI_RUNS = 100;

jest.setTimeout(180_000);

// ---------------------------------------------------------------- what a secret and an echo are

const META = [...'.*+?^${}()|[]\\/"\'`<>&%=#;:,~ \t'];
const secretArb = fc.oneof(
	fc.string({ unit: 'binary', minLength: 4, maxLength: 24 }),
	fc.string({ unit: 'grapheme', minLength: 4, maxLength: 16 }),
	fc.string({ unit: fc.constantFrom(...META, 'a', 'Z', '9', 'é', '😀'), minLength: 4, maxLength: 20 }),
	fc.string({ unit: 'grapheme-ascii', minLength: 4, maxLength: 10 }),
	fc.string({ unit: 'grapheme-ascii', minLength: 60, maxLength: 300 }),
	fc.base64String({ minLength: 8, maxLength: 160 }),
);

type Form = 'raw' | 'json' | 'ascii' | 'url' | 'form' | 'html' | 'base64' | 'base64url' | 'basic' | 'cut';
const FORMS: Form[] = ['raw', 'json', 'ascii', 'url', 'form', 'html', 'base64', 'base64url', 'basic', 'cut'];

function echoed(secret: string, form: Form, cutAt: number): string {
	switch (form) {
		case 'raw':
			return secret;
		case 'json':
			return jsonEscaped(secret);
		case 'ascii':
			return asciiEscaped(secret);
		case 'url':
			return tryEncode(encodeURIComponent, secret) ?? secret;
		case 'form':
			return tryEncode(formEncoded, secret) ?? secret;
		case 'html':
			return htmlEscaped(secret);
		case 'base64':
			return b64(secret);
		case 'base64url':
			return Buffer.from(secret, 'utf8').toString('base64url');
		case 'basic':
			return b64(`${BASIC_USER}:${secret}`);
		case 'cut':
			// the server cut it (a prefix of any length)
			return [...secret].slice(0, Math.max(1, cutAt % ([...secret].length + 1))).join('');
	}
}

// ---------------------------------------------------------------- the server

type Placement = 'message' | 'errors' | 'nested' | 'graphql' | 'text';

interface Case {
	secret: string;
	form: Form;
	placement: Placement;
	status: number;
	pad: number;
	cutAt: number;
	/** token-based clients: refuse at the token endpoint (else issue a token and refuse the API call) */
	atToken: boolean;
}

interface ServerState {
	c: Case | null;
	/** tokens the server issued in this case (they are secrets too, once issued) */
	issued: string[];
}
const state: ServerState = { c: null, issued: [] };

const isTokenPath = (req: EchoRequest) => req.method === 'POST' && /(\/auth\/o2\/token|\/oauth2\/token|\/v3\/token|\/auth\/token|\/auth\/refresh|\/AuthServer\/api\/Token)/.test(req.path);

function answer(req: EchoRequest): EchoAnswer {
	const c = state.c;
	if (!c) return { status: 500, body: 'no case' };
	const words = `${'x'.repeat(c.pad)}${echoed(c.secret, c.form, c.cutAt)} is not valid`;
	const refuse = (status: number): EchoAnswer => {
		const headers = status >= 500 || status === 429 ? { 'retry-after': '0' } : ({} as Record<string, string>);
		switch (c.placement) {
			case 'message':
				return { status, headers, body: { message: words, code: 'invalid' } };
			case 'errors':
				return { status, headers, body: { errors: [{ code: 'E1', message: words }], title: 'Request failed' } };
			case 'nested':
				return { status, headers, body: { error: { message: words, details: { echo: words } }, error_description: words } };
			case 'graphql':
				// GraphQL APIs (Shopify, ShipHero) answer their errors inside a 200; a REST API sends the same shape with its status
				return { status: /graphql/.test(req.path) ? 200 : status, headers, body: { errors: [{ message: words, extensions: { code: 'ACCESS_DENIED' } }] } };
			case 'text':
				return { status, headers, body: words };
		}
	};
	if (isTokenPath(req)) {
		if (c.atToken) return refuse(c.status);
		const token = `issued-${state.issued.length}-${Math.random().toString(36).slice(2)}-token`;
		state.issued.push(token);
		return { status: 200, body: { access_token: token, refresh_token: `${token}-refresh`, expires_in: 3600, token_type: 'Bearer' } };
	}
	return refuse(c.status);
}

// ---------------------------------------------------------------- the clients

type Target = ChannelName | `wms:${WmsProviderName}`;
const TARGETS: Target[] = ['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart', 'wms:generic', 'wms:shipbob', 'wms:shiphero', 'wms:extensiv'];

const CREDENTIAL_TYPE: Record<Target, string> = {
	shopify: 'omsShopifyApi',
	woocommerce: 'omsWooCommerceApi',
	amazon: 'omsAmazonSpApi',
	ebay: 'omsEbayApi',
	walmart: 'omsWalmartApi',
	'wms:generic': 'omsGenericWmsApi',
	'wms:shipbob': 'omsShipBobApi',
	'wms:shiphero': 'omsShipHeroApi',
	'wms:extensiv': 'omsExtensivApi',
};

/** The node credential data of the target with `secret` in its secret field */
function credentialOf(t: Target, secret: string, url: string): Record<string, unknown> {
	switch (t) {
		case 'shopify':
			return { shopDomain: 'shop.example', authType: 'accessToken', accessToken: secret, apiVersion: '2026-01', baseUrl: url };
		case 'woocommerce':
			return { storeUrl: url, consumerKey: 'ck_public_part_0001', consumerSecret: secret };
		case 'amazon':
			return { lwaClientId: 'amzn1.application-oa2-client.1', lwaClientSecret: secret, refreshToken: 'Atzr|fixed-refresh-token', sellerId: 'A1', marketplaceIds: 'ATVPDKIKX0DER', baseUrl: url };
		case 'ebay':
			return { appId: 'app-id-0001', certId: secret, refreshToken: 'v^1.1#fixed-refresh', environment: 'sandbox', baseUrl: url };
		case 'walmart':
			return { clientId: 'walmart-client-0001', clientSecret: secret, environment: 'sandbox', baseUrl: url };
		case 'wms:generic':
			return { baseUrl: url, authHeaderName: 'X-Api-Key', authHeaderValue: secret };
		case 'wms:shipbob':
			return { authType: 'token', token: secret, channelId: '1', apiVersion: '2026-01', baseUrl: url };
		case 'wms:shiphero':
			return { authType: 'password', username: 'ops@example.com', password: secret, baseUrl: url };
		case 'wms:extensiv':
			return { clientId: BASIC_USER, clientSecret: secret, userLoginId: 'u1', customerId: 1, facilityId: 1, baseUrl: url };
	}
}

const NODE_TEST: Record<Target, (this: never, c: ICredentialsDecrypted) => Promise<INodeCredentialTestResult>> = {
	shopify: shopifyApiTest as never,
	woocommerce: wooCommerceApiTest as never,
	amazon: amazonSpApiTest as never,
	ebay: ebayApiTest as never,
	walmart: walmartApiTest as never,
	'wms:generic': genericWmsApiTest as never,
	'wms:shipbob': shipBobApiTest as never,
	'wms:shiphero': shipHeroApiTest as never,
	'wms:extensiv': extensivApiTest as never,
};

const request = createAxiosRequest({ timeoutMs: 3000 });
const NODE: INode = { id: 'n1', name: 'Node', type: 'n8n-nodes-oms-wms.wms', typeVersion: 1, position: [0, 0], parameters: {} };

/** The error n8n would get from the node edge for `err`, with the credential's secrets remembered as a node does */
function atNodeEdge(t: Target, data: Record<string, unknown>, err: unknown): unknown[] {
	const ctx = { getNode: () => NODE };
	rememberSecrets(ctx, credentialSecrets(CREDENTIAL_TYPE[t], data));
	const e = nodeError(ctx, err, 0);
	return [e.message, e.description, e.messages];
}

function libTexts(err: unknown): unknown[] {
	const e = err as { message?: unknown; vendorMessage?: unknown; bodySnippet?: unknown; url?: unknown };
	return [e?.message, e?.vendorMessage, e?.bodySnippet, e?.url];
}

const env = useEchoServerAndStore(answer, 'redaction-property');
let n = 0;
const counts = { runs: 0, byTarget: {} as Record<string, number>, byForm: {} as Record<string, number>, ediRuns: 0, storeRuns: 0 };

const caseArb = fc.record({
	target: fc.constantFrom(...TARGETS),
	c: fc.record<Case>({
		secret: secretArb,
		form: fc.constantFrom(...FORMS),
		placement: fc.constantFrom<Placement>('message', 'errors', 'nested', 'graphql', 'text'),
		status: fc.constantFrom(400, 401, 403, 404, 409, 422, 429, 500, 503),
		pad: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 620 })),
		cutAt: fc.nat({ max: 400 }),
		atToken: fc.boolean(),
	}),
});

async function runCase(target: Target, c: Case): Promise<void> {
	state.c = c;
	state.issued = [];
	const data = credentialOf(target, c.secret, env.server.url);
	const secretsNow = () => [c.secret, ...state.issued];
	const type = CREDENTIAL_TYPE[target];

	// the client as lib/ builds it (retries off; a fresh token cache and limiters per case)
	if (target.startsWith('wms:')) {
		const name = target.slice(4) as WmsProviderName;
		let provider: WmsProvider;
		try {
			provider = createWmsProvider(name, wmsConfig(name, data), { request, rateLimit: false, retry: { maxAttempts: 1 }, timeoutMs: 3000 });
		} catch (err) {
			expectNoLeak(`${target} config error`, [...libTexts(err), ...atNodeEdge(target, data, err)], secretsNow());
			return;
		}
		const err = await provider.getInventoryLevels().then(
			() => null,
			(e: unknown) => e,
		);
		expect(err).not.toBeNull();
		expectNoLeak(`${target} error`, [...libTexts(err), ...atNodeEdge(target, data, err)], secretsNow());
		const t = await provider.testCredentials();
		expectNoLeak(`${target} testCredentials`, [t.message], secretsNow());
		const o = makeOrder({ channel: 'shopify', channelOrderId: `prop-${process.pid}-${++n}` });
		await env.store.recordOrder(o);
		await env.store.setStatus(o.omsId, 'ready');
		const r = await pushOrder(env.store, provider, o);
		expectNoLeak(`${target} outbox and timeline`, [r.error, await env.store.getDelivery(o.omsId, 1), await env.store.timeline(o.omsId)], secretsNow());
	} else {
		let client: ChannelClient;
		try {
			client = createChannelClient(target as ChannelName, clientCredentials(target as ChannelName, data), request, { retry: { maxAttempts: 1 }, tokens: new TokenCache(), limiters: new LimiterRegistry(), credentialId: `prop-${++n}` });
		} catch (err) {
			expectNoLeak(`${target} config error`, [...libTexts(err), ...atNodeEdge(target, data, err)], secretsNow());
			return;
		}
		const err = await client.getOrder('1001').then(
			() => null,
			(e: unknown) => e,
		);
		expect(err).not.toBeNull();
		expectNoLeak(`${target} error`, [...libTexts(err), ...atNodeEdge(target, data, err)], secretsNow());
		const t = await client.testCredentials();
		expectNoLeak(`${target} testCredentials`, [t.message], secretsNow());
	}
	// the node-side credential test, through n8n's credential-test request helper
	const ctx = new CredentialTestContext({} as IWorkflowExecuteAdditionalData);
	const res = await NODE_TEST[target].call(ctx as never, { id: `prop-${n}`, name: 'p', type, data } as ICredentialsDecrypted);
	expectNoLeak(`${target} node credential test`, [res.message], secretsNow());
}

describe('error redaction (property)', () => {
	it(`no piece of any credential secret in errors, credential test messages or stored rows (${RUNS} runs, seed ${SEED})`, async () => {
		await fc.assert(
			fc.asyncProperty(caseArb, async ({ target, c }) => {
				counts.runs++;
				counts.byTarget[target] = (counts.byTarget[target] ?? 0) + 1;
				counts.byForm[c.form] = (counts.byForm[c.form] ?? 0) + 1;
				await runCase(target, c);
			}),
			{ seed: SEED, numRuns: RUNS, endOnFailure: true },
		);
		expect(counts.runs).toBe(RUNS);
		// every client and every echo form was tried
		expect(Object.keys(counts.byTarget).sort()).toEqual([...TARGETS].sort());
		expect(Object.keys(counts.byForm).sort()).toEqual([...FORMS].sort());
	});

	it(`a PostgreSQL server quoting any password: the store credential test and the node's error hold no piece of it (${RUNS / 10} runs)`, async () => {
		const pg = await startEchoPostgres((p) => `password authentication failed for user "oms": got ${p} (${JSON.stringify(p)})`);
		try {
			await fc.assert(
				fc.asyncProperty(secretArb, async (password) => {
					counts.storeRuns++;
					const data = { storeType: 'postgres', host: '127.0.0.1', port: pg.port, database: 'oms', user: 'oms', password, ssl: 'disable' };
					const t = await omsStoreConnectionTest.call({} as never, { id: 's', name: 's', type: 'omsStoreApi', data } as never);
					expect(t.status).toBe('Error');
					expectNoLeak('store credential test', [t.message], [password]);
					const ctx = { getNode: () => ({ ...NODE, credentials: { omsStoreApi: { id: 's', name: 's' } } }), getCredentials: async () => data };
					const err = await getStore(ctx as never).then(
						() => null,
						(e: unknown) => e as Error & { description?: string; messages?: string[] },
					);
					expect(err).not.toBeNull();
					expectNoLeak('store node error', [err?.message, err?.description, err?.messages], [password]);
				}),
				{ seed: SEED, numRuns: RUNS / 10, endOnFailure: true },
			);
		} finally {
			await pg.close();
		}
	});

	it(`an EDI security password (ISA04) is never in the stored 940, which is the written one with ISA04 blanked (${EDI_RUNS} runs)`, async () => {
		const partner: PartnerSettings = { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: 'ZZ', receiverId: 'WH3PL', version: '4010', usage: 'T', ackRequested: false, element: '*', segment: '~', component: '>', lineBreak: true, securityQualifier: '01' };
		const securityInfo = fc.string({ unit: fc.constantFrom(...'ABCXYZabcxyz0189 !#$%&()+,-./:;=?@[]_{|}'.split('')), minLength: 1, maxLength: 10 });
		await fc.assert(
			fc.asyncProperty(securityInfo, async (password) => {
				counts.ediRuns++;
				const o = makeOrder({ channel: 'shopify', channelOrderId: `edi-prop-${process.pid}-${++n}` });
				await env.store.recordOrder(o);
				await env.store.setStatus(o.omsId, 'ready');
				const r = await send940(env.store, { ...partner, securityInfo: password }, o.omsId);
				expect(r.outcome).toBe('generated');
				const written = r.document!.text;
				expect(parseInterchange(written).header.securityInfo).toBe(password.padEnd(10));
				const kept = (await env.store.getDelivery(o.omsId, 1))!.payload as { document: string; isa04?: string };
				expect(kept.isa04).toBe('omitted');
				expect(kept.document).toBe(`${written.slice(0, 21)}${' '.repeat(10)}${written.slice(31)}`);
				expect(parseInterchange(kept.document).header.securityInfo).toBe(' '.repeat(10));
			}),
			{ seed: SEED, numRuns: EDI_RUNS, endOnFailure: true },
		);
	});
});
