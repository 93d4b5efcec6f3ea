/**
 * A received X12 document as data: every transaction set of every group read by its set's reader (auto-detected
 * from ST01, or only the expected set), and the 997 that acknowledges it. One reader per set, in lib/edi/sets.
 */
import type { CanonicalOrder } from '../order/types';
import type { InventoryLevel, WmsOrderUpdate } from '../wms/types';
import { replyScope, type OutgoingSet } from './envelope';
import { read997, write997, type FunctionalAck, type SetAck } from './sets/ack';
import { read810, read850, read855, read856, type Invoice, type PoAck, type ShipNotice } from './sets/channel';
import { levelsOf846, read846, read940, read945, updateOf945, type InventoryAdvice, type Read846Options, type ShippingAdvice, type ShippingOrder } from './sets/wms';
import { parseX12, X12ParseError, type FunctionalGroup, type Interchange, type TransactionSet } from './x12';

export const READABLE_SETS = ['850', '855', '856', '810', '940', '945', '846', '997'] as const;
export type ReadableSet = (typeof READABLE_SETS)[number];

export type SetData =
	| { set: '850'; order: CanonicalOrder }
	| { set: '855'; poAck: PoAck }
	| { set: '856'; shipNotice: ShipNotice }
	| { set: '810'; invoice: Invoice }
	| { set: '940'; shippingOrder: ShippingOrder }
	| { set: '945'; shippingAdvice: ShippingAdvice; update: WmsOrderUpdate }
	| { set: '846'; inventory: InventoryAdvice; levels: InventoryLevel[] }
	| { set: '997'; ack: FunctionalAck };

export interface EnvelopeInfo {
	interchangeControl: string;
	groupControl: string;
	setControl: string;
	functionalId: string;
	sender: string;
	receiver: string;
	version: string;
	usage: string;
	/** The control-number scope of what we send back to this sender */
	scope: string;
}

export interface ReadOptions {
	/** Only this set is accepted; another is refused */
	expect?: ReadableSet | null;
	/** 850: the channel (the retailer) orders are recorded under; default `edi-<sender id>` in lower case */
	channel?: string | null;
	defaultCurrency?: string | null;
	defaultCountry?: string | null;
	inventory?: Read846Options;
	/** Refuse interchanges that are not from `partner` to `us` (qualifier/ID) */
	partner?: { qualifier: string; id: string } | null;
	us?: { qualifier: string; id: string } | null;
}

export interface ReadTransaction {
	envelope: EnvelopeInfo;
	data: SetData;
}

function envelopeOf(interchange: Interchange, group: FunctionalGroup, tx: TransactionSet): EnvelopeInfo {
	const h = interchange.header;
	return {
		interchangeControl: h.controlNumber,
		groupControl: group.controlNumber,
		setControl: tx.controlNumber,
		functionalId: group.functionalId,
		sender: `${h.senderQualifier}/${h.senderId}`,
		receiver: `${h.receiverQualifier}/${h.receiverId}`,
		version: group.version,
		usage: h.usage,
		scope: replyScope(h),
	};
}

/** The channel a retailer's 850s are recorded under when none is configured: `edi-<its interchange ID>` */
export function defaultRetailerChannel(partnerId: string): string {
	return `edi-${partnerId.trim().toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`;
}

/** One transaction set through its reader */
export function readTransaction(interchange: Interchange, group: FunctionalGroup, tx: TransactionSet, opts: ReadOptions = {}): SetData {
	if (opts.expect && tx.setId !== opts.expect) {
		throw new X12ParseError(`Expected transaction set ${opts.expect}, found ${tx.setId}`, { position: tx.position, segmentId: 'ST', element: 1 });
	}
	switch (tx.setId) {
		case '850':
			return { set: '850', order: read850(tx, { interchange, group }, { channel: opts.channel || defaultRetailerChannel(interchange.header.senderId), defaultCurrency: opts.defaultCurrency, defaultCountry: opts.defaultCountry }) };
		case '855':
			return { set: '855', poAck: read855(tx) };
		case '856':
			return { set: '856', shipNotice: read856(tx, { defaultCountry: opts.defaultCountry }) };
		case '810':
			return { set: '810', invoice: read810(tx, { defaultCurrency: opts.defaultCurrency }) };
		case '940':
			return { set: '940', shippingOrder: read940(tx, { defaultCountry: opts.defaultCountry }) };
		case '945': {
			const shippingAdvice = read945(tx);
			return { set: '945', shippingAdvice, update: updateOf945(shippingAdvice) };
		}
		case '846': {
			const inventory = read846(tx, opts.inventory);
			return { set: '846', inventory, levels: levelsOf846(inventory) };
		}
		case '997':
			return { set: '997', ack: read997(tx) };
		default:
			throw new X12ParseError(`Transaction set ${tx.setId} is not one this package reads (${READABLE_SETS.join(', ')})`, { position: tx.position, segmentId: 'ST', element: 1 });
	}
}

