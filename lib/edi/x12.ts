/**
 * X12 interchanges: tokenizer and envelope validator. The delimiters are read from the ISA (element separator at
 * position 4, ISA16 the component separator, the character after it the segment terminator, ISA11 the repetition
 * separator from 00501 on), never assumed. Everything that does not add up is refused with an X12ParseError naming
 * the segment (1-based position in the interchange, ISA = 1), its id and the element; nothing is guessed.
 *
 * Tolerated, because it never changes meaning: a UTF-8 byte order mark, line breaks and blanks between segments
 * (after a terminator, whatever it is: `~` then CR LF, or CR LF itself as the terminator, read as CR then a line
 * break), and a missing terminator after the last IEA at the end of the text.
 */

export interface Delimiters {
	element: string;
	segment: string;
	component: string;
	/** ISA11 from 00501 on; null before (ISA11 is then the standards identifier, `U`) */
	repetition: string | null;
}

export interface Segment {
	id: string;
	/** elements[0] is XX01 */
	elements: string[];
	/** 1-based position in the interchange (the ISA is 1) */
	position: number;
}

export interface InterchangeHeader {
	authQualifier: string;
	authInfo: string;
	securityQualifier: string;
	securityInfo: string;
	senderQualifier: string;
	/** ISA06 without its padding */
	senderId: string;
	receiverQualifier: string;
	receiverId: string;
	/** ISA09 YYMMDD and ISA10 HHMM, as sent */
	date: string;
	time: string;
	/** ISA11 as sent */
	standardsId: string;
	/** ISA12, e.g. 00401 or 00501 */
	version: string;
	/** ISA13, 9 digits as sent */
	controlNumber: string;
	/** ISA14 = 1 */
	ackRequested: boolean;
	/** ISA15: P production, T test, I information */
	usage: string;
}

export interface TransactionSet {
	/** ST01, e.g. 850 */
	setId: string;
	/** ST02 */
	controlNumber: string;
	/** ST03 (5010 implementation convention reference), if sent */
	implementationRef: string | null;
	/** Position of the ST in the interchange */
	position: number;
	/** The segments between ST and SE */
	segments: Segment[];
}

export interface FunctionalGroup {
	functionalId: string;
	senderCode: string;
	receiverCode: string;
	date: string;
	time: string;
	/** GS06 as sent */
	controlNumber: string;
	agency: string;
	/** GS08, e.g. 004010 */
	version: string;
	position: number;
	transactions: TransactionSet[];
}

export interface Interchange {
	delimiters: Delimiters;
	header: InterchangeHeader;
	groups: FunctionalGroup[];
	/** Segments in the interchange, ISA to IEA */
	segmentCount: number;
}

/** A malformed interchange or transaction set: where (segment position and id, element) and what. */
export class X12ParseError extends Error {
	readonly position: number | null;
	readonly segmentId: string | null;
	readonly element: number | null;
	readonly detail: string;
	constructor(detail: string, where: { position?: number | null; segmentId?: string | null; element?: number | null } = {}) {
		const at: string[] = [];
		if (where.position != null) at.push(`segment ${where.position}${where.segmentId ? ` (${where.segmentId})` : ''}`);
		else if (where.segmentId) at.push(`segment ${where.segmentId}`);
		if (where.element != null) at.push(`element ${where.element}`);
		super(at.length ? `${detail} at ${at.join(', ')}` : detail);
		this.name = 'X12ParseError';
		this.position = where.position ?? null;
		this.segmentId = where.segmentId ?? null;
		this.element = where.element ?? null;
		this.detail = detail;
	}
}

/** `ISA06`, `SE01`: the X12 reference designator of an element */
export function ref(segmentId: string, element: number): string {
	return `${segmentId}${String(element).padStart(2, '0')}`;
}

/** Element n (1-based) of a segment, '' when absent */
export function el(seg: Segment, n: number): string {
	return seg.elements[n - 1] ?? '';
}

