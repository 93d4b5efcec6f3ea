/**
 * n8n's REST API as its editor uses it (n8n 2.41), for end-to-end tests that do what a user does in the editor
 * without a browser: set up the owner, create credentials, import a workflow file and save it, pick a sub-workflow,
 * set the error workflow, publish.
 *
 * importAsEditor() does what *Import from File* (or from URL, or a paste) and the save that follows send: read in
 * n8n 2.41's editor source (useCanvasOperations importWorkflowData, useWorkflowSaving) and checked against the
 * requests its editor sent in headless Chromium for these templates:
 * - the workflow gets a new id (the editor's; the file's id is not used), its name, nodes, connections, pinData and
 *   tags (by name: created when missing); its settings are the new workflow's defaults, not the file's;
 * - every node gets a new id; a node with a webhook and no webhookId gets a new one (a node whose path is its
 *   webhookId gets a new one and the path with it);
 * - a credential reference whose id the instance does not know is dropped (and its name with it); one with id null
 *   is kept and matched by name and type; a node left without credentials gets the most recently updated credential
 *   of a type it shows, if there is one;
 * - POST /rest/workflows with the workflow.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { N8n, WorkflowJson } from './n8n';

export const OWNER = { email: 'ops-lead@example.com', firstName: 'Ops', lastName: 'Lead', password: 'Editor-e2e-Passw0rd' };

export interface RestResponse<T = unknown> {
	status: number;
	data: T;
	/** The error message n8n answered with (non-2xx) */
	message?: string;
}

export interface SavedWorkflow extends WorkflowJson {
	id: string;
	versionId: string;
	checksum?: string;
	activeVersionId?: string | null;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	tags?: Array<{ id: string; name: string }>;
}

interface CredentialListItem {
	id: string;
	name: string;
	type: string;
	updatedAt: string;
}

interface NodeTypeDescription {
	name: string;
	version: number | number[];
	webhooks?: unknown[];
	credentials?: Array<{ name: string; required?: boolean; displayOptions?: { show?: Record<string, unknown[]> } }>;
}

