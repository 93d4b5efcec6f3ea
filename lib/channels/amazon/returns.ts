/**
 * Amazon return intake (merchant-fulfilled): the Reports API returns report ✔ (returns-reports-attributes):
 * createReport GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE for a window of at most 60 days ✔ -> poll getReport until
 * DONE (CANCELLED: no data in the window ✔, FATAL: failed) -> getReportDocument -> the tab-separated file from its
 * pre-signed URL (no SP-API token on it ✔). A window longer than 60 days is asked as several reports, one after the
 * other (createReport is limited to one a minute ✔ reports_2021-06-30.json; the client's limiter paces it).
 *
 * The report is by return request date, so a return's later changes (delivered, closed) show only in a report whose
 * window holds its request date: each listing reads again from AMAZON_RETURNS_REVISIT_DAYS before the cursor
 * (recording is idempotent). A report gives one row per item of a return ✔: rows are grouped by Amazon RMA ID into
 * one return. The file has no order item id, only Order ID and Merchant SKU: the order is read once per listing
 * (getOrder) and the returned line is its line with that SKU, lineId and SKU as normalize.ts forms them (two lines
 * with one SKU: refused, naming the return). Return reason codes are Amazon's (CR-…) [U]: kept, normalised by
 * keyword (lib/returns/reasons.ts). Status words (Approved, Closed…) are not listed in a source read [U].
 * A GZIP-compressed document (compressionAlgorithm GZIP) is refused with a clear error [U: not seen for this report].
 */
import { pollJob } from '../../http/poll';
import { startTime } from '../../http/cursor';
import { NormalizeError, isObj, reqId, reqQuantity, statusKey, text } from '../normalize-common';
import { buildReturn, leastState, orderReader, ReturnCtx, shipmentOf, type ReturnLineParts } from '../returns';
import type { CanonicalReturn, ChannelReturnState } from '../../returns/types';
import type { ChannelReturns, ListReturnsOptions, ListReturnsResult } from '../types';
import type { AmazonClient } from './client';
import { normalizeAmazonOrder } from './normalize';

export const AMAZON_RETURNS_REPORT_TYPE = 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE';
/** At most this much data in one report ✔ */
export const AMAZON_RETURNS_REPORT_MAX_MS = 60 * 86400_000;
/** How far before the cursor each listing reads again, for the changes of returns requested earlier (days) */
export const AMAZON_RETURNS_REVISIT_DAYS = 30;

/** A report of the returns requested in [start, end] -> its rows as {column: value}; [] when Amazon had no data */
async function reportRows(client: AmazonClient, start: number, end: number): Promise<Array<Record<string, string>>> {
	const made = await client.call<{ reportId?: string }>('createReport', 'POST', '/reports/2021-06-30/reports', undefined, {
		reportType: AMAZON_RETURNS_REPORT_TYPE,
		marketplaceIds: client.marketplaceIds,
		dataStartTime: new Date(start).toISOString(),
		dataEndTime: new Date(end).toISOString(),
	});
	const reportId = made.body?.reportId;
	if (!reportId) throw new Error('Amazon createReport: no reportId in the answer');
	const done = await pollJob({
		what: `Amazon returns report ${reportId}`,
		clock: client.opts.clock,
		timeScale: client.opts.timeScale,
		check: async () => {
			const r = await client.call<{ processingStatus?: string; reportDocumentId?: string }>('getReport', 'GET', `/reports/2021-06-30/reports/${encodeURIComponent(reportId)}`);
			const st = r.body?.processingStatus;
			return st === 'DONE' || st === 'CANCELLED' || st === 'FATAL' ? { done: true as const, value: { status: st, documentId: r.body?.reportDocumentId } } : { done: false as const, status: st ?? 'unknown' };
		},
	});
	// CANCELLED: "an automatic cancellation if there is no data to return" ✔
	if (done.status === 'CANCELLED') return [];
	if (done.status === 'FATAL' || !done.documentId) throw new Error(`Amazon returns report ${reportId} failed (${done.status})`);
	const doc = await client.call<{ url?: string; compressionAlgorithm?: string }>('getReportDocument', 'GET', `/reports/2021-06-30/documents/${encodeURIComponent(done.documentId)}`);
	if (!doc.body?.url) throw new Error(`Amazon getReportDocument ${done.documentId}: no url`);
	if (doc.body.compressionAlgorithm) throw new Error(`Amazon returns report ${reportId}: a ${doc.body.compressionAlgorithm}-compressed document is not read by this version`);
	const file = await client.caller.call<unknown>({ method: 'GET', url: doc.body.url }, { what: 'downloadReportDocument' });
	return parseTabSeparated(typeof file.body === 'string' ? file.body : Buffer.isBuffer(file.body) ? file.body.toString('utf8') : '');
}

