/**
 * lib/wms: WMS providers behind one interface, the forward-only status rules, and the outbox orchestration.
 *
 *   createWmsProvider(name, config, deps) -> WmsProvider       (a provider of the registry, lib/wms/registry.ts)
 *   whyNotSendable / nextShipment / nextAttemptAt / mergeAnnotation          the outbox's rules (lib/wms/outbox.ts)
 * The use cases that write them (pushOrder, retryPending, applyUpdates, pullUpdates, cancelAtWms, retryWmsCalls) are in lib/flows.
 */
import { WMS_PROVIDERS, wmsProviderDefinition, type WmsConfigOf, type WmsProviderName } from './registry';
import type { ProviderDeps, WmsProvider } from './types';

export * from './types';
export * from './status';
export { WMS_REGISTRY, WMS_PROVIDERS, isWmsProvider, wmsProviderDefinition } from './registry';
export type { WmsConfigOf, WmsProviderDefinitionOf, WmsProviderName } from './registry';
export { nextAttemptAt, nextShipment, deliveriesOf, unitsInDeliveries, whyNotSendable, mergeAnnotation, isRetryable } from './outbox';
export type { BackoffPolicy, ShipmentLine } from './outbox';
export { createShipBobProvider, SHIPBOB_STATUS } from './shipbob';
export type { ShipBobConfig } from './shipbob';
export { createShipHeroProvider, SHIPHERO_STATUS } from './shiphero';
export type { ShipHeroConfig } from './shiphero';
export { createExtensivProvider } from './extensiv';
export type { ExtensivConfig } from './extensiv';
export { createGenericProvider, buildBody, DEFAULT_GENERIC_FIELDS, DEFAULT_GENERIC_PATHS, DEFAULT_GENERIC_STATUS, DEFAULT_GENERIC_TEMPLATE } from './generic';
export type { GenericConfig, GenericFields, GenericPaths } from './generic';

/** A provider name with its config, for each registered provider */
export type WmsProviderConfig = { [N in WmsProviderName]: { provider: N; config: WmsConfigOf<N> } }[WmsProviderName];

/** The client of a registered provider (the provider's own definition builds it) */
export function createWmsProvider<N extends WmsProviderName>(name: N, config: WmsConfigOf<N>, deps: ProviderDeps): WmsProvider;
export function createWmsProvider(name: string, config: unknown, deps: ProviderDeps): WmsProvider;
export function createWmsProvider(name: string, config: unknown, deps: ProviderDeps): WmsProvider {
	const def = wmsProviderDefinition(name);
	if (!def) throw new Error(`Unknown WMS provider "${String(name)}" (expected one of ${WMS_PROVIDERS.join(', ')})`);
	return def.create(config, deps);
}
