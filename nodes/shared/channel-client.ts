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
import { credentialTestRequest } from './channels';

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
 * credentialTest for omsShopifyApi: node-side (the client-credentials grant exchanges a token first), a `shop { name }`
 * query through the real client. The message never contains a secret (the client redacts them).
 */
export async function shopifyApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return safeTest('omsShopifyApi', credential, async (data) => {
		const creds = shopifyCredentialsFrom(data);
		// credential tests get n8n's legacy request helper only: the same call in its option names
		const legacy = createN8nRequest((o) =>
			// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions -- ICredentialTestFunctions offers no httpRequest
			this.helpers.request({
				uri: o.url,
				method: o.method,
				headers: o.headers,
				qs: o.qs,
				body: o.body,
				json: o.json === true,
				timeout: o.timeout,
				resolveWithFullResponse: true,
				simple: false,
			}),
		);
		const client = new ShopifyClient(creds, legacy, { retry: { maxAttempts: 2 } });
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
