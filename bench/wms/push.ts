/**
 * bench/wms: orders pushed per second to the WMS sandbox over loopback HTTP,
 *   1. bare provider.createOrder, rate limit off (client pacing off, sandbox limit off), 1 and 8 in flight;
 *   2. the same with the provider's rate limit on (client pacer and sandbox limit both at the real numbers, run on a
 *      time scale so the run is short: the printed "real-time equivalent" divides by the scale);
 *   3. the outbox over a bare call: pushOrder through the SQLite store vs createOrder alone, alternating batches in
 *      one run, one in flight, printed as a ratio.
 *
 *   bash scripts/with-node24.sh node -r ts-node/register/transpile-only bench/wms/push.ts
 *   (BENCH_ORDERS=1000 BENCH_SCALE=20 to change the size and the time scale)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWmsSandbox, SANDBOX_CREDENTIALS } from '../../test/sandbox/wms';
import { createAxiosRequest } from '../../lib/http/axios';
import { sharedLimiters } from '../../lib/http/limiters';
import { openSqliteStore } from '../../lib/store/sqlite';
import type { CanonicalOrder } from '../../lib/order/types';
import { createWmsProvider, type ProviderDeps, type WmsProvider } from '../../lib/wms';
import { pushOrder } from '../../lib/flows';
import { fmt, nowMs, table } from '../lib';

const N = Number(process.env.BENCH_ORDERS ?? 1000);
const SCALE = Number(process.env.BENCH_SCALE ?? 20);

function makeOrder(id: string): CanonicalOrder {
	return {
		omsId: `shopify:${id}`,
		channel: 'shopify',
		channelOrderId: id,
		orderNumber: `#${id}`,
		placedAt: '2026-05-01T14:00:00Z',
		updatedAt: '2026-05-01T14:05:00Z',
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal: 50, shipping: 9, tax: 0, discount: 0, total: 59 },
		customer: { email: 'b@example.com', name: 'A B', phone: null, channelCustomerId: null },
		shipTo: { name: 'A B', company: null, line1: '1 Main St', line2: null, city: 'Ottawa', region: 'ON', postalCode: 'K1A 0B1', country: 'CA', phone: null },
		billTo: null,
		shipping: { level: 'standard', label: 'Standard' },
		lines: [
			{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 20, lineTotal: 40 },
			{ lineId: '2', sku: 'TEE', title: 'Tee', quantity: 1, unitPrice: 10, lineTotal: 10 },
		],
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
	};
}

/** Completion times (ms from start) of every call, in completion order */
let lastDone: number[] = [];

async function run(count: number, inFlight: number, one: (i: number) => Promise<unknown>): Promise<number> {
	let next = 0;
	const t0 = nowMs();
	lastDone = [];
	await Promise.all(
		Array.from({ length: inFlight }, async () => {
			for (let i = next++; i < count; i = next++) {
				await one(i);
				lastDone.push(nowMs() - t0);
			}
		}),
	);
	return nowMs() - t0;
}

/** Orders per second past the initial burst a full window or bucket allows: (n - burst) / time of the last one */
function sustainedPerSec(burst: number): number {
	const n = lastDone.length;
	return ((n - burst) / lastDone[n - 1]) * 1000;
}

function deps(rateLimit: boolean): ProviderDeps {
	return { request: createAxiosRequest({ timeoutMs: 10_000 }), rateLimit, retry: { maxAttempts: 6 } };
}

