/**
 * The WMS sandbox: one loopback HTTP server with one prefix per provider (/shipbob, /shiphero, /extensiv,
 * /generic), sharing a World (clock, orders, stock, faults, call log).
 *
 *   const sb = await startWmsSandbox();
 *   sb.baseUrls.shipbob            // http://127.0.0.1:PORT/shipbob  (append /{version}/order ...)
 *   sb.control.advance(5 * 60_000) // orders move received -> picked -> packed -> shipped
 *   sb.control.fault({ provider: 'shipbob', kind: '503', times: 2 })
 *   sb.control.down('all', 10 * 60_000)
 *   sb.control.orders('shipbob')   // what the WMS holds (count "exactly once")
 *   sb.control.setCancelRefusedFrom('shipbob', 'picked')   // refuse a cancel once picked (ShipBob's documented rule)
 *   sb.control.processReturn('shipbob', 'RMA-1', { SKU1: { restock: 1, quarantine: 1 } })   // receipt + disposition now
 *   sb.control.restocks()          // every restock a return made (prove "exactly once")
 *   await sb.close()
 *
 * Rate limits (ShipBob's window, Extensiv's, ShipHero's credits) run on real time unless `clock` is given: a test
 * that gives the sandbox and its provider one VirtualClock (test/sandbox/testkit.ts) paces the same on any machine.
 */
import * as http from 'node:http';
import type { Clock } from '../../../lib/http/limiters';
import type { AddressInfo } from 'node:net';
import { World, type CallRecord, type CancelCutoff, type FaultRule, type PackagePlan, type ReturnPlan, type ReturnTiming, type SandboxProvider, type SbOrder, type SbReturn, type Timing } from './world';
import { ShipBobSandbox, type ShipBobSandboxOptions } from './shipbob';
import { ShipHeroSandbox, type ShipHeroSandboxOptions } from './shiphero';
import { ExtensivSandbox, type ExtensivSandboxOptions } from './extensiv';
import { GenericSandbox, type GenericSandboxOptions } from './generic';
import type { SbRequest, SbResponse } from './http';

export type { SandboxProvider, SbOrder, SbReturn, FaultRule, CallRecord, PackagePlan, Timing, CancelCutoff, ReturnPlan, ReturnTiming, Disposition } from './world';

export interface WmsSandboxOptions {
	port?: number;
	startTime?: number;
	timeScale?: number;
	timing?: Partial<Timing>;
	packaging?: 'single' | 'per_line';
	/** From which stage a cancel is refused (default 'shipped'); ShipBob documents 'picked' */
	cancelRefusedFrom?: CancelCutoff | Partial<Record<SandboxProvider, CancelCutoff>>;
	/** When returns arrive and are processed (virtual ms); arriveAfterMs null: only by control */
	returnTiming?: Partial<ReturnTiming>;
	shipbob?: Partial<ShipBobSandboxOptions>;
	shiphero?: Partial<ShipHeroSandboxOptions>;
	extensiv?: Partial<ExtensivSandboxOptions>;
	generic?: Partial<GenericSandboxOptions>;
	/** Where the rate limits read the time (default: real time); the orders' lifecycle keeps the world's clock */
	clock?: Clock;
}

/** The credentials the sandbox accepts by default (test values, not secrets) */
export const SANDBOX_CREDENTIALS = {
	shipbob: { token: 'sb-pat-test', channelId: 4321 },
	shiphero: { username: 'ops@example.com', password: 'sh-pass-test' },
	extensiv: { clientId: 'ex-client', clientSecret: 'ex-secret-test', tpl: '{00000000-0000-0000-0000-000000000001}', userLoginId: '42' },
	generic: { headerName: 'X-Api-Key', apiKey: 'gen-key-test' },
};

