/**
 * Raw orders per channel, in every input form normalizeOrder accepts, built from the vendor example bodies in
 * test/fixtures/vendor-payloads (see its PROVENANCE.md) and the constructed fixtures in test/fixtures/channels.
 * Shared by the fuzz tests and bench/channels/normalize.ts.
 */
import * as fs from 'fs';
import * as path from 'path';

export const PAYLOADS_DIR = path.resolve(__dirname, '../../fixtures/vendor-payloads');
export const FIXTURES_DIR = path.resolve(__dirname, '../../fixtures/channels');

/**
 * A parsed JSON payload. Tests reach into vendor bodies and mutate them freely; typing every vendor schema
 * would add nothing the normalisers do not already check at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Payload = any;

export function read(dir: string, file: string): Payload {
	return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
}

export type SeedChannel = 'shopify' | 'amazon' | 'ebay' | 'woocommerce' | 'walmart';

/** channel -> list of raw inputs that normalise to a valid order */
export function loadSeeds(): Record<SeedChannel, unknown[]> {
	const v = (f: string) => read(PAYLOADS_DIR, f);
	const fx = (f: string) => read(FIXTURES_DIR, f);

	const shopify: unknown[] = [];
	for (const f of ['shopify-rest-order-get.json', 'shopify-rest-order-create-response.json', 'shopify-rest-order-create-response-eur.json']) {
		shopify.push(v(f), v(f).order);
	}
	shopify.push(fx('shopify-graphql-order.json'), fx('shopify-graphql-order.json').data.order);
	for (const e of fx('shopify-graphql-orders-page.json').data.orders.edges) shopify.push(e.node);

	const amazon: unknown[] = [];
	for (const f of ['amazon-searchOrders-2026-01-01.json', 'amazon-searchOrders-2026-01-01-sandbox-1.json', 'amazon-searchOrders-2026-01-01-sandbox-2.json', 'amazon-searchOrders-2026-01-01-sandbox-3.json']) {
		amazon.push(...v(f).orders);
	}
	for (const f of ['amazon-getOrder-2026-01-01.json', 'amazon-getOrder-2026-01-01-sandbox-1.json', 'amazon-getOrder-2026-01-01-sandbox-2.json', 'amazon-getOrder-2026-01-01-sandbox-3.json']) {
		amazon.push(v(f));
	}
	const items1 = v('amazon-v0-getOrderItems-sandbox-1.json');
	amazon.push({
		order: v('amazon-v0-getOrder-sandbox-1.json'),
		items: items1,
		address: v('amazon-v0-getOrderAddress-sandbox-1.json'),
		buyerInfo: v('amazon-v0-getOrderBuyerInfo-sandbox-1.json'),
	});
	amazon.push({ ...v('amazon-v0-getOrder-sandbox-1.json').payload, OrderItems: items1.payload.OrderItems });
	amazon.push({
		order: v('amazon-v0-getOrder.json'),
		items: v('amazon-v0-getOrderItems.json').payload.OrderItems,
		address: v('amazon-v0-getOrderAddress.json'),
		buyerInfo: v('amazon-v0-getOrderBuyerInfo.json'),
	});
	for (const f of ['amazon-v0-getOrders.json', 'amazon-v0-getOrders-sandbox-1.json', 'amazon-v0-getOrders-sandbox-2.json']) {
		for (const order of v(f).payload.Orders) amazon.push({ order, items: items1.payload.OrderItems });
	}

	const ebay: unknown[] = [...fx('ebay-getOrders.json').orders];

	const woocommerce: unknown[] = [v('woocommerce-order.json'), ...v('woocommerce-orders-list.json')];

	const walmart: unknown[] = [v('walmart-order.json'), v('walmart-order-attributes.json')];
	for (const f of ['walmart-orders.json', 'walmart-orders-released.json']) walmart.push(...v(f).list.elements.order);

	return { shopify, amazon, ebay, woocommerce, walmart };
}

/** A place in a parsed JSON payload: an object's key or an array's index (what the fuzz mutations act on). */
export type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every place in a payload, depth first (nesting past 40 levels is not walked). */
export function slots(root: unknown): Slot[] {
	const out: Slot[] = [];
	const walk = (v: unknown, depth: number) => {
		if (depth > 40 || typeof v !== 'object' || v === null) return;
		if (Array.isArray(v)) {
			v.forEach((x, i) => {
				out.push({ parent: v, key: i });
				walk(x, depth + 1);
			});
		} else {
			for (const k of Object.keys(v)) {
				out.push({ parent: v as Record<string, unknown>, key: k });
				walk((v as Record<string, unknown>)[k], depth + 1);
			}
		}
	};
	walk(root, 0);
	return out;
}
