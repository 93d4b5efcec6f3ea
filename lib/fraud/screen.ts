/**
 * Screening one canonical order against a rule set: pure decision logic. The history it needs (velocity) comes
 * through an injected lookup with the shape of Store.velocity, and the clock is injected (`now`), so the same
 * order, the same history and the same `now` always give the same decision.
 *
 * Order of evaluation, as Stripe Radar orders its rules (allow, then block, then review; the first that decides
 * ends it):
 *   1. allow list: a trusted customer passes outright (the reason is recorded). The allow list beats the deny
 *      list and every block rule: an operator who allow-lists a customer means it.
 *   2. block: deny-list hits and block-configured signals (any rule with `block: true`, Shopify CANCEL with
 *      blockOnCancel, external verdicts in blockOn) reject outright; the reasons are the block hits only.
 *   3. score: the points of every scored rule that fired are summed; at or above thresholds.reject -> reject, at
 *      or above thresholds.review -> review, else pass.
 * The rules are the registry (lib/fraud/rules/index.ts), run in its order: first every rule that needs only the
 * order (so a block from the order alone rejects without a lookup), then the rules that look at the history
 * (velocity, first order with expedited shipping).
 */
import { DateTime } from 'luxon';
import { emailKey, normalizeEmail, normalizePhone } from '../order/address';
import { identityKeys } from '../order/identity';
import type { Address, CanonicalOrder, FraudAnnotation, FraudDecision, FraudReason } from '../order/types';
import type { VelocityQuery, VelocityResult } from '../store/types';
import { channelLabel } from '../channels/registry';
import { addressText, domainMatches, domainOf, ipMatches, normalizedList, phoneMatches, wordsInOrder } from './match';
import type { HistoryContext, Hit, HitResult } from './rule-kit';
import { ruleSetVersion, type RuleSet } from './rule-set';
import { FRAUD_RULES } from './rules';

export { emailProblem, ipMatches, isPoBox, nameSimilarity, normalizeText, wordsInOrder } from './match';

/**
 * Counts earlier orders with the same identity: Store.velocity, or an in-memory fake in tests. `channels`
 * (the channels of the orders counted) is optional; when given, velocity reasons name them.
 */
export type VelocityLookup = (query: VelocityQuery) => Promise<VelocityResult & { channels?: string[] }>;

export type ScreenStage = 'allow' | 'block' | 'score';

export interface ScreenResult extends FraudAnnotation {
	decision: FraudDecision;
	score: number;
	reasons: FraudReason[];
	ruleSetVersion: string;
	/** The injected `now`, ISO 8601 UTC */
	evaluatedAt: string;
	/** Which step decided: allow list, block rules, or the score */
	stage: ScreenStage;
}

export interface ScreenOptions {
	velocity: VelocityLookup;
	/** The clock: luxon DateTime or ISO 8601 text. Never read from the wall clock inside the decision. */
	now: DateTime | string;
	/**
	 * Upper bound of the history velocity looks at (ISO). Defaults to `now`. Back-testing passes the order's own
	 * placedAt so that only orders placed before it count.
	 */
	velocityUntil?: string;
	/** The rule set's version when already computed (saves hashing it for every order of a batch) */
	ruleSetVersion?: string;
}

const ORDER_RULES = FRAUD_RULES.filter((r) => r.stage === 'order');
const HISTORY_RULES = FRAUD_RULES.filter((r) => r.stage === 'history');

/** A rule's settings are there and switched on (a list rule switches each entry itself) */
function isOn(cfg: unknown): boolean {
	if (cfg === null || cfg === undefined) return false;
	return Array.isArray(cfg) || Boolean((cfg as { enabled?: unknown }).enabled);
}

function add(hits: Hit[], result: HitResult): void {
	if (!result) return;
	if (Array.isArray(result)) hits.push(...result);
	else hits.push(result);
}

export function toDateTime(now: DateTime | string, what = 'now'): DateTime {
	const dt = typeof now === 'string' ? DateTime.fromISO(now, { zone: 'utc' }) : now.toUTC();
	if (!dt.isValid) throw new Error(`Invalid ${what} ${JSON.stringify(typeof now === 'string' ? now : now.toString())}: expected an ISO 8601 time`);
	return dt;
}

