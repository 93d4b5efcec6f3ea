/** Returns: the canonical return (types, JSON Schema, validation), its status machine, reasons, units and rules. */
export * from './types';
export * from './status';
export * from './schema';
export * from './validate';
export * from './reasons';
export * from './versions';
export * from './units';
export * from './rules';
