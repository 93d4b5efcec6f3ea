/**
 * The wms node through n8n-core's WorkflowExecute, against the WMS sandbox (ShipBob, ShipHero, Extensiv, Generic
 * REST), on a real SQLite store: push (outbox first, not-ready refused), retry after a down window, duplicates,
 * split shipments, Get Updates (each package once, never a downgrade), inventory, cancel, get, credential tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { CredentialTestContext } from 'n8n-core';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../lib/store/open';
import type { OmsStatus, Store } from '../../lib/store/types';
import type { CanonicalOrder, OrderLine } from '../../lib/order/types';
import { createAxiosRequest } from '../../lib/http/axios';
import { listAttention } from '../../lib/flows';
import { createWmsProvider, type WmsProviderName } from '../../lib/wms';
import { wmsConfig, extensivApiTest, genericWmsApiTest, shipBobApiTest, shipHeroApiTest } from '../../nodes/shared/wms';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../sandbox/wms';
import { WMS_CREDENTIAL_TYPE, wmsCredentialData } from '../helpers/wms-credentials';
import { buildWorkflow, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';

const dir = mkdtempSync(join(tmpdir(), 'wms-node-'));
let dbn = 0;
let sb: WmsSandbox;

beforeAll(async () => {
	sb = await startWmsSandbox({ shipbob: { rateLimit: false }, shiphero: { credits: false }, extensiv: { rejectDuplicates: false } });
});
afterAll(async () => {
	await sb.close();
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const CRED_NAME = WMS_CREDENTIAL_TYPE;
const credentialData = (p: WmsProviderName) => wmsCredentialData(sb, p);

/** A fresh SQLite store file, the credentials the harness hands out, and the same store opened for setup */
async function setup() {
	const sqlitePath = join(dir, `oms-${dbn++}.sqlite`);
	const credentials: Record<string, Record<string, unknown>> = { omsStoreApi: { storeType: 'sqlite', sqlitePath } };
	for (const p of Object.keys(CRED_NAME) as WmsProviderName[]) credentials[CRED_NAME[p]] = credentialData(p);
	const store = await openStore(storeConfigFromCredential({ storeType: 'sqlite', sqlitePath }));
	return { credentials, store };
}

let seq = 0;
/** An order recorded in the store and moved to `status` (ready by default), with unique ids across the sandbox */
async function recorded(store: Store, status: OmsStatus = 'ready', lines?: OrderLine[]): Promise<CanonicalOrder> {
	const o = makeOrder({ channel: 'shopify', channelOrderId: `wn-${process.pid}-${++seq}`, ...(lines ? { lines } : {}) });
	await store.recordOrder(o);
	if (status !== 'received') await store.setStatus(o.omsId, status);
	return o;
}

type Params = Record<string, unknown>;

async function run(provider: WmsProviderName, credentials: Record<string, Record<string, unknown>>, parameters: Params, items: unknown[] = [{}], credId = `c-${provider}`) {
	const wf = buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Orders', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			{
				name: 'WMS',
				type: 'n8n-nodes-oms-wms.wms',
				parameters: { provider, options: { attempts: 1, rateLimit: false }, ...parameters } as never,
				credentials: { [CRED_NAME[provider]]: { id: credId, name: provider }, omsStoreApi: { id: 'store', name: 'OMS Store' } },
				onError: 'continueErrorOutput',
			},
		],
		[
			['Start', 'Orders'],
			['Orders', 'WMS'],
		],
	);
	const result = await runWorkflow(wf, { credentials });
	expect(result.error).toBeUndefined();
	const [main, errors] = outputsOf(result, 'WMS');
	return { main: main ?? [], errors: errors ?? [] };
}

const create = (p: WmsProviderName, c: Record<string, Record<string, unknown>>, items: unknown[], options: Params = {}) =>
	run(p, c, { resource: 'order', operation: 'create', options: { attempts: 1, rateLimit: false, ...options } }, items);
const updates = (p: WmsProviderName, c: Record<string, Record<string, unknown>>) => run(p, c, { resource: 'shipment', operation: 'getUpdates' });

const PROVIDERS: WmsProviderName[] = ['shipbob', 'shiphero', 'extensiv', 'generic'];

