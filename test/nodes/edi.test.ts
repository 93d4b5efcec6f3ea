/**
 * The edi node through n8n-core's WorkflowExecute on real stores (SQLite; PostgreSQL for the 940/997 path):
 * Generate 940 once per order with store-kept control numbers, a file in binary; Reconcile 997 and List
 * Unacknowledged; Apply 945 like Get Updates; Parse (850 as canonical orders, 846 as levels); Acknowledge with a
 * 997 read back from its binary file; 855/856/810 for a retailer's order; malformed input on the error output with
 * the segment and element; the credential test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, ICredentialsDecrypted, ICredentialTestFunctions } from 'n8n-workflow';
import { buildInterchange, parseInterchange, write850, write945, write997, type FunctionalAck, type PartnerSettings } from '../../lib/edi';
import { closeAllStores } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';
import type { CanonicalOrder } from '../../lib/order/types';
import { ediPartnerSettingsTest } from '../../nodes/shared/edi-partner';
import { buildWorkflow, itemsOf, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';
import { pgSetup, sqliteSetup, type StoreSetup } from '../helpers/store-credentials';

const dir = mkdtempSync(join(tmpdir(), 'edi-node-'));
afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

/** The credential as the node sees it: us (SELLER) and the warehouse */
const WAREHOUSE_CRED = { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: 'ZZ', receiverId: 'WH3PL', version: '4010', usage: 'T', expect997: true, element: '*', segment: '~', component: '>', lineBreak: true };
const RETAILER_CRED = { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: '01', receiverId: '123456789', version: '5010', usage: 'P', channel: 'acme', element: '*', segment: '~', component: ':', repetition: '^' };
/** What the partners write (their side of the same agreements) */
const WAREHOUSE_SIDE: PartnerSettings = { senderQualifier: 'ZZ', senderId: 'WH3PL', receiverQualifier: 'ZZ', receiverId: 'SELLER', version: '4010', usage: 'T', ackRequested: false, element: '*', segment: '~', component: '>' };
const RETAILER_SIDE: PartnerSettings = { senderQualifier: '01', senderId: '123456789', receiverQualifier: 'ZZ', receiverId: 'SELLER', version: '5010', usage: 'P', ackRequested: false, element: '*', segment: '~', component: ':', repetition: '^' };

type Params = Record<string, unknown>;

async function runEdi(credentials: Record<string, Record<string, unknown>>, partner: Record<string, unknown>, parameters: Params, items: unknown[] = [{}], next?: { parameters: Params }) {
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
		{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
		{
			name: 'EDI',
			type: 'n8n-nodes-oms-wms.edi',
			parameters: parameters as never,
			credentials: { omsEdiPartnerApi: { id: 'p', name: 'Partner' }, omsStoreApi: { id: 'store', name: 'OMS Store' } },
			onError: 'continueErrorOutput' as const,
		},
		...(next
			? [{ name: 'Next', type: 'n8n-nodes-oms-wms.edi', parameters: next.parameters as never, credentials: { omsEdiPartnerApi: { id: 'p', name: 'Partner' }, omsStoreApi: { id: 'store', name: 'OMS Store' } }, onError: 'continueErrorOutput' as const }]
			: []),
	];
	const edges: Array<[string, string]> = [
		['Start', 'Items'],
		['Items', 'EDI'],
		...(next ? ([['EDI', 'Next']] as Array<[string, string]>) : []),
	];
	const result = await runWorkflow(buildWorkflow(nodes, edges), { credentials: { ...credentials, omsEdiPartnerApi: partner } });
	expect(result.error).toBeUndefined();
	const [main, errors] = outputsOf(result, 'EDI');
	return { result, main: main ?? [], errors: errors ?? [] };
}

let seq = 0;
async function ready(store: Store, overrides: Partial<CanonicalOrder> = {}): Promise<CanonicalOrder> {
	const o = makeOrder({ channelOrderId: `edi-${process.pid}-${++seq}`, lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 10, lineTotal: 20 }], ...overrides });
	await store.recordOrder(o);
	await store.setStatus(o.omsId, 'ready');
	return o;
}

const KINDS: Array<[string, StoreSetup]> = [
	['SQLite', sqliteSetup(dir, 'edi-node')],
	['PostgreSQL', pgSetup('edinode')],
];

