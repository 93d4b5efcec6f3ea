/**
 * WooCommerce return intake. Core WooCommerce has no return object [U]: a return shows as a refund with line items
 * (the shop manager refunds the returned units). The orders modified since the cursor are listed as for intake
 * (client.listOrdersSince: GET /wc/v3/orders?modified_after=…, paged by X-WP-TotalPages; a refund modifies its
 * order ✔), and for each order that lists refunds, GET /wc/v3/orders/<id>/refunds ✔ (refund lines come back with
 * negative quantity and totals and the meta _refunded_item_id ✔).
 *
 * One refund with line items -> one canonical return, channelReturnId the refund id: lines on the order's line
 * item ids (_refunded_item_id, the canonical order's lineId as normalize.ts takes line_items[].id), the refund's
 * reason for every line. A refund of money only (no line with units) is not a return and gives nothing. The money
 * already went back on the channel, so the return carries its refund as `refunded` (the OMS must not refund it
 * again): per line its total and tax; whatever the refund amount adds beyond the lines is shipping, what it keeps
 * back is return shipping. A refund the OMS made itself (meta _oms_return_id, client.refundReturn) is the refund of a
 * return the OMS holds, and gives nothing. State `authorised` (a refund says the seller accepted the return; whether the units come
 * back is not in WooCommerce). Its update time is its creation time: a refund is never edited ✔ (no update route).
 */
import { fromMinor, toMinor } from '../../order/money';
import { arr, dig, idText, isObj, optCurrency, optId, reqId, reqTimestamp, text } from '../normalize-common';
import { buildReturn, ReturnCtx, type ReturnLineParts } from '../returns';
import type { CanonicalReturn, RefundLine } from '../../returns/types';
import type { ChannelReturns, ListReturnsOptions, ListReturnsResult } from '../types';
import { OMS_RETURN_META, type WooCommerceClient } from './client';
import { decodeEntities } from './normalize';

const REFUNDS_PAGE = 100;

async function listReturnsSince(client: WooCommerceClient, cursor: string | null, opts: ListReturnsOptions = {}): Promise<ListReturnsResult> {
	const listed = await client.listOrdersSince(cursor, { lookbackFrom: opts.lookbackFrom, pageSize: opts.pageSize });
	const all: unknown[] = [];
	let pages = listed.pages;
	for (const o of listed.orders) {
		if (!isObj(o) || !Array.isArray(o.refunds) || o.refunds.length === 0) continue;
		const order = { id: o.id, currency: o.currency, date_modified_gmt: o.date_modified_gmt, line_items: o.line_items };
		for (let page = 1; ; page++) {
			const res = await client.call<unknown[]>('GET', `/wc/v3/orders/${encodeURIComponent(String(o.id))}/refunds`, { per_page: REFUNDS_PAGE, page }, undefined, 'list refunds');
			if (!Array.isArray(res.body)) throw new Error(`WooCommerce refunds of order ${String(o.id)}: unexpected body`);
			pages++;
			for (const refund of res.body) all.push({ order, refund });
			if (page >= Number(res.headers['x-wp-totalpages'] ?? 1) || res.body.length === 0) break;
		}
	}
	return { returns: all, cursor: listed.cursor, pages };
}

/** `{order: {id, currency}, refund}` -> the canonical return ([] for a refund of money only) */
export function normalizeWooCommerceReturn(raw: unknown): CanonicalReturn[] {
	const ctx = new ReturnCtx('woocommerce');
	if (!isObj(raw) || !isObj(raw.refund) || !isObj(raw.order)) return ctx.invalid('refund', 'expected {order, refund}');
	const r = raw.refund;
	const id = reqId(ctx, r.id, 'refund.id');
	ctx.returnId = id;
	const orderId = reqId(ctx, raw.order.id, 'order.id');
	const currency = optCurrency(ctx, raw.order.currency, 'order.currency') ?? ctx.missing('order.currency');
	const at = reqTimestamp(ctx, r.date_created_gmt ?? r.date_created, 'refund.date_created_gmt', { naiveIsUtc: true });
	const reason = text(r.reason);
	const money = (v: unknown, field: string): number => {
		const t = text(v);
		if (t === null) return 0;
		const n = Number(t);
		if (!Number.isFinite(n)) return ctx.invalid(field, `expected an amount, got ${JSON.stringify(t)}`);
		return Math.abs(toMinor(n, currency));
	};
	// the OMS's own refund of a return it holds (client.refundReturn): that return's refund, not another return
	if ((arr(r.meta_data) ?? []).some((m) => isObj(m) && m.key === OMS_RETURN_META)) return [];
	const lines: ReturnLineParts[] = [];
	const refundLines: Array<{ lineId: string; amount: number; tax: number }> = [];
	(arr(r.line_items) ?? []).forEach((li, i) => {
		const f = `refund.line_items[${i}]`;
		if (!isObj(li)) return ctx.invalid(f, 'expected a refund line item');
		const q = Number(li.quantity);
		if (!Number.isInteger(q)) return ctx.invalid(`${f}.quantity`, `expected a whole number, got ${JSON.stringify(li.quantity)}`);
		if (q === 0) return; // money refunded on the line, no unit back
		const meta = (arr(li.meta_data) ?? []).find((m) => isObj(m) && m.key === '_refunded_item_id');
		const lineId = optId(ctx, dig(meta, 'value'), `${f}.meta_data._refunded_item_id`) ?? ctx.missing(`${f}.meta_data._refunded_item_id`);
		const name = text(li.name);
		const variation = optId(ctx, li.variation_id, `${f}.variation_id`);
		const product = optId(ctx, li.product_id, `${f}.product_id`);
		// the order line's SKU as normalize.ts forms it
		const sku =
			idText(ctx, li.sku, `${f}.sku`) ??
			(variation !== null && variation !== '0' ? `woocommerce-variation:${variation}` : product !== null && product !== '0' ? `woocommerce-product:${product}` : (name === null ? null : decodeEntities(name)) ?? `woocommerce-line:${lineId}`);
		lines.push({ lineId, sku, quantity: Math.abs(q), channelReason: reason });
		const same = refundLines.find((x) => x.lineId === lineId);
		const amount = money(li.total, `${f}.total`);
		const tax = money(li.total_tax, `${f}.total_tax`);
		if (same) {
			same.amount += amount;
			same.tax += tax;
		} else refundLines.push({ lineId, amount, tax });
	});
	if (!lines.length) return [];
	const total = money(r.amount, 'refund.amount');
	const linesSum = refundLines.reduce((s, l) => s + l.amount + l.tax, 0);
	const extra = total - linesSum;
	const refundId = text(r.id);
	return [
		buildReturn(ctx, {
			channelReturnId: id,
			channelOrderId: orderId,
			channelStatus: 'refunded',
			channelState: 'authorised',
			requestedAt: at,
			updatedAt: at,
			lines,
			refund: {
				currency,
				status: 'refunded',
				lines: refundLines.map((l): RefundLine => ({ lineId: l.lineId, amount: fromMinor(l.amount, currency), tax: fromMinor(l.tax, currency), restockingFee: 0 })),
				shipping: fromMinor(Math.max(0, extra), currency),
				returnShippingFee: fromMinor(Math.max(0, -extra), currency),
				total: fromMinor(total, currency),
				channelRefundId: refundId,
			},
			raw,
		}),
	];
}

export const wooCommerceReturns: ChannelReturns<WooCommerceClient> = { listReturnsSince, normalize: normalizeWooCommerceReturn };
