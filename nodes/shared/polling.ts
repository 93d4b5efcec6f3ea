/**
 * The polling-trigger engine shared by amazonOrderTrigger, ebayOrderTrigger and walmartOrderTrigger, so each trigger
 * is a description plus one call.
 *
 * One poll (activated workflow):
 *   1. cursor = node static data `cursor` (null on first activation: the client starts at now - Look Back);
 *   2. client.listOrdersSince(cursor, { lookbackFrom, onPage }) pages to the end; onPage collects each page's raw
 *      orders together with the cursor that is safe once that page is handled (on Amazon, eBay and Walmart, whose
 *      pages are not sorted by update time, that is the start cursor until the last page, then the new one);
 *   3. the collected orders are normalised (normalizeOrder), filtered (ready only / channel statuses), de-duplicated
 *      against the overlap window of the previous poll, and returned as ONE emission (n8n emits once per poll);
 *   4. in the same poll() that returns them, static data `cursor` is set to the cursor of the LAST COMPLETE PAGE that
 *      is part of this emission, never further. On Amazon that cursor, before the last page, is a resumable `v2:`
 *      cursor (lib/channels/amazon/cursor.ts) that continues with the next page, so a backlog larger than one poll's
 *      budget is walked over several polls; the overlap keys are kept until that listing finishes.
 *
 * What a failure or crash does:
 *   - a 429/5xx/timeout mid-listing is retried by the client with backoff (lib/http) and usually absorbed;
 *   - if the listing still fails after some pages: the orders of the complete pages are emitted and the cursor moves
 *     to the last complete page's cursor (the start on unsorted channels, so the next poll re-reads them: duplicates,
 *     never gaps; omsOrder Record drops repeats). A warning is logged. If it fails before any page: the poll fails
 *     (n8n shows the error), nothing is emitted and the cursor stays where it was;
 *   - n8n stages static-data changes made in poll() and persists them with the hand-off of the emitted items (a
 *     poll that emits nothing commits its staged cursor on its own). A crash of n8n before that hand-off loses the
 *     new cursor too, so the next poll lists the same orders again: nothing lost. A crash after the hand-off, while the
 *     execution runs, is n8n's execution recovery's business; the hourly reconciliation workflow (Marketplace Get
 *     Orders Since) covers anything an execution did not finish.
 *   - the engine's poll budget (IPollFunctions.getPollBudgetMs, n8n 2.x): when 80 % of it is spent, listing stops
 *     after the current page and what is collected is emitted, with that page's cursor; the next poll goes on.
 *
 * A manual run ("Fetch Test Event", getMode() === 'manual') lists a small sample (Manual Sample Size, default 5)
 * from the stored cursor or the look-back and never changes static data.
 *
 * Payloads that fail to normalise: logged with logger.warn and, when "Emit Normalisation Errors" is on (default),
 * emitted as `{ _normalizationError: true, error, channel, channelOrderId, field }` (plus `raw` when Include Raw
 * Payload is on) so an IF node can route them; triggers have no error output.
 */
import { NodeOperationError, type IDataObject, type INodeExecutionData, type INodeProperties, type IPollFunctions } from 'n8n-workflow';
import { normalizeOrder, NormalizeError } from '../../lib/channels/normalize';
import { statusKey } from '../../lib/channels/status';
import { channelDefinition, type ChannelName } from '../../lib/channels/registry';
import type { ChannelClient } from '../../lib/channels/types';
import type { CanonicalOrder } from '../../lib/order/types';
import { versionDigest } from '../../lib/order/versions';
import { withoutRaw } from './items';
import { nodeError } from './errors';
import { CHANNEL_LABEL, channelClient } from './channels';
import { cursorWatermark } from '../../lib/channels/amazon/cursor';
import { subtitle } from './subtitle';

/** How many order keys of the overlap window are remembered between polls (bounded static data) */
const SEEN_CAP = 2000;
const DEFAULT_SAMPLE = 5;

export interface PollOptions {
	/** Channel statuses offered in the Statuses filter (default: the channel's own, lib/channels/<channel>/index.ts) */
	statusOptions?: Array<{ name: string; value: string }>;
	/** Extra options (name -> value) the trigger handles itself, e.g. Walmart acknowledge */
	extra?: INodeProperties[];
}

/** The parameters every polling trigger has (Look Back, Options). */
/** The polling triggers' subtitle: the name of the Emit option chosen (pollingProperties). */
export const POLLING_SUBTITLE = subtitle('{emit}', { emit: { all: 'All Changed Orders', ready: 'Only Ready Orders' } });