export interface WmsSandboxControl {
	world: World;
	now(): string;
	advance(ms: number): void;
	seedStock(levels: Record<string, number>): void;
	stock(sku: string): number | undefined;
	planPackages(reference: string, plan: PackagePlan): void;
	setPackaging(mode: 'single' | 'per_line'): void;
	fault(rule: FaultRule): void;
	clearFaults(): void;
	down(provider?: SandboxProvider | 'all', forMs?: number | null): void;
	up(): void;
	orders(provider: SandboxProvider): SbOrder[];
	/** Orders with this reference (more than one means the WMS got it twice) */
	ordersByReference(provider: SandboxProvider, reference: string): SbOrder[];
	deliver(provider: SandboxProvider, reference: string): void;
	cancel(provider: SandboxProvider, reference: string): boolean;
	calls(filter?: { provider?: SandboxProvider; method?: string; path?: string | RegExp; op?: string }): CallRecord[];
	clearCalls(): void;
	/** Refuse cancels from this stage on (one provider, or all) */
	setCancelRefusedFrom(provider: SandboxProvider | 'all', cutoff: CancelCutoff): void;
	/** Every accepted address update */
	addressUpdates(): World['addressUpdates'];
	returns(provider: SandboxProvider): SbReturn[];
	returnByReference(provider: SandboxProvider, reference: string): SbReturn | undefined;
	/** How the return will be received and disposed, per SKU (fewer units than expected: a short receipt) */
	planReturn(reference: string, plan: ReturnPlan): void;
	/** The parcel reaches the dock now */
	arriveReturn(provider: SandboxProvider, reference: string): void;
	/** The return is received, disposed and completed now (with `plan` if given) */
	processReturn(provider: SandboxProvider, reference: string, plan?: ReturnPlan): void;
	/** Every restock a return made */
	restocks(): World['restocks'];
	/** Units held apart after returns */
	quarantined(sku: string): number;
}

export interface WmsSandbox {
	baseUrls: Record<SandboxProvider, string>;
	/** Extensiv's token URL (the real one lives on the same host: /AuthServer/api/Token) */
	control: WmsSandboxControl;
	close(): Promise<void>;
}

