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
import type { CancelLineInput, ChannelClient, QuantityUpdate, ShipmentLine } from '../../lib/channels/types';
import { sharedCoalescers } from '../../lib/channels/coalesce';
import { awaitsAcknowledgement } from '../../lib/flows/acknowledge-orders';
import { getReturnsSince } from '../../lib/flows/get-returns';
import { EXCHANGE_CHANNEL } from '../../lib/flows/exchange-return';
import { acknowledgeOrders, confirmShipment, pushQuantitiesInBackground, pushQuantities, sharedQuantityDrains, resendFailedChannelCalls, retryChannelCalls, type ChannelCallOptions, type ChannelCallResult } from '../../lib/flows/channel-calls';
import { errorItem, InvalidItemError, itemParameter, withoutRaw } from '../shared/items';
import { CHANNEL_CREDENTIAL, CHANNEL_CREDENTIAL_TESTS, CHANNEL_LABEL, CHANNEL_OPTIONS, channelClient, isChannel } from '../shared/channels';
import { apiError } from '../shared/errors';
import { getStore, omsStoreConnectionTest } from '../shared/store';
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
				getReturnsSince: 'Get Returns Since',
				resendFailed: 'Resend Failed',
				retryPending: 'Retry Pending',
				setQuantity: 'Set Available Quantity',
			},
			channel: Object.fromEntries([...CHANNEL_OPTIONS, FROM_ITEM].sort(byName).map((o) => [o.value, o.name])),
		}),
		// Not offered to AI agents: it cancels orders, confirms shipments and sets stock on the sales channels.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
		credentials: [
			...CHANNELS.map((ch) => ({
				name: CHANNEL_CREDENTIAL[ch],
				// optional: with Channel "From Item" only the channels that occur need one; a missing one is an item error
				required: false,
				testedBy: channelDefinition(ch)!.credentialTest,
				displayOptions: { show: { channel: [ch, 'fromItem'] } },
			})),
			// the channel outbox (Confirm Shipment, Set Available Quantity, Retry Pending); without it, the embedded store
			{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' },
		],
	};

	methods = { credentialTest: { ...CHANNEL_CREDENTIAL_TESTS, omsStoreConnectionTest } as typeof CHANNEL_CREDENTIAL_TESTS };

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

		const outbox = () => {
			const o = this.getNodeParameter('outbox', 0, {}) as IDataObject;
			return {
				backoff: { baseMs: Math.max(0, Number(o.backoffBaseSeconds ?? 30)) * 1000, maxAttempts: Math.max(1, Math.floor(Number(o.maxAttempts ?? 8))) },
				cause: `${this.getNode().name} (${operation})`,
			} satisfies ChannelCallOptions;
		};
		const quantityOptions = operation === 'setQuantity' ? (this.getNodeParameter('quantityOptions', 0, {}) as IDataObject) : {};
		const coalesce = operation === 'setQuantity' && quantityOptions.coalesce !== false;
		/** Wait for the Channel off: queued in the outbox, sent by the process's drain for the account */
		const background = quantityOptions.waitForChannel === false;
		/** Send Newest Only: the quantities of executions running at the same time share calls */
		const send = (c: ChannelClient): ChannelCallOptions['sendQuantities'] =>
			coalesce ? (u) => sharedCoalescers.for(c.account).submit(u.map((x) => ({ update: x.update, basis: x.basis ?? undefined })), (v) => c.setAvailableQuantities(v)) : undefined;

		if (operation === 'retryPending') {
			// once per execution, not per input item: the due calls of the node's channel (From Item: of every channel
			// whose credential is selected), each channel's own only
			const store = await getStore(this);
			const limit = Number(this.getNodeParameter('limit', 0, 500)) || 500;
			const channels = channelParam === 'fromItem' ? CHANNELS.filter((ch) => this.getNode().credentials?.[CHANNEL_CREDENTIAL[ch]]) : [channelOf(0)];
			for (const ch of channels) {
				try {
					const c = await client(ch);
					const s = await retryChannelCalls(store, c, { ...outbox(), limit, sendQuantities: send(c) });
					for (const r of s.results) out.push({ json: { operation, ...callJson(r) }, pairedItem: { item: 0 } });
				} catch (error) {
					out.push(fail(error, 0));
				}
			}
			return [out];
		}

		if (operation === 'setQuantity') {
			// batch across the input items per channel, each channel's quantities through its outbox; results keep the input order
			const store = await getStore(this);
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
			// the channels are independent accounts with their own limits: asked at the same time
			await Promise.all(
				[...byChannel].map(async ([ch, list]) => {
					let res: Awaited<ReturnType<typeof pushQuantities>>;
					try {
						const c = await client(ch);
						const pushes = list.map((x) => ({ ...x.u, basis: basisOf(items[x.i].json) ?? null }));
						res = background ? await pushQuantitiesInBackground(store, c, pushes, sharedQuantityDrains, outbox()) : await pushQuantities(store, c, pushes, { ...outbox(), sendQuantities: send(c) });
					} catch (error) {
						for (const x of list) results[x.i] = fail(error, x.i);
						return;
					}
					list.forEach((x, k) => {
						const r = res[k];
						if (r.outcome === 'invalid') {
							results[x.i] = fail(r.error, x.i);
							return;
						}
						if (r.outcome === 'failed') {
							// refused (the channel's status for this SKU: n8n's NodeApiError with it), or out of attempts
							results[x.i] = fail(apiError(`${CHANNEL_LABEL[ch]} SKU ${x.u.sku}: ${r.error ?? 'failed'}`, r.failure), x.i);
							return;
						}
						const call = r.call;
						const m: IDataObject = {
							operation,
							channel: ch,
							sku: x.u.sku,
							quantity: x.u.quantity,
							ok: r.outcome === 'sent' || r.outcome === 'already_sent',
							status: r.status ?? null,
							reference: r.reference,
							outcome: r.outcome,
						};
						// replaced by a newer quantity of the SKU (one owed or sent, or later in this batch): that one stands
						if (r.outcome === 'superseded' || r.outcome === 'older') Object.assign(m, { ok: true, superseded: true, requested: x.u.quantity, quantity: call?.quantity ?? x.u.quantity });
						if (r.outcome === 'queued' || r.outcome === 'retry_scheduled') Object.assign(m, { owed: true, attempts: call?.attempts ?? 0, nextAttemptAt: call?.nextAttemptAt ?? null, error: r.error });
						results[x.i] = { json: { ...items[x.i].json, marketplace: m }, pairedItem: { item: x.i } };
					});
				}),
			);
			return [results.filter((r): r is INodeExecutionData => r !== undefined)];
		}

		for (let i = 0; i < items.length; i++) {
			try {
				const json = items[i].json;
				if (operation === 'confirmShipment' && channelParam === 'fromItem' && json.channel === EXCHANGE_CHANNEL) {
					// an exchange's replacement order (OMS Returns > Exchange): no marketplace has it, so nothing is owed
					out.push({ json: { ...json, marketplace: { operation, channel: EXCHANGE_CHANNEL, outcome: 'not_owed', why: 'a replacement order of an exchange: no channel has it to confirm' } }, pairedItem: { item: i } });
					continue;
				}
				const ch = channelOf(i);
				const c = await client(ch);
				if (operation === 'getOrdersSince') {
					out.push(...(await ordersSince(this, c, ch, i, outbox())));
					continue;
				}
				if (operation === 'getReturnsSince') {
					out.push(...(await returnsSince(this, c, i)));
					continue;
				}
				if (operation === 'resendFailed') {
					// a person fixed the cause: the call (or the order's failed confirmations) sent again, once; one item per call
					const callIdText = text(this.getNodeParameter('callId', i, ''));
					const callId = callIdText ? Number(callIdText) : null;
					if (callIdText && !(Number.isSafeInteger(callId) && callId! > 0)) throw new InvalidItemError(`Call ID must be a whole number above 0, got ${JSON.stringify(callIdText)}`);
					const omsId = text(this.getNodeParameter('resendOmsId', i, ''));
					const by = text(this.getNodeParameter('author', i, 'n8n')) || 'n8n';
					const note = text(this.getNodeParameter('note', i, '')) || null;
					const results = await resendFailedChannelCalls(await getStore(this), c, { callId, omsId }, { ...outbox(), by, note });
					for (const r of results) {
						if (r.outcome === 'failed') {
							const what =
								r.call?.kind === 'quantity'
									? `SKU ${r.call.sku}`
									: r.call?.kind === 'acknowledgement'
										? `acknowledgement of ${r.call.omsId}`
										: r.call?.kind === 'cancel_answer'
											? `answer to the buyer's cancel request of ${r.call.omsId}`
											: r.call?.kind === 'refund'
												? `refund of return ${String(r.call.payload?.returnId)}`
												: `confirmation of ${r.call?.omsId} (package ${r.call?.packageKey})`;
							out.push(fail(apiError(`${CHANNEL_LABEL[ch]} ${what} failed again: ${r.error ?? 'failed'}`, r.failure), i));
							continue;
						}
						out.push({ json: { ...json, marketplace: { operation, ...callJson(r), by, ...(note ? { note } : {}) } }, pairedItem: { item: i } });
					}
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
						const omsId = typeof json.omsId === 'string' && json.omsId.startsWith(`${ch}:`) ? json.omsId : `${ch}:${channelOrderId}`;
						const packageKey = text(itemParameter(this, 'packageKey', i, items)) || trackingNumber;
						const store = await getStore(this);
						const r = await confirmShipment(
							store,
							c,
							{
								omsId,
								packageKey,
								confirmation: {
									channelOrderId,
									carrier,
									trackingNumber,
									...(text(this.getNodeParameter('trackingUrl', i, '')) ? { trackingUrl: text(this.getNodeParameter('trackingUrl', i, '')) } : {}),
									shippedAt: shippedAt.toISOString(),
									lines: linesOf(this.getNodeParameter('lines', i, []), 'Lines') as ShipmentLine[],
									...(text(o.shippingMethod) ? { shippingMethod: text(o.shippingMethod) } : {}),
									...(o.notifyCustomer === undefined ? {} : { notifyCustomer: o.notifyCustomer === true }),
								},
							},
							outbox(),
						);
						if (r.outcome === 'failed') {
							throw apiError(`${CHANNEL_LABEL[ch]} confirmation of ${omsId} (package ${packageKey}) failed${r.call && r.call.attempts > 1 ? ` after ${r.call.attempts} attempts` : ''}: ${r.error ?? 'failed'}`, r.failure);
						}
						result = { status: r.status ?? null, reference: r.reference, carrier, trackingNumber, omsId, packageKey, outcome: r.outcome };
						if (r.outcome === 'queued' || r.outcome === 'retry_scheduled') Object.assign(result, { owed: true, attempts: r.call?.attempts ?? 0, nextAttemptAt: r.call?.nextAttemptAt ?? null, error: r.error });
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

async function ordersSince(ctx: IExecuteFunctions, c: ChannelClient, ch: ChannelName, i: number, outbox: ChannelCallOptions): Promise<INodeExecutionData[]> {
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
	if (ctx.getNodeParameter('acknowledge', i, false) === true) {
		// Walmart: every listed order with a line still Created (the others, and the other channels: no call), through
		// the channel outbox: owed once per order (one the Walmart Order Trigger queued is not queued again), sent now
		// unless sent, failed for good (Attention queue, Resend Failed) or held by another sender. It never fails the item.
		if (orders.some((o) => awaitsAcknowledgement(c, o))) {
			(await acknowledgeOrders(await getStore(ctx), c, orders, outbox)).forEach((r, k) => {
				if (r) orders[k].acknowledgement = { ok: r.outcome === 'sent' || r.outcome === 'already_sent' || r.outcome === 'found_at_channel', ...callJson(r) };
			});
		}
	}
	if (ctx.getNodeParameter('output', i, 'orders') === 'page') {
		return [{ json: { channel: ch, cursor: r.cursor, count: orders.length, pages: r.pages, orders }, pairedItem: { item: i } }];
	}
	return orders.map((json) => ({ json, pairedItem: { item: i } }));
}

/**
 * Get Returns Since: one item per canonical return (the channel's payload in `raw` only when asked), and one error
 * item per return that could not be normalised; the cursor moves on in the store after the listing (Stored Cursor).
 */
async function returnsSince(ctx: IExecuteFunctions, c: ChannelClient, i: number): Promise<INodeExecutionData[]> {
	const from = ctx.getNodeParameter('returnsSinceMode', i, 'stored') as 'stored' | 'time';
	const includeRaw = ctx.getNodeParameter('includeRaw', i, false) as boolean;
	const r = await getReturnsSince(from === 'stored' ? await getStore(ctx) : null, c, { from, since: text(ctx.getNodeParameter('returnsSince', i, '')) });
	return r.results.map((x) => (x.ok ? { json: withoutRaw(x.ret, includeRaw) as unknown as IDataObject, pairedItem: { item: i } } : errorItem(ctx, x.error, i)));
}

/** One Retry Pending result: what the call was, what became of it */
function callJson(r: ChannelCallResult): IDataObject {
	const c = r.call;
	return {
		channel: r.channel,
		callId: c?.id ?? null,
		kind: c?.kind ?? null,
		...(c?.kind === 'confirmation'
			? { omsId: c.omsId, packageKey: c.packageKey, trackingNumber: (c.payload?.trackingNumber as string | undefined) ?? null }
			: c?.kind === 'acknowledgement'
				? { omsId: c.omsId, channelOrderId: (c.payload?.channelOrderId as string | undefined) ?? null }
				: c?.kind === 'cancel_answer'
					? { omsId: c.omsId, channelOrderId: (c.payload?.channelOrderId as string | undefined) ?? null, decision: (c.payload?.decision as string | undefined) ?? null }
				: c?.kind === 'refund'
					? { omsId: c.omsId, returnId: (c.payload?.returnId as string | undefined) ?? null, channelOrderId: (c.payload?.channelOrderId as string | undefined) ?? null }
				: { sku: c?.sku ?? null, quantity: c?.quantity ?? null }),
		outcome: r.outcome,
		status: c?.status ?? null,
		attempts: c?.attempts ?? 0,
		nextAttemptAt: c?.nextAttemptAt ?? null,
		reference: r.reference,
		error: r.error,
	};
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
