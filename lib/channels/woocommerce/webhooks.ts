/**
 * WooCommerce webhooks over REST v3 ✔ (woocommerce.github.io/woocommerce-rest-api-docs, "Webhooks"):
 *   GET /wp-json/wc/v3/webhooks?per_page=100&page=N (X-WP-TotalPages), POST /wp-json/wc/v3/webhooks
 *   {name, topic, delivery_url, secret, status:"active"} (201), DELETE /wp-json/wc/v3/webhooks/{id}?force=true
 *   (webhooks cannot be trashed). `secret` is write-only: a listing never shows it.
 * On creation WooCommerce pings the delivery URL with a form body `webhook_id=<id>` and no signature ✔ (§4.2);
 * a webhook is disabled after more than 5 consecutive failed deliveries ✔ (§4.7), and failures are never retried.
 */
import type { HttpRequestFn } from '../../http/types';
import { ApiCaller } from '../../http/caller';
import { withRedaction } from '../../http/errors';
import { clientRetryPolicy } from '../../http/retry';
import type { ClientOptions, WooCommerceCredentials } from '../types';
import { wooAuth, wooBaseUrl, wooSecrets } from './auth';

export interface WooWebhookInfo {
	id: number;
	topic: string;
	deliveryUrl: string;
	status: string;
	name?: string;
}

export class WooCommerceWebhooks {
	private readonly caller: ApiCaller;
	private readonly api: string;

	constructor(
		private readonly c: WooCommerceCredentials,
		request: HttpRequestFn,
		opts: ClientOptions = {},
	) {
		this.caller = new ApiCaller({
			request,
			retry: clientRetryPolicy(opts),
			secrets: () => [...wooSecrets(c), c.webhookSecret],
			label: 'WooCommerce',
		});
		this.api = `${wooBaseUrl(c)}/wp-json/wc/v3/webhooks`;
		// whatever a method throws (GraphQL and user errors included) leaves without this client's secrets
		return withRedaction(this, () => this.caller.secrets());
	}

	private call<T>(method: 'GET' | 'POST' | 'DELETE', url: string, qs: Record<string, string | number | boolean> = {}, body?: unknown, what?: string) {
		const a = wooAuth(this.c);
		return this.caller.call<T>(
			{
				method,
				url,
				qs: { ...qs, ...a.qs },
				headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...a.headers },
				body,
			},
			{ what },
		);
	}

	async list(): Promise<WooWebhookInfo[]> {
		const out: WooWebhookInfo[] = [];
		for (let page = 1; page <= 100; page++) {
			const res = await this.call<Array<Record<string, unknown>>>('GET', this.api, { per_page: 100, page }, undefined, 'list webhooks');
			if (!Array.isArray(res.body)) throw new Error('WooCommerce webhooks: unexpected body');
			for (const w of res.body)
				out.push({ id: Number(w.id), topic: String(w.topic ?? ''), deliveryUrl: String(w.delivery_url ?? ''), status: String(w.status ?? ''), name: w.name as string | undefined });
			const total = Number(res.headers['x-wp-totalpages'] ?? 1);
			if (page >= total || res.body.length === 0) break;
		}
		return out;
	}

	async create(topic: string, deliveryUrl: string, secret: string, name?: string): Promise<WooWebhookInfo> {
		const res = await this.call<Record<string, unknown>>(
			'POST',
			this.api,
			{},
			{ name: name ?? `n8n ${topic}`, topic, delivery_url: deliveryUrl, secret, status: 'active' },
			'create webhook',
		);
		const w = res.body;
		if (!w || typeof w !== 'object' || w.id === undefined) throw new Error(`WooCommerce webhook ${topic}: no id in the answer`);
		return { id: Number(w.id), topic: String(w.topic ?? topic), deliveryUrl: String(w.delivery_url ?? deliveryUrl), status: String(w.status ?? 'active') };
	}

	/** true when deleted, false when WooCommerce no longer has it */
	async delete(id: number | string): Promise<boolean> {
		const res = await this.call<unknown>('DELETE', `${this.api}/${encodeURIComponent(String(id))}`, { force: true }, undefined, 'delete webhook').catch((err: Error & { status?: number }) => {
			if (err.status === 404) return null;
			throw err;
		});
		return res !== null;
	}
}
