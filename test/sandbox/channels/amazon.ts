/**
 * Amazon SP-API sandbox: LWA token endpoint, Orders API 2026-01-01 searchOrders/getOrder, Orders v0
 * confirmShipment, Listings Items patchListingsItem, Sellers marketplaceParticipations; and for what happens after
 * intake (issues 20-22): Feeds API 2021-06-30 (JSON_LISTINGS_FEED, POST_ORDER_ACKNOWLEDGEMENT_DATA,
 * POST_PAYMENT_ADJUSTMENT_DATA), Reports API 2021-06-30 (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE,
 * GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2), Finances API v0 (financialEvents, financialEventGroups, by group, by
 * order), with pre-signed document URLs served by the sandbox itself (/_s3/…).
 *
 * Facts: docs/architecture.md#vendor-api-facts (Amazon) — per-operation token buckets with x-amzn-RateLimit-Limit
 * and 429 QuotaExceeded; paginationToken valid only with identical other parameters (maxResultsPerPage and
 * includedData may change), expiring after 24 h; createdBefore/lastUpdatedBefore at least 2 minutes old;
 * expired tokens answered 403 Unauthorized ⚠; confirmShipment 204.
 * Bodies follow amazon-searchOrders-2026-01-01.json / amazon-getOrder-2026-01-01.json in shape.
 *
 * Feeds and reports ✔ (amzn/selling-partner-api-models models/feeds-api-model/feeds_2021-06-30.json,
 * models/reports-api-model/reports_2021-06-30.json): createFeedDocument → {feedDocumentId, url} (the URL expires
 * after 5 minutes), PUT the contents, createFeed → 202 {feedId}, getFeed → processingStatus IN_QUEUE, IN_PROGRESS,
 * DONE, FATAL or CANCELLED with resultFeedDocumentId, getFeedDocument → {feedDocumentId, url}; only IN_QUEUE feeds
 * can be cancelled; getFeeds/getReports take nextToken as the only parameter, pageSize 1-100 (default 10);
 * createReport → 202 {reportId}; a report with no data ends CANCELLED; reports are kept 90 days. Rate limits per
 * operation as in the models (table below). Processing times are not documented ⚠: feeds wait 30 s and run 120 s,
 * reports wait 15 s and run 45 s (scaled; `jobTiming`), one after the other per feed/report type.
 * JSON_LISTINGS_FEED ✔ (schemas/feeds/listings-feed-schema-v2.json, listings-feed-processing-report-schema-v2.json):
 * header {sellerId, version "2.0"}, 1-25,000 messages {messageId, sku, operationType UPDATE|PARTIAL_UPDATE|PATCH|
 * DELETE, productType, patches}; report {header{sellerId, version, feedId}, issues[{messageId, sku, code,
 * severity, message}], summary{errors, warnings, messagesProcessed, messagesAccepted, messagesInvalid}}.
 * POST_ORDER_ACKNOWLEDGEMENT_DATA: an order feed for sellers ✔ (developer-docs.amazon.com/sp-api/docs/
 * order-feed-type-values); the OrderAcknowledgement message (AmazonOrderID, MerchantOrderID, StatusCode
 * Success|Failure, Item{AmazonOrderItemCode, MerchantOrderItemID, CancelReason NoInventory|
 * ShippingAddressUndeliverable|CustomerExchange|BuyerCanceled|GeneralAdjustment|CarrierCreditDecision|
 * RiskAssessmentInformationNotValid|CarrierCoverageFailure|CustomerReturn|MerchandiseNotReceived}) is the MWS
 * OrderAcknowledgement.xsd (release_1_9) ⚠ as copied in public code; StatusCode Failure cancels the order (or the
 * listed items) of an unshipped MFN order ⚠. The 2026-01-01 order shows orderItems[].cancellation
 * {cancellationRequest{requester BUYER, cancelReason}, cancellationExecution{cancelledBy BUYER|MERCHANT|AMAZON,
 * cancelReason}} ✔ (orders_2026-01-01.json).
 * POST_PAYMENT_ADJUSTMENT_DATA ✔ as an order feed; the OrderAdjustment message (AmazonOrderID, ActionType,
 * AdjustedItem{AmazonOrderItemCode, MerchantAdjustmentItemID, AdjustmentReason, ItemPriceAdjustments{Component{Type,
 * Amount@currency}}}) ⚠ (MWS-era XSD through public code); a MerchantAdjustmentItemID already used on the order, or
 * a refund above what was charged for the item, is an error result and refunds nothing ⚠.
 * XML feeds' processing report: AmazonEnvelope/ProcessingReport{DocumentTransactionID, StatusCode Complete,
 * ProcessingSummary{MessagesProcessed, MessagesSuccessful, MessagesWithError, MessagesWithWarning}, Result{MessageID,
 * ResultCode Error|Warning, ResultMessageCode, ResultDescription, AdditionalInfo}} ⚠ (public samples); the
 * ResultMessageCode values here are the sandbox's own ⚠.
 * Returns report GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE ✔ (developer-docs.amazon.com/sp-api/docs/
 * returns-reports-attributes): tab-delimited, the 32 columns below, at most 60 days a request; the values of
 * Return request status, Return Reason, Return type, Resolution and Label type are ⚠.
 * Settlement report and Finances events: see amazon-settlement.ts. Settlements are closed by the test
 * (closeSettlement), as Amazon closes them on its own schedule ⚠.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { header, type Req, type Res, type SandboxOptions } from '../common';
import { type SeedOrder, lineTotal, money, subtotal, total } from '../generator';
import {
	AMAZON_FEE_TABLE,
	SETTLEMENT_V2_REPORT_TYPE,
	type AmazonMoneyEvent,
	type AmazonMoneyItem,
	type AmazonSettlement,
	eventTotalCents,
	financialEvent,
	referralFeeCents,
	refundAdminFeeCents,
	renderSettlementV2,
} from './amazon-settlement';
import {
	MarketplaceSandbox,
	type DiscrepancyKind,
	type JobTimes,
	type JobTiming,
	type PlantedDiscrepancy,
	fmtCents,
	isoSec,
	jobPhase,
	scheduleJob,
	splitCents,
	toCents,
	tsv,
	xmlAll,
	xmlAttr,
	xmlEscape,
	xmlText,
} from './kit';

export const AMAZON_SANDBOX_CREDENTIALS = {
	lwaClientId: 'amzn1.application-oa2-client.sandbox0001',
	lwaClientSecret: 'amzn1.oa2-cs.v1.sandboxsecret0001',
	refreshToken: 'Atzr|IwEBIsandboxrefreshtoken0001',
	sellerId: 'A3SANDBOXSELLER',
	marketplaceIds: ['ATVPDKIKX0DER'],
};

const LIMITS = {
	searchOrders: { ratePerSec: 0.0056, burst: 20 },
	getOrder: { ratePerSec: 0.5, burst: 30 },
	confirmShipment: { ratePerSec: 2, burst: 10 },
	patchListingsItem: { ratePerSec: 5, burst: 5 },
	getMarketplaceParticipations: { ratePerSec: 0.016, burst: 15 },
	// ✔ feeds_2021-06-30.json
	getFeeds: { ratePerSec: 0.0222, burst: 10 },
	createFeed: { ratePerSec: 0.0083, burst: 15 },
	cancelFeed: { ratePerSec: 2, burst: 15 },
	getFeed: { ratePerSec: 2, burst: 15 },
	createFeedDocument: { ratePerSec: 0.5, burst: 15 },
	getFeedDocument: { ratePerSec: 0.0222, burst: 10 },
	// ✔ reports_2021-06-30.json
	getReports: { ratePerSec: 0.0222, burst: 10 },
	createReport: { ratePerSec: 0.0167, burst: 15 },
	cancelReport: { ratePerSec: 0.0222, burst: 10 },
	getReport: { ratePerSec: 2, burst: 15 },
	getReportDocument: { ratePerSec: 0.0167, burst: 15 },
	// ✔ financesV0.json
	listFinancialEventGroups: { ratePerSec: 0.5, burst: 30 },
	listFinancialEventsByGroupId: { ratePerSec: 0.5, burst: 30 },
	listFinancialEventsByOrderId: { ratePerSec: 0.5, burst: 30 },
	listFinancialEvents: { ratePerSec: 0.5, burst: 30 },
};

const LEVEL: Record<string, string> = { standard: 'STANDARD', expedited: 'EXPEDITED', next_day: 'NEXT_DAY', economy: 'FREE_ECONOMY', priority: 'PRIORITY', same_day: 'SAME_DAY', freight: 'SCHEDULED' };
const STATUS: Record<string, string> = { paid: 'UNSHIPPED', pending: 'PENDING', cancelled: 'CANCELLED', shipped: 'SHIPPED', partially_shipped: 'PARTIALLY_SHIPPED' };

export const FEED_TYPES = ['JSON_LISTINGS_FEED', 'POST_ORDER_ACKNOWLEDGEMENT_DATA', 'POST_PAYMENT_ADJUSTMENT_DATA'] as const;
export const RETURNS_REPORT_TYPE = 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE';
/** ✔ OrderAcknowledgement.xsd (release_1_9) CancelReason values, through public code */
export const ACK_CANCEL_REASONS = [
	'NoInventory',
	'ShippingAddressUndeliverable',
	'CustomerExchange',
	'BuyerCanceled',
	'GeneralAdjustment',
	'CarrierCreditDecision',
	'RiskAssessmentInformationNotValid',
	'CarrierCoverageFailure',
	'CustomerReturn',
	'MerchandiseNotReceived',
];
/** ⚠ MWS OrderAdjustment AdjustmentReason values (vhqtvn/amazon-mws-psr4 and hsudas/flexi enums) */
export const ADJUSTMENT_REASONS = [
	'NoInventory',
	'CustomerReturn',
	'GeneralAdjustment',
	'CouldNotShip',
	'DifferentItem',
	'Abandoned',
	'CustomerCancel',
	'PriceError',
	'ProductOutofStock',
	'CustomerAddressIncorrect',
	'Exchange',
	'Other',
	'CarrierCreditDecision',
	'RiskAssessmentInformationNotValid',
	'CarrierCoverageFailure',
	'TransactionRecord',
	'Undeliverable',
	'RefusedDelivery',
];
/** ⚠ component types that refund money; RestockingFee and RestockingFeeTax are deducted */
const REFUND_COMPONENTS = ['Principal', 'Shipping', 'Tax', 'ShippingTax', 'GiftWrap', 'GiftWrapTax', 'Goodwill', 'ReturnShipping', 'Surcharge', 'ExportCharge', 'COD', 'CODTax', 'Other'];
const DEDUCT_COMPONENTS = ['RestockingFee', 'RestockingFeeTax'];
/** ✔ the returns flat file's columns, in order */
export const RETURNS_REPORT_COLUMNS = [
	'Order ID',
	'Order date',
	'Return request date',
	'Return request status',
	'Amazon RMA ID',
	'Merchant RMA ID',
	'Label type',
	'Label cost',
	'Currency code',
	'Return carrier',
	'Tracking ID',
	'Label to be paid by',
	'A-to-Z Claim',
	'Is prime',
	'ASIN',
	'Merchant SKU',
	'Item Name',
	'Return quantity',
	'Return Reason',
	'In policy',
	'Return type',
	'Resolution',
	'Invoice number',
	'Return delivery date',
	'Order Amount',
	'Order quantity',
	'SafeT Action reason',
	'SafeT claim id',
	'SafeT claim state',
	'SafeT claim creation time',
	'SafeT claim reimbursement amount',
	'Refunded Amount',
];

