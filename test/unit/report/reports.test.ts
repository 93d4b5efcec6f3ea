/**
 * Every report against stores seeded with known orders (seed.ts), on SQLite and on PostgreSQL, checked to the
 * unit and the cent; time-zone edges; empty periods; currencies kept apart; comparison with the previous period;
 * sold orders only by default (no rejected, fraud-review or cancelled orders), every status with includeUnsold.
 */
import { runReport, toMarkdown, type ReportRequest, type Row } from '../../../lib/report';
import { splitHours } from '../../../lib/report/reports/byDay';
import { pairRangeWhere, REPORT_INDEX } from '../../../lib/report/sqlite-pairs';
import { partsFromJson } from '../../../lib/stock/reservation';
import type { Store } from '../../../lib/store/types';
import { order, NOW, seedOrders, seedReturns, TestClock } from './seed';
import { recordReturn } from '../../../lib/flows/record-return';
import { makeReturn } from '../../helpers/returns';
import { closeStores, STORES } from './stores';

afterAll(closeStores);

const LA = 'America/Los_Angeles';
const yesterday = (timeZone = 'UTC') => ({ preset: 'yesterday' as const, timeZone });

describe.each(STORES)('reports on $name', (kind) => {
	let store: Store;
	const clock = new TestClock();
	const run = (req: ReportRequest) => runReport(store, req, () => NOW);

	beforeAll(async () => {
		store = await kind.open(clock.now);
		await seedOrders(store, clock);
	});

	describe('orders by channel', () => {
		it('counts orders, units and revenue per channel and currency for yesterday in UTC', async () => {
			const r = await run({ report: 'byChannel', period: yesterday() });
			expect(r.period).toMatchObject({ from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z' });
			// sold orders: R1 (rejected), H1 (fraud review) and C1 (cancelled) are left out; P1 (awaiting payment) counts
			expect(r.rows).toEqual([
				{ channel: 'amazon', currency: 'USD', orders: 2, units: 3, revenue: 78.1 },
				{ channel: 'ebay', currency: 'USD', orders: 1, units: 2, revenue: 9.66 },
				{ channel: 'shopify', currency: 'EUR', orders: 1, units: 1, revenue: 29 },
				{ channel: 'shopify', currency: 'USD', orders: 1, units: 4, revenue: 34.99 },
			]);
			expect(r.counts).toMatch(/^Counts sold orders placed in the period \(every status but rejected by the fraud gate, held for fraud review and cancelled\)/);
		});

		it('counts rejected, fraud-review and cancelled orders too when asked, and says so', async () => {
			const r = await run({ report: 'byChannel', period: yesterday(), options: { includeUnsold: true } });
			expect(r.rows).toEqual([
				{ channel: 'amazon', currency: 'USD', orders: 3, units: 7, revenue: 187.1 },
				{ channel: 'ebay', currency: 'USD', orders: 1, units: 2, revenue: 9.66 },
				{ channel: 'shopify', currency: 'EUR', orders: 1, units: 1, revenue: 29 },
				{ channel: 'shopify', currency: 'USD', orders: 2, units: 7, revenue: 74.29 },
				{ channel: 'woocommerce', currency: 'USD', orders: 1, units: 1, revenue: 9.33 },
			]);
			expect(r.counts).toMatch(/^Counts every order placed in the period, including those rejected by the fraud gate, held for fraud review or cancelled/);
		});

		it('moves the day boundary with the time zone: 2026-05-02T06:30Z is May 1 in Los Angeles, 03:00Z is April 30', async () => {
			const r = await run({ report: 'byChannel', period: yesterday(LA) });
			expect(r.period).toMatchObject({ from: '2026-05-01T07:00:00.000Z', to: '2026-05-02T07:00:00.000Z' });
			expect(r.rows).toEqual([
				{ channel: 'amazon', currency: 'USD', orders: 2, units: 3, revenue: 78.1 },
				{ channel: 'ebay', currency: 'USD', orders: 2, units: 4, revenue: 38.86 },
				{ channel: 'shopify', currency: 'EUR', orders: 1, units: 1, revenue: 29 },
				{ channel: 'shopify', currency: 'USD', orders: 1, units: 4, revenue: 34.99 },
			]);
		});

		it('keeps currencies apart (JPY with no minor unit beside USD)', async () => {
			const r = await run({ report: 'byChannel', period: { preset: 'today', timeZone: 'UTC' } });
			expect(r.rows).toEqual([
				{ channel: 'ebay', currency: 'USD', orders: 1, units: 2, revenue: 29.2 },
				{ channel: 'shopify', currency: 'JPY', orders: 1, units: 1, revenue: 1509 },
			]);
		});

		it('filters channels, with and without the unsold orders', async () => {
			const r = await run({ report: 'byChannel', period: yesterday(), options: { channels: ['amazon', 'woocommerce'] } });
			expect(r.rows).toEqual([{ channel: 'amazon', currency: 'USD', orders: 2, units: 3, revenue: 78.1 }]);
			const all = await run({ report: 'byChannel', period: yesterday(), options: { channels: ['amazon', 'woocommerce'], includeUnsold: true } });
			expect(all.rows).toEqual([
				{ channel: 'amazon', currency: 'USD', orders: 3, units: 7, revenue: 187.1 },
				{ channel: 'woocommerce', currency: 'USD', orders: 1, units: 1, revenue: 9.33 },
			]);
		});

		it('compares with the previous period of the same length, keeping rows only the previous period had', async () => {
			const r = await run({ report: 'byChannel', period: yesterday(), compare: true });
			expect(r.previousPeriod).toMatchObject({ from: '2026-04-30T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' });
			expect(r.rows[0]).toEqual({
				channel: 'amazon',
				currency: 'USD',
				orders: 2,
				units: 3,
				revenue: 78.1,
				ordersPrevious: 0,
				unitsPrevious: 0,
				revenuePrevious: 0,
			});
			expect(r.rows[r.rows.length - 1]).toEqual({
				channel: 'walmart',
				currency: 'USD',
				orders: 0,
				units: 0,
				revenue: 0,
				ordersPrevious: 1,
				unitsPrevious: 1,
				revenuePrevious: 34,
			});
			expect(r.columns.map((c) => c.key)).toEqual(['channel', 'currency', 'orders', 'ordersPrevious', 'units', 'unitsPrevious', 'revenue', 'revenuePrevious']);
		});

		it('gives no previous percentile where the previous period had no row for the channel, not 0 hours', async () => {
			const r = await run({ report: 'sla', period: yesterday(), compare: true });
			expect(r.rows.find((x) => x.channel === 'amazon')).toMatchObject({ p50Hours: 18, p50HoursPrevious: null, p90HoursPrevious: null, shippedPrevious: 0 });
		});

		it('gives no rows for an empty period', async () => {
			const r = await run({ report: 'byChannel', period: { preset: 'custom', from: '2020-01-01', to: '2020-01-31' } });
			expect(r.rows).toEqual([]);
		});
	});

	describe('orders by status', () => {
		it('counts current statuses of sold orders per channel, without the rejected, fraud review and cancelled columns', async () => {
			const r = await run({ report: 'byStatus', period: yesterday() });
			expect(r.rows.map((x) => [x.channel, x.orders, x.shipped, x.on_hold, x.at_wms])).toEqual([
				['amazon', 2, 2, 0, 0],
				['ebay', 1, 0, 1, 0],
				['shopify', 2, 2, 0, 0],
			]);
			for (const unsold of ['rejected', 'fraud_review', 'cancelled']) {
				expect(r.columns.map((c) => c.key)).not.toContain(unsold);
				expect(r.rows.every((x) => !(unsold in x))).toBe(true);
			}
			const la = await run({ report: 'byStatus', period: yesterday(LA) });
			expect(la.rows.find((x) => x.channel === 'ebay')).toMatchObject({ orders: 2, at_wms: 1, on_hold: 1, received: 0 });
			const last = await run({ report: 'byStatus', period: { preset: 'lastNDays', days: 7 } });
			expect(last.rows.find((x) => x.channel === 'walmart')).toMatchObject({ orders: 1, backordered: 1 });
		});

		it('counts every status, with its column, when asked; compares only the columns it has', async () => {
			const r = await run({ report: 'byStatus', period: yesterday(), options: { includeUnsold: true } });
			expect(r.rows.map((x) => [x.channel, x.orders, x.shipped, x.on_hold, x.rejected, x.fraud_review, x.cancelled])).toEqual([
				['amazon', 3, 2, 0, 1, 0, 0],
				['ebay', 1, 0, 1, 0, 0, 0],
				['shopify', 3, 2, 0, 0, 1, 0],
				['woocommerce', 1, 0, 0, 0, 0, 1],
			]);
			expect(r.columns.map((c) => c.key)).toEqual(['channel', 'orders', 'received', 'on_hold', 'fraud_review', 'rejected', 'backordered', 'ready', 'at_wms', 'picked', 'packed', 'shipped', 'delivered', 'cancelled']);
			const cmp = await run({ report: 'byStatus', period: yesterday(), compare: true });
			expect(cmp.columns.map((c) => c.key)).not.toContain('rejectedPrevious');
			expect(cmp.rows.every((x) => !('rejectedPrevious' in x) && 'shippedPrevious' in x)).toBe(true);
		});
	});

	describe('orders by day x channel', () => {
		it('buckets by local day in Los Angeles', async () => {
			const r = await run({ report: 'byDay', period: { preset: 'lastNDays', days: 3, timeZone: LA } });
			expect(r.period).toMatchObject({ firstDay: '2026-04-29', lastDay: '2026-05-01' });
			expect(r.rows).toEqual([
				{ date: '2026-04-30', channel: 'walmart', currency: 'USD', orders: 1, units: 1, revenue: 34 },
				{ date: '2026-05-01', channel: 'amazon', currency: 'USD', orders: 2, units: 3, revenue: 78.1 },
				{ date: '2026-05-01', channel: 'ebay', currency: 'USD', orders: 2, units: 4, revenue: 38.86 },
				{ date: '2026-05-01', channel: 'shopify', currency: 'EUR', orders: 1, units: 1, revenue: 29 },
				{ date: '2026-05-01', channel: 'shopify', currency: 'USD', orders: 1, units: 4, revenue: 34.99 },
			]);
		});

		it('buckets by UTC day in UTC', async () => {
			const r = await run({ report: 'byDay', period: { preset: 'lastNDays', days: 3 } });
			expect(r.rows.map((x) => [x.date, x.channel, x.currency, x.orders, x.revenue])).toEqual([
				['2026-04-30', 'walmart', 'USD', 1, 34],
				['2026-05-01', 'amazon', 'USD', 2, 78.1],
				['2026-05-01', 'ebay', 'USD', 1, 9.66],
				['2026-05-01', 'shopify', 'EUR', 1, 29],
				['2026-05-01', 'shopify', 'USD', 1, 34.99],
			]);
			const all = await run({ report: 'byDay', period: { preset: 'lastNDays', days: 3 }, options: { includeUnsold: true } });
			expect(all.rows.map((x) => [x.date, x.channel, x.currency, x.orders, x.revenue])).toEqual([
				['2026-04-30', 'walmart', 'USD', 1, 34],
				['2026-05-01', 'amazon', 'USD', 3, 187.1],
				['2026-05-01', 'ebay', 'USD', 1, 9.66],
				['2026-05-01', 'shopify', 'EUR', 1, 29],
				['2026-05-01', 'shopify', 'USD', 2, 74.29],
				['2026-05-01', 'woocommerce', 'USD', 1, 9.33],
			]);
		});

		it('folds days into ISO weeks and months', async () => {
			const w = await run({ report: 'byDay', period: { preset: 'custom', from: '2026-04-01', to: '2026-05-31' }, options: { interval: 'week' } });
			// 2026-04-27 is the Monday of the week of Apr 30 - May 3
			expect(w.rows.filter((x) => x.currency === 'USD').map((x) => [x.date, x.channel, x.orders])).toEqual([
				['2026-04-27', 'amazon', 2],
				['2026-04-27', 'ebay', 2],
				['2026-04-27', 'shopify', 1],
				['2026-04-27', 'walmart', 1],
			]);
			const m = await run({ report: 'byDay', period: { preset: 'custom', from: '2026-04-01', to: '2026-05-31' }, options: { interval: 'month' } });
			expect(m.rows.map((x) => [x.date, x.channel, x.currency, x.orders])).toEqual([
				['2026-04-01', 'walmart', 'USD', 1],
				['2026-05-01', 'amazon', 'USD', 2],
				['2026-05-01', 'ebay', 'USD', 2],
				['2026-05-01', 'shopify', 'EUR', 1],
				['2026-05-01', 'shopify', 'JPY', 1],
				['2026-05-01', 'shopify', 'USD', 1],
			]);
		});

		it('keeps the previous period apart when compared', async () => {
			const r = await run({ report: 'byDay', period: yesterday(), compare: true });
			expect(r.previousRows).toEqual([{ date: '2026-04-30', channel: 'walmart', currency: 'USD', orders: 1, units: 1, revenue: 34 }]);
			expect(r.rows.every((x) => !('ordersPrevious' in x))).toBe(true);
		});
	});

	describe('top SKUs', () => {
		it('ranks SKUs by units over every currency and keeps revenue per currency', async () => {
			const r = await run({ report: 'topSkus', period: yesterday(), options: { limit: 2 } });
			expect(r.rows).toEqual([
				{ sku: 'SKU-3', currency: 'USD', units: 5, orders: 2, revenue: 1.65, skuUnits: 5 },
				{ sku: 'SKU-1', currency: 'EUR', units: 1, orders: 1, revenue: 20, skuUnits: 4 },
				{ sku: 'SKU-1', currency: 'USD', units: 3, orders: 2, revenue: 75, skuUnits: 4 },
			]);
			const all = await run({ report: 'topSkus', period: yesterday() });
			expect(all.rows.map((x) => x.sku)).toEqual(['SKU-3', 'SKU-1', 'SKU-1', 'SKU-2']);
		});

		it('ranks the lines of rejected, fraud-review and cancelled orders too when asked', async () => {
			// R1 adds 4 x SKU-1, H1 3 x SKU-2, C1 1 x SKU-3
			const r = await run({ report: 'topSkus', period: yesterday(), options: { includeUnsold: true } });
			expect(r.rows).toEqual([
				{ sku: 'SKU-1', currency: 'EUR', units: 1, orders: 1, revenue: 20, skuUnits: 8 },
				{ sku: 'SKU-1', currency: 'USD', units: 7, orders: 3, revenue: 175, skuUnits: 8 },
				{ sku: 'SKU-3', currency: 'USD', units: 6, orders: 3, revenue: 1.98, skuUnits: 6 },
				{ sku: 'SKU-2', currency: 'USD', units: 4, orders: 2, revenue: 40.4, skuUnits: 4 },
			]);
		});
	});

	describe('fulfilment SLA', () => {
		it('gives placed-to-shipped p50/p90, late shipments and overdue orders per channel', async () => {
			const r = await run({ report: 'sla', period: yesterday() });
			expect(r.rows).toEqual([
				{ channel: 'amazon', orders: 2, shipped: 2, p50Hours: 18, p90Hours: 22.8, shippedLate: 0, overdue: 0 },
				{ channel: 'ebay', orders: 1, shipped: 0, p50Hours: null, p90Hours: null, shippedLate: 0, overdue: 0 },
				{ channel: 'shopify', orders: 2, shipped: 2, p50Hours: 15, p90Hours: 24.6, shippedLate: 1, overdue: 0 },
			]);
			const la = await run({ report: 'sla', period: yesterday(LA) });
			expect(la.rows.find((x) => x.channel === 'ebay')).toEqual({ channel: 'ebay', orders: 2, shipped: 0, p50Hours: null, p90Hours: null, shippedLate: 0, overdue: 1 });
		});

		it('counts every status when asked: a fraud-held order past its ship-by is overdue, a rejected or cancelled one never', async () => {
			const r = await run({ report: 'sla', period: yesterday(), options: { includeUnsold: true } });
			expect(r.rows).toEqual([
				{ channel: 'amazon', orders: 3, shipped: 2, p50Hours: 18, p90Hours: 22.8, shippedLate: 0, overdue: 0 },
				{ channel: 'ebay', orders: 1, shipped: 0, p50Hours: null, p90Hours: null, shippedLate: 0, overdue: 0 },
				{ channel: 'shopify', orders: 3, shipped: 2, p50Hours: 15, p90Hours: 24.6, shippedLate: 1, overdue: 1 },
				{ channel: 'woocommerce', orders: 1, shipped: 0, p50Hours: null, p90Hours: null, shippedLate: 0, overdue: 0 },
			]);
		});
	});

	describe('fraud decisions', () => {
		it('counts decisions per channel and the rules that fired', async () => {
			const r = await run({ report: 'fraud', period: yesterday() });
			// rejected and held orders (R1, H1) are what this report is about: counted whatever the option says
			expect(r.rows).toEqual([
				{ channel: 'amazon', rule: '(all)', orders: 3, pass: 1, review: 1, reject: 1, points: 100, reviewApproved: 1, reviewRejected: 0 },
				{ channel: 'amazon', rule: 'high_value', orders: 1, pass: 0, review: 1, reject: 0, points: 15, reviewApproved: null, reviewRejected: null },
				{ channel: 'amazon', rule: 'velocity_address', orders: 1, pass: 0, review: 0, reject: 1, points: 60, reviewApproved: null, reviewRejected: null },
				{ channel: 'amazon', rule: 'velocity_email', orders: 1, pass: 0, review: 1, reject: 0, points: 25, reviewApproved: null, reviewRejected: null },
				{ channel: 'shopify', rule: '(all)', orders: 3, pass: 1, review: 1, reject: 1, points: 140, reviewApproved: 0, reviewRejected: 0 },
				{ channel: 'shopify', rule: 'disposable_email', orders: 1, pass: 0, review: 1, reject: 0, points: 50, reviewApproved: null, reviewRejected: null },
				{ channel: 'shopify', rule: 'freight_forwarder', orders: 1, pass: 0, review: 0, reject: 1, points: 50, reviewApproved: null, reviewRejected: null },
				{ channel: 'shopify', rule: 'po_box', orders: 1, pass: 1, review: 0, reject: 0, points: 10, reviewApproved: null, reviewRejected: null },
				{ channel: 'shopify', rule: 'velocity_email', orders: 1, pass: 0, review: 0, reject: 1, points: 30, reviewApproved: null, reviewRejected: null },
			]);
			expect((await run({ report: 'fraud', period: yesterday(), options: { includeUnsold: true } })).rows).toEqual(r.rows);
			expect(r.counts).toMatch(/whatever its status now/);
		});
	});

	describe('what the order reports count', () => {
		// yesterday (UTC): sold A1 2 + A2 1 + S1 4 + S2 1 + P1 2 = 10 units in 5 orders; R1 4 + H1 3 + C1 1 more units in 3 more orders
		const units = (rows: Array<Record<string, unknown>>, key = 'units') => rows.reduce((s, x) => s + Number(x[key]), 0);

		it.each([
			['byChannel', 'units', 10, 18],
			['byDay', 'units', 10, 18],
			['topSkus', 'units', 10, 18],
			['byChannel', 'orders', 5, 8],
			['byDay', 'orders', 5, 8],
			['byStatus', 'orders', 5, 8],
			['sla', 'orders', 5, 8],
		] as const)('%s: %s of sold orders by default (%d), of every status when asked (%d)', async (report, metric, sold, all) => {
			const d = await run({ report, period: yesterday() });
			const a = await run({ report, period: yesterday(), options: { includeUnsold: true } });
			expect(units(d.rows, metric)).toBe(sold);
			expect(units(a.rows, metric)).toBe(all);
			expect(d.counts).toContain('sold orders placed in the period (every status but rejected by the fraud gate, held for fraud review and cancelled)');
			expect(a.counts).toContain('every order placed in the period, including those rejected by the fraud gate, held for fraud review or cancelled');
			expect(d.columns.find((c) => c.key === metric)?.scoped).toBe(true);
		});
	});

	describe('empty periods', () => {
		it.each(['byChannel', 'byStatus', 'byDay', 'topSkus', 'fraud', 'sla', 'returns'] as const)('%s has no rows', async (report) => {
			const r = await run({ report, period: { preset: 'custom', from: '2020-01-01', to: '2020-01-07' }, compare: true });
			expect(r.rows).toEqual([]);
			expect(r.previousRows).toEqual([]);
		});
	});
});

describe.each(STORES)('returns by source on $name', (kind) => {
	let store: Store;
	const clock = new TestClock();
	const run = (req: ReportRequest) => runReport(store, req, () => NOW);
	// May 1 and 2 (UTC): the shipped orders A1, A2 (amazon USD, 3 units), S1 (shopify USD, 4), S2 (shopify EUR, 1); the returns of seedReturns
	const twoDays = { preset: 'custom' as const, from: '2026-05-01', to: '2026-05-02', timeZone: 'UTC' };
	const AMAZON = {
		channel: 'amazon',
		currency: 'USD',
		returns: 2,
		unitsReturned: 3,
		unitsShipped: 3,
		returnRatePct: 100,
		topReasons: 'size_fit 2, defective 1',
		reason_defective: 1,
		reason_size_fit: 2,
		open: 1,
		closed: 1,
		declined: 0,
		cancelled: 0,
		refundOwed: 50,
		refundRefunded: 10.1,
	};
	const EBAY = {
		channel: 'ebay',
		currency: 'USD',
		returns: 0,
		unitsReturned: 0,
		unitsShipped: 1,
		returnRatePct: 0,
		topReasons: '',
		reason_defective: 0,
		reason_size_fit: 0,
		open: 0,
		closed: 0,
		declined: 0,
		cancelled: 0,
		refundOwed: 0,
		refundRefunded: 0,
	};
	const SHOPIFY_EUR = {
		channel: 'shopify',
		currency: 'EUR',
		returns: 1,
		unitsReturned: 1,
		unitsShipped: 1,
		returnRatePct: 100,
		topReasons: 'size_fit 1',
		reason_defective: 0,
		reason_size_fit: 1,
		open: 1,
		closed: 0,
		declined: 0,
		cancelled: 0,
		refundOwed: 20,
		refundRefunded: 0,
	};
	const SHOPIFY_USD = {
		channel: 'shopify',
		currency: 'USD',
		returns: 3,
		unitsReturned: 2,
		unitsShipped: 4,
		returnRatePct: 50,
		topReasons: 'defective 2',
		reason_defective: 2,
		reason_size_fit: 0,
		open: 1,
		closed: 0,
		declined: 1,
		cancelled: 1,
		refundOwed: 0,
		refundRefunded: 0,
	};

	beforeAll(async () => {
		store = await kind.open(clock.now);
		await seedOrders(store, clock);
		await seedReturns(store, clock);
	});

	it('counts returns, units, the return rate, reasons, statuses and refunds per channel and currency', async () => {
		const r = await run({ report: 'returns', period: twoDays });
		// shopify USD: RS2 (declined) and RS3 (cancelled) are returns but bring no units and no reason; RS2's pending refund is not owed;
		// ebay: E1 is at the WMS, but one unit left in a package (the units a return may take count it too)
		expect(r.rows).toEqual([AMAZON, EBAY, SHOPIFY_EUR, SHOPIFY_USD]);
		expect(r.columns.map((c) => c.key)).toEqual([
			'channel',
			'currency',
			'returns',
			'unitsReturned',
			'unitsShipped',
			'returnRatePct',
			'topReasons',
			'reason_defective',
			'reason_size_fit',
			'open',
			'closed',
			'declined',
			'cancelled',
			'refundOwed',
			'refundRefunded',
		]);
		expect(r.counts).toMatch(/^Counts the returns requested in the period/);
	});

	it('takes returns by when they were requested: none yesterday (May 1), only the units shipped of the orders placed then', async () => {
		const r = await run({ report: 'returns', period: { preset: 'yesterday', timeZone: 'UTC' } });
		expect(r.rows.map((x) => [x.channel, x.currency, x.returns, x.unitsReturned, x.unitsShipped, x.returnRatePct, x.topReasons])).toEqual([
			['amazon', 'USD', 0, 0, 3, 0, ''],
			['shopify', 'EUR', 0, 0, 1, 0, ''],
			['shopify', 'USD', 0, 0, 4, 0, ''],
		]);
		expect(r.columns.some((c) => c.key.startsWith('reason_'))).toBe(false);
		// the day before the orders: no returns and nothing shipped
		expect((await run({ report: 'returns', period: { preset: 'custom', from: '2020-01-01', to: '2020-01-07' } })).rows).toEqual([]);
	});

	it('gives no return rate where nothing of the period shipped: returns of older orders still count', async () => {
		// today (May 2, UTC): every return, but the shipped orders were placed on May 1
		const r = await run({ report: 'returns', period: { preset: 'today', timeZone: 'UTC' } });
		expect(r.rows.map((x) => [x.channel, x.currency, x.returns, x.unitsReturned, x.unitsShipped, x.returnRatePct])).toEqual([
			['amazon', 'USD', 2, 3, 0, null],
			['ebay', 'USD', 0, 0, 1, 0],
			['shopify', 'EUR', 1, 1, 0, null],
			['shopify', 'USD', 3, 2, 0, null],
		]);
	});

	it('filters channels', async () => {
		const r = await run({ report: 'returns', period: twoDays, options: { channels: ['shopify'] } });
		expect(r.rows).toEqual([SHOPIFY_EUR, SHOPIFY_USD]);
	});

	it('compares with the previous period: rows only the previous period had get zero counts, no rate and no reasons', async () => {
		// today (May 2) against yesterday (May 1): the returns now, the shipped units before
		const r = await run({ report: 'returns', period: { preset: 'custom', from: '2026-05-02', to: '2026-05-02', timeZone: 'UTC' }, compare: true });
		const amazon = r.rows.find((x) => x.channel === 'amazon')!;
		expect(amazon).toMatchObject({ returns: 2, returnsPrevious: 0, unitsShipped: 0, unitsShippedPrevious: 3, returnRatePct: null, returnRatePctPrevious: 0, refundOwed: 50, refundOwedPrevious: 0 });
		// a rate the previous period did not have (nothing shipped, no row) is unknown, not 0%
		const may1 = await run({ report: 'returns', period: { preset: 'yesterday', timeZone: 'UTC' }, compare: true });
		expect(may1.rows.find((x) => x.channel === 'amazon')).toMatchObject({ returnRatePct: 0, returnRatePctPrevious: null, unitsShipped: 3, unitsShippedPrevious: 0 });
		const prevOnly = await run({ report: 'returns', period: { preset: 'custom', from: '2026-05-03', to: '2026-05-03', timeZone: 'UTC' }, compare: true });
		expect(prevOnly.rows.find((x) => x.channel === 'amazon')).toMatchObject({
			returns: 0,
			returnsPrevious: 2,
			returnRatePct: null,
			returnRatePctPrevious: null,
			topReasons: '',
			refundOwed: 0,
			refundOwedPrevious: 50,
		});
	});

	it('keeps each currency’s refunds apart in the Markdown summary and names the top reasons', async () => {
		const md = toMarkdown(await run({ report: 'returns', period: twoDays }));
		expect(md.split('\n')).toEqual([
			'**Returns custom period (2026-05-01 – 2026-05-02, UTC): 6** — Shopify 4, Amazon 2',
			expect.stringMatching(/^- Counts the returns requested in the period/),
			'- Units returned: 6 of 9 shipped (66.67%)',
			'- Top reasons: defective 3, size\\_fit 3',
			'- Open 3, closed 1, declined 1, cancelled 1',
			'- Refund owed: EUR 20.00; USD 50.00',
			'- Refunded: USD 10.10',
			'',
		]);
	});
});

describe.each(STORES)('returns by SKU and by reason on $name', (kind) => {
	let store: Store;
	const clock = new TestClock();
	const run = (req: ReportRequest) => runReport(store, req, () => NOW);
	const twoDays = { preset: 'custom' as const, from: '2026-05-01', to: '2026-05-02', timeZone: 'UTC' };
	const fields = (r: Row, by: string) => [r[by], r.currency, r.returns, r.unitsReturned, r.unitsShipped, r.returnRatePct, r.refundOwed, r.refundRefunded];

	beforeAll(async () => {
		store = await kind.open(clock.now);
		await seedOrders(store, clock);
		await seedReturns(store, clock);
		// K1 (woocommerce USD, May 1): SKU-1 x2 (line 1), SKU-3 x1 (line 2), SKU-2 x1 (line 3), shipped in two packages
		// that name 1 + 3 units of SKU-1 (2 ordered: 2 count), none of SKU-3 (0 count, though the order is shipped) and
		// 1 of SKU-2
		const k1 = order('woocommerce', 'K1', '2026-05-01T09:00:00.000Z', 'USD', [
			['SKU-1', 2, 25],
			['SKU-3', 1, 0.33],
			['SKU-2', 1, 10],
		]);
		clock.set(k1.placedAt);
		await store.recordOrder(k1);
		clock.set('2026-05-01T20:00:00.000Z');
		const pkg = (packageKey: string, lines: Array<{ sku: string; quantity: number; lineId?: string }>) =>
			store.recordShipment({ omsId: 'woocommerce:K1', packageKey, provider: 'shipbob', carrier: 'UPS', trackingNumber: packageKey, trackingUrl: null, shippedAt: '2026-05-01T20:00:00.000Z', lines });
		await pkg('PKG-K1-1', [{ sku: 'SKU-1', quantity: 1, lineId: '1' }]);
		await pkg('PKG-K1-2', [
			{ sku: 'SKU-1', quantity: 3 },
			{ sku: 'SKU-2', quantity: 1 },
		]);
		await store.setStatus('woocommerce:K1', 'shipped');
		// RK1: one SKU-1 and the SKU-2 of K1 came back damaged, refunded with tax, a restocking fee on SKU-1 and the shipping
		clock.set('2026-05-02T18:00:00.000Z');
		await recordReturn(
			store,
			makeReturn('woocommerce:K1', {
				channelReturnId: 'RK1',
				channelState: 'closed',
				channelStatus: 'CLOSED',
				requestedAt: '2026-05-02T18:00:00.000Z',
				updatedAt: '2026-05-02T18:00:00.000Z',
				lines: [
					{ lineId: '1', sku: 'SKU-1', quantity: 1, channelReason: 'DAMAGED', reason: 'damaged' },
					{ lineId: '3', sku: 'SKU-2', quantity: 1, channelReason: 'DAMAGED', reason: 'damaged' },
				],
				refund: {
					currency: 'USD',
					status: 'refunded',
					lines: [
						{ lineId: '1', amount: 25, tax: 2.5, restockingFee: 1 },
						{ lineId: '3', amount: 10, tax: 1, restockingFee: 0 },
					],
					shipping: 5,
					returnShippingFee: 0,
					total: 42.5,
				},
			}),
			{ cause: 'test' },
		);
		clock.set(NOW.toISOString());
	});

	it('counts per SKU and currency: returns, units, the SKU’s units shipped from packages or order lines, the rate and the line refunds', async () => {
		const r = await run({ report: 'returnsBySku', period: twoDays });
		// SKU-1 USD: RA1 (2, owed 50), RS2 (declined: a return, no units, its refund not owed), RK1 (1, refunded 25 + 2.50 - 1);
		// shipped A1 2 + S1 1 (no packages, shipped) + K1 2 (4 in packages, 2 ordered). SKU-2 USD: RA2 (10.10) and RK1
		// (10 + 1); shipped A2 1 + E1 1 (1 of 2 in a package, at the WMS) + K1 1. SKU-3 USD: RS1 (2), RS3 (cancelled);
		// shipped S1 3 + K1 0 (not in its packages). SKU-1 EUR: RE1 (owed 20); shipped S2 1.
		expect(r.rows.map((x) => fields(x, 'sku'))).toEqual([
			['SKU-1', 'EUR', 1, 1, 1, 100, 20, 0],
			['SKU-1', 'USD', 3, 3, 5, 60, 50, 26.5],
			['SKU-2', 'USD', 2, 2, 3, 66.67, 0, 21.1],
			['SKU-3', 'USD', 2, 2, 3, 66.67, 0, 0],
		]);
		expect(r.columns.map((c) => c.key)).toEqual(['sku', 'currency', 'returns', 'unitsReturned', 'unitsShipped', 'returnRatePct', 'refundOwed', 'refundRefunded']);
		expect(r.counts).toMatch(/^Counts the return lines requested in the period, by SKU/);
	});

	it('keeps the SKUs with the most units returned (over every currency) up to the limit, and filters channels', async () => {
		// SKU-2 and SKU-3 have 2 units and 2 returns each: by name
		expect((await run({ report: 'returnsBySku', period: twoDays, options: { limit: 2 } })).rows.map((x) => [x.sku, x.currency])).toEqual([
			['SKU-1', 'EUR'],
			['SKU-1', 'USD'],
			['SKU-2', 'USD'],
		]);
		// shopify only: RS1, RS2, RS3 (USD) and RE1 (EUR); units shipped of shopify's orders only (S1, S2)
		const shopify = await run({ report: 'returnsBySku', period: twoDays, options: { channels: ['shopify'] } });
		expect(shopify.rows.map((x) => fields(x, 'sku'))).toEqual([
			['SKU-3', 'USD', 2, 2, 3, 66.67, 0, 0],
			['SKU-1', 'EUR', 1, 1, 1, 100, 20, 0],
			['SKU-1', 'USD', 1, 0, 1, 0, 0, 0],
		]);
	});

	it('counts per reason and currency, whose fault it is, the rate over every unit shipped in the currency', async () => {
		const r = await run({ report: 'returnsByReason', period: twoDays });
		// units shipped per order, as Returns by source counts them: USD A1 2 + A2 1 + S1 4 + E1 1 + K1 4 (5 in its
		// packages, 4 ordered) = 12, EUR S2 1
		expect(r.rows.map((x) => [...fields(x, 'reason'), x.fault])).toEqual([
			['defective', 'USD', 2, 3, 12, 25, 0, 10.1, 'seller'],
			['size_fit', 'EUR', 1, 1, 1, 100, 20, 0, 'customer'],
			['size_fit', 'USD', 1, 2, 12, 16.67, 50, 0, 'customer'],
			['damaged', 'USD', 1, 2, 12, 16.67, 0, 37.5, 'seller'],
			['unwanted', 'USD', 2, 0, 12, 0, 0, 0, 'customer'],
		]);
		expect(r.columns.map((c) => c.key)).toEqual(['reason', 'fault', 'currency', 'returns', 'unitsReturned', 'unitsShipped', 'returnRatePct', 'refundOwed', 'refundRefunded']);
	});

	it('compares with the previous period: a reason only the previous period had keeps its fault', async () => {
		const r = await run({ report: 'returnsByReason', period: { preset: 'custom', from: '2026-05-03', to: '2026-05-03', timeZone: 'UTC' }, compare: true });
		expect(r.rows.find((x) => x.reason === 'damaged')).toMatchObject({ fault: 'seller', currency: 'USD', unitsReturned: 0, unitsReturnedPrevious: 2, refundRefunded: 0, refundRefundedPrevious: 37.5, returnRatePct: null });
	});

	it('has no rows in an empty period', async () => {
		for (const report of ['returnsBySku', 'returnsByReason'] as const) {
			const r = await run({ report, period: { preset: 'custom', from: '2020-01-01', to: '2020-01-07' }, compare: true });
			expect([r.rows, r.previousRows]).toEqual([[], []]);
		}
	});

	it('writes a Markdown summary: units per SKU over the shipped ones, the seller’s share of the reasons, refunds per currency', async () => {
		expect(toMarkdown(await run({ report: 'returnsBySku', period: twoDays })).split('\n')).toEqual([
			'**Returns by SKU custom period (2026-05-01 – 2026-05-02, UTC): 8 units returned**',
			expect.stringMatching(/^- Counts the return lines requested in the period/),
			'1. SKU\\-1: 4 units of 6 shipped (66.67%), 4 returns',
			'2. SKU\\-2: 2 units of 3 shipped (66.67%), 2 returns',
			'3. SKU\\-3: 2 units of 3 shipped (66.67%), 2 returns',
			'- Refund owed: EUR 20.00; USD 50.00',
			'- Refunded: USD 47.60',
			'',
		]);
		expect(toMarkdown(await run({ report: 'returnsByReason', period: twoDays })).split('\n')).toEqual([
			'**Returns by Reason custom period (2026-05-01 – 2026-05-02, UTC): 8 units returned**',
			expect.stringMatching(/^- Counts the return lines requested in the period, by their normalised reason/),
			"- The seller's fault: 5 units (62.5%)",
			'1. defective: 3 units (37.5% of units returned), 2 returns',
			'2. size\\_fit: 3 units (37.5% of units returned), 2 returns',
			'3. damaged: 2 units (25% of units returned), 1 return',
			'- Refund owed: EUR 20.00; USD 50.00',
			'- Refunded: USD 47.60',
			'',
		]);
	});
});

describe.each(STORES)('time-zone edges on $name', (kind) => {
	let store: Store;
	const clock = new TestClock();
	beforeAll(async () => {
		store = await kind.open(clock.now);
		const at = [
			'2026-05-01T18:29:59.999Z', // 23:59:59 on May 1 in Kolkata (+05:30)
			'2026-05-01T18:30:00.000Z', // 00:00 on May 2 in Kolkata
			'2026-03-08T07:59:00.000Z', // 23:59 on Mar 7 in Los Angeles (PST)
			'2026-03-08T08:00:00.000Z', // 00:00 on Mar 8 (PST; the clocks go forward at 02:00, a 23-hour day)
			'2026-03-09T06:59:00.000Z', // 23:59 on Mar 8 (PDT)
			'2026-03-09T07:00:00.000Z', // 00:00 on Mar 9 (PDT)
		];
		let i = 0;
		for (const t of at) await store.recordOrder(order('shopify', `T${i++}`, t, 'USD', [['SKU-1', 1, 1]]));
	});
	const days = async (timeZone: string, from: string, to: string) =>
		(await runReport(store, { report: 'byDay', period: { preset: 'custom', from, to, timeZone } }, () => NOW)).rows.map((r) => [r.date, r.orders]);

	it('splits a :30 offset zone at local midnight (SQLite folds quarter hours)', async () => {
		expect(await days('Asia/Kolkata', '2026-05-01', '2026-05-02')).toEqual([
			['2026-05-01', 1],
			['2026-05-02', 1],
		]);
		expect(await days('UTC', '2026-05-01', '2026-05-02')).toEqual([['2026-05-01', 2]]);
		// a period that starts at the local midnight 18:30Z: the orders of 18:30-19:00Z are on the new day
		expect(await days('Asia/Kolkata', '2026-05-02', '2026-05-02')).toEqual([['2026-05-02', 1]]);
		expect(await days('Asia/Kolkata', '2026-05-01', '2026-05-01')).toEqual([['2026-05-01', 1]]);
	});

	it('handles the 23-hour day when daylight saving time starts', async () => {
		expect(await days(LA, '2026-03-07', '2026-03-09')).toEqual([
			['2026-03-07', 1],
			['2026-03-08', 2],
			['2026-03-09', 1],
		]);
		const r = await runReport(store, { report: 'byChannel', period: { preset: 'custom', from: '2026-03-08', to: '2026-03-08', timeZone: LA } }, () => NOW);
		expect(r.period).toMatchObject({ from: '2026-03-08T08:00:00.000Z', to: '2026-03-09T07:00:00.000Z' });
		expect(r.rows).toEqual([{ channel: 'shopify', currency: 'USD', orders: 2, units: 2, revenue: 20 }]); // 1 + 9 shipping each
	});
});

describe.each(STORES)('backorders and inventory on $name', (kind) => {
	let store: Store;
	const clock = new TestClock();
	beforeAll(async () => {
		store = await kind.open(clock.now);
		await store.upsertStockLevels([
			{ sku: 'SKU-1', onHand: 100 },
			{ sku: 'SKU-1', location: 'east', onHand: 5 },
			{ sku: 'SKU-9', onHand: 2 },
		]);
		await store.setSafetyStock('SKU-1', 10);
		const b1 = order('walmart', 'B1', '2026-04-28T00:00:00.000Z', 'USD', [
			['SKU-9', 5, 3],
			['SKU-1', 1, 25],
		]);
		const b2 = order('ebay', 'B2', '2026-05-01T00:00:00.000Z', 'USD', [['SKU-9', 4, 3]]);
		const b3 = order('amazon', 'B3', '2026-04-29T00:00:00.000Z', 'USD', [['SKU-7', 2, 8]]);
		const b4 = order('shopify', 'B4', '2026-04-20T00:00:00.000Z', 'USD', [['SKU-9', 1, 3]]);
		for (const o of [b1, b2, b3, b4]) await store.recordOrder(o);
		await store.reserve([
			{
				omsId: b1.omsId,
				allowPartial: true,
				lines: b1.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })),
			},
		]);
		await store.setStatus(b1.omsId, 'backordered');
		await store.setStatus(b2.omsId, 'backordered');
		await store.setStatus(b3.omsId, 'on_hold', { hold: { reason: 'out_of_stock', since: '2026-04-29T01:00:00.000Z', detail: null } });
		await store.setStatus(b4.omsId, 'shipped');
		await store.setPublished([
			{ channel: 'amazon', sku: 'SKU-1', quantity: 40 },
			{ channel: 'shopify', sku: 'SKU-1', quantity: 30 },
			{ channel: 'shopify', sku: 'SKU-9', quantity: 0 },
			{ channel: 'ebay', sku: 'SKU-5', quantity: 3 },
		]);
	});

	it('backorders: units still waiting per SKU (less what is reserved) and the oldest age', async () => {
		const r = await runReport(store, { report: 'backorders', period: { preset: 'today' } }, () => NOW);
		expect(r.period).toBeNull();
		expect(r.rows).toEqual([
			{ sku: 'SKU-9', orders: 2, unitsWaiting: 7, oldestPlacedAt: '2026-04-28T00:00:00.000Z', oldestAgeDays: 4.8 },
			{ sku: 'SKU-7', orders: 1, unitsWaiting: 2, oldestPlacedAt: '2026-04-29T00:00:00.000Z', oldestAgeDays: 3.8 },
		]);
		const ebay = await runReport(store, { report: 'backorders', period: { preset: 'today' }, options: { channels: ['ebay'] } }, () => NOW);
		expect(ebay.rows).toEqual([{ sku: 'SKU-9', orders: 1, unitsWaiting: 4, oldestPlacedAt: '2026-05-01T00:00:00.000Z', oldestAgeDays: 1.8 }]);
	});

	it('backorders: reads reservation documents in the six-element form earlier builds wrote, as the store does', async () => {
		const omsId = (await store.query<{ oms_id: string }>('SELECT oms_id FROM reservations WHERE active > 0'))[0].oms_id;
		const [row] = await store.query<{ parts: unknown }>('SELECT parts FROM reservations WHERE oms_id = $1', [omsId]);
		const parts = partsFromJson(row.parts);
		const current = typeof row.parts === 'string' ? row.parts : JSON.stringify(row.parts);
		expect(JSON.parse(current)[0]).toHaveLength(3); // written in the short form
		const earlier = JSON.stringify(parts.map((q) => [q.line, q.sku, q.location, q.active, q.committed, q.released]));
		const write = kind.name === 'PostgreSQL' ? 'UPDATE reservations SET parts = $1::jsonb WHERE oms_id = $2' : 'UPDATE reservations SET parts = $1 WHERE oms_id = $2';
		await store.query(write, [earlier, omsId]);
		try {
			const r = await runReport(store, { report: 'backorders', period: { preset: 'today' } }, () => NOW);
			expect(r.rows.map((x) => [x.sku, x.unitsWaiting])).toEqual([
				['SKU-9', 7],
				['SKU-7', 2],
			]);
		} finally {
			await store.query(write, [current, omsId]);
		}
	});

	it('inventory: on hand, reserved, ATP over locations, and what each channel is offered', async () => {
		const r = await runReport(store, { report: 'inventory', period: { preset: 'today' } }, () => NOW);
		expect(r.rows).toEqual([
			{ sku: 'SKU-1', onHand: 105, reserved: 1, safetyStock: 10, atp: 94, locations: 2, published_amazon: 40, published_ebay: null, published_shopify: 30 },
			{ sku: 'SKU-5', onHand: 0, reserved: 0, safetyStock: 0, atp: 0, locations: 0, published_amazon: null, published_ebay: 3, published_shopify: null },
			{ sku: 'SKU-9', onHand: 2, reserved: 2, safetyStock: 0, atp: 0, locations: 1, published_amazon: null, published_ebay: null, published_shopify: 0 },
		]);
		expect(r.columns.map((c) => c.key)).toEqual(['sku', 'onHand', 'reserved', 'safetyStock', 'atp', 'locations', 'published_amazon', 'published_ebay', 'published_shopify']);
		const shopify = await runReport(store, { report: 'inventory', period: { preset: 'today' }, options: { channels: ['shopify'] } }, () => NOW);
		expect(shopify.columns.map((c) => c.key).slice(6)).toEqual(['published_shopify']);
	});
});

