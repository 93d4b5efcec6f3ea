/**
 * Starts every channel sandbox on a free loopback port.
 *
 *   bash scripts/with-node24.sh npx ts-node --transpile-only test/sandbox/start.ts [--orders 200] [--seed 42] [--time-scale 1]
 *
 * Programmatic:
 *   const sb = await startSandboxes({ ordersPerChannel: 50, seed: 42, timeScale: 0.01 });
 *   sb.urls.amazon                       base URL to put in the credential's base-URL field
 *   sb.credentials.amazon                credentials the sandbox accepts (baseUrl filled in)
 *   sb.sandboxes.shopify.calls           every recorded call; .received.* what arrived; .inject({...}) faults
 *   sb.deliverWebhook('shopify', order, { times, duplicates, forge, replayOf, url })
 *   sb.groundTruth                       planted fraud patterns by omsId
 *   await sb.close()
 * WMS: `wms: true` (or WmsSandboxOptions; CLI `--wms`) also starts test/sandbox/wms (ShipBob, ShipHero, Extensiv,
 * Generic REST on one port): `sb.wms` is its handle (baseUrls, control), `sb.wmsUrls` its base URLs.
 * Any other server: `extra: [async () => ({ name, url, close })]`; their URLs appear in `sb.extraUrls`.
 */
import { generateOrders, type GroundTruthRow, type SeedOrder } from './generator';
import type { SandboxOptions } from './common';
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from './channels/shopify';
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from './channels/amazon';
import { EbaySandbox, EBAY_SANDBOX_CREDENTIALS } from './channels/ebay';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from './channels/woocommerce';
import { WalmartSandbox, WALMART_SANDBOX_CREDENTIALS } from './channels/walmart';
import type { WmsSandbox, WmsSandboxOptions } from './wms';
import { smtpCredentialData, startSmtpSink } from '../../scripts/smtp-sink';

export interface StartOptions extends SandboxOptions {
	ordersPerChannel?: number;
	seed?: number;
	fraudRate?: number;
	/** per-channel overrides of SandboxOptions */
	perChannel?: Partial<Record<'shopify' | 'amazon' | 'ebay' | 'woocommerce' | 'walmart', SandboxOptions>>;
	extra?: Array<() => Promise<{ name: string; url: string; close: () => Promise<void> }>>;
	/** Start the WMS sandbox too (true, or its options; its timeScale defaults to this one's) */
	wms?: boolean | WmsSandboxOptions;
}

/**
 * Feeds in seconds (1 s queued, 2 s processing) instead of the sandboxes' assumed minutes (Amazon 30 s + 120 s,
 * Walmart 1 + 5 min, one at a time). For real-time runs (e2e, demo, load) where a catalogue push (20 SKUs or more go
 * by feed on Amazon and Walmart) or an Amazon cancellation (an order acknowledgement feed) would otherwise hold its
 * execution, and the quantity pushes queued behind it, for minutes. Everything still goes through the feeds.
 */
export function quickFeeds(sb: Pick<Sandboxes, 'sandboxes'>): void {
	sb.sandboxes.amazon.jobTiming.feeds = { queueMs: 1_000, processMs: 2_000 };
	sb.sandboxes.walmart.jobTiming = { queueMs: 1_000, processMs: 2_000 };
}

