/** The fraudGate node through n8n-core's WorkflowExecute, on SQLite (and PostgreSQL via the credential). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULE_SET, ruleSetVersion } from '../../lib/fraud';
import type { CanonicalOrder } from '../../lib/order/types';
import { closeAllStores } from '../../lib/store/open';
import { pgSetup as pgSetupFor, sqliteSetup as sqliteSetupFor, type StoreCredentials } from '../helpers/store-credentials';
import type { Store } from '../../lib/store/types';
import { buildWorkflow, nodeError, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';

const dir = mkdtempSync(join(tmpdir(), 'oms-fraud-'));
const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };
const T0 = '2026-05-01T15:00:00.000Z';

afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const sqliteSetup = sqliteSetupFor(dir, 'fraud');
const pgSetup = pgSetupFor('fraud');

let person = 0;
/** An order from a customer of its own (own e-mail, name and address), so velocity stays quiet unless a test wants it */
function order(overrides: Partial<CanonicalOrder> = {}): CanonicalOrder {
	person++;
	const base = makeOrder({ channelOrderId: `F${person}`, ...overrides });
	const name = overrides.customer?.name ?? `Pat Buyer${person}`;
	return {
		...base,
		customer: { email: `buyer${person}@example.com`, name, phone: null, channelCustomerId: null, ...overrides.customer },
		shipTo: {
			name,
			company: null,
			line1: `${person} Main St`,
			line2: null,
			city: 'Ottawa',
			region: 'ON',
			postalCode: 'K1A 0B1',
			country: 'CA',
			phone: null,
			...overrides.shipTo,
		},
	};
}

function record() {
	return { name: 'Record', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'record' }, credentials: CRED };
}

function gate(name: string, parameters: Record<string, unknown>, onError = 'continueErrorOutput') {
	return { name, type: 'n8n-nodes-oms-wms.fraudGate', parameters, credentials: CRED, onError };
}

const screen = (extra: Record<string, unknown> = {}, at = T0) => ({
	operation: 'screen',
	screenOptions: { evaluateAt: at, ...((extra.screenOptions as object) ?? {}) },
	...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'screenOptions')),
});

/** Start -> Items -> nodes chained on output 0 (Record's New output feeds the gate) */
function flow(items: unknown[], nodes: Array<Record<string, unknown>>) {
	const edges: Array<[string, string, number?, number?]> = [['Start', 'Items']];
	let prev = 'Items';
	for (const n of nodes) {
		edges.push([prev, n.name as string]);
		prev = n.name as string;
	}
	return buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			...(nodes as never[]),
		],
		edges,
	);
}

const ids = (list: Array<Record<string, unknown>>) => list.map((o) => o.omsId);
const rulesOf = (o: Record<string, unknown>) => ((o.fraud as { reasons: Array<{ rule: string }> }).reasons ?? []).map((r) => r.rule);

