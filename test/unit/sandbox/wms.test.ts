/**
 * The WMS sandbox after intake (cancel refused after pick, address updates) and for returns (create, receipt,
 * disposition, restock exactly once), over HTTP per provider (issues 20, 21).
 */
import { startWmsSandbox, SANDBOX_CREDENTIALS, type SandboxProvider, type WmsSandbox } from '../../sandbox/wms';
import type { WmsProvider } from '../../../lib/wms/types';
import { request, VirtualClock } from '../../sandbox/testkit';
import { createWmsProvider } from '../../../lib/wms';
import { order, sandboxProviders, testDeps } from '../wms/fixtures';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PICKED = 61_000; // the world picks 60 s after creation
const SHIPPED = 181_000;

describe('WMS sandbox: after intake and returns', () => {
	let sb: WmsSandbox;
	let providers: Record<SandboxProvider, WmsProvider>;
	let shipheroToken = '';
	let extensivToken = '';

	const sbH = () => ({ Authorization: `Bearer ${SANDBOX_CREDENTIALS.shipbob.token}`, shipbob_channel_id: String(SANDBOX_CREDENTIALS.shipbob.channelId) });
	const shipbob = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, qs?: Record<string, string>) =>
		request<Obj>({ method, url: `${sb.baseUrls.shipbob}/2026-01${path}`, headers: sbH(), ...(body !== undefined ? { body } : {}), ...(qs ? { qs } : {}) });
	const shiphero = async (query: string, variables: Obj) =>
		(await request<Obj>({ method: 'POST', url: `${sb.baseUrls.shiphero}/graphql`, headers: { Authorization: `Bearer ${shipheroToken}` }, body: { query, variables } })).body;
	const extensiv = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, headers: Record<string, string> = {}, qs?: Record<string, string>) =>
		request<Obj>({ method, url: `${sb.baseUrls.extensiv}${path}`, headers: { Authorization: `Bearer ${extensivToken}`, ...headers }, ...(body !== undefined ? { body } : {}), ...(qs ? { qs } : {}) });
	const generic = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, qs?: Record<string, string>) =>
		request<Obj>({ method, url: `${sb.baseUrls.generic}${path}`, headers: { [SANDBOX_CREDENTIALS.generic.headerName]: SANDBOX_CREDENTIALS.generic.apiKey }, ...(body !== undefined ? { body } : {}), ...(qs ? { qs } : {}) });

	beforeEach(async () => {
		sb = await startWmsSandbox({ shipbob: { rateLimit: false }, shiphero: { credits: false }, returnTiming: { arriveAfterMs: null } });
		const deps = testDeps({ rateLimit: false });
		providers = sandboxProviders(sb, deps);
		shipheroToken = (await request<Obj>({ method: 'POST', url: `${sb.baseUrls.shiphero}/auth/token`, body: { username: SANDBOX_CREDENTIALS.shiphero.username, password: SANDBOX_CREDENTIALS.shiphero.password } })).body.access_token;
		const ex = SANDBOX_CREDENTIALS.extensiv;
		extensivToken = (
			await request<Obj>({
				method: 'POST',
				url: `${sb.baseUrls.extensiv}/AuthServer/api/Token`,
				headers: { Authorization: `Basic ${Buffer.from(`${ex.clientId}:${ex.clientSecret}`).toString('base64')}` },
				body: { grant_type: 'client_credentials', user_login_id: ex.userLoginId, tpl: ex.tpl },
			})
		).body.access_token;
	});
	afterEach(() => sb.close());

	const push = async (provider: SandboxProvider, n: number, lines = [{ sku: 'MUG', quantity: 2 }]) => {
		const o = order(n, lines);
		await providers[provider].createOrder(o, { reference: o.omsId, shipmentNo: 1 });
		return { o, held: sb.control.ordersByReference(provider, o.omsId)[0] };
	};

	describe('issue 20: cancel refused after pick, address updates', () => {
		it('with the cut-off at pick, every provider refuses a picked order in its own words, and the providers read it as not cancelled', async () => {
			sb.control.setCancelRefusedFrom('all', 'picked');
			const got: Record<string, unknown> = {};
			for (const [i, p] of (['shipbob', 'shiphero', 'extensiv', 'generic'] as SandboxProvider[]).entries()) {
				const { o } = await push(p, 5000 + i);
				sb.control.advance(PICKED);
				const r = await providers[p].cancelOrder({ reference: o.omsId });
				expect(r.cancelled).toBe(false);
				expect(sb.control.ordersByReference(p, o.omsId)[0].stage).toBe('picked');
				got[p] = r.raw;
			}
			expect((got.shipbob as Obj).canceled_shipment_results[0]).toMatchObject({ is_success: false, reason: 'Shipment is already picked' });
			expect(got.shiphero).toMatch(/already picked, it cannot be canceled/);
			expect(got.extensiv).toMatchObject({ ErrorCode: 'InvalidState', Message: expect.stringMatching(/already picked/) });
			expect(got.generic).toMatchObject({ error: 'already_picked' });
			// before pick all four still cancel
			const { o } = await push('shipbob', 5010);
			expect((await providers.shipbob.cancelOrder({ reference: o.omsId })).cancelled).toBe(true);
		});

		it('with the default cut-off (shipped) a picked order is still cancelled, as before', async () => {
			const { o } = await push('extensiv', 5020);
			sb.control.advance(PICKED);
			expect((await providers.extensiv.cancelOrder({ reference: o.omsId })).cancelled).toBe(true);
		});

		it('ShipBob: PUT shipment:updateAddress before pick changes the recipient; after pick 422', async () => {
			const { o, held } = await push('shipbob', 5100);
			const shipmentId = ((await shipbob('GET', `/order/${held.id}`)).body.shipments as Obj[])[0].id;
			expect((await shipbob('PUT', `/shipment/${shipmentId}:updateAddress`, { city: 'Toronto' })).status).toBe(400); // street_address1 required
			const ok = await shipbob('PUT', `/shipment/${shipmentId}:updateAddress`, { street_address1: '2 New Ave', city: 'Toronto', country_code: 'CA', zip_code: 'M5V 1J1' });
			expect(ok.status).toBe(200);
			expect((await shipbob('GET', `/order/${held.id}`)).body.recipient.address).toMatchObject({ address1: '2 New Ave', city: 'Toronto', zip_code: 'M5V 1J1' });
			sb.control.advance(PICKED);
			expect((await shipbob('PUT', `/shipment/${shipmentId}:updateAddress`, { street_address1: '3 Late St', city: 'Toronto' })).status).toBe(422);
			expect(sb.control.addressUpdates().map((u) => u.reference)).toEqual([o.omsId]);
		});

		it('ShipHero order_update, Extensiv PUT with If-Match, Generic PATCH: before pick yes, after pick refused', async () => {
			const sh = await push('shiphero', 5200);
			const id = Buffer.from(`Order:${sh.held.id}`).toString('base64');
			const M = `mutation order_update($data: UpdateOrderInput!) { order_update(data: $data) { request_id order { id shipping_address { address1 } } } }`;
			const up = await shiphero(M, { data: { order_id: id, shipping_address: { address1: '4 Hero Rd' } } });
			expect(up.data.order_update.order.shipping_address.address1).toBe('4 Hero Rd');

			const ex = await push('extensiv', 5201);
			const got = await extensiv('GET', `/orders/${ex.held.id}`);
			const body = { ...got.body, shipTo: { ...got.body.shipTo, address1: '5 Ext St' } };
			expect((await extensiv('PUT', `/orders/${ex.held.id}`, body)).status).toBe(428);
			expect((await extensiv('PUT', `/orders/${ex.held.id}`, body, { 'If-Match': '"stale"' })).status).toBe(412);
			const put = await extensiv('PUT', `/orders/${ex.held.id}`, body, { 'If-Match': got.headers.etag });
			expect([put.status, put.body.shipTo.address1]).toEqual([200, '5 Ext St']);

			const ge = await push('generic', 5202);
			expect((await generic('PATCH', `/orders/${encodeURIComponent(ge.o.omsId)}`, { ship_to: { line1: '6 Gen Way' } })).status).toBe(200);

			sb.control.advance(PICKED);
			expect((await shiphero(M, { data: { order_id: id, shipping_address: { address1: 'late' } } })).errors[0].message).toMatch(/already picked/);
			const again = await extensiv('GET', `/orders/${ex.held.id}`);
			expect((await extensiv('PUT', `/orders/${ex.held.id}`, body, { 'If-Match': again.headers.etag })).body).toMatchObject({ ErrorCode: 'InvalidState' });
			expect((await generic('PATCH', `/orders/${encodeURIComponent(ge.o.omsId)}`, { ship_to: { line1: 'late' } })).body).toMatchObject({ error: 'already_picked' });
			expect(sb.control.addressUpdates()).toHaveLength(3);
		});
	});

	describe('issue 21: returns at the warehouse', () => {
		it('ShipBob: a return order by inventory id; the feed shows receipt and disposition; on hand rises once', async () => {
			sb.control.seedStock({ MUG: 10, TEE: 5 });
			const { held } = await push('shipbob', 5300, [{ sku: 'MUG', quantity: 2 }, { sku: 'TEE', quantity: 1 }]);
			sb.control.advance(SHIPPED);
			const shipmentId = ((await shipbob('GET', `/order/${held.id}`)).body.shipments as Obj[])[0].id;
			const inv = (await shipbob('GET', '/inventory-level')).body.items as Obj[];
			const mugId = inv.find((x) => x.sku === 'MUG')!.inventory_id;
			const teeId = inv.find((x) => x.sku === 'TEE')!.inventory_id;
			expect(inv.find((x) => x.sku === 'MUG')!.on_hand_quantity).toBe(8);
			const body = { reference_id: 'RMA-5300', fulfillment_center: { id: 1 }, original_shipment_id: shipmentId, inventory: [{ id: mugId, quantity: 2, requested_action: 'Restock' }, { id: teeId, quantity: 1, requested_action: 'Quarantine' }] };
			expect((await shipbob('POST', '/return', { ...body, inventory: [body.inventory[0], body.inventory[0]] })).status).toBe(400); // an inventory id twice
			const created = await shipbob('POST', '/return', body);
			expect(created.status).toBe(201);
			expect(created.body).toMatchObject({ status: 'AwaitingArrival', reference_id: 'RMA-5300', original_shipment_id: shipmentId, store_order_id: 'shopify:5300' });
			expect((await shipbob('POST', '/return', body)).status).toBe(422); // reference_id is unique
			// modifiable while awaited
			expect((await shipbob('PUT', `/return/${created.body.id}`, { ...body, tracking_number: '1ZBACK' })).body.tracking_number).toBe('1ZBACK');
			sb.control.arriveReturn('shipbob', 'RMA-5300');
			const open = await shipbob('GET', '/return', undefined, { Status: 'Arrived,Processing' });
			expect(open.body.map((r: Obj) => r.reference_id)).toEqual(['RMA-5300']);
			expect((await shipbob('POST', `/return/${created.body.id}/cancel`)).status).toBe(422); // no cancel once arrived
			// one MUG back to stock, one MUG missing (short receipt), the TEE quarantined
			sb.control.processReturn('shipbob', 'RMA-5300', { MUG: { restock: 1 }, TEE: { quarantine: 1 } });
			const done = (await shipbob('GET', `/return/${created.body.id}`)).body;
			expect(done.status).toBe('Completed');
			expect(done.inventory.map((i: Obj) => [i.name, i.action_taken])).toEqual([
				['MUG', [{ action: 'Restock', action_reason: null, quantity_processed: 1, image_url: null }]],
				['TEE', [{ action: 'Quarantine', action_reason: null, quantity_processed: 1, image_url: null }]],
			]);
			expect(done.transactions).toEqual([{ amount: 3, transaction_type: 'ReturnProcessingFee' }]);
			const hist = (await shipbob('GET', `/return/${created.body.id}/statushistory`)).body.status_history.map((h: Obj) => h.status);
			expect(hist).toEqual(['AwaitingArrival', 'Arrived', 'Completed']);
			const after = (await shipbob('GET', '/inventory-level')).body.items as Obj[];
			expect(after.find((x) => x.sku === 'MUG')!.on_hand_quantity).toBe(9);
			expect(after.find((x) => x.sku === 'TEE')!.on_hand_quantity).toBe(4);
			expect(sb.control.quarantined('TEE')).toBe(1);
			// processing again, or time passing, changes nothing: the restock happened once
			sb.control.processReturn('shipbob', 'RMA-5300');
			sb.control.advance(7 * 86_400_000);
			expect(sb.control.stock('MUG')).toBe(9);
			expect(sb.control.restocks()).toEqual([{ provider: 'shipbob', reference: 'RMA-5300', sku: 'MUG', quantity: 1, at: expect.any(String) }]);
		});

		it('ShipHero: return_create needs its required fields and shipped units; return and returns show receipt and restock', async () => {
			sb.control.seedStock({ MUG: 4 });
			const { held } = await push('shiphero', 5400);
			const orderId = Buffer.from(`Order:${held.id}`).toString('base64');
			const M = `mutation return_create($data: CreateReturnInput!) { return_create(data: $data) { request_id return { id status } } }`;
			const data = { order_id: orderId, warehouse_id: 'V2FyZWhvdXNlOjEyMzQ=', return_reason: 'Damaged', label_type: 'FREE', label_cost: '0', address: { name: 'Ada' }, dimensions: { weight: '1' }, shipping_carrier: 'UPS', shipping_method: 'Ground', line_items: [{ sku: 'MUG', quantity: 1, return_reason: 'Damaged', condition: 'damaged' }] };
			expect((await shiphero(M, { data: { ...data, label_cost: undefined } })).errors[0].message).toMatch(/Missing required fields: label_cost/);
			expect((await shiphero(M, { data })).errors[0].message).toMatch(/MUG has 0 shipped unit/); // nothing shipped yet
			sb.control.advance(SHIPPED);
			const r = await shiphero(M, { data });
			const rid = r.data.return_create.return.id;
			expect(r.data.return_create.return.status).toBe('pending');
			sb.control.processReturn('shiphero', sb.control.returns('shiphero')[0].reference);
			const one = await shiphero(`query ret($id: String!) { return(id: $id) { request_id data { id status total_items_expected total_items_received total_items_restocked } } }`, { id: rid });
			expect(one.data.return.data).toMatchObject({ status: 'warehouse_completed', total_items_expected: 1, total_items_received: 1, total_items_restocked: 1 });
			const list = await shiphero(`query rets($order_id: String, $first: Int) { returns(order_id: $order_id) { data(first: $first) { edges { node { id status } } } } }`, { order_id: orderId, first: 10 });
			expect(list.data.returns.data.edges.map((e: Obj) => e.node.id)).toEqual([rid]);
			expect(sb.control.stock('MUG')).toBe(3); // 4 - 2 shipped + 1 back
		});

		it('Extensiv: a receiver for the return; the receivers feed by lastModifiedDate; stock summaries move on receipt', async () => {
			sb.control.seedStock({ MUG: 5 });
			const { o } = await push('extensiv', 5500);
			sb.control.advance(SHIPPED);
			const since = new Date(Date.parse(sb.control.now()) - 1).toISOString();
			const rec = { customerIdentifier: { id: 1 }, facilityIdentifier: { id: 1 }, referenceNum: 'RMA-5500', poNum: o.omsId, receiveItems: [{ itemIdentifier: { sku: 'MUG' }, qty: 2 }] };
			expect((await extensiv('POST', '/inventory/receivers', { ...rec, receiveItems: [] })).status).toBe(400);
			const c = await extensiv('POST', '/inventory/receivers', rec);
			expect([c.status, c.body.readOnly.status, c.body.poNum]).toEqual([201, 0, o.omsId]);
			sb.control.advance(1000);
			sb.control.processReturn('extensiv', 'RMA-5500', { MUG: { restock: 1, quarantine: 1 } });
			const feed = await extensiv('GET', '/inventory/receivers', undefined, {}, { rql: `readOnly.lastModifiedDate=ge=${since}` });
			const r = feed.body._embedded['http://api.3plCentral.com/rels/inventory/receiver'][0];
			expect(r.readOnly).toMatchObject({ status: 1, isClosed: true });
			expect(r.receiveItems[0].readOnly).toMatchObject({ qtyReceived: 2, qtyOnHold: 1, qtyDisposed: 0 });
			const sum = (await extensiv('GET', '/inventory/stocksummaries')).body.summaries.find((x: Obj) => x.itemIdentifier.sku === 'MUG');
			expect(sum).toMatchObject({ onHand: 4, onHold: 1 });
		});

		it('Generic: POST /returns, the /returns?updated_since feed with its status words, cancel refused once received', async () => {
			sb.control.seedStock({ MUG: 3 });
			const { o } = await push('generic', 5600);
			sb.control.advance(SHIPPED);
			const r = await generic('POST', '/returns', { external_id: 'RMA-5600', order_reference: o.omsId, items: [{ sku: 'MUG', quantity: 2, line_id: '1', disposition: 'dispose' }] });
			expect([r.status, r.body.status]).toEqual([201, 'expected']);
			expect((await generic('POST', '/returns', { external_id: 'RMA-5600', items: [{ sku: 'MUG', quantity: 1 }] })).status).toBe(409);
			sb.control.arriveReturn('generic', 'RMA-5600');
			expect((await generic('POST', '/returns/RMA-5600/cancel')).body).toMatchObject({ error: 'already_received' });
			sb.control.processReturn('generic', 'RMA-5600');
			const feed = (await generic('GET', '/returns', undefined, { updated_since: '2026-01-01T00:00:00Z' })).body;
			expect(feed.returns[0]).toMatchObject({ external_id: 'RMA-5600', status: 'completed', items: [{ received: 2, restocked: 0, disposed: 2 }] });
			expect(sb.control.stock('MUG')).toBe(1); // disposed units never come back
			expect(sb.control.restocks()).toEqual([]);
		});

		it('a return still awaited can be cancelled at every provider that has a cancel; a receiver and a return are read back by id', async () => {
			const sbR = await push('shipbob', 5800, [{ sku: 'MUG', quantity: 1 }]);
			const exR = await push('extensiv', 5801, [{ sku: 'MUG', quantity: 1 }]);
			const geR = await push('generic', 5802, [{ sku: 'MUG', quantity: 1 }]);
			sb.control.advance(SHIPPED);
			const mugId = ((await shipbob('GET', '/inventory-level')).body.items as Obj[]).find((x) => x.sku === 'MUG')!.inventory_id;
			const a = await shipbob('POST', '/return', { reference_id: 'RMA-5800', fulfillment_center: { id: 1 }, inventory: [{ id: mugId, quantity: 1 }] });
			expect((await shipbob('POST', `/return/${a.body.id}:cancel`)).body.status).toBe('Cancelled');
			const b = await extensiv('POST', '/inventory/receivers', { customerIdentifier: { id: 1 }, facilityIdentifier: { id: 1 }, referenceNum: 'RMA-5801', poNum: exR.o.omsId, receiveItems: [{ itemIdentifier: { sku: 'MUG' }, qty: 1 }] });
			expect((await extensiv('GET', `/inventory/receivers/${b.body.readOnly.receiverId}`)).body.referenceNum).toBe('RMA-5801');
			expect((await extensiv('POST', `/inventory/receivers/${b.body.readOnly.receiverId}/canceler`)).body.readOnly.status).toBe(2);
			await generic('POST', '/returns', { external_id: 'RMA-5802', order_reference: geR.o.omsId, items: [{ sku: 'MUG', quantity: 1 }] });
			expect((await generic('GET', '/returns/RMA-5802')).body).toMatchObject({ status: 'expected', order_reference: geR.o.omsId });
			expect((await generic('POST', '/returns/RMA-5802/cancel')).body.status).toBe('cancelled');
			// cancelled returns never arrive, so nothing comes back
			sb.control.advance(7 * 86_400_000);
			expect(sb.control.restocks()).toEqual([]);
			expect(sbR.held.stage).toBe('shipped');
		});

		it('returns arrive and complete on their own with the timing (two days, then two hours, by default)', async () => {
			await sb.close();
			sb = await startWmsSandbox({ shipbob: { rateLimit: false } });
			sb.control.seedStock({ MUG: 2 });
			providers.shipbob = createWmsProvider('shipbob', { baseUrl: sb.baseUrls.shipbob, token: SANDBOX_CREDENTIALS.shipbob.token, channelId: SANDBOX_CREDENTIALS.shipbob.channelId }, testDeps({ rateLimit: false }));
			await push('shipbob', 5700, [{ sku: 'MUG', quantity: 1 }]);
			sb.control.advance(SHIPPED);
			const mugId = ((await shipbob('GET', '/inventory-level')).body.items as Obj[]).find((x) => x.sku === 'MUG')!.inventory_id;
			await shipbob('POST', '/return', { reference_id: 'RMA-5700', fulfillment_center: { id: 1 }, inventory: [{ id: mugId, quantity: 1 }] });
			sb.control.advance(2 * 86_400_000 - 1);
			expect(sb.control.returnByReference('shipbob', 'RMA-5700')!.stage).toBe('awaiting');
			sb.control.advance(1);
			expect(sb.control.returnByReference('shipbob', 'RMA-5700')!.stage).toBe('arrived');
			sb.control.advance(3_600_000);
			expect(sb.control.returnByReference('shipbob', 'RMA-5700')!.stage).toBe('processing');
			expect(sb.control.stock('MUG')).toBe(1);
			sb.control.advance(3_600_000);
			expect((await shipbob('GET', '/return', undefined, { ReferenceIds: 'RMA-5700' })).body[0].status).toBe('Completed');
			expect(sb.control.stock('MUG')).toBe(2); // Default action restocks ⚠
		});
	});

	it("ShipBob's request window covers the return calls: 429 with x-retry-after once it is spent", async () => {
		await sb.close();
		const clock = new VirtualClock(Date.parse('2026-05-01T00:00:00Z'));
		sb = await startWmsSandbox({ clock, shipbob: { rateLimit: { limit: 3, windowMs: 60_000 } } });
		for (let i = 0; i < 3; i++) expect((await shipbob('GET', '/return')).status).toBe(200);
		const r = await shipbob('POST', '/return', { reference_id: 'RMA-X', fulfillment_center: { id: 1 }, inventory: [] });
		expect([r.status, r.headers['x-retry-after']]).toEqual([429, '60']);
		await clock.advance(60_000);
		expect((await shipbob('GET', '/return')).status).toBe(200);
	});
});
