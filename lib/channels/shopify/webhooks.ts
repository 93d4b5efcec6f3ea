/**
 * Shopify webhook subscriptions over the GraphQL Admin API (what a webhook trigger's lifecycle needs):
 *   webhookSubscriptions(first, topics) to list, webhookSubscriptionCreate(topic, webhookSubscription: {uri, format})
 *   to register, webhookSubscriptionDelete(id) to remove ✔ (shopify.dev GraphQL Admin API; `uri` replaces the
 *   deprecated `callbackUrl` from 2025-04 ⚠; the subscription's own `uri` is read, with `endpoint.callbackUrl` as the
 *   fallback for older versions).
 * Topics are given the REST way ("orders/create") and sent as the GraphQL enum (ORDERS_CREATE).
 * Deliveries of subscriptions an app creates through the API are signed with the app's client secret ✔ (§1.2).
 */
import type { ShopifyClient } from './client';

export interface ShopifyWebhookSubscription {
	id: string;
	/** REST form, e.g. orders/create */
	topic: string;
	uri: string;
}

export function shopifyTopicEnum(topic: string): string {
	return topic.trim().toUpperCase().replace(/\//g, '_');
}

export function shopifyTopicPath(topic: string): string {
	const t = topic.trim();
	if (t.includes('/')) return t.toLowerCase();
	const i = t.indexOf('_');
	return (i < 0 ? t : `${t.slice(0, i)}/${t.slice(i + 1)}`).toLowerCase();
}

type Sub = { id: string; topic: string; uri?: string | null; callbackUrl?: string | null; endpoint?: { callbackUrl?: string | null } | null };

/** Subscriptions of the shop for these topics (every page). */
export async function listShopifyWebhooks(client: ShopifyClient, topics: string[]): Promise<ShopifyWebhookSubscription[]> {
	const out: ShopifyWebhookSubscription[] = [];
	let after: string | null = null;
	for (let page = 0; page < 50; page++) {
		const body: { data?: { webhookSubscriptions?: { nodes: Sub[]; pageInfo?: { hasNextPage: boolean; endCursor: string | null } } } } = await client.graphql(
			`query Hooks($first: Int!, $after: String, $topics: [WebhookSubscriptionTopic!]) { webhookSubscriptions(first: $first, after: $after, topics: $topics) { nodes { id topic uri endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } } pageInfo { hasNextPage endCursor } } }`,
			{ first: 100, after, topics: topics.map(shopifyTopicEnum) },
			2 + 100,
		);
		const conn = body.data?.webhookSubscriptions;
		if (!conn) throw new Error('Shopify GraphQL: webhookSubscriptions missing from the response');
		for (const n of conn.nodes) out.push({ id: n.id, topic: shopifyTopicPath(n.topic), uri: n.uri ?? n.callbackUrl ?? n.endpoint?.callbackUrl ?? '' });
		if (!conn.pageInfo?.hasNextPage || !conn.pageInfo.endCursor) break;
		after = conn.pageInfo.endCursor;
	}
	return out;
}

export async function createShopifyWebhook(client: ShopifyClient, topic: string, uri: string): Promise<ShopifyWebhookSubscription> {
	const body = await client.graphql<{
		webhookSubscriptionCreate: { webhookSubscription: Sub | null; userErrors: Array<{ field?: string[]; message: string }> };
	}>(
		`mutation HookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { webhookSubscription { id topic uri } userErrors { field message } } }`,
		{ topic: shopifyTopicEnum(topic), webhookSubscription: { uri, format: 'JSON' } },
	);
	const r = body.data?.webhookSubscriptionCreate;
	if (!r || r.userErrors?.length || !r.webhookSubscription)
		throw new Error(client.redact(`Shopify webhookSubscriptionCreate ${topic}: ${r?.userErrors?.map((e) => e.message).join('; ') || 'no subscription returned'}`));
	return { id: r.webhookSubscription.id, topic: shopifyTopicPath(r.webhookSubscription.topic ?? topic), uri };
}

/** true when deleted, false when Shopify no longer has it (already gone counts as done for the caller) */
export async function deleteShopifyWebhook(client: ShopifyClient, id: string): Promise<boolean> {
	const body = await client.graphql<{ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: string | null; userErrors: Array<{ message: string }> } }>(
		`mutation HookDelete($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }`,
		{ id },
	);
	const r = body.data?.webhookSubscriptionDelete;
	if (r?.deletedWebhookSubscriptionId) return true;
	if (r?.userErrors?.some((e) => /does not exist|not found/i.test(e.message))) return false;
	throw new Error(client.redact(`Shopify webhookSubscriptionDelete ${id}: ${r?.userErrors?.map((e) => e.message).join('; ') || 'no answer'}`));
}
