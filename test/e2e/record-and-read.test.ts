/**
 * Issue 2, layer 3: in a real n8n with this package installed as a community package, a workflow imported with
 * `n8n import:workflow` records canonical orders with omsOrder (no credential: the embedded SQLite store under
 * the n8n user folder) and reads them back. Each Record output (New, Updated, Duplicate) leads to its own
 * Respond to Webhook node that says which output fired, so the HTTP answer tells the route the order took.
 * A second workflow in the same n8n sends a batch through Record with "On Error: Continue (using error output)"
 * and the test reads the saved execution to see which output each order left on.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { N8n, repoRoot } from './harness/n8n';

jest.setTimeout(300_000);

interface Answer {
	outcome: 'new' | 'updated' | 'duplicate';
	order: Record<string, unknown> & { omsId: string };
	recordedOmsId?: string;
}

function canonicalOrder(channelOrderId: string) {
	return {
		omsId: `shopify:${channelOrderId}`,
		channel: 'shopify',
		channelOrderId,
		orderNumber: '#1001',
		placedAt: '2026-05-01T14:00:00Z',
		updatedAt: '2026-05-01T14:05:00Z',
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal: 50, shipping: 9, tax: 0, discount: 0, total: 59 },
		customer: { email: 'b@example.com', name: 'A B', phone: null, channelCustomerId: null },
		shipTo: { name: 'A B', company: null, line1: '1 Main St', line2: null, city: 'Ottawa', region: 'ON', postalCode: 'K1A 0B1', country: 'CA', phone: null },
		billTo: null,
		shipping: { level: 'standard', label: 'Standard' },
		lines: [{ lineId: '1', sku: 'SKU-1', title: 'Mug', quantity: 2, unitPrice: 25, lineTotal: 50 }],
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
		raw: { id: Number(channelOrderId.replace(/\D/g, '').slice(0, 12) || 1) },
	};
}

/** SQLite files in the n8n folder, leaving out the community packages folder (it links to this repository). */
function sqliteFilesUnder(dir: string): string[] {
	const found: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory() && !(dir.endsWith('.n8n') && entry.name === 'nodes')) found.push(...sqliteFilesUnder(path));
		else if (entry.isFile() && /\.(sqlite|db)$/.test(entry.name)) found.push(path);
	}
	return found;
}

describe('real n8n: omsOrder records an order and reads it back', () => {
	let n8n: N8n;
	let workflowId: string;
	let batchWorkflowId: string;
	// Unique per run, so that the test never depends on what an earlier run left in any store.
	const channelOrderId = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
	const order = canonicalOrder(channelOrderId);

	beforeAll(async () => {
		const built = join(repoRoot, 'dist', 'nodes', 'OmsOrder', 'OmsOrder.node.js');
		if (!existsSync(built)) throw new Error(`${built} is missing: the omsOrder node must exist and be built (npm run build)`);
		n8n = await N8n.create({ name: 'record-and-read' });
		const workflow = await n8n.importWorkflow(join(__dirname, 'workflows', 'record-and-read.json'));
		workflowId = workflow.id;
		batchWorkflowId = (await n8n.importWorkflow(join(__dirname, 'workflows', 'record-batch-errors.json'))).id;
		await n8n.start();
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	async function post(body: unknown): Promise<Answer> {
		const res = await n8n.postWebhook('oms-e2e-record', body);
		if (res.status !== 200) {
			throw new Error(`webhook answered ${res.status}: ${res.text}\n(n8n log: ${n8n.artifacts}/n8n.log)`);
		}
		return res.body as Answer;
	}

	it('loads the package under its real name', () => {
		expect(n8n.serverOutput).not.toMatch(/Unrecognized node type|Failed to load package "n8n-nodes-oms-wms"/i);
	});

	it('routes a first delivery to New, and Get returns the recorded order', async () => {
		const answer = await post(order);
		expect(answer.outcome).toBe('new');
		expect(answer.recordedOmsId).toBe(order.omsId);
		expect(answer.order).toMatchObject({
			omsId: order.omsId,
			channel: 'shopify',
			channelOrderId,
			orderNumber: '#1001',
			currency: 'USD',
			totals: order.totals,
			shipTo: expect.objectContaining({ country: 'CA', postalCode: 'K1A 0B1' }),
			lines: [expect.objectContaining({ sku: 'SKU-1', quantity: 2, unitPrice: 25, lineTotal: 50 })],
		});
	});

	it('routes the same order delivered again to Duplicate', async () => {
		const answer = await post(order);
		expect(answer.outcome).toBe('duplicate');
		expect(answer.order.omsId).toBe(order.omsId);
	});

	it('routes a newer version of the order (later updatedAt) to Updated', async () => {
		const answer = await post({ ...order, updatedAt: '2026-05-02T09:00:00Z', channelStatus: 'fulfilled' });
		expect(answer.outcome).toBe('updated');
		expect(answer.order.omsId).toBe(order.omsId);
	});

	it('saved every execution of the workflow as a success', async () => {
		const executions = await n8n.settledExecutions(workflowId, 3);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
	});

	it('writes the embedded SQLite store under the n8n user folder (no credential set)', () => {
		const found = sqliteFilesUnder(join(n8n.userFolder, '.n8n')).filter((f) => !f.endsWith(join('.n8n', 'database.sqlite')));
		expect(found).not.toEqual([]);
	});

	it('sends an invalid order of a batch to the error output with every problem, and records the others', async () => {
		const a = canonicalOrder(`${channelOrderId}1`);
		const b = canonicalOrder(`${channelOrderId}2`);
		const invalid: Record<string, unknown> = { ...canonicalOrder(`${channelOrderId}3`), currency: undefined };
		invalid.shipTo = { ...b.shipTo, country: 'Canada' };
		const res = await n8n.postWebhook('oms-e2e-batch', { orders: [a, invalid, b, a] });
		expect(res.status).toBe(200);

		const [execution] = await n8n.settledExecutions(batchWorkflowId, 1);
		expect(execution.status).toBe('success');
		const data = (await n8n.executionData(execution.id)) as {
			resultData: { runData: Record<string, Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }> | null> } }>> };
		};
		const [newOut, updatedOut, duplicateOut, errorOut] = data.resultData.runData['Record Order'][0].data.main.map((items) =>
			(items ?? []).map((item) => item.json),
		);
		expect(newOut.map((o) => o.omsId)).toEqual([a.omsId, b.omsId]);
		expect(updatedOut).toEqual([]);
		expect(duplicateOut.map((o) => o.omsId)).toEqual([a.omsId]);
		expect(errorOut).toHaveLength(1);
		// n8n 2.41 replaces the JSON of an item that carries an error with { error: message } before the error output
		// (WorkflowExecute.normalizeNodeErrors), so the message is what reaches the workflow: it must name every problem.
		const message = String(errorOut[0].error);
		expect(message).toContain(invalid.omsId as string);
		expect(message).toMatch(/currency/);
		expect(message).toMatch(/shipTo\.country/);
	});
});
