/**
 * Properties of the entry points that read what a user types (node parameters, expressions included) or asks for.
 * Promises:
 * - parameters.report: runReport with any request (report name, period preset, time zone, days, from/to, compare,
 *   options of any type) returns a report or refuses it with a ReportError or PeriodError naming what was wrong;
 *   every report it returns renders (CSV, HTML, Markdown) without an error.
 * - parameters.fraud: the Fraud Gate's parameters of any shape and value become a rule set (or "Rule Set JSON is not
 *   valid JSON" / "must be a JSON object"), and validateRuleSet returns problems, each with a path that
 *   ruleParameterPath turns into a parameter name; nothing throws.
 * - parameters.allocation: the Inventory Allocator's parameters of any shape and value become a rule set whose
 *   validateChannelRuleSet problems each have a path; nothing throws.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ruleParameterPath as allocationPath, ruleSetFromParameters as allocationRules, type RuleSetParameters } from '../../../lib/allocation/parameters';
import { validateChannelRuleSet } from '../../../lib/allocation';
import { resolveRuleSet, validateRuleSet } from '../../../lib/fraud';
import { ruleParameterPath as fraudPath, ruleSetFromParameters as fraudRules, type FraudRuleParameters } from '../../../lib/fraud/parameters';
import { PERIOD_PRESETS, PeriodError, REPORT_NAMES, ReportError, runReport, toCsv, toHtml, toMarkdown, type ReportRequest } from '../../../lib/report';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';
import { edgeNumber, hostileString, hostileValue } from './arbitraries';
import { checkAsyncProperty, checkProperty, PROPERTY_TIMEOUT_MS } from './harness';

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** What an n8n parameter can hold once an expression is allowed: the right type, or anything at all */
const typed = <T>(right: fc.Arbitrary<T>) => fc.oneof({ arbitrary: right, weight: 8 }, { arbitrary: hostileValue, weight: 1 });

