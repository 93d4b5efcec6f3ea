/**
 * Amazon money data for the SP-API sandbox: the Flat File V2 settlement report
 * (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) and the Finances API v0 events, both drawn from one list of money
 * events so that they always agree; and a generator of large settlement reports for benchmarks.
 *
 * Facts:
 *  - Columns, in order ✔ (developer-docs.amazon.com/sp-api/docs/settlement-reports-attributes): settlement-id,
 *    settlement-start-date, settlement-end-date, deposit-date, total-amount, currency, transaction-type, order-id,
 *    merchant-order-id, adjustment-id, shipment-id, marketplace-name, amount-type, amount-description, amount,
 *    fulfillment-id, posted-date, posted-date-time, order-item-code, merchant-order-item-id,
 *    merchant-adjustment-item-id, sku, quantity-purchased. Tab-delimited ✔.
 *  - posted-date is MM/DD/YY and posted-date-time YYYY-MM-DD HH:MM:SS UTC; amounts in the marketplace's local format
 *    (95,00 in the EU) ✔ (…/changelog/update-deprecation-of-two-payment-settlement-report-types).
 *  - The report cannot be requested; Amazon generates it and getReports finds it ✔ (…/report-type-values-settlement).
 *  - Finances v0 ShipmentEvent/ShipmentItem/ChargeComponent/FeeComponent/TaxWithheldComponent field names ✔
 *    (models/finances-api-model/financesV0.json).
 * Assumed ⚠:
 *  - the first data row is the settlement summary (settlement-id … currency filled, the rest empty), then one row
 *    per amount with settlement-id and currency filled and the three dates and total-amount empty (public parsers
 *    and samples differ on whether amount rows repeat the dates; not in Amazon's page);
 *  - two decimals for every currency (the sandbox's Amazon orders are all USD);
 *  - settlement-start-date / settlement-end-date / deposit-date written like posted-date-time;
 *  - amount-type/amount-description pairs: ItemPrice/Principal, ItemPrice/Shipping, ItemPrice/Tax,
 *    ItemPrice/ShippingTax, Promotion/Principal, ItemFees/Commission, ItemFees/RefundCommission,
 *    ItemWithheldTax/MarketplaceFacilitatorTax-Principal (third-party samples);
 *  - Finances ChargeType names Principal, Tax, ShippingCharge, ShippingTax and the withheld-tax ChargeType
 *    MarketplaceFacilitatorTax-Principal;
 *  - the fee table below (a 15% referral fee with a 0.30 minimum per unit, a refund administration fee of 20% of
 *    the refunded referral fee capped at 5.00 per unit): Amazon's fees vary by category.
 */
import { mulberry32 } from '../generator';
import { fmtCents, isoSec, mmddyy, splitCents, tsv, utcStamp } from './kit';

export const SETTLEMENT_V2_REPORT_TYPE = 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2';
export const SETTLEMENT_V2_COLUMNS = [
	'settlement-id',
	'settlement-start-date',
	'settlement-end-date',
	'deposit-date',
	'total-amount',
	'currency',
	'transaction-type',
	'order-id',
	'merchant-order-id',
	'adjustment-id',
	'shipment-id',
	'marketplace-name',
	'amount-type',
	'amount-description',
	'amount',
	'fulfillment-id',
	'posted-date',
	'posted-date-time',
	'order-item-code',
	'merchant-order-item-id',
	'merchant-adjustment-item-id',
	'sku',
	'quantity-purchased',
] as const;

/** The sandbox's fee table ⚠ (what a reconciliation compares charged fees with) */
export const AMAZON_FEE_TABLE = {
	/** referral fee: share of the item price plus shipping */
	referralRate: 0.15,
	/** referral fee minimum per unit, cents */
	referralMinPerUnitCents: 30,
	/** refund administration fee: share of the refunded referral fee */
	refundAdminRate: 0.2,
	/** refund administration fee cap per unit, cents */
	refundAdminMaxPerUnitCents: 500,
} as const;

