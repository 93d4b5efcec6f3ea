/**
 * Send EDI documents: the 997s that acknowledge a partner's interchanges, and a retailer's 855 (PO acknowledgment),
 * 856 (ship notice, from the packages the WMS shipped) and 810 (invoice). Each document takes its control numbers
 * from the store (lib/edi envelope); a send-once document (a key given) is then marked in the store's processed
 * table, per set and partner, and a key seen before gives no document (the control number taken for it is
 * skipped, which X12 allows; a crash between the two writes only skips a number and the document is made again).
 */
import type { CanonicalOrder } from '../order/types';
import type { Store } from '../store/types';
import { acknowledgmentsFor, checkParties, type ReadOptions } from '../edi/document';
import { envelope, type BuiltInterchange, type OutgoingSet, type PartnerSettings } from '../edi/envelope';
import { parseX12 } from '../edi/x12';
import type { FunctionalAck } from '../edi/sets/ack';
import { invoiceOf, poAckOf, shipNoticeOf, write810, write855, write856 } from '../edi/sets/channel';

/** Envelope `sets` for the partner; with a send-once key, null when that key was sent before */
export async function sendDocument(store: Store, partner: PartnerSettings, sets: OutgoingSet[], opts: { now: Date; once: string | null }): Promise<BuiltInterchange | null> {
	const doc = await envelope(store, partner, sets, opts.now);
	if (opts.once && !(await store.markProcessed(`edi:${sets[0].setId}:${doc.scope}`, opts.once))) return null;
	return doc;
}

export interface Acknowledgment {
	/** The acknowledged interchange's control number */
	acknowledges: string;
	acks: FunctionalAck[];
	document: BuiltInterchange;
}

/**
 * 997s for every interchange of `text` (the same party checks as reading it: only the partner's interchanges to us
 * are acknowledged); with `sendOnce`, an interchange acknowledged before gets none.
 */
export async function acknowledgeInterchanges(store: Store, partner: PartnerSettings, text: string, opts: { read: ReadOptions; now: Date; sendOnce: boolean }): Promise<Acknowledgment[]> {
	const out: Acknowledgment[] = [];
	for (const interchange of parseX12(text)) {
		checkParties(interchange, opts.read);
		const { acks, sets } = acknowledgmentsFor(interchange, opts.read);
		const h = interchange.header;
		const document = await sendDocument(store, partner, sets, { now: opts.now, once: opts.sendOnce ? `${h.senderQualifier}/${h.senderId}|${h.controlNumber}` : null });
		if (document) out.push({ acknowledges: h.controlNumber, acks, document });
	}
	return out;
}

/** The 855 for an order (accepting it with its allocation, or rejecting it) */
export function sendPoAcknowledgment(store: Store, partner: PartnerSettings, order: CanonicalOrder, opts: { reject: boolean; now: Date }): Promise<BuiltInterchange | null> {
	return sendDocument(store, partner, [write855(poAckOf(order, { reject: opts.reject, date: opts.now.toISOString() }))], { now: opts.now, once: null });
}

/** The 856 for the packages the order shipped so far; send-once per set of packages */
export async function sendShipNotice(store: Store, partner: PartnerSettings, order: CanonicalOrder, opts: { now: Date; sendOnce: boolean }): Promise<{ document: BuiltInterchange | null; packages: number }> {
	const shipments = await store.getShipments(order.omsId);
	const once = opts.sendOnce ? `${order.omsId}|${shipments.map((x) => x.packageKey).sort().join(',')}` : null;
	return { document: await sendDocument(store, partner, [write856(shipNoticeOf(order, shipments))], { now: opts.now, once }), packages: shipments.length };
}

/** The 810 for the order (its shipped quantities only, by default); send-once per invoice number */
export async function sendInvoice(
	store: Store,
	partner: PartnerSettings,
	order: CanonicalOrder,
	opts: { invoiceNumber: string; shippedOnly: boolean; now: Date; sendOnce: boolean },
): Promise<{ document: BuiltInterchange | null; total: number; currency: string }> {
	const invoiceNumber = opts.invoiceNumber.trim();
	if (!invoiceNumber) throw new Error(`${order.omsId}: Invoice Number is empty`);
	const shipped = opts.shippedOnly ? (await store.getShipments(order.omsId)).flatMap((s) => s.lines) : undefined;
	if (shipped && !shipped.length) throw new Error(`${order.omsId}: nothing shipped yet to invoice (turn off Invoice Shipped Quantities Only to invoice the whole order)`);
	const invoice = invoiceOf(order, { invoiceNumber, date: opts.now.toISOString(), shipped });
	const document = await sendDocument(store, partner, [write810(invoice)], { now: opts.now, once: opts.sendOnce ? `${order.omsId}|${invoiceNumber}` : null });
	return { document, total: invoice.total, currency: invoice.currency };
}
