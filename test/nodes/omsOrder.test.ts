/** The omsOrder node through n8n-core's WorkflowExecute, on a real SQLite store (and PostgreSQL via the credential). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../lib/store/open';
import { buildWorkflow, nodeError, outputOf, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';
import { pgSetup } from '../helpers/store-credentials';

const dir = mkdtempSync(join(tmpdir(), 'oms-node-'));
let dbn = 0;
function sqliteCredential() {
	return { omsStoreApi: { storeType: 'sqlite', sqlitePath: join(dir, `oms-${dbn++}.sqlite`) } };
}
const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };

afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

function flow(items: unknown[], nodes: Array<Record<string, unknown>>, edges: Array<[string, string, number?, number?]>) {
	return buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Orders', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			...(nodes as never[]),
		],
		[['Start', 'Orders'], ...edges],
	);
}

describe('omsOrder: Route by Readiness', () => {
	const route = (extra: Record<string, unknown> = {}) => ({ name: 'Route', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'routeReadiness' }, credentials: CRED, ...extra });
	// a store the node could not reach: routing must not open it
	const unreachable = { omsStoreApi: { storeType: 'postgres', host: '127.0.0.1', port: 1, database: 'none', user: 'none', password: 'none', ssl: 'disable' } };

	it('sends ready orders to Ready and the rest to Not Ready, unchanged and paired, without the store', async () => {
		const ready = makeOrder({ channelOrderId: 'r1', readiness: 'ready' });
		const pending = makeOrder({ channelOrderId: 'r2', readiness: 'pending' });
		const cancelled = makeOrder({ channelOrderId: 'r3', readiness: 'cancelled' });
		const shipped = makeOrder({ channelOrderId: 'r4', readiness: 'shipped' });
		const ready2 = { ...makeOrder({ channelOrderId: 'r5', readiness: 'ready' }), oms: { status: 'received' } };
		const r = await runWorkflow(flow([pending, ready, cancelled, shipped, ready2], [route()], [['Orders', 'Route']]), { credentials: unreachable });
		expect(r.error).toBeUndefined();
		const [yes, no] = outputsOf(r, 'Route');
		expect(yes).toEqual([ready, ready2]);
		expect(no.map((o) => o.readiness)).toEqual(['pending', 'cancelled', 'shipped']);
		expect(r.runData.Route[0].data!.main[0]!.map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 4 }]);
		expect(r.runData.Route[0].data!.main[1]!.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }]);
	});

	it('an item that is not an order is an error of that item, named; it never leaves on Ready', async () => {
		const ready = makeOrder({ channelOrderId: 'r1', readiness: 'ready' });
		const items = [{ sku: 'A' }, ready, { ...ready, readiness: 'READY' }];
		const errors = await runWorkflow(flow(items, [route({ onError: 'continueErrorOutput' })], [['Orders', 'Route']]), { credentials: unreachable });
		const [yes, no, failed] = outputsOf(errors, 'Route');
		expect(yes.map((o) => o.channelOrderId)).toEqual(['r1']);
		expect(no).toEqual([]);
		expect(failed.map((e) => e.error)).toEqual([
			'Item 0 has no order readiness (readiness is missing; one of ready, pending, cancelled, shipped expected): Route by Readiness takes canonical orders, as Record, Get and the order triggers give them',
			'Item 2 has no order readiness (readiness is "READY"; one of ready, pending, cancelled, shipped expected): Route by Readiness takes canonical orders, as Record, Get and the order triggers give them',
		]);
		const onFail = await runWorkflow(flow(items, [route({ onError: 'continueRegularOutput' })], [['Orders', 'Route']]), { credentials: unreachable });
		const [yes2, no2] = outputsOf(onFail, 'Route');
		expect(yes2.map((o) => o.channelOrderId)).toEqual(['r1']);
		expect(no2.map((o) => typeof o.error)).toEqual(['string', 'string']);
		const stop = await runWorkflow(flow(items, [route()], [['Orders', 'Route']]), { credentials: unreachable });
		expect(nodeError(stop, 'Route')?.message).toMatch(/^Item 0 has no order readiness/);
	});
});

describe('omsOrder: Record', () => {
	it('sends new orders to New, repeats to Duplicate, newer versions to Updated, and bad items to the error output', async () => {
		const a = makeOrder({ channel: 'shopify', channelOrderId: '1001' });
		const b = makeOrder({ channel: 'amazon', channelOrderId: '902-1' });
		const bad = { ...makeOrder({ channelOrderId: '1002' }), currency: 'XX', lines: [{ lineId: '1', sku: 'S', title: null, quantity: -2, unitPrice: 1, lineTotal: 1 }] };
		const credentials = sqliteCredential();
		const record = { name: 'Record', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'record' }, credentials: CRED, onError: 'continueErrorOutput' };
		const first = await runWorkflow(flow([a, bad, b], [record], [['Orders', 'Record']]), { credentials });
		expect(first.error).toBeUndefined();
		const [fresh, updated, dup, errors] = outputsOf(first, 'Record');
		expect(fresh.map((o) => o.omsId)).toEqual(['shopify:1001', 'amazon:902-1']);
		expect(fresh[0].oms).toMatchObject({ outcome: 'new', status: 'received', version: 1 });
		expect(fresh[0]).not.toHaveProperty('raw');
		expect(updated).toEqual([]);
		expect(dup).toEqual([]);
		expect(errors).toHaveLength(1);
		expect(String(errors[0].error)).toMatch(/not a valid canonical order \(shopify:1002\)/);
		expect(String(errors[0].error)).toMatch(/\$\.currency/);
		expect(String(errors[0].error)).toMatch(/\$\.lines\[0\]\.quantity/);
		const problems = (errors[0].details as { problems: Array<{ path: string }> }).problems;
		expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['$.currency', '$.lines[0].quantity']));

		const newer = { ...a, updatedAt: '2026-05-02T09:00:00.000Z', channelStatus: 'paid/fulfilled' };
		const second = await runWorkflow(flow([a, newer, b], [record], [['Orders', 'Record']]), { credentials });
		const [fresh2, updated2, dup2] = outputsOf(second, 'Record');
		expect(fresh2).toEqual([]);
		expect(dup2.map((o) => o.omsId)).toEqual(['shopify:1001', 'amazon:902-1']);
		expect(updated2.map((o) => [o.omsId, (o.oms as { changes: string[] }).changes])).toEqual([['shopify:1001', ['channelStatus']]]);
		// pairedItem keeps each output item tied to its input
		const items = second.runData.Record[0].data!.main;
		expect(items[1]![0].pairedItem).toEqual({ item: 1 });
		expect(items[2]![1].pairedItem).toEqual({ item: 2 });
	});

	it('fails the node on a bad item when not set to continue, naming what was wrong', async () => {
		const bad = { ...makeOrder(), omsId: 'shopify:wrong' };
		const result = await runWorkflow(
			flow([bad], [{ name: 'Record', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'record' }, credentials: CRED }], [['Orders', 'Record']]),
			{ credentials: sqliteCredential() },
		);
		expect(nodeError(result, 'Record')?.message).toMatch(/\$\.omsId/);
	});

	it('keeps the raw channel payload on output only when asked', async () => {
		const order = { ...makeOrder(), raw: { id: 1, source: 'web' } };
		const result = await runWorkflow(
			flow([order], [{ name: 'Record', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'record', keepRaw: true }, credentials: CRED }], [['Orders', 'Record']]),
			{ credentials: sqliteCredential() },
		);
		expect(outputOf(result, 'Record', 0)[0].raw).toEqual({ id: 1, source: 'web' });
	});
});

describe('omsOrder: Record resumes an intake that stopped half-way (a queue-mode worker crash)', () => {
	const record = (resumeAfterSeconds?: number) => ({
		name: 'Record',
		type: 'n8n-nodes-oms-wms.omsOrder',
		parameters: { operation: 'record', ...(resumeAfterSeconds === undefined ? {} : { resumeAfterSeconds }) },
		credentials: CRED,
	});
	const age = async (credentials: ReturnType<typeof sqliteCredential>, omsId: string, seconds: number) => {
		const store = await openStore(storeConfigFromCredential(credentials.omsStoreApi));
		await store.query('UPDATE orders SET changed_at = ? WHERE oms_id = ?', [new Date(Date.now() - seconds * 1000).toISOString(), omsId]);
	};

	it('sends a repeat of an order still Received or Ready after the wait down New as "resumed"; a fresh one, a finished one, or with 0, to Duplicate', async () => {
		const stuck = makeOrder({ channel: 'shopify', channelOrderId: '5001' });
		const ready = makeOrder({ channel: 'ebay', channelOrderId: '5002' });
		const recent = makeOrder({ channel: 'amazon', channelOrderId: '5003' });
		const finished = makeOrder({ channel: 'walmart', channelOrderId: '5004' });
		const credentials = sqliteCredential();
		const first = await runWorkflow(flow([stuck, ready, recent, finished], [record()], [['Orders', 'Record']]), { credentials });
		expect(outputsOf(first, 'Record')[0]).toHaveLength(4);
		const store = await openStore(storeConfigFromCredential(credentials.omsStoreApi));
		await store.setStatus('ebay:5002', 'ready');
		await store.setStatus('walmart:5004', 'at_wms');
		for (const id of ['shopify:5001', 'ebay:5002', 'walmart:5004']) await age(credentials, id, 600);

		const again = await runWorkflow(flow([stuck, ready, recent, finished], [record()], [['Orders', 'Record']]), { credentials });
		const [fresh, , dup] = outputsOf(again, 'Record');
		expect(fresh.map((o) => [o.omsId, (o.oms as { outcome: string }).outcome])).toEqual([
			['shopify:5001', 'resumed'],
			['ebay:5002', 'resumed'],
		]);
		expect(dup.map((o) => o.omsId)).toEqual(['amazon:5003', 'walmart:5004']);

		const off = await runWorkflow(flow([stuck], [record(0)], [['Orders', 'Record']]), { credentials });
		expect(outputsOf(off, 'Record')[2].map((o) => o.omsId)).toEqual(['shopify:5001']);
		const longer = await runWorkflow(flow([stuck], [record(3600)], [['Orders', 'Record']]), { credentials });
		expect(outputsOf(longer, 'Record')[2].map((o) => o.omsId)).toEqual(['shopify:5001']);
	});
});

describe('omsOrder: Get, Search, Update Status, Add Note, Cancel, Timeline', () => {
	it('works on recorded orders and names missing ones', async () => {
		const credentials = sqliteCredential();
		const a = makeOrder({ channel: 'shopify', channelOrderId: '1', placedAt: '2026-05-01T10:00:00.000Z' });
		const b = makeOrder({ channel: 'ebay', channelOrderId: '2', placedAt: '2026-05-02T10:00:00.000Z' });
		await runWorkflow(flow([a, b], [{ name: 'Record', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'record' }, credentials: CRED }], [['Orders', 'Record']]), { credentials });

		const node = (name: string, parameters: Record<string, unknown>) => ({
			name,
			type: 'n8n-nodes-oms-wms.omsOrder',
			parameters,
			credentials: CRED,
			onError: 'continueRegularOutput',
		});
		const ops = await runWorkflow(
			flow(
				[{ omsId: 'shopify:1' }, { omsId: 'shopify:404' }],
				[
					node('Get', { operation: 'get' }),
					node('Hold', { operation: 'updateStatus', status: 'on_hold', holdReason: 'address', note: 'Apartment number missing', author: 'Ana' }),
					node('Note', { operation: 'addNote', note: 'Called the customer', author: 'Ana' }),
					node('Cancel', { operation: 'cancel', note: 'Customer asked', author: 'Ana' }),
					node('Timeline', { operation: 'timeline' }),
				],
				[['Orders', 'Get'], ['Get', 'Hold'], ['Hold', 'Note'], ['Note', 'Cancel'], ['Cancel', 'Timeline']],
			),
			{ credentials },
		);
		expect(ops.error).toBeUndefined();
		const got = outputOf(ops, 'Get');
		expect(got[0]).toMatchObject({ omsId: 'shopify:1', oms: { status: 'received' } });
		expect(got[1].error).toBe('No order shopify:404 in the OMS store');
		expect(outputOf(ops, 'Hold')[0]).toMatchObject({ oms: { status: 'on_hold', hold: { reason: 'address', detail: 'Apartment number missing' } } });
		expect(outputOf(ops, 'Cancel')[0]).toMatchObject({ oms: { status: 'cancelled', changed: true } });
		const timeline = outputOf(ops, 'Timeline');
		expect(timeline.map((e) => e.type)).toEqual(['recorded', 'status', 'note', 'status']);
		expect(timeline[2]).toMatchObject({ cause: 'Ana', detail: { note: 'Called the customer' } });

		const search = await runWorkflow(
			flow([{}], [node('Search', { operation: 'search', filters: { channels: ['ebay'] }, returnAll: true })], [['Orders', 'Search']]),
			{ credentials },
		);
		expect(outputOf(search, 'Search').map((o) => o.omsId)).toEqual(['ebay:2']);
		const byStatus = await runWorkflow(
			flow([{}], [node('Search', { operation: 'search', filters: { statuses: ['cancelled'] }, limit: 10 })], [['Orders', 'Search']]),
			{ credentials },
		);
		expect(outputOf(byStatus, 'Search').map((o) => o.omsId)).toEqual(['shopify:1']);
	});

	it('refuses to cancel an order the warehouse already has', async () => {
		const credentials = sqliteCredential();
		const a = makeOrder({ channelOrderId: '77' });
		const wf = (ops: Array<Record<string, unknown>>, edges: Array<[string, string]>) => flow([a], ops, edges);
		const n = (name: string, parameters: Record<string, unknown>) => ({ name, type: 'n8n-nodes-oms-wms.omsOrder', parameters, credentials: CRED, onError: 'continueErrorOutput' });
		const result = await runWorkflow(
			wf([n('Record', { operation: 'record' }), n('At WMS', { operation: 'updateStatus', status: 'at_wms' }), n('Cancel', { operation: 'cancel' })], [
				['Orders', 'Record'],
				['Record', 'At WMS'],
				['At WMS', 'Cancel'],
			]),
			{ credentials },
		);
		const [ok, errors] = outputsOf(result, 'Cancel');
		expect(ok).toEqual([]);
		expect(String(errors[0].error)).toMatch(/at wms: the warehouse has it, so cancel it at the WMS first/);
	});
});

describe('omsOrder on PostgreSQL through the OMS Store credential', () => {
	it('records and reads back', async () => {
		const { credentials } = await pgSetup('node')();
		const order = makeOrder({ channel: 'walmart', channelOrderId: 'PO-1' });
		const result = await runWorkflow(
			flow(
				[order, order],
				[
					{ name: 'Record', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'record' }, credentials: CRED },
					{ name: 'Get', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'get' }, credentials: CRED },
				],
				[['Orders', 'Record'], ['Record', 'Get']],
			),
			{ credentials },
		);
		expect(result.error).toBeUndefined();
		const [fresh, , dup] = outputsOf(result, 'Record');
		expect(fresh.map((o) => o.omsId)).toEqual(['walmart:PO-1']);
		expect(dup.map((o) => o.omsId)).toEqual(['walmart:PO-1']);
		expect(outputOf(result, 'Get')[0]).toMatchObject({ omsId: 'walmart:PO-1', oms: { status: 'received' } });
	});
});

describe('omsOrder: Attention, Recover Stuck Orders and Release', () => {
	const PAST = new Date('2026-01-01T00:00:00.000Z');
	/** A store seeded in the past (its own clock), so every order is older than any threshold now */
	async function seeded() {
		const credentials = sqliteCredential();
		const { openSqliteStore } = await import('../../lib/store/sqlite');
		const store = await openSqliteStore(credentials.omsStoreApi.sqlitePath, { now: () => PAST });
		const held = makeOrder({ channelOrderId: 'held' });
		await store.recordOrder(held);
		await store.setStatus(held.omsId, 'ready');
		const d = await store.enqueueDelivery({ omsId: held.omsId, shipmentNo: 1, provider: 'shipbob', reference: held.omsId });
		await store.transition(held.omsId, {
			to: 'on_hold',
			cause: 'wms_failed',
			delivery: { id: d.delivery.id, failed: { error: '422: City is required', nextAttemptAt: null } },
			hold: { reason: 'wms_failed', since: PAST.toISOString(), detail: '422: City is required' },
		});
		const fresh = makeOrder({ channelOrderId: 'fresh' });
		await store.recordOrder(fresh);
		const screened = makeOrder({ channelOrderId: 'screened' });
		await store.recordOrder(screened);
		await store.recordFraudDecision(screened.omsId, { decision: 'pass', score: 0, reasons: [] }, 'v1');
		await store.close();
		return { credentials, held, fresh, screened };
	}
	const node = (parameters: Record<string, unknown>, name = 'OMS') => ({ name, type: 'n8n-nodes-oms-wms.omsOrder', parameters, credentials: CRED });

	it('Attention: one item per thing, oldest first; new since last run keeps its keys in static data; a digest item', async () => {
		const { credentials, held } = await seeded();
		const all = await runWorkflow(flow([{}], [node({ operation: 'attention' })], [['Orders', 'OMS']]), { credentials });
		expect(all.error).toBeUndefined();
		expect(outputOf(all, 'OMS').map((i) => [i.kind, i.omsId, i.reason])).toEqual([
			['held', held.omsId, 'wms_failed'],
			['stuck', 'shopify:' + 'fresh', 'received'],
			['stuck', 'shopify:' + 'screened', 'received'],
		]);
		expect(outputOf(all, 'OMS')[0]).toMatchObject({ detail: '422: City is required', reasonLabel: 'WMS Delivery Failed' });

		const staticData = {};
		const digest = node({ operation: 'attention', newOnly: true, attentionOutput: 'digest' });
		const first = await runWorkflow(flow([{}], [digest], [['Orders', 'OMS']]), { credentials, staticData });
		expect(outputOf(first, 'OMS')).toHaveLength(1);
		expect(outputOf(first, 'OMS')[0]).toMatchObject({ count: 3, total: 3, subject: 'OMS: 3 new things need attention (3 open)' });
		// nothing new: no item, so no mail
		const second = await runWorkflow(flow([{}], [digest], [['Orders', 'OMS']]), { credentials, staticData });
		expect(outputOf(second, 'OMS')).toEqual([]);
		// a bad threshold fails the node with its name
		const bad = await runWorkflow(flow([{}], [node({ operation: 'attention', attentionOptions: { stuckMinutes: -3 } })], [['Orders', 'OMS']]), { credentials });
		expect(nodeError(bad, 'OMS')?.message).toMatch(/stuckMinutes must be a number of at least 0, not -3/);
	});

	it('Recover Stuck Orders: never screened to To Screen, screened to To Fulfil; a held order stays', async () => {
		const { credentials } = await seeded();
		const r = await runWorkflow(flow([{}], [node({ operation: 'recover', olderThanMinutes: 5 })], [['Orders', 'OMS']]), { credentials });
		expect(r.error).toBeUndefined();
		const [screen, fulfil] = outputsOf(r, 'OMS');
		const why = (o: Record<string, unknown>) => (o.oms as { recovered: string }).recovered;
		expect(screen.map((o) => [o.omsId, why(o)])).toEqual([['shopify:fresh', 'recorded but never screened']]);
		expect(fulfil.map((o) => [o.omsId, why(o)])).toEqual([['shopify:screened', 'screened but never reserved and routed']]);
		// canonical orders, as Screen and Reserve take them
		expect(screen[0]).toMatchObject({ channel: 'shopify', lines: expect.any(Array), readiness: 'ready' });
	});

	it('Release: the held order back to ready with its delivery queued again; a second Release is an error of that item', async () => {
		const { credentials, held, fresh } = await seeded();
		const release = node({ operation: 'release', omsId: '={{ $json.omsId }}', author: 'ops', note: 'city fixed' }, 'Release');
		const r = await runWorkflow(flow([{ omsId: held.omsId }, { omsId: fresh.omsId }], [{ ...release, onError: 'continueErrorOutput' }], [['Orders', 'Release']]), { credentials });
		const [ok, failed] = outputsOf(r, 'Release');
		expect(ok.map((o) => o.oms)).toEqual([expect.objectContaining({ status: 'ready', hold: null, changed: true, requeued: [held.omsId] })]);
		expect(failed.map((e) => e.error)).toEqual([`Order ${fresh.omsId} is received: Release moves only an order on hold because its WMS delivery failed (hold reason WMS Delivery Failed)`]);
		const store = await openStore(storeConfigFromCredential(credentials.omsStoreApi));
		expect(await store.getDelivery(held.omsId, 1)).toMatchObject({ status: 'pending', attempts: 0 });
		const again = await runWorkflow(flow([{ omsId: held.omsId }], [{ ...release, onError: 'continueErrorOutput' }], [['Orders', 'Release']]), { credentials });
		expect(outputsOf(again, 'Release')[1].map((e) => e.error)).toEqual([expect.stringMatching(/is ready: Release moves only/)]);
	});
});
