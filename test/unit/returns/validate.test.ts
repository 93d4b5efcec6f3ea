/**
 * The canonical return's validation: validateReturn and the shipped JSON Schema agree on every structural case, and
 * validateReturn names each field of what a schema cannot check (returnId, lines given twice, dispositions over the
 * units, a refund that does not add up or names another line, decimals per currency, real dates, storable ids).
 */
import Ajv2020 from 'ajv/dist/2020';
import { CURRENCY_CODES } from '../../../lib/order/money';
import { canonicalReturnSchema, CANONICAL_RETURN_SCHEMA_ID } from '../../../lib/returns/schema';
import { assertValidReturn, InvalidReturnError, validateReturn } from '../../../lib/returns/validate';
import { CHANNEL_RETURN_STATES, DISPOSITIONS, REFUND_STATUSES, RETURN_REASONS, type CanonicalReturn } from '../../../lib/returns/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests bend valid returns into every invalid shape
type Mutable = Record<string, any>;

function validReturn(): CanonicalReturn {
	return {
		returnId: 'shopify:gid://shopify/Return/945000954',
		omsId: 'shopify:450789469',
		channel: 'shopify',
		channelReturnId: 'gid://shopify/Return/945000954',
		channelStatus: 'OPEN',
		channelState: 'authorised',
		requestedAt: '2026-05-10T10:00:00Z',
		updatedAt: '2026-05-10T10:05:00Z',
		lines: [
			{ lineId: '1', sku: 'SKU-1', quantity: 2, channelReason: 'SIZE_TOO_SMALL', reason: 'size_fit', note: null, dispositions: [{ disposition: 'restock', quantity: 1 }] },
			{ lineId: '2', sku: 'SKU-2', quantity: 1, channelReason: null, reason: 'unknown' },
		],
		shipment: { carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: null, labelCost: 7.5 },
		refund: { currency: 'USD', status: 'pending', lines: [{ lineId: '1', amount: 50, tax: 5, restockingFee: 7.5 }], shipping: 9, returnShippingFee: 7.5, total: 49 },
		raw: { id: 945000954 },
	};
}
function mutate(fn: (r: Mutable) => void): unknown {
	const r = validReturn() as unknown as Mutable;
	fn(r);
	return r;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
const schemaValid = ajv.compile(canonicalReturnSchema);

const valid: Array<[string, unknown]> = [
	['the full example', validReturn()],
	['without shipment, refund, raw', mutate((r) => ((r.shipment = null), (r.refund = null), delete r.raw))],
	['with an extra top-level annotation', mutate((r) => (r.exchange = { omsId: null }))],
	['in JPY', mutate((r) => (r.shipment.labelCost = 750, r.refund = { currency: 'JPY', status: 'refunded', lines: [{ lineId: '2', amount: 1000, tax: 0, restockingFee: 0 }], shipping: 0, returnShippingFee: 0, total: 1000, channelRefundId: 'R1', error: null }))],
	['a label cost unknown', mutate((r) => (r.shipment.labelCost = null))],
];

const invalid: Array<[string, unknown, string]> = [
	['null', null, '$'],
	['missing omsId', mutate((r) => delete r.omsId), '$.omsId'],
	['missing refund', mutate((r) => delete r.refund), '$.refund'],
	['upper-case channel', mutate((r) => ((r.channel = 'Shopify'), (r.returnId = 'Shopify:gid://shopify/Return/945000954'))), '$.channel'],
	['unknown channelState', mutate((r) => (r.channelState = 'open')), '$.channelState'],
	['requestedAt not UTC', mutate((r) => (r.requestedAt = '2026-05-10T10:00:00+01:00')), '$.requestedAt'],
	['no lines', mutate((r) => (r.lines = [])), '$.lines'],
	['quantity 0', mutate((r) => (r.lines[0].quantity = 0)), '$.lines[0].quantity'],
	['unknown reason', mutate((r) => (r.lines[0].reason = 'too_small')), '$.lines[0].reason'],
	['channelReason missing', mutate((r) => delete r.lines[1].channelReason), '$.lines[1].channelReason'],
	['extra line field', mutate((r) => (r.lines[0].price = 1)), '$.lines[0].price'],
	['unknown disposition', mutate((r) => (r.lines[0].dispositions[0].disposition = 'resell')), '$.lines[0].dispositions[0].disposition'],
	['shipment without labelCost', mutate((r) => delete r.shipment.labelCost), '$.shipment.labelCost'],
	['negative label cost', mutate((r) => (r.shipment.labelCost = -1)), '$.shipment.labelCost'],
	['unknown refund status', mutate((r) => (r.refund.status = 'done')), '$.refund.status'],
	['lower-case refund currency', mutate((r) => (r.refund.currency = 'usd')), '$.refund.currency'],
	['refund amount as string', mutate((r) => (r.refund.lines[0].amount = '50')), '$.refund.lines[0].amount'],
	['negative restocking fee', mutate((r) => (r.refund.lines[0].restockingFee = -1)), '$.refund.lines[0].restockingFee'],
];

describe('the canonical return schema and validateReturn agree', () => {
	it('has its id', () => {
		expect(canonicalReturnSchema.$id).toBe(CANONICAL_RETURN_SCHEMA_ID);
	});

	it.each(valid)('both accept %s', (_name, ret) => {
		expect(validateReturn(ret)).toEqual([]);
		expect(schemaValid(ret)).toBe(true);
	});

	it.each(invalid)('both reject %s, validateReturn naming %s', (_name, ret, path) => {
		expect(schemaValid(ret)).toBe(false);
		expect(validateReturn(ret).map((p) => p.path)).toContain(path);
	});

	it('lists the same enums as the types', () => {
		const props = canonicalReturnSchema.properties as Mutable;
		expect(props.channelState.enum).toEqual([...CHANNEL_RETURN_STATES]);
		expect(props.lines.items.properties.reason.enum).toEqual([...RETURN_REASONS]);
		expect(props.lines.items.properties.dispositions.items.properties.disposition.enum).toEqual([...DISPOSITIONS]);
		expect(props.refund.properties.status.enum).toEqual([...REFUND_STATUSES]);
		expect((canonicalReturnSchema.$defs as Mutable).currency.enum).toEqual([...CURRENCY_CODES]);
	});

	it.each([
		['returnId not channel:channelReturnId', mutate((r) => (r.returnId = 'shopify:1'))],
		['an order line twice', mutate((r) => (r.lines[1].lineId = '1'))],
		['a refund that does not add up', mutate((r) => (r.refund.total = 1))],
		['decimals in JPY', mutate((r) => (r.refund.currency = 'JPY'))],
		['30 February', mutate((r) => (r.requestedAt = '2026-02-30T00:00:00Z'))],
	])('only validateReturn rejects %s', (_name, ret) => {
		expect(schemaValid(ret)).toBe(true);
		expect(validateReturn(ret).length).toBeGreaterThan(0);
	});
});

describe('validateReturn: what a schema cannot check', () => {
	const problems = (ret: unknown) => validateReturn(ret).map((p) => `${p.path}: ${p.message}`);

	it('returnId is channel:channelReturnId', () => {
		expect(problems(mutate((r) => (r.returnId = 'shopify:1')))).toEqual(['$.returnId: must be "shopify:gid://shopify/Return/945000954" (channel:channelReturnId), got "shopify:1"']);
	});

	it('each order line once', () => {
		expect(problems(mutate((r) => (r.lines[1].lineId = '1')))).toContain('$.lines[1].lineId: names order line "1" a second time: give each order line once, with all its units');
	});

	it('dispositions for at most the units returned', () => {
		expect(problems(mutate((r) => (r.lines[0].dispositions = [{ disposition: 'restock', quantity: 1 }, { disposition: 'dispose', quantity: 2 }])))).toEqual([
			'$.lines[0].dispositions: give a disposition to at most the 2 units returned, got 3',
		]);
	});

	it('the refund adds up in minor units and names only lines of the return, once', () => {
		expect(problems(mutate((r) => (r.refund.total = 49.01)))).toEqual([
			"$.refund.total: must equal the lines' amount + tax - restockingFee, plus shipping, minus returnShippingFee = 49.00 USD, got 49.01",
		]);
		expect(problems(mutate((r) => (r.refund.lines[0].lineId = '3')))).toEqual(['$.refund.lines[0].lineId: must be a line of this return (1, 2), got "3"']);
		expect(problems(mutate((r) => r.refund.lines.push({ lineId: '1', amount: 0, tax: 0, restockingFee: 0 })))).toEqual(['$.refund.lines[1].lineId: refunds order line "1" a second time']);
	});

	it('amounts have the decimals of the refund currency, the label cost too', () => {
		expect(problems(mutate((r) => ((r.refund.lines[0].amount = 50.001), (r.refund.total = 49.001))))).toEqual([
			'$.refund.lines[0].amount: must have at most 2 decimals for USD, got 50.001',
			'$.refund.total: must have at most 2 decimals for USD, got 49.001',
		]);
		expect(problems(mutate((r) => (r.shipment.labelCost = 7.555)))).toEqual(['$.shipment.labelCost: must have at most 2 decimals for USD, got 7.555']);
		expect(problems(mutate((r) => (r.refund.currency = 'usd')))).toEqual(['$.refund.currency: must be an active ISO 4217 currency code in upper case such as "USD", got "usd" (did you mean "USD"?)']);
	});

	it('real calendar dates; storable identifiers', () => {
		expect(problems(mutate((r) => (r.updatedAt = '2026-02-30T00:00:00Z')))).toEqual(['$.updatedAt: must be a real calendar date, got "2026-02-30T00:00:00Z"']);
		expect(problems(mutate((r) => (r.lines[0].sku = 'SKU\u00001')))).toEqual(['$.lines[0].sku: must not contain a NUL character (U+0000): an identifier is kept exactly as given, and the store cannot keep this character']);
	});

	it('assertValidReturn throws every problem with the return id', () => {
		expect(assertValidReturn(validReturn()).returnId).toBe('shopify:gid://shopify/Return/945000954');
		const bad = mutate((r) => ((r.lines[0].quantity = -1), (r.channelState = 'x')));
		expect(() => assertValidReturn(bad)).toThrow(InvalidReturnError);
		expect(() => assertValidReturn(bad)).toThrow(/Invalid canonical return shopify:gid:\/\/shopify\/Return\/945000954: 2 problems\n\$\.channelState: .*\n\$\.lines\[0\]\.quantity: must be a positive integer, got -1/);
	});
});
