/**
 * The Marketplace node through the WorkflowExecute harness against the channel sandboxes: Get Orders Since and Get
 * Order give canonical orders; Confirm Shipment and Set Available Quantity arrive at each sandbox in the API's
 * documented shape; Channel "From Item" with mixed items batches per channel; Walmart acknowledge; per-item errors
 * to the error output; the node-side credential tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { CredentialTestContext } from 'n8n-core';

import { buildWorkflow, itemsOf, outputOf, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { validateOrder } from '../../lib/order/validate';
import { amazonSpApiTest, ebayApiTest, walmartApiTest } from '../../nodes/shared/channels';
import { sqliteSetup, type StoreCredentials } from '../helpers/store-credentials';
import type { Store } from '../../lib/store/types';

type Ch = 'amazon' | 'ebay' | 'walmart' | 'shopify' | 'woocommerce';
const ALL: Ch[] = ['amazon', 'ebay', 'walmart', 'shopify', 'woocommerce'];
const CRED: Record<Ch, string> = { amazon: 'omsAmazonSpApi', ebay: 'omsEbayApi', walmart: 'omsWalmartApi', shopify: 'omsShopifyApi', woocommerce: 'omsWooCommerceApi' };

let sb: Sandboxes;
// the channel outbox (Confirm Shipment, Set Available Quantity, Retry Pending) in a fresh store of this run
const dir = mkdtempSync(join(tmpdir(), 'oms-marketplace-'));
let storeCredentials: StoreCredentials;
let store: Store;
beforeAll(async () => {
	sb = await startSandboxes({ ordersPerChannel: 40, seed: 5, timeScale: 0.01 });
	({ credentials: storeCredentials, store } = await sqliteSetup(dir, 'mp')());
});
afterAll(async () => {
	await sb?.close();
	await store?.close();
	rmSync(dir, { recursive: true, force: true });
});

function credentialRefs(): INode['credentials'] {
	return { ...Object.fromEntries(ALL.map((ch) => [CRED[ch], { id: `mp-${ch}`, name: `${ch} sandbox` }])), omsStoreApi: { id: 'mp-store', name: 'OMS Store' } };
}
function credentialData(): Record<string, Record<string, unknown>> {
	return { ...Object.fromEntries(ALL.map((ch) => [CRED[ch], sb.credentials[ch] as unknown as Record<string, unknown>])), ...storeCredentials };
}

async function run(parameters: INodeParameters, input: IDataObject[] = [{}], extra: Partial<INode> = {}) {
	const wf = buildWorkflow([{ name: 'Marketplace', type: 'n8n-nodes-oms-wms.marketplace', parameters, credentials: credentialRefs(), ...extra }], []);
	return runWorkflow(wf, { input, credentials: credentialData() });
}

/** Every order of a channel as canonical orders, through Get Orders Since (Output: Page) */
async function ordersOf(ch: Ch): Promise<IDataObject[]> {
	const r = await run({ channel: ch, operation: 'getOrdersSince', sinceMode: 'time', since: new Date(Date.now() - 30 * 86400_000).toISOString(), output: 'page' });
	expect(r.error).toBeUndefined();
	const [page] = outputOf(r, 'Marketplace');
	expect(page.channel).toBe(ch);
	expect(typeof page.cursor).toBe('string');
	return page.orders as IDataObject[];
}

