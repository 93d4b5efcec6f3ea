/**
 * eBay sandbox: OAuth token endpoint (refresh_token grant, Basic appId:certId, 7200 s), Sell Fulfillment getOrders
 * / getOrder / createShippingFulfillment (201 + Location) / issueRefund, Sell Inventory bulk_update_price_quantity
 * (≤25) and createOrReplaceInventoryItem, Sell Finances getTransactions / getPayouts / getPayout, Post-Order
 * cancellation (create, search, get, approve, reject) and return (search, get, decide, mark_as_received,
 * issue_refund). Facts: docs/architecture.md#vendor-api-facts (eBay): limit max 200 (400 above), offset paging with
 * href/next/prev/total, the filter's [ ] { } | percent-encoded (a raw bracket is refused ⚠ as a strict reading).
 * eBay documents daily quotas, not rates ⚠: per-operation buckets (default 5 rps burst 10) answer 429.
 *
 * After intake (issues 20-22), from hendt/ebay-api specs (sell_fulfillment_v1_oas3.json 1.20.7,
 * sell_inventory_v1_oas3.json, sell_finances_v1_oas3.json 1.9.0, return_oas3.json, cancellation_oas3.json) ✔:
 *  - issueRefund: reasonForRefund required (ReasonForRefundEnum BUYER_CANCEL, SELLER_CANCEL, ITEM_NOT_RECEIVED,
 *    BUYER_RETURN, ITEM_NOT_AS_DESCRIBED, OTHER_ADJUSTMENT, SHIPPING_DISCOUNT), orderLevelRefundAmount or
 *    refundItems[{refundAmount, lineItemId | legacyReference}], comment ≤100; answer {refundId, refundStatus
 *    PENDING}; processed asynchronously, shown in getOrder paymentSummary.refunds[] / lineItems[].refunds[]; the
 *    documented errors 34903, 34905-34909, 34914, 34915, 34917 (already refunded), 34922 (a previous refund is
 *    processing), 34924 (409, above the item's remaining amount), 34929 (409, buyer payment not processed).
 *    Amounts are the seller's net: eBay-collected tax is not in them ✔. How long PENDING lasts is ⚠ (60 s scaled,
 *    `refundProcessingMs`; completeRefunds()).
 *  - bulkUpdatePriceQuantity: up to 25 requests, one result per request, 207 Multi-Status when some failed ✔; a
 *    listing revised more than 250 times in a calendar day is refused ✔ (the error id is ⚠).
 *    createOrReplaceInventoryItem: PUT /sell/inventory/v1/inventory_item/{sku} with Content-Language, 204 ✔.
 *  - getTransactions: filter transactionDate:[a..b], transactionType:{SALE|REFUND|CREDIT|…},
 *    transactionStatus:{…}, payoutId:{…}, orderId:{…}, transactionId:{…} (needs transactionType, error 135009);
 *    limit ≤1000 (default 20), offset zero-based, newest first, 204 when nothing matches; errors 135003, 135006-
 *    135008. getPayouts: filter payoutDate:[a..b], payoutStatus:{INITIATED|SUCCEEDED|RETRYABLE_FAILED|
 *    TERMINAL_FAILED|REVERSED}; limit ≤200 (default 20), oldest first; errors 135002-135004. Fields as the spec.
 *    Assumed ⚠: a SALE's `amount` is what the payout gets (total less eBay-collected tax less fees); the fee table
 *    (13.25% final value fee on the total including tax, plus 0.30, or 0.40 above 10.00, a order); fees are not
 *    credited back on refunds except on a cancellation (a CREDIT); Finances filters accept raw or encoded
 *    brackets; the EU/UK digital-signature headers are not checked.
 *  - Post-Order: paths ✔; the Authorization scheme IAF ⚠ (hendt/ebay-api useIaf); search's paginationOutput
 *    {limit, offset, totalEntries, totalPages}, members, countSummary, return_state ReturnCountFilterEnum (ALL_OPEN_
 *    REPLACEMENT unsupported) ✔ (developer.ebay.com/devzone/post-order); issue_refund's refundDetail
 *    {itemizedRefundDetail[{refundAmount, refundFeeType}], totalAmount} whose items sum to the total, answer
 *    refundStatus SUCCESS ✔; the return lifecycle here (INITIAL/RETURN_REQUESTED → ITEM_READY_TO_SHIP/
 *    READY_FOR_SHIPPING → ITEM_SHIPPED → ITEM_DELIVERED → CLOSED) uses documented state/status values in an order
 *    that is ⚠; a refund of a closed or already-refunded return is refused ⚠ (error ids ⚠), which is what makes a
 *    retried refund safe. Cancellation: seller-created cancellations of paid, unshipped orders complete at once with
 *    a refund ⚠; buyer requests wait for approve/reject ⚠.
 */
import { basicAuth, header, type Req, type Res, type SandboxOptions } from '../common';
import { type SeedOrder, lineTotal, money, subtotal, total } from '../generator';
import { MarketplaceSandbox, type DiscrepancyKind, type PlantedDiscrepancy, fmtCents, splitCents, toCents } from './kit';

export const EBAY_SANDBOX_CREDENTIALS = {
	appId: 'SandboxA-omswms-SBX-0a1b2c3d4-5e6f7a8b',
	certId: 'SBX-0a1b2c3d4e5f-6a7b-8c9d-0e1f-2a3b',
	refreshToken: 'v^1.1#i^1#r^1#sandbox-refresh-token-0001',
};

const DEFAULT = { ratePerSec: 5, burst: 10 };
const LIMITS = {
	getOrders: DEFAULT,
	getOrder: DEFAULT,
	createShippingFulfillment: DEFAULT,
	bulkUpdatePriceQuantity: DEFAULT,
	cancellation: DEFAULT,
	issueRefund: DEFAULT,
	createOrReplaceInventoryItem: DEFAULT,
	getTransactions: DEFAULT,
	getPayouts: DEFAULT,
	getPayout: DEFAULT,
	cancellationSearch: DEFAULT,
	getCancellation: DEFAULT,
	cancellationDecide: DEFAULT,
	returnSearch: DEFAULT,
	getReturn: DEFAULT,
	returnDecide: DEFAULT,
	returnReceived: DEFAULT,
	returnRefund: DEFAULT,
};

/** The sandbox's fee table ⚠ */
export const EBAY_FEE_TABLE = {
	/** final value fee on a line's total including its shipping and tax */
	finalValueRate: 0.1325,
	/** per-order fixed fee, cents: up to 10.00 and above */
	fixedPerOrderSmallCents: 30,
	fixedPerOrderCents: 40,
	fixedThresholdCents: 1000,
} as const;
export const REASONS_FOR_REFUND = ['BUYER_CANCEL', 'SELLER_CANCEL', 'ITEM_NOT_RECEIVED', 'BUYER_RETURN', 'ITEM_NOT_AS_DESCRIBED', 'OTHER_ADJUSTMENT', 'SHIPPING_DISCOUNT'];
const RETURN_FILTERS = ['ALL_OPEN', 'ALL_OPEN_RETURN', 'CLOSED', 'EBAY_PLUS', 'ITEM_DELIVERED', 'ITEM_SHIPPED', 'RETURN_STARTED'];
const TRANSACTION_TYPES = ['SALE', 'REFUND', 'CREDIT', 'DISPUTE', 'SHIPPING_LABEL', 'TRANSFER', 'NON_SALE_CHARGE'];
const TRANSACTION_STATUSES = ['PAYOUT', 'FUNDS_PROCESSING', 'FUNDS_AVAILABLE_FOR_PAYOUT', 'FUNDS_ON_HOLD', 'COMPLETED', 'FAILED'];
const PAYOUT_STATUSES = ['INITIATED', 'SUCCEEDED', 'RETRYABLE_FAILED', 'TERMINAL_FAILED', 'REVERSED'];

const SERVICE: Record<string, string> = { standard: 'USPSPriority', economy: 'USPSParcel', expedited: 'UPS2ndDay', next_day: 'UPSNextDay', priority: 'USPSPriorityExpress', same_day: 'UPSNextDayAir', freight: 'FreightShipping' };

interface OrderRefund {
	refundId: string;
	lineItemId?: string;
	cents: number;
	status: 'PENDING' | 'REFUNDED';
	at: number;
	doneAt: number;
}
interface OrderState {
	paidAt?: number;
	shippedLines: Map<string, number>;
	returnedLines: Map<string, number>;
	refunds: OrderRefund[];
	/** cents refunded (pending included) per line id, and at order level under '' */
	refundedCents: Map<string, number>;
	cancelId?: string;
}
export interface EbayCancellation {
	cancelId: string;
	orderId: string;
	initiator: 'BUYER' | 'SELLER';
	reason: string;
	/** ⚠ CANCEL_REQUESTED, CANCEL_CLOSED_WITH_REFUND, CANCEL_REJECTED */
	state: string;
	requestedAt: number;
	completedAt?: number;
}
export interface EbayReturn {
	returnId: string;
	orderId: string;
	lineItemId: string;
	itemId: string;
	transactionId: string;
	sku: string;
	quantity: number;
	reason: string;
	reasonType: string;
	state: string;
	status: string;
	createdAt: number;
	modifiedAt: number;
	currency: string;
	estimatedRefundCents: number;
	actualRefundCents?: number;
	rmaNumber?: string;
}
export interface EbayTransaction {
	transactionId: string;
	orderId?: string;
	transactionType: string;
	bookingEntry: 'CREDIT' | 'DEBIT';
	/** cents, what the payout gets (CREDIT) or loses (DEBIT), as a positive number */
	amountCents: number;
	feeBasisCents: number;
	feeCents: number;
	taxCents: number;
	currency: string;
	at: number;
	status: string;
	payoutId?: string;
	lines: Array<{ lineItemId: string; feeBasisCents: number; fees: Array<{ feeType: string; cents: number }> }>;
	buyer?: string;
	memo?: string;
	neverPaidOut?: boolean;
}
export interface EbayPayout {
	payoutId: string;
	amountCents: number;
	currency: string;
	at: number;
	status: string;
	transactionIds: string[];
	/** the sum of its transactions (differs from amountCents when a mismatch was planted) */
	transactionsCents: number;
}

