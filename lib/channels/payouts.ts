/**
 * What the channels' payout readers (lib/channels/<channel>/payouts.ts) share (issue 22): the error naming a source
 * row that cannot be read (a balance transaction, a settlement report line), a reading context whose readers
 * (normalize-common.ts) throw it, and the ledger entry every reader builds.
 */
import type { EntryType, LedgerEntryInput } from '../billing/types';
import { Ctx } from './normalize-common';
import type { PayoutProblem } from './types';

/** `shopify balance transaction 1001: invalid fee.amount (…)`: only that row is refused, the rest of the import goes on */
export class PayoutRowError extends Error {
	constructor(
		readonly channel: string,
		readonly ref: string,
		readonly field: string,
		readonly reason: 'missing' | 'invalid',
		readonly detail?: string,
	) {
		super(`${channel} ${ref}: ${reason} ${field}${detail ? ` (${detail})` : ''}`);
		this.name = 'PayoutRowError';
	}
}

/** The reading context of one source row: normalize-common's readers, failing with PayoutRowError */
export class PayoutCtx extends Ctx {
	constructor(
		channel: string,
		/** What the row is, for the error: `balance transaction 1001`, `settlement line 17` */
		public ref: string,
	) {
		super(channel);
	}
	missing(field: string): never {
		throw new PayoutRowError(this.channel, this.ref, field, 'missing');
	}
	invalid(field: string, detail: string): never {
		throw new PayoutRowError(this.channel, this.ref, field, 'invalid', detail);
	}
}

/** A row's error as the import's problem (the rest of the import is kept) */
export function payoutProblem(ref: string, error: unknown): PayoutProblem {
	return { ref, message: error instanceof Error ? error.message : String(error) };
}

/** A ledger entry from a channel's money event; amounts of 0 make none */
export function payoutEntry(
	out: LedgerEntryInput[],
	e: { key: string; channel: string; omsId: string | null; currency: string; type: EntryType; subtype?: string | null; lineId?: string | null; amountMinor: number; payoutId: string | null; occurredAt: string; source: string; detail?: Record<string, unknown> },
): void {
	if (e.amountMinor === 0) return;
	out.push({ subtype: null, lineId: null, ...e, detail: e.detail ?? null });
}
