/**
 * Screening one canonical order against a rule set: pure decision logic. The history it needs (velocity) comes
 * through an injected lookup with the shape of Store.velocity, and the clock is injected (`now`), so the same
 * order, the same history and the same `now` always give the same decision.
 *
 * Order of evaluation, as Stripe Radar orders its rules (allow, then block, then review; the first that decides
 * ends it):
 *   1. allow list: a trusted customer passes outright (the reason is recorded). The allow list beats the deny
 *      list and every block rule: an operator who allow-lists a customer means it.
 *   2. block: deny-list hits and block-configured signals (any rule with `block: true`, Shopify CANCEL with
 *      blockOnCancel, external verdicts in blockOn) reject outright; the reasons are the block hits only.
 *   3. score: the points of every scored rule that fired are summed; at or above thresholds.reject -> reject, at
 *      or above thresholds.review -> review, else pass.
 */
import { DateTime } from 'luxon';
import { addressKey, emailKey, normalizeEmail, normalizePhone } from '../order/address';
import { identityKeys, type IdentityKeys } from '../order/identity';
import { minorUnits, sumMoney, toMinor } from '../order/money';
import type { Address, CanonicalOrder, FraudAnnotation, FraudDecision, FraudReason } from '../order/types';
import type { VelocityKey, VelocityQuery, VelocityResult } from '../store/types';
import { parseIpv6, ruleSetVersion, type RuleSet, type VelocityRule } from './rules';

/**
 * Counts earlier orders with the same identity: Store.velocity, or an in-memory fake in tests. `channels`
 * (the channels of the orders counted) is optional; when given, velocity reasons name them.
 */
export type VelocityLookup = (query: VelocityQuery) => Promise<VelocityResult & { channels?: string[] }>;

export type ScreenStage = 'allow' | 'block' | 'score';

export interface ScreenResult extends FraudAnnotation {
	decision: FraudDecision;
	score: number;
	reasons: FraudReason[];
	ruleSetVersion: string;
	/** The injected `now`, ISO 8601 UTC */
	evaluatedAt: string;
	/** Which step decided: allow list, block rules, or the score */
	stage: ScreenStage;
}

export interface ScreenOptions {
	velocity: VelocityLookup;
	/** The clock: luxon DateTime or ISO 8601 text. Never read from the wall clock inside the decision. */
	now: DateTime | string;
	/**
	 * Upper bound of the history velocity looks at (ISO). Defaults to `now`. Back-testing passes the order's own
	 * placedAt so that only orders placed before it count.
	 */
	velocityUntil?: string;
	/** The rule set's version when already computed (saves hashing it for every order of a batch) */
	ruleSetVersion?: string;
}

