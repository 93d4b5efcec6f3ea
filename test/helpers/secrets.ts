/**
 * What the redaction tests call a secret "leaking", defined once, independently of lib/http/errors:
 * a piece of min(PART, length) characters of the secret, or of a form a server echoes it in (JSON-escaped, also
 * \uXXXX; URL- and form-encoded; HTML-escaped; base64 and base64url; the groups of base64(user:secret) that encode
 * the secret's bytes only), found in a text. Secrets shorter than 4 characters are out of scope.
 */

/** "In part": any piece of this many characters (the whole secret, or form, when shorter) */
export const PART = 8;
/** The user name a test puts before the secret in base64(user:secret) (the Basic header): the secret starts at byte 4 */
export const BASIC_USER = 'oms';

export const jsonEscaped = (s: string): string => JSON.stringify(s).slice(1, -1);
export const asciiEscaped = (s: string): string => jsonEscaped(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
export const htmlEscaped = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
export const formEncoded = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2);

/** f(s), or null when s cannot be encoded (a lone surrogate) */
export function tryEncode(f: (s: string) => string, s: string): string | null {
	try {
		return f(s);
	} catch {
		return null;
	}
}

/** The secret and the texts a server may echo it as */
export function checkedForms(secret: string): string[] {
	const forms = [secret, jsonEscaped(secret), asciiEscaped(secret), htmlEscaped(secret), b64(secret), Buffer.from(secret, 'utf8').toString('base64url')];
	for (const f of [encodeURIComponent, formEncoded]) {
		const e = tryEncode(f, secret);
		if (e) forms.push(e);
	}
	const basic = b64(`${BASIC_USER}:${secret}`);
	const middle = basic.slice(8, Math.floor((4 + Buffer.byteLength(secret, 'utf8')) / 3) * 4);
	if (middle.length >= PART) forms.push(middle);
	return forms;
}

/** The first piece of a secret (any checked form) found in `text`, quoted; null when there is none */
export function leak(text: string, secrets: string[]): string | null {
	for (const s of secrets) {
		if (s.length < 4) continue;
		for (const f of checkedForms(s)) {
			const k = Math.min(PART, f.length);
			for (let i = 0; i + k <= f.length; i++) if (text.includes(f.slice(i, i + k))) return JSON.stringify(f.slice(i, i + k));
		}
	}
	return null;
}

/** Every string inside a value (stored rows are checked string by string: JSON text would escape them anew) */
export function strings(v: unknown, out: string[] = []): string[] {
	if (typeof v === 'string') out.push(v);
	else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
	else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
	return out;
}

/** Throws naming what leaked when any string inside `values` holds a piece of a secret */
export function expectNoLeak(what: string, values: unknown, secrets: string[]): void {
	for (const t of strings(values)) {
		const piece = leak(t, secrets);
		if (piece) throw new Error(`${what} holds ${piece} of a secret: ${JSON.stringify(t.slice(0, 400))}`);
	}
}
