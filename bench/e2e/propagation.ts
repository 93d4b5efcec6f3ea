/**
 * bench:e2e's quantity propagation of sales during a burst and after it (issue 24), as pure functions of what the
 * benchmark recorded: when each channel first showed each sale, and the earliest the channel's documented limit
 * allows. Stock starts at STOCK units of every SKU and each sale takes one.
 */

/** Units of every SKU at the start (the benchmark seeds this) */
export const STOCK = 1_000_000;
export type QtyChannel = 'amazon' | 'ebay' | 'walmart' | 'woocommerce';

/** Every quantity a channel's sandbox received, with when the benchmark saw it (polled every 20 ms) */
export interface QtySeen {
	channel: QtyChannel;
	sku: string;
	quantity: number;
	at: number;
}
/** A sale timed for propagation: when its webhook was posted, its SKU, and how many units of that SKU were sold by then (it included) */
export interface TimedSale {
	at: number;
	sku: string;
	rank: number;
}
/**
 * When a channel shows each sale: the first quantity of its SKU it received, after the sale, that counts it (one unit a
 * sale from STOCK: at most STOCK - rank). The rank is by webhook time; two sales of one SKU in flight at once may
 * reserve the other way round (a quantity that counts one of them counts both a moment later).
 */
export function shownAt(sales: TimedSale[], seen: QtySeen[], ch: QtyChannel): Array<number | null> {
	return sales.map((x) => seen.find((q) => q.channel === ch && q.sku === x.sku && q.at >= x.at && q.quantity <= STOCK - x.rank)?.at ?? null);
}
/**
 * The earliest each sale could reach a channel under its documented limit alone: an ideal sender with no work of its
 * own that sends, whenever the limit allows a call, the newest quantity of the SKUs owed longest (up to the SKUs a call
 * takes), from the moment each sale's webhook was posted. Lags in ms, in the order of `sales`.
 */
export function earliestLags(sales: TimedSale[], limit: { ratePerSec: number; burst: number; perCall: number }): number[] {
	const order = sales.map((x, i) => i).sort((a, b) => sales[a].at - sales[b].at);
	const lag: number[] = new Array(sales.length).fill(0);
	if (!order.length) return lag;
	const owed = new Map<string, number[]>();
	let tokens = limit.burst;
	let t = sales[order[0]].at;
	let last = t;
	let k = 0;
	while (k < order.length || owed.size) {
		while (k < order.length && sales[order[k]].at <= t) {
			const i = order[k++];
			owed.set(sales[i].sku, [...(owed.get(sales[i].sku) ?? []), i]);
		}
		if (!owed.size) {
			t = sales[order[k]].at;
			continue;
		}
		if (Number.isFinite(limit.ratePerSec)) tokens = Math.min(limit.burst, tokens + ((t - last) / 1000) * limit.ratePerSec);
		last = t;
		// (a token's worth less a rounding error: the step below would not move t)
		if (!Number.isFinite(limit.ratePerSec) || tokens >= 1 - 1e-9) {
			tokens -= 1;
			for (const sku of [...owed.keys()].slice(0, limit.perCall)) {
				for (const i of owed.get(sku)!) lag[i] = t - sales[i].at;
				owed.delete(sku);
			}
			continue;
		}
		const next = t + Math.max(1e-3, ((1 - tokens) / limit.ratePerSec) * 1000);
		t = k < order.length ? Math.min(next, Math.max(t, sales[order[k]].at)) : next;
	}
	return lag;
}
/** Sales with their rank per SKU, in webhook order */
export function ranked(list: Array<{ at: number; sku: string }>, sold: Map<string, number>): TimedSale[] {
	return [...list].sort((a, b) => a.at - b.at).map((x) => {
		const rank = (sold.get(x.sku) ?? 0) + 1;
		sold.set(x.sku, rank);
		return { ...x, rank };
	});
}
