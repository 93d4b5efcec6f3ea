/**
 * Marketplace: the write side (and reconciliation reads) of every sales channel. Operations: Confirm Shipment, Set
 * Available Quantity (batched per channel the way each API allows: the client batches), Cancel Order or Lines,
 * Acknowledge (Walmart), Get Order, Get Orders Since. Channel: one fixed channel, or "From Item" (each item's
 * `channel`, else the prefix of its `omsId`), with a credential per channel selected on the node.
 *
 * Output: the input item with `marketplace: { operation, channel, channelOrderId, status, reference, ... }` added
 * (never rewritten), or canonical orders for the Get operations. A failure on one item (unknown order 404, a channel
 * that cannot cancel, a bad quantity) goes to the error output / continueOnFail for that item only; the clients
 * redact secrets from every error. The clients' token cache and limiters are shared by credential id.
 */
import { type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { normalizeOrder } from '../../lib/channels/normalize';
import { channelDefinition, type ChannelName } from '../../lib/channels/registry';
import type { CancelLineInput, ChannelClient, QuantityResult, QuantityUpdate, ShipmentLine } from '../../lib/channels/types';
import { sharedCoalescers } from '../../lib/channels/coalesce';
import { errorItem, InvalidItemError, itemParameter, withoutRaw } from '../shared/items';
import { CHANNEL_CREDENTIAL, CHANNEL_CREDENTIAL_TESTS, CHANNEL_LABEL, CHANNEL_OPTIONS, channelClient, isChannel } from '../shared/channels';
import { apiError } from '../shared/errors';
import { subtitle } from '../shared/subtitle';
import { byName, CHANNELS, description, FROM_ITEM } from './description';

export class Marketplace implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:marketplace.svg', dark: 'file:marketplace.dark.svg' },
		group: ['output'],
		subtitle: subtitle('{operation}: {channel}', {
			operation: {
				acknowledge: 'Acknowledge',
				cancel: 'Cancel Order or Lines',
				confirmShipment: 'Confirm Shipment',
				getOrder: 'Get Order',
				getOrdersSince: 'Get Orders Since',
				setQuantity: 'Set Available Quantity',
			},
			channel: Object.fromEntries([...CHANNEL_OPTIONS, FROM_ITEM].sort(byName).map((o) => [o.value, o.name])),
		}),
		// Not offered to AI agents: it cancels orders, confirms shipments and sets stock on the sales channels.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
		credentials: CHANNELS.map((ch) => ({
			name: CHANNEL_CREDENTIAL[ch],
			// optional: with Channel "From Item" only the channels that occur need one; a missing one is an item error
			required: false,
			testedBy: channelDefinition(ch)!.credentialTest,
			displayOptions: { show: { channel: [ch, 'fromItem'] } },
		})),
	};

	methods = { credentialTest: CHANNEL_CREDENTIAL_TESTS };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const channelParam = this.getNodeParameter('channel', 0) as string;
		const clients = new Map<ChannelName, Promise<ChannelClient>>();
		const client = (ch: ChannelName) => {
			let c = clients.get(ch);
			if (!c) {
				c = channelClient(this, ch);
				clients.set(ch, c);
				c.catch(() => clients.delete(ch));
			}
			return c;
		};
		const channelOf = (i: number): ChannelName => {
			if (channelParam !== 'fromItem') {
				if (!isChannel(channelParam)) throw new InvalidItemError(`Unknown channel "${channelParam}"`);
				return channelParam;
			}
			const j = items[i].json;
			const ch = typeof j.channel === 'string' ? j.channel : typeof j.omsId === 'string' ? j.omsId.split(':')[0] : undefined;
			if (!isChannel(ch)) throw new InvalidItemError(`Item has no known channel (channel: ${JSON.stringify(j.channel ?? null)}, omsId: ${JSON.stringify(j.omsId ?? null)}); expected one of ${CHANNELS.join(', ')}`);
			return ch;
		};
		const out: INodeExecutionData[] = [];
		// n8n merges the input item's fields (which SKU, which order) into an error-output item by its pairedItem
		const fail = (error: unknown, i: number): INodeExecutionData => errorItem(this, error, i);

		if (operation === 'setQuantity') {
			// batch across the input items per channel; results keep the input order
			const results: Array<INodeExecutionData | undefined> = new Array(items.length);
			const byChannel = new Map<ChannelName, Array<{ i: number; u: QuantityUpdate }>>();
			for (let i = 0; i < items.length; i++) {
				try {
					const ch = channelOf(i);
					const u = quantityUpdate(itemParameter(this, 'sku', i, items), itemParameter(this, 'quantity', i, items));
					const list = byChannel.get(ch) ?? [];
					list.push({ i, u });
					byChannel.set(ch, list);
				} catch (error) {
					results[i] = fail(error, i);
				}
			}
			const coalesce = (this.getNodeParameter('quantityOptions', 0, {}) as IDataObject).coalesce !== false;
			// the channels are independent accounts with their own limits: asked at the same time
			await Promise.all(
				[...byChannel].map(async ([ch, list]) => {
					let res: Array<QuantityResult & { superseded?: boolean }>;
					try {
						const c = await client(ch);
						res = coalesce
							? await sharedCoalescers.for(c.account).submit(list.map((x) => ({ update: x.u, basis: basisOf(items[x.i].json) })), (u) => c.setAvailableQuantities(u))
							: await c.setAvailableQuantities(list.map((x) => x.u));
					} catch (error) {
						for (const x of list) results[x.i] = fail(error, x.i);
						return;
					}
					list.forEach((x, k) => {
						const r = res[k];
						if (!r?.ok) {
							// the channel's status for this SKU (an HTTP refusal): n8n's NodeApiError with it
							const status = r?.status && r.status >= 400 ? r.status : null;
							const failure = status ? { status, vendorMessage: r?.error ?? null, code: `HTTP_${status}`, retryable: status === 429 || status >= 500 } : null;
							results[x.i] = fail(apiError(`${CHANNEL_LABEL[ch]} SKU ${x.u.sku}: quantity not accepted: ${r?.error ?? 'no result'}`, failure), x.i);
							return;
						}
						const m: IDataObject = { operation, channel: ch, sku: r.sku, quantity: r.quantity, ok: true, status: r.status ?? null, reference: r.reference ?? null };
						if (r.superseded) Object.assign(m, { superseded: true, requested: x.u.quantity });
						results[x.i] = { json: { ...items[x.i].json, marketplace: m }, pairedItem: { item: x.i } };
					});
				}),
			);
			return [results.filter((r): r is INodeExecutionData => r !== undefined)];
		}

		for (let i = 0; i < items.length; i++) {
			try {
				const ch = channelOf(i);
				const c = await client(ch);
				const json = items[i].json;
				if (operation === 'getOrdersSince') {
					out.push(...(await ordersSince(this, c, ch, i)));
					continue;
				}
				const channelOrderId = orderIdOf(this.getNodeParameter('channelOrderId', i, ''), json, ch);
				let result: IDataObject;
				switch (operation) {
					case 'confirmShipment': {
						const carrier = text(this.getNodeParameter('carrier', i, ''));
						const trackingNumber = text(this.getNodeParameter('trackingNumber', i, ''));
						if (!carrier) throw new InvalidItemError('Carrier is empty');
						if (!trackingNumber) throw new InvalidItemError('Tracking number is empty');
						const shippedAtText = text(this.getNodeParameter('shippedAt', i, ''));
						const shippedAt = shippedAtText ? new Date(shippedAtText) : new Date();
						if (Number.isNaN(shippedAt.getTime())) throw new InvalidItemError(`Shipped At is not a date: ${JSON.stringify(shippedAtText)}`);
						const o = this.getNodeParameter('shipmentOptions', i, {}) as IDataObject;
						const r = await c.confirmShipment({
							channelOrderId,
							carrier,
							trackingNumber,
							trackingUrl: text(this.getNodeParameter('trackingUrl', i, '')) || undefined,
							shippedAt: shippedAt.toISOString(),
							lines: linesOf(this.getNodeParameter('lines', i, []), 'Lines') as ShipmentLine[],
							shippingMethod: text(o.shippingMethod) || undefined,
							notifyCustomer: o.notifyCustomer === undefined ? undefined : o.notifyCustomer === true,
						});
						result = { status: r.status, reference: r.reference ?? null, carrier, trackingNumber };
						break;
					}
					case 'cancel': {
						const reason = text(this.getNodeParameter('reason', i, '')) || undefined;
						const scope = this.getNodeParameter('cancelScope', i) as string;
						const r =
							scope === 'lines'
								? await c.cancelLines(channelOrderId, linesOf(this.getNodeParameter('lines', i, []), 'Lines') as CancelLineInput[], reason)
								: await c.cancelOrder(channelOrderId, reason);
						result = { status: r.status, reference: r.reference ?? null, scope };
						break;
					}
					case 'acknowledge': {
						const r = await c.acknowledge(channelOrderId);
						const acknowledges = channelDefinition(ch)!.capabilities.acknowledge;
						result = { status: r.status, acknowledged: acknowledges, ...(acknowledges ? {} : { note: `${CHANNEL_LABEL[ch]} has no acknowledgement; nothing sent` }) };
						break;
					}
					case 'getOrder': {
						const raw = await c.getOrder(channelOrderId);
						const order = normalizeOrder(ch, raw);
						out.push({ json: withoutRaw(order, this.getNodeParameter('includeRaw', i, false) as boolean) as unknown as IDataObject, pairedItem: { item: i } });
						continue;
					}
					default:
						throw new InvalidItemError(`Unknown operation "${operation}"`);
				}
				out.push({ json: { ...json, marketplace: { operation, channel: ch, channelOrderId, ...result } }, pairedItem: { item: i } });
			} catch (error) {
				out.push(fail(error, i));
			}
		}
		return [out];
	}
}

