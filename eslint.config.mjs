// Lint: n8n's community node rules on what the package ships (nodes/, credentials/, lib/, package.json), and
// typescript-eslint on every TypeScript file (tests, benchmarks and scripts included).
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

// The pack targets self-hosted n8n, not n8n Cloud (docs/architecture.md#layers: runtime dependencies, node:sqlite), so it takes
// n8n's own config for such packages: the Cloud-only import and global allowlists are not part of it.
const community = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

const shipped = ['nodes/**/*.ts', 'credentials/**/*.ts', 'lib/**/*.ts', 'package.json'];
const communityRulesOff = {
	// `pg` is a runtime dependency on purpose: the PostgreSQL store (queue mode) needs a driver n8n does not ship.
	'@n8n/community-nodes/no-runtime-dependencies': 'off',
};

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', 'artifacts/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
	},
	{
		files: shipped,
		plugins: community.plugins,
		rules: { ...community.rules, ...communityRulesOff },
	},
	{
		files: ['lib/**/*.ts'],
		rules: {
			// lib/ imports nothing from n8n but types (docs/architecture.md#layers), so it cannot throw NodeApiError/NodeOperationError;
			// the nodes wrap its errors in those, with the item index.
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
	{
		// The package.json rules read it as a JSON expression, which the TypeScript parser produces for .json files.
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
);
