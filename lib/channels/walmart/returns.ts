/**
 * Walmart return intake: GET /v3/returns?returnLastModifiedStartDate=<iso>&limit=200, then the query string in
 * meta.nextCursor to the end ✔ (Returns API: filters returnOrderId, customerOrderId, status, returnType,
 * returnCreationStartDate/EndDate, returnLastModifiedStartDate/EndDate, limit ≤ 200; nextCursor appended as a query
 * string ⚠ as for orders). Paced and throttled like the client's other calls (token headers, 429 waits).
 *
 * One Walmart return -> one canonical return per purchase order it takes units of (the OMS's Walmart orders are
 * purchase orders: omsId walmart:<purchaseOrderId>); channelReturnId is the returnOrderId, or
 * `<returnOrderId>-<purchaseOrderId>` when the return spans several purchase orders. Lines: purchaseOrderLineNumber
 * is the canonical order's lineId (normalize.ts takes lineNumber), returnReason the channel's reason, quantity
 * quantity.measurementValue. State per line: status INITIATED (label issued; IN_TRANSIT once the carrier has it),
 * DELIVERED, COMPLETED ✔; the return is where its least advanced line is.
 */
import { cursorAfter, startTime } from '../../http/cursor';
import { arr, dig, isObj, reqId, reqQuantity, reqTimestamp, softTimestamp, statusKey, text } from '../normalize-common';
import { buildReturn, leastState, ReturnCtx, type ReturnLineParts } from '../returns';
import type { CanonicalReturn, ChannelReturnState } from '../../returns/types';
import type { ChannelReturns, ListReturnsOptions, ListReturnsResult } from '../types';
import type { WalmartClient } from './client';

export const WALMART_RETURNS_MAX_PAGE = 200;

interface ReturnsPage {
	meta?: { totalCount?: number; nextCursor?: string };
	returnOrders?: unknown[];
}

async function listReturnsSince(client: WalmartClient, cursor: string | null, opts: ListReturnsOptions = {}): Promise<ListReturnsResult> {
	const began = client.opts.now?.() ?? Date.now();
	const start = startTime(cursor, opts.lookbackFrom, began);
	const limit = Math.max(1, Math.min(WALMART_RETURNS_MAX_PAGE, opts.pageSize ?? WALMART_RETURNS_MAX_PAGE));
	const overlap = client.opts.cursorOverlapMs ?? 60_000;
	const all: unknown[] = [];
	let pages = 0;
	let next: string | undefined;
	const ok = (s: number) => (s >= 200 && s < 300) || s === 404;
	for (;;) {
		const res = next
			? await client.call<ReturnsPage>('getReturns', 'GET', `${client.base}/v3/returns${next.startsWith('?') ? next : `?${next}`}`, undefined, undefined, ok)
			: await client.call<ReturnsPage>('getReturns', 'GET', `${client.base}/v3/returns`, { returnLastModifiedStartDate: start, limit }, undefined, ok);
		pages++;
		// "no returns" may come as 404 CONTENT_NOT_FOUND ⚠, as for orders
		if (res.status === 404) break;
		const body = res.body as ReturnsPage | undefined;
		if (!isObj(body) || !Array.isArray(body.returnOrders)) throw new Error('Walmart returns: unexpected body (no returnOrders)');
		all.push(...body.returnOrders);
		next = (isObj(body.meta) && typeof body.meta.nextCursor === 'string' && body.meta.nextCursor) || undefined;
		if (!next || body.returnOrders.length === 0) break;
	}
	return { returns: all, cursor: cursorAfter(began, start, overlap), pages };
}

const LINE_STATE: Record<string, ChannelReturnState> = { INITIATED: 'authorised', DELIVERED: 'received', COMPLETED: 'closed' };

function lineState(l: Record<string, unknown>): ChannelReturnState {
	const s = statusKey(text(l.status));
	if (s === 'INITIATED') return statusKey(text(l.currentDeliveryStatus)) === 'INTRANSIT' ? 'in_transit' : 'authorised';
	return (s && LINE_STATE[s]) || 'authorised';
}

/** One Walmart return order (a returnOrders[] element) -> its canonical returns, one per purchase order */
export function normalizeWalmartReturn(raw: unknown): CanonicalReturn[] {
	const ctx = new ReturnCtx('walmart');
	if (!isObj(raw)) return ctx.invalid('return', 'expected a return order object');
	const id = reqId(ctx, raw.returnOrderId, 'returnOrderId');
	ctx.returnId = id;
	const requestedAt = reqTimestamp(ctx, raw.returnOrderDate, 'returnOrderDate');
	const lines = arr(raw.returnOrderLines) ?? ctx.missing('returnOrderLines');
	if (!lines.length) ctx.missing('returnOrderLines');
	const byPo = new Map<string, { lines: ReturnLineParts[]; states: ChannelReturnState[]; statuses: string[]; updatedAt: string }>();
	lines.forEach((l, i) => {
		const f = `returnOrderLines[${i}]`;
		if (!isObj(l)) return ctx.invalid(f, 'expected a return line object');
		const po = reqId(ctx, l.purchaseOrderId, `${f}.purchaseOrderId`);
		const lineId = reqId(ctx, l.purchaseOrderLineNumber, `${f}.purchaseOrderLineNumber`);
		const sku = text(dig(l, 'item', 'sku')) ?? ctx.missing(`${f}.item.sku`);
		const quantity = reqQuantity(ctx, dig(l, 'quantity', 'measurementValue'), `${f}.quantity.measurementValue`);
		const group = byPo.get(po) ?? { lines: [], states: [], statuses: [], updatedAt: requestedAt };
		group.lines.push({ lineId, sku, quantity, channelReason: text(l.returnReason) });
		group.states.push(lineState(l));
		const st = text(l.status);
		if (st && !group.statuses.includes(st)) group.statuses.push(st);
		const at = softTimestamp(ctx, l.statusTime);
		if (at && at > group.updatedAt) group.updatedAt = at;
		byPo.set(po, group);
	});
	const several = byPo.size > 1;
	return [...byPo].map(([po, g]) =>
		buildReturn(ctx, {
			channelReturnId: several ? `${id}-${po}` : id,
			channelOrderId: po,
			channelStatus: g.statuses.join(',') || 'INITIATED',
			channelState: leastState(g.states),
			requestedAt,
			updatedAt: g.updatedAt,
			lines: g.lines,
			raw,
		}),
	);
}

export const walmartReturns: ChannelReturns<WalmartClient> = { listReturnsSince, normalize: normalizeWalmartReturn };
