/** The nodes build their channel lists, credentials and tests from the channel registry (lib/channels/registry.ts). */
import type { INodePropertyOptions, INodeType } from 'n8n-workflow';
import { CHANNEL_REGISTRY, CHANNELS, channelDefinition } from '../../lib/channels/registry';
import { CHANNEL_CREDENTIAL_TESTS, CHANNEL_OPTIONS } from '../../nodes/shared/channels';
import { Marketplace } from '../../nodes/Marketplace/Marketplace.node';
import { AmazonOrderTrigger } from '../../nodes/AmazonOrderTrigger/AmazonOrderTrigger.node';
import { EbayOrderTrigger } from '../../nodes/EbayOrderTrigger/EbayOrderTrigger.node';
import { WalmartOrderTrigger } from '../../nodes/WalmartOrderTrigger/WalmartOrderTrigger.node';
import { ShopifyOrderTrigger } from '../../nodes/ShopifyOrderTrigger/ShopifyOrderTrigger.node';
import { WooCommerceOrderTrigger } from '../../nodes/WooCommerceOrderTrigger/WooCommerceOrderTrigger.node';
import { BackorderGate } from '../../nodes/BackorderGate/BackorderGate.node';
import { FraudGate } from '../../nodes/FraudGate/FraudGate.node';
import { InventoryAllocator } from '../../nodes/InventoryAllocator/InventoryAllocator.node';
import { OmsOrder } from '../../nodes/OmsOrder/OmsOrder.node';
import { ReportBuilder } from '../../nodes/ReportBuilder/ReportBuilder.node';

const values = (options: unknown) => (options as INodePropertyOptions[]).map((o) => o.value);

/** Every options / multiOptions field named `channel` or `channels`, anywhere in a node's properties */
function channelFields(props: unknown[], out: unknown[][] = []): unknown[][] {
	for (const p of props as Array<Record<string, unknown>>) {
		if ((p.name === 'channel' || p.name === 'channels') && Array.isArray(p.options) && (p.type === 'options' || p.type === 'multiOptions')) out.push(values(p.options));
		for (const o of (Array.isArray(p.options) ? p.options : []) as Array<Record<string, unknown>>) {
			if (Array.isArray(o.values)) channelFields(o.values, out);
			else if (o.type) channelFields([o], out);
		}
	}
	return out;
}

describe('nodes and the channel registry', () => {
	it('every channel list of a node is the registry’s (Back-test, Search, reports, allocator rules, backorder policies)', () => {
		for (const node of [new BackorderGate(), new FraudGate(), new InventoryAllocator(), new OmsOrder(), new ReportBuilder()] as INodeType[]) {
			const lists = channelFields(node.description.properties);
			expect([node.description.name, lists.length > 0]).toEqual([node.description.name, true]);
			for (const l of lists) expect([node.description.name, l.filter((v) => v !== '*').sort()]).toEqual([node.description.name, [...CHANNELS].sort()]);
		}
	});

	it('is what the nodes offer: channel options, the Marketplace node’s channels and credentials, each trigger’s credential and statuses', () => {
		expect(values(CHANNEL_OPTIONS).sort()).toEqual([...CHANNELS].sort());
		const names = CHANNEL_OPTIONS.map((o) => o.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));

		const market = new Marketplace().description;
		const channel = market.properties.find((p) => p.name === 'channel')!;
		expect(values(channel.options).filter((v) => v !== 'fromItem').sort()).toEqual([...CHANNELS].sort());
		// every channel's credential, and the OMS Store's (the channel outbox; test/nodes/descriptions.test.ts checks it)
		const channelCredentials = market.credentials!.filter((c) => c.name !== 'omsStoreApi');
		expect(channelCredentials.map((c) => c.name).sort()).toEqual(CHANNEL_REGISTRY.map((c) => c.credentialType).sort());
		for (const c of channelCredentials) expect(c.testedBy).toBe(CHANNEL_REGISTRY.find((x) => x.credentialType === c.name)!.credentialTest);

		const triggers: Array<[string, INodeType]> = [
			['amazon', new AmazonOrderTrigger()],
			['ebay', new EbayOrderTrigger()],
			['walmart', new WalmartOrderTrigger()],
			['shopify', new ShopifyOrderTrigger()],
			['woocommerce', new WooCommerceOrderTrigger()],
		];
		for (const [name, node] of triggers) {
			const def = channelDefinition(name)!;
			const cred = node.description.credentials!.find((c) => c.name === def.credentialType)!;
			expect([name, cred.testedBy]).toEqual([name, def.credentialTest]);
			expect(node.methods?.credentialTest?.[def.credentialTest]).toBe(CHANNEL_CREDENTIAL_TESTS[def.credentialTest]);
			const options = node.description.properties.find((p) => p.name === 'options')?.options as Array<{ name: string; options?: unknown }> | undefined;
			const statuses = options?.find((o) => o.name === 'statuses');
			if (def.statusOptions.length) expect([name, statuses?.options]).toEqual([name, def.statusOptions]);
		}
	});
});
