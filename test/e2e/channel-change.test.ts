/**
 * A channel's changes after intake, in a real n8n running the shipped templates (OMS 1: Order Intake's Updated ->
 * Apply Channel Change branch) against the Shopify and ShipBob sandboxes: a cancel before the WMS has the order (its
 * units released, its pending delivery never sent), a cancel at the WMS (cancelled there first, then released), a
 * cancel after pick (the WMS refuses: held for a person, units still reserved), and a payment that arrives later (at
 * the WMS within the same intake run, not at the hourly reconciliation). The WMS sandbox's clock stands still
 * (timeScale 0) unless the test moves it, so which stage each order is in is the test's choice, not the machine's.
 * Waits are deadline-driven (waitUntil): conditions, never durations.
 */
import { generateOrders, type SeedOrder } from '../sandbox/generator';
import { failedExecutions, startFlow, waitUntil, type Flow } from './harness/flow';

jest.setTimeout(15 * 60_000);

let flow: Flow;
const omsIdOf = (o: SeedOrder) => `shopify:${o.id}`;
let orders: SeedOrder[];

beforeAll(async () => {
	flow = await startFlow({
		name: 'channel-change',
		perChannel: 1,
		seed: 20,
		fraudRate: 0,
		// nothing on a schedule moves these orders: what moves them is the channel's webhooks (the WMS status sync and
		// the reconciliation run hourly; the inventory sync only counts stock)
		schedules: { wmsStatusSyncSec: 3600, inventorySyncSec: 30, reconciliationMin: 60 },
		wmsTimeScale: 0,
	});
	// four plain Shopify orders of one well-stocked SKU, to different addresses (no fraud rule is near)
	const sku = ['MUG-CER-11', 'MUG-CER-15'].find((s) => s !== flow.scarce.sku)!;
	const gen = generateOrders({ seed: 2020, perChannel: 4, fraudRate: 0, from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() - 60_000).toISOString() });
	orders = (gen.byChannel.shopify ?? []).slice(0, 4).map((o, i) => ({ ...o, id: `cc${i}${o.id}`, status: i === 3 ? 'pending' : 'paid', fraud: [], lines: [{ ...o.lines[0], sku, quantity: 2 }] }));
	expect(orders).toHaveLength(4);
	flow.sb.sandboxes.shopify.addOrders(orders);
});

afterAll(async () => {
	await flow?.close();
});

const shopify = () => flow.sb.sandboxes.shopify;
const wms = () => flow.sb.wms!.control;
const status = async (o: SeedOrder) => (await flow.store.getOrder(omsIdOf(o)))?.status;
const reserved = async (o: SeedOrder) => (await flow.store.activeReservations(omsIdOf(o))).reduce((s, r) => s + r.quantity, 0);
const atShipBob = (o: SeedOrder) => wms().ordersByReference('shipbob', omsIdOf(o))[0];
const until = <T>(what: string, probe: () => Promise<T | undefined>) => waitUntil(what, probe, 120_000);

it('cancelled before the WMS has it (ShipBob refuses creates for now, the delivery waits): released, and the delivery is never sent', async () => {
	const [a] = orders;
	// only order creation fails (503): the schedules' reads of ShipBob go on answering
	wms().fault({ provider: 'shipbob', match: 'POST /2026-01/order', kind: '503', times: Infinity });
	try {
		await shopify().deliverWebhook(a.id, { topic: 'orders/create' });
		// waiting after its first attempt (attempts counted when it ends): the cancel finds no send in flight
		await until(`${omsIdOf(a)} ready with its delivery waiting after a failed attempt`, async () => {
			const d = await flow.store.getDelivery(omsIdOf(a), 1);
			return (await status(a)) === 'ready' && d?.status === 'pending' && d.attempts >= 1 ? true : undefined;
		});
		expect(await reserved(a)).toBe(2);
		await shopify().cancelOrder(a.id);
		await until(`${omsIdOf(a)} cancelled, nothing reserved, its delivery failed`, async () =>
			(await status(a)) === 'cancelled' && (await reserved(a)) === 0 && (await flow.store.getDelivery(omsIdOf(a), 1))?.status === 'failed' ? true : undefined,
		);
	} finally {
		wms().clearFaults();
	}
	expect(atShipBob(a)).toBeUndefined();
});

it('cancelled at the WMS before pick: cancelled at ShipBob first, then released; after pick: refused, held for a person', async () => {
	const [, b, c] = orders;
	// b reaches ShipBob and is picked there (the OMS has not heard yet); c reaches ShipBob after, unpicked
	await shopify().deliverWebhook(b.id, { topic: 'orders/create' });
	await until(`${omsIdOf(b)} at the WMS`, async () => ((await status(b)) === 'at_wms' ? true : undefined));
	wms().setCancelRefusedFrom('shipbob', 'picked');
	wms().advance(61_000);
	expect(atShipBob(b).stage).toBe('picked');
	await shopify().deliverWebhook(c.id, { topic: 'orders/create' });
	await until(`${omsIdOf(c)} at the WMS`, async () => ((await status(c)) === 'at_wms' ? true : undefined));

	await shopify().cancelOrder(c.id);
	await until(`${omsIdOf(c)} cancelled with nothing reserved`, async () => ((await status(c)) === 'cancelled' && (await reserved(c)) === 0 ? true : undefined));
	expect(atShipBob(c).stage).toBe('cancelled');

	await shopify().cancelOrder(b.id);
	const held = await until(`${omsIdOf(b)} held (cancel refused)`, async () => {
		const s = await flow.store.getOrder(omsIdOf(b));
		return s?.hold?.reason === 'cancel_refused' ? s : undefined;
	});
	// where the OMS last heard the order was: at the WMS, or picked should the hourly status sync have run meanwhile
	expect(held.status).toMatch(/^(at_wms|picked)$/);
	expect(held.hold!.detail).toMatch(/refused the cancel/);
	expect(await reserved(b)).toBe(2);
	expect(atShipBob(b).stage).toBe('picked');
});

it('paid later: at the WMS from the payment’s own webhook (not the hourly reconciliation)', async () => {
	const d = orders[3];
	await shopify().deliverWebhook(d.id, { topic: 'orders/create' });
	await until(`${omsIdOf(d)} held awaiting payment`, async () => ((await flow.store.getOrder(omsIdOf(d)))?.hold?.reason === 'awaiting_payment' ? true : undefined));
	await shopify().markPaid(d.id);
	// the reconciliation runs hourly here: reaching the WMS within the wait proves the intake's own run took it there
	await until(`${omsIdOf(d)} at the WMS`, async () => ((await status(d)) === 'at_wms' && atShipBob(d) ? true : undefined));
	expect(await reserved(d)).toBe(2);
});

it('ended no n8n execution in error', async () => {
	expect((await flow.n8n.executions()).length).toBeGreaterThan(0);
	expect(await failedExecutions(flow.n8n)).toEqual([]);
});