export async function startWmsSandbox(opts: WmsSandboxOptions = {}): Promise<WmsSandbox> {
	const world = new World({ startTime: opts.startTime, timeScale: opts.timeScale, timing: opts.timing, packaging: opts.packaging, cancelRefusedFrom: opts.cancelRefusedFrom, returnTiming: opts.returnTiming });
	const handlers: Record<SandboxProvider, { handle(req: SbRequest): SbResponse }> = {
		shipbob: new ShipBobSandbox(world, { ...SANDBOX_CREDENTIALS.shipbob, now: opts.clock?.now, ...(opts.shipbob ?? {}) }),
		shiphero: new ShipHeroSandbox(world, { ...SANDBOX_CREDENTIALS.shiphero, now: opts.clock?.now, ...(opts.shiphero ?? {}) }),
		extensiv: new ExtensivSandbox(world, { ...SANDBOX_CREDENTIALS.extensiv, now: opts.clock?.now, ...(opts.extensiv ?? {}) }),
		generic: new GenericSandbox(world, { ...SANDBOX_CREDENTIALS.generic, ...(opts.generic ?? {}) }),
	};
	const sockets = new Set<import('node:net').Socket>();
	const timers = new Set<NodeJS.Timeout>();

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://sandbox');
			const m = /^\/(shipbob|shiphero|extensiv|generic)(\/.*)?$/.exec(url.pathname);
			if (!m) {
				res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unknown provider' }));
				return;
			}
			const provider = m[1] as SandboxProvider;
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
			const text = Buffer.concat(chunks).toString('utf8');
			let body: unknown = text;
			const ct = headers['content-type'] ?? '';
			if (text && ct.includes('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(text));
			else if (text) {
				try {
					body = JSON.parse(text);
				} catch {
					body = text;
				}
			}
			const query = Object.fromEntries(url.searchParams);
			const sreq: SbRequest = { method: req.method ?? 'GET', path: m[2] ?? '/', query, headers, body };
			const op = provider === 'shiphero' ? ShipHeroSandbox.op(sreq) : null;
			const rec = (status: number, fault: CallRecord['fault']) =>
				world.record({ provider, method: sreq.method, path: sreq.path, query, op, body: redactBody(body), status, fault });

			if (world.isDown(provider)) {
				rec(503, 'down');
				res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>503 Service Unavailable</body></html>');
				return;
			}
			const f = world.takeFault(provider, `${sreq.method} ${sreq.path}${op ? ` ${op}` : ''}`);
			if (f) {
				if (f.kind === 'timeout' || f.kind === 'reset') {
					rec(0, f.kind);
					if (f.kind === 'reset') return void req.socket.destroy();
					const t = setTimeout(() => req.socket.destroy(), f.hangMs ?? 5000);
					timers.add(t);
					return;
				}
				if (f.kind !== 'timeout_after_commit' && f.kind !== 'slow') {
					const status = f.kind === 'malformed' ? 200 : Number(f.kind);
					rec(status, f.kind);
					if (f.kind === 'malformed') {
						res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": 12, "status": "Proc');
						return;
					}
					const h: Record<string, string> = { 'content-type': 'application/json' };
					if (f.kind === '429') {
						h['retry-after'] = String(f.retryAfterSec ?? 1);
						if (provider === 'shipbob') h['x-retry-after'] = String(f.retryAfterSec ?? 1);
					}
					res.writeHead(status, h).end(JSON.stringify({ message: f.kind === '429' ? 'Too many requests' : 'Internal server error' }));
					return;
				}
			}
			let out: SbResponse;
			try {
				out = handlers[provider].handle(sreq);
			} catch (err) {
				out = { status: 500, body: { message: `sandbox error: ${(err as Error).message}` } };
			}
			rec(out.status, f ? f.kind : null);
			if (f?.kind === 'timeout_after_commit') {
				const t = setTimeout(() => req.socket.destroy(), f.hangMs ?? 5000);
				timers.add(t);
				return;
			}
			const answer = () => {
				if (!res.writableEnded && !req.socket.destroyed)
					res.writeHead(out.status, { 'content-type': 'application/json', ...(out.headers ?? {}) }).end(out.body === undefined ? '' : JSON.stringify(out.body));
			};
			if (f?.kind === 'slow' && f.hold) {
				void f.hold().then(answer, answer);
				return;
			}
			if (f?.kind === 'slow') {
				const t = setTimeout(answer, f.delayMs ?? 500);
				timers.add(t);
				return;
			}
			answer();
		});
	});
	server.on('connection', (sock) => {
		sockets.add(sock);
		sock.on('close', () => sockets.delete(sock));
	});
	await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const root = `http://127.0.0.1:${port}`;

	const control: WmsSandboxControl = {
		world,
		now: () => world.iso(),
		advance: (ms) => world.advance(ms),
		seedStock: (levels) => world.seedStock(levels),
		stock: (sku) => world.stock.get(sku),
		planPackages: (ref, plan) => world.planPackages(ref, plan),
		setPackaging: (mode) => {
			world.packaging = mode;
		},
		fault: (rule) => world.faults.push({ ...rule }),
		clearFaults: () => world.faults.splice(0),
		down: (provider = 'all', forMs = null) => world.down(provider, forMs),
		up: () => world.up(),
		orders: (provider) => world.list(provider),
		ordersByReference: (provider, reference) => world.find(provider, reference),
		deliver: (provider, reference) => {
			for (const o of world.find(provider, reference)) world.deliver(o);
		},
		cancel: (provider, reference) => world.find(provider, reference).every((o) => world.cancel(o)),
		calls: (filter = {}) =>
			world.calls.filter(
				(c) =>
					(!filter.provider || c.provider === filter.provider) &&
					(!filter.method || c.method === filter.method) &&
					(!filter.op || c.op === filter.op) &&
					(!filter.path || (typeof filter.path === 'string' ? c.path === filter.path : filter.path.test(c.path))),
			),
		clearCalls: () => world.calls.splice(0),
		setCancelRefusedFrom: (provider, cutoff) => {
			for (const p of provider === 'all' ? (['shipbob', 'shiphero', 'extensiv', 'generic'] as SandboxProvider[]) : [provider]) world.cancelRefusedFrom[p] = cutoff;
		},
		addressUpdates: () => world.addressUpdates,
		returns: (provider) => world.returnsOf(provider),
		returnByReference: (provider, reference) => world.findReturn(provider, reference),
		planReturn: (reference, plan) => world.planReturn(reference, plan),
		arriveReturn: (provider, reference) => {
			const r = world.findReturn(provider, reference);
			if (!r) throw new Error(`wms sandbox: no ${provider} return ${reference}`);
			world.arriveReturn(r);
		},
		processReturn: (provider, reference, plan) => {
			const r = world.findReturn(provider, reference);
			if (!r) throw new Error(`wms sandbox: no ${provider} return ${reference}`);
			if (plan) world.planReturn(reference, plan);
			world.processReturn(r);
		},
		restocks: () => world.restocks,
		quarantined: (sku) => world.quarantine.get(sku) ?? 0,
	};

	return {
		baseUrls: { shipbob: `${root}/shipbob`, shiphero: `${root}/shiphero`, extensiv: `${root}/extensiv`, generic: `${root}/generic` },
		control,
		close: async () => {
			for (const t of timers) clearTimeout(t);
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** The call log keeps bodies for assertions, with password/secret fields masked */
function redactBody(body: unknown): unknown {
	if (!body || typeof body !== 'object') return body;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(body as Record<string, unknown>)) out[k] = /password|secret|token/i.test(k) ? '***' : v;
	return out;
}
