/**
 * The Marketplace node's Get Returns Since through the WorkflowExecute harness against the channel sandboxes: a
 * return made on a shipped order comes out as a canonical return that recordReturn (the Returns node's Record)
 * records; the cursor is kept in the store, so the next poll lists from where the last stopped, and what a poll
 * lists again (the overlap, a return that moved on) records once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { buildWorkflow, outputOf, runWorkflow } from '../helpers/n8n-harness';
import { startSandboxes, type Sandboxes } from '../sandbox/start';
import { sqliteSetup, type StoreCredentials } from '../helpers/store-credentials';
import { recordReturn } from '../../lib/flows/record-return';
import { validateReturn } from '../../lib/returns/validate';
import type { CanonicalOrder } from '../../lib/order/types';
import type { SeedOrder } from '../sandbox/generator';
import type { Store } from '../../lib/store/types';

type Ch = 'amazon' | 'ebay' | 'walmart' | 'shopify' | 'woocommerce';
const ALL: Ch[] = ['amazon', 'ebay', 'walmart', 'shopify', 'woocommerce'];
const CRED: Record<Ch, string> = { amazon: 'omsAmazonSpApi', ebay: 'omsEbayApi', walmart: 'omsWalmartApi', shopify: 'omsShopifyApi', woocommerce: 'omsWooCommerceApi' };

let sb: Sandboxes;
const dir = mkdtempSync(join(tmpdir(), 'oms-mp-returns-'));
let storeCredentials: StoreCredentials;
let store: Store;
beforeAll(async () => {
	sb = await startSandboxes({ ordersPerChannel: 30, seed: 21, timeScale: 0.001 });
	({ credentials: storeCredentials, store } = await sqliteSetup(dir, 'mpr')());
});
afterAll(async () => {
	await sb?.close();
	await store?.close();
	rmSync(dir, { recursive: true, force: true });
});

function credentialRefs(): INode['credentials'] {
	return { ...Object.fromEntries(ALL.map((ch) => [CRED[ch], { id: `mpr-${ch}`, name: `${ch} sandbox` }])), omsStoreApi: { id: 'mpr-store', name: 'OMS Store' } };
}
function credentialData(): Record<string, Record<string, unknown>> {
	return { ...Object.fromEntries(ALL.map((ch) => [CRED[ch], sb.credentials[ch] as unknown as Record<string, unknown>])), ...storeCredentials };
}
async function run(parameters: INodeParameters) {
	const wf = buildWorkflow([{ name: 'Marketplace', type: 'n8n-nodes-oms-wms.marketplace', parameters, credentials: credentialRefs() }], []);
	return runWorkflow(wf, { input: [{}], credentials: credentialData() });
}
const since = () => new Date(Date.now() - 30 * 86400_000).toISOString();
async function poll(ch: Ch) {
	const r = await run({ channel: ch, operation: 'getReturnsSince', returnsSinceMode: 'stored', returnsSince: since() });
	expect(r.error).toBeUndefined();
	return r;
}

/** The order as the OMS has it: the channel's order through Get Order, recorded, every unit shipped */
async function recordShipped(ch: Ch, o: SeedOrder): Promise<CanonicalOrder> {
	const r = await run({ channel: ch, operation: 'getOrder', channelOrderId: o.id });
	expect(r.error).toBeUndefined();
	const order = outputOf(r, 'Marketplace')[0] as unknown as CanonicalOrder;
	await store.recordOrder(order);
	await store.recordShipment({
		omsId: order.omsId,
		packageKey: 'P1',
		provider: 'generic',
		carrier: 'UPS',
		trackingNumber: `1Z${o.id}`,
		trackingUrl: null,
		shippedAt: new Date().toISOString(),
		lines: order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })),
	});
	return order;
}

/** Records every item of a poll as the Returns node's Record would: the outcomes by returnId */
async function recordAll(items: IDataObject[]): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	for (const it of items) {
		expect(validateReturn(it)).toEqual([]);
		out[String(it.returnId)] = (await recordReturn(store, it, { cause: 'test' })).outcome;
	}
	return out;
}