async function ordersSince(ctx: IExecuteFunctions, c: ChannelClient, ch: ChannelName, i: number): Promise<INodeExecutionData[]> {
	const mode = ctx.getNodeParameter('sinceMode', i) as string;
	const includeRaw = ctx.getNodeParameter('includeRaw', i, false) as boolean;
	let cursor: string | null = null;
	let lookbackFrom: string | undefined;
	if (mode === 'cursor') {
		cursor = text(ctx.getNodeParameter('cursor', i, '')) || null;
		if (!cursor) throw new InvalidItemError('Cursor is empty (use Since: Time for a first run)');
	} else {
		const since = text(ctx.getNodeParameter('since', i, ''));
		const t = Date.parse(since);
		if (Number.isNaN(t)) throw new InvalidItemError(`Since Time is not a date: ${JSON.stringify(since)}`);
		lookbackFrom = new Date(t).toISOString();
	}
	const r = await c.listOrdersSince(cursor, { lookbackFrom });
	const orders = r.orders.map((raw) => withoutRaw(normalizeOrder(ch, raw), includeRaw) as unknown as IDataObject);
	if (ctx.getNodeParameter('output', i, 'orders') === 'page') {
		return [{ json: { channel: ch, cursor: r.cursor, count: orders.length, pages: r.pages, orders }, pairedItem: { item: i } }];
	}
	return orders.map((json) => ({ json, pairedItem: { item: i } }));
}