export class EbaySandbox extends MarketplaceSandbox {
	readonly name = 'ebay';
	protected readonly confirmationPath = /\/shipping_fulfillment$/;
	readonly skus = new Set<string>();
	readonly received = {
		fulfillments: [] as Array<{ orderId: string; fulfillmentId: string; body: unknown; duplicate?: boolean }>,
		quantities: [] as Array<{ body: unknown }>,
		cancellations: [] as Array<{ body: unknown }>,
		/** the seller's answers to buyers' cancel requests (approve, reject) as they came */
		cancelDecisions: [] as Array<{ cancelId: string; decision: 'approve' | 'reject'; body: unknown }>,
		inventoryItems: [] as Array<{ sku: string; body: unknown }>,
	};
	/** the latest quantity per SKU and how it came */
	readonly quantities = new Map<string, { quantity: number; via: 'bulkUpdatePriceQuantity' | 'createOrReplaceInventoryItem'; at: number }>();
	readonly returns: EbayReturn[] = [];
	readonly cancellationRequests: EbayCancellation[] = [];
	readonly transactions: EbayTransaction[] = [];
	readonly payouts: EbayPayout[] = [];
	/** unscaled ms an issueRefund stays PENDING ⚠ */
	refundProcessingMs = 60_000;
	private readonly state = new Map<string, OrderState>();
	private readonly revisions = new Map<string, number>();
	private seq = 0;
	constructor(
		opts: SandboxOptions = {},
		readonly creds = EBAY_SANDBOX_CREDENTIALS,
	) {
		super(opts);
	}

	protected limits() {
		return LIMITS;
	}

	addOrders(orders: SeedOrder[]): void {
		this.bump();
		for (const o of orders) {
			this.orders.set(o.id, o);
			for (const l of o.lines) this.skus.add(l.sku);
			const st = this.st(o);
			if (o.status !== 'pending') {
				st.paidAt = Date.parse(o.createdAt);
				this.recordSale(o, st.paidAt);
			}
			if (o.status === 'shipped') this.markShipped(o, o.lines.map((_, i) => ({ lineItemId: lineIdOf(o, i), quantity: o.lines[i].quantity })));
			if (o.status === 'cancelled') this.refundWholeOrder(o, 'SELLER_CANCEL', Date.parse(o.updatedAt), 'seeded cancellation', true);
		}
	}

	/** SKUs the Inventory API knows (bulk updates of others answer 404 per SKU) */
	/** A SKU's place in insertion order (its offer id), indexed once: a catalogue of 50,000 SKUs is not walked per request */
	private skuIndex(sku: string): number {
		if (this.skuOrder.size !== this.skus.size) {
			this.skuOrder.clear();
			let i = 0;
			for (const x of this.skus) this.skuOrder.set(x, i++);
		}
		return this.skuOrder.get(sku) ?? -1;
	}
	private readonly skuOrder = new Map<string, number>();
	addSkus(skus: Iterable<string>): void {
		for (const s of skus) this.skus.add(s);
	}


	// ---- controls (issue 20) -----------------------------------------------------------------------------
	/** The buyer asks to cancel: a Post-Order cancellation waiting for the seller (approve or reject) */
	requestCancellation(orderId: string, reason = 'ORDER_MISTAKE'): EbayCancellation {
		const o = this.mustOrder(orderId);
		if (o.status === 'cancelled' || o.status === 'shipped') throw new Error(`order ${orderId} is ${o.status}`);
		const c: EbayCancellation = { cancelId: String(5_000_000_000 + ++this.seq), orderId, initiator: 'BUYER', reason, state: 'CANCEL_REQUESTED', requestedAt: this.now() };
		this.cancellationRequests.push(c);
		this.st(o).cancelId = c.cancelId;
		this.touch(orderId);
		return c;
	}
	/** eBay or the buyer cancels outright (e.g. an unpaid order): CANCELED, and refunded if it was paid */
	cancelOrder(orderId: string, reason = 'BUYER_CANCEL'): void {
		const o = this.mustOrder(orderId);
		if (o.status === 'shipped' || o.status === 'partially_shipped') throw new Error(`order ${orderId} is ${o.status}`);
		const paid = this.st(o).paidAt !== undefined;
		o.status = 'cancelled';
		if (paid) this.refundWholeOrder(o, reason, this.now(), 'cancelled', true);
		this.touch(orderId);
	}
	/** The buyer's payment completes: orderPaymentStatus PENDING becomes PAID (and the SALE appears in Finances) */
	markPaid(orderId: string): void {
		const o = this.mustOrder(orderId);
		if (o.status !== 'pending') throw new Error(`order ${orderId} is ${o.status}, not pending`);
		o.status = 'paid';
		this.st(o).paidAt = this.now();
		this.recordSale(o, this.now());
		this.touch(orderId);
	}
	/** Every PENDING issueRefund becomes REFUNDED now */
	completeRefunds(): void {
		for (const st of this.state.values()) for (const r of st.refunds) r.doneAt = Math.min(r.doneAt, this.now());
		this.bump();
	}

	// ---- controls (issue 21) -----------------------------------------------------------------------------
	/**
	 * The buyer opens a return for shipped units of one line (a MONEY_BACK return). `approved` skips the seller's
	 * decision (eBay's automatic acceptance). Throws for an unknown or unshipped line, or too many units.
	 */
	createReturn(orderId: string, opts: { lineItemId?: string; sku?: string; quantity?: number; reason?: string; approved?: boolean; at?: number } = {}): EbayReturn {
		const o = this.mustOrder(orderId);
		const i = opts.lineItemId ? o.lines.findIndex((_, k) => lineIdOf(o, k) === opts.lineItemId) : opts.sku ? o.lines.findIndex((l) => l.sku === opts.sku) : 0;
		if (i < 0) throw new Error(`order ${orderId} has no line ${opts.lineItemId ?? opts.sku}`);
		const st = this.st(o);
		const lid = lineIdOf(o, i);
		const shipped = st.shippedLines.get(lid) ?? 0;
		const returned = st.returnedLines.get(lid) ?? 0;
		const qty = opts.quantity ?? shipped - returned;
		if (qty < 1 || returned + qty > shipped) throw new Error(`line ${lid} of ${orderId}: ${qty} units returned but ${shipped - returned} shipped and not returned`);
		st.returnedLines.set(lid, returned + qty);
		const cents = this.lineCents(o)[i];
		const at = opts.at ?? this.now();
		const r: EbayReturn = {
			returnId: String(5_100_000_000 + ++this.seq),
			orderId,
			lineItemId: lid,
			itemId: legacyItemIdOf(o, i),
			transactionId: `${lid}T`,
			sku: o.lines[i].sku,
			quantity: qty,
			reason: opts.reason ?? 'NO_LONGER_NEED_ITEM',
			reasonType: 'REMORSE',
			state: opts.approved ? 'ITEM_READY_TO_SHIP' : 'INITIAL',
			status: opts.approved ? 'READY_FOR_SHIPPING' : 'RETURN_REQUESTED',
			createdAt: at,
			modifiedAt: at,
			currency: o.currency,
			estimatedRefundCents: Math.round((cents.gross * qty) / o.lines[i].quantity),
		};
		this.returns.push(r);
		this.bump();
		return r;
	}
	/** The buyer ships the return, or it arrives */
	advanceReturn(returnId: string, to: 'ITEM_SHIPPED' | 'ITEM_DELIVERED'): EbayReturn {
		const r = this.mustReturn(returnId);
		if (r.state === 'CLOSED') throw new Error(`return ${returnId} is closed`);
		r.state = to;
		r.status = to;
		r.modifiedAt = this.now();
		return r;
	}

	// ---- controls (issue 22) -----------------------------------------------------------------------------
	/**
	 * Pay out every transaction whose funds are available (shipped sales, refunds, credits), except a planted
	 * missing settlement: one SUCCEEDED payout per currency, its transactions marked PAYOUT with its payoutId.
	 */
	closePayout(): EbayPayout[] {
		const due = this.transactions.filter((t) => !t.payoutId && !t.neverPaidOut && t.status === 'FUNDS_AVAILABLE_FOR_PAYOUT');
		const out: EbayPayout[] = [];
		for (const currency of [...new Set(due.map((t) => t.currency))].sort()) {
			const txs = due.filter((t) => t.currency === currency);
			const payoutId = String(6_000_000_000 + ++this.seq);
			const sum = txs.reduce((s, t) => s + (t.bookingEntry === 'CREDIT' ? t.amountCents : -t.amountCents), 0);
			let amount = sum;
			const mismatch = this.planted.find((p) => p.kind === 'payout_mismatch' && !p.applied);
			if (mismatch) {
				amount += this.plantOpts.get(mismatch)?.deltaCents ?? -1000;
				Object.assign(mismatch, { applied: true, settlementId: payoutId, expectedCents: sum, actualCents: amount });
			}
			for (const t of txs) Object.assign(t, { payoutId, status: 'PAYOUT' });
			for (const p of this.planted) if (p.applied && !p.settlementId && p.orderId && txs.some((t) => t.orderId === p.orderId) && p.kind !== 'missing_settlement') p.settlementId = payoutId;
			const p: EbayPayout = { payoutId, amountCents: amount, currency, at: this.now(), status: 'SUCCEEDED', transactionIds: txs.map((t) => t.transactionId), transactionsCents: sum };
			this.payouts.push(p);
			out.push(p);
		}
		return out;
	}
	/** Plant a discrepancy (kit.ts): over_fee and missing_settlement on the order's SALE, double_refund on its next or latest unpaid REFUND */
	plantDiscrepancy(kind: DiscrepancyKind, opts: { orderId?: string; deltaCents?: number; rate?: number } = {}): PlantedDiscrepancy {
		const p = this.newPlant(kind, opts);
		for (const t of this.transactions) if (!t.payoutId) this.applyPlants(t);
		return p;
	}

