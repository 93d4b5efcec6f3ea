/**
 * Properties of the report renderers (lib/report/render) on results whose text cells (SKUs, rule names, channels,
 * currencies, dates) are any text and whose figures are numbers at the edges. Promises:
 * - report.markdownText: mdText makes any text one inert line (every Markdown punctuation escaped, & < > entities);
 * - report.markdown: the Markdown summary never throws, has the same lines whatever the text, and no text from the
 *   data forms a link, autolink, image, HTML, code, emphasis, table, heading or list in it;
 * - report.html: the page never throws and holds only the tags and attributes the renderer writes itself;
 * - report.csv: the CSV parses back (RFC 4180) to the rows and columns it was made from, every text cell as it was,
 *   except that one a spreadsheet would run as a formula (= + - @ tab CR first) starts with an apostrophe.
 */
import fc from 'fast-check';
import { REPORT_NAMES, toCsv, toHtml, toMarkdown, type Column, type ReportResult, type Row } from '../../../lib/report';
import { mdText } from '../../../lib/report/render/markdown';
import { csvCell } from '../../../lib/report/render/format';
import { edgeNumber, hostileString } from './arbitraries';
import { checkProperty, PROPERTY_TIMEOUT_MS } from './harness';

const TEXT_KEYS = ['channel', 'currency', 'sku', 'rule', 'date', 'oldestPlacedAt', 'location'] as const;
const NUMBER_KEYS = ['orders', 'units', 'revenue', 'pass', 'review', 'reject', 'unitsWaiting', 'oldestAgeDays', 'shipped', 'p50Hours', 'p90Hours', 'shippedLate', 'overdue', 'onHand', 'reserved', 'atp', 'received', 'cancelled'] as const;
const COLUMNS: Column[] = [
	...TEXT_KEYS.map((key) => ({ key, label: key, type: key === 'date' ? ('date' as const) : ('text' as const) })),
	...NUMBER_KEYS.map((key) => ({ key, label: key, type: key === 'revenue' ? ('money' as const) : key.endsWith('Hours') ? ('number' as const) : ('int' as const) })),
];

const cellText = fc.oneof({ arbitrary: hostileString(20), weight: 6 }, { arbitrary: fc.constantFrom('(all)', 'USD', 'JPY', 'shopify', 'amazon', '2026-05-01'), weight: 2 });
const cellNumber = fc.oneof({ arbitrary: edgeNumber, weight: 5 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: hostileString(6), weight: 1 });
const row: fc.Arbitrary<Row> = fc.record({
	...Object.fromEntries(TEXT_KEYS.map((k) => [k, cellText])),
	...Object.fromEntries(NUMBER_KEYS.map((k) => [k, cellNumber])),
}) as fc.Arbitrary<Row>;

const result: fc.Arbitrary<ReportResult> = fc.record({
	report: fc.constantFrom(...REPORT_NAMES),
	rows: fc.array(row, { maxLength: 6 }),
	compare: fc.boolean(),
	previous: fc.array(row, { maxLength: 3 }),
	interval: fc.constantFrom(undefined, 'day', 'week', 'month'),
}).map(({ report, rows, compare, previous, interval }) => ({
	report,
	title: `Report ${report}`,
	timeZone: 'UTC',
	generatedAt: '2026-05-02T20:00:00.000Z',
	period: { from: '2026-04-28T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z', timeZone: 'UTC', label: 'last 4 days (2026-04-28 – 2026-05-01)', firstDay: '2026-04-28', lastDay: '2026-05-01' },
	previousPeriod: compare ? { from: '2026-04-24T00:00:00.000Z', to: '2026-04-28T00:00:00.000Z', timeZone: 'UTC', label: 'previous period', firstDay: '2026-04-24', lastDay: '2026-04-27' } : null,
	columns: COLUMNS,
	rows,
	previousRows: compare ? previous : null,
	options: interval ? { interval } : {},
	counts: 'Counts sold orders placed in the period.',
}));

/**
 * The same report with every text cell replaced by a plain token, one per distinct text (so rows that grouped
 * together still do): its structure without the data's text. The fraud report's "(all)" and the currencies (which
 * decide whether revenue can be summed) are kept.
 */
function plain(r: ReportResult): ReportResult {
	const tokens = new Map<string, string>();
	const token = (v: string) => tokens.get(v) ?? (tokens.set(v, `x${tokens.size}`), tokens.get(v)!);
	const p = (rows: Row[]) => rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, typeof v === 'string' && v !== '(all)' && k !== 'currency' ? token(v) : v])));
	return { ...r, rows: p(r.rows), previousRows: r.previousRows ? p(r.previousRows) : null };
}

