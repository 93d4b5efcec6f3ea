/** The backorderGate node through n8n-core's WorkflowExecute: Route by policy, Release Held once, on SQLite and PostgreSQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllStores } from '../../lib/store/open';
import { pgSetup as pgSetupFor, sqliteSetup as sqliteSetupFor } from '../helpers/store-credentials';
import type { OrderLine } from '../../lib/order/types';
import { buildWorkflow, outputOf, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';

const dir = mkdtempSync(join(tmpdir(), 'oms-gate-'));
const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };

afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});


const sqliteSetup = sqliteSetupFor(dir, 'gate');
const pgSetup = pgSetupFor('gate');

const line = (lineId: string, sku: string, quantity: number): OrderLine => ({ lineId, sku, title: null, quantity, unitPrice: 1, lineTotal: quantity });

const POLICIES = {
	policy: 'ship_complete',
	channelPolicies: {
		policy: [
			{ channel: 'amazon', policy: 'ship_available' },
			{ channel: 'ebay', policy: 'cancel_unavailable' },
		],
	},
};

function gate(name: string, parameters: Record<string, unknown>) {
	return { name, type: 'n8n-nodes-oms-wms.backorderGate', parameters: { ...POLICIES, ...parameters }, credentials: CRED, onError: 'continueErrorOutput' };
}
const reserveNode = {
	name: 'Reserve',
	type: 'n8n-nodes-oms-wms.inventoryAllocator',
	parameters: { operation: 'reserve', channels: ['amazon'] },
	credentials: CRED,
};

function flow(items: unknown[], nodes: Array<Record<string, unknown>>) {
	const edges: Array<[string, string]> = [['Start', 'Items']];
	let prev = 'Items';
	for (const n of nodes) {
		edges.push([prev, n.name as string]);
		prev = n.name as string;
	}
	return buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			...(nodes as never[]),
		],
		edges,
	);
}

const ids = (xs: Array<Record<string, unknown>>) => xs.map((x) => x.omsId);

describe.each([
	['SQLite', sqliteSetup],
	['PostgreSQL', pgSetup],
])('backorderGate on %s', (_name, setup) => {
	it('Route: every policy’s outputs, statuses, holds and timeline; bad items on the error output', async () => {
		const { credentials, store } = await setup();
		await store.upsertStockLevels([
			{ sku: 'A', onHand: 100 },
			{ sku: 'B1', onHand: 2 },
			{ sku: 'B2', onHand: 2 },
			{ sku: 'B3', onHand: 2 },
			{ sku: 'C', onHand: 0 },
		]);
		const full = makeOrder({ channel: 'shopify', channelOrderId: 'full', lines: [line('1', 'A', 2), line('2', 'B1', 1)] });
		const scPartial = makeOrder({ channel: 'shopify', channelOrderId: 'sc-part', lines: [line('1', 'A', 1), line('2', 'B1', 4)] });
		const scNone = makeOrder({ channel: 'shopify', channelOrderId: 'sc-none', lines: [line('1', 'C', 1)] });
		const saPartial = makeOrder({ channel: 'amazon', channelOrderId: 'sa-part', lines: [line('1', 'A', 1), line('2', 'B2', 5)] });
		const saNone = makeOrder({ channel: 'amazon', channelOrderId: 'sa-none', lines: [line('1', 'C', 2)] });
		const cuPartial = makeOrder({ channel: 'ebay', channelOrderId: 'cu-part', lines: [line('1', 'A', 1), line('2', 'B3', 5)] });
		const cuNone = makeOrder({ channel: 'ebay', channelOrderId: 'cu-none', lines: [line('1', 'C', 1)] });
		const orders = [full, scPartial, scNone, saPartial, saNone, cuPartial, cuNone];
		for (const o of orders) await store.recordOrder(o);

		const r = await runWorkflow(flow(orders, [reserveNode, gate('Gate', { operation: 'route' })]), { credentials });
		expect(r.error).toBeUndefined();
		const [ready, partial, backorder, errors] = outputsOf(r, 'Gate');
		expect(errors).toEqual([]);
		expect(ids(ready)).toEqual(['shopify:full']);
		expect(ids(partial)).toEqual(['amazon:sa-part', 'ebay:cu-part']);
		expect(ids(backorder)).toEqual(['shopify:sc-part', 'shopify:sc-none', 'amazon:sa-none', 'ebay:cu-none']);

		expect(ready[0]).toMatchObject({
			shipmentNo: 1,
			shipmentLines: [{ lineId: '1', sku: 'A', quantity: 2 }, { lineId: '2', sku: 'B1', quantity: 1 }],
			holdOverdue: false,
			oms: { status: 'ready', hold: null, changed: true },
			backorder: { output: 'ready', policy: 'ship_complete' },
		});
		// ship complete: held whole, keeps the units it has, visible in the OMS with which lines wait for how many
		const sc = backorder[0];
		expect(sc).toMatchObject({ shipmentLines: [], shipmentNo: null, oms: { status: 'backordered', hold: { reason: 'out_of_stock', detail: 'waiting for 3 unit(s): B1 x3' } } });
		expect((sc.backorder as { backorderedLines: unknown }).backorderedLines).toEqual([{ lineId: '2', sku: 'B1', requested: 4, allocated: 1, backordered: 3 }]);
		expect((await store.activeReservations('shopify:sc-part')).reduce((s, p) => s + p.quantity, 0)).toBe(2);
		const stored = await store.getOrder('shopify:sc-part');
		expect(stored).toMatchObject({ status: 'backordered', hold: { reason: 'out_of_stock' } });
		const tl = await store.timeline('shopify:sc-part');
		expect(tl.map((e) => e.type)).toEqual(['recorded', 'reservation', 'allocation', 'status']);
		expect(tl[3]).toMatchObject({ toStatus: 'backordered', detail: { output: 'backorder', policy: 'ship_complete', waiting: [{ lineId: '2', sku: 'B1', backordered: 3 }], hold: 'out_of_stock' } });
		// ship available: Partial carries the shipment request; the rest stays backordered in the OMS
		expect(partial[0]).toMatchObject({
			shipmentNo: 1,
			shipmentLines: [{ lineId: '1', sku: 'A', quantity: 1 }, { lineId: '2', sku: 'B2', quantity: 2 }],
			cancelLines: [],
			oms: { status: 'backordered', hold: { reason: 'out_of_stock', detail: 'waiting for 3 unit(s): B2 x3' } },
		});
		// cancel unavailable: Partial with the missing units to cancel on the channel; status ready
		expect(partial[1]).toMatchObject({
			shipmentLines: [{ lineId: '1', sku: 'A', quantity: 1 }, { lineId: '2', sku: 'B3', quantity: 2 }],
			cancelLines: [{ lineId: '2', sku: 'B3', quantity: 3 }],
			oms: { status: 'ready', hold: null },
		});
		// nothing allocated: every policy holds (cancel unavailable too, by default)
		for (const b of backorder.slice(1)) expect(b).toMatchObject({ oms: { status: 'backordered', hold: { reason: 'out_of_stock' } }, holdOverdue: false });

		// Route again: same outputs, no status change, the hold keeps its start
		const since = (await store.getOrder('shopify:sc-none'))!.hold!.since;
		const again = await runWorkflow(flow([scNone], [reserveNode, gate('Gate', { operation: 'route' })]), { credentials });
		expect(outputOf(again, 'Gate', 2)[0]).toMatchObject({ omsId: 'shopify:sc-none', oms: { changed: false, hold: { since } } });

		// an old hold is flagged overdue on its own field
		await store.setStatus('amazon:sa-none', 'backordered', { hold: { reason: 'out_of_stock', since: '2020-01-01T00:00:00.000Z', detail: 'x' } });
		const overdue = await runWorkflow(flow([saNone], [reserveNode, gate('Gate', { operation: 'route', options: { holdDays: 3 } })]), { credentials });
		expect(outputOf(overdue, 'Gate', 2)[0]).toMatchObject({ holdOverdue: true, oms: { hold: { since: '2020-01-01T00:00:00.000Z' } } });

		// cancel unavailable with "cancel whole order": nothing allocated -> Backorder, cancelled, every unit to cancel
		const cuNone2 = makeOrder({ channel: 'ebay', channelOrderId: 'cu-none-2', lines: [line('1', 'C', 2)] });
		await store.recordOrder(cuNone2);
		const cancel = await runWorkflow(flow([cuNone2], [reserveNode, gate('Gate', { operation: 'route', options: { cancelWholeOrder: true } })]), { credentials });
		expect(outputOf(cancel, 'Gate', 2)[0]).toMatchObject({ cancelLines: [{ lineId: '1', sku: 'C', quantity: 2 }], oms: { status: 'cancelled', hold: null } });

		// bad input: no allocation, an order not in the store, an order held for fraud review
		const fraud = makeOrder({ channelOrderId: 'fraud', lines: [line('1', 'A', 1)] });
		await store.recordOrder(fraud);
		await store.setStatus(fraud.omsId, 'fraud_review', { hold: { reason: 'fraud_review', since: '2026-05-01T00:00:00.000Z', detail: null } });
		const noAlloc = makeOrder({ channelOrderId: 'no-alloc' });
		await store.recordOrder(noAlloc);
		const bad = await runWorkflow(
			flow([noAlloc, { ...makeOrder({ channelOrderId: 'ghost' }), allocation: { status: 'allocated', lines: [] } }, { ...fraud, allocation: { status: 'allocated', lines: [{ sku: 'A', requested: 1, allocated: 1, backordered: 0 }] } }, full], [gate('Gate', { operation: 'route' })]),
			{ credentials },
		);
		const [okBad, , , errs] = outputsOf(bad, 'Gate');
		expect(ids(okBad)).toEqual(['shopify:full']);
		expect(errs.map((e) => e.error)).toEqual([
			"order shopify:no-alloc has no allocation: run the inventoryAllocator's Reserve before routing",
			'No order shopify:ghost in the OMS store: record it with OMS Order > Record, then Reserve, before routing',
			'Order shopify:fraud is fraud review: Route only moves orders that are received, backordered, ready (resolve the fraud review or hold first)',
		]);
		expect(bad.runData.Gate[0].data!.main[3]!.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('Release Held: priority channels first, then oldest first; each held order released once, never twice (also when two runs race)', async () => {
		const { credentials, store } = await setup();
		await store.upsertStockLevels([{ sku: 'X', onHand: 0 }, { sku: 'Y', onHand: 0 }]);
		const o1 = makeOrder({ channel: 'shopify', channelOrderId: 'h1', placedAt: '2026-05-03T00:00:00.000Z', lines: [line('1', 'X', 2)] });
		const o2 = makeOrder({ channel: 'amazon', channelOrderId: 'h2', placedAt: '2026-05-04T00:00:00.000Z', lines: [line('1', 'X', 1)] });
		const o3 = makeOrder({ channel: 'ebay', channelOrderId: 'h3', placedAt: '2026-05-01T00:00:00.000Z', lines: [line('1', 'X', 2)] });
		const o4 = makeOrder({ channel: 'shopify', channelOrderId: 'h4', placedAt: '2026-05-05T00:00:00.000Z', lines: [line('1', 'X', 1)] });
		const split = makeOrder({ channel: 'amazon', channelOrderId: 'h5', placedAt: '2026-05-06T00:00:00.000Z', lines: [line('1', 'Y', 3)] });
		const orders = [o1, o2, o3, o4, split];
		for (const o of orders) await store.recordOrder(o);
		const routed = await runWorkflow(flow(orders, [reserveNode, gate('Gate', { operation: 'route' })]), { credentials });
		expect(ids(outputOf(routed, 'Gate', 2))).toEqual(['shopify:h1', 'amazon:h2', 'ebay:h3', 'shopify:h4', 'amazon:h5']);

		const release = gate('Release', { operation: 'releaseHeld', options: { priorityChannels: ['amazon'] } });
		// nothing arrived: nothing released
		expect(outputsOf(await runWorkflow(flow([{}], [release]), { credentials }), 'Release').flat()).toEqual([]);

		// 4 units of X arrive: amazon h2 (priority) 1, then the oldest: ebay h3 2; shopify h1 gets the last 1 (kept, still held)
		await store.upsertStockLevels([{ sku: 'X', onHand: 4 }, { sku: 'Y', onHand: 1 }]);
		const first = await runWorkflow(flow([{}], [release]), { credentials });
		expect(first.error).toBeUndefined();
		const [ready1, partial1, held1] = outputsOf(first, 'Release');
		expect(ids(ready1)).toEqual(['amazon:h2', 'ebay:h3']);
		expect(ready1[0]).toMatchObject({ shipmentLines: [{ lineId: '1', sku: 'X', quantity: 1 }], shipmentNo: 1, oms: { status: 'ready', hold: null, changed: true } });
		// ship available: the one Y unit ships now, the rest stays backordered
		expect(ids(partial1)).toEqual(['amazon:h5']);
		expect(partial1[0]).toMatchObject({ shipmentLines: [{ lineId: '1', sku: 'Y', quantity: 1 }], oms: { status: 'backordered', hold: { detail: 'waiting for 2 unit(s): Y x2' } } });
		expect(held1).toEqual([]);
		const h1 = (await store.getOrder('shopify:h1'))!;
		expect(h1.order.allocation).toMatchObject({ status: 'partial', lines: [{ allocated: 1, backordered: 1 }] });
		// still held, and the hold says what it waits for now
		expect(h1).toMatchObject({ status: 'backordered', hold: { reason: 'out_of_stock', detail: 'waiting for 1 unit(s): X x1' } });
		expect((await store.getStock(['X']))[0]).toMatchObject({ reserved: 4, atp: 0 });
		expect((await store.timeline('amazon:h2')).map((e) => e.type)).toEqual(['recorded', 'allocation', 'status', 'reservation', 'status', 'allocation']);

		// run again before h5's part reached the WMS outbox (here no WMS node ran; in n8n: the execution died before
		// Create): nothing is released twice, and the unsent part is answered again, on Partial, as the same shipment 1
		const rerun = outputsOf(await runWorkflow(flow([{}], [release]), { credentials }), 'Release');
		expect(rerun.map((o) => ids(o))).toEqual([[], ['amazon:h5'], [], []]);
		expect(rerun[1][0]).toMatchObject({ shipmentNo: 1, shipmentLines: [{ lineId: '1', sku: 'Y', quantity: 1 }], backorder: { released: false }, oms: { status: 'backordered' } });
		// its part is in the outbox now, as the WMS node writes a split shipment (with its lines): nothing new, nothing
		await store.enqueueDelivery({ omsId: 'amazon:h5', shipmentNo: 1, provider: 'test', reference: 'amazon:h5', payload: { lines: [{ lineId: '1', sku: 'Y', quantity: 1 }] } });
		expect(outputsOf(await runWorkflow(flow([{}], [release]), { credentials }), 'Release').flat()).toEqual([]);

		// 2 more X and 2 more Y; two Release Held runs race: each order is emitted by exactly one of them
		await store.upsertStockLevels([{ sku: 'X', onHand: 6 }, { sku: 'Y', onHand: 3 }]);
		const [a, b] = await Promise.all([
			runWorkflow(flow([{}], [release]), { credentials }),
			runWorkflow(flow([{}], [gate('Release', { operation: 'releaseHeld', options: { priorityChannels: ['amazon'] } })]), { credentials }),
		]);
		const readyAll = [...outputOf(a, 'Release', 0), ...outputOf(b, 'Release', 0)];
		expect(ids(readyAll).sort()).toEqual(['amazon:h5', 'shopify:h1', 'shopify:h4']);
		expect([...outputOf(a, 'Release', 1), ...outputOf(b, 'Release', 1)]).toEqual([]);
		const h5 = readyAll.find((o) => o.omsId === 'amazon:h5')!;
		// the earlier shipment went to the WMS: this one is shipment 2 with only the new units
		expect(h5).toMatchObject({ shipmentNo: 2, shipmentLines: [{ lineId: '1', sku: 'Y', quantity: 2 }], oms: { status: 'ready' } });
		for (const id of ['shopify:h1', 'shopify:h4', 'amazon:h5']) expect((await store.getOrder(id))!.status).toBe('ready');
		expect((await store.getStock(['X', 'Y'])).map((s) => [s.sku, s.reserved, s.atp])).toEqual([
			['X', 6, 0],
			['Y', 3, 0],
		]);
		expect(outputsOf(await runWorkflow(flow([{}], [release]), { credentials }), 'Release').flat()).toEqual([]);

		// Emit Still-Held Orders: a held order with nothing new goes to Backorder, flagged when overdue
		const late = makeOrder({ channel: 'walmart', channelOrderId: 'late', placedAt: '2026-05-01T00:00:00.000Z', lines: [line('1', 'X', 1)] });
		await store.recordOrder(late);
		await runWorkflow(flow([late], [reserveNode, gate('Gate', { operation: 'route' })]), { credentials });
		await store.setStatus(late.omsId, 'backordered', { hold: { reason: 'out_of_stock', since: '2020-01-01T00:00:00.000Z', detail: 'x' } });
		const still = await runWorkflow(flow([{}], [gate('Release', { operation: 'releaseHeld', options: { includeStillHeld: true, holdDays: 5 } })]), { credentials });
		const [r0, r1, r2] = outputsOf(still, 'Release');
		expect([r0, r1]).toEqual([[], []]);
		expect(r2).toHaveLength(1);
		expect(r2[0]).toMatchObject({ omsId: 'walmart:late', holdOverdue: true, backorder: { released: false }, oms: { status: 'backordered' } });
	});

	it('Release Held after the first part of a split order shipped: reserves only the missing units, ships them as shipment 2', async () => {
		const { credentials, store } = await setup();
		await store.upsertStockLevels([{ sku: 'Y', onHand: 1 }, { sku: 'Z', onHand: 4 }]);
		const split = makeOrder({ channel: 'amazon', channelOrderId: 'split', lines: [line('1', 'Y', 3), line('2', 'Z', 2)] });
		await store.recordOrder(split);
		const routed = await runWorkflow(flow([split], [reserveNode, gate('Gate', { operation: 'route' })]), { credentials });
		const [first] = outputOf(routed, 'Gate', 1);
		expect(first).toMatchObject({ shipmentNo: 1, shipmentLines: [{ lineId: '1', sku: 'Y', quantity: 1 }, { lineId: '2', sku: 'Z', quantity: 2 }] });
		// the first shipment goes to the WMS and ships: its units leave on hand and reserved
		await store.enqueueDelivery({
			omsId: split.omsId,
			shipmentNo: 1,
			provider: 'test',
			reference: split.omsId,
			payload: { lines: [{ lineId: '1', sku: 'Y', quantity: 1 }, { lineId: '2', sku: 'Z', quantity: 2 }] },
		});
		const commit = { name: 'Commit', type: 'n8n-nodes-oms-wms.inventoryAllocator', parameters: { operation: 'commitShipment', channels: ['amazon'] }, credentials: CRED };
		await runWorkflow(flow([{ omsId: split.omsId, packageKey: 'PKG-1', lines: [{ sku: 'Y', quantity: 1 }, { sku: 'Z', quantity: 2 }] }], [commit]), { credentials });
		expect((await store.getStock(['Y', 'Z'])).map((r) => [r.sku, r.onHand, r.reserved])).toEqual([
			['Y', 0, 0],
			['Z', 2, 0],
		]);
		// 5 Y arrive: the order lacks 2
		await store.upsertStockLevels([{ sku: 'Y', onHand: 5 }]);
		const rel = await runWorkflow(flow([{}], [gate('Release', { operation: 'releaseHeld' })]), { credentials });
		const [ready] = outputsOf(rel, 'Release');
		expect(ready).toHaveLength(1);
		expect(ready[0]).toMatchObject({
			omsId: split.omsId,
			shipmentNo: 2,
			shipmentLines: [{ lineId: '1', sku: 'Y', quantity: 2 }],
			allocation: { status: 'allocated', lines: [{ sku: 'Y', requested: 3, allocated: 3, backordered: 0 }, { sku: 'Z', requested: 2, allocated: 2, backordered: 0 }] },
			oms: { status: 'ready' },
		});
		expect((await store.getStock(['Y', 'Z'])).map((r) => [r.sku, r.reserved, r.atp])).toEqual([
			['Y', 2, 3],
			['Z', 0, 2],
		]);
	});
});
