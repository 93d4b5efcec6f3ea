/**
 * The X12 tokenizer and envelope validator on published samples (test/fixtures/edi, sources in SOURCES.md) and on
 * hand-broken interchanges: delimiters come from the ISA, and every malformed interchange is refused naming the
 * segment position, segment id and element.
 */
import { buildInterchange, checkPartner, controlSequence, EdiBuildError, parseInterchange, parseX12, X12ParseError, type PartnerSettings } from '../../../lib/edi';
import { fixture, FROM_RETAILER, TO_WAREHOUSE } from './partners';

function refusal(text: string): X12ParseError {
	try {
		parseX12(text);
	} catch (err) {
		expect(err).toBeInstanceOf(X12ParseError);
		return err as X12ParseError;
	}
	throw new Error('expected the interchange to be refused');
}

const ISA = 'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260501*1200*U*00401*000000904*0*T*>~';
const GOOD = `${ISA}GS*OW*SENDER*RECEIVER*20260501*1200*904*X*004010~ST*940*0001~W05*N*shopify:1~LX*1~W01*1*EA**SK*A~SE*5*0001~GE*1*904~IEA*1*000000904~`;

describe('delimiters are read from the ISA', () => {
	it('reads * > ~ (node-x12 850), ~ > } with indentation (846), ~ ` * (856) and a line-break terminator (EdiEngine 940)', () => {
		const a = parseInterchange(fixture('850-node-x12.edi'));
		expect(a.delimiters).toEqual({ element: '*', segment: '~', component: '>', repetition: null });
		expect(a.header).toMatchObject({ senderQualifier: '12', senderId: '4405197800', receiverQualifier: '01', receiverId: '999999999', controlNumber: '000003438', version: '00400', usage: 'P' });
		expect(a.groups[0]).toMatchObject({ functionalId: 'PO', controlNumber: '1421', version: '004010VICS' });
		expect(a.groups[0].transactions[0]).toMatchObject({ setId: '850', controlNumber: '000000010' });
		expect(a.groups[0].transactions[0].segments).toHaveLength(31);
		expect(a.segmentCount).toBe(37);

		const b = parseInterchange(fixture('846-oopfactory-example1.txt'));
		expect(b.delimiters).toEqual({ element: '~', segment: '}', component: '>', repetition: null });
		expect(b.groups[0].transactions[0].segments.map((s) => s.id)).toEqual(['BIA', 'CUR', 'DTM', 'N1', 'N1', 'LIN', 'QTY', 'UIT', 'QTY', 'UIT', 'QTY', 'UIT', 'QTY', 'UIT']);

		const c = parseInterchange(fixture('856-oopfactory-example1.txt'));
		expect(c.delimiters).toEqual({ element: '~', segment: '*', component: '`', repetition: null });

		const d = parseInterchange(fixture('940-edi-engine.edi'));
		expect(d.delimiters.segment).toBe('\n');
		expect(d.groups[0].transactions[0].segments[0]).toEqual({ id: 'W05', elements: ['N', '538686', '', '001001', '538686'], position: 4 });
	});

	it('5010: ISA11 is the repetition separator', () => {
		const built = buildInterchange(FROM_RETAILER, { controlNumber: 7, sets: [{ setId: '997', segments: [['AK1', 'PO', '1', '005010'], ['AK9', 'A', 1, 1, 1]] }], now: new Date('2026-05-01T12:00:00Z') });
		const i = parseInterchange(built.text);
		expect(i.delimiters).toEqual({ element: '|', segment: '\n', component: ':', repetition: '^' });
		expect(i.header.version).toBe('00501');
		expect(i.groups[0].version).toBe('005010');
	});

	it('tolerates CRLF between segments, a byte order mark, and reads two interchanges in one file', () => {
		const crlf = '\uFEFF' + GOOD.replace(/~/g, '~\r\n');
		expect(parseX12(crlf + GOOD.replace(/000000904/g, '000000905').replace(/\*904/g, '*905'))).toHaveLength(2);
	});

	it('reads a file whose segments end in CR LF with no other terminator (the terminator is read as CR)', () => {
		// issue 18: the LF after each CR was taken as the start of the next segment, and the file refused
		const crlf = GOOD.replace(/~/g, '\r\n');
		const i = parseInterchange(crlf);
		expect(i.delimiters.segment).toBe('\r');
		expect(i.groups[0].transactions[0].segments.map((s) => s.id)).toEqual(['W05', 'LX', 'W01']);
		expect(i.groups[0].transactions[0].segments[2].elements).toEqual(['1', 'EA', '', 'SK', 'A']);
	});

	it('reads blank lines between line-break-terminated segments, and any run of blanks between segments', () => {
		expect(parseInterchange(GOOD.replace(/~/g, '\n\n')).segmentCount).toBe(9);
		expect(parseInterchange(GOOD.replace(/~/g, '~' + ' \r\n\t'.repeat(300))).segmentCount).toBe(9);
	});
});

