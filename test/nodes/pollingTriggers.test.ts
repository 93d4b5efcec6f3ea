/**
 * amazonOrderTrigger, ebayOrderTrigger, walmartOrderTrigger through the WorkflowExecute harness against the channel
 * sandboxes: first poll from the look-back pages to the end and emits canonical orders; later polls emit only
 * changes; the cursor in static data moves only with an emission; a manual run lists a sample and leaves static
 * data alone; faults are absorbed by retries, and a failed listing never moves the cursor past what was emitted.
 *
 * WorkflowExecute calls poll() only in manual mode (activated ticks are n8n's ActivePollers, not in n8n-core), so
 * the activated polls run the real node through a wrapper type whose poll() sees getMode() === 'trigger'; the
 * context (static data, credentials, httpRequest helper, logger) is n8n-core's own PollContext.
 */
import type { IDataObject, INodeExecutionData, INodeType, IPollFunctions } from 'n8n-workflow';

import { buildWorkflow, outputOf, packageLoader, runWorkflow, type RunResult } from '../helpers/n8n-harness';
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { generateOrders } from '../sandbox/generator';
import { validateOrder } from '../../lib/order/validate';
import { normalizeOrder } from '../../lib/channels/normalize';
import { decodeAmazonCursor } from '../../lib/channels/amazon/cursor';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteSetup } from '../helpers/store-credentials';
import type { Store } from '../../lib/store/types';

type PollChannel = 'amazon' | 'ebay' | 'walmart';

const CASES: Array<{ channel: PollChannel; type: string; credential: string; listPath: string }> = [
	{ channel: 'amazon', type: 'amazonOrderTrigger', credential: 'omsAmazonSpApi', listPath: '/orders/2026-01-01/orders' },
	{ channel: 'ebay', type: 'ebayOrderTrigger', credential: 'omsEbayApi', listPath: '/sell/fulfillment/v1/order' },
	{ channel: 'walmart', type: 'walmartOrderTrigger', credential: 'omsWalmartApi', listPath: '/v3/orders' },
];

const PER_CHANNEL = 250; // more than one page everywhere (Amazon 100, eBay 200, Walmart 200 a page)

let sb: Sandboxes;

beforeAll(async () => {
	sb = await startSandboxes({ ordersPerChannel: PER_CHANNEL, seed: 11, timeScale: 0.01 });
});

afterAll(async () => {
	await sb?.close();
});

/** The real node type, with poll() seeing an activated workflow ('trigger' mode) */
function activated(type: string, pollBudgetMs?: number): INodeType {
	const real = packageLoader().nodeType(`n8n-nodes-oms-wms.${type}`) as INodeType;
	return {
		description: real.description,
		methods: real.methods,
		async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
			const ctx = Object.create(this, {
				getMode: { value: () => 'trigger' },
				...(pollBudgetMs !== undefined ? { getPollBudgetMs: { value: () => pollBudgetMs } } : {}),
			}) as IPollFunctions;
			return real.poll!.call(ctx);
		},
	} as INodeType;
}

function workflow(c: (typeof CASES)[number], parameters: IDataObject = {}, withStore = false) {
	return buildWorkflow(
		[
			{
				name: 'Trigger',
				type: `n8n-nodes-oms-wms.${c.type}`,
				parameters: { lookBack: 8, lookBackUnit: 'days', ...parameters },
				// a credential id per test: the clients' rate budgets (process-wide, keyed by credential id) start full
				credentials: {
					[c.credential]: { id: `cred-${c.channel}-${expect.getState().currentTestName}`, name: `${c.channel} sandbox` },
					...(withStore ? { omsStoreApi: { id: 'store', name: 'OMS Store' } } : {}),
				},
			},
		],
		[],
	);
}

async function poll(
	c: (typeof CASES)[number],
	staticData: IDataObject,
	opts: { manual?: boolean; parameters?: IDataObject; pollBudgetMs?: number; store?: Record<string, Record<string, unknown>> } = {},
): Promise<RunResult> {
	return runWorkflow(workflow(c, opts.parameters, opts.store !== undefined), {
		nodeTypes: opts.manual ? {} : { [`n8n-nodes-oms-wms.${c.type}`]: activated(c.type, opts.pollBudgetMs) },
		credentials: { [c.credential]: sb.credentials[c.channel] as unknown as Record<string, unknown>, ...(opts.store ?? {}) },
		staticData,
	});
}