describe('SQLite report SQL and the covering index (schema version 2)', () => {
	it('seeks each (channel, currency) range of orders_report_hour: no table rows, no sort, no ANALYZE needed', async () => {
		const store = await STORES[0].open(() => NOW);
		const range = pairRangeWhere('2026-05-01T00:00:00.000Z', '2026-05-31T00:00:00.000Z');
		const plan = async (sql: string, params: unknown[]) =>
			(await store.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail).join(' | ');
		const byChannel = await plan(`SELECT COUNT(*), SUM(units), SUM(total_minor) FROM orders INDEXED BY ${REPORT_INDEX} WHERE ${range.sql}`, range.params('amazon', 'USD'));
		const byHour = await plan(
			`SELECT substr(placed_at, 1, 13), COUNT(*), SUM(units), SUM(total_minor) FROM orders INDEXED BY ${REPORT_INDEX} WHERE ${range.sql} GROUP BY substr(placed_at, 1, 13)`,
			range.params('amazon', 'USD'),
		);
		for (const p of [byChannel, byHour]) {
			expect(p).toMatch(/SEARCH orders USING COVERING INDEX orders_report_hour \(channel=\? AND currency=\? AND <expr>>\? AND <expr><\?\)/);
			expect(p).not.toMatch(/TEMP B-TREE/);
		}
		const nextChannel = await plan(`SELECT channel FROM orders INDEXED BY ${REPORT_INDEX} WHERE channel > $1 ORDER BY channel LIMIT 1`, ['a']);
		expect(nextChannel).toMatch(/SEARCH orders USING COVERING INDEX orders_report_hour \(channel>\?\)/);
		const nextCurrency = await plan(`SELECT currency FROM orders INDEXED BY ${REPORT_INDEX} WHERE channel = $1 AND currency > $2 ORDER BY currency LIMIT 1`, ['a', 'b']);
		expect(nextCurrency).toMatch(/SEARCH orders USING COVERING INDEX orders_report_hour \(channel=\? AND currency>\?\)/);
	});

	it('finds the local midnights that split a UTC hour: none for whole-hour zones, one a day for Kolkata and Kathmandu', () => {
		expect(splitHours('America/Los_Angeles', '2026-03-01T08:00:00.000Z', '2026-04-01T07:00:00.000Z')).toEqual([]);
		expect(splitHours('Asia/Kolkata', '2026-04-30T18:30:00.000Z', '2026-05-03T18:30:00.000Z')).toEqual([
			['2026-04-30T18:30:00.000Z', '2026-04-30T19:00:00.000Z'],
			['2026-05-01T18:30:00.000Z', '2026-05-01T19:00:00.000Z'],
			['2026-05-02T18:30:00.000Z', '2026-05-02T19:00:00.000Z'],
		]);
		expect(splitHours('Asia/Kathmandu', '2026-05-01T00:00:00.000Z', '2026-05-02T00:00:00.000Z')).toEqual([['2026-05-01T18:15:00.000Z', '2026-05-01T19:00:00.000Z']]);
	});
});

describe('PostgreSQL statistics for the hour grouping (schema version 2)', () => {
	it('has the orders_report_hour statistics object the day x channel SQL relies on for a parallel plan', async () => {
		const store = await STORES[1].open(() => NOW);
		const rows = await store.query<{ stxname: string; expr: string }>(
			`SELECT stxname, pg_get_statisticsobjdef_expressions(oid)::text AS expr FROM pg_statistic_ext WHERE stxname = 'orders_report_hour' AND stxnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`,
		);
		expect(rows).toHaveLength(1);
		expect(rows[0].expr).toMatch(/date_bin\('01:00:00'::interval, placed_at, '2000-01-01 00:00:00\+00'::timestamp with time zone\)/);
	});
});