interface Hit extends FraudReason {
	block: boolean;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

export function toDateTime(now: DateTime | string, what = 'now'): DateTime {
	const dt = typeof now === 'string' ? DateTime.fromISO(now, { zone: 'utc' }) : now.toUTC();
	if (!dt.isValid) throw new Error(`Invalid ${what} ${JSON.stringify(typeof now === 'string' ? now : now.toString())}: expected an ISO 8601 time`);
	return dt;
}

function isoUtc(dt: DateTime): string {
	// the same text as luxon's toISO in UTC with milliseconds, without its per-call formatting cost
	return new Date(dt.toMillis()).toISOString();
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
function normalizedList(list: readonly string[] | undefined): string[] {
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

function addressText(a: Address | null | undefined): string {
	if (!a) return '';
	return normalizeText([a.name, a.company, a.line1, a.line2, a.city, a.region, a.postalCode, a.country].filter((x) => typeof x === 'string').join(' '));
}

function streetText(a: Address): string {
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
function containsWords(hay: string, needle: string): boolean {
	if (needle === '' || hay === '') return false;
	return ` ${hay}`.includes(` ${needle}`);
}

function domainOf(email: string): string {
	return email.slice(email.lastIndexOf('@') + 1);
}

function domainMatches(domain: string, listed: string): boolean {
	const d = listed.trim().toLowerCase().replace(/^@/, '').replace(/^\*\./, '');
	return d !== '' && (domain === d || domain.endsWith(`.${d}`));
}

function digits(phone: string): string {
	return phone.replace(/\D+/g, '');
}

/** Same phone: same digits, or the same last 10 digits when both have at least 10 (national vs international form). */
function phoneMatches(a: string, b: string): boolean {
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

function parseIpv4(s: string): number | null {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
	if (!m) return null;
	const b = m.slice(1).map(Number);
	if (b.some((x) => x > 255)) return null;
	return ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
}

type ParsedIp = { v: 4; n: number } | { v: 6; g: number[] };

function parseIp(s: string): ParsedIp | null {
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

function nameTokens(name: string): string[] {
	return normalizeText(name)
		.split(' ')
		.filter((t) => t !== '' && !HONORIFICS.has(t));
}

/** Edit distance counting an adjacent transposition as one edit (optimal string alignment), so "Jonh" is 1 from "John". */
function editDistance(a: string, b: string): number {
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

function tokenScore(a: string, b: string): number {
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

function money(amount: number, currency: string): string {
	let d = 2;
	try {
		d = minorUnits(currency);
	} catch {
		/* keep 2 */
	}
	return `${currency} ${amount.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}`;
}

/** a > b in the currency's minor units; false when either cannot be read */
function above(a: number, b: number, currency: string): boolean {
	try {
		return toMinor(a, currency) > toMinor(b, currency);
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------- wording

const KEY_WORDS: Record<VelocityKey, string> = {
	email: 'this e-mail address',
	shipAddress: 'this shipping address',
	phone: 'this phone number',
	clientIp: 'this IP address',
};

function windowWords(hours: number): string {
	return hours === 1 ? 'the last hour' : `the last ${hours} hours`;
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

function channelLabel(channel: string): string {
	const known: Record<string, string> = { shopify: 'Shopify', amazon: 'Amazon', ebay: 'eBay', woocommerce: 'WooCommerce', walmart: 'Walmart' };
	return known[channel] ?? channel;
}

// ---------------------------------------------------------------- the screen

class Lookups {
	private cache = new Map<string, Promise<VelocityResult & { channels?: string[] }>>();
	constructor(private readonly fn: VelocityLookup) {}
	get(q: VelocityQuery): Promise<VelocityResult & { channels?: string[] }> {
		const k = `${q.key}\u0000${q.value}\u0000${q.since}\u0000${q.until ?? ''}\u0000${q.excludeOmsId ?? ''}`;
		let p = this.cache.get(k);
		if (!p) {
			p = Promise.resolve(this.fn(q));
			this.cache.set(k, p);
		}
		return p;
	}
}

function allowHits(order: CanonicalOrder, rs: RuleSet): Hit[] {
	const allow = rs.allowList;
	if (!allow) return [];
	const hits: Hit[] = [];
	const email = normalizeEmail(order.customer?.email);
	const key = emailKey(order.customer?.email);
	if (email) {
		const listed = (allow.emails ?? []).find((e) => {
			const n = normalizeEmail(e);
			return n !== null && (n === email || emailKey(n) === key);
		});
		if (listed) hits.push({ rule: 'allowList.email', points: 0, detail: `E-mail ${email} is on the allow list`, block: false });
		else {
			const d = (allow.domains ?? []).find((x) => domainMatches(domainOf(email), x));
			if (d) hits.push({ rule: 'allowList.domain', points: 0, detail: `E-mail domain ${domainOf(email)} is on the allow list`, block: false });
		}
	}
	const phones = phonesOf(order);
	for (const p of phones) {
		if ((allow.phones ?? []).some((x) => phoneMatches(p, x))) {
			hits.push({ rule: 'allowList.phone', points: 0, detail: `Phone ${p} is on the allow list`, block: false });
			break;
		}
	}
	const cid = order.customer?.channelCustomerId;
	if (cid !== null && cid !== undefined && String(cid) !== '') {
		const id = String(cid);
		if ((allow.customerIds ?? []).some((x) => x === id || x === `${order.channel}:${id}`))
			hits.push({ rule: 'allowList.customerId', points: 0, detail: `${channelLabel(order.channel)} customer ${id} is on the allow list`, block: false });
	}
	return hits;
}

function phonesOf(order: CanonicalOrder): string[] {
	const out: string[] = [];
	for (const p of [order.customer?.phone, order.shipTo?.phone, order.billTo?.phone]) {
		const n = normalizePhone(p);
		if (n && !out.includes(n)) out.push(n);
	}
	return out;
}

function denyHits(order: CanonicalOrder, rs: RuleSet): Hit[] {
	const deny = rs.denyList;
	if (!deny) return [];
	const points = rs.thresholds?.reject ?? 0;
	const hits: Hit[] = [];
	const hit = (rule: string, detail: string) => hits.push({ rule, points, detail, block: true });
	const email = normalizeEmail(order.customer?.email);
	if (email) {
		const key = emailKey(email);
		if ((deny.emails ?? []).some((e) => {
			const n = normalizeEmail(e);
			return n !== null && (n === email || emailKey(n) === key);
		}))
			hit('denyList.email', `E-mail ${email} is on the deny list`);
		const domain = domainOf(email);
		if ((deny.domains ?? []).some((d) => domainMatches(domain, d))) hit('denyList.domain', `E-mail domain ${domain} is on the deny list`);
	}
	for (const p of phonesOf(order)) {
		if ((deny.phones ?? []).some((x) => phoneMatches(p, x))) {
			hit('denyList.phone', `Phone ${p} is on the deny list`);
			break;
		}
	}
	const addrs: Array<[string, Address | null]> = [
		['Ship-to', order.shipTo],
		['Billing', order.billTo],
	];
	for (const [label, a] of addrs) {
		const text = addressText(a);
		if (text === '') continue;
		const norm = normalizedList(deny.addresses);
		const at = norm.findIndex((n) => wordsInOrder(text, n));
		const listed = at >= 0 ? deny.addresses[at] : undefined;
		if (listed) {
			hit('denyList.address', `${label} address matches "${listed}" on the deny list`);
			break;
		}
	}
	const ip = order.risk?.clientIp;
	if (typeof ip === 'string' && ip.trim() !== '') {
		const listed = (deny.ips ?? []).find((x) => ipMatches(ip.trim(), x));
		if (listed) hit('denyList.ip', `Client IP ${ip.trim()} is on the deny list${listed.includes('/') ? ` (range ${listed})` : ''}`);
	}
	const country = order.shipTo?.country;
	if (country && (deny.countries ?? []).includes(country)) hit('denyList.country', `Ship-to country ${country} is on the deny list`);
	return hits;
}

function staticHits(order: CanonicalOrder, rs: RuleSet): Hit[] {
	const r = rs.rules;
	const hits: Hit[] = [];
	const add = (rule: string, cfg: { points: number; block?: boolean }, detail: string) =>
		hits.push({ rule, points: cfg.points, detail, block: cfg.block === true });
	const ship = order.shipTo ?? null;
	const currency = order.currency;
	const total = order.totals?.total;

	const ota = r.orderTotalAbove;
	if (ota?.enabled && typeof total === 'number') {
		const limit = ota.amounts?.[currency];
		if (typeof limit === 'number' && above(total, limit, currency))
			add('orderTotalAbove', ota, `Order total ${money(total, currency)} is above ${money(limit, currency)}`);
	}

	const sq = r.skuQuantityAbove;
	if (sq?.enabled) {
		const only = new Set((sq.skus ?? []).map((s) => s.trim().toLowerCase()));
		const units = new Map<string, number>();
		for (const l of order.lines ?? []) {
			if (!l || typeof l.sku !== 'string' || typeof l.quantity !== 'number') continue;
			if (only.size > 0 && !only.has(l.sku.trim().toLowerCase())) continue;
			units.set(l.sku, (units.get(l.sku) ?? 0) + l.quantity);
		}
		const over = [...units.entries()].filter(([, q]) => q > sq.limit).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		if (over.length > 0)
			add('skuQuantityAbove', sq, `${over.map(([s, q]) => `${q} units of ${s}`).join(', ')} (limit ${sq.limit} of one SKU${only.size > 0 ? ' on the watched list' : ''})`);
	}

	const country = ship?.country || null;
	const hr = r.shipCountryHighRisk;
	if (hr?.enabled && country && (hr.countries ?? []).includes(country)) add('shipCountryHighRisk', hr, `Ship-to country ${country} is on the high-risk list`);

	const na = r.shipCountryNotAllowed;
	if (na?.enabled && country && (na.allowed ?? []).length > 0 && !na.allowed.includes(country))
		add('shipCountryNotAllowed', na, `Ship-to country ${country} is outside the countries shipped to (${na.allowed.join(', ')})`);

	const bs = r.billingShippingMismatch;
	const bill = order.billTo ?? null;
	if (bs?.enabled && ship && bill) {
		if (bill.country && ship.country && bill.country !== ship.country)
			add('billingShippingMismatch', bs, `Billing country ${bill.country} differs from ship-to country ${ship.country}`);
		else if (bs.compare === 'address' && (bill.line1 || bill.line2) && (ship.line1 || ship.line2) && addressKey(bill) !== addressKey(ship))
			add('billingShippingMismatch', bs, `Billing address (${[bill.line1, bill.postalCode].filter(Boolean).join(', ')}) differs from the ship-to address (${[ship.line1, ship.postalCode].filter(Boolean).join(', ')})`);
	}

	const nm = r.shipToNameMismatch;
	if (nm?.enabled && ship?.name) {
		const others = [order.customer?.name, bill?.name].filter((n): n is string => typeof n === 'string' && nameTokens(n).length > 0);
		if (others.length > 0 && nameTokens(ship.name).length > 0) {
			let best = 0;
			for (const o of others) best = Math.max(best, nameSimilarity(ship.name, o));
			if (best < nm.minSimilarity)
				add('shipToNameMismatch', nm, `Ship-to name "${ship.name}" is unlike the customer's name "${others[0]}" (similarity ${best}, minimum ${nm.minSimilarity})`);
		}
	}

	const de = r.disposableOrMalformedEmail;
	const rawEmail = order.customer?.email;
	if (de?.enabled && typeof rawEmail === 'string' && rawEmail.trim() !== '') {
		const problem = emailProblem(rawEmail);
		if (problem) add('disposableOrMalformedEmail', de, `E-mail "${rawEmail.trim()}" ${problem}`);
		else {
			const domain = domainOf(rawEmail.trim().toLowerCase());
			if ((de.domains ?? []).some((d) => domainMatches(domain, d))) add('disposableOrMalformedEmail', de, `E-mail domain ${domain} is a disposable-mailbox service`);
		}
	}

	const ff = r.freightForwarderOrPoBox;
	if (ff?.enabled && ship) {
		const street = streetText(ship);
		let fullText: string | undefined;
		const kwAt = normalizedList(ff.keywords).findIndex((k) => containsWords(street, k));
		const kw = kwAt >= 0 ? ff.keywords[kwAt] : undefined;
		const addrAt = kw ? -1 : normalizedList(ff.addresses).findIndex((a) => wordsInOrder((fullText ??= addressText(ship)), a));
		const addr = addrAt >= 0 ? ff.addresses[addrAt] : undefined;
		if (kw) add('freightForwarderOrPoBox', ff, `Ship-to address mentions "${kw}", a freight forwarder or reshipper`);
		else if (addr) add('freightForwarderOrPoBox', ff, `Ship-to address matches the known forwarder address "${addr}"`);
		else if (ff.poBox && [ship.line1, ship.line2, ship.company].some((l) => isPoBox(l)))
			add(
				'freightForwarderOrPoBox',
				{ points: typeof ff.poBoxPoints === 'number' ? ff.poBoxPoints : ff.points, block: ff.block },
				`Ship-to address is a PO box (${[ship.line1, ship.line2, ship.company].find((l) => isPoBox(l))})`,
			);
	}

	const cr = r.channelRisk;
	if (cr?.enabled) {
		const rec = (order.risk?.channelRecommendation ?? '').trim().toUpperCase();
		const lvl = (order.risk?.channelRiskLevel ?? '').trim().toUpperCase();
		const recPoints = rec ? (cr.recommendation?.[rec] ?? 0) : 0;
		const lvlPoints = lvl ? (cr.riskLevel?.[lvl] ?? 0) : 0;
		const block = cr.blockOnCancel === true && rec === 'CANCEL';
		if (recPoints > 0 || lvlPoints > 0 || block) {
			const parts: string[] = [];
			if (rec) parts.push(`recommends ${rec}`);
			if (lvl) parts.push(`rates the risk ${lvl}`);
			const negative = (order.risk?.facts ?? [])
				.filter((f) => f && typeof f.description === 'string' && (f.sentiment ?? '').toUpperCase() === 'NEGATIVE')
				.map((f) => f.description);
			const facts = negative.length > 0 ? `; negative facts: ${negative.join('; ')}` : '';
			hits.push({
				rule: 'channelRisk',
				points: Math.max(recPoints, lvlPoints),
				detail: `${channelLabel(order.channel)} ${parts.join(' and ')}${facts}`,
				block,
			});
		}
	}

	const ex = r.externalScreener;
	if (ex?.enabled) {
		const blockOn = new Set((ex.blockOn ?? []).map((b) => b.toLowerCase()));
		for (const v of order.risk?.external ?? []) {
			if (!v || typeof v.provider !== 'string') continue;
			const provider = v.provider.toLowerCase().replace(/[^a-z]/g, '');
			if (provider === 'stripe' || provider === 'striperadar' || provider === 'radar') {
				const level = (v.level ?? '').trim().toLowerCase();
				const levelPoints = level ? (ex.stripeLevel?.[level] ?? 0) : 0;
				const scoreHit = typeof v.score === 'number' && typeof ex.stripeScoreAtLeast === 'number' && v.score >= ex.stripeScoreAtLeast;
				const points = Math.max(levelPoints, scoreHit ? ex.stripeScorePoints : 0);
				const block = level !== '' && blockOn.has(`stripe:${level}`);
				if (points > 0 || block) {
					const said: string[] = [];
					if (level) said.push(`risk level ${level}`);
					if (typeof v.score === 'number') said.push(`risk score ${v.score}${scoreHit ? ` (at least ${ex.stripeScoreAtLeast})` : ''}`);
					hits.push({ rule: 'externalScreener.stripe', points, detail: `Stripe Radar: ${said.join(', ')}`, block });
				}
			} else if (provider === 'signifyd' || provider === 'nofraud') {
				const raw = (v.decision ?? '').trim();
				if (!raw) continue;
				const decision = provider === 'signifyd' ? raw.toUpperCase() : raw.toLowerCase();
				const table = provider === 'signifyd' ? ex.signifyd : ex.nofraud;
				const points = table?.[decision] ?? 0;
				const block = blockOn.has(`${provider}:${decision.toLowerCase()}`);
				if (points > 0 || block)
					hits.push({
						rule: `externalScreener.${provider}`,
						points,
						detail: `${provider === 'signifyd' ? 'Signifyd' : 'NoFraud'} decision ${decision}`,
						block,
					});
			}
		}
	}
	return hits;
}

function velocityRuleName(v: VelocityRule): string {
	return `velocity.${v.key}.${v.windowHours}h`;
}

async function historyHits(
	order: CanonicalOrder,
	rs: RuleSet,
	keys: IdentityKeys,
	lookups: Lookups,
	now: DateTime,
	until: string,
): Promise<Hit[]> {
	const r = rs.rules;
	const hits: Hit[] = [];
	const currency = order.currency;
	const total = typeof order.totals?.total === 'number' ? order.totals.total : 0;

	for (const v of r.velocity ?? []) {
		if (!v?.enabled) continue;
		const value = keys[v.key];
		if (!value) continue;
		// epoch arithmetic, not luxon's minus(): a window is a fixed number of milliseconds, and this runs per rule per order
		const since = new Date(now.toMillis() - Math.round(v.windowHours * 3600_000)).toISOString();
		const res = await lookups.get({ key: v.key, value, since, until, excludeOmsId: order.omsId });
		const count = (res?.count ?? 0) + 1;
		const amounts: Record<string, number> = {};
		for (const [cur, amt] of Object.entries(res?.totals ?? {})) amounts[cur] = amt;
		try {
			amounts[currency] = sumMoney([amounts[currency] ?? 0, total], currency);
		} catch {
			/* unreadable currency: leave amounts as the store gave them */
		}
		const parts: string[] = [];
		if (typeof v.maxOrders === 'number' && count > v.maxOrders) parts.push(`${plural(count, 'order')} from ${KEY_WORDS[v.key]} in ${windowWords(v.windowHours)} (limit ${v.maxOrders})`);
		for (const cur of Object.keys(v.maxAmount ?? {}).sort()) {
			const max = v.maxAmount[cur];
			const amt = amounts[cur];
			if (typeof amt === 'number' && typeof max === 'number' && above(amt, max, cur))
				parts.push(`${money(amt, cur)} ordered from ${KEY_WORDS[v.key]} in ${windowWords(v.windowHours)} (limit ${money(max, cur)})`);
		}
		if (parts.length === 0) continue;
		let across = '';
		if (Array.isArray(res?.channels)) {
			const channels = [...new Set([...res.channels, order.channel])].sort();
			across = `, across ${channels.join(', ')}`;
		}
		hits.push({ rule: velocityRuleName(v), points: v.points, detail: `${parts.join('; ')}${across}`, block: v.block === true });
	}

	const fo = r.firstOrderExpedited;
	if (fo?.enabled && keys.email && (fo.levels ?? []).includes(order.shipping?.level)) {
		const min = fo.minTotal?.[currency];
		if (typeof min === 'number' && above(total, min, currency)) {
			const res = await lookups.get({ key: 'email', value: keys.email, since: EPOCH, until, excludeOmsId: order.omsId });
			if ((res?.count ?? 0) === 0)
				hits.push({
					rule: 'firstOrderExpedited',
					points: fo.points,
					detail: `First order from this e-mail address, with ${order.shipping.level.replace(/_/g, '-')} shipping and a total of ${money(total, currency)} (above ${money(min, currency)})`,
					block: fo.block === true,
				});
		}
	}
	return hits;
}

function reasonsOf(hits: Hit[]): FraudReason[] {
	return hits.map(({ rule, points, detail }) => ({ rule, points, detail }));
}

function sumPoints(hits: Hit[]): number {
	// points are whole or decimal numbers; round to 2 places so sums stay readable and deterministic
	return Math.round(hits.reduce((s, h) => s + h.points, 0) * 100) / 100;
}

/**
 * Screens one order. Missing optional fields (no e-mail, no IP, no ship-to, no billing address) simply leave the
 * rules that need them silent.
 */
export async function screenOrder(order: CanonicalOrder, ruleSet: RuleSet, options: ScreenOptions): Promise<ScreenResult> {
	const now = toDateTime(options.now);
	const evaluatedAt = isoUtc(now);
	const version = options.ruleSetVersion ?? ruleSetVersion(ruleSet);
	const base = { ruleSetVersion: version, evaluatedAt };

	const allowed = allowHits(order, ruleSet);
	if (allowed.length > 0) return { decision: 'pass', score: 0, reasons: reasonsOf(allowed), stage: 'allow', ...base };

	const denied = denyHits(order, ruleSet);
	const fixed = ruleSet.rules ? staticHits(order, ruleSet) : [];
	const blockNow = [...denied, ...fixed.filter((h) => h.block)];
	if (blockNow.length > 0) return { decision: 'reject', score: sumPoints(blockNow), reasons: reasonsOf(blockNow), stage: 'block', ...base };

	const until = options.velocityUntil !== undefined ? isoUtc(toDateTime(options.velocityUntil, 'velocityUntil')) : evaluatedAt;
	const history = ruleSet.rules ? await historyHits(order, ruleSet, identityKeys(order), new Lookups(options.velocity), now, until) : [];
	const blockLater = history.filter((h) => h.block);
	if (blockLater.length > 0) return { decision: 'reject', score: sumPoints(blockLater), reasons: reasonsOf(blockLater), stage: 'block', ...base };

	const scored = [...fixed, ...history];
	const score = sumPoints(scored);
	const t = ruleSet.thresholds;
	const decision: FraudDecision = score >= t.reject ? 'reject' : score >= t.review ? 'review' : 'pass';
	return { decision, score, reasons: reasonsOf(scored), stage: 'score', ...base };
}

/**
 * True when a review decided at `decidedAt` has waited longer than `hours` at `now` (exactly `hours` is not yet
 * overdue). NoFraud alerts after 72 hours.
 */
export function isReviewOverdue(decidedAt: string | DateTime, now: string | DateTime, hours: number): boolean {
	const from = toDateTime(decidedAt, 'decidedAt');
	const to = toDateTime(now);
	return to.toMillis() - from.toMillis() > hours * 3600_000;
}
