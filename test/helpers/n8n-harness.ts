/**
 * Layer 2 test harness: runs n8n workflow JSON (as exported from the editor: nodes + connections) in-process with
 * n8n-core's WorkflowExecute, with this package's nodes loaded from nodes/<Name>/<Name>.node.ts (ts-jest compiles
 * them) and a few stand-in node types for tests. No server, no database.
 *
 * The same idea as n8n's own NodeTestHarness (packages/core/nodes-testing, not published in n8n-core), written for
 * this package: node types are resolved as `n8n-nodes-oms-wms.<description.name>`, credentials are plain data by
 * credential type, and the result gives every node's output by name.
 *
 *   const result = await runWorkflow(workflowJson, { credentials: { omsStoreApi: { mode: 'sqlite', path } } });
 *   expect(result.error).toBeUndefined();
 *   expect(outputOf(result, 'Record', 0)).toHaveLength(2);
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IRunExecutionData,
	IConnections,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';

/** The package name: node types in workflow JSON are `n8n-nodes-oms-wms.<name>`. */
export const PACKAGE_NAME = 'n8n-nodes-oms-wms';

const ROOT = path.resolve(__dirname, '../..');

// n8n-core logs every node error it reports (the run result has them anyway); keep test output readable unless the
// caller asked for a log level. Read when n8n-core first creates its logger, i.e. on the first run.
process.env.N8N_LOG_LEVEL ??= 'silent';

type AnyNodeType = INodeType | IVersionedNodeType;

/** Workflow JSON as the editor exports it (only what execution needs is required). */
export interface WorkflowJson {
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	staticData?: IDataObject | null;
	[extra: string]: unknown;
}

export interface RunWorkflowOptions {
	/** Plain (decrypted) credential data by credential type name, e.g. `{ omsStoreApi: { path: '/tmp/x.db' } }`. */
	credentials?: Record<string, Record<string, unknown>>;
	/** Extra node types by full type name (`test.double`, `n8n-nodes-oms-wms.somethingNew`). Override built-ins. */
	nodeTypes?: Record<string, AnyNodeType>;
	/** Name of the node to start from; by default the first manual trigger, else the first node with no parent. */
	startNode?: string;
	/** Items given to the start node as its input (default one empty item), e.g. a webhook trigger's output. */
	input?: INodeExecutionData[] | IDataObject[];
	/** Execution mode (default 'manual'; pollers behave as "fetch test event" in manual mode). */
	mode?: WorkflowExecuteMode;
	/** Extra credential types (by their name) for `authenticate`, parent types and preAuthentication. */
	credentialTypes?: ICredentialType[];
	/** Package root to load `n8n-nodes-oms-wms.*` node and credential types from (this package by default). */
	packageRoot?: string;
	/** Workflow static data (poll cursors); the object is updated in place by the run. */
	staticData?: IDataObject;
}

export interface RunResult {
	/** The full run as WorkflowExecute returns it. */
	run: IRun;
	/** `run.data.resultData.runData`: per node name, one ITaskData per run of that node. */
	runData: IRunData;
	/** The execution error, if the workflow stopped on one. */
	error: ExecutionError | undefined;
	/** Node names in the order they finished. */
	executionOrder: string[];
	/** The workflow's static data after the run (poll cursors). */
	staticData: IDataObject;
	status: IRun['status'];
}

// ---------------------------------------------------------------------------------------------------------------
// Stand-in node types

/** `n8n-nodes-base.manualTrigger`: starts the run and passes its input on (one empty item by default). */
export class ManualTriggerStandIn implements INodeType {
	description = {
		displayName: 'When clicking "Execute workflow"',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test stand-in for the Manual Trigger',
		defaults: { name: 'When clicking "Execute workflow"' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [items.length > 0 ? items : [{ json: {} }]];
	}
}

/** `test.itemsSource`: emits the items given in its `items` parameter (a JSON array of objects, or one object). */
export class ItemsSourceStandIn implements INodeType {
	description = {
		displayName: 'Items Source (test)',
		name: 'itemsSource',
		group: ['transform'],
		version: 1,
		description: 'Emits fixed items given as JSON',
		defaults: { name: 'Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{
				displayName: 'Items',
				name: 'items',
				type: 'json',
				default: '[]',
				description: 'JSON array of objects; each becomes one item',
			} satisfies INodeProperties,
		],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as unknown;
		const value: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
		const list = Array.isArray(value) ? value : [value];
		return [list.map((json) => ({ json: json as IDataObject, pairedItem: { item: 0 } }))];
	}
}

