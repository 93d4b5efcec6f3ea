/**
 * lib/channels/clients.ts: the client factory.
 *
 *   createChannelClient(channel, credentials, request, opts?): ChannelClient
 *
 * `credentials` is the channel's credential shape (lib/channels/<channel>/credentials.ts); its `baseUrl` points the
 * client at a sandbox. `request` is n8n's helper-based function inside nodes, or createAxiosRequest() outside n8n.
 * The channel's own definition (lib/channels/registry.ts) builds the client.
 */
import type { HttpRequestFn } from '../http/types';
import { CHANNELS, channelDefinition, type ChannelDefinitionOf, type ChannelName } from './registry';
import type { ChannelClient, ClientOptions } from './types';
import { ShopifyClient } from './shopify/client';
import { AmazonClient } from './amazon/client';
import { EbayClient } from './ebay/client';
import { WooCommerceClient } from './woocommerce/client';
import { WalmartClient } from './walmart/client';

export { ShopifyClient, AmazonClient, EbayClient, WooCommerceClient, WalmartClient };

/** The credentials a registered channel's client takes */
export type ChannelCredentialsOf<N extends ChannelName> = Parameters<ChannelDefinitionOf<N>['createClient']>[0];
/** The client class of a registered channel */
export type ChannelClientOf<N extends ChannelName> = ReturnType<ChannelDefinitionOf<N>['createClient']>;

export function createChannelClient<N extends ChannelName>(channel: N, credentials: ChannelCredentialsOf<N>, request: HttpRequestFn, opts?: ClientOptions): ChannelClientOf<N>;
export function createChannelClient(channel: string, credentials: unknown, request: HttpRequestFn, opts?: ClientOptions): ChannelClient;
export function createChannelClient(channel: string, credentials: unknown, request: HttpRequestFn, opts: ClientOptions = {}): ChannelClient {
	const def = channelDefinition(channel);
	if (!def) throw new Error(`Unknown channel "${String(channel)}" (expected ${CHANNELS.slice(0, -1).join(', ')} or ${CHANNELS[CHANNELS.length - 1]})`);
	return def.createClient(credentials, request, opts);
}
