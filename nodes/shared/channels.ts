/**
 * Channel glue shared by the polling triggers and the Marketplace node: which n8n credential belongs to which
 * channel, credential data -> the client credential shapes of lib/channels/types.ts (1:1 field names), building a
 * client on n8n's request helper (createN8nRequest over this.helpers.httpRequest) with a stable credentialId so the
 * process-wide token cache and rate limiters are shared by every node using the same credential, and the node-side
 * credential tests (n8n's declarative `test` request cannot do a token exchange first).
 *
 * The Shopify and WooCommerce credential types (omsShopifyApi, omsWooCommerceApi) and their data mapping and tests are the
 * webhook triggers' (nodes/shared/channel-client.ts); clientCredentials() delegates to that mapping.
 */
import {
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type IPollFunctions,
} from 'n8n-workflow';
import { createChannelClient } from '../../lib/channels/clients';
import type {
	AmazonCredentials,
	ChannelClient,
	ChannelName,
	ClientOptions,
	EbayCredentials,
	WalmartCredentials,
} from '../../lib/channels/types';
import { credentialTestRequest, shopifyCredentialsFrom, wooCommerceCredentialsFrom } from './channel-client';
import { createN8nRequest } from '../../lib/http/n8n';
import type { HttpRequestFn } from '../../lib/http/types';
import { TokenCache } from '../../lib/http/token-cache';
import { LimiterRegistry } from '../../lib/http/limiters';
import { credentialData, nodeError, safeTest } from './errors';

export const CHANNEL_CREDENTIAL: Record<ChannelName, string> = {
	shopify: 'omsShopifyApi',
	amazon: 'omsAmazonSpApi',
	ebay: 'omsEbayApi',
	woocommerce: 'omsWooCommerceApi',
	walmart: 'omsWalmartApi',
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
				tokenUrl: str(d.tokenUrl),
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
		// the Shopify and WooCommerce forms belong to their credential files; their mapping lives next to them
		case 'shopify':
			return shopifyCredentialsFrom(d);
		case 'woocommerce':
			return wooCommerceCredentialsFrom(d);
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
	if (!ctx.getNode().credentials?.[name]) {
		throw new NodeOperationError(ctx.getNode(), `Select a ${CHANNEL_LABEL[channel]} credential (${name}) on this node`);
	}
	const data = (await credentialData(ctx, name)) as Data;
	const ref = ctx.getNode().credentials?.[name];
	const credentialId = ref?.id ? `${name}:${ref.id}` : undefined;
	let creds: unknown;
	try {
		creds = clientCredentials(channel, data);
	} catch (error) {
		throw nodeError(ctx, error);
	}
	return createChannelClient(channel, creds, nodeRequest(ctx), { credentialId, ...opts });
}

async function testChannel(ctx: ICredentialTestFunctions, channel: ChannelName, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return safeTest(CHANNEL_CREDENTIAL[channel], credential, async (data) => {
		const creds = clientCredentials(channel, data);
		// a fresh token cache: a test must really exchange these secrets, not reuse a token cached for the same refresh token
		const client = createChannelClient(channel, creds, credentialTestRequest(ctx), {
			tokens: new TokenCache(),
			limiters: new LimiterRegistry(),
			credentialId: `${CHANNEL_CREDENTIAL[channel]}:test:${credential.id ?? 'new'}`,
			retry: { maxAttempts: 2 },
		});
		const r = await client.testCredentials();
		return { status: r.ok ? 'OK' : 'Error', message: r.message };
	});
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
