/**
 * What several transaction sets share: product IDs in qualifier/ID pairs, the N1 party loop (name, address,
 * contact), and the SKU rule.
 */
import type { Address } from '../../order/types';
import { normalizeCountry } from '../../order/address';
import type { OutSegment } from '../envelope';
import { el, X12ParseError, type Segment } from '../x12';

/**
 * Product/service ID qualifiers (X12 element 235) this package reads, in the order a SKU is taken from them:
 * SK stock keeping unit, VN vendor's item number, BP buyer's part number, IN buyer's item number, MG manufacturer's
 * part number, UP UPC, UK GTIN-14, EN EAN-13, CB buyer's catalog number. An ID under another qualifier is kept in `ids` but never taken as SKU.
 */
export const SKU_QUALIFIERS = ['SK', 'VN', 'BP', 'IN', 'MG', 'UP', 'UK', 'EN', 'CB'] as const;
/** Other qualifiers recognised in pairs (kept in ids) */
const OTHER_QUALIFIERS = ['PI', 'PN', 'MF', 'EC', 'UA', 'UC', 'ND', 'A3', 'B6', 'B3', 'B4', 'PR', 'RO', 'ZZ', 'LT', 'GS'];
export const QUALIFIERS = new Set<string>([...SKU_QUALIFIERS, ...OTHER_QUALIFIERS]);

/** The qualifier/ID pairs of a segment from element `from` to `to` (1-based, inclusive), e.g. PO106..PO125 */
export function idPairs(seg: Segment, from: number, to: number): Record<string, string> {
	const ids: Record<string, string> = {};
	for (let i = from; i < to; i += 2) {
		const q = el(seg, i);
		const v = el(seg, i + 1);
		if (q && v && ids[q] === undefined) ids[q] = v;
	}
	return ids;
}

/** The SKU from product IDs (first qualifier of SKU_QUALIFIERS present), or a refusal naming the segment */
export function skuOf(seg: Segment, ids: Record<string, string>, preferred?: string | null): string {
	if (preferred) return preferred;
	for (const q of SKU_QUALIFIERS) if (ids[q]) return ids[q].trim();
	const got = Object.keys(ids);
	throw new X12ParseError(
		`${seg.id} has no product ID under ${SKU_QUALIFIERS.join(', ')}${got.length ? ` (found ${got.join(', ')})` : ''}; cannot tell the SKU`,
		{ position: seg.position, segmentId: seg.id },
	);
}

export interface Party {
	entity: string;
	name: string | null;
	idQualifier: string | null;
	id: string | null;
	company: string | null;
	line1: string | null;
	line2: string | null;
	city: string | null;
	region: string | null;
	postalCode: string | null;
	country: string | null;
	phone: string | null;
	email: string | null;
	contactName: string | null;
	position: number;
}

export function newParty(seg: Segment): Party {
	return {
		entity: el(seg, 1),
		name: el(seg, 2) || null,
		idQualifier: el(seg, 3) || null,
		id: el(seg, 4) || null,
		company: null,
		line1: null,
		line2: null,
		city: null,
		region: null,
		postalCode: null,
		country: null,
		phone: null,
		email: null,
		contactName: null,
		position: seg.position,
	};
}

/** Apply N2/N3/N4/PER to the current party; false when the segment is not one of them */
export function partyDetail(party: Party | null, seg: Segment): boolean {
	if (!['N2', 'N3', 'N4', 'PER'].includes(seg.id)) return false;
	if (!party) throw new X12ParseError(`${seg.id} without an N1 before it`, { position: seg.position, segmentId: seg.id });
	if (seg.id === 'N2') party.company = el(seg, 1) || null;
	else if (seg.id === 'N3') {
		if (party.line1 === null) {
			party.line1 = el(seg, 1) || null;
			party.line2 = el(seg, 2) || null;
		} else party.line2 = [party.line2, el(seg, 1), el(seg, 2)].filter(Boolean).join(', ') || null;
	} else if (seg.id === 'N4') {
		party.city = el(seg, 1) || null;
		party.region = el(seg, 2) || null;
		party.postalCode = el(seg, 3) || null;
		const c = el(seg, 4);
		if (c) {
			const code = normalizeCountry(c);
			if (!code) throw new X12ParseError(`N404 '${c}' is not a country code`, { position: seg.position, segmentId: 'N4', element: 4 });
			party.country = code;
		}
	} else {
		party.contactName = party.contactName ?? (el(seg, 2) || null);
		for (let i = 3; i <= 7; i += 2) {
			const q = el(seg, i);
			const v = el(seg, i + 1);
			if (q === 'TE' && v) party.phone = party.phone ?? v;
			if (q === 'EM' && v) party.email = party.email ?? v;
		}
	}
	return true;
}

/** A party as a canonical address; the country when the N4 has none comes from the caller (never guessed here) */
export function addressOf(p: Party, defaultCountry: string | null): Address {
	const country = p.country ?? defaultCountry;
	if (!country) {
		throw new X12ParseError(`N1 ${p.entity} has no N404 country and no default country is set`, { position: p.position, segmentId: 'N1' });
	}
	return {
		name: p.name,
		company: p.company,
		line1: p.line1,
		line2: p.line2,
		city: p.city,
		region: p.region,
		postalCode: p.postalCode,
		country,
		phone: p.phone,
	};
}

/** N1 loop segments for an address (and optional email) */
export function partySegments(entity: string, a: Address, extra: { email?: string | null; idQualifier?: string; id?: string | null } = {}): OutSegment[] {
	const out: OutSegment[] = [['N1', entity, a.name ?? a.company ?? '', extra.id ? (extra.idQualifier ?? '92') : null, extra.id ?? null]];
	if (a.company && a.name) out.push(['N2', a.company]);
	if (a.line1 || a.line2) out.push(['N3', a.line1 ?? '', a.line2]);
	out.push(['N4', a.city, a.region, a.postalCode, a.country]);
	// PER pairs: phone (TE) then email (EM), without an empty pair in the middle
	const contact = [...(a.phone ? ['TE', a.phone] : []), ...(extra.email ? ['EM', extra.email] : [])];
	if (contact.length) out.push(['PER', 'IC', a.name, ...contact]);
	return out;
}
