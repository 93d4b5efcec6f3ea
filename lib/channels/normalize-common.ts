/**
 * Shared building blocks of the channel normalisers (lib/channels/<channel>/normalize.ts): the NormalizeError,
 * defensive readers for untrusted JSON, money in integer minor units, timestamps to ISO UTC, shipping-level
 * heuristics, and the final assembly of a CanonicalOrder.
 *
 * Every reader either returns a well-typed value or throws NormalizeError naming channel, order id and the
 * field path; nothing here lets a TypeError escape on hostile input (the fuzz tests hold it to that).
 */
import { fromMinor, isValidCurrency, minorUnits, toMinor } from '../order/money';
import { isCountryCode, normalizeAddress, normalizeCountry, normalizeEmail, normalizePhone } from '../order/address';
import { storableText, unstorableIn } from '../order/storable';
import type { Address, CancelRequest, CanonicalOrder, Customer, OrderLine, Readiness, Risk, Shipping, ShippingLevel } from '../order/types';

export type Json = Record<string, unknown>;

/** Options of normalizeOrder. */
export interface NormalizeOptions {
	/** Keep the channel payload as `raw` on the order (default true). */
	keepRaw?: boolean;
	/** Currency to assume when the payload names none anywhere (the store's currency), e.g. "USD". */
	currency?: string;
}

/**
 * A channel payload that cannot be normalised. The message names the channel, the order id (or "unknown id")
 * and the field path: `amazon order 902-1845936-5435065: missing orderItems[0].quantityOrdered`.
 */
export class NormalizeError extends Error {
	readonly channel: string;
	/** The channel's order id when it could be read, else null */
	readonly orderId: string | null;
	/** Path of the offending field inside the channel payload, e.g. `line_items[2].quantity` */
	readonly field: string;
	/** `missing` (absent, null or empty) or `invalid` (present but unusable) */
	readonly reason: 'missing' | 'invalid';
	constructor(channel: string, orderId: string | null, field: string, reason: 'missing' | 'invalid' = 'missing', detail?: string) {
		super(`${channel} order ${orderId ?? 'unknown id'}: ${reason} ${field}${detail ? ` (${detail})` : ''}`);
		this.name = 'NormalizeError';
		this.channel = channel;
		this.orderId = orderId;
		this.field = field;
		this.reason = reason;
	}
}

/** Per-order context: who to blame in errors. */
export class Ctx {
	orderId: string | null = null;
	constructor(readonly channel: string) {}
	missing(field: string): never {
		throw new NormalizeError(this.channel, this.orderId, field, 'missing');
	}
	invalid(field: string, detail: string): never {
		throw new NormalizeError(this.channel, this.orderId, field, 'invalid', detail);
	}
}

