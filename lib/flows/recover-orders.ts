/**
 * The recovery sweep (OMS Order > Recover Stuck Orders): orders an execution left half-way (a killed queue-mode worker,
 * an out-of-memory restart: n8n does not run such executions again) are found and handed back to the same flows that
 * would have finished them. Cheap when nothing is stuck: one query over the orders' (status, changed_at) index, and
 * nothing else.
 *
 *   received, never screened                          -> screen: the Fraud Gate's Screen, then fulfilment
 *   received and screened (passed, or approved)       -> fulfil: Reserve, Route, WMS Create (each idempotent)
 *   ready, with no delivery pending in the outbox     -> fulfil: Route again keeps it ready, WMS Create queues and
 *     (none queued, or one sent but the order never      sends it once (a delivery sent before moves the order on
 *     moved to at_wms)                                    without a second call)
 *
 * Orders held for any reason are left alone (a person or the channel moves them), and so are ready orders whose
 * delivery is pending (the outbox retries those itself) or failed (held for a person: OMS Order > Release).
 */
import type { Store, StoredOrder } from '../store/types';

export type RecoveryStage = 'screen' | 'fulfil';

export interface StuckOrder {
	stage: RecoveryStage;
	stored: StoredOrder;
	/** In words: where the order stopped */
	why: string;
}

export interface RecoverOptions {
	/** Only orders unchanged for this long (an execution still running is not stuck); default 5 */
	olderThanMinutes?: number;
	/** At most this many orders a sweep, oldest first; default 100 */
	limit?: number;
	/** ISO UTC; default now */
	now?: string;
}

/** The sweep's one query: stuck candidates, oldest change first. */
function stuckSql(kind: Store['kind']): string {
	const at = kind === 'postgres' ? '$1::timestamptz' : '$1';
	return `SELECT o.oms_id AS oms_id, CASE WHEN f.oms_id IS NULL THEN 0 ELSE 1 END AS screened
		FROM orders o LEFT JOIN fraud_decisions f ON f.oms_id = o.oms_id
		WHERE o.status IN ('received', 'ready') AND o.hold_reason IS NULL AND o.changed_at < ${at}
			AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.oms_id = o.oms_id AND d.status IN ('pending', 'failed'))
		ORDER BY o.changed_at, o.oms_id
		LIMIT $2`;
}

export async function findStuckOrders(store: Store, opts: RecoverOptions = {}): Promise<StuckOrder[]> {
	const minutes = opts.olderThanMinutes ?? 5;
	const limit = opts.limit ?? 100;
	if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) throw new Error(`Recover Stuck Orders: Older Than (Minutes) must be a number of at least 0, not ${JSON.stringify(minutes)}`);
	if (!Number.isInteger(limit) || limit < 1) throw new Error(`Recover Stuck Orders: Limit must be a whole number of at least 1, not ${JSON.stringify(limit)}`);
	const now = Date.parse(opts.now ?? new Date().toISOString());
	const cutoff = new Date(now - minutes * 60_000).toISOString();
	const rows = await store.query<{ oms_id: string; screened: number | string }>(stuckSql(store.kind), [cutoff, limit]);
	if (!rows.length) return [];
	const byId = new Map((await store.getOrders(rows.map((r) => String(r.oms_id)))).map((s) => [s.order.omsId, s]));
	const out: StuckOrder[] = [];
	for (const r of rows) {
		const stored = byId.get(String(r.oms_id));
		// moved on between the query and the read: not stuck any more
		if (!stored || stored.hold || (stored.status !== 'received' && stored.status !== 'ready')) continue;
		const screened = Number(r.screened) === 1;
		if (stored.status === 'received' && !screened) out.push({ stage: 'screen', stored, why: 'recorded but never screened' });
		else if (stored.status === 'received') out.push({ stage: 'fulfil', stored, why: 'screened but never reserved and routed' });
		else out.push({ stage: 'fulfil', stored, why: 'ready but never sent to the WMS' });
	}
	return out;
}
