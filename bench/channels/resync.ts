/**
 * Resync benchmark: a full quantity resync of a catalogue (default 50,000 SKUs) to each channel sandbox through the
 * client's setAvailableQuantities, with the channel's documented limits (and, for the feed channels, its feed
 * processing times ⚠) scaled in time, as bench/channels/pull.ts does. Prints per channel: the calls made, failed
 * calls, SKUs refused, 429s absorbed, the scaled wall time and its real-time equivalent (wall time / time scale).
 * Target: within 15 minutes real-time equivalent per channel, 0 failed calls, 0 SKUs refused.
 *
 *   bash scripts/with-node24.sh npx ts-node --transpile-only bench/channels/resync.ts [--skus 50000] [--channels amazon,walmart]
 *
 * What each channel does with 50,000 SKUs (unscaled limits):
 * - Amazon: 5 JSON_LISTINGS_FEEDs of 10,000 messages ✔, all submitted, then waited for; createFeed 0.0083 rps burst
 *   15 ✔, getFeed 2 rps ✔; the sandbox queues a feed 30 s and processes it 120 s ⚠ (Amazon documents no time), one
 *   feed at a time per type: 30 s + 5 × 120 s = 10.5 min at best.
 * - Walmart: 1 bulk inventory feed (≈3 MB of the 5 MB allowed ✔), 10 feeds an hour ✔; queued 1 min and processed
 *   5 min ⚠ (Walmart: up to 30 minutes ✔, the worst case is 30 min, over the target: see the printed note).
 * - eBay: 2,000 bulkUpdatePriceQuantity calls of 25 ✔ at 5 rps burst 10 ⚠ (eBay publishes daily quotas only).
 * - Shopify: 500 inventoryItems lookups of 100 SKUs and 200 inventorySetQuantities of 250 ✔, 100 points/s restore,
 *   2,000-point bucket ✔/⚠, with the sandbox's cost model ⚠ (a lookup costs 2 + 1 per item, a mutation 10).
 * - WooCommerce: 500 product lookups of 100 SKUs and 500 products/batch of 100 ✔, at a host/WAF limit of 10 rps
 *   burst 10 ⚠ (core has none).
 */
