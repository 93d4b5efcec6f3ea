import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A WMS with a plain REST API and no provider of its own. Fields map 1:1 to GenericConfig (lib/wms/generic) through
 * nodes/shared/wms.ts; paths, the order body, answer fields and status words are set in the wms node. The test is
 * node-side (`genericWmsApiTest`): a GET of the test path (default the inventory path, /inventory) with the header.
 */
export class OmsGenericWmsApi implements ICredentialType {
	name = 'omsGenericWmsApi';

	displayName = 'Generic REST WMS API';

	icon = { light: 'file:../nodes/Wms/wms.svg', dark: 'file:../nodes/Wms/wms.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsGenericWmsApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://wms.example.com/api',
		},
		{
			displayName: 'Auth Header Name',
			name: 'authHeaderName',
			type: 'string',
			default: 'X-Api-Key',
			required: true,
			description: 'e.g. X-Api-Key, or Authorization',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the header value is the API key or bearer token
		{
			displayName: 'Auth Header Value',
			name: 'authHeaderValue',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The key, or e.g. "Bearer <token>" for an Authorization header',
		},
		{
			displayName: 'Test Path',
			name: 'testPath',
			type: 'string',
			default: '',
			placeholder: '/inventory',
			description: 'A GET path the credential test reads; empty: /inventory',
		},
	];
}