describe('marketplace: Get Orders Since and Get Order', () => {
	it.each(ALL)('%s: pages to the end and emits canonical orders; Get Order gives one', async (ch) => {
		const orders = await ordersOf(ch);
		expect(orders.map((o) => o.channelOrderId).sort()).toEqual(sb.orders[ch].map((o) => o.id).sort());
		for (const o of orders) expect(validateOrder(o)).toEqual([]);
		// one item per order (the default output), for OMS Order Record
		const r = await run({ channel: ch, operation: 'getOrdersSince', sinceMode: 'time', since: new Date(Date.now() - 30 * 86400_000).toISOString() });
		expect(outputOf(r, 'Marketplace')).toHaveLength(orders.length);

		const one = await run({ channel: ch, operation: 'getOrder', channelOrderId: String(orders[0].channelOrderId) });
		expect(one.error).toBeUndefined();
		const [got] = outputOf(one, 'Marketplace');
		expect(got.omsId).toBe(orders[0].omsId);
		expect(got.raw).toBeUndefined();
	});

	it('Get Orders Since from a returned cursor lists only what changed after it', async () => {
		const first = await run({ channel: 'ebay', operation: 'getOrdersSince', sinceMode: 'time', since: new Date(Date.now() - 30 * 86400_000).toISOString(), output: 'page' });
		const { cursor } = outputOf(first, 'Marketplace')[0];
		const touched = sb.orders.ebay[3];
		sb.sandboxes.ebay.touch(touched.id, { status: 'shipped' });
		const next = await run({ channel: 'ebay', operation: 'getOrdersSince', sinceMode: 'cursor', cursor: String(cursor) });
		const ids = outputOf(next, 'Marketplace').map((o) => o.channelOrderId);
		expect(ids).toContain(touched.id);
		expect(ids.length).toBeLessThan(sb.orders.ebay.length);
	});

	it('From Item: an item of a channel whose credential is not selected goes to the error output, saying which', async () => {
		const r = await run(
			{ channel: 'fromItem', operation: 'getOrder' },
			[{ channel: 'walmart', channelOrderId: sb.orders.walmart[0].id }, { channel: 'ebay', channelOrderId: sb.orders.ebay[0].id }],
			{ onError: 'continueErrorOutput', credentials: { omsEbayApi: { id: 'mp-ebay', name: 'ebay sandbox' } } },
		);
		const [ok, errors] = outputsOf(r, 'Marketplace');
		expect(ok.map((o) => o.channel)).toEqual(['ebay']);
		expect(errors[0].error).toBe('Select a Walmart credential (omsWalmartApi) on this node');
	});

	it('an unknown order id goes to the error output; the other items go on', async () => {
		const known = sb.orders.amazon[0].id;
		const r = await run(
			{ channel: 'amazon', operation: 'getOrder', channelOrderId: '={{ $json.id }}' },
			[{ id: '999-0000000-0000000' }, { id: known }],
			{ onError: 'continueErrorOutput' },
		);
		expect(r.error).toBeUndefined();
		const [ok, errors] = outputsOf(r, 'Marketplace');
		expect(ok.map((o) => o.channelOrderId)).toEqual([known]);
		expect(errors).toHaveLength(1);
		expect(errors[0].error).toMatch(/404|not found/i);
		expect(JSON.stringify(errors)).not.toContain(sb.credentials.amazon.lwaClientSecret);
	});
});

