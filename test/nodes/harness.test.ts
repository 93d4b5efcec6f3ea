import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialType,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { buildWorkflow, itemsOf, nodeError, outputOf, outputsOf, packageLoader, runWorkflow } from '../helpers/n8n-harness';

/** Test-only node: doubles `n`; results below `limit` go to output Small, the rest to Large. */
class DoubleNode implements INodeType {
	description = {
		displayName: 'Double (test)',
		name: 'double',
		group: ['transform'],
		version: 1,
		description: 'Doubles n',
		defaults: { name: 'Double' },
		inputs: ['main'],
		outputs: ['main', 'main'],
		outputNames: ['Small', 'Large'],
		properties: [{ displayName: 'Limit', name: 'limit', type: 'number', default: 10 }],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const small: INodeExecutionData[] = [];
		const large: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				const n = items[i].json.n;
				if (typeof n !== 'number') {
					throw new NodeOperationError(this.getNode(), `n must be a number, got ${JSON.stringify(n)}`, { itemIndex: i });
				}
				const limit = this.getNodeParameter('limit', i) as number;
				const out = { json: { n, doubled: n * 2 }, pairedItem: { item: i } };
				(out.json.doubled < limit ? small : large).push(out);
			} catch (error) {
				if (this.continueOnFail()) {
					small.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [small, large];
	}
}

const nodeTypes = { 'test.double': new DoubleNode() };

function workflow(items: unknown[], doubleExtra: Record<string, unknown> = {}) {
	return buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			{ name: 'Double', type: 'test.double', parameters: { limit: 10 }, ...doubleExtra },
			{ name: 'Double again', type: 'test.double', parameters: { limit: 100 } },
		],
		[
			['Start', 'Items'],
			['Items', 'Double'],
			['Double', 'Double again', 1],
		],
	);
}