/** Per channel: make a return of one unit of the order's first line on the sandbox; what to move it on with */
/** A GraphQL call to the Shopify sandbox as the admin would make it */
async function shopifyAdmin(query: string, variables: Record<string, unknown>): Promise<void> {
	const c = sb.credentials.shopify as unknown as { accessToken: string };
	const res = await fetch(`${sb.urls.shopify}/admin/api/2026-01/graphql.json`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': c.accessToken }, body: JSON.stringify({ query, variables }) });
	expect(res.status).toBe(200);
}

const makers: Partial<Record<Ch, { order: (orders: SeedOrder[]) => SeedOrder; create: (o: SeedOrder) => Promise<void> | void; advance?: (o: SeedOrder) => Promise<void> | void }>> = {
	shopify: {
		order: (os) => os.find((o) => o.status === 'shipped')!,
		create: async (o) => void (await sb.sandboxes.shopify.requestReturn(o.id, [{ sku: o.lines[0].sku, quantity: 1, reason: 'SIZE_TOO_SMALL' }])),
		advance: (o) => {
			const r = [...sb.sandboxes.shopify.returns.values()].find((x) => x.orderId === o.id)!;
			return shopifyAdmin('mutation Approve($input: ReturnApproveRequestInput!) { returnApproveRequest(input: $input) { return { id status } userErrors { field message } } }', { input: { id: `gid://shopify/Return/${r.id}` } });
		},
	},
	amazon: {
		order: (os) => os.find((o) => o.status === 'shipped' && new Set(o.lines.map((l) => l.sku)).size === o.lines.length)!,
		create: (o) => void sb.sandboxes.amazon.createReturn(o.id, { items: [{ sku: o.lines[0].sku, quantity: 1 }], reason: 'CR-DEFECTIVE' }),
		advance: (o) => void sb.sandboxes.amazon.updateReturn(sb.sandboxes.amazon.returns.find((r) => r.orderId === o.id)!.amazonRmaId, { status: 'Closed', deliveredAt: Date.now() }),
	},
	ebay: {
		order: (os) => os.find((o) => o.status === 'shipped')!,
		create: (o) => void sb.sandboxes.ebay.createReturn(o.id, { sku: o.lines[0].sku, quantity: 1, approved: true }),
		advance: (o) => void sb.sandboxes.ebay.advanceReturn(sb.sandboxes.ebay.returns.find((r) => r.orderId === o.id)!.returnId, 'ITEM_SHIPPED'),
	},
	woocommerce: {
		order: (os) => os.find((o) => o.status === 'shipped')!,
		create: async (o) => void (await sb.sandboxes.woocommerce.refund(o.id, { lines: [{ sku: o.lines[0].sku, quantity: 1 }], reason: 'Too small' })),
	},
	walmart: {
		order: (os) => os.find((o) => o.status === 'shipped' && o.lines.length >= 1)!,
		create: (o) => void sb.sandboxes.walmart.createReturn(o.id, { lineNumbers: ['1'], reason: 'DEFECTIVE' }),
		advance: (o) => void sb.sandboxes.walmart.advanceReturn(sb.sandboxes.walmart.returns.find((r) => r.purchaseOrderId === o.id)!.returnOrderId, 'DELIVERED'),
	},
};

describe('marketplace: Get Returns Since', () => {
	it.each(Object.keys(makers) as Ch[])('%s: emits canonical returns that record once across polls; the stored cursor moves on', async (ch) => {
		const m = makers[ch]!;
		const o = m.order(sb.orders[ch]);
		const order = await recordShipped(ch, o);
		await m.create(o);

		const first = outputOf(await poll(ch), 'Marketplace');
		const mine = first.filter((x) => x.omsId === order.omsId);
		expect(mine).toHaveLength(1);
		expect(mine[0]).toMatchObject({ channel: ch, omsId: order.omsId, lines: [{ lineId: order.lines[0].lineId, sku: order.lines[0].sku, quantity: 1 }] });
		expect(mine[0].raw).toBeUndefined();
		expect(await recordAll(mine)).toEqual({ [String(mine[0].returnId)]: 'new' });
		const cursor = await store.getCursor(`returns:${ch}:${CRED[ch]}:mpr-${ch}`);
		expect(cursor).not.toBeNull();

		// the same return again (the overlap the cursor keeps): recorded once
		const again = outputOf(await poll(ch), 'Marketplace').filter((x) => x.omsId === order.omsId);
		expect(await recordAll(again)).toEqual(Object.fromEntries(again.map((x) => [String(x.returnId), 'duplicate'])));

		// the return moves on at the channel: the next poll updates it, still one return (WooCommerce: a refund never changes)
		if (!m.advance) return;
		await m.advance(o);
		const moved = outputOf(await poll(ch), 'Marketplace').filter((x) => x.omsId === order.omsId);
		expect(moved).toHaveLength(1);
		expect(moved[0].channelState).not.toBe(mine[0].channelState);
		expect(await recordAll(moved)).toEqual({ [String(mine[0].returnId)]: 'updated' });
		expect(await store.listReturns(order.omsId)).toHaveLength(1);
	});
});
