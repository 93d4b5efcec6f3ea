/**
 * The Shopify sandbox's after-intake, returns/refunds and Shopify Payments behaviour, over HTTP: what a client built
 * on the documented API will meet (issues 20, 21, 22).
 */
import { ShopifySandbox } from '../../sandbox/channels/shopify';
import { generateOrders, total } from '../../sandbox/generator';
import { VirtualClock } from '../../sandbox/testkit';
import { verifyShopifyHmac } from '../../../lib/channels/webhook-signature';
import { gql, picker, receiver } from './helpers';

const NOW = Date.parse('2026-05-20T12:00:00Z');
const SUB = `mutation($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { webhookSubscription { id } userErrors { field message } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus shippingAddress { address1 city }
  lineItems(first: 20) { nodes { id sku quantity currentQuantity unfulfilledQuantity } }
  fulfillments(first: 10) { id status trackingInfo { number } fulfillmentLineItems(first: 10) { nodes { id quantity lineItem { id } } } }
  refunds { id totalRefundedSet { shopMoney { amount } } }
  fulfillmentOrders(first: 5) { nodes { id status lineItems(first: 50) { nodes { id remainingQuantity lineItem { id } } } } } } }`;
const FULFIL = `mutation($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } } }`;
const REFUND = `mutation($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) { refund { id totalRefundedSet { shopMoney { amount } } } userErrors { field message } } }`;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Shopify sandbox: after intake, returns and refunds, payouts', () => {
	const clock = new VirtualClock(NOW);
	const sb = new ShopifySandbox({ rateLimits: false, clock });
	const orders = generateOrders({ seed: 7, perChannel: 300, channels: ['shopify'], from: '2026-05-01T00:00:00Z', to: '2026-05-19T00:00:00Z' }).byChannel.shopify;
	let base = '';
	let hook: Awaited<ReturnType<typeof receiver>>;
	const pick = picker(orders);
	const order = async (id: string) => (await gql<{ order: Obj }>(base, ORDER, { id: `gid://shopify/Order/${id}` })).data!.order;
	const fulfil = (id: string, lineItemId: string, quantity: number, number = '1Z001') =>
		gql<{ fulfillmentCreate: Obj }>(base, FULFIL, {
			fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: `gid://shopify/FulfillmentOrder/${id}`, fulfillmentOrderLineItems: [{ id: `gid://shopify/FulfillmentOrderLineItem/${lineItemId}`, quantity }] }], trackingInfo: { company: 'UPS', number } },
		});

	beforeAll(async () => {
		base = await sb.start();
		sb.addOrders(orders);
		hook = await receiver();
		for (const t of ['ORDERS_CANCELLED', 'ORDERS_UPDATED', 'ORDERS_PAID', 'ORDERS_EDITED', 'REFUNDS_CREATE', 'RETURNS_REQUEST', 'RETURNS_APPROVE', 'RETURNS_PROCESS'])
			expect((await gql<Obj>(base, SUB, { topic: t, webhookSubscription: { callbackUrl: hook.url } })).data!.webhookSubscriptionCreate.userErrors).toEqual([]);
	});
	afterAll(async () => {
		await hook.close();
		await sb.close();
	});
	beforeEach(() => {
		hook.got.length = 0;
		sb.clearFaults();
	});

	const topics = () => hook.got.map((g) => g.headers['x-shopify-topic']);

	describe('issue 20: changes on the channel after intake', () => {
		it('a cancellation: orders/cancelled, refunds/create, orders/updated, signed; the order shows cancelled, refunded, and newer', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length === 1);
			const before = o.updatedAt;
			await clock.advance(60_000);
			await sb.cancelOrder(o.id, { reason: 'CUSTOMER' });
			expect(topics()).toEqual(['orders/cancelled', 'refunds/create', 'orders/updated']);
			expect(hook.got.every((g) => verifyShopifyHmac(g.raw, g.headers['x-shopify-hmac-sha256'] as string, sb.creds.appSecret))).toBe(true);
			const body = hook.got[0].json();
			expect(body).toMatchObject({ id: Number(o.id), cancel_reason: 'customer', financial_status: 'refunded' });
			expect(body.cancelled_at).toBeTruthy();
			expect((hook.got[1].json().refund_line_items as Obj[])[0]).toMatchObject({ quantity: o.lines[0].quantity, restock_type: 'cancel' });
			const g = await order(o.id);
			expect(g).toMatchObject({ displayFinancialStatus: 'REFUNDED', cancelledAt: expect.any(String) });
			expect(Date.parse(g.updatedAt)).toBeGreaterThan(Date.parse(before));
			expect(g.lineItems.nodes[0]).toMatchObject({ quantity: o.lines[0].quantity, currentQuantity: 0, unfulfilledQuantity: 0 });
			// the polling path sees it too
			const since = new Date(NOW).toISOString();
			const list = await gql<{ orders: { nodes: Obj[] } }>(base, `query($q: String) { orders(first: 50, sortKey: UPDATED_AT, query: $q) { nodes { id cancelledAt } } }`, { q: `updated_at:>='${since}'` });
			expect(list.data!.orders.nodes.map((n) => n.id)).toContain(`gid://shopify/Order/${o.id}`);
		});

		it('an unpaid order cancelled is voided, not refunded; cancelling twice is refused', async () => {
			const o = pick((x) => x.status === 'pending');
			await sb.cancelOrder(o.id);
			// the restock of its lines is a refund record without money ✔ (refunds/create is independent of money)
			expect(topics()).toEqual(['orders/cancelled', 'refunds/create', 'orders/updated']);
			expect(hook.got[1].json().transactions).toEqual([]);
			expect((await order(o.id)).displayFinancialStatus).toBe('VOIDED');
			await expect(sb.cancelOrder(o.id)).rejects.toThrow(/already cancelled/);
		});

		it('lines cancelled the Shopify way: a refund with restockType CANCEL, the rest still to fulfil, the units back on the shelf', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length >= 2);
			const sku = o.lines[0].sku;
			const shelf = sb.quantitiesBySku()[sku];
			await sb.cancelLines(o.id, [{ sku, quantity: o.lines[0].quantity }]);
			expect(topics()).toEqual(['refunds/create', 'orders/updated']);
			const g = await order(o.id);
			expect(g.lineItems.nodes[0]).toMatchObject({ currentQuantity: 0, unfulfilledQuantity: 0 });
			expect(g.lineItems.nodes[1]).toMatchObject({ currentQuantity: o.lines[1].quantity });
			expect(g.fulfillmentOrders.nodes[0].status).toBe('OPEN');
			expect(g.fulfillmentOrders.nodes[0].lineItems.nodes[0].remainingQuantity).toBe(0);
			expect(sb.quantitiesBySku()[sku]).toBe(shelf + o.lines[0].quantity);
			expect(g.displayFinancialStatus).toBe('PAID'); // no money moved: none was asked for
		});

		it('paid later: orders/paid then orders/updated; PENDING becomes PAID and the order is charged once', async () => {
			const o = pick((x) => x.status === 'pending');
			expect((await order(o.id)).displayFinancialStatus).toBe('PENDING');
			await sb.markPaid(o.id);
			expect(topics()).toEqual(['orders/paid', 'orders/updated']);
			expect(hook.got[0].json()).toMatchObject({ financial_status: 'paid' });
			expect((await order(o.id)).displayFinancialStatus).toBe('PAID');
			await expect(sb.markPaid(o.id)).rejects.toThrow(/not awaiting payment/);
			expect(sb.moneyEvents().filter((e) => e.orderId === o.id && e.kind === 'charge')).toHaveLength(1);
		});

		it('an address change: orders/updated with the new address, in GraphQL too', async () => {
			const o = pick((x) => x.status === 'paid');
			await sb.changeAddress(o.id, { line1: '1 New Street', city: 'Portland' });
			expect(topics()).toEqual(['orders/updated']);
			expect(hook.got[0].json().shipping_address).toMatchObject({ address1: '1 New Street', city: 'Portland' });
			expect((await order(o.id)).shippingAddress).toMatchObject({ address1: '1 New Street', city: 'Portland' });
		});

		it('a line edit: orders/edited with the removals and additions, then orders/updated; currentQuantity moves, quantity does not', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length === 1 && x.lines[0].quantity >= 2);
			const q = o.lines[0].quantity;
			await sb.editLines(o.id, [{ sku: o.lines[0].sku, quantity: q - 1 }], [{ sku: 'CAP-NVY', quantity: 1 }]);
			expect(topics()).toEqual(['orders/edited', 'orders/updated']);
			const edit = hook.got[0].json().order_edit as Obj;
			expect(edit.order_id).toBe(Number(o.id));
			expect(edit.line_items.removals).toEqual([{ id: Number(sb.lineItemId(o, 0)), delta: 1 }]);
			expect(edit.line_items.additions).toEqual([{ id: Number(sb.lineItemId(o, 1)), delta: 1 }]);
			const rest = hook.got[1].json().line_items as Obj[];
			expect(rest[0]).toMatchObject({ quantity: q, current_quantity: q - 1, fulfillable_quantity: q - 1 });
			expect(rest[1]).toMatchObject({ sku: 'CAP-NVY', quantity: 1 });
			const g = await order(o.id);
			expect(g.lineItems.nodes.map((n: Obj) => [n.quantity, n.currentQuantity])).toEqual([[q, q - 1], [1, 1]]);
		});

		it('fulfillmentCreate is not idempotent: the same confirmation twice makes two fulfillments, both listed; a third finds nothing left', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length === 1 && x.lines[0].quantity >= 2);
			const lid = sb.lineItemId(o, 0);
			expect((await fulfil(o.id, lid, 1, '1ZSAME')).data!.fulfillmentCreate.userErrors).toEqual([]);
			expect((await fulfil(o.id, lid, 1, '1ZSAME')).data!.fulfillmentCreate.userErrors).toEqual([]);
			const g = await order(o.id);
			expect(g.fulfillments.map((f: Obj) => f.trackingInfo[0].number)).toEqual(['1ZSAME', '1ZSAME']);
			expect(sb.shows(o.id).fulfillments).toHaveLength(2);
			const left = o.lines[0].quantity - 2;
			const third = await fulfil(o.id, lid, left + 1);
			expect(third.data!.fulfillmentCreate.userErrors[0].message).toMatch(/exceeds the remaining/);
			expect(sb.shows(o.id).fulfillments).toHaveLength(2);
		});

		it('failConfirmations fails fulfillmentCreate only: other queries on the same endpoint answer as usual', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length === 1);
			const lid = sb.lineItemId(o, 0);
			sb.failConfirmations('error', 2, 503);
			// a read between the failures is not hit (the fault matches the mutation in the body, not the endpoint)
			await expect(fulfil(o.id, lid, 1, '1ZOUT1')).rejects.toThrow(/HTTP 503/);
			expect((await order(o.id)).fulfillments).toEqual([]);
			await expect(fulfil(o.id, lid, 1, '1ZOUT1')).rejects.toThrow(/HTTP 503/);
			expect((await fulfil(o.id, lid, 1, '1ZOUT1')).data!.fulfillmentCreate.userErrors).toEqual([]);
			expect(sb.shows(o.id).fulfillments).toHaveLength(1);
			// lost: applied, then the connection drops
			const p = pick((x) => x.status === 'paid' && x.lines.length === 1);
			sb.failConfirmations('lost');
			await expect(fulfil(p.id, sb.lineItemId(p, 0), 1, '1ZLOST')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR/) });
			expect(sb.shows(p.id).fulfillments).toHaveLength(1);
		});

		it('a lost answer: the fulfillment is made, the connection drops; a blind retry makes a second one', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length === 1 && x.lines[0].quantity >= 2);
			const lid = sb.lineItemId(o, 0);
			sb.inject({ kind: 'reset_after_commit', path: '/graphql.json' });
			await expect(fulfil(o.id, lid, 1)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR/) });
			expect(sb.shows(o.id).fulfillments).toHaveLength(1);
			expect(sb.callsTo('/graphql.json').at(-1)?.status).toBe(200);
			await fulfil(o.id, lid, 1);
			expect(sb.shows(o.id).fulfillments).toHaveLength(2);
			// the unanswered flavour: applied, then never answered (the client's own timeout fires)
			const p = pick((x) => x.status === 'paid' && x.lines.length === 1);
			sb.inject({ kind: 'timeout_after_commit', path: '/graphql.json' });
			const vars = { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: `gid://shopify/FulfillmentOrder/${p.id}`, fulfillmentOrderLineItems: [{ id: `gid://shopify/FulfillmentOrderLineItem/${sb.lineItemId(p, 0)}`, quantity: 1 }] }] } };
			await expect(gql(base, FULFIL, vars, '2026-01', 300)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
			expect(sb.shows(p.id).fulfillments).toHaveLength(1);
		});

		it('confirmation failures on demand: 5xx, and THROTTLED 429s past any retry budget, change nothing', async () => {
			const o = pick((x) => x.status === 'paid');
			sb.inject({ kind: 'error', status: 503, path: '/graphql.json' });
			await expect(fulfil(o.id, sb.lineItemId(o, 0), 1)).rejects.toThrow(/HTTP 503/);
			sb.inject({ kind: 'throttle', path: '/graphql.json', times: 10 });
			for (let i = 0; i < 10; i++) await expect(fulfil(o.id, sb.lineItemId(o, 0), 1)).rejects.toThrow(/HTTP 429/);
			expect(sb.shows(o.id).fulfillments).toHaveLength(0);
			expect((await fulfil(o.id, sb.lineItemId(o, 0), 1)).data!.fulfillmentCreate.userErrors).toEqual([]);
		});

		it('inventorySetQuantities: 250 quantities in one call at a mutation cost, 251 refused, a key replays without applying twice', async () => {
			const SET = `mutation($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { id changes { delta quantityAfterChange } } userErrors { code field message } } }`;
			const item = (i: number, q: number) => ({ inventoryItemId: `gid://shopify/InventoryItem/${44000000 + (i % 30)}`, locationId: sb.locationId, quantity: q, changeFromQuantity: null });
			const input = (n: number, q: number) => ({ name: 'available', reason: 'correction', quantities: Array.from({ length: n }, (_x, i) => item(i, q)) });
			const sets = sb.received.inventorySets.length;
			const ok = await gql<Obj>(base, SET, { input: input(250, 5), key: 'k-250' });
			expect(ok.data!.inventorySetQuantities.userErrors).toEqual([]);
			expect(ok.data!.inventorySetQuantities.inventoryAdjustmentGroup.changes).toHaveLength(250);
			expect(ok.extensions!.cost!.requestedQueryCost).toBe(10);
			const over = await gql<Obj>(base, SET, { input: input(251, 5), key: 'k-251' });
			expect(over.data!.inventorySetQuantities.userErrors[0]).toMatchObject({ code: 'INVALID_QUANTITIES' });
			sb.inventory.set('gid://shopify/InventoryItem/44000000', 99); // someone else moved it
			const again = await gql<Obj>(base, SET, { input: input(250, 5), key: 'k-250' });
			expect(again.data).toEqual(ok.data); // the first answer, replayed
			expect(sb.inventory.get('gid://shopify/InventoryItem/44000000')).toBe(99); // and nothing applied
			const other = await gql<Obj>(base, SET, { input: input(3, 6), key: 'k-250' });
			expect(other.errors![0].extensions!.code).toBe('IDEMPOTENCY_KEY_PARAMETER_MISMATCH');
			expect(sb.received.inventorySets.length - sets).toBe(1);
			// from 2026-04 the key is mandatory; before, optional
			const noKey = `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }`;
			expect((await gql<Obj>(base, noKey, { input: input(1, 4) }, '2026-04')).errors![0].message).toMatch(/@idempotent directive is required/);
			expect((await gql<Obj>(base, noKey, { input: input(1, 4) }, '2026-01')).data!.inventorySetQuantities.userErrors).toEqual([]);
		});
	});

	describe('issue 21: returns and refunds', () => {
		const RETURNABLE = `query($orderId: ID!) { returnableFulfillments(orderId: $orderId, first: 10) { nodes { returnableFulfillmentLineItems(first: 10) { nodes { quantity fulfillmentLineItem { id lineItem { id } } } } } } }`;
		const RETURN_REQUEST = `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id status name } userErrors { field message code } } }`;
		const APPROVE = `mutation($input: ReturnApproveRequestInput!) { returnApproveRequest(input: $input) { return { id status reverseFulfillmentOrders(first: 1) { nodes { id lineItems(first: 5) { nodes { id totalQuantity } } } } } userErrors { message } } }`;
		const PROCESS = `mutation($input: ReturnProcessInput!, $key: String!) { returnProcess(input: $input) @idempotent(key: $key) { return { id status refunds(first: 5) { nodes { id } } returnLineItems(first: 5) { nodes { id processedQuantity refundedQuantity } } } userErrors { field message code } } }`;
		const RETURN = `query($id: ID!) { return(id: $id) { id status name totalQuantity returnLineItems(first: 5) { nodes { id quantity returnReason processedQuantity fulfillmentLineItem { id } } } } }`;

		it('request, approve, process with a restock and a keyed refund: one refund however often the call is repeated', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length === 1 && x.lines[0].quantity >= 2);
			const lid = sb.lineItemId(o, 0);
			await fulfil(o.id, lid, o.lines[0].quantity);
			hook.got.length = 0;
			const rf = await gql<Obj>(base, RETURNABLE, { orderId: `gid://shopify/Order/${o.id}` });
			const fli = rf.data!.returnableFulfillments.nodes[0].returnableFulfillmentLineItems.nodes[0];
			expect(fli.quantity).toBe(o.lines[0].quantity);
			// more than was fulfilled: refused, nothing recorded
			const tooMany = await gql<Obj>(base, RETURN_REQUEST, { input: { orderId: `gid://shopify/Order/${o.id}`, returnLineItems: [{ fulfillmentLineItemId: fli.fulfillmentLineItem.id, quantity: o.lines[0].quantity + 1, returnReason: 'DEFECTIVE' }] } });
			expect(tooMany.data!.returnRequest.userErrors[0].field).toEqual(['input', 'returnLineItems', '0', 'quantity']);
			const req = await gql<Obj>(base, RETURN_REQUEST, { input: { orderId: `gid://shopify/Order/${o.id}`, returnLineItems: [{ fulfillmentLineItemId: fli.fulfillmentLineItem.id, quantity: 1, returnReason: 'DEFECTIVE' }] } });
			const ret = req.data!.returnRequest.return;
			expect(ret).toMatchObject({ status: 'REQUESTED', name: `${o.number}-R1` });
			const ap = await gql<Obj>(base, APPROVE, { input: { id: ret.id } });
			expect(ap.data!.returnApproveRequest.return.status).toBe('OPEN');
			const rfoLine = ap.data!.returnApproveRequest.return.reverseFulfillmentOrders.nodes[0].lineItems.nodes[0];
			const rli = (await gql<Obj>(base, RETURN, { id: ret.id })).data!.return.returnLineItems.nodes[0];
			expect(rli).toMatchObject({ quantity: 1, returnReason: 'DEFECTIVE', processedQuantity: 0 });
			const sku = o.lines[0].sku;
			const shelf = sb.quantitiesBySku()[sku];
			const refunds = sb.received.refunds.length;
			const amount = o.lines[0].unitPrice.toFixed(2);
			const input = {
				returnId: ret.id,
				returnLineItems: [{ id: rli.id, quantity: 1, dispositions: [{ reverseFulfillmentOrderLineItemId: rfoLine.id, quantity: 1, dispositionType: 'RESTOCKED', locationId: sb.locationId }] }],
				financialTransfer: { issueRefund: { orderTransactions: [{ transactionAmount: { amount, currencyCode: o.currency }, parentId: `gid://shopify/OrderTransaction/${o.id}1` }] } },
			};
			sb.failRefunds(1);
			const failed = await gql<Obj>(base, PROCESS, { input, key: 'ret-key-1' });
			expect(failed.data!.returnProcess.userErrors[0].message).toMatch(/declined/);
			const p1 = await gql<Obj>(base, PROCESS, { input, key: 'ret-key-1' }); // the same key, now accepted
			expect(p1.data!.returnProcess.userErrors).toEqual([]);
			expect(p1.data!.returnProcess.return.status).toBe('CLOSED'); // every unit of the return processed
			const p2 = await gql<Obj>(base, PROCESS, { input, key: 'ret-key-1' }); // a retry after a lost answer
			expect(p2.data).toEqual(p1.data);
			expect(sb.received.refunds.length - refunds).toBe(1);
			expect(sb.shows(o.id).refunds).toHaveLength(1);
			expect(sb.quantitiesBySku()[sku]).toBe(shelf + 1); // restocked once
			expect((await order(o.id)).displayFinancialStatus).toBe('PARTIALLY_REFUNDED');
			// the charge and the refund reach Shopify Payments
			const ev = sb.moneyEvents().filter((e) => e.orderId === o.id);
			expect(ev.map((e) => [e.kind, e.amountMinor])).toEqual([['charge', Math.round(total(o) * 100)], ['refund', -Math.round(o.lines[0].unitPrice * 100)]]);
		});

		it('the customer asks by control: returns/request is delivered; decline and cancel follow the status rules', async () => {
			const o = pick((x) => x.status === 'shipped');
			const { ret } = await sb.requestReturn(o.id, [{ sku: o.lines[0].sku, quantity: 1, reason: 'SIZE_TOO_SMALL' }]);
			expect(topics()).toEqual(['returns/request']);
			expect(hook.got[0].json()).toMatchObject({ id: ret.id, status: 'requested', order: { id: Number(o.id) }, return_line_items: [{ quantity: 1, return_reason: 'size_too_small' }] });
			const DECLINE = `mutation($input: ReturnDeclineRequestInput!) { returnDeclineRequest(input: $input) { return { status decline { reason } } userErrors { message } } }`;
			const d = await gql<Obj>(base, DECLINE, { input: { id: `gid://shopify/Return/${ret.id}`, declineReason: 'FINAL_SALE' } });
			expect(d.data!.returnDeclineRequest.return).toMatchObject({ status: 'DECLINED', decline: { reason: 'FINAL_SALE' } });
			const again = await gql<Obj>(base, DECLINE, { input: { id: `gid://shopify/Return/${ret.id}`, declineReason: 'FINAL_SALE' } });
			expect(again.data!.returnDeclineRequest.userErrors[0].message).toMatch(/only a REQUESTED return/);
			// a declined return frees the units for a new one
			const r2 = await sb.requestReturn(o.id, [{ sku: o.lines[0].sku, quantity: 1 }]);
			const CANCEL = `mutation($id: ID!) { returnCancel(id: $id) { return { status } userErrors { message } } }`;
			expect((await gql<Obj>(base, CANCEL, { id: `gid://shopify/Return/${r2.ret.id}` })).data!.returnCancel.return.status).toBe('CANCELED');
		});

		it('refundCreate: keyed (same key, one refund), over-refund refused, a refused call retried with its key, the key mandatory from 2026-04', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length === 1);
			const input = (amount: string) => ({ orderId: `gid://shopify/Order/${o.id}`, note: 'goodwill', transactions: [{ amount, gateway: 'shopify_payments', kind: 'REFUND', orderId: `gid://shopify/Order/${o.id}`, parentId: `gid://shopify/OrderTransaction/${o.id}1` }] });
			const over = await gql<Obj>(base, REFUND, { input: input((total(o) + 1).toFixed(2)), key: 'r-over' });
			expect(over.data!.refundCreate.userErrors[0].message).toMatch(/greater than the refundable amount/);
			sb.failRefunds(1);
			expect((await gql<Obj>(base, REFUND, { input: input('1.00'), key: 'r-1' })).data!.refundCreate.userErrors).toHaveLength(1);
			const a = await gql<Obj>(base, REFUND, { input: input('1.00'), key: 'r-1' });
			const b = await gql<Obj>(base, REFUND, { input: input('1.00'), key: 'r-1' });
			expect(b.data!.refundCreate.refund.id).toBe(a.data!.refundCreate.refund.id);
			expect(sb.shows(o.id).refunds.map((r) => r.amount)).toEqual([1]);
			const c = await gql<Obj>(base, REFUND, { input: input('1.00'), key: 'r-2' }); // another key: another refund, as Shopify would
			expect(c.data!.refundCreate.refund.id).not.toBe(a.data!.refundCreate.refund.id);
			expect(sb.shows(o.id).refunds).toHaveLength(2);
			const noKey = REFUND.replace(', $key: String!', '').replace(' @idempotent(key: $key)', '');
			expect((await gql<Obj>(base, noKey, { input: input('1.00') }, '2026-04')).errors![0].message).toMatch(/@idempotent directive is required/);
			expect(sb.shows(o.id).refunds).toHaveLength(2);
		});

		it('returnCreate opens an approved return (returns/approve with webhooksOnApiWrites); dispose restocks; close and reopen follow the rules', async () => {
			const o = pick((x) => x.status === 'shipped' && x.lines[0].quantity >= 2);
			const fli = sb.shows(o.id).fulfillments[0].lines[0];
			const CREATE = `mutation($returnInput: ReturnInput!) { returnCreate(returnInput: $returnInput) { return { id status reverseFulfillmentOrders(first: 1) { nodes { lineItems(first: 5) { nodes { id } } } } } userErrors { field message } } }`;
			sb.webhooksOnApiWrites = true;
			let made: Obj;
			try {
				made = await gql<Obj>(base, CREATE, { returnInput: { orderId: `gid://shopify/Order/${o.id}`, returnLineItems: [{ fulfillmentLineItemId: `gid://shopify/FulfillmentLineItem/${fli.id}`, quantity: 2, returnReason: 'DEFECTIVE' }] } });
				await sb.settled();
			} finally {
				sb.webhooksOnApiWrites = false;
			}
			const ret = made.data!.returnCreate.return;
			expect(ret.status).toBe('OPEN');
			expect(topics()).toEqual(['returns/approve']);
			expect(hook.got[0].json()).toMatchObject({ status: 'open', return_line_items: [{ quantity: 2, return_reason: 'defective' }] });
			const DISPOSE = `mutation($dispositionInputs: [ReverseFulfillmentOrderDisposeInput!]!) { reverseFulfillmentOrderDispose(dispositionInputs: $dispositionInputs) { reverseFulfillmentOrderLineItems { id dispositions { type quantity } } userErrors { message } } }`;
			const rfoLine = ret.reverseFulfillmentOrders.nodes[0].lineItems.nodes[0].id;
			const shelf = sb.quantitiesBySku()[o.lines[0].sku];
			const noLoc = await gql<Obj>(base, DISPOSE, { dispositionInputs: [{ reverseFulfillmentOrderLineItemId: rfoLine, quantity: 1, dispositionType: 'RESTOCKED' }] });
			expect(noLoc.data!.reverseFulfillmentOrderDispose.userErrors[0].message).toMatch(/location is required/);
			const d = await gql<Obj>(base, DISPOSE, { dispositionInputs: [{ reverseFulfillmentOrderLineItemId: rfoLine, quantity: 1, dispositionType: 'RESTOCKED', locationId: sb.locationId }, { reverseFulfillmentOrderLineItemId: rfoLine, quantity: 1, dispositionType: 'NOT_RESTOCKED' }] });
			expect(d.data!.reverseFulfillmentOrderDispose.reverseFulfillmentOrderLineItems.at(-1).dispositions).toEqual([{ type: 'RESTOCKED', quantity: 1 }, { type: 'NOT_RESTOCKED', quantity: 1 }]);
			expect(sb.quantitiesBySku()[o.lines[0].sku]).toBe(shelf + 1);
			const move = (op: string) => gql<Obj>(base, `mutation($id: ID!) { ${op}(id: $id) { return { status } userErrors { message } } }`, { id: ret.id });
			expect((await move('returnCancel')).data!.returnCancel.userErrors[0].message).toMatch(/after work has been done/);
			expect((await move('returnReopen')).data!.returnReopen.userErrors[0].message).toMatch(/only a CLOSED return/);
			expect((await move('returnClose')).data!.returnClose.return.status).toBe('CLOSED');
			expect((await move('returnReopen')).data!.returnReopen.return.status).toBe('OPEN');
		});

		it('reconciliation by polling: Order.returns on orders updated since a time', async () => {
			const o = pick((x) => x.status === 'shipped');
			const since = new Date(clock.now()).toISOString();
			await clock.advance(1000);
			const { ret } = await sb.requestReturn(o.id, [{ sku: o.lines[0].sku, quantity: 1 }]);
			const list = await gql<{ orders: { nodes: Obj[] } }>(base, `query($q: String) { orders(first: 50, sortKey: UPDATED_AT, query: $q) { nodes { id returns(first: 10) { nodes { id status totalQuantity } } } } }`, { q: `updated_at:>'${since}'` });
			const node = list.data!.orders.nodes.find((n) => n.id === `gid://shopify/Order/${o.id}`)!;
			expect(node.returns.nodes).toEqual([{ id: `gid://shopify/Return/${ret.id}`, status: 'REQUESTED', totalQuantity: 1, ...node.returns.nodes[0] }]);
		});

		it('with webhooksOnApiWrites, API writes deliver their webhooks (refunds/create after refundCreate)', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines.length === 1);
			sb.webhooksOnApiWrites = true;
			try {
				await gql<Obj>(base, REFUND, { input: { orderId: `gid://shopify/Order/${o.id}`, transactions: [{ amount: '2.00', kind: 'REFUND', parentId: `gid://shopify/OrderTransaction/${o.id}1` }] }, key: 'hooked' });
				await sb.settled();
			} finally {
				sb.webhooksOnApiWrites = false;
			}
			expect(topics()).toEqual(['refunds/create', 'orders/updated']);
			expect(hook.got[0].json()).toMatchObject({ order_id: Number(o.id), transactions: [{ amount: '2.00', kind: 'refund' }] });
		});
	});

	describe('issue 22: Shopify Payments balance transactions and payouts', () => {
		const BT = `query($first: Int!, $after: String, $q: String) { shopifyPaymentsAccount { balanceTransactions(first: $first, after: $after, query: $q) { nodes { id type amount { amount currencyCode } fee { amount } net { amount } sourceType associatedOrder { id } associatedPayout { id status } transactionDate } pageInfo { hasNextPage endCursor } } } }`;
		const PO = `query($first: Int!, $after: String) { shopifyPaymentsAccount { payouts(first: $first, after: $after) { nodes { id legacyResourceId issuedAt status transactionType net { amount currencyCode } summary { chargesGross { amount } chargesFee { amount } refundsFeeGross { amount } adjustmentsGross { amount } } } pageInfo { hasNextPage endCursor } } } }`;
		const all = async (query: string, key: 'balanceTransactions' | 'payouts', q?: string) => {
			const out: Obj[] = [];
			let after: string | null = null;
			for (;;) {
				const r: Obj = await gql<Obj>(base, query, { first: 25, after, ...(q ? { q } : {}) });
				const c = r.data.shopifyPaymentsAccount[key];
				out.push(...c.nodes);
				if (!c.pageInfo.hasNextPage) return out;
				after = c.pageInfo.endCursor;
			}
		};
		const cents = (s: string) => Math.round(Number(s) * 100);

		it('one charge per paid order with the fee table, refunds without a fee, every payout the sum of its transactions', async () => {
			const txs = await all(BT, 'balanceTransactions');
			expect(new Set(txs.map((t) => t.id)).size).toBe(txs.length); // paging returns each once
			const charges = txs.filter((t) => t.type === 'CHARGE');
			const charged = [...sb.moneyEvents()].filter((e) => e.kind === 'charge' && Date.parse(e.at) <= clock.now());
			expect(charges).toHaveLength(charged.length);
			for (const t of charges) {
				const gross = cents(t.amount.amount);
				if (t.amount.currencyCode !== 'JPY') expect(cents(t.fee.amount)).toBe(Math.round(gross * 0.029) + 30);
				expect(cents(t.net.amount)).toBe(gross - cents(t.fee.amount));
			}
			for (const t of txs.filter((x) => x.type === 'REFUND')) expect([cents(t.fee.amount), Number(t.amount.amount) < 0]).toEqual([0, true]);
			const payouts = await all(PO, 'payouts');
			expect(payouts.length).toBeGreaterThan(3);
			for (const p of payouts) {
				const mine = await all(BT, 'balanceTransactions', `payments_transfer_id:${p.legacyResourceId}`);
				expect(mine.length).toBeGreaterThan(0);
				const cur = p.net.currencyCode;
				const sum = (xs: Obj[], f: (x: Obj) => string) => xs.reduce((s, x) => s + (cur === 'JPY' ? Number(f(x)) : cents(f(x))), 0);
				expect(sum(mine, (x) => x.net.amount)).toBe(cur === 'JPY' ? Number(p.net.amount) : cents(p.net.amount));
				expect(sum(mine.filter((x) => x.type === 'CHARGE'), (x) => x.amount.amount)).toBe(cur === 'JPY' ? Number(p.summary.chargesGross.amount) : cents(p.summary.chargesGross.amount));
				expect(p.status).toBe(Date.parse(p.issuedAt) <= clock.now() ? 'PAID' : 'SCHEDULED');
			}
		});

		it('balance is what scheduled payouts still hold; payouts filter by transactionType', async () => {
			const txs = await all(BT, 'balanceTransactions', 'payout_status:SCHEDULED');
			const r = await gql<Obj>(base, `query { shopifyPaymentsAccount { balance { amount currencyCode } payouts(first: 250, transactionType: WITHDRAWAL) { nodes { transactionType net { amount } } } } }`);
			const acct = r.data!.shopifyPaymentsAccount;
			for (const b of acct.balance as Obj[]) {
				const mine = txs.filter((t) => t.net.currencyCode === b.currencyCode);
				expect(mine.reduce((s2: number, t: Obj) => s2 + Math.round(Number(t.net.amount) * 100), 0)).toBe(Math.round(Number(b.amount) * 100));
			}
			for (const p of acct.payouts.nodes as Obj[]) expect([p.transactionType, Number(p.net.amount) < 0]).toEqual(['WITHDRAWAL', true]);
		});

		it('planted discrepancies: an over-fee on one order, a charge never settled, an adjustment', async () => {
			const a = pick((x) => x.status === 'paid' && x.currency === 'USD');
			const b = pick((x) => x.status === 'paid' && x.currency === 'USD');
			const feeOf = async (id: string) => (await all(BT, 'balanceTransactions', 'transaction_type:CHARGE')).find((t) => t.associatedOrder?.id === `gid://shopify/Order/${id}`);
			const before = await feeOf(a.id);
			sb.plantDiscrepancy({ kind: 'over_fee', orderId: a.id, extra: 1.5 });
			sb.plantDiscrepancy({ kind: 'missing_settlement', orderId: b.id });
			sb.addAdjustment({ amount: -15, currency: 'USD', reason: 'chargeback_fee', orderId: a.id, at: new Date(NOW - 86_400_000).toISOString() });
			const after = await feeOf(a.id);
			expect(cents(after!.fee.amount) - cents(before!.fee.amount)).toBe(150);
			expect(await feeOf(b.id)).toBeUndefined();
			expect(sb.moneyEvents().some((e) => e.orderId === b.id && e.kind === 'charge')).toBe(true); // the order was charged all the same
			const adj = (await all(BT, 'balanceTransactions', 'transaction_type:ADJUSTMENT')).filter((t) => t.associatedOrder?.id === `gid://shopify/Order/${a.id}`);
			expect(adj.map((t) => [t.amount.amount, t.fee.amount])).toEqual([['-15.00', '0.00']]);
		});
	});

	it('the new calls draw on the same query-cost bucket: mutations cost 10, THROTTLED once it is empty, refilled with time', async () => {
		const c2 = new VirtualClock(NOW);
		const small = new ShopifySandbox({ rateLimits: { graphql: { ratePerSec: 1, burst: 30 } }, clock: c2 });
		const url = await small.start();
		try {
			small.addOrders(orders.slice(0, 5));
			const o = orders.find((x) => x.status === 'paid')!;
			const q = `mutation($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { message } } }`;
			const refund = (key: string) => gql<Obj>(url, q, { input: { orderId: `gid://shopify/Order/${o.id}`, transactions: [{ amount: '0.01', kind: 'REFUND' }] }, key });
			for (const k of ['a', 'b', 'c']) expect((await refund(k)).extensions!.cost!.requestedQueryCost).toBe(10);
			const throttled = await refund('d');
			expect(throttled.errors![0].extensions!.code).toBe('THROTTLED');
			expect(small.shows(o.id).refunds).toHaveLength(3);
			await c2.advance(10_000);
			expect((await refund('d')).data!.refundCreate.userErrors).toEqual([]);
		} finally {
			await small.close();
		}
	});
});
