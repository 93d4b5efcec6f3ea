import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Amazon Selling Partner API (SP-API) with Login with Amazon (LWA). Fields map 1:1 to AmazonCredentials
 * (lib/channels/types.ts) through nodes/shared/channels.ts. The access token is fetched from the LWA token endpoint
 * with the refresh token (one hour, cached per credential), so the test is node-side: `amazonSpApiTest` in
 * nodes/shared/channels.ts calls GET /sellers/v1/marketplaceParticipations, the cheapest real call.
 */
export class OmsAmazonSpApi implements ICredentialType {
	name = 'omsAmazonSpApi';

	displayName = 'Amazon Selling Partner API';

	icon = { light: 'file:../nodes/AmazonOrderTrigger/amazonOrderTrigger.svg', dark: 'file:../nodes/AmazonOrderTrigger/amazonOrderTrigger.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsAmazonSpApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'LWA Client ID',
			name: 'lwaClientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'amzn1.application-oa2-client.…',
			description: 'The Login with Amazon client identifier of your SP-API application (Developer Central)',
		},
		{
			displayName: 'LWA Client Secret',
			name: 'lwaClientSecret',
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
			placeholder: 'Atzr|…',
			description: 'The LWA refresh token you got when the seller authorised the application',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'North America (sellingpartnerapi-na)', value: 'na' },
				{ name: 'Europe (sellingpartnerapi-eu)', value: 'eu' },
				{ name: 'Far East (sellingpartnerapi-fe)', value: 'fe' },
			],
			default: 'na',
		},
		{
			displayName: 'Marketplace IDs',
			name: 'marketplaceIds',
			type: 'string',
			default: 'ATVPDKIKX0DER',
			required: true,
			description: 'Comma-separated marketplace IDs (ATVPDKIKX0DER is amazon.com). The first one is used for shipment confirmations.',
		},
		{
			displayName: 'Seller ID',
			name: 'sellerId',
			type: 'string',
			default: '',
			required: true,
			description: 'Your merchant token (Seller Central, Settings, Account Info, Merchant Token); used for listings (quantity) updates',
		},
		{
			displayName: 'Listings Product Type',
			name: 'productType',
			type: 'string',
			default: 'PRODUCT',
			description: 'The product type sent with listings patches when setting available quantities',
		},
		{
			displayName: 'Base URL (Advanced)',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://sellingpartnerapi-na.amazon.com',
			description: 'Leave empty to use the region’s SP-API host; set it to talk to a sandbox or proxy',
		},
		{
			displayName: 'LWA Token URL (Advanced)',
			name: 'lwaUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.amazon.com/auth/o2/token',
			description: 'Leave empty for Amazon’s token endpoint (or {Base URL}/auth/o2/token when a base URL is set)',
		},
	];
}
