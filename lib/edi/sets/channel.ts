/**
 * The retailer-side sets: 850 Purchase Order (the retailer sends; read into a canonical order with the retailer as
 * its channel), and what the OMS sends back: 855 PO Acknowledgment, 856 Ship Notice/Manifest (ASN), 810 Invoice.
 * Each has a reader and a writer; read(write(x)) gives x back (the round-trip tests).
 */
import type { Address, CanonicalOrder, ShippingLevel, WmsShipment } from '../../order/types';
import { fromMinor, isValidCurrency, toMinor } from '../../order/money';
import { normalizeEmail } from '../../order/address';
import { validateOrder } from '../../order/validate';
import { dateOf, EdiBuildError, timeOf, type OutgoingSet, type OutSegment } from '../envelope';
import { count, el, need, num, ref, x12Date, X12ParseError, type FunctionalGroup, type Interchange, type Segment, type TransactionSet } from '../x12';
import { addressOf, idPairs, newParty, partyDetail, partySegments, skuOf, type Party } from './common';

// ---------------------------------------------------------------- 850

/** BEG01 transaction set purpose codes (X12 element 353) this package reads */
export const PO_PURPOSE: Record<string, string> = {
	'00': 'original',
	'01': 'cancellation',
	'04': 'change',
	'05': 'replace',
	'06': 'confirmation',
	'07': 'duplicate',
};

export interface Read850Options {
	/** The channel the order is recorded under (the retailer), e.g. `edi-acme`: omsId is `${channel}:${BEG03}` */
	channel: string;
	/** When the 850 has no CUR segment; refused when neither is there */
	defaultCurrency?: string | null;
	/** When an N4 has no country */
	defaultCountry?: string | null;
}

/** SAC amounts and TDS are N2: two implied decimals */
function n2(seg: Segment, n: number, what: string): number {
	const v = need(seg, n, what);
	if (!/^-?\d+$/.test(v)) throw new X12ParseError(`${seg.id}${String(n).padStart(2, '0')} must be a whole number of cents (N2), got '${v}'`, { position: seg.position, segmentId: seg.id, element: n });
	return Number(v) / 100;
}
function cents(amount: number, currency: string, what: string): number {
	const minor = toMinor(amount, currency);
	if (toMinor(1, currency) !== 100) throw new EdiBuildError(`${what}: X12 N2 amounts carry 2 decimals; ${currency} has not 2`);
	return minor;
}

/**
 * The currency of a document: CUR02 (or the configured default when there is no CUR), refused at its segment when it
 * is not an active ISO 4217 code, so a partner's odd CUR is rejected in the 997 instead of failing the reader.
 */
function currencyAt(seg: Segment, n: number, code: string, what: string): string {
	const c = code.trim().toUpperCase();
	if (!isValidCurrency(c)) {
		throw new X12ParseError(`${what} '${code}' is not an ISO 4217 currency code (e.g. USD)`, { position: seg.position, segmentId: seg.id, element: n });
	}
	return c;
}

/** An amount read from element n of a segment, in integer minor units of `currency`; refused there when not exact. */
function minorAt(seg: Segment, n: number, amount: number, currency: string, what: string): number {
	let minor: number | null = null;
	try {
		minor = toMinor(amount, currency);
	} catch {
		// not finite, or past 2^53 minor units
	}
	if (minor === null || !Number.isSafeInteger(minor)) {
		throw new X12ParseError(`${ref(seg.id, n)} ${what} ${el(seg, n) || String(amount)} is too large to be handled exactly`, { position: seg.position, segmentId: seg.id, element: n });
	}
	return minor;
}

/** a + b in minor units, refused at `seg` (element n) when the sum leaves the exact range */
function addAt(seg: Segment, n: number, a: number, b: number, what: string): number {
	const sum = a + b;
	if (!Number.isSafeInteger(sum)) {
		throw new X12ParseError(`${ref(seg.id, n)} ${what} brings the total past what can be handled exactly`, { position: seg.position, segmentId: seg.id, element: n });
	}
	return sum;
}

