/**
 * The warehouse's side of a return (lib/flows/return-at-wms.ts) against the WMS sandbox, on both stores: an authorised
 * return is told to the order's WMS once through the WMS outbox (asked at once, asked again by Retry Pending while the
 * WMS does not answer, failed for good in the Attention queue); a provider without a returns API is owed nothing; the
 * warehouse's receipt and dispositions move the return (received, inspected), restock its units once and make the
 * refund due; more units than authorised are held for a person. Every time is given; PostgreSQL: `npm test -- <file>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { applyWarehouseReceipt, authoriseReturn, expectReturnAtWms, listAttention, readReturnUpdates, recordReturn, retryWmsCalls } from '../../../lib/flows';
import { DEFAULT_RETURN_RULES, type ReturnRules } from '../../../lib/returns/rules';
import type { Store } from '../../../lib/store/types';
import { WmsError, type WmsProvider, type WmsReturnState } from '../../../lib/wms/types';
import { makeOrder } from '../../helpers/orders';
import { makeReturn } from '../../helpers/returns';
import { pgSetup, sqliteSetup, type StoreSetup } from '../../helpers/store-credentials';
import { startWmsSandbox, type WmsSandbox } from '../../sandbox/wms';
import { sandboxProviders, testDeps } from '../wms/fixtures';

const dir = mkdtempSync(`${tmpdir()}/oms-retwms-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stores: Array<[string, StoreSetup]> = [
	['SQLite', sqliteSetup(dir, 'retwms')],
	['PostgreSQL', pgSetup('retwms')],
];

const T0 = '2026-05-20T00:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
/** First retry 60 s after the first attempt (no jitter), doubling; 3 attempts in all */
const backoff = { baseMs: 60_000, random: () => 1, maxAttempts: 3 };
const rules: ReturnRules = { ...DEFAULT_RETURN_RULES, refundTax: false, refundOn: 'inspection' };
const SHIPPED = 181_000;

