/**
 * Matching helpers the fraud rules and the allow and deny lists share: text normalisation (addresses, names,
 * e-mail domains, phones), IP addresses and CIDR ranges, name similarity, PO boxes, money comparison and wording.
 * Pure; no n8n.
 */
import { minorUnits, toMinor } from '../order/money';
import type { Address } from '../order/types';

// ---------------------------------------------------------------- IP text

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for an IPv4 or IPv6 address, optionally with a /prefix. */
export function isIpOrCidr(text: string): boolean {
	if (typeof text !== 'string') return false;
	const [addr, prefix, extra] = text.trim().split('/');
	if (extra !== undefined) return false;
	const v4 = IPV4.test(addr);
	const v6 = !v4 && parseIpv6(addr) !== null;
	if (!v4 && !v6) return false;
	if (prefix === undefined) return true;
	if (!/^\d{1,3}$/.test(prefix)) return false;
	return Number(prefix) <= (v4 ? 32 : 128);
}

/** IPv6 text to 8 16-bit groups, or null. Accepts "::" compression and a trailing dotted IPv4 ("::ffff:1.2.3.4"). */
export function parseIpv6(text: string): number[] | null {
	let s = text.trim().toLowerCase();
	if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
	const zone = s.indexOf('%');
	if (zone >= 0) s = s.slice(0, zone);
	if (!/^[0-9a-f:.]+$/.test(s) || !s.includes(':')) return null;
	const lastColon = s.lastIndexOf(':');
	const last = s.slice(lastColon + 1);
	if (last.includes('.')) {
		if (!IPV4.test(last)) return null;
		const b = last.split('.').map(Number);
		s = `${s.slice(0, lastColon + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
	}
	const parts = s.split('::');
	if (parts.length > 2) return null;
	const parse = (p: string): number[] | null => {
		if (p === '') return [];
		const out: number[] = [];
		for (const g of p.split(':')) {
			if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
			out.push(parseInt(g, 16));
		}
		return out;
	};
	const head = parse(parts[0]);
	const rest = parts.length === 2 ? parse(parts[1]) : [];
	if (head === null || rest === null) return null;
	if (parts.length === 1) return head.length === 8 ? head : null;
	const fill = 8 - head.length - rest.length;
	if (fill < 1) return null;
	return [...head, ...new Array<number>(fill).fill(0), ...rest];
}

// ---------------------------------------------------------------- text helpers

const ABBREV: Record<string, string> = {
	street: 'st',
	avenue: 'ave',
	road: 'rd',
	boulevard: 'blvd',
	drive: 'dr',
	lane: 'ln',
	court: 'ct',
	place: 'pl',
	suite: 'ste',
	apartment: 'apt',
	highway: 'hwy',
	parkway: 'pkwy',
	north: 'n',
	south: 's',
	east: 'e',
	west: 'w',
};

/** Lower case, no accents, punctuation as spaces, whitespace collapsed, common street words abbreviated. */
export function normalizeText(s: string | null | undefined): string {
	if (typeof s !== 'string') return '';
	const ascii = /^\p{ASCII}*$/u.test(s);
	return (ascii ? s : s.normalize('NFKD').replace(/\p{M}+/gu, ''))
		.toLowerCase()
		.replace(/['\u2019`]/g, '')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim()
		.split(' ')
		.filter((w) => w !== '')
		.map((w) => ABBREV[w] ?? w)
		.join(' ');
}

const listCache = new Map<string, string[]>();

/** The entries of an editable list, normalised; cached by content, so a batch normalises each list once */
export function normalizedList(list: readonly string[] | undefined): string[] {
	if (!list || list.length === 0) return [];
	const key = list.join('\u0001');
	let out = listCache.get(key);
	if (!out) {
		if (listCache.size > 200) listCache.clear();
		out = list.map((x) => normalizeText(x));
		listCache.set(key, out);
	}
	return out;
}

export function addressText(a: Address | null | undefined): string {
	if (!a) return '';
	return normalizeText([a.name, a.company, a.line1, a.line2, a.city, a.region, a.postalCode, a.country].filter((x) => typeof x === 'string').join(' '));
}

export function streetText(a: Address): string {
	return normalizeText([a.name, a.company, a.line1, a.line2, a.city].filter((x) => typeof x === 'string').join(' '));
}

