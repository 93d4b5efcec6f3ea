/**
 * The sandboxes' bodies have the vendors' shape: their keys are the keys of the vendor-published examples in
 * test/fixtures/vendor-payloads (vendor examples, see its PROVENANCE.md), and every generated order normalises.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateOrders } from '../../sandbox/generator';
import { ShopifySandbox } from '../../sandbox/channels/shopify';
import { AmazonSandbox } from '../../sandbox/channels/amazon';
import { EbaySandbox } from '../../sandbox/channels/ebay';
import { WooCommerceSandbox } from '../../sandbox/channels/woocommerce';
import { WalmartSandbox } from '../../sandbox/channels/walmart';
import { normalizeOrder } from '../../../lib/channels/normalize';
import { PAYLOADS_DIR } from './payload-seeds';

const PAYLOADS = PAYLOADS_DIR;
const load = (f: string) => JSON.parse(fs.readFileSync(path.join(PAYLOADS, f), 'utf8'));
type Obj = Record<string, unknown>;
const keys = (o: unknown) => Object.keys(o as Obj).sort();

function keyPaths(o: unknown, prefix = '', out = new Set<string>()): Set<string> {
	if (Array.isArray(o)) {
		for (const x of o) keyPaths(x, `${prefix}[]`, out);
	} else if (o && typeof o === 'object') {
		for (const [k, v] of Object.entries(o)) {
			out.add(`${prefix}.${k}`);
			keyPaths(v, `${prefix}.${k}`, out);
		}
	}
	return out;
}

describe('sandbox bodies have the vendor shape and normalise', () => {
	const gen = generateOrders({ seed: 5, perChannel: 300 });
	const sb = { shopify: new ShopifySandbox(), amazon: new AmazonSandbox(), ebay: new EbaySandbox(), woocommerce: new WooCommerceSandbox(), walmart: new WalmartSandbox() };
	for (const [ch, s] of Object.entries(sb)) s.addOrders(gen.byChannel[ch as keyof typeof sb]);

	it('Amazon 2026-01-01 orders use only field paths the vendor examples use', () => {
		const vendor = new Set<string>();
		for (const f of ['amazon-searchOrders-2026-01-01.json', 'amazon-searchOrders-2026-01-01-sandbox-1.json', 'amazon-searchOrders-2026-01-01-sandbox-2.json', 'amazon-searchOrders-2026-01-01-sandbox-3.json'])
			for (const o of load(f).orders) keyPaths(o, '', vendor);
		const ours = new Set<string>();
		for (const o of gen.byChannel.amazon) keyPaths(sb.amazon.render(o), '', ours);
		const extra = [...ours].filter((k) => !vendor.has(k) && !/breakdowns\[\]\.type$/.test(k));
		expect(extra).toEqual([]);
	});

	it('Walmart v3 orders use only field paths of the vendor examples', () => {
		const vendor = new Set<string>();
		for (const o of load('walmart-orders.json').list.elements.order) keyPaths(o, '', vendor);
		keyPaths(load('walmart-order.json').order, '', vendor);
		const ours = new Set<string>();
		for (const o of gen.byChannel.walmart) keyPaths(sb.walmart.render(o), '', ours);
		const extra = [...ours].filter((k) => !vendor.has(k));
		expect(extra).toEqual([]);
	});

	it('WooCommerce and Shopify REST bodies have the vendor top-level keys', () => {
		const woo = keys(load('woocommerce-order.json'));
		const ourWoo = keys(sb.woocommerce.render(gen.byChannel.woocommerce[0]));
		expect(ourWoo.filter((k) => !woo.includes(k) && !['payment_url', 'is_editable', 'needs_payment', 'needs_processing', 'currency_symbol', 'date_completed_gmt', 'date_paid_gmt'].includes(k))).toEqual([]);
		expect(woo.filter((k) => !ourWoo.includes(k))).toEqual([]);
		const shop = keys(load('shopify-rest-order-get.json').order);
		const ourShop = keys(sb.shopify.renderRest(gen.byChannel.shopify[0]));
		expect(ourShop.filter((k) => !shop.includes(k))).toEqual([]);
		const lineKeys = keys(load('shopify-rest-order-get.json').order.line_items[0]);
		expect(keys((sb.shopify.renderRest(gen.byChannel.shopify[0]).line_items as unknown[])[0]).filter((k) => !lineKeys.includes(k))).toEqual([]);
	});

	it('every generated order of every channel normalises, with the right totals and readiness mix', () => {
		const renders: Array<[string, (o: (typeof gen.byChannel)['amazon'][number]) => unknown]> = [
			['amazon', (o) => sb.amazon.render(o)], ['ebay', (o) => sb.ebay.render(o)], ['woocommerce', (o) => sb.woocommerce.render(o)],
			['walmart', (o) => sb.walmart.render(o)], ['shopify', (o) => sb.shopify.renderGraphql(o)], ['shopify', (o) => sb.shopify.renderRest(o)],
		];
		for (const [ch, render] of renders) {
			const seen = new Set<string>();
			for (const o of gen.byChannel[ch as 'amazon']) {
				const n = normalizeOrder(ch as 'amazon', render(o));
				seen.add(n.readiness);
				expect(n.omsId).toBe(`${ch}:${o.id}`);
				const want = o.lines.reduce((s, l) => s + Math.round(l.quantity * l.unitPrice * 100), 0) + Math.round(o.shippingCost * 100) + Math.round(o.tax * 100) - Math.round(o.discount * 100);
				if (o.currency !== 'JPY') expect(Math.round(n.totals.total * 100)).toBe(want);
			}
			expect(['ready', 'cancelled', 'shipped'].filter((r) => !seen.has(r))).toEqual([]);
		}
	});

	it('plants fraud patterns in a ground-truth table, with one ring across all channels', () => {
		const ring = gen.groundTruth.filter((r) => r.patterns.includes('fraud_ring'));
		expect(new Set(ring.map((r) => r.channel))).toEqual(new Set(['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart']));
		const ringOrders = ring.map((r) => gen.byChannel[r.channel].find((o) => o.id === r.channelOrderId)!);
		expect(new Set(ringOrders.map((o) => `${o.shipTo.line1}|${o.shipTo.postalCode}|${o.customer.phone}|${o.clientIp}`)).size).toBe(1);
		expect(new Set(ringOrders.map((o) => o.customer.email)).size).toBe(ringOrders.length);
		for (const p of ['disposable_email', 'high_value_expedited_first_order', 'freight_forwarder'] as const) expect(gen.groundTruth.some((r) => r.patterns.includes(p))).toBe(true);
		// deterministic by seed
		expect(generateOrders({ seed: 5, perChannel: 300 }).groundTruth).toEqual(gen.groundTruth);
	});
});
