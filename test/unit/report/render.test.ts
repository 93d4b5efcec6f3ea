/**
 * The renderers on constructed results: CSV quoting and formula defusing, Markdown lines, self-contained escaped HTML,
 * and what each says the figures count (CSV header suffix, Markdown line, HTML caption).
 */
import { toCsv, toHtml, toMarkdown, type ReportResult } from '../../../lib/report';

/** A top-SKUs result with these rows (sku, units) */
function topSkus(rows: ReportResult['rows']): ReportResult {
	return result({
		report: 'topSkus',
		columns: [
			{ key: 'sku', label: 'SKU', type: 'text' },
			{ key: 'units', label: 'Units', type: 'int' },
		],
		rows,
	});
}

function result(over: Partial<ReportResult>): ReportResult {
	return {
		report: 'byChannel',
		title: 'Orders by channel',
		timeZone: 'UTC',
		generatedAt: '2026-05-02T20:00:00.000Z',
		period: { from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z', timeZone: 'UTC', label: 'yesterday (2026-05-01)', firstDay: '2026-05-01', lastDay: '2026-05-01' },
		previousPeriod: null,
		columns: [
			{ key: 'channel', label: 'Channel', type: 'text' },
			{ key: 'currency', label: 'Currency', type: 'text' },
			{ key: 'orders', label: 'Orders', type: 'int', scoped: true },
			{ key: 'units', label: 'Units', type: 'int', scoped: true },
			{ key: 'revenue', label: 'Revenue', type: 'money', scoped: true },
		],
		rows: [
			{ channel: 'amazon', currency: 'USD', orders: 500, units: 700, revenue: 12345.6 },
			{ channel: 'shopify', currency: 'USD', orders: 300, units: 310, revenue: 4000 },
			{ channel: 'shopify', currency: 'JPY', orders: 2, units: 2, revenue: 3000 },
			{ channel: 'amazon', currency: 'KWD', orders: 1, units: 1, revenue: 1.5 },
		],
		previousRows: null,
		options: {},
		counts: 'Counts sold orders placed in the period.',
		...over,
	};
}

describe('CSV', () => {
	it('writes plain numbers with the currency’s decimals, CRLF lines', () => {
		expect(toCsv(result({}))).toBe(
			'channel,currency,orders_sold,units_sold,revenue_sold\r\namazon,USD,500,700,12345.60\r\nshopify,USD,300,310,4000.00\r\nshopify,JPY,2,2,3000\r\namazon,KWD,1,1,1.500\r\n',
		);
	});

	it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas in text', () => {
		const csv = toCsv(
			topSkus([
				{ sku: 'A,"B"\nC', units: -3 },
				{ sku: '=HYPERLINK("http://x")', units: 1 },
				{ sku: '@SUM(1)', units: 2 },
			]),
		);
		expect(csv).toBe('sku,units\r\n"A,""B""\nC",-3\r\n"\'=HYPERLINK(""http://x"")",1\r\n\'@SUM(1),2\r\n');
	});

	it('names in the header which orders a counted column holds: sold by default, every status when included', () => {
		const cols = (csv: string) => csv.split('\r\n')[0];
		expect(cols(toCsv(result({})))).toBe('channel,currency,orders_sold,units_sold,revenue_sold');
		expect(cols(toCsv(result({ options: { includeUnsold: true } })))).toBe('channel,currency,orders_all_statuses,units_all_statuses,revenue_all_statuses');
		// columns that count no orders keep their key
		expect(cols(toCsv(result({ columns: [{ key: 'sku', label: 'SKU', type: 'text' }], rows: [] })))).toBe('sku');
	});
});