export function pollingProperties(channel: ChannelName, o: PollOptions = {}): INodeProperties[] {
	const label = CHANNEL_LABEL[channel];
	const statusOptions = o.statusOptions ?? (channelDefinition(channel)?.statusOptions ?? []).map((x) => ({ ...x }));
	return [
		{
			displayName: `Polls ${label} for orders created or changed since the last poll. The first activation starts from the look-back below; later polls continue from a cursor kept in the workflow. "Fetch Test Event" lists a small sample and does not move the cursor.`,
			name: 'pollNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Look Back',
			name: 'lookBack',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1,
			description: 'How far back the first poll after activation starts (also a manual run with no cursor yet)',
		},
		{
			displayName: 'Look Back Unit',
			name: 'lookBackUnit',
			type: 'options',
			options: [
				{ name: 'Hours', value: 'hours' },
				{ name: 'Days', value: 'days' },
			],
			default: 'days',
		},
		{
			displayName: 'Emit',
			name: 'emit',
			type: 'options',
			options: [
				{ name: 'All Changed Orders', value: 'all', description: 'New, paid, shipped, cancelled: every change (readiness tells them apart)' },
				{ name: 'Only Ready Orders', value: 'ready', description: 'Only orders that are good to fulfil (readiness "ready")' },
			],
			default: 'all',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Emit Normalisation Errors',
					name: 'emitErrors',
					type: 'boolean',
					default: true,
					description:
						'Whether to emit an order that cannot be normalised as an item with _normalizationError: true, error, channel and channelOrderId (route it with an IF node). Off: it is only logged.',
				},
				{
					displayName: 'Include Raw Payload',
					name: 'includeRaw',
					type: 'boolean',
					default: false,
					description: `Whether to keep the ${label} order exactly as the API sent it in "raw"`,
				},
				{
					displayName: 'Manual Sample Size',
					name: 'sampleSize',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 100 },
					default: DEFAULT_SAMPLE,
					description: 'How many orders "Fetch Test Event" lists',
				},
				{
					displayName: 'Statuses',
					name: 'statuses',
					type: 'multiOptions',
					options: statusOptions,
					default: [],
					description: `Emit only orders with one of these ${label} status words (empty: all). Filtered after listing (the list endpoint's status filter would hide later changes from the cursor), so the cursor still moves past the others.`,
				},
				...(o.extra ?? []),
			],
		},
	];
}

export interface PollSettings {
	lookBackMs: number;
	readyOnly: boolean;
	statuses: string[];
	includeRaw: boolean;
	emitErrors: boolean;
	sampleSize: number;
	options: IDataObject;
}

export function readPollSettings(ctx: IPollFunctions): PollSettings {
	const amount = Number(ctx.getNodeParameter('lookBack', 1));
	const unit = ctx.getNodeParameter('lookBackUnit', 'days') as string;
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	if (!Number.isFinite(amount) || amount < 0) throw new NodeOperationError(ctx.getNode(), `Look Back must be a number of ${unit} (0 or more)`);
	return {
		lookBackMs: amount * (unit === 'hours' ? 3_600_000 : 86_400_000),
		readyOnly: ctx.getNodeParameter('emit', 'all') === 'ready',
		statuses: Array.isArray(options.statuses) ? (options.statuses as string[]).map(statusKey) : [],
		includeRaw: options.includeRaw === true,
		emitErrors: options.emitErrors !== false,
		sampleSize: Math.max(1, Math.min(100, Number(options.sampleSize ?? DEFAULT_SAMPLE) || DEFAULT_SAMPLE)),
		options,
	};
}

class BudgetReached extends Error {}

/**
 * The key an order is de-duplicated by across the overlap window: same id, update time and version = same change.
 * The version is a digest of the content (lib/order/versions.ts versionDigest), because channels write whole
 * seconds: a second save within the same second (a new address, a status word that keeps readiness) must come out
 * again. Walmart's Created -> Acknowledged (our own acknowledgement) counts as the same version.
 * The update time stays the second part from the end (the carry-over below reads it there).
 */
function changeKey(o: CanonicalOrder): string {
	return `${o.channelOrderId}|${o.updatedAt ?? ''}|${versionDigest(o)}`;
}

function rawId(raw: unknown): string | null {
	if (typeof raw !== 'object' || raw === null) return null;
	const r = raw as Record<string, unknown>;
	const v = r.orderId ?? r.AmazonOrderId ?? r.purchaseOrderId ?? r.id;
	return v === undefined || v === null ? null : String(v);
}

export interface PollResult {
	items: INodeExecutionData[];
	orders: CanonicalOrder[];
	client: ChannelClient;
	manual: boolean;
}

/**
 * Runs one poll for `channel` (see the file header): returns the items to emit (possibly none) and the canonical
 * orders among them; static data is updated here (never in a manual run).
 */
