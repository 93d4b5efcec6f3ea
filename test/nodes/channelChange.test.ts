/**
 * Apply Channel Change through n8n-core's WorkflowExecute: OMS Order > Record's Updated output into OMS Order > Apply
 * Channel Change, its At the WMS output into the WMS node's Apply Channel Change (ShipBob sandbox), and released
 * units into the Inventory Allocator's Release, whose Quantity Changes are what the channels are told. The branch
 * the order-intake template wires.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { pushOrder } from '../../lib/flows';
import type { CanonicalOrder } from '../../lib/order/types';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';
import { createShipBobProvider } from '../../lib/wms/shipbob';
import { buildWorkflow, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../sandbox/wms';
import { testDeps } from '../unit/wms/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'oms-change-'));
let sb: WmsSandbox;
let store: Store;
let credentials: Record<string, Record<string, unknown>>;

beforeAll(async () => {
	sb = await startWmsSandbox({ shipbob: { rateLimit: false } });
	const sqlitePath = join(dir, 'oms.sqlite');
	credentials = {
		omsStoreApi: { storeType: 'sqlite', sqlitePath },
		omsShipBobApi: { authType: 'token', token: SANDBOX_CREDENTIALS.shipbob.token, channelId: String(SANDBOX_CREDENTIALS.shipbob.channelId), apiVersion: '2026-01', baseUrl: sb.baseUrls.shipbob },
	};
	store = await openStore(storeConfigFromCredential({ storeType: 'sqlite', sqlitePath }));
	await store.upsertStockLevels([{ sku: 'MUG', onHand: 10 }]);
});
afterAll(async () => {
	await sb.close();
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };
const shipbob = () => createShipBobProvider({ baseUrl: sb.baseUrls.shipbob, token: SANDBOX_CREDENTIALS.shipbob.token, channelId: SANDBOX_CREDENTIALS.shipbob.channelId }, testDeps({ rateLimit: false }));

/** Items -> Record -> (Updated) Apply -> Republish: Release; At the WMS: WMS -> Release */
function branch(items: unknown[]) {
	return buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Orders', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			{ name: 'Record', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'record' }, credentials: CRED } as never,
			{ name: 'Apply', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'applyChannelChange' }, credentials: CRED, onError: 'continueErrorOutput' } as never,
			{
				name: 'WMS',
				type: 'n8n-nodes-oms-wms.wms',
				parameters: { provider: 'shipbob', resource: 'order', operation: 'applyChannelChange', options: { attempts: 1 } },
				credentials: { ...CRED, omsShipBobApi: { id: '2', name: 'ShipBob' } },
			} as never,
			{
				name: 'Release',
				type: 'n8n-nodes-oms-wms.inventoryAllocator',
				parameters: { operation: 'release', onlyEnded: true, omsId: '={{ $json.omsId }}', channelRules: { rule: [{ channel: 'shopify', sharePercent: 100, options: {} }] }, channels: ['shopify'] },
				credentials: CRED,
			} as never,
		],
		[
			['Start', 'Orders'],
			['Orders', 'Record'],
			['Record', 'Apply', 1],
			['Apply', 'Release', 1],
			['Apply', 'WMS', 2],
			['WMS', 'Release'],
		],
	);
}

let n = 0;
/** An order recorded and reserved (ready); `send`: also sent to ShipBob (at_wms) */
async function ready(send: boolean, channel = 'shopify'): Promise<CanonicalOrder> {
	const o = makeOrder({ channel, channelOrderId: `cc-${++n}`, lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 25, lineTotal: 50 }] });
	await store.recordOrder(o);
	await store.reserve([{ omsId: o.omsId, lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }], allowPartial: true }]);
	await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
	if (send) expect((await pushOrder(store, shipbob(), o)).outcome).toBe('created');
	return o;
}
const cancelled = (o: CanonicalOrder) => ({ ...o, readiness: 'cancelled', channelStatus: 'cancelled', updatedAt: '2026-05-01T18:00:00.000Z' });
const reservedUnits = async (omsId: string) => (await store.activeReservations(omsId)).reduce((s, r) => s + r.quantity, 0);

/** Three orders: picked at ShipBob (its cancel refused from pick), one before the WMS, one at the WMS. The picked one
 * first: the sandbox moves every open order on */
async function threeStages(channel = 'shopify'): Promise<{ picked: CanonicalOrder; before: CanonicalOrder; atWms: CanonicalOrder }> {
	const picked = await ready(true, channel);
	sb.control.setCancelRefusedFrom('shipbob', 'picked');
	sb.control.advance(61_000);
	await store.transition(picked.omsId, { to: 'picked', cause: 'wms_progress' });
	const before = await ready(false, channel);
	const atWms = await ready(true, channel);
	return { picked, before, atWms };
}

