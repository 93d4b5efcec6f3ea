/**
 * Fraud screening throughput: orders screened per second with the default rule set and velocity lookups against a
 * SQLite store holding 1,000,000 orders (target 5,000 per second). Prints figures; not a timed test.
 *
 *   bash scripts/with-node24.sh node -r ts-node/register/transpile-only bench/fraud/throughput.ts [storeOrders] [screened]
 *
 * Loading: the store is opened (and migrated) through openSqliteStore, then the history is inserted with ONE
 * set-based statement (a recursive CTE, in one transaction) on a second connection, straight into the store's
 * `orders` table, filling only the columns velocity reads (email, ship_address_key, phone, client_ip, placed_at,
 * currency, total_minor, channel, oms_id) plus the NOT NULL ones, with doc '{}'. No order_lines, events or fraud
 * rows: velocity never reads them, and going through recordOrder a million times would measure intake, not
 * screening. The identity values are written as lib/order/identity's keys would be; the benchmark checks that for
 * sample customers before it starts, so the lookups hit the rows.
 *
 * History: 200,000 customers with 5 orders each, one order every 30 seconds over 347 days (channels rotate). The
 * screened orders are new orders from existing customers (each with e-mail, ship-to address, phone and client IP,
 * so every default velocity rule runs its lookup; a tenth with expedited shipping above USD 300, which adds the
 * first-order lookup), each evaluated at its own placing. Velocity lookups run one after the other, as in the node.
 *
 * Also measured: the node's whole Screen path on orders in the store (screen, then annotate + record the decision
 * + status change when held), i.e. with the writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DEFAULT_RULE_SET, ruleSetVersion, screenOrder, type VelocityLookup } from '../../lib/fraud';
import { identityKeys } from '../../lib/order/identity';
import type { CanonicalOrder, ShippingLevel } from '../../lib/order/types';
import { openSqliteStore } from '../../lib/store/sqlite';
import { fmt, nowMs, peakRssMb, prng, resetPeak, table } from '../lib';
import { screenOne } from '../../lib/flows';

const STORE_ORDERS = Number(process.argv[2] ?? 1_000_000);
const SCREENED = Number(process.argv[3] ?? 20_000);
const CUSTOMERS = Math.max(1, Math.min(200_000, Math.floor(STORE_ORDERS / 5)));
const BASE_EPOCH = Date.parse('2025-05-01T00:00:00.000Z') / 1000;
const STEP_S = 30;
const CHANNELS = ['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart'];

/** Customer c's identity, as a canonical order carries it */
function customer(c: number) {
	return {
		email: `c${c}@example.com`,
		phone: `+1 613 ${String(c).padStart(7, '0')}`,
		ip: `10.${(c >> 16) & 255}.${(c >> 8) & 255}.${c & 255}`,
		line1: `${c} Main Street`,
		postal: String(10000 + (c % 89999)),
	};
}

/** The same identity keys, written by SQL (for customer expression `c`) */
const SQL_KEYS = {
	email: `'c' || c || '@example.com'`,
	ship: `'us|' || (10000 + c % 89999) || '|' || c || ' main st'`,
	phone: `substr('1613' || printf('%07d', c), -9)`,
	ip: `'10.' || ((c >> 16) & 255) || '.' || ((c >> 8) & 255) || '.' || (c & 255)`,
};

function orderFor(c: number, id: string, placedAt: string, rnd: () => number, channel = 'shopify'): CanonicalOrder {
	const p = customer(c);
	const expedited = rnd() < 0.1;
	const qty = 1 + Math.floor(rnd() * 3);
	const unit = expedited ? 150 : 10 + Math.floor(rnd() * 90);
	const sub = qty * unit;
	const level: ShippingLevel = expedited ? 'next_day' : 'standard';
	return {
		omsId: `${channel}:${id}`,
		channel,
		channelOrderId: id,
		orderNumber: `#${id}`,
		placedAt,
		updatedAt: placedAt,
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal: sub, shipping: 9, tax: 0, discount: 0, total: sub + 9 },
		customer: { email: p.email, name: `Customer ${c}`, phone: p.phone, channelCustomerId: null },
		shipTo: { name: `Customer ${c}`, company: null, line1: p.line1, line2: null, city: 'Springfield', region: 'IL', postalCode: p.postal, country: 'US', phone: null },
		billTo: null,
		shipping: { level, label: level },
		lines: [{ lineId: '1', sku: `SKU-${c % 500}`, title: 'Item', quantity: qty, unitPrice: unit, lineTotal: sub }],
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: p.ip },
	};
}

