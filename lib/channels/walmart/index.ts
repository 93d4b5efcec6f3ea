/**
 * The Walmart channel: Walmart Marketplace (v3 API with client credentials; orders are polled and may be
 * acknowledged: WalmartOrderTrigger). Its folder holds the client (client.ts, auth.ts), the credentials
 * (credentials.ts), the normaliser (normalize.ts) and its status words (status.ts); this is what the registry
 * (lib/channels/registry.ts) knows of it.
 */
import { defineChannel } from '../types';
import { WalmartClient } from './client';
import { walmartCredentialsFrom } from './credentials';
import { extractWalmartOrders, normalizeWalmartOrder } from './normalize';

export const walmart = defineChannel({
	name: 'walmart',
	label: 'Walmart',
	color: '#c2417a',
	credentialType: 'omsWalmartApi',
	credentialTest: 'walmartApiTest',
	credentialsFrom: walmartCredentialsFrom,
	createClient: (credentials, request, opts) => new WalmartClient(credentials, request, opts),
	normalize: normalizeWalmartOrder,
	orders: { field: 'list.elements.order', extract: extractWalmartOrders },
	statusOptions: [
		{ name: 'Created (Released)', value: 'Created' },
		{ name: 'Acknowledged', value: 'Acknowledged' },
		{ name: 'Shipped', value: 'Shipped' },
		{ name: 'Delivered', value: 'Delivered' },
		{ name: 'Cancelled', value: 'Cancelled' },
	],
	words: { orderId: 'Walmart purchase order ID', lineId: 'Walmart lineNumber' },
	capabilities: { acknowledge: true, rejectCancelRequest: false },
});
