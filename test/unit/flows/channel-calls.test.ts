/**
 * The channel outbox flows (lib/flows/channel-calls.ts) against the marketplace sandboxes: a confirmation refused
 * three times then accepted is at the channel exactly once; a lost answer (applied, then the connection reset) never
 * confirms twice; a failed quantity push stays owed until it is sent or a newer push of its SKU supersedes it.
 * Every client makes one attempt per call (retry maxAttempts 1), so each outbox attempt is one call the sandbox sees;
 * the outbox's schedule runs on the times the test passes (`now`), never on the wall clock.
 */
import { acknowledgeOrders, confirmShipment, pushQuantities, resendFailedChannelCalls, retryChannelCalls } from '../../../lib/flows/channel-calls';
import { awaitsAcknowledgement } from '../../../lib/flows/acknowledge-orders';
import { attentionQueue } from '../../../lib/report/reports/attention';
import { channelDefinition } from '../../../lib/channels/registry';
import { normalizeOrder } from '../../../lib/channels/normalize';
import type { ChannelClient } from '../../../lib/channels/types';
import type { HttpRequestFn } from '../../../lib/http/types';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from '../../sandbox/channels/amazon';
import { EbaySandbox, EBAY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/ebay';
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/shopify';
import { WalmartSandbox, WALMART_SANDBOX_CREDENTIALS } from '../../sandbox/channels/walmart';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../sandbox/channels/woocommerce';
import type { SandboxBase } from '../../sandbox/common';
import { generateOrders, type SeedOrder } from '../../sandbox/generator';
import { isolated, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { confirmationOfAll } from '../../helpers/confirmations';

const TS = 0.01;
const T0 = '2026-05-01T10:00:00.000Z';
/** Past any backoff (capped at 1 h) */
const later = (hours: number) => new Date(Date.parse(T0) + hours * 3600_000).toISOString();
const BACKOFF = { random: () => 0 };

type Channel = 'amazon' | 'ebay' | 'shopify' | 'walmart' | 'woocommerce';
interface Harness {
	sb: SandboxBase;
	/** What the channel received for the order's confirmations: every write that reached it (a duplicate included) */
	confirmations(orderId: string): number;
	/** The next confirmation write fails: `lost` (applied, then the connection reset), `error` (503, nothing applied)
	 * or `gateway` (applied, then a gateway answers `status`: 504 by default, or 502) */
	fail(kind: 'lost' | 'error' | 'gateway', times?: number, status?: number): void;
}

const clock = new VirtualClock();
/** Shopify's confirmation is one GraphQL endpoint among many: its lost answer is staged here (applied, then reset,
 * or applied, then a gateway's status) */
let loseShopifyFulfillment = 0;
let gatewayShopifyFulfillment: { times: number; status: number } = { times: 0, status: 504 };
/** Runs just before the next fulfillmentCreate reaches Shopify (the order cancelled on Shopify in between) */
let beforeShopifyFulfillment: (() => Promise<unknown>) | null = null;
const tracked = clock.track(realRequest);
const request: HttpRequestFn = async <T>(o: Parameters<HttpRequestFn>[0]) => {
	if (beforeShopifyFulfillment && JSON.stringify(o.body ?? '').includes('fulfillmentCreate')) {
		const run = beforeShopifyFulfillment;
		beforeShopifyFulfillment = null;
		await run();
	}
	const res = await tracked<T>(o);
	if (loseShopifyFulfillment > 0 && JSON.stringify(o.body ?? '').includes('fulfillmentCreate')) {
		loseShopifyFulfillment--;
		throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
	}
	if (gatewayShopifyFulfillment.times > 0 && JSON.stringify(o.body ?? '').includes('fulfillmentCreate')) {
		gatewayShopifyFulfillment.times--;
		return { ...res, status: gatewayShopifyFulfillment.status, headers: { 'content-type': 'text/html' }, body: '<html>Gateway Time-out</html>' as never };
	}
	return res;
};

const seeds = generateOrders({ seed: 31, perChannel: 60, channels: ['amazon', 'ebay', 'shopify', 'walmart', 'woocommerce'] }).byChannel;
const harness: Record<Channel, Harness> = {
	amazon: (() => {
		const sb = new AmazonSandbox({ timeScale: TS, clock });
		return { sb, confirmations: (id) => sb.received.shipments.filter((s) => s.orderId === id).length, fail: (k, n = 1, st) => sb.failConfirmations(k, n, st ?? (k === 'gateway' ? 504 : 503)) };
	})(),
	ebay: (() => {
		const sb = new EbaySandbox({ timeScale: TS, clock });
		return { sb, confirmations: (id) => sb.received.fulfillments.filter((s) => s.orderId === id).length, fail: (k, n = 1, st) => sb.failConfirmations(k, n, st ?? (k === 'gateway' ? 504 : 503)) };
	})(),
	walmart: (() => {
		const sb = new WalmartSandbox({ timeScale: TS, clock });
		return { sb, confirmations: (id) => sb.received.shipments.filter((s) => s.purchaseOrderId === id).length, fail: (k, n = 1, st) => sb.failConfirmations(k, n, st ?? (k === 'gateway' ? 504 : 503)) };
	})(),
	woocommerce: (() => {
		const sb = new WooCommerceSandbox({ timeScale: TS, clock });
		return {
			sb,
			confirmations: (id) => sb.received.trackings.filter((s) => s.orderId === id).length,
			fail: (k, n = 1, st) =>
				sb.inject({ kind: k === 'lost' ? 'reset_after_commit' : k === 'gateway' ? 'error_after_commit' : 'error', path: '/shipment-trackings', method: 'POST', times: n, status: st ?? (k === 'gateway' ? 504 : 503) }),
		};
	})(),
	shopify: (() => {
		const sb = new ShopifySandbox({ timeScale: TS, clock });
		return {
			sb,
			confirmations: (id) => sb.received.fulfillments.filter((f) => JSON.stringify(f.input).includes(`/${id}`) || JSON.stringify(f.input).includes(`"${id}"`)).length,
			fail: (k, n = 1, st) => {
				if (k === 'lost') loseShopifyFulfillment = n;
				else if (k === 'gateway') gatewayShopifyFulfillment = { times: n, status: st ?? 504 };
				else sb.inject({ kind: 'error', path: '/graphql.json', method: 'POST', times: n, status: 503 });
			},
		};
	})(),
};
const CREDENTIALS: Record<Channel, object> = {
	amazon: AMAZON_SANDBOX_CREDENTIALS,
	ebay: EBAY_SANDBOX_CREDENTIALS,
	shopify: SHOPIFY_SANDBOX_CREDENTIALS,
	walmart: WALMART_SANDBOX_CREDENTIALS,
	woocommerce: WOO_SANDBOX_CREDENTIALS,
};
const clients = {} as Record<Channel, ChannelClient>;
const CHANNELS = Object.keys(harness) as Channel[];

beforeAll(async () => {
	for (const ch of CHANNELS) {
		const h = harness[ch];
		const baseUrl = await h.sb.start();
		(h.sb as unknown as { addOrders(o: SeedOrder[]): void }).addOrders(seeds[ch]);
		clients[ch] = channelDefinition(ch)!.createClient({ ...CREDENTIALS[ch], baseUrl } as never, request, isolated(TS, { clock, retry: { timeScale: TS, maxAttempts: 1 } }));
	}
});
afterAll(async () => {
	for (const ch of CHANNELS) await harness[ch].sb.close();
});

let store: Store;
beforeEach(async () => {
	store = await openSqliteStore(':memory:');
	loseShopifyFulfillment = 0;
	gatewayShopifyFulfillment = { times: 0, status: 504 };
	beforeShopifyFulfillment = null;
	for (const ch of CHANNELS) harness[ch].sb.clearFaults();
});
afterEach(() => store.close());

/** Paid, unshipped orders of a channel, one per test (the sandboxes keep what earlier tests shipped) */
const used = new Set<string>();
function unshipped(ch: Channel): SeedOrder {
	const o = seeds[ch].find((x) => x.status === 'paid' && !used.has(`${ch}:${x.id}`));
	if (!o) throw new Error(`no unshipped ${ch} order left`);
	used.add(`${ch}:${o.id}`);
	return o;
}

/** The confirmation of every line of the order, with the channel's line ids (read back through its normaliser) */
async function confirmationOf(ch: Channel, o: SeedOrder, trackingNumber: string) {
	return confirmationOfAll(normalizeOrder(ch, await clients[ch].getOrder(o.id)), trackingNumber);
}

describe.each(CHANNELS)('channel outbox: %s confirmations', (ch) => {
	it('a confirmation refused three times then accepted is at the channel exactly once, retried by backoff', async () => {
		const h = harness[ch];
		const o = unshipped(ch);
		const req = await confirmationOf(ch, o, `1ZREF${o.id.replace(/\D/g, '').slice(-8)}`);
		h.fail('error', 3);
		const first = await confirmShipment(store, clients[ch], req, { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'retry_scheduled', call: { status: 'pending', attempts: 1, outcomeUnknown: false } });
		expect(first.call!.nextAttemptAt).toBe('2026-05-01T10:00:15.000Z');
		// nothing is due before its time; the same confirmation again is not queued twice
		expect((await retryChannelCalls(store, clients[ch], { now: T0 })).claimed).toBe(0);
		expect((await confirmShipment(store, clients[ch], req, { now: T0 })).outcome).toBe('queued');
		const outcomes: string[] = [];
		for (let hour = 1; hour <= 3; hour++) {
			const s = await retryChannelCalls(store, clients[ch], { now: later(hour), backoff: BACKOFF });
			outcomes.push(...s.results.map((r) => r.outcome));
		}
		expect(outcomes).toEqual(['retry_scheduled', 'retry_scheduled', 'sent']);
		expect(h.confirmations(o.id)).toBe(1);
		const call = (await store.listChannelCalls({ channel: ch }))[0];
		expect(call).toMatchObject({ status: 'sent', attempts: 4, lastError: null });
		// confirmed: asked again, it is not sent again
		expect((await confirmShipment(store, clients[ch], req, { now: later(4) })).outcome).toBe('already_sent');
		expect((await retryChannelCalls(store, clients[ch], { now: later(5) })).claimed).toBe(0);
		expect(h.confirmations(o.id)).toBe(1);
	});

	it('a lost answer (applied, then the connection reset) never confirms twice: the retry finds it at the channel', async () => {
		const h = harness[ch];
		const o = unshipped(ch);
		const req = await confirmationOf(ch, o, `1ZLOST${o.id.replace(/\D/g, '').slice(-8)}`);
		h.fail('lost');
		const first = await confirmShipment(store, clients[ch], req, { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'retry_scheduled', call: { status: 'pending', outcomeUnknown: true } });
		expect(h.confirmations(o.id)).toBe(1);
		const retry = await retryChannelCalls(store, clients[ch], { now: later(1) });
		expect(retry.results.map((r) => r.outcome)).toEqual(['found_at_channel']);
		expect(h.confirmations(o.id)).toBe(1);
		expect((await store.listChannelCalls({ channel: ch }))[0]).toMatchObject({ status: 'sent', outcomeUnknown: false });
	});

	it.each([504, 502])('a gateway %i after the channel applied the confirmation is an unknown outcome: the retry finds it, one confirmation', async (status) => {
		const h = harness[ch];
		const o = unshipped(ch);
		const req = await confirmationOf(ch, o, `1ZGW${status}${o.id.replace(/\D/g, '').slice(-8)}`);
		h.fail('gateway', 1, status);
		const first = await confirmShipment(store, clients[ch], req, { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'retry_scheduled', call: { status: 'pending', outcomeUnknown: true }, failure: { status } });
		expect(h.confirmations(o.id)).toBe(1);
		const retry = await retryChannelCalls(store, clients[ch], { now: later(1) });
		expect(retry.results.map((r) => r.outcome)).toEqual(['found_at_channel']);
		expect(h.confirmations(o.id)).toBe(1);
		expect((await store.listChannelCalls({ channel: ch }))[0]).toMatchObject({ status: 'sent', outcomeUnknown: false });
	});

	it('an unknown outcome that the channel does not show is confirmed, once', async () => {
		const h = harness[ch];
		const o = unshipped(ch);
		const req = await confirmationOf(ch, o, `1ZGONE${o.id.replace(/\D/g, '').slice(-8)}`);
		// a sender that died mid-call before its request went out: claimed, never recorded; its lease runs out
		const [{ call }] = await store.enqueueChannelCalls([{ kind: 'confirmation', channel: ch, omsId: req.omsId, packageKey: req.packageKey, payload: { ...req.confirmation } }]);
		await store.claimChannelCalls(ch, T0, { ids: [call.id], leaseSeconds: 60 });
		const retry = await retryChannelCalls(store, clients[ch], { now: later(1) });
		expect(retry.results.map((r) => r.outcome)).toEqual(['sent']);
		expect(h.confirmations(o.id)).toBe(1);
	});
});

describe('channel clients: a confirmation write is not repeated blindly after a transport failure', () => {
	it.each(['shopify', 'woocommerce', 'walmart'] as const)('%s: with the client retrying transport errors, a lost answer still leaves one confirmation', async (ch) => {
		const h = harness[ch];
		const retrying = channelDefinition(ch)!.createClient({ ...CREDENTIALS[ch], baseUrl: h.sb.url } as never, request, isolated(TS, { clock, retry: { timeScale: TS, maxAttempts: 6 } }));
		const o = unshipped(ch);
		const req = await confirmationOf(ch, o, `1ZONCE${o.id.replace(/\D/g, '').slice(-8)}`);
		h.fail('lost');
		await expect(retrying.confirmShipment(req.confirmation)).rejects.toMatchObject({ code: 'ECONNRESET' });
		expect(h.confirmations(o.id)).toBe(1);
		expect(await retrying.findShipmentConfirmation(req.confirmation)).toEqual({ found: true });
	});

	it.each(['amazon', 'ebay', 'walmart', 'woocommerce', 'shopify'] as const)('%s: with the client retrying 5xx, a 504 after the channel applied it is not sent again', async (ch) => {
		const h = harness[ch];
		const retrying = channelDefinition(ch)!.createClient({ ...CREDENTIALS[ch], baseUrl: h.sb.url } as never, request, isolated(TS, { clock, retry: { timeScale: TS, maxAttempts: 6 } }));
		const o = unshipped(ch);
		const req = await confirmationOf(ch, o, `1ZGWONCE${o.id.replace(/\D/g, '').slice(-8)}`);
		h.fail('gateway', 3);
		await expect(retrying.confirmShipment(req.confirmation)).rejects.toMatchObject({ status: 504 });
		expect(h.confirmations(o.id)).toBe(1);
		expect(await retrying.findShipmentConfirmation(req.confirmation)).toEqual({ found: true });
	});
});

describe('channel outbox: confirmations refused for good, bad input', () => {
	it('a refusal (4xx) fails the call for good, visible with the redacted words; it is not sent again', async () => {
		const o = unshipped('amazon');
		const req = await confirmationOf('amazon', o, '1ZNOPE');
		harness.amazon.sb.inject({ kind: 'error', path: /shipmentConfirmation$/, method: 'POST', status: 400 });
		const r = await confirmShipment(store, clients.amazon, req, { now: T0 });
		expect(r).toMatchObject({ outcome: 'failed', call: { status: 'failed', attempts: 1 }, failure: { status: 400, retryable: false } });
		expect(r.error).toMatch(/400/);
		expect((await store.listChannelCalls({ status: ['failed'] })).map((c) => c.packageKey)).toEqual(['PKG-1ZNOPE']);
		expect((await confirmShipment(store, clients.amazon, req, { now: later(1) })).outcome).toBe('failed');
		expect((await retryChannelCalls(store, clients.amazon, { now: later(2) })).claimed).toBe(0);
		expect(harness.amazon.confirmations(o.id)).toBe(0);
	});

	it('Shopify: an order cancelled on Shopify (no open fulfillment order line, or fulfillmentCreate\'s userErrors) fails for good with Shopify\'s words, in the Attention queue, never sent again by itself', async () => {
		const sh = harness.shopify.sb as ShopifySandbox;
		// cancelled before the confirmation: nothing is left open to confirm, and nothing is sent
		const a = unshipped('shopify');
		const reqA = await confirmationOf('shopify', a, '1ZCANCELA');
		await sh.cancelOrder(a.id);
		const ra = await confirmShipment(store, clients.shopify, reqA, { now: T0 });
		expect(ra).toMatchObject({ outcome: 'failed', call: { status: 'failed', attempts: 1, outcomeUnknown: false }, failure: { status: 422, retryable: false } });
		expect(ra.error).toMatch(/has no open fulfillment order line \(its fulfillment orders are CLOSED|CANCELLED/);
		expect(ra.failure?.vendorMessage).toMatch(/has no open fulfillment order line/);
		// cancelled between the read and the write: Shopify answers userErrors, a refusal too
		const b = unshipped('shopify');
		const reqB = await confirmationOf('shopify', b, '1ZCANCELB');
		beforeShopifyFulfillment = () => sh.cancelOrder(b.id);
		const rb = await confirmShipment(store, clients.shopify, reqB, { now: T0 });
		expect(rb).toMatchObject({ outcome: 'failed', call: { status: 'failed', attempts: 1, outcomeUnknown: false }, failure: { status: 422, vendorMessage: 'Fulfillment order is cancelled.', retryable: false } });
		expect((await retryChannelCalls(store, clients.shopify, { now: later(2) })).claimed).toBe(0);
		expect(harness.shopify.confirmations(a.id) + harness.shopify.confirmations(b.id)).toBe(0);
		expect((await attentionQueue(store, later(3))).filter((x) => x.kind === 'channel_call_failed').map((x) => [x.omsId, x.reason])).toEqual([
			[`shopify:${a.id}`, 'confirmation'],
			[`shopify:${b.id}`, 'confirmation'],
		]);
	});

	it('WooCommerce: an order cancelled in the store is refused for good before anything is written (WooCommerce itself would complete it)', async () => {
		const o = unshipped('woocommerce');
		const req = await confirmationOf('woocommerce', o, '1ZWOOCANCEL');
		await (harness.woocommerce.sb as WooCommerceSandbox).cancelOrder(o.id);
		const r = await confirmShipment(store, clients.woocommerce, req, { now: T0 });
		expect(r).toMatchObject({ outcome: 'failed', call: { status: 'failed', attempts: 1, outcomeUnknown: false }, failure: { status: 409, vendorMessage: 'order status cancelled', retryable: false } });
		expect(harness.woocommerce.confirmations(o.id)).toBe(0);
		expect((normalizeOrder('woocommerce', await clients.woocommerce.getOrder(o.id))).readiness).toBe('cancelled');
		expect((await retryChannelCalls(store, clients.woocommerce, { now: later(2) })).claimed).toBe(0);
	});

	it('bad input is an error naming what is wrong, and queues nothing', async () => {
		const o = unshipped('walmart');
		const req = await confirmationOf('walmart', o, '');
		await expect(confirmShipment(store, clients.walmart, { ...req, packageKey: ' ' }, { now: T0 })).rejects.toMatchObject({
			name: 'ItemError',
			problems: [
				{ path: 'packageKey', message: 'packageKey is empty' },
				{ path: 'trackingNumber', message: 'trackingNumber is empty' },
			],
		});
		expect(await store.listChannelCalls()).toEqual([]);
	});
});

describe('channel outbox: quantity pushes (Amazon listings)', () => {
	const sb = () => harness.amazon.sb as AmazonSandbox;
	const listed = (sku: string) => sb().quantities.get(sku)?.quantity;

	it('a failed push stays owed until a newer push of its SKU supersedes it; an older one never overwrites it', async () => {
		const [sku, other] = ['OWED-A', 'OWED-B'];
		sb().inject({ kind: 'error', path: `/${sku}`, method: 'PATCH', status: 503 });
		const first = await pushQuantities(store, clients.amazon, [{ sku, quantity: 7, basis: 10 }, { sku: other, quantity: 3, basis: 4 }], { now: T0, backoff: BACKOFF });
		expect(first.map((r) => r.outcome)).toEqual(['retry_scheduled', 'sent']);
		expect([listed(sku), listed(other)]).toEqual([undefined, 3]);
		expect(await store.findChannelCall({ channel: 'amazon', sku })).toMatchObject({ status: 'pending', quantity: 7, attempts: 1 });
		// a newer quantity of the SKU supersedes the owed one and goes at once
		const newer = await pushQuantities(store, clients.amazon, [{ sku, quantity: 5, basis: 12 }], { now: T0 });
		expect(newer.map((r) => r.outcome)).toEqual(['sent']);
		expect(listed(sku)).toBe(5);
		// the older one (computed from older stock) is refused, and nothing owed is left to send it later
		const older = await pushQuantities(store, clients.amazon, [{ sku, quantity: 7, basis: 10 }], { now: T0 });
		expect(older.map((r) => r.outcome)).toEqual(['older']);
		expect((await retryChannelCalls(store, clients.amazon, { now: later(3) })).claimed).toBe(0);
		expect(listed(sku)).toBe(5);
		// the same quantity as one still owed is not queued twice: it goes once, when due
		sb().inject({ kind: 'error', path: `/${other}`, method: 'PATCH', status: 503 });
		expect((await pushQuantities(store, clients.amazon, [{ sku: other, quantity: 2, basis: 5 }], { now: T0, backoff: BACKOFF })).map((r) => r.outcome)).toEqual(['retry_scheduled']);
		expect((await pushQuantities(store, clients.amazon, [{ sku: other, quantity: 2, basis: 6 }], { now: T0 })).map((r) => r.outcome)).toEqual(['queued']);
		const calls = sb().received.listings.length;
		expect((await retryChannelCalls(store, clients.amazon, { now: later(1) })).results.map((r) => [r.call!.sku, r.outcome])).toEqual([[other, 'sent']]);
		expect(sb().received.listings.length).toBe(calls + 1);
		expect(listed(other)).toBe(2);
	});

	it('a failed push stays owed until the retry sends it; low quantities first', async () => {
		sb().inject({ kind: 'error', path: /\/RETRY-/, method: 'PATCH', status: 503, times: 3 });
		const r = await pushQuantities(store, clients.amazon, [{ sku: 'RETRY-HI', quantity: 40 }, { sku: 'RETRY-LO', quantity: 1 }, { sku: 'RETRY-MID', quantity: 9 }], { now: T0, backoff: BACKOFF });
		expect(r.map((x) => x.outcome)).toEqual(['retry_scheduled', 'retry_scheduled', 'retry_scheduled']);
		expect((await store.listChannelCalls({ channel: 'amazon', status: ['pending'] })).map((c) => c.sku)).toEqual(['RETRY-HI', 'RETRY-LO', 'RETRY-MID']);
		const before = sb().received.listings.length;
		const s = await retryChannelCalls(store, clients.amazon, { now: later(1) });
		expect(s).toMatchObject({ claimed: 3, sent: 3, failed: 0 });
		expect(s.results.map((x) => x.call!.sku)).toEqual(['RETRY-LO', 'RETRY-MID', 'RETRY-HI']);
		expect(sb().received.listings.slice(before).map((l) => l.sku)).toEqual(['RETRY-LO', 'RETRY-MID', 'RETRY-HI']);
		expect([listed('RETRY-LO'), listed('RETRY-MID'), listed('RETRY-HI')]).toEqual([1, 9, 40]);
	});

	it('a newer push while the older one is out waits for it (never two pushes of one SKU at once), then goes next from the same sender', async () => {
		const sku = 'INFLIGHT';
		let arrived!: () => void;
		const out = new Promise<void>((r) => (arrived = r));
		let release!: () => void;
		const released = new Promise<void>((r) => (release = r));
		sb().inject({ kind: 'slow', path: `/${sku}`, method: 'PATCH', hold: () => (arrived(), released) });
		const quantities = () => sb().received.listings.filter((l) => l.sku === sku).map((l) => JSON.stringify(l.body).match(/"quantity":(\d+)/)![1]);
		const first = pushQuantities(store, clients.amazon, [{ sku, quantity: 9, basis: 100 }], { now: T0 });
		await out;
		const newer = await pushQuantities(store, clients.amazon, [{ sku, quantity: 6, basis: 103 }], { now: T0 });
		const older = await pushQuantities(store, clients.amazon, [{ sku, quantity: 7, basis: 102 }], { now: T0 });
		expect([newer[0].outcome, older[0].outcome]).toEqual(['queued', 'older']);
		release();
		expect((await first).map((r) => r.outcome)).toEqual(['sent']);
		// the held 9, then the newer 6 (the older 7 never)
		expect(quantities()).toEqual(['9', '6']);
		expect(listed(sku)).toBe(6);
		expect(await store.findChannelCall({ channel: 'amazon', sku })).toMatchObject({ status: 'sent', quantity: 6, basis: 103 });
	});

	it('bad pushes are errors of their own item; the same SKU twice in a batch sends the newer', async () => {
		const r = await pushQuantities(store, clients.amazon, [{ sku: '', quantity: 1 }, { sku: 'DUP', quantity: 4, basis: 3 }, { sku: 'NEG', quantity: -2 }, { sku: 'DUP', quantity: 2, basis: 5 }], { now: T0 });
		expect(r.map((x) => x.outcome)).toEqual(['invalid', 'superseded', 'invalid', 'sent']);
		expect(r[2]).toMatchObject({ error: { message: 'SKU NEG: quantity must be a whole number, 0 or more, got -2' } });
		expect(listed('DUP')).toBe(2);
		expect((await store.listChannelCalls()).map((c) => [c.sku, c.quantity, c.status])).toEqual([['DUP', 2, 'sent']]);
	});
});

describe('channel outbox: Walmart acknowledgements', () => {
	const wm = () => harness.walmart.sb as WalmartSandbox;
	const acks = (id: string) => wm().received.acknowledgements.filter((x) => x === id).length;
	/** Released Walmart orders still Created, as the trigger emits them (canonical orders) */
	async function released(n: number) {
		const out = [];
		for (let k = 0; k < n; k++) out.push(normalizeOrder('walmart', await clients.walmart.getOrder(unshipped('walmart').id)));
		for (const o of out) expect(awaitsAcknowledgement(clients.walmart, o)).toBe(true);
		return out;
	}

	it('owes one acknowledgement per order, sends the first `sendNow` at once and leaves the rest to Retry Pending; asked again (OMS 5), nothing is sent twice', async () => {
		const orders = await released(5);
		const other = { channelOrderId: 'X', channelStatus: 'Acknowledged' };
		const r = await acknowledgeOrders(store, clients.walmart, [...orders, other, orders[0]], { now: T0, sendNow: 2 });
		expect(r.map((x) => x?.outcome ?? null)).toEqual(['sent', 'sent', 'queued', 'queued', 'queued', null, 'sent']);
		expect(orders.map((o) => acks(o.channelOrderId))).toEqual([1, 1, 0, 0, 0]);
		expect(await store.listChannelCalls({ channel: 'walmart', kind: 'acknowledgement' })).toHaveLength(5);
		// Retry Pending sends what was left owed, acknowledgements before anything else of the channel
		const retry = await retryChannelCalls(store, clients.walmart, { now: T0 });
		expect(retry.results.map((x) => [x.call!.omsId, x.outcome])).toEqual(orders.slice(2).map((o) => [o.omsId, 'sent']));
		expect(orders.map((o) => acks(o.channelOrderId))).toEqual([1, 1, 1, 1, 1]);
		// the same orders listed again while the channel still showed them Created (OMS 5's hourly read): no call
		const again = await acknowledgeOrders(store, clients.walmart, orders, { now: later(1) });
		expect(again.map((x) => x?.outcome)).toEqual(orders.map(() => 'already_sent'));
		expect(orders.map((o) => acks(o.channelOrderId))).toEqual([1, 1, 1, 1, 1]);
		// a channel without acknowledgements: nothing queued, nothing sent
		expect(await acknowledgeOrders(store, clients.shopify, [{ channelOrderId: '1', channelStatus: 'Created' }], { now: T0 })).toEqual([null]);
	});

	it('a lost answer (applied, then the connection reset) is not sent again: the retry reads the order, no line is still Created', async () => {
		const [o] = await released(1);
		wm().inject({ kind: 'reset_after_commit', path: /\/acknowledge$/, method: 'POST' });
		const [first] = await acknowledgeOrders(store, clients.walmart, [o], { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'retry_scheduled', call: { status: 'pending', outcomeUnknown: true, attempts: 1 } });
		expect(acks(o.channelOrderId)).toBe(1);
		const retry = await retryChannelCalls(store, clients.walmart, { now: later(1), backoff: BACKOFF });
		expect(retry.results.map((x) => x.outcome)).toEqual(['found_at_channel']);
		expect(acks(o.channelOrderId)).toBe(1);
		expect((await store.listChannelCalls({ omsId: o.omsId }))[0]).toMatchObject({ status: 'sent', outcomeUnknown: false });
	});

	it('an unknown outcome the channel does not show (still Created) is sent, once', async () => {
		const [o] = await released(1);
		wm().inject({ kind: 'reset', path: /\/acknowledge$/, method: 'POST' });
		const [first] = await acknowledgeOrders(store, clients.walmart, [o], { now: T0, backoff: BACKOFF });
		expect(first).toMatchObject({ outcome: 'retry_scheduled', call: { outcomeUnknown: true } });
		expect(acks(o.channelOrderId)).toBe(0);
		expect((await retryChannelCalls(store, clients.walmart, { now: later(1), backoff: BACKOFF })).results.map((x) => x.outcome)).toEqual(['sent']);
		expect(acks(o.channelOrderId)).toBe(1);
	});

	it('a refusal fails it for good: in the Attention queue with the call ID; Resend Failed (by the order) sends it once, with who and why on the timeline', async () => {
		const [o] = await released(1);
		await store.recordOrder(o);
		wm().inject({ kind: 'error', path: /\/acknowledge$/, method: 'POST', status: 400 });
		const [first] = await acknowledgeOrders(store, clients.walmart, [o], { now: T0 });
		expect(first).toMatchObject({ outcome: 'failed', call: { status: 'failed', attempts: 1 } });
		expect(acks(o.channelOrderId)).toBe(0);
		expect((await retryChannelCalls(store, clients.walmart, { now: later(2) })).claimed).toBe(0);
		const queue = await attentionQueue(store, later(2));
		expect(queue.filter((a) => a.omsId === o.omsId)).toEqual([
			expect.objectContaining({ kind: 'channel_call_failed', reason: 'acknowledgement', reasonLabel: 'Order acknowledgement failed', callId: first!.call!.id }),
		]);
		const resent = await resendFailedChannelCalls(store, clients.walmart, { omsId: o.omsId }, { now: later(2), by: 'Dana', note: 'order fixed' });
		expect(resent.map((x) => [x.call!.kind, x.outcome])).toEqual([['acknowledgement', 'sent']]);
		expect(acks(o.channelOrderId)).toBe(1);
		expect((await attentionQueue(store, later(3))).filter((a) => a.omsId === o.omsId)).toEqual([]);
		const events = (await store.timeline(o.omsId)).filter((e) => e.type === 'channel').map((e) => e.detail);
		expect(events).toEqual([
			expect.objectContaining({ call: 'acknowledgement', outcome: 'failed', error: expect.stringContaining('400') }),
			expect.objectContaining({ call: 'acknowledgement', outcome: 'resend', note: 'order fixed', attemptsBefore: 1 }),
			expect.objectContaining({ call: 'acknowledgement', outcome: 'acknowledged' }),
		]);
		// resent: not again
		await expect(resendFailedChannelCalls(store, clients.walmart, { omsId: o.omsId }, { now: later(3), by: 'Dana' })).rejects.toThrow(/has no failed call to walmart \(acknowledgement: sent\)/);
	});
});

describe('channel outbox: answers to eBay buyers\' cancel requests', () => {
	const eb = () => harness.ebay.sb as EbaySandbox;
	const decisions = (cancelId: string) => eb().received.cancelDecisions.filter((d) => d.cancelId === cancelId).map((d) => d.decision);
	/** A paid eBay order the buyer asked to cancel, recorded as the trigger lists it (the list has no request id) */
	async function requested() {
		const o = unshipped('ebay');
		const req = eb().requestCancellation(o.id);
		const listed = (await clients.ebay.listOrdersSince(null, { lookbackFrom: '2020-01-01T00:00:00Z' })).orders.find((x) => (x as { orderId: string }).orderId === o.id);
		const order = normalizeOrder('ebay', listed);
		expect(order.cancelRequest).toEqual({ id: null, requestedAt: null, reason: null });
		await store.recordOrder(order);
		return { o, req, order };
	}
	const queue = (omsId: string, channelOrderId: string, decision: 'approve' | 'reject', requestId: string | null = null, extra: Record<string, unknown> = {}) =>
		store.enqueueChannelCalls([{ kind: 'cancel_answer', channel: 'ebay', omsId, payload: { channelOrderId, requestId, decision, ...extra } }]);

	it('Retry Pending approves once, reading the request id the list lacked; the order is cancelled on eBay; on the timeline', async () => {
		const { o, req, order } = await requested();
		await queue(order.omsId, o.id, 'approve');
		const retry = await retryChannelCalls(store, clients.ebay, { now: T0 });
		expect(retry.results.map((x) => [x.call!.kind, x.outcome, x.call!.reference])).toEqual([['cancel_answer', 'sent', req.cancelId]]);
		expect(decisions(req.cancelId)).toEqual(['approve']);
		expect((normalizeOrder('ebay', await clients.ebay.getOrder(o.id))).readiness).toBe('cancelled');
		expect((await retryChannelCalls(store, clients.ebay, { now: later(1) })).claimed).toBe(0);
		expect(decisions(req.cancelId)).toEqual(['approve']);
		expect((await store.timeline(order.omsId)).map((e) => e.detail).filter((d) => (d as { call?: string }).call === 'cancel_answer')).toEqual([
			expect.objectContaining({ channel: 'ebay', outcome: 'cancel_approved', requestId: req.cancelId }),
		]);
	});

	it('a lost answer (applied, then the connection reset) is not sent again: the retry reads the request, answered', async () => {
		const { o, req, order } = await requested();
		await queue(order.omsId, o.id, 'reject', req.cancelId);
		eb().inject({ kind: 'reset_after_commit', path: /\/reject$/, method: 'POST' });
		const first = await retryChannelCalls(store, clients.ebay, { now: T0, backoff: BACKOFF });
		expect(first.results.map((x) => [x.outcome, x.call!.outcomeUnknown])).toEqual([['retry_scheduled', true]]);
		expect(decisions(req.cancelId)).toEqual(['reject']);
		const retry = await retryChannelCalls(store, clients.ebay, { now: later(1), backoff: BACKOFF });
		expect(retry.results.map((x) => x.outcome)).toEqual(['found_at_channel']);
		expect(decisions(req.cancelId)).toEqual(['reject']);
	});

	it('an unknown outcome the channel does not show (still requested) is sent, once; a rejection carries what shipped', async () => {
		const { o, req, order } = await requested();
		await queue(order.omsId, o.id, 'reject', req.cancelId, { trackingNumber: '9400222', shippedAt: '2026-05-02T09:00:00Z' });
		eb().inject({ kind: 'reset', path: /\/reject$/, method: 'POST' });
		expect((await retryChannelCalls(store, clients.ebay, { now: T0, backoff: BACKOFF })).results.map((x) => [x.outcome, x.call!.outcomeUnknown])).toEqual([['retry_scheduled', true]]);
		expect(decisions(req.cancelId)).toEqual([]);
		expect((await retryChannelCalls(store, clients.ebay, { now: later(1), backoff: BACKOFF })).results.map((x) => x.outcome)).toEqual(['sent']);
		expect(eb().received.cancelDecisions.filter((d) => d.cancelId === req.cancelId)).toEqual([{ cancelId: req.cancelId, decision: 'reject', body: { shipmentDate: { value: '2026-05-02T09:00:00.000Z' }, trackingNumber: '9400222' } }]);
	});

	it('answered otherwise meanwhile, or a channel with no such API: failed for good with words, sent nowhere', async () => {
		const { o, req, order } = await requested();
		await queue(order.omsId, o.id, 'approve');
		await clients.ebay.answerCancelRequest!({ channelOrderId: o.id, requestId: req.cancelId, decision: 'reject' }); // someone answered in the seller account
		const r = await retryChannelCalls(store, clients.ebay, { now: T0 });
		expect(r.results.map((x) => [x.outcome, x.call!.status])).toEqual([['failed', 'failed']]);
		expect(r.results[0].error).toMatch(/is rejected, not to approve any more/);
		expect(decisions(req.cancelId)).toEqual(['reject']);
		expect((await attentionQueue(store, later(1))).filter((a) => a.omsId === order.omsId)).toEqual([
			expect.objectContaining({ kind: 'channel_call_failed', reason: 'cancel_answer', reasonLabel: "Answer to a buyer's cancel request failed", callId: r.results[0].call!.id }),
		]);
		await store.enqueueChannelCalls([{ kind: 'cancel_answer', channel: 'shopify', omsId: 'shopify:1', payload: { channelOrderId: '1', requestId: null, decision: 'approve' } }]);
		const s = await retryChannelCalls(store, clients.shopify, { now: T0 });
		expect(s.results.map((x) => [x.outcome, x.error])).toEqual([['failed', "shopify has no API to answer a buyer's cancel request: answer it in the seller account"]]);
	});

	it('bad input queues nothing: a decision that is neither approve nor reject, an empty order id', async () => {
		await expect(store.enqueueChannelCalls([{ kind: 'cancel_answer', channel: 'ebay', omsId: 'ebay:1', payload: { channelOrderId: '1', requestId: null, decision: 'maybe' as never } }])).rejects.toThrow(/decision must be approve or reject, got "maybe"/);
		await expect(store.enqueueChannelCalls([{ kind: 'cancel_answer', channel: 'ebay', omsId: 'ebay:1', payload: { channelOrderId: ' ', requestId: null, decision: 'approve' } }])).rejects.toThrow(/channelOrderId must be a non-empty string/);
		expect(await store.listChannelCalls({ kind: 'cancel_answer' })).toEqual([]);
	});
});

describe('channel outbox: Amazon and Walmart buyers\' cancel requests (no answer call: approve is the seller\'s cancel, shipping the answer otherwise)', () => {
	const az = () => harness.amazon.sb as AmazonSandbox;
	const wm = () => harness.walmart.sb as WalmartSandbox;
	const approve = (ch: Channel, omsId: string, channelOrderId: string) => store.enqueueChannelCalls([{ kind: 'cancel_answer', channel: ch, omsId, payload: { channelOrderId, requestId: null, decision: 'approve' } }]);

	it('Amazon: the request shows as cancelRequest (2026 cancellation.cancellationRequest; v0 BuyerRequestedCancel); approving cancels the order with reason BuyerCanceled, once', async () => {
		const o = unshipped('amazon');
		az().requestCancellation(o.id, 'Found a better price');
		const order = normalizeOrder('amazon', await clients.amazon.getOrder(o.id));
		expect([order.readiness, order.cancelRequest]).toEqual(['ready', { id: null, requestedAt: null, reason: 'Found a better price' }]);
		expect(await clients.amazon.findCancelRequest!(o.id)).toEqual({ id: o.id, state: 'requested', requestedAt: null, reason: 'Found a better price' });
		await store.recordOrder(order);
		await approve('amazon', order.omsId, o.id);
		const r = await retryChannelCalls(store, clients.amazon, { now: T0 });
		expect(r.results.map((x) => [x.call!.kind, x.outcome])).toEqual([['cancel_answer', 'sent']]);
		expect(az().received.cancellations.filter((c) => c.orderId === o.id).map((c) => c.items.map((i) => i.reason))).toEqual([o.lines.map(() => 'BuyerCanceled')]);
		const after = normalizeOrder('amazon', await clients.amazon.getOrder(o.id));
		expect([after.readiness, after.cancelRequest]).toEqual(['cancelled', undefined]);
		expect((await clients.amazon.findCancelRequest!(o.id))?.state).toBe('approved');
		expect((await retryChannelCalls(store, clients.amazon, { now: later(1) })).claimed).toBe(0);
		expect(az().received.cancellations.filter((c) => c.orderId === o.id)).toHaveLength(1);
		// v0's shape (getOrderItems' BuyerRequestedCancel, a string "true" ✔ ordersV0.json) reads the same
		const v0 = normalizeOrder('amazon', {
			AmazonOrderId: '902-1', PurchaseDate: '2026-05-01T10:00:00Z', OrderStatus: 'Unshipped', OrderTotal: { CurrencyCode: 'USD', Amount: '10.00' },
			OrderItems: [
				{ OrderItemId: 'I1', SellerSKU: 'SKU-1', QuantityOrdered: 1, ItemPrice: { CurrencyCode: 'USD', Amount: '10.00' }, BuyerRequestedCancel: { IsBuyerRequestedCancel: 'true', BuyerCancelReason: 'Found cheaper somewhere else.' } },
			],
		});
		expect(v0.cancelRequest).toEqual({ id: null, requestedAt: null, reason: 'Found cheaper somewhere else.' });
		const none = normalizeOrder('amazon', { AmazonOrderId: '902-2', PurchaseDate: '2026-05-01T10:00:00Z', OrderStatus: 'Unshipped', OrderTotal: { CurrencyCode: 'USD', Amount: '1.00' }, OrderItems: [{ OrderItemId: 'I1', SellerSKU: 'S', QuantityOrdered: 1, BuyerRequestedCancel: { IsBuyerRequestedCancel: 'false' } }] });
		expect(none.cancelRequest).toBeUndefined();
	});

	it('Amazon and Walmart have no reject call: a reject is refused by the client and fails for good, sent nowhere', async () => {
		for (const ch of ['amazon', 'walmart'] as const) {
			expect(channelDefinition(ch)!.capabilities.rejectCancelRequest).toBe(false);
			await store.enqueueChannelCalls([{ kind: 'cancel_answer', channel: ch, omsId: `${ch}:X-1`, payload: { channelOrderId: 'X-1', requestId: 'X-1', decision: 'reject' } }]);
			const r = await retryChannelCalls(store, clients[ch], { now: T0 });
			expect(r.results.map((x) => [x.outcome, x.failure?.retryable])).toEqual([['failed', false]]);
			expect(r.results[0].error).toMatch(/shipping .*is the answer/);
		}
		expect(channelDefinition('ebay')!.capabilities.rejectCancelRequest).toBe(true);
	});

	it('Walmart: intentToCancel shows as cancelRequest; approving cancels the open lines (CUSTOMER_REQUESTED_SELLER_TO_CANCEL), once', async () => {
		const o = unshipped('walmart');
		wm().requestCancellation(o.id);
		const order = normalizeOrder('walmart', await clients.walmart.getOrder(o.id));
		expect([order.readiness, order.cancelRequest]).toEqual(['ready', { id: null, requestedAt: null, reason: null }]);
		expect((await clients.walmart.findCancelRequest!(o.id))?.state).toBe('requested');
		await store.recordOrder(order);
		await approve('walmart', order.omsId, o.id);
		expect((await retryChannelCalls(store, clients.walmart, { now: T0 })).results.map((x) => x.outcome)).toEqual(['sent']);
		const sent = wm().received.cancellations.filter((c) => c.purchaseOrderId === o.id);
		expect(sent).toHaveLength(1);
		expect(JSON.stringify(sent[0].body)).toContain('CUSTOMER_REQUESTED_SELLER_TO_CANCEL');
		expect(normalizeOrder('walmart', await clients.walmart.getOrder(o.id)).readiness).toBe('cancelled');
		expect((await clients.walmart.findCancelRequest!(o.id))?.state).toBe('approved');
		expect((await retryChannelCalls(store, clients.walmart, { now: later(1) })).claimed).toBe(0);
	});

	it('Walmart: a line the customer intends to cancel that ships anyway is confirmed with intentToCancelOverride, from the order the OMS recorded (without it Walmart refuses)', async () => {
		const o = unshipped('walmart');
		wm().requestCancellation(o.id);
		const order = normalizeOrder('walmart', await clients.walmart.getOrder(o.id));
		const req = await confirmationOf('walmart', o, '1ZOVERRIDE');
		// the OMS never recorded the request (an order it does not know): Walmart refuses the plain shipment, for good
		const refused = await confirmShipment(store, clients.walmart, { ...req, packageKey: 'P-plain' }, { now: T0 });
		expect([refused.outcome, refused.failure?.status, refused.failure?.retryable]).toEqual(['failed', 400, false]);
		expect(refused.error).toMatch(/intentToCancelOverride/);
		await store.recordOrder(order);
		const r = await confirmShipment(store, clients.walmart, req, { now: T0 });
		expect([r.outcome, r.call?.payload?.overrideCancelRequest]).toEqual(['sent', true]);
		const shipped = wm().received.shipments.filter((x) => x.purchaseOrderId === o.id && !x.duplicate);
		expect(shipped).toHaveLength(1);
		expect(JSON.stringify(shipped[0].body)).toContain('"intentToCancelOverride":true');
	});
});
