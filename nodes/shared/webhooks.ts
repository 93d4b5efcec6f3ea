/**
 * What the Shopify and WooCommerce order triggers share: reading the raw body, deciding what a delivery is
 * (forged / stale / ping / another topic / an order), dropping duplicates through the store, and turning the body
 * into a canonical order item. The decisions (`shopifyVerdict`, `wooVerdict`) are pure functions of the headers,
 * the raw bytes, the secret and the time, so they are tested without n8n; `handleDelivery` is the n8n glue.
 *
 * Order of work for every delivery, so nothing is done for a delivery that is refused:
 *   1. raw body (never re-serialised JSON) and signature, timing-safe (lib/channels/webhook-signature.ts) -> 401;
 *   2. Shopify: X-Shopify-Triggered-At older than the trigger's Max Age (or more than 5 minutes ahead) -> 401;
 *   3. WooCommerce's ping (form body `webhook_id=…`, unsigned) -> 200, nothing emitted; a topic the trigger was not
 *      set to listen to -> 200, nothing emitted;
 *   4. duplicate (store.markProcessed on the delivery's key) -> 200, nothing emitted;
 *   5. normalise: an order item; a body that cannot be normalised -> 200 and one item with `_normalizationError`
 *      (the channel would retry a non-2xx, and a malformed body never gets better; the item lets the workflow
 *      alert someone, and the Marketplace node's Get Orders Since reconciles the order from the API).
 * Duplicate keys (source `webhook:<channel>:<workflow id>:<node id>`, `:test` appended for the editor's test
 * webhook so a test event never hides a production one):
 *   Shopify: `<shop domain>|<X-Shopify-Event-Id>` (the same for every retry and for Shopify's "sent twice"), else
 *   `<shop>|<X-Shopify-Webhook-Id>`; WooCommerce has no event id and no timestamp: `<X-WC-Webhook-Source>|<order
 *   id>|<date_modified_gmt>|<body digest>`, the order's version, so the same save delivered twice (or order.created
 *   and order.updated for one save) is emitted once, while two saves within one second (the field has whole
 *   seconds) both come through.
 */
import { createHash } from 'node:crypto';
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { verifyShopifyHmac, verifyWooSignature } from '../../lib/channels/webhook-signature';
import { normalizeOrder, NormalizeError } from '../../lib/channels/normalize';
import type { ChannelClient } from '../../lib/channels/types';
import { returnFromWebhook } from '../../lib/flows/get-returns';
import type { ChannelName } from '../../lib/channels/registry';
import { getStore } from './store';
import { withoutRaw } from './items';

export type Headers = Record<string, string | string[] | undefined>;

export type Verdict =
	| { action: 'refuse'; reason: string }
	| { action: 'ignore'; reason: 'ping' | 'topic' }
	| { action: 'accept'; topic: string; dedupKey: string | null; body: unknown; bodyError?: string };

/** Future timestamps are allowed this far ahead (clock skew between Shopify and this host). */
export const CLOCK_SKEW_MS = 5 * 60_000;

function header(h: Headers, ...names: string[]): string | undefined {
	for (const n of names) {
		const v = h[n.toLowerCase()];
		const s = Array.isArray(v) ? v[0] : v;
		if (typeof s === 'string' && s !== '') return s;
	}
	return undefined;
}

function parseJson(raw: Buffer): { body: unknown; error?: string } {
	try {
		return { body: JSON.parse(raw.toString('utf8')) as unknown };
	} catch (e) {
		return { body: null, error: `the body is not JSON (${(e as Error).message})` };
	}
}

/**
 * Shopify: X-Shopify-Hmac-Sha256 over the raw body with the app secret; X-Shopify-Triggered-At within maxAgeMs
 * (0 = no age check). Both header styles are read: X-Shopify-* (webhooks) and Shopify-* (event-based deliveries).
 */
