import { DateTime } from 'luxon';
import {
	DEFAULT_RULE_SET,
	defaultRuleSet,
	emailProblem,
	ipMatches,
	isPoBox,
	isReviewOverdue,
	nameSimilarity,
	ruleSetVersion,
	screenOrder,
	type RuleSet,
} from '../../../lib/fraud';
import { NOW, noHistory, only, order } from './helpers';

const screen = (o: ReturnType<typeof order>, rs: RuleSet = DEFAULT_RULE_SET) => screenOrder(o, rs, { velocity: noHistory, now: NOW });
const fired = async (o: ReturnType<typeof order>, rs: RuleSet) => (await screen(o, rs)).reasons.map((r) => r.rule);

describe('screenOrder: the plain order', () => {
	it('passes with no reasons, recording version, time and stage', async () => {
		const r = await screen(order());
		expect(r).toEqual({
			decision: 'pass',
			score: 0,
			reasons: [],
			stage: 'score',
			ruleSetVersion: ruleSetVersion(DEFAULT_RULE_SET),
			evaluatedAt: NOW,
		});
	});

	it('accepts the clock as a luxon DateTime in any zone and records it in UTC', async () => {
		const now = DateTime.fromISO('2026-05-01T17:00:00+02:00', { setZone: true });
		const r = await screenOrder(order(), DEFAULT_RULE_SET, { velocity: noHistory, now });
		expect(r.evaluatedAt).toBe(NOW);
		await expect(screenOrder(order(), DEFAULT_RULE_SET, { velocity: noHistory, now: 'yesterday' })).rejects.toThrow(/Invalid now "yesterday"/);
	});
});

