/**
 * The never-exceeds invariant of computePublishable (see the header of lib/allocation/publish.ts), checked over
 * thousands of seeded random rule sets and ATPs. A fixed seed keeps it reproducible; a failure prints the case.
 */
import { computePublishable, validateChannelRuleSet, RuleSetError, type ChannelRuleSet, type TierRule, type ChannelRule } from '../../../lib/allocation';

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const rnd = mulberry32(20261126);
const int = (n: number) => Math.floor(rnd() * n);
const maybe = <T>(p: number, v: () => T): T | undefined => (rnd() < p ? v() : undefined);

function tier(): TierRule {
	const t: TierRule = {};
	const share = maybe(0.8, () => (rnd() < 0.2 ? 100 : rnd() < 0.3 ? int(101) + (rnd() < 0.5 ? 0.5 : 0) : int(60)));
	if (share !== undefined) t.sharePercent = Math.min(100, share);
	const buffer = maybe(0.4, () => int(6));
	if (buffer !== undefined) t.buffer = buffer;
	const max = maybe(0.3, () => int(30));
	if (max !== undefined) t.maxListed = max;
	const zeroAt = maybe(0.3, () => int(8));
	if (zeroAt !== undefined) t.zeroAt = zeroAt;
	const ka = maybe(0.4, () => 1 + int(4));
	if (ka !== undefined) t.keepAliveMin = t.maxListed !== undefined && t.maxListed !== null ? Math.min(ka, t.maxListed) : ka;
	return t;
}

function ruleSet(channels: string[], withOverrides: boolean): ChannelRuleSet {
	const rs: ChannelRuleSet = {
		channels: channels
			.filter(() => rnd() < 0.9)
			.map((channel) => {
				const r: ChannelRule = { channel, ...tier() };
				if (rnd() < 0.3) r.priority = rnd() < 0.5 ? true : 1 + int(3);
				if (rnd() < 0.4) r.lowStock = { level: int(30), rule: tier() };
				return r;
			}),
	};
	if (rnd() < 0.2) rs.defaults = tier();
	if (withOverrides) {
		rs.skuOverrides = Array.from({ length: 1 + int(3) }, () => ({
			pattern: ['S-*', 'S-1?', '/^S-[0-4]/', 'S-7'][int(4)],
			channel: rnd() < 0.4 ? '*' : channels[int(channels.length)],
			...tier(),
			...(rnd() < 0.2 ? { priority: rnd() < 0.5 } : {}),
		}));
	}
	return rs;
}

describe('never more than the rule set allows (seeded random)', () => {
	const CHANNELS = ['amazon', 'ebay', 'shopify', 'walmart', 'woocommerce'];
	let checked = 0;
	let refused = 0;
	let exclusiveCases = 0;

	test('4,000 rule sets x 6 ATPs', () => {
		for (let i = 0; i < 4000; i++) {
			const channels = CHANNELS.slice(0, 1 + int(5));
			const rs = ruleSet(channels, i % 2 === 1);
			const invalid = validateChannelRuleSet(rs).some((p) => p.severity === 'error');
			for (let k = 0; k < 6; k++) {
				const atp = k === 0 ? 0 : k === 1 ? 1 : int(k === 5 ? 1000 : 40);
				const sku = `S-${int(20)}`;
				let res;
				try {
					res = computePublishable(sku, atp, rs, channels);
				} catch (e) {
					// A rule set that cannot be satisfied is a clear error, never a silent oversell.
					expect(e).toBeInstanceOf(RuleSetError);
					refused++;
					continue;
				}
				expect(invalid).toBe(false);
				const ctx = () => JSON.stringify({ i, sku, atp, rs, res });
				let prioSum = 0;
				let total = 0;
				for (const p of res) {
					if (!(Number.isInteger(p.quantity) && p.quantity >= 0 && p.quantity <= atp)) throw new Error(`bad quantity ${ctx()}`);
					total += p.quantity;
					if (p.pool === 'priority') prioSum += p.quantity;
				}
				if (prioSum > atp) throw new Error(`priority channels over ATP ${ctx()}`);
				const others = res.filter((p) => p.pool !== 'priority');
				if (others.length && others[0].pool === 'exclusive') {
					exclusiveCases++;
					if (total > atp) throw new Error(`exclusive sum over ATP ${ctx()}`);
				}
				for (const p of others) if (p.quantity > atp - prioSum) throw new Error(`other channel took protected units ${ctx()}`);

				// Without overrides the effective tier is known here: check max, zero-at and the share bound.
				if (!rs.skuOverrides) {
					for (const p of res) {
						const cr = rs.channels.find((c) => c.channel === p.channel) ?? { channel: p.channel, ...(rs.defaults ?? {}) };
						const low = cr.lowStock && atp < cr.lowStock.level;
						const t = { sharePercent: 100, buffer: 0, ...stripUndef(cr), ...(low ? stripUndef(cr.lowStock!.rule) : {}) };
						if (t.maxListed !== undefined && t.maxListed !== null && p.quantity > t.maxListed) throw new Error(`over max ${ctx()}`);
						if (t.zeroAt !== undefined && t.zeroAt !== null && atp <= t.zeroAt && p.quantity !== 0) throw new Error(`zeroAt ignored ${ctx()}`);
						const bound = Math.max(0, Math.floor((t.sharePercent * atp) / 100 + 1e-9) - t.buffer, t.keepAliveMin ?? 0);
						if (p.quantity > bound) throw new Error(`over share bound ${ctx()}`);
						if (p.tier !== (low ? 'low' : 'normal')) throw new Error(`wrong tier ${ctx()}`);
					}
				}
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(15000);
		expect(refused).toBeGreaterThan(0);
		expect(exclusiveCases).toBeGreaterThan(1000);
	});
});

function stripUndef<T extends object>(o: T): Partial<T> {
	const out: Partial<T> = {};
	for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
	return out;
}
