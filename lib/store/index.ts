export * from './types';
export { openStore, closeAllStores, defaultSqlitePath, storeConfigFromCredential, EmbeddedStoreInQueueModeError } from './open';
export type { StoreConfig } from './open';
export { StoreSchemaTooNewError, LATEST_SCHEMA_VERSION } from './schema';
export { OrderNotFoundError } from './rows';
export { TransitionRequestError } from './rules/transition';
