/**
 * The WMS provider registry (lib/wms/registry.ts): a provider is its folder plus one line there. These check that each
 * entry is whole (its credential type exists, its config comes from its credential, its client is its own) and that
 * the factory builds from it.
 */
import { credentialTypes } from '../../helpers/credential-types';
import { createAxiosRequest } from '../../../lib/http/axios';
import { createWmsProvider, isWmsProvider, WMS_PROVIDERS, WMS_REGISTRY, wmsProviderDefinition } from '../../../lib/wms';

describe('WMS provider registry', () => {
	it('has one whole entry per provider: its names, its own credential type and test name', async () => {
		const types = await credentialTypes();
		expect(new Set(WMS_PROVIDERS).size).toBe(WMS_PROVIDERS.length);
		expect(new Set(WMS_REGISTRY.map((p) => p.credentialType)).size).toBe(WMS_PROVIDERS.length);
		expect(new Set(WMS_REGISTRY.map((p) => p.credentialTest)).size).toBe(WMS_PROVIDERS.length);
		for (const p of WMS_REGISTRY) {
			expect(p.name).toMatch(/^[a-z][a-z0-9_-]*$/);
			expect([p.name, p.label !== '' && p.optionName !== '']).toEqual([p.name, true]);
			expect([p.name, types.has(p.credentialType)]).toEqual([p.name, true]);
			expect(wmsProviderDefinition(p.name)).toBe(p);
			expect(isWmsProvider(p.name)).toBe(true);
			// a credential with nothing in it: the error names the provider and never a value
			expect(() => p.configFrom({})).toThrow(new RegExp(`^${p.label} credential is missing `));
		}
		expect(isWmsProvider('toString')).toBe(false);
	});

	it('builds each provider’s client through its definition, and refuses a provider it does not know', () => {
		const data: Record<string, Record<string, unknown>> = {
			shipbob: { token: 'pat', channelId: 7 },
			shiphero: { username: 'ops@example.com', password: 'pw' },
			extensiv: { clientId: 'c', clientSecret: 's', userLoginId: 'u', customerId: '1', facilityId: 2 },
			generic: { baseUrl: 'https://wms.example', authHeaderName: 'X-Key', authHeaderValue: 'k' },
		};
		for (const p of WMS_REGISTRY) {
			if (!data[p.name]) continue; // a provider added since: its own tests build it
			const client = createWmsProvider(p.name, p.configFrom(data[p.name]) as never, { request: createAxiosRequest(), rateLimit: false });
			expect(client.name).toBe(p.name);
		}
		expect(() => createWmsProvider('nosuchwms', {}, { request: createAxiosRequest() })).toThrow(/Unknown WMS provider "nosuchwms"/);
		// numbers typed as text or given as numbers: the same config
		expect(wmsProviderDefinition('extensiv')!.configFrom(data.extensiv)).toMatchObject({ customerId: 1, facilityId: 2 });
		expect(() => wmsProviderDefinition('extensiv')!.configFrom({ ...data.extensiv, facilityId: '0' })).toThrow('facilityId must be a positive whole number');
		expect(wmsProviderDefinition('shipbob')!.configFrom(data.shipbob)).toMatchObject({ channelId: '7' });
	});
});
