/**
 * Issue 24, in a real n8n with the templates: a sale's new quantity is not ordered behind its WMS push.
 *
 * ShipBob holds the order's create call and does not answer it until the test says so (the sandbox's `slow` fault with
 * a hold), and Send to WMS's timeout is set far beyond the test's own wait, so while the test waits the WMS push stays
 * unanswered. A Shopify sale goes through OMS 1 (intake) into OMS 2 (Fulfil Order); its new quantity must reach every
 * other channel (Amazon, eBay, Walmart, WooCommerce) while the WMS call is still out. Before this change Publish
 * Quantities ran after Send to WMS, so nothing reached the channels until the WMS answered. Then the WMS answers and
 * the order is at the WMS once.
 */
import { join } from 'node:path';
import { N8n } from './harness/n8n';
import { loadTemplate, sandboxCredentials, waitUntil } from './harness/flow';
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { openSqliteStore, type SqliteStore } from '../../lib/store/sqlite';
import { CATALOG, generateOrders, type SeedOrder } from '../sandbox/generator';

jest.setTimeout(600_000);

/** A plain order the fraud rules pass, one unit of one SKU */
function sale(): SeedOrder {
	const o = generateOrders({ seed: 24, perChannel: 1, fraudRate: 0, channels: ['shopify'] }).byChannel.shopify![0];
	return { ...o, status: 'paid', shippingLevel: 'standard', lines: [{ ...o.lines[0], sku: CATALOG[0].sku, quantity: 1 }], fraud: [], customer: { ...o.customer, email: 'qty-before-wms@example.com', firstOrder: false } };
}

describe('real n8n: a sale’s quantities reach the channels while its WMS push is still unanswered', () => {
	let sb: Sandboxes;
	let n8n: N8n;
	let store: SqliteStore;
	let shopifyUrl = '';

	beforeAll(async () => {
		sb = await startSandboxes({ ordersPerChannel: 0, seed: 24, wms: { shipbob: { rateLimit: false } } });
		sb.wms!.control.seedStock(Object.fromEntries(CATALOG.map((c) => [c.sku, 1000])));
		n8n = await N8n.create({ name: 'quantity-before-wms' });
		await n8n.importCredentials(sandboxCredentials(sb));
		const intake = loadTemplate('order-intake.json');
		// the pollers are not part of this test
		for (const n of intake.nodes) if (['amazonOrderTrigger', 'ebayOrderTrigger', 'walmartOrderTrigger'].some((t) => n.type.endsWith(t))) n.disabled = true;
		const fulfil = loadTemplate('fulfil-order.json');
		// the WMS push waits for ShipBob's answer far longer than this test waits for the channels
		const push = fulfil.nodes.find((n) => n.name === 'Send to WMS')!;
		push.parameters = { ...push.parameters, options: { ...((push.parameters.options as object) ?? {}), timeoutMs: 3_600_000 } };
		for (const wf of [loadTemplate('error-alert.json'), fulfil, intake]) await n8n.importWorkflow(wf);
		await n8n.start();
		shopifyUrl = n8n.webhookUrl(`${intake.nodes.find((n) => n.type === 'n8n-nodes-oms-wms.shopifyOrderTrigger')!.webhookId}/webhook`);
		store = await openSqliteStore(join(n8n.userFolder, '.n8n', 'oms-wms', 'oms.sqlite'));
		await store.upsertStockLevels(CATALOG.map((c) => ({ sku: c.sku, onHand: 1000 })));
		// n8n activates published workflows in the background after start-up: the Shopify trigger's webhook answers a
		// CORS preflight once it is registered
		await waitUntil('the Shopify webhook registered', async () => {
			const res = await fetch(shopifyUrl, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1', 'access-control-request-method': 'POST' } }).catch(() => null);
			await res?.arrayBuffer();
			return res?.status === 204 ? true : undefined;
		}, 120_000, 200);
	});

	afterAll(async () => {
		await store?.close();
		await n8n?.stop();
		await sb?.close();
	});

	it('every other channel has the new quantity before ShipBob has answered the order’s create call', async () => {
		const o = sale();
		const sku = o.lines[0].sku;
		let answerWms!: () => void;
		const wmsAnswered = new Promise<void>((r) => (answerWms = r));
		let wmsCalled = false;
		sb.wms!.control.fault({ provider: 'shipbob', match: 'POST /2026-01/order', kind: 'slow', hold: () => ((wmsCalled = true), wmsAnswered) });
		const s = sb.sandboxes;
		const quantities = () => ({
			amazon: s.amazon.received.listings.filter((l) => l.sku === sku).length,
			ebay: s.ebay.received.quantities.filter((q) => JSON.stringify(q).includes(sku)).length,
			walmart: s.walmart.received.inventory.filter((q) => q.sku === sku || JSON.stringify(q).includes(sku)).length,
			// WooCommerce's batch names products by id
			woocommerce: s.woocommerce.received.batches.filter((b) => ((b.body as { update?: Array<{ id?: number }> }).update ?? []).some((u) => s.woocommerce.products.get(Number(u.id))?.sku === sku)).length,
		});
		sb.sandboxes.shopify.addOrders([o]);
		// the intake answers Shopify after its execution; not awaited: its Fulfil Order waits for the WMS
		const delivered = sb.deliverWebhook('shopify', o, { url: shopifyUrl }).catch(() => []);
		await waitUntil(
			() => `the quantity of ${sku} at every channel while the WMS push is out: ${JSON.stringify(quantities())}, WMS called: ${wmsCalled}`,
			() => (Object.values(quantities()).every((n) => n > 0) ? true : undefined),
			120_000,
			100,
		);
		// the WMS push (queued after the quantities, or already out) is asked once and stays unanswered until the test
		// answers it: the quantities above did not wait for it
		await waitUntil('the WMS push', () => (wmsCalled ? true : undefined), 120_000, 100);
		expect(sb.wms!.control.calls({ provider: 'shipbob', method: 'POST' })).toHaveLength(1);
		const owed = await store.listChannelCalls({ kind: 'quantity' });
		expect(new Set(owed.filter((c) => c.sku === sku).map((c) => c.channel))).toEqual(new Set(['amazon', 'ebay', 'walmart', 'woocommerce', 'shopify']));
		answerWms();
		await waitUntil('the order at the WMS', () => (sb.wms!.control.orders('shipbob').some((w) => w.reference === `shopify:${o.id}`) ? true : undefined), 120_000);
		await delivered;
		expect(sb.wms!.control.orders('shipbob').filter((w) => w.reference === `shopify:${o.id}`)).toHaveLength(1);
	});
});
