/**
 * Issue 17: the install path that works before the package is on the npm registry, as the docs give it, in a real
 * n8n 2.41 with a fresh user folder (no nodes folder yet):
 *
 *   npm run build && npm pack                                   (packTarball)
 *   sh deploy/install-package.sh n8n-nodes-oms-wms-<v>.tgz ~/.n8n  (what n8n's own community-package installer runs)
 *   n8n start
 *
 * Then, through the REST API n8n's editor uses: every node and credential of package.json's "n8n" section is a type n8n
 * serves (/types/nodes.json, /types/credentials.json), none reported as failed to load, and every template, read from
 * the installed package's workflows/ folder, imports as the editor imports it with every node type known.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { N8n, packageName, repoRoot, type WorkflowJson } from './harness/n8n';
import { EditorSession } from './harness/editor';

jest.setTimeout(420_000);

interface PackageJson {
	version: string;
	files: string[];
	n8n: { nodes: string[]; credentials: string[] };
	peerDependencies?: Record<string, string>;
	dependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;

/** The type names the package's built files define (dist/...js -> its class's description.name). */
function definedName(distFile: string, kind: 'node' | 'credential'): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(join(repoRoot, distFile)) as Record<string, new () => { description?: { name: string }; name?: string }>;
	const Cls = Object.values(mod).find((v) => typeof v === 'function')!;
	const instance = new Cls();
	return kind === 'node' ? instance.description!.name : instance.name!;
}

function du(dir: string): number {
	let total = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, entry.name);
		if (entry.isDirectory()) total += du(p);
		else if (entry.isFile()) total += statSync(p).size;
	}
	return total;
}

describe('install from a packed tarball into a fresh n8n, as the docs say', () => {
	let n8n: N8n;
	let editor: EditorSession;
	const installed = () => join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', packageName);

	beforeAll(async () => {
		n8n = await N8n.create({ name: 'install-tarball', install: 'tarball' });
		await n8n.start();
		editor = await EditorSession.ownerSetup(n8n);
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('installs into the nodes folder the script creates, with the runtime dependencies only (no n8n-workflow, no native build)', () => {
		// a fresh user folder has no nodes folder: the script made it, with the package.json n8n keeps there
		expect(n8n.nodesFolderBeforeInstall).toBe(false);
		expect(n8n.installLog).toMatch(new RegExp(`installed ${packageName}@${pkg.version.replace(/\./g, '\\.')} into `));
		const ledger = JSON.parse(readFileSync(join(n8n.userFolder, '.n8n', 'nodes', 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
		expect(ledger).toEqual({ name: 'installed-nodes', private: true, dependencies: { [packageName]: pkg.version } });
		// n8n provides n8n-workflow; installing the peer pulled in its native modules (147 MB)
		const modules = readdirSync(join(installed(), 'node_modules'));
		expect(modules).not.toContain('n8n-workflow');
		expect(modules).not.toContain('isolated-vm');
		for (const dep of Object.keys(pkg.dependencies ?? {})) expect(modules).toContain(dep);
		const installedPkg = JSON.parse(readFileSync(join(installed(), 'package.json'), 'utf8')) as Partial<PackageJson> & { devDependencies?: unknown };
		expect(installedPkg.peerDependencies).toBeUndefined();
		expect(installedPkg.devDependencies).toBeUndefined();
		// the whole install stays small (8 MB when written: pg and luxon)
		expect(du(join(n8n.userFolder, '.n8n', 'nodes'))).toBeLessThan(40 * 1024 * 1024);
	});

	it('ships the workflow templates in the package, next to dist/', () => {
		const shipped = readdirSync(join(installed(), 'workflows')).sort();
		const inRepo = readdirSync(join(repoRoot, 'workflows')).filter((f) => f.endsWith('.json')).sort();
		expect(shipped).toEqual(inRepo);
		expect(existsSync(join(installed(), 'dist', 'nodes'))).toBe(true);
	});

	it('loads every node and credential of package.json "n8n": the editor gets each type from n8n', async () => {
		expect(n8n.serverOutput).not.toMatch(new RegExp(`Failed to load package "${packageName}"|Skipping package`));
		const nodeTypes = (await editor.nodeTypes()).map((t) => t.name);
		const expectedNodes = pkg.n8n.nodes.map((f) => `${packageName}.${definedName(f, 'node')}`);
		expect(expectedNodes.length).toBe(pkg.n8n.nodes.length);
		expect(expectedNodes.filter((t) => !nodeTypes.includes(t))).toEqual([]);
		const credentialTypes = await editor.credentialTypes();
		const expectedCredentials = pkg.n8n.credentials.map((f) => definedName(f, 'credential'));
		expect(expectedCredentials.filter((c) => !credentialTypes.some((t) => t.name === c))).toEqual([]);
		// with their own fields (not an empty shell)
		for (const c of expectedCredentials) expect(credentialTypes.find((t) => t.name === c)!.properties.length).toBeGreaterThan(0);
	});

	it('imports every template from the installed package as the editor imports it, every node type known', async () => {
		const types = await editor.nodeTypes();
		const names = new Set(types.map((t) => t.name));
		const dir = join(installed(), 'workflows');
		const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
		expect(files.length).toBeGreaterThanOrEqual(10);
		for (const f of files) {
			const template = JSON.parse(readFileSync(join(dir, f), 'utf8')) as WorkflowJson;
			const saved = await editor.importAsEditor(template, types);
			expect({ f, name: saved.name }).toEqual({ f, name: template.name });
			expect({ f, nodes: saved.nodes.map((n) => n.name).sort() }).toEqual({ f, nodes: template.nodes.map((n) => n.name).sort() });
			expect({ f, unknown: saved.nodes.map((n) => n.type).filter((t) => !names.has(t)) }).toEqual({ f, unknown: [] });
		}
	});
});