describe('Markdown summary', () => {
	it('gives the headline by channel and revenue per currency, never summed across currencies', () => {
		expect(toMarkdown(result({}))).toBe(
			[
				'**Orders yesterday (2026-05-01, UTC): 803** — Amazon 501, Shopify 302',
				'- Counts sold orders placed in the period.',
				'- Units: 1,013',
				'- Revenue: JPY 3,000; KWD 1.500; USD 16,345.60',
				'',
			].join('\n'),
		);
	});

	it('says how the period compares with the previous one', () => {
		const md = toMarkdown(
			result({
				previousPeriod: { from: '2026-04-30T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z', timeZone: 'UTC', label: 'previous period', firstDay: '2026-04-30', lastDay: '2026-04-30' },
				previousRows: [{ channel: 'amazon', currency: 'USD', orders: 730, units: 1, revenue: 1 }],
			}),
		);
		expect(md).toContain('- Previous period (2026-04-30 – 2026-04-30): 730 orders (+10%)');
	});

	it('handles an empty period', () => {
		expect(toMarkdown(result({ rows: [] }))).toBe('**Orders yesterday (2026-05-01, UTC): 0**\n- Counts sold orders placed in the period.\n');
	});

	it('writes SKUs, rule names and channels as inert text: no link, image, HTML, heading, list or emphasis (issue 18)', () => {
		const md = toMarkdown(
			topSkus([
				{ sku: '[click me](https://evil.example/x)', units: 9 },
				{ sku: '<img src=x onerror=alert(1)>', units: 8 },
				{ sku: 'A\n# Heading\n\n- item', units: 7 },
				{ sku: '**bold** _it_ `code` ~~gone~~ | a | b |', units: 6 },
				{ sku: 'https://evil.example www.evil.example user@evil.example', units: 5 },
				{ sku: '    indented', units: 4 },
				{ sku: '![i](data:x) &lt;b&gt; \\[x]', units: 3 },
			]),
		);
		expect(md.split('\n')).toEqual([
			'**Top SKUs yesterday (2026-05-01, UTC)**',
			'- Counts sold orders placed in the period.',
			'1. \\[click me\\]\\(https\\://evil\\.example/x\\): 9 units',
			'2. &lt;img src=x onerror=alert\\(1\\)&gt;: 8 units',
			'3. A \\# Heading \\- item: 7 units',
			'4. \\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~ \\| a \\| b \\|: 6 units',
			'5. https\\://evil\\.example www\\.evil\\.example user\\@evil\\.example: 5 units',
			'6. indented: 4 units',
			'7. \\!\\[i\\]\\(data\\:x\\) &amp;lt;b&amp;gt; \\\\\\[x\\]: 3 units',
			'',
		]);

		const fraud = toMarkdown(
			result({
				report: 'fraud',
				columns: [],
				rows: [
					{ channel: 'shop_a_', rule: '(all)', orders: 2, pass: 1, review: 1, reject: 0 },
					{ channel: 'shop_a_', rule: '[rule](javascript:alert(1))', orders: 1, pass: 0, review: 1, reject: 0 },
				],
			}),
		);
		expect(fraud).toContain('- Rules that fired most: \\[rule\\]\\(javascript\\:alert\\(1\\)\\) 1');
		expect(fraud).toContain('- Shop\\_a\\_: 1 pass, 1 review, 0 reject');
	});
});

describe('HTML page', () => {
	it('is self-contained: no scripts, no external URLs, a CSP that forbids loading anything', () => {
		const html = toHtml(result({}));
		expect(html).toMatch(/^<!DOCTYPE html>/);
		expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
		expect(html).not.toMatch(/<script|<link|<img|src=|href=/i);
		// the only URL is the SVG namespace
		expect(html.match(/https?:\/\/[^"]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
	});

	it('draws one bar per channel with its orders and escapes every text', () => {
		const html = toHtml(
			result({
				rows: [
					{ channel: 'amazon', currency: 'USD', orders: 5, units: 5, revenue: 1 },
					{ channel: '<img src=x onerror=alert(1)>', currency: 'USD', orders: 2, units: 2, revenue: 1 },
				],
			}),
		);
		expect(html.match(/<rect class="bar" /g)).toHaveLength(2);
		expect(html).toContain('data-channel="amazon" data-value="5"');
		expect(html).not.toContain('<img');
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
	});

	it('says what the figures count under the title and as the table caption, once each, escaped', () => {
		const html = toHtml(result({ counts: 'Counts sold orders <b>only</b>.' }));
		expect(html).toContain('<p class="counts">Counts sold orders &lt;b&gt;only&lt;/b&gt;.</p>');
		expect(html).toContain('<table><caption>Counts sold orders &lt;b&gt;only&lt;/b&gt;.</caption><thead>');
		expect(html.match(/Counts sold orders/g)).toHaveLength(2);
	});

	it('a channel named after an Object.prototype member is a name like any other (found by report.markdown)', () => {
		const r = result({
			rows: [
				{ channel: 'constructor', currency: 'USD', orders: 1, units: 1, revenue: 1 },
				{ channel: 'toString', currency: 'USD', orders: 2, units: 2, revenue: 2 },
			],
		});
		expect(toMarkdown(r).split('\n')[0]).toBe('**Orders yesterday (2026-05-01, UTC): 3** — ToString 2, Constructor 1');
		const html = toHtml(r);
		expect(html).toContain('data-channel="constructor" data-value="1"');
		expect(html).not.toMatch(/function|native code/);
	});

	it('the summary block escapes the data for HTML and never lets it open or close a tag', () => {
		const html = toHtml(
			topSkus([{ sku: '**</strong><script>x</script>\u0002\u0001', units: 1 }]),
		);
		const summary = /<div class="summary">([\s\S]*?)<\/div>/.exec(html)![1];
		expect(summary).toBe('<p><strong>Top SKUs yesterday (2026-05-01, UTC)</strong></p>\n<p>**&lt;/strong&gt;&lt;script&gt;x&lt;/script&gt;: 1 units</p>');
	});
});
