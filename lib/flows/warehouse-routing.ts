/**
 * Several warehouses (issue 23): keep the warehouses (Inventory Allocator > Warehouses), and route each order's
 * reservation to the warehouses lib/routing chooses. The choice is made inside the store's reservation transaction
 * (ReserveRequest.router), against the stock as it is locked there, so the units it names are there and no unit
 * is sold twice; its reason goes into the order's timeline with the allocation.
 *
 * With fewer than two active warehouses nothing is routed: a line takes from the location with the most stock, as
 * before (lib/stock/location.ts). With two or more, only the warehouses' locations ship.
 */
import { routeOrder, type RoutePlan, type RoutingRule } from '../routing';
import { isWmsProvider, WMS_PROVIDERS } from '../wms/registry';
import { checkWarehouse, WarehouseInputError, type Warehouse, type WarehouseInput } from '../stock/warehouse';
import type { LineRouter, ReserveLine } from '../stock/types';
import type { Store, WarehouseUpsert } from '../store/types';
import { ItemError } from './item-error';

export interface RoutingOptions {
	/** The rules in order (omitted: lib/routing DEFAULT_RULES) */
	rules?: RoutingRule[];
	/** At most this many shipments per order (1: never split) */
	maxShipments?: number;
}

/** What routing decided for one order (the item's `routing`, and the timeline's). */
export interface OrderRouting {
	reason: string;
	shipments: Array<{ location: string; lines: Array<{ lineId: string; sku: string; quantity: number }> }>;
	unfilled: Array<{ lineId: string; sku: string; quantity: number }>;
}

/** The warehouses routing may choose among, or null when there are fewer than two (nothing is routed). */
export async function routingWarehouses(store: Store): Promise<Warehouse[] | null> {
	const all = await store.listWarehouses();
	return all.filter((w) => w.active).length >= 2 ? all : null;
}

/**
 * The router of one order's reservation: routes its plain lines (a bundle line takes by the default rule) and
 * hands the plan to `decided` (called again if the store retries the transaction: the last call is the one kept).
 */
export function routerFor(
	order: { channel: string; shipTo?: { country?: string | null; postalCode?: string | null } | null },
	lines: ReserveLine[],
	warehouses: Warehouse[],
	opts: RoutingOptions,
	decided: (routing: OrderRouting) => void,
): LineRouter {
	const plain = lines.filter((l) => !l.components?.length).map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity }));
	const shipTo = order.shipTo?.country ? { country: order.shipTo.country, postcode: order.shipTo.postalCode ?? null } : null;
	return (atp) => {
		const plan: RoutePlan = routeOrder({ channel: order.channel, shipTo, lines: plain, warehouses, available: atp, rules: opts.rules, maxShipments: opts.maxShipments });
		const takes = new Map<string, Array<{ location: string; quantity: number }>>(plain.map((l) => [l.lineId, []]));
		for (const s of plan.shipments) for (const l of s.lines) takes.get(l.lineId)!.push({ location: s.location, quantity: l.quantity });
		decided({ reason: plan.reason, shipments: plan.shipments.map((s) => ({ location: s.location, lines: s.lines })), unfilled: plan.unfilled });
		return takes;
	};
}

/** Upsert warehouses, each checked alone: a wrong one is an error of its item only (a WMS provider must be one this package speaks to). */
export async function upsertWarehouses(store: Store, inputs: Array<{ index: number; input: WarehouseInput }>): Promise<Array<{ index: number; ok: true; upsert: WarehouseUpsert } | { index: number; ok: false; error: ItemError }>> {
	const out: Array<{ index: number; ok: true; upsert: WarehouseUpsert } | { index: number; ok: false; error: ItemError }> = [];
	const good: typeof inputs = [];
	for (const i of inputs) {
		try {
			const w = checkWarehouse(i.input);
			if (w.account?.kind === 'wms' && !isWmsProvider(w.account.provider)) throw new WarehouseInputError(w.location, [`account.provider must be one of ${WMS_PROVIDERS.join(', ')}, got "${w.account.provider}"`]);
			good.push(i);
		} catch (e) {
			if (!(e instanceof WarehouseInputError)) throw e;
			out.push({ index: i.index, ok: false, error: new ItemError(e.message, e.problems.map((message) => ({ path: '$', message }))) });
		}
	}
	// the same location twice: the last one of the batch wins
	const last = new Map(good.map((g) => [g.input.location.trim(), g]));
	const kept = good.filter((g) => last.get(g.input.location.trim()) === g);
	const upserts = kept.length ? await store.upsertWarehouses(kept.map((g) => g.input)) : [];
	const byLocation = new Map(upserts.map((u) => [u.warehouse.location, u]));
	for (const g of good) out.push({ index: g.index, ok: true, upsert: byLocation.get(g.input.location.trim())! });
	return out.sort((a, b) => a.index - b.index);
}
