import { DateTime } from 'luxon';
import { backtest, memoryVelocity, only, screenOrder, type RuleSet } from './imports';
import { order } from './helpers';

const T0 = DateTime.fromISO('2026-05-01T12:00:00Z', { zone: 'utc' });
const at = (hours: number) => T0.plus({ hours }).toISO()!;

/** The same buyer (same address, e-mail normalised alike) ordering on different channels */
function buy(channel: string, id: string, hoursAfterT0: number, over: Parameters<typeof order>[0] = {}) {
	return order({ channel, channelOrderId: id, placedAt: at(hoursAfterT0), ...over });
}

function velocityOnly(key: 'email' | 'shipAddress' | 'phone' | 'clientIp', windowHours: number, maxOrders: number | null, maxAmount: Record<string, number> = {}): RuleSet {
	const rs = only('velocity');
	rs.rules.velocity = [{ enabled: true, points: 40, key, windowHours, maxOrders, maxAmount }];
	return rs;
}

describe('velocity across channels', () => {
	it('counts orders from one shipping address on every channel, naming them', async () => {
		const history = [
			buy('shopify', 'a1', 0),
			buy('amazon', 'b1', 2, { customer: { email: null } }),
			buy('ebay', 'c1', 4, { shipTo: { ...order().shipTo!, line1: '1 MAIN STREET' } }), // same doorstep, written differently
		];
		const velocity = memoryVelocity(history);
		const rs = velocityOnly('shipAddress', 24, 3);
		const third = await screenOrder(history[2], rs, { velocity, now: at(4) });
		expect(third.reasons).toEqual([]); // 3 orders, limit 3: not more than
		const fourth = buy('walmart', 'd1', 5);
		velocity.add(fourth);
		const r = await screenOrder(fourth, rs, { velocity, now: at(5) });
		expect(r.reasons).toEqual([
			{
				rule: 'velocity.shipAddress.24h',
				points: 40,
				detail: '4 orders from this shipping address in the last 24 hours (limit 3), across amazon, ebay, shopify, walmart',
			},
		]);
		expect(r.decision).toBe('pass'); // 40 < 50
	});

	it('does not count the order itself twice when it is already in the store', async () => {
		const o = buy('shopify', 'x', 0);
		const velocity = memoryVelocity([o]);
		const r = await screenOrder(o, velocityOnly('email', 24, 1), { velocity, now: at(0.1) });
		expect(r.reasons).toEqual([]);
	});

	it('sums amounts per currency; fires above the limit in that currency', async () => {
		const rs = velocityOnly('email', 24, null, { USD: 3000 });
		const velocity = memoryVelocity([
			buy('shopify', 'a', 0, { totals: { total: 1500 } }),
			buy('woocommerce', 'b', 1, { totals: { total: 1000 } }),
			buy('ebay', 'c', 1, { currency: 'EUR', totals: { total: 5000 } }),
		]);
		const atLimit = buy('amazon', 'd', 2, { totals: { total: 500 } });
		expect((await screenOrder(atLimit, rs, { velocity, now: at(2) })).reasons).toEqual([]);
		const above = buy('amazon', 'e', 2, { totals: { total: 500.01 } });
		expect((await screenOrder(above, rs, { velocity, now: at(2) })).reasons).toEqual([
			{
				rule: 'velocity.email.24h',
				points: 40,
				detail: 'USD 3,000.01 ordered from this e-mail address in the last 24 hours (limit USD 3,000.00), across amazon, ebay, shopify, woocommerce',
			},
		]);
	});

	it('e-mail velocity sees through +tags and Gmail dots; phone and IP keys too', async () => {
		const history = [
			buy('shopify', 'a', 0, { customer: { email: 'ann.buyer+1@gmail.com', phone: '(613) 555-0100' }, risk: { clientIp: '198.51.100.7' } }),
			buy('amazon', 'b', 0.5, { customer: { email: 'annbuyer@googlemail.com', phone: '+1 613 555 0100' }, risk: { clientIp: '198.51.100.7' } }),
		];
		const velocity = memoryVelocity(history);
		const o = buy('ebay', 'c', 0.75, { customer: { email: 'Ann.Buyer@gmail.com', phone: '+16135550100' }, risk: { clientIp: '198.51.100.7' } });
		for (const key of ['email', 'clientIp'] as const) {
			const r = await screenOrder(o, velocityOnly(key, 1, 2), { velocity, now: at(0.75) });
			expect(r.reasons.map((x) => x.rule)).toEqual([`velocity.${key}.1h`]);
		}
		expect((await screenOrder(o, velocityOnly('clientIp', 1, 2), { velocity, now: at(0.75) })).reasons[0].detail).toBe(
			'3 orders from this IP address in the last hour (limit 2), across amazon, ebay, shopify',
		);
		// the phone key is the customer phone normalised; "(613) 555-0100" (national) and "+1 613..." differ in form
		const p = await screenOrder(o, velocityOnly('phone', 24, 1), { velocity, now: at(0.75) });
		expect(p.reasons.map((x) => x.rule)).toEqual(['velocity.phone.24h']);
	});
});

