import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Shopify Admin API (GraphQL) for one shop. Two ways in: a static Admin API access token (a custom app's
 * shpat_… token), or the client-credentials grant with the app's client ID and secret (the token is fetched,
 * cached and renewed by the node; lib/channels/shopify/auth.ts). Webhook deliveries are signed with the app's
 * client secret: set "Webhook Signing Secret" when the client secret is not entered (access-token apps), or when
 * it differs. Tested by nodes/shared/channel-client.ts shopifyApiTest (`query { shop { name } }`), node-side because
 * the client-credentials grant needs a token exchange first.
 */
export class OmsShopifyApi implements ICredentialType {
	name = 'omsShopifyApi';

	displayName = 'Shopify (OMS) API';

	icon = { light: 'file:../nodes/ShopifyOrderTrigger/shopifyOrderTrigger.svg', dark: 'file:../nodes/ShopifyOrderTrigger/shopifyOrderTrigger.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsShopifyApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Shop Domain',
			name: 'shopDomain',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'my-store.myshopify.com',
			description: 'The shop’s myshopify.com domain (the subdomain alone also works)',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'Access Token', value: 'accessToken', description: 'A custom app’s Admin API access token (shpat_…)' },
				{ name: 'Client Credentials', value: 'clientCredentials', description: 'The app’s client ID and secret; the node fetches and renews the token' },
			],
			default: 'accessToken',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['accessToken'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { authType: ['clientCredentials'] } },
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The app’s client secret (API secret key). Shopify also signs the app’s webhooks with it.',
			displayOptions: { show: { authType: ['clientCredentials'] } },
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The secret Shopify signs webhook deliveries with (X-Shopify-Hmac-Sha256): the app’s client secret / API secret key. Leave empty to use the Client Secret above. Needed by the Shopify Order Trigger.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: '2026-07',
			placeholder: '2026-07',
			description: 'Admin API version (YYYY-MM, a supported stable version)',
		},
		{
			displayName: 'Location ID',
			name: 'locationId',
			type: 'string',
			default: '',
			description: 'Location whose available quantity Set Available Quantity writes (numeric ID or gid). Empty: the shop’s first location.',
		},
		{
			displayName: 'Base URL (Advanced)',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://my-store.myshopify.com',
			description: 'Only to reach a different host (a proxy or a test sandbox). Empty: https://{shop domain}.',
		},
	];
}