async function mixedBatch(setup: () => Promise<{ credentials: StoreCredentials; store: Store }>) {
	const { credentials, store } = await setup();
	const clean = order();
	const disposable = order({ customer: { email: 'quick@mailinator.com', name: 'Quinn Q', phone: null, channelCustomerId: null } });
	const forwarderAndDisposable = order({
		customer: { email: 'drop@yopmail.com', name: 'Drew D', phone: null, channelCustomerId: null },
		shipTo: { name: 'Drew D', company: 'Shipito', line1: '1 Warehouse Rd', line2: null, city: 'Torrance', region: 'CA', postalCode: '90501', country: 'US', phone: null },
	});
	const result = await runWorkflow(flow([clean, disposable, forwarderAndDisposable], [record(), gate('Fraud', screen())]), { credentials });
	expect(result.error).toBeUndefined();
	const [pass, review, reject] = outputsOf(result, 'Fraud');
	expect(ids(pass)).toEqual([clean.omsId]);
	expect(ids(review)).toEqual([disposable.omsId]);
	expect(ids(reject)).toEqual([forwarderAndDisposable.omsId]);

	expect(pass[0].fraud).toMatchObject({ decision: 'pass', score: 0, reasons: [], evaluatedAt: T0, ruleSetVersion: ruleSetVersion(DEFAULT_RULE_SET) });
	expect(review[0].fraud).toMatchObject({ decision: 'review', score: 50, reviewSince: T0, reviewOverdue: false, reviewDueAt: '2026-05-04T15:00:00.000Z' });
	expect(rulesOf(review[0])).toEqual(['disposableOrMalformedEmail']);
	expect((review[0].fraud as { reasons: Array<{ detail: string }> }).reasons[0].detail).toMatch(/mailinator\.com/);
	expect(reject[0].fraud).toMatchObject({ decision: 'reject', score: 100, stage: 'score' });
	expect(rulesOf(reject[0]).sort()).toEqual(['disposableOrMalformedEmail', 'freightForwarderOrPoBox']);
	expect(review[0].oms).toMatchObject({ status: 'fraud_review', statusChanged: true, hold: { reason: 'fraud_review', since: T0 } });

	// the store: status, hold, fraud on the order, the decision row with the rule set's version, a timeline event
	expect((await store.getOrder(clean.omsId))!.status).toBe('received');
	const held = (await store.getOrder(disposable.omsId))!;
	expect(held.status).toBe('fraud_review');
	expect(held.hold).toMatchObject({ reason: 'fraud_review', since: T0, detail: 'score 50: disposableOrMalformedEmail' });
	expect(held.order.fraud).toMatchObject({ decision: 'review', score: 50 });
	expect((await store.getOrder(forwarderAndDisposable.omsId))!.status).toBe('rejected');
	const decision = await store.getFraudDecision(disposable.omsId);
	expect(decision).toMatchObject({ ruleSetVersion: ruleSetVersion(DEFAULT_RULE_SET), fraud: { decision: 'review', score: 50 }, resolution: null });
	const timeline = await store.timeline(disposable.omsId);
	expect(timeline.map((e) => e.type)).toEqual(['recorded', 'fraud', 'status']);
	expect(timeline[2]).toMatchObject({ fromStatus: 'received', toStatus: 'fraud_review', cause: 'Fraud (Screen)' });
	return { credentials, store, orders: [clean, disposable, forwarderAndDisposable] };
}