describe('marketplace: Confirm Shipment', () => {
	it.each(ALL)('%s: the shipment arrives in the documented shape', async (ch) => {
		const order = (await ordersOf(ch)).find((o) => o.readiness === 'ready')!;
		expect(order).toBeDefined();
		const lines = (order.lines as IDataObject[]).map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity }));
		// the wms node's shipment item shape: the parameters default to these fields
		const shipment = {
			omsId: order.omsId,
			channel: ch,
			channelOrderId: order.channelOrderId,
			carrier: 'UPS',
			trackingNumber: `1Z999AA1${String(Math.abs(hash(String(order.omsId)))).padStart(8, '0')}`,
			trackingUrl: 'https://www.ups.com/track?tracknum=1Z999',
			shippedAt: '2026-11-26T10:00:00.000Z',
			lines,
		};
		const r = await run({ channel: 'fromItem', operation: 'confirmShipment' }, [shipment]);
		expect(r.error).toBeUndefined();
		const [out] = outputOf(r, 'Marketplace');
		expect(out).toMatchObject({ omsId: order.omsId, marketplace: { operation: 'confirmShipment', channel: ch, channelOrderId: order.channelOrderId } });
		const s = sb.sandboxes;
		switch (ch) {
			case 'amazon': {
				const got = s.amazon.received.shipments.at(-1)!;
				expect(got.orderId).toBe(order.channelOrderId);
				expect(got.body).toEqual({
					marketplaceId: 'ATVPDKIKX0DER',
					packageDetail: {
						packageReferenceId: expect.any(String),
						carrierCode: 'UPS',
						carrierName: 'UPS',
						trackingNumber: shipment.trackingNumber,
						shipDate: '2026-11-26T10:00:00.000Z',
						orderItems: lines.map((l) => ({ orderItemId: l.lineId, quantity: l.quantity })),
					},
				});
				break;
			}
			case 'ebay': {
				const got = s.ebay.received.fulfillments.at(-1)!;
				expect(got.orderId).toBe(order.channelOrderId);
				expect(got.body).toEqual({
					lineItems: lines.map((l) => ({ lineItemId: l.lineId, quantity: l.quantity })),
					shippedDate: '2026-11-26T10:00:00.000Z',
					shippingCarrierCode: 'UPS',
					trackingNumber: shipment.trackingNumber,
				});
				expect(out.marketplace).toMatchObject({ reference: got.fulfillmentId });
				break;
			}
			case 'walmart': {
				const got = s.walmart.received.shipments.at(-1)!;
				expect(got.purchaseOrderId).toBe(order.channelOrderId);
				const orderLine = (got.body as { orderShipment: { orderLines: { orderLine: IDataObject[] } } }).orderShipment.orderLines.orderLine;
				expect(orderLine).toHaveLength(lines.length);
				expect(orderLine[0]).toMatchObject({
					lineNumber: lines[0].lineId,
					orderLineStatuses: {
						orderLineStatus: [
							{
								status: 'Shipped',
								statusQuantity: { unitOfMeasurement: 'EACH', amount: String(lines[0].quantity) },
								trackingInfo: {
									shipDateTime: Date.parse('2026-11-26T10:00:00.000Z'),
									carrierName: { carrier: 'UPS' },
									trackingNumber: shipment.trackingNumber,
									trackingURL: shipment.trackingUrl,
								},
							},
						],
					},
				});
				break;
			}
			case 'shopify':
				expect(JSON.stringify(s.shopify.received.fulfillments.at(-1))).toContain(shipment.trackingNumber);
				break;
			case 'woocommerce':
				expect(JSON.stringify(s.woocommerce.received.trackings.at(-1))).toContain(shipment.trackingNumber);
				break;
		}
	});

	it('a confirmation the channel failed is owed and retried by Retry Pending; the same package again is not confirmed twice', async () => {
		const order = (await ordersOf('amazon')).filter((o) => o.readiness === 'ready').at(-1)!;
		const lines = (order.lines as IDataObject[]).map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
		const shipment = { omsId: order.omsId, channelOrderId: order.channelOrderId, carrier: 'UPS', trackingNumber: '1ZRETRY0001', shippedAt: '2026-11-26T12:00:00Z', packageKey: 'PKG-R1', lines };
		const mine = () => sb.sandboxes.amazon.received.shipments.filter((x) => x.orderId === order.channelOrderId && JSON.stringify(x.body).includes('1ZRETRY0001'));
		sb.sandboxes.amazon.failConfirmations('error', 50);
		const r = await run({ channel: 'amazon', operation: 'confirmShipment', outbox: { backoffBaseSeconds: 0 } }, [shipment]);
		sb.sandboxes.amazon.clearFaults();
		expect(outputOf(r, 'Marketplace')[0].marketplace).toMatchObject({ outcome: 'retry_scheduled', owed: true, packageKey: 'PKG-R1', omsId: order.omsId });
		expect(mine()).toHaveLength(0);
		const retry = await run({ channel: 'amazon', operation: 'retryPending' });
		expect(outputOf(retry, 'Marketplace')).toEqual([expect.objectContaining({ kind: 'confirmation', omsId: order.omsId, packageKey: 'PKG-R1', trackingNumber: '1ZRETRY0001', outcome: 'sent' })]);
		expect(await store.findChannelCall({ channel: 'amazon', omsId: String(order.omsId), packageKey: 'PKG-R1' })).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
		const again = await run({ channel: 'amazon', operation: 'confirmShipment' }, [shipment]);
		expect(outputOf(again, 'Marketplace')[0].marketplace).toMatchObject({ outcome: 'already_sent' });
		expect(mine()).toHaveLength(1);
	});

	it('a shipment item with no tracking number is an item error, the rest ship', async () => {
		const order = (await ordersOf('walmart')).find((o) => o.readiness === 'ready')!;
		const lines = (order.lines as IDataObject[]).map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
		const good = { channel: 'walmart', channelOrderId: order.channelOrderId, carrier: 'FedEx', trackingNumber: '7700111', shippedAt: '2026-11-26T11:00:00Z', lines };
		const before = sb.sandboxes.walmart.received.shipments.length;
		const r = await run({ channel: 'walmart', operation: 'confirmShipment' }, [{ ...good, trackingNumber: '' }, good], { onError: 'continueErrorOutput' });
		const [ok, errors] = outputsOf(r, 'Marketplace');
		expect(ok).toHaveLength(1);
		expect(errors).toEqual([expect.objectContaining({ error: 'Tracking number is empty' })]);
		expect(sb.sandboxes.walmart.received.shipments.length).toBe(before + 1);
	});

	it("From Item: the package of an exchange's replacement order (OMS Returns > Exchange) is owed to no channel: passed on, nothing called", async () => {
		const calls = Object.values(sb.sandboxes).reduce((n, x) => n + x.calls.length, 0);
		const shipment = { omsId: 'exchange:shopify:R9', channel: 'exchange', channelOrderId: 'shopify:R9', carrier: 'UPS', trackingNumber: '1ZEXCHANGE', shippedAt: '2026-11-26T11:00:00Z', lines: [{ lineId: '1', quantity: 1 }] };
		const r = await run({ channel: 'fromItem', operation: 'confirmShipment' }, [shipment], { onError: 'continueErrorOutput' });
		const [ok, errors] = outputsOf(r, 'Marketplace');
		expect(errors ?? []).toEqual([]);
		expect(ok).toEqual([expect.objectContaining({ omsId: 'exchange:shopify:R9', marketplace: expect.objectContaining({ channel: 'exchange', outcome: 'not_owed' }) })]);
		expect(Object.values(sb.sandboxes).reduce((n, x) => n + x.calls.length, 0)).toBe(calls);
	});
});