/** The referral fee for an item (negative cents, as the settlement shows it) */
export function referralFeeCents(principalCents: number, shippingCents: number, quantity: number, rate: number = AMAZON_FEE_TABLE.referralRate): number {
	const fee = Math.max(Math.round((principalCents + shippingCents) * rate), AMAZON_FEE_TABLE.referralMinPerUnitCents * Math.max(1, quantity));
	return -fee;
}
/** The refund administration fee for a refunded referral fee (negative cents) */
export function refundAdminFeeCents(refundedCommissionCents: number, quantity: number): number {
	const fee = Math.min(Math.round(Math.abs(refundedCommissionCents) * AMAZON_FEE_TABLE.refundAdminRate), AMAZON_FEE_TABLE.refundAdminMaxPerUnitCents * Math.max(1, quantity));
	return -fee;
}

/** One item of a money event; signed cents as the seller sees them (credits positive) */
export interface AmazonMoneyItem {
	orderItemId: string;
	sku: string;
	quantity: number;
	principal: number;
	shipping: number;
	tax: number;
	shippingTax: number;
	/** negative or 0 */
	promotion: number;
	/** referral fee: negative on an Order, positive (given back) on a Refund */
	commission: number;
	/** marketplace-facilitator tax Amazon keeps and remits: negative on an Order, positive on a Refund */
	withheldTax: number;
	/** Refund only: the refund administration fee (negative) */
	refundCommission?: number;
	merchantAdjustmentItemId?: string;
}
export interface AmazonMoneyEvent {
	id: string;
	type: 'Order' | 'Refund';
	orderId: string;
	merchantOrderId: string;
	shipmentId?: string;
	adjustmentId?: string;
	postedAt: number;
	currency: string;
	marketplaceName: string;
	items: AmazonMoneyItem[];
	settlementId?: string;
	/** never settled (a planted missing settlement) */
	neverSettled?: boolean;
	/** written twice in its settlement (a planted double refund) */
	duplicated?: boolean;
}
export interface AmazonSettlement {
	settlementId: string;
	financialEventGroupId: string;
	startAt: number;
	endAt: number;
	depositAt: number;
	currency: string;
	/** cents, what Amazon deposits (planted mismatches make it differ from the rows) */
	totalCents: number;
	/** cents, the sum of the rows */
	rowsTotalCents: number;
	eventIds: string[];
	reportId: string;
	reportDocumentId: string;
}

export function itemTotalCents(i: AmazonMoneyItem): number {
	return i.principal + i.shipping + i.tax + i.shippingTax + i.promotion + i.commission + i.withheldTax + (i.refundCommission ?? 0);
}
export function eventTotalCents(e: AmazonMoneyEvent): number {
	return e.items.reduce((s, i) => s + itemTotalCents(i), 0) * (e.duplicated ? 2 : 1);
}

/** The amount rows of one event, in the report's column order */
export function settlementRows(settlementId: string, e: AmazonMoneyEvent, comma = false): string[][] {
	const rows: string[][] = [];
	const amounts = (i: AmazonMoneyItem): Array<[string, string, number]> =>
		[
			['ItemPrice', 'Principal', i.principal],
			['ItemPrice', 'Shipping', i.shipping],
			['ItemPrice', 'Tax', i.tax],
			['ItemPrice', 'ShippingTax', i.shippingTax],
			['Promotion', 'Principal', i.promotion],
			['ItemWithheldTax', 'MarketplaceFacilitatorTax-Principal', i.withheldTax],
			['ItemFees', 'Commission', i.commission],
			['ItemFees', 'RefundCommission', i.refundCommission ?? 0],
		].filter(([, d, v], k) => v !== 0 || (k === 0 && d === 'Principal')) as Array<[string, string, number]>;
	for (let copy = 0; copy < (e.duplicated ? 2 : 1); copy++)
		for (const i of e.items)
			for (const [type, desc, v] of amounts(i))
				rows.push([
					settlementId,
					'',
					'',
					'',
					'',
					e.currency,
					e.type,
					e.orderId,
					e.merchantOrderId,
					e.adjustmentId ?? '',
					e.shipmentId ?? '',
					e.marketplaceName,
					type,
					desc,
					fmtCents(v, comma),
					'MFN',
					mmddyy(e.postedAt),
					utcStamp(e.postedAt),
					i.orderItemId,
					'',
					i.merchantAdjustmentItemId ?? '',
					i.sku,
					String(i.quantity),
				]);
	return rows;
}

