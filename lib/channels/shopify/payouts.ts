/**
 * Shopify Payments payout intake (issue 22; returns-billing-routing B.4): `shopifyPaymentsAccount {
 * balanceTransactions(query: "processed_at:>='…'", sortKey: PROCESSED_AT) payouts(query: "issued_at:>='…'") }`, paged
 * to the end. Each balance transaction is ledger entries keyed by its id: a CHARGE its gross as a payment and its fee
 * (type `processing`), a REFUND its amount as a refund, an ADJUSTMENT (and any other source type) an adjustment,
 * each with the payout that settles it (associatedPayout); each payout its net, status and date. The payouts of the
 * last PAYOUT_LOOKBACK_DAYS before the cursor are read again, so a SCHEDULED payout is seen again once PAID.
 * Needs the read_shopify_payments_payouts scope ✔ ("The user must have access to payouts").
 */
import { cursorAfter, startTime, toMs } from '../../http/cursor';
import type { LedgerEntryInput, PayoutInput } from '../../billing/types';
import { dig, isObj, optCurrency, optMinor, reqTimestamp, text } from '../normalize-common';
import { payoutEntry, PayoutCtx, payoutProblem } from '../payouts';
import type { ChannelPayouts, ListPayoutsOptions, ListPayoutsResult, PayoutProblem } from '../types';
import type { ShopifyClient } from './client';
import { shopifyGidTail } from './normalize';

export const SHOPIFY_PAYOUTS_PAGE = 100;
/** A payout is issued a few days after its transactions ⚠ (the sandbox: 2); its status is read again this long */
export const PAYOUT_LOOKBACK_DAYS = 10;
const SOURCE = 'shopify_payments';

const MONEY = 'amount currencyCode';
const TX_QUERY = `query BalanceTransactions($first: Int!, $after: String, $query: String) {
	shopifyPaymentsAccount {
		balanceTransactions(first: $first, after: $after, query: $query, sortKey: PROCESSED_AT) {
			pageInfo { hasNextPage endCursor }
			nodes { id type test amount { ${MONEY} } fee { ${MONEY} } net { ${MONEY} } sourceType sourceId associatedOrder { id name } adjustmentReason associatedPayout { id status } transactionDate }
		}
	}
}`;
const PAYOUT_QUERY = `query Payouts($first: Int!, $after: String, $query: String) {
	shopifyPaymentsAccount {
		payouts(first: $first, after: $after, query: $query) {
			pageInfo { hasNextPage endCursor }
			nodes { id legacyResourceId issuedAt status transactionType net { ${MONEY} } }
		}
	}
}`;

interface Page {
	pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
	nodes?: unknown[];
}

async function pages(client: ShopifyClient, query: string, conn: 'balanceTransactions' | 'payouts', search: string, first: number, each: (node: unknown) => void): Promise<number> {
	let after: string | null = null;
	let n = 0;
	for (;;) {
		const body: { data?: { shopifyPaymentsAccount?: Record<string, Page> | null } } = await client.graphql<{ shopifyPaymentsAccount?: Record<string, Page> | null }>(query, { first, after, query: search }, 2 + first * 3);
		const page = body.data?.shopifyPaymentsAccount?.[conn];
		if (!page || !Array.isArray(page.nodes)) throw new Error(`Shopify GraphQL: shopifyPaymentsAccount.${conn} missing from the response (is Shopify Payments active, and the read_shopify_payments_payouts scope granted?)`);
		n++;
		for (const node of page.nodes) each(node);
		if (!page.pageInfo?.hasNextPage || !page.pageInfo.endCursor) return n;
		after = page.pageInfo.endCursor;
	}
}

