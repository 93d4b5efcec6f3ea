/**
 * Shopify return intake (Admin GraphQL). Shopify has no top-level returns query: the returns of the orders updated
 * since the cursor are read through `orders(query: "updated_at:>='…'") { returns { returnLineItems } }` (a return's
 * creation and each status change update its order ✔ as returnCreate "auto-unarchives" it and the sandbox mirrors),
 * paged by the orders' endCursor; `return(id:)` gives one return the same way (the webhook path). Return status
 * REQUESTED, OPEN, CLOSED, DECLINED, CANCELED ✔ (ReturnStatus); returnReason the ReturnReason enum ✔, kept as the
 * channel's reason with the note.
 *
 * Lines: a ReturnLineItem's fulfillmentLineItem.lineItem.id, its gid tail, is the canonical order's lineId (as
 * normalize.ts forms it from the GraphQL LineItem id or the REST line_items[].id). omsId shopify:<order id tail>.
 * updatedAt: the latest of the return's createdAt and closedAt and its order's updatedAt (Return has no updatedAt ✔).
 */
import { cursorAfter, startTime, toMs } from '../../http/cursor';
import { connection, dig, isObj, reqId, reqQuantity, reqTimestamp, softTimestamp, text } from '../normalize-common';
import { buildReturn, ReturnCtx, ReturnNormalizeError, stateFrom, type ReturnLineParts } from '../returns';
import type { CanonicalReturn, ChannelReturnState } from '../../returns/types';
import type { ChannelReturns, ListReturnsOptions, ListReturnsResult } from '../types';
import type { ShopifyClient } from './client';
import { shopifyGidTail, skuOf } from './normalize';

/** Orders per page, returns per order, lines per return: a query cost of 5 x (2 + 5 x (2 + 20)) = 560, within the 1,000 a query may cost ✔ */
export const SHOPIFY_RETURNS_ORDERS_PAGE = 5;
const RETURNS_FIRST = 5;
const RETURN_LINES_FIRST = 20;
const RETURN_FIELDS = `id name status createdAt closedAt
	returnLineItems(first: ${RETURN_LINES_FIRST}) { pageInfo { hasNextPage } nodes { id quantity
		... on ReturnLineItem { returnReason returnReasonNote customerNote fulfillmentLineItem { lineItem { id sku name variant { id } } } } } }`;
const QUERY = `query OrderReturns($first: Int!, $after: String, $query: String) {
	orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
		pageInfo { hasNextPage endCursor }
		nodes { id legacyResourceId updatedAt returns(first: ${RETURNS_FIRST}) { pageInfo { hasNextPage endCursor } nodes { ${RETURN_FIELDS} } } }
	}
}`;

interface OrdersPage {
	pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
	nodes?: Array<Record<string, unknown>>;
}

async function listReturnsSince(client: ShopifyClient, cursor: string | null, opts: ListReturnsOptions = {}): Promise<ListReturnsResult> {
	const start = startTime(cursor, opts.lookbackFrom, client.opts.now?.() ?? Date.now());
	const first = Math.max(1, Math.min(SHOPIFY_RETURNS_ORDERS_PAGE, opts.pageSize ?? SHOPIFY_RETURNS_ORDERS_PAGE));
	const overlap = client.opts.cursorOverlapMs ?? 60_000;
	const all: unknown[] = [];
	let after: string | null = null;
	let maxUpdated: number | undefined;
	let pages = 0;
	for (;;) {
		const body: { data?: { orders?: OrdersPage } } = await client.graphql<{ orders?: OrdersPage }>(
			QUERY,
			{ first, after, query: `updated_at:>='${start}'` },
			first * (2 + RETURNS_FIRST * (2 + RETURN_LINES_FIRST)),
		);
		const conn: OrdersPage | undefined = body.data?.orders;
		if (!conn || !Array.isArray(conn.nodes)) throw new Error('Shopify GraphQL: orders missing from the response');
		pages++;
		for (const o of conn.nodes) {
			const t = toMs(o.updatedAt);
			if (t !== undefined && (maxUpdated === undefined || t > maxUpdated)) maxUpdated = t;
			const order = { id: o.id, legacyResourceId: o.legacyResourceId, updatedAt: o.updatedAt };
			for (const r of await orderReturns(client, o)) all.push({ order, return: r });
		}
		if (!conn.pageInfo?.hasNextPage || !conn.pageInfo.endCursor) break;
		after = conn.pageInfo.endCursor;
	}
	return { returns: all, cursor: cursorAfter(maxUpdated, start, overlap), pages };
}

/** The order's returns: those of the listing's page, then the next pages of the order's returns connection */
async function orderReturns(client: ShopifyClient, o: Record<string, unknown>): Promise<unknown[]> {
	const seen = new Map<string, unknown>();
	const add = (list: unknown[]) => list.forEach((r, i) => seen.set(isObj(r) && typeof r.id === 'string' ? r.id : `#${seen.size}:${i}`, r));
	add(connection(o.returns) ?? []);
	let page = dig(o, 'returns', 'pageInfo');
	for (let n = 0; isObj(page) && page.hasNextPage === true && typeof page.endCursor === 'string' && n < 100; n++) {
		const body = await client.graphql<{ order?: { returns?: unknown } | null }>(
			`query MoreReturns($id: ID!, $after: String) { order(id: $id) { returns(first: ${RETURNS_FIRST}, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${RETURN_FIELDS} } } } }`,
			{ id: o.id, after: page.endCursor },
			2 + RETURNS_FIRST * (2 + RETURN_LINES_FIRST),
		);
		add(connection(body.data?.order?.returns) ?? []);
		page = dig(body.data?.order, 'returns', 'pageInfo');
	}
	return [...seen.values()];
}

