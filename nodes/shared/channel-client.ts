/**
 * Credential data (what the Shopify / WooCommerce credential forms store) -> the client credentials of
 * lib/channels/types.ts, and the clients nodes use, on n8n's request helper (lib/http/n8n.ts).
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	INodeCredentialTestResult,
	IWebhookFunctions,
	IExecuteFunctions,
	IPollFunctions,
} from 'n8n-workflow';
import { createN8nRequest } from '../../lib/http/n8n';
import type { HttpRequestFn } from '../../lib/http/types';
import { ShopifyClient, WooCommerceClient } from '../../lib/channels/clients';
import type { ClientOptions, ShopifyCredentials, WooCommerceCredentials } from '../../lib/channels/types';
import { WooCommerceWebhooks } from '../../lib/channels/woocommerce/webhooks';
import { credentialData, safeTest } from './errors';

type Data = ICredentialDataDecryptedObject | Record<string, unknown>;
type Ctx = IHookFunctions | IWebhookFunctions | IExecuteFunctions | IPollFunctions;

function str(v: unknown): string | undefined {
	return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function shopifyCredentialsFrom(data: Data): ShopifyCredentials {
	const shopDomain = str(data.shopDomain);
	if (!shopDomain) throw new Error('The Shopify credential needs the shop domain');
	const clientCredentials = data.authType === 'clientCredentials';
	const clientSecret = clientCredentials ? str(data.clientSecret) : undefined;
	return {
		shopDomain,
		accessToken: clientCredentials ? undefined : str(data.accessToken),
		clientId: clientCredentials ? str(data.clientId) : undefined,
		clientSecret,
		// the app's client secret signs its webhooks; a separate field for apps whose secret is not entered above
		appSecret: str(data.webhookSecret) ?? clientSecret,
		apiVersion: str(data.apiVersion),
		locationId: str(data.locationId),
		baseUrl: str(data.baseUrl),
	};
}

export function wooCommerceCredentialsFrom(data: Data): WooCommerceCredentials {
	const storeUrl = str(data.storeUrl);
	const consumerKey = str(data.consumerKey);
	const consumerSecret = str(data.consumerSecret);
	if (!storeUrl || !consumerKey || !consumerSecret) throw new Error('The WooCommerce credential needs the store URL, consumer key and consumer secret');
	return {
		storeUrl,
		consumerKey,
		consumerSecret,
		queryStringAuth: data.queryStringAuth === true,
		shipmentTracking: data.shipmentTracking !== false,
		webhookSecret: str(data.webhookSecret),
		baseUrl: str(data.baseUrl),
	};
}

/** The HttpRequestFn on this node's helpers.httpRequest */
export function n8nRequest(ctx: { helpers: { httpRequest(o: IHttpRequestOptions): Promise<unknown> } }): HttpRequestFn {
	return createN8nRequest((o) => ctx.helpers.httpRequest(o as unknown as IHttpRequestOptions));
}

export async function shopifyFromNode(ctx: Ctx, opts: ClientOptions = {}): Promise<{ creds: ShopifyCredentials; client: ShopifyClient }> {
	const creds = shopifyCredentialsFrom(await credentialData(ctx, 'omsShopifyApi'));
	return { creds, client: new ShopifyClient(creds, n8nRequest(ctx), opts) };
}

export async function wooCommerceFromNode(
	ctx: Ctx,
	opts: ClientOptions = {},
): Promise<{ creds: WooCommerceCredentials; client: WooCommerceClient; webhooks: WooCommerceWebhooks }> {
	const creds = wooCommerceCredentialsFrom(await credentialData(ctx, 'omsWooCommerceApi'));
	const request = n8nRequest(ctx);
	return { creds, client: new WooCommerceClient(creds, request, opts), webhooks: new WooCommerceWebhooks(creds, request, opts) };
}

/**
 * The request function inside a credential test: ICredentialTestFunctions only has the legacy `helpers.request`
 * (n8n's request-compatible adapter over its own HTTP stack), so translate the helper-style options to it.
 */
export function credentialTestRequest(ctx: ICredentialTestFunctions): HttpRequestFn {
	return createN8nRequest(async (o) => {
		const legacy: Record<string, unknown> = {
			uri: o.url,
			method: o.method,
			headers: o.headers,
			qs: o.qs,
			qsStringifyOptions: { arrayFormat: 'repeat' },
			resolveWithFullResponse: true,
			simple: false,
			timeout: o.timeout,
		};
		if (o.body !== undefined) legacy.body = o.body;
		if (o.json) legacy.json = true;
		return await ctx.helpers.request(legacy);
	});
}

/**
 * credentialTest for omsShopifyApi: node-side (the client-credentials grant exchanges a token first), a `shop { name }`
 * query through the real client. The message never contains a secret (the client redacts them).
 */
export async function shopifyApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return safeTest('omsShopifyApi', credential, async (data) => {
		const creds = shopifyCredentialsFrom(data);
		const client = new ShopifyClient(creds, credentialTestRequest(this), { retry: { maxAttempts: 2 } });
		const r = await client.testCredentials();
		return { status: r.ok ? 'OK' : 'Error', message: r.message };
	});
}

/**
 * credentialTest for omsWooCommerceApi: GET /orders?per_page=1 through the pack's client (Basic auth from the keys,
 * or query-string keys when the credential says so), on n8n's credential-test request helper.
 */
export async function wooCommerceApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return safeTest('omsWooCommerceApi', credential, async (data) => {
		const client = new WooCommerceClient(wooCommerceCredentialsFrom(data), credentialTestRequest(this), { retry: { maxAttempts: 2 } });
		const r = await client.testCredentials();
		return { status: r.ok ? 'OK' : 'Error', message: r.message };
	});
}
