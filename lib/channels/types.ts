/**
 * lib/channels/types.ts: the one interface every marketplace client implements, and the credential shapes.
 *
 * A client returns RAW channel orders (exactly the API's JSON); normalising is lib/channels/normalize.ts's job.
 * Every client takes an HttpRequestFn (lib/http/types.ts) and a credential whose `baseUrl` (the credential's
 * advanced base-URL field) points it at a sandbox instead of the real host.
 */
import type { RetryPolicy } from '../http/retry';
import type { Clock, LimiterRegistry } from '../http/limiters';
import type { TokenCache } from '../http/token-cache';
import type { ClientStats } from '../http/caller';

export type ChannelName = 'shopify' | 'amazon' | 'ebay' | 'woocommerce' | 'walmart';
export const CHANNELS: ChannelName[] = ['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart'];

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

export interface TestCredentialsResult {
	ok: boolean;
	message: string;
}

export interface ChannelClient {
	readonly channel: ChannelName;
	/** The seller account this client speaks for (`channel:credential`): the key of its rate limits and of anything shared per account */
	readonly account: string;
	readonly stats: ClientStats;
	listOrdersSince(cursor: string | null, opts?: ListOrdersOptions): Promise<ListOrdersResult>;
	getOrder(channelOrderId: string): Promise<unknown>;
	confirmShipment(input: ConfirmShipmentInput): Promise<ConfirmShipmentResult>;
	setAvailableQuantities(items: QuantityUpdate[]): Promise<QuantityResult[]>;
	cancelOrder(channelOrderId: string, reason?: string): Promise<CancelResult>;
	cancelLines(channelOrderId: string, lines: CancelLineInput[], reason?: string): Promise<CancelResult>;
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

export interface ShopifyCredentials {
	/** e.g. my-store.myshopify.com */
	shopDomain: string;
	/** Static offline token (shpat_...) — or leave empty and give clientId/clientSecret for the client-credentials grant */
	accessToken?: string;
	clientId?: string;
	clientSecret?: string;
	/** Webhook signing secret (the app's client secret) */
	appSecret?: string;
	/** Admin API version, e.g. 2026-01 */
	apiVersion?: string;
	/** Location whose available quantity Set Available Quantity writes (gid or numeric id); default: first location */
	locationId?: string;
	baseUrl?: string;
}

export interface AmazonCredentials {
	lwaClientId: string;
	lwaClientSecret: string;
	refreshToken: string;
	region?: 'na' | 'eu' | 'fe';
	marketplaceIds: string[];
	sellerId: string;
	/** Product type for listings patches (default PRODUCT) */
	productType?: string;
	/** SP-API base URL override (sandbox); the LWA token URL defaults to `${baseUrl}/auth/o2/token` when set */
	baseUrl?: string;
	lwaUrl?: string;
}

export interface EbayCredentials {
	appId: string;
	certId: string;
	refreshToken: string;
	/** Space-separated or array of OAuth scopes */
	scopes?: string | string[];
	environment?: 'production' | 'sandbox';
	/** Marketplace for inventory calls, e.g. EBAY_US */
	marketplaceId?: string;
	baseUrl?: string;
	/** OAuth token endpoint override (default `${baseUrl or the environment's API host}/identity/v1/oauth2/token`) */
	tokenUrl?: string;
}

export interface WooCommerceCredentials {
	/** https://store.example.com */
	storeUrl: string;
	consumerKey: string;
	consumerSecret: string;
	/** Send keys as query parameters when the host strips Authorization */
	queryStringAuth?: boolean;
	/** Use the Shipment Tracking extension endpoint when confirming shipments (default true) */
	shipmentTracking?: boolean;
	/** Secret WooCommerce signs webhook deliveries with (X-WC-Webhook-Signature); set on the webhooks the trigger registers */
	webhookSecret?: string;
	baseUrl?: string;
}

export interface WalmartCredentials {
	clientId: string;
	clientSecret: string;
	/** WM_SVC.NAME (default "Walmart Marketplace") */
	serviceName?: string;
	environment?: 'production' | 'sandbox';
	baseUrl?: string;
}

export type ChannelCredentials =
	| ShopifyCredentials
	| AmazonCredentials
	| EbayCredentials
	| WooCommerceCredentials
	| WalmartCredentials;
