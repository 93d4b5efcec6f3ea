/**
 * Apply WMS updates: what the warehouse says back (an order's status, its packages) applied forward only.
 *
 * Each update is ONE store transition: its packages recorded once (packageKey is unique) with their units committed
 * once, the wms annotation merged (lib/wms/outbox.ts mergeAnnotation), the status moved forward as the transition
 * table allows (wms_progress, wms_cancelled), and a cancelled order's reservations released. An update that arrives
 * late never downgrades the order nor replaces a package already recorded. For a split order the order moves as far
 * as its least advanced WMS order.
 */
import { AT_OR_PAST_WMS, type OmsStatus } from '../order/status';
import { UnstorableIdentifierError } from '../order/storable';
import type { Store, StoredShipment, TransitionRequest } from '../store/types';
import { mergeAnnotation } from '../wms/outbox';
import { canAdvance } from '../wms/status';
import type { WmsOrderUpdate, WmsProvider } from '../wms/types';

export interface ApplyResult {
	omsId: string;
	reference: string;
	/** unknown: no such order in the store (not ours); unchanged: nothing new; refused: the update holds what no store can keep (`error` says what), nothing of it written */
	outcome: 'applied' | 'unchanged' | 'unknown' | 'refused';
	error?: string;
	from: OmsStatus | null;
	to: OmsStatus | null;
	statusChanged: boolean;
	newShipments: StoredShipment[];
}

export interface ApplySummary {
	results: ApplyResult[];
	/** Packages seen for the first time, oldest update first: each one once, for the marketplace's Confirm Shipment */
	newShipments: StoredShipment[];
}

export interface ApplyOptions {
	provider?: string;
	cause?: string;
	/** More to write in the same transaction as an update (EDI: the 945 proves the 940 arrived) */
	with?: (update: WmsOrderUpdate) => Promise<Pick<TransitionRequest, 'delivery' | 'events'> | null>;
}

export async function applyUpdates(store: Store, updates: WmsOrderUpdate[], opts: ApplyOptions = {}): Promise<ApplySummary> {
	const cause = opts.cause ?? 'wms.updates';
	const summary: ApplySummary = { results: [], newShipments: [] };
	for (const u of updates) {
		const stored = await store.getOrder(u.omsId);
		if (!stored) {
			summary.results.push({ omsId: u.omsId, reference: u.reference, outcome: 'unknown', from: null, to: null, statusChanged: false, newShipments: [] });
			continue;
		}
		const provider = opts.provider ?? stored.order.wms?.provider ?? 'wms';
		const state = { status: u.status, rawStatus: u.rawStatus, wmsOrderId: u.wmsOrderId, updatedAt: u.updatedAt };
		const packages = u.shipments.map((p) => ({ packageKey: p.packageKey, carrier: p.carrier, trackingNumber: p.trackingNumber, trackingUrl: p.trackingUrl, shippedAt: p.shippedAt, lines: p.lines }));
		// where the update takes the order, from the order as read; inside the transaction the annotation is merged
		// again into the stored one, and the table refuses a move the order has gone past meanwhile
		const target = mergeAnnotation(stored.order.wms, provider, u.reference, state, packages).orderStatus;
		const advance = canAdvance(stored.status, target);
		let annotated = false;
		let r: Awaited<ReturnType<Store['transition']>>;
		try {
			r = await store.transition(u.omsId, {
				by: cause,
				...((await opts.with?.(u)) ?? {}),
				shipments: u.shipments.map((p) => ({
					packageKey: p.packageKey,
					provider,
					carrier: p.carrier,
					trackingNumber: p.trackingNumber,
					trackingUrl: p.trackingUrl,
					shippedAt: p.shippedAt,
					lines: p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, ...(l.lineId ? { lineId: l.lineId } : {}) })),
				})),
				annotate: [
					{
						key: 'wms',
						event: { type: 'wms', detail: { reference: u.reference, status: u.status, rawStatus: u.rawStatus } },
						update: (_current, now) => {
							const merged = mergeAnnotation(now.order.wms, provider, u.reference, state, packages);
							annotated = merged.changed;
							return merged.changed ? merged.value : undefined;
						},
					},
				],
				// a backordered order, its allocated part at the WMS and the rest waiting in the OMS, keeps waiting (the
				// table's wms_progress rows): only a cancellation moves it from there, and Release Held moves it on
				...(advance
					? {
							to: target,
							cause: target === 'cancelled' ? ('wms_cancelled' as const) : ('wms_progress' as const),
							detail: { reference: u.reference, rawStatus: u.rawStatus },
							// the WMS having the order ends a hold from before it (a failed delivery, a payment, a review); a hold
							// put on an order the warehouse already has is a channel change it could not take (cancel refused,
							// return expected, an address or lines too late): a person must still act, so it stays
							...(target !== 'cancelled' && stored.hold && !AT_OR_PAST_WMS.includes(stored.status) ? { hold: null } : {}),
							// the warehouse cancelled it: its reserved units go back to available-to-promise
							...(target === 'cancelled' ? { release: true as const } : {}),
						}
					: {}),
			});
		} catch (e) {
			// a package key or SKU from the WMS that no store can keep: this update only, the batch goes on
			if (!(e instanceof UnstorableIdentifierError)) throw e;
			summary.results.push({ omsId: u.omsId, reference: u.reference, outcome: 'refused', error: e.message, from: stored.status, to: stored.status, statusChanged: false, newShipments: [] });
			continue;
		}
		const fresh = r.shipments?.created ?? [];
		summary.results.push({
			omsId: u.omsId,
			reference: u.reference,
			outcome: r.changed || fresh.length || annotated ? 'applied' : 'unchanged',
			from: advance ? r.from : stored.status,
			to: advance ? (r.changed ? r.to : r.from) : stored.status,
			statusChanged: r.changed,
			newShipments: fresh,
		});
		summary.newShipments.push(...fresh);
	}
	return summary;
}

/** Get Updates as one step: read the cursor, pull, apply, store the new cursor (after applying, so a crash re-pulls) */
export async function pullUpdates(store: Store, provider: WmsProvider, opts: { cursorName?: string; cause?: string } = {}): Promise<ApplySummary & { cursor: string | null }> {
	const name = opts.cursorName ?? `wms:${provider.name}:updates`;
	const cursor = await store.getCursor(name);
	const page = await provider.getShipmentUpdates(cursor);
	const applied = await applyUpdates(store, page.updates, { provider: provider.name, cause: opts.cause });
	if (page.cursor && page.cursor !== cursor) await store.setCursor(name, page.cursor);
	return { ...applied, cursor: page.cursor };
}