	// ---- rendering ---------------------------------------------------------------------------------------
	/** getOrder (full) or an element of getOrders (cancelRequests always empty there ✔) */
	render(o: SeedOrder, full = true): Record<string, unknown> {
		const cur = o.currency;
		const m = (n: number) => ({ value: money(n, cur), currency: cur });
		const mc = (c: number) => ({ value: fmtCents(c), currency: cur });
		const st = this.state.get(o.id);
		this.settleRefunds(st);
		const ful = o.status === 'shipped' ? 'FULFILLED' : o.status === 'partially_shipped' ? 'IN_PROGRESS' : 'NOT_STARTED';
		const refunded = st ? st.refunds.filter((r) => r.status === 'REFUNDED').reduce((s, r) => s + r.cents, 0) : 0;
		const gross = toCents(subtotal(o) + o.shippingCost - o.discount);
		const pay = o.status === 'pending' ? 'PENDING' : refunded >= gross && refunded > 0 ? 'FULLY_REFUNDED' : refunded > 0 ? 'PARTIALLY_REFUNDED' : o.status === 'cancelled' ? 'FULLY_REFUNDED' : 'PAID';
		const a = o.shipTo;
		const created = Date.parse(o.createdAt);
		const addr = {
			addressLine1: a.line1,
			...(a.line2 ? { addressLine2: a.line2 } : {}),
			city: a.city,
			...(a.region ? { stateOrProvince: a.region } : {}),
			postalCode: a.postalCode,
			countryCode: a.country,
		};
		const cancel = st?.cancelId ? this.cancellationRequests.find((c) => c.cancelId === st.cancelId) : undefined;
		const cancelStatus =
			o.status === 'cancelled'
				? { cancelState: 'CANCELED', cancelledDate: cancel?.completedAt ? new Date(cancel.completedAt).toISOString() : o.updatedAt, cancelRequests: full && cancel ? [this.cancelRequestView(cancel)] : [] }
				: cancel && cancel.state === 'CANCEL_REQUESTED'
					? { cancelState: 'IN_PROGRESS', cancelRequests: full ? [this.cancelRequestView(cancel)] : [] }
					: { cancelState: 'NONE_REQUESTED', cancelRequests: full && cancel ? [this.cancelRequestView(cancel)] : [] };
		const refundView = (r: OrderRefund) => ({ refundId: r.refundId, refundStatus: r.status, amount: mc(r.cents), ...(r.status === 'REFUNDED' ? { refundDate: new Date(r.doneAt).toISOString(), refundReferenceId: `R${r.refundId}` } : {}) });
		return {
			orderId: o.id,
			legacyOrderId: o.id,
			creationDate: o.createdAt,
			lastModifiedDate: o.updatedAt,
			orderFulfillmentStatus: ful,
			orderPaymentStatus: pay,
			sellerId: 'oms_wms_seller',
			buyer: {
				username: buyerOf(o),
				buyerRegistrationAddress: { fullName: o.customer.name, contactAddress: addr, ...(o.customer.phone ? { primaryPhone: { phoneNumber: o.customer.phone } } : {}), email: o.customer.email },
			},
			pricingSummary: { priceSubtotal: m(subtotal(o)), deliveryCost: m(o.shippingCost), ...(o.discount ? { priceDiscount: m(-o.discount) } : {}), tax: m(o.tax), total: m(total(o)) },
			cancelStatus,
			paymentSummary: {
				totalDueSeller: m(total(o)),
				payments: [{ paymentMethod: 'EBAY', paymentReferenceId: randomId(o.id), paymentStatus: pay === 'PENDING' ? 'PENDING' : 'PAID', amount: m(total(o)) }],
				refunds: (st?.refunds ?? []).filter((r) => !r.lineItemId).map(refundView),
			},
			fulfillmentStartInstructions: [
				{
					fulfillmentInstructionsType: 'SHIP_TO',
					minEstimatedDeliveryDate: new Date(created + 3 * 86400_000).toISOString(),
					maxEstimatedDeliveryDate: new Date(created + 7 * 86400_000).toISOString(),
					ebaySupportedFulfillment: false,
					shippingStep: {
						shippingCarrierCode: SERVICE[o.shippingLevel].startsWith('UPS') ? 'UPS' : 'USPS',
						shippingServiceCode: SERVICE[o.shippingLevel] ?? 'USPSPriority',
						shipTo: { fullName: a.name, ...(a.company ? { companyName: a.company } : {}), contactAddress: addr, ...(a.phone ? { primaryPhone: { phoneNumber: a.phone } } : {}), email: o.customer.email },
					},
				},
			],
			// one per shipping fulfillment created (its id is the tracking number, as eBay's example ids are ⚠)
			fulfillmentHrefs: [...new Set(this.received.fulfillments.filter((f) => f.orderId === o.id).map((f) => `${this.url}/sell/fulfillment/v1/order/${o.id}/shipping_fulfillment/${encodeURIComponent(f.fulfillmentId)}`))],
			lineItems: o.lines.map((l, i) => {
				const lineRefunds = (st?.refunds ?? []).filter((r) => r.lineItemId === lineIdOf(o, i));
				return {
					lineItemId: lineIdOf(o, i),
					legacyItemId: legacyItemIdOf(o, i),
					sku: l.sku,
					title: l.title,
					lineItemCost: m(lineTotal(l)),
					quantity: l.quantity,
					soldFormat: 'FIXED_PRICE',
					listingMarketplaceId: 'EBAY_US',
					purchaseMarketplaceId: 'EBAY_US',
					lineItemFulfillmentStatus: ful,
					total: m(lineTotal(l)),
					deliveryCost: { shippingCost: m(i === 0 ? o.shippingCost : 0) },
					appliedPromotions: [],
					taxes: [],
					properties: { buyerProtection: true },
					lineItemFulfillmentInstructions: { shipByDate: new Date(created + 2 * 86400_000).toISOString(), guaranteedDelivery: false },
					...(lineRefunds.length ? { refunds: lineRefunds.map((r) => ({ refundId: r.refundId, amount: mc(r.cents), ...(r.status === 'REFUNDED' ? { refundDate: new Date(r.doneAt).toISOString() } : {}) })) } : {}),
				};
			}),
			salesRecordReference: String(10000 + Number(o.id.replace(/\D/g, '').slice(-4))),
			totalFeeBasisAmount: m(total(o)),
		};
	}
	private cancelRequestView(c: EbayCancellation): Record<string, unknown> {
		return {
			cancelRequestId: c.cancelId,
			cancelInitiator: c.initiator === 'BUYER' ? 'Buyer' : 'Seller',
			cancelReason: c.reason,
			cancelRequestedDate: new Date(c.requestedAt).toISOString(),
			cancelRequestState: c.state === 'CANCEL_REQUESTED' ? 'REQUESTED' : c.state === 'CANCEL_REJECTED' ? 'REJECTED' : 'COMPLETED',
			...(c.completedAt ? { cancelCompletedDate: new Date(c.completedAt).toISOString() } : {}),
		};
	}

	private err(status: number, errorId: number, message: string, extra: Record<string, string> = {}, domain = 'API_FULFILLMENT'): Res {
		return { status, headers: extra, body: { errors: [{ errorId, domain, category: 'REQUEST', message }] } };
	}
	/** Post-Order error body ⚠ */
	private poErr(status: number, errorId: number, message: string): Res {
		return { status, body: { error: [{ errorId, domain: 'returnErrorDomain', severity: 'ERROR', category: 'REQUEST', message }] } };
	}

	protected throttleResponse(): Res {
		return { status: 429, body: { errors: [{ errorId: 2001, domain: 'ACCESS', category: 'REQUEST', message: 'Too many requests. The request limit has been reached for the resource.' }] } };
	}

	protected opOf(req: Req): string {
		const p = req.path;
		if (p === '/identity/v1/oauth2/token') return 'token';
		if (p === '/sell/fulfillment/v1/order') return 'getOrders';
		if (/\/shipping_fulfillment$/.test(p)) return 'createShippingFulfillment';
		if (/^\/sell\/fulfillment\/v1\/order\/[^/]+\/issue_refund$/.test(p)) return 'issueRefund';
		if (p.startsWith('/sell/fulfillment/v1/order/')) return 'getOrder';
		if (p === '/sell/inventory/v1/bulk_update_price_quantity') return 'bulkUpdatePriceQuantity';
		if (p.startsWith('/sell/inventory/v1/inventory_item/')) return 'createOrReplaceInventoryItem';
		if (p === '/sell/finances/v1/transaction') return 'getTransactions';
		if (p === '/sell/finances/v1/payout') return 'getPayouts';
		if (p.startsWith('/sell/finances/v1/payout/')) return 'getPayout';
		if (p === '/post-order/v2/cancellation') return 'cancellation';
		if (p === '/post-order/v2/cancellation/search') return 'cancellationSearch';
		if (/^\/post-order\/v2\/cancellation\/[^/]+\/(approve|reject)$/.test(p)) return 'cancellationDecide';
		if (/^\/post-order\/v2\/cancellation\/[^/]+$/.test(p)) return 'getCancellation';
		if (p === '/post-order/v2/return/search') return 'returnSearch';
		if (/^\/post-order\/v2\/return\/[^/]+\/decide$/.test(p)) return 'returnDecide';
		if (/^\/post-order\/v2\/return\/[^/]+\/mark_as_received$/.test(p)) return 'returnReceived';
		if (/^\/post-order\/v2\/return\/[^/]+\/issue_refund$/.test(p)) return 'returnRefund';
		if (/^\/post-order\/v2\/return\/[^/]+$/.test(p)) return 'getReturn';
		return 'other';
	}

