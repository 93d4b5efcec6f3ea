/**
 * The OMS Returns node's items and parameters as plain values (pure): a stored return as the item it leaves as, the
 * rules from the node's parameters, the dispositions of a step, a return made by hand. A bad value is an ItemError
 * naming the field, for that item only.
 */
import type { IDataObject } from 'n8n-workflow';
import { ItemError } from '../../lib/flows/item-error';
import type { ReturnStepResult, RestockOutcome } from '../../lib/flows';
import type { CanonicalOrder } from '../../lib/order/types';
import { DEFAULT_RETURN_RULES, type ReturnRules } from '../../lib/returns/rules';
import { DISPOSITIONS, RETURN_REASONS, returnIdOf, type CanonicalReturn, type Disposition, type ReturnDisposition, type ReturnReason, type StoredReturn } from '../../lib/returns/types';
import type { ReturnableLine } from '../../lib/store/types';
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

/** Take `units` from these lines in order, each at most what `left` says it has (updated); `took` hears each take. The units that did not fit. */
function takeUnits(lines: ReadonlyArray<{ lineId: string }>, left: Map<string, number>, units: number, took: (lineId: string, take: number) => void): number {
	let want = units;
	for (const l of lines) {
		const take = Math.min(want, left.get(l.lineId) ?? 0);
		if (take <= 0) continue;
		left.set(l.lineId, (left.get(l.lineId) ?? 0) - take);
		took(l.lineId, take);
		want -= take;
	}
	return want;
}

export interface SkuDisposition {
	sku?: string;
	disposition?: string;
	quantity?: number;
}

/**
 * Each return line's dispositions for a step: the units of the SKUs listed (Per SKU) as given, the rest of each line's
 * units as `all` says (restockUnlessInspected: restock unless the line's reason needs inspection; atInspection: none
 * now). A SKU the return does not have, or more units than the return's lines of that SKU hold: an ItemError.
 */
export function dispositionsFor(
	ret: Pick<CanonicalReturn, 'returnId' | 'lines'>,
	all: string,
	perSku: SkuDisposition[],
	inspectReasons: readonly ReturnReason[],
): Array<{ lineId: string; dispositions: ReturnDisposition[] }> | undefined {
	const problems: Array<{ path: string; message: string }> = [];
	const allowed = ['restockUnlessInspected', 'atInspection', ...DISPOSITIONS];
	if (!allowed.includes(all)) throw new ItemError(`Disposition must be one of ${allowed.join(', ')}, got ${JSON.stringify(all)}`, [{ path: 'disposition', message: `must be one of ${allowed.join(', ')}` }]);
	// units per line still without a disposition; the Per SKU entries fill the lines of their SKU in order
	const left = new Map(ret.lines.map((l) => [l.lineId, l.quantity]));
	const given = new Map<string, Map<Disposition, number>>();
	perSku.forEach((e, i) => {
		const sku = String(e.sku ?? '').trim();
		const disposition = e.disposition as Disposition;
		const units = Number(e.quantity ?? 1);
		const path = `Per SKU[${i}]`;
		if (!sku) {
			problems.push({ path: `${path}.sku`, message: 'is empty: give the SKU' });
			return;
		}
		if (!DISPOSITIONS.includes(disposition)) {
			problems.push({ path: `${path}.disposition`, message: `must be one of ${DISPOSITIONS.join(', ')}, got ${JSON.stringify(e.disposition)}` });
			return;
		}
		if (!Number.isInteger(units) || units < 1) {
			problems.push({ path: `${path}.quantity`, message: `must be a whole number of units, 1 or more, got ${JSON.stringify(e.quantity)}` });
			return;
		}
		const lines = ret.lines.filter((l) => l.sku === sku);
		if (!lines.length) {
			problems.push({ path: `${path}.sku`, message: `return ${ret.returnId} has no line of SKU ${JSON.stringify(sku)} (its SKUs: ${[...new Set(ret.lines.map((l) => l.sku))].join(', ')})` });
			return;
		}
		const want = takeUnits(lines, left, units, (lineId, take) => {
			const m = given.get(lineId) ?? new Map<Disposition, number>();
			m.set(disposition, (m.get(disposition) ?? 0) + take);
			given.set(lineId, m);
		});
		if (want > 0) problems.push({ path: `${path}.quantity`, message: `${units} units of ${sku} given a disposition, but the return has only ${units - want} of them left without one` });
	});
	if (problems.length) throw new ItemError(`Return ${ret.returnId}: the dispositions cannot be applied\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`, problems);
	const out: Array<{ lineId: string; dispositions: ReturnDisposition[] }> = [];
	for (const l of ret.lines) {
		const m = given.get(l.lineId) ?? new Map<Disposition, number>();
		const rest = left.get(l.lineId)!;
		const d: Disposition | null =
			all === 'atInspection' ? null : all === 'restockUnlessInspected' ? (inspectReasons.includes(l.reason) ? null : 'restock') : (all as Disposition);
		if (rest > 0 && d) m.set(d, (m.get(d) ?? 0) + rest);
		if (m.size) out.push({ lineId: l.lineId, dispositions: [...m].map(([disposition, quantity]) => ({ disposition, quantity })) });
	}
	return out.length ? out : undefined;
}

