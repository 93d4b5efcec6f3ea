import {
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeOperationError,
} from 'n8n-workflow';
import { createShopifyWebhook, deleteShopifyWebhook, listShopifyWebhooks } from '../../lib/channels/shopify/webhooks';
import { shopifyFromNode } from '../shared/channel-client';
import { channelCredentialTests } from '../shared/channels';
import { omsStoreConnectionTest } from '../shared/store';
import { nodeError, orNodeError } from '../shared/errors';
import { orderItem, rawBodyOf, respond, returnItems, shopifyVerdict } from '../shared/webhooks';
import { listSubtitle } from '../shared/subtitle';
import { description, RETURN_TOPICS, TOPIC_LABELS } from './description';

const TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled'];
const isReturnTopic = (t: string) => t.startsWith('returns/');

function topicsOf(ctx: IHookFunctions | IWebhookFunctions): string[] {
	const t = ctx.getNodeParameter('topics', TOPICS) as string[];
	return [...new Set((t.length ? t : TOPICS).map((x) => x.toLowerCase()))];
}

/** The topics to register: order topics or return topics, never both (their items differ: an order, or a return) */
function registeredTopics(ctx: IHookFunctions): string[] {
	const topics = topicsOf(ctx);
	if (topics.some(isReturnTopic) && !topics.every(isReturnTopic)) {
		throw new NodeOperationError(ctx.getNode(), 'Topics mixes order and return events', {
			description: 'A trigger emits either orders or returns. Use one Shopify Order Trigger for the order topics (into Record) and another for the return topics (into OMS Returns > Record).',
		});
	}
	return topics;
}

/**
 * Shopify orders as they happen: registers webhook subscriptions for the chosen order topics when the workflow is
 * activated (and removes them when it is deactivated), checks every delivery's HMAC over the raw body and its age,
 * drops repeats, and emits one canonical order per delivery. The checks live in nodes/shared/webhooks.ts.
 */
export class ShopifyOrderTrigger implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:shopifyOrderTrigger.svg', dark: 'file:shopifyOrderTrigger.dark.svg' },
		group: ['trigger'],
		subtitle: listSubtitle('topics', TOPIC_LABELS),
		credentials: [{ name: 'omsShopifyApi', required: true, testedBy: 'shopifyApiTest' }, { name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
	};

	methods = {
		credentialTest: channelCredentialTests('shopify', { omsStoreConnectionTest }),
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return orNodeError(this, async () => {
					const url = this.getNodeWebhookUrl('default') as string;
					const topics = registeredTopics(this);
					const { client } = await shopifyFromNode(this);
					const subs = (await listShopifyWebhooks(client, topics)).filter((s) => s.uri === url);
					if (!topics.every((t) => subs.some((s) => s.topic === t))) return false;
					const data = this.getWorkflowStaticData('node');
					data.webhookIds = Object.fromEntries(topics.map((t) => [t, subs.find((s) => s.topic === t)!.id]));
					return true;
				});
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return orNodeError(this, async () => {
					const url = this.getNodeWebhookUrl('default') as string;
					const topics = registeredTopics(this);
					const { client } = await shopifyFromNode(this);
					const existing = (await listShopifyWebhooks(client, topics)).filter((s) => s.uri === url);
					const ids: Record<string, string> = {};
					for (const t of topics) ids[t] = existing.find((s) => s.topic === t)?.id ?? (await createShopifyWebhook(client, t, url)).id;
					this.getWorkflowStaticData('node').webhookIds = ids;
					return true;
				});
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				const stored = Object.values((data.webhookIds ?? {}) as IDataObject).map(String);
				const { client } = await shopifyFromNode(this);
				try {
					const url = this.getNodeWebhookUrl('default') as string;
					const strays = (await listShopifyWebhooks(client, [...TOPICS, ...RETURN_TOPICS])).filter((s) => s.uri === url).map((s) => s.id);
					for (const id of new Set([...stored, ...strays])) await deleteShopifyWebhook(client, id);
				} catch (error) {
					this.logger.warn(`Shopify Order Trigger: could not remove the webhooks: ${nodeError(this, error).message}`);
					return false;
				}
				delete data.webhookIds;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const options = this.getNodeParameter('options', {}) as { maxAgeHours?: number; keepRaw?: boolean };
		const { creds, client } = await shopifyFromNode(this);
		const verdict = shopifyVerdict({
			headers: req.headers,
			rawBody: await rawBodyOf(req as never),
			secret: creds.appSecret,
			maxAgeMs: (options.maxAgeHours ?? 24) * 3600_000,
			now: Date.now(),
			topics: topicsOf(this),
		});
		const keepRaw = options.keepRaw ?? true;
		// a return webhook's body names the return: the return is read from Shopify and emitted in canonical form
		return respond(this, 'shopify', verdict, keepRaw, async (v) =>
			isReturnTopic(v.topic) ? returnItems(client, v.topic, v.body, v.bodyError, keepRaw) : [orderItem('shopify', v.topic, v.body, v.bodyError, keepRaw)],
		);
	}
}