describe.each(KINDS)('edi node, warehouse side, on %s', (_kind, setup) => {
	it('Generate 940: one file per ready order, control numbers from the store, never twice; not-ready orders on the error output', async () => {
		const { credentials, store } = await setup();
		const a = await ready(store);
		const b = await ready(store);
		const notReady = makeOrder({ channelOrderId: `edi-nr-${++seq}` });
		await store.recordOrder(notReady);
		const first = await runEdi(credentials, WAREHOUSE_CRED, { resource: 'warehouse', operation: 'generate940' }, [a, notReady, b]);
		expect(first.main.map((j) => j.omsId)).toEqual([a.omsId, b.omsId]);
		expect(first.errors).toHaveLength(1);
		expect(first.errors[0].error).toBe(`${notReady.omsId}: no 940 generated: the order is received, not ready for the warehouse`);
		const items = itemsOf(first.result, 'EDI', 0);
		const controls = first.main.map((j) => Number(j.interchangeControl));
		expect(controls[1]).toBe(controls[0] + 1);
		for (const [k, item] of items.entries()) {
			expect(item.json.fileName).toBe(`940-${String(controls[k]).padStart(9, '0')}.edi`);
			expect(item.binary?.data).toMatchObject({ fileName: item.json.fileName, mimeType: 'application/edi-x12' });
			const text = Buffer.from(item.binary!.data.data, 'base64').toString('utf8');
			expect(text).toBe(item.json.edi);
			const i = parseInterchange(text);
			expect(i.header).toMatchObject({ senderId: 'SELLER', receiverId: 'WH3PL', usage: 'T' });
			expect(i.groups[0].transactions[0].segments[0].elements.slice(0, 2)).toEqual(['N', item.json.omsId]);
		}
		// again: both were generated before, nothing new
		const again = await runEdi(credentials, WAREHOUSE_CRED, { resource: 'warehouse', operation: 'generate940' }, [a, b]);
		expect(again.main).toEqual([]);
		expect(again.errors).toEqual([]);

		// both are unacknowledged
		const pending = await runEdi(credentials, WAREHOUSE_CRED, { resource: 'warehouse', operation: 'listPending' });
		expect(pending.main.map((j) => j.omsId).sort()).toEqual([a.omsId, b.omsId].sort());

		// the warehouse's 997 accepts a's group, rejects b's
		const ack = (g: string, status: 'A' | 'R'): FunctionalAck => ({
			functionalId: 'OW',
			groupControl: g,
			version: null,
			sets: [{ setId: '940', controlNumber: '0001', status, codes: status === 'R' ? ['5'] : [], errors: [] }],
			groupStatus: status,
			included: 1,
			received: 1,
			accepted: status === 'A' ? 1 : 0,
			groupCodes: [],
		});
		const text997 = buildInterchange(WAREHOUSE_SIDE, { controlNumber: 31, sets: [write997(ack(String(first.main[0].groupControl), 'A')), write997(ack(String(first.main[1].groupControl), 'R'))] }).text;
		const rec = await runEdi(credentials, WAREHOUSE_CRED, { resource: 'warehouse', operation: 'reconcile997', inputSource: 'json' }, [{ edi: text997 }]);
		expect(rec.main.map((j) => [j.omsId, j.outcome])).toEqual([
			[a.omsId, 'accepted'],
			[b.omsId, 'rejected'],
		]);
		expect((await store.getDelivery(a.omsId))!.status).toBe('sent');
		expect((await store.getDelivery(b.omsId))!.status).toBe('failed');
		expect((await store.getOrder(b.omsId))!.status).toBe('on_hold');
		const none = await runEdi(credentials, WAREHOUSE_CRED, { resource: 'warehouse', operation: 'listPending' });
		expect(none.main).toEqual([]);

		// the 945 ships a; the output is the Get Updates package item
		const text945 = buildInterchange(WAREHOUSE_SIDE, {
			controlNumber: 32,
			sets: [
				write945({
					reportingCode: 'F',
					depositorOrderNumber: a.omsId,
					shippedAt: '2026-05-02T15:30:00.000Z',
					shipmentId: 'SH-1',
					carrier: 'UPSN',
					transportMethod: 'U',
					packages: [{ packageKey: 'SH-1:1Z1', trackingNumber: '1Z1', lines: [{ sku: 'MUG', quantity: 2, ordered: 2, lineId: '1' }] }],
				}),
			],
		}).text;
		const shipped = await runEdi(credentials, WAREHOUSE_CRED, { resource: 'warehouse', operation: 'apply945', inputSource: 'json' }, [{ edi: text945 }]);
		expect(shipped.errors).toEqual([]);
		expect(shipped.main).toEqual([
			{ omsId: a.omsId, channel: 'shopify', channelOrderId: a.channelOrderId, orderNumber: a.orderNumber, provider: 'edi', packageKey: 'SH-1:1Z1', carrier: 'UPSN', trackingNumber: '1Z1', trackingUrl: null, shippedAt: '2026-05-02T15:30:00.000Z', lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }] },
		]);
		expect((await store.getOrder(a.omsId))!.status).toBe('shipped');
		const twice = await runEdi(credentials, WAREHOUSE_CRED, { resource: 'warehouse', operation: 'apply945', inputSource: 'json' }, [{ edi: text945 }]);
		expect(twice.main).toEqual([]);
	});
});