/** Items the trigger emitted (none when it returned null) */
function emitted(r: RunResult): IDataObject[] {
	const task = r.runData.Trigger?.[0];
	if (!task?.data) return [];
	return outputOf(r, 'Trigger');
}

const cursorOf = (s: IDataObject) => (s['node:Trigger'] as IDataObject | undefined)?.cursor as string | undefined;

describe.each(CASES)('$type (polling)', (c) => {
	const listCalls = () => sb.sandboxes[c.channel].calls.filter((x) => x.path === c.listPath && x.method === 'GET').length;

	beforeEach(() => {
		sb.sandboxes[c.channel].clearFaults();
		sb.sandboxes[c.channel].resetLimits();
	});

	it('first poll pages from the look-back to the last page and emits every order as a canonical order; later polls emit only changes', async () => {
		const staticData: IDataObject = {};
		const before = listCalls();
		const first = await poll(c, staticData);
		expect(first.error).toBeUndefined();
		const items = emitted(first);
		const ids = sb.orders[c.channel].map((o) => o.id).sort();
		expect(items.map((i) => i.channelOrderId).sort()).toEqual(ids);
		expect(listCalls() - before).toBeGreaterThanOrEqual(2);
		for (const it of items) {
			expect(it.omsId).toBe(`${c.channel}:${it.channelOrderId}`);
			expect(it.raw).toBeUndefined();
			expect(validateOrder(it)).toEqual([]);
		}
		const cursor1 = cursorOf(staticData);
		expect(typeof cursor1).toBe('string');

		// nothing changed: nothing emitted (the overlap re-lists a few orders; they are not emitted again)
		const second = await poll(c, staticData);
		expect(second.error).toBeUndefined();
		expect(emitted(second)).toEqual([]);

		// two orders change, one is new: exactly those three come out, and the cursor moves on
		const [a, b] = sb.orders[c.channel];
		sb.sandboxes[c.channel].touch(a.id, { status: 'cancelled' });
		sb.sandboxes[c.channel].touch(b.id, { status: 'shipped' });
		const extra = generateOrders({ seed: 999, perChannel: 1, channels: [c.channel] }).byChannel[c.channel];
		if (c.channel === 'walmart') extra[0].id = '1800000090001'; // Walmart ids are sequential: keep it new
		extra[0].updatedAt = new Date().toISOString();
		sb.sandboxes[c.channel].addOrders(extra);
		// Amazon lists nothing updated in the last 2 minutes (unsettled; 1.2 s at this time scale)
		if (c.channel === 'amazon') await new Promise((r) => setTimeout(r, 1300));
		const third = await poll(c, staticData);
		expect(third.error).toBeUndefined();
		const changed = emitted(third);
		expect(changed.map((i) => i.channelOrderId).sort()).toEqual([a.id, b.id, extra[0].id].sort());
		// what the channel now says about them (Walmart's sandbox keeps per-line statuses, so not simply 'cancelled')
		for (const o of [a, b]) {
			const now = normalizeOrder(c.channel, sb.sandboxes[c.channel].render(o));
			expect(changed.find((i) => i.channelOrderId === o.id)).toMatchObject({ readiness: now.readiness, channelStatus: now.channelStatus });
		}
		expect(Date.parse(cursorOf(staticData)!)).toBeGreaterThan(Date.parse(cursor1!));
	});

	it('a second change saved in the same second (same update time, same readiness) is emitted too', async () => {
		const s = sb.sandboxes[c.channel];
		const staticData: IDataObject = {};
		expect(emitted(await poll(c, staticData)).length).toBeGreaterThan(0);
		const [, , o] = sb.orders[c.channel];
		s.touch(o.id);
		if (c.channel === 'amazon') await new Promise((r) => setTimeout(r, 1300)); // Amazon lists settled changes only
		const touched = emitted(await poll(c, staticData));
		expect(touched.map((i) => i.channelOrderId)).toEqual([o.id]);
		// the channel saves the order again within the same second: a new ship-to, the update time unchanged
		const stored = s.orders.get(o.id)!;
		const at = stored.updatedAt;
		s.changeAddress(o.id, { city: 'Same Second City' });
		stored.updatedAt = at;
		const again = emitted(await poll(c, staticData));
		expect(again.map((i) => i.channelOrderId)).toEqual([o.id]);
		expect(again[0]).toMatchObject({ updatedAt: touched[0].updatedAt, readiness: touched[0].readiness, shipTo: expect.objectContaining({ city: 'Same Second City' }) });
		// and nothing more the next time
		expect(emitted(await poll(c, staticData))).toEqual([]);
	});

	it('a manual run lists a small sample and leaves the cursor alone', async () => {
		const staticData: IDataObject = { 'node:Trigger': { cursor: '2020-01-01T00:00:00.000Z' } };
		const r = await poll(c, staticData, { manual: true, parameters: { lookBack: 30, options: { sampleSize: 3 } } });
		expect(r.error).toBeUndefined();
		const items = emitted(r);
		expect(items.length).toBeGreaterThan(0);
		expect(items.length).toBeLessThanOrEqual(3);
		expect(staticData).toEqual({ 'node:Trigger': { cursor: '2020-01-01T00:00:00.000Z' } });
	});

	it('options: only ready orders, channel statuses, raw payload', async () => {
		const ready = emitted(await poll(c, {}, { parameters: { emit: 'ready', options: { includeRaw: true } } }));
		expect(ready.length).toBeGreaterThan(0);
		expect(ready.every((i) => i.readiness === 'ready' && typeof i.raw === 'object')).toBe(true);
		const all = emitted(await poll(c, {}));
		expect(all.length).toBeGreaterThan(ready.length);
	});

	it('absorbs a 503 and two 429s in the middle of the listing (on the second page) without a failed poll', async () => {
		const s = sb.sandboxes[c.channel];
		const total = emitted(await poll(c, {})).length; // every order the sandbox holds now
		const orig = s.calls.push.bind(s.calls);
		let lists = 0;
		s.calls.push = (...recs) => {
			if (recs[0].path === c.listPath && ++lists === 2) {
				s.inject({ kind: 'error', status: 503, path: c.listPath, times: 1 });
				s.inject({ kind: 'throttle', path: c.listPath, times: 2 });
			}
			return orig(...recs);
		};
		try {
			const staticData: IDataObject = {};
			const r = await poll(c, staticData);
			expect(r.error).toBeUndefined();
			expect(lists).toBeGreaterThanOrEqual(5); // page 1, the 503, two 429s, page 2 again (and any further pages)
			expect(emitted(r)).toHaveLength(total);
			expect(typeof cursorOf(staticData)).toBe('string');
		} finally {
			s.calls.push = orig;
		}
	});

	it('a poll that fails before any page fails visibly and keeps the cursor; one that fails after a page emits it and re-reads the rest', async () => {
		const s = sb.sandboxes[c.channel];
		const total = emitted(await poll(c, {})).length;
		const staticData: IDataObject = { 'node:Trigger': { cursor: new Date(Date.now() - 8 * 86400_000).toISOString() } };
		const saved = structuredClone(staticData);
		s.inject({ kind: 'error', status: 400, path: c.listPath, times: 1 });
		const failed = await poll(c, staticData);
		expect(failed.error?.message).toMatch(/poll failed/);
		expect(staticData).toEqual(saved);

		// the second page of the listing fails with a 400 (not retried): the first page is emitted, the cursor does
		// not move past the unsorted listing's start, and the next poll emits the rest without repeating the first page
		const orig = s.calls.push.bind(s.calls);
		let lists = 0;
		s.calls.push = (...recs) => {
			if (recs[0].path === c.listPath && ++lists === 2) s.inject({ kind: 'error', status: 400, path: c.listPath, times: 1 });
			return orig(...recs);
		};
		try {
			const partial = await poll(c, staticData);
			expect(partial.error).toBeUndefined();
			const firstPage = emitted(partial);
			expect(firstPage.length).toBeGreaterThan(0);
			expect(firstPage.length).toBeLessThan(total);
			if (c.channel === 'amazon') {
				// Amazon's cursor resumes the listing where it stopped: its start and the pending page's token
				expect(decodeAmazonCursor(cursorOf(staticData))).toMatchObject({ kind: 'resume', after: cursorOf(saved) });
			} else expect(cursorOf(staticData)).toBe(cursorOf(saved));
			s.calls.push = orig;
			const rest = await poll(c, staticData);
			const all = [...firstPage, ...emitted(rest)].map((i) => i.channelOrderId);
			expect(new Set(all).size).toBe(all.length);
			expect(all.length).toBe(total);
			expect(Date.parse(cursorOf(staticData)!)).toBeGreaterThan(Date.parse(cursorOf(saved)!));
		} finally {
			s.calls.push = orig;
		}
	});
});

