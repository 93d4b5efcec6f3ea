import Ajv2020 from 'ajv/dist/2020';
import { COUNTRY_CODES } from '../../../lib/order/address';
import { CURRENCY_CODES } from '../../../lib/order/money';
import { CANONICAL_ORDER_SCHEMA_ID, canonicalOrderSchema } from '../../../lib/order/schema';
import { READINESS, SHIPPING_LEVELS } from '../../../lib/order/types';
import { validateOrder } from '../../../lib/order/validate';
import { validOrder } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests bend valid orders into every invalid shape
type Mutable = Record<string, any>;
function mutate(fn: (o: Mutable) => void): unknown {
	const o = validOrder() as unknown as Mutable;
	fn(o);
	return o;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
const schemaValid = ajv.compile(canonicalOrderSchema);

/** Orders both validators must accept. */
const valid: Array<[string, unknown]> = [
	['the full example order', validOrder()],
	['without raw', mutate((o) => delete o.raw)],
	['with an extra top-level annotation', mutate((o) => (o.backorder = { held: true }))],
	['with billTo and shipBy', mutate((o) => ((o.billTo = { ...o.shipTo, country: 'US' }), (o.shipBy = '2026-05-02T00:00:00Z')))],
	['with a buyer\'s cancel request', mutate((o) => (o.cancelRequest = { id: '5000000001', requestedAt: '2026-05-02T08:00:00Z', reason: 'ORDER_MISTAKE' }))],
	['with a cancel request whose id the payload lacks', mutate((o) => (o.cancelRequest = { id: null, requestedAt: null, reason: null }))],
	['with cancelRequest null', mutate((o) => (o.cancelRequest = null))],
	['with null shipTo and email', mutate((o) => ((o.shipTo = null), (o.customer.email = null)))],
	['with every annotation', mutate((o) => {
		o.fraud = { decision: 'review', score: 40, reasons: [{ rule: 'ip_distance', points: 40, detail: '3,000 km' }], reviewedBy: null };
		o.allocation = { status: 'partial', lines: [{ sku: 'SKU-1', requested: 2, allocated: 1, backordered: 1 }] };
		o.wms = { provider: 'shiphero', reference: null, status: 'received', shipments: [] };
	})],
	['with risk facts and external verdicts', mutate((o) => {
		o.risk.facts = [{ description: 'x' }];
		o.risk.external = [{ provider: 'stripe', score: null }];
	})],
	['in KWD', mutate((o) => ((o.currency = 'KWD'), (o.totals = { subtotal: 1.005, shipping: 2.01, tax: 0, discount: 0, total: 3.015 })))],
	['with several lines and a fractional second', mutate((o) => {
		o.lines.push({ lineId: '2', sku: 'SKU-2', title: null, quantity: 1, unitPrice: 0, lineTotal: 0 });
		o.placedAt = '2026-05-01T13:59:59.999999Z';
	})],
	['on another channel', mutate((o) => ((o.channel = 'edi_retailer'), (o.omsId = 'edi_retailer:450789469')))],
];

/** Orders both validators must reject (structural problems a JSON Schema can express). */
const invalid: Array<[string, unknown]> = [
	['null', null],
	['an array', [validOrder()]],
	['missing omsId', mutate((o) => delete o.omsId)],
	['missing billTo', mutate((o) => delete o.billTo)],
	['upper-case channel', mutate((o) => ((o.channel = 'Shopify'), (o.omsId = 'Shopify:450789469')))],
	['empty channelOrderId', mutate((o) => ((o.channelOrderId = ''), (o.omsId = 'shopify:')))],
	['placedAt not UTC', mutate((o) => (o.placedAt = '2026-05-01T14:00:00+01:00'))],
	['placedAt as epoch', mutate((o) => (o.placedAt = 1714572000))],
	['month 13', mutate((o) => (o.updatedAt = '2026-13-01T00:00:00Z'))],
	['unknown readiness', mutate((o) => (o.readiness = 'paid'))],
	['lower-case currency', mutate((o) => (o.currency = 'usd'))],
	['unknown currency', mutate((o) => (o.currency = 'ABC'))],
	['amount as string', mutate((o) => ((o.totals.subtotal = '50'), (o.totals.total = 59)))],
	['negative shipping', mutate((o) => (o.totals.shipping = -9))],
	['extra totals field', mutate((o) => (o.totals.fees = 0))],
	['missing totals field', mutate((o) => delete o.totals.discount)],
	['bad email', mutate((o) => (o.customer.email = 'b at example.com'))],
	['country name', mutate((o) => (o.shipTo.country = 'Canada'))],
	['lower-case country', mutate((o) => (o.shipTo.country = 'ca'))],
	['null country', mutate((o) => (o.shipTo.country = null))],
	['address missing a field', mutate((o) => delete o.shipTo.line2)],
	['unknown shipping level', mutate((o) => (o.shipping.level = 'overnight'))],
	['no lines', mutate((o) => (o.lines = []))],
	['zero quantity', mutate((o) => (o.lines[0].quantity = 0))],
	['fractional quantity', mutate((o) => (o.lines[0].quantity = 1.5))],
	['empty sku', mutate((o) => (o.lines[0].sku = ''))],
	['extra line field', mutate((o) => (o.lines[0].weight = 1))],
	['risk missing clientIp', mutate((o) => delete o.risk.clientIp)],
	['risk extra field', mutate((o) => (o.risk.score = 3))],
	['customer null', mutate((o) => (o.customer = null))],
	['bad fraud decision', mutate((o) => (o.fraud = { decision: 'ok', score: 0, reasons: [] }))],
	['allocation without lines', mutate((o) => (o.allocation = { status: 'allocated' }))],
	['wms shipment with a numeric packageKey', mutate((o) => (o.wms = { provider: 'x', reference: null, status: 's', shipments: [{ carrier: null, trackingNumber: null, trackingUrl: null, shippedAt: null, packageKey: 7, lines: [] }] }))],
	['wms shipment with bad shippedAt', mutate((o) => (o.wms = { provider: 'x', reference: null, status: 's', shipments: [{ carrier: null, trackingNumber: null, trackingUrl: null, shippedAt: 'now', lines: [] }] }))],
	['shipBy not a timestamp', mutate((o) => (o.shipBy = 'tomorrow'))],
	['cancelRequest not an object', mutate((o) => (o.cancelRequest = 'yes'))],
	['cancelRequest without its reason', mutate((o) => (o.cancelRequest = { id: '1', requestedAt: null }))],
	['cancelRequest with an empty id', mutate((o) => (o.cancelRequest = { id: '', requestedAt: null, reason: null }))],
	['cancelRequest with a numeric id', mutate((o) => (o.cancelRequest = { id: 5, requestedAt: null, reason: null }))],
	['cancelRequest requestedAt not a timestamp', mutate((o) => (o.cancelRequest = { id: '1', requestedAt: 'today', reason: null }))],
	['cancelRequest extra field', mutate((o) => (o.cancelRequest = { id: '1', requestedAt: null, reason: null, state: 'REQUESTED' }))],
];

/** What only validateOrder can see: the schema accepts these, validateOrder must not. */
const semanticOnly: Array<[string, unknown]> = [
	['omsId not channel:channelOrderId', mutate((o) => (o.omsId = 'shopify:1'))],
	['totals not adding up', mutate((o) => (o.totals.total = 60))],
	['too many decimals for USD', mutate((o) => (o.lines[0].unitPrice = 25.005))],
	['decimals in JPY', mutate((o) => ((o.currency = 'JPY'), (o.totals = { subtotal: 50.5, shipping: 9, tax: 0, discount: 0, total: 59.5 })))],
	['30 February', mutate((o) => (o.placedAt = '2026-02-30T00:00:00Z'))],
];

describe('canonical-order.schema.json', () => {
	it('is a draft 2020-12 schema with the documented $id', () => {
		expect(canonicalOrderSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
		expect(canonicalOrderSchema.$id).toBe(CANONICAL_ORDER_SCHEMA_ID);
		expect(canonicalOrderSchema.additionalProperties).toBe(true);
	});

	it('lists the same currencies, countries, readiness and shipping levels as the code', () => {
		const s = canonicalOrderSchema as Mutable;
		expect(s.$defs.currency.enum).toEqual([...CURRENCY_CODES]);
		expect(s.$defs.country.enum).toEqual([...COUNTRY_CODES]);
		expect(s.properties.readiness.enum).toEqual([...READINESS]);
		expect(s.properties.shipping.properties.level.enum).toEqual([...SHIPPING_LEVELS]);
	});

	it.each(valid)('both accept: %s', (_name, order) => {
		expect(validateOrder(order)).toEqual([]);
		expect(schemaValid(order)).toBe(true);
	});

	it.each(invalid)('both reject: %s', (_name, order) => {
		expect(validateOrder(order).length).toBeGreaterThan(0);
		expect(schemaValid(order)).toBe(false);
	});

	it.each(semanticOnly)('only validateOrder rejects: %s', (_name, order) => {
		expect(schemaValid(order)).toBe(true);
		expect(validateOrder(order).length).toBeGreaterThan(0);
	});
});
