/**
 * What the channels' return normalisers (lib/channels/<channel>/returns.ts) share: the error that names a return
 * that cannot be normalised, a reading context whose readers (normalize-common.ts) throw it, and the assembly of a
 * CanonicalReturn (lib/returns/types.ts) with the channel's reason kept and the normalised reason beside it.
 *
 * Line ids are the canonical order's (the channel's line id as that channel's order normaliser forms it), so the
 * store can check the return against the order's shipped units; the omsId is `${channel}:${channelOrderId}` as in
 * buildOrder.
 */
import { normaliseReturnReason } from '../returns/reasons';
import { returnIdOf, type CanonicalReturn, type ChannelReturnState, type ReturnRefund, type ReturnShipment } from '../returns/types';
import { Ctx, statusKey } from './normalize-common';

/**
 * A channel return that cannot be normalised: `walmart return 77000000000001: missing returnOrderLines[0].purchaseOrderId`.
 * Only that return is refused (the flow turns it into its item's error); the others of the page go on.
 */
export class ReturnNormalizeError extends Error {
	constructor(
		readonly channel: string,
		readonly returnId: string | null,
		readonly field: string,
		readonly reason: 'missing' | 'invalid' = 'missing',
		readonly detail?: string,
	) {
		super(`${channel} return ${returnId ?? 'unknown id'}: ${reason} ${field}${detail ? ` (${detail})` : ''}`);
		this.name = 'ReturnNormalizeError';
	}
}

/** The reading context of one return: normalize-common's readers, failing with ReturnNormalizeError */
export class ReturnCtx extends Ctx {
	/** The channel's return id, once read */
	returnId: string | null = null;
	missing(field: string): never {
		throw new ReturnNormalizeError(this.channel, this.returnId, field, 'missing');
	}
	invalid(field: string, detail: string): never {
		throw new ReturnNormalizeError(this.channel, this.returnId, field, 'invalid', detail);
	}
}

export interface ReturnLineParts {
	/** The canonical order's line id */
	lineId: string;
	sku: string;
	quantity: number;
	/** The channel's reason words, unchanged (null: none) */
	channelReason: string | null;
	note?: string | null;
}

export interface ReturnParts {
	channelReturnId: string;
	channelOrderId: string;
	channelStatus: string;
	channelState: ChannelReturnState;
	requestedAt: string;
	updatedAt: string;
	lines: ReturnLineParts[];
	shipment?: ReturnShipment | null;
	refund?: ReturnRefund | null;
	raw: unknown;
}

/**
 * The canonical return. Lines naming one order line twice are merged (their units added; the first reason kept),
 * as the canonical return gives each order line once.
 */
export function buildReturn(ctx: ReturnCtx, p: ReturnParts): CanonicalReturn {
	if (p.lines.length === 0) ctx.missing('return lines');
	const lines: CanonicalReturn['lines'] = [];
	for (const l of p.lines) {
		const same = lines.find((x) => x.lineId === l.lineId);
		if (same) {
			same.quantity += l.quantity;
			continue;
		}
		lines.push({ lineId: l.lineId, sku: l.sku, quantity: l.quantity, channelReason: l.channelReason, reason: normaliseReturnReason(l.channelReason), ...(l.note ? { note: l.note } : {}) });
	}
	return {
		returnId: returnIdOf(ctx.channel, p.channelReturnId),
		omsId: `${ctx.channel}:${p.channelOrderId}`,
		channel: ctx.channel,
		channelReturnId: p.channelReturnId,
		channelStatus: p.channelStatus,
		channelState: p.channelState,
		requestedAt: p.requestedAt,
		updatedAt: p.updatedAt < p.requestedAt ? p.requestedAt : p.updatedAt,
		lines,
		shipment: p.shipment ?? null,
		refund: p.refund ?? null,
		raw: p.raw,
	};
}

/** The channel's status word -> the normalised state by a table of statusKey()s, else `fallback` */
export function stateFrom(table: Record<string, ChannelReturnState>, word: string | null, fallback: ChannelReturnState): ChannelReturnState {
	const k = statusKey(word);
	return k && Object.prototype.hasOwnProperty.call(table, k) ? table[k] : fallback;
}

/** The least advanced of several states (a return's lines moving on one by one): what the whole return has reached */
const RANK: Record<ChannelReturnState, number> = { requested: 0, authorised: 1, in_transit: 2, received: 3, closed: 4, declined: 5, cancelled: 5 };
export function leastState(states: ChannelReturnState[]): ChannelReturnState {
	const live = states.filter((s) => s !== 'declined' && s !== 'cancelled');
	if (!live.length) return states[0] ?? 'requested';
	return live.reduce((a, b) => (RANK[b] < RANK[a] ? b : a));
}

/** A shipment when the channel gave a carrier or a tracking number, else null */
export function shipmentOf(carrier: string | null, trackingNumber: string | null, labelCost: number | null = null, trackingUrl: string | null = null): ReturnShipment | null {
	return carrier || trackingNumber ? { carrier, trackingNumber, trackingUrl, labelCost } : null;
}

/**
 * The channel's orders of a listing's returns, each read once (getOrder), for normalisers that must find the
 * returned line on the order (Amazon, eBay). An order that cannot be read is `{error}`: its returns are refused
 * by the normaliser, naming it; the others go on.
 */
export function orderReader(getOrder: (channelOrderId: string) => Promise<unknown>): (channelOrderId: string | null) => Promise<unknown> {
	const orders = new Map<string, Promise<unknown>>();
	return (id) => {
		if (!id) return Promise.resolve(null);
		let p = orders.get(id);
		if (!p) {
			p = getOrder(id).catch((e: unknown) => ({ error: (e as Error)?.message ?? String(e) }));
			orders.set(id, p);
		}
		return p;
	};
}
