import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * WooCommerce REST API v3 keys (WooCommerce > Settings > Advanced > REST API, read/write), sent as HTTP Basic
 * over HTTPS. "Webhook Secret" is what the WooCommerce Order Trigger sets on the webhooks it registers and checks
 * X-WC-Webhook-Signature against; empty, the trigger makes a random one per registration and keeps it in the
 * workflow's static data. Tested by the nodes (wooCommerceApiTest in nodes/shared/channel-client.ts) with GET
 * /wp-json/wc/v3/orders?per_page=1 through the pack's own client: cheap, it proves the read access to orders that
 * every node of this pack needs, and its message never carries the keys (a declarative test would show whatever
 * the server put in its status line).
 */
export class OmsWooCommerceApi implements ICredentialType {
	name = 'omsWooCommerceApi';

	displayName = 'WooCommerce (OMS) API';

	icon = { light: 'file:../nodes/WooCommerceOrderTrigger/wooCommerceOrderTrigger.svg', dark: 'file:../nodes/WooCommerceOrderTrigger/wooCommerceOrderTrigger.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsWooCommerceApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Store URL',
			name: 'storeUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://store.example.com',
			description: 'The WordPress site’s address (without /wp-json)',
		},
		{
			displayName: 'Consumer Key',
			name: 'consumerKey',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'ck_…',
		},
		{
			displayName: 'Consumer Secret',
			name: 'consumerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'cs_…',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Secret set on the webhooks the WooCommerce Order Trigger registers (deliveries are signed with it). Empty: a random secret per registration, kept in the workflow’s static data.',
		},
		{
			displayName: 'Send Keys in the Query String',
			name: 'queryStringAuth',
			type: 'boolean',
			default: false,
			description: 'Whether to send the keys as query parameters, for hosts that strip the Authorization header',
		},
		{
			displayName: 'Use Shipment Tracking Extension',
			name: 'shipmentTracking',
			type: 'boolean',
			default: true,
			description: 'Whether Confirm Shipment writes through the Shipment Tracking extension (else an order note)',
		},
		{
			displayName: 'Base URL (Advanced)',
			name: 'baseUrl',
			type: 'string',
			default: '',
			description: 'Only to reach the API at a different address (a proxy or a test sandbox). Empty: the Store URL.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.consumerKey}}', password: '={{$credentials.consumerSecret}}' },
		},
	};
}
