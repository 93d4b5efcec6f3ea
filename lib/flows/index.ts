/**
 * The use cases (one file each, named as actions): they chain lib's decisions and store writes, n8n-free, taking a
 * Store and plain values. Nodes, benchmarks and scripts call these.
 */
export * from './cancel-order';
export * from './channel-calls';
export * from './item-error';
export * from './publish-quantities';
export * from './record-orders';
export * from './release-held';
export * from './reserve-orders';
export * from './route-orders';
export * from './screen-orders';
export * from './sync-stock';
