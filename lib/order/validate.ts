/**
 * Hand-written validation of the canonical order. It makes every check of canonical-order.schema.json (a unit
 * test keeps the two in agreement) plus the ones a JSON Schema cannot express: omsId is `${channel}:${channelOrderId}`,
 * totals add up in integer minor units, amounts have no more decimals than the currency allows, and timestamps
 * are real calendar dates. It runs on every item, so it has no dependencies and does no allocation-heavy work.
 */
import { CHANNEL, Checker, EMAIL, isObj, key, show, type Obj } from './checker';
import { fromMinor, isValidCurrency, minorUnits } from './money';
import { unstorableIn } from './storable';
import { READINESS, SHIPPING_LEVELS } from './types';
import type { CanonicalOrder, ValidationProblem } from './types';

const ORDER_FIELDS = ['omsId', 'channel', 'channelOrderId', 'orderNumber', 'placedAt', 'updatedAt', 'channelStatus', 'readiness', 'currency', 'totals', 'customer', 'shipTo', 'billTo', 'shipping', 'lines', 'risk'];
const TOTALS_FIELDS = ['subtotal', 'shipping', 'tax', 'discount', 'total'] as const;
const CUSTOMER_FIELDS = ['email', 'name', 'phone', 'channelCustomerId'];
const SHIPPING_FIELDS = ['level', 'label'];
const CANCEL_REQUEST_FIELDS = ['id', 'requestedAt', 'reason'];
const LINE_FIELDS = ['lineId', 'sku', 'title', 'quantity', 'unitPrice', 'lineTotal'];
const RISK_FIELDS = ['channelRecommendation', 'channelRiskLevel', 'clientIp', 'facts', 'external'];
const RISK_FACT_FIELDS = ['description', 'sentiment'];
const RISK_EXTERNAL_FIELDS = ['provider', 'decision', 'level', 'score'];

function checkTotals(c: Checker, path: string, v: unknown): void {
	if (!c.object(path, v, 'an object with subtotal, shipping, tax, discount and total')) return;
	c.fields(path, v, TOTALS_FIELDS, TOTALS_FIELDS, 'totals');
	const m: Record<string, number | null> = {};
	for (const f of TOTALS_FIELDS) m[f] = c.money(key(path, f), v[f]);
	const { subtotal, shipping, tax, discount, total } = m;
	if (subtotal !== null && shipping !== null && tax !== null && discount !== null && total !== null && c.decimals !== null) {
		const expected = subtotal + shipping + tax - discount;
		if (!Number.isSafeInteger(subtotal + shipping + tax) || !Number.isSafeInteger(expected)) {
			// past 2^53 minor units a sum is no longer exact, so it cannot be checked (nor stored exactly)
			c.add(key(path, 'total'), `cannot be checked: subtotal + shipping + tax - discount is too large to be handled exactly in ${c.currency} (more than ${Number.MAX_SAFE_INTEGER} minor units)`);
		} else if (expected !== total) {
			const fmt = (minor: number) => fromMinor(minor, c.currency).toFixed(c.decimals ?? 2);
			c.add(
				key(path, 'total'),
				`must equal subtotal + shipping + tax - discount = ${fmt(subtotal)} + ${fmt(shipping)} + ${fmt(tax)} - ${fmt(discount)} = ${fmt(expected)} ${c.currency}, got ${fmt(total)}`,
			);
		}
	}
}

function checkCustomer(c: Checker, path: string, v: unknown): void {
	if (!c.object(path, v, 'an object with email, name, phone and channelCustomerId')) return;
	c.fields(path, v, CUSTOMER_FIELDS, CUSTOMER_FIELDS, 'customer', CUSTOMER_FIELDS);
	for (const f of CUSTOMER_FIELDS) c.stringOrNull(key(path, f), v[f]);
	if (typeof v.email === 'string' && !EMAIL.test(v.email)) {
		c.add(key(path, 'email'), `must be an e-mail address (name@domain) or null, got ${show(v.email)}`);
	}
}

function checkShipping(c: Checker, path: string, v: unknown): void {
	if (!c.object(path, v, 'an object with level and label')) return;
	c.fields(path, v, SHIPPING_FIELDS, SHIPPING_FIELDS, 'shipping', ['label']);
	c.oneOf(key(path, 'level'), v.level, SHIPPING_LEVELS);
	c.stringOrNull(key(path, 'label'), v.label);
}

