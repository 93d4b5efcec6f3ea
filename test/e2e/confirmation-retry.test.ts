/**
 * A shipment confirmation the marketplace refuses (503) on three attempts and then accepts, in a real n8n with the
 * shipped templates: OMS 3 (WMS Status Sync) reads the shipment from ShipBob and its Confirm Shipment queues the
 * confirmation in the channel outbox and tries it once; OMS 10's Retry Channel Calls (Marketplace > Retry Pending)
 * tries it again when due. The channel is confirmed exactly once for the package and the call is `sent` in the store.
 * For Shopify (a webhook channel: only fulfillmentCreate refuses) and eBay (a polled channel: only
 * POST .../shipping_fulfillment refuses).
 *
 * An outbox attempt is one call of the channel client, which retries a 503 a few times itself; so the channel refuses
 * until the outbox has recorded three failed attempts and accepts after that. The schedules and the outbox's backoff
 * are shortened in the imported copies (Retry Channel Calls every 3 s, first retry after about a second). The WMS
 * sandbox's clock stands still until the test ships the orders. Waits are conditions with deadlines (waitUntil).
 */
import { generateOrders, type SeedChannel, type SeedOrder } from '../sandbox/generator';
import { failedExecutions, startFlow, waitUntil, type Flow } from './harness/flow';
import type { ChannelCall } from '../../lib/store/types';

jest.setTimeout(20 * 60_000);

const REFUSALS = 3;
let flow: Flow;
const omsIdOf = (o: SeedOrder) => `${o.channel}:${o.id}`;
const CHANNELS = ['shopify', 'ebay'] as const;
type Ch = (typeof CHANNELS)[number];
const orders = {} as Record<Ch, SeedOrder>;

function plainOrder(channel: SeedChannel, id: string, sku: string): SeedOrder {
	const gen = generateOrders({ seed: 2022, perChannel: 30, fraudRate: 0, channels: [channel], from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() - 60_000).toISOString() });
	const o = (gen.byChannel[channel] ?? []).find((x) => x.shippingLevel === 'standard' && x.shipTo.country === x.billTo.country && x.shipTo.name === x.billTo.name)!;
	return { ...o, id, status: 'paid', fraud: [], lines: [{ ...o.lines[0], lineId: '1', sku, quantity: 1 }] };
}

beforeAll(async () => {
	flow = await startFlow({
		name: 'confirmation-retry',
		perChannel: 1,
		seed: 22,
		fraudRate: 0,
		schedules: { wmsStatusSyncSec: 3, inventorySyncSec: 30, reconciliationMin: 60, channelCallsSec: 3, channelCallBackoffSec: 1 },
		wmsTimeScale: 0,
		extraTemplates: ['recovery-attention.json'],
	});
	const sku = ['MUG-CER-11', 'MUG-CER-15'].find((s) => s !== flow.scarce.sku)!;
	orders.shopify = plainOrder('shopify', '5000022001', sku);
	orders.ebay = plainOrder('ebay', '32-20220-00001', sku);
});

afterAll(async () => {
	await flow?.close();
});

const wms = () => flow.sb.wms!.control;
const status = async (o: SeedOrder) => (await flow.store.getOrder(omsIdOf(o)))?.status;
const atShipBob = (o: SeedOrder) => wms().ordersByReference('shipbob', omsIdOf(o))[0];
const calls = async (ch: Ch): Promise<ChannelCall[]> => (await flow.store.listChannelCalls({ channel: ch, kind: 'confirmation' })).filter((c) => c.omsId === omsIdOf(orders[ch]));
/** Confirmations the channel accepted for the order (a refused one created nothing) */
const accepted = (ch: Ch): Array<{ trackingNumber: string }> => {
	const s = flow.sb.sandboxes;
	if (ch === 'shopify') return (s.shopify.fulfillments.get(orders.shopify.id) ?? []).map((f) => ({ trackingNumber: String(f.trackingInfo.number) }));
	return s.ebay.received.fulfillments.filter((f) => f.orderId === orders.ebay.id).map((f) => ({ trackingNumber: (f.body as { trackingNumber: string }).trackingNumber }));
};
/** The order's confirmation steps on its timeline: which node, what became of the attempt */
const confirmationEvents = async (o: SeedOrder) =>
	(await flow.store.query<{ cause: string | null; detail: unknown }>(`SELECT cause, detail FROM events WHERE oms_id = ? AND type = 'channel' ORDER BY id`, [omsIdOf(o)]))
		.map((e) => ({ cause: e.cause, detail: (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail) as { call?: string; outcome?: string } }))
		.filter((e) => e.detail.call === 'confirmation');

