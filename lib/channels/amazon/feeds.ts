/**
 * Amazon Feeds API 2021-06-30 ✔ (amzn/selling-partner-api-models models/feeds-api-model/feeds_2021-06-30.json;
 * docs/architecture.md#vendor-api-facts, Amazon 2.5): the documents of one feed, and what the AmazonClient builds
 * on them (the JSON listings feed for quantities, the order acknowledgement feed for cancellations).
 *
 *   createFeedDocument {contentType} → {feedDocumentId, url} (a pre-signed URL, valid 5 minutes ✔)
 *   PUT the contents to the URL with the same Content-Type (no SP-API token: the URL is the credential)
 *   createFeed {feedType, marketplaceIds, inputFeedDocumentId} → 202 {feedId}
 *   getFeed → processingStatus IN_QUEUE | IN_PROGRESS | DONE | FATAL | CANCELLED, resultFeedDocumentId once DONE/FATAL
 *   getFeedDocument → {url}; GET it: the processing report
 *
 * The payment adjustment feed refunds a return (paymentAdjustmentFeed).
 * This file holds what needs no HTTP: the feed bodies and the reading of the processing reports.
 */

import { minorText } from '../../order/money';

/**
 * Messages a listings feed: listings-feed-schema-v2.json says 1 to 10,000 ✔ (amzn/selling-partner-api-models
 * @2ff53ef, messages.maxItems); the sandbox allows 25,000 (a later model?) ⚠. 10,000 is within both.
 */
export const LISTINGS_FEED_MAX_MESSAGES = 10_000;

/** Processing status values of getFeed ✔ */
export type FeedStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'FATAL' | 'CANCELLED';

/** The JSON_LISTINGS_FEED document that sets fulfillment_availability (DEFAULT channel) per SKU, messageId = index + 1 ✔ */
export function listingsQuantityFeed(sellerId: string, productType: string, items: Array<{ sku: string; quantity: number }>): string {
	return JSON.stringify({
		header: { sellerId, version: '2.0', issueLocale: 'en_US' },
		messages: items.map((it, i) => ({
			messageId: i + 1,
			sku: it.sku,
			operationType: 'PATCH',
			productType,
			patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: it.quantity }] }],
		})),
	});
}

export interface ListingsReport {
	/** errors per messageId (warnings are not errors) */
	errors: Map<number, string>;
	/** errors naming no message (the whole feed) */
	feedErrors: string[];
	messagesAccepted?: number;
	messagesProcessed?: number;
}

/**
 * The JSON listings feed processing report ✔ (listings-feed-processing-report-schema-v2.json):
 * {header, issues[{messageId, sku?, code, severity ERROR|WARNING|INFO, message}], summary{…}}.
 */
export function readListingsReport(body: unknown): ListingsReport {
	const doc = (typeof body === 'string' ? JSON.parse(body) : body) as {
		issues?: Array<{ messageId?: number; code?: string; severity?: string; message?: string }>;
		summary?: { messagesAccepted?: number; messagesProcessed?: number };
	};
	if (!doc || typeof doc !== 'object') throw new Error('Amazon listings feed report: not a JSON object');
	const errors = new Map<number, string>();
	const feedErrors: string[] = [];
	for (const is of doc.issues ?? []) {
		if (String(is.severity).toUpperCase() !== 'ERROR') continue;
		const text = `${is.code ?? ''} ${is.message ?? ''}`.trim();
		if (typeof is.messageId === 'number' && is.messageId > 0) errors.set(is.messageId, errors.has(is.messageId) ? `${errors.get(is.messageId)}; ${text}` : text);
		else feedErrors.push(text);
	}
	return { errors, feedErrors, messagesAccepted: doc.summary?.messagesAccepted, messagesProcessed: doc.summary?.messagesProcessed };
}

/**
 * OrderAcknowledgement.xsd CancelReason values ⚠ (the MWS XSD, through public code and integrators' docs):
 * NoInventory, ShippingAddressUndeliverable, CustomerExchange, BuyerCanceled, GeneralAdjustment,
 * CarrierCreditDecision, RiskAssessmentInformationNotValid, CarrierCoverageFailure, CustomerReturn,
 * MerchandiseNotReceived.
 */
export const AMAZON_CANCEL_REASONS = [
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
] as const;
export type AmazonCancelReason = (typeof AMAZON_CANCEL_REASONS)[number];

/**
 * The OMS's reason words → a CancelReason: an exact value as is; out of stock → NoInventory (Amazon does not put
 * the units back on sale for that one ⚠); fraud/risk → RiskAssessmentInformationNotValid ⚠; the customer's own
 * request → BuyerCanceled; an address that cannot be shipped to → ShippingAddressUndeliverable; else GeneralAdjustment.
 */
export function amazonCancelReason(reason?: string): AmazonCancelReason {
	const r = (reason ?? '').trim();
	const exact = AMAZON_CANCEL_REASONS.find((x) => x.toLowerCase() === r.toLowerCase());
	if (exact) return exact;
	const w = r.toLowerCase();
	if (/stock|inventory|unavailable/.test(w)) return 'NoInventory';
	if (/fraud|risk/.test(w)) return 'RiskAssessmentInformationNotValid';
	if (/customer|buyer/.test(w)) return 'BuyerCanceled';
	if (/address|undeliverable/.test(w)) return 'ShippingAddressUndeliverable';
	return 'GeneralAdjustment';
}

