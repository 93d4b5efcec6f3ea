/**
 * Issue 20, in a real n8n with the templates: a WMS delivery that fails for good reaches a person and is sent once.
 *
 * A Shopify order without a city goes through OMS 1 (intake) and OMS 2 (Fulfil Order); ShipBob refuses it (422, "The
 * City field is required"). The order is held (wms_failed) with ShipBob's words; OMS 10's digest (every few seconds
 * here) mails it to the SMTP sink the "OMS SMTP" credential points at; the buyer's address is fixed on Shopify (a newer
 * version through the intake); a person releases it (OMS Order > Release, here behind a small webhook workflow); OMS 3's
 * Retry Pending sends it, once, under the same reference.
 */
import { join } from 'node:path';
import { N8n, type WorkflowJson } from './harness/n8n';
import { loadTemplate, sandboxCredentials, waitUntil } from './harness/flow';
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { openSqliteStore, type SqliteStore } from '../../lib/store/sqlite';
import { generateOrders, type SeedOrder } from '../sandbox/generator';

/** An order the fraud rules pass (paid, standard shipping, billed where shipped, small), as in editor-import.test.ts */
function plainOrder(): SeedOrder {
	const gen = generateOrders({ seed: 20, perChannel: 40, fraudRate: 0, channels: ['shopify'] });
	const o = gen.byChannel.shopify!.find(
		(x) => x.status === 'paid' && x.shippingLevel === 'standard' && x.shipTo.country === x.billTo.country && x.shipTo.name === x.billTo.name && x.lines.length <= 2 && x.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0) < 500,
	)!;
	return { ...o, id: `${o.id}9`, shipTo: { ...o.shipTo, city: '' } };
}

jest.setTimeout(600_000);

