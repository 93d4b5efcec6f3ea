/**
 * lib/channels/types.ts: the one interface every marketplace client implements, and what a channel declares
 * (ChannelDefinition). Each channel's credential shape lives in its folder (<channel>/credentials.ts).
 *
 * A client returns RAW channel orders (exactly the API's JSON); normalising is lib/channels/normalize.ts's job.
 * Every client takes an HttpRequestFn (lib/http/types.ts) and a credential whose `baseUrl` (the credential's
 * advanced base-URL field) points it at a sandbox instead of the real host.
 */
import type { RetryPolicy } from '../http/retry';
import type { Clock, LimiterRegistry } from '../http/limiters';
import type { TokenCache } from '../http/token-cache';
import type { ClientStats } from '../http/caller';
import type { HttpRequestFn } from '../http/types';
import type { CanonicalOrder } from '../order/types';
import type { CanonicalReturn, RefundMinor } from '../returns/types';
import type { NormalizeOptions } from './normalize-common';
import type { LedgerEntryInput, PayoutInput } from '../billing/types';


export interface ListOrdersOptions {
	/** ISO time to start from when cursor is null (first activation). Default: 24 h ago. */
	lookbackFrom?: string;
	/** Page size (clamped to the API's maximum) */
	pageSize?: number;
	/**
	 * Stop after the page that reaches this many orders (a manual run's small sample). On channels whose pages are
	 * sorted by update time (Shopify, WooCommerce) the cursor then covers what was returned; on the others (Amazon,
	 * eBay, Walmart) it stays at the start, so nothing is skipped if it is stored.
	 */
	maxOrders?: number;
	/**
	 * Called after each page with its orders and the cursor that is safe to store once these orders are handled.
	 * A trigger advances its stored cursor only after this resolves.
	 */
	onPage?: (orders: unknown[], nextCursor: string) => Promise<void>;
}

export interface ListOrdersResult {
	orders: unknown[];
	/** Store this and pass it to the next listOrdersSince */
	cursor: string;
	pages: number;
}

export interface ShipmentLine {
	/** The channel's line id (Shopify LineItem id or FulfillmentOrderLineItem id, Amazon orderItemId, eBay lineItemId, Woo line item id, Walmart lineNumber) */
	lineId: string;
	sku?: string;
	quantity: number;
}

export interface ConfirmShipmentInput {
	channelOrderId: string;
	carrier: string;
	trackingNumber: string;
	trackingUrl?: string;
	/** ISO 8601 */
	shippedAt: string;
	lines: ShipmentLine[];
	/** Carrier service name (Amazon shippingMethod, Walmart methodCode) */
	shippingMethod?: string;
	notifyCustomer?: boolean;
	/** The buyer asked to cancel and the seller ships anyway (the OMS could not stop it): the shipment is the answer.
	 * Walmart needs it said on the shipping call (intentToCancelOverride true on each line ✔ ShippingLineType); the
	 * other channels ignore it. Set by the outbox from the order the OMS recorded (lib/flows/channel-calls.ts). */
	overrideCancelRequest?: boolean;
}

export interface ConfirmShipmentResult {
	channelOrderId: string;
	status: number;
	/** Channel reference of the created fulfilment, when it gives one (Shopify fulfillment id, eBay fulfillmentId, Woo tracking_id) */
	reference?: string;
}

export interface QuantityUpdate {
	sku: string;
	quantity: number;
}

export interface QuantityResult {
	sku: string;
	ok: boolean;
	quantity: number;
	status?: number;
	/** Channel reference: Amazon submissionId, Shopify adjustment group, Woo product id, eBay offerId */
	reference?: string;
	error?: string;
}

export interface CancelLineInput {
	lineId: string;
	sku?: string;
	quantity: number;
}

export interface CancelResult {
	channelOrderId: string;
	status: number;
	reference?: string;
}

