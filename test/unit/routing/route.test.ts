/**
 * Routing (issue 23), table-driven: each rule alone, rules in different orders, ties, filters, buffers, splits and
 * short stock, and invariants over many generated orders (a seeded generator: the same cases every run).
 */
import { checkRules, DEFAULT_RULES, routeOrder, RoutingRulesError, shipmentCost, type RouteLine, type RouteRequest, type RoutingRule, type RoutingWarehouse } from '../../../lib/routing';

const wh = (location: string, country: string, postcode: string | null, extra: Partial<RoutingWarehouse> = {}): RoutingWarehouse => ({
	location,
	country,
	postcode,
	channels: [],
	priority: 0,
	buffer: 0,
	active: true,
	...extra,
});
const WEST = wh('west', 'US', '89502'); // Reno NV
const EAST = wh('east', 'US', '07001'); // Avenel NJ
const CENTRAL = wh('central', 'US', '60601'); // Chicago
const SF = { country: 'US', postcode: '94103' };
const NYC = { country: 'US', postcode: '10001' };

type Stock = Record<string, Record<string, number>>;
const stockOf = (s: Stock) => (location: string, sku: string) => s[location]?.[sku] ?? 0;
const lines = (...ls: Array<[string, number]>): RouteLine[] => ls.map(([sku, quantity], i) => ({ lineId: String(i + 1), sku, quantity }));

function route(req: Partial<RouteRequest> & { stock: Stock }) {
	return routeOrder({ channel: 'shopify', shipTo: SF, lines: lines(['A', 1]), warehouses: [WEST, EAST], available: stockOf(req.stock), ...req });
}
/** The plan as [location, [sku x quantity ...]] pairs, for short expectations */
const shape = (p: ReturnType<typeof routeOrder>) => p.shipments.map((s) => [s.location, s.lines.map((l) => `${l.sku}x${l.quantity}`)]);

