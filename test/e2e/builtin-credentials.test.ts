/**
 * Issue 17, end to end: with this package installed, n8n's own Shopify and WooCommerce credential types and nodes
 * are n8n's. Version 0.1.0 of the package defined credential types named `shopifyApi` and `wooCommerceApi`; n8n keys
 * credential types by that bare name, so the pack's types replaced n8n-nodes-base's and n8n's Shopify and
 * WooCommerce nodes asked for the pack's fields. (The unit test test/unit/package/name-clashes.test.ts checks every
 * name against n8n's; this proves the outcome on a running n8n.)
 *
 * A real n8n 2.41 with the package loaded gets a credential of each of n8n's two types (imported with n8n's CLI) and
 * an owner account; the test signs in through the REST API the editor uses (POST /rest/login) and then:
 * - reads /types/credentials.json, the credential types the editor draws its forms from, and expects n8n's
 *   `shopifyApi` and `wooCommerceApi` to be exactly n8n-nodes-base's own definitions (read from the installed
 *   n8n-nodes-base, as n8n loads them), and the pack's `omsShopifyApi` / `omsWooCommerceApi` beside them with the pack's fields;
 * - saves a workflow with n8n's Shopify and WooCommerce nodes using those credentials (POST /rest/workflows, what the
 *   editor sends when an imported workflow is saved), opens it again (GET /rest/workflows/:id), and asks for the node
 *   types the editor needs to draw it (POST /rest/node-types): both are n8n-nodes-base's, with their own credentials;
 * - reads the stored credential back with its data (GET /rest/credentials/:id?includeData=true): n8n's fields.
 * It also checks which of the pack's nodes n8n offers to AI agents (the "<Node> Tool" types n8n generates from
 * usableAsTool, in the editor's node list /types/nodes.json): OMS Order and OMS Report only, OMS Order's tool with the
 * read operations only (as the editor shows its Operation parameter).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NodeHelpers, type ICredentialType, type INodeProperties, type INodePropertyOptions, type INodeTypeDescription } from 'n8n-workflow';
import { N8n, n8nBin, type CredentialJson } from './harness/n8n';
import { OmsShopifyApi } from '../../credentials/OmsShopifyApi.credentials';
import { OmsWooCommerceApi } from '../../credentials/OmsWooCommerceApi.credentials';

jest.setTimeout(300_000);

const OWNER = { email: 'ops-lead@example.com', firstName: 'Ops', lastName: 'Lead', password: 'Builtin-e2e-Passw0rd' };

interface CredentialTypeJson {
	name: string;
	displayName: string;
	properties: INodeProperties[];
	[k: string]: unknown;
}

/** Where the n8n the harness runs is installed (its node_modules). */
const n8nModules = () => resolve(dirname(n8nBin()), '..', '..');

/**
 * n8n-nodes-base's own credential types, as shipped in the n8n the harness runs, with the two changes n8n makes when
 * it loads a package (load-nodes-and-credentials): the HTTP Request domain restriction fields it appends
 * (n8n-workflow's injectDomainRestrictionFields, taken from that n8n's own n8n-workflow) and supportedNodes prefixed
 * with the package name. That is what n8n serves for them when nothing replaces them.
 */
function builtinCredentialTypes(): Map<string, CredentialTypeJson> {
	const types = JSON.parse(readFileSync(join(n8nModules(), 'n8n-nodes-base', 'dist', 'types', 'credentials.json'), 'utf8')) as CredentialTypeJson[];
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { injectDomainRestrictionFields } = require(join(n8nModules(), 'n8n-workflow')) as typeof import('n8n-workflow');
	return new Map(
		types.map((t) => {
			const loaded: CredentialTypeJson = { ...t, properties: injectDomainRestrictionFields(t as unknown as ICredentialType) };
			if (Array.isArray(t.supportedNodes)) loaded.supportedNodes = (t.supportedNodes as string[]).map((n) => `n8n-nodes-base.${n}`);
			return [t.name, loaded];
		}),
	);
}

const propertyNames = (properties: INodeProperties[]) => properties.map((p) => p.name);

