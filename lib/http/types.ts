/**
 * The one request function every channel and WMS client in lib/ takes as an argument. Inside n8n the node builds
 * it on `this.helpers.httpRequest` (returnFullResponse, ignoreHttpStatusErrors), so proxies and n8n's HTTP
 * settings apply; outside n8n (tests, demo, benchmarks) lib/http/axios.ts builds one on axios.
 * It never throws for an HTTP status: the client reads the status and the throttle headers itself.
 * It throws only for transport failures (timeout, connection refused), with `code` set (ETIMEDOUT, ECONNREFUSED...).
 */
export interface HttpRequestOptions {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	url: string;
	headers?: Record<string, string>;
	/** Query string parameters (arrays repeat the key) */
	qs?: Record<string, string | number | boolean | Array<string | number> | undefined>;
	/** JSON body (objects) or a raw string/form body */
	body?: unknown;
	/** 'form' sends application/x-www-form-urlencoded from an object body */
	bodyType?: 'json' | 'form' | 'raw';
	timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
	status: number;
	/** Header names in lower case */
	headers: Record<string, string>;
	/** Parsed JSON when the response is JSON, else the text ('' for an empty body) */
	body: T;
}

export type HttpRequestFn = <T = unknown>(options: HttpRequestOptions) => Promise<HttpResponse<T>>;
