/**
 * How every WMS provider sends a request: pace (the provider's limiter), send through lib/http/retry (429, 5xx and
 * transport failures retried with backoff, honouring Retry-After / x-retry-after), and turn what is left into a
 * WmsError the outbox can classify. No second retry loop lives here.
 *
 * Secrets: a provider names its own (withSecrets) and returns itself through redacting(); every message built
 * here from an answer is redacted with them before it is cut (lib/http/errors redactText).
 */
import type { HttpRequestOptions, HttpResponse } from '../http/types';
import { requestWithRetry, type RetryPolicy } from '../http/retry';
import { redactText, vendorMessageOf, withRedaction, type Secrets } from '../http/errors';
import { WmsError, type Pacer, type ProviderDeps, type WmsProvider } from './types';

/** deps whose `secrets` also hold the provider's own (its credentials, the tokens it holds) */
export function withSecrets(deps: ProviderDeps, own: () => Secrets): ProviderDeps {
	const more = deps.secrets;
	return { ...deps, secrets: () => [...own(), ...(more ? more() : [])] };
}

/**
 * The provider as callers get it: whatever any method throws, and testCredentials' message, carry none of
 * deps.secrets() (a GraphQL error, a transport message, a refusal quoting the body: all of it, in one place).
 */
export function redacting(provider: WmsProvider, deps: ProviderDeps): WmsProvider {
	return withRedaction(provider, () => deps.secrets?.() ?? []);
}

/** An answer's body as text, secrets masked, then cut to `max` characters */
export function bodyClip(body: unknown, deps: ProviderDeps, max = 300): string {
	return redactText(bodyText(body), deps.secrets?.() ?? [], max);
}

export interface SendOptions {
	pacer?: Pacer | null;
	cost?: number;
	/** Statuses the caller reads itself (e.g. 404 for "no such order", 422 for a duplicate reference) */
	accept?: number[];
	/** Extra policy for this call (e.g. ShipHero's throttling inside a 200) */
	policy?: RetryPolicy;
}

export async function send<T = unknown>(
	provider: string,
	deps: ProviderDeps,
	options: HttpRequestOptions,
	opts: SendOptions = {},
): Promise<HttpResponse<T>> {
	const pacer = deps.rateLimit === false ? null : (opts.pacer ?? null);
	// the provider's clock (tests give a virtual one) also times the retry waits, unless the retry policy has its own
	const base: RetryPolicy = { ...(deps.sleep ? { sleep: deps.sleep } : {}), ...(deps.now ? { now: deps.now } : {}), ...(deps.retry ?? {}), ...(opts.policy ?? {}) };
	const policy: RetryPolicy = {
		...base,
		before: async (attempt) => {
			if (pacer) await pacer.take(opts.cost);
			await base.before?.(attempt);
		},
		after: (res, attempt) => {
			if (pacer && res.status === 429) {
				pacer.drain?.();
				pacer.fill?.();
			}
			base.after?.(res, attempt);
		},
	};
	let res: HttpResponse<T>;
	try {
		res = await requestWithRetry<T>(deps.request, { timeoutMs: deps.timeoutMs ?? 30_000, ...options }, policy);
	} catch (err) {
		throw toWmsError(provider, err, options, deps.secrets?.() ?? []);
	}
	if (res.status >= 200 && res.status < 300) return res;
	if (opts.accept?.includes(res.status)) return res;
	throw statusError(provider, res, options, deps.secrets?.() ?? []);
}

/**
 * A non-2xx response as a WmsError: 408/429/5xx are retryable, other 4xx are not. Never includes headers; the
 * body's own message (vendorMessage) is redacted with `secrets` before it is cut.
 */
export function statusError(provider: string, res: HttpResponse<unknown>, options: Pick<HttpRequestOptions, 'method' | 'url'>, secrets: Secrets = []): WmsError {
	const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
	const vendor = vendorMessageOf(res.body);
	const hint = vendor ? redactText(vendor, secrets, 300) : '';
	return new WmsError(provider, `${options.method} ${pathOf(options.url)} answered ${res.status}${hint ? `: ${hint}` : ''}`, {
		retryable,
		status: res.status,
		code: `HTTP_${res.status}`,
		vendorMessage: vendor,
		secrets,
	});
}

/** Errors thrown by the request function or lib/http/retry (transport, or HttpError after the last attempt). */
export function toWmsError(provider: string, err: unknown, options: Pick<HttpRequestOptions, 'method' | 'url'>, secrets: Secrets = []): WmsError {
	if (err instanceof WmsError) return err;
	const e = err as { status?: unknown; statusCode?: unknown; response?: { status?: unknown }; code?: unknown; message?: unknown };
	const status = [e?.status, e?.statusCode, e?.response?.status].find((s): s is number => typeof s === 'number') ?? null;
	const code = typeof e?.code === 'string' ? e.code : null;
	const retryable = status == null ? true : status === 408 || status === 429 || status >= 500;
	const what = status != null ? `answered ${status}` : `failed (${code ?? 'transport error'})`;
	return new WmsError(provider, `${options.method} ${pathOf(options.url)} ${what}`, { retryable, status, code: code ?? (status ? `HTTP_${status}` : null), secrets });
}

export function malformed(provider: string, what: string): WmsError {
	return new WmsError(provider, `malformed response: ${what}`, { retryable: true, code: 'MALFORMED' });
}

/** The path of a URL without its query string (which may carry filters but never secrets here; kept short). */
function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return url.split('?')[0];
	}
}

/** The message of any body, for callers that need to read it (e.g. duplicate-reference detection). */
export function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	try {
		return JSON.stringify(body) ?? '';
	} catch {
		return '';
	}
}

export function isObject(v: unknown): v is Record<string, unknown> {
	return v != null && typeof v === 'object' && !Array.isArray(v);
}

export function joinUrl(base: string, path: string): string {
	return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}

export function str(v: unknown): string | null {
	return v == null || v === '' ? null : String(v);
}

export function num(v: unknown, fallback = 0): number {
	const n = typeof v === 'number' ? v : Number(v);
	return Number.isFinite(n) ? n : fallback;
}
