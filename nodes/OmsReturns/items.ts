/**
 * The OMS Returns node's items and parameters as plain values (pure): a stored return as the item it leaves as, and
 * the rules from the node's parameters. (The dispositions of a step and a return made by hand are decisions: they live
 * in lib/flows/return-by-hand.ts.) A bad value is an ItemError naming the field, for that item only.
 */
import type { IDataObject } from 'n8n-workflow';
import type { ReturnStepResult, RestockOutcome } from '../../lib/flows';
import { DEFAULT_RETURN_RULES, type ReturnRules } from '../../lib/returns/rules';
import type { ReturnReason, StoredReturn } from '../../lib/returns/types';
import { withoutRaw } from '../shared/items';

/** A return as an output item: the canonical return (what the next Returns node takes) plus `oms`, the store's view and what the step did. */
export function returnItem(stored: StoredReturn, keepRaw: boolean, extra: IDataObject = {}): IDataObject {
	return {
		...(withoutRaw(stored.ret, keepRaw) as unknown as IDataObject),
		oms: { status: stored.status, version: stored.version, recordedAt: stored.recordedAt, changedAt: stored.changedAt, ...extra },
	};
}

/** What a step did, for the item's `oms`. */
export function stepView(r: ReturnStepResult, restock?: RestockOutcome): IDataObject {
	const out: IDataObject = { outcome: r.outcome };
	if (r.why) out.why = r.why;
	if (r.refund) out.refundComputed = true;
	// the refund owed to the channel (the Marketplace node's Retry Pending sends it): its call in the channel outbox
	if (r.refundCall) out.refundCall = { id: r.refundCall.id, channel: r.refundCall.channel, status: r.refundCall.status, outcome: r.refundCallOutcome ?? null, error: r.refundCall.lastError };
	if (restock) {
		out.restocked = restock.restocked as unknown as IDataObject[];
		if (restock.already.length) out.restockedBefore = restock.already;
		out.republishSkus = restock.republishSkus;
	}
	return out;
}

/** The rule parameters as the node reads them. */
export interface RuleParameters {
	autoAuthorise?: boolean;
	autoAuthoriseWithinDays?: number;
	inspectReasons?: string[];
	refundOn?: string;
	restockingFee?: string;
	restockingFeePercent?: number;
	restockingFeeAmount?: number;
	restockingFeePer?: string;
	deductReturnShipping?: boolean;
	returnShippingCost?: number;
	moreRules?: { feeExemptReasons?: string[]; refundOriginalShipping?: boolean; refundTax?: boolean };
}

/** The return rules from the node's parameters (defaults: lib/returns DEFAULT_RETURN_RULES); validate with validateReturnRules. */
export function rulesFromParameters(p: RuleParameters): ReturnRules {
	const d = DEFAULT_RETURN_RULES;
	const fee: ReturnRules['restockingFee'] =
		p.restockingFee === 'percent'
			? { type: 'percent', percent: p.restockingFeePercent ?? 0 }
			: p.restockingFee === 'fixed'
				? { type: 'fixed', amount: p.restockingFeeAmount ?? 0, per: (p.restockingFeePer ?? 'line') as 'line' | 'unit' }
				: p.restockingFee === undefined || p.restockingFee === 'none'
					? { type: 'none' }
					: ({ type: p.restockingFee } as never);
	return {
		autoAuthoriseWithinDays: p.autoAuthorise === false ? null : (p.autoAuthoriseWithinDays ?? d.autoAuthoriseWithinDays),
		inspectReasons: (p.inspectReasons ?? d.inspectReasons) as ReturnReason[],
		refundOn: (p.refundOn ?? d.refundOn) as ReturnRules['refundOn'],
		restockingFee: fee,
		feeExemptReasons: (p.moreRules?.feeExemptReasons ?? d.feeExemptReasons) as ReturnReason[],
		deductReturnShipping: p.deductReturnShipping ?? d.deductReturnShipping,
		returnShippingCost: p.returnShippingCost ?? d.returnShippingCost,
		refundTax: p.moreRules?.refundTax ?? d.refundTax,
		refundOriginalShipping: p.moreRules?.refundOriginalShipping ?? d.refundOriginalShipping,
	};
}

/** The rule problems' paths as the parameters' names a person sees. */
export const RULE_PARAMETER_NAMES: Record<string, string> = {
	'rules.autoAuthoriseWithinDays': 'Within Days of Delivery',
	'rules.inspectReasons': 'Reasons That Need Inspection',
	'rules.refundOn': 'Refund When',
	'rules.restockingFee.type': 'Restocking Fee',
	'rules.restockingFee.percent': 'Fee Percent',
	'rules.restockingFee.amount': 'Fee Amount',
	'rules.restockingFee.per': 'Fee Per',
	'rules.returnShippingCost': 'Return Shipping Cost',
	'rules.feeExemptReasons': 'Fee-Exempt Reasons',
};
