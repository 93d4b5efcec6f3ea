/**
 * lib/http/errors.ts: the error every lib/ client throws for an unusable HTTP answer, and the one redaction helper
 * the channel clients, the WMS providers and the nodes all use.
 *
 * API (stable):
 *   class HttpError extends Error { status: number; method: string; url: string; bodySnippet: string;
 *                                   vendorMessage: string | null; code?: string; attempts?: number; retryable: boolean }
 *   redactUrl(url): string                       query values of secret-looking parameters replaced by '***'
 *   redactText(text, secrets?, max?): string     every secret masked (see below), then cut to `max` characters
 *   redactError(err, secrets): err               the same for an error's message, stack and text fields, in place
 *   withRedaction(target, secrets): target       every method's errors (and credential test messages) redacted
 *   vendorMessageOf(body): string | null         the server's own error words (message, first error), unredacted
 *   redactHeaders(headers): Record<string,string> secret headers (Authorization, X-Shopify-Access-Token, ...) masked
 *   httpErrorFrom(method, url, res, secrets?, attempts?): HttpError   builds the redacted error from a response
 *   apiFailureOf(err): ApiFailure | null         status, vendor message and code of an API error (HttpError, WmsError)
 *
 * Rule: a secret (token, client secret, consumer key/secret, refresh token, API key, password) never appears in a
 * message, whole or in part. What redactText masks, for each secret of at least MIN_SECRET characters:
 *   - the secret as sent and in the forms a server echoes it in: JSON-escaped (also \uXXXX and twice escaped),
 *     URL- and form-encoded, HTML-escaped, and base64/base64url (also inside a longer base64 text such as the
 *     Basic header's base64(user:secret), at any alignment);
 *   - any piece of those forms of PART characters or more (a server or a length limit may cut a secret: a piece of
 *     a secret shorter than PART characters, or than the secret itself when it is shorter, is not masked);
 *   - token-looking text whatever the secret list says: "access_token": "...", Bearer/Basic values, Atza|, shpat_...
 * It masks before it cuts, so a cut never leaves the first characters of a secret behind. Secrets shorter than
 * MIN_SECRET characters are not masked (they cannot be told from ordinary text).
 */
import type { HttpResponse } from './types';

/** Secrets shorter than this are not masked */
export const MIN_SECRET = 4;
/** Pieces of a secret this long (or the whole secret, when shorter) are masked wherever they appear */
export const SECRET_PART = 8;
/** Text beyond this many characters is dropped before redaction (error texts are short; bodies may not be) */
const SCAN_LIMIT = 64 * 1024;
const MASK = '***';

export type Secrets = Array<string | undefined | null>;

const SECRET_PARAM = /(token|secret|password|passwd|consumer_key|api_?key|signature|sig|code|client_id|credential|auth)/i;
export const SECRET_HEADERS = new Set([
	'authorization',
	'proxy-authorization',
	'cookie',
	'set-cookie',
	'x-shopify-access-token',
	'x-amz-access-token',
	'wm_sec.access_token',
	'x-api-key',
	'x-shopify-hmac-sha256',
	'x-wc-webhook-signature',
]);

export function redactUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.username || u.password) {
			u.username = '***';
			u.password = '';
		}
		for (const key of [...u.searchParams.keys()]) {
			if (SECRET_PARAM.test(key)) u.searchParams.set(key, '***');
		}
		return u.toString();
	} catch {
		return url.replace(/([?&][^=&]*(?:token|secret|key|password)[^=&]*=)[^&]*/gi, '$1***');
	}
}

/** Token-looking text masked whatever the secret list says: [pattern, index of the group to mask (0: all)] */
const TOKEN_PATTERNS: Array<[RegExp, number]> = [
	// "token": "..." in JSON, also JSON-escaped inside another JSON text; token=... in a query or form body
	[/(\\?"(?:access_token|refresh_token|client_secret|consumer_secret|consumer_key|id_token|token|password|secret)\\?"\s*:\s*\\?")([^"\\]+)/gi, 2],
	[/(\b(?:access_token|refresh_token|client_secret|consumer_secret|consumer_key|id_token|token|password|secret)=)([^"&,\s}]+)/gi, 2],
	[/\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]+)/g, 3],
	[/\b(?:Atza\|[A-Za-z0-9._~+/=|-]+|Atzr\|[A-Za-z0-9._~+/=|-]+|shpat_[A-Za-z0-9]+|shpss_[A-Za-z0-9]+|ck_[A-Za-z0-9]+|cs_[A-Za-z0-9]+)/g, 0],
];

