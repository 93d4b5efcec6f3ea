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
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { normalizeOrder } from '../../lib/channels/normalize';
import { CHANNEL_REGISTRY, channelDefinition, type ChannelName } from '../../lib/channels/registry';
import type { CancelLineInput, ChannelClient, QuantityResult, QuantityUpdate, ShipmentLine } from '../../lib/channels/types';
import { sharedCoalescers } from '../../lib/channels/coalesce';
import { errorItem, InvalidItemError, itemParameter, withoutRaw } from '../shared/items';
import { CHANNEL_CREDENTIAL, CHANNEL_CREDENTIAL_TESTS, CHANNEL_LABEL, CHANNEL_OPTIONS, channelClient, isChannel } from '../shared/channels';
import { apiError } from '../shared/errors';
import { subtitle } from '../shared/subtitle';

/** Every registered channel, in the order of its options (by name) */
const CHANNELS = CHANNEL_OPTIONS.map((o) => o.value as ChannelName);
const FROM_ITEM = { name: 'From Item', value: 'fromItem', description: "Each item's channel field (or its omsId prefix), with the credential of that channel" };
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' });

/** "A, B and C" */
function and(words: string[]): string {
	return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

const orderIdField = (ops: string[]): INodeProperties => ({
	displayName: 'Channel Order ID',
	name: 'channelOrderId',
	type: 'string',
	default: '={{ $json.channelOrderId }}',
	description: `The channel's order ID (${CHANNELS.map((c) => channelDefinition(c)!.words.orderId).join(', ')}). Empty: taken from the item's omsId.`,
	displayOptions: { show: { operation: ops } },
});

const linesField = (ops: string[], extra: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: 'Lines',
	name: 'lines',
	type: 'json',
	default: '={{ $json.lines }}',
	description: `JSON array of {lineId, sku, quantity}: the channel's line IDs (${CHANNELS.map((c) => channelDefinition(c)!.words.lineId).join(', ')})`,
	displayOptions: { show: { operation: ops } },
	...extra,
});