const BUILT_INS: Record<string, () => AnyNodeType> = {
	'n8n-nodes-base.manualTrigger': () => new ManualTriggerStandIn(),
	'test.itemsSource': () => new ItemsSourceStandIn(),
};

// ---------------------------------------------------------------------------------------------------------------
// This package's nodes and credentials, discovered from the source tree

function lowerFirst(s: string): string {
	return s.charAt(0).toLowerCase() + s.slice(1);
}

function isNodeType(value: unknown): value is AnyNodeType {
	if (typeof value !== 'object' || value === null) return false;
	const d = (value as { description?: { name?: unknown } }).description;
	return typeof d === 'object' && d !== null && typeof d.name === 'string';
}

/** Instantiates the first exported class of a module whose instance looks like `want`. */
function instantiateExports<T>(file: string, accept: (value: unknown) => value is T): T[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(file) as Record<string, unknown>;
	const found: T[] = [];
	for (const exported of Object.values(mod)) {
		if (typeof exported !== 'function') continue;
		let instance: unknown;
		try {
			instance = new (exported as new () => unknown)();
		} catch {
			continue;
		}
		if (accept(instance)) found.push(instance);
	}
	return found;
}

/**
 * Finds node and credential types in a package's source tree (nodes/<Name>/<Name>.node.ts and
 * credentials/<Name>.credentials.ts), loading each file only when needed and caching the instances.
 */
export class PackageLoader {
	private readonly nodes = new Map<string, AnyNodeType>();
	private readonly loadedNodeFiles = new Set<string>();
	private credentials: Map<string, ICredentialType> | null = null;

	constructor(readonly root: string = ROOT) {}

	private nodeFiles(): Array<{ folder: string; file: string }> {
		const dir = path.join(this.root, 'nodes');
		if (!existsSync(dir)) return [];
		const out: Array<{ folder: string; file: string }> = [];
		for (const folder of readdirSync(dir, { withFileTypes: true })) {
			if (!folder.isDirectory()) continue;
			for (const f of readdirSync(path.join(dir, folder.name))) {
				if (f.endsWith('.node.ts') || f.endsWith('.node.js')) out.push({ folder: folder.name, file: path.join(dir, folder.name, f) });
			}
		}
		return out.sort((a, b) => a.file.localeCompare(b.file));
	}

	private loadNodeFile(file: string): void {
		if (this.loadedNodeFiles.has(file)) return;
		this.loadedNodeFiles.add(file);
		for (const nodeType of instantiateExports(file, isNodeType)) {
			this.nodes.set(`${PACKAGE_NAME}.${nodeType.description.name}`, nodeType);
		}
	}

	/**
	 * A node type by full name. Loads the conventional file first (`omsOrder` from nodes/OmsOrder/), so a test only
	 * pays for, and only breaks on, the nodes it uses; scans every node file when the convention misses.
	 */
	nodeType(typeName: string): AnyNodeType | undefined {
		const cached = this.nodes.get(typeName);
		if (cached) return cached;
		if (!typeName.startsWith(`${PACKAGE_NAME}.`)) return undefined;
		const short = typeName.slice(PACKAGE_NAME.length + 1);
		const files = this.nodeFiles();
		for (const { folder, file } of files) if (lowerFirst(folder) === short) this.loadNodeFile(file);
		if (!this.nodes.has(typeName)) for (const { file } of files) this.loadNodeFile(file);
		return this.nodes.get(typeName);
	}

	/** Every node type of the package, by full name (loads every node file). */
	nodeTypes(): Map<string, AnyNodeType> {
		for (const { file } of this.nodeFiles()) this.loadNodeFile(file);
		return new Map(this.nodes);
	}

