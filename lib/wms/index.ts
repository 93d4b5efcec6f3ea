/**
 * lib/wms: WMS providers behind one interface, the forward-only status rules, and the outbox orchestration.
 *
 *   createWmsProvider('shipbob' | 'shiphero' | 'extensiv' | 'generic', config, deps) -> WmsProvider
 *   pushOrder(store, provider, order, { shipmentNo?, lines?, now? })  /  retryPending(store, providers, { now, limit })
 *   applyUpdates(store, updates)  /  pullUpdates(store, provider)
 */
import { createExtensivProvider, type ExtensivConfig } from './extensiv';
import { createGenericProvider, type GenericConfig } from './generic';
import { createShipBobProvider, type ShipBobConfig } from './shipbob';
import { createShipHeroProvider, type ShipHeroConfig } from './shiphero';
import type { ProviderDeps, WmsProvider, WmsProviderName } from './types';

export * from './types';
export * from './status';
export { pushOrder, retryPending, applyUpdates, pullUpdates, cancelAtWms, nextAttemptAt, nextShipment, deliveriesOf, unitsInDeliveries } from './outbox';
export type { PushOptions, PushResult, PushOutcome, RetrySummary, ApplyResult, ApplySummary, BackoffPolicy, CancelAtWmsResult, ShipmentLine } from './outbox';
export { createShipBobProvider, SHIPBOB_STATUS } from './shipbob';
export type { ShipBobConfig } from './shipbob';
export { createShipHeroProvider, SHIPHERO_STATUS } from './shiphero';
export type { ShipHeroConfig } from './shiphero';
export { createExtensivProvider } from './extensiv';
export type { ExtensivConfig } from './extensiv';
export { createGenericProvider, buildBody, DEFAULT_GENERIC_FIELDS, DEFAULT_GENERIC_PATHS, DEFAULT_GENERIC_STATUS, DEFAULT_GENERIC_TEMPLATE } from './generic';
export type { GenericConfig, GenericFields, GenericPaths } from './generic';

export type WmsProviderConfig =
	| { provider: 'shipbob'; config: ShipBobConfig }
	| { provider: 'shiphero'; config: ShipHeroConfig }
	| { provider: 'extensiv'; config: ExtensivConfig }
	| { provider: 'generic'; config: GenericConfig };

export const WMS_PROVIDERS: WmsProviderName[] = ['shipbob', 'shiphero', 'extensiv', 'generic'];

export function createWmsProvider(name: 'shipbob', config: ShipBobConfig, deps: ProviderDeps): WmsProvider;
export function createWmsProvider(name: 'shiphero', config: ShipHeroConfig, deps: ProviderDeps): WmsProvider;
export function createWmsProvider(name: 'extensiv', config: ExtensivConfig, deps: ProviderDeps): WmsProvider;
export function createWmsProvider(name: 'generic', config: GenericConfig, deps: ProviderDeps): WmsProvider;
export function createWmsProvider(name: WmsProviderName, config: unknown, deps: ProviderDeps): WmsProvider;
export function createWmsProvider(name: WmsProviderName, config: unknown, deps: ProviderDeps): WmsProvider {
	switch (name) {
		case 'shipbob':
			return createShipBobProvider(config as ShipBobConfig, deps);
		case 'shiphero':
			return createShipHeroProvider(config as ShipHeroConfig, deps);
		case 'extensiv':
			return createExtensivProvider(config as ExtensivConfig, deps);
		case 'generic':
			return createGenericProvider(config as GenericConfig, deps);
		default:
			throw new Error(`Unknown WMS provider "${String(name)}" (expected one of ${WMS_PROVIDERS.join(', ')})`);
	}
}