const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
/** Markdown that no text can turn into anything: each punctuation escaped, & only as an entity, one line. */
function inert(md: string): void {
	expect(md).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
	for (let i = 0; i < md.length; i++) {
		const c = md[i];
		if (c === '\\') {
			expect(md[i + 1]).toMatch(PUNCT);
			i++;
		} else if (c === '&') {
			expect(md.slice(i)).toMatch(/^&(amp|lt|gt);/);
			i += md.slice(i).indexOf(';');
		} else expect(`${c} at ${i} of ${JSON.stringify(md)}`).not.toMatch(/^[[\]<>`*_|~!@$^{}#:.()+\-"'\\]/);
	}
}

describe('report renderers', () => {
	it('mdText turns any text into one inert Markdown line', () => {
		checkProperty({ name: 'report.markdownText', numRuns: 1000, seed: 1804001 }, [hostileString(40)], (s) => inert(mdText(s)));
	}, PROPERTY_TIMEOUT_MS);

	it('the Markdown summary keeps its lines and lets no text from the data become markup', () => {
		checkProperty({ name: 'report.markdown', numRuns: 600, seed: 1804002 }, [result], (r) => {
			const md = toMarkdown(r);
			const lines = md.split('\n');
			expect(lines.length).toBe(toMarkdown(plain(r)).split('\n').length);
			lines.forEach((line, i) => {
				let body = line.replace(/^(- |\d+\. )/, '');
				if (i === 0) body = body.replace(/^\*\*[^*]*\*\*/, '');
				// what is left: our own words and figures, and the data through mdText
				const withoutEscapes = body.replace(/\\[!-/:-@[-`{-~]/g, '\u0001').replace(/&(amp|lt|gt);/g, '\u0001');
				expect(withoutEscapes).not.toMatch(/[[\]<>`*_|~!@$^{}#\\&]/);
				expect(withoutEscapes).not.toMatch(/https?:\/\/|www\./i);
			});
		});
	}, PROPERTY_TIMEOUT_MS);

	it('the HTML page holds only the tags and attributes the renderer writes', () => {
		const tagsAndAttributes = (html: string) => {
			const tags = new Set<string>();
			const attributes = new Set<string>();
			for (const m of html.matchAll(/<(\/?[!A-Za-z][\w-]*)([^<>]*)>/g)) {
				tags.add(m[1]);
				for (const a of m[2].matchAll(/\s([^\s=/"']+)(?==")/g)) attributes.add(a[1]);
			}
			return { tags, attributes, lt: (html.match(/</g) ?? []).length, matched: [...html.matchAll(/<(\/?[!A-Za-z][\w-]*)([^<>]*)>/g)].length };
		};
		const baseline = { tags: new Set<string>(), attributes: new Set<string>() };
		// what the renderer writes with plain data: every report, with rows and without, compared or not
		for (const r of fc.sample(result, { numRuns: 40, seed: 1 })) {
			for (const report of REPORT_NAMES) {
				for (const rows of [plain(r).rows, []]) {
					const b = tagsAndAttributes(toHtml({ ...plain(r), report, rows }));
					b.tags.forEach((t) => baseline.tags.add(t));
					b.attributes.forEach((a) => baseline.attributes.add(a));
				}
			}
		}
		checkProperty({ name: 'report.html', numRuns: 300, seed: 1804003 }, [result], (r) => {
			const found = tagsAndAttributes(toHtml(r));
			expect(found.lt).toBe(found.matched);
			for (const t of found.tags) expect(baseline.tags).toContain(t);
			for (const a of found.attributes) expect(baseline.attributes).toContain(a);
		});
	}, PROPERTY_TIMEOUT_MS);

	it('the CSV reads back to its rows, text as it was, formulas defused', () => {
		checkProperty({ name: 'report.csv', numRuns: 400, seed: 1804004 }, [result], (r) => {
			const records = parseCsv(toCsv(r));
			expect(records.length).toBe(r.rows.length + 1);
			expect(records[0]).toEqual(r.columns.map((c) => c.key));
			r.rows.forEach((x, i) => {
				r.columns.forEach((c, j) => {
					const cell = records[i + 1][j];
					const text = csvCell(c, x);
					if (typeof x[c.key] === 'number') expect(cell).toBe(text);
					else {
						expect(cell).toBe(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
						expect(cell).not.toMatch(/^[=+\-@\t\r]/);
					}
				});
			});
		});
	}, PROPERTY_TIMEOUT_MS);
});

/** RFC 4180: CRLF records, fields quoted when they hold a comma, quote or line break, "" for a quote inside. */
function parseCsv(text: string): string[][] {
	const records: string[][] = [];
	let field = '';
	let record: string[] = [];
	let i = 0;
	let quoted = false;
	while (i < text.length) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i += 2;
			} else if (c === '"') {
				quoted = false;
				i++;
			} else {
				field += c;
				i++;
			}
		} else if (c === '"' && field === '') {
			quoted = true;
			i++;
		} else if (c === ',') {
			record.push(field);
			field = '';
			i++;
		} else if (c === '\r' && text[i + 1] === '\n') {
			record.push(field);
			records.push(record);
			record = [];
			field = '';
			i += 2;
		} else {
			if (c === '\r' || c === '\n' || c === '"') throw new Error(`unquoted ${JSON.stringify(c)} at ${i}`);
			field += c;
			i++;
		}
	}
	if (field !== '' || record.length) throw new Error('the last record does not end in CRLF');
	return records;
}
