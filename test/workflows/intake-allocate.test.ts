/**
 * Workflow: trigger output -> OMS Order Record -> Inventory Allocator Reserve -> Backorder Gate Route, through
 * n8n-core's WorkflowExecute, with the stock fed first by an Inventory Allocator Sync Stock workflow (as the WMS
 * inventory feed would on its schedule). Backorders are in the OMS (status, hold, timeline) before any WMS sees them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../lib/store/open';
import type { OrderLine } from '../../lib/order/types';
import { buildWorkflow, outputOf, outputsOf, runWorkflow, type WorkflowJson } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';

const dir = mkdtempSync(join(tmpdir(), 'oms-intake-'));
afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };
const credentials = { omsStoreApi: { storeType: 'sqlite', sqlitePath: join(dir, 'oms.sqlite') } };
const line = (lineId: string, sku: string, quantity: number): OrderLine => ({ lineId, sku, title: null, quantity, unitPrice: 10, lineTotal: 10 * quantity });

/** The channel rules ops staff keep on every Inventory Allocator: Amazon protected at 40 %, eBay capped. */
const RULES = {
	channelRules: {
		rule: [
			{ channel: 'amazon', sharePercent: 40, options: { priorityRank: 1 } },
			{ channel: 'ebay', sharePercent: 50, options: { maxListed: 5 } },
			{ channel: 'shopify', sharePercent: 50, options: { zeroAt: 1 } },
		],
	},
	channels: ['amazon', 'ebay', 'shopify'],
};

function stockFeed(levels: unknown[]): WorkflowJson {
	return buildWorkflow(
		[
			{ name: 'Schedule', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'WMS Inventory', type: 'test.itemsSource', parameters: { items: JSON.stringify(levels) } },
			{ name: 'Sync Stock', type: 'n8n-nodes-oms-wms.inventoryAllocator', parameters: { operation: 'syncStock', ...RULES }, credentials: CRED },
		],
		[
			['Schedule', 'WMS Inventory'],
			['WMS Inventory', 'Sync Stock'],
		],
	);
}

function intake(triggerOutput: unknown[]): WorkflowJson {
	return buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Order Trigger', type: 'test.itemsSource', parameters: { items: JSON.stringify(triggerOutput) } },
			{ name: 'Record', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'record' }, credentials: CRED, onError: 'continueErrorOutput' },
			{ name: 'Reserve', type: 'n8n-nodes-oms-wms.inventoryAllocator', parameters: { operation: 'reserve', ...RULES }, credentials: CRED, onError: 'continueErrorOutput' },
			{
				name: 'Route',
				type: 'n8n-nodes-oms-wms.backorderGate',
				parameters: {
					operation: 'route',
					policy: 'ship_complete',
					channelPolicies: { policy: [{ channel: 'amazon', policy: 'ship_available' }, { channel: 'ebay', policy: 'cancel_unavailable' }] },
					options: { holdDays: 3 },
				},
				credentials: CRED,
				onError: 'continueErrorOutput',
			},
		],
		[
			['Start', 'Order Trigger'],
			['Order Trigger', 'Record'],
			['Record', 'Reserve', 0], // New
			['Reserve', 'Route', 0], // Orders (output 1, Quantity Changes, would feed Marketplace > Set Available Quantity)
		],
	);
}