describe('fraudGate: Screen', () => {
	it('routes a mixed batch (recorded by omsOrder in the same workflow) to Pass, Review and Reject, and records every decision', async () => {
		const { credentials, store, orders } = await mixedBatch(sqliteSetup);

		// a rejected order stays rejected when a re-screen (here with the rule switched off) would pass it
		const lenient = await runWorkflow(flow([orders[2]], [gate('Fraud', screen({ rules: { disposableOrMalformedEmail: { enabled: false }, freightForwarderOrPoBox: { enabled: false } } }))]), { credentials });
		const [, , stillRejected] = outputsOf(lenient, 'Fraud');
		expect(stillRejected[0]).toMatchObject({ omsId: orders[2].omsId, fraud: { decision: 'reject', rescreen: { decision: 'pass', score: 0 } }, oms: { status: 'rejected' } });
		expect((await store.getFraudDecision(orders[2].omsId))!.fraud.decision).toBe('reject');

		// deterministic: the same orders, history and time give the same decisions; a re-screen keeps the review time
		const again = await runWorkflow(flow(orders, [gate('Fraud', screen())]), { credentials });
		const [pass, review, reject] = outputsOf(again, 'Fraud');
		expect([ids(pass), ids(review), ids(reject)]).toEqual([[orders[0].omsId], [orders[1].omsId], [orders[2].omsId]]);
		expect(review[0].fraud).toMatchObject({ score: 50, reviewSince: T0 });
		expect(review[0].oms).toMatchObject({ status: 'fraud_review', statusChanged: false });
		expect((await store.getOrder(orders[1].omsId))!.hold?.since).toBe(T0);
	});

	it('sends bad items to the error output and the rest of the batch on; an order not yet recorded is named', async () => {
		const { credentials } = await sqliteSetup();
		const good = order();
		const bad = { ...order(), currency: 'XX' };
		const unrecorded = order();
		await runWorkflow(flow([good], [record()]), { credentials });
		// straight to the gate: a recorded order, a bad item, an order never recorded
		const result = await runWorkflow(flow([bad, good, unrecorded], [gate('Fraud', screen())]), { credentials });
		expect(result.error).toBeUndefined();
		const [pass, review, reject, errors] = outputsOf(result, 'Fraud');
		expect(ids(pass)).toEqual([good.omsId]);
		expect([review, reject]).toEqual([[], []]);
		expect(errors.map((e) => String(e.error))).toEqual([
			expect.stringMatching(/not a valid canonical order .*\$\.currency/),
			`Order ${unrecorded.omsId} is not in the OMS store: record it with OMS Order (Record) before the Fraud Gate, so velocity counts it`,
		]);
		expect(result.runData.Fraud[0].data!.main[3]!.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
	});

	it('applies the deny list and the allow list from the parameters (allow first, then block)', async () => {
		const { credentials, store } = await sqliteSetup();
		const denied = order({ customer: { email: 'Fraudster@Example.com', name: 'F F', phone: null, channelCustomerId: null } });
		const deniedIp = order({ risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: '203.0.113.77' } });
		const deniedCountry = order({ shipTo: { name: 'K', company: null, line1: '1 Rd', line2: null, city: 'X', region: null, postalCode: null, country: 'KP', phone: null } });
		const trusted = order({ customer: { email: 'vip@mailinator.com', name: 'V', phone: null, channelCustomerId: null } });
		const trustedAndDenied = order({ customer: { email: 'both@partner.example', name: 'B', phone: null, channelCustomerId: null } });
		const lists = {
			allowList: { emails: 'vip@mailinator.com', domains: 'partner.example' },
			denyList: { emails: 'fraudster@example.com\nother@example.com', ips: '203.0.113.0/24', countries: 'kp', domains: 'partner.example' },
		};
		const result = await runWorkflow(flow([denied, deniedIp, deniedCountry, trusted, trustedAndDenied], [record(), gate('Fraud', screen(lists))]), { credentials });
		expect(result.error).toBeUndefined();
		const [pass, review, reject] = outputsOf(result, 'Fraud');
		expect(ids(pass)).toEqual([trusted.omsId, trustedAndDenied.omsId]);
		expect(pass.map((o) => (o.fraud as { stage: string }).stage)).toEqual(['allow', 'allow']);
		expect(review).toEqual([]);
		expect(ids(reject)).toEqual([denied.omsId, deniedIp.omsId, deniedCountry.omsId]);
		expect(reject.map((o) => (o.fraud as { stage: string }).stage)).toEqual(['block', 'block', 'block']);
		expect(reject.map((o) => rulesOf(o)[0])).toEqual(['denyList.email', 'denyList.ip', 'denyList.country']);
		// the deny-listed rule set is not the default one, and its version is what is recorded
		const version = (reject[0].fraud as { ruleSetVersion: string }).ruleSetVersion;
		expect(version).not.toBe(ruleSetVersion(DEFAULT_RULE_SET));
		expect((await store.getFraudDecision(denied.omsId))!.ruleSetVersion).toBe(version);
	});

	it('scores orders missing optional fields (no e-mail, phone, IP, ship-to or billing) without error', async () => {
		const { credentials } = await sqliteSetup();
		const bare = order({ customer: { email: null, name: null, phone: null, channelCustomerId: null }, billTo: null });
		const noShipTo = { ...order({ customer: { email: null, name: 'N', phone: null, channelCustomerId: null } }), shipTo: null };
		const result = await runWorkflow(flow([bare, noShipTo], [record(), gate('Fraud', screen({}), 'stopWorkflow')]), { credentials });
		expect(result.error).toBeUndefined();
		const [pass, review, reject] = outputsOf(result, 'Fraud');
		expect(ids(pass)).toEqual([bare.omsId, noShipTo.omsId]);
		expect([review, reject]).toEqual([[], []]);
	});

	it('counts velocity from the store across channels, inside the window only', async () => {
		const { credentials } = await sqliteSetup();
		const who = { customer: { email: 'ring@example.com', name: 'R', phone: null, channelCustomerId: null } };
		const at = (h: number) => new Date(Date.parse('2026-05-01T00:00:00Z') + h * 3600_000).toISOString();
		const batch = [
			order({ ...who, channel: 'shopify', placedAt: at(0) }),
			order({ ...who, channel: 'amazon', placedAt: at(5) }),
			order({ ...who, channel: 'ebay', placedAt: at(10) }),
			order({ ...who, channel: 'walmart', placedAt: at(20) }),
		];
		// evaluated at 20:00: the last order sees the three before it in the 24 h window, 4 orders from one e-mail (limit 3);
		// the earlier ones see only the orders placed before the evaluation time (not themselves, nor later ones)
		const inside = await runWorkflow(flow(batch, [record(), gate('Fraud', screen({}, at(20)))]), { credentials });
		const [pass, review] = outputsOf(inside, 'Fraud');
		expect(pass.map((o) => o.channel)).toEqual(['shopify', 'amazon', 'ebay']);
		expect(review.map((o) => o.channel)).toEqual(['walmart']);
		const detail = (review[0].fraud as { reasons: Array<{ rule: string; detail: string }> }).reasons.find((r) => r.rule === 'velocity.email.24h')!.detail;
		expect(detail).toMatch(/4 orders from this e-mail address in the last 24 hours \(limit 3\), across amazon, ebay, shopify, walmart/);
		// 26 hours in, the first order has left the window: three, not more than the limit. A fresh order would pass;
		// the held one stays held for a person (a re-screen never releases it), with what the rules say now
		const later = await runWorkflow(flow([batch[3]], [gate('Fraud', screen({}, at(26)))]), { credentials });
		const [pass2, review2] = outputsOf(later, 'Fraud');
		expect(pass2).toEqual([]);
		expect(review2[0]).toMatchObject({ omsId: batch[3].omsId, fraud: { decision: 'review', reviewSince: at(20), rescreen: { decision: 'pass', score: 0 } } });
		expect(review2[0].oms).toMatchObject({ status: 'fraud_review', statusChanged: false });
		const fresh = order({ ...who, channel: 'woocommerce', placedAt: at(25) });
		const third = await runWorkflow(flow([fresh], [record(), gate('Fraud', screen({}, at(26)))]), { credentials });
		// amazon (5 h), ebay (10 h), walmart (20 h) and this one: 4 in the window again
		expect(ids(outputsOf(third, 'Fraud')[1])).toEqual([fresh.omsId]);
	});

	it('flags an order held longer than the review time limit, counting from when it entered review', async () => {
		const { credentials } = await sqliteSetup();
		const held = order({ customer: { email: 'slow@mailinator.com', name: 'S', phone: null, channelCustomerId: null } });
		await runWorkflow(flow([held], [record(), gate('Fraud', screen())]), { credentials });
		const plus = (h: number) => new Date(Date.parse(T0) + h * 3600_000).toISOString();
		const check = async (hours: number, limit = 72) => {
			const r = await runWorkflow(flow([held], [gate('Fraud', screen({ reviewTimeLimitHours: limit }, plus(hours)))]), { credentials });
			const [, review] = outputsOf(r, 'Fraud');
			expect(ids(review)).toEqual([held.omsId]);
			return review[0].fraud as { reviewOverdue: boolean; reviewSince: string };
		};
		expect(await check(71)).toMatchObject({ reviewOverdue: false, reviewSince: T0 });
		expect(await check(72)).toMatchObject({ reviewOverdue: false }); // exactly the limit: not yet
		expect(await check(73)).toMatchObject({ reviewOverdue: true, reviewSince: T0 });
		expect(await check(23, 24)).toMatchObject({ reviewOverdue: false });
		expect(await check(25, 24)).toMatchObject({ reviewOverdue: true });
	});

	it('re-screens the review queue (an OMS Order Search by status Fraud Review) and flags the overdue', async () => {
		const { credentials } = await sqliteSetup();
		const mk = (placedAt: string) => order({ placedAt, customer: { email: `q${person}@mailinator.com`, name: 'Q', phone: null, channelCustomerId: null } });
		const old = mk('2026-05-01T10:00:00.000Z');
		const recent = mk('2026-05-03T10:00:00.000Z');
		await runWorkflow(flow([old], [record(), gate('Fraud', screen({}, '2026-05-01T11:00:00.000Z'))]), { credentials });
		await runWorkflow(flow([recent, order()], [record(), gate('Fraud', screen({}, '2026-05-03T11:00:00.000Z'))]), { credentials });
		const search = { name: 'Queue', type: 'n8n-nodes-oms-wms.omsOrder', parameters: { operation: 'search', filters: { statuses: ['fraud_review'] }, returnAll: true, oldestFirst: true }, credentials: CRED };
		const result = await runWorkflow(flow([{}], [search, gate('Fraud', screen({ reviewTimeLimitHours: 48 }, '2026-05-04T12:00:00.000Z'))]), { credentials });
		expect(result.error).toBeUndefined();
		const [pass, review, reject, errors] = outputsOf(result, 'Fraud');
		expect([pass, reject, errors ?? []]).toEqual([[], [], []]);
		expect(review.map((o) => [o.omsId, (o.fraud as { reviewOverdue: boolean }).reviewOverdue])).toEqual([
			[old.omsId, true],
			[recent.omsId, false],
		]);
	});

	it('fails the node with a clear error naming the parameter when the rule set is bad', async () => {
		const { credentials } = await sqliteSetup();
		const run = async (params: Record<string, unknown>) => {
			const r = await runWorkflow(flow([order()], [record(), gate('Fraud', screen(params))]), { credentials });
			return nodeError(r, 'Fraud')?.message ?? '';
		};
		expect(await run({ reviewThreshold: 50, rejectThreshold: 40 })).toMatch(
			/Invalid fraud rule set: Reject Threshold: reject threshold \(40\) is below the review threshold \(50\) \(\$\.thresholds\.reject\)/,
		);
		expect(await run({ denyList: { countries: 'Canada' } })).toMatch(/Deny List › Countries: "CANADA" is not an ISO 3166-1 alpha-2 country code/);
		expect(await run({ rules: { orderTotalAbove: { amounts: 'USD lots' } } })).toMatch(/Rules › Order Total Above › Amounts: amount must be a number/);
		expect(await run({ velocityRules: { rule: [{ key: 'email', windowHours: 0, maxOrders: 3, points: 50 }] } })).toMatch(/Velocity Rules › rule 1 › Window \(Hours\)/);
		expect(await run({ screenOptions: { ruleSetJson: '{ not json' } })).toMatch(/Rule Set JSON is not valid JSON/);
		expect(await run({ denyList: { ips: '10.0.0.300' } })).toMatch(/Deny List › IP Addresses: "10\.0\.0\.300" is not an IP address/);
	});

	it('edits rules on the canvas: a rule switched off, re-weighted or made a block rule', async () => {
		const { credentials } = await sqliteSetup();
		const disposable = () => order({ customer: { email: `x${person}@mailinator.com`, name: 'X', phone: null, channelCustomerId: null } });
		const a = disposable();
		const off = await runWorkflow(flow([a], [record(), gate('Fraud', screen({ rules: { disposableOrMalformedEmail: { enabled: false } } }))]), { credentials });
		expect(ids(outputsOf(off, 'Fraud')[0])).toEqual([a.omsId]);
		const b = disposable();
		const blocked = await runWorkflow(flow([b], [record(), gate('Fraud', screen({ rules: { disposableOrMalformedEmail: { block: true } } }))]), { credentials });
		expect(outputsOf(blocked, 'Fraud')[2][0].fraud).toMatchObject({ decision: 'reject', stage: 'block' });
		const c = disposable();
		const light = await runWorkflow(flow([c], [record(), gate('Fraud', screen({ rules: { disposableOrMalformedEmail: { points: 10 } } }))]), { credentials });
		expect(outputsOf(light, 'Fraud')[0][0].fraud).toMatchObject({ decision: 'pass', score: 10 });
	});
});