/** The whole Flat File V2 report of a settlement */
export function renderSettlementV2(s: AmazonSettlement, events: AmazonMoneyEvent[], comma = false): string {
	const summary = [s.settlementId, utcStamp(s.startAt), utcStamp(s.endAt), utcStamp(s.depositAt), fmtCents(s.totalCents, comma), s.currency, ...new Array(17).fill('')];
	return tsv([[...SETTLEMENT_V2_COLUMNS], summary, ...events.flatMap((e) => settlementRows(s.settlementId, e, comma))]);
}

const money = (cents: number, currency: string) => ({ CurrencyCode: currency, CurrencyAmount: cents / 100 });
/** A money event as a Finances v0 ShipmentEvent (Order) or refund ShipmentEvent (Refund) */
export function financialEvent(e: AmazonMoneyEvent): Record<string, unknown> {
	const cur = e.currency;
	const charges = (i: AmazonMoneyItem) =>
		[
			['Principal', i.principal],
			['Tax', i.tax],
			['ShippingCharge', i.shipping],
			['ShippingTax', i.shippingTax],
		]
			.filter(([, v]) => v !== 0)
			.map(([t, v]) => ({ ChargeType: t, ChargeAmount: money(v as number, cur) }));
	const fees = (i: AmazonMoneyItem) =>
		[
			['Commission', i.commission],
			['RefundCommission', i.refundCommission ?? 0],
		]
			.filter(([, v]) => v !== 0)
			.map(([t, v]) => ({ FeeType: t, FeeAmount: money(v as number, cur) }));
	const withheld = (i: AmazonMoneyItem) =>
		i.withheldTax ? [{ TaxCollectionModel: 'MarketplaceFacilitator', TaxesWithheld: [{ ChargeType: 'MarketplaceFacilitatorTax-Principal', ChargeAmount: money(i.withheldTax, cur) }] }] : [];
	const promos = (i: AmazonMoneyItem) => (i.promotion ? [{ PromotionType: 'PromotionMetaDataDefinitionValue', PromotionId: `PROMO-${e.orderId}`, PromotionAmount: money(i.promotion, cur) }] : []);
	const base = { AmazonOrderId: e.orderId, SellerOrderId: e.merchantOrderId, MarketplaceName: e.marketplaceName, PostedDate: isoSec(e.postedAt) };
	if (e.type === 'Order')
		return {
			...base,
			ShipmentItemList: e.items.map((i) => ({ SellerSKU: i.sku, OrderItemId: i.orderItemId, QuantityShipped: i.quantity, ItemChargeList: charges(i), ItemFeeList: fees(i), ItemTaxWithheldList: withheld(i), PromotionList: promos(i) })),
		};
	return {
		...base,
		ShipmentItemAdjustmentList: e.items.map((i) => ({
			SellerSKU: i.sku,
			OrderItemId: i.orderItemId,
			OrderAdjustmentItemId: i.merchantAdjustmentItemId ?? `${e.adjustmentId}-${i.orderItemId}`,
			QuantityShipped: i.quantity,
			ItemChargeAdjustmentList: charges(i),
			ItemFeeAdjustmentList: fees(i),
			ItemTaxWithheldList: withheld(i),
			PromotionAdjustmentList: promos(i),
		})),
	};
}

/**
 * A large Flat File V2 settlement report for benchmarks (issue 22: import 200,000 rows): exactly `rows` amount
 * rows after the header and summary rows, drawn from synthetic orders (1-3 items, 5-7 rows an item; about 1 in 20
 * orders also refunded) and, to land on the exact count, Subscription Fee service rows. Deterministic for a seed;
 * `totalCents` is the sum of the amount rows and equals the summary row's total-amount.
 */
