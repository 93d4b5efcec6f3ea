import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Extensiv 3PL Warehouse Manager REST API. Fields map 1:1 to ExtensivConfig (lib/wms/extensiv) through
 * nodes/shared/wms.ts. Tokens: POST /AuthServer/api/Token, client_credentials with Basic client id:secret, the
 * user login id and the 3PL key (tpl); cached to expiry. The test is node-side (`extensivApiTest`): a token, then
 * one order read for the customer.
 */
export class OmsExtensivApi implements ICredentialType {
	name = 'omsExtensivApi';

	displayName = 'Extensiv 3PL Warehouse Manager API';

	icon = { light: 'file:../nodes/Wms/wms.svg', dark: 'file:../nodes/Wms/wms.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsExtensivApi.md';

	properties: INodeProperties[] = [
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
			displayName: 'User Login ID',
			name: 'userLoginId',
			type: 'string',
			default: '',
			required: true,
			description: 'The numeric id of the Warehouse Manager user the integration acts as',
		},
		{
			displayName: '3PL Key (TPL)',
			name: 'tpl',
			type: 'string',
			default: '',
			placeholder: '{00000000-0000-0000-0000-000000000000}',
			description: 'The warehouse’s 3PL GUID, in braces, when the 3PL gave you one',
		},
		{
			displayName: 'Customer ID',
			name: 'customerId',
			type: 'number',
			default: 0,
			required: true,
			description: 'The seller’s customer id in the 3PL’s Warehouse Manager',
		},
		{
			displayName: 'Facility ID',
			name: 'facilityId',
			type: 'number',
			default: 0,
			required: true,
			description: 'The warehouse (facility) orders are created in',
		},
		{
			displayName: 'Base URL (Advanced)',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://secure-wms.com',
			description: 'Leave empty for Extensiv’s API; set it to talk to a test server',
		},
		{
			displayName: 'Token URL (Advanced)',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: 'https://secure-wms.com/AuthServer/api/Token',
			description: 'Leave empty for /AuthServer/api/Token on the base URL',
		},
	];
}
