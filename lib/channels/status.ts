/**
 * Channel status words: statusKey (how words compare) and statusProgress (which of two versions of an order is
 * further along its channel's lifecycle). Each channel's readiness from its own words, and its progress table,
 * live in its folder (lib/channels/<channel>/status.ts; the table in docs/concepts.md#readiness); statusProgress
 * finds them through the registry.
 */
import { own, statusKey } from './normalize-common';
import { channelDefinition } from './registry';

export { statusKey } from './normalize-common';
export { shopifyReadiness } from './shopify/status';
export { amazonReadiness } from './amazon/status';
export { ebayReadiness } from './ebay/status';
export { wooCommerceReadiness } from './woocommerce/status';
export { walmartReadiness } from './walmart/status';

/*
 * How far each channel's status words are along its lifecycle, per dimension (Shopify: financial, fulfillment;
 * eBay: payment, fulfillment, cancellation; the others one). Used only to order two versions of an order that
 * carry the same update time (channels write whole seconds): the one further along is the newer.
 */
function progressOf(channel: string, status: string): Array<number | undefined> {
	const progress = channelDefinition(channel)?.progress;
	if (!progress) return [];
	const table = progress.words;
	const lines = progress.mode === 'lines';
	const out: Array<number | undefined> = [];
	const ranks: number[] = [];
	for (const word of status.split('/')) {
		const key = statusKey(word);
		const hit = own(table, key);
		if (!hit) continue;
		if (lines) ranks.push(hit[1]);
		else out[hit[0]] = Math.max(out[hit[0]] ?? -1, hit[1]);
	}
	return lines && ranks.length ? [Math.min(...ranks), Math.max(...ranks)] : out;
}

/**
 * 1 when channel status `a` is further along the channel's lifecycle than `b` (every known dimension at least as
 * far, one further), -1 when it is behind, 0 when the same or not comparable (unknown words, one dimension forward
 * and another back).
 */
export function statusProgress(channel: string, a: string, b: string): -1 | 0 | 1 {
	if (a === b) return 0;
	const pa = progressOf(channel, a);
	const pb = progressOf(channel, b);
	let ahead = false;
	let behind = false;
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		const x = pa[i];
		const y = pb[i];
		if (x === undefined || y === undefined) continue;
		if (x > y) ahead = true;
		else if (x < y) behind = true;
	}
	return ahead === behind ? 0 : ahead ? 1 : -1;
}
