/**
 * EDI as a WMS provider on the real stores (SQLite and PostgreSQL): a ready order's 940 is recorded in the outbox
 * (pending until the 997), never generated twice, its control numbers never repeat; a 997 accepts or rejects it;
 * a 945 takes the order to shipped through lib/flows applyUpdates with its tracking.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	buildInterchange,
	EDI_PROVIDER,
	parseInterchange,
	read945,
	readDocument,
	replyScope,
	updateOf945,
	write945,
	write997,
	type FunctionalAck,
	type ShippingAdvice,
} from '../../../lib/edi';
import { apply945, reconcile997, send940 } from '../../../lib/flows';
import type { Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';
import { pgSetup, sqliteSetup, type StoreSetup } from '../../helpers/store-credentials';
import { FROM_WAREHOUSE, TO_WAREHOUSE } from './partners';

const dir = mkdtempSync(join(tmpdir(), 'oms-edi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KINDS: Array<[string, StoreSetup]> = [
	['SQLite', sqliteSetup(dir, 'edi')],
	['PostgreSQL', pgSetup('edi')],
];

async function readyOrder(store: Store, id: string) {
	const order = makeOrder({ channelOrderId: id, lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 10, lineTotal: 20 }] });
	await store.recordOrder(order);
	await store.upsertStockLevels([{ sku: 'MUG', onHand: 10 }]);
	await store.reserve([{ omsId: order.omsId, lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }], allowPartial: false }]);
	await store.setStatus(order.omsId, 'ready');
	return order;
}

/** The warehouse's 997 for our interchange */
function ackFor(groupControl: string, sets: Array<{ controlNumber: string; status: 'A' | 'R'; codes?: string[] }>): FunctionalAck {
	const accepted = sets.filter((s) => s.status === 'A').length;
	return {
		functionalId: 'OW',
		groupControl,
		version: null,
		sets: sets.map((s) => ({ setId: '940', controlNumber: s.controlNumber, status: s.status, codes: s.codes ?? [], errors: s.status === 'R' ? [{ segmentId: 'W01', position: 4, code: '8', elements: [{ position: '5', code: '7', value: 'MUG' }] }] : [] })),
		groupStatus: accepted === sets.length ? 'A' : accepted ? 'P' : 'R',
		included: sets.length,
		received: sets.length,
		accepted,
		groupCodes: [],
	};
}