	protected route(req: Req): Res {
		const op = this.opOf(req);
		if (op === 'token') return this.token(req);
		const auth = header(req, 'authorization') ?? '';
		const scheme = req.path.startsWith('/post-order/') ? 'IAF ' : 'Bearer ';
		const state = auth.startsWith(scheme) ? this.checkToken(auth.slice(scheme.length)) : 'missing';
		if (state !== 'ok') return { status: 401, body: { errors: [{ errorId: 1001, domain: 'OAuth', category: 'REQUEST', message: 'Invalid access token', longMessage: 'Invalid access token. Check the value of the Authorization HTTP request header.' }] } };
		if (op !== 'other' && !this.admit(op)) return this.throttleResponse();
		const seg = req.path.split('/').map(decodeURIComponent);
		switch (op) {
			case 'getOrders':
				return this.getOrders(req);
			case 'getOrder': {
				const id = seg.at(-1) ?? '';
				const o = this.orders.get(id);
				return o ? { status: 200, body: this.render(o) } : this.err(404, 32100, `Order ${id} not found`);
			}
			case 'createShippingFulfillment':
				return this.fulfil(req);
			case 'issueRefund':
				return this.issueRefund(req, seg[5]);
			case 'bulkUpdatePriceQuantity':
				return this.bulk(req);
			case 'createOrReplaceInventoryItem':
				return this.putInventoryItem(req, seg[5]);
			case 'getTransactions':
				return this.getTransactions(req);
			case 'getPayouts':
				return this.getPayouts(req);
			case 'getPayout': {
				const p = this.payouts.find((x) => x.payoutId === seg[5]);
				return p ? { status: 200, body: this.payoutView(p) } : this.err(404, 135001, `Payout ${seg[5]} not found`, {}, 'API_FINANCES');
			}
			case 'cancellation':
				return this.sellerCancel(req);
			case 'cancellationSearch':
				return this.cancellationSearch(req);
			case 'getCancellation': {
				const c = this.cancellationRequests.find((x) => x.cancelId === seg[4]);
				return c ? { status: 200, body: { cancelDetail: this.cancelDetail(c) } } : this.poErr(404, 1603, `Cancel ${seg[4]} not found`);
			}
			case 'cancellationDecide':
				return this.decideCancellation(seg[4], seg[5] as 'approve' | 'reject', req.body);
			case 'returnSearch':
				return this.returnSearch(req);
			case 'getReturn': {
				const r = this.returns.find((x) => x.returnId === seg[4]);
				return r ? { status: 200, body: { summary: this.returnSummary(r), detail: this.returnDetail(r) } } : this.poErr(404, 1701, `Return ${seg[4]} not found`);
			}
			case 'returnDecide':
				return this.returnDecide(req, seg[4]);
			case 'returnReceived': {
				const r = this.returns.find((x) => x.returnId === seg[4]);
				if (!r) return this.poErr(404, 1701, `Return ${seg[4]} not found`);
				if (!['ITEM_READY_TO_SHIP', 'ITEM_SHIPPED'].includes(r.state)) return this.poErr(400, 1702, `Return ${r.returnId} is ${r.state}: it cannot be marked as received`);
				Object.assign(r, { state: 'ITEM_DELIVERED', status: 'ITEM_DELIVERED', modifiedAt: this.now() });
				return { status: 200, body: {} };
			}
			case 'returnRefund':
				return this.returnRefund(req, seg[4]);
		}
		return this.err(404, 2002, `Resource not found: ${req.path}`);
	}

	private token(req: Req): Res {
		const ba = basicAuth(req);
		const b = (req.body ?? {}) as Record<string, string>;
		if (!ba || ba.user !== this.creds.appId || ba.pass !== this.creds.certId) return { status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } };
		if (b.grant_type !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type in request is not supported by the authorization server' } };
		if (b.refresh_token !== this.creds.refreshToken) return { status: 400, body: { error: 'invalid_grant', error_description: 'the provided authorization refresh token is invalid or was issued to another client' } };
		if (!b.scope || !/sell\.fulfillment/.test(b.scope)) return { status: 400, body: { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client' } };
		const t = this.issueToken('v^1.1#i^1#p^3#f^0#I^3#r^0#t^', 7200);
		return { status: 200, body: { access_token: t.token, expires_in: t.expiresIn, token_type: 'User Access Token' } };
	}

	private getOrders(req: Req): Res {
		const q = req.query;
		const limit = q.get('limit') ? Number(q.get('limit')) : 50;
		const offset = q.get('offset') ? Number(q.get('offset')) : 0;
		if (!Number.isInteger(limit) || limit < 1 || limit > 200) return this.err(400, 30700, 'Invalid limit. Supported ranges 1 - 200.');
		if (!Number.isInteger(offset) || offset < 0) return this.err(400, 30700, 'Invalid offset.');
		const rawFilter = /(?:^|&)filter=([^&]*)/.exec(req.rawQuery)?.[1];
		let from = -Infinity;
		let to = Infinity;
		let field: 'createdAt' | 'updatedAt' = 'createdAt';
		if (rawFilter !== undefined) {
			if (/[[\]{}|]/.test(rawFilter)) return this.err(400, 30800, 'Invalid filter. The characters [ ] { } | must be URL encoded.');
			const f = decodeURIComponent(rawFilter);
			const cd = /creationdate:\[([^\]]*)\]/.exec(f);
			const lm = /lastmodifieddate:\[([^\]]*)\]/.exec(f);
			const range = cd ?? lm;
			if (!range && !/orderfulfillmentstatus/.test(f)) return this.err(400, 30800, `Invalid filter: ${f}`);
			if (range) {
				field = cd ? 'createdAt' : 'updatedAt';
				const [a, b] = range[1].split('..');
				if (a) from = Date.parse(a);
				if (b) to = Date.parse(b);
				if (Number.isNaN(from) || Number.isNaN(to)) return this.err(400, 30800, 'Invalid date in filter.');
			}
		} else from = this.now() - 90 * 86400_000;
		const list = this.memo(`getOrders|${field}|${from}|${to}`, () =>
			[...this.orders.values()]
				.map((o) => ({ o, t: Date.parse(o[field]) }))
				.filter((x) => x.t >= from && x.t <= to)
				.sort((x, y) => x.t - y.t || x.o.id.localeCompare(y.o.id))
				.map((x) => x.o),
		);
		const href = `${this.url}/sell/fulfillment/v1/order?${req.rawQuery}`;
		const mk = (off: number) => `${this.url}/sell/fulfillment/v1/order?${req.rawQuery.replace(/(^|&)offset=\d+/, '')}&offset=${off}`.replace('?&', '?');
		const page = list.slice(offset, offset + limit);
		return {
			status: 200,
			body: {
				href,
				total: list.length,
				limit,
				offset,
				...(offset + limit < list.length ? { next: mk(offset + limit) } : {}),
				...(offset > 0 ? { prev: mk(Math.max(0, offset - limit)) } : {}),
				orders: page.map((o) => this.render(o, false)),
				warnings: [],
			},
		};
	}

	private fulfil(req: Req): Res {
		const orderId = decodeURIComponent(req.path.split('/')[5] ?? '');
		const o = this.orders.get(orderId);
		if (!o) return this.err(404, 32100, `Order ${orderId} not found`);
		const b = req.body as { lineItems?: Array<{ lineItemId?: string; quantity?: number }>; shippedDate?: string; shippingCarrierCode?: string; trackingNumber?: string } | undefined;
		if (!b?.lineItems?.length) return this.err(400, 32200, 'lineItems is required');
		if (!b.shippingCarrierCode || !b.trackingNumber) return this.err(400, 32200, 'shippingCarrierCode and trackingNumber are required');
		if (b.shippedDate && Number.isNaN(Date.parse(b.shippedDate))) return this.err(400, 32200, 'Invalid shippedDate');
		const ids = new Set(o.lines.map((_, i) => lineIdOf(o, i)));
		for (const li of b.lineItems) if (!li.lineItemId || !ids.has(li.lineItemId)) return this.err(400, 32100, `Invalid lineItemId ${li.lineItemId}`);
		if (new Set(b.lineItems.map((l) => l.lineItemId)).size !== b.lineItems.length) return this.err(400, 32210, 'Duplicate line item in the request');
		const fulfillmentId = b.trackingNumber;
		// ⚠ the same package again (a retry after a lost answer) is accepted and marked duplicate: nothing ships twice
		const st = this.st(o);
		const fresh = b.lineItems
			.map((li) => {
				const i = o.lines.findIndex((_, k) => lineIdOf(o, k) === li.lineItemId);
				const open = o.lines[i].quantity - (st.shippedLines.get(li.lineItemId as string) ?? 0);
				return { lineItemId: li.lineItemId as string, quantity: Math.min(open, li.quantity ?? open) };
			})
			.filter((x) => x.quantity > 0);
		this.received.fulfillments.push({ orderId, fulfillmentId, body: b, ...(fresh.length ? {} : { duplicate: true }) });
		if (fresh.length) this.markShipped(o, fresh);
		const all = o.lines.every((l, i) => (st.shippedLines.get(lineIdOf(o, i)) ?? 0) >= l.quantity);
		o.status = all || o.status === 'shipped' ? 'shipped' : 'partially_shipped';
		o.updatedAt = this.iso();
		this.bump();
		return { status: 201, headers: { location: `${this.url}/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/${encodeURIComponent(fulfillmentId)}` } };
	}

