/**
 * lib/edi: X12 EDI for warehouses and retailers that speak it instead of an API.
 *
 *   parseX12(text) / readDocument(text, opts)       tokenizer + envelope validator; every set through its reader
 *   envelope(store, partner, sets)                    ISA/GS/ST around sets, control numbers from the store
 *   edi940Payload / wmsAfter940 / wmsAckWords        EDI as a WMS provider (its use cases: lib/flows/edi-warehouse.ts)
 *   sets/wms.ts (940, 945, 846), sets/channel.ts (850, 855, 856, 810), sets/ack.ts (997)
 */
export * from './x12';
export * from './envelope';
export * from './document';
export * from './oms';
export * from './sets/common';
export * from './sets/wms';
export * from './sets/channel';
export * from './sets/ack';
