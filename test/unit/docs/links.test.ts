/**
 * Every documentation link resolves: relative links and anchors in README.md and docs/**, every node's codex
 * documentation link (nodes/<Name>/<Name>.node.json), every credential's documentationUrl, and every docs/ page a
 * source file names. The checker itself is tested on planted links first, so a checker that passes everything fails
 * here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ICredentialType } from 'n8n-workflow';
import { checkMarkdownFiles, checkUrl, diskRepo, documentationFiles, extractLinks, githubSlug, headingAnchors, memoryRepo } from './links';

const ROOT = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { homepage: string; n8n: { nodes: string[]; credentials: string[] } };
/** The project's GitHub URL: package.json's homepage without its #readme */
const REPO = pkg.homepage.replace(/#.*$/, '');
const repo = diskRepo(ROOT);

describe('the link checker', () => {
	it('slugs headings as GitHub does', () => {
		expect(githubSlug('Upgrading from 0.1.0')).toBe('upgrading-from-010');
		expect(githubSlug('What made the difference: n8n’s expression isolates')).toBe('what-made-the-difference-n8ns-expression-isolates');
		expect(githubSlug('OMS Order (`omsOrder`)')).toBe('oms-order-omsorder');
		expect(githubSlug('Store reservations (bench:store)')).toBe('store-reservations-benchstore');
		expect(githubSlug('A [linked](x.md) **bold** heading_name')).toBe('a-linked-bold-heading_name');
		expect(githubSlug('Stock → WMS -- ok')).toBe('stock--wms----ok');
		expect([...headingAnchors('# A\n## A\n### A\n```\n# not a heading\n```\n## B <a id="x"></a>')]).toEqual(['a', 'a-1', 'a-2', 'b', 'x']);
	});

	it('finds links outside code, and not inside it', () => {
		const md = [
			'See [a](a.md#x), ![img](i.png "t") and <https://example.com/p>.',
			'Bare https://example.org/q, then `[not](a link)` and `https://not.example`.',
			'[ref]: b.md',
			'```',
			'[in code](c.md)',
			'```',
		].join('\n');
		expect(extractLinks(md)).toEqual([
			{ url: 'a.md#x', line: 1 },
			{ url: 'i.png', line: 1 },
			{ url: 'https://example.com/p', line: 1 },
			{ url: 'https://example.org/q', line: 2 },
			{ url: 'b.md', line: 3 },
		]);
	});

	it('catches planted broken links and anchors, and passes the good ones', () => {
		const fs = memoryRepo({
			'README.md': '# Project\n## Upgrading from 0.1.0\n',
			'docs/a.md': [
				'# Page A',
				'## Same',
				'## Same',
				'good: [b](b.md), [b heading](b.md#heading-b), [self](#same-1), [up](../README.md#upgrading-from-010), [folder](./)',
				`good: [repo](${REPO}), [readme anchor](${REPO}#project), [blob](${REPO}/blob/main/docs/b.md#heading-b), [tree](${REPO}/tree/main/docs), [issue](${REPO}/issues/17), [vendor](https://shopify.dev/docs/api)`,
				'bad: [missing file](missing.md)',
				'bad: [missing anchor](b.md#no-such-heading)',
				'bad: [self anchor](#same-2)',
				'bad: [outside](../../shared/reference/x.md)',
				`bad: [repo file](${REPO}/blob/main/docs/none.md), [repo anchor](${REPO}/blob/main/docs/b.md#nope), [readme anchor](${REPO}#nope)`,
				'bad: [malformed](https://exa..mple.com/x), [no host](https://nohost/x), [ftp](ftp://example.com/x)',
			].join('\n'),
			'docs/b.md': '# Heading B\n',
		});
		const problems = checkMarkdownFiles(fs, REPO, ['README.md', 'docs/a.md', 'docs/b.md']);
		expect(problems.map((p) => [p.where, p.link])).toEqual([
			['docs/a.md:6', 'missing.md'],
			['docs/a.md:7', 'b.md#no-such-heading'],
			['docs/a.md:8', '#same-2'],
			['docs/a.md:9', '../../shared/reference/x.md'],
			['docs/a.md:10', `${REPO}/blob/main/docs/none.md`],
			['docs/a.md:10', `${REPO}/blob/main/docs/b.md#nope`],
			['docs/a.md:10', `${REPO}#nope`],
			['docs/a.md:11', 'https://exa..mple.com/x'],
			['docs/a.md:11', 'https://nohost/x'],
			['docs/a.md:11', 'ftp://example.com/x'],
		]);
		expect(problems.find((p) => p.link === 'b.md#no-such-heading')!.problem).toBe('anchor #no-such-heading is not a heading of docs/b.md');
		expect(problems.find((p) => p.link.startsWith('../../'))!.problem).toMatch(/outside the repository/);
		expect(checkUrl(fs, REPO, 'nodes/X/X.node.json', `${REPO}/blob/main/docs/b.md#heading-b`)).toBeNull();
		expect(checkUrl(fs, REPO, 'nodes/X/X.node.json', `${REPO}/blob/main/docs/channels.md#amazon`)).toBe('docs/channels.md does not exist');
	});
});

describe('README.md and docs/', () => {
	const files = documentationFiles(ROOT);

	it('has the pages other work links to', () => {
		for (const page of ['docs/README.md', 'docs/templates.md', 'docs/operations.md', 'docs/concepts.md', 'docs/architecture.md', 'docs/benchmarks.md', 'docs/testing.md']) {
			expect(files).toContain(page);
		}
	});

	it('every link resolves: files, folders, headings, the project URL; other sites are well formed', () => {
		expect(checkMarkdownFiles(repo, REPO, files)).toEqual([]);
	});
});

describe('in-editor documentation links', () => {
	const nodeDirs = readdirSync(join(ROOT, 'nodes')).filter((d) => d !== 'shared' && pkg.n8n.nodes.some((n) => n.includes(`/${d}/`)));

	it('covers every node and credential of the package', () => {
		expect(nodeDirs).toHaveLength(pkg.n8n.nodes.length);
		expect(pkg.n8n.credentials.length).toBeGreaterThan(0);
	});

	it.each(nodeDirs)('%s: the codex documentation link is its docs page and resolves', (dir) => {
		const codex = JSON.parse(readFileSync(join(ROOT, 'nodes', dir, `${dir}.node.json`), 'utf8')) as {
			node: string;
			resources?: Record<string, Array<{ url: string }>>;
		};
		const name = codex.node.replace(/^n8n-nodes-oms-wms\./, '');
		const urls = Object.values(codex.resources ?? {}).flat().map((r) => r.url);
		expect(codex.resources?.primaryDocumentation?.[0]?.url).toBe(`${REPO}/blob/main/docs/nodes/${name}.md`);
		for (const url of urls) expect([url, checkUrl(repo, REPO, `nodes/${dir}/${dir}.node.json`, url)]).toEqual([url, null]);
	});

	it.each(pkg.n8n.credentials.map((c) => c.replace(/^dist\/credentials\/(.*)\.js$/, '$1')))('%s: documentationUrl is its docs page and resolves', async (file) => {
		const mod = (await import(join(ROOT, 'credentials', `${file}.ts`))) as Record<string, new () => ICredentialType>;
		const cred = new (Object.values(mod)[0])();
		expect(cred.documentationUrl).toBe(`${REPO}/blob/main/docs/credentials/${cred.name}.md`);
		expect(checkUrl(repo, REPO, `credentials/${file}.ts`, cred.documentationUrl!)).toBeNull();
	});
});

describe('docs/ pages named in the source', () => {
	it('exist, with their anchors', () => {
		const problems: string[] = [];
		let found = 0;
		const check = (rel: string) => {
			const text = readFileSync(join(ROOT, rel), 'utf8');
			for (const m of text.matchAll(/(?<![\w/.-])docs\/[\w./-]+\.md(#[\w-]+)?/g)) {
				found++;
				const problem = checkUrl(repo, REPO, 'README.md', m[0]);
				if (problem) problems.push(`${rel}: ${m[0]}: ${problem}`);
			}
		};
		const walk = (dir: string) => {
			for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
				const rel = `${dir}/${entry.name}`;
				if (rel === 'test/unit/docs' || rel === 'scripts/n8n') continue;
				if (entry.isDirectory()) walk(rel);
				else if (/\.(ts|mjs|json|ya?ml|sh)$/.test(entry.name) || entry.name === 'Dockerfile' || dir === '.ci') check(rel);
			}
		};
		// test/unit/docs plants broken docs/ paths on purpose (above)
		for (const dir of ['nodes', 'credentials', 'lib', 'scripts', 'deploy', 'bench', 'test', 'workflows', '.ci']) walk(dir);
		for (const file of ['eslint.config.mjs', 'jest.config.js', 'package.json', 'gulpfile.js']) check(file);
		expect(problems).toEqual([]);
		// the WMS node's description and the source comments name docs pages: a scan that finds none is broken
		expect(found).toBeGreaterThan(10);
	});
});