export function shopifyVerdict(input: { headers: Headers; rawBody: Buffer | undefined; secret: string | undefined; maxAgeMs: number; now: number; topics: string[] }): Verdict {
	const { headers: h, rawBody } = input;
	if (!input.secret) return { action: 'refuse', reason: 'no webhook signing secret is set in the Shopify credential' };
	if (!rawBody) return { action: 'refuse', reason: 'the raw request body is not available, so the signature cannot be checked' };
	const hmac = header(h, 'x-shopify-hmac-sha256', 'shopify-hmac-sha256');
	if (!hmac) return { action: 'refuse', reason: 'unsigned delivery (no X-Shopify-Hmac-Sha256)' };
	if (!verifyShopifyHmac(rawBody, hmac, input.secret)) return { action: 'refuse', reason: 'invalid signature' };
	if (input.maxAgeMs > 0) {
		const at = header(h, 'x-shopify-triggered-at', 'shopify-triggered-at');
		const t = at ? Date.parse(at) : NaN;
		if (!Number.isFinite(t)) return { action: 'refuse', reason: 'no valid X-Shopify-Triggered-At' };
		if (input.now - t > input.maxAgeMs) return { action: 'refuse', reason: 'stale delivery (X-Shopify-Triggered-At is older than the trigger’s Max Age)' };
		if (t - input.now > CLOCK_SKEW_MS) return { action: 'refuse', reason: 'X-Shopify-Triggered-At is in the future' };
	}
	const topic = (header(h, 'x-shopify-topic', 'shopify-topic') ?? '').toLowerCase();
	if (input.topics.length && !input.topics.includes(topic)) return { action: 'ignore', reason: 'topic' };
	const shop = header(h, 'x-shopify-shop-domain', 'shopify-shop-domain') ?? '';
	const id = header(h, 'x-shopify-event-id', 'shopify-event-id') ?? header(h, 'x-shopify-webhook-id', 'shopify-webhook-id');
	const { body, error } = parseJson(rawBody);
	return { action: 'accept', topic, dedupKey: id ? `${shop}|${id}` : null, body, ...(error ? { bodyError: error } : {}) };
}

/** WooCommerce's creation ping: `webhook_id=<n>` as a form body, unsigned. */
export function isWooPing(headers: Headers, rawBody: Buffer | undefined): boolean {
	if (header(headers, 'x-wc-webhook-signature')) return false;
	const text = rawBody?.toString('utf8').trim() ?? '';
	return /^webhook_id=\d+$/.test(text);
}

/** WooCommerce: X-WC-Webhook-Signature over the raw body with the webhook's secret; the ping is answered. */
export function wooVerdict(input: { headers: Headers; rawBody: Buffer | undefined; secret: string | undefined; topics: string[] }): Verdict {
	const { headers: h, rawBody } = input;
	if (isWooPing(h, rawBody)) return { action: 'ignore', reason: 'ping' };
	if (!input.secret) return { action: 'refuse', reason: 'no webhook secret is known for this trigger (activate the workflow again)' };
	if (!rawBody) return { action: 'refuse', reason: 'the raw request body is not available, so the signature cannot be checked' };
	const sig = header(h, 'x-wc-webhook-signature');
	if (!sig) return { action: 'refuse', reason: 'unsigned delivery (no X-WC-Webhook-Signature)' };
	if (!verifyWooSignature(rawBody, sig, input.secret)) return { action: 'refuse', reason: 'invalid signature' };
	const topic = (header(h, 'x-wc-webhook-topic') ?? '').toLowerCase();
	if (input.topics.length && !input.topics.includes(topic)) return { action: 'ignore', reason: 'topic' };
	const { body, error } = parseJson(rawBody);
	const o = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
	const source = header(h, 'x-wc-webhook-source') ?? '';
	const id = o.id !== undefined && o.id !== null ? String(o.id) : '';
	const modified = typeof o.date_modified_gmt === 'string' ? o.date_modified_gmt : typeof o.date_modified === 'string' ? o.date_modified : '';
	// date_modified_gmt has whole seconds: two saves in one second (created, then paid) differ only in content,
	// so the body's digest is part of the key; the same save delivered again is byte-identical
	const key = id && modified ? `${source}|${id}|${modified}|${sha256Bytes(rawBody).slice(0, 32)}` : null;
	return { action: 'accept', topic, dedupKey: key, body, ...(error ? { bodyError: error } : {}) };
}