describe('fraudGate: Resolve Review', () => {
	it('approves once (Pass, status back to received), says so on a repeat, and refuses the opposite decision', async () => {
		const { credentials, store } = await sqliteSetup();
		const mk = () => order({ customer: { email: `r${person}@mailinator.com`, name: 'R', phone: null, channelCustomerId: null } });
		const [a, b] = [mk(), mk()];
		const clean = order();
		await runWorkflow(flow([a, b, clean], [record(), gate('Fraud', screen())]), { credentials });
		expect((await store.getOrder(a.omsId))!.status).toBe('fraud_review');

		const resolve = (decision: string, by = 'Ana', note = 'Called the customer') => gate('Resolve', { operation: 'resolveReview', decision, by, note });
		const first = await runWorkflow(flow([{ omsId: a.omsId }], [resolve('approved')]), { credentials });
		const [pass, review, reject] = outputsOf(first, 'Resolve');
		expect([review, reject]).toEqual([[], []]);
		expect(pass[0]).toMatchObject({
			omsId: a.omsId,
			alreadyResolved: false,
			oms: { status: 'received', hold: null, statusChanged: true },
			fraud: { decision: 'review', resolution: { decision: 'approved', by: 'Ana', note: 'Called the customer' } },
		});
		const stored = (await store.getOrder(a.omsId))!;
		expect(stored.status).toBe('received');
		expect(stored.hold).toBeNull();
		const events = await store.timeline(a.omsId);
		expect(events.slice(-2).map((e) => [e.type, e.toStatus, e.cause])).toEqual([
			['fraud', 'fraud_review', 'Ana (Fraud Gate: Resolve Review)'],
			['status', 'received', 'Ana (Fraud Gate: Resolve Review)'],
		]);
		const timelineLength = events.length;

		// the same decision again: same output, alreadyResolved, nothing written
		const second = await runWorkflow(flow([{ omsId: a.omsId }], [resolve('approved', 'Bo', 'again')]), { credentials });
		expect(outputsOf(second, 'Resolve')[0][0]).toMatchObject({ alreadyResolved: true, fraud: { resolution: { by: 'Ana' } } });
		// the opposite decision: an error on that item naming the first resolution
		const opposite = await runWorkflow(flow([{ omsId: a.omsId }], [resolve('rejected', 'Bo')]), { credentials });
		const [, , , errors] = outputsOf(opposite, 'Resolve');
		expect(String(errors[0].error)).toMatch(new RegExp(`Order ${a.omsId} was already resolved: approved by Ana at .*\\("Called the customer"\\)\\. A review is resolved once\\.`));
		expect(await store.timeline(a.omsId)).toHaveLength(timelineLength);
		expect((await store.getFraudDecision(a.omsId))!.resolution).toMatchObject({ decision: 'approved', by: 'Ana' });

		// a re-screen does not overrule the person: the approved order leaves on Pass as it is
		const rescreen = await runWorkflow(flow([a], [gate('Fraud', screen())]), { credentials });
		expect(outputsOf(rescreen, 'Fraud')[0][0]).toMatchObject({ omsId: a.omsId, fraud: { resolution: { decision: 'approved' } }, oms: { resolvedBefore: true } });

		// reject the other: leaves on Reject, status rejected; an order never held cannot be resolved
		const rej = await runWorkflow(flow([{ omsId: b.omsId }, { omsId: clean.omsId }, { omsId: 'shopify:nope' }], [resolve('rejected', 'Ana', 'Stolen card')]), { credentials });
		const [p2, , r2, e2] = outputsOf(rej, 'Resolve');
		expect(p2).toEqual([]);
		expect(r2[0]).toMatchObject({ omsId: b.omsId, alreadyResolved: false, oms: { status: 'rejected', statusChanged: true } });
		expect(e2.map((e) => String(e.error))).toEqual([
			`Order ${clean.omsId} is not held for fraud review (its decision was pass)`,
			'No order shopify:nope in the OMS store',
		]);
	});

	it('requires who resolved it', async () => {
		const { credentials } = await sqliteSetup();
		const r = await runWorkflow(flow([{ omsId: 'shopify:1' }], [gate('Resolve', { operation: 'resolveReview', decision: 'approved', by: ' ' })]), { credentials });
		expect(String(outputsOf(r, 'Resolve')[3][0].error)).toMatch(/By is empty/);
	});
});

