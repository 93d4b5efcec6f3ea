/**
 * normalizeOrder(channel, raw): any channel's order payload -> the canonical order (docs/concepts.md#the-canonical-order), and
 * extractOrders(channel, page): the raw orders inside a list/page response of each channel's API. Both dispatch
 * through the registry (lib/channels/registry.ts) to the channel's own normalize.ts.
 *
 * Shapes accepted per channel (details in each lib/channels/<channel>/normalize.ts):
 * - shopify: REST/webhook JSON, bare or `{order}`; GraphQL Admin `Order` node, bare or `{data: {order}}`.
 * - amazon: Orders API 2026-01-01 order, bare or getOrder's `{order}`; v0 Order with its items, as
 *   `{order, items, address?, buyerInfo?}` or with an `OrderItems` array attached.
 * - ebay: Sell Fulfillment order (getOrders `orders[]` element or getOrder body).
 * - woocommerce: REST v3 order (and the identical webhook body).
 * - walmart: v3 order, a `list.elements.order[]` element or getOrder's `{order}`.
 *
 * Errors: a payload that cannot be normalised throws NormalizeError (channel, orderId, field); nothing else.
 */
import type { CanonicalOrder } from '../order/types';
import { NormalizeError, type NormalizeOptions } from './normalize-common';
import { CHANNEL_REGISTRY, channelDefinition } from './registry';
import { normalizeShopifyOrder } from './shopify/normalize';
import { normalizeAmazonOrder } from './amazon/normalize';
import { normalizeEbayOrder } from './ebay/normalize';
import { normalizeWooCommerceOrder } from './woocommerce/normalize';
import { normalizeWalmartOrder } from './walmart/normalize';

export { NormalizeError, type NormalizeOptions } from './normalize-common';
export { amazonOrderChange, AMAZON_MARKETPLACE_CURRENCY, type AmazonOrderChange } from './amazon/normalize';
export { shopifyGidTail, isShopifyGraphql } from './shopify/normalize';
export { decodeEntities } from './woocommerce/normalize';
export { normalizeShopifyOrder, normalizeAmazonOrder, normalizeEbayOrder, normalizeWooCommerceOrder, normalizeWalmartOrder };
export { shopifyReadiness, amazonReadiness, ebayReadiness, wooCommerceReadiness, walmartReadiness } from './status';

export type Normalizer = (raw: unknown, opts?: NormalizeOptions) => CanonicalOrder;

/** Each registered channel's normaliser, by channel name */
export const NORMALIZERS: Readonly<Record<string, Normalizer>> = Object.freeze(Object.fromEntries(CHANNEL_REGISTRY.map((c) => [c.name, c.normalize])));

/** The canonical order for one raw channel order. Throws NormalizeError when it cannot be built. */
export function normalizeOrder(channel: string, raw: unknown, opts?: NormalizeOptions): CanonicalOrder {
	const fn = Object.prototype.hasOwnProperty.call(NORMALIZERS, channel) ? NORMALIZERS[channel] : undefined;
	if (!fn) throw new NormalizeError(String(channel), null, 'channel', 'invalid', `no normaliser for channel ${JSON.stringify(channel)}`);
	return fn(raw, opts);
}

/**
 * The raw order objects of one list/page response, ready for normalizeOrder (each channel's `orders.extract`):
 * - shopify: GraphQL `data.orders.nodes` / `data.orders.edges[].node` (or `orders` without `data`), REST
 *   `{orders: [...]}`, a single `{order}` or webhook order;
 * - amazon: 2026-01-01 `orders`, v0 `payload.Orders` (v0 orders still need their items before normalising);
 * - ebay: `orders`;
 * - woocommerce: the array itself (or a single order object);
 * - walmart: `list.elements.order`, or getOrder's `{order}`.
 * A bare array is returned as is for every channel. Throws NormalizeError (field = where the list was expected)
 * when the response has none of these shapes.
 */
export function extractOrders(channel: string, response: unknown): unknown[] {
	if (Array.isArray(response)) return response;
	const def = channelDefinition(channel);
	if (!def) throw new NormalizeError(String(channel), null, 'channel', 'invalid', `no normaliser for channel ${JSON.stringify(channel)}`);
	const found = def.orders.extract(response);
	if (!found) throw new NormalizeError(channel, null, def.orders.field, 'missing');
	return found;
}