describe('amazonOrderTrigger: a backlog larger than one poll', () => {
	const c = CASES[0];

	it('with a tiny poll budget each poll lists one page and stores a resumable cursor; successive polls walk the backlog to the end, each order emitted once', async () => {
		const s = sb.sandboxes.amazon;
		s.resetLimits();
		const all = emitted(await poll(c, {})).map((i) => String(i.channelOrderId));
		expect(all.length).toBeGreaterThan(200); // three pages of 100
		const staticData: IDataObject = {};
		const seen: string[] = [];
		let polls = 0;
		let resumable = 0;
		const starts = new Set<string>();
		// a 1 ms budget, and every page takes at least 5 ms (the sandbox answers it that late): every poll stops after
		// its first page, on any machine (80 % of the budget is spent by then)
		s.inject({ kind: 'slow', path: c.listPath, method: 'GET', delayMs: 5, times: 1000 });
		while (polls < 20) {
			const r = await poll(c, staticData, { pollBudgetMs: 1 });
			expect(r.error).toBeUndefined();
			polls++;
			seen.push(...emitted(r).map((i) => String(i.channelOrderId)));
			const cur = decodeAmazonCursor(cursorOf(staticData));
			if (cur?.kind !== 'resume') break;
			resumable++;
			starts.add(cur.after);
		}
		s.clearFaults();
		// one page (100 orders) a poll: every poll but the last ends on a resumable cursor
		expect(polls).toBe(Math.ceil(all.length / 100));
		expect(resumable).toBe(polls - 1);
		expect(starts.size).toBe(1); // one listing, resumed, never restarted
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen.sort()).toEqual(all.sort());
		// the finished listing leaves a plain cursor; the next poll emits nothing new
		expect(Number.isNaN(Date.parse(cursorOf(staticData)!))).toBe(false);
		const after = await poll(c, staticData);
		expect(emitted(after)).toEqual([]);
	});
});