describe('rule boundaries (just below, at, just above)', () => {
	it('orderTotalAbove: fires only above the amount for the order currency', async () => {
		const rs = only('orderTotalAbove'); // USD 1000, EUR 900
		expect(await fired(order({ totals: { total: 999.99 } }), rs)).toEqual([]);
		expect(await fired(order({ totals: { total: 1000 } }), rs)).toEqual([]);
		const r = await screen(order({ totals: { total: 1000.01 } }), rs);
		expect(r.reasons).toEqual([{ rule: 'orderTotalAbove', points: 20, detail: 'Order total USD 1,000.01 is above USD 1,000.00' }]);
		expect(await fired(order({ currency: 'EUR', totals: { total: 900.01 } }), rs)).toEqual(['orderTotalAbove']);
		// a currency with no amount set is not checked
		expect(await fired(order({ currency: 'SEK', totals: { total: 999999 } }), rs)).toEqual([]);
		// JPY has no minor unit
		expect(await fired(order({ currency: 'JPY', totals: { total: 150000 } }), rs)).toEqual([]);
		expect(await fired(order({ currency: 'JPY', totals: { total: 150001 } }), rs)).toEqual(['orderTotalAbove']);
	});

	it('skuQuantityAbove: units of one SKU summed over lines, above the limit', async () => {
		const rs = only('skuQuantityAbove'); // limit 10
		const line = (lineId: string, sku: string, quantity: number) => ({ lineId, sku, title: null, quantity, unitPrice: 1, lineTotal: quantity });
		expect(await fired(order({ lines: [line('1', 'A', 10)] }), rs)).toEqual([]);
		expect(await fired(order({ lines: [line('1', 'A', 6), line('2', 'B', 6)] }), rs)).toEqual([]);
		const r = await screen(order({ lines: [line('1', 'A', 6), line('2', 'A', 5), line('3', 'B', 3)] }), rs);
		expect(r.reasons).toEqual([{ rule: 'skuQuantityAbove', points: 20, detail: '11 units of A (limit 10 of one SKU)' }]);
		rs.rules.skuQuantityAbove.skus = ['gpu-4090'];
		expect(await fired(order({ lines: [line('1', 'A', 50)] }), rs)).toEqual([]);
		rs.rules.skuQuantityAbove.limit = 1;
		expect(await fired(order({ lines: [line('1', 'GPU-4090', 1)] }), rs)).toEqual([]);
		expect((await screen(order({ lines: [line('1', 'GPU-4090', 2)] }), rs)).reasons[0].detail).toBe(
			'2 units of GPU-4090 (limit 1 of one SKU on the watched list)',
		);
	});

	it('shipCountryHighRisk and shipCountryNotAllowed', async () => {
		const rs = only('shipCountryHighRisk', 'shipCountryNotAllowed');
		rs.rules.shipCountryHighRisk.countries = ['NG'];
		expect(await fired(order(), rs)).toEqual([]); // allowed list empty: no restriction
		const ng = order({ shipTo: { ...order().shipTo!, country: 'NG' } });
		expect((await screen(ng, rs)).reasons).toEqual([{ rule: 'shipCountryHighRisk', points: 30, detail: 'Ship-to country NG is on the high-risk list' }]);
		rs.rules.shipCountryNotAllowed.allowed = ['US', 'CA'];
		expect(await fired(order(), rs)).toEqual([]);
		const r = await screen(ng, rs);
		expect(r.reasons.map((x) => x.detail)).toEqual([
			'Ship-to country NG is on the high-risk list',
			'Ship-to country NG is outside the countries shipped to (US, CA)',
		]);
		expect(r).toMatchObject({ score: 80, decision: 'review' });
	});

	it('billingShippingMismatch: country, or (compare address) the street address', async () => {
		const rs = only('billingShippingMismatch');
		const ship = order().shipTo!;
		expect(await fired(order({ billTo: { ...ship, name: 'Someone Else', line1: '1 Main Street' } }), rs)).toEqual([]);
		expect((await screen(order({ billTo: { ...ship, country: 'GB', postalCode: 'SW1A 1AA' } }), rs)).reasons).toEqual([
			{ rule: 'billingShippingMismatch', points: 25, detail: 'Billing country GB differs from ship-to country CA' },
		]);
		expect(await fired(order({ billTo: { ...ship, line1: '99 Elm St' } }), rs)).toEqual([]);
		rs.rules.billingShippingMismatch.compare = 'address';
		expect(await fired(order({ billTo: { ...ship, line1: '1 Main Street' } }), rs)).toEqual([]); // same doorstep
		expect((await screen(order({ billTo: { ...ship, line1: '99 Elm St' } }), rs)).reasons[0].detail).toBe(
			'Billing address (99 Elm St, K1A 0B1) differs from the ship-to address (1 Main St, K1A 0B1)',
		);
		expect(await fired(order({ billTo: null }), rs)).toEqual([]);
	});

	it('shipToNameMismatch: below the minimum similarity only', async () => {
		const rs = only('shipToNameMismatch'); // minSimilarity 0.5
		const withShipName = (name: string, customer = 'John Smith') =>
			order({ customer: { name: customer }, shipTo: { ...order().shipTo!, name } });
		expect(await fired(withShipName('John Smith'), rs)).toEqual([]);
		expect(await fired(withShipName('SMITH, John'), rs)).toEqual([]);
		expect(await fired(withShipName('Mr. J. Smith'), rs)).toEqual([]); // 0.75
		expect(await fired(withShipName('Jon Smith'), rs)).toEqual([]);
		expect(await fired(withShipName('Mary Smith'), rs)).toEqual([]); // 0.5: at the minimum
		const r = await screen(withShipName('J. Doe'), rs); // 0.25
		expect(r.reasons).toEqual([
			{ rule: 'shipToNameMismatch', points: 15, detail: 'Ship-to name "J. Doe" is unlike the customer\'s name "John Smith" (similarity 0.25, minimum 0.5)' },
		]);
		expect(await fired(withShipName('Pat Jones'), rs)).toEqual(['shipToNameMismatch']);
		// the billing name counts as the customer's name too
		expect(await fired(order({ customer: { name: 'John Smith' }, shipTo: { ...order().shipTo!, name: 'Pat Jones' }, billTo: { ...order().shipTo!, name: 'Pat Jones' } }), rs)).toEqual([]);
		rs.rules.shipToNameMismatch.minSimilarity = 0.75;
		expect(await fired(withShipName('Mr. J. Smith'), rs)).toEqual([]);
		expect(await fired(withShipName('Mary Smith'), rs)).toEqual(['shipToNameMismatch']);
	});

	it('disposableOrMalformedEmail', async () => {
		const rs = only('disposableOrMalformedEmail');
		const e = (email: string) => order({ customer: { email } });
		expect(await fired(e('ann@example.com'), rs)).toEqual([]);
		expect(await fired(e('x1y2@marketplace.amazon.com'), rs)).toEqual([]);
		expect((await screen(e('Ann@Mailinator.com'), rs)).reasons).toEqual([
			{ rule: 'disposableOrMalformedEmail', points: 50, detail: 'E-mail domain mailinator.com is a disposable-mailbox service' },
		]);
		expect(await fired(e('a@eu.mailinator.com'), rs)).toEqual(['disposableOrMalformedEmail']);
		expect(await fired(e('a@notmailinator.com'), rs)).toEqual([]);
		expect((await screen(e('ann.example.com'), rs)).reasons[0].detail).toBe('E-mail "ann.example.com" has no "@"');
		expect(await fired(e('ann@example'), rs)).toEqual(['disposableOrMalformedEmail']);
		expect(await fired(e('ann..b@example.com'), rs)).toEqual(['disposableOrMalformedEmail']);
		rs.rules.disposableOrMalformedEmail.domains = ['example.com'];
		expect(await fired(e('ann@example.com'), rs)).toEqual(['disposableOrMalformedEmail']);
	});

	it('freightForwarderOrPoBox: keywords, known addresses, PO boxes', async () => {
		const rs = only('freightForwarderOrPoBox');
		const ship = (over: Record<string, string | null>) => order({ shipTo: { ...order().shipTo!, ...over } });
		expect(await fired(ship({ line1: '12 Box Hill Rd' }), rs)).toEqual([]);
		expect(await fired(ship({ line1: '40 Poblano Way' }), rs)).toEqual([]);
		expect((await screen(ship({ company: 'Shipito', line1: '1 Harbor Rd' }), rs)).reasons[0].detail).toBe(
			'Ship-to address mentions "shipito", a freight forwarder or reshipper',
		);
		expect(await fired(ship({ line2: 'c/o Global Reshipping Ltd' }), rs)).toEqual(['freightForwarderOrPoBox']);
		expect((await screen(ship({ company: 'Shipito', line1: '1 Harbor Rd' }), rs)).reasons[0].points).toBe(50);
		expect((await screen(ship({ line1: 'P.O. Box 123' }), rs)).reasons).toEqual([
			{ rule: 'freightForwarderOrPoBox', points: 15, detail: 'Ship-to address is a PO box (P.O. Box 123)' },
		]);
		delete rs.rules.freightForwarderOrPoBox.poBoxPoints;
		expect((await screen(ship({ line2: 'Postfach 12 34' }), rs)).reasons[0].points).toBe(50);
		rs.rules.freightForwarderOrPoBox.poBox = false;
		expect(await fired(ship({ line1: 'P.O. Box 123' }), rs)).toEqual([]);
		rs.rules.freightForwarderOrPoBox.addresses = ['4283 Express Lane'];
		expect((await screen(ship({ line1: '4283 Express Ln, Suite 123-456' }), rs)).reasons[0].detail).toBe(
			'Ship-to address matches the known forwarder address "4283 Express Lane"',
		);
		// the words of a listed address are found in order, whatever the customer's suite number between them
		rs.rules.freightForwarderOrPoBox.addresses = ['8801 NW 15th Street, Doral FL'];
		expect(await fired(ship({ line1: '8801 NW 15th St', line2: 'Suite FWD-48213', city: 'Doral', region: 'FL' }), rs)).toEqual(['freightForwarderOrPoBox']);
		expect(await fired(ship({ line1: '8801 NW 15th St', line2: null, city: 'Miami', region: 'FL' }), rs)).toEqual([]);
	});

	it('firstOrderExpedited: no earlier order by e-mail, expedited level, total above the amount', async () => {
		const rs = only('firstOrderExpedited'); // USD 300
		const o = (level: 'standard' | 'next_day', total: number) => order({ shipping: { level, label: null }, totals: { total } });
		expect(await fired(o('next_day', 300), rs)).toEqual([]);
		expect(await fired(o('standard', 300.01), rs)).toEqual([]);
		expect((await screen(o('next_day', 300.01), rs)).reasons).toEqual([
			{
				rule: 'firstOrderExpedited',
				points: 30,
				detail: 'First order from this e-mail address, with next-day shipping and a total of USD 300.01 (above USD 300.00)',
			},
		]);
		const seenBefore = async () => ({ count: 1, totals: { USD: 20 } });
		expect((await screenOrder(o('next_day', 500), rs, { velocity: seenBefore, now: NOW })).reasons).toEqual([]);
		// without an e-mail nobody can tell it is a first order: silent
		expect(await fired(order({ customer: { email: null }, shipping: { level: 'next_day', label: null }, totals: { total: 900 } }), rs)).toEqual([]);
	});

	it('thresholds: review at the review threshold, reject at the reject threshold', async () => {
		const rs = only('orderTotalAbove', 'skuQuantityAbove');
		rs.thresholds = { review: 20, reject: 40 };
		rs.rules.orderTotalAbove.points = 19.99;
		const big = { totals: { total: 2000 } };
		const many = { lines: [{ lineId: '1', sku: 'A', title: null, quantity: 11, unitPrice: 1, lineTotal: 11 }] };
		expect(await screen(order(big), rs)).toMatchObject({ decision: 'pass', score: 19.99 });
		rs.rules.orderTotalAbove.points = 20;
		expect(await screen(order(big), rs)).toMatchObject({ decision: 'review', score: 20 });
		rs.rules.skuQuantityAbove.points = 19.99;
		expect(await screen(order({ ...big, ...many }), rs)).toMatchObject({ decision: 'review', score: 39.99 });
		rs.rules.skuQuantityAbove.points = 20;
		expect(await screen(order({ ...big, ...many }), rs)).toMatchObject({ decision: 'reject', score: 40, stage: 'score' });
	});
});

