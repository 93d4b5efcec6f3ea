/** The inventoryAllocator node through n8n-core's WorkflowExecute, on SQLite (and PostgreSQL via the credential). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleSetFromParameters } from '../../lib/allocation/parameters';
import { closeAllStores } from '../../lib/store/open';
import { pgSetup as pgSetupFor, sqliteSetup as sqliteSetupFor, type StoreCredentials } from '../helpers/store-credentials';
import type { Store } from '../../lib/store/types';
import { buildWorkflow, nodeError, outputOf, outputsOf, runWorkflow } from '../helpers/n8n-harness';
import { makeOrder } from '../helpers/orders';

const dir = mkdtempSync(join(tmpdir(), 'oms-alloc-'));
const CRED = { omsStoreApi: { id: '1', name: 'OMS Store' } };

afterAll(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const sqliteSetup = sqliteSetupFor(dir, 'alloc');
const pgSetup = pgSetupFor('alloc');

/** Rules as ops staff set them in the editor: amazon is the priority channel with 50 %, ebay and shopify share the rest. */
const RULES = {
	channelRules: {
		rule: [
			{ channel: 'amazon', sharePercent: 50, options: { priorityRank: 1, buffer: 1 } },
			{ channel: 'ebay', sharePercent: 50, options: { maxListed: 4 } },
			{ channel: 'shopify', sharePercent: 50, options: { zeroAt: 1 } },
		],
	},
	channels: ['amazon', 'ebay', 'shopify'],
};

function allocator(name: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return {
		name,
		type: 'n8n-nodes-oms-wms.inventoryAllocator',
		parameters: { ...RULES, ...parameters },
		credentials: CRED,
		onError: 'continueErrorOutput',
		...extra,
	};
}

function flow(items: unknown[], nodes: Array<Record<string, unknown>>, edges?: Array<[string, string, number?, number?]>) {
	const chain: Array<[string, string, number?, number?]> = [];
	let prev = 'Items';
	for (const n of nodes) {
		chain.push([prev, n.name as string]);
		prev = n.name as string;
	}
	return buildWorkflow(
		[
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Items', type: 'test.itemsSource', parameters: { items: JSON.stringify(items) } },
			...(nodes as never[]),
		],
		[['Start', 'Items'], ...(edges ?? chain)],
	);
}

const key = (o: Record<string, unknown>) => `${o.channel}/${o.sku}=${o.quantity}`;

describe('ruleSetFromParameters', () => {
	it('keeps fields nobody set absent, reads ranks, low-stock tiers and overrides', () => {
		const rs = ruleSetFromParameters({
			channelRules: {
				rule: [
					{ channel: 'amazon', sharePercent: 40, options: { priorityRank: 2, lowStockLevel: 10, lowSharePercent: 20, lowMaxListed: 3 } },
					{ channel: ' ebay ', sharePercent: 60, options: {} },
				],
			},
			defaultRule: { buffer: 1 },
			skuOverrides: { override: [{ pattern: 'MUG-*', channel: '*', fields: { maxListed: 0 } }, { pattern: '/^LAMP/', channel: 'ebay', fields: { zeroAt: '2' } }] },
		});
		expect(rs).toEqual({
			channels: [
				{ channel: 'amazon', sharePercent: 40, priority: 2, lowStock: { level: 10, rule: { sharePercent: 20, maxListed: 3 } } },
				{ channel: 'ebay', sharePercent: 60 },
			],
			defaults: { buffer: 1 },
			skuOverrides: [
				{ pattern: 'MUG-*', channel: '*', maxListed: 0 },
				{ pattern: '/^LAMP/', channel: 'ebay', zeroAt: 2 },
			],
		});
		expect(ruleSetFromParameters({})).toEqual({ channels: [] });
		// a low-stock field without its level is kept so validation can say the level is missing
		expect(ruleSetFromParameters({ defaultRule: { lowSharePercent: 10 } }).defaults).toEqual({ lowStock: { rule: { sharePercent: 10 } } });
	});
});

