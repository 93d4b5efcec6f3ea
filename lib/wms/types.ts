/**
 * One interface for every WMS provider (ShipBob, ShipHero, Extensiv 3PL Warehouse Manager, Generic REST).
 *
 * A provider is a thin client over one WMS API: it speaks that API's paths, auth and field names and maps them to
 * and from the OMS's words. It holds no OMS state (the outbox's rules live in lib/wms/outbox.ts, its use cases
 * over the Store in lib/flows). Every provider takes the request function (lib/http/types.ts) as an argument, so
 * inside n8n it runs on n8n's helpers and outside on axios.
 */
import type { INodeProperties } from 'n8n-workflow';
import type { CanonicalOrder, OrderLine, WmsShipment } from '../order/types';
import type { HttpRequestFn } from '../http/types';
import type { RetryPolicy } from '../http/retry';
import { redactText, type Secrets } from '../http/errors';
import type { WmsStatus } from './status';

export interface CreateOrderOptions {
	/** The idempotency key sent as the WMS order's external reference (see referenceFor) */
	reference: string;
	/** 1 for the first (or only) shipment of an order, 2.. for later ones of a split order */
	shipmentNo: number;
	/** Only these lines (a split shipment); omitted: all of order.lines */
	lines?: OrderLine[];
}

export interface CreateOrderResult {
	/** 'exists': the WMS already had an order with this reference (a retry after an ambiguous failure): success */
	outcome: 'created' | 'exists';
	wmsOrderId: string;
	raw: unknown;
}

export interface WmsPackage extends WmsShipment {
	/** Unique per package within the provider: its shipment/package id, else carrier + tracking number */
	packageKey: string;
	/** When the carrier delivered it, if the WMS says */
	deliveredAt?: string | null;
}

export interface WmsOrderState {
	reference: string;
	wmsOrderId: string;
	/** The OMS's word for the WMS state */
	status: WmsStatus;
	/** The WMS's own status words, unchanged (for audit and reports) */
	rawStatus: string;
	shipments: WmsPackage[];
	updatedAt: string;
}

export interface WmsOrderUpdate extends WmsOrderState {
	/** The OMS order this reference belongs to (reference without the `#n` shipment suffix) */
	omsId: string;
	shipmentNo: number;
}

export interface ShipmentUpdatesPage {
	updates: WmsOrderUpdate[];
	/** Opaque; pass back on the next call. null only when the provider has nothing to resume from */
	cursor: string | null;
}

export interface InventoryLevel {
	sku: string;
	location: string;
	onHand: number;
	/** What the WMS says can still be promised (its own committed/allocated taken off), when it says */
	available?: number;
}

export interface CancelResult {
	/** false when the WMS order was already past the point of cancelling (shipped) */
	cancelled: boolean;
	rawStatus: string | null;
	raw: unknown;
}

export interface CredentialTestResult {
	ok: boolean;
	/** Never contains a secret */
	message: string;
}

export interface WmsProvider {
	/** The provider's name in the registry (lib/wms/registry.ts) */
	readonly name: string;
	createOrder(order: CanonicalOrder, opts: CreateOrderOptions): Promise<CreateOrderResult>;
	cancelOrder(ref: { reference?: string; wmsOrderId?: string }): Promise<CancelResult>;
	/** null when the WMS has no order with this reference */
	getOrder(reference: string): Promise<WmsOrderState | null>;
	/** Orders changed since the cursor (null: from the provider's default look-back), oldest first */
	getShipmentUpdates(cursor: string | null): Promise<ShipmentUpdatesPage>;
	getInventoryLevels(): Promise<InventoryLevel[]>;
	testCredentials(): Promise<CredentialTestResult>;
}


/**
 * Pacing a provider applies before each attempt: lib/http/limiters TokenBucket and SlidingWindowLimiter fit
 * (take), and are told when the server throttled anyway (drain / fill).
 */
export interface Pacer {
	take(cost?: number): Promise<unknown>;
	drain?(): void;
	fill?(): void;
}

