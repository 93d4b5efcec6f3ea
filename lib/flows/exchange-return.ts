/**
 * An exchange: the customer gets replacement units instead of money. The replacement is an order of its own (channel
 * `exchange`, its order id the return's id, so one per return) that goes through the normal intake: OMS Order Record,
 * screening, Reserve Stock and the WMS, like any other order; the channels are not told of it (no marketplace has it),
 * and reports show it under its own source. The return keeps a refund of 0 that names the replacement
 * (`refund.exchangeOmsId`), recorded in the same store transition, so no refund is ever owed for it and Close closes
 * it once its units are dealt with.
 *
 * Only a return on its way back (authorised to inspected) whose refund is not computed yet can be exchanged: once a
 * refund is computed the customer is owed money, and an exchange on top would give twice. Run again, the same return
 * gives the same replacement order (same omsId, placedAt and lines), which Record takes as a duplicate. n8n-free.
 */
import type { CanonicalOrder, OrderLine } from '../order/types';
import { omsIdOf } from '../order/types';
import type { ReturnRefund, StoredReturn } from '../returns/types';
import type { Store } from '../store/types';
import { ItemError } from './item-error';

/** The source of replacement orders (their `channel`): the OMS's own, no marketplace's */
export const EXCHANGE_CHANNEL = 'exchange';

/** The statuses a return may be exchanged in: authorised, in transit, received or inspected */
const EXCHANGEABLE = ['authorised', 'in_transit', 'received', 'inspected'];

export interface ExchangeOptions {
	by: string;
	/** Another SKU in place of a returned one (a size or colour swap); a returned SKU not listed is replaced by itself */
	replace?: Array<{ sku: string; withSku: string }>;
	/** When the exchange is made (ISO; default now): the replacement's placedAt */
	now?: string;
}

export interface ExchangeResult {
	/** created: the replacement was made now; unchanged: it was made before (the same order again) */
	outcome: 'created' | 'unchanged';
	order: CanonicalOrder;
	stored: StoredReturn;
}

/** The replacement order of a return: the returned units (or their swaps) at no charge, to the original ship-to */
export function replacementOrder(original: CanonicalOrder, stored: StoredReturn, at: string, replace: ReadonlyMap<string, string>): CanonicalOrder {
	const ret = stored.ret;
	const lines: OrderLine[] = ret.lines.map((l, i) => {
		const from = original.lines.find((o) => o.lineId === l.lineId);
		const sku = replace.get(l.sku) ?? l.sku;
		return { lineId: String(i + 1), sku, title: sku === l.sku ? (from?.title ?? null) : null, quantity: l.quantity, unitPrice: 0, lineTotal: 0 };
	});
	return {
		omsId: omsIdOf(EXCHANGE_CHANNEL, ret.returnId),
		channel: EXCHANGE_CHANNEL,
		channelOrderId: ret.returnId,
		orderNumber: `${original.orderNumber ?? original.channelOrderId}-X`,
		placedAt: at,
		updatedAt: at,
		channelStatus: 'exchange',
		readiness: 'ready',
		currency: original.currency,
		totals: { subtotal: 0, shipping: 0, tax: 0, discount: 0, total: 0 },
		customer: original.customer,
		shipTo: original.shipTo,
		billTo: original.billTo,
		shipping: original.shipping,
		lines,
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
		raw: { exchangeFor: { returnId: ret.returnId, omsId: original.omsId } },
	};
}

/** Make (or find) the replacement order of a return, and record on the return that it is exchanged, not refunded. */
export async function exchangeReturn(store: Store, returnId: string, opts: ExchangeOptions): Promise<ExchangeResult> {
	const stored = await store.getReturn(returnId);
	if (!stored) throw new ItemError(`No return ${returnId} in the OMS store: record it first`, [{ path: '$.returnId', message: 'unknown return' }]);
	const original = await store.getOrder(stored.ret.omsId);
	if (!original) throw new ItemError(`Return ${returnId}: its order ${stored.ret.omsId} is not in the OMS store`, [{ path: '$.omsId', message: 'unknown order' }]);
	const problems: Array<{ path: string; message: string }> = [];
	const replace = new Map<string, string>();
	(opts.replace ?? []).forEach((r, i) => {
		const sku = String(r.sku ?? '').trim();
		const withSku = String(r.withSku ?? '').trim();
		if (!stored.ret.lines.some((l) => l.sku === sku)) problems.push({ path: `Replace[${i}].sku`, message: `return ${returnId} has no line of SKU ${JSON.stringify(sku)} (its SKUs: ${[...new Set(stored.ret.lines.map((l) => l.sku))].join(', ')})` });
		else if (!withSku) problems.push({ path: `Replace[${i}].withSku`, message: 'is empty: give the SKU sent instead' });
		else replace.set(sku, withSku);
	});
	if (problems.length) throw new ItemError(`Return ${returnId}: the exchange cannot be made\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`, problems);
	const made = stored.ret.refund?.exchangeOmsId;
	if (made) {
		// the replacement recorded is the one that went to intake; not recorded yet, the same order is made again
		const recorded = await store.getOrder(made);
		return { outcome: 'unchanged', order: recorded?.order ?? replacementOrder(original.order, stored, stored.changedAt, replace), stored };
	}
	if (stored.ret.refund) {
		throw new ItemError(`Return ${returnId}: its refund of ${stored.ret.refund.total} ${stored.ret.refund.currency} is ${stored.ret.refund.status} already, so an exchange would give the customer both; exchange before the refund is due (Refund When later), or refund only`, [
			{ path: '$.refund', message: `already ${stored.ret.refund.status}` },
		]);
	}
	if (!EXCHANGEABLE.includes(stored.status)) {
		throw new ItemError(`Return ${returnId} is ${stored.status}: only a return authorised, in transit, received or inspected can be exchanged`, [{ path: '$.status', message: `is ${stored.status}` }]);
	}
	const at = opts.now ?? new Date().toISOString();
	const order = replacementOrder(original.order, stored, at, replace);
	const refund: ReturnRefund = { currency: original.order.currency, status: 'refunded', lines: [], shipping: 0, returnShippingFee: 0, total: 0, exchangeOmsId: order.omsId };
	const res = await store.transitionReturn(returnId, { by: opts.by, refund, onlyFrom: [stored.status], detail: { exchange: order.omsId, replace: Object.fromEntries(replace) } });
	if (res.refused) throw new ItemError(`Return ${returnId} moved while the exchange was made: run it again`, [{ path: '$.status', message: 'changed meanwhile' }]);
	return { outcome: 'created', order, stored: res.stored };
}