describe('inventoryAllocator: Sync Stock', () => {
	it('updates stock idempotently and emits only the (channel, SKU) quantities that changed; bundles follow their components', async () => {
		const { credentials, store } = await sqliteSetup();
		await store.setBundle('SET', [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }]);
		const feed = [
			{ sku: 'A', onHand: 20 },
			{ sku: 'B', onHand: 5 },
			{ sku: 'C', location: 'east', onHand: 3 },
			{ sku: 'C', location: 'west', onHand: 4 },
		];
		const sync = allocator('Sync', { operation: 'syncStock' });
		const first = await runWorkflow(flow(feed, [sync]), { credentials });
		expect(first.error).toBeUndefined();
		const out1 = outputOf(first, 'Sync', 1);
		// A: ATP 20. amazon (priority) 50 % of 20 - 1 = 9; the rest 11: ebay 50 % = 5 capped at 4, shopify 5.
		// B: ATP 5. amazon 2 - 1 = 1; rest 4: ebay 2, shopify 2.  C: ATP 3 + 4 = 7. amazon 3 - 1 = 2; rest 5: 2, 2.
		// SET: min(floor(20 / 2), 5) = 5, as B.
		expect(out1.map(key).sort()).toEqual(
			[
				'amazon/A=9', 'ebay/A=4', 'shopify/A=5',
				'amazon/B=1', 'ebay/B=2', 'shopify/B=2',
				'amazon/C=2', 'ebay/C=2', 'shopify/C=2',
				'amazon/SET=1', 'ebay/SET=2', 'shopify/SET=2',
			].sort(),
		);
		const a = out1.find((o) => o.channel === 'ebay' && o.sku === 'A')!;
		expect(a).toMatchObject({ previous: null, atp: 20, rule: 'channel:ebay', tier: 'normal' });
		expect(String(a.explain)).toMatch(/capped at maxListed 4/);
		expect(first.runData.Sync[0].data!.main[1]![0].pairedItem).toEqual({ item: 0 });
		// Result: the stock levels taken, one per input item, the location filled in
		expect(outputOf(first, 'Sync', 0)).toEqual([
			{ sku: 'A', location: 'default', onHand: 20 },
			{ sku: 'B', location: 'default', onHand: 5 },
			{ sku: 'C', location: 'east', onHand: 3 },
			{ sku: 'C', location: 'west', onHand: 4 },
		]);

		// the same feed again: nothing changed, nothing emitted
		const again = await runWorkflow(flow(feed, [sync]), { credentials });
		expect(outputOf(again, 'Sync', 1)).toEqual([]);
		expect(outputOf(again, 'Sync', 0)).toHaveLength(4);

		// A drops to 8: A and the bundle move; bad items go to the error output, the rest of the batch goes on
		const next = await runWorkflow(
			flow([{ sku: 'A', onHand: 8 }, { sku: 'B', onHand: -1 }, { onHand: 3 }, { sku: 'C', location: 'east', onHand: 3.5 }, { sku: 'C', location: 'east', onHand: 3 }, { sku: 'D\u00001', onHand: 2 }, { sku: 'D', location: 'w\ud800', onHand: 2 }], [sync]),
			{ credentials },
		);
		const [levels, changed, errors] = outputsOf(next, 'Sync');
		expect(levels).toEqual([
			{ sku: 'A', location: 'default', onHand: 8 },
			{ sku: 'C', location: 'east', onHand: 3 },
		]);
		// A: ATP 8: amazon 4 - 1 = 3; rest 5: ebay 2, shopify 2.  SET: min(4, 5) = 4: amazon 1; rest 3: ebay 1, shopify 1.
		expect(changed.map((o) => [key(o), o.previous])).toEqual([
			['amazon/A=3', 9],
			['ebay/A=2', 4],
			['shopify/A=2', 5],
			['ebay/SET=1', 2],
			['shopify/SET=1', 2],
		]);
		expect(errors.map((e) => e.error)).toEqual([
			'Inventory item B: on hand in field "onHand" must be a whole number of units >= 0, got -1',
			'Inventory item has no SKU in field "sku" (got nothing)',
			'Inventory item C: on hand in field "onHand" must be a whole number of units >= 0, got 3.5',
			// what PostgreSQL cannot store is refused on that item, not by the store for the whole feed
			'Inventory item SKU in field "sku" must not contain a NUL character (U+0000)',
			'Inventory item D: location in field "location" must not contain an unpaired UTF-16 surrogate (U+D800)',
		]);
		expect((await store.getStock(['B']))[0].onHand).toBe(5);
		expect((await store.getPublished('amazon', ['A']))[0].quantity).toBe(3);
	});

	it('configurable field names; Full Recompute re-sends what the store does not show as published; Record as Published off emits again', async () => {
		const { credentials, store } = await sqliteSetup();
		const feed = [{ item: 'X', qty: 10, wh: 'main' }];
		const fields = { sku: 'item', onHand: 'qty', location: 'wh' };
		const sync = allocator('Sync', { operation: 'syncStock', fields, channels: ['amazon'], channelRules: {} });
		expect(outputOf(await runWorkflow(flow(feed, [sync]), { credentials }), 'Sync', 1).map(key)).toEqual(['amazon/X=10']);
		expect((await store.getStock(['X']))[0]).toMatchObject({ location: 'main', onHand: 10 });
		// a marketplace push failed and someone reset the recorded quantity: only a full recompute sees it
		await store.setPublished([{ channel: 'amazon', sku: 'X', quantity: 7 }]);
		expect(outputOf(await runWorkflow(flow(feed, [sync]), { credentials }), 'Sync', 1)).toEqual([]);
		const full = allocator('Sync', { operation: 'syncStock', fields, channels: ['amazon'], channelRules: {}, options: { fullRecompute: true, explain: false } });
		const fullOut = outputOf(await runWorkflow(flow(feed, [full]), { credentials }), 'Sync', 1);
		expect(fullOut).toEqual([{ channel: 'amazon', sku: 'X', quantity: 10, previous: 7, atp: 10, rule: 'defaults', tier: 'normal', basis: expect.any(Number) }]);
		// not recorded: the same change is emitted on every run until something records it
		const noRecord = allocator('Sync', { operation: 'syncStock', fields, channels: ['amazon'], channelRules: {}, options: { recordPublished: false } });
		const feed2 = [{ item: 'X', qty: 6, wh: 'main' }];
		expect(outputOf(await runWorkflow(flow(feed2, [noRecord]), { credentials }), 'Sync', 1).map(key)).toEqual(['amazon/X=6']);
		const fullNoRecord = allocator('Sync', { operation: 'syncStock', fields, channels: ['amazon'], channelRules: {}, options: { recordPublished: false, fullRecompute: true } });
		expect(outputOf(await runWorkflow(flow(feed2, [fullNoRecord]), { credentials }), 'Sync', 1).map(key)).toEqual(['amazon/X=6']);
		expect((await store.getPublished('amazon'))[0].quantity).toBe(10);
	});

	it('refuses a rule set that cannot be satisfied, naming the parameter to fix', async () => {
		const { credentials } = await sqliteSetup();
		const bad = allocator(
			'Sync',
			{
				operation: 'syncStock',
				channelRules: { rule: [{ channel: 'amazon', sharePercent: 50, options: { keepAliveMin: 5, maxListed: 2 } }, { channel: 'ebay', sharePercent: 60, options: { priorityRank: 1 } }] },
			},
			{ onError: undefined },
		);
		const r = await runWorkflow(flow([{ sku: 'A', onHand: 1 }], [bad]), { credentials });
		expect(nodeError(r, 'Sync')?.message).toMatch(/Channel Rules #1 \(amazon\): cannot be satisfied: keepAliveMin 5 is above maxListed 2/);
		const over = allocator('Sync', { operation: 'syncStock', rulesSource: 'json', ruleSetJson: JSON.stringify({ channels: [{ channel: 'amazon', sharePercent: 120 }] }) }, { onError: undefined });
		const r2 = await runWorkflow(flow([{ sku: 'A', onHand: 1 }], [over]), { credentials });
		expect(nodeError(r2, 'Sync')?.message).toMatch(/\$\.channels\[0\]\.sharePercent: share over 100 percent \(120\)/);
		const prio = allocator(
			'Sync',
			{ operation: 'syncStock', channelRules: { rule: [{ channel: 'amazon', sharePercent: 60, options: { priorityRank: 1 } }, { channel: 'ebay', sharePercent: 60, options: { priorityRank: 2 } }] } },
			{ onError: undefined },
		);
		expect(nodeError(await runWorkflow(flow([{ sku: 'A', onHand: 1 }], [prio]), { credentials }), 'Sync')?.message).toMatch(
			/priority channel shares sum to 120 percent/,
		);
	});
});