describe('channel risk and external screeners', () => {
	it('maps Shopify recommendation and risk level to points (the larger of the two), with negative facts', async () => {
		const rs = only('channelRisk');
		const risk = (channelRecommendation: string | null, channelRiskLevel: string | null, facts?: Array<{ description: string; sentiment: string }>) =>
			order({ risk: { channelRecommendation, channelRiskLevel, facts } });
		expect(await fired(risk('ACCEPT', 'LOW'), rs)).toEqual([]);
		expect(await screen(risk('INVESTIGATE', 'MEDIUM'), rs)).toMatchObject({
			score: 30,
			decision: 'pass',
			reasons: [{ rule: 'channelRisk', points: 30, detail: 'Shopify recommends INVESTIGATE and rates the risk MEDIUM' }],
		});
		const r = await screen(
			risk('cancel', 'high', [
				{ description: 'Card verification value (CVV) not matched', sentiment: 'NEGATIVE' },
				{ description: 'Billing street matches', sentiment: 'POSITIVE' },
			]),
			rs,
		);
		expect(r).toMatchObject({ score: 60, decision: 'review', stage: 'score' });
		expect(r.reasons[0].detail).toBe('Shopify recommends CANCEL and rates the risk HIGH; negative facts: Card verification value (CVV) not matched');
		rs.rules.channelRisk.blockOnCancel = true;
		expect(await screen(risk('CANCEL', 'HIGH'), rs)).toMatchObject({ decision: 'reject', stage: 'block' });
		expect(await screen(risk('INVESTIGATE', 'HIGH'), rs)).toMatchObject({ decision: 'review', stage: 'score', score: 50 });
	});

	it('reads Stripe Radar level and score, Signifyd and NoFraud decisions; blockOn rejects outright', async () => {
		const rs = only('externalScreener');
		const ext = (...external: Array<{ provider: string; decision?: string | null; level?: string | null; score?: number | null }>) =>
			order({ risk: { external } });
		expect(await fired(ext({ provider: 'stripe', level: 'normal', score: 12 }), rs)).toEqual([]);
		expect((await screen(ext({ provider: 'stripe', level: 'elevated', score: 68 }), rs)).reasons).toEqual([
			{ rule: 'externalScreener.stripe', points: 40, detail: 'Stripe Radar: risk level elevated, risk score 68' },
		]);
		expect(await screen(ext({ provider: 'Stripe Radar', level: 'highest', score: 80 }), rs)).toMatchObject({ score: 75, decision: 'review' });
		rs.rules.externalScreener.stripeScoreAtLeast = 65;
		expect(await fired(ext({ provider: 'stripe', score: 64 }), rs)).toEqual([]);
		expect((await screen(ext({ provider: 'stripe', score: 65 }), rs)).reasons).toEqual([
			{ rule: 'externalScreener.stripe', points: 50, detail: 'Stripe Radar: risk score 65 (at least 65)' },
		]);
		expect(await screen(ext({ provider: 'signifyd', decision: 'HOLD' }), rs)).toMatchObject({ decision: 'review', score: 50 });
		expect(await fired(ext({ provider: 'signifyd', decision: 'ACCEPT' }), rs)).toEqual([]);
		expect(await screen(ext({ provider: 'signifyd', decision: 'reject' }), rs)).toMatchObject({
			decision: 'reject',
			stage: 'block',
			reasons: [{ rule: 'externalScreener.signifyd', points: 100, detail: 'Signifyd decision REJECT' }],
		});
		expect(await screen(ext({ provider: 'nofraud', decision: 'review' }), rs)).toMatchObject({ decision: 'review', stage: 'score' });
		expect(await screen(ext({ provider: 'NoFraud', decision: 'FAIL' }), rs)).toMatchObject({ decision: 'reject', stage: 'block' });
		rs.rules.externalScreener.blockOn = ['stripe:highest'];
		expect(await screen(ext({ provider: 'stripe', level: 'highest' }), rs)).toMatchObject({ decision: 'reject', stage: 'block' });
		expect(await screen(ext({ provider: 'nofraud', decision: 'fail' }), rs)).toMatchObject({ decision: 'reject', stage: 'score', score: 100 });
		expect(await fired(ext({ provider: 'riskified', decision: 'declined' }), rs)).toEqual([]);
	});
});