	/** The package's credential types, by name. */
	credentialTypes(): Map<string, ICredentialType> {
		if (this.credentials) return this.credentials;
		const map = new Map<string, ICredentialType>();
		const dir = path.join(this.root, 'credentials');
		if (existsSync(dir)) {
			for (const f of readdirSync(dir).sort()) {
				if (!f.endsWith('.credentials.ts') && !f.endsWith('.credentials.js')) continue;
				for (const c of instantiateExports(path.join(dir, f), isCredentialType)) map.set(c.name, c);
			}
		}
		this.credentials = map;
		return map;
	}
}

function isCredentialType(value: unknown): value is ICredentialType {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as { name?: unknown; properties?: unknown };
	return typeof v.name === 'string' && Array.isArray(v.properties);
}

const loaders = new Map<string, PackageLoader>();
/** The (cached) loader of a package root; this package by default. */
export function packageLoader(root: string = ROOT): PackageLoader {
	let l = loaders.get(root);
	if (!l) loaders.set(root, (l = new PackageLoader(root)));
	return l;
}

class HarnessNodeTypes implements INodeTypes {
	constructor(
		private readonly extra: Record<string, AnyNodeType>,
		private readonly loader: PackageLoader,
	) {}

	private readonly builtIns = new Map<string, AnyNodeType>();

	getByName(nodeType: string): AnyNodeType {
		const extra = this.extra[nodeType];
		if (extra) return extra;
		const factory = BUILT_INS[nodeType];
		if (factory) {
			let b = this.builtIns.get(nodeType);
			if (!b) this.builtIns.set(nodeType, (b = factory()));
			return b;
		}
		const found = this.loader.nodeType(nodeType);
		if (found) return found;
		throw new Error(
			`test harness: unknown node type "${nodeType}". Known: this package's nodes (${PACKAGE_NAME}.<description.name>), ` +
				`${Object.keys(BUILT_INS).join(', ')}, and opts.nodeTypes`,
		);
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials

/** Resolves `={{ $credentials.apiKey }}`-style templates of a generic `authenticate` block from plain data. */
function resolveCredentialTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string') return value;
	if (!value.startsWith('=')) return value;
	const body = value.slice(1);
	const whole = /^\{\{\s*\$credentials(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])\s*\}\}$/.exec(body);
	if (whole) return credentials[whole[1] ?? whole[2]];
	return body.replace(/\{\{\s*\$credentials(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])\s*\}\}/g, (_m, a: string, b: string) => {
		const v = credentials[a ?? b];
		return v === undefined || v === null ? '' : String(v);
	});
}

