/**
 * A separate OS process that reserves one-unit orders in the SQLite store at `path`; used by
 * sqlite-processes.test.ts to prove that several processes on one host never oversell.
 * argv: path, workerId, orders, batchSize, sku. Prints the JSON total of units it got.
 */
import { openSqliteStore } from '../../../lib/store/sqlite';

async function main(): Promise<void> {
	const [path, workerId, orders, batchSize, sku] = process.argv.slice(2);
	const store = await openSqliteStore(path, { busyTimeoutMs: 30000 });
	let got = 0;
	const n = Number(orders);
	const size = Number(batchSize);
	for (let i = 0; i < n; i += size) {
		const batch = [];
		for (let j = i; j < Math.min(n, i + size); j++) {
			batch.push({ omsId: `w${workerId}:${j}`, allowPartial: true, lines: [{ lineId: '1', sku, quantity: 1 }] });
		}
		for (const r of await store.reserve(batch)) got += r.lines[0].allocated;
	}
	await store.close();
	process.stdout.write(JSON.stringify({ got }));
}

main().catch((error) => {
	process.stderr.write(String(error?.stack ?? error));
	process.exit(1);
});
