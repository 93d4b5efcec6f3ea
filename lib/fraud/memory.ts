/**
 * A VelocityLookup over a list of orders held in memory: for tests, the demo and back-tests over orders that are
 * not in a store. Same meaning as Store.velocity: orders counted across all channels by placedAt, `since`
 * inclusive, `until` exclusive (only orders placed before it), the order `excludeOmsId` left out, identities
 * compared by lib/order/identity's keys. It also reports the channels of the orders counted.
 */
import { identityKeys, type IdentityKeys } from '../order/identity';
import { sumMoney } from '../order/money';
import type { CanonicalOrder } from '../order/types';
import type { VelocityQuery } from '../store/types';
import type { VelocityLookup } from './screen';

export interface MemoryVelocity extends VelocityLookup {
	/** Adds orders to the history (e.g. as they are screened) */
	add(...orders: CanonicalOrder[]): void;
}

export function memoryVelocity(orders: Iterable<CanonicalOrder> = []): MemoryVelocity {
	type Row = { order: CanonicalOrder; at: number };
	// key -> identity value -> rows, so a lookup reads only the orders of that identity
	const index = new Map<keyof IdentityKeys, Map<string, Row[]>>();
	const add = (...more: CanonicalOrder[]) => {
		for (const order of more) {
			const keys = identityKeys(order);
			const row = { order, at: Date.parse(order.placedAt) };
			for (const k of Object.keys(keys) as Array<keyof IdentityKeys>) {
				const v = keys[k];
				if (v === null) continue;
				let byValue = index.get(k);
				if (!byValue) index.set(k, (byValue = new Map()));
				const list = byValue.get(v);
				if (list) list.push(row);
				else byValue.set(v, [row]);
			}
		}
	};
	add(...orders);
	const lookup = async (q: VelocityQuery) => {
		const since = Date.parse(q.since);
		const until = q.until === undefined ? Infinity : Date.parse(q.until);
		const byCurrency = new Map<string, number[]>();
		const channels = new Set<string>();
		let count = 0;
		for (const r of index.get(q.key)?.get(q.value) ?? []) {
			if (r.at < since || r.at >= until) continue;
			if (q.excludeOmsId !== undefined && r.order.omsId === q.excludeOmsId) continue;
			count++;
			channels.add(r.order.channel);
			const list = byCurrency.get(r.order.currency) ?? [];
			list.push(r.order.totals.total);
			byCurrency.set(r.order.currency, list);
		}
		const totals: Record<string, number> = {};
		for (const [cur, list] of byCurrency) totals[cur] = sumMoney(list, cur);
		return { count, totals, channels: [...channels].sort() };
	};
	return Object.assign(lookup, { add });
}