/**
 * Minimal ICredentialsHelper: plain credential data by type; `authenticate` applies the credential type's own
 * authenticate (a function, or a generic block of headers/qs/body/auth with `$credentials.x` templates).
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly data: Record<string, Record<string, unknown>>,
		private readonly types: Map<string, ICredentialType>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const parents: string[] = [];
		let current = this.types.get(name);
		while (current?.extends?.length) {
			parents.push(...current.extends);
			current = this.types.get(current.extends[0]);
		}
		return parents;
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = this.types.get(typeName);
		const options = requestOptions as IHttpRequestOptions;
		const auth = type?.authenticate;
		if (!auth) return options;
		if (typeof auth === 'function') return await auth(credentials, options);
		if (auth.type !== 'generic') return options;
		const props = auth.properties as Record<string, Record<string, unknown> | undefined>;
		const out = { ...options } as IHttpRequestOptions & Record<string, unknown>;
		for (const section of ['headers', 'qs', 'body'] as const) {
			const add = props[section];
			if (!add) continue;
			const current = (out[section] ?? {}) as Record<string, unknown>;
			const merged: Record<string, unknown> = { ...current };
			for (const [k, v] of Object.entries(add)) merged[k] = resolveCredentialTemplate(v, credentials);
			out[section] = merged as never;
		}
		if (props.auth) {
			const a = props.auth as Record<string, unknown>;
			out.auth = {
				username: String(resolveCredentialTemplate(a.username, credentials) ?? ''),
				password: String(resolveCredentialTemplate(a.password, credentials) ?? ''),
			};
		}
		return out;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.get(typeName);
		if (!type?.preAuthentication) return undefined;
		// Like n8n: run it when the credential has an expirable property that is empty, or when a request got 401.
		const expirable = type.properties.find((p) => p.typeOptions?.expirable === true);
		if (!expirable) return undefined;
		if (!credentialsExpired && credentials[expirable.name]) return undefined;
		const updated = await type.preAuthentication.call(helpers, credentials);
		Object.assign(this.data[typeName] ?? {}, updated);
		return { ...credentials, ...updated } as ICredentialDataDecryptedObject;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.get(typeName);
		if (!type?.preAuthentication) return undefined;
		return { ...credentials, ...(await type.preAuthentication.call(helpers, credentials)) } as ICredentialDataDecryptedObject;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const data = this.lookup(nodeCredentials, type);
		return {
			id: nodeCredentials.id,
			name: nodeCredentials.name,
			type,
			data: undefined,
			getData: () => data,
			getDataToSave: () => ({ id: nodeCredentials.id, name: nodeCredentials.name, type, data: '' }),
			setData: () => undefined,
		} as unknown as ICredentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		return this.lookup(nodeCredentials, type);
	}

	async updateCredentials(_n: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data[type] = { ...data };
	}

	async updateCredentialsOauthTokenData(_n: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data[type] = { ...(this.data[type] ?? {}), ...data };
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.get(type)?.properties ?? [];
	}

	private lookup(nodeCredentials: INodeCredentialsDetails, type: string): ICredentialDataDecryptedObject {
		const data = this.data[type];
		if (!data) {
			throw new Error(
				`test harness: the workflow uses credentials "${nodeCredentials.name}" of type "${type}", but runWorkflow was given none (opts.credentials.${type})`,
			);
		}
		return { ...data } as ICredentialDataDecryptedObject;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Running a workflow

function readWorkflow(workflow: WorkflowJson | string): WorkflowJson {
	if (typeof workflow !== 'string') return structuredClone(workflow);
	const file = path.isAbsolute(workflow) ? workflow : path.join(ROOT, workflow);
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

function pickStartNode(workflow: Workflow, json: WorkflowJson, wanted?: string): INode {
	if (wanted) {
		const node = workflow.getNode(wanted);
		if (!node) throw new Error(`test harness: no node named "${wanted}" in the workflow`);
		return node;
	}
	const manual = json.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger' && !n.disabled);
	if (manual) return workflow.getNode(manual.name)!;
	const hasParent = new Set<string>();
	for (const byType of Object.values(json.connections ?? {})) {
		for (const outputs of Object.values(byType)) {
			for (const conns of outputs ?? []) for (const c of conns ?? []) hasParent.add(c.node);
		}
	}
	const root = json.nodes.find((n) => !hasParent.has(n.name) && !n.disabled);
	if (!root) throw new Error('test harness: the workflow has no node to start from (give opts.startNode)');
	return workflow.getNode(root.name)!;
}

function toItems(input: RunWorkflowOptions['input']): INodeExecutionData[] {
	if (!input) return [{ json: {} }];
	return input.map((i) =>
		typeof (i as INodeExecutionData).json === 'object' && (i as INodeExecutionData).json !== null
			? (i as INodeExecutionData)
			: { json: i as IDataObject },
	);
}

let executionSeq = 0;

/**
 * Runs a workflow (JSON object, or a path relative to the package root such as `workflows/oms-to-wms.json`) with
 * n8n-core's WorkflowExecute and resolves when it has finished, successfully or not. Never throws for a node
 * error: look at `result.error` and `nodeError(result, name)`.
 */