it('a confirmation refused (503) three times, then accepted: confirmed exactly once per package, sent by Retry Channel Calls', async () => {
	const s = flow.sb.sandboxes;
	// the orders arrive: Shopify by its webhook, eBay by the next poll (a new order, changed now)
	s.shopify.addOrders([orders.shopify]);
	expect((await s.shopify.deliverWebhook(orders.shopify.id, { topic: 'orders/create' })).map((d) => d.status)).toEqual([200]);
	s.ebay.addOrders([orders.ebay]);
	s.ebay.touch(orders.ebay.id);
	await waitUntil(
		async () => `both orders at the WMS; now ${await Promise.all(CHANNELS.map(async (ch) => `${omsIdOf(orders[ch])}=${await status(orders[ch])}`))}`,
		async () => ((await Promise.all(CHANNELS.map(async (ch) => (await status(orders[ch])) === 'at_wms' && atShipBob(orders[ch])))).every(Boolean) ? true : undefined),
		240_000,
	);

	// the channels refuse confirmations from now on; the WMS ships both orders
	s.shopify.failConfirmations('error', Infinity, 503);
	s.ebay.failConfirmations('error', Infinity, 503);
	const refused: Record<Ch, boolean> = { shopify: false, ebay: false };
	try {
		wms().advance(4 * 60_000);
		for (const ch of CHANNELS) expect({ ch, stage: atShipBob(orders[ch]).stage }).toEqual({ ch, stage: expect.stringMatching(/^(shipped|delivered)$/) });
		// each refused on three outbox attempts (OMS 3's, then Retry Channel Calls'): then the channel accepts again
		await waitUntil(
			async () => `${REFUSALS} failed attempts of each confirmation; now ${JSON.stringify(Object.fromEntries(await Promise.all(CHANNELS.map(async (ch) => [ch, (await calls(ch)).map((c) => `${c.status}/${c.attempts}`)]))))}`,
			async () => {
				for (const ch of CHANNELS) {
					if (refused[ch]) continue;
					const cs = await calls(ch);
					if (cs.length && cs.every((c) => c.status === 'pending' && c.attempts >= REFUSALS)) {
						s[ch].clearFaults();
						refused[ch] = true;
					}
				}
				return refused.shopify && refused.ebay ? true : undefined;
			},
			240_000,
		);
	} finally {
		s.shopify.clearFaults();
		s.ebay.clearFaults();
	}

	for (const ch of CHANNELS) {
		const o = orders[ch];
		const packages = atShipBob(o).packages;
		expect(packages.length).toBeGreaterThan(0);
		const done = await waitUntil(
			async () => `${omsIdOf(o)}'s confirmations sent; now ${(await calls(ch)).map((c) => `${c.status}/${c.attempts}`).join(', ')}`,
			async () => {
				const cs = await calls(ch);
				return cs.length === packages.length && cs.every((c) => c.status === 'sent') ? cs : undefined;
			},
			180_000,
		);
		// exactly one accepted confirmation per package, with the WMS's tracking number
		expect(accepted(ch).map((a) => a.trackingNumber).sort()).toEqual(packages.map((p) => p.trackingNumber).sort());
		for (const c of done) expect(c.attempts).toBeGreaterThan(REFUSALS);
		// the first attempt was OMS 3's Confirm Shipment; the accepted one Retry Channel Calls' (OMS 10)
		const ev = await confirmationEvents(o);
		expect(ev[0]).toMatchObject({ cause: 'Confirm Shipment (confirmShipment)', detail: { outcome: 'retry_scheduled' } });
		expect(ev.filter((e) => e.detail.outcome === 'retry_scheduled').length).toBeGreaterThanOrEqual(REFUSALS * packages.length);
		const confirmed = ev.filter((e) => e.detail.outcome === 'confirmed');
		expect(confirmed).toHaveLength(packages.length);
		for (const e of confirmed) expect(e.cause).toBe('Retry Channel Calls (retryPending)');
		expect(await status(o)).toMatch(/^(shipped|delivered)$/);
	}
});

it('ended no n8n execution in error', async () => {
	expect((await flow.n8n.executions()).length).toBeGreaterThan(0);
	expect(await failedExecutions(flow.n8n)).toEqual([]);
});
