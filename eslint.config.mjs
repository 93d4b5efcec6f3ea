// Lint: n8n's own config for community node packages (@n8n/node-cli, what `n8n-node lint` and `npm run lint` run) on
// what the package ships, and typescript-eslint on every other TypeScript file (tests, benchmarks, scripts).
//
// package.json says "strict": false. In @n8n/node-cli, strict mode means "eligible for n8n Cloud verification": the
// config must be the unmodified default (`config`, with the Cloud-only import and global allowlists) and the package
// may have no runtime dependency. This package is neither: its PostgreSQL store (queue mode) needs `pg` at runtime and
// its embedded store uses node:sqlite, so it is a self-hosted package, and n8n's config for those is
// `configWithoutCloudSupport` (what `n8n-node cloud-support disable` switches to, together with "strict": false).
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

const shippedTs = ['nodes/**/*.ts', 'credentials/**/*.ts', 'lib/**/*.ts'];

// n8n's config lints every **/*.ts of a package made by `n8n-node new`, which holds nodes/ and credentials/ only;
// here those entries apply to the shipped sources (lib/ included), not to tests, benchmarks or scripts.
const n8nConfig = configWithoutCloudSupport.map((entry) =>
	entry.files?.length === 1 && entry.files[0] === '**/*.ts' ? { ...entry, files: shippedTs } : entry,
);

// Rules of n8n's config that stay off, each with why: everywhere in the shipped sources, or in `files` only.
// scripts/scan-package.mjs gives the same reasons for what n8n's community package scanner reports from these rules.
export const rulesOff = [
	{ rule: '@n8n/community-nodes/no-runtime-dependencies', why: "`pg` is a runtime dependency on purpose: the PostgreSQL store (n8n queue mode) needs a driver, and the copy inside n8n's own install belongs to n8n's database layer (its version moves with n8n), so the package declares its own." },
	{ rule: 'n8n-nodes-base/node-execute-block-wrong-error-thrown', why: "Item errors are the package's own classes (InvalidItemError, ...) thrown inside the item loop, where errorItem (nodes/shared/items.ts) turns each into a NodeOperationError with its item index, or an error item; the rule judges the class named at the throw, not what leaves execute()." },
	{ rule: 'n8n-nodes-base/node-param-default-missing', why: 'INodeProperties makes `default` required, so tsc already checks it; the rule reports a default read from a constant (DEFAULT_RULE_SET.thresholds.review) as missing.' },
	{ rule: 'n8n-nodes-base/node-param-default-wrong-for-limit', why: "It assumes `limit` is a list's page size (default 50); here it is a run's batch (1,000 held orders, 100 due deliveries), a report's top N (10) or a fraud rule's unit threshold, and a new default would change saved workflows (n8n saves no default values)." },
	{ rule: 'n8n-nodes-base/node-param-description-wrong-for-limit', why: "The same `limit` parameters: their descriptions say what each limit counts, not \"Max number of results to return\"." },
	{ rule: '@n8n/community-nodes/require-node-api-error', files: ['lib/**/*.ts'], why: 'lib/ imports nothing from n8n but types (it is n8n-free by design), so it cannot throw NodeApiError/NodeOperationError; the nodes wrap its errors in those, with the item index.' },
	{ rule: 'n8n-nodes-base/cred-class-field-display-name-missing-api', files: ['credentials/OmsStoreApi.credentials.ts', 'credentials/OmsEdiPartnerApi.credentials.ts'], why: 'OMS Store (a database) and EDI Trading Partner (X12 settings of a partner) are not APIs, so their display names do not end in "API".' },
	{ rule: 'n8n-nodes-base/node-param-description-miscased-id', files: ['nodes/Wms/Wms.node.ts'], why: "The WMS node's descriptions quote a path placeholder and an answer path ({id}, data.id) that must stay lower case." },
];

// The layers (docs/architecture.md#layers): an import may only point down. From the bottom: lib/order and lib/http;
// lib/stock, lib/returns and lib/billing; lib/store; the decision modules (fraud, allocation, backorder, channels, wms, edi, report); lib/flows;
// nodes/. A node imports no other node's folder (nodes/shared/ is the shared glue), and nothing of lib/ imports
// nodes/. test/unit/architecture/layers.test.ts plants a violation of each zone and expects it refused.
const DECISIONS = ['fraud', 'allocation', 'backorder', 'channels', 'wms', 'edi', 'report', 'routing'];
const ALL_LIB = ['order', 'http', 'stock', 'returns', 'billing', 'store', 'flows', ...DECISIONS];
const libAbove = (...allowed) => ALL_LIB.filter((a) => !allowed.includes(a)).map((a) => `./lib/${a}`);
const NODE_FOLDERS = readdirSync(new URL('./nodes', import.meta.url), { withFileTypes: true })
	.filter((d) => d.isDirectory() && d.name !== 'shared')
	.map((d) => d.name);
export const layerZones = [
	{ target: './lib', from: './nodes', message: 'lib/ is n8n-free and below the nodes: it never imports nodes/.' },
	{ target: './lib/order', from: libAbove('order'), message: 'lib/order is the ground floor: it imports nothing else of lib/.' },
	{ target: './lib/http', from: libAbove('http'), message: 'lib/http is the ground floor: it imports nothing else of lib/.' },
	{ target: './lib/stock', from: libAbove('stock', 'order'), message: 'lib/stock (stock rules below the store) imports only lib/order.' },
	{ target: './lib/returns', from: libAbove('returns', 'order'), message: 'lib/returns (the return, its status machine and rules, below the store) imports only lib/order.' },
	{ target: './lib/billing', from: libAbove('billing', 'order'), message: 'lib/billing (the ledger, its charges, fees and reconciliation, below the store) imports only lib/order.' },
	{ target: './lib/store', from: libAbove('store', 'stock', 'returns', 'billing', 'order'), message: 'lib/store imports only lib/order, lib/stock, lib/returns and lib/billing: no decision module, no flow.' },
	...DECISIONS.map((d) => ({ target: `./lib/${d}`, from: './lib/flows', message: `lib/${d} is a decision module: it does not call the flows above it.` })),
	...NODE_FOLDERS.map((n) => ({
		target: `./nodes/${n}`,
		from: './nodes',
		except: [`./${n}`, './shared'],
		message: `A node imports no other node's folder: put what ${n} shares in lib/ or nodes/shared/.`,
	})),
];

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', 'artifacts/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['**/*.ts'],
		ignores: shippedTs,
		extends: [tseslint.configs.recommended],
	},
	...n8nConfig,
	...rulesOff.map(({ rule, files }) => ({ files: files ?? [...shippedTs, 'package.json'], rules: { [rule]: 'off' } })),
	{
		files: shippedTs,
		// import-x reads the files an import names to follow their imports (no-cycle): with the TypeScript parser
		settings: { 'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] }, 'import-x/extensions': ['.ts'] },
		rules: {
			'import-x/no-restricted-paths': ['error', { zones: layerZones }],
			'import-x/no-cycle': 'error',
		},
	},
);
