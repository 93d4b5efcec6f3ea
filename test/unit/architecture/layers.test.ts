/**
 * The layers hold (docs/architecture.md#layers): the lint rules of eslint.config.mjs (import-x/no-restricted-paths
 * with the layer zones, import-x/no-cycle) refuse an import that points up or across, and the tree has none.
 * Each planted violation is a text linted as if it stood at a path in the tree (nothing is written to disk).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const RULES = new Set(['import-x/no-restricted-paths', 'import-x/no-cycle']);

interface Linted {
	filePath: string;
	messages: Array<{ ruleId: string | null; message: string; line: number }>;
}

function lint(texts: Array<{ filePath: string; text: string }>, folders: string[] = []): Linted[] {
	const out = execFileSync(process.execPath, [join(__dirname, 'lint-texts.mjs'), ...folders], {
		cwd: root,
		input: JSON.stringify(texts),
		maxBuffer: 64 * 1024 * 1024,
	});
	return JSON.parse(out.toString()) as Linted[];
}

const layerMessages = (r: Linted) => r.messages.filter((m) => m.ruleId !== null && RULES.has(m.ruleId));

const PLANTED: Array<{ why: string; filePath: string; text: string; rule: string }> = [
	{ why: 'lib imports a node', filePath: 'lib/report/planted.ts', text: "import { errorItem } from '../../nodes/shared/items';\nexport const x = errorItem;\n", rule: 'import-x/no-restricted-paths' },
	{ why: 'lib/order imports the store', filePath: 'lib/order/planted.ts', text: "import type { Store } from '../store/types';\nexport type X = Store;\n", rule: 'import-x/no-restricted-paths' },
	{ why: 'lib/http imports lib/order', filePath: 'lib/http/planted.ts', text: "import { statusKey } from '../order/versions';\nexport const x = statusKey;\n", rule: 'import-x/no-restricted-paths' },
	{ why: 'lib/stock imports the store', filePath: 'lib/stock/planted.ts', text: "import { openStore } from '../store/open';\nexport const x = openStore;\n", rule: 'import-x/no-restricted-paths' },
	{ why: 'lib/returns imports the store', filePath: 'lib/returns/planted.ts', text: "import { openStore } from '../store/open';\nexport const x = openStore;\n", rule: 'import-x/no-restricted-paths' },
	{ why: 'lib/billing imports the store', filePath: 'lib/billing/planted.ts', text: "import { openStore } from '../store/open';\nexport const x = openStore;\n", rule: 'import-x/no-restricted-paths' },
	{ why: 'the store imports a decision module', filePath: 'lib/store/planted.ts', text: "import { screenOrder } from '../fraud';\nexport const x = screenOrder;\n", rule: 'import-x/no-restricted-paths' },
	{ why: 'a decision module imports a flow', filePath: 'lib/fraud/planted.ts', text: "import * as flows from '../flows';\nexport const x = flows;\n", rule: 'import-x/no-restricted-paths' },
	{ why: "a node imports another node's folder", filePath: 'nodes/OmsOrder/planted.ts', text: "import { description } from '../FraudGate/description';\nexport const x = description;\n", rule: 'import-x/no-restricted-paths' },
	// lib/order/versions.ts imports ./json: a json.ts that imports versions back closes a circle
	{ why: 'a circular import', filePath: 'lib/order/json.ts', text: "import { compareVersions } from './versions';\nexport const stableStringify = (v: unknown): string => JSON.stringify(v) + String(compareVersions);\n", rule: 'import-x/no-cycle' },
];

describe('the layers (lint rules)', () => {
	it('refuses each planted violation with its rule', () => {
		const results = lint(PLANTED.map(({ filePath, text }) => ({ filePath, text })));
		const seen = PLANTED.map((p, i) => [p.why, layerMessages(results[i]).map((m) => m.ruleId)]);
		expect(seen).toEqual(PLANTED.map((p) => [p.why, [p.rule]]));
	});

	it('lets a downward import through', () => {
		const [ok] = lint([{ filePath: 'lib/store/planted.ts', text: "import { statusKey } from '../order/versions';\nexport const x = statusKey;\n" }]);
		expect(layerMessages(ok)).toEqual([]);
	});

	it('finds no upward, sideways or circular import in lib/ and nodes/', () => {
		const found = lint([], ['lib', 'nodes'])
			.flatMap((r) => layerMessages(r).map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`));
		expect(found).toEqual([]);
	});

	it('the benchmarks and scripts call lib/, never a node (they are not linted by the shipped config, so read here)', () => {
		const files = (dir: string): string[] =>
			readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
		const offenders = ['bench', 'scripts']
			.flatMap((d) => files(join(root, d)))
			.filter((f) => /from\s+'(\.\.\/)+nodes\//.test(readFileSync(f, 'utf8')))
			.map((f) => relative(root, f));
		expect(offenders).toEqual([]);
	});
});
