/**
 * 997 Functional Acknowledgment: read (what the partner says of a group we sent) and write (what we say of a
 * group we received). AK1 names the group (GS01, GS06), AK2/AK5 each transaction set (ST01, ST02, accepted or
 * rejected with codes), AK3/AK4 the segment and element in error, AK9 the group.
 */
import type { OutgoingSet, OutSegment } from '../envelope';
import { count, el, need, X12ParseError, type TransactionSet } from '../x12';

export type AckCode = 'A' | 'E' | 'M' | 'P' | 'R' | 'W' | 'X';

export interface SetAck {
	setId: string;
	controlNumber: string;
	/** AK501: A accepted, E accepted with errors, R rejected, M/W/X rejected (security/authentication/decryption) */
	status: AckCode;
	/** AK502..: syntax error codes */
	codes: string[];
	/** AK3/AK4 details */
	errors: Array<{ segmentId: string; position: number | null; code: string | null; elements: Array<{ position: string; code: string; value: string | null }> }>;
}

export interface FunctionalAck {
	/** AK101/AK102: the acknowledged group */
	functionalId: string;
	groupControl: string;
	/** AK103 (5010) */
	version: string | null;
	sets: SetAck[];
	/** AK901 and counts */
	groupStatus: AckCode;
	included: number;
	received: number;
	accepted: number;
	groupCodes: string[];
}

const ACK_CODES = ['A', 'E', 'M', 'P', 'R', 'W', 'X'];
export function isAccepted(code: AckCode): boolean {
	return code === 'A' || code === 'E';
}

/** Short meanings of the codes a 997 carries, for error text (X12 elements 718, 720, 721, 723) */
const AK5_CODES: Record<string, string> = {
	'1': 'transaction set not supported',
	'2': 'transaction set trailer missing',
	'3': 'control number in header and trailer do not match',
	'4': 'number of included segments does not match actual count',
	'5': 'one or more segments in error',
	'6': 'missing or invalid transaction set identifier',
	'7': 'missing or invalid transaction set control number',
	'23': 'transaction set control number not unique within the group',
};
const AK3_CODES: Record<string, string> = {
	'1': 'unrecognized segment ID',
	'2': 'unexpected segment',
	'3': 'mandatory segment missing',
	'4': 'loop occurs over maximum times',
	'5': 'segment exceeds maximum use',
	'6': 'segment not in defined transaction set',
	'7': 'segment not in proper sequence',
	'8': 'segment has data element errors',
};
const AK4_CODES: Record<string, string> = {
	'1': 'mandatory data element missing',
	'2': 'conditional required data element missing',
	'3': 'too many data elements',
	'4': 'data element too short',
	'5': 'data element too long',
	'6': 'invalid character in data element',
	'7': 'invalid code value',
	'8': 'invalid date',
	'9': 'invalid time',
	'10': 'exclusion condition violated',
};

