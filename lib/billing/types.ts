/**
 * The order's money (issue 22): append-only ledger entries per order in integer minor units of their currency, and
 * the payouts the channels deposit. n8n-free and store-free (the store imports these types, never the reverse).
 *
 * Signs: an entry's amount is its effect on what the channel owes the seller for the order.
 * - The order's charges (no payout): item_charge, shipping and tax positive, discount negative. A tax the marketplace
 *   collects and remits (subtype `marketplace`) is recorded but never owed to the seller.
 * - What the channel reported: payment (the gross it settled for the order, positive), fee (negative; positive when a
 *   fee is credited back), refund (negative), adjustment (either sign). A payout id says which deposit settled it.
 */
export const ENTRY_TYPES = ['item_charge', 'discount', 'shipping', 'tax', 'payment', 'refund', 'fee', 'adjustment'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** The order's own charges (from the order, never from a payout) */
export const CHARGE_TYPES: readonly EntryType[] = ['item_charge', 'discount', 'shipping', 'tax'];

/** Who remits a tax: the marketplace as facilitator (the seller never receives it) or the seller */
export type TaxRemitter = 'marketplace' | 'seller';

export interface LedgerEntryInput {
	/** The source event's id: unique across the ledger, so recording the same channel event twice changes nothing */
	key: string;
	/** The order (`channel:channelOrderId`); null for a payout line that belongs to no order (a subscription fee) */
	omsId: string | null;
	channel: string;
	/** ISO 4217 */
	currency: string;
	type: EntryType;
	/** The fee's type (Commission, FINAL_VALUE_FEE), the tax's remitter (marketplace | seller), the payment's part… */
	subtype: string | null;
	/** The order line it belongs to, when it belongs to one */
	lineId: string | null;
	/** Signed integer minor units (see the signs above) */
	amountMinor: number;
	/** The channel's payout (deposit) that settled it; null while not settled */
	payoutId: string | null;
	/** When the channel says it happened (ISO 8601 UTC) */
	occurredAt: string;
	/** Where it came from: `order`, `shopify_payments`, `amazon_settlement`, … */
	source: string;
	detail?: Record<string, unknown> | null;
}

export interface LedgerEntry extends LedgerEntryInput {
	id: number;
	recordedAt: string;
}

/** A deposit (or withdrawal) a channel made: its id, amount and date */
export interface PayoutInput {
	channel: string;
	/** The channel account it belongs to (the credential's shop or seller id) */
	account: string;
	payoutId: string;
	currency: string;
	/** Signed minor units deposited (negative: a withdrawal) */
	amountMinor: number;
	/** The channel's words (PAID, SCHEDULED, SUCCEEDED, …) */
	status: string;
	/** When it was paid (or is scheduled), ISO 8601 UTC */
	paidAt: string | null;
	detail?: Record<string, unknown> | null;
}

export interface StoredPayout extends PayoutInput {
	recordedAt: string;
	updatedAt: string;
}

/** What an order's ledger adds up to, per currency */
export interface OrderBalance {
	omsId: string;
	currency: string;
	/** The order's charges the seller is owed (taxes the marketplace remits left out) */
	chargedMinor: number;
	/** Charged, less fees and refunds, plus adjustments: what the channel should pay in all */
	expectedMinor: number;
	/** Payments, fees, refunds and adjustments inside a payout */
	settledMinor: number;
	/** expected - settled: positive, the channel still owes it; negative, it paid more */
	balanceMinor: number;
	/** Sums by type, for a person reading it */
	feesMinor: number;
	refundsMinor: number;
	entries: number;
}

/** A payout against the entries it settled */
export interface PayoutTotal {
	channel: string;
	payoutId: string;
	currency: string;
	/** What was deposited (null: the payout's own record is not imported, only entries naming it) */
	amountMinor: number | null;
	entriesMinor: number;
	entries: number;
	status: string | null;
	paidAt: string | null;
}

/** What recording entries did */
export interface LedgerRecordResult {
	/** keys of the entries recorded now */
	recorded: string[];
	/** keys recorded before (nothing changed) */
	already: string[];
}
