/**
 * A channel's changes after intake on the channels channel-change.test.ts does not cover (Shopify), in a real n8n
 * running the shipped templates (OMS 1: Order Intake's Updated -> Apply Channel Change branch) against the channel
 * sandboxes and ShipBob's:
 *   - WooCommerce (signed webhooks): a cancel before the WMS has the order (released, its delivery never sent), a
 *     cancel at the WMS (cancelled at ShipBob first, then released), and a payment that arrives later (at the WMS
 *     from the order.updated webhook's own intake run, not at the hourly reconciliation);
 *   - eBay and Walmart (polled, every minute: n8n's shortest poll): a cancel at the WMS before pick (cancelled at
 *     ShipBob first, released) and after pick (ShipBob refuses: held cancel_refused for a person, units still held);
 *     on eBay, a payment that arrives later (at the WMS from the poll that sees it).
 *     Walmart releases only paid orders, so it has no "paid later"; Amazon's API hides the last two minutes of
 *     changes, which would make each step here two minutes longer (its cancel path is the same branch).
 * The WMS sandbox's clock stands still (timeScale 0) unless the test moves it, so which stage each order is in is the
 * test's choice, not the machine's. Waits are deadline-driven (waitUntil): conditions, never durations.
 */
import { generateOrders, type SeedChannel, type SeedOrder } from '../sandbox/generator';
import { failedExecutions, startFlow, waitUntil, type Flow } from './harness/flow';

jest.setTimeout(20 * 60_000);

let flow: Flow;
const omsIdOf = (o: SeedOrder) => `${o.channel}:${o.id}`;
const POLLED = ['ebay', 'walmart'] as const;
type Polled = (typeof POLLED)[number];

/** Orders the fraud rules pass (paid or pending, standard shipping, billed where shipped), of one well-stocked SKU, with new ids */
function plainOrders(channel: SeedChannel, n: number, id: (i: number) => string, sku: string): SeedOrder[] {
	const gen = generateOrders({ seed: 2021, perChannel: 60, fraudRate: 0, channels: [channel], from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() - 60_000).toISOString() });
	const plain = (gen.byChannel[channel] ?? []).filter((o) => o.shippingLevel === 'standard' && o.shipTo.country === o.billTo.country && o.shipTo.name === o.billTo.name);
	if (plain.length < n) throw new Error(`only ${plain.length} plain ${channel} orders in the seed`);
	return plain.slice(0, n).map((o, i) => ({ ...o, id: id(i), status: 'paid', fraud: [], lines: [{ ...o.lines[0], lineId: '1', sku, quantity: 2 }] }));
}

let sku: string;
let woo: SeedOrder[];
const polled = {} as Record<Polled, SeedOrder[]>;

beforeAll(async () => {
	flow = await startFlow({
		name: 'channel-change-channels',
		perChannel: 1,
		seed: 21,
		fraudRate: 0,
		// nothing on a schedule moves these orders: the channels' webhooks and the minute polls do (the WMS status sync
		// and the reconciliation run hourly; the inventory sync only counts stock)
		schedules: { wmsStatusSyncSec: 3600, inventorySyncSec: 30, reconciliationMin: 60 },
		wmsTimeScale: 0,
	});
	sku = ['MUG-CER-11', 'MUG-CER-15'].find((s) => s !== flow.scarce.sku)!;
	woo = plainOrders('woocommerce', 3, (i) => String(7100 + i), sku);
	woo[2].status = 'pending';
	flow.sb.sandboxes.woocommerce.addOrders(woo);
	polled.ebay = plainOrders('ebay', 3, (i) => `31-2020${i}-0000${i}`, sku);
	polled.ebay[2].status = 'pending';
	polled.walmart = plainOrders('walmart', 2, (i) => String(1_800_000_099_000 + i), sku);
});

afterAll(async () => {
	await flow?.close();
});

const wooSb = () => flow.sb.sandboxes.woocommerce;
const wms = () => flow.sb.wms!.control;
const status = async (o: SeedOrder) => (await flow.store.getOrder(omsIdOf(o)))?.status;
const reserved = async (o: SeedOrder) => (await flow.store.activeReservations(omsIdOf(o))).reduce((s, r) => s + r.quantity, 0);
const atShipBob = (o: SeedOrder) => wms().ordersByReference('shipbob', omsIdOf(o))[0];
const until = <T>(what: string | (() => Promise<string>), probe: () => Promise<T | undefined>, ms = 120_000) => waitUntil(what, probe, ms);
const statuses = async (os: SeedOrder[]) => (await Promise.all(os.map(async (o) => `${omsIdOf(o)}=${await status(o)}`))).join(', ');

