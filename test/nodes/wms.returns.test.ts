/**
 * The warehouse's side of a return through n8n-core's WorkflowExecute, against the WMS sandbox, on SQLite and
 * PostgreSQL: WMS > Return > Create tells the warehouse once (ShipBob, ShipHero; Extensiv 3PL WM and Generic REST say
 * they have no returns API), a WMS that does not answer is asked again by Order > Retry Pending, and WMS > Return >
 * Get Updates into OMS Returns > Apply Warehouse Receipt moves the return and restocks it once with no person.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { authoriseReturn, recordReturn } from '../../lib/flows';
import { createAxiosRequest } from '../../lib/http/axios';
import { DEFAULT_RETURN_RULES } from '../../lib/returns/rules';
import { closeAllStores } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';
import { createWmsProvider, type WmsProviderName } from '../../lib/wms';
import { wmsConfig } from '../../nodes/shared/wms';
import { WMS_CREDENTIAL_TYPE, wmsCredentialData } from '../helpers/wms-credentials';
import { buildWorkflow, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';
import { makeReturn } from '../helpers/returns';
import { pgSetup, sqliteSetup, type StoreSetup } from '../helpers/store-credentials';
import { startWmsSandbox, type WmsSandbox } from '../sandbox/wms';

const dir = mkdtempSync(join(tmpdir(), 'wms-returns-node-'));
let sb: WmsSandbox;
beforeAll(async () => {
	sb = await startWmsSandbox({ shipbob: { rateLimit: false }, shiphero: { credits: false }, returnTiming: { arriveAfterMs: null } });
	sb.control.seedStock({ MUG: 100 });
});
afterAll(async () => {
	await sb.close();
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const stores: Array<[string, StoreSetup]> = [
	['SQLite', sqliteSetup(dir, 'wmsret')],
	['PostgreSQL', pgSetup('wmsret')],
];
const rules = { ...DEFAULT_RETURN_RULES, refundOn: 'inspection' as const };
let seq = 0;

describe.each(stores)('WMS > Return and OMS Returns > Apply Warehouse Receipt (%s)', (_name, setup) => {
	let store: Store;
	let credentials: Record<string, Record<string, unknown>>;
	beforeAll(async () => {
		const s = await setup();
		store = s.store;
		credentials = { ...(s.credentials as Record<string, Record<string, unknown>>) };
		for (const p of Object.keys(WMS_CREDENTIAL_TYPE) as WmsProviderName[]) credentials[WMS_CREDENTIAL_TYPE[p]] = wmsCredentialData(sb, p);
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 50 }]);
	});
	// the store is closed with every other by closeAllStores (the harness's and this one are the same)

	/** An order of 2 MUG shipped by `provider` (the sandbox) and an authorised return of 1 */
	async function authorisedReturn(provider: WmsProviderName) {
		const o = makeOrder({ channel: 'shopify', channelOrderId: `wr-${process.pid}-${++seq}`, lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 10, lineTotal: 20 }] });
		await store.recordOrder(o);
		const client = createWmsProvider(provider, wmsConfig(provider, wmsCredentialData(sb, provider)) as never, { request: createAxiosRequest({ timeoutMs: 30_000 }), rateLimit: false });
		const created = await client.createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		const { delivery } = await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: 1, provider, reference: o.omsId });
		await store.transition(o.omsId, { delivery: { id: delivery.id, sent: { wmsOrderId: created.wmsOrderId } } });
		sb.control.advance(181_000);
		await store.recordShipment({ omsId: o.omsId, packageKey: `P-${o.omsId}`, provider, carrier: 'UPS', trackingNumber: `1Z${seq}`, trackingUrl: null, shippedAt: '2026-05-10T10:00:00.000Z', lines: [{ sku: 'MUG', quantity: 2, lineId: '1' }] });
		const ret = makeReturn(o.omsId, { channelReturnId: `WR${seq}`, lines: [{ lineId: '1', sku: 'MUG', quantity: 1, channelReason: null, reason: 'size_fit' }] });
		await recordReturn(store, ret, { cause: 'test' });
		await authoriseReturn(store, ret.returnId, { decision: 'approve', rules, by: 'test' });
		return { o, returnId: ret.returnId };
	}

	/** Run the WMS node on these items, then (when `returns` is given) OMS Returns on its main output */
	async function run(provider: WmsProviderName, parameters: INodeParameters, items: unknown[] = [{}], returns?: INodeParameters) {
		const wf = buildWorkflow(
			[
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
				{
					name: 'WMS',
					type: 'n8n-nodes-oms-wms.wms',
					parameters: { provider, options: { attempts: 1, rateLimit: false, backoffBaseSeconds: 0 }, ...parameters } as never,
					credentials: { [WMS_CREDENTIAL_TYPE[provider]]: { id: `c-${provider}`, name: provider }, omsStoreApi: { id: 'store', name: 'OMS Store' } },
					onError: 'continueErrorOutput',
				},
				...(returns ? [{ name: 'Returns', type: 'n8n-nodes-oms-wms.omsReturns', parameters: returns, credentials: { omsStoreApi: { id: 'store', name: 'OMS Store' } }, onError: 'continueErrorOutput' as const }] : []),
			],
			[['Start', 'Items'], ['Items', 'WMS'], ...(returns ? ([['WMS', 'Returns']] as Array<[string, string]>) : [])],
		);
		const result = await runWorkflow(wf, { credentials });
		expect(result.error).toBeUndefined();
		const [main, errors] = outputsOf(result, 'WMS');
		const out = returns ? outputsOf(result, 'Returns') : [];
		while (out.length < 4) out.push([]);
		return { main: main ?? [], errors: errors ?? [], returns: out };
	}
	const createReturn = (p: WmsProviderName, returnId: string) => run(p, { resource: 'return', operation: 'create' }, [{ returnId }]);

	it.each(['shipbob', 'shiphero'] as const)('%s: Create tells the warehouse once; Get Updates into Apply Warehouse Receipt inspects, restocks once, no person', async (provider) => {
		const { returnId } = await authorisedReturn(provider);
		const first = await createReturn(provider, returnId);
		expect(first.errors).toEqual([]);
		expect(first.main).toEqual([{ returnId, omsId: expect.any(String), provider, wmsReturn: expect.objectContaining({ outcome: 'sent', wmsReturnId: expect.any(String) }) }]);
		expect((await createReturn(provider, returnId)).main[0].wmsReturn).toMatchObject({ outcome: 'sent' });
		const held = sb.control.returns(provider).filter((r) => r.reference === returnId || (r.body as IDataObject).partner_id === returnId);
		expect(held).toHaveLength(1);
		// nothing received yet: no item
		const none = await run(provider, { resource: 'return', operation: 'getUpdates' });
		expect(none.main.filter((u) => u.returnId === returnId)).toEqual([]);
		sb.control.processReturn(provider, held[0].reference, { MUG: { restock: 1 } });
		const before = (await store.getStock(['MUG']))[0].onHand;
		const done = await run(provider, { resource: 'return', operation: 'getUpdates' }, [{}], { operation: 'applyWarehouseReceipt', refundOn: 'inspection' });
		const mine = done.returns[0].filter((r) => r.returnId === returnId);
		expect(mine).toHaveLength(1);
		expect(mine[0].oms).toMatchObject({ status: 'inspected', outcome: 'moved', steps: ['moved', 'moved'], wmsReturn: { status: 'completed' }, restocked: [{ sku: 'MUG', quantity: 1 }], refundCall: { outcome: 'owed' } });
		expect((await store.getStock(['MUG']))[0].onHand).toBe(before + 1);
		// read again: the return no longer waits for the warehouse; nothing is restocked twice
		const again = await run(provider, { resource: 'return', operation: 'getUpdates' });
		expect(again.main.filter((u) => u.returnId === returnId)).toEqual([]);
		expect((await store.getStock(['MUG']))[0].onHand).toBe(before + 1);
	});

	it.each(['extensiv', 'generic'] as const)('%s: Create says there is no returns API; nothing is owed', async (provider) => {
		const { o, returnId } = await authorisedReturn(provider);
		const r = await createReturn(provider, returnId);
		expect(r.errors).toEqual([]);
		expect(r.main[0].wmsReturn).toMatchObject({ outcome: 'not_supported', why: expect.stringMatching(/no returns API/) });
		expect(await store.listWmsCalls({ omsId: o.omsId, kind: 'return_create' })).toEqual([]);
	});

	it('ShipBob down: Create leaves the return owed (not an error); Order > Retry Pending sends it, once', async () => {
		const { returnId } = await authorisedReturn('shipbob');
		sb.control.fault({ provider: 'shipbob', match: 'POST /2026-01/return', kind: '503', times: 1 });
		const r = await createReturn('shipbob', returnId);
		expect(r.errors).toEqual([]);
		expect(r.main[0].wmsReturn).toMatchObject({ outcome: 'retry_scheduled', attempts: 1 });
		const retry = await run('shipbob', { resource: 'order', operation: 'retryPending' });
		expect(retry.main.filter((c) => c.reference === returnId)).toEqual([expect.objectContaining({ call: 'return_create', outcome: 'sent', status: 'sent' })]);
		expect(sb.control.returns('shipbob').filter((x) => x.reference === returnId)).toHaveLength(1);
	});

	it('an item without a return ID, or Apply Warehouse Receipt without the warehouse’s word: that item’s error, naming what is wrong', async () => {
		const { returnId } = await authorisedReturn('shipbob');
		const r = await createReturn('shipbob', '');
		expect(r.errors.map((e) => String(e.error ?? e.message))).toEqual([expect.stringMatching(/Return ID is empty/)]);
		const wf = buildWorkflow(
			[
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify([{ returnId }, { returnId, wmsReturn: { status: 'done', lines: [{ sku: 'MUG', received: -1 }] } }]) } },
				{ name: 'Returns', type: 'n8n-nodes-oms-wms.omsReturns', parameters: { operation: 'applyWarehouseReceipt' }, credentials: { omsStoreApi: { id: 'store', name: 'OMS Store' } }, onError: 'continueErrorOutput' },
			],
			[
				['Start', 'Items'],
				['Items', 'Returns'],
			],
		);
		const out = outputsOf(await runWorkflow(wf, { credentials }), 'Returns');
		const errors = (out[3] ?? []).map((e) => String(e.error ?? e.message));
		expect(errors).toEqual([expect.stringMatching(/no wmsReturn/), expect.stringMatching(/wmsReturn\.status: must be one of[\s\S]*wmsReturn\.lines\[0\]\.received: must be a whole number/)]);
		expect((await store.getReturn(returnId))!.status).toBe('authorised');
	});
});