/** What every provider client is built from, besides its own credentials. */
export interface ProviderDeps {
	request: HttpRequestFn;
	/** Per-request timeout (ms); default 30 000 */
	timeoutMs?: number;
	/** Retry policy for lib/http/retry (429/5xx/transport). Omitted: the library default */
	retry?: RetryPolicy;
	/** false: no client-side pacing (benchmarks, and tests that exercise the server's 429s) */
	rateLimit?: boolean;
	/** Clock (ms since epoch) for token expiry, pacing and Retry-After dates; default Date.now */
	now?: () => number;
	/** Pull updates from this long before the cursor too (late-indexed orders are not skipped); default 0 */
	cursorOverlapMs?: number;
	/** Sleep used by pacing, GraphQL throttle waits and retry backoff (unless retry.sleep is given); default setTimeout */
	sleep?: (ms: number) => Promise<void>;
	/**
	 * Values to keep out of every error and test message (lib/http/errors redactText), besides the ones the provider
	 * adds itself: its credentials and the tokens it was given.
	 */
	secrets?: () => Secrets;
}

/**
 * A failure the outbox can classify. `retryable` true: timeout, transport, 5xx, 429, throttling, malformed body
 * (try later: the reference makes a retry a no-op on the WMS side). false: the WMS refused the order (4xx): it
 * will refuse it again, so the delivery fails with this message.
 */
export class WmsError extends Error {
	readonly provider: string;
	readonly retryable: boolean;
	/** The HTTP status the WMS answered (null: no answer, or not an HTTP failure) */
	readonly status: number | null;
	readonly code: string | null;
	/** The WMS's own words (its message, first error), redacted and short; null when it gave none */
	readonly vendorMessage: string | null;
	/** `secrets`: values masked in the message and the vendor message (lib/http/errors redactText) */
	constructor(provider: string, message: string, opts: { retryable: boolean; status?: number | null; code?: string | null; vendorMessage?: string | null; secrets?: Secrets }) {
		const secrets = opts.secrets ?? [];
		super(redactText(`${provider}: ${message}`, secrets));
		this.name = 'WmsError';
		this.provider = provider;
		this.retryable = opts.retryable;
		this.status = opts.status ?? null;
		this.code = opts.code ?? null;
		this.vendorMessage = opts.vendorMessage ? redactText(opts.vendorMessage, secrets, 300) || null : null;
	}
}

/**
 * A WMS provider, as its folder (lib/wms/<provider>/index.ts) declares it and the registry (lib/wms/registry.ts)
 * lists it: its client (client.ts, with its status words), how its n8n credential becomes the client's config,
 * its names, and any node fields of its own. The Wms node, its credential tests and lib/wms's factory build from
 * these.
 */
export interface WmsProviderDefinition<N extends string = string, C = unknown> {
	/** The provider id: the Wms node's Provider value, outbox deliveries' provider, store cursor names */
	readonly name: N;
	/** How people write it in messages (ShipBob, Generic REST WMS) */
	readonly label: string;
	/** Its name in the Wms node's Provider options and subtitle (Generic REST) */
	readonly optionName: string;
	/** The n8n credential type holding its secrets (credentials/Oms*.credentials.ts) */
	readonly credentialType: string;
	/** The name of its node-side credential test (the node's methods.credentialTest, the credential's testedBy) */
	readonly credentialTest: string;
	/**
	 * The credential's data (field names as in its credential file) and the node's own settings for it (`node`
	 * below) -> the client's config; throws naming what is missing, never a value.
	 */
	configFrom(data: Record<string, unknown>, settings?: Partial<C>): C;
	/** Its client */
	create(config: C, deps: ProviderDeps): WmsProvider;
	/**
	 * Node fields of its own, shown only when it is the provider (the Wms node adds that condition), and how their
	 * values become settings for configFrom. `get(name, fallback)` reads one parameter of the node; a wrong value
	 * throws an Error naming the field.
	 */
	readonly node?: {
		readonly properties: INodeProperties[];
		settingsFrom(get: (name: string, fallback: unknown) => unknown, resource: string, operation: string): Partial<C>;
	};
}

/** A provider definition, typed: its name as a literal, its config as declared */
export function defineWmsProvider<N extends string, C>(def: WmsProviderDefinition<N, C>): WmsProviderDefinition<N, C> {
	return def;
}
