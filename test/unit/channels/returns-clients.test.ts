/**
 * Each channel's return intake (lib/channels/<channel>/returns.ts) against its sandbox, client and sandbox on one
 * virtual clock: the listing pages to the end (small pages), waits out a 429 and goes on, and every return it
 * lists normalises to a valid canonical return on the order's line ids; a listing from the cursor it gave finds
 * what changed after it. Amazon: the report's lifecycle (create, poll, document, flat file), a window of more than
 * 60 days asked as several reports.
 */
import { ShopifySandbox, SHOPIFY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/shopify';
import { AmazonSandbox, AMAZON_SANDBOX_CREDENTIALS } from '../../sandbox/channels/amazon';
import { EbaySandbox, EBAY_SANDBOX_CREDENTIALS } from '../../sandbox/channels/ebay';
import { WooCommerceSandbox, WOO_SANDBOX_CREDENTIALS } from '../../sandbox/channels/woocommerce';
import { WalmartSandbox, WALMART_SANDBOX_CREDENTIALS } from '../../sandbox/channels/walmart';
import { generateOrders, type SeedOrder } from '../../sandbox/generator';
import type { Fault } from '../../sandbox/common';
import { isolated, LONG_AGO, request as realRequest, VirtualClock } from '../../sandbox/testkit';
import { createChannelClient } from '../../../lib/channels/clients';
import { channelReturns } from '../../../lib/channels/registry';
import type { ChannelClient } from '../../../lib/channels/types';
import { validateReturn } from '../../../lib/returns/validate';
import type { CanonicalReturn } from '../../../lib/returns/types';

const TS = 0.01;
type Ch = 'shopify' | 'amazon' | 'ebay' | 'woocommerce' | 'walmart';

interface Setup {
	sb: { start(): Promise<string>; close(): Promise<void>; addOrders(o: SeedOrder[]): void; inject(f: Fault): void };
	creds: (url: string) => unknown;
	/** Makes a return of one unit of the order's first line; returns its channel return id */
	create: (o: SeedOrder) => Promise<string> | string;
	/** The path the listing pages on (a 429 is injected there) */
	path: RegExp;
}

function setup(ch: Ch, clock: VirtualClock): Setup {
	const o = { timeScale: TS, clock };
	switch (ch) {
		case 'walmart': {
			const sb = new WalmartSandbox(o);
			return { sb, creds: (u) => ({ ...WALMART_SANDBOX_CREDENTIALS, baseUrl: u }), create: (x) => sb.createReturn(x.id, { lineNumbers: ['1'], reason: 'WRONG_SIZE/POOR_FIT' }).returnOrderId, path: /^\/v3\/returns$/ };
		}
		case 'ebay': {
			const sb = new EbaySandbox(o);
			return { sb, creds: (u) => ({ ...EBAY_SANDBOX_CREDENTIALS, baseUrl: u }), create: (x) => sb.createReturn(x.id, { sku: x.lines[0].sku, quantity: 1 }).returnId, path: /^\/post-order\/v2\/return\/search$/ };
		}
		case 'amazon': {
			const sb = new AmazonSandbox(o);
			return { sb, creds: (u) => ({ ...AMAZON_SANDBOX_CREDENTIALS, baseUrl: u }), create: (x) => sb.createReturn(x.id, { items: [{ sku: x.lines[0].sku, quantity: 1 }] })[0].amazonRmaId, path: /^\/reports\/2021-06-30\/reports\/[^/]+$/ };
		}
		case 'shopify': {
			const sb = new ShopifySandbox(o);
			return {
				sb,
				creds: (u) => ({ ...SHOPIFY_SANDBOX_CREDENTIALS, baseUrl: u }),
				create: async (x) => String((await sb.requestReturn(x.id, [{ sku: x.lines[0].sku, quantity: 1, reason: 'DEFECTIVE' }])).ret.id),
				path: /graphql\.json$/,
			};
		}
		case 'woocommerce': {
			const sb = new WooCommerceSandbox(o);
			return {
				sb,
				creds: (u) => ({ ...WOO_SANDBOX_CREDENTIALS, storeUrl: u, baseUrl: u }),
				create: async (x) => {
					await sb.refund(x.id, { lines: [{ sku: x.lines[0].sku, quantity: 1 }], reason: 'Arrived damaged' });
					return String(sb.refunds.get(x.id)!.at(-1)!.id);
				},
				path: /\/refunds$/,
			};
		}
	}
}

/** Shipped orders whose SKUs differ line to line (Amazon's report names the line by SKU) */
const returnable = (orders: SeedOrder[]) => orders.filter((o) => o.status === 'shipped' && new Set(o.lines.map((l) => l.sku)).size === o.lines.length);

describe.each(['walmart', 'ebay', 'shopify', 'woocommerce', 'amazon'] as Ch[])('%s return intake against the sandbox', (ch) => {
	const clock = new VirtualClock();
	const request = clock.track(realRequest);
	const s = setup(ch, clock);
	const orders = generateOrders({ seed: 31, perChannel: 300, channels: [ch] }).byChannel[ch];
	let client: ChannelClient;
	beforeAll(async () => {
		const url = await s.sb.start();
		s.sb.addOrders(orders);
		client = createChannelClient(ch, s.creds(url) as never, request, isolated(TS, { clock, now: () => clock.now() }));
	});
	afterAll(() => s.sb.close());

	it('lists every return in small pages through a 429, each a valid canonical return on its order', async () => {
		const picked = returnable(orders).slice(0, 7);
		expect(picked.length).toBe(7);
		const ids: string[] = [];
		for (const o of picked) ids.push(await s.create(o));
		const intake = channelReturns(ch)!;
		s.sb.inject({ kind: 'throttle', path: s.path, times: 1 });
		const listed = await intake.listReturnsSince(client, null, { lookbackFrom: LONG_AGO, pageSize: 3 });
		const rets: CanonicalReturn[] = listed.returns.flatMap((r) => intake.normalize(r));
		expect(rets.map((r) => r.channelReturnId).sort()).toEqual([...ids].sort());
		expect(client.stats.retries).toBeGreaterThanOrEqual(1);
		for (const r of rets) {
			expect(validateReturn(r)).toEqual([]);
			const o = picked.find((x) => r.omsId === `${ch}:${x.id}`)!;
			expect(o).toBeDefined();
			expect(r.lines).toHaveLength(1);
			expect(r.lines[0]).toMatchObject({ sku: o.lines[0].sku, quantity: 1 });
		}
		if (ch !== 'amazon') expect(listed.pages).toBeGreaterThanOrEqual(3);
		else {
			// since 2020: one report per 60 days at most, back to back
			const reps = (s.sb as unknown as { reports: Array<{ dataStartTime?: number; dataEndTime?: number }> }).reports;
			expect(reps.length).toBe(listed.pages);
			expect(reps.length).toBeGreaterThan(30);
			for (const [k, r] of reps.entries()) {
				expect(r.dataEndTime! - r.dataStartTime!).toBeLessThanOrEqual(60 * 86400_000);
				if (k > 0) expect(r.dataStartTime).toBe(reps[k - 1].dataEndTime);
			}
		}

		// from the cursor it gave: a return made after it is listed
		const later = returnable(orders)[7];
		const id = await s.create(later);
		await clock.advance(1000); // a second passes (the virtual clock's fractional instant is past the report's end, in whole ms)
		const next = await intake.listReturnsSince(client, listed.cursor, { pageSize: 3 });
		expect(next.returns.flatMap((r) => intake.normalize(r)).map((r) => r.channelReturnId)).toContain(id);
	});
});