/** Element n, refused when empty */
export function need(seg: Segment, n: number, what?: string): string {
	const v = el(seg, n);
	if (v === '') throw new X12ParseError(`${ref(seg.id, n)} missing${what ? ` (${what})` : ''}`, { position: seg.position, segmentId: seg.id, element: n });
	return v;
}

/** A numeric element (X12 R/N types: optional sign, digits, one decimal point), refused when not a number */
export function num(seg: Segment, n: number, what?: string): number {
	const v = need(seg, n, what);
	if (!/^-?(\d+\.?\d*|\.\d+)$/.test(v)) {
		throw new X12ParseError(`${ref(seg.id, n)} must be a number${what ? ` (${what})` : ''}, got '${v}'`, { position: seg.position, segmentId: seg.id, element: n });
	}
	return Number(v);
}

/** A whole, non-negative quantity */
export function count(seg: Segment, n: number, what?: string): number {
	const v = num(seg, n, what);
	if (!Number.isInteger(v) || v < 0) {
		throw new X12ParseError(`${ref(seg.id, n)} must be a whole number >= 0${what ? ` (${what})` : ''}, got '${el(seg, n)}'`, {
			position: seg.position,
			segmentId: seg.id,
			element: n,
		});
	}
	return v;
}

/** CCYYMMDD (and optional HHMM[SS]) as an ISO UTC timestamp; refused when not a real date */
export function x12Date(seg: Segment, n: number, timeElement?: number): string {
	const d = need(seg, n, 'date');
	const fail = (e: number, what: string): never => {
		throw new X12ParseError(`${ref(seg.id, e)} ${what}`, { position: seg.position, segmentId: seg.id, element: e });
	};
	if (!/^\d{8}$/.test(d)) fail(n, `must be a date CCYYMMDD, got '${d}'`);
	let hh = '00';
	let mm = '00';
	let ss = '00';
	const t = timeElement ? el(seg, timeElement) : '';
	if (t !== '') {
		if (!/^\d{4}(\d{2})?(\d{1,2})?$/.test(t)) fail(timeElement!, `must be a time HHMM[SS], got '${t}'`);
		hh = t.slice(0, 2);
		mm = t.slice(2, 4);
		ss = t.length >= 6 ? t.slice(4, 6) : '00';
	}
	const iso = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${hh}:${mm}:${ss}.000Z`;
	const parsed = new Date(iso);
	if (Number.isNaN(parsed.getTime()) || parsed.toISOString() !== iso) fail(n, `is not a real date/time: '${d}${t ? ` ${t}` : ''}'`);
	return iso;
}

/** Blanks and line breaks from a position (sticky) */
const BLANKS = /\s+/y;

const ISA_LENGTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1];
const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

function isDelimiterChar(c: string): boolean {
	return c.length === 1 && !/[A-Za-z0-9]/.test(c);
}

/** Parse every interchange in the text (usually one). */
export function parseX12(text: string): Interchange[] {
	if (typeof text !== 'string') throw new X12ParseError('X12 input must be text');
	let src = text.replace(/^\uFEFF/, '');
	const out: Interchange[] = [];
	src = src.replace(/^\s+/, '');
	if (src === '') throw new X12ParseError('The input is empty: no ISA segment');
	while (src !== '') {
		const { interchange, rest } = parseOne(src);
		out.push(interchange);
		src = rest.replace(/^\s+/, '');
	}
	return out;
}

/** Exactly one interchange expected */
export function parseInterchange(text: string): Interchange {
	const all = parseX12(text);
	if (all.length !== 1) throw new X12ParseError(`Expected one interchange, found ${all.length}`);
	return all[0];
}

function parseOne(src: string): { interchange: Interchange; rest: string } {
	if (!src.startsWith('ISA')) {
		throw new X12ParseError(`An interchange must begin with ISA, found '${src.slice(0, 3)}'`, { position: 1 });
	}
	if (src.length < 4) throw new X12ParseError('ISA is cut short', { position: 1, segmentId: 'ISA' });
	const es = src[3];
	if (!isDelimiterChar(es)) throw new X12ParseError(`The element separator after ISA must be a special character, got '${es}'`, { position: 1, segmentId: 'ISA' });
	// ISA01..ISA15 are fixed width; ISA16 is the single character after the 15th separator, then the terminator
	const isa: string[] = [];
	let p = 4;
	for (let i = 1; i <= 15; i++) {
		const at = src.indexOf(es, p);
		if (at < 0) throw new X12ParseError(`${ref('ISA', i + 1)} missing`, { position: 1, segmentId: 'ISA', element: i + 1 });
		isa.push(src.slice(p, at));
		p = at + 1;
	}
	const component = src[p];
	if (component === undefined || component === '\r' || component === '\n') throw new X12ParseError('ISA16 missing', { position: 1, segmentId: 'ISA', element: 16 });
	const terminator = src[p + 1];
	if (terminator === undefined) throw new X12ParseError('The segment terminator after ISA16 is missing', { position: 1, segmentId: 'ISA', element: 16 });
	for (let i = 0; i < 15; i++) {
		if (isa[i].length !== ISA_LENGTHS[i]) {
			throw new X12ParseError(`${ref('ISA', i + 1)} must be ${ISA_LENGTHS[i]} characters, got ${isa[i].length} ('${isa[i]}')`, {
				position: 1,
				segmentId: 'ISA',
				element: i + 1,
			});
		}
	}
	const version = isa[11];
	if (!/^\d{5}$/.test(version)) throw new X12ParseError(`ISA12 version must be 5 digits, got '${version}'`, { position: 1, segmentId: 'ISA', element: 12 });
	if (!/^\d{9}$/.test(isa[12])) throw new X12ParseError(`ISA13 control number must be 9 digits, got '${isa[12]}'`, { position: 1, segmentId: 'ISA', element: 13 });
	if (isa[13] !== '0' && isa[13] !== '1') throw new X12ParseError(`ISA14 acknowledgment requested must be 0 or 1, got '${isa[13]}'`, { position: 1, segmentId: 'ISA', element: 14 });
	if (!['P', 'T', 'I'].includes(isa[14])) throw new X12ParseError(`ISA15 usage indicator must be P, T or I, got '${isa[14]}'`, { position: 1, segmentId: 'ISA', element: 15 });
	if (!isDelimiterChar(component)) throw new X12ParseError(`ISA16 component separator must be a special character, got '${component}'`, { position: 1, segmentId: 'ISA', element: 16 });
	if (/[A-Za-z0-9]/.test(terminator)) throw new X12ParseError(`The segment terminator after ISA16 must be a special character, got '${terminator}'`, { position: 1, segmentId: 'ISA', element: 16 });
	const repetition = Number(version) >= 501 ? isa[10] : null;
	if (repetition !== null && !isDelimiterChar(repetition)) {
		throw new X12ParseError(`ISA11 repetition separator must be a special character from 00501 on, got '${repetition}'`, { position: 1, segmentId: 'ISA', element: 11 });
	}
	const delims = [es, component, terminator, ...(repetition ? [repetition] : [])];
	if (new Set(delims).size !== delims.length) {
		throw new X12ParseError(`The delimiters must differ: element '${es}', component '${component}', segment '${terminator}'${repetition ? `, repetition '${repetition}'` : ''}`, {
			position: 1,
			segmentId: 'ISA',
			element: 16,
		});
	}
	const delimiters: Delimiters = { element: es, segment: terminator, component, repetition };
	const header: InterchangeHeader = {
		authQualifier: isa[0],
		authInfo: isa[1],
		securityQualifier: isa[2],
		securityInfo: isa[3],
		senderQualifier: isa[4],
		senderId: isa[5].trim(),
		receiverQualifier: isa[6],
		receiverId: isa[7].trim(),
		date: isa[8],
		time: isa[9],
		standardsId: isa[10],
		version,
		controlNumber: isa[12],
		ackRequested: isa[13] === '1',
		usage: isa[14],
	};

	// the rest, segment by segment
	let pos = p + 2;
	let position = 1;
	const groups: FunctionalGroup[] = [];
	let group: FunctionalGroup | null = null;
	let tx: TransactionSet | null = null;
	for (;;) {
		// skip the blanks and line breaks between segments: a segment id never starts with one, so this holds whatever
		// the terminator is (a CR LF file whose terminator is read as CR, blank lines in a line-break-terminated one)
		BLANKS.lastIndex = pos;
		if (BLANKS.exec(src)) pos = BLANKS.lastIndex;
		if (pos >= src.length) {
			const open = tx ? `SE missing: transaction set ${tx.setId} ${tx.controlNumber} (segment ${tx.position}) is not closed` : group ? `GE missing: group ${group.controlNumber} (segment ${group.position}) is not closed` : 'IEA missing';
			throw new X12ParseError(`${open}; the interchange ${header.controlNumber} ends without IEA`, { position: position + 1 });
		}
		let end = src.indexOf(terminator, pos);
		if (end < 0) end = src.length;
		let raw = src.slice(pos, end);
		pos = end + 1;
		if (terminator === '\n' && raw.endsWith('\r')) raw = raw.slice(0, -1);
		position++;
		const parts = raw.split(es);
		const id = parts[0];
		if (!SEGMENT_ID.test(id)) {
			throw new X12ParseError(`'${id.slice(0, 20)}' is not a segment id (did the segment terminator '${printable(terminator)}' or element separator '${es}' change?)`, { position });
		}
		const seg: Segment = { id, elements: parts.slice(1), position };
		switch (id) {
			case 'ISA':
				throw new X12ParseError(`ISA inside interchange ${header.controlNumber}: IEA missing before it`, { position, segmentId: id });
			case 'GS': {
				if (tx) throw new X12ParseError(`SE missing: transaction set ${tx.setId} ${tx.controlNumber} (segment ${tx.position}) is not closed before GS`, { position, segmentId: id });
				if (group) throw new X12ParseError(`GE missing: group ${group.controlNumber} (segment ${group.position}) is not closed before the next GS`, { position, segmentId: id });
				for (let i = 1; i <= 8; i++) need(seg, i);
				if (seg.elements.length > 8) throw new X12ParseError(`GS has ${seg.elements.length} elements, 8 expected`, { position, segmentId: id, element: 9 });
				if (!/^\d{1,9}$/.test(el(seg, 6))) throw new X12ParseError(`GS06 group control number must be 1 to 9 digits, got '${el(seg, 6)}'`, { position, segmentId: id, element: 6 });
				group = {
					functionalId: el(seg, 1),
					senderCode: el(seg, 2).trim(),
					receiverCode: el(seg, 3).trim(),
					date: el(seg, 4),
					time: el(seg, 5),
					controlNumber: el(seg, 6),
					agency: el(seg, 7),
					version: el(seg, 8),
					position,
					transactions: [],
				};
				break;
			}
			case 'ST': {
				if (!group) throw new X12ParseError('ST outside a functional group (GS missing)', { position, segmentId: id });
				if (tx) throw new X12ParseError(`SE missing: transaction set ${tx.setId} ${tx.controlNumber} (segment ${tx.position}) is not closed before the next ST`, { position, segmentId: id });
				const setId = need(seg, 1, 'transaction set identifier');
				if (!/^\d{3}$/.test(setId)) throw new X12ParseError(`ST01 must be a 3-digit transaction set identifier, got '${setId}'`, { position, segmentId: id, element: 1 });
				const control = need(seg, 2, 'transaction set control number');
				if (control.length < 4 || control.length > 9) throw new X12ParseError(`ST02 control number must be 4 to 9 characters, got '${control}'`, { position, segmentId: id, element: 2 });
				tx = { setId, controlNumber: control, implementationRef: el(seg, 3) || null, position, segments: [] };
				break;
			}
			case 'SE': {
				if (!tx) throw new X12ParseError('SE without ST', { position, segmentId: id });
				const n = need(seg, 1, 'number of included segments');
				if (!/^\d+$/.test(n)) throw new X12ParseError(`SE01 must be a number, got '${n}'`, { position, segmentId: id, element: 1 });
				const actual = tx.segments.length + 2;
				if (Number(n) !== actual) throw new X12ParseError(`SE01 segment count ${n} does not match ${actual} segments`, { position, segmentId: id, element: 1 });
				const c = need(seg, 2, 'transaction set control number');
				if (c !== tx.controlNumber) throw new X12ParseError(`SE02 control number ${c} does not match ST02 ${tx.controlNumber}`, { position, segmentId: id, element: 2 });
				group!.transactions.push(tx);
				tx = null;
				break;
			}
			case 'GE': {
				if (tx) throw new X12ParseError(`SE missing: transaction set ${tx.setId} ${tx.controlNumber} (segment ${tx.position}) is not closed before GE`, { position, segmentId: id });
				if (!group) throw new X12ParseError('GE without GS', { position, segmentId: id });
				const n = need(seg, 1, 'number of transaction sets');
				if (!/^\d+$/.test(n) || Number(n) !== group.transactions.length) {
					throw new X12ParseError(`GE01 transaction set count ${n} does not match ${group.transactions.length} transaction sets`, { position, segmentId: id, element: 1 });
				}
				const c = need(seg, 2, 'group control number');
				if (c !== group.controlNumber) throw new X12ParseError(`GE02 control number ${c} does not match GS06 ${group.controlNumber}`, { position, segmentId: id, element: 2 });
				groups.push(group);
				group = null;
				break;
			}
			case 'IEA': {
				if (tx) throw new X12ParseError(`SE missing: transaction set ${tx.setId} ${tx.controlNumber} (segment ${tx.position}) is not closed before IEA`, { position, segmentId: id });
				if (group) throw new X12ParseError(`GE missing: group ${group.controlNumber} (segment ${group.position}) is not closed before IEA`, { position, segmentId: id });
				const n = need(seg, 1, 'number of functional groups');
				if (!/^\d+$/.test(n) || Number(n) !== groups.length) {
					throw new X12ParseError(`IEA01 group count ${n} does not match ${groups.length} functional groups`, { position, segmentId: id, element: 1 });
				}
				const c = need(seg, 2, 'interchange control number');
				if (c !== header.controlNumber) throw new X12ParseError(`IEA02 control number ${c} does not match ISA13 ${header.controlNumber}`, { position, segmentId: id, element: 2 });
				return { interchange: { delimiters, header, groups, segmentCount: position }, rest: src.slice(pos) };
			}
			default:
				if (!tx) {
					throw new X12ParseError(`${id} outside a transaction set (${group ? 'ST' : 'GS'} missing)`, { position, segmentId: id });
				}
				tx.segments.push(seg);
		}
	}
}

function printable(c: string): string {
	return c === '\n' ? '\\n' : c === '\r' ? '\\r' : c;
}

/** Every transaction set of every group, with its group and interchange */
export function transactionsOf(interchanges: Interchange[]): Array<{ interchange: Interchange; group: FunctionalGroup; tx: TransactionSet }> {
	const out: Array<{ interchange: Interchange; group: FunctionalGroup; tx: TransactionSet }> = [];
	for (const interchange of interchanges) for (const group of interchange.groups) for (const tx of group.transactions) out.push({ interchange, group, tx });
	return out;
}