describe('allow and deny lists (Radar order: allow, then block, then review)', () => {
	const risky = () =>
		order({
			customer: { email: 'Vip.Buyer+shop@Example.com', channelCustomerId: '77' },
			totals: { total: 5000 },
			risk: { channelRecommendation: 'CANCEL', channelRiskLevel: 'HIGH', clientIp: '203.0.113.9' },
		});

	it('deny list hits reject outright, whatever the score, with the block reasons only', async () => {
		const rs = defaultRuleSet();
		rs.denyList.ips = ['203.0.113.0/24'];
		const r = await screen(risky(), rs);
		expect(r).toEqual(
			expect.objectContaining({
				decision: 'reject',
				stage: 'block',
				score: 100,
				reasons: [{ rule: 'denyList.ip', points: 100, detail: 'Client IP 203.0.113.9 is on the deny list (range 203.0.113.0/24)' }],
			}),
		);
		const each: Array<[(d: RuleSet['denyList']) => void, string, string]> = [
			[(d) => d.emails.push('vip.buyer@example.com'), 'denyList.email', 'E-mail vip.buyer+shop@example.com is on the deny list'],
			[(d) => d.domains.push('example.com'), 'denyList.domain', 'E-mail domain example.com is on the deny list'],
			[(d) => d.phones.push('(613) 555-0100'), 'denyList.phone', 'Phone +16135550100 is on the deny list'],
			[(d) => d.addresses.push('1 main street, ottawa'), 'denyList.address', 'Ship-to address matches "1 main street, ottawa" on the deny list'],
			[(d) => d.countries.push('CA'), 'denyList.country', 'Ship-to country CA is on the deny list'],
		];
		for (const [edit, rule, detail] of each) {
			const d = defaultRuleSet();
			edit(d.denyList);
			expect(await screen(risky(), d)).toMatchObject({ decision: 'reject', stage: 'block', reasons: [{ rule, detail }] });
		}
		const d = defaultRuleSet();
		d.denyList.addresses = ['1 main st ottawa on k1a'];
		expect(await fired(order(), d)).toEqual(['denyList.address']);
		d.denyList.addresses = ['11 main st'];
		expect(await fired(order(), d)).toEqual([]);
	});

	it('allow list passes outright, beating the score and the deny list', async () => {
		const rs = defaultRuleSet();
		expect((await screen(risky(), rs)).decision).toBe('reject'); // 20 + 60 points... plus more
		rs.denyList.ips = ['203.0.113.9'];
		rs.allowList.emails = ['vip.buyer@example.com'];
		expect(await screen(risky(), rs)).toMatchObject({
			decision: 'pass',
			stage: 'allow',
			score: 0,
			reasons: [{ rule: 'allowList.email', points: 0, detail: 'E-mail vip.buyer+shop@example.com is on the allow list' }],
		});
		const byOther: Array<[(a: RuleSet['allowList']) => void, string]> = [
			[(a) => a.domains.push('example.com'), 'allowList.domain'],
			[(a) => a.phones.push('613-555-0100'), 'allowList.phone'],
			[(a) => a.customerIds.push('77'), 'allowList.customerId'],
			[(a) => a.customerIds.push('shopify:77'), 'allowList.customerId'],
		];
		for (const [edit, rule] of byOther) {
			const a = defaultRuleSet();
			a.denyList.ips = ['203.0.113.9'];
			edit(a.allowList);
			expect(await screen(risky(), a)).toMatchObject({ decision: 'pass', stage: 'allow', reasons: [{ rule }] });
		}
		const other = defaultRuleSet();
		other.allowList.customerIds = ['amazon:77'];
		expect((await screen(risky(), other)).stage).toBe('score');
	});

	it('a block-configured rule rejects outright; the velocity lookup is not needed for it', async () => {
		const rs = defaultRuleSet();
		rs.rules.shipCountryNotAllowed = { enabled: true, points: 0, allowed: ['US'], block: true };
		const velocity = jest.fn(noHistory);
		const r = await screenOrder(order(), rs, { velocity, now: NOW });
		expect(r).toMatchObject({
			decision: 'reject',
			stage: 'block',
			score: 0,
			reasons: [{ rule: 'shipCountryNotAllowed', detail: 'Ship-to country CA is outside the countries shipped to (US)' }],
		});
		expect(velocity).not.toHaveBeenCalled();
	});
});

