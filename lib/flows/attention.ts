/**
 * The Attention queue (OMS Order > Attention): everything a person must act on, oldest first, one item per thing,
 * from the same query as the Attention report (lib/report/reports/attention.ts). For digests, `newSince` keeps only
 * the items a previous run did not list, given the keys that run kept (n8n: the workflow's static data).
 */
import { attentionQueue, ATTENTION_DEFAULTS, type AttentionItem, type AttentionThresholds } from '../report';
import { esc } from '../report/render/html';
import type { Store } from '../store/types';

export { ATTENTION_DEFAULTS };
export type { AttentionItem, AttentionThresholds };

export interface AttentionOptions extends AttentionThresholds {
	/** ISO UTC; default now */
	now?: string;
	channels?: string[];
	/** Only the items not listed by the run that kept these keys (undefined: every item) */
	seenKeys?: readonly string[];
}

export interface AttentionResult {
	/** Every item owed now (or only the new ones when `seenKeys` was given) */
	items: AttentionItem[];
	/** Everything owed now, new or not */
	total: number;
	/** Keep these for the next run's `seenKeys`: the keys of everything owed now (a thing resolved and owed again is new again) */
	keys: string[];
}

export async function listAttention(store: Store, opts: AttentionOptions = {}): Promise<AttentionResult> {
	const all = await attentionQueue(store, opts.now ?? new Date().toISOString(), opts);
	const keys = all.map((i) => i.key);
	if (!opts.seenKeys) return { items: all, total: all.length, keys };
	const seen = new Set(opts.seenKeys);
	return { items: all.filter((i) => !seen.has(i.key)), total: all.length, keys };
}

export interface AttentionDigest {
	subject: string;
	text: string;
	html: string;
	/** Items in this digest, and everything owed now */
	count: number;
	total: number;
	items: AttentionItem[];
}

function age(minutes: number): string {
	if (minutes < 120) return `${minutes} min`;
	if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
	return `${Math.floor(minutes / 1440)} d`;
}

/** What the item is about: the order (and its reference), or a quantity push's channel, SKU and quantity */
function subject(i: AttentionItem): string {
	if (i.sku !== null) return `${i.channel} ${i.sku} (quantity ${i.quantity ?? '?'})`;
	const ref = i.reference && i.reference !== i.omsId ? ` (${i.reference})` : '';
	return `${i.omsId ?? ''}${ref}${i.orderNumber ? `, order ${i.orderNumber}` : ''}`;
}

function line(i: AttentionItem): string {
	return `${i.reasonLabel}: ${subject(i)}, ${age(i.ageMinutes)}${i.detail ? ` - ${i.detail}` : ''}`;
}

/** One message of the items (a digest for Send Email, Slack or Teams), oldest first; null when there is none. */
export function attentionDigest(result: Pick<AttentionResult, 'items' | 'total'>): AttentionDigest | null {
	const { items, total } = result;
	if (!items.length) return null;
	const title = `OMS: ${items.length} new ${items.length === 1 ? 'thing needs' : 'things need'} attention (${total} open)`;
	const text = [title, '', ...items.map((i) => `- ${line(i)}`), '', 'Oldest first. Act on each in the OMS (OMS Order: Get, Release, Update Status; Fraud Review form; Marketplace: Retry Pending, Resend Failed).'].join('\n');
	const rows = items
		.map(
			(i) =>
				`<tr><td>${esc(i.reasonLabel)}</td><td>${esc(i.omsId ?? '')}</td><td>${esc(i.orderNumber ?? '')}</td><td>${esc(i.reference ?? '')}</td><td>${esc(i.sku === null ? '' : `${i.channel} ${i.sku} (${i.quantity ?? '?'})`)}</td><td>${esc(age(i.ageMinutes))}</td><td>${esc(i.detail ?? '')}</td></tr>`,
		)
		.join('');
	const html = `<p>${esc(title)}</p><table border="1" cellpadding="4" cellspacing="0"><tr><th>Reason</th><th>OMS ID</th><th>Order</th><th>Reference</th><th>SKU (quantity)</th><th>Age</th><th>Detail</th></tr>${rows}</table><p>Oldest first.</p>`;
	return { subject: title, text, html, count: items.length, total, items };
}
