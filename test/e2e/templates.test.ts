/**
 * Issue 8, layer 3: in a real n8n 2.41 with this package installed, every template under workflows/ imports with
 * n8n's own CLI (its sub-workflow links picked as a user picks them: harness/templates.ts), publishes, and activates at
 * start-up with its credentials pointing at the sandboxes: no activation
 * error in the server log, every workflow stored as active, the intake's Shopify and WooCommerce triggers
 * registered at their sandboxes, and the inventory sync (its schedule shortened for the test) runs the WMS stock
 * into the OMS store without an error; the daily report (schedule shortened, file path moved into the n8n user's
 * ~/.n8n-files, the only folder n8n 2.x lets nodes write to by default) writes its HTML page; OMS 10 (its channel-call
 * schedule shortened) sends a quantity push left owed in the outbox.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { N8n, repoRoot, type CredentialJson, type WorkflowJson } from './harness/n8n';
import { forCliImport, fraudFormCredential, returnsFormCredential } from './harness/templates';
import { quickFeeds, startSandboxes, type Sandboxes } from '../sandbox/start';
import { SANDBOX_CREDENTIALS as WMS_CREDENTIALS } from '../sandbox/wms';
import { openSqliteStore, type SqliteStore } from '../../lib/store/sqlite';

jest.setTimeout(420_000);

const dir = join(repoRoot, 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function credentials(sb: Sandboxes): CredentialJson[] {
	const c = sb.credentials;
	return [
		{ id: 'omsShopifyCred01', name: 'Shopify', type: 'omsShopifyApi', data: { shopDomain: c.shopify.shopDomain, authType: 'accessToken', accessToken: c.shopify.accessToken, webhookSecret: c.shopify.appSecret, apiVersion: c.shopify.apiVersion, baseUrl: c.shopify.baseUrl } },
		{ id: 'omsWooCommCred01', name: 'WooCommerce', type: 'omsWooCommerceApi', data: { storeUrl: c.woocommerce.storeUrl, consumerKey: c.woocommerce.consumerKey, consumerSecret: c.woocommerce.consumerSecret, baseUrl: c.woocommerce.baseUrl } },
		{ id: 'omsAmazonCred001', name: 'Amazon SP-API', type: 'omsAmazonSpApi', data: { ...c.amazon, marketplaceIds: c.amazon.marketplaceIds.join(',') } },
		{ id: 'omsEbayCred00001', name: 'eBay', type: 'omsEbayApi', data: { ...c.ebay } },
		{ id: 'omsWalmartCred01', name: 'Walmart', type: 'omsWalmartApi', data: { ...c.walmart } },
		{ id: 'omsShipBobCred01', name: 'ShipBob', type: 'omsShipBobApi', data: { authType: 'token', token: WMS_CREDENTIALS.shipbob.token, channelId: String(WMS_CREDENTIALS.shipbob.channelId), apiVersion: '2026-01', baseUrl: sb.wmsUrls!.shipbob } },
		// the EDI templates' trading partners (no API behind them: files in folders)
		{ id: 'omsEdiWhPartner1', name: 'EDI Warehouse (3PL)', type: 'omsEdiPartnerApi', data: { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: 'ZZ', receiverId: 'WH3PL', version: '4010', usage: 'T', expect997: true, element: '*', segment: '~', component: '>' } },
		{ id: 'omsEdiRtPartner1', name: 'EDI Retailer', type: 'omsEdiPartnerApi', data: { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: '01', receiverId: '123456789', version: '5010', usage: 'T', channel: 'acme', element: '*', segment: '~', component: ':', repetition: '^' } },
		// the templates' Send Email nodes, pointed at the sandboxes' SMTP sink
		{ id: 'omsSmtpCred00001', name: 'OMS SMTP', type: 'smtp', data: { ...c.smtp } },
		fraudFormCredential(),
		// OMS 11's two forms (a return by hand, a receipt) ask for the login of the "Returns Form" credential
		returnsFormCredential(),
	];
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

describe('real n8n: every workflow template imports, publishes and activates', () => {
	let n8n: N8n;
	let sb: Sandboxes;
	let store: SqliteStore | undefined;
	const imported: WorkflowJson[] = [];
	// the harness sets HOME to the user folder, so n8n's default ~/.n8n-files is under it
	const reportFile = () => join(n8n.userFolder, '.n8n-files', 'orders-by-source.html');

	beforeAll(async () => {
		sb = await startSandboxes({ ordersPerChannel: 2, seed: 8, wms: true });
		// the inventory sync pushes the whole catalogue (by feed on Amazon and Walmart): feeds in seconds, not minutes
		quickFeeds(sb);
		sb.wms!.control.seedStock({ 'MUG-CER-11': 40, 'CAP-NVY': 12 });
		n8n = await N8n.create({ name: 'templates' });
		await n8n.importCredentials(credentials(sb));
		for (const f of files) {
			const wf = forCliImport(JSON.parse(readFileSync(join(dir, f), 'utf8')) as WorkflowJson);
			// The inventory sync runs every 15 minutes; here every 5 seconds, so that one run is seen.
			if (wf.id === 'omsInventorySync') {
				for (const n of wf.nodes) if (n.type === 'n8n-nodes-base.scheduleTrigger') n.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 5 }] };
			}
			if (wf.id === 'omsRecoverAttn01') {
				// OMS 10's retry of owed channel calls every 5 s instead of 5 minutes (recovery and the digest keep theirs)
				for (const n of wf.nodes) if (n.name === 'Every 5 Minutes, Channel Calls') n.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 5 }] };
			}
			if (wf.id === 'omsDailyReport01') {
				for (const n of wf.nodes) {
					if (n.type === 'n8n-nodes-base.scheduleTrigger') n.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 5 }] };
					if (n.type === 'n8n-nodes-base.readWriteFile') n.parameters.fileName = reportFile();
					// the folder must exist (Read/Write Files from Disk does not create it), as the sticky note says
					mkdirSync(join(n8n.userFolder, '.n8n-files'), { recursive: true });
				}
			}
			imported.push(await n8n.importWorkflow(wf));
		}
		await n8n.start();
	});

	afterAll(async () => {
		await store?.close();
		await n8n?.stop();
		await sb?.close();
	});

	it('imported all twelve with the ids they carry', () => {
		expect(imported.map((w) => w.id).sort()).toEqual(['omsChannelRecon1', 'omsDailyReport01', 'omsEdiRetailer01', 'omsEdiWarehouse1', 'omsErrorAlert001', 'omsFraudReview01', 'omsFulfilOrder01', 'omsInventorySync', 'omsOrderIntake01', 'omsRecoverAttn01', 'omsReturns000011', 'omsWmsStatusSync']);
	});

	it('registered the intake webhooks at Shopify and WooCommerce on activation', async () => {
		const intake = imported.find((w) => w.id === 'omsOrderIntake01')!;
		const hook = (type: string) => n8n.webhookUrl(`${intake.nodes.find((n) => n.type === type)!.webhookId}/webhook`);
		const shopifyUrl = hook('n8n-nodes-oms-wms.shopifyOrderTrigger');
		const wooUrl = hook('n8n-nodes-oms-wms.wooCommerceOrderTrigger');
		const topics = await waitFor('Shopify subscriptions', () => {
			const t = [...sb.sandboxes.shopify.webhooks.values()].filter((w) => w.uri === shopifyUrl).map((w) => w.topic);
			return t.length === 3 ? t.sort() : undefined;
		});
		expect(topics).toEqual(['ORDERS_CANCELLED', 'ORDERS_CREATE', 'ORDERS_UPDATED']);
		await waitFor('WooCommerce subscriptions', () => ([...sb.sandboxes.woocommerce.webhooks.values()].filter((w) => w.delivery_url === wooUrl).length === 2 ? true : undefined));
	});

	it('ran the inventory sync: WMS stock levels into the OMS store, without an error', async () => {
		const runs = await waitFor('an inventory sync run', async () => {
			const rows = await n8n.executions('omsInventorySync');
			return rows.some((r) => r.status === 'success') ? rows : undefined;
		});
		expect(runs.some((r) => r.status === 'success')).toBe(true);
		store = await openSqliteStore(join(n8n.userFolder, '.n8n', 'oms-wms', 'oms.sqlite'));
		const stock = await waitFor('the stock rows', async () => {
			const rows = await store!.query<{ sku: string }>('SELECT sku FROM stock ORDER BY sku');
			return rows.length >= 2 ? rows.map((r) => r.sku) : undefined;
		}, 30_000);
		expect(stock).toEqual(expect.arrayContaining(['CAP-NVY', 'MUG-CER-11']));
		const all = await n8n.executions('omsInventorySync');
		expect(all.filter((r) => r.status === 'error')).toEqual([]);
	});

	it('OMS 10 retries a call owed to a channel on its schedule: a quantity push left pending reaches Shopify once', async () => {
		// a SKU no order and no WMS stock names, so nothing but OMS 10's Retry Channel Calls can send its push
		const shopify = sb.sandboxes.shopify;
		const before = new Set(shopify.inventory.keys());
		shopify.addCatalogItems(['OWED-CALL-1'], 0);
		const gid = [...shopify.inventory.keys()].find((k) => !before.has(k))!;
		const [{ call }] = await store!.enqueueChannelCalls([{ kind: 'quantity', channel: 'shopify', sku: 'OWED-CALL-1', quantity: 17 }]);
		expect(call.status).toBe('pending');
		const sent = await waitFor('the owed push sent', async () => {
			const c = await store!.findChannelCall({ channel: 'shopify', sku: 'OWED-CALL-1' });
			return c?.status === 'sent' ? c : undefined;
		});
		expect(sent).toMatchObject({ id: call.id, attempts: 1, lastError: null });
		expect(shopify.inventory.get(gid)).toBe(17);
		const runs = await n8n.executions('omsRecoverAttn01');
		expect(runs.filter((r) => r.status === 'error')).toEqual([]);
	});

	it('ran the daily report: the HTML page by source is written as a file', async () => {
		await waitFor('a daily report run', async () => ((await n8n.executions('omsDailyReport01')).some((r) => r.status !== 'running' && r.status !== 'new') ? true : undefined));
		const runs = await n8n.executions('omsDailyReport01');
		const errors: string[] = [];
		for (const r of runs.filter((x) => x.status === 'error')) {
			const data = (await n8n.executionData(r.id)) as { resultData?: { error?: { message?: string; description?: string }; lastNodeExecuted?: string } };
			errors.push(`${data.resultData?.lastNodeExecuted}: ${data.resultData?.error?.message} ${data.resultData?.error?.description ?? ''}`);
		}
		expect(errors).toEqual([]);
		await waitFor('the report file', () => (existsSync(reportFile()) ? true : undefined), 30_000);
		expect(readFileSync(reportFile(), 'utf8')).toMatch(/<html[\s\S]*<\/html>/i);
		// and mailed its summary through the "OMS SMTP" credential (the sandboxes' SMTP sink), the files attached
		const mail = await sb.smtp.waitFor((m) => m.subject.startsWith('Orders by channel: '), 30_000);
		expect(mail.to).toEqual(['ops@example.com']);
		expect(mail.raw).toMatch(/orders-by-source\.html/);
	});

	it('logged no activation problem for any template', () => {
		expect(n8n.serverOutput).not.toMatch(/There was a problem activating|Workflow cannot run on this instance|could not be activated/i);
		expect(n8n.serverOutput).not.toMatch(/Unrecognized node type|Unknown node type/i);
	});
});