function checkCancelRequest(c: Checker, path: string, v: unknown): void {
	if (v === undefined || v === null) return;
	if (!c.object(path, v, 'an object with id, requestedAt and reason (or null when there is no request)')) return;
	c.fields(path, v, CANCEL_REQUEST_FIELDS, CANCEL_REQUEST_FIELDS, 'cancelRequest', CANCEL_REQUEST_FIELDS);
	if (v.id !== undefined && v.id !== null) c.string(key(path, 'id'), v.id, { nonEmpty: true });
	c.timestamp(key(path, 'requestedAt'), v.requestedAt, true);
	c.stringOrNull(key(path, 'reason'), v.reason);
}

function checkLines(c: Checker, path: string, v: unknown): void {
	if (v === undefined) return;
	if (!Array.isArray(v)) {
		c.add(path, `must be an array of order lines, got ${v === null ? 'null' : show(v)}`);
		return;
	}
	if (v.length === 0) c.add(path, 'must have at least one line');
	for (let i = 0; i < v.length; i++) {
		const p = `${path}[${i}]`;
		const line: unknown = v[i];
		if (!c.object(p, line, 'an order line object')) continue;
		c.fields(p, line, LINE_FIELDS, LINE_FIELDS, 'an order line', ['title']);
		c.string(key(p, 'lineId'), line.lineId, { nonEmpty: true });
		c.string(key(p, 'sku'), line.sku, { nonEmpty: true });
		c.stringOrNull(key(p, 'title'), line.title);
		c.integer(key(p, 'quantity'), line.quantity, 1);
		c.money(key(p, 'unitPrice'), line.unitPrice);
		c.money(key(p, 'lineTotal'), line.lineTotal);
	}
}

function checkRisk(c: Checker, path: string, v: unknown): void {
	if (!c.object(path, v, 'an object with channelRecommendation, channelRiskLevel and clientIp')) return;
	c.fields(path, v, ['channelRecommendation', 'channelRiskLevel', 'clientIp'], RISK_FIELDS, 'risk', ['channelRecommendation', 'channelRiskLevel', 'clientIp']);
	c.stringOrNull(key(path, 'channelRecommendation'), v.channelRecommendation);
	c.stringOrNull(key(path, 'channelRiskLevel'), v.channelRiskLevel);
	c.stringOrNull(key(path, 'clientIp'), v.clientIp);
	if (v.facts !== undefined) {
		if (!Array.isArray(v.facts)) c.add(key(path, 'facts'), `must be an array, got ${show(v.facts)}`);
		else
			v.facts.forEach((f: unknown, i: number) => {
				const p = `${path}.facts[${i}]`;
				if (!c.object(p, f, 'an object with description')) return;
				c.fields(p, f, ['description'], RISK_FACT_FIELDS, 'a risk fact');
				c.string(key(p, 'description'), f.description);
				c.stringOrNull(key(p, 'sentiment'), f.sentiment);
			});
	}
	if (v.external !== undefined) {
		if (!Array.isArray(v.external)) c.add(key(path, 'external'), `must be an array, got ${show(v.external)}`);
		else
			v.external.forEach((e: unknown, i: number) => {
				const p = `${path}.external[${i}]`;
				if (!c.object(p, e, 'an object with provider')) return;
				c.fields(p, e, ['provider'], RISK_EXTERNAL_FIELDS, 'an external risk verdict');
				c.string(key(p, 'provider'), e.provider);
				c.stringOrNull(key(p, 'decision'), e.decision);
				c.stringOrNull(key(p, 'level'), e.level);
				c.number(key(p, 'score'), e.score, true);
			});
	}
}

function eachItem(c: Checker, path: string, v: unknown, what: string, check: (p: string, item: Obj) => void): void {
	if (v === undefined) return;
	if (!Array.isArray(v)) {
		c.add(path, `must be an array, got ${v === null ? 'null' : show(v)}`);
		return;
	}
	v.forEach((item: unknown, i: number) => {
		const p = `${path}[${i}]`;
		if (c.object(p, item, what)) check(p, item);
	});
}

function checkFraud(c: Checker, path: string, v: unknown): void {
	if (!c.object(path, v, 'an object (the fraud annotation)')) return;
	c.fields(path, v, ['decision', 'score', 'reasons'], null, 'the fraud annotation');
	c.oneOf(key(path, 'decision'), v.decision, ['pass', 'review', 'reject']);
	c.number(key(path, 'score'), v.score);
	eachItem(c, key(path, 'reasons'), v.reasons, 'a fraud reason object', (p, r) => {
		c.fields(p, r, ['rule', 'points', 'detail'], null, 'a fraud reason');
		c.string(key(p, 'rule'), r.rule);
		c.number(key(p, 'points'), r.points);
		c.string(key(p, 'detail'), r.detail);
	});
}

