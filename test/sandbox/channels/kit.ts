/**
 * Helpers shared by the Amazon, eBay and Walmart sandboxes for the after-intake APIs (issues 20-22): money in
 * integer cents, asynchronous jobs (feeds, reports) that move through their documented states on the sandbox's
 * clock, multipart and XML reading, flat-file writing, and the records a test counts (refunds, planted
 * discrepancies).
 */
import { SandboxBase, type Req } from '../common';
import type { SeedAddress, SeedOrder } from '../generator';

// ---- money ----------------------------------------------------------------------------------------------
export const toCents = (n: number): number => Math.round(n * 100);
/** Cents as a decimal string with two places ("-12.30"); `comma` writes the EU decimal comma ("-12,30") */
export function fmtCents(c: number, comma = false): string {
	const s = (c < 0 ? '-' : '') + (Math.abs(c) / 100).toFixed(2);
	return comma ? s.replace('.', ',') : s;
}
/** Splits `total` cents over `weights` by largest remainder: the parts always add up to `total` */
export function splitCents(total: number, weights: number[]): number[] {
	const sum = weights.reduce((s, w) => s + w, 0);
	if (!weights.length) return [];
	if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
	const raw = weights.map((w) => (total * w) / sum);
	const out = raw.map((r) => Math.trunc(r));
	let rest = total - out.reduce((s, x) => s + x, 0);
	const order = raw.map((r, i) => ({ i, f: Math.abs(r - Math.trunc(r)) })).sort((a, b) => b.f - a.f || a.i - b.i);
	for (let k = 0; rest !== 0 && k < order.length * 2; k++) {
		const step = rest > 0 ? 1 : -1;
		out[order[k % order.length].i] += step;
		rest -= step;
	}
	return out;
}

// ---- asynchronous jobs (feeds, reports) -------------------------------------------------------------------
/** How long a job waits and runs, in unscaled milliseconds (multiplied by the sandbox's timeScale) */
export interface JobTiming {
	queueMs: number;
	processMs: number;
}
export interface JobTimes {
	createdAt: number;
	startAt: number;
	endAt: number;
	/** set once the job's end has been applied */
	finished?: boolean;
}
/**
 * Start and end of a new job: it waits `queueMs`, and behind the previous job of its lane (jobs of one lane run
 * one after the other: "It may be waiting for another IN_PROGRESS feed"), then runs `processMs`.
 */
export function scheduleJob(lanes: Map<string, number>, lane: string, now: number, timing: JobTiming, timeScale: number): JobTimes {
	const startAt = Math.max(now + timing.queueMs * timeScale, lanes.get(lane) ?? 0);
	const endAt = startAt + timing.processMs * timeScale;
	lanes.set(lane, endAt);
	return { createdAt: now, startAt, endAt };
}
export function jobPhase(j: JobTimes, now: number): 'queued' | 'running' | 'finished' {
	if (j.finished || now >= j.endAt) return 'finished';
	return now >= j.startAt ? 'running' : 'queued';
}

// ---- request bodies ---------------------------------------------------------------------------------------
export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}
/** multipart/form-data parts of a request, or undefined when it is not multipart */
export function multipartParts(req: Req): MultipartPart[] | undefined {
	const ct = String(req.headers['content-type'] ?? '');
	const m = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(ct);
	if (!m) return undefined;
	const boundary = Buffer.from(`--${m[1]}`);
	const body = req.rawBody;
	const parts: MultipartPart[] = [];
	let at = body.indexOf(boundary);
	while (at >= 0) {
		const next = body.indexOf(boundary, at + boundary.length);
		if (next < 0) break;
		const chunk = body.subarray(at + boundary.length, next);
		const headEnd = chunk.indexOf('\r\n\r\n');
		if (headEnd >= 0) {
			const head = chunk.subarray(0, headEnd).toString('utf8');
			let data = chunk.subarray(headEnd + 4);
			if (data.subarray(data.length - 2).toString() === '\r\n') data = data.subarray(0, data.length - 2);
			const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
			const filename = /filename="([^"]*)"/i.exec(head)?.[1];
			const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
			parts.push({ name, filename, contentType, data });
		}
		at = next;
	}
	return parts;
}