describe('walmartOrderTrigger: acknowledge and normalisation errors', () => {
	const c = CASES[2];

	const dir = mkdtempSync(join(tmpdir(), 'oms-walmart-trigger-'));
	let storeCredentials: Record<string, Record<string, unknown>>;
	let store: Store;
	beforeAll(async () => {
		({ credentials: storeCredentials, store } = await sqliteSetup(dir, 'wt')());
	});
	afterAll(async () => {
		await store?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('a store it cannot open does not hold the intake back: the orders are emitted, nothing is acknowledged, the poll does not fail', async () => {
		const s = sb.sandboxes.walmart;
		const before = s.received.acknowledgements.length;
		const unreachable = { omsStoreApi: { storeType: 'sqlite', sqlitePath: join(dir, 'not-a-dir.txt', 'oms.sqlite') } };
		writeFileSync(join(dir, 'not-a-dir.txt'), 'x');
		const r = await poll(c, {}, { parameters: { lookBack: 8, options: { acknowledge: true } }, store: unreachable });
		expect(r.error).toBeUndefined();
		const items = emitted(r);
		// the same emission as with the option off
		expect(items.map((i) => i.channelOrderId)).toEqual(emitted(await poll(c, {}, { parameters: { lookBack: 8 } })).map((i) => i.channelOrderId));
		// (run before any acknowledgement: released orders are still Created)
		expect(items.some((i) => String(i.channelStatus).split('/').includes('Created'))).toBe(true);
		expect(items.some((i) => i.acknowledgement !== undefined)).toBe(false);
		expect(s.received.acknowledgements.length).toBe(before);
	});

	it('owes an acknowledgement for each released (Created) order it emits, sends the first Acknowledge Now at once and leaves the rest to Retry Pending, each once; a manual run acknowledges nothing', async () => {
		const s = sb.sandboxes.walmart;
		const before = s.received.acknowledgements.length;
		await poll(c, {}, { manual: true, parameters: { options: { acknowledge: true } }, store: storeCredentials });
		expect(s.received.acknowledgements.length).toBe(before);
		expect(await store.listChannelCalls()).toEqual([]);

		const staticData: IDataObject = {};
		const first = emitted(await poll(c, staticData, { parameters: { lookBack: 8, options: { acknowledge: true, acknowledgeNow: 3 } }, store: storeCredentials }));
		const created = first.filter((i) => String(i.channelStatus).split('/').includes('Created'));
		expect(created.length).toBeGreaterThan(3);
		// the emission is every order; the first three Created ones were acknowledged before it, the rest are owed
		expect(first.filter((i) => i.acknowledgement !== undefined).map((i) => i.channelOrderId)).toEqual(created.map((i) => i.channelOrderId));
		expect(created.slice(0, 3).map((i) => i.acknowledgement)).toEqual([0, 1, 2].map(() => expect.objectContaining({ ok: true, outcome: 'sent', status: 200 })));
		for (const i of created.slice(3)) expect(i.acknowledgement).toMatchObject({ ok: false, outcome: 'queued', owed: true, callId: expect.any(Number) });
		expect(s.received.acknowledgements.slice(before)).toEqual(created.slice(0, 3).map((i) => String(i.channelOrderId)));
		const calls = await store.listChannelCalls({ channel: 'walmart', kind: 'acknowledgement' });
		expect(calls.map((x) => [x.omsId, x.status])).toEqual(created.map((i, k) => [i.omsId, k < 3 ? 'sent' : 'pending']));

		// Marketplace > Retry Pending (OMS 10) sends the rest
		const retry = await runWorkflow(
			buildWorkflow([{ name: 'Retry', type: 'n8n-nodes-oms-wms.marketplace', parameters: { channel: 'walmart', operation: 'retryPending' }, credentials: { omsWalmartApi: { id: 'w', name: 'Walmart' }, omsStoreApi: { id: 'store', name: 'OMS Store' } } }], []),
			{ credentials: { omsWalmartApi: sb.credentials.walmart as unknown as Record<string, unknown>, ...storeCredentials } },
		);
		expect(outputOf(retry, 'Retry').map((o) => [o.kind, o.outcome])).toEqual(created.slice(3).map(() => ['acknowledgement', 'sent']));
		expect(s.received.acknowledgements.slice(before).sort()).toEqual(created.map((i) => String(i.channelOrderId)).sort());

		// the acknowledgements' own change is not emitted again, and nothing is owed or sent twice
		const second = emitted(await poll(c, staticData, { parameters: { lookBack: 8, options: { acknowledge: true, acknowledgeNow: 3 } }, store: storeCredentials }));
		expect(second.filter((i) => created.some((x) => x.channelOrderId === i.channelOrderId))).toEqual([]);
		expect(s.received.acknowledgements.length).toBe(before + created.length);
		expect(await store.listChannelCalls({ channel: 'walmart', kind: 'acknowledgement', status: ['pending', 'sending', 'failed'] })).toEqual([]);
	});

	it('an order that cannot be normalised is emitted as a _normalizationError item (or only logged when the option is off)', async () => {
		const s = sb.sandboxes.walmart;
		const bad = sb.orders.walmart[5];
		const count = emitted(await poll(c, {}, { parameters: { lookBack: 8 } })).length;
		s.touch(bad.id, { lines: [] });
		const on = emitted(await poll(c, {}, { parameters: { lookBack: 8 } }));
		const errs = on.filter((i) => i._normalizationError === true);
		expect(errs).toEqual([{ _normalizationError: true, channel: 'walmart', channelOrderId: bad.id, field: expect.any(String), error: expect.stringContaining(bad.id) }]);
		expect(on).toHaveLength(count);
		const off = emitted(await poll(c, {}, { parameters: { lookBack: 8, options: { emitErrors: false } } }));
		expect(off.some((i) => i._normalizationError)).toBe(false);
		expect(off).toHaveLength(count - 1);
	});
});