/** A buyer's request to cancel, as the channel holds it */
export interface CancelRequestInfo {
	/** The channel's id of the request (eBay cancelId) */
	id: string;
	/** requested: waiting for the seller's answer; approved: the order was cancelled (and refunded); rejected: it goes on;
	 * closed: ended otherwise (the buyer withdrew it, the channel closed it) */
	state: 'requested' | 'approved' | 'rejected' | 'closed';
	/** ISO 8601 */
	requestedAt: string | null;
	reason: string | null;
}

export interface CancelAnswerInput {
	channelOrderId: string;
	/** The request's id (CancelRequestInfo.id, the canonical order's cancelRequest.id) */
	requestId: string;
	/** approve: the order is cancelled and the buyer refunded; reject: the order goes on (it shipped, or ships) */
	decision: 'approve' | 'reject';
	/** reject of a shipped order: its tracking number and when it shipped (ISO 8601) */
	trackingNumber?: string;
	shippedAt?: string;
}

/**
 * A return's refund to make on the channel (the channel outbox's refund call, lib/flows/channel-calls.ts). Amounts in
 * integer minor units of `currency`. `idempotencyKey` is the OMS return id: the key the channel is given where it
 * takes one (Shopify's @idempotent), and what findRefund looks the refund up by where it does not.
 */
export interface RefundInput extends RefundMinor {
	channelOrderId: string;
	/** The channel's own return (null: a return made in the OMS, which the channel does not have) */
	channelReturnId: string | null;
	idempotencyKey: string;
	/** Words the channel keeps with the refund */
	reason: string;
}

export interface RefundResult {
	/** The channel's id of the refund it made */
	refundId: string | null;
	status?: number;
}

export interface TestCredentialsResult {
	ok: boolean;
	message: string;
}

export interface ChannelClient {
	/** The channel's name in the registry (lib/channels/registry.ts) */
	readonly channel: string;
	/** The seller account this client speaks for (`channel:credential`): the key of its rate limits and of anything shared per account */
	readonly account: string;
	readonly stats: ClientStats;
	listOrdersSince(cursor: string | null, opts?: ListOrdersOptions): Promise<ListOrdersResult>;
	getOrder(channelOrderId: string): Promise<unknown>;
	confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult>;
	/**
	 * Whether the channel already shows a confirmation with this tracking number on the order (asked before confirming
	 * again after a lost answer). The confirmation write itself is sent once per call: a transport failure after the
	 * request went out is not retried blindly, it is the outbox's to resolve (lib/flows/channel-calls.ts).
	 */
	findShipmentConfirmation(input: { channelOrderId: string; trackingNumber: string }): Promise<{ found: boolean }>;
	setAvailableQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]>;
	cancelOrder(channelOrderId: string, reason?: string): Promise<CancelResult>;
	cancelLines(channelOrderId: string, lines: CancelLineInput[], reason?: string): Promise<CancelResult>;
	/**
	 * Answer a buyer's cancel request, each channel its own way: eBay approves or rejects it (Post-Order); Amazon
	 * (IsBuyerRequestedCancel) and Walmart (intentToCancel) approve by cancelling the order as the seller would, and have
	 * no reject call: shipping is the answer (capabilities.rejectCancelRequest false, so none is queued). Shopify and
	 * WooCommerce have no buyer cancel request and do not implement it. The write is sent once per call: after a lost
	 * answer the outbox reads the request's state (findCancelRequest) before answering again.
	 */
	answerCancelRequest?(input: CancelAnswerInput): Promise<CancelResult>;
	/** The order's latest buyer cancel request (null when none): where the order list lacks its id, and after a lost answer */
	findCancelRequest?(channelOrderId: string): Promise<CancelRequestInfo | null>;
	/**
	 * Refund a return on the channel, once: the write is sent once per call (a transport failure after the request went
	 * out is the outbox's to resolve: it asks findRefund before refunding again). A refusal (4xx) is an error with the
	 * channel's words. Optional: a channel without it has its refund calls failed for a person.
	 */
	refundReturn?(input: RefundInput): Promise<RefundResult>;
	/** The refund the channel shows for this return (by its idempotency key or the return), null when none: asked after
	 * a lost answer, before refunding again */
	findRefund?(input: RefundInput): Promise<{ refundId: string | null } | null>;
	/** Walmart only; other channels resolve without a call */
	acknowledge(channelOrderId: string): Promise<CancelResult>;
	testCredentials(): Promise<TestCredentialsResult>;
}

