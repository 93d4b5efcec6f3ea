/**
 * n8n-nodes-oms-wms as a library: everything that is not n8n glue. Nodes are thin adapters over these modules;
 * the same functions run in tests, the demo and the benchmarks without n8n.
 */
export * from './order';
export { cancelOrder, OrderProcessError } from './flows/cancel-order';
export { normalizeOrder, extractOrders, NormalizeError } from './channels/normalize';
// the channels this package speaks to (lib/order no longer lists them: the channel registry does)
export { CHANNELS, CHANNEL_REGISTRY, channelLabel, isChannel } from './channels/registry';
export type { ChannelName, ChannelName as KnownChannel } from './channels/registry';
export * as store from './store';
export * as returns from './returns';