export function read850(tx: TransactionSet, ctx: { interchange: Interchange; group: FunctionalGroup }, opts: Read850Options): CanonicalOrder {
	if (!opts.channel || !/^[a-z0-9][a-z0-9_.-]*$/i.test(opts.channel)) throw new Error(`850: the channel name must be letters, digits, '-', '_' or '.', got '${opts.channel}'`);
	const beg = tx.segments[0];
	if (beg?.id !== 'BEG') throw new X12ParseError(`BEG (beginning segment for purchase order) must follow ST in an 850${beg ? `, found ${beg.id}` : ''}`, { position: beg?.position ?? tx.position + 1, segmentId: beg?.id ?? null });
	const purposeCode = need(beg, 1, 'transaction set purpose code');
	const purpose = PO_PURPOSE[purposeCode];
	if (!purpose) throw new X12ParseError(`BEG01 purpose code '${purposeCode}' is not one of ${Object.keys(PO_PURPOSE).join(', ')}`, { position: beg.position, segmentId: 'BEG', element: 1 });
	const po = need(beg, 3, 'purchase order number');
	const placedAt = x12Date(beg, 5);
	let currency: string | null = null;
	let shipBy: string | null = null;
	let routing: string | null = null;
	const parties: Party[] = [];
	let party: Party | null = null;
	let headerEmail: string | null = null;
	let headerPhone: string | null = null;
	// header charges, allowances and taxes with the segment and element each came from (converted once the
	// currency is known, which CUR may give after them)
	const amounts: Array<{ kind: 'shipping' | 'discount' | 'tax'; seg: Segment; n: number; amount: number }> = [];
	interface Line {
		seg: Segment;
		lineId: string;
		sku: string;
		title: string | null;
		quantity: number;
		unitPrice: number;
	}
	const lines: Line[] = [];
	let line: Line | null = null;
	let ctt: Segment | null = null;
	const amts: Segment[] = [];
	for (const s of tx.segments.slice(1)) {
		if (s.id === 'N1') {
			party = newParty(s);
			parties.push(party);
			continue;
		}
		if (!line && party && partyDetail(party, s)) continue;
		switch (s.id) {
			case 'CUR':
				currency = currencyAt(s, 2, need(s, 2, 'currency code'), 'CUR02 currency');
				break;
			case 'PER':
				for (let i = 3; i <= 7; i += 2) {
					if (el(s, i) === 'EM') headerEmail = headerEmail ?? el(s, i + 1);
					if (el(s, i) === 'TE') headerPhone = headerPhone ?? el(s, i + 1);
				}
				break;
			case 'DTM':
				if (!line && (el(s, 1) === '010' || el(s, 1) === '038')) shipBy = shipBy ?? x12Date(s, 2);
				break;
			case 'TD5':
				routing = el(s, 5) || routing;
				break;
			case 'SAC': {
				if (line) break;
				const amount = el(s, 5) ? n2(s, 5, 'amount') : 0;
				if (el(s, 1) === 'C' && el(s, 2) === 'D240') amounts.push({ kind: 'shipping', seg: s, n: 5, amount });
				else if (el(s, 1) === 'A') amounts.push({ kind: 'discount', seg: s, n: 5, amount });
				break;
			}
			case 'TXI':
				if (!line) amounts.push({ kind: 'tax', seg: s, n: 2, amount: num(s, 2, 'tax amount') });
				break;
			case 'PO1': {
				party = null;
				const ids = idPairs(s, 6, 25);
				line = {
					seg: s,
					lineId: el(s, 1) || String(lines.length + 1),
					sku: skuOf(s, ids),
					title: null,
					quantity: count(s, 2, 'quantity ordered'),
					unitPrice: num(s, 4, 'unit price'),
				};
				if (line.quantity < 1) throw new X12ParseError(`PO102 quantity must be at least 1, got ${line.quantity}`, { position: s.position, segmentId: 'PO1', element: 2 });
				lines.push(line);
				break;
			}
			case 'PID':
				if (line && !line.title) line.title = el(s, 5) || null;
				break;
			case 'CTT':
				ctt = s;
				line = null;
				break;
			case 'AMT':
				amts.push(s);
				break;
			default:
				break;
		}
	}
	if (!lines.length) throw new X12ParseError(`850 ${po} has no PO1 line items`, { position: tx.position, segmentId: 'ST' });
	if (ctt) {
		const n = count(ctt, 1, 'number of line items');
		if (n !== lines.length) throw new X12ParseError(`CTT01 line count ${n} does not match ${lines.length} PO1 segments`, { position: ctt.position, segmentId: 'CTT', element: 1 });
	}
	if (!currency && opts.defaultCurrency) currency = currencyAt(beg, 3, opts.defaultCurrency, `850 ${po} has no CUR segment, and the default currency`);
	if (!currency) throw new X12ParseError(`850 ${po} has no CUR segment and no default currency is set`, { position: beg.position, segmentId: 'BEG' });
	const cur = currency;
	let subtotalMinor = 0;
	const orderLines = lines.map((l) => {
		const unit = minorAt(l.seg, 4, l.unitPrice, cur, 'unit price');
		const lineTotal = unit * l.quantity;
		if (!Number.isSafeInteger(lineTotal)) {
			throw new X12ParseError(`PO102 quantity ${l.quantity} times PO104 unit price ${el(l.seg, 4)} is too large to be handled exactly`, { position: l.seg.position, segmentId: 'PO1', element: 2 });
		}
		subtotalMinor = addAt(l.seg, 4, subtotalMinor, lineTotal, 'line amount');
		return { lineId: l.lineId, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: fromMinor(unit, cur), lineTotal: fromMinor(lineTotal, cur) };
	});
	const sums = { shipping: 0, discount: 0, tax: 0 };
	for (const a of amounts) sums[a.kind] = addAt(a.seg, a.n, sums[a.kind], minorAt(a.seg, a.n, a.amount, cur, a.kind), a.kind);
	let totalMinor = subtotalMinor;
	for (const a of amounts) totalMinor = addAt(a.seg, a.n, totalMinor, a.kind === 'discount' ? -minorAt(a.seg, a.n, a.amount, cur, a.kind) : minorAt(a.seg, a.n, a.amount, cur, a.kind), a.kind);
	const subtotal = fromMinor(subtotalMinor, cur);
	const shipping = fromMinor(sums.shipping, cur);
	const discount = fromMinor(sums.discount, cur);
	const tax = fromMinor(sums.tax, cur);
	const total = fromMinor(totalMinor, cur);
	for (const a of amts) {
		const q = el(a, 1);
		const v = num(a, 2, 'amount');
		const want = q === '1' ? subtotalMinor : q === 'TT' ? totalMinor : null;
		if (want !== null && minorAt(a, 2, v, cur, 'amount') !== want) {
			throw new X12ParseError(`AMT02 ${q === '1' ? 'line item total' : 'total transaction amount'} ${v} does not match the PO1 lines, which come to ${fromMinor(want, cur)}`, { position: a.position, segmentId: 'AMT', element: 2 });
		}
	}
	const find = (e: string) => parties.find((p) => p.entity === e);
	const st = find('ST');
	const bt = find('BT');
	const by = find('BY');
	const hasAddress = (p: Party | undefined) => !!p && (p.line1 !== null || p.city !== null || p.country !== null);
	const emailRaw = headerEmail ?? st?.email ?? by?.email ?? null;
	const updatedAt = purposeCode === '00' ? placedAt : groupTime(ctx.group, placedAt);
	const order: CanonicalOrder = {
		omsId: `${opts.channel}:${po}`,
		channel: opts.channel,
		channelOrderId: po,
		orderNumber: po,
		placedAt,
		updatedAt,
		channelStatus: purpose,
		readiness: purposeCode === '01' ? 'cancelled' : 'ready',
		currency: cur,
		totals: { subtotal, shipping, tax, discount, total },
		customer: {
			email: emailRaw ? normalizeEmail(emailRaw) : null,
			name: by?.name ?? st?.name ?? null,
			phone: headerPhone ?? st?.phone ?? null,
			channelCustomerId: by?.id ?? ctx.interchange.header.senderId,
		},
		shipTo: hasAddress(st) ? addressOf(st!, opts.defaultCountry ?? null) : null,
		billTo: hasAddress(bt) ? addressOf(bt!, opts.defaultCountry ?? null) : null,
		shipping: routing ? { level: 'other' as ShippingLevel, label: routing } : { level: 'standard', label: null },
		lines: orderLines,
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
		...(shipBy ? { shipBy } : {}),
		raw: {
			x12: {
				set: '850',
				interchangeControl: ctx.interchange.header.controlNumber,
				groupControl: ctx.group.controlNumber,
				setControl: tx.controlNumber,
				sender: `${ctx.interchange.header.senderQualifier}/${ctx.interchange.header.senderId}`,
				receiver: `${ctx.interchange.header.receiverQualifier}/${ctx.interchange.header.receiverId}`,
				segments: tx.segments.map((s) => [s.id, ...s.elements]),
			},
		},
	};
	const problems = validateOrder(order);
	if (problems.length) {
		throw new X12ParseError(`850 ${po} does not make a valid order: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, { position: beg.position, segmentId: 'BEG' });
	}
	return order;
}

function groupTime(g: FunctionalGroup, floor: string): string {
	const d = g.date;
	const t = (g.time + '00').slice(0, 6);
	const iso = /^\d{8}$/.test(d) && /^\d{6}$/.test(t) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}.000Z` : floor;
	return Number.isNaN(Date.parse(iso)) || iso < floor ? floor : iso;
}

/** An 850 from a canonical order (the retailer side: tests and sandboxes) */
export function write850(order: CanonicalOrder): OutgoingSet {
	const cur = order.currency;
	const segs: OutSegment[] = [['BEG', '00', 'SA', order.channelOrderId, null, dateOf(order.placedAt)], ['CUR', 'BY', cur]];
	if (order.customer.email || order.customer.phone) {
		segs.push(order.customer.phone ? ['PER', 'BD', order.customer.name, 'TE', order.customer.phone, order.customer.email ? 'EM' : null, order.customer.email] : ['PER', 'BD', order.customer.name, 'EM', order.customer.email]);
	}
	if (order.shipBy) segs.push(['DTM', '010', dateOf(order.shipBy)]);
	if (order.shipping.level !== 'standard' || order.shipping.label) segs.push(['TD5', null, null, null, null, order.shipping.label ?? order.shipping.level]);
	if (order.totals.shipping) segs.push(['SAC', 'C', 'D240', null, null, cents(order.totals.shipping, cur, '850 SAC')]);
	if (order.totals.discount) segs.push(['SAC', 'A', 'C310', null, null, cents(order.totals.discount, cur, '850 SAC')]);
	if (order.totals.tax) segs.push(['TXI', 'TX', order.totals.tax]);
	if (order.customer.name || order.customer.channelCustomerId) segs.push(['N1', 'BY', order.customer.name, order.customer.channelCustomerId ? '92' : null, order.customer.channelCustomerId]);
	if (order.shipTo) segs.push(...partySegments('ST', order.shipTo));
	if (order.billTo) segs.push(...partySegments('BT', order.billTo));
	for (const l of order.lines) {
		segs.push(['PO1', l.lineId, l.quantity, 'EA', l.unitPrice, null, 'VN', l.sku]);
		if (l.title) segs.push(['PID', 'F', null, null, null, l.title]);
	}
	segs.push(['CTT', order.lines.length]);
	segs.push(['AMT', 'TT', order.totals.total]);
	return { setId: '850', segments: segs };
}

// ---------------------------------------------------------------- 855

/** BAK02 acknowledgment types this package writes (X12 element 587) */
export const ACK_TYPES = { AD: 'acknowledged, no change', AC: 'acknowledged with changes', RJ: 'rejected' } as const;
export type AckType = keyof typeof ACK_TYPES;
/** ACK01 line item status codes (X12 element 668) */
export type LineStatus = 'IA' | 'IB' | 'IR';

export interface PoAck {
	purpose: string;
	ackType: string;
	poNumber: string;
	poDate: string;
	ackDate: string | null;
	lines: Array<{ lineId: string; sku: string; quantity: number; unitPrice: number; acks: Array<{ status: string; quantity: number }> }>;
}

/**
 * The 855 for an order: every line accepted (IA), or with the order's allocation annotation, accepted for what is
 * allocated and backordered (IB) for the rest; `reject` rejects every line (IR).
 */
export function poAckOf(order: CanonicalOrder, opts: { reject?: boolean; date: string }): PoAck {
	const alloc = new Map<string, { allocated: number; backordered: number }>();
	for (const a of order.allocation?.lines ?? []) {
		const prev = alloc.get(a.sku) ?? { allocated: 0, backordered: 0 };
		alloc.set(a.sku, { allocated: prev.allocated + Number(a.allocated ?? 0), backordered: prev.backordered + Number(a.backordered ?? 0) });
	}
	let changed = false;
	const lines = order.lines.map((l) => {
		let acks: Array<{ status: string; quantity: number }>;
		if (opts.reject) acks = [{ status: 'IR', quantity: l.quantity }];
		else {
			const a = alloc.get(l.sku);
			if (a && a.backordered > 0) {
				const take = Math.min(l.quantity, a.allocated);
				a.allocated -= take;
				acks = [...(take ? [{ status: 'IA', quantity: take }] : []), { status: 'IB', quantity: l.quantity - take }];
				changed = true;
			} else acks = [{ status: 'IA', quantity: l.quantity }];
		}
		return { lineId: l.lineId, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, acks };
	});
	return { purpose: '00', ackType: opts.reject ? 'RJ' : changed ? 'AC' : 'AD', poNumber: order.channelOrderId, poDate: `${order.placedAt.slice(0, 10)}T00:00:00.000Z`, ackDate: `${opts.date.slice(0, 10)}T00:00:00.000Z`, lines };
}

export function write855(a: PoAck): OutgoingSet {
	const segs: OutSegment[] = [['BAK', a.purpose, a.ackType, a.poNumber, dateOf(a.poDate), null, null, null, null, a.ackDate ? dateOf(a.ackDate) : null]];
	for (const l of a.lines) {
		segs.push(['PO1', l.lineId, l.quantity, 'EA', l.unitPrice, null, 'VN', l.sku]);
		for (const k of l.acks) segs.push(['ACK', k.status, k.quantity, 'EA']);
	}
	segs.push(['CTT', a.lines.length, a.lines.reduce((s, l) => s + l.quantity, 0)]);
	return { setId: '855', segments: segs };
}

export function read855(tx: TransactionSet): PoAck {
	const bak = tx.segments[0];
	if (bak?.id !== 'BAK') throw new X12ParseError(`BAK (beginning segment for PO acknowledgment) must follow ST in an 855${bak ? `, found ${bak.id}` : ''}`, { position: bak?.position ?? tx.position + 1, segmentId: bak?.id ?? null });
	const a: PoAck = {
		purpose: need(bak, 1, 'transaction set purpose code'),
		ackType: need(bak, 2, 'acknowledgment type'),
		poNumber: need(bak, 3, 'purchase order number'),
		poDate: x12Date(bak, 4),
		ackDate: el(bak, 9) ? x12Date(bak, 9) : null,
		lines: [],
	};
	let ctt: Segment | null = null;
	for (const s of tx.segments.slice(1)) {
		if (s.id === 'PO1') a.lines.push({ lineId: el(s, 1) || String(a.lines.length + 1), sku: skuOf(s, idPairs(s, 6, 25)), quantity: count(s, 2, 'quantity ordered'), unitPrice: el(s, 4) ? num(s, 4) : 0, acks: [] });
		else if (s.id === 'ACK') {
			const l = a.lines[a.lines.length - 1];
			if (!l) throw new X12ParseError('ACK before any PO1', { position: s.position, segmentId: 'ACK' });
			l.acks.push({ status: need(s, 1, 'line item status code'), quantity: el(s, 2) ? num(s, 2) : 0 });
		} else if (s.id === 'CTT') ctt = s;
	}
	if (ctt && count(ctt, 1) !== a.lines.length) throw new X12ParseError(`CTT01 line count ${el(ctt, 1)} does not match ${a.lines.length} PO1 segments`, { position: ctt.position, segmentId: 'CTT', element: 1 });
	return a;
}

// ---------------------------------------------------------------- 856

export interface ShipNotice {
	shipmentId: string;
	shippedAt: string;
	carrier: string | null;
	poNumber: string;
	shipTo: Address | null;
	packages: Array<{ trackingNumber: string | null; lines: Array<{ lineId: string | null; sku: string; quantity: number }> }>;
}

/** The ASN for shipped packages of an order (from the store's shipments or the order's wms annotation) */
export function shipNoticeOf(order: CanonicalOrder, shipments: WmsShipment[], opts: { shipmentId?: string } = {}): ShipNotice {
	if (!shipments.length) throw new Error(`${order.omsId} has no shipments yet: an 856 needs what was shipped (run the WMS updates first)`);
	const shippedAt = shipments.map((s) => s.shippedAt).filter((x): x is string => !!x).sort().pop() ?? new Date().toISOString();
	return {
		shipmentId: opts.shipmentId ?? shipments[0].packageKey ?? order.channelOrderId,
		shippedAt: shippedAt.slice(0, 16) + ':00.000Z',
		carrier: shipments.find((s) => s.carrier)?.carrier ?? null,
		poNumber: order.channelOrderId,
		shipTo: order.shipTo,
		packages: shipments.map((s) => ({ trackingNumber: s.trackingNumber, lines: s.lines.map((l) => ({ lineId: l.lineId ?? null, sku: l.sku, quantity: l.quantity })) })),
	};
}

export function write856(n: ShipNotice): OutgoingSet {
	const segs: OutSegment[] = [['BSN', '00', n.shipmentId, dateOf(n.shippedAt), timeOf(n.shippedAt), '0001']];
	let hl = 0;
	const s = ++hl;
	segs.push(['HL', s, null, 'S']);
	if (n.carrier) segs.push(['TD5', 'B', '2', n.carrier]);
	segs.push(['DTM', '011', dateOf(n.shippedAt), timeOf(n.shippedAt)]);
	if (n.shipTo) segs.push(...partySegments('ST', n.shipTo));
	const o = ++hl;
	segs.push(['HL', o, s, 'O']);
	segs.push(['PRF', n.poNumber]);
	for (const p of n.packages) {
		const pk = ++hl;
		segs.push(['HL', pk, o, 'P']);
		if (p.trackingNumber) segs.push(['MAN', 'CP', p.trackingNumber]);
		for (const l of p.lines) {
			segs.push(['HL', ++hl, pk, 'I']);
			segs.push(['LIN', l.lineId, 'VN', l.sku]);
			segs.push(['SN1', l.lineId, l.quantity, 'EA']);
		}
	}
	segs.push(['CTT', hl]);
	return { setId: '856', segments: segs };
}

export function read856(tx: TransactionSet, opts: { defaultCountry?: string | null } = {}): ShipNotice {
	const bsn = tx.segments[0];
	if (bsn?.id !== 'BSN') throw new X12ParseError(`BSN (beginning segment for ship notice) must follow ST in an 856${bsn ? `, found ${bsn.id}` : ''}`, { position: bsn?.position ?? tx.position + 1, segmentId: bsn?.id ?? null });
	const n: ShipNotice = { shipmentId: need(bsn, 2, 'shipment identification'), shippedAt: x12Date(bsn, 3, 4), carrier: null, poNumber: '', shipTo: null, packages: [] };
	const levels = new Map<string, { code: string; parent: string | null; pkg: ShipNotice['packages'][number] | null }>();
	let level: { code: string; parent: string | null; pkg: ShipNotice['packages'][number] | null } | null = null;
	let item: { lineId: string | null; sku: string; quantity: number } | null = null;
	let party: Party | null = null;
	const parties: Party[] = [];
	let hls = 0;
	let ctt: Segment | null = null;
	const packageOf = (id: string | null): ShipNotice['packages'][number] => {
		// the nearest packaging (P or T) level above, else one package for the order's loose items
		for (let cur = id; cur; cur = levels.get(cur)?.parent ?? null) {
			const l = levels.get(cur);
			if (l?.pkg) return l.pkg;
		}
		let loose = n.packages.find((p) => p.trackingNumber === null && (p as { loose?: boolean }).loose);
		if (!loose) {
			loose = { trackingNumber: null, lines: [] };
			Object.defineProperty(loose, 'loose', { value: true, enumerable: false });
			n.packages.push(loose);
		}
		return loose;
	};
	for (const s of tx.segments.slice(1)) {
		if (s.id === 'HL') {
			hls++;
			const id = need(s, 1, 'hierarchical ID number');
			const code = need(s, 3, 'hierarchical level code');
			const parent = el(s, 2) || null;
			if (parent && !levels.has(parent)) throw new X12ParseError(`HL02 parent ${parent} is not an earlier HL`, { position: s.position, segmentId: 'HL', element: 2 });
			level = { code, parent, pkg: code === 'P' || code === 'T' ? { trackingNumber: null, lines: [] } : null };
			if (level.pkg) n.packages.push(level.pkg);
			levels.set(id, level);
			item = null;
			party = null;
			if (code === 'I') {
				item = { lineId: null, sku: '', quantity: 0 };
				const pkg = packageOf(parent);
				pkg.lines.push(item);
				(item as { seg?: Segment }).seg = s;
			}
			continue;
		}
		if (s.id === 'N1') {
			party = newParty(s);
			parties.push(party);
			continue;
		}
		if (party && partyDetail(party, s)) continue;
		switch (s.id) {
			case 'TD5':
				if (el(s, 2) === '2') n.carrier = n.carrier ?? (el(s, 3) || null);
				break;
			case 'PRF':
				n.poNumber = n.poNumber || need(s, 1, 'purchase order number');
				break;
			case 'MAN':
				if (el(s, 1) === 'CP' && level?.pkg) level.pkg.trackingNumber = need(s, 2, 'carrier-assigned package ID');
				break;
			case 'LIN':
				if (item) {
					item.lineId = el(s, 1) || item.lineId;
					item.sku = skuOf(s, idPairs(s, 2, 31));
				}
				break;
			case 'SN1':
				if (item) {
					item.lineId = item.lineId ?? (el(s, 1) || null);
					item.quantity = num(s, 2, 'number of units shipped');
				}
				break;
			case 'CTT':
				ctt = s;
				break;
			default:
				break;
		}
	}
	if (!n.poNumber) throw new X12ParseError('856 has no PRF (purchase order reference)', { position: bsn.position, segmentId: 'BSN' });
	if (ctt && count(ctt, 1) !== hls) throw new X12ParseError(`CTT01 count ${el(ctt, 1)} does not match ${hls} HL segments`, { position: ctt.position, segmentId: 'CTT', element: 1 });
	for (const p of n.packages) for (const l of p.lines) {
		const seg = (l as { seg?: Segment }).seg;
		if (!l.sku) throw new X12ParseError('HL item level without a LIN product ID', { position: seg?.position ?? bsn.position, segmentId: 'HL' });
		delete (l as { seg?: Segment }).seg;
	}
	n.packages = n.packages.filter((p) => p.lines.length);
	const st = parties.find((p) => p.entity === 'ST');
	if (st) n.shipTo = addressOf(st, opts.defaultCountry ?? null);
	return n;
}

// ---------------------------------------------------------------- 810

export interface Invoice {
	invoiceNumber: string;
	invoiceDate: string;
	poNumber: string;
	poDate: string | null;
	currency: string;
	lines: Array<{ lineId: string; sku: string; title: string | null; quantity: number; unitPrice: number }>;
	shipping: number;
	tax: number;
	discount: number;
	total: number;
}

/** The invoice for an order: its lines and totals (the shipped quantities when `shipped` is given) */
export function invoiceOf(order: CanonicalOrder, opts: { invoiceNumber: string; date: string; shipped?: Array<{ sku: string; quantity: number }> }): Invoice {
	const cur = order.currency;
	let lines = order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice }));
	if (opts.shipped) {
		const left = new Map<string, number>();
		for (const s of opts.shipped) left.set(s.sku, (left.get(s.sku) ?? 0) + s.quantity);
		lines = lines
			.map((l) => {
				const q = Math.min(l.quantity, left.get(l.sku) ?? 0);
				left.set(l.sku, (left.get(l.sku) ?? 0) - q);
				return { ...l, quantity: q };
			})
			.filter((l) => l.quantity > 0);
		if (!lines.length) throw new Error(`${order.omsId}: nothing shipped to invoice`);
	}
	const sub = lines.reduce((s, l) => s + toMinor(l.unitPrice, cur) * l.quantity, 0);
	const total = fromMinor(sub + toMinor(order.totals.shipping, cur) + toMinor(order.totals.tax, cur) - toMinor(order.totals.discount, cur), cur);
	return {
		invoiceNumber: opts.invoiceNumber,
		invoiceDate: `${opts.date.slice(0, 10)}T00:00:00.000Z`,
		poNumber: order.channelOrderId,
		poDate: `${order.placedAt.slice(0, 10)}T00:00:00.000Z`,
		currency: cur,
		lines,
		shipping: order.totals.shipping,
		tax: order.totals.tax,
		discount: order.totals.discount,
		total,
	};
}

