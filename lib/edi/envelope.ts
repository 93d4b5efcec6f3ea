/**
 * Building outgoing interchanges: ISA/GS/ST envelopes around transaction sets, with the trading partner's IDs,
 * qualifiers, separators and version (4010 or 5010), and control numbers taken from the store
 * (Store.nextControlNumbers) so they never repeat. A value that contains a delimiter is refused (X12 has no
 * escape), naming the segment and element.
 */

export type X12Version = '4010' | '5010';

export interface PartnerSettings {
	/** ISA05/ISA06 (our side) and ISA07/ISA08 (the partner); IDs up to 15 characters */
	senderQualifier: string;
	senderId: string;
	receiverQualifier: string;
	receiverId: string;
	/** GS02/GS03 application codes; empty: the ISA IDs */
	senderCode?: string;
	receiverCode?: string;
	version: X12Version;
	/** ISA15: P production, T test */
	usage: 'P' | 'T';
	/** ISA14: ask the partner for a TA1; also whether a 997 is expected back for what we send */
	ackRequested: boolean;
	element: string;
	segment: string;
	component: string;
	/** ISA11 from 5010 on */
	repetition?: string;
	/** A line break after each segment terminator (readable files; most partners accept it) */
	lineBreak?: boolean;
	authQualifier?: string;
	authInfo?: string;
	securityQualifier?: string;
	securityInfo?: string;
}

/** The functional identifier (GS01) of each transaction set this package speaks */
export const FUNCTIONAL_ID: Record<string, string> = {
	'940': 'OW',
	'945': 'SW',
	'846': 'IB',
	'997': 'FA',
	'850': 'PO',
	'855': 'PR',
	'856': 'SH',
	'810': 'IN',
};

export type Element = string | number | null | undefined;
/** A segment to write: its id, then its elements (trailing empty ones are dropped) */
export type OutSegment = [string, ...Element[]];

export interface OutgoingSet {
	setId: string;
	segments: OutSegment[];
}

export interface BuiltInterchange {
	text: string;
	/** ISA13 (9 digits) */
	interchangeControl: string;
	/** GS06 */
	groupControl: string;
	functionalId: string;
	/** ST01/ST02 of each set, in order */
	sets: Array<{ setId: string; controlNumber: string }>;
	/** The control-number scope (see controlScope) */
	scope: string;
}

export class EdiBuildError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'EdiBuildError';
	}
}

const SPECIAL = (c: unknown): boolean => typeof c === 'string' && c.length === 1 && !/[A-Za-z0-9 ]/.test(c);