describe('real n8n with the package: n8n’s own Shopify and WooCommerce credentials and nodes', () => {
	let n8n: N8n;
	let cookie = '';
	let shopify: CredentialJson;
	let wooCommerce: CredentialJson;

	/** A REST call as the signed-in owner; returns the `data` n8n wraps its answers in. */
	const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
		const res = await fetch(`${n8n.baseUrl}${path}`, {
			method,
			headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
		const json = JSON.parse(text) as { data?: T };
		return (json.data ?? json) as T;
	};

	beforeAll(async () => {
		n8n = await N8n.create({ name: 'builtin-credentials' });
		[shopify, wooCommerce] = await n8n.importCredentials([
			{ name: 'Shop (n8n Shopify)', type: 'shopifyApi', data: { shopSubdomain: 'example-shop', apiKey: 'key-e2e', password: 'pass-e2e', sharedSecret: 'secret-e2e' } },
			{ name: 'Store (n8n WooCommerce)', type: 'wooCommerceApi', data: { url: 'https://woo.example.com', consumerKey: 'ck_e2e', consumerSecret: 'cs_e2e', includeCredentialsInQuery: false } },
		]);
		await n8n.start();
		const setup = await fetch(`${n8n.baseUrl}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
		if (!setup.ok) throw new Error(`owner setup: HTTP ${setup.status} ${await setup.text()}`);
		await setup.arrayBuffer().catch(() => undefined);
		const login = await fetch(`${n8n.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
		if (!login.ok) throw new Error(`login: HTTP ${login.status} ${await login.text()}`);
		await login.arrayBuffer();
		cookie = login.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		if (!/n8n-auth=/.test(cookie)) throw new Error(`login set no n8n-auth cookie: ${cookie}`);
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('serves n8n’s shopifyApi and wooCommerceApi exactly as n8n-nodes-base defines them, and the pack’s types beside them', async () => {
		const served = await rest<CredentialTypeJson[]>('GET', '/types/credentials.json');
		const byName = new Map(served.map((t) => [t.name, t]));
		const builtin = builtinCredentialTypes();
		for (const name of ['shopifyApi', 'wooCommerceApi']) {
			expect(byName.get(name)).toBeDefined();
			// the whole definition (display name, properties, authentication, test request) is n8n-nodes-base's
			expect(byName.get(name)).toEqual(builtin.get(name));
		}
		// n8n's own fields (the appended domain restriction fields are n8n's, on every type usable in HTTP Request)
		const own = (name: string) => propertyNames(byName.get(name)!.properties).filter((p) => !['allowedHttpRequestDomains', 'allowedDomains'].includes(p));
		expect(own('shopifyApi')).toEqual(['apiKey', 'password', 'shopSubdomain', 'sharedSecret']);
		expect(own('wooCommerceApi')).toEqual(['consumerKey', 'consumerSecret', 'url', 'includeCredentialsInQuery']);
		// the pack's own types are loaded too, under their own names and with their own fields
		expect(own('omsShopifyApi')).toEqual(propertyNames(new OmsShopifyApi().properties));
		expect(own('omsWooCommerceApi')).toEqual(propertyNames(new OmsWooCommerceApi().properties));
		expect(served.filter((t) => t.name === 'shopifyApi' || t.name === 'wooCommerceApi')).toHaveLength(2);
	});

	it('keeps the stored credentials as n8n’s types, with n8n’s fields', async () => {
		const storedShopify = await rest<{ type: string; data: Record<string, unknown> }>('GET', `/rest/credentials/${shopify.id}?includeData=true`);
		expect(storedShopify.type).toBe('shopifyApi');
		expect(storedShopify.data).toMatchObject({ shopSubdomain: 'example-shop' });
		const storedWoo = await rest<{ type: string; data: Record<string, unknown> }>('GET', `/rest/credentials/${wooCommerce.id}?includeData=true`);
		expect(storedWoo.type).toBe('wooCommerceApi');
		expect(storedWoo.data).toMatchObject({ url: 'https://woo.example.com' });
	});

	it('saves and opens a workflow with n8n’s Shopify and WooCommerce nodes on those credentials, and knows both node types', async () => {
		const workflow = {
			name: 'n8n Shopify and WooCommerce beside the OMS pack',
			nodes: [
				{ id: 'f3a4b0a0-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'f3a4b0a0-0000-4000-8000-000000000002',
					name: 'Shopify',
					type: 'n8n-nodes-base.shopify',
					typeVersion: 1,
					position: [220, -100],
					parameters: { authentication: 'apiKey', resource: 'order', operation: 'getAll' },
					credentials: { shopifyApi: { id: shopify.id, name: shopify.name } },
				},
				{
					id: 'f3a4b0a0-0000-4000-8000-000000000003',
					name: 'WooCommerce',
					type: 'n8n-nodes-base.wooCommerce',
					typeVersion: 1,
					position: [220, 100],
					parameters: { resource: 'order', operation: 'getAll' },
					credentials: { wooCommerceApi: { id: wooCommerce.id, name: wooCommerce.name } },
				},
			],
			connections: { Start: { main: [[{ node: 'Shopify', type: 'main', index: 0 }, { node: 'WooCommerce', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
		const created = await rest<{ id: string }>('POST', '/rest/workflows', workflow);
		expect(created.id).toEqual(expect.any(String));

		const opened = await rest<{ nodes: Array<{ name: string; type: string; credentials?: Record<string, { id: string }> }> }>('GET', `/rest/workflows/${created.id}`);
		const node = (name: string) => opened.nodes.find((n) => n.name === name);
		expect(node('Shopify')).toMatchObject({ type: 'n8n-nodes-base.shopify', credentials: { shopifyApi: { id: shopify.id } } });
		expect(node('WooCommerce')).toMatchObject({ type: 'n8n-nodes-base.wooCommerce', credentials: { wooCommerceApi: { id: wooCommerce.id } } });

		const described = await rest<Array<{ name: string; displayName: string; credentials?: Array<{ name: string }> }>>('POST', '/rest/node-types', {
			nodeInfos: [
				{ name: 'n8n-nodes-base.shopify', version: 1 },
				{ name: 'n8n-nodes-base.wooCommerce', version: 1 },
			],
		});
		expect(described.map((d) => d.displayName)).toEqual(['Shopify', 'WooCommerce']);
		expect(described[0].credentials?.map((c) => c.name)).toEqual(['shopifyApi', 'shopifyAccessTokenApi', 'shopifyOAuth2Api']);
		expect(described[1].credentials?.map((c) => c.name)).toEqual(['wooCommerceApi']);
	});

	it('offers only OMS Order and OMS Report of the pack to AI agents, OMS Order’s tool with Get, Search and Timeline only', async () => {
		// the node types the editor's node panel lists, with their descriptions (a generated tool is only there)
		const listed = await rest<INodeTypeDescription[]>('GET', '/types/nodes.json');
		const packTools = [...new Set(listed.map((t) => t.name).filter((n) => n.startsWith('n8n-nodes-oms-wms.') && n.endsWith('Tool')))].sort();
		expect(packTools).toEqual(['n8n-nodes-oms-wms.omsOrderTool', 'n8n-nodes-oms-wms.reportBuilderTool']);
		const tool = listed.find((t) => t.name === 'n8n-nodes-oms-wms.omsOrderTool')!;
		expect(tool.displayName).toBe('OMS Order Tool');
		const shown = tool.properties.filter((p) => p.name === 'operation' && NodeHelpers.displayParameter({}, p, { typeVersion: 1 }, tool));
		expect(shown.map((p) => (p.options as INodePropertyOptions[]).map((o) => o.name))).toEqual([['Get', 'Search', 'Timeline']]);
	});

	it('loaded the pack: its Shopify Order Trigger asks for the pack’s own Shopify credential', async () => {
		const described = await rest<Array<{ displayName: string; credentials?: Array<{ name: string }> }>>('POST', '/rest/node-types', {
			nodeInfos: [{ name: 'n8n-nodes-oms-wms.shopifyOrderTrigger', version: 1 }],
		});
		expect(described[0].credentials?.map((c) => c.name)).toEqual(['omsShopifyApi', 'omsStoreApi']);
		expect(n8n.serverOutput).not.toMatch(/Failed to load package/);
	});
});
