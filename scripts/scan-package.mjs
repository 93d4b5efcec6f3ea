#!/usr/bin/env node
/**
 * `npm run scan`: n8n's community package scanner (@n8n/scan-community-package) on this package's packed tarball.
 *
 *   npm run scan                       builds, packs into a temporary folder and scans that tarball
 *   npm run scan -- path/to/x.tgz      scans a tarball made earlier (npm run build && npm pack)
 *
 * The scanner's command line takes only a name on the npm registry: it checks the version's npm provenance, fetches
 * the source the provenance points at (a GitHub commit), downloads the tarball and lints both with its own config
 * (n8n Cloud's rules; no inline disables, no project config). This package is not published yet, so this script runs
 * the scanner's two lint legs itself, with the scanner's own config (buildScanConfig) and the same ESLint options and
 * file patterns as its analyzePackage: the source (package.json, nodes/, credentials/ of this repository) and the
 * tarball (its compiled .js and package.json). The provenance leg needs a registry publish
 * (.github/workflows/publish.yml) and is not checked here.
 *
 * Every finding is printed. Those of a rule listed below (or in eslint.config.mjs rulesOff) come with the reason
 * they cannot or should not change for this self-hosted package; the script fails on any other error.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import glob from 'fast-glob';
import { buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import { rulesOff } from '../eslint.config.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Rules of the scanner's config that `npm run lint` does not run (n8n Cloud's), and warnings, with why they stay. */
const scannerOnly = [
	{
		rule: '@n8n/community-nodes/no-restricted-imports',
		why: 'n8n Cloud only (n8n-node lint leaves it out of the config for self-hosted packages): the embedded store is node:sqlite in the n8n user folder (node:fs, node:path, node:os) and the queue-mode store is PostgreSQL (pg).',
	},
	{
		rule: '@n8n/community-nodes/no-restricted-globals',
		why: "n8n Cloud only: process tells the store where n8n's user folder is, whether n8n runs in queue mode and which Node runs it; setTimeout paces API calls and PostgreSQL reconnects in lib/, which imports nothing from n8n and so cannot use n8n-workflow's sleep.",
	},
	{
		rule: '@n8n/community-nodes/resource-operation-pattern',
		why: 'A warning: Marketplace has 6 operations and no resource parameter; adding one would change the parameters of every saved workflow that uses it.',
	},
	{
		rule: '@n8n/community-nodes/credential-unnecessary-password',
		why: "A warning, and wrong here: the EDI partner's ISA04 security information and the generic WMS's auth header value are secrets.",
	},
];
const explained = new Map([...rulesOff, ...scannerOnly].map(({ rule, why }) => [rule, why]));

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
	return result.stdout;
}

/** One leg of the scanner: what its analyzePackage(packageDir, filePatterns) lints, with its options and config. */
async function lintLeg(packageDir, filePatterns) {
	const eslint = new ESLint({ cwd: packageDir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const files = glob.sync(filePatterns, { cwd: packageDir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	return results.flatMap((r) => r.messages.map((m) => ({ file: relative(packageDir, r.filePath), line: m.line, rule: m.ruleId ?? '(parse)', error: m.severity === 2, message: m.message })));
}

const work = mkdtempSync(join(tmpdir(), 'oms-scan-'));
try {
	let tarball = process.argv[2] ? resolve(process.argv[2]) : undefined;
	if (!tarball) {
		run('npm', ['run', '--silent', 'build'], root);
		run('npm', ['pack', '--silent', '--pack-destination', work], root);
		tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
	}
	const unpacked = join(work, 'package');
	mkdirSync(unpacked, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], work);

	const legs = [
		{ what: 'source (package.json, nodes/, credentials/)', findings: await lintLeg(root, SOURCE_FILE_PATTERNS) },
		{ what: `tarball ${tarball} (compiled .js, package.json)`, findings: await lintLeg(unpacked, ['**/*.js', 'package.json']) },
	];
	let unexplained = 0;
	for (const { what, findings } of legs) {
		const errors = findings.filter((f) => f.error).length;
		console.log(`\n${what}: ${errors} errors, ${findings.length - errors} warnings`);
		const byRule = new Map();
		for (const f of findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
		for (const [rule, list] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
			const why = explained.get(rule);
			if (!why && list.some((f) => f.error)) unexplained += list.filter((f) => f.error).length;
			console.log(`  ${rule}: ${list.length}${why ? '' : list.some((f) => f.error) ? '  <- NOT EXPLAINED' : ''}`);
			if (why) console.log(`    why it stays: ${why}`);
			for (const f of list) console.log(`    ${f.file}:${f.line} ${f.message}`);
		}
	}
	console.log('\nnot checked here: npm provenance (the scanner reads it from the registry once a version is published)');
	console.log(unexplained ? `\n${unexplained} errors of rules with no reason written down: fix them, or say why in scripts/scan-package.mjs` : '\nevery finding is explained');
	process.exitCode = unexplained ? 1 : 0;
} finally {
	rmSync(work, { recursive: true, force: true });
}