describe('published samples that are malformed are refused with the segment and element', () => {
	it.each([
		['940-edi-engine-failed-se01.edi', 'SE01 segment count 12 does not match 9 segments at segment 11 (SE), element 1', 11, 'SE', 1],
		['940-edi-engine-control-mismatch.edi', 'SE02 control number 0002 does not match ST02 0001 at segment 7 (SE), element 2', 7, 'SE', 2],
		['940-oopfactory-simplot.txt', 'GE02 control number 940001777 does not match GS06 177818711 at segment 30 (GE), element 2', 30, 'GE', 2],
		['850-oopfactory-adobe-bad-isa06.txt', "ISA06 must be 15 characters, got 14 ('PARTNER       ') at segment 1 (ISA), element 6", 1, 'ISA', 6],
		['945-oopfactory-inter-american.txt', "ISA11 repetition separator must be a special character from 00501 on, got 'U' at segment 1 (ISA), element 11", 1, 'ISA', 11],
	])('%s', (file, message, position, segmentId, element) => {
		const err = refusal(fixture(file));
		expect(err.message).toBe(message);
		expect([err.position, err.segmentId, err.element]).toEqual([position, segmentId, element]);
	});
});

describe('hand-broken interchanges', () => {
	it('parses the good one', () => {
		expect(parseInterchange(GOOD).groups[0].transactions[0].segments.map((s) => s.id)).toEqual(['W05', 'LX', 'W01']);
	});

	it.each([
		['ISA16 missing', GOOD.slice(0, 104), 'ISA16 missing at segment 1 (ISA), element 16'],
		['IEA02 mismatch', GOOD.replace('IEA*1*000000904', 'IEA*1*000000905'), 'IEA02 control number 000000905 does not match ISA13 000000904 at segment 9 (IEA), element 2'],
		['IEA01 count', GOOD.replace('IEA*1*', 'IEA*2*'), 'IEA01 group count 2 does not match 1 functional groups at segment 9 (IEA), element 1'],
		['GE01 count', GOOD.replace('GE*1*904', 'GE*3*904'), 'GE01 transaction set count 3 does not match 1 transaction sets at segment 8 (GE), element 1'],
		['SE01 count', GOOD.replace('SE*5*0001', 'SE*12*0001'), 'SE01 segment count 12 does not match 5 segments at segment 7 (SE), element 1'],
		['no IEA', GOOD.replace('IEA*1*000000904~', ''), 'IEA missing; the interchange 000000904 ends without IEA at segment 9'],
		['no SE', GOOD.replace('SE*5*0001~', ''), 'SE missing: transaction set 940 0001 (segment 3) is not closed before GE at segment 7 (GE)'],
		['segment outside a set', GOOD.replace('GE*1*904~', 'W05*N*x~GE*1*904~'), 'W05 outside a transaction set (ST missing) at segment 8 (W05)'],
		['GS06 not digits', GOOD.replace('*904*X*', '*9A4*X*').replace('GE*1*904', 'GE*1*9A4'), "GS06 group control number must be 1 to 9 digits, got '9A4' at segment 2 (GS), element 6"],
		['GS03 empty', GOOD.replace('GS*OW*SENDER*RECEIVER*', 'GS*OW*SENDER**'), 'GS03 missing at segment 2 (GS), element 3'],
		['ISA13 not digits', GOOD.replace('000000904*0*T', '00000090X*0*T'), "ISA13 control number must be 9 digits, got '00000090X' at segment 1 (ISA), element 13"],
		['ISA15', GOOD.replace('*0*T*>', '*0*Q*>'), "ISA15 usage indicator must be P, T or I, got 'Q' at segment 1 (ISA), element 15"],
		['same delimiter twice', GOOD.replace('*T*>~', '*T*~~'), "The delimiters must differ: element '*', component '~', segment '~' at segment 1 (ISA), element 16"],
		['terminator changed mid-way: the counts no longer add up', GOOD.replace('LX*1~', 'LX*1!'), 'SE01 segment count 5 does not match 4 segments at segment 6 (SE), element 1'],
		['not a segment id', GOOD.replace('LX*1~', 'L-X*1~'), "'L-X' is not a segment id (did the segment terminator '~' or element separator '*' change?) at segment 5"],
		['not X12', 'hello', "An interchange must begin with ISA, found 'hel' at segment 1"],
	])('%s', (_name, text, message) => {
		expect(refusal(text).message).toBe(message);
	});

	it('a segment id with lower case letters is refused', () => {
		expect(refusal(GOOD.replace('LX*1~', 'lx*1~')).message).toMatch(/^'lx' is not a segment id .* at segment 5$/);
	});
});

