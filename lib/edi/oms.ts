/**
 * EDI as a WMS provider: the 940 delivery's payload and the wms annotation's words, pure. The use cases that write
 * them on the store's outbox and update path (send940, reconcile997, apply945): lib/flows/edi-warehouse.ts.
 *
 * Deliveries with provider `edi` are never sent by lib/flows retryPending (no WmsProvider is named `edi`): a Wms
 * node's Retry Pending leaves them pending for the EDI flow.
 */
import type { OrderLine, WmsAnnotation } from '../order/types';
import { withoutSecurityInfo, type BuiltInterchange, type PartnerSettings } from './envelope';

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

export function controlId(p: Pick<Edi940Payload, 'interchangeControl' | 'groupControl' | 'setControl'>): string {
	return `${p.interchangeControl}/${p.groupControl}/${p.setControl}`;
}

export function sameControl(a: string, b: string): boolean {
	return a === b || (/^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) === Number(b));
}

/** The 940 delivery's payload: its control numbers and text (ISA04, the partner's security password, blanked) */
export function edi940Payload(doc: BuiltInterchange, partner: PartnerSettings, expect997: boolean, lines?: OrderLine[]): Edi940Payload {
	return {
		set: '940',
		scope: doc.scope,
		interchangeControl: doc.interchangeControl,
		groupControl: doc.groupControl,
		setControl: doc.sets[0].controlNumber,
		ackExpected: expect997,
		// the interchange password stays in the credential: never in the store (rows, backups, the Wms node's lists)
		document: partner.securityInfo ? withoutSecurityInfo(doc.text, partner) : doc.text,
		...(partner.securityInfo ? { isa04: 'omitted' as const } : {}),
		...(lines ? { lines: lines as unknown as Record<string, unknown>[] } : {}),
	};
}

/** The wms annotation once a 940 went for `reference` (awaiting its 997, or sent without one) */
export function wmsAfter940(prev: WmsAnnotation | undefined, reference: string, payload: Edi940Payload, now: string): WmsAnnotation {
	const refs = { ...((prev?.references as Record<string, unknown> | undefined) ?? {}) };
	refs[reference] = { status: 'at_wms', rawStatus: payload.ackExpected ? '940 awaiting 997' : '940 sent', wmsOrderId: controlId(payload), updatedAt: now };
	return {
		...(prev ?? {}),
		provider: EDI_PROVIDER,
		reference: prev?.reference ?? reference,
		status: prev?.status ?? 'at_wms',
		shipments: prev?.shipments ?? [],
		references: refs,
	};
}

/** The wms annotation's words for a reference after its 997 (undefined: the annotation has no such reference) */
export function wmsAckWords(prev: WmsAnnotation | undefined, reference: string, rawStatus: string): WmsAnnotation | undefined {
	const refs = prev?.references as Record<string, Record<string, unknown>> | undefined;
	if (!prev || !refs?.[reference]) return undefined;
	return { ...prev, references: { ...refs, [reference]: { ...refs[reference], rawStatus } } };
}