describe('parameters and options from users', () => {
	let dir: string;
	let store: Store;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'oms-prop-'));
		store = await openSqliteStore(join(dir, 'oms.sqlite'), { now: () => new Date('2026-05-02T12:00:00Z') });
		for (const [i, channel] of ['shopify', 'amazon', 'ebay', 'woocommerce'].entries()) {
			await store.recordOrder(makeOrder({ channel, channelOrderId: String(i + 1), placedAt: '2026-05-01T10:00:00.000Z', updatedAt: '2026-05-01T10:00:00.000Z' }));
		}
	}, PROPERTY_TIMEOUT_MS);
	afterAll(async () => {
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	}, PROPERTY_TIMEOUT_MS);

	it('runReport: a report or a ReportError / PeriodError for any request; what it returns renders', async () => {
		const tally = { reports: 0, refused: 0 };
		const request = fc.record({
			report: fc.oneof({ arbitrary: fc.constantFrom(...REPORT_NAMES), weight: 4 }, { arbitrary: hostileString(10), weight: 1 }),
			period: fc.record({
				preset: fc.oneof({ arbitrary: fc.constantFrom(...PERIOD_PRESETS), weight: 4 }, { arbitrary: hostileString(8), weight: 1 }),
				timeZone: maybe(typed(fc.constantFrom('UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Chatham', ''))),
				days: maybe(typed(fc.oneof(fc.integer({ min: -2, max: 4000 }), edgeNumber))),
				from: maybe(typed(fc.constantFrom('2026-04-01', '2026-05-01T10:00:00Z', '2026-02-30', '', '2026-05-02'))),
				to: maybe(typed(fc.constantFrom('2026-05-01', '2026-05-03T00:00:00+02:00', '2025-01-01', ''))),
			}),
			compare: maybe(typed(fc.boolean())),
			options: maybe(
				typed(
					fc.record({
						channels: maybe(typed(fc.array(fc.oneof(fc.constantFrom('shopify', 'amazon', ' ebay ', ''), hostileString(6)), { maxLength: 3 }))),
						includeUnsold: maybe(typed(fc.boolean())),
						interval: maybe(typed(fc.constantFrom('day', 'week', 'month'))),
						limit: maybe(typed(fc.oneof(fc.integer({ min: -1, max: 50 }), edgeNumber))),
					}),
				),
			),
		});
		await checkAsyncProperty({ name: 'parameters.report', numRuns: 400, seed: 1806001 }, [request], async (req) => {
			let result;
			try {
				result = await runReport(store, req as unknown as ReportRequest, () => new Date('2026-05-02T12:00:00Z'));
			} catch (e) {
				if (!(e instanceof ReportError || e instanceof PeriodError)) throw e;
				expect(e.message.length).toBeGreaterThan(10);
				tally.refused++;
				return;
			}
			toCsv(result);
			toHtml(result);
			toMarkdown(result);
			tally.reports++;
		});
		expect(tally.reports).toBeGreaterThan(60);
		expect(tally.refused).toBeGreaterThan(20);
	}, PROPERTY_TIMEOUT_MS);

	it('the Fraud Gate parameters: a rule set and problems with paths, or the Rule Set JSON error, never a crash', () => {
		const RULES = ['orderTotalAbove', 'skuQuantityAbove', 'shipCountryHighRisk', 'shipCountryNotAllowed', 'billingShippingMismatch', 'shipToNameMismatch', 'disposableOrMalformedEmail', 'firstOrderExpedited', 'freightForwarderOrPoBox', 'channelRisk', 'externalScreener'];
		const FIELDS = ['enabled', 'points', 'block', 'amounts', 'limit', 'skus', 'countries', 'allowed', 'compare', 'minSimilarity', 'domains', 'levels', 'minTotal', 'keywords', 'addresses', 'poBox', 'poBoxPoints', 'recommendation', 'riskLevel', 'blockOnCancel', 'stripeLevel', 'stripeScoreAtLeast', 'stripeScorePoints', 'signifyd', 'nofraud', 'blockOn'];
		const fieldValue = fc.oneof(hostileValue, fc.constantFrom('USD 1000, EUR 900', 'US, CA', 'MUG-*\nTEA', 'HIGH: 30; medium 10', '12', 'true'));
		const group = fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 5 });
		const velocity = fc.record({ enabled: maybe(hostileValue), key: maybe(fc.oneof(fc.constantFrom('email', 'shipAddress', 'phone', 'clientIp'), hostileString(6))), windowHours: maybe(hostileValue), maxOrders: maybe(hostileValue), maxAmount: maybe(fieldValue), points: maybe(hostileValue), block: maybe(hostileValue) });
		const params = fc.record({
			reviewThreshold: maybe(typed(fc.integer())),
			rejectThreshold: maybe(typed(fc.integer())),
			allowList: maybe(typed(fc.dictionary(fc.constantFrom('emails', 'domains', 'phones', 'customerIds'), fieldValue))),
			denyList: maybe(typed(fc.dictionary(fc.constantFrom('emails', 'domains', 'phones', 'addresses', 'ips', 'countries'), fieldValue))),
			rules: maybe(typed(fc.dictionary(fc.constantFrom(...RULES), typed(group), { maxKeys: 4 }))),
			velocityRules: maybe(typed(fc.record({ rule: maybe(typed(fc.array(typed(velocity), { maxLength: 3 }))) }))),
			ruleSetJson: maybe(fc.oneof(hostileString(12), fc.constantFrom('{"thresholds":{"review":"x"}}', '{"rules":{"velocity":[null]}}', '[]', '{', '{"rules":null}'), fc.jsonValue({ maxDepth: 3 }))),
		});
		checkProperty({ name: 'parameters.fraud', numRuns: 1000, seed: 1806002 }, [params], (p) => {
			let partial;
			try {
				partial = fraudRules(p as FraudRuleParameters);
			} catch (e) {
				expect((e as Error).message).toMatch(/^Rule Set JSON (is not valid JSON|must be a JSON object)/);
				return;
			}
			const problems = validateRuleSet(resolveRuleSet(partial));
			for (const q of problems) {
				expect(q.path).toMatch(/^\$/);
				expect(typeof q.message).toBe('string');
				expect(typeof fraudPath(q.path)).toBe('string');
			}
		});
	}, PROPERTY_TIMEOUT_MS);

	it('the Inventory Allocator parameters: a rule set and problems with paths, never a crash', () => {
		const fields = fc.dictionary(
			fc.constantFrom('sharePercent', 'buffer', 'maxListed', 'zeroAt', 'keepAliveMin', 'priorityRank', 'lowStockLevel', 'lowSharePercent', 'lowBuffer', 'lowMaxListed', 'lowZeroAt', 'lowKeepAliveMin'),
			fc.oneof(hostileValue, fc.integer({ min: -5, max: 200 }), fc.constantFrom('40', ' 12 ', '1e3')),
			{ maxKeys: 5 },
		);
		const params = fc.record({
			channelRules: maybe(typed(fc.record({ rule: maybe(typed(fc.array(typed(fc.record({ channel: maybe(typed(fc.constantFrom('amazon', 'ebay', ' shopify '))), sharePercent: maybe(hostileValue), options: maybe(typed(fields)) })), { maxLength: 3 }))) }))),
			defaultRule: maybe(typed(fields)),
			skuOverrides: maybe(typed(fc.record({ override: maybe(typed(fc.array(typed(fc.record({ pattern: maybe(typed(fc.constantFrom('MUG-*', '*', '[', 'a**b'))), channel: maybe(hostileValue), fields: maybe(typed(fields)) })), { maxLength: 3 }))) }))),
		});
		checkProperty({ name: 'parameters.allocation', numRuns: 1000, seed: 1806003 }, [params], (p) => {
			const rs = allocationRules(p as RuleSetParameters);
			for (const q of validateChannelRuleSet(rs)) {
				expect(q.path).toMatch(/^\$/);
				expect(typeof q.message).toBe('string');
				expect(typeof allocationPath(q.path, rs)).toBe('string');
			}
		});
	}, PROPERTY_TIMEOUT_MS);
});
