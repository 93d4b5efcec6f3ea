/**
 * Issue 17: the templates as an ops person imports them in n8n's editor (not the CLI), in a real n8n 2.41 against the
 * sandboxes, doing only what the templates' sticky notes say, in their order:
 *
 *   1. credentials under the names the templates expect, created first;
 *   2. every template imported as the editor imports a file (harness/editor.ts: new workflow ids, credentials matched
 *      by name, the file's settings dropped, a new path for the form);
 *   3. in OMS 1, 5, 6 and 10: Fulfil Order > Workflow > OMS 2: Fulfil Order;
 *   4. in every workflow but OMS 0: Workflow settings > Error workflow > OMS 0: Error Alert;
 *   5. publish, OMS 0 and OMS 2 first.
 *
 * n8n's server refuses to publish a caller whose Execute Workflow link is empty (naming the node and its parameter) or
 * whose sub-workflow is not published; in the order the notes give everything publishes, and an order goes from the
 * Shopify webhook through the editor-imported intake and Fulfil Order to the WMS. Nothing stops OMS 2 from being
 * unpublished afterwards: then the next order fails at Fulfil Order ("Workflow is not active and cannot be executed":
 * n8n runs only the published version of a sub-workflow for a caller that is not a manual run) and OMS 0 tells of it.
 *
 * Before step 1, what happens when the order is wrong: a template imported before its credentials exist keeps their
 * names with id null (n8n shows no warning on the canvas), cannot be published while they are missing, and is fixed by
 * saving it once the credentials exist (n8n matches the names on every save).
 */
import { join } from 'node:path';
import { N8n, type ExecutionRow } from './harness/n8n';
import { EditorSession, type SavedWorkflow } from './harness/editor';
import { fraudFormAuthorization, readTemplate, templateFiles, FRAUD_FORM_LOGIN } from './harness/templates';
import { sandboxCredentials, waitUntil } from './harness/flow';
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { generateOrders, type SeedOrder } from '../sandbox/generator';
import { openSqliteStore, type SqliteStore } from '../../lib/store/sqlite';

/** The templates whose Fulfil Order the setup's step 3 links by hand (docs/templates.md, README) */
const CALLERS = ['OMS 1: Order Intake', 'OMS 5: Channel Reconciliation', 'OMS 6: Fraud Review', 'OMS 10: Recovery and Attention'];

jest.setTimeout(600_000);

const EDI_CREDENTIALS = [
	{ name: 'EDI Warehouse (3PL)', type: 'omsEdiPartnerApi', data: { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: 'ZZ', receiverId: 'WH3PL', version: '4010', usage: 'T', expect997: true, element: '*', segment: '~', component: '>' } },
	{ name: 'EDI Retailer', type: 'omsEdiPartnerApi', data: { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: '01', receiverId: '123456789', version: '5010', usage: 'T', channel: 'acme', element: '*', segment: '~', component: ':', repetition: '^' } },
];

/** Orders the fraud rules pass: paid, standard shipping, billed where shipped, under the order-total rule. */
function plainOrders(): SeedOrder[] {
	const gen = generateOrders({ seed: 17, perChannel: 40, fraudRate: 0, channels: ['shopify'] });
	return gen.byChannel.shopify.filter(
		(o) => o.status === 'paid' && o.shippingLevel === 'standard' && o.shipTo.country === o.billTo.country && o.shipTo.name === o.billTo.name && o.lines.length <= 2 && o.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0) < 500,
	);
}

