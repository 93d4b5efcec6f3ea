/** Small shared pieces of the WMS sandbox's HTTP handling. */
export interface SbRequest {
	method: string;
	/** Path below the provider prefix, e.g. /2026-01/order */
	path: string;
	query: Record<string, string>;
	/** Lower-case header names */
	headers: Record<string, string>;
	/** Parsed JSON, a form object for x-www-form-urlencoded, else the raw text */
	body: unknown;
}

export interface SbResponse {
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
	/** For ShipHero: the GraphQL root field, recorded in the call log */
	op?: string | null;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SbResponse {
	return { status, body, headers };
}

export function bearer(req: SbRequest): string | null {
	const h = req.headers['authorization'] ?? '';
	const m = /^Bearer\s+(.+)$/i.exec(h);
	return m ? m[1].trim() : null;
}

/** A sliding window of request times per key (ms of `now`, real time by default): the sandbox's rate limiter for ShipBob and Extensiv. */
export class WindowCounter {
	private readonly hits = new Map<string, number[]>();
	constructor(
		public limit: number,
		public windowMs: number,
		private readonly now: () => number = Date.now,
	) {}
	/** null when allowed; else seconds until a slot frees */
	hit(key: string, now = this.now()): number | null {
		const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
		if (list.length >= this.limit) {
			this.hits.set(key, list);
			return Math.max(1, Math.ceil((list[0] + this.windowMs - now) / 1000));
		}
		list.push(now);
		this.hits.set(key, list);
		return null;
	}
}

export function obj(v: unknown): Record<string, unknown> {
	return v != null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function arr(v: unknown): unknown[] {
	return Array.isArray(v) ? v : [];
}

export function s(v: unknown): string | null {
	return v == null || v === '' ? null : String(v);
}
