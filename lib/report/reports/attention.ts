/**
 * The Attention queue (current state, not a period): everything a person must act on now, oldest first, one row per
 * thing, with its age, its reason and the order. An empty queue means nothing is owed. Sources, each one SELECT of
 * ATTENTION_SOURCES, run as ONE query (UNION ALL, ordered by `since`) over indexed columns:
 *
 *   fraud_review   orders held for a fraud review (overdue past `reviewOverdueHours`)
 *   held           orders on hold for an address, an operator, a failed WMS delivery (the WMS's words as the detail),
 *                  and, past `holdOverdueHours`, for payment; backordered orders waiting past `holdOverdueHours`
 *   wms_failed     a WMS delivery failed for good whose order is not held for it (a later shipment of a split order)
 *   stuck          received or ready orders that have not moved for `stuckMinutes` and that no pending delivery owes
 *                  (the recovery sweep finishes them; still here means it could not)
 *   edi_997        EDI 940s without the partner's 997 after `ediAckMinutes`
 *
 * Extension point: calls owed to a channel (tracking confirmations, quantity pushes) join as one more source over
 * their outbox table when it exists: a function of ATTENTION_SOURCES returning a SELECT of the same columns.
 *
 * lib/flows/attention.ts (OMS Order > Attention) reads the same rows (attentionQueue) as items.
 */
import { HOLD_LABELS, type HoldReason, type OmsStatus } from '../../order/status';
import type { Store } from '../../store/types';
import { channelWhere, iso, Params, type Dialect } from '../sql';
import type { ReportDefinition, ReportOptions, Row, RunContext } from '../types';

export const ATTENTION_KINDS = ['fraud_review', 'held', 'wms_failed', 'stuck', 'edi_997'] as const;
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
}
export const ATTENTION_DEFAULTS: Required<AttentionThresholds> = { stuckMinutes: 15, reviewOverdueHours: 24, holdOverdueHours: 72, ediAckMinutes: 120 };

export interface AttentionItem {
	kind: AttentionKind;
	/** A hold reason (held, fraud_review), or the kind's own reason word */
	reason: string;
	/** What a person reads */
	reasonLabel: string;
	omsId: string;
	channel: string;
	orderNumber: string | null;
	status: OmsStatus;
	/** Since when it is owed (the hold's start, the failure, the last change), ISO UTC */
	since: string;
	ageMinutes: number;
	/** Past its threshold (fraud reviews); the other kinds are owed as soon as they are listed */
	overdue: boolean;
	/** The WMS's or the partner's words, the hold's detail */
	detail: string | null;
	/** The delivery's reference (omsId or omsId#n), for WMS and EDI items */
	reference: string | null;
	/** Identity of this thing to act on (kind, order, reference, since, overdue): the same until it changes */
	key: string;
}

interface Cutoffs {
	stuck: string;
	hold: string;
	edi: string;
}

/** One source: a SELECT of kind, reason, oms_id, channel, order_number, status, since, detail, reference. */
type Source = (d: Dialect, p: Params, c: Cutoffs, channels: string) => string;

const ORDER_COLS = 'o.oms_id AS oms_id, o.channel AS channel, o.order_number AS order_number, o.status AS status';
const ts = (d: Dialect, p: Params, v: string) => `${p.add(v)}${d === 'postgres' ? '::timestamptz' : ''}`;
const FINISHED = `('cancelled', 'rejected', 'shipped', 'delivered')`;