export async function runWorkflow(workflowJson: WorkflowJson | string, opts: RunWorkflowOptions = {}): Promise<RunResult> {
	const json = readWorkflow(workflowJson);
	const loader = packageLoader(opts.packageRoot ?? ROOT);
	const nodeTypes = new HarnessNodeTypes(opts.nodeTypes ?? {}, loader);
	const staticData = opts.staticData ?? (json.staticData as IDataObject | undefined) ?? {};
	const mode: WorkflowExecuteMode = opts.mode ?? 'manual';
	const workflow = new Workflow({
		id: 'harness',
		name: json.name ?? 'harness',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		nodeTypes,
		settings: json.settings ?? { executionOrder: 'v1' },
		staticData,
	});

	const executionId = `harness-${++executionSeq}`;
	const workflowData = { id: 'harness', name: json.name ?? 'harness', nodes: json.nodes, connections: json.connections } as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName: string) => {
		executionOrder.push(nodeName);
	});

	const credentialTypes = new Map(loader.credentialTypes());
	for (const c of opts.credentialTypes ?? []) credentialTypes.set(c.name, c);
	const credentialsHelper = new HarnessCredentialsHelper(structuredClone(opts.credentials ?? {}), credentialTypes);
	const notAvailable = (what: string) => () => {
		throw new Error(`test harness: ${what} is not available`);
	};
	const additionalData = {
		credentialsHelper,
		hooks,
		executionId,
		workflowId: 'harness',
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		logAiEvent: () => undefined,
		executeWorkflow: notAvailable('Execute Workflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: notAvailable('the task runner (Code node)'),
	} as unknown as IWorkflowExecuteAdditionalData;

	const startNode = pickStartNode(workflow, json, opts.startNode);
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [{ node: startNode, data: { main: [toItems(opts.input)] }, source: null }],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const run = await workflowExecute.processRunExecutionData(workflow);
	const runData = run.data.resultData.runData;
	return {
		run,
		runData,
		error: run.data.resultData.error,
		executionOrder,
		staticData: workflow.staticData as IDataObject,
		status: run.status,
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Reading results

function taskOf(result: RunResult, nodeName: string, runIndex = 0): ITaskData {
	const runs = result.runData[nodeName];
	if (!runs || runs.length === 0) {
		const ran = Object.keys(result.runData).join(', ') || 'none';
		const why = result.error ? ` (the run stopped with: ${result.error.message})` : '';
		throw new Error(`test harness: node "${nodeName}" did not run; nodes that ran: ${ran}${why}`);
	}
	const task = runs[runIndex];
	if (!task) throw new Error(`test harness: node "${nodeName}" ran ${runs.length} time(s), no run ${runIndex}`);
	return task;
}

/** The full items (json, pairedItem, binary, error) of one output of a node. */
export function itemsOf(result: RunResult, nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] {
	const task = taskOf(result, nodeName, runIndex);
	return task.data?.main?.[outputIndex] ?? [];
}

/** The `json` of every item of one output of a node (output 0 by default). */
export function outputOf(result: RunResult, nodeName: string, outputIndex = 0, runIndex = 0): IDataObject[] {
	return itemsOf(result, nodeName, outputIndex, runIndex).map((i) => i.json);
}

/** Every output of a node as json arrays: `[output0Items, output1Items, ...]`. */
export function outputsOf(result: RunResult, nodeName: string, runIndex = 0): IDataObject[][] {
	const task = taskOf(result, nodeName, runIndex);
	return (task.data?.main ?? []).map((items) => (items ?? []).map((i) => i.json));
}

/** The error a node stopped with, if any. */
export function nodeError(result: RunResult, nodeName: string, runIndex = 0): ExecutionError | undefined {
	return result.runData[nodeName]?.[runIndex]?.error;
}

/** A workflow JSON from nodes and simple `[from, to, fromOutput?, toInput?]` edges, for tests. */
export function buildWorkflow(nodes: Array<Partial<INode> & Pick<INode, 'name' | 'type'>>, edges: Array<[string, string, number?, number?]>): WorkflowJson {
	const connections: IConnections = {};
	for (const [from, to, output = 0, input = 0] of edges) {
		const main = ((connections[from] ??= { main: [] }).main ??= []);
		while (main.length <= output) main.push([]);
		(main[output] ??= []).push({ node: to, type: 'main', index: input });
	}
	return {
		name: 'test',
		nodes: nodes.map((n, i) => ({
			id: n.id ?? `node-${i}`,
			typeVersion: 1,
			position: [i * 200, 0],
			parameters: {},
			...n,
		})) as INode[],
		connections,
		settings: { executionOrder: 'v1' },
	};
}
