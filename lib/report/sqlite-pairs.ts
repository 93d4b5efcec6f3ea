/**
 * SQLite: the (channel, currency) pairs present in the orders, found by seeking the covering index
 * orders_report_hour (channel, currency, substr(placed_at, 1, 13), placed_at, status, units, total_minor) once
 * per pair (a loose index scan: a handful of O(log n) look-ups, never a scan).
 *
 * The by-channel and day x channel reports then aggregate each pair with one query that seeks exactly its
 * (channel, currency, UTC hour) range of that index, so the cost follows the orders in the period and no table
 * row is read and nothing is sorted, with or without ANALYZE statistics (SQLite's own skip-scan needs them,
 * and a store is not normally analysed).
 */
import type { Store } from '../store/types';

export const REPORT_INDEX = 'orders_report_hour';

export async function sqlitePairs(store: Store, channels?: string[]): Promise<Array<{ channel: string; currency: string }>> {
	const wanted = channels?.filter((c) => c.trim()) ?? [];
	const out: Array<{ channel: string; currency: string }> = [];
	// Two levels, each step one seek: the next channel, then that channel's next currency. (A row-value
	// `(channel, currency) > (?, ?)` would seek on the channel only and walk the rest of its entries.)
	const next = async <T>(sql: string, params: unknown[]): Promise<T | null> => (await store.query<T>(sql, params))[0] ?? null;
	let channel: string | null = null;
	for (let i = 0; i < 10000; i++) {
		const c: { channel: string } | null = await next<{ channel: string }>(
			channel === null
				? `SELECT channel FROM orders INDEXED BY ${REPORT_INDEX} ORDER BY channel LIMIT 1`
				: `SELECT channel FROM orders INDEXED BY ${REPORT_INDEX} WHERE channel > $1 ORDER BY channel LIMIT 1`,
			channel === null ? [] : [channel],
		);
		if (!c) break;
		channel = c.channel;
		if (wanted.length && !wanted.includes(channel)) continue;
		let currency: string | null = null;
		for (let j = 0; j < 1000; j++) {
			const r: { currency: string } | null = await next<{ currency: string }>(
				currency === null
					? `SELECT currency FROM orders INDEXED BY ${REPORT_INDEX} WHERE channel = $1 ORDER BY currency LIMIT 1`
					: `SELECT currency FROM orders INDEXED BY ${REPORT_INDEX} WHERE channel = $1 AND currency > $2 ORDER BY currency LIMIT 1`,
				currency === null ? [channel] : [channel, currency],
			);
			if (!r) break;
			currency = r.currency;
			out.push({ channel, currency });
		}
	}
	return out;
}

/** WHERE terms that seek one pair's period in the index: equality on the pair, a range on the hour and on placed_at. */
export function pairRangeWhere(from: string, to: string): { sql: string; params(channel: string, currency: string): unknown[] } {
	return {
		sql: `channel = $1 AND currency = $2 AND substr(placed_at, 1, 13) >= $3 AND substr(placed_at, 1, 13) <= $4 AND placed_at >= $5 AND placed_at < $6`,
		params: (channel, currency) => [channel, currency, from.slice(0, 13), to.slice(0, 13), from, to],
	};
}
