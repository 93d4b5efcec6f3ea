/**
 * The Shopify channel: Shopify (Admin GraphQL API; orders arrive by webhook: ShopifyOrderTrigger). Its folder holds
 * the client (client.ts, auth.ts), the credentials (credentials.ts), the normaliser (normalize.ts) and its status
 * words (status.ts); this is what the registry (lib/channels/registry.ts) knows of it.
 */
import { defineChannel } from '../types';
import { ShopifyClient } from './client';
import { shopifyCredentialsFrom } from './credentials';
import { extractShopifyOrders, normalizeShopifyOrder } from './normalize';

export const shopify = defineChannel({
	name: 'shopify',
	label: 'Shopify',
	color: '#1f9d6b',
	credentialType: 'omsShopifyApi',
	credentialTest: 'shopifyApiTest',
	credentialsFrom: shopifyCredentialsFrom,
	createClient: (credentials, request, opts) => new ShopifyClient(credentials, request, opts),
	normalize: normalizeShopifyOrder,
	orders: { field: 'data.orders.nodes', extract: extractShopifyOrders },
	statusOptions: [],
	words: { orderId: 'Shopify order ID', lineId: 'Shopify line item ID' },
	capabilities: { acknowledge: false, rejectCancelRequest: false },
});
