/**
 * eBay payout intake (Sell Finances API; returns-billing-routing B.2), issue 22. By payout: `getPayouts` with
 * `filter=payoutDate:[<from>..<to>]` in windows of 90 days from the cursor to now (oldest first), then each payout's transactions with `getTransactions`
 * `filter=payoutId:{<id>}`, so every entry is recorded with the payout that paid it (a transaction is recorded only
 * once paid out: the ledger is append-only). A SALE is its gross as a payment (the amount plus the fees taken from it)
 * and each line's marketplace fees by fee type; a REFUND its amount as a refund; a CREDIT, a SHIPPING_LABEL, a
 * NON_SALE_CHARGE and the rest adjustments, signed by bookingEntry (CREDIT to the seller, DEBIT from). A SALE's
 * amount leaves out the tax eBay collects and remits ✔ (eBayCollectedTaxAmount), as the ledger does.
 * Base URL apiz.ebay.com ✔ (the client's api host with apiz); EU/UK digital signatures are not sent (not done).
 */
import { cursorAfter, startTime, toMs } from '../../http/cursor';
import type { LedgerEntryInput, PayoutInput } from '../../billing/types';
import { arr, dig, isObj, optCurrency, optMinor, reqTimestamp, text } from '../normalize-common';
import { payoutEntry, PayoutCtx, payoutProblem } from '../payouts';
import type { ChannelPayouts, ListPayoutsOptions, ListPayoutsResult, PayoutProblem } from '../types';
import type { EbayClient } from './client';

export const EBAY_PAYOUTS_PAGE = 200;
const EBAY_TRANSACTIONS_PAGE = 1000;
const SOURCE = 'ebay_finances';

function financesBase(client: EbayClient): string {
	return client.base.replace('://api.', '://apiz.');
}

/** One transaction of a payout -> its ledger entries (throws PayoutRowError naming it and the field) */
export function ebayTransactionEntries(t: unknown, payoutId: string): LedgerEntryInput[] {
	const ctx = new PayoutCtx('ebay', 'transaction');
	if (!isObj(t)) return ctx.invalid('transaction', 'expected an object');
	const id = text(t.transactionId) ?? ctx.missing('transactionId');
	ctx.ref = `transaction ${id}`;
	const currency = optCurrency(ctx, dig(t, 'amount', 'currency'), 'amount.currency') ?? ctx.missing('amount.currency');
	const amount = optMinor(ctx, dig(t, 'amount', 'value'), 'amount.value', currency) ?? ctx.missing('amount.value');
	const credit = (text(t.bookingEntry) ?? ctx.missing('bookingEntry')) === 'CREDIT';
	const type = text(t.transactionType) ?? ctx.missing('transactionType');
	const at = reqTimestamp(ctx, t.transactionDate, 'transactionDate');
	const orderId = text(t.orderId);
	const base = { channel: 'ebay', omsId: orderId ? `ebay:${orderId}` : null, currency, payoutId, occurredAt: at, source: SOURCE };
	const detail = { transaction: id, transactionType: type };
	const out: LedgerEntryInput[] = [];
	if (type === 'SALE') {
		let fees = 0;
		(arr(t.orderLineItems) ?? []).forEach((l, i) => {
			(arr(dig(l, 'marketplaceFees')) ?? []).forEach((f, k) => {
				const field = `orderLineItems[${i}].marketplaceFees[${k}]`;
				const fee = optMinor(ctx, dig(f, 'amount', 'value'), `${field}.amount.value`, currency) ?? ctx.missing(`${field}.amount.value`);
				const feeType = text(dig(f, 'feeType')) ?? ctx.missing(`${field}.feeType`);
				fees += fee;
				payoutEntry(out, { ...base, key: `ebay:tx:${id}:fee:${i}:${k}`, type: 'fee', subtype: feeType, lineId: text(dig(l, 'lineItemId')), amountMinor: -fee, detail });
			});
		});
		const signed = credit ? amount : -amount;
		out.unshift({ ...base, key: `ebay:tx:${id}:payment`, type: 'payment', subtype: null, lineId: null, amountMinor: signed + fees, detail });
		return out;
	}
	const entryType = type === 'REFUND' ? 'refund' : 'adjustment';
	payoutEntry(out, { ...base, key: `ebay:tx:${id}:${entryType}`, type: entryType, subtype: entryType === 'adjustment' ? type.toLowerCase() : null, amountMinor: credit ? amount : -amount, detail });
	return out;
}

