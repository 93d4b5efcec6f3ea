/**
 * How the nodes report a channel's or a WMS's failure to n8n, through WorkflowExecute, against loopback servers that
 * answer with errors quoting the credentials:
 *   - a 4xx or 5xx of a channel (Marketplace, WooCommerce) and of a WMS (Wms node, Generic REST and ShipBob) is
 *     n8n's NodeApiError with the HTTP status as httpCode and the vendor's words as description, so n8n's error
 *     view, Retry On Fail and error workflows see what the API said;
 *   - with "On Error: Continue (using error output)" the error item carries the same (details.httpCode,
 *     details.description) and the input item's other items go on;
 *   - no piece of a secret in any of it; nor when the store's PostgreSQL server quotes the password, in the node's
 *     error or in the store credential's test message.
 */
import { NodeApiError, type ExecutionError, type IDataObject, type IHookFunctions, type INode } from 'n8n-workflow';
import { omsStoreConnectionTest } from '../../nodes/shared/store';
import { nodeError as toNodeError, rememberSecrets } from '../../nodes/shared/errors';
import { HttpError } from '../../lib/http/errors';
import { ShopifyOrderTrigger } from '../../nodes/ShopifyOrderTrigger/ShopifyOrderTrigger.node';
import { WooCommerceOrderTrigger } from '../../nodes/WooCommerceOrderTrigger/WooCommerceOrderTrigger.node';
import axios from 'axios';
import { buildWorkflow, nodeError, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';
import { expectNoLeak, leak as leakOf } from '../helpers/secrets';
import { startEchoPostgres, useEchoServerAndStore, type EchoAnswer, type EchoRequest } from '../helpers/echo-server';

const WOO_KEY = 'ck_live_4f5e6d7c8b9a0f1e2d3c';
const WALMART_SECRET = 'wm-client-secret-5566778899';
const WOO_SECRET = 'Sup3r-Secret/Value+With=Chars';
const WMS_KEY = 'wms-api-key-0a9b8c7d6e5f';
const SHOPIFY_TOKEN = 'shpat_00aa11bb22cc33dd44ee55ff';
const SHIPBOB_TOKEN = 'sb-pat-11223344556677889900';
const PG_PASSWORD = 'pg pass "with" quotes 42';
const SECRETS = [WOO_KEY, WOO_SECRET, WALMART_SECRET, WMS_KEY, SHIPBOB_TOKEN, PG_PASSWORD, SHOPIFY_TOKEN];
const leak = (text: string): string | null => leakOf(text, SECRETS);

/** The harness hands back the run's errors as n8n keeps them (copied, so by name and fields, not by class) */
const httpCodeOf = (e: ExecutionError | undefined): unknown => (e as { httpCode?: unknown } | undefined)?.httpCode;

function everything(e: ExecutionError | undefined): string {
	const x = e as (ExecutionError & { messages?: string[]; errorResponse?: unknown }) | undefined;
	return JSON.stringify([x?.message, x?.description, x?.messages, x?.errorResponse, x?.stack, x ? JSON.parse(JSON.stringify(x)) : null]);
}

/** The server's error: it quotes every header it got and the body, with the vendor's words first */
function refusal(status: number, words: string): (req: EchoRequest) => EchoAnswer {
	return (req: EchoRequest) => ({
		status,
		headers: status >= 500 ? { 'retry-after': '0' } : ({} as Record<string, string>),
		body: { code: 'refused', message: `${words} (you sent ${JSON.stringify(req.headers)} ${req.body})` },
	});
}

const env = useEchoServerAndStore(() => ({ status: 500, body: 'unset' }), 'api-errors');

const credentials = () => ({
	omsStoreApi: { storeType: 'sqlite', sqlitePath: env.sqlitePath },
	omsWooCommerceApi: { storeUrl: env.server.url, consumerKey: WOO_KEY, consumerSecret: WOO_SECRET },
	omsGenericWmsApi: { baseUrl: env.server.url, authHeaderName: 'X-Api-Key', authHeaderValue: WMS_KEY },
	omsShipBobApi: { authType: 'token', token: SHIPBOB_TOKEN, channelId: '1', apiVersion: '2026-01', baseUrl: env.server.url },
	omsWalmartApi: { clientId: 'wm-client-id', clientSecret: WALMART_SECRET, environment: 'sandbox', baseUrl: env.server.url },
});

async function runNode(node: Partial<INode> & Pick<INode, 'type'>, items: IDataObject[] = [{}], onError?: INode['onError']) {
	const wf = buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			{ name: 'Node', ...node, ...(onError ? { onError } : {}) },
		],
		[
			['Start', 'Items'],
			['Items', 'Node'],
		],
	);
	return runWorkflow(wf, { credentials: credentials() });
}