export function isObj(v: unknown): v is Json {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Json | undefined {
	return isObj(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] | undefined {
	return Array.isArray(v) ? v : undefined;
}

/** How status words compare (upper case, letters and digits only): the canonical order's rule (lib/order/versions.ts) */
export { statusKey } from '../order/versions';

/** `table[key]` only when `key` is the table's own entry: never Object.prototype's `constructor` or `__proto__`. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
	return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** Walks `path` through nested plain objects; undefined as soon as a step is not an object. */
export function dig(v: unknown, ...path: string[]): unknown {
	let cur = v;
	for (const key of path) {
		if (!isObj(cur)) return undefined;
		cur = cur[key];
	}
	return cur;
}

/** The array at `path`, if it is one */
export function listAt(v: unknown, ...path: string[]): unknown[] | undefined {
	const x = dig(v, ...path);
	return Array.isArray(x) ? x : undefined;
}

/** The nodes of a GraphQL connection at `path` (`nodes`, or `edges[].node`), if it is one */
export function connectionAt(v: unknown, ...path: string[]): unknown[] | undefined {
	const c = dig(v, ...path);
	if (!isObj(c)) return undefined;
	if (Array.isArray(c.nodes)) return c.nodes;
	if (Array.isArray(c.edges)) return c.edges.map((e) => (isObj(e) ? e.node : e));
	return undefined;
}

function describe(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'an array';
	if (typeof v === 'string') return v.length > 40 ? `a ${v.length}-character string` : JSON.stringify(v);
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return `a ${typeof v}`;
}

const MAX_TEXT = 2000;

/**
 * Trimmed non-empty text from a string or a finite number; null for anything else (objects, booleans, ""). Free
 * text: a NUL is dropped and an unpaired surrogate becomes U+FFFD, since no store can keep them (lib/order/storable.ts).
 */
export function text(v: unknown): string | null {
	if (typeof v === 'string') {
		const t = storableText(v).trim();
		if (t === '') return null;
		return t.length > MAX_TEXT ? t.slice(0, MAX_TEXT) : t;
	}
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return null;
}

/** An identifier: a non-empty string or a safe integer, as text. Throws `invalid` for other present values. */
export function optId(ctx: Ctx, v: unknown, field: string): string | null {
	if (v === null || v === undefined) return null;
	if (typeof v === 'string') {
		const t = v.trim();
		if (t === '') return null;
		if (t.length > 200) ctx.invalid(field, 'identifier longer than 200 characters');
		unstorableId(ctx, t, field);
		return t;
	}
	if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
	return ctx.invalid(field, `expected an identifier, got ${describe(v)}`);
}

/** Refuses an identifier no store can keep: cleaning it could turn it into another one (lib/order/storable.ts). */
function unstorableId(ctx: Ctx, v: string, field: string): void {
	const bad = unstorableIn(v);
	if (bad) ctx.invalid(field, `identifier contains ${bad}, which the store cannot keep`);
}

/** An identifier given as free-form text (a SKU, a buyer's user name): text(), refused when no store can keep it. */
export function idText(ctx: Ctx, v: unknown, field: string): string | null {
	if (typeof v === 'string') unstorableId(ctx, v, field);
	return text(v);
}

export function reqId(ctx: Ctx, v: unknown, field: string): string {
	return optId(ctx, v, field) ?? ctx.missing(field);
}

/** ISO 4217 code, upper-cased; null when absent; `invalid` when present but unknown. */
export function optCurrency(ctx: Ctx, v: unknown, field: string): string | null {
	if (v === null || v === undefined || v === '') return null;
	if (typeof v !== 'string') return ctx.invalid(field, `expected a currency code, got ${describe(v)}`);
	const c = v.trim().toUpperCase();
	if (!isValidCurrency(c)) return ctx.invalid(field, `unknown currency ${describe(v)}`);
	return c;
}

/**
 * An amount (number or decimal string, major units) as integer minor units of `currency`; null when absent
 * (undefined, null, ""). Throws `invalid` for anything else that is not a finite decimal.
 */
export function optMinor(ctx: Ctx, v: unknown, field: string, currency: string): number | null {
	if (v === null || v === undefined || v === '') return null;
	if (typeof v !== 'number' && typeof v !== 'string') return ctx.invalid(field, `expected an amount, got ${describe(v)}`);
	const fast = fastMinor(v, currency);
	if (fast !== null) return fast;
	let m: number;
	try {
		m = toMinor(v, currency);
	} catch {
		return ctx.invalid(field, `expected an amount, got ${describe(v)}`);
	}
	if (Math.abs(m) > MAX_MINOR) return ctx.invalid(field, `amount too large, got ${describe(v)}`);
	return m;
}

const POW10 = [1, 10, 100, 1000, 10000];
/** minorUnits() per currency code already seen (a few dozen at most: codes are checked before they get here). */
const DECIMALS = new Map<string, number>();
const PLAIN_DECIMAL = /^(-?)(\d{1,13})(?:\.(\d{0,4}))?$/;

/**
 * The common, exact cases without money.ts's digit-by-digit BigInt path (the hot spot of normalisation): a
 * plain decimal string with no more decimals than the currency has, or a number that is exactly a whole
 * count of minor units. Null means "not sure": toMinor decides.
 */
function fastMinor(v: number | string, currency: string): number | null {
	let d = DECIMALS.get(currency);
	if (d === undefined) {
		try {
			d = minorUnits(currency);
		} catch {
			return null;
		}
		DECIMALS.set(currency, d);
	}
	if (d >= POW10.length) return null;
	if (typeof v === 'number') {
		if (!Number.isFinite(v)) return null;
		const m = Math.round(v * POW10[d]);
		return m / POW10[d] === v && Math.abs(m) <= MAX_MINOR ? m + 0 : null;
	}
	const p = PLAIN_DECIMAL.exec(v);
	if (p === null) return null;
	const frac = p[3] ?? '';
	if (frac.length > d) return null;
	const n = Number(p[2] + frac.padEnd(d, '0'));
	if (n > MAX_MINOR) return null;
	return p[1] === '-' ? 0 - n + 0 : n;
}

/** Like optMinor, but also refuses negative amounts (prices, charges). */
export function optNonNegMinor(ctx: Ctx, v: unknown, field: string, currency: string): number | null {
	const m = optMinor(ctx, v, field, currency);
	if (m !== null && m < 0) ctx.invalid(field, `expected a non-negative amount, got ${describe(v)}`);
	return m;
}

/**
 * Largest amount accepted, in minor units (10^13: 100 billion dollars, 10 trillion yen). Far beyond any real
 * order, and small enough that every amount and sum converts to a major-unit JSON number and back exactly.
 */
export const MAX_MINOR = 1e13;

/** Sum of minor-unit amounts that refuses to leave the exactly representable range. */
export function addMinor(ctx: Ctx, field: string, ...parts: number[]): number {
	let s = 0;
	for (const p of parts) s += p;
	if (!Number.isSafeInteger(s) || Math.abs(s) > MAX_MINOR) ctx.invalid(field, 'amount too large to be handled exactly');
	return s;
}

export function mulMinor(ctx: Ctx, field: string, unit: number, qty: number): number {
	const p = unit * qty;
	if (!Number.isSafeInteger(p) || Math.abs(p) > MAX_MINOR) ctx.invalid(field, 'amount too large to be handled exactly');
	return p;
}

/** Largest quantity accepted on one line: beyond this a payload is garbage, not an order. */
export const MAX_QUANTITY = 1_000_000;

/** A line quantity: a whole number from 1 to MAX_QUANTITY, given as a number or numeric text. */
export function reqQuantity(ctx: Ctx, v: unknown, field: string): number {
	if (v === null || v === undefined || v === '') return ctx.missing(field);
	let n: number;
	if (typeof v === 'number') n = v;
	else if (typeof v === 'string' && /^\s*\d+(\.0+)?\s*$/.test(v)) n = Number(v);
	else return ctx.invalid(field, `expected a whole number, got ${describe(v)}`);
	if (!Number.isInteger(n) || n < 1 || n > MAX_QUANTITY) {
		return ctx.invalid(field, `expected a whole number from 1 to ${MAX_QUANTITY}, got ${describe(v)}`);
	}
	return n;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
/** 1970-01-01 .. 9999-12-31: anything outside is a broken value, not an order date. */
const MAX_MS = 253402300799999;

function daysInMonth(y: number, mo: number): number {
	if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
	return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Epoch milliseconds (0..MAX_MS) to `YYYY-MM-DDTHH:MM:SS[.mmm]Z` by arithmetic (days to civil date, H. Hinnant's
 * algorithm): several times faster than Date#toISOString on the intake hot path; a unit test holds the two equal.
 */
export function msToIso(ms: number): string {
	const days = Math.floor(ms / 86_400_000);
	let rem = ms - days * 86_400_000;
	const h = Math.floor(rem / 3_600_000);
	rem -= h * 3_600_000;
	const mi = Math.floor(rem / 60_000);
	rem -= mi * 60_000;
	const s = Math.floor(rem / 1000);
	const milli = rem - s * 1000;
	const z = days + 719_468;
	const era = Math.floor(z / 146_097);
	const doe = z - era * 146_097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const mo = mp < 10 ? mp + 3 : mp - 9;
	const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
	const frac = milli === 0 ? '' : `.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}`;
	return `${y}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}${frac}Z`;
}

/**
 * A timestamp as ISO 8601 UTC (`2026-05-01T14:00:00Z`, milliseconds kept only when not zero). Accepts ISO text
 * with an offset or Z; text without an offset is read as UTC only when `naiveIsUtc` (WooCommerce `*_gmt`),
 * else rejected; epoch milliseconds (number or digits) only when `epochMs` (Walmart).
 */
export function optTimestamp(
	ctx: Ctx,
	v: unknown,
	field: string,
	opts: { naiveIsUtc?: boolean; epochMs?: boolean } = {},
): string | null {
	if (v === null || v === undefined || v === '') return null;
	if (opts.epochMs && (typeof v === 'number' || (typeof v === 'string' && /^\s*\d{1,16}\s*$/.test(v)))) {
		const ms = Number(v);
		if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_MS) return ctx.invalid(field, `expected epoch milliseconds, got ${describe(v)}`);
		return msToIso(ms);
	}
	if (typeof v !== 'string') return ctx.invalid(field, `expected a timestamp, got ${describe(v)}`);
	const m = ISO_DATE.exec(v.trim());
	if (!m) return ctx.invalid(field, `expected an ISO 8601 timestamp, got ${describe(v)}`);
	let zone = m[8];
	if (zone === undefined) {
		if (!opts.naiveIsUtc) return ctx.invalid(field, `timestamp without a time zone: ${describe(v)}`);
		zone = 'Z';
	}
	const hh = m[4] ?? '00';
	const mm = m[5] ?? '00';
	const ss = m[6] ?? '00';
	const y = Number(m[1]);
	const mo = Number(m[2]);
	const d = Number(m[3]);
	const h = Number(hh);
	const mi = Number(mm);
	const s = Number(ss);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 60) {
		return ctx.invalid(field, `expected an ISO 8601 timestamp, got ${describe(v)}`);
	}
	// Fast path: already UTC, whole seconds. Nothing to convert, only to write out in the canonical form.
	if ((zone === 'Z' || zone === 'z') && m[7] === undefined && s < 60) return `${m[1]}-${m[2]}-${m[3]}T${hh}:${mm}:${ss}Z`;
	const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
	let offsetMin = 0;
	if (zone !== 'Z' && zone !== 'z') {
		const sign = zone[0] === '-' ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
		if (Math.abs(offsetMin) > 18 * 60) return ctx.invalid(field, `bad time-zone offset in ${describe(v)}`);
	}
	const ms = Date.UTC(y, mo - 1, d, h, mi, s, frac) - offsetMin * 60_000;
	if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS) {
		return ctx.invalid(field, `expected an ISO 8601 timestamp, got ${describe(v)}`);
	}
	return msToIso(ms);
}

export function reqTimestamp(ctx: Ctx, v: unknown, field: string, opts: { naiveIsUtc?: boolean; epochMs?: boolean } = {}): string {
	return optTimestamp(ctx, v, field, opts) ?? ctx.missing(field);
}

/** Optional timestamp that never fails the order (shipBy and the like): null when unusable. */
export function softTimestamp(ctx: Ctx, v: unknown, opts: { naiveIsUtc?: boolean; epochMs?: boolean } = {}): string | null {
	try {
		return optTimestamp(ctx, v, '', opts);
	} catch {
		return null;
	}
}

/**
 * Shipping level from free-text service words (eBay shippingServiceCode, Shopify shipping line title/code,
 * WooCommerce method id/title). Heuristic, in priority order; unrecognised words give `other`.
 */
const LEVEL_CACHE = new Map<string, ShippingLevel>();

export function levelFromWords(words: string | null): ShippingLevel {
	if (words === null) return 'standard';
	const cached = LEVEL_CACHE.get(words);
	if (cached !== undefined) return cached;
	const level = levelOfWords(words);
	// Service words repeat from order to order: remember a bounded number of them.
	if (LEVEL_CACHE.size >= 1000) LEVEL_CACHE.clear();
	LEVEL_CACHE.set(words, level);
	return level;
}

function levelOfWords(words: string): ShippingLevel {
	const w = words
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.replace(/([a-z])([A-Z0-9])/g, '$1 $2')
		.replace(/([A-Za-z])([0-9])/g, '$1 $2')
		.replace(/([0-9])([A-Za-z])/g, '$1 $2')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, ' ');
	const t = ` ${w.trim()} `;
	if (/ same ?day /.test(t)) return 'same_day';
	if (/ (next ?day|overnight|one ?day|1 ?day|24 ?h(our)?s?) /.test(t)) return 'next_day';
	if (/ (freight|ltl|white ?glove|pallet) /.test(t)) return 'freight';
	if (/ priority /.test(t)) return 'priority';
	if (/ (express|expedited?|two ?day|2 ?day|2 ?nd ?day|second ?day|rush|fast|3 ?day) /.test(t)) return 'expedited';
	if (/ (economy|value|saver|media( ?mail)?|slow|budget) /.test(t)) return 'economy';
	if (/ (standard|std|ground|regular|flat ?rate|free|free ?shipping|first ?class|parcel|paket|packet|post|mail|shipping|table ?rate|advantage) /.test(t)) return 'standard';
	return 'other';
}

