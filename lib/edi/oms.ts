/**
 * EDI as a WMS provider, on the store's existing outbox and update path (no second outbox):
 *
 * - send940: a ready order's 940 is generated once per WMS reference (omsId, or omsId#n for a split shipment). It
 *   is recorded as a delivery with provider `edi` whose payload holds the 940's control numbers and text (without
 *   the ISA04 security password: the stored copy has ten spaces there, `isa04: 'omitted'`; the interchange returned
 *   to write out has it); the order moves to at_wms. While the warehouse's 997 has not come, the delivery stays `pending`: that is how an
 *   unacknowledged 940 shows in the OMS (Wms node / listDeliveries({ provider: 'edi', status: ['pending'] })).
 *   Generating again for the same reference gives nothing new (already_generated) and takes no control number.
 * - reconcile997: a 997 accepting the 940's group/transaction marks the delivery sent (acknowledged); a rejecting
 *   one marks it failed with the reason from its AK3/AK4/AK5 codes and puts the order on hold (operator) with it.
 * - apply945: the warehouse's shipping advice goes through lib/wms applyUpdates, exactly as the Wms node's Get
 *   Updates (packages recorded once, shipped units committed once, status forward only). A 945 also proves the
 *   warehouse has the 940, so a delivery still waiting for its 997 is marked sent.
 *
 * Deliveries with provider `edi` are never sent by lib/wms retryPending (no WmsProvider is named `edi`): a Wms
 * node's Retry Pending leaves them pending for this module.
 */
import type { OrderLine, WmsAnnotation } from '../order/types';
import type { Delivery, Store } from '../store/types';
import { applyUpdates, deliveriesOf, whyNotSendable, type ApplySummary } from '../wms/outbox';
import { fromStatusesFor, PRE_WMS } from '../order/status';
import { referenceFor } from '../wms/status';
import type { WmsOrderUpdate } from '../wms/types';
import { envelope, withoutSecurityInfo, type BuiltInterchange, type PartnerSettings } from './envelope';
import { isAccepted, rejectionText, type FunctionalAck } from './sets/ack';
import { shippingOrderOf, write940 } from './sets/wms';

export const EDI_PROVIDER = 'edi';

export interface Edi940Payload {
	set: '940';
	scope: string;
	interchangeControl: string;
	groupControl: string;
	setControl: string;
	/** Whether a 997 is expected (the delivery stays pending until it comes; its status is the acknowledgment state) */
	ackExpected: boolean;
	/** The 940 as sent, except ISA04 (the security password): blanked to ten spaces when the partner has one */
	document: string;
	/** 'omitted': ISA04 of `document` was blanked (it held the partner's security password) */
	isa04?: 'omitted';
	[extra: string]: unknown;
}

export interface Send940Result {
	outcome: 'generated' | 'already_generated' | 'refused';
	omsId: string;
	reference: string;
	delivery: Delivery | null;
	/** The interchange to write out (generated only) */
	document: BuiltInterchange | null;
	error: string | null;
}


