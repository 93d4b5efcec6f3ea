/**
 * What every node of the package declares in its description, checked across all nodes at once (issue 17):
 * - the OMS Store credential, written out in each node (n8n's node lint cannot read a shared constant there).
 */
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { packageLoader } from '../helpers/n8n-harness';
import { omsStoreConnectionTest } from '../../nodes/shared/store';

const nodes = [...packageLoader().nodeTypes().values()].map((t) => t as INodeType);
const byName = (name: string) => nodes.find((n) => n.description.name === name)!;
const description = (n: INodeType): INodeTypeDescription => n.description;

describe('every node of the package', () => {
	it('loads the thirteen nodes of the source tree', () => {
		expect(nodes.map((n) => n.description.name).sort()).toEqual(
			[
				'amazonOrderTrigger',
				'backorderGate',
				'ebayOrderTrigger',
				'edi',
				'fraudGate',
				'inventoryAllocator',
				'marketplace',
				'omsOrder',
				'reportBuilder',
				'shopifyOrderTrigger',
				'walmartOrderTrigger',
				'wms',
				'wooCommerceOrderTrigger',
			].sort(),
		);
	});

	describe('the OMS Store credential', () => {
		// the nodes that open the store (nodes/shared/store.ts getStore, or the webhook triggers' record of deliveries)
		const storeNodes = ['backorderGate', 'edi', 'fraudGate', 'inventoryAllocator', 'omsOrder', 'reportBuilder', 'shopifyOrderTrigger', 'wms', 'wooCommerceOrderTrigger'];

		it.each(storeNodes)('%s declares it optional, tested by omsStoreConnectionTest, which the node provides', (name) => {
			const node = byName(name);
			const declared = description(node).credentials?.filter((c) => c.name === 'omsStoreApi');
			expect(declared).toEqual([{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }]);
			expect(node.methods?.credentialTest?.omsStoreConnectionTest).toBe(omsStoreConnectionTest);
		});

		it('no other node declares it', () => {
			const others = nodes.filter((n) => !storeNodes.includes(n.description.name));
			expect(others.filter((n) => n.description.credentials?.some((c) => c.name === 'omsStoreApi')).map((n) => n.description.name)).toEqual([]);
		});
	});
});