describe('marketplace: Resend Failed', () => {
	it('a confirmation refused for good is sent again once a person fixed it: by OMS order or call ID, who and why on the timeline; an unknown call ID is an error on that item only', async () => {
		const order = (await ordersOf('ebay')).filter((o) => o.readiness === 'ready').at(-2)!;
		await store.recordOrder(order as never);
		const lines = (order.lines as IDataObject[]).map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
		const shipment = { omsId: order.omsId, channelOrderId: order.channelOrderId, carrier: 'UPS', trackingNumber: '1ZRESEND0001', shippedAt: '2026-11-26T12:00:00Z', packageKey: 'PKG-RS1', lines };
		const mine = () => sb.sandboxes.ebay.received.fulfillments.filter((x) => x.orderId === order.channelOrderId && JSON.stringify(x.body).includes('1ZRESEND0001'));
		sb.sandboxes.ebay.failConfirmations('error', 1, 400);
		const refused = await run({ channel: 'ebay', operation: 'confirmShipment' }, [shipment], { onError: 'continueErrorOutput' });
		expect(outputsOf(refused, 'Marketplace')[1]).toEqual([expect.objectContaining({ error: expect.stringMatching(/confirmation of .* failed/) })]);
		const call = await store.findChannelCall({ channel: 'ebay', omsId: String(order.omsId), packageKey: 'PKG-RS1' });
		expect(call).toMatchObject({ status: 'failed' });
		// Retry Pending leaves it failed; Resend Failed (an Attention item: channel, omsId, callId) sends it
		expect(outputOf(await run({ channel: 'ebay', operation: 'retryPending' }), 'Marketplace')).toEqual([]);
		const r = await run({ channel: 'fromItem', operation: 'resendFailed', note: 'line ids fixed', author: 'Dana' }, [
			{ channel: 'ebay', omsId: order.omsId, callId: call!.id },
			{ channel: 'ebay', omsId: order.omsId, callId: 999999 },
		], { onError: 'continueErrorOutput' });
		const [ok, errors] = outputsOf(r, 'Marketplace');
		expect(ok).toEqual([expect.objectContaining({ marketplace: expect.objectContaining({ operation: 'resendFailed', channel: 'ebay', callId: call!.id, kind: 'confirmation', outcome: 'sent', status: 'sent', by: 'Dana', note: 'line ids fixed' }) })]);
		expect(errors).toEqual([expect.objectContaining({ error: 'No channel call 999999 in the OMS store' })]);
		expect(mine()).toHaveLength(1);
		const events = (await store.timeline(String(order.omsId))).filter((e) => e.detail?.outcome === 'resend');
		expect(events).toEqual([expect.objectContaining({ cause: 'Dana', detail: expect.objectContaining({ note: 'line ids fixed', callId: call!.id }) })]);
		// sent: resending the order again finds nothing failed (an item error) and sends nothing
		const again = await run({ channel: 'ebay', operation: 'resendFailed', callId: '' }, [{ omsId: order.omsId }], { onError: 'continueErrorOutput' });
		expect(outputsOf(again, 'Marketplace')[1]).toEqual([expect.objectContaining({ error: `${order.omsId} has no failed call to ebay (package PKG-RS1: sent)` })]);
		expect(mine()).toHaveLength(1);
	});
});