export function read997(tx: TransactionSet): FunctionalAck {
	const segs = tx.segments;
	const ak1 = segs[0];
	if (ak1?.id !== 'AK1') throw new X12ParseError(`AK1 (functional group response header) must follow ST in a 997${ak1 ? `, found ${ak1.id}` : ''}`, { position: ak1?.position ?? tx.position + 1, segmentId: ak1?.id ?? null });
	const ack: FunctionalAck = {
		functionalId: need(ak1, 1, 'functional identifier code'),
		groupControl: need(ak1, 2, 'group control number'),
		version: el(ak1, 3) || null,
		sets: [],
		groupStatus: 'A',
		included: 0,
		received: 0,
		accepted: 0,
		groupCodes: [],
	};
	let cur: SetAck | null = null;
	let sawAk9 = false;
	for (const s of segs.slice(1)) {
		switch (s.id) {
			case 'AK2':
				if (cur) throw new X12ParseError(`AK5 missing for AK2 ${cur.setId} ${cur.controlNumber} before the next AK2`, { position: s.position, segmentId: 'AK2' });
				cur = { setId: need(s, 1, 'transaction set identifier'), controlNumber: need(s, 2, 'transaction set control number'), status: 'A', codes: [], errors: [] };
				break;
			case 'AK3':
				if (!cur) throw new X12ParseError('AK3 without an AK2 before it', { position: s.position, segmentId: 'AK3' });
				cur.errors.push({ segmentId: need(s, 1, 'segment ID in error'), position: el(s, 2) ? count(s, 2) : null, code: el(s, 4) || null, elements: [] });
				break;
			case 'AK4': {
				const last = cur?.errors[cur.errors.length - 1];
				if (!last) throw new X12ParseError('AK4 without an AK3 before it', { position: s.position, segmentId: 'AK4' });
				last.elements.push({ position: need(s, 1, 'element position'), code: need(s, 3, 'data element syntax error code'), value: el(s, 4) || null });
				break;
			}
			case 'AK5': {
				if (!cur) throw new X12ParseError('AK5 without an AK2 before it', { position: s.position, segmentId: 'AK5' });
				const st = need(s, 1, 'transaction set acknowledgment code');
				if (!ACK_CODES.includes(st)) throw new X12ParseError(`AK501 '${st}' is not an acknowledgment code (A, E, M, R, W, X)`, { position: s.position, segmentId: 'AK5', element: 1 });
				cur.status = st as AckCode;
				cur.codes = s.elements.slice(1).filter(Boolean);
				ack.sets.push(cur);
				cur = null;
				break;
			}
			case 'AK9': {
				const st = need(s, 1, 'functional group acknowledge code');
				if (!ACK_CODES.includes(st)) throw new X12ParseError(`AK901 '${st}' is not an acknowledgment code (A, E, M, P, R, W, X)`, { position: s.position, segmentId: 'AK9', element: 1 });
				ack.groupStatus = st as AckCode;
				ack.included = count(s, 2, 'number of transaction sets included');
				ack.received = count(s, 3, 'number of received transaction sets');
				ack.accepted = count(s, 4, 'number of accepted transaction sets');
				ack.groupCodes = s.elements.slice(4).filter(Boolean);
				sawAk9 = true;
				break;
			}
			default:
				break;
		}
	}
	if (cur) throw new X12ParseError(`AK5 missing for AK2 ${cur.setId} ${cur.controlNumber}`, { position: tx.position, segmentId: 'AK2' });
	if (!sawAk9) throw new X12ParseError('AK9 (functional group response trailer) missing in the 997', { position: tx.position, segmentId: 'ST' });
	return ack;
}

/** Why a set (or the group) was not accepted, in words, from the codes */
export function rejectionText(ack: FunctionalAck, set?: SetAck): string {
	const parts: string[] = [];
	if (set) {
		parts.push(`997 ${set.status} for ${set.setId} ${set.controlNumber} in group ${ack.groupControl}`);
		for (const c of set.codes) parts.push(`AK5 ${c}: ${AK5_CODES[c] ?? 'code ' + c}`);
		for (const e of set.errors) {
			parts.push(`AK3 ${e.segmentId}${e.position != null ? ` at ${e.position}` : ''}${e.code ? `: ${AK3_CODES[e.code] ?? 'code ' + e.code}` : ''}`);
			for (const x of e.elements) parts.push(`AK4 element ${x.position}: ${AK4_CODES[x.code] ?? 'code ' + x.code}${x.value ? ` ('${x.value}')` : ''}`);
		}
	} else {
		parts.push(`997 ${ack.groupStatus} for group ${ack.groupControl}`);
		for (const c of ack.groupCodes) parts.push(`AK9 code ${c}`);
	}
	return parts.join('; ');
}

export function write997(ack: FunctionalAck): OutgoingSet {
	const segs: OutSegment[] = [['AK1', ack.functionalId, ack.groupControl, ack.version]];
	for (const s of ack.sets) {
		segs.push(['AK2', s.setId, s.controlNumber]);
		for (const e of s.errors) {
			segs.push(['AK3', e.segmentId, e.position, null, e.code]);
			for (const x of e.elements) segs.push(['AK4', x.position, null, x.code, x.value]);
		}
		segs.push(['AK5', s.status, ...s.codes]);
	}
	segs.push(['AK9', ack.groupStatus, ack.included, ack.received, ack.accepted, ...ack.groupCodes]);
	return { setId: '997', segments: segs };
}
