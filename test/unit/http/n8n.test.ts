/**
 * The n8n adapter, driven through n8n's own outbound HTTP stack (the implementation behind helpers.httpRequest in
 * n8n-core 2.x), against the Amazon and WooCommerce sandboxes.
 */
import { Container } from '@n8n/di';
import { OutboundHttp } from '@n8n/backend-network';
import { createN8nRequest, type N8nHttpRequest } from '../../../lib/http/n8n';
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from '../../sandbox/channels/amazon';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../sandbox/channels/woocommerce';
import { generateOrders } from '../../sandbox/generator';
import { isolated, LONG_AGO } from '../../sandbox/testkit';
import { AmazonClient } from '../../../lib/channels/amazon/client';
import { WooCommerceClient } from '../../../lib/channels/woocommerce/client';

const n8nHttpRequest: N8nHttpRequest = (o) => (Container.get(OutboundHttp) as { requests(): { request(o: unknown): Promise<unknown> } }).requests().request(o);

describe('createN8nRequest (n8n helpers.httpRequest)', () => {
	const amazon = new AmazonSandbox({ timeScale: 0.0002 });
	const woo = new WooCommerceSandbox();
	const gen = generateOrders({ seed: 23, perChannel: 450, channels: ['amazon', 'woocommerce'] });
	const request = createN8nRequest(n8nHttpRequest);
	beforeAll(async () => {
		await amazon.start();
		await woo.start();
		amazon.addOrders(gen.byChannel.amazon);
		woo.addOrders(gen.byChannel.woocommerce);
	});
	afterAll(async () => {
		await amazon.close();
		await woo.close();
	});

	it('runs the Amazon client end to end: LWA form body, paging, 204 shipment confirmation, retries', async () => {
		const c = new AmazonClient({ ...AMAZON_SANDBOX_CREDENTIALS, baseUrl: amazon.url }, request, isolated(0.0002));
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		expect(r.orders.length).toBe(450);
		expect(amazon.callsTo('/auth/o2/token')[0].body).toMatchObject({ grant_type: 'refresh_token' });
		const raw = r.orders[0] as { orderId: string; orderItems: Array<{ orderItemId: string }> };
		amazon.inject({ kind: 'error', status: 503, path: '/shipmentConfirmation' });
		const s = await c.confirmShipment({ channelOrderId: raw.orderId, carrier: 'UPS', trackingNumber: '1Z1', shippedAt: '2026-05-02T00:00:00Z', lines: [{ lineId: raw.orderItems[0].orderItemId, quantity: 1 }] });
		expect(s.status).toBe(204);
		expect(c.stats).toMatchObject({ failed: 0, retries: 1 });
	});

	it('runs the WooCommerce client: Basic auth, page headers, array-free query, JSON bodies', async () => {
		const c = new WooCommerceClient({ ...WOO_SANDBOX_CREDENTIALS, storeUrl: woo.url }, request, isolated(1));
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		expect(r.orders.length).toBe(450);
		expect(r.pages).toBe(5);
		const q = await c.setAvailableQuantities([{ sku: 'MUG-CER-11', quantity: 4 }]);
		expect(q[0].ok).toBe(true);
		expect(woo.received.batches.at(-1)?.body).toEqual({ update: [{ id: 500, manage_stock: true, stock_quantity: 4 }] });
	});

	it('turns transport failures into errors with a code', async () => {
		await expect(request({ method: 'GET', url: 'http://127.0.0.1:1/x' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
		woo.inject({ kind: 'timeout', path: '/wp-json/wc/v3/orders/1' });
		await expect(request({ method: 'GET', url: `${woo.url}/wp-json/wc/v3/orders/1`, timeoutMs: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
	});
});
