/**
 * The Inventory Allocator's Warehouses operation and Reserve with Warehouse Routing Rules (issue 23), through
 * n8n-core's WorkflowExecute, on SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllStores } from '../../lib/store/open';
import { pgSetup as pgSetupFor, sqliteSetup as sqliteSetupFor, type StoreSetup } from '../helpers/store-credentials';
import { buildWorkflow, nodeError, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';

const dir = mkdtempSync(join(tmpdir(), 'oms-wh-'));
const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };
afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const allocator = (name: string, parameters: Record<string, unknown>) => ({
	name,
	type: 'n8n-nodes-oms-wms.inventoryAllocator',
	parameters: { channels: ['shopify'], channelRules: { rule: [{ channel: 'shopify', sharePercent: 100, options: {} }] }, ...parameters },
	credentials: CRED,
	onError: 'continueErrorOutput',
});
const flow = (items: unknown[], node: Record<string, unknown>) =>
	buildWorkflow(
		[{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' }, { name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } }, node as never],
		[
			['Start', 'Items'],
			['Items', node.name as string],
		],
	);
const shipTo = (postalCode: string) => ({ name: 'A B', company: null, line1: '1 Main St', line2: null, city: 'X', region: null, postalCode, country: 'US', phone: null });

async function suite(setup: StoreSetup) {
	const { credentials, store } = await setup();
	await store.upsertStockLevels([
		{ sku: 'A', location: 'west', onHand: 5 },
		{ sku: 'A', location: 'east', onHand: 9 },
		{ sku: 'B', location: 'east', onHand: 9 },
	]);
	// Warehouses > Add or Update: one item per warehouse; a wrong one goes to the error output, the rest are kept
	const upsert = allocator('Warehouses', { operation: 'warehouses', warehouseAction: 'upsert' });
	const items = [
		{ location: 'west', name: 'Reno', country: 'US', postcode: '89502', provider: 'shipbob', credential: 'ShipBob West', priority: '2' },
		{ location: 'east', country: 'US', postcode: '07001', provider: 'shiphero', credential: 'ShipHero East', channels: 'shopify, amazon' },
		{ location: 'bad', country: 'US', postcode: '1', provider: 'shipbob', ediPartner: 'X' },
		{ location: 'bad2', country: 'US', postcode: '12345', priority: 'high' },
	];
	const r = await runWorkflow(flow(items, upsert), { credentials });
	expect(r.error).toBeUndefined();
	const [ok, , errors] = outputsOf(r, 'Warehouses');
	expect(ok.map((w) => [w.location, w.created, w.priority, w.channels, (w.account as { provider?: string }).provider])).toEqual([
		['west', true, 2, [], 'shipbob'],
		['east', true, 0, ['amazon', 'shopify'], 'shiphero'],
	]);
	expect(errors.map((e) => e.error)).toEqual(['Warehouse bad: give a WMS provider or an EDI partner, not both', 'Warehouse bad2: priority must be a number, got "high"']);
	const list = await runWorkflow(flow([{}], allocator('Warehouses', { operation: 'warehouses', warehouseAction: 'list' })), { credentials });
	expect(outputsOf(list, 'Warehouses')[0].map((w) => w.location)).toEqual(['east', 'west']);

	// Reserve routes: the default rules send a San Francisco order west, a New York one east
	const sf = makeOrder({ channelOrderId: 'sf', shipTo: shipTo('94103'), lines: [{ lineId: '1', sku: 'A', title: 'A', quantity: 1, unitPrice: 1, lineTotal: 1 }] });
	const ny = makeOrder({ channelOrderId: 'ny', shipTo: shipTo('10001'), lines: [{ lineId: '1', sku: 'A', title: 'A', quantity: 1, unitPrice: 1, lineTotal: 1 }] });
	const both = makeOrder({ channelOrderId: 'both', shipTo: shipTo('94103'), lines: [{ lineId: '1', sku: 'A', title: 'A', quantity: 1, unitPrice: 1, lineTotal: 1 }, { lineId: '2', sku: 'B', title: 'B', quantity: 1, unitPrice: 1, lineTotal: 1 }] });
	for (const o of [sf, ny, both]) await store.recordOrder(o);
	const res = await runWorkflow(flow([sf, ny], allocator('Reserve', { operation: 'reserve' })), { credentials });
	expect(res.error).toBeUndefined();
	const [orders] = outputsOf(res, 'Reserve');
	const where = (o: Record<string, unknown>) => (o.allocation as { lines: Array<{ parts: Array<{ location: string }> }> }).lines.flatMap((l) => l.parts.map((p) => p.location));
	expect(orders.map(where)).toEqual([['west'], ['east']]);
	const events = await store.timeline('shopify:sf');
	expect(events.find((e) => e.type === 'allocation')?.detail).toMatchObject({ warehouses: ['west'], routing: expect.stringMatching(/^west ships all lines \(\d+ km\): closest with all lines/) });

	// the rules on the canvas: Closest first splits the order rather than ship it all from the far warehouse
	const split = await runWorkflow(flow([both], allocator('Reserve', { operation: 'reserve', routingRules: { rule: [{ rule: 'closest' }, { rule: 'fewestShipments' }] } })), { credentials });
	expect(outputsOf(split, 'Reserve')[0].map(where)).toEqual([['west', 'east']]);

	// Backorder Gate > Route: one item per warehouse's shipment, numbered, with the warehouse and its account
	const gate = {
		name: 'Route',
		type: 'n8n-nodes-oms-wms.backorderGate',
		parameters: { operation: 'route', policy: 'ship_complete' },
		credentials: CRED,
		onError: 'continueErrorOutput',
	};
	const routed = await runWorkflow(flow(outputsOf(split, 'Reserve')[0], gate), { credentials });
	expect(routed.error).toBeUndefined();
	const [ready] = outputsOf(routed, 'Route');
	expect(ready.map((i) => [i.omsId, i.shipmentNo, (i.warehouse as { location: string }).location, (i.warehouse as { account: { provider: string } }).account.provider, i.shipmentLines])).toEqual([
		['shopify:both', 1, 'east', 'shiphero', [{ lineId: '2', sku: 'B', quantity: 1 }]],
		['shopify:both', 2, 'west', 'shipbob', [{ lineId: '1', sku: 'A', quantity: 1 }]],
	]);

	// wrong rules fail the node, naming the problem
	const wrong = await runWorkflow(flow([sf], allocator('Reserve', { operation: 'reserve', routingRules: { rule: [{ rule: 'cost', rates: '[{"cost": -1}]' }] } })), { credentials });
	expect(nodeError(wrong, 'Reserve')?.message).toMatch(/Warehouse Routing Rules: rule 1 \(cost\), rate 1: cost must be a number >= 0, got -1/);
}

describe('Inventory Allocator: warehouses and routed Reserve', () => {
	it('on SQLite', async () => {
		await suite(sqliteSetupFor(dir, 'wh'));
	});
	it('on PostgreSQL', async () => {
		await suite(pgSetupFor('wh'));
	});
});
