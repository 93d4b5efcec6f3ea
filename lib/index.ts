/**
 * n8n-nodes-oms-wms as a library: everything that is not n8n glue. Nodes are thin adapters over these modules;
 * the same functions run in tests, the demo and the benchmarks without n8n.
 */
export * from './order';
export { cancelOrder, OrderProcessError } from './order/process';
export { normalizeOrder, extractOrders, NormalizeError } from './channels/normalize';
export * as store from './store';
