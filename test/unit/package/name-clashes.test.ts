/**
 * Issue 17: no credential type or node of this package is named like one of n8n's own (n8n-nodes-base and
 * @n8n/n8n-nodes-langchain), in any n8n version of test/fixtures/n8n-builtin-names.json (written from an installed
 * n8n by scripts/n8n-builtin-names.ts, so this test needs no n8n). What counts as a clash, and why: name-clashes.ts.
 * Our names come from the classes that package.json's "n8n" section lists (its dist/ paths mapped to the sources).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ICredentialType, INodeType } from 'n8n-workflow';
import type { BuiltinNames } from '../../../scripts/n8n-builtin-names';
import { findNameClashes, type OurNames, type TypeName } from './name-clashes';

const root = resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { n8n: { credentials: string[]; nodes: string[] } };
const builtin = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'n8n-builtin-names.json'), 'utf8')) as BuiltinNames;

/** dist/credentials/X.credentials.js -> credentials/X.credentials.ts */
const sourceOf = (distPath: string) => join(root, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

/** The class n8n instantiates for a listed file: the export named like the file (n8n-core's package loader does so). */
function classOf(distPath: string): new () => unknown {
	const source = sourceOf(distPath);
	if (!existsSync(source)) throw new Error(`package.json lists ${distPath}, but ${source} does not exist`);
	const className = basename(source).replace(/\.(node|credentials)\.ts$/, '');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const Class = (require(source) as Record<string, unknown>)[className];
	if (typeof Class !== 'function') throw new Error(`${source} exports no class ${className}`);
	return Class as new () => unknown;
}

function ourNames(): OurNames {
	const credentials: TypeName[] = [];
	for (const path of pkg.n8n.credentials) {
		const { name, displayName } = new (classOf(path))() as ICredentialType;
		credentials.push({ name, displayName });
	}
	const nodes: TypeName[] = [];
	for (const path of pkg.n8n.nodes) {
		const { description } = new (classOf(path))() as INodeType;
		nodes.push({ name: description.name, displayName: description.displayName });
		// n8n adds a "<name>Tool" node type for each node usable as a tool (load-nodes-and-credentials, createAiTools)
		if (description.usableAsTool) nodes.push({ name: `${description.name}Tool`, displayName: `${description.displayName} Tool` });
	}
	return { credentials, nodes };
}

/** The n8n version the package is tested against (what scripts/ensure-n8n.sh installs for the e2e suite). */
function testedN8nVersion(): string {
	const script = readFileSync(join(root, 'scripts', 'ensure-n8n.sh'), 'utf8');
	const version = /N8N_VERSION:-([0-9.]+)/.exec(script)?.[1];
	if (!version) throw new Error('scripts/ensure-n8n.sh names no default n8n version');
	return version;
}

describe('names of this package against n8n-nodes-base and @n8n/n8n-nodes-langchain', () => {
	const ours = ourNames();

	it('the fixture covers the n8n version the package is tested against, with both built-in packages', () => {
		const entry = builtin.versions[testedN8nVersion()];
		expect(entry).toBeDefined();
		expect(Object.keys(entry).sort()).toEqual(['@n8n/n8n-nodes-langchain', 'n8n-nodes-base']);
		// the names n8n's Shopify and WooCommerce nodes use, which this package defined in 0.1.0
		expect(entry['n8n-nodes-base'].credentials).toMatchObject({ shopifyApi: 'Shopify API', wooCommerceApi: 'WooCommerce API' });
		expect(entry['n8n-nodes-base'].nodes).toMatchObject({ shopify: 'Shopify', wooCommerce: 'WooCommerce' });
		expect(Object.keys(entry['n8n-nodes-base'].credentials).length).toBeGreaterThan(300);
		expect(Object.keys(entry['@n8n/n8n-nodes-langchain'].nodes).length).toBeGreaterThan(50);
	});

	it('reads every credential type and node package.json lists', () => {
		expect(ours.credentials).toHaveLength(pkg.n8n.credentials.length);
		expect(ours.credentials.map((c) => c.name)).toContain('omsShopifyApi');
		expect(ours.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['omsOrder', 'shopifyOrderTrigger']));
		expect(ours.nodes.filter((n) => !n.name.endsWith('Tool'))).toHaveLength(pkg.n8n.nodes.length);
	});

	it('has no credential type or node whose name or display name is one of n8n’s own, in any version of the fixture', () => {
		expect(findNameClashes(ours, builtin)).toEqual([]);
	});

	it('every credential type of the package is under its own "oms" prefix', () => {
		expect(ours.credentials.filter((c) => !/^oms[A-Z]/.test(c.name)).map((c) => c.name)).toEqual([]);
	});
});

