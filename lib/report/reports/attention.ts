/**
 * The Attention queue (current state, not a period): everything a person must act on now, oldest first, one row per
 * thing, with its age, its reason and the order. An empty queue means nothing is owed. Sources, each one SELECT of
 * ATTENTION_SOURCES, run as ONE query (UNION ALL, ordered by `since`) over indexed columns:
 *
 *   fraud_review   orders held for a fraud review (overdue past `reviewOverdueHours`)
 *   held           orders on hold for an address, an operator, a failed WMS delivery (the WMS's words as the detail),
 *                  and, past `holdOverdueHours`, for payment; backordered orders waiting past `holdOverdueHours`
 *   wms_failed     a WMS delivery failed for good whose order is not held for it (a later shipment of a split order)
 *   wms_call_failed  a cancel or address update owed to a WMS that it never answered through every attempt (whatever
 *                  the order's status: a cancel of an order the OMS cancelled may still be live at the warehouse), or
 *                  that it refused while the order is held for that (cancel refused, address); the WMS's words as the
 *                  detail. WMS > Cancel asks a cancel again. A return told to a WMS (return_create) is listed when
 *                  it failed for good or was refused (the return's id as the reference).
 *   stuck          received or ready orders that have not moved for `stuckMinutes` and that no pending delivery owes
 *                  (the recovery sweep finishes them; still here means it could not)
 *   edi_997        EDI 940s without the partner's 997 after `ediAckMinutes`
 *   channel_call_failed   a call owed to a channel (an order acknowledgement, a shipment confirmation, a quantity push, an answer to a buyer's cancel request) that failed for good,
 *                  with the channel's words; a newer push of the SKU supersedes a failed quantity push
 *   channel_call_overdue  a call owed to a channel still not sent after `channelCallOverdueMinutes` (retries failing,
 *                  or no Marketplace Retry Pending running); the last error, if any, as the detail
 *   billing        a discrepancy the last reconciliation (OMS Billing > Reconcile) found and no later one has resolved: an order
 *                  never paid, a fee above the table, a refund charged twice, a payout that does not add up (the reason is
 *                  the flag's kind, the detail its message with the amounts, the reference the payout); since it was first found
 * The channel-call sources read the channel outbox (channel_calls) through its (status, id) index; a quantity push has
 * no order: its item has the SKU and the quantity, and no omsId.
 *
 * lib/flows/attention.ts (OMS Order > Attention) reads the same rows (attentionQueue) as items.
 */
import { HOLD_LABELS, type HoldReason, type OmsStatus } from '../../order/status';
import type { Store } from '../../store/types';
import { channelWhere, iso, Params, type Dialect } from '../sql';
import type { ReportDefinition, ReportOptions, Row, RunContext } from '../types';

