/**
 * lib/channels/clients.ts: the client factory.
 *
 *   createChannelClient(channel, credentials, request, opts?): ChannelClient
 *
 * `credentials` is the channel's credential shape (lib/channels/types.ts); its `baseUrl` points the client at a
 * sandbox. `request` is n8n's helper-based function inside nodes, or createAxiosRequest() outside n8n.
 */
import type { HttpRequestFn } from '../http/types';
import type {
	AmazonCredentials,
	ChannelClient,
	ChannelName,
	ClientOptions,
	EbayCredentials,
	ShopifyCredentials,
	WalmartCredentials,
	WooCommerceCredentials,
} from './types';
import { ShopifyClient } from './shopify/client';
import { AmazonClient } from './amazon/client';
import { EbayClient } from './ebay/client';
import { WooCommerceClient } from './woocommerce/client';
import { WalmartClient } from './walmart/client';

export { ShopifyClient, AmazonClient, EbayClient, WooCommerceClient, WalmartClient };

export function createChannelClient(channel: 'shopify', credentials: ShopifyCredentials, request: HttpRequestFn, opts?: ClientOptions): ShopifyClient;
export function createChannelClient(channel: 'amazon', credentials: AmazonCredentials, request: HttpRequestFn, opts?: ClientOptions): AmazonClient;
export function createChannelClient(channel: 'ebay', credentials: EbayCredentials, request: HttpRequestFn, opts?: ClientOptions): EbayClient;
export function createChannelClient(channel: 'woocommerce', credentials: WooCommerceCredentials, request: HttpRequestFn, opts?: ClientOptions): WooCommerceClient;
export function createChannelClient(channel: 'walmart', credentials: WalmartCredentials, request: HttpRequestFn, opts?: ClientOptions): WalmartClient;
export function createChannelClient(channel: ChannelName, credentials: unknown, request: HttpRequestFn, opts?: ClientOptions): ChannelClient;
export function createChannelClient(channel: ChannelName, credentials: unknown, request: HttpRequestFn, opts: ClientOptions = {}): ChannelClient {
	switch (channel) {
		case 'shopify':
			return new ShopifyClient(credentials as ShopifyCredentials, request, opts);
		case 'amazon':
			return new AmazonClient(credentials as AmazonCredentials, request, opts);
		case 'ebay':
			return new EbayClient(credentials as EbayCredentials, request, opts);
		case 'woocommerce':
			return new WooCommerceClient(credentials as WooCommerceCredentials, request, opts);
		case 'walmart':
			return new WalmartClient(credentials as WalmartCredentials, request, opts);
		default:
			throw new Error(`Unknown channel "${String(channel)}" (expected shopify, amazon, ebay, woocommerce or walmart)`);
	}
}
