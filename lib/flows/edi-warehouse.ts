/**
 * EDI warehouse: EDI as a WMS provider, on the store's existing outbox and update path (no second outbox). The
 * payload and annotation words: lib/edi/oms.ts.
 *
 * - send940: a ready order's 940 is generated once per WMS reference (omsId, or omsId#n for a split shipment). It
 *   is recorded as a delivery with provider `edi` whose payload holds the 940's control numbers and text (without
 *   the ISA04 security password: the stored copy has ten spaces there, `isa04: 'omitted'`; the interchange returned
 *   to write out has it); the order moves to at_wms, in the same transaction (with no 997 expected, the delivery is
 *   recorded sent in it too). While the warehouse's 997 has not
 *   come, the delivery stays `pending`: that is how an unacknowledged 940 shows in the OMS (Wms node /
 *   listDeliveries({ provider: 'edi', status: ['pending'] })). Generating again for the same reference gives nothing
 *   new (already_generated) and takes no control number.
 * - reconcile997: a 997 accepting the 940's group/transaction marks the delivery sent (acknowledged); a rejecting
 *   one marks it failed with the reason from its AK3/AK4/AK5 codes and puts the order on hold (operator) with it;
 *   each in one transaction.
 * - apply945: the warehouse's shipping advice goes through applyUpdates (apply-wms-updates.ts), exactly as the Wms
 *   node's Get Updates (packages recorded once, shipped units committed once, status forward only). A 945 also
 *   proves the warehouse has the 940, so a delivery still waiting for its 997 is marked sent, in the same transaction.
 */
import type { OrderLine } from '../order/types';
import type { Delivery, Store, StoredOrder } from '../store/types';
import { envelope, type BuiltInterchange, type PartnerSettings } from '../edi/envelope';
import { controlId, EDI_PROVIDER, edi940Payload, sameControl, wmsAckWords, wmsAfter940, type Edi940Payload } from '../edi/oms';
import { isAccepted, rejectionText, type FunctionalAck } from '../edi/sets/ack';
import { shippingOrderOf, write940 } from '../edi/sets/wms';
import { deliveriesOf, whyNotSendable } from '../wms/outbox';
import { referenceFor } from '../wms/status';
import type { WmsOrderUpdate } from '../wms/types';
import { applyUpdates, type ApplySummary } from './apply-wms-updates';

export interface Send940Result {
	outcome: 'generated' | 'already_generated' | 'refused';
	omsId: string;
	reference: string;
	delivery: Delivery | null;
	/** The interchange to write out (generated only) */
	document: BuiltInterchange | null;
	error: string | null;
}

export async function send940(
	store: Store,
	partner: PartnerSettings,
	omsId: string,
	opts: { shipmentNo?: number; lines?: OrderLine[]; expect997?: boolean; now?: Date; cause?: string } = {},
): Promise<Send940Result> {
	const shipmentNo = opts.shipmentNo ?? 1;
	const reference = referenceFor(omsId, shipmentNo);
	const cause = opts.cause ?? 'edi.940';
	const base = { omsId, reference, document: null };
	const existing = await store.getDelivery(omsId, shipmentNo);
	if (existing && existing.provider !== EDI_PROVIDER) {
		return { ...base, outcome: 'refused', delivery: existing, error: `${reference} already went to the warehouse through ${existing.provider} (delivery ${existing.status})` };
	}
	if (existing && existing.status !== 'failed' && existing.status !== 'cancelled') {
		return { ...base, outcome: 'already_generated', delivery: existing, error: null };
	}
	if (existing) return { ...base, outcome: 'refused', delivery: existing, error: `the ${existing.provider} delivery of ${reference} is ${existing.status}: ${existing.lastError ?? ''}`.trim() };
	// the same rule as pushOrder: ready for a first shipment; the Backorder Gate's Partial (the order stays
	// backordered, out of stock) only for units its allocation covers; later shipments of a split order after it
	const stored = await store.getOrder(omsId);
	const why = whyNotSendable(stored, shipmentNo, opts.lines, shipmentNo > 1 && stored ? await deliveriesOf(store, omsId) : []);
	if (why) return { ...base, outcome: 'refused', delivery: null, error: why };
	const order = stored!.order;
	const doc = await envelope(store, partner, [write940(shippingOrderOf(order, reference, opts.lines))], opts.now);
	const expect997 = opts.expect997 ?? true;
	const payload = edi940Payload(doc, partner, expect997, opts.lines);
	const now = (opts.now ?? new Date()).toISOString();
	// the delivery, the move to at_wms and the wms annotation in one transaction; another run that recorded this
	// reference first wins the enqueue gate: its 940 is the one, ours (and its control number) is dropped
	const t = await store.transition(omsId, {
		// no 997 expected: the 940 counts as delivered once written (the delivery status is the acknowledgment state)
		enqueue: { shipmentNo, provider: EDI_PROVIDER, reference, payload, ...(expect997 ? {} : { sent: { wmsOrderId: controlId(payload) } }) },
		to: 'at_wms',
		cause: 'sent_to_wms',
		by: cause,
		detail: { provider: EDI_PROVIDER, reference, interchange: doc.interchangeControl },
		annotate: [
			{
				key: 'wms',
				afterStatus: true,
				event: { type: 'wms', detail: { reference, set: '940', control: controlId(payload), ackExpected: expect997 } },
				update: (_current, now_) => wmsAfter940(now_.order.wms, reference, payload, now),
			},
		],
	});
	const { delivery, created } = t.enqueued!;
	if (!created) return { ...base, outcome: 'already_generated', delivery, error: null };
	return { ...base, outcome: 'generated', delivery, document: doc, error: null };
}

