/**
 * lib/http/caller.ts: what every channel client does around one API call, in one place.
 *
 * API (stable):
 *   class ApiCaller({ request, retry?, secrets: () => Array<string|undefined>, label })
 *     call<T>(options, how?: CallHow): Promise<HttpResponse<T>>
 *       - adds auth headers from how.auth() on each attempt; on a 401 invalidates (how.onUnauthorized) and
 *         retries once with a fresh token;
 *       - takes how.limiter (cost how.cost) before every attempt, lets how.after() read throttle headers,
 *         drains the limiter on a 429;
 *       - retries 429/5xx/transport per lib/http/retry.ts; other 4xx are not retried;
 *       - a status outside how.ok (default 2xx) throws HttpError with secrets removed.
 *     stats: ClientStats  { requests, retries, throttled, serverErrors, transportErrors, unauthorized }
 *     secrets(): the values this client keeps out of messages; redact(text, max?): text without them, then cut
 */
import type { HttpRequestFn, HttpRequestOptions, HttpResponse } from './types';
import { httpErrorFrom, HttpError, redactError, redactText, type Secrets } from './errors';
import { requestWithRetry, type RetryPolicy } from './retry';
import type { TokenBucket } from './limiters';

export interface ClientStats {
	requests: number;
	retries: number;
	/** 429 answers (and Shopify THROTTLED) the client absorbed or failed on */
	throttled: number;
	serverErrors: number;
	transportErrors: number;
	unauthorized: number;
	/** calls that ended in an error after retries */
	failed: number;
}

export interface CallHow {
	what?: string;
	auth?: () => Promise<Record<string, string>>;
	onUnauthorized?: () => void;
	/** Default: status 401. Amazon also answers 403 "Unauthorized" for an expired token ⚠ */
	isUnauthorized?: (res: HttpResponse) => boolean;
	limiter?: TokenBucket;
	cost?: number;
	after?: (res: HttpResponse) => void;
	ok?: (status: number) => boolean;
	isRetryable?: (res: HttpResponse) => boolean;
	delayHintMs?: (res: HttpResponse) => number | undefined;
	retryTransportErrors?: boolean;
}

export function newStats(): ClientStats {
	return { requests: 0, retries: 0, throttled: 0, serverErrors: 0, transportErrors: 0, unauthorized: 0, failed: 0 };
}

export class ApiCaller {
	readonly stats: ClientStats = newStats();
	private readonly request: HttpRequestFn;
	private readonly retry: RetryPolicy;
	private readonly secretValues: () => Secrets;
	private readonly label: string;

	constructor(opts: {
		request: HttpRequestFn;
		retry?: RetryPolicy;
		secrets: () => Array<string | undefined | null>;
		label: string;
	}) {
		this.request = opts.request;
		this.retry = opts.retry ?? {};
		this.secretValues = opts.secrets;
		this.label = opts.label;
	}

	/** The values this client keeps out of every message (its credentials, the tokens it holds now) */
	secrets(): Secrets {
		return this.secretValues();
	}

	/** `text` (a server's words) without this client's secrets, then cut to `max` characters */
	redact(text: string, max?: number): string {
		return redactText(text, this.secretValues(), max);
	}

	async call<T = unknown>(options: HttpRequestOptions, how: CallHow = {}): Promise<HttpResponse<T>> {
		const ok = how.ok ?? ((s: number) => s >= 200 && s < 300);
		let authRetried = false;
		for (;;) {
			let res: HttpResponse<T> & { attempts: number };
			try {
				res = await requestWithRetry<T>(
					async <U>(o: HttpRequestOptions) => {
						this.stats.requests++;
						try {
							return await this.request<U>(o);
						} catch (err) {
							this.stats.transportErrors++;
							// lib/ imports nothing from n8n (docs/architecture.md#layers); nodes wrap these in NodeApiError
							throw err;
						}
					},
					options,
					{
						...this.retry,
						isRetryable: how.isRetryable ?? this.retry.isRetryable,
						delayHintMs: how.delayHintMs ?? this.retry.delayHintMs,
						retryTransportErrors: how.retryTransportErrors ?? this.retry.retryTransportErrors,
						before: async (attempt) => {
							if (how.limiter) await how.limiter.take(how.cost ?? 1);
							if (how.auth) {
								const h = await how.auth();
								// fresh auth headers on every attempt (a token may have been re-minted meanwhile)
								options.headers = { ...(options.headers ?? {}), ...h };
							}
							await this.retry.before?.(attempt);
						},
						after: (r, attempt) => {
							if (r.status === 429) {
								this.stats.throttled++;
								how.limiter?.drain();
							}
							if (r.status >= 500) this.stats.serverErrors++;
							how.after?.(r);
							this.retry.after?.(r, attempt);
						},
						onRetry: (info) => {
							this.stats.retries++;
							this.retry.onRetry?.(info);
						},
					},
				);
			} catch (err) {
				this.stats.failed++;
				// an answer already turned into an HttpError (a token endpoint's refusal) keeps its status
				if (err instanceof HttpError) throw redactError(err, this.secrets());
				const e = err as { code?: string; message?: string };
				throw new HttpError({
					message: `${this.label}${how.what ? ' ' + how.what : ''}: ${redactText(e.message ?? String(err), this.secrets())}`,
					status: 0,
					method: options.method,
					url: options.url,
					code: e.code,
					secrets: this.secrets(),
				});
			}
			if ((how.isUnauthorized ? how.isUnauthorized(res as HttpResponse) : res.status === 401) && how.onUnauthorized && !authRetried) {
				this.stats.unauthorized++;
				authRetried = true;
				how.onUnauthorized();
				continue;
			}
			if (!ok(res.status)) {
				this.stats.failed++;
				throw httpErrorFrom(options.method, options.url, res, this.secrets(), res.attempts, `${this.label}${how.what ? ' ' + how.what : ''}`);
			}
			return res;
		}
	}
}