/** Table lookup of a channel's service-level enum, compared without case, spaces, dashes or underscores. */
export function levelFromTable(table: Record<string, ShippingLevel>, code: string | null): ShippingLevel | null {
	if (code === null) return null;
	return own(table, code.toUpperCase().replace(/[^A-Z0-9]/g, '')) ?? null;
}

export function shippingOf(level: ShippingLevel, label: string | null): Shipping {
	return { level, label };
}

/** Address fields in canonical names, before normalisation. */
export interface AddressParts {
	name?: unknown;
	company?: unknown;
	line1?: unknown;
	line2?: unknown;
	city?: unknown;
	region?: unknown;
	postalCode?: unknown;
	country?: unknown;
	phone?: unknown;
}

/**
 * A channel address in canonical form, or null when it is empty. An address whose country cannot be read
 * gives `invalid <field>.<countryKey>` when `required` (shipping: the warehouse cannot ship without it), and
 * null otherwise (billing is informational).
 */
export function addressFrom(
	ctx: Ctx,
	parts: AddressParts | null,
	field: string,
	countryKey: string,
	required: boolean,
): Address | null {
	if (parts === null) return null;
	const a = normalizeAddress({
		name: text(parts.name),
		company: text(parts.company),
		line1: text(parts.line1),
		line2: text(parts.line2),
		city: text(parts.city),
		region: text(parts.region),
		postalCode: text(parts.postalCode),
		phone: text(parts.phone),
		country: text(parts.country),
	});
	if (a === null) return null;
	const country = normalizeCountry(a.country);
	if (country === null || !isCountryCode(country)) {
		if (!required) return null;
		if (a.country === '') return ctx.missing(`${field}.${countryKey}`);
		return ctx.invalid(`${field}.${countryKey}`, `unknown country ${describe(parts.country)}`);
	}
	a.country = country;
	return a;
}

