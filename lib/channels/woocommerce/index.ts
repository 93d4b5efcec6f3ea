/**
 * The WooCommerce channel: WooCommerce (REST API v3; orders arrive by webhook: WooCommerceOrderTrigger). Its folder
 * holds the client (client.ts, auth.ts), the credentials (credentials.ts), the normaliser (normalize.ts) and its
 * status words (status.ts); this is what the registry (lib/channels/registry.ts) knows of it.
 */
import { defineChannel } from '../types';
import { WooCommerceClient } from './client';
import { wooCommerceCredentialsFrom } from './credentials';
import { extractWooCommerceOrders, normalizeWooCommerceOrder } from './normalize';

export const woocommerce = defineChannel({
	name: 'woocommerce',
	label: 'WooCommerce',
	color: '#7a5cc7',
	credentialType: 'omsWooCommerceApi',
	credentialTest: 'wooCommerceApiTest',
	credentialsFrom: wooCommerceCredentialsFrom,
	createClient: (credentials, request, opts) => new WooCommerceClient(credentials, request, opts),
	normalize: normalizeWooCommerceOrder,
	orders: { field: 'orders', extract: extractWooCommerceOrders },
	statusOptions: [],
	words: { orderId: 'Woo order ID', lineId: 'Woo line item ID' },
	capabilities: { acknowledge: false, rejectCancelRequest: false },
});
