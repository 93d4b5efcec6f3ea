import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * ShipBob API (2026-01). Fields map 1:1 to ShipBobConfig (lib/wms/shipbob) through nodes/shared/wms.ts. Every call
 * sends the token as a bearer and the channel id as `shipbob_channel_id`; the test is node-side (`shipBobApiTest`):
 * GET /channel, and the channel id must be one of the token's channels.
 */
export class OmsShipBobApi implements ICredentialType {
	name = 'omsShipBobApi';

	displayName = 'ShipBob API';

	icon = { light: 'file:../nodes/Wms/wms.svg', dark: 'file:../nodes/Wms/wms.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsShipBobApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'Personal Access Token', value: 'token' },
				{ name: 'OAuth Access Token', value: 'oauthToken' },
			],
			default: 'token',
			description: 'A Personal Access Token from ShipBob’s Integrations page, or an access token your ShipBob app obtained by OAuth',
		},
		{
			displayName: 'Personal Access Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['token'] } },
		},
		{
			displayName: 'OAuth Access Token',
			name: 'oauthToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['oauthToken'] } },
		},
		{
			displayName: 'Channel ID',
			name: 'channelId',
			type: 'string',
			default: '',
			required: true,
			description: 'The ShipBob channel orders are created under (GET /channel lists them; use the one with write scopes)',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: '2026-01',
			description: 'The dated API version in the path',
		},
		{
			displayName: 'Base URL (Advanced)',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.shipbob.com',
			description: 'Leave empty for ShipBob’s production API; https://sandbox-api.shipbob.com for ShipBob’s sandbox, or a test server',
		},
	];
}