export function joinName(...parts: unknown[]): string | null {
	const words = parts.map(text).filter((p): p is string => p !== null);
	return words.length ? words.join(' ') : null;
}

/** One "@" between non-empty parts, no whitespace: the canonical contract's e-mail shape (validateOrder). */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/** A usable e-mail address or null: a broken address is not a reason to refuse an order. */
export function emailOf(v: unknown): string | null {
	const e = normalizeEmail(text(v));
	return e !== null && EMAIL_SHAPE.test(e) ? e : null;
}

export function customerOf(email: unknown, name: unknown, phone: unknown, id: string | null): Customer {
	return {
		email: emailOf(email),
		name: text(name),
		phone: normalizePhone(text(phone)),
		channelCustomerId: id,
	};
}

export function noRisk(clientIp: string | null = null): Risk {
	return { channelRecommendation: null, channelRiskLevel: null, clientIp };
}

/** A line with amounts still in minor units. */
export interface MinorLine {
	lineId: string;
	sku: string;
	title: string | null;
	quantity: number;
	unit: number;
	total: number;
}

export interface MinorTotals {
	subtotal: number;
	shipping: number;
	tax: number;
	discount: number;
	/** The channel's own grand total when it gives one; else subtotal + shipping + tax - discount */
	total: number | null;
}

