/**
 * Fuzz: the vendor payloads (and constructed fixtures) mutated with a seeded PRNG (deleted keys, null, wrong
 * types, huge and odd numbers, odd strings, deep nesting, shuffled arrays, swapped subtrees). Every input must
 * give an order that passes validateOrder or a NormalizeError naming the channel: never another exception.
 * Failures print the seed and case number, so any one can be replayed.
 */
import { NormalizeError, normalizeOrder } from '../../../lib/channels/normalize';
import { validateOrder } from '../../../lib/order/validate';
import { loadSeeds, slots, type SeedChannel } from './payload-seeds';

/** FUZZ_CASES / FUZZ_SEED override the defaults for a longer or different run (same checks). */
const CASES_PER_CHANNEL = Number(process.env.FUZZ_CASES) || 3000;
const SEED = Number(process.env.FUZZ_SEED) || 0x5eed2026;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ODD_NUMBERS = [0, -0, -1, 1, 0.1 + 0.2, 1e21, -1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity, 2 ** 53 + 1, 123456789.123456789, 1.005, -0.004];
const ODD_STRINGS = [
	'',
	' ',
	'abc',
	'1e400',
	'-5',
	'12.345678',
	'0x1F',
	'NaN',
	'Infinity',
	'null',
	'2026-13-45T99:99:99Z',
	'2026-02-30T10:00:00Z',
	'0000-01-01T00:00:00Z',
	'9999-12-31T23:59:59+14:00',
	'1970-01-01',
	'usd',
	'XXX',
	'ZZ',
	'USA',
	'x'.repeat(10_000),
	'\u0000\u202e\ud800',
	'💥 emoji 💥',
	'<script>alert(1)</script>',
	'__proto__',
	'gid://shopify/Order/',
	'gid://shopify/Order/123/456',
];

function deepNest(v: unknown, depth: number, array: boolean): unknown {
	let out = v;
	for (let i = 0; i < depth; i++) out = array ? [out] : { a: out, amount: out, value: out };
	return out;
}

function mutate(root: unknown, rnd: () => number): unknown {
	const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
	// Occasionally replace the whole input.
	if (rnd() < 0.01) return pick<unknown>([null, undefined, 0, 'order', [], {}, [root], { order: null }, { payload: root }, { order: root, items: 'nope' }]);
	const all = slots(root);
	if (all.length === 0) return root;
	const n = 1 + Math.floor(rnd() * 4);
	for (let i = 0; i < n; i++) {
		const s = pick(all);
		const parent = s.parent as Record<string | number, unknown>;
		const current = parent[s.key];
		const op = Math.floor(rnd() * 12);
		switch (op) {
			case 0:
				if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
				else delete parent[s.key];
				break;
			case 1:
				parent[s.key] = null;
				break;
			case 2:
				parent[s.key] = pick(ODD_NUMBERS);
				break;
			case 3:
				parent[s.key] = pick(ODD_STRINGS);
				break;
			case 4:
				parent[s.key] = pick<unknown>([true, false, [], {}, [1, 2], { x: 1 }, undefined]);
				break;
			case 5:
				parent[s.key] = deepNest(current, 1 + Math.floor(rnd() * 200), rnd() < 0.5);
				break;
			case 6:
				// type confusion: another node's value
				parent[s.key] = pick(all).parent[pick(all).key as never];
				break;
			case 7:
				if (Array.isArray(current)) parent[s.key] = [...current, ...current];
				else if (typeof current === 'string') parent[s.key] = current + current;
				else parent[s.key] = [current];
				break;
			case 8:
				if (Array.isArray(current)) parent[s.key] = [];
				else if (typeof current === 'number') parent[s.key] = -current;
				else parent[s.key] = typeof current === 'object' && current !== null ? Object.prototype.toString.call(current) : String(current);
				break;
			case 9:
				if (typeof current === 'string' && /^-?\d+(\.\d+)?$/.test(current)) parent[s.key] = Number(current) * 1e12;
				else if (typeof current === 'number') parent[s.key] = current * 1e15;
				else parent[s.key] = 1e15;
				break;
			case 10:
				if (!Array.isArray(s.parent)) (s.parent as Record<string, unknown>)[pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])] = current;
				break;
			default:
				if (typeof current === 'string') parent[s.key] = current.toUpperCase() === current ? current.toLowerCase() : current.toUpperCase();
				else if (typeof current === 'number') parent[s.key] = String(current);
				break;
		}
	}
	return root;
}

const seeds = loadSeeds();
const channels = Object.keys(seeds) as SeedChannel[];

describe.each(channels)('fuzz %s', (channel) => {
	test(`${CASES_PER_CHANNEL} mutated payloads: a valid order or a NormalizeError, never anything else`, () => {
		const base = seeds[channel];
		const rnd = prng(SEED ^ channel.length * 7919 ^ channel.charCodeAt(0));
		const tally = { orders: 0, errors: 0 };
		const failures: string[] = [];
		for (let i = 0; i < CASES_PER_CHANNEL; i++) {
			const input = mutate(structuredClone(base[i % base.length]), rnd);
			try {
				const order = normalizeOrder(channel, input);
				const problems = validateOrder(order);
				if (problems.length > 0) failures.push(`case ${i}: invalid order ${JSON.stringify(problems.slice(0, 3))}`);
				else tally.orders++;
			} catch (e) {
				if (e instanceof NormalizeError && e.channel === channel && e.message.startsWith(`${channel} order `) && typeof e.field === 'string' && e.field !== '') tally.errors++;
				else failures.push(`case ${i}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e)}`);
			}
			if (failures.length >= 20) break;
		}
		expect(failures).toEqual([]);
		// Both outcomes must really occur, or the fuzzer is not exercising anything.
		expect(tally.orders).toBeGreaterThan(CASES_PER_CHANNEL / 20);
		expect(tally.errors).toBeGreaterThan(CASES_PER_CHANNEL / 20);
	});
});

test('fuzz: the unmutated seeds all normalise to valid orders', () => {
	for (const channel of channels) {
		for (const raw of seeds[channel]) expect(validateOrder(normalizeOrder(channel, structuredClone(raw)))).toEqual([]);
	}
});