it('cancel before the WMS, at the WMS, after pick (refused: held), paid later, and an unknown order, in one run', async () => {
	const { picked, before, atWms } = await threeStages();
	const pending = makeOrder({ channelOrderId: `cc-${++n}`, readiness: 'pending', channelStatus: 'pending' });
	await store.recordOrder(pending);

	const r = await runWorkflow(branch([cancelled(before), cancelled(atWms), cancelled(picked), { ...pending, readiness: 'ready', channelStatus: 'paid', updatedAt: '2026-05-01T18:00:00.000Z' }]), { credentials });
	expect(r.error).toBeUndefined();
	const [fulfil, republish, toWms, held, done] = outputsOf(r, 'Apply');
	const change = (o: IDataObject) => (o.oms as IDataObject).channelChange as IDataObject;
	expect(fulfil.map((o) => [o.omsId, change(o).action])).toEqual([[pending.omsId, 'fulfil']]);
	expect(republish.map((o) => [o.omsId, change(o).action, change(o).republishSkus])).toEqual([[before.omsId, 'released', ['MUG']]]);
	expect(toWms.map((o) => [o.omsId, change(o).action])).toEqual([
		[atWms.omsId, 'needs_wms'],
		[picked.omsId, 'needs_wms'],
	]);
	expect(held ?? []).toEqual([]);
	expect(done ?? []).toEqual([]);

	const [wmsOut] = outputsOf(r, 'WMS');
	expect(wmsOut.map((o) => [o.omsId, change(o).action, (o.oms as IDataObject).status])).toEqual([
		[atWms.omsId, 'cancelled_at_wms', 'cancelled'],
		[picked.omsId, 'cancel_refused', 'picked'],
	]);
	expect(String(change(wmsOut[1]).wmsMessage)).not.toBe('');
	expect((await store.getOrder(picked.omsId))!.hold).toMatchObject({ reason: 'cancel_refused' });
	expect(sb.control.ordersByReference('shipbob', atWms.omsId)[0].stage).toBe('cancelled');
	expect(sb.control.ordersByReference('shipbob', picked.omsId)[0].stage).not.toBe('cancelled');

	// released: the order cancelled before the WMS and the one the WMS cancelled; the refused one still holds its units
	expect([await reservedUnits(before.omsId), await reservedUnits(atWms.omsId), await reservedUnits(picked.omsId)]).toEqual([0, 0, 2]);
	// the channels hear of the freed units: MUG goes back on sale at 10 on hand less the 2 the picked order still holds
	const published = Object.values(r.runData.Release).flatMap((run) => (run.data?.main?.[1] ?? []).map((i) => i.json));
	expect(published.filter((c) => c.channel === 'shopify' && c.sku === 'MUG').map((c) => c.quantity).at(-1)).toBe(8);
	expect((await store.getPublished('shopify', ['MUG']))[0].quantity).toBe(8);
});

it('the buyer asked to cancel (as eBay lists it): stopped before the WMS and at the WMS, the approvals queued; refused after pick: held, the rejection queued', async () => {
	const { picked, before, atWms } = await threeStages('ebay');
	// eBay lists the order pending with the request while the buyer is cancelling (the list carries no request id)
	const asked = (o: CanonicalOrder) => ({ ...o, readiness: 'pending', channelStatus: 'PAID/NOT_STARTED/IN_PROGRESS', cancelRequest: { id: null, requestedAt: null, reason: null }, updatedAt: '2026-05-01T18:00:00.000Z' });

	const r = await runWorkflow(branch([asked(before), asked(atWms), asked(picked)]), { credentials });
	expect(r.error).toBeUndefined();
	const [, republish, toWms] = outputsOf(r, 'Apply');
	const change = (o: IDataObject) => (o.oms as IDataObject).channelChange as IDataObject;
	expect(republish.map((o) => [o.omsId, change(o).action, (change(o).cancelAnswer as IDataObject).decision])).toEqual([[before.omsId, 'released', 'approve']]);
	expect(toWms.map((o) => [o.omsId, change(o).action, change(o).cancelAnswer ?? null])).toEqual([
		[atWms.omsId, 'needs_wms', null],
		[picked.omsId, 'needs_wms', null],
	]);
	const [wmsOut] = outputsOf(r, 'WMS');
	expect(wmsOut.map((o) => [o.omsId, change(o).action, (o.oms as IDataObject).status, (change(o).cancelAnswer as IDataObject).decision])).toEqual([
		[atWms.omsId, 'cancelled_at_wms', 'cancelled', 'approve'],
		[picked.omsId, 'cancel_refused', 'picked', 'reject'],
	]);
	expect(sb.control.ordersByReference('shipbob', atWms.omsId)[0].stage).toBe('cancelled');
	expect((await store.getOrder(picked.omsId))!.hold).toMatchObject({ reason: 'cancel_refused' });
	expect([await reservedUnits(before.omsId), await reservedUnits(atWms.omsId), await reservedUnits(picked.omsId)]).toEqual([0, 0, 2]);
	// owed to the channel once per order, for the Marketplace node's Retry Pending
	const owed = await store.listChannelCalls({ kind: 'cancel_answer', channel: 'ebay' });
	expect(owed.map((c) => [c.omsId, c.status, c.payload?.decision, c.payload?.requestId])).toEqual([
		[before.omsId, 'pending', 'approve', null],
		[atWms.omsId, 'pending', 'approve', null],
		[picked.omsId, 'pending', 'reject', null],
	]);
});