/**
 * True when every word of `needle` occurs in `hay`, in the same order, each as a whole word (both normalised):
 * "4283 express ln sarasota" is found in "ann buyer 4283 express ln ste 123 sarasota fl 34238 us", whatever sits
 * between the street and the city.
 */
export function wordsInOrder(hay: string, needle: string): boolean {
	const want = needle.split(' ').filter((w) => w !== '');
	if (want.length === 0) return false;
	const have = hay.split(' ');
	let i = 0;
	for (const w of have) if (w === want[i] && ++i === want.length) return true;
	return false;
}

/** True when `needle` (normalised) occurs in `hay` (normalised) starting at a word boundary */
export function containsWords(hay: string, needle: string): boolean {
	if (needle === '' || hay === '') return false;
	return ` ${hay}`.includes(` ${needle}`);
}

export function domainOf(email: string): string {
	return email.slice(email.lastIndexOf('@') + 1);
}

export function domainMatches(domain: string, listed: string): boolean {
	const d = listed.trim().toLowerCase().replace(/^@/, '').replace(/^\*\./, '');
	return d !== '' && (domain === d || domain.endsWith(`.${d}`));
}

export function digits(phone: string): string {
	return phone.replace(/\D+/g, '');
}

/** Same phone: same digits, or the same last 10 digits when both have at least 10 (national vs international form). */
export function phoneMatches(a: string, b: string): boolean {
	const x = digits(a);
	const y = digits(b);
	if (x === '' || y === '') return false;
	if (x === y) return true;
	return x.length >= 10 && y.length >= 10 && x.slice(-10) === y.slice(-10);
}

const MALFORMED_EMAIL_OK = /^[^\s@]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,}|xn--[a-z0-9-]+)$/;

/** Null when well formed; otherwise why not */
export function emailProblem(email: string): string | null {
	const e = email.trim().toLowerCase();
	if (!e.includes('@')) return 'has no "@"';
	const local = e.slice(0, e.lastIndexOf('@'));
	if (local === '' || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'has a malformed local part';
	if (!MALFORMED_EMAIL_OK.test(e)) return 'has a malformed domain';
	return null;
}

// ---------------------------------------------------------------- IP matching

export function parseIpv4(s: string): number | null {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
	if (!m) return null;
	const b = m.slice(1).map(Number);
	if (b.some((x) => x > 255)) return null;
	return ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
}

type ParsedIp = { v: 4; n: number } | { v: 6; g: number[] };

export function parseIp(s: string): ParsedIp | null {
	const v4 = parseIpv4(s);
	if (v4 !== null) return { v: 4, n: v4 };
	const g = parseIpv6(s);
	if (g === null) return null;
	// IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address
	if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return { v: 4, n: ((g[6] << 16) >>> 0) + g[7] };
	return { v: 6, g };
}

/** True when `ip` is the listed address or inside the listed CIDR range */
export function ipMatches(ip: string, listed: string): boolean {
	const [addr, prefixText] = listed.trim().split('/');
	const a = parseIp(ip);
	const b = parseIp(addr);
	if (!a || !b || a.v !== b.v) return false;
	const bits = a.v === 4 ? 32 : 128;
	const prefix = prefixText === undefined ? bits : Number(prefixText);
	if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return false;
	if (a.v === 4 && b.v === 4) {
		if (prefix === 0) return true;
		const mask = prefix === 32 ? 0xffffffff : (~((1 << (32 - prefix)) - 1) >>> 0);
		return (a.n & mask) >>> 0 === (b.n & mask) >>> 0;
	}
	const ga = (a as { g: number[] }).g;
	const gb = (b as { g: number[] }).g;
	let left = prefix;
	for (let i = 0; i < 8 && left > 0; i++) {
		const take = Math.min(16, left);
		const mask = (0xffff << (16 - take)) & 0xffff;
		if ((ga[i] & mask) !== (gb[i] & mask)) return false;
		left -= take;
	}
	return true;
}

// ---------------------------------------------------------------- names

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'madam', 'herr', 'frau', 'mme', 'mlle', 'jr', 'sr']);

export function nameTokens(name: string): string[] {
	return normalizeText(name)
		.split(' ')
		.filter((t) => t !== '' && !HONORIFICS.has(t));
}

