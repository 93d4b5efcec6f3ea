/**
 * The return rules an ops person sets as node parameters, as plain functions: authorise automatically within N days
 * of delivery; reasons that need inspection; when to refund (on authorisation, on receipt, on inspection); the
 * restocking fee (a percent of the line, or a fixed amount per line or per unit); return shipping deducted or not;
 * and the refund per line, computed in integer minor units (lib/order/money.ts). n8n-free, no clock: every time
 * they compare is given to them.
 */
import { fromMinor, toMinor } from '../order/money';
import type { CanonicalOrder, ValidationProblem } from '../order/types';
import { returnRank, type ReturnStatus } from './status';
import { RETURN_REASONS, SELLER_FAULT_REASONS, type CanonicalReturn, type RefundLine, type ReturnReason, type ReturnRefund } from './types';

/** When the refund is due: once the return is authorised, once its units are received, or once they are inspected. */
export const REFUND_MOMENTS = ['authorisation', 'receipt', 'inspection'] as const;
export type RefundMoment = (typeof REFUND_MOMENTS)[number];

export type RestockingFee =
	| { type: 'none' }
	/** A percent of the merchandise refunded on the line (0-100, up to two decimals), rounded half up to the minor unit */
	| { type: 'percent'; percent: number }
	/** A fixed amount (major units, the order's currency) per returned line, or per returned unit */
	| { type: 'fixed'; amount: number; per: 'line' | 'unit' };

export interface ReturnRules {
	/** Authorise a request automatically when it comes at most this many days after delivery (null: a person decides) */
	autoAuthoriseWithinDays: number | null;
	/** Reasons whose units are inspected before the refund and before the return closes */
	inspectReasons: ReturnReason[];
	/** When the refund is due (a return that needs inspection waits for it whatever this says) */
	refundOn: RefundMoment;
	restockingFee: RestockingFee;
	/** Reasons never charged a restocking fee nor the return shipping (default: the seller's fault) */
	feeExemptReasons: ReturnReason[];
	/** Deduct the return shipping from the refund (the label's cost, or `returnShippingCost` without one) */
	deductReturnShipping: boolean;
	/** Major units, the order's currency: what return shipping costs when the return has no label cost */
	returnShippingCost: number;
	/** Refund the tax charged on the units (the order's tax, pro rata) */
	refundTax: boolean;
	/** Refund the order's shipping when the return brings back the last of its units */
	refundOriginalShipping: boolean;
}

export const DEFAULT_RETURN_RULES: Readonly<ReturnRules> = Object.freeze({
	autoAuthoriseWithinDays: 30,
	inspectReasons: ['defective', 'damaged', 'not_as_described', 'missing_parts'],
	refundOn: 'receipt',
	restockingFee: { type: 'none' },
	feeExemptReasons: [...SELLER_FAULT_REASONS],
	deductReturnShipping: false,
	returnShippingCost: 0,
	refundTax: true,
	refundOriginalShipping: false,
} satisfies ReturnRules);

