/** The backorder gate's decisions: Route (Ready / Partial / Backorder by policy) and Release Held. */
export * from './route';
export * from './release';