describe('marketplace: Set Available Quantity', () => {
	it('Channel From Item: the allocator’s (channel, sku) items go to each channel, batched, in each API’s shape; a bad item goes to the error output', async () => {
		const sku = (ch: Ch, k = 0) => String((sb.orders[ch][k].lines[0] as { sku: string }).sku);
		const input: IDataObject[] = [
			{ channel: 'amazon', sku: sku('amazon'), quantity: 7 },
			{ channel: 'ebay', sku: sku('ebay'), quantity: 3 },
			{ channel: 'walmart', sku: sku('walmart'), quantity: 11 },
			{ channel: 'etsy', sku: 'X-1', quantity: 1 },
			{ channel: 'ebay', sku: sku('ebay', 1), quantity: 0 },
			{ channel: 'shopify', sku: sku('shopify'), quantity: 4 },
			{ channel: 'woocommerce', sku: sku('woocommerce'), quantity: 5 },
			{ channel: 'walmart', sku: sku('walmart', 1), quantity: -2 },
		];
		const ebayBefore = sb.sandboxes.ebay.received.quantities.length;
		const r = await run({ channel: 'fromItem', operation: 'setQuantity' }, input, { onError: 'continueErrorOutput' });
		expect(r.error).toBeUndefined();
		const [ok, errors] = outputsOf(r, 'Marketplace');
		expect(itemsOf(r, 'Marketplace', 1).map((e) => e.pairedItem)).toEqual([{ item: 3 }, { item: 7 }]);
		expect(errors[0].error).toMatch(/no known channel/);
		expect(errors[1].error).toMatch(/SKU .*: quantity must be a whole number, 0 or more, got -2/);
		expect(ok.map((o) => `${o.channel}:${o.sku}`)).toEqual(
			[input[0], input[1], input[2], input[4], input[5], input[6]].map((o) => `${o.channel}:${o.sku}`),
		);
		for (const o of ok) expect(o.marketplace).toMatchObject({ operation: 'setQuantity', ok: true, channel: o.channel, quantity: o.quantity });

		// Amazon: one listings PATCH per SKU replacing fulfillment_availability
		const amz = sb.sandboxes.amazon.received.listings.at(-1)!;
		expect(amz).toMatchObject({ sellerId: sb.credentials.amazon.sellerId, sku: input[0].sku });
		expect(amz.body).toEqual({
			productType: 'PRODUCT',
			patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 7 }] }],
		});
		// eBay: both SKUs in ONE bulk_update_price_quantity call, the lowest quantity first (the outbox's order)
		expect(sb.sandboxes.ebay.received.quantities.length).toBe(ebayBefore + 1);
		expect(sb.sandboxes.ebay.received.quantities.at(-1)!.body).toEqual({
			requests: [
				{ sku: input[4].sku, shipToLocationAvailability: { quantity: 0 } },
				{ sku: input[1].sku, shipToLocationAvailability: { quantity: 3 } },
			],
		});
		// Walmart: PUT /v3/inventory?sku=… with {sku, quantity: {unit, amount}}
		expect(sb.sandboxes.walmart.received.inventory.at(-1)).toMatchObject({ sku: input[2].sku, query: { sku: input[2].sku }, body: { sku: input[2].sku, quantity: { unit: 'EACH', amount: 11 } } });
		expect(JSON.stringify(sb.sandboxes.shopify.received.inventorySets.at(-1))).toContain('4');
	});

	it('SKU and Quantity: the plain $json fields are read from the item; any other expression is evaluated as written', async () => {
		const sku = String((sb.orders.walmart[4].lines[0] as { sku: string }).sku);
		const before = sb.sandboxes.walmart.received.inventory.length;
		const r = await run({ channel: 'walmart', operation: 'setQuantity', sku: '={{ $json.item.code }}', quantity: '={{ $json.units - 1 }}' }, [{ item: { code: sku }, units: 5 }]);
		expect(r.error).toBeUndefined();
		expect(sb.sandboxes.walmart.received.inventory.slice(before).map((x) => [x.sku, (x.body as { quantity: { amount: number } }).quantity.amount])).toEqual([[sku, 4]]);
		// the defaults ({{ $json.sku }}, {{ $json.quantity }}) on an item without those fields: the item's own error
		const bad = await run({ channel: 'walmart', operation: 'setQuantity', sku: '={{ $json.sku }}', quantity: '={{  $json.quantity }}' }, [{ sku }, { quantity: 3 }], { onError: 'continueErrorOutput' });
		expect(itemsOf(bad, 'Marketplace', 1).map((e) => [e.pairedItem, String(e.json.error)])).toEqual([
			[{ item: 0 }, expect.stringMatching(/quantity/i)],
			[{ item: 1 }, expect.stringMatching(/SKU/)],
		]);
	});

	it('executions running at the same time: while one push of a SKU is out, the newer ones are owed (never two at once) and only the newest is sent next', async () => {
		const sku = String((sb.orders.walmart[2].lines[0] as { sku: string }).sku);
		const before = sb.sandboxes.walmart.received.inventory.length;
		// (a push of another SKU of the account would wait for the held call: Send Newest Only shares one call at a time)
		// the channel holds the first call until the next executions have queued their quantities behind it
		let arrived!: () => void;
		const out = new Promise<void>((r) => (arrived = r));
		let release!: () => void;
		const released = new Promise<void>((r) => (release = r));
		sb.sandboxes.walmart.inject({ kind: 'slow', path: '/v3/inventory', method: 'PUT', hold: () => (arrived(), released) });
		const first = run({ channel: 'walmart', operation: 'setQuantity' }, [{ sku, quantity: 9, basis: 100 }]);
		await out;
		const [b, c, d] = await Promise.all([
			run({ channel: 'walmart', operation: 'setQuantity' }, [{ sku, quantity: 8, basis: 101 }]),
			run({ channel: 'walmart', operation: 'setQuantity' }, [{ sku, quantity: 6, basis: 103 }]),
			// computed from older stock than the one above, though it arrives later: refused, never sent
			run({ channel: 'walmart', operation: 'setQuantity' }, [{ sku, quantity: 7, basis: 102 }]),
		]);
		expect(outputOf(b, 'Marketplace')[0].marketplace).toMatchObject({ quantity: 8, ok: false, outcome: 'queued', owed: true });
		expect(outputOf(c, 'Marketplace').map((o) => o.marketplace)).toEqual([expect.objectContaining({ sku, quantity: 6, ok: false, outcome: 'queued' })]);
		expect(outputOf(d, 'Marketplace')[0].marketplace).toMatchObject({ quantity: 6, requested: 7, superseded: true, outcome: 'older' });
		release();
		const a = await first;
		expect(outputOf(a, 'Marketplace')[0].marketplace).toMatchObject({ quantity: 9, ok: true, outcome: 'sent' });
		// the held 9, then (from the same execution, after it) the newest 6; never 8 or 7
		const sent = sb.sandboxes.walmart.received.inventory.slice(before).map((x) => `${x.sku}=${(x.body as { quantity: { amount: number } }).quantity.amount}`);
		expect(sent).toEqual([`${sku}=9`, `${sku}=6`]);

		// Send Newest Only off: the same outbox; each quantity pushed in turn goes (the later after the earlier)
		const off = sb.sandboxes.walmart.received.inventory.length;
		for (const q of [8, 7]) await run({ channel: 'walmart', operation: 'setQuantity', quantityOptions: { coalesce: false } }, [{ sku, quantity: q }]);
		expect(sb.sandboxes.walmart.received.inventory.length).toBe(off + 2);
	});

	it('a quantity the channel failed (5xx) stays owed, on the main output; Retry Pending sends it', async () => {
		const sku = String((sb.orders.walmart[5].lines[0] as { sku: string }).sku);
		sb.sandboxes.walmart.inject({ kind: 'error', path: '/v3/inventory', method: 'PUT', status: 503, times: 50 });
		const r = await run({ channel: 'walmart', operation: 'setQuantity', outbox: { backoffBaseSeconds: 0 } }, [{ sku, quantity: 12 }]);
		sb.sandboxes.walmart.clearFaults();
		expect(outputOf(r, 'Marketplace')[0].marketplace).toMatchObject({ sku, ok: false, outcome: 'retry_scheduled', owed: true, attempts: 1 });
		const before = sb.sandboxes.walmart.received.inventory.length;
		const retry = await run({ channel: 'walmart', operation: 'retryPending' });
		expect(retry.error).toBeUndefined();
		expect(outputOf(retry, 'Marketplace')).toEqual([expect.objectContaining({ operation: 'retryPending', channel: 'walmart', kind: 'quantity', sku, quantity: 12, outcome: 'sent', status: 'sent', attempts: 2 })]);
		expect(sb.sandboxes.walmart.received.inventory.slice(before).map((x) => x.sku)).toEqual([sku]);
		// nothing owed is left: a second run sends nothing
		expect(outputOf(await run({ channel: 'walmart', operation: 'retryPending' }), 'Marketplace')).toEqual([]);
	});
});