it('Amazon\'s buyer cancel request (IsBuyerRequestedCancel) on an order first seen with it and on orders the OMS has: Record sends the new one to Apply as well; stopped: the approvals queued; refused after pick: held, nothing queued', async () => {
	const { picked, atWms } = await threeStages('amazon');
	const asked = { id: null, requestedAt: null, reason: 'Found a better price' };
	// first seen with the request open (never recorded): a change to carry out, not an order to fulfil
	const fresh = makeOrder({ channel: 'amazon', channelOrderId: `cc-${++n}`, lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 25, lineTotal: 25 }], cancelRequest: asked });
	const plain = makeOrder({ channel: 'amazon', channelOrderId: `cc-${++n}` });
	const later = (o: CanonicalOrder) => ({ ...o, cancelRequest: asked, updatedAt: '2026-05-01T18:00:00.000Z' });

	const r = await runWorkflow(branch([fresh, plain, later(atWms), later(picked)]), { credentials });
	expect(r.error).toBeUndefined();
	const [recNew, recUpdated] = outputsOf(r, 'Record');
	expect(recNew.map((o) => o.omsId)).toEqual([plain.omsId]);
	expect(recUpdated.map((o) => [o.omsId, (o.oms as IDataObject).outcome])).toEqual([
		[fresh.omsId, 'new'],
		[atWms.omsId, 'updated'],
		[picked.omsId, 'updated'],
	]);
	const change = (o: IDataObject) => (o.oms as IDataObject).channelChange as IDataObject;
	const [, , toWms, , done] = outputsOf(r, 'Apply');
	expect(done.map((o) => [o.omsId, change(o).action, (o.oms as IDataObject).status, (change(o).cancelAnswer as IDataObject).decision])).toEqual([[fresh.omsId, 'none', 'cancelled', 'approve']]);
	expect(toWms.map((o) => o.omsId)).toEqual([atWms.omsId, picked.omsId]);
	const [wmsOut] = outputsOf(r, 'WMS');
	expect(wmsOut.map((o) => [o.omsId, change(o).action, (o.oms as IDataObject).status, change(o).cancelAnswer ?? null])).toEqual([
		[atWms.omsId, 'cancelled_at_wms', 'cancelled', expect.objectContaining({ decision: 'approve' })],
		[picked.omsId, 'cancel_refused', 'picked', null],
	]);
	expect(String(change(wmsOut[1]).tellChannel)).toMatch(/shipping the order is the answer/);
	expect((await store.getOrder(picked.omsId))!.hold).toMatchObject({ reason: 'cancel_refused' });
	// owed to Amazon: the approvals (its client cancels with reason BuyerCanceled); no rejection
	const owed = await store.listChannelCalls({ kind: 'cancel_answer', channel: 'amazon' });
	expect(owed.map((c) => [c.omsId, c.status, c.payload?.decision])).toEqual([
		[fresh.omsId, 'pending', 'approve'],
		[atWms.omsId, 'pending', 'approve'],
	]);
	expect(await reservedUnits(fresh.omsId)).toBe(0);
});

it('an order the OMS never recorded, or lines it does not have, is an error of that item; the rest is applied', async () => {
	const known = await ready(false);
	const wf = buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Orders', type: 'test.itemsSource', parameters: { items: JSON.stringify([makeOrder({ channelOrderId: 'never-seen', readiness: 'cancelled' }), { ...known, lines: [{ ...known.lines[0], lineId: '7' }] }]) } },
			{ name: 'Apply', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'applyChannelChange' }, credentials: CRED, onError: 'continueErrorOutput' } as never,
		],
		[
			['Start', 'Orders'],
			['Orders', 'Apply'],
		],
	);
	const r = await runWorkflow(wf, { credentials });
	const outs = outputsOf(r, 'Apply');
	const errors = outs[5] ?? [];
	expect(errors.map((e) => String(e.error))).toEqual([
		'No order shopify:never-seen in the OMS store: a change for an order the OMS never recorded is not applied (record it first)',
		`Order ${known.omsId} has no line "7": nothing applied (the item is not the recorded version; record it first)`,
	]);
	expect(outs.slice(0, 5).flat()).toEqual([]);
	expect(await store.getOrder('shopify:never-seen')).toBeNull();
	expect(await reservedUnits(known.omsId)).toBe(2);
});