/** 16 alphanumeric characters, as n8n's editor makes workflow ids. */
function newWorkflowId(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
	return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

export class EditorSession {
	/** The body of the last POST /rest/workflows importAsEditor sent (to compare with what the editor sends). */
	lastImportBody: Record<string, unknown> | undefined;

	private constructor(
		private readonly n8n: N8n,
		private readonly cookie: string,
	) {}

	/** Sets up the owner account (what n8n's first-start form posts) and keeps its session cookie. */
	static async ownerSetup(n8n: N8n, owner = OWNER): Promise<EditorSession> {
		const res = await fetch(`${n8n.baseUrl}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) });
		const text = await res.text();
		if (res.status !== 200) throw new Error(`owner setup answered ${res.status}: ${text}`);
		const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
		if (!cookie) throw new Error('owner setup set no session cookie');
		return new EditorSession(n8n, cookie);
	}

	async request<T = unknown>(method: string, path: string, body?: unknown): Promise<RestResponse<T>> {
		const res = await fetch(`${this.n8n.baseUrl}${path}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.cookie, 'browser-id': 'oms-e2e' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON
		}
		const data = (parsed && typeof parsed === 'object' && 'data' in parsed ? (parsed as { data: unknown }).data : parsed) as T;
		const message = res.ok ? undefined : typeof parsed === 'object' && parsed && 'message' in parsed ? String((parsed as { message: unknown }).message) : text;
		return { status: res.status, data, message };
	}

	private async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
		const r = await this.request<T>(method, path, body);
		if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${r.message}`);
		return r.data;
	}

	/** The node types the editor loads (GET /types/nodes.json). */
	async nodeTypes(): Promise<NodeTypeDescription[]> {
		return await this.ok<NodeTypeDescription[]>('GET', '/types/nodes.json');
	}

	/** The credential types the editor loads (GET /types/credentials.json). */
	async credentialTypes(): Promise<Array<{ name: string; displayName: string; properties: Array<{ name: string }> }>> {
		return await this.ok('GET', '/types/credentials.json');
	}

	/** What the credential dialog saves. */
	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<{ id: string; name: string; type: string }> {
		return await this.ok('POST', '/rest/credentials', { name, type, data });
	}

	async credentials(): Promise<CredentialListItem[]> {
		return await this.ok<CredentialListItem[]>('GET', '/rest/credentials');
	}

	async getWorkflow(id: string): Promise<SavedWorkflow> {
		return await this.ok<SavedWorkflow>('GET', `/rest/workflows/${id}`);
	}

	/**
	 * Import from File and save, as the editor does it (see the file comment). Returns the saved workflow. Pass
	 * nodeTypes (from nodeTypes()) to save the request when importing many.
	 */
	async importAsEditor(file: WorkflowJson, nodeTypes?: NodeTypeDescription[]): Promise<SavedWorkflow> {
		const types = nodeTypes ?? (await this.nodeTypes());
		const typeOf = (name: string) => types.find((t) => t.name === name);
		const known = await this.credentials();
		const wf = structuredClone(file);
		for (const node of wf.nodes) {
			node.id = randomUUID();
			const params = node.parameters as Record<string, unknown>;
			if (node.webhookId && (params.path === node.webhookId || (params.options as Record<string, unknown> | undefined)?.path === node.webhookId)) {
				const fresh = randomUUID();
				if (params.path === node.webhookId) params.path = fresh;
				else (params.options as Record<string, unknown>).path = fresh;
				node.webhookId = fresh;
			}
			if (!node.webhookId && typeOf(node.type)?.webhooks?.length) node.webhookId = randomUUID();
			const creds = (node.credentials ?? {}) as Record<string, { id: string | null; name: string }>;
			for (const [type, ref] of Object.entries(creds)) {
				if (ref.id === null) {
					// matched by name and type (the editor does it before the save, n8n's server on every save)
					const byName = known.filter((c) => c.type === type && c.name === ref.name);
					if (byName.length === 1) creds[type] = { id: byName[0].id, name: byName[0].name };
				} else if (!known.some((c) => c.id === ref.id)) {
					delete creds[type];
				}
			}
			if (Object.keys(creds).length === 0) {
				const shown = (typeOf(node.type)?.credentials ?? []).filter((c) => !c.displayOptions?.show || Object.entries(c.displayOptions.show).every(([k, v]) => k.startsWith('@') || v.includes(params[k])));
				const candidates = known.filter((c) => shown.some((s) => s.name === c.type)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
				if (candidates.length > 0) creds[candidates[0].type] = { id: candidates[0].id, name: candidates[0].name };
			}
			if (Object.keys(creds).length > 0) node.credentials = creds;
			else delete node.credentials;
		}
		const tagIds: string[] = [];
		const tags = await this.ok<Array<{ id: string; name: string }>>('GET', '/rest/tags');
		for (const tag of (wf.tags as Array<{ name: string }> | undefined) ?? []) {
			const found = tags.find((t) => t.name === tag.name) ?? (await this.ok<{ id: string; name: string }>('POST', '/rest/tags', { name: tag.name }));
			if (!tags.includes(found)) tags.push(found);
			tagIds.push(found.id);
		}
		const body = {
			id: newWorkflowId(),
			name: wf.name,
			nodes: wf.nodes,
			connections: wf.connections,
			pinData: wf.pinData ?? {},
			active: false,
			settings: { executionOrder: 'v1', binaryMode: 'separate' },
			tags: tagIds,
		};
		this.lastImportBody = structuredClone(body);
		return await this.ok<SavedWorkflow>('POST', '/rest/workflows', body);
	}

	/** Save after a change (what Ctrl+S sends): the whole workflow with the version it was read at. */
	async save(wf: SavedWorkflow): Promise<SavedWorkflow> {
		const { id, name, nodes, connections, pinData, settings, versionId, checksum } = wf;
		return await this.ok<SavedWorkflow>('PATCH', `/rest/workflows/${id}`, {
			id,
			name,
			nodes,
			connections,
			pinData: pinData ?? {},
			settings,
			versionId,
			expectedChecksum: checksum,
			tags: (wf.tags ?? []).map((t) => t.id),
		});
	}

	/** Opens the workflow, changes it and saves it. */
	async edit(id: string, change: (wf: SavedWorkflow) => void): Promise<SavedWorkflow> {
		const wf = await this.getWorkflow(id);
		change(wf);
		return await this.save(wf);
	}

	/** In an Execute Workflow node: *Workflow* > From list > the sub-workflow. */
	async pickSubWorkflow(callerId: string, nodeName: string, target: { id: string; name: string }): Promise<SavedWorkflow> {
		return await this.edit(callerId, (wf) => {
			const node = wf.nodes.find((n) => n.name === nodeName);
			if (!node) throw new Error(`no node "${nodeName}" in ${wf.name}`);
			node.parameters.workflowId = { __rl: true, value: target.id, mode: 'list', cachedResultName: target.name, cachedResultUrl: `/workflow/${target.id}` };
		});
	}

	/** Workflow settings > Error workflow. */
	async setErrorWorkflow(id: string, errorWorkflowId: string): Promise<SavedWorkflow> {
		return await this.edit(id, (wf) => {
			wf.settings = { ...(wf.settings ?? {}), errorWorkflow: errorWorkflowId };
		});
	}

	/** The Publish button: POST /rest/workflows/:id/activate with the current version. */
	async publish(id: string): Promise<RestResponse<SavedWorkflow>> {
		const wf = await this.getWorkflow(id);
		return await this.request<SavedWorkflow>('POST', `/rest/workflows/${id}/activate`, { versionId: wf.versionId, expectedChecksum: wf.checksum });
	}
}
