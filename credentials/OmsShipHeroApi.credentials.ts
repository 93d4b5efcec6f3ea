import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * ShipHero public API (GraphQL). Fields map 1:1 to ShipHeroConfig (lib/wms/shiphero) through nodes/shared/wms.ts.
 * Tokens come from POST /auth/token (username and password) or POST /auth/refresh (a refresh token), are cached
 * to expiry and renewed on a 401. The test is node-side (`shipHeroApiTest`): a token, then a GraphQL `account` query.
 */
export class OmsShipHeroApi implements ICredentialType {
	name = 'omsShipHeroApi';

	displayName = 'ShipHero API';

	icon = { light: 'file:../nodes/Wms/wms.svg', dark: 'file:../nodes/Wms/wms.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsShipHeroApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'Username and Password', value: 'password' },
				{ name: 'Refresh Token', value: 'refreshToken' },
			],
			default: 'password',
			description: 'The user’s login (exchanged at ShipHero’s /auth/token), or a refresh token ShipHero gave for it',
		},
		{
			displayName: 'Username (Email)',
			name: 'username',
			type: 'string',
			placeholder: 'ops@example.com',
			default: '',
			required: true,
			displayOptions: { show: { authType: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['password'] } },
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['refreshToken'] } },
		},
		{
			displayName: 'Shop Name',
			name: 'shopName',
			type: 'string',
			default: 'OMS',
			description: 'The store name orders are filed under in ShipHero',
		},
		{
			displayName: 'Base URL (Advanced)',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://public-api.shiphero.com',
			description: 'Leave empty for ShipHero’s API (token at /auth/token, GraphQL at /graphql); set it to talk to a test server',
		},
	];
}