/** The item for an accepted body: the canonical order, or the error item when it cannot be normalised. */
export function orderItem(channel: ChannelName, topic: string, body: unknown, bodyError: string | undefined, keepRaw: boolean): IDataObject {
	try {
		if (bodyError) throw new NormalizeError(channel, null, 'body', 'invalid', bodyError);
		return withoutRaw(normalizeOrder(channel, body), keepRaw) as unknown as IDataObject;
	} catch (e) {
		const err = e as Error & Partial<NormalizeError>;
		return {
			_normalizationError: {
				channel,
				topic,
				message: err.message,
				field: err.field ?? null,
				orderId: err.orderId ?? null,
			},
			channel,
			raw: (body ?? null) as IDataObject,
		};
	}
}

/**
 * The items of a return webhook's delivery: the return it names, read from the channel and normalised (one canonical
 * return each, ready for OMS Returns > Record), or an item flagged `_normalizationError` naming the return and what
 * failed (answered 200 all the same: the hourly Get Returns Since reads the return again).
 */
export async function returnItems(client: ChannelClient, topic: string, body: unknown, bodyError: string | undefined, keepRaw: boolean): Promise<IDataObject[]> {
	const failed = (message: string, field: string | null, returnId: string | null): IDataObject => ({
		_normalizationError: { channel: client.channel, topic, message, field, returnId },
		channel: client.channel,
		raw: (body ?? null) as IDataObject,
	});
	if (bodyError) return [failed(bodyError, 'body', null)];
	const results = await returnFromWebhook(client, body);
	return results.map((r) =>
		r.ok ? (withoutRaw(r.ret, keepRaw) as unknown as IDataObject) : failed(r.error.message, r.error.problems[0]?.path ?? null, r.channelReturnId),
	);
}

export function sha256(s: string): string {
	return createHash('sha256').update(s).digest('hex');
}

function sha256Bytes(b: Buffer): string {
	return createHash('sha256').update(b).digest('hex');
}

type RawRequest = { headers: Headers; rawBody?: Buffer; readRawBody?: () => Promise<void> };

/** The exact bytes that arrived (n8n's body parser keeps them in req.rawBody; read them if it has not yet). */
export async function rawBodyOf(req: RawRequest): Promise<Buffer | undefined> {
	if (!req.rawBody && typeof req.readRawBody === 'function') {
		try {
			await req.readRawBody();
		} catch {
			return undefined;
		}
	}
	const b = req.rawBody;
	if (Buffer.isBuffer(b)) return b;
	if (typeof b === 'string') return Buffer.from(b, 'utf8');
	return undefined;
}

/**
 * The webhook() of both triggers once the channel-specific verdict is known: refuse (401, written directly, no
 * execution), acknowledge (200, no execution), drop a duplicate (200, no execution) or emit one item.
 */
export async function respond(
	ctx: IWebhookFunctions,
	channel: ChannelName,
	verdict: Verdict,
	keepRaw: boolean,
	/** The items of an accepted, first-seen delivery (default: its canonical order, or its error item) */
	itemsOf: (accepted: Extract<Verdict, { action: 'accept' }>) => Promise<IDataObject[]> = async (v) => [orderItem(channel, v.topic, v.body, v.bodyError, keepRaw)],
): Promise<IWebhookResponseData> {
	if (verdict.action === 'refuse') {
		const res = ctx.getResponseObject();
		res.status(401).json({ message: `Webhook refused: ${verdict.reason}` });
		return { noWebhookResponse: true };
	}
	if (verdict.action === 'ignore') return { webhookResponse: { received: true, ignored: verdict.reason } };
	if (verdict.dedupKey) {
		const node = ctx.getNode();
		const source = `webhook:${channel}:${ctx.getWorkflow().id ?? ''}:${node.id ?? node.name}${ctx.getMode() === 'manual' ? ':test' : ''}`;
		const store = await getStore(ctx);
		const first = await store.markProcessed(source, verdict.dedupKey);
		if (!first) return { webhookResponse: { received: true, duplicate: true } };
	}
	const items: INodeExecutionData[] = (await itemsOf(verdict)).map((json) => ({ json }));
	return { workflowData: [items] };
}
