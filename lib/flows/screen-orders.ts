/**
 * Screen orders for fraud (the Fraud Gate's use cases): screen one recorded order and record the decision with its
 * status in one store transition, resolve a held review once (the resolution, the annotation and the status in one
 * transition), back-test a rule set over stored orders without writing. The decisions are lib/fraud's; these chain
 * them with the store. n8n-free: a Store and plain values in, plain results out.
 */
import { backtest, isReviewOverdue, resolveRuleSet, ruleSetVersion, screenOrder, validateRuleSet, type BacktestReport, type RuleSet } from '../fraud';
import { ruleParameterPath, ruleSetFromParameters, type FraudRuleParameters } from '../fraud/parameters';
import type { CanonicalOrder, FraudAnnotation, FraudDecision } from '../order/types';
import type { FraudRecord, OrderSearch, Store, StoredOrder, TransitionRequest } from '../store/types';

export type BuiltRuleSet = { ruleSet: RuleSet; version: string };

/**
 * The node's parameters to a validated rule set, or a message naming every bad field by its parameter (and JSON path),
 * e.g. "Invalid fraud rule set: Reject Threshold: reject threshold (40) is below the review threshold (50) ($.thresholds.reject)".
 */
export function buildRuleSet(params: FraudRuleParameters): BuiltRuleSet | { error: string } {
	let partial;
	try {
		partial = ruleSetFromParameters(params);
	} catch (error) {
		return { error: `Invalid fraud rule set: ${(error as Error).message}` };
	}
	const ruleSet = resolveRuleSet(partial);
	const problems = validateRuleSet(ruleSet);
	if (problems.length) {
		return { error: `Invalid fraud rule set: ${problems.map((p) => `${ruleParameterPath(p.path)}: ${p.message} (${p.path})`).join('; ')}` };
	}
	return { ruleSet, version: ruleSetVersion(ruleSet) };
}

/** Which output an order leaves on */
export type Route = 'pass' | 'review' | 'reject';

export interface ScreenOutcome {
	route: Route;
	fraud: FraudAnnotation;
	stored: StoredOrder;
	statusChanged: boolean;
	/** The order had a resolved review and was not screened again */
	resolvedBefore: boolean;
}

const SEVERITY: Record<FraudDecision, number> = { pass: 0, review: 1, reject: 2 };

export class NotInStoreError extends Error {
	constructor(omsId: string) {
		super(`Order ${omsId} is not in the OMS store: record it with OMS Order (Record) before the Fraud Gate, so velocity counts it`);
		this.name = 'NotInStoreError';
	}
}

function summary(fraud: FraudAnnotation): string {
	const rules = fraud.reasons.map((r) => r.rule).join(', ');
	return `score ${fraud.score}${rules ? `: ${rules}` : ''}`;
}

/**
 * Screens one order (recorded in the store) and records the decision, in one store transition: `fraud` on the order
 * with a timeline event, the fraud decision row with the rule set's version, and the status (review -> fraud_review
 * with a hold, reject -> rejected, as the transition table allows from where the order is: never away from a status
 * further along its life, such as ready or at_wms; pass leaves it). A re-screen of an order still in review keeps the
 * time it entered review (`fraud.reviewSince`), which the review time limit counts from.
 */
