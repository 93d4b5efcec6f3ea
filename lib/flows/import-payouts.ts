/**
 * Import Payouts (the Billing node's operation, issue 22): one channel account's money events and payouts since a
 * cursor, into the order's ledger. Like Get Returns Since (get-returns.ts): the cursor is the store's
 * (`payouts:<account>`), read, listed, and the new one stored only once everything listed is recorded; entries are
 * keyed by the channel's own ids, so the overlap every listing re-reads and a re-run after a crash record nothing
 * twice. A row that cannot be read is that row's problem (named), never the import's. n8n-free.
 */
import type { LedgerEntryInput, PayoutInput } from '../billing/types';
import { channelPayouts } from '../channels/registry';
import type { ChannelClient, PayoutProblem } from '../channels/types';
import type { Store } from '../store/types';
import { parseSettlementV2 } from '../channels/amazon/settlement';
import { parseStripeExport } from '../channels/woocommerce/gateway-export';
import { sinceTime } from './get-returns';
import { ItemError } from './item-error';

export interface ImportPayoutsOptions {
	/** `stored` (the store's cursor, else `since`; the new cursor is stored) or `time` (`since`, nothing stored) */
	from: 'stored' | 'time';
	/** ISO time: the start for `time`, and for `stored` when nothing is stored yet (default: 24 h ago) */
	since?: string;
	pageSize?: number;
}

export interface ImportPayoutsResult {
	channel: string;
	account: string;
	/** Entries recorded now, and those recorded before (the overlap) */
	recorded: number;
	already: number;
	/** Payouts seen (recorded or updated) */
	payouts: Array<{ payoutId: string; currency: string; amountMinor: number; status: string; paidAt: string | null }>;
	/** Rows that could not be read, each named; the rest was imported */
	problems: PayoutProblem[];
	previousCursor: string | null;
	cursor: string;
	pages: number;
}

/** Record what was read, in one transaction: the counts, the payouts seen and the rows that could not be read */
async function record(store: Store, read: { entries: LedgerEntryInput[]; payouts: PayoutInput[]; problems: PayoutProblem[] }): Promise<Pick<ImportPayoutsResult, 'recorded' | 'already' | 'payouts' | 'problems'>> {
	const result = await store.recordLedger(read.entries, read.payouts);
	return {
		recorded: result.recorded.length,
		already: result.already.length,
		payouts: read.payouts.map((p) => ({ payoutId: p.payoutId, currency: p.currency, amountMinor: p.amountMinor, status: p.status, paidAt: p.paidAt })),
		problems: read.problems,
	};
}

/** The store's name of a channel account's payouts cursor */
export function payoutsCursorName(client: ChannelClient): string {
	return `payouts:${client.account}`;
}

export async function importPayoutsSince(store: Store, client: ChannelClient, opts: ImportPayoutsOptions): Promise<ImportPayoutsResult> {
	const intake = channelPayouts(client.channel);
	if (!intake) {
		throw new ItemError(
			client.channel === 'woocommerce'
				? 'WooCommerce has no payout data in its core API: import the payment gateway\'s export instead (Import Gateway Export)'
				: `${client.channel} has no payout import yet`,
		);
	}
	const name = payoutsCursorName(client);
	const cursor = opts.from === 'stored' ? await store.getCursor(name) : null;
	const lookbackFrom = cursor === null ? sinceTime(opts.since) : undefined;
	const listed = await intake.listPayoutsSince(client, cursor, { lookbackFrom, pageSize: opts.pageSize });
	const recorded = await record(store, listed);
	if (opts.from === 'stored' && listed.cursor !== cursor) await store.setCursor(name, listed.cursor);
	return {
		channel: client.channel,
		account: client.account,
		...recorded,
		previousCursor: cursor,
		cursor: listed.cursor,
		pages: listed.pages,
	};
}

/** The payout files the OMS reads: Amazon's settlement report (Flat File V2) and Stripe's itemized balance export (WooCommerce's gateway) */
export const PAYOUT_FILE_KINDS = ['amazon_settlement_v2', 'stripe_balance_csv'] as const;
export type PayoutFileKind = (typeof PAYOUT_FILE_KINDS)[number];

export interface ImportPayoutFileResult {
	kind: PayoutFileKind;
	rows: number;
	recorded: number;
	already: number;
	payouts: ImportPayoutsResult['payouts'];
	/** Rows that could not be read, by line number; the rest was imported */
	problems: PayoutProblem[];
}

/**
 * Import a payout file's text into the ledger: idempotent (the same file twice records nothing new), a row that cannot
 * be read named by its line number and the rest kept. A file that is not of the kind at all is an error.
 */
export async function importPayoutFile(store: Store, input: { kind: PayoutFileKind; account: string; text: string }): Promise<ImportPayoutFileResult> {
	if (typeof input.text !== 'string' || input.text.trim() === '') throw new ItemError('The payout file is empty');
	if (!input.account) throw new ItemError('Account is empty: name the channel account the file belongs to');
	let parsed;
	try {
		if (input.kind === 'amazon_settlement_v2') parsed = parseSettlementV2(input.text, input.account);
		else if (input.kind === 'stripe_balance_csv') parsed = { payouts: [], ...parseStripeExport(input.text) };
		else throw new ItemError(`Unknown payout file kind ${JSON.stringify(input.kind)} (one of ${PAYOUT_FILE_KINDS.join(', ')})`);
	} catch (error) {
		if (error instanceof ItemError) throw error;
		throw new ItemError((error as Error).message);
	}
	return { kind: input.kind, rows: parsed.rows, ...(await record(store, parsed)) };
}