export interface HandLine {
	sku?: string;
	quantity?: number;
	reason?: string;
	note?: string;
}

/**
 * A return a person makes: the order's lines by SKU (each SKU's units taken from its order lines that still have
 * returnable units, in order), the reason as chosen, requested now or when given, channel `manual`. Every problem
 * named (an SKU the order does not have, more units than can come back, no line at all).
 */
export function handMadeReturn(
	order: Pick<CanonicalOrder, 'omsId' | 'lines'>,
	returnable: readonly ReturnableLine[],
	input: { lines: HandLine[]; reference: string; requestedAt: string },
): CanonicalReturn {
	const problems: Array<{ path: string; message: string }> = [];
	if (!input.lines.length) problems.push({ path: 'Lines', message: 'add at least one line: the SKU returned, its units and reason' });
	const left = new Map(returnable.map((l) => [l.lineId, l.returnable]));
	const lines = new Map<string, CanonicalReturn['lines'][number]>();
	input.lines.forEach((hl, i) => {
		const path = `Lines[${i}]`;
		const sku = String(hl.sku ?? '').trim();
		const units = Number(hl.quantity ?? 1);
		const reason = (hl.reason ?? 'unknown') as ReturnReason;
		if (!sku) {
			problems.push({ path: `${path}.sku`, message: 'is empty: give the SKU returned' });
			return;
		}
		if (!Number.isInteger(units) || units < 1) {
			problems.push({ path: `${path}.quantity`, message: `must be a whole number of units, 1 or more, got ${JSON.stringify(hl.quantity)}` });
			return;
		}
		if (!RETURN_REASONS.includes(reason)) {
			problems.push({ path: `${path}.reason`, message: `must be one of ${RETURN_REASONS.join(', ')}, got ${JSON.stringify(hl.reason)}` });
			return;
		}
		const ofSku = returnable.filter((l) => l.sku === sku);
		if (!ofSku.length) {
			problems.push({ path: `${path}.sku`, message: `order ${order.omsId} has no line of SKU ${JSON.stringify(sku)} (its SKUs: ${[...new Set(order.lines.map((l) => l.sku))].join(', ')})` });
			return;
		}
		const want = takeUnits(ofSku, left, units, (lineId, take) => {
			const prev = lines.get(lineId);
			if (prev) prev.quantity += take;
			else lines.set(lineId, { lineId, sku, quantity: take, channelReason: null, reason, ...(hl.note ? { note: String(hl.note) } : {}) });
		});
		if (want > 0) {
			const can = ofSku.reduce((s, l) => s + l.returnable, 0);
			problems.push({ path: `${path}.quantity`, message: `returns ${units} units of ${sku}, but only ${can} can come back: ${ofSku.map((l) => `line ${l.lineId}: ${l.shipped} shipped of ${l.ordered}, ${l.returned} already returned`).join('; ')}` });
		}
	});
	if (problems.length) throw new ItemError(`The return for order ${order.omsId} cannot be made\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`, problems);
	const retLines = [...lines.values()];
	const reference = input.reference || defaultReference(order.omsId, input.lines);
	return {
		returnId: returnIdOf('manual', reference),
		omsId: order.omsId,
		channel: 'manual',
		channelReturnId: reference,
		channelStatus: 'REQUESTED',
		channelState: 'requested',
		requestedAt: input.requestedAt,
		updatedAt: input.requestedAt,
		lines: retLines,
		shipment: null,
		refund: null,
	};
}

/** The reference of a return made by hand without one: the order and its SKUs and units, so the same return run again has the same ID. */
export function defaultReference(omsId: string, lines: HandLine[]): string {
	const units = new Map<string, number>();
	for (const l of lines) {
		const sku = String(l.sku ?? '').trim();
		units.set(sku, (units.get(sku) ?? 0) + Number(l.quantity ?? 1));
	}
	return `${omsId}/${[...units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, n]) => `${sku}x${n}`).join('+')}`;
}