describe('velocity windows as time passes (injected clock)', () => {
	const rs = velocityOnly('email', 24, 2);
	const history = [buy('shopify', 'a', 0), buy('amazon', 'b', 6)];

	it('fires while both earlier orders are inside the window, stops once the first leaves it', async () => {
		const velocity = memoryVelocity(history);
		const third = (h: number) => buy('ebay', `c${h}`, h);
		const screenAt = async (h: number) => (await screenOrder(third(h), rs, { velocity, now: at(h) })).reasons.map((r) => r.rule);
		expect(await screenAt(7)).toEqual(['velocity.email.24h']);
		expect(await screenAt(23.99)).toEqual(['velocity.email.24h']);
		// at exactly 24 h the first order is still in the window (since is inclusive) ...
		expect(await screenAt(24)).toEqual(['velocity.email.24h']);
		// ... and one second later it is not
		expect(await screenOrder(third(24), rs, { velocity, now: T0.plus({ hours: 24, seconds: 1 }) })).toMatchObject({ reasons: [] });
		expect(await screenAt(30.5)).toEqual([]);
	});

	it('a 1-hour window and a 24-hour window on the same key fire independently', async () => {
		const two = only('velocity');
		two.rules.velocity = [
			{ enabled: true, points: 30, key: 'email', windowHours: 1, maxOrders: 1, maxAmount: {} },
			{ enabled: true, points: 30, key: 'email', windowHours: 24, maxOrders: 2, maxAmount: {} },
		];
		const velocity = memoryVelocity(history);
		const soon = await screenOrder(buy('ebay', 'd', 6.5), two, { velocity, now: at(6.5) });
		expect(soon).toMatchObject({ score: 60, decision: 'review' });
		expect(soon.reasons.map((r) => r.rule)).toEqual(['velocity.email.1h', 'velocity.email.24h']);
		const later = await screenOrder(buy('ebay', 'e', 8), two, { velocity, now: at(8) });
		expect(later.reasons.map((r) => r.rule)).toEqual(['velocity.email.24h']);
	});

	it('velocity from the store without channel names still reads as a sentence', async () => {
		const storeLike = async () => ({ count: 3, totals: { USD: 177 } });
		const r = await screenOrder(buy('shopify', 'z', 0), velocityOnly('shipAddress', 24, 3), { velocity: storeLike, now: at(0) });
		expect(r.reasons[0].detail).toBe('4 orders from this shipping address in the last 24 hours (limit 3)');
	});

	it('asks the store the exact question: window, until now, this order left out', async () => {
		const calls: unknown[] = [];
		const o = buy('shopify', 'q', 0);
		await screenOrder(o, velocityOnly('email', 24, 3), {
			velocity: async (q) => {
				calls.push(q);
				return { count: 0, totals: {} };
			},
			now: at(1),
		});
		expect(calls).toEqual([
			{ key: 'email', value: 'ann.buyer@example.com', since: '2026-04-30T13:00:00.000Z', until: '2026-05-01T13:00:00.000Z', excludeOmsId: 'shopify:q' },
		]);
	});
});

describe('backtest', () => {
	it('counts pass/review/reject and rules, sees only earlier orders, reports changes, writes nothing', async () => {
		const rs = only('velocity', 'orderTotalAbove', 'channelRisk');
		rs.rules.velocity = [{ enabled: true, points: 50, key: 'shipAddress', windowHours: 24, maxOrders: 2, maxAmount: {} }];
		rs.rules.channelRisk.blockOnCancel = true;
		const orders = [
			buy('shopify', '1', 0),
			buy('amazon', '2', 1),
			buy('ebay', '3', 2), // third from the address: review
			buy('walmart', '4', 3, { totals: { total: 5000 } }), // fourth + total: 70 -> review
			buy('shopify', '5', 4, { risk: { channelRecommendation: 'CANCEL' } }), // block
			buy('shopify', '6', 30, { shipTo: { ...order().shipTo!, line1: '9 Other Rd' } }), // pass
		];
		orders[0].fraud = { decision: 'pass', score: 0, reasons: [] };
		orders[2].fraud = { decision: 'pass', score: 0, reasons: [] };
		orders[3].fraud = { decision: 'review', score: 50, reasons: [] };
		const snapshot = JSON.stringify(orders);
		// the whole history is visible to the lookup, including later orders: backtest must limit it itself
		const velocity = memoryVelocity(orders);
		const results: string[] = [];
		async function* stream() {
			for (const o of orders) yield o;
		}
		const report = await backtest(stream(), rs, { velocity, onResult: (o, r) => results.push(`${o.channelOrderId}:${r.decision}`) });
		expect(results).toEqual(['1:pass', '2:pass', '3:review', '4:review', '5:reject', '6:pass']);
		expect(report).toMatchObject({
			total: 6,
			pass: 3,
			review: 2,
			reject: 1,
			byStage: { allow: 0, block: 1, score: 5 },
			byRule: { 'velocity.shipAddress.24h': 2, orderTotalAbove: 1, channelRisk: 1 },
			changed: ['ebay:3'],
			transitions: { 'pass->review': 1 },
		});
		expect(report.ruleSetVersion).toMatch(/^[0-9a-f]{12}$/);
		expect(JSON.stringify(orders)).toBe(snapshot);
		// an array works too, and a stored-decision function
		const again = await backtest(orders, rs, { velocity, storedDecision: () => 'pass' });
		expect(again.changed).toEqual(['ebay:3', 'walmart:4', 'shopify:5']);
		expect(again.transitions).toEqual({ 'pass->review': 2, 'pass->reject': 1 });
	});
});
