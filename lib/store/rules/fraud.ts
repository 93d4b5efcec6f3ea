/**
 * FraudStore's rules, once for both stores: a new decision replaces the order's last one (and its resolution), and
 * a held review is resolved once.
 */
import type { FraudAnnotation } from '../../order/types';
import { storableText } from '../../order/storable';
import type { FraudRecord } from '../types';
import { row, type Steps } from './tx';

/** The order's decision as stored: a screening again replaces it, and a resolution of the earlier one goes with it. */
export function fraudDecisionRecord(omsId: string, fraud: FraudAnnotation, ruleSetVersion: string, now: string): FraudRecord {
	return { omsId, fraud, ruleSetVersion, decidedAt: now, resolution: null };
}

export function* recordFraudDecisionSteps(omsId: string, fraud: FraudAnnotation, ruleSetVersion: string, now: string): Steps<FraudRecord> {
	return yield* row('writeFraudDecision', fraudDecisionRecord(omsId, fraud, ruleSetVersion, now));
}

/**
 * Resolve a held review once: the first call records the resolution (resolved=true); any later one changes nothing
 * and returns the first (resolved=false). An order with no decision, or whose decision was not review, is an error.
 */
export function* resolveReviewSteps(
	omsId: string,
	decision: 'approved' | 'rejected',
	by: string,
	note: string | null,
	now: string,
): Steps<{ resolved: boolean; record: FraudRecord }> {
	const current = yield* row('lockFraudDecision', omsId);
	if (!current) throw new Error(`Order ${omsId} has no fraud decision to resolve`);
	if (current.resolution) return { resolved: false, record: current };
	if (current.fraud.decision !== 'review') throw new Error(`Order ${omsId} is not held for fraud review (its decision was ${String(current.fraud.decision)})`);
	const resolution = { decision, by: storableText(by), note: note === null || note === undefined ? null : storableText(note), at: now };
	return { resolved: true, record: yield* row('writeResolution', omsId, resolution) };
}
