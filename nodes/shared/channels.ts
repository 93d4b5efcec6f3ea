/**
 * Channel glue shared by the polling triggers and the Marketplace node: which n8n credential belongs to which
 * channel, credential data -> the client credential shapes of lib/channels/types.ts (1:1 field names), building a
 * client on n8n's request helper (createN8nRequest over this.helpers.httpRequest) with a stable credentialId so the
 * process-wide token cache and rate limiters are shared by every node using the same credential, and the node-side
 * credential tests (n8n's declarative `test` request cannot do a token exchange first).
 *
 * The Shopify and WooCommerce credential types (shopifyApi, wooCommerceApi) are defined by their own files; this
 * module only maps their data by the field names of ShopifyCredentials / WooCommerceCredentials.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialTestResult,
	IPollFunctions,
} from 'n8n-workflow';
import { createChannelClient } from '../../lib/channels/clients';
import type {
	AmazonCredentials,
	ChannelClient,
	ChannelName,
	ClientOptions,
	EbayCredentials,
	ShopifyCredentials,
	WalmartCredentials,
	WooCommerceCredentials,
} from '../../lib/channels/types';
import { createN8nRequest } from '../../lib/http/n8n';
import type { HttpRequestFn } from '../../lib/http/types';

export const CHANNEL_CREDENTIAL: Record<ChannelName, string> = {
	shopify: 'shopifyApi',
	amazon: 'amazonSpApi',
	ebay: 'ebayApi',
	woocommerce: 'wooCommerceApi',
	walmart: 'walmartApi',
};

export const CHANNEL_LABEL: Record<ChannelName, string> = {
	shopify: 'Shopify',
	amazon: 'Amazon',
	ebay: 'eBay',
	woocommerce: 'WooCommerce',
	walmart: 'Walmart',
};

export function isChannel(v: unknown): v is ChannelName {
	return typeof v === 'string' && Object.prototype.hasOwnProperty.call(CHANNEL_CREDENTIAL, v);
}

type Data = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** "A, B" / ["A","B"] -> ["A","B"] */
function list(v: unknown): string[] {
	if (Array.isArray(v)) return v.map(String).map((s) => s.trim()).filter(Boolean);
	if (typeof v === 'string') return v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
	return [];
}

function required(channel: ChannelName, d: Data, fields: string[]): void {
	const missing = fields.filter((f) => str(d[f]) === undefined && !(Array.isArray(d[f]) && (d[f] as unknown[]).length));
	if (missing.length) throw new Error(`${CHANNEL_LABEL[channel]} credential is missing ${missing.join(', ')}`);
}

