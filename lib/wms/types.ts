/**
 * One interface for every WMS provider (ShipBob, ShipHero, Extensiv 3PL Warehouse Manager, Generic REST).
 *
 * A provider is a thin client over one WMS API: it speaks that API's paths, auth and field names and maps them to
 * and from the OMS's words. It holds no OMS state (the outbox's rules live in lib/wms/outbox.ts, its use cases
 * over the Store in lib/flows). Every provider takes the request function (lib/http/types.ts) as an argument, so
 * inside n8n it runs on n8n's helpers and outside on axios.
 */
import type { INodeProperties } from 'n8n-workflow';
import type { Address, CanonicalOrder, OrderLine, WmsShipment } from '../order/types';
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
	/**
	 * Replace the shipping address of an order the WMS has not picked yet, where the provider documents such a call
	 * (absent: the OMS holds the order for a person, hold reason address). updated=false: the WMS refused (e.g.
	 * already picked), `message` its words.
	 */
	updateAddress?(ref: { reference: string; wmsOrderId?: string }, address: Address): Promise<AddressUpdateResult>;
	/**
	 * Tell the WMS a customer return is coming (ShipBob return order, ShipHero RMA), where the provider documents such
	 * a call (absent: nothing is owed; the warehouse learns of the return otherwise). Idempotent by `reference` (the OMS
	 * return id): a return the WMS has already (a lost answer) is found and answered 'exists'.
	 */
	createReturn?(ret: ExpectedReturn): Promise<ReturnCreateResult>;
	/**
	 * The warehouse's state of returns told to it before (by their WMS ids, as createReturn answered): status, units
	 * received and what became of them. A return the WMS no longer has is left out. Present with createReturn.
	 */
	getReturns?(refs: ReturnRef[]): Promise<WmsReturnState[]>;
}

/** A return the OMS tells a WMS to expect (the wms_calls return_create's payload). */
export interface ExpectedReturn {
	/** The OMS return id (`channel:channelReturnId`): the WMS return's external reference (ShipBob reference_id) */
	reference: string;
	/** The order it returns units of, and that order's reference and id at this WMS (its delivery) */
	omsId: string;
	orderReference: string;
	wmsOrderId: string | null;
	lines: Array<{ lineId: string; sku: string; quantity: number }>;
	/** The return shipment, when the channel gave one */
	carrier: string | null;
	trackingNumber: string | null;
	/** The customer's reason (normalised), for WMSs that require one */
	reason: string;
	/** Where the units come from (the order's ship-to), for WMSs that require it (ShipHero) */
	from: Address | null;
}

export interface ReturnCreateResult {
	/** 'exists': the WMS already had a return with this reference (a retry after a lost answer): success */
	outcome: 'created' | 'exists';
	wmsReturnId: string;
	raw: unknown;
	/** The WMS's own key of each return line -> its SKU, when its returns name lines otherwise (ShipBob: inventory ids) */
	lineKeys?: Record<string, string>;
}

/** A return told to a WMS, as the OMS asks for it again: createReturn's answer kept with the call */
export interface ReturnRef {
	reference: string;
	wmsReturnId: string;
	lineKeys?: Record<string, string>;
}

/**
 * A return at the warehouse, in the OMS's words: expected (not arrived), arrived (at the dock, being processed: units
 * may be counted, not yet disposed), completed (processed: every received unit has its disposition), cancelled.
 */
export type WmsReturnStatus = 'expected' | 'arrived' | 'completed' | 'cancelled';

export interface WmsReturnState {
	reference: string;
	wmsReturnId: string;
	status: WmsReturnStatus;
	/** The WMS's own status words, unchanged */
	rawStatus: string;
	/** Per SKU: units expected, received, and how many of the received went to each disposition (once completed) */
	lines: Array<{ sku: string; expected: number; received: number; restock: number; quarantine: number; dispose: number }>;
	/** When the units arrived (null: unknown or not yet) */
	arrivedAt: string | null;
	updatedAt: string;
}

export interface AddressUpdateResult {
	updated: boolean;
	message: string | null;
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
