/** The Wms node builds its Provider options, credentials, tests and provider fields from the WMS registry (lib/wms/registry.ts). */
import type { INodeProperties } from 'n8n-workflow';
import { WMS_PROVIDERS, WMS_REGISTRY } from '../../lib/wms';
import { Wms } from '../../nodes/Wms/Wms.node';
import { WMS_CREDENTIAL_TESTS } from '../../nodes/shared/wms';

describe('Wms node and the WMS registry', () => {
	const node = new Wms();
	const { properties, credentials } = node.description;

	it('offers every registered provider, with its credential and its test', () => {
		const provider = properties.find((p) => p.name === 'provider')!;
		expect((provider.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual([...WMS_PROVIDERS].sort());
		const perProvider = credentials!.filter((c) => c.name !== 'omsStoreApi');
		expect(perProvider.map((c) => [c.name, c.testedBy, c.displayOptions?.show?.provider]).sort()).toEqual(
			WMS_REGISTRY.map((p) => [p.credentialType, p.credentialTest, [p.name]]).sort(),
		);
		for (const p of WMS_REGISTRY) expect(node.methods.credentialTest[p.credentialTest]).toBe(WMS_CREDENTIAL_TESTS[p.credentialTest]);
	});

	it('shows a provider’s own fields only for that provider', () => {
		for (const p of WMS_REGISTRY) {
			for (const own of p.node?.properties ?? []) {
				const shown = properties.find((x) => x.name === own.name) as INodeProperties;
				expect([own.name, shown.displayOptions?.show?.provider]).toEqual([own.name, [p.name]]);
			}
		}
		expect(WMS_REGISTRY.some((p) => (p.node?.properties.length ?? 0) > 0)).toBe(true);
	});
});
