/**
 * Properties of the record path on BOTH stores (SQLite and PostgreSQL, side by side: `npm test` starts PostgreSQL and
 * sets OMS_TEST_PG_URL; without it these fail, never skip). Promises:
 * - store.bothStoresAgree: an order validateOrder accepts is recorded by both stores, and reads back from both as the
 *   same order: itself, with NUL removed and unpaired surrogates replaced in its free text and raw payload (what
 *   JSON carries of it); an order holding such a character in an identifier is refused by validateOrder and by both
 *   stores with the same error. Recording it again is a duplicate on both.
 * - store.sameSecondVersions: two versions of an order with one update time settle on the same version whichever is
 *   recorded first, on both stores; the one further along (readiness) wins; recording either again changes nothing.
 */
import fc from 'fast-check';
import { cleanForStore } from '../../../lib/order/storable';
import type { CanonicalOrder, OrderLine, Readiness } from '../../../lib/order/types';
import { validateOrder } from '../../../lib/order/validate';
import { compareVersions } from '../../../lib/order/versions';
import type { Store, StoredOrder } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';
import { closeStores, STORES } from '../report/stores';
import { edgeNumber, hostileString } from './arbitraries';
import { checkAsyncProperty, PROPERTY_TIMEOUT_MS } from './harness';