/** Refuse an interchange that is not from opts.partner to opts.us (when given) */
export function checkParties(i: Interchange, opts: ReadOptions): void {
	const h = i.header;
	const is = (q: string, id: string, want: { qualifier: string; id: string }) => q === want.qualifier && id === want.id.trim();
	if (opts.partner && !is(h.senderQualifier, h.senderId, opts.partner)) {
		throw new X12ParseError(`ISA06 sender ${h.senderQualifier}/${h.senderId} is not the trading partner ${opts.partner.qualifier}/${opts.partner.id.trim()}`, { position: 1, segmentId: 'ISA', element: 6 });
	}
	if (opts.us && !is(h.receiverQualifier, h.receiverId, opts.us)) {
		throw new X12ParseError(`ISA08 receiver ${h.receiverQualifier}/${h.receiverId} is not us (${opts.us.qualifier}/${opts.us.id.trim()})`, { position: 1, segmentId: 'ISA', element: 8 });
	}
}

/** Parse a whole document: refused as a whole (X12ParseError) when any part of it is malformed. */
export function readDocument(text: string, opts: ReadOptions = {}): { interchanges: Interchange[]; transactions: ReadTransaction[] } {
	const interchanges = parseX12(text);
	const transactions: ReadTransaction[] = [];
	for (const i of interchanges) {
		checkParties(i, opts);
		for (const g of i.groups) for (const tx of g.transactions) transactions.push({ envelope: envelopeOf(i, g, tx), data: readTransaction(i, g, tx, opts) });
	}
	if (!transactions.length) throw new X12ParseError('The interchange holds no transaction sets');
	return { interchanges, transactions };
}

/**
 * The 997s for a received interchange: one per functional group, each transaction set accepted when its reader
 * reads it, rejected (AK5 R, with the segment and element in AK3/AK4) when not. A malformed envelope is not
 * acknowledged here: parseX12 refuses it first.
 */
export function acknowledgmentsFor(interchange: Interchange, opts: ReadOptions = {}): { acks: FunctionalAck[]; sets: OutgoingSet[] } {
	const acks: FunctionalAck[] = [];
	for (const g of interchange.groups) {
		const sets: SetAck[] = g.transactions.map((tx) => {
			try {
				readTransaction(interchange, g, tx, { ...opts, expect: null });
				return { setId: tx.setId, controlNumber: tx.controlNumber, status: 'A', codes: [], errors: [] };
			} catch (err) {
				if (!(err instanceof X12ParseError)) throw err;
				if (!(READABLE_SETS as readonly string[]).includes(tx.setId)) return { setId: tx.setId, controlNumber: tx.controlNumber, status: 'R', codes: ['1'], errors: [] };
				const missing = /missing/.test(err.detail);
				const errors: SetAck['errors'] =
					err.position != null && err.segmentId
						? [
								{
									segmentId: err.segmentId,
									position: err.position - tx.position + 1,
									code: err.element != null ? '8' : missing ? '3' : '2',
									elements: err.element != null ? [{ position: String(err.element), code: missing ? '1' : '7', value: null }] : [],
								},
							]
						: [];
				return { setId: tx.setId, controlNumber: tx.controlNumber, status: 'R', codes: ['5'], errors };
			}
		});
		const accepted = sets.filter((s) => s.status === 'A').length;
		acks.push({
			functionalId: g.functionalId,
			groupControl: g.controlNumber,
			version: Number(interchange.header.version) >= 501 ? g.version : null,
			sets,
			groupStatus: accepted === sets.length ? 'A' : accepted === 0 ? 'R' : 'P',
			included: sets.length,
			received: sets.length,
			accepted,
			groupCodes: [],
		});
	}
	return { acks, sets: acks.map(write997) };
}
