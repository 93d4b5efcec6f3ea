/**
 * Issue 8, layer 3: n8n's own editor, in headless Chromium (Debian's package, driven by playwright-core), shows the
 * intake template with every node recognised, and a gate's parameters as the node defines them.
 *
 * A real n8n 2.41 with this package gets the order-intake template (and a copy with one node type misspelled, to
 * prove the check sees an unknown node). The owner account is set up with n8n's REST API (POST /rest/owner/setup,
 * what the first-start form posts), then the test signs in through the sign-in form like a person would.
 *
 * How n8n 2.41 draws a node whose type it does not know (found by rendering one): the canvas node
 * ([data-test-id="canvas-node"], with data-node-name and data-node-type) gets a [data-test-id="node-not-installed"]
 * status icon, and its icon is a "?" placeholder instead of the node's image. A recognised node of this package
 * has its icon served from /icons/n8n-nodes-oms-wms/....
 *
 * Artifacts: artifacts/e2e/editor/canvas.png (the intake canvas), fraudGate-parameters.png (Screen for Fraud's
 * parameter panel), unknown-node.png (the misspelled copy, for comparison).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { N8n, repoRoot, type WorkflowJson } from './harness/n8n';
import { FraudGate } from '../../nodes/FraudGate/FraudGate.node';

jest.setTimeout(300_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OWNER = { email: 'ops-lead@example.com', firstName: 'Ops', lastName: 'Lead', password: 'Editor-e2e-Passw0rd' };
const out = join(repoRoot, 'artifacts', 'e2e', 'editor');
const INTAKE_ID = 'omsOrderIntake01';
const BROKEN_ID = 'omsIntakeUnknown';
const GATE = 'Screen for Fraud';

interface CanvasNode {
	name: string;
	type: string;
	/** n8n's "not installed" status icon on the node */
	notInstalled: boolean;
	/** the "?" placeholder n8n draws instead of a node icon it cannot find */
	placeholderIcon: boolean;
	iconSrc: string | null;
	/** the icon image was fetched and decoded (naturalWidth > 0) */
	iconLoaded: boolean;
}

/** Every node on the canvas, as the editor drew it. */
async function canvasNodes(page: Page): Promise<CanvasNode[]> {
	return await page.$$eval('[data-test-id="canvas-node"]', (els) =>
		els.map((el) => {
			// tsconfig has no DOM library: the image is typed by the two fields read
			const img = el.querySelector('.n8n-node-icon img') as unknown as { complete: boolean; naturalWidth: number; getAttribute(n: string): string | null } | null;
			const placeholder = [...el.querySelectorAll('.n8n-node-icon div')].some((d) => /placeholder/i.test(d.className) || (d.children.length === 0 && d.textContent?.trim() === '?'));
			return {
				name: el.getAttribute('data-node-name') ?? '',
				type: el.getAttribute('data-node-type') ?? '',
				notInstalled: el.querySelector('[data-test-id="node-not-installed"]') !== null,
				placeholderIcon: placeholder,
				iconSrc: img?.getAttribute('src') ?? null,
				iconLoaded: img ? img.complete && img.naturalWidth > 0 : false,
			};
		}),
	);
}

/** The names of nodes the editor shows as unknown, by any of the signs n8n uses. */
function unrecognised(nodes: CanvasNode[]): string[] {
	return nodes.filter((n) => n.notInstalled || n.placeholderIcon || (n.type.startsWith('n8n-nodes-oms-wms.') && !(n.iconSrc?.startsWith('/icons/n8n-nodes-oms-wms/') && n.iconLoaded))).map((n) => n.name);
}

