/**
 * The canonical order: what every trigger emits and every downstream node accepts (one order per n8n item).
 * See docs/concepts.md#the-canonical-order. Amounts are JSON numbers in major units rounded to the currency's minor
 * unit; sums are done in integer minor units (lib/order/money.ts). Timestamps are ISO 8601 UTC.
 */

/**
 * The channel an order came from: a lower-case id (validate.ts and the schema check its form). lib/order keeps no
 * list of channels: the ones this package speaks to are the registry in lib/channels/registry.ts, and an order may
 * come from another (an EDI retailer's `edi-<partner>`, say).
 */
export type Channel = string;

export const READINESS = ['ready', 'pending', 'cancelled', 'shipped'] as const;
export type Readiness = (typeof READINESS)[number];

export const SHIPPING_LEVELS = [
	'standard',
	'expedited',
	'priority',
	'next_day',
	'same_day',
	'economy',
	'freight',
	'other',
] as const;
export type ShippingLevel = (typeof SHIPPING_LEVELS)[number];

export interface Totals {
	subtotal: number;
	shipping: number;
	tax: number;
	discount: number;
	total: number;
}

export interface Customer {
	email: string | null;
	name: string | null;
	phone: string | null;
	channelCustomerId: string | null;
}

export interface Address {
	name: string | null;
	company: string | null;
	line1: string | null;
	line2: string | null;
	city: string | null;
	region: string | null;
	postalCode: string | null;
	/** ISO 3166-1 alpha-2, upper case */
	country: string;
	phone: string | null;
}

export interface Shipping {
	level: ShippingLevel;
	label: string | null;
}

export interface OrderLine {
	lineId: string;
	sku: string;
	title: string | null;
	quantity: number;
	unitPrice: number;
	lineTotal: number;
}

export interface Risk {
	/** Channel's own recommendation, e.g. Shopify ACCEPT | INVESTIGATE | CANCEL | NONE */
	channelRecommendation: string | null;
	/** Channel's risk level, e.g. Shopify HIGH | MEDIUM | LOW | NONE | PENDING */
	channelRiskLevel: string | null;
	clientIp: string | null;
	/** Optional extras: risk facts from the channel, external screener verdicts (Stripe Radar, Signifyd, NoFraud). */
	facts?: Array<{ description: string; sentiment?: string | null }>;
	external?: Array<{ provider: string; decision?: string | null; level?: string | null; score?: number | null }>;
}

export type FraudDecision = 'pass' | 'review' | 'reject';
export interface FraudReason {
	rule: string;
	points: number;
	detail: string;
}
export interface FraudAnnotation {
	decision: FraudDecision;
	score: number;
	reasons: FraudReason[];
	[extra: string]: unknown;
}

export type AllocationStatus = 'allocated' | 'partial' | 'backordered';
export interface AllocationLine {
	sku: string;
	requested: number;
	allocated: number;
	backordered: number;
	[extra: string]: unknown;
}
export interface AllocationAnnotation {
	status: AllocationStatus;
	lines: AllocationLine[];
	[extra: string]: unknown;
}

export interface WmsShipment {
	carrier: string | null;
	trackingNumber: string | null;
	trackingUrl: string | null;
	shippedAt: string | null;
	lines: Array<{ sku: string; quantity: number; lineId?: string }>;
	/** The WMS's own id of the package/shipment, when it has one */
	packageKey?: string;
}
export interface WmsAnnotation {
	provider: string;
	reference: string | null;
	status: string;
	shipments: WmsShipment[];
	[extra: string]: unknown;
}

export interface CanonicalOrder {
	/** `${channel}:${channelOrderId}`: the idempotency key everywhere */
	omsId: string;
	channel: Channel;
	channelOrderId: string;
	orderNumber: string | null;
	placedAt: string;
	updatedAt: string;
	/** The channel's own status words, unchanged */
	channelStatus: string;
	readiness: Readiness;
	currency: string;
	totals: Totals;
	customer: Customer;
	shipTo: Address | null;
	billTo: Address | null;
	shipping: Shipping;
	lines: OrderLine[];
	risk: Risk;
	/** The channel's payload, untouched, for audit (may be omitted on output) */
	raw?: unknown;
	/** Added downstream, never rewritten */
	fraud?: FraudAnnotation;
	allocation?: AllocationAnnotation;
	wms?: WmsAnnotation;
	/** Only when a channel gives one: latest time the order must ship (ISO UTC), for SLA reports */
	shipBy?: string | null;
	/** The buyer asked to cancel and the channel waits for the seller's answer (eBay's cancel request, Amazon's
	 * IsBuyerRequestedCancel, Walmart's intentToCancel: the whole order, whichever lines asked): absent or null when not */
	cancelRequest?: CancelRequest | null;
}

/** A buyer's cancel request waiting for the seller's answer (approve: cancelled and refunded; reject: it goes on) */
export interface CancelRequest {
	/** The channel's id of the request (eBay cancelId); null when the payload does not carry it (eBay's order list):
	 * whoever answers reads it from the channel first */
	id: string | null;
	/** ISO 8601 UTC */
	requestedAt: string | null;
	/** The channel's reason words (eBay cancelReason) */
	reason: string | null;
}

/** One problem found by validateOrder: a JSON path (e.g. `$.lines[0].quantity`) and what is wrong. */
export interface ValidationProblem {
	path: string;
	message: string;
}

export function omsIdOf(channel: string, channelOrderId: string): string {
	return `${channel}:${channelOrderId}`;
}
