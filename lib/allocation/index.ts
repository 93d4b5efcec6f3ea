/** The allocation brain: channel rules, publishable quantities, changed-only diff, location choice, input checks. */
export * from './rules';
export * from './publish';
export * from './diff';
export * from './location';
export * from './validate';
export * from './annotate';
