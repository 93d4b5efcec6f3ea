/**
 * Shared machinery of the channel sandboxes: a loopback node:http server with routing, a record of every call,
 * fault injection, token issuing with expiry, and server-side token buckets scaled in time.
 *
 * Time scaling: every documented duration is multiplied by `timeScale` (0.01 = 100x faster) and every rate divided
 * by it; throttle headers report the scaled values, so a client built with the same timeScale, or one that simply
 * reads the headers, agrees with the server.
 *
 * Clock: the sandbox reads the time (rate-limit refill, token expiry, update times, freshness rules) from
 * `opts.clock`, real time by default. A test that gives the sandbox and its client one VirtualClock (testkit.ts)
 * makes pacing independent of the machine's speed: the sandbox sees every call at the instant the client sent it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { redactHeaders } from '../../lib/http/errors';
import { realClock, TokenBucket, type Clock } from '../../lib/http/limiters';

export interface RecordedCall {
	at: number;
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	rawQuery: string;
	/** headers with secrets masked */
	headers: Record<string, string>;
	body: unknown;
	status: number;
	/** the bucket/operation this call counted against */
	op?: string;
}

/** timeout_after_commit / reset_after_commit: the call is applied (its effects stay), then its answer is lost: never
 * answered, or the connection dropped. error_after_commit: the call is applied, then a gateway in front answers
 * `status` (default 504) instead of the channel's answer. */
export type FaultKind = 'timeout' | 'error' | 'slow' | 'malformed' | 'throttle' | 'reset' | 'timeout_after_commit' | 'reset_after_commit' | 'error_after_commit';
export interface Fault {
	kind: FaultKind;
	/** Only calls whose path matches (substring or RegExp) */
	path?: string | RegExp;
	method?: string;
	/** Only calls whose raw body matches (e.g. one GraphQL mutation on a shared endpoint) */
	body?: RegExp;
	/** How many calls it hits (default 1) */
	times?: number;
	/** error: the status (default 503); error_after_commit: the gateway's status (default 504) */
	status?: number;
	/** slow: delay before the normal answer (real ms) */
	delayMs?: number;
	/**
	 * slow: instead of a delay, answer when this settles. Called when the call arrives, so a test can act while the
	 * call is out (e.g. start more executions) and release it after, in that order whatever the machine's speed.
	 */
	hold?: () => Promise<unknown>;
}

export interface SandboxOptions {
	timeScale?: number;
	/** Token lifetime in (real) seconds, overriding the documented one (e.g. 1 to test refresh) */
	tokenLifetimeSec?: number;
	/** false turns rate limiting off; an object overrides per-operation limits (unscaled units) */
	rateLimits?: boolean | Record<string, { ratePerSec: number; burst: number }>;
	port?: number;
	/** Where the sandbox reads the time (default: real time) */
	clock?: Clock;
}

export interface Req {
	method: string;
	path: string;
	url: URL;
	rawQuery: string;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	rawBody: Buffer;
	body: unknown;
}

export interface Res {
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
	/** raw text instead of JSON */
	text?: string;
}

export type Handler = (req: Req) => Promise<Res> | Res;

export abstract class SandboxBase {
	readonly calls: RecordedCall[] = [];
	readonly timeScale: number;
	readonly clock: Clock;
	protected readonly opts: SandboxOptions;
	private server?: http.Server;
	private readonly sockets = new Set<import('node:net').Socket>();
	private faults: Array<Fault & { left: number }> = [];
	protected readonly tokens = new Map<string, number>();
	private readonly buckets = new Map<string, TokenBucket>();
	/** Count of 429s the server sent, by operation */
	readonly throttledBy: Record<string, number> = {};
	url = '';
	/** bumped whenever orders change, so sorted listings can be cached between pages */
	protected version = 0;
	private memoVersion = -1;
	private readonly memoValues = new Map<string, unknown>();

	bump(): void {
		this.version++;
	}

	/** One cached value per (key, data version): the sorted/filtered list behind a paged listing. */
	protected memo<T>(key: string, make: () => T): T {
		if (this.memoVersion !== this.version) {
			this.memoValues.clear();
			this.memoVersion = this.version;
		}
		if (!this.memoValues.has(key)) {
			if (this.memoValues.size > 50) this.memoValues.clear();
			this.memoValues.set(key, make());
		}
		return this.memoValues.get(key) as T;
	}

	constructor(opts: SandboxOptions = {}) {
		this.opts = opts;
		this.timeScale = opts.timeScale ?? 1;
		this.clock = opts.clock ?? realClock;
	}

	/** The sandbox's time (ms since epoch) */
	now(): number {
		return this.clock.now();
	}

	/** The sandbox's time as ISO 8601 */
	iso(): string {
		return new Date(this.now()).toISOString();
	}