describe('intake -> record -> reserve -> route', () => {
	it('allocates new orders once, routes them by policy, and tells the channels what sold', async () => {
		const feed = await runWorkflow(stockFeed([{ sku: 'MUG', onHand: 10 }, { sku: 'LAMP', onHand: 3 }, { sku: 'RUG', onHand: 0 }]), { credentials });
		expect(feed.error).toBeUndefined();
		// MUG ATP 10: amazon 4; ebay 50 % of 6 = 3; shopify 3. LAMP 3: amazon 1; ebay 1; shopify 1. RUG: 0 everywhere.
		expect(outputOf(feed, 'Sync Stock', 1).map((o) => `${o.channel}/${o.sku}=${o.quantity}`)).toEqual([
			'amazon/MUG=4', 'ebay/MUG=3', 'shopify/MUG=3',
			'amazon/LAMP=1', 'ebay/LAMP=1', 'shopify/LAMP=1',
			'amazon/RUG=0', 'ebay/RUG=0', 'shopify/RUG=0',
		]);

		const orders = [
			makeOrder({ channel: 'shopify', channelOrderId: '1001', placedAt: '2026-05-01T10:00:00.000Z', lines: [line('1', 'MUG', 2)] }),
			makeOrder({ channel: 'amazon', channelOrderId: '112-1', placedAt: '2026-05-01T10:01:00.000Z', lines: [line('1', 'MUG', 1), line('2', 'LAMP', 5)] }),
			makeOrder({ channel: 'ebay', channelOrderId: '27-1', placedAt: '2026-05-01T10:02:00.000Z', lines: [line('1', 'MUG', 1), line('2', 'RUG', 2)] }),
			makeOrder({ channel: 'walmart', channelOrderId: 'P-9', placedAt: '2026-05-01T10:03:00.000Z', lines: [line('1', 'LAMP', 1)] }),
			makeOrder({ channel: 'shopify', channelOrderId: '1002', placedAt: '2026-05-01T10:04:00.000Z', lines: [line('1', 'RUG', 1)] }),
		];
		const invalid = { ...makeOrder({ channel: 'shopify', channelOrderId: '1003' }), lines: [line('1', 'MUG', -1)] };
		const triggerOutput = [...orders, orders[0], invalid]; // a redelivered webhook and a broken payload in the same batch
		const first = await runWorkflow(intake(triggerOutput), { credentials });
		expect(first.error).toBeUndefined();

		const [fresh, updated, duplicate, recordErrors] = outputsOf(first, 'Record');
		expect(fresh).toHaveLength(5);
		expect(updated).toEqual([]);
		expect(duplicate.map((o) => o.omsId)).toEqual(['shopify:1001']);
		expect(String(recordErrors[0].error)).toMatch(/\$\.lines\[0\]\.quantity/);

		const [reserved, quantityChanges, reserveErrors] = outputsOf(first, 'Reserve');
		expect(reserveErrors).toEqual([]);
		expect(reserved.map((o) => [o.omsId, (o.allocation as { status: string }).status])).toEqual([
			['shopify:1001', 'allocated'],
			['amazon:112-1', 'partial'],
			['ebay:27-1', 'partial'],
			['walmart:P-9', 'backordered'],
			['shopify:1002', 'backordered'],
		]);
		// MUG 10 -> 6: amazon 40 % of 6 = 2 (was 4), ebay 50 % of 4 = 2 (was 3), shopify 2 (was 3). LAMP 3 -> 0.
		expect(quantityChanges.map((o) => `${o.channel}/${o.sku}=${o.quantity}<-${o.previous}`)).toEqual([
			'amazon/MUG=2<-4', 'ebay/MUG=2<-3', 'shopify/MUG=2<-3',
			'amazon/LAMP=0<-1', 'ebay/LAMP=0<-1', 'shopify/LAMP=0<-1',
		]);

		const [ready, partial, backorder, routeErrors] = outputsOf(first, 'Route');
		expect(routeErrors).toEqual([]);
		expect(ready.map((o) => o.omsId)).toEqual(['shopify:1001']);
		expect(partial.map((o) => [o.omsId, o.shipmentLines, o.cancelLines])).toEqual([
			['amazon:112-1', [{ lineId: '1', sku: 'MUG', quantity: 1 }, { lineId: '2', sku: 'LAMP', quantity: 3 }], []],
			['ebay:27-1', [{ lineId: '1', sku: 'MUG', quantity: 1 }], [{ lineId: '2', sku: 'RUG', quantity: 2 }]],
		]);
		expect(backorder.map((o) => o.omsId)).toEqual(['walmart:P-9', 'shopify:1002']);
		// pairedItem follows each order back to its trigger item
		expect(first.runData.Route[0].data!.main[2]!.map((i) => i.pairedItem)).toEqual([{ item: 3 }, { item: 4 }]);

		// in the OMS before any WMS sees them: status, typed hold, and which lines wait for how many units
		const store = await openStore(storeConfigFromCredential(credentials.omsStoreApi));
		expect(await store.listDeliveries()).toEqual([]);
		const statuses = await Promise.all(orders.map(async (o) => {
			const s = (await store.getOrder(o.omsId))!;
			return [o.omsId, s.status, s.hold?.reason ?? null, s.hold?.detail ?? null];
		}));
		expect(statuses).toEqual([
			['shopify:1001', 'ready', null, null],
			['amazon:112-1', 'backordered', 'out_of_stock', 'waiting for 2 unit(s): LAMP x2'],
			['ebay:27-1', 'ready', null, null],
			['walmart:P-9', 'backordered', 'out_of_stock', 'waiting for 1 unit(s): LAMP x1'],
			['shopify:1002', 'backordered', 'out_of_stock', 'waiting for 1 unit(s): RUG x1'],
		]);
		const timeline = await store.timeline('walmart:P-9');
		expect(timeline.map((e) => e.type)).toEqual(['recorded', 'allocation', 'status']);
		expect(timeline[2]).toMatchObject({ fromStatus: 'received', toStatus: 'backordered', cause: 'Route (Route)', detail: { waiting: [{ lineId: '1', sku: 'LAMP', backordered: 1 }] } });
		expect((await store.getStock(['MUG', 'LAMP'])).map((s) => [s.sku, s.reserved, s.atp])).toEqual([
			['LAMP', 3, 0],
			['MUG', 4, 6],
		]);

		// the same trigger output again (a replay): every order is a duplicate, nothing is reserved or routed twice
		const second = await runWorkflow(intake(triggerOutput), { credentials });
		expect(outputOf(second, 'Record', 2)).toHaveLength(6);
		expect(outputOf(second, 'Record', 0)).toEqual([]);
		expect(second.runData.Reserve).toBeUndefined();
		expect(second.runData.Route).toBeUndefined();
		expect((await store.getStock(['MUG']))[0].reserved).toBe(4);
	});
});
