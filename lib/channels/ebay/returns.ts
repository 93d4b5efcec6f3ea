/**
 * eBay return intake: Post-Order GET /post-order/v2/return/search ✔ (Authorization "IAF <token>" ⚠ as the client's
 * other Post-Order calls; paged by limit ≤ 200 and offset, paginationOutput.totalPages ⚠). The search filters by
 * state and by creation date only (no last-modified filter ✔ in the spec's parameters), so one listing is:
 *  - every open return (return_state ALL_OPEN ✔), whatever its age: whatever moved since the last poll, and
 *  - every return created from EBAY_RETURNS_REVISIT_DAYS before the cursor on, in any state: new ones, and those
 *    closed since the last poll (a return open for longer than that and closed since is not seen closed).
 * Re-reading is harmless: recording is idempotent.
 *
 * A return names its item as creationInfo.item {itemId, transactionId, returnQuantity} ✔, not the Fulfillment
 * API's lineItemId: the order is read once per listing (getOrder) and the line whose legacyItemId is the itemId is
 * the returned one, its lineId and SKU as normalize.ts forms them. Two lines of one item in one order (variations)
 * cannot be told apart from the search: that return is refused, naming it. State: summary.state ✔ (INITIAL,
 * ITEM_READY_TO_SHIP, ITEM_SHIPPED, ITEM_DELIVERED, CLOSED, refund states…); reason creationInfo.reason, else the
 * reasonType category ✔ (ReturnReasonTypeEnum).
 */
import { startTime } from '../../http/cursor';
import { NormalizeError, dig, isObj, reqId, reqQuantity, reqTimestamp, softTimestamp, statusKey, text } from '../normalize-common';
import { buildReturn, orderReader, ReturnCtx, type ReturnLineParts } from '../returns';
import type { CanonicalReturn, ChannelReturnState } from '../../returns/types';
import type { ChannelReturns, ListReturnsOptions, ListReturnsResult } from '../types';
import type { EbayClient } from './client';
import { normalizeEbayOrder } from './normalize';

export const EBAY_RETURNS_MAX_PAGE = 200;
/** How far before the cursor returns created are read again in any state (days) */
export const EBAY_RETURNS_REVISIT_DAYS = 60;
/** The search refuses a creation date more than 18 months back ✔ */
const MAX_BACK_MS = 540 * 86400_000;

interface SearchPage {
	members?: unknown[];
	paginationOutput?: { totalPages?: number; totalEntries?: number };
}

async function search(client: EbayClient, params: Record<string, string>, limit: number, into: Map<string, unknown>): Promise<number> {
	let pages = 0;
	for (let offset = 0; ; ) {
		const q = new URLSearchParams({ ...params, limit: String(limit), offset: String(offset), sort: 'FILED_DATE_ASC' });
		const res = await client.call<SearchPage>('returnSearch', 'GET', `${client.base}/post-order/v2/return/search?${q.toString()}`, undefined, {}, 'IAF');
		const body = res.body as SearchPage | undefined;
		if (!isObj(body) || !Array.isArray(body.members)) throw new Error('eBay return search: unexpected body (no members)');
		pages++;
		for (const m of body.members) into.set(isObj(m) ? String(m.returnId) : `?${into.size}`, m);
		offset += body.members.length;
		const total = Number(isObj(body.paginationOutput) ? (body.paginationOutput.totalEntries ?? 0) : 0);
		if (body.members.length === 0 || offset >= total) return pages;
	}
}

async function listReturnsSince(client: EbayClient, cursor: string | null, opts: ListReturnsOptions = {}): Promise<ListReturnsResult> {
	const began = client.opts.now?.() ?? Date.now();
	const start = startTime(cursor, opts.lookbackFrom, began);
	const limit = Math.max(1, Math.min(EBAY_RETURNS_MAX_PAGE, opts.pageSize ?? EBAY_RETURNS_MAX_PAGE));
	const from = Math.max(Date.parse(start) - (cursor ? EBAY_RETURNS_REVISIT_DAYS * 86400_000 : 0), began - MAX_BACK_MS);
	const found = new Map<string, unknown>();
	let pages = await search(client, { return_state: 'ALL_OPEN' }, limit, found);
	pages += await search(client, { creation_date_range_from: new Date(from).toISOString() }, limit, found);
	const orderOf = orderReader((id) => client.getOrder(id));
	const all: unknown[] = [];
	for (const m of found.values()) all.push({ return: m, order: await orderOf(isObj(m) ? text(m.orderId) : null) });
	const overlap = client.opts.cursorOverlapMs ?? 60_000;
	return { returns: all, cursor: new Date(Math.max(Date.parse(start), began - overlap)).toISOString(), pages };
}

