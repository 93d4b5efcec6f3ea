import { randomBytes } from 'node:crypto';
import {
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { wooCommerceFromNode } from '../shared/channel-client';
import { channelCredentialTests } from '../shared/channels';
import { omsStoreConnectionTest } from '../shared/store';
import { nodeError, orNodeError } from '../shared/errors';
import { rawBodyOf, respond, sha256, wooVerdict } from '../shared/webhooks';
import { listSubtitle } from '../shared/subtitle';
import { description } from './description';

const TOPICS = ['order.created', 'order.updated'];

function topicsOf(ctx: IHookFunctions | IWebhookFunctions): string[] {
	const t = ctx.getNodeParameter('topics', TOPICS) as string[];
	return [...new Set((t.length ? t : TOPICS).map((x) => x.toLowerCase()))];
}

/** The secret deliveries are signed with: the credential's, else the one this trigger made when it registered. */
function secretOf(credSecret: string | undefined, data: IDataObject): string | undefined {
	return credSecret ?? (typeof data.secret === 'string' ? data.secret : undefined);
}

/**
 * WooCommerce orders as they happen: registers order.created / order.updated webhooks when the workflow is
 * activated (removes them when deactivated), answers WooCommerce's ping, checks X-WC-Webhook-Signature over the
 * raw body, drops repeats of the same order version, and emits one canonical order per delivery.
 */
export class WooCommerceOrderTrigger implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:wooCommerceOrderTrigger.svg', dark: 'file:wooCommerceOrderTrigger.dark.svg' },
		group: ['trigger'],
		subtitle: listSubtitle('topics', { 'order.created': 'Order Created', 'order.updated': 'Order Updated' }),
		credentials: [{ name: 'omsWooCommerceApi', required: true, testedBy: 'wooCommerceApiTest' }, { name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
	};

	methods = {
		credentialTest: channelCredentialTests('woocommerce', { omsStoreConnectionTest }),
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return orNodeError(this, async () => {
					const url = this.getNodeWebhookUrl('default') as string;
					const topics = topicsOf(this);
					const data = this.getWorkflowStaticData('node');
					const { creds, webhooks } = await wooCommerceFromNode(this);
					const secret = secretOf(creds.webhookSecret, data);
					// the secret is write-only at WooCommerce: webhooks made with another secret cannot be checked, so they are replaced
					if (!secret || data.secretHash !== sha256(secret)) return false;
					const mine = (await webhooks.list()).filter((w) => w.deliveryUrl === url && w.status === 'active');
					if (!topics.every((t) => mine.some((w) => w.topic === t))) return false;
					data.webhookIds = Object.fromEntries(topics.map((t) => [t, mine.find((w) => w.topic === t)!.id]));
					return true;
				});
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return orNodeError(this, async () => {
					const url = this.getNodeWebhookUrl('default') as string;
					const topics = topicsOf(this);
					const data = this.getWorkflowStaticData('node');
					const { creds, webhooks } = await wooCommerceFromNode(this);
					// replace what is at this URL (unknown secret, paused or disabled after failures)
					for (const w of (await webhooks.list()).filter((x) => x.deliveryUrl === url)) await webhooks.delete(w.id);
					if (creds.webhookSecret) delete data.secret;
					else if (typeof data.secret !== 'string') data.secret = randomBytes(32).toString('base64');
					const secret = secretOf(creds.webhookSecret, data) as string;
					data.secretHash = sha256(secret);
					const ids: Record<string, number> = {};
					for (const t of topics) ids[t] = (await webhooks.create(t, url, secret, `n8n OMS ${t}`)).id;
					data.webhookIds = ids;
					return true;
				});
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				const stored = Object.values((data.webhookIds ?? {}) as IDataObject).map((v) => Number(v));
				const { webhooks } = await wooCommerceFromNode(this);
				try {
					const url = this.getNodeWebhookUrl('default') as string;
					const strays = (await webhooks.list()).filter((w) => w.deliveryUrl === url).map((w) => w.id);
					for (const id of new Set([...stored, ...strays])) await webhooks.delete(id);
				} catch (error) {
					this.logger.warn(`WooCommerce Order Trigger: could not remove the webhooks: ${nodeError(this, error).message}`);
					return false;
				}
				delete data.webhookIds;
				delete data.secret;
				delete data.secretHash;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const options = this.getNodeParameter('options', {}) as { keepRaw?: boolean };
		const { creds } = await wooCommerceFromNode(this);
		const verdict = wooVerdict({
			headers: req.headers,
			rawBody: await rawBodyOf(req as never),
			secret: secretOf(creds.webhookSecret, this.getWorkflowStaticData('node')),
			topics: topicsOf(this),
		});
		return respond(this, 'woocommerce', verdict, options.keepRaw ?? true);
	}
}