/** One balance transaction -> its ledger entries (throws PayoutRowError naming it and the field) */
export function shopifyBalanceEntries(node: unknown): LedgerEntryInput[] {
	const ctx = new PayoutCtx('shopify', 'balance transaction');
	if (!isObj(node)) return ctx.invalid('node', 'expected a balance transaction');
	const id = text(node.id) ? shopifyGidTail(text(node.id) as string) : ctx.missing('id');
	ctx.ref = `balance transaction ${id}`;
	const currency = optCurrency(ctx, dig(node, 'amount', 'currencyCode'), 'amount.currencyCode') ?? ctx.missing('amount.currencyCode');
	const amount = optMinor(ctx, dig(node, 'amount', 'amount'), 'amount.amount', currency) ?? ctx.missing('amount.amount');
	const fee = optMinor(ctx, dig(node, 'fee', 'amount'), 'fee.amount', currency) ?? 0;
	const at = reqTimestamp(ctx, node.transactionDate, 'transactionDate');
	const payoutGid = text(dig(node, 'associatedPayout', 'id'));
	const payoutId = payoutGid ? shopifyGidTail(payoutGid) : null;
	const orderGid = text(dig(node, 'associatedOrder', 'id'));
	const omsId = orderGid ? `shopify:${shopifyGidTail(orderGid)}` : null;
	const kind = (text(node.type) ?? text(node.sourceType) ?? ctx.missing('type')).toUpperCase();
	const base = { channel: 'shopify', omsId, currency, payoutId, occurredAt: at, source: SOURCE };
	const detail = { balanceTransaction: id, type: kind, sourceId: text(node.sourceId), ...(text(node.adjustmentReason) ? { reason: text(node.adjustmentReason) } : {}) };
	const out: LedgerEntryInput[] = [];
	const type = kind === 'CHARGE' ? 'payment' : kind === 'REFUND' ? 'refund' : 'adjustment';
	payoutEntry(out, { ...base, key: `shopify:bt:${id}:${type}`, type, subtype: type === 'adjustment' ? kind.toLowerCase() : null, amountMinor: amount, detail });
	// Shopify reports the fee as a positive amount taken from the gross (net = amount - fee)
	payoutEntry(out, { ...base, key: `shopify:bt:${id}:fee`, type: 'fee', subtype: 'processing', amountMinor: -fee, detail });
	return out;
}

/** One payout node -> the payout (throws PayoutRowError) */
export function shopifyPayout(node: unknown, account: string): PayoutInput {
	const ctx = new PayoutCtx('shopify', 'payout');
	if (!isObj(node)) return ctx.invalid('node', 'expected a payout');
	const id = text(node.legacyResourceId) ?? (text(node.id) ? shopifyGidTail(text(node.id) as string) : ctx.missing('id'));
	ctx.ref = `payout ${id}`;
	const currency = optCurrency(ctx, dig(node, 'net', 'currencyCode'), 'net.currencyCode') ?? ctx.missing('net.currencyCode');
	const net = optMinor(ctx, dig(node, 'net', 'amount'), 'net.amount', currency) ?? ctx.missing('net.amount');
	const kind = text(node.transactionType);
	return {
		channel: 'shopify',
		account,
		payoutId: id,
		currency,
		// a WITHDRAWAL takes money from the seller's bank: its net is reported positive ⚠
		amountMinor: kind === 'WITHDRAWAL' && net > 0 ? -net : net,
		status: text(node.status) ?? ctx.missing('status'),
		paidAt: reqTimestamp(ctx, node.issuedAt, 'issuedAt'),
		detail: { transactionType: kind },
	};
}

async function listPayoutsSince(client: ShopifyClient, cursor: string | null, opts: ListPayoutsOptions = {}): Promise<ListPayoutsResult> {
	const start = startTime(cursor, opts.lookbackFrom, client.opts.now?.() ?? Date.now());
	const first = Math.max(1, Math.min(SHOPIFY_PAYOUTS_PAGE, opts.pageSize ?? SHOPIFY_PAYOUTS_PAGE));
	const entries: LedgerEntryInput[] = [];
	const payouts: PayoutInput[] = [];
	const problems: PayoutProblem[] = [];
	let maxAt: number | undefined;
	let n = await pages(client, TX_QUERY, 'balanceTransactions', `processed_at:>='${start}'`, first, (node) => {
		try {
			const list = shopifyBalanceEntries(node);
			entries.push(...list);
			for (const e of list) {
				const t = toMs(e.occurredAt);
				if (t !== undefined && (maxAt === undefined || t > maxAt)) maxAt = t;
			}
		} catch (error) {
			problems.push(payoutProblem(isObj(node) && text(node.id) ? `balance transaction ${shopifyGidTail(text(node.id) as string)}` : 'balance transaction', error));
		}
	});
	const payoutsFrom = new Date(Date.parse(start) - PAYOUT_LOOKBACK_DAYS * 86_400_000).toISOString();
	n += await pages(client, PAYOUT_QUERY, 'payouts', `issued_at:>='${payoutsFrom}'`, first, (node) => {
		try {
			payouts.push(shopifyPayout(node, client.account));
		} catch (error) {
			problems.push(payoutProblem(isObj(node) && text(node.id) ? `payout ${shopifyGidTail(text(node.id) as string)}` : 'payout', error));
		}
	});
	return { entries, payouts, problems, cursor: cursorAfter(maxAt, start, client.opts.cursorOverlapMs ?? 60_000), pages: n };
}

export const shopifyPayouts: ChannelPayouts<ShopifyClient> = { listPayoutsSince };
