/**
 * The refund calls of the channel clients (ChannelClient.refundReturn / findRefund) against the sandboxes, which serve
 * them as the documented APIs would and record what they received: Shopify refundCreate @idempotent(key: the OMS
 * return id), WooCommerce POST /orders/{id}/refunds (api_refund true, api_restock false, the OMS return id in the
 * refund's meta), eBay Post-Order issue_refund on eBay's own return, Walmart POST /v3/returns/{id}/refund by the
 * return's lines, Amazon's payment adjustment feed. Each refund reaches the channel once with the return's lines and amounts, found again by
 * findRefund, and a refusal is a refusal (not retried, nothing made). Client and sandbox share one virtual clock.
 */
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/shopify';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../sandbox/channels/woocommerce';
import { EbaySandbox, EBAY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/ebay';
import { WalmartSandbox, WALMART_SANDBOX_CREDENTIALS } from '../../sandbox/channels/walmart';
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS, itemIdOf } from '../../sandbox/channels/amazon';
import { generateOrders, type SeedOrder } from '../../sandbox/generator';
import { isolated, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { createChannelClient } from '../../../lib/channels/clients';
import { channelReturns } from '../../../lib/channels/registry';
import type { ChannelClient, RefundInput } from '../../../lib/channels/types';
import { toMinor } from '../../../lib/order/money';
import { isRetryable } from '../../../lib/wms/outbox';

const TS = 0.01;

/** A refund of one unit of the order's first line at its price, and `shipping` of the order's shipping */
function refundOf(o: SeedOrder, lineId: string, returnId: string, shippingMinor = 0): RefundInput {
	const amountMinor = toMinor(o.lines[0].unitPrice, o.currency);
	return {
		channelOrderId: o.id,
		channelReturnId: returnId.split(':')[1],
		idempotencyKey: returnId,
		currency: o.currency,
		lines: [{ lineId, quantity: 1, amountMinor, taxMinor: 0, restockingFeeMinor: 0 }],
		shippingMinor,
		returnShippingFeeMinor: 0,
		totalMinor: amountMinor + shippingMinor,
		reason: `OMS return ${returnId}`,
	};
}

const paidShipped = (orders: SeedOrder[]) => orders.filter((o) => o.status === 'shipped' && o.lines[0].unitPrice > 0);

type Sandbox = { start(): Promise<string>; close(): Promise<void>; addOrders(o: SeedOrder[]): void };
/** The channel's sandbox started with paid, shipped orders and a client on it (one attempt a call), on one virtual clock */
function onSandbox(ch: 'shopify' | 'woocommerce' | 'ebay' | 'walmart' | 'amazon', make: (clock: VirtualClock) => Sandbox, creds: (url: string) => object) {
	const clock = new VirtualClock();
	const sb = make(clock);
	const ctx = { orders: paidShipped(generateOrders({ seed: 41, perChannel: 60, channels: [ch] }).byChannel[ch]), client: null as unknown as ChannelClient };
	beforeAll(async () => {
		const url = await sb.start();
		sb.addOrders(ctx.orders);
		ctx.client = createChannelClient(ch, creds(url) as never, clock.track(realRequest), isolated(TS, { clock, retry: { timeScale: TS, maxAttempts: 1 } }));
	});
	afterAll(() => sb.close());
	return ctx;
}

describe('Shopify refunds against the sandbox', () => {
	let sb!: ShopifySandbox;
	const ctx = onSandbox('shopify', (clock) => (sb = new ShopifySandbox({ timeScale: TS, clock })), (url) => ({ ...SHOPIFY_SANDBOX_CREDENTIALS, apiVersion: '2026-04', baseUrl: url }));
	const orders = ctx.orders;

	it('refunds a return once with its key, lines (no restock: the WMS owns stock), shipping and the amount; found again by its note', async () => {
		const o = orders[0];
		const input = refundOf(o, sb.lineItemId(o, 0), 'shopify:R-1', toMinor(o.shippingCost, o.currency));
		expect(await ctx.client.findRefund!(input)).toBeNull();
		const made = await ctx.client.refundReturn!(input);
		expect(made.refundId).toMatch(/^gid:\/\/shopify\/Refund\/\d+$/);
		expect(sb.received.refunds).toHaveLength(1);
		expect(sb.received.refunds[0].key).toBe('shopify:R-1');
		expect(sb.received.refunds[0].input).toMatchObject({
			orderId: `gid://shopify/Order/${o.id}`,
			note: 'OMS return shopify:R-1',
			refundLineItems: [{ lineItemId: `gid://shopify/LineItem/${sb.lineItemId(o, 0)}`, quantity: 1, restockType: 'NO_RESTOCK' }],
			shipping: { amount: o.shippingCost.toFixed(2) },
			transactions: [{ orderId: `gid://shopify/Order/${o.id}`, parentId: `gid://shopify/OrderTransaction/${o.id}0`, gateway: 'shopify_payments', kind: 'REFUND', amount: ((input.totalMinor) / 100).toFixed(2) }],
		});
		expect(sb.refunds.get(o.id)!.map((r) => r.amount)).toEqual([input.totalMinor / 100]);
		expect(await ctx.client.findRefund!(input)).toEqual({ refundId: made.refundId });
		// the same key again (an answer lost in between): Shopify replays the first refund, makes none
		expect(await ctx.client.refundReturn!(input)).toEqual(made);
		expect(sb.refunds.get(o.id)).toHaveLength(1);
	});

	it('a refund Shopify refuses is a refusal with its words, not retried, and nothing is made', async () => {
		const o = orders[1];
		const input = refundOf(o, sb.lineItemId(o, 0), 'shopify:R-2');
		sb.failRefunds(1, 'Refund failed: the payment provider declined the refund.');
		const err = await ctx.client.refundReturn!(input).then(
			() => null,
			(e: unknown) => e as Error & { status?: number },
		);
		expect(err?.message).toBe('Shopify refundCreate for return shopify:R-2: Refund failed: the payment provider declined the refund.');
		expect(isRetryable(err)).toBe(false);
		expect(sb.refunds.get(o.id) ?? []).toEqual([]);
		expect(await ctx.client.findRefund!(input)).toBeNull();
	});
	it("processes Shopify's own open return with its refund (returnProcess, with the key), found again as the return's refund", async () => {
		const o = orders[2];
		const { ret } = await sb.requestReturn(o.id, [{ sku: o.lines[0].sku, quantity: 1, reason: 'DEFECTIVE' }]);
		ret.status = 'OPEN'; // approved on Shopify (returnApproveRequest)
		const input = { ...refundOf(o, sb.lineItemId(o, 0), `shopify:${ret.id}`), channelReturnId: String(ret.id) };
		expect(await ctx.client.findRefund!(input)).toBeNull();
		const before = sb.received.refunds.length;
		const made = await ctx.client.refundReturn!(input);
		const refunds = sb.refunds.get(o.id)!;
		expect(refunds.map((r) => [r.returnId, r.amount])).toEqual([[ret.id, input.totalMinor / 100]]);
		expect(made).toEqual({ refundId: `gid://shopify/Refund/${refunds[0].id}`, status: 200 });
		expect(sb.received.refunds.slice(before).map((x) => x.key)).toEqual([`shopify:${ret.id}`]);
		expect(sb.received.returns.at(-1)).toMatchObject({ op: 'returnProcess', input: { returnId: `gid://shopify/Return/${ret.id}`, returnLineItems: [{ id: expect.stringMatching(/^gid:\/\/shopify\/ReturnLineItem\//), quantity: 1 }] } });
		expect(ret.status).toBe('CLOSED');
		expect(await ctx.client.findRefund!(input)).toEqual({ refundId: made.refundId });
	});

	it("refunds Shopify's return that is not open there (still requested) by refundCreate", async () => {
		const o = orders[1]; // nothing refunded on it: Shopify refused its refund above
		const { ret } = await sb.requestReturn(o.id, [{ sku: o.lines[0].sku, quantity: 1, reason: 'DEFECTIVE' }]);
		const processed = sb.received.returns.filter((x) => x.op === 'returnProcess').length;
		const made = await ctx.client.refundReturn!({ ...refundOf(o, sb.lineItemId(o, 0), `shopify:${ret.id}`), channelReturnId: String(ret.id) });
		expect(made.refundId).toMatch(/^gid:\/\/shopify\/Refund\/\d+$/);
		expect(sb.refunds.get(o.id)!.map((r) => r.returnId)).toEqual([null]);
		expect(sb.received.returns.filter((x) => x.op === 'returnProcess')).toHaveLength(processed);
	});
});

describe('WooCommerce refunds against the sandbox', () => {
	let sb!: WooCommerceSandbox;
	const ctx = onSandbox('woocommerce', (clock) => (sb = new WooCommerceSandbox({ timeScale: TS, clock })), (url) => ({ ...WOO_SANDBOX_CREDENTIALS, storeUrl: url, baseUrl: url }));
	const orders = ctx.orders;
	const lineId = (o: SeedOrder) => String(Number(o.id) * 10 + 1);
	/** An order a return and a refund of the shop manager each take one unit of */
	const twoUnits = orders.slice(1).find((x) => x.lines[0].quantity >= 2)!;

	it('refunds a return once through the gateway without restocking, the OMS return id in its meta; found again by it', async () => {
		const o = orders[0];
		const input = refundOf(o, lineId(o), 'woocommerce:oms-1');
		expect(await ctx.client.findRefund!(input)).toBeNull();
		const made = await ctx.client.refundReturn!(input);
		expect(sb.received.refunds).toEqual([
			{
				orderId: o.id,
				body: {
					amount: (input.totalMinor / 100).toFixed(2),
					reason: 'OMS return woocommerce:oms-1',
					api_refund: true,
					api_restock: false,
					line_items: [{ id: lineId(o), quantity: 1, refund_total: (input.totalMinor / 100).toFixed(2) }],
					meta_data: [{ key: '_oms_return_id', value: 'woocommerce:oms-1' }],
				},
			},
		]);
		const [refund] = sb.shows(o.id).refunds;
		expect(refund).toMatchObject({ refundedPayment: true, restocked: false, amount: input.totalMinor / 100 });
		expect(made.refundId).toBe(String(refund.id));
		expect(await ctx.client.findRefund!(input)).toEqual({ refundId: made.refundId });
		expect(await ctx.client.findRefund!({ ...input, idempotencyKey: 'woocommerce:oms-2' })).toBeNull();
	});

	it("the OMS's own refund is not another return in the intake; a refund the shop manager made is", async () => {
		const o = twoUnits;
		await ctx.client.refundReturn!(refundOf(o, lineId(o), 'woocommerce:oms-3'));
		await sb.refund(o.id, { lines: [{ sku: o.lines[0].sku, quantity: 1 }], reason: 'Arrived damaged' });
		const intake = channelReturns('woocommerce')!;
		const listed = await intake.listReturnsSince(ctx.client, null, { lookbackFrom: '2000-01-01T00:00:00.000Z' });
		const mine = listed.returns.filter((r) => String((r as { order: { id: unknown } }).order.id) === o.id);
		expect(mine).toHaveLength(2);
		const rets = mine.flatMap((r) => intake.normalize(r));
		expect(rets.map((r) => r.refund?.channelRefundId)).toEqual([String(sb.shows(o.id).refunds[1].id)]);
	});

	it('a refund WooCommerce will not make (the gateway declines) is a refusal with its words, not retried, nothing made', async () => {
		const o = orders.find((x) => x !== orders[0] && x !== twoUnits)!;
		const input = refundOf(o, lineId(o), 'woocommerce:oms-4');
		sb.failRefunds(1, 'Refund failed: the card issuer declined the refund.');
		const err = await ctx.client.refundReturn!(input).then(
			() => null,
			(e: unknown) => e as Error & { status?: number },
		);
		expect(err?.message).toMatch(/^WooCommerce refund of order \d+ for return woocommerce:oms-4: .*the card issuer declined the refund/);
		expect(err?.status).toBe(500);
		expect(isRetryable(err)).toBe(false);
		expect(sb.shows(o.id).refunds).toEqual([]);
	});
});

describe('eBay refunds against the sandbox', () => {
	let sb!: EbaySandbox;
	const ctx = onSandbox('ebay', (clock) => (sb = new EbaySandbox({ timeScale: TS, clock })), (url) => ({ ...EBAY_SANDBOX_CREDENTIALS, baseUrl: url }));
	const orders = ctx.orders;

	it("refunds eBay's return once by issue_refund, found again by the return's actual refund; eBay refuses a second one", async () => {
		const o = orders[0];
		const r = sb.createReturn(o.id, { sku: o.lines[0].sku, quantity: 1, approved: true });
		sb.advanceReturn(r.returnId, 'ITEM_DELIVERED');
		const input = { ...refundOf(o, r.lineItemId, `ebay:${r.returnId}`), channelReturnId: r.returnId };
		input.lines[0].amountMinor = Math.min(input.lines[0].amountMinor, r.estimatedRefundCents);
		input.totalMinor = input.lines[0].amountMinor;
		expect(await ctx.client.findRefund!(input)).toBeNull();
		expect(await ctx.client.refundReturn!(input)).toEqual({ refundId: r.returnId, status: 200 });
		expect(sb.refunds.filter((x) => x.returnId === r.returnId).map((x) => [x.via, Math.round(x.amount * 100)])).toEqual([['post-order issue_refund', input.totalMinor]]);
		expect(await ctx.client.findRefund!(input)).toEqual({ refundId: r.returnId });
		const again = await ctx.client.refundReturn!(input).then(
			() => null,
			(e: unknown) => e,
		);
		expect(again).toMatchObject({ status: 400 });
		expect(isRetryable(again)).toBe(false);
		expect(sb.refunds.filter((x) => x.returnId === r.returnId)).toHaveLength(1);
	});

	it('a return made in the OMS (not eBay\'s) is refused for a person, nothing sent', async () => {
		const o = orders[1];
		const before = sb.refunds.length;
		const input = { ...refundOf(o, 'x', 'manual:hand-1'), channelReturnId: null };
		const err = await ctx.client.refundReturn!(input).then(
			() => null,
			(e: unknown) => e as Error,
		);
		expect(err?.message).toBe(`eBay order ${o.id}: return manual:hand-1 is not an eBay return; refund it in Seller Hub (the OMS refunds eBay's own returns only)`);
		expect(isRetryable(err)).toBe(false);
		expect(await ctx.client.findRefund!(input)).toBeNull();
		expect(sb.refunds.length).toBe(before);
	});
});

describe('Walmart refunds against the sandbox', () => {
	let sb!: WalmartSandbox;
	const ctx = onSandbox('walmart', (clock) => (sb = new WalmartSandbox({ timeScale: TS, clock })), (url) => ({ ...WALMART_SANDBOX_CREDENTIALS, baseUrl: url }));

	it("refunds Walmart's return once by its return lines, found again by their refunded units; Walmart refuses a second one", async () => {
		const o = ctx.orders[0];
		const r = sb.createReturn(o.id, { lineNumbers: ['1'] });
		const input = { ...refundOf(o, '1', `walmart:${r.returnOrderId}`), channelReturnId: r.returnOrderId };
		expect(await ctx.client.findRefund!(input)).toBeNull();
		expect(await ctx.client.refundReturn!(input)).toEqual({ refundId: r.returnOrderId, status: 200 });
		expect(sb.refunds.filter((x) => x.returnId === r.returnOrderId).map((x) => [x.via, x.lines?.map((l) => [l.lineId, l.quantity])])).toEqual([['returns refund', [['1', 1]]]]);
		expect(await ctx.client.findRefund!(input)).toEqual({ refundId: r.returnOrderId });
		const again = await ctx.client.refundReturn!(input).then(
			() => null,
			(e: unknown) => e as Error,
		);
		expect(again?.message).toBe(`Walmart return ${r.returnOrderId}: 1 unit(s) of purchase order line 1 are not on the return or were refunded`);
		expect(isRetryable(again)).toBe(false);
		expect(sb.refunds.filter((x) => x.returnId === r.returnOrderId)).toHaveLength(1);
	});

	it('a return made in the OMS (not Walmart\'s) is refused for a person, nothing sent', async () => {
		const o = ctx.orders[1];
		const before = sb.refunds.length;
		const err = await ctx.client.refundReturn!({ ...refundOf(o, '1', 'manual:hand-2'), channelReturnId: null }).then(
			() => null,
			(e: unknown) => e as Error,
		);
		expect(err?.message).toMatch(/is not a Walmart return; refund it in Seller Center/);
		expect(isRetryable(err)).toBe(false);
		expect(sb.refunds.length).toBe(before);
	});
});

describe('Amazon refunds against the sandbox', () => {
	let sb!: AmazonSandbox;
	const ctx = onSandbox('amazon', (clock) => (sb = new AmazonSandbox({ timeScale: TS, clock })), (url) => ({ ...AMAZON_SANDBOX_CREDENTIALS, baseUrl: url }));

	it('refunds by the payment adjustment feed once; sent again (a lost answer), the used adjustment ids say it was made', async () => {
		const o = ctx.orders[0];
		const input = refundOf(o, itemIdOf(o, 0), 'amazon:RMA-1');
		expect(await ctx.client.findRefund!(input)).toBeNull(); // no cheap read: unknown
		const made = await ctx.client.refundReturn!(input);
		const feed = sb.received.feeds.find((f) => f.feedId === made.refundId)!;
		expect(feed.feedType).toBe('POST_PAYMENT_ADJUSTMENT_DATA');
		expect(feed.content).toContain(`<MerchantAdjustmentItemID>amazon:RMA-1:${itemIdOf(o, 0)}</MerchantAdjustmentItemID>`);
		const mine = () => sb.refunds.filter((x) => x.orderId === o.id && x.via === 'POST_PAYMENT_ADJUSTMENT_DATA');
		expect(mine().map((x) => Math.round(x.amount * 100))).toEqual([input.totalMinor]);
		const again = await ctx.client.refundReturn!(input);
		expect(again.refundId).not.toBe(made.refundId);
		expect(mine()).toHaveLength(1);
	});

	it('an adjustment Amazon refuses (more than was charged) is a refusal with its words, nothing refunded', async () => {
		const o = ctx.orders[1];
		const input = refundOf(o, itemIdOf(o, 0), 'amazon:RMA-2');
		input.lines[0].amountMinor = 10_000_000;
		input.totalMinor = 10_000_000;
		const err = await ctx.client.refundReturn!(input).then(
			() => null,
			(e: unknown) => e as Error,
		);
		expect(err?.message).toMatch(/^Amazon order \S+: refund of return amazon:RMA-2 refused: .*exceeds the .* charged/);
		expect(isRetryable(err)).toBe(false);
		expect(sb.refunds.filter((x) => x.orderId === o.id && x.via === 'POST_PAYMENT_ADJUSTMENT_DATA')).toEqual([]);
	});
});
