/**
 * Channel status words: statusKey (how words compare) and statusProgress (which of two versions of an order is
 * further along its channel's lifecycle). Each channel's readiness from its own words lives in its folder
 * (lib/channels/<channel>/status.ts; the table in docs/concepts.md#readiness); the progress table is
 * lib/order/versions.ts's, below the store that compares versions with it.
 */
export { statusKey } from './normalize-common';
export { shopifyReadiness } from './shopify/status';
export { amazonReadiness } from './amazon/status';
export { ebayReadiness } from './ebay/status';
export { wooCommerceReadiness } from './woocommerce/status';
export { walmartReadiness } from './walmart/status';

/** Which of two status words is further along its channel's lifecycle: the table is lib/order/versions.ts's (the store
 * compares versions with it, and the store may not import a channel module). */
export { statusProgress } from '../order/versions';