describe('marketplace: an answer to an eBay buyer\'s cancel request', () => {
	it('queued by Apply Channel Change, sent by Retry Pending once: the request id read from eBay, the answer on the main output', async () => {
		const o = [...sb.orders.ebay].reverse().find((x) => x.status === 'paid')!;
		const req = sb.sandboxes.ebay.requestCancellation(o.id);
		await store.enqueueChannelCalls([{ kind: 'cancel_answer', channel: 'ebay', omsId: `ebay:${o.id}`, payload: { channelOrderId: o.id, requestId: null, decision: 'approve' } }]);
		const retry = await run({ channel: 'ebay', operation: 'retryPending' });
		expect(retry.error).toBeUndefined();
		expect(outputOf(retry, 'Marketplace')).toEqual([
			expect.objectContaining({ operation: 'retryPending', channel: 'ebay', kind: 'cancel_answer', omsId: `ebay:${o.id}`, channelOrderId: o.id, decision: 'approve', outcome: 'sent', status: 'sent', reference: req.cancelId }),
		]);
		expect(sb.sandboxes.ebay.received.cancelDecisions.filter((d) => d.cancelId === req.cancelId).map((d) => d.decision)).toEqual(['approve']);
		expect(outputOf(await run({ channel: 'ebay', operation: 'retryPending' }), 'Marketplace')).toEqual([]);
	});
});

describe("marketplace: a return's refund", () => {
	it('owed in the channel outbox, sent by Retry Pending once through WooCommerce, the call on the main output', async () => {
		const o = sb.orders.woocommerce.find((x) => x.status === 'shipped' && x.lines[0].unitPrice > 0)!;
		const returnId = `manual:mp-refund-${o.id}`;
		const totalMinor = Math.round(o.lines[0].unitPrice * 100);
		await store.enqueueChannelCalls([
			{
				kind: 'refund',
				channel: 'woocommerce',
				omsId: `woocommerce:${o.id}`,
				payload: { returnId, channelOrderId: o.id, channelReturnId: `mp-refund-${o.id}`, currency: o.currency, lines: [{ lineId: String(Number(o.id) * 10 + 1), quantity: 1, amountMinor: totalMinor, taxMinor: 0, restockingFeeMinor: 0 }], shippingMinor: 0, returnShippingFeeMinor: 0, totalMinor, reason: `OMS return ${returnId}` },
			},
		]);
		const retry = await run({ channel: 'woocommerce', operation: 'retryPending' });
		expect(retry.error).toBeUndefined();
		const refunds = sb.sandboxes.woocommerce.shows(o.id).refunds;
		expect(refunds.map((r) => r.meta.map((m) => [m.key, m.value]))).toEqual([[['_oms_return_id', returnId]]]);
		expect(outputOf(retry, 'Marketplace')).toEqual([
			expect.objectContaining({ operation: 'retryPending', channel: 'woocommerce', kind: 'refund', omsId: `woocommerce:${o.id}`, returnId, channelOrderId: o.id, outcome: 'sent', status: 'sent', reference: String(refunds[0].id) }),
		]);
		expect(outputOf(await run({ channel: 'woocommerce', operation: 'retryPending' }), 'Marketplace')).toEqual([]);
		expect(sb.sandboxes.woocommerce.shows(o.id).refunds).toHaveLength(1);
	});
});