describe('inventoryAllocator: Preview with a rule set per item', () => {
	it('a rule over 100 percent is an error on that item only; the other items are previewed', async () => {
		const { credentials, store } = await sqliteSetup();
		await store.upsertStockLevels([{ sku: 'A', onHand: 10 }]);
		const pv = allocator('Preview', { operation: 'preview', previewSkus: 'A', rulesSource: 'json', ruleSetJson: '={{ JSON.stringify($json.rules) }}', channels: [] });
		const items = [
			{ rules: { channels: [{ channel: 'amazon', sharePercent: 30 }] } },
			{ rules: { channels: [{ channel: 'amazon', sharePercent: 130 }] } },
			{ rules: { channels: [{ channel: 'ebay', sharePercent: 50, buffer: 1 }] } },
		];
		const r = await runWorkflow(flow(items, [pv]), { credentials });
		const [ok, changes, errors] = outputsOf(r, 'Preview');
		expect(changes).toEqual([]);
		expect(ok.map((p) => [p.channel, p.quantity])).toEqual([
			['amazon', 3],
			['ebay', 4],
		]);
		expect(errors).toHaveLength(1);
		expect(errors[0].error).toMatch(/\$\.channels\[0\]\.sharePercent: share over 100 percent \(130\)/);
		expect(r.runData.Preview[0].data!.main[2]![0].pairedItem).toEqual({ item: 1 });
		expect(await store.getPublished()).toEqual([]);
	});
});