export function generateSettlementV2(opts: { rows?: number; seed?: number; settlementId?: string; startAt?: number; currency?: string; comma?: boolean } = {}): {
	text: string;
	rows: number;
	totalCents: number;
	orders: number;
	refunds: number;
} {
	const want = opts.rows ?? 200_000;
	const rnd = mulberry32(opts.seed ?? 1);
	const currency = opts.currency ?? 'USD';
	const sid = opts.settlementId ?? String(11_000_000_000 + Math.floor(rnd() * 1e9));
	const start = opts.startAt ?? Date.UTC(2026, 9, 1);
	const end = start + 14 * 86400_000;
	const lines: string[] = [];
	let total = 0;
	let orders = 0;
	let refunds = 0;
	const push = (e: AmazonMoneyEvent) => {
		for (const r of settlementRows(sid, e, opts.comma)) lines.push(r.join('\t'));
		total += eventTotalCents(e);
	};
	const catalog = [1250, 1999, 2995, 4900, 6400, 12900, 3450, 899, 2400, 34900];
	while (want - lines.length >= 3 * 7 * 2) {
		orders++;
		const orderId = `${100 + (orders % 900)}-${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}-${String(orders).padStart(7, '0')}`;
		const postedAt = start + Math.floor(rnd() * (end - start));
		const nItems = 1 + Math.floor(rnd() * 3);
		const items: AmazonMoneyItem[] = [];
		const shipping = rnd() < 0.5 ? 0 : 599;
		const ship = splitCents(shipping, new Array(nItems).fill(1));
		for (let k = 0; k < nItems; k++) {
			const quantity = rnd() < 0.85 ? 1 : 2;
			const principal = catalog[Math.floor(rnd() * catalog.length)] * quantity;
			const tax = Math.round(principal * 0.08);
			const promotion = rnd() < 0.1 ? -Math.min(500, principal) : 0;
			items.push({
				orderItemId: `${String(orders).padStart(8, '0')}${String(k + 1).padStart(6, '0')}`,
				sku: `SKU-${Math.floor(rnd() * 5000)}`,
				quantity,
				principal,
				shipping: ship[k],
				tax,
				shippingTax: 0,
				promotion,
				commission: referralFeeCents(principal + promotion, ship[k], quantity),
				withheldTax: -tax,
			});
		}
		push({ id: `O${orders}`, type: 'Order', orderId, merchantOrderId: orderId, shipmentId: `S${orders}`, postedAt, currency, marketplaceName: 'Amazon.com', items });
		if (rnd() < 0.05) {
			refunds++;
			const i = items[0];
			push({
				id: `R${orders}`,
				type: 'Refund',
				orderId,
				merchantOrderId: orderId,
				adjustmentId: `A${orders}`,
				postedAt: Math.min(end - 1, postedAt + 3 * 86400_000),
				currency,
				marketplaceName: 'Amazon.com',
				items: [{ ...i, principal: -i.principal, shipping: 0, tax: -i.tax, promotion: -i.promotion, commission: -i.commission, withheldTax: i.tax, refundCommission: refundAdminFeeCents(i.commission, i.quantity), merchantAdjustmentItemId: `ADJ-${orders}` }],
			});
		}
	}
	while (lines.length < want) {
		const at = start + Math.floor(((lines.length + 1) / want) * (end - start - 1));
		lines.push([sid, '', '', '', '', currency, 'ServiceFee', '', '', '', '', '', 'other-transaction', 'Subscription Fee', fmtCents(-1, opts.comma), '', mmddyy(at), utcStamp(at), '', '', '', '', '0'].join('\t'));
		total -= 1;
	}
	const summary = [sid, utcStamp(start), utcStamp(end), utcStamp(end + 86400_000), fmtCents(total, opts.comma), currency, ...new Array(17).fill('')].join('\t');
	return { text: [SETTLEMENT_V2_COLUMNS.join('\t'), summary, ...lines].join('\n') + '\n', rows: lines.length, totalCents: total, orders, refunds };
}

if (require.main === module) {
	const arg = (name: string) => {
		const i = process.argv.indexOf(`--${name}`);
		return i > 0 ? process.argv[i + 1] : undefined;
	};
	const r = generateSettlementV2({ rows: Number(arg('rows') ?? 200_000), seed: Number(arg('seed') ?? 1) });
	const out = arg('out');
	if (out) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		(require('node:fs') as typeof import('node:fs')).writeFileSync(out, r.text);
		console.log(`${r.rows} rows (${r.orders} orders, ${r.refunds} refunds), total ${fmtCents(r.totalCents)} -> ${out}`);
	} else process.stdout.write(r.text);
}