/** Problems with a rule set (the node's parameters), each with its path (`rules.restockingFee.percent`). */
export function validateReturnRules(rules: ReturnRules): ValidationProblem[] {
	const p: ValidationProblem[] = [];
	const add = (path: string, message: string) => p.push({ path: `rules.${path}`, message });
	const d = rules.autoAuthoriseWithinDays;
	if (d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 0)) add('autoAuthoriseWithinDays', `must be a whole number of days, 0 or more, or empty (a person decides), got ${String(d)}`);
	for (const [k, list] of [['inspectReasons', rules.inspectReasons], ['feeExemptReasons', rules.feeExemptReasons]] as const) {
		if (!Array.isArray(list)) add(k, 'must be a list of reasons');
		else for (const r of list) if (!RETURN_REASONS.includes(r)) add(k, `${JSON.stringify(r)} is not a reason (one of ${RETURN_REASONS.join(', ')})`);
	}
	if (!REFUND_MOMENTS.includes(rules.refundOn)) add('refundOn', `must be one of ${REFUND_MOMENTS.join(', ')}, got ${JSON.stringify(rules.refundOn)}`);
	const fee = rules.restockingFee;
	if (fee.type === 'percent') {
		if (typeof fee.percent !== 'number' || !(fee.percent >= 0 && fee.percent <= 100) || Math.round(fee.percent * 100) !== fee.percent * 100) {
			add('restockingFee.percent', `must be a percent from 0 to 100 with at most two decimals, got ${String(fee.percent)}`);
		}
	} else if (fee.type === 'fixed') {
		if (typeof fee.amount !== 'number' || !Number.isFinite(fee.amount) || fee.amount < 0) add('restockingFee.amount', `must be an amount, 0 or more, got ${String(fee.amount)}`);
		if (fee.per !== 'line' && fee.per !== 'unit') add('restockingFee.per', `must be line or unit, got ${JSON.stringify(fee.per)}`);
	} else if (fee.type !== 'none') {
		add('restockingFee.type', `must be none, percent or fixed, got ${JSON.stringify((fee as { type: unknown }).type)}`);
	}
	if (typeof rules.returnShippingCost !== 'number' || !Number.isFinite(rules.returnShippingCost) || rules.returnShippingCost < 0) {
		add('returnShippingCost', `must be an amount, 0 or more, got ${String(rules.returnShippingCost)}`);
	}
	return p;
}

// ------------------------------------------------------------------ authorisation, inspection, refund timing

const DAY_MS = 86_400_000;

/**
 * Whether a request is authorised without a person: it came at most `autoAuthoriseWithinDays` days after the
 * order was delivered. Without a delivery time (unknown, or not delivered) or without the rule, a person decides.
 * `why` says which, for the timeline.
 */
export function autoAuthorise(ret: Pick<CanonicalReturn, 'requestedAt'>, deliveredAt: string | null, rules: Pick<ReturnRules, 'autoAuthoriseWithinDays'>): { authorise: boolean; why: string } {
	const n = rules.autoAuthoriseWithinDays;
	if (n === null) return { authorise: false, why: 'no automatic authorisation: a person decides' };
	if (!deliveredAt) return { authorise: false, why: 'the delivery time of the order is not known: a person decides' };
	const days = (Date.parse(ret.requestedAt) - Date.parse(deliveredAt)) / DAY_MS;
	if (days <= n) return { authorise: true, why: `requested ${formatDays(days)} after delivery, within ${n} day${n === 1 ? '' : 's'}` };
	return { authorise: false, why: `requested ${formatDays(days)} after delivery, later than ${n} day${n === 1 ? '' : 's'}: a person decides` };
}

function formatDays(days: number): string {
	const d = Math.max(0, Math.floor(days * 10) / 10);
	return `${d} day${d === 1 ? '' : 's'}`;
}

/** Whether the return's units are inspected before it closes: one of its lines has a reason that needs it. */
export function needsInspection(ret: Pick<CanonicalReturn, 'lines'>, rules: Pick<ReturnRules, 'inspectReasons'>): boolean {
	return ret.lines.some((l) => rules.inspectReasons.includes(l.reason));
}

/**
 * When this return's refund is due: the rule's moment, but a return that needs inspection waits for it, and one
 * that does not skips it (refund on inspection means on receipt there).
 */
export function refundMoment(ret: Pick<CanonicalReturn, 'lines'>, rules: Pick<ReturnRules, 'inspectReasons' | 'refundOn'>): RefundMoment {
	if (needsInspection(ret, rules)) return 'inspection';
	return rules.refundOn === 'inspection' ? 'receipt' : rules.refundOn;
}

const MOMENT_STATUS: Record<RefundMoment, ReturnStatus> = { authorisation: 'authorised', receipt: 'received', inspection: 'inspected' };

/** Whether the refund is due for a return in `status` (at or past the moment on the path; never for declined or cancelled). */
export function refundDue(status: ReturnStatus, moment: RefundMoment): boolean {
	const rank = returnRank(status);
	return rank >= 0 && rank >= returnRank(MOMENT_STATUS[moment]);
}

// ------------------------------------------------------------------ the refund, in integer minor units