/**
 * A POST_ORDER_ACKNOWLEDGEMENT_DATA document ✔ (order-feed-type-values: "acknowledges or cancels an order",
 * XSD OrderAcknowledgement.xsd) with one message: StatusCode Failure cancels the order ⚠ (integrators' docs: "Sending
 * status code Failure will automatically cancel the order"); with items, those items (AmazonOrderItemCode +
 * CancelReason); without, the whole order. Not for an order with a shipped item ⚠ (that refunds the whole order).
 */
export function orderCancellationFeed(sellerId: string, orderId: string, items: Array<{ orderItemId: string }>, reason: AmazonCancelReason): string {
	const itemXml = items.map((it) => `<Item><AmazonOrderItemCode>${xmlEscape(it.orderItemId)}</AmazonOrderItemCode><CancelReason>${reason}</CancelReason></Item>`).join('');
	return (
		`<?xml version="1.0" encoding="UTF-8"?>\n` +
		`<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">` +
		`<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>${xmlEscape(sellerId)}</MerchantIdentifier></Header>` +
		`<MessageType>OrderAcknowledgement</MessageType>` +
		`<Message><MessageID>1</MessageID><OperationType>Update</OperationType><OrderAcknowledgement>` +
		`<AmazonOrderID>${xmlEscape(orderId)}</AmazonOrderID><StatusCode>Failure</StatusCode>${itemXml}` +
		`</OrderAcknowledgement></Message></AmazonEnvelope>\n`
	);
}

/** One item of a payment adjustment: its components (Principal, Shipping, Tax, RestockingFee…) in minor units */
export interface AdjustmentItem {
	orderItemId: string;
	/** MerchantAdjustmentItemID: the seller's id of the adjustment; Amazon refuses one already used on the order ⚠ */
	adjustmentId: string;
	components: Array<{ type: string; amountMinor: number }>;
}

/**
 * A POST_PAYMENT_ADJUSTMENT_DATA document ✔ (order feed type; the OrderAdjustment message ⚠, MWS-era XSD through
 * public code): one message refunding the items of one order, AdjustmentReason CustomerReturn, every Amount in the
 * order's currency (positive; RestockingFee deducts).
 */
export function paymentAdjustmentFeed(sellerId: string, orderId: string, currency: string, items: AdjustmentItem[]): string {
	const itemXml = items
		.map(
			(it) =>
				`<AdjustedItem><AmazonOrderItemCode>${xmlEscape(it.orderItemId)}</AmazonOrderItemCode><MerchantAdjustmentItemID>${xmlEscape(it.adjustmentId)}</MerchantAdjustmentItemID>` +
				`<AdjustmentReason>CustomerReturn</AdjustmentReason><ItemPriceAdjustments>` +
				it.components.map((c) => `<Component><Type>${c.type}</Type><Amount currency="${xmlEscape(currency)}">${minorText(c.amountMinor, currency)}</Amount></Component>`).join('') +
				`</ItemPriceAdjustments></AdjustedItem>`,
		)
		.join('');
	return (
		`<?xml version="1.0" encoding="UTF-8"?>\n` +
		`<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">` +
		`<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>${xmlEscape(sellerId)}</MerchantIdentifier></Header>` +
		`<MessageType>OrderAdjustment</MessageType>` +
		`<Message><MessageID>1</MessageID><OrderAdjustment><AmazonOrderID>${xmlEscape(orderId)}</AmazonOrderID><ActionType>Refund</ActionType>${itemXml}</OrderAdjustment></Message></AmazonEnvelope>\n`
	);
}

/**
 * The XML feeds' processing report ⚠ (public samples): ProcessingReport{StatusCode, ProcessingSummary{
 * MessagesProcessed, MessagesSuccessful, MessagesWithError}, Result{MessageID, ResultCode Error|Warning,
 * ResultMessageCode, ResultDescription}}. Returns the error results (warnings dropped) and the counts.
 */
export function readXmlProcessingReport(text: string): { processed?: number; withError?: number; errors: Array<{ messageId: string; code?: string; description: string }> } {
	const tag = (s: string, t: string) => new RegExp(`<${t}>([\\s\\S]*?)</${t}>`).exec(s)?.[1]?.trim();
	const num = (s?: string) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
	const errors: Array<{ messageId: string; code?: string; description: string }> = [];
	for (const m of text.matchAll(/<Result>([\s\S]*?)<\/Result>/g)) {
		if (tag(m[1], 'ResultCode') !== 'Error') continue;
		errors.push({ messageId: tag(m[1], 'MessageID') ?? '', code: tag(m[1], 'ResultMessageCode'), description: unescapeXml(tag(m[1], 'ResultDescription') ?? '') });
	}
	return { processed: num(tag(text, 'MessagesProcessed')), withError: num(tag(text, 'MessagesWithError')), errors };
}

function xmlEscape(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function unescapeXml(s: string): string {
	return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