function checkAllocation(c: Checker, path: string, v: unknown): void {
	if (!c.object(path, v, 'an object (the allocation annotation)')) return;
	c.fields(path, v, ['status', 'lines'], null, 'the allocation annotation');
	c.oneOf(key(path, 'status'), v.status, ['allocated', 'partial', 'backordered']);
	eachItem(c, key(path, 'lines'), v.lines, 'an allocation line object', (p, l) => {
		c.fields(p, l, ['sku', 'requested', 'allocated', 'backordered'], null, 'an allocation line');
		c.string(key(p, 'sku'), l.sku, { nonEmpty: true });
		c.integer(key(p, 'requested'), l.requested, 0);
		c.integer(key(p, 'allocated'), l.allocated, 0);
		c.integer(key(p, 'backordered'), l.backordered, 0);
	});
}

function checkWms(c: Checker, path: string, v: unknown): void {
	if (!c.object(path, v, 'an object (the wms annotation)')) return;
	c.fields(path, v, ['provider', 'reference', 'status', 'shipments'], null, 'the wms annotation', ['reference']);
	c.string(key(path, 'provider'), v.provider, { nonEmpty: true });
	c.stringOrNull(key(path, 'reference'), v.reference);
	c.string(key(path, 'status'), v.status);
	eachItem(c, key(path, 'shipments'), v.shipments, 'a shipment object', (p, s) => {
		c.fields(p, s, ['carrier', 'trackingNumber', 'trackingUrl', 'shippedAt', 'lines'], null, 'a shipment', ['carrier', 'trackingNumber', 'trackingUrl', 'shippedAt']);
		c.stringOrNull(key(p, 'carrier'), s.carrier);
		c.stringOrNull(key(p, 'trackingNumber'), s.trackingNumber);
		c.stringOrNull(key(p, 'trackingUrl'), s.trackingUrl);
		c.timestamp(key(p, 'shippedAt'), s.shippedAt, true);
		if (s.packageKey !== undefined) c.string(key(p, 'packageKey'), s.packageKey);
		eachItem(c, key(p, 'lines'), s.lines, 'a shipment line object', (lp, l) => {
			c.fields(lp, l, ['sku', 'quantity'], null, 'a shipment line');
			c.string(key(lp, 'sku'), l.sku, { nonEmpty: true });
			c.integer(key(lp, 'quantity'), l.quantity, 0);
			if (l.lineId !== undefined) c.string(key(lp, 'lineId'), l.lineId);
		});
	});
}

/**
 * Every problem with a canonical order, each with its JSON path (`$.lines[0].quantity`) and a message a person
 * understands ("must be a positive integer, got -2"). An empty array means the order is valid.
 */
export function validateOrder(order: unknown): ValidationProblem[] {
	const c = new Checker();
	if (!isObj(order)) {
		c.add('$', `must be an object (one canonical order), got ${order === null ? 'null' : show(order)}`);
		return c.problems;
	}
	const o = order;
	c.fields('$', o, ORDER_FIELDS, null, 'a canonical order', ['orderNumber', 'shipTo', 'billTo']);

	const channelOk = o.channel !== undefined && c.string('$.channel', o.channel) && CHANNEL.test(o.channel);
	if (typeof o.channel === 'string' && !channelOk) {
		c.add('$.channel', `must be a lower-case channel id such as "shopify" (letters, digits, _ or -), got ${show(o.channel)}`);
	}
	const idOk = c.string('$.channelOrderId', o.channelOrderId, { nonEmpty: true });
	if (c.string('$.omsId', o.omsId, { nonEmpty: true }) && channelOk && idOk) {
		const expected = `${o.channel as string}:${o.channelOrderId as string}`;
		if (o.omsId !== expected) c.add('$.omsId', `must be "${expected}" (channel:channelOrderId), got ${show(o.omsId)}`);
	}
	c.stringOrNull('$.orderNumber', o.orderNumber);
	c.timestamp('$.placedAt', o.placedAt);
	c.timestamp('$.updatedAt', o.updatedAt);
	c.string('$.channelStatus', o.channelStatus);
	c.oneOf('$.readiness', o.readiness, READINESS);

	if (o.currency !== undefined) {
		if (typeof o.currency === 'string' && isValidCurrency(o.currency)) {
			c.currency = o.currency;
			c.decimals = minorUnits(o.currency);
		} else {
			const hint = typeof o.currency === 'string' && isValidCurrency(o.currency.trim().toUpperCase()) ? ` (did you mean "${o.currency.trim().toUpperCase()}"?)` : '';
			c.add('$.currency', `must be an active ISO 4217 currency code in upper case such as "USD", got ${o.currency === null ? 'null' : show(o.currency)}${hint}`);
		}
	}

	if (o.totals !== undefined) checkTotals(c, '$.totals', o.totals);
	if (o.customer !== undefined) checkCustomer(c, '$.customer', o.customer);
	c.address('$.shipTo', o.shipTo);
	c.address('$.billTo', o.billTo);
	if (o.shipping !== undefined) checkShipping(c, '$.shipping', o.shipping);
	checkLines(c, '$.lines', o.lines);
	if (o.risk !== undefined) checkRisk(c, '$.risk', o.risk);
	c.timestamp('$.shipBy', o.shipBy, true);
	checkCancelRequest(c, '$.cancelRequest', o.cancelRequest);
	if (o.fraud !== undefined) checkFraud(c, '$.fraud', o.fraud);
	if (o.allocation !== undefined) checkAllocation(c, '$.allocation', o.allocation);
	if (o.wms !== undefined) checkWms(c, '$.wms', o.wms);
	c.problems.push(...unstorableIdentifiers(o));
	return c.problems;
}