export const ATTENTION_KINDS = ['fraud_review', 'held', 'wms_failed', 'wms_call_failed', 'stuck', 'edi_997', 'channel_call_failed', 'channel_call_overdue', 'billing'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** How long each kind of wait may last before it is owed to a person. */
export interface AttentionThresholds {
	/** A received or ready order that has not moved for this long is stuck; default 15 */
	stuckMinutes?: number;
	/** A fraud review open this long is overdue; default 24 */
	reviewOverdueHours?: number;
	/** An order waiting for payment or stock this long needs a person; default 72 (the Backorder Gate's 3 days) */
	holdOverdueHours?: number;
	/** A 940 without its 997 this long; default 120 */
	ediAckMinutes?: number;
	/** A confirmation or quantity push owed to a channel and not sent this long; default 60 */
	channelCallOverdueMinutes?: number;
}
export const ATTENTION_DEFAULTS: Required<AttentionThresholds> = { stuckMinutes: 15, reviewOverdueHours: 24, holdOverdueHours: 72, ediAckMinutes: 120, channelCallOverdueMinutes: 60 };

export interface AttentionItem {
	kind: AttentionKind;
	/** A hold reason (held, fraud_review), or the kind's own reason word */
	reason: string;
	/** What a person reads */
	reasonLabel: string;
	/** The order (null for a quantity push: it has a SKU, not an order) */
	omsId: string | null;
	channel: string;
	orderNumber: string | null;
	/** The order's status (null for a quantity push) */
	status: OmsStatus | null;
	/** Since when it is owed (the hold's start, the failure, the last change), ISO UTC */
	since: string;
	ageMinutes: number;
	/** Past its threshold (fraud reviews); the other kinds are owed as soon as they are listed */
	overdue: boolean;
	/** The WMS's or the partner's words, the hold's detail */
	detail: string | null;
	/** The delivery's reference (omsId or omsId#n) for WMS and EDI items; the package confirmed for a confirmation */
	reference: string | null;
	/** A quantity push's SKU and the quantity owed (null for every other kind) */
	sku: string | null;
	quantity: number | null;
	/** A channel call's id in the channel outbox (Marketplace > Resend Failed takes it); null for every other kind */
	callId: number | null;
	/** Identity of this thing to act on (kind, order, reference, since, overdue): the same until it changes */
	key: string;
}

interface Cutoffs {
	stuck: string;
	hold: string;
	edi: string;
	channelCall: string;
}

/**
 * One source: a SELECT of kind, reason, oms_id, channel, order_number, status, since, detail, reference, sku, quantity.
 * `channels(col)`: the channel filter on that column (nothing when not limited).
 */
type Source = (d: Dialect, p: Params, c: Cutoffs, channels: (col: string) => string) => string;

const ORDER_COLS = 'o.oms_id AS oms_id, o.channel AS channel, o.order_number AS order_number, o.status AS status';
const NO_SKU = 'NULL AS sku, CAST(NULL AS INTEGER) AS quantity, CAST(NULL AS INTEGER) AS call_id';
/** A channel call's columns: a confirmation's order (LEFT JOIN orders o) and package, or a quantity push's SKU */
const CALL_COLS = `cc.kind AS reason, cc.oms_id AS oms_id, cc.channel AS channel, o.order_number AS order_number, o.status AS status`;
const CALL_TAIL = `cc.last_error AS detail, cc.package_key AS reference, cc.sku AS sku, cc.quantity AS quantity, cc.id AS call_id
		FROM channel_calls cc LEFT JOIN orders o ON o.oms_id = cc.oms_id`;
const ts = (d: Dialect, p: Params, v: string) => `${p.add(v)}${d === 'postgres' ? '::timestamptz' : ''}`;
const FINISHED = `('cancelled', 'rejected', 'shipped', 'delivered')`;

export const ATTENTION_SOURCES: Record<AttentionKind, Source> = {
	fraud_review: (_d, _p, _c, ch) =>
		`SELECT 'fraud_review' AS kind, 'fraud_review' AS reason, ${ORDER_COLS}, COALESCE(o.hold_since, o.changed_at) AS since, o.hold_detail AS detail, NULL AS reference, ${NO_SKU}
		FROM orders o WHERE o.status = 'fraud_review'${ch('o.channel')}`,
	held: (d, p, c, ch) =>
		`SELECT 'held' AS kind, COALESCE(o.hold_reason, 'operator') AS reason, ${ORDER_COLS}, COALESCE(o.hold_since, o.changed_at) AS since, o.hold_detail AS detail, NULL AS reference, ${NO_SKU}
		FROM orders o
		WHERE ((o.status = 'on_hold' AND (o.hold_reason IS NULL OR o.hold_reason <> 'awaiting_payment' OR o.hold_since < ${ts(d, p, c.hold)}))
			OR (o.status = 'backordered' AND COALESCE(o.hold_since, o.changed_at) < ${ts(d, p, c.hold)}))${ch('o.channel')}`,
	wms_failed: (_d, _p, _c, ch) =>
		`SELECT 'wms_failed' AS kind, 'wms_failed' AS reason, ${ORDER_COLS}, dl.updated_at AS since, dl.last_error AS detail, dl.reference AS reference, ${NO_SKU}
		FROM deliveries dl JOIN orders o ON o.oms_id = dl.oms_id
		WHERE dl.status = 'failed' AND o.status NOT IN ${FINISHED} AND NOT (o.status = 'on_hold' AND o.hold_reason = 'wms_failed')${ch('o.channel')}`,
	wms_call_failed: (_d, _p, _c, ch) =>
		`SELECT 'wms_call_failed' AS kind, wc.kind || '_' || wc.status AS reason, ${ORDER_COLS}, wc.updated_at AS since, wc.last_error AS detail, wc.reference AS reference, ${NO_SKU}
		FROM wms_calls wc JOIN orders o ON o.oms_id = wc.oms_id
		WHERE (wc.status = 'failed' OR (wc.status = 'refused' AND (wc.kind = 'return_create' OR o.hold_reason = CASE wc.kind WHEN 'cancel' THEN 'cancel_refused' ELSE 'address' END)))${ch('o.channel')}`,
	stuck: (d, p, c, ch) =>
		`SELECT 'stuck' AS kind, o.status AS reason, ${ORDER_COLS}, o.changed_at AS since, NULL AS detail, NULL AS reference, ${NO_SKU}
		FROM orders o
		WHERE o.status IN ('received', 'ready') AND o.hold_reason IS NULL AND o.changed_at < ${ts(d, p, c.stuck)}
			AND NOT EXISTS (SELECT 1 FROM deliveries q WHERE q.oms_id = o.oms_id AND q.status = 'pending')${ch('o.channel')}`,
	edi_997: (d, p, c, ch) =>
		`SELECT 'edi_997' AS kind, 'edi_997' AS reason, ${ORDER_COLS}, dl.created_at AS since, NULL AS detail, dl.reference AS reference, ${NO_SKU}
		FROM deliveries dl JOIN orders o ON o.oms_id = dl.oms_id
		WHERE dl.status = 'pending' AND dl.provider = 'edi' AND dl.created_at < ${ts(d, p, c.edi)}${ch('o.channel')}`,
	channel_call_failed: (_d, _p, _c, ch) =>
		`SELECT 'channel_call_failed' AS kind, ${CALL_COLS}, cc.updated_at AS since, ${CALL_TAIL}
		WHERE cc.status = 'failed'${ch('cc.channel')}`,
	// created_at: since when the call owed now is owed (a push superseding a sent one starts it anew; one superseding
	// a push still owed or failed keeps it: the channel has had a stale quantity since then)
	channel_call_overdue: (d, p, c, ch) =>
		`SELECT 'channel_call_overdue' AS kind, ${CALL_COLS}, cc.created_at AS since, ${CALL_TAIL}
		WHERE cc.status IN ('pending', 'sending') AND cc.created_at < ${ts(d, p, c.channelCall)}${ch('cc.channel')}`,
	billing: (_d, _p, _c, ch) =>
		`SELECT 'billing' AS kind, bf.kind AS reason, bf.oms_id AS oms_id, bf.channel AS channel, o.order_number AS order_number, o.status AS status, bf.first_seen AS since, bf.message AS detail, bf.payout_id AS reference, ${NO_SKU}
		FROM billing_flags bf LEFT JOIN orders o ON o.oms_id = bf.oms_id
		WHERE bf.resolved_at IS NULL${ch('bf.channel')}`,
};

const BILLING_LABELS: Record<string, string> = {
	never_settled: 'Shipped, never paid by the channel',
	over_fee: "Fee above the channel's fee table",
	double_refund: 'Refunded more than paid (a refund charged twice?)',
	order_balance: 'Order paid short or over',
	payout_mismatch: 'Payout does not add up',
	unknown_order: 'Payout for an order the OMS has no charges of',
};

const KIND_LABELS: Record<Exclude<AttentionKind, 'held' | 'fraud_review' | 'channel_call_failed' | 'channel_call_overdue' | 'billing'>, string> = {
	wms_failed: 'WMS delivery failed',
	wms_call_failed: 'WMS call failed',
	stuck: 'Stuck',
	edi_997: 'EDI 940 without a 997',
};
const WMS_CALL_LABELS: Record<string, string> = {
	cancel_failed: 'Cancel at the WMS never answered',
	cancel_refused: 'Cancel refused by the WMS',
	address_update_failed: 'Address update at the WMS never answered',
	address_update_refused: 'Address update refused by the WMS',
	return_create_failed: 'Return never told to the WMS (it did not answer)',
	return_create_refused: 'Return refused by the WMS',
};
const CALL_LABELS: Record<string, string> = { acknowledgement: 'Order acknowledgement', confirmation: 'Shipment confirmation', quantity: 'Quantity push', cancel_answer: 'Answer to a buyer\'s cancel request', refund: 'Refund of a return' };

function label(kind: AttentionKind, reason: string, status: string, overdue: boolean): string {
	if (kind === 'fraud_review') return overdue ? 'Fraud review (overdue)' : 'Fraud review';
	if (kind === 'held') return status === 'backordered' ? 'Backordered past its time' : (HOLD_LABELS[reason as HoldReason] ?? reason);
	if (kind === 'stuck') return `Stuck ${status === 'ready' ? 'ready, not sent to the WMS' : 'received, not screened or routed'}`;
	if (kind === 'wms_call_failed') return WMS_CALL_LABELS[reason] ?? KIND_LABELS.wms_call_failed;
	if (kind === 'channel_call_failed') return `${CALL_LABELS[reason] ?? reason} failed`;
	if (kind === 'channel_call_overdue') return `${CALL_LABELS[reason] ?? reason} not sent past its time`;
	if (kind === 'billing') return BILLING_LABELS[reason] ?? 'Billing';
	return KIND_LABELS[kind];
}

function checkThresholds(t: AttentionThresholds): Required<AttentionThresholds> {
	const out = { ...ATTENTION_DEFAULTS };
	for (const k of Object.keys(ATTENTION_DEFAULTS) as Array<keyof AttentionThresholds>) {
		const v = t[k];
		if (v === undefined || v === null) continue;
		if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`Attention: ${k} must be a number of at least 0, not ${JSON.stringify(v)}`);
		out[k] = v;
	}
	return out;
}

