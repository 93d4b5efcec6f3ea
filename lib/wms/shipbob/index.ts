/**
 * The ShipBob provider: ShipBob (Developer API with a personal access or OAuth token, paced to its request window).
 * Its folder holds the client with its status words (client.ts); this is what the registry (lib/wms/registry.ts)
 * knows of it.
 */
import { requireFields, str } from '../../http/credential-data';
import { defineWmsProvider } from '../types';
import { createShipBobProvider, type ShipBobConfig } from './client';

export { SHIPBOB_STATUS, createShipBobProvider } from './client';
export type { ShipBobConfig } from './client';

export const shipbob = defineWmsProvider<'shipbob', ShipBobConfig>({
	name: 'shipbob',
	label: 'ShipBob',
	optionName: 'ShipBob',
	credentialType: 'omsShipBobApi',
	credentialTest: 'shipBobApiTest',
	configFrom(d) {
		const oauth = d.authType === 'oauthToken';
		requireFields('ShipBob', d, [oauth ? 'oauthToken' : 'token', 'channelId']);
		return {
			token: str(oauth ? d.oauthToken : d.token)!,
			channelId: str(d.channelId)!,
			apiVersion: str(d.apiVersion),
			baseUrl: str(d.baseUrl),
		};
	},
	create: createShipBobProvider,
});