interface PageToken {
	sig: string;
	ids: string[];
	offset: number;
	expires: number;
	bound: { key: string; value: string };
}

/** What happened to one order item after intake */
interface ItemState {
	shipped: number;
	cancelled: number;
	returned: number;
	/** cents charged for the shipped units (principal, shipping, taxes, promotion) */
	chargedCents: number;
	refundedCents: number;
	/** referral fee charged on the shipped units (negative cents) */
	commissionCents: number;
	principalCents: number;
	request?: { requester: 'BUYER'; cancelReason: string };
	execution?: { cancelledBy: 'BUYER' | 'MERCHANT' | 'AMAZON'; cancelReason: string };
	adjustmentIds: Set<string>;
}

export interface AmazonReturn {
	amazonRmaId: string;
	merchantRmaId: string;
	orderId: string;
	orderItemId: string;
	sku: string;
	asin: string;
	title: string;
	quantity: number;
	/** ⚠ e.g. CR-UNWANTED_ITEM, CR-DEFECTIVE, AMZ-PG-BAD-DESC */
	reason: string;
	/** ⚠ e.g. Approved, Closed */
	status: string;
	requestedAt: number;
	deliveredAt?: number;
	carrier: string;
	trackingId: string;
	labelCostCents: number;
	currency: string;
	orderDate: number;
	orderAmountCents: number;
	orderQuantity: number;
	prime: boolean;
	refundedCents: number;
}

interface Doc {
	id: string;
	kind: 'feeds' | 'reports';
	contentType?: string;
	content?: string;
}
interface Feed {
	feedId: string;
	feedType: string;
	marketplaceIds: string[];
	inputFeedDocumentId: string;
	feedOptions?: Record<string, string>;
	times: JobTimes;
	/** a staged end: CANCELLED when processing would start, or FATAL when it ends */
	terminal?: 'CANCELLED' | 'FATAL';
	/** cancelled by cancelFeed */
	cancelled?: boolean;
	resultFeedDocumentId?: string;
}
interface Report {
	reportId: string;
	reportType: string;
	marketplaceIds: string[];
	dataStartTime?: number;
	dataEndTime?: number;
	times: JobTimes;
	/** CANCELLED when it found no data */
	terminal?: 'CANCELLED' | 'FATAL';
	cancelled?: boolean;
	reportDocumentId?: string;
}
interface Presigned {
	docId: string;
	kind: 'feeds' | 'reports';
	method: 'PUT' | 'GET';
	expires: number;
	contentType?: string;
}