function controlId(p: Pick<Edi940Payload, 'interchangeControl' | 'groupControl' | 'setControl'>): string {
	return `${p.interchangeControl}/${p.groupControl}/${p.setControl}`;
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
	// the same rule as lib/wms pushOrder: ready for a first shipment; the Backorder Gate's Partial (the order stays
	// backordered, out of stock) only for units its allocation covers; later shipments of a split order after it
	const stored = await store.getOrder(omsId);
	const why = whyNotSendable(stored, shipmentNo, opts.lines, shipmentNo > 1 && stored ? await deliveriesOf(store, omsId) : []);
	if (why) return { ...base, outcome: 'refused', delivery: null, error: why };
	const order = stored!.order;
	const doc = await envelope(store, partner, [write940(shippingOrderOf(order, reference, opts.lines))], opts.now);
	const expect997 = opts.expect997 ?? true;
	const payload: Edi940Payload = {
		set: '940',
		scope: doc.scope,
		interchangeControl: doc.interchangeControl,
		groupControl: doc.groupControl,
		setControl: doc.sets[0].controlNumber,
		ackExpected: expect997,
		// the interchange password stays in the credential: never in the store (rows, backups, the Wms node's lists)
		document: partner.securityInfo ? withoutSecurityInfo(doc.text, partner) : doc.text,
		...(partner.securityInfo ? { isa04: 'omitted' as const } : {}),
		...(opts.lines ? { lines: opts.lines as unknown as Record<string, unknown>[] } : {}),
	};
	const { delivery, created } = await store.enqueueDelivery({ omsId, shipmentNo, provider: EDI_PROVIDER, reference, payload });
	// another run recorded this reference first: its 940 is the one; ours (and its control number) is dropped
	if (!created) return { ...base, outcome: 'already_generated', delivery, error: null };
	const final = expect997 ? delivery : await store.markDeliverySent(delivery.id, controlId(payload));
	const now = (opts.now ?? new Date()).toISOString();
	const moved = await store.setStatus(omsId, 'at_wms', { onlyFrom: PRE_WMS, cause, detail: { provider: EDI_PROVIDER, reference, interchange: doc.interchangeControl } });
	const prev = moved.stored.order.wms;
	const refs = { ...((prev?.references as Record<string, unknown> | undefined) ?? {}) };
	refs[reference] = { status: 'at_wms', rawStatus: expect997 ? '940 awaiting 997' : '940 sent', wmsOrderId: controlId(payload), updatedAt: now };
	const wms: WmsAnnotation = {
		...(prev ?? {}),
		provider: EDI_PROVIDER,
		reference: prev?.reference ?? reference,
		status: prev?.status ?? 'at_wms',
		shipments: prev?.shipments ?? [],
		references: refs,
	};
	await store.annotate(omsId, 'wms', wms, { type: 'wms', cause, detail: { reference, set: '940', control: controlId(payload), ackExpected: expect997 } });
	return { ...base, outcome: 'generated', delivery: final, document: doc, error: null };
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

function sameControl(a: string, b: string): boolean {
	return a === b || (/^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) === Number(b));
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
			if (v.accepted) {
				await store.markDeliverySent(d.id, controlId(payload));
				await store.addEvent(d.omsId, 'edi', { cause, detail: { reference: d.reference, set: '940', ack: 'accepted', control: controlId(payload) } });
				await noteAck(store, d.omsId, d.reference, '940 acknowledged (997)', cause);
				out.push({ ...row, outcome: 'accepted', reason: null });
			} else {
				await store.markDeliveryAttemptFailed(d.id, v.reason, null);
				await store.addEvent(d.omsId, 'edi', { cause, detail: { reference: d.reference, set: '940', ack: 'rejected', control: controlId(payload), reason: v.reason } });
				await noteAck(store, d.omsId, d.reference, '940 rejected (997)', cause);
				await store.setStatus(d.omsId, 'on_hold', {
					onlyFrom: fromStatusesFor('on_hold', 'edi_rejected'),
					cause,
					detail: { reference: d.reference, reason: v.reason },
					hold: { reason: 'operator', since: new Date().toISOString(), detail: `The warehouse rejected the 940: ${v.reason}` },
				});
				out.push({ ...row, outcome: 'rejected', reason: v.reason });
			}
		}
	}
	return out;
}

/** The wms annotation's words for a reference after its 997 (the delivery status is the state; this is what people read) */
async function noteAck(store: Store, omsId: string, reference: string, rawStatus: string, cause: string): Promise<void> {
	const stored = await store.getOrder(omsId);
	const refs = stored?.order.wms?.references as Record<string, Record<string, unknown>> | undefined;
	if (!stored || !refs?.[reference]) return;
	const wms = { ...stored.order.wms!, references: { ...refs, [reference]: { ...refs[reference], rawStatus } } };
	await store.annotate(omsId, 'wms', wms, { type: 'wms', cause, detail: { reference, rawStatus } });
}

/** 945s as WMS updates, through the same path as the Wms node's Get Updates */
export async function apply945(store: Store, updates: WmsOrderUpdate[], opts: { cause?: string } = {}): Promise<ApplySummary> {
	const cause = opts.cause ?? 'edi.945';
	for (const u of updates) {
		const d = await store.getDelivery(u.omsId, u.shipmentNo);
		if (d && d.provider === EDI_PROVIDER && d.status === 'pending') {
			await store.markDeliverySent(d.id, u.wmsOrderId);
			await store.addEvent(u.omsId, 'edi', { cause, detail: { reference: u.reference, set: '940', ack: 'implied_by_945' } });
		}
	}
	return applyUpdates(store, updates, { provider: EDI_PROVIDER, cause });
}
