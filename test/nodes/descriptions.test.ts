/**
 * What every node of the package declares in its description, checked across all nodes at once (issue 17):
 * - the OMS Store credential, written out in each node (n8n's node lint cannot read a shared constant there);
 * - the subtitle on the canvas: n8n's editor evaluates it as an expression over the node's parameters, so it is
 *   evaluated here the same way (n8n-workflow's Workflow.expression.getSimpleParameterValue, what the editor's
 *   getNodeSubtitle calls), for every option, and must show the options' display names, never their values;
 * - which nodes n8n offers to AI agents as tools (usableAsTool), and what OMS Order does as a tool.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	NodeHelpers,
	Workflow,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
} from 'n8n-workflow';
import { buildWorkflow, nodeError, outputOf, packageLoader, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';
import { omsStoreConnectionTest } from '../../nodes/shared/store';
import { OmsOrder, TOOL_OPERATIONS } from '../../nodes/OmsOrder/OmsOrder.node';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../lib/store/open';
import { STORE_NODE_TYPES } from '../../scripts/queue-mode';

const PACKAGE = 'n8n-nodes-oms-wms';
const nodes = [...packageLoader().nodeTypes().values()].map((t) => t as INodeType);
const byName = (name: string) => nodes.find((n) => n.description.name === name)!;
const description = (n: INodeType): INodeTypeDescription => n.description;
/** The node files package.json lists (n8n.nodes) */
const packageNodeFiles = (): string[] => (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { n8n: { nodes: string[] } }).n8n.nodes;

