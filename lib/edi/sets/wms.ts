/**
 * The warehouse-side sets: 940 Warehouse Shipping Order (we send), 945 Warehouse Shipping Advice and 846 Inventory
 * Inquiry/Advice (the warehouse sends). Each has a reader (transaction set -> data, refusing what does not add up)
 * and a writer (data -> segments); read(write(x)) gives x back, which the round-trip tests check.
 */
import type { Address, CanonicalOrder, OrderLine, ShippingLevel } from '../../order/types';
import { SHIPPING_LEVELS } from '../../order/types';
import { parseReference } from '../../wms/status';
import type { InventoryLevel, WmsOrderUpdate, WmsPackage } from '../../wms/types';
import { dateOf, timeOf, type OutgoingSet, type OutSegment } from '../envelope';
import { count, el, need, num, x12Date, X12ParseError, type Segment, type TransactionSet } from '../x12';
import { addressOf, idPairs, newParty, partyDetail, partySegments, QUALIFIERS, skuOf, type Party } from './common';

// ---------------------------------------------------------------- 940

export interface ShippingOrder {
	/** W05-02: the WMS reference (omsId, or omsId#n for a later shipment of a split order) */
	depositorOrderNumber: string;
	/** W05-03: the order number the customer sees */
	purchaseOrderNumber: string | null;
	/** N9*CO: the channel's order id */
	customerOrderNumber: string | null;
	/** G62*04 order date and G62*10 requested ship date (dates, midnight UTC) */
	orderDate: string | null;
	shipBy: string | null;
	shipTo: Address | null;
	email: string | null;
	/** W66-05 routing: the canonical shipping level */
	shippingLevel: ShippingLevel | null;
	lines: Array<{ lineId: string; sku: string; quantity: number; title: string | null }>;
}

function midnight(iso: string | null | undefined): string | null {
	return iso ? `${iso.slice(0, 10)}T00:00:00.000Z` : null;
}

/** What a 940 carries of a canonical order (all lines, or a split shipment's) */
export function shippingOrderOf(order: CanonicalOrder, reference: string, lines?: OrderLine[]): ShippingOrder {
	return {
		depositorOrderNumber: reference,
		purchaseOrderNumber: order.orderNumber ?? null,
		customerOrderNumber: order.channelOrderId,
		orderDate: midnight(order.placedAt),
		shipBy: midnight(order.shipBy ?? null),
		shipTo: order.shipTo,
		email: order.customer.email,
		shippingLevel: order.shipping.level,
		lines: (lines ?? order.lines).map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity, title: l.title })),
	};
}

const AIR: ShippingLevel[] = ['next_day', 'same_day', 'priority', 'expedited'];

export function write940(so: ShippingOrder): OutgoingSet {
	const segs: OutSegment[] = [['W05', 'N', so.depositorOrderNumber, so.purchaseOrderNumber]];
	if (so.shipTo) segs.push(...partySegments('ST', so.shipTo, { email: so.email }));
	if (so.customerOrderNumber) segs.push(['N9', 'CO', so.customerOrderNumber]);
	if (so.orderDate) segs.push(['G62', '04', dateOf(so.orderDate)]);
	if (so.shipBy) segs.push(['G62', '10', dateOf(so.shipBy)]);
	if (so.shippingLevel) {
		// W66-01 PP prepaid; W66-02 A air for the fast levels, M motor for freight, U private parcel otherwise
		const tm = AIR.includes(so.shippingLevel) ? 'A' : so.shippingLevel === 'freight' ? 'M' : 'U';
		segs.push(['W66', 'PP', tm, null, null, so.shippingLevel.toUpperCase()]);
	}
	so.lines.forEach((l, i) => {
		segs.push(['LX', i + 1]);
		segs.push(['W01', l.quantity, 'EA', null, 'SK', l.sku]);
		if (l.title) segs.push(['G69', l.title.slice(0, 45)]);
		segs.push(['N9', 'LI', l.lineId]);
	});
	segs.push(['W76', so.lines.reduce((s, l) => s + l.quantity, 0)]);
	return { setId: '940', segments: segs };
}

