/**
 * The WMS providers: one line per provider, each a folder lib/wms/<provider>/ whose index.ts declares it
 * (WmsProviderDefinition in types.ts: names, credential type and test, config from the credential, client, node
 * fields of its own). createWmsProvider, the Wms node's Provider options, credentials and tests, and
 * nodes/shared/wms.ts build from this.
 *
 * To add a provider: write its folder (client.ts with its status words, index.ts declaring it), add it here, and
 * give it its n8n credential (credentials/).
 */
import { extensiv } from './extensiv';
import { generic } from './generic';
import { shipbob } from './shipbob';
import { shiphero } from './shiphero';
import type { WmsProviderDefinition } from './types';

export const WMS_REGISTRY = [shipbob, shiphero, extensiv, generic] as const;

type Registered = (typeof WMS_REGISTRY)[number];

/** A WMS provider this package speaks to (the registry's names) */
export type WmsProviderName = Registered['name'];

/** The registered definition of one provider */
export type WmsProviderDefinitionOf<N extends WmsProviderName> = Extract<Registered, { name: N }>;

/** The config a registered provider's client takes */
export type WmsConfigOf<N extends WmsProviderName> = Parameters<WmsProviderDefinitionOf<N>['create']>[0];

/** The registry's provider names, in its order */
export const WMS_PROVIDERS: readonly WmsProviderName[] = Object.freeze(WMS_REGISTRY.map((p) => p.name));

const BY_NAME: ReadonlyMap<string, WmsProviderDefinition> = new Map(WMS_REGISTRY.map((p) => [p.name, p as WmsProviderDefinition]));

export function isWmsProvider(v: unknown): v is WmsProviderName {
	return typeof v === 'string' && BY_NAME.has(v);
}

/** The definition of a registered provider, or undefined */
export function wmsProviderDefinition(name: string): WmsProviderDefinition | undefined {
	return BY_NAME.get(name);
}