let sqlite: Store;
let pg: Store;
beforeAll(async () => {
	const now = () => new Date('2026-05-02T00:00:00Z');
	[sqlite, pg] = await Promise.all(STORES.map((s) => s.open(now)));
	expect([sqlite.kind, pg.kind]).toEqual(['sqlite', 'postgres']);
}, PROPERTY_TIMEOUT_MS);
afterAll(closeStores, PROPERTY_TIMEOUT_MS);

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${++seq}`;

const text = hostileString(16);
const nullableText = fc.option(text, { nil: null });
/** Mostly plain identifiers, sometimes hostile ones (NUL, unpaired surrogates: refused) */
const ident = fc.oneof({ arbitrary: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,11}$/), weight: 6 }, { arbitrary: text.filter((s) => s.trim() !== ''), weight: 1 });
const jsonScalar = fc.oneof(text, edgeNumber, fc.boolean(), fc.constant(null));
const raw = fc.anything({ key: hostileString(6), values: [jsonScalar], maxDepth: 3, maxKeys: 4 });
const readiness = fc.constantFrom<Readiness>('ready', 'pending', 'cancelled', 'shipped');

const line = fc.record({ sku: ident, title: nullableText, quantity: fc.integer({ min: 1, max: 1_000_000 }), cents: fc.integer({ min: 0, max: 10_000_000 }) });

const orderParts = fc.record({
	channel: fc.constantFrom('shopify', 'woocommerce', 'amazon', 'ebay', 'walmart', 'edi-acme'),
	readiness,
	channelStatus: text,
	orderNumber: nullableText,
	name: nullableText,
	phone: nullableText,
	customerId: fc.option(ident, { nil: null }),
	address: fc.record({ name: nullableText, company: nullableText, line1: nullableText, line2: nullableText, city: nullableText, region: nullableText, postalCode: nullableText, phone: nullableText }),
	country: fc.constantFrom('US', 'CA', 'DE', 'JP'),
	label: nullableText,
	lines: fc.array(line, { minLength: 1, maxLength: 3 }),
	shippingCents: fc.integer({ min: 0, max: 100_000 }),
	risk: fc.record({ channelRecommendation: nullableText, channelRiskLevel: nullableText, clientIp: nullableText }),
	raw,
});

type Parts = typeof orderParts extends fc.Arbitrary<infer T> ? T : never;

function buildOrder(p: Parts): CanonicalOrder {
	const lines: OrderLine[] = p.lines.map((l, i) => ({ lineId: String(i + 1), sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.cents / 100, lineTotal: (l.cents * l.quantity) / 100 }));
	const subtotalCents = p.lines.reduce((s, l) => s + l.cents * l.quantity, 0);
	return makeOrder({
		channel: p.channel,
		channelOrderId: nextId('P'),
		readiness: p.readiness,
		channelStatus: p.channelStatus,
		orderNumber: p.orderNumber,
		customer: { email: null, name: p.name, phone: p.phone, channelCustomerId: p.customerId },
		shipTo: { ...p.address, country: p.country },
		shipping: { level: 'standard', label: p.label },
		lines,
		totals: { subtotal: subtotalCents / 100, shipping: p.shippingCents / 100, tax: 0, discount: 0, total: (subtotalCents + p.shippingCents) / 100 },
		risk: p.risk,
		raw: p.raw,
	});
}

/** The order as JSON carries it (what any store can give back): undefined dropped, -0 as 0, NaN and Infinity as null */
const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

async function settle(p: Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: Error }> {
	try {
		return { ok: true, value: await p };
	} catch (error) {
		return { ok: false, error: error as Error };
	}
}

describe('the record path on both stores', () => {
	it('both stores accept the same orders and give them back the same, cleaned of what they cannot keep', async () => {
		let recorded = 0;
		let refused = 0;
		await checkAsyncProperty({ name: 'store.bothStoresAgree', numRuns: 300, seed: 1803001 }, [orderParts], async (parts) => {
			const order = buildOrder(parts);
			const problems = validateOrder(order);
			// the generator makes valid orders, save an identifier that holds what no store can keep
			expect(problems.filter((q) => !/^must not contain /.test(q.message))).toEqual([]);
			const [a, b] = await Promise.all([settle(sqlite.recordOrder(order)), settle(pg.recordOrder(order))]);
			if (!a.ok || !b.ok) {
				expect([a.ok, b.ok]).toEqual([false, false]);
				expect(problems.length).toBeGreaterThan(0);
				expect((a as { error: Error }).error.message).toBe((b as { error: Error }).error.message);
				expect(await Promise.all([sqlite.getOrder(order.omsId), pg.getOrder(order.omsId)])).toEqual([null, null]);
				refused++;
				return;
			}
			expect(problems).toEqual([]);
			const [s, p] = (await Promise.all([sqlite.getOrder(order.omsId), pg.getOrder(order.omsId)])) as [StoredOrder, StoredOrder];
			const expected = viaJson(cleanForStore(order).value);
			expect(s.order).toEqual(expected);
			expect(p.order).toEqual(expected);
			expect([s.status, s.hold?.reason]).toEqual([p.status, p.hold?.reason]);
			const [es, ep] = await Promise.all([sqlite.timeline(order.omsId), pg.timeline(order.omsId)]);
			expect(es.map((e) => [e.type, e.detail])).toEqual(ep.map((e) => [e.type, e.detail]));
			const again = await Promise.all([sqlite.recordOrder(order), pg.recordOrder(order)]);
			expect(again.map((r) => [r.outcome, r.reason])).toEqual([
				['duplicate', 'same_version'],
				['duplicate', 'same_version'],
			]);
			recorded++;
		});
		expect(recorded).toBeGreaterThan(50);
		expect(refused).toBeGreaterThan(3);
	}, PROPERTY_TIMEOUT_MS);

	it('two versions with one update time settle on the same one in either order of arrival, on both stores', async () => {
		const RANK: Record<Readiness, number> = { pending: 0, ready: 1, shipped: 2, cancelled: 3 };
		const version = fc.record({ readiness, channelStatus: fc.oneof(fc.constantFrom('pending', 'on-hold', 'processing', 'completed', 'cancelled', 'PAID/UNFULFILLED', 'Created', 'Acknowledged/Shipped'), text), city: fc.constantFrom('Ottawa', 'Toronto', 'Montréal') });
		await checkAsyncProperty(
			{ name: 'store.sameSecondVersions', numRuns: 120, seed: 1803002 },
			[fc.constantFrom('shopify', 'woocommerce', 'amazon', 'ebay', 'walmart'), version, version],
			async (channel, va, vb) => {
				const at = '2026-05-01T14:05:07.000Z';
				// as the store keeps them (a status word holding NUL is cleaned first, then compared)
				const make = (id: string, v: typeof version extends fc.Arbitrary<infer T> ? T : never) => {
					const o = makeOrder({ channel, channelOrderId: id, updatedAt: at, readiness: v.readiness, channelStatus: v.channelStatus });
					return cleanForStore({ ...o, shipTo: { ...o.shipTo!, city: v.city } }).value;
				};
				const x = nextId('X');
				const y = nextId('Y');
				const finals: CanonicalOrder[] = [];
				for (const store of [sqlite, pg]) {
					await store.recordOrder(make(x, va));
					await store.recordOrder(make(x, vb));
					await store.recordOrder(make(y, vb));
					await store.recordOrder(make(y, va));
					const [sx, sy] = (await Promise.all([store.getOrder(`${channel}:${x}`), store.getOrder(`${channel}:${y}`)])) as [StoredOrder, StoredOrder];
					// the same version under both ids, and the one compareVersions calls newer
					const content = (o: CanonicalOrder) => [o.readiness, o.channelStatus, o.shipTo?.city];
					expect(content(sx.order)).toEqual(content(sy.order));
					const newer = compareVersions(make(x, va), make(x, vb)) >= 0 ? make(x, va) : make(x, vb);
					expect(content(sx.order)).toEqual(content(newer));
					expect(RANK[sx.order.readiness]).toBe(Math.max(RANK[va.readiness], RANK[vb.readiness]));
					// no flip-flop: both again, in both orders, change nothing
					const before = [sx.version, sy.version];
					for (const [id, first, second] of [[x, vb, va], [y, va, vb]] as const) {
						await store.recordOrder(make(id, first));
						await store.recordOrder(make(id, second));
					}
					const after = await Promise.all([store.getOrder(`${channel}:${x}`), store.getOrder(`${channel}:${y}`)]);
					expect(after.map((s) => s!.version)).toEqual(before);
					finals.push(sx.order);
				}
				expect([finals[0].readiness, finals[0].channelStatus, finals[0].shipTo?.city]).toEqual([finals[1].readiness, finals[1].channelStatus, finals[1].shipTo?.city]);
			},
		);
	}, PROPERTY_TIMEOUT_MS);
});
