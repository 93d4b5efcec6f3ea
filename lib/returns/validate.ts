/**
 * Hand-written validation of the canonical return. It makes every check of canonical-return.schema.json (a unit
 * test keeps the two in agreement) plus the ones a JSON Schema cannot express: returnId is
 * `${channel}:${channelReturnId}`, each order line at most once, dispositions never more than the units returned,
 * the refund adds up in integer minor units and names only lines of the return, amounts have no more decimals than
 * the currency allows, timestamps are real dates, identifiers are storable.
 */
import { CHANNEL, Checker, isObj, key, show, type Obj } from '../order/checker';
import { isValidCurrency, minorUnits } from '../order/money';
import { unstorableIn } from '../order/storable';
import type { ValidationProblem } from '../order/types';
import { formatProblems } from '../order/validate';
import { CHANNEL_RETURN_STATES, DISPOSITIONS, REFUND_STATUSES, RETURN_REASONS, type CanonicalReturn } from './types';

const RETURN_FIELDS = ['returnId', 'omsId', 'channel', 'channelReturnId', 'channelStatus', 'channelState', 'requestedAt', 'updatedAt', 'lines', 'shipment', 'refund'];
const LINE_REQUIRED = ['lineId', 'sku', 'quantity', 'channelReason', 'reason'];
const LINE_FIELDS = [...LINE_REQUIRED, 'note', 'dispositions'];
const SHIPMENT_FIELDS = ['carrier', 'trackingNumber', 'trackingUrl', 'labelCost'];
const REFUND_REQUIRED = ['currency', 'status', 'lines', 'shipping', 'returnShippingFee', 'total'];
const REFUND_FIELDS = [...REFUND_REQUIRED, 'channelRefundId', 'error', 'exchangeOmsId'];
const REFUND_LINE_FIELDS = ['lineId', 'amount', 'tax', 'restockingFee'];

function checkLines(c: Checker, v: unknown): Set<string> {
	const ids = new Set<string>();
	if (v === undefined) return ids;
	if (!Array.isArray(v)) {
		c.add('$.lines', `must be an array of return lines, got ${v === null ? 'null' : show(v)}`);
		return ids;
	}
	if (v.length === 0) c.add('$.lines', 'must have at least one line');
	v.forEach((line: unknown, i: number) => {
		const p = `$.lines[${i}]`;
		if (!c.object(p, line, 'a return line object')) return;
		c.fields(p, line, LINE_REQUIRED, LINE_FIELDS, 'a return line', ['channelReason']);
		if (c.string(key(p, 'lineId'), line.lineId, { nonEmpty: true })) {
			if (ids.has(line.lineId)) c.add(key(p, 'lineId'), `names order line ${show(line.lineId)} a second time: give each order line once, with all its units`);
			ids.add(line.lineId);
		}
		c.string(key(p, 'sku'), line.sku, { nonEmpty: true });
		c.integer(key(p, 'quantity'), line.quantity, 1);
		c.stringOrNull(key(p, 'channelReason'), line.channelReason);
		c.oneOf(key(p, 'reason'), line.reason, RETURN_REASONS);
		c.stringOrNull(key(p, 'note'), line.note);
		if (line.dispositions !== undefined) checkDispositions(c, key(p, 'dispositions'), line.dispositions, line.quantity);
	});
	return ids;
}

function checkDispositions(c: Checker, path: string, v: unknown, quantity: unknown): void {
	if (!Array.isArray(v)) {
		c.add(path, `must be an array of { disposition, quantity }, got ${v === null ? 'null' : show(v)}`);
		return;
	}
	let units = 0;
	let ok = true;
	v.forEach((d: unknown, i: number) => {
		const p = `${path}[${i}]`;
		if (!c.object(p, d, 'a disposition object')) {
			ok = false;
			return;
		}
		c.fields(p, d, ['disposition', 'quantity'], ['disposition', 'quantity'], 'a disposition');
		c.oneOf(key(p, 'disposition'), d.disposition, DISPOSITIONS);
		c.integer(key(p, 'quantity'), d.quantity, 1);
		if (typeof d.quantity === 'number' && Number.isInteger(d.quantity)) units += d.quantity;
		else ok = false;
	});
	if (ok && typeof quantity === 'number' && Number.isInteger(quantity) && quantity >= 1 && units > quantity) {
		c.add(path, `give a disposition to at most the ${quantity} unit${quantity === 1 ? '' : 's'} returned, got ${units}`);
	}
}