describe('n8n harness (WorkflowExecute in-process)', () => {
	it('runs a workflow through both outputs with pairedItem', async () => {
		const result = await runWorkflow(workflow([{ n: 1 }, { n: 7 }, { n: 3 }, { n: 50 }]), { nodeTypes });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executionOrder).toEqual(['Start', 'Items', 'Double', 'Double again']);
		expect(outputOf(result, 'Items')).toEqual([{ n: 1 }, { n: 7 }, { n: 3 }, { n: 50 }]);
		expect(outputsOf(result, 'Double')).toEqual([
			[
				{ n: 1, doubled: 2 },
				{ n: 3, doubled: 6 },
			],
			[
				{ n: 7, doubled: 14 },
				{ n: 50, doubled: 100 },
			],
		]);
		expect(itemsOf(result, 'Double', 1).map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 3 }]);
		// the second node got only the Large output (7 and 50), and routes it by its own limit of 100
		expect(itemsOf(result, 'Double again', 0)).toHaveLength(1);
		expect(outputOf(result, 'Double again', 0)).toEqual([{ n: 7, doubled: 14 }]);
		expect(outputOf(result, 'Double again', 1)).toEqual([{ n: 50, doubled: 100 }]);
		expect(itemsOf(result, 'Double again', 1)[0].pairedItem).toEqual({ item: 1 });
	});

	it('stops the workflow on an item error by default, and reports it', async () => {
		const result = await runWorkflow(workflow([{ n: 1 }, { n: 'x' }]), { nodeTypes });
		expect(result.error?.message).toBe('n must be a number, got "x"');
		expect(nodeError(result, 'Double')?.message).toBe('n must be a number, got "x"');
		expect(result.runData['Double again']).toBeUndefined();
		expect(() => outputOf(result, 'Double again')).toThrow(/did not run.*n must be a number/);
	});

	it('continues with the error as an item when the node is set to continue (regular output)', async () => {
		const result = await runWorkflow(workflow([{ n: 1 }, { n: 'x' }, { n: 9 }], { onError: 'continueRegularOutput' }), { nodeTypes });
		expect(result.error).toBeUndefined();
		expect(outputOf(result, 'Double', 0)).toEqual([{ n: 1, doubled: 2 }, { error: 'n must be a number, got "x"' }]);
		expect(itemsOf(result, 'Double', 0).map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(outputOf(result, 'Double', 1)).toEqual([{ n: 9, doubled: 18 }]);
	});

	it("routes error items to n8n's error output when the node is set to use it", async () => {
		const result = await runWorkflow(workflow([{ n: 'x' }, { n: 2 }], { onError: 'continueErrorOutput' }), { nodeTypes });
		expect(result.error).toBeUndefined();
		const [small, large, errors] = outputsOf(result, 'Double');
		expect(small).toEqual([{ n: 2, doubled: 4 }]);
		expect(large).toEqual([]);
		// n8n puts the input item's json on the error output, with the error message added
		expect(errors).toEqual([{ n: 'x', error: 'n must be a number, got "x"' }]);
		expect(itemsOf(result, 'Double', 2)[0].pairedItem).toEqual({ item: 0 });
	});

	it('feeds given input items to the start node of a workflow read from a JSON file', async () => {
		const wf = buildWorkflow([{ name: 'Double', type: 'test.double', parameters: { limit: 5 } }], []);
		const dir = mkdtempSync(path.join(tmpdir(), 'harness-wf-'));
		try {
			const file = path.join(dir, 'double.json');
			writeFileSync(file, JSON.stringify(wf));
			const result = await runWorkflow(file, { nodeTypes, input: [{ n: 1 }, { n: 4 }] });
			expect(outputsOf(result, 'Double')).toEqual([[{ n: 1, doubled: 2 }], [{ n: 4, doubled: 8 }]]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('names an unknown node type clearly', async () => {
		const wf = buildWorkflow(
			[
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Nope', type: 'n8n-nodes-oms-wms.doesNotExist' },
			],
			[['Start', 'Nope']],
		);
		await expect(runWorkflow(wf)).rejects.toThrow(/unknown node type "n8n-nodes-oms-wms.doesNotExist"/);
	});
});

/** Test-only node that calls an API with its credential, through n8n's request helper. */
class WhoAmINode implements INodeType {
	description = {
		displayName: 'Who am I (test)',
		name: 'whoAmI',
		group: ['transform'],
		version: 1,
		description: 'Calls GET /me with the testApi credential',
		defaults: { name: 'Who am I' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'testApi', required: true }],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const creds = await this.getCredentials<{ baseUrl: string; apiKey: string }>('testApi');
		const body = (await this.helpers.httpRequestWithAuthentication.call(this, 'testApi', {
			method: 'GET',
			url: `${creds.baseUrl}/me`,
			json: true,
		})) as Record<string, unknown>;
		return [[{ json: { ...body, baseUrl: creds.baseUrl }, pairedItem: { item: 0 } }]];
	}
}

const testApi: ICredentialType = {
	name: 'testApi',
	displayName: 'Test API',
	properties: [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
	],
	authenticate: { type: 'generic', properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}', Authorization: '=Bearer {{ $credentials.apiKey }}' } } },
};

describe('n8n harness: credentials and package nodes', () => {
	const server = createServer((req, res) => {
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ path: req.url, key: req.headers['x-api-key'] ?? null, authorization: req.headers.authorization ?? null }));
	});
	let baseUrl = '';
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});

	const wf = () =>
		buildWorkflow(
			[
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Who am I', type: 'test.whoAmI', credentials: { testApi: { id: '1', name: 'My test API' } } },
			],
			[['Start', 'Who am I']],
		);

	it("gives nodes the plain credential data and applies the credential type's authenticate", async () => {
		const result = await runWorkflow(wf(), {
			nodeTypes: { 'test.whoAmI': new WhoAmINode() },
			credentialTypes: [testApi],
			credentials: { testApi: { baseUrl, apiKey: 'k-123' } },
		});
		expect(result.error).toBeUndefined();
		expect(outputOf(result, 'Who am I')).toEqual([{ path: '/me', key: 'k-123', authorization: 'Bearer k-123', baseUrl }]);
	});

	it('says which credential is missing', async () => {
		const result = await runWorkflow(wf(), { nodeTypes: { 'test.whoAmI': new WhoAmINode() }, credentialTypes: [testApi] });
		expect(result.error?.message).toMatch(/credentials "My test API" of type "testApi".*opts\.credentials\.testApi/);
	});

	it('loads n8n-nodes-oms-wms.<name> node types from a package source tree', async () => {
		const root = mkdtempSync(path.join(tmpdir(), 'harness-pkg-'));
		try {
			mkdirSync(path.join(root, 'nodes', 'Echo'), { recursive: true });
			writeFileSync(
				path.join(root, 'nodes', 'Echo', 'Echo.node.js'),
				`class Echo {
					constructor() {
						this.description = { displayName: 'Echo', name: 'echo', group: ['transform'], version: 1, description: 'Echo',
							defaults: { name: 'Echo' }, inputs: ['main'], outputs: ['main'],
							properties: [{ displayName: 'Tag', name: 'tag', type: 'string', default: 'none' }] };
					}
					async execute() {
						const items = this.getInputData();
						return [items.map((item, i) => ({ json: { ...item.json, tag: this.getNodeParameter('tag', i) }, pairedItem: { item: i } }))];
					}
				}
				module.exports = { Echo };`,
			);
			expect([...packageLoader(root).nodeTypes().keys()]).toEqual(['n8n-nodes-oms-wms.echo']);
			const result = await runWorkflow(
				buildWorkflow(
					[
						{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
						{ name: 'Items', type: 'test.itemsSource', parameters: { items: '[{"a":1},{"a":2}]' } },
						{ name: 'Echo', type: 'n8n-nodes-oms-wms.echo', parameters: { tag: 't' } },
					],
					[
						['Start', 'Items'],
						['Items', 'Echo'],
					],
				),
				{ packageRoot: root },
			);
			expect(outputOf(result, 'Echo')).toEqual([
				{ a: 1, tag: 't' },
				{ a: 2, tag: 't' },
			]);
			expect(itemsOf(result, 'Echo').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});
});

/** Test-only polling trigger: emits the numbers after its cursor in static data, then moves the cursor. */
class CounterPollNode implements INodeType {
	description = {
		displayName: 'Counter (test)',
		name: 'counterPoll',
		group: ['trigger'],
		version: 1,
		description: 'Emits the next numbers',
		defaults: { name: 'Counter' },
		polling: true,
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Batch', name: 'batch', type: 'number', default: 2 }],
	} as unknown as INodeTypeDescription;

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const data = this.getWorkflowStaticData('node');
		const from = typeof data.cursor === 'number' ? data.cursor : 0;
		const batch = this.getNodeParameter('batch') as number;
		data.cursor = from + batch;
		return [Array.from({ length: batch }, (_v, i) => ({ json: { n: from + i + 1 } }))];
	}
}