	abstract readonly name: string;
	protected abstract route(req: Req): Promise<Res> | Res;
	/** Documented operation limits in unscaled units */
	protected limits(): Record<string, { ratePerSec: number; burst: number }> {
		return {};
	}

	async start(): Promise<string> {
		this.server = http.createServer((rq, rs) => void this.handle(rq, rs));
		this.server.keepAliveTimeout = 5000;
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve) => this.server!.listen(this.opts.port ?? 0, '127.0.0.1', resolve));
		const a = this.server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${a.port}`;
		return this.url;
	}

	async close(): Promise<void> {
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	/** Inject a fault for the next matching call(s). */
	inject(fault: Fault): void {
		this.faults.push({ ...fault, left: fault.times ?? 1 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	resetCalls(): void {
		this.calls.length = 0;
		for (const k of Object.keys(this.throttledBy)) delete this.throttledBy[k];
	}

	/** A fresh, full budget for every operation */
	resetLimits(): void {
		this.buckets.clear();
	}

	// ---- tokens -------------------------------------------------------------------------------------------
	protected issueToken(prefix: string, documentedLifetimeSec: number): { token: string; expiresIn: number } {
		const life = this.opts.tokenLifetimeSec ?? documentedLifetimeSec;
		const token = `${prefix}${randomBytes(18).toString('base64url')}`;
		this.tokens.set(token, this.now() + life * 1000);
		return { token, expiresIn: life };
	}

	/** 'ok' | 'missing' | 'invalid' | 'expired' */
	protected checkToken(token: string | undefined): 'ok' | 'missing' | 'invalid' | 'expired' {
		if (!token) return 'missing';
		const exp = this.tokens.get(token);
		if (exp === undefined) return 'invalid';
		return this.now() < exp ? 'ok' : 'expired';
	}

	/** Expire every token now (simulates the clock passing their lifetime). */
	expireTokens(): void {
		for (const k of this.tokens.keys()) this.tokens.set(k, 0);
	}

	// ---- rate limits --------------------------------------------------------------------------------------
	limitFor(op: string): { ratePerSec: number; burst: number } | undefined {
		if (this.opts.rateLimits === false) return undefined;
		const over = typeof this.opts.rateLimits === 'object' ? this.opts.rateLimits[op] : undefined;
		return over ?? this.limits()[op];
	}

	bucket(op: string): TokenBucket | undefined {
		const spec = this.limitFor(op);
		if (!spec) return undefined;
		let b = this.buckets.get(op);
		if (!b) {
			b = new TokenBucket({ ratePerSec: spec.ratePerSec / this.timeScale, burst: spec.burst, margin: 0, clock: this.clock });
			this.buckets.set(op, b);
		}
		return b;
	}

	/** Takes one token (or `cost`) for op; false when the bucket is empty. */
	protected admit(op: string, cost = 1): boolean {
		const b = this.bucket(op);
		if (!b) return true;
		if (b.tryTake(cost)) return true;
		this.throttledBy[op] = (this.throttledBy[op] ?? 0) + 1;
		return false;
	}

	/** The headers a channel sends with 429 (and for injected throttles) */
	protected throttleResponse(op: string): Res {
		return { status: 429, headers: { 'retry-after': String(this.secsToNextToken(op)) }, body: { error: 'Too Many Requests' } };
	}

	protected secsToNextToken(op: string, cost = 1): number {
		const b = this.bucket(op);
		if (!b) return 1;
		const missing = Math.max(0, cost - b.available);
		return Math.round((missing / b.ratePerSec) * 1000) / 1000;
	}

	// ---- plumbing -----------------------------------------------------------------------------------------
	private async handle(rq: http.IncomingMessage, rs: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const c of rq) chunks.push(c as Buffer);
		const rawBody = Buffer.concat(chunks);
		const url = new URL(rq.url ?? '/', 'http://127.0.0.1');
		const ct = String(rq.headers['content-type'] ?? '');
		let body: unknown = undefined;
		const text = rawBody.toString('utf8');
		if (text) {
			if (ct.includes('x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(text));
			else {
				try {
					body = JSON.parse(text);
				} catch {
					body = text;
				}
			}
		}
		const rawQuery = (rq.url ?? '').includes('?') ? (rq.url ?? '').slice((rq.url ?? '').indexOf('?') + 1) : '';
		const req: Req = { method: rq.method ?? 'GET', path: url.pathname, url, rawQuery, query: url.searchParams, headers: rq.headers, rawBody, body };
		const query: Record<string, string | string[]> = {};
		for (const k of new Set(url.searchParams.keys())) {
			const all = url.searchParams.getAll(k);
			query[k] = all.length > 1 ? all : all[0];
		}
		for (const k of ['consumer_key', 'consumer_secret', 'client_secret', 'refresh_token']) if (query[k]) query[k] = '***';
		const rec: RecordedCall = {
			at: this.now(),
			method: req.method,
			path: req.path,
			query,
			rawQuery,
			headers: redactHeaders(Object.fromEntries(Object.entries(rq.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]))),
			body: redactBody(body),
			status: 0,
		};
		this.calls.push(rec);

		const fault = this.faults.find(
			(f) =>
				f.left > 0 &&
				(!f.method || f.method === req.method) &&
				(!f.path || (typeof f.path === 'string' ? req.path.includes(f.path) : f.path.test(req.path))) &&
				(!f.body || f.body.test(text)),
		);
		let res: Res;
		if (fault) {
			fault.left--;
			this.faults = this.faults.filter((f) => f.left > 0);
			if (fault.kind === 'timeout') {
				rec.status = -1;
				return; // never answer; the client's timeout fires; close() destroys the socket
			}
			if (fault.kind === 'reset') {
				rec.status = -2;
				rq.socket.destroy();
				return;
			}
			if (fault.kind === 'timeout_after_commit' || fault.kind === 'reset_after_commit') {
				// the call is applied, then its answer is lost: never answered, or the connection dropped
				rec.status = (await this.safeRoute(req)).status;
				rec.op = this.opOf(req);
				if (fault.kind === 'reset_after_commit') rq.socket.destroy();
				return;
			}
			if (fault.kind === 'slow') await (fault.hold ? fault.hold() : new Promise((r) => setTimeout(r, fault.delayMs ?? 200)));
			if (fault.kind === 'error_after_commit') {
				// applied, then the gateway in front lost the channel's answer and says so
				await this.safeRoute(req);
				const status = fault.status ?? 504;
				res = { status, headers: { 'content-type': 'text/html' }, text: `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Gateway Time-out'}</h1></body></html>` };
			} else if (fault.kind === 'error') {
				res = { status: fault.status ?? 503, body: { error: 'Service Unavailable (injected)' } };
			} else if (fault.kind === 'malformed') {
				res = { status: 200, headers: { 'content-type': 'application/json' }, text: '{"orders": [{"id": "trunc' };
			} else if (fault.kind === 'throttle') {
				res = this.throttleResponse(this.opOf(req));
			} else {
				res = await this.safeRoute(req);
			}
		} else {
			res = await this.safeRoute(req);
		}
		rec.status = res.status;
		rec.op = this.opOf(req);
		const headers: Record<string, string> = { ...(res.headers ?? {}) };
		let payload: string | undefined;
		if (res.text !== undefined) payload = res.text;
		else if (res.body !== undefined) {
			payload = JSON.stringify(res.body);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
		}
		rs.writeHead(res.status, headers);
		rs.end(payload ?? '');
	}

	private async safeRoute(req: Req): Promise<Res> {
		try {
			return await this.route(req);
		} catch (err) {
			return { status: 500, body: { error: 'sandbox error', message: (err as Error).message } };
		}
	}

	/** Operation name of a request, for recording and injected throttles */
	protected opOf(req: Req): string {
		return req.method === 'OPTIONS' ? 'options' : 'default';
	}

	/** Calls whose path matches */
	callsTo(path: string | RegExp, method?: string): RecordedCall[] {
		return this.calls.filter((c) => (!method || c.method === method) && (typeof path === 'string' ? c.path.includes(path) : path.test(c.path)));
	}
}