describe('marketplace: Walmart acknowledge and cancel', () => {
	it('acknowledges a released Walmart order; other channels send nothing', async () => {
		const po = sb.orders.walmart.find((o) => o.status === 'paid')!.id;
		const r = await run({ channel: 'fromItem', operation: 'acknowledge' }, [
			{ omsId: `walmart:${po}`, channel: 'walmart', channelOrderId: '' },
			{ channel: 'ebay', channelOrderId: sb.orders.ebay[0].id },
		]);
		expect(r.error).toBeUndefined();
		const out = outputOf(r, 'Marketplace');
		expect(out[0].marketplace).toMatchObject({ channel: 'walmart', channelOrderId: po, acknowledged: true });
		expect(out[1].marketplace).toMatchObject({ channel: 'ebay', acknowledged: false });
		expect(sb.sandboxes.walmart.received.acknowledgements).toContain(po);
	});

	it('Get Orders Since with Acknowledge Released Orders acknowledges each listed Walmart order still Created through the outbox, once; a refused one is failed for good until Resend Failed', async () => {
		const s = sb.sandboxes.walmart;
		const since = new Date(Date.now() - 30 * 86400_000).toISOString();
		const isCreated = (o: IDataObject) => String(o.channelStatus).split('/').includes('Created');
		const before = s.received.acknowledgements.length;
		s.inject({ kind: 'error', path: /\/acknowledge$/, method: 'POST', status: 400 });
		const first = outputOf(await run({ channel: 'walmart', operation: 'getOrdersSince', sinceMode: 'time', since, acknowledge: true }), 'Marketplace');
		const created = first.filter(isCreated);
		expect(created.length).toBeGreaterThan(1);
		// every listed order goes on to Record, acknowledged or not; only the Created ones were asked
		expect(first).toHaveLength(sb.orders.walmart.length);
		expect(first.filter((o) => o.acknowledgement !== undefined).map((o) => o.channelOrderId)).toEqual(created.map((o) => o.channelOrderId));
		const [failed, ...acked] = created;
		const failedCall = (failed.acknowledgement as IDataObject).callId as number;
		expect(failed.acknowledgement).toMatchObject({ ok: false, kind: 'acknowledgement', outcome: 'failed', omsId: failed.omsId, callId: expect.any(Number), error: expect.stringMatching(/400/) });
		for (const o of acked) expect(o.acknowledgement).toMatchObject({ ok: true, kind: 'acknowledgement', outcome: 'sent', status: 'sent', attempts: 1 });
		expect(s.received.acknowledgements.slice(before).sort()).toEqual(acked.map((o) => String(o.channelOrderId)).sort());
		expect(await store.getChannelCall(failedCall)).toMatchObject({ kind: 'acknowledgement', status: 'failed', omsId: failed.omsId });
		// the next run sends nothing: the refused one waits for a person (Attention queue), the others are sent
		const second = outputOf(await run({ channel: 'walmart', operation: 'getOrdersSince', sinceMode: 'time', since, acknowledge: true }), 'Marketplace');
		expect(second.filter((o) => o.acknowledgement !== undefined).map((o) => [o.channelOrderId, (o.acknowledgement as IDataObject).outcome])).toEqual([[failed.channelOrderId, 'failed']]);
		expect(s.received.acknowledgements.length).toBe(before + acked.length);
		// Resend Failed (an Attention item's callId) sends it once
		const resent = outputOf(await run({ channel: 'fromItem', operation: 'resendFailed', author: 'Dana' }, [{ channel: 'walmart', omsId: failed.omsId, callId: failedCall }]), 'Marketplace');
		expect(resent.map((o) => o.marketplace)).toEqual([expect.objectContaining({ kind: 'acknowledgement', callId: failedCall, outcome: 'sent', channelOrderId: failed.channelOrderId })]);
		expect(s.received.acknowledgements.slice(before).sort()).toEqual(created.map((o) => String(o.channelOrderId)).sort());
		// off (the default), or another channel, or nothing still Created: nothing is sent
		const third = outputOf(await run({ channel: 'walmart', operation: 'getOrdersSince', sinceMode: 'time', since }), 'Marketplace');
		expect(third.some((o) => o.acknowledgement !== undefined)).toBe(false);
		const fourth = outputOf(await run({ channel: 'walmart', operation: 'getOrdersSince', sinceMode: 'time', since, acknowledge: true }), 'Marketplace');
		expect(fourth.some((o) => o.acknowledgement !== undefined)).toBe(false);
		const ebay = outputOf(await run({ channel: 'ebay', operation: 'getOrdersSince', sinceMode: 'time', since, acknowledge: true }), 'Marketplace');
		expect(ebay.some((o) => o.acknowledgement !== undefined)).toBe(false);
		expect(s.received.acknowledgements.length).toBe(before + created.length);
	});

	it('cancels Walmart lines; an Amazon line the order does not have is an item error, and nothing is sent to Amazon', async () => {
		const order = (await ordersOf('walmart')).find((o) => o.readiness === 'ready')!;
		const line = (order.lines as IDataObject[])[0];
		const r = await run(
			{ channel: 'fromItem', operation: 'cancel', cancelScope: 'lines' },
			[
				{ channel: 'walmart', channelOrderId: order.channelOrderId, lines: [{ lineId: line.lineId, quantity: line.quantity }] },
				{ channel: 'amazon', channelOrderId: sb.orders.amazon[0].id, lines: [{ lineId: '1', quantity: 1 }] },
			],
			{ onError: 'continueErrorOutput' },
		);
		const [ok, errors] = outputsOf(r, 'Marketplace');
		expect(ok).toHaveLength(1);
		expect(sb.sandboxes.walmart.received.cancellations.at(-1)!.purchaseOrderId).toBe(order.channelOrderId);
		expect(errors[0].error).toMatch(new RegExp(`Amazon order ${sb.orders.amazon[0].id}: item 1 is not in the order`));
		expect(sb.sandboxes.amazon.received.feeds.filter((f) => f.feedType === 'POST_ORDER_ACKNOWLEDGEMENT_DATA')).toEqual([]);
	});
});

