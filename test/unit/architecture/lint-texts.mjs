// Lints texts as if they stood at the given paths of the repository, with the project's own ESLint config, in one
// process: stdin is JSON [{ filePath, text }] (filePath relative to the repository), stdout is JSON
// [{ filePath, messages: [{ ruleId, message }] }]. With no texts, lints the given folders as they are on disk.
// Used by layers.test.ts (ESLint's config is an ES module, which the test runner cannot load in-process).
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const root = resolve(new URL('../../..', import.meta.url).pathname);
const eslint = new ESLint({ cwd: root });
let input = '';
for await (const chunk of process.stdin) input += chunk;
const texts = JSON.parse(input || '[]');
const folders = process.argv.slice(2);
const results = texts.length
	? (await Promise.all(texts.map((t) => eslint.lintText(t.text, { filePath: resolve(root, t.filePath) })))).flat()
	: await eslint.lintFiles(folders);
process.stdout.write(
	JSON.stringify(results.map((r) => ({ filePath: r.filePath.slice(root.length + 1), messages: r.messages.map((m) => ({ ruleId: m.ruleId, message: m.message, line: m.line })) }))),
);