/** Inner XML of every <tag>…</tag> (no nesting of the same tag), in document order */
export function xmlAll(xml: string, tag: string): string[] {
	const out: string[] = [];
	const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
	let m: RegExpExecArray | null;
	while ((m = re.exec(xml))) out.push(m[1]);
	return out;
}
/** Text of the first <tag>…</tag>, trimmed and unescaped */
export function xmlText(xml: string, tag: string): string | undefined {
	const v = xmlAll(xml, tag)[0];
	return v === undefined ? undefined : xmlUnescape(v.trim());
}
/** An attribute of the first <tag …> */
export function xmlAttr(xml: string, tag: string, attr: string): string | undefined {
	const m = new RegExp(`<${tag}\\s[^>]*${attr}="([^"]*)"`).exec(xml);
	return m ? xmlUnescape(m[1]) : undefined;
}
export function xmlEscape(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function xmlUnescape(s: string): string {
	return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

// ---- flat files -------------------------------------------------------------------------------------------
/** Tab-separated lines (values must hold no tab or newline; they are replaced by a space) */
export function tsv(rows: Array<Array<string | number>>): string {
	return rows.map((r) => r.map((v) => String(v).replace(/[\t\r\n]/g, ' ')).join('\t')).join('\n') + '\n';
}
/** RFC 4180 CSV, every field quoted */
export function csv(rows: Array<Array<string | number>>): string {
	return rows.map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
}
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** MM/DD/YY in UTC */
export const mmddyy = (ms: number): string => {
	const d = new Date(ms);
	return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)}`;
};
/** MM/DD/YYYY in UTC */
export const mmddyyyy = (ms: number): string => {
	const d = new Date(ms);
	return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
};
/** YYYY-MM-DD HH:MM:SS UTC */
export const utcStamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
/** ISO 8601 without milliseconds */
export const isoSec = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---- what tests count -------------------------------------------------------------------------------------
/** A refund the channel accepted (what reached the buyer), in the order's currency */
export interface RefundRecord {
	refundId: string;
	orderId: string;
	/** the API it came through, e.g. 'POST_PAYMENT_ADJUSTMENT_DATA', 'post-order issue_refund', 'orders refund' */
	via: string;
	amount: number;
	currency: string;
	at: number;
	/** the channel's return this refund settles, if any */
	returnId?: string;
	lines?: Array<{ lineId: string; sku?: string; quantity?: number; amount: number }>;
	reason?: string;
}

/**
 * Discrepancies a test can plant in a channel's payout data, so that reconciliation has something to find:
 *   over_fee            one order's commission above the channel's fee table
 *   missing_settlement  one shipped order never appears in any settlement/payout
 *   double_refund       one refund charged twice in a settlement/payout
 *   payout_mismatch     a deposit that differs from the sum of its lines
 */
export type DiscrepancyKind = 'over_fee' | 'missing_settlement' | 'double_refund' | 'payout_mismatch';
export interface PlantedDiscrepancy {
	kind: DiscrepancyKind;
	orderId?: string;
	/** the settlement/payout it landed in, once closed */
	settlementId?: string;
	/** cents, what the fee table or the lines say */
	expectedCents?: number;
	/** cents, what the channel's data says */
	actualCents?: number;
	applied: boolean;
}

/** The confirmation failures every marketplace sandbox can stage (issue 20) */
export type ConfirmationFailure = 'error' | 'timeout' | 'throttle' | 'lost' | 'reset' | 'gateway';

/**
 * What the Amazon, eBay and Walmart sandboxes share after intake: their orders, the changes a test makes to one
 * (touch, changeAddress), staged confirmation and refund failures, accepted refunds and planted discrepancies.
 */
export abstract class MarketplaceSandbox extends SandboxBase {
	readonly orders = new Map<string, SeedOrder>();
	/** refunds the channel accepted */
	readonly refunds: RefundRecord[] = [];
	readonly planted: PlantedDiscrepancy[] = [];
	protected readonly plantOpts = new Map<PlantedDiscrepancy, { rate?: number; deltaCents?: number }>();
	/** the path of the shipment confirmation call */
	protected abstract readonly confirmationPath: RegExp;
	private refundFailures = 0;
	private refundFailureStatus = 500;

	/** Change an order now (e.g. to test cursors) */
	touch(id: string, patch: Partial<SeedOrder> = {}): void {
		this.bump();
		const o = this.orders.get(id);
		if (o) Object.assign(o, patch, { updatedAt: this.iso() });
	}
	/** ⚠ none of these channels lets a buyer change the ship-to through its API after the order; for testing the OMS path */
	changeAddress(orderId: string, patch: Partial<SeedAddress>): void {
		const o = this.mustOrder(orderId);
		o.shipTo = { ...o.shipTo, ...patch };
		this.touch(orderId);
	}
	/** Fail the next shipment confirmation(s): 5xx (`status`), timeout, a 429 storm, a reset, or applied-but-lost */
	failConfirmations(kind: ConfirmationFailure, times = 1, status = 503): void {
		// lost: applied, then the connection drops (the common kind reset_after_commit); gateway: applied, then a gateway
		// answers `status` (give 502 or 504; error_after_commit)
		const fault = kind === 'lost' ? 'reset_after_commit' : kind === 'gateway' ? 'error_after_commit' : kind;
		this.inject({ kind: fault, path: this.confirmationPath, method: 'POST', times, status });
	}
	/** The next `times` refund calls answer `status` (default 500) and refund nothing */
	failRefunds(times = 1, opts: { status?: number } = {}): void {
		this.refundFailures = times;
		this.refundFailureStatus = opts.status ?? 500;
	}
	/** Takes one staged refund failure: its status, or undefined when none is staged */
	protected stagedRefundFailure(): number | undefined {
		if (this.refundFailures <= 0) return undefined;
		this.refundFailures--;
		return this.refundFailureStatus;
	}
	protected mustOrder(id: string): SeedOrder {
		const o = this.orders.get(id);
		if (!o) throw new Error(`no order ${id}`);
		return o;
	}
	/** A new planted discrepancy (over_fee, missing_settlement and double_refund need the order) */
	protected newPlant(kind: DiscrepancyKind, opts: { orderId?: string; deltaCents?: number; rate?: number }): PlantedDiscrepancy {
		if (kind !== 'payout_mismatch' && !opts.orderId) throw new Error(`${kind} needs an orderId`);
		const p: PlantedDiscrepancy = { kind, ...(opts.orderId ? { orderId: opts.orderId } : {}), applied: false };
		this.planted.push(p);
		this.plantOpts.set(p, { rate: opts.rate, deltaCents: opts.deltaCents });
		return p;
	}
}
