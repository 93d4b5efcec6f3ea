/**
 * Catch rate and false-positive rate of the fraud gate's rule sets on the sandbox's seeded generator, whose
 * planted fraud patterns (fraud ring, disposable e-mail, high-value expedited first order, freight forwarder)
 * are recorded in a ground-truth table. Prints figures; there is no target.
 *
 *   bash scripts/with-node24.sh node -r ts-node/register/transpile-only bench/fraud/catch-rate.ts [perChannel] [seed] [--misses]
 *
 * Orders are screened oldest first, each as of its own placing (back-test semantics: velocity sees only orders
 * placed before it, across all channels). "Caught" = review or reject.
 *
 * Mapping from the generator's channel-neutral SeedOrder straight to the canonical order (not through each
 * channel's JSON and normaliser): the client IP is kept only for Shopify and WooCommerce, the channels that send
 * one; Amazon's masked buyer e-mail is not modelled.
 */
import { backtest, DEFAULT_RULE_SET, memoryVelocity, resolveRuleSet, type RuleSet, type ScreenResult } from '../../lib/fraud';
import type { CanonicalOrder } from '../../lib/order/types';
import {
	FREIGHT_FORWARDERS,
	generateOrders,
	lineTotal,
	subtotal,
	total,
	type FraudPattern,
	type SeedOrder,
} from '../../test/sandbox/generator';

function toCanonical(o: SeedOrder): CanonicalOrder {
	const round = (n: number) => (o.currency === 'JPY' ? Math.round(n) : Math.round(n * 100) / 100);
	return {
		omsId: `${o.channel}:${o.id}`,
		channel: o.channel,
		channelOrderId: o.id,
		orderNumber: o.number,
		placedAt: o.createdAt,
		updatedAt: o.updatedAt,
		channelStatus: o.status,
		readiness: o.status === 'paid' ? 'ready' : o.status === 'pending' ? 'pending' : o.status === 'cancelled' ? 'cancelled' : 'shipped',
		currency: o.currency,
		totals: { subtotal: round(subtotal(o)), shipping: o.shippingCost, tax: o.tax, discount: o.discount, total: round(total(o)) },
		customer: { email: o.customer.email, name: o.customer.name, phone: o.customer.phone, channelCustomerId: o.customer.id },
		shipTo: { ...o.shipTo, name: o.shipTo.name || null },
		billTo: { ...o.billTo },
		shipping: { level: o.shippingLevel, label: o.shippingLevel },
		lines: o.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: lineTotal(l) })),
		risk: {
			channelRecommendation: null,
			channelRiskLevel: null,
			clientIp: o.channel === 'shopify' || o.channel === 'woocommerce' ? o.clientIp : null,
		},
	};
}

const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

async function measure(name: string, ruleSet: RuleSet, orders: CanonicalOrder[], truth: Map<string, FraudPattern[]>) {
	const decided = new Map<string, ScreenResult>();
	const started = process.hrtime.bigint();
	const report = await backtest(orders, ruleSet, { velocity: memoryVelocity(orders), onResult: (o, r) => decided.set(o.omsId, r) });
	const ms = Number(process.hrtime.bigint() - started) / 1e6;

	const patterns: FraudPattern[] = ['fraud_ring', 'disposable_email', 'high_value_expedited_first_order', 'freight_forwarder'];
	let fraud = 0;
	let fraudCaught = 0;
	let fraudRejected = 0;
	let clean = 0;
	let cleanFlagged = 0;
	let cleanRejected = 0;
	const perPattern = new Map(patterns.map((p) => [p, { n: 0, caught: 0 }]));
	const fpRules = new Map<string, number>();
	for (const o of orders) {
		const r = decided.get(o.omsId)!;
		const flagged = r.decision !== 'pass';
		const planted = truth.get(o.omsId);
		if (planted) {
			fraud++;
			if (flagged) fraudCaught++;
			if (r.decision === 'reject') fraudRejected++;
			for (const p of planted) {
				const s = perPattern.get(p)!;
				s.n++;
				if (flagged) s.caught++;
			}
		} else {
			clean++;
			if (flagged) {
				cleanFlagged++;
				for (const reason of r.reasons) fpRules.set(reason.rule, (fpRules.get(reason.rule) ?? 0) + 1);
			}
			if (r.decision === 'reject') cleanRejected++;
		}
	}
	console.log(`\n== ${name} (rule set ${report.ruleSetVersion})`);
	console.log(`orders ${report.total}: pass ${report.pass}, review ${report.review}, reject ${report.reject}   (${(report.total / (ms / 1000)).toFixed(0)} orders/s in memory)`);
	console.log(`catch rate (review or reject): ${pct(fraudCaught, fraud)} of ${fraud} planted-fraud orders; rejected outright ${pct(fraudRejected, fraud)}`);
	for (const [p, s] of perPattern) console.log(`   ${p.padEnd(34)} ${pct(s.caught, s.n)} of ${s.n}`);
	if (SHOW_MISSES)
		for (const p of patterns) {
			const missed = orders.filter((o) => truth.get(o.omsId)?.includes(p) && decided.get(o.omsId)!.decision === 'pass').slice(0, 5);
			for (const o of missed) {
				const r = decided.get(o.omsId)!;
				console.log(`   missed ${p}: ${o.omsId} ${o.currency} ${o.totals.total} ${o.shipping.level} score ${r.score} [${r.reasons.map((x) => `${x.rule}: ${x.detail}`).join(' | ')}]`);
			}
		}
	console.log(`false-positive rate: ${pct(cleanFlagged, clean)} of ${clean} clean orders held or rejected; rejected ${pct(cleanRejected, clean)}`);
	if (fpRules.size > 0)
		console.log(`   rules behind false positives: ${[...fpRules.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
	console.log(`   rules fired (orders): ${Object.entries(report.byRule).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const SHOW_MISSES = process.argv.includes('--misses');

async function main() {
	const perChannel = Number(args[0] ?? 2000);
	const seed = Number(args[1] ?? 42);
	// A fixed week, so the figures do not depend on when the benchmark runs
	const set = generateOrders({ seed, perChannel, from: '2026-05-01T00:00:00Z', to: '2026-05-08T00:00:00Z' });
	const orders = Object.values(set.byChannel)
		.flat()
		.map(toCanonical)
		.sort((a, b) => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : a.omsId < b.omsId ? -1 : 1));
	const truth = new Map(set.groundTruth.map((g) => [g.omsId, g.patterns]));
	console.log(`seeded generator: seed ${seed}, ${perChannel} orders per channel, ${orders.length} orders over 7 days, ${truth.size} with planted fraud`);

	await measure('default rule set', DEFAULT_RULE_SET, orders, truth);

	// What a seller would add after the first week: the forwarder warehouses they have seen, by street address.
	const tuned = resolveRuleSet({
		rules: {
			freightForwarderOrPoBox: { addresses: FREIGHT_FORWARDERS.map((f) => `${f.line1} ${f.city}`) },
		},
	});
	await measure('defaults + the seller\'s forwarder address list', tuned, orders, truth);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
