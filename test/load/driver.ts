/**
 * The load test's driver: a burst of orders across the five channels, shaped for one contested SKU, and forged
 * webhook requests built by hand (never through the sandbox, which would also list the order on the channel and let
 * reconciliation find it). Kept small; scripts/demo.ts has the demo's own driver.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { CATALOG, generateOrders, type SeedChannel, type SeedOrder } from '../sandbox/generator';

export const CHANNELS: SeedChannel[] = ['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart'];

/** Runs fn over items with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const run = async () => {
		for (;;) {
			const i = next++;
			if (i >= items.length) return;
			await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

/**
 * `perChannel` orders a channel (a number, or one per channel) placed over the last hour (ending 3 minutes ago: Amazon hides the last 2 minutes),
 * every one holding exactly one unit of `sku` (its first line), so that they all compete for it.
 */
export function contestedBurst(opts: { seed: number; perChannel: number | Partial<Record<SeedChannel, number>>; sku: string }): Record<SeedChannel, SeedOrder[]> {
	const now = Date.now();
	const counts = typeof opts.perChannel === 'number' ? Object.fromEntries(CHANNELS.map((c) => [c, opts.perChannel])) : opts.perChannel;
	const most = Math.max(...CHANNELS.map((c) => Number(counts[c] ?? 0)));
	const gen = generateOrders({ seed: opts.seed, perChannel: most, fraudRate: 0, from: new Date(now - 60 * 60_000).toISOString(), to: new Date(now - 3 * 60_000).toISOString() });
	const title = CATALOG.find((c) => c.sku === opts.sku)?.title ?? opts.sku;
	for (const ch of CHANNELS) {
		gen.byChannel[ch] = (gen.byChannel[ch] ?? []).slice(0, Number(counts[ch] ?? 0));
		for (const o of gen.byChannel[ch]) {
			o.lines = o.lines.filter((l, i) => i === 0 || l.sku !== opts.sku);
			o.lines[0] = { ...o.lines[0], sku: opts.sku, title, quantity: 1 };
		}
	}
	return gen.byChannel;
}

export interface ForgedRequest {
	what: string;
	url: string;
	headers: Record<string, string>;
	body: string;
}

const b64hmac = (body: string, secret: string) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

/**
 * Requests that must all be refused: a bad signature, no signature header, and a replay of a delivery captured a
 * day ago (correctly signed, but older than the trigger's Max Age of 24 hours), for Shopify; a bad and a missing
 * signature for WooCommerce.
 */
export function forgedRequests(o: {
	shopifyUrl: string;
	wooUrl: string;
	shopifyBody: string;
	wooBody: string;
	shopDomain: string;
	shopifySecret: string;
	wooSource: string;
}): ForgedRequest[] {
	const shopifyHeaders = (triggeredAt: string, hmac?: string): Record<string, string> => ({
		'content-type': 'application/json',
		'x-shopify-topic': 'orders/create',
		'x-shopify-shop-domain': o.shopDomain,
		'x-shopify-api-version': '2025-10',
		'x-shopify-webhook-id': randomUUID(),
		'x-shopify-event-id': randomUUID(),
		'x-shopify-triggered-at': triggeredAt,
		...(hmac ? { 'x-shopify-hmac-sha256': hmac } : {}),
	});
	const fresh = new Date().toISOString();
	const dayOld = new Date(Date.now() - 25 * 3600_000).toISOString();
	const wooHeaders = (signature?: string): Record<string, string> => ({
		'content-type': 'application/json',
		'x-wc-webhook-source': o.wooSource,
		'x-wc-webhook-topic': 'order.created',
		'x-wc-webhook-resource': 'order',
		'x-wc-webhook-event': 'created',
		'x-wc-webhook-id': '1',
		'x-wc-webhook-delivery-id': randomUUID(),
		...(signature ? { 'x-wc-webhook-signature': signature } : {}),
	});
	return [
		{ what: 'Shopify, signed with the wrong secret', url: o.shopifyUrl, headers: shopifyHeaders(fresh, b64hmac(o.shopifyBody, 'shpss_not_the_secret')), body: o.shopifyBody },
		{ what: 'Shopify, no X-Shopify-Hmac-Sha256', url: o.shopifyUrl, headers: shopifyHeaders(fresh), body: o.shopifyBody },
		{ what: 'Shopify, a day-old delivery replayed', url: o.shopifyUrl, headers: shopifyHeaders(dayOld, b64hmac(o.shopifyBody, o.shopifySecret)), body: o.shopifyBody },
		{ what: 'Shopify, body changed after signing', url: o.shopifyUrl, headers: shopifyHeaders(fresh, b64hmac(o.shopifyBody, o.shopifySecret)), body: o.shopifyBody.replace(/"total_price":"[^"]*"/, '"total_price":"0.01"') },
		{ what: 'WooCommerce, signed with the wrong secret', url: o.wooUrl, headers: wooHeaders(b64hmac(o.wooBody, 'not-the-secret')), body: o.wooBody },
		{ what: 'WooCommerce, no X-WC-Webhook-Signature', url: o.wooUrl, headers: wooHeaders(), body: o.wooBody },
	];
}

/** Every string in the credentials' data that is a secret (by field name), for the log and output scan. */
export function secretValues(credentials: Array<{ data: Record<string, unknown> }>): string[] {
	const out = new Set<string>();
	for (const c of credentials) {
		for (const [k, v] of Object.entries(c.data)) {
			if (typeof v === 'string' && v.length >= 8 && /secret|token|password|key/i.test(k) && !/keyid|marketplace/i.test(k)) out.add(v);
		}
	}
	return [...out];
}