const marketplace = (parameters: IDataObject) => ({
	type: 'n8n-nodes-oms-wms.marketplace',
	parameters: { channel: 'woocommerce', ...parameters },
	// Set Available Quantity goes through the channel outbox in the test's store
	credentials: { omsWooCommerceApi: { id: 'woo', name: 'Woo' }, omsStoreApi: { id: 'store', name: 'Store' } },
});
const wms = (provider: 'generic' | 'shipbob', parameters: IDataObject) => ({
	type: 'n8n-nodes-oms-wms.wms',
	parameters: { provider, options: { attempts: 1, rateLimit: false }, ...parameters },
	credentials: { [provider === 'generic' ? 'omsGenericWmsApi' : 'omsShipBobApi']: { id: provider, name: provider }, omsStoreApi: { id: 'store', name: 'Store' } },
});

describe('a channel API failure', () => {
	it.each([
		[404, 'Invalid ID.'],
		[500, 'Internal server error'],
	])('%s: NodeApiError with httpCode and the vendor message, nothing secret', async (status, words) => {
		env.server.handler = refusal(status, words);
		const r = await runNode(marketplace({ operation: 'getOrder', channelOrderId: '123' }));
		const e = nodeError(r, 'Node');
		expect(e?.name).toBe('NodeApiError');
		expect(httpCodeOf(e)).toBe(String(status));
		expect(e?.description).toMatch(new RegExp(`^${words.replace('.', '\\.')} \\(you sent`));
		expect(e?.message).toMatch(new RegExp(`WooCommerce get order: GET .* answered ${status}`));
		expect(leak(everything(e))).toBeNull();
	});

	it('Set Available Quantity refused for a SKU (the batch answered 400): its error item has the status, nothing secret', async () => {
		env.server.handler = (req) => (req.path.startsWith('/wp-json/wc/v3/products/batch') ? refusal(400, 'Invalid stock quantity')(req) : { status: 200, body: [{ id: 7, sku: 'MUG' }] });
		const r = await runNode(marketplace({ operation: 'setQuantity', sku: '={{ $json.sku }}', quantity: '={{ $json.quantity }}' }), [{ sku: 'MUG', quantity: 3 }], 'continueErrorOutput');
		const [, errors] = outputsOf(r, 'Node');
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ details: { httpCode: '400' } });
		expect(String(errors[0].error)).toMatch(/SKU MUG: quantity not accepted: .*answered 400 .*Invalid stock quantity/);
		expect(leak(JSON.stringify(errors))).toBeNull();
	});

	it('with the error output: the error item says the status and the vendor words, and other items go on', async () => {
		env.server.handler = (req) => (req.path.includes('/orders/bad') ? refusal(400, 'Invalid parameter(s): id')(req) : { status: 200, body: { id: 5, status: 'processing' } });
		const r = await runNode(marketplace({ operation: 'getOrder', channelOrderId: '={{ $json.id }}' }), [{ id: 'bad' }], 'continueErrorOutput');
		const [, errors] = outputsOf(r, 'Node');
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ details: { httpCode: '400', description: expect.stringMatching(/^Invalid parameter\(s\): id/) } });
		expect(String(errors[0].error)).toMatch(/answered 400/);
		expect(leak(JSON.stringify(errors))).toBeNull();
	});
});