describe('orders missing optional fields', () => {
	it('score without error: no e-mail, no phone, no IP, no ship-to, no lines, no risk', async () => {
		const bare = order({
			customer: { email: null, name: null, phone: null, channelCustomerId: null },
			shipTo: null,
			billTo: null,
			lines: [],
			risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
		});
		const rs = defaultRuleSet();
		rs.rules.shipCountryNotAllowed.allowed = ['US'];
		rs.rules.shipCountryHighRisk.countries = ['NG'];
		rs.denyList = { emails: ['x@y.com'], domains: ['y.com'], phones: ['123456'], addresses: ['main st'], ips: ['10.0.0.0/8'], countries: ['CA'] };
		rs.allowList = { emails: ['a@b.com'], domains: ['b.com'], phones: ['99999999'], customerIds: ['1'] };
		const velocity = jest.fn(noHistory);
		expect(await screenOrder(bare, rs, { velocity, now: NOW })).toMatchObject({ decision: 'pass', score: 0, reasons: [] });
		expect(velocity).not.toHaveBeenCalled();
		const stripped = order() as unknown as Record<string, unknown>;
		delete stripped.risk;
		delete stripped.lines;
		delete stripped.billTo;
		(stripped.customer as Record<string, unknown>).email = undefined;
		expect((await screen(stripped as unknown as ReturnType<typeof order>, rs)).decision).toBe('reject'); // ship-to CA is denied
	});

	it('an Amazon-style order with a ship-to phone but no e-mail still gets phone and address velocity', async () => {
		const o = order({ channel: 'amazon', customer: { email: null, phone: null }, shipTo: { ...order().shipTo!, phone: '613 555 0100' } });
		const velocity = jest.fn(noHistory);
		await screenOrder(o, DEFAULT_RULE_SET, { velocity, now: NOW });
		expect(velocity.mock.calls.map(([q]) => q.key)).toEqual(['shipAddress', 'phone']);
	});
});