/** Line ids must be unique inside an order: a repeated id gets `#2`, `#3`... appended. */
function uniqueLineIds(lines: MinorLine[]): void {
	const seen = new Set<string>();
	for (const l of lines) {
		let id = l.lineId;
		for (let n = 2; seen.has(id); n++) id = `${l.lineId}#${n}`;
		l.lineId = id;
		seen.add(id);
	}
}

export interface OrderParts {
	channelOrderId: string;
	orderNumber: string | null;
	placedAt: string;
	updatedAt: string | null;
	channelStatus: string;
	readiness: Readiness;
	currency: string;
	totals: MinorTotals;
	customer: Customer;
	shipTo: Address | null;
	billTo: Address | null;
	shipping: Shipping;
	lines: MinorLine[];
	risk: Risk;
	shipBy?: string | null;
	/** A buyer's cancel request waiting for the seller's answer (eBay); omitted: none */
	cancelRequest?: CancelRequest | null;
	raw: unknown;
	/** Path of the line list in the payload, named when it is empty (default `line items`) */
	linesField?: string;
}

/**
 * Assembles the CanonicalOrder, turning minor units into major units once, at the end.
 *
 * Totals: the canonical identity is subtotal + shipping + tax - discount = total (validateOrder checks it). The
 * channel's own grand total is kept when it gives one; whatever the channel charged beyond goods, shipping, tax
 * and discounts (tips, fees, gift wrap, COD fees, duties) is folded into `shipping` ("shipping and other
 * charges"), and a shortfall (an unlisted discount or credit) into `discount`, so the identity holds with the
 * channel's figure. When the channel gives no total, it is computed from the parts.
 */