describe('a polling trigger whose channel refuses', () => {
	it('the poll fails with NodeApiError: the token endpoint’s status and words, nothing secret', async () => {
		env.server.handler = refusal(401, 'invalid_client');
		const wf = buildWorkflow([{ name: 'Node', type: 'n8n-nodes-oms-wms.walmartOrderTrigger', parameters: {}, credentials: { omsWalmartApi: { id: 'wm', name: 'Walmart' } } }], []);
		const r = await runWorkflow(wf, { credentials: credentials() });
		const e = nodeError(r, 'Node');
		expect(e?.name).toBe('NodeApiError');
		expect(httpCodeOf(e)).toBe('401');
		expect(e?.message).toMatch(/^Walmart poll failed: Walmart token: POST .* answered 401/);
		expect(e?.description).toMatch(/^invalid_client \(you sent/);
		expect(leak(everything(e))).toBeNull();
	});
});

describe('a webhook trigger whose channel refuses to list or register its webhooks', () => {
	/** The hook functions n8n gives a trigger's webhook lifecycle, with n8n's request helper stood in for by axios */
	function hookCtx(type: string, data: Record<string, unknown>): IHookFunctions {
		const httpRequest = async (o: Record<string, unknown>) => {
			const res = await axios.request({ method: o.method as string, url: o.url as string, headers: o.headers as Record<string, string>, params: o.qs, data: o.body, validateStatus: () => true });
			return { statusCode: res.status, headers: res.headers, body: res.data };
		};
		return {
			getNode: () => ({ id: 't', name: 'Trigger', type: 'x', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { [type]: { id: '1', name: 'c' } } }),
			getNodeParameter: (_name: string, fallback?: unknown) => fallback,
			getCredentials: async () => data,
			getWorkflowStaticData: () => ({}),
			getNodeWebhookUrl: () => 'https://n8n.example/webhook/x',
			helpers: { httpRequest },
			logger: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
		} as unknown as IHookFunctions;
	}

	it.each([
		['Shopify', 401, () => new ShopifyOrderTrigger().webhookMethods.default.checkExists, 'omsShopifyApi', () => ({ shopDomain: 'shop.example', authType: 'accessToken', accessToken: SHOPIFY_TOKEN, apiVersion: '2026-01', baseUrl: env.server.url })],
		['WooCommerce', 403, () => new WooCommerceOrderTrigger().webhookMethods.default.create, 'omsWooCommerceApi', () => ({ storeUrl: env.server.url, consumerKey: WOO_KEY, consumerSecret: WOO_SECRET })],
	] as const)('%s: activation fails with NodeApiError (%s and the vendor words), nothing secret', async (_name, status, method, type, data) => {
		env.server.handler = refusal(status, 'Access denied');
		const err = (await method()
			.call(hookCtx(type, data()))
			.catch((e: unknown) => e)) as NodeApiError;
		expect(err).toBeInstanceOf(NodeApiError);
		expect(err.httpCode).toBe(String(status));
		expect(err.description).toMatch(/^Access denied \(you sent/);
		expect(leak(everything(err as unknown as ExecutionError))).toBeNull();
	});
});

describe('a WMS API failure', () => {
	it.each([
		['generic', 400, 'Unknown warehouse'],
		['generic', 503, 'Maintenance'],
		['shipbob', 401, 'Invalid token'],
		['shipbob', 500, 'Unexpected error'],
	] as const)('%s %s: NodeApiError with httpCode and the vendor message, nothing secret', async (provider, status, words) => {
		env.server.handler = refusal(status, words);
		const r = await runNode(wms(provider, { resource: 'inventory', operation: 'getLevels' }));
		const e = nodeError(r, 'Node');
		expect(e?.name).toBe('NodeApiError');
		expect(httpCodeOf(e)).toBe(String(status));
		expect(e?.description).toMatch(new RegExp(`^${words} \\(you sent`));
		expect(leak(everything(e))).toBeNull();
	});

	it('Create refused by the WMS (4xx, recorded as failed in the outbox): NodeApiError with its status; on the error output the same', async () => {
		env.server.handler = refusal(422, 'Invalid address');
		const o = makeOrder({ channel: 'shopify', channelOrderId: `api-err-${process.pid}` });
		await env.store.recordOrder(o);
		await env.store.setStatus(o.omsId, 'ready');
		const r = await runNode(wms('generic', { resource: 'order', operation: 'create' }), [o as unknown as IDataObject]);
		const e = nodeError(r, 'Node');
		expect(e?.name).toBe('NodeApiError');
		expect(httpCodeOf(e)).toBe('422');
		expect(e?.message).toMatch(/failed at Generic REST WMS/);
		expect(e?.description).toMatch(/^Invalid address/);
		expect(leak(everything(e))).toBeNull();
		expectNoLeak('outbox row', await env.store.getDelivery(o.omsId, 1), SECRETS);

		// on the error output (another order: this one's delivery is failed now, and is not sent again)
		const o2 = makeOrder({ channel: 'shopify', channelOrderId: `api-err-${process.pid}-2` });
		await env.store.recordOrder(o2);
		await env.store.setStatus(o2.omsId, 'ready');
		const again = await runNode(wms('generic', { resource: 'order', operation: 'create' }), [o2 as unknown as IDataObject], 'continueErrorOutput');
		const [, errors] = outputsOf(again, 'Node');
		expect(errors[0]).toMatchObject({ details: { httpCode: '422', description: expect.stringMatching(/^Invalid address/) } });
		expect(leak(JSON.stringify(errors))).toBeNull();
	});
});

describe('a PostgreSQL store whose server quotes the password', () => {
	it('the node error and the store credential test carry no piece of it', async () => {
		const pg = await startEchoPostgres();
		try {
			const data = { storeType: 'postgres', host: '127.0.0.1', port: pg.port, database: 'oms', user: 'oms', password: PG_PASSWORD, ssl: 'disable' };
			const wf = buildWorkflow(
				[
					{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
					{ name: 'Node', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'get', omsId: 'shopify:1' }, credentials: { omsStoreApi: { id: 'pg', name: 'PG' } } },
				],
				[['Start', 'Node']],
			);
			const r = await runWorkflow(wf, { credentials: { omsStoreApi: data } });
			const e = nodeError(r, 'Node');
			expect(e?.message).toMatch(/password authentication failed/);
			expect(leak(everything(e))).toBeNull();
			const t = await omsStoreConnectionTest.call({} as never, { id: 'pg', name: 'PG', type: 'omsStoreApi', data } as never);
			expect(t.status).toBe('Error');
			expect(t.message).toMatch(/password authentication failed/);
			expect(leak(t.message)).toBeNull();
		} finally {
			await pg.close();
		}
	});
});

describe('nodeError (the one conversion at the adapter edge)', () => {
	const node = { id: 'n', name: 'Node', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
	it('also redacts the words n8n puts around a transport failure (its message for ECONNREFUSED)', () => {
		const ctx = { getNode: () => node };
		// an unlucky secret: words of n8n's own message for ECONNREFUSED
		rememberSecrets(ctx, ['refused the connection']);
		const e = toNodeError(ctx, new HttpError({ message: 'GET https://wms.test/x failed: ECONNREFUSED', status: 0, method: 'GET', url: 'https://wms.test/x', code: 'ECONNREFUSED' }));
		expect(e.name).toBe('NodeApiError');
		expect(`${e.message} ${e.description ?? ''} ${e.messages.join(' ')}`).not.toContain('refused the connection');
	});
	it('an error that is not an API failure is a NodeOperationError, redacted', () => {
		const ctx = { getNode: () => node };
		rememberSecrets(ctx, [PG_PASSWORD]);
		const e = toNodeError(ctx, new Error(`bad config: ${PG_PASSWORD}`), 3);
		expect(e.name).toBe('NodeOperationError');
		expect(e.message).toBe('bad config: ***');
		expect(e.context.itemIndex).toBe(3);
	});
});
