/**
 * lib/http/errors.ts: the error every lib/ client throws for an unusable HTTP answer, and the redaction helpers.
 *
 * API (stable):
 *   class HttpError extends Error { status: number; method: string; url: string; bodySnippet: string;
 *                                   code?: string; attempts?: number; retryable: boolean }
 *   redactUrl(url): string                       query values of secret-looking parameters replaced by '***'
 *   redactText(text, secrets?: string[]): string known secret values and token-looking JSON/headers masked
 *   redactHeaders(headers): Record<string,string> secret headers (Authorization, X-Shopify-Access-Token, ...) masked
 *   httpErrorFrom(method, url, res, secrets?, attempts?): HttpError   builds the redacted error from a response
 *
 * Rule: a secret (token, client secret, consumer key/secret, refresh token, API key) never appears in a message.
 */
import type { HttpResponse } from './types';

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

export function redactText(text: string, secrets: Array<string | undefined | null> = []): string {
	let out = text;
	for (const s of secrets) {
		if (s && s.length >= 4) out = out.split(s).join('***');
	}
	out = out.replace(
		/("?(?:access_token|refresh_token|client_secret|consumer_secret|consumer_key|id_token|token|password|secret)"?\s*[:=]\s*"?)([^"&,\s}]+)/gi,
		'$1***',
	);
	out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***');
	out = out.replace(/\b(Atza\|[A-Za-z0-9._~+/=|-]+|Atzr\|[A-Za-z0-9._~+/=|-]+|shpat_[A-Za-z0-9]+|shpss_[A-Za-z0-9]+|ck_[A-Za-z0-9]+|cs_[A-Za-z0-9]+)/g, '***');
	return out;
}

export function redactHeaders(headers: Record<string, string> = {}): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? '***' : v;
	return out;
}

export class HttpError extends Error {
	readonly status: number;
	readonly method: string;
	readonly url: string;
	readonly bodySnippet: string;
	readonly code?: string;
	attempts?: number;
	readonly retryable: boolean;

	constructor(args: {
		message: string;
		status: number;
		method: string;
		url: string;
		bodySnippet?: string;
		code?: string;
		attempts?: number;
		secrets?: Array<string | undefined | null>;
	}) {
		const secrets = args.secrets ?? [];
		const url = redactText(redactUrl(args.url), secrets);
		const snippet = redactText(args.bodySnippet ?? '', secrets).slice(0, 500);
		super(redactText(args.message, secrets));
		this.name = 'HttpError';
		this.status = args.status;
		this.method = args.method;
		this.url = url;
		this.bodySnippet = snippet;
		this.code = args.code;
		this.attempts = args.attempts;
		this.retryable = args.status === 429 || args.status >= 500 || args.status === 0;
	}
}

export function bodyToSnippet(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body.slice(0, 1000);
	try {
		return JSON.stringify(body).slice(0, 1000);
	} catch {
		return String(body).slice(0, 1000);
	}
}

export function httpErrorFrom(
	method: string,
	url: string,
	res: HttpResponse,
	secrets: Array<string | undefined | null> = [],
	attempts?: number,
	what?: string,
): HttpError {
	const snippet = bodyToSnippet(res.body);
	return new HttpError({
		message: `${what ? what + ': ' : ''}${method} ${redactUrl(url)} answered ${res.status}${snippet ? ` (${snippet.slice(0, 300)})` : ''}`,
		status: res.status,
		method,
		url,
		bodySnippet: snippet,
		attempts,
		secrets,
	});
}
