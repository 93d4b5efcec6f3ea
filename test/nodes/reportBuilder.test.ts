/**
 * The reportBuilder node through n8n-core's WorkflowExecute: items, files (CSV, HTML, Markdown), both stores, errors,
 * and the option that adds rejected, fraud-review and cancelled orders to the sold ones (seed.ts: R1, H1, C1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { closeAllStores } from '../../lib/store/open';
import { openPostgresStore } from '../../lib/store/postgres';
import { openSqliteStore } from '../../lib/store/sqlite';
import { buildWorkflow, itemsOf, nodeError, outputOf, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { NOW, seedOrders, seedReturns, TestClock } from '../unit/report/seed';

const dir = mkdtempSync(join(tmpdir(), 'oms-report-node-'));
const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };
const schemas: string[] = [];
let sqlitePath = '';

beforeAll(async () => {
	sqlitePath = join(dir, 'oms.sqlite');
	const clock = new TestClock();
	const store = await openSqliteStore(sqlitePath, { now: clock.now });
	await seedOrders(store, clock);
	await seedReturns(store, clock);
	await store.close();
});

afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
	if (schemas.length && process.env.OMS_TEST_PG_URL) {
		const c = new Client({ connectionString: process.env.OMS_TEST_PG_URL });
		await c.connect();
		for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
		await c.end();
	}
});

const sqliteCredentials = () => ({ omsStoreApi: { storeType: 'sqlite', sqlitePath } });

function flow(parameters: Record<string, unknown>, items: unknown[] = [{}], extra: Record<string, unknown> = {}) {
	return buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'In', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			{ name: 'Report', type: 'n8n-nodes-oms-wms.reportBuilder', parameters, credentials: CRED, ...extra } as never,
		],
		[
			['Start', 'In'],
			['In', 'Report'],
		],
	);
}

const asOf = { asOf: NOW.toISOString() };

describe('reportBuilder node', () => {
	it('outputs one item per row, paired with the input item', async () => {
		const result = await runWorkflow(flow({ report: 'byChannel', period: 'yesterday', timeZone: 'America/Los_Angeles', output: 'items', options: asOf }), {
			credentials: sqliteCredentials(),
		});
		expect(result.error).toBeUndefined();
		expect(outputOf(result, 'Report')).toEqual([
			{ channel: 'amazon', currency: 'USD', orders: 2, units: 3, revenue: 78.1 },
			{ channel: 'ebay', currency: 'USD', orders: 2, units: 4, revenue: 38.86 },
			{ channel: 'shopify', currency: 'EUR', orders: 1, units: 1, revenue: 29 },
			{ channel: 'shopify', currency: 'USD', orders: 1, units: 4, revenue: 34.99 },
		]);
		expect(itemsOf(result, 'Report').every((i) => JSON.stringify(i.pairedItem) === JSON.stringify({ item: 0 }))).toBe(true);
	});

	it('counts sold orders by default, and rejected, fraud-review and cancelled ones too with the option', async () => {
		const params = { report: 'byChannel', period: 'yesterday', timeZone: 'UTC', output: 'items' };
		const sold = await runWorkflow(flow({ ...params, options: asOf }), { credentials: sqliteCredentials() });
		// R1 (rejected, amazon), H1 (fraud review, shopify USD) and C1 (cancelled, woocommerce) left out; P1 (awaiting payment, ebay) counts
		expect(outputOf(sold, 'Report')).toEqual([
			{ channel: 'amazon', currency: 'USD', orders: 2, units: 3, revenue: 78.1 },
			{ channel: 'ebay', currency: 'USD', orders: 1, units: 2, revenue: 9.66 },
			{ channel: 'shopify', currency: 'EUR', orders: 1, units: 1, revenue: 29 },
			{ channel: 'shopify', currency: 'USD', orders: 1, units: 4, revenue: 34.99 },
		]);
		const all = await runWorkflow(flow({ ...params, options: { ...asOf, includeUnsold: true } }), { credentials: sqliteCredentials() });
		expect(outputOf(all, 'Report')).toEqual([
			{ channel: 'amazon', currency: 'USD', orders: 3, units: 7, revenue: 187.1 },
			{ channel: 'ebay', currency: 'USD', orders: 1, units: 2, revenue: 9.66 },
			{ channel: 'shopify', currency: 'EUR', orders: 1, units: 1, revenue: 29 },
			{ channel: 'shopify', currency: 'USD', orders: 2, units: 7, revenue: 74.29 },
			{ channel: 'woocommerce', currency: 'USD', orders: 1, units: 1, revenue: 9.33 },
		]);
	});

	it('says in every file what it counts, and which orders the option adds', async () => {
		const files = async (options: Record<string, unknown>) => {
			const r = await runWorkflow(flow({ report: 'byStatus', period: 'yesterday', timeZone: 'UTC', output: 'files', files: ['csv', 'html', 'markdown'], options: { ...asOf, ...options } }), {
				credentials: sqliteCredentials(),
			});
			expect(r.error).toBeUndefined();
			const [item] = itemsOf(r, 'Report');
			const text = (prop: string) => Buffer.from(item.binary![prop].data, 'base64').toString('utf8');
			return { json: item.json, csv: text('csv'), html: text('html'), md: text('markdown') };
		};
		const sold = await files({});
		expect(sold.json.counts).toMatch(/^Counts sold orders placed in the period \(every status but rejected by the fraud gate, held for fraud review and cancelled\)/);
		expect(sold.csv.split('\r\n')[0]).toBe('channel,orders_sold,received,on_hold,backordered,ready,at_wms,picked,packed,shipped,delivered');
		expect(sold.md.split('\n').slice(0, 2)).toEqual(['**Orders by status, yesterday (2026-05-01, UTC): 5**', `- ${String(sold.json.counts)}`]);
		expect(sold.html).toContain(`<caption>${String(sold.json.counts)}</caption>`);
		const all = await files({ includeUnsold: true });
		expect(all.json.counts).toMatch(/^Counts every order placed in the period, including those rejected by the fraud gate, held for fraud review or cancelled/);
		expect(all.csv.split('\r\n')[0]).toBe('channel,orders_all_statuses,received,on_hold,fraud_review,rejected,backordered,ready,at_wms,picked,packed,shipped,delivered,cancelled');
		expect(all.md.split('\n')[0]).toBe('**Orders by status, yesterday (2026-05-01, UTC): 8**');
		expect(all.html).toContain(`<caption>${String(all.json.counts)}</caption>`);
	});

	it('passes grouping, limit, channels and comparison options through', async () => {
		const week = await runWorkflow(
			flow({ report: 'byDay', period: 'custom', from: '2026-04-01', to: '2026-05-31', timeZone: 'UTC', interval: 'month', output: 'items', options: { ...asOf, channels: ['shopify'] } }),
			{ credentials: sqliteCredentials() },
		);
		expect(outputOf(week, 'Report').map((r) => [r.date, r.currency, r.orders])).toEqual([
			['2026-05-01', 'EUR', 1],
			['2026-05-01', 'JPY', 1],
			['2026-05-01', 'USD', 1],
		]);
		const top = await runWorkflow(flow({ report: 'topSkus', period: 'yesterday', timeZone: 'UTC', limit: 1, output: 'items', options: asOf }), { credentials: sqliteCredentials() });
		expect(outputOf(top, 'Report').map((r) => [r.sku, r.currency, r.units])).toEqual([['SKU-3', 'USD', 5]]);
		const cmp = await runWorkflow(flow({ report: 'byChannel', period: 'yesterday', timeZone: 'UTC', compare: true, output: 'items', options: asOf }), {
			credentials: sqliteCredentials(),
		});
		expect(outputOf(cmp, 'Report').find((r) => r.channel === 'walmart')).toEqual({
			channel: 'walmart',
			currency: 'USD',
			orders: 0,
			units: 0,
			revenue: 0,
			ordersPrevious: 1,
			unitsPrevious: 1,
			revenuePrevious: 34,
		});
	});

	it('outputs one item with CSV, HTML and Markdown files under the chosen property names', async () => {
		const result = await runWorkflow(
			flow({
				report: 'byChannel',
				period: 'yesterday',
				timeZone: 'America/Los_Angeles',
				output: 'files',
				files: ['csv', 'html', 'markdown'],
				options: { ...asOf, csvProperty: 'table', fileName: 'daily' },
			}),
			{ credentials: sqliteCredentials() },
		);
		expect(result.error).toBeUndefined();
		const [item] = itemsOf(result, 'Report');
		expect(item.json).toMatchObject({ report: 'byChannel', rowCount: 4, timeZone: 'America/Los_Angeles', period: { from: '2026-05-01T07:00:00.000Z' } });
		expect(Object.keys(item.binary ?? {}).sort()).toEqual(['html', 'markdown', 'table']);
		const text = (prop: string) => Buffer.from(item.binary![prop].data, 'base64').toString('utf8');
		expect(item.binary!.table).toMatchObject({ fileName: 'daily.csv', mimeType: 'text/csv' });
		expect(text('table')).toBe(
			'channel,currency,orders_sold,units_sold,revenue_sold\r\namazon,USD,2,3,78.10\r\nebay,USD,2,4,38.86\r\nshopify,EUR,1,1,29.00\r\nshopify,USD,1,4,34.99\r\n',
		);
		expect(item.binary!.html).toMatchObject({ fileName: 'daily.html', mimeType: 'text/html' });
		expect(text('html')).toContain('<svg class="chart chart-bars"');
		expect(item.binary!.markdown).toMatchObject({ fileName: 'daily.md', mimeType: 'text/markdown' });
		expect(text('markdown').split('\n')[0]).toBe('**Orders yesterday (2026-05-01, America/Los_Angeles): 6** — Amazon 2, eBay 2, Shopify 2');
		expect(item.json.summary).toBe(text('markdown'));
	});

	it('offers Returns by Source: rows as items and a CSV, HTML and Markdown report of the returns by channel', async () => {
		// seed.ts seedReturns: six returns of A1, A2, S1 and S2, requested on May 2 (UTC)
		const params = { report: 'returns', period: 'custom', from: '2026-05-01', to: '2026-05-02', timeZone: 'UTC' };
		const items = await runWorkflow(flow({ ...params, output: 'items', options: asOf }), { credentials: sqliteCredentials() });
		expect(items.error).toBeUndefined();
		expect(outputOf(items, 'Report').map((r) => [r.channel, r.currency, r.returns, r.unitsReturned, r.unitsShipped, r.returnRatePct, r.topReasons, r.refundOwed, r.refundRefunded])).toEqual([
			['amazon', 'USD', 2, 3, 3, 100, 'size_fit 2, defective 1', 50, 10.1],
			['ebay', 'USD', 0, 0, 1, 0, '', 0, 0],
			['shopify', 'EUR', 1, 1, 1, 100, 'size_fit 1', 20, 0],
			['shopify', 'USD', 3, 2, 4, 50, 'defective 2', 0, 0],
		]);
		const files = await runWorkflow(flow({ ...params, output: 'files', files: ['csv', 'html', 'markdown'], options: asOf }), { credentials: sqliteCredentials() });
		const [item] = itemsOf(files, 'Report');
		expect(item.json).toMatchObject({ report: 'returns', title: 'Returns by source', rowCount: 4 });
		const text = (prop: string) => Buffer.from(item.binary![prop].data, 'base64').toString('utf8');
		expect(item.binary!.csv).toMatchObject({ fileName: 'returns-2026-05-01_2026-05-02.csv' });
		expect(text('csv')).toBe(
			'channel,currency,returns,unitsReturned,unitsShipped,returnRatePct,topReasons,reason_defective,reason_size_fit,open,closed,declined,cancelled,refundOwed,refundRefunded\r\n' +
				'amazon,USD,2,3,3,100,"size_fit 2, defective 1",1,2,1,1,0,0,50.00,10.10\r\n' +
				'ebay,USD,0,0,1,0,,0,0,0,0,0,0,0.00,0.00\r\n' +
				'shopify,EUR,1,1,1,100,size_fit 1,0,1,1,0,0,0,20.00,0.00\r\n' +
				'shopify,USD,3,2,4,50,defective 2,2,0,1,0,1,1,0.00,0.00\r\n',
		);
		expect(text('html')).toContain('Returns by channel');
		expect(text('markdown').split('\n')[0]).toBe('**Returns custom period (2026-05-01 – 2026-05-02, UTC): 6** — Shopify 4, Amazon 2');
	});

	it('offers Returns by SKU (with its Limit) and Returns by Reason: items, CSV, HTML with a chart and Markdown', async () => {
		const params = { period: 'custom', from: '2026-05-01', to: '2026-05-02', timeZone: 'UTC' };
		// SKU-1 has 3 units returned (USD 2, EUR 1), SKU-3 2, SKU-2 1: a limit of 2 keeps SKU-1 (both currencies) and SKU-3
		const items = await runWorkflow(flow({ ...params, report: 'returnsBySku', limit: 2, output: 'items', options: asOf }), { credentials: sqliteCredentials() });
		expect(items.error).toBeUndefined();
		expect(outputOf(items, 'Report').map((r) => [r.sku, r.currency, r.returns, r.unitsReturned, r.unitsShipped, r.returnRatePct, r.refundOwed, r.refundRefunded])).toEqual([
			['SKU-1', 'EUR', 1, 1, 1, 100, 20, 0],
			['SKU-1', 'USD', 2, 2, 3, 66.67, 50, 0],
			['SKU-3', 'USD', 2, 2, 3, 66.67, 0, 0],
		]);
		const files = await runWorkflow(flow({ ...params, report: 'returnsBySku', limit: 2, output: 'files', files: ['csv', 'html', 'markdown'], options: asOf }), { credentials: sqliteCredentials() });
		const [item] = itemsOf(files, 'Report');
		expect(item.json).toMatchObject({ report: 'returnsBySku', title: 'Returns by SKU', rowCount: 3 });
		const text = (prop: string) => Buffer.from(item.binary![prop].data, 'base64').toString('utf8');
		expect(text('csv')).toBe(
			'sku,currency,returns,unitsReturned,unitsShipped,returnRatePct,refundOwed,refundRefunded\r\n' +
				'SKU-1,EUR,1,1,1,100,20.00,0.00\r\nSKU-1,USD,2,2,3,66.67,50.00,0.00\r\nSKU-3,USD,2,2,3,66.67,0.00,0.00\r\n',
		);
		expect(text('html')).toContain('<rect class="bar" data-sku="SKU-1" data-value="3"');
		expect(text('html')).toContain('<rect class="bar" data-sku="SKU-3" data-value="2"');
		expect(text('markdown').split('\n')[0]).toBe('**Returns by SKU custom period (2026-05-01 – 2026-05-02, UTC): 5 units returned**');

		const reasons = await runWorkflow(flow({ ...params, report: 'returnsByReason', output: 'files', files: ['html'], options: asOf }), { credentials: sqliteCredentials() });
		const [page] = itemsOf(reasons, 'Report');
		expect(page.json).toMatchObject({ report: 'returnsByReason', title: 'Returns by Reason', rowCount: 4 });
		const html = Buffer.from(page.binary!.html.data, 'base64').toString('utf8');
		expect(html).toContain('Units returned by reason');
		// defective 3 (USD), size_fit 3 (USD 2 + EUR 1), unwanted 0 (declined and cancelled returns bring no units)
		for (const [reason, units] of [['defective', 3], ['size_fit', 3], ['unwanted', 0]]) expect(html).toContain(`<rect class="bar" data-reason="${reason}" data-value="${units}"`);
	});

	it('sends a bad time zone to the error output, naming it', async () => {
		const result = await runWorkflow(flow({ report: 'byChannel', period: 'yesterday', timeZone: 'Mars/Olympus', output: 'items', options: asOf }, [{}], { onError: 'continueErrorOutput' }), {
			credentials: sqliteCredentials(),
		});
		const [ok, errors] = outputsOf(result, 'Report');
		expect(ok).toEqual([]);
		expect(String(errors[0].error)).toMatch(/Unknown time zone "Mars\/Olympus"/);
	});

	it('fails the node on a bad custom range when not set to continue', async () => {
		const result = await runWorkflow(flow({ report: 'byChannel', period: 'custom', from: '2026-05-03', to: '2026-05-01', timeZone: 'UTC', output: 'items', options: asOf }), {
			credentials: sqliteCredentials(),
		});
		expect(nodeError(result, 'Report')?.message).toMatch(/The period is empty/);
	});
});

describe('reportBuilder on PostgreSQL through the OMS Store credential', () => {
	it('reports from a PostgreSQL store', async () => {
		const url = process.env.OMS_TEST_PG_URL;
		if (!url) throw new Error('OMS_TEST_PG_URL is not set: run with `npm test`, which starts PostgreSQL');
		const u = new URL(url);
		const schema = `rnode_${process.pid}_${Date.now().toString(36)}`;
		const c = new Client({ connectionString: url });
		await c.connect();
		await c.query(`CREATE SCHEMA ${schema}`);
		await c.end();
		schemas.push(schema);
		const clock = new TestClock();
		const store = await openPostgresStore({ connectionString: url, options: `-c search_path=${schema}` }, { now: clock.now });
		await seedOrders(store, clock);
		await seedReturns(store, clock);
		await store.close();
		const credentials = {
			omsStoreApi: {
				storeType: 'postgres',
				host: u.hostname,
				port: Number(u.port),
				database: u.pathname.slice(1),
				user: decodeURIComponent(u.username),
				password: decodeURIComponent(u.password),
				ssl: 'disable',
				schema,
			},
		};
		const result = await runWorkflow(flow({ report: 'sla', period: 'yesterday', timeZone: 'UTC', output: 'items', options: asOf }), { credentials });
		expect(result.error).toBeUndefined();
		expect(outputOf(result, 'Report')).toEqual([
			{ channel: 'amazon', orders: 2, shipped: 2, p50Hours: 18, p90Hours: 22.8, shippedLate: 0, overdue: 0 },
			{ channel: 'ebay', orders: 1, shipped: 0, p50Hours: null, p90Hours: null, shippedLate: 0, overdue: 0 },
			{ channel: 'shopify', orders: 2, shipped: 2, p50Hours: 15, p90Hours: 24.6, shippedLate: 1, overdue: 0 },
		]);
		// the rejected (R1), held (H1, past its ship-by: overdue) and cancelled (C1) orders with the option, on PostgreSQL too
		const all = await runWorkflow(flow({ report: 'sla', period: 'yesterday', timeZone: 'UTC', output: 'items', options: { ...asOf, includeUnsold: true } }), { credentials });
		expect(outputOf(all, 'Report')).toEqual([
			{ channel: 'amazon', orders: 3, shipped: 2, p50Hours: 18, p90Hours: 22.8, shippedLate: 0, overdue: 0 },
			{ channel: 'ebay', orders: 1, shipped: 0, p50Hours: null, p90Hours: null, shippedLate: 0, overdue: 0 },
			{ channel: 'shopify', orders: 3, shipped: 2, p50Hours: 15, p90Hours: 24.6, shippedLate: 1, overdue: 1 },
			{ channel: 'woocommerce', orders: 1, shipped: 0, p50Hours: null, p90Hours: null, shippedLate: 0, overdue: 0 },
		]);
		// returns by source on PostgreSQL through the node: the same figures as on SQLite
		const returns = await runWorkflow(flow({ report: 'returns', period: 'custom', from: '2026-05-01', to: '2026-05-02', timeZone: 'UTC', output: 'items', options: asOf }), { credentials });
		expect(returns.error).toBeUndefined();
		expect(outputOf(returns, 'Report').map((r) => [r.channel, r.currency, r.returns, r.unitsReturned, r.unitsShipped, r.returnRatePct, r.open, r.closed, r.declined, r.cancelled, r.refundOwed, r.refundRefunded])).toEqual([
			['amazon', 'USD', 2, 3, 3, 100, 1, 1, 0, 0, 50, 10.1],
			['ebay', 'USD', 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
			['shopify', 'EUR', 1, 1, 1, 100, 1, 0, 0, 0, 20, 0],
			['shopify', 'USD', 3, 2, 4, 50, 1, 0, 1, 1, 0, 0],
		]);
	});
});