export interface RateSpec {
	ratePerSec: number;
	burst: number;
}

export interface ClientOptions {
	/** Multiplies every documented duration (rate-limit refill, backoff): 0.01 runs 100x faster against a sandbox with the same scale */
	timeScale?: number;
	retry?: RetryPolicy;
	/** Default: the process-wide sharedLimiters / sharedTokens */
	limiters?: LimiterRegistry;
	tokens?: TokenCache;
	/** Override the documented (or assumed) limits per operation name, in unscaled units */
	limits?: Record<string, RateSpec>;
	/** A label for the credential in limiter keys (default: a hash of its identity) */
	credentialId?: string;
	/** Overlap subtracted from the newest updated time when building a cursor (ms, default 60 s; Amazon 2 min) */
	cursorOverlapMs?: number;
	now?: () => number;
	/**
	 * The clock of pacing and retry waits: rate-limit refill, backoff sleeps, Retry-After times (default: real time).
	 * Tests give one virtual clock to a client and its sandbox, so pacing does not depend on the machine's speed.
	 */
	clock?: Clock;
}

export type { ShopifyCredentials } from './shopify/credentials';
export type { AmazonCredentials } from './amazon/credentials';
export type { EbayCredentials } from './ebay/credentials';
export type { WooCommerceCredentials } from './woocommerce/credentials';
export type { WalmartCredentials } from './walmart/credentials';

/**
 * A sales channel, as its folder (lib/channels/<name>/index.ts) declares it and the registry
 * (lib/channels/registry.ts) lists it. Everything that differs per channel is here or in its folder; the nodes,
 * the normaliser dispatch, the client factory, the reports and the fraud reasons build from these.
 */
export interface ChannelDefinition<N extends string = string, C = unknown, K extends ChannelClient = ChannelClient> {
	/** The channel id: CanonicalOrder.channel, the omsId prefix, the value of the nodes' channel options */
	readonly name: N;
	/** How people write it (Shopify, eBay): options, messages, reports, fraud reasons */
	readonly label: string;
	/** Its colour in report charts */
	readonly color: string;
	/** The n8n credential type holding its secrets (credentials/Oms*.credentials.ts) */
	readonly credentialType: string;
	/** The name of its node-side credential test (nodes' methods.credentialTest, the credential's testedBy) */
	readonly credentialTest: string;
	/** The credential's data (field names as in its credential file) -> the client's credentials; throws naming what is missing */
	credentialsFrom(data: Record<string, unknown>): C;
	/** Its client (client.ts) on a request function (n8n's helpers in nodes, axios outside) */
	createClient(credentials: C, request: HttpRequestFn, opts?: ClientOptions): K;
	/** One raw order (the API's JSON) -> the canonical order; throws NormalizeError (normalize.ts) */
	normalize(raw: unknown, opts?: NormalizeOptions): CanonicalOrder;
	/** The raw orders of one list or page response (undefined when it has none of the channel's shapes), and where they were expected */
	readonly orders: { readonly field: string; extract(response: unknown): unknown[] | undefined };
	/** Its status words offered by its polling trigger's Statuses filter (empty for a webhook-only channel) */
	readonly statusOptions: ReadonlyArray<{ readonly name: string; readonly value: string }>;
	/** Words for the Marketplace node's field descriptions: what its order id and line id are called */
	readonly words: { readonly orderId: string; readonly lineId: string };
	/** What the channel's API does that others' do not */
	readonly capabilities: {
		/** Orders must be acknowledged (Walmart); elsewhere acknowledge() resolves without a call */
		readonly acknowledge: boolean;
		/** Refusing a buyer's cancel request is a call of its own (eBay's reject). False: the channel has none, shipping
		 * the order is the answer (Amazon, Walmart), so Apply Channel Change queues nothing when the order cannot be
		 * stopped; or the channel has no buyer cancel request at all (Shopify, WooCommerce) */
		readonly rejectCancelRequest: boolean;
	};
}