describe('determinism', () => {
	it('the same order, history and now give the same decision, reasons in the same order', async () => {
		const rs = defaultRuleSet();
		rs.rules.shipCountryHighRisk.countries = ['CA'];
		const o = order({
			customer: { email: 'a@mailinator.com' },
			totals: { total: 1500 },
			risk: { channelRecommendation: 'INVESTIGATE', clientIp: '198.51.100.4' },
		});
		const history = async () => ({ count: 5, totals: { USD: 100 } });
		const runs = await Promise.all(Array.from({ length: 5 }, () => screenOrder(structuredClone(o), rs, { velocity: history, now: NOW })));
		for (const r of runs) expect(r).toEqual(runs[0]);
		expect(runs[0].reasons.map((r) => r.rule)).toEqual([
			'orderTotalAbove',
			'shipCountryHighRisk',
			'disposableOrMalformedEmail',
			'channelRisk',
			'velocity.email.24h',
			'velocity.shipAddress.24h',
			'velocity.phone.24h',
			'velocity.clientIp.1h',
		]);
		expect(runs[0]).toMatchObject({ decision: 'reject', score: 20 + 30 + 50 + 30 + 50 + 50 + 25 + 50 });
	});
});

describe('helpers', () => {
	it('isReviewOverdue: longer than the hours, by the injected clock', () => {
		const decided = '2026-05-01T00:00:00Z';
		expect(isReviewOverdue(decided, '2026-05-03T23:59:59Z', 72)).toBe(false);
		expect(isReviewOverdue(decided, '2026-05-04T00:00:00Z', 72)).toBe(false);
		expect(isReviewOverdue(decided, '2026-05-04T00:00:01Z', 72)).toBe(true);
		expect(isReviewOverdue(DateTime.fromISO(decided), DateTime.fromISO('2026-05-01T02:00:00+01:00'), 0.5)).toBe(true);
	});

	it('nameSimilarity', () => {
		expect(nameSimilarity('John Smith', 'john  SMITH')).toBe(1);
		expect(nameSimilarity('Smith John', 'John Smith')).toBe(1);
		expect(nameSimilarity('José Núñez', 'Jose Nunez')).toBe(1);
		expect(nameSimilarity('J. Smith', 'John Smith')).toBe(0.75);
		expect(nameSimilarity('Jonh Smith', 'John Smith')).toBe(0.95);
		expect(nameSimilarity('Mary Smith', 'John Smith')).toBe(0.5);
		expect(nameSimilarity('Pat Jones', 'John Smith')).toBe(0);
		expect(nameSimilarity('', 'John Smith')).toBe(0);
	});

	it('isPoBox', () => {
		for (const yes of ['PO Box 12', 'P.O. Box 12', 'p o box 12', 'POBox 12', 'P.O.B. 12', 'POB 12', 'Post Office Box 9', 'GPO Box 1', 'Locked Bag 3', 'Postfach 1234', 'Apartado Postal 45', 'Casilla 123', 'Caixa Postal 10', 'Boîte postale 5', 'BP 120'])
			expect([yes, isPoBox(yes)]).toEqual([yes, true]);
		for (const no of ['12 Box Hill Rd', 'Poblano Way 3', '1 Pobox Street'.replace('Pobox', 'Pond'), 'Boxwood Lane 4', 'BPX Tower', null])
			expect([no, isPoBox(no)]).toEqual([no, false]);
	});

	it('emailProblem', () => {
		expect(emailProblem('a@example.com')).toBeNull();
		expect(emailProblem('a.b+c@mail.example.co.uk')).toBeNull();
		expect(emailProblem('a@xn--bcher-kva.example')).toBeNull();
		expect(emailProblem('a@example')).toBe('has a malformed domain');
		expect(emailProblem('@example.com')).toBe('has a malformed local part');
		expect(emailProblem('a@@example.com')).not.toBeNull();
		expect(emailProblem('a b@example.com')).not.toBeNull();
	});

	it('ipMatches: exact, CIDR, IPv6, IPv4-mapped', () => {
		expect(ipMatches('203.0.113.9', '203.0.113.9')).toBe(true);
		expect(ipMatches('203.0.113.9', '203.0.113.0/24')).toBe(true);
		expect(ipMatches('203.0.114.9', '203.0.113.0/24')).toBe(false);
		expect(ipMatches('10.1.2.3', '0.0.0.0/0')).toBe(true);
		expect(ipMatches('2001:db8:0:1::5', '2001:db8::/32')).toBe(true);
		expect(ipMatches('2001:db9::5', '2001:db8::/32')).toBe(false);
		expect(ipMatches('::ffff:203.0.113.9', '203.0.113.0/24')).toBe(true);
		expect(ipMatches('2001:DB8::1', '2001:db8:0:0:0:0:0:1')).toBe(true);
		expect(ipMatches('not-an-ip', '10.0.0.0/8')).toBe(false);
	});
});