/** One return by its id (`return(id:)`), as normalizeShopifyReturn takes it */
export async function getShopifyReturn(client: ShopifyClient, returnId: string): Promise<unknown> {
	const id = returnId.startsWith('gid://') ? returnId : `gid://shopify/Return/${returnId}`;
	const body = await client.graphql<{ return?: Record<string, unknown> | null }>(`query Return($id: ID!) { return(id: $id) { ${RETURN_FIELDS} order { id legacyResourceId updatedAt } } }`, { id });
	const r = body.data?.return;
	if (!r) throw new Error(`Shopify return ${returnId} not found`);
	return { order: r.order, return: r };
}

/**
 * A `returns/*` webhook's body -> its return read with `return(id:)`: the body names the return (`admin_graphql_api_id`,
 * else `id`) but has no SKU and no dates (the short bodies of returns/cancel, close and reopen not even the lines).
 */
async function returnOfWebhook(client: ShopifyClient, body: unknown): Promise<unknown> {
	const id = isObj(body) ? (text(body.admin_graphql_api_id) ?? (body.id !== undefined && body.id !== null ? String(body.id) : null)) : null;
	if (!id) throw new ReturnNormalizeError('shopify', null, 'id', 'missing', 'the webhook body names no return (admin_graphql_api_id or id)');
	return getShopifyReturn(client, id);
}

const STATE: Record<string, ChannelReturnState> = { REQUESTED: 'requested', OPEN: 'authorised', CLOSED: 'closed', DECLINED: 'declined', CANCELED: 'cancelled', CANCELLED: 'cancelled' };

/** `{order: {id | legacyResourceId, updatedAt}, return: Return}` (listReturnsSince, getShopifyReturn) -> the canonical return */
export function normalizeShopifyReturn(raw: unknown): CanonicalReturn[] {
	const ctx = new ReturnCtx('shopify');
	if (!isObj(raw) || !isObj(raw.return)) return ctx.invalid('return', 'expected {order, return}');
	const r = raw.return;
	const gid = reqId(ctx, r.id, 'return.id');
	const id = shopifyGidTail(gid);
	ctx.returnId = id;
	const order = isObj(raw.order) ? raw.order : isObj(r.order) ? r.order : ctx.missing('order');
	const orderId = text(order.legacyResourceId) ?? (text(order.id) ? shopifyGidTail(text(order.id) as string) : ctx.missing('order.id'));
	const status = text(r.status) ?? ctx.missing('return.status');
	const requestedAt = reqTimestamp(ctx, r.createdAt, 'return.createdAt');
	const times = [requestedAt, softTimestamp(ctx, r.closedAt), softTimestamp(ctx, order.updatedAt)].filter((t): t is string => t !== null);
	// more lines than one page reads: refused, never recorded short (ask Shopify for the return by hand)
	if (dig(r, 'returnLineItems', 'pageInfo', 'hasNextPage') === true) ctx.invalid('return.returnLineItems', `more than the ${RETURN_LINES_FIRST} lines read`);
	const lines: ReturnLineParts[] = (connection(r.returnLineItems) ?? ctx.missing('return.returnLineItems')).map((l, i) => {
		const f = `return.returnLineItems[${i}]`;
		if (!isObj(l)) return ctx.invalid(f, 'expected a return line item');
		const li = dig(l, 'fulfillmentLineItem', 'lineItem');
		const lineGid = reqId(ctx, dig(li, 'id'), `${f}.fulfillmentLineItem.lineItem.id`);
		const reason = text(l.returnReason);
		const note = text(l.returnReasonNote) ?? text(l.customerNote);
		const lineId = shopifyGidTail(lineGid);
		return {
			lineId,
			// the canonical order's SKU of the line, formed as normalize.ts forms it (variant or title when it has none)
			sku: skuOf(ctx, dig(li, 'sku'), dig(li, 'variant', 'id'), text(dig(li, 'name')), lineId, `${f}.fulfillmentLineItem.lineItem.sku`),
			quantity: reqQuantity(ctx, l.quantity, `${f}.quantity`),
			channelReason: reason,
			note,
		};
	});
	return [
		buildReturn(ctx, {
			channelReturnId: id,
			channelOrderId: orderId,
			channelStatus: status,
			channelState: stateFrom(STATE, status, 'requested'),
			requestedAt,
			updatedAt: times.reduce((a, b) => (b > a ? b : a)),
			lines,
			raw,
		}),
	];
}

export const shopifyReturns: ChannelReturns<ShopifyClient> = { listReturnsSince, normalize: normalizeShopifyReturn, fromWebhook: returnOfWebhook };
