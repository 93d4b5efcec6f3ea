/**
 * The order's ledger (issue 22), once for both stores: entries appended once per source event (entry_key), payouts
 * recorded and updated by (channel, payout id), and the order's charges written with the order at intake.
 */
import { chargeEntries } from '../../billing/charges';
import { refuseInvalid } from '../../billing/ledger';
import type { LedgerEntryInput, LedgerRecordResult, PayoutInput } from '../../billing/types';
import type { BillingFlag } from '../../billing/reconcile';
import type { CanonicalOrder } from '../../order/types';
import { row, type Steps } from './tx';

/** Append entries and record payouts in one transaction; an entry whose key is recorded already changes nothing. */
export function* recordLedgerSteps(entries: LedgerEntryInput[], payouts: PayoutInput[], now: string): Steps<LedgerRecordResult> {
	refuseInvalid(entries, payouts);
	for (const p of payouts) yield* row('upsertPayout', p, now);
	if (!entries.length) return { recorded: [], already: [] };
	// one key once, even within the batch (the first wins)
	const seen = new Set<string>();
	const unique = entries.filter((e) => !seen.has(e.key) && seen.add(e.key));
	const inserted = new Set(yield* row('insertLedgerEntries', unique, now));
	return { recorded: unique.filter((e) => inserted.has(e.key)).map((e) => e.key), already: entries.filter((e) => !inserted.has(e.key)).map((e) => e.key) };
}

/**
 * The order's charges at intake, in the record's transaction: a new order's in full (no read), a newer version's
 * the difference from the charges the ledger holds.
 */
export function* recordChargesSteps(order: CanonicalOrder, isNew: boolean, now: string): Steps<void> {
	const recorded = isNew ? [] : yield* row('ledgerCharges', order.omsId, order.currency);
	const entries = chargeEntries(order, recorded);
	if (entries.length) yield* row('insertLedgerEntries', entries, now);
}

/**
 * Reconciliation's flags as a person's queue: the flags found now are open (a flag found again keeps when it was first
 * seen), and the open flags of the same scope (the channel reconciled, or all) not found now are resolved.
 */
export function* recordFlagsSteps(flags: BillingFlag[], channel: string | null, now: string): Steps<void> {
	if (flags.length) yield* row('upsertBillingFlags', flags, now);
	yield* row('resolveBillingFlagsExcept', flags.map((f) => f.key), channel, now);
}
