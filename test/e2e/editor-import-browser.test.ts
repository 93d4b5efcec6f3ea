/**
 * Issue 17: harness/editor.ts importAsEditor() stands for n8n's editor in editor-import.test.ts and
 * install-tarball.test.ts. This test holds it to the real thing: every template is imported with n8n 2.41's own
 * editor in headless Chromium (the workflow menu's Import from File, on a new workflow), and the workflow the editor
 * saves (its POST /rest/workflows) is compared with what importAsEditor() sends for the same file, on what the OMS setup
 * depends on: the new workflow id, the settings that survive (the file's do not), nodes and parameters, credential
 * references (matched by name, or kept by name when missing), webhook ids (kept, or new where the file has none: the
 * form), pinned data and tags.
 */
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { NodeHelpers, type INode, type INodeParameters, type INodeTypeDescription } from 'n8n-workflow';
import { N8n, repoRoot, type WorkflowJson } from './harness/n8n';
import { EditorSession, OWNER } from './harness/editor';
import { readTemplate, templateFiles } from './harness/templates';

jest.setTimeout(600_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

type Body = { id?: string; name: string; nodes: WorkflowJson['nodes']; settings?: Record<string, unknown>; pinData?: Record<string, unknown>; tags?: string[] };

/** A node's parameters with its type's defaults filled in (the editor saves only the ones that differ from them). */
function fullParameters(node: WorkflowJson['nodes'][number], types: INodeTypeDescription[]): unknown {
	const desc = types.find((t) => t.name === node.type && (Array.isArray(t.version) ? t.version : [t.version]).includes(node.typeVersion as number));
	if (!desc) return { unknownType: node.type };
	return NodeHelpers.getNodeParameters(desc.properties, node.parameters as INodeParameters, true, false, node as unknown as INode, desc);
}

/** What the comparison looks at, ids that are random on both sides reduced to what they must be. */
function shape(body: Body, template: WorkflowJson, tagNames: Map<string, string>, types: INodeTypeDescription[]) {
	return {
		newId: typeof body.id === 'string' && body.id.length === 16 && body.id !== template.id,
		name: body.name,
		settings: body.settings,
		tags: (body.tags ?? []).map((t) => tagNames.get(t) ?? `unknown tag ${t}`).sort(),
		pinData: Object.keys(body.pinData ?? {}).sort(),
		nodes: body.nodes
			.map((n) => {
				const fromFile = template.nodes.find((t) => t.name === n.name);
				return {
					name: n.name,
					type: n.type,
					typeVersion: n.typeVersion,
					parameters: fullParameters(n, types),
					newNodeId: n.id !== fromFile?.id,
					credentials: Object.fromEntries(Object.entries((n.credentials ?? {}) as Record<string, { id: string | null; name: string }>).map(([type, ref]) => [type, { name: ref.name, resolved: ref.id !== null }])),
					webhookId: n.webhookId === undefined ? 'none' : n.webhookId === fromFile?.webhookId ? 'kept' : 'new',
				};
			})
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}

describe("n8n's editor imports each template as harness/editor.ts says it does", () => {
	let n8n: N8n;
	let editor: EditorSession;
	let browser: Browser;
	let context: BrowserContext;
	let types: INodeTypeDescription[];

	beforeAll(async () => {
		n8n = await N8n.create({ name: 'editor-import-browser' });
		await n8n.start();
		editor = await EditorSession.ownerSetup(n8n);
		types = (await editor.nodeTypes()) as unknown as INodeTypeDescription[];
		// some of the credentials the templates expect (the others stay missing: both cases are compared)
		await editor.createCredential('Shopify', 'omsShopifyApi', { shopDomain: 'oms-e2e.myshopify.com', authType: 'accessToken', accessToken: 'made-up', webhookSecret: 'made-up', apiVersion: '2026-01' });
		await editor.createCredential('ShipBob', 'omsShipBobApi', { authType: 'token', token: 'made-up', channelId: '1', apiVersion: '2026-01' });
		await editor.createCredential('Fraud Review Form', 'httpBasicAuth', { user: 'reviewer', password: 'made-up' });
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
		context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
		const page = await context.newPage();
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.locator('input[type="email"]').fill(OWNER.email);
		await page.locator('input[type="password"]').fill(OWNER.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin') && !url.pathname.startsWith('/setup'), { timeout: 60_000 });
		await page.close();
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
	});

	it.each(templateFiles())('%s', async (file) => {
		const template = readTemplate(file);
		// a page of its own for each template: nothing a previous import left open (a dialog, a pending save) carries over
		const page = await context.newPage();
		try {
			await page.goto(`${n8n.baseUrl}/workflow/new`);
			// the canvas is drawn once the new workflow is ready to take an import
			await page.waitForSelector('.vue-flow', { state: 'attached', timeout: 60_000 });
			await page.waitForSelector('[data-test-id="workflow-import-input"]', { state: 'attached', timeout: 60_000 });
			const saved = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/rest/workflows', { timeout: 90_000 });
			await page.setInputFiles('[data-test-id="workflow-import-input"]', join(repoRoot, 'workflows', file));
			// the import is done when its nodes are on the canvas
			await page.waitForSelector('.vue-flow__node', { state: 'attached', timeout: 60_000 });
			// the editor saves a new workflow on its own after an import (autosave); if it has not after a while, the
			// save button does what a user would do (a busy machine can delay the autosave, not change what it sends)
			const fallback = page
				.waitForTimeout(8000)
				.then(async () => {
					const button = page.locator('[data-test-id="workflow-save-button"]');
					if ((await button.isVisible()) && (await button.isEnabled())) await button.click();
				})
				.catch(() => undefined);
			const request = await Promise.race([saved, fallback.then(() => saved)]);
			const byEditor = request.postDataJSON() as Body;
			await editor.importAsEditor(template);
			const byHarness = editor.lastImportBody as Body;
			const tags = new Map(((await editor.request<Array<{ id: string; name: string }>>('GET', '/rest/tags')).data).map((t) => [t.id, t.name]));
			expect(shape(byHarness, template, tags, types)).toEqual(shape(byEditor, template, tags, types));
		} finally {
			await page.close();
		}
	});
});
