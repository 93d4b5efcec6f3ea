/**
 * Get Returns Since (the Marketplace node's operation): one channel's returns created or changed since a cursor,
 * each as canonical returns ready for the Returns node's Record (lib/flows/record-return.ts), which is idempotent per
 * channel return id: the overlap every listing re-reads, a re-poll after a crash and a return seen twice record once.
 *
 * The cursor is kept in the store (getCursor/setCursor, named per channel account) when the caller asks for it,
 * like the WMS's Get Updates (apply-wms-updates.ts pullUpdates): read, list, store the new cursor once the whole
 * listing is read and normalised. A return that cannot be normalised is that return's error (ItemError naming the
 * return and the field), never the listing's. n8n-free.
 */
import { channelReturns } from '../channels/registry';
import { ReturnNormalizeError } from '../channels/returns';
import type { ChannelClient } from '../channels/types';
import type { CanonicalReturn } from '../returns/types';
import type { Store } from '../store/types';
import { ItemError } from './item-error';

export interface GetReturnsOptions {
	/** Where the cursor comes from: `stored` (the store's, else `since`; the new cursor is stored), `time` (`since`), `cursor` (`cursor`) */
	from: 'stored' | 'time' | 'cursor';
	/** ISO time: the start for `time`, and for `stored` when nothing is stored yet (default: 24 h ago) */
	since?: string;
	cursor?: string;
	/** The store's name for the cursor (default `returns:<client.account>`) */
	cursorName?: string;
	pageSize?: number;
}

export type ReturnOutcome = { ok: true; ret: CanonicalReturn } | { ok: false; error: ItemError; channelReturnId: string | null };

export interface GetReturnsResult {
	channel: string;
	/** Canonical returns, and the returns that could not be normalised (each its own error), in the channel's order */
	results: ReturnOutcome[];
	/** The cursor the listing started from (null: none) and the one to pass next time (stored when from = stored) */
	previousCursor: string | null;
	cursor: string;
	pages: number;
}

/** The store's name of a channel account's returns cursor */
export function returnsCursorName(client: ChannelClient): string {
	return `returns:${client.account}`;
}

/** An error of one raw return as the item's error: the field named as a problem */
export function returnItemError(channel: string, error: unknown): ItemError {
	if (error instanceof ReturnNormalizeError) return new ItemError(error.message, [{ path: `$.${error.field}`, message: error.detail ? `${error.reason}: ${error.detail}` : error.reason }]);
	if (error instanceof ItemError) return error;
	return new ItemError(`${channel} return: ${(error as Error)?.message ?? String(error)}`);
}

/** A Since Time parameter as ISO UTC (undefined when empty); not a date: the item's error */
export function sinceTime(since: string | undefined): string | undefined {
	if (since === undefined || since.trim() === '') return undefined;
	const t = Date.parse(since);
	if (Number.isNaN(t)) throw new ItemError(`Since Time is not a date: ${JSON.stringify(since)}`);
	return new Date(t).toISOString();
}

export async function getReturnsSince(store: Store | null, client: ChannelClient, opts: GetReturnsOptions): Promise<GetReturnsResult> {
	const intake = channelReturns(client.channel);
	if (!intake) throw new ItemError(`${client.channel} has no return intake`);
	const name = opts.cursorName ?? returnsCursorName(client);
	let cursor: string | null = null;
	if (opts.from === 'cursor') {
		cursor = opts.cursor?.trim() || null;
		if (!cursor) throw new ItemError('Cursor is empty (use Since: Time for a first run)');
	} else if (opts.from === 'stored') {
		if (!store) throw new ItemError('Since: Stored Cursor needs the OMS store');
		cursor = await store.getCursor(name);
	}
	const lookbackFrom = cursor === null ? sinceTime(opts.since) : undefined;
	const listed = await intake.listReturnsSince(client, cursor, { lookbackFrom, pageSize: opts.pageSize });
	const results = listed.returns.flatMap((raw) => normalized(client.channel, intake.normalize, raw));
	if (opts.from === 'stored' && store && listed.cursor !== cursor) await store.setCursor(name, listed.cursor);
	return { channel: client.channel, results, previousCursor: cursor, cursor: listed.cursor, pages: listed.pages };
}

/** One raw return -> its canonical returns, or its error (naming the return and the field) */
function normalized(channel: string, normalize: (raw: unknown) => CanonicalReturn[], raw: unknown): ReturnOutcome[] {
	try {
		return normalize(raw).map((ret) => ({ ok: true, ret }));
	} catch (error) {
		return [{ ok: false, error: returnItemError(channel, error), channelReturnId: error instanceof ReturnNormalizeError ? error.returnId : null }];
	}
}

/**
 * A return webhook's delivery (Shopify's `returns/*`, through the Shopify Order Trigger): the return it names, read
 * from the channel and normalised, as Get Returns Since gives it; recording it is idempotent, so a delivery, its
 * repeats and the hourly listing record it once. A read that fails is the delivery's error, naming the return.
 */
export async function returnFromWebhook(client: ChannelClient, body: unknown): Promise<ReturnOutcome[]> {
	const intake = channelReturns(client.channel);
	if (!intake?.fromWebhook) throw new ItemError(`${client.channel} sends no return webhooks the OMS reads`);
	let raw: unknown;
	try {
		raw = await intake.fromWebhook(client, body);
	} catch (error) {
		return [{ ok: false, error: returnItemError(client.channel, error), channelReturnId: error instanceof ReturnNormalizeError ? error.returnId : null }];
	}
	return normalized(client.channel, intake.normalize, raw);
}
