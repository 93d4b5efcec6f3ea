/**
 * lib/flows: the use cases, one file each, named as actions. They chain decisions (lib/fraud, lib/allocation,
 * lib/backorder, lib/wms, lib/channels, lib/edi) and store writes; n8n-free, taking a Store and plain values, each
 * stage that writes several things one store transition. Nodes, benchmarks and scripts call these.
 */
export * from './acknowledge-orders';
export * from './apply-channel-change';
export * from './apply-wms-updates';
export * from './attention';
export * from './cancel-at-wms';
export * from './cancel-order';
export * from './channel-calls';
export * from './edi-warehouse';
export * from './item-error';
export * from './move-return';
export * from './publish-quantities';
export * from './push-to-wms';
export * from './record-orders';
export * from './record-return';
export * from './recover-orders';
export * from './release-held';
export * from './release-wms-hold';
export * from './reserve-orders';
export * from './warehouse-routing';
export * from './restock-return';
export * from './return-at-wms';
export * from './return-by-hand';
export * from './exchange-return';
export * from './route-orders';
export * from './screen-orders';
export * from './send-edi-documents';
export * from './sync-stock';
export * from './wms-calls';