/** floor(a * b / c) exactly, for non-negative safe integers (c > 0). */
function mulDiv(a: number, b: number, c: number): number {
	return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** Half up: round(amount * basisPoints / 10000). */
function percentOf(amount: number, basisPoints: number): number {
	return Number((BigInt(amount) * BigInt(basisPoints) + 5000n) / 10000n);
}

/**
 * The refund of a return, computed from its order, in the order's currency and integer minor units:
 * - merchandise per line: the line's share of its lineTotal for the units returned, counted after the units
 *   returned before (`returnedBefore`, per lineId), so that returning every unit in several returns refunds
 *   exactly the lineTotal (each share is floor(lineTotal x units / ordered), the difference of two such);
 * - tax: the order's tax pro rata of the merchandise over the subtotal (the same cumulative way), when refundTax;
 * - restocking fee per line (not for a fee-exempt reason), never more than the line's merchandise;
 * - the order's shipping, when refundOriginalShipping and this return brings back the last of the order's units;
 * - the return shipping deducted (the label's cost, else returnShippingCost), when deductReturnShipping and some line's
 *   reason is not fee-exempt, never more than what is left to refund.
 * The result's status is `pending`. Throws for a line the order does not have (validate first: returnUnitProblems).
 */
export function computeRefund(
	order: Pick<CanonicalOrder, 'currency' | 'lines' | 'totals'>,
	ret: Pick<CanonicalReturn, 'lines' | 'shipment'>,
	returnedBefore: ReadonlyMap<string, number>,
	rules: ReturnRules,
): ReturnRefund {
	const cur = order.currency;
	const subtotal = toMinor(order.totals.subtotal, cur);
	const orderTax = toMinor(order.totals.tax, cur);
	const byId = new Map(order.lines.map((l) => [l.lineId, l]));
	const fee = rules.restockingFee;
	const lines: RefundLine[] = [];
	let total = 0;
	let anyCustomerChoice = false;
	for (const rl of ret.lines) {
		const ol = byId.get(rl.lineId);
		if (!ol) throw new Error(`The order has no line ${JSON.stringify(rl.lineId)}`);
		const lineTotal = toMinor(ol.lineTotal, cur);
		const before = Math.min(returnedBefore.get(rl.lineId) ?? 0, ol.quantity);
		const after = Math.min(before + rl.quantity, ol.quantity);
		const share = (units: number) => mulDiv(lineTotal, units, ol.quantity);
		const amount = share(after) - share(before);
		const taxShare = (units: number) => (rules.refundTax && subtotal > 0 ? mulDiv(orderTax, share(units), subtotal) : 0);
		const tax = taxShare(after) - taxShare(before);
		const exempt = rules.feeExemptReasons.includes(rl.reason);
		if (!exempt) anyCustomerChoice = true;
		let restockingFee = 0;
		if (!exempt && fee.type === 'percent') restockingFee = percentOf(amount, Math.round(fee.percent * 100));
		else if (!exempt && fee.type === 'fixed') restockingFee = toMinor(fee.amount, cur) * (fee.per === 'unit' ? after - before : 1);
		restockingFee = Math.min(restockingFee, amount);
		lines.push({ lineId: rl.lineId, amount: fromMinor(amount, cur), tax: fromMinor(tax, cur), restockingFee: fromMinor(restockingFee, cur) });
		total += amount + tax - restockingFee;
	}
	let shipping = 0;
	if (rules.refundOriginalShipping) {
		const now = new Map(returnedBefore);
		for (const rl of ret.lines) now.set(rl.lineId, (now.get(rl.lineId) ?? 0) + rl.quantity);
		if (order.lines.every((l) => (now.get(l.lineId) ?? 0) >= l.quantity)) shipping = toMinor(order.totals.shipping, cur);
	}
	total += shipping;
	let returnShippingFee = 0;
	if (rules.deductReturnShipping && anyCustomerChoice) {
		const cost = ret.shipment?.labelCost ?? rules.returnShippingCost;
		returnShippingFee = Math.min(toMinor(cost, cur), total);
	}
	total -= returnShippingFee;
	return { currency: cur, status: 'pending', lines, shipping: fromMinor(shipping, cur), returnShippingFee: fromMinor(returnShippingFee, cur), total: fromMinor(total, cur) };
}
