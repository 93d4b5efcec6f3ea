/**
 * The eBay channel: eBay (Sell Fulfillment and Inventory APIs with OAuth refresh; orders are polled:
 * EbayOrderTrigger). Its folder holds the client (client.ts, auth.ts), the credentials (credentials.ts), the
 * normaliser (normalize.ts) and its status words (status.ts); this is what the registry (lib/channels/registry.ts)
 * knows of it.
 */
import { defineChannel } from '../types';
import { EbayClient } from './client';
import { ebayCredentialsFrom } from './credentials';
import { extractEbayOrders, normalizeEbayOrder } from './normalize';

export const ebay = defineChannel({
	name: 'ebay',
	label: 'eBay',
	color: '#2f6fd6',
	credentialType: 'omsEbayApi',
	credentialTest: 'ebayApiTest',
	credentialsFrom: ebayCredentialsFrom,
	createClient: (credentials, request, opts) => new EbayClient(credentials, request, opts),
	normalize: normalizeEbayOrder,
	orders: { field: 'orders', extract: extractEbayOrders },
	statusOptions: [
		{ name: 'Paid', value: 'PAID' },
		{ name: 'Payment Pending', value: 'PENDING' },
		{ name: 'Payment Failed', value: 'FAILED' },
		{ name: 'Partially Refunded', value: 'PARTIALLY_REFUNDED' },
		{ name: 'Fully Refunded', value: 'FULLY_REFUNDED' },
		{ name: 'Not Started (Fulfilment)', value: 'NOT_STARTED' },
		{ name: 'In Progress (Fulfilment)', value: 'IN_PROGRESS' },
		{ name: 'Fulfilled', value: 'FULFILLED' },
		{ name: 'Cancel Requested', value: 'CANCEL_REQUESTED' },
		{ name: 'Cancelled', value: 'CANCELED' },
	],
	words: { orderId: 'eBay order ID', lineId: 'eBay lineItemId' },
	capabilities: { acknowledge: false, rejectCancelRequest: true },
});