describe('every node of the package', () => {
	it('loads the fifteen nodes of the source tree', () => {
		expect(nodes.map((n) => n.description.name).sort()).toEqual(
			[
				'amazonOrderTrigger',
				'backorderGate',
				'ebayOrderTrigger',
				'edi',
				'fraudGate',
				'inventoryAllocator',
				'marketplace',
				'omsBilling',
				'omsOrder',
				'omsReturns',
				'reportBuilder',
				'shopifyOrderTrigger',
				'walmartOrderTrigger',
				'wms',
				'wooCommerceOrderTrigger',
			].sort(),
		);
	});

	// What n8n's lint rule node-filename-against-convention checked while each description sat in its .node.ts (the
	// rule is off for nodes/*/description.ts, see eslint.config.mjs): the node's name is its file's and folder's name.
	it.each(packageNodeFiles())('%s: the class in it is the node of that name', (file) => {
		const [, folder, base] = /^dist\/nodes\/([^/]+)\/([^/]+)\.node\.js$/.exec(file)!;
		expect(folder).toBe(base);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const classes = Object.values(require(join('..', '..', 'nodes', folder, `${base}.node`)) as Record<string, unknown>).filter(
			(v): v is new () => INodeType => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v)),
		);
		expect(classes.map((C) => new C().description.name)).toEqual([base[0].toLowerCase() + base.slice(1)]);
	});

	describe('the OMS Store credential', () => {
		// the nodes that open the store (nodes/shared/store.ts getStore, or the webhook triggers' record of deliveries; the
		// Marketplace node for its channel outbox)
		const storeNodes = ['backorderGate', 'edi', 'fraudGate', 'inventoryAllocator', 'marketplace', 'omsBilling', 'omsOrder', 'omsReturns', 'reportBuilder', 'shopifyOrderTrigger', 'walmartOrderTrigger', 'wms', 'wooCommerceOrderTrigger'];

		it.each(storeNodes)('%s declares it optional, tested by omsStoreConnectionTest, which the node provides', (name) => {
			const node = byName(name);
			const declared = description(node).credentials?.filter((c) => c.name === 'omsStoreApi');
			expect(declared).toEqual([{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }]);
			expect(node.methods?.credentialTest?.omsStoreConnectionTest).toBe(omsStoreConnectionTest);
		});

		it('the queue-mode deployment selects it on exactly these nodes (the Marketplace node needs it for its outbox: without it, a worker refused the embedded store)', () => {
			expect([...STORE_NODE_TYPES].sort()).toEqual(storeNodes.map((n) => `${PACKAGE}.${n}`).sort());
		});

		it('no other node declares it', () => {
			const others = nodes.filter((n) => !storeNodes.includes(n.description.name));
			expect(others.filter((n) => n.description.credentials?.some((c) => c.name === 'omsStoreApi')).map((n) => n.description.name)).toEqual([]);
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Subtitles

const nodeTypes: INodeTypes = {
	getByName: (type) => byName(type.slice(PACKAGE.length + 1)),
	getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(byName(type.slice(PACKAGE.length + 1)), version),
	getKnownTypes: () => ({}),
};

const latestVersion = (d: INodeTypeDescription) => (Array.isArray(d.version) ? Math.max(...d.version) : d.version);

/** The subtitle n8n's editor shows for a node of this type with these parameters (defaults filled in, as the editor does). */
function shownSubtitle(d: INodeTypeDescription, parameters: INodeParameters): unknown {
	const node: INode = { id: 'subtitle-test', name: d.defaults.name ?? d.displayName, type: `${PACKAGE}.${d.name}`, typeVersion: latestVersion(d), position: [0, 0], parameters };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const filled = workflow.getNode(node.name)!;
	return workflow.expression.getSimpleParameterValue(filled, d.subtitle, 'internal', {});
}

/** The options of the parameter `name` that the node shows with these parameters (one of several same-named ones). */
function shownOptions(d: INodeTypeDescription, name: string, parameters: INodeParameters): INodePropertyOptions[] {
	const node = { typeVersion: latestVersion(d) };
	const shown = d.properties.filter((p) => p.name === name && NodeHelpers.displayParameter(parameters, p, node, d));
	expect(shown).toHaveLength(1);
	return shown[0].options as INodePropertyOptions[];
}

/** How each node's subtitle is made of its parameters' display names: `{parameter}` is the chosen option's name. */
const SUBTITLES: Record<string, { template: string; parameters: string[] }> = {
	backorderGate: { template: '{operation}', parameters: ['operation'] },
	fraudGate: { template: '{operation}', parameters: ['operation'] },
	inventoryAllocator: { template: '{operation}', parameters: ['operation'] },
	omsOrder: { template: '{operation}', parameters: ['operation'] },
	omsReturns: { template: '{operation}', parameters: ['operation'] },
	omsBilling: { template: '{operation}', parameters: ['operation'] },
	reportBuilder: { template: '{report}', parameters: ['report'] },
	marketplace: { template: '{operation}: {channel}', parameters: ['channel', 'operation'] },
	edi: { template: '{operation}: {resource}', parameters: ['resource', 'operation'] },
	wms: { template: '{operation}: {resource} ({provider})', parameters: ['provider', 'resource', 'operation'] },
	amazonOrderTrigger: { template: '{emit}', parameters: ['emit'] },
	ebayOrderTrigger: { template: '{emit}', parameters: ['emit'] },
	walmartOrderTrigger: { template: '{emit}', parameters: ['emit'] },
};

/** Every combination of the listed parameters' options, each parameter's options as shown after the ones before. */
function combinations(d: INodeTypeDescription, names: string[], chosen: INodeParameters = {}): Array<{ parameters: INodeParameters; shown: Record<string, string> }> {
	if (names.length === 0) return [{ parameters: chosen, shown: {} }];
	const [name, ...rest] = names;
	return shownOptions(d, name, chosen).flatMap((option) =>
		combinations(d, rest, { ...chosen, [name]: option.value as string }).map((c) => ({ parameters: c.parameters, shown: { [name]: option.name, ...c.shown } })),
	);
}

/** Option values that are not also their own display name: what a subtitle must never show. */
function internalValues(d: INodeTypeDescription): string[] {
	const values = new Set<string>();
	const walk = (props: INodeProperties[]) => {
		for (const p of props) {
			for (const o of (p.options ?? []) as Array<INodePropertyOptions | INodeProperties>) {
				if ('value' in o && typeof o.value === 'string' && o.value !== o.name) values.add(o.value);
			}
		}
	};
	walk(d.properties);
	return [...values].filter((v) => v.length > 2);
}

const wordIn = (text: string, word: string) => new RegExp(`(^|[^A-Za-z0-9])${word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}($|[^A-Za-z0-9])`).test(text);

describe('node subtitles show display names', () => {
	it('every node has a subtitle and is listed here', () => {
		expect(nodes.filter((n) => !n.description.subtitle).map((n) => n.description.name)).toEqual([]);
		expect(Object.keys(SUBTITLES).sort()).toEqual(
			nodes
				.map((n) => n.description.name)
				.filter((n) => !['shopifyOrderTrigger', 'wooCommerceOrderTrigger'].includes(n))
				.sort(),
		);
	});

	describe.each(Object.entries(SUBTITLES))('%s', (name, { template, parameters }) => {
		const d = description(byName(name));
		const cases = combinations(d, parameters);
		const internal = internalValues(d);

		it.each(cases.map((c) => [JSON.stringify(c.parameters), c] as const))('with %s: the options’ display names', (_label, { parameters: p, shown }) => {
			const expected = template.replace(/\{(\w+)\}/g, (_m, param: string) => shown[param]);
			const subtitle = shownSubtitle(d, p);
			expect(subtitle).toBe(expected);
			expect(internal.filter((v) => wordIn(String(subtitle), v))).toEqual([]);
		});

		it('with no parameter set (a workflow saved with the defaults): the default options’ names', () => {
			const defaults = combinations(d, parameters).find((c) =>
				parameters.every((param) => c.parameters[param] === d.properties.find((p) => p.name === param && NodeHelpers.displayParameter(c.parameters, p, { typeVersion: latestVersion(d) }, d))!.default),
			)!;
			expect(shownSubtitle(d, {})).toBe(template.replace(/\{(\w+)\}/g, (_m, param: string) => defaults.shown[param]));
		});
	});

	it('the subtitles that show internal values today would be caught: routeReadiness, cancel: fromItem, syncStock', () => {
		expect(internalValues(description(byName('omsOrder')))).toContain('routeReadiness');
		expect(internalValues(description(byName('marketplace')))).toEqual(expect.arrayContaining(['cancel', 'fromItem']));
		expect(internalValues(description(byName('inventoryAllocator')))).toContain('syncStock');
		// the check finds a value the way the old subtitles showed it, and not inside a display name
		expect(wordIn('cancel: fromItem', 'fromItem')).toBe(true);
		expect(wordIn('cancel: fromItem', 'cancel')).toBe(true);
		expect(wordIn('Cancel Order or Lines: From Item', 'cancel')).toBe(false);
	});

	it.each([
		['shopifyOrderTrigger', { topics: ['orders/create', 'orders/updated', 'orders/cancelled'] }, 'Order Created, Order Updated, Order Cancelled'],
		['shopifyOrderTrigger', { topics: ['orders/cancelled'] }, 'Order Cancelled'],
		['shopifyOrderTrigger', {}, 'Order Created, Order Updated, Order Cancelled'],
		['wooCommerceOrderTrigger', { topics: ['order.updated'] }, 'Order Updated'],
		['wooCommerceOrderTrigger', {}, 'Order Created, Order Updated'],
	])('%s with %j: the chosen topics’ display names', (name, parameters, expected) => {
		const d = description(byName(name));
		const names = new Map(shownOptions(d, 'topics', {}).map((o) => [o.value, o.name]));
		expect(expected.split(', ').every((n) => [...names.values()].includes(n))).toBe(true);
		expect(shownSubtitle(d, parameters as INodeParameters)).toBe(expected);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// usableAsTool

describe('nodes offered to AI agents as tools (usableAsTool)', () => {
	it('only the nodes that read: OMS Order (as a tool: Get, Search, Timeline) and OMS Report', () => {
		expect(nodes.filter((n) => n.description.usableAsTool).map((n) => n.description.name).sort()).toEqual(['omsOrder', 'reportBuilder']);
		// the gates that route items and the actions that cancel orders or move stock are not
		for (const name of ['fraudGate', 'backorderGate', 'inventoryAllocator', 'wms', 'marketplace', 'edi']) {
			expect(byName(name).description.usableAsTool).toBeUndefined();
		}
	});

	describe('OMS Order as a tool', () => {
		// what n8n does to a node to make its tool (createAiTools: "<name>Tool"); the parameters are the node's own
		const base = new OmsOrder();
		const toolDescription: INodeTypeDescription = { ...base.description, name: 'omsOrderTool', displayName: 'OMS Order Tool' };
		const tool: INodeType = { description: toolDescription, methods: base.methods, execute: base.execute };
		const nodeOf = { typeVersion: 1 };
		const operationOptions = (d: INodeTypeDescription) =>
			(d.properties.find((p) => p.name === 'operation' && NodeHelpers.displayParameter({}, p, nodeOf, d))!.options as INodePropertyOptions[]).map((o) => o.value);

		it('offers Get, Search and Timeline only, Get by default; the node itself keeps every operation, Record by default', () => {
			expect(operationOptions(toolDescription)).toEqual(TOOL_OPERATIONS);
			expect(NodeHelpers.getNodeParameters(toolDescription.properties, {}, true, false, nodeOf, toolDescription)!.operation).toBe('get');
			expect(operationOptions(base.description)).toEqual(['addNote', 'applyChannelChange', 'attention', 'cancel', 'get', 'record', 'recover', 'release', 'routeReadiness', 'search', 'timeline', 'updateStatus']);
			expect(NodeHelpers.getNodeParameters(base.description.properties, {}, true, false, nodeOf, base.description)!.operation).toBe('record');
		});

		describe('run', () => {
			const dir = mkdtempSync(join(tmpdir(), 'oms-tool-'));
			const credentials = { omsStoreApi: { storeType: 'sqlite', sqlitePath: join(dir, 'oms.sqlite') } };
			const order = makeOrder({ channel: 'shopify', channelOrderId: '7001' });
			const omsId = `shopify:7001`;
			const run = (operation: string) =>
				runWorkflow(
					buildWorkflow(
						[
							{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
							{ name: 'Tool', type: `${PACKAGE}.omsOrderTool`, parameters: { operation, omsId }, credentials: { omsStoreApi: { id: '1', name: 'OMS Store' } } },
						],
						[['Start', 'Tool']],
					),
					{ credentials, nodeTypes: { [`${PACKAGE}.omsOrderTool`]: tool } },
				);

			let eventsBefore = 0;
			beforeAll(async () => {
				const store = await openStore(storeConfigFromCredential(credentials.omsStoreApi));
				await store.recordOrder(order, { cause: 'test' });
				eventsBefore = (await store.timeline(omsId)).length;
			});
			afterAll(async () => {
				await closeAllStores();
				rmSync(dir, { recursive: true, force: true });
			});

			it('gets an order', async () => {
				const r = await run('get');
				expect(r.error).toBeUndefined();
				expect(outputOf(r, 'Tool').map((o) => o.omsId)).toEqual([omsId]);
			});

			it.each(['cancel', 'updateStatus', 'addNote', 'record', 'routeReadiness'])('refuses %s, and the order is unchanged', async (operation) => {
				const r = await run(operation);
				expect(nodeError(r, 'Tool')?.message).toBe(`OMS Order Tool only looks orders up (Get, Search, Timeline); "${operation}" is not available to an AI agent`);
				const store = await openStore(storeConfigFromCredential(credentials.omsStoreApi));
				expect((await store.getOrder(omsId))?.status).toBe('received');
				expect(await store.timeline(omsId)).toHaveLength(eventsBefore);
			});
		});
	});
});
