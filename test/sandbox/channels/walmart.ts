/**
 * Walmart Marketplace (US) sandbox: POST /v3/token (client credentials, Basic, 900 s), GET /v3/orders with
 * lastModifiedStartDate/createdStartDate, limit ≤ 200 and nextCursor paging, GET /v3/orders/released,
 * GET /v3/orders/{po}, POST …/acknowledge, …/shipping, …/cancel, …/refund, PUT /v3/inventory?sku=, the bulk
 * inventory feed (POST /v3/feeds?feedType=inventory, GET /v3/feeds/{feedId}, GET /v3/feeds), the Returns API
 * (GET /v3/returns, POST /v3/returns/{returnOrderId}/refund) and the reconciliation report (GET /v3/report/
 * reconreport/availableReconFiles, …/reconFile, …/reconFileJson, reportVersion=v1).
 * Facts: docs/architecture.md#vendor-api-facts (Walmart): the WM_SVC.NAME / WM_QOS.CORRELATION_ID / WM_SEC.ACCESS_TOKEN header set is
 * required (401 without); per-API token buckets reported in x-current-token-count and x-next-replenishment-time
 * (plus x-max-token-count ⚠) with 429 when empty; line-level statuses; auto-cancel of lines not shipped by
 * estimated ship date + 8 days. Bucket sizes are ⚠ (the same assumptions as the client).
 * Assumed ⚠: "no orders" is 404 CONTENT_NOT_FOUND; a quantity > 1 is split into one order line per unit.
 *
 * After intake (issues 20-22), from highsidelabs/walmart-api-php docs/Apis/MP/US and docs/Models/MP/US ✔ unless ⚠:
 *  - Shipping a line the customer intends to cancel (orderLine.intentToCancel) needs intentToCancelOverride: true
 *    ✔ (ShippingLineType); without it the sandbox refuses the line ⚠. Acknowledge "within four hours of creation" ✔
 *    (developer.walmart.com/us-marketplace/docs/acknowledge-a-created-order); that Walmart cancels orders left
 *    unacknowledged is ⚠ (the documented auto-cancel is of lines not shipped by the estimated ship date plus 8
 *    calendar days, plus 4 in Walmart's current page ⚠): opt in with `autoCancelUnacknowledged({ afterHours })`.
 *  - Bulk inventory: POST /v3/feeds?feedType=inventory with a multipart file ✔ (InventoryApi updateBulkInventory),
 *    spec 1.4 JSON {"InventoryHeader":{"version":"1.4"},"Inventory":[{sku, quantity{unit, amount}}]} ⚠ (public
 *    code); answer {feedId} ✔; feed status RECEIVED, INPROGRESS, PROCESSED, ERROR ✔ with itemsReceived,
 *    itemsSucceeded, itemsFailed, itemsProcessing and, with includeDetails=true, itemDetails.itemIngestionStatus[]
 *    {martId, sku, wpid, index, ingestionStatus, ingestionErrors} paged by offset/limit ≤ 50 ✔ (Feeds models);
 *    a feedId holds '@', escaped in URLs ✔. 10 feeds an hour, 5 MB a file ⚠ (developer.walmart.com
 *    cl-marketplace/docs/bulk-inventory-update); 429 with Retry-After ✔ (us-marketplace bulk-inventory-update-feed);
 *    processing times ⚠ (1 minute queued, 5 minutes processing, scaled; `jobTiming`); SUCCESS as the item status of
 *    a good item ⚠.
 *  - Returns: GET /v3/returns filters returnOrderId, customerOrderId, status INITIATED|DELIVERED|COMPLETED,
 *    returnType, returnCreationStartDate/EndDate, returnLastModifiedStartDate/EndDate, limit ≤ 200 (default 10),
 *    meta{totalCount, limit, nextCursor} ✔; returnOrderLines fields and returnReason codes ✔ (ReturnOrderLine);
 *    nextCursor as a query string to append ⚠; refund by return {customerOrderId, refundLines
 *    [{returnOrderLineNumber, quantity{unitOfMeasure, measurementValue}}]}, the only line auto-selected when one
 *    ✔; refunding more than was returned and not yet refunded is refused ⚠ (which makes a retry safe).
 *  - Refund order lines: orderRefund.orderLines.orderLine[{lineNumber, isFullRefund, refunds.refund[{refundComments,
 *    refundCharges.refundCharge[{refundReason, charge{chargeType, chargeName, chargeAmount{currency, amount < 0},
 *    tax{taxName, taxAmount}}}]}]}] ✔; shipped lines only, full and partial refunds not mixed in one request ✔
 *    (developer.walmart.com/us/whats-new/returns-api-update); the answer is the order with orderLine.refund ✔;
 *    refunding more than a line's charges is refused ⚠.
 *  - Recon report v1 columns ⚠ (Walmart's JSON sample shows Period Start Date, Period End Date, Currency,
 *    Transaction Type PaymentSummary, Total Payable, Transaction Description "Deposited in account", Transaction
 *    Posted Timestamp ✔ (…/docs/recon-report-json); the full list is from a public parser); Amount Type values,
 *    the CSV quoting, report dates as MMDDYYYY and the fee table (15% commission on price and shipping) are ⚠.
 */
import { randomBytes } from 'node:crypto';
import { basicAuth, header, type Req, type Res, type SandboxOptions } from '../common';
import { type SeedOrder, money } from '../generator';
import { MarketplaceSandbox, type DiscrepancyKind, type JobTimes, type JobTiming, type PlantedDiscrepancy, csv, fmtCents, jobPhase, mmddyyyy, multipartParts, scheduleJob, toCents } from './kit';

export const WALMART_SANDBOX_CREDENTIALS = {
	clientId: 'walmart-sandbox-client-0001',
	clientSecret: 'walmart-sandbox-secret-0001-very-secret',
};

const LIMITS = {
	getAllOrders: { ratePerSec: 1, burst: 20 },
	getOrder: { ratePerSec: 2, burst: 20 },
	acknowledge: { ratePerSec: 2, burst: 20 },
	shipping: { ratePerSec: 2, burst: 20 },
	cancel: { ratePerSec: 2, burst: 20 },
	updateInventory: { ratePerSec: 2, burst: 20 },
	// ⚠ 10 feeds an hour
	bulkInventoryFeed: { ratePerSec: 10 / 3600, burst: 10 },
	getFeedStatus: { ratePerSec: 2, burst: 20 },
	getAllFeedStatuses: { ratePerSec: 2, burst: 20 },
	refund: { ratePerSec: 2, burst: 20 },
	getReturns: { ratePerSec: 2, burst: 20 },
	returnRefund: { ratePerSec: 2, burst: 20 },
	reconReport: { ratePerSec: 2, burst: 20 },
};

/** The sandbox's fee table ⚠ */
export const WALMART_FEE_TABLE = { commissionRate: 0.15 } as const;
/** ✔ ReturnOrderLine returnReason codes */
export const RETURN_REASONS = [
	'ARRIVED_LATE',
	'AUTO_RETURN',
	'BOUGHT_ANOTHER_SIZE_OR_COLOR',
	'BOUGHT_SOMEWHERE_ELSE',
	'DAMAGED',
	'DEFECTIVE',
	'DUPLICATE_ITEM',
	'INADEQUATE_QUALITY',
	'INCORRECT_ITEM',
	'LOST_AFTER_DELIVERY',
	'LOST_IN_TRANSIT',
	'LOWER_PRICE',
	'MISSING_PARTS',
	'NOT_AS_DESCRIBED',
	'NO_LONGER_WANTED',
	'RETURN_TO_SENDER',
	'SHIPPING_BOX_DAMAGED',
	'TRIED_TO_CANCEL',
	'WRONG_SIZE/POOR_FIT',
];
/** ⚠ the v1 recon report's columns (a public parser's list, with Walmart's JSON sample keys among them) */
export const RECON_COLUMNS = [
	'Period Start Date',
	'Period End Date',
	'Total Payable',
	'Currency',
	'Transaction Key',
	'Transaction Posted Timestamp',
	'Transaction Type',
	'Transaction Description',
	'Customer Order #',
	'Customer Order line #',
	'Purchase Order #',
	'Purchase Order line #',
	'Amount',
	'Amount Type',
	'Ship Qty',
	'Commission Rate',
	'Transaction Reason Description',
	'Partner Item Id',
	'Partner GTIN',
	'Partner Item Name',
	'Product Tax Code',
	'Ship to State',
	'Ship to City',
	'Ship to Zipcode',
	'Contract Category',
	'Product Type',
	'Commission Rule',
	'Shipping Method',
	'Fulfillment Type',
];