import { performance } from 'node:perf_hooks';
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/amazon';
import { EbaySandbox, EBAY_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/ebay';
import { WalmartSandbox, WALMART_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/walmart';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/woocommerce';
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from '../../test/sandbox/channels/shopify';
import type { SandboxBase } from '../../test/sandbox/common';
import type { SeedChannel } from '../../test/sandbox/generator';
import { createChannelClient } from '../../lib/channels/clients';
import type { ClientOptions, QuantityUpdate } from '../../lib/channels/types';
import { createAxiosRequest } from '../../lib/http/axios';
import { LimiterRegistry } from '../../lib/http/limiters';
import { TokenCache } from '../../lib/http/token-cache';

const arg = (name: string, d: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : d;
};
const N = Number(arg('skus', '50000'));
const only = arg('channels', 'amazon,walmart,ebay,shopify,woocommerce').split(',') as SeedChannel[];
const TARGET_MIN = 15;

interface Case {
	channel: SeedChannel;
	timeScale: number;
	sandbox: (ts: number) => SandboxBase;
	creds: (url: string) => unknown;
	/** the catalogue as the channel knows it */
	seed: (sb: SandboxBase, skus: string[]) => void;
	/** the quantity the channel shows for a SKU after the run */
	shows: (sb: SandboxBase, sku: string) => number | null | undefined;
	limits?: ClientOptions['limits'];
}

const CASES: Case[] = [
	{
		channel: 'amazon', timeScale: 0.01,
		sandbox: (ts) => new AmazonSandbox({ timeScale: ts }), creds: (url) => ({ ...AMAZON_SANDBOX_CREDENTIALS, baseUrl: url }),
		seed: () => undefined, shows: (sb, sku) => (sb as AmazonSandbox).quantities.get(sku)?.quantity,
	},
	{
		channel: 'walmart', timeScale: 0.01,
		sandbox: (ts) => new WalmartSandbox({ timeScale: ts }), creds: (url) => ({ ...WALMART_SANDBOX_CREDENTIALS, baseUrl: url }),
		seed: () => undefined, shows: (sb, sku) => (sb as WalmartSandbox).quantities.get(sku)?.quantity,
	},
	{
		channel: 'ebay', timeScale: 0.05,
		sandbox: (ts) => new EbaySandbox({ timeScale: ts }), creds: (url) => ({ ...EBAY_SANDBOX_CREDENTIALS, baseUrl: url }),
		seed: (sb, skus) => (sb as EbaySandbox).addSkus(skus), shows: (sb, sku) => (sb as EbaySandbox).quantities.get(sku)?.quantity,
	},
	{
		channel: 'shopify', timeScale: 0.02,
		sandbox: (ts) => new ShopifySandbox({ timeScale: ts }), creds: (url) => ({ ...SHOPIFY_SANDBOX_CREDENTIALS, baseUrl: url }),
		seed: (sb, skus) => (sb as ShopifySandbox).addCatalogItems(skus, 1),
		shows: (() => {
			let snap: Record<string, number> | undefined;
			return (sb: SandboxBase, sku: string) => (snap ??= (sb as ShopifySandbox).quantitiesBySku())[sku];
		})(),
	},
	{
		channel: 'woocommerce', timeScale: 0.1, limits: { rest: { ratePerSec: 10, burst: 10 } },
		sandbox: (ts) => new WooCommerceSandbox({ timeScale: ts, rateLimits: { rest: { ratePerSec: 10, burst: 10 } } }),
		creds: (url) => ({ ...WOO_SANDBOX_CREDENTIALS, storeUrl: url }),
		seed: (sb, skus) => (sb as WooCommerceSandbox).addProducts(skus),
		shows: (() => {
			let snap: Record<string, number | null> | undefined;
			return (sb: SandboxBase, sku: string) => (snap ??= (sb as WooCommerceSandbox).quantitiesBySku())[sku];
		})(),
	},
];

interface Row {
	channel: string;
	skus: number;
	calls: number;
	failed: number;
	refused: number;
	throttled: number;
	wrong: number;
	timeScale: number;
	wallS: number;
	realMin: number;
}

async function run(cs: Case): Promise<Row> {
	const skus = Array.from({ length: N }, (_, i) => `RS-${String(i).padStart(6, '0')}`);
	const items: QuantityUpdate[] = skus.map((sku, i) => ({ sku, quantity: (i * 7) % 50 }));
	const sb = cs.sandbox(cs.timeScale);
	const url = await sb.start();
	cs.seed(sb, skus);
	const request = createAxiosRequest({ timeoutMs: 120_000 });
	try {
		sb.resetLimits();
		sb.resetCalls();
		const client = createChannelClient(cs.channel, cs.creds(url) as never, request, {
			timeScale: cs.timeScale, tokens: new TokenCache(), limiters: new LimiterRegistry(), limits: cs.limits, retry: { timeScale: cs.timeScale },
		});
		const t0 = performance.now();
		const res = await client.setAvailableQuantities(items);
		const wall = performance.now() - t0;
		const refused = res.filter((r) => !r.ok);
		if (refused.length) console.error(`${cs.channel}: ${refused.length} SKUs refused, e.g. ${refused[0].sku}: ${refused[0].error}`);
		// what the channel shows afterwards: every SKU at the quantity sent
		const wrong = items.filter((it) => cs.shows(sb, it.sku) !== it.quantity).length;
		return {
			channel: cs.channel, skus: N, calls: sb.calls.length, failed: client.stats.failed, refused: refused.length, throttled: client.stats.throttled, wrong,
			timeScale: cs.timeScale, wallS: wall / 1000, realMin: wall / cs.timeScale / 60_000,
		};
	} finally {
		await sb.close();
	}
}

(async () => {
	const rows: Row[] = [];
	for (const cs of CASES.filter((c) => only.includes(c.channel))) rows.push(await run(cs));
	const head = ['channel', 'SKUs', 'calls', 'failed calls', 'SKUs refused', 'SKUs not shown', '429s absorbed', 'time scale', 'scaled wall s', 'real-time min'];
	const lines = rows.map((r) => [r.channel, String(r.skus), String(r.calls), String(r.failed), String(r.refused), String(r.wrong), String(r.throttled), String(r.timeScale), r.wallS.toFixed(2), r.realMin.toFixed(1)]);
	const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const fmt = (l: string[]) => '| ' + l.map((x, i) => x.padEnd(w[i])).join(' | ') + ' |';
	console.log(`Full quantity resync of ${N} SKUs per channel sandbox, limits scaled in time (target <= ${TARGET_MIN} min real-time equivalent, 0 failed calls)`);
	console.log(fmt(head));
	console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
	for (const l of lines) console.log(fmt(l));
	console.log('Feed processing times are the sandboxes\' assumptions ⚠ (Amazon 30 s + 120 s a feed, one at a time; Walmart 1 + 5 min, documented as up to 30 min).');
	const bad = rows.filter((r) => r.failed > 0 || r.refused > 0 || r.wrong > 0 || !(r.realMin <= TARGET_MIN));
	console.log(bad.length ? `Above target: ${bad.map((r) => r.channel).join(', ')}` : 'All channels within target.');
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