export function read940(tx: TransactionSet, opts: { defaultCountry?: string | null } = {}): ShippingOrder {
	const segs = tx.segments;
	const w05 = segs[0];
	if (w05?.id !== 'W05') throw new X12ParseError(`W05 (shipping order identification) must follow ST in a 940${w05 ? `, found ${w05.id}` : ''}`, { position: w05?.position ?? tx.position + 1, segmentId: w05?.id ?? null });
	const so: ShippingOrder = {
		depositorOrderNumber: need(w05, 2, 'depositor order number'),
		purchaseOrderNumber: el(w05, 3) || null,
		customerOrderNumber: null,
		orderDate: null,
		shipBy: null,
		shipTo: null,
		email: null,
		shippingLevel: null,
		lines: [],
	};
	let party: Party | null = null;
	const parties: Party[] = [];
	let line: ShippingOrder['lines'][number] | null = null;
	let w76: Segment | null = null;
	for (const s of segs.slice(1)) {
		if (s.id === 'N1') {
			party = newParty(s);
			parties.push(party);
			continue;
		}
		if (!line && partyDetail(party, s)) continue;
		switch (s.id) {
			case 'LX':
				line = null;
				party = null;
				break;
			case 'W01': {
				party = null;
				const ids = { ...(el(s, 3) ? { UP: el(s, 3) } : {}), ...idPairs(s, 4, 7) };
				line = { lineId: String(so.lines.length + 1), sku: skuOf(s, ids), quantity: count(s, 1, 'quantity ordered'), title: null };
				so.lines.push(line);
				break;
			}
			case 'G69':
				if (line) line.title = el(s, 1) || null;
				break;
			case 'N9':
				if (line && el(s, 1) === 'LI') line.lineId = need(s, 2, 'line item identifier');
				else if (!line && el(s, 1) === 'CO') so.customerOrderNumber = need(s, 2, 'customer order number');
				break;
			case 'G62':
				if (el(s, 1) === '04') so.orderDate = x12Date(s, 2);
				else if (el(s, 1) === '10') so.shipBy = x12Date(s, 2);
				break;
			case 'W66': {
				const routing = el(s, 5).toLowerCase();
				so.shippingLevel = routing ? ((SHIPPING_LEVELS as readonly string[]).includes(routing) ? (routing as ShippingLevel) : 'other') : null;
				break;
			}
			case 'W76':
				w76 = s;
				break;
			default:
				// other segments (NTE, W20, N9 qualifiers not read here...) carry nothing the OMS keeps
				break;
		}
	}
	if (!so.lines.length) throw new X12ParseError(`940 ${so.depositorOrderNumber} has no W01 line items`, { position: tx.position, segmentId: 'ST' });
	if (w76) {
		const total = num(w76, 1, 'total quantity ordered');
		const sum = so.lines.reduce((a, l) => a + l.quantity, 0);
		if (total !== sum) throw new X12ParseError(`W7601 total quantity ${total} does not match the W01 quantities, which add up to ${sum}`, { position: w76.position, segmentId: 'W76', element: 1 });
	}
	const st = parties.find((p) => p.entity === 'ST');
	if (st) {
		so.shipTo = addressOf(st, opts.defaultCountry ?? null);
		so.email = st.email;
	}
	return so;
}

// ---------------------------------------------------------------- 945

export interface ShippingAdvice {
	/** W06-01: F full, P partial ... as sent */
	reportingCode: string;
	/** W06-02: the depositor order number of the 940 (our WMS reference) */
	depositorOrderNumber: string;
	/** W06-03 shipment date (or G62*11), ISO */
	shippedAt: string;
	/** W06-04 shipment identification number */
	shipmentId: string | null;
	/** W27-02 carrier SCAC, W27-01 transportation method */
	carrier: string | null;
	transportMethod: string | null;
	packages: Array<{
		packageKey: string;
		trackingNumber: string | null;
		lines: Array<{ sku: string; quantity: number; ordered: number | null; lineId?: string }>;
	}>;
}