export const ATTENTION_SOURCES: Record<AttentionKind, Source> = {
	fraud_review: (_d, _p, _c, ch) =>
		`SELECT 'fraud_review' AS kind, 'fraud_review' AS reason, ${ORDER_COLS}, COALESCE(o.hold_since, o.changed_at) AS since, o.hold_detail AS detail, NULL AS reference
		FROM orders o WHERE o.status = 'fraud_review'${ch}`,
	held: (d, p, c, ch) =>
		`SELECT 'held' AS kind, COALESCE(o.hold_reason, 'operator') AS reason, ${ORDER_COLS}, COALESCE(o.hold_since, o.changed_at) AS since, o.hold_detail AS detail, NULL AS reference
		FROM orders o
		WHERE ((o.status = 'on_hold' AND (o.hold_reason IS NULL OR o.hold_reason <> 'awaiting_payment' OR o.hold_since < ${ts(d, p, c.hold)}))
			OR (o.status = 'backordered' AND COALESCE(o.hold_since, o.changed_at) < ${ts(d, p, c.hold)}))${ch}`,
	wms_failed: (_d, _p, _c, ch) =>
		`SELECT 'wms_failed' AS kind, 'wms_failed' AS reason, ${ORDER_COLS}, dl.updated_at AS since, dl.last_error AS detail, dl.reference AS reference
		FROM deliveries dl JOIN orders o ON o.oms_id = dl.oms_id
		WHERE dl.status = 'failed' AND o.status NOT IN ${FINISHED} AND NOT (o.status = 'on_hold' AND o.hold_reason = 'wms_failed')${ch}`,
	stuck: (d, p, c, ch) =>
		`SELECT 'stuck' AS kind, o.status AS reason, ${ORDER_COLS}, o.changed_at AS since, NULL AS detail, NULL AS reference
		FROM orders o
		WHERE o.status IN ('received', 'ready') AND o.hold_reason IS NULL AND o.changed_at < ${ts(d, p, c.stuck)}
			AND NOT EXISTS (SELECT 1 FROM deliveries q WHERE q.oms_id = o.oms_id AND q.status = 'pending')${ch}`,
	edi_997: (d, p, c, ch) =>
		`SELECT 'edi_997' AS kind, 'edi_997' AS reason, ${ORDER_COLS}, dl.created_at AS since, NULL AS detail, dl.reference AS reference
		FROM deliveries dl JOIN orders o ON o.oms_id = dl.oms_id
		WHERE dl.status = 'pending' AND dl.provider = 'edi' AND dl.created_at < ${ts(d, p, c.edi)}${ch}`,
};

const KIND_LABELS: Record<Exclude<AttentionKind, 'held' | 'fraud_review'>, string> = {
	wms_failed: 'WMS delivery failed',
	stuck: 'Stuck',
	edi_997: 'EDI 940 without a 997',
};

function label(kind: AttentionKind, reason: string, status: string, overdue: boolean): string {
	if (kind === 'fraud_review') return overdue ? 'Fraud review (overdue)' : 'Fraud review';
	if (kind === 'held') return status === 'backordered' ? 'Backordered past its time' : (HOLD_LABELS[reason as HoldReason] ?? reason);
	if (kind === 'stuck') return `Stuck ${status === 'ready' ? 'ready, not sent to the WMS' : 'received, not screened or routed'}`;
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
	const cutoffs: Cutoffs = { stuck: minutesBefore(now, t.stuckMinutes), hold: minutesBefore(now, t.holdOverdueHours * 60), edi: minutesBefore(now, t.ediAckMinutes) };
	const ctx = { options: { channels: opts.channels } } as RunContext;
	const selects = ATTENTION_KINDS.map((k) => ATTENTION_SOURCES[k](d, p, cutoffs, channelWhere(d, p, 'o.channel', ctx)));
	const sql = `SELECT * FROM (${selects.join('\nUNION ALL\n')}) a ORDER BY since, kind, oms_id, reference`;
	const rows = await store.query(sql, p.values);
	const nowMs = Date.parse(now);
	return rows.map((r) => {
		const kind = String(r.kind) as AttentionKind;
		const since = iso(r.since)!;
		const ageMinutes = Math.max(0, Math.floor((nowMs - Date.parse(since)) / 60_000));
		const overdue = kind === 'fraud_review' && ageMinutes >= t.reviewOverdueHours * 60;
		const reason = String(r.reason);
		const status = String(r.status) as OmsStatus;
		const reference = r.reference === null || r.reference === undefined ? null : String(r.reference);
		const omsId = String(r.oms_id);
		return {
			kind,
			reason,
			reasonLabel: label(kind, reason, status, overdue),
			omsId,
			channel: String(r.channel),
			orderNumber: r.order_number === null || r.order_number === undefined ? null : String(r.order_number),
			status,
			since,
			ageMinutes,
			overdue,
			detail: r.detail === null || r.detail === undefined ? null : String(r.detail),
			reference,
			key: [kind, reason, omsId, reference ?? '', since, overdue ? 'overdue' : ''].join('|'),
		};
	});
}

export const attention: ReportDefinition = {
	name: 'attention',
	title: 'Attention: what a person must act on',
	periodic: false,
	keys: ['kind', 'omsId', 'reference'],
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
		{ key: 'reference', label: 'WMS reference', type: 'text' },
		{ key: 'detail', label: 'Detail', type: 'text' },
	],
	counts: () =>
		`Lists everything a person must act on now, oldest first: fraud reviews (overdue after ${ATTENTION_DEFAULTS.reviewOverdueHours} h), held orders by reason (awaiting payment and backordered after ${ATTENTION_DEFAULTS.holdOverdueHours} h), failed WMS deliveries, orders stuck received or ready for ${ATTENTION_DEFAULTS.stuckMinutes} minutes, and EDI 940s without a 997 after ${ATTENTION_DEFAULTS.ediAckMinutes} minutes. Empty: nothing is owed.`,
};
