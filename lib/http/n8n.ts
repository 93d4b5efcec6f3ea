/**
 * lib/http/n8n.ts: the HttpRequestFn inside n8n, built on the node's `this.helpers.httpRequest`, so proxies,
 * n8n's outbound HTTP settings and egress rules apply. lib/ imports nothing from n8n: the helper is passed in.
 *
 * API (stable):
 *   createN8nRequest(httpRequest: N8nHttpRequest, opts?: { timeoutMs?: number }): HttpRequestFn
 *     usage in a node:  const request = createN8nRequest((o) => this.helpers.httpRequest(o as IHttpRequestOptions));
 *     - asks for the full response and ignores HTTP status errors (returnFullResponse, ignoreHttpStatusErrors), so
 *       the clients read statuses and throttle headers themselves, exactly as with createAxiosRequest;
 *     - array query values repeat the key (arrayFormat "repeat"); form bodies are sent url-encoded; JSON bodies
 *       with json: true; header names come back lower-cased; a JSON text body is parsed;
 *     - a transport failure throws an Error with `code` (ETIMEDOUT, ECONNREFUSED, ...) and no secrets in it.
 */
import type { HttpRequestFn, HttpRequestOptions, HttpResponse } from './types';
import { redactUrl } from './errors';

/** The subset of n8n's helpers.httpRequest this adapter uses (IHttpRequestOptions in, IN8nHttpFullResponse out). */
export type N8nHttpRequest = (options: Record<string, unknown>) => Promise<unknown>;

export function createN8nRequest(httpRequest: N8nHttpRequest, opts: { timeoutMs?: number } = {}): HttpRequestFn {
	const fn = async <T = unknown>(o: HttpRequestOptions): Promise<HttpResponse<T>> => {
		const headers: Record<string, string> = { ...(o.headers ?? {}) };
		const hasCt = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
		const req: Record<string, unknown> = {
			method: o.method,
			url: o.url,
			headers,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			arrayFormat: 'repeat',
			timeout: o.timeoutMs ?? opts.timeoutMs ?? 30_000,
		};
		if (o.qs) req.qs = Object.fromEntries(Object.entries(o.qs).filter(([, v]) => v !== undefined));
		if (o.body !== undefined) {
			if (o.bodyType === 'form' && typeof o.body === 'object' && o.body !== null) {
				req.body = new URLSearchParams(
					Object.entries(o.body as Record<string, unknown>)
						.filter(([, v]) => v !== undefined)
						.map(([k, v]): [string, string] => [k, String(v)]),
				).toString();
				if (!hasCt) headers['Content-Type'] = 'application/x-www-form-urlencoded';
			} else if (o.bodyType === 'raw' || typeof o.body === 'string') {
				req.body = o.body;
			} else {
				req.body = o.body;
				req.json = true;
			}
		}
		let res: { statusCode?: number; headers?: Record<string, unknown>; body?: unknown };
		try {
			res = (await httpRequest(req)) as typeof res;
		} catch (err) {
			const e = err as { code?: string; message?: string; cause?: { code?: string } };
			let code = e.code ?? e.cause?.code ?? 'EUNKNOWN';
			if (code === 'ECONNABORTED' && /timeout/i.test(e.message ?? '')) code = 'ETIMEDOUT';
			const out = new Error(`${o.method} ${redactUrl(o.url)} failed: ${code}`) as Error & { code: string };
			out.code = code;
			throw out;
		}
		const outHeaders: Record<string, string> = {};
		for (const [k, v] of Object.entries(res.headers ?? {})) {
			if (v === undefined || v === null) continue;
			outHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
		}
		let body: unknown = res.body ?? '';
		if (Buffer.isBuffer(body)) body = body.toString('utf8');
		if (typeof body === 'string' && body && ((outHeaders['content-type'] ?? '').includes('json') || /^\s*[[{]/.test(body))) {
			try {
				body = JSON.parse(body);
			} catch {
				/* keep the text */
			}
		}
		return { status: Number(res.statusCode ?? 0), headers: outHeaders, body: body as T };
	};
	return fn as HttpRequestFn;
}
