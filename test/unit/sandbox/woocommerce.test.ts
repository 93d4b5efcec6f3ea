/**
 * The WooCommerce sandbox's after-intake changes, tracking failures, refunds and gateway export, over HTTP
 * (issues 20, 21, 22).
 */
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../sandbox/channels/woocommerce';
import { STRIPE_COLUMNS } from '../../sandbox/channels/woocommerce-stripe';
import { generateOrders, total, type SeedOrder } from '../../sandbox/generator';
import { request, VirtualClock } from '../../sandbox/testkit';
import { verifyWooSignature } from '../../../lib/channels/webhook-signature';
import { picker, receiver } from './helpers';

const NOW = Date.parse('2026-05-20T12:00:00Z');
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('WooCommerce sandbox: after intake, refunds, gateway export', () => {
	const clock = new VirtualClock(NOW);
	const sb = new WooCommerceSandbox({ clock });
	const orders = generateOrders({ seed: 11, perChannel: 150, channels: ['woocommerce'], from: '2026-05-01T00:00:00Z', to: '2026-05-19T00:00:00Z' }).byChannel.woocommerce;
	const auth = { authorization: `Basic ${Buffer.from(`${WOO_SANDBOX_CREDENTIALS.consumerKey}:${WOO_SANDBOX_CREDENTIALS.consumerSecret}`).toString('base64')}` };
	let base = '';
	let hook: Awaited<ReturnType<typeof receiver>>;
	const secret = 'whsec-test-woo';
	const pick = picker(orders);
	const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, qs?: Record<string, string>, timeoutMs?: number) =>
		request<Obj>({ method, url: `${base}${path}`, headers: auth, ...(body !== undefined ? { body } : {}), ...(qs ? { qs } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
	const lineId = (o: SeedOrder, i: number) => Number(o.id) * 10 + i + 1;

	beforeAll(async () => {
		base = await sb.start();
		sb.addOrders(orders);
		hook = await receiver();
		const w = await api('POST', '/wp-json/wc/v3/webhooks', { topic: 'order.updated', delivery_url: hook.url, secret });
		expect(w.status).toBe(201);
	});
	afterAll(async () => {
		await hook.close();
		await sb.close();
	});
	beforeEach(() => {
		hook.got.length = 0;
		sb.clearFaults();
	});

	describe('issue 20: changes on the store after intake', () => {
		it('cancel, paid later, address change, line edit: each one order.updated, signed, newer date_modified, found by modified_after', async () => {
			const c = pick((x) => x.status === 'paid');
			const p = pick((x) => x.status === 'pending');
			const a = pick((x) => x.status === 'paid');
			const e = pick((x) => x.status === 'paid' && x.lines.length >= 2);
			await clock.advance(60_000);
			await sb.cancelOrder(c.id);
			await sb.markPaid(p.id);
			await sb.changeAddress(a.id, { line1: '9 Changed Rd', postalCode: '10001' });
			await sb.editLines(e.id, [{ sku: e.lines[0].sku, quantity: 0 }]);
			expect(hook.got.map((g) => g.headers['x-wc-webhook-topic'])).toEqual(['order.updated', 'order.updated', 'order.updated', 'order.updated']);
			expect(hook.got.every((g) => verifyWooSignature(g.raw, g.headers['x-wc-webhook-signature'] as string, secret))).toBe(true);
			const [bc, bp, ba, be] = hook.got.map((g) => g.json());
			expect(bc).toMatchObject({ id: Number(c.id), status: 'cancelled' });
			expect(bp).toMatchObject({ id: Number(p.id), status: 'processing', date_paid_gmt: '2026-05-20T12:01:00', transaction_id: `pi_${p.id}` });
			expect(ba.shipping).toMatchObject({ address_1: '9 Changed Rd', postcode: '10001' });
			expect((be.line_items as Obj[]).map((l) => l.id)).toEqual(e.lines.slice(1).map((_l, i) => lineId(e, i + 1)));
			expect(Number(be.total)).toBeLessThan(total(e));
			const list = await api('GET', '/wp-json/wc/v3/orders', undefined, { modified_after: '2026-05-20T12:00:30', dates_are_gmt: 'true', per_page: '100' });
			expect(list.body.map((o: Obj) => String(o.id)).sort()).toEqual([c.id, p.id, a.id, e.id].sort());
			await expect(sb.markPaid(a.id)).rejects.toThrow(/not pending/);
		});

		it('tracking confirmations: not idempotent (two POSTs, two items), listed and deletable; a lost answer still adds one', async () => {
			const o = pick((x) => x.status === 'paid');
			const path = `/wp-json/wc-shipment-tracking/v3/orders/${o.id}/shipment-trackings`;
			const body = { tracking_provider: 'UPS', tracking_number: '1ZTWICE', date_shipped: '2026-05-20' };
			expect((await api('POST', path, body)).status).toBe(201);
			expect((await api('POST', path, body)).status).toBe(201);
			const items = (await api('GET', path)).body as Obj[];
			expect(items.map((t) => t.tracking_number)).toEqual(['1ZTWICE', '1ZTWICE']);
			expect((await api('DELETE', `${path}/${items[1].tracking_id}`)).status).toBe(200);
			expect(sb.shows(o.id).trackings).toHaveLength(1);
			sb.inject({ kind: 'reset_after_commit', path: '/shipment-trackings', method: 'POST' });
			await expect(api('POST', path, { ...body, tracking_number: '1ZLOST' })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR/) });
			sb.inject({ kind: 'timeout_after_commit', path: '/shipment-trackings', method: 'POST' });
			await expect(api('POST', path, { ...body, tracking_number: '1ZSLOW' }, undefined, 300)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
			expect(sb.shows(o.id).trackings.map((t) => t.tracking_number)).toEqual(['1ZTWICE', '1ZLOST', '1ZSLOW']);
			sb.inject({ kind: 'error', status: 502, path: '/shipment-trackings' });
			expect((await api('POST', path, body)).status).toBe(502);
			sb.inject({ kind: 'throttle', path: '/shipment-trackings', times: 3 });
			for (let i = 0; i < 3; i++) {
				const r = await api('POST', path, body);
				expect([r.status, r.body.code, r.headers['retry-after']]).toEqual([429, 'too_many_requests', expect.any(String)]);
			}
			expect(sb.shows(o.id).trackings).toHaveLength(3);
		});

		it('failConfirmations fails the tracking POST only: reading the trackings and completing the order answer as usual', async () => {
			const o = pick((x) => x.status === 'paid');
			const path = `/wp-json/wc-shipment-tracking/v3/orders/${o.id}/shipment-trackings`;
			const body = { tracking_provider: 'UPS', tracking_number: '1ZOUTAGE', date_shipped: '2026-05-20' };
			sb.failConfirmations('lost');
			sb.failConfirmations('error', 2, 503);
			await expect(api('POST', path, body)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR/) });
			expect((await api('GET', path)).body.map((t: Obj) => t.tracking_number)).toEqual(['1ZOUTAGE']);
			expect((await api('PUT', `/wp-json/wc/v3/orders/${o.id}`, { status: 'completed' })).status).toBe(200);
			expect((await api('POST', path, body)).status).toBe(503);
			expect((await api('POST', path, body)).status).toBe(503);
			expect((await api('POST', path, body)).status).toBe(201);
			expect(sb.shows(o.id).trackings).toHaveLength(2);
		});
	});

	describe('issue 21: refunds with line items', () => {
		it('a refund of one unit through the gateway, no restock: 201, negative lines with _refunded_item_id; a second POST is a second refund', async () => {
			const o = pick((x) => x.status === 'paid' && x.lines[0].quantity >= 2 && x.lines[0].unitPrice < 100);
			const l0 = o.lines[0];
			const body = { amount: l0.unitPrice.toFixed(2), reason: 'Return RMA-1', api_refund: true, api_restock: false, line_items: [{ id: lineId(o, 0), quantity: 1, refund_total: l0.unitPrice }] };
			const stock = sb.quantitiesBySku()[l0.sku];
			const r1 = await api('POST', `/wp-json/wc/v3/orders/${o.id}/refunds`, body);
			expect(r1.status).toBe(201);
			expect(r1.body).toMatchObject({ amount: l0.unitPrice.toFixed(2), reason: 'Return RMA-1', refunded_payment: true, refunded_by: 1 });
			expect(r1.body.line_items[0]).toMatchObject({ quantity: -1, sku: l0.sku, total: `-${l0.unitPrice.toFixed(2)}`, meta_data: [{ key: '_refunded_item_id', value: String(lineId(o, 0)) }] });
			expect(sb.quantitiesBySku()[l0.sku]).toBe(stock); // api_restock false: the WMS owns stock
			const r2 = await api('POST', `/wp-json/wc/v3/orders/${o.id}/refunds`, body);
			expect(r2.status).toBe(201);
			expect(r2.body.id).not.toBe(r1.body.id);
			const list = await api('GET', `/wp-json/wc/v3/orders/${o.id}/refunds`, undefined, { per_page: '1' });
			expect([list.headers['x-wp-total'], list.headers['x-wp-totalpages'], list.body.length]).toEqual(['2', '2', 1]);
			expect(list.headers.link).toMatch(/rel="next"/);
			const order = (await api('GET', `/wp-json/wc/v3/orders/${o.id}`)).body;
			expect(order.refunds).toEqual([
				{ id: r1.body.id, reason: 'Return RMA-1', total: `-${l0.unitPrice.toFixed(2)}` },
				{ id: r2.body.id, reason: 'Return RMA-1', total: `-${l0.unitPrice.toFixed(2)}` },
			]);
			// a third unit-refund of a two-unit line is refused
			if (l0.quantity === 2) expect((await api('POST', `/wp-json/wc/v3/orders/${o.id}/refunds`, body)).body).toMatchObject({ code: 'woocommerce_rest_cannot_create_order_refund', message: 'Invalid refund quantity.' });
		});

		it('refused refunds: negative (400), more than is left (500), the gateway failing (500, nothing created) then succeeding; a full refund turns the order refunded', async () => {
			const o = pick((x) => x.status === 'paid');
			const url = `/wp-json/wc/v3/orders/${o.id}/refunds`;
			expect((await api('POST', url, { amount: '-1' })).body).toMatchObject({ code: 'woocommerce_rest_invalid_order_refund', data: { status: 400 } });
			const over = await api('POST', url, { amount: (total(o) + 0.01).toFixed(2) });
			expect([over.status, over.body.message]).toEqual([500, 'Invalid refund amount.']);
			sb.failRefunds(2);
			for (let i = 0; i < 2; i++) expect((await api('POST', url, { amount: total(o).toFixed(2) })).body).toMatchObject({ code: 'woocommerce_rest_cannot_create_order_refund', message: expect.stringMatching(/declined/) });
			expect(sb.shows(o.id).refunds).toHaveLength(0);
			const ok = await api('POST', url, { amount: total(o).toFixed(2) });
			expect(ok.status).toBe(201);
			expect((await api('GET', `/wp-json/wc/v3/orders/${o.id}`)).body.status).toBe('refunded');
			expect((await api('POST', url, { amount: '0.01' })).body.message).toBe('Invalid refund amount.');
		});

		it('api_restock puts managed stock back; GET /refunds lists every order\'s with parent_id; DELETE needs force', async () => {
			const o = pick((x) => x.status === 'paid');
			const prod = [...sb.products.values()].find((p) => p.sku === o.lines[0].sku)!;
			prod.manage_stock = true;
			prod.stock_quantity = 5;
			const r = await api('POST', `/wp-json/wc/v3/orders/${o.id}/refunds`, { api_refund: false, meta_data: [{ key: '_oms_refund_key', value: 'ret-77' }], line_items: [{ id: lineId(o, 0), quantity: 1, refund_total: 1 }] });
			expect(r.body).toMatchObject({ amount: '1.00', refunded_payment: false, meta_data: [{ key: '_oms_refund_key', value: 'ret-77' }] });
			expect(prod.stock_quantity).toBe(6);
			const all = await api('GET', '/wp-json/wc/v3/refunds', undefined, { parent: o.id });
			expect(all.body.map((x: Obj) => [x.id, x.parent_id])).toEqual([[r.body.id, Number(o.id)]]);
			expect((await api('DELETE', `/wp-json/wc/v3/orders/${o.id}/refunds/${r.body.id}`)).status).toBe(501);
			expect((await api('DELETE', `/wp-json/wc/v3/orders/${o.id}/refunds/${r.body.id}`, undefined, { force: 'true' })).status).toBe(200);
			expect((await api('GET', `/wp-json/wc/v3/orders/${o.id}/refunds/${r.body.id}`)).status).toBe(404);
		});

		it('the shop manager refunds a returned line by control: order.updated carries the refund', async () => {
			const o = pick((x) => x.status === 'shipped');
			await sb.refund(o.id, { lines: [{ sku: o.lines[0].sku, quantity: 1 }], reason: 'Returned' });
			expect(hook.got).toHaveLength(1);
			expect((hook.got[0].json().refunds as Obj[])[0]).toMatchObject({ reason: 'Returned', total: `-${o.lines[0].unitPrice.toFixed(2)}` });
		});
	});

	describe('issue 22: the gateway export (WooCommerce core has no payout data)', () => {
		it('Stripe-style itemized CSV: a charge per paid order with the fee table, refunds without fees, planted discrepancies', () => {
			const parse = (csv: string) => {
				const [head, ...rows] = csv.trim().split('\n');
				const cols = head.split(',');
				return { cols, rows: rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], v]))) };
			};
			const before = parse(sb.gatewayExport());
			expect(before.cols).toEqual([...STRIPE_COLUMNS]);
			const charges = before.rows.filter((r) => r.reporting_category === 'charge');
			const paid = sb.moneyEvents().filter((e) => e.kind === 'charge');
			expect(charges).toHaveLength(paid.length);
			for (const r of charges) {
				if (r.currency === 'jpy') continue;
				const gross = Math.round(Number(r.gross) * 100);
				expect(Math.round(Number(r.fee) * 100)).toBe(Math.round(gross * 0.029) + 30);
				expect(Math.round(Number(r.net) * 100)).toBe(gross - Math.round(Number(r.fee) * 100));
			}
			for (const r of before.rows.filter((x) => x.reporting_category === 'refund')) expect([Number(r.gross) < 0, r.fee]).toEqual([true, r.currency === 'jpy' ? '0' : '0.00']);
			const [a, b] = charges.filter((r) => r.currency === 'usd').slice(0, 2).map((r) => r['payment_metadata[order_id]']);
			sb.plantDiscrepancy({ kind: 'over_fee', orderId: a, extra: 2 });
			sb.plantDiscrepancy({ kind: 'missing_settlement', orderId: b });
			const after = parse(sb.gatewayExport());
			const fee = (rows: Obj[], id: string) => Number(rows.find((r) => r['payment_metadata[order_id]'] === id && r.reporting_category === 'charge')?.fee);
			expect(Math.round((fee(after.rows, a) - fee(before.rows, a)) * 100)).toBe(200);
			expect(after.rows.filter((r) => r['payment_metadata[order_id]'] === b && r.reporting_category === 'charge')).toEqual([]);
			expect(after.rows.length).toBe(before.rows.length - 1);
		});
	});
});