describe('real n8n editor in headless Chromium: the intake template', () => {
	let n8n: N8n;
	let browser: Browser;
	let page: Page;
	let intake: WorkflowJson;
	let setupStatus = 0;
	const pageErrors: string[] = [];

	const openWorkflow = async (id: string, expectedNodes: number): Promise<CanvasNode[]> => {
		await page.goto(`${n8n.baseUrl}/workflow/${id}`);
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 90_000 });
		// wait until every node is drawn and every image icon has settled (loaded or failed)
		const deadline = Date.now() + 60_000;
		for (;;) {
			const nodes = await canvasNodes(page);
			const settled = await page.$$eval('[data-test-id="canvas-node"] .n8n-node-icon img', (imgs) => imgs.every((i) => (i as unknown as { complete: boolean }).complete));
			if (nodes.length === expectedNodes && settled) return nodes;
			if (Date.now() > deadline) throw new Error(`workflow ${id}: expected ${expectedNodes} nodes on the canvas, the editor drew ${nodes.length} (${nodes.map((n) => n.name).join(', ')})`);
			await page.waitForTimeout(250);
		}
	};

	beforeAll(async () => {
		mkdirSync(out, { recursive: true });
		n8n = await N8n.create({ name: 'editor' });
		intake = JSON.parse(readFileSync(join(repoRoot, 'workflows', 'order-intake.json'), 'utf8')) as WorkflowJson;
		// not published: the editor only needs the workflow, and there are no channel credentials here to activate it with
		await n8n.importWorkflow(intake, { publish: false });
		const broken = structuredClone(intake);
		broken.id = BROKEN_ID;
		broken.name = 'OMS 1: Order Intake (one node type misspelled)';
		broken.nodes.find((n) => n.name === GATE)!.type = 'n8n-nodes-oms-wms.fraudGat';
		await n8n.importWorkflow(broken, { publish: false });
		await n8n.start();

		const res = await fetch(`${n8n.baseUrl}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
		await res.arrayBuffer();
		setupStatus = res.status;

		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
		page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
		page.on('pageerror', (e) => pageErrors.push(e.message));
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
	});

	it('sets up the owner account and signs in through the sign-in form', async () => {
		expect(setupStatus).toBe(200);
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.locator('input[type="email"]').fill(OWNER.email);
		await page.locator('input[type="password"]').fill(OWNER.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin') && !url.pathname.startsWith('/setup'), { timeout: 60_000 });
		expect(new URL(page.url()).pathname).not.toMatch(/signin|setup/);
	});

	it('draws every node of the intake template recognised, with its icon, and saves the canvas', async () => {
		const expected = intake.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
		const nodes = await openWorkflow(INTAKE_ID, expected.length);
		expect(nodes.map((n) => `${n.name} | ${n.type}`).sort()).toEqual(expected.map((n) => `${n.name} | ${n.type}`).sort());
		expect(unrecognised(nodes)).toEqual([]);
		// this package's nodes are all there, each with its own icon
		expect(nodes.filter((n) => n.type.startsWith('n8n-nodes-oms-wms.')).length).toBeGreaterThanOrEqual(8);
		expect(await page.getByText(/not currently installed|Install this node/i).count()).toBe(0);
		await page.screenshot({ path: join(out, 'canvas.png') });
	});

	it('the same check finds a node whose type n8n does not know (a copy with one type misspelled)', async () => {
		const nodes = await openWorkflow(BROKEN_ID, intake.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').length);
		expect(unrecognised(nodes)).toEqual([GATE]);
		const gate = nodes.find((n) => n.name === GATE)!;
		expect({ notInstalled: gate.notInstalled, placeholderIcon: gate.placeholderIcon }).toEqual({ notInstalled: true, placeholderIcon: true });
		await page.screenshot({ path: join(out, 'unknown-node.png') });
	});

	it("opens Screen for Fraud (fraudGate) and shows the parameters the node defines; saves the panel", async () => {
		await openWorkflow(INTAKE_ID, intake.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').length);
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${GATE}"]`).dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor({ state: 'visible', timeout: 30_000 });
		// labels taken from the node's own description, so a renamed parameter fails here rather than passing blindly
		const props = new FraudGate().description.properties;
		const label = (name: string) => props.find((p) => p.name === name)?.displayName;
		for (const name of ['reviewThreshold', 'rejectThreshold']) {
			const text = label(name);
			expect(text).toBeTruthy();
			await expect(ndv.getByText(text!, { exact: true }).first().isVisible()).resolves.toBe(true);
		}
		// the template's value is shown in the field (50 points to review)
		const reviewValue = (intake.nodes.find((n) => n.name === GATE)!.parameters as { reviewThreshold: number }).reviewThreshold;
		await expect(ndv.locator('[data-test-id="parameter-input-reviewThreshold"] input').first().inputValue()).resolves.toBe(String(reviewValue));
		await expect(ndv.getByText(/not currently installed|Install this node/i).count()).resolves.toBe(0);
		await page.screenshot({ path: join(out, 'fraudGate-parameters.png') });
	});

	it('ran the editor without an uncaught page error', () => {
		expect(pageErrors).toEqual([]);
	});
});
