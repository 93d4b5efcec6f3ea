/**
 * A separate OS process that writes `count` interchanges for one partner on the SQLite store at `path`; used by
 * control-processes.test.ts. argv: path, count. Prints the JSON list of the ISA13 control numbers it got.
 */
import { envelope, parseInterchange } from '../../../lib/edi';
import { openSqliteStore } from '../../../lib/store/sqlite';
import { TO_WAREHOUSE } from './partners';

async function main(): Promise<void> {
	const [path, count] = process.argv.slice(2);
	const store = await openSqliteStore(path, { busyTimeoutMs: 30000 });
	const got: string[] = [];
	for (let i = 0; i < Number(count); i++) {
		const doc = await envelope(store, TO_WAREHOUSE, [{ setId: '997', segments: [['AK1', 'SW', String(i)], ['AK9', 'A', 0, 0, 0]] }]);
		// the text carries the same number in ISA13, GS06, GE02 and IEA02 (the parser checks they agree)
		const header = parseInterchange(doc.text).header;
		got.push(header.controlNumber);
	}
	await store.close();
	process.stdout.write(JSON.stringify(got));
}

main().catch((error) => {
	process.stderr.write(String(error?.stack ?? error));
	process.exit(1);
});