describe('WooCommerce (webhooks)', () => {
	it('cancelled before the WMS has it (ShipBob refuses creates for now, the delivery waits): released, and the delivery is never sent', async () => {
		const [a] = woo;
		// only order creation fails (503): the rest of ShipBob answers
		wms().fault({ provider: 'shipbob', match: 'POST /2026-01/order', kind: '503', times: Infinity });
		try {
			expect((await wooSb().deliverWebhook(a.id, { topic: 'order.created' })).map((d) => d.status)).toEqual([200]);
			// waiting after its first attempt (attempts counted when it ends): the cancel finds no send in flight
			await until(`${omsIdOf(a)} ready with its delivery waiting after a failed attempt`, async () => {
				const d = await flow.store.getDelivery(omsIdOf(a), 1);
				return (await status(a)) === 'ready' && d?.status === 'pending' && d.attempts >= 1 ? true : undefined;
			});
			expect(await reserved(a)).toBe(2);
			// the store cancels it: order.updated, status cancelled
			expect((await wooSb().cancelOrder(a.id)).map((d) => d.status)).toEqual([200]);
			await until(`${omsIdOf(a)} cancelled, nothing reserved, its delivery failed`, async () =>
				(await status(a)) === 'cancelled' && (await reserved(a)) === 0 && (await flow.store.getDelivery(omsIdOf(a), 1))?.status === 'failed' ? true : undefined,
			);
		} finally {
			wms().clearFaults();
		}
		expect(atShipBob(a)).toBeUndefined();
	});

	it('cancelled at the WMS before pick: cancelled at ShipBob first, then released', async () => {
		const b = woo[1];
		await wooSb().deliverWebhook(b.id, { topic: 'order.created' });
		await until(`${omsIdOf(b)} at the WMS`, async () => ((await status(b)) === 'at_wms' && atShipBob(b) ? true : undefined));
		expect(atShipBob(b).stage).toBe('received');
		expect(await reserved(b)).toBe(2);
		await wooSb().cancelOrder(b.id);
		await until(`${omsIdOf(b)} cancelled with nothing reserved`, async () => ((await status(b)) === 'cancelled' && (await reserved(b)) === 0 ? true : undefined));
		expect(atShipBob(b).stage).toBe('cancelled');
		expect(wms().ordersByReference('shipbob', omsIdOf(b))).toHaveLength(1);
	});

	it('paid later: at the WMS from the payment’s own order.updated (not the hourly reconciliation)', async () => {
		const d = woo[2];
		await wooSb().deliverWebhook(d.id, { topic: 'order.created' });
		await until(`${omsIdOf(d)} held awaiting payment`, async () => ((await flow.store.getOrder(omsIdOf(d)))?.hold?.reason === 'awaiting_payment' ? true : undefined));
		expect(atShipBob(d)).toBeUndefined();
		expect((await wooSb().markPaid(d.id)).map((x) => x.status)).toEqual([200]);
		// the reconciliation runs hourly here: reaching the WMS within the wait proves the intake's own run took it there
		await until(`${omsIdOf(d)} at the WMS`, async () => ((await status(d)) === 'at_wms' && atShipBob(d) ? true : undefined));
		expect(await reserved(d)).toBe(2);
		expect(wms().ordersByReference('shipbob', omsIdOf(d))).toHaveLength(1);
	});
});