	private bulk(req: Req): Res {
		const b = req.body as { requests?: Array<{ sku?: string; shipToLocationAvailability?: { quantity?: number }; offers?: unknown[] }> } | undefined;
		if (!b?.requests?.length) return { status: 400, body: { errors: [{ errorId: 25709, domain: 'API_INVENTORY', message: 'requests is required' }] } };
		if (b.requests.length > 25) return { status: 400, body: { errors: [{ errorId: 25709, domain: 'API_INVENTORY', message: 'Maximum 25 requests per call' }] } };
		this.received.quantities.push({ body: b });
		const day = new Date(this.now()).toISOString().slice(0, 10);
		const responses = b.requests.map((r) => {
			if (!r.sku || !this.skus.has(r.sku)) return { statusCode: 404, sku: r.sku, errors: [{ errorId: 25702, message: `SKU ${r.sku} is not available` }], warnings: [] };
			const key = `${r.sku}|${day}`;
			const n = (this.revisions.get(key) ?? 0) + 1;
			if (n > 250) return { statusCode: 400, sku: r.sku, errors: [{ errorId: 25014, message: `The listing of SKU ${r.sku} was revised 250 times today: no more revisions until the next calendar day` }], warnings: [] };
			this.revisions.set(key, n);
			const q = r.shipToLocationAvailability?.quantity;
			if (typeof q === 'number') this.quantities.set(r.sku, { quantity: q, via: 'bulkUpdatePriceQuantity', at: this.now() });
			return { statusCode: 200, sku: r.sku, offerId: `${5000000 + this.skuIndex(r.sku)}`, errors: [], warnings: [] };
		});
		return { status: responses.every((r) => r.statusCode === 200) ? 200 : 207, body: { responses } };
	}

	private putInventoryItem(req: Req, sku: string): Res {
		if (req.method !== 'PUT') return this.err(405, 25709, 'PUT only', {}, 'API_INVENTORY');
		if (!header(req, 'content-language')) return this.err(400, 25709, 'Invalid value for header Content-Language.', {}, 'API_INVENTORY');
		const b = req.body as { availability?: { shipToLocationAvailability?: { quantity?: number } }; condition?: string; product?: unknown } | undefined;
		const q = b?.availability?.shipToLocationAvailability?.quantity;
		if (!b || typeof q !== 'number' || !Number.isInteger(q) || q < 0) return this.err(400, 25709, 'Invalid value for availability.shipToLocationAvailability.quantity.', {}, 'API_INVENTORY');
		this.skus.add(sku);
		this.received.inventoryItems.push({ sku, body: b });
		this.quantities.set(sku, { quantity: q, via: 'createOrReplaceInventoryItem', at: this.now() });
		return { status: 204 };
	}

	// ---- refunds ---------------------------------------------------------------------------------------------
	private issueRefund(req: Req, orderId: string): Res {
		const o = this.orders.get(orderId);
		if (!o) return this.err(404, 34913, 'Can not find the order.');
		const b = req.body as { reasonForRefund?: string; comment?: string; orderLevelRefundAmount?: { value?: string; currency?: string }; refundItems?: Array<{ refundAmount?: { value?: string; currency?: string }; lineItemId?: string; legacyReference?: { legacyItemId?: string; legacyTransactionId?: string } }> } | undefined;
		if (!b || !Object.keys(b).length) return this.err(400, 34902, "Request can't be empty.");
		if (!b.reasonForRefund || !REASONS_FOR_REFUND.includes(b.reasonForRefund)) return this.err(400, 34903, 'The refund reason must be specified.');
		if (b.comment && b.comment.length > 100) return this.err(400, 34921, 'The comment exceeds the length limit.');
		if (!b.orderLevelRefundAmount && !b.refundItems?.length) return this.err(400, 34905, 'Either orderLevelRefundAmount or refundItems must be specified.');
		const st = this.st(o);
		if (st.paidAt === undefined) return this.err(409, 34929, 'You cannot refund this order yet since the buyer payment has not been processed. Please try again later.');
		this.settleRefunds(st);
		if (st.refunds.some((r) => r.status === 'PENDING')) return this.err(400, 34922, "Refund can't be issued while previous refund is processing.");
		const gross = toCents(subtotal(o) + o.shippingCost - o.discount);
		const already = [...st.refundedCents.values()].reduce((s, c) => s + c, 0);
		if (already >= gross) return this.err(400, 34917, 'This order was already refunded.');
		const amount = (a?: { value?: string; currency?: string }): number | Res => {
			if (!a?.value) return this.err(400, 34906, 'The amount value must be specified.');
			if (!/^\d+(\.\d{1,2})?$/.test(a.value) || Number(a.value) <= 0) return this.err(400, 34907, 'The amount value must be positive and within two decimals.');
			if (!a.currency) return this.err(400, 34908, 'The amount currency must be specified.');
			if (a.currency !== o.currency) return this.err(400, 34909, "The amount currency isn't correct.");
			return toCents(Number(a.value));
		};
		const plan: Array<{ lineItemId?: string; cents: number }> = [];
		if (b.orderLevelRefundAmount) {
			const c = amount(b.orderLevelRefundAmount);
			if (typeof c !== 'number') return c;
			if (already + c > gross) return this.err(400, 34915, 'The refund amount exceeds order amount.');
			plan.push({ cents: c });
		} else {
			const cents = this.lineCents(o);
			for (const it of b.refundItems ?? []) {
				if (!it.lineItemId && !it.legacyReference) return this.err(400, 34910, 'Either legacyReference or lineItemId must be specified for item level refund.');
				if (it.legacyReference && !it.legacyReference.legacyItemId) return this.err(400, 34911, 'Legacy item id must be specified for item level refund if you use legacyReference.');
				if (it.legacyReference && !it.legacyReference.legacyTransactionId) return this.err(400, 34912, 'Legacy transaction id must be specified for item level refund if you use legacyReference.');
				const i = o.lines.findIndex((_, k) => (it.lineItemId ? lineIdOf(o, k) === it.lineItemId : legacyItemIdOf(o, k) === it.legacyReference?.legacyItemId));
				if (i < 0) return this.err(400, 34914, "Can't find the item in the order.");
				const c = amount(it.refundAmount);
				if (typeof c !== 'number') return c;
				const lid = lineIdOf(o, i);
				if ((st.refundedCents.get(lid) ?? 0) + c > cents[i].gross) return this.err(409, 34924, 'The item refund amount exceeds the item remaining amount.');
				plan.push({ lineItemId: lid, cents: c });
			}
			if (already + plan.reduce((s, p) => s + p.cents, 0) > gross) return this.err(400, 34915, 'The refund amount exceeds order amount.');
		}
		const staged = this.stagedRefundFailure();
		if (staged !== undefined) return this.err(staged, 34900, 'There was a problem with an eBay internal system or process. (staged)');
		const refundId = String(5_200_000_000 + ++this.seq);
		for (const p of plan) {
			const key = p.lineItemId ?? '';
			st.refundedCents.set(key, (st.refundedCents.get(key) ?? 0) + p.cents);
			st.refunds.push({ refundId, lineItemId: p.lineItemId, cents: p.cents, status: 'PENDING', at: this.now(), doneAt: this.now() + this.refundProcessingMs * this.timeScale });
		}
		const cents = plan.reduce((s, p) => s + p.cents, 0);
		this.refunds.push({ refundId, orderId, via: 'issueRefund', amount: cents / 100, currency: o.currency, at: this.now(), reason: b.reasonForRefund, ...(plan[0].lineItemId ? { lines: plan.map((p) => ({ lineId: p.lineItemId as string, amount: p.cents / 100 })) } : {}) });
		this.recordRefund(o, refundId, cents, plan.map((p) => p.lineItemId).filter(Boolean) as string[]);
		o.updatedAt = this.iso();
		this.bump();
		return { status: 200, body: { refundId, refundStatus: 'PENDING' } };
	}
	private settleRefunds(st?: OrderState): void {
		if (!st) return;
		for (const r of st.refunds) if (r.status === 'PENDING' && this.now() >= r.doneAt) r.status = 'REFUNDED';
	}