describe('marketplace: Amazon cancellation through the order acknowledgement feed', () => {
	it('cancels an unshipped Amazon order (POST_ORDER_ACKNOWLEDGEMENT_DATA, StatusCode Failure) with the reason', async () => {
		const o = sb.orders.amazon.find((x) => x.status === 'paid')!;
		const r = await run({ channel: 'fromItem', operation: 'cancel', cancelScope: 'order', reason: 'Rejected by fraud screening' }, [{ channel: 'amazon', channelOrderId: o.id }], { onError: 'continueErrorOutput' });
		const [ok, errors] = outputsOf(r, 'Marketplace');
		expect(errors).toEqual([]);
		const feed = sb.sandboxes.amazon.received.feeds.filter((f) => f.feedType === 'POST_ORDER_ACKNOWLEDGEMENT_DATA').at(-1)!;
		expect(ok[0].marketplace).toMatchObject({ channel: 'amazon', channelOrderId: o.id, scope: 'order', reference: feed.feedId });
		expect(feed.content).toContain('<CancelReason>RiskAssessmentInformationNotValid</CancelReason>');
		expect(sb.sandboxes.amazon.received.cancellations.at(-1)).toMatchObject({ orderId: o.id, feedId: feed.feedId });
	});
});

describe('credential tests (node-side, through n8n’s credential-test request helper)', () => {
	const ctx = () => new CredentialTestContext({} as IWorkflowExecuteAdditionalData);
	it.each([
		['amazon', amazonSpApiTest, 'lwaClientSecret'],
		['ebay', ebayApiTest, 'certId'],
		['walmart', walmartApiTest, 'clientSecret'],
	] as const)('%s: OK with the sandbox credential, a clear error (without the secret) with a wrong secret', async (ch, test, secretField) => {
		const good = await test.call(ctx(), { id: `t-${ch}`, name: ch, type: CRED[ch], data: sb.credentials[ch] as unknown as ICredentialDataDecryptedObject });
		expect(good).toMatchObject({ status: 'OK' });
		const wrong = 'wrong-secret-value-123';
		const bad = await test.call(ctx(), { id: `t-bad-${ch}`, name: ch, type: CRED[ch], data: { ...(sb.credentials[ch] as unknown as ICredentialDataDecryptedObject), [secretField]: wrong } });
		expect(bad.status).toBe('Error');
		expect(bad.message).not.toContain(wrong);
	});
});

describe('eBay token URL override', () => {
	it('uses the Token URL field for the refresh-token exchange', async () => {
		const ctx = new CredentialTestContext({} as IWorkflowExecuteAdditionalData);
		const data = sb.credentials.ebay as unknown as ICredentialDataDecryptedObject;
		const good = await ebayApiTest.call(ctx, { id: 'tu-1', name: 'e', type: 'omsEbayApi', data: { ...data, tokenUrl: `${sb.urls.ebay}/identity/v1/oauth2/token` } });
		expect(good.status).toBe('OK');
		const bad = await ebayApiTest.call(ctx, { id: 'tu-2', name: 'e', type: 'omsEbayApi', data: { ...data, tokenUrl: `${sb.urls.ebay}/no/such/token` } });
		expect(bad.status).toBe('Error');
	});
});

function hash(s: string): number {
	let h = 0;
	for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
	return h % 100_000_000;
}