describe('fraudGate: Back-test', () => {
	it('reports what an edited rule set would pass, hold and reject, and writes nothing', async () => {
		const { credentials, store, orders } = await mixedBatch(sqliteSetup);
		const big = order({ lines: [{ lineId: '1', sku: 'TV', title: 'TV', quantity: 1, unitPrice: 1500, lineTotal: 1500 }] });
		await runWorkflow(flow([big], [record(), gate('Fraud', screen())]), { credentials });
		const all = [...orders, big];
		const snapshot = async () =>
			Promise.all(all.map(async (o) => ({ order: await store.getOrder(o.omsId), decision: await store.getFraudDecision(o.omsId), timeline: await store.timeline(o.omsId) })));
		const before = await snapshot();

		// the current rules: nothing would change
		const same = await runWorkflow(flow([{}], [gate('Backtest', { operation: 'backtest' })]), { credentials });
		expect(outputsOf(same, 'Backtest')[0][0]).toMatchObject({ total: 4, pass: 2, review: 1, reject: 1, changedCount: 0, changed: [] });

		// review at 20: the big order (order total above USD 1,000: 20 points) would be held; a filter by channel
		const edited = await runWorkflow(flow([{}], [gate('Backtest', { operation: 'backtest', reviewThreshold: 20, backtestOptions: { maxChanges: 10 } })]), { credentials });
		const report = outputsOf(edited, 'Backtest')[0][0];
		expect(report).toMatchObject({
			total: 4,
			pass: 1,
			review: 2,
			reject: 1,
			changedCount: 1,
			changed: [{ omsId: big.omsId, from: 'pass', to: 'review', score: 20, rules: ['orderTotalAbove'] }],
			transitions: { 'pass->review': 1 },
			byRule: { orderTotalAbove: 1, disposableOrMalformedEmail: 2, freightForwarderOrPoBox: 1 },
			storedRuleSetVersions: { [ruleSetVersion(DEFAULT_RULE_SET)]: 4 },
		});
		expect(report.ruleSetVersion).not.toBe(ruleSetVersion(DEFAULT_RULE_SET));
		const json = await runWorkflow(
			flow([{}], [gate('Backtest', { operation: 'backtest', backtestOptions: { ruleSetJson: '{"rules":{"disposableOrMalformedEmail":{"enabled":false}}}' } })]),
			{ credentials },
		);
		expect(outputsOf(json, 'Backtest')[0][0]).toMatchObject({ total: 4, pass: 3, review: 1, reject: 0, transitions: { 'review->pass': 1, 'reject->review': 1 } });
		const ranged = await runWorkflow(flow([{}], [gate('Backtest', { operation: 'backtest', backtestFilters: { placedFrom: '2026-06-01T00:00:00Z' } })]), { credentials });
		expect(outputsOf(ranged, 'Backtest')[0][0]).toMatchObject({ total: 0 });

		expect(await snapshot()).toEqual(before);
	});
});

describe('fraudGate on PostgreSQL through the OMS Store credential', () => {
	it('routes the mixed batch and records the decisions', async () => {
		const { credentials, orders } = await mixedBatch(pgSetup);
		const resolve = await runWorkflow(flow([{ omsId: orders[1].omsId }], [gate('Resolve', { operation: 'resolveReview', decision: 'rejected', by: 'Ana' })]), { credentials });
		expect(outputsOf(resolve, 'Resolve')[2][0]).toMatchObject({ omsId: orders[1].omsId, oms: { status: 'rejected' } });
		const again = await runWorkflow(flow([{ omsId: orders[1].omsId }], [gate('Resolve', { operation: 'resolveReview', decision: 'rejected', by: 'Ana' })]), { credentials });
		expect(outputsOf(again, 'Resolve')[2][0]).toMatchObject({ alreadyResolved: true });
	});
});