/** Package IDs in a 945 LX loop: MAN*CP (carrier-assigned package ID = tracking), N9*2I (tracking number), MAN*GM (SSCC-18) */
export function read945(tx: TransactionSet): ShippingAdvice {
	const segs = tx.segments;
	const w06 = segs[0];
	if (w06?.id !== 'W06') throw new X12ParseError(`W06 (warehouse shipment identification) must follow ST in a 945${w06 ? `, found ${w06.id}` : ''}`, { position: w06?.position ?? tx.position + 1, segmentId: w06?.id ?? null });
	const depositor = need(w06, 2, 'depositor order number');
	let shippedAt = x12Date(w06, 3);
	const shipmentId = el(w06, 4) || null;
	let carrier: string | null = null;
	let transportMethod: string | null = null;
	let headerTracking: string | null = null;
	interface Loop {
		tracking: string | null;
		sscc: string | null;
		lines: ShippingAdvice['packages'][number]['lines'];
	}
	const loops: Loop[] = [];
	let loop: Loop | null = null;
	let last: ShippingAdvice['packages'][number]['lines'][number] | null = null;
	let w03: Segment | null = null;
	for (const s of segs.slice(1)) {
		switch (s.id) {
			case 'G62':
				if (el(s, 1) === '11') shippedAt = x12Date(s, 2, 4);
				break;
			case 'W27':
				transportMethod = need(s, 1, 'transportation method');
				carrier = el(s, 2) || null;
				break;
			case 'LX':
				loop = { tracking: null, sscc: null, lines: [] };
				loops.push(loop);
				last = null;
				break;
			case 'MAN':
				if (!loop) break;
				if (el(s, 1) === 'CP') loop.tracking = need(s, 2, 'carrier-assigned package ID');
				else if (el(s, 1) === 'GM') loop.sscc = need(s, 2, 'SSCC-18');
				break;
			case 'N9':
				if (el(s, 1) === '2I') {
					if (loop) loop.tracking = loop.tracking ?? need(s, 2, 'tracking number');
					else headerTracking = need(s, 2, 'tracking number');
				} else if (el(s, 1) === 'LI' && last) last.lineId = need(s, 2, 'line item identifier');
				break;
			case 'W12': {
				if (!loop) {
					loop = { tracking: null, sscc: null, lines: [] };
					loops.push(loop);
				}
				need(s, 1, 'shipment/order status code');
				// W12-07 is the product ID qualifier in most guides; some send an item number there and the qualifier in W12-08
				let ids: Record<string, string>;
				let itemNumber: string | null = null;
				if (QUALIFIERS.has(el(s, 7))) ids = idPairs(s, 7, 8);
				else {
					itemNumber = el(s, 7) || null;
					ids = QUALIFIERS.has(el(s, 8)) ? idPairs(s, 8, 9) : {};
				}
				if (el(s, 6)) ids.UP = ids.UP ?? el(s, 6);
				const sku = ids.SK || ids.VN ? skuOf(s, ids) : itemNumber ?? skuOf(s, ids);
				last = { sku, quantity: count(s, 3, 'number of units shipped'), ordered: el(s, 2) ? count(s, 2, 'quantity ordered') : null };
				loop.lines.push(last);
				break;
			}
			case 'W03':
				w03 = s;
				break;
			default:
				break;
		}
	}
	const all = loops.flatMap((l) => l.lines);
	if (!all.length) throw new X12ParseError(`945 for ${depositor} has no W12 item detail`, { position: tx.position, segmentId: 'ST' });
	const shipped = all.reduce((a, l) => a + l.quantity, 0);
	if (w03) {
		const total = num(w03, 1, 'number of units shipped');
		if (total !== shipped) throw new X12ParseError(`W0301 total units ${total} does not match the W12 units shipped, which add up to ${shipped}`, { position: w03.position, segmentId: 'W03', element: 1 });
	}
	if (shipped === 0) throw new X12ParseError(`945 for ${depositor} ships no units (every W1203 is 0); not applied`, { position: w06.position, segmentId: 'W06' });
	// one package per distinct tracking number / SSCC; loops without either share the shipment's package
	const packages = new Map<string, ShippingAdvice['packages'][number]>();
	const base = shipmentId ?? depositor;
	for (const l of loops) {
		const tracking = l.tracking ?? (l.sscc ? null : headerTracking);
		const key = l.tracking ? `${base}:${l.tracking}` : l.sscc ? `${base}:${l.sscc}` : headerTracking ? `${base}:${headerTracking}` : base;
		const p = packages.get(key) ?? { packageKey: key, trackingNumber: tracking, lines: [] };
		p.lines.push(...l.lines.filter((x) => x.quantity > 0));
		packages.set(key, p);
	}
	return {
		reportingCode: el(w06, 1),
		depositorOrderNumber: depositor,
		shippedAt,
		shipmentId,
		carrier,
		transportMethod,
		packages: [...packages.values()].filter((p) => p.lines.length),
	};
}