function checkShipment(c: Checker, v: unknown): void {
	if (v === undefined || v === null) return;
	if (!c.object('$.shipment', v, 'an object with carrier, trackingNumber, trackingUrl and labelCost, or null')) return;
	c.fields('$.shipment', v, SHIPMENT_FIELDS, SHIPMENT_FIELDS, 'the return shipment', SHIPMENT_FIELDS);
	for (const f of ['carrier', 'trackingNumber', 'trackingUrl']) c.stringOrNull(key('$.shipment', f), v[f]);
	if (v.labelCost !== null) c.money('$.shipment.labelCost', v.labelCost);
}

function checkRefund(c: Checker, v: unknown, lineIds: Set<string>): void {
	if (v === undefined || v === null) return;
	const path = '$.refund';
	if (!c.object(path, v, 'an object (the refund) or null')) return;
	c.fields(path, v, REFUND_REQUIRED, REFUND_FIELDS, 'the refund');
	c.oneOf(key(path, 'status'), v.status, REFUND_STATUSES);
	c.stringOrNull(key(path, 'channelRefundId'), v.channelRefundId);
	c.stringOrNull(key(path, 'exchangeOmsId'), v.exchangeOmsId);
	c.stringOrNull(key(path, 'error'), v.error);
	let sum: number | null = 0;
	const add = (m: number | null, sign = 1) => {
		sum = sum === null || m === null ? null : sum + sign * m;
	};
	if (Array.isArray(v.lines)) {
		const seen = new Set<string>();
		v.lines.forEach((l: unknown, i: number) => {
			const p = `${path}.lines[${i}]`;
			if (!c.object(p, l, 'a refund line object')) {
				sum = null;
				return;
			}
			c.fields(p, l, REFUND_LINE_FIELDS, REFUND_LINE_FIELDS, 'a refund line');
			if (c.string(key(p, 'lineId'), l.lineId, { nonEmpty: true })) {
				if (!lineIds.has(l.lineId)) c.add(key(p, 'lineId'), `must be a line of this return (${[...lineIds].join(', ') || 'none'}), got ${show(l.lineId)}`);
				else if (seen.has(l.lineId)) c.add(key(p, 'lineId'), `refunds order line ${show(l.lineId)} a second time`);
				seen.add(l.lineId);
			}
			add(c.money(key(p, 'amount'), l.amount));
			add(c.money(key(p, 'tax'), l.tax));
			add(c.money(key(p, 'restockingFee'), l.restockingFee), -1);
		});
	} else if (v.lines !== undefined) {
		c.add(key(path, 'lines'), `must be an array of refund lines, got ${v.lines === null ? 'null' : show(v.lines)}`);
		sum = null;
	}
	add(c.money(key(path, 'shipping'), v.shipping));
	add(c.money(key(path, 'returnShippingFee'), v.returnShippingFee), -1);
	const total = c.money(key(path, 'total'), v.total);
	if (sum !== null && total !== null && c.decimals !== null && sum !== total) {
		const fmt = (minor: number) => (minor / 10 ** (c.decimals ?? 2)).toFixed(c.decimals ?? 2);
		c.add(key(path, 'total'), `must equal the lines' amount + tax - restockingFee, plus shipping, minus returnShippingFee = ${fmt(sum)} ${c.currency}, got ${fmt(total)}`);
	}
}

/** The refund's currency decides the decimals of every amount (the refund's and the label cost). */
function currencyOf(c: Checker, refund: unknown): void {
	if (!isObj(refund) || refund.currency === undefined) return;
	const cur = refund.currency;
	if (typeof cur === 'string' && isValidCurrency(cur)) {
		c.currency = cur;
		c.decimals = minorUnits(cur);
	} else {
		const hint = typeof cur === 'string' && isValidCurrency(cur.trim().toUpperCase()) ? ` (did you mean "${cur.trim().toUpperCase()}"?)` : '';
		c.add('$.refund.currency', `must be an active ISO 4217 currency code in upper case such as "USD", got ${cur === null ? 'null' : show(cur)}${hint}`);
	}
}