const minutesBefore = (now: string, minutes: number) => new Date(Date.parse(now) - minutes * 60_000).toISOString();

/** The Attention queue as of `now`: every thing owed to a person, oldest first. */
export async function attentionQueue(store: Store, now: string, opts: AttentionThresholds & Pick<ReportOptions, 'channels'> = {}): Promise<AttentionItem[]> {
	const t = checkThresholds(opts);
	const d = store.kind;
	const p = new Params();
	const cutoffs: Cutoffs = {
		stuck: minutesBefore(now, t.stuckMinutes),
		hold: minutesBefore(now, t.holdOverdueHours * 60),
		edi: minutesBefore(now, t.ediAckMinutes),
		channelCall: minutesBefore(now, t.channelCallOverdueMinutes),
	};
	const ctx = { options: { channels: opts.channels } } as RunContext;
	const selects = ATTENTION_KINDS.map((k) => ATTENTION_SOURCES[k](d, p, cutoffs, (col) => channelWhere(d, p, col, ctx)));
	const sql = `SELECT * FROM (${selects.join('\nUNION ALL\n')}) a ORDER BY since, kind, COALESCE(oms_id, ''), COALESCE(reference, ''), channel, COALESCE(sku, '')`;
	const rows = await store.query(sql, p.values);
	const nowMs = Date.parse(now);
	return rows.map((r) => {
		const kind = String(r.kind) as AttentionKind;
		const since = iso(r.since)!;
		const ageMinutes = Math.max(0, Math.floor((nowMs - Date.parse(since)) / 60_000));
		const overdue = kind === 'fraud_review' && ageMinutes >= t.reviewOverdueHours * 60;
		const reason = String(r.reason);
		const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
		const status = text(r.status) as OmsStatus | null;
		const reference = text(r.reference);
		const omsId = text(r.oms_id);
		const sku = text(r.sku);
		const channel = String(r.channel);
		const call = kind === 'channel_call_failed' || kind === 'channel_call_overdue';
		return {
			kind,
			reason,
			reasonLabel: label(kind, reason, status ?? '', overdue),
			omsId,
			channel,
			orderNumber: text(r.order_number),
			status,
			since,
			ageMinutes,
			overdue,
			detail: text(r.detail),
			reference,
			sku,
			quantity: r.quantity === null || r.quantity === undefined ? null : Number(r.quantity),
			callId: r.call_id === null || r.call_id === undefined ? null : Number(r.call_id),
			// a channel call is one per channel (and SKU): both in its key; the other kinds' keys stay as they were
			key: [kind, reason, omsId ?? '', reference ?? '', since, overdue ? 'overdue' : '', ...(call ? [channel, sku ?? ''] : [])].join('|'),
		};
	});
}

