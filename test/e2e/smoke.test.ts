/**
 * Proves the e2e harness on n8n's own nodes: a real n8n starts with this package linked, a workflow imported and
 * published through the CLI answers on its production webhook, and the execution is saved.
 */
import { join } from 'node:path';
import { N8n } from './harness/n8n';

jest.setTimeout(300_000);

describe('real n8n: harness smoke test with n8n-nodes-base only', () => {
	let n8n: N8n;
	let workflowId: string;

	beforeAll(async () => {
		n8n = await N8n.create({ name: 'smoke', requirePackage: false });
		const workflow = await n8n.importWorkflow(join(__dirname, 'workflows', 'smoke-base-nodes.json'));
		workflowId = workflow.id;
		await n8n.start();
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('answers the production webhook through Edit Fields and Respond to Webhook', async () => {
		const res = await n8n.postWebhook('e2e-smoke', { name: 'ops', n: 21 });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ greeting: 'hello ops', doubled: 42 });
	});

	it('saves the execution as a successful webhook run', async () => {
		const executions = await n8n.settledExecutions(workflowId, 1);
		expect(executions).toHaveLength(1);
		expect(executions[0]).toMatchObject({ workflowId, status: 'success', mode: 'webhook' });
		const data = (await n8n.executionData(executions[0].id)) as { resultData: { lastNodeExecuted: string } };
		expect(data.resultData.lastNodeExecuted).toBe('Respond to Webhook');
	});
});