describe.each(stores)('a return at the warehouse (%s)', (_name, setup) => {
	let store: Store;
	let sb: WmsSandbox;
	let wms: Record<'shipbob' | 'shiphero' | 'extensiv' | 'generic', WmsProvider>;
	let n = 7000;
	beforeAll(async () => {
		({ store } = await setup());
		sb = await startWmsSandbox({ shipbob: { rateLimit: false }, shiphero: { credits: false }, returnTiming: { arriveAfterMs: null } });
		// one attempt per call: what the outbox does with a failure is the point
		const deps = testDeps({ rateLimit: false, retry: { maxAttempts: 1, sleep: async () => undefined } });
		wms = sandboxProviders(sb, deps);
		sb.control.seedStock({ MUG: 100, TEE: 100 });
		await store.upsertStockLevels([{ sku: 'MUG', onHand: 100 }, { sku: 'TEE', onHand: 100 }]);
	});
	afterAll(async () => {
		await store.close();
		await sb.close();
	});

	/** An order of 2 MUG and 1 TEE sent to `provider` and shipped there, and an authorised return of `units` MUG */
	async function authorisedReturn(provider: 'shipbob' | 'shiphero' | 'generic', units = 1, authorise = true) {
		const o = makeOrder({
			omsId: `shopify:${++n}`,
			channelOrderId: String(n),
			lines: [
				{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 10, lineTotal: 20 },
				{ lineId: '2', sku: 'TEE', title: 'Tee', quantity: 1, unitPrice: 15, lineTotal: 15 },
			],
		});
		await store.recordOrder(o);
		const created = await wms[provider].createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		const { delivery } = await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: 1, provider, reference: o.omsId });
		await store.transition(o.omsId, { delivery: { id: delivery.id, sent: { wmsOrderId: created.wmsOrderId } } });
		sb.control.advance(SHIPPED);
		await store.recordShipment({ omsId: o.omsId, packageKey: `P${n}`, provider, carrier: 'UPS', trackingNumber: `1Z${n}`, trackingUrl: null, shippedAt: '2026-05-10T10:00:00.000Z', lines: [{ sku: 'MUG', quantity: 2, lineId: '1' }, { sku: 'TEE', quantity: 1, lineId: '2' }] });
		const ret = makeReturn(o.omsId, { channelReturnId: `R${n}`, requestedAt: T0, lines: [{ lineId: '1', sku: 'MUG', quantity: units, channelReason: null, reason: 'size_fit' }] });
		await recordReturn(store, ret, { cause: 'test' });
		if (authorise) expect((await authoriseReturn(store, ret.returnId, { decision: 'approve', rules, by: 'test' })).outcome).toBe('moved');
		return { o, returnId: ret.returnId };
	}
	const returnPosts = (provider: 'shipbob' | 'shiphero') =>
		sb.control.calls({ provider }).filter((c) => (provider === 'shipbob' ? c.method === 'POST' && c.path.endsWith('/return') : c.op === 'return_create')).length;
	const onHand = async (sku: string) => (await store.getStock([sku])).reduce((s, r) => s + r.onHand, 0);

	it('ShipBob: an authorised return is told to the warehouse once (reference = the OMS return id); asked again it is not sent again', async () => {
		const { o, returnId } = await authorisedReturn('shipbob');
		const before = returnPosts('shipbob');
		const r = await expectReturnAtWms(store, wms.shipbob, returnId, { now: T0, backoff, cause: 'test' });
		expect([r.outcome, r.error]).toEqual(['sent', null]);
		const held = sb.control.returnByReference('shipbob', returnId)!;
		expect(r.wmsReturnId).toBe(String(held.id));
		expect(held.lines.map((l) => [l.sku, l.quantity])).toEqual([['MUG', 1]]);
		const again = await expectReturnAtWms(store, wms.shipbob, returnId, { now: at(10), backoff, cause: 'test' });
		expect([again.outcome, again.wmsReturnId]).toEqual(['sent', r.wmsReturnId]);
		expect(returnPosts('shipbob') - before).toBe(1);
		const calls = await store.listWmsCalls({ omsId: o.omsId, kind: 'return_create' });
		expect(calls.map((c) => [c.reference, c.status, c.attempts])).toEqual([[returnId, 'sent', 1]]);
		expect((await store.timeline(o.omsId)).some((e) => e.type === 'wms' && (e.detail as Record<string, unknown>)?.returnCreated === returnId)).toBe(true);
	});

	it('two returns of one order are two calls, each owed once', async () => {
		const { o, returnId } = await authorisedReturn('shipbob');
		const second = makeReturn(o.omsId, { channelReturnId: `R${n}b`, requestedAt: T0, lines: [{ lineId: '2', sku: 'TEE', quantity: 1, channelReason: null, reason: 'style' }] });
		await recordReturn(store, second, { cause: 'test' });
		await authoriseReturn(store, second.returnId, { decision: 'approve', rules, by: 'test' });
		expect((await expectReturnAtWms(store, wms.shipbob, returnId, { now: T0, backoff })).outcome).toBe('sent');
		expect((await expectReturnAtWms(store, wms.shipbob, second.returnId, { now: T0, backoff })).outcome).toBe('sent');
		expect((await expectReturnAtWms(store, wms.shipbob, returnId, { now: T0, backoff })).outcome).toBe('sent');
		const calls = await store.listWmsCalls({ omsId: o.omsId, kind: 'return_create' });
		expect(calls.map((c) => [c.reference, c.shipmentNo]).sort()).toEqual([[returnId, 1], [second.returnId, 2]].sort());
		expect(sb.control.returns('shipbob').filter((x) => x.reference === returnId || x.reference === second.returnId)).toHaveLength(2);
	});

	it('a WMS that does not answer: the return stays owed, Retry Pending asks again when due, one return at the warehouse', async () => {
		const { returnId } = await authorisedReturn('shipbob');
		sb.control.fault({ provider: 'shipbob', match: 'POST /2026-01/return', kind: '503', times: 1 });
		const r = await expectReturnAtWms(store, wms.shipbob, returnId, { now: T0, backoff });
		expect(r.outcome).toBe('retry_scheduled');
		expect(r.call).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(60) });
		expect(sb.control.returnByReference('shipbob', returnId)).toBeUndefined();
		const retried = await retryWmsCalls(store, wms.shipbob, { now: at(60), backoff });
		expect(retried.results.find((x) => x.reference === returnId)?.outcome).toBe('sent');
		expect(sb.control.returns('shipbob').filter((x) => x.reference === returnId)).toHaveLength(1);
	});

	it('never answered through every attempt: failed for good, in the Attention queue; a person asks again (again) and it is sent', async () => {
		const { o, returnId } = await authorisedReturn('shipbob');
		sb.control.fault({ provider: 'shipbob', match: 'POST /2026-01/return', kind: '503', times: 3 });
		expect((await expectReturnAtWms(store, wms.shipbob, returnId, { now: T0, backoff })).outcome).toBe('retry_scheduled');
		await retryWmsCalls(store, wms.shipbob, { now: at(60), backoff });
		const last = await retryWmsCalls(store, wms.shipbob, { now: at(600), backoff });
		expect(last.results.find((x) => x.reference === returnId)?.outcome).toBe('failed');
		const attention = await listAttention(store, { now: at(700) });
		const item = attention.items.find((i) => i.kind === 'wms_call_failed' && i.omsId === o.omsId);
		expect(item).toMatchObject({ reason: 'return_create_failed', reference: returnId });
		const again = await expectReturnAtWms(store, wms.shipbob, returnId, { now: at(800), backoff, again: true });
		expect(again.outcome).toBe('sent');
		expect((await listAttention(store, { now: at(900) })).items.filter((i) => i.omsId === o.omsId)).toEqual([]);
	});

	it('a WMS that refuses the return (a 4xx): refused, not asked again by Retry Pending, in the Attention queue with its words', async () => {
		const { o, returnId } = await authorisedReturn('shipbob');
		const refusing: WmsProvider = { ...wms.shipbob, createReturn: () => Promise.reject(new WmsError('shipbob', 'return refused (422): Inventory 9 does not exist', { retryable: false, status: 422 })) };
		const r = await expectReturnAtWms(store, refusing, returnId, { now: T0, backoff });
		expect([r.outcome, r.error]).toEqual(['refused', 'shipbob: return refused (422): Inventory 9 does not exist']);
		expect((await retryWmsCalls(store, refusing, { now: at(86_400), backoff })).results.filter((x) => x.reference === returnId)).toEqual([]);
		const item = (await listAttention(store, { now: at(100) })).items.find((i) => i.kind === 'wms_call_failed' && i.omsId === o.omsId);
		expect(item).toMatchObject({ reason: 'return_create_refused', reference: returnId, detail: expect.stringMatching(/Inventory 9 does not exist/) });
		// the order is done: a refused return holds nothing on it
		expect((await store.getOrder(o.omsId))!.hold).toBeNull();
	});

	it('the store refuses a return_create with nothing to expect, naming the field (nothing written)', async () => {
		const { o, returnId } = await authorisedReturn('shipbob');
		await expect(store.enqueueWmsCall({ kind: 'return_create', omsId: o.omsId, shipmentNo: 1, provider: 'shipbob', reference: returnId, payload: { lines: [] } })).rejects.toThrow(/payload\.lines \(the units expected back\) is missing/);
		expect(await store.listWmsCalls({ omsId: o.omsId, kind: 'return_create' })).toEqual([]);
	});

	it('a provider without a returns API (Generic REST) is owed nothing; a return not authorised is not told', async () => {
		const g = await authorisedReturn('generic');
		expect(await expectReturnAtWms(store, wms.generic, g.returnId, { now: T0 })).toMatchObject({ outcome: 'not_supported', call: null, why: expect.stringMatching(/no returns API/) });
		expect(await store.listWmsCalls({ omsId: g.o.omsId, kind: 'return_create' })).toEqual([]);
		const requested = await authorisedReturn('shipbob', 1, false);
		expect((await expectReturnAtWms(store, wms.shipbob, requested.returnId, { now: T0 })).outcome).toBe('not_authorised');
		expect(await store.listWmsCalls({ omsId: requested.o.omsId, kind: 'return_create' })).toEqual([]);
		// the order is at ShipBob, not ShipHero
		const elsewhere = await authorisedReturn('shipbob');
		expect((await expectReturnAtWms(store, wms.shiphero, elsewhere.returnId, { now: T0 })).outcome).toBe('not_at_wms');
	});

	it('ShipBob: the receipt moves the return (arrived: received; completed: inspected with the dispositions), restocks once, makes the refund due', async () => {
		const { returnId } = await authorisedReturn('shipbob', 2);
		await expectReturnAtWms(store, wms.shipbob, returnId, { now: T0, backoff });
		const mine = async () => (await readReturnUpdates(store, wms.shipbob)).find((u) => u.returnId === returnId)!;
		let u = await mine();
		expect([u.status, u.wms.status]).toEqual(['authorised', 'expected']);
		expect((await applyWarehouseReceipt(store, returnId, u.wms, { rules, by: 'test' })).outcome).toBe('waiting');
		sb.control.arriveReturn('shipbob', returnId);
		u = await mine();
		const received = await applyWarehouseReceipt(store, returnId, u.wms, { rules, by: 'test' });
		expect([received.outcome, received.stored.status, received.restock]).toEqual(['moved', 'received', null]);
		const mugBefore = await onHand('MUG');
		sb.control.processReturn('shipbob', returnId, { MUG: { restock: 1, dispose: 1 } });
		u = await mine();
		const done = await applyWarehouseReceipt(store, returnId, u.wms, { rules, by: 'test' });
		expect([done.outcome, done.stored.status]).toEqual(['moved', 'inspected']);
		expect(done.stored.ret.lines[0].dispositions).toEqual([{ disposition: 'restock', quantity: 1 }, { disposition: 'dispose', quantity: 1 }]);
		expect(done.stored.ret.refund).toMatchObject({ status: 'pending', total: 20 });
		expect(await onHand('MUG')).toBe(mugBefore + 1);
		// the same word again: nothing moves, nothing restocked twice; the return is no longer read
		const repeat = await applyWarehouseReceipt(store, returnId, u.wms, { rules, by: 'test' });
		expect(repeat.outcome).toBe('unchanged');
		expect(await onHand('MUG')).toBe(mugBefore + 1);
		expect((await readReturnUpdates(store, wms.shipbob)).find((x) => x.returnId === returnId)).toBeUndefined();
	});

	it('ShipHero: told once (partner_id), then completed at the warehouse: received and inspected in one go, restocked once', async () => {
		const { returnId } = await authorisedReturn('shiphero');
		const before = returnPosts('shiphero');
		expect((await expectReturnAtWms(store, wms.shiphero, returnId, { now: T0, backoff })).outcome).toBe('sent');
		expect((await expectReturnAtWms(store, wms.shiphero, returnId, { now: T0, backoff })).outcome).toBe('sent');
		expect(returnPosts('shiphero') - before).toBe(1);
		const held = sb.control.returns('shiphero').find((x) => (x.body as Record<string, unknown>).partner_id === returnId)!;
		sb.control.processReturn('shiphero', held.reference, { MUG: { restock: 1 } });
		const u = (await readReturnUpdates(store, wms.shiphero)).find((x) => x.returnId === returnId)!;
		const mugBefore = await onHand('MUG');
		const r = await applyWarehouseReceipt(store, returnId, u.wms, { rules, by: 'test' });
		expect([r.outcome, r.stored.status, r.steps.map((s) => s.outcome)]).toEqual(['moved', 'inspected', ['moved', 'moved']]);
		expect(await onHand('MUG')).toBe(mugBefore + 1);
	});

	it('Get Updates reads only the returns told to this WMS: older returns of other WMSs never crowd them out of the limit', async () => {
		const outer = store;
		({ store } = await setup());
		try {
			await authorisedReturn('generic');
			await authorisedReturn('generic');
			const { returnId } = await authorisedReturn('shipbob');
			await expectReturnAtWms(store, wms.shipbob, returnId, { now: T0, backoff });
			expect((await readReturnUpdates(store, wms.shipbob, { limit: 1 })).map((u) => u.returnId)).toEqual([returnId]);
		} finally {
			await store.close();
			store = outer;
		}
	});

	it('more units received than authorised, or a SKU the return does not have: held for a person, nothing moved', async () => {
		const { returnId } = await authorisedReturn('shipbob');
		const word = (lines: WmsReturnState['lines']): WmsReturnState => ({ reference: returnId, wmsReturnId: '1', status: 'completed', rawStatus: 'Completed', lines, arrivedAt: null, updatedAt: at(1) });
		const over = await applyWarehouseReceipt(store, returnId, word([{ sku: 'MUG', expected: 1, received: 2, restock: 2, quarantine: 0, dispose: 0 }]), { rules, by: 'test' });
		expect([over.outcome, over.stored.status]).toEqual(['held', 'authorised']);
		expect(over.why).toMatch(/2 unit\(s\) of MUG, 1 authorised/);
		// the same word read again (the next poll) is no news: No Change, the person is not told twice
		const overAgain = await applyWarehouseReceipt(store, returnId, word([{ sku: 'MUG', expected: 1, received: 2, restock: 2, quarantine: 0, dispose: 0 }]), { rules, by: 'test' });
		expect([overAgain.outcome, overAgain.stored.status]).toEqual(['unchanged', 'authorised']);
		expect(overAgain.why).toMatch(/^held before/);
		const other = await applyWarehouseReceipt(store, returnId, word([{ sku: 'TEE', expected: 0, received: 1, restock: 1, quarantine: 0, dispose: 0 }]), { rules, by: 'test' });
		expect([other.outcome, other.stored.status]).toEqual(['held', 'authorised']);
		expect(other.why).toMatch(/TEE, which the return does not have/);
		// processed short: 1 of 2 authorised came back (the refund would cover a unit that never came)
		const two = await authorisedReturn('shipbob', 2);
		const short = await applyWarehouseReceipt(store, two.returnId, { ...word([{ sku: 'MUG', expected: 2, received: 1, restock: 1, quarantine: 0, dispose: 0 }]), reference: two.returnId }, { rules, by: 'test' });
		expect([short.outcome, short.stored.status, short.restock]).toEqual(['held', 'authorised', null]);
		expect(short.why).toMatch(/only 1 of the 2 unit\(s\) of MUG authorised/);
		const cancelled = await applyWarehouseReceipt(store, returnId, { ...word([]), status: 'cancelled', rawStatus: 'Cancelled' }, { rules, by: 'test' });
		expect(cancelled.outcome).toBe('held');
		expect((await store.getReturn(returnId))!.status).toBe('authorised');
	});
});