export async function screenOne(
	store: Store,
	order: CanonicalOrder,
	rs: BuiltRuleSet,
	opts: { now: string; reviewTimeLimitHours: number; rescreenResolved: boolean; cause: string },
): Promise<ScreenOutcome> {
	const stored = await store.getOrder(order.omsId);
	if (!stored) throw new NotInStoreError(order.omsId);
	const prior = await store.getFraudDecision(order.omsId);

	if (prior?.resolution && !opts.rescreenResolved) {
		return {
			route: prior.resolution.decision === 'approved' ? 'pass' : 'reject',
			fraud: { ...prior.fraud, resolution: prior.resolution },
			stored,
			statusChanged: false,
			resolvedBefore: true,
		};
	}

	const result = await screenOrder(order, rs.ruleSet, {
		velocity: (q) => store.velocity(q),
		now: opts.now,
		ruleSetVersion: rs.version,
	});
	const since = reviewSince(stored, prior);
	const held = (stored.status === 'fraud_review' && prior?.fraud.decision === 'review') || (stored.status === 'rejected' && prior?.fraud.decision === 'reject');
	if (held && prior && SEVERITY[result.decision] < SEVERITY[prior.fraud.decision]) {
		// A re-screen never releases an order the gate holds or rejected (velocity windows move on, and a fraud
		// ring's orders would pass again): it leaves on the output of its recorded decision, with what the rules say
		// now in `rescreen`, and nothing is written. A person releases it (Resolve Review, or OMS Order).
		const fraud: FraudAnnotation = {
			...prior.fraud,
			rescreen: { decision: result.decision, score: result.score, reasons: result.reasons, ruleSetVersion: result.ruleSetVersion, evaluatedAt: result.evaluatedAt },
		};
		if (prior.fraud.decision === 'review') {
			fraud.reviewSince = since ?? prior.decidedAt;
			return { route: 'review', fraud: withDeadline(fraud, opts), stored, statusChanged: false, resolvedBefore: false };
		}
		return { route: 'reject', fraud, stored, statusChanged: false, resolvedBefore: false };
	}
	const fraud: FraudAnnotation = {
		decision: result.decision,
		score: result.score,
		reasons: result.reasons,
		stage: result.stage,
		ruleSetVersion: result.ruleSetVersion,
		evaluatedAt: result.evaluatedAt,
	};
	if (result.decision === 'review') fraud.reviewSince = since ?? result.evaluatedAt;

	const detail = { score: fraud.score, ruleSetVersion: rs.version };
	const move: Pick<TransitionRequest, 'to' | 'cause' | 'hold' | 'detail'> =
		result.decision === 'review'
			? { to: 'fraud_review', cause: 'fraud_review', hold: { reason: 'fraud_review', since: fraud.reviewSince as string, detail: summary(fraud) }, detail }
			: result.decision === 'reject'
				? { to: 'rejected', cause: 'fraud_reject', hold: null, detail }
				: {};
	// the evidence (the decision row, the annotation) is written whether or not the table lets the status move
	const change = await store.transition(order.omsId, {
		...move,
		by: opts.cause,
		fraudDecision: { fraud, ruleSetVersion: rs.version },
		annotate: [{ key: 'fraud', value: fraud }],
	});
	const out = result.decision === 'review' ? withDeadline(fraud, opts) : fraud;
	return { route: result.decision, fraud: out, stored: change.stored, statusChanged: change.changed, resolvedBefore: false };
}

/** The review time limit on an order in review: `reviewOverdue` (held longer than the limit at `now`) and `reviewDueAt` */
function withDeadline(fraud: FraudAnnotation, opts: { now: string; reviewTimeLimitHours: number }): FraudAnnotation {
	const since = fraud.reviewSince as string;
	return {
		...fraud,
		reviewOverdue: isReviewOverdue(since, opts.now, opts.reviewTimeLimitHours),
		reviewDueAt: new Date(Date.parse(since) + opts.reviewTimeLimitHours * 3600_000).toISOString(),
	};
}

/** When the order went into review, if it is still there: its fraud hold, else an unresolved review decision. */
function reviewSince(stored: StoredOrder, prior: FraudRecord | null): string | null {
	if (stored.status === 'fraud_review' && stored.hold?.reason === 'fraud_review') return stored.hold.since;
	if (prior && prior.fraud.decision === 'review' && !prior.resolution && stored.status === 'fraud_review')
		return typeof prior.fraud.reviewSince === 'string' ? prior.fraud.reviewSince : prior.decidedAt;
	return null;
}

