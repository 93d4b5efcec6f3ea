/**
 * The generator's planted-fraud ground truth names only patterns the order really carries: the demo and the fraud
 * catch-rate bench count "caught" per pattern from it. (A fraud-ring order used to keep a disposable e-mail or a
 * freight-forwarder label after the ring's e-mail and address had replaced them.)
 */
import { CATALOG, DISPOSABLE_DOMAINS, FREIGHT_FORWARDERS, generateOrders, type FraudPattern, type SeedOrder } from '../../sandbox/generator';

const RING_ADDRESS = '742 Evergreen Terrace';

function carries(o: SeedOrder, p: FraudPattern): boolean {
	switch (p) {
		case 'disposable_email':
			return DISPOSABLE_DOMAINS.includes(o.customer.email.split('@')[1]);
		case 'freight_forwarder':
			return FREIGHT_FORWARDERS.some((f) => f.company === o.shipTo.company && f.line1 === o.shipTo.line1);
		case 'fraud_ring':
			return o.shipTo.line1 === RING_ADDRESS && o.billTo.line1 === RING_ADDRESS;
		case 'high_value_expedited_first_order': {
			const big = CATALOG.find((c) => c.sku === 'CAM-MIRR-24')!;
			return o.lines.some((l) => l.sku === big.sku) && ['next_day', 'expedited'].includes(o.shippingLevel) && o.customer.firstOrder;
		}
	}
}

describe('planted fraud ground truth', () => {
	it.each([
		[20260501, 16, 0.08], // the demo's burst
		[42, 300, 0.08],
		[7, 200, 0.2], // many orders with two or more patterns
	])('seed %d, %d a channel, rate %d: every labelled pattern is on its order, and every order with a pattern is labelled', (seed, perChannel, fraudRate) => {
		const gen = generateOrders({ seed, perChannel, fraudRate });
		const orders = new Map<string, SeedOrder>(Object.values(gen.byChannel).flatMap((list) => list.map((o) => [`${o.channel}:${o.id}`, o] as const)));
		const mislabelled = gen.groundTruth.flatMap((g) => g.patterns.filter((p) => !carries(orders.get(g.omsId)!, p)).map((p) => `${g.omsId} ${p}`));
		expect(mislabelled).toEqual([]);
		const truth = new Set(gen.groundTruth.map((g) => g.omsId));
		const unlabelled = [...orders].filter(([id, o]) => !truth.has(id) && o.shipTo.line1 === RING_ADDRESS).map(([id]) => id);
		expect(unlabelled).toEqual([]);
		expect(gen.groundTruth.some((g) => g.patterns.length > 1)).toBe(true);
	});
});