/** CPU time (user + system) of this process since `from`, ms: less sensitive than wall time to a busy machine */
function cpuMs(from: NodeJS.CpuUsage): number {
	const d = process.cpuUsage(from);
	return (d.user + d.system) / 1000;
}

async function main() {
	const dir = mkdtempSync(join(tmpdir(), 'oms-fraud-bench-'));
	const path = join(dir, 'oms.sqlite');
	try {
		resetPeak();
		const store = await openSqliteStore(path);

		// the SQL keys must be the keys lib/order/identity gives, or the lookups would miss
		const db = new DatabaseSync(path);
		for (const c of [0, 7, 12345, CUSTOMERS - 1]) {
			const keys = identityKeys(orderFor(c, 'x', '2025-05-01T00:00:00.000Z', prng(1)));
			const row = db.prepare(`SELECT ${SQL_KEYS.email} AS email, ${SQL_KEYS.ship} AS ship, ${SQL_KEYS.phone} AS phone, ${SQL_KEYS.ip} AS ip FROM (SELECT CAST(? AS INTEGER) AS c)`).get(BigInt(c)) as Record<string, string>;
			const want = { email: keys.email, ship: keys.shipAddress, phone: keys.phone, ip: keys.clientIp };
			if (JSON.stringify(row) !== JSON.stringify(want)) throw new Error(`SQL identity keys differ from identityKeys for customer ${c}: ${JSON.stringify(row)} vs ${JSON.stringify(want)}`);
		}

		const loadStart = nowMs();
		const channelCase = `CASE n % 5 ${CHANNELS.map((ch, i) => `WHEN ${i} THEN '${ch}'`).join(' ')} END`;
		db.exec('BEGIN');
		db.exec(`
			INSERT INTO orders (oms_id, channel, channel_order_id, order_number, placed_at, channel_updated_at, readiness, channel_status,
				status, currency, total_minor, units, email, ship_address_key, phone, client_ip, ship_country, doc, recorded_at, changed_at, version)
			WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${STORE_ORDERS - 1}),
			 o AS (SELECT n, n % ${CUSTOMERS} AS c, strftime('%Y-%m-%dT%H:%M:%fZ', ${BASE_EPOCH} + n * ${STEP_S}, 'unixepoch') AS at FROM seq)
			SELECT ${channelCase} || ':H' || n, ${channelCase}, 'H' || n, NULL, at, at, 'ready', 'paid',
				'shipped', 'USD', 1000 + (n * 7919) % 20000, 1, ${SQL_KEYS.email}, ${SQL_KEYS.ship}, ${SQL_KEYS.phone}, ${SQL_KEYS.ip}, 'US', '{}', at, at, 1
			FROM o`);
		db.exec('COMMIT');
		db.exec('ANALYZE');
		const loadMs = nowMs() - loadStart;
		const count = (db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n;
		db.close();

		const endOfHistory = (BASE_EPOCH + STORE_ORDERS * STEP_S) * 1000;
		const rnd = prng(42);
		const orders: CanonicalOrder[] = [];
		for (let i = 0; i < SCREENED; i++) {
			const c = Math.floor(rnd() * CUSTOMERS);
			orders.push(orderFor(c, `N${i}`, new Date(endOfHistory + i * 1000).toISOString(), rnd, CHANNELS[i % 5]));
		}
		const version = ruleSetVersion(DEFAULT_RULE_SET);
		let lookups = 0;
		const velocity: VelocityLookup = (q) => {
			lookups++;
			return store.velocity(q);
		};

		// warm up (statement cache, page cache), then measure
		for (const o of orders.slice(0, 500)) await screenOrder(o, DEFAULT_RULE_SET, { velocity, now: o.placedAt, ruleSetVersion: version });
		lookups = 0;
		const decisions: Record<string, number> = { pass: 0, review: 0, reject: 0 };
		const t0 = nowMs();
		const c0 = process.cpuUsage();
		for (const o of orders) {
			const r = await screenOrder(o, DEFAULT_RULE_SET, { velocity, now: o.placedAt, ruleSetVersion: version });
			decisions[r.decision]++;
		}
		const screenMs = nowMs() - t0;
		const screenCpu = cpuMs(c0);

		// velocity alone: the same lookups without the rules
		const q0 = nowMs();
		const qc0 = process.cpuUsage();
		let qn = 0;
		for (const o of orders) {
			const k = identityKeys(o);
			const since = new Date(Date.parse(o.placedAt) - 24 * 3600_000).toISOString();
			for (const key of ['email', 'shipAddress', 'phone', 'clientIp'] as const) {
				await store.velocity({ key, value: k[key]!, since, until: o.placedAt, excludeOmsId: o.omsId });
				qn++;
			}
		}
		const velocityMs = nowMs() - q0;
		const velocityCpu = cpuMs(qc0);

		// the node's Screen path with the writes, on orders recorded in the store
		const WRITE_N = Math.min(2000, SCREENED);
		const recorded = orders.slice(0, WRITE_N).map((o) => ({ ...o, omsId: `${o.channel}:W${o.channelOrderId}`, channelOrderId: `W${o.channelOrderId}` }));
		for (const o of recorded) await store.recordOrder(o);
		const w0 = nowMs();
		const wc0 = process.cpuUsage();
		for (const o of recorded)
			await screenOne(store, o, { ruleSet: DEFAULT_RULE_SET, version }, { now: o.placedAt, reviewTimeLimitHours: 72, rescreenResolved: false, cause: 'bench' });
		const writeMs = nowMs() - w0;
		const writeCpu = cpuMs(wc0);
		await store.close();

		console.log(`Fraud screening throughput (SQLite, node:sqlite, Node ${process.version})`);
		console.log(`store: ${fmt(count)} orders loaded in ${(loadMs / 1000).toFixed(1)} s (one set-based INSERT, indexes in place)\n`);
		console.log(
			table([
				{
					what: 'screen (default rules, velocity from the store)',
					orders: fmt(SCREENED),
					'orders/s': fmt((SCREENED * 1000) / screenMs),
					'ms/order': (screenMs / SCREENED).toFixed(3),
					lookups: fmt(lookups),
					'orders per CPU-s': fmt((SCREENED * 1000) / screenCpu),
				},
				{
					what: 'velocity lookups alone (4 per order)',
					orders: fmt(SCREENED),
					'orders/s': fmt((SCREENED * 1000) / velocityMs),
					'ms/order': (velocityMs / SCREENED).toFixed(3),
					lookups: fmt(qn),
					'orders per CPU-s': fmt((SCREENED * 1000) / velocityCpu),
				},
				{
					what: 'node Screen path: screen + annotate + decision row (+ status)',
					orders: fmt(WRITE_N),
					'orders/s': fmt((WRITE_N * 1000) / writeMs),
					'ms/order': (writeMs / WRITE_N).toFixed(3),
					lookups: '-',
					'orders per CPU-s': fmt((WRITE_N * 1000) / writeCpu),
				},
			]),
		);
		console.log(`\nvelocity share of screening time: ${((100 * velocityMs) / screenMs).toFixed(0)}% (lookups alone vs the whole screen)`);
		console.log(`decisions: pass ${fmt(decisions.pass)}, review ${fmt(decisions.review)}, reject ${fmt(decisions.reject)}`);
		console.log(`target 5,000 orders/s: ${(SCREENED * 1000) / screenMs >= 5000 ? 'met' : 'NOT met'}`);
		console.log(`peak RSS: ${peakRssMb()} MB`);
		console.log(
			`load average during the run: ${loadavg()
				.map((l) => l.toFixed(1))
				.join(', ')} (orders per CPU-second is what this process alone would do on an idle core)`,
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