export function ebayPayout(p: unknown, account: string): PayoutInput {
	const ctx = new PayoutCtx('ebay', 'payout');
	if (!isObj(p)) return ctx.invalid('payout', 'expected an object');
	const id = text(p.payoutId) ?? ctx.missing('payoutId');
	ctx.ref = `payout ${id}`;
	const currency = optCurrency(ctx, dig(p, 'amount', 'currency'), 'amount.currency') ?? ctx.missing('amount.currency');
	return {
		channel: 'ebay',
		account,
		payoutId: id,
		currency,
		amountMinor: optMinor(ctx, dig(p, 'amount', 'value'), 'amount.value', currency) ?? ctx.missing('amount.value'),
		status: text(p.payoutStatus) ?? ctx.missing('payoutStatus'),
		paidAt: reqTimestamp(ctx, p.payoutDate, 'payoutDate'),
		detail: { transactionCount: typeof p.transactionCount === 'number' ? p.transactionCount : null },
	};
}

async function page<T>(client: EbayClient, op: string, url: string, key: string): Promise<{ list: T[]; next: boolean }> {
	const res = await client.call<Record<string, unknown>>(op, 'GET', url);
	if (res.status === 204 || res.body === undefined || res.body === null || (res.body as unknown) === '') return { list: [], next: false };
	if (typeof res.body !== 'object') throw new Error(`eBay ${op}: unexpected body`);
	const list = (arr(res.body[key]) ?? []) as T[];
	return { list, next: typeof res.body.next === 'string' && list.length > 0 };
}

async function listPayoutsSince(client: EbayClient, cursor: string | null, opts: ListPayoutsOptions = {}): Promise<ListPayoutsResult> {
	const start = startTime(cursor, opts.lookbackFrom, client.opts.now?.() ?? Date.now());
	const limit = Math.max(1, Math.min(EBAY_PAYOUTS_PAGE, opts.pageSize ?? EBAY_PAYOUTS_PAGE));
	const entries: LedgerEntryInput[] = [];
	const payouts: PayoutInput[] = [];
	const problems: PayoutProblem[] = [];
	let maxAt: number | undefined;
	let pages = 0;
	const base = financesBase(client);
	const now = client.opts.now?.() ?? Date.now();
	// a payoutDate range without an end means 90 days from its start ⚠: asked in windows of 90 days up to now
	for (let from = Date.parse(start); from <= now; from += PAYOUT_WINDOW_MS) {
		const to = new Date(Math.min(from + PAYOUT_WINDOW_MS - 1, now)).toISOString();
		pages += await payoutWindow(client, base, new Date(from).toISOString(), to, limit, { entries, payouts, problems }, (t) => {
			if (maxAt === undefined || t > maxAt) maxAt = t;
		});
	}
	return { entries, payouts, problems, cursor: cursorAfter(maxAt, start, client.opts.cursorOverlapMs ?? 60_000), pages };
}

const PAYOUT_WINDOW_MS = 90 * 86_400_000;

/** The payouts of one window of payout dates and their transactions; the calls made */
async function payoutWindow(
	client: EbayClient,
	base: string,
	from: string,
	to: string,
	limit: number,
	out: { entries: LedgerEntryInput[]; payouts: PayoutInput[]; problems: PayoutProblem[] },
	seen: (paidAtMs: number) => void,
): Promise<number> {
	const { entries, payouts, problems } = out;
	let pages = 0;
	for (let offset = 0; ; offset += limit) {
		const p = await page<unknown>(client, 'getPayouts', `${base}/sell/finances/v1/payout?filter=payoutDate:%5B${from}..${to}%5D&sort=payoutDate&limit=${limit}&offset=${offset}`, 'payouts');
		pages++;
		for (const raw of p.list) {
			let payout: PayoutInput;
			try {
				payout = ebayPayout(raw, client.account);
			} catch (error) {
				problems.push(payoutProblem(`payout ${text(dig(raw, 'payoutId')) ?? '?'}`, error));
				continue;
			}
			payouts.push(payout);
			const t = toMs(payout.paidAt);
			if (t !== undefined) seen(t);
			for (let txOffset = 0; ; txOffset += EBAY_TRANSACTIONS_PAGE) {
				const txs = await page<unknown>(client, 'getTransactions', `${base}/sell/finances/v1/transaction?filter=payoutId:%7B${encodeURIComponent(payout.payoutId)}%7D&limit=${EBAY_TRANSACTIONS_PAGE}&offset=${txOffset}`, 'transactions');
				pages++;
				for (const tx of txs.list) {
					try {
						entries.push(...ebayTransactionEntries(tx, payout.payoutId));
					} catch (error) {
						problems.push(payoutProblem(`transaction ${text(dig(tx, 'transactionId')) ?? '?'}`, error));
					}
				}
				if (!txs.next) break;
			}
		}
		if (!p.next) return pages;
	}
}

export const ebayPayouts: ChannelPayouts<EbayClient> = { listPayoutsSince };
