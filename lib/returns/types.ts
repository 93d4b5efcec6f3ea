/**
 * The canonical return: one customer return of units of one order, as every channel's intake (and a person, by
 * hand) gives it to the OMS, and as the store keeps it. Its JSON Schema is canonical-return.schema.json (in the
 * package); validateReturn() makes the same checks by hand plus those a schema cannot express.
 *
 * Amounts are JSON numbers in major units rounded to the currency's minor unit (as in the canonical order); every
 * computation on them is done in integer minor units (lib/order/money.ts).
 */
import type { ReturnStatus } from './status';

/**
 * Why the customer returns a unit, normalised over the channels' own reason words (lib/returns/reasons.ts maps
 * them). The seller's fault (SELLER_FAULT_REASONS) decides fees and return shipping (lib/returns/rules.ts).
 */
export const RETURN_REASONS = [
	'defective', // does not work
	'damaged', // arrived damaged (item or box)
	'wrong_item', // not what was ordered
	'not_as_described',
	'missing_parts',
	'size_fit', // too small, too large, poor fit
	'style', // colour, style, quality not liked
	'unwanted', // changed mind, no longer needed, bought elsewhere, better price
	'arrived_late',
	'undeliverable', // returned to sender, refused, lost
	'other', // a reason given that none of the above names
	'unknown', // no reason given
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** Reasons that are the seller's (or the carrier's) fault, not the customer's choice. */
export const SELLER_FAULT_REASONS: readonly ReturnReason[] = ['defective', 'damaged', 'wrong_item', 'not_as_described', 'missing_parts', 'undeliverable'];

/** What happens to a returned unit at the warehouse (ShipBob Restock/Quarantine/Dispose; Shopify RESTOCKED/NOT_RESTOCKED). */
export const DISPOSITIONS = ['restock', 'quarantine', 'dispose', 'return_to_vendor'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/**
 * What the channel says of the return, normalised (the return's `readiness`): where a newly recorded return starts,
 * and what a newer version from the channel moves it to (lib/returns/status.ts, cause channel_update).
 */
export const CHANNEL_RETURN_STATES = ['requested', 'authorised', 'in_transit', 'received', 'closed', 'declined', 'cancelled'] as const;
export type ChannelReturnState = (typeof CHANNEL_RETURN_STATES)[number];

/**
 * The refund's state: pending (owed, not sent to the channel yet), sent (the channel took the call), refunded (the
 * channel confirmed the money moved), failed (the channel refused it: held for a person with its message).
 */
export const REFUND_STATUSES = ['pending', 'sent', 'refunded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export interface ReturnDisposition {
	disposition: Disposition;
	quantity: number;
}

export interface ReturnLine {
	/** The order line returned (the canonical order's lines[].lineId) */
	lineId: string;
	sku: string;
	/** Units returned of that line */
	quantity: number;
	/** The channel's own reason words, unchanged (null: none given) */
	channelReason: string | null;
	/** The reason, normalised */
	reason: ReturnReason;
	/** The customer's note, if any */
	note?: string | null;
	/** What became of the units received, when the warehouse (or a person) said; their sum is at most `quantity` */
	dispositions?: ReturnDisposition[];
}

/** The return shipment, customer to warehouse. */
export interface ReturnShipment {
	carrier: string | null;
	trackingNumber: string | null;
	trackingUrl: string | null;
	/** What the return label cost, in the refund's currency (null: unknown or free) */
	labelCost: number | null;
}

export interface RefundLine {
	/** The order line refunded */
	lineId: string;
	/** Merchandise refunded (major units) */
	amount: number;
	/** Tax refunded with it */
	tax: number;
	/** Restocking fee kept (deducted) */
	restockingFee: number;
}

/** The money going back: per line, the order's shipping, the return shipping kept, in one currency. */
export interface ReturnRefund {
	currency: string;
	status: RefundStatus;
	lines: RefundLine[];
	/** The order's original shipping refunded */
	shipping: number;
	/** Return shipping deducted (kept) */
	returnShippingFee: number;
	/** sum(lines: amount + tax - restockingFee) + shipping - returnShippingFee */
	total: number;
	/** The channel's reference of the refund, once it made one */
	channelRefundId?: string | null;
	/** The channel's words when it refused the refund */
	error?: string | null;
	/** An exchange: the replacement order (its omsId) the customer gets instead of money; the refund is then 0 */
	exchangeOmsId?: string | null;
}

/** A refund's money in integer minor units of its currency (lib/order/money.ts): what a channel's refund call takes, so
 * no client rounds. Lines on the order's lines (the canonical order's lineId, the channel's line id). */
export interface RefundMinor {
	currency: string;
	/** Per order line: units returned, the merchandise, its tax and the restocking fee kept */
	lines: Array<{ lineId: string; quantity: number; amountMinor: number; taxMinor: number; restockingFeeMinor: number }>;
	/** The order's shipping refunded, and the return shipping kept */
	shippingMinor: number;
	returnShippingFeeMinor: number;
	/** What goes back: lines' amount + tax - fee, + shipping - return shipping */
	totalMinor: number;
}

export interface CanonicalReturn {
	/** `${channel}:${channelReturnId}`: the return's idempotency key everywhere */
	returnId: string;
	/** The order it belongs to (the canonical order's omsId) */
	omsId: string;
	channel: string;
	channelReturnId: string;
	/** The channel's own status words, unchanged */
	channelStatus: string;
	/** What the channel says, normalised */
	channelState: ChannelReturnState;
	/** When the customer asked for the return, and when the channel last changed it (ISO 8601 UTC) */
	requestedAt: string;
	updatedAt: string;
	lines: ReturnLine[];
	shipment: ReturnShipment | null;
	refund: ReturnRefund | null;
	/** The channel's payload, unchanged */
	raw?: unknown;
	[extra: string]: unknown;
}

/** A return as the store keeps it: the document, the OMS's own status, and when the OMS recorded and changed it. */
export interface StoredReturn {
	ret: CanonicalReturn;
	status: ReturnStatus;
	recordedAt: string;
	changedAt: string;
	/** Incremented on every change of the stored return or its status */
	version: number;
}

/** One order line's units: ordered, shipped, already returned (returns not declined or cancelled), returnable. */
export interface ReturnableLine {
	lineId: string;
	sku: string;
	ordered: number;
	shipped: number;
	returned: number;
	/** shipped - returned, never below 0 */
	returnable: number;
}

export function returnIdOf(channel: string, channelReturnId: string): string {
	return `${channel}:${channelReturnId}`;
}
