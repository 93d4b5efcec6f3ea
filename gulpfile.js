// Copies what tsc does not into dist/, keeping paths: node and credential icons, each node's codex file
// (<Name>.node.json, which n8n reads for the node's categories and aliases), and the JSON files under lib/
// (the canonical order's JSON Schema ships in the package).
const { src, dest, parallel } = require('gulp');

// encoding: false keeps binary icons (PNG) byte-for-byte; gulp 5 reads files as UTF-8 text by default.
const copy = (name, globs) => {
	const task = () => src(globs, { base: '.', encoding: false, allowEmpty: true }).pipe(dest('dist'));
	task.displayName = name;
	return task;
};

const copyIcons = copy('copy-icons', ['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}']);
const copyLibJson = copy('copy-lib-json', ['lib/**/*.json']);
const copyCodex = copy('copy-codex', ['nodes/**/*.node.json']);

exports['build:icons'] = parallel(copyIcons, copyLibJson, copyCodex);
exports.default = exports['build:icons'];