export class AmazonSandbox extends MarketplaceSandbox {
	readonly name = 'amazon';
	protected readonly confirmationPath = /\/shipmentConfirmation$/;
	readonly received = {
		shipments: [] as Array<{ orderId: string; body: unknown; duplicate?: boolean }>,
		listings: [] as Array<{ sellerId: string; sku: string; query: Record<string, string>; body: unknown }>,
		/** every feed created: its type and the uploaded document */
		feeds: [] as Array<{ feedId: string; feedType: string; content: string }>,
		/** OrderAcknowledgement messages applied with StatusCode Success */
		acknowledgements: [] as Array<{ orderId: string; feedId: string; merchantOrderId?: string }>,
		/** seller cancellations applied from OrderAcknowledgement StatusCode Failure */
		cancellations: [] as Array<{ orderId: string; feedId: string; items: Array<{ orderItemId: string; quantity: number; reason: string }> }>,
	};
	/** the latest quantity per SKU and how it came (patchListingsItem or JSON_LISTINGS_FEED) */
	readonly quantities = new Map<string, { quantity: number; via: 'patchListingsItem' | 'JSON_LISTINGS_FEED'; at: number; feedId?: string }>();
	/** SKUs the listings feed refuses (as an unknown SKU) */
	readonly invalidSkus = new Set<string>();
	readonly returns: AmazonReturn[] = [];
	/** money events (shipments and refunds) behind the settlement reports and the Finances API */
	readonly events: AmazonMoneyEvent[] = [];
	readonly settlements: AmazonSettlement[] = [];
	/** unscaled feed and report timing ⚠ (multiplied by timeScale) */
	jobTiming: { feeds: JobTiming; reports: JobTiming } = { feeds: { queueMs: 30_000, processMs: 120_000 }, reports: { queueMs: 15_000, processMs: 45_000 } };
	/** events newer than this (unscaled ms) are not yet in the Finances API ("the last 48 hours might not be included"); default 0 */
	financesLagMs = 0;
	private readonly pageTokens = new Map<string, PageToken>();
	private readonly items = new Map<string, Map<string, ItemState>>();
	private readonly docs = new Map<string, Doc>();
	private readonly feeds: Feed[] = [];
	private readonly reports: Report[] = [];
	private readonly lanes = new Map<string, number>();
	private readonly presigned = new Map<string, Presigned>();
	private readonly s3Secret = randomBytes(16);
	private seq = 0;
	private failFeedsLeft: Array<'FATAL' | 'CANCELLED'> = [];
	private failRefundsHttp?: { status: number };
	private readonly pendingPlants: PlantedDiscrepancy[] = [];
	constructor(
		opts: SandboxOptions = {},
		readonly creds = AMAZON_SANDBOX_CREDENTIALS,
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
			if (o.status === 'shipped')
				this.recordShipment(
					o,
					o.lines.map((l, i) => ({ orderItemId: itemIdOf(o, i), quantity: l.quantity })),
					Date.parse(o.updatedAt),
					'1',
				);
		}
	}


	// ---- controls (issue 20) -----------------------------------------------------------------------------
	/** The buyer asks to cancel: every unshipped item shows cancellation.cancellationRequest; the seller decides */
	requestCancellation(orderId: string, cancelReason = 'Order placed by mistake'): void {
		const o = this.mustOrder(orderId);
		if (o.status === 'cancelled' || o.status === 'shipped') throw new Error(`order ${orderId} is ${o.status}`);
		for (const st of this.itemStates(o).values()) st.request = { requester: 'BUYER', cancelReason };
		this.touch(orderId);
	}
	/** The buyer or Amazon cancels the order outright (e.g. a pending payment that failed) */
	cancelOrder(orderId: string, opts: { by?: 'BUYER' | 'AMAZON'; reason?: string } = {}): void {
		const o = this.mustOrder(orderId);
		if (o.status === 'shipped' || o.status === 'partially_shipped') throw new Error(`order ${orderId} is ${o.status}: Amazon does not cancel shipped orders`);
		for (const st of this.itemStates(o).values()) st.execution = { cancelledBy: opts.by ?? 'BUYER', cancelReason: opts.reason ?? 'BuyerCanceled' };
		for (const [i, l] of o.lines.entries()) this.itemState(o, i).cancelled = l.quantity;
		o.status = 'cancelled';
		this.touch(orderId);
	}
	/** The payment clears: Pending becomes Unshipped (and the ship-to address appears) */
	markPaid(orderId: string): void {
		const o = this.mustOrder(orderId);
		if (o.status !== 'pending') throw new Error(`order ${orderId} is ${o.status}, not pending`);
		o.status = 'paid';
		this.touch(orderId);
	}
	/**
	 * Fail the next `times` refunds: as an error result of their payment adjustment message (nothing refunded), or
	 * with `http` as an HTTP error of createFeed for POST_PAYMENT_ADJUSTMENT_DATA (no feed created).
	 */
	failRefunds(times = 1, opts: { http?: boolean; status?: number } = {}): void {
		if (opts.http) {
			this.failRefundsHttp = { status: opts.status ?? 500 };
			this.failRefundsHttpLeft = times;
			super.failRefunds(0);
		} else super.failRefunds(times);
	}
	private failRefundsHttpLeft = 0;
	/** The next `times` feeds end FATAL (or CANCELLED) without applying anything */
	failFeeds(times = 1, status: 'FATAL' | 'CANCELLED' = 'FATAL'): void {
		for (let i = 0; i < times; i++) this.failFeedsLeft.push(status);
	}
	/** Finish every queued or running feed and report now */
	completeJobs(): void {
		for (const j of [...this.feeds.map((f) => f.times), ...this.reports.map((r) => r.times)]) if (!j.finished) j.startAt = j.endAt = Math.min(j.endAt, this.now());
		this.lanes.clear();
		this.tick();
	}

	// ---- controls (issue 21) -----------------------------------------------------------------------------
	/**
	 * The buyer returns shipped units (one return per item, as the report has one row per item). Throws for an
	 * unknown or unshipped order, or more units than were shipped and not yet returned.
	 */
	createReturn(orderId: string, opts: { items?: Array<{ orderItemId?: string; sku?: string; quantity?: number }>; reason?: string; status?: string; at?: number } = {}): AmazonReturn[] {
		const o = this.mustOrder(orderId);
		const wanted: Array<{ orderItemId?: string; sku?: string; quantity?: number }> = opts.items ?? o.lines.map((_, i) => ({ orderItemId: itemIdOf(o, i) }));
		const out: AmazonReturn[] = [];
		for (const w of wanted) {
			const i = o.lines.findIndex((l, k) => (w.orderItemId ? itemIdOf(o, k) === w.orderItemId : l.sku === w.sku));
			if (i < 0) throw new Error(`order ${orderId} has no item ${w.orderItemId ?? w.sku}`);
			const st = this.itemState(o, i);
			const qty = w.quantity ?? st.shipped - st.returned;
			if (qty < 1 || st.returned + qty > st.shipped) throw new Error(`item ${itemIdOf(o, i)} of ${orderId}: ${qty} units returned but ${st.shipped - st.returned} shipped and not returned`);
			st.returned += qty;
			const l = o.lines[i];
			const r: AmazonReturn = {
				amazonRmaId: `D${String(++this.seq).padStart(4, '0')}${randomBytes(4).toString('hex').toUpperCase()}`,
				merchantRmaId: '',
				orderId,
				orderItemId: itemIdOf(o, i),
				sku: l.sku,
				asin: asinOf(l.sku),
				title: l.title,
				quantity: qty,
				reason: opts.reason ?? 'CR-UNWANTED_ITEM',
				status: opts.status ?? 'Approved',
				requestedAt: opts.at ?? this.now(),
				carrier: 'UPS',
				trackingId: `1ZRET${randomBytes(5).toString('hex').toUpperCase()}`,
				labelCostCents: 0,
				currency: o.currency,
				orderDate: Date.parse(o.createdAt),
				orderAmountCents: toCents(total(o)),
				orderQuantity: o.lines.reduce((s, x) => s + x.quantity, 0),
				prime: o.shippingLevel === 'next_day',
				refundedCents: 0,
			};
			this.returns.push(r);
			out.push(r);
		}
		this.bump();
		return out;
	}
	/** Move a return on (e.g. { status: 'Closed', deliveredAt }) */
	updateReturn(amazonRmaId: string, patch: Partial<Pick<AmazonReturn, 'status' | 'deliveredAt' | 'trackingId' | 'carrier'>>): AmazonReturn {
		const r = this.returns.find((x) => x.amazonRmaId === amazonRmaId);
		if (!r) throw new Error(`no return ${amazonRmaId}`);
		Object.assign(r, patch);
		return r;
	}

	// ---- controls (issue 22) -----------------------------------------------------------------------------
	/**
	 * Close the open settlement period at `at` (default now): every unsettled money event posted by then (except a
	 * planted missing settlement) goes into one settlement per currency, with its Flat File V2 report (getReports
	 * finds it, DONE) and a closed financial event group. Returns the new settlements.
	 */
	closeSettlement(opts: { at?: number } = {}): AmazonSettlement[] {
		this.tick();
		const at = opts.at ?? this.now();
		const open = this.events.filter((e) => !e.settlementId && !e.neverSettled && e.postedAt <= at);
		const out: AmazonSettlement[] = [];
		for (const currency of [...new Set(open.map((e) => e.currency))].sort()) {
			const evs = open.filter((e) => e.currency === currency).sort((a, b) => a.postedAt - b.postedAt || a.id.localeCompare(b.id));
			const prev = this.settlements.filter((s) => s.currency === currency).at(-1);
			const settlementId = String(10_000_000_000 + this.settlements.length * 7919 + ++this.seq);
			const rowsTotal = evs.reduce((s, e) => s + eventTotalCents(e), 0);
			let totalCents = rowsTotal;
			const mismatch = this.pendingPlants.find((p) => p.kind === 'payout_mismatch' && !p.applied);
			if (mismatch) {
				totalCents += this.plantOpts.get(mismatch)?.deltaCents ?? -1000;
				Object.assign(mismatch, { applied: true, settlementId, expectedCents: rowsTotal, actualCents: totalCents });
			}
			for (const e of evs) e.settlementId = settlementId;
			for (const p of this.planted) if (p.applied && !p.settlementId && p.orderId && evs.some((e) => e.orderId === p.orderId) && p.kind !== 'missing_settlement') p.settlementId = settlementId;
			const reportDocumentId = this.newDocId('reports');
			const s: AmazonSettlement = {
				settlementId,
				financialEventGroupId: `FEG-${settlementId}`,
				startAt: prev?.endAt ?? evs.reduce((m, e) => Math.min(m, e.postedAt), at),
				endAt: at,
				depositAt: at + 2 * 86400_000,
				currency,
				totalCents,
				rowsTotalCents: rowsTotal,
				eventIds: evs.map((e) => e.id),
				reportId: this.newId(),
				reportDocumentId,
			};
			this.docs.set(reportDocumentId, { id: reportDocumentId, kind: 'reports', contentType: 'text/tab-separated-values', content: renderSettlementV2(s, evs) });
			this.reports.push({
				reportId: s.reportId,
				reportType: SETTLEMENT_V2_REPORT_TYPE,
				marketplaceIds: [...this.creds.marketplaceIds],
				dataStartTime: s.startAt,
				dataEndTime: s.endAt,
				times: { createdAt: this.now(), startAt: this.now(), endAt: this.now(), finished: true },
				reportDocumentId,
			});
			this.settlements.push(s);
			out.push(s);
		}
		this.pendingPlants.splice(0, this.pendingPlants.length, ...this.pendingPlants.filter((p) => !p.applied));
		return out;
	}
	/**
	 * Plant a discrepancy in the money data (see kit.ts). over_fee, missing_settlement and double_refund need the
	 * order; they apply to its unsettled event now, or to its next event (shipment; refund for double_refund).
	 * payout_mismatch makes the next settlement's total-amount differ by `deltaCents` (default -1000).
	 */
	plantDiscrepancy(kind: DiscrepancyKind, opts: { orderId?: string; deltaCents?: number; rate?: number } = {}): PlantedDiscrepancy {
		const p = this.newPlant(kind, opts);
		this.pendingPlants.push(p);
		for (const e of this.events) if (!e.settlementId) this.applyPlants(e);
		return p;
	}

	// ---- rendering ---------------------------------------------------------------------------------------
	/** The 2026-01-01 Order object */
	render(o: SeedOrder): Record<string, unknown> {
		const cur = o.currency;
		const m = (n: number) => ({ amount: money(n, cur), currencyCode: cur });
		const status = STATUS[o.status];
		const shipped = o.status === 'shipped';
		const a = o.shipTo;
		const created = Date.parse(o.createdAt);
		const states = this.items.get(o.id);
		return {
			orderId: o.id,
			orderAliases: [{ aliasId: `SO-${o.id.slice(-7)}`, aliasType: 'SELLER_ORDER_ID' }],
			createdTime: o.createdAt.replace(/\.\d{3}Z$/, 'Z'),
			lastUpdatedTime: o.updatedAt.replace(/\.\d{3}Z$/, 'Z'),
			programs: o.shippingLevel === 'next_day' ? ['PRIME'] : [],
			salesChannel: { channelName: 'AMAZON', marketplaceId: this.creds.marketplaceIds[0], marketplaceName: 'Amazon.com' },
			buyer: {
				buyerName: o.customer.name,
				buyerEmail: `${createHash('sha1').update(o.customer.email).digest('hex').slice(0, 16)}@marketplace.amazon.com`,
			},
			...(status === 'PENDING'
				? {}
				: {
						recipient: {
							deliveryAddress: {
								name: a.name,
								...(a.company ? { companyName: a.company } : {}),
								addressLine1: a.line1,
								...(a.line2 ? { addressLine2: a.line2 } : {}),
								city: a.city,
								...(a.region ? { stateOrRegion: a.region } : {}),
								postalCode: a.postalCode,
								countryCode: a.country,
								...(a.phone ? { phone: a.phone } : {}),
								addressType: a.company ? 'COMMERCIAL' : 'RESIDENTIAL',
							},
						},
					}),
			proceeds: {
				grandTotal: m(total(o)),
				breakdowns: [
					{ type: 'ITEM', subtotal: m(subtotal(o)) },
					{ type: 'SHIPPING', subtotal: m(o.shippingCost) },
					{ type: 'TAX', subtotal: m(o.tax) },
					...(o.discount ? [{ type: 'DISCOUNT', subtotal: m(-o.discount) }] : []),
				],
			},
			fulfillment: {
				fulfillmentStatus: status,
				fulfilledBy: 'MERCHANT',
				fulfillmentServiceLevel: LEVEL[o.shippingLevel] ?? 'STANDARD',
				shipByWindow: { earliestDateTime: new Date(created).toISOString().replace(/\.\d{3}Z$/, 'Z'), latestDateTime: new Date(created + 2 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
				deliverByWindow: { earliestDateTime: new Date(created + 3 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), latestDateTime: new Date(created + 7 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
			},
			orderItems: o.lines.map((l, i) => {
				const st = states?.get(itemIdOf(o, i));
				const fulfilled = shipped ? l.quantity : (st?.shipped ?? 0);
				return {
					orderItemId: itemIdOf(o, i),
					quantityOrdered: l.quantity,
					product: {
						asin: asinOf(l.sku),
						title: l.title,
						sellerSku: l.sku,
						condition: { conditionType: 'NEW', conditionSubtype: 'NEW' },
						price: { unitPrice: m(l.unitPrice) },
					},
					proceeds: { proceedsTotal: m(lineTotal(l)), breakdowns: [{ type: 'ITEM', subtotal: m(lineTotal(l)) }] },
					...(st?.request || st?.execution ? { cancellation: { ...(st.request ? { cancellationRequest: st.request } : {}), ...(st.execution ? { cancellationExecution: st.execution } : {}) } } : {}),
					fulfillment: { quantityFulfilled: fulfilled, quantityUnfulfilled: Math.max(0, l.quantity - fulfilled - (st?.cancelled ?? 0)) },
				};
			}),
			...this.packagesOf(o, shipped),
		};
	}

	/** The order's packages (includedData PACKAGES): those confirmed through the API, else a generated one for an order
	 * seeded as shipped */
	private packagesOf(o: SeedOrder, shipped: boolean): { packages?: unknown[] } {
		const confirmed = this.received.shipments.filter((s) => s.orderId === o.id && !s.duplicate);
		if (confirmed.length) {
			return {
				packages: confirmed.map((s) => {
					const d = (s.body as { packageDetail?: Record<string, unknown> }).packageDetail ?? {};
					return { packageReferenceId: String(d.packageReferenceId ?? ''), carrier: d.carrierName ?? d.carrierCode, trackingNumber: d.trackingNumber, shippingService: d.shippingMethod, shipTime: d.shipDate, packageStatus: { status: 'IN_TRANSIT' } };
				}),
			};
		}
		return shipped ? { packages: [{ packageReferenceId: '1', carrier: 'UPS', trackingNumber: `1Z${o.id.replace(/\D/g, '').slice(-10)}`, shippingService: 'UPS Ground', shipTime: o.updatedAt, packageStatus: { status: 'IN_TRANSIT' } }] } : {};
	}

	private err(status: number, code: string, message: string, extra: Record<string, string> = {}): Res {
		return { status, headers: { 'x-amzn-requestid': randomBytes(8).toString('hex'), ...extra }, body: { errors: [{ code, message, details: '' }] } };
	}

	protected throttleResponse(op: string): Res {
		return this.err(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.', this.rateHeaders(op));
	}

	private rateHeaders(op: string): Record<string, string> {
		const spec = this.limitFor(op) ?? LIMITS[op as keyof typeof LIMITS];
		return spec ? { 'x-amzn-ratelimit-limit': String(spec.ratePerSec / this.timeScale) } : {};
	}

	protected opOf(req: Req): string {
		const p = req.path;
		const get = req.method === 'GET';
		if (p === '/auth/o2/token') return 'lwa';
		if (p.startsWith('/_s3/')) return 's3';
		if (p === '/orders/2026-01-01/orders') return 'searchOrders';
		if (p.startsWith('/orders/2026-01-01/orders/')) return 'getOrder';
		if (p.endsWith('/shipmentConfirmation')) return 'confirmShipment';
		if (p.startsWith('/listings/2021-08-01/items/')) return 'patchListingsItem';
		if (p.startsWith('/sellers/v1/marketplaceParticipations')) return 'getMarketplaceParticipations';
		if (p === '/feeds/2021-06-30/documents') return 'createFeedDocument';
		if (p.startsWith('/feeds/2021-06-30/documents/')) return 'getFeedDocument';
		if (p === '/feeds/2021-06-30/feeds') return get ? 'getFeeds' : 'createFeed';
		if (p.startsWith('/feeds/2021-06-30/feeds/')) return req.method === 'DELETE' ? 'cancelFeed' : 'getFeed';
		if (p === '/reports/2021-06-30/reports') return get ? 'getReports' : 'createReport';
		if (p.startsWith('/reports/2021-06-30/reports/')) return req.method === 'DELETE' ? 'cancelReport' : 'getReport';
		if (p.startsWith('/reports/2021-06-30/documents/')) return 'getReportDocument';
		if (p === '/finances/v0/financialEventGroups') return 'listFinancialEventGroups';
		if (/^\/finances\/v0\/financialEventGroups\/[^/]+\/financialEvents$/.test(p)) return 'listFinancialEventsByGroupId';
		if (/^\/finances\/v0\/orders\/[^/]+\/financialEvents$/.test(p)) return 'listFinancialEventsByOrderId';
		if (p === '/finances/v0/financialEvents') return 'listFinancialEvents';
		return 'other';
	}

	protected route(req: Req): Res {
		this.tick();
		const op = this.opOf(req);
		if (op === 'lwa') return this.lwa(req);
		if (op === 's3') return this.s3(req);
		const auth = this.checkToken(header(req, 'x-amz-access-token'));
		if (auth !== 'ok')
			return this.err(403, 'Unauthorized', 'Access to requested resource is denied.', {}) as Res & { body: unknown };
		if (op !== 'other' && !this.admit(op)) return this.throttleResponse(op);
		const rh = this.rateHeaders(op);
		const withRate = (r: Res): Res => ({ ...r, headers: { 'x-amzn-requestid': randomBytes(8).toString('hex'), ...rh, ...(r.headers ?? {}) } });
		const last = decodeURIComponent(req.path.split('/').pop() ?? '');
		switch (op) {
			case 'searchOrders':
				return withRate(this.search(req));
			case 'getOrder': {
				const o = this.orders.get(last);
				return withRate(o ? { status: 200, body: { order: this.render(o) } } : this.err(404, 'NotFound', `Order ${last} not found`));
			}
			case 'confirmShipment':
				return withRate(this.confirm(req));
			case 'patchListingsItem':
				return withRate(this.patchListing(req));
			case 'getMarketplaceParticipations':
				return withRate({
					status: 200,
					body: { payload: [{ marketplace: { id: this.creds.marketplaceIds[0], name: 'Amazon.com', countryCode: 'US', defaultCurrencyCode: 'USD', defaultLanguageCode: 'en_US', domainName: 'www.amazon.com' }, participation: { isParticipating: true, hasSuspendedListings: false } }] },
				});
			case 'createFeedDocument':
				return withRate(this.createDocument(req, 'feeds'));
			case 'getFeedDocument':
				return withRate(this.getDocument(last, 'feeds'));
			case 'createFeed':
				return withRate(this.createFeed(req));
			case 'getFeed':
			case 'cancelFeed': {
				const f = this.feeds.find((x) => x.feedId === last);
				if (!f) return withRate(this.err(404, 'NotFound', `Feed ${last} not found`));
				if (op === 'getFeed') return withRate({ status: 200, body: this.feedView(f) });
				if (this.feedStatus(f) !== 'IN_QUEUE') return withRate(this.err(400, 'InvalidInput', `Only feeds with processingStatus IN_QUEUE can be cancelled; ${f.feedId} is ${this.feedStatus(f)}`));
				f.cancelled = true;
				f.times.finished = true;
				return withRate({ status: 200 });
			}
			case 'getFeeds':
				return withRate(this.list(req, 'feeds'));
			case 'createReport':
				return withRate(this.createReport(req));
			case 'getReport':
			case 'cancelReport': {
				const r = this.reports.find((x) => x.reportId === last);
				if (!r) return withRate(this.err(404, 'NotFound', `Report ${last} not found`));
				if (op === 'getReport') return withRate({ status: 200, body: this.reportView(r) });
				if (this.reportStatus(r) !== 'IN_QUEUE') return withRate(this.err(400, 'InvalidInput', `Only reports with processingStatus IN_QUEUE can be cancelled; ${r.reportId} is ${this.reportStatus(r)}`));
				r.cancelled = true;
				r.times.finished = true;
				return withRate({ status: 200 });
			}
			case 'getReports':
				return withRate(this.list(req, 'reports'));
			case 'getReportDocument':
				return withRate(this.getDocument(last, 'reports'));
			case 'listFinancialEvents':
			case 'listFinancialEventsByGroupId':
			case 'listFinancialEventsByOrderId':
				return withRate(this.financialEvents(req, op));
			case 'listFinancialEventGroups':
				return withRate(this.financialEventGroups(req));
		}
		return this.err(404, 'NotFound', `No route ${req.method} ${req.path}`);
	}

	private lwa(req: Req): Res {
		const b = (req.body ?? {}) as Record<string, string>;
		if (req.method !== 'POST') return { status: 405, body: { error: 'invalid_request' } };
		if (b.client_id !== this.creds.lwaClientId || b.client_secret !== this.creds.lwaClientSecret)
			return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
		if (b.grant_type !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type' } };
		if (b.refresh_token !== this.creds.refreshToken) return { status: 400, body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' } };
		const t = this.issueToken('Atza|', 3600);
		return { status: 200, body: { access_token: t.token, refresh_token: this.creds.refreshToken, token_type: 'bearer', expires_in: t.expiresIn } };
	}

	private search(req: Req): Res {
		const q = req.query;
		const max = q.get('maxResultsPerPage') ? Number(q.get('maxResultsPerPage')) : 100;
		if (!Number.isInteger(max) || max < 1 || max > 100) return this.err(400, 'InvalidInput', 'maxResultsPerPage must be between 1 and 100');
		const sigParams = [...new Set(q.keys())].filter((k) => !['paginationToken', 'maxResultsPerPage', 'includedData'].includes(k)).sort().map((k) => `${k}=${q.getAll(k).join(',')}`).join('&');
		const token = q.get('paginationToken');
		let page: PageToken;
		if (token) {
			const t = this.pageTokens.get(token);
			if (!t) return this.err(400, 'InvalidInput', 'Invalid paginationToken');
			if (this.now() > t.expires) return this.err(400, 'InvalidInput', 'paginationToken has expired');
			if (t.sig !== sigParams) return this.err(400, 'InvalidInput', 'Parameters other than maxResultsPerPage and includedData must not change when paginationToken is used');
			this.pageTokens.delete(token);
			page = t;
		} else {
			if (!q.get('marketplaceIds')) return this.err(400, 'InvalidInput', 'marketplaceIds is required');
			const ca = q.get('createdAfter');
			const ua = q.get('lastUpdatedAfter');
			if ((ca ? 1 : 0) + (ua ? 1 : 0) !== 1) return this.err(400, 'InvalidInput', 'Exactly one of createdAfter and lastUpdatedAfter is required');
			const settle = this.now() - 120_000 * this.timeScale;
			const beforeKey = ca ? 'createdBefore' : 'lastUpdatedBefore';
			const beforeParam = q.get(beforeKey);
			if (beforeParam && Date.parse(beforeParam) > settle) return this.err(400, 'InvalidInput', `${beforeKey} must be at least 2 minutes before the time of the request`);
			const after = Date.parse((ca ?? ua) as string);
			if (!Number.isFinite(after)) return this.err(400, 'InvalidInput', `${ca ? 'createdAfter' : 'lastUpdatedAfter'} is not an ISO 8601 date`);
			const before = beforeParam ? Date.parse(beforeParam) : settle;
			const field = ca ? 'createdAt' : 'updatedAt';
			const statuses = q.get('fulfillmentStatuses')?.split(',');
			const ids = [...this.orders.values()]
				.filter((o) => {
					const t = Date.parse(o[field]);
					return t >= after && t <= before && (!statuses || statuses.includes(STATUS[o.status]));
				})
				.sort((x, y) => Date.parse(x[field]) - Date.parse(y[field]) || x.id.localeCompare(y.id))
				.map((o) => o.id);
			page = { sig: sigParams, ids, offset: 0, expires: this.now() + 24 * 3600_000 * this.timeScale, bound: { key: beforeKey, value: new Date(before).toISOString().replace(/\.\d{3}Z$/, 'Z') } };
		}
		const slice = page.ids.slice(page.offset, page.offset + max);
		const body: Record<string, unknown> = { orders: slice.map((id) => this.render(this.orders.get(id) as SeedOrder)) };
		if (page.offset + max < page.ids.length) {
			const nt = randomBytes(16).toString('base64url');
			this.pageTokens.set(nt, { ...page, offset: page.offset + max });
			body.pagination = { nextToken: nt };
		}
		body[page.bound.key] = page.bound.value;
		return { status: 200, body };
	}

	private confirm(req: Req): Res {
		const orderId = decodeURIComponent(req.path.split('/')[4] ?? '');
		const o = this.orders.get(orderId);
		if (!o) return this.err(404, 'NotFound', `Order ${orderId} not found`);
		const b = req.body as { marketplaceId?: string; packageDetail?: Record<string, unknown> } | undefined;
		const pd = b?.packageDetail;
		if (!b?.marketplaceId) return this.err(400, 'InvalidInput', 'marketplaceId is required');
		if (!pd) return this.err(400, 'InvalidInput', 'packageDetail is required');
		for (const f of ['packageReferenceId', 'carrierCode', 'trackingNumber', 'shipDate', 'orderItems'])
			if (pd[f] === undefined || pd[f] === '') return this.err(400, 'InvalidInput', `packageDetail.${f} is required`);
		if (pd.carrierCode === 'Other' && !pd.carrierName) return this.err(400, 'InvalidInput', 'carrierName is required when carrierCode is Other');
		const known = new Set(o.lines.map((_, i) => itemIdOf(o, i)));
		for (const it of pd.orderItems as Array<{ orderItemId?: string; quantity?: number }>)
			if (!it.orderItemId || !known.has(it.orderItemId)) return this.err(400, 'InvalidInput', `orderItemId ${it.orderItemId} is not in order ${orderId}`);
		if (o.status === 'cancelled') return this.err(400, 'InvalidInput', `Order ${orderId} is cancelled`);
		// ⚠ a confirmation of units already confirmed is accepted (204) and marked duplicate: no second shipment
		const fresh: Array<{ orderItemId: string; quantity: number }> = [];
		for (const it of pd.orderItems as Array<{ orderItemId: string; quantity?: number }>) {
			const i = o.lines.findIndex((_, k) => itemIdOf(o, k) === it.orderItemId);
			const st = this.itemState(o, i);
			const open = o.lines[i].quantity - st.cancelled - st.shipped;
			const q = Math.min(open, it.quantity ?? open);
			if (q > 0) fresh.push({ orderItemId: it.orderItemId, quantity: q });
		}
		this.received.shipments.push({ orderId, body: b, ...(fresh.length ? {} : { duplicate: true }) });
		if (fresh.length) this.recordShipment(o, fresh, this.now(), String(pd.packageReferenceId));
		const all = o.lines.every((l, i) => {
			const st = this.itemState(o, i);
			return st.shipped + st.cancelled >= l.quantity;
		});
		o.status = all || o.status === 'shipped' ? 'shipped' : 'partially_shipped';
		o.updatedAt = this.iso();
		this.bump();
		return { status: 204 };
	}

	private patchListing(req: Req): Res {
		const [, , , , sellerId, sku] = req.path.split('/').map(decodeURIComponent);
		if (req.method !== 'PATCH') return this.err(405, 'InvalidInput', 'method');
		if (sellerId !== this.creds.sellerId) return this.err(403, 'Unauthorized', 'Access to requested resource is denied.');
		if (!req.query.get('marketplaceIds')) return this.err(400, 'InvalidInput', 'marketplaceIds is required');
		const b = req.body as { productType?: string; patches?: Array<{ op?: string; path?: string; value?: unknown }> } | undefined;
		if (!b?.productType || !Array.isArray(b.patches) || !b.patches.length) return this.err(400, 'InvalidInput', 'productType and patches are required');
		this.received.listings.push({ sellerId, sku, query: Object.fromEntries(req.query), body: b });
		const q = quantityOf(b.patches);
		if (q !== undefined) this.quantities.set(sku, { quantity: q, via: 'patchListingsItem', at: this.now() });
		return { status: 200, body: { sku, status: 'ACCEPTED', submissionId: randomBytes(16).toString('hex'), issues: [] } };
	}

	// ---- documents and pre-signed URLs --------------------------------------------------------------------
	private newId(): string {
		return String(50_000_000_000 + ++this.seq);
	}
	private newDocId(kind: 'feeds' | 'reports'): string {
		const u = randomBytes(16).toString('hex');
		return `amzn1.${kind === 'feeds' ? 'tortuga' : 'spdoc'}.4.na.${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`;
	}
	/** A URL on this sandbox that works without a token until it expires (5 minutes, scaled) ✔ */
	private presign(kind: 'feeds' | 'reports', docId: string, method: 'PUT' | 'GET', contentType?: string): string {
		const expires = this.now() + 300_000 * this.timeScale;
		const sig = createHmac('sha256', this.s3Secret).update(`${method}\n${docId}\n${expires}\n${contentType ?? ''}`).digest('hex');
		this.presigned.set(sig, { docId, kind, method, expires, contentType });
		const date = isoSec(this.now()).replace(/[-:]/g, '');
		return `${this.url}/_s3/${kind}/${encodeURIComponent(docId)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=300&X-Amz-SignedHeaders=${method === 'PUT' ? 'content-type%3Bhost' : 'host'}&X-Amz-Signature=${sig}`;
	}
	private s3(req: Req): Res {
		const xml = (status: number, code: string, message: string): Res => ({ status, headers: { 'content-type': 'application/xml' }, text: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>` });
		const p = this.presigned.get(req.query.get('X-Amz-Signature') ?? '');
		const docId = decodeURIComponent(req.path.split('/')[3] ?? '');
		if (!p || p.docId !== docId || p.method !== req.method) return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
		if (this.now() > p.expires) return xml(403, 'AccessDenied', 'Request has expired');
		const doc = this.docs.get(docId);
		if (!doc) return xml(404, 'NoSuchKey', 'The specified key does not exist.');
		if (req.method === 'PUT') {
			const ct = String(req.headers['content-type'] ?? '');
			if (p.contentType && ct.split(';')[0].trim().toLowerCase() !== p.contentType.split(';')[0].trim().toLowerCase())
				return xml(403, 'SignatureDoesNotMatch', `Content-Type ${ct || '(none)'} is not the one the URL was signed for (${p.contentType})`);
			doc.content = req.rawBody.toString('utf8');
			return { status: 200, headers: { etag: `"${createHash('md5').update(req.rawBody).digest('hex')}"` } };
		}
		return { status: 200, headers: { 'content-type': doc.contentType ?? 'text/plain' }, text: doc.content ?? '' };
	}
	private createDocument(req: Req, kind: 'feeds'): Res {
		const b = req.body as { contentType?: string } | undefined;
		if (!b?.contentType) return this.err(400, 'InvalidInput', 'contentType is required');
		const id = this.newDocId(kind);
		this.docs.set(id, { id, kind, contentType: b.contentType });
		return { status: 201, body: { feedDocumentId: id, url: this.presign(kind, id, 'PUT', b.contentType) } };
	}
	private getDocument(id: string, kind: 'feeds' | 'reports'): Res {
		const d = this.docs.get(id);
		if (!d || d.kind !== kind || d.content === undefined) return this.err(404, 'NotFound', `Document ${id} not found`);
		return { status: 200, body: { [kind === 'feeds' ? 'feedDocumentId' : 'reportDocumentId']: id, url: this.presign(kind, id, 'GET') } };
	}

	// ---- feeds ---------------------------------------------------------------------------------------------
	private createFeed(req: Req): Res {
		const b = req.body as { feedType?: string; marketplaceIds?: string[]; inputFeedDocumentId?: string; feedOptions?: Record<string, string> } | undefined;
		if (!b?.feedType || !Array.isArray(b.marketplaceIds) || !b.marketplaceIds.length || !b.inputFeedDocumentId) return this.err(400, 'InvalidInput', 'feedType, marketplaceIds and inputFeedDocumentId are required');
		if (b.marketplaceIds.length > 25) return this.err(400, 'InvalidInput', 'marketplaceIds takes at most 25 values');
		if (!(FEED_TYPES as readonly string[]).includes(b.feedType)) return this.err(400, 'InvalidInput', `Feed type ${b.feedType} is not supported by this sandbox (${FEED_TYPES.join(', ')})`);
		const doc = this.docs.get(b.inputFeedDocumentId);
		if (!doc || doc.kind !== 'feeds') return this.err(400, 'InvalidInput', `inputFeedDocumentId ${b.inputFeedDocumentId} is not a feed document`);
		if (doc.content === undefined) return this.err(400, 'InvalidInput', `Feed document ${b.inputFeedDocumentId} has no contents: upload them to its URL before createFeed`);
		if (b.feedType === 'POST_PAYMENT_ADJUSTMENT_DATA' && this.failRefundsHttpLeft > 0) {
			this.failRefundsHttpLeft--;
			return this.err(this.failRefundsHttp?.status ?? 500, 'InternalFailure', 'We encountered an internal error. Please try again. (staged)');
		}
		const f: Feed = {
			feedId: this.newId(),
			feedType: b.feedType,
			marketplaceIds: b.marketplaceIds,
			inputFeedDocumentId: b.inputFeedDocumentId,
			...(b.feedOptions ? { feedOptions: b.feedOptions } : {}),
			times: scheduleJob(this.lanes, `feed:${b.feedType}`, this.now(), this.jobTiming.feeds, this.timeScale),
		};
		const staged = this.failFeedsLeft.shift();
		if (staged) f.terminal = staged;
		this.feeds.push(f);
		this.received.feeds.push({ feedId: f.feedId, feedType: f.feedType, content: doc.content });
		return { status: 202, body: { feedId: f.feedId } };
	}
	private feedStatus(f: Feed): string {
		if (f.cancelled) return 'CANCELLED';
		const ph = jobPhase(f.times, this.now());
		if (ph === 'queued') return 'IN_QUEUE';
		if (f.terminal === 'CANCELLED') return 'CANCELLED';
		if (ph === 'running') return 'IN_PROGRESS';
		return f.terminal ?? 'DONE';
	}
	private feedView(f: Feed): Record<string, unknown> {
		const st = this.feedStatus(f);
		return {
			feedId: f.feedId,
			feedType: f.feedType,
			marketplaceIds: f.marketplaceIds,
			createdTime: isoSec(f.times.createdAt),
			processingStatus: st,
			...(['IN_PROGRESS', 'DONE', 'FATAL'].includes(st) ? { processingStartTime: isoSec(f.times.startAt) } : {}),
			...(['DONE', 'FATAL'].includes(st) ? { processingEndTime: isoSec(f.times.endAt) } : {}),
			...(f.resultFeedDocumentId && ['DONE', 'FATAL'].includes(st) ? { resultFeedDocumentId: f.resultFeedDocumentId } : {}),
		};
	}
	/** Apply every feed and report whose processing has ended */
	private tick(): void {
		const now = this.now();
		for (const f of this.feeds) if (!f.times.finished && now >= f.times.endAt) this.finishFeed(f);
		for (const r of this.reports) if (!r.times.finished && now >= r.times.endAt) this.finishReport(r);
	}
	private finishFeed(f: Feed): void {
		f.times.finished = true;
		if (f.terminal === 'CANCELLED' || f.cancelled) return;
		const content = this.docs.get(f.inputFeedDocumentId)?.content ?? '';
		let report: { contentType: string; text: string; fatal?: boolean };
		if (f.terminal === 'FATAL') report = this.fatalReport(f, 'The feed could not be processed (staged failure).');
		else if (f.feedType === 'JSON_LISTINGS_FEED') report = this.applyListingsFeed(f, content);
		else report = this.applyXmlFeed(f, content);
		if (report.fatal) f.terminal = 'FATAL';
		const id = this.newDocId('feeds');
		this.docs.set(id, { id, kind: 'feeds', contentType: report.contentType, content: report.text });
		f.resultFeedDocumentId = id;
		this.bump();
	}
	private fatalReport(f: Feed, message: string): { contentType: string; text: string; fatal: true } {
		if (f.feedType === 'JSON_LISTINGS_FEED')
			return {
				contentType: 'application/json',
				fatal: true,
				text: JSON.stringify({ header: { sellerId: this.creds.sellerId, version: '2.0', feedId: f.feedId }, issues: [{ code: '100001', severity: 'ERROR', message }], summary: { errors: 1, warnings: 0, messagesProcessed: 0, messagesAccepted: 0, messagesInvalid: 0 } }),
			};
		return { contentType: 'text/xml', fatal: true, text: this.processingReport(f, 0, [{ messageId: '0', code: '5000', description: message }]) };
	}
	private applyListingsFeed(f: Feed, content: string): { contentType: string; text: string; fatal?: boolean } {
		let doc: { header?: { sellerId?: string; version?: string }; messages?: Array<Record<string, unknown>> };
		try {
			doc = JSON.parse(content);
		} catch {
			return this.fatalReport(f, 'The feed is not valid JSON.');
		}
		if (!doc?.header || doc.header.version !== '2.0' || !doc.header.sellerId) return this.fatalReport(f, 'header.sellerId and header.version "2.0" are required.');
		if (doc.header.sellerId !== this.creds.sellerId) return this.fatalReport(f, `header.sellerId ${doc.header.sellerId} is not this seller.`);
		if (!Array.isArray(doc.messages) || doc.messages.length < 1 || doc.messages.length > 25_000) return this.fatalReport(f, 'messages must hold 1 to 25,000 messages.');
		const issues: Array<Record<string, unknown>> = [];
		const seen = new Set<number>();
		let accepted = 0;
		for (const m of doc.messages) {
			const id = m.messageId as number;
			const sku = typeof m.sku === 'string' ? m.sku : undefined;
			const bad = (code: string, message: string) => issues.push({ messageId: id, ...(sku ? { sku } : {}), code, severity: 'ERROR', message });
			const before = issues.length;
			if (!Number.isInteger(id) || id < 1 || seen.has(id)) bad('100002', 'messageId must be a unique integer of 1 or more.');
			else seen.add(id);
			if (!sku) bad('100003', 'sku is required.');
			const opType = m.operationType as string;
			if (!['UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE'].includes(opType)) bad('100004', 'operationType must be UPDATE, PARTIAL_UPDATE, PATCH or DELETE.');
			if (opType !== 'DELETE' && !m.productType) bad('100005', `productType is required for ${opType}.`);
			let q: number | undefined;
			if (opType === 'PATCH') {
				const patches = m.patches as Array<{ op?: string; path?: string; value?: unknown }> | undefined;
				if (!Array.isArray(patches) || !patches.length) bad('100006', 'patches are required for PATCH.');
				else if (patches.some((p) => !['add', 'replace', 'merge', 'delete'].includes(String(p.op)) || typeof p.path !== 'string')) bad('100007', 'Each patch needs op (add, replace, merge, delete) and path.');
				else q = quantityOf(patches);
			} else if (opType === 'UPDATE' || opType === 'PARTIAL_UPDATE') {
				const fa = (m.attributes as Record<string, unknown> | undefined)?.fulfillment_availability;
				if (!m.attributes) bad('100008', `attributes are required for ${opType}.`);
				else if (fa !== undefined) q = quantityOf([{ op: 'replace', path: '/attributes/fulfillment_availability', value: fa }]);
			}
			if (q !== undefined && (!Number.isInteger(q) || q < 0)) bad('100009', "'fulfillment_availability.quantity' must be a whole number of 0 or more.");
			if (sku && this.invalidSkus.has(sku)) bad('100010', `SKU ${sku} does not match any listing of this seller.`);
			if (issues.length === before) {
				accepted++;
				if (sku && q !== undefined) this.quantities.set(sku, { quantity: q, via: 'JSON_LISTINGS_FEED', at: this.now(), feedId: f.feedId });
			}
		}
		const errors = issues.length;
		const invalid = doc.messages.length - accepted;
		return {
			contentType: 'application/json',
			text: JSON.stringify({ header: { sellerId: this.creds.sellerId, version: '2.0', feedId: f.feedId }, issues, summary: { errors, warnings: 0, messagesProcessed: doc.messages.length, messagesAccepted: accepted, messagesInvalid: invalid } }),
		};
	}
	private applyXmlFeed(f: Feed, content: string): { contentType: string; text: string; fatal?: boolean } {
		const want = f.feedType === 'POST_ORDER_ACKNOWLEDGEMENT_DATA' ? 'OrderAcknowledgement' : 'OrderAdjustment';
		if (!/<AmazonEnvelope[\s>]/.test(content) || xmlText(content, 'MessageType') !== want) return this.fatalReport(f, `The document is not an AmazonEnvelope with MessageType ${want}.`);
		const messages = xmlAll(content, 'Message');
		const results: Array<{ messageId: string; code: string; description: string; orderId?: string }> = [];
		for (const msg of messages) {
			const messageId = xmlText(msg, 'MessageID') ?? '';
			const r = want === 'OrderAcknowledgement' ? this.applyAcknowledgement(f, msg) : this.applyAdjustment(f, msg);
			if (r) results.push({ messageId, ...r });
		}
		return { contentType: 'text/xml', text: this.processingReport(f, messages.length, results) };
	}
	private processingReport(f: Feed, processed: number, errors: Array<{ messageId: string; code: string; description: string; orderId?: string }>): string {
		const failed = new Set(errors.map((e) => e.messageId)).size;
		return (
			`<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n` +
			`<Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>${xmlEscape(this.creds.sellerId)}</MerchantIdentifier></Header>\n<MessageType>ProcessingReport</MessageType>\n` +
			`<Message><MessageID>1</MessageID><ProcessingReport><DocumentTransactionID>${f.feedId}</DocumentTransactionID><StatusCode>Complete</StatusCode>` +
			`<ProcessingSummary><MessagesProcessed>${processed}</MessagesProcessed><MessagesSuccessful>${Math.max(0, processed - failed)}</MessagesSuccessful><MessagesWithError>${failed}</MessagesWithError><MessagesWithWarning>0</MessagesWithWarning></ProcessingSummary>` +
			errors
				.map(
					(e) =>
						`<Result><MessageID>${xmlEscape(e.messageId)}</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>${e.code}</ResultMessageCode><ResultDescription>${xmlEscape(e.description)}</ResultDescription>${e.orderId ? `<AdditionalInfo><AmazonOrderID>${xmlEscape(e.orderId)}</AmazonOrderID></AdditionalInfo>` : ''}</Result>`,
				)
				.join('') +
			`</ProcessingReport></Message>\n</AmazonEnvelope>\n`
		);
	}
	/** One OrderAcknowledgement message; an error result, or undefined when applied */
	private applyAcknowledgement(f: Feed, msg: string): { code: string; description: string; orderId?: string } | undefined {
		const orderId = xmlText(msg, 'AmazonOrderID');
		if (!orderId) return { code: '18001', description: 'AmazonOrderID is required.' };
		const o = this.orders.get(orderId);
		if (!o) return { code: '18002', description: `Order ${orderId} was not found.`, orderId };
		const status = xmlText(msg, 'StatusCode');
		if (status !== 'Success' && status !== 'Failure') return { code: '18003', description: 'StatusCode must be Success or Failure.', orderId };
		const items = xmlAll(msg, 'Item').map((it) => ({ code: xmlText(it, 'AmazonOrderItemCode'), reason: xmlText(it, 'CancelReason') }));
		if (o.status === 'cancelled') return { code: '18004', description: `Order ${orderId} is already cancelled.`, orderId };
		if (status === 'Success') {
			this.received.acknowledgements.push({ orderId, feedId: f.feedId, merchantOrderId: xmlText(msg, 'MerchantOrderID') });
			return undefined;
		}
		if (o.status === 'shipped') return { code: '18005', description: `Order ${orderId} has shipped and cannot be cancelled.`, orderId };
		const targets: Array<{ index: number; reason: string }> = [];
		for (const it of items) {
			const index = o.lines.findIndex((_, k) => itemIdOf(o, k) === it.code);
			if (index < 0) return { code: '18006', description: `AmazonOrderItemCode ${it.code} is not in order ${orderId}.`, orderId };
			if (it.reason && !ACK_CANCEL_REASONS.includes(it.reason)) return { code: '18007', description: `CancelReason ${it.reason} is not valid.`, orderId };
			targets.push({ index, reason: it.reason ?? 'GeneralAdjustment' });
		}
		if (!targets.length) for (let i = 0; i < o.lines.length; i++) targets.push({ index: i, reason: 'GeneralAdjustment' });
		const cancelled: Array<{ orderItemId: string; quantity: number; reason: string }> = [];
		for (const t of targets) {
			const st = this.itemState(o, t.index);
			const qty = o.lines[t.index].quantity - st.shipped - st.cancelled;
			if (qty <= 0) return { code: '18008', description: `Item ${itemIdOf(o, t.index)} has no unshipped units to cancel.`, orderId };
			cancelled.push({ orderItemId: itemIdOf(o, t.index), quantity: qty, reason: t.reason });
		}
		for (const c of cancelled) {
			const i = o.lines.findIndex((_, k) => itemIdOf(o, k) === c.orderItemId);
			const st = this.itemState(o, i);
			st.cancelled += c.quantity;
			st.execution = { cancelledBy: 'MERCHANT', cancelReason: c.reason };
		}
		const allGone = o.lines.every((l, i) => this.itemState(o, i).cancelled >= l.quantity);
		const anyShipped = o.lines.some((_, i) => this.itemState(o, i).shipped > 0);
		if (allGone) o.status = 'cancelled';
		else if (anyShipped && o.lines.every((l, i) => this.itemState(o, i).cancelled + this.itemState(o, i).shipped >= l.quantity)) o.status = 'shipped';
		o.updatedAt = this.iso();
		this.received.cancellations.push({ orderId, feedId: f.feedId, items: cancelled });
		return undefined;
	}
	/** One OrderAdjustment message (all its items, or none); an error result, or undefined when refunded */
	private applyAdjustment(f: Feed, msg: string): { code: string; description: string; orderId?: string } | undefined {
		const orderId = xmlText(msg, 'AmazonOrderID');
		if (!orderId) return { code: '19001', description: 'AmazonOrderID is required.' };
		const o = this.orders.get(orderId);
		if (!o) return { code: '19002', description: `Order ${orderId} was not found.`, orderId };
		if (this.stagedRefundFailure() !== undefined) return { code: '19099', description: 'We are unable to process this adjustment now. Please resubmit. (staged)', orderId };
		const adjusted = xmlAll(msg, 'AdjustedItem');
		if (!adjusted.length) return { code: '19003', description: 'At least one AdjustedItem is required.', orderId };
		const plan: Array<{ index: number; adjId?: string; reason: string; comps: Record<string, number> }> = [];
		const usedHere = new Set<string>();
		for (const a of adjusted) {
			const code = xmlText(a, 'AmazonOrderItemCode');
			const index = o.lines.findIndex((_, k) => itemIdOf(o, k) === code);
			if (index < 0) return { code: '19004', description: `AmazonOrderItemCode ${code ?? '(none)'} is not in order ${orderId}.`, orderId };
			const reason = xmlText(a, 'AdjustmentReason') ?? '';
			if (!ADJUSTMENT_REASONS.includes(reason)) return { code: '19005', description: `AdjustmentReason ${reason || '(none)'} is not valid.`, orderId };
			const st = this.itemState(o, index);
			if (st.shipped < 1) return { code: '19006', description: `Item ${code} has not shipped: cancel it with an order acknowledgement instead.`, orderId };
			const adjId = xmlText(a, 'MerchantAdjustmentItemID');
			if (adjId && (st.adjustmentIds.has(adjId) || usedHere.has(adjId))) return { code: '19007', description: `MerchantAdjustmentItemID ${adjId} was already used on order ${orderId}.`, orderId };
			if (adjId) usedHere.add(adjId);
			const comps: Record<string, number> = {};
			for (const c of xmlAll(a, 'Component')) {
				const type = xmlText(c, 'Type') ?? '';
				const amount = Number(xmlText(c, 'Amount'));
				const currency = xmlAttr(c, 'Amount', 'currency');
				if (![...REFUND_COMPONENTS, ...DEDUCT_COMPONENTS].includes(type)) return { code: '19008', description: `Component Type ${type} is not valid.`, orderId };
				if (!Number.isFinite(amount) || amount < 0) return { code: '19009', description: `Component ${type}: Amount must be a number of 0 or more.`, orderId };
				if (currency !== o.currency) return { code: '19010', description: `Component ${type}: currency ${currency ?? '(none)'} is not the order's ${o.currency}.`, orderId };
				comps[type] = (comps[type] ?? 0) + toCents(amount);
			}
			const refund = REFUND_COMPONENTS.reduce((s, t) => s + (comps[t] ?? 0), 0) - DEDUCT_COMPONENTS.reduce((s, t) => s + (comps[t] ?? 0), 0);
			if (refund <= 0) return { code: '19011', description: `Item ${code}: the adjustment refunds nothing.`, orderId };
			if (st.refundedCents + refund > st.chargedCents) return { code: '19012', description: `Item ${code}: ${fmtCents(st.refundedCents + refund)} refunded in all exceeds the ${fmtCents(st.chargedCents)} charged.`, orderId };
			plan.push({ index, adjId, reason, comps });
		}
		const adjustmentId = `ADJ${this.newId()}`;
		const items: AmazonMoneyItem[] = [];
		for (const p of plan) {
			const st = this.itemState(o, p.index);
			const l = o.lines[p.index];
			const principal = p.comps.Principal ?? 0;
			const tax = p.comps.Tax ?? 0;
			const refund = REFUND_COMPONENTS.reduce((s, t) => s + (p.comps[t] ?? 0), 0) - DEDUCT_COMPONENTS.reduce((s, t) => s + (p.comps[t] ?? 0), 0);
			const commissionBack = st.principalCents ? Math.round((-st.commissionCents * principal) / st.principalCents) : 0;
			if (p.adjId) st.adjustmentIds.add(p.adjId);
			st.refundedCents += refund;
			const rid = p.adjId ?? `${adjustmentId}-${itemIdOf(o, p.index)}`;
			items.push({
				orderItemId: itemIdOf(o, p.index),
				sku: l.sku,
				quantity: 0,
				principal: -(principal + (p.comps.Goodwill ?? 0) + (p.comps.Other ?? 0) - (p.comps.RestockingFee ?? 0)),
				shipping: -((p.comps.Shipping ?? 0) + (p.comps.ReturnShipping ?? 0)),
				tax: -(tax - (p.comps.RestockingFeeTax ?? 0)),
				shippingTax: -(p.comps.ShippingTax ?? 0),
				promotion: 0,
				commission: commissionBack,
				withheldTax: tax - (p.comps.RestockingFeeTax ?? 0),
				refundCommission: refundAdminFeeCents(commissionBack, 1),
				merchantAdjustmentItemId: rid,
			});
			const ret = this.returns.find((r) => r.orderId === orderId && r.orderItemId === itemIdOf(o, p.index) && r.refundedCents === 0) ?? this.returns.find((r) => r.orderId === orderId && r.orderItemId === itemIdOf(o, p.index));
			if (ret) ret.refundedCents += refund;
			this.refunds.push({ refundId: rid, orderId, via: 'POST_PAYMENT_ADJUSTMENT_DATA', amount: refund / 100, currency: o.currency, at: this.now(), ...(ret ? { returnId: ret.amazonRmaId } : {}), lines: [{ lineId: itemIdOf(o, p.index), sku: l.sku, amount: refund / 100 }], reason: p.reason });
		}
		this.addEvent({ id: adjustmentId, type: 'Refund', orderId, merchantOrderId: `SO-${orderId.slice(-7)}`, adjustmentId, postedAt: this.now(), currency: o.currency, marketplaceName: 'Amazon.com', items });
		o.updatedAt = this.iso();
		return undefined;
	}

	// ---- reports -------------------------------------------------------------------------------------------
	private createReport(req: Req): Res {
		const b = req.body as { reportType?: string; marketplaceIds?: string[]; dataStartTime?: string; dataEndTime?: string } | undefined;
		if (!b?.reportType || !Array.isArray(b.marketplaceIds) || !b.marketplaceIds.length) return this.err(400, 'InvalidInput', 'reportType and marketplaceIds are required');
		if (b.reportType === SETTLEMENT_V2_REPORT_TYPE) return this.err(400, 'InvalidInput', `${SETTLEMENT_V2_REPORT_TYPE} cannot be requested: Amazon generates it; find it with getReports`);
		if (b.reportType !== RETURNS_REPORT_TYPE) return this.err(400, 'InvalidInput', `Report type ${b.reportType} is not supported by this sandbox (${RETURNS_REPORT_TYPE})`);
		const now = this.now();
		const end = b.dataEndTime ? Date.parse(b.dataEndTime) : now;
		const start = b.dataStartTime ? Date.parse(b.dataStartTime) : end - 30 * 86400_000;
		if (!Number.isFinite(start) || !Number.isFinite(end)) return this.err(400, 'InvalidInput', 'dataStartTime and dataEndTime must be ISO 8601 date-times');
		if (end > now || start > end) return this.err(400, 'InvalidInput', 'dataStartTime must not be after dataEndTime, and neither after now');
		if (end - start > 60 * 86400_000) return this.err(400, 'InvalidInput', `${RETURNS_REPORT_TYPE}: at most 60 days of data in one report`);
		const r: Report = { reportId: this.newId(), reportType: b.reportType, marketplaceIds: b.marketplaceIds, dataStartTime: start, dataEndTime: end, times: scheduleJob(this.lanes, `report:${b.reportType}`, now, this.jobTiming.reports, this.timeScale) };
		this.reports.push(r);
		return { status: 202, body: { reportId: r.reportId } };
	}
	private reportStatus(r: Report): string {
		if (r.cancelled) return 'CANCELLED';
		const ph = jobPhase(r.times, this.now());
		if (ph === 'queued') return 'IN_QUEUE';
		if (ph === 'running') return 'IN_PROGRESS';
		return r.terminal ?? 'DONE';
	}
	private reportView(r: Report): Record<string, unknown> {
		const st = this.reportStatus(r);
		return {
			reportId: r.reportId,
			reportType: r.reportType,
			marketplaceIds: r.marketplaceIds,
			...(r.dataStartTime !== undefined ? { dataStartTime: isoSec(r.dataStartTime) } : {}),
			...(r.dataEndTime !== undefined ? { dataEndTime: isoSec(r.dataEndTime) } : {}),
			createdTime: isoSec(r.times.createdAt),
			processingStatus: st,
			...(!r.cancelled && st !== 'IN_QUEUE' ? { processingStartTime: isoSec(r.times.startAt) } : {}),
			...(!r.cancelled && ['DONE', 'FATAL', 'CANCELLED'].includes(st) ? { processingEndTime: isoSec(r.times.endAt) } : {}),
			...(st === 'DONE' && r.reportDocumentId ? { reportDocumentId: r.reportDocumentId } : {}),
		};
	}
	private finishReport(r: Report): void {
		r.times.finished = true;
		if (r.terminal || r.cancelled) return;
		const rows = this.returns
			.filter((x) => x.requestedAt >= (r.dataStartTime ?? 0) && x.requestedAt <= (r.dataEndTime ?? Infinity))
			.sort((a, b) => a.requestedAt - b.requestedAt)
			.map((x) => {
				const d = (ms?: number) => (ms === undefined ? '' : new Date(ms).toISOString().slice(0, 10));
				return [
					x.orderId,
					d(x.orderDate),
					d(x.requestedAt),
					x.status,
					x.amazonRmaId,
					x.merchantRmaId,
					'AmazonUnPaidLabel',
					fmtCents(x.labelCostCents),
					x.currency,
					x.carrier,
					x.trackingId,
					'Customer',
					'N',
					x.prime ? 'Y' : 'N',
					x.asin,
					x.sku,
					x.title,
					String(x.quantity),
					x.reason,
					'Y',
					'C-Returns',
					'StandardRefund',
					'',
					d(x.deliveredAt),
					fmtCents(x.orderAmountCents),
					String(x.orderQuantity),
					'',
					'',
					'',
					'',
					'',
					x.refundedCents ? fmtCents(x.refundedCents) : '',
				];
			});
		if (!rows.length) {
			r.terminal = 'CANCELLED'; // ✔ "an automatic cancellation if there is no data to return"
			return;
		}
		const id = this.newDocId('reports');
		this.docs.set(id, { id, kind: 'reports', contentType: 'text/tab-separated-values', content: tsv([RETURNS_REPORT_COLUMNS, ...rows]) });
		r.reportDocumentId = id;
	}

	/** getFeeds / getReports: filters, or nextToken as the only parameter ✔ */
	private list(req: Req, kind: 'feeds' | 'reports'): Res {
		const q = req.query;
		const token = q.get('nextToken');
		let filters: URLSearchParams;
		let offset = 0;
		if (token) {
			if ([...q.keys()].some((k) => k !== 'nextToken')) return this.err(400, 'InvalidInput', 'nextToken must be the only parameter');
			try {
				const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { f: string; o: number };
				filters = new URLSearchParams(t.f);
				offset = t.o;
			} catch {
				return this.err(400, 'InvalidInput', 'Invalid nextToken');
			}
		} else filters = q;
		const typesKey = kind === 'feeds' ? 'feedTypes' : 'reportTypes';
		const types = filters.get(typesKey)?.split(',').filter(Boolean);
		if (!types?.length) return this.err(400, 'InvalidInput', `${typesKey} or nextToken is required`);
		const pageSize = filters.get('pageSize') ? Number(filters.get('pageSize')) : 10;
		if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return this.err(400, 'InvalidInput', 'pageSize must be between 1 and 100');
		const statuses = filters.get('processingStatuses')?.split(',').filter(Boolean);
		const since = filters.get('createdSince') ? Date.parse(filters.get('createdSince') as string) : this.now() - 90 * 86400_000;
		const until = filters.get('createdUntil') ? Date.parse(filters.get('createdUntil') as string) : this.now();
		const mps = filters.get('marketplaceIds')?.split(',').filter(Boolean);
		const all = (kind === 'feeds' ? this.feeds.map((f) => this.feedView(f)) : this.reports.map((r) => this.reportView(r)))
			.filter((v) => types.includes(String(v[kind === 'feeds' ? 'feedType' : 'reportType'])))
			.filter((v) => !statuses || statuses.includes(String(v.processingStatus)))
			.filter((v) => !mps || (v.marketplaceIds as string[]).some((m) => mps.includes(m)))
			.filter((v) => {
				const t = Date.parse(String(v.createdTime));
				return t >= since && t <= until + 999 && t >= this.now() - 90 * 86400_000;
			})
			.reverse();
		const page = all.slice(offset, offset + pageSize);
		const body: Record<string, unknown> = { [kind]: page };
		if (offset + pageSize < all.length) body.nextToken = Buffer.from(JSON.stringify({ f: filters.toString(), o: offset + pageSize })).toString('base64url');
		return { status: 200, body };
	}

	// ---- money -----------------------------------------------------------------------------------------------
	/** Cents of each line's principal, shipping share, tax share and promotion share */
	private lineCents(o: SeedOrder): Array<{ principal: number; shipping: number; tax: number; promotion: number }> {
		const principals = o.lines.map((l) => toCents(lineTotal(l)));
		const ship = splitCents(toCents(o.shippingCost), principals);
		const tax = splitCents(toCents(o.tax), principals);
		const promo = splitCents(-toCents(o.discount), principals);
		return principals.map((p, i) => ({ principal: p, shipping: ship[i], tax: tax[i], promotion: promo[i] }));
	}
	private recordShipment(o: SeedOrder, shipped: Array<{ orderItemId: string; quantity: number }>, at: number, packageRef: string): void {
		const cents = this.lineCents(o);
		const items: AmazonMoneyItem[] = [];
		for (const s of shipped) {
			const i = o.lines.findIndex((_, k) => itemIdOf(o, k) === s.orderItemId);
			const l = o.lines[i];
			const st = this.itemState(o, i);
			const frac = (c: number) => Math.round((c * s.quantity) / l.quantity);
			const part = { principal: frac(cents[i].principal), shipping: frac(cents[i].shipping), tax: frac(cents[i].tax), promotion: frac(cents[i].promotion) };
			const commission = referralFeeCents(part.principal + part.promotion, part.shipping, s.quantity);
			st.shipped += s.quantity;
			st.chargedCents += part.principal + part.shipping + part.tax + part.promotion;
			st.principalCents += part.principal;
			st.commissionCents += commission;
			items.push({ orderItemId: s.orderItemId, sku: l.sku, quantity: s.quantity, ...part, shippingTax: 0, commission, withheldTax: -part.tax });
		}
		this.addEvent({ id: `SHP-${o.id}-${packageRef}-${this.events.length}`, type: 'Order', orderId: o.id, merchantOrderId: `SO-${o.id.slice(-7)}`, shipmentId: `${packageRef}${randomBytes(3).toString('hex')}`, postedAt: at, currency: o.currency, marketplaceName: 'Amazon.com', items });
	}
	private addEvent(e: AmazonMoneyEvent): void {
		this.events.push(e);
		this.applyPlants(e);
	}
	private applyPlants(e: AmazonMoneyEvent): void {
		for (const p of this.pendingPlants) {
			if (p.applied || p.orderId !== e.orderId) continue;
			if (p.kind === 'over_fee' && e.type === 'Order') {
				const rate = this.plantOpts.get(p)?.rate ?? 0.25;
				const expected = e.items.reduce((s, i) => s + i.commission, 0);
				for (const i of e.items) i.commission = referralFeeCents(i.principal + i.promotion, i.shipping, i.quantity, rate);
				const o = this.orders.get(e.orderId);
				if (o) for (const i of e.items) this.itemState(o, o.lines.findIndex((_, k) => itemIdOf(o, k) === i.orderItemId)).commissionCents += i.commission - referralFeeCents(i.principal + i.promotion, i.shipping, i.quantity);
				Object.assign(p, { applied: true, expectedCents: -expected, actualCents: -e.items.reduce((s, i) => s + i.commission, 0) });
			} else if (p.kind === 'missing_settlement' && e.type === 'Order') {
				e.neverSettled = true;
				Object.assign(p, { applied: true, expectedCents: eventTotalCents(e), actualCents: 0 });
			} else if (p.kind === 'double_refund' && e.type === 'Refund') {
				e.duplicated = true;
				const once = eventTotalCents(e) / 2;
				Object.assign(p, { applied: true, expectedCents: once, actualCents: once * 2 });
			}
		}
	}
	private financialEvents(req: Req, op: string): Res {
		const q = req.query;
		const max = q.get('MaxResultsPerPage') ? Number(q.get('MaxResultsPerPage')) : 100;
		if (!Number.isInteger(max) || max < 1 || max > 100) return this.err(400, 'InvalidInput', 'MaxResultsPerPage must be between 1 and 100');
		const horizon = this.now() - 120_000 * this.timeScale;
		const visible = this.now() - this.financesLagMs * this.timeScale;
		let evs: AmazonMoneyEvent[];
		if (op === 'listFinancialEvents') {
			const a = q.get('PostedAfter');
			const bParam = q.get('PostedBefore');
			if (bParam && !a) return this.err(400, 'InvalidInput', 'PostedBefore requires PostedAfter');
			const after = a ? Date.parse(a) : -Infinity;
			const before = bParam ? Date.parse(bParam) : horizon;
			if ((a && !Number.isFinite(after)) || !Number.isFinite(before)) return this.err(400, 'InvalidInput', 'PostedAfter and PostedBefore must be ISO 8601 date-times');
			if (a && after > horizon) return this.err(400, 'InvalidInput', 'PostedAfter must be more than two minutes before the time of the request');
			if (bParam && (before <= after || before > horizon)) return this.err(400, 'InvalidInput', 'PostedBefore must be later than PostedAfter and more than two minutes before the time of the request');
			evs = before - after > 180 * 86400_000 ? [] : this.events.filter((e) => e.postedAt >= after && e.postedAt < before);
		} else if (op === 'listFinancialEventsByGroupId') {
			const gid = decodeURIComponent(req.path.split('/')[4] ?? '');
			const s = this.settlements.find((x) => x.financialEventGroupId === gid);
			if (!s && gid !== OPEN_GROUP) return this.err(404, 'NotFound', `Financial event group ${gid} not found`);
			evs = s ? this.events.filter((e) => e.settlementId === s.settlementId) : this.events.filter((e) => !e.settlementId && !e.neverSettled);
		} else {
			const oid = decodeURIComponent(req.path.split('/')[4] ?? '');
			evs = this.events.filter((e) => e.orderId === oid);
		}
		evs = evs.filter((e) => e.postedAt <= visible).sort((x, y) => x.postedAt - y.postedAt || x.id.localeCompare(y.id));
		// a duplicated (double-charged) refund shows twice
		const flat = evs.flatMap((e) => (e.duplicated ? [e, e] : [e]));
		const sig = `${op}|${req.path}|${q.get('PostedAfter') ?? ''}|${q.get('PostedBefore') ?? ''}`;
		let offset = 0;
		const token = q.get('NextToken');
		if (token) {
			try {
				const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s: string; o: number };
				if (t.s !== sig) return this.err(400, 'InvalidInput', 'NextToken must be used with the same arguments as the call that produced it');
				offset = t.o;
			} catch {
				return this.err(400, 'InvalidInput', 'Invalid NextToken');
			}
		}
		const page = flat.slice(offset, offset + max);
		const lists: Record<string, unknown[]> = { ShipmentEventList: [], RefundEventList: [] };
		for (const e of page) lists[e.type === 'Order' ? 'ShipmentEventList' : 'RefundEventList'].push(financialEvent(e));
		const payload: Record<string, unknown> = { FinancialEvents: lists };
		if (offset + max < flat.length) payload.NextToken = Buffer.from(JSON.stringify({ s: sig, o: offset + max })).toString('base64url');
		return { status: 200, body: { payload } };
	}
	private financialEventGroups(req: Req): Res {
		const q = req.query;
		const max = q.get('MaxResultsPerPage') ? Number(q.get('MaxResultsPerPage')) : 10;
		if (!Number.isInteger(max) || max < 1 || max > 100) return this.err(400, 'InvalidInput', 'MaxResultsPerPage must be between 1 and 100');
		const after = q.get('FinancialEventGroupStartedAfter') ? Date.parse(q.get('FinancialEventGroupStartedAfter') as string) : -Infinity;
		const before = q.get('FinancialEventGroupStartedBefore') ? Date.parse(q.get('FinancialEventGroupStartedBefore') as string) : Infinity;
		if (after > this.now() - 120_000 * this.timeScale) return this.err(400, 'InvalidInput', 'FinancialEventGroupStartedAfter must be more than two minutes before the time of the request');
		const m = (c: number, cur: string) => ({ CurrencyCode: cur, CurrencyAmount: c / 100 });
		const groups: Array<Record<string, unknown>> = this.settlements.map((s) => ({
			FinancialEventGroupId: s.financialEventGroupId,
			ProcessingStatus: 'Closed',
			FundTransferStatus: 'Succeeded',
			OriginalTotal: m(s.totalCents, s.currency),
			ConvertedTotal: m(s.totalCents, s.currency),
			FundTransferDate: isoSec(s.depositAt),
			TraceId: `TRACE${s.settlementId}`,
			AccountTail: '1234',
			BeginningBalance: m(0, s.currency),
			FinancialEventGroupStart: isoSec(s.startAt),
			FinancialEventGroupEnd: isoSec(s.endAt),
		}));
		const open = this.events.filter((e) => !e.settlementId && !e.neverSettled);
		const last = this.settlements.at(-1);
		groups.push({
			FinancialEventGroupId: OPEN_GROUP,
			ProcessingStatus: 'Open',
			FundTransferStatus: 'Unknown',
			OriginalTotal: m(open.reduce((s, e) => s + eventTotalCents(e), 0), open[0]?.currency ?? 'USD'),
			BeginningBalance: m(0, open[0]?.currency ?? 'USD'),
			FinancialEventGroupStart: isoSec(last?.endAt ?? open.reduce((m, e) => Math.min(m, e.postedAt), this.now())),
		});
		const all = groups.filter((g) => {
			const t = Date.parse(String(g.FinancialEventGroupStart));
			return t >= after && t < before;
		});
		let offset = 0;
		const token = q.get('NextToken');
		if (token) offset = Number(Buffer.from(token, 'base64url').toString('utf8')) || 0;
		const payload: Record<string, unknown> = { FinancialEventGroupList: all.slice(offset, offset + max) };
		if (offset + max < all.length) payload.NextToken = Buffer.from(String(offset + max)).toString('base64url');
		return { status: 200, body: { payload } };
	}

	// ---- state ---------------------------------------------------------------------------------------------
	private itemStates(o: SeedOrder): Map<string, ItemState> {
		let m = this.items.get(o.id);
		if (!m) {
			m = new Map();
			for (let i = 0; i < o.lines.length; i++) m.set(itemIdOf(o, i), { shipped: 0, cancelled: 0, returned: 0, chargedCents: 0, refundedCents: 0, commissionCents: 0, principalCents: 0, adjustmentIds: new Set() });
			this.items.set(o.id, m);
		}
		return m;
	}
	private itemState(o: SeedOrder, index: number): ItemState {
		return this.itemStates(o).get(itemIdOf(o, index)) as ItemState;
	}
}

const OPEN_GROUP = 'FEG-OPEN';

/** The orderItemId the sandbox gives an order's line */
export function itemIdOf(o: SeedOrder, index: number): string {
	return `${o.id.replace(/\D/g, '').slice(-8)}${String(index + 1).padStart(6, '0')}`;
}
function asinOf(sku: string): string {
	return `B0${createHash('md5').update(sku).digest('hex').slice(0, 8).toUpperCase()}`;
}
/** The quantity a listings patch sets (fulfillment_availability), if any */
function quantityOf(patches: Array<{ op?: string; path?: string; value?: unknown }>): number | undefined {
	for (const p of patches)
		if (p.path === '/attributes/fulfillment_availability' && Array.isArray(p.value)) {
			const v = (p.value as Array<{ quantity?: unknown }>)[0]?.quantity;
			if (v !== undefined) return typeof v === 'number' ? v : Number.NaN;
		}
	return undefined;
}

export { AMAZON_FEE_TABLE };
