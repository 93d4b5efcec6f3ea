/**
 * Reconcile (the Billing node's operation, issue 22): every order's ledger against what the channels settled, and
 * every payout against the entries it settled, as flags for a person (lib/billing/reconcile.ts says which). Reads
 * the store's sums (one query each) and decides nothing itself; the flags are kept in the store, where the Attention
 * queue lists the open ones (kind `billing`) until a reconciliation no longer finds them. n8n-free.
 */
import { DEFAULT_FEE_TABLE, type FeeTable } from '../billing/fees';
import { neverSettledFlags, orderFlags, payoutFlags, type BillingFlag } from '../billing/reconcile';
import type { Store } from '../store/types';
import { ItemError } from './item-error';

export interface ReconcileOptions {
	/** One channel only (default: all) */
	channel?: string;
	/** ISO UTC; default now */
	now?: string;
	/** A shipped order with no payment in a payout after this many days is flagged (default 14) */
	unsettledAfterDays?: number;
	/** The channels' fee tables (default DEFAULT_FEE_TABLE) */
	feeTable?: FeeTable;
	/** Keep the flags in the store for the Attention queue (default true): found ones open, the scope's others resolved */
	record?: boolean;
}

export interface ReconcileResult {
	flags: BillingFlag[];
	/** Orders with ledger entries looked at, and payouts */
	orders: number;
	payouts: number;
}

export const DEFAULT_UNSETTLED_DAYS = 14;

export async function reconcileBilling(store: Store, opts: ReconcileOptions = {}): Promise<ReconcileResult> {
	const now = opts.now ?? new Date().toISOString();
	if (Number.isNaN(Date.parse(now))) throw new ItemError(`Reconcile: now is not a date: ${JSON.stringify(opts.now)}`);
	const days = opts.unsettledAfterDays ?? DEFAULT_UNSETTLED_DAYS;
	if (typeof days !== 'number' || !Number.isFinite(days) || days < 0) throw new ItemError(`Reconcile: Unsettled After (days) must be a number of at least 0, not ${JSON.stringify(days)}`);
	const channel = opts.channel ? { channel: opts.channel } : {};
	const cutoff = new Date(Date.parse(now) - days * 86_400_000).toISOString();
	const [unsettled, sums, balances, totals] = await Promise.all([
		store.unsettledShippedOrders(cutoff, channel),
		store.ledgerSums(channel),
		store.orderBalances(channel),
		store.payoutTotals(channel),
	]);
	const flags = [...neverSettledFlags(unsettled, days), ...orderFlags(sums, balances, opts.feeTable ?? DEFAULT_FEE_TABLE), ...payoutFlags(totals, new Date(Date.parse(now)).toISOString())];
	if (opts.record !== false) await store.recordBillingFlags(flags, channel);
	return { flags, orders: balances.length, payouts: totals.length };
}
