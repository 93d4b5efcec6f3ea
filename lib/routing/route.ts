/**
 * Which warehouse ships which lines of an order: a pure decision (no store, no n8n). The caller gives the order's
 * lines, the ship-to place, the warehouses and the units each can promise (its ATP; the warehouse's buffer is taken
 * off here), and the rules in order (./rules.ts); the answer is the shipments, the lines no warehouse could fill,
 * and a reason in words for the choice ("west ships all lines (212 km): closest with all lines: 212 km; the next
 * best (east) 3,905 km").
 *
 * How: the eligible warehouses (active; channels and `sameCountry only` as filters) are ranked one by one by the
 * rules; every set of up to MAX_ENUMERATED warehouses whose stock covers the order is a candidate plan (its lines
 * assigned in that rank order: a whole line to the first warehouse of the set that has it all, else split across
 * them in order), plans in which a warehouse would ship nothing are dropped (a smaller set is the same plan), and the
 * plans are compared rule by rule. When `fewestShipments` comes first, sets larger than the smallest covering one
 * are not looked at. When no set of that size covers the order, the warehouses in rank order each give what they
 * have (at most `maxShipments` of them) and the rest is unfilled.
 */
import { checkRules, DEFAULT_RULES, shipmentCost, type RoutingRule } from './rules';
import { kmText, proximity, proximityText, type Place, type Proximity } from './distance';

/** What routing reads of a warehouse (lib/stock/warehouse.ts Warehouse has it all). */
export interface RoutingWarehouse {
	location: string;
	country: string;
	postcode: string | null;
	channels: readonly string[];
	priority: number;
	buffer: number;
	active: boolean;
}

export interface RouteLine {
	lineId: string;
	sku: string;
	quantity: number;
}

export interface RouteRequest {
	channel: string;
	/** null: unknown (distance and country rules then tie) */
	shipTo: Place | null;
	lines: readonly RouteLine[];
	warehouses: readonly RoutingWarehouse[];
	/** Units of a SKU a location can promise (ATP), before the warehouse's own buffer */
	available: (location: string, sku: string) => number;
	/** Omitted: DEFAULT_RULES */
	rules?: readonly RoutingRule[];
	/** At most this many shipments (1: ship complete or fill what one warehouse can); omitted: no limit */
	maxShipments?: number;
}

export interface RoutedShipment {
	location: string;
	lines: RouteLine[];
	units: number;
	proximity: Proximity;
	/** By the cost rule's table; null when there is no cost rule or no rate matches */
	cost: number | null;
}

export interface RoutePlan {
	/** Ordered by location name */
	shipments: RoutedShipment[];
	/** Units no eligible warehouse could fill (to backorder) */
	unfilled: RouteLine[];
	/** Warehouses routing could not choose, and why */
	excluded: Array<{ location: string; why: string }>;
	/** The choice in words, for the order's timeline */
	reason: string;
}

/** Sets of at most this many warehouses are compared exhaustively (10 warehouses: 385 sets). */
export const MAX_ENUMERATED = 4;

interface Cand {
	w: RoutingWarehouse;
	prox: Proximity;
	cost: number | null;
	stock: Map<string, number>;
}