/** The release a person makes, as a workflow: POST { omsId } -> OMS Order > Release */
const RELEASE_HOOK = 'e2e-release-wms-hold';
const RELEASE: WorkflowJson = {
	id: 'e2eReleaseHold01',
	name: 'E2E: Release',
	active: false,
	settings: { executionOrder: 'v1' },
	connections: { Webhook: { main: [[{ node: 'Release', type: 'main', index: 0 }]] } },
	nodes: [
		{ id: 'a1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: '3f6b1e2a-9c1d-4e8f-a7b2-5d4c3b2a1f00', parameters: { httpMethod: 'POST', path: RELEASE_HOOK, responseMode: 'lastNode', options: {} } },
		{ id: 'a2', name: 'Release', type: 'n8n-nodes-oms-wms.omsOrder', typeVersion: 1, position: [256, 0], parameters: { operation: 'release', omsId: '={{ $json.body.omsId }}', author: 'e2e ops', note: 'city added on Shopify' } },
	],
} as unknown as WorkflowJson;

describe('real n8n: a WMS delivery failed for good is held, mailed, released and sent once', () => {
	let sb: Sandboxes;
	let n8n: N8n;
	let store: SqliteStore;
	let shopifyUrl = '';

	beforeAll(async () => {
		sb = await startSandboxes({ ordersPerChannel: 1, seed: 20, wms: { shipbob: { rateLimit: false } } });
		n8n = await N8n.create({ name: 'wms-failed-attention' });
		await n8n.importCredentials(sandboxCredentials(sb));
		const every = (wf: WorkflowJson, seconds: number, match: (name: string) => boolean = () => true) => {
			for (const n of wf.nodes) if (n.type === 'n8n-nodes-base.scheduleTrigger' && match(n.name)) n.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: seconds }] };
			return wf;
		};
		// the templates as shipped, schedules shortened: WMS Status Sync (Retry Pending) every 5 s, the digest every 3 s;
		// the recovery sweep keeps its 5 minutes (this test must show the outbox, not the sweep, sending)
		const files = ['error-alert.json', 'fulfil-order.json', 'order-intake.json', 'wms-status-sync.json', 'recovery-attention.json'];
		const imported: WorkflowJson[] = [];
		for (const f of files) {
			let wf = loadTemplate(f);
			if (wf.id === 'omsWmsStatusSync') wf = every(wf, 5);
			if (wf.id === 'omsRecoverAttn01') wf = every(wf, 3, (name) => name === 'Every 15 Minutes');
			imported.push(await n8n.importWorkflow(wf));
		}
		await n8n.importWorkflow(RELEASE);
		await n8n.start();
		const intake = imported.find((w) => w.id === 'omsOrderIntake01')!;
		shopifyUrl = n8n.webhookUrl(`${intake.nodes.find((n) => n.type === 'n8n-nodes-oms-wms.shopifyOrderTrigger')!.webhookId}/webhook`);
		store = await openSqliteStore(join(n8n.userFolder, '.n8n', 'oms-wms', 'oms.sqlite'));
	});

	afterAll(async () => {
		await store?.close();
		await n8n?.stop();
		await sb?.close();
	});

	it('holds the refused order with ShipBob\'s words, mails it in the digest, and after Release sends it exactly once', async () => {
		const shopify = sb.sandboxes.shopify;
		const o = plainOrder();
		shopify.addOrders([o]);
		sb.wms!.control.seedStock(Object.fromEntries(o.lines.map((l) => [l.sku, 100])));
		const omsId = `shopify:${o.id}`;
		// stock in the OMS store, so Reserve allocates the lines (the inventory sync is not part of this test)
		await store.upsertStockLevels(o.lines.map((l) => ({ sku: l.sku, onHand: 100 })));
		expect((await shopify.deliverWebhook(o.id, { url: shopifyUrl, topic: 'orders/create' })).map((d) => d.status)).toEqual([200]);

		// held for a person, with the WMS's words, in the same transaction as the failure
		const held = await waitUntil(`${omsId} held for its failed WMS delivery`, async () => {
			const s = await store.getOrder(omsId);
			return s?.status === 'on_hold' ? s : undefined;
		}, 120_000);
		expect(held.hold).toMatchObject({ reason: 'wms_failed', detail: expect.stringMatching(/City/) });
		expect(await store.getDelivery(omsId, 1)).toMatchObject({ status: 'failed', reference: omsId });
		expect(sb.wms!.control.orders('shipbob').filter((w) => w.reference === omsId)).toHaveLength(0);

		// mailed: OMS 10's digest reaches the SMTP sink (credential "OMS SMTP"), naming the order and ShipBob's words
		const isDigest = (m: { subject: string; text: string }) => /^OMS: \d+ new things? needs? attention/.test(m.subject) && m.text.includes(omsId);
		const mail = await sb.smtp.waitFor(isDigest, 120_000);
		expect(mail.text).toMatch(/WMS Delivery Failed/);
		expect(mail.text).toMatch(/City/);
		expect(mail.to).toEqual(['ops@example.com']);
		// listed once: later digests (new since last run) do not mail it again
		const digestRuns = (await n8n.executions('omsRecoverAttn01')).length;
		await waitUntil('two more digest runs', async () => ((await n8n.executions('omsRecoverAttn01')).length >= digestRuns + 2 ? true : undefined), 60_000);
		expect(sb.smtp.mails.filter(isDigest)).toHaveLength(1);
		// and OMS 0 mailed the failed Fulfil Order execution (the WMS node stops on the refusal)
		expect(sb.smtp.mails.filter((m) => m.subject === 'OMS workflow failed: OMS 2: Fulfil Order').length).toBeGreaterThanOrEqual(1);

		// the cause is fixed on the channel: the newer version reaches the store (the order stays held)
		shopify.touch(o.id, { shipTo: { ...o.shipTo, city: 'Ottawa' } });
		expect((await shopify.deliverWebhook(o.id, { url: shopifyUrl, topic: 'orders/updated' })).map((d) => d.status)).toEqual([200]);
		await waitUntil(`${omsId} with its city`, async () => ((await store.getOrder(omsId))?.order.shipTo?.city === 'Ottawa' ? true : undefined), 60_000);
		expect((await store.getOrder(omsId))!.status).toBe('on_hold');

		// released by a person; sent by Retry Pending, once
		const released = await n8n.postWebhook(RELEASE_HOOK, { omsId });
		expect(released.status).toBe(200);
		expect(released.body).toMatchObject({ omsId, oms: { changed: true, requeued: [omsId] } });
		await waitUntil(`${omsId} at the WMS`, async () => ((await store.getOrder(omsId))?.status === 'at_wms' ? true : undefined), 120_000);
		const syncRuns = (await n8n.executions('omsWmsStatusSync')).length;
		await waitUntil('two more WMS status sync runs', async () => ((await n8n.executions('omsWmsStatusSync')).length >= syncRuns + 2 ? true : undefined), 60_000);
		expect(sb.wms!.control.orders('shipbob').filter((w) => w.reference === omsId)).toHaveLength(1);
		expect(await store.getDelivery(omsId, 1)).toMatchObject({ status: 'sent', reference: omsId });
		// a second release is refused and sends nothing
		const again = await n8n.postWebhook(RELEASE_HOOK, { omsId });
		expect(again.status).toBe(500);
		expect(sb.wms!.control.orders('shipbob').filter((w) => w.reference === omsId)).toHaveLength(1);
		// nothing owed any more for it
		expect((await store.getOrder(omsId))!.hold).toBeNull();
	});
});
