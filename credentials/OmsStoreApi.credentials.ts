import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Where the OMS keeps its orders, stock and decisions. Optional: without it every OMS node uses the embedded SQLite
 * store in the n8n user folder. Choose PostgreSQL for n8n queue mode (several workers), with the same credential on
 * every node. Tested by opening the store (nodes/shared/store.ts omsStoreConnectionTest).
 */
export class OmsStoreApi implements ICredentialType {
	name = 'omsStoreApi';

	displayName = 'OMS Store';

	icon = { light: 'file:../nodes/OmsOrder/omsOrder.svg', dark: 'file:../nodes/OmsOrder/omsOrder.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsStoreApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Store Type',
			name: 'storeType',
			type: 'options',
			options: [
				{
					name: 'SQLite File (One Host)',
					value: 'sqlite',
					description: 'An embedded database file; safe for several n8n processes on one host, not for queue mode across hosts',
				},
				{
					name: 'PostgreSQL (Queue Mode)',
					value: 'postgres',
					description: 'A PostgreSQL database shared by every n8n process',
				},
			],
			default: 'sqlite',
		},
		{
			displayName: 'SQLite File Path',
			name: 'sqlitePath',
			type: 'string',
			default: '',
			placeholder: '/home/node/.n8n/oms-wms/oms.sqlite',
			description: 'Leave empty for the default: oms-wms/oms.sqlite in the n8n user folder',
			displayOptions: { show: { storeType: ['sqlite'] } },
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			displayOptions: { show: { storeType: ['postgres'] } },
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 5432,
			displayOptions: { show: { storeType: ['postgres'] } },
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: 'oms',
			displayOptions: { show: { storeType: ['postgres'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: 'oms',
			displayOptions: { show: { storeType: ['postgres'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { storeType: ['postgres'] } },
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			options: [
				{ name: 'Disable', value: 'disable' },
				{ name: 'Require (Do Not Verify Certificate)', value: 'require' },
				{ name: 'Verify Full', value: 'verify-full' },
			],
			default: 'disable',
			displayOptions: { show: { storeType: ['postgres'] } },
		},
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: '',
			placeholder: 'public',
			description: 'PostgreSQL schema for the OMS tables; leave empty for the database default',
			displayOptions: { show: { storeType: ['postgres'] } },
		},
		{
			displayName: 'Max Connections',
			name: 'maxConnections',
			type: 'number',
			default: 10,
			description: 'Connections this n8n process may open to the store',
			displayOptions: { show: { storeType: ['postgres'] } },
		},
	];
}