/** Test-only webhook trigger: in a workflow run it passes on what the webhook produced (the harness input). */
class HookNode implements INodeType {
	description = {
		displayName: 'Hook (test)',
		name: 'hook',
		group: ['trigger'],
		version: 1,
		description: 'Webhook',
		defaults: { name: 'Hook' },
		inputs: [],
		outputs: ['main'],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hook' }],
		properties: [],
	} as unknown as INodeTypeDescription;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return { workflowData: [[{ json: this.getBodyData() }]] };
	}
}

describe('n8n harness: triggers', () => {
	const polling = () =>
		buildWorkflow(
			[
				{ name: 'Counter', type: 'test.counterPoll', parameters: { batch: 3 } },
				{ name: 'Double', type: 'test.double', parameters: { limit: 100 } },
			],
			[['Counter', 'Double']],
		);

	it('runs a polling trigger as the start node and keeps its cursor in static data between runs', async () => {
		const staticData = {};
		const nodeTypes2 = { ...nodeTypes, 'test.counterPoll': new CounterPollNode() };
		const first = await runWorkflow(polling(), { nodeTypes: nodeTypes2, staticData });
		expect(first.error).toBeUndefined();
		expect(outputOf(first, 'Counter')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
		expect(outputOf(first, 'Double')).toEqual([
			{ n: 1, doubled: 2 },
			{ n: 2, doubled: 4 },
			{ n: 3, doubled: 6 },
		]);
		const second = await runWorkflow(polling(), { nodeTypes: nodeTypes2, staticData: first.staticData });
		expect(outputOf(second, 'Counter')).toEqual([{ n: 4 }, { n: 5 }, { n: 6 }]);
		expect(second.staticData).toEqual({ 'node:Counter': { cursor: 6 } });
	});

	it('starts a workflow at a webhook trigger with the given request output', async () => {
		const wf = buildWorkflow(
			[
				{ name: 'Hook', type: 'test.hook' },
				{ name: 'Double', type: 'test.double', parameters: { limit: 100 } },
			],
			[['Hook', 'Double']],
		);
		const result = await runWorkflow(wf, { nodeTypes: { ...nodeTypes, 'test.hook': new HookNode() }, input: [{ n: 21 }] });
		expect(result.error).toBeUndefined();
		expect(outputOf(result, 'Hook')).toEqual([{ n: 21 }]);
		expect(outputOf(result, 'Double')).toEqual([{ n: 21, doubled: 42 }]);
	});
});
