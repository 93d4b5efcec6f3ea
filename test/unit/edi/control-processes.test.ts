/** Control numbers from several OS processes on one SQLite file: every interchange gets its own, none repeats. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openSqliteStore } from '../../../lib/store/sqlite';

const run = promisify(execFile);
const root = resolve(__dirname, '../../..');

describe('EDI control numbers across processes', () => {
	const dir = mkdtempSync(join(tmpdir(), 'oms-edi-procs-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('4 processes x 100 interchanges for one partner get 400 different ISA13s, 1..400', async () => {
		const path = join(dir, 'oms.sqlite');
		await (await openSqliteStore(path)).close();
		const workers = Array.from({ length: 4 }, () =>
			run(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'control-worker.ts'), path, '100'], {
				cwd: root,
				env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json') },
			}),
		);
		const outputs = await Promise.all(workers);
		const all = outputs.flatMap((o) => JSON.parse(o.stdout) as string[]).map(Number).sort((a, b) => a - b);
		expect(all).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
	});
});
