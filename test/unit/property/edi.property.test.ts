/**
 * Properties of the X12 writer and reader (lib/edi). Promises:
 * - edi.roundTrip: with any allowed separators (distinct special characters; the terminator may be a line break),
 *   either version, any line endings after the terminators (none, LF, CR LF, CR, blanks) and any element text,
 *   the builder either refuses a value holding a separator or a line break (EdiBuildError naming the element) or
 *   writes an interchange the parser reads back to the same segments and envelope; its 997 can always be made.
 * - edi.partnerSettings: any envelope values (ISA02/ISA04 passwords, IDs, codes) are refused by checkPartner with a
 *   clear EdiBuildError, or build an interchange that parses back with the same values.
 * - edi.mutatedFile: a mutated published or generated file (characters deleted, inserted, replaced by separators
 *   or line breaks, segments duplicated, swapped, cut) either reads or is refused with an X12ParseError; when its
 *   envelope parses, the 997 for it is always produced (a set the readers refuse is rejected in it, AK5 R).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
	acknowledgmentsFor,
	buildInterchange,
	checkPartner,
	EdiBuildError,
	FUNCTIONAL_ID,
	parseX12,
	readDocument,
	write850,
	shippingOrderOf,
	write940,
	X12ParseError,
	type OutgoingSet,
	type OutSegment,
	type PartnerSettings,
} from '../../../lib/edi';
import { makeOrder } from '../../helpers/orders';
import { hostileString } from './arbitraries';
import { checkProperty, PROPERTY_TIMEOUT_MS } from './harness';

const NOW = new Date('2026-05-03T09:15:00Z');
/** Special characters a partner may choose as separators (no letters, digits or blank; some control characters) */
const SEPARATORS = ['*', '|', '^', '~', '>', ':', '!', '`', '}', '{', '+', '#', '$', '%', '&', '@', '\\', '/', '?', ';', '=', '<', '"', "'", '\u001c', '\u001d', '\u001e', '\u001f', '\u0007'];
const TERMINATORS = [...SEPARATORS, '\n', '\r'];
const ENVELOPE_IDS = new Set(['ISA', 'GS', 'ST', 'SE', 'GE', 'IEA']);

const separators = fc
	.tuple(fc.constantFrom(...TERMINATORS), fc.uniqueArray(fc.constantFrom(...SEPARATORS), { minLength: 3, maxLength: 3 }))
	.filter(([seg, others]) => !others.includes(seg))
	.map(([segment, [element, component, repetition]]) => ({ segment, element, component, repetition }));

const partner = fc.record({ seps: separators, version: fc.constantFrom<'4010' | '5010'>('4010', '5010'), lineBreak: fc.boolean(), ack: fc.boolean() }).map(
	({ seps, version, lineBreak, ack }): PartnerSettings => ({
		senderQualifier: 'ZZ',
		senderId: 'SELLER',
		receiverQualifier: '01',
		receiverId: '123456789',
		version,
		usage: 'T',
		ackRequested: ack,
		lineBreak,
		...seps,
	}),
);

const elementText = fc.oneof({ arbitrary: fc.stringMatching(/^[A-Z0-9 .,-]{0,10}$/), weight: 4 }, { arbitrary: hostileString(8), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: 99999 }), weight: 1 });
const segment: fc.Arbitrary<OutSegment> = fc
	.tuple(fc.stringMatching(/^[A-Z][A-Z0-9]{1,2}$/).filter((id) => !ENVELOPE_IDS.has(id)), fc.array(elementText, { maxLength: 6 }))
	.map(([id, els]) => [id, ...els]);
const sets: fc.Arbitrary<OutgoingSet[]> = fc
	.tuple(fc.constantFrom(...Object.keys(FUNCTIONAL_ID)), fc.array(fc.array(segment, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }))
	.map(([setId, bodies]) => bodies.map((segments) => ({ setId, segments })));
const lineEnding = fc.constantFrom('', '\n', '\r\n', '\r', ' \r\n\t', '\n\n');

/** The segments as the reader gives them: text elements, trailing empty ones dropped */
function expected(set: OutgoingSet): Array<{ id: string; elements: string[] }> {
	return set.segments.map(([id, ...els]) => {
		const values = els.map((v) => (v === null || v === undefined ? '' : String(v)));
		while (values.length && values[values.length - 1] === '') values.pop();
		return { id, elements: values };
	}, PROPERTY_TIMEOUT_MS);
}

