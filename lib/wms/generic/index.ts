/**
 * The Generic REST WMS provider: any REST WMS: paths, order body, answer fields and status words set in the Wms
 * node, one auth header from the credential. Its folder holds the client with its status words (client.ts), the node
 * fields (node.ts); this is what the registry (lib/wms/registry.ts) knows of it.
 */
import { requireFields, str } from '../../http/credential-data';
import { defineWmsProvider } from '../types';
import { createGenericProvider, type GenericConfig } from './client';
import { GENERIC_PROPERTIES, genericSettingsFrom } from './node';

export { buildAddressBody, buildBody, DEFAULT_GENERIC_ADDRESS_TEMPLATE, DEFAULT_GENERIC_FIELDS, DEFAULT_GENERIC_PATHS, DEFAULT_GENERIC_STATUS, DEFAULT_GENERIC_TEMPLATE, createGenericProvider } from './client';
export type { GenericConfig, GenericFields, GenericPaths } from './client';

export const generic = defineWmsProvider<'generic', GenericConfig>({
	name: 'generic',
	label: 'Generic REST WMS',
	optionName: 'Generic REST',
	credentialType: 'omsGenericWmsApi',
	credentialTest: 'genericWmsApiTest',
	configFrom(d, settings = {}) {
		requireFields('Generic REST WMS', d, ['baseUrl', 'authHeaderName', 'authHeaderValue']);
		const testPath = str(d.testPath);
		return {
			...settings,
			baseUrl: str(d.baseUrl)!,
			authHeaderName: str(d.authHeaderName)!,
			authHeaderValue: String(d.authHeaderValue),
			...(testPath || settings.paths ? { paths: { ...(settings.paths ?? {}), ...(testPath ? { test: testPath } : {}) } } : {}),
		};
	},
	node: { properties: GENERIC_PROPERTIES, settingsFrom: genericSettingsFrom },
	create: createGenericProvider,
});