const METHOD: Record<string, string> = { standard: 'Standard', economy: 'Value', expedited: 'Express', next_day: 'OneDay', priority: 'Express', same_day: 'OneDay', freight: 'Freight' };

interface LineState {
	status: string;
	tracking?: unknown;
	reason?: string;
	/** the customer asked to cancel this line (orderLine.intentToCancel) */
	intentToCancel?: boolean;
	refundedCents?: number;
	lastRefund?: Record<string, unknown>;
	returnOrderId?: string;
}
/** One unit line's money, cents */
interface UnitLine {
	lineNumber: string;
	sku: string;
	title: string;
	priceCents: number;
	taxCents: number;
	shippingCents: number;
}
export interface WalmartReturn {
	returnOrderId: string;
	customerOrderId: string;
	purchaseOrderId: string;
	createdAt: number;
	modifiedAt: number;
	lines: Array<{ returnOrderLineNumber: number; purchaseOrderLineNumber: string; sku: string; title: string; reason: string; quantity: number; refundedQty: number; unitPriceCents: number; unitTaxCents: number; status: 'INITIATED' | 'DELIVERED' | 'COMPLETED' }>;
}
interface WalmartFeed {
	feedId: string;
	feedType: string;
	times: JobTimes;
	error?: string;
	items: Array<{ sku: string; amount: unknown; unit: unknown; index: number; status?: string; errors?: Array<{ type: string; code: string; description: string }> }>;
}
/** A money line of the recon report (signed cents, the seller's view) */
interface ReconEvent {
	key: string;
	type: 'Sale' | 'Refund';
	po: string;
	lineNumber: string;
	sku: string;
	title: string;
	at: number;
	amounts: Array<{ amountType: string; cents: number; qty?: number }>;
	reason?: string;
	reportDate?: string;
	neverSettled?: boolean;
	duplicated?: boolean;
}
export interface WalmartSettlement {
	/** MMDDYYYY */
	reportDate: string;
	startAt: number;
	endAt: number;
	/** cents: what Walmart deposits; rowsCents: the sum of the report's amount rows */
	totalPayableCents: number;
	rowsCents: number;
	eventKeys: string[];
}

