/**
 * The pinned sample data on the templates' triggers (workflows/*.json "pinData"), so that a user can press
 * *Execute step* on a trigger and see what flows without a live channel. Made from the sandboxes, not by hand: one
 * seeded order per channel (test/sandbox/generator.ts), rendered as that channel's API renders it (the sandbox's own
 * renderer) and turned into the canonical order by the channel's normalizer, as the trigger would emit it (without
 * the raw payload, which the trigger keeps only when asked).
 *
 * Rewrite the templates' pins after a change to the generator or the normalizers:
 *
 *   bash scripts/with-node24.sh node -r ts-node/register/transpile-only test/workflows/sample-data.ts --write
 *
 * test/workflows/templates.test.ts checks that every pinned order is a valid canonical order of its trigger's channel.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOrders, type SeedChannel, type SeedOrder } from '../sandbox/generator';
import { ShopifySandbox } from '../sandbox/channels/shopify';
import { WooCommerceSandbox } from '../sandbox/channels/woocommerce';
import { AmazonSandbox } from '../sandbox/channels/amazon';
import { EbaySandbox } from '../sandbox/channels/ebay';
import { WalmartSandbox } from '../sandbox/channels/walmart';
import { normalizeOrder } from '../../lib/channels/normalize';
import type { CanonicalOrder } from '../../lib/order/types';

type Pin = Array<{ json: Record<string, unknown> }>;

/** One paid order per channel, as the channel's order trigger emits it (fixed seed and dates: the same every run). */
export function sampleOrders(): Record<SeedChannel, CanonicalOrder> {
	const gen = generateOrders({ seed: 2026, perChannel: 8, fraudRate: 0, from: '2026-03-02T08:00:00.000Z', to: '2026-03-03T08:00:00.000Z' });
	const render: Record<SeedChannel, (o: SeedOrder) => unknown> = {
		shopify: (o) => new ShopifySandbox().renderRest(o),
		woocommerce: (o) => new WooCommerceSandbox().render(o),
		amazon: (o) => new AmazonSandbox().render(o),
		ebay: (o) => new EbaySandbox().render(o),
		walmart: (o) => new WalmartSandbox().render(o),
	};
	const out = {} as Record<SeedChannel, CanonicalOrder>;
	for (const channel of Object.keys(render) as SeedChannel[]) {
		const seed = gen.byChannel[channel].find((o) => o.status === 'paid' && o.lines.length > 1) ?? gen.byChannel[channel].find((o) => o.status === 'paid');
		if (!seed) throw new Error(`sample data: no paid ${channel} order in the seeded set`);
		const { raw: _raw, ...order } = normalizeOrder(channel, render[channel](seed)) as CanonicalOrder & { raw?: unknown };
		void _raw;
		out[channel] = order as CanonicalOrder;
	}
	return out;
}

const pin = (...items: unknown[]): Pin => items.map((json) => ({ json: json as Record<string, unknown> }));

/** pinData per template file, keyed by trigger node name. */
export function templatePins(): Record<string, Record<string, Pin>> {
	const o = sampleOrders();
	return {
		'order-intake.json': {
			'Shopify Orders': pin(o.shopify),
			'WooCommerce Orders': pin(o.woocommerce),
			'Amazon Orders': pin(o.amazon),
			'eBay Orders': pin(o.ebay),
			'Walmart Orders': pin(o.walmart),
		},
		// what the intake passes on: the recorded order that passed screening
		'fulfil-order.json': { 'When Executed by Another Workflow': pin(o.shopify) },
		'fraud-review.json': {
			'Fraud Review Form': pin({
				'Order ID': o.woocommerce.omsId,
				Decision: 'approved',
				Reviewer: 'Ops Lead',
				Note: 'Called the customer: the order is genuine.',
				submittedAt: '2026-03-03T09:15:00.000+00:00',
				formMode: 'production',
			}),
		},
		'error-alert.json': {
			'Error Trigger': pin({
				execution: {
					id: '231',
					url: 'http://localhost:5678/workflow/omsOrderIntake01/executions/231',
					retryOf: null,
					error: { message: 'Workflow is not active and cannot be executed.', stack: 'OperationalError: Workflow is not active and cannot be executed.' },
					lastNodeExecuted: 'Fulfil Order',
					mode: 'webhook',
				},
				workflow: { id: 'omsOrderIntake01', name: 'OMS 1: Order Intake' },
			}),
		},
	};
}

if (require.main === module && process.argv.includes('--write')) {
	const dir = join(__dirname, '..', '..', 'workflows');
	for (const [file, pins] of Object.entries(templatePins())) {
		const path = join(dir, file);
		const wf = JSON.parse(readFileSync(path, 'utf8')) as { pinData?: Record<string, Pin> };
		wf.pinData = pins;
		writeFileSync(path, `${JSON.stringify(wf, null, 2)}\n`);
		console.log(`${file}: pinned ${Object.keys(pins).join(', ')}`);
	}
}