/** Check the settings; every problem named after its credential field. */
export function checkPartner(p: PartnerSettings): PartnerSettings {
	const problems: string[] = [];
	const id = (v: unknown, name: string, max: number) => {
		if (typeof v !== 'string' || v.trim() === '') problems.push(`${name} is required`);
		else if (v.length > max) problems.push(`${name} '${v}' is longer than ${max} characters`);
	};
	const qual = (v: unknown, name: string) => {
		if (typeof v !== 'string' || !/^[A-Z0-9]{2}$/.test(v)) problems.push(`${name} must be a 2-character ID qualifier (e.g. ZZ, 01, 12), got '${String(v)}'`);
	};
	qual(p.senderQualifier, 'Sender ID Qualifier');
	id(p.senderId, 'Sender ID', 15);
	qual(p.receiverQualifier, 'Receiver ID Qualifier');
	id(p.receiverId, 'Receiver ID', 15);
	if (p.senderCode) id(p.senderCode, 'Sender Application Code (GS02)', 15);
	if (p.receiverCode) id(p.receiverCode, 'Receiver Application Code (GS03)', 15);
	if (p.authQualifier !== undefined && !/^\d{2}$/.test(p.authQualifier)) problems.push(`Authorization Qualifier must be 2 digits, got '${p.authQualifier}'`);
	if (p.securityQualifier !== undefined && !/^\d{2}$/.test(p.securityQualifier)) problems.push(`Security Qualifier must be 2 digits, got '${p.securityQualifier}'`);
	if ((p.authInfo ?? '').length > 10) problems.push('Authorization Information is longer than 10 characters');
	if ((p.securityInfo ?? '').length > 10) problems.push('Security Information is longer than 10 characters');
	if (p.version !== '4010' && p.version !== '5010') problems.push(`Version must be 4010 or 5010, got '${String(p.version)}'`);
	if (p.usage !== 'P' && p.usage !== 'T') problems.push(`Usage must be P (production) or T (test), got '${String(p.usage)}'`);
	const delims: Array<[string, unknown]> = [
		['Element Separator', p.element],
		['Segment Terminator', p.segment],
		['Sub-element Separator', p.component],
	];
	if (p.version === '5010') delims.push(['Repetition Separator', p.repetition]);
	for (const [name, v] of delims) if (!SPECIAL(v)) problems.push(`${name} must be one special character (not a letter, digit or blank), got '${String(v ?? '')}'`);
	const vals = delims.map(([, v]) => v);
	if (new Set(vals).size !== vals.length) problems.push(`The separators must all differ (got ${delims.map(([n, v]) => `${n} '${String(v)}'`).join(', ')})`);
	// The envelope's values cannot hold a separator either: X12 has no escape, so a password with '*' in ISA04
	// would build an interchange that no parser (this package's included) reads back. Refused, named, never escaped.
	// The ISA is fixed width, so its values are printable ASCII (one character, one position).
	const envelopeValues: Array<[string, unknown]> = [
		['Authorization Information (ISA02)', p.authInfo],
		['Security Information (ISA04)', p.securityInfo],
		['Sender ID (ISA06)', p.senderId],
		['Receiver ID (ISA08)', p.receiverId],
		['Sender Application Code (GS02)', p.senderCode],
		['Receiver Application Code (GS03)', p.receiverCode],
	];
	for (const [name, v] of envelopeValues) {
		if (typeof v !== 'string' || v === '') continue;
		const bad = [...v].find((c) => c < ' ' || c > '~');
		if (bad !== undefined) problems.push(`${name} may only hold printable ASCII characters, got ${JSON.stringify(bad)}`);
		for (const [dname, d] of delims) {
			if (typeof d === 'string' && d !== '' && v.includes(d)) problems.push(`${name} contains the ${dname} '${printableChar(d)}': X12 has no escape, so change the value or the separator`);
		}
	}
	if (problems.length) throw new EdiBuildError(`EDI trading partner settings: ${problems.join('; ')}`);
	return p;
}

function printableChar(c: string): string {
	return c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : c;
}

/** Control numbers are unique per sender/receiver pair */
export function controlScope(p: Pick<PartnerSettings, 'senderQualifier' | 'senderId' | 'receiverQualifier' | 'receiverId'>): string {
	return `x12:${p.senderQualifier}/${p.senderId.trim()}>${p.receiverQualifier}/${p.receiverId.trim()}`;
}

/** The scope of an interchange we received, seen from our side (its receiver is our sender) */
export function replyScope(h: { senderQualifier: string; senderId: string; receiverQualifier: string; receiverId: string }): string {
	return controlScope({ senderQualifier: h.receiverQualifier, senderId: h.receiverId, receiverQualifier: h.senderQualifier, receiverId: h.senderId });
}

/** `count` control numbers from `first`, wrapping after 999,999,999 to 1 */
export function controlSequence(first: number, count: number): number[] {
	return Array.from({ length: count }, (_, i) => ((first - 1 + i) % 999_999_999) + 1);
}

function text(v: Element): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'number') {
		if (!Number.isFinite(v)) throw new EdiBuildError(`not a finite number: ${v}`);
		return String(v);
	}
	return String(v);
}

function writeSegment(seg: OutSegment, p: PartnerSettings): string {
	const [id, ...els] = seg;
	const values = els.map(text);
	while (values.length && values[values.length - 1] === '') values.pop();
	values.forEach((v, i) => {
		const bad: Array<[string, string | undefined]> = [
			['element separator', p.element],
			['segment terminator', p.segment],
			['sub-element separator', p.component],
			['repetition separator', p.version === '5010' ? p.repetition : undefined],
		];
		for (const [name, d] of bad) {
			if (d && v.includes(d)) throw new EdiBuildError(`${id}${String(i + 1).padStart(2, '0')} '${v}' contains the ${name} '${d}'; X12 has no escape, change the value or the separator`);
		}
		if (/[\r\n]/.test(v)) throw new EdiBuildError(`${id}${String(i + 1).padStart(2, '0')} contains a line break`);
	});
	return [id, ...values].join(p.element) + p.segment + (p.lineBreak ? '\n' : '');
}

function ymd(d: Date): string {
	return d.toISOString().slice(0, 10).replace(/-/g, '');
}
function hm(d: Date): string {
	return d.toISOString().slice(11, 16).replace(':', '');
}

