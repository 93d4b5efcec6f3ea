/**
 * Issue 21 in a real n8n with the shipped templates: a Shopify customer returns one of two units, and OMS 11 (Returns)
 * with OMS 10 (Recovery and Attention) takes it from the request to the refund with no person on the way.
 *
 *   Shopify's returns/request webhook -> OMS 11's Shopify Return Events -> Record Channel Returns -> Authorise Channel
 *   Return (within 30 days of delivery) -> Tell the Warehouse of a Channel Return (a ShipBob return order) -> the
 *   warehouse receives and restocks the unit -> Every 15 Minutes, Warehouse Receipts -> Apply Warehouse Receipt
 *   (received, inspected, restocked once, the refund owed) -> Republish -> OMS 10's Retry Channel Calls sends the
 *   refund to Shopify, through a refund call that fails (503) before it succeeds.
 *
 * Checked from what the parts recorded: the OMS store, the ShipBob sandbox's returns and stock, and the Shopify
 * sandbox's refunds. The delivery repeated and the hourly listing (shortened) record the return once; Shopify sees
 * exactly one refund; on hand in the OMS rises by exactly the unit restocked, and equals the WMS's count once OMS 4
 * (Inventory Sync) has read it, whichever of the count and the receipt reached the OMS first. Waits are conditions
 * with deadlines (waitUntil); nothing depends on how long a step takes.
 */
import { generateOrders, type SeedOrder } from '../sandbox/generator';
import { failedExecutions, startFlow, waitUntil, type Flow } from './harness/flow';

jest.setTimeout(20 * 60_000);

let flow: Flow;
let order: SeedOrder;
let sku = '';
const omsId = () => `shopify:${order.id}`;

beforeAll(async () => {
	flow = await startFlow({
		name: 'returns',
		perChannel: 1,
		seed: 21,
		fraudRate: 0,
		schedules: { wmsStatusSyncSec: 3, inventorySyncSec: 4, reconciliationMin: 60, channelCallsSec: 3, channelCallBackoffSec: 1, channelReturnsSec: 20, warehouseReceiptsSec: 3 },
		wmsTimeScale: 0,
		extraTemplates: ['recovery-attention.json', 'returns.json'],
	});
	// Amazon's returns report is made in a second, not a minute (the hourly listing runs every 20 s here)
	flow.sb.sandboxes.amazon.jobTiming.reports = { queueMs: 500, processMs: 1_000 };
	sku = ['MUG-CER-11', 'MUG-CER-15'].find((s) => s !== flow.scarce.sku)!;
	const gen = generateOrders({ seed: 2121, perChannel: 30, fraudRate: 0, channels: ['shopify'], from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() - 60_000).toISOString() });
	const o = (gen.byChannel.shopify ?? []).find((x) => x.shippingLevel === 'standard' && x.shipTo.country === x.billTo.country && x.shipTo.name === x.billTo.name)!;
	// two units of one line: the customer returns one of them
	order = { ...o, id: '5000021001', status: 'paid', fraud: [], lines: [{ ...o.lines[0], lineId: '1', sku, quantity: 2 }] };
});

afterAll(async () => {
	await flow?.close();
});

const wms = () => flow.sb.wms!.control;
const shopify = () => flow.sb.sandboxes.shopify;
const status = async () => (await flow.store.getOrder(omsId()))?.status;
const onHand = async () => (await flow.store.getStock([sku])).reduce((a, c) => a + c.onHand, 0);
const returnsOf = async () => flow.store.listReturns(omsId());
/** The refunds Shopify made for the order's returns (not an order cancellation's) */
const refunds = () => (shopify().refunds.get(order.id) ?? []).filter((r) => r.returnId !== null || r.key !== null);