/**
 * Identifiers that hold a character no store can keep (NUL, an unpaired surrogate: lib/order/storable.ts). They are
 * refused, never cleaned: an identifier changed in silence could become another order's, line's, SKU's or
 * customer's. (Free text holding them is cleaned by the store instead.) Reads only what is there: the shape is
 * validateOrder's business.
 */
export function unstorableIdentifiers(order: unknown): ValidationProblem[] {
	const problems: ValidationProblem[] = [];
	if (!isObj(order)) return problems;
	const check = (path: string, v: unknown) => {
		if (typeof v !== 'string') return;
		const bad = unstorableIn(v);
		if (bad) problems.push({ path, message: `must not contain ${bad}: an identifier is kept exactly as given, and the store cannot keep this character` });
	};
	const each = (path: string, list: unknown, fn: (p: string, item: Obj) => void) => {
		if (Array.isArray(list)) list.forEach((item: unknown, i) => isObj(item) && fn(`${path}[${i}]`, item));
	};
	check('$.omsId', order.omsId);
	check('$.channel', order.channel);
	check('$.channelOrderId', order.channelOrderId);
	if (isObj(order.customer)) check('$.customer.channelCustomerId', order.customer.channelCustomerId);
	each('$.lines', order.lines, (p, l) => {
		check(`${p}.lineId`, l.lineId);
		check(`${p}.sku`, l.sku);
	});
	if (isObj(order.allocation)) each('$.allocation.lines', order.allocation.lines, (p, l) => check(`${p}.sku`, l.sku));
	if (isObj(order.wms)) {
		check('$.wms.provider', order.wms.provider);
		check('$.wms.reference', order.wms.reference);
		each('$.wms.shipments', order.wms.shipments, (p, s) => {
			check(`${p}.packageKey`, s.packageKey);
			each(`${p}.lines`, s.lines, (lp, l) => {
				check(`${lp}.sku`, l.sku);
				check(`${lp}.lineId`, l.lineId);
			});
		});
	}
	return problems;
}

/** One line a problem: "$.lines[0].quantity: must be a positive integer, got -2". */
export function formatProblems(problems: readonly ValidationProblem[]): string {
	return problems.map((p) => `${p.path}: ${p.message}`).join('\n');
}

/** Thrown by assertValidOrder; `problems` holds every problem found. */
export class InvalidOrderError extends Error {
	readonly problems: ValidationProblem[];
	readonly omsId: string | null;

	constructor(problems: ValidationProblem[], omsId: string | null = null) {
		const n = problems.length;
		super(`Invalid canonical order${omsId ? ` ${omsId}` : ''}: ${n} problem${n === 1 ? '' : 's'}\n${formatProblems(problems)}`);
		this.name = 'InvalidOrderError';
		this.problems = problems;
		this.omsId = omsId;
	}
}

/** Returns the order typed as CanonicalOrder when valid; throws InvalidOrderError listing every problem if not. */
export function assertValidOrder(order: unknown): CanonicalOrder {
	const problems = validateOrder(order);
	if (problems.length > 0) {
		const omsId = isObj(order) && typeof order.omsId === 'string' ? order.omsId : null;
		throw new InvalidOrderError(problems, omsId);
	}
	return order as CanonicalOrder;
}
