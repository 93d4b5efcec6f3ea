/**
 * Stock rules below the store: available to promise, where units are taken from, bundles, and the reservation plan
 * and document. Imports lib/order only; the store (lib/store) and the decision modules (lib/allocation...) import it.
 */
export * from './types';
export * from './atp';
export * from './location';
export * from './bundles';
export * from './reservation';