/** A channel definition, typed: its name as a literal, its credentials and client as declared */
export function defineChannel<N extends string, C, K extends ChannelClient>(def: ChannelDefinition<N, C, K>): ChannelDefinition<N, C, K> {
	return def;
}

// ---------------------------------------------------------------- returns (lib/channels/<name>/returns.ts)

export interface ListReturnsOptions {
	/** ISO time to start from when cursor is null (first run). Default: 24 h ago. */
	lookbackFrom?: string;
	/** Page size (clamped to the API's maximum) */
	pageSize?: number;
}

export interface ListReturnsResult {
	/** The channel's returns, raw: each what the channel's return normaliser takes (the API's JSON, with the order it needs) */
	returns: unknown[];
	/** Store this and pass it to the next listReturnsSince */
	cursor: string;
	/** API list calls made (report and order look-ups not counted) */
	pages: number;
}

/**
 * A channel's return intake: list the returns changed since a cursor, and turn one raw return into canonical
 * returns (lib/returns/types.ts). Registered per channel in lib/channels/registry.ts (CHANNEL_RETURNS).
 */
export interface ChannelReturns<K extends ChannelClient = ChannelClient> {
	/** Every return created or changed since the cursor, paged to the end (re-reading an overlap: recording is idempotent) */
	listReturnsSince(client: K, cursor: string | null, opts?: ListReturnsOptions): Promise<ListReturnsResult>;
	/**
	 * One raw return -> its canonical returns (usually one; a Walmart return of several purchase orders gives one per
	 * order, the OMS's orders being per purchase order). Throws ReturnNormalizeError (lib/channels/returns.ts) naming
	 * the return and the field.
	 */
	normalize(raw: unknown): CanonicalReturn[];
	/**
	 * The raw return a return webhook's body names, read from the channel (as normalize takes it), where the channel
	 * sends return webhooks whose body is not the whole return (Shopify's `returns/*` carry no SKU and no dates).
	 */
	fromWebhook?(client: K, body: unknown): Promise<unknown>;
}

// ---------------------------------------------------------------- payouts (issue 22: billing)

export interface ListPayoutsOptions {
	/** ISO time to start from when cursor is null (first run). Default: 24 h ago. */
	lookbackFrom?: string;
	/** Page size (clamped to the API's maximum) */
	pageSize?: number;
}

/** One source row (a balance transaction, a report line) that could not be read: named, the rest kept */
export interface PayoutProblem {
	/** The row's id, or `line <n>` of a file */
	ref: string;
	message: string;
}

export interface ListPayoutsResult {
	/** The ledger entries the channel's money events make (fees by type, refunds, payments), each with its payout */
	entries: LedgerEntryInput[];
	/** The payouts (deposits) seen, with amount, status and date */
	payouts: PayoutInput[];
	problems: PayoutProblem[];
	/** Store this and pass it to the next listPayoutsSince */
	cursor: string;
	/** API list calls made */
	pages: number;
}

/**
 * A channel's payout intake: the money events and payouts since a cursor, as ledger entries keyed by the channel's
 * own ids (so reading an overlap again records nothing twice).
 */
export interface ChannelPayouts<K extends ChannelClient = ChannelClient> {
	listPayoutsSince(client: K, cursor: string | null, opts?: ListPayoutsOptions): Promise<ListPayoutsResult>;
}