describe('real n8n: the templates imported as the editor imports them, set up as their notes say, run an order end to end', () => {
	let sb: Sandboxes;
	let n8n: N8n;
	let editor: EditorSession;
	let store: SqliteStore | undefined;
	const byName = new Map<string, SavedWorkflow>();
	const id = (name: string) => byName.get(name)!.id;
	const [orderA, orderB] = plainOrders();
	let shopifyUrl = '';

	const settled = async (workflowId: string, count: number): Promise<ExecutionRow[]> => await n8n.settledExecutions(workflowId, count, 120_000);
	const runData = async (executionId: number) =>
		(await n8n.executionData(executionId)) as { resultData: { error?: { message?: string }; lastNodeExecuted?: string; runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> } }>> } };

	beforeAll(async () => {
		sb = await startSandboxes({ ordersPerChannel: 0, seed: 17, wms: true });
		n8n = await N8n.create({ name: 'editor-import' });
		await n8n.start();
		editor = await EditorSession.ownerSetup(n8n);
	});

	afterAll(async () => {
		await store?.close();
		await n8n?.stop();
		await sb?.close();
	});

	it('the wrong order first: imported before its credentials exist, a template keeps their names (id null), n8n will not publish it, and a save once they exist fixes it', async () => {
		const early = await editor.importAsEditor(readTemplate('wms-status-sync.json'));
		const refs = early.nodes.flatMap((n) => Object.values((n.credentials ?? {}) as Record<string, { id: string | null; name: string }>));
		expect(refs.length).toBeGreaterThan(0);
		expect(refs.every((r) => r.id === null)).toBe(true);
		expect(refs.map((r) => r.name).sort()).toEqual(expect.arrayContaining(['ShipBob', 'Shopify']));
		// n8n's server refuses to publish a workflow whose credentials do not resolve
		const refused = await editor.publish(early.id);
		expect(refused.status).toBe(400);
		expect(refused.message).toMatch(/Cannot publish workflow: 2 nodes have configuration issues/);
		expect(refused.message).toMatch(/Node "Get Shipment Updates":\s+- Credential not configured: omsShipBobApi/);
		// created under the expected names afterwards, the references resolve on the next save
		await editor.createCredential('ShipBob', 'omsShipBobApi', { authType: 'token', token: 'made-up', channelId: '1', apiVersion: '2026-01', baseUrl: 'http://127.0.0.1:9' });
		const resaved = await editor.edit(early.id, () => undefined);
		const shipbob = resaved.nodes.flatMap((n) => Object.entries((n.credentials ?? {}) as Record<string, { id: string | null; name: string }>)).filter(([t]) => t === 'omsShipBobApi');
		expect(shipbob.length).toBe(2);
		expect(shipbob.every(([, r]) => typeof r.id === 'string' && r.id.length > 0)).toBe(true);
		// out of the way of the real setup below (archived workflows can be deleted)
		expect((await editor.request('POST', `/rest/workflows/${early.id}/archive`)).status).toBe(200);
		expect((await editor.request('DELETE', `/rest/workflows/${early.id}`)).status).toBe(200);
		const stray = (await editor.credentials()).find((c) => c.name === 'ShipBob')!;
		expect((await editor.request('DELETE', `/rest/credentials/${stray.id}`)).status).toBe(200);
	});

	it('1-2: credentials first, then every template imported as the editor imports a file', async () => {
		for (const c of sandboxCredentials(sb)) await editor.createCredential(c.name, c.type, c.data);
		for (const c of EDI_CREDENTIALS) await editor.createCredential(c.name, c.type, c.data);
		const credentials = await editor.credentials();
		const types = await editor.nodeTypes();
		for (const f of templateFiles()) {
			const template = readTemplate(f);
			const saved = await editor.importAsEditor(template, types);
			byName.set(saved.name, saved);
			// a new id: the file's is not kept, so a fixed sub-workflow id in a template would point nowhere
			expect(saved.id).not.toBe(template.id);
			// every credential reference resolved by name to one the user created
			for (const n of saved.nodes) {
				for (const [type, ref] of Object.entries((n.credentials ?? {}) as Record<string, { id: string | null; name: string }>)) {
					expect({ node: n.name, type, ok: credentials.some((c) => c.id === ref.id && c.type === type && c.name === ref.name) }).toEqual({ node: n.name, type, ok: true });
				}
			}
			// tags and pinned samples come along; the file's settings (its error workflow) do not
			expect(saved.tags?.map((t) => t.name)).toContain('OMS');
			expect(Object.keys(saved.pinData ?? {}).sort()).toEqual(Object.keys((template.pinData as Record<string, unknown>) ?? {}).sort());
			expect(saved.settings?.errorWorkflow).toBeUndefined();
		}
		expect([...byName.keys()].sort()).toEqual(templateFiles().map((f) => readTemplate(f).name).sort());
		// the sub-workflow links came empty, for the user to pick; the setup's step 3 names every template that has one
		expect([...byName.values()].filter((w) => w.nodes.some((n) => n.name === 'Fulfil Order')).map((w) => w.name).sort()).toEqual([...CALLERS].sort());
		for (const name of CALLERS) {
			expect(byName.get(name)!.nodes.find((n) => n.name === 'Fulfil Order')!.parameters.workflowId).toMatchObject({ value: '' });
		}
	});

	it('3-4: an empty link is a node issue n8n will not publish (the error names the node); picked in each caller, the error workflow set in each workflow', async () => {
		const refused = await editor.publish(id('OMS 1: Order Intake'));
		expect(refused.status).toBe(400);
		expect(refused.message).toContain('Node "Fulfil Order"');
		expect(refused.message).toMatch(/Missing or invalid required parameters: workflowId/);
		const fulfil = byName.get('OMS 2: Fulfil Order')!;
		for (const name of CALLERS) {
			const saved = await editor.pickSubWorkflow(id(name), 'Fulfil Order', fulfil);
			expect(saved.nodes.find((n) => n.name === 'Fulfil Order')!.parameters.workflowId).toMatchObject({ value: fulfil.id });
		}
		for (const name of byName.keys()) {
			if (name === 'OMS 0: Error Alert') continue;
			const saved = await editor.setErrorWorkflow(id(name), id('OMS 0: Error Alert'));
			expect(saved.settings?.errorWorkflow).toBe(id('OMS 0: Error Alert'));
		}
	});

	it('5: n8n will not publish a caller before OMS 2 is published; in the order the notes give, everything publishes', async () => {
		expect((await editor.publish(id('OMS 0: Error Alert'))).status).toBe(200);
		const early = await editor.publish(id('OMS 1: Order Intake'));
		expect(early.status).toBe(400);
		expect(early.message).toMatch(/references workflow .* \("OMS 2: Fulfil Order"\) which is not published/);
		const order = ['OMS 2: Fulfil Order', ...[...byName.keys()].filter((n) => !['OMS 0: Error Alert', 'OMS 2: Fulfil Order'].includes(n)).sort()];
		for (const name of order) {
			const res = await editor.publish(id(name));
			expect({ name, status: res.status, message: res.message }).toEqual({ name, status: 200, message: undefined });
		}
		expect(n8n.serverOutput).not.toMatch(/There was a problem activating/);
	});

	it('an order goes from the Shopify webhook through the editor-imported intake and Fulfil Order to the WMS', async () => {
		// stock for the order, as the first inventory sync would have loaded it
		store = await openSqliteStore(join(n8n.userFolder, '.n8n', 'oms-wms', 'oms.sqlite'));
		await store.upsertStockLevels([...orderA.lines, ...orderB.lines].map((l) => ({ sku: l.sku, onHand: 50 })));
		sb.wms!.control.seedStock(Object.fromEntries([...orderA.lines, ...orderB.lines].map((l) => [l.sku, 50])));
		const intake = await editor.getWorkflow(id('OMS 1: Order Intake'));
		shopifyUrl = n8n.webhookUrl(`${intake.nodes.find((n) => n.type === 'n8n-nodes-oms-wms.shopifyOrderTrigger')!.webhookId}/webhook`);
		await waitUntil('the intake to register its webhooks at Shopify', () => ([...sb.sandboxes.shopify.webhooks.values()].some((w) => w.uri === shopifyUrl) ? true : undefined), 60_000);
		sb.sandboxes.shopify.addOrders([orderA, orderB]);
		expect((await sb.sandboxes.shopify.deliverWebhook(orderA.id, { url: shopifyUrl })).map((d) => d.status)).toEqual([200]);

		const [run] = await settled(id('OMS 1: Order Intake'), 1);
		expect(run.status).toBe('success');
		// the order that came in, not the pinned sample (pinned data is for manual runs only)
		const trigger = (await runData(run.id)).resultData.runData['Shopify Orders'][0].data!.main[0]![0].json;
		expect(trigger.omsId).toBe(`shopify:${orderA.id}`);
		const [fulfil] = await settled(id('OMS 2: Fulfil Order'), 1);
		expect(fulfil.status).toBe('success');
		const atWms = await waitUntil(`shopify:${orderA.id} at the WMS`, () => {
			const found = sb.wms!.control.orders('shipbob');
			return found.length > 0 ? found : undefined;
		}, 60_000);
		expect(atWms.length).toBe(1);
		expect(atWms[0].lines.map((l) => l.sku).sort()).toEqual(orderA.lines.map((l) => l.sku).sort());
		expect((await store.getOrder(`shopify:${orderA.id}`))?.status).toBe('at_wms');
	});

	it('OMS 2 unpublished afterwards (n8n does not stop that): the next order fails at Fulfil Order and OMS 0 tells a person which workflow failed where and why', async () => {
		expect((await editor.request('POST', `/rest/workflows/${id('OMS 2: Fulfil Order')}/deactivate`, {})).status).toBe(200);
		expect((await sb.sandboxes.shopify.deliverWebhook(orderB.id, { url: shopifyUrl })).map((d) => d.status)).toEqual([200]);

		const runs = await settled(id('OMS 1: Order Intake'), 2);
		expect(runs[0].status).toBe('error');
		const data = await runData(runs[0].id);
		expect(data.resultData.lastNodeExecuted).toBe('Fulfil Order');
		expect(data.resultData.error?.message).toMatch(/Workflow is not active and cannot be executed/);
		// no second Fulfil Order execution, nothing more at the WMS
		expect((await n8n.executions(id('OMS 2: Fulfil Order'))).length).toBe(1);
		expect(sb.wms!.control.orders('shipbob').length).toBe(1);

		const [alert] = await settled(id('OMS 0: Error Alert'), 1);
		expect(alert).toMatchObject({ status: 'success', mode: 'error' });
		const composed = (await runData(alert.id)).resultData.runData['Compose Alert'][0].data!.main[0]![0].json;
		expect(composed).toMatchObject({ subject: 'OMS workflow failed: OMS 1: Order Intake', workflow: 'OMS 1: Order Intake', failedNode: 'Fulfil Order' });
		expect(String(composed.error)).toMatch(/not active/);
		expect(String(composed.text)).toContain(`/workflow/${id('OMS 1: Order Intake')}/executions/${runs[0].id}`);
		// recorded and screened, then stopped at the unpublished sub-workflow
		expect((await store!.getOrder(`shopify:${orderB.id}`))?.status).not.toBe('at_wms');
	});

	it('the Fraud Review form asks for the reviewers\' login, at a path of this install', async () => {
		const review = await editor.getWorkflow(id('OMS 6: Fraud Review'));
		const form = review.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger')!;
		expect(form.webhookId).toMatch(/^[0-9a-f-]{36}$/);
		expect(readTemplate('fraud-review.json').nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger')!.webhookId).toBeUndefined();
		const formUrl = `${n8n.baseUrl}/form/${form.webhookId}`;
		const anonymous = await fetch(formUrl);
		await anonymous.arrayBuffer();
		expect(anonymous.status).toBe(401);
		const wrong = await fetch(formUrl, { headers: { authorization: `Basic ${Buffer.from(`${FRAUD_FORM_LOGIN.user}:not-the-password`).toString('base64')}` } });
		await wrong.arrayBuffer();
		expect(wrong.status).toBe(401);
		const reviewer = await fetch(formUrl, { headers: { authorization: fraudFormAuthorization() } });
		expect(reviewer.status).toBe(200);
		expect(await reviewer.text()).toMatch(/Fraud review/);
	});
});
