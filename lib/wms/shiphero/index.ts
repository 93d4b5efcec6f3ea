/**
 * The ShipHero provider: ShipHero (GraphQL API with a JWT from a login or a refresh token, paced by its credit
 * bucket). Its folder holds the client with its status words (client.ts); this is what the registry
 * (lib/wms/registry.ts) knows of it.
 */
import { requireFields, str } from '../../http/credential-data';
import { defineWmsProvider } from '../types';
import { createShipHeroProvider, type ShipHeroConfig } from './client';

export { SHIPHERO_STATUS, createShipHeroProvider } from './client';
export type { ShipHeroConfig } from './client';

export const shiphero = defineWmsProvider<'shiphero', ShipHeroConfig>({
	name: 'shiphero',
	label: 'ShipHero',
	optionName: 'ShipHero',
	credentialType: 'omsShipHeroApi',
	credentialTest: 'shipHeroApiTest',
	configFrom(d) {
		const refresh = d.authType === 'refreshToken';
		requireFields('ShipHero', d, refresh ? ['refreshToken'] : ['username', 'password']);
		return {
			username: str(d.username) ?? '',
			password: typeof d.password === 'string' ? d.password : '',
			refreshToken: refresh ? str(d.refreshToken) : undefined,
			shopName: str(d.shopName),
			baseUrl: str(d.baseUrl),
		};
	},
	create: createShipHeroProvider,
});