async function main(): Promise<void> {
	const rows: Array<Record<string, string | number>> = [];
	let tag = 0;

	// 1. rate limit off
	{
		const sb = await startWmsSandbox({ shipbob: { rateLimit: false }, shiphero: { credits: false } });
		const providers: Array<[string, WmsProvider]> = [
			['shipbob', createWmsProvider('shipbob', { baseUrl: sb.baseUrls.shipbob, ...SANDBOX_CREDENTIALS.shipbob }, deps(false))],
			['shiphero', createWmsProvider('shiphero', { baseUrl: sb.baseUrls.shiphero, ...SANDBOX_CREDENTIALS.shiphero }, deps(false))],
			['extensiv', createWmsProvider('extensiv', { baseUrl: sb.baseUrls.extensiv, ...SANDBOX_CREDENTIALS.extensiv, customerId: 1, facilityId: 1 }, deps(false))],
			['generic', createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: SANDBOX_CREDENTIALS.generic.headerName, authHeaderValue: SANDBOX_CREDENTIALS.generic.apiKey }, deps(false))],
		];
		for (const [name, p] of providers) {
			await p.createOrder(makeOrder(`warm-${name}`), { reference: `warm-${name}`, shipmentNo: 1 });
			for (const inFlight of [1, 8]) {
				const t = ++tag;
				const ms = await run(N, inFlight, (i) => p.createOrder(makeOrder(`${t}-${i}`), { reference: `shopify:${t}-${i}`, shipmentNo: 1 }));
				rows.push({ provider: name, 'rate limit': 'off', 'in flight': inFlight, orders: N, 'orders/s': fmt((N / ms) * 1000), 'real-time equivalent': '-' });
			}
		}
		const created = ['shipbob', 'shiphero', 'extensiv', 'generic'].map((n) => sb.control.orders(n as never).length);
		if (created.some((c) => c !== 2 * N + 1)) throw new Error(`sandbox holds ${created.join('/')} orders, expected ${2 * N + 1} each`);
		await sb.close();
	}

	// 2. rate limit on, at the real numbers on a time scale (SCALE times faster)
	{
		const sbWindow = { limit: 150, windowMs: 60_000 / SCALE };
		const credits = { bucket: 4004, restorePerSec: 60 * SCALE };
		const sb = await startWmsSandbox({ shipbob: { rateLimit: sbWindow }, shiphero: { credits } });
		sharedLimiters.clear();
		const shipbob = createWmsProvider('shipbob', { baseUrl: sb.baseUrls.shipbob, ...SANDBOX_CREDENTIALS.shipbob, rateLimit: sbWindow }, deps(true));
		const shiphero = createWmsProvider('shiphero', { baseUrl: sb.baseUrls.shiphero, ...SANDBOX_CREDENTIALS.shiphero, credits }, deps(true));
		// ShipBob: 600 orders = four windows; the first 150 go at once (a full window), hence the second-half figure
		const sbCount = 600;
		let t = ++tag;
		let ms = await run(sbCount, 8, (i) => shipbob.createOrder(makeOrder(`${t}-${i}`), { reference: `shopify:${t}-${i}`, shipmentNo: 1 }));
		const sb429 = sb.control.calls({ provider: 'shipbob' }).filter((c) => c.status === 429).length;
		rows.push({ provider: 'shipbob', 'rate limit': `on (150/min, x${SCALE})`, 'in flight': 8, orders: sbCount, 'orders/s': fmt((sbCount / ms) * 1000), 'real-time equivalent': `${((sbCount / ms) * 1000 / SCALE).toFixed(2)}/s overall; past the first window ${((sustainedPerSec(150) * 60) / SCALE).toFixed(0)}/min; 429s: ${sb429}` });
		// ShipHero: each create costs a look-up (6 credits) and the mutation (5); the 4,004 bucket starts full
		const shCount = 1500;
		t = ++tag;
		ms = await run(shCount, 8, (i) => shiphero.createOrder(makeOrder(`${t}-${i}`), { reference: `shopify:${t}-${i}`, shipmentNo: 1 }));
		rows.push({ provider: 'shiphero', 'rate limit': `on (4004 credits, 60/s, x${SCALE})`, 'in flight': 8, orders: shCount, 'orders/s': fmt((shCount / ms) * 1000), 'real-time equivalent': `${((shCount / ms) * 1000 / SCALE).toFixed(2)}/s overall; past the full bucket ${(sustainedPerSec(Math.floor(4004 / 11)) / SCALE).toFixed(2)}/s (60 credits/s / 11 per create = ${(60 / 11).toFixed(2)}/s)` });
		await sb.close();
	}

	// 3. outbox overhead: pushOrder (SQLite outbox + status + annotation) vs a bare createOrder, alternating
	{
		const dir = mkdtempSync(join(tmpdir(), 'bench-wms-'));
		const store = await openSqliteStore(join(dir, 'oms.sqlite'));
		const sb = await startWmsSandbox({ shipbob: { rateLimit: false } });
		const p = createWmsProvider('shipbob', { baseUrl: sb.baseUrls.shipbob, ...SANDBOX_CREDENTIALS.shipbob }, deps(false));
		const batch = 100;
		const rounds = Math.max(1, Math.floor(N / batch));
		let bare = 0;
		let outbox = 0;
		const now = '2026-05-01T00:00:00.000Z';
		for (let r = 0; r < rounds; r++) {
			const t = ++tag;
			const orders = Array.from({ length: batch }, (_, i) => makeOrder(`${t}-o-${i}`));
			for (const o of orders) {
				await store.recordOrder(o);
				await store.setStatus(o.omsId, 'ready');
			}
			let t0 = nowMs();
			for (let i = 0; i < batch; i++) await p.createOrder(makeOrder(`${t}-b-${i}`), { reference: `shopify:${t}-b-${i}`, shipmentNo: 1 });
			bare += nowMs() - t0;
			t0 = nowMs();
			for (const o of orders) {
				const res = await pushOrder(store, p, o, { now });
				if (res.outcome !== 'created') throw new Error(`push ${o.omsId}: ${res.outcome} ${res.error}`);
			}
			outbox += nowMs() - t0;
		}
		const n = rounds * batch;
		rows.push({ provider: 'shipbob', 'rate limit': 'off', 'in flight': 1, orders: n, 'orders/s': `bare ${fmt((n / bare) * 1000)}`, 'real-time equivalent': '-' });
		rows.push({ provider: 'shipbob', 'rate limit': 'off', 'in flight': 1, orders: n, 'orders/s': `outbox ${fmt((n / outbox) * 1000)}`, 'real-time equivalent': `outbox/bare time ratio ${(outbox / bare).toFixed(2)} (+${((outbox - bare) / n).toFixed(2)} ms per order)` });
		await sb.close();
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	}

	console.log(`bench/wms push (${N} orders per run, Node ${process.versions.node})`);
	console.log(table(rows));
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