/** A tab-separated flat file with a header row -> one {column: value} per row (blank lines skipped) */
export function parseTabSeparated(content: string): Array<Record<string, string>> {
	const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
	if (!lines.length) return [];
	const head = lines[0].split('\t').map((h) => h.trim());
	return lines.slice(1).map((l) => {
		const cells = l.split('\t');
		return Object.fromEntries(head.map((h, i) => [h, (cells[i] ?? '').trim()]));
	});
}

async function listReturnsSince(client: AmazonClient, cursor: string | null, opts: ListReturnsOptions = {}): Promise<ListReturnsResult> {
	const began = client.opts.now?.() ?? Date.now();
	const start = Date.parse(startTime(cursor, opts.lookbackFrom, began)) - (cursor ? AMAZON_RETURNS_REVISIT_DAYS * 86400_000 : 0);
	const rows: Array<Record<string, string>> = [];
	let pages = 0;
	for (let from = start; from < began; from += AMAZON_RETURNS_REPORT_MAX_MS) {
		rows.push(...(await reportRows(client, from, Math.min(began, from + AMAZON_RETURNS_REPORT_MAX_MS))));
		pages++;
	}
	// one return per RMA (a row per item ✔); rows without an RMA id each on their own (refused by the normaliser)
	const byRma = new Map<string, Array<Record<string, string>>>();
	rows.forEach((r, i) => {
		const k = col(r, 'Amazon RMA ID') || `row ${i + 1}`;
		byRma.set(k, [...(byRma.get(k) ?? []), r]);
	});
	const orderOf = orderReader((id) => client.getOrder(id));
	const all: unknown[] = [];
	for (const group of byRma.values()) all.push({ rows: group, order: await orderOf(col(group[0], 'Order ID')) });
	return { returns: all, cursor: new Date(began).toISOString(), pages };
}

/** A column by its documented name, case and spacing aside */
function col(row: Record<string, string>, name: string): string {
	if (row[name] !== undefined) return row[name];
	const want = statusKey(name);
	for (const [k, v] of Object.entries(row)) if (statusKey(k) === want) return v;
	return '';
}

const STATE: Record<string, ChannelReturnState> = {
	PENDING: 'requested',
	REQUESTED: 'requested',
	PENDINGAPPROVAL: 'requested',
	APPROVED: 'authorised',
	AUTHORIZED: 'authorised',
	AUTHORISED: 'authorised',
	INTRANSIT: 'in_transit',
	DELIVERED: 'received',
	RECEIVED: 'received',
	CLOSED: 'closed',
	COMPLETED: 'closed',
	REJECTED: 'declined',
	DECLINED: 'declined',
	DENIED: 'declined',
	CANCELLED: 'cancelled',
	CANCELED: 'cancelled',
};

function stateOf(status: string, delivered: boolean): ChannelReturnState {
	const k = statusKey(status) ?? '';
	const s = Object.prototype.hasOwnProperty.call(STATE, k) ? STATE[k] : 'requested';
	// a delivery date says the parcel is back, whatever the request status still says
	return delivered && (s === 'requested' || s === 'authorised' || s === 'in_transit') ? 'received' : s;
}

