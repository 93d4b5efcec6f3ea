/**
 * The Shopify and WooCommerce clients the webhook triggers need as their own classes (webhook registration,
 * signatures), built from the node's credential on n8n's request helper (lib/http/n8n.ts). The credential data
 * mapping lives with each channel (lib/channels/<channel>/credentials.ts), the credential tests come from the
 * registry (nodes/shared/channels.ts).
 */
import type { IHookFunctions, IWebhookFunctions, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { ShopifyClient, WooCommerceClient } from '../../lib/channels/clients';
import { shopifyCredentialsFrom, type ShopifyCredentials } from '../../lib/channels/shopify/credentials';
import { wooCommerceCredentialsFrom, type WooCommerceCredentials } from '../../lib/channels/woocommerce/credentials';
import type { ClientOptions } from '../../lib/channels/types';
import { WooCommerceWebhooks } from '../../lib/channels/woocommerce/webhooks';
import { CHANNEL_CREDENTIAL_TESTS, n8nRequest } from './channels';
import { credentialData } from './errors';

export { shopifyCredentialsFrom } from '../../lib/channels/shopify/credentials';
export { wooCommerceCredentialsFrom } from '../../lib/channels/woocommerce/credentials';
export { credentialTestRequest, n8nRequest } from './channels';

type Ctx = IHookFunctions | IWebhookFunctions | IExecuteFunctions | IPollFunctions;

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

/** credentialTest for omsShopifyApi: a `shop { name }` query through the real client (node-side: the client-credentials grant exchanges a token first) */
export const shopifyApiTest = CHANNEL_CREDENTIAL_TESTS.shopifyApiTest;

/** credentialTest for omsWooCommerceApi: GET /orders?per_page=1 through the pack's client */
export const wooCommerceApiTest = CHANNEL_CREDENTIAL_TESTS.wooCommerceApiTest;
