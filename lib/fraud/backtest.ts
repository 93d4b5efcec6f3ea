/**
 * Back-testing: run a rule set (the current one or an edited one) over past orders and report what it would
 * have passed, held and rejected, without writing anything, so an operator can tune before switching.
 *
 * Each order is screened as of its own placing: velocity sees only orders placed before it (`until` = its
 * placedAt, itself left out), and the clock is `nowFor(order)` (its placedAt unless told otherwise).
 */
import type { DateTime } from 'luxon';
import type { CanonicalOrder, FraudDecision } from '../order/types';
import { ruleSetVersion, type RuleSet } from './rule-set';
import { screenOrder, type ScreenResult, type VelocityLookup } from './screen';

export interface BacktestOptions {
	velocity: VelocityLookup;
	/** The clock for each order; default its placedAt */
	nowFor?: (order: CanonicalOrder) => DateTime | string;
	/** The decision stored for the order, to report changes; default order.fraud?.decision */
	storedDecision?: (order: CanonicalOrder) => FraudDecision | null | undefined;
	/** Called with each order's result (e.g. to list what would change) */
	onResult?: (order: CanonicalOrder, result: ScreenResult) => void;
}

export interface BacktestReport {
	ruleSetVersion: string;
	total: number;
	pass: number;
	review: number;
	reject: number;
	byStage: { allow: number; block: number; score: number };
	/** rule name -> number of orders it fired on (in the reasons of the decision) */
	byRule: Record<string, number>;
	/** omsIds whose new decision differs from the stored one (only orders with a stored decision) */
	changed: string[];
	/** "from->to" -> count, for the orders in `changed` */
	transitions: Record<string, number>;
}

export async function backtest(
	orders: Iterable<CanonicalOrder> | AsyncIterable<CanonicalOrder>,
	ruleSet: RuleSet,
	options: BacktestOptions,
): Promise<BacktestReport> {
	const version = ruleSetVersion(ruleSet);
	const report: BacktestReport = {
		ruleSetVersion: version,
		total: 0,
		pass: 0,
		review: 0,
		reject: 0,
		byStage: { allow: 0, block: 0, score: 0 },
		byRule: {},
		changed: [],
		transitions: {},
	};
	const stored = options.storedDecision ?? ((o: CanonicalOrder) => o.fraud?.decision);
	for await (const order of orders) {
		const result = await screenOrder(order, ruleSet, {
			velocity: options.velocity,
			now: options.nowFor ? options.nowFor(order) : order.placedAt,
			velocityUntil: order.placedAt,
			ruleSetVersion: version,
		});
		report.total++;
		report[result.decision]++;
		report.byStage[result.stage]++;
		for (const rule of new Set(result.reasons.map((r) => r.rule))) report.byRule[rule] = (report.byRule[rule] ?? 0) + 1;
		const before = stored(order);
		if (before && before !== result.decision) {
			report.changed.push(order.omsId);
			const k = `${before}->${result.decision}`;
			report.transitions[k] = (report.transitions[k] ?? 0) + 1;
		}
		options.onResult?.(order, result);
	}
	return report;
}