interface Plan {
	shipments: Array<{ c: Cand; lines: RouteLine[]; units: number }>;
	unfilled: RouteLine[];
	units: number;
	outUnits: number;
	km: number | null;
	tier: number;
	priority: number;
	unknownCost: number;
	cost: number;
	key: string;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function planOf(parts: Array<{ c: Cand; lines: RouteLine[] }>, unfilled: RouteLine[], dest: Place): Plan {
	const shipments = parts.map((p) => ({ ...p, units: p.lines.reduce((s, l) => s + l.quantity, 0) })).filter((s) => s.units > 0);
	const units = shipments.reduce((s, x) => s + x.units, 0) || 1;
	const w = (f: (s: (typeof shipments)[number]) => number) => shipments.reduce((s, x) => s + x.units * f(x), 0) / units;
	const located = shipments.every((s) => s.c.prox.km !== null);
	return {
		shipments,
		unfilled,
		units,
		outUnits: dest.country ? shipments.filter((s) => s.c.w.country !== dest.country).reduce((s, x) => s + x.units, 0) : 0,
		km: located && shipments.length ? w((s) => s.c.prox.km!) : null,
		tier: w((s) => s.c.prox.tier),
		priority: w((s) => s.c.w.priority),
		unknownCost: shipments.filter((s) => s.c.cost === null).length,
		cost: shipments.reduce((s, x) => s + (x.c.cost ?? 0), 0),
		key: shipments
			.map((s) => s.c.w.location)
			.sort(byName)
			.join('\u0000'),
	};
}

function compareBy(rule: RoutingRule['rule'], a: Plan, b: Plan): number {
	switch (rule) {
		case 'fewestShipments':
			return a.shipments.length - b.shipments.length;
		case 'sameCountry':
			return a.outUnits - b.outUnits;
		case 'closest':
			return a.km !== null && b.km !== null ? a.km - b.km : a.tier - b.tier;
		case 'priority':
			return b.priority - a.priority;
		case 'cost':
			return a.unknownCost - b.unknownCost || a.cost - b.cost;
		default:
			return 0;
	}
}

/** The first rule that tells the plans apart (null: none does), and the comparison. */
function decide(rules: readonly RoutingRule[], a: Plan, b: Plan): { rule: RoutingRule['rule'] | null; cmp: number } {
	for (const r of rules) {
		const cmp = compareBy(r.rule, a, b);
		if (cmp !== 0) return { rule: r.rule, cmp };
	}
	// after the rules: fewer shipments, then the locations by name
	return { rule: null, cmp: a.shipments.length - b.shipments.length || byName(a.key, b.key) };
}

/** Fill the lines from the warehouses in the order given: a whole line from the first that has it, else split in order. */
function assign(cands: readonly Cand[], lines: readonly RouteLine[], dest: Place): Plan {
	const left = new Map(cands.map((c) => [c, new Map(c.stock)]));
	const parts = cands.map((c) => ({ c, lines: [] as RouteLine[] }));
	const unfilled: RouteLine[] = [];
	for (const line of lines) {
		if (line.quantity <= 0) continue;
		const whole = parts.find((p) => (left.get(p.c)!.get(line.sku) ?? 0) >= line.quantity);
		if (whole) {
			const m = left.get(whole.c)!;
			m.set(line.sku, m.get(line.sku)! - line.quantity);
			whole.lines.push({ ...line });
			continue;
		}
		let need = line.quantity;
		for (const p of parts) {
			const m = left.get(p.c)!;
			const take = Math.min(need, m.get(line.sku) ?? 0);
			if (take <= 0) continue;
			m.set(line.sku, m.get(line.sku)! - take);
			p.lines.push({ ...line, quantity: take });
			need -= take;
			if (need === 0) break;
		}
		if (need > 0) unfilled.push({ ...line, quantity: need });
	}
	return planOf(parts, unfilled, dest);
}

function* combinations<T>(items: readonly T[], k: number, start = 0, acc: T[] = []): Generator<T[]> {
	if (acc.length === k) {
		yield acc.slice();
		return;
	}
	for (let i = start; i <= items.length - (k - acc.length); i++) {
		acc.push(items[i]);
		yield* combinations(items, k, i + 1, acc);
		acc.pop();
	}
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function describe(p: Plan): string {
	if (p.shipments.length === 0) return 'no warehouse can ship any line';
	if (p.shipments.length === 1 && !p.unfilled.length) return `${p.shipments[0].c.w.location} ships all lines (${proximityText(p.shipments[0].c.prox)})`;
	const parts = p.shipments.map((s) => `${s.c.w.location} ${plural(s.lines.length, 'line')}, ${plural(s.units, 'unit')} (${proximityText(s.c.prox)})`);
	return `${plural(p.shipments.length, 'shipment')}: ${parts.join('; ')}`;
}

const distanceOf = (p: Plan) => (p.km !== null ? kmText(p.km) : p.shipments.length === 1 ? proximityText(p.shipments[0].c.prox) : `proximity tier ${p.tier.toFixed(1)}`);
const locations = (p: Plan) => p.shipments.map((s) => s.c.w.location).join(' + ');

function why(rule: RoutingRule['rule'] | null, a: Plan, b: Plan | undefined, dest: Place, others: 'none' | 'split' | 'short'): string {
	const all = a.shipments.length === 1 ? ' with all lines' : '';
	if (!b) {
		const only = a.shipments.length === 1 ? 'the only warehouse with every line' : `the only set of ${a.shipments.length} warehouses with every line`;
		return others === 'split' ? `${only}; the others would need more shipments` : others === 'short' ? `${only}; the others cannot ship it all` : only;
	}
	const next = `the next best (${locations(b)})`;
	switch (rule) {
		case 'fewestShipments':
			return a.shipments.length === 1 ? `ships complete; ${next} needed a split into ${b.shipments.length}` : `fewest shipments (${a.shipments.length}): no warehouse has every line; ${next} needed ${b.shipments.length}`;
		case 'sameCountry':
			return `in the destination's country (${dest.country})${all}; ${next} ships ${plural(b.outUnits, 'unit')} from abroad`;
		case 'closest':
			return `closest${all}: ${distanceOf(a)}; ${next} ${distanceOf(b)}`;
		case 'priority':
			return `highest priority${all} (${+a.priority.toFixed(2)}); ${next} ${+b.priority.toFixed(2)}`;
		case 'cost':
			return `cheapest${all} (${a.unknownCost ? 'no rate for some' : +a.cost.toFixed(2)}); ${next} ${b.unknownCost ? 'has no rate' : `costs ${+b.cost.toFixed(2)}`}`;
		default:
			return `tied with ${locations(b)} on every rule: ${a.shipments.length < b.shipments.length ? 'fewer shipments' : 'first by location name'}`;
	}
}

/** Route one order. Throws RoutingRulesError for wrong rules and RangeError for a wrong line; nothing else. */
export function routeOrder(req: RouteRequest): RoutePlan {
	const rules = checkRules(req.rules ?? DEFAULT_RULES);
	for (const l of req.lines) if (!Number.isInteger(l.quantity) || l.quantity < 0) throw new RangeError(`line ${l.lineId}: quantity must be a whole number >= 0, got ${l.quantity}`);
	const maxShipments = req.maxShipments ?? Infinity;
	if (!(maxShipments >= 1)) throw new RangeError(`maxShipments must be 1 or more, got ${req.maxShipments}`);
	const dest: Place = req.shipTo ?? { country: null, postcode: null };
	const ranking = rules.filter((r) => r.rule !== 'channels');
	const costRule = rules.find((r): r is Extract<RoutingRule, { rule: 'cost' }> => r.rule === 'cost');
	const onlyCountry = rules.some((r) => r.rule === 'sameCountry' && r.only) && !!dest.country;
	const channelFilter = rules.some((r) => r.rule === 'channels');
	const channel = req.channel.toLowerCase();
	const skus = [...new Set(req.lines.map((l) => l.sku))];

	const excluded: RoutePlan['excluded'] = [];
	const cands: Cand[] = [];
	for (const w of req.warehouses) {
		if (!w.active) excluded.push({ location: w.location, why: 'switched off' });
		else if (channelFilter && w.channels.length && !w.channels.includes(channel)) excluded.push({ location: w.location, why: `serves ${w.channels.join(', ')} only` });
		else if (onlyCountry && w.country !== dest.country) excluded.push({ location: w.location, why: `not in ${dest.country}` });
		else {
			const stock = new Map<string, number>();
			for (const sku of skus) stock.set(sku, Math.max(0, Math.floor(req.available(w.location, sku)) - w.buffer));
			cands.push({ w, prox: proximity(w, dest), cost: costRule ? shipmentCost(costRule.rates, w.location, dest.country, dest.postcode) : null, stock });
		}
	}
	// each warehouse alone, ranked by the rules (the order lines are assigned in, within a set)
	const solo = new Map(cands.map((c) => [c, planOf([{ c, lines: [{ lineId: '', sku: '', quantity: 1 }] }], [], dest)]));
	cands.sort((a, b) => decide(ranking, solo.get(a)!, solo.get(b)!).cmp);

	const need = new Map<string, number>();
	for (const l of req.lines) need.set(l.sku, (need.get(l.sku) ?? 0) + l.quantity);
	const covers = (set: Cand[]) => [...need].every(([sku, q]) => set.reduce((s, c) => s + c.stock.get(sku)!, 0) >= q);
	const fewestFirst = ranking[0]?.rule === 'fewestShipments';
	const plans: Plan[] = [];
	for (let k = 1; k <= Math.min(cands.length, maxShipments, MAX_ENUMERATED); k++) {
		for (const set of combinations(cands, k)) {
			if (!covers(set)) continue;
			const plan = assign(set, req.lines, dest);
			if (plan.shipments.length === k && !plan.unfilled.length) plans.push(plan);
		}
		if (plans.length && fewestFirst) break;
	}
	let chosen: Plan;
	let runnerUp: Plan | undefined;
	if (plans.length) {
		plans.sort((a, b) => decide(ranking, a, b).cmp);
		[chosen, runnerUp] = plans;
	} else {
		// no set the rules may look at covers the order: each warehouse in rank order gives what it has
		const greedy = assign(cands, req.lines, dest);
		const kept = greedy.shipments.slice(0, Number.isFinite(maxShipments) ? maxShipments : undefined);
		chosen = kept.length === greedy.shipments.length ? greedy : assign(kept.map((s) => s.c), req.lines, dest);
	}
	const deciding = runnerUp ? decide(ranking, chosen, runnerUp).rule : null;
	const rest = cands.filter((c) => !chosen.shipments.some((s) => s.c === c));
	const others = !rest.length ? 'none' : covers(rest) ? 'split' : 'short';
	let reason = `${describe(chosen)}: ${plans.length ? why(deciding, chosen, runnerUp, dest, others) : 'no warehouse set the rules allow has every line'}`;
	if (chosen.unfilled.length) reason += `; short: ${chosen.unfilled.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}`;
	if (excluded.length) reason += `; not eligible: ${excluded.map((e) => `${e.location} (${e.why})`).join(', ')}`;
	return {
		shipments: chosen.shipments
			.map((s) => ({ location: s.c.w.location, lines: s.lines, units: s.units, proximity: s.c.prox, cost: s.c.cost }))
			.sort((a, b) => byName(a.location, b.location)),
		unfilled: chosen.unfilled,
		excluded,
		reason,
	};
}