/**
 * Every problem with a canonical return, each with its JSON path (`$.lines[0].quantity`) and a message a person
 * understands. An empty array means the return is valid.
 */
export function validateReturn(ret: unknown): ValidationProblem[] {
	const c = new Checker();
	if (!isObj(ret)) {
		c.add('$', `must be an object (one canonical return), got ${ret === null ? 'null' : show(ret)}`);
		return c.problems;
	}
	const r: Obj = ret;
	c.fields('$', r, RETURN_FIELDS, null, 'a canonical return', ['shipment', 'refund']);
	const channelOk = r.channel !== undefined && c.string('$.channel', r.channel) && CHANNEL.test(r.channel);
	if (typeof r.channel === 'string' && !channelOk) c.add('$.channel', `must be a lower-case channel id such as "shopify" (letters, digits, _ or -), got ${show(r.channel)}`);
	const idOk = c.string('$.channelReturnId', r.channelReturnId, { nonEmpty: true });
	if (c.string('$.returnId', r.returnId, { nonEmpty: true }) && channelOk && idOk) {
		const expected = `${r.channel as string}:${r.channelReturnId as string}`;
		if (r.returnId !== expected) c.add('$.returnId', `must be "${expected}" (channel:channelReturnId), got ${show(r.returnId)}`);
	}
	c.string('$.omsId', r.omsId, { nonEmpty: true });
	c.string('$.channelStatus', r.channelStatus);
	c.oneOf('$.channelState', r.channelState, CHANNEL_RETURN_STATES);
	c.timestamp('$.requestedAt', r.requestedAt);
	c.timestamp('$.updatedAt', r.updatedAt);
	currencyOf(c, r.refund);
	const lineIds = checkLines(c, r.lines);
	checkShipment(c, r.shipment);
	checkRefund(c, r.refund, lineIds);
	c.problems.push(...unstorableReturnIdentifiers(r));
	return c.problems;
}

/** Identifiers no store can keep (NUL, an unpaired surrogate): refused, never cleaned (lib/order/storable.ts). */
export function unstorableReturnIdentifiers(ret: unknown): ValidationProblem[] {
	const problems: ValidationProblem[] = [];
	if (!isObj(ret)) return problems;
	const check = (path: string, v: unknown) => {
		if (typeof v !== 'string') return;
		const bad = unstorableIn(v);
		if (bad) problems.push({ path, message: `must not contain ${bad}: an identifier is kept exactly as given, and the store cannot keep this character` });
	};
	for (const f of ['returnId', 'omsId', 'channel', 'channelReturnId']) check(`$.${f}`, ret[f]);
	if (Array.isArray(ret.lines)) {
		ret.lines.forEach((l: unknown, i: number) => {
			if (!isObj(l)) return;
			check(`$.lines[${i}].lineId`, l.lineId);
			check(`$.lines[${i}].sku`, l.sku);
		});
	}
	return problems;
}

/** Thrown by assertValidReturn; `problems` holds every problem found. */
export class InvalidReturnError extends Error {
	readonly problems: ValidationProblem[];
	readonly returnId: string | null;

	constructor(problems: ValidationProblem[], returnId: string | null = null) {
		const n = problems.length;
		super(`Invalid canonical return${returnId ? ` ${returnId}` : ''}: ${n} problem${n === 1 ? '' : 's'}\n${formatProblems(problems)}`);
		this.name = 'InvalidReturnError';
		this.problems = problems;
		this.returnId = returnId;
	}
}

/** The return typed as CanonicalReturn when valid; throws InvalidReturnError listing every problem if not. */
export function assertValidReturn(ret: unknown): CanonicalReturn {
	const problems = validateReturn(ret);
	if (problems.length > 0) throw new InvalidReturnError(problems, isObj(ret) && typeof ret.returnId === 'string' ? ret.returnId : null);
	return ret as CanonicalReturn;
}
