import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Walmart Marketplace (US) API with client-credentials tokens. Fields map 1:1 to WalmartCredentials
 * (lib/channels/types.ts) through nodes/shared/channels.ts. Tokens come from POST /v3/token (15 minutes, cached
 * per credential), so the test is node-side: `walmartApiTest` in nodes/shared/channels.ts fetches a token and
 * reads one order (GET /v3/orders?limit=1).
 */
export class OmsWalmartApi implements ICredentialType {
	name = 'omsWalmartApi';

	displayName = 'Walmart Marketplace API';

	icon = { light: 'file:../nodes/WalmartOrderTrigger/walmartOrderTrigger.svg', dark: 'file:../nodes/WalmartOrderTrigger/walmartOrderTrigger.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsWalmartApi.md';

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
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Service Name (WM_SVC.NAME)',
			name: 'serviceName',
			type: 'string',
			default: 'Walmart Marketplace',
		},
		{
			displayName: 'Base URL (Advanced)',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://marketplace.walmartapis.com',
			description: 'Leave empty for Walmart’s API host of the environment; set it to talk to a sandbox or proxy',
		},
	];
}
