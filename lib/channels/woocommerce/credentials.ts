/** What the WooCommerce client needs to call the API (its credential's data mapped by wooCommerceCredentialsFrom). */
import { str, type CredentialData } from '../../http/credential-data';

export interface WooCommerceCredentials {
	/** https://store.example.com */
	storeUrl: string;
	consumerKey: string;
	consumerSecret: string;
	/** Send keys as query parameters when the host strips Authorization */
	queryStringAuth?: boolean;
	/** Use the Shipment Tracking extension endpoint when confirming shipments (default true) */
	shipmentTracking?: boolean;
	/** Secret WooCommerce signs webhook deliveries with (X-WC-Webhook-Signature); set on the webhooks the trigger registers */
	webhookSecret?: string;
	baseUrl?: string;
}

/** The WooCommerce credential's data (omsWooCommerceApi) -> the client's credentials */
export function wooCommerceCredentialsFrom(data: CredentialData): WooCommerceCredentials {
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