/** A report date (YYYY-MM-DD, or a date-time) as ISO UTC, or null */
function dateOf(ctx: ReturnCtx, v: string, field: string, required: boolean): string | null {
	if (!v) return required ? ctx.missing(field) : null;
	const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
	if (Number.isNaN(t)) return ctx.invalid(field, `expected a date, got ${JSON.stringify(v)}`);
	return new Date(t).toISOString();
}

/** `{rows: the report's rows of one RMA, order: the Amazon order}` (listReturnsSince) -> the canonical return */
export function normalizeAmazonReturn(raw: unknown): CanonicalReturn[] {
	const ctx = new ReturnCtx('amazon');
	if (!isObj(raw) || !Array.isArray(raw.rows) || raw.rows.length === 0) return ctx.invalid('rows', 'expected {rows, order} with the report rows of one return');
	const rows = raw.rows as Array<Record<string, string>>;
	const id = reqId(ctx, col(rows[0], 'Amazon RMA ID'), 'Amazon RMA ID');
	ctx.returnId = id;
	const orderId = reqId(ctx, col(rows[0], 'Order ID'), 'Order ID');
	const order = raw.order;
	if (!isObj(order) || typeof order.error === 'string') return ctx.invalid('order', `Amazon order ${orderId} could not be read${isObj(order) && order.error ? `: ${String(order.error)}` : ''}`);
	let canonical;
	try {
		canonical = normalizeAmazonOrder(order, { keepRaw: false });
	} catch (e) {
		return ctx.invalid('order', e instanceof NormalizeError ? e.message : String(e));
	}
	const states: ChannelReturnState[] = [];
	const statuses: string[] = [];
	let requestedAt: string | null = null;
	let updatedAt: string | null = null;
	const lines: ReturnLineParts[] = rows.map((row, i) => {
		const f = `rows[${i}]`;
		const sku = col(row, 'Merchant SKU') || ctx.missing(`${f}.Merchant SKU`);
		const hits = canonical.lines.filter((l) => l.sku === sku);
		if (hits.length === 0) return ctx.invalid(`${f}.Merchant SKU`, `order ${orderId} has no line with SKU ${sku}`);
		if (hits.length > 1) return ctx.invalid(`${f}.Merchant SKU`, `order ${orderId} has ${hits.length} lines with SKU ${sku}: the report does not say which`);
		const req = dateOf(ctx, col(row, 'Return request date'), `${f}.Return request date`, true) as string;
		const delivered = dateOf(ctx, col(row, 'Return delivery date'), `${f}.Return delivery date`, false);
		if (requestedAt === null || req < requestedAt) requestedAt = req;
		for (const t of [req, delivered]) if (t && (updatedAt === null || t > updatedAt)) updatedAt = t;
		const status = col(row, 'Return request status');
		if (status && !statuses.includes(status)) statuses.push(status);
		states.push(stateOf(status, delivered !== null));
		return { lineId: hits[0].lineId, sku, quantity: reqQuantity(ctx, col(row, 'Return quantity'), `${f}.Return quantity`), channelReason: text(col(row, 'Return Reason')) };
	});
	const labelCost = Number(col(rows[0], 'Label cost'));
	return [
		buildReturn(ctx, {
			channelReturnId: id,
			channelOrderId: orderId,
			channelStatus: statuses.join(',') || 'unknown',
			channelState: leastState(states),
			requestedAt: requestedAt as unknown as string,
			updatedAt: (updatedAt ?? requestedAt) as unknown as string,
			lines,
			shipment: shipmentOf(text(col(rows[0], 'Return carrier')), text(col(rows[0], 'Tracking ID')), col(rows[0], 'Label cost') !== '' && Number.isFinite(labelCost) ? labelCost : null),
			raw: rows,
		}),
	];
}

export const amazonReturns: ChannelReturns<AmazonClient> = { listReturnsSince, normalize: normalizeAmazonReturn };
