/**
 * What the properties feed the pack: text from all of Unicode and then some (any UTF-16 code unit, so unpaired
 * surrogates too, NUL, controls, bidi overrides, Markdown/HTML/CSV/X12 punctuation), numbers at the edges (±0,
 * 2^53, past the 10^13 minor-unit cap, NaN, ±Infinity, tiny and huge doubles), and mutations of JSON payloads
 * (a value deleted, replaced, an extra field added, hostile text spliced into a string).
 */
import fc from 'fast-check';
import { slots } from '../channels/payload-seeds';

/** Characters that mean something to some part of the pack or to what reads its output. */
const SPECIAL_CHARS = [
	'\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\u202e', '\u2066', '\u200f', '\u2028', '\u2029', '\u0085', '\ufeff', '\ufffe', '\uffff', '\u00a0',
	'\n', '\r', '\t', '\u000b', '\u001d', '\u001e', '\u001f', '\u007f',
	'<', '>', '&', '"', "'", '`', '*', '_', '[', ']', '(', ')', '#', '!', '|', '~', '=', '+', '-', '@', ':', '\\', '/', '.', '^', '$', '{', '}', ',', ';', '%', '?',
	' ', '💥', '\ud83d\ude00', 'é', 'ß', 'İ', 'ﬁ', '０', '＜', '\u0301',
];

/** One UTF-16 code unit, any of them (lone surrogates included) */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

export const hostileChar: fc.Arbitrary<string> = fc.oneof(
	{ arbitrary: fc.constantFrom(...SPECIAL_CHARS), weight: 4 },
	{ arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
	{ arbitrary: codeUnit, weight: 1 },
	{ arbitrary: fc.constantFrom(...'abcXYZ019'.split('')), weight: 3 },
);

/** Text from the arbitraries above, up to `maxLength` units */
export function hostileString(maxLength = 24): fc.Arbitrary<string> {
	return fc.oneof(
		{ arbitrary: fc.string({ unit: hostileChar, maxLength }), weight: 8 },
		{
			arbitrary: fc.constantFrom(
				'',
				' ',
				'null',
				'NaN',
				'Infinity',
				'1e400',
				'-0',
				'0x1F',
				'__proto__',
				'constructor',
				'[click](https://evil.example)',
				'<img src=x onerror=alert(1)>',
				'=HYPERLINK("http://x")',
				'+1-2',
				'@SUM(1)',
				'ISA*00*',
				'2026-02-30T10:00:00Z',
				'9999-12-31T23:59:59+14:00',
				'x'.repeat(3000),
			),
			weight: 1,
		},
	);
}

export const EDGE_NUMBERS = [
	0, -0, 1, -1, 0.1, 0.005, 1.005, 2.675, 0.125, 1e-7, 5e-324, 1e13, 1e13 + 1, 8e13, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308, Number.MAX_VALUE,
	-1e13, -8e13, NaN, Infinity, -Infinity, 1_000_000, 1_000_001, 999_999_999,
];

/** Numbers at the edges, and anywhere else */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
	{ arbitrary: fc.constantFrom(...EDGE_NUMBERS), weight: 3 },
	{ arbitrary: fc.integer({ min: -1e6, max: 1e7 }), weight: 2 },
	{ arbitrary: fc.double(), weight: 2 },
	{ arbitrary: fc.integer({ min: -10_000_00, max: 10_000_00 }).map((n) => n / 100), weight: 2 },
);

/** A number, the same as text ("19.99", "1e400"), or hostile text */
export const amountLike: fc.Arbitrary<unknown> = fc.oneof(edgeNumber, edgeNumber.map(String), hostileString(12));

/** Any JSON-ish value a payload field could be replaced with */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	{ arbitrary: hostileString(), weight: 4 },
	{ arbitrary: edgeNumber, weight: 3 },
	{ arbitrary: edgeNumber.map(String), weight: 1 },
	{ arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, [], {}, [null], { amount: '1e400' }), weight: 2 },
	{ arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);

export type Mutation =
	| { op: 'delete'; at: number }
	| { op: 'set'; at: number; value: unknown }
	| { op: 'extra'; at: number; key: string; value: unknown }
	| { op: 'splice'; at: number; text: string; where: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
	fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: hostileValue }),
	fc.record({ op: fc.constant('extra' as const), at: fc.nat(), key: fc.oneof(hostileString(8), fc.constantFrom('__proto__', 'constructor', 'toString', '_fixture')), value: hostileValue }),
	fc.record({ op: fc.constant('splice' as const), at: fc.nat(), text: hostileString(6), where: fc.nat() }),
);

/** Applies mutations to `root` in place (slot indexes taken modulo the slots there are); returns root. */
export function applyMutations<T>(root: T, mutations: readonly Mutation[]): T {
	for (const m of mutations) {
		const all = slots(root);
		if (!all.length) return root;
		const s = all[m.at % all.length];
		const parent = s.parent as Record<string | number, unknown>;
		switch (m.op) {
			case 'delete':
				if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
				else delete parent[s.key];
				break;
			case 'set':
				parent[s.key] = structuredCloneSafe(m.value);
				break;
			case 'extra': {
				const target = typeof parent[s.key] === 'object' && parent[s.key] !== null && !Array.isArray(parent[s.key]) ? (parent[s.key] as Record<string, unknown>) : Array.isArray(s.parent) ? null : (s.parent as Record<string, unknown>);
				if (target) Object.defineProperty(target, m.key, { value: structuredCloneSafe(m.value), enumerable: true, writable: true, configurable: true });
				break;
			}
			case 'splice': {
				const cur = parent[s.key];
				if (typeof cur === 'string') {
					const k = m.where % (cur.length + 1);
					parent[s.key] = cur.slice(0, k) + m.text + cur.slice(k);
				} else if (typeof cur === 'number') parent[s.key] = `${cur}${m.text}`;
				break;
			}
		}
	}
	return root;
}

function structuredCloneSafe(v: unknown): unknown {
	return v === undefined ? undefined : structuredClone(v);
}