export const attention: ReportDefinition = {
	name: 'attention',
	title: 'Attention: what a person must act on',
	periodic: false,
	keys: ['kind', 'omsId', 'reference', 'channel', 'sku'],
	metrics: [],
	async run(ctx) {
		const items = await attentionQueue(ctx.store, ctx.now, { channels: ctx.options.channels });
		return items.map(
			(i): Row => ({
				since: i.since,
				ageHours: Math.round((i.ageMinutes / 60) * 10) / 10,
				reason: i.reasonLabel,
				omsId: i.omsId,
				orderNumber: i.orderNumber,
				channel: i.channel,
				status: i.status,
				reference: i.reference,
				sku: i.sku,
				quantity: i.quantity,
				detail: i.detail,
			}),
		);
	},
	columns: () => [
		{ key: 'since', label: 'Since', type: 'datetime' },
		{ key: 'ageHours', label: 'Age (hours)', type: 'number' },
		{ key: 'reason', label: 'Reason', type: 'text' },
		{ key: 'omsId', label: 'OMS ID', type: 'text' },
		{ key: 'orderNumber', label: 'Order number', type: 'text' },
		{ key: 'channel', label: 'Channel', type: 'text' },
		{ key: 'status', label: 'Status', type: 'text' },
		{ key: 'reference', label: 'Reference (WMS delivery or package)', type: 'text' },
		{ key: 'sku', label: 'SKU', type: 'text' },
		{ key: 'quantity', label: 'Quantity', type: 'number' },
		{ key: 'detail', label: 'Detail', type: 'text' },
	],
	counts: () =>
		`Lists everything a person must act on now, oldest first: fraud reviews (overdue after ${ATTENTION_DEFAULTS.reviewOverdueHours} h), held orders by reason (awaiting payment and backordered after ${ATTENTION_DEFAULTS.holdOverdueHours} h), failed WMS deliveries, cancels and address updates a WMS refused or never answered, orders stuck received or ready for ${ATTENTION_DEFAULTS.stuckMinutes} minutes, EDI 940s without a 997 after ${ATTENTION_DEFAULTS.ediAckMinutes} minutes, and shipment confirmations and quantity pushes owed to a channel that failed for good or are not sent after ${ATTENTION_DEFAULTS.channelCallOverdueMinutes} minutes. Empty: nothing is owed.`,
};
