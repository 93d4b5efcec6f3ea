/**
 * The Amazon channel: Amazon (Selling Partner API with LWA; orders are polled: AmazonOrderTrigger). Its folder holds
 * the client (client.ts, auth.ts), the credentials (credentials.ts), the normaliser (normalize.ts) and its status
 * words (status.ts); this is what the registry (lib/channels/registry.ts) knows of it.
 */
import { defineChannel } from '../types';
import { AmazonClient } from './client';
import { amazonCredentialsFrom } from './credentials';
import { extractAmazonOrders, normalizeAmazonOrder } from './normalize';

export const amazon = defineChannel({
	name: 'amazon',
	label: 'Amazon',
	color: '#e07a1f',
	credentialType: 'omsAmazonSpApi',
	credentialTest: 'amazonSpApiTest',
	credentialsFrom: amazonCredentialsFrom,
	createClient: (credentials, request, opts) => new AmazonClient(credentials, request, opts),
	normalize: normalizeAmazonOrder,
	orders: { field: 'orders', extract: extractAmazonOrders },
	statusOptions: [
		{ name: 'Pending', value: 'PENDING' },
		{ name: 'Pending Availability', value: 'PENDING_AVAILABILITY' },
		{ name: 'Unshipped', value: 'UNSHIPPED' },
		{ name: 'Partially Shipped', value: 'PARTIALLY_SHIPPED' },
		{ name: 'Shipped', value: 'SHIPPED' },
		{ name: 'Cancelled', value: 'CANCELLED' },
		{ name: 'Unfulfillable', value: 'UNFULFILLABLE' },
	],
	words: { orderId: 'Amazon order ID', lineId: 'Amazon orderItemId' },
	capabilities: { acknowledge: false, rejectCancelRequest: false },
});
