/** Multi-warehouse routing (issue 23): which warehouse ships which lines, by ordered rules; pure, n8n-free, no store. */
export * from './rules';
export * from './distance';
export * from './route';
export * from './parameters';
