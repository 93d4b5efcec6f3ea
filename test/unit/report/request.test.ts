/**
 * runReport's request from node parameters that an expression filled with the wrong type: a ReportError or
 * PeriodError naming the option, not a TypeError (found by the parameters.report property).
 */
import { PeriodError, ReportError, runReport, type ReportRequest } from '../../../lib/report';
import type { Store } from '../../../lib/store/types';
import { closeStores, STORES } from './stores';

let store: Store;
beforeAll(async () => {
	store = await STORES[0].open(() => new Date('2026-05-02T12:00:00Z'));
});
afterAll(closeStores);

const now = () => new Date('2026-05-02T12:00:00Z');
const run = (over: Record<string, unknown>) => runReport(store, { report: 'byChannel', period: { preset: 'yesterday' }, ...over } as unknown as ReportRequest, now);

describe('runReport refuses a request of the wrong shape with an error naming what is wrong', () => {
	it.each([
		[{ options: { channels: 'shopify' } }, ReportError, 'Channels must be a list of channel names, not "shopify"'],
		[{ options: { channels: [1] } }, ReportError, 'Channels must be a list of channel names, not a list'],
		[{ options: 'all' }, ReportError, 'Options must be an object, not "all"'],
		[{ options: { interval: 'year' } }, ReportError, 'Interval must be day, week or month, not "year"'],
		[{ options: { includeUnsold: 'yes' } }, ReportError, 'Include Rejected, Cancelled and Fraud-Review Orders must be true or false, not "yes"'],
		[{ options: { limit: '10' } }, ReportError, 'Limit must be a whole number of at least 1, not "10"'],
		[{ report: 'constructor' }, ReportError, 'Unknown report "constructor": use one of'],
		[{ compare: 'true' }, ReportError, 'Compare must be true or false, not "true"'],
		[{ period: null }, ReportError, 'The period must name a preset'],
		[{ period: { preset: 'yesterday', timeZone: 5 } }, PeriodError, 'The time zone must be an IANA name such as America/Los_Angeles or UTC, not 5'],
		[{ period: { preset: 'custom', from: 20260401, to: '2026-05-01' } }, PeriodError, '"From" must be a date (YYYY-MM-DD) or an ISO 8601 date-time, not 20260401'],
	])('%j', async (over, type, message) => {
		const error = await run(over).then(
			() => null,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(type);
		expect((error as Error).message).toContain(message);
	});

	it('a well-formed request still runs', async () => {
		expect((await run({ options: { channels: ['shopify'], includeUnsold: true } })).rows).toEqual([]);
	});
});