const STATE: Record<string, ChannelReturnState> = {
	INITIAL: 'requested',
	RETURNREQUESTED: 'requested',
	ITEMREADYTOSHIP: 'authorised',
	READYFORSHIPPING: 'authorised',
	RMAPENDING: 'authorised',
	ITEMSHIPPED: 'in_transit',
	ITEMDELIVERED: 'received',
	CLOSED: 'closed',
	RETURNCLOSED: 'closed',
};

function stateOf(state: string): ChannelReturnState {
	const k = statusKey(state) ?? '';
	if (Object.prototype.hasOwnProperty.call(STATE, k)) return STATE[k];
	// refund states (PARTIAL_REFUND_INITIATED, LESS_THAN_A_FULL_REFUND_ISSUED…) come after the item is back or kept
	if (/REFUND/.test(k)) return 'received';
	if (/CANCEL/.test(k)) return 'cancelled';
	if (/DECLIN/.test(k)) return 'declined';
	return 'requested';
}

/** `{return: ReturnSummary, order: the eBay order}` (listReturnsSince) -> the canonical return */
export function normalizeEbayReturn(raw: unknown): CanonicalReturn[] {
	const ctx = new ReturnCtx('ebay');
	if (!isObj(raw) || !isObj(raw.return)) return ctx.invalid('return', 'expected {return, order}');
	const r = raw.return;
	const id = reqId(ctx, r.returnId, 'returnId');
	ctx.returnId = id;
	const orderId = reqId(ctx, r.orderId, 'orderId');
	const state = text(r.state) ?? ctx.missing('state');
	const info = isObj(r.creationInfo) ? r.creationInfo : ctx.missing('creationInfo');
	const itemId = reqId(ctx, dig(info, 'item', 'itemId'), 'creationInfo.item.itemId');
	const quantity = reqQuantity(ctx, dig(info, 'item', 'returnQuantity'), 'creationInfo.item.returnQuantity');
	const requestedAt = reqTimestamp(ctx, dig(info, 'creationDate', 'value'), 'creationInfo.creationDate.value');
	const order = raw.order;
	if (!isObj(order) || isObj(order) && typeof order.error === 'string') return ctx.invalid('order', `eBay order ${orderId} could not be read${isObj(order) && order.error ? `: ${String(order.error)}` : ''}`);
	let canonical;
	try {
		canonical = normalizeEbayOrder(order, { keepRaw: false });
	} catch (e) {
		return ctx.invalid('order', e instanceof NormalizeError ? e.message : String(e));
	}
	const items = Array.isArray(order.lineItems) ? order.lineItems : [];
	const hits = items.map((li, i) => (isObj(li) && text(li.legacyItemId) === itemId ? i : -1)).filter((i) => i >= 0);
	if (hits.length === 0) return ctx.invalid('creationInfo.item.itemId', `order ${orderId} has no line of item ${itemId}`);
	if (hits.length > 1) return ctx.invalid('creationInfo.item.itemId', `order ${orderId} has ${hits.length} lines of item ${itemId}: the return does not say which`);
	const line = canonical.lines[hits[0]];
	const lines: ReturnLineParts[] = [{ lineId: line.lineId, sku: line.sku, quantity, channelReason: text(info.reason) ?? text(info.reasonType), note: text(dig(info, 'comments', 'content')) }];
	return [
		buildReturn(ctx, {
			channelReturnId: id,
			channelOrderId: orderId,
			channelStatus: [state, text(r.status)].filter(Boolean).join('/'),
			channelState: stateOf(state),
			requestedAt,
			// the summary carries no change time ✔: versions are told apart by state (lib/returns/versions.ts)
			updatedAt: softTimestamp(ctx, dig(r, 'lastModifiedDate', 'value')) ?? requestedAt,
			lines,
			raw: r,
		}),
	];
}

export const ebayReturns: ChannelReturns<EbayClient> = { listReturnsSince, normalize: normalizeEbayReturn };