	// ---- Post-Order: cancellations ------------------------------------------------------------------------
	private sellerCancel(req: Req): Res {
		const b = req.body as { legacyOrderId?: string; cancelReason?: string } | undefined;
		const o = b?.legacyOrderId ? this.orders.get(b.legacyOrderId) : undefined;
		if (!b?.legacyOrderId || !o) return { status: 400, body: { error: [{ errorId: 1617, message: 'Invalid order id' }] } };
		if (o.status === 'shipped' || o.status === 'partially_shipped') return this.poErr(400, 1619, `Order ${o.id} has shipped: it is not eligible for cancellation`);
		this.received.cancellations.push({ body: b });
		const c: EbayCancellation = { cancelId: String(5_000_000_000 + this.received.cancellations.length), orderId: o.id, initiator: 'SELLER', reason: b.cancelReason ?? 'OUT_OF_STOCK_OR_CANNOT_FULFILL', state: 'CANCEL_CLOSED_WITH_REFUND', requestedAt: this.now(), completedAt: this.now() };
		if (o.status !== 'cancelled') {
			this.cancellationRequests.push(c);
			this.st(o).cancelId = c.cancelId;
			if (this.st(o).paidAt !== undefined) this.refundWholeOrder(o, 'SELLER_CANCEL', this.now(), 'post-order cancellation', true);
			o.status = 'cancelled';
			o.updatedAt = this.iso();
			this.bump();
		}
		return { status: 201, body: { cancelId: c.cancelId, cancelStatus: 'CANCEL_REQUESTED' } };
	}
	private cancelDetail(c: EbayCancellation): Record<string, unknown> {
		return {
			cancelId: c.cancelId,
			legacyOrderId: c.orderId,
			marketplaceId: 'EBAY_US',
			requestorType: c.initiator,
			cancelReason: c.reason,
			cancelState: c.state === 'CANCEL_REQUESTED' ? 'CANCEL_REQUESTED' : 'CANCEL_CLOSED',
			cancelStatus: c.state,
			cancelRequestDate: { value: new Date(c.requestedAt).toISOString() },
			...(c.completedAt ? { cancelCloseDate: { value: new Date(c.completedAt).toISOString() } } : {}),
		};
	}
	private cancellationSearch(req: Req): Res {
		const q = req.query;
		const limit = q.get('limit') ? Number(q.get('limit')) : 10;
		const offset = q.get('offset') ? Number(q.get('offset')) : 0;
		if (!Number.isInteger(limit) || limit < 1 || limit > 200 || !Number.isInteger(offset) || offset < 0) return this.poErr(400, 1603, 'Invalid limit or offset');
		const oid = q.get('legacy_order_id');
		const all = this.cancellationRequests.filter((c) => !oid || c.orderId === oid).sort((a, b) => b.requestedAt - a.requestedAt);
		return { status: 200, body: { cancellations: all.slice(offset, offset + limit).map((c) => this.cancelDetail(c)), paginationOutput: { limit, offset, totalEntries: all.length, totalPages: Math.ceil(all.length / limit) }, total: all.length } };
	}
	/** ⚠ the reject body as eBay's RejectCancelRequest describes it: optional shipmentDate (a DateTime, {value}) and
	 * trackingNumber (a string); anything else, or a date that is not one, is refused */
	private rejectBodyProblem(body: unknown): string | null {
		if (body === undefined || body === null || body === '') return null;
		if (typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
		const b = body as Record<string, unknown>;
		const extra = Object.keys(b).filter((k) => k !== 'shipmentDate' && k !== 'trackingNumber');
		if (extra.length) return `unknown field ${extra.join(', ')}`;
		if (b.shipmentDate !== undefined) {
			const v = (b.shipmentDate as { value?: unknown } | null)?.value;
			if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) return 'shipmentDate must be {"value": "<ISO 8601 date>"}';
		}
		if (b.trackingNumber !== undefined && (typeof b.trackingNumber !== 'string' || !b.trackingNumber.trim())) return 'trackingNumber must be a non-empty string';
		return null;
	}
	private decideCancellation(cancelId: string, decision: 'approve' | 'reject', body?: unknown): Res {
		const c = this.cancellationRequests.find((x) => x.cancelId === cancelId);
		if (!c) return this.poErr(404, 1603, `Cancel ${cancelId} not found`);
		const problem = decision === 'reject' ? this.rejectBodyProblem(body) : null;
		if (problem) return this.poErr(400, 1605, `Invalid reject request: ${problem}`);
		this.received.cancelDecisions.push({ cancelId, decision, body: body ?? null });
		if (c.state !== 'CANCEL_REQUESTED') return this.poErr(400, 1604, `Cancel ${cancelId} is ${c.state}: there is nothing to decide`);
		const o = this.mustOrder(c.orderId);
		if (decision === 'approve') {
			if (o.status === 'shipped' || o.status === 'partially_shipped') return this.poErr(400, 1619, `Order ${o.id} has shipped`);
			Object.assign(c, { state: 'CANCEL_CLOSED_WITH_REFUND', completedAt: this.now() });
			if (this.st(o).paidAt !== undefined) this.refundWholeOrder(o, 'BUYER_CANCEL', this.now(), 'post-order cancellation approve', true);
			o.status = 'cancelled';
		} else Object.assign(c, { state: 'CANCEL_REJECTED', completedAt: this.now() });
		o.updatedAt = this.iso();
		this.bump();
		return { status: 200, body: {} };
	}

	// ---- Post-Order: returns ----------------------------------------------------------------------------------
	private returnSummary(r: EbayReturn): Record<string, unknown> {
		const o = this.orders.get(r.orderId) as SeedOrder;
		const m = (c: number) => ({ value: Number(fmtCents(c)), currency: r.currency });
		return {
			returnId: r.returnId,
			orderId: r.orderId,
			buyerLoginName: buyerOf(o),
			sellerLoginName: 'oms_wms_seller',
			currentType: 'MONEY_BACK',
			state: r.state,
			status: r.status,
			creationInfo: {
				item: { itemId: r.itemId, transactionId: r.transactionId, returnQuantity: r.quantity },
				type: 'MONEY_BACK',
				reason: r.reason,
				reasonType: r.reasonType,
				comments: { content: '' },
				creationDate: { value: new Date(r.createdAt).toISOString() },
			},
			sellerTotalRefund: { estimatedRefundAmount: m(r.estimatedRefundCents), ...(r.actualRefundCents !== undefined ? { actualRefundAmount: m(r.actualRefundCents) } : {}) },
			buyerTotalRefund: { estimatedRefundAmount: m(r.estimatedRefundCents), ...(r.actualRefundCents !== undefined ? { actualRefundAmount: m(r.actualRefundCents) } : {}) },
			...(r.state === 'INITIAL' ? { sellerResponseDue: { activityDue: 'SELLER_APPROVE_REQUEST', respondByDate: { value: new Date(r.createdAt + 3 * 86400_000).toISOString() } } } : {}),
		};
	}
	private returnDetail(r: EbayReturn): Record<string, unknown> {
		const m = (c: number) => ({ value: Number(fmtCents(c)), currency: r.currency });
		return {
			itemDetail: { itemId: r.itemId, transactionId: r.transactionId, sku: r.sku, returnQuantity: r.quantity },
			...(r.rmaNumber ? { RMANumber: r.rmaNumber } : {}),
			refundInfo: {
				estimatedRefundDetail: { itemizedRefundDetails: [{ refundFeeType: 'PURCHASE_PRICE', estimatedAmount: m(r.estimatedRefundCents) }], totalAmount: m(r.estimatedRefundCents) },
				...(r.actualRefundCents !== undefined ? { actualRefundDetail: { actualRefund: { totalAmount: m(r.actualRefundCents) }, refundStatus: 'SUCCESS' } } : {}),
			},
		};
	}
	private returnSearch(req: Req): Res {
		const q = req.query;
		const limit = q.get('limit') ? Number(q.get('limit')) : 10;
		const offset = q.get('offset') ? Number(q.get('offset')) : 0;
		if (!Number.isInteger(limit) || limit < 1 || limit > 200 || !Number.isInteger(offset) || offset < 0) return this.poErr(400, 1710, 'limit must be 1 to 200 and offset 0 or more');
		const rs = q.get('return_state');
		if (rs === 'ALL_OPEN_REPLACEMENT') return this.poErr(400, 1711, 'return_state ALL_OPEN_REPLACEMENT is not supported');
		if (rs && !RETURN_FILTERS.includes(rs)) return this.poErr(400, 1711, `Invalid return_state ${rs}`);
		const from = q.get('creation_date_range_from') ? Date.parse(q.get('creation_date_range_from') as string) : -Infinity;
		const to = q.get('creation_date_range_to') ? Date.parse(q.get('creation_date_range_to') as string) : Infinity;
		if (Number.isNaN(from) || Number.isNaN(to) || from > to) return this.poErr(400, 1712, 'Invalid creation date range');
		if (Number.isFinite(from) && from < this.now() - 548 * 86400_000) return this.poErr(400, 1712, 'creation_date_range_from cannot be more than 18 months in the past');
		const matches = (r: EbayReturn, f: string) =>
			f === 'ALL_OPEN' || f === 'ALL_OPEN_RETURN'
				? r.state !== 'CLOSED'
				: f === 'CLOSED'
					? r.state === 'CLOSED'
					: f === 'RETURN_STARTED'
						? r.state === 'INITIAL' || r.state === 'ITEM_READY_TO_SHIP'
						: f === 'EBAY_PLUS'
							? false
							: r.state === f;
		const base = this.returns.filter(
			(r) => r.createdAt >= from && r.createdAt <= to && (!q.get('order_id') || r.orderId === q.get('order_id')) && (!q.get('return_id') || r.returnId === q.get('return_id')) && (!q.get('item_id') || r.itemId === q.get('item_id')),
		);
		const all = base.filter((r) => !rs || matches(r, rs)).sort((a, b) => (q.get('sort') === 'FILED_DATE_ASC' ? a.createdAt - b.createdAt : b.createdAt - a.createdAt) || a.returnId.localeCompare(b.returnId));
		const countSummary = (rs ? [rs] : RETURN_FILTERS).map((type) => ({ type, count: base.filter((r) => matches(r, type)).length }));
		return {
			status: 200,
			body: { members: all.slice(offset, offset + limit).map((r) => this.returnSummary(r)), paginationOutput: { limit, offset, totalEntries: all.length, totalPages: Math.ceil(all.length / limit) }, countSummary },
		};
	}
	private returnDecide(req: Req, returnId: string): Res {
		const r = this.returns.find((x) => x.returnId === returnId);
		if (!r) return this.poErr(404, 1701, `Return ${returnId} not found`);
		const b = req.body as { decision?: string; RMANumber?: string } | undefined;
		if (!b?.decision || !['APPROVE', 'DECLINE', 'PROVIDE_RMA'].includes(b.decision)) return this.poErr(400, 1703, 'decision must be APPROVE, DECLINE or PROVIDE_RMA');
		if (r.state !== 'INITIAL') return this.poErr(400, 1704, `Return ${returnId} is ${r.state}: there is no request to decide`);
		if (b.decision === 'DECLINE') Object.assign(r, { state: 'CLOSED', status: 'CLOSED' });
		else Object.assign(r, { state: 'ITEM_READY_TO_SHIP', status: 'READY_FOR_SHIPPING', ...(b.RMANumber ? { rmaNumber: b.RMANumber } : {}) });
		r.modifiedAt = this.now();
		return { status: 200, body: {} };
	}
	private returnRefund(req: Req, returnId: string): Res {
		const r = this.returns.find((x) => x.returnId === returnId);
		if (!r) return this.poErr(404, 1701, `Return ${returnId} not found`);
		if (r.actualRefundCents !== undefined) return this.poErr(400, 1705, `Return ${returnId} was already refunded`);
		if (r.state === 'CLOSED' || r.state === 'INITIAL') return this.poErr(400, 1706, `Return ${returnId} is ${r.state}: it cannot be refunded`);
		const b = req.body as { refundDetail?: { itemizedRefundDetail?: Array<{ refundAmount?: { value?: number | string; currency?: string }; refundFeeType?: string }>; totalAmount?: { value?: number | string; currency?: string } } } | undefined;
		const items = b?.refundDetail?.itemizedRefundDetail;
		const totalAmount = b?.refundDetail?.totalAmount;
		if (!Array.isArray(items) || !items.length || !totalAmount) return this.poErr(400, 1707, 'refundDetail with itemizedRefundDetail and totalAmount is required');
		const c = (a?: { value?: number | string; currency?: string }) => (a && a.currency === r.currency && Number.isFinite(Number(a.value)) ? toCents(Number(a.value)) : NaN);
		const parts = items.map((i) => ({ type: i.refundFeeType ?? '', cents: c(i.refundAmount) }));
		const totalCents = c(totalAmount);
		if (parts.some((p) => Number.isNaN(p.cents) || !['PURCHASE_PRICE', 'ORIGINAL_SHIPPING', 'RESTOCKING_FEE', 'OTHER'].includes(p.type)) || Number.isNaN(totalCents)) return this.poErr(400, 1708, 'Each itemizedRefundDetail needs refundAmount in the order currency and a refundFeeType');
		if (parts.some((p) => (p.type === 'RESTOCKING_FEE' ? p.cents > 0 : p.cents < 0))) return this.poErr(400, 1708, 'Only RESTOCKING_FEE is negative');
		if (parts.reduce((s, p) => s + p.cents, 0) !== totalCents) return this.poErr(400, 1709, 'The itemized amounts must add up to totalAmount');
		if (totalCents <= 0 || totalCents > r.estimatedRefundCents) return this.poErr(400, 1709, `totalAmount must be more than 0 and at most the ${fmtCents(r.estimatedRefundCents)} this return can refund`);
		const staged = this.stagedRefundFailure();
		if (staged !== undefined) return this.poErr(staged, 1000, 'Internal error; please try again (staged)');
		const o = this.mustOrder(r.orderId);
		const st = this.st(o);
		st.refundedCents.set(r.lineItemId, (st.refundedCents.get(r.lineItemId) ?? 0) + totalCents);
		Object.assign(r, { actualRefundCents: totalCents, state: 'CLOSED', status: 'CLOSED', modifiedAt: this.now() });
		const refundId = `RET-${r.returnId}`;
		this.refunds.push({ refundId, orderId: r.orderId, via: 'post-order issue_refund', amount: totalCents / 100, currency: r.currency, at: this.now(), returnId: r.returnId, lines: [{ lineId: r.lineItemId, sku: r.sku, quantity: r.quantity, amount: totalCents / 100 }], reason: 'BUYER_RETURN' });
		this.recordRefund(o, refundId, totalCents, [r.lineItemId]);
		this.bump();
		return { status: 200, body: { refundStatus: 'SUCCESS' } };
	}