export function write945(a: ShippingAdvice): OutgoingSet {
	const segs: OutSegment[] = [['W06', a.reportingCode || 'F', a.depositorOrderNumber, dateOf(a.shippedAt), a.shipmentId]];
	segs.push(['G62', '11', dateOf(a.shippedAt), 'W', timeOf(a.shippedAt)]);
	if (a.transportMethod || a.carrier) segs.push(['W27', a.transportMethod ?? 'U', a.carrier]);
	let n = 0;
	for (const p of a.packages) {
		for (const l of p.lines) {
			segs.push(['LX', ++n]);
			if (p.trackingNumber) segs.push(['MAN', 'CP', p.trackingNumber]);
			segs.push(['W12', 'CC', l.ordered ?? l.quantity, l.quantity, (l.ordered ?? l.quantity) - l.quantity, 'EA', null, 'SK', l.sku]);
			if (l.lineId) segs.push(['N9', 'LI', l.lineId]);
		}
	}
	segs.push(['W03', a.packages.reduce((s, p) => s + p.lines.reduce((t, l) => t + l.quantity, 0), 0)]);
	return { setId: '945', segments: segs };
}

/** A 945 as the update the WMS node's Get Updates applies (lib/flows applyUpdates) */
export function updateOf945(a: ShippingAdvice): WmsOrderUpdate {
	const { omsId, shipmentNo } = parseReference(a.depositorOrderNumber);
	const shipments: WmsPackage[] = a.packages.map((p) => ({
		packageKey: p.packageKey,
		carrier: a.carrier,
		trackingNumber: p.trackingNumber,
		trackingUrl: null,
		shippedAt: a.shippedAt,
		lines: p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, ...(l.lineId ? { lineId: l.lineId } : {}) })),
	}));
	return {
		omsId,
		shipmentNo,
		reference: a.depositorOrderNumber,
		wmsOrderId: a.shipmentId ?? a.depositorOrderNumber,
		status: 'shipped',
		rawStatus: `945 ${a.reportingCode || '-'}`,
		shipments,
		updatedAt: a.shippedAt,
	};
}

// ---------------------------------------------------------------- 846

export interface InventoryAdvice {
	/** BIA02 report type code, BIA03 reference, BIA04 date */
	reportType: string;
	reference: string | null;
	date: string | null;
	location: string;
	items: Array<{ sku: string; onHand: number; available?: number; quantities: Record<string, number>; ids: Record<string, string> }>;
}

export interface Read846Options {
	/** QTY01 qualifiers read as on hand, first found wins; default ['17'] (quantity on hand) */
	onHand?: string[];
	/** QTY01 qualifiers read as available; default ['33'] (quantity available for sale) */
	available?: string[];
	/** The location when the 846 has no N1*WH; default 'default' */
	location?: string;
}

