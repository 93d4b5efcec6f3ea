/**
 * The channels' return reason words, normalised (ReturnReason). One table of the words the channels document, then
 * keywords for the words they do not (Amazon's report reason codes are not listed in a source the project could
 * read: they are matched by keyword, e.g. CR-DEFECTIVE -> defective), then `other`. No reason at all is `unknown`.
 *
 * Sources: Shopify's ReturnReason enum (Admin GraphQL), Walmart's returnReason codes (ReturnOrderLine, 2023 SDK),
 * eBay's ReturnReasonTypeEnum (Post-Order: a category, so REMORSE is unwanted and SNAD not as described).
 */
import { statusKey } from '../order/versions';
import type { ReturnReason } from './types';

/** Documented reason words (by statusKey: upper case, letters and digits only) -> the normalised reason. */
const KNOWN: Record<string, ReturnReason> = {
	// Shopify ReturnReason
	COLOR: 'style',
	DEFECTIVE: 'defective',
	NOTASDESCRIBED: 'not_as_described',
	OTHER: 'other',
	SIZETOOLARGE: 'size_fit',
	SIZETOOSMALL: 'size_fit',
	STYLE: 'style',
	UNKNOWN: 'unknown',
	UNWANTED: 'unwanted',
	WRONGITEM: 'wrong_item',
	// Walmart returnReason
	ARRIVEDLATE: 'arrived_late',
	AUTORETURN: 'undeliverable',
	BOUGHTANOTHERSIZEORCOLOR: 'size_fit',
	BOUGHTSOMEWHEREELSE: 'unwanted',
	DAMAGED: 'damaged',
	DUPLICATEITEM: 'unwanted',
	INADEQUATEQUALITY: 'style',
	INCORRECTITEM: 'wrong_item',
	LOSTAFTERDELIVERY: 'undeliverable',
	LOSTINTRANSIT: 'undeliverable',
	LOWERPRICE: 'unwanted',
	MISSINGPARTS: 'missing_parts',
	NOLONGERWANTED: 'unwanted',
	RETURNTOSENDER: 'undeliverable',
	SHIPPINGBOXDAMAGED: 'damaged',
	TRIEDTOCANCEL: 'unwanted',
	WRONGSIZEPOORFIT: 'size_fit',
	WRONGSIZE: 'size_fit',
	POORFIT: 'size_fit',
	// eBay ReturnReasonTypeEnum (categories)
	REMORSE: 'unwanted',
	SNAD: 'not_as_described',
	CANCEL: 'unwanted',
	INSTORE: 'other',
};

/** Keywords, in the order they are tried, for words not in the table (the first that matches wins). */
const KEYWORDS: Array<[RegExp, ReturnReason]> = [
	[/DEFECT|BROKEN|NOTWORK|FAULT|MALFUNCTION/, 'defective'],
	[/DAMAGE/, 'damaged'],
	[/WRONG|INCORRECT|DIFFERENT/, 'wrong_item'],
	[/DESCRI|SNAD/, 'not_as_described'],
	[/MISSING|PARTS/, 'missing_parts'],
	[/SIZE|SMALL|LARGE|FIT/, 'size_fit'],
	[/STYLE|COLOU?R|QUALITY/, 'style'],
	[/LATE/, 'arrived_late'],
	[/UNDELIVER|REFUSED|LOST|SENDER/, 'undeliverable'],
	[/UNWANTED|NOLONGER|CHANGED|MIND|REMORSE|NOTNEEDED|ACCIDENT|BETTERPRICE|CHEAPER|ELSEWHERE/, 'unwanted'],
];

/** The normalised reason of a channel's reason words (null or blank: unknown; words nothing matches: other). */
export function normaliseReturnReason(channelReason: string | null | undefined): ReturnReason {
	const k = statusKey(channelReason);
	if (!k) return 'unknown';
	const known = KNOWN[k];
	if (known) return known;
	for (const [re, reason] of KEYWORDS) if (re.test(k)) return reason;
	return 'other';
}