export class Marketplace implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketplace',
		name: 'marketplace',
		icon: { light: 'file:marketplace.svg', dark: 'file:marketplace.dark.svg' },
		group: ['output'],
		version: 1,
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
		description:
			`Send tracking and quantities back to ${and(CHANNEL_REGISTRY.map((c) => c.label))}, cancel or acknowledge orders, and read orders for reconciliation`,
		defaults: { name: 'Marketplace' },
		// Not offered to AI agents: it cancels orders, confirms shipments and sets stock on the sales channels.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: CHANNELS.map((ch) => ({
			name: CHANNEL_CREDENTIAL[ch],
			// optional: with Channel "From Item" only the channels that occur need one; a missing one is an item error
			required: false,
			testedBy: channelDefinition(ch)!.credentialTest,
			displayOptions: { show: { channel: [ch, 'fromItem'] } },
		})),
		properties: [
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'options',
				noDataExpression: true,
				options: [...CHANNEL_OPTIONS, FROM_ITEM].sort(byName),
				default: 'shopify',
			},
			{
				displayName:
					'From Item: select the credential of every channel that can appear in the items; an item of a channel without one goes to the error output',
				name: 'fromItemNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { channel: ['fromItem'] } },
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Acknowledge', value: 'acknowledge', description: 'Acknowledge a released Walmart order (other channels: nothing to do)', action: 'Acknowledge an order' },
					{ name: 'Cancel Order or Lines', value: 'cancel', description: 'Cancel the whole order or some of its lines on the channel', action: 'Cancel an order or lines' },
					{ name: 'Confirm Shipment', value: 'confirmShipment', description: 'Send carrier and tracking for shipped lines', action: 'Confirm a shipment' },
					{ name: 'Get Order', value: 'getOrder', description: 'Get one order as a canonical order', action: 'Get an order' },
					{
						name: 'Get Orders Since',
						value: 'getOrdersSince',
						description: 'Every order created or changed since a time or cursor, paged to the end, as canonical orders (reconciliation)',
						action: 'Get orders since',
					},
					{
						name: 'Set Available Quantity',
						value: 'setQuantity',
						description: 'Publish available quantities per SKU, batched per channel',
						action: 'Set available quantities',
					},
				],
				default: 'confirmShipment',
			},
			// ---- Confirm Shipment
			orderIdField(['confirmShipment', 'cancel', 'acknowledge', 'getOrder']),
			{
				displayName: 'Carrier',
				name: 'carrier',
				type: 'string',
				default: '={{ $json.carrier }}',
				description: 'Carrier name, e.g. UPS, USPS, FedEx, DHL (mapped to each channel’s carrier codes; others are sent as free text)',
				displayOptions: { show: { operation: ['confirmShipment'] } },
			},
			{
				displayName: 'Tracking Number',
				name: 'trackingNumber',
				type: 'string',
				default: '={{ $json.trackingNumber }}',
				displayOptions: { show: { operation: ['confirmShipment'] } },
			},
			{
				displayName: 'Tracking URL',
				name: 'trackingUrl',
				type: 'string',
				default: '={{ $json.trackingUrl }}',
				displayOptions: { show: { operation: ['confirmShipment'] } },
			},
			{
				displayName: 'Shipped At',
				name: 'shippedAt',
				type: 'string',
				default: '={{ $json.shippedAt }}',
				description: 'ISO 8601 time the parcel left the warehouse (empty: now)',
				displayOptions: { show: { operation: ['confirmShipment'] } },
			},
			linesField(['confirmShipment']),
			{
				displayName: 'Shipment Options',
				name: 'shipmentOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { operation: ['confirmShipment'] } },
				options: [
					{
						displayName: 'Shipping Method',
						name: 'shippingMethod',
						type: 'string',
						default: '',
						description: 'Carrier service (Amazon shippingMethod, Walmart methodCode), e.g. Ground',
					},
					{ displayName: 'Notify Customer', name: 'notifyCustomer', type: 'boolean', default: true, description: 'Whether the channel should email the buyer (where it lets the seller choose)' },
				],
			},
			// ---- Set Available Quantity
			{
				displayName: 'SKU',
				name: 'sku',
				type: 'string',
				default: '={{ $json.sku }}',
				displayOptions: { show: { operation: ['setQuantity'] } },
			},
			{
				displayName: 'Quantity',
				name: 'quantity',
				type: 'string',
				default: '={{ $json.quantity }}',
				description: 'Available quantity to publish (a whole number, 0 or more)',
				displayOptions: { show: { operation: ['setQuantity'] } },
			},
			{
				displayName: 'Options',
				name: 'quantityOptions',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { operation: ['setQuantity'] } },
				options: [
					{
						displayName: 'Send Newest Only',
						name: 'coalesce',
						type: 'boolean',
						default: true,
						description:
							'Whether quantities for the same account from executions running at the same time share calls: while one call is out, later quantities wait and only the newest per SKU is sent next (each item still waits for the channel’s answer; a replaced one is marked superseded). Of two waiting quantities for a SKU, the one with the higher numeric "basis" (Reserve Stock and Sync Stock add it) wins, else the later one.',
					},
				],
			},
			// ---- Cancel
			{
				displayName: 'Cancel',
				name: 'cancelScope',
				type: 'options',
				options: [
					{ name: 'Whole Order', value: 'order' },
					{ name: 'Some Lines', value: 'lines' },
				],
				default: 'order',
				displayOptions: { show: { operation: ['cancel'] } },
			},
			linesField(['cancel'], { displayOptions: { show: { operation: ['cancel'], cancelScope: ['lines'] } } }),
			{
				displayName: 'Reason',
				name: 'reason',
				type: 'string',
				default: '',
				description: "The channel's cancel reason code (empty: each channel's out-of-stock or seller reason)",
				displayOptions: { show: { operation: ['cancel'] } },
			},
			// ---- Get Orders Since
			{
				displayName: 'Since',
				name: 'sinceMode',
				type: 'options',
				options: [
					{ name: 'Time', value: 'time', description: 'Orders changed since a time (e.g. two hours ago, for an hourly reconciliation)' },
					{ name: 'Cursor', value: 'cursor', description: 'A cursor a previous run returned (Output: Page)' },
				],
				default: 'time',
				displayOptions: { show: { operation: ['getOrdersSince'] } },
			},
			{
				displayName: 'Since Time',
				name: 'since',
				type: 'string',
				default: '={{ $now.minus({ hours: 2 }).toISO() }}',
				description: 'ISO 8601 time',
				displayOptions: { show: { operation: ['getOrdersSince'], sinceMode: ['time'] } },
			},
			{
				displayName: 'Cursor',
				name: 'cursor',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['getOrdersSince'], sinceMode: ['cursor'] } },
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'One Item per Order', value: 'orders', description: 'Canonical orders, ready for OMS Order Record' },
					{ name: 'Page', value: 'page', description: 'One item: {channel, cursor, count, pages, orders}; store the cursor for the next run' },
				],
				default: 'orders',
				displayOptions: { show: { operation: ['getOrdersSince'] } },
			},
			{
				displayName: 'Include Raw Payload',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to keep the channel’s order exactly as the API sent it in "raw"',
				displayOptions: { show: { operation: ['getOrder', 'getOrdersSince'] } },
			},
		],
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