export interface ResolveOutcome {
	route: 'pass' | 'reject';
	stored: StoredOrder;
	record: FraudRecord;
	alreadyResolved: boolean;
	statusChanged: boolean;
}

/**
 * Resolves a held review once, in one store transition: the resolution, `fraud` on the order with it, and the status.
 * Approved: status back to received (from fraud_review, hold cleared), leaves on Pass. Rejected: status rejected,
 * leaves on Reject. The same decision again leaves on the same output with alreadyResolved = true and changes
 * nothing; the opposite decision is an error naming the first resolution.
 */
export async function resolveOne(
	store: Store,
	omsId: string,
	decision: 'approved' | 'rejected',
	by: string,
	note: string | null,
): Promise<ResolveOutcome> {
	const approved = decision === 'approved';
	const change = await store.transition(omsId, {
		to: approved ? 'received' : 'rejected',
		cause: approved ? 'review_approved' : 'review_rejected',
		by: `${by} (Fraud Gate: Resolve Review)`,
		hold: null,
		detail: { resolution: decision, ...(note ? { note } : {}) },
		resolveReview: { decision, by, note },
		annotate: [{ key: 'fraud', update: (_current, _stored, soFar) => ({ ...soFar.review!.record.fraud, resolution: soFar.review!.record.resolution }) }],
	});
	const { resolved, record } = change.review!;
	const route = approved ? 'pass' : 'reject';
	if (!resolved) {
		const first = record.resolution!;
		if (first.decision !== decision) {
			throw new Error(
				`Order ${omsId} was already resolved: ${first.decision} by ${first.by} at ${first.at}${first.note ? ` ("${first.note}")` : ''}. A review is resolved once.`,
			);
		}
		return { route, stored: change.stored, record, alreadyResolved: true, statusChanged: false };
	}
	return { route, stored: change.stored, record, alreadyResolved: false, statusChanged: change.changed };
}

export interface BacktestOutcome extends Omit<BacktestReport, 'changed'> {
	/** How many orders would change decision (all counted) */
	changedCount: number;
	/** The first of them (up to maxChanges): omsId, stored decision and the new one with its score and reasons */
	changed: Array<{ omsId: string; from: FraudDecision; to: FraudDecision; score: number; rules: string[] }>;
	/** The rule set versions of the stored decisions compared against, with counts */
	storedRuleSetVersions: Record<string, number>;
}

/**
 * Back-tests a rule set over stored orders (oldest first, paged), each as of its own placing (velocity sees only
 * orders placed before it). Reads only: nothing is written to the store.
 */
export async function backtestStore(
	store: Store,
	ruleSet: RuleSet,
	search: Pick<OrderSearch, 'channels' | 'placedFrom' | 'placedTo'>,
	maxChanges: number,
	pageSize = 500,
): Promise<BacktestOutcome> {
	const versions: Record<string, number> = {};
	async function* orders(): AsyncGenerator<CanonicalOrder> {
		for (let offset = 0; ; offset += pageSize) {
			const page = await store.searchOrders({ ...search, order: 'asc', limit: pageSize, offset });
			for (const s of page) {
				const v = s.order.fraud?.ruleSetVersion;
				if (typeof v === 'string') versions[v] = (versions[v] ?? 0) + 1;
				yield s.order;
			}
			if (page.length < pageSize) return;
		}
	}
	const changed: BacktestOutcome['changed'] = [];
	const report = await backtest(orders(), ruleSet, {
		velocity: (q) => store.velocity(q),
		onResult: (order, result) => {
			const before = order.fraud?.decision;
			if (before && before !== result.decision && changed.length < maxChanges)
				changed.push({ omsId: order.omsId, from: before, to: result.decision, score: result.score, rules: result.reasons.map((r) => r.rule) });
		},
	});
	const { changed: all, ...rest } = report;
	return { ...rest, changedCount: all.length, changed, storedRuleSetVersions: versions };
}