describe('edi node, documents and retailer side (SQLite)', () => {
	it('Parse: malformed input goes to the error output with the segment and element; the rest of the batch goes on', async () => {
		const { credentials } = await sqliteSetup(dir, 'edi-parse')();
		const good = buildInterchange(RETAILER_SIDE, { controlNumber: 5, sets: [write850(makeOrder({ channel: 'acme', channelOrderId: 'PO-1', orderNumber: 'PO-1', placedAt: '2026-05-01T00:00:00.000Z', updatedAt: '2026-05-01T00:00:00.000Z', channelStatus: 'original', shipping: { level: 'standard', label: null } }))] }).text;
		const broken = good.replace(/SE\*(\d+)\*0001/, 'SE*99*0001');
		const { main, errors } = await runEdi(credentials, RETAILER_CRED, { resource: 'document', operation: 'parse', inputSource: 'json' }, [{ edi: broken }, { edi: good }, { nothing: true }]);
		expect(main).toHaveLength(1);
		expect(main[0]).toMatchObject({ omsId: 'acme:PO-1', channel: 'acme', channelOrderId: 'PO-1', readiness: 'ready' });
		expect(errors).toHaveLength(2);
		expect(errors[0].error).toMatch(/^X12 refused: SE01 segment count 99 does not match \d+ segments at segment \d+ \(SE\), element 1$/);
		expect((errors[0].details as IDataObject).problems).toEqual([{ path: expect.stringMatching(/^segment \d+ SE element 1$/), message: expect.stringMatching(/^SE01 segment count 99/) }]);
		expect(errors[1].error).toBe('Item has no X12 text in field "edi" (got nothing)');
		// an interchange from someone else is refused
		const stranger = good.replace('ISA*00*          *00*          *01*123456789      ', 'ISA*00*          *00*          *01*999999999      ');
		const other = await runEdi(credentials, RETAILER_CRED, { resource: 'document', operation: 'parse', inputSource: 'json' }, [{ edi: stranger }]);
		expect(other.errors[0].error).toBe('X12 refused: ISA06 sender 01/999999999 is not the trading partner 01/123456789 at segment 1 (ISA), element 6');
	});

	it('Acknowledge writes a 997 file that Parse reads back from binary; 855, 856 and 810 for a retailer order', async () => {
		const { credentials, store } = await sqliteSetup(dir, 'edi-retail')();
		const po = makeOrder({ channel: 'acme', channelOrderId: 'PO-2', orderNumber: 'PO-2', placedAt: '2026-05-01T00:00:00.000Z', updatedAt: '2026-05-01T00:00:00.000Z', channelStatus: 'original', shipping: { level: 'standard', label: null } });
		const text850 = buildInterchange(RETAILER_SIDE, { controlNumber: 6, sets: [write850(po)] }).text;
		const acked = await runEdi(credentials, RETAILER_CRED, { resource: 'document', operation: 'acknowledge', inputSource: 'json' }, [{ edi: text850 }], {
			parameters: { resource: 'document', operation: 'parse', inputSource: 'binary', expect: '997', options: { checkParties: false } },
		});
		expect(acked.main[0]).toMatchObject({ set: '997', acknowledges: '000000006', groups: [{ functionalId: 'PO', groupControl: '6', status: 'A', accepted: 1 }] });
		const [parsed] = outputsOf(acked.result, 'Next');
		// the same interchange again: acknowledged once
		expect((await runEdi(credentials, RETAILER_CRED, { resource: 'document', operation: 'acknowledge', inputSource: 'json' }, [{ edi: text850 }])).main).toEqual([]);
		expect(parsed[0]).toMatchObject({ set: '997', ack: { functionalId: 'PO', groupControl: '6', groupStatus: 'A', sets: [{ setId: '850', controlNumber: '0001', status: 'A' }] } });

		// the 850 recorded as an order, then shipped by the warehouse
		const order = (await runEdi(credentials, RETAILER_CRED, { resource: 'document', operation: 'parse', inputSource: 'json' }, [{ edi: text850 }])).main[0] as unknown as CanonicalOrder;
		await store.recordOrder(order);
		const ack855 = await runEdi(credentials, RETAILER_CRED, { resource: 'retailer', operation: 'generate855' }, [order]);
		expect(ack855.main[0]).toMatchObject({ set: '855', omsId: 'acme:PO-2', poNumber: 'PO-2', reject: false, receiver: '01/123456789' });
		expect(String(ack855.main[0].edi)).toContain('BAK*00*AD*PO-2*20260501');
		// another channel's order is not this retailer's: skipped
		const shopifyOrder = makeOrder({ channelOrderId: 'not-acme' });
		expect((await runEdi(credentials, RETAILER_CRED, { resource: 'retailer', operation: 'generate855' }, [shopifyOrder])).main).toEqual([]);
		const early856 = await runEdi(credentials, RETAILER_CRED, { resource: 'retailer', operation: 'generate856' }, [order]);
		expect(early856.errors[0].error).toBe('acme:PO-2 has no shipments yet: an 856 needs what was shipped (run the WMS updates first)');
		await store.recordShipment({ omsId: order.omsId, packageKey: 'P1', provider: 'edi', carrier: 'UPSN', trackingNumber: '1Z9', trackingUrl: null, shippedAt: '2026-05-02T10:00:00.000Z', lines: [{ sku: order.lines[0].sku, quantity: order.lines[0].quantity, lineId: '1' }] });
		const asn = await runEdi(credentials, RETAILER_CRED, { resource: 'retailer', operation: 'generate856' }, [order]);
		expect(String(asn.main[0].edi)).toMatch(/MAN\*CP\*1Z9~/);
		const inv = await runEdi(credentials, RETAILER_CRED, { resource: 'retailer', operation: 'generate810', invoiceNumber: '={{ "INV-" + $json.channelOrderId }}' }, [order]);
		expect(inv.main[0]).toMatchObject({ set: '810', invoiceNumber: 'INV-PO-2', currency: 'USD' });
		// sent once: the same packages / invoice number again give nothing
		expect((await runEdi(credentials, RETAILER_CRED, { resource: 'retailer', operation: 'generate856' }, [order])).main).toEqual([]);
		expect((await runEdi(credentials, RETAILER_CRED, { resource: 'retailer', operation: 'generate810', invoiceNumber: '={{ "INV-" + $json.channelOrderId }}' }, [order])).main).toEqual([]);
		expect((await runEdi(credentials, RETAILER_CRED, { resource: 'retailer', operation: 'generate856', sendOnce: false }, [order])).main).toHaveLength(1);
		// control numbers of one partner never repeat across operations
		const all = [acked.main[0], ack855.main[0], asn.main[0], inv.main[0]].map((j) => Number(j.interchangeControl));
		expect(new Set(all).size).toBe(4);
	});

	it('Generate 940 honours the Backorder Gate\'s shipment fields (and refuses a line that is not the order\'s)', async () => {
		const { credentials, store } = await sqliteSetup(dir, 'edi-split')();
		const o = await ready(store, { lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 3, unitPrice: 10, lineTotal: 30 }] });
		const item = { ...o, shipmentNo: 1, shipmentLines: [{ lineId: '1', sku: 'MUG', quantity: 2 }] };
		const bad = { ...o, shipmentLines: [{ lineId: '9', sku: 'X', quantity: 1 }] };
		const { main, errors } = await runEdi(credentials, WAREHOUSE_CRED, { resource: 'warehouse', operation: 'generate940' }, [bad, item]);
		expect(errors.map((e) => e.error)).toEqual([`${o.omsId}: shipmentLines[0] (9) is not a line of the order`]);
		const w01 = parseInterchange(String(main[0].edi)).groups[0].transactions[0].segments.find((x) => x.id === 'W01')!;
		expect(w01.elements.slice(0, 5)).toEqual(['2', 'EA', '', 'SK', 'MUG']);
	});

	it('the credential test checks the settings and names every problem', async () => {
		const ok = await ediPartnerSettingsTest.call({} as ICredentialTestFunctions, { id: '1', name: 'p', type: 'omsEdiPartnerApi', data: WAREHOUSE_CRED } as ICredentialsDecrypted);
		expect(ok).toEqual({ status: 'OK', message: 'Settings are valid: ZZ/SELLER to ZZ/WH3PL, X12 4010, test' });
		const bad = await ediPartnerSettingsTest.call({} as ICredentialTestFunctions, { id: '1', name: 'p', type: 'omsEdiPartnerApi', data: { ...WAREHOUSE_CRED, senderId: '', segment: '*' } } as ICredentialsDecrypted);
		expect(bad).toEqual({ status: 'Error', message: "EDI trading partner settings: Sender ID is required; The separators must all differ (got Element Separator '*', Segment Terminator '*', Sub-element Separator '>')" });
	});
});