function isoUtc(dt: DateTime): string {
	// the same text as luxon's toISO in UTC with milliseconds, without its per-call formatting cost
	return new Date(dt.toMillis()).toISOString();
}

// ---------------------------------------------------------------- the screen

class Lookups {
	private cache = new Map<string, Promise<VelocityResult & { channels?: string[] }>>();
	constructor(private readonly fn: VelocityLookup) {}
	get(q: VelocityQuery): Promise<VelocityResult & { channels?: string[] }> {
		const k = `${q.key}\u0000${q.value}\u0000${q.since}\u0000${q.until ?? ''}\u0000${q.excludeOmsId ?? ''}`;
		let p = this.cache.get(k);
		if (!p) {
			p = Promise.resolve(this.fn(q));
			this.cache.set(k, p);
		}
		return p;
	}
}

function allowHits(order: CanonicalOrder, rs: RuleSet): Hit[] {
	const allow = rs.allowList;
	if (!allow) return [];
	const hits: Hit[] = [];
	const email = normalizeEmail(order.customer?.email);
	const key = emailKey(order.customer?.email);
	if (email) {
		const listed = (allow.emails ?? []).find((e) => {
			const n = normalizeEmail(e);
			return n !== null && (n === email || emailKey(n) === key);
		});
		if (listed) hits.push({ rule: 'allowList.email', points: 0, detail: `E-mail ${email} is on the allow list`, block: false });
		else {
			const d = (allow.domains ?? []).find((x) => domainMatches(domainOf(email), x));
			if (d) hits.push({ rule: 'allowList.domain', points: 0, detail: `E-mail domain ${domainOf(email)} is on the allow list`, block: false });
		}
	}
	const phones = phonesOf(order);
	for (const p of phones) {
		if ((allow.phones ?? []).some((x) => phoneMatches(p, x))) {
			hits.push({ rule: 'allowList.phone', points: 0, detail: `Phone ${p} is on the allow list`, block: false });
			break;
		}
	}
	const cid = order.customer?.channelCustomerId;
	if (cid !== null && cid !== undefined && String(cid) !== '') {
		const id = String(cid);
		if ((allow.customerIds ?? []).some((x) => x === id || x === `${order.channel}:${id}`))
			hits.push({ rule: 'allowList.customerId', points: 0, detail: `${channelLabel(order.channel)} customer ${id} is on the allow list`, block: false });
	}
	return hits;
}

function phonesOf(order: CanonicalOrder): string[] {
	const out: string[] = [];
	for (const p of [order.customer?.phone, order.shipTo?.phone, order.billTo?.phone]) {
		const n = normalizePhone(p);
		if (n && !out.includes(n)) out.push(n);
	}
	return out;
}

function denyHits(order: CanonicalOrder, rs: RuleSet): Hit[] {
	const deny = rs.denyList;
	if (!deny) return [];
	const points = rs.thresholds?.reject ?? 0;
	const hits: Hit[] = [];
	const hit = (rule: string, detail: string) => hits.push({ rule, points, detail, block: true });
	const email = normalizeEmail(order.customer?.email);
	if (email) {
		const key = emailKey(email);
		if ((deny.emails ?? []).some((e) => {
			const n = normalizeEmail(e);
			return n !== null && (n === email || emailKey(n) === key);
		}))
			hit('denyList.email', `E-mail ${email} is on the deny list`);
		const domain = domainOf(email);
		if ((deny.domains ?? []).some((d) => domainMatches(domain, d))) hit('denyList.domain', `E-mail domain ${domain} is on the deny list`);
	}
	for (const p of phonesOf(order)) {
		if ((deny.phones ?? []).some((x) => phoneMatches(p, x))) {
			hit('denyList.phone', `Phone ${p} is on the deny list`);
			break;
		}
	}
	const addrs: Array<[string, Address | null]> = [
		['Ship-to', order.shipTo],
		['Billing', order.billTo],
	];
	for (const [label, a] of addrs) {
		const text = addressText(a);
		if (text === '') continue;
		const norm = normalizedList(deny.addresses);
		const at = norm.findIndex((n) => wordsInOrder(text, n));
		const listed = at >= 0 ? deny.addresses[at] : undefined;
		if (listed) {
			hit('denyList.address', `${label} address matches "${listed}" on the deny list`);
			break;
		}
	}
	const ip = order.risk?.clientIp;
	if (typeof ip === 'string' && ip.trim() !== '') {
		const listed = (deny.ips ?? []).find((x) => ipMatches(ip.trim(), x));
		if (listed) hit('denyList.ip', `Client IP ${ip.trim()} is on the deny list${listed.includes('/') ? ` (range ${listed})` : ''}`);
	}
	const country = order.shipTo?.country;
	if (country && (deny.countries ?? []).includes(country)) hit('denyList.country', `Ship-to country ${country} is on the deny list`);
	return hits;
}