/** Edit distance counting an adjacent transposition as one edit (optimal string alignment), so "Jonh" is 1 from "John". */
export function editDistance(a: string, b: string): number {
	const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
			rows[i][j] = d;
		}
	}
	return rows[a.length][b.length];
}

export function tokenScore(a: string, b: string): number {
	if (a === b) return 1;
	if (a.length === 1 || b.length === 1) return (a.length === 1 ? b : a).startsWith(a.length === 1 ? a : b) ? 0.5 : 0;
	const longest = Math.max(a.length, b.length);
	// the distance is at least the difference in length: skip the work when that alone is too far
	if (Math.min(a.length, b.length) < 4 || Math.abs(a.length - b.length) > longest * 0.25) return 0;
	if (1 - editDistance(a, b) / longest >= 0.75) return 0.9;
	return 0;
}

/**
 * How alike two person names are, 0..1: tokens (lower case, no accents, honorifics dropped) are paired one to
 * one, greedily by best score; an equal token scores 1, a near spelling (edit similarity >= 0.75, 4+ letters, a swap of two letters is one edit) 0.9,
 * an initial matching a token's first letter 0.5. The sum is divided by the token count of the shorter name, so
 * "J. Smith" vs "John Smith" is 0.75 and "Mary Smith" vs "John Smith" 0.5. Token order does not matter.
 */
export function nameSimilarity(a: string, b: string): number {
	const ta = nameTokens(a);
	const tb = nameTokens(b);
	if (ta.length === 0 || tb.length === 0) return 0;
	if (ta.length === tb.length && ta.every((t, i) => t === tb[i])) return 1;
	const pairs: Array<{ i: number; j: number; s: number }> = [];
	ta.forEach((x, i) => tb.forEach((y, j) => {
		const s = tokenScore(x, y);
		if (s > 0) pairs.push({ i, j, s });
	}));
	pairs.sort((p, q) => q.s - p.s || p.i - q.i || p.j - q.j);
	const usedA = new Set<number>();
	const usedB = new Set<number>();
	let total = 0;
	for (const p of pairs) {
		if (usedA.has(p.i) || usedB.has(p.j)) continue;
		usedA.add(p.i);
		usedB.add(p.j);
		total += p.s;
	}
	return Math.round((total / Math.min(ta.length, tb.length)) * 100) / 100;
}

// ---------------------------------------------------------------- PO boxes

const PO_BOX = new RegExp(
	[
		String.raw`\bp\s*\.?\s*o\s*\.?\s*box\b`, // PO Box, P.O. Box, P O Box, POBox
		String.raw`\bp\s*\.?\s*o\s*\.?\s*b\s*\.?\s*#?\s*\d`, // POB 123, P.O.B. 123
		String.raw`\bpost(?:al)?\s*office\s*box\b`,
		String.raw`\bpostal\s*box\b`,
		String.raw`\bp\s*\.?\s*o\s*\.?\s*drawer\b`,
		String.raw`\bg\s*\.?\s*p\s*\.?\s*o\s*\.?\s*box\b`, // GPO Box (AU)
		String.raw`\blocked\s+bag\b`, // AU
		String.raw`\bpostfach\b`, // DE, AT, CH
		String.raw`\bapartado(?:\s+(?:postal|de\s+correos))?\s*#?\s*\d`, // ES, MX
		String.raw`\bcasilla(?:\s+(?:postal|de\s+correos?))?\s*#?\s*\d`, // CL, AR
		String.raw`\bcaixa\s+postal\b`, // BR, PT
		String.raw`\bboite\s+postale\b`, // FR
		String.raw`\bb\s*\.?\s*p\s*\.?\s+\d`, // BP 123 (FR)
	].join('|'),
	'i',
);

/** True when an address line names a post-office box in one of the usual spellings */
export function isPoBox(line: string | null | undefined): boolean {
	if (typeof line !== 'string') return false;
	return PO_BOX.test(line.normalize('NFKD').replace(/\p{M}+/gu, ''));
}

// ---------------------------------------------------------------- money

export function money(amount: number, currency: string): string {
	let d = 2;
	try {
		d = minorUnits(currency);
	} catch {
		/* keep 2 */
	}
	return `${currency} ${amount.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}`;
}

/** a > b in the currency's minor units; false when either cannot be read */
export function above(a: number, b: number, currency: string): boolean {
	try {
		return toMinor(a, currency) > toMinor(b, currency);
	} catch {
		return false;
	}
}
