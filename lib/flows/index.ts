/**
 * lib/flows: the use cases, one file each, that chain decisions (lib/fraud, lib/allocation, lib/backorder, lib/wms,
 * lib/channels, lib/edi) and store writes; n8n-free, each multi-write stage one store transition.
 */
export * from './push-to-wms';
export * from './apply-wms-updates';
export * from './cancel-at-wms';
export * from './edi-warehouse';
export * from './send-edi-documents';
