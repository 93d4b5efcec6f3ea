/**
 * Pull benchmark: time to pull N orders (default 10,000) from each channel sandbox with its rate limits scaled in
 * time, against the floor those limits allow (a full token bucket's own minimum time for the calls made, at the
 * same scale), printed as actual / floor (target <= 1.1) with the failed calls (target 0) and the 429s absorbed.
 *
 *   bash scripts/with-node24.sh npx ts-node --transpile-only bench/channels/pull.ts [--orders 10000] [--channels amazon,ebay]
 *
 * Limits used (unscaled): Amazon searchOrders 0.0056 rps burst 20 ✔; eBay getOrders 5 rps burst 10 ⚠ (eBay
 * publishes daily quotas only); Walmart getAllOrders 1 rps burst 20 ⚠; WooCommerce a host/WAF limit of 10 rps
 * burst 10 ⚠ (core has none); Shopify GraphQL 100 points/s restore, 2,000-point bucket ⚠, with the sandbox's cost
 * model (floor = (sum of actual costs before the last query + its requested cost - 2,000) / restore rate).
 */
import { performance } from 'node:perf_hooks';
import { generateOrders, type SeedChannel } from '../../test/sandbox/generator';
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/amazon';
import { EbaySandbox, EBAY_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/ebay';
import { WalmartSandbox, WALMART_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/walmart';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/woocommerce';
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/shopify';
import type { SandboxBase } from '../../test/sandbox/common';
import { createChannelClient } from '../../lib/channels/clients';
import type { ChannelClient, ClientOptions } from '../../lib/channels/types';
import { createAxiosRequest } from '../../lib/http/axios';
import { LimiterRegistry, TokenBucket } from '../../lib/http/limiters';
import { TokenCache } from '../../lib/http/token-cache';
import { AMAZON_MAX_PAGE } from '../../lib/channels/amazon/client';
import { EBAY_MAX_PAGE } from '../../lib/channels/ebay/client';
import { WALMART_MAX_PAGE } from '../../lib/channels/walmart/client';
import { WOO_MAX_PAGE } from '../../lib/channels/woocommerce/client';

const arg = (name: string, d: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : d;
};
const N = Number(arg('orders', '10000'));
const only = arg('channels', 'amazon,ebay,walmart,shopify,woocommerce').split(',') as SeedChannel[];

interface Row {
	channel: string;
	orders: number;
	pages: number;
	calls: number;
	throttled: number;
	failed: number;
	floorS: number;
	actualS: number;
	ratio: number;
	timeScale: number;
}

interface Case {
	channel: SeedChannel;
	timeScale: number;
	sandbox: (ts: number) => SandboxBase & { addOrders(o: ReturnType<typeof generateOrders>['byChannel']['amazon']): void };
	creds: (url: string) => unknown;
	limits?: ClientOptions['limits'];
	/** a call that only fetches the token (another operation's budget) */
	warm: (c: ChannelClient, firstId: string) => Promise<unknown>;
	floorMs: (sb: SandboxBase, pages: number, ts: number) => number;
	listPath: string;
}

const bucketFloor = (rate: number, burst: number) => (_sb: SandboxBase, pages: number, ts: number) => TokenBucket.minimumTimeMs(pages, rate / ts, burst);

const CASES: Case[] = [
	{
		channel: 'amazon', timeScale: 0.0003, listPath: '/orders/2026-01-01/orders',
		sandbox: (ts) => new AmazonSandbox({ timeScale: ts }), creds: (url) => ({ ...AMAZON_SANDBOX_CREDENTIALS, baseUrl: url }),
		warm: (c, id) => c.getOrder(id), floorMs: bucketFloor(0.0056, 20),
	},
	{
		channel: 'ebay', timeScale: 0.5, listPath: '/sell/fulfillment/v1/order',
		sandbox: (ts) => new EbaySandbox({ timeScale: ts }), creds: (url) => ({ ...EBAY_SANDBOX_CREDENTIALS, baseUrl: url }),
		warm: (c, id) => c.getOrder(id), floorMs: bucketFloor(5, 10),
	},
	{
		channel: 'walmart', timeScale: 0.15, listPath: '/v3/orders',
		sandbox: (ts) => new WalmartSandbox({ timeScale: ts }), creds: (url) => ({ ...WALMART_SANDBOX_CREDENTIALS, baseUrl: url }),
		warm: (c, id) => c.getOrder(id), floorMs: bucketFloor(1, 20),
	},
	{
		channel: 'shopify', timeScale: 0.006, listPath: '/graphql.json',
		sandbox: (ts) => new ShopifySandbox({ timeScale: ts }), creds: (url) => ({ ...SHOPIFY_SANDBOX_CREDENTIALS, baseUrl: url }),
		warm: async () => undefined,
		floorMs: (sb, _pages, ts) => {
			const log = (sb as ShopifySandbox).costLog;
			const before = log.slice(0, -1).reduce((s, x) => s + x.actual, 0);
			return (Math.max(0, before + (log.at(-1)?.requested ?? 0) - 2000) / (100 / ts)) * 1000;
		},
	},
	{
		channel: 'woocommerce', timeScale: 0.5, listPath: '/wp-json/wc/v3/orders', limits: { rest: { ratePerSec: 10, burst: 10 } },
		sandbox: (ts) => new WooCommerceSandbox({ timeScale: ts, rateLimits: { rest: { ratePerSec: 10, burst: 10 } } }),
		creds: (url) => ({ ...WOO_SANDBOX_CREDENTIALS, storeUrl: url }),
		warm: async () => undefined, floorMs: bucketFloor(10, 10),
	},
];

async function run(cs: Case): Promise<Row> {
	const orders = generateOrders({ seed: 1, perChannel: N, channels: [cs.channel], fraudRate: 0.02 }).byChannel[cs.channel];
	const sb = cs.sandbox(cs.timeScale);
	const url = await sb.start();
	sb.addOrders(orders);
	const request = createAxiosRequest({ timeoutMs: 30_000 });
	const tokens = new TokenCache();
	try {
		const warmClient = createChannelClient(cs.channel, cs.creds(url) as never, request, { timeScale: cs.timeScale, tokens, limiters: new LimiterRegistry(), limits: cs.limits });
		await cs.warm(warmClient, orders[0].id);
		sb.resetLimits();
		sb.resetCalls();
		const client = createChannelClient(cs.channel, cs.creds(url) as never, request, {
			timeScale: cs.timeScale, tokens, limiters: new LimiterRegistry(), limits: cs.limits, retry: { timeScale: cs.timeScale },
		});
		const t0 = performance.now();
		const r = await client.listOrdersSince(null, { lookbackFrom: '2020-01-01T00:00:00Z' });
		const actual = performance.now() - t0;
		if (r.orders.length !== N) throw new Error(`${cs.channel}: pulled ${r.orders.length} of ${N}`);
		const calls = sb.callsTo(cs.listPath).length;
		const floor = cs.floorMs(sb, r.pages, cs.timeScale);
		return {
			channel: cs.channel, orders: r.orders.length, pages: r.pages, calls, throttled: client.stats.throttled, failed: client.stats.failed,
			floorS: floor / 1000, actualS: actual / 1000, ratio: floor > 0 ? actual / floor : NaN, timeScale: cs.timeScale,
		};
	} finally {
		await sb.close();
	}
}

(async () => {
	const rows: Row[] = [];
	for (const cs of CASES.filter((c) => only.includes(c.channel))) rows.push(await run(cs));
	const pageSizes: Record<string, number> = { amazon: AMAZON_MAX_PAGE, ebay: EBAY_MAX_PAGE, walmart: WALMART_MAX_PAGE, woocommerce: WOO_MAX_PAGE, shopify: 19 };
	const head = ['channel', 'orders', 'page', 'pages', 'calls', '429s absorbed', 'failed', 'time scale', 'floor s', 'actual s', 'ratio'];
	const lines = rows.map((r) => [r.channel, String(r.orders), String(pageSizes[r.channel]), String(r.pages), String(r.calls), String(r.throttled), String(r.failed), String(r.timeScale), r.floorS.toFixed(2), r.actualS.toFixed(2), r.ratio.toFixed(3)]);
	const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const fmt = (l: string[]) => '| ' + l.map((x, i) => x.padEnd(w[i])).join(' | ') + ' |';
	console.log(`Pull ${N} orders per channel sandbox, rate limits scaled in time (target ratio <= 1.1, 0 failed)`);
	console.log(fmt(head));
	console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
	for (const l of lines) console.log(fmt(l));
	const bad = rows.filter((r) => r.failed > 0 || !(r.ratio <= 1.1));
	console.log(bad.length ? `Above target: ${bad.map((r) => r.channel).join(', ')}` : 'All channels within target.');
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
