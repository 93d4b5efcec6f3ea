/**
 * The allocation brain: channel rules, publishable quantities, changed-only diff, input checks. The stock rules it
 * starts from (ATP, location choice) are lib/stock's, below the store; re-exported here for this module's callers.
 */
export * from './rules';
export * from './publish';
export * from './diff';
export * from './validate';
export * from './annotate';
export * from '../stock/atp';
export * from '../stock/location';