/** Hits of the rules of one stage, in registry order; a rule that is missing or switched off is skipped */
function orderHits(order: CanonicalOrder, rs: RuleSet): Hit[] {
	const hits: Hit[] = [];
	const settings = rs.rules as unknown as Record<string, unknown>;
	for (const def of ORDER_RULES) {
		const cfg = settings[def.name];
		if (!isOn(cfg)) continue;
		const r = def.evaluate(order, cfg as never);
		if (r) add(hits, r);
	}
	return hits;
}

async function historyHits(order: CanonicalOrder, rs: RuleSet, ctx: HistoryContext): Promise<Hit[]> {
	const hits: Hit[] = [];
	const settings = rs.rules as unknown as Record<string, unknown>;
	for (const def of HISTORY_RULES) {
		const cfg = settings[def.name];
		if (!isOn(cfg)) continue;
		add(hits, await def.evaluate(order, cfg as never, ctx));
	}
	return hits;
}

function reasonsOf(hits: Hit[]): FraudReason[] {
	return hits.map(({ rule, points, detail }) => ({ rule, points, detail }));
}

function sumPoints(hits: Hit[]): number {
	// points are whole or decimal numbers; round to 2 places so sums stay readable and deterministic
	return Math.round(hits.reduce((s, h) => s + h.points, 0) * 100) / 100;
}

/**
 * Screens one order. Missing optional fields (no e-mail, no IP, no ship-to, no billing address) simply leave the
 * rules that need them silent.
 */
export async function screenOrder(order: CanonicalOrder, ruleSet: RuleSet, options: ScreenOptions): Promise<ScreenResult> {
	const now = toDateTime(options.now);
	const evaluatedAt = isoUtc(now);
	const version = options.ruleSetVersion ?? ruleSetVersion(ruleSet);
	const base = { ruleSetVersion: version, evaluatedAt };

	const allowed = allowHits(order, ruleSet);
	if (allowed.length > 0) return { decision: 'pass', score: 0, reasons: reasonsOf(allowed), stage: 'allow', ...base };

	const denied = denyHits(order, ruleSet);
	const fixed = ruleSet.rules ? orderHits(order, ruleSet) : [];
	const blockNow = [...denied, ...fixed.filter((h) => h.block)];
	if (blockNow.length > 0) return { decision: 'reject', score: sumPoints(blockNow), reasons: reasonsOf(blockNow), stage: 'block', ...base };

	const until = options.velocityUntil !== undefined ? isoUtc(toDateTime(options.velocityUntil, 'velocityUntil')) : evaluatedAt;
	const lookups = new Lookups(options.velocity);
	const history = ruleSet.rules ? await historyHits(order, ruleSet, { keys: identityKeys(order), lookup: (q) => lookups.get(q), now, until }) : [];
	const blockLater = history.filter((h) => h.block);
	if (blockLater.length > 0) return { decision: 'reject', score: sumPoints(blockLater), reasons: reasonsOf(blockLater), stage: 'block', ...base };

	const scored = [...fixed, ...history];
	const score = sumPoints(scored);
	const t = ruleSet.thresholds;
	const decision: FraudDecision = score >= t.reject ? 'reject' : score >= t.review ? 'review' : 'pass';
	return { decision, score, reasons: reasonsOf(scored), stage: 'score', ...base };
}

/**
 * True when a review decided at `decidedAt` has waited longer than `hours` at `now` (exactly `hours` is not yet
 * overdue). NoFraud alerts after 72 hours.
 */
export function isReviewOverdue(decidedAt: string | DateTime, now: string | DateTime, hours: number): boolean {
	const from = toDateTime(decidedAt, 'decidedAt');
	const to = toDateTime(now);
	return to.toMillis() - from.toMillis() > hours * 3600_000;
}