describe('envelope builder', () => {
	const now = new Date('2026-05-01T12:34:56Z');

	it('writes ISA/GS/ST/SE/GE/IEA with the partner IDs, version, usage and control numbers, and it parses back', () => {
		const built = buildInterchange(TO_WAREHOUSE, { controlNumber: 42, sets: [{ setId: '940', segments: [['W05', 'N', 'shopify:1'], ['LX', 1], ['W01', 1, 'EA', null, 'SK', 'A']] }], now });
		expect(built.text.split('\n')[0]).toBe('ISA*00*          *00*          *ZZ*SELLER         *ZZ*WAREHOUSE3PL   *260501*1234*U*00401*000000042*0*T*>~');
		expect(built.text.split('\n')[1]).toBe('GS*OW*SELLER*WAREHOUSE3PL*20260501*1234*42*X*004010~');
		expect(built.text).toContain('W01*1*EA**SK*A~');
		expect(built).toMatchObject({ interchangeControl: '000000042', groupControl: '42', functionalId: 'OW', sets: [{ setId: '940', controlNumber: '0001' }], scope: 'x12:ZZ/SELLER>ZZ/WAREHOUSE3PL' });
		const back = parseInterchange(built.text);
		expect(back.header).toMatchObject({ senderId: 'SELLER', receiverId: 'WAREHOUSE3PL', controlNumber: '000000042', usage: 'T' });
		expect(back.groups[0].transactions[0].segments.map((s) => s.id)).toEqual(['W05', 'LX', 'W01']);
	});

	it('refuses a value holding a delimiter (X12 has no escape), naming the element', () => {
		expect(() => buildInterchange(TO_WAREHOUSE, { controlNumber: 1, sets: [{ setId: '940', segments: [['W05', 'N', 'a*b']] }], now })).toThrow(
			new EdiBuildError("W0502 'a*b' contains the element separator '*'; X12 has no escape, change the value or the separator"),
		);
		expect(() => buildInterchange(TO_WAREHOUSE, { controlNumber: 1, sets: [{ setId: '940', segments: [['G69', 'Mug~XL']] }], now })).toThrow(/G6901 'Mug~XL' contains the segment terminator '~'/);
	});

	it('checks the partner settings, naming each field', () => {
		const bad = { ...TO_WAREHOUSE, senderQualifier: 'Z', receiverId: 'X'.repeat(16), version: '3060', element: 'A', component: '~' } as unknown as PartnerSettings;
		expect(() => checkPartner(bad)).toThrow(
			"EDI trading partner settings: Sender ID Qualifier must be a 2-character ID qualifier (e.g. ZZ, 01, 12), got 'Z'; Receiver ID 'XXXXXXXXXXXXXXXX' is longer than 15 characters; Version must be 4010 or 5010, got '3060'; Element Separator must be one special character (not a letter, digit or blank), got 'A'; The separators must all differ (got Element Separator 'A', Segment Terminator '~', Sub-element Separator '~')",
		);
	});

	it('refuses an envelope value holding a delimiter, a line break or a non-ASCII character: it would build an interchange no parser reads', () => {
		// issue 18: a password with '*' in ISA04 built an ISA this package's own parser refused
		const cases: Array<[Partial<PartnerSettings>, string]> = [
			[{ securityQualifier: '01', securityInfo: 'pa*ss' }, "Security Information (ISA04) contains the Element Separator '*'"],
			[{ authQualifier: '03', authInfo: 'a~b' }, "Authorization Information (ISA02) contains the Segment Terminator '~'"],
			[{ authQualifier: '03', authInfo: 'x>y' }, "Authorization Information (ISA02) contains the Sub-element Separator '>'"],
			[{ senderId: 'SELL*ER' }, "Sender ID (ISA06) contains the Element Separator '*'"],
			[{ receiverCode: 'WH~1' }, "Receiver Application Code (GS03) contains the Segment Terminator '~'"],
			[{ securityQualifier: '01', securityInfo: 'line\nbreak' }, 'Security Information (ISA04) may only hold printable ASCII characters, got "\\n"'],
			[{ senderId: 'SELLÉR' }, 'Sender ID (ISA06) may only hold printable ASCII characters, got "É"'],
			[{ ...FROM_RETAILER, securityQualifier: '01', securityInfo: 'a^b' }, "Security Information (ISA04) contains the Repetition Separator '^'"],
			[{ ...FROM_RETAILER, authQualifier: '03', authInfo: 'a\nb' }, "Authorization Information (ISA02) contains the Segment Terminator '\\n'"],
		];
		for (const [over, message] of cases) {
			const p = { ...TO_WAREHOUSE, ...over } as PartnerSettings;
			expect(() => checkPartner(p)).toThrow(message);
			expect(() => buildInterchange(p, { controlNumber: 1, sets: [{ setId: '997', segments: [['AK1', 'PO', '1'], ['AK9', 'A', 1, 1, 1]] }], now })).toThrow(EdiBuildError);
		}
		// every special character that is not a separator is fine, and reads back as written
		const ok = { ...TO_WAREHOUSE, authQualifier: '03', authInfo: 'A!"&\'()+,-', securityQualifier: '01', securityInfo: './:;?=%@[]' };
		const back = parseInterchange(buildInterchange(ok, { controlNumber: 1, sets: [{ setId: '997', segments: [['AK1', 'PO', '1'], ['AK9', 'A', 1, 1, 1]] }], now }).text);
		expect([back.header.authInfo, back.header.securityInfo]).toEqual(['A!"&\'()+,-', './:;?=%@[]']);
	});

	it('control sequences wrap after 999,999,999', () => {
		expect(controlSequence(999_999_998, 4)).toEqual([999_999_998, 999_999_999, 1, 2]);
	});
});