	// ---- money -----------------------------------------------------------------------------------------------
	/** Cents of each line: gross (price + shipping share - discount share, the seller's) and tax share */
	private lineCents(o: SeedOrder): Array<{ gross: number; tax: number }> {
		const p = o.lines.map((l) => toCents(lineTotal(l)));
		const ship = splitCents(toCents(o.shippingCost), p);
		const disc = splitCents(toCents(o.discount), p);
		const tax = splitCents(toCents(o.tax), p);
		return p.map((x, i) => ({ gross: x + ship[i] - disc[i], tax: tax[i] }));
	}
	private recordSale(o: SeedOrder, at: number): void {
		const cents = this.lineCents(o);
		const totalCents = toCents(total(o));
		const lines = o.lines.map((_, i) => {
			const basis = cents[i].gross + cents[i].tax;
			const fees = [{ feeType: 'FINAL_VALUE_FEE', cents: Math.round(basis * EBAY_FEE_TABLE.finalValueRate) }];
			if (i === 0) fees.push({ feeType: 'FINAL_VALUE_FEE_FIXED_PER_ORDER', cents: totalCents > EBAY_FEE_TABLE.fixedThresholdCents ? EBAY_FEE_TABLE.fixedPerOrderCents : EBAY_FEE_TABLE.fixedPerOrderSmallCents });
			return { lineItemId: lineIdOf(o, i), feeBasisCents: basis, fees };
		});
		const fee = lines.reduce((s, l) => s + l.fees.reduce((t, f) => t + f.cents, 0), 0);
		const tax = cents.reduce((s, c) => s + c.tax, 0);
		const t: EbayTransaction = {
			transactionId: o.id,
			orderId: o.id,
			transactionType: 'SALE',
			bookingEntry: 'CREDIT',
			amountCents: totalCents - tax - fee,
			feeBasisCents: totalCents,
			feeCents: fee,
			taxCents: tax,
			currency: o.currency,
			at,
			status: o.status === 'shipped' ? 'FUNDS_AVAILABLE_FOR_PAYOUT' : 'FUNDS_PROCESSING',
			lines,
			buyer: buyerOf(o),
		};
		this.transactions.push(t);
		this.applyPlants(t);
	}
	private markShipped(o: SeedOrder, lines: Array<{ lineItemId: string; quantity: number }>): void {
		const st = this.st(o);
		for (const l of lines) st.shippedLines.set(l.lineItemId, (st.shippedLines.get(l.lineItemId) ?? 0) + l.quantity);
		const sale = this.transactions.find((t) => t.transactionType === 'SALE' && t.orderId === o.id);
		if (sale && sale.status === 'FUNDS_PROCESSING') sale.status = sale.neverPaidOut ? 'FUNDS_ON_HOLD' : 'FUNDS_AVAILABLE_FOR_PAYOUT';
	}
	private recordRefund(o: SeedOrder, refundId: string, cents: number, lineIds: string[]): void {
		const t: EbayTransaction = {
			transactionId: refundId,
			orderId: o.id,
			transactionType: 'REFUND',
			bookingEntry: 'DEBIT',
			amountCents: cents,
			feeBasisCents: 0,
			feeCents: 0,
			taxCents: 0,
			currency: o.currency,
			at: this.now(),
			status: 'FUNDS_AVAILABLE_FOR_PAYOUT',
			lines: lineIds.map((lineItemId) => ({ lineItemId, feeBasisCents: 0, fees: [] })),
			buyer: buyerOf(o),
		};
		this.transactions.push(t);
		this.applyPlants(t);
	}
	/** A cancellation's refund of everything paid, and (for a cancellation) the fees given back as a CREDIT ⚠ */
	private refundWholeOrder(o: SeedOrder, reason: string, at: number, via: string, creditFees: boolean): void {
		const st = this.st(o);
		const gross = toCents(subtotal(o) + o.shippingCost - o.discount);
		const already = [...st.refundedCents.values()].reduce((s, c) => s + c, 0);
		const cents = gross - already;
		if (cents <= 0) return;
		const refundId = String(5_200_000_000 + ++this.seq);
		st.refundedCents.set('', (st.refundedCents.get('') ?? 0) + cents);
		st.refunds.push({ refundId, cents, status: 'REFUNDED', at, doneAt: at });
		this.refunds.push({ refundId, orderId: o.id, via, amount: cents / 100, currency: o.currency, at, reason });
		const sale = this.transactions.find((t) => t.transactionType === 'SALE' && t.orderId === o.id);
		if (sale && sale.status === 'FUNDS_PROCESSING') sale.status = 'FUNDS_AVAILABLE_FOR_PAYOUT';
		this.recordRefund(o, refundId, cents, []);
		this.transactions.at(-1)!.at = at;
		if (creditFees && sale)
			this.transactions.push({ transactionId: `${refundId}C`, orderId: o.id, transactionType: 'CREDIT', bookingEntry: 'CREDIT', amountCents: sale.feeCents, feeBasisCents: 0, feeCents: 0, taxCents: 0, currency: o.currency, at, status: 'FUNDS_AVAILABLE_FOR_PAYOUT', lines: [], memo: 'Fee credit for a cancelled order' });
	}
	private applyPlants(t: EbayTransaction): void {
		for (const p of this.planted) {
			if (p.applied || p.orderId !== t.orderId) continue;
			if (p.kind === 'over_fee' && t.transactionType === 'SALE') {
				const rate = this.plantOpts.get(p)?.rate ?? 0.2;
				const before = t.feeCents;
				for (const l of t.lines) l.fees[0].cents = Math.round(l.feeBasisCents * rate);
				t.feeCents = t.lines.reduce((s, l) => s + l.fees.reduce((x, f) => x + f.cents, 0), 0);
				t.amountCents -= t.feeCents - before;
				Object.assign(p, { applied: true, expectedCents: before, actualCents: t.feeCents });
			} else if (p.kind === 'missing_settlement' && t.transactionType === 'SALE') {
				t.neverPaidOut = true;
				if (t.status === 'FUNDS_AVAILABLE_FOR_PAYOUT') t.status = 'FUNDS_ON_HOLD';
				Object.assign(p, { applied: true, expectedCents: t.amountCents, actualCents: 0 });
			} else if (p.kind === 'double_refund' && t.transactionType === 'REFUND') {
				this.transactions.push({ ...t, transactionId: `${t.transactionId}D`, lines: t.lines.map((l) => ({ ...l })) });
				Object.assign(p, { applied: true, expectedCents: t.amountCents, actualCents: t.amountCents * 2 });
			}
		}
	}