describe('inventoryAllocator: Reserve, Release, Commit Shipment, Preview', () => {
	async function seeded(setup: () => Promise<{ credentials: StoreCredentials; store: Store }>) {
		const s = await setup();
		await s.store.setBundle('CUP-SET', [{ sku: 'CUP', quantity: 2 }, { sku: 'LID', quantity: 1 }]);
		const feed = [
			{ sku: 'A', onHand: 10 },
			{ sku: 'B', onHand: 3 },
			{ sku: 'CUP', onHand: 6 },
			{ sku: 'LID', onHand: 2 },
		];
		const sync = allocator('Sync', { operation: 'syncStock' });
		expect(outputOf(await runWorkflow(flow(feed, [sync]), { credentials: s.credentials }), 'Sync', 1)).toHaveLength(15);
		return s;
	}

	const line = (lineId: string, sku: string, quantity: number) => ({ lineId, sku, title: null, quantity, unitPrice: 1, lineTotal: quantity });

	async function reserveSuite(setup: () => Promise<{ credentials: StoreCredentials; store: Store }>) {
		const { credentials, store } = await seeded(setup);
		const full = makeOrder({ channelOrderId: 'r1', lines: [line('1', 'A', 3), line('2', 'CUP-SET', 1)] });
		const partial = makeOrder({ channel: 'ebay', channelOrderId: 'r2', lines: [line('1', 'B', 5)] });
		const unknown = makeOrder({ channelOrderId: 'r3', lines: [line('1', 'A', 1), line('2', 'NOPE', 1)] });
		const negative = { ...makeOrder({ channelOrderId: 'r4' }), lines: [line('1', 'A', -2)] };
		const fractional = { ...makeOrder({ channelOrderId: 'r5' }), lines: [line('1', 'A', 1.5)] };
		const unrecorded = makeOrder({ channelOrderId: 'r6', lines: [line('1', 'A', 1)] });
		const cancelled = makeOrder({ channelOrderId: 'r7', lines: [line('1', 'A', 1)], readiness: 'cancelled' });
		for (const o of [full, partial, unknown, cancelled]) await store.recordOrder(o);
		const items = [full, partial, unknown, negative, fractional, unrecorded, cancelled];
		const reserve = allocator('Reserve', { operation: 'reserve' });
		const r = await runWorkflow(flow(items, [reserve]), { credentials });
		expect(r.error).toBeUndefined();
		const [orders, changes, errors] = outputsOf(r, 'Reserve');
		expect(orders.map((o) => [o.omsId, (o.allocation as { status: string }).status])).toEqual([
			['shopify:r1', 'allocated'],
			['ebay:r2', 'partial'],
		]);
		expect((orders[1].allocation as { lines: unknown[] }).lines[0]).toMatchObject({ sku: 'B', requested: 5, allocated: 3, backordered: 2 });
		expect((orders[0].allocation as { lines: Array<{ parts: unknown }> }).lines[1].parts).toEqual([
			{ sku: 'CUP', location: 'default', quantity: 2 },
			{ sku: 'LID', location: 'default', quantity: 1 },
		]);
		expect(errors.map((e) => e.error)).toEqual([
			'Cannot reserve shopify:r3: $.lines[1].sku: unknown SKU "NOPE": no stock row or bundle for it (has the WMS inventory been synced?)',
			'Cannot reserve shopify:r4: $.lines[0].quantity: quantity must not be negative, got -2',
			'Cannot reserve shopify:r5: $.lines[0].quantity: quantity must be a whole number of units, got 1.5',
			'No order shopify:r6 in the OMS store: record it with OMS Order > Record before reserving',
			'Order shopify:r7 is cancelled in the OMS: nothing is reserved for it',
		]);
		expect(r.runData.Reserve[0].data!.main[2]!.map((i) => i.pairedItem)).toEqual([{ item: 2 }, { item: 3 }, { item: 4 }, { item: 5 }, { item: 6 }]);
		// nothing of the refused order was reserved
		expect(await store.activeReservations('shopify:r3')).toEqual([]);
		// the other channels learn of the sales in the same execution.
		// A: ATP 10 -> 7: amazon 50 % of 7 - 1 = 2 (was 5 - 1 = 4)
		expect(new Set(changes.map((c) => c.sku))).toEqual(new Set(['A', 'B', 'CUP', 'LID', 'CUP-SET']));
		expect(changes.find((c) => c.channel === 'amazon' && c.sku === 'A')).toMatchObject({ quantity: 2, previous: 4, atp: 7 });
		// each carries the stock versions it came from, so the Marketplace node can tell the newer of two quantities
		const stockA = await store.getStock(['A']);
		expect(changes.find((c) => c.sku === 'A')!.basis).toBe(stockA.reduce((n, r) => n + r.version, 0));
		expect(changes.filter((c) => c.sku === 'B').map(key)).toEqual(['ebay/B=0', 'shopify/B=0']); // amazon already listed 1 - 1 = 0
		expect(changes.filter((c) => c.sku === 'CUP-SET').map((c) => c.atp)).toContain(1);
		for (const c of changes) expect(c.previous).not.toBe(c.quantity);
		const timeline = await store.timeline('shopify:r1');
		expect(timeline.map((e) => e.type)).toEqual(['recorded', 'reservation', 'allocation']);
		expect((await store.getOrder('ebay:r2'))!.order.allocation).toMatchObject({ status: 'partial' });

		// Reserve the same orders again: nothing changes, no quantity changes, no new timeline entries
		const again = await runWorkflow(flow([full, partial], [reserve]), { credentials });
		const [orders2, changes2] = outputsOf(again, 'Reserve');
		expect(orders2.map((o) => (o.allocation as { status: string }).status)).toEqual(['allocated', 'partial']);
		expect(changes2).toEqual([]);
		expect((await store.timeline('shopify:r1')).length).toBe(3);
		expect((await store.getStock(['A']))[0]).toMatchObject({ reserved: 3, atp: 7 });

		// Release the whole first order: its units come back and the channels hear of it
		const release = allocator('Release', { operation: 'release' });
		const rel = await runWorkflow(flow([{ omsId: 'shopify:r1' }, { omsId: 'shopify:none' }], [release]), { credentials });
		const [released, relChanges, relErrors] = outputsOf(rel, 'Release');
		expect(released[0]).toMatchObject({ omsId: 'shopify:r1', releasedUnits: 6 });
		expect(relChanges.find((c) => c.channel === 'amazon' && c.sku === 'A')).toMatchObject({ quantity: 4, previous: 2 });
		expect(relErrors[0].error).toBe('No order shopify:none in the OMS store');
		expect((await store.getStock(['A']))[0].reserved).toBe(0);

		// Release some lines; Commit Shipment of the rest, once per package
		const some = allocator('Release', { operation: 'release', releaseScope: 'lines', releaseLines: JSON.stringify([{ sku: 'B', quantity: 1 }]) });
		expect(outputOf(await runWorkflow(flow([{ omsId: 'ebay:r2' }], [some]), { credentials }), 'Release')[0]).toMatchObject({ releasedUnits: 1 });
		const commit = allocator('Commit', { operation: 'commitShipment' });
		const pkg = { omsId: 'ebay:r2', packageKey: 'PKG-1', lines: [{ sku: 'B', quantity: 2 }] };
		const c1 = await runWorkflow(flow([pkg, pkg, { omsId: 'ebay:r2', packageKey: 'PKG-2', lines: [{ sku: 'B', quantity: -1 }] }], [commit]), { credentials });
		const [committed, , commitErrors] = outputsOf(c1, 'Commit');
		expect(committed.map((c) => [c.changed, c.committedUnits])).toEqual([
			[true, 2],
			[false, 0],
		]);
		expect(commitErrors[0].error).toMatch(/Shipped Lines\[0\] \(B\): quantity must be a whole number >= 0, got -1/);
		expect((await store.getStock(['B']))[0]).toMatchObject({ onHand: 1, reserved: 0, atp: 1 });

		// Preview: what each channel would list, against what was published; writes nothing
		const publishedBefore = await store.getPublished();
		const pv = allocator('Preview', {
			operation: 'preview',
			previewSkus: 'A, CUP-SET',
			channelRules: { rule: [{ channel: 'amazon', sharePercent: 100, options: { maxListed: 2 } }] },
			channels: ['amazon'],
		});
		const preview = outputOf(await runWorkflow(flow([{}], [pv]), { credentials }), 'Preview');
		expect(preview.map((p) => [p.channel, p.sku, p.quantity, p.published, p.changed])).toEqual([
			['amazon', 'A', 2, 4, true],
			['amazon', 'CUP-SET', 2, 0, true],
		]);
		expect(preview[1]).toMatchObject({ bundle: true, atp: 2, rule: 'channel:amazon' });
		expect(String(preview[0].explain)).toMatch(/ATP 10; 100% of pool 10 = 10; capped at maxListed 2 => 2/);
		expect(await store.getPublished()).toEqual(publishedBefore);
	}

	it('on SQLite', async () => {
		await reserveSuite(sqliteSetup);
	});

	it('on PostgreSQL', async () => {
		await reserveSuite(pgSetup);
	});
});