describe('eBay and Walmart (polled every minute)', () => {
	/** A new order appears on its channel now (changed now, so the trigger's cursor sees it whatever its first poll did) */
	const place = (ch: Polled, o: SeedOrder) => {
		flow.sb.sandboxes[ch].addOrders([o]);
		flow.sb.sandboxes[ch].touch(o.id);
	};
	const cancelOnChannel = (ch: Polled, o: SeedOrder) => (ch === 'ebay' ? flow.sb.sandboxes.ebay.cancelOrder(o.id) : flow.sb.sandboxes.walmart.cancelOrder(o.id));
	const paidLater = () => polled.ebay[2];

	// Three polls in all (n8n's shortest poll is a minute, so each step waits for the next one): the first brings the
	// orders that will be picked and the eBay order placed unpaid; the second the unpicked orders and the payment; the
	// third the cancellations.
	it('cancelled at the WMS before pick: cancelled at ShipBob first, then released; after pick: refused, held for a person', async () => {
		const picked = POLLED.map((ch) => polled[ch][0]);
		const unpicked = POLLED.map((ch) => polled[ch][1]);
		const e = paidLater();
		// the first order of each channel reaches ShipBob and is picked there (the OMS has not heard yet); the eBay order
		// placed unpaid is held for its payment
		for (const ch of POLLED) place(ch, polled[ch][0]);
		place('ebay', e);
		await until(
			async () => `the first eBay and Walmart orders at the WMS, ${omsIdOf(e)} held awaiting payment; now ${await statuses([...picked, e])}`,
			async () =>
				(await Promise.all(picked.map(async (o) => (await status(o)) === 'at_wms' && atShipBob(o)))).every(Boolean) && (await flow.store.getOrder(omsIdOf(e)))?.hold?.reason === 'awaiting_payment'
					? true
					: undefined,
			240_000,
		);
		expect(atShipBob(e)).toBeUndefined();
		wms().setCancelRefusedFrom('shipbob', 'picked');
		wms().advance(61_000);
		for (const o of picked) expect({ o: omsIdOf(o), stage: atShipBob(o).stage }).toEqual({ o: omsIdOf(o), stage: 'picked' });
		// the second order of each channel reaches ShipBob after that, unpicked; the eBay order is paid (checked below)
		for (const ch of POLLED) place(ch, polled[ch][1]);
		flow.sb.sandboxes.ebay.markPaid(e.id);
		await until(
			async () => `the second eBay and Walmart orders at the WMS; now ${await statuses(unpicked)}`,
			async () => ((await Promise.all(unpicked.map(async (o) => (await status(o)) === 'at_wms' && atShipBob(o)))).every(Boolean) ? true : undefined),
			240_000,
		);
		for (const o of unpicked) expect({ o: omsIdOf(o), stage: atShipBob(o).stage }).toEqual({ o: omsIdOf(o), stage: 'received' });

		// every one of them is cancelled on its channel; the next poll brings the changes
		for (const ch of POLLED) {
			cancelOnChannel(ch, polled[ch][0]);
			cancelOnChannel(ch, polled[ch][1]);
		}
		const held = async (o: SeedOrder) => (await flow.store.getOrder(omsIdOf(o)))?.hold?.reason === 'cancel_refused';
		await until(
			async () => `the unpicked ones cancelled and released, the picked ones held; now ${await statuses([...unpicked, ...picked])}`,
			async () => {
				for (const o of unpicked) if ((await status(o)) !== 'cancelled' || (await reserved(o)) !== 0) return undefined;
				for (const o of picked) if (!(await held(o))) return undefined;
				return true;
			},
			240_000,
		);
		for (const o of unpicked) {
			expect({ o: omsIdOf(o), stage: atShipBob(o).stage }).toEqual({ o: omsIdOf(o), stage: 'cancelled' });
			expect(wms().ordersByReference('shipbob', omsIdOf(o))).toHaveLength(1);
		}
		for (const o of picked) {
			const s = (await flow.store.getOrder(omsIdOf(o)))!;
			expect({ o: omsIdOf(o), status: s.status, detail: s.hold!.detail, reserved: await reserved(o), stage: atShipBob(o).stage }).toEqual({
				o: omsIdOf(o),
				// where the OMS last heard the order was: at the WMS, or picked should the hourly status sync have run meanwhile
				status: expect.stringMatching(/^(at_wms|picked)$/),
				detail: expect.stringMatching(/refused the cancel/),
				reserved: 2,
				stage: 'picked',
			});
		}
	});

	it('eBay, paid later (held awaiting payment above): at the WMS from the poll that brings the payment (not the hourly reconciliation)', async () => {
		const e = paidLater();
		await until(`${omsIdOf(e)} at the WMS`, async () => ((await status(e)) === 'at_wms' && atShipBob(e) ? true : undefined), 240_000);
		expect(await reserved(e)).toBe(2);
		expect(wms().ordersByReference('shipbob', omsIdOf(e))).toHaveLength(1);
	});
});

describe('afterwards', () => {
	it('ended no n8n execution in error', async () => {
		expect((await flow.n8n.executions()).length).toBeGreaterThan(0);
		expect(await failedExecutions(flow.n8n)).toEqual([]);
	});
});