	// ---- Finances ------------------------------------------------------------------------------------------------
	/** filter=name:[…] or name:{…}, repeated or comma-joined; values split on | */
	private filters(req: Req): Map<string, string> {
		const out = new Map<string, string>();
		for (const f of req.query.getAll('filter')) for (const m of f.matchAll(/(\w+):(\[[^\]]*\]|\{[^}]*\})/g)) out.set(m[1], m[2]);
		return out;
	}
	private range(v: string | undefined): { from: number; to: number } | undefined | 'bad' {
		if (!v) return undefined;
		const [a, b] = v.slice(1, -1).split('..');
		const from = a ? Date.parse(a) : -Infinity;
		const to = b ? Date.parse(b) : a ? Date.parse(a) + 90 * 86400_000 : Infinity;
		return Number.isNaN(from) || Number.isNaN(to) ? 'bad' : { from, to };
	}
	private txView(t: EbayTransaction): Record<string, unknown> {
		const m = (c: number) => ({ value: fmtCents(c), currency: t.currency });
		return {
			transactionId: t.transactionId,
			...(t.orderId ? { orderId: t.orderId } : {}),
			...(t.payoutId ? { payoutId: t.payoutId } : {}),
			salesRecordReference: '0',
			...(t.buyer ? { buyer: { username: t.buyer } } : {}),
			transactionType: t.transactionType,
			amount: m(t.amountCents),
			totalFeeBasisAmount: m(t.feeBasisCents),
			totalFeeAmount: m(t.feeCents),
			...(t.taxCents ? { eBayCollectedTaxAmount: m(t.taxCents) } : {}),
			orderLineItems: t.lines.map((l) => ({ lineItemId: l.lineItemId, feeBasisAmount: m(l.feeBasisCents), marketplaceFees: l.fees.map((f) => ({ feeType: f.feeType, amount: m(f.cents) })) })),
			bookingEntry: t.bookingEntry,
			transactionDate: new Date(t.at).toISOString(),
			transactionStatus: t.status,
			...(t.memo ? { transactionMemo: t.memo } : {}),
			paymentsEntity: 'eBay Commerce Inc',
			references: [],
		};
	}
	private getTransactions(req: Req): Res {
		const f = this.filters(req);
		const limit = req.query.get('limit') ? Number(req.query.get('limit')) : 20;
		const offset = req.query.get('offset') ? Number(req.query.get('offset')) : 0;
		const bad = (id: number, message: string) => this.err(400, id, message, {}, 'API_FINANCES');
		if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) return bad(135003, 'The value of pagination is invalid.');
		if (req.query.get('sort')) return bad(135005, 'The value of sorting is invalid.');
		const list = (k: string) => f.get(k)?.slice(1, -1).split('|').filter(Boolean);
		const types = list('transactionType');
		if (types?.some((t) => !TRANSACTION_TYPES.includes(t))) return bad(135006, 'The value of transaction type filter is invalid.');
		const statuses = list('transactionStatus');
		if (statuses?.some((s) => !TRANSACTION_STATUSES.includes(s))) return bad(135007, 'The value of transaction status filter is invalid.');
		if (f.has('transactionId') && !types) return bad(135009, 'Transaction type filter is missing.');
		const r = this.range(f.get('transactionDate'));
		if (r === 'bad') return bad(135008, 'The value of transaction date filter is invalid.');
		const byId = ['orderId', 'transactionId', 'payoutId'].some((k) => f.has(k));
		const window = r ?? (byId ? { from: -Infinity, to: Infinity } : { from: this.now() - 90 * 86400_000, to: Infinity });
		const all = this.transactions
			.filter((t) => t.at >= window.from && t.at <= window.to)
			.filter((t) => !types || types.includes(t.transactionType))
			.filter((t) => !statuses || statuses.includes(t.status))
			.filter((t) => !list('orderId') || list('orderId')!.includes(t.orderId ?? ''))
			.filter((t) => !list('transactionId') || list('transactionId')!.includes(t.transactionId))
			.filter((t) => !list('payoutId') || list('payoutId')!.includes(t.payoutId ?? ''))
			.filter((t) => !list('buyerUsername') || list('buyerUsername')!.includes(t.buyer ?? ''))
			.sort((a, b) => b.at - a.at || b.transactionId.localeCompare(a.transactionId));
		if (!all.length) return { status: 204 };
		const size = byId ? all.length : limit;
		const page = all.slice(offset, offset + size);
		const self = (off: number) => `${this.url}/sell/finances/v1/transaction?${new URLSearchParams([...req.query.getAll('filter').map((v) => ['filter', v] as [string, string]), ['limit', String(size)], ['offset', String(off)]]).toString()}`;
		return {
			status: 200,
			body: { href: self(offset), limit: size, offset, ...(offset + size < all.length ? { next: self(offset + size) } : {}), ...(offset > 0 ? { prev: self(Math.max(0, offset - size)) } : {}), total: all.length, transactions: page.map((t) => this.txView(t)) },
		};
	}
	private payoutView(p: EbayPayout): Record<string, unknown> {
		return {
			payoutId: p.payoutId,
			payoutStatus: p.status,
			payoutStatusDescription: p.status === 'SUCCEEDED' ? 'Funds sent' : p.status,
			amount: { value: fmtCents(p.amountCents), currency: p.currency },
			payoutDate: new Date(p.at).toISOString(),
			transactionCount: p.transactionIds.length,
			payoutInstrument: { instrumentType: 'BankAccount', nickname: 'Sandbox checking', accountLastFourDigits: '1234' },
		};
	}
	private getPayouts(req: Req): Res {
		const f = this.filters(req);
		const limit = req.query.get('limit') ? Number(req.query.get('limit')) : 20;
		const offset = req.query.get('offset') ? Number(req.query.get('offset')) : 0;
		const bad = (id: number, message: string) => this.err(400, id, message, {}, 'API_FINANCES');
		if (!Number.isInteger(limit) || limit < 1 || limit > 200 || !Number.isInteger(offset) || offset < 0) return bad(135003, 'The value of pagination is invalid.');
		const sort = req.query.get('sort');
		if (sort && !['payoutDate', '-payoutDate'].includes(sort)) return bad(135005, 'The value of sorting is invalid.');
		const statuses = f.get('payoutStatus')?.slice(1, -1).split('|').filter(Boolean);
		if (statuses && (statuses.length !== 1 || !PAYOUT_STATUSES.includes(statuses[0]))) return bad(135002, 'The value of payout status filter is invalid.');
		const r = this.range(f.get('payoutDate'));
		if (r === 'bad') return bad(135004, 'The value of payout date filter is invalid.');
		const all = this.payouts
			.filter((p) => !r || (p.at >= r.from && p.at <= r.to))
			.filter((p) => !statuses || statuses.includes(p.status))
			.sort((a, b) => (sort === '-payoutDate' ? b.at - a.at : a.at - b.at));
		if (!all.length) return { status: 204 };
		const page = all.slice(offset, offset + limit);
		const self = (off: number) => `${this.url}/sell/finances/v1/payout?${new URLSearchParams([...req.query.getAll('filter').map((v) => ['filter', v] as [string, string]), ['limit', String(limit)], ['offset', String(off)]]).toString()}`;
		return {
			status: 200,
			body: { href: self(offset), limit, offset, ...(offset + limit < all.length ? { next: self(offset + limit) } : {}), ...(offset > 0 ? { prev: self(Math.max(0, offset - limit)) } : {}), total: all.length, payouts: page.map((p) => this.payoutView(p)) },
		};
	}

	// ---- state -----------------------------------------------------------------------------------------------------
	private mustReturn(id: string): EbayReturn {
		const r = this.returns.find((x) => x.returnId === id);
		if (!r) throw new Error(`no return ${id}`);
		return r;
	}
	private st(o: SeedOrder): OrderState {
		let s = this.state.get(o.id);
		if (!s) {
			s = { shippedLines: new Map(), returnedLines: new Map(), refunds: [], refundedCents: new Map() };
			this.state.set(o.id, s);
		}
		return s;
	}
}

/** The lineItemId the sandbox gives an order's line */
export function lineIdOf(o: SeedOrder, index: number): string {
	return `${o.id.replace(/\D/g, '').slice(-8)}${String(index + 1).padStart(3, '0')}`;
}
function legacyItemIdOf(o: SeedOrder, index: number): string {
	return String(110000000000 + (o.lines[index].sku.length * 7919 + index));
}
function buyerOf(o: SeedOrder): string {
	return `${o.customer.firstName.toLowerCase()}_${o.customer.id}`;
}
function randomId(seed: string): string {
	return `${seed.replace(/\D/g, '')}PAY`;
}
