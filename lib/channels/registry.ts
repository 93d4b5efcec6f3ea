/**
 * The sales channels: one line per channel, each a folder lib/channels/<name>/ whose index.ts declares it
 * (ChannelDefinition in types.ts: label, credential type, client, normaliser, status words, options,
 * capabilities). Everything that lists channels builds from this: the client factory (clients.ts), the normaliser
 * dispatch (normalize.ts), the nodes' channel options, labels and credentials
 * (nodes/shared/channels.ts), report labels and colours, fraud reasons.
 *
 * To add a channel: write its folder (copy one that is close: polled like amazon/ebay/walmart, or pushed by
 * webhooks like shopify/woocommerce), add it here, and give it its n8n credential (credentials/) and, for
 * intake, its trigger node.
 */
import { amazon } from './amazon';
import { ebay } from './ebay';
import { shopify } from './shopify';
import { walmart } from './walmart';
import { woocommerce } from './woocommerce';
import type { ChannelDefinition, ChannelPayouts, ChannelReturns } from './types';
import { shopifyPayouts } from './shopify/payouts';
import { ebayPayouts } from './ebay/payouts';
import { amazonReturns } from './amazon/returns';
import { ebayReturns } from './ebay/returns';
import { shopifyReturns } from './shopify/returns';
import { walmartReturns } from './walmart/returns';
import { wooCommerceReturns } from './woocommerce/returns';

export const CHANNEL_REGISTRY = [shopify, amazon, ebay, woocommerce, walmart] as const;

type Registered = (typeof CHANNEL_REGISTRY)[number];

/** A channel this package speaks to (the registry's names) */
export type ChannelName = Registered['name'];

/** The registered definition of one channel */
export type ChannelDefinitionOf<N extends ChannelName> = Extract<Registered, { name: N }>;

/** The registry's channel names, in its order */
export const CHANNELS: readonly ChannelName[] = Object.freeze(CHANNEL_REGISTRY.map((c) => c.name));

const BY_NAME: ReadonlyMap<string, ChannelDefinition> = new Map(CHANNEL_REGISTRY.map((c) => [c.name, c as unknown as ChannelDefinition]));

/** True for a registered channel name (an EDI retailer's `edi-...` channel, say, is a channel of orders but not one of these) */
export function isChannel(v: unknown): v is ChannelName {
	return typeof v === 'string' && BY_NAME.has(v);
}

/** The definition of a registered channel, or undefined */
export function channelDefinition(name: string): ChannelDefinition | undefined {
	return BY_NAME.get(name);
}

/** How people write a channel's name: its label when registered, else the name as it is */
export function channelLabel(name: string): string {
	return BY_NAME.get(name)?.label ?? name;
}

// ---------------------------------------------------------------- return intake (lib/channels/<name>/returns.ts)

/** Each channel's return intake (list returns changed since a cursor, normalise one), by channel name */
export const CHANNEL_RETURNS: Readonly<Record<string, ChannelReturns>> = Object.freeze({
	shopify: shopifyReturns as unknown as ChannelReturns,
	amazon: amazonReturns as unknown as ChannelReturns,
	ebay: ebayReturns as unknown as ChannelReturns,
	woocommerce: wooCommerceReturns as unknown as ChannelReturns,
	walmart: walmartReturns as unknown as ChannelReturns,
});

/** The return intake of a registered channel, or undefined */
export function channelReturns(name: string): ChannelReturns | undefined {
	return Object.prototype.hasOwnProperty.call(CHANNEL_RETURNS, name) ? CHANNEL_RETURNS[name] : undefined;
}

// ---------------------------------------------------------------- payout intake (lib/channels/<name>/payouts.ts)

/**
 * Each channel's payout intake (money events and payouts since a cursor), by channel name. WooCommerce has none:
 * its core REST API has no payout, settlement or fee resource; the gateway's export is imported as a file instead
 * (lib/flows/import-payouts.ts).
 */
export const CHANNEL_PAYOUTS: Readonly<Record<string, ChannelPayouts>> = Object.freeze({
	shopify: shopifyPayouts as unknown as ChannelPayouts,
	ebay: ebayPayouts as unknown as ChannelPayouts,
});

/** The payout intake of a channel, or undefined */
export function channelPayouts(name: string): ChannelPayouts | undefined {
	return Object.prototype.hasOwnProperty.call(CHANNEL_PAYOUTS, name) ? CHANNEL_PAYOUTS[name] : undefined;
}
