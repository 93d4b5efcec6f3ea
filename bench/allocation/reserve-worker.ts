/**
 * One OS process running the inventoryAllocator's Reserve path (record -> reserve -> annotate -> publish) and the
 * backorderGate's Route on one-unit orders for one SKU. Used by test/nodes/inventoryAllocator.concurrency.test.ts
 * (several processes on one SQLite file, or on one PostgreSQL) to show that the allocator never oversells.
 *
 * argv: storeConfigJson workerId orders batchSize sku
 * stdout: JSON { allocated, backordered, ready, held }
 */
import { compileRuleSet } from '../../lib/allocation';
import { openStore, closeAllStores, type StoreConfig } from '../../lib/store/open';
import type { CanonicalOrder } from '../../lib/order/types';
import { reserveOrders, routeOne } from '../../lib/flows';

function order(workerId: string, n: number, sku: string): CanonicalOrder {
	const channel = ['shopify', 'amazon', 'ebay', 'walmart'][n % 4];
	const channelOrderId = `w${workerId}-${n}`;
	return {
		omsId: `${channel}:${channelOrderId}`,
		channel,
		channelOrderId,
		orderNumber: `#${channelOrderId}`,
		placedAt: '2026-05-01T14:00:00.000Z',
		updatedAt: '2026-05-01T14:00:00.000Z',
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal: 10, shipping: 0, tax: 0, discount: 0, total: 10 },
		customer: { email: 'c@example.com', name: 'C', phone: null, channelCustomerId: null },
		shipTo: { name: 'C', company: null, line1: '1 Main St', line2: null, city: 'Ottawa', region: 'ON', postalCode: 'K1A 0B1', country: 'CA', phone: null },
		billTo: null,
		shipping: { level: 'standard', label: 'Standard' },
		lines: [{ lineId: '1', sku, title: null, quantity: 1, unitPrice: 10, lineTotal: 10 }],
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
	};
}

async function main(): Promise<void> {
	const [configJson, workerId, ordersArg, batchArg, sku] = process.argv.slice(2);
	const store = await openStore(JSON.parse(configJson) as StoreConfig);
	const rules = compileRuleSet({ channels: [{ channel: 'amazon', sharePercent: 50, priority: 1 }, { channel: 'ebay', sharePercent: 100 }] });
	const n = Number(ordersArg);
	const size = Number(batchArg);
	let allocated = 0;
	let backordered = 0;
	let ready = 0;
	let held = 0;
	for (let i = 0; i < n; i += size) {
		const batch = Array.from({ length: Math.min(size, n - i) }, (_, j) => order(workerId, i + j, sku));
		for (const o of batch) await store.recordOrder(o);
		const { outcomes } = await reserveOrders(
			store,
			batch.map((o, index) => ({ index, doc: o as unknown as Record<string, unknown> })),
			rules,
			['amazon', 'ebay', 'shopify'],
			{ explain: false, cause: `worker ${workerId}` },
		);
		for (const o of outcomes) {
			if (!o.ok) throw o.error;
			allocated += o.allocation.lines[0].allocated;
			backordered += o.allocation.lines[0].backordered;
			const routed = await routeOne(store, o.order as unknown as CanonicalOrder, 'ship_complete', { now: new Date(), cause: `worker ${workerId}` });
			if (routed.output === 'ready') ready++;
			else held++;
		}
	}
	await closeAllStores();
	process.stdout.write(JSON.stringify({ allocated, backordered, ready, held }));
}

main().catch((error) => {
	process.stderr.write(String(error?.stack ?? error));
	process.exit(1);
});
