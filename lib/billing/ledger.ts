/**
 * What a ledger entry and a payout must be to be recorded (issue 22): the store refuses anything else with an error
 * naming the entry and the field. n8n-free and store-free.
 */
import { isValidCurrency } from '../order/money';
import { ENTRY_TYPES, type LedgerEntryInput, type PayoutInput } from './types';

export class InvalidLedgerEntryError extends Error {
	constructor(readonly problems: string[]) {
		super(`Ledger entry refused: ${problems.join('; ')}`);
		this.name = 'InvalidLedgerEntryError';
	}
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isTime = (v: unknown) => isText(v) && !Number.isNaN(Date.parse(v));

/** What is wrong with an entry (empty: nothing) */
export function entryProblems(e: LedgerEntryInput): string[] {
	const name = isText(e?.key) ? `entry ${e.key}` : 'an entry';
	const p: string[] = [];
	if (!isText(e?.key)) p.push(`${name}: key (the source event's id) is missing`);
	if (!ENTRY_TYPES.includes(e?.type)) p.push(`${name}: type ${JSON.stringify(e?.type)} is not one of ${ENTRY_TYPES.join(', ')}`);
	if (!isText(e?.channel)) p.push(`${name}: channel is missing`);
	if (!isValidCurrency(e?.currency)) p.push(`${name}: currency ${JSON.stringify(e?.currency)} is not an ISO 4217 code`);
	if (!Number.isSafeInteger(e?.amountMinor)) p.push(`${name}: amountMinor ${JSON.stringify(e?.amountMinor)} is not a whole number of minor units`);
	if (!isTime(e?.occurredAt)) p.push(`${name}: occurredAt ${JSON.stringify(e?.occurredAt)} is not a timestamp`);
	if (!isText(e?.source)) p.push(`${name}: source is missing`);
	if (e?.omsId !== null && !isText(e?.omsId)) p.push(`${name}: omsId must be an order id or null`);
	if (e?.payoutId !== null && !isText(e?.payoutId)) p.push(`${name}: payoutId must be a payout id or null`);
	return p;
}

export function payoutProblems(p: PayoutInput): string[] {
	const name = isText(p?.payoutId) ? `payout ${p.payoutId}` : 'a payout';
	const out: string[] = [];
	if (!isText(p?.payoutId)) out.push(`${name}: payoutId is missing`);
	if (!isText(p?.channel)) out.push(`${name}: channel is missing`);
	if (!isText(p?.account)) out.push(`${name}: account is missing`);
	if (!isValidCurrency(p?.currency)) out.push(`${name}: currency ${JSON.stringify(p?.currency)} is not an ISO 4217 code`);
	if (!Number.isSafeInteger(p?.amountMinor)) out.push(`${name}: amountMinor ${JSON.stringify(p?.amountMinor)} is not a whole number of minor units`);
	if (!isText(p?.status)) out.push(`${name}: status is missing`);
	if (p?.paidAt !== null && !isTime(p?.paidAt)) out.push(`${name}: paidAt ${JSON.stringify(p?.paidAt)} is not a timestamp`);
	return out;
}

/** Throw InvalidLedgerEntryError naming every problem of these entries and payouts */
export function refuseInvalid(entries: LedgerEntryInput[], payouts: PayoutInput[] = []): void {
	const problems = [...entries.flatMap(entryProblems), ...payouts.flatMap(payoutProblems)];
	if (problems.length) throw new InvalidLedgerEntryError(problems);
}