describe('routeOrder', () => {
	it('one warehouse: every line from it, as before routing existed', () => {
		const p = route({ warehouses: [wh('default', 'US', null)], lines: lines(['A', 2], ['B', 1]), stock: { default: { A: 5, B: 5 } } });
		expect(shape(p)).toEqual([['default', ['Ax2', 'Bx1']]]);
		expect(p.unfilled).toEqual([]);
		expect(p.reason).toBe('default ships all lines (same country): the only warehouse with every line');
	});

	it.each([
		['a west-coast order goes west', SF, 'west', /^west ships all lines \(\d+ km\): closest with all lines: \d+ km; the next best \(east\) [\d,]+ km$/],
		['an east-coast order goes east', NYC, 'east', /^east ships all lines \(\d+ km\): closest with all lines: \d+ km; the next best \(west\) [\d,]+ km$/],
	])('%s (both have everything: closest decides)', (_name, shipTo, location, reason) => {
		const p = route({ shipTo, lines: lines(['A', 1], ['B', 2]), stock: { west: { A: 9, B: 9 }, east: { A: 9, B: 9 } } });
		expect(shape(p)).toEqual([[location, ['Ax1', 'Bx2']]]);
		expect(p.reason).toMatch(reason);
	});

	it('fewest shipments before closest: the far warehouse with every line beats a split from the near one', () => {
		const p = route({ lines: lines(['A', 1], ['B', 1]), stock: { west: { A: 9 }, east: { A: 9, B: 9 } } });
		expect(shape(p)).toEqual([['east', ['Ax1', 'Bx1']]]);
		expect(p.reason).toMatch(/^east ships all lines \([\d,]+ km\): the only warehouse with every line; the others cannot ship it all$/);
		// when the others together could: they would need more shipments
		const q = route({ warehouses: [WEST, EAST, CENTRAL], lines: lines(['A', 1], ['B', 1]), stock: { west: { A: 9 }, central: { B: 9 }, east: { A: 9, B: 9 } } });
		expect(shape(q)).toEqual([['east', ['Ax1', 'Bx1']]]);
		expect(q.reason).toMatch(/: the only warehouse with every line; the others would need more shipments$/);
	});

	it('fewest shipments after another rule: the plans are compared whole, and the reason names the split avoided', () => {
		const p = route({ rules: [{ rule: 'sameCountry' }, { rule: 'fewestShipments' }, { rule: 'closest' }], lines: lines(['A', 1], ['B', 1]), stock: { west: { A: 9 }, east: { A: 9, B: 9 } } });
		expect(shape(p)).toEqual([['east', ['Ax1', 'Bx1']]]);
		expect(p.reason).toMatch(/^east ships all lines \([\d,]+ km\): ships complete; the next best \(west \+ east\) needed a split into 2$/);
	});

	it('closest before fewest shipments: the near warehouse ships what it has, the far one the rest', () => {
		const rules: RoutingRule[] = [{ rule: 'closest' }, { rule: 'fewestShipments' }];
		const p = route({ rules, lines: lines(['A', 3], ['B', 1]), stock: { west: { A: 9 }, east: { A: 9, B: 9 } } });
		expect(shape(p)).toEqual([
			['east', ['Bx1']],
			['west', ['Ax3']],
		]);
		expect(p.reason).toMatch(/^2 shipments: west 1 line, 3 units \(\d+ km\); east 1 line, 1 unit \([\d,]+ km\): closest: [\d,]+ km; the next best \(east\)/);
	});

	it('no warehouse has every line: the fewest shipments, and among equal splits the closest pair', () => {
		const p = route({ warehouses: [WEST, EAST, CENTRAL], lines: lines(['A', 1], ['B', 1]), stock: { west: { A: 5 }, east: { B: 5 }, central: { B: 5 } } });
		expect(shape(p)).toEqual([
			['central', ['Bx1']],
			['west', ['Ax1']],
		]);
		expect(p.reason).toMatch(/: closest: [\d,]+ km; the next best \(west \+ east\) [\d,]+ km$/);
	});

	it('one line split across warehouses when none has its quantity alone', () => {
		const p = route({ lines: lines(['A', 5]), stock: { west: { A: 3 }, east: { A: 4 } } });
		expect(shape(p)).toEqual([
			['east', ['Ax2']],
			['west', ['Ax3']],
		]);
		expect(p.unfilled).toEqual([]);
	});

	it.each([
		['shopify', ['west', 'east'], 'east', 'not eligible: west (serves amazon only)'],
		['amazon', ['west', 'east'], 'west', null],
	])('channel restrictions: a %s order', (channel, _all, location, note) => {
		const p = route({ channel, warehouses: [wh('west', 'US', '89502', { channels: ['amazon'] }), EAST], stock: { west: { A: 9 }, east: { A: 9 } } });
		expect(shape(p).map((s) => s[0])).toEqual([location]);
		if (note) expect(p.reason).toContain(note);
		else expect(p.reason).not.toContain('not eligible');
	});

	it('without the channels rule a warehouse serves every channel', () => {
		const p = route({ channel: 'shopify', rules: [{ rule: 'closest' }], warehouses: [wh('west', 'US', '89502', { channels: ['amazon'] }), EAST], stock: { west: { A: 9 }, east: { A: 9 } } });
		expect(shape(p).map((s) => s[0])).toEqual(['west']);
	});

	const TORONTO = wh('toronto', 'CA', 'M5V 2T6');
	const BUFFALO = wh('buffalo', 'US', '14201', { priority: 9 });
	it.each<[string, RoutingRule[], Stock, string[], string[]]>([
		['sameCountry prefers the destination country', [{ rule: 'sameCountry' }, { rule: 'priority' }], { toronto: { A: 9 }, buffalo: { A: 9 } }, ['toronto'], []],
		['priority alone prefers the higher priority', [{ rule: 'priority' }, { rule: 'sameCountry' }], { toronto: { A: 9 }, buffalo: { A: 9 } }, ['buffalo'], []],
		['sameCountry falls back abroad when home has none', [{ rule: 'sameCountry' }], { toronto: {}, buffalo: { A: 9 } }, ['buffalo'], []],
		['sameCountry only never ships from abroad', [{ rule: 'sameCountry', only: true }], { toronto: {}, buffalo: { A: 9 } }, [], ['Ax1']],
	])('%s', (_name, rules, stock, locations, unfilled) => {
		const p = route({ rules, shipTo: { country: 'CA', postcode: 'M4C 1B5' }, warehouses: [TORONTO, BUFFALO], stock });
		expect(p.shipments.map((s) => s.location)).toEqual(locations);
		expect(p.unfilled.map((l) => `${l.sku}x${l.quantity}`)).toEqual(unfilled);
	});

	it('priority decides where distance ties (two warehouses in Germany: no centroids, same tier)', () => {
		const p = route({ shipTo: { country: 'DE', postcode: '80331' }, warehouses: [wh('berlin', 'DE', '10115', { priority: 1 }), wh('hamburg', 'DE', '20095', { priority: 5 })], stock: { berlin: { A: 9 }, hamburg: { A: 9 } } });
		expect(p.shipments.map((s) => s.location)).toEqual(['hamburg']);
		expect(p.reason).toBe('hamburg ships all lines (same country): highest priority with all lines (5); the next best (berlin) 1');
	});

	it('cost by a zone/rate table: the cheapest shipment wins; a warehouse with no rate comes after any with one', () => {
		const rates = [
			{ from: 'west', cost: 9 },
			{ from: 'east', country: 'US', cost: 12 },
			{ from: 'east', country: 'US', postcodePrefix: '9', cost: 7.5 },
		];
		const rules: RoutingRule[] = [{ rule: 'cost', rates }, { rule: 'closest' }];
		const p = route({ rules, stock: { west: { A: 9 }, east: { A: 9 } } });
		expect(p.shipments.map((s) => [s.location, s.cost])).toEqual([['east', 7.5]]);
		expect(p.reason).toMatch(/cheapest with all lines \(7\.5\); the next best \(west\) costs 9$/);
		const noRate = route({ rules: [{ rule: 'cost', rates: [{ from: 'east', cost: 99 }] }], stock: { west: { A: 9 }, east: { A: 9 } } });
		expect(noRate.shipments.map((s) => s.location)).toEqual(['east']);
	});

	it('a tie on every rule goes to the first location by name, whatever order the warehouses come in', () => {
		const a = wh('b-site', 'DE', '10115');
		const b = wh('a-site', 'DE', '10115');
		for (const warehouses of [
			[a, b],
			[b, a],
		]) {
			const p = route({ shipTo: { country: 'DE', postcode: '10117' }, warehouses, stock: { 'a-site': { A: 9 }, 'b-site': { A: 9 } } });
			expect(p.shipments.map((s) => s.location)).toEqual(['a-site']);
			expect(p.reason).toBe('a-site ships all lines (same postcode area): tied with b-site on every rule: first by location name');
		}
	});

	it("a warehouse's buffer is held back; a switched-off warehouse is never chosen", () => {
		const p = route({ lines: lines(['A', 3]), warehouses: [wh('west', 'US', '89502', { buffer: 3 }), wh('east', 'US', '07001', { active: false }), CENTRAL], stock: { west: { A: 5 }, east: { A: 9 }, central: { A: 9 } } });
		expect(shape(p)).toEqual([['central', ['Ax3']]]);
		expect(p.excluded).toEqual([{ location: 'east', why: 'switched off' }]);
	});

	it('not enough stock anywhere: what the warehouses have, in rank order; the rest unfilled and said', () => {
		const p = route({ lines: lines(['A', 10], ['B', 1]), stock: { west: { A: 4 }, east: { A: 3 } } });
		expect(shape(p)).toEqual([
			['east', ['Ax3']],
			['west', ['Ax4']],
		]);
		expect(p.unfilled).toEqual([
			{ lineId: '1', sku: 'A', quantity: 3 },
			{ lineId: '2', sku: 'B', quantity: 1 },
		]);
		expect(p.reason).toMatch(/: no warehouse set the rules allow has every line; short: 3 × A, 1 × B$/);
	});

	it('maxShipments 1: ship complete or only what the best single warehouse has', () => {
		const p = route({ maxShipments: 1, lines: lines(['A', 1], ['B', 1]), stock: { west: { A: 9 }, east: { B: 9 } } });
		expect(shape(p)).toEqual([['west', ['Ax1']]]);
		expect(p.unfilled).toEqual([{ lineId: '2', sku: 'B', quantity: 1 }]);
	});

	it('no warehouse at all: every line unfilled', () => {
		const p = route({ warehouses: [], stock: {} });
		expect(p.shipments).toEqual([]);
		expect(p.unfilled).toEqual([{ lineId: '1', sku: 'A', quantity: 1 }]);
		expect(p.reason).toMatch(/^no warehouse can ship any line/);
	});

	it('wrong rules are refused, each problem named by position', () => {
		expect(() => checkRules([{ rule: 'nearest' } as unknown as RoutingRule, { rule: 'closest' }, { rule: 'closest' }, { rule: 'cost', rates: [] }])).toThrow(
			new RoutingRulesError(['rule 1: unknown rule "nearest" (one of channels, sameCountry, fewestShipments, closest, priority, cost)', 'rule 3: closest is listed twice', 'rule 4 (cost): the rate table is empty']),
		);
		expect(() => checkRules([{ rule: 'cost', rates: [{ cost: -1 }] }])).toThrow('rule 1 (cost), rate 1: cost must be a number >= 0, got -1');
		expect(() => route({ lines: lines(['A', 1.5]), stock: {} })).toThrow('line 1: quantity must be a whole number >= 0, got 1.5');
		expect(checkRules(DEFAULT_RULES)).toEqual(DEFAULT_RULES);
	});

	it.each([
		['the warehouse row beats any prefix', 'west', 'US', '94103', 1],
		['the longest prefix beats the country', 'east', 'US', '94103', 3],
		['the country beats any', 'east', 'US', '10001', 2],
		['any', 'east', 'GB', 'M1', 4],
	])('shipmentCost: %s', (_name, from, country, postcode, cost) => {
		const rates = [{ cost: 4 }, { country: 'US', cost: 2 }, { country: 'US', postcodePrefix: '94', cost: 3 }, { from: 'west', cost: 1 }];
		expect(shipmentCost(rates, from, country, postcode)).toBe(cost);
	});

	it('invariants over 500 generated orders: never more than a warehouse has, every unit shipped or unfilled, the same answer twice', () => {
		let seed = 42;
		const rand = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return seed % n;
		};
		const zips = ['89502', '07001', '60601', '30301', '75201', '98101'];
		const skus = ['A', 'B', 'C', 'D'];
		for (let i = 0; i < 500; i++) {
			const warehouses = zips.slice(0, 2 + rand(5)).map((z, j) => wh(`w${j}`, 'US', z, { buffer: rand(2), priority: rand(3) }));
			const stock: Stock = {};
			for (const w of warehouses) stock[w.location] = Object.fromEntries(skus.map((s) => [s, rand(4)]));
			const ls = lines(...skus.slice(0, 1 + rand(4)).map((s): [string, number] => [s, 1 + rand(4)]));
			const req = { shipTo: { country: 'US', postcode: zips[rand(zips.length)] }, warehouses, lines: ls, stock };
			const p = route(req);
			expect(route(req)).toEqual(p);
			const taken = new Map<string, number>();
			for (const s of p.shipments) {
				expect(s.units).toBeGreaterThan(0);
				for (const l of s.lines) taken.set(`${s.location}|${l.sku}`, (taken.get(`${s.location}|${l.sku}`) ?? 0) + l.quantity);
			}
			for (const [k, q] of taken) {
				const [loc, sku] = k.split('|');
				const w = warehouses.find((x) => x.location === loc)!;
				expect(q).toBeLessThanOrEqual(Math.max(0, stock[loc][sku] - w.buffer));
			}
			for (const l of ls) {
				const shipped = p.shipments.flatMap((s) => s.lines).filter((x) => x.lineId === l.lineId).reduce((s, x) => s + x.quantity, 0);
				const short = p.unfilled.filter((x) => x.lineId === l.lineId).reduce((s, x) => s + x.quantity, 0);
				expect(shipped + short).toBe(l.quantity);
			}
			// a plan that fills the order never uses more shipments than the fewest any set of warehouses could
			if (!p.unfilled.length) {
				const fits = (w: RoutingWarehouse) => ls.every((l) => stock[w.location][l.sku] - w.buffer >= l.quantity);
				if (warehouses.some(fits)) expect(p.shipments).toHaveLength(1);
			}
		}
	});
});
