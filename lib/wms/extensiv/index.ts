/**
 * The Extensiv 3PL Warehouse Manager provider: Extensiv 3PL Warehouse Manager (REST API with client credentials per
 * customer and facility). Its folder holds the client with its status words (client.ts); this is what the registry
 * (lib/wms/registry.ts) knows of it.
 */
import { positiveInteger, requireFields, str } from '../../http/credential-data';
import { defineWmsProvider } from '../types';
import { createExtensivProvider, type ExtensivConfig } from './client';

export { createExtensivProvider } from './client';
export type { ExtensivConfig } from './client';

export const extensiv = defineWmsProvider<'extensiv', ExtensivConfig>({
	name: 'extensiv',
	label: 'Extensiv 3PL Warehouse Manager',
	optionName: 'Extensiv 3PL Warehouse Manager',
	credentialType: 'omsExtensivApi',
	credentialTest: 'extensivApiTest',
	configFrom(d) {
		const label = 'Extensiv 3PL Warehouse Manager';
		requireFields(label, d, ['clientId', 'clientSecret', 'userLoginId', 'customerId', 'facilityId']);
		return {
			clientId: str(d.clientId)!,
			clientSecret: String(d.clientSecret),
			userLoginId: str(d.userLoginId)!,
			tpl: str(d.tpl) ?? null,
			customerId: positiveInteger(label, d, 'customerId'),
			facilityId: positiveInteger(label, d, 'facilityId'),
			baseUrl: str(d.baseUrl),
			tokenUrl: str(d.tokenUrl),
		};
	},
	create: createExtensivProvider,
});
