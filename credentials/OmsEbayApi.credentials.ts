import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * eBay Sell APIs (Fulfillment, Inventory) with an OAuth user refresh token. Fields map 1:1 to EbayCredentials
 * (lib/channels/types.ts) through nodes/shared/channels.ts. The access token is minted from the refresh token
 * (two hours, cached per credential), so the test is node-side: `ebayApiTest` in nodes/shared/channels.ts calls
 * GET /sell/fulfillment/v1/order?limit=1.
 */
export class OmsEbayApi implements ICredentialType {
	name = 'omsEbayApi';

	displayName = 'eBay API';

	icon = { light: 'file:../nodes/EbayOrderTrigger/ebayOrderTrigger.svg', dark: 'file:../nodes/EbayOrderTrigger/ebayOrderTrigger.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsEbayApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production' },
				{ name: 'Sandbox', value: 'sandbox' },
			],
			default: 'production',
		},
		{
			displayName: 'App ID (Client ID)',
			name: 'appId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Cert ID (Client Secret)',
			name: 'certId',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The user refresh token from the authorization-code grant (valid 18 months)',
		},
		{
			displayName: 'Scopes',
			name: 'scopes',
			type: 'string',
			default: 'https://api.ebay.com/oauth/api_scope/sell.fulfillment https://api.ebay.com/oauth/api_scope/sell.inventory',
			description: 'Space-separated OAuth scopes; must be a subset of those the refresh token was granted',
		},
		{
			displayName: 'Marketplace ID',
			name: 'marketplaceId',
			type: 'string',
			default: 'EBAY_US',
			description: 'Marketplace for inventory calls (X-EBAY-C-MARKETPLACE-ID), e.g. EBAY_US, EBAY_GB, EBAY_DE',
		},
		{
			displayName: 'Base URL (Advanced)',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.ebay.com',
			description:
				'Leave empty for eBay’s API host of the environment; set it to talk to a sandbox or proxy',
		},
		{
			displayName: 'Token URL (Advanced)',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.ebay.com/identity/v1/oauth2/token',
			description: 'Leave empty for {Base URL}/identity/v1/oauth2/token (or the environment’s token endpoint)',
		},
	];
}