export class WalmartSandbox extends MarketplaceSandbox {
	readonly name = 'walmart';
	protected readonly confirmationPath = /^\/v3\/orders\/[^/]+\/shipping$/;
	/** line statuses by purchaseOrderId and lineNumber */
	readonly lineState = new Map<string, Map<string, LineState>>();
	readonly received = {
		acknowledgements: [] as string[],
		shipments: [] as Array<{ purchaseOrderId: string; body: unknown; duplicate?: boolean }>,
		cancellations: [] as Array<{ purchaseOrderId: string; body: unknown }>,
		inventory: [] as Array<{ sku: string; query: Record<string, string>; body: unknown }>,
		/** bulk inventory feeds as uploaded */
		feeds: [] as Array<{ feedId: string; feedType: string; content: string }>,
		/** order-line refunds as sent */
		orderRefunds: [] as Array<{ purchaseOrderId: string; body: unknown }>,
	};
	/** the latest quantity per SKU and how it came (the single-SKU call or the inventory feed) */
	readonly quantities = new Map<string, { quantity: number; via: 'updateInventory' | 'inventoryFeed'; at: number; feedId?: string }>();
	/** SKUs the inventory feed refuses (DATA_ERROR) */
	readonly invalidSkus = new Set<string>();
	readonly returns: WalmartReturn[] = [];
	readonly settlements: WalmartSettlement[] = [];
	readonly events: ReconEvent[] = [];
	/** unscaled feed timing ⚠ */
	jobTiming: JobTiming = { queueMs: 60_000, processMs: 300_000 };
	private readonly feeds: WalmartFeed[] = [];
	private readonly lanes = new Map<string, number>();
	private readonly released = new Map<string, number>();
	private unackHours?: number;
	private seq = 0;
	constructor(
		opts: SandboxOptions = {},
		readonly creds = WALMART_SANDBOX_CREDENTIALS,
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
			this.released.set(o.id, this.now());
			const m = new Map<string, LineState>();
			let n = 0;
			for (const l of o.lines)
				for (let u = 0; u < l.quantity; u++)
					m.set(String(++n), { status: o.status === 'cancelled' ? 'Cancelled' : o.status === 'shipped' ? 'Shipped' : 'Created' });
			this.lineState.set(o.id, m);
			if (o.status === 'shipped') for (const u of this.unitLines(o)) this.recordSale(o, u, Date.parse(o.updatedAt));
		}
	}


	// ---- controls (issue 20) -----------------------------------------------------------------------------
	/** The customer asks to cancel: the lines (default all unshipped) show intentToCancel; shipping them needs intentToCancelOverride */
	requestCancellation(po: string, lineNumbers?: string[]): void {
		const states = this.mustLines(po);
		for (const [n, st] of states) if ((!lineNumbers || lineNumbers.includes(n)) && (st.status === 'Created' || st.status === 'Acknowledged')) st.intentToCancel = true;
		this.touch(po);
	}
	/** Walmart cancels lines (default all unshipped) with a reason */
	cancelOrder(po: string, opts: { lineNumbers?: string[]; reason?: string } = {}): void {
		const states = this.mustLines(po);
		for (const [n, st] of states)
			if ((!opts.lineNumbers || opts.lineNumbers.includes(n)) && (st.status === 'Created' || st.status === 'Acknowledged')) Object.assign(st, { status: 'Cancelled', reason: opts.reason ?? 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL' });
		this.touch(po);
	}
	/** ⚠ Walmart releases orders once paid: there is no "paid later" state to change */
	markPaid(po: string): never {
		throw new Error(`Walmart releases orders only after payment: ${po} cannot be marked paid later`);
	}
	/** ⚠ Lines still Created (never acknowledged) `afterHours` (scaled) after their release are cancelled by Walmart */
	autoCancelUnacknowledged(opts: { afterHours?: number } | false = {}): void {
		this.unackHours = opts === false ? undefined : (opts.afterHours ?? 4);
	}
	/** The next `times` inventory feeds end ERROR with `message` as their ingestion error, applying nothing */
	failFeeds(times = 1, message = 'The feed could not be processed (staged failure)'): void {
		for (let i = 0; i < times; i++) this.failFeedsLeft.push(message);
	}
	private readonly failFeedsLeft: string[] = [];
	/** Finish every queued or processing feed now */
	completeJobs(): void {
		for (const f of this.feeds) if (!f.times.finished) f.times.startAt = f.times.endAt = Math.min(f.times.endAt, this.now());
		this.lanes.clear();
		this.tick();
	}

	// ---- controls (issue 21) -----------------------------------------------------------------------------
	/** The customer returns shipped lines (default: all shipped, not yet returned lines). Throws when there are none. */
	createReturn(po: string, opts: { lineNumbers?: string[]; reason?: string; at?: number } = {}): WalmartReturn {
		const o = this.orders.get(po);
		if (!o) throw new Error(`no order ${po}`);
		const states = this.mustLines(po);
		const units = this.unitLines(o);
		const chosen = units.filter((u) => (!opts.lineNumbers || opts.lineNumbers.includes(u.lineNumber)) && states.get(u.lineNumber)?.status === 'Shipped' && !states.get(u.lineNumber)?.returnOrderId);
		if (!chosen.length || (opts.lineNumbers && chosen.length !== opts.lineNumbers.length)) throw new Error(`order ${po}: the lines to return must be shipped and not already returned`);
		const reason = opts.reason ?? 'NO_LONGER_WANTED';
		if (!RETURN_REASONS.includes(reason)) throw new Error(`returnReason ${reason} is not one of Walmart's`);
		const at = opts.at ?? this.now();
		const r: WalmartReturn = {
			returnOrderId: String(77_000_000_000_000 + ++this.seq),
			customerOrderId: customerOrderIdOf(o),
			purchaseOrderId: po,
			createdAt: at,
			modifiedAt: at,
			lines: chosen.map((u, i) => ({ returnOrderLineNumber: i + 1, purchaseOrderLineNumber: u.lineNumber, sku: u.sku, title: u.title, reason, quantity: 1, refundedQty: 0, unitPriceCents: u.priceCents, unitTaxCents: u.taxCents, status: 'INITIATED' })),
		};
		for (const u of chosen) (states.get(u.lineNumber) as LineState).returnOrderId = r.returnOrderId;
		this.returns.push(r);
		this.touch(po);
		return r;
	}
	/** The return's parcel arrives (DELIVERED) or the return completes */
	advanceReturn(returnOrderId: string, status: 'DELIVERED' | 'COMPLETED'): WalmartReturn {
		const r = this.returns.find((x) => x.returnOrderId === returnOrderId);
		if (!r) throw new Error(`no return ${returnOrderId}`);
		for (const l of r.lines) l.status = status;
		r.modifiedAt = this.now();
		return r;
	}

	// ---- controls (issue 22) -----------------------------------------------------------------------------
	/**
	 * Close the settlement period at `at` (default now): every unsettled sale and refund posted by then (except a
	 * planted missing settlement) goes into one reconciliation report, dated the period's end (MMDDYYYY).
	 */
	closeSettlement(opts: { at?: number } = {}): WalmartSettlement | undefined {
		const at = opts.at ?? this.now();
		const evs = this.events.filter((e) => !e.reportDate && !e.neverSettled && e.at <= at).sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
		if (!evs.length) return undefined;
		let reportDate = mmddyyyy(at).replace(/\//g, '');
		for (let k = 2; this.settlements.some((s) => s.reportDate === reportDate); k++) reportDate = `${mmddyyyy(at).replace(/\//g, '')}-${k}`;
		const rows = evs.reduce((s, e) => s + e.amounts.reduce((t, a) => t + a.cents, 0) * (e.duplicated ? 2 : 1), 0);
		let total = rows;
		const mismatch = this.planted.find((p) => p.kind === 'payout_mismatch' && !p.applied);
		if (mismatch) {
			total += this.plantOpts.get(mismatch)?.deltaCents ?? -1000;
			Object.assign(mismatch, { applied: true, settlementId: reportDate, expectedCents: rows, actualCents: total });
		}
		for (const e of evs) e.reportDate = reportDate;
		for (const p of this.planted) if (p.applied && !p.settlementId && p.orderId && evs.some((e) => e.po === p.orderId) && p.kind !== 'missing_settlement') p.settlementId = reportDate;
		const s: WalmartSettlement = { reportDate, startAt: this.settlements.at(-1)?.endAt ?? evs[0].at, endAt: at, totalPayableCents: total, rowsCents: rows, eventKeys: evs.map((e) => e.key) };
		this.settlements.push(s);
		return s;
	}
	/** Plant a discrepancy (kit.ts): over_fee and missing_settlement on the order's sales, double_refund on its next or unsettled refund */
	plantDiscrepancy(kind: DiscrepancyKind, opts: { orderId?: string; deltaCents?: number; rate?: number } = {}): PlantedDiscrepancy {
		const p = this.newPlant(kind, opts);
		for (const e of this.events) if (!e.reportDate) this.applyPlants(e);
		return p;
	}

	private lastModified(o: SeedOrder): number {
		return Date.parse(o.updatedAt);
	}

	/** Unit lines with their cents: the order's tax spread over its units, the remainder on the last; shipping on line 1 */
	private unitLines(o: SeedOrder): UnitLine[] {
		const units = Math.max(1, o.lines.reduce((s, x) => s + x.quantity, 0));
		const taxCents = Math.round(o.tax * 100);
		const baseTax = Math.floor(taxCents / units);
		const out: UnitLine[] = [];
		let n = 0;
		for (const l of o.lines)
			for (let u = 0; u < l.quantity; u++) {
				n++;
				out.push({ lineNumber: String(n), sku: l.sku, title: l.title, priceCents: toCents(l.unitPrice), taxCents: baseTax + (n === units ? taxCents - baseTax * units : 0), shippingCents: n === 1 ? toCents(o.shippingCost) : 0 });
			}
		return out;
	}

	render(o: SeedOrder): Record<string, unknown> {
		const created = Date.parse(o.createdAt);
		const estShip = created + 2 * 86400_000;
		const states = this.lineState.get(o.id) ?? new Map<string, LineState>();
		const lines: unknown[] = [];
		for (const u of this.unitLines(o)) {
			const num = u.lineNumber;
			const st = states.get(num) ?? { status: 'Created' };
			// auto-cancel: a line not Shipped by estimated ship date + 8 days ✔ (§5.4)
			if ((st.status === 'Created' || st.status === 'Acknowledged') && this.now() > estShip + 8 * 86400_000) {
				st.status = 'Cancelled';
				st.reason = 'SELLER_CANCEL_AUTO';
			}
			const charges: unknown[] = [
				{ chargeType: 'PRODUCT', chargeName: 'ItemPrice', chargeAmount: { currency: 'USD', amount: Number(money(u.priceCents / 100)) }, tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: u.taxCents / 100 } } },
			];
			if (u.shippingCents) charges.push({ chargeType: 'SHIPPING', chargeName: 'Shipping', chargeAmount: { currency: 'USD', amount: u.shippingCents / 100 }, tax: null });
			lines.push({
				lineNumber: num,
				item: { productName: u.title, sku: u.sku },
				charges: { charge: charges },
				orderLineQuantity: { unitOfMeasurement: 'EACH', amount: '1' },
				statusDate: Date.parse(o.updatedAt),
				orderLineStatuses: {
					orderLineStatus: [
						{
							status: st.status,
							statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' },
							...(st.reason ? { cancellationReason: st.reason } : {}),
							...(st.tracking ? { trackingInfo: st.tracking } : {}),
						},
					],
				},
				...(st.returnOrderId ? { returnOrderId: st.returnOrderId } : {}),
				...(st.lastRefund ? { refund: st.lastRefund } : {}),
				fulfillment: { fulfillmentOption: 'S2H', shipMethod: (METHOD[o.shippingLevel] ?? 'Standard').toUpperCase(), pickUpDateTime: estShip },
				...(st.intentToCancel ? { intentToCancel: 'Y' } : {}),
			});
		}
		const a = o.shipTo;
		return {
			purchaseOrderId: o.id,
			customerOrderId: customerOrderIdOf(o),
			customerEmailId: `${randomHex(o.customer.email)}@relay.walmart.com`,
			orderDate: created,
			shippingInfo: {
				phone: (a.phone ?? '0000000000').replace(/^\+1/, ''),
				estimatedDeliveryDate: created + 6 * 86400_000,
				estimatedShipDate: estShip,
				methodCode: METHOD[o.shippingLevel] ?? 'Standard',
				postalAddress: { name: a.name, address1: a.line1, ...(a.line2 ? { address2: a.line2 } : {}), city: a.city, state: a.region, postalCode: a.postalCode, country: 'USA', addressType: a.company ? 'COMMERCIAL' : 'RESIDENTIAL' },
			},
			orderLines: { orderLine: lines },
			shipNode: { type: 'SellerFulfilled' },
		};
	}

	private tokenHeaders(op: string): Record<string, string> {
		const b = this.bucket(op);
		if (!b) return {};
		const avail = Math.floor(b.available);
		const next = this.now() + Math.ceil(((1 - (b.available - avail)) / b.ratePerSec) * 1000);
		return { 'x-current-token-count': String(avail), 'x-next-replenishment-time': String(next), 'x-max-token-count': String(b.burst) };
	}

	private err(status: number, code: string, description: string, headers: Record<string, string> = {}): Res {
		return { status, headers, body: { errors: { error: [{ code, field: 'data', description, info: description, severity: 'ERROR', category: 'DATA', causes: [], errorIdentifiers: {} }] } } };
	}

	protected throttleResponse(op: string): Res {
		const h = this.tokenHeaders(op);
		if (op === 'bulkInventoryFeed') h['retry-after'] = String(Math.ceil(this.secsToNextToken(op)));
		return this.err(429, 'REQUEST_THRESHOLD_VIOLATED.GMP_ORDER_API', 'Too many requests', h);
	}

	protected opOf(req: Req): string {
		const p = req.path;
		if (p === '/v3/token') return 'token';
		if (p === '/v3/orders' || p === '/v3/orders/released') return 'getAllOrders';
		if (/^\/v3\/orders\/[^/]+\/acknowledge$/.test(p)) return 'acknowledge';
		if (/^\/v3\/orders\/[^/]+\/shipping$/.test(p)) return 'shipping';
		if (/^\/v3\/orders\/[^/]+\/cancel$/.test(p)) return 'cancel';
		if (/^\/v3\/orders\/[^/]+\/refund$/.test(p)) return 'refund';
		if (/^\/v3\/orders\/[^/]+$/.test(p)) return 'getOrder';
		if (p === '/v3/inventory') return 'updateInventory';
		if (p === '/v3/feeds') return req.method === 'POST' ? 'bulkInventoryFeed' : 'getAllFeedStatuses';
		if (/^\/v3\/feeds\/[^/]+$/.test(p)) return 'getFeedStatus';
		if (p === '/v3/returns') return 'getReturns';
		if (/^\/v3\/returns\/[^/]+\/refund$/.test(p)) return 'returnRefund';
		if (p.startsWith('/v3/report/reconreport/')) return 'reconReport';
		return 'other';
	}

	protected route(req: Req): Res {
		this.tick();
		const op = this.opOf(req);
		if (!header(req, 'wm_svc.name') || !header(req, 'wm_qos.correlation_id'))
			return this.err(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'WM_SVC.NAME and WM_QOS.CORRELATION_ID headers are required');
		if (op === 'token') return this.token(req);
		const state = this.checkToken(header(req, 'wm_sec.access_token'));
		if (state !== 'ok') return this.err(401, 'UNAUTHORIZED.GMP_GATEWAY_API', state === 'expired' ? 'Token expired' : 'Unauthorized');
		if (op !== 'other' && !this.admit(op)) return this.throttleResponse(op);
		const th = this.tokenHeaders(op);
		const wrap = (r: Res): Res => ({ ...r, headers: { ...th, ...(r.headers ?? {}) } });
		const po = decodeURIComponent(req.path.split('/')[3] ?? '');
		switch (op) {
			case 'getAllOrders':
				return wrap(this.list(req));
			case 'getOrder': {
				const o = this.orders.get(po);
				return wrap(o ? { status: 200, body: { order: this.render(o) } } : this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`));
			}
			case 'acknowledge': {
				const o = this.orders.get(po);
				if (!o) return wrap(this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`));
				for (const st of this.lineState.get(po)?.values() ?? []) if (st.status === 'Created') st.status = 'Acknowledged';
				this.received.acknowledgements.push(po);
				o.updatedAt = this.iso();
				this.bump();
				return wrap({ status: 200, body: { order: this.render(o) } });
			}
			case 'shipping':
				return wrap(this.ship(po, req));
			case 'cancel':
				return wrap(this.cancel(po, req));
			case 'refund':
				return wrap(this.refundOrderLines(po, req));
			case 'updateInventory': {
				const sku = req.query.get('sku');
				const b = req.body as { sku?: string; quantity?: { unit?: string; amount?: number } } | undefined;
				if (req.method !== 'PUT') return wrap(this.err(405, 'METHOD_NOT_ALLOWED', 'PUT only'));
				if (!sku || !b?.sku || b.sku !== sku || b.quantity?.unit !== 'EACH' || typeof b.quantity.amount !== 'number')
					return wrap(this.err(400, 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API', 'sku query parameter and body {sku, quantity:{unit:"EACH", amount}} are required'));
				this.received.inventory.push({ sku, query: Object.fromEntries(req.query), body: b });
				this.quantities.set(sku, { quantity: b.quantity.amount, via: 'updateInventory', at: this.now() });
				return wrap({ status: 200, body: { sku, quantity: b.quantity } });
			}
			case 'bulkInventoryFeed':
				return wrap(this.createFeed(req));
			case 'getFeedStatus':
				return wrap(this.feedStatus(req, po));
			case 'getAllFeedStatuses':
				return wrap(this.allFeedStatuses(req));
			case 'getReturns':
				return wrap(this.getReturns(req));
			case 'returnRefund':
				return wrap(this.refundReturn(po, req));
			case 'reconReport':
				return wrap(this.recon(req));
		}
		return this.err(404, 'CONTENT_NOT_FOUND', `No route ${req.method} ${req.path}`);
	}

	private token(req: Req): Res {
		const ba = basicAuth(req);
		if (!ba || ba.user !== this.creds.clientId || ba.pass !== this.creds.clientSecret) return this.err(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'Invalid client credentials');
		const b = (req.body ?? {}) as Record<string, string>;
		if (b.grant_type !== 'client_credentials') return this.err(400, 'INVALID_REQUEST_PARAM', 'grant_type must be client_credentials');
		const t = this.issueToken('eyJraWQiOiJ', 900);
		return { status: 200, body: { access_token: t.token, token_type: 'Bearer', expires_in: t.expiresIn } };
	}

	private readonly cursors = new Map<string, string[]>();

	private list(req: Req): Res {
		const q = req.query;
		const limit = q.get('limit') ? Number(q.get('limit')) : 100;
		if (!Number.isInteger(limit) || limit < 1 || limit > 200) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'limit must be between 1 and 200');
		let ids: string[];
		let offset = 0;
		const cursorId = q.get('cursorId');
		if (q.get('hasMoreElements') === 'true' && cursorId) {
			const snap = this.cursors.get(cursorId);
			if (!snap) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'nextCursor is invalid or expired');
			ids = snap;
			offset = Number(q.get('poIndex') ?? 0);
		} else {
			const released = req.path.endsWith('/released');
			const lm = q.get('lastModifiedStartDate');
			const cs = q.get('createdStartDate') ?? (lm ? undefined : new Date(this.now() - 7 * 86400_000).toISOString());
			const from = lm ? Date.parse(lm) : Date.parse(cs as string);
			const lmEnd = q.get('lastModifiedEndDate');
			const csEnd = q.get('createdEndDate');
			if (Number.isNaN(from)) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'invalid date');
			const statusFilter = q.get('status');
			ids = [...this.orders.values()]
				.filter((o) => {
					const t = lm ? this.lastModified(o) : Date.parse(o.createdAt);
					if (t < from) return false;
					if (lmEnd && this.lastModified(o) > Date.parse(lmEnd)) return false;
					if (csEnd && Date.parse(o.createdAt) > Date.parse(csEnd)) return false;
					const sts = [...(this.lineState.get(o.id)?.values() ?? [])].map((s) => s.status);
					if (released && !sts.includes('Created')) return false;
					if (statusFilter && !sts.includes(statusFilter)) return false;
					return true;
				})
				.sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt) || x.id.localeCompare(y.id))
				.map((o) => o.id);
			if (!ids.length) return this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', 'No orders found for the given search criteria');
		}
		const page = ids.slice(offset, offset + limit);
		let nextCursor: string | null = null;
		if (offset + limit < ids.length) {
			const id = cursorId ?? randomBytes(8).toString('hex');
			this.cursors.set(id, ids);
			nextCursor = `?limit=${limit}&hasMoreElements=true&soIndex=${ids.length}&poIndex=${offset + limit}&sellerId=8&cursorId=${id}`;
		}
		return {
			status: 200,
			body: { list: { meta: { totalCount: ids.length, limit, nextCursor }, elements: { order: page.map((id) => this.render(this.orders.get(id) as SeedOrder)) } } },
		};
	}

	private ship(po: string, req: Req): Res {
		const o = this.orders.get(po);
		if (!o) return this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`);
		const lines = (req.body as { orderShipment?: { orderLines?: { orderLine?: Array<Record<string, unknown>> } } } | undefined)?.orderShipment?.orderLines?.orderLine;
		if (!Array.isArray(lines) || !lines.length) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'orderShipment.orderLines.orderLine is required');
		const states = this.lineState.get(po) as Map<string, LineState>;
		for (const l of lines) {
			const st = states.get(String(l.lineNumber));
			const s = (l.orderLineStatuses as { orderLineStatus?: Array<Record<string, unknown>> } | undefined)?.orderLineStatus?.[0];
			if (!st) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `lineNumber ${String(l.lineNumber)} is not in ${po}`);
			const ti = s?.trackingInfo as Record<string, unknown> | undefined;
			if (s?.status !== 'Shipped' || !ti?.trackingNumber || !ti.carrierName || typeof ti.shipDateTime !== 'number')
				return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'orderLineStatus needs status Shipped, statusQuantity and trackingInfo {shipDateTime (epoch ms), carrierName, methodCode, trackingNumber}');
			if (st.status === 'Cancelled') return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${String(l.lineNumber)} is cancelled`);
			if (st.intentToCancel && st.status !== 'Shipped' && l.intentToCancelOverride !== true)
				return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${String(l.lineNumber)}: the customer intends to cancel it; ship it with intentToCancelOverride true`);
		}
		const units = this.unitLines(o);
		let fresh = 0;
		for (const l of lines) {
			const st = states.get(String(l.lineNumber)) as LineState;
			if (st.status !== 'Shipped') {
				fresh++;
				this.recordSale(o, units[Number(l.lineNumber) - 1], this.now());
			}
			st.status = 'Shipped';
			st.tracking = (l.orderLineStatuses as { orderLineStatus: Array<{ trackingInfo: unknown }> }).orderLineStatus[0].trackingInfo;
		}
		// ⚠ lines already shipped (a retry after a lost answer) are accepted and marked duplicate: no second sale
		this.received.shipments.push({ purchaseOrderId: po, body: req.body, ...(fresh ? {} : { duplicate: true }) });
		o.updatedAt = this.iso();
		this.bump();
		return { status: 200, body: { order: this.render(o) } };
	}

	private cancel(po: string, req: Req): Res {
		const o = this.orders.get(po);
		if (!o) return this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`);
		const lines = (req.body as { orderCancellation?: { orderLines?: { orderLine?: Array<Record<string, unknown>> } } } | undefined)?.orderCancellation?.orderLines?.orderLine;
		if (!Array.isArray(lines) || !lines.length) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', 'orderCancellation.orderLines.orderLine is required');
		const states = this.lineState.get(po) as Map<string, LineState>;
		for (const l of lines) {
			const st = states.get(String(l.lineNumber));
			if (!st) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `lineNumber ${String(l.lineNumber)} is not in ${po}`);
			if (st.status === 'Shipped') return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', `line ${String(l.lineNumber)} is already shipped`);
		}
		for (const l of lines) {
			const st = states.get(String(l.lineNumber)) as LineState;
			this.bump();
			st.status = 'Cancelled';
			st.reason = String((l.orderLineStatuses as { orderLineStatus?: Array<{ cancellationReason?: string }> })?.orderLineStatus?.[0]?.cancellationReason ?? 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL');
		}
		this.received.cancellations.push({ purchaseOrderId: po, body: req.body });
		o.updatedAt = this.iso();
		this.bump();
		return { status: 200, body: { order: this.render(o) } };
	}

	// ---- refunds ---------------------------------------------------------------------------------------------
	private lineRefundable(u: UnitLine): number {
		return u.priceCents + u.taxCents + u.shippingCents;
	}
	private refundOrderLines(po: string, req: Req): Res {
		const o = this.orders.get(po);
		if (!o) return this.err(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `Order ${po} not found`);
		type Charge = { chargeType?: string; chargeName?: string; chargeAmount?: { currency?: string; amount?: number }; tax?: { taxName?: string; taxAmount?: { currency?: string; amount?: number } } };
		type Line = { lineNumber?: string; isFullRefund?: boolean; refunds?: { refund?: Array<{ refundComments?: string; refundCharges?: { refundCharge?: Array<{ refundReason?: string; charge?: Charge }> } }> } };
		const lines = (req.body as { orderRefund?: { orderLines?: { orderLine?: Line[] } } } | undefined)?.orderRefund?.orderLines?.orderLine;
		const bad = (d: string) => this.err(400, 'INVALID_REQUEST_CONTENT.GMP_ORDER_API', d);
		if (!Array.isArray(lines) || !lines.length) return bad('orderRefund.orderLines.orderLine is required');
		if (new Set(lines.map((l) => !!l.isFullRefund)).size > 1) return bad('Send full and partial refunds in separate requests');
		const states = this.lineState.get(po) as Map<string, LineState>;
		const units = this.unitLines(o);
		const plan: Array<{ unit: UnitLine; st: LineState; cents: number; refund: Record<string, unknown>; reason: string }> = [];
		for (const l of lines) {
			const st = states.get(String(l.lineNumber));
			if (!st) return bad(`lineNumber ${String(l.lineNumber)} is not in ${po}`);
			if (st.status !== 'Shipped') return bad(`line ${String(l.lineNumber)} is ${st.status}: only shipped lines can be refunded`);
			const unit = units[Number(l.lineNumber) - 1];
			const left = this.lineRefundable(unit) - (st.refundedCents ?? 0);
			const refund = l.refunds?.refund?.[0];
			const charges = refund?.refundCharges?.refundCharge ?? [];
			if (!refund || !charges.length) return bad(`line ${String(l.lineNumber)}: refunds.refund[].refundCharges.refundCharge[] is required`);
			let cents = 0;
			for (const c of charges) {
				if (!c.refundReason) return bad(`line ${String(l.lineNumber)}: refundReason is required`);
				const amt = c.charge?.chargeAmount;
				if (!c.charge?.chargeType || !amt || amt.currency !== 'USD' || typeof amt.amount !== 'number') return bad(`line ${String(l.lineNumber)}: charge {chargeType, chargeName, chargeAmount{currency USD, amount}} is required`);
				if (amt.amount > 0 || (c.charge.tax?.taxAmount?.amount ?? 0) > 0) return bad(`line ${String(l.lineNumber)}: refund amounts are negative`);
				cents += -toCents(amt.amount) - toCents(c.charge.tax?.taxAmount?.amount ?? 0);
			}
			if (l.isFullRefund) cents = left;
			if (cents <= 0) return bad(`line ${String(l.lineNumber)}: nothing to refund`);
			if (cents > left) return bad(`line ${String(l.lineNumber)}: ${fmtCents(cents)} is more than the ${fmtCents(left)} left to refund`);
			plan.push({ unit, st, cents, refund: { refundId: '', refundComments: refund.refundComments ?? '', refundCharges: { refundCharge: charges } }, reason: charges[0].refundReason as string });
		}
		const staged = this.stagedRefundFailure();
		if (staged !== undefined) return this.err(staged, 'SYSTEM_ERROR.GMP_ORDER_API', 'System error; please retry (staged)');
		this.received.orderRefunds.push({ purchaseOrderId: po, body: req.body });
		const refundId = String(8_000_000_000 + ++this.seq);
		for (const p of plan) {
			p.st.refundedCents = (p.st.refundedCents ?? 0) + p.cents;
			p.st.lastRefund = { ...p.refund, refundId };
			this.recordRefundEvent(o, p.unit, p.cents, `${refundId}-${p.unit.lineNumber}`, p.reason);
		}
		const total = plan.reduce((s, p) => s + p.cents, 0);
		this.refunds.push({ refundId, orderId: po, via: 'orders refund', amount: total / 100, currency: 'USD', at: this.now(), lines: plan.map((p) => ({ lineId: p.unit.lineNumber, sku: p.unit.sku, quantity: 1, amount: p.cents / 100 })), reason: plan[0].reason });
		o.updatedAt = this.iso();
		this.bump();
		return { status: 200, body: { order: this.render(o) } };
	}
	private refundReturn(returnOrderId: string, req: Req): Res {
		const r = this.returns.find((x) => x.returnOrderId === returnOrderId);
		if (!r) return this.err(404, 'CONTENT_NOT_FOUND.GMP_RETURNS_API', `Return order ${returnOrderId} not found`);
		const b = req.body as { customerOrderId?: string; refundLines?: Array<{ returnOrderLineNumber?: number; quantity?: { unitOfMeasure?: string; measurementValue?: number } }> } | undefined;
		const bad = (d: string) => this.err(400, 'INVALID_REQUEST_CONTENT.GMP_RETURNS_API', d);
		if (!b?.customerOrderId || b.customerOrderId !== r.customerOrderId) return bad('customerOrderId is required and must be the return order\'s');
		if (!Array.isArray(b.refundLines) || !b.refundLines.length) return bad('refundLines are required');
		const plan: Array<{ line: WalmartReturn['lines'][number]; qty: number }> = [];
		for (const rl of b.refundLines) {
			const n = rl.returnOrderLineNumber ?? (r.lines.length === 1 ? 1 : undefined);
			if (n === undefined) return bad('returnOrderLineNumber is required when the return order has more than one line');
			const line = r.lines.find((l) => l.returnOrderLineNumber === n);
			if (!line) return bad(`returnOrderLineNumber ${n} is not in return order ${returnOrderId}`);
			const qty = rl.quantity?.measurementValue ?? line.quantity - line.refundedQty;
			if (!Number.isFinite(qty) || qty <= 0 || line.refundedQty + qty > line.quantity) return bad(`returnOrderLineNumber ${n}: ${qty} units is more than the ${line.quantity - line.refundedQty} returned and not yet refunded`);
			plan.push({ line, qty });
		}
		const staged = this.stagedRefundFailure();
		if (staged !== undefined) return this.err(staged, 'SYSTEM_ERROR.GMP_RETURNS_API', 'System error; please retry (staged)');
		const o = this.orders.get(r.purchaseOrderId) as SeedOrder;
		const units = this.unitLines(o);
		const states = this.lineState.get(o.id) as Map<string, LineState>;
		const refundId = `RET-${returnOrderId}-${++this.seq}`;
		let total = 0;
		for (const p of plan) {
			p.line.refundedQty += p.qty;
			const cents = Math.round((p.line.unitPriceCents + p.line.unitTaxCents) * p.qty);
			total += cents;
			const st = states.get(p.line.purchaseOrderLineNumber) as LineState;
			st.refundedCents = (st.refundedCents ?? 0) + cents;
			this.recordRefundEvent(o, units[Number(p.line.purchaseOrderLineNumber) - 1], cents, `${refundId}-${p.line.returnOrderLineNumber}`, p.line.reason);
		}
		r.modifiedAt = this.now();
		this.refunds.push({ refundId, orderId: o.id, via: 'returns refund', amount: total / 100, currency: 'USD', at: this.now(), returnId: returnOrderId, lines: plan.map((p) => ({ lineId: p.line.purchaseOrderLineNumber, sku: p.line.sku, quantity: p.qty, amount: Math.round((p.line.unitPriceCents + p.line.unitTaxCents) * p.qty) / 100 })), reason: plan[0].line.reason });
		this.bump();
		return { status: 200, body: { returnOrderId, customerOrderId: r.customerOrderId, refundLines: plan.map((p) => ({ returnOrderLineNumber: p.line.returnOrderLineNumber, quantity: { unitOfMeasure: 'EACH', measurementValue: p.qty } })) } };
	}

	// ---- returns ---------------------------------------------------------------------------------------------
	private returnView(r: WalmartReturn): Record<string, unknown> {
		const o = this.orders.get(r.purchaseOrderId) as SeedOrder;
		const m = (c: number) => ({ currencyAmount: c / 100, currencyUnit: 'USD' });
		return {
			returnOrderId: r.returnOrderId,
			customerEmailId: `${randomHex(o.customer.email)}@relay.walmart.com`,
			returnType: 'REFUND',
			customerName: { firstName: o.customer.firstName, lastName: o.customer.lastName },
			customerOrderId: r.customerOrderId,
			returnOrderDate: new Date(r.createdAt).toISOString(),
			returnByDate: new Date(r.createdAt + 30 * 86400_000).toISOString(),
			refundMode: 'DELAYED',
			totalRefundAmount: m(r.lines.reduce((s, l) => s + (l.unitPriceCents + l.unitTaxCents) * l.quantity, 0)),
			returnOrderLines: r.lines.map((l) => ({
				returnOrderLineNumber: l.returnOrderLineNumber,
				salesOrderLineNumber: Number(l.purchaseOrderLineNumber),
				returnReason: l.reason,
				purchaseOrderId: r.purchaseOrderId,
				purchaseOrderLineNumber: Number(l.purchaseOrderLineNumber),
				isReturnForException: false,
				item: { sku: l.sku, productName: l.title },
				charges: [{ chargeCategory: 'PRODUCT', chargeName: 'ItemPrice', chargePerUnit: m(l.unitPriceCents), isDiscount: false, isBillable: true, tax: [{ taxName: 'Tax1', taxPerUnit: m(l.unitTaxCents) }] }],
				unitPrice: m(l.unitPriceCents),
				chargeTotals: [
					{ name: 'lineUnitPrice', value: m(l.unitPriceCents) },
					{ name: 'lineProductTaxes', value: m(l.unitTaxCents * l.quantity) },
					{ name: 'lineTotal', value: m((l.unitPriceCents + l.unitTaxCents) * l.quantity) },
				],
				quantity: { unitOfMeasure: 'EACH', measurementValue: l.quantity },
				returnExpectedFlag: true,
				isKeepIt: false,
				refundedQty: l.refundedQty,
				refundChannel: 'SELLER_MANUAL_REFUND',
				status: l.status,
				statusTime: new Date(r.modifiedAt).toISOString(),
				currentDeliveryStatus: l.status === 'INITIATED' ? 'IN_TRANSIT' : 'DELIVERED',
				currentRefundStatus: l.refundedQty >= l.quantity ? 'REFUND_COMPLETED' : 'REFUND_PENDING',
			})),
			returnChannel: { channelName: 'ONLINE' },
		};
	}
	private getReturns(req: Req): Res {
		const q = req.query;
		const limit = q.get('limit') ? Number(q.get('limit')) : 10;
		const offset = q.get('offset') ? Number(q.get('offset')) : 0;
		const bad = (d: string) => this.err(400, 'INVALID_REQUEST_PARAM.GMP_RETURNS_API', d);
		if (!Number.isInteger(limit) || limit < 1 || limit > 200 || !Number.isInteger(offset) || offset < 0) return bad('limit must be between 1 and 200');
		const status = q.get('status');
		if (status && !['INITIATED', 'DELIVERED', 'COMPLETED'].includes(status)) return bad('status must be INITIATED, DELIVERED or COMPLETED');
		const returnType = q.get('returnType');
		if (returnType && !['REFUND', 'REPLACEMENT'].includes(returnType)) return bad('returnType must be REFUND or REPLACEMENT');
		const date = (k: string, d: number) => (q.get(k) ? Date.parse(q.get(k) as string) : d);
		const cs = date('returnCreationStartDate', -Infinity);
		const ce = date('returnCreationEndDate', Infinity);
		const ms = date('returnLastModifiedStartDate', -Infinity);
		const me = date('returnLastModifiedEndDate', Infinity);
		if ([cs, ce, ms, me].some(Number.isNaN)) return bad('dates must be ISO 8601');
		const all = this.returns
			.filter((r) => (!q.get('returnOrderId') || r.returnOrderId === q.get('returnOrderId')) && (!q.get('customerOrderId') || r.customerOrderId === q.get('customerOrderId')))
			.filter((r) => !status || r.lines.some((l) => l.status === status))
			.filter(() => returnType !== 'REPLACEMENT')
			.filter((r) => r.createdAt >= cs && r.createdAt <= ce && r.modifiedAt >= ms && r.modifiedAt <= me)
			.sort((a, b) => a.createdAt - b.createdAt || a.returnOrderId.localeCompare(b.returnOrderId));
		const page = all.slice(offset, offset + limit);
		let nextCursor: string | undefined;
		if (offset + limit < all.length) {
			const p = new URLSearchParams([...q.entries()].filter(([k]) => k !== 'offset' && k !== 'limit'));
			p.set('limit', String(limit));
			p.set('offset', String(offset + limit));
			nextCursor = `?${p.toString()}`;
		}
		return { status: 200, body: { meta: { totalCount: all.length, limit, ...(nextCursor ? { nextCursor } : {}) }, returnOrders: page.map((r) => this.returnView(r)) } };
	}

	// ---- bulk inventory feed ----------------------------------------------------------------------------------
	private createFeed(req: Req): Res {
		const feedType = req.query.get('feedType');
		if (feedType !== 'inventory') return this.err(400, 'INVALID_REQUEST_PARAM.GMP_FEEDS_API', `feedType ${feedType ?? '(none)'} is not supported by this sandbox (inventory)`);
		const parts = multipartParts(req);
		const content = parts ? (parts.find((p) => p.name === 'file') ?? parts[0])?.data.toString('utf8') : req.rawBody.toString('utf8');
		if (!content) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_FEEDS_API', 'The feed file is required (multipart field "file")');
		if (Buffer.byteLength(content) > 5 * 1024 * 1024) return this.err(400, 'INVALID_REQUEST_CONTENT.GMP_FEEDS_API', 'The feed file exceeds 5 MB');
		const feedId = `${randomBytes(16).toString('hex').toUpperCase()}@AQMBAQA`;
		const f: WalmartFeed = { feedId, feedType, times: scheduleJob(this.lanes, feedType, this.now(), this.jobTiming, this.timeScale), items: [] };
		try {
			const doc = JSON.parse(content) as { InventoryHeader?: { version?: string }; Inventory?: Array<{ sku?: unknown; quantity?: { unit?: unknown; amount?: unknown } }> };
			if (!doc?.InventoryHeader || !Array.isArray(doc.Inventory)) f.error = 'The file needs InventoryHeader and an Inventory array (spec 1.4)';
			else f.items = doc.Inventory.map((it, index) => ({ sku: typeof it?.sku === 'string' ? it.sku : '', amount: it?.quantity?.amount, unit: it?.quantity?.unit, index }));
		} catch {
			f.error = 'The file is not valid JSON';
		}
		const staged = this.failFeedsLeft.shift();
		if (staged && !f.error) f.error = staged;
		this.feeds.push(f);
		this.received.feeds.push({ feedId, feedType, content });
		return { status: 200, body: { feedId } };
	}
	private tick(): void {
		const now = this.now();
		for (const f of this.feeds) {
			if (f.times.finished || now < f.times.endAt) continue;
			f.times.finished = true;
			if (f.error) continue;
			for (const it of f.items) {
				const errs: Array<{ type: string; code: string; description: string }> = [];
				if (!it.sku) errs.push({ type: 'DATA_ERROR', code: 'ERR_EXT_DATA_0101001', description: 'sku is required' });
				else if (this.invalidSkus.has(it.sku)) errs.push({ type: 'DATA_ERROR', code: 'ERR_EXT_DATA_0101002', description: `SKU ${it.sku} is not a published item of this seller` });
				if (it.unit !== 'EACH') errs.push({ type: 'DATA_ERROR', code: 'ERR_EXT_DATA_0503009', description: 'quantity.unit must be EACH' });
				if (!Number.isInteger(it.amount) || (it.amount as number) < 0) errs.push({ type: 'DATA_ERROR', code: 'ERR_EXT_DATA_0503010', description: 'quantity.amount must be a whole number of 0 or more' });
				it.status = errs.length ? 'DATA_ERROR' : 'SUCCESS';
				if (errs.length) it.errors = errs;
				else this.quantities.set(it.sku, { quantity: it.amount as number, via: 'inventoryFeed', at: now, feedId: f.feedId });
			}
		}
		if (this.unackHours !== undefined) {
			const limit = this.unackHours * 3600_000 * this.timeScale;
			for (const [po, at] of this.released) {
				if (now - at < limit) continue;
				const states = this.lineState.get(po);
				let changed = false;
				for (const st of states?.values() ?? [])
					if (st.status === 'Created') {
						Object.assign(st, { status: 'Cancelled', reason: 'SELLER_CANCEL_AUTO' });
						changed = true;
					}
				if (changed) this.touch(po);
			}
		}
	}
	private feedPhase(f: WalmartFeed): string {
		const ph = jobPhase(f.times, this.now());
		if (ph === 'queued') return 'RECEIVED';
		if (ph === 'running') return 'INPROGRESS';
		return f.error ? 'ERROR' : 'PROCESSED';
	}
	private feedCounts(f: WalmartFeed): Record<string, number> {
		const st = this.feedPhase(f);
		const done = st === 'PROCESSED';
		return {
			itemsReceived: f.items.length,
			itemsSucceeded: done ? f.items.filter((i) => i.status === 'SUCCESS').length : 0,
			itemsFailed: done ? f.items.filter((i) => i.status !== 'SUCCESS').length : 0,
			itemsProcessing: done ? 0 : f.items.length,
		};
	}
	private feedStatus(req: Req, feedId: string): Res {
		const f = this.feeds.find((x) => x.feedId === feedId);
		if (!f) return this.err(404, 'CONTENT_NOT_FOUND.GMP_FEEDS_API', `Feed ${feedId} not found`);
		const details = req.query.get('includeDetails') === 'true';
		const offset = req.query.get('offset') ? Number(req.query.get('offset')) : 0;
		const limit = req.query.get('limit') ? Number(req.query.get('limit')) : 50;
		if (!Number.isInteger(limit) || limit < 1 || limit > 50 || !Number.isInteger(offset) || offset < 0) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_FEEDS_API', 'limit cannot be more than 50');
		const st = this.feedPhase(f);
		return {
			status: 200,
			body: {
				feedId: f.feedId,
				feedStatus: st,
				ingestionErrors: { ingestionError: f.error && st === 'ERROR' ? [{ type: 'DATA_ERROR', code: 'ERR_EXT_DATA_0001001', description: f.error }] : [] },
				...this.feedCounts(f),
				offset,
				limit,
				...(details
					? {
							itemDetails: {
								itemIngestionStatus: f.items.slice(offset, offset + limit).map((it) => ({
									martId: 0,
									sku: it.sku,
									index: it.index,
									ingestionStatus: st === 'PROCESSED' ? it.status : 'INPROGRESS',
									ingestionErrors: { ingestionError: st === 'PROCESSED' ? (it.errors ?? []) : [] },
								})),
							},
						}
					: {}),
			},
		};
	}
	private allFeedStatuses(req: Req): Res {
		const q = req.query;
		const offset = q.get('offset') ? Number(q.get('offset')) : 0;
		const limit = q.get('limit') ? Number(q.get('limit')) : 50;
		if (!Number.isInteger(limit) || limit < 1 || limit > 50 || !Number.isInteger(offset) || offset < 0) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_FEEDS_API', 'limit cannot be more than 50');
		const all = this.feeds.filter((f) => !q.get('feedId') || f.feedId === q.get('feedId')).reverse();
		return {
			status: 200,
			body: {
				totalResults: all.length,
				offset,
				limit,
				results: {
					feed: all.slice(offset, offset + limit).map((f) => ({ feedId: f.feedId, feedSource: 'MARKETPLACE_PARTNER', feedType: f.feedType, partnerId: '10000000001', ...this.feedCounts(f), feedStatus: this.feedPhase(f), feedDate: f.times.createdAt, modifiedDtm: Math.min(this.now(), f.times.endAt) })),
				},
			},
		};
	}

	// ---- money and the reconciliation report ------------------------------------------------------------------
	private recordSale(o: SeedOrder, u: UnitLine, at: number): void {
		const commission = (c: number) => -Math.round(c * WALMART_FEE_TABLE.commissionRate);
		const amounts = [
			{ amountType: 'Product Price', cents: u.priceCents, qty: 1 },
			...(u.taxCents ? [{ amountType: 'Product tax', cents: u.taxCents }, { amountType: 'Product tax withheld', cents: -u.taxCents }] : []),
			...(u.shippingCents ? [{ amountType: 'Shipping Price', cents: u.shippingCents }, { amountType: 'Commission on Shipping', cents: commission(u.shippingCents) }] : []),
			{ amountType: 'Commission on Product', cents: commission(u.priceCents) },
		];
		const e: ReconEvent = { key: `${o.id}-${u.lineNumber}-S`, type: 'Sale', po: o.id, lineNumber: u.lineNumber, sku: u.sku, title: u.title, at, amounts };
		this.events.push(e);
		this.applyPlants(e);
	}
	/** A refund of `cents` (price first, then tax) with the commission on the refunded price given back ⚠ */
	private recordRefundEvent(o: SeedOrder, u: UnitLine, cents: number, key: string, reason: string): void {
		const price = Math.min(cents, u.priceCents + u.shippingCents);
		const tax = cents - price;
		const amounts = [
			{ amountType: 'Product Price', cents: -price, qty: 1 },
			...(tax ? [{ amountType: 'Product tax', cents: -tax }, { amountType: 'Product tax withheld', cents: tax }] : []),
			{ amountType: 'Commission on Product', cents: Math.round(price * WALMART_FEE_TABLE.commissionRate) },
		];
		const e: ReconEvent = { key, type: 'Refund', po: o.id, lineNumber: u.lineNumber, sku: u.sku, title: u.title, at: this.now(), amounts, reason };
		this.events.push(e);
		this.applyPlants(e);
	}
	private readonly plantedOn = new Map<ReconEvent, Set<PlantedDiscrepancy>>();
	/** over_fee and missing_settlement reach every unsettled sale line of the order; double_refund one refund */
	private applyPlants(e: ReconEvent): void {
		for (const p of this.planted) {
			if (p.orderId !== e.po || this.plantedOn.get(e)?.has(p)) continue;
			if (!this.plantedOn.has(e)) this.plantedOn.set(e, new Set());
			(this.plantedOn.get(e) as Set<PlantedDiscrepancy>).add(p);
			if (p.kind === 'over_fee' && e.type === 'Sale' && (!p.applied || p.settlementId === undefined)) {
				const rate = this.plantOpts.get(p)?.rate ?? 0.25;
				const c = e.amounts.find((a) => a.amountType === 'Commission on Product') as { cents: number };
				const before = -c.cents;
				c.cents = -Math.round((e.amounts.find((a) => a.amountType === 'Product Price') as { cents: number }).cents * rate);
				Object.assign(p, { applied: true, expectedCents: (p.expectedCents ?? 0) + before, actualCents: (p.actualCents ?? 0) - c.cents });
			} else if (p.kind === 'missing_settlement' && e.type === 'Sale' && (!p.applied || p.settlementId === undefined)) {
				e.neverSettled = true;
				Object.assign(p, { applied: true, expectedCents: (p.expectedCents ?? 0) + e.amounts.reduce((s, a) => s + a.cents, 0), actualCents: 0 });
			} else if (p.kind === 'double_refund' && e.type === 'Refund' && !p.applied) {
				e.duplicated = true;
				const once = e.amounts.reduce((s, a) => s + a.cents, 0);
				Object.assign(p, { applied: true, expectedCents: once, actualCents: once * 2 });
			}
		}
	}
	private reconRows(s: WalmartSettlement): Array<Record<string, string>> {
		const period = { 'Period Start Date': mmddyyyy(s.startAt), 'Period End Date': mmddyyyy(s.endAt), Currency: 'USD' };
		const rows: Array<Record<string, string>> = [
			{ ...period, 'Total Payable': fmtCents(s.totalPayableCents), 'Transaction Type': 'PaymentSummary', 'Transaction Description': 'Deposited in account', 'Transaction Posted Timestamp': mmddyyyy(s.endAt) },
		];
		for (const key of s.eventKeys) {
			const e = this.events.find((x) => x.key === key) as ReconEvent;
			const o = this.orders.get(e.po) as SeedOrder;
			for (let copy = 0; copy < (e.duplicated ? 2 : 1); copy++)
				for (const a of e.amounts)
					rows.push({
						...period,
						'Transaction Key': `${e.key}${copy ? '-2' : ''}`,
						'Transaction Posted Timestamp': mmddyyyy(e.at),
						'Transaction Type': e.type,
						'Transaction Description': e.type === 'Sale' ? 'Purchase' : 'Refund',
						'Customer Order #': customerOrderIdOf(o),
						'Customer Order line #': e.lineNumber,
						'Purchase Order #': e.po,
						'Purchase Order line #': e.lineNumber,
						Amount: fmtCents(a.cents),
						'Amount Type': a.amountType,
						'Ship Qty': a.qty ? String(e.type === 'Refund' ? -a.qty : a.qty) : '',
						'Commission Rate': a.amountType.startsWith('Commission') ? `${Math.round(WALMART_FEE_TABLE.commissionRate * 100)}%` : '',
						'Transaction Reason Description': e.reason ?? '',
						'Partner Item Id': e.sku,
						'Partner GTIN': '',
						'Partner Item Name': e.title,
						'Product Tax Code': '2038710',
						'Ship to State': o.shipTo.region ?? '',
						'Ship to City': o.shipTo.city,
						'Ship to Zipcode': o.shipTo.postalCode,
						'Contract Category': 'General',
						'Product Type': 'General',
						'Commission Rule': 'Standard',
						'Shipping Method': METHOD[o.shippingLevel] ?? 'Standard',
						'Fulfillment Type': 'Seller Fulfilled',
					});
		}
		return rows;
	}
	private recon(req: Req): Res {
		const p = req.path.slice('/v3/report/reconreport/'.length);
		const v1 = req.query.get('reportVersion') === 'v1';
		if (!v1) return this.err(400, 'INVALID_REQUEST_PARAM.GMP_REPORTS_API', 'This sandbox serves the v1 recon report only: add reportVersion=v1');
		if (p === 'availableReconFiles') return { status: 200, body: { availableApReportDates: this.settlements.map((s) => s.reportDate) } };
		const date = (req.query.get('reportDate') ?? '').replace(/-/g, '');
		const s = this.settlements.find((x) => x.reportDate.replace(/-/g, '') === date || yyyymmdd(x.reportDate) === date);
		if (p !== 'reconFile' && p !== 'reconFileJson') return this.err(404, 'CONTENT_NOT_FOUND.GMP_REPORTS_API', `No route ${req.path}`);
		if (!s) return this.err(404, 'CONTENT_NOT_FOUND.GMP_REPORTS_API', `No reconciliation report for reportDate ${req.query.get('reportDate') ?? '(none)'}`);
		const rows = this.reconRows(s);
		if (p === 'reconFileJson') return { status: 200, body: { reportData: rows.map((r) => Object.fromEntries(RECON_COLUMNS.filter((c) => r[c] !== undefined && r[c] !== '').map((c) => [c, r[c]]))) } };
		return { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${s.reportDate}.csv"` }, text: csv([RECON_COLUMNS, ...rows.map((r) => RECON_COLUMNS.map((c) => r[c] ?? ''))]) };
	}

	private mustLines(po: string): Map<string, LineState> {
		const m = this.lineState.get(po);
		if (!m) throw new Error(`no order ${po}`);
		return m;
	}
}

function customerOrderIdOf(o: SeedOrder): string {
	return String(5_200_000_000_000 + Number(o.id.slice(-6)));
}
function yyyymmdd(mmddyyyyDate: string): string {
	const d = mmddyyyyDate.slice(0, 8);
	return `${d.slice(4, 8)}${d.slice(0, 4)}`;
}
function randomHex(seed: string): string {
	let h = 0;
	for (const ch of seed) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
	return (h.toString(16).toUpperCase() + '0'.repeat(32)).slice(0, 32);
}
