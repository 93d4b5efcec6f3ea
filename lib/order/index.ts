/** The canonical order: types, JSON Schema, validation, money and address helpers, identity keys. */
export * from './types';
export * from './money';
export * from './address';
export * from './schema';
export * from './validate';
export * from './identity';
