/**
 * Text that both stores can keep. PostgreSQL refuses two things SQLite takes without a word, so an order holding
 * them would be recorded on the embedded store and lost on the queue-mode one:
 * - NUL (U+0000): a `text` column refuses the byte, `jsonb` refuses the `\u0000` escape ("unsupported Unicode
 *   escape sequence");
 * - a UTF-16 surrogate without its pair (U+D800..U+DFFF alone): not a character at all. JSON.stringify writes it
 *   as a `\ud800` escape, which `jsonb` refuses, and UTF-8 cannot encode it (a text column would get U+FFFD).
 * Every other Unicode text (controls, non-characters, astral planes) is kept as it is by both.
 *
 * The rule of the OMS (lib/store records by it, validateOrder and the normalisers follow it):
 * - identifiers (omsId, channel order id, line ids, SKUs, customer ids) holding either are REFUSED with a clear
 *   error: silently changing one could make two different ids the same (a SKU `A\0B` would become `AB`, a customer
 *   id would match an allow list it is not on);
 * - free text (names, addresses, titles, status words, labels) and the raw payload are CLEANED: NUL removed,
 *   an unpaired surrogate replaced by U+FFFD (the Unicode replacement character). The store says so in the
 *   timeline (`cleaned` on the recorded / updated event, with the paths).
 */
import { createHash } from 'node:crypto';

/** Anything that may need a look: NUL or any surrogate half (paired ones are fine and kept). */
// eslint-disable-next-line no-control-regex -- NUL is the character this module exists to find
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** What in `s` no store can keep, in words ("a NUL character (U+0000)"), or null when it is storable. */
export function unstorableIn(s: string): string | null {
	if (!SUSPECT.test(s)) return null;
	if (s.includes('\u0000')) return 'a NUL character (U+0000)';
	const m = LONE_SURROGATE.exec(s);
	if (m) return `an unpaired UTF-16 surrogate (U+${m[0].charCodeAt(0).toString(16).toUpperCase()})`;
	return null;
}

/** `s` with NUL removed and every unpaired surrogate replaced by U+FFFD (the same string when there is none). */
export function storableText(s: string): string {
	if (!SUSPECT.test(s)) return s;
	// eslint-disable-next-line no-control-regex -- NUL is the character this module exists to find
	return s.replace(/\u0000/g, '').replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * A JSON value with every string and object key made storable; the JSON paths of what changed are pushed to
 * `cleaned` (`$.raw.note`). Keys get U+FFFD for a NUL instead of losing it, so two keys never merge into one.
 * Arrays and plain objects are copied only when something in them changed; other values are returned as they are.
 */
export function storableJson(value: unknown, path: string, cleaned: string[]): unknown {
	if (typeof value === 'string') {
		const t = storableText(value);
		if (t !== value) cleaned.push(path);
		return t;
	}
	if (typeof value !== 'object' || value === null) return value;
	if (Array.isArray(value)) {
		let out: unknown[] | null = null;
		for (let i = 0; i < value.length; i++) {
			const v = storableJson(value[i], `${path}[${i}]`, cleaned);
			if (v !== value[i] && out === null) out = value.slice(0, i);
			if (out !== null) out.push(v);
		}
		return out ?? value;
	}
	const proto = Object.getPrototypeOf(value) as unknown;
	if (proto !== Object.prototype && proto !== null) return value;
	const obj = value as Record<string, unknown>;
	let out: Record<string, unknown> | null = null;
	const keys = Object.keys(obj);
	for (let i = 0; i < keys.length; i++) {
		const k = keys[i];
		// eslint-disable-next-line no-control-regex -- NUL is the character this module exists to find
		const sk = SUSPECT.test(k) ? k.replace(/\u0000/g, '\uFFFD').replace(LONE_SURROGATES, '\uFFFD') : k;
		const childPath = `${path}${/^[A-Za-z_$][\w$]*$/.test(sk) ? `.${sk}` : `[${JSON.stringify(sk)}]`}`;
		if (sk !== k) cleaned.push(childPath);
		const v = storableJson(obj[k], childPath, cleaned);
		if ((sk !== k || v !== obj[k]) && out === null) {
			out = {};
			for (let j = 0; j < i; j++) put(out, keys[j], obj[keys[j]]);
		}
		if (out !== null) put(out, sk, v);
	}
	return out ?? value;
}

/** An own property even for `__proto__` (a key JSON.parse gives as data, never as the prototype). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
	Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** True when some string or key inside a JSON value holds NUL or a surrogate half (a walk that builds nothing). */
export function needsCleaning(value: unknown): boolean {
	if (typeof value === 'string') return SUSPECT.test(value);
	if (typeof value !== 'object' || value === null) return false;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) if (needsCleaning(value[i])) return true;
		return false;
	}
	const proto = Object.getPrototypeOf(value) as unknown;
	if (proto !== Object.prototype && proto !== null) return false;
	for (const k in value as Record<string, unknown>) {
		if (SUSPECT.test(k) || needsCleaning((value as Record<string, unknown>)[k])) return true;
	}
	return false;
}

/**
 * A key the store only compares (an idempotency marker: a webhook delivery's id, a body field): itself when storable,
 * else a digest of its UTF-16 code units, so two different keys stay different and the same key maps the same way on
 * both stores. (A digest cannot be mistaken for a real key short of a SHA-256 collision.)
 */
export function storableKey(key: string): string {
	if (unstorableIn(key) === null) return key;
	return `unstorable-sha256:${createHash('sha256').update(Buffer.from(key, 'utf16le')).digest('hex')}`;
}

/** A JSON value made storable, and the paths of what was cleaned (none: the value itself, untouched). */
export function cleanForStore<T>(value: T, path = '$'): { value: T; cleaned: string[] } {
	if (!needsCleaning(value)) return { value, cleaned: [] };
	const cleaned: string[] = [];
	return { value: storableJson(value, path, cleaned) as T, cleaned };
}

/** An identifier no store can keep, refused: its message names what and why (`stock level sku "A?B": must not contain ...`). */
export class UnstorableIdentifierError extends Error {
	constructor(readonly field: string, problem: string) {
		super(`${field}: must not contain ${problem} (PostgreSQL cannot store it; fix it at the source)`);
		this.name = 'UnstorableIdentifierError';
	}
}

/**
 * Refuses an identifier (a SKU, a location, a package key, a cursor's name) holding NUL or an unpaired surrogate,
 * with an error naming `field`; the same rule as an order's identifiers, for what the store keeps outside orders.
 */
export function refuseUnstorable(field: string, value: string | null | undefined): void {
	if (typeof value !== 'string' || !SUSPECT.test(value)) return;
	const problem = unstorableIn(value);
	if (problem) throw new UnstorableIdentifierError(field, problem);
}