/** n8n credential data -> the lib client credential of the channel (throws naming the missing fields). */
export function clientCredentials(channel: 'amazon', d: Data): AmazonCredentials;
export function clientCredentials(channel: 'ebay', d: Data): EbayCredentials;
export function clientCredentials(channel: 'walmart', d: Data): WalmartCredentials;
export function clientCredentials(channel: ChannelName, d: Data): unknown;
export function clientCredentials(channel: ChannelName, d: Data): unknown {
	switch (channel) {
		case 'amazon': {
			required(channel, d, ['lwaClientId', 'lwaClientSecret', 'refreshToken', 'sellerId']);
			const marketplaceIds = list(d.marketplaceIds);
			if (!marketplaceIds.length) throw new Error('Amazon credential is missing marketplaceIds');
			const region = str(d.region);
			const c: AmazonCredentials = {
				lwaClientId: str(d.lwaClientId)!,
				lwaClientSecret: str(d.lwaClientSecret)!,
				refreshToken: str(d.refreshToken)!,
				region: region === 'eu' || region === 'fe' ? region : 'na',
				marketplaceIds,
				sellerId: str(d.sellerId)!,
				productType: str(d.productType),
				baseUrl: str(d.baseUrl),
				lwaUrl: str(d.lwaUrl),
			};
			return c;
		}
		case 'ebay': {
			required(channel, d, ['appId', 'certId', 'refreshToken']);
			const c: EbayCredentials = {
				appId: str(d.appId)!,
				certId: str(d.certId)!,
				refreshToken: str(d.refreshToken)!,
				scopes: list(d.scopes).length ? list(d.scopes) : undefined,
				environment: d.environment === 'sandbox' ? 'sandbox' : 'production',
				marketplaceId: str(d.marketplaceId),
				baseUrl: str(d.baseUrl),
			};
			return c;
		}
		case 'walmart': {
			required(channel, d, ['clientId', 'clientSecret']);
			const c: WalmartCredentials = {
				clientId: str(d.clientId)!,
				clientSecret: str(d.clientSecret)!,
				serviceName: str(d.serviceName),
				environment: d.environment === 'sandbox' ? 'sandbox' : 'production',
				baseUrl: str(d.baseUrl),
			};
			return c;
		}
		case 'shopify': {
			required(channel, d, ['shopDomain']);
			const c: ShopifyCredentials = {
				shopDomain: str(d.shopDomain)!,
				accessToken: str(d.accessToken),
				clientId: str(d.clientId),
				clientSecret: str(d.clientSecret),
				appSecret: str(d.appSecret),
				apiVersion: str(d.apiVersion),
				locationId: str(d.locationId),
				baseUrl: str(d.baseUrl),
			};
			return c;
		}
		case 'woocommerce': {
			required(channel, d, ['storeUrl', 'consumerKey', 'consumerSecret']);
			const c: WooCommerceCredentials = {
				storeUrl: str(d.storeUrl)!,
				consumerKey: str(d.consumerKey)!,
				consumerSecret: str(d.consumerSecret)!,
				queryStringAuth: bool(d.queryStringAuth),
				shipmentTracking: bool(d.shipmentTracking),
				baseUrl: str(d.baseUrl),
			};
			return c;
		}
	}
}

type Ctx = IExecuteFunctions | IPollFunctions;

/** The request function nodes use: n8n's helpers.httpRequest (proxies, outbound settings), never axios. */
export function nodeRequest(ctx: Ctx): HttpRequestFn {
	return createN8nRequest((o) => ctx.helpers.httpRequest(o as never));
}

/**
 * A client for `channel` from the node's credential of that channel. The credential id (stable across executions)
 * keys the shared token cache and limiters, so two nodes on one seller account share one rate budget.
 */
export async function channelClient(ctx: Ctx, channel: ChannelName, opts: ClientOptions = {}): Promise<ChannelClient> {
	const name = CHANNEL_CREDENTIAL[channel];
	const data = (await ctx.getCredentials(name)) as Data;
	const ref = ctx.getNode().credentials?.[name];
	const credentialId = ref?.id ? `${name}:${ref.id}` : undefined;
	return createChannelClient(channel, clientCredentials(channel, data), nodeRequest(ctx), { credentialId, ...opts });
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

async function testChannel(ctx: ICredentialTestFunctions, channel: ChannelName, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	try {
		const creds = clientCredentials(channel, (credential.data ?? {}) as Data);
		const client = createChannelClient(channel, creds, credentialTestRequest(ctx), {
			credentialId: `${CHANNEL_CREDENTIAL[channel]}:test:${credential.id ?? 'new'}`,
			retry: { maxAttempts: 2 },
		});
		const r = await client.testCredentials();
		return { status: r.ok ? 'OK' : 'Error', message: r.message };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}

export async function amazonSpApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testChannel(this, 'amazon', credential);
}
export async function ebayApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testChannel(this, 'ebay', credential);
}
export async function walmartApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testChannel(this, 'walmart', credential);
}
export async function shopifyApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testChannel(this, 'shopify', credential);
}
export async function wooCommerceApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testChannel(this, 'woocommerce', credential);
}