export function write810(inv: Invoice): OutgoingSet {
	const cur = inv.currency;
	const segs: OutSegment[] = [['BIG', dateOf(inv.invoiceDate), inv.invoiceNumber, inv.poDate ? dateOf(inv.poDate) : null, inv.poNumber], ['CUR', 'SE', cur]];
	for (const l of inv.lines) {
		segs.push(['IT1', l.lineId, l.quantity, 'EA', l.unitPrice, null, 'VN', l.sku]);
		if (l.title) segs.push(['PID', 'F', null, null, null, l.title]);
	}
	segs.push(['TDS', cents(inv.total, cur, '810 TDS')]);
	if (inv.tax) segs.push(['TXI', 'TX', inv.tax]);
	if (inv.shipping) segs.push(['SAC', 'C', 'D240', null, null, cents(inv.shipping, cur, '810 SAC')]);
	if (inv.discount) segs.push(['SAC', 'A', 'C310', null, null, cents(inv.discount, cur, '810 SAC')]);
	segs.push(['CTT', inv.lines.length]);
	return { setId: '810', segments: segs };
}

export function read810(tx: TransactionSet, opts: { defaultCurrency?: string | null } = {}): Invoice {
	const big = tx.segments[0];
	if (big?.id !== 'BIG') throw new X12ParseError(`BIG (beginning segment for invoice) must follow ST in an 810${big ? `, found ${big.id}` : ''}`, { position: big?.position ?? tx.position + 1, segmentId: big?.id ?? null });
	const inv: Invoice = {
		invoiceNumber: need(big, 2, 'invoice number'),
		invoiceDate: x12Date(big, 1),
		poNumber: el(big, 4),
		poDate: el(big, 3) ? x12Date(big, 3) : null,
		currency: opts.defaultCurrency ?? '',
		lines: [],
		shipping: 0,
		tax: 0,
		discount: 0,
		total: 0,
	};
	let tds: Segment | null = null;
	let ctt: Segment | null = null;
	let last: Invoice['lines'][number] | null = null;
	for (const s of tx.segments.slice(1)) {
		switch (s.id) {
			case 'CUR':
				inv.currency = currencyAt(s, 2, need(s, 2, 'currency code'), 'CUR02 currency');
				break;
			case 'IT1':
				last = { lineId: el(s, 1) || String(inv.lines.length + 1), sku: skuOf(s, idPairs(s, 6, 25)), title: null, quantity: num(s, 2, 'quantity invoiced'), unitPrice: num(s, 4, 'unit price') };
				inv.lines.push(last);
				break;
			case 'PID':
				if (last && !last.title) last.title = el(s, 5) || null;
				break;
			case 'TDS':
				tds = s;
				last = null;
				break;
			case 'TXI':
				inv.tax += num(s, 2, 'tax amount');
				break;
			case 'SAC': {
				// header, line and summary charges (C) and allowances (A) all count toward TDS
				const amount = el(s, 5) ? n2(s, 5, 'amount') : 0;
				if (el(s, 1) === 'C') inv.shipping += amount;
				else if (el(s, 1) === 'A') inv.discount += amount;
				break;
			}
			case 'CTT':
				ctt = s;
				break;
			default:
				break;
		}
	}
	if (!inv.currency) throw new X12ParseError(`810 ${inv.invoiceNumber} has no CUR segment and no default currency is set`, { position: big.position, segmentId: 'BIG' });
	if (!tds) throw new X12ParseError(`TDS (total monetary value summary) missing in 810 ${inv.invoiceNumber}`, { position: tx.position, segmentId: 'ST' });
	if (!tx.segments.some((x) => x.id === 'CUR')) inv.currency = currencyAt(big, 1, inv.currency, `810 ${inv.invoiceNumber} has no CUR segment, and the default currency`);
	inv.total = n2(tds, 1, 'total invoice amount');
	const cur = inv.currency;
	let want = 0;
	for (const s of tx.segments) {
		if (s.id !== 'IT1') continue;
		const unit = minorAt(s, 4, num(s, 4, 'unit price'), cur, 'unit price');
		const line = unit * num(s, 2, 'quantity invoiced');
		if (!Number.isSafeInteger(line)) {
			throw new X12ParseError(`IT102 quantity times IT104 unit price is not a whole amount that can be handled exactly`, { position: s.position, segmentId: 'IT1', element: 2 });
		}
		want = addAt(s, 4, want, line, 'line amount');
	}
	const charges = minorAt(tds, 1, inv.shipping, cur, 'charges') + minorAt(tds, 1, inv.tax, cur, 'tax') - minorAt(tds, 1, inv.discount, cur, 'allowances');
	want = addAt(tds, 1, want, charges, 'charges');
	if (minorAt(tds, 1, inv.total, cur, 'total invoice amount') !== want) {
		throw new X12ParseError(`TDS01 total ${inv.total} does not match the IT1 lines and charges, which come to ${fromMinor(want, cur)}`, { position: tds.position, segmentId: 'TDS', element: 1 });
	}
	if (ctt && count(ctt, 1) !== inv.lines.length) throw new X12ParseError(`CTT01 line count ${el(ctt, 1)} does not match ${inv.lines.length} IT1 segments`, { position: ctt.position, segmentId: 'CTT', element: 1 });
	return inv;
}