export async function startSandboxes(opts: StartOptions = {}) {
	const base: SandboxOptions = { timeScale: opts.timeScale, tokenLifetimeSec: opts.tokenLifetimeSec, rateLimits: opts.rateLimits };
	const o = (ch: keyof NonNullable<StartOptions['perChannel']>) => ({ ...base, ...(opts.perChannel?.[ch] ?? {}) });
	const sandboxes = {
		shopify: new ShopifySandbox(o('shopify')),
		amazon: new AmazonSandbox(o('amazon')),
		ebay: new EbaySandbox(o('ebay')),
		woocommerce: new WooCommerceSandbox(o('woocommerce')),
		walmart: new WalmartSandbox(o('walmart')),
	};
	const gen = generateOrders({ seed: opts.seed ?? 42, perChannel: opts.ordersPerChannel ?? 50, fraudRate: opts.fraudRate });
	for (const [ch, sb] of Object.entries(sandboxes)) sb.addOrders(gen.byChannel[ch as keyof typeof sandboxes] ?? []);
	const urls = {
		shopify: await sandboxes.shopify.start(),
		amazon: await sandboxes.amazon.start(),
		ebay: await sandboxes.ebay.start(),
		woocommerce: await sandboxes.woocommerce.start(),
		walmart: await sandboxes.walmart.start(),
	};
	const extras: Array<{ name: string; url: string; close: () => Promise<void> }> = [];
	for (const s of opts.extra ?? []) extras.push(await s());
	let wms: WmsSandbox | undefined;
	if (opts.wms) {
		// loaded only when asked for, so the channel sandboxes do not depend on the WMS one
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { startWmsSandbox } = require('./wms') as typeof import('./wms');
		wms = await startWmsSandbox({ timeScale: opts.timeScale, ...(typeof opts.wms === 'object' ? opts.wms : {}) });
	}
	// the mail server of the templates' Send Email nodes (credential "OMS SMTP"): it catches every mail, sends none
	const smtp = await startSmtpSink();
	const credentials = {
		smtp: smtpCredentialData(smtp),
		shopify: { ...SHOPIFY_SANDBOX_CREDENTIALS, baseUrl: urls.shopify },
		amazon: { ...AMAZON_SANDBOX_CREDENTIALS, baseUrl: urls.amazon },
		ebay: { ...EBAY_SANDBOX_CREDENTIALS, baseUrl: urls.ebay },
		woocommerce: { ...WOO_SANDBOX_CREDENTIALS, storeUrl: urls.woocommerce, baseUrl: urls.woocommerce },
		walmart: { ...WALMART_SANDBOX_CREDENTIALS, baseUrl: urls.walmart },
	};
	return {
		urls,
		extraUrls: Object.fromEntries(extras.map((e) => [e.name, e.url])),
		wms,
		wmsUrls: wms?.baseUrls,
		smtp,
		sandboxes,
		credentials,
		orders: gen.byChannel,
		groundTruth: gen.groundTruth as GroundTruthRow[],
		deliverWebhook(channel: 'shopify' | 'woocommerce', order: SeedOrder | string, o2: Parameters<ShopifySandbox['deliverWebhook']>[1] & Parameters<WooCommerceSandbox['deliverWebhook']>[1] = {}) {
			return channel === 'shopify' ? sandboxes.shopify.deliverWebhook(order, o2) : sandboxes.woocommerce.deliverWebhook(order, o2);
		},
		async close() {
			await Promise.all([...Object.values(sandboxes).map((s) => s.close()), ...extras.map((e) => e.close()), ...(wms ? [wms.close()] : []), smtp.close()]);
		},
	};
}

export type Sandboxes = Awaited<ReturnType<typeof startSandboxes>>;

if (require.main === module) {
	const arg = (name: string, d: number) => {
		const i = process.argv.indexOf(`--${name}`);
		return i > 0 ? Number(process.argv[i + 1]) : d;
	};
	startSandboxes({ ordersPerChannel: arg('orders', 200), seed: arg('seed', 42), timeScale: arg('time-scale', 1), wms: process.argv.includes('--wms') }).then((sb) => {
		console.log('Channel sandboxes on loopback:');
		for (const [k, v] of Object.entries(sb.urls)) console.log(`  ${k.padEnd(12)} ${v}`);
		for (const [k, v] of Object.entries(sb.wmsUrls ?? {})) console.log(`  wms:${k.padEnd(8)} ${v}`);
		for (const [k, v] of Object.entries(sb.extraUrls)) console.log(`  ${k.padEnd(12)} ${v}`);
		console.log('Credentials (sandbox values):');
		console.log(JSON.stringify(sb.credentials, null, 2));
		console.log(`Planted fraud rows: ${sb.groundTruth.length}. Ctrl-C to stop.`);
		const stop = () => void sb.close().then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	});
}
