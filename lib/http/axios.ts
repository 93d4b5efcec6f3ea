/**
 * lib/http/axios.ts: the HttpRequestFn for use outside n8n (tests, demo, benchmarks).
 *
 * API (stable):
 *   createAxiosRequest(opts?: { timeoutMs?: number; userAgent?: string }): HttpRequestFn
 *     - never throws for an HTTP status (validateStatus always true); headers come back lower-cased;
 *     - a JSON body is parsed, anything else is returned as text ('' when empty);
 *     - transport failures throw an Error with `code` (ETIMEDOUT for a timeout, ECONNREFUSED, ECONNRESET...)
 *       and a message free of secrets.
 * axios is a devDependency: it is required lazily here, and nodes never import this file (they build the
 * request function on n8n's helpers), so the build leaves it out of dist/ (tsconfig.build.json).
 */
import http from 'node:http';
import type { HttpRequestFn, HttpRequestOptions, HttpResponse } from './types';
import { redactUrl } from './errors';

export interface AxiosRequestOptions {
	timeoutMs?: number;
	userAgent?: string;
}

function encodeQs(qs: HttpRequestOptions['qs']): string {
	if (!qs) return '';
	const parts: string[] = [];
	for (const [k, v] of Object.entries(qs)) {
		if (v === undefined) continue;
		const values = Array.isArray(v) ? v : [v];
		for (const one of values) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`);
	}
	return parts.join('&');
}

/** Appends qs to a url that may already carry a query string. */
export function buildUrl(url: string, qs?: HttpRequestOptions['qs']): string {
	const q = encodeQs(qs);
	if (!q) return url;
	return url + (url.includes('?') ? '&' : '?') + q;
}

export function createAxiosRequest(opts: AxiosRequestOptions = {}): HttpRequestFn {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const axios = require('axios') as typeof import('axios').default;
	const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	const fn = async <T = unknown>(o: HttpRequestOptions): Promise<HttpResponse<T>> => {
		const headers: Record<string, string> = { ...(o.headers ?? {}) };
		if (opts.userAgent && !Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent'))
			headers['User-Agent'] = opts.userAgent;
		let data: unknown = o.body;
		const hasCt = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
		if (o.body !== undefined) {
			if (o.bodyType === 'form' && typeof o.body === 'object' && o.body !== null) {
				data = new URLSearchParams(
					Object.entries(o.body as Record<string, unknown>)
						.filter(([, v]) => v !== undefined)
						.map(([k, v]): [string, string] => [k, String(v)]),
				).toString();
				if (!hasCt) headers['Content-Type'] = 'application/x-www-form-urlencoded';
			} else if (o.bodyType === 'raw' || typeof o.body === 'string') {
				data = o.body;
			} else {
				data = JSON.stringify(o.body);
				if (!hasCt) headers['Content-Type'] = 'application/json';
			}
		}
		const url = buildUrl(o.url, o.qs);
		try {
			const res = await axios.request({
				method: o.method,
				url,
				headers,
				data,
				timeout: o.timeoutMs ?? opts.timeoutMs ?? 30_000,
				validateStatus: () => true,
				responseType: 'text',
				transformResponse: [(d: unknown) => d],
				maxRedirects: 0,
				httpAgent: agent,
			});
			const outHeaders: Record<string, string> = {};
			for (const [k, v] of Object.entries(res.headers ?? {})) {
				if (v === undefined || v === null) continue;
				outHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
			}
			const text = typeof res.data === 'string' ? res.data : res.data === undefined ? '' : String(res.data);
			let body: unknown = text;
			const ct = outHeaders['content-type'] ?? '';
			if (text && (ct.includes('json') || /^\s*[[{]/.test(text))) {
				try {
					body = JSON.parse(text);
				} catch {
					body = text;
				}
			}
			return { status: res.status, headers: outHeaders, body: body as T };
		} catch (err) {
			const e = err as { code?: string; message?: string };
			let code = e.code ?? 'EUNKNOWN';
			if (code === 'ECONNABORTED' && /timeout/i.test(e.message ?? '')) code = 'ETIMEDOUT';
			const out = new Error(`${o.method} ${redactUrl(url)} failed: ${code}`) as Error & { code: string };
			out.code = code;
			throw out;
		}
	};
	return fn as HttpRequestFn;
}