export function read846(tx: TransactionSet, opts: Read846Options = {}): InventoryAdvice {
	const onHandQ = opts.onHand?.length ? opts.onHand : ['17'];
	const availQ = opts.available?.length ? opts.available : ['33'];
	const bia = tx.segments[0];
	if (bia?.id !== 'BIA') throw new X12ParseError(`BIA (beginning segment for inventory inquiry/advice) must follow ST in an 846${bia ? `, found ${bia.id}` : ''}`, { position: bia?.position ?? tx.position + 1, segmentId: bia?.id ?? null });
	const advice: InventoryAdvice = {
		reportType: need(bia, 2, 'report type code'),
		reference: el(bia, 3) || null,
		date: el(bia, 4) ? x12Date(bia, 4) : null,
		location: opts.location || 'default',
		items: [],
	};
	interface Item {
		seg: Segment;
		sku: string;
		ids: Record<string, string>;
		quantities: Record<string, number>;
	}
	const items: Item[] = [];
	let item: Item | null = null;
	for (const s of tx.segments.slice(1)) {
		if (s.id === 'N1' && !item && el(s, 1) === 'WH') advice.location = (el(s, 4) || need(s, 2, 'warehouse name')).trim();
		else if (s.id === 'LIN') {
			const ids = idPairs(s, 2, 31);
			item = { seg: s, sku: skuOf(s, ids), ids, quantities: {} };
			items.push(item);
		} else if (s.id === 'QTY' && item) {
			const q = need(s, 1, 'quantity qualifier');
			if (item.quantities[q] === undefined) item.quantities[q] = num(s, 2, 'quantity');
		}
	}
	if (!items.length) throw new X12ParseError('846 has no LIN item', { position: tx.position, segmentId: 'ST' });
	for (const it of items) {
		const qOn = onHandQ.find((q) => it.quantities[q] !== undefined);
		if (!qOn) {
			throw new X12ParseError(
				`${it.sku} has no QTY with qualifier ${onHandQ.join(' or ')} (quantity on hand); it has ${Object.keys(it.quantities).join(', ') || 'no QTY'}`,
				{ position: it.seg.position, segmentId: 'LIN' },
			);
		}
		const onHand = it.quantities[qOn];
		if (!Number.isInteger(onHand) || onHand < 0) {
			throw new X12ParseError(`${it.sku}: QTY ${qOn} on hand must be a whole number >= 0, got ${onHand}`, { position: it.seg.position, segmentId: 'LIN' });
		}
		const qAv = availQ.find((q) => it.quantities[q] !== undefined);
		advice.items.push({ sku: it.sku, onHand, ...(qAv ? { available: it.quantities[qAv] } : {}), quantities: it.quantities, ids: it.ids });
	}
	return advice;
}

export function levelsOf846(a: InventoryAdvice): InventoryLevel[] {
	return a.items.map((i) => ({ sku: i.sku, location: a.location, onHand: i.onHand, ...(i.available !== undefined ? { available: i.available } : {}) }));
}

/** One 846 per location (the warehouse side, for tests and sandboxes) */
export function write846(levels: InventoryLevel[], opts: { reference: string; date: string }): OutgoingSet {
	const location = levels[0]?.location ?? 'default';
	if (levels.some((l) => l.location !== location)) throw new Error('write846: one location per 846');
	const segs: OutSegment[] = [['BIA', '00', 'MM', opts.reference, dateOf(opts.date)], ['N1', 'WH', location, '92', location]];
	for (const l of levels) {
		segs.push(['LIN', null, 'SK', l.sku]);
		segs.push(['QTY', '17', l.onHand, 'EA']);
		if (l.available !== undefined) segs.push(['QTY', '33', l.available, 'EA']);
	}
	return { setId: '846', segments: segs };
}