function holdsDelimiter(p: PartnerSettings, list: OutgoingSet[]): boolean {
	const delims = [p.element, p.segment, p.component, ...(p.version === '5010' ? [p.repetition!] : []), '\r', '\n'];
	return list.some((s) => s.segments.some(([, ...els]) => els.some((v) => typeof v === 'string' && delims.some((d) => v.includes(d)))));
}

/** The terminators of a built interchange followed by `ending` (the builder's own line break replaced) */
function withLineEndings(text: string, p: PartnerSettings, ending: string): string {
	const plain = p.lineBreak ? text.split(`${p.segment}\n`).join(p.segment) : text;
	return plain.split(p.segment).join(`${p.segment}${ending}`);
}

describe('EDI writer and reader', () => {
	it('round trip with any separators, line endings and element text', () => {
		let built = 0;
		let refused = 0;
		checkProperty({ name: 'edi.roundTrip', numRuns: 1000, seed: 1805001 }, [partner, sets, lineEnding], (p, list, ending) => {
			let text: string;
			try {
				text = buildInterchange(p, { controlNumber: 42, sets: list, now: NOW }).text;
			} catch (e) {
				expect(e).toBeInstanceOf(EdiBuildError);
				expect(holdsDelimiter(p, list)).toBe(true);
				expect((e as Error).message).toMatch(/^[A-Z][A-Z0-9]{1,2}\d\d .*(contains the|contains a line break)/s);
				refused++;
				return;
			}
			expect(holdsDelimiter(p, list)).toBe(false);
			const [i] = parseX12(withLineEndings(text, p, ending));
			expect(i.delimiters).toEqual({ element: p.element, segment: p.segment, component: p.component, repetition: p.version === '5010' ? p.repetition : null });
			expect(i.header).toMatchObject({ senderId: 'SELLER', receiverId: '123456789', controlNumber: '000000042', version: p.version === '5010' ? '00501' : '00401' });
			const txs = i.groups[0].transactions;
			expect(txs.map((t) => t.setId)).toEqual(list.map((s) => s.setId));
			txs.forEach((t, k) => expect(t.segments.map((s) => ({ id: s.id, elements: s.elements }))).toEqual(expected(list[k])));
			expect(acknowledgmentsFor(i).acks).toHaveLength(1);
			built++;
		});
		expect(built).toBeGreaterThan(100);
		expect(refused).toBeGreaterThan(20);
	}, PROPERTY_TIMEOUT_MS);

	it('envelope values: refused by checkPartner with a clear error, or read back as given', () => {
		const isaText = fc.oneof(fc.stringMatching(/^[A-Z0-9 ]{1,10}$/), hostileString(10));
		checkProperty(
			{ name: 'edi.partnerSettings', numRuns: 500, seed: 1805002 },
			[partner, fc.record({ authInfo: isaText, securityInfo: isaText, senderId: isaText, receiverId: isaText, senderCode: fc.option(isaText, { nil: undefined }) })],
			(p, values) => {
				const settings: PartnerSettings = { ...p, ...values, authQualifier: '03', securityQualifier: '01' };
				try {
					checkPartner(settings);
				} catch (e) {
					expect(e).toBeInstanceOf(EdiBuildError);
					expect((e as Error).message).toMatch(/^EDI trading partner settings: /);
					return;
				}
				const text = buildInterchange(settings, { controlNumber: 7, sets: [{ setId: '997', segments: [['AK1', 'PO', '1'], ['AK9', 'A', 1, 1, 1]] }], now: NOW }).text;
				const [i] = parseX12(text);
				expect(i.header).toMatchObject({
					authInfo: values.authInfo.padEnd(10, ' '),
					securityInfo: values.securityInfo.padEnd(10, ' '),
					senderId: values.senderId.trim(),
					receiverId: values.receiverId.trim(),
				});
				expect(i.groups[0].senderCode).toBe((values.senderCode || values.senderId.trim()).trim());
			},
		);
	}, PROPERTY_TIMEOUT_MS);

	it('a mutated file reads or is refused with an X12ParseError, and its 997 can always be made', () => {
		const dir = join(__dirname, '../../fixtures/edi');
		// the published samples (bare transaction sets put in an envelope, and the 945 with its segment count fixed)
		const isa = 'ISA*00*          *00*          *ZZ*WAREHOUSE3PL   *ZZ*SELLER         *260501*1200*U*00401*000000501*0*P*>~';
		const files = readdirSync(dir)
			.filter((f) => /\.(edi|txt)$/.test(f))
			.map((f) => {
				const text = readFileSync(join(dir, f), 'utf8').replace('SE*32*0001', 'SE*29*0001');
				if (!f.endsWith('.set.edi')) return text;
				const fid = f.startsWith('997') ? 'FA' : 'SW';
				return `${isa}GS*${fid}*WAREHOUSE3PL*SELLER*20260501*1200*501*X*004010~${text.trim()}\nGE*1*501~IEA*1*000000501~`;
			});
		const retailer = makeOrder({ channel: 'edi-acme', channelOrderId: 'PO-1', customer: { email: 'a@b.example', name: 'Acme', phone: null, channelCustomerId: 'B1' } });
		const p: PartnerSettings = { senderQualifier: 'ZZ', senderId: 'RETAILER', receiverQualifier: 'ZZ', receiverId: 'SELLER', version: '5010', usage: 'P', ackRequested: true, element: '*', segment: '~', component: ':', repetition: '^', lineBreak: true };
		files.push(buildInterchange(p, { controlNumber: 9, sets: [write850(retailer)], now: NOW }).text);
		files.push(buildInterchange({ ...p, segment: '\n', lineBreak: false }, { controlNumber: 10, sets: [write940(shippingOrderOf(retailer, 'R-1'))], now: NOW }).text);

		type Edit = { op: 'delete' | 'insert' | 'replace' | 'duplicate' | 'swap' | 'cut'; at: number; len: number; text: string; other: number };
		const edit: fc.Arbitrary<Edit> = fc.record({
			op: fc.constantFrom('delete', 'insert', 'replace', 'replace', 'replace', 'duplicate', 'swap', 'cut'),
			at: fc.nat(),
			len: fc.integer({ min: 1, max: 12 }),
			text: fc.oneof(hostileString(6), fc.constantFrom('*', '~', '\n', '\r\n', ':', '^', '>', '|', 'ISA', 'GS*', 'ST*850*0001', 'SE*', 'IEA*1*', '9'.repeat(40), '-1', '.5', 'CUR*BY*XX', 'PO1*1*999999*EA*99999999999')),
			other: fc.nat(),
		});
		const apply = (text: string, e: Edit): string => {
			const at = e.at % (text.length + 1);
			switch (e.op) {
				case 'delete':
					return text.slice(0, at) + text.slice(at + e.len);
				case 'insert':
					return text.slice(0, at) + e.text + text.slice(at);
				case 'replace':
					return text.slice(0, at) + e.text + text.slice(at + e.text.length);
				case 'cut':
					return text.slice(0, at);
				default: {
					// whole segments, split on the terminator this file uses (the character after ISA16)
					const term = text.length > 106 ? text[text.indexOf('ISA') + 105] : '~';
					const segs = text.split(term);
					const a = e.at % segs.length;
					const b = e.other % segs.length;
					if (e.op === 'duplicate') segs.splice(a, 0, segs[a]);
					else [segs[a], segs[b]] = [segs[b], segs[a]];
					return segs.join(term);
				}
			}
		};
		const tally = { read: 0, refused: 0, acknowledged: 0 };
		checkProperty({ name: 'edi.mutatedFile', numRuns: 1500, seed: 1805003 }, [fc.nat(), fc.array(edit, { minLength: 1, maxLength: 2 })], (n, edits) => {
			const text = edits.reduce(apply, files[n % files.length]);
			const opts = { defaultCurrency: 'USD', defaultCountry: 'US' };
			try {
				readDocument(text, opts);
				tally.read++;
			} catch (e) {
				if (!(e instanceof X12ParseError)) throw e;
				expect(e.message.length).toBeGreaterThan(0);
				tally.refused++;
			}
			let interchanges;
			try {
				interchanges = parseX12(text);
			} catch (e) {
				if (!(e instanceof X12ParseError)) throw e;
				return;
			}
			for (const i of interchanges) {
				const { acks, sets: out } = acknowledgmentsFor(i, opts);
				expect(acks).toHaveLength(i.groups.length);
				expect(out).toHaveLength(i.groups.length);
				tally.acknowledged++;
			}
		});
		expect(tally.read).toBeGreaterThan(40);
		expect(tally.refused).toBeGreaterThan(200);
		expect(tally.acknowledged).toBeGreaterThan(100);
	}, PROPERTY_TIMEOUT_MS);
});