/**
 * One interchange with one functional group holding `sets` (all of one functional id). `controlNumber` is used as
 * ISA13 and GS06 (one group per interchange); ST02 counts 0001.. within the group.
 */
export function buildInterchange(p: PartnerSettings, opts: { controlNumber: number; sets: OutgoingSet[]; now?: Date }): BuiltInterchange {
	checkPartner(p);
	if (!opts.sets.length) throw new EdiBuildError('An interchange needs at least one transaction set');
	const fid = FUNCTIONAL_ID[opts.sets[0].setId];
	if (!fid) throw new EdiBuildError(`Transaction set ${opts.sets[0].setId} is not one this package writes`);
	for (const s of opts.sets) if (FUNCTIONAL_ID[s.setId] !== fid) throw new EdiBuildError(`Transaction sets ${opts.sets[0].setId} and ${s.setId} cannot share a functional group`);
	const n = opts.controlNumber;
	if (!Number.isInteger(n) || n < 1 || n > 999_999_999) throw new EdiBuildError(`Control number must be 1..999999999, got ${n}`);
	const now = opts.now ?? new Date();
	const v5 = p.version === '5010';
	const isa13 = String(n).padStart(9, '0');
	const pad = (s: string, w: number) => s.padEnd(w, ' ').slice(0, w);
	const isa =
		[
			'ISA',
			p.authQualifier ?? '00',
			pad(p.authInfo ?? '', 10),
			p.securityQualifier ?? '00',
			pad(p.securityInfo ?? '', 10),
			p.senderQualifier,
			pad(p.senderId, 15),
			p.receiverQualifier,
			pad(p.receiverId, 15),
			ymd(now).slice(2),
			hm(now),
			v5 ? p.repetition! : 'U',
			v5 ? '00501' : '00401',
			isa13,
			p.ackRequested ? '1' : '0',
			p.usage,
			p.component,
		].join(p.element) +
		p.segment +
		(p.lineBreak ? '\n' : '');
	const out: string[] = [isa];
	out.push(writeSegment(['GS', fid, p.senderCode || p.senderId.trim(), p.receiverCode || p.receiverId.trim(), ymd(now), hm(now), String(n), 'X', v5 ? '005010' : '004010'], p));
	const sets: Array<{ setId: string; controlNumber: string }> = [];
	opts.sets.forEach((s, i) => {
		const st02 = String(i + 1).padStart(4, '0');
		out.push(writeSegment(['ST', s.setId, st02], p));
		for (const seg of s.segments) out.push(writeSegment(seg, p));
		out.push(writeSegment(['SE', s.segments.length + 2, st02], p));
		sets.push({ setId: s.setId, controlNumber: st02 });
	});
	out.push(writeSegment(['GE', opts.sets.length, String(n)], p));
	out.push(writeSegment(['IEA', 1, isa13], p));
	return { text: out.join(''), interchangeControl: isa13, groupControl: String(n), functionalId: fid, sets, scope: controlScope(p) };
}

/**
 * An interchange built by buildInterchange with its ISA04 (Security Information, the interchange password some
 * partners require) blanked to ten spaces: the copy kept in the store. The ISA is fixed-width (ISA01 and ISA03 two
 * characters, ISA02 and ISA04 ten, one-character separators), so ISA04 is always characters 21 to 30 whatever it
 * holds; the text still parses, and the password stays in the credential only.
 */
export function withoutSecurityInfo(text: string, p: Pick<PartnerSettings, 'element'>): string {
	if (!text.startsWith('ISA') || text[20] !== p.element || text[31] !== p.element) {
		throw new EdiBuildError('Not an interchange built here: its ISA segment is not fixed-width');
	}
	return text.slice(0, 21) + ' '.repeat(10) + text.slice(31);
}

/** Reserve a control number in the store and build: the one way every generate operation envelopes its sets. */
export async function envelope(
	store: { nextControlNumbers(scope: string, count: number): Promise<number> },
	p: PartnerSettings,
	sets: OutgoingSet[],
	now?: Date,
): Promise<BuiltInterchange> {
	checkPartner(p);
	const controlNumber = await store.nextControlNumbers(controlScope(p), 1);
	return buildInterchange(p, { controlNumber, sets, now });
}

/** CCYYMMDD and HHMM of an ISO timestamp (UTC) */
export function dateOf(iso: string): string {
	return iso.slice(0, 10).replace(/-/g, '');
}
export function timeOf(iso: string): string {
	return iso.slice(11, 16).replace(':', '');
}