it("a Shopify customer's return of one of two units: recorded once, authorised, received at ShipBob, restocked once, refunded once", async () => {
	const s = shopify();
	s.addOrders([order]);
	expect((await s.deliverWebhook(order.id, { topic: 'orders/create' })).map((d) => d.status)).toEqual([200]);
	await waitUntil(async () => `${omsId()} at the WMS; now ${await status()}`, async () => ((await status()) === 'at_wms' && wms().ordersByReference('shipbob', omsId())[0] ? true : undefined), 240_000);
	// the WMS ships and delivers it; OMS 3 reads both and confirms the package to Shopify (the units become returnable there)
	wms().advance(4 * 60_000);
	wms().deliver('shipbob', omsId());
	await waitUntil(
		async () => `${omsId()} delivered and confirmed on Shopify; now ${await status()}, ${(s.fulfillments.get(order.id) ?? []).length} fulfilments`,
		async () => ((await status()) === 'delivered' && (s.fulfillments.get(order.id) ?? []).length > 0 ? true : undefined),
		240_000,
	);
	// OMS 4 has read the WMS's count since the shipment: the OMS's on hand is the WMS's
	await waitUntil(async () => `on hand of ${sku} = the WMS's ${wms().stock(sku)}; now ${await onHand()}`, async () => ((await onHand()) === wms().stock(sku) ? true : undefined), 120_000);
	const before = await onHand();
	const wmsBefore = wms().stock(sku)!;

	// the customer asks on Shopify; the delivery is repeated as Shopify may
	const { ret, deliveries } = await s.requestReturn(order.id, [{ sku, quantity: 1, reason: 'SIZE_TOO_SMALL', note: 'too small' }]);
	expect(deliveries.map((d) => d.status)).toEqual([200]);
	const [replay] = await s.deliverWebhook('', { replayOf: deliveries[0].deliveryId });
	expect(replay.status).toBe(200);
	const returnId = `shopify:${ret.id}`;
	// authorised by the rule and told to ShipBob (a return order with the OMS return id as its reference)
	const atShipBob = await waitUntil(
		async () => `${returnId} authorised and expected at ShipBob; now ${JSON.stringify((await returnsOf()).map((r) => r.status))}, ShipBob ${wms().returnByReference('shipbob', returnId)?.stage ?? 'none'}`,
		async () => ((await flow.store.getReturn(returnId))?.status === 'authorised' ? wms().returnByReference('shipbob', returnId) : undefined),
		240_000,
	);
	expect(atShipBob.lines.map((l) => [l.sku, l.quantity])).toEqual([[sku, 1]]);
	expect(wms().returns('shipbob').filter((r) => r.reference === returnId)).toHaveLength(1);

	// Shopify answers the refund call 503 until the outbox has tried it once; then it refunds
	s.inject({ kind: 'error', status: 503, path: '/graphql.json', method: 'POST', body: /refundCreate|returnProcess/, times: Infinity });
	try {
		// the warehouse receives the unit and restocks it
		wms().processReturn('shipbob', returnId, { [sku]: { restock: 1 } });
		expect(wms().stock(sku)).toBe(wmsBefore + 1);
		await waitUntil(
			async () => `the refund of ${returnId} tried and refused; now ${JSON.stringify((await flow.store.listChannelCalls({ channel: 'shopify', kind: 'refund' })).map((c) => `${c.status}/${c.attempts}`))}`,
			async () => ((await flow.store.listChannelCalls({ channel: 'shopify', kind: 'refund' })).some((c) => c.status === 'pending' && c.attempts >= 1) ? true : undefined),
			240_000,
		);
	} finally {
		s.clearFaults();
	}
	const refunded = await waitUntil(
		async () => `${returnId} refunded; now ${JSON.stringify((await flow.store.getReturn(returnId))?.ret.refund)}`,
		async () => {
			const r = await flow.store.getReturn(returnId);
			return r?.ret.refund?.status === 'refunded' ? r : undefined;
		},
		240_000,
	);
	expect(['received', 'inspected']).toContain(refunded.status);
	expect(refunds()).toHaveLength(1);
	expect(refunded.ret.refund).toMatchObject({ status: 'refunded', total: expect.any(Number) });
	expect(refunded.ret.refund!.total).toBeGreaterThan(0);

	// the hourly listing (every 20 s here) reads the return again: still one return, one refund
	const cursorName = await waitUntil(
		async () => {
			const runs = await flow.n8n.executions('omsReturns000011');
			const last = runs.slice(-3);
			const nodes = await Promise.all(last.map(async (e) => Object.keys(((await flow.n8n.executionData(Number(e.id))) as { resultData?: { runData?: Record<string, unknown> } }).resultData?.runData ?? {}).join(',')));
			return `a returns cursor stored by the channels' listing; cursors ${JSON.stringify((await flow.store.query<{ name: string }>('SELECT name FROM cursors')).map((r) => r.name))}; OMS 11 runs ${runs.length}: ${last.map((e, i) => `${e.status} [${nodes[i]}]`).join(' | ')}`;
		},
		async () => (await flow.store.query<{ name: string }>("SELECT name FROM cursors WHERE name LIKE 'returns:%'")).map((r) => r.name)[0],
		90_000,
	);
	const cursor = await flow.store.getCursor(cursorName);
	await waitUntil('the channel returns listed again', async () => ((await flow.store.getCursor(cursorName)) !== cursor ? true : undefined), 120_000);
	expect((await returnsOf()).map((r) => r.ret.returnId)).toEqual([returnId]);
	expect(refunds()).toHaveLength(1);

	// on hand rose once: by the unit restocked, and the WMS's count read by OMS 4 since then adds nothing
	await waitUntil(async () => `on hand of ${sku} = the WMS's ${wms().stock(sku)}; now ${await onHand()}`, async () => ((await onHand()) === wms().stock(sku) ? true : undefined), 120_000);
	expect((await onHand()) - before).toBe(1);
	expect(wms().stock(sku)! - wmsBefore).toBe(1);
});

it('ended no n8n execution in error', async () => {
	expect(await failedExecutions(flow.n8n)).toEqual([]);
});
