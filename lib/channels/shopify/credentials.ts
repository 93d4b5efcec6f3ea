/** What the Shopify client needs to call the API (its credential's data mapped by shopifyCredentialsFrom). */
import { str, type CredentialData } from '../../http/credential-data';

export interface ShopifyCredentials {
	/** e.g. my-store.myshopify.com */
	shopDomain: string;
	/** Static offline token (shpat_...) — or leave empty and give clientId/clientSecret for the client-credentials grant */
	accessToken?: string;
	clientId?: string;
	clientSecret?: string;
	/** Webhook signing secret (the app's client secret) */
	appSecret?: string;
	/** Admin API version, e.g. 2026-01 */
	apiVersion?: string;
	/** Location whose available quantity Set Available Quantity writes (gid or numeric id); default: first location */
	locationId?: string;
	baseUrl?: string;
}

/** The Shopify credential's data (omsShopifyApi) -> the client's credentials */
export function shopifyCredentialsFrom(data: CredentialData): ShopifyCredentials {
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
