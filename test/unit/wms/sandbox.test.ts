import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { createAxiosRequest } from '../../../lib/http/axios';
import { VirtualClock } from '../../sandbox/testkit';

const request = createAxiosRequest();
const sbHeaders = { Authorization: `Bearer ${SANDBOX_CREDENTIALS.shipbob.token}`, shipbob_channel_id: '4321' };
const body = (ref: string) => ({
	reference_id: ref,
	shipping_method: 'Standard',
	recipient: { name: 'A', address: { address1: '1 Main', city: 'Ottawa', country: 'CA' } },
	products: [{ reference_id: 'MUG', quantity: 1 }],
});

describe('WMS sandbox', () => {
	let sb: WmsSandbox;
	afterEach(() => sb.close());

	it('moves orders on its own when run on a time scale', async () => {
		sb = await startWmsSandbox({ timeScale: 2000, shipbob: { rateLimit: false } });
		await request({ method: 'POST', url: `${sb.baseUrls.shipbob}/2026-01/order`, headers: sbHeaders, body: body('r1') });
		const start = Date.now();
		while (sb.control.ordersByReference('shipbob', 'r1')[0].stage !== 'shipped' && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
		expect(sb.control.ordersByReference('shipbob', 'r1')[0].stage).toBe('shipped');
	});

	it('answers 429 with x-retry-after past 150 requests a minute, and records every call', async () => {
		// the window on a virtual clock that nothing moves: the 4th call is inside it however slow the machine is
		sb = await startWmsSandbox({ clock: new VirtualClock(), shipbob: { rateLimit: { limit: 3, windowMs: 60_000 } } });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await request({ method: 'GET', url: `${sb.baseUrls.shipbob}/2026-01/order`, headers: sbHeaders })).status);
		expect(statuses).toEqual([200, 200, 200, 429]);
		const last = await request({ method: 'GET', url: `${sb.baseUrls.shipbob}/2026-01/order`, headers: sbHeaders });
		expect(Number(last.headers['x-retry-after'])).toBeGreaterThan(0);
		expect(sb.control.calls({ provider: 'shipbob' })).toHaveLength(5);
	});

	it('a down window ends by itself on the virtual clock; reset and malformed faults', async () => {
		sb = await startWmsSandbox({ shipbob: { rateLimit: false } });
		sb.control.down('shipbob', 60_000);
		expect((await request({ method: 'GET', url: `${sb.baseUrls.shipbob}/2026-01/order`, headers: sbHeaders })).status).toBe(503);
		expect((await request({ method: 'GET', url: `${sb.baseUrls.generic}/ping`, headers: { 'X-Api-Key': 'gen-key-test' } })).status).toBe(200);
		sb.control.advance(60_000);
		expect((await request({ method: 'GET', url: `${sb.baseUrls.shipbob}/2026-01/order`, headers: sbHeaders })).status).toBe(200);
		sb.control.fault({ provider: 'shipbob', kind: 'reset' });
		await expect(request({ method: 'GET', url: `${sb.baseUrls.shipbob}/2026-01/order`, headers: sbHeaders })).rejects.toMatchObject({ code: expect.any(String) });
		sb.control.fault({ provider: 'shipbob', kind: 'malformed' });
		const bad = await request({ method: 'GET', url: `${sb.baseUrls.shipbob}/2026-01/order`, headers: sbHeaders });
		expect(typeof bad.body).toBe('string');
	});

	it('Extensiv takes a second order with the same referenceNum unless told to refuse duplicates', async () => {
		sb = await startWmsSandbox({ extensiv: { rejectDuplicates: false } });
		const C = SANDBOX_CREDENTIALS.extensiv;
		const tok = await request<{ access_token: string }>({
			method: 'POST',
			url: `${sb.baseUrls.extensiv}/AuthServer/api/Token`,
			headers: { Authorization: `Basic ${Buffer.from(`${C.clientId}:${C.clientSecret}`).toString('base64')}` },
			body: { grant_type: 'client_credentials', user_login_id: C.userLoginId, tpl: C.tpl },
		});
		const h = { Authorization: `Bearer ${tok.body.access_token}` };
		const b = { customerIdentifier: { id: 1 }, facilityIdentifier: { id: 1 }, referenceNum: 'dup', orderItems: [{ itemIdentifier: { sku: 'A' }, qty: 1 }] };
		expect((await request({ method: 'POST', url: `${sb.baseUrls.extensiv}/orders`, headers: h, body: b })).status).toBe(201);
		expect((await request({ method: 'POST', url: `${sb.baseUrls.extensiv}/orders`, headers: h, body: b })).status).toBe(201);
		expect(sb.control.ordersByReference('extensiv', 'dup')).toHaveLength(2);
	});
});
