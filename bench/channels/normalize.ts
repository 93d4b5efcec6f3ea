/**
 * Normalisation throughput per channel: orders per second through normalizeOrder (and validateOrder, reported
 * separately), over 50,000 orders per channel made from the vendor example payloads (and the constructed
 * Shopify GraphQL / eBay fixtures), each one varied (order id, line quantities) so no two consecutive inputs
 * are the same object. Target: 20,000+ orders/s per channel. Each figure is the best of ROUNDS timed rounds
 * (the machine is shared: the load average is printed with the table, and the rate per second of this
 * process's own CPU time is printed beside the wall-clock rate, since other work on the cores only slows the
 * latter). Prints a table; asserts nothing.
 *
 *   bash scripts/with-node24.sh npx ts-node --transpile-only bench/channels/normalize.ts [ordersPerChannel]
 */
import * as os from 'os';
import { normalizeOrder } from '../../lib/channels/normalize';
import { validateOrder } from '../../lib/order/validate';
import { loadSeeds, type SeedChannel } from '../../test/unit/channels/payload-seeds';

const ORDERS = Number(process.argv[2]) || 50_000;
/** Distinct varied inputs per channel; the run cycles through them (50,000 full clones would not fit in memory). */
const POOL = 2_000;
const TARGET = 20_000;
const ROUNDS = 3;

const ID_KEYS = new Set(['orderId', 'AmazonOrderId', 'purchaseOrderId', 'legacyResourceId']);
const QTY_KEYS = new Set(['quantity', 'quantityOrdered', 'QuantityOrdered']);

/** A copy of `raw` with its order ids suffixed by `n` and its line quantities varied. */
function vary(raw: unknown, n: number): unknown {
	const copy = structuredClone(raw);
	const walk = (v: unknown, depth: number): void => {
		if (typeof v !== 'object' || v === null) return;
		if (Array.isArray(v)) {
			for (const x of v) walk(x, depth + 1);
			return;
		}
		const o = v as Record<string, unknown>;
		for (const [k, val] of Object.entries(o)) {
			if ((ID_KEYS.has(k) || (k === 'id' && depth <= 2)) && (typeof val === 'string' || typeof val === 'number')) {
				o[k] = typeof val === 'number' ? val * 100_000 + n : `${val}${n}`;
			} else if (QTY_KEYS.has(k) && typeof val === 'number') {
				o[k] = 1 + ((val + n) % 5);
			} else {
				walk(val, depth + 1);
			}
		}
	};
	walk(copy, 0);
	return copy;
}

function main(): void {
	const seeds = loadSeeds();
	const rows: Array<{ channel: string; shapes: number; orders: number; ms: number; perSec: number; perCpuSec: number; withValidate: number }> = [];
	for (const channel of Object.keys(seeds) as SeedChannel[]) {
		const base = seeds[channel];
		const pool = Array.from({ length: Math.min(POOL, ORDERS) }, (_, i) => vary(base[i % base.length], i));
		for (const raw of pool) normalizeOrder(channel, raw); // every input must normalise; also warms the JIT
		let sink = 0;
		let ns = Infinity;
		let cpuUs = Infinity;
		let nsValidated = Infinity;
		for (let round = 0; round < ROUNDS; round++) {
			const cpu0 = process.cpuUsage();
			let t0 = process.hrtime.bigint();
			for (let i = 0; i < ORDERS; i++) sink += normalizeOrder(channel, pool[i % pool.length]).lines.length;
			ns = Math.min(ns, Number(process.hrtime.bigint() - t0));
			const cpu = process.cpuUsage(cpu0);
			cpuUs = Math.min(cpuUs, cpu.user + cpu.system);
			t0 = process.hrtime.bigint();
			for (let i = 0; i < ORDERS; i++) sink += validateOrder(normalizeOrder(channel, pool[i % pool.length])).length;
			nsValidated = Math.min(nsValidated, Number(process.hrtime.bigint() - t0));
		}
		if (sink < 0) console.log(sink);
		rows.push({
			channel,
			shapes: base.length,
			orders: ORDERS,
			ms: ns / 1e6,
			perSec: ORDERS / (ns / 1e9),
			perCpuSec: ORDERS / (cpuUs / 1e6),
			withValidate: ORDERS / (nsValidated / 1e9),
		});
	}
	const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
	const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
	console.log(`Normalisation throughput (node ${process.version}, ${ORDERS.toLocaleString('en-US')} orders per channel, best of ${ROUNDS} rounds, target ${fmt(TARGET)}/s)`);
	console.log(`${os.cpus().length} CPUs, load average ${load}`);
	console.log('');
	console.log('| channel     | seed shapes | orders | time (ms) | orders/s | orders per CPU-second | orders/s incl. validateOrder | target: wall | target: CPU |');
	console.log('|-------------|-------------|--------|-----------|----------|-----------------------|------------------------------|--------------|-------------|');
	for (const r of rows) {
		console.log(
			`| ${r.channel.padEnd(11)} | ${String(r.shapes).padStart(11)} | ${fmt(r.orders).padStart(6)} | ${r.ms.toFixed(0).padStart(9)} | ${fmt(r.perSec).padStart(8)} | ${fmt(r.perCpuSec).padStart(21)} | ${fmt(r.withValidate).padStart(28)} | ${(r.perSec >= TARGET ? 'met' : 'missed').padEnd(12)} | ${(r.perCpuSec >= TARGET ? 'met' : 'missed').padEnd(11)} |`,
		);
	}
}

main();