export function buildOrder(ctx: Ctx, p: OrderParts, totalField = 'total'): CanonicalOrder {
	if (p.lines.length === 0) ctx.missing(p.linesField ?? 'line items');
	uniqueLineIds(p.lines);
	const c = p.currency;
	const t = p.totals;
	for (const k of ['subtotal', 'shipping', 'tax', 'discount'] as const) {
		if (t[k] < 0) ctx.invalid(k === 'subtotal' ? 'line items' : k, `negative ${k}`);
	}
	const computed = addMinor(ctx, totalField, t.subtotal, t.shipping, t.tax, -t.discount);
	let { shipping, discount } = t;
	let total = computed;
	if (t.total !== null) {
		if (t.total < 0) ctx.invalid(totalField, 'negative order total');
		total = t.total;
		const diff = total - computed;
		if (diff > 0) shipping = addMinor(ctx, totalField, shipping, diff);
		else if (diff < 0) discount = addMinor(ctx, totalField, discount, -diff);
	} else if (computed < 0) {
		// Discount larger than everything else: the order costs nothing, it does not pay the buyer.
		discount = addMinor(ctx, totalField, discount, computed);
		total = 0;
	}
	const lines: OrderLine[] = p.lines.map((l) => ({
		lineId: l.lineId,
		sku: l.sku,
		title: l.title,
		quantity: l.quantity,
		unitPrice: fromMinor(l.unit, c),
		lineTotal: fromMinor(l.total, c),
	}));
	const order: CanonicalOrder = {
		omsId: `${ctx.channel}:${p.channelOrderId}`,
		channel: ctx.channel,
		channelOrderId: p.channelOrderId,
		orderNumber: p.orderNumber,
		placedAt: p.placedAt,
		updatedAt: p.updatedAt ?? p.placedAt,
		channelStatus: p.channelStatus,
		readiness: p.readiness,
		currency: c,
		totals: {
			subtotal: fromMinor(t.subtotal, c),
			shipping: fromMinor(shipping, c),
			tax: fromMinor(t.tax, c),
			discount: fromMinor(discount, c),
			total: fromMinor(total, c),
		},
		customer: p.customer,
		shipTo: p.shipTo,
		billTo: p.billTo,
		shipping: p.shipping,
		lines,
		risk: p.risk,
	};
	if (p.shipBy !== undefined) order.shipBy = p.shipBy;
	if (p.cancelRequest !== undefined) order.cancelRequest = p.cancelRequest;
	if (p.raw !== undefined) order.raw = p.raw;
	return order;
}

/** Sum of line totals, checked for overflow. */
export function linesSubtotal(ctx: Ctx, lines: MinorLine[]): number {
	return addMinor(ctx, 'line items', ...lines.map((l) => l.total));
}

/** Unit price from a line total and quantity, rounded half away from zero in minor units. */
export function unitFromTotal(total: number, qty: number): number {
	return Math.sign(total) * Math.round(Math.abs(total) / qty);
}

/** Items of a GraphQL connection (`nodes` or `edges[].node`) or a plain array. */
export function connection(v: unknown): unknown[] | undefined {
	if (Array.isArray(v)) return v;
	if (!isObj(v)) return undefined;
	if (Array.isArray(v.nodes)) return v.nodes;
	if (Array.isArray(v.edges)) return v.edges.map((e) => (isObj(e) ? e.node : undefined));
	return undefined;
}