export interface ReconcileResult {
	groupControl: string;
	setId: string;
	controlNumber: string;
	omsId: string | null;
	reference: string | null;
	/** unmatched: no 940 of ours with these control numbers (or not a 940: 855/856/810 acks are not tracked) */
	outcome: 'accepted' | 'rejected' | 'already' | 'unmatched';
	reason: string | null;
}

/** Apply 997s (one FunctionalAck per 997 transaction set) received in an interchange whose reply scope is `scope`. */
export async function reconcile997(store: Store, scope: string, acks: FunctionalAck[], opts: { cause?: string } = {}): Promise<ReconcileResult[]> {
	const cause = opts.cause ?? 'edi.997';
	const out: ReconcileResult[] = [];
	const candidates = (await store.listDeliveries({ provider: EDI_PROVIDER, limit: 100_000 })).filter((d) => {
		const p = d.payload as Partial<Edi940Payload> | null;
		return p?.set === '940' && p.scope === scope;
	});
	for (const ack of acks) {
		const inGroup = candidates.filter((d) => sameControl(String((d.payload as Partial<Edi940Payload>).groupControl), ack.groupControl));
		// AK2 loops name the sets; without any, AK9 speaks for every set of the group
		const verdicts = ack.sets.length
			? ack.sets.map((s) => ({ setId: s.setId, controlNumber: s.controlNumber, accepted: isAccepted(s.status), reason: rejectionText(ack, s) }))
			: inGroup.map((d) => ({ setId: '940', controlNumber: String((d.payload as Partial<Edi940Payload>).setControl), accepted: isAccepted(ack.groupStatus), reason: rejectionText(ack) }));
		if (!verdicts.length) out.push({ groupControl: ack.groupControl, setId: ack.functionalId, controlNumber: '', omsId: null, reference: null, outcome: 'unmatched', reason: null });
		for (const v of verdicts) {
			const d = v.setId === '940' ? inGroup.find((x) => sameControl(String((x.payload as Partial<Edi940Payload>).setControl), v.controlNumber)) : undefined;
			const row = { groupControl: ack.groupControl, setId: v.setId, controlNumber: v.controlNumber, omsId: d?.omsId ?? null, reference: d?.reference ?? null };
			if (!d) {
				out.push({ ...row, outcome: 'unmatched', reason: null });
				continue;
			}
			const payload = d.payload as Edi940Payload;
			if (d.status !== 'pending') {
				out.push({ ...row, outcome: 'already', reason: d.lastError });
				continue;
			}
			// the delivery's new state, the edi event, the annotation's words (and for a rejection the hold) at once
			const words = (rawStatus: string) => ({
				key: 'wms' as const,
				event: { type: 'wms', detail: { reference: d.reference, rawStatus } },
				update: (_current: unknown, stored: StoredOrder) => wmsAckWords(stored.order.wms, d.reference, rawStatus),
			});
			if (v.accepted) {
				await store.transition(d.omsId, {
					by: cause,
					delivery: { id: d.id, sent: { wmsOrderId: controlId(payload) } },
					events: [{ type: 'edi', detail: { reference: d.reference, set: '940', ack: 'accepted', control: controlId(payload) } }],
					annotate: [words('940 acknowledged (997)')],
				});
				out.push({ ...row, outcome: 'accepted', reason: null });
			} else {
				await store.transition(d.omsId, {
					by: cause,
					delivery: { id: d.id, failed: { error: v.reason, nextAttemptAt: null } },
					events: [{ type: 'edi', detail: { reference: d.reference, set: '940', ack: 'rejected', control: controlId(payload), reason: v.reason } }],
					annotate: [words('940 rejected (997)')],
					to: 'on_hold',
					cause: 'edi_rejected',
					detail: { reference: d.reference, reason: v.reason },
					hold: { reason: 'operator', since: new Date().toISOString(), detail: `The warehouse rejected the 940: ${v.reason}` },
				});
				out.push({ ...row, outcome: 'rejected', reason: v.reason });
			}
		}
	}
	return out;
}

export interface Pending940 {
	omsId: string;
	reference: string;
	set: string;
	interchangeControl: string | null;
	groupControl: string | null;
	setControl: string | null;
	/** When the 940 was written */
	since: string;
}

/** The 940s still waiting for their 997 (pending EDI deliveries) */
export async function unacknowledged940s(store: Store): Promise<Pending940[]> {
	return (await store.listDeliveries({ provider: EDI_PROVIDER, status: ['pending'], limit: 100_000 })).map((d) => {
		const p = (d.payload ?? {}) as Partial<Edi940Payload>;
		return { omsId: d.omsId, reference: d.reference, set: p.set ?? '940', interchangeControl: p.interchangeControl ?? null, groupControl: p.groupControl ?? null, setControl: p.setControl ?? null, since: d.createdAt };
	});
}

/** 945s as WMS updates, through the same path as the Wms node's Get Updates */
export async function apply945(store: Store, updates: WmsOrderUpdate[], opts: { cause?: string } = {}): Promise<ApplySummary> {
	const cause = opts.cause ?? 'edi.945';
	return applyUpdates(store, updates, {
		provider: EDI_PROVIDER,
		cause,
		with: async (u) => {
			const d = await store.getDelivery(u.omsId, u.shipmentNo);
			if (!d || d.provider !== EDI_PROVIDER || d.status !== 'pending') return null;
			return {
				delivery: { id: d.id, sent: { wmsOrderId: u.wmsOrderId } },
				events: [{ type: 'edi', detail: { reference: u.reference, set: '940', ack: 'implied_by_945' } }],
			};
		},
	});
}