/** The item's `basis` (sum of stock versions its quantity came from), when it has a usable one */
function basisOf(json: IDataObject): number | undefined {
	const b = json.basis;
	return typeof b === 'number' && Number.isFinite(b) ? b : undefined;
}

function text(v: unknown): string {
	return v === undefined || v === null ? '' : String(v).trim();
}

/** The channel order id from the parameter, else the item's omsId (`channel:id`) */
function orderIdOf(param: unknown, json: IDataObject, ch: ChannelName): string {
	const id = text(param);
	if (id) return id;
	if (typeof json.omsId === 'string' && json.omsId.startsWith(`${ch}:`)) return json.omsId.slice(ch.length + 1);
	throw new InvalidItemError('Channel Order ID is empty and the item has no omsId of this channel');
}

function linesOf(v: unknown, what: string): Array<{ lineId: string; sku?: string; quantity: number }> {
	let arr = v;
	if (typeof arr === 'string') {
		if (!arr.trim()) return [];
		arr = parseJson(arr);
		if (arr === undefined) throw new InvalidItemError(`${what} is not JSON`);
	}
	if (arr === undefined || arr === null) return [];
	if (!Array.isArray(arr)) throw new InvalidItemError(`${what} must be an array of {lineId, sku, quantity}`);
	return arr.map((l, k) => {
		const o = (l ?? {}) as IDataObject;
		const lineId = text(o.lineId);
		const quantity = Number(o.quantity);
		if (!lineId) throw new InvalidItemError(`${what}[${k}].lineId is empty`);
		if (!Number.isInteger(quantity) || quantity <= 0) throw new InvalidItemError(`${what}[${k}].quantity must be a whole number above 0, got ${JSON.stringify(o.quantity)}`);
		return { lineId, ...(o.sku !== undefined && o.sku !== null ? { sku: String(o.sku) } : {}), quantity };
	});
}

function parseJson(s: string): unknown {
	try {
		return JSON.parse(s) as unknown;
	} catch {
		return undefined;
	}
}

function quantityUpdate(sku: unknown, quantity: unknown): QuantityUpdate {
	const s = text(sku);
	if (!s) throw new InvalidItemError('SKU is empty');
	const q = typeof quantity === 'number' ? quantity : Number(text(quantity));
	if (text(quantity) === '' || !Number.isInteger(q) || q < 0) throw new InvalidItemError(`SKU ${s}: quantity must be a whole number, 0 or more, got ${JSON.stringify(quantity)}`);
	return { sku: s, quantity: q };
}