export async function pollChannel(ctx: IPollFunctions, channel: ChannelName, s: PollSettings = readPollSettings(ctx)): Promise<PollResult> {
	const manual = ctx.getMode() === 'manual';
	const client = await channelClient(ctx, channel);
	const data = ctx.getWorkflowStaticData('node');
	const cursor = typeof data.cursor === 'string' && data.cursor ? data.cursor : null;
	const lookbackFrom = new Date(Date.now() - s.lookBackMs).toISOString();

	const raws: unknown[] = [];
	let pageCursor: string | undefined;
	if (manual) {
		let r: Awaited<ReturnType<ChannelClient['listOrdersSince']>>;
		try {
			r = await client.listOrdersSince(cursor, { lookbackFrom, pageSize: s.sampleSize, maxOrders: s.sampleSize });
		} catch (error) {
			throw nodeError(ctx, error, undefined, `${CHANNEL_LABEL[channel]} poll failed`);
		}
		raws.push(...r.orders.slice(0, s.sampleSize));
	} else {
		const budget = typeof ctx.getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : undefined;
		const started = Date.now();
		try {
			await client.listOrdersSince(cursor, {
				lookbackFrom,
				onPage: async (orders, next) => {
					raws.push(...orders);
					pageCursor = next;
					if (budget && Date.now() - started > budget * 0.8) throw new BudgetReached();
				},
			});
		} catch (error) {
			if (error instanceof BudgetReached) {
				ctx.logger.info(`${CHANNEL_LABEL[channel]} poll: time budget reached after ${raws.length} orders; the next poll continues`);
			} else if (pageCursor === undefined) {
				// nothing listed: fail the poll, the cursor stays where it was
				throw nodeError(ctx, error, undefined, `${CHANNEL_LABEL[channel]} poll failed`);
			} else {
				ctx.logger.warn(
					`${CHANNEL_LABEL[channel]} poll: listing failed after ${raws.length} orders (${(error as Error).message}); emitting the complete pages, the next poll re-reads from their cursor`,
				);
			}
		}
	}

	const seen = new Set(!manual && Array.isArray(data.seen) ? (data.seen as string[]) : []);
	const items: INodeExecutionData[] = [];
	const orders: CanonicalOrder[] = [];
	const keep: string[] = [];
	// a plain cursor's time; for a resumable Amazon cursor (a listing in progress) the earliest time its final cursor
	// can have, so every change the next listing's overlap can list again is remembered
	const mark = cursorWatermark(pageCursor);
	const newCursorMs = mark.ms;
	for (const raw of raws) {
		let order: CanonicalOrder;
		try {
			order = normalizeOrder(channel, raw);
		} catch (error) {
			const e = error as Error & Partial<NormalizeError>;
			const id = (e instanceof NormalizeError ? e.orderId : null) ?? rawId(raw);
			ctx.logger.warn(`${CHANNEL_LABEL[channel]} order ${id ?? '(no id)'} could not be normalised: ${e.message}`);
			if (s.emitErrors) {
				const json: IDataObject = { _normalizationError: true, error: e.message, channel, channelOrderId: id };
				if (e instanceof NormalizeError) json.field = e.field;
				if (s.includeRaw) json.raw = raw as IDataObject;
				items.push({ json });
			}
			continue;
		}
		const key = changeKey(order);
		if (!manual) {
			const upd = Date.parse(order.updatedAt ?? '');
			// remember the changes the next poll's overlap can list again
			if (!Number.isNaN(newCursorMs) && !Number.isNaN(upd) && upd >= newCursorMs) keep.push(key);
			if (seen.has(key)) continue;
		}
		if (s.readyOnly && order.readiness !== 'ready') continue;
		if (s.statuses.length && !String(order.channelStatus ?? '').split('/').some((w) => s.statuses.includes(statusKey(w)))) continue;
		orders.push(order);
		items.push({ json: withoutRaw(order, s.includeRaw) as unknown as IDataObject });
	}

	if (!manual && pageCursor !== undefined) {
		data.cursor = pageCursor;
		// when the cursor did not move (unsorted pages cut short) the old keys still apply; so they do while a resumable
		// listing is in progress (its later pages may hold the previous overlap); when it finishes, those that are
		// still inside the new overlap (their update time is the key's middle part)
		const wasResuming = cursorWatermark(cursor).resuming;
		const carry =
			pageCursor === cursor || mark.resuming
				? [...seen]
				: wasResuming
					? [...seen].filter((k) => !(Date.parse(k.split('|').at(-2) ?? '') < newCursorMs))
					: [];
		data.seen = [...new Set([...carry, ...keep])].slice(-SEEN_CAP);
	}
	return { items, orders, client, manual };
}