describe.each(KINDS)('EDI WMS path on %s', (_name, setup) => {
	let store: Store;
	beforeEach(async () => {
		store = (await setup()).store;
	});
	afterEach(async () => {
		await store.close();
	});

	it('keeps the 940 in the outbox without the ISA04 security password; the interchange to write out has it', async () => {
		const o = await readyOrder(store, 'PW1');
		const password = 'Pw0rd!23';
		const partner = { ...TO_WAREHOUSE, securityQualifier: '01', securityInfo: password };
		const r = await send940(store, partner, o.omsId);
		expect(r.outcome).toBe('generated');
		const sent = r.document!.text;
		expect(parseInterchange(sent).header).toMatchObject({ securityQualifier: '01', securityInfo: password.padEnd(10) });
		const rows = JSON.stringify([await store.listDeliveries({ provider: EDI_PROVIDER }), await store.timeline(o.omsId), await store.getOrder(o.omsId)]);
		expect(rows).not.toContain(password);
		const kept = (await store.getDelivery(o.omsId, 1))!.payload as { document: string; isa04?: string };
		expect(kept.isa04).toBe('omitted');
		// the same interchange, ISA04 blank (fixed width kept): it still parses, with the same control numbers
		expect(kept.document).toBe(sent.replace(`*01*${password.padEnd(10)}*`, `*01*${' '.repeat(10)}*`));
		expect(parseInterchange(kept.document).header).toMatchObject({ securityInfo: ' '.repeat(10), controlNumber: r.document!.interchangeControl });
		// without a password the stored copy is the interchange itself
		const p2 = await readyOrder(store, 'PW2');
		const r2 = await send940(store, TO_WAREHOUSE, p2.omsId);
		expect(((await store.getDelivery(p2.omsId, 1))!.payload as { document: string; isa04?: string })).toMatchObject({ document: r2.document!.text });
		expect(((await store.getDelivery(p2.omsId, 1))!.payload as { isa04?: string }).isa04).toBeUndefined();
	});

	it('generates a 940 once, pending until the 997 accepts it; control numbers never repeat', async () => {
		const a = await readyOrder(store, 'A1');
		const b = await readyOrder(store, 'B1');
		const ra = await send940(store, TO_WAREHOUSE, a.omsId);
		expect(ra.outcome).toBe('generated');
		expect(ra.delivery).toMatchObject({ provider: EDI_PROVIDER, reference: a.omsId, status: 'pending' });
		const doc = parseInterchange(ra.document!.text);
		expect(doc.groups[0].transactions[0].segments[0].elements.slice(0, 2)).toEqual(['N', a.omsId]);
		expect((await store.getOrder(a.omsId))!.status).toBe('at_wms');
		expect((await store.getOrder(a.omsId))!.order.wms).toMatchObject({ provider: 'edi', reference: a.omsId, references: { [a.omsId]: { status: 'at_wms', rawStatus: '940 awaiting 997' } } });

		// the same order again: nothing new, no control number taken
		const again = await send940(store, TO_WAREHOUSE, a.omsId);
		expect(again).toMatchObject({ outcome: 'already_generated', document: null });
		const rb = await send940(store, TO_WAREHOUSE, b.omsId);
		expect(Number(rb.document!.interchangeControl)).toBe(Number(ra.document!.interchangeControl) + 1);
		expect(rb.document!.interchangeControl).not.toBe(ra.document!.interchangeControl);

		// the unacknowledged 940s show as pending in the outbox
		expect((await store.listDeliveries({ provider: 'edi', status: ['pending'] })).map((d) => d.omsId).sort()).toEqual([a.omsId, b.omsId].sort());

		// the warehouse accepts A's group, rejects B's
		const scope = replyScope(parseInterchange(buildInterchange(FROM_WAREHOUSE, { controlNumber: 1, sets: [{ setId: '997', segments: [['AK1', 'OW', '1'], ['AK9', 'A', 0, 0, 0]] }] }).text).header);
		expect(scope).toBe(ra.document!.scope);
		const results = await reconcile997(store, scope, [
			ackFor(ra.document!.groupControl, [{ controlNumber: '0001', status: 'A' }]),
			ackFor(rb.document!.groupControl, [{ controlNumber: '1', status: 'R', codes: ['5'] }]),
			ackFor('999999', [{ controlNumber: '0001', status: 'A' }]),
		]);
		expect(results.map((r) => [r.omsId, r.outcome])).toEqual([
			[a.omsId, 'accepted'],
			[b.omsId, 'rejected'],
			[null, 'unmatched'],
		]);
		expect(await store.getDelivery(a.omsId)).toMatchObject({ status: 'sent', wmsOrderId: `${ra.document!.interchangeControl}/${ra.document!.groupControl}/0001` });
		expect((await store.getOrder(a.omsId))!.order.wms).toMatchObject({ references: { [a.omsId]: { status: 'at_wms', rawStatus: '940 acknowledged (997)' } } });
		expect((await store.getOrder(b.omsId))!.order.wms).toMatchObject({ references: { [b.omsId]: { rawStatus: '940 rejected (997)' } } });
		const failed = await store.getDelivery(b.omsId);
		expect(failed).toMatchObject({ status: 'failed' });
		expect(failed!.lastError).toBe(`997 R for 940 1 in group ${rb.document!.groupControl}; AK5 5: one or more segments in error; AK3 W01 at 4: segment has data element errors; AK4 element 5: invalid code value ('MUG')`);
		const heldB = await store.getOrder(b.omsId);
		expect(heldB).toMatchObject({ status: 'on_hold', hold: { reason: 'operator', detail: `The warehouse rejected the 940: ${failed!.lastError}` } });
		// a repeated 997 changes nothing
		expect((await reconcile997(store, scope, [ackFor(ra.document!.groupControl, [{ controlNumber: '0001', status: 'A' }])]))[0].outcome).toBe('already');
		// a rejected 940 is not generated again silently
		expect(await send940(store, TO_WAREHOUSE, b.omsId)).toMatchObject({ outcome: 'refused' });
	});

	it('a 997 without AK2 loops speaks for every 940 in the group (AK9)', async () => {
		const a = await readyOrder(store, 'G1');
		const r = await send940(store, TO_WAREHOUSE, a.omsId);
		const ack: FunctionalAck = { functionalId: 'OW', groupControl: r.document!.groupControl, version: null, sets: [], groupStatus: 'A', included: 1, received: 1, accepted: 1, groupCodes: [] };
		// through the whole text path: the 997 the warehouse writes, read back
		const text = buildInterchange(FROM_WAREHOUSE, { controlNumber: 5, sets: [write997(ack)] }).text;
		const { transactions } = readDocument(text);
		const parsed = transactions.map((t) => (t.data.set === '997' ? t.data.ack : null)).filter((x): x is FunctionalAck => !!x);
		expect(await reconcile997(store, transactions[0].envelope.scope, parsed)).toMatchObject([{ omsId: a.omsId, outcome: 'accepted' }]);
	});

	it('refuses an order that is not ready, and one not in the store', async () => {
		const o = makeOrder({ channelOrderId: 'NR1' });
		await store.recordOrder(o);
		expect(await send940(store, TO_WAREHOUSE, o.omsId)).toMatchObject({ outcome: 'refused', error: 'the order is received, not ready for the warehouse' });
		expect(await send940(store, TO_WAREHOUSE, 'shopify:nope')).toMatchObject({ outcome: 'refused', error: 'the order is not in the OMS store' });
		expect(await store.listDeliveries({ provider: 'edi' })).toEqual([]);
		// an order that went to the warehouse through another WMS gets no 940
		const viaShipBob = await readyOrder(store, 'SB1');
		await store.enqueueDelivery({ omsId: viaShipBob.omsId, shipmentNo: 1, provider: 'shipbob', reference: viaShipBob.omsId });
		expect(await send940(store, TO_WAREHOUSE, viaShipBob.omsId)).toMatchObject({ outcome: 'refused', error: `${viaShipBob.omsId} already went to the warehouse through shipbob (delivery pending)` });
	});

	it('split shipments: the allocated part of a backordered order, then a later shipment, each its own 940 reference', async () => {
		const o = makeOrder({ channelOrderId: 'SP1', lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 3, unitPrice: 10, lineTotal: 30 }] });
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'backordered', { hold: { reason: 'out_of_stock', since: '2026-05-01T00:00:00.000Z', detail: null } });
		await store.annotate(o.omsId, 'allocation', { status: 'partial', lines: [{ sku: 'MUG', requested: 3, allocated: 1, backordered: 2 }] });
		const part = { ...o.lines[0], quantity: 1, lineTotal: 10 };
		// asking for more than the allocation covers is refused
		expect(await send940(store, TO_WAREHOUSE, o.omsId, { lines: [{ ...part, quantity: 2 }] })).toMatchObject({
			outcome: 'refused',
			error: 'the order is backordered and the shipment asks for units it has not been allocated (MUG x2, allocated 1)',
		});
		const first = await send940(store, TO_WAREHOUSE, o.omsId, { lines: [part] });
		expect(first.outcome).toBe('generated');
		expect((await store.getOrder(o.omsId))!.status).toBe('backordered');
		const w01 = parseInterchange(first.document!.text).groups[0].transactions[0].segments.find((s) => s.id === 'W01')!;
		expect(w01.elements.slice(0, 1)).toEqual(['1']);
		// a later shipment is checked against the allocation and the shipments before it: one unit is allocated, and
		// it is in shipment 1
		expect(await send940(store, TO_WAREHOUSE, o.omsId, { shipmentNo: 2, lines: [part] })).toMatchObject({
			outcome: 'refused',
			error: `shipment 2 would send more units than the order was allocated, counting its other shipments (${o.omsId}): MUG x1 with 1 in other shipments, allocated 1`,
		});
		// Release Held allocated the other two
		await store.annotate(o.omsId, 'allocation', { status: 'allocated', lines: [{ sku: 'MUG', requested: 3, allocated: 3, backordered: 0 }] });
		const second = await send940(store, TO_WAREHOUSE, o.omsId, { shipmentNo: 2, lines: [{ ...part, quantity: 2, lineTotal: 20 }] });
		expect(second).toMatchObject({ outcome: 'generated', reference: `${o.omsId}#2` });
		expect(parseInterchange(second.document!.text).groups[0].transactions[0].segments[0].elements.slice(0, 2)).toEqual(['N', `${o.omsId}#2`]);
	});

	it('a 945 ships the order with tracking through the WMS update path (once), and implies the 997', async () => {
		const a = await readyOrder(store, 'S1');
		const r = await send940(store, TO_WAREHOUSE, a.omsId);
		const advice: ShippingAdvice = {
			reportingCode: 'F',
			depositorOrderNumber: a.omsId,
			shippedAt: '2026-05-02T15:30:00.000Z',
			shipmentId: 'SH-1',
			carrier: 'UPSN',
			transportMethod: 'U',
			packages: [{ packageKey: 'SH-1:1Z1', trackingNumber: '1Z1', lines: [{ sku: 'MUG', quantity: 2, ordered: 2, lineId: '1' }] }],
		};
		const text = buildInterchange(FROM_WAREHOUSE, { controlNumber: 9, sets: [write945(advice)] }).text;
		const update = updateOf945(read945(parseInterchange(text).groups[0].transactions[0]));
		const first = await apply945(store, [update]);
		expect(first.newShipments).toMatchObject([{ omsId: a.omsId, packageKey: 'SH-1:1Z1', trackingNumber: '1Z1', carrier: 'UPSN', provider: 'edi' }]);
		const stored = await store.getOrder(a.omsId);
		expect(stored!.status).toBe('shipped');
		expect(stored!.order.wms).toMatchObject({ provider: 'edi', status: 'shipped', shipments: [{ trackingNumber: '1Z1' }] });
		expect(await store.getDelivery(a.omsId)).toMatchObject({ status: 'sent', wmsOrderId: 'SH-1' });
		expect((await store.getStock(['MUG']))[0]).toMatchObject({ onHand: 8, reserved: 0 });
		const again = await apply945(store, [update]);
		expect(again.newShipments).toEqual([]);
		expect(again.results[0].statusChanged).toBe(false);
		expect(await store.getShipments(a.omsId)).toHaveLength(1);
		expect((await store.getStock(['MUG']))[0]).toMatchObject({ onHand: 8, reserved: 0 });
		expect(r.outcome).toBe('generated');
	});
});