const jsonEscaped = (s: string): string => JSON.stringify(s).slice(1, -1);
const asciiEscaped = (s: string, upper: boolean): string =>
	jsonEscaped(s).replace(/[\u007f-\uffff]/g, (c) => {
		const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
		return `\\u${upper ? hex.toUpperCase() : hex}`;
	});
const htmlEscaped = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const base64url = (s: string): string => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function tryEncode(f: (s: string) => string, s: string): string | null {
	try {
		return f(s);
	} catch {
		return null; // a lone surrogate cannot be URI-encoded (and cannot be sent either)
	}
}

/**
 * The texts a server may echo `secret` as. Base64 also at the three alignments it can have inside a longer base64
 * text (the Basic header's base64(user:secret)): only the groups that hold nothing but the secret's own bytes.
 */
export function secretForms(secret: string): string[] {
	const forms = new Set<string>([secret, jsonEscaped(secret), jsonEscaped(jsonEscaped(secret)), asciiEscaped(secret, false), asciiEscaped(secret, true), htmlEscaped(secret)]);
	forms.add(jsonEscaped(asciiEscaped(secret, false)));
	for (const f of [encodeURIComponent, encodeURI, (s: string) => new URLSearchParams({ v: s }).toString().slice(2)]) {
		const e = tryEncode(f, secret);
		if (e === null) continue;
		forms.add(e);
		forms.add(e.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
		forms.add(e.replace(/%20/g, '+'));
	}
	const bytes = Buffer.from(secret, 'utf8');
	const whole = bytes.toString('base64');
	forms.add(whole);
	forms.add(base64url(whole));
	for (let shift = 0; shift < 3; shift++) {
		const enc = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
		const middle = enc.slice(shift ? 4 : 0, Math.floor((shift + bytes.length) / 3) * 4);
		if (middle.length >= SECRET_PART) {
			forms.add(middle);
			forms.add(base64url(middle));
		}
	}
	return [...forms];
}

interface Pieces {
	byLength: Map<number, Set<string>>;
	longest: number;
	/** a piece holds '*', the mask's character */
	hasStar: boolean;
}

/** Every piece to mask, by length: all SECRET_PART-long pieces of each form (a shorter form: the form itself) */
function piecesOf(secrets: Secrets): Pieces {
	const byLength = new Map<number, Set<string>>();
	let longest = 0;
	let hasStar = false;
	for (const s of secrets) {
		if (typeof s !== 'string' || s.length < MIN_SECRET) continue;
		for (const form of secretForms(s)) {
			if (form.length < MIN_SECRET) continue;
			longest = Math.max(longest, form.length);
			if (form.includes('*')) hasStar = true;
			const k = Math.min(SECRET_PART, form.length);
			let set = byLength.get(k);
			if (!set) byLength.set(k, (set = new Set()));
			for (let i = 0; i + k <= form.length; i++) set.add(form.slice(i, i + k));
		}
	}
	return { byLength, longest, hasStar };
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * `text` with every secret masked (see the file comment), then cut to `max` characters: masking comes first, so a
 * cut never leaves a piece of a secret behind. The one redaction every client, provider and node uses.
 */
export function redactText(text: string, secrets: Secrets = [], max = Infinity): string {
	if (typeof text !== 'string') text = String(text);
	const pieces = piecesOf(secrets);
	let out = maskOnce(text, pieces, max);
	// a secret holding the mask's own '*' could be formed again by a mask and its neighbours ("x" + "***"): again
	for (let pass = 0; pass < 3 && pieces.hasStar; pass++) {
		const again = maskOnce(out, pieces, max);
		if (again === out) break;
		out = again;
	}
	return out;
}

function maskOnce(text: string, { byLength, longest }: Pieces, max: number): string {
	// a text longer than the scan limit loses its tail, and the last `longest` scanned characters too: a secret that
	// starts there may run on past the limit, where its pieces could not all be seen
	const capped = text.length > SCAN_LIMIT;
	const scan = capped ? text.slice(0, SCAN_LIMIT) : text;
	const emitUpTo = capped ? Math.max(0, SCAN_LIMIT - longest) : scan.length;
	const masked = new Uint8Array(scan.length);
	for (const [k, pieces] of byLength) {
		for (let i = 0; i + k <= scan.length; i++) if (pieces.has(scan.slice(i, i + k))) masked.fill(1, i, i + k);
	}
	for (const [re, group] of TOKEN_PATTERNS) {
		re.lastIndex = 0;
		for (let m = re.exec(scan); m; m = re.exec(scan)) {
			let start = m.index;
			for (let g = 1; g < group; g++) start += (m[g] ?? '').length;
			const end = group ? start + (m[group] ?? '').length : m.index + m[0].length;
			masked.fill(1, start, end);
			if (m[0].length === 0) re.lastIndex++;
		}
	}
	// never split a surrogate pair: a masked half takes its other half with it
	for (let i = 0; i < scan.length; i++) {
		if (!masked[i]) continue;
		const c = scan.charCodeAt(i);
		if (isLow(c) && i > 0 && isHigh(scan.charCodeAt(i - 1))) masked[i - 1] = 1;
		if (isHigh(c) && i + 1 < scan.length && isLow(scan.charCodeAt(i + 1))) masked[i + 1] = 1;
	}
	let out = '';
	let i = 0;
	while (i < emitUpTo && out.length < max) {
		if (masked[i]) {
			out += MASK;
			while (i < emitUpTo && masked[i]) i++;
			continue;
		}
		let j = i;
		while (j < emitUpTo && !masked[j]) j++;
		out += scan.slice(i, j);
		i = j;
	}
	if (out.length > max) {
		out = out.slice(0, max);
		if (out.length && isHigh(out.charCodeAt(out.length - 1))) out = out.slice(0, -1);
	}
	return out;
}

/** An error's message, stack and text fields redacted in place (HttpError, WmsError, any Error); returns it */
export function redactError<T>(err: T, secrets: Secrets): T {
	if (!(err instanceof Error)) return (typeof err === 'string' ? redactText(err, secrets) : err) as T;
	const e = err as Error & Record<string, unknown>;
	const fields = ['message', 'stack', 'vendorMessage', 'bodySnippet', 'url', 'description'];
	for (const f of fields) {
		if (typeof e[f] !== 'string') continue;
		try {
			e[f] = redactText(e[f] as string, secrets);
		} catch {
			/* a read-only field: left as it is */
		}
	}
	return err;
}

/**
 * `target` (a channel client, a WMS provider) behind a proxy: whatever any of its methods throws, synchronously or
 * as a rejected promise, has every one of `secrets()` removed (redactError), and so have the results that carry a
 * server's words into a message: testCredentials' `message` and setAvailableQuantities' per-SKU `error`. One place
 * for what a client builds from an answer (GraphQL errors, user errors, transport messages) besides HttpError.
 */
export function withRedaction<T extends object>(target: T, secrets: () => Secrets): T {
	return new Proxy(target, {
		get(t, prop) {
			const v = Reflect.get(t, prop, t) as unknown;
			if (typeof v !== 'function') return v;
			const fn = v as (...args: unknown[]) => unknown;
			return (...args: unknown[]): unknown => {
				let out: unknown;
				try {
					out = fn.apply(t, args);
				} catch (err) {
					throw redactError(err, secrets());
				}
				if (!(out instanceof Promise)) return out;
				return out.then(
					(r: unknown) => redactResult(prop, r, secrets()),
					(err: unknown) => {
						throw redactError(err, secrets());
					},
				);
			};
		},
	});
}

function redactResult(prop: string | symbol, r: unknown, secrets: Secrets): unknown {
	if (prop === 'testCredentials' && r && typeof r === 'object' && typeof (r as { message?: unknown }).message === 'string') {
		return { ...r, message: redactText((r as { message: string }).message, secrets) };
	}
	if (prop === 'setAvailableQuantities' && Array.isArray(r)) {
		return r.map((x: unknown) => (x && typeof x === 'object' && typeof (x as { error?: unknown }).error === 'string' ? { ...x, error: redactText((x as { error: string }).error, secrets) } : x));
	}
	return r;
}

export function redactHeaders(headers: Record<string, string> = {}): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? '***' : v;
	return out;
}

/** The server's own words in an error body: its message and first error (unredacted: redact before showing) */
export function vendorMessageOf(body: unknown): string | null {
	if (typeof body === 'string') return body.trim() || null;
	if (Array.isArray(body)) return firstError(body);
	if (!body || typeof body !== 'object') return null;
	const b = body as Record<string, unknown>;
	const nested = b.error && typeof b.error === 'object' && !Array.isArray(b.error) ? (b.error as Record<string, unknown>) : null;
	const msg = b.message ?? b.Message ?? b.error_description ?? b.title ?? b.detail ?? (typeof b.error === 'string' ? b.error : null) ?? nested?.message ?? null;
	const parts: string[] = [];
	if (msg !== null && msg !== undefined && msg !== '') parts.push(typeof msg === 'object' ? JSON.stringify(msg) : String(msg));
	const first = firstError(b.errors);
	if (first && !parts.includes(first)) parts.push(first);
	return parts.join(' ').trim() || null;
}

function firstError(errors: unknown): string | null {
	if (Array.isArray(errors) && errors.length) {
		const e = errors[0] as unknown;
		if (typeof e === 'string') return e;
		const m = e && typeof e === 'object' ? (e as Record<string, unknown>).message : undefined;
		return m !== undefined && m !== null ? String(m) : JSON.stringify(e);
	}
	if (errors && typeof errors === 'object' && !Array.isArray(errors)) {
		const [field, v] = Object.entries(errors as Record<string, unknown>)[0] ?? [];
		if (!field) return null;
		return `${field}: ${Array.isArray(v) ? String(v[0]) : String(v)}`;
	}
	return null;
}

export class HttpError extends Error {
	readonly status: number;
	readonly method: string;
	readonly url: string;
	readonly bodySnippet: string;
	/** The server's own words (message, first error), redacted and short; null when it gave none */
	readonly vendorMessage: string | null;
	readonly code?: string;
	attempts?: number;
	readonly retryable: boolean;

	constructor(args: {
		message: string;
		status: number;
		method: string;
		url: string;
		bodySnippet?: string;
		vendorMessage?: string | null;
		code?: string;
		attempts?: number;
		secrets?: Secrets;
	}) {
		const secrets = args.secrets ?? [];
		super(redactText(args.message, secrets));
		this.name = 'HttpError';
		this.status = args.status;
		this.method = args.method;
		this.url = redactText(redactUrl(args.url), secrets);
		this.bodySnippet = redactText(args.bodySnippet ?? '', secrets, 500);
		this.vendorMessage = args.vendorMessage ? redactText(args.vendorMessage, secrets, 300) || null : null;
		this.code = args.code;
		this.attempts = args.attempts;
		this.retryable = args.status === 429 || args.status >= 500 || args.status === 0;
	}
}

/** A body as text, whole (redactText bounds what it reads, and cuts after masking) */
export function bodyToSnippet(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	try {
		return JSON.stringify(body) ?? '';
	} catch {
		return String(body);
	}
}

export function httpErrorFrom(
	method: string,
	url: string,
	res: HttpResponse,
	secrets: Secrets = [],
	attempts?: number,
	what?: string,
): HttpError {
	const body = bodyToSnippet(res.body);
	const hint = redactText(body, secrets, 300);
	return new HttpError({
		message: `${what ? what + ': ' : ''}${method} ${redactUrl(url)} answered ${res.status}${hint ? ` (${hint})` : ''}`,
		status: res.status,
		method,
		url,
		bodySnippet: body,
		vendorMessage: vendorMessageOf(res.body),
		attempts,
		secrets,
	});
}

/** What an API failure says (the node turns it into n8n's NodeApiError): an HttpError's or a WmsError's fields */
export interface ApiFailure {
	/** HTTP status; null when there was no answer (transport failure) or the failure was not an HTTP status */
	status: number | null;
	/** The vendor's own words, already redacted by the client */
	vendorMessage: string | null;
	/** ETIMEDOUT, HTTP_400, GRAPHQL, ... */
	code: string | null;
	retryable: boolean;
}

/**
 * The API failure an error carries, or null for any other error (bad input, a bug). Read by shape, not class, so
 * lib/wms's WmsError (which lib/http cannot import) is one too: an Error with a boolean `retryable`.
 */
export function apiFailureOf(err: unknown): ApiFailure | null {
	if (!(err instanceof Error)) return null;
	const e = err as Error & { status?: unknown; vendorMessage?: unknown; code?: unknown; retryable?: unknown };
	if (typeof e.retryable !== 'boolean') return null;
	const status = typeof e.status === 'number' && e.status > 0 ? e.status : null;
	return {
		status,
		vendorMessage: typeof e.vendorMessage === 'string' && e.vendorMessage ? e.vendorMessage : null,
		code: typeof e.code === 'string' && e.code ? e.code : null,
		retryable: e.retryable,
	};
}