function redactBody(body: unknown): unknown {
	if (!body || typeof body !== 'object') return body;
	const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
	for (const k of ['client_secret', 'refresh_token', 'consumer_secret', 'password']) if (k in out) out[k] = '***';
	return out;
}

export function header(req: Req, name: string): string | undefined {
	const v = req.headers[name.toLowerCase()];
	return Array.isArray(v) ? v[0] : v;
}

export function basicAuth(req: Req): { user: string; pass: string } | undefined {
	const h = header(req, 'authorization');
	if (!h || !h.startsWith('Basic ')) return undefined;
	const dec = Buffer.from(h.slice(6), 'base64').toString('utf8');
	const i = dec.indexOf(':');
	return i < 0 ? undefined : { user: dec.slice(0, i), pass: dec.slice(i + 1) };
}

/** POST a body to a URL (webhook delivery); returns status and text. */
export async function postRaw(url: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
	const u = new URL(url);
	return new Promise((resolve) => {
		const rq = http.request(
			{ method: 'POST', hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: 10_000 },
			(rs) => {
				const chunks: Buffer[] = [];
				rs.on('data', (c) => chunks.push(c));
				rs.on('end', () => resolve({ status: rs.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
			},
		);
		rq.on('error', () => resolve({ status: 0, text: '' }));
		rq.on('timeout', () => {
			rq.destroy();
			resolve({ status: 0, text: 'timeout' });
		});
		rq.end(body);
	});
}