describe.each(PROVIDERS)('wms node, %s', (provider) => {
	it('Create: ready orders reach the WMS once; not-ready ones are refused on the error output and never reach it', async () => {
		const { credentials, store } = await setup();
		const a = await recorded(store);
		const b = await recorded(store);
		const back = await recorded(store, 'backordered');
		const unscreened = await recorded(store, 'received');
		const { main, errors } = await create(provider, credentials, [a, back, b, unscreened]);
		expect(main.map((o) => o.omsId)).toEqual([a.omsId, b.omsId]);
		for (const o of main) {
			expect(o.wms).toMatchObject({ provider, reference: o.omsId, outcome: 'created', status: 'at_wms', delivery: { status: 'sent', attempts: 1 } });
			expect((o.wms as IDataObject).wmsOrderId).toBeTruthy();
			expect(o.oms).toEqual({ status: 'at_wms' });
		}
		expect(errors.map((e) => String(e.error))).toEqual([expect.stringMatching(/backordered, not ready/), expect.stringMatching(/received, not ready/)]);
		for (const o of [a, b]) expect(sb.control.ordersByReference(provider, o.omsId)).toHaveLength(1);
		for (const o of [back, unscreened]) {
			expect(sb.control.ordersByReference(provider, o.omsId)).toHaveLength(0);
			expect(await store.getDelivery(o.omsId, 1)).toBeNull();
		}
		// again: already sent, nothing new at the WMS
		const again = await create(provider, credentials, [a, b]);
		expect(again.main.map((o) => (o.wms as IDataObject).outcome)).toEqual(['already_sent', 'already_sent']);
		for (const o of [a, b]) expect(sb.control.ordersByReference(provider, o.omsId)).toHaveLength(1);
	});

	it('Get Updates: status and tracking into the store, each shipped package emitted once, ready for Confirm Shipment', async () => {
		const { credentials, store } = await setup();
		const o = await recorded(store, 'ready', [{ lineId: 'L1', sku: `MUG-${provider}`, title: 'Mug', quantity: 2, unitPrice: 10, lineTotal: 20 }]);
		await create(provider, credentials, [o]);
		sb.control.advance(200_000);
		const first = await updates(provider, credentials);
		const mine = first.main.filter((s) => s.omsId === o.omsId);
		expect(mine).toHaveLength(1);
		const pkg = sb.control.ordersByReference(provider, o.omsId)[0].packages[0];
		expect(mine[0]).toMatchObject({
			omsId: o.omsId,
			channel: 'shopify',
			channelOrderId: o.channelOrderId,
			provider,
			trackingNumber: pkg.trackingNumber,
			lines: [{ lineId: 'L1', sku: `MUG-${provider}`, quantity: 2 }],
		});
		expect(mine[0].carrier).toBeTruthy();
		expect(mine[0].packageKey).toBeTruthy();
		expect(mine[0].shippedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		const stored = (await store.getOrder(o.omsId))!;
		expect(stored.status).toBe('shipped');
		expect(await store.getShipments(o.omsId)).toHaveLength(1);
		// the second pull emits nothing already emitted
		const second = await updates(provider, credentials);
		expect(second.main.filter((s) => s.omsId === o.omsId)).toHaveLength(0);
		expect(await store.getShipments(o.omsId)).toHaveLength(1);
	});

	it('Inventory Get Levels: per SKU and location', async () => {
		const { credentials } = await setup();
		const sku = `INV-${provider}-${seq++}`;
		sb.control.seedStock({ [sku]: 7 });
		const { main } = await run(provider, credentials, { resource: 'inventory', operation: 'getLevels' });
		const row = main.find((r) => r.sku === sku);
		expect(row).toMatchObject({ sku, onHand: 7, provider });
		expect(typeof row!.location).toBe('string');
		expect(typeof row!.available).toBe('number');
	});

	it('Get and Cancel: the WMS order with the stored one; cancel at the WMS moves the order to cancelled', async () => {
		const { credentials, store } = await setup();
		const o = await recorded(store);
		await create(provider, credentials, [o]);
		const got = await run(provider, credentials, { resource: 'order', operation: 'get', omsId: o.omsId });
		expect(got.main[0]).toMatchObject({ omsId: o.omsId, oms: { status: 'at_wms' }, wmsOrder: { found: true, reference: o.omsId, status: 'at_wms' } });
		const cancelled = await run(provider, credentials, { resource: 'order', operation: 'cancel', omsId: o.omsId });
		expect(cancelled.main[0]).toMatchObject({ omsId: o.omsId, cancelled: true, oms: { status: 'cancelled' } });
		expect(sb.control.ordersByReference(provider, o.omsId)[0].stage).toBe('cancelled');
		const missing = await run(provider, credentials, { resource: 'order', operation: 'get', omsId: 'shopify:nope-404' });
		expect(String(missing.errors[0].error)).toMatch(/neither the OMS store nor/);
	});
});

describe('wms node: outbox and reliability', () => {
	it('a WMS down for a window: orders wait in the outbox (pending, attempts, next try); Retry Pending sends each exactly once', async () => {
		const { credentials, store } = await setup();
		const orders = [await recorded(store), await recorded(store), await recorded(store), await recorded(store)];
		sb.control.down('extensiv');
		const first = await create('extensiv', credentials, orders, { backoffBaseSeconds: 0 });
		expect(first.errors).toEqual([]);
		for (const o of first.main) {
			expect(o.wms).toMatchObject({ outcome: 'retry_scheduled', status: 'pending', delivery: { status: 'pending', attempts: 1, nextAttemptAt: expect.any(String) } });
			expect(String((o.wms as IDataObject).error)).toMatch(/503/);
		}
		// still down: the retry keeps them pending
		const stillDown = await run('extensiv', credentials, { resource: 'order', operation: 'retryPending', options: { attempts: 1, rateLimit: false, backoffBaseSeconds: 0 } });
		expect(stillDown.main.map((r) => r.outcome)).toEqual(['retry_scheduled', 'retry_scheduled', 'retry_scheduled', 'retry_scheduled']);
		sb.control.up();
		const flushed = await run('extensiv', credentials, { resource: 'order', operation: 'retryPending', options: { attempts: 1, rateLimit: false, backoffBaseSeconds: 0 } });
		expect(flushed.main.map((r) => [r.omsId, r.outcome])).toEqual(orders.map((o) => [o.omsId, 'created']));
		expect(flushed.main[0].delivery).toMatchObject({ status: 'sent', attempts: 3 });
		for (const o of orders) {
			expect(sb.control.ordersByReference('extensiv', o.omsId)).toHaveLength(1);
			expect((await store.getOrder(o.omsId))!.status).toBe('at_wms');
		}
		// nothing left to flush; a repeated Create sends nothing
		expect((await run('extensiv', credentials, { resource: 'order', operation: 'retryPending' })).main).toEqual([]);
		expect((await create('extensiv', credentials, orders)).main.map((o) => (o.wms as IDataObject).outcome)).toEqual(orders.map(() => 'already_sent'));
		for (const o of orders) expect(sb.control.ordersByReference('extensiv', o.omsId)).toHaveLength(1);
	});

	it('a delivery that keeps failing is named with its last error; a refusal goes to the error output', async () => {
		const { credentials, store } = await setup();
		const o = await recorded(store);
		sb.control.fault({ provider: 'generic', match: 'POST /orders', kind: '503', times: Infinity });
		const first = await create('generic', credentials, [o], { backoffBaseSeconds: 0, maxAttempts: 2 });
		expect(first.main[0].wms).toMatchObject({ outcome: 'retry_scheduled' });
		const last = await run('generic', credentials, { resource: 'order', operation: 'retryPending', options: { attempts: 1, rateLimit: false, backoffBaseSeconds: 0, maxAttempts: 2 } });
		sb.control.clearFaults();
		expect(last.main[0]).toMatchObject({ omsId: o.omsId, outcome: 'failed', status: 'failed', delivery: { status: 'failed', attempts: 2, lastError: expect.stringMatching(/503/) } });
		// Create of a failed delivery: error output, with the reason
		const again = await create('generic', credentials, [o]);
		expect(again.main).toEqual([]);
		expect(String(again.errors[0].error)).toMatch(/failed at Generic REST WMS.*503.*held until OMS Order > Release/);
		expect(sb.control.ordersByReference('generic', o.omsId)).toHaveLength(0);
		// failed for good: the order is held for a person, with the WMS's words
		expect(await store.getOrder(o.omsId)).toMatchObject({ status: 'on_hold', hold: { reason: 'wms_failed', detail: expect.stringMatching(/503/) } });
	});

	it.each(['shipbob', 'shiphero', 'extensiv', 'generic'] as const)('%s: a reference the WMS already has (a lost answer) is answered as success, no second order', async (provider) => {
		const { credentials, store } = await setup();
		const o = await recorded(store);
		// the first create reached the WMS, but its answer never came back to the OMS
		const direct = createWmsProvider(provider, wmsConfig(provider, credentialData(provider)), { request: createAxiosRequest(), rateLimit: false });
		await direct.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		const { main, errors } = await create(provider, credentials, [o]);
		expect(errors).toEqual([]);
		expect(main[0].wms).toMatchObject({ outcome: 'exists', status: 'at_wms' });
		expect(sb.control.ordersByReference(provider, o.omsId)).toHaveLength(1);
		expect((await store.getOrder(o.omsId))!.status).toBe('at_wms');
	});

	it('Cancel that the WMS does not answer: the item says it is owed (the order held cancel_owed, units kept), Retry Pending cancels it when the WMS answers; never asked again', async () => {
		const { credentials, store } = await setup();
		await store.upsertStockLevels([{ sku: 'NODE-CANCEL', onHand: 5 }]);
		const o = await recorded(store, 'ready', [{ lineId: '1', sku: 'NODE-CANCEL', title: 'Mug', quantity: 2, unitPrice: 10, lineTotal: 20 }]);
		await store.reserve([{ omsId: o.omsId, lines: [{ lineId: '1', sku: 'NODE-CANCEL', quantity: 2 }], allowPartial: false }]);
		await create('generic', credentials, [o]);
		const options = { attempts: 1, rateLimit: false, backoffBaseSeconds: 0 };
		sb.control.fault({ provider: 'generic', match: '/cancel', kind: '503', times: 2 });
		const owed = await run('generic', credentials, { resource: 'order', operation: 'cancel', omsId: o.omsId, options });
		expect(owed.errors).toEqual([]);
		expect(owed.main[0]).toMatchObject({ omsId: o.omsId, cancelled: false, owed: true, oms: { status: 'at_wms' }, references: [{ reference: o.omsId, outcome: 'owed', callStatus: 'pending' }] });
		expect(String((owed.main[0].references as IDataObject[])[0].error)).toMatch(/503/);
		expect((await store.getOrder(o.omsId))!.hold?.reason).toBe('cancel_owed');
		expect((await store.activeReservations(o.omsId)).length).toBe(1);
		const still = await run('generic', credentials, { resource: 'order', operation: 'retryPending', options });
		expect(still.main).toEqual([expect.objectContaining({ omsId: o.omsId, call: 'cancel', outcome: 'retry_scheduled', status: 'pending', attempts: 2 })]);
		const done = await run('generic', credentials, { resource: 'order', operation: 'retryPending', options });
		expect(done.main).toEqual([expect.objectContaining({ omsId: o.omsId, call: 'cancel', outcome: 'sent', status: 'sent', attempts: 3 })]);
		const stored = (await store.getOrder(o.omsId))!;
		expect([stored.status, stored.hold, (await store.activeReservations(o.omsId)).length]).toEqual(['cancelled', null, 0]);
		expect(sb.control.ordersByReference('generic', o.omsId)[0].stage).toBe('cancelled');
		// answered: nothing left to retry, and Cancel again asks the WMS nothing
		const asked = sb.control.calls({ provider: 'generic', path: /\/cancel/ }).length;
		expect((await run('generic', credentials, { resource: 'order', operation: 'retryPending', options })).main).toEqual([]);
		const repeat = await run('generic', credentials, { resource: 'order', operation: 'cancel', omsId: o.omsId, options });
		expect(repeat.main[0]).toMatchObject({ cancelled: true, owed: false, statusChanged: false });
		expect(sb.control.calls({ provider: 'generic', path: /\/cancel/ })).toHaveLength(asked);
	});

	it('Cancel never answered through every attempt: failed, in the Attention queue; Cancel again asks once more and cancels; a refusal is an error item', async () => {
		const { credentials, store } = await setup();
		const o = await recorded(store);
		await create('generic', credentials, [o]);
		const options = { attempts: 1, rateLimit: false, backoffBaseSeconds: 0, maxAttempts: 2 };
		sb.control.fault({ provider: 'generic', match: '/cancel', kind: '503', times: 2 });
		await run('generic', credentials, { resource: 'order', operation: 'cancel', omsId: o.omsId, options });
		const last = await run('generic', credentials, { resource: 'order', operation: 'retryPending', options });
		expect(last.main).toEqual([expect.objectContaining({ omsId: o.omsId, call: 'cancel', outcome: 'failed', status: 'failed', attempts: 2, error: expect.stringMatching(/503/) })]);
		const items = (await listAttention(store)).items.filter((i) => i.omsId === o.omsId);
		expect(items.map((i) => [i.kind, i.reason])).toEqual([['wms_call_failed', 'cancel_failed']]);
		const again = await run('generic', credentials, { resource: 'order', operation: 'cancel', omsId: o.omsId, options });
		expect(again.main[0]).toMatchObject({ cancelled: true, oms: { status: 'cancelled' } });
		expect((await listAttention(store)).items.filter((i) => i.omsId === o.omsId)).toEqual([]);

		// the WMS refuses (already shipped there): the error output with its words, the order held cancel_refused
		const picked = await recorded(store);
		await create('generic', credentials, [picked]);
		sb.control.advance(200_000);
		const refused = await run('generic', credentials, { resource: 'order', operation: 'cancel', omsId: picked.omsId, options });
		expect(refused.main).toEqual([]);
		expect(String(refused.errors[0].error)).toMatch(/cancel failed for .*the WMS says shipped/);
		expect((await store.getOrder(picked.omsId))!.hold?.reason).toBe('cancel_refused');
	});

	it('split shipments (Backorder Gate Partial items): each part is its own WMS order, tracking mapped to its own lines', async () => {
		const { credentials, store } = await setup();
		const lines: OrderLine[] = [
			{ lineId: 'a', sku: 'SPLIT-MUG', title: 'Mug', quantity: 2, unitPrice: 10, lineTotal: 20 },
			{ lineId: 'b', sku: 'SPLIT-TEE', title: 'Tee', quantity: 3, unitPrice: 15, lineTotal: 45 },
		];
		const o = await recorded(store, 'ready', lines);
		const part1 = { ...o, shipmentNo: 1, shipmentLines: [{ lineId: 'a', sku: 'SPLIT-MUG', quantity: 2 }, { lineId: 'b', sku: 'SPLIT-TEE', quantity: 1 }] };
		const r1 = await create('shipbob', credentials, [part1]);
		expect(r1.main[0].wms).toMatchObject({ reference: o.omsId, outcome: 'created' });
		sb.control.advance(60_000);
		const part2 = { ...o, shipmentNo: 2, shipmentLines: [{ lineId: 'b', sku: 'SPLIT-TEE', quantity: 2 }] };
		const r2 = await create('shipbob', credentials, [part2]);
		expect(r2.main[0].wms).toMatchObject({ reference: `${o.omsId}#2`, outcome: 'created' });
		expect(sb.control.ordersByReference('shipbob', `${o.omsId}#2`)[0].lines.map((l) => [l.sku, l.quantity])).toEqual([['SPLIT-TEE', 2]]);
		sb.control.advance(400_000);
		const { main } = await updates('shipbob', credentials);
		const mine = main.filter((s) => s.omsId === o.omsId);
		expect(mine).toHaveLength(2);
		const track1 = sb.control.ordersByReference('shipbob', o.omsId)[0].packages[0].trackingNumber;
		const track2 = sb.control.ordersByReference('shipbob', `${o.omsId}#2`)[0].packages[0].trackingNumber;
		expect(track1).not.toBe(track2);
		const byTracking = Object.fromEntries(mine.map((s) => [s.trackingNumber as string, s.lines]));
		expect(byTracking[track1]).toEqual([
			{ lineId: 'a', sku: 'SPLIT-MUG', quantity: 2 },
			{ lineId: 'b', sku: 'SPLIT-TEE', quantity: 1 },
		]);
		expect(byTracking[track2]).toEqual([{ lineId: 'b', sku: 'SPLIT-TEE', quantity: 2 }]);
		expect((await store.getOrder(o.omsId))!.status).toBe('shipped');
	});

	it('late updates never downgrade: an order the OMS knows as shipped stays shipped when the WMS feed says packed', async () => {
		const { credentials, store } = await setup();
		const o = await recorded(store);
		await create('shiphero', credentials, [o]);
		sb.control.advance(130_000); // packed at the WMS, not shipped yet
		await store.setStatus(o.omsId, 'shipped', { cause: 'test: a newer state already known' });
		const { main } = await updates('shiphero', credentials);
		expect(main.filter((s) => s.omsId === o.omsId)).toHaveLength(0);
		const stored = (await store.getOrder(o.omsId))!;
		expect(stored.status).toBe('shipped');
		// and once it ships at the WMS, its package is recorded and emitted once
		sb.control.advance(100_000);
		const later = await updates('shiphero', credentials);
		expect(later.main.filter((s) => s.omsId === o.omsId)).toHaveLength(1);
		expect((await store.getOrder(o.omsId))!.status).toBe('shipped');
	});

	it('an item that is not a canonical order, or a split line that is not the order’s, goes to the error output', async () => {
		const { credentials, store } = await setup();
		const o = await recorded(store);
		const { main, errors } = await create('generic', credentials, [{ omsId: 'x' }, { ...o, shipmentNo: 1, shipmentLines: [{ lineId: 'zz', sku: 'NOPE', quantity: 1 }] }]);
		expect(main).toEqual([]);
		expect(String(errors[0].error)).toMatch(/not a valid canonical order/);
		expect(String(errors[1].error)).toMatch(/shipmentLines\[0\] \(zz\) is not a line/);
		expect(sb.control.ordersByReference('generic', o.omsId)).toHaveLength(0);
	});
});

describe('wms node: tokens across executions', () => {
	it.each(['shiphero', 'extensiv'] as const)('%s: one token for several executions on one credential; a new one after the credential changes', async (provider) => {
		const { credentials } = await setup();
		const tokenPath = provider === 'shiphero' ? '/auth/token' : '/AuthServer/api/Token';
		const id = `tok-${provider}-${seq++}`;
		sb.control.clearCalls();
		for (let k = 0; k < 3; k++) expect((await run(provider, credentials, { resource: 'inventory', operation: 'getLevels' }, [{}], id)).errors).toEqual([]);
		expect(sb.control.calls({ provider, path: tokenPath })).toHaveLength(1);
		// an edited credential (same id) is a new client: it logs in with what it now holds
		const edited = { ...credentials, [CRED_NAME[provider]]: { ...credentials[CRED_NAME[provider]], ...(provider === 'shiphero' ? { shopName: 'Other' } : { facilityId: 2 }) } };
		await run(provider, edited, { resource: 'inventory', operation: 'getLevels' }, [{}], id);
		expect(sb.control.calls({ provider, path: tokenPath })).toHaveLength(2);
	});
});

describe('wms node: Generic REST settings', () => {
	it('a field mapping and a status word table set in the node', async () => {
		const { credentials, store } = await setup();
		const o = await recorded(store);
		const mapping = {
			field: [
				{ target: 'external_id', source: 'reference' },
				{ target: 'order_number', source: 'order.orderNumber' },
				{ target: 'ship_to.name', source: 'order.shipTo.name' },
				{ target: 'ship_to.address1', source: 'order.shipTo.line1' },
				{ target: 'ship_to.city', source: 'order.shipTo.city' },
				{ target: 'ship_to.country', source: 'order.shipTo.country' },
				{ target: 'ship_to.postal_code', source: 'order.shipTo.postalCode' },
				{ target: 'items[].sku', source: 'lines[].sku' },
				{ target: 'items[].quantity', source: 'lines[].quantity' },
				{ target: 'items[].line_id', source: 'lines[].lineId' },
			],
		};
		const r = await run('generic', credentials, { resource: 'order', operation: 'create', genericBody: 'mapping', genericMapping: mapping }, [o]);
		expect(r.errors).toEqual([]);
		expect(r.main[0].wms).toMatchObject({ outcome: 'created' });
		expect(sb.control.ordersByReference('generic', o.omsId)[0].lines.map((l) => [l.sku, l.quantity])).toEqual([['SKU-1', 2]]);
		// the sandbox's "picking" read as packed through the node's table
		sb.control.advance(70_000);
		const got = await run('generic', credentials, {
			resource: 'order',
			operation: 'get',
			omsId: o.omsId,
			genericStatusMap: { status: [{ word: 'picking', status: 'packed' }] },
		});
		expect(got.main[0].wmsOrder).toMatchObject({ found: true, status: 'packed' });
	});
});

describe('credential tests (node-side, through n8n’s credential-test request helper)', () => {
	const ctx = () => new CredentialTestContext({} as IWorkflowExecuteAdditionalData);
	it.each([
		['shipbob', shipBobApiTest, 'token'],
		['shiphero', shipHeroApiTest, 'password'],
		['extensiv', extensivApiTest, 'clientSecret'],
		['generic', genericWmsApiTest, 'authHeaderValue'],
	] as const)('%s: OK with the sandbox credential; a wrong secret is an error that does not show it', async (provider, test, secretField) => {
		const data = credentialData(provider) as ICredentialDataDecryptedObject;
		const good = await test.call(ctx(), { id: `t-${provider}`, name: provider, type: CRED_NAME[provider], data });
		expect(good).toMatchObject({ status: 'OK' });
		const wrong = 'wrong-secret-value-123';
		const bad = await test.call(ctx(), { id: `t-bad-${provider}`, name: provider, type: CRED_NAME[provider], data: { ...data, [secretField]: wrong } });
		expect(bad.status).toBe('Error');
		expect(bad.message).not.toContain(wrong);
		const missing = await test.call(ctx(), { id: `t-miss-${provider}`, name: provider, type: CRED_NAME[provider], data: { ...data, [secretField]: '' } });
		expect(missing.status).toBe('Error');
	});
	it('shiphero with a refresh token (no password): the token comes from /auth/refresh; a bad one is an error', async () => {
		const login = await createAxiosRequest()({
			method: 'POST',
			url: `${sb.baseUrls.shiphero}/auth/token`,
			headers: { 'Content-Type': 'application/json' },
			body: { username: SANDBOX_CREDENTIALS.shiphero.username, password: SANDBOX_CREDENTIALS.shiphero.password },
		});
		const refreshToken = (login.body as { refresh_token: string }).refresh_token;
		const data = { authType: 'refreshToken', refreshToken, baseUrl: sb.baseUrls.shiphero } as ICredentialDataDecryptedObject;
		sb.control.clearCalls();
		expect(await shipHeroApiTest.call(ctx(), { id: 't-rt', name: 'rt', type: 'omsShipHeroApi', data })).toMatchObject({ status: 'OK' });
		expect(sb.control.calls({ provider: 'shiphero', path: '/auth/refresh' })).toHaveLength(1);
		expect(sb.control.calls({ provider: 'shiphero', path: '/auth/token' })).toHaveLength(0);
		const bad = await shipHeroApiTest.call(ctx(), { id: 't-rt-bad', name: 'rt', type: 'omsShipHeroApi', data: { ...data, refreshToken: 'not-a-token-999' } });
		expect(bad.status).toBe('Error');
		expect(bad.message).not.toContain('not-a-token-999');
	});
});

describe('wms node after Reserve and Backorder Gate', () => {
	const STORE = { omsStoreApi: { id: 'store', name: 'OMS Store' } };
	const gateLine = (lineId: string, sku: string, quantity: number) => ({ lineId, sku, title: null, quantity, unitPrice: 1, lineTotal: quantity });
	/** Two orders: 2 of A (allocated whole, with A stocked 10) and 1 of A with 5 of B (only part of it, with B stocked 2) */
	const fullAndPart = (channel: string, prefix: string, A: string, B: string) => ({
		full: makeOrder({ channel, channelOrderId: `${prefix}-full`, lines: [gateLine('1', A, 2)] }),
		part: makeOrder({ channel, channelOrderId: `${prefix}-part`, lines: [gateLine('1', A, 1), gateLine('2', B, 5)] }),
	});
	/**
	 * Orders -> Reserve -> Backorder Gate > Route (ship available), and one WMS > Create per name, on the gate's outputs
	 * in order (Ready, Partial, Backorder); with no names the execution ends at Route
	 */
	const routeToWms = (orders: unknown[], wmsNames: string[], options: Params = {}) =>
		buildWorkflow(
			[
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Orders', type: 'test.itemsSource', parameters: { items: JSON.stringify(orders) } },
				{ name: 'Reserve', type: 'n8n-nodes-oms-wms.inventoryAllocator', parameters: { operation: 'reserve' }, credentials: STORE },
				{ name: 'Gate', type: 'n8n-nodes-oms-wms.backorderGate', parameters: { operation: 'route', policy: 'ship_available' }, credentials: STORE, onError: 'continueErrorOutput' },
				...(wmsNames.map((n) => wmsNode(n, options)) as never[]),
			],
			[['Start', 'Orders'], ['Orders', 'Reserve'], ['Reserve', 'Gate'], ...wmsNames.map((n, i) => ['Gate', n, i] as [string, string, number])],
		);
	/** Release Held (ship available) with Ready and Partial into WMS > Create, as inventory-sync.json chains them */
	const releaseToWms = () =>
		buildWorkflow(
			[
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Gate', type: 'n8n-nodes-oms-wms.backorderGate', parameters: { operation: 'releaseHeld', policy: 'ship_available' }, credentials: STORE, onError: 'continueErrorOutput' },
				wmsNode('WMS') as never,
			],
			[
				['Start', 'Gate'],
				['Gate', 'WMS', 0],
				['Gate', 'WMS', 1],
			],
		);
	/** WMS > Create on ShipBob, its errors on the error output */
	const wmsNode = (name: string, options: Params = {}) => ({
		name,
		type: 'n8n-nodes-oms-wms.wms',
		parameters: { provider: 'shipbob', resource: 'order', operation: 'create', options: { attempts: 1, rateLimit: false, ...options } },
		credentials: { omsShipBobApi: { id: 'c-shipbob', name: 'ShipBob' }, ...STORE },
		onError: 'continueErrorOutput',
	});

	it('a Partial whose part never reached the outbox (the execution died between Route and Create): Release Held sends it, once', async () => {
		const { credentials, store } = await setup();
		const tag = `${process.pid}-${seq++}`;
		const [A, B] = [`LA-${tag}`, `LB-${tag}`];
		await store.upsertStockLevels([
			{ sku: A, onHand: 10 },
			{ sku: B, onHand: 2 },
		]);
		const { part } = fullAndPart('ebay', `l-${tag}`, A, B);
		await store.recordOrder(part);
		// Reserve and Route ran; the execution ended there (no Create)
		const routed = await runWorkflow(routeToWms([part], []), { credentials });
		expect(outputsOf(routed, 'Gate')[1].map((o) => o.omsId)).toEqual([part.omsId]);
		expect(await store.getDelivery(part.omsId, 1)).toBeNull();
		// Release Held, as inventory-sync.json runs it: no new stock, but the unsent part goes out on Partial
		const release = releaseToWms();
		const sentBy = async () => {
			const r = await runWorkflow(release, { credentials });
			expect(r.error).toBeUndefined();
			return r.runData.WMS ? outputsOf(r, 'WMS')[0].filter((o) => o.omsId === part.omsId).map((o) => [(o.wms as IDataObject).reference, (o.wms as IDataObject).outcome]) : [];
		};
		expect(await sentBy()).toEqual([[part.omsId, 'created']]);
		expect(sb.control.ordersByReference('shipbob', part.omsId)[0].lines.map((l) => [l.sku, l.quantity])).toEqual([
			[A, 1],
			[B, 2],
		]);
		// the order still waits for B in the OMS; the next run has nothing to send for it
		expect((await store.getOrder(part.omsId))!).toMatchObject({ status: 'backordered', hold: { reason: 'out_of_stock' } });
		expect(await sentBy()).toEqual([]);
		expect(sb.control.ordersByReference('shipbob', part.omsId)).toHaveLength(1);
	});

	it('an intake that runs again while its WMS order waits in the outbox (a worker died, the order was resumed): the same shipment, never a second WMS order', async () => {
		const { credentials, store } = await setup();
		const tag = `${process.pid}-${seq++}`;
		const [A, B] = [`RA-${tag}`, `RB-${tag}`];
		await store.upsertStockLevels([
			{ sku: A, onHand: 10 },
			{ sku: B, onHand: 2 },
		]);
		const { full, part } = fullAndPart('woocommerce', `r-${tag}`, A, B);
		for (const o of [full, part]) await store.recordOrder(o);
		// the intake's path from Reserve to the WMS, as order-intake.json and fulfil-order.json chain it
		const intake = routeToWms([full, part], ['WMS Ready', 'WMS Partial'], { backoffBaseSeconds: 0 });
		const pass = async () => {
			const r = await runWorkflow(intake, { credentials });
			expect(r.error).toBeUndefined();
			const [ready, partial, , gateErrors] = outputsOf(r, 'Gate');
			const wms = ['WMS Ready', 'WMS Partial'].flatMap((n) => (r.runData[n] ? (outputsOf(r, n)[0] ?? []) : []));
			return {
				gate: [...(ready ?? []), ...(partial ?? [])].map((o) => [o.omsId, o.shipmentNo, o.shipmentLines]),
				gateErrors: (gateErrors ?? []).map((e) => String(e.error)),
				wms: Object.fromEntries(wms.map((o) => [o.omsId as string, [(o.wms as IDataObject).reference, (o.wms as IDataObject).outcome]])),
			};
		};
		const fullLines = [{ lineId: '1', sku: A, quantity: 2 }];
		const partLines = [
			{ lineId: '1', sku: A, quantity: 1 },
			{ lineId: '2', sku: B, quantity: 2 },
		];

		// the WMS is down: both shipments wait in the outbox
		sb.control.down('shipbob');
		const first = await pass();
		expect(first.gate).toEqual([
			[full.omsId, 1, fullLines],
			[part.omsId, 1, partLines],
		]);
		expect(first.wms).toEqual({ [full.omsId]: [full.omsId, 'retry_scheduled'], [part.omsId]: [part.omsId, 'retry_scheduled'] });

		// the same orders come down the intake again: Route answers the shipments already in the outbox
		const again = await pass();
		expect(again.gate).toEqual(first.gate);
		expect(again.wms).toEqual({ [full.omsId]: [full.omsId, 'queued'], [part.omsId]: [part.omsId, 'queued'] });
		for (const o of [full, part]) expect(await store.getDelivery(o.omsId, 2)).toBeNull();

		// the WMS is back: Retry Pending sends each once
		sb.control.up();
		const flushed = await run('shipbob', credentials, { resource: 'order', operation: 'retryPending', options: { attempts: 1, rateLimit: false, backoffBaseSeconds: 0 } });
		expect(flushed.main.map((r) => [r.omsId, r.outcome]).sort()).toEqual([
			[full.omsId, 'created'],
			[part.omsId, 'created'],
		]);
		// and a third pass, after they went: the ready one has left Route's hands, the partial one is answered as sent
		const third = await pass();
		expect(third.gateErrors).toEqual([expect.stringContaining(`Order ${full.omsId} is at wms`)]);
		expect(third.gate).toEqual([[part.omsId, 1, partLines]]);
		expect(third.wms).toEqual({ [part.omsId]: [part.omsId, 'already_sent'] });
		for (const o of [full, part]) {
			expect(sb.control.ordersByReference('shipbob', o.omsId)).toHaveLength(1);
			expect(sb.control.ordersByReference('shipbob', `${o.omsId}#2`)).toHaveLength(0);
		}
		expect(sb.control.ordersByReference('shipbob', part.omsId)[0].lines.map((l) => [l.sku, l.quantity])).toEqual([
			[A, 1],
			[B, 2],
		]);
	});

	it('Ready and Partial items reach the WMS with their shipment lines; Backorder items are refused; shipping commits the reservations', async () => {
		const { credentials, store } = await setup();
		const tag = `${process.pid}-${seq++}`;
		const [A, B, C] = [`GA-${tag}`, `GB-${tag}`, `GC-${tag}`];
		await store.upsertStockLevels([
			{ sku: A, onHand: 10 },
			{ sku: B, onHand: 2 },
			{ sku: C, onHand: 0 },
		]);
		const { full, part } = fullAndPart('shopify', `g-${tag}`, A, B);
		const none = makeOrder({ channel: 'shopify', channelOrderId: `g-none-${tag}`, lines: [gateLine('1', C, 1)] });
		for (const o of [full, part, none]) await store.recordOrder(o);
		const wf = routeToWms([full, part, none], ['WMS Ready', 'WMS Partial', 'WMS Backorder']);
		const r = await runWorkflow(wf, { credentials });
		expect(r.error).toBeUndefined();
		const [readyOut] = outputsOf(r, 'WMS Ready');
		const [partialOut] = outputsOf(r, 'WMS Partial');
		const [backOk, backErr] = outputsOf(r, 'WMS Backorder');
		expect(readyOut.map((o) => [o.omsId, (o.wms as IDataObject).outcome])).toEqual([[full.omsId, 'created']]);
		expect(partialOut.map((o) => [o.omsId, (o.wms as IDataObject).outcome])).toEqual([[part.omsId, 'created']]);
		expect(backOk ?? []).toEqual([]);
		expect(backErr.map((e) => String(e.error))).toEqual([expect.stringMatching(new RegExp(`${none.omsId} was not sent.*backordered`))]);
		expect(sb.control.ordersByReference('shipbob', none.omsId)).toHaveLength(0);
		const sent = sb.control.ordersByReference('shipbob', part.omsId);
		expect(sent).toHaveLength(1);
		expect(sent[0].lines.map((l) => [l.sku, l.quantity])).toEqual([
			[A, 1],
			[B, 2],
		]);
		// shipped: the package's units leave the reservations once
		sb.control.advance(200_000);
		const up = await updates('shipbob', credentials);
		const pk = up.main.filter((s) => s.omsId === part.omsId);
		expect(pk).toHaveLength(1);
		expect(pk[0].lines).toEqual([
			{ lineId: '1', sku: A, quantity: 1 },
			{ lineId: '2', sku: B, quantity: 2 },
		]);
		const left = await store.activeReservations(part.omsId);
		expect(left.filter((x) => x.sku === B).reduce((n, x) => n + x.quantity, 0)).toBe(0);
		// the part shipped, the rest still waits in the OMS: the order stays backordered (Release Held finds it)
		expect((await store.getOrder(part.omsId))!).toMatchObject({ status: 'backordered', hold: { reason: 'out_of_stock' } });

		// units arrive: Release Held sends the rest as shipment 2
		await store.upsertStockLevels([{ sku: B, onHand: 10 }]);
		const release = releaseToWms();
		const rr = await runWorkflow(release, { credentials });
		expect(rr.error).toBeUndefined();
		const sentNow = rr.runData.WMS.flatMap((_, i) => outputsOf(rr, 'WMS', i)[0]).filter((o) => o.omsId === part.omsId);
		expect(sentNow.map((o) => (o.wms as IDataObject).reference)).toEqual([`${part.omsId}#2`]);
		expect(sb.control.ordersByReference('shipbob', `${part.omsId}#2`)[0].lines.map((l) => [l.sku, l.quantity])).toEqual([[B, 3]]);
		expect((await store.getOrder(part.omsId))!.status).toBe('at_wms');
		sb.control.advance(200_000);
		const up2 = await updates('shipbob', credentials);
		expect(up2.main.filter((s) => s.omsId === part.omsId).map((s) => s.lines)).toEqual([[{ lineId: '2', sku: B, quantity: 3 }]]);
		expect((await store.getOrder(part.omsId))!.status).toBe('shipped');
	});
});