describe('findNameClashes on planted clashes', () => {
	const builtinOf = (credentials: Record<string, string>, nodes: Record<string, string>, version = '2.41.1'): BuiltinNames => ({
		description: 'test',
		versions: { [version]: { 'n8n-nodes-base': { packageVersion: version, credentials, nodes } } },
	});
	const clean: OurNames = {
		credentials: [{ name: 'omsShopifyApi', displayName: 'Shopify (OMS) API' }],
		nodes: [{ name: 'omsOrder', displayName: 'OMS Order' }],
	};

	it('finds nothing when no name is shared', () => {
		expect(findNameClashes(clean, builtinOf({ shopifyApi: 'Shopify API' }, { shopify: 'Shopify' }))).toEqual([]);
	});

	it('finds a credential type named like n8n’s (the 0.1.0 shopifyApi)', () => {
		const ours = { ...clean, credentials: [{ name: 'shopifyApi', displayName: 'Shopify (OMS) API' }] };
		expect(findNameClashes(ours, builtinOf({ shopifyApi: 'Shopify API' }, {}))).toEqual(['credential type name "shopifyApi" is also defined by n8n-nodes-base (n8n 2.41.1)']);
	});

	it('finds a node type named like n8n’s, and a generated tool type named like n8n’s', () => {
		const ours = { ...clean, nodes: [{ name: 'shopify', displayName: 'Our Shopify' }, { name: 'wmsTool', displayName: 'WMS Tool' }] };
		expect(findNameClashes(ours, builtinOf({}, { shopify: 'Shopify', wmsTool: 'Their WMS Tool' }))).toEqual([
			'node type name "shopify" is also defined by n8n-nodes-base (n8n 2.41.1)',
			'node type name "wmsTool" is also defined by n8n-nodes-base (n8n 2.41.1)',
		]);
	});

	it('finds a display name n8n already shows for another type, whatever the case', () => {
		const ours = { ...clean, credentials: [{ name: 'omsShopifyApi', displayName: 'shopify api ' }] };
		expect(findNameClashes(ours, builtinOf({ shopifyApi: 'Shopify API' }, {}))).toEqual([
			'credential type "omsShopifyApi" has the display name "shopify api " of shopifyApi in n8n-nodes-base (n8n 2.41.1)',
		]);
	});

	it('checks every version of the fixture, not only the latest', () => {
		const builtin: BuiltinNames = {
			description: 'test',
			versions: {
				'2.40.0': { '@n8n/n8n-nodes-langchain': { packageVersion: '2.40.0', credentials: { omsShopifyApi: 'Old' }, nodes: {} } },
				'2.41.1': { 'n8n-nodes-base': { packageVersion: '2.41.1', credentials: {}, nodes: {} } },
			},
		};
		expect(findNameClashes(clean, builtin)).toEqual(['credential type name "omsShopifyApi" is also defined by @n8n/n8n-nodes-langchain (n8n 2.40.0)']);
	});

	it('finds a name or a display name the package itself defines twice', () => {
		const ours: OurNames = {
			credentials: [...clean.credentials, { name: 'omsShopifyApi', displayName: 'Another' }],
			nodes: [...clean.nodes, { name: 'omsReport', displayName: 'OMS Order' }],
		};
		expect(findNameClashes(ours, builtinOf({}, {}))).toEqual([
			'credential type name "omsShopifyApi" is defined 2 times by this package',
			'node types omsOrder, omsReport of this package share the display name "oms order"',
		]);
	});
});
